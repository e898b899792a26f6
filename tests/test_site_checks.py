"""The published site holds together: links and anchors resolve, every page can be reached from
the home page, every page is valid HTML5 (Nu Html Checker) — for the seed and for the corpus."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from site_builder import check_html as check_module
from site_builder.build import build
from site_builder.check import CheckError, check_site
from site_builder.check_html import validate_html
from site_fixtures import BASE_URL, corpus_content


@pytest.fixture(scope="session")
def seed_report(seed_site):  # noqa: F811
    return check_site(seed_site, html_validator=False, base_url=BASE_URL)


# --- the seed ---------------------------------------------------------------------------------

def test_the_seed_site_has_no_broken_links_or_anchors(seed_report):
    assert seed_report.pages > 200 and seed_report.links > 5000, seed_report.summary()  # not vacuous
    assert not seed_report.broken_links, seed_report.summary()
    assert not seed_report.missing_anchors, seed_report.summary()


def test_every_seed_page_is_reachable_from_the_home_page(seed_report):
    assert not seed_report.unreachable, seed_report.summary()


def test_every_seed_page_is_valid_html5(seed_site):  # noqa: F811
    errors = validate_html(seed_site)
    assert not errors, "\n".join(map(str, errors))


# --- the corpus -------------------------------------------------------------------------------

def test_the_corpus_site_holds_together_and_is_valid_html5(tmp_path):
    """The seed plus the 25 corpus reports (~3,600 pages): every check, vnu on every page (one run
    took about 25 s on two cores, well under the 60 s budget that would call for a sample)."""
    content = corpus_content(tmp_path)
    started = time.perf_counter()
    result = build(content, tmp_path / "output")
    built = time.perf_counter()
    report = check_site(tmp_path / "output", base_url=BASE_URL)
    print(f"\ncorpus: built {result.pages} pages in {built - started:.1f} s; {report.summary()}")
    assert report.pages == result.pages and report.validated == result.pages
    assert report.seconds < 30, f"links, anchors and reachability took {report.seconds:.1f} s"
    assert report.ok, report.summary()


# --- the checker itself, on a hand-made folder ------------------------------------------------

BASE = "https://archive.example.org"


def page(body: str, head: str = "") -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>t</title>{head}</head>"
            f"<body>{body}</body></html>")


def make_site(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path):
    return make_site(tmp_path / "site", {
        "index.html": page(
            '<a href="/a/">A</a> <a href="/a/#part">part of A</a> <a href="a/#nowhere">bad part</a>'
            ' <a href="/missing/">gone</a> <a href="#top-of-page">same page, missing</a>'
            ' <a href="#here" id="here">same page</a> <a href="mailto:x@example.org">mail</a>'
            ' <a href="https://example.com/elsewhere">external</a> <a href="/b/">B</a> <img src="/assets/logo.png" alt="">',
            f'<link rel="canonical" href="{BASE}/"><meta property="og:url" content="{BASE}/a/">'),
        "a/index.html": page('<h2 id="part">Part</h2><a href="../">home</a> <a href="/b">b, no slash</a>'
                             ' <a href="/A/HRC/1">by symbol</a> <a href="/c/index.html">c</a>',
                             f'<link rel="canonical" href="{BASE}a/">'),
        "b/index.html": page("<p>B</p>", f'<link rel="canonical" href="{BASE}/nope/">'
                                         f'<script type="application/ld+json">{{"url": "{BASE}/ld/"}}</script>'),
        "c/index.html": page('<p id="x">C</p><p id="x">again</p>'),
        "orphan/index.html": page('<a href="/">home</a>'),
        "404.html": page('<a href="/">home</a>'),
        "assets/logo.png": "png",
        "sitemap.xml": f"<urlset><url><loc>{BASE}/a/</loc></url><url><loc>{BASE}/zzz/</loc></url></urlset>",
        "_redirects": "/A/HRC/1 /a/ 301\n/A/HRC/2 /gone/ 301\n",
    })


def problems(found, page=None):
    return [str(p) for p in found if page is None or p.page == page]


def test_a_broken_link_is_reported_naming_the_page_and_the_link(tiny):
    report = check_site(tiny, html_validator=False, base_url=BASE)
    assert any("index.html:1:" in p and "/missing/" in p for p in problems(report.broken_links, "index.html"))
    assert not any("mailto" in p or "example.com" in p or "logo" in p for p in problems(report.broken_links))


def test_a_missing_anchor_is_reported_on_another_page_and_the_same_page(tiny):
    report = check_site(tiny, html_validator=False, base_url=BASE)
    found = problems(report.missing_anchors, "index.html")
    assert any("“nowhere”" in p and "a/index.html" in p for p in found), found
    assert any("“top-of-page”" in p for p in found), found
    assert not any("“part”" in p or "“here”" in p for p in found), found


def test_an_orphan_page_is_reported_but_not_the_404_page(tiny):
    report = check_site(tiny, html_validator=False, base_url=BASE)
    assert [p.page for p in report.unreachable] == ["orphan/index.html"]


def test_links_to_the_sites_own_address_must_be_well_formed_and_lead_to_a_page(tiny):
    report = check_site(tiny, html_validator=False, base_url=BASE)
    assert any("malformed" in p for p in problems(report.broken_links, "a/index.html"))
    assert any(f"{BASE}/nope/" in p for p in problems(report.broken_links, "b/index.html"))
    assert any(f"{BASE}/ld/" in p for p in problems(report.broken_links, "b/index.html"))  # JSON-LD
    assert any("/zzz/" in p for p in problems(report.broken_links, "sitemap.xml"))
    assert any("/gone/" in p for p in problems(report.broken_links, "_redirects"))
    assert not any(BASE in p for p in problems(report.broken_links, "index.html"))  # canonical, og:url


def test_folders_without_their_slash_redirects_and_duplicate_ids_are_reported(tiny):
    report = check_site(tiny, html_validator=False, base_url=BASE)
    found = problems(report.broken_links, "a/index.html")
    assert any("“/b”" in p and "trailing slash" in p for p in found), found
    assert any("“/A/HRC/1”" in p and "redirect" in p for p in found), found
    assert not any("/c/index.html" in p for p in found), found
    assert any("“x” is used more than once" in p for p in problems(report.missing_anchors, "c/index.html"))


def test_the_summary_names_each_problem_and_its_page(tiny):
    summary = check_site(tiny, html_validator=False, base_url=BASE).summary()
    assert "broken links:" in summary and "unreachable page:" in summary
    assert "orphan/index.html" in summary and "index.html:1: broken link “/missing/”" in summary


def test_a_sound_folder_passes(tmp_path):
    site = make_site(tmp_path, {"index.html": page('<a href="/a/#p">a</a>'),
                                "a/index.html": page('<p id="p"><a href="/">home</a></p>')})
    report = check_site(site, html_validator=False, base_url=BASE)
    assert report.ok and report.pages == 2 and report.links == 2, report.summary()
    assert "OK" in report.summary()


def test_vnu_errors_are_reported_naming_the_page(tmp_path):
    site = make_site(tmp_path, {"index.html": page('<a href="/bad/">bad</a>'),
                                "bad/index.html": page('<p><div>block in p</div></p><a href="/" id="i" id="i">x</a>'),
                                "data.txt": "not html"})
    report = check_site(site, base_url=BASE)
    assert report.validated == 2
    assert report.html_errors and {p.page for p in report.html_errors} == {"bad/index.html"}
    assert any("Duplicate attribute" in str(p) for p in report.html_errors), report.summary()


def test_without_java_or_vnu_the_check_says_what_to_install(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", {"index.html": page("<p>x</p>")})
    monkeypatch.setattr(check_module.shutil, "which", lambda name: None)
    with pytest.raises(CheckError, match="java is not installed.*setup.sh"):
        check_site(site, base_url=BASE)
    monkeypatch.undo()
    monkeypatch.delenv("VNU_JAR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(check_module, "ROOT", tmp_path)
    with pytest.raises(CheckError, match="vnu-jar"):
        check_site(site, base_url=BASE)


def test_a_missing_folder_is_an_error_not_a_pass(tmp_path):
    with pytest.raises(CheckError, match="no such folder"):
        check_site(tmp_path / "nothing", html_validator=False, base_url=BASE)
