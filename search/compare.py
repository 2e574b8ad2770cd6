"""Comparison questions: one figure from each of several reports ("深圳各区2021年地区生产总值分别是多少", "张店乡
2023年和2024年的普法次数", "盐田区历年集装箱吞吐量").

Which reports the question reaches comes from the places and years it names; each is then asked on its own
("盐田区2023年集装箱吞吐量是多少", searched in that report only) and keeps its answer as a row only when the search
trusts it. Precision over coverage: a report whose answer is doubted is listed as not stating the figure, since a
wrong figure in a table is worse than a gap.
"""
from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Callable, Iterable

from index.chunk import SEPARATOR
from index.read import WORK_REPORT
from index.store import StoredReport
from search.answer import Answer, section_tense
from search.query import Query, asks_one_year, content_text
from search.results import Cell, DoubtKind, Filters, Hit, SearchResult, Table
from search.scope import Places
from text import HAN
from text.lexicon import alternation, words
from text.numbers import (ADDED_WORDS, ASKED_UNIT, COUNT_MEASURES, MEASURES, MULTIPLE, QUANTITY_UNITS, RATE_NOUNS, answers_unit, asked_unit, asks_added, asks_growth, asks_how_many, asks_share, gives_growth_multiple, gives_only_change, is_unit, asks_stock, gives_only_added, gives_only_stock, per_base,
                          gives_share, gives_stock, measure_of, quantities, unit_of, without_added)
from text.places import NATIONAL_BODIES, PROVINCES_COUNTED, each_level, expand_abbreviations, names_country
from text.question import POPULATIONS, REPORT_SAYS, REPORT_YEAR, REVIEWED_YEARS, WORDING, asks_figure, asks_wording, is_rate, nouns_after_how_many, states_indicator
from text.sentences import CLAUSE_BREAK, SENTENCE_ENDS, clauses, last_break
from text.tokens import bigrams, jieba_tokenizer
from text.tense import (PLAN, TARGET_NOUNS, heading_tense, asks_period, without_refused_things, introduces_targets, period_reviews, sentence_tense,
                        states_average, states_level_reached, states_period_total, states_target)
from text.years import (DIGIT_YEAR, NOW, PLAN_PERIOD, PREVIOUS_YEAR_NAMED, THIS_YEARS_REPORT, YEAR, YEAR_WORD,
                        CN_YEAR, last_named_year, plan_end_year, year_value)

COMPARE = re.compile(alternation(words("compare_words"), escape=False))
_AS_A_WHOLE = re.compile(alternation(words("compare_frame_words")))
_NOT_LEVEL = re.compile(alternation(words("not_level_words")))
HOW_MUCH = "是多少"
TIME = "time"  # what a duration measures (units.tsv): "连续四年"
_MULTIPLE_WORD = "倍"  # the word asking for a multiple ("是1949年的几倍")
_ASKED_AGAIN = re.compile(r"(?:[？?，,\s]*是多少)+")
COUNTRY = "全国"
_WHOLE = "全(?:省|市|区|县)"  # "广东全省": the place as a whole
# What frames the places of a comparison once they are taken out: "四个区", "这几个省份", "两个区", "各省区".
_COUNT = "[两二三四五六七八九十几]"
_KINDS = "省区市|省份|省区|省|市|区|县|乡镇|乡|镇|街道"  # the kinds of places counted
_PLACE_COUNT = re.compile(rf"(?:这|那)?{_COUNT}个(?:{_KINDS})|"
                          rf"(?<=\x00)(?:{PROVINCES_COUNTED}|{_COUNT}(?:{_KINDS})(?!{_COUNT}))|"  # "…、藏六省区", "罗湖、南山两区", not "三区三线"
                          rf"(?:这|那|上述|以上)?{_COUNT}份|"  # "这几份国务院政府工作报告"
                          rf"各(?:{_KINDS})|(?<=\x00){_WHOLE}")
_LATEST = 0  # "冀、豫、陕现在各多少公里": the latest year each place's reports review, once the reports are known
# After a place listed as one compared, past the years or plan period it is asked for ("深圳市2012年、南山区2013年",
# "深圳市（2012年）和…", "北京“十四五”末、…", "深圳市2013年政府工作报告、…"), not "深圳罗湖区", "深圳各区",
# "深圳市2020年各区".
_PERIOD_ASKED = re.compile(f"“?{PLAN_PERIOD.pattern}”?(?:期间|时期|末)?")  # "“十四五”末", "十三五期间"
_OWN_TIME = rf"(?:[（(]?(?:{YEAR}年?[、和与及]?)+[）)]?|{_PERIOD_ASKED.pattern})?"
_REPORT_NAME = r"度?的?[\u4e00-\u9fff]{0,8}?(?:工作)?报告"  # after a year: "年度法治报告", "年的国务院政府工作报告"
_BARE_REPORT_NAME = r"度?的?(?:政府)?(?:工作)?报告"  # naming no place or body: "年报告", "年的政府工作报告"
_LISTED_AFTER = re.compile(rf"{_OWN_TIME}(?:{_REPORT_NAME}(?:里|中)?)?(?:的?{_WHOLE}|本级|[和与及、，,。；;？?])"
                           # "广东省2013年的地方公共财政预算收入": its own year and 的 before what is asked of it, not
                           # before the divisions it holds ("深圳市2020年的各区", "深圳市2020年的南山区")
                           rf"|(?:{YEAR}年[、和与及]?)+的(?!各|全|[\u4e00-\u9fff]{{0,3}}(?:区|县|市|镇|乡|街道))")
_LOOK_AT = "(?:看|按|取|用)"  # "龙岗、罗湖看2022年政府工作报告，坪山、盐田看2024年的" (compare_blind20 V601)
_PAST_OWN_TIME = re.compile(rf"{_OWN_TIME}(?:{_REPORT_NAME}(?:里|中)?)?的?")
# What follows a place that says where the places compared are: its divisions ("深圳各区", "深圳市下辖", "深圳市内";
# those named, "深圳市罗湖区", are `inner`), or more places listed.
_DIVISIONS_AFTER = re.compile("[各全下所内辖属、，,和与及]")
# A clause going on with the subject of the one before: its rate ("…，增长21%"), its stock ("新增…292家，总量达到
# 905家"), or its figure in a year named ("全国粮食连续四年增产，2007年产量达到50150万吨").
_CONTINUES = re.compile(rf"\s*(?:(?:同比|比上年)?(?:增长|下降|提高|增加|减少)|总量|总数|{YEAR}年)")
# A clause stating the level its subject, named in the clause before, reached ("盐田港区集装箱吞吐量创历史新高，
# 达1167.28万标箱").
_LEVEL_GOES_ON = re.compile(r"\s*(?:达到|达|增至|突破)\s*[约近超]?\d")
# Anywhere in the question, a change or a situation asked ("社会消费品零售总额情况…分别多少": its growth answers).
_CHANGE_ASKED = re.compile("增长|增速|增幅|涨幅|上涨|上升|下降|降低|降了|提高|减少|增加|翻番|情况|精简|压减|削减|缩减")
_RESPECTIVELY = "分别"  # "A、B分别增长x%、y%": each figure of its thing in turn
_CLAUSE_MARK = re.compile("[，,；;。：:！？]")
_THINGS_PART = re.compile("[、和及与]")
_FROM = "从"  # "从2020年的82.4岁提升至83.9岁": from one figure to the one reached
_REACHED = re.compile(rf"[^，,；;。\d]{{0,6}}?(?:到|至)(?:{YEAR}年(?:底|末)?的?)?")
_GONE = "\x00"  # where a place or year was taken out of the question
# The count of the places listed, between the last and their year ("福田、罗湖、南山、龙岗四个区2021年").
_COUNTED_PLACES = rf"(?:(?:这|那)?{_COUNT}个?(?:{_KINDS}|省市|地区|地))"
_BY_YEAR = re.compile(rf"(?:到|截至|截止)\s*{YEAR}\s*年(?!度)")  # "到2025年居民人均可支配收入达到多少"
# Years listed without 年 before one with it ("1992、2003、2024年国务院政府工作报告"), once that one is out.
_BARE_YEARS = re.compile(rf"(?<!\d)(?:{YEAR}\s*[、和与及,，]\s*)+(?={_GONE})")
# "上一年" once the cell's year is named: the year asked is that one already ("2014年几份报告里，…上一年的": 2013);
# not "比上年增长".
_PREVIOUS_NAMED = re.compile(rf"(?:{PREVIOUS_YEAR_NAMED.pattern})的?")
# A plan period right after a place taken out is that place's ("…、西安“十四五”末…"), not the others'.
_PERIOD_OF_OTHER = re.compile(f"(?<={_GONE}){_PERIOD_ASKED.pattern}")
# Places each with a year, the last followed by the report's name ("广东省2014年、深圳市2013年、…宝安区2015年的政府工作
# 报告"): each year names its place's report (compare_blind20 V624).
_REPORTS_LISTED = re.compile(rf"(?:[、和与及]\s*{HAN}{{1,8}}?{YEAR}年)+{_REPORT_NAME}")
_BY_A_YEAR = re.compile(rf"(?:到|至|截至)\s*({YEAR}|{CN_YEAR})\s*年")  # "到一九八五年，…"; not "完成2025年规划目标"
_BY_GONE = re.compile(rf"(?:到|截至|截止)\s*{_GONE}(?:底|末)?")
# What names a report by its year once the year is out ("政府工作报告里，"), taken out when the year before it is
# asked ("…报告里，上一年的"): the cell's year is that one, which the report's would otherwise name.
_REPORT_NAMED = re.compile(rf"(?<={_GONE}){_REPORT_NAME}(?:里|中|上)?[，,]?"
                           rf"(?:报告)?{REPORT_SAYS}?(?:{REVIEWED_YEARS})?")
