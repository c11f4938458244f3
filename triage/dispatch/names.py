"""Forms of a place name: Chinese and Arabic numerals, 家属院 and its synonyms, a leading 区/街道.

Callers write 三号院 for 3号院, 家属楼 for 家属院, and put the district in front or leave it out.
:func:`variants` gives the forms of one directory name that a text may use, so that matching
stays a plain multi-pattern search over the caller's own characters (offsets need no mapping).

>>> sorted(variants("3号院"))
['3号院', '三号院']
>>> sorted(variants("机务段家属院"))
['机务段家属区', '机务段家属楼', '机务段家属院', '机务段宿舍']
>>> chinese_number("十二"), chinese_number("二十三"), chinese_number("108")
(12, 23, 108)
"""

from __future__ import annotations

import re

__all__ = ["NUMERAL", "arabic_to_chinese", "chinese_number", "strip_prefix", "variants"]

_DIGITS = "零一二三四五六七八九"
_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
#: A number in either script, as a regular expression fragment.
NUMERAL = r"(?:\d{1,4}|[零〇一二两三四五六七八九十百]{1,5})"
_NUMBERED = re.compile(rf"(?<![A-Za-z0-9零〇一二两三四五六七八九十百])({NUMERAL})(?=号|栋|幢|期|单元)")
_STAFF_HOUSING = ("家属院", "家属楼", "家属区", "宿舍")
#: A masked city, district or county in front of a name (A市A3区…), as the hotline's exports write them.
_MASKED_PREFIX = re.compile(r"^(?:[A-Z]\d{0,2}[市区县])+")


def chinese_number(text: str) -> int | None:
    """The value of a number written in Arabic or Chinese digits (up to 9999), or None."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _VALUE and c not in "十百千" for c in text):
        return None
    if all(c in _VALUE for c in text):  # digit by digit: 一零八
        return int("".join(str(_VALUE[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _VALUE:
            current = _VALUE[c]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (current or 1) * unit
            current = 0
    return total + current


def arabic_to_chinese(number: int) -> str:
    """12 -> 十二, 23 -> 二十三, 108 -> 一百零八 (the way callers say house numbers)."""
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        return _DIGITS[number // 10] + "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 1000:
        rest = number % 100
        middle = "" if not rest else ("零" + _DIGITS[rest] if rest < 10 else
                                      _DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else ""))
        return _DIGITS[number // 100] + "百" + middle
    return str(number)


def strip_prefix(name: str, prefixes: tuple[str, ...] = ()) -> str:
    """The name without the leading districts or 街道 among ``prefixes`` (or masked ones such as A3区):
    ``strip_prefix("金水区锦绣花园", ("金水区",))`` is ``锦绣花园``."""
    rest = name[_MASKED_PREFIX.match(name).end():] if _MASKED_PREFIX.match(name) else name
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if prefix and rest.startswith(prefix) and len(rest) - len(prefix) >= 2:
                rest, changed = rest[len(prefix):], True
    return rest if len(rest) >= 2 else name


def _numeral_forms(name: str) -> set[str]:
    found = list(_NUMBERED.finditer(name))
    if not found:
        return {name}
    out = {name}
    for m in reversed(found):  # one swap per number, from the right so positions hold
        value = chinese_number(m.group(1))
        if value is None:
            continue
        other = arabic_to_chinese(value) if m.group(1).isdigit() else str(value)
        out |= {form[:m.start(1)] + other + form[m.end(1):] for form in out if form[m.start(1):m.end(1)] == m.group(1)}
    return out


def variants(name: str, prefixes: tuple[str, ...] = ()) -> set[str]:
    """The forms of a directory name a text may use: numerals in either script, 家属院/家属楼/家属区/宿舍,
    and without a leading district or 街道 (masked, or one of ``prefixes``)."""
    base = {name, strip_prefix(name, prefixes)}
    out: set[str] = set()
    for form in base:
        out |= _numeral_forms(form)
    for form in list(out):
        for word in _STAFF_HOUSING:
            if form.endswith(word):
                out |= {form[: -len(word)] + other for other in _STAFF_HOUSING}
    return {f for f in out if len(f) >= 2}
