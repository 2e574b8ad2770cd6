"""Results vs plans. Reports hold last year's results and this year's plans, often with the same words and numbers;
questions, section headings and sentences each say which one they mean (word lists: data/tense_words.tsv)."""
from __future__ import annotations

import re

from text import CLAUSE_MARKS, IN_CLAUSE, REFUSAL, REFUSED_AFTER
from text.lexicon import alternation, rows
from text.sentences import sentences
from text.years import THIS_YEARS_REPORT, YEAR

DONE, PLAN, UNKNOWN = 1, -1, 0


def _words(where: str, tense: str) -> tuple[str, ...]:
    return tuple(word for word, at, marks in rows("tense_words") if at == where and marks == tense)


PLAN_QUESTION = re.compile(alternation(_words("question", "plan")))
DONE_QUESTION = re.compile(alternation(_words("question", "done")))
RESULT_QUESTION = re.compile(alternation(_words("question", "result")))
# "今年煤炭产量要稳在多少", "今年中欧班列计划开行多少班": the year ahead's target, which a result does not answer.
# Plan words alone are too loose for that ("预期寿命", "珠峰英才计划", "安排的民生实事": 5 right answers flagged).
# So does a figure asked of a plan or target itself ("年度目标是多少个", "年度计划是搞多少次").
TARGET_NOUNS = ("计划", "目标", "指标")
TARGET_QUESTION = re.compile(r"(?:今年|明年)[^，,。？?]{0,12}?(?:计划|要|力争|打算|目标)"
                             rf"|{alternation(TARGET_NOUNS)}(?:是|为|定为|定的是|定了)?[^，,。？?\d]{{0,2}}?(?:多少|几)")
# "标准提到多少了", "基础养老金涨到每月多少": a level set, which a plan states as well as a result.
_RAISED_TO = re.compile(r"(?:提|涨|提高|提升|上调)(?:到|至)了?(?:每\w{1,2})?(?:多少|几)\w?了?")
_PLAN_SECTION = re.compile(alternation(_words("section", "plan")))
_DONE_SECTION = re.compile(alternation(_words("section", "done")))
_PLAN_SENTENCE = re.compile(alternation(_words("sentence", "plan")))
_REVIEW_SENTENCE = re.compile(alternation(_words("sentence", "review")))
_TARGET_SENTENCE = re.compile(alternation(_words("sentence", "target")))
# "一、2014年工作回顾" reviews 2014; "二、2015年工作安排" plans 2015.
REVIEWED_YEAR = re.compile(rf"({YEAR})年{alternation(_words('year-heading', 'done'))}")
PLANNED_YEAR = re.compile(rf"({YEAR})年(?:的)?{alternation(_words('year-heading', 'plan'))}")


def heading_tense(labels: list[str]) -> int:
    """Whether the innermost heading that says so names a review of results (DONE) or a work plan (PLAN)."""
    for label in reversed(labels):
        done, plan = bool(_DONE_SECTION.search(label)), bool(_PLAN_SECTION.search(label))
        if done != plan:
            return DONE if done else PLAN
    return UNKNOWN


def sentence_tense(sentence: str, section: int, lead: str = "") -> int:
    """A sentence's tense: a target stated outright is a plan anywhere, and so is an item of a list of targets
    (`lead`: "主要预期目标是：…；" before "粮食产量超过840亿斤；"); otherwise its section's, else PLAN when it
    reads as an intention ("将…", "加快…")."""
    if states_target(sentence) or states_target(lead):
        return PLAN
    if section:
        return section
    return PLAN if states_plan(sentence) else DONE if _REVIEW_SENTENCE.search(sentence) else UNKNOWN


def without_level_raised(question: str) -> tuple[str, bool]:
    """The question without the words asking a level raised to, and whether it had any: such a level is set by a
    plan as much as reached by a result, so those words say no tense."""
    left = _RAISED_TO.sub(" ", question)
    return left, left != question


# Plan words that ask no plan: a target refused ("只要去年的实绩，不要今年的目标", "要实际值，不是目标") and this
# year's report named as where to look ("今年各省的政府工作报告里，去年…实际完成了多少"). Read as asking one, they
# took five reports' 2026 targets for their 2025 results (compare_blind22 V703, V709).
# "是不是计划…" asks; "（不含计划单列市）" names cities (review of 8c0626f). Refused after it too: "规划目标不算"
# (compare_blind35 F921 was read as asking four reports' targets and built no table).
_TARGET_WORD = r"(?:目标|计划(?!单列)|预期)(?:值|数)?"
_REFUSED_TARGET = re.compile(rf"{REFUSAL}{IN_CLAUSE}{{0,6}}?{_TARGET_WORD}"
                             rf"|(?:规划|年度|今年的?)?{_TARGET_WORD}的?{REFUSED_AFTER}")


