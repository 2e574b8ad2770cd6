"""Results vs plans. Reports hold last year's results and this year's plans, often with the same words and numbers;
questions, section headings and sentences each say which one they mean (word lists: data/tense_words.tsv)."""
from __future__ import annotations

import re

from text.lexicon import alternation, rows
from text.years import YEAR

DONE, PLAN, UNKNOWN = 1, -1, 0


def _words(where: str, tense: str) -> tuple[str, ...]:
    return tuple(word for word, at, marks in rows("tense_words") if at == where and marks == tense)


PLAN_QUESTION = re.compile(alternation(_words("question", "plan")))
DONE_QUESTION = re.compile(alternation(_words("question", "done")))
_PLAN_SECTION = re.compile(alternation(_words("section", "plan")))
_DONE_SECTION = re.compile(alternation(_words("section", "done")))
_PLAN_SENTENCE = re.compile(alternation(_words("sentence", "plan")))
# "一、2014年工作回顾" reviews 2014; "二、2015年工作安排" plans 2015.
REVIEWED_YEAR = re.compile(rf"({YEAR})年{alternation(_words('year-heading', 'done'))}")
PLANNED_YEAR = re.compile(rf"({YEAR})年(?:的)?{alternation(_words('year-heading', 'plan'))}")


def heading_tense(labels: list[str]) -> int:
    """Whether the innermost heading that says so names a review of results (DONE) or a work plan (PLAN)."""
    for label in reversed(labels):
        done, plan = bool(_DONE_SECTION.search(label)), bool(_PLAN_SECTION.search(label))
        if done != plan:
            return DONE if done else PLAN
    return UNKNOWN


def states_plan(sentence: str) -> bool:
    """The sentence states an intention ("力争…", "将…") rather than a result."""
    return bool(_PLAN_SENTENCE.search(sentence))
