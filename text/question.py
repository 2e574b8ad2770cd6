"""What a question asks for, and the words that only frame it (word lists: data/*_words.txt, data/synonyms.tsv)."""
from __future__ import annotations

import re

from text import HAN, IN_CLAUSE
from text.lexicon import alternation, rows, words
from text.numbers import ASKED_UNIT, MEASURE_NOUNS, MEASURES, RATE_NOUNS, SHARE_OF
from text.tense import TARGET_NOUNS
from text.years import YEAR

QUANTITY = re.compile(alternation(words("quantity_words")))
_WHICH_FEW = re.compile("哪几")  # "批准了哪几座沿边城市" asks which, not how many
WHY = re.compile(alternation(words("why_words")))
WORDING = re.compile(alternation(words("wording_words"), escape=False))
# "规范性文件印发了多少件？…报告各怎么说的", "新增了几个…基地？…分别怎么写的": the figure each report gives, not its
# phrasing (compare_blind35 F914 built no table). Not 几 in a phrase ("好几个部门", "给我几个例句": wording_blind2/3
# lost 5 answers to that), nor how many places or passages say it ("有几个省的报告提到…", "有几处提到").
_COUNTED_IN = alternation(sorted((u for u, m in MEASURES.items() if m in ("count", "people") and u != "处"),
                                 key=len, reverse=True))
# The measures asked named in brackets ("外贸进出口干得怎么样（总额或增速）？…各是怎么写的", "学法考试的结果（参考率、
# 通过率、优秀率）": compare_blind35 F920, compare_blind16 K223 built no table).
_MEASURES_ASIDE = rf"[（(][^）)]{{0,20}}?(?:{alternation(RATE_NOUNS)}|总额|总量|新增|率)[^）)]{{0,20}}[）)]"
_FIGURE_ASKED = re.compile(rf"多少|(?:了|有|是|新增|建成)几(?:{_COUNTED_IN})(?!省|市|区|县|地|报告|份)|{_MEASURES_ASIDE}")
# Question words, frame words and "the year before": what a question says without naming its subject.
FRAME = re.compile(alternation([*map(re.escape, words("question_words")), *words("frame_words"),
                                *words("previous_year_words")], escape=False))
ORIGINAL = re.compile(alternation(words("original_words")))
QUOTED = re.compile(r"[“\"「『‘'《]([^”\"」』’'》]{2,60})[”\"」』’'》]")
# "2014年南山区报告中…", "大鹏新区2024年工作报告里…": the year names the report, not the fact; a listed run of
# years before it names a report each ("国务院1992、2003、2024年报告").
# "2025年当年的数，报告里有没有" names the year, not a report (compare_blind28 A824).
REPORT_YEAR = re.compile(rf"(?<!\d)((?:{YEAR}年?\s*[、和及与,，]\s*)*{YEAR})\s*年度?的?(?!当年){HAN}{{0,8}}?(?:工作)?报告")
# What a report named by its year is asked for, right after it: a year ("2003年报告说2002年", "2024年报告回顾的2023
# 年") or the years it reviews ("2003年、2008年报告回顾的前五年"). Asked for the year it reviews, "2008年报告里的2005
# 年" and "…回顾的前五年" found sentences of other years; and the year said, taken for the question's, asked every
# other report for it (compare_blind22 V716, compare_blind24 Y822, compare_blind7 D040).
REVIEWED_YEARS = "前五年|这五年|过去五年|五年来|五年(?![规计内以])"  # not "五年规划", "五年内"
# The words after a report's name that lead to what it says ("…报告里讲的", "…报告回顾的", "…报告说").
REPORT_SAYS = "(?:讲的|说的|提到的|提出的|确定的|定的|回顾的|的|说|讲)"
_ASKED_OF_REPORT = re.compile(rf"{REPORT_YEAR.pattern}(?:里|中|上)?[，,]?{REPORT_SAYS}?"
                              rf"(?:({YEAR})年(?!度)|({REVIEWED_YEARS}))")


def asked_of_reports(text: str) -> tuple[tuple[int, int | str], ...]:
    """Each report year with what the question asks of that report: a year, or words naming the years it reviews."""
    return tuple((int(y), int(m.group(2)) if m.group(2) else m.group(3)) for m in _ASKED_OF_REPORT.finditer(text)
                 for y in re.findall(YEAR, m.group(1)))
