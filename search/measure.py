"""What the answering sentence must state for the measure a question asks: the unit's measure, the noun's
measure, the thing counted, the named indicator, the rate or population. One rule for both stages: the ranking
prefers sentences that state it (rank), and the top one must (confidence)."""
from __future__ import annotations

import re

from search.query import Query
from text import HAN
from text.numbers import (COUNT_MEASURES, MEASURE_NAMES, MEASURES, answers_measure, answers_unit, asks_growth, asks_per_head, asks_share, asks_stock, gives_rate, is_article,
                          gives_only_added, gives_share, is_bound, measure_of, per_capita, per_head, quantities)
from text.lexicon import words
from text.question import BROAD_WORDS, POPULATIONS, SYNONYMS, states_indicator
from text.sentences import clauses
from text.tense import asks_period, states_period_total

_LATIN = re.compile("[a-z]+")
_HAN_AT = re.compile(HAN)
_HEDGE_AFTER = re.compile("^(?:以上|以下|左右|之多)")  # "1万户以上" ("20余次": 余 is part of the figure)
_LIGHT_HEADS = frozenset(words("light_heads"))
FIGURE = "数字"  # what a sentence without any figure fails to give
PER_CAPITA = "人均数字"  # what a total fails to give
STOCK = "总数"  # what a count of the added fails to give
SHARE = "比重"  # what a growth rate fails to give


def asks_measure(query: Query) -> bool:
    """The question names a measure the answer must state ("多少亿元", "费用", "多少张病床", "GDP", "败诉率")."""
    return bool(query.how_many or query.figure_unit or (query.wants_quantity and query.noun_measure)
                or query.counted or query.indicators or query.measures)


def states_exactly(query: Query, sentence: str, passage: str = "") -> bool:
    """The sentence states the measure asked; and, asked how much of a named indicator, some figure of it outright,
    not only a bound passed: "深圳2012年GDP多少" is "全年本市生产总值1.295万亿元" before "本市生产总值突破2000亿美元"
    (whose only other figure, "三个突破", is a count)."""
    if missing_measure(query, sentence, passage) is not None:
        return False
    if not (query.how_many and query.indicators):
        return True
    measure = MEASURES.get(query.figure_unit or "") or query.noun_measure
    return any(not is_bound(sentence, m) and (measure is None or answers_measure(measure, m.group()))
               and not (query.total and measure_of(m.group()) == "rate")  # "GDP总量" is not "高于GDP增速2.3个百分点"
               for m in quantities(sentence))


def _asks_its_value(query: Query) -> bool:
    """A figure is asked of the indicator itself ("GDP多少亿元", "粮食产量是多少": not "粮食生产再获丰收，肉蛋奶…产量
    均突破百万吨"), not how long it has held a rank ("进出口连着多少年排第一")."""
    return (query.how_many or bool(query.figure_unit)) and MEASURES.get(query.figure_unit or "") != "time"


def _gives_figure_of(indicator: str, unit: str | None, sentence: str, total: bool = False) -> bool:
    """Some clause names the indicator and gives a figure in the unit asked: "地区生产总值…多少亿元" is not answered
    by "地区生产总值同比增长5.3%左右，一般公共预算收入36.77亿元" (the 亿元 are another indicator's); a total asked,
    not by a rate ("固定资产投资总额多少亿" by "固定资产投资增长8.3%")."""
    parts = clauses(sentence)
    return any(states_indicator(indicator, clause) and any(
        answers_unit(unit, m.group()) and not (total and measure_of(m.group()) == "rate") for m in quantities(
            clause + (parts[i + 1] if _only_subject(indicator, clause) and i + 1 < len(parts) else "")))
               for i, clause in enumerate(parts))


def _counts(noun: str, unit: str | None, sentence: str) -> bool:
    """Some figure that may answer the unit is not written onto another noun: "3个社区获评…" counts 社区, not the 公园
    asked; "再清理淘汰了36家，" may count the 企业 named before it, "裁减军队员额20万任务" counts the 员额 it follows, and
    "普法宣传活动46场次" the 宣传 before its light head (compare_blind20 V605)."""
    return any(answers_unit(unit, m.group()) and (_follows(noun, sentence[:m.start()])
                                                  or _may_count(noun, sentence[m.end():])) for m in quantities(sentence))


def _follows(noun: str, before: str) -> bool:
    """The text before a figure ends with the noun, perhaps with a light head after it."""
    return any(before.endswith(noun + head) for head in ("", *_LIGHT_HEADS))


