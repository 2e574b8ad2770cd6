"""Match the places, bodies and years a question names against each report's metadata.

"2022年南山区新增了多少家…" should be answered from the Nanshan 2022 report even when
several reports discuss the same thing, so each report gets a scope score in [0, 1].
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunk import SEPARATOR
from index.store import StoredChunk, StoredReport
from text.places import is_division, level, short_forms, strip_body_suffix, units
from text.years import YEAR_WORD, named_years


@dataclass(frozen=True)
class Places:
    own: frozenset[str]      # the report's most specific unit(s), e.g. {"南山区", "南山"}
    parents: frozenset[str]  # the units above it, e.g. {"深圳市", "深圳"}


def report_places(report: StoredReport) -> Places:
    """Place names of the issuing body and title, split into the report's own unit and its parents."""
    body = strip_body_suffix(report.body)
    found = units(body)
    if not found:
        found = units(_title_places(report.title))[-1:]
    if not found and body:
        found = [body]  # "国务院", "大鹏新区管委会"-like bodies without a unit suffix
    own, parents = found[-1:], found[:-1]
    return Places(own=frozenset(short_forms(own)), parents=frozenset(short_forms(parents)))


def _title_places(title: str) -> str:
    title = re.sub(r"第.{1,3}届|人民代表大会|政府工作报告|工作报告|关于|的报告|在|上", " ", YEAR_WORD.sub(" ", title))
    return title.split("（")[0]


def _known_levels(places: dict[int, Places]) -> dict[str, int]:
    """Every known place name (short forms too) with its administrative level, 4 = township … 1 = province."""
    levels: dict[str, int] = {}
    for p in places.values():
        for unit in p.own | p.parents:
            for name in short_forms([unit]):
                levels[name] = max(levels.get(name, 0), level(unit))
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


def place_score(mentioned: set[str], places: Places, parent: float) -> float:
    """1 when the report is the place named; `parent` for each name that is only its parent ("深圳" for 南山区)."""
    if not mentioned:
        return 0.0
    own = sum(1 for n in mentioned if any(n in o or o in n for o in places.own))
    parents = sum(1 for n in mentioned if any(n in p or p in n for p in places.parents))
    return min(1.0, (own + parent * parents) / len(mentioned))


def year_score(years: tuple[int, ...] | list[int], report_years: tuple[int, ...], adjacent: float) -> float:
    """1 for the report's own year; `adjacent` next door, since reports review last year and plan the next."""
    if not years or not report_years:
        return 0.0
    best = 0.0
    for y in years:
        for r in report_years:
            best = max(best, 1.0 if y == r else adjacent if abs(y - r) == 1 else 0.0)
    return best


def unknown_places(names: list[str], places: dict[int, Places]) -> list[str]:
    """Administrative places the question names that no report in the index belongs to.

    "杭州市2022年GDP是多少" over Shenzhen and Henan reports has no reliable answer, however well
    some passage about GDP matches.
    """
    known = {n for p in places.values() for n in p.own | p.parents}
    unknown = []
    for name in names:
        if is_division(name) and not any(k in name or name in k for k in known):
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
