"""The language layer (text/): each rule as a table of inputs and what they must give."""
from __future__ import annotations

import re

import pytest

from search.measure import missing_measure
from search.query import parse_query, question_grams
from text import lexicon
from text.numbers import (NUMBER, NUMBER_WITH_UNIT, answers_measure, answers_unit, asked_unit, asks_how_many, asks_stock, asks_total,
                          is_article, is_bound,
                          gives_rate, measure_of, noun_measure, quantities)
from text.places import asks_national, expand_abbreviations, is_division, outside_names, own_level, reports_level, level, short_forms, strip_body_suffix, units
from text.question import (FRAME, MEASURE, PERSON_ROLE, SYNONYMS, asked_kind, asks_figure, asks_wording, compound_modifiers, latin_terms,
                           measure_phrases,
                           counted_modifiers, counted_noun, indicators_in, states_indicator)
from text.sentences import clauses, has_word, list_end, sentences
from text.tense import (asks_level_at_year_end, DONE, PLAN, PLANNED_YEAR, RESULT_QUESTION, REVIEWED_YEAR, UNKNOWN, heading_tense,
                        period_reviews, sentence_tense, states_level_reached, states_plan, years_reviewed)
from text.tokens import STOPWORDS, KeywordTokenizer, bigrams
from text.years import (named_years, names_year, spanned_years, spell_years, strip_years, subject_years, years_from,
                        years_in)


def test_every_list_loads_with_comments_and_blank_lines_skipped() -> None:
    files = sorted(lexicon.DATA.iterdir())
    assert files
    for path in files:
        entries = lexicon.words(path.stem) if path.suffix == ".txt" else lexicon.rows(path.stem)
        assert entries, path.name
        assert not any(str(e).startswith("#") for e in entries), path.name
    assert all(len(row) == 2 for row in lexicon.rows("synonyms"))
    assert all(len(row) == 3 for row in lexicon.rows("tense_words"))


def test_alternation_takes_the_longest_entry_first() -> None:
    pattern = re.compile(lexicon.alternation(["人", "人次", "个", "个百分点"]))
    assert [m.group() for m in pattern.finditer("5000人次，0.5个百分点，3人")] == ["人次", "个百分点", "人"]


@pytest.mark.parametrize("text, years", [
    ("2023年化解矛盾", (2023,)),
    ("2022年政府工作报告（2021年回顾）", (2022, 2021)),
    ("12023年", ()),                 # part of a longer number
    ("1850年", ()),                  # not a year reports speak of
    ("gzbg_shenzhen_baoan_2015", (2015,)),
])
def test_years_in(text: str, years: tuple[int, ...]) -> None:
    assert years_in(text) == years


@pytest.mark.parametrize("text, years", [("一、2021年工作回顾", (2021,)), ("2021 工作", ()), ("到2035年", (2035,))])
def test_named_years_need_a_following_nian(text: str, years: tuple[int, ...]) -> None:
    assert named_years(text) == years


@pytest.mark.parametrize("text, year, named", [
    ("到1985年", 1985, True), ("到一九八五年", 1985, True), ("二〇〇三年", 2003, True), ("二零零三年", 2003, True),
    ("2003", 2003, False), ("一九八六年", 1985, False),
])
def test_names_year(text: str, year: int, named: bool) -> None:
    assert names_year(text, year) is named


@pytest.mark.parametrize("typed, spelled", [
    ("二〇二三年化解多少起", "2023年化解多少起"),
    ("二零二三年", "2023年"),
    ("盐田港14年集装箱吞吐量", "盐田港2014年集装箱吞吐量"),
    ("98年", "1998年"),
    ("连续14年", "连续14年"),        # a count of years, not a year
    ("近10年来", "近10年来"),
    ("45年", "45年"),                # 1945 or 2045: left as typed
    ("3.14年", "3.14年"),
])
def test_years_as_typed_are_spelled_in_digits(typed: str, spelled: str) -> None:
    assert spell_years(typed) == spelled


def test_strip_years() -> None:
    assert strip_years("2014年南山区2015年度报告 2016").split() == ["南山区", "报告"]


@pytest.mark.parametrize("sentence, phrases", [
    ("化解矛盾26起，调解成功率98.5%", ["26起", "98.5%"]),
    ("接待群众5000人次", ["5000人次"]),
    ("下降0.5个百分点", ["0.5个百分点"]),
    ("开展活动四十五场", ["四十五场"]),
    ("增长百分之六点五", ["百分之六点五"]),
    ("处理纠纷20余起", ["20余起"]),
    ("PM2.5年均浓度", []),             # a name, not a quantity
    ("2023年1月", []),                 # a date, not a quantity
    ("连续3年", ["3年"]),               # a duration is a quantity
    ("原煤八千一百九十九万吨，等于一九四九年的二点六倍", ["八千一百九十九万吨", "二点六倍"]),  # a year is no quantity
    ("抓好重点三项工作", ["三项"]),
    ("粉碎“四人帮”以后，落实八项规定", []),
    ("二、三产业比例为58.5:41.5，比重为0.1∶37.8∶62.1", ["58.5:41.5", "0.1∶37.8∶62.1"]),  # ratios of parts
    ("斩获1枚奥运会金牌，开行4000班次", ["1枚", "4000班次"]),
    ("新能源汽车产业百亿级基金注册落地", []),  # a tier, not a figure
    ("垃圾焚烧发电量4.5亿度", ["4.5亿度"]),
    ("人均GDP28.85万元", ["28.85万元"]),     # an indicator may run into its figure  # names, not counts (text/data/numeral_names.txt)
])
def test_quantities(sentence: str, phrases: list[str]) -> None:
    assert [m.group() for m in quantities(sentence)] == phrases


def test_a_year_is_a_number_phrase_but_not_a_quantity() -> None:
    assert [m.group() for m in NUMBER.finditer("2023年化解26起")] == ["2023年", "26起"]


@pytest.mark.parametrize("text, tokens", [
    ("2023年化解矛盾26起", ["2023年", "26起"]),
    ("5月8日", ["5月", "8日"]),
    ("5000人次", ["5000人次"]),
    ("占比6.5%", ["6.5%"]),
])
def test_number_tokens_keep_their_units(text: str, tokens: list[str]) -> None:
    assert [m.group() for m in NUMBER_WITH_UNIT.finditer(text)] == tokens


@pytest.mark.parametrize("sentence, rate", [("通过率100%", True), ("占比六成", False), ("百分之六", True),
                                            ("化解26起", False)])
def test_gives_rate(sentence: str, rate: bool) -> None:
    assert gives_rate(sentence) is rate


@pytest.mark.parametrize("name, found", [
    ("深圳市南山区", ["深圳市", "南山区"]),
    ("鲁山县张店乡", ["鲁山县", "张店乡"]),
    ("西藏自治区", ["西藏自治区"]),
    ("大鹏新区", ["大鹏新区"]),
    ("全市", []),
])
def test_units(name: str, found: list[str]) -> None:
    assert units(name) == found


