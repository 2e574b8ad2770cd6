"""The page's HTML from real search results on the seed report, without a browser."""
from __future__ import annotations

import html
import re

import pytest

from index.errors import UserError
from page.render import answer_card, notice, passage_html, result_card, result_html, scope_label
from search.present import marked, result_json, result_text
from search.results import Filters

QUESTION = "2023年化解了多少起矛盾纠纷"


def test_the_answer_card_bolds_the_number_inside_the_marked_sentence(seed_searcher) -> None:
    top = seed_searcher.search(QUESTION).hits[0]
    card = answer_card(top, 0.93)
    assert '<div class="ps-answer-key">化解矛盾26起</div>' in card
    sentence = re.search(r'<mark class="ps-hl">(.*?)</mark>', card).group(1)
    assert '<strong class="ps-num">化解矛盾26起</strong>' in sentence
    assert re.sub(r"<[^>]+>", "", sentence) == top.answer.text  # the sentence whole, nothing else
    assert "鲁山县张店乡人民政府关于2023年法治政府建设情况的报告" in card
    assert '<span class="ps-confidence" title="可信度 / confidence 0.93">把握很大</span>' in card


def test_the_passage_and_the_text_form_mark_the_same_sentence(seed_searcher) -> None:
    top = seed_searcher.search(QUESTION).hits[0]
    html_text = re.sub(r"<[^>]+>", "", passage_html(top))
    m = marked(top)
    assert html_text == top.chunk.text == m.before + m.sentence + m.after
    assert m.number == top.answer.span_text and m.sentence == top.answer.text


def test_a_confident_answer_shows_the_card_then_the_passages(seed_searcher) -> None:
    result = seed_searcher.search(QUESTION)
    page = result_html(result, seed_searcher.index, Filters())
    assert page.index("ps-answer-card") < page.index("相关段落") < page.index("ps-card")
    assert page.count('<article class="ps-card" id="ps-hit-') == len(result.hits)
    assert "未找到可靠答案" not in page


def test_no_reliable_answer_says_why_in_chinese_only(seed_searcher) -> None:
    result = seed_searcher.search("张店乡2019年化解了多少起矛盾纠纷")
    page = result_html(result, seed_searcher.index, Filters())
    assert "未找到可靠答案" in page and "已收录的报告不涉及2019年。以下段落可能相关" in page
    assert "No indexed report" not in page and "ps-answer-card" not in page and "可能相关" in page


@pytest.mark.parametrize("year", ["2023-2020", "2020-2021-2022", "去年"])
def test_a_year_filter_that_cannot_be_meant_is_an_error_not_an_empty_result(year: str) -> None:
    with pytest.raises(UserError, match="年份"):
        Filters.of(year)
    assert (Filters.of("2020-2023").year_from, Filters.of("2023").year_to) == (2020, 2023)


def test_filters_are_named_and_text_is_escaped(seed_searcher) -> None:
    filters = Filters.of("2020-2023", "张店乡")
    assert scope_label(filters) == "2020–2023年 · 张店乡"
    one = Filters.of(reports=("corpus/zhangdian_2023.txt",))  # named as the 指定报告 list names it: by its title
    assert scope_label(one, seed_searcher.index) == "《鲁山县张店乡人民政府关于2023年法治政府建设情况的报告》"
    assert scope_label(one) == "zhangdian_2023.txt"
    result = seed_searcher.search("<script>alert(1)</script> 矛盾纠纷", filters=filters)
    page = result_html(result, seed_searcher.index, filters)
    assert "<script>" not in page and "&lt;script&gt;" in page and "筛选：2020–2023年 · 张店乡" in page
    assert notice("a<b", "warn", "c&d") == ('<div class="ps-notice ps-warn" role="status"><div class="ps-notice-text">'
                                           'a&lt;b</div><div class="ps-notice-detail">c&amp;d</div></div>')


def test_a_result_card_carries_its_citation_and_context(seed_searcher) -> None:
    hit = seed_searcher.search(QUESTION).hits[0]
    card = result_card(hit, seed_searcher.index)
    assert 'data-cite="《鲁山县张店乡人民政府关于2023年法治政府建设情况的报告》 › 一、' in card
    context = re.search(r'<div class="ps-context-body">(.*?)</div>', card, re.S).group(1)
    assert '<mark class="ps-ctx-hl">' in context and len(context) > len(hit.chunk.text)


def test_a_withheld_answer_marks_the_closest_sentence_without_a_bold_figure(seed_searcher) -> None:
    result = seed_searcher.search("张店乡法律顾问每年的服务费用是多少")  # the report never states a cost
    page = result_html(result, seed_searcher.index, Filters())
    assert not result.confident and "未找到可靠答案" in page
    assert 'class="ps-hl"' in page and 'class="ps-num"' not in page  # "大喇叭宣传20余次" is not the answer


