"""Match the places, bodies and years a question names against each report's metadata.

"2022年南山区新增了多少家…" should be answered from the Nanshan 2022 report even when
several reports discuss the same thing, so each report gets a scope score in [0, 1].
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.chunk import SEPARATOR
from index.read import WORK_REPORT
from index.store import StoredChunk, StoredReport
from text.gazetteer import Division, gazetteer
from text.question import FRAME
from text.places import LEVEL_NAMES, NATIONAL_BODIES, NATIONAL_LEVEL, asks_national, is_division, level, short_forms, strip_body_suffix, units
from text.tense import years_reviewed
from text.years import YEAR_WORD, spanned_years

COUNTRY = "全国"  # the place a question about the whole country names


@dataclass(frozen=True)
class Places:
    own: frozenset[str]      # the report's own division, full and short names, e.g. {"南山区", "南山"}
    parents: frozenset[str]  # every division above it, e.g. {"广东省", "广东", "深圳市", "深圳"}
    chain: tuple[str, ...] = ()               # province › … › own, e.g. ("广东省", "深圳市", "南山区")
    levels: tuple[tuple[str, int], ...] = ()  # each name's level, 1 province … 4 township
    above: frozenset[str] = frozenset()       # the division right above it, e.g. {"深圳市", "深圳"}

    @property
    def level(self) -> int | None:
        """The level of the report's own division (4 for 张店乡); None for a body with no division (国务院)."""
        return dict(self.levels).get(self.chain[-1]) if self.chain else None


def report_places(report: StoredReport, text: Callable[[], str] = str) -> Places:
    """The report's own division and the ones above it, from its issuing body (else its title), resolved to a
    full chain in the gazetteer: 鲁山县张店乡人民政府 → 河南省 › 平顶山市 › 鲁山县 › 张店乡, so a question naming
    平顶山市 or 河南 finds it. Where the body alone is ambiguous (南山区) or unknown to the gazetteer (大鹏新区管委会),
    the report's `text` places it (Gazetteer.resolve_in); failing that it keeps the chain of what is known."""
    body = strip_body_suffix(report.body)
    found = units(body) or units(_title_places(report.title))[-1:]
    if not found:
        return Places(own=frozenset([body] if body else []), parents=frozenset())  # "国务院": no division suffix
    chain = _chain(found, text)
    divisions = [gazetteer().resolve(list(chain[:i + 1])) for i in range(len(chain))]
    names = [_names(name, d) for name, d in zip(chain, divisions)]
    levels = tuple((n, d.level if d else level(name)) for name, d, group in zip(chain, divisions, names) for n in group)
    return Places(own=frozenset(names[-1]), parents=frozenset(n for group in names[:-1] for n in group),
                  chain=chain, levels=levels, above=frozenset(names[-2] if len(names) > 1 else ()))


def _chain(found: list[str], text: Callable[[], str]) -> tuple[str, ...]:
    places = gazetteer()
    if division := places.resolve(found) or places.resolve_in(found, text()):
        return division.chain
    if len(found) > 1 and (parent := places.resolve(found[:-1])):
        return (*parent.chain, found[-1])
    return tuple(found)


def _names(name: str, division: Division | None) -> list[str]:
    """A division's full name, its short form without the suffix, and the gazetteer's short form ("广西")."""
    return list(dict.fromkeys([*short_forms([name]), *([division.short] if division and division.short else [])]))


def _title_places(title: str) -> str:
    title = re.sub(r"第.{1,3}届|人民代表大会|政府工作报告|工作报告|关于|的报告|在|上", " ", YEAR_WORD.sub(" ", title))
    return title.split("（")[0]


def _known_levels(places: dict[int, Places]) -> dict[str, int]:
    """Every known place name (short forms too) with its administrative level, 4 = township … 1 = province."""
    levels: dict[str, int] = {}
    for p in places.values():
        for name, lvl in p.levels or [(n, level(n)) for n in p.own | p.parents]:
            levels[name] = max(levels.get(name, 0), lvl)
    return levels


def mentioned_places(question: str, places: dict[int, Places], named: list[str] = ()) -> set[str]:
    """The most specific places the question names that some report is of, above or below.

    Longest names win over their substrings, and "深圳市南山区" counts as 南山区: the city only frames the
    district, and some district reports do not name their city at all. `named` are the gazetteer's divisions in
    the question: one below a report's own ("呼和浩特市" under the 内蒙古 report) counts too.
    """
    if asks_national(question):  # "全国2025年…": the country's reports, whatever else the question names
        return {n for p in places.values() for n in p.own if n in NATIONAL_BODIES} or {COUNTRY}
    levels = _known_levels(places)
    for name in named:
        if name not in levels and any(_below(name, p) for p in places.values()):
            levels[name] = max(d.level for d in gazetteer().lookup(name))
    names = {n for n in levels if n in question}
    names = {n for n in names if not any(n != m and n in m for m in names)}
    top = max((levels[n] for n in names), default=0)
    return {n for n in names if levels[n] == top or levels[n] == 0}


def place_score(mentioned: set[str], places: Places, parent: float) -> float:
    """1 when the report is the place named; `parent` for each name that is only a division above or below it
    ("深圳" for the 南山区 report; "呼和浩特市" for the 内蒙古 report)."""
    if not mentioned:
        return 0.0
    own, related = place_match(mentioned, places)
    return min(1.0, (own + parent * related) / len(mentioned))


