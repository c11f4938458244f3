"""Which encoding a CSV export is in: the strict decodings first, a statistical guess last, then a sanity check.

Exports from 12345 systems are UTF-8 (often with a BOM, as Excel writes it) or GBK. A
statistical guess on a short file is unreliable (a few GBK characters read as Korean
cp949 or a Latin code page), so :func:`detect_encoding` tries the decodings that can
fail first: UTF-8, then GB18030 (the superset of GBK and GB2312), and only guesses when
both fail. :func:`csv_encoding` adds the check that catches a wrong guess: complaints are
Chinese, so a detected encoding under which most non-ASCII letters are not Chinese
characters is refused with an error that says to give ``--encoding``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError

__all__ = ["SAMPLE_BYTES", "chinese_share", "csv_encoding", "detect_encoding"]

SAMPLE_BYTES = 1 << 16
_BOM = codecs.BOM_UTF8
#: Chinese characters and the fullwidth forms Chinese text types (ＡＢＣ１２３): code point ranges.
_CHINESE = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF01, 0xFF5E), (0x20000, 0x323AF))


def _read_sample(path: Path, size: int) -> tuple[bytes, bool]:
    """The first ``size`` bytes of the file and whether they are the whole file."""
    with open(path, "rb") as f:
        sample = f.read(size + 1)
    return sample[:size], len(sample) <= size


def _decodes(sample: bytes, encoding: str, whole: bool) -> bool:
    """Whether ``sample`` decodes strictly; a character cut by the end of a partial sample does not count."""
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path, sample_bytes: int = SAMPLE_BYTES) -> str:
    """``utf-8-sig`` for a BOM, ``utf-8`` or ``gb18030`` when the file's start decodes strictly, else a guess."""
    sample, whole = _read_sample(Path(path), sample_bytes)
    if sample.startswith(_BOM):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):  # GBK files are read as GB18030, so rare characters do not fail
        if _decodes(sample, encoding, whole):
            return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guess = (best.encoding if best else "gb18030").lower()
    # a guess of a Chinese code page for a file GB18030 cannot read: read it strictly, to the line that fails
    return "gb18030" if guess in {"gbk", "gb2312", "gb18030", "cp936", "big5"} else guess


def chinese_share(text: str) -> float | None:
    """The share of Chinese characters among the non-ASCII letters of ``text`` (None when it has none)."""
    letters = chinese = 0
    for ch in text:
        if ch.isascii() or not ch.isalpha():
            continue
        letters += 1
        code = ord(ch)
        chinese += any(low <= code <= high for low, high in _CHINESE)
    return chinese / letters if letters else None


def csv_encoding(path: str | Path, encoding: str | None = None) -> str:
    """The encoding to read a CSV file with: ``encoding`` when given (it must exist), else the detected one.

    A detected encoding under which most of the sample's non-ASCII letters are not Chinese
    characters is an InputError naming ``--encoding``: the guess was wrong or the file is not
    Chinese text, and tagging it would quietly answer ``other`` for every row.
    """
    path = Path(path)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{path}: unknown encoding {encoding!r}") from None
        return encoding
    detected = detect_encoding(path)
    sample, whole = _read_sample(path, SAMPLE_BYTES)
    text = codecs.getincrementaldecoder(detected)("replace").decode(sample, final=whole)
    share = chinese_share(text)
    if share is not None and share < 0.5:
        raise InputError(f"{path}: read as {detected} (detected), most of its letters are not Chinese characters "
                         f"({share:.0%} are); give the file's encoding with --encoding, e.g. --encoding gbk")
    return detected