@pytest.mark.parametrize("name, lvl", [("河南省", 1), ("西藏自治区", 1), ("香港特别行政区", 1), ("深圳市", 2),
                                       ("凉山彝族自治州", 2), ("鲁山县", 3), ("南山区", 3), ("大鹏新区", 3),
                                       ("张店乡", 4), ("白沙街道", 4), ("小岗村", 4), ("国务院", 0)])
def test_level(name: str, lvl: int) -> None:
    assert level(name) == lvl


@pytest.mark.parametrize("name, forms", [
    ("南山区", ["南山区", "南山"]), ("大鹏新区", ["大鹏新区", "大鹏"]), ("西藏自治区", ["西藏自治区", "西藏"]),
    ("坪山街道", ["坪山街道", "坪山"]), ("龙乡", ["龙乡"]),
])
def test_short_forms(name: str, forms: list[str]) -> None:
    assert short_forms([name]) == forms


@pytest.mark.parametrize("name, division", [
    ("杭州市", True), ("白沙街道", True), ("红岩乡", True), ("小岗村", True), ("凉山州", True), ("河南", True),
    ("上市", False), ("城镇", False), ("新区", False), ("城中村", False), ("农村", False), ("全市", False),
])
def test_is_division(name: str, division: bool) -> None:
    assert is_division(name) is division


@pytest.mark.parametrize("body, place", [("鲁山县张店乡人民政府", "鲁山县张店乡"), ("大鹏新区管理委员会", "大鹏新区"),
                                         ("坪山街道办事处", "坪山街道"), ("国务院", "国务院")])
def test_strip_body_suffix(body: str, place: str) -> None:
    assert strip_body_suffix(body) == place


@pytest.mark.parametrize("labels, tense", [
    (["一、2021年工作回顾"], DONE), (["二、2022年工作安排"], PLAN), (["一、2021年工作回顾", "（三）民生"], DONE),
    (["（一）领导重视"], UNKNOWN), ([], UNKNOWN),
    (["1978年政府工作报告", "三年来的斗争和新时期的总任务"], UNKNOWN),  # a review and a plan in one heading
])
def test_heading_tense(labels: list[str], tense: int) -> None:
    assert heading_tense(labels) == tense


def test_headings_that_name_a_reviewed_or_planned_year() -> None:
    assert REVIEWED_YEAR.search("一、2014年政府工作回顾").group(1) == "2014"
    assert PLANNED_YEAR.search("二、2015年的工作安排").group(1) == "2015"
    assert REVIEWED_YEAR.search("2014年工作安排") is None


@pytest.mark.parametrize("sentence, plan", [("力争新增学位5000个", True), ("新增学位5000个", False)])
def test_states_plan(sentence: str, plan: bool) -> None:
    assert states_plan(sentence) is plan


@pytest.mark.parametrize("question, left", [
    ("别的乡镇怎么写第一责任人职责", "别的乡镇 第一责任人职责"),
    ("罗湖报告里双减这一块是怎么写的", "罗湖 双减这一块是 的"),
    ("有什么新进展", "有"),
    ("2014年那份报告里讲的上一年GDP", "2014年 GDP"),
])
def test_frame_words_leave_the_subject(question: str, left: str) -> None:
    assert " ".join(FRAME.sub(" ", question).split()) == left


@pytest.mark.parametrize("question, quantity, wording", [
    ("2023年化解了多少起矛盾纠纷", True, False), ("张店乡有几个人通过了执法证考试", True, False),
    ("别的乡镇怎么写第一责任人职责", False, True), ("其他地方有什么提法", False, True),
    ("法治宣传教育情况", False, False), ("行政诉讼败诉率", True, False),
    ("北京疏解整治促提升是怎么提的", False, True), ("有没有讲帮企业破解融资难的句子？", False, True),
    ("想写一句那种排比，有现成的吗", False, True), ("其他报告咋写的？", False, True),
    ("怎么提高粮食产量", False, False), ("罗湖开启营商环境改革的第几个版本", True, False),
    ("1992年新批准对外开放的沿边城市是哪几座", False, False), ("新增了几座公园", True, False),
    # a figure asked and how each report says it: the figure (compare_blind13 X007, X016); 参考率 is a rate (X005)
    ("区政府规范性文件正式印发了多少件？光明区2021年和龙华区2019年的法治政府报告各怎么说的？", True, False),
    ("上一年物价涨了多少？把1992、2008年国务院政府工作报告里的说法对比一下。", True, False),
    ("学法考试的参考率、优秀率各是多少？", True, False), ("行政首长出庭应诉的提法，给我找些参考", False, True),
    # where to look, not the phrasing asked (compare_blind25 Z905)
    ("2025年各新增了几位两院院士？按今年各省政府工作报告的说法。", True, False), ("别的地方有什么说法", False, True),
    # a count asked with 几 (compare_blind35 F914); "从哪几个方面写" asks which
    ("2025年各地新增了几个实践创新基地？苏、蒙今年的报告分别怎么写的。", True, False),
    ("别的乡镇从哪几个方面写普法", False, True), ("好几个部门各管一摊，别的报告怎么写的", True, True),
    ("有几个省的报告提到了低空经济，是怎么写的", True, True), ("新增了几位两院院士？各报告怎么写的", True, False),
    # the measures asked named in brackets (compare_blind35 F920); not a bracket naming no measure
    ("2023年外贸进出口干得怎么样（总额或增速）？盐田区、坪山区2024年的工作报告里各是怎么写的？", True, False),
    ("别的乡镇怎么写依法行政（行政执法）的？", False, True),
])
def test_what_a_question_asks_for(question: str, quantity: bool, wording: bool) -> None:
    assert (asks_figure(question), asks_wording(question)) == (quantity, wording)


def test_office_holder_and_measures_asked_for() -> None:
    assert PERSON_ROLE.search("张店乡党委书记叫什么名字").group(1) == "书记"
    assert PERSON_ROLE.search("书记抓法治建设") is None
    assert MEASURE.findall("行政诉讼败诉率和常住人口") == ["败诉率", "常住人口"]
    assert MEASURE.findall("率先完成") == []


def test_synonyms_map_both_ways_where_reports_use_either() -> None:
    assert SYNONYMS["gdp"] == "生产总值" and SYNONYMS["社零"] == "社会消费品零售总额"
    assert SYNONYMS["社会消费品零售总额"] == "社零" and SYNONYMS["一共"] == "累计"
    # 社消零 is how some offices shorten it (compare_blind18 T418: all six rows were missing)
    assert SYNONYMS["社消零"] == "社会消费品零售总额" and indicators_in("罗湖2013年社消零总额是多少")
    assert SYNONYMS["违法建筑"] == "违建" and SYNONYMS["违建"] == "违法建筑"  # "全年消减违建256万平方米"


