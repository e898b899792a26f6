"""Addenda: the state's written responses settle what its report left pending."""

import csv
import dataclasses
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from site_builder.addenda import apply_addenda, match_addenda
from site_builder.build import build
from site_builder.cli import main
from site_builder.contract import report_to_dict
from site_builder.errors import BuildError, ReportError
from site_builder.model import NOTED, PENDING, SUPPORTED, Addendum, Response
from site_builder.parse import parse_document, parse_file
from site_builder.parse.addendum import parse_addendum

REPORT_TXT = "SVN_C3_A_HRC_43_15.txt"
ADDENDUM_TXT = "SVN_C3_A_HRC_43_15_Add1.txt"

COVER = """              United Nations                                                A/HRC/43/15/Add.1
              General Assembly                                         Distr.: General
                                                                       19 February 2020

Human Rights Council
Forty-third session

            Report of the Working Group on the Universal Periodic
            Review*

            Slovenia

            Addendum

            Views on conclusions and/or recommendations, voluntary commitments
            and replies presented by the State under review

"""


def synthetic(body: str):
    return parse_addendum(COVER + body, "synthetic-Add1.txt")


@pytest.fixture(scope="module")
def slovenia_addendum(corpus):
    return parse_document(corpus / "recent" / ADDENDUM_TXT)


@pytest.fixture(scope="module")
def slovenia_report(corpus):
    return parse_file(corpus / "recent" / REPORT_TXT)


# --- The real addendum -------------------------------------------------------------------------

def test_slovenias_addendum_answers_every_pending_recommendation_once(slovenia_addendum, slovenia_report):
    assert isinstance(slovenia_addendum, Addendum)
    assert slovenia_addendum.symbol == "A/HRC/43/15/Add.1"
    assert slovenia_addendum.report_symbol == "A/HRC/43/15"
    assert slovenia_addendum.state_under_review.iso3 == "SVN"
    assert slovenia_addendum.hrc_session == 43
    pending = {rec.id for rec in slovenia_report.recommendations if rec.position == PENDING}
    assert set(slovenia_addendum.responses) == pending  # 157, the explanation blocks not counted again
    assert slovenia_addendum.counts_by_position() == {SUPPORTED: 124, NOTED: 33}
    assert slovenia_addendum.stated_counts == {SUPPORTED: 124, NOTED: 33}
    assert slovenia_addendum.warnings == ()


def test_each_list_keeps_its_heading_as_the_wording(slovenia_addendum):
    wordings = [r.wording for r in slovenia_addendum.responses.values()]
    # truth.json: 80 in paragraph 3 ("accepted"), 44 in paragraph 4 ("already implemented")
    assert wordings.count("Accepted recommendations") == 80
    assert wordings.count("Accepted recommendations that Slovenia considers already implemented "
                          "or in the process of implementation") == 44
    assert wordings.count("Noted recommendations") == 33


@pytest.mark.parametrize("rec_id, position", [
    ("122.62", SUPPORTED), ("122.64", SUPPORTED), ("122.66", SUPPORTED),  # `122.62-⏎66`
    ("122.34", SUPPORTED), ("122.35", SUPPORTED),  # `122.34- 35`
    ("122.146", SUPPORTED),  # `122.141-144,122.146`
    ("122.2", NOTED), ("122.10", NOTED), ("122.157", NOTED),  # `122.2-10`, the last of the list
])
def test_ranges_however_broken_are_read(slovenia_addendum, rec_id, position):
    assert slovenia_addendum.responses[rec_id].position == position


def test_explanations_are_attached_to_the_ids_they_name(slovenia_addendum):
    responses = slovenia_addendum.responses
    # `122.14– 15` heads one explanation for both, in two paragraphs
    assert responses["122.14"].explanation == responses["122.15"].explanation
    assert responses["122.14"].explanation.startswith("Slovenia considers these recommendations implemented.")
    assert "\n\nThe funds necessary" in responses["122.14"].explanation
    assert responses["122.21"].explanation == "The recommendation is incomprehensible."
    assert responses["122.103"].explanation == "See recommendation 122.72."
    # the explanation of 122.152 runs across a page break, as one paragraph
    assert "essential services; women are granted" in responses["122.152"].explanation
    assert responses["122.12"].explanation is None  # listed, not explained
    assert not any(r.in_part for r in responses.values())


