"""A scaled archive for benchmarks: N synthetic UPR reports made from the real ones, ≥ 50,000
recommendations by default, written as a content/ folder that `site-builder build` takes.

    .venv/bin/python benchmarks/scale_corpus.py OUT [--recommendations 50000] [--reports N]
        [--corpus ../shared/corpus] [--no-real] [--seed 0]

writes OUT/site.yaml, OUT/pages/ (copied from content/) and OUT/reports/*.txt, then parses every
generated file with `site_builder.parse.parse_file` and checks that it yields exactly the
recommendations it was given (a file that does not is regenerated from another template). It
is for benchmarks only, never for tests: the texts are recombined real ones, not real reports.

How the reports are varied (so no two reviews are identical, and each parses as a real one):

- Templates. The 26 real reports (the seed A/HRC/28/10 and ../shared/corpus/reports/*.txt) are
  read and split into paragraphs by the project's own parser. A synthetic report takes one of
  them, in turn, for its cover page, introduction and interactive dialogue: every paragraph
  before the template's first list of recommendations, re-emitted one per line with its
  headings (page furniture and footnotes are gone).
- State under review. Each synthetic report gets its own (state, cycle) pair, drawn without
  replacement from the 195 states of site_builder/states.yaml and cycles 1–6 (and never a pair
  a real report holds, so the real reports can be published alongside). Every spelling of the
  template's state under review (its registry name and aliases, with a leading "the") is replaced
  by the new state's name — in the cover page, the introduction ("The review of … was held"),
  the dialogue and the recommendation texts ("That Algeria …", "Afghanistan’s obligations") —
  as are the three-letter code in the review documents (A/HRC/WG.6/20/KAZ/1).
- Session, cycle, symbol, dates. The Working Group session ("held its twentieth session") is
  drawn from the cycle's sessions (1–12 → cycle 1, 13–26 → 2, …); the Council session is the WG
  session + 8; the symbol A/HRC/<council session>/<n> is unique (n counts up per session, past
  the real reports' symbols), names the file (scaled-A-HRC-<s>-<n>.txt), and
  replaces the template's symbol on the cover page (or is put there when the text lost it); the
  years of the cover page's and paragraph 1's dates move with the session (about three WG
  sessions a year from 2008).
- Recommendations. The conclusions are written anew: a count drawn around the real reports'
  sizes (scaled so the total reaches the target) of recommendations sampled without replacement
  (within a report) from the pool of all 3,398 real ones, each as printed with its attribution
  "(Sweden)", "(Bolivia); … (Germany)". They are grouped by the position they had in their own
  report into a supported list (cycle 2 wording "… have been examined by X and enjoy the support
  of X:"), a pending list ("will be examined by X, which will provide responses in due time, but
  no later than the … session of the Human Rights Council") and a noted list ("did not enjoy the
  support of X and would thus be noted"), numbered N.1, N.2 … after the template's last
  paragraph (so the paragraph and item numbering chains stay valid), and closed by the standard
  disclaimer paragraph. Pool items whose report gave no recommending state are left out.

So a synthetic archive has the real reports' vocabulary, lengths and layouts, one review per
(state, cycle) as the site expects, and each recommendation text repeated about N/3,400 times
across different states under review — which is what a search engine at that scale meets.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_builder.errors import ReportError
from site_builder.model import NOTED, PENDING, SUPPORTED, cycle_of_session
from site_builder.parse import parse_file, parse_report
from site_builder.parse.layout import extract_body
from site_builder.parse.metadata import _DATE, _ORDINAL, _SYMBOL, ordinal_to_int
from site_builder.parse.paragraphs import split_paragraphs
from site_builder.parse.recommendations import find_list
from site_builder.read import read_report_text
from site_builder.states import load_registry

ROOT = Path(__file__).resolve().parents[1]
STATES_YAML = ROOT / "site_builder" / "states.yaml"
CYCLES = 6  # cycles 1–6: sessions 1–82
SUR = "\x00SUR\x00"  # placeholder for the state under review in template and pool texts

_UNITS = ("zero first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
          "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_TENS = {2: "twent", 3: "thirt", 4: "fort", 5: "fift", 6: "sixt", 7: "sevent", 8: "eight", 9: "ninet"}


def ordinal_word(number: int) -> str:
    """20 → `twentieth`, 42 → `forty-second` (the inverse of metadata.ordinal_to_int, 1–99)."""
    if number < 20:
        return _UNITS[number]
    tens, unit = divmod(number, 10)
    word = _TENS[tens] + ("ieth" if unit == 0 else "y-" + _UNITS[unit])
    assert ordinal_to_int(word) == number, word
    return word


def session_range(cycle: int) -> range:
    """The Working Group sessions of a cycle (cycle_of_session's inverse)."""
    sessions = [s for s in range(1, 15 * (CYCLES + 1)) if cycle_of_session(s) == cycle]
    return range(sessions[0], sessions[-1] + 1)


def year_of_session(session: int) -> int:
    return 2008 + (session - 1) // 3


# --- Reading the real reports -------------------------------------------------------------------

@dataclass
class Template:
    source: str
    iso3: str
    header: str  # with SUR for the state under review
    paragraphs: list[str]  # "n. text\nheadings", with SUR, before the first list
    next_number: int  # the first list paragraph's number: the conclusions start there
    has_conclusions_heading: bool


@dataclass(frozen=True)
class PoolItem:
    text: str  # as printed, attribution included, with SUR for the state under review
    position: str


def _spellings(iso3: str) -> list[str]:
    for entry in yaml.safe_load(STATES_YAML.read_text(encoding="utf-8")):
        if entry["iso3"] == iso3:
            return sorted({entry["name"], *entry.get("aliases", ())}, key=len, reverse=True)
    raise KeyError(iso3)


def _spelling_pattern(name: str) -> str:
    name = re.sub(r"(?i)^the\s+", "", name.strip())
    words = re.split(r"[\s\-]+", name)
    return r"[\s\-]+".join(re.escape(word).replace("'", "['’]").replace("’", "['’]") for word in words)


def _sur_pattern(iso3: str) -> re.Pattern[str]:
    """Every spelling of a state, case and spacing aside, with a leading "the"."""
    spellings = {re.sub(r"(?i)^the\s+", "", name.strip()) for name in _spellings(iso3)}
    names = "|".join(_spelling_pattern(name) for name in sorted(spellings, key=len, reverse=True))
    return re.compile(rf"(?<![\w/])(?:the\s+)?(?:{names})(?![\w/])", re.IGNORECASE)


def display_names() -> dict[str, str]:
    """Each state's name as running text can carry it: no parentheses (they would read as an
    attribution), so `Iran (Islamic Republic of)` → `the Islamic Republic of Iran`'s alias."""
    registry = load_registry()
    names = {}
    for entry in yaml.safe_load(STATES_YAML.read_text(encoding="utf-8")):
        name = entry["name"]
        if "(" in name or "," in name:
            options = [a for a in entry.get("aliases", ()) if "(" not in a and "," not in a
                       and registry.resolve(a) is not None and registry.resolve(a).iso3 == entry["iso3"]]
            name = min(options, key=len) if options else re.sub(r"\s*\(.*?\)", "", name)
        names[entry["iso3"]] = name
    return names


@dataclass
class Sources:
    templates: list[Template]
    pool: list[PoolItem]
    keys: set[tuple[str, int]]  # the real reviews, (iso3, cycle)
    symbols: set[str]  # the real reports' symbols
    sizes: list[int]  # the real reports' recommendation counts


def read_sources(files: list[Path]) -> Sources:
    """Templates and the recommendation pool from the real reports, with what the synthetic ones
    must not repeat."""
    registry = load_registry()
    templates, pool, keys, sizes, symbols = [], [], set(), [], set()
    for path in files:
        text = read_report_text(path)
        report = parse_report(text, path, registry)
        iso3 = report.review.state_under_review.iso3
        keys.add((iso3, report.review.cycle))
        sizes.append(len(report.recommendations))
        if report.document.symbol:
            symbols.add(report.document.symbol)
        sur = _sur_pattern(iso3)
        split = split_paragraphs(extract_body(text).text)
        lists = [(p, found) for p in split.paragraphs if (found := find_list(p)) is not None]
        # The parser lists recommendations in paragraph order, items in order: pair them up.
        raw_items = [(raw, p.number) for p, found in lists for _, raw in found.items]
        for (raw, _), rec in zip(raw_items, report.recommendations):
            if rec.recommended_by:
                raw = " ".join(raw.split()).rstrip(" ;.,")
                pool.append(PoolItem(sur.sub(SUR, raw), rec.position))
        first_list = lists[0][0].number
        paragraphs, conclusions = [], False
        for p in split.paragraphs:
            if p.number >= first_list:
                break
            lines = [f"{p.number}. {sur.sub(SUR, p.text)}"]
            for heading in p.headings_after:
                lines.append(sur.sub(SUR, heading.text))
                conclusions |= "conclusion" in heading.text.lower()
            paragraphs.append("\n".join(lines))
        templates.append(Template(str(path), iso3, sur.sub(SUR, split.header), paragraphs, first_list, conclusions))
    return Sources(templates, pool, keys, symbols, sizes)


# --- Writing a synthetic report -----------------------------------------------------------------

LEAD_INS = {
    SUPPORTED: ("The recommendations formulated during the interactive dialogue and listed below have "
                "been examined by {s} and enjoy the support of {s}:",
                "The following recommendations will be examined by {s}, which enjoy the support of {s}:",
                "The following recommendations enjoy the support of {s}:"),
    PENDING: ("The following recommendations will be examined by {s}, which will provide responses in "
              "due time, but no later than the {next} session of the Human Rights Council:",
              "The following recommendations will be examined by {s}, which will provide responses in "
              "due time:"),
    NOTED: ("The following recommendations did not enjoy the support of {s} and would thus be noted:",
            "The recommendations below did not enjoy the support of {s}:"),
}
CLOSING = ("All conclusions and/or recommendations contained in the present report reflect the "
           "position of the submitting State(s) and/or the State under review. They should not be "
           "construed as endorsed by the Working Group as a whole.")


@dataclass(frozen=True)
class Plan:
    template: int
    iso3: str
    name: str
    session: int
    symbol: str
    items: tuple[int, ...]  # indexes into the pool


def render(plan: Plan, template: Template, pool: list[PoolItem], rng: random.Random) -> str:
    name, hrc = plan.name, plan.session + 8
    header = template.header.replace(SUR, name)
    header, replaced = _SYMBOL.subn(plan.symbol, header)
    if not replaced:
        header = f"{plan.symbol}\n{header}"
    header = re.sub(r"(?i)\b" + _ORDINAL + r"(\s+session\b)",
                    lambda m: ordinal_word(hrc).capitalize() + m.group(2), header, count=1)
    # The review's year is the last date of paragraph 1 (the adoption); earlier dates of other
    # years (`resolution 5/1 of 18 June 2007`) stay as they are.
    dates = re.findall(_DATE, template.paragraphs[0])
    review_year = int(dates[-1][2]) if dates else None
    shift = year_of_session(plan.session) - review_year if review_year else 0

    def move_year(match: re.Match[str]) -> str:
        year = int(match.group(3))
        if review_year is None or abs(year - review_year) > 1:
            return match.group(0)
        return match.group(0)[: match.start(3) - match.start()] + str(year + shift)

    header = re.sub(_DATE, move_year, header)
    body = []
    for index, paragraph in enumerate(template.paragraphs):
        paragraph = paragraph.replace(SUR, name)
        paragraph = re.sub(r"A/HRC/WG\.\s?6/\s?\d+/\s?[A-Z]{3}", f"A/HRC/WG.6/{plan.session}/{plan.iso3}", paragraph)
        if index == 0:
            paragraph = re.sub(r"(held its\s+)" + _ORDINAL + r"(\s+session)",
                               lambda m: m.group(1) + ordinal_word(plan.session) + m.group(3), paragraph, count=1)
            paragraph = re.sub(_DATE, move_year, paragraph)
        body.append(paragraph)
    if not template.has_conclusions_heading:
        body.append("II. Conclusions and/or recommendations")

    groups: dict[str, list[str]] = {SUPPORTED: [], PENDING: [], NOTED: []}
    for index in plan.items:
        item = pool[index]
        groups.get(item.position, groups[SUPPORTED]).append(item.text.replace(SUR, name))
    number = template.next_number
    for position in (SUPPORTED, PENDING, NOTED):
        texts = groups[position]
        if not texts:
            continue
        lead_in = rng.choice(LEAD_INS[position]).format(s=name, next=ordinal_word(hrc + 1))
        lines = [f"{number}. {lead_in}"]
        lines += [f"{number}.{i} {text}{';' if i < len(texts) else '.'}" for i, text in enumerate(texts, 1)]
        body.append("\n".join(lines))
        number += 1
    body.append(f"{number}. {CLOSING}")
    return header.rstrip() + "\n\n" + "\n".join(body) + "\n"


def _check(args: tuple[str, int, str]) -> tuple[str, str | None]:
    """Parse one generated file; None when it holds exactly the expected recommendations and the
    expected state, else what is wrong."""
    path, expected, iso3 = args
    try:
        report = parse_file(path)
    except ReportError as error:
        return path, str(error)
    if report.review.state_under_review.iso3 != iso3:
        return path, f"state under review is {report.review.state_under_review.iso3}, not {iso3}"
    if len(report.recommendations) != expected:
        return path, f"{len(report.recommendations)} recommendations parsed, {expected} written"
    return path, None


def generate(out: Path, recommendations: int = 50_000, reports: int | None = None,
             corpus: Path = ROOT.parent / "shared" / "corpus", include_real: bool = True,
             seed: int = 0, workers: int | None = None, log=print) -> dict:
    """Write the scaled content folder `out`; return counts and timings."""
    started = time.perf_counter()
    rng = random.Random(seed)
    real_files = sorted((ROOT / "content" / "reports").glob("*.txt")) + sorted((corpus / "reports").glob("*.txt"))
    sources = read_sources(real_files)
    templates, pool, sizes = sources.templates, sources.pool, sources.sizes
    read_time = time.perf_counter() - started
    names = display_names()
    registry = load_registry()

    synthetic_target = max(0, recommendations - (sum(sizes) if include_real else 0))
    mean_size = sum(sizes) / len(sizes)
    count = reports if reports is not None else max(1, math.ceil(synthetic_target / mean_size))
    scale = synthetic_target / (mean_size * count) if count else 0
    slots = [(state.iso3, cycle) for state in registry.all() for cycle in range(1, CYCLES + 1)
             if (state.iso3, cycle) not in sources.keys]
    if count > len(slots):
        raise SystemExit(f"{count} reports need more (state, cycle) pairs than the {len(slots)} there are")
    rng.shuffle(slots)

    if out.exists():
        shutil.rmtree(out)
    (out / "reports").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", out / "site.yaml")
    shutil.copytree(ROOT / "content" / "pages", out / "pages")
    if include_real:
        for path in real_files:
            shutil.copy(path, out / "reports" / path.name)

    symbols: Counter[int] = Counter()
    plans: dict[str, Plan] = {}
    written = 0
    for index, (iso3, cycle) in enumerate(slots[:count]):
        remaining = count - index
        size = max(5, round(rng.choice(sizes) * scale * rng.uniform(0.8, 1.2)))
        size = min(size, len(pool))
        if remaining == 1:  # the last report tops the total up to the target
            size = min(len(pool), max(size, synthetic_target - written))
        session = rng.choice(session_range(cycle))
        symbol = None
        while symbol is None or symbol in sources.symbols:  # never a real report's symbol
            symbols[session] += 1
            symbol = f"A/HRC/{session + 8}/{9 + symbols[session]}"
        plan = Plan(index % len(templates), iso3, names[iso3], session, symbol,
                    tuple(rng.sample(range(len(pool)), size)))
        # "scaled-" keeps them apart from the real files (A-HRC-28-10.txt, kazakhstan2010.txt)
        plans["scaled-" + symbol.replace("/", "-") + ".txt"] = plan
        written += size

    def write(filename: str, plan: Plan) -> str:
        path = out / "reports" / filename
        path.write_text(render(plan, templates[plan.template], pool, random.Random(f"{seed}:{filename}")),
                        encoding="utf-8")
        return str(path)

    paths = {write(filename, plan): plan for filename, plan in plans.items()}
    generated = time.perf_counter()

    # Check every file with the parser; regenerate a failing one from the next template.
    with ProcessPoolExecutor(max_workers=workers) as executor:
        pending = paths
        for attempt in range(len(templates)):
            failures = {}
            jobs = [(path, len(plan.items), plan.iso3) for path, plan in pending.items()]
            for path, problem in executor.map(_check, jobs, chunksize=4):
                if problem is not None:
                    failures[path] = problem
            if not failures:
                break
            for path, problem in failures.items():
                plan = pending[path]
                log(f"  {Path(path).name} (template {Path(templates[plan.template].source).name}): {problem}; "
                    "trying the next template")
            pending = {}
            for path in failures:
                plan = paths[path]
                plan = Plan((plan.template + 1) % len(templates), plan.iso3, plan.name, plan.session,
                            plan.symbol, plan.items)
                paths[path] = plan
                pending[write(Path(path).name, plan)] = plan
        else:
            raise SystemExit(f"{len(failures)} generated report(s) do not parse: {failures}")
    checked = time.perf_counter()

    synthetic = sum(len(plan.items) for plan in paths.values())
    on_disk = len(list((out / "reports").iterdir()))
    expected = len(paths) + (len(real_files) if include_real else 0)
    if on_disk != expected:
        raise SystemExit(f"{out}/reports holds {on_disk} files, not {expected}: a name was used twice")
    return {
        "folder": str(out),
        "synthetic_reports": len(paths),
        "real_reports": len(real_files) if include_real else 0,
        "recommendations": synthetic + (sum(sizes) if include_real else 0),
        "synthetic_recommendations": synthetic,
        "pool": len(pool),
        "read_seconds": read_time,
        "generate_seconds": generated - started - read_time,
        "check_seconds": checked - generated,
        "total_seconds": checked - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the content folder to write (replaced if it exists)")
    parser.add_argument("--recommendations", type=int, default=50_000,
                        help="at least this many recommendations in the archive (default 50000)")
    parser.add_argument("--reports", type=int, default=None,
                        help="number of synthetic reports (default: as many as the target needs)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--no-real", dest="include_real", action="store_false",
                        help="leave the 26 real reports out of the scaled archive")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    result = generate(args.out, args.recommendations, args.reports, args.corpus, args.include_real,
                      args.seed, args.workers)
    print(f"Wrote {result['synthetic_reports']} synthetic report(s)"
          f" + {result['real_reports']} real into {result['folder']}/reports: "
          f"{result['recommendations']} recommendations ({result['synthetic_recommendations']} synthetic, "
          f"drawn from a pool of {result['pool']}); all parsed and checked. "
          f"Read {result['read_seconds']:.1f} s, generated {result['generate_seconds']:.1f} s, "
          f"checked {result['check_seconds']:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
