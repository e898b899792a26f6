"""Measure the theme rules against a hand-labelled sample: precision, recall, support, predicted.

    .venv/bin/python scripts/theme_accuracy.py [--sample tests/themes/sample_test3.yaml] [--errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.classify.accuracy import load_sample, micro, score  # noqa: E402
from site_builder.classify.taxonomy import all_themes  # noqa: E402
from site_builder.classify.themes import themes_of  # noqa: E402


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="append", help="labelled YAML (repeat to pool); default: the held-out sample")
    parser.add_argument("--errors", action="store_true", help="also list each disagreement")
    args = parser.parse_args()
    paths = args.sample or ["tests/themes/sample_test3.yaml"]
    items = tuple(item for path in paths for item in load_sample(path))
    scores = score(items)
    print(f"Sample: {', '.join(paths)} ({len(items)} recommendations)\n")
    print("| theme | shipped | precision | recall | support | predicted |")
    print("|---|---|---:|---:|---:|---:|")
    for theme in all_themes():
        s = scores[theme.slug]
        if s.support or s.predicted:
            shipped = "yes" if theme.shipped else "**no**"
            print(f"| {theme.slug} | {shipped} | {_pct(s.precision)} | {_pct(s.recall)} | {s.support} | {s.predicted} |")
    shipped = [t.slug for t in all_themes() if t.shipped]
    for label, slugs in (("shipped themes", shipped), ("all themes, unshipped included", list(scores))):
        m = micro(scores, slugs)
        print(f"\nMicro, {label}: precision {_pct(m.precision)}, recall {_pct(m.recall)}"
              f" ({m.correct} correct of {m.predicted} predicted, {m.support} labelled)")
    if args.errors:
        print()
        for item in items:
            got = set(themes_of(item.text, include_unshipped=True))
            if got != item.themes:
                print(f"{item.report} {item.id}: +{sorted(got - item.themes)} -{sorted(item.themes - got)}\n    {item.text[:240]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
