"""Incremental builds: reuse only skips work. After any change, output is byte-identical to a
clean build, and only the pages a change touches are made anew."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from site_builder.build import build


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def same_as_clean(content, output, tmp_path):
    clean = tmp_path / "clean"
    build(content, clean, incremental=False)
    assert snapshot(output) == snapshot(clean)
    shutil.rmtree(clean)


def search_files(output):
    """The static search index's files (the search page aside)."""
    found = sum(1 for path in (output / "search").rglob("*.json"))
    assert found > 100
    return found


def data_files(output):
    """The data exports: each review's CSV and JSON, and the whole archive's."""
    found = sum(1 for path in (output / "data").rglob("*") if path.is_file())
    assert found >= 4
    return found


def test_a_rebuild_with_nothing_changed_makes_no_page_anew(content, tmp_path):
    output = tmp_path / "output"
    first = build(content, output)
    again = build(content, output)
    assert first.rendered == first.files
    # only feeds, redirects and assets are remade; the search index and the data exports are
    # kept, as their reports did not change
    assert again.rendered == again.files - again.pages - search_files(output) - data_files(output)
    same_as_clean(content, output, tmp_path)


def test_adding_a_report_remakes_only_the_pages_it_touches(content, tmp_path, corpus):
    output = tmp_path / "output"
    build(content, output)
    shutil.copy(corpus / "reports" / "tonga2008.txt", content / "reports" / "tonga2008.txt")
    result = build(content, output)
    remade_pages = result.rendered - (result.files - result.pages)
    # Kazakhstan's review and its table stay, and so do most of its 194 recommendation pages:
    # one is remade only when its "same ask elsewhere" list now names a Tongan recommendation
    assert remade_pages < result.pages - 100
    assert (output / "reviews" / "tonga" / "cycle-1" / "index.html").exists()
    same_as_clean(content, output, tmp_path)


