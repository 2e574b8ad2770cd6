"""Pick the sentence of a passage that answers the question, and the number phrase in it."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from search.query import Query

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
_NUMBER = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+)\s*(?:%|‰|多?[万亿千百]?"
    r"(?:元|美元|个|起|次|人次|人|家|项|件|所|条|座|公里|千米|米|亩|公顷|吨|户|套|名|位|辆|批|场|期|倍|宗|台|张|册|篇|种|处|"
    r"层|栋|间|份|只|头|株|届|轮|千瓦|兆瓦|平方米|平方公里|立方米|标箱|万|亿|个百分点|年)|余(?:次|起|人|个|家|项))"
)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\s*年$")
_CLAUSE_BREAK = re.compile(r"[，,、：:（）()“”\s]")
_LEAD_WINDOW = 10


@dataclass(frozen=True)
class Answer:
    text: str                  # the answering sentence(s), verbatim
    start: int                 # offsets in the report text
    end: int
    span_start: int | None     # the number phrase, for quantity questions
    span_end: int | None
    span_text: str | None


def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def extract_answer(query: Query, query_terms: Iterable[str], text: str, offset: int,
                   term_weight: dict[str, float] | None = None) -> Answer | None:
    """The best sentence, judged by weighted query-term and bigram overlap (numbers count for quantity questions)."""
    spans = sentences(text)
    if not spans:
        return None
    terms = {t for t in query_terms if len(t) > 1 or not t.isascii()}
    weights = term_weight or {}
    q_bigrams = bigrams(query.text)
    scored = [(_sentence_score(text[a:b], terms, weights, q_bigrams, query), a, b) for a, b in spans]
    best, a, b = max(scored, key=lambda s: s[0])
    if best <= 0:
        a, b = spans[0]
    span = _number_span(text[a:b], terms) if query.wants_quantity else None
    if span is None:
        return Answer(text[a:b], offset + a, offset + b, None, None, None)
    s0, s1 = span
    return Answer(text[a:b], offset + a, offset + b, offset + a + s0, offset + a + s1, text[a + s0:a + s1])


def _sentence_score(sentence: str, terms: set[str], weights: dict[str, float], q_bigrams: set[str],
                    query: Query) -> float:
    hit_terms = sum(weights.get(t, 1.0) for t in terms if t in sentence)
    overlap = len(q_bigrams & bigrams(sentence)) / math.sqrt(len(q_bigrams) + 1)
    score = hit_terms + overlap
    if query.wants_quantity and any(not _YEAR_ONLY.match(m.group()) for m in _NUMBER.finditer(sentence)):
        score += 1.5
    if any(q in sentence for q in query.quoted):
        score += 3.0
    return score


def _number_span(sentence: str, terms: set[str]) -> tuple[int, int] | None:
    """The number phrase closest to the question's words, with the few words that lead into it."""
    numbers = [m for m in _NUMBER.finditer(sentence) if not _YEAR_ONLY.match(m.group())]
    if not numbers:
        return None
    hits = [sentence.find(t) for t in terms if t in sentence]
    best = min(numbers, key=lambda m: min((abs(m.start() - h) for h in hits), default=m.start()))
    return _lead_in(sentence, best.start()), best.end()


def _lead_in(sentence: str, start: int) -> int:
    """Step back from the number to the start of its clause, so "化解矛盾26起" rather than "26起"."""
    lo = max(0, start - _LEAD_WINDOW)
    window = sentence[lo:start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window)]
    cut = lo + (breaks[-1] if breaks else 0)
    year = re.search(r"(?:19|20)\d{2}年(?:度)?", sentence[cut:start])
    return cut + year.end() if year else cut