# The kind of report named after the places, not their years, right before the words asking ("…数量对比：光明区、
# 龙华区、张店乡的法治政府建设报告各是多少宗"): left in, it read as what is asked ("…数量：的法治政府建设报告是多少宗").
# Before what is asked, it stays ("…法治政府报告里行政复议案件各有多少": without it, 张店乡's "化解矛盾26起" held
# enough of the rest to fill a row).
_PLACES_REPORT = re.compile(rf"(?<={_GONE}){_REPORT_NAME}(?:里|中|上)?(?=各|分别)")
# Joining words and marks left between and around what was taken out ("2014年和2023年", "北京、河北").
_JOINING = "(?:[、，,和与及\\s]|以及)*"
_LEFT_AROUND = re.compile(f"{_JOINING}{_GONE}(?:{_JOINING}{_GONE})*{_JOINING}")
_ASKS_APART = re.compile(f"[{SENTENCE_ENDS}]")  # between the sentences of a question
_ASKING = re.compile("是多少|多少|几|各|分别|呢|又|还有|那|是|了|的")  # the words asking, not what is asked
_TOPIC = re.compile(r"[^，,：:]{2,24}[：:]")  # "养老床位：", "矛盾纠纷调处数量对比："
RUNNERS_UP = 2  # passages after the top one whose figure may fill a row the top one's does not fit
MIN_TOPIC_SHARE = 0.15  # the question's bigrams an answering sentence holds (_names_topic), its units aside
# A bigram in more passages than this is a common word ("企业", "新增", "建设"): sharing only such words with the
# question, a sentence is about something else (_names_topic). The read comparison sets' rows (compare_blind3–18,
# 1,700 rows) whose shared bigrams are all this common were 4 wrong and none right outside the indicators' rows;
# the nearest right row shares a bigram in 8% of the passages ("解决").
MAX_COMMON_SHARE = 0.1
_UNIT_GRAMS = {g for u in QUANTITY_UNITS for m in ("", *"万亿千百") for g in bigrams(m + u)}  # "公里", "万亩"
# Pairs that name nothing asked: a rate's noun says how a thing is measured, not which ("比重"); the verbs of adding
# that it was added ("新建" of "新建扩建7所社区老年人日间照料中心" for "新建了几个悠·图书馆": compare_blind37 M915;
# 引进 and 开工 too, though a question may ask them: "引进了多少个项目" then needs a rarer word than 项目 — keeping
# them lost a cell of compare_blind24 Y819 and one of the held-out compare_blind38);
# a pair with 占 or 的 mostly joins two words ("业占": "先进制造业占工业的比重" was named by "第三产业占GDP比重达
# 92.7%", compare_blind35 F922), at the cost of the rare word holding them ("占地"). Every one-character function
# word instead of 占 and 的 lost 8 read cells for 8 fewer wrong ones.
_RATE_GRAMS = {g for noun in RATE_NOUNS for g in bigrams(noun)}
_ADDING_GRAMS = {g for word in ADDED_WORDS for g in bigrams(word)}
_JOINS = set("占的")
# "（北京、河北…）", "（一般）", "光明（新）区"; not a name in letters ("居民消费价格（CPI）涨幅": 吉林 writes "CPI涨幅")
_ASIDE = re.compile(r"[（(](?![A-Za-z]+[）)])[^）)]{0,40}[）)]")
# An aside's words that are not another name for what it follows: a time, a source, a condition.
_NOT_A_NAME = re.compile(r"\d|年|报告|看|按|或|含|包括|只|不|即|指|如|等|[“”\"]|[A-Za-z]")
_NAMES_SPLIT = re.compile("[、/，,]")
# A word of an aside that names no thing: a level, a scope or place, a plan or result word.
_NOT_ANOTHER_NAME = re.compile(rf"级$|^[全本]|[省市区县乡镇]$|{alternation(TARGET_NOUNS)}|预期|实际|完成")


def _naming(grams: set[str]) -> set[str]:
    """The pairs of characters that may name what is asked."""
    return {g for g in grams - _RATE_GRAMS - _ADDING_GRAMS if not set(g) & _JOINS}


Ask = Callable[[str, Filters], SearchResult]  # a search of one report, with no comparison of its own
Share = Callable[[str], float]  # the share of the index's passages holding a keyword term


def asks_comparison(question: str) -> bool:
    """The question asks for a figure of each of several places or years ("分别", "各", "历年", "对比")."""
    return bool(COMPARE.search(question))


def _names_several(query: Query, mentioned: set[str]) -> bool:
    """The question names several places or years ("2023年盐田、大鹏、坪山的一般公共预算收入情况如何"): a comparison
    without a word asking for one), or several reports by their years ("1992年、2003年…国务院政府工作报告提出的经济增长
    目标，列个表")."""
    return len(mentioned - NATIONAL_BODIES) >= 2 or len(query.fact_years) >= 2 or len(query.report_years) >= 2


def compared_places(text: str, places: dict[int, Places], mentioned: set[str]) -> set[str]:
    """The places compared: those the search takes the question to be about and every other place of a report it
    names that does not frame one of them. The search keeps the most specific level only, and "张店乡、光明区、
    龙华区…各有多少" lost its two districts to the township (3 of lists_blind's tables unbuilt)."""
    known = {n for p in places.values() for n in p.own}
    names = {n for n in known if n in text} | mentioned
    names = {n for n in names if not any(n != m and n in m for m in names)}
    framed = {n for p in places.values() if p.own & names for n in p.parents}
    return {n for n in names if n not in framed or n in mentioned
            or _listed(text, n, {m for p in places.values() if n in p.parents for m in p.own & names})}


def _listed(text: str, name: str, inner: set[str]) -> bool:
    """A place that holds others is compared too when listed as one ("广东全省和深圳罗湖区、南山区…"), or named with a
    time of its own before what is asked ("深圳“十三五”末的地铁运营里程呢？罗湖区…", "深圳市“十三五”期间新增多少张":
    compare_blind22 V708, compare_blind21 W724); not when it says where they are ("深圳罗湖区", "深圳各区", "深圳市2020年
    的南山区": one of them, `inner`, or its divisions after its time) or is part of a name ("深圳东部中心")."""
    for m in re.finditer(re.escape(name), text):
        if _LISTED_AFTER.match(text, m.end()):
            return True
        timed = _PAST_OWN_TIME.match(text, m.end())
        after = text[timed.end():]
        if timed.group().strip("的") and after and not after.startswith(tuple(inner)) \
                and not _DIVISIONS_AFTER.match(after) and not _PLACE_COUNT.match(after):
            return True
    return False


def reviewed_year(report: StoredReport) -> int | None:
    """The year whose results the report states: a work report, delivered early in its year, reviews the one
    before (the 2022 罗湖区 report gives 2021's GDP); other reports their own year."""
    if not report.years:
        return None
    return max(report.years) - (1 if report.genre == WORK_REPORT else 0)


def asked_year(query: Query, report: StoredReport) -> int | None:
    """The year the question asks of the report: its own year for a target ("2022年GDP增长目标": the 2022 report
    sets it), else the year it reviews."""
    if query.tense < 0 and not query.insists_result:
        return _own_year(report)
    return reviewed_year(report)


