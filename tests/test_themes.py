"""The theme rules: they load, classify known recommendations as a reader would, and every
shipped theme keeps at least 80 % precision on the held-out hand-labelled sample."""

from __future__ import annotations


import pytest

from site_builder.classify import themes as themes_module
from site_builder.classify.accuracy import GATE, development_items, gate, held_out_items, score
from site_builder.classify.taxonomy import all_themes, load_taxonomy
from site_builder.classify.themes import RulesError, rules_by_theme, themes_of

TEST_SAMPLE = held_out_items()  # round 3's held-out sample, sample_test3.yaml
DEV_SAMPLE = development_items()  # every earlier sample: rounds 1 and 2, dev and test


def test_every_theme_has_rules_and_only_taxonomy_themes_do():
    assert list(rules_by_theme()) == [theme.slug for theme in all_themes()]
    assert all(rules.patterns for rules in rules_by_theme().values())


@pytest.mark.parametrize(
    "text, expected",
    [
        # Treaties give their subject's theme as well as ratification (Myanmar 2011, India 2012).
        ("Ratify CAT", {"ratification", "torture"}),
        (
            "Accelerate the ratification process of the Convention against Torture and Other Cruel, "
            "Inhuman or Degrading Treatment or Punishment",
            {"ratification", "torture"},
        ),
        ("Sign and ratify the International Convention for the Protection of All Persons from Enforced "
         "Disappearance", {"ratification", "enforced-disappearances"}),
        # The name of CEDAW is about women, not discrimination in general (Iceland 2011).
        ("Consider withdrawing the reservations to CEDAW articles 2, 16 and 29", {"ratification", "womens-rights"}),
        # Seed, Kazakhstan 2014: the death penalty.
        ("Abolish the death penalty for all crimes", {"death-penalty"}),
        # "Working Group on the Universal Periodic Review" is not a special procedure.
        ("Extend a standing invitation to all Special Rapporteurs of the Human Rights Council", {"special-procedures"}),
        # Drug trafficking is not trafficking in persons.
        ("Combat trafficking in persons, in particular women and girls", {"trafficking"}),
        ("Strengthen measures against drug trafficking", set()),
        ("Adopt a comprehensive law to combat domestic violence", {"violence-against-women"}),
        ("Extend a standing invitation to the special procedures and invite the Special Rapporteur on "
         "torture", {"special-procedures", "torture"}),
        # Round 3: a Human Rights Council commission of inquiry is a special procedure (C6); a
        # rapporteur named only as the source of the recommendation is not (T13).
        ("Cooperate with the Commission of Inquiry established by the Human Rights Council", {"special-procedures"}),
        ("Eliminate forced labour, as referred to by the Special Rapporteur on slavery", {"trafficking"}),
        ("Put an end to extrajudicial executions", {"extrajudicial-killings"}),
        # "in conformity with international law" names the standard, not a law to change (T4).
        ("Ensure treatment in prisons in conformity with international law", {"detention"}),
    ],
)
def test_known_recommendations_get_their_themes(text, expected):
    shipped = {theme.slug for theme in load_taxonomy()}
    assert set(themes_of(text)) == expected & shipped


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # A group named only as an example of a wider one is not what is asked (guideline T1).
        ("Combat child poverty, in particular that which affects children with disabilities",
         {"childrens-rights", "poverty"}, {"persons-with-disabilities"}),
        ("Combat violence against minority groups, including migrants and refugees", {"minorities"}, {"migrants", "refugees"}),
        # "including by" opens the means, not a list of examples.
        ("Combat discrimination, including by protecting the rights of migrants", {"migrants"}, set()),
        # The list ends with its clause: a semicolon starts a new recommendation.
        ("Protect vulnerable groups, such as refugees; protect migrants from exploitation", {"migrants"}, {"refugees"}),
        # A theme without `not_in_examples` still counts there.
        ("Continue its efforts in economic and social rights, in particular in the field of health", {"health"}, set()),
    ],
)
def test_groups_named_as_passing_examples_do_not_count(text, present, absent):
    got = set(themes_of(text, include_unshipped=True))
    assert present <= got and not absent & got, got


