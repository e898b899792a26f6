"""The command line: a summary, the JSON contract, and one clear line for bad input."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEED


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "site_builder", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_parse_prints_a_summary_of_the_embedded_default():
    result = run("parse")
    assert result.returncode == 0, result.stderr
    assert "Kazakhstan — A/HRC/28/10" in result.stdout
    assert "194 recommendations from 71 states: 143 supported, 51 noted" in result.stdout


def test_parse_json_follows_the_documented_contract():
    result = run("parse", str(SEED), "--json")
    data = json.loads(result.stdout)
    assert data["symbol"] == "A/HRC/28/10"
    assert data["state_under_review"] == {"name": "Kazakhstan", "iso3": "KAZ"}
    assert (data["session"], data["cycle"], data["date"]) == (20, 2, "2014-12-10")
    assert set(data["paragraphs"][0]) >= {"number", "section", "speaker", "text"}
    rec = next(r for r in data["recommendations"] if r["id"] == "125.8")
    assert rec["paragraph"] == 125 and rec["position"] == "supported"
    assert rec["recommended_by"] == [{"name": "Hungary", "iso3": "HUN"}, {"name": "Spain", "iso3": "ESP"}]
    assert len(data["recommendations"]) == 194


def _bad_inputs(tmp_path):
    seed_text = SEED.read_text(encoding="utf-8")
    files = {
        "empty.txt": b"",
        "blank.txt": b"   \n\n  ",
        "binary.txt": bytes(range(256)) * 10,
        "notes.txt": b"Shopping list: eggs, milk.\n",
        "truncated.txt": seed_text[:40000].encode(),
        "cut-mid-list.txt": seed_text[:60000].encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return list(files) + ["missing.txt"]


@pytest.mark.parametrize("name", ["empty.txt", "blank.txt", "binary.txt", "notes.txt",
                                  "truncated.txt", "cut-mid-list.txt", "missing.txt"])
def test_bad_input_gets_one_line_naming_the_file_and_status_1(tmp_path, name):
    _bad_inputs(tmp_path)
    result = run("parse", str(tmp_path / name))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0] and "Traceback" not in result.stderr


def test_a_directory_is_not_a_report(tmp_path):
    result = run("parse", str(tmp_path))
    assert result.returncode == 1 and "directory" in result.stderr


def test_build_then_check_reports_a_clean_site(tmp_path):
    output = tmp_path / "site"
    built = run("build", "--output", str(output))
    assert built.returncode == 0, built.stderr
    assert "Built 458 pages" in built.stdout
    checked = run("check", "--output", str(output), "--no-html")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK: no broken links" in checked.stdout


def test_check_fails_and_names_the_page_with_a_broken_link(tmp_path):
    output = tmp_path / "site"
    run("build", "--output", str(output))
    (output / "states" / "hungary" / "index.html").unlink()
    checked = run("check", "--output", str(output), "--no-html")
    assert checked.returncode == 1
    assert "broken link" in checked.stdout and "/states/hungary/" in checked.stdout


# --- search -------------------------------------------------------------------------------------

def test_search_prints_ranked_results_from_the_built_index(seed_site):
    result = run("search", "death penalty", "--output", str(seed_site), "--position", "noted")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "3 result(s) for “death penalty”, position=noted; 1–3 shown"
    assert "/reviews/kazakhstan/cycle-2/126.26/" in result.stdout and " — noted — by France" in result.stdout


def test_search_json_is_what_the_search_engine_returns(seed_site):
    from site_builder.search_query import search
    result = run("search", "journalist", "--output", str(seed_site), "--json")
    data = json.loads(result.stdout)
    expected = search(seed_site, "journalist")
    assert [hit["url"] for hit in data["hits"]] == [hit.record["u"] for hit in expected.hits]
    assert data["total"] == expected.total and data["pages"] == expected.pages
    assert data["hits"][0]["kind"] == "recommendation" and "journalists" in data["hits"][0]["text"]
    second = json.loads(run("search", "torture", "--output", str(seed_site), "--json", "--page", "2").stdout)
    assert second["total"] > 10 and second["page"] == 2
    assert [hit["url"] for hit in second["hits"]] == [hit.record["u"] for hit in search(seed_site, "torture", page=2).hits]


def test_search_suggests_a_spelling_and_says_when_nothing_is_found(seed_site):
    result = run("search", "jurnalists", "--output", str(seed_site))
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["Did you mean: jurnalists → journalists", "No results for “jurnalists”."]


def test_search_without_a_built_site_says_what_to_do(tmp_path):
    result = run("search", "torture", "--output", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"site-builder: {tmp_path}/search/meta.json: no search index here; run `site-builder build` first"