def scope_cells(query: Query, reports: dict[int, StoredReport], places: dict[int, Places],
                mentioned: set[str]) -> tuple[Cell, ...]:
    """The reports the comparison reaches, each with the place and year it is asked for, in the order the
    question names them. Places: those named, each district of a city named with 各区, every province for 各省,
    the country's reports for 全国 or 国务院. Years: those named, each by the report that reviews it (sets it, for
    a target); none named ("历年") is every report of the places, or those the years naming reports name."""
    placed = _placed_reports(query.place_text, reports, places, mentioned)
    own = _own_times(_years_after_places(query.place_text, {p for _, p in placed}), placed)
    reviewed = {asked_year(query, report) for report, _ in placed}  # years some report in scope is asked for
    if own:  # "光明区2021年、龙华区2019年、张店乡2023年的…": each place asked for its own years or plan period
        picked = [(place, year, period, _reports_of(query, placed, place, year, by_report, reviewed))
                  for place, times in own.items() for year, period, by_report in times]
        # A place named without a time of its own among them ("…龙华区2019年法治政府报告里哪个多，张店乡有没有写"):
        # the years asked where some are no place's own ("2021年福田、罗湖…，龙华区2019年", "罗湖区历年…（2013年、
        # 2021年）…和龙岗区2021年"), else each of its reports, for the year it reviews ("光明区、龙华区法治政府建设
        # 报告中…，张店乡2023年…").
        claimed = {year for times in own.values() for year, _, _ in times}
        years = query.fact_years if set(query.fact_years) - claimed else ()
        for place in (place for place, times in own.items() if not times):
            picked += [(place, year, "", _reports_of(query, placed, place, year, False, reviewed)) for year in years] or \
                [(place, None, "", [report for report, p in placed if p == place])]
        # A report once per place: another year's (a report's own year, _reports_of) reaches the one already asked.
        cells = []
        for place, year, period, found in picked:
            cells += [_named_cell(query, report, place, year, period) for report in found
                      if not any(c.report.id == report.id and c.place == place for c in cells)]
        return tuple(cells + [Cell(None, place, year, period=period) for place, year, period, found in picked
                              if not found])
    if query.report_years:  # "国务院1992、2003、2024年报告…": those reports only, but for places named with none of
        # those years ("国务院2003年报告讲的前五年、河南“十四五”期间、西藏2025年…": compare_blind27 R707); not "各省"
        # ("2026年各省报告里…": 广东's 2014 report is none of them)
        dated = {p for r, p in placed if _named_report(query, r)}
        placed = [(r, p) for r, p in placed if _named_report(query, r) or (p not in dated and p in query.place_text)]
        reviewed = {asked_year(query, report) for report, _ in placed}
    # "1954年报告说1949年": 1949 is asked of that report alone
    years = tuple(y for y in query.fact_years if y not in dict(query.asked_of_reports).values())
    if not years:  # each report asked for the year it reviews: "盐田区2014年集装箱吞吐量是多少"
        return tuple(_asked_cell(query, report, place) for report, place in placed)
    cells = [Cell(report, place, year) for report, place in placed for year in years
             if asked_year(query, report) == year]
    # A year no report in scope reviews names the reports of that year, each for the year it reviews ("罗湖区2014年和
    # 2022年的GDP": the 2014 and 2022 reports, with 2013's and 2021's); one that some report reviews is that year's
    # figure ("深圳各区2014年…": 罗湖's 2014 report, of 2013, is no row), and a place with no report of it ("张店乡2023年
    # 和2024年…", no 2024 report) is listed as not stating it.
    for place in dict.fromkeys(p for _, p in placed):
        for year in years:
            if not any(c.place == place and c.year == year for c in cells):
                cells += (_of_report_year(query, placed, place, year, cells) if year not in reviewed else []) \
                    or [Cell(None, place, year)]
    if query.report_years:  # a report named by its year is asked for the year it reviews when no year named is its:
        # "按2003年、2008年报告回顾的五年和2024年报告回顾的2023年" (compare_blind25 Z903 built no table)
        cells += [_asked_cell(query, report, place) for report, place in placed if _named_report(query, report)
                  and not any(c.report is not None and c.report.id == report.id for c in cells)]
    order = {report.id: at for at, (report, _) in enumerate(placed)}
    return tuple(sorted(cells, key=lambda c: order[c.report.id] if c.report else len(order)))


def _of_report_year(query: Query, placed: list[tuple[StoredReport, str]], place: str, year: int,
                    cells: list[Cell]) -> list[Cell]:
    """The place's report of the year, asked for the year it reviews, unless a cell holds it already. compare_blind23:
    11 of 25 questions named reports by their own years ("南山、龙岗、罗湖三个区2022年地区生产总值")."""
    held = {c.report.id for c in cells if c.report}
    return [_named_cell(query, report, place, year) for report, p in placed
            if p == place and report.id not in held and _of_year(report, year)]


def _asked_cell(query: Query, report: StoredReport, place: str) -> Cell:
    """The report's cell for what the question asks of it by its year: a year ("2008年报告里的2005年"), the years it
    reviews ("2003年报告回顾的前五年"); else the year it reviews (or sets a target for)."""
    asked = dict(query.asked_of_reports).get(_own_year(report))
    if isinstance(asked, str):
        return Cell(report, place, None, period=asked)
    return Cell(report, place, asked if asked is not None else asked_year(query, report))


def _named_report(query: Query, report: StoredReport) -> bool:
    return _own_year(report) in query.report_years


def _named_cell(query: Query, report: StoredReport, place: str, year: int | None, period: str = "") -> Cell:
    """The report's cell for the year it is asked, with the year the question named where that picked the report
    by its own year instead (the row says so: "2021年（2022年报告）")."""
    own = _asked_cell(query, report, place)
    if own.period and not period:
        return own
    named = year if year is not None and year != own.year and not period and _of_year(report, year) else None
    return Cell(report, place, own.year, period=period, named_year=named)


def _of_year(report: StoredReport, year: int) -> bool:
    """The report is that year's ("2022年政府工作报告"), whichever year it reviews."""
    return _own_year(report) == year


def _own_year(report: StoredReport) -> int | None:
    """The report's own year (the 2022 report's 2022), None when it names none."""
    return max(report.years, default=None)


def _reports_of(query: Query, placed: list[tuple[StoredReport, str]], place: str, year: int,
                by_report: bool, reviewed: set[int | None]) -> list[StoredReport]:
    """The place's reports a time of its own picks: those of that year where it names the report ("南山区2014年政府
    工作报告"), unless it has none, as "光明新区2015年政府工作报告" names the one reviewing 2015; else the reports
    asked for that year."""
    own = [report for report, p in placed if p == place]
    named = [report for report in own if by_report and _of_year(report, year)]
    # A year no report in scope reviews names the place's report of that year, as in scope_cells.
    return named or [report for report in own if asked_year(query, report) == year] \
        or [report for report in own if year not in reviewed and _of_year(report, year)]


def _own_times(text: str, placed: list[tuple[StoredReport, str]]) -> dict[str, tuple[tuple[int, str, bool], ...]]:
    """Each place compared with the years ("大鹏新区2013年、2023年和盐田区2014年…") or the plan period ("北京“十四五”末、
    深圳市2012年…": its last year, with the period's words) written right after it, when one has its own at least
    among two places or more; the others with none, or listed before one, with its ("江苏、内蒙古、河北、陕西“十四五”
    期间")."""
    places = dict.fromkeys(place for _, place in placed)
    times = {p: _latest_for(_times_after(text, _written_as(text, p)), [r for r, q in placed if q == p]) for p in places}
    for place in sorted(places, key=lambda p: -_at(text, p)):  # the last listed first: its time passes back
        end = _at(text, place) + len(place)
        listed = _THINGS_PART.match(text, end)
        after = next((p for p in places if listed and text.startswith(p, listed.end())), None)
        if not times[place] and after:
            times[place] = times[after]
    # The country is named by its body ("国务院2020年、2024年政府工作报告"): with no time after it, it has none of its
    # own ("1978年报告提出的…、2024年国务院报告的当年目标、豫和蒙2026年的目标": compare_blind18 T424).
    named = all(t or p in text for p, t in times.items())
    return times if named and len(times) >= 2 and any(times.values()) else {}


def _years_after_places(text: str, places: set[str]) -> str:
    """The question with each place's year written after it where two places or more are written after theirs
    ("2014年南山区、2015年宝安区、2016年光明新区的政府工作报告": compare_blind37 M910 asked each place for every year);
    one year before one place ("2013年罗湖、南山两区") is every place's."""
    if not any(places):
        return text
    name = alternation(p for p in places if p)
    # a run of years before a list of places, none with a year of its own after it ("2013年和2021年罗湖区、南山区，")
    runs = re.compile(rf"((?:{YEAR})年(?:[、和与及](?:{YEAR})年)*)({name}(?:[、和与及]{name})*)(?![0-9])")
    if len({m.group(2) for m in runs.finditer(text)}) < 2:
        return text
    return runs.sub(lambda m: m.group(2) + m.group(1), text)


def _written_as(text: str, place: str) -> str:
    """How the question names the place: the country by the body whose reports speak for it ("国务院2020年、2024年
    政府工作报告，吉林2025年，广东2013年…": compare_blind8 E009 asked every report for 2025 and 2013)."""
    if place != COUNTRY:
        return place
    return min((b for b in NATIONAL_BODIES if b in text), key=lambda b: _at(text, b), default=place)


