"""Numbers with their units, in digits and in Chinese numerals: "26起", "1.2万人次", "百分之六点五", "三百一十件"."""
from __future__ import annotations

import functools
import re

from text import CHINESE_DIGITS, IN_CLAUSE, REFUSAL
from text.lexicon import alternation, rows, words
from text.years import is_year

# Numerals of ordinals: outline headings ("一、", "（十二）", "第二十三条"), sessions ("第八届").
ORDINAL_NUMERALS = CHINESE_DIGITS + "十百两"
# Numerals that start a Chinese-written quantity ("四十五场", "两千千瓦").
_QUANTITY_NUMERALS = CHINESE_DIGITS[2:] + "十百千万两"
_MAGNITUDE = "[万亿千百]"
_ABOUT = "[多余]"  # "200多万元", "1500余宗", "3万余人"
# A share in words: "百分之六点五", "三分之一的企业", "千分之五", "万分之三", "百分之百".
_FRACTION = f"(?<![{CHINESE_DIGITS}十百千万])[{CHINESE_DIGITS}十百千万]+分之[{CHINESE_DIGITS}十百点几]+"
# A ratio of parts: "二、三产业比例为58.5:41.5", "一二三产业比重为0.1∶37.8∶62.1".
_RATIO = r"(?<![\d.:：∶])\d+(?:\.\d+)?(?:[:：∶]\d+(?:\.\d+)?)+"

UNITS = tuple(unit for unit, *_ in rows("units"))
QUANTITY_UNITS = tuple(unit for unit, kind, *_ in rows("units") if kind != "date")

# A number and its unit as one keyword token ("26起", "2023年", "6.5%").
NUMBER_WITH_UNIT = re.compile(rf"\d+(?:\.\d+)?(?:%|‰|{_MAGNITUDE}?{alternation(UNITS)})?")
# A number phrase an answer can show: a quantity, never part of a name such as "PM2.5" or "G20", nor the middle of
# a longer number ("一百零五人", "二〇二三年"), nor the base of a rate ("每千人病床数" states no figure); but an
# indicator may run into its figure ("人均GDP28.85万元"). Ordinals
# stay: "排名第38位" answers "排第几".
NUMBER = re.compile(
    rf"(?<!每)(?:(?:(?<![A-Za-z\d.])|(?<=GDP|gdp|CPI|cpi))\d+(?:\.\d+)?"
    rf"|(?<![{_QUANTITY_NUMERALS}{CHINESE_DIGITS}\d])[{_QUANTITY_NUMERALS}][{_QUANTITY_NUMERALS}〇零点]*)\s*"
    rf"(?:%|‰|{_ABOUT}?{_MAGNITUDE}{{0,2}}{_ABOUT}?{alternation(QUANTITY_UNITS)})"
    rf"|{_FRACTION}|{_RATIO}"
)


_NUMERAL_NAME = re.compile(alternation(words("numeral_names")))
_RATE = re.compile(rf"率|%|‰|{_FRACTION}")
# What each unit measures (units.tsv, third column), and what a question's "多少钱" asks.
MEASURES = {unit: rest[0] for unit, _, *rest in rows("units") if rest} | {"钱": "money", "%": "rate"}
_FOREIGN_CURRENCIES = frozenset(u for u, m in MEASURES.items() if m == "money" and u not in ("元", "钱"))
_CLASSIFIER_GROUPS = {unit: frozenset(rest[1].split()) for unit, _, *rest in rows("units") if len(rest) > 1}
GENERAL_CLASSIFIER = "个"
COUNT_MEASURES = ("count", "people")  # what a number of things or of people measures
MEASURE_NAMES = {measure: name for measure, name, *_ in rows("measures")}
_MEASURE_NOUNS = tuple((noun, measure) for measure, _, *nouns in rows("measures") for noun in " ".join(nouns).split())
RATE_NOUNS = tuple(noun for noun, measure in _MEASURE_NOUNS if measure == "rate")
MEASURE_NOUNS = frozenset(noun for noun, _ in _MEASURE_NOUNS)  # "多少面积": a measure asked, not a thing counted
_UNIT_AT_END = re.compile(f"{alternation(UNITS)}$")
_ARTICLE = re.compile(f"一{alternation(UNITS)}$")
# "几" asks how many, except in an ordinal ("第几"), pointing at a stretch of time ("那几年", "近几年"), as "a dozen
# or so" ("十几个项目", "数几"), or in 几乎.
_HOW_MANY = r"(?:多少|(?<![第这那哪近前头好十数])几(?!乎))"
# "深圳市2012年全市GDP总量": a total the question ends on asks how much, as "是多少" would ("总量控制措施" does not);
# so does a size asked ("外贸进出口规模多大": 进出口总额5.95万亿元, not 进出口增长27.4%).
_TOTAL = re.compile(r"(?:总[量额]|规模)(?=\s*(?:是|为(?!什么|何|啥)|有(?!没有)|多[大少]|[？?。]|$))")
_HOW_MUCH = re.compile(rf"{_HOW_MANY}|多[大高]|{_TOTAL.pattern}")  # "占了多大份额", "覆盖率有多高"
# "多少亿元", "几个人", "多少钱": the unit a question wants its figure in.
ASKED_UNIT = re.compile(rf"{_HOW_MANY}(?:{_MAGNITUDE}|个(?=人))?({alternation(MEASURES)})")


