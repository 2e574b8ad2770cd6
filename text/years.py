"""Years as reports and officials write them: "2023年", "2023年度", "二〇二三年", "23年", "上一年"."""
from __future__ import annotations

import re

import cn2an

from text import CHINESE_DIGITS
from text.lexicon import alternation, words

YEAR = r"(?:19|20)\d{2}"                       # the years reports speak of, in digits
DIGIT_YEAR = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
NOW = "现在|目前|当前"  # the time of the latest report ("冀、豫、陕现在各多少公里")
YEAR_WORD = re.compile(rf"{YEAR}\s*年度?")     # "2023年", "2023 年度"
_NAMED_YEAR = re.compile(rf"(?<!\d)({YEAR})(?=年)")
DATE_LINE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?")  # a line that is only a date ("2024年1月8日")
# This year's report named as where to look ("今年各省的政府工作报告里，去年…"): no year asked of the figure.
# Between 今年 and 报告 only places and joining words, never what is asked ("今年的城镇新增就业目标在报告里": a target).
THIS_YEARS_REPORT = re.compile(r"今年(?:[^，,。？?；;！!\d目计预多几]){0,8}?(?:政府)?(?:工作)?报告(?:里|中|上)?[，,]?")
PREVIOUS_YEAR = re.compile(alternation(words("previous_year_words")))
# The year before named as the one spoken of ("去年居民消费价格…上涨4.8%"), not compared with ("比上年增长").
PREVIOUS_YEAR_NAMED = re.compile(rf"(?<![比较同])(?:{PREVIOUS_YEAR.pattern})")
# A year in Chinese numerals (○, a circle, stands for zero in some scanned-and-typed reports: 一九五○年).
CN_YEAR = f"[一二][{CHINESE_DIGITS}○]{{3}}"
_CHINESE_YEAR = re.compile(f"{CN_YEAR}(?=年)")
_ANY_YEAR = re.compile(f"(?<![\\d{CHINESE_DIGITS}○])({YEAR}|{CN_YEAR})(?=年)")
# "比2019年", "较2020年", "超过2019年同期", "与2019年相比", "是2022年的9倍", "等于一九四九年的二点六倍"
_CHINESE_YEAR_WORD = re.compile(f"{CN_YEAR}年度?")
_COMPARED_BEFORE = re.compile("(?:比|较|超过|超|高于|低于|等于|相当于|恢复到|回到|与|同)$")
_RANGE_JOIN = re.compile("[到至—\\-－~～]")
_COMPARED_AFTER = re.compile("年(?:同期|水平|的[^，。；]{0,8}?倍|相比|以前|前)")
# "盐田港14年集装箱吞吐量", "21年那份报告": two-digit years as people type them; not "连续14年", "近10年来".
_SHORT_YEAR = re.compile(r"(?<![\d.])(?<!连续)(?<!近)(?<!第)(?<!过去)(?<!最近)(?<!这)(?<!用)(?<!历时)"
                         r"(\d{2})(?=年(?!代|来|间|前|后|内|时|左右|以上|以下|多))")


# "2020年以来的国务院报告里", "2024年及以后的报告": reports from a year on; "近三年的报告": the newest N years'.
_SINCE = re.compile(rf"({YEAR})\s*年(?:以来|及以后|之后|以后|起)")
_RECENT = re.compile(r"近([2-9]|[二两三四五六七八九十])年")


def years_from(text: str, newest: int) -> int | None:
    """The first year of the reports a request narrows to by words ("2020年以来" 2020; "近三年" with 2026 the newest
    report year: 2024), or None."""
    if found := _SINCE.search(text):
        return int(found.group(1))
    if found := _RECENT.search(text):
        count = found.group(1)
        return newest - (int(count) if count.isdigit() else cn2an.cn2an(count.replace("两", "二"), "normal")) + 1
    return None


def is_year(phrase: str) -> bool:
    """The phrase is a year and nothing else: "2023年", "2023年度", "一九四九年"."""
    return bool(YEAR_WORD.fullmatch(phrase) or _CHINESE_YEAR_WORD.fullmatch(phrase))