def _times_after(text: str, place: str) -> tuple[tuple[int, str, bool], ...]:
    """The years or plan period written after each mention of the place ("南山2013年、宝安2014年、…南山2021年"), each
    with whether it names the place's report rather than the year asked ("南山区2014年政府工作报告", "南山区（2014年和
    2022年报告）": the year each reviews)."""
    pattern = (f"{re.escape(place)}{_COUNTED_PLACES}?[（(]?{_LOOK_AT}?(?:((?:{YEAR}年?[、和与及，,]*)*{YEAR})年({_REPORT_NAME})?"
               f"|({_PERIOD_ASKED.pattern})|({NOW}))")
    times: list[tuple[int, str, bool]] = []
    for after in re.finditer(pattern, text):
        if after.group(1):
            by_report = bool(after.group(2) or _REPORTS_LISTED.match(text, after.end()))
            times += [(int(y), "", by_report) for y in DIGIT_YEAR.findall(after.group(1))]
            times += [(int(y), "", True) for y in _reports_listed_on(text, after.end())] if by_report else []
        elif after.group(3):
            times.append((plan_end_year(PLAN_PERIOD.search(after.group(3)).group()), after.group(3), False))
        else:
            times.append((_LATEST, "", False))
    return tuple(dict.fromkeys(times))


# A report named by its year after those of a place, with what is asked of them between: "国务院2003年、2008年报告
# 回顾的前五年，2024年报告回顾的2023年，以及河北…" (compare_blind7 D040), "国务院2003年报告里的2002年、2008年报告…".
# The report's name is bare: "，2020年深圳市报告…" is another place's (review of ed9bee0).
_MORE_REPORTS = re.compile(rf"[^，,。？?；;！!、]{{0,12}}?[，,、]\s*((?:{YEAR}年?[、和与及]*)*{YEAR})年{_BARE_REPORT_NAME}")


def _reports_listed_on(text: str, at: int) -> list[str]:
    """The years of the reports listed on from `at`, each after what is asked of the one before."""
    years: list[str] = []
    while more := _MORE_REPORTS.match(text, at):
        years += DIGIT_YEAR.findall(more.group(1))
        at = more.end()
    return years


def _latest_for(times: tuple[tuple[int, str, bool], ...],
                reports: list[StoredReport]) -> tuple[tuple[int, str, bool], ...]:
    """The times with "现在" as the latest year the place's reports review."""
    latest = max((y for r in reports if (y := reviewed_year(r)) is not None), default=None)
    return tuple((latest, period, named) if year == _LATEST else (year, period, named) for year, period, named in times
                 if year != _LATEST or latest is not None)


def _placed_reports(text: str, reports: dict[int, StoredReport], places: dict[int, Places],
                    mentioned: set[str]) -> list[tuple[StoredReport, str]]:
    """Each report of a place the question compares, with that place's name as the question gives it."""
    level = each_level(text)
    named = sorted((n for n in mentioned if n not in NATIONAL_BODIES), key=lambda n: _at(text, n))
    found: list[tuple[StoredReport, str]] = []
    for rid, p in sorted(places.items(), key=lambda item: _report_order(item[1], named, text)):
        if p.own & NATIONAL_BODIES:
            if names_country(text):
                found.append((reports[rid], COUNTRY))
        elif own := [n for n in named if n in p.own]:
            found.append((reports[rid], own[0]))
        elif level and p.level == level and (not named or any(n in p.above for n in named)):
            found.append((reports[rid], _short_name(p)))
    return found


def _at(text: str, name: str) -> int:
    at = text.find(name)
    return at if at >= 0 else len(text)


def _report_order(p: Places, named: list[str], text: str) -> tuple[int, str]:
    own = [_at(text, n) for n in named if n in p.own]
    return (min(own) if own else len(text) + 1, p.chain[-1] if p.chain else "")


def _short_name(p: Places) -> str:
    return min(p.own, key=len) if p.own else ""


def own_clause(question: str, place: str, places: set[str]) -> str:
    """Where the question asks the places in sentences of their own, each with its own unit ("矛盾纠纷调处数量对比：
    张店乡2023年化解了多少起？光明新区2015年、南山区2013年各调处了多少宗？"), the one naming the place, after the topic
    the question opens with ("…对比："); else the whole question. Asked the whole question, 张店乡's report was asked
    "…化解了多少起？调处了多少宗？给没给总数" and doubted its own "化解矛盾26起" (compare_blind21 W706). A sentence
    asking with no unit leans on the others for what it asks ("…增长目标是多少？福田、南山、龙岗同年报告又是多少",
    "…燃气管道多少公里？吉林、陕西…分别是多少": compare_blind15 D114, compare_blind7 D008)."""
    asks = [a for a in _ASKS_APART.split(question) if a.strip()]
    own = [a for a in asks if place and place in a]
    if sum(any(p in a for p in places if p) for a in asks) < 2 or len(own) != 1:
        return question
    topic = _TOPIC.match(asks[0])
    topic = topic.group() if topic and not own[0].startswith(topic.group()) else ""
    # An opening sentence naming no place or year asks what the places' sentences ask, in their unit or none
    # ("郊野径修了多少公里？盐田区、大鹏新区…各新增了多少公里？"): without it 盐田区's report was asked "…新增了多少公里"
    # and its 郊野径 row failed the topic check (compare_blind32 D825, D814); "全市GDP是多少亿元？" asks another thing.
    opening = asks[0] if own[0] != asks[0] and _opens_for(asks[0], own[0], places) else ""
    # A growth asked is asked in a unit of its own, after what the question opens with ("知识产权质押融资：…大鹏新区
    # 2023年增长了多少": compare_blind32 D819); alone, "福田区2023年增长了多少" says not what grew.
    # A noun after 多少 is asked in that sentence alone ("光明新区2015年新投放了多少公交运力？": compare_blind37 M904).
    own_unit = asked_unit(own[0]) or (asks_growth(own[0]) and (topic or opening)) or nouns_after_how_many(own[0])
    if not own_unit or not _asks_own_thing(own[0], places):
        return question
    if topic:
        return f"{topic}{own[0]}"
    return f"{opening}{question[question.find(opening) + len(opening)]}{own[0]}" if opening else own[0]


def _opens_for(opening: str, own: str, places: set[str]) -> bool:
    """The question's first sentence asks of every place: it names none, nor a year, and asks in the unit the
    place's own sentence does, or in none."""
    if any(p in opening for p in places if p) or YEAR_WORD.search(opening):
        return False
    unit = asked_unit(opening)
    return unit is None or MEASURES.get(unit) == MEASURES.get(asked_unit(own) or "")


def other_namings(question: str, taken: Iterable[str]) -> list[tuple[str, str]]:
    """The question with each other name an aside gives for the words before it in their place ("省级重点（重大）
    项目" → "省级重大项目", "税收总额（两税、国地税）" → "两税", "国地税"): a report may use either (江苏's "抓好550个省重大
    项目", compare_blind35 F909). Not a time, a source, a condition or places ("（看2014年报告）", "（不含…）")."""
    variants: list[tuple[str, str]] = []
    for aside in _ASIDE.finditer(question):
        names = aside.group()[1:-1]
        if _NOT_A_NAME.search(names) or expand_abbreviations(names) != names or any(t and t in names for t in taken):
            continue
        before = question[:aside.start()]
        listed = _NAMES_SPLIT.split(names)
        for name in listed:
            start = _unit_from(before, name) if is_unit(name) else \
                _named_from(before, name, guess=len(listed) == 1) if _may_name(name) else None
            if start is not None:
                variants.append((before[:start] + name + question[aside.end():], name))
    return variants


def _unit_from(before: str, unit: str) -> int | None:
    """Where the unit asked that an aside's unit stands for starts ("多少场（次）": 场); None after none ("收入（亿元）",
    "学位（个）")."""
    asked = re.search(f"(?:{ASKED_UNIT.pattern})$", before)
    return asked.start(1) if asked and asked.group(1) != unit else None


def _may_name(name: str) -> bool:
    """The aside's word may be another name for a thing: not a level ("（省级）"), a plan or result word ("（计划）"),
    a scope ("（全区）", "（深圳）") or one character ("（约）")."""
    return len(name) >= 2 and not _NOT_ANOTHER_NAME.search(name)


def _named_from(before: str, name: str, guess: bool = True) -> int | None:
    """Where the words an other name stands for start in the text before its aside: at its first character
    in the last three words ("燃气管道（管网）": 管道), else at the earliest of them sharing a character with it ("税收
    总额" for "两税"), else (`guess`: a name given alone) the last word, or two where it is longer ("第三产业（服务
    业）"). Names listed that share nothing are parts more often ("重点人群（高校毕业生、农民工）": None).
    Guessing gave 4 of compare_blind30/31/36's cells (aggregates only) and showed no more wrong figures there."""
    clause_at = last_break(CLAUSE_BREAK, before, len(before))
    words = list(jieba_tokenizer().cut(before[clause_at:]))
    if not words:
        return None
    starts = [len(before) - sum(map(len, words[i:])) for i in range(len(words))]
    last = range(max(0, len(words) - 3), len(words))
    # "燃气管道（管网）": 燃气管网. A word begins at a word's start or two characters on in a longer one (jieba cuts
    # "燃气管|道"), not inside a word ("旅游收入（游客总花费）" is no "旅游客总花费").
    begins = {starts[i] + k for i in last for k in range(0, len(words[i]), 2) if k == 0 or len(words[i]) >= 3}
    leading = max((at for at in begins if before.startswith(name[0], at)), default=None)
    if leading is not None and before[leading:] != name:
        return leading
    sharing = [i for i in last if set(words[i]) & set(name)]
    if sharing:
        return starts[sharing[0]]
    if not guess:
        return None
    for i in reversed(range(max(0, len(words) - 2), len(words))):
        if len(before) - starts[i] >= len(name) - 1:
            return starts[i]
    return starts[max(0, len(words) - 2)]