def test_a_report_wording_weighs_as_much_as_the_term_it_stands_for() -> None:
    # 超级计算机 has four bigrams; its report form 超算 one, which alone covered a seventh of the question (b045).
    grams = question_grams(parse_query("广东超级计算机方面有什么进展"), {"广东"}, lambda gram: 1.0)
    assert grams["超算"] == sum(grams[g] for g in ("超级", "级计", "计算", "算机")) == 4.0
    assert grams["方面"] == 1.0 and "广东" not in grams


def test_place_names_join_what_jieba_splits() -> None:
    tokenizer = KeywordTokenizer()
    assert tokenizer.place_names("坪山中心区开工建设的商业地标叫啥") == ["坪山中心区"]  # part of 坪山, not a place unknown
    assert tokenizer.place_names("雄安新区去年GDP多少") == ["雄安新区"]
    assert tokenizer.place_names("暴露出光明新区城市管理短板的事故") == ["光明新区"]  # 城市 is no place


@pytest.mark.parametrize("question, counted", [
    ("新增学位多少个", "学位"),                       # the noun before "多少个" when none follows
    ("龙岗区国高企业总量多少家", "企业"),             # a word asking for a figure (总量) is passed over
    ("多少张病床", "病床"),
    ("吉林连续多少年没发生重大森林火灾了", None),     # a time, not a count of fires
    ("福田区开了几个元宇宙政务大厅", "大厅"),         # jieba takes 元 for a numeral
    ("新增5G基站的年度目标是多少个", "基站"),         # the target asked of the noun is passed over
])
def test_the_noun_counted(question: str, counted: str | None) -> None:
    assert parse_query(question).counted == counted


def test_ages_medals_and_figures_per_head_asked() -> None:
    assert missing_measure(parse_query("吉林人均预期寿命多少岁"), "人均预期寿命达到79.4岁。") is None
    assert missing_measure(parse_query("深圳运动员在伦敦奥运会拿了几金几银"), "深圳运动员在伦敦奥运会获2金3银。") is None
    asked = parse_query("福田每万人常住人口配了几名全科医生")  # the figure per head is what is asked
    assert missing_measure(asked, "每万人常住人口配备全科医生6.3名，远高于全市平均水平。") is None
    assert missing_measure(parse_query("福田区2021年家庭医生签约了多少人"),
                           "每万人常住人口配备全科医生6.3名，远高于全市平均水平。") is not None
    # "每一万人" is 每万人; a patent is counted in 件 or 项
    assert missing_measure(parse_query("南山区每一万人拥有多少件发明专利"), "每万人拥有195项发明专利。") is None
    assert SYNONYMS["每天平均"] == "日均"


def test_a_figure_named_by_a_generic_head_needs_its_word() -> None:
    assert measure_phrases("一九九一年全国工业总产值比上年增长多少") == (("工业", "总产值"),)
    asked = parse_query("一九九一年全国工业总产值比上年增长多少")
    assert missing_measure(asked, "农业总产值比上年增长百分之三。") == "工业总产值"
    assert missing_measure(asked, "工业总产值比上年增长百分之十四点二。") is None
    assert missing_measure(parse_query("2008年中央财政三农支出安排了多少"), "中央财政赤字预算拟安排1800亿元。") == "三农支出"
    assert missing_measure(parse_query("24年全国财政赤字规模有多大"), "赤字规模4.06万亿元。") is None  # 赤字 + 规模
    capacity = parse_query("深圳到2020年污水日处理能力累计多少")  # the verb before a head names the figure
    assert capacity.named_figures == (("处理", "能力"),)
    assert missing_measure(capacity, "PM2.5年均浓度降至19微克/立方米。") == "处理能力"
    high_tech = parse_query("南山2013年国家级高企总数有多少")  # jieba: 高 / 企; 高企 abbreviates 高新技术企业
    assert high_tech.named_figures == (("高企", "总数"),)
    assert missing_measure(high_tech, "全区就诊总数达776.1万人次。").startswith("高企")  # the indicator, or its head
    assert missing_measure(high_tech, "新增国家级高新技术企业84家，总量达1080家。") is None
    assert asks_total("江苏2025年外贸进出口规模多大") and not asks_total("扩大规模的措施有哪些")


def test_one_years_figure_is_not_an_average_over_years() -> None:
    asked = parse_query("河北2025年规上工业增加值增长多少")
    five_years = "全省生产总值从2020年的3.68万亿元增长到2025年的4.93万亿元，规上工业增加值年均增长6.5%"
    assert missing_measure(asked, five_years) == "当年的规上工业增加值"
    assert missing_measure(asked, "全省生产总值增长5.6%，规上工业增加值增长7.9%") is None
    assert missing_measure(parse_query("河北这五年规上工业增加值年均增长多少"), five_years) is None


def test_the_year_so_far_is_reviewed_and_a_figure_to_reach_is_planned() -> None:
    # "今年以来" in a year-end report reviews the year; its 今年 is no plan (blind7 g024).
    assert sentence_tense("今年以来，我区副职以上行政机关负责人出庭46宗", UNKNOWN) == DONE
    assert sentence_tense("今年要新增学位5000个", UNKNOWN) == PLAN
    assert parse_query("光明新区十三五末GDP要突破多少亿").tense == PLAN
    assert parse_query("光明新区GDP突破了多少亿").tense == DONE
    assert parse_query("78到85年工业产值年均要涨多少").tense == PLAN
    assert parse_query("十年规划里要建哪些大型基地项目").tense != PLAN  # 要建 is also "what was to be built"


def test_an_item_of_a_list_of_targets_is_a_target() -> None:
    assert sentence_tense("粮食产量超过840亿斤；", UNKNOWN, "今年经济社会发展的主要预期目标是：") == PLAN
    assert sentence_tense("粮食产量超过840亿斤；", UNKNOWN) == UNKNOWN
    assert states_level_reached("农村贫困人口由4960万人减少到2820万人。")
    assert states_level_reached("PM2.5年均浓度降至19微克/立方米。")  # an annual mean, not an average over years
    assert not states_level_reached("地区生产总值年均增长6.2%，达到3.2万亿元。")
    assert states_level_reached("中国在国外约有一千二百万侨民。")  # a stock at the period's end
    assert not states_level_reached("用20天建成拥有1000张床位的医院。")  # 拥有 is mostly attributive


def test_stopwords_hold_function_and_question_words_but_not_frame_words() -> None:
    assert {"的", "多少", "如何", "为什么"} <= STOPWORDS
    assert not {"进展", "表述", "工作报告"} & STOPWORDS  # content in passages


