"""Which years and places a question names, and which years a passage speaks of."""
from __future__ import annotations

import pytest

from search.query import parse_query
from search.scope import Places, passage_years, unknown_places
from search.results import DoubtKind


@pytest.mark.parametrize("question, years, report_years", [
    ("2014年南山区报告中的本地生产总值", (2014,), (2014,)),
    ("大鹏新区2024年工作报告里新增基础教育学位多少个", (2024,), (2024,)),
    ("2008年政府工作报告里2007年国内生产总值", (2008, 2007), (2008,)),
    ("2022年南山区GDP是多少", (2022,), ()),
    ("二〇二三年度报告里的矛盾纠纷", (2023,), (2023,)),
    # two-digit years as people type them, but not durations
    ("盐田港14年集装箱吞吐量", (2014,), ()),
    ("78年的报告讲了什么", (1978,), (1978,)),
    ("连续14年获评文明城市", (), ()),
    ("用了10年时间建成", (), ()),
    # "上一年" of a report named by its year is the year that report reviews
    ("坪山新区14年那份管委会报告里讲的上一年GDP是多少", (2014, 2013), (2014,)),
    # "2025年当年" is the year itself (compare_blind28 A824); a 的 may stand in a report's name
    ("陕西去年治理沙化土地多少？蒙、吉2025年当年的数报告里有没有", (2025,), ()),
    ("2024年的国务院政府工作报告里GDP", (2024,), (2024,)), ("2015年深圳各区的报告里", (2015,), (2015,)),
])
def test_years_that_name_the_report_are_told_apart(question: str, years: tuple, report_years: tuple) -> None:
    query = parse_query(question)
    assert (query.years, query.report_years) == (years, report_years)


def test_a_passage_speaks_of_the_year_its_headings_name(seed_searcher) -> None:
    index = seed_searcher.view.index
    chunks = index.chunks([cid for cid, *_ in index.table.passages()])
    plans = [c for c in chunks.values() if "四、2024年度" in c.section]
    untitled = [c for c in chunks.values() if " › " not in c.section]  # under the title only
    assert plans and untitled
    assert {passage_years(c) for c in plans} == {(2024,)}
    assert {passage_years(c) for c in untitled} == {(2023,)}  # the report's own year


def test_a_name_question_is_answered_only_by_a_sentence_naming_the_office_holder(tmp_path, embedder) -> None:
    from index.build import build_index
    from search.retrieve import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "town.txt").write_text(
        "青萝湾镇2023年工作报告\n一、工作回顾\n镇长李建国主持召开全镇安全生产会议，部署全年工作。\n"
        "二、存在问题\n党委书记带头学法，镇党委中心组全年集中学法12次。\n", encoding="utf-8")
    build_index([corpus], tmp_path / "index", embedder=embedder)
    searcher = Searcher(tmp_path / "index", embedder=embedder)
    try:
        assert parse_query("青萝湾镇镇长叫什么名字").person_role == "镇长"
        assert searcher.search("青萝湾镇镇长叫什么名字").confident
        unnamed = searcher.search("青萝湾镇党委书记叫什么名字")  # the report never names them
        assert (unnamed.doubt.kind, unnamed.doubt.missing) == (DoubtKind.NO_HOLDER_NAME, "书记")
        assert parse_query("领导小组组长是谁").person_role == ""  # "是谁" may be answered by a role ("以书记为组长")
    finally:
        searcher.close()


@pytest.mark.parametrize("question, measures", [
    ("光明区2021年行政诉讼败诉率是多少", ("败诉率",)),
    ("江苏常住人口城镇化率多少", ("镇化率",)),  # the population qualifies the rate (compare_blind17 R323)
    ("江苏常住人口多少", ("常住人口",)),
    ("深圳十三五期间在破产制度上有什么率先的改革", ()),  # 率先 is "first to", not a rate
    ("效率怎么样", ()),
])
def test_rates_and_populations_asked_for_are_noted(question: str, measures: tuple) -> None:
    assert parse_query(question).measures == measures


def test_a_place_name_inside_the_words_framing_the_question_is_none() -> None:
    """"2008年报告中城镇新增就业": 中城镇 is a town the gazetteer knows, but 中 is of "报告中" (compare_blind14 C012:
    every row doubted as of an unknown place, 1 → 4 of 4 cells)."""
    places = {1: Places(frozenset({"国务院"}), frozenset())}
    question = "全国2008年报告中城镇新增就业的预期目标是多少"
    assert unknown_places(["中城镇"], [], places, set(), question) == []
    assert unknown_places(["杭州市"], [], places, set(), "杭州市2022年报告中城镇新增就业多少") == ["杭州市"]
