"""The ranking's settings, its stages and the reasons for "未找到可靠答案", on the seed report."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import FIXTURES, SEED_REPORT
from index.build import build_index
from index.errors import UserError
from search.calibration import SIGNALS, calibration
from search.eval import evaluate, load_questions, misses
from search.retrieve import Searcher
from search.present import REASONS, reason, result_json
from search.results import Doubt, DoubtKind
from search.weights import Weights

QUESTION = "2023年化解了多少起矛盾纠纷"


def test_weights_parse_names_and_numbers() -> None:
    w = Weights.parse("keyword_share=0.4, rerank_depth=60")
    assert (w.keyword_share, w.rerank_depth, w.sentence) == (0.4, 60, Weights().sentence)
    assert isinstance(w.rerank_depth, int)
    assert w.changed() == {"keyword_share": 0.4, "rerank_depth": 60}
    assert Weights.parse("") == Weights()
    with pytest.raises(UserError, match="未知的权重"):
        Weights.parse("keywrd_share=0.4")
    with pytest.raises(UserError, match="不是数字"):
        Weights.parse("sentence=much")


def test_the_weights_passed_in_are_the_ones_used(seed_searcher) -> None:
    default = seed_searcher.search(QUESTION, k=5)
    try:
        seed_searcher.weights = Weights(keyword_share=0.0, sentence=0, scope=0, number=0, year=0, tense=0, measure=0)
        dense_only = seed_searcher.search(QUESTION, k=5)
        seed_searcher.weights = Weights(min_coverage=1.01)  # no sentence can cover more than all of the question
        strict = seed_searcher.search(QUESTION, k=5)
    finally:
        seed_searcher.weights = Weights()
    vector = seed_searcher.search(QUESTION, k=5, recipe="vector")
    assert [h.chunk.id for h in dense_only.hits] == [h.chunk.id for h in vector.hits]
    assert default.confident and strict.doubt == Doubt(DoubtKind.WEAK_MATCH)


def test_the_timing_hook_hears_every_stage_in_order(seed_searcher) -> None:
    stages: list[str] = []
    result = seed_searcher.search(QUESTION, timer=stages.append)
    assert stages == ["question", "keyword", "read", "vector", "rerank", "answer", "compose"] and result.confident
    stages.clear()
    seed_searcher.search("？？？", timer=stages.append)
    assert stages == []  # nothing to search for: no stage ran


def test_searches_at_once_from_several_threads_answer_as_one_at_a_time(seed_searcher) -> None:
    """The page serves several users at once; each search's vector stage runs on the searcher's worker thread."""
    from concurrent.futures import ThreadPoolExecutor

    questions = [QUESTION, "张店乡2024年的工作安排有哪些", "普法宣传开展了多少次", "行政复议案件多少件"] * 3
    alone = [[(h.chunk.id, h.score) for h in seed_searcher.search(q).hits] for q in questions]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda q: [(h.chunk.id, h.score) for h in seed_searcher.search(q).hits], questions))
    assert together == alone and all(alone)


@pytest.mark.parametrize("kind", list(DoubtKind))
def test_every_reason_has_words_in_both_languages(kind: DoubtKind) -> None:
    zh, en = reason(Doubt(kind, places=("白沙街道", "红岩乡"), years=(2019,), missing="败诉率"))
    assert zh and en and zh != en and "{" not in zh + en
    assert kind in REASONS


def test_reasons_name_what_is_missing() -> None:
    assert reason(Doubt(DoubtKind.UNKNOWN_PLACE, places=("白沙街道", "红岩乡")))[0] == "已收录的报告不涉及白沙街道、红岩乡"
    assert reason(Doubt(DoubtKind.UNCOVERED_YEAR, years=(2019, 2020)))[0] == "已收录的报告不涉及2019年、2020年"
    assert "败诉率" in reason(Doubt(DoubtKind.MISSING_MEASURE, missing="败诉率"))[1]


def test_the_json_carries_the_reason_and_its_kind(seed_searcher) -> None:
    out = result_json(seed_searcher.search("张店乡2019年化解了多少起矛盾纠纷"))
    assert (out["confident"], out["reason_kind"]) == (False, "uncovered_year")
    assert out["reason"] == "已收录的报告不涉及2019年 / No indexed report covers 2019"


# ------------------------------------------------------------------ a ranking check that needs no shared reports

FIXTURE_QUESTIONS = Path(__file__).resolve().parent / "eval" / "fixtures.jsonl"


@pytest.fixture(scope="module")
def fixture_searcher(tmp_path_factory, embedder):
    """The seed report and four short reports written for the tests (two years of one district, a township and
    its county), so place, year, plan-vs-result and no-answer decisions are checked on every machine."""
    corpus = tmp_path_factory.mktemp("fixtures") / "corpus"
    corpus.mkdir()
    for path in [SEED_REPORT, *sorted((FIXTURES / "reports").glob("*.txt"))]:
        shutil.copy(path, corpus / path.name)
    build_index([corpus], corpus.parent / "index", embedder=embedder)
    with Searcher(corpus.parent / "index", embedder=embedder) as searcher:
        yield searcher


def test_the_fixture_questions_meet_their_floors(fixture_searcher) -> None:
    card = evaluate(fixture_searcher, load_questions(FIXTURE_QUESTIONS))
    m, na = card.metrics(), card.no_answer()
    # Measured 0.93 / 1.00 and every unanswerable flagged; floors leave room for int8 kernels of other CPUs.
    assert m["hit@1"] >= 0.8 and m["hit@5"] >= 0.9, misses(card)
    assert na["unanswerable_flagged"] >= 0.75 and na["answerable_confident"] >= 0.9, misses(card)


@pytest.mark.parametrize("question, report", [
    ("青山区2021年办了多少件行政复议案件", "qingshan_2021.txt"),
    ("青山区2022年行政复议案件有多少", "qingshan_2022.txt"),
    ("石门镇新增就业多少人", "shimen_2022.txt"),   # the township's figure, not its county's
    ("白河县城镇新增就业多少人", "baihe_2022.txt"),  # the county's figure, not one of its townships'
])
def test_the_place_and_year_asked_pick_the_report(fixture_searcher, question: str, report: str) -> None:
    result = fixture_searcher.search(question)
    assert result.confident and Path(result.hits[0].chunk.report.path).name == report


def test_a_result_is_preferred_to_a_plan_for_the_same_measure(fixture_searcher) -> None:
    answer = fixture_searcher.search("石门镇2021年修了多少公里农村公路").hits[0].answer
    assert answer.span_text is not None and "15公里" in answer.span_text  # not the 20 planned for 2022


def test_every_fixture_answer_is_in_its_report() -> None:
    folders = [FIXTURES / "reports", SEED_REPORT.parent]
    for q in load_questions(FIXTURE_QUESTIONS):
        if q.doc is not None:
            text = next((f / q.doc).read_text(encoding="utf-8") for f in folders if (f / q.doc).exists())
            assert q.answer in text, q.id


@pytest.mark.parametrize("question, place", [
    ("红岩乡植树造林多少亩", "红岩乡"),                       # a township
    ("白沙街道新增绿地面积多少公顷", "白沙街道"),               # a street
    ("余杭区2023年化解了多少起矛盾纠纷", "余杭区"),             # a county-level district
    ("浙江省2023年化解了多少起矛盾纠纷", "浙江省"),             # a province
    ("杭州市去年普法活动开展了多少场", "杭州市"),               # a city
    ("全国2022年化解了多少起矛盾纠纷", "全国"),                 # the country, with no national report here
    ("兰陵县代村2022年化解了多少起矛盾纠纷", "兰陵县"),         # jieba joins the suffix to the next word ("县代")
    ("雄安新区2023年化解了多少起矛盾纠纷", "雄安新区"),         # a zone jieba splits ("雄安" "新区")
])
def test_a_division_outside_the_library_has_no_answer(fixture_searcher, question: str, place: str) -> None:
    doubt = fixture_searcher.search(question).doubt
    assert doubt is not None and doubt.kind == DoubtKind.UNKNOWN_PLACE and place in doubt.places, doubt


@pytest.mark.parametrize("question, asked", [("鲁山县2023年化解了多少起矛盾纠纷", "鲁山县"),
                                             ("平顶山市2023年化解了多少起矛盾纠纷", "平顶山市"),
                                             ("河南2023年化解了多少起矛盾纠纷", "河南")])
def test_a_townships_figure_is_not_its_countys_citys_or_provinces(fixture_searcher, question: str,
                                                                   asked: str) -> None:
    # The township's report is searched (the county names it) but never gives the county's figure; on some CPUs
    # another district's report ranks first, which is withheld as another place's: both are right.
    result = fixture_searcher.search(question)
    assert result.doubt is not None and result.doubt.kind in (DoubtKind.WRONG_BODY, DoubtKind.OTHER_PLACE)
    if result.hits[0].chunk.report.path.endswith("zhangdian_2023.txt"):
        assert result.doubt == Doubt(DoubtKind.WRONG_BODY, places=("张店乡",), missing=asked)


@pytest.mark.parametrize("question", ["张店乡2023年化解了多少起矛盾纠纷", "平顶山市鲁山县张店乡2023年化解了多少起矛盾纠纷"])
def test_the_township_asked_by_its_full_chain_is_answered(fixture_searcher, question: str) -> None:
    result = fixture_searcher.search(question)
    assert result.confident and "化解矛盾26起" in result.hits[0].answer.text


def test_quotes_in_a_wording_request_mark_its_topic(fixture_searcher) -> None:
    result = fixture_searcher.search("找几段写'普法工作'成效的表述")   # no report has those exact words
    assert result.mode == "wording" and result.hits and result.doubt is None
    strict = fixture_searcher.search("找'普法工作'的原文")              # the exact words are asked for
    assert strict.doubt is not None and strict.doubt.kind == DoubtKind.NO_QUOTED


def test_every_answer_carries_a_calibrated_confidence(fixture_searcher) -> None:
    model = calibration()
    assert set(model.coefficients) == set(SIGNALS) and 0.5 <= model.threshold < 1 and model.note
    answered = fixture_searcher.search("张店乡2023年化解了多少起矛盾纠纷")
    withheld = fixture_searcher.search("红岩乡植树造林多少亩")
    assert answered.confident and model.threshold <= answered.confidence <= 1
    assert not withheld.confident and withheld.confidence == 0.0
    assert result_json(answered)["confidence"] == round(answered.confidence, 3)


def test_a_weak_answer_is_withheld_below_the_threshold(fixture_searcher) -> None:
    result = fixture_searcher.search("张店乡2023年化解了多少起矛盾纠纷")
    try:
        fixture_searcher.calibration = replace(calibration(), threshold=result.confidence + 0.01)
        withheld = fixture_searcher.search("张店乡2023年化解了多少起矛盾纠纷")
        wording = fixture_searcher.search("张店乡2023年化解了多少起矛盾纠纷", mode="wording")
    finally:
        fixture_searcher.calibration = calibration()
    assert withheld.doubt == Doubt(DoubtKind.LOW_CONFIDENCE) and withheld.hits
    assert wording.confident  # a list of phrasings is no answer to withhold
