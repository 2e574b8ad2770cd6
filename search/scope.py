"""Match the places, bodies and years a question names against each report's metadata.

"2022年南山区新增了多少家…" should be answered from the Nanshan 2022 report even when
several reports discuss the same thing, so each report gets a scope score in [0, 1].
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunk import SEPARATOR
from index.store import StoredChunk, StoredReport

_UNIT = re.compile(r"(.+?(?:自治区|特别行政区|新区|省|市|县|区|乡|镇|街道|旗|盟|州|村))")
_GENERIC_SUFFIXES = ("人民政府", "管理委员会", "管委会", "政府")
_NOT_PLACES = frozenset({"地区", "城区", "社区", "园区", "片区", "辖区", "全市", "全区", "全县", "全乡", "全镇", "全省",
                         "本市", "本区", "我市", "我区", "我县", "我乡", "我镇", "我省", "各区", "各市", "城市", "农村"})


_ADMIN_SUFFIX = re.compile(r"(?:省|市|区|县|乡|镇|自治区|自治州|街道)$")
PROVINCES = frozenset("""北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南
    四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门""".split())


@dataclass(frozen=True)
class Places:
    own: frozenset[str]      # the report's most specific unit(s), e.g. {"南山区", "南山"}
    parents: frozenset[str]  # the units above it, e.g. {"深圳市", "深圳"}


def report_places(report: StoredReport) -> Places:
    """Place names of the issuing body and title, split into the report's own unit and its parents."""
    body = report.body
    for suffix in _GENERIC_SUFFIXES:
        body = body.removesuffix(suffix)
    units = [u for u in _UNIT.findall(body) if u not in _NOT_PLACES]
    if not units:
        units = [u for u in _UNIT.findall(_title_places(report.title)) if u not in _NOT_PLACES][-1:]
    if not units and body:
        units = [body]  # "国务院", "大鹏新区管委会"-like bodies without a unit suffix
    own, parents = units[-1:], units[:-1]
    return Places(own=frozenset(_with_short_forms(own)), parents=frozenset(_with_short_forms(parents)))


def _title_places(title: str) -> str:
    title = re.sub(r"\d{4}年度?|第.{1,3}届|人民代表大会|政府工作报告|工作报告|关于|的报告|在|上", " ", title)
    return title.split("（")[0]


def _with_short_forms(units: list[str]) -> list[str]:
    out = []
    for unit in units:
        out.append(unit)
        short = re.sub(r"(自治区|特别行政区|新区|省|市|县|区|乡|镇|街道)$", "", unit)
        if len(short) >= 2 and short != unit:
            out.append(short)
    return out


_LEVELS = ((re.compile(r"(?:乡|镇|街道|村)$"), 4), (re.compile(r"(?:县|区|旗)$"), 3),
           (re.compile(r"(?:市|州|盟)$"), 2), (re.compile(r"(?:省|自治区|特别行政区)$"), 1))


def _level(unit: str) -> int:
    return next((level for pattern, level in _LEVELS if pattern.search(unit)), 0)


def _known_levels(places: dict[int, Places]) -> dict[str, int]:
    """Every known place name (short forms too) with its administrative level, 4 = township … 1 = province."""
    levels: dict[str, int] = {}
    for p in places.values():
        for unit in p.own | p.parents:
            level = _level(unit)
            for name in _with_short_forms([unit]):
                levels[name] = max(levels.get(name, 0), level)
    return levels


def mentioned_places(question: str, places: dict[int, Places]) -> set[str]:
    """The most specific known places the question names.

    Longest names win over their substrings, and "深圳市南山区" counts as 南山区: the city only
    frames the district, and some district reports do not name their city at all.
    """
    levels = _known_levels(places)
    names = {n for n in levels if n in question}
    names = {n for n in names if not any(n != m and n in m for m in names)}
    top = max((levels[n] for n in names), default=0)
    return {n for n in names if levels[n] == top or levels[n] == 0}


def place_score(mentioned: set[str], places: Places) -> float:
    if not mentioned:
        return 0.0
    own = sum(1 for n in mentioned if any(n in o or o in n for o in places.own))
    parent = sum(1 for n in mentioned if any(n in p or p in n for p in places.parents))
    return min(1.0, (own + 0.25 * parent) / len(mentioned))


def year_score(years: tuple[int, ...], report_years: tuple[int, ...]) -> float:
    """1 for the report's own year; 0.5 next door, since reports review last year and plan the next."""
    if not years or not report_years:
        return 0.0
    best = 0.0
    for y in years:
        for r in report_years:
            best = max(best, 1.0 if y == r else 0.5 if abs(y - r) == 1 else 0.0)
    return best


def unknown_places(names: list[str], places: dict[int, Places]) -> list[str]:
    """Administrative places the question names that no report in the index belongs to.

    "杭州市2022年GDP是多少" over Shenzhen and Henan reports has no reliable answer, however well
    some passage about GDP matches.
    """
    known = {n for p in places.values() for n in p.own | p.parents}
    unknown = []
    for name in names:
        stem = _ADMIN_SUFFIX.sub("", name)
        # "上市", "城镇", "新区" are tagged as places but are words: a real unit name has a 2+ character stem.
        administrative = (len(stem) >= 2 and stem != name) or stem in PROVINCES
        if administrative and not any(k in name or name in k for k in known):
            unknown.append(name)
    return unknown


def years_covered(years: tuple[int, ...], reports: list[StoredReport]) -> bool:
    """Whether some report could speak of these years: its own, the next (which reviews it) or the
    previous (which plans it). A report whose year is unknown could speak of any."""
    return any(not r.years or any(abs(y - ry) <= 1 for ry in r.years) for y in years for r in reports)


def passage_years(chunk: StoredChunk) -> tuple[int, ...]:
    """The years the passage speaks of: those its section headings name, else its report's.

    A 2022 work report reviews 2021 under "一、2021年工作回顾" and plans 2022 under
    "二、2022年主要工作", so "罗湖区2021年GDP" belongs to the first part, not to the year on the cover.
    """
    headings = chunk.section.split(SEPARATOR)[1:]  # [0] is the report's title
    return named_years(" ".join(headings)) or chunk.report.years


def named_years(text: str) -> tuple[int, ...]:
    """The years the text names in digits ("2021年"), in order of first mention."""
    return tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")
_CN_DIGITS = "〇一二三四五六七八九"


def names_year(text: str, year: int) -> bool:
    """The text names the year in digits or in Chinese numerals ("一九八五年")."""
    return f"{year}年" in text or "".join(_CN_DIGITS[int(d)] for d in str(year)) + "年" in text