# "张店乡党委书记叫什么名字": a person's name is wanted, and only a sentence naming one answers it.
PERSON_ROLE = re.compile(f"({'|'.join(words('office_titles'))})[^，。？?]{{0,4}}(?:叫什么名字|叫什么|叫啥|姓名|名字|姓什么)")
# "大鹏的珊瑚保育计划叫什么": the name of a thing is asked; the words before say what is named.
NAME_ASKED = re.compile(r"([^，,。？?\s]{2,16}?)(?:叫什么名字|叫什么|叫啥|的名称是什么|名称是什么|是什么名字)")
# A name in a report stands in quotes or after a dash: "“潜爱大鹏”珊瑚保育计划", "湿地公园——聚龙山湿地公园".
NAME_MARK = re.compile("[“”\"「」《》]|——|—")
# "行政诉讼败诉率是多少", "常住人口": a rate or population asked for is answered only by a sentence that names it.
POPULATIONS = ("常住人口", "户籍人口", "贫困人口", "农村人口", "城镇人口", "流动人口", "总人口")
# A population before a rate qualifies the rate ("常住人口城镇化率" asks no population: compare_blind17 R323).
MEASURE = re.compile(f"{HAN}{{2}}率(?![先领])|{alternation(POPULATIONS)}(?!{HAN}{{0,4}}率)")
# Words officials use that reports spell differently; each adds the report's wording to the question.
SYNONYMS: dict[str, str] = dict(rows("synonyms"))


# Named statistical indicators: (forms a question names it by, forms a sentence states it by, other indicators that
# contain a form and are set aside first).
INDICATORS = tuple((tuple(asked.split()), tuple(written.split()), tuple(other[0].split()) if other else ())
                   for asked, written, *other in rows("indicators"))


# "PCT国际专利申请了多少件", "PM2.5浓度": a term in Latin letters, which no other wording of the report replaces.
# Capitals, so that units ("km", "kWh") are not taken for terms.
_LATIN_TERM = re.compile(r"(?<![A-Za-z0-9.])[A-Z]{2,}[A-Za-z0-9.]*(?<!\.)")


def latin_terms(question: str) -> tuple[str, ...]:
    """The terms a question writes in Latin letters (lower-cased: "pct", "pm2.5"), except indicators and words with
    a report wording in data/synonyms.tsv, which the measure checks by their report forms ("gdp", "cpi")."""
    terms = (t.lower() for t in _LATIN_TERM.findall(question))
    return tuple(t for t in dict.fromkeys(terms) if t not in SYNONYMS and not any(t in asked for asked, _, _ in INDICATORS))


def indicators_in(question: str) -> tuple[str, ...]:
    """The statistical indicators a question names, each in the longest form it uses ("城镇新增就业", "国内生产总值");
    "单位GDP能耗" does not name GDP."""
    text = question.lower()
    named = ([form for form in asked if form in _aside(text, others)] for asked, _, others in INDICATORS)
    return tuple(max(forms, key=len) for forms in named if forms)


_RATE_INDICATORS = frozenset(words("rate_indicators"))


def is_rate(indicator: str) -> bool:
    """The indicator (any form a question names it by) is a rate itself ("cpi", "物价"), not a level."""
    return any(indicator in asked and asked[0] in _RATE_INDICATORS for asked, _, _ in INDICATORS)


def asks_figure(question: str) -> bool:
    """The question asks for a figure ("多少", "几", "增长", "…率")."""
    return bool(QUANTITY.search(_WHICH_FEW.sub("哪", question)))


def states_indicator(indicator: str, sentence: str) -> bool:
    """The sentence names the indicator (any form a question uses for it) in one of the forms reports use."""
    text = sentence.lower()
    return any(form in _aside(text, others) for asked, written, others in INDICATORS if indicator in asked
               for form in written)




def _aside(text: str, others: tuple[str, ...]) -> str:
    text = SHARE_OF.sub(" ", text)  # a share of the indicator is not the indicator
    for other in sorted(others, key=len, reverse=True):
        text = text.replace(other, " ")
    return text


_NOUN_PHRASE = re.compile(r"[\w.]+")


def counted_noun(question: str) -> str | None:
    """The head noun of what a question counts ("多少张病床" 病床, "多少件行政复议案件" 案件, "几个实验舱" 实验舱), which
    the answering sentence must name; None when no noun of two characters or more follows the measure word, or
    the count is of people ("多少人参加" is followed by what they did)."""
    phrase = counted_phrase(question)
    return phrase[-1] if phrase else None