def test_tokens_bigrams_and_sentences() -> None:
    tokens = KeywordTokenizer().tokens("2023年化解了多少起矛盾纠纷？化解矛盾26起")
    assert {"2023年", "26起", "化解", "矛盾"} <= set(tokens) and "了" not in tokens
    assert bigrams("执法证，2023年考试") == ["执法", "法证", "年考", "考试"]
    text = "一是化解矛盾26起。二是调解！\n三是培训"
    assert [text[a:b] for a, b in sentences(text)] == ["一是化解矛盾26起。", "二是调解！", "三是培训"]
    assert has_word("？？2023") and has_word("执法") and not has_word("？！ ……")


# ------------------------------------------------------------------ the gazetteer and the years a sentence is of

from text.gazetteer import gazetteer  # noqa: E402

GAZETTEER = gazetteer()
TOKENIZER = KeywordTokenizer()


@pytest.mark.parametrize("units, chain", [
    (["鲁山县", "张店乡"], ("河南省", "平顶山市", "鲁山县", "张店乡")),
    (["深圳市", "南山区"], ("广东省", "深圳市", "南山区")),      # not 鹤岗市's 南山区
    (["北京市"], ("北京市",)),
    (["西藏自治区"], ("西藏自治区",)),
    (["深圳市", "大鹏新区"], None),                              # a functional area, not in the gazetteer
    (["张店乡"], None),                                          # two townships of that name
])
def test_a_body_resolves_to_one_chain(units: list[str], chain: tuple[str, ...] | None) -> None:
    found = GAZETTEER.resolve(units)
    assert (found.chain if found else None) == chain


SHENZHEN_TEXT = "深圳市南山区人民政府工作报告。全区上下……深圳" + "，深圳" * 5 + "，广州。"


@pytest.mark.parametrize("units, text, chain", [
    (["南山区"], SHENZHEN_TEXT, ("广东省", "深圳市", "南山区")),           # named 深圳 again and again
    (["南山区"], "鹤岗市南山区" + "，鹤岗" * 6, ("黑龙江省", "鹤岗市", "南山区")),
    (["大鹏新区"], SHENZHEN_TEXT, ("广东省", "深圳市", "大鹏新区")),     # a zone: under the city its text names
    (["南山区"], "深圳，鹤岗，深圳", None),                               # named too rarely to tell
    (["南山区"], "深圳" * 6 + "鹤岗" * 6, None),                         # no city named most
    (["鲁山县", "张店乡"], "", ("河南省", "平顶山市", "鲁山县", "张店乡")),  # the body alone resolves it
])
def test_a_body_the_gazetteer_cannot_resolve_is_placed_by_its_reports_text(units: list[str], text: str,
                                                                          chain: tuple[str, ...] | None) -> None:
    found = GAZETTEER.resolve_in(units, text)
    assert (found.chain if found else None) == chain


@pytest.mark.parametrize("question, names", [
    ("白沙街道新增绿地面积多少公顷", ["白沙街道"]),
    ("平顶山市鲁山县张店乡2023年化解矛盾", ["平顶山市", "鲁山县", "张店乡"]),
    ("上海市浦东新区GDP", ["上海市", "浦东新区"]),
    ("北京2025年城镇新增就业多少人", ["北京"]),
    ("南山区哪家企业拿了深圳市长质量奖", ["南山区", "深圳"]),   # 深圳 市长, not 深圳市
    ("光明区玉塘街道受理了多少宗行政复议", ["玉塘街道"]),       # jieba: 光明 / 区玉塘 / 街道
    ("新城镇化建设", []),                                      # 新城镇 is a township, not here
    ("经济开发区建设", []),                                     # zones are no divisions
    ("罗湖家庭医生签约人数", []),                               # a county's short name is an everyday word too
])
def test_divisions_named_in_a_question(question: str, names: list[str]) -> None:
    assert GAZETTEER.named_in(TOKENIZER.words(question)) == names


@pytest.mark.parametrize("sentence, years", [
    ("2023年化解矛盾26起", (2023,)),
    ("铁路正线的通车里程一九四九年为二万一千七百公里", (1949,)),
    ("一九五○年以来", (1950,)),                                # a circle for zero, as typed in the 1954 report
    ("游客量、收入均超2019年同期水平", ()),
    ("是2022年的9倍", ()),
    ("预计今年的粮食产量可以等于一九四九年的一点五倍", ()),
    ("与2019年相比增长12%", ()),
    ("比2020年增长，2021年达到", (2021,)),
    ("五年投资3562亿元，相当于1950年到1997年投资的总和", ()),  # the range compared with, both ends
    ("1998年至2002年投资3562亿元", (1998, 2002)),
])
def test_a_sentence_is_of_the_years_it_does_not_only_compare_with(sentence: str, years: tuple[int, ...]) -> None:
    assert subject_years(sentence) == years


def test_a_five_year_review_lasts_until_a_year_or_a_top_heading_opens() -> None:
    text = ("一、“十四五”时期和2025年工作回顾\n过去的五年极不寻常。每年城镇新增就业40万人以上。\n"
            "刚刚过去的2025年很不平凡。城镇新增就业44.1万人。\n"
            "各位代表！五年来，我们牢记嘱托。粮食产量稳定。\n二、2026年重点工作\n城镇新增就业40万人。\n")
    covered = ["".join(text[a:b] for a, b in period_reviews(text))]
    assert "每年城镇新增就业40万人以上" in covered[0] and "粮食产量稳定" in covered[0]
    assert "44.1万人" not in covered[0] and "2026年重点工作" not in covered[0]
    assert period_reviews("2025年，城镇新增就业44.1万人。") == ()


@pytest.mark.parametrize("question, period", [
    ("江苏五年来新增城镇就业多少人", True), ("过去五年粮食产量最高多少", True), ("“十四五”时期GDP年均增长多少", True),
    ("2025年城镇新增就业多少人", False), ("五年规划的目标是什么", False),
])
def test_a_question_about_a_review_of_several_years(question: str, period: bool) -> None:
    assert parse_query(question).period is period


@pytest.mark.parametrize("question, tense", [
    ("龙岗区新能源公交有什么新进展", DONE), ("科技创新取得了哪些成果", DONE), ("明年的工作安排是什么", PLAN),
    ("乡里有什么特色的工作法", UNKNOWN), ("大鹏的珊瑚保育计划叫什么", UNKNOWN), ("研发投入比重要提高到多少", PLAN),
    ("每个学生的标准提到多少了", UNKNOWN), ("基础养老金涨到每月多少", UNKNOWN), ("养老金实际提高了多少", DONE),
])
def test_the_tense_a_question_asks(question: str, tense: int) -> None:
    assert parse_query(question).tense == tense


@pytest.mark.parametrize("question, unit", [
    ("西藏2025年地区生产总值总量是多少亿元", "元"), ("有几个人通过了考试", "人"), ("海底城市投了多少钱", "钱"),
    ("新增了多少张病床", "张"), ("接待游客多少万人次", "人次"), ("GDP多少亿", None), ("连着拿了几年第一", "年"),
    ("国民经济恢复那几年工业总产值年均涨了多少", None), ("发放了多少本消费护照", "本"), ("是第几届", None),
    ("推行哪几个“办”", None), ("坪山区2023年GDP增长了百分之几", "%"),
])
def test_the_unit_a_figure_is_asked_in(question: str, unit: str | None) -> None:
    assert asked_unit(question) == unit


