"""The action level of a recommendation, by its first operative verb (McMahon's scale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.classify.action_level import action_level
from site_builder.parse import parse_file

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "reports"


@pytest.mark.parametrize("text, level", [
    ("Seek technical assistance from OHCHR to implement its human rights obligations", 1),
    ("Share its best practices in poverty reduction with other developing countries", 1),
    ("Continue its efforts to combat trafficking in persons", 2),
    ("Maintain the moratorium on executions", 2),
    ("Pursue its cooperation with the special procedures", 2),
    ("Consider ratifying the Optional Protocol to the Convention against Torture", 3),
    ("Examine the possibility of establishing a national human rights institution", 3),
    ("Study the possibility of abolishing the death penalty", 3),
    ("Ensure that all allegations of torture are promptly investigated", 4),
    ("Take measures to combat domestic violence", 4),
    ("Further strengthen the independence of the judiciary", 4),
    ("Promote gender equality in employment", 4),
    ("Abolish the death penalty", 5),
    ("Ratify the Convention on the Rights of Persons with Disabilities", 5),
    ("Sign and ratify the Rome Statute of the International Criminal Court", 5),
    ("Establish a national human rights institution in line with the Paris Principles", 5),
    ("Investigate all cases of enforced disappearance", 5),
    # "continue and strengthen" takes the second verb: the new ask is what counts
    ("Continue and strengthen its efforts to promote the rights of women", 4),
    ("Continue and adopt the draft law on domestic violence", 5),
    ("Continue to strengthen its national human rights institution", 2),
    # cycle 1 wrote the subject out
    ("That Algeria consider the ratification of the Convention on enforced disappearance", 3),
    ("That the State take steps to ratify the International Convention", 4),
    ("That Algeria continue and strengthen its efforts in the field of economic, social and cultural rights", 4),
    ("To ratify the Convention against Torture", 5),
    # a leading clause goes before the verb
    ("In line with its international obligations, adopt a law on gender equality", 5),
    ("Urgently and fully implement the recommendations of the treaty bodies", 5),
])
def test_first_operative_verb_gives_the_level(text, level):
    assert action_level(text) == level


def test_a_recommendation_with_no_known_verb_has_no_level():
    assert action_level("The immediate and unconditional release of all prisoners of conscience") is None
    assert action_level("") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_almost_every_real_recommendation_gets_a_level():
    """Across 25 reports from 2008–2014 the verbs we know open at least 95 % of recommendations
    (the rest are nominal or passive: "The establishment of …", "NGOs should be consulted …")."""
    levels = [action_level(rec.text) for path in sorted(CORPUS.glob("*.txt"))
              for rec in parse_file(path).recommendations]
    assert len(levels) > 3000
    assert sum(level is not None for level in levels) / len(levels) >= 0.95
    assert {1, 2, 3, 4, 5} <= set(levels)


SAMPLES = Path(__file__).resolve().parent / "themes"


@pytest.mark.parametrize("sample", ["sample_dev.yaml", "sample_test.yaml", "sample_dev2.yaml", "sample_test2.yaml",
                                    "sample_test3.yaml"])
def test_levels_agree_with_the_hand_labelled_samples(sample):
    """The verb lists were written before the samples were labelled (blind, by someone else) and
    were not tuned on them: 82–87 % exact agreement on each at the time of writing. The floor keeps
    a change to the lists from quietly making them worse."""
    import yaml

    items = yaml.safe_load((SAMPLES / sample).read_text(encoding="utf-8"))
    items = items["items"] if isinstance(items, dict) else items
    agree = sum(action_level(item["text"]) == item["action_level"] for item in items)
    near = sum(abs((action_level(item["text"]) or 0) - item["action_level"]) <= 1 for item in items)
    assert agree / len(items) >= 0.80
    assert near / len(items) >= 0.90
