"""Reading reports in every state they arrive in: encodings, mojibake, line endings, PDFs."""

import shutil

import pytest

from conftest import CORPUS, SEED
from site_builder.errors import ReportError
from site_builder.parse import parse_file
from site_builder.read import clean_text, decode, read_report_text, repair_mojibake

GENUINE = ["Côte d'Ivoire", "Türkiye", "São Tomé and Príncipe", "Réunion", "NACIÓN", "¥100 million"]


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_accents_are_never_touched(text):
    assert repair_mojibake(text) == text


def test_macroman_read_as_latin1_is_repaired_word_by_word():
    damaged = "KazakhstanÕs ÒGreen BridgeÓ, paragraphs 1Ð4, Strategy Ð 2050 ¥ item"
    assert repair_mojibake(damaged) == "Kazakhstan’s “Green Bridge”, paragraphs 1–4, Strategy – 2050 • item"


def test_a_mixed_text_keeps_its_accents_while_its_mojibake_is_repaired():
    assert repair_mojibake("Côte d'Ivoire and KazakhstanÕs") == "Côte d'Ivoire and Kazakhstan’s"


@pytest.mark.parametrize("codec", ["mac_roman", "cp1252", "utf-8"])
def test_legacy_bytes_decode_to_the_same_text(codec):
    text = "The State’s “national plan” – Côte d’Ivoire, Türkiye • done"
    assert decode(text.encode(codec)) == text


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_line_endings_become_newlines(ending):
    assert clean_text(f"one{ending}two{ending}") == "one\ntwo\n"


def test_seed_in_other_encodings_and_line_endings_parses_the_same(tmp_path, seed):
    repaired = read_report_text(SEED)
    variants = {
        "utf8-crlf.txt": repaired.replace("\n", "\r\n").encode("utf-8"),
        "macroman-cr.txt": repaired.replace("\n", "\r").encode("mac_roman"),
        "cp1252.txt": repaired.encode("cp1252"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        report = parse_file(path)
        assert [r.id for r in report.recommendations] == [r.id for r in seed.recommendations], name
        assert [r.text for r in report.recommendations] == [r.text for r in seed.recommendations], name


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_pdf_parses_exactly_like_its_layout_text():
    pdf = CORPUS / "recent" / "KOR_C4_A_HRC_53_11.pdf"
    if not pdf.exists():
        pytest.skip("../shared/corpus/recent is not beside the repository")
    from_pdf = parse_file(pdf)
    from_text = parse_file(pdf.with_suffix(".txt"))
    assert from_pdf.recommendations == from_text.recommendations
    assert from_pdf.paragraphs == from_text.paragraphs


def test_a_file_that_is_not_a_pdf_inside_gets_a_clear_error(tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really a pdf")
    with pytest.raises(ReportError, match="report.pdf"):
        read_report_text(fake)


def test_the_seed_hard_wrapped_with_page_furniture_parses_the_same(tmp_path, seed):
    """Wrap the seed at page width, add running headers, job-number footers, page numbers and
    form feeds as a PDF extraction would: nothing of it may change the parse."""
    import textwrap

    lines = textwrap.wrap(read_report_text(SEED), 90, break_long_words=False, break_on_hyphens=False)
    pages = [lines[i:i + 50] for i in range(0, len(lines), 50)]
    out = []
    for number, page in enumerate(pages, 1):
        header = " " * 70 + "A/HRC/28/10" if number % 2 else "A/HRC/28/10"
        footer = f"GE.14-24231{' ' * 60}{number}" if number % 2 else f"{number}{' ' * 60}GE.14-24231"
        out.append("\n".join([header, "", *page, "", footer]))
    path = tmp_path / "wrapped.txt"
    path.write_text("\f".join(out), encoding="utf-8")
    report = parse_file(path)
    assert [r.id for r in report.recommendations] == [r.id for r in seed.recommendations]
    assert [r.text for r in report.recommendations] == [r.text for r in seed.recommendations]
    assert [r.recommended_by for r in report.recommendations] == [r.recommended_by for r in seed.recommendations]
    assert [p.text for p in report.paragraphs] == [p.text for p in seed.paragraphs]