def test_general_assembly_is_not_a_freedom_of_assembly_theme():
    text = "Implement General Assembly resolution 62/149 on a moratorium on the use of the death penalty"
    assert "freedom-of-assembly" not in themes_of(text, include_unshipped=True)
    assert "death-penalty" in themes_of(text)


def test_themes_come_in_taxonomy_order_and_are_deterministic():
    order = [theme.slug for theme in all_themes()]
    for item in TEST_SAMPLE + DEV_SAMPLE:
        got = themes_of(item.text, include_unshipped=True)
        assert list(got) == sorted(got, key=order.index)
        assert got == themes_of(item.text, include_unshipped=True)


def test_unshipped_themes_are_never_assigned():
    unshipped = {theme.slug for theme in all_themes() if not theme.shipped}
    assert unshipped, "the gate leaves some themes out; if none, this test should be revisited"
    assert not any(unshipped & set(themes_of(item.text)) for item in TEST_SAMPLE + DEV_SAMPLE)
    assert not unshipped & {theme.slug for theme in load_taxonomy()}


def test_every_shipped_theme_passes_the_precision_gate_on_the_held_out_sample():
    test, pooled = score(TEST_SAMPLE), score(DEV_SAMPLE + TEST_SAMPLE)
    failures = []
    for theme in load_taxonomy():
        ok, figure = gate(test, pooled, theme.slug)
        if not ok:
            failures.append(f"{theme.slug}: {figure}")
    assert not failures, f"shipped themes below {GATE:.0%} precision: {failures}"


def test_unshipped_themes_say_why_with_the_figure_the_gate_measures_today():
    test, pooled = score(TEST_SAMPLE), score(DEV_SAMPLE + TEST_SAMPLE)
    for theme in all_themes():
        if not theme.shipped:
            ok, figure = gate(test, pooled, theme.slug)
            assert not ok and figure in theme.not_shipped_because, theme.slug


def test_the_test_sample_is_large_enough_and_holds_no_recommendation_the_rules_were_tuned_on():
    # Round 3's sample is drawn from the same reports as the development samples, so it is held
    # out by recommendation: none of its recommendations (by report and id, or by text) was seen.
    assert len(TEST_SAMPLE) >= 250
    assert len({item.report for item in TEST_SAMPLE}) >= 5
    assert not {(item.report, item.id) for item in TEST_SAMPLE} & {(item.report, item.id) for item in DEV_SAMPLE}
    assert not {item.text for item in TEST_SAMPLE} & {item.text for item in DEV_SAMPLE}


REAL_RULES = themes_module.RULES_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "rules, message",
    [
        ("themes:\n  no-such-theme:\n    patterns: [torture]\n", "unknown theme 'no-such-theme'"),
        ("themes: [1, 2]\n", "expected a mapping"),
        (REAL_RULES.replace("      - tortur*\n", "      - tor*ture\n"), "bad word 'tor*ture'"),
        (REAL_RULES.replace("      - general assembly\n", "      - general & assembly\n"), "not `&`"),
        (REAL_RULES.replace("  torture:\n", "  torture:\n    unles:\n      - x\n"), "theme torture"),
        (REAL_RULES.replace("examples:\n  begin:", "examples:\n  begins:"), "expected `examples:`"),
        (REAL_RULES.replace("      - extrajudicial killing*\n", "      - extrajudicial/extra-judicial killing*\n"),
         "cannot be one of `/` alternatives"),
        (REAL_RULES.replace("    not_in_examples: true\n", "    not_in_examples: sometimes\n", 1), "must be true or false"),
    ],
)
def test_bad_rules_file_is_one_clear_error_naming_it(tmp_path, monkeypatch, rules, message):
    bad = tmp_path / "rules.yaml"
    bad.write_text(rules, encoding="utf-8")
    monkeypatch.setattr(themes_module, "RULES_FILE", bad)
    themes_module._load.cache_clear()
    try:
        with pytest.raises(RulesError) as error:
            rules_by_theme()
        assert str(bad) in str(error.value) and message in str(error.value)
    finally:
        themes_module._load.cache_clear()