@pytest.mark.parametrize("asked, figure, answers", [
    ("元", "23.7亿元", True), ("元", "增长7%", False), ("钱", "一期", False), ("人", "11.2万个", False),
    ("人", "7.2万名", True), ("个", "8人", True), ("宗", "99%", False), ("宗", "一批", False), ("次", "一次", True),
    ("亩", "10公顷", True), ("吨", "29个", False), ("人", "99.1万亿", True), (None, "3%", True),
    ("本", "321名", False), ("张", "6项", False), ("件", "103宗", True), ("家", "5.2万户", True),
    ("家", "120个", True), ("家", "4年", False), ("年", "六年", True), ("套", "1.2万户", True), ("家", "3套", False),
    ("辆", "3000台", True),
])
def test_a_figure_answers_a_unit_of_the_same_measure(asked: str | None, figure: str, answers: bool) -> None:
    assert answers_unit(asked, figure) is answers


def test_what_a_figure_measures() -> None:
    assert [measure_of(f) for f in ("百分之六点五", "14微克/立方米", "20余人", "3.5万平方米", "99.1万亿", "4年")] == [
        "rate", "concentration", "people", "area", None, "time"]


def test_how_many_is_asked_by_duoshao_and_ji_not_by_naji() -> None:
    assert asks_how_many("有几个人通过") and asks_how_many("投了多少钱")
    assert not asks_how_many("推行哪几个“办”") and not asks_how_many("那几年工业怎么发展的")


def test_a_share_in_words_is_a_rate() -> None:
    assert [(m.group(), measure_of(m.group())) for m in quantities("把三分之一的企业建成大庆式企业，千分之五")] == [
        ("三分之一", "rate"), ("千分之五", "rate")]


def test_the_base_of_a_rate_and_a_rough_count_are_read_right() -> None:
    assert [m.group() for m in quantities("每千人病床数、每10万人口发案率低于全市平均水平")] == []
    assert [m.group() for m in quantities("随机抽查了1500余宗案卷，帮扶3万余人")] == ["1500余宗", "3万余人"]


def test_a_named_indicator_must_be_stated_in_a_form_reports_use() -> None:
    assert indicators_in("北京2025年城镇新增就业多少人") == ("城镇新增就业",)
    assert indicators_in("罗湖2021年GDP有多少亿") == ("gdp",)
    assert indicators_in("单位GDP能耗下降多少") == ("单位gdp能耗",) and not states_indicator("gdp", "单位国内生产总值能耗下降3.27%")
    assert not states_indicator("gdp", "万元GDP能耗下降3.65%")  # compare_blind4 C021: a row of GDP增速
    assert not states_indicator("城镇新增就业", "提供11.2万个高校毕业生就业岗位，精准帮扶7.2万名就业困难人员实现就业")
    assert states_indicator("地区生产总值", "全年经济增长5.4%") and states_indicator("城镇新增就业", "新增就业2600人")


@pytest.mark.parametrize("question, national", [
    ("全国2025年城镇新增就业多少人", True), ("2024年全国GDP实际增长了多少", True), ("我国2019年GDP", True),
    ("深圳全国第一的指标有哪些", False), ("罗湖区全国文明城区创建", False), ("全国性展会有几个", False),
    ("中国特色社会主义是什么", False), ("国家级新区有几个", False),
])
def test_the_country_is_the_subject_only_at_the_start(question: str, national: bool) -> None:
    assert asks_national(question) is national


@pytest.mark.parametrize("question, level", [
    ("乡镇一级的报告里，第一责任人职责怎么写", 4), ("区级报告里讲营商环境的写法", 3), ("各省的报告里怎么提", 1),
    ("深圳各区的报告里，打击电诈怎么写", 3), ("省一级的政府工作报告里的说法", 1), ("乡镇的报告里怎么写", 4),
    ("张店乡的报告里怎么写", None), ("北京市政府工作报告里的提法", None), ("深圳首个区一级的城市更新规划", None),
])
def test_a_request_may_narrow_to_the_reports_of_one_level(question: str, level: int | None) -> None:
    assert reports_level(question) == level


@pytest.mark.parametrize("question, level", [
    ("乡里化解矛盾纠纷推行的是什么工作法", 4), ("2023年我县新增就业多少人", 3), ("我们镇去年修了多少公里路", 4),
    ("省里今年的目标是什么", 1), ("社区里有多少志愿者", None), ("城市里的公园有几个", None),
    ("基本市场秩序怎么维护", None), ("张店乡化解矛盾纠纷多少起", None),
])
def test_the_askers_own_division_is_read_from_the_start_of_a_question(question: str, level: int | None) -> None:
    assert own_level(question) == level


def test_a_target_stated_outright_is_a_plan_even_under_a_review_heading() -> None:
    assert sentence_tense("2016年新区经济社会发展的主要预期目标是：地区生产总值725亿元", DONE) == PLAN
    assert sentence_tense("完成地区生产总值670.6亿元，同比增长9.4%", DONE) == DONE
    assert sentence_tense("加快建设轨道交通", UNKNOWN) == PLAN
    assert RESULT_QUESTION.search("PM2.5年均值实际降到了多少") and not RESULT_QUESTION.search("PM2.5年均值多少")


@pytest.mark.parametrize("question, noun", [
    ("南山区2021年新增了多少张病床", "病床"), ("张店乡2023年受理了多少件行政复议案件", "案件"), ("建成了几个实验舱", "实验舱"),
    ("用大喇叭搞了多少次法治宣传", "宣传"), ("光明区出庭应诉了几宗案子", "案子"),
    ("光明区那次考试有多少人参加", None),  # people: what follows is what they did
    ("罗湖开启营商环境改革的第几个版本", None),  # an ordinal, not a count
    ("GDP多少亿元", None),
    ("一年来了多少游客", "游客"), ("旧工业区改造完成了多少面积", None),  # a measure's noun asks that measure
])
def test_the_noun_a_count_is_of(question: str, noun: str | None) -> None:
    assert counted_noun(question) == noun


@pytest.mark.parametrize("question, measure", [
    ("张店乡法律顾问每年的服务费用是多少", "money"), ("持证人数是多少", "people"), ("新增绿地面积多少", "area"),
    ("罗湖2021年GDP多少", "money"), ("化解了多少起矛盾纠纷", None), ("坪山占地面积最大的湿地公园叫什么", None),
    ("龙华区2019年GDP增速是多少", "rate"), ("工业在经济总量里占了多大份额", "rate"),  # the head comes last
    # a count asked by its noun, which a rate does not give (compare_blind20 V601: "…办理工作满意率达到100%")
    ("办理人大代表建议的件数是多少", "count"), ("报告里有没有这个数", None),
])
def test_a_measure_asked_by_its_noun(question: str, measure: str | None) -> None:
    assert noun_measure(question) == measure