def _may_count(noun: str, after: str) -> bool:
    """A figure followed by a noun counts that noun, unless the asked one follows within the clause ("十四个实力比较
    雄厚、布局比较合理的工业基地")."""
    after = _HEDGE_AFTER.sub("", after)
    return not _HAN_AT.match(after) or _names(noun, clauses(after)[0])


def _names(noun: str, text: str) -> bool:
    """The text names the noun, perhaps with one or two characters more inside a long one ("奥运金牌" as "奥运会金牌",
    "政协提案" as "政协委员提案")."""
    return noun in text or (len(noun) >= 4 and any(re.search(f"{re.escape(noun[:i])}{HAN}{{1,2}}{re.escape(noun[i:])}", text)
                                                   for i in range(2, len(noun) - 1)))


def _only_subject(indicator: str, clause: str) -> bool:
    """The clause is the indicator alone, its figure in the next ("城镇居民家庭人均可支配收入，由1997年的5160元增加到…"),
    unlike "粮食生产再获丰收，肉蛋奶、蔬菜产量均突破百万吨"."""
    return not quantities(clause) and states_indicator(indicator, clause[-6:])


def missing_measure(query: Query, sentence: str, passage: str = "") -> str | None:
    """What the sentence fails to state of the measure asked, as a reason names it; None when it states it. What
    narrows the thing counted may be said once for the passage ("法治宣传" above "大喇叭宣传20余次").

    A rate may be written with another word (合格率 as 通过率100%), so any rate will do; a population needs 人口, not
    another population ("常住人口" is not "204万贫困人口"); a term in Latin letters must be there ("PCT国际专利申请").
    A figure asked in a unit must be there in a unit of the same measure: "多少亿元" is not answered by
    "增长7%", nor "多少人" by "11.2万个岗位" or "每万人…6.3名"."""
    figures = [m.group() for m in quantities(sentence)]
    if query.how_many and all(is_article(f) for f in figures):
        return FIGURE  # "PM2.5浓度具体是多少" by "PM2.5浓度明显下降"; "定日地震是几级" by "这一年，…"
    counted = _counted_forms(query)
    if counted and not any(_names(w, sentence) for w in counted):
        return query.counted  # "多少张病床" by "新增幼儿园6所"
    unstated = [w for w in query.counted_by if not any(_narrower_said(w, query.counted or "", t) for t in (sentence, passage))]
    if unstated and not _narrowed_enough(query, unstated, sentence):
        return unstated[0] + (query.counted or "")  # "多少件行政复议案件" by "…刑事案件的发生"
    if counted and not any(_counts(w, query.figure_unit, sentence) for w in counted):
        return query.counted  # "多少个公园" by "石鼓山法治公园获评…，3个社区获评…"
    if query.figure_unit and not any(answers_unit(query.figure_unit, m.group()) and not _per_head_count(query, sentence, m)
                                     for m in quantities(sentence)):
        return MEASURE_NAMES[MEASURES[query.figure_unit]]
    if query.wants_quantity and query.noun_measure and figures and \
            not any(answers_measure(query.noun_measure, f) for f in figures):
        return MEASURE_NAMES[query.noun_measure]  # "费用" by "20余次"
    for indicator in query.indicators:
        if not states_indicator(indicator, sentence) or (_asks_its_value(query) and not _gives_figure_of(
                indicator, query.figure_unit, sentence, query.total)):
            return _LATIN.sub(lambda m: m.group().upper(), indicator)  # "gdp" is read lower-cased; say "GDP"
        if _only_over_years(query, indicator, sentence):
            return "当年的" + _LATIN.sub(lambda m: m.group().upper(), indicator)
    for m in query.measures:
        if not (m in sentence or (m.endswith("率") and gives_rate(sentence))
                or (m in POPULATIONS and _states_population(m, sentence))):
            return m
    for word, head in query.named_figures:
        if not _names_figure(word, head, sentence):
            return word + head  # "工业总产值…增长多少" by "农业总产值比上年增长百分之三"
    if query.how_many and asks_stock(query.text) and gives_only_added(sentence):
        return STOCK  # "一共有多少个公园" by "建成科苑公园等4个公园"
    if asks_share(query.text) and not gives_share(sentence):
        return SHARE  # "旅游收入占GDP比重多少" by "实现旅游收入97亿元，…增长37.1%"
    if query.how_many and per_capita(query.text) and not per_capita(sentence):
        return PER_CAPITA  # "按人均算，盐田区GDP是多少" by the district's total
    for term in query.terms:
        if query.how_many and term not in sentence.lower():
            return term.upper()
    return None


