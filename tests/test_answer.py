"""The answer sentence and its number phrase."""
from __future__ import annotations

import pytest

from search.answer import _year_agreement, best_sentence, make_answer
from search.measure import missing_measure, states_exactly
from search.query import parse_query


@pytest.mark.parametrize("passage, weights, span", [
    ("污染防治成效显著。落实行动计划，PM2.5年均浓度降至17.5微克/立方米。", {"浓度": 1.0, "pm": 1.0}, "17.5微克/立方米"),
    ("四是坚持矛盾调解制度。2023年化解矛盾26起，有效化解基层矛盾。", {"化解": 1.0, "矛盾": 1.0}, "26起"),
])
def test_the_number_phrase_is_a_quantity_not_part_of_a_name(passage: str, weights: dict, span: str) -> None:
    evidence = best_sentence(passage, weights, (), prefer_numbers=True)
    answer = make_answer(passage, 0, evidence, weights, wants_quantity=True)
    assert answer.span_text is not None and answer.span_text.endswith(span)
    assert not answer.span_text.startswith(("2.5", ".5", "5年"))  # the number is 17.5, not a piece of PM2.5


@pytest.mark.parametrize("sentence, span", [
    ("红岩乡全年完成植树造林3150亩。", "红岩乡全年完成植树造林3150亩"),
    ("全镇上下一心截至目前红岩乡全年完成植树造林3150亩。", "上下一心截至目前红岩乡全年完成植树造林3150亩"),
    ("做到矛盾化解在基层，2023年化解矛盾26起。", "化解矛盾26起"),
])
def test_the_number_phrase_starts_where_a_word_does(sentence: str, span: str) -> None:
    # The clause back to its start, or, when it is longer than the window, from a word's start: never "岩乡…".
    grams = {g: 1.0 for g in ("植树", "造林", "化解", "矛盾")}
    evidence = best_sentence(sentence, grams, (), True)
    assert make_answer(sentence, 0, evidence, grams, True).span_text == span


@pytest.mark.parametrize("sentence, unit, figure", [
    ("金融驿站累计为1097家企业解决23.7亿元融资需求。", "家", "1097家"),      # the unit asked picks the figure
    ("居民人均可支配收入从27136元增长到36439元。", "元", "36439元"),           # the level reached, not the start
    ("行政审批事项削减55项，保留8项。", None, "55项"),
    ("全年本市生产总值1.295万亿元，增长10%。", None, "1.295万亿元"),          # two magnitudes, then the unit
])
def test_the_figure_marked_is_the_one_asked(sentence: str, unit: str | None, figure: str) -> None:
    grams = {g: 1.0 for g in ("企业", "融资", "收入", "可支", "审批", "削减")}
    evidence = best_sentence(sentence, grams, (), True)
    assert make_answer(sentence, 0, evidence, grams, True, unit).span_text.endswith(figure)


@pytest.mark.parametrize("sentence, figure", [
    # a figure opening its item is named by what follows it (compare_blind37 M902)
    ("建成一类监控点5049个，162个小区实现高清视频围合，创建安全文明小区、围合式小区27个。", "162个"),
    # named as much, the one named before it goes first (blind7 g045)
    ("高校获批设立，高校数量增至15所，4所高校入选省高水平大学行列。", "15所"),
    ("建成一类监控点5049个，十二个小区实现高清视频围合，创建安全文明小区、围合式小区27个。", "十二个"),  # in hanzi
    # "万元GDP水耗" opens its item with a unit, no figure (compare_blind3 P052)
    ("主要预期目标是：地区生产总值增长9%左右，万元GDP水耗、能耗分别下降5%、4.61%。", "9%"),
])
def test_a_figure_is_named_by_its_item(sentence: str, figure: str) -> None:
    grams = {g: 1.0 for g in ("视频", "频围", "围合", "高校", "增长", "gd", "dp")}
    evidence = best_sentence(sentence, grams, (), True)
    assert make_answer(sentence, 0, evidence, grams, True, "个" if "个" in figure else None).span_text.endswith(figure)