def counted_modifiers(question: str) -> tuple[str, ...]:
    """The nouns before the counted one ("多少件行政复议案件": 行政复议): which of its kind is counted."""
    return counted_phrase(question)[:-1]


def counted_phrase(question: str) -> tuple[str, ...]:
    """The counted noun's phrase, narrowing nouns first: "多少件行政复议案件" (行政复议, 案件)."""
    asked = ASKED_UNIT.search(question)
    if asked is None:
        return _noun_right_after_how_many(question)
    if MEASURES[asked.group(1)] != "count":  # "连续多少年没发生…火灾": a time, not a count of 火灾
        return ()
    phrase = _NOUN_PHRASE.match(question, asked.end())
    if phrase is None:
        return _noun_before(question[:asked.start()])
    from text.tokens import jieba_tagger  # loaded on first use: only counting questions need parts of speech

    run: list[str] = []
    noun_seen = False
    for token in jieba_tagger().cut(phrase.group()):
        if token.flag.startswith("n") or token.flag == "vn":
            noun_seen = True
        elif noun_seen or not _leads(token):  # "多少家企业获得融资": the count is of 企业
            break
        run.append(token.word)
    return tuple(w for w in run if len(w) >= 2) if noun_seen else ()  # "从几家涨到了几家": no noun follows


_HOW_MANY_BARE = re.compile("多少")


def _noun_right_after_how_many(question: str) -> tuple[str, ...]:
    """A noun ending the question counted with no measure word: "一年来了多少游客" counts 游客 (not "多少国家资助",
    where 国家 narrows what follows)."""
    words = nouns_after_how_many(question)
    if len(words) != 1:
        return ()
    # "完成了多少面积" asks an area (compare_blind37 M910)
    return words if words[0] not in MEASURE_NOUNS and len(words[0]) >= 2 else ()


def nouns_after_how_many(question: str) -> tuple[str, ...]:
    """The nouns ending the question after 多少 ("新投放了多少公交运力": 公交, 运力); none where another word follows it
    ("多少没写吗", "多少左右")."""
    from text.tokens import jieba_tagger

    at = _HOW_MANY_BARE.search(question)
    words = [w for w in jieba_tagger().cut(question[at.end():]) if w.word.strip("？?。！!呢啊 ")] if at else []
    nouns = all(w.flag.startswith("n") and not w.flag.startswith(("ns", "nr")) for w in words)
    return tuple(w.word for w in words) if words and nouns else ()


def _noun_before(head: str) -> tuple[str, ...]:
    """The noun right before "多少个" when none follows: "新增学位多少个" counts 学位, "国高企业总量多少家" 企业 (a
    word asking for a figure, data/quantity_words.txt, is passed over, and so is the target asked of the noun:
    "新增5G基站的年度目标是多少个" counts 基站)."""
    from text.tokens import jieba_tagger

    for token in reversed(list(jieba_tagger().cut(head))):
        if QUANTITY.fullmatch(token.word) or token.word in _TARGET_OF:
            continue
        noun = (token.flag.startswith("n") and not token.flag.startswith(("ns", "nr"))) or token.flag == "vn"
        return (token.word,) if noun and len(token.word) >= 2 else ()
    return ()


_TARGET_OF = frozenset({"的", "是", "为", "年度", "全年", "任务", *TARGET_NOUNS})
_WHEN_WORDS = frozenset({"预计", "计划", "实际", "全年", "当年", "今年", "去年", "最终"})
_MEASURE_HEADS = tuple(words("measure_heads"))
_MODIFIER_TAGS = frozenset({"n", "nz", "vn", "j"})


def measure_phrases(question: str) -> tuple[tuple[str, str], ...]:
    """The (word, head) of each figure the question names by a generic head noun: "工业总产值" (工业, 总产值),
    "中央财政三农支出" (三农, 支出), "财政收入" (财政, 收入). "全国" frames the question, it is no such word, nor do
    the words asking ("给没给投资增速": 没给投资)."""
    from text.tokens import jieba_tagger

    tokens = list(jieba_tagger().cut(FRAME.sub(" ", question)))
    found = []
    for i, token in enumerate(tokens):
        head = next((h for h in _MEASURE_HEADS if token.word.endswith(h)), None)
        if head is None:
            continue
        word = token.word[:-len(head)] or _word_before(tokens[:i])
        if len(word) >= 2 and word != "全国":
            found.append((word, head))
    return tuple(found)