def test_the_pdf_reads_as_its_text(corpus, slovenia_addendum):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    from_pdf = parse_document(corpus / "recent" / ADDENDUM_TXT.replace(".txt", ".pdf"))
    assert from_pdf.responses == slovenia_addendum.responses
    assert from_pdf.warnings == ()


def test_parse_file_still_refuses_an_addendum_as_a_report(corpus):
    with pytest.raises(ReportError, match="is an addendum"):
        parse_file(corpus / "recent" / ADDENDUM_TXT)


def test_parse_json_prints_the_responses(corpus, capsys):
    assert main(["parse", str(corpus / "recent" / ADDENDUM_TXT), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "addendum" and data["report_symbol"] == "A/HRC/43/15"
    assert data["counts"] == {"supported": 124, "noted": 33}
    first = data["responses"][0]
    assert first == {"id": "122.1", "position": "supported", "wording": "Accepted recommendations",
                     "in_part": False, "explanation": None}
    assert main(["parse", str(corpus / "recent" / ADDENDUM_TXT)]) == 0
    assert "124 supported, 33 noted" in capsys.readouterr().out


# --- Other forms real addenda take ---------------------------------------------------------------

def test_a_table_of_positions_with_comments():
    addendum = synthetic("""
            Recommendation   Position               Comment
            122.1            Supported              Slovenia has ratified the
                                                    Convention in 2019.
            122.2            Noted
            122.3-5          Partially supported    Slovenia supports the part
                                                    on training, not the rest.
            122.6            Not supported          The law already provides
                                                    for it.
""")
    responses = addendum.responses
    assert {i: r.position for i, r in responses.items()} == {
        "122.1": SUPPORTED, "122.2": NOTED, "122.3": SUPPORTED, "122.4": SUPPORTED, "122.5": SUPPORTED,
        "122.6": NOTED}
    assert responses["122.4"].in_part and responses["122.4"].wording == "Partially supported"
    assert not responses["122.1"].in_part
    assert responses["122.1"].explanation == "Slovenia has ratified the Convention in 2019."
    assert responses["122.3"].explanation == "Slovenia supports the part on training, not the rest."
    assert responses["122.2"].explanation is None


def test_sentences_that_support_note_and_split():
    addendum = synthetic("""
            1.    Slovenia supports recommendations 122.1, 122.2 and 122.7-
            9, and notes recommendations 122.3 and 122.4.
            2.    Recommendations 122.5 and 122.6 are not supported.
            3.    Slovenia supports the first part of recommendation 122.10 and notes the
            second, as the Constitution does not allow it.
            4.    Slovenia accepts recommendation 122.11 in part.
""")
    positions = {i: (r.position, r.in_part) for i, r in addendum.responses.items()}
    assert positions == {
        "122.1": (SUPPORTED, False), "122.2": (SUPPORTED, False), "122.7": (SUPPORTED, False),
        "122.8": (SUPPORTED, False), "122.9": (SUPPORTED, False),
        "122.3": (NOTED, False), "122.4": (NOTED, False), "122.5": (NOTED, False), "122.6": (NOTED, False),
        "122.10": (SUPPORTED, True), "122.11": (SUPPORTED, True)}
    # what the state said of the split one is kept, word for word
    assert addendum.responses["122.10"].wording.startswith("Slovenia supports the first part of "
                                                           "recommendation 122.10 and notes the second")
    assert addendum.responses["122.1"].wording == "Slovenia supports"


def test_responses_by_theme_repeat_ids_without_counting_them_twice():
    addendum = synthetic("""
            Supported recommendations
            3.    Slovenia supports recommendations 122.1-4.

            Right to education

            Recommendations 122.1 and 122.3
                   Education is free and compulsory.

            Recommendation 122.5: Noted. The matter is for the municipalities.

            Recommendation 122.6
                   Slovenia supports this recommendation in part: it will consider the
            second element.

            Recommendation 122.1
                   See also the national programme.
""")
    responses = addendum.responses
    assert sorted(responses, key=lambda i: int(i.split(".")[1])) == [f"122.{n}" for n in range(1, 7)]
    assert responses["122.1"].wording == "Supported recommendations"
    assert responses["122.1"].explanation == "Education is free and compulsory.\n\nSee also the national programme."
    assert responses["122.5"].position == NOTED
    assert responses["122.5"].explanation == "The matter is for the municipalities."
    assert responses["122.6"].position == SUPPORTED and responses["122.6"].in_part


def test_stated_totals_that_differ_give_a_warning():
    addendum = synthetic("""
            2.    Of the remaining 5 recommendations, 4 are now supported and 2 noted.
            3.    The Government accepts recommendations 122.1-3. It notes 122.4 and 122.5.
""")
    assert addendum.stated_counts == {SUPPORTED: 4, NOTED: 2}
    assert [w.message for w in addendum.warnings] == [
        "the addendum says 4 supported and 2 noted; 3 supported and 2 noted were read"]


def test_an_id_said_to_be_both_supported_and_noted_gives_a_warning():
    addendum = synthetic("""
            1.    Slovenia supports recommendations 122.1 and 122.2.
            2.    Slovenia notes recommendation 122.2.
""")
    assert addendum.responses["122.2"].position == SUPPORTED
    assert "122.2 is supported in paragraph 1 and noted in paragraph 2" in addendum.warnings[0].message


# --- What is not an addendum, or says nothing ------------------------------------------------------

def test_a_report_is_not_an_addendum():
    with pytest.raises(ReportError, match="is not an addendum"):
        parse_addendum((ROOT / "content/reports/A-HRC-28-10.txt").read_text(encoding="utf-8"), "seed.txt")


def test_an_addendum_that_names_no_ids_is_refused():
    with pytest.raises(ReportError, match="synthetic-Add1.txt: is an addendum, but it names no recommendation ids"):
        synthetic("1.   Slovenia thanks all delegations and will reply in due course.\n")


def test_an_addendum_with_ids_but_no_positions_is_refused():
    with pytest.raises(ReportError, match="names 2 recommendation id.* never says whether"):
        synthetic("1.   Slovenia refers to recommendations 122.1 and 122.2 in its national report.\n")


# --- Applying an addendum to its report -----------------------------------------------------------

def response(position, document="A/HRC/43/15/Add.1"):
    return Response(document=document, position=position, wording="w")


def test_applying_settles_pending_and_keeps_what_the_report_said(slovenia_report):
    addendum = Addendum("a.txt", "A/HRC/43/15/Add.1", "A/HRC/43/15", None, 43, None, {
        "122.1": response(NOTED),       # pending → noted
        "121.1": response(SUPPORTED),   # already supported: gains the response
        "121.2": response(NOTED),       # supported → noted: a warning, the addendum stands
        "199.1": response(NOTED),       # not in the report
    })
    applied = apply_addenda(slovenia_report, (addendum,))
    recs = {rec.id: rec for rec in applied.recommendations}
    assert recs["122.1"].position == NOTED and recs["122.1"].response.position_in_report == PENDING
    assert recs["121.1"].position == SUPPORTED and recs["121.1"].response.position_in_report == SUPPORTED
    assert recs["121.2"].position == NOTED and recs["121.2"].response.position_in_report == SUPPORTED
    assert recs["121.3"].response is None
    messages = [w.message for w in applied.warnings[len(slovenia_report.warnings):]]
    assert messages == [
        "the addendum A/HRC/43/15/Add.1 answers 1 id(s) the report does not have: 199.1",
        "the addendum A/HRC/43/15/Add.1 changes the position of 1 recommendation(s) already settled; "
        "the addendum's stands: 121.2 (supported → noted)",
        "156 recommendation(s) no addendum answers stay pending: 122.2, 122.3, 122.4, 122.5, 122.6, 122.7, "
        "122.8, 122.9, 122.10, 122.11 and 146 more",
    ]
    contract = {r["id"]: r for r in report_to_dict(applied)["recommendations"]}
    assert contract["121.2"]["position_in_report"] == SUPPORTED
    assert contract["122.1"]["response"] == {"document": "A/HRC/43/15/Add.1", "position": NOTED, "wording": "w",
                                             "in_part": False, "explanation": None}
    assert contract["122.2"]["response"] is None and contract["122.2"]["position_in_report"] == PENDING


def test_a_second_addendum_applies_after_the_first(slovenia_report):
    first = Addendum("1.txt", "A/HRC/43/15/Add.1", "A/HRC/43/15", None, 43, None, {"122.1": response(NOTED)})
    second = Addendum("2.txt", "A/HRC/43/15/Add.2", "A/HRC/43/15", None, 43, None,
                      {"122.1": response(SUPPORTED, "A/HRC/43/15/Add.2")})
    order = match_addenda([slovenia_report], [second, first])[slovenia_report.source]
    assert order == (first, second)
    rec = next(r for r in apply_addenda(slovenia_report, order).recommendations if r.id == "122.1")
    assert rec.position == SUPPORTED and rec.response.document == "A/HRC/43/15/Add.2"
    assert rec.response.position_in_report == PENDING  # the report's, not the first addendum's


def test_an_addendum_matches_a_report_that_lost_its_symbol(slovenia_report, slovenia_addendum):
    anonymous = dataclasses.replace(slovenia_report, document=dataclasses.replace(slovenia_report.document, symbol=None))
    assert match_addenda([anonymous], [slovenia_addendum]) == {anonymous.source: (slovenia_addendum,)}


# --- The build ------------------------------------------------------------------------------------

@pytest.fixture
def content(tmp_path, corpus):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    shutil.copy(corpus / "recent" / REPORT_TXT, folder / "reports" / "A-HRC-43-15.txt")
    return folder


def rows(output: Path) -> dict[str, dict]:
    data = (output / "data/reviews/slovenia-cycle-3.csv").read_text(encoding="utf-8")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(data))}


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_build_applies_the_addendum_and_says_where_positions_come_from(content, corpus, tmp_path):
    shutil.copy(corpus / "recent" / ADDENDUM_TXT, content / "reports" / "A-HRC-43-15-Add1.txt")
    output = tmp_path / "output"
    result = build(content, output, incremental=False)
    assert result.reports == 2  # the addendum is not a review of its own
    assert not [w for w in result.warnings if "43-15" in w]
    slovenia = rows(output)
    positions = [row["position"] for row in slovenia.values()]
    assert (positions.count("supported"), positions.count("noted"), positions.count("pending")) == (182, 33, 0)
    assert slovenia["122.14"]["position_in_report"] == "pending"
    assert slovenia["122.14"]["position_source"] == "A/HRC/43/15/Add.1"
    assert slovenia["122.14"]["response_explanation"].startswith("Slovenia considers these recommendations")
    assert slovenia["122.21"]["response_wording"] == "Noted recommendations"
    assert slovenia["121.1"]["position_source"] == "A/HRC/43/15"
    assert slovenia["121.1"]["position_in_report"] == "supported" and slovenia["121.1"]["response_wording"] == ""
    records = json.loads((output / "data/recommendations.json").read_text(encoding="utf-8"))
    record = next(r for r in records if r["id"] == "122.21")
    assert record["response_in_part"] is False and record["position"] == "noted"