@pytest.mark.parametrize("sentence, asked, unit, figure", [
    # an item after the first of a list has the list's lead words too
    ("关停小火电2157万千瓦、小煤矿1.12万处，淘汰落后炼铁产能4659万吨、炼钢产能3747万吨、水泥产能8700万吨。",
     "淘汰落后水泥产能", "吨", "水泥产能8700万吨"),
    ("关停小火电2157万千瓦、小煤矿1.12万处，淘汰落后炼铁产能4659万吨、炼钢产能3747万吨、水泥产能8700万吨。",
     "淘汰落后炼铁产能", "吨", "淘汰落后炼铁产能4659万吨"),
    # but not the first item's own name: asked both, the first is kept
    ("办理人大代表建议120件、政协委员提案127件。", "办理人大代表建议和政协提案", "件", "办理人大代表建议120件"),
    ("全年淘汰落后水泥产能1697万吨、造纸13.62万吨、制革10万标张。", "淘汰落后水泥产能万吨", "吨", "淘汰落后水泥产能1697万吨"),
    # a name in quotes is the item's own ("专精特新“小巨人”450家" is not cut at the quote)
    ("全球“灯塔工厂”3家，国家卓越级智能工厂16家，专精特新“小巨人”450家，国家高新技术企业1.28万家。",
     "专精特新小巨人企业", "家", "450家"),
    # the sentence's subject is no list's lead ("…等三部委" is no figure of the project's)
    ("沃特玛动力电池组项目被工信部、财政部和科技部等三部委列入“新能源汽车技术创新工程项目”，并获得1.5亿元资助；",
     "沃特玛动力电池组项目拿到了多少国家资助", None, "1.5亿元"),
    # what a count is of may follow it: weighed where the words before name the figures alike (blind10 j194)
    ("建设六条铁路新干线和五个重点港口。", "规划里有几个重点港口", None, "五个"),
    # a list after a colon: its lead is before the colon, the first item's name after it
    ("全年淘汰落后产能：炼铁120万吨、炼钢80万吨、水泥300万吨。", "淘汰落后炼铁产能多少万吨", "吨", "炼铁120万吨"),
    ("全年新增就业岗位：城镇5.2万个、农村3.1万个。", "城镇新增就业岗位多少个", "个", "城镇5.2万个"),
    # a figure right after another is no item with a name of its own
    ("全国文明城市、国家历史文化名城分别增至37座、14座。", "全国文明城市有几座", "座", "37座"),
    ("对区直属部门235项行政审批事项，削减55项，保留8项。", "行政审批事项削减了多少项", "项", "削减55项"),
])
def test_the_figure_marked_is_the_item_of_a_list_asked(sentence: str, asked: str, unit: str | None, figure: str) -> None:
    grams = {asked[i:i + 2]: 1.0 for i in range(len(asked) - 1)}
    evidence = best_sentence(sentence, grams, (), True)
    assert make_answer(sentence, 0, evidence, grams, True, unit).span_text.endswith(figure)


def test_in_a_run_of_indicators_the_figure_marked_is_the_one_whose_clause_names_what_is_asked() -> None:
    # "吉林2025年社会消费品零售总额增长了多少": 增长 is nearest GDP's figure; the clause naming 社零 has its own.
    sentence = "地区生产总值增长5%，一般公共预算收入增长13.3%，社会消费品零售总额增长3.9%，发展韧性明显增强。"
    grams = {g: 1.0 for g in ("社会", "会消", "消费", "费品", "品零", "零售", "售总", "总额", "增长")}
    evidence = best_sentence(sentence, grams, (), True)
    assert make_answer(sentence, 0, evidence, grams, True).span_text == "社会消费品零售总额增长3.9%"
    # with no clause naming more of the question than another, the nearest figure is kept
    assert make_answer(sentence, 0, evidence, {"增长": 1.0}, True).span_text == "地区生产总值增长5%"

    # a term in Latin letters: the question's bigrams are lower-cased ("pm"), the report writes "PM2.5"
    sentence = "空气质量优良率达94.2%，PM2.5降至19.1微克/立方米，荣获中国气候宜居城市（县）称号。"
    grams = {"pm": 2.0, "浓度": 1.0}
    evidence = best_sentence(sentence, grams, (), True)
    assert make_answer(sentence, 0, evidence, grams, True).span_text == "PM2.5降至19.1微克/立方米"


