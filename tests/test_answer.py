"""The answer sentence and its number phrase."""
from __future__ import annotations

import pytest

from search.answer import best_sentence, make_answer


@pytest.mark.parametrize("passage, weights, span", [
    ("污染防治成效显著。落实行动计划，PM2.5年均浓度降至17.5微克/立方米。", {"浓度": 1.0, "pm": 1.0}, "17.5微克/立方米"),
    ("四是坚持矛盾调解制度。2023年化解矛盾26起，有效化解基层矛盾。", {"化解": 1.0, "矛盾": 1.0}, "26起"),
])
def test_the_number_phrase_is_a_quantity_not_part_of_a_name(passage: str, weights: dict, span: str) -> None:
    evidence = best_sentence(passage, weights, (), prefer_numbers=True)
    answer = make_answer(passage, 0, evidence, weights, wants_quantity=True)
    assert answer.span_text is not None and span in answer.span_text
    assert "PM2.5年" not in answer.span_text