def _word_before(tokens: list) -> str:
    """The noun before a head, joined with the one-character words jieba split it into ("高企总数": 高 企), or the
    verb right before it ("污水日处理能力": 处理)."""
    word = ""
    for token in reversed(tokens):
        if not word and token.word in _WHEN_WORDS:  # "水泥预计产量": the output of 水泥, not of 预计
            continue
        if token.flag not in _MODIFIER_TAGS and not (word and len(word) < 2 and token.flag in ("a", "b")) \
                and not (not word and token.flag == "v"):
            break
        word = token.word + word
        if len(word) >= 2 and word not in BROAD_WORDS:
            break
    return word


# Nouns too broad to name a figure alone: the word before says which ("数字经济增加值" is not "民营经济增加值",
# compare_blind26 Q620). data/broad_words.txt.
BROAD_WORDS = frozenset(words("broad_words"))


# Parts of speech that may lead the counted noun ("几座空中漂浮公园": 空中 s, 漂浮 v; "多少个大型项目": 大型 b).
_LEADING_MODIFIERS = frozenset({"s", "a", "b", "v"})


def _leads(token) -> bool:  # noqa: ANN001 - a jieba pair
    """A word that may stand before the counted noun: a modifier, or a character jieba took for a numeral ("元宇宙":
    元 / 宇宙)."""
    return token.flag in _LEADING_MODIFIERS or (token.flag == "m" and not token.word[0].isdigit())


_KIND_OPENS = re.compile(alternation(w for w, role in rows("kind_words") if role == "opens") + r"(\w+)")
_GENERIC_KINDS = frozenset(w for w, role in rows("kind_words") if role == "generic")


def asked_kind(question: str) -> str | None:
    """The kind of thing a "which/what" question asks for, the head of the noun phrase after 哪些/什么 ("建立了哪些
    补贴" 补贴, "开工了什么重大标志性工程" 工程); None for a generic one ("什么时候", "有什么新进展")."""
    opened = _KIND_OPENS.search(question)
    if opened is None:
        return None
    from text.tokens import jieba_tagger  # loaded on first use, as in counted_noun

    run = []
    for token in jieba_tagger().cut(opened.group(1)):
        if not (token.flag[0] in "nbjl" or token.flag in ("a", "vn", "uj")):  # nouns and what modifies them
            break
        run.append(token.word)
    heads = [w for w in run if len(w) >= 2]
    return heads[-1] if heads and heads[-1] not in _GENERIC_KINDS else None


# A noun holds no aspect particle: jieba's "开了个" (in "…里开了个全国头一家的…") is a cut through a verb phrase.
_PARTICLE = re.compile("[了着]")


def compound_modifiers(question: str) -> tuple[str, ...]:
    """The nouns that modify another noun in the question ("火星基地" 火星, "骆驼奶产业" 骆驼 and 奶's run): what
    narrows the topic. A report naming 基地 but never 火星 says nothing of a 火星基地. Places and names are left to
    the place checks, and words with a listed synonym (案子) may be written otherwise."""
    from text.tokens import jieba_tagger  # loaded on first use, as in counted_noun

    found: list[str] = []
    run: list[str] = []
    for token in [*jieba_tagger().cut(question), None]:
        if token is not None and (token.flag.startswith("n") and not token.flag.startswith(("ns", "nr"))
                                  or token.flag == "zg"):  # jieba tags some one-hanzi nouns zg ("骆驼奶": 奶)
            run.append(token.word)
            continue
        found.extend(w for w in run[:-1] if len(w) >= 2 and w.lower() not in SYNONYMS and not _PARTICLE.search(w))
        run = []
    return tuple(dict.fromkeys(found))


# "按今年各省政府工作报告的说法" says where to look, not that the phrasing is asked: read as a wording request, four
# provinces' counts of new academicians built no table (compare_blind25 Z905).
_ACCORDING_TO = re.compile(rf"(?:按照?|根据|依照|依据){IN_CLAUSE}{{0,20}}?说法")


def asks_wording(text: str) -> bool:
    """The question asks how reports phrase a point ("别的乡镇怎么写…"), not how much they say it is."""
    return bool(WORDING.search(_ACCORDING_TO.sub(" ", text))) and not _FIGURE_ASKED.search(text)