def test_of_two_sentences_the_one_stating_the_measure_asked_answers() -> None:
    # "内蒙古2025年GDP增长了多少": both sentences have a figure and the question's 增长; only one states GDP.
    passage = "进出口总值翻番增长达到2206亿元。主要经济指标增长保持在合理区间，地区生产总值增长4.7%。"
    grams = {"增长": 1.0}
    query = parse_query("GDP增长了多少")
    plain = best_sentence(passage, grams, (), True)
    evidence = best_sentence(passage, grams, (), True, states_asked=lambda s: missing_measure(query, s) is None)
    assert "2206亿元" in passage[plain.start:plain.end]  # without the measure the first sentence wins the tie
    assert "4.7%" in passage[evidence.start:evidence.end] and evidence.states_asked


def test_a_list_the_sentence_opens_is_answered_whole() -> None:
    passage = ("2021年，光明区法治政府建设取得一定成效，但也存在一些薄弱环节，一是推进力度不够均衡；"
               "二是法治建设亮点、创新点不够多；三是人员力量相对薄弱。2022年，光明区将深化法治建设。")
    grams = {"薄弱": 1.0, "环节": 1.0}
    evidence = best_sentence(passage, grams, (), False)
    answer = make_answer(passage, 0, evidence, grams, False)
    assert answer.text.endswith("三是人员力量相对薄弱。") and "2022年" not in answer.text
    assert make_answer(passage, 0, evidence, grams, True).text.endswith("一是推进力度不够均衡；")  # a figure's sentence


def test_of_two_sentences_the_one_naming_the_kind_asked_answers() -> None:
    passage = "全部取消了农业税，每年减轻农民负担1335亿元。同时，建立农业补贴制度，对农民实行粮食直补、良种补贴。"
    grams = {"取消": 1.2, "业税": 1.2, "农民": 1.0, "建立": 1.0, "补贴": 1.0}  # the rarer words lead to the first
    kind = parse_query("取消农业税以后国家给农民建立了哪些补贴").kind
    plain = best_sentence(passage, grams, (), False)
    evidence = best_sentence(passage, grams, (), False, states_asked=lambda s: kind in s)
    assert passage[plain.start:plain.end].startswith("全部取消了农业税")
    assert passage[evidence.start:evidence.end].startswith("同时，建立农业补贴制度")


def test_asked_how_much_of_an_indicator_a_stated_figure_beats_a_bound_passed() -> None:
    query = parse_query("深圳2012年全市GDP多少")
    assert not states_exactly(query, "主要指标实现“三个突破”，本市生产总值突破2000亿美元，社会消费品零售总额突破4000亿元。")
    assert states_exactly(query, "全年本市生产总值1.295万亿元，增长10%；")
    assert states_exactly(parse_query("吉林高校毕业生留省就业有多少人"), "高校毕业生留省就业突破17万人。")  # no indicator


def test_the_figure_in_the_unit_asked_must_be_the_indicators_own() -> None:
    sentence = "预计全年地区生产总值同比（下同）增长5.3%左右，一般公共预算收入36.77亿元、增长11.7%。"
    assert missing_measure(parse_query("盐田区2023年地区生产总值总量是多少亿元"), sentence) == "地区生产总值"
    assert missing_measure(parse_query("盐田区2023年地区生产总值增长了多少"), sentence) is None
    assert missing_measure(parse_query("福田外贸进出口连着多少年在全市排第一"),
                           "进出口总额预计超过7500亿元，连续22年居全市首位。") is None  # years of a rank, not its value


