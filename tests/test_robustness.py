"""No input breaks the parser: every text ends in a report (perhaps with warnings) or in one
ReportError naming the file — never another exception, and never a hang.

The property tests draw a few hundred inputs in the suite. A longer fuzz run draws more of each:
`FUZZ_SCALE=50 .venv/bin/python -m pytest -n 2 tests/test_robustness.py` (README, "Tests").
"""

import contextlib
import os
import random
import signal

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, SEED
from site_builder.errors import ReportError
from site_builder.parse import parse_report
from site_builder.read import clean_text, decode

SEED_TEXT = clean_text(decode(SEED.read_bytes()))
# Slices and shuffles are cut from the seed and, when ../shared sits beside the repository, from
# the corpus's 25 reports too: other countries, cycles and layouts.
REPORT_TEXTS = [SEED_TEXT, *(clean_text(decode(path.read_bytes()))
                             for path in sorted((CORPUS / "reports").glob("*.txt")))]
FUZZ_SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
SECONDS_PER_INPUT = 20  # far above a real report's 0.3 s: only a hang trips it


def examples(count: int) -> int:
    return max(1, round(count * FUZZ_SCALE))


@contextlib.contextmanager
def time_limit(seconds: float = SECONDS_PER_INPUT):
    """Fails an input that takes longer than `seconds` (a hang), instead of stalling the suite."""
    def expired(signum, frame):
        raise TimeoutError(f"no answer after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parses_or_fails_cleanly(text: str) -> None:
    with time_limit():
        try:
            parse_report(text, "fuzzed.txt")
        except ReportError as error:
            assert str(error).startswith("fuzzed.txt: ")


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REPORT_TEXTS), st.floats(0, 1), st.floats(0, 1))
def test_any_slice_of_a_report(text, start, end):
    # places drawn as shares of the text's length: integers drawn by hypothesis crowd near zero
    start, end = sorted((round(start * len(text)), round(end * len(text))))
    parses_or_fails_cleanly(text[start:end])


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REPORT_TEXTS), st.floats(0, 1))
def test_a_report_cut_short_anywhere(text, share):
    """A download or a copy cut short: the report's beginning, to any character."""
    parses_or_fails_cleanly(text[:round(share * len(text))])


@settings(max_examples=examples(60), deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    parses_or_fails_cleanly(clean_text(decode(data)))


@settings(max_examples=examples(40), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.() ;,:\nABCabc–•’“”")), max_size=2000))
def test_punctuation_soup(text):
    parses_or_fails_cleanly("Report of the Working Group on the Universal Periodic Review\n" + text)


@settings(max_examples=examples(25), deadline=None)
@given(st.sampled_from(REPORT_TEXTS), st.randoms(use_true_random=False))
def test_paragraphs_shuffled_or_repeated(text, rng: random.Random):
    chunks = text.split(". ")
    rng.shuffle(chunks) if rng.random() < 0.5 else chunks.extend(rng.sample(chunks, min(20, len(chunks))))
    parses_or_fails_cleanly(". ".join(chunks))


# --- issue 7: every damage we know, in bounded time -------------------------------------------

SEED_REPORT = parse_report(SEED_TEXT, "seed.txt")
SEED_IDS = [rec.id for rec in SEED_REPORT.recommendations]


def parse_bytes(data: bytes):
    with time_limit():
        try:
            return parse_report(clean_text(decode(data)), "damaged.txt")
        except ReportError as error:
            assert str(error).startswith("damaged.txt: ")
            return None


@pytest.mark.parametrize("damage", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "mac_roman", "latin-1 mojibake",
                                    "macroman mojibake", "crlf", "nul bytes", "form feeds"])
def test_every_encoding_damage_we_know_reads_to_the_same_recommendations(damage):
    text = SEED_TEXT
    data = {
        "utf-8": lambda: text.encode("utf-8"),
        "utf-8-sig": lambda: text.encode("utf-8-sig"),
        "utf-16": lambda: text.encode("utf-16"),
        "cp1252": lambda: text.encode("cp1252", errors="replace"),
        "mac_roman": lambda: text.encode("mac_roman", errors="replace"),
        # UTF-8 read as Latin-1 / MacRoman and saved again as UTF-8: the mojibake of real files
        "latin-1 mojibake": lambda: text.encode("utf-8").decode("latin-1").encode("utf-8"),
        "macroman mojibake": lambda: text.encode("mac_roman", errors="replace").decode("latin-1").encode("utf-8"),
        "crlf": lambda: text.replace("\n", "\r\n").encode("utf-8"),
        "nul bytes": lambda: text.replace(". ", ".\x00 ", 20).encode("utf-8"),
        "form feeds": lambda: text.replace(" 5. ", "\f 5. ").encode("utf-8"),
    }[damage]()
    report = parse_bytes(data)
    assert report is not None and [rec.id for rec in report.recommendations] == SEED_IDS


@pytest.mark.parametrize("cut", range(0, len(SEED_REPORT.paragraphs), 3))
def test_a_report_cut_at_a_paragraph_is_refused_or_read(cut):
    para = SEED_REPORT.paragraphs[cut]
    at = SEED_TEXT.find(para.text[:60])
    assert at > 0
    report = parse_bytes(SEED_TEXT[:at].encode("utf-8"))
    if report is not None:  # what was read is what the report says up to there
        assert [rec.id for rec in report.recommendations] == SEED_IDS[:len(report.recommendations)]


@pytest.mark.parametrize("printed, warning", [
    (" 125.2 ", "recommendation 125.3 is printed as 125.2"),  # a number printed twice
    (" 125.33 ", "recommendation 125.3 is printed as 125.33"),  # a misprint
    (" ", "recommendation 125.3 is missing: the list goes on at 125.4"),  # a number lost
])
def test_a_misnumbered_recommendation_swallows_none_of_the_rest(printed, warning):
    report = parse_bytes(SEED_TEXT.replace(" 125.3 ", printed, 1).encode("utf-8"))
    assert warning in [w.message for w in report.warnings]
    assert len(report.recommendations) == len(SEED_IDS) - (printed == " ")
    assert {rec.id for rec in report.recommendations} >= set(SEED_IDS) - {"125.3"}


def test_an_unknown_state_in_an_attribution_is_a_warning_and_stays_in_the_text():
    report = parse_report(SEED_TEXT.replace("(Sweden);", "(Atlantis);", 1), "damaged.txt")
    rec = next(rec for rec in report.recommendations if "(Atlantis)" in rec.text)
    assert rec.recommended_by == () and any(rec.id in w.message and "no recommending state" in w.message
                                            for w in report.warnings)


@pytest.mark.parametrize("size", [10**5, 2 * 10**6])
def test_enormous_lines_and_words_end_in_bounded_time(size):
    word = "x" * size
    parse_bytes(SEED_TEXT.replace("China commended", f"China {word} commended", 1).encode("utf-8"))
    parse_bytes(("1. " + "word " * (size // 5)).encode("utf-8"))
    parse_bytes(SEED_TEXT.replace("\n", " ").encode("utf-8") + b" 127.1 " * (size // 7))


def test_a_report_saved_as_windows_unicode_text_is_read(tmp_path):
    from site_builder.parse import parse_file
    path = tmp_path / "A-HRC-28-10-utf16.txt"
    path.write_bytes(SEED_TEXT.encode("utf-16"))  # with its byte-order mark, as Windows saves it
    assert [rec.id for rec in parse_file(path).recommendations] == SEED_IDS
