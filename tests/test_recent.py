"""Recent reports (cycles 3–4) in shapes other than the one they came in."""

import pytest

from site_builder.parse import parse_file, parse_report
from site_builder.read import read_report_text

RECENT = ["ALB_C3_A_HRC_42_4", "KOR_C4_A_HRC_53_11", "SVN_C3_A_HRC_43_15"]


@pytest.mark.parametrize("name", RECENT)
def test_a_recent_report_collapsed_onto_one_line_parses_the_same(corpus, name):
    path = corpus / "recent" / f"{name}.txt"
    as_laid_out = parse_file(path)
    collapsed = parse_report(" ".join(read_report_text(path).split()), "collapsed.txt")
    assert [r.id for r in collapsed.recommendations] == [r.id for r in as_laid_out.recommendations]
    assert [r.recommended_by for r in collapsed.recommendations] == [
        r.recommended_by for r in as_laid_out.recommendations]
    assert [r.position for r in collapsed.recommendations] == [r.position for r in as_laid_out.recommendations]
    # Only a line-end hyphen (`non-` + `discriminatory`) may differ once the lines are gone.
    for a, b in zip(collapsed.recommendations, as_laid_out.recommendations):
        assert a.text.replace("- ", "-") == b.text, a.id
    assert not any("GE." in r.text or "A/HRC/" in r.text for r in collapsed.recommendations)


def test_merged_and_clustered_ids_keep_all_their_states(corpus):
    korea = parse_file(corpus / "recent" / "KOR_C4_A_HRC_53_11.txt")
    rec = next(r for r in korea.recommendations if r.id == "139.17")
    assert [s.iso3 for s in rec.recommended_by] == ["BEL", "CHL", "EST", "FIN", "DEU", "LTU", "CHE", "GBR"]
    noted = [r for r in korea.recommendations if r.position == "noted"]
    assert [r.id for r in noted] == ["140.1"]
    slovenia = parse_file(corpus / "recent" / "SVN_C3_A_HRC_43_15.txt")
    clustered = next(r for r in slovenia.recommendations if r.id == "121.2")
    assert len(clustered.parts) >= 2
    assert all(part.recommended_by for part in clustered.parts)


def test_an_addendum_on_its_own_is_refused_with_a_reason(corpus):
    from site_builder.errors import ReportError
    with pytest.raises(ReportError, match="addendum"):
        parse_file(corpus / "recent" / "SVN_C3_A_HRC_43_15_Add1.txt")
