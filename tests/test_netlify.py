"""netlify.toml publishes output/ with strict security headers; _redirects lets the UN symbol in."""

import tomllib

from conftest import ROOT


def test_netlify_builds_and_publishes_output():
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "output"
    assert "site_builder build" in config["build"]["command"]


def test_strict_security_headers():
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    every_page = next(h["values"] for h in config["headers"] if h["for"] == "/*")
    csp = every_page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert every_page["X-Content-Type-Options"] == "nosniff"
    assert every_page["Referrer-Policy"]
    assets = next(h["values"] for h in config["headers"] if h["for"] == "/assets/*")
    assert "immutable" in assets["Cache-Control"]


def test_symbol_redirects(tmp_path):
    from site_builder.build import build
    build(ROOT / "content", tmp_path / "out")
    rules = (tmp_path / "out" / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/A/HRC/28/10 /reviews/kazakhstan/cycle-2/ 301" in rules
    assert "/A/HRC/28/10/125.8 /reviews/kazakhstan/cycle-2/125.8/ 301" in rules
    assert "/a/hrc/28/10/125.8 /reviews/kazakhstan/cycle-2/125.8/ 301" in rules


def test_no_page_carries_inline_script_or_style(tmp_path):
    import re
    from site_builder.build import build
    build(ROOT / "content", tmp_path / "out")
    for page in (tmp_path / "out").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all("application/ld+json" in attributes for attributes in scripts), page
        assert " style=" not in html and "<style" not in html, page
        assert not re.search(r"\son[a-z]+=", html), page
