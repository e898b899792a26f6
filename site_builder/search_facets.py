"""The facets of the static search index (format 5, search_format.py): the numbers the postings
carry for each recommendation's recommending states and its level and themes, `facets.json`
that decodes them, and the lists a search by facets alone reads.

States, sets of recommending states and combinations of level and themes are numbered in the
order the docs first have them, so a new review's come last and the earlier docs' numbers (and
the index's first tier, which carries them) stay as they were.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy

from .classify.taxonomy import all_themes
from .errors import BuildError
from .model import ACTION_LEVELS, State
from .search import SearchDoc
from .search_format import dumps


@dataclass(frozen=True)
class FacetNumbers:
    registry: dict[str, State]  # the states the facets name, in the order of their numbers
    sets: list[list[int]]  # each set of recommending states (`_by_refs`)
    by_ref: numpy.ndarray  # each doc's set, 1 + its place (0: none)
    themes: list[str]
    abouts: list[list[int]]  # each combination of a level and themes (`_about_refs`)
    about_ref: numpy.ndarray  # each doc's combination, 1 + its place (0: none)


def facet_numbers(docs: list[SearchDoc]) -> FacetNumbers:
    registry = _states(docs)
    sets, by_ref = _by_refs(docs, list(registry))
    themes = _themes(docs)
    abouts, about_ref = _about_refs(docs, themes)
    return FacetNumbers(registry, sets, by_ref, themes, abouts, about_ref)


def _by_refs(docs: list[SearchDoc], states: list[str]) -> tuple[list[list[int]], numpy.ndarray]:
    """The recommending states of each recommendation as one number (see search_format.py): the
    distinct sets of them (as numbers in `states`, ascending), in the order the docs first have
    them, so that a new review's sets come after the others' and leave their numbers as they
    were; and each doc's number: 1 + its set's place (0 for none, and for a doc that is not a
    recommendation)."""
    place = {iso3: n for n, iso3 in enumerate(states)}
    set_number: dict[tuple[int, ...], int] = {}
    refs = numpy.zeros(len(docs), dtype=numpy.int32)
    for number, doc in enumerate(docs):
        if doc.rec is not None and doc.rec.recommended_by:
            members = tuple(sorted({place[s.iso3] for s in doc.rec.recommended_by}))
            refs[number] = set_number.setdefault(members, len(set_number) + 1)
    return [list(members) for members in set_number], refs


def _states(docs: list[SearchDoc]) -> dict[str, State]:
    """The states under review and the recommending states, by ISO code, in the order the docs
    first name them (each recommendation's state under review, then its recommending states by
    code): a new review's new states come last, and the others keep their numbers."""
    found: dict[str, State] = {}
    for doc in docs:
        if doc.rec is not None:
            for state in (doc.report.review.state_under_review, *sorted(doc.rec.recommended_by, key=lambda s: s.iso3)):
                found.setdefault(state.iso3, state)
    return found


def _themes(docs: list[SearchDoc]) -> list[str]:
    """The theme slugs some recommendation has, in the taxonomy's order."""
    order = {theme.slug: n for n, theme in enumerate(all_themes())}
    used: set[str] = set()
    for doc in docs:
        if doc.rec is None:
            continue
        for slug in doc.rec.themes:
            if slug not in order:
                raise BuildError(f"{doc.report.source}: recommendation {doc.rec.id} has the theme {slug!r}, "
                                 "which classify/themes.yaml does not list")
        used.update(doc.rec.themes)
    return sorted(used, key=order.__getitem__)


def _about_refs(docs: list[SearchDoc], themes: list[str]) -> tuple[list[list[int]], numpy.ndarray]:
    """The action level and themes of each recommendation as one number (see search_format.py):
    the distinct combinations [level (0 none), theme number, …], in the order the docs first
    have them (as `_by_refs` numbers sets), and each doc's number: 1 + its combination's place
    (0 for none, and for a doc that is not a recommendation)."""
    place = {slug: n for n, slug in enumerate(themes)}
    ref: dict[tuple[int, ...], int] = {}
    refs = numpy.zeros(len(docs), dtype=numpy.int32)
    for number, doc in enumerate(docs):
        if doc.rec is not None:
            about = (doc.rec.action_level or 0, *sorted({place[slug] for slug in doc.rec.themes}))
            if about != (0,):
                refs[number] = ref.setdefault(about, len(ref) + 1)
    return [list(about) for about in ref], refs