def test_a_noun_measure_is_answered_by_that_measure_or_a_rate() -> None:
    assert answers_measure("money", "23.7亿元") and answers_measure("money", "增长5.1%")
    assert not answers_measure("money", "20余次") and not answers_measure("people", "21个")


def test_a_level_reached_in_a_five_year_review_is_the_last_years() -> None:
    assert states_level_reached("人口自然增长率降到6.45‰") and states_level_reached("生产总值从3.68万亿元增加到4.93万亿元")
    assert not states_level_reached("每年城镇新增就业40万人以上") and not states_level_reached("城镇新增就业603.7万人")
    assert not states_level_reached("城镇新增就业累计达到500万人")


def test_a_list_ends_where_its_items_stop() -> None:
    text = "问题如下，一是甲；二是乙；\n三是丙。下一句。"
    assert text[:list_end(text, 0, text.index("；") + 1)] == "问题如下，一是甲；二是乙；\n三是丙。"
    assert list_end("没有列举。二是乙。", 0, 5) == 5


@pytest.mark.parametrize("question, kind", [
    ("取消农业税以后国家给农民建立了哪些补贴", "补贴"), ("西藏2025年开工了什么重大标志性工程", "工程"),
    ("我国什么时候正式加入世贸组织", None), ("龙岗区新能源公交有什么新进展", None), ("GDP是多少", None),
])
def test_the_kind_of_thing_a_which_question_asks_for(question: str, kind: str | None) -> None:
    assert asked_kind(question) == kind


@pytest.mark.parametrize("question, modifiers", [
    ("火星基地建设进展如何", ("火星",)), ("骆驼奶产业产值多少", ("骆驼", "产业")),
    ("罗湖区2021年GDP多少", ()),          # a place is for the place checks
    ("案子数量有多少", ()),              # 案子 has a listed synonym (案件)
    ("商贸中心里开了个全国头一家的什么书店", ("全国",)),  # jieba's noun "开了个" is a cut through a verb phrase
])
def test_the_nouns_that_narrow_a_topic(question: str, modifiers: tuple[str, ...]) -> None:
    assert compound_modifiers(question) == modifiers


def test_gdp_per_head_is_an_indicator_of_its_own() -> None:
    assert indicators_in("盐田区2023年人均GDP是多少美元") == ("人均gdp",)
    assert not states_indicator("人均gdp", "一般公共预算收入36.77亿元")


def test_a_share_of_an_indicator_is_not_the_indicator() -> None:
    assert not states_indicator("gdp", "服务业占本市生产总值比重提高到近56%")
    assert indicators_in("坪山研发投入强度占GDP百分之几") == ()
    assert states_indicator("gdp", "全年本市生产总值1.295万亿元，增长10%")


def test_a_bound_passed_is_told_from_a_figure_stated() -> None:
    sentence = "本市生产总值突破2000亿美元，每年新增就业40万人以上，全年1.295万亿元"
    assert [is_bound(sentence, m) for m in quantities(sentence)] == [True, True, False]
    assert asks_how_many("深圳市2012年全市GDP总量") and not asks_how_many("哪个区出台了共享单车总量控制措施")


def test_a_list_runs_on_over_what_explains_its_items_and_stops_at_another_list() -> None:
    text = "问题还有很多。一是工作开展不平衡。部分机关人员思维不够强；二是法治村创建主动性不够。仍需加大力度。其原因：一是缺乏机制。"
    start = text.index("一是")
    assert text[start:list_end(text, start, text.index("。", start) + 1)] == (
        "一是工作开展不平衡。部分机关人员思维不够强；二是法治村创建主动性不够。")


def test_a_lone_one_before_a_unit_is_an_article() -> None:
    assert is_article("一年") and is_article("一批") and not is_article("6年")


def test_a_why_question_wants_a_reason_not_a_figure() -> None:
    from search.query import parse_query

    assert not parse_query("2020年政府工作报告为啥没定全年GDP增速目标").wants_quantity
    assert parse_query("2020年GDP增速是多少").wants_quantity


def test_a_total_reached_in_a_five_year_review_is_the_last_years_level() -> None:
    assert states_level_reached("地铁运营总里程达411公里、在建总里程达231公里")
    assert not states_level_reached("五年累计新增就业300万人")


@pytest.mark.parametrize("question, counted, narrowed_by", [
    ("罗湖区2021年建成了几座空中漂浮公园", "公园", ("空中", "漂浮")), ("多少家企业获得融资", "企业", ()),
    ("多少件行政复议案件", "案件", ("行政复议",)), ("龙岗区上市公司从几家涨到了几家", None, ()),
])
def test_the_thing_counted_and_what_narrows_it(question: str, counted: str | None, narrowed_by: tuple) -> None:
    assert (counted_noun(question), counted_modifiers(question)) == (counted, narrowed_by)


@pytest.mark.parametrize("text, figures", [
    ("一百零五人", ["一百零五人"]), ("二〇二三年投资三百一十件", ["三百一十件"]), ("百分之百，万分之三", ["百分之百", "万分之三"]),
])
def test_chinese_numerals_are_read_whole(text: str, figures: list[str]) -> None:
    assert [m.group() for m in quantities(text)] == figures


def test_a_dozen_or_so_and_almost_do_not_ask_how_many() -> None:
    assert asked_unit("南山区十几个重大项目一共投资了多少亿元") == "元"
    assert not asks_how_many("GDP几乎翻番了吗") and not asks_how_many("零售总额为什么下降")


def test_a_list_item_inside_a_sentence_moves_the_list_on_and_a_word_is_no_item() -> None:
    text = "工作如下，一是抓改革。二是抓项目，三是抓民生。四是抓安全。下一句。"
    start = text.index("一是")
    assert text[start:list_end(text, start, text.index("。") + 1)] == "一是抓改革。二是抓项目，三是抓民生。四是抓安全。"
    assert list_end("统一是关键。二是说明。", 0, 6) == 6


def test_a_range_of_years_in_a_heading_is_every_year_of_it() -> None:
    assert spanned_years("一、过去五年（2018—2022年）工作回顾") == (2018, 2019, 2020, 2021, 2022)
    assert spanned_years("2021年以来工作回顾") == (2021,)


def test_clauses_split_at_commas_and_semicolons_not_colons() -> None:
    assert clauses("地区生产总值增长5.3%，一般公共预算收入36.77亿元；GDP：5300亿元") == [
        "地区生产总值增长5.3%", "一般公共预算收入36.77亿元", "GDP：5300亿元"]


