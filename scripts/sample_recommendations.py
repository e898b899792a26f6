"""Draw a sample of recommendations for labelling by hand: the gold standard the theme and
action-level rules are measured against.

    .venv/bin/python scripts/sample_recommendations.py --per-report 28 REPORT... > skeleton.yaml

The rule never looks at a recommendation's text, so the sample cannot lean towards what the
rules (or the labeller) find easy: for a report of N recommendations, k = ceil(N / per-report),
and the sample is every k-th recommendation in document order, starting at index (k - 1) // 2
(the middle of the first stride, so neither the first nor the last of a list is favoured). A
report with no more than `per-report` recommendations gives all of them. Each report thus
contributes about the same number, however long its list.

With `--exclude FILE` (repeatable; a labelled sample such as tests/themes/sample_dev.yaml), the
(report, id) pairs already in those files are removed from each report's list first, and the same
rule is applied to the recommendations that remain: a new sample shares no recommendation with an
earlier one, and is still chosen without reading any text. A report whose recommendations were all
labelled already gives none.

Prints YAML skeletons (report, id, text, themes: [], action_level: null) for a person to fill in.
Report paths are written relative to the repository root, as the tests open them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from site_builder.model import Recommendation  # noqa: E402
from site_builder.parse import parse_file  # noqa: E402


def sample_indices(count: int, per_report: int) -> list[int]:
    """Which positions (0-based, document order) of a list of `count` recommendations to take."""
    if count <= per_report:
        return list(range(count))
    stride = math.ceil(count / per_report)
    return list(range((stride - 1) // 2, count, stride))


def sample_report(path: Path, per_report: int,
                  exclude_ids: frozenset[str] = frozenset()) -> list[Recommendation]:
    # Excluded ids leave the list before the stride is computed, so the rule spreads the sample
    # over what remains rather than leaving holes where earlier samples were.
    remaining = [rec for rec in parse_file(path).recommendations if rec.id not in exclude_ids]
    return [remaining[i] for i in sample_indices(len(remaining), per_report)]


def labelled_pairs(paths: list[Path]) -> set[tuple[str, str]]:
    """The (report, id) pairs already in these labelled sample files."""
    pairs = set()
    for path in paths:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        pairs |= {(item["report"], item["id"]) for item in items}
    return pairs


def relative_to_root(path: Path) -> str:
    # os.path.relpath, not Path.relative_to: the corpus lives beside the repository (../shared).
    return Path(os.path.relpath(path.resolve(), ROOT)).as_posix()


def skeleton(report: str, rec: Recommendation) -> str:
    # JSON strings are valid YAML double-quoted scalars, and keep every character of the text.
    return (f"- report: {report}\n"
            f"  id: {json.dumps(rec.id)}\n"
            f"  text: {json.dumps(rec.text, ensure_ascii=False)}\n"
            f"  themes: []\n"
            f"  action_level: null\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="+", type=Path, help="report files, in the order wanted")
    parser.add_argument("--per-report", type=int, default=25, help="about how many per report")
    parser.add_argument("--exclude", type=Path, action="append", default=[], metavar="FILE",
                        help="a labelled sample whose (report, id) pairs are skipped; repeatable")
    args = parser.parse_args(argv)
    excluded = labelled_pairs(args.exclude)
    out = []
    for path in args.reports:
        report = relative_to_root(path)
        exclude_ids = frozenset(id_ for rep, id_ in excluded if rep == report)
        out += [skeleton(report, rec) for rec in sample_report(path, args.per_report, exclude_ids)]
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