def _asks_own_thing(sentence: str, places: set[str]) -> bool:
    """The sentence names what it asks, beyond places, years, its unit and the words asking ("光明新区2015年各调处了
    多少宗": 调处; not "河南2025年是多少万人", which asks what the sentence before does)."""
    for name in places:
        sentence = sentence.replace(name, "")
    unit = asked_unit(sentence) or ""
    left = _ASKING.sub("", YEAR_WORD.sub("", sentence)).replace(unit, "")
    return len(re.findall(HAN, left)) >= 2


def one_report_question(question: str, cell: Cell, taken: Iterable[str], own_periods: bool = False,
                        dated: bool = True) -> str:
    """The comparison asked of one report: its place and year before what the question asks of each
    ("2021年福田、龙岗…各是多少" → "福田2021年地区生产总值是多少"), the other places and years and the words that
    ask for each taken out."""
    text = without_refused_things(_ASIDE.sub("", question))
    for name in sorted(set(taken), key=len, reverse=True):
        text = text.replace(name, _GONE)
    text = _PLACES_REPORT.sub("", text)
    by_year_end = bool(_BY_YEAR.search(text))
    report_named = bool(REPORT_YEAR.search(question))
    text = _BARE_YEARS.sub(_GONE, YEAR_WORD.sub(_GONE, text))
    if own_periods:  # "北京“十四五”末、深圳市2012年…": each cell asks its own
        text = _PERIOD_ASKED.sub(_GONE, text)
    text = _PERIOD_OF_OTHER.sub(_GONE, text)  # "…、西安“十四五”末…": another place's period
    text = _PLACE_COUNT.sub(_GONE, text)
    if report_named:  # "国务院2003年、2008年政府工作报告里，上一年的…": the report searched is the one named
        text = _REPORT_NAMED.sub(_GONE, text)
    text = THIS_YEARS_REPORT.sub(_GONE, text)  # "今年各省的政府工作报告里，": so is this year's
    text = _BY_GONE.sub(_GONE, text)
    if not asks_wording(question):  # "…涨了多少？把…报告里的说法对比一下": the figure each gives, not its phrasing
        text = WORDING.sub(_GONE, text)
    text = _LEFT_AROUND.sub("", COMPARE.sub("", text)).strip("的：:，,。.？? 把")
    text = _ASKED_AGAIN.sub(HOW_MUCH, text)  # "…增加值哪个区多？…各是多少，…又是多少" leaves "增加值？是多少是多少"
    if not asks_figure(text):  # "…对比一下", "…各是什么情况": asked of one report, how much it is
        text = _AS_A_WHOLE.sub(HOW_MUCH, text, count=1)
        text = text if asks_figure(text) else text + HOW_MUCH
    elif not asks_how_many(text):  # "…实现就业的人数": a number of people, as "…人数是多少" says
        text += HOW_MUCH
    # A plan period asked ("“十四五”期间…", "截至“十四五”末"): its review answers, which one year's name would doubt.
    year = cell.period or (f"{cell.year}年" if cell.year and dated and not PLAN_PERIOD.search(text) else "")
    # "到2025年…达到多少": the level reached by the year's end, which a review of the years before gives.
    year = f"到{year}底" if year and by_year_end and not cell.period else year
    text = _PREVIOUS_NAMED.sub("", text) if year else text
    return f"{cell.place}{year}{text}"


def compare_table(query: Query, reports: dict[int, StoredReport], places: dict[int, Places],
                  mentioned: set[str], ask: Ask, share: Share, asked: bool = False) -> Table | None:
    """The comparison's table, or None when the question is none (`asked`: the caller says it is one) or reaches
    fewer than two reports. `share` tells a common word from a distinctive one (_names_topic)."""
    mentioned = compared_places(query.place_text, places, mentioned)
    if not (asked or asks_comparison(query.text) or _names_several(query, mentioned)):
        return None
    cells = scope_cells(query, reports, places, mentioned)
    # Two reports at least: a table of one report and years no report reviews lost 2 of compare_blind3's cells
    # that the ranked results (one report's figure among them) held (0.85 → 0.83).
    if len({c.report.id for c in cells if c.report}) < 2:
        return None
    # Places named with no report of their own go too ("…、西安“十四五”末地铁运营里程…": its period left in made every
    # report's question one of the plan period).
    taken = [n for p in places.values() for n in p.own] + [COUNTRY, *mentioned]
    level = _asks_level(query)
    own_periods = any(c.period for c in cells)
    # Reports named by their years only ("2003、2008年政府工作报告里…"): what each states. The year before named
    # ("去年…实际完成了多少") is the cell's year, and one year's figure, not the five years' in the same report
    # (江苏's "城镇新增就业超690万人": compare_blind22 V703).
    dated = bool(query.fact_years or PREVIOUS_YEAR_NAMED.search(query.text) or THIS_YEARS_REPORT.search(query.text))
    asked = expand_abbreviations(query.text)  # "京、冀…" asked of 北京's report as "北京…"
    places = {c.place for c in cells}
    namings = [(asked, ""), *other_namings(asked, taken)]
    answered = [_answered(cell, [(one_report_question(own_clause(q, cell.place, places), cell, taken, own_periods,
                                                      dated), name) for q, name in namings], ask, share, level)
                for cell in cells]
    return Table(rows=tuple(c for c in answered if c.hit is not None),
                 missing=tuple(c for c in answered if c.hit is None))


def _answered(cell: Cell, questions: list[tuple[str, str]], ask: Ask, share: Share, level: bool = False) -> Cell:
    """The cell answered by the first of the `questions` its report answers: the question as asked, then in each
    other name it gives, whose answer must say it where the figure is (asked "新能源装机占…比重", 江苏's "服务性消费支出
    占…比重" is no answer; "抓好550个省重大项目" is)."""
    for question, name in dict.fromkeys(questions):
        answered = _answered_by(cell, question, ask, share, level)
        if answered.hit is not None and (not name or name in _figure_clause(answered.hit.answer)):
            return answered
    return cell


def _answered_by(cell: Cell, question: str, ask: Ask, share: Share, level: bool = False) -> Cell:
    """The cell with its report's answer when the search trusts it and it marks a figure; not a rate where the
    comparison asks a `level`: a report's opening states "地区生产总值增长5.3%" more often than the level
    (compare_blind9: three of four GDP rows were rates)."""
    if cell.report is None:
        return cell
    result = ask(question, Filters(reports=(cell.report.path,)))
    if not result.hits or not (result.confident or _named_outright(result) or _other_tense(result)):
        return cell
    for rank, hit in enumerate(result.hits[:1 + RUNNERS_UP]):
        marked = _row_hit(result.query, cell, hit, share, level)
        # A top answer the search doubts is weighed as a runner-up when a result is asked: "深圳2020年居民人均可支配
        # 收入" is not the "十四五" goal "…居民人均可支配收入超过9万元" its indicator named outright (compare_blind17
        # R324). A target asked keeps it: an item of the targets' list may stand in a passage after their lead-in
        # ("CPI涨幅2%左右，…": compare_blind5 C001).
        trusted = (result.confident or _asks_target(result.query)) and not _other_tense(result)
        if marked and ((rank == 0 and trusted) or _runner_up_fits(result.query, marked)):
            return replace(cell, hit=marked)
    return cell


def _runner_up_fits(query: Query, hit: Hit) -> bool:
    """A passage after the top one, which the search's own checks did not weigh, fills a row only when its figure's
    clause names the indicator asked and its sentence is in the tense asked: a plan ("新增国高企业300家以上") is no
    result, a review ("一年来…生产总值增长5.6%") no target."""
    lead = _clause_lead(hit.answer)
    if not any(states_indicator(i, lead) for i in query.indicators):
        return False
    if _asks_target(query):
        return _stated_as_target(hit)
    return sentence_tense(hit.answer.text, section_tense(hit.chunk.section)) != PLAN


def _row_hit(query: Query, cell: Cell, hit: Hit, share: Share, level: bool) -> Hit | None:
    """The hit with the figure asked marked, or None when it marks none that fits."""
    if hit.answer is None or hit.chunk.report.id != cell.report.id:
        return None
    answer = _respective_marked(query, cell.place, _rate_level_marked(query, _growth_marked(query, _reached_marked(_stock_marked(
        query, _indicator_marked(query, _year_marked(query, _past_duration_marked(query, _counted_marked(
            query, hit.answer)))))))))
    if answer is None:
        return None
    marked = replace(hit, answer=answer)
    if not figure_fits(query, answer, _in_review(marked)) or (level and _rates(answer.span_text or "")) \
            or _in_period_review(query, marked) or not _of_indicator(query, answer) \
            or not _names_topic(query, cell.place, answer, share) or not _clause_names_topic(query, cell.place, answer, share) \
            or _plan_for_result(query, marked) or _other_base(query, answer):
        return None
    return marked