def test_what_narrows_the_thing_counted_must_be_said_in_the_sentence_or_its_passage() -> None:
    query = parse_query("张店乡2023年受理了多少件行政复议案件")
    assert query.counted == "案件" and query.counted_by == ("行政复议",)
    sentence = "2023年化解矛盾26起，防止了小事变炸与民事变刑案件的发生。"
    assert missing_measure(query, sentence, "做到矛盾化解在基层，" + sentence) == "行政复议案件"
    assert missing_measure(query, "受理案件12件。", "依法办理行政复议。受理案件12件。") is None
    # of three or more narrowing words one may be left out, of one or two none (compare_blind25 Z909)
    zones = parse_query("内蒙古2025年新增了几个国家生态文明建设示范区")
    assert missing_measure(zones, "新增5个国家生态文明示范区、3个实践创新基地。") is None
    assert missing_measure(zones, "新增5个国家森林城市示范区。") is not None
    # a level may be written without 级 ("省重点项目": compare_blind35 F909), but not left out or another
    projects = parse_query("河南今年安排了多少个省级重点项目")
    assert missing_measure(projects, "实施1000个以上省重点项目，年度完成投资1万亿元。") is None
    assert missing_measure(projects, "实施1000个以上市重点项目。") is not None
    assert missing_measure(projects, "实施1000个以上重点项目。") is not None
    # a level alone is not written without 级: "市级重点项目" is not "全市重点项目" (review of 2c9c685)
    assert missing_measure(parse_query("罗湖今年安排了多少个市级项目"), "全市项目120个。") is not None
    assert missing_measure(parse_query("罗湖今年安排了多少个市级重点项目"), "全市重点项目120个。") is not None
    assert missing_measure(parse_query("江苏今年安排了多少个省级重大项目"), "抓好550个省重大项目。") is None


def test_a_level_asked_with_its_growth_refused_is_read_as_a_level() -> None:
    """"只要总额，不要增速": Hebei's "从3826.5亿元增长到4398.6亿元" is the level, not set aside for the five-year
    average growth beside it (compare_blind26 Q603)."""
    query = parse_query("河北2025年一般公共预算收入是多少亿元？只要总额，不要增速")
    sentence = "一般公共预算收入从3826.5亿元增长到4398.6亿元，规上工业增加值年均增长6.5%。"
    assert missing_measure(query, sentence) is None
    assert missing_measure(parse_query("河北2025年一般公共预算收入是多少亿元，增速多少"), sentence) is not None


def test_a_broad_word_before_a_figures_head_is_named_with_the_word_before_it() -> None:
    """"数字经济增加值" is not "民营经济增加值" (compare_blind26 Q620); "数字经济核心产业增加值" names it."""
    query = parse_query("陕西2025年数字经济增加值实际增长多少")
    assert query.named_figures == (("数字经济", "增加值"),)
    assert missing_measure(query, "民营经济增加值增长5.5%。") == "数字经济增加值"
    assert missing_measure(query, "数字经济核心产业增加值增长8.7%。") is None


def test_medals_are_counted_as_reports_count_them() -> None:
    """"几块金牌" by "获7金" and "6枚全运会金牌", not by "资金7亿元" (compare_blind28 A801)."""
    query = parse_query("南山区2021年十四运上的运动员拿了几块金牌")
    assert missing_measure(query, "南山籍运动员在第十四届全运会上获7金。") is None
    assert missing_measure(query, "龙岗籍运动员斩获1枚奥运会金牌及6枚全运会金牌。") is None
    assert missing_measure(query, "获资金7亿元。") == "金牌"