def test_changing_removing_and_editing_give_the_clean_result(content, tmp_path, corpus):
    output = tmp_path / "output"
    shutil.copy(corpus / "reports" / "tonga2008.txt", content / "reports" / "tonga2008.txt")
    build(content, output)
    seed = content / "reports" / "A-HRC-28-10.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("Ratify CRPD (Hungary", "Ratify the CRPD (Hungary"),
                    encoding="utf-8")
    build(content, output)
    assert "Ratify the CRPD" in (output / "reviews/kazakhstan/cycle-2/125.8/index.html").read_text(encoding="utf-8")
    same_as_clean(content, output, tmp_path)
    (content / "reports" / "tonga2008.txt").unlink()
    build(content, output)
    same_as_clean(content, output, tmp_path)
    (content / "pages" / "about.md").write_text("# About\n\nA new text.\n", encoding="utf-8")
    result = build(content, output)
    assert result.rendered == result.files - result.pages - search_files(output) - data_files(output) + 1
    same_as_clean(content, output, tmp_path)


def test_a_template_change_remakes_every_page(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    output = tmp_path / "output"
    build(content, output, templates)
    badges = templates / "_partials" / "badges.html"
    badges.write_text(badges.read_text(encoding="utf-8").replace("{{ position_labels[position] }}",
                                                                "[{{ position_labels[position] }}]"), encoding="utf-8")
    result = build(content, output, templates)
    # a template does not re-index, nor remake the data exports
    assert result.rendered == result.files - search_files(output) - data_files(output)
    assert "[Supported]" in (output / "reviews/kazakhstan/cycle-2/125.8/index.html").read_text(encoding="utf-8")


def test_a_damaged_cache_is_ignored(content, tmp_path):
    output = tmp_path / "output"
    build(content, output)
    for cached in (tmp_path / ".site-builder-cache-output").rglob("*.pickle"):
        cached.write_bytes(b"not a pickle")
    build(content, output)
    same_as_clean(content, output, tmp_path)


def test_a_search_file_gone_from_both_earlier_sites_is_made_again(content, tmp_path):
    """The search stage's cache keeps each file's hash, not the file: a file neither the
    published site nor the spare still has sends the stage back to making the index."""
    output = tmp_path / "output"
    build(content, output)
    build(content, output)  # the first site is now the spare
    for site in (output, tmp_path / ".output.spare"):
        (site / "search" / "meta.json").unlink()
    again = build(content, output)
    assert again.rendered == again.files - again.pages - search_files(output) - data_files(output) + 1
    same_as_clean(content, output, tmp_path)


def test_a_clean_build_leaves_what_the_next_build_reuses(content, tmp_path):
    output = tmp_path / "output"
    build(content, output, incremental=False)
    again = build(content, output)
    # no page remade, nor the search index, nor the data; other files are rewritten
    assert again.rendered == again.files - again.pages - search_files(output) - data_files(output)


def test_an_earlier_review_of_the_same_state_remakes_the_pages_that_now_look_back(content, tmp_path, corpus):
    """Kazakhstan's cycle-1 review added beside the seed (cycle 2): recommendation pages gain
    "Across cycles" lists although their own report did not change, and the theme pages grow."""
    output = tmp_path / "output"
    build(content, output)
    shutil.copy(corpus / "reports" / "kazakhstan2010.txt", content / "reports" / "kazakhstan2010.txt")
    build(content, output)
    pages = [p.read_text(encoding="utf-8") for p in (output / "reviews" / "kazakhstan" / "cycle-2").glob("*/index.html")]
    assert sum('id="across"' in page for page in pages) > 10
    same_as_clean(content, output, tmp_path)


def test_a_build_starts_from_the_site_before_last_and_never_writes_through_to_the_last(content, tmp_path, corpus):
    """The site a build replaces is kept beside output/ (write.py, "the spare"); the build after
    next starts from it, rewriting only what differs. Files shared by hard links with the
    published site are replaced, never written into."""
    output, spare = tmp_path / "output", tmp_path / ".output.spare"
    build(content, output)  # site 1: the seed
    tonga = content / "reports" / "tonga2008.txt"
    shutil.copy(corpus / "reports" / "tonga2008.txt", tonga)
    build(content, output)  # site 2: the seed and Tonga; site 1 is now the spare
    assert (spare / "index.html").is_file() and not (spare / "reviews" / "tonga").exists()
    site_2 = snapshot(output)
    tonga.unlink()
    result = build(content, output)  # site 3: the seed again, made from site 1
    assert snapshot(spare) == site_2  # the site it replaced, untouched and whole
    assert not (output / "reviews" / "tonga").exists() and not (output / "data" / "reviews" / "tonga-cycle-1.json").exists()
    # every page was already right in site 1, so none is written; nor are the data exports.
    # The search index is made again (the cache held site 2's), but its files come out as site
    # 1 had them, so none is written either: only the feeds and assets are.
    assert result.rendered == result.files - result.pages - data_files(output) - search_files(output)
    same_as_clean(content, output, tmp_path)
    # a clean build makes every file anew, and keeps the site it replaced as the spare too
    site_3 = snapshot(output)
    clean = build(content, output, incremental=False)
    assert clean.rendered == clean.files and snapshot(spare) == site_3


def test_a_build_restored_into_a_new_checkout_is_incremental(content, tmp_path, corpus, monkeypatch):
    """What CI does (.github/workflows/site.yml): output/ and its cache, restored from the last
    run into a new checkout (copied, so no file is shared with the old one), make the next
    build incremental: adding a report remakes only what it touches, as locally."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(content, first / "content")
    monkeypatch.chdir(first)
    build(Path("content"), Path("output"))
    shutil.copytree(content, second / "content")
    for folder in ("output", ".site-builder-cache-output"):
        shutil.copytree(first / folder, second / folder)  # copies: no hard link to the first
    shutil.rmtree(first)
    shutil.copy(corpus / "reports" / "tonga2008.txt", second / "content" / "reports" / "tonga2008.txt")
    monkeypatch.chdir(second)
    result = build(Path("content"), Path("output"))
    assert result.rendered - (result.files - result.pages) < result.pages - 100
    same_as_clean(second / "content", second / "output", tmp_path)


def test_a_review_held_last_leaves_the_long_lists_earlier_pages_as_they_were(content, tmp_path, corpus, monkeypatch):
    """The lists across reviews (the archive's, each state's, each theme's) run in the order the
    reviews were held, and only their first page gives the whole list's totals: a review held
    after all the others (Iran's, a day after Kazakhstan's) joins their end, so their other
    pages keep their rows, their bytes and their files (linked, not rendered again), bar the
    last few, whose links reach the end."""
    from site_builder import pages
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 4)
    for name in ("tonga2008.txt", "canada2009.txt", "sweden2010.txt"):
        shutil.copy(corpus / "reports" / name, content / "reports" / name)
    output = tmp_path / "output"
    build(content, output)

    def list_pages():  # list → {page number: file}, for the lists across reviews
        lists: dict[Path, dict[int, Path]] = {}
        for page in output.rglob("page-*/index.html"):
            first = page.parent.parent
            if first.name == "recommendations" and "reviews" not in first.relative_to(output).parts:
                lists.setdefault(first.relative_to(output), {})[int(page.parent.name[5:])] = page
        return lists

    before = {name: {n: (page.stat().st_ino, page.read_bytes()) for n, page in numbered.items()}
              for name, numbered in list_pages().items()}
    shutil.copy(corpus / "reports" / "iran2014.txt", content / "reports" / "iran2014.txt")
    build(content, output)
    after = list_pages()
    kept = 0
    for name, numbered in before.items():
        last = max(numbered)
        for number, (inode, data) in numbered.items():
            if number < last - pages.PAGES_NEAR:  # its links do not reach the end
                page = after[name][number]
                assert (page.stat().st_ino, page.read_bytes()) == (inode, data), page
                kept += 1
    assert kept > 120 and len(before) > 50
    same_as_clean(content, output, tmp_path)


def test_a_reports_pages_are_made_from_no_more_than_its_group_says(seed, corpus):
    """pages.KnownInputs: a build skips making a report's pages when what the group says they
    are made from is unchanged, so that must name every report any of its pages is made from,
    and change with every value they are made from: which recommendations each shows as related
    and as asked in other cycles."""
    from site_builder.archive_pages import site_page_groups
    from site_builder.across import across_cycles
    from site_builder.enrich import build_archive
    from site_builder.pages import VALUE, KnownInputs
    from site_builder.parse import parse_file
    from site_builder.related import related_recommendations
    from site_builder.report_pages import report_inputs
    from site_builder.urls import Urls
    reports = [seed] + [parse_file(corpus / "reports" / name)
                        for name in ("kazakhstan2010.txt", "tonga2008.txt", "iran2014.txt")]
    archive = build_archive(reports)
    urls = Urls("https://example.org")
    site = {"title": "T", "tagline": "", "base_url": "https://example.org", "language": "en", "licence": ""}
    related = related_recommendations(archive, urls=urls)
    groups = [group for group in site_page_groups(archive, urls, site, [], related)
              if isinstance(group, KnownInputs)]
    assert len(groups) == len(reports)
    for group in groups:
        said = set(group.inputs())
        pages = group()
        assert pages and all({i for i in page.inputs if not i.startswith(VALUE)} <= said for page in pages)
    # the inputs are more than the report: Kazakhstan's cycle-2 pages look back at cycle 1
    assert any("kazakhstan2010" in source for source in groups[0].inputs())
    # two recommendations trading their related lists change them
    source_of_review = {urls.review(report): report.source for report in reports}
    first, second = (urls.review(seed), seed.recommendations[0].id), (urls.review(seed), seed.recommendations[1].id)
    other = [(urls.review(reports[2]), rec.id) for rec in reports[2].recommendations[:2]]
    assert report_inputs(seed, urls, {first: other[:1], second: other[1:]}, source_of_review, {}) != \
        report_inputs(seed, urls, {first: other[1:], second: other[:1]}, source_of_review, {})
    # as does any one recommendation's asks in other cycles changing, or its related list
    across = across_cycles(archive)
    asked = [key for key in across if key[0] == id(seed)]
    assert len(asked) > 10
    whole = report_inputs(seed, urls, related, source_of_review, across)
    for key in asked[::10]:
        fewer = {k: v for k, v in across.items() if k != key}
        assert report_inputs(seed, urls, related, source_of_review, fewer) != whole
    for rec in seed.recommendations[::40]:
        shorter = {**related, (urls.review(seed), rec.id): related[(urls.review(seed), rec.id)][:-1]}
        assert report_inputs(seed, urls, shorter, source_of_review, across) != whole


def test_a_build_skips_making_the_pages_of_reports_whose_inputs_did_not_change(content, tmp_path, monkeypatch):
    """Once built, a report's pages are made again only when what its group says they are made
    from changed: here, with the report pages' maker failing, a build with nothing changed and
    one after a prose page is edited both succeed, and give the clean result."""
    from site_builder import archive_pages
    output = tmp_path / "output"
    build(content, output)
    made_for = archive_pages.report_pages

    def fails(report, *rest):
        raise AssertionError(f"the pages of {report.source} were made again")
    monkeypatch.setattr(archive_pages, "report_pages", fails)
    build(content, output)
    about = content / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    result = build(content, output)
    assert result.rendered < result.pages
    monkeypatch.setattr(archive_pages, "report_pages", made_for)
    same_as_clean(content, output, tmp_path)


@pytest.mark.parametrize("blocks, earlier, tiers_after", [
    ((2,), ("tonga2008.txt", "canada2009.txt", "sweden2010.txt"), 2),
    # the review added completes a block of 2, and the tier of 2-blocks is made; not the first
    ((4, 2), ("tonga2008.txt", "canada2009.txt", "kazakhstan2010.txt", "sweden2010.txt"), 3)])
def test_a_review_held_last_leaves_the_first_tier_of_the_search_index_as_it_was(content, tmp_path, corpus,
                                                                                 monkeypatch, blocks, earlier,
                                                                                 tiers_after):
    """The search index keeps its postings and places in tiers of whole reviews, in the order
    they were held (search.tier_ends), with raw figures rather than scores: a review held after
    the others changes the last tiers alone, so the first tier's files keep their bytes and
    their files (linked, not written again)."""
    from site_builder import search
    monkeypatch.setattr(search, "TIER_BLOCKS", blocks)
    for name in earlier:
        shutil.copy(corpus / "reports" / name, content / "reports" / name)
    output = tmp_path / "output"
    build(content, output)

    def first_tier():  # its postings, its places and the chunks of docs it holds whole
        end = json.loads((output / "search" / "meta.json").read_bytes())["tiers"][0]["end"]
        paths = [*(output / "search" / "terms" / "0").glob("*.json"), *(output / "search" / "places" / "0").glob("*.json"),
                 *(output / "search" / "docs" / f"{chunk}.json" for chunk in range(end // 10))]
        return {path: (path.stat().st_ino, path.read_bytes()) for path in paths}

    before = first_tier()
    assert len(before) > 500
    shutil.copy(corpus / "reports" / "iran2014.txt", content / "reports" / "iran2014.txt")
    build(content, output)
    assert first_tier() == before
    assert len(json.loads((output / "search" / "meta.json").read_bytes())["tiers"]) == tiers_after
    same_as_clean(content, output, tmp_path)
