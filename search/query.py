"""Understand a question: quoted wording, years, whether it asks for a quantity or for precedent wording."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.read import normalize_text

_QUOTED = re.compile(r"[“\"「『‘'《]([^”\"」』’'》]{2,60})[”\"」』’'》]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|(?!\d))")
_QUANTITY = re.compile(r"多少|几[个起次人家项件所条座名位户万亿千百十]?|多大|多高|多长|多久|比例|百分之|百分比|占比|增长|增速|下降|"
                       r"提高了|达到|规模|总量|金额|数量|人数|面积|产值|收入|投资额|率[是为]?")
_WORDING = re.compile(r"怎么写|如何写|怎样写|怎么表述|如何表述|怎样表述|写法|表述|提法|措辞|怎么说|如何说|范文|参考|"
                      r"别的(?:乡镇|地方|单位|区|县|市|部门)|其他(?:乡镇|地方|单位|区|县|市|部门)")
# "2014年南山区报告中…", "大鹏新区2024年工作报告里…": the year names the report, not the fact.
_REPORT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?的?[\u4e00-\u9fff]{0,8}?(?:工作)?报告")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
# "张店乡党委书记叫什么名字": a person's name is wanted, and only a sentence naming one answers it.
_PERSON_ROLE = re.compile(r"(书记|区长|市长|县长|乡长|镇长|省长|主任|局长|主席|总理|部长|厅长)[^，。？?]{0,4}"
                          r"(?:叫什么名字|叫什么|叫啥|姓名|名字|姓什么)")
# "行政诉讼败诉率是多少", "常住人口": a rate or population asked for is answered only by a sentence that names it.
_MEASURE = re.compile(r"[\u4e00-\u9fff]{2}率(?![先领])|(?:常住|户籍|贫困|农村|城镇|流动|总)人口")
_PREVIOUS_YEAR = re.compile(r"上一年|上年|去年|前一年|头一年")
# "盐田港14年集装箱吞吐量", "21年那份报告": two-digit years as people type them; not "连续14年", "近10年来".
_SHORT_YEAR = re.compile(r"(?<![\d.])(?<!连续)(?<!近)(?<!第)(?<!过去)(?<!最近)(?<!这)(?<!用)(?<!历时)"
                         r"(\d{2})(?=年(?!代|来|间|前|后|内|时|左右|以上|以下|多))")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_PLAN = re.compile(r"计划|打算|目标|安排|将要|准备|明年|今年|下一步|预期|力争|要求|部署|任务")
_DONE = re.compile(r"了|去年|上年|实现|完成|已经|取得|累计|成效|成绩")
MAX_QUERY_CHARS = 500
# Words officials use that reports spell differently; each adds the report's wording to the question.
SYNONYMS = {
    "gdp": "生产总值", "经济总量": "生产总值", "财政收入": "一般公共预算收入", "外资": "外商投资",
    "cpi": "居民消费价格", "物价": "居民消费价格", "老百姓": "群众", "执法证": "行政执法证",
    # Abbreviations and their full forms, both ways: a report may use either.
    "社零": "社会消费品零售总额", "社会消费品零售总额": "社零", "固投": "固定资产投资", "规上": "规模以上",
    "专项债": "专项债券", "棚改": "棚户区改造", "棚户区改造": "棚改", "保障房": "保障性住房",
    "保障性住房": "保障房", "公租房": "公共租赁住房", "外贸": "进出口", "超级计算机": "超算", "超算": "超级计算",
    "新能源车": "新能源汽车", "人均收入": "人均可支配收入", "研发投入": "研发经费", "r&d": "研发",
    # "一共/总共…多少" asks for a running total, which reports write as 累计.
    "一共": "累计", "总共": "累计",
}
_QUESTION_WORDS = re.compile(
    r"多少|几个|几项|几次|几|是什么|什么|怎么写|怎样写|如何写|怎么表述|如何表述|怎么说|怎么|怎样|如何|哪些|哪个|哪里|是否|请问|"
    r"一下|有没有|原文|表述|写法|说法|提法|措辞|找找|找一下|报告里|报告中|工作报告|政府工作报告|里面|是谁|谁|吗|呢|"
    r"(?:取得了?)?新?进展|特别之处|哪几个|哪几项|为什么|为啥|咋样|咋|啥|"
    r"那份|这份|讲的|说的|提到的|" + _PREVIOUS_YEAR.pattern)
_YEAR_WORDS = re.compile(r"(?:19|20)\d{2}\s*年度?")


@dataclass(frozen=True)
class Query:
    text: str                   # normalised question, trimmed to a sensible length
    quoted: tuple[str, ...]     # phrases that must appear verbatim
    years: tuple[int, ...]      # years named explicitly ("去年" is deliberately ignored)
    wants_quantity: bool
    wants_wording: bool
    expanded: str = ""          # text plus the report wording of any synonyms it uses
    tense: int = 0              # +1 asks what was done, -1 asks what is planned, 0 cannot tell
    report_years: tuple[int, ...] = ()  # those years that name the report ("2024年工作报告里")
    person_role: str = ""       # "书记" when the question asks that office holder's name
    measures: tuple[str, ...] = ()  # rates and populations asked for ("败诉率", "常住人口")


def parse_query(question: str) -> Query:
    text = " ".join(normalize_text(question).split())[:MAX_QUERY_CHARS]
    # "二〇二三年" is how some people write 2023; reports write digits.
    text = _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), text)
    text = _SHORT_YEAR.sub(_full_year, text)
    quoted = tuple(dict.fromkeys(q.strip() for q in _QUOTED.findall(text) if q.strip()))
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))
    report_years = tuple(y for y in dict.fromkeys(int(y) for y in _REPORT_YEAR.findall(text)) if y in years)
    if report_years and _PREVIOUS_YEAR.search(text):
        # "2014年那份报告里讲的上一年GDP": the year the report reviews.
        years = tuple(dict.fromkeys([*years, *(y - 1 for y in report_years)]))
    extra = [v for k, v in SYNONYMS.items() if k in text.lower() and v not in text]
    return Query(
        text=text,
        quoted=tuple(q for q in quoted if not q.startswith(("http", "www"))),
        years=years,
        report_years=report_years,
        person_role=m.group(1) if (m := _PERSON_ROLE.search(text)) else "",
        measures=tuple(dict.fromkeys(_MEASURE.findall(text))),
        wants_quantity=bool(_QUANTITY.search(text)),
        wants_wording=bool(_WORDING.search(text)),
        expanded=" ".join([text, *extra]),
        tense=_tense(text),
    )


def _full_year(match: re.Match) -> str:
    two = int(match.group(1))
    return f"20{two:02d}" if two <= 39 else f"19{two}" if two >= 50 else match.group(1)


def _tense(text: str) -> int:
    """Reports hold last year's results and this year's plans, often with the same words and numbers.

    A quantity question without a plan word asks for a result ("新增了多少学位").
    """
    if _PLAN.search(text):
        return -1
    if _DONE.search(text) or _QUANTITY.search(text):
        return 1
    return 0


def keyword_text(query: Query) -> str:
    """The question for the keyword index: its wording and synonyms without question words, which passages
    never contain but whose bigrams ("新进展") would match passages about something else."""
    return _QUESTION_WORDS.sub(" ", query.expanded or query.text)


def content_text(query: Query, places: set[str]) -> str:
    """What the question asks about, without the places, years and question words that only frame it."""
    text = query.expanded or query.text
    for place in sorted(places, key=len, reverse=True):
        text = text.replace(place, " ")
    text = _YEAR_WORDS.sub(" ", text)
    return _QUESTION_WORDS.sub(" ", text)
