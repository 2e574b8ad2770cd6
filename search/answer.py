"""Find the sentence of a passage that answers the question, and the number phrase in it.

A sentence is judged by how much of the question's content it covers: character bigrams of
the question (places, years and question words removed, since scoping handles those),
weighted by how rare they are in the corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from search.scope import named_years

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
NUMBER = re.compile(
    # Not inside a name such as "PM2.5" or "G20", nor from the middle of a longer number.
    r"(?:(?<![A-Za-z\d.])\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+)\s*(?:%|‰|多?[万亿千百]?"
    r"(?:元|美元|个|起|次|人次|人|家|项|件|所|条|座|公里|千米|米|亩|公顷|吨|户|套|名|位|辆|批|场|期|倍|宗|台|张|册|篇|种|处|"
    r"微克/立方米|微克每立方米|"
    r"层|栋|间|份|只|头|株|届|轮|千瓦|兆瓦|平方米|平方公里|立方米|标箱|万|亿|个百分点|年)|余(?:次|起|人|个|家|项))"
    r"|百分之[一二三四五六七八九十零点几]+"
)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\s*年$")
_PLAN_SECTION = re.compile(r"安排|计划|任务|打算|目标|重点工作|主要工作|工作建议|展望|思路|意见")
_DONE_SECTION = re.compile(r"回顾|成效|成绩|完成情况|举措|工作情况|过去|进展|成就|主要工作和|不足")
_PLAN_SENTENCE = re.compile(r"将|力争|预期|确保|目标|计划|要|努力|加快|推动|持续|深入|今年")
_CLAUSE_BREAK = re.compile(r"[，,、：:（）()“”\s]")
_LEAD_WINDOW = 10


@dataclass(frozen=True)
class Answer:
    text: str                  # the answering sentence, verbatim
    start: int                 # offsets in the report text
    end: int
    span_start: int | None     # the number phrase, for quantity questions
    span_end: int | None
    span_text: str | None


@dataclass(frozen=True)
class SentenceEvidence:
    start: int                 # offsets within the passage
    end: int
    coverage: float            # share of the question's weighted bigrams found in the sentence
    has_number: bool
    year_agrees: int           # +1 names a year the question names, -1 names only other years, 0 no year
    tense: int                 # +1 reports a result, -1 states a plan, 0 cannot tell


def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def has_number(sentence: str) -> bool:
    return any(not _YEAR_ONLY.match(m.group()) for m in NUMBER.finditer(sentence))


def section_tense(section: str) -> int:
    """Whether a breadcrumb names a review of results (+1) or a work plan (-1)."""
    for label in reversed(section.split(" › ")[1:]):
        done, plan = bool(_DONE_SECTION.search(label)), bool(_PLAN_SECTION.search(label))
        if done != plan:
            return 1 if done else -1
    return 0


def best_sentence(text: str, weights: dict[str, float], years: tuple[int, ...],
                  prefer_numbers: bool, tense: int = 0, quoted: tuple[str, ...] = ()) -> SentenceEvidence | None:
    """The sentence covering most of the question; for quantity questions numbers break near-ties."""
    total = sum(weights.values()) or 1.0
    best: tuple[float, SentenceEvidence] | None = None
    for a, b in sentences(text):
        s = text[a:b]
        coverage = sum(w for g, w in weights.items() if g in s) / total
        evidence = SentenceEvidence(a, b, coverage, has_number(s), _year_agreement(s, years),
                                    tense or (-1 if _PLAN_SENTENCE.search(s) else 0))
        rank = coverage + (0.15 if prefer_numbers and evidence.has_number else 0.0) + 0.1 * evidence.year_agrees
        rank += 1.0 if any(q in s for q in quoted) else 0.0
        if best is None or rank > best[0]:
            best = (rank, evidence)
    return best[1] if best else None


def _year_agreement(sentence: str, years: tuple[int, ...]) -> int:
    named = set(named_years(sentence))
    if not years or not named:
        return 0
    return 1 if named & set(years) else -1


def make_answer(text: str, offset: int, evidence: SentenceEvidence, weights: dict[str, float],
                wants_quantity: bool) -> Answer:
    a, b = evidence.start, evidence.end
    sentence = text[a:b]
    span = _number_span(sentence, weights) if wants_quantity else None
    if span is None:
        return Answer(sentence, offset + a, offset + b, None, None, None)
    s0, s1 = span
    return Answer(sentence, offset + a, offset + b, offset + a + s0, offset + a + s1, sentence[s0:s1])


def _number_span(sentence: str, weights: dict[str, float]) -> tuple[int, int] | None:
    """The number phrase nearest the question's words, with the few words that lead into it."""
    numbers = [m for m in NUMBER.finditer(sentence) if not _YEAR_ONLY.match(m.group())]
    if not numbers:
        return None
    hits = [m.start() for g in weights for m in re.finditer(re.escape(g), sentence)]

    def distance(m: re.Match[str]) -> float:
        # Question words usually come just before the number ("化解矛盾" → "26起").
        return min((m.start() - h if h <= m.start() else 3 * (h - m.start()) for h in hits), default=m.start())

    best = min(numbers, key=distance)
    return _lead_in(sentence, best.start()), best.end()


def _lead_in(sentence: str, start: int) -> int:
    """Step back from the number to the start of its clause, so "化解矛盾26起" rather than "26起"."""
    lo = max(0, start - _LEAD_WINDOW)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence[lo:start])]
    cut = lo + (breaks[-1] if breaks else 0)
    year = re.search(r"(?:19|20)\d{2}年(?:度)?", sentence[cut:start])
    return cut + year.end() if year else cut