def gives_rate(sentence: str) -> bool:
    """The sentence states a rate or share ("通过率100%", "百分之六点五")."""
    return bool(_RATE.search(sentence))


# A search reads each shortlisted sentence's figures four to six times (evidence, measure, span, table):
# 390 calls a question over 240 sentences, 1.0 s of 8.3 in a profile of 157 questions at 100k passages.
@functools.lru_cache(maxsize=8192)
def quantities(sentence: str) -> tuple[re.Match[str], ...]:
    """The number phrases of a sentence that give a quantity (a year such as "2023年" or "一九四九年" is a date, not a
    quantity; "二万五千五百公里" is one), nor is the start of a name ("四人帮", "八项规定") or a tier ("百亿级基金")."""
    return tuple(m for m in NUMBER.finditer(sentence)
                 if not is_year(m.group().replace(" ", "")) and not _NUMERAL_NAME.match(sentence, m.start())
                 and not sentence.startswith("级", m.end()))


_BOUND_BEFORE = re.compile(alternation(w for w, where in rows("bound_words") if where == "before") + "$")
_BOUND_AFTER = re.compile(alternation(w for w, where in rows("bound_words") if where == "after"))


def is_bound(sentence: str, figure: re.Match[str]) -> bool:
    """The figure is a bound passed, not the figure itself ("突破2000亿美元", "40万人以上")."""
    return bool(_BOUND_BEFORE.search(sentence, 0, figure.start()) or _BOUND_AFTER.match(sentence, figure.end()))


def is_article(figure: str) -> bool:
    """A lone 一 before a unit is usually an article, not a figure ("一批积案", "这一年")."""
    return bool(_ARTICLE.match(figure))


def has_quantity(sentence: str) -> bool:
    return bool(quantities(sentence))


def measure_of(figure: str) -> str | None:
    """What a number phrase measures ("23.7亿元" money, "99%" rate, "8人" people); None when its unit does not
    say ("99.1万亿")."""
    if re.fullmatch(_FRACTION, figure) or re.fullmatch(_RATIO, figure) or figure.endswith(("%", "‰")):
        return "rate"  # a ratio of parts ("58.5:41.5") is a share too
    unit = unit_of(figure)
    return MEASURES.get(unit) if unit else None


def is_unit(word: str) -> bool:
    """The word is a unit, perhaps with its magnitude ("亿元", "万人", "公里")."""
    return bool(_UNIT_WORD.fullmatch(word))


_UNIT_WORD = re.compile(rf"{_MAGNITUDE}*(?:{alternation(QUANTITY_UNITS)})")
_DIGIT = re.compile(rf"[\d{CHINESE_DIGITS}十两]")


def has_digit(figure: str) -> bool:
    """The figure holds a number ("12个", "十二个"), not only a magnitude and unit (the "万元" of "万元GDP水耗")."""
    return bool(_DIGIT.search(figure))


def unit_of(figure: str) -> str | None:
    unit = _UNIT_AT_END.search(figure)
    return unit.group() if unit else None


# "增长了百分之几", "占比百分之多少": a share is asked, whatever else the question names.
_ASKS_PERCENT = re.compile(r"百分之(?:几|多少)|百分比")


_UNIT_LED = words("unit_led_words")


def asked_unit(question: str) -> str | None:
    """The unit a question wants its figure in ("多少亿元" 元, "多少张病床" 张, "多少钱" 钱, "百分之几" %)."""
    if _ASKS_PERCENT.search(question):
        return "%"
    unit = ASKED_UNIT.search(question)
    if unit and question.startswith(_UNIT_LED, unit.start(1)):
        return None
    return unit.group(1) if unit else None


def asks_how_many(question: str) -> bool:
    """The question asks how much or how many ("多少", "几个"), not which ones ("哪几个") or when ("那几年")."""
    return bool(_HOW_MUCH.search(question))


def asks_total(question: str) -> bool:
    """The question asks for a total ("GDP总量是多少"), which a growth rate does not give."""
    return bool(_TOTAL.search(question))


