"""The ranking's settings, its stages and the reasons for "未找到可靠答案", on the seed report."""
from __future__ import annotations

import pytest

from index.errors import UserError
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
        seed_searcher.weights = Weights(keyword_share=0.0, sentence=0, scope=0, number=0, year=0, tense=0)
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
    assert stages == ["embed", "vector", "keyword", "rerank", "answer"] and result.confident
    stages.clear()
    seed_searcher.search("？？？", timer=stages.append)
    assert stages == []  # nothing to search for: no stage ran


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
