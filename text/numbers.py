"""Numbers with their units, in digits and in Chinese numerals: "26起", "1.2万人次", "百分之六点五", "三百一十件"."""
from __future__ import annotations

import re

from text import CHINESE_DIGITS
from text.lexicon import alternation, rows
from text.years import is_year

# Numerals of ordinals: outline headings ("一、", "（十二）", "第二十三条"), sessions ("第八届").
ORDINAL_NUMERALS = CHINESE_DIGITS + "十百两"
# Numerals that start a Chinese-written quantity ("四十五场", "两千千瓦").
_QUANTITY_NUMERALS = CHINESE_DIGITS[2:] + "十百千万两"
_MAGNITUDE = "[万亿千百]"

UNITS = tuple(unit for unit, _ in rows("units"))
QUANTITY_UNITS = tuple(unit for unit, kind in rows("units") if kind != "date")
# "余" between a number and a counted unit: "20余起", "500余人".
_APPROXIMATE = "余(?:次|起|人|个|家|项)"

# A number and its unit as one keyword token ("26起", "2023年", "6.5%").
NUMBER_WITH_UNIT = re.compile(rf"\d+(?:\.\d+)?(?:%|‰|{_MAGNITUDE}?{alternation(UNITS)})?")
# A number phrase an answer can show: a quantity, never part of a name such as "PM2.5" or "G20", nor the middle of
# a longer number.
NUMBER = re.compile(
    rf"(?:(?<![A-Za-z\d.])\d+(?:\.\d+)?|[{_QUANTITY_NUMERALS}][{_QUANTITY_NUMERALS}点]*)\s*"
    rf"(?:%|‰|多?{_MAGNITUDE}?{alternation(QUANTITY_UNITS)}|{_APPROXIMATE})"
    rf"|百分之[{CHINESE_DIGITS}十点几]+"
)


_RATE = re.compile(r"率|%|百分之|‰")


def gives_rate(sentence: str) -> bool:
    """The sentence states a rate or share ("通过率100%", "百分之六点五")."""
    return bool(_RATE.search(sentence))


def quantities(sentence: str) -> list[re.Match[str]]:
    """The number phrases of a sentence that give a quantity (a year such as "2023年" or "一九四九年" is a date, not a
    quantity; "二万五千五百公里" is one)."""
    return [m for m in NUMBER.finditer(sentence) if not is_year(m.group().replace(" ", ""))]


def has_quantity(sentence: str) -> bool:
    return bool(quantities(sentence))