def noun_measure(question: str) -> str | None:
    """The measure a question asks for by a noun rather than a unit ("服务费用是多少" money); the head of a noun
    phrase comes last ("GDP增速": a rate, "工业在经济总量里占了多大份额": a share), the longest noun first where
    two end together; only when it asks how much ("占地面积最大的公园叫什么" asks a name)."""
    text = question.lower()
    if not _HOW_MUCH.search(text):
        return None
    found = [(text.rfind(noun) + len(noun), len(noun), measure) for noun, measure in _MEASURE_NOUNS if noun in text]
    return max(found)[2] if found else None


_PER_BASES = {base: re.compile("|".join(words)) for base, *words in rows("per_bases")}
# "每万人常住人口配备全科医生6.3名": a figure per so many people is a rate, not a count of them.
_PER_HEAD = re.compile(f"(?:{_PER_BASES['people'].pattern})" + r"[^，,；;。]*$")


def per_base(text: str) -> str | None:
    """What the text's figure is per ("万元GDP水耗": output, "每平方公里": land), None for a total."""
    return next((base for base, said in _PER_BASES.items() if said.search(text)), None)


# "按人均算…GDP是多少": a figure per person, which a total does not give.
_PER_CAPITA = re.compile("人均|每人|平均每个人")


def per_capita(text: str) -> bool:
    """The text asks or gives a figure per person ("人均", "每人")."""
    return bool(_PER_CAPITA.search(text))


# "南山区一共有多少个公园" asks how many there are, which "建成科苑公园等4个公园" (the new ones) does not give, unless
# the sentence gives the stock too ("公园总数达1136个", "累计建成").
_STOCK_ASKED = re.compile(r"(?:一共|总共|共|总计)有(?:多少|几)|总数")
_COUNTED_TOTAL = "总量"  # a stock when things are counted ("高新技术企业总量…多少家"), a level of money ("GDP总量")
# "新认定国家高新技术企业114家": not 总量
ADDED_WORDS = ("新增", "新建", "建成", "新开", "增加", "新落成", "开工", "新认定", "新培育", "新引进")
_ADDED = re.compile(alternation(ADDED_WORDS))
_STOCK_GIVEN = re.compile(r"总数|累计|共有|总量|已有|现有|达到|达|增至|增加到|全[市区县乡镇省国]共|共\d")


# "两院院士增至123位" is how many there are now: not how many were added ("新增了几位两院院士", compare_blind25 Z905).
_STOCK_REACHED = re.compile("增至|增加到|总数|总量|共有|现有|已有|突破")


def asks_stock(question: str) -> bool:
    """The question asks how many there are in all, not how many were added."""
    if _STOCK_ASKED.search(question):
        return True
    unit = asked_unit(question)
    return _COUNTED_TOTAL in question and unit is not None and MEASURES.get(unit) == "count"


def gives_stock(text: str) -> bool:
    """The text gives how many there are in all ("总量达到905家", "增至1415家")."""
    return bool(_STOCK_GIVEN.search(text))


def asks_added(question: str) -> bool:
    """The question asks how many were added ("新增养老床位各多少张"), not how many there are."""
    return bool(_ADDED.search(_STOCK_REACHED.sub(" ", question))) and not asks_stock(question)  # not "增加到多少"


def without_added(text: str) -> str:
    """The text without the words saying something was added ("新增运营里程" → "运营里程")."""
    return _ADDED.sub(" ", text)


def gives_only_stock(text: str) -> bool:
    """The text gives how many there are in all and not how many were added ("两院院士增至123位")."""
    return bool(_STOCK_REACHED.search(text)) and not _ADDED.search(_STOCK_REACHED.sub(" ", text))


def gives_only_added(sentence: str) -> bool:
    """The sentence counts what was added ("建成…4个公园") and gives no stock."""
    return bool(_ADDED.search(sentence)) and not _STOCK_GIVEN.search(sentence)


# "2002年GDP增长了多少": a growth rate is asked, which "平均每年增长7.7%" over five years does not give for one year.
_GROWTH_ASKED = re.compile("增长了?多少|增速|增幅|涨幅|增长率|涨了多少")
# "只要总额，不要增速" asks the level: read as a growth question, Hebei's "一般公共预算收入从3826.5亿元增长到4398.6亿元"
# was set aside for the five-year average beside it (compare_blind26 Q603).
_REFUSED_GROWTH = re.compile(rf"{REFUSAL}{IN_CLAUSE}{{0,4}}?(?:增速|增幅|涨幅|增长率|增长了?多少|涨了多少)")


