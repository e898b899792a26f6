"""Bytes → clean text: encodings, MacRoman mojibake, line endings, PDF text layers.

UN reports reach us in several damaged states. The worst is MacRoman bytes that were decoded
as Latin-1 (or Windows-1252) and saved again as UTF-8: `Kazakhstan’s` becomes `KazakhstanÕs`,
quotes become `Ò…Ó`, dashes `Ð`, bullets `¥`. We detect that damage word by word and undo it
only where the repaired word reads better, so genuine accents (`Côte d'Ivoire`) are never touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from .errors import ReportError

# --- Scoring how plausible a piece of text is -------------------------------------------------

_UPPER_ACCENTED = "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ"
_SUSPICIOUS = [
    # an accented capital inside a lower-case word: `KazakhstanÕs`, `CÙte`
    re.compile(rf"[a-z][{_UPPER_ACCENTED}]"),
    # a closing quote or apostrophe that came out as a capital: `BridgeÓ`, `2050Ó`, `+Ó,`
    re.compile(r"[a-z0-9+%)][ÓÕ](?:\s|[.,;:)]|$)"),
    # an accented capital glued to the start of a word, as MacRoman quotes become: `ÒGreen`
    re.compile(r"(?:^|[\s(\[])[ÒÔ][A-Za-z0-9]"),
    # a dash that came out as a letter between digits or spaces: `1Ð4`, `Strategy Ð 2050`
    re.compile(r"(?:\d|\s)[ÐÑ](?:\d|\s)"),
    # a bullet that came out as a yen sign (a real yen sign is followed by an amount)
    re.compile(r"¥(?!\s?\d)"),
    # C1 control characters never occur in real text
    re.compile(r"[\x80-\x9f]"),
    # MacRoman read as Windows-1252 or Latin-1 for letters: `Ã©`, `â€™` style pairs
    re.compile(r"[ÃÂâ][\x80-\xbf€™œž]"),
    # symbols that only appear when bytes were read in the wrong code page
    re.compile(r"[√∂∆∑∏π∫Ωƒ≈≠≤≥◊ﬁﬂ‡‰]"),
]
_PLAUSIBLE = [
    re.compile(r"[A-Za-z][’'][A-Za-z]"),  # Kazakhstan’s
    re.compile(r"(?:^|\s)[“‘(][A-Za-z0-9]"),  # “Green
    re.compile(r"[A-Za-z0-9.,+%)][”’](?:\s|[.,;:)]|$)"),  # Bridge”, 2050”
    re.compile(r"\d[–—]\d|\s[–—]\s"),  # 1–4, Strategy – 2050
    re.compile(r"(?:^|\s)•(?:\s|$)"),  # • bullets
]


def _score(text: str) -> int:
    """Higher is more plausible: plausible typography counts for, signs of damage against."""
    bad = sum(len(p.findall(text)) for p in _SUSPICIOUS)
    good = sum(len(p.findall(text)) for p in _PLAUSIBLE)
    return good - 3 * bad


def _reverse_mojibake(word: str) -> str | None:
    """The word as it was before MacRoman bytes were read as Latin-1/Windows-1252, if possible."""
    for codec in ("latin-1", "cp1252"):
        try:
            return word.encode(codec).decode("mac_roman")
        except UnicodeError:
            continue
    return None


_WORD = re.compile(r"\S+")  # linear; a pattern anchored on the non-ASCII char backtracks quadratically


def repair_mojibake(text: str) -> str:
    """Undo MacRoman-read-as-Latin-1 damage, word by word, wherever the repair reads better."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.isascii():
            return word
        repaired = _reverse_mojibake(word)
        if repaired is None:
            return word
        # Judge the word with its neighbours: a lone `Ð` is only a dash between spaces.
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        if _score(before + repaired + after) > _score(before + word + after):
            return repaired
        return word

    return _WORD.sub(fix, text)


# --- Bytes to text ------------------------------------------------------------------------------

_LEGACY_CODECS = ("mac_roman", "cp1252")


# Byte-order marks: Windows saves "Unicode" text as UTF-16 with one (UTF-32 before UTF-16: its
# mark begins with UTF-16's).
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode(data: bytes) -> str:
    """Decode a report's bytes: UTF-8 if it is valid, else the legacy code page that reads best."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec in _LEGACY_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_score(text), -_LEGACY_CODECS.index(codec), text))
    if not candidates:  # cp1252 leaves five bytes undefined; latin-1 decodes anything
        return data.decode("latin-1")
    return max(candidates)[2]


_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\t\v"), " ")
# Invisible characters, and the control characters a damaged file can hold (NUL, DEL …); not
# \n, and not \f, which marks a page break.
_INVISIBLE = dict.fromkeys([*map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"),
                            *range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f], None)


def clean_text(text: str) -> str:
    """Normalise a decoded report: repaired mojibake, `\\n` line endings, plain spaces.

    Form feeds are kept: they mark page breaks, which the layout stage uses to find page furniture.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = repair_mojibake(text)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_SPACE_LIKE).translate(_INVISIBLE)
    return text


# --- Files ----------------------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"


def looks_binary(data: bytes) -> bool:
    """Many control characters (NUL bytes among them): an image, an archive, a Word file, not text."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False  # UTF-16 and UTF-32 text is full of NUL bytes
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.01  # a stray NUL in a damaged text is not enough


def pdf_to_text(path: Path) -> str:
    """The text layer of a PDF, as poppler's `pdftotext -layout` extracts it.

    Layout mode keeps line ends and ranges such as `122.62-66` intact, where the raw mode joins
    hyphenated line ends; it is what the UN's recent reports were checked against.
    """
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ReportError(path, "is a PDF, and reading PDFs needs poppler's pdftotext "
                                "(Debian package poppler-utils), which is not installed")
    result = subprocess.run(
        [exe, "-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        timeout=120,
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReportError(path, "is not a readable PDF" + (f" ({detail[-1]})" if detail else ""))
    return result.stdout.decode("utf-8", "replace")


def read_report_text(path: Path) -> str:
    """Read a report file (text in any of the encodings we meet, or a PDF) as clean text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportError(path, "does not exist") from None
    except IsADirectoryError:
        raise ReportError(path, "is a directory, not a report file") from None
    except OSError as error:
        raise ReportError(path, f"cannot be read ({error.strerror})") from None
    if not data.strip():
        raise ReportError(path, "is empty")
    if data.startswith(PDF_MAGIC):
        return clean_text(pdf_to_text(path))
    if looks_binary(data):
        raise ReportError(path, "is a binary file, not the text or PDF of a report")
    return clean_text(decode(data))