def years_in(text: str) -> tuple[int, ...]:
    """Every year written in digits, with or without 年, in order of first mention."""
    return tuple(dict.fromkeys(int(y) for y in DIGIT_YEAR.findall(text)))


_YEAR_RANGE = re.compile(rf"(?<!\d)({YEAR})\s*年?\s*[—\-－~～至到]\s*({YEAR})(?=\s*年)")


# A five-year plan's period, "“十四五”": quoted by convention, it says when, not which words a passage must hold.
PLAN_PERIOD = re.compile("(?:十[一二三四五]|[六七八九])五")


def plan_end_year(period: str) -> int:
    """The last year of a five-year plan named by its number ("十四五" → 2025, "十三五" → 2020): from the sixth
    (1981–1985) on, the n-th ends in 1955 + 5n."""
    return 1955 + 5 * int(cn2an.cn2an(period[:-1], "normal"))


def asked_years(text: str) -> tuple[int, ...]:
    """The years a question names, a span spelt out ("2003到2007年…一共": 2003 to 2007), in order."""
    return tuple(dict.fromkeys([*years_in(text), *_in_spans(text)]))


def _in_spans(text: str) -> list[int]:
    return [y for a, b in _YEAR_RANGE.findall(text) for y in range(int(a), int(b) + 1)]


def names_span(text: str) -> bool:
    """The text names a span of years ("1998到2002年")."""
    return bool(_YEAR_RANGE.search(text))


def spanned_years(text: str) -> tuple[int, ...]:
    """The years the text names, ranges spelt out: "过去五年（2018—2022年）" is 2018 to 2022. ("2021年以来工作回顾"
    stays 2021: it reviews that year, though it was written early in the next.)"""
    return tuple(sorted({*named_years(text), *_in_spans(text)}))


def last_named_year(text: str) -> int | None:
    """The last year the text names in digits followed by 年: "实现辖区税收1981亿元" names none."""
    years = _NAMED_YEAR.findall(text)
    return int(years[-1]) if years else None


def named_years(text: str) -> tuple[int, ...]:
    """The years the text names in digits followed by 年 ("2021年"), in order of first mention."""
    return tuple(dict.fromkeys(int(y) for y in _NAMED_YEAR.findall(text)))


def subject_years(text: str) -> tuple[int, ...]:
    """The years a sentence speaks of, in digits or Chinese numerals ("2021年", "一九五四年"), in order of first
    mention, leaving out years named only to compare with ("是2022年的9倍", "超过2019年同期水平",
    "等于一九四九年的二点六倍"): those say which year a figure is measured against, not which year it is."""
    years, compared_end = [], -1
    for m in _ANY_YEAR.finditer(text):
        # "相当于1950年到1997年…的总和": the end of a compared span is compared too.
        joined = compared_end >= 0 and _RANGE_JOIN.fullmatch(text, compared_end, m.start())
        if joined or _COMPARED_BEFORE.search(text, max(0, m.start() - 4), m.start()) \
                or _COMPARED_AFTER.match(text, m.end()):
            compared_end = m.end() + 1
        else:
            compared_end = -1
            years.append(year_value(m.group(1)))
    return tuple(dict.fromkeys(years))


def names_year(text: str, year: int) -> bool:
    """The text speaks of the year (not only compares with it), in digits or in Chinese numerals."""
    return year in subject_years(text)


def year_value(written: str) -> int:
    """"2023" or "二〇二三" (○ for 〇 too) as 2023."""
    return int(written) if written.isdigit() else int(cn2an.cn2an(written.replace("○", "〇"), "direct"))


def strip_years(text: str) -> str:
    """The text with its years ("2014年", "2014年度", a bare "2014") blanked out."""
    return DIGIT_YEAR.sub(" ", YEAR_WORD.sub(" ", text))


def spell_years(text: str) -> str:
    """Years as people type them, in the digits reports use: "二〇二三年" → "2023年", "14年" → "2014年"."""
    text = _CHINESE_YEAR.sub(lambda m: str(year_value(m.group())), text)
    return _SHORT_YEAR.sub(_full_year, text)


def _full_year(match: re.Match[str]) -> str:
    two = int(match.group(1))
    return f"20{two:02d}" if two <= 39 else f"19{two}" if two >= 50 else match.group(1)