def _other_base(query: Query, answer: Answer) -> bool:
    """A figure per something is asked ("万元GDP水耗", "每平方公里产出") and the sentence, up to the one marked, gives
    it per nothing or per another base ("全年实现地区生产总值245亿元": compare_blind35 F915, F916)."""
    asked = per_base(query.text)
    return asked is not None and per_base(answer.text[:answer.span_end - answer.start]) != asked


def _plan_for_result(query: Query, hit: Hit) -> bool:
    """A result is asked (no plan or target word) and the sentence states a target outright ("…不少于28万人"), or is
    an item of a list of targets ("主要预期目标是：生产总值增长5%左右，…城镇新增就业40万人")."""
    return not _asks_target(query) and _stated_as_target(hit)


def _asks_target(query: Query) -> bool:
    return query.tense == PLAN or query.insists_target or query.target_named


def _stated_as_target(hit: Hit) -> bool:
    """The figure's clause states a target, or it follows a lead-in naming targets in its sentence ("主要预期目标是：
    …"). Its own clause, not the sentence: "聚焦“1+2+4+N”目标任务体系，…生产总值增长5.6%" reviews the year."""
    return states_target(_clause_lead(hit.answer)) \
        or introduces_targets(hit.chunk.text[:hit.answer.span_start - hit.chunk.start]) or _of_later_year(hit) \
        or _under_plan_heading(hit)


def _under_plan_heading(hit: Hit) -> bool:
    """The passage stands under a heading naming a five-year plan not over by its report's year ("二、“十五五”时期主要
    目标任务" in 河南's 2026 report): its figures are that plan's ("全社会研发经费投入年均增长10%以上", compare_blind35
    F904). Not one naming a plan that is over too ("二、“十四五”时期发展成就和“十五五”时期主要目标": 北京's "公园总数达
    1136个", compare_blind8 E021); the title (a report on a plan is titled so and reviews years too) aside, where a
    path repeats it too."""
    own = _own_year(hit.chunk.report)
    title, *headings = hit.chunk.section.split(SEPARATOR)
    return own is not None and any(_names_plan_ahead(h, own) for h in headings if h != title)


def _names_plan_ahead(heading: str, own: int) -> bool:
    """The heading names plans (heading_tense) of five-year plans none of which is over by `own`; not "一、2023年和
    “十四五”前三年工作回顾", nor "（二）“十四五”规划重大工程加快推进" (review of 300f2d7)."""
    ends = [plan_end_year(m.group()) for m in PLAN_PERIOD.finditer(heading)]
    return bool(ends) and min(ends) >= own and heading_tense([heading]) == PLAN


def _of_later_year(hit: Hit) -> bool:
    """The figure's sentence, up to it, speaks of a year after its report's ("到一九八五年，粮食产量达到八千亿斤" in the
    1978 report: compare_blind21 W710): a plan for then, whatever its words."""
    latest = max(hit.chunk.report.years, default=None)
    before = hit.answer.text[:hit.answer.span_end - hit.answer.start]
    return latest is not None and any(year_value(m.group(1)) > latest for m in _BY_A_YEAR.finditer(before))


def _in_period_review(query: Query, hit: Hit) -> bool:
    """One year's figure asked and the one marked stands in a review of several years ("这五年…社会消费品零售总额
    突破1.5万亿元" for 河北's 2025): that year's own figure is in its own review (lists_blind2: a wrong row).
    Unless its clause names the year ("由1997年的3252亿美元增加到2002年的6208亿美元": lost a right row) or states the
    level reached at the review's end ("居民人均可支配收入从27136元增长到36439元": compare_blind18 T421) and what was
    added is not asked ("新增养老床位": not "全区养老机构…达到9341个、床位10.5万张", compare_blind8 E029)."""
    if not asks_one_year(query) or hit.answer is None:
        return False
    lead = _clause_lead(hit.answer)
    if last_named_year(lead) in query.fact_years or (states_level_reached(lead) and not asks_added(query.text)):
        return False
    return _in_review(hit)


def _in_review(hit: Hit) -> bool:
    """The answer stands in a review of several years ("过去五年…") its passage opens, or, giving what was added
    ("城镇新增就业603.7万人": five years' jobs, compare_blind22 V703), one its report opened passages before
    (search/rank.in_review). A level there ("高速公路通车里程6895公里") reads as the review's last year's, as before
    (compare_blind18 T420)."""
    at = hit.answer.start - hit.chunk.start
    if any(a <= at < b for a, b in period_reviews(hit.chunk.text)):
        return True
    lead = _clause_lead(hit.answer) if hit.answer.span_end is not None else hit.answer.text
    return hit.answer.in_review and gives_only_added(lead)


_OUTWEIGHED = frozenset({DoubtKind.LOW_CONFIDENCE, DoubtKind.WEAK_MATCH})
_OTHER_TENSE = frozenset({DoubtKind.TARGET_NOT_RESULT, DoubtKind.RESULT_NOT_TARGET})


def _other_tense(result: SearchResult) -> bool:
    """The top answer is doubted only for its tense (a target where a result is asked, or the reverse): a runner-up in
    the tense asked may answer ("城镇新增就业120万人" is 江苏's 2026 target; its 2025 result "城镇新增就业141万人"
    ranks third: compare_blind22 V703)."""
    return result.doubt is not None and result.doubt.kind in _OTHER_TENSE


def _named_outright(result: SearchResult) -> bool:
    """Only the calibrated confidence or the share of the question's words doubts the answer, and the figure's own
    clause names the indicator asked ("河南2025年社会消费品零售总额": "…，社会消费品零售总额增长5.6%，…"; "南山2021年
    PM2.5浓度": "空气质量优良率达94.2%，PM2.5降至19.1微克/立方米"): with the report and year fixed by the
    comparison, what the calibration weighs against (another place's or year's passage) is ruled out."""
    answer = result.hits[0].answer
    if result.doubt is None or result.doubt.kind not in _OUTWEIGHED or answer is None or answer.span_end is None:
        return False
    lead = _clause_lead(answer)
    return any(states_indicator(i, lead) for i in result.query.indicators)


def _growth_marked(query: Query, answer: Answer) -> Answer:
    """Where a growth or another rate is asked and the figure marked is the level beside it ("全市地区生产总值5.2万亿元、
    增长5.4%"), the rate that follows, which is what is asked; else the answer as it is."""
    if answer.span_end is None or not (asks_growth(query.text) or _asks_rate(query)) or _rates(answer.span_text or ""):
        return answer
    after = answer.text[answer.span_end - answer.start:]
    # The clause right after the level, past the comma that may part them ("生产总值7630.59亿元，增长9.1%"); a
    # share asked, the first clause giving one ("研发投入85.6亿元，增长21%，占GDP比重提高到3.6%").
    following = [c for c in clauses(after) if c.strip()]
    if following and not _CLAUSE_MARK.match(after) and not quantities(following[0]):
        following = following[1:]  # the rest of the level's own clause ("首次突破400亿元|大关，增长4.5%")
    share = asks_share(query.text)
    clause = next((c for c in following if gives_share(c)), "") if share else next(iter(following), "")
    rate = next((m for m in quantities(clause) if measure_of(m.group()) == "rate"), None)
    if rate is None:
        return answer
    start = answer.span_end + after.find(clause) + rate.start()
    return _remarked(answer, start, rate.group())


def _respective_marked(query: Query, place: str, answer: Answer) -> Answer | None:
    """Where the figure marked is one of several said of as many things in turn ("接待游客人次、出游总花费分别增长
    20.7%、15.3%"), the figure of the thing the question names most; None when it names none of them, or several as
    much ("能耗" of "水耗、电耗分别下降9.8%、5.2%"); else the answer as it is."""
    if answer.span_end is None:
        return answer
    text, at = answer.text, answer.span_end - answer.start
    start = max((m.end() for m in _CLAUSE_MARK.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in _CLAUSE_MARK.finditer(text, at)), len(text))
    clause = text[start:end]
    turn = clause.find(_RESPECTIVELY)
    if turn < 0:
        return answer
    things = [t for t in _THINGS_PART.split(clause[:turn]) if t.strip()]
    # "刑事、治安案件", "会议、文件数量": a shorter thing shares the last one's head, which it leaves out.
    things = [t + things[-1][len(t):] if things and len(t) < len(things[-1]) else t for t in things]
    # "全年交通、水利投资": a short one with no head word of its own shares the last one's (compare_blind32 D813), not
    # "进出口总额、实际利用外资".
    head = _head_word(things[-1]) if things else ""
    things = [t + head if head and len(t.strip()) <= _SHORT_THING and not t.strip().endswith(head) else t
              for t in things]
    figures = list(quantities(clause[turn:]))
    if len(things) < 2 or len(things) != len(figures):
        return answer
    grams = _topic_grams(query, place)
    held = [len(grams & set(bigrams(t))) for t in _without_shared_lead(things)]
    best = max(range(len(held)), key=held.__getitem__)
    if not held[best] or held.count(held[best]) > 1:
        return None
    figure = figures[best]
    at = answer.start + start + turn + figure.start()
    return _remarked(answer, at, figure.group())


