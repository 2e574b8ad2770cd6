"""Comparison tables (search/compare.py): which reports a comparison reaches, the question asked of each, and the
table a real index gives for a few real reports."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.read import WORK_REPORT
from index.store import StoredChunk, StoredReport
from search.answer import Answer
from search.compare import (_duration, _growth_marked, _in_period_review, _past_duration_marked, _year_marked, _indicator_marked, _names_topic, _of_indicator, _plan_for_result,
                            _reached_marked, _respective_marked, _runner_up_fits, _stock_marked, _times_after, _own_times, _names_several,
                            scope_cells, asked_year, asks_comparison, compared_places, figure_fits,
                            one_report_question, reviewed_year)
from search.present import result_json
from search.query import parse_query
from search.results import Cell, Hit
from search.scope import Places
from text.places import each_level
from text.tense import period_reviews
from text.years import plan_end_year



def _report(name: str, year: int, genre: str = WORK_REPORT) -> StoredReport:
    return StoredReport(0, name, name, (year,), "", genre, 0, "", "", 0)


def test_comparison_words() -> None:
    assert asks_comparison("深圳各区2021年地区生产总值分别是多少")
    assert asks_comparison("盐田区历年集装箱吞吐量")
    assert asks_comparison("2021年福田、龙岗的社会消费品零售总额对比一下。")
    assert not asks_comparison("张店乡2023年开展了多少次普法活动")
    assert not asks_comparison("各类市场主体增加了多少")  # 各类 is a noun


def test_each_level() -> None:
    assert each_level("深圳各区2021年地区生产总值分别是多少") == 3
    assert each_level("2025年各省城镇新增就业") == 1
    assert each_level("南山区2021年地区生产总值") is None


def test_a_work_report_reviews_the_year_before() -> None:
    assert reviewed_year(_report("gzbg_shenzhen_luohu_2022.txt", 2022)) == 2021
    assert reviewed_year(_report("zhangdian_2023.txt", 2023, "法治政府建设报告")) == 2023


def test_a_target_is_asked_of_the_report_that_sets_it() -> None:
    luohu = _report("gzbg_shenzhen_luohu_2022.txt", 2022)
    assert asked_year(parse_query("福田罗湖南山龙岗四个区2022年GDP增长目标各定了多少"), luohu) == 2022
    assert asked_year(parse_query("2021年福田、罗湖的GDP各是多少"), luohu) == 2021


def test_a_listed_run_of_years_names_reports() -> None:
    query = parse_query("国务院1992、2003、2008、2020、2024年报告定的经济增长目标各是多少")
    assert query.report_years == (1992, 2003, 2008, 2020, 2024)
    assert query.fact_years == ()


def test_places_of_different_levels_are_all_compared() -> None:
    def place(own: str, *parents: str) -> Places:
        return Places(own=frozenset({own}), parents=frozenset(parents))
    places = {1: place("张店乡", "鲁山县", "河南"), 2: place("光明区", "深圳"), 3: place("南山区", "深圳")}
    assert compared_places("张店乡、光明区的行政复议案件各有多少", places, {"张店乡"}) == {"张店乡", "光明区"}
    assert compared_places("深圳市南山区和光明区", places, {"南山区", "光明区"}) == {"南山区", "光明区"}


def test_the_question_asked_of_one_report() -> None:
    taken = ["福田", "福田区", "龙岗", "龙岗区", "罗湖", "南山", "北京", "河北", "全国"]
    cell = Cell(_report("f", 2022), "福田", 2021)
    assert one_report_question("2021年福田、龙岗、罗湖、南山四个区的地区生产总值各是多少？", cell, taken) \
        == "福田2021年地区生产总值是多少"
    assert one_report_question("2021年福田、龙岗、罗湖、南山的社会消费品零售总额对比一下。", cell, taken) \
        == "福田2021年社会消费品零售总额是多少"
    assert one_report_question("2025年北京、河北的外贸进出口各是什么情况？", Cell(_report("b", 2026), "北京", 2025),
                               taken) == "北京2025年外贸进出口是多少"
    # "哪个区多" asks each one's figure; what is asked again ("又是多少") is asked once.
    assert one_report_question("战略性新兴产业增加值哪个区多？福田、龙岗2021年各是多少，罗湖2021年又是多少？", cell,
                               taken) == "福田2021年战略性新兴产业增加值是多少"
    assert asks_comparison("北京、陕西、江苏哪个增得多？")
    # "再加上…的" asks one more report the same (compare_blind18 T407: its words in each report's question had left
    # 南山's "PM2.5降至19.1微克/立方米" below the topic share)
    assert one_report_question("2021年福田、龙岗四个区PM2.5年均浓度各是多少？再加上罗湖2019年的，哪个最低", cell,
                               taken) == "福田2021年PM2.5年均浓度是多少"
    # a table asked for is no part of what each report is asked (compare_blind8 E019: "创新载体总数列个表是多少")
    assert one_report_question("创新载体总数帮我列个表：福田、罗湖2021年", cell, taken) == "福田2021年创新载体总数是多少"
    # "各自" goes whole: "…里，各自受理了多少宗" left "自受理了" (compare_blind13 X001)
    assert one_report_question("光明区2021年、龙华区2019年的报告里，各自受理了多少宗行政复议案件？",
                               Cell(_report("g", 2021, "法治政府建设报告"), "光明区", 2021),
                               ["光明区", "龙华区"]) == "光明区2021年受理了多少宗行政复议案件"
    # what it refuses goes ("不要总装机规模" searched 陕西's total capacity: compare_blind35 F910), a target refused
    # stays, for its tense; "两区" after the places goes (F917)
    assert one_report_question("2021年福田、龙岗分别新增多少新能源装机？只要当年新增量，不要总装机规模。", cell,
                               taken) == "福田2021年新增多少新能源装机？只要当年新增量"
    assert one_report_question("2021年福田、龙岗分别新增多少新能源装机？不要今年的目标", cell, taken) \
        == "福田2021年新增多少新能源装机？不要今年的目标"
    assert one_report_question("福田、罗湖两区2021年各建了多少个公园？", cell, taken) == "福田2021年建了多少个公园"


def _answer(sentence: str, figure: str) -> Answer:
    at = sentence.index(figure)
    return Answer(sentence, 0, len(sentence), at, at + len(figure), figure)


def test_a_figure_that_is_not_the_things_own_is_left_out() -> None:
    added = parse_query("江苏2025年新增了几位两院院士")  # how many there are is not how many were added (Z905)
    assert not figure_fits(added, _answer("两院院士增至123位，入选人数位居全国前列。", "两院院士增至123位"))
    capacity = parse_query("河南2026年计划新增多少可再生能源装机")  # a level passed is no addition (compare_blind35 F910)
    assert not figure_fits(capacity, _answer("可再生能源发电装机突破1亿千瓦。", "可再生能源发电装机突破1亿千瓦"))
    assert figure_fits(capacity, _answer("新增可再生能源装机突破800万千瓦。", "新增可再生能源装机突破800万千瓦"))
    assert figure_fits(added, _answer("新增院士6人，培养工程硕博士3529名。", "新增院士6人"))
    amount = parse_query("宝安2014年公共财政预算收入多少")
    assert not figure_fits(amount, _answer("税收对公共财政预算收入贡献达91.8%。", "税收对公共财政预算收入贡献达91.8%"))
    assert figure_fits(amount, _answer("公共财政预算收入154亿元，增长15.3%。", "公共财政预算收入154亿元"))
    growth = parse_query("吉林2025年社会消费品零售总额增长了多少")
    assert not figure_fits(growth, _answer("社会消费品零售总额增幅高于全国0.2个百分点。", "社会消费品零售总额增幅高于全国0.2个百分点"))
    assert not figure_fits(growth, _answer("进出口总值翻番达到2206亿元。", "进出口总值翻番达到2206亿元"))
    rate = parse_query("大鹏2023年空气质量优良率是多少")
    assert figure_fits(rate, _answer("空气质量综合指数2.19、优良天数比例98.6%。", "优良天数比例98.6%"))


@pytest.fixture(scope="module")
def compare_searcher(shared_index_searcher):
    return shared_index_searcher


def _table(searcher, question: str) -> dict:
    table = result_json(searcher.search(question, k=10))["table"]
    assert table is not None
    return table


def test_each_year_of_one_place(compare_searcher) -> None:
    table = _table(compare_searcher, "盐田区2014年和2023年的旅游收入各是多少？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert set(rows) == {"gzbg_shenzhen_yantian_2015.txt", "gzbg_shenzhen_yantian_2024.txt"}
    assert "81.52亿元" in rows["gzbg_shenzhen_yantian_2015.txt"]["answer_span_text"]
    assert "155亿元" in rows["gzbg_shenzhen_yantian_2024.txt"]["answer_span_text"]
    assert rows["gzbg_shenzhen_yantian_2015.txt"]["year"] == 2014 and rows["gzbg_shenzhen_yantian_2015.txt"]["place"]
    assert table["missing"] == []


def test_each_district_of_a_city(compare_searcher) -> None:
    """深圳各区 is each district's report reviewing the year (not 盐田's of 2023), the districts no report reviews
    listed as not stating it; a share is no amount, so 宝安's "税收对公共财政预算收入贡献达
    91.8%" is no row."""
    table = _table(compare_searcher, "深圳各区2014年公共财政预算收入分别是多少？")
    docs = {Path(c["doc"]).name for c in (*table["rows"], *table["missing"]) if c["doc"]}
    assert docs == {"gzbg_shenzhen_yantian_2015.txt", "gzbg_shenzhen_baoan_2015.txt"}
    places = {c["place"] for c in (*table["rows"], *table["missing"])}
    assert {"南山", "福田", "盐田", "宝安"} <= places
    for row in table["rows"]:
        assert "贡献" not in row["answer_span_text"]
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "26.41亿元" in rows["gzbg_shenzhen_yantian_2015.txt"]["answer_span_text"]


def test_a_report_not_stating_it_is_listed_missing(compare_searcher) -> None:
    table = _table(compare_searcher, "盐田区2014年和2023年的PM2.5平均浓度分别是多少？")
    named = {Path(c["doc"]).name for c in (*table["rows"], *table["missing"]) if c["doc"]}
    assert named == {"gzbg_shenzhen_yantian_2015.txt", "gzbg_shenzhen_yantian_2024.txt"}
    assert all(set(c) >= {"doc", "place", "year"} for c in table["missing"])


