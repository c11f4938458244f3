"""Masking of personal data in complaint texts.

Complaints carry phone numbers, ID numbers, e-mail addresses, licence plates and
names. Anything that writes a text to a log or an export passes it through
:func:`mask_pii` first. The patterns favour masking too much over too little.
"""

from __future__ import annotations

import re

__all__ = ["mask_pii"]

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

# Order matters: the longest digit runs first, so an ID number is not read as a phone number.
# The third field is something a pattern cannot match without (an "@", seven digits in a row, a
# mobile number's first digits, a capital, a role word): a text without it skips the pattern,
# which saves most of the scans, since the log line of every request is masked.
_SEVEN_DIGITS = re.compile(r"\d\d{6}")  # a leading \d lets the search skip to digits; \d{7} tries every position
_PATTERNS: list[tuple[re.Pattern[str], str, re.Pattern[str] | None]] = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]", re.compile("@")),
    (re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)"), "[身份证号]",
     _SEVEN_DIGITS),
    (re.compile(r"(?<!\d)\d{15,18}(?!\d)"), "[号码]", _SEVEN_DIGITS),
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"), "[手机号]", re.compile(r"1[3-9]\d")),
    (re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"), "[固话]", _SEVEN_DIGITS),
    (re.compile(rf"[{_PROVINCES}][A-Z][·・. -]?[A-Z0-9]{{5,6}}(?![A-Za-z0-9])"), "[车牌]", re.compile("[A-Z]")),
    (re.compile(r"(?<!\d)\d{7,8}(?!\d)"), "[号码]", _SEVEN_DIGITS),
    # a name right after an explicit label ("我叫…", "联系人：…")
    (re.compile(r"(我叫|本人姓名|姓名|联系人)([:：是为]?)\s*([\u4e00-\u9fff]{2,3})"), r"\1\2[姓名]", None),
    # a name after a role word, only when it starts with a common surname ("来电人张先生", not "来电人反映")
    (re.compile(rf"(来电人|投诉人|户主|业主|住户|居民)([:：]?)\s*[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}"),
     r"\1\2[姓名]", re.compile("来电人|投诉人|户主|业主|住户|居民")),
    # a surname and one or two characters standing alone ("，王建国，"); written as "a surname not
    # preceded by a Chinese character" after the surname, so that the search can skip to surnames
    (re.compile(rf"[{_SURNAMES}](?<![\u4e00-\u9fff].)[\u4e00-\u9fff]{{1,2}}(?=[,，。:：；;、\s]|$)"), "[姓名]", None),
    (re.compile(rf"[{_SURNAMES}](?=(?:先生|女士|小姐|师傅|阿姨|大爷|老师))"), "某", None),
]


def mask_pii(text: str) -> str:
    """Replace personal data in ``text`` with bracketed placeholders.

    >>> mask_pii("我叫王建国，电话13812345678，身份证430102198507152316")
    '我叫[姓名]，电话[手机号]，身份证[身份证号]'
    >>> mask_pii("车牌湘A·3K527的张先生")
    '车牌[车牌]的某先生'
    """
    present: dict[re.Pattern[str], bool] = {}  # what the text holds, until a pattern changes it
    for pattern, replacement, needs in _PATTERNS:
        if needs is not None:
            if needs not in present:
                present[needs] = needs.search(text) is not None
            if not present[needs]:
                continue
        text, changes = pattern.subn(replacement, text)
        if changes:
            present.clear()
    return text