def _narrowed_enough(query: Query, unstated: list[str], sentence: str) -> bool:
    """Of three or more narrowing words one may be left out when the others stand right before the thing counted:
    "国家生态文明建设示范区" is "国家生态文明示范区" in Inner Mongolia's report (compare_blind25 Z909), but "115项行政
    审批事项…“权责清单”" is no "行政机构权责事项", and a level left out is another level; one or two are what is
    counted ("行政复议案件")."""
    narrowers, counted = query.counted_by, query.counted or ""
    if len(narrowers) < 3 or len(unstated) != 1 or not counted or _LEVEL_WORD.search(unstated[0]):
        return False
    said = [w for w in narrowers if w not in unstated]
    return any(all(w in sentence[max(0, m.start() - _NARROWED_WITHIN):m.start()] for w in said)
               for m in re.finditer(re.escape(counted), sentence))


# "省级重点项目" is written "省重点项目" as often (河南, 江苏 2026: compare_blind35 F909); the level stays.
_LEVEL_OF = re.compile("(?<=[省市区县乡镇])级")


def _narrower_said(narrower: str, counted: str, text: str) -> bool:
    """The text says the word narrowing what is counted: as asked, or a level without its 级 ("省级重点" as "省重点";
    a level alone only right before the thing counted: "省级" as "省重大项目"), not the whole place's ("全市重点项目" is
    no "市级重点项目")."""
    if narrower in text:
        return True
    bare = _LEVEL_OF.sub("", narrower, count=1)
    if bare == narrower or not (len(bare) > 2 or counted):
        return False
    form = bare if len(bare) > 2 else bare + counted
    return bool(re.search(f"(?<![全本]){re.escape(form)}", text))


_NARROWED_WITHIN = 12  # characters before the thing counted where the words narrowing it stand
# A level is never the word left out: "省级…龙头企业" is not "国家级…龙头企业" (review of ed9bee0).
_LEVEL_WORD = re.compile("级$|^国家$")


def _counted_forms(query: Query) -> list[str]:
    """The words that name what is counted: its noun, the noun's synonym, and for a light head the words narrowing
    it, which reports write alone ("多少场普法宣传活动" by "开展普法宣传15次"; data/light_heads.txt)."""
    forms = [w for w in (query.counted, SYNONYMS.get(query.counted or "")) if w]
    if query.counted in _LIGHT_HEADS and query.counted_by:
        forms.append("".join(query.counted_by))
    return forms


def _only_over_years(query: Query, indicator: str, sentence: str) -> bool:
    """One year's figure is asked ("河北2025年规上工业增加值增长多少") and every clause giving the indicator a figure
    gives its average or total over several years ("规上工业增加值年均增长6.5%"), not that year's (7.9%)."""
    if not query.fact_years or asks_period(query.text) or states_period_total(query.text):
        return False
    stating = [c for c in clauses(sentence) if states_indicator(indicator, c) and quantities(c)]
    if asks_growth(query.text):  # the rate may stand in a clause of its own: "…，平均每年增长7.7%"
        stating = [c for c in clauses(sentence) if gives_rate(c)] or stating
    return bool(stating) and all(states_period_total(c) for c in stating)


def _names_figure(word: str, head: str, sentence: str) -> bool:
    """The sentence names the figure: its word ("三农"), the word's last two characters before the head ("财政赤字规模"
    as "赤字规模"), a listed synonym, or a longer form the word abbreviates ("高企": 高新技术企业)."""
    short = word[-2:] + head if word[-2:] not in BROAD_WORDS else None  # "经济增加值" is any economy's
    forms = (word, short, SYNONYMS.get(word), SYNONYMS.get(word + head))
    return any(f and f in sentence for f in forms) or bool(re.search(".{0,6}".join(map(re.escape, word)), sentence))


def _per_head_count(query: Query, sentence: str, figure: re.Match[str]) -> bool:
    """A count asked ("签约了多少人") is not a figure per so many people ("每万人…配备全科医生6.3名"), unless that is
    what is asked ("每万人常住人口配了几名全科医生")."""
    return MEASURES[query.figure_unit or ""] in COUNT_MEASURES and per_head(sentence, figure) \
        and not asks_per_head(query.text)


def _states_population(asked: str, sentence: str) -> bool:
    for other in POPULATIONS:
        if other != asked:
            sentence = sentence.replace(other, " ")
    return "人口" in sentence