@pytest.mark.parametrize("question, terms", [
    ("福田区PCT国际专利申请了多少件", ("pct",)), ("EDA企业有多少家", ("eda",)),
    ("GDP和CPI各涨了多少", ()), ("PM2.5年均浓度", ()), ("用了多少kWh电", ()), ("5G基站多少个", ()),
])
def test_terms_in_latin_letters_other_than_indicators_and_units(question: str, terms: tuple[str, ...]) -> None:
    assert latin_terms(question) == terms


@pytest.mark.parametrize("text, signed", [
    ("张店乡2023年法治政府建设情况的报告\n正文。\n鲁山县张店乡人民政府\n2024年1月15日", "2024-01-15"),
    ("报告\n正文。\n张店乡人民政府\n二〇二四年一月十五日", "2024-01-15"),
    ("2026年河南省政府工作报告\n——2026年1月26日在河南省第十四届人民代表大会第四次会议上\n各位代表：\n正文。", "2026-01-26"),
    ("报告\n正文。\n我们将在2024年6月30日前全部完成整改任务，确保各项工作落实到位，请大家监督。", None),
    ("报告\n正文没有日期。", None),
    ("报告\n正文。\n2023年2月30日", None),
    ("报告\n正文。\n张店乡人民政府\n2024年1月15日\n注：数据截至2023年11月30日", "2024-01-15"),
    ("报告\n正文。\n张店乡人民政府\n2024年元月15日", "2024-01-15"),
    ("关于2023年1月1日起施行新规定的报告\n正文。", None),
])
def test_a_reports_date_is_its_signing_date_else_its_meeting_date(text: str, signed: str | None) -> None:
    from text.dates import report_date

    found = report_date(text)
    assert (found.isoformat() if found else None) == signed


@pytest.mark.parametrize("request_text, since", [
    ("2020年以来的国务院报告里怎么写", 2020), ("2024年及以后的报告里的说法", 2024), ("近三年的报告怎么提", 2024),
    ("近5年的写法", 2022), ("最近有什么新提法", None), ("2023年化解了多少起矛盾纠纷", None),
])
def test_a_request_may_narrow_to_the_reports_from_a_year_on(request_text: str, since: int | None) -> None:
    assert years_from(request_text, 2026) == since


@pytest.mark.parametrize("question, left", [
    ("深圳宝安机场旅客吞吐量多少", "深圳  机场旅客吞吐量多少"),   # the city's airport, not 宝安区's
    ("阜外深圳医院用地征收", "阜外  医院用地征收"),
    ("深圳市南山区2021年GDP", "深圳市南山区2021年GDP"),        # no name: the places stay
])
def test_a_place_inside_an_institutions_name_is_no_scope(question: str, left: str) -> None:
    assert outside_names(question) == left


@pytest.mark.parametrize("question, target", [
    ("河南今年中欧班列计划开行多少列", True), ("内蒙古今年煤炭产量要稳在多少", True),
    ("人均预期寿命是多少岁", False), ("珠峰英才计划入选了多少人", False),  # plan words, no target
    # a figure asked of the target itself: a result does not answer it, unless it names the target it met
    ("坪山提前两年完成的十四五GDP目标是多少亿", True), ("普法宣传的年度计划是搞多少次", True),
])
def test_a_target_of_the_year_ahead_is_asked(question: str, target: bool) -> None:
    assert parse_query(question).insists_target is target


def test_a_figure_per_person_a_stock_and_a_count_of_the_noun_asked() -> None:
    assert missing_measure(parse_query("按人均算，盐田区2023年GDP是多少"), "全区地区生产总值800亿元。") == "人均数字"
    parks = parse_query("南山区一共有多少个公园")  # how many there are, not how many were added
    assert missing_measure(parks, "建成科苑公园等4个公园。") == "总数"
    assert missing_measure(parse_query("北京全市公园一共有多少个"), "公园总数达1136个。") is None
    # 总量 of things counted is their stock; of money, a level ("GDP总量": blind5 e020 stayed answered)
    assert asks_stock("国家级高新技术企业总量对比：南山2013年、宝安2014年各有多少家？")
    assert not asks_stock("深圳市2012年GDP总量多少") and not asks_stock("盐田区2023年地区生产总值总量是多少亿元")
    assert missing_measure(parse_query("罗湖税收亿元楼一共有多少栋"), "新增税收“亿元楼”7栋，共32栋。") is None
    # the figure counts the noun after it: "3个社区" is no count of 公园
    assert missing_measure(parse_query("南山区建了多少个公园"),
                           "石鼓山法治公园获评广东省法治文化主题公园，3个社区获评广东省民主法治示范社区。") == "公园"
    assert missing_measure(parse_query("2019年全国每天平均新增多少户企业"), "企业数量日均净增1万户以上。") is None
    # the asked noun may follow within the clause, or be named before a figure that stands alone
    assert missing_measure(parse_query("全国能形成几个工业基地"),
                           "全国可以形成十四个实力比较雄厚、布局比较合理的工业基地。") is None
    assert missing_measure(parse_query("大鹏新区又清理淘汰了多少家低端污染企业"),
                           "加大对低端、污染、耗能企业的淘汰力度，在2012年转型35家的基础上，再清理淘汰了36家。") is None


@pytest.mark.parametrize("question, thing", [
    ("大鹏的珊瑚保育计划叫什么", "大鹏的珊瑚保育计划"), ("深圳第一家区一级的合规研究院叫啥", "深圳第一家区一级的合规研究院"),
    ("南山区的免费WiFi叫什么名字", "南山区的免费WiFi"), ("2023年GDP是多少", ""),
])
def test_what_a_name_is_asked_of(question: str, thing: str) -> None:
    assert parse_query(question).named_thing == thing


def test_a_level_at_a_years_end_is_asked() -> None:
    assert asks_level_at_year_end("深圳全市到2020年底建成了多少个5G基站")
    assert asks_level_at_year_end("截至2023年末常住人口多少")
    assert not asks_level_at_year_end("2020年建成了多少个5G基站")


def test_one_years_growth_is_not_an_average_over_years() -> None:
    sentence = "国内生产总值从1997年的7.4万亿元增加到2002年的10.2万亿元，按可比价格计算，平均每年增长7.7%。"
    assert missing_measure(parse_query("2002年一年全国GDP增长了多少"), sentence) == "当年的GDP"
    assert missing_measure(parse_query("2002年全国GDP是多少"), sentence) is None  # the level is 2002's


def test_a_share_asked_needs_a_share_not_a_growth_rate() -> None:
    asked = parse_query("大鹏新区2023年旅游收入占GDP比重多少")
    assert missing_measure(asked, "实现旅游收入97亿元，分别增长14.5%、37.1%。") == "比重"
    assert missing_measure(parse_query("五四年参加互助组合作社的农户占多少"),
                           "参加互助组和合作社的农户已经达到全体农户的百分之六十。") is None