def level_label(places: Places) -> str:
    """"乡镇级" for 张店乡's report, "县级" for a district's, "国家级" for the State Council's; "" when unknown."""
    if places.own & NATIONAL_BODIES:
        return NATIONAL_LEVEL
    return LEVEL_NAMES.get(places.level or 0, "")


def level_scores(level: int, places: dict[int, Places]) -> dict[int, float]:
    """Per report: 1 when its division is of the level the asker's own is ("乡里…": the townships' reports), else 0;
    empty when no report is of that level, since then the question is not narrowed."""
    scores = {rid: float(p.level == level) for rid, p in places.items()}
    return scores if any(scores.values()) else {}


def place_match(mentioned: set[str], places: Places) -> tuple[int, int]:
    """How many of the names are the report's own division, and how many only a division above or below it."""
    own = sum(1 for n in mentioned if any(n in o or o in n for o in places.own))
    related = sum(1 for n in mentioned if any(n in p or p in n for p in places.parents) or _below(n, places))
    return own, related


def _below(name: str, places: Places) -> bool:
    """The name is a division right below the report's own ("粤海街道" for the 南山区 report, "呼和浩特市" for
    the 内蒙古 report), which the report may speak of; a street is too far below a province's report."""
    return bool(places.chain) and any(d.chain[:-1] == places.chain for d in gazetteer().lookup(name))


def year_score(years: tuple[int, ...] | list[int], report_years: tuple[int, ...], adjacent: float) -> float:
    """1 for the report's own year; `adjacent` next door, since reports review last year and plan the next."""
    if not years or not report_years:
        return 0.0
    best = 0.0
    for y in years:
        for r in report_years:
            best = max(best, 1.0 if y == r else adjacent if abs(y - r) == 1 else 0.0)
    return best


def unknown_places(named: list[str], tagged: list[str], places: dict[int, Places],
                   mentioned: set[str] = frozenset(), question: str = "") -> list[str]:
    """Divisions the question names that no report in the index is of, above or below ("白沙街道", "杭州市").

    The country asked about with no national report in the library is one too. `named` are the gazetteer's
    divisions found in the question; `tagged` are other words jieba tags as places,
    which count when they end like a division (a village, a district the gazetteer lacks). A division below a
    report's own, right below it ("粤海街道" for the 南山区 report), is covered: that report may speak of it.
    "杭州市2022年GDP是多少" over Shenzhen and Henan reports has no reliable answer, however well some passage about
    GDP matches.
    """
    known = {n for p in places.values() for n in p.own | p.parents}
    unknown = [COUNTRY] if mentioned == {COUNTRY} else []
    named = [n for n in named if not _within_frame(n, question)]
    tagged = [n for n in tagged if not _within_frame(n, question)]
    for name in named:
        if name not in known and not any(_below(name, p) for p in places.values()):
            unknown.append(name)
    for stem in tagged:
        full = gazetteer().completed(stem, question) if not is_division(stem) else None
        if full and full not in known and full not in named and not any(_below(full, p) for p in places.values()):
            unknown.append(full)
    for name in tagged:
        if is_division(name) and not any(k in name or name in k for k in known) \
                and not any(name in n or n in name for n in named):
            unknown.append(name)
    return unknown


def _within_frame(name: str, question: str) -> bool:
    """Each mention of the name starts inside words that frame the question ("报告中城镇新增就业": 中城镇 is a town's
    name, but 中 is of "报告中")."""
    frames = [m.span() for m in FRAME.finditer(question)]
    at = [m.start() for m in re.finditer(re.escape(name), question)]
    return bool(at) and all(any(a < i < b for a, b in frames) for i in at)


def years_covered(years: tuple[int, ...], reports: list[StoredReport]) -> bool:
    """Whether some report could speak of these years: its own, the next (which reviews it) or the
    previous (which plans it). A report whose year is unknown could speak of any."""
    return any(not r.years or any(abs(y - ry) <= 1 for ry in r.years) for y in years for r in reports)


THIS_YEAR = "今年"  # in a heading, the report's own year


def heading_years(chunk: StoredChunk) -> tuple[int, ...]:
    """The years the passage's section headings name ("一、2021年工作回顾"), if any. The report's title, and a
    heading that repeats it ("2003年政府工作报告" above "一、过去五年政府工作的回顾"), name the report's year,
    not what the section is about."""
    headings = chunk.section.split(SEPARATOR)[1:]  # [0] is the report's title
    named = spanned_years(" ".join(h for h in headings if not h.strip().endswith("报告")))
    if not named and chunk.report.genre == WORK_REPORT and chunk.report.years:  # "一、过去五年工作回顾"
        named = next((y for h in headings if (y := years_reviewed(h, max(chunk.report.years)))), ())
    # "一、2019年和今年以来工作回顾" in the 2020 report reviews 2020 so far too
    this_year = chunk.report.years if named and any(THIS_YEAR in h for h in headings) else ()
    return tuple(dict.fromkeys([*named, *this_year]))


def passage_years(chunk: StoredChunk) -> tuple[int, ...]:
    """The years the passage speaks of: those its section headings name, else its report's.

    A 2022 work report reviews 2021 under "一、2021年工作回顾" and plans 2022 under
    "二、2022年主要工作", so "罗湖区2021年GDP" belongs to the first part, not to the year on the cover.
    """
    return heading_years(chunk) or chunk.report.years
