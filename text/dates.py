"""A report's date: when it was signed (成文日期, the short last line "2024年1月15日" under the issuing body) or,
failing that, the meeting it was given at ("——2026年1月26日在河南省第十四届人民代表大会第四次会议上")."""
from __future__ import annotations

import re
from datetime import date

import cn2an

from text import CHINESE_DIGITS
from text.years import CN_YEAR, YEAR, year_value

_NUMERAL = f"[{CHINESE_DIGITS}○零十]"
_DATE = re.compile(rf"({YEAR}|{CN_YEAR})\s*年\s*(\d{{1,2}}|{_NUMERAL}{{1,2}}|元)\s*月"
                   rf"\s*(\d{{1,2}}|{_NUMERAL}{{1,3}})\s*日")
_SIGNATURE_LINES = 4   # the date line sits in the last few lines, under the body's name
_SIGNATURE_CHARS = 30  # …and is short: a date inside a closing sentence is not the signing date
_HEAD_LINES = 4        # the meeting date is in the title or the line under it
_MEETING = re.compile("会议|大会")  # "…日在…人民代表大会第四次会议上": a date in a first line only then


def report_date(text: str) -> date | None:
    """The signing date from the last lines (a line that is only a date first: "注：数据截至2023年11月30日" under
    the signature is a note), else the meeting date from the first lines; None when neither."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    last = lines[1:][-_SIGNATURE_LINES:]  # never the title line, which a short text also ends near
    for candidates in ([line for line in last if _only_date(line)], [line for line in last if len(line) <= _SIGNATURE_CHARS]):
        for line in reversed(candidates):
            if found := _dates(line):
                return found[-1]
    for line in lines[:_HEAD_LINES]:
        if (_only_date(line) or _MEETING.search(line)) and (found := _dates(line)):
            return found[0]
    return None


def _only_date(line: str) -> bool:
    return bool(_DATE.fullmatch(line.strip("（）() ")))


def _dates(line: str) -> list[date]:
    out = []
    for m in _DATE.finditer(line):
        try:
            year, month, day = m.groups()
            out.append(date(year_value(year), _number(month), _number(day)))
        except ValueError:  # 2月30日, or numerals cn2an cannot read
            continue
    return out


def _number(written: str) -> int:
    if written == "元":  # 元月: January
        return 1
    return int(written) if written.isdigit() else int(cn2an.cn2an(written.replace("○", "〇"), "smart"))