@pytest.mark.parametrize("question, noun", [
    ("河南二〇二五年一年来了多少游客", "游客"), ("新增多少游客？", "游客"),
    ("沃特玛动力电池组项目拿到了多少国家资助", None),  # 国家 narrows 资助: no bare noun ends the question
    ("多少企业获得融资", None), ("罗湖2021年GDP多少", None),
])
def test_a_noun_counted_without_a_measure_word(question: str, noun: str | None) -> None:
    assert parse_query(question).counted == noun


def test_a_span_of_years_asked_is_every_year_in_it() -> None:
    query = parse_query("2003到2007年中央对地方转移支付一共多少")
    assert (query.years, query.period) == ((2003, 2007, 2004, 2005, 2006), True)


def test_a_five_year_review_heading_covers_the_years_before_the_report() -> None:
    assert years_reviewed("一、 过去五年工作回顾", 2008) == (2003, 2004, 2005, 2006, 2007)
    assert years_reviewed("二、 2008年主要任务", 2008) == ()


def test_a_time_word_does_not_name_a_figure() -> None:
    assert measure_phrases("1954年水泥预计产量多少") == (("水泥", "产量"),)
    assert measure_phrases("国务院2024年报告回顾2023年时给没给投资增速") == ()  # 给没给 asks (compare_blind32 D807)


def test_a_plan_period_in_quotes_is_no_verbatim_demand() -> None:
    assert parse_query("河南“十四五”收官时生产总值有多少").quoted == ()
    assert parse_query("光明区“秒批”事项累计实现多少项").quoted == ("秒批",)


def test_a_list_of_provinces_by_abbreviation_is_written_out() -> None:
    assert expand_abbreviations("京、冀、豫2026年居民收入增长目标各是什么") == "北京、河北、河南2026年居民收入增长目标各是什么"
    assert expand_abbreviations("八个省区市（京冀豫苏吉蒙陕藏）") == "八个省区市（北京、河北、河南、江苏、吉林、内蒙古、陕西、西藏）"
    # a count of them may follow (compare_blind14 C025: 西藏 was left out)
    assert expand_abbreviations("冀、豫、陕、藏六省区分别是多少") == "河北、河南、陕西、西藏六省区分别是多少"
    assert expand_abbreviations("京、冀、苏、吉、藏五地哪个最快") == "北京、河北、江苏、吉林、西藏五地哪个最快"  # compare_blind15 D107
    # after a year, and three or more parted by 、 wherever they start (compare_blind16 K204, K205)
    assert expand_abbreviations("去年冀豫吉蒙陕五省区") == "去年河北、河南、吉林、内蒙古、陕西五省区"
    assert expand_abbreviations("2025年京、冀、苏的收入") == "2025年北京、河北、江苏的收入"
    assert expand_abbreviations("对比一下冀、苏、吉") == "对比一下河北、江苏、吉林"
    # before the words asking of them (compare_blind17 R323, R306: no table was built)
    assert expand_abbreviations("城镇化率：豫、苏、吉各是多少") == "城镇化率：河南、江苏、吉林各是多少"
    assert expand_abbreviations("冀、蒙、陕列个表") == "河北、内蒙古、陕西列个表"
    # before a time, and two joined by 和 (compare_blind18 T420, T423, T424: no table, or only the provinces written out)
    assert expand_abbreviations("冀、豫、陕现在各多少公里") == "河北、河南、陕西现在各多少公里"
    assert expand_abbreviations("蒙、苏现在各是多少") == "内蒙古、江苏现在各是多少"
    assert expand_abbreviations("当年目标、豫和蒙2026年的目标") == "当年目标、河南、内蒙古2026年的目标"
    # two after a time (compare_blind28 A820)
    assert expand_abbreviations("十四五这几年蒙、陕煤炭产量") == "十四五这几年内蒙古、陕西煤炭产量"
    # one alone with its year, as places in a list are (compare_blind26 Q616)
    assert expand_abbreviations("粤2013年、罗湖区2021年") == "广东2013年、罗湖区2021年"
    for words in ("京津冀协同发展", "辽宁2025年", "川藏铁路", "新、旧动能转换", "江苏、吉林", "中苏和平", "江苏现在",
                  "京沪2023年", "A股2023年"):
        assert expand_abbreviations(words) == words  # words, or names written out already



def test_a_rate_as_it_stands_is_the_level_reached() -> None:
    """compare_blind18 T414: "常住人口城镇化率60%" in a review of five years is the last year's rate, as "增至" is."""
    assert states_level_reached("常住人口城镇化率60%。") and states_level_reached("城镇化率增至67.17％")
    assert states_level_reached("常住人口城镇化率达76.2%。")
    assert not states_level_reached("经济增长率7%") and not states_level_reached("地区生产总值年均增长5.5%")
    assert not states_level_reached("城镇新增就业累计106万人，常住人口城镇化率达到71.5%。")


def test_a_years_mean_is_no_average_over_years() -> None:
    """"PM2.5年均浓度" is the year's level (compare_blind13 X012: three rows left out as averages over years)."""
    from text.tense import states_average
    assert not states_average("南山2021年PM2.5年均浓度降到了多少")
    assert states_average("“十四五”时期地区生产总值年均增长多少")


def test_energy_per_unit_of_gdp_and_economic_growth_are_indicators_of_their_own() -> None:
    # compare_blind8 E027: "单位GDP能耗…下降了多少" had been answered by "全省PM2.5平均浓度累计下降27.4%"
    energy = parse_query("河北单位GDP能耗累计下降了多少")
    assert missing_measure(energy, "全省PM2.5平均浓度累计下降27.4%，水环境质量持续向好。") is not None
    assert missing_measure(energy, "单位GDP能耗累计下降18%，建成自治区级以上绿色工厂510个。") is None
    # compare_blind15 D123: "经济增长目标" by "提出了本世纪头二十年…的奋斗目标"
    growth = parse_query("2003年提出的经济增长目标是多少")
    assert missing_measure(growth, "中国共产党第十六次全国代表大会，提出了本世纪头二十年我国全面建设小康社会的奋斗目标。") \
        is not None
    assert missing_measure(growth, "综合分析国内外各种情况，今年经济增长预期目标为7%左右。") is None
    # compare_blind19 U515: a grain harvest is not the area sown nor the capacity ("确保粮食种植面积4510万亩以上")
    assert not states_indicator("粮食产量", "确保粮食种植面积4510万亩以上")
    assert not states_indicator("粮食产量", "粮食综合生产能力迈上1000亿斤")
    assert states_indicator("粮食产量", "粮食产量1300亿斤以上")



def test_a_population_before_a_rate_qualifies_the_rate() -> None:
    # compare_blind17 R323: "常住人口城镇化率" asked no population of "城镇化率增至67.17%"
    rate = parse_query("陕西常住人口城镇化率是多少")
    assert "常住人口" not in rate.measures
    assert missing_measure(rate, "区域协同联动发展态势基本形成，城镇化率增至67.17%。") is None
    assert parse_query("深圳常住人口有多少").measures == ("常住人口",)