def test_words_after_how_many_that_ask_no_unit_and_an_indicator_inside_a_longer_word() -> None:
    """"调到每月多少，年均增幅多少" asks no years, "各是多少列一下" no trains; "全国高校毕业生" names no 高新技术企业
    (国高), "提高企业效益" no 高企 (compare_blind25 Z914, compare_blind26 Q613)."""
    assert parse_query("吉林最低工资标准年均增幅多少").figure_unit is None
    assert parse_query("调到每月多少年均增幅多少").figure_unit is None
    assert parse_query("社会组织是多少列一下").figure_unit is None
    assert parse_query("今年开行了多少列中欧班列").figure_unit == "列"
    assert parse_query("全国高校毕业生有多少人").indicators == ()
    assert parse_query("提高企业效益多少").indicators == ()
    assert parse_query("全国高新技术企业有多少家").indicators == ("高新技术企业",)
    assert parse_query("全国高质量发展综合指数多少").indicators == ()


def test_a_level_raised_to_is_no_count_added_and_a_level_is_never_the_word_left_out() -> None:
    """"两院院士增加到多少人" asks the level, which "两院院士增加到123位" gives; "省级…龙头企业" is not "国家级…"
    (review of ed9bee0)."""
    from search.compare import figure_fits
    from search.answer import Answer
    sentence = "两院院士增加到123位。"
    at = sentence.index("两院院士增加到123位")
    answer = Answer(sentence, 0, len(sentence), at, at + len("两院院士增加到123位"), "两院院士增加到123位")
    assert figure_fits(parse_query("江苏2025年两院院士增加到多少人了"), answer)
    assert not figure_fits(parse_query("江苏2025年新增了几位两院院士"), answer)
    leaders = parse_query("2023年新增多少家省级农业产业化重点龙头企业")
    assert missing_measure(leaders, "新增国家级农业产业化重点龙头企业5家。") is not None



def test_a_count_in_a_unit_of_its_group_and_a_long_noun_with_words_inside() -> None:
    """Laws are counted in 部 as in 件 ("审议地方性法规草案8部"), documents in 份 ("规范性文件11份"); "政协提案" is
    written "政协委员提案"; 总数 asks a figure, the count is of the noun before it."""
    laws = parse_query("吉林2025年政府提请人大常委会审议了几件地方性法规")
    assert missing_measure(laws, "提请省人大常委会会议审议地方性法规草案8部，制定政府规章1部。") is None
    papers = parse_query("光明区2021年印发了多少件区政府规范性文件")
    assert missing_measure(papers, "2021年，光明区共印发区政府规范性文件11份，并开展规范性文件清理工作。") is None
    proposals = parse_query("罗湖区2021年办理了多少件政协提案")
    assert missing_measure(proposals, "办理人大代表建议120件、政协委员提案127件。") is None
    firms = parse_query("福田区2021年国家级高新技术企业总数达到多少家")
    assert firms.counted == "企业" and missing_measure(firms, "国家高新技术企业增至1415家。") is None
    talks = parse_query("张店乡2023年开展了多少场普法宣传活动")
    assert missing_measure(talks, "累计开展普法宣传15次。") is None  # 活动 is a light head (data/light_heads.txt)
    # and the other way round: "几次普法宣传" by "普法宣传活动46场次" (compare_blind20 V605)
    asked = parse_query("光明新区2015年开展了几次普法宣传")
    assert missing_measure(asked, "共组织普法宣传活动46场次，普法受教育群众65000余人。") is None
    assert missing_measure(asked, "共组织法律顾问活动46场次。") is not None
    assert missing_measure(talks, "累计开展文艺演出15次。") is not None

def test_a_total_asked_is_not_a_growth_rate() -> None:
    query = parse_query("深圳市2012年全市GDP总量")
    assert not states_exactly(query, "消费、投资增速分别高于GDP增速6.5和2.3个百分点。")
    assert states_exactly(query, "全年本市生产总值1.295万亿元，增长10%；")
    assert states_exactly(parse_query("深圳2012年GDP增长了多少"), "消费、投资增速分别高于GDP增速6.5和2.3个百分点。")