# "不要总装机规模", "报告里只给增速的标一下没有": what the question refuses, up to the clause's end or a new request
# ("不要总量要增速"). 不含 inside a clause is part of the thing asked ("不含房地产的固定资产投资"); a refusal only
# at a clause's start cost 4 of compare_blind31's cells.
# Refused after it too, a clause of its own: "只要增加值绝对额，占GDP比重、产值都不算" (compare_blind37 M901).
_REFUSED_CLAUSE = re.compile(rf"(?:(?:^|(?<=[{CLAUSE_MARKS}]))\s*不含|(?!不含){REFUSAL})"
                             rf"{IN_CLAUSE}*?(?=而是|只要|要(?!求)|就(?!业)|[{CLAUSE_MARKS}]|$)"
                             rf"|(?:^|(?<=[{CLAUSE_MARKS}])){IN_CLAUSE}{{1,20}}?[都也]?{REFUSED_AFTER}"
                             rf"(?=[{CLAUSE_MARKS}]|$)")


def without_refused_things(question: str) -> str:
    """The question without the things it refuses other than a target (which tells the tense it asks): searched
    with "不要总装机规模", 陕西's "电力总装机1.27亿千瓦" outranked its "新增可再生能源装机800万千瓦" (compare_blind35
    F910)."""
    return _REFUSED_CLAUSE.sub(lambda m: m.group() if _REFUSED_TARGET.search(m.group()) else "", question)


def refuses_target(question: str) -> bool:
    """The question says a target is not what it asks ("不要今年的目标")."""
    return bool(_REFUSED_TARGET.search(question))


# "只要完成数", "只要已利用的": 只要 says which figure is wanted; its 要完成 is no plan (compare_blind35 F917 asked
# four districts for their 2014 targets).
_ONLY_WANTED = re.compile(f"只要(?!{IN_CLAUSE}*就)")  # not "只要完成…就能达标", a condition


def without_plan_unasked(question: str, report_named: bool = True) -> str:
    """The question without the plan words that ask no plan: a target refused, 只要 naming what is wanted, and
    (`report_named`) this year's report named as where to look; for telling the tense it asks."""
    question = _ONLY_WANTED.sub("只 ", _REFUSED_TARGET.sub(" ", question))
    return THIS_YEARS_REPORT.sub(" ", question) if report_named else question


def names_target(text: str) -> bool:
    """The text speaks of a target, met or set ("完成…1250亿元的目标")."""
    return "目标" in text


def states_target(text: str) -> bool:
    """The text states a target outright ("主要预期目标是", "力争")."""
    return bool(_TARGET_SENTENCE.search(text))


def introduces_targets(before: str) -> bool:
    """The text before an item, from its sentence's start, names what follows its last colon as targets ("今年经济社会
    发展主要预期目标是：生产总值增长5%左右；…"): the items after it are targets, whatever their own words."""
    sentence = re.split("[。！？!?]", before)[-1]
    colon = max(sentence.rfind("："), sentence.rfind(":"))
    return colon >= 0 and states_target(sentence[:colon])


def states_plan(sentence: str) -> bool:
    """The sentence states an intention ("力争…", "将…") rather than a result; "今年以来" reviews the year so far."""
    return bool(_PLAN_SENTENCE.search(_REVIEW_SENTENCE.sub("", sentence)))


