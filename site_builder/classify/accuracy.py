"""How well the theme rules agree with a hand-labelled sample: per-theme precision and recall.

Shared by scripts/theme_accuracy.py (the published table) and tests/test_themes.py (the
precision gate), so the suite measures exactly what the method page reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from site_builder.classify.taxonomy import all_themes
from site_builder.classify.themes import themes_of

GATE = 0.80  # no theme ships whose precision on the held-out sample is below this
MIN_PREDICTIONS = 5  # fewer predictions than this on the held-out sample: judged on every sample pooled
MIN_POOLED = 3  # fewer than this even pooled: not measured, so not shipped

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "tests" / "themes"
# Round 3 (docs/themes_method.md): the rules were tuned on these; the held-out samples of rounds
# 1 and 2 were read to measure those rounds, so they are development data now.
DEVELOPMENT_SAMPLES = ("sample_dev.yaml", "sample_test.yaml", "sample_dev2.yaml", "sample_test2.yaml")
HELD_OUT_SAMPLE = "sample_test3.yaml"  # read once, after the round-3 rules were final


@dataclass(frozen=True)
class LabelledItem:
    report: str
    id: str
    text: str
    themes: frozenset[str]


@dataclass(frozen=True)
class ThemeScore:
    slug: str
    support: int  # items labelled with the theme
    predicted: int  # items the rules gave the theme
    correct: int  # both

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.support if self.support else None


def load_sample(path: str | Path) -> tuple[LabelledItem, ...]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot be read: {error}") from None
    items = data["items"] if isinstance(data, dict) else data
    known = {theme.slug for theme in all_themes()}
    result = []
    for item in items:
        unknown = set(item["themes"]) - known
        if unknown:
            raise ValueError(f"{path}: item {item['id']} has unknown themes {sorted(unknown)}")
        result.append(LabelledItem(str(item["report"]), str(item["id"]), item["text"], frozenset(item["themes"])))
    return tuple(result)


def score(items: tuple[LabelledItem, ...], include_unshipped: bool = True) -> dict[str, ThemeScore]:
    """Every theme's counts on the sample, in taxonomy order. Unshipped themes are scored
    too by default, so the table shows why they are not shipped."""
    predictions = [set(themes_of(item.text, include_unshipped=include_unshipped)) for item in items]
    scores = {}
    for theme in all_themes():
        support = sum(theme.slug in item.themes for item in items)
        predicted = sum(theme.slug in p for p in predictions)
        correct = sum(theme.slug in p and theme.slug in item.themes for item, p in zip(items, predictions))
        scores[theme.slug] = ThemeScore(theme.slug, support, predicted, correct)
    return scores


def micro(scores: dict[str, ThemeScore], slugs) -> ThemeScore:
    chosen = [scores[s] for s in slugs]
    return ThemeScore("micro", sum(s.support for s in chosen), sum(s.predicted for s in chosen), sum(s.correct for s in chosen))


def development_items() -> tuple[LabelledItem, ...]:
    return tuple(item for name in DEVELOPMENT_SAMPLES for item in load_sample(SAMPLES_DIR / name))


def held_out_items() -> tuple[LabelledItem, ...]:
    return load_sample(SAMPLES_DIR / HELD_OUT_SAMPLE)


def gate(test: dict[str, ThemeScore], pooled: dict[str, ThemeScore], slug: str) -> tuple[bool, str]:
    """Whether a theme may ship, and the measured figure that decides it (method page, "the gate").

    `test` is scored on the held-out sample, `pooled` on every labelled sample (development and
    held-out). Judged on the held-out sample when the rules predict the theme there at least
    MIN_PREDICTIONS times; else on all samples pooled, when they hold MIN_POOLED predictions —
    and then the few held-out predictions must be under the gate neither, since the pooled
    figure includes what the rules were tuned on; else it is not measured and does not ship."""
    held_out = test[slug]
    if held_out.predicted >= MIN_PREDICTIONS:
        s, where = held_out, "the held-out sample"
    elif pooled[slug].predicted >= MIN_POOLED:
        s, where = pooled[slug], "all samples pooled"
        if held_out.predicted and held_out.precision < GATE:
            return False, (f"precision {100 * held_out.precision:.0f} % ({held_out.correct} of "
                           f"{held_out.predicted}) on the held-out sample, too few to judge on, but under "
                           f"the gate; {100 * s.precision:.0f} % ({s.correct} of {s.predicted}) on {where}")
    else:
        return False, f"only {pooled[slug].predicted} predictions in all samples pooled: not measured"
    figure = f"precision {100 * s.precision:.0f} % ({s.correct} of {s.predicted}) on {where}"
    return s.precision >= GATE, figure
