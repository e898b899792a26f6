"""The one table from a report's wording to a position, across the cycles' wordings."""

import pytest

from site_builder.parse.positions import position_of

CASES = [
    ("The following recommendations enjoy the support of Kazakhstan, which considers that they have already been implemented.", "supported"),
    ("The following recommendations enjoy the support of Kazakhstan, which considers that they are in the process of being implemented.", "supported"),
    ("The recommendations formulated during the interactive dialogue/listed below have been examined by the Republic of Korea and enjoy the support of the Republic of Korea:", "supported"),
    ("The following recommendations did not enjoy the support of Kazakhstan and would thus be noted:", "noted"),
    ("The recommendations below did not enjoy the support of Sweden:", "noted"),
    ("The recommendation formulated during the interactive dialogue/listed below has been examined by the Republic of Korea and has been noted by the Republic of Korea:", "noted"),
    ("The following recommendation is rejected by Morocco which considers that it does not fall within the scope of the mandate", "noted"),
    ("The following recommendations will be examined by Albania, which will provide responses in due time, but no later than the forty-second session of the Human Rights Council:", "pending"),
    ("The response of Germany to these recommendations will be included in the outcome report to be adopted by the Human Rights Council at its eleventh session.", "pending"),
    ("The following recommendations are noted and China indicated that they are pertaining to measures already being implemented", "noted"),
    ("In the course of the discussion, the following recommendations were made to Canada:", None),
]


@pytest.mark.parametrize("wording, position", CASES)
def test_wording_gives_position(wording, position):
    assert position_of(wording) == position


def test_unknown_wording_gives_unknown_and_a_warning_naming_the_paragraph(tmp_path):
    from conftest import SEED
    from site_builder.parse import parse_file
    text = SEED.read_text(encoding="utf-8").replace(
        "The following recommendations did not enjoy the support of Kazakhstan and would thus be noted:",
        "The following recommendations were discussed at length:")
    path = tmp_path / "reworded.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_file(path)
    assert {r.position for r in report.recommendations if r.paragraph == 126} == {"unknown"}
    assert any(w.paragraph == 126 and "126.1–126.51" in w.message for w in report.warnings)