def test_asked_about_a_review_of_several_years_the_review_answers() -> None:
    passage = "2025年新建高标准农田400万亩。五年来，新建改造高标准农田3167万亩。"
    grams = {"高标": 1.0, "标准": 1.0, "农田": 1.0}
    period = ((passage.index("五年来"), len(passage)),)
    plain = best_sentence(passage, grams, (), True, periods=period)
    evidence = best_sentence(passage, grams, (), True, periods=period, period_asked=True)
    assert "400万亩" in passage[plain.start:plain.end]  # ties go to the first sentence
    assert "3167万亩" in passage[evidence.start:evidence.end] and evidence.year_agrees == 1


def test_a_population_asked_is_not_another_population() -> None:
    query = parse_query("深圳市2021年全市常住人口是多少")
    assert missing_measure(query, "助力9省54县204万贫困人口全部脱贫。") == "常住人口"
    assert missing_measure(query, "年末全市常住人口1768万人。") is None
    assert missing_measure(query, "全市人口1768万人。") is None


def test_a_term_in_latin_letters_must_be_named() -> None:
    query = parse_query("福田区2021年PCT国际专利申请了多少件")
    assert missing_measure(query, "国家高新技术企业增至1415家，有效发明专利增至20908件。") == "PCT"
    assert missing_measure(query, "PCT国际专利申请量7504件，均全市第一。") is None


def test_a_count_asked_is_not_a_figure_per_so_many_people() -> None:
    query = parse_query("福田区2021年家庭医生签约了多少人")
    assert missing_measure(query, "每万人常住人口配备全科医生6.3名，远高于全市平均水平。") == "人数"
    assert missing_measure(query, "家庭医生签约人数50.7万人，每万名常住人口全科医生数达5.7名。") is None


@pytest.mark.parametrize("passage, grams, years, span", [
    # After a semicolon the clause keeps the first one's subject; its own year (今年, not 一九四九年) is its year.
    ("交通运输业得到了发展。铁路正线的通车里程一九四九年为二万一千七百公里；由于历年修复和新建了不少铁路，"
     "今年预计将达二万五千五百公里。宝鸡成都线今年可以铺轨到广元。",
     {"铁路": 1.0, "正线": 1.0, "通车": 1.0, "里程": 1.0}, (1954,), "二万五千五百公里"),
    # The items after a colon keep its lead-in: "预计产量" is said once for all of them.
    ("工业产品的预计产量是：电力一百零八亿度；原煤八千一百九十九万吨；生铁三百零三万吨。煤矿的安全产量也在提高。",
     {"原煤": 1.0, "预计": 1.0, "产量": 1.0}, (), "八千一百九十九万吨"),
    # An item named by one character shares no bigram with the question ("钢产量": 钢产, 产量), but it is the one asked.
    ("工业产品的预计产量是：电力一百零八亿度；原煤八千一百九十九万吨；钢二百十七万吨，等于一九四九年的十三点七倍；",
     {"年钢": 1.0, "钢产": 1.0, "产量": 1.0, "预计": 1.0}, (), "二百十七万吨"),
])
def test_a_clause_after_a_semicolon_or_colon_keeps_what_it_continues(passage: str, grams: dict, years: tuple,
                                                                      span: str) -> None:
    evidence = best_sentence(passage, grams, years, True)
    answer = make_answer(passage, 0, evidence, grams, wants_quantity=True)
    assert answer.span_text is not None and answer.span_text.endswith(span), answer


def test_the_year_before_named_in_a_five_year_review_is_that_years_figure() -> None:
    """"去年居民消费价格总水平比上年上涨4.8%" in the 2008 report's review of five years gives 2007's figure, not the
    period's (compare_blind13 X016); an unnamed figure there stays the period's."""
    assert _year_agreement("去年居民消费价格总水平比上年上涨4.8%。", (2007,), in_period=True) == 0
    assert _year_agreement("居民消费价格总水平比上年上涨4.8%。", (2007,), in_period=True) == -1