def test_an_addendum_without_its_report_stops_the_build(tmp_path, corpus):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(corpus / "recent" / ADDENDUM_TXT, content / "reports" / "A-HRC-43-15-Add1.txt")
    output = tmp_path / "output"
    with pytest.raises(BuildError, match=r"A-HRC-43-15-Add1.txt: is the addendum to A/HRC/43/15, which is not "
                                         r"in content/reports/"):
        build(content, output)
    assert not output.exists()


def test_adding_then_editing_the_addendum_remakes_its_review_only(content, corpus, tmp_path):
    output = tmp_path / "output"
    build(content, output)
    seed_page = output / "reviews/kazakhstan/cycle-2/index.html"
    slovenia_page = output / "reviews/slovenia/cycle-3/index.html"
    inodes = seed_page.stat().st_ino, slovenia_page.stat().st_ino

    addendum = content / "reports" / "A-HRC-43-15-Add1.txt"
    shutil.copy(corpus / "recent" / ADDENDUM_TXT, addendum)
    build(content, output)
    assert seed_page.stat().st_ino == inodes[0]  # reused: its inputs did not change
    assert slovenia_page.stat().st_ino != inodes[1]
    clean = tmp_path / "clean"
    build(content, clean, incremental=False)
    assert snapshot(output) == snapshot(clean)

    addendum.write_text(addendum.read_text(encoding="utf-8").replace(
        "The recommendation is incomprehensible.", "The recommendation is unclear."), encoding="utf-8")
    build(content, output)
    assert rows(output)["122.21"]["response_explanation"] == "The recommendation is unclear."
    shutil.rmtree(clean)
    build(content, clean, incremental=False)
    assert snapshot(output) == snapshot(clean)