def facet_files(docs: list[SearchDoc], numbers: FacetNumbers) -> dict[str, bytes]:
    """facets.json, and the lists a search by facets alone reads."""
    registry, state_sets, themes, abouts = numbers.registry, numbers.sets, numbers.themes, numbers.abouts
    states = list(registry)
    groups = sorted({registry[iso3].group for iso3 in states})
    names = {theme.slug: theme.name for theme in all_themes()}
    group_number = {group: n for n, group in enumerate(groups)}
    state_number = {iso3: n for n, iso3 in enumerate(states)}
    positions: dict[str, list[int]] = defaultdict(list)
    reviews: list[list[int]] = []  # [gap, count, state under review, cycle] per review's recommendations
    end = 0
    by_state: dict[str, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    by_theme: dict[str, list[int]] = defaultdict(list)
    by_level: dict[int, list[int]] = {level: [] for level in ACTION_LEVELS}  # each level's file, even empty
    recs: list[int] = []
    for number, doc in enumerate(docs):
        if doc.rec is None:
            continue
        recs.append(number)
        positions[doc.rec.position].append(number)
        review = doc.report.review
        row = [state_number[review.state_under_review.iso3], review.cycle or 0]
        if reviews and number == end and reviews[-1][2:] == row:
            reviews[-1][1] += 1
        else:
            reviews.append([number - end, 1, *row])
        end = number + 1
        for iso3 in sorted({s.iso3 for s in doc.rec.recommended_by}):
            by_state[iso3].append(number)
        for group in sorted({s.group for s in doc.rec.recommended_by}):
            by_group[group_number[group]].append(number)
        for slug in sorted(set(doc.rec.themes)):
            by_theme[slug].append(number)
        if doc.rec.action_level in by_level:
            by_level[doc.rec.action_level].append(number)

    by, about = numbers.by_ref.tolist(), numbers.about_ref.tolist()

    def with_refs(numbers: list[int]) -> bytes:
        return dumps([value for gap, doc in zip(_gaps(numbers), numbers) for value in (gap, by[doc], about[doc])])

    files = {"search/facets.json": dumps({
        "states": [[iso3, registry[iso3].name, group_number[registry[iso3].group]] for iso3 in states],
        "sets": state_sets, "groups": groups, "reviews": reviews,
        "position": {value: _runs(numbers) for value, numbers in sorted(positions.items())},
        "themes": [[slug, names[slug]] for slug in themes],
        "levels": [ACTION_LEVELS[level] for level in sorted(ACTION_LEVELS)], "abouts": abouts})}
    files.update((f"search/facets/by/{iso3}.json", with_refs(numbers)) for iso3, numbers in by_state.items())
    files.update((f"search/facets/group/{group}.json", with_refs(numbers)) for group, numbers in by_group.items())
    files.update((f"search/facets/theme/{slug}.json", with_refs(numbers)) for slug, numbers in by_theme.items())
    files.update((f"search/facets/level/{level}.json", with_refs(numbers)) for level, numbers in by_level.items())
    files["search/facets/all.json"] = with_refs(recs)
    return files


def _gaps(numbers: list[int]) -> list[int]:
    """Sorted numbers as the gaps between them (the first from 0): smaller JSON."""
    return [b - a for a, b in zip([0, *numbers], numbers)]


def _runs(numbers: list[int]) -> list[int]:
    """Sorted numbers as runs [gap, length, gap, length, …], each gap from the end of the last
    run (the first from 0): a review's recommendations are one run in its state's list."""
    runs: list[int] = []
    end = 0
    for number in numbers:
        if runs and number == end:
            runs[-1] += 1
        else:
            runs += [number - end, 1]
        end = number + 1
    return runs
