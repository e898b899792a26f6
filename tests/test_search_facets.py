"""Themes and action levels as search facets (format v4), on the seed with stand-in themes:
each recommendation's values, filtering, counts over the results, a search by filters alone,
the command line. The stand-in makes the tests independent of which themes the gate ships."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT
from site_builder.classify.taxonomy import all_themes
from site_builder.enrich import build_archive
from site_builder.errors import BuildError
from site_builder.model import ACTION_LEVELS
from site_builder.search_export import export_search_index
from site_builder.search_format import IndexFiles
from site_builder.search_query import search
from test_search_index import everything
from test_search_index import archive, files, records, urls  # noqa: F401  (fixtures this module shares)


# Stand-in themes for the seed (the classifier fills them in the real build): a recommendation gets
# each theme whose word its text holds — none, one or several (125.1, "Finalize the ratification
# of the Convention on the Rights of Persons with Disabilities", gets two) — listed in reverse
# taxonomy order, which the index must not depend on; and a level from its first word, or none.
THEME_WORDS = {"childrens-rights": ("child",), "womens-rights": ("women",), "torture": ("tortur",),
               "death-penalty": ("death penalty",), "persons-with-disabilities": ("disabilit", "crpd"),
               "ratification": ("ratif",)}
LEVEL_OF_FIRST_WORD = {"continue": 2, "maintain": 2, "consider": 3, "ensure": 4, "strengthen": 4, "take": 4,
                       "ratify": 5, "abolish": 5, "adopt": 5, "establish": 5}


def classified(archive):
    """The archive with each recommendation given stand-in themes and an action level."""
    reports = []
    for report in archive.reports:
        recs = []
        for rec in report.recommendations:
            text = rec.text.lower()
            themes = tuple(slug for slug, words in THEME_WORDS.items() if any(word in text for word in words))
            recs.append(dataclasses.replace(rec, themes=themes,
                                            action_level=LEVEL_OF_FIRST_WORD.get(text.split()[0])))
        reports.append(dataclasses.replace(report, recommendations=tuple(recs)))
    return build_archive(reports)


@pytest.fixture(scope="module")
def themed(archive):
    return classified(archive)


@pytest.fixture(scope="module")
def themed_files(themed, urls):
    return export_search_index(themed, urls)


def rec_of_doc(archive, records) -> dict:
    """doc number → its Recommendation (the seed has one review: ids are unique)."""
    by_id = {rec.id: rec for report in archive.reports for rec in report.recommendations}
    return {n: by_id[r["i"]] for n, r in enumerate(records) if r["k"] == "recommendation"}


def test_the_stand_in_themes_cover_none_one_and_several(themed):
    recs = [rec for report in themed.reports for rec in report.recommendations]
    assert {len(rec.themes) for rec in recs} >= {0, 1, 2}
    assert next(rec for rec in recs if rec.id == "125.1").themes == ("persons-with-disabilities", "ratification")
    assert {rec.action_level for rec in recs} >= {None, 2, 3, 4, 5}


def test_each_recommendation_has_its_themes_and_level_as_facets(themed, themed_files, records):
    index = IndexFiles(themed_files)
    facets = index.facets()
    recs = rec_of_doc(themed, records)
    index.facet_docs({})  # notes every recommendation's numbers
    for doc in range(len(records)):
        values = facets.values(doc, index.by_ref.get(doc, 0), index.about_ref.get(doc, 0))
        if doc not in recs:
            assert values is None
            continue
        rec = recs[doc]
        assert sorted(values["theme"]) == sorted(rec.themes)
        assert values["level"] == ([str(rec.action_level)] if rec.action_level else [])
    data = json.loads(themed_files["search/facets.json"])
    taxonomy = [theme.slug for theme in all_themes()]
    assert [slug for slug, _ in data["themes"]] == sorted(THEME_WORDS, key=taxonomy.index)  # used ones only
    assert dict(data["themes"])["death-penalty"] == "Death penalty"
    assert data["levels"] == [ACTION_LEVELS[n] for n in range(1, 6)]
    # each combination of level and themes once, numbered in the order the docs first have it
    met = [(rec.action_level or 0, *sorted(data["themes"].index([t, dict(data["themes"])[t]]) for t in rec.themes))
           for _, rec in sorted(recs.items())]
    assert [tuple(about) for about in data["abouts"]] == list(dict.fromkeys(about for about in met if about != (0,)))


def test_a_theme_or_level_filter_keeps_the_recommendations_that_have_it(themed, themed_files, records):
    recs = rec_of_doc(themed, records)
    for facets in ({"theme": "torture"}, {"theme": "ratification"}, {"level": "5"},
                   {"theme": "womens-rights", "level": "4"}, {"theme": "death-penalty", "position": "noted"},
                   {"theme": "ratification", "by": "HUN"}):
        wanted = {doc for doc, rec in recs.items()
                  if ("theme" not in facets or facets["theme"] in rec.themes)
                  and ("level" not in facets or str(rec.action_level) == facets["level"])
                  and ("position" not in facets or rec.position == facets["position"])
                  and ("by" not in facets or facets["by"] in {s.iso3 for s in rec.recommended_by})}
        result, hits = everything(themed_files, "", facets)
        assert {hit.doc for hit in hits} == wanted and wanted, facets
        if "theme" in facets:
            assert result.facets["theme"][facets["theme"]] == len(wanted)
    # with words: the same results as without the filter, less those without the theme, in order
    _, all_hits = everything(themed_files, "convention")
    _, hits = everything(themed_files, "convention", {"theme": "ratification"})
    assert [h.doc for h in hits] == [h.doc for h in all_hits if h.doc in recs and "ratification" in recs[h.doc].themes]
    assert hits and len(hits) < len(all_hits)
    # a theme or level the index does not know finds nothing, and names no file
    for facets in ({"theme": "no-such-theme"}, {"theme": "../meta"}, {"level": "9"}):
        result = search(themed_files, "", facets)
        assert result.total == 0 and result.files_read == ["search/meta.json", "search/facets.json"], facets


def test_theme_and_level_counts_are_over_the_results(themed, themed_files, records):
    recs = rec_of_doc(themed, records)
    result, hits = everything(themed_files, "women")
    themes, levels = Counter(), Counter()
    for hit in hits:
        if hit.doc in recs:
            themes.update(recs[hit.doc].themes)
            levels.update([str(recs[hit.doc].action_level)] if recs[hit.doc].action_level else [])
    assert result.facets["theme"] == dict(themes) and result.facets["level"] == dict(levels)
    assert sum(themes.values()) > sum(1 for hit in hits if hit.doc in recs)  # several themes each, counted once each
    assert themes["womens-rights"] == sum(1 for hit in hits if hit.doc in recs and "women" in hit.record["x"].lower())


def test_a_search_by_theme_or_level_alone_reads_only_that_list(themed_files):
    read = search(themed_files, "", {"theme": "torture"}).files_read
    assert "search/facets/theme/torture.json" in read and "search/facets/all.json" not in read
    read = search(themed_files, "", {"level": "3", "position": "supported"}).files_read
    assert "search/facets/level/3.json" in read and "search/facets/all.json" not in read
    read = search(themed_files, "", {"level": "3", "by": "HUN"}).files_read  # a state's list is the shorter
    assert "search/facets/by/HUN.json" in read and "search/facets/level/3.json" not in read
    # a word search reads no facet list: the postings carry each doc's themes and level
    read = search(themed_files, "torture", {"theme": "torture", "level": "5"}).files_read
    assert not any(path.startswith("search/facets/") for path in read)


def test_an_archive_without_themes_has_no_theme_values(archive, urls):
    bare = build_archive([dataclasses.replace(report, recommendations=tuple(
        dataclasses.replace(rec, themes=(), action_level=None) for rec in report.recommendations))
        for report in archive.reports])
    files = export_search_index(bare, urls)
    data = json.loads(files["search/facets.json"])
    assert data["themes"] == [] and data["abouts"] == []
    assert not any(path.startswith("search/facets/theme/") for path in files)
    assert all(json.loads(files[f"search/facets/level/{n}.json"]) == [] for n in range(1, 6))
    assert all(flat[5::6] == [0] * (len(flat) // 6) for path, data in files.items() if path.startswith("search/terms/")
               for flat in json.loads(data).values())
    result = search(files, "torture")
    assert result.total and result.facets["theme"] == {} and result.facets["level"] == {}
    assert search(files, "", {"theme": "torture"}).total == 0


def test_the_export_with_themes_is_deterministic(themed, urls, themed_files):
    assert export_search_index(themed, urls) == themed_files


def test_a_theme_the_taxonomy_does_not_list_is_refused(archive, urls):
    report = archive.reports[0]
    rec = dataclasses.replace(report.recommendations[0], themes=("not-a-theme",))
    broken = build_archive([dataclasses.replace(report, recommendations=(rec, *report.recommendations[1:]))])
    with pytest.raises(BuildError, match=r"A-HRC-28-10\.txt: recommendation 124\.1 has the theme 'not-a-theme'"):
        export_search_index(broken, urls)


def test_the_command_line_filters_by_theme_and_level(themed_files, tmp_path):
    for path, data in themed_files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    run = subprocess.run([sys.executable, "-m", "site_builder", "search", "", "--output", str(tmp_path),
                          "--theme", "death-penalty", "--level", "5", "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    data = json.loads(run.stdout)
    expected = search(themed_files, "", {"theme": "death-penalty", "level": "5"})
    assert data["total"] == expected.total > 0 and data["facets"]["level"] == {"5": expected.total}
    assert [hit["url"] for hit in data["hits"]] == [hit.record["u"] for hit in expected.hits]
    text = subprocess.run([sys.executable, "-m", "site_builder", "search", "abolish", "--output", str(tmp_path),
                           "--theme", "death-penalty"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert text.startswith(f"{search(themed_files, 'abolish', {'theme': 'death-penalty'}).total} result(s) for "
                           "“abolish”, theme=death-penalty;")
    assert "Themes: " in text and "Action levels: " in text