_SHORT_THING = 4  # characters: "全年交通", "工业" name no measure of their own


def _without_shared_lead(things: list[str]) -> list[str]:
    """The things with the first one's lead left out where the others are one word each: it is said of them all
    ("万元GDP建设用地、水耗、电耗分别为…": 万元GDP; compare_blind37 M906 marked 建设用地's figure for 电耗)."""
    first = list(jieba_tokenizer().cut(things[0].strip()))
    if len(first) < 2 or any(len(list(jieba_tokenizer().cut(t.strip()))) > 1 for t in things[1:]):
        return things
    longest = max(len(t.strip()) for t in things[1:])
    own = next(("".join(first[i:]) for i in reversed(range(len(first))) if len("".join(first[i:])) >= longest),
               things[0])  # as long as the others at least: "解决率" of "诉求解决率、满意率", not 率
    return [own, *things[1:]]


def _head_word(thing: str) -> str:
    """The last of the words a thing's name is made of ("水利投资": 投资), none when it is one word ("电耗")."""
    words_of = list(jieba_tokenizer().cut(thing.strip()))
    return words_of[-1] if len(words_of) > 1 and len(words_of[-1]) > 1 else ""


def _indicator_marked(query: Query, answer: Answer) -> Answer:
    """Where the figure marked is not said of the indicator asked ("…达14.2万亿元、年均增长5.7%，人均地区生产总值达
    16.7万元" for "地区生产总值年均增长多少") and an earlier or later clause of the sentence names it, that clause's
    figure: its first rate where a growth is asked, else its last figure in the unit asked; else the answer as it is."""
    if answer.span_end is None or not query.indicators or _of_indicator(query, answer):
        return answer
    growth = asks_growth(query.text)
    for start, clause in _clause_starts(answer.text):
        if not any(states_indicator(i, clause) for i in query.indicators):
            continue
        fitting = [m for m in quantities(clause) if (measure_of(m.group()) == "rate") == growth
                   and answers_unit(query.figure_unit, m.group()) and not _duration(query, m.group())]
        # A rate follows its indicator ("增长5.7%、高于全国…"); a level is the one reached ("迈上4个万亿元台阶、达14.2万亿元").
        figure = (fitting[0] if growth else fitting[-1]) if fitting else None
        if figure is not None:
            begin = answer.start + start + figure.start()
            return _remarked(answer, begin, figure.group())
    return answer


def _stock_marked(query: Query, answer: Answer) -> Answer:
    """Where what was added is not asked ("高新技术企业总量", "地铁运营里程") and the figure marked counts the added
    ("新增国家级高新技术企业292家，总量达到905家", "新增运营里程30公里，总里程达909公里"), the figure of the clause giving
    the stock; else the answer as it is. Unless the stock is asked, the stock's clause names what the added one does
    ("里程"): "新增减税降费超万亿元" is not "人均地区生产总值达16.7万元" (compare_blind7 D013)."""
    if answer.span_end is None or asks_added(query.text) or not gives_only_added(lead := _clause_lead(answer)):
        return answer
    named = set(bigrams(without_added(lead)))
    for start, clause in _clause_starts(answer.text):
        figure = next((m for m in quantities(clause) if answers_unit(query.figure_unit, m.group())), None)
        if gives_stock(clause[:figure.start()] if figure else "") and not gives_only_added(clause) \
                and (asks_stock(query.text) or named & set(bigrams(clause))):
            begin = answer.start + start + figure.start()
            return _remarked(answer, begin, figure.group())
    return answer


def _duration(query: Query, figure: str) -> bool:
    """A time ("全国粮食连续四年增产", "…发展十年规划") where none is asked ("多少天", "优良天数"): no indicator's
    figure."""
    if measure_of(figure) != TIME:
        return False
    unit = unit_of(figure)
    return MEASURES.get(query.figure_unit or "") != TIME \
        and not (unit and unit in YEAR_WORD.sub("", query.text))


def _past_duration_marked(query: Query, answer: Answer) -> Answer:
    """Where the figure marked is a time none asks ("全国粮食连续四年增产，2007年产量达到50150万吨"), the next figure of
    its sentence in the unit asked; else the answer as it is (compare_blind19 U514)."""
    if answer.span_end is None or not _duration(query, answer.span_text or ""):
        return answer
    end = answer.span_end - answer.start
    after = next((m for m in quantities(answer.text[end:]) if not _duration(query, m.group())
                  and answers_unit(query.figure_unit, m.group()) and not DIGIT_YEAR.fullmatch(m.group())), None)
    return _remarked(answer, answer.span_end + after.start(), after.group()) if after else answer


def _counted_marked(query: Query, answer: Answer) -> Answer:
    """Where a count of something is asked ("签约了多少个项目", "多少个监控点") and the figure marked is not said of it
    ("筹办招商大会3场，签约重大项目50个"; "建成8个街道、…和9431个电子监控点"), the first figure in the unit asked that
    is, in its own stretch of the sentence (compare_blind24 Y802, Y807); where several are, the first said of most of
    what is asked ("优质饮用水入户改造完成了多少个小区": "106个小区优质饮用水入户改造", not "102个小区二次供水设施"
    before it, compare_blind27 R720); else the answer as it is."""
    if answer.span_start is None or not query.counted:
        return answer
    counts = [(m, stretch) for m, stretch in _counted_stretches(answer.text)
              if answers_unit(query.figure_unit, m.group()) and query.counted in stretch]
    if not counts:
        return answer
    asked = set(bigrams(content_text(query, set()))) - _UNIT_GRAMS - set(bigrams(query.counted))
    named = [len(asked & set(bigrams(stretch))) for _, stretch in counts]  # the question's bigrams each stretch holds
    start, end = answer.span_start - answer.start, answer.span_end - answer.start
    marked = [i for i, (m, _) in enumerate(counts) if m.start() < end and m.end() > start]
    if marked and named[marked[0]] >= max(named):
        return answer
    best = counts[named.index(max(named))][0]
    return _remarked(answer, answer.start + best.start(), best.group())


def _counted_stretches(sentence: str) -> list[tuple[re.Match[str], str]]:
    """Each figure of the sentence with the stretch around it that it is said of: from the mark before it to the
    next figure or mark ("…电子监控平台和 9431个电子监控点": " 9431个电子监控点")."""
    found = list(quantities(sentence))
    stretches = []
    for i, m in enumerate(found):
        start = max(sentence.rfind(c, 0, m.start()) for c in _STRETCH_MARKS) + 1
        end = found[i + 1].start() if i + 1 < len(found) else len(sentence)
        mark = _STRETCH_END.search(sentence, m.end(), end)
        stretches.append((m, sentence[max(start, found[i - 1].end() if i else 0):mark.start() if mark else end]))
    return stretches


_STRETCH_MARKS = "，,；;、。：:和及"  # where a figure's stretch of a sentence starts and ends
_STRETCH_END = re.compile(f"[{_STRETCH_MARKS}]")


def _remarked(answer: Answer, start: int, figure: str) -> Answer:
    """The answer with `figure`, at `start` in the report, as its marked figure."""
    return replace(answer, span_start=start, span_end=start + len(figure), span_text=figure)


def _clause_starts(text: str) -> list[tuple[int, str]]:
    """Each clause of the text with where it starts in it."""
    found, at = [], 0
    for clause in clauses(text):
        found.append((at, clause))
        at += len(clause) + 1
    return found


def _asks_rate_level(query: Query) -> bool:
    """A rate is asked, not how much it changed ("本科上线率各是多少", "研发投入占GDP的比重")."""
    return _asks_rate(query) and not _CHANGE_ASKED.search(without_refused_things(query.text))


def _rate_level_marked(query: Query, answer: Answer) -> Answer:
    """Where a rate is asked and the figure marked is how much something changed ("全社会研发投入增长65.6%，占地区
    生产总值比重9.4%"; "本科上线率比去年增长23%": compare_blind32 A811), the next rate of the sentence that is no
    change; else the answer as it is (which then fits no row)."""
    if answer.span_end is None or not _asks_rate_level(query) or not gives_only_change(_clause_lead(answer)):
        return answer
    at = answer.span_end - answer.start
    for start, clause in _clause_starts(answer.text):
        rate = next((m for m in quantities(clause) if measure_of(m.group()) == "rate"), None)
        if start >= at and rate is not None and not gives_only_change(clause[:rate.end()]):
            return _remarked(answer, answer.start + start + rate.start(), rate.group())
    return answer


def _reached_marked(answer: Answer) -> Answer:
    """Where the figure marked is where a change started ("人均预期寿命从2020年的82.4岁提升至83.9岁"), the figure
    reached; else the answer as it is."""
    if answer.span_end is None:
        return answer
    at = answer.span_end - answer.start
    lead = _clause_lead(answer)
    to = _REACHED.match(answer.text, at)
    figure = next(iter(quantities(answer.text[to.end():])), None) if to and _FROM in lead else None
    if figure is None or figure.start() > 0:
        return answer
    start = answer.start + to.end()
    return _remarked(answer, start, figure.group())


