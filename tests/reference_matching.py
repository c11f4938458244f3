"""The pattern-by-pattern matching that the one-pass scanner replaced, kept here to compare against.

Nothing in the library uses this: the equivalence tests run the Triager once as it is and once
with these in place (every pattern searched over the whole text, clause breaks found by rfind,
spelling folded by ``re.sub``, quotes traced one character at a time), and compare the answers.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager

from triage.rules import scope
from triage.text import normalize as normalize_module
from triage.text.normalize import Traced, to_simplified
from triage.text.scanner import Scanner
from triage.text.spelling import Spelling, default_spelling

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def fold(self: Spelling, text: str) -> str:
    return self.pattern.sub(self._right_form, text)


def spans(self: Spelling, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), self._right_form(m)) for m in self.pattern.finditer(text)]


def last_break(breaks: str, text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in breaks) + 1


def next_break(breaks: str, text: str, pos: int) -> int:
    found = [i for c in breaks if (i := text.find(c, pos)) >= 0]
    return min(found) if found else len(text)


def trace(original: str) -> Traced:
    chars: list[tuple[str, int]] = []
    for i, c in enumerate(original):
        for out in unicodedata.normalize("NFKC", c):
            if not _CONTROL.match(out):
                chars.append((out, i))
    converted = to_simplified("".join(c for c, _ in chars))
    if len(converted) == len(chars):
        chars = [(c, i) for c, (_, i) in zip(converted, chars, strict=True)]
    else:
        n = max(len(chars), 1)
        chars = [(c, chars[min(k * n // max(len(converted), 1), n - 1)][1]) for k, c in enumerate(converted)]
    kept: list[tuple[str, int]] = []
    for c, i in chars:
        if c.isspace():
            if kept and kept[-1][0] != " ":
                kept.append((" ", i))
        else:
            if (kept and kept[-1][0] == " " and len(kept) > 1 and re.match(f"[{_HAN}]", kept[-2][0])
                    and re.match(f"[{_HAN}]", c)):
                kept.pop()
            kept.append((c, i))
    if kept and kept[-1][0] == " ":
        kept.pop()
    text = "".join(c for c, _ in kept)
    origin = [i for _, i in kept]
    for start, end, right in reversed(spans(default_spelling(), text)):
        span = origin[start:end]
        origin[start:end] = [span[min(k, len(span) - 1)] for k in range(len(right))]
        text = text[:start] + right + text[end:]
    return Traced(original=original, text=text, origin=tuple(origin))


@contextmanager
def pattern_by_pattern(triager, monkeypatch):
    """``triager`` matching as it did before the scanner: every pattern searched on its own."""
    with monkeypatch.context() as m:
        m.setattr(triager, "_scanner", Scanner(()))  # knows no pattern: each is searched as before
        m.setattr(Spelling, "fold", fold)
        m.setattr(Spelling, "spans", spans)
        m.setattr(scope, "_last_break", last_break)
        m.setattr(scope, "_next_break", next_break)
        m.setattr(normalize_module, "trace", trace)
        m.setattr("triage.triager.trace", trace)
        yield triager
