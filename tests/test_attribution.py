"""Who made a recommendation, read from the parentheses that end it."""

import pytest

from site_builder.parse.attribution import find_groups, split_parts


def states_of(text, registry):
    parts, quoted = split_parts(text, find_groups(text, registry))
    return [[s.iso3 for s in part.states] for part in parts], quoted


@pytest.mark.parametrize("text, expected", [
    ("Abolish the death penalty (Sweden);", [["SWE"]]),
    ("Ratify CRPD (Hungary, Spain);", [["HUN", "ESP"]]),
    ("Ratify OP-ICESCR (Portugal, Uruguay) (Argentina);", [["PRT", "URY", "ARG"]]),
    ("Abolish it (Iran (Islamic Republic of));", [["IRN"]]),
    ("Do it (Venezuela, Bolivarian Republic of, Trinidad and Tobago)", [["VEN", "TTO"]]),
    ("Do it (Bosnia and Herzegovina and Saint Vincent and the Grenadines)", [["BIH", "VCT"]]),
    ("Do it (Cuba, Ghana and the Netherlands)", [["CUB", "GHA", "NLD"]]),
    ("Ratify ILO Convention (No. 169) (Denmark);", [["DNK"]]),
    ("Amend article 16 (1) (g) of the code (Canada);", [["CAN"]]),
    ("Ratify it (Portugal, on behalf of the Group of Friends on national mechanisms);", [["PRT"]]),
    ("Ratify CAT (Iraq), OP-CAT (Argentina) and CRPD (Spain);", [["IRQ", "ARG", "ESP"]]),
])
def test_attribution(text, expected, registry):
    assert states_of(text, registry)[0] == expected


def test_treaty_names_in_parentheses_stay_in_the_text(registry):
    _, quoted = states_of("Ratify the Covenant (ICCPR) and accede to (CEDAW) (Chile);", registry)
    assert quoted == "Ratify the Covenant (ICCPR) and accede to (CEDAW)"


def test_a_clustered_id_keeps_each_parts_text_and_states(registry):
    parts, quoted = states_of("Ratify OP-CAT (Algeria) (Cabo Verde); Consider ratifying OP-CAT (Chile);", registry)
    assert parts == [["DZA", "CPV"], ["CHL"]]
    assert quoted.startswith("Ratify OP-CAT (Algeria) (Cabo Verde); Consider")
    assert quoted.endswith("Consider ratifying OP-CAT")


def test_a_remark_that_mentions_states_is_not_an_attribution(registry):
    text = "Review the law (in response to questions from Ghana and Peru about it) (Mexico);"
    assert states_of(text, registry)[0] == [["MEX"]]


def test_an_unknown_name_in_an_attribution_names_the_file_and_recommendation(tmp_path):
    from conftest import SEED
    from site_builder.errors import ReportError
    from site_builder.parse import parse_file
    bad = tmp_path / "bad.txt"
    bad.write_bytes(SEED.read_bytes().replace(b"(Mexico); 124.2", b"(Mexico, Atlantis); 124.2"))
    with pytest.raises(ReportError) as error:
        parse_file(bad)
    assert str(error.value) == (f"{bad}: recommendation 124.1 (paragraph 124) names a state the "
                                "registry does not know: “Atlantis”")
