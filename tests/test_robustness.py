"""No input breaks the parser: every text ends in a report (perhaps with warnings) or in one
ReportError naming the file — never another exception."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED
from site_builder.errors import ReportError
from site_builder.parse import parse_report
from site_builder.read import clean_text, decode

SEED_TEXT = clean_text(decode(SEED.read_bytes()))


def parses_or_fails_cleanly(text: str) -> None:
    try:
        parse_report(text, "fuzzed.txt")
    except ReportError as error:
        assert str(error).startswith("fuzzed.txt: ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SEED_TEXT)), st.integers(0, len(SEED_TEXT)))
def test_any_slice_of_a_report(start, end):
    parses_or_fails_cleanly(SEED_TEXT[min(start, end):max(start, end)])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    parses_or_fails_cleanly(clean_text(decode(data)))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.() ;,:\nABCabc–•’“”")), max_size=2000))
def test_punctuation_soup(text):
    parses_or_fails_cleanly("Report of the Working Group on the Universal Periodic Review\n" + text)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_paragraphs_shuffled_or_repeated(rng: random.Random):
    chunks = SEED_TEXT.split(". ")
    rng.shuffle(chunks) if rng.random() < 0.5 else chunks.extend(rng.sample(chunks, 20))
    parses_or_fails_cleanly(". ".join(chunks))