def _year_marked(query: Query, answer: Answer) -> Answer:
    """Where the figure marked is said of another year and the sentence goes on to the asked one ("由1997年的3252亿美元
    增加到2002年的6208亿美元", 2002 asked), the figure right after that year; where its clause names no year and a
    later clause opens with the asked one ("全国粮食连续四年增产，2007年产量达到50150万吨"), that clause's figure in
    the unit asked; else the answer as it is."""
    if answer.span_end is None or len(query.fact_years) != 1:
        return answer
    named = last_named_year(_clause_lead(answer))
    if named in query.fact_years:
        return answer
    offset = answer.span_end - answer.start
    year = query.fact_years[0]
    if named is None:
        opening = re.search(rf"[，,；;]\s*{year}年(?:底|末)?[^，,；;。]*", answer.text[offset:])
        figures = [m for m in quantities(opening.group()) if answers_unit(query.figure_unit, m.group())] \
            if opening else []
        if not figures:
            return answer
        start = answer.span_end + opening.start() + figures[0].start()
        return _remarked(answer, start, figures[0].group())
    after = re.search(rf"{year}年(?:底|末)?的?", answer.text[offset:])
    figure = next(iter(quantities(answer.text[offset + after.end():])), None) if after else None
    if figure is None or figure.start() > 0:
        return answer
    start = answer.span_end + after.end()
    return _remarked(answer, start, figure.group())


def _rates(text: str) -> list[str]:
    return [m.group() for m in quantities(text) if measure_of(m.group()) == "rate"]


def figure_fits(query: Query, answer: Answer, in_review: bool = True) -> bool:
    """The marked figure is the thing's own for the year: not relative to another place ("增幅高于全国0.2个百分点"),
    not a contribution or doubling ("贡献达91.8%", "翻番达到2206亿元"), not a share unless one is asked, not said
    of another year than the one asked ("从1997年的7.4万亿元增加到…"), and a rate
    where a growth is asked ("增速": not "增加近1000亿元")."""
    if answer.span_text is None or answer.span_start is None:
        return False
    lead = _clause_lead(answer)
    if _NOT_LEVEL.search(lead) or (gives_share(lead) and not _asks_rate(query)) or _duration(query, answer.span_text) \
            or _only_multiple(query, answer.span_text) or (asks_added(query.text) and gives_only_stock(lead)):
        return False
    # "国内生产总值从1997年的7.4万亿元增加到2002年的10.2万亿元": the figure is of the year its clause names last
    named = last_named_year(lead)
    if query.fact_years and named and named not in query.fact_years:
        return False
    # One year's figure asked is not a total or average over the years ("年均增长6.5%"), and a yearly average asked
    # ("“十四五”时期地区生产总值年均增长多少") is not one year's growth ("增长5.4%": compare_blind5, seven wrong rows);
    # a total asked may be stated without 累计 in a review of the years ("城镇新增就业452万人"). Outside such a
    # review (`in_review` False) 累计 is the year's own ("全年累计完成土地整备3平方公里") or the stock at its end
    # ("累计建成绿道136.4公里").
    over_years = states_period_total(lead, accumulated=in_review)
    if (over_years and not (states_period_total(query.text) or asks_period(query.text))) \
            or (states_average(query.text) and not states_average(lead)):
        return False
    # A rate asked ("优良天数比例") is not a count beside one ("全省PM2.5浓度下降13.7%，优良天数增加25天"), nor a count
    # asked a rate beside it ("实现就业的人数": not "户籍居民登记失业率控制在3%", compare_blind8 E007).
    if _asks_rate_level(query) and gives_only_change(lead):  # what _rate_level_marked found no level for
        return False
    if asks_growth(query.text) or _asks_rate(query):
        return bool(_rates(answer.span_text)) or (asks_growth(query.text) and gives_growth_multiple(answer.span_text))
    return not (_asks_count(query) and not _CHANGE_ASKED.search(query.text) and _rates(answer.span_text))


def _only_multiple(query: Query, span: str) -> bool:
    """The figure is a multiple of another ("可以等于一九四九年的一点五倍") where none is asked (compare_blind19 U514)."""
    figures = [m.group() for m in quantities(span)]
    return bool(figures) and measure_of(figures[-1]) == MULTIPLE and _MULTIPLE_WORD not in query.text \
        and not (asks_growth(query.text) and gives_growth_multiple(span))


def _asks_level(query: Query) -> bool:
    """An indicator that is a level is asked ("江苏2025年地区生产总值是多少"): not its growth or another rate
    ("居民消费价格" is a rate itself), nor a change of it in any words ("（水平或增速）"), nor a target, which is
    set as a growth ("增长5%左右")."""
    return bool(query.indicators) and query.tense >= 0 and not _asks_rate(query) \
        and not _CHANGE_ASKED.search(without_refused_things(query.text)) \
        and not any(is_rate(i) for i in query.indicators)


def _asks_count(query: Query) -> bool:
    """A number of things or people is asked ("多少张", "实现就业的人数是多少"); "死亡人数下降了多少" asks a change,
    which a rate gives."""
    return (MEASURES.get(query.figure_unit or "") or query.noun_measure) in COUNT_MEASURES


def _asks_rate(query: Query) -> bool:
    """A share or another rate is asked ("占GDP比重", "空气质量优良率": "优良天数比例98.6%" answers it)."""
    return asks_share(query.text) or any(m not in POPULATIONS for m in query.measures) or query.figure_unit == "%" \
        or query.noun_measure == "rate"


def _of_indicator(query: Query, answer: Answer) -> bool:
    """The figure is said of the indicator asked, when one is: its clause names it, or for a rate right after a
    level ("生产总值7630.59亿元，增长9.1%") the clause before. Searched in one report, the best passage always says
    something: "固定资产投资增长3%" for 吉林's CPI target (compare_blind5)."""
    if not query.indicators:
        return True
    end = answer.span_end - answer.start
    before = [c for c in clauses(answer.text[:end]) if c.strip()]
    said = before[-1] if before else ""
    if _CONTINUES.match(said) and len(before) > 1:
        said = before[-2] + said
    return any(states_indicator(i, said) for i in query.indicators)


def _names_topic(query: Query, place: str, answer: Answer, share: Share) -> bool:
    """The answering sentence holds a share of what is asked ("新建污水管网多少公里": not "新增郊野径和特色步道18.5
    公里"), and unless it names the indicator asked, more than common words of it ("新增养老床位" is not "新增学位
    9270座，成立…3个教育集团"; "上市企业" not "新引进落户企业436家"). Searched in one report the best passage
    always says something; compare_blind3–7's rows below MIN_TOPIC_SHARE were 24 wrong and 5 right."""
    grams = _topic_grams(query, place)
    if not grams:
        return True
    shared = grams & set(bigrams(answer.text))
    return len(shared) / len(grams) >= MIN_TOPIC_SHARE \
        and (bool(query.indicators) or any(share(g) <= MAX_COMMON_SHARE for g in _naming(shared)))


def _clause_names_topic(query: Query, place: str, answer: Answer, share: Share) -> bool:
    """The figure's own clause, with those before it that it goes on from ("…7630.59亿元，增长9.1%"), names what is
    asked by a word that is not common, or the indicator asked: a sentence naming it elsewhere is no figure of it
    ("新能源汽车产量增长5.1倍，13个大模型通过国家备案")."""
    grams = _topic_grams(query, place)
    if not grams or answer.span_start is None:
        return True
    parts = clauses(answer.text)
    at, end = answer.span_start - answer.start, 0
    for i, part in enumerate(parts):
        end += len(part) + 1
        if end > at:
            break
    own = parts[i]
    while i > 0 and (_CONTINUES.match(parts[i]) or _LEVEL_GOES_ON.match(parts[i])):
        i -= 1
        own = parts[i] + "，" + own
    if any(states_indicator(indicator, own) for indicator in query.indicators):
        return True
    return any(share(g) <= MAX_COMMON_SHARE for g in _naming(grams & set(bigrams(own))))


def _topic_grams(query: Query, place: str) -> set[str]:
    """What the question asks of the place, as bigrams, its units aside."""
    return set(bigrams(content_text(query, {place}))) - _UNIT_GRAMS


def _figure_clause(answer: Answer) -> str:
    """The whole clause of the answer's marked figure, what follows it too ("抓好550个省重大项目")."""
    start, end = answer.span_start - answer.start, answer.span_end - answer.start
    after = clauses(answer.text[start:])
    return _clause_lead(answer) + (after[0][end - start:] if after else "")


def _clause_lead(answer: Answer) -> str:
    """The answer's clause up to the end of its marked figure: what the figure is said of."""
    end = answer.span_end - answer.start
    before = clauses(answer.text[:end])
    return before[-1] if before else ""