# "服务业占本市生产总值比重", "研发投入占GDP百分之几", "工业在经济总量里占了多大份额": a share of a whole. Asked, a
# growth rate does not give it ("旅游收入占GDP比重多少" is not "旅游收入97亿元，增长37.1%"); and the whole named in it
# is not the indicator asked (text.question).
SHARE_OF = re.compile(r"(?:在[^，,；;。]{0,10}?[里中内])?占[^，,；;。]{0,10}?(?:比重|比例|份额|百分之|百分比|几成|多大|的?多少)")
_SHARE_NOUN = re.compile("比重|占比|份额|几成")
_SHARE_GIVEN = re.compile("占|比重|比例|份额|的百分之")  # "达到全体农户的百分之六十"


def asks_share(question: str) -> bool:
    """The question asks what share of a whole something is."""
    return bool(SHARE_OF.search(question) or _SHARE_NOUN.search(question))


def gives_share(sentence: str) -> bool:
    """The sentence states a share ("占地区生产总值的比重达到64.5%"), not only a rate of change."""
    return bool(_SHARE_GIVEN.search(sentence))


def asks_growth(question: str) -> bool:
    """The question asks how fast something grew, not its level."""
    return bool(_GROWTH_ASKED.search(_REFUSED_GROWTH.sub(" ", question)))


MULTIPLE = "ratio"  # what "一点五倍" measures (units.tsv)
_RISES = "增长|增加|提高|上升|扩大|增"
_RIGHT_BEFORE_FIGURE = "了?(?:近|约|超过|超)?$"
_GROWN_BY = re.compile(f"(?:{_RISES}){_RIGHT_BEFORE_FIGURE}")


def gives_growth_multiple(span: str) -> bool:
    """A growth said as a multiple ("知识产权质押融资金额增长14倍": compare_blind32 D819), not a level as a multiple of
    another ("等于一九四九年的一点五倍")."""
    figures = quantities(span)
    return bool(figures) and measure_of(figures[-1].group()) == MULTIPLE \
        and bool(_GROWN_BY.search(span[:figures[-1].start()]))


# "本科上线率比去年增长23%", "城镇化率提高1.2个百分点": how much a rate changed, where the rate itself may be asked
_CHANGED_BY = re.compile(f"(?:{_RISES}|提升|下降|降低|减少|回落|降){_RIGHT_BEFORE_FIGURE}")


def gives_only_change(clause: str) -> bool:
    """The clause's last figure is how much something changed: it follows the change word right away."""
    figures = quantities(clause)
    return bool(figures) and bool(_CHANGED_BY.search(clause[:figures[-1].start()]))


def asks_per_head(question: str) -> bool:
    """The question asks for a figure per so many people ("每万人常住人口配了几名全科医生")."""
    return bool(_PER_BASES["people"].search(question))


def per_head(sentence: str, figure: re.Match[str]) -> bool:
    """The figure is given per so many people, in its own clause ("每万人…配备全科医生6.3名")."""
    return bool(_PER_HEAD.search(sentence[:figure.start()]))


def answers_measure(measure: str, figure: str) -> bool:
    """The figure is of that measure or a rate (a question asking "收入…多少" may mean its growth)."""
    return measure_of(figure) in (measure, "rate", None)


def _currency(unit: str) -> str:
    """The currency a unit of money names: a foreign one ("美元") or the yuan ("元", and "钱" asked)."""
    return unit if unit in _FOREIGN_CURRENCIES else "元"


def answers_unit(asked: str | None, figure: str) -> bool:
    """The figure can answer a question asking for a figure in that unit: one of the same measure ("多少亿元" is
    not "增长7%"), a count in the classifier asked, one of its group or 个 ("多少本护照" is not "321名", nor
    "多少张病床" "6项指标"). A lone 一 is usually an article ("一批积案", "一期工程"), a figure only in the very
    unit asked ("开了几次" → "一次")."""
    if asked is None:
        return True
    if is_article(figure):
        return figure.endswith(asked)
    want, given = MEASURES[asked], measure_of(figure)
    if given is None:
        return True
    if want == "count" and asked != GENERAL_CLASSIFIER:
        return given == "count" and _same_classifier(asked, unit_of(figure) or "")
    if want == "money" and given == "money":  # "多少亿美元" is not "出口退税190.3亿元" (compare_blind17 R320)
        return _currency(asked) == _currency(unit_of(figure) or "")
    return given == want or (want == "count" and given == "people")  # "几个" → "8人"


def _same_classifier(asked: str, given: str) -> bool:
    return given in (asked, GENERAL_CLASSIFIER) or bool(_CLASSIFIER_GROUPS.get(asked, frozenset())
                                                         & _CLASSIFIER_GROUPS.get(given, frozenset()))