# Openers are read at the start of a sentence, after an address or a dash ("各位代表！五年来…", "——这五年…").
ADDRESS = "各位代表[！!，,：:]"  # the speaker turns to the delegates: a transition, not the matter of a section
_LEAD = re.compile(rf"[\s—\-－]*(?:{ADDRESS}\s*)?")
_PERIOD_OPENER = re.compile(alternation(_words("opener", "period")))
_YEAR_OPENER = re.compile(rf"{alternation(_words('opener', 'year'))}|{YEAR}年(?:是|，|极不平凡|很不平凡|极不寻常)")
_TOP_HEADING = re.compile(r"[一二三四五六七八九十]+、")
_LEVEL_REACHED = re.compile(alternation(_words("figure", "level")))
# A rate stated as it stands ("常住人口城镇化率60%", "城镇化率达76.2%"); not a growth rate ("增长率7%"), which a review
# of several years gives as their average.
# A share likewise ("研发投入占地区生产总值比重达4.93%", "优良天数比例达97.0%": 深圳's 2020 in its review of
# "十三五", lists_blind C024, compare_blind7 D024).
# "港口集装箱吞吐量达2655万标箱", "居民人均可支配收入达6.49万元，五年年均增长7.8%": 深圳's 2020 level in its review of
# "十三五" (lists_blind C025, compare_blind18 T421).
_REACHED_FIGURE = re.compile(r"(?<!增长)(?<!增幅)(?<!增速)(?<!下降)达\s*[约近超]?\s*\d")  # not "增长达15%"
_RATE_LEVEL = re.compile(r"(?:(?<!增长)(?<!增)率|比重|比例|占比)(?:达到?|为|是)?\s*\d+(?:\.\d+)?\s*[%％]")
_PERIOD_TOTAL = re.compile(alternation(_words("figure", "total") + _words("figure", "accumulated")))
_ACCUMULATED = re.compile(alternation(_words("figure", "accumulated")))
_AVERAGE = re.compile(alternation(_words("figure", "average")))
_MEAN_LEVEL = re.compile(alternation(_words("figure", "mean_level")))


def years_reviewed(heading: str, report_year: int) -> tuple[int, ...]:
    """The years a heading opening a review of several years covers ("过去五年工作回顾" in the 2008 report: 2003 to
    2007); none where it opens no such review (a plan period such as "“十四五”时期" names no years back)."""
    m = _PERIOD_OPENER.search(heading)
    if not m or "年" not in m.group():
        return ()
    span = 10 if "十" in m.group() else 5
    return tuple(range(report_year - span, report_year))


def asks_period(question: str) -> bool:
    """The question asks about a review of several years ("河南这五年高标准农田一共建了多少亩"), whose figures stand
    in the report's period review, not in one year's."""
    return bool(_PERIOD_OPENER.search(question))


def period_reviews(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of a report that review several years at once: from a sentence opening such a review ("过去五年…",
    "“十四五”时期是…") to the next one opening a review of one year ("过去一年…", "刚刚过去的2025年…") or the next
    top-level heading. "每年城镇新增就业40万人以上" there is the five years' figure, not 2025's."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for a, b in sentences(text):
        head = text[a:b][_LEAD.match(text[a:b]).end():]
        if start is not None and (_YEAR_OPENER.match(head) or _opens_line(text, a) and _TOP_HEADING.match(head)):
            spans.append((start, a))
            start = None
        if start is None and _PERIOD_OPENER.match(head):
            start = a
    if start is not None:
        spans.append((start, len(text)))
    return tuple(spans)


def states_level_reached(sentence: str) -> bool:
    """Inside a review of several years, the sentence gives the level reached at its end (the last year's
    figure: "人口自然增长率降到6.45‰", "常住人口城镇化率60%"), not a total or average over the years ("每年城镇新增就业
    40万人以上")."""
    return bool(_LEVEL_REACHED.search(sentence) or _RATE_LEVEL.search(sentence) or _REACHED_FIGURE.search(sentence)) \
        and not _PERIOD_TOTAL.search(sentence)


# "深圳全市到2020年底建成了多少个5G基站": the level at a year's end, which a review of the years up to it gives.
_LEVEL_AT = re.compile(r"(?:到|截至|截止)\s*\d{4}\s*年\s*(?:底|末)")


def asks_level_at_year_end(question: str) -> bool:
    """The question asks the level reached by the end of a year, not that year's own figure."""
    return bool(_LEVEL_AT.search(question))


def states_average(text: str) -> bool:
    """The text gives or asks a yearly average over several years ("年均增长", "平均每年"), not a year's mean
    ("PM2.5年均浓度": compare_blind13 X012, three rows left out)."""
    return bool(_AVERAGE.search(_MEAN_LEVEL.sub(" ", text)))


def states_period_total(text: str, accumulated: bool = True) -> bool:
    """The text gives or asks a total or an average over several years ("累计", "年均增长6.5%", "每年"); not by
    "累计" alone unless `accumulated` (outside a review of several years, "全年累计完成土地整备3平方公里" is the
    year's own)."""
    return bool(_PERIOD_TOTAL.search(text if accumulated else _ACCUMULATED.sub("", text)))


def _opens_line(text: str, at: int) -> bool:
    return at == 0 or text[at - 1] == "\n"