def test_a_passage_of_a_paged_file_says_its_page_and_whether_ocr_read_it(seed_searcher) -> None:
    from dataclasses import replace

    hit = seed_searcher.search(QUESTION).hits[0]
    assert "ps-page" not in result_card(hit, seed_searcher.index)  # a .txt report has no pages
    chunk = hit.chunk
    assert hit.answer.start > chunk.start + 1
    paged = replace(chunk.report, pages=(0, chunk.start + 1, chunk.end + 10), ocr_pages=(2,))
    hit = replace(hit, chunk=replace(chunk, report=paged))  # starts on page 1, ends on page 2 (scanned)
    card, answer = result_card(hit, seed_searcher.index), answer_card(hit, 0.9)
    assert '<span class="ps-tag ps-page">第1–2页</span>' in card  # the passage spans both pages
    assert '<span class="ps-tag ps-page">第2页</span>' in answer  # the answering sentence starts on page 2
    assert "ps-ocr" in card and ">文字识别</span>" in answer
    assert 'data-cite="《鲁山县张店乡人民政府关于2023年法治政府建设情况的报告》 › 一、' in card and "（第1–2页）：" in card


def test_a_result_card_offers_its_sentence_for_a_citation_block_and_as_a_new_request(seed_searcher) -> None:
    result = seed_searcher.search(QUESTION)
    hit = result.hits[0]
    card = result_card(hit, seed_searcher.index)
    sentence = hit.answer.text.strip()
    cite = re.search(r'class="ps-pick" data-cite="([^"]*)"', card).group(1)
    assert cite.startswith("《鲁山县张店乡人民政府关于2023年法治政府建设情况的报告》 › 一、") and cite.endswith("：" + sentence)
    assert len(cite) < len(re.search(r'class="ps-copy" data-cite="([^"]*)"', card).group(1))  # a sentence, not the passage
    assert f'class="ps-more" data-sentence="{sentence}"' in card
    assert '<span class="ps-tag ps-level" title="报告所属层级 / level of government">乡镇级</span>' in card
    page = result_html(result, seed_searcher.index, Filters())
    assert page.count('class="ps-pick"') == len(result.hits) and 'class="ps-copy-picked" disabled' in page


def test_a_question_cut_to_its_first_500_characters_says_so(seed_searcher) -> None:
    long = QUESTION + "，" + "请详细说明情况" * 1500
    result = seed_searcher.search(long)
    assert result.query.cut_from == len(long) and len(result.query.text) == 500
    page = result_html(result, seed_searcher.index, Filters())
    assert f"问题较长（{len(long)} 字），只按前 500 字查询" in page
    assert result_json(result)["note"].startswith("问题较长") and "问题较长" in result_text(result)
    assert result_json(seed_searcher.search(QUESTION))["note"] is None


def test_a_generated_answer_marks_what_its_passages_do_not_say_and_links_its_citations(seed_searcher) -> None:
    from page.render import composed_html
    from search.compose import Evidence, check

    hits = seed_searcher.search(QUESTION).hits
    evidence = [Evidence.of(h) for h in hits]
    html_text = composed_html(check("2023年化解矛盾27起[1]。开展普法宣传<b>[9]。", evidence), hits, "qwen2.5:7b")
    assert 'data-status="warn"' in html_text and "qwen2.5:7b" in html_text
    assert '<mark class="ps-unsupported" title="所引段落中没有">27起</mark>' in html_text
    assert '<a class="ps-cite" href="#ps-hit-1"' in html_text and 'ps-bad-cite' in html_text
    assert "<b>" not in html_text and "&lt;b&gt;" in html_text  # a model's markup is text, never HTML
    growing = composed_html(check("化解矛盾26起[1]。开展普法", evidence, done=False), hits, "m")
    assert 'data-status="info"' in growing and '<span class="ps-pending">开展普法</span>' in growing
    assert composed_html(check("化解矛盾26起[1]。", evidence), hits, "m").count('data-status="ok"') == 1


def test_a_list_answer_is_drawn_above_the_passages_in_the_reports_order(seed_searcher) -> None:
    from page.render import list_html

    result = seed_searcher.search("张店乡2023年推进依法行政有哪些具体做法")
    assert result.list is not None and len(result.list.items) >= 3
    page = result_html(result, seed_searcher.index, Filters())
    assert page.index("ps-list-card") < page.index("相关段落") and "未找到可靠答案" not in page
    drawn = re.findall(r'<span class="ps-item">(.*?)</span>', list_html(result.list))
    assert drawn == [html.escape(i.text) for i in result.list.items]


def test_a_comparison_table_shows_each_reports_figure_and_who_does_not_state_it(seed_searcher) -> None:
    from page.render import table_html
    from search.results import Cell, Table

    hit = seed_searcher.search(QUESTION).hits[0]
    table = Table(rows=(Cell(hit.chunk.report, "张店乡", 2023, hit),), missing=(Cell(None, "张店乡", 2024),))
    drawn = table_html(table)
    assert '<td class="ps-num">化解矛盾26起</td>' in drawn and "1 份报告写明，1 份未写明" in drawn
    assert '<tr class="ps-missing"><td>张店乡 2024年</td><td>报告未写明</td>' in drawn and "未收录该地该年的报告" in drawn


def test_example_questions_are_those_the_library_can_answer() -> None:
    from page.wiring import examples_for

    seed = examples_for(["鲁山县张店乡人民政府关于2023年法治政府建设情况的报告"])
    assert [q for [q] in seed] == ["2023年化解了多少起矛盾纠纷？", "张店乡有几个人通过了执法证考试", "“第一责任人职责”这部分怎么写？"]
    assert examples_for(["白石镇人民政府2023年法治政府建设情况报告"]) == [["“第一责任人职责”这部分怎么写？"]]
