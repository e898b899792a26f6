"""`site-builder add`: a new report is checked, refused if already there, stored byte for byte."""

import shutil

import pytest

from conftest import ROOT, SEED
from site_builder.add import add_report
from site_builder.errors import BuildError


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def test_a_new_report_is_stored_under_its_symbol(content, corpus):
    source = corpus / "recent" / "KOR_C4_A_HRC_53_11.txt"
    addition = add_report(source, content)
    assert addition.target == content / "reports" / "A-HRC-53-11.txt"
    assert addition.target.read_bytes() == source.read_bytes()


def test_dry_run_changes_nothing(content, corpus):
    before = sorted(p.name for p in (content / "reports").iterdir())
    addition = add_report(corpus / "recent" / "KOR_C4_A_HRC_53_11.txt", content, dry_run=True)
    assert not addition.written
    assert sorted(p.name for p in (content / "reports").iterdir()) == before


def test_the_same_symbol_is_refused_naming_the_file_that_has_it(content, tmp_path):
    copy = tmp_path / "kazakhstan-again.txt"
    shutil.copy(SEED, copy)
    with pytest.raises(BuildError, match=r"A/HRC/28/10 is already in the archive as .*A-HRC-28-10\.txt"):
        add_report(copy, content)


def test_a_report_that_does_not_parse_is_refused(content, tmp_path):
    from site_builder.errors import ReportError
    bad = tmp_path / "notes.txt"
    bad.write_text("nothing to see")
    with pytest.raises(ReportError, match="notes.txt"):
        add_report(bad, content)
    assert not (content / "reports" / "notes.txt").exists()