def test_a_single_question_has_no_table(compare_searcher) -> None:
    assert result_json(compare_searcher.search("盐田区2014年旅游收入是多少？"))["table"] is None


def test_a_figure_of_another_year_is_moved_to_the_asked_one_or_left_out() -> None:
    from search.compare import _year_marked
    sentence = "外贸进出口总额由1997年的3252亿美元增加到2002年的6208亿美元，世界排名由第十位上升到第五位；"
    query = parse_query("全国2002年外贸进出口总额是多少")
    assert _year_marked(query, _answer(sentence, "3252亿美元")).span_text == "6208亿美元"
    assert not figure_fits(parse_query("全国2003年外贸进出口总额是多少"), _answer(sentence, "3252亿美元"))


def test_places_each_with_their_own_year(compare_searcher) -> None:
    """"光明区2021年、龙华区2019年、张店乡2023年的…": each place's report of its own year, not every place × year."""
    table = _table(compare_searcher, "光明区2021年、龙华区2019年、张店乡2023年的法治政府建设报告中行政复议案件分别有多少？")
    cells = {(c["place"], c["year"]) for c in (*table["rows"], *table["missing"])}
    assert cells == {("光明区", 2021), ("龙华区", 2019), ("张店乡", 2023)}


def test_a_province_listed_beside_its_districts_is_compared(compare_searcher) -> None:
    table = _table(compare_searcher, "2013年固定资产投资：广东全省和深圳罗湖区、南山区分别完成多少？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "2.29万亿元" in rows["gzbg_guangdong_2014.txt"]["answer_span_text"]
    assert "332.01亿元" in rows["gzbg_shenzhen_nanshan_2014.txt"]["answer_span_text"]


def test_a_rate_after_the_level_and_an_average_over_years(compare_searcher) -> None:
    """"增速" is the rate after the level past a comma ("7630.59亿元，增长9.1%"); "年均增长" is not one year's growth."""
    table = _table(compare_searcher, "南山、罗湖这两个区2021年GDP增速分别是多少？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert rows["gzbg_shenzhen_nanshan_2022.txt"]["answer_span_text"].endswith("9.1%")
    average = _table(compare_searcher, "“十四五”时期地区生产总值年均增长多少？北京、江苏、西藏对比一下。")
    for row in average["rows"]:
        assert "年均" in row["answer"], row["answer"]


def test_a_figure_of_another_indicator_is_no_row(compare_searcher) -> None:
    """Searched in one report, the best passage always says something: 吉林's "固定资产投资增长3%" is no CPI target
    (its "CPI涨幅2%左右" is; the bracketed name stays in the question asked of each report)."""
    table = _table(compare_searcher, "2026年居民消费价格（CPI）涨幅的预期目标北京、吉林分别是多少？")
    for row in table["rows"]:
        assert "固定资产投资" not in row["answer_span_text"]
    assert one_report_question("居民消费价格（CPI）涨幅目标北京、吉林分别是多少", Cell(_report("j", 2026), "吉林", 2026),
                               ["北京", "吉林"]).count("CPI") == 1


def test_a_sentence_holding_little_of_what_is_asked_is_no_row() -> None:
    """"新建污水管网多少公里" searched in 盐田 2024's report alone found "新增郊野径和特色步道18.5公里"."""
    asked = parse_query("盐田区2023年新建污水管网多少公里")
    rare = lambda gram: 0.01  # noqa: E731
    assert not _names_topic(asked, "盐田区", _answer("新增郊野径和特色步道18.5公里，新种乔木8619株。", "18.5公里"), rare)
    assert _names_topic(asked, "盐田区", _answer("新建污水管网15.2公里，完成正本清源改造。", "15.2公里"), rare)


def test_a_sentence_sharing_only_common_words_with_what_is_asked_is_no_row() -> None:
    """compare_blind18 T410, T412: "上市企业" shares only 企业 with "新引进落户企业436家", "新增养老床位" only 新增 with
    "新增学位9270座，成立…3个教育集团"; an indicator named in the figure's clause needs no more."""
    common = {"企业": 0.2, "新增": 0.12, "增长": 0.3}
    share = lambda gram: common.get(gram, 0.01)  # noqa: E731
    listed = parse_query("盐田区2023年上市企业数量：多少家？")
    assert not _names_topic(listed, "盐田区", _answer("全年新引进落户企业436家。", "436家"), share)
    assert _names_topic(listed, "盐田区", _answer("上市企业增至191家，每平方公里超过1家。", "191家"), share)
    beds = parse_query("福田区2021年新增养老床位：新增多少张？")
    assert not _names_topic(beds, "福田区", _answer("新增学位9270座，成立福田区外国语3个教育集团。", "3个"), share)
    growth = parse_query("全国2023年经济增长了多少")
    assert _names_topic(growth, "全国", _answer("增长5.2%。", "5.2%"), share)


def test_a_share_is_named_by_what_it_is_a_share_of() -> None:
    """compare_blind35 F922: "先进制造业占工业的比重" is not "第三产业占GDP比重达92.7%", which shares only 比重 and the
    pair 业占 across two words with it."""
    share = lambda gram: 0.01  # noqa: E731
    asked = parse_query("罗湖区2013年先进制造业占工业的比重是多少")
    assert not _names_topic(asked, "罗湖区", _answer("第三产业占GDP比重达92.7%，拉升0.6个百分点；", "第三产业占GDP比重达92.7%"),
                            share)
    assert _names_topic(asked, "罗湖区", _answer("先进制造业占工业比重达80.45%，提高1.8个百分点；", "先进制造业占工业比重达80.45%"),
                        share)


def test_the_verb_of_adding_alone_names_nothing_asked() -> None:
    """"新建了几个悠·图书馆" is not "新建扩建7所社区老年人日间照料中心", which shares only 新建 (compare_blind37 M915)."""
    share = lambda gram: 0.01  # noqa: E731
    asked = parse_query("罗湖区2013年新建了几个悠·图书馆")
    assert not _names_topic(asked, "罗湖区", _answer("新建扩建7所社区老年人日间照料中心。", "新建扩建7所"), share)
    assert _names_topic(asked, "罗湖区", _answer("新建悠·图书馆3个。", "新建悠·图书馆3个"), share)


def test_a_figure_per_something_asked_is_not_answered_by_a_total() -> None:
    """"万元GDP水耗", "每平方公里产出的GDP" are not "全年实现地区生产总值245亿元" (compare_blind35 F915, F916); the
    same base written another way is ("千人口托位数达4.7个" for "每千人口托位数", "单位国内生产总值能耗" for "单位GDP
    能耗")."""
    from search.compare import _other_base
    from text.numbers import per_base
    total = _answer("初步预计，全年实现地区生产总值245亿元，增长3.6%；", "全年实现地区生产总值245亿元")
    assert _other_base(parse_query("大鹏新区2013年万元GDP水耗降了多少"), total)
    assert _other_base(parse_query("大鹏新区2013年每平方公里产出的GDP是多少"), total)
    assert not _other_base(parse_query("大鹏新区2013年地区生产总值是多少"), total)
    beds = parse_query("江苏2025年每千人口托位数达到多少个")
    assert not _other_base(beds, _answer("“一老一小”服务保障不断加强，千人口托位数达4.7个。", "千人口托位数达4.7个"))
    energy = parse_query("国务院2008年报告讲的2007年单位GDP能耗降了多少")
    assert not _other_base(energy, _answer("单位国内生产总值能耗比上年下降3.27%。", "能耗比上年下降3.27%"))
    assert per_base("全年12万人次参加培训，近万人参加") is None  # counts of people, no base


def test_a_comparison_row_of_common_words_only_is_left_out(shared_index_searcher) -> None:
    """The 36 reports' index: 福田's 2022 report states no new elderly-care beds (compare_blind18 T412 had shown its
    "3个" education groups), 罗湖's does."""
    table = result_json(shared_index_searcher.search("新增养老床位：罗湖区2021年、福田区2021年分别新增多少张？"))["table"]
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "gzbg_shenzhen_futian_2022.txt" not in rows
    assert "140张" in rows["gzbg_shenzhen_luohu_2022.txt"]["answer_span_text"]
    table = result_json(shared_index_searcher.search("上市企业数量：南山区2021年、盐田区2023年各多少家？"))["table"]
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "gzbg_shenzhen_yantian_2024.txt" not in rows  # "全年新引进落户企业436家"
    assert "191家" in rows["gzbg_shenzhen_nanshan_2022.txt"]["answer_span_text"]


def test_a_plan_period_asked_of_one_report_is_not_one_year() -> None:
    """"“十四五”期间…" asked of 河南's 2026 report: its five-year review answers, which "2025年" would doubt."""
    asked = one_report_question("“十四五”期间各省改造城镇老旧小区的数量，河南、江苏各是多少？",
                                Cell(_report("h", 2026), "河南", 2025), ["河南", "江苏"])
    assert asked.startswith("河南“十四五”期间") and "2025" not in asked
    one_year = one_report_question("2025年河南、江苏改造城镇老旧小区多少个", Cell(_report("h", 2026), "河南", 2025),
                                   ["河南", "江苏"])
    assert one_year.startswith("河南2025年")


def test_the_year_before_each_named_report_and_the_level_by_a_year() -> None:
    """"国务院2003年、2008年政府工作报告里，上一年的…": each report is asked of the year it reviews, without the
    "上一年" that would move that year back once more; "到2025年…达到多少" keeps asking the level reached by then."""
    taken = ["国务院", "全国", "河北", "内蒙古"]
    assert one_report_question("国务院2003年、2008年、2020年政府工作报告里，上一年的国内生产总值分别是多少？",
                               Cell(_report("g", 2003), "全国", 2002), taken) == "全国2002年国内生产总值是多少"
    assert one_report_question("国务院1992年、2008年的政府工作报告里，报告的上一年全国粮食产量分别是多少？",
                               Cell(_report("g", 2008), "全国", 2007), taken) == "全国2007年粮食产量是多少"
    assert one_report_question("河北和内蒙古到2025年居民人均可支配收入分别达到多少？对比一下。",
                               Cell(_report("h", 2026), "河北", 2025), taken) \
        == "河北到2025年底居民人均可支配收入达到多少"
    # The report named is the one searched: its name goes, so the year asked does not read as the report's
    # (compare_blind19 U511: "江苏2025年政府工作报告里城镇新增就业…" asked for no year and got the five-year total).
    assert one_report_question("江苏、河南2026年政府工作报告里，2025年城镇新增就业实际完成了多少？",
                               Cell(_report("j", 2026), "江苏", 2025), ["江苏", "河南"]) \
        == "江苏2025年城镇新增就业实际完成了多少"


def test_places_each_with_several_years_of_their_own(compare_searcher) -> None:
    table = _table(compare_searcher, "大鹏新区2013年、2023年和盐田区2014年、2023年分别接待了多少游客？")
    cells = {(c["place"], c["year"]) for c in (*table["rows"], *table["missing"])}
    assert cells == {("大鹏新区", 2013), ("大鹏新区", 2023), ("盐田区", 2014), ("盐田区", 2023)}


def test_a_growth_rate_is_no_level(compare_searcher) -> None:
    """"地区生产总值分别是多少" asks the level: 江苏's and 西藏's openings state only its growth ("增长5.3%"), which is
    no row, where asked for ("增速", "增长目标") it is."""
    table = _table(compare_searcher, "北京、江苏、西藏2025年的地区生产总值分别是多少？")
    for row in table["rows"]:
        assert not row["answer_span_text"].endswith("%"), row["answer_span_text"]
    assert any(Path(r["doc"]).name == "gzbg_2026_beijing.txt" for r in table["rows"])
    growth = _table(compare_searcher, "北京、江苏、西藏2025年的地区生产总值增速分别是多少？")
    assert sum(r["answer_span_text"].endswith("%") for r in growth["rows"]) >= 2


def test_a_city_listed_with_its_own_year_beside_its_districts_is_compared() -> None:
    """"深圳市2012年、南山区2013年…": the city is compared, with its own year or period, not only where a joining
    word follows its name; "深圳市2020年各区" and "深圳市南山区" still only say where the districts are."""
    places = {1: Places(own=frozenset({"深圳市"}), parents=frozenset()), 2: Places(own=frozenset({"南山区"}), parents=frozenset({"深圳市"})),
              3: Places(own=frozenset({"罗湖区"}), parents=frozenset({"深圳市"}))}
    for question in ("新建污水管网多少公里？深圳市2012年、南山区2013年分别说一下。",
                     "注册志愿者人数：深圳市（2012年）和南山、罗湖（2013年）各有多少？",
                     "养老床位：罗湖区2013年、深圳市“十三五”期间、南山区2021年各多少张？",
                     "南山区2013年的生产总值，以及深圳市2012年的全市生产总值，列个表。",  # compare_blind13 X024
                     "南山区2014年政府工作报告、深圳市2013年政府工作报告里，办理人大代表建议各多少件？",  # X006
                     "南山区2013年的税收和深圳市2012年的地方公共财政预算收入对比一下"):  # compare_blind14 C021
        assert "深圳市" in compared_places(question, places, {"南山区", "罗湖区"}), question
    for question in ("深圳市2020年各区地区生产总值分别是多少", "深圳市南山区和罗湖区2013年的新增就业各是多少",
                     "深圳市2020年的各区GDP分别是多少", "深圳市2013年的南山区和罗湖区新增就业各是多少"):
        assert "深圳市" not in compared_places(question, places, {"南山区", "罗湖区"}), question


def test_places_each_with_their_own_year_or_plan_period(compare_searcher) -> None:
    """"北京“十四五”末、深圳市2012年…": 北京 is asked of its report reviewing the plan, in the plan's words."""
    assert plan_end_year("十四五") == 2025 and plan_end_year("十三五") == 2020 and plan_end_year("九五") == 2000
    cell = Cell(_report("b", 2026), "北京", 2025, period="“十四五”末")
    assert one_report_question("公园总数哪个多？北京“十四五”末、深圳市2012年各有多少个公园？", cell, ["北京", "深圳市"],
                               own_periods=True).startswith("北京“十四五”末公园总数")
    table = _table(compare_searcher, "公园总数哪个多？北京“十四五”末、深圳市2012年、南山区2021年各有多少个公园？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "1136个" in rows["gzbg_2026_beijing.txt"]["answer_span_text"]
    assert rows["gzbg_2026_beijing.txt"]["period"] == "“十四五”末" and rows["gzbg_2026_beijing.txt"]["year"] == 2025
    assert "841个" in rows["gzbg_shenzhen_city_2013.txt"]["answer_span_text"]


def test_the_figure_of_the_thing_asked_among_several_in_turn() -> None:
    """"A、B分别增长x%、y%": the figure of the thing the question names; none when it names none of them."""
    asked = parse_query("陕西2025年刑事案件下降了多少")
    sentence = "重拳打击电信网络诈骗，刑事、治安案件分别下降15.9%、13.3%。"
    marked = _respective_marked(asked, "陕西", _answer(sentence, "治安案件分别下降15.9%"))
    assert marked is not None and marked.span_text == "15.9%"
    travel = "全年接待游客人次、出游总花费分别增长20.7%、15.3%。"
    marked = _respective_marked(parse_query("吉林2025年出游总花费增长了多少"), "吉林", _answer(travel, "出游总花费分别增长20.7%"))
    assert marked is not None and marked.span_text == "15.3%"
    energy = "单位工业增加值水耗、电耗分别下降9.8%、5.2%。"
    assert _respective_marked(parse_query("宝安2014年煤耗下降了多少"), "宝安", _answer(energy, "电耗分别下降9.8%")) is None
    # the last one's head word is the others' too (compare_blind32 D813)
    works = "全年交通、水利投资分别达到845亿元、486.3亿元。"
    marked = _respective_marked(parse_query("陕西2025年交通投资多少亿元"), "陕西", _answer(works, "水利投资分别达到845亿元"))
    assert marked is not None and marked.span_text == "845亿元"
    marked = _respective_marked(parse_query("陕西2025年水利投资多少亿元"), "陕西", _answer(works, "水利投资分别达到845亿元"))
    assert marked is not None and marked.span_text == "486.3亿元"
    # a longer one has a head of its own
    trade = "进出口总额、实际利用外资分别增长8%、12%。"
    marked = _respective_marked(parse_query("宝安2014年利用外资增长多少"), "宝安", _answer(trade, "进出口总额、实际利用外资分别增长8%"))
    assert marked is not None and marked.span_text == "12%"
    # the first one's lead is said of them all (compare_blind37 M906)
    use = "万元GDP建设用地、水耗、电耗分别为2.3平方米、8.3立方米、277.9千瓦时。"
    marked = _respective_marked(parse_query("罗湖2013年万元GDP电耗是多少"), "罗湖", _answer(use, "电耗分别为2.3平方米"))
    assert marked is not None and marked.span_text == "277.9千瓦时"
    solved = "诉求解决率、满意率分别达97.3%和97.7%。"  # "解决率", not 率 alone, is the first one's own
    marked = _respective_marked(parse_query("北京2025年群众诉求解决率是多少"), "北京", _answer(solved, "满意率分别达97.3%"))
    assert marked is not None and marked.span_text == "97.3%"


def test_accumulated_outside_a_review_of_years_is_the_years_own() -> None:
    """"全年累计完成土地整备3平方公里": the year's own total; in a review of five years "累计" is theirs, and
    "年均" anywhere is an average over years."""
    asked = parse_query("罗湖2013年完成土地整备多少")
    land = _answer("空间资源进一步整合，全年累计完成土地整备3平方公里。", "全年累计完成土地整备3平方公里")
    assert figure_fits(asked, land, in_review=False)
    assert not figure_fits(asked, land, in_review=True)
    average = _answer("地区生产总值年均增长6.5%。", "地区生产总值年均增长6.5%")
    assert not figure_fits(parse_query("罗湖2013年地区生产总值增长多少"), average, in_review=False)


def test_a_question_naming_no_year_asks_each_report_without_one() -> None:
    """"北京、江苏的人均预期寿命分别达到多少岁": each report's own statement answers, which the year it reviews,
    added to the question, had doubted as another year's (a review of five years)."""
    cell = Cell(_report("b", 2026), "北京", 2025)
    assert one_report_question("北京、江苏的人均预期寿命分别达到多少岁？", cell, ["北京", "江苏"], dated=False) \
        == "北京人均预期寿命达到多少岁"
    assert one_report_question("2025年北京、江苏的人均预期寿命分别达到多少岁？", cell, ["北京", "江苏"]) \
        == "北京2025年人均预期寿命达到多少岁"


def test_the_figure_reached_not_the_one_started_from() -> None:
    sentence = "“一老一小”服务全面提升，人均预期寿命从2020年的82.4岁提升至83.9岁，民生改善更加可感可及。"
    assert _reached_marked(_answer(sentence, "的82.4岁")).span_text == "83.9岁"
    level = "人均预期寿命达到83.9岁，至2030年再提高1岁。"
    assert _reached_marked(_answer(level, "人均预期寿命达到83.9岁")).span_text == "人均预期寿命达到83.9岁"


def test_the_figure_of_the_clause_naming_the_indicator() -> None:
    """The figure marked is another indicator's ("人均地区生产总值达16.7万元"): the clause naming the one asked gives
    it, its rate where a growth is asked."""
    sentence = "地区生产总值连续迈上4个万亿元台阶、达14.2万亿元、年均增长5.7%，人均地区生产总值达16.7万元。"
    wrong = _answer(sentence, "人均地区生产总值达16.7万元")
    assert _indicator_marked(parse_query("江苏“十四五”时期地区生产总值年均增长多少"), wrong).span_text == "5.7%"
    assert _indicator_marked(parse_query("江苏“十四五”末地区生产总值是多少"), wrong).span_text == "14.2万亿元"
    held = _answer(sentence, "年均增长5.7%")
    assert _indicator_marked(parse_query("江苏“十四五”时期地区生产总值年均增长多少"), held) == held


def test_a_total_over_the_plan_period_asked_is_its_own() -> None:
    """"“十四五”时期…城镇新增就业达到多少" asks the period's total, which "累计" states."""
    jobs = _answer("城镇新增就业累计106万人，常住人口城镇化率达到71.5%。", "城镇新增就业累计106万人")
    assert figure_fits(parse_query("内蒙古“十四五”时期城镇新增就业达到多少"), jobs, in_review=True)
    assert not figure_fits(parse_query("内蒙古2025年城镇新增就业达到多少"), jobs, in_review=True)


def test_a_rate_asked_is_answered_by_a_rate() -> None:
    """"优良天数比例" is not answered by a count beside a rate; "占GDP比重" by the share after the level and growth."""
    days = _answer("大力推进污染防治攻坚，全省PM2.5浓度下降13.7%，优良天数增加25天。", "优良天数增加25天")
    assert not figure_fits(parse_query("河南2025年空气质量优良天数比例是多少"), days, in_review=False)
    research = _answer("全社会研发投入85.6亿元，增长21%，占GDP比重提高到3.6%。", "全社会研发投入85.6亿元")
    asked = parse_query("宝安区2014年全社会研发投入占GDP的比重是多少")
    assert _growth_marked(asked, research).span_text == "3.6%"
    doctors = _answer("每万名常住人口全科医生数达5.7名。", "每万名常住人口全科医生数达5.7名")
    assert figure_fits(parse_query("罗湖2021年每万名常住人口全科医生数是多少"), doctors, in_review=False)


def test_a_count_asked_is_no_rate_unless_its_change_is() -> None:
    """compare_blind8 E007: 南山's "户籍居民登记失业率控制在3%" had filled "实现就业的人数"; "死亡人数下降了多少" is a
    change, which a rate gives (compare_blind6 D007)."""
    jobs = _answer("新增就业岗位8000多个，户籍居民登记失业率控制在3%以内。", "户籍居民登记失业率控制在3%")
    cell = Cell(_report("n", 2014), "南山区", 2013)
    asked = one_report_question("帮助失业人员实现就业的人数：光明新区2015年，以及南山区2013年。", cell,
                                ["光明新区", "南山区"])
    assert asked == "南山区2013年帮助失业人员实现就业的人数是多少"
    assert not figure_fits(parse_query(asked), jobs, in_review=False)
    deaths = _answer("生产安全事故死亡人数下降12.5%。", "生产安全事故死亡人数下降12.5%")
    assert figure_fits(parse_query("北京2025年生产安全事故死亡人数下降了多少"), deaths, in_review=False)


def test_a_row_whose_clause_names_the_indicator_despite_few_of_the_questions_words(compare_searcher) -> None:
    """南山's "空气质量优良率达94.2%，PM2.5降至19.1微克/立方米" holds too few of the question's words for a single
    answer; its clause names PM2.5, and the comparison fixes report and year."""
    table = _table(compare_searcher, "福田、罗湖、龙岗、南山四个区2021年的PM2.5浓度对比一下。")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert rows["gzbg_shenzhen_nanshan_2022.txt"]["answer_span_text"].endswith("19.1微克/立方米")


def test_a_target_is_no_result(compare_searcher) -> None:
    """Asked the year reviewed, the 2008 report's "城镇新增就业1000万人，…失业率控制在4.5%左右" is an item of the year's
    targets ("主要预期目标是：…"), not a result: that report is listed as not stating it."""
    table = _table(compare_searcher, "2008、2020、2024年报告回顾上一年，全国城镇新增就业各多少人？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "gzbg_guowuyuan_2008.txt" not in rows
    assert rows["gzbg_guowuyuan_2024.txt"]["answer_span_text"].endswith("1244万人")


def test_provinces_listed_by_abbreviation_are_compared(compare_searcher) -> None:
    """"京冀豫苏吉蒙陕藏" lists eight provinces; "各省区市" frames them, it is no place ("北京市…")."""
    table = _table(compare_searcher, "京冀豫苏吉蒙陕藏2025年社会消费品零售总额增速各是多少？")
    named = {Path(c["doc"]).name for c in (*table["rows"], *table["missing"]) if c["doc"]}
    assert {"gzbg_2026_beijing.txt", "gzbg_2026_hebei.txt", "gzbg_2026_xizang.txt"} <= named
    cell = Cell(_report("b", 2026), "北京", 2025)
    assert one_report_question("各省区市2025年GDP分别是多少", cell, ["北京"]).startswith("北京2025年")


def test_the_reports_framing_a_comparison_are_left_out_of_each_reports_question() -> None:
    """The year before the reports named ("2014年几份报告里，…上一年的") is the cell's year already: asked again, it moved
    the year back once more and every row was doubted as another year's (compare_blind12 K007: 1 → 5 of 5 cells)."""
    nanshan = Cell(_report("n", 2014), "南山区", 2013)
    assert one_report_question("2014年几份报告里，广东省和南山区、罗湖区上一年的公共财政预算收入分别是多少？", nanshan,
                               ["广东省", "南山区", "罗湖区"]) == "南山区2013年公共财政预算收入是多少"
    country = Cell(_report("g", 2008), "全国", 2007)
    assert one_report_question("1992、2003、2008年的国务院政府工作报告里，上一年粮食产量各是多少？", country,
                               ["全国", "国务院"]) == "全国2007年粮食产量是多少"
    assert one_report_question("1992年、2008年这几份国务院政府工作报告中，上一年粮食产量各是多少？", country,
                               ["全国", "国务院"]) == "全国2007年粮食产量是多少"
    # A rate on the year before is what is asked, not that year.
    assert one_report_question("2014年报告里，南山区、罗湖区公共财政预算收入比上年增长多少？", nanshan,
                               ["南山区", "罗湖区"]).endswith("公共财政预算收入比上年增长多少")


def test_a_figure_that_reads_like_a_year_is_no_year() -> None:
    """"实现辖区税收1981亿元" was taken as said of 1981 and left out of 2021's row (compare_blind12 K022)."""
    asked = parse_query("南山区2021年辖区税收是多少")
    assert figure_fits(asked, _answer("实现辖区税收1981亿元，增长15.9%。", "实现辖区税收1981亿元"))
    assert not figure_fits(asked, _answer("辖区税收从2012年的480亿元增加到1981亿元。", "辖区税收从2012年的480亿元"))


def test_a_place_named_twice_is_asked_for_the_years_after_each_mention() -> None:
    """"南山2013年、宝安2014年、…南山2021年": 南山's 2021 row was never asked (compare_blind12 K024)."""
    question = "国家级高新技术企业总量：南山2013年、宝安2014年、南山2021年各有多少家？"
    assert _times_after(question, "南山") == ((2013, "", False), (2021, "", False))
    assert _times_after(question, "宝安") == ((2014, "", False),)


def test_a_year_naming_a_places_report_picks_that_report() -> None:
    """"南山区2014年政府工作报告、深圳市2013年…报告里" name reports, each of the year before (compare_blind13 X006,
    X025: those reports were never asked)."""
    question = "光明区2021年度法治报告、南山区（2014年和2022年报告）、深圳市2013年政府工作报告里，办理人大代表建议多少件？"
    assert _times_after(question, "南山区") == ((2014, "", True), (2022, "", True))
    assert _times_after(question, "光明区") == ((2021, "", True),)
    places = {1: Places(frozenset({"南山区"}), frozenset({"深圳市"})), 2: Places(frozenset({"南山区"}), frozenset({"深圳市"})),
              3: Places(frozenset({"光明区"}), frozenset({"深圳市"}))}
    reports = {1: _report("n14", 2014), 2: _report("n22", 2022), 3: _report("g21", 2021, "法治政府建设报告")}
    reports = {rid: replace(r, id=rid) for rid, r in reports.items()}
    cells = scope_cells(parse_query(question), reports, places, {"南山区", "光明区"})
    assert [(c.report.path if c.report else None, c.year) for c in cells] == \
        [("g21", 2021), ("n14", 2013), ("n22", 2021)]


def _hit(section: str, sentence: str, figure: str, before: str = "", year: int = 2022) -> Hit:
    """A hit whose passage (of a report of `year`) is `before` + `sentence`, answering with `figure` marked."""
    text = before + sentence
    report = _report("r", year)
    chunk = StoredChunk(1, report, section, 0, len(text), text, 0, len(text), "")
    at = text.index(figure, len(before))
    # as the search marks it (search/rank.in_review), the passage being the whole report here
    in_review = any(a <= len(before) < b for a, b in period_reviews(text))
    return Hit(0, 1.0, chunk, Answer(sentence, len(before), len(text), at, at + len(figure), figure, in_review))


def test_a_figure_listed_after_the_targets_lead_in_of_its_own_sentence_is_a_target() -> None:
    """"主要预期目标是：地区生产总值增长5%以上，…居民人均可支配收入增长5%左右": the lead-in is in the same sentence
    (compare_blind3 P014: a target shown as the result asked)."""
    result = parse_query("河北2025年居民人均可支配收入增长多少")
    hit = _hit("河北省2026年政府工作报告", "主要预期目标是：地区生产总值增长5%以上，居民人均可支配收入增长5%左右。",
               "居民人均可支配收入增长5%")
    assert _plan_for_result(result, hit)


def test_a_figure_under_a_heading_naming_a_plan_not_yet_over_is_a_target() -> None:
    """河南's 2026 report: "二、“十五五”时期主要目标任务" holds "全社会研发经费投入年均增长10%以上", no result of the
    "十四五" years (compare_blind35 F904); a heading naming the plan just over as well reviews it (compare_blind8 E021)."""
    result = parse_query("河南“十四五”这五年全社会研发经费投入年均增长多少")
    sentence = "构建现代化产业体系，全社会研发经费投入年均增长10%以上，制造业比重稳定合理增长。"
    figure = "全社会研发经费投入年均增长10%"
    plan = _hit("2026年河南省政府工作报告 › 二、“十五五”时期主要目标任务", sentence, figure, year=2026)
    assert _plan_for_result(result, plan)
    both = _hit("2026年河南省政府工作报告 › 二、“十四五”时期发展成就和“十五五”时期主要目标", sentence, figure, year=2026)
    assert not _plan_for_result(result, both)
    over = _hit("2026年河南省政府工作报告 › 一、“十四五”时期工作回顾", sentence, figure, year=2026)
    assert not _plan_for_result(result, over)
    titled = _hit("关于“十五五”规划纲要的报告 › 一、2025年工作回顾", sentence, figure, year=2026)
    assert not _plan_for_result(result, titled)
    # a review of the years of a plan still running (review of 300f2d7)
    for heading in ("一、2023年和“十四五”前三年工作回顾", "一、2024年工作回顾 › （二）“十四五”规划重大工程加快推进"):
        assert not _plan_for_result(result, _hit(f"2025年河南省政府工作报告 › {heading}", sentence, figure, year=2025))
    repeated = _hit("2026年河南省政府工作报告 › 2026年河南省政府工作报告 › 一、2025年工作回顾", sentence, figure, year=2026)
    assert not _plan_for_result(result, repeated)


def test_a_passage_below_the_top_one_fills_a_row_only_naming_the_indicator_in_the_tense_asked() -> None:
    """The top passage's checks are the search's; one below it is taken only when its figure's clause names the
    indicator and it is no plan where a result is asked, no review where a target is."""
    result = parse_query("坪山2013年固定资产投资完成多少")
    review = _hit("坪山新区2014年政府工作报告 › 一、2013年工作回顾", "完成固定资产投资250亿元，增长20%。",
                  "完成固定资产投资250亿元")
    plan = _hit("坪山新区2014年政府工作报告 › 二、2014年工作安排", "力争完成固定资产投资300亿元。",
                "完成固定资产投资300亿元")
    other = _hit("坪山新区2014年政府工作报告 › 一、2013年工作回顾", "完成工业增加值250亿元。", "完成工业增加值250亿元")
    assert _runner_up_fits(result, review)
    assert not _runner_up_fits(result, plan)
    assert not _runner_up_fits(result, other)
    target = parse_query("河南2026年地区生产总值增长预期目标是多少")
    assert not _runner_up_fits(target, _hit("河南省2026年政府工作报告", "一年来，生产总值增长5.6%。", "生产总值增长5.6%"))
    assert _runner_up_fits(target, _hit("河南省2026年政府工作报告", "生产总值增长5%左右。", "生产总值增长5%",
                                        before="主要预期目标是："))


def test_the_stock_asked_is_the_figure_of_the_clause_giving_it() -> None:
    """"高新技术企业总量…多少家" by "新增国家级高新技术企业292家，总量达到905家": 905, not the 292 added (compare_blind12
    K024, compare_blind11 H019)."""
    asked = parse_query("宝安2014年国家级高新技术企业总量有多少家")
    marked = _stock_marked(asked, _answer("新增国家级高新技术企业292家，总量达到905家，实现两年翻一番。",
                                          "新增国家级高新技术企业292家"))
    assert marked.span_text == "905家"
    assert _of_indicator(asked, marked)
    added = parse_query("宝安2014年新增国家级高新技术企业多少家")
    assert _stock_marked(added, _answer("新增国家级高新技术企业292家，总量达到905家。", "新增国家级高新技术企业292家")) \
        .span_text == "新增国家级高新技术企业292家"


def test_a_figure_asked_with_how_each_report_says_it_asks_each_the_figure() -> None:
    """"…涨了多少？把…报告里的说法对比一下": each report is asked the figure, without its phrasing words."""
    country = Cell(_report("g", 2008), "全国", 2007)
    assert one_report_question("上一年物价涨了多少？把1992、2008年国务院政府工作报告里的说法对比一下。", country,
                               ["全国", "国务院"]) == "全国2007年物价涨了多少"


def test_a_later_clause_opening_with_the_year_asked_gives_its_figure() -> None:
    """"全国粮食连续四年增产，2007年产量达到50150万吨": 2007's output, not "连续四年" (a time where none is asked;
    compare_blind13 X017, compare_blind12 K018)."""
    asked = parse_query("全国2007年粮食产量是多少")
    marked = _year_marked(asked, _answer("全国粮食连续四年增产，2007年产量达到50150万吨。", "全国粮食连续四年"))
    assert marked.span_text == "50150万吨"
    assert _of_indicator(asked, marked)
    assert _duration(asked, "四年") and not _duration(parse_query("粮食连续增产多少年"), "四年")
    assert _year_marked(parse_query("全国2006年粮食产量是多少"), marked).span_text == "50150万吨"  # 2006 named nowhere


def test_air_quality_is_named_as_reports_write_it() -> None:
    """"空气质量优良率" of 盐田, whose report writes "全年空气优良率98.9%": the rate's noun is mentioned (four sets'
    盐田 row had been doubted as "没有提到“空气质量”")."""
    from search.confidence import _mentions
    assert _mentions("全年空气优良率98.9%，创历史最佳水平。", "空气质量")
    assert not _mentions("燃气管网覆盖率达88.8%。", "空气质量")


def test_a_time_is_no_figure_unless_one_is_asked() -> None:
    """"…列入国民经济和社会发展十年规划" marked "十年" for 1992's growth target (compare_blind14 C010); five sets showed
    such rows. A time asked ("优良天数") keeps its days."""
    target = parse_query("全国1992年政府工作报告提出的经济增长预期目标是多少")
    assert not figure_fits(target, _answer("建议将兴建三峡工程列入国民经济和社会发展十年规划。", "国民经济和社会发展十年"))
    days = parse_query("罗湖2013年空气质量优良天数是多少")
    assert figure_fits(days, _answer("空气质量优良天数达358天。", "空气质量优良天数达358天"))


def test_the_rate_after_the_rest_of_the_levels_clause() -> None:
    """"地区生产总值首次突破400亿元大关，增长4.5%": the span ends before 大关, whose rest holds no rate; the growth
    asked is the next clause's (compare_blind14 C018, compare_blind4 C021/C029)."""
    asked = parse_query("大鹏2023年地区生产总值增速是多少")
    marked = _growth_marked(asked, _answer("地区生产总值首次突破400亿元大关，增长4.5%。", "地区生产总值首次突破400亿元"))
    assert marked.span_text == "4.5%"


def test_a_count_of_provinces_after_their_list_is_taken_out() -> None:
    assert one_report_question("2025年规上工业增加值增速，河北、河南、西藏六省区分别是多少？",
                               Cell(_report("h", 2026), "河北", 2025), ["河北", "河南", "西藏"]) \
        == "河北2025年规上工业增加值增速是多少"


def test_a_place_without_a_time_of_its_own_is_asked_for_each_report_or_shares_the_time_listed_after_it() -> None:
    """"光明区2021年和龙华区2019年…哪个多，张店乡有没有写": 张店乡's report is asked too (compare_blind15 D125: no table
    was built); "江苏、内蒙古、河北、陕西“十四五”期间": the period is the four's (compare_blind8 E027)."""
    question = "行政机关负责人出庭应诉多少宗？光明区2021年和龙华区2019年法治政府报告里哪个多，张店乡有没有写"
    places = {1: Places(frozenset({"光明区"}), frozenset({"深圳市"})), 2: Places(frozenset({"龙华区"}), frozenset({"深圳市"})),
              3: Places(frozenset({"张店乡"}), frozenset({"鲁山县"}))}
    reports = {1: _report("g21", 2021, "法治政府建设报告"), 2: _report("l19", 2019, "法治政府建设报告"),
               3: _report("z23", 2023, "法治政府建设报告")}
    reports = {rid: replace(r, id=rid) for rid, r in reports.items()}
    cells = scope_cells(parse_query(question), reports, places, {"光明区", "龙华区", "张店乡"})
    assert [(c.report.path if c.report else None, c.year) for c in cells] == [("g21", 2021), ("l19", 2019), ("z23", 2023)]
    listed = "单位GDP能耗五年累计下降了多少？江苏、内蒙古、河北、陕西“十四五”期间，深圳市“十三五”期间。"
    provinces = [(_report(p, 2026), p) for p in ("江苏", "内蒙古", "河北", "陕西")] + [(_report("深圳市", 2021), "深圳市")]
    times = _own_times(listed, provinces)
    assert times["河北"] == times["陕西"] == ((2025, "“十四五”期间", False),) and times["深圳市"][0][0] == 2020
    # One place with a year of its own is enough: the others are asked for each report (compare_blind19 U503 had
    # asked all three for 2023), or for the years asked where some are no place's own (compare_blind7 D015).
    one_timed = "请分别列出光明区、龙华区法治政府建设报告中印发的规范性文件数量，张店乡2023年报告如有也一并列出。"
    cells = scope_cells(parse_query(one_timed), reports, places, {"光明区", "龙华区", "张店乡"})
    assert [(c.report.path if c.report else None, c.year) for c in cells] == [("z23", 2023), ("g21", 2021), ("l19", 2019)]
    shared = "复议案件：光明区历年（2019年、2021年）是多少？和龙华区2019年比一比。"
    cells = scope_cells(parse_query(shared), reports, places, {"光明区", "龙华区"})
    assert {(c.place, c.year) for c in cells} == {("龙华区", 2019), ("光明区", 2019), ("光明区", 2021)}


def test_the_period_of_a_place_without_a_report_is_not_asked_of_the_others() -> None:
    """compare_blind17 R325: "…西安“十四五”末…" left in made 深圳's question one of the plan period."""
    question = "地铁运营里程哪个多：北京2025年、深圳2020年、西安“十四五”末各多少公里？"
    asked = one_report_question(question, Cell(_report("s", 2021), "深圳", 2020), ["北京", "深圳", "西安"])
    assert asked == "深圳2020年地铁运营里程：多少公里"


def test_the_kind_of_report_named_after_the_places_is_not_what_is_asked() -> None:
    asked = one_report_question("行政复议案件数量对比：光明区、龙华区、张店乡的法治政府建设报告各是多少宗？",
                                Cell(_report("g", 2021, "法治政府建设报告"), "光明区", 2021), ["光明区", "龙华区", "张店乡"])
    assert "报告" not in asked and asked.startswith("光明区") and "行政复议案件数量" in asked
    # before what is asked it stays: without it, 张店乡's "化解矛盾26起" held enough of the rest to fill a row
    assert "报告" in one_report_question("光明区、张店乡法治政府报告里行政复议案件各有多少？",
                                         Cell(_report("z", 2023), "张店乡", 2023), ["光明区", "张店乡"])


def test_reports_named_by_several_years_are_compared() -> None:
    assert _names_several(parse_query("1992年、2003年、2008年国务院政府工作报告提出的经济增长目标，列个表"), {"国务院"})
    assert not _names_several(parse_query("2008年国务院政府工作报告提出的经济增长目标"), {"国务院"})


def test_a_doubted_answer_naming_the_indicator_is_no_row_when_it_states_a_goal(compare_searcher) -> None:
    """深圳's 2020 income is its review's "居民人均可支配收入达6.49万元", never the "十四五" goal "…超过9万元" the search
    ranks first and doubts (compare_blind17 R324): a doubted top answer is weighed as a runner-up, in the tense asked."""
    table = _table(compare_searcher, "居民人均可支配收入：河北“十四五”末和深圳2020年各是多少？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "超过9万元" not in (rows.get("gzbg_shenzhen_city_2021.txt", {}).get("answer_span_text") or "")


def test_a_currency_asked_is_the_currency_given() -> None:
    from text.numbers import answers_unit
    assert not answers_unit("美元", "190.3亿元")  # compare_blind17 R320: "出口退税190.3亿元" for an export in 美元
    assert answers_unit("美元", "221.1亿美元") and answers_unit("元", "3.2万元")


def test_the_count_of_places_listed_may_stand_before_their_year() -> None:
    """"福田、罗湖、南山、龙岗四个区2021年": 2021 is 龙岗's and, listed before it, the others' (compare_blind16 K218:
    "豫、苏、蒙、藏、陕五省区“十四五”末")."""
    question = "深圳福田、罗湖、南山、龙岗四个区2021年PM2.5浓度是多少？大鹏新区、盐田区2023年的也一起列出来。"
    assert _times_after(question, "龙岗") == ((2021, "", False),)
    assert _times_after("豫、苏、蒙、藏、陕五省区“十四五”末和全国2023年", "陕")[0][1] == "“十四五”末"


def test_the_level_reached_at_the_end_of_a_review_of_years_is_the_last_years() -> None:
    """compare_blind18 T421, T423: in "这五年…" the level reached ("从27136元增长到36439元", "森林覆盖率达到22%") is
    the last year's; a level is not what was added ("新增养老床位": compare_blind8 E029), nor a yearly average."""
    review = "过去五年，我们砥砺前行。"
    income = _hit("一、过去五年工作回顾", "居民人均可支配收入从27136元增长到36439元。", "从27136元增长到36439元", review)
    assert not _in_period_review(parse_query("河北2025年居民人均可支配收入是多少"), income)
    beds = _hit("一、过去五年工作回顾", "全区养老机构和设施达到9341个、床位10.5万张。", "床位10.5万张", review)
    assert _in_period_review(parse_query("内蒙古2025年新增养老床位多少张"), beds)
    growth = _hit("一、过去五年工作回顾", "地区生产总值年均增长5.5%。", "年均增长5.5%", review)
    assert _in_period_review(parse_query("河北2025年地区生产总值增长多少"), growth)


def test_places_asked_for_now_are_asked_of_their_latest_report(shared_index_searcher) -> None:
    """"冀、豫、陕现在各多少公里" beside "全国2002年": each province's latest report, the country's of 2002
    (compare_blind18 T420 had built no table)."""
    table = result_json(shared_index_searcher.search(
        "高速公路通车里程：全国2002年是多少？冀、豫、陕现在各多少公里？"))["table"]
    cells = {(c["place"], c["year"], Path(c["doc"]).name) for c in (*table["rows"], *table["missing"]) if c["doc"]}
    assert {("河北", 2025, "gzbg_2026_hebei.txt"), ("陕西", 2025, "gzbg_2026_shaanxi.txt"),
            ("全国", 2002, "gzbg_guowuyuan_2003.txt")} <= cells
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "6895公里" in rows["gzbg_2026_shaanxi.txt"]["answer_span_text"]


def test_a_time_marked_gives_way_to_the_figure_after_it_and_a_multiple_is_no_amount() -> None:
    """compare_blind19 U514: "全国粮食连续四年增产，2007年产量达到50150万吨" had marked "连续四年" and left the row
    out; "可以等于一九四九年的一点五倍" is no amount of grain unless a multiple is asked."""
    asked = parse_query("全国2007年粮食产量是多少")
    sentence = "全国粮食连续四年增产，2007年产量达到50150万吨。"
    assert _past_duration_marked(asked, _answer(sentence, "全国粮食连续四年")).span_text == "50150万吨"
    multiple = _answer("预计今年的粮食产量可以等于一九四九年的一点五倍。", "可以等于一九四九年的一点五倍")
    assert not figure_fits(parse_query("全国1954年粮食产量是多少"), multiple, in_review=False)
    assert figure_fits(parse_query("全国1954年粮食产量是1949年的几倍"), multiple, in_review=False)
    # a growth said as a multiple answers a growth asked (compare_blind32 D819), and only that
    grown = _answer("知识产权质押融资金额增长14倍。", "知识产权质押融资金额增长14倍")
    assert figure_fits(parse_query("大鹏新区2023年知识产权质押融资增长了多少"), grown, in_review=False)
    nearly = _answer("知识产权质押融资金额增长近14倍。", "知识产权质押融资金额增长近14倍")
    assert figure_fits(parse_query("大鹏新区2023年知识产权质押融资增长了多少"), nearly, in_review=False)
    assert not figure_fits(parse_query("大鹏新区2023年知识产权质押融资多少亿元"), grown, in_review=False)
    assert not figure_fits(parse_query("全国1954年粮食产量增长了多少"), multiple, in_review=False)


def test_each_year_of_places_listed_before_a_report_name_names_its_report() -> None:
    """compare_blind20 V624: "广东省2014年、深圳市2013年、…宝安区2015年的政府工作报告": each year names the place's report,
    not the year asked (only 宝安区's had been read so, and no table was built)."""
    text = "广东省2014年、深圳市2013年、南山区2014年、宝安区2015年的政府工作报告，新开工的保障性住房各是多少套？"
    assert _times_after(text, "深圳市") == ((2013, "", True),)
    assert _times_after(text, "宝安区") == ((2015, "", True),)
    assert _times_after("深圳市2013年、南山区2014年新开工的保障性住房各是多少套？", "深圳市") == ((2013, "", False),)


def test_the_stock_beside_what_was_added_unless_that_is_asked() -> None:
    """compare_blind20 V611: "地铁运营里程" is the total ("总里程达909公里"), not the year's addition beside it; "新增
    减税降费超万亿元" has no stock of its own in "人均地区生产总值达16.7万元" (compare_blind7 D013)."""
    sentence = "开通3条地铁新线、新增运营里程30公里，总里程达909公里、居全国首位。"
    metro = _answer(sentence, "新增运营里程30公里")
    assert _stock_marked(parse_query("北京2025年地铁运营里程是多少公里"), metro).span_text == "909公里"
    assert _stock_marked(parse_query("北京2025年新增地铁运营里程多少公里"), metro).span_text == "新增运营里程30公里"
    taxes = _answer("人均地区生产总值达16.7万元，新增减税降费超1万亿元。", "新增减税降费超1万亿元")
    assert _stock_marked(parse_query("江苏减税降费多少"), taxes).span_text == "新增减税降费超1万亿元"


def test_a_target_refused_or_this_years_report_named_asks_no_target() -> None:
    """"…去年…实际完成了多少？…不要今年的目标" asks 2025's results of the 2026 reports (compare_blind22 V703)."""
    from text.tense import DONE, PLAN
    query = parse_query("今年各省的政府工作报告里，去年城镇新增就业实际完成了多少？只要去年的实绩，不要今年的目标。")
    assert query.tense == DONE and query.insists_result and not query.target_named and not query.insists_target
    assert parse_query("去年北京的PM2.5浓度是多少？要实际值，不是目标").insists_result
    # refused after it too (compare_blind35 F921)
    refused_after = parse_query("城镇污水处理率实际达到多少：广东2013年、大鹏新区2013年？规划目标不算。")
    assert refused_after.tense == DONE and refused_after.insists_result
    # "报告里只给增速的标一下没有" refuses a growth, as "不要增速" does: the level is asked (compare_blind35 F905)
    from search.compare import _asks_level
    from text.numbers import asks_growth
    level = parse_query("十四五收官时，冀、豫的社会消费品零售总额规模各到了多少？只要总额，报告里只给增速的标一下没有。")
    assert _asks_level(level) and not asks_growth(level.text) and level.noun_measure != "rate"
    assert not _asks_level(parse_query("冀、豫的社会消费品零售总额各增长了多少？"))
    assert parse_query("冀、豫2025年城镇新增就业各多少？只有目标的算没有。").insists_result
    # only with a verdict refusing it: "只给增速的也行" accepts growth, "只有几个市…" names cities (review of 2c9c685)
    assert asks_growth(parse_query("冀、豫社零各多少？只给增速的也行").text)
    assert not parse_query("冀、豫今年城镇新增就业各多少？只有目标的也列上").insists_result
    from text.tense import without_refused_things
    assert without_refused_things("冀、豫社零各多少？不要总量要增速") == "冀、豫社零各多少？要增速"
    kept = "2021年福田、龙岗不含房地产的固定资产投资各是多少？"  # 不含 inside the thing asked
    assert without_refused_things(kept) == kept
    # a clause refusing after it (compare_blind37 M901): the share is not asked of each report
    after = "大鹏新区2023年战略性新兴产业增加值是多少亿元？只要增加值绝对额，占GDP比重、产值都不算"
    assert "比重" not in without_refused_things(after) and "增加值绝对额" in without_refused_things(after)
    assert without_refused_things("城镇污水处理率达到多少？规划目标不算。") == "城镇污水处理率达到多少？规划目标不算。"
    # "别把…的目标当成实绩" refuses a target (compare_blind35 F904); "分别把…目标定在多少" asks one (compare_blind19 U509)
    not_target = parse_query("“十四五”这五年全社会研发经费投入年均增长多少？别把“十五五”的目标当成实绩。")
    assert not not_target.target_named and not not_target.insists_target
    assert parse_query("国务院2008年、2020年政府工作报告分别把国内生产总值增长的预期目标定在多少？").target_named
    assert parse_query("南山区2024年特别把GDP增长目标定在多少").target_named  # not 特别把, 区别把握 (review)
    assert without_refused_things("2023年报告特别把哪些指标列为约束性目标？") == "2023年报告特别把哪些指标列为约束性目标？"
    # 只要 names what is wanted: "只要完成数" asks no plan (compare_blind35 F917); "只要…就" is a condition
    assert parse_query("罗湖、南山两区2013年各完成了多少个小区？只要完成数。").tense == DONE
    assert parse_query("罗湖今年要完成多少个小区").tense == PLAN
    assert parse_query("罗湖今年只要完成多少个小区改造就能达标").tense == PLAN
    target = parse_query("今年北京的GDP增长目标是多少")
    assert target.tense == PLAN and target.target_named
    # what is asked between 今年 and 报告, a question "是不是计划…", cities "不含计划单列市": still targets
    assert parse_query("江苏、河南今年的城镇新增就业目标在报告里是多少").insists_target
    assert parse_query("今年政府工作报告里计划新增就业多少").insists_target
    asked = parse_query("江苏、河南今年是不是计划城镇新增就业100万人")
    assert asked.tense == PLAN and not asked.insists_result
    cities = parse_query("各市一般公共预算收入增长目标是多少（不含计划单列市）")
    assert cities.insists_target and not cities.insists_result


def test_a_shortened_province_name_is_written_out() -> None:
    from text.places import expand_abbreviations
    assert expand_abbreviations("内蒙、西藏规上工业增加值增速对比") == "内蒙古、西藏规上工业增加值增速对比"
    assert expand_abbreviations("内蒙古自治区") == "内蒙古自治区"
    # three or more parted by 、 run straight into what is asked (compare_blind21 W720)
    assert expand_abbreviations("“十四五”末冀、豫、陕、蒙高速公路通车里程") == "“十四五”末河北、河南、陕西、内蒙古高速公路通车里程"
    assert expand_abbreviations("北京、津、冀协同发展") == "北京、津、冀协同发展"
    # a 国务院 report named by the premier who delivered it (compare_blind32 D803)
    assert expand_abbreviations("温家宝2008年政府工作报告回顾的过去五年") == "国务院2008年政府工作报告回顾的过去五年"
    assert expand_abbreviations("李鹏飞2020年报告里的一般公共预算收入") == "李鹏飞2020年报告里的一般公共预算收入"


def test_each_place_asked_in_a_sentence_of_its_own() -> None:
    from search.compare import own_clause
    places = {"张店乡", "光明新区", "南山区", "光明区"}
    question = "矛盾纠纷调处数量对比：张店乡2023年化解了多少起？光明新区2015年、南山区2013年各调处了多少宗？"
    assert own_clause(question, "张店乡", places) == "矛盾纠纷调处数量对比：张店乡2023年化解了多少起"
    assert own_clause(question, "南山区", places) == "矛盾纠纷调处数量对比：光明新区2015年、南山区2013年各调处了多少宗"
    # no unit of its own: the sentence leans on the one before for what it asks
    leaning = "罗湖区2022年政府工作报告定的地区生产总值增长目标是多少？福田、南山、龙岗同年报告又是多少"
    assert own_clause(leaning, "福田", {"罗湖区", "福田", "南山", "龙岗"}) == leaning
    # all the places in one sentence: the whole question
    together = "2025年改造老旧燃气管道多少公里？吉林、陕西、河南分别是多少？"
    assert own_clause(together, "吉林", {"吉林", "陕西", "河南"}) == together
    # its own unit but nothing else of its own: what the sentence before asks
    again = "江苏2025年城镇新增就业多少万人？河南2025年是多少万人？"
    assert own_clause(again, "河南", {"江苏", "河南"}) == again
    # an opening sentence naming no place asks of every place (compare_blind32 D825)
    opening = "郊野径修了多少公里？盐田区、大鹏新区2024年工作报告里2023年各新增（贯通）了多少公里？坪山区2024年报告呢？"
    assert own_clause(opening, "盐田区", {"盐田区", "大鹏新区", "坪山区"}) == \
        "郊野径修了多少公里？盐田区、大鹏新区2024年工作报告里2023年各新增（贯通）了多少公里"
    # a growth asked has a unit of its own (compare_blind32 D819)
    growth = "知识产权质押融资：罗湖区2021年帮企业融了多少钱？大鹏新区2023年增长了多少？坪山区2024年报告里有没有2023年的完成数？"
    assert own_clause(growth, "大鹏新区", {"罗湖区", "大鹏新区", "坪山区"}) == "知识产权质押融资：大鹏新区2023年增长了多少"
    # but alone it says not what grew; an opening asking another thing in another unit is not put before
    alone = "南山区2023年地区生产总值增长了多少？福田区2023年增长了多少？"
    assert own_clause(alone, "福田区", {"南山区", "福田区"}) == alone
    other = "全市GDP是多少亿元？南山区2023年新增就业多少万人？福田区2023年新增就业多少万人？"
    assert own_clause(other, "南山区", {"南山区", "福田区"}) == "南山区2023年新增就业多少万人"
    # a noun after 多少 is that sentence's own thing, asked with no unit (compare_blind37 M904)
    buses = "公交车辆投放对比：宝安区2014年增投了多少台公交车？光明新区2015年新投放了多少公交运力？"
    assert own_clause(buses, "光明新区", {"宝安区", "光明新区"}) == "公交车辆投放对比：光明新区2015年新投放了多少公交运力"
    # not any two characters after 多少 (review of 0985414)
    unwritten = "南山区2021年新增学位多少个？福田区2021年多少没写吗？"
    assert own_clause(unwritten, "福田区", {"南山区", "福田区"}) == unwritten


def test_years_written_before_their_places_are_the_places_own() -> None:
    """compare_blind37 M910: "2014年南山区、2015年宝安区、2016年光明新区的政府工作报告" asked every place for each year."""
    from search.compare import _years_after_places
    places = {"南山区", "宝安区", "光明新区", "大鹏新区"}
    assert _years_after_places("2014年南山区、2015年宝安区、2016年光明新区的政府工作报告，以及大鹏新区2024年管委会报告",
                               places) == "南山区2014年、宝安区2015年、光明新区2016年的政府工作报告，以及大鹏新区2024年管委会报告"
    one = "2013年罗湖、南山两区新建了几所学校"  # one year before the first place is every place's
    assert _years_after_places(one, {"罗湖", "南山"}) == one
    # a run of years goes after the run of places it leads (review of 721d691)
    assert _years_after_places("2013年罗湖区和南山区、2021年福田区的城镇新增就业", {"罗湖区", "南山区", "福田区"}) == \
        "罗湖区和南山区2013年、福田区2021年的城镇新增就业"
    assert _years_after_places("2013年和2021年罗湖区、2013年南山区的GDP", {"罗湖区", "南山区"}) == \
        "罗湖区2013年和2021年、南山区2013年的GDP"


def test_a_city_with_a_time_of_its_own_is_compared_beside_its_district() -> None:
    def place(own: set[str], *parents: str) -> Places:
        return Places(own=frozenset(own), parents=frozenset(parents))
    places = {1: place({"深圳市", "深圳"}, "广东"), 2: place({"罗湖区", "罗湖"}, "深圳", "深圳市", "广东")}
    assert compared_places("深圳“十三五”末的地铁运营里程呢？罗湖区2021年已开通的地铁总里程又是多少？", places, set()) \
        == {"深圳", "罗湖区"}
    assert compared_places("深圳罗湖区和福田区2021年的地铁里程", places, set()) == {"罗湖区"}
    assert compared_places("深圳市2020年的罗湖区地铁里程", places, set()) == {"罗湖区"}
    # 地区生产总值 is no division of 深圳's
    assert compared_places("深圳“十三五”末的地区生产总值呢？罗湖区2021年的又是多少？", places, set()) == {"深圳", "罗湖区"}


def test_a_level_reached_in_a_review_of_years() -> None:
    from text.tense import states_level_reached
    assert states_level_reached("港口集装箱吞吐量达2655万标箱")
    assert states_level_reached("全社会研发投入占地区生产总值比重达4.93%")
    assert not states_level_reached("累计新增就业达50万人")
    assert not states_level_reached("城镇新增就业603.7万人")
    assert not states_level_reached("外贸进出口总额增长达15%")


def test_a_year_no_report_reviews_names_the_report_of_that_year(compare_searcher) -> None:
    """"罗湖区2014年和2022年的GDP": no report reviews 2014 or 2022, so each year names its report, asked for the year
    it reviews (compare_blind23: 11 of 25 questions named reports so)."""
    table = _table(compare_searcher, "罗湖区2014年和2022年的GDP")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "1488亿元" in rows["gzbg_shenzhen_luohu_2014.txt"]["answer_span_text"]
    assert "2571.67亿元" in rows["gzbg_shenzhen_luohu_2022.txt"]["answer_span_text"]
    assert rows["gzbg_shenzhen_luohu_2022.txt"]["year"] == 2021
    # a year some report reviews is that year's figure: 罗湖's 2014 report (of 2013) is no row of "深圳各区2014年"
    # (test_each_district_of_a_city)


def test_what_is_asked_of_each_report_named_by_its_year() -> None:
    """"2003年报告说2002年", "2008年报告里的2005年", "…回顾的前五年": each report is asked that (compare_blind22
    V716, compare_blind24 Y822, compare_blind7 D040); the year said is no other report's."""
    from text.question import asked_of_reports
    assert asked_of_reports("1954年国务院报告说1949年铁路通车里程多少？2003年报告说2002年营运里程达到多少？"
                            "2008年报告说五年新增多少公里？") == ((1954, 1949), (2003, 2002), (2008, "五年"))
    assert asked_of_reports("国务院2003年、2008年报告回顾的前五年，2024年报告回顾的2023年") == \
        ((2003, "前五年"), (2008, "前五年"), (2024, 2023))
    assert asked_of_reports("2014年那份报告里讲的上一年GDP") == ()
    assert asked_of_reports("国务院2008年报告里五年规划目标") == ()  # no review of years
    # the year asked of one report is no report of its own; reports listed on belong to the place before them,
    # not when another place names its own (review of ed9bee0)
    assert parse_query("国务院2003年报告里的2002年、2008年报告里的2005年GDP").report_years == (2003, 2008)
    assert [y for y, _, _ in _times_after("国务院2003年、2008年报告回顾的前五年，2024年报告回顾的2023年，以及河北",
                                          "国务院")] == [2003, 2008, 2024]
    assert [y for y, _, _ in _times_after("南山区2014年报告说的2013年GDP，2020年深圳市报告说的2019年GDP",
                                          "南山区")] == [2014]
    assert asked_of_reports("国务院2024年政府工作报告2023年度GDP") == ()


def test_each_report_named_by_its_year_answers_what_is_asked_of_it(compare_searcher) -> None:
    """The 2008 report's "2005年人均期望寿命达到73岁" is its row; the country's reports are listed after the body's
    name and on ("国务院2003年报告里的2002年、2008年报告里的2005年"), each asked its own year."""
    table = _table(compare_searcher, "人均预期寿命历年比较：国务院2003年报告里的2002年、2008年报告里的2005年，"
                                     "深圳市2021年报告里的2020年，分别是多少岁？")
    rows = {Path(r["doc"]).name: r for r in table["rows"]}
    assert "73岁" in rows["gzbg_guowuyuan_2008.txt"]["answer_span_text"] and rows["gzbg_guowuyuan_2008.txt"]["year"] == 2005
    assert "71.8岁" in rows["gzbg_guowuyuan_2003.txt"]["answer_span_text"]
    assert "83.5岁" in rows["gzbg_shenzhen_city_2021.txt"]["answer_span_text"]
    assert not [c for c in table["missing"] if not c["doc"]]  # no year asked of a place with no report of it


def test_a_review_of_five_years_opened_in_an_earlier_passage(compare_searcher) -> None:
    """河南's "城镇新增就业603.7万人" and 江苏's "超690万人" stand in the "十四五" review opened passages before theirs:
    not 2025's; past their reports' 2026 targets, the year's own figures are (compare_blind22 V703)."""
    table = _table(compare_searcher, "今年各省的政府工作报告里，去年城镇新增就业实际完成了多少？看苏、豫两地，只要去年的实绩，"
                                     "不要今年的目标。")
    rows = {Path(r["doc"]).name: r["answer_span_text"] for r in table["rows"]}
    assert "141万人" in rows["gzbg_2026_jiangsu.txt"] and "121.7万人" in rows["gzbg_2026_henan.txt"]


def test_a_figure_for_a_year_after_the_report_is_a_plan(compare_searcher) -> None:
    """The 1978 report's "到一九八五年，粮食产量达到八千亿斤" is a plan, not 1977's harvest (compare_blind21 W710)."""
    table = _table(compare_searcher, "国务院1978年和1992年政府工作报告里上一年的全国粮食产量各是多少？")
    rows = {Path(r["doc"]).name: r["answer_span_text"] for r in table["rows"]}
    assert "gzbg_guowuyuan_1978.txt" in {Path(c["doc"]).name for c in table["missing"] if c["doc"]}
    assert "43524万吨" in rows["gzbg_guowuyuan_1992.txt"].replace("４３５２４", "43524")
    from search.compare import _of_later_year
    done = _hit("一、过去五年工作回顾", "提前完成2025年规划目标，累计建成5G基站4.7万个。", "累计建成5G基站4.7万个")
    assert not _of_later_year(done)  # a year named, not one the figure is planned for


def test_the_figures_own_clause_names_what_is_asked() -> None:
    """"新能源汽车保有量" is not "…，新能源汽车产量增长5.1倍，…，13个大模型通过国家备案" (compare_blind24 Y825); a clause
    going on from its subject's ("盐田港区集装箱吞吐量创历史新高，达1167.28万标箱") names it through that one."""
    from search.compare import _clause_names_topic
    share = lambda gram: 0.01  # noqa: E731
    cars = parse_query("河北2025年新能源汽车保有量多少辆")
    sentence = "钢铁产品由原料级向材料级转变，新能源汽车产量增长5.1倍，综合算力指数全国第一，13个大模型通过国家备案。"
    assert not _clause_names_topic(cars, "河北", _answer(sentence, "13个"), share)
    port = parse_query("盐田2014年集装箱吞吐量是多少")
    reached = "一是盐田港区集装箱吞吐量创历史新高，达1167.28万标箱，增长8.1%。"
    assert _clause_names_topic(port, "盐田", _answer(reached, "达1167.28万标箱"), share)
    # a word the clause shares only with many passages is no naming ("工业技改投资" by "…工业企业利润增长15%",
    # compare_blind27 R722: 工业 is in a tenth of the passages and more)
    upgrade = parse_query("龙华区2019年工业技改投资增长了多少")
    profits = "非富士康系百强企业增长28%，规模以上工业企业利润增长15%，工业技改投资总额居全市前列。"
    common = lambda gram: 0.2 if gram in ("工业", "增长") else 0.01  # noqa: E731
    assert not _clause_names_topic(upgrade, "龙华区", _answer(profits, "规模以上工业企业利润增长15%"), common)
    assert _clause_names_topic(upgrade, "龙华区", _answer(profits, "规模以上工业企业利润增长15%"), share)


def test_the_figure_of_the_thing_counted_is_marked() -> None:
    """"签约了多少个项目": not "筹办招商大会3场"; "多少个监控点": not "建成8个街道" (compare_blind24 Y802, Y807). A figure
    already said of it stays, words and all."""
    from search.compare import _counted_marked
    projects = parse_query("罗湖2021年在招商大会上签约了多少个项目")
    sentence = "筹办招商大会3场，签约重大项目50个，意向投资总额833亿元。"
    assert _counted_marked(projects, _answer(sentence, "筹办招商大会3场")).span_text == "50个"
    cameras = parse_query("南山2013年建成了多少个监控点")
    points = "建成8个街道、82个社区电子监控平台和 9431个电子监控点。"
    assert _counted_marked(cameras, _answer(points, "建成8个")).span_text == "9431个"
    joined = "建成8个街道和电子监控点9431个。"
    assert _counted_marked(cameras, _answer(joined, "建成8个")).span_text == "9431个"
    places = parse_query("坪山2023年新增多少个学位")
    seats = "新增基础教育学位超7100个，小一、初一公办学位保障率排名全市第一。"
    assert _counted_marked(places, _answer(seats, "新增基础教育学位超7100个")).span_text == "新增基础教育学位超7100个"
    # of two counts of the thing, the one said of more of what is asked (compare_blind27 R720)
    water = parse_query("南山区2021年优质饮用水入户改造完成了多少个小区")
    homes = "完成102个小区二次供水设施、106个小区优质饮用水入户改造。"
    assert _counted_marked(water, _answer(homes, "完成102个小区二次")).span_text == "106个"
    assert _counted_marked(water, _answer(homes, "106个")).span_text == "106个"


def test_a_row_of_a_report_named_by_its_year_says_so(compare_searcher) -> None:
    """"罗湖区2022年GDP" reads the 2022 report, which gives 2021's: the row says both (CLI, page and JSON)."""
    from search.present import cell_where
    result = compare_searcher.search("罗湖区2014年和2022年的GDP", k=10)
    where = {Path(c.report.path).name: cell_where(c) for c in result.table.rows}
    assert where["gzbg_shenzhen_luohu_2022.txt"] == "罗湖区 2021年（2022年报告）"
    rows = {Path(r["doc"]).name: r for r in result_json(result)["table"]["rows"]}
    assert rows["gzbg_shenzhen_luohu_2022.txt"]["named_year"] == 2022
    # a year some report reviews is named by nothing else
    plain = compare_searcher.search("盐田区2014年和2023年的旅游收入各是多少？", k=10)
    assert all(c.named_year is None for c in plain.table.rows)


def test_other_names_given_in_an_aside() -> None:
    """"省级重点（重大）项目": a report may write either (江苏's "抓好550个省重大项目", compare_blind35 F909); a time, a
    source, a condition or places in brackets names nothing."""
    from search.compare import other_namings
    assert other_namings("今年各省安排了多少个省级重点（重大）项目？", []) == [("今年各省安排了多少个省级重大项目？", "重大")]
    assert other_namings("新建燃气管道（管网）多少公里", []) == [("新建燃气管网多少公里", "管网")]
    assert other_namings("2025年旅游收入（游客总花费）对比", []) == [("2025年游客总花费对比", "游客总花费")]
    assert [q for q, _ in other_namings("宝安区2014年的税收总额（两税、国地税）各是多少", [])] == \
        ["宝安区2014年的两税各是多少", "宝安区2014年的国地税各是多少"]
    for aside in ("（2014年报告）", "（看次年的报告）", "（不含计划单列市）", "（京、冀、豫）", "（CPI）", "（南山）",
                  "（亿元）", "（省级）", "（全区）", "（计划）", "（约）"):
        assert other_namings(f"地区生产总值{aside}各是多少", ["南山"]) == []
    # names listed sharing nothing with the words before them are parts more often
    assert other_namings("重点人群（高校毕业生、农民工）就业多少人", []) == []
    assert other_namings("新能源（风电、光伏）装机", []) == []
    assert other_namings("第三产业（服务业）占GDP的比重", []) == [("服务业占GDP的比重", "服务业")]
    # a unit stands for the unit asked ("多少场（次）"), none other ("学位（个）", "收入（亿元）")
    assert other_namings("各开展了多少场（次）普法", []) == [("各开展了多少次普法", "次")]
    assert other_namings("新增学位（个）各多少", []) == [] and other_namings("一般公共预算收入（亿元）各多少", []) == []


def test_a_row_found_by_another_name_says_it(compare_searcher) -> None:
    """Asked in the aside's name, the row's figure is said in that name: 江苏's "抓好550个省重大项目"."""
    table = _table(compare_searcher, "2026年各省安排了多少个省级重点（重大）项目？陕、苏两省今年的报告对比一下。")
    rows = {Path(r["doc"]).name: r["answer_span_text"] for r in table["rows"]}
    assert "640个" in rows["gzbg_2026_shaanxi.txt"] and "550个" in rows["gzbg_2026_jiangsu.txt"]


def test_a_rate_asked_is_not_how_much_it_changed() -> None:
    """"本科上线率比去年增长23%" is no 本科上线率 (compare_blind32 A811); a share after a growth is the one asked."""
    from search.compare import _rate_level_marked
    share = parse_query("坪山区2023年全社会研发投入占GDP的比重是多少")
    marked = _rate_level_marked(share, _answer("全社会研发投入增长65.6%，占地区生产总值比重9.4%，其中企业研发投入占比超过98%。",
                                               "全社会研发投入增长65.6%"))
    assert marked.span_text == "9.4%" and figure_fits(share, marked)
    rate = parse_query("坪山新区2013年本科上线率是多少")
    changed = _answer("2013年高考重点线上线人数首次突破“百人大关”，本科上线率比去年增长23%。", "本科上线率比去年增长23%")
    assert _rate_level_marked(rate, changed) == changed and not figure_fits(rate, changed)
    assert figure_fits(rate, _answer("本科上线率66.58%，比去年提高2个百分点。", "本科上线率66.58%"))
    # a change asked in other words is a change: "精简了多少" (compare_blind32 D815)
    cut = parse_query("督查检查考核事项精简了多少")
    assert figure_fits(cut, _answer("会议减少32%、督查检查考核事项减少44%。", "督查检查考核事项减少44%"))

