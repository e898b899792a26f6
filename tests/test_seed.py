"""The seed, A/HRC/28/10 (Kazakhstan, 2014), parsed as a reader of the report would count it."""

import re

from conftest import SEED, SHARED, recommendation


def test_seed_ships_byte_for_byte_as_received():
    received = SHARED / "seeds" / "000_bb2abdfcb58ebb0c.txt"
    if received.exists():
        assert SEED.read_bytes() == received.read_bytes()
    assert SEED.stat().st_size == 76345


def test_document_and_review_facts(seed):
    assert seed.document.symbol == "A/HRC/28/10"
    assert seed.document.date == "2014-12-10"
    assert seed.document.hrc_session == 28
    review = seed.review
    assert review.state_under_review.iso3 == "KAZ"
    assert (review.wg_session, review.cycle) == (20, 2)
    assert review.review_date == "2014-10-30"
    assert review.adoption_date == "2014-11-04"
    assert [s.name for s in review.troika] == ["Germany", "Kuwait", "South Africa"]
    assert review.head_of_delegation.startswith("Elvira Azimova, Deputy Minister of Justice")
    assert review.documents == ("A/HRC/WG.6/20/KAZ/1", "A/HRC/WG.6/20/KAZ/2", "A/HRC/WG.6/20/KAZ/3")
    assert len(review.advance_questions_by) == 11
    assert review.advance_questions_by[-1].iso3 == "USA"


def test_seed_has_127_paragraphs_in_order(seed):
    assert [p.number for p in seed.paragraphs] == list(range(1, 128))


def test_paragraphs_know_their_section(seed):
    by_number = {p.number: p for p in seed.paragraphs}
    assert by_number[1].section == "Introduction"
    assert by_number[5].section == "I. Summary of the proceedings of the review process"
    assert by_number[5].subsection == "A. Presentation by the State under review"
    assert by_number[23].subsection == "B. Interactive dialogue and responses by the State under review"
    assert by_number[124].section == "II. Conclusions and/or recommendations"
    assert by_number[124].subsection is None


def test_headings_do_not_leak_into_paragraph_text(seed):
    by_number = {p.number: p for p in seed.paragraphs}
    assert by_number[4].text.endswith("(UPR).")
    assert by_number[123].text.endswith(".")
    assert "Conclusions and/or recommendations" not in by_number[123].text


def test_194_recommendations_with_their_positions(seed):
    ids = [rec.id for rec in seed.recommendations]
    expected = ([f"124.{i}" for i in range(1, 48)] + [f"125.{i}" for i in range(1, 97)]
                + [f"126.{i}" for i in range(1, 52)])
    assert ids == expected
    for rec in seed.recommendations:
        assert rec.position == ("noted" if rec.paragraph == 126 else "supported"), rec.id


def test_recommending_states(seed):
    assert len(seed.recommending_states) == 71
    names = lambda rec_id: [s.name for s in recommendation(seed, rec_id).recommended_by]
    assert names("125.8") == ["Hungary", "Spain"]
    assert names("125.9") == ["Portugal", "Uruguay", "Argentina"]
    assert names("126.8") == ["Hungary", "Spain"]
    rec = recommendation(seed, "126.35")
    assert rec.text.startswith("Decriminalize defamation")
    assert [s.iso3 for s in rec.recommended_by] == ["CZE"]


def test_treaty_abbreviations_stay_in_the_text(seed):
    rec = recommendation(seed, "125.9")
    assert rec.text.endswith("(OP-ICESCR)")
    assert recommendation(seed, "126.2").text == "Ratify ICRMW"


def test_73_delegations_spoke_including_two_without_recommendations(seed):
    kazakhstan = seed.review.state_under_review
    delegations = [s for s in seed.speakers if s != kazakhstan]
    assert len(delegations) == 73
    silent = {s.name for s in delegations} - {s.name for s in seed.recommending_states}
    assert silent == {"Ethiopia", "Mauritania"}


def test_no_mojibake_footnote_marker_or_trailing_semicolon_in_any_text(seed):
    texts = [p.text for p in seed.paragraphs] + [r.text for r in seed.recommendations]
    for text in texts:
        assert not re.search("[ÕÒÓÐ¥]", text), text[:80]
        assert not re.search(r"[a-z]\d\b", text.replace("G20", "")), text[:80]
    for rec in seed.recommendations:
        assert not rec.text.endswith((";", ".")), rec.id
    assert recommendation(seed, "125.27").text.endswith("in the area of employment")


def test_repaired_typography(seed):
    text = " ".join(p.text for p in seed.paragraphs)
    assert "Kazakhstan’s commitment" in text
    assert "“Green Bridge”" in text
    assert "“Strategy – 2050”" in text
