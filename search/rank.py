"""Stage two of a search: read the shortlist sentence by sentence, score what the question names, pick the hits.

A passage gains for the share of the question its best sentence covers, for matching the places and years
the question names, for a number when a figure is asked for, and for agreeing on result vs plan.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from dataclasses import dataclass

import numpy as np

from index.chunk import GLOSSARY
from index.backends import Reader
from index.store import StoredChunk
from search.answer import SentenceEvidence, best_sentence, section_tense
from search.candidates import Candidate
from search.measure import asks_measure, states_exactly
from search.query import Query, asks_one_year
from search.scope import Places, level_scores, passage_years, place_score, year_score
from search.weights import Weights
from text.sentences import shingles
from text.tense import period_reviews

MAX_PER_REPORT_WORDING = 2  # a wording request shows the phrasing of several reports


@dataclass(frozen=True)
class Ranked:
    id: int
    score: float
    chunk: StoredChunk
    evidence: SentenceEvidence | None


def rerank(index: Reader, place: dict[int, float], fused: list[Candidate], query: Query,
           grams: dict[str, float], recipe: str, weights: Weights, idea: np.ndarray | None = None,
           read: dict[int, tuple[StoredChunk, SentenceEvidence | None]] | None = None) -> list[Ranked]:
    """The best `rerank_depth` fused candidates with their sentence evidence; the hybrid adds its bonuses
    (`place`: each report's match with the places named, from place_scores; `idea`: a wording request's vector,
    matched against each passage's sentences)."""
    shortlist = fused[:weights.rerank_depth]
    read = read or {}
    read = {**read, **read_passages(index, [c.id for c in shortlist if c.id not in read], query, grams, weights)}
    closest = _closest_sentences(index, [c.id for c in shortlist], idea) if idea is not None else {}
    ranked = []
    for c in shortlist:
        chunk, evidence = read[c.id]
        score = c.score
        if recipe == "hybrid":
            score += _evidence_bonus(evidence, query, scope(query, place.get(chunk.report.id), chunk, weights),
                                     weights)
            score += weights.idea * closest.get(c.id, 0.0)
        ranked.append(Ranked(c.id, score, chunk, evidence))
    return sorted(ranked, key=lambda r: -r.score)


def read_passages(index: Reader, ids: list[int], query: Query, grams: dict[str, float], weights: Weights,
                  enough: Callable[[], bool] = lambda: False) -> dict[int, tuple[StoredChunk, SentenceEvidence | None]]:
    """Each passage with the sentence that best answers the question; those read before `enough` says so."""
    if enough():
        return {}
    chunks = index.chunks(ids)
    read = {}
    for i in ids:
        if enough():
            break
        read[i] = (chunks[i], _evidence(index, chunks[i], query, grams, weights))
    return read


def _evidence(index: Reader, chunk: StoredChunk, query: Query, grams: dict[str, float],
              weights: Weights) -> SentenceEvidence | None:
    # "到2020年污水日处理能力累计多少" asks the running total a review of several years gives ("累计达760万吨"),
    # "到2020年底建成了多少个5G基站" the level it reached ("建成5G基站4.7万个")
    periods = review_periods(index, chunk) if asks_one_year(query) or query.period else ()
    return best_sentence(chunk.text, grams, query.fact_years, query.wants_quantity, section_tense(chunk.section),
                         query.quoted, weights, periods, _states_asked(query, chunk.text), query.period)


def _closest_sentences(index: Reader, ids: list[int], idea: np.ndarray) -> dict[int, float]:
    """Per passage, its closest sentence's cosine with the request: a paraphrase of an idea ("港口强、航运弱")
    matches the one sentence that states it ("港强航弱") better than the passage around it."""
    return {i: float(np.max(m @ idea)) for i, m in index.sentence_vectors(ids).items() if len(m)}


def _states_asked(query: Query, passage: str) -> Callable[[str], bool] | None:
    """Whether a sentence states what the question asks: the measure (search/measure.py), else the kind of thing
    asked ("建立了哪些补贴": of two sentences of the passage, "建立农业补贴制度…" rather than "取消了农业税…").
    Only the measure counts between passages too (_evidence_bonus): a sentence naming the kind is the likelier
    answer within its passage, but answers often leave the kind unsaid ("无锡创成…“世界音乐之都”" for 称号)."""
    if asks_measure(query):
        return lambda sentence: states_exactly(query, sentence, passage)
    kind = query.kind
    return (lambda sentence: kind in sentence) if kind else None


_PERIODS: dict[tuple[str, int], tuple[tuple[int, int], ...]] = {}


def review_periods(index: Reader, chunk: StoredChunk) -> tuple[tuple[int, int], ...]:
    """The passage's stretches (passage offsets) under a review of several years; a report's spans are found
    once per index generation."""
    key = (index.generation_name, chunk.report.id)
    if key not in _PERIODS:
        if len(_PERIODS) > 4096:
            _PERIODS.clear()
        _PERIODS[key] = period_reviews(index.report_text(chunk.report.id))
    return tuple((max(a - chunk.start, 0), b - chunk.start) for a, b in _PERIODS[key]
                 if a < chunk.end and b > chunk.start)


def in_review(index: Reader, chunk: StoredChunk, at: int) -> bool:
    """The report offset `at` of the passage stands in a review of several years, which may open passages before
    it ("一、“十四五”时期和2025年工作回顾 / 过去的五年… / …民生福祉不断增进。…城镇新增就业603.7万人")."""
    return any(a <= at - chunk.start < b for a, b in review_periods(index, chunk))


def _evidence_bonus(evidence: SentenceEvidence | None, query: Query, scope_match: float, weights: Weights) -> float:
    bonus = weights.scope * scope_match
    if evidence:
        bonus += weights.sentence * evidence.coverage + weights.year * evidence.year_agrees
        bonus += weights.number if query.wants_quantity and evidence.has_number else 0.0
        bonus += weights.measure if evidence.states_asked and asks_measure(query) else 0.0
        bonus += weights.tense * query.tense * evidence.tense
    return bonus


def place_scores(index: Reader, places: dict[int, Places], mentioned: set[str],
                 weights: Weights, own_level: int | None = None) -> dict[int, float]:
    """Per report: how well it matches the places the question names (0..1), or failing those the level of the
    asker's own division ("乡里…"); empty when it names neither."""
    if not mentioned:
        return level_scores(own_level, places) if own_level else {}
    return {rid: place_score(mentioned, places[rid], weights.parent_place) for rid in index.reports}


def scope(query: Query, place: float | None, chunk: StoredChunk, weights: Weights) -> float:
    """How well the passage matches the places and years the question names (0..1)."""
    if place is None and not query.years:
        return 0.0
    # A product, not a mean: the right year in another district's report is no match at all.
    return (1.0 if place is None else place) * year_match(query, chunk, weights)


def year_match(query: Query, chunk: StoredChunk, weights: Weights) -> float:
    """Years that name the report ("2024年工作报告里") must match its year; the others, the year the
    passage speaks of, or less surely its report's ("2022年南山区GDP" may mean the 2022 report)."""
    about = query.fact_years
    adjacent = weights.adjacent_year
    match = year_score(query.report_years, chunk.report.years, adjacent) if query.report_years else 1.0
    if about:
        match *= max(year_score(about, passage_years(chunk), adjacent),
                     weights.report_year_credit * year_score(about, chunk.report.years, adjacent))
    return match


def pick(ranked: list[Ranked], query: Query, mode: str, k: int, weights: Weights,
         scoped: bool = False) -> tuple[list[Ranked], bool]:
    """The hits to show, and whether the quoted words (if any) were found.

    Passages holding every quoted phrase come first (or alone); near-duplicates are shown once; a wording
    request lists the reports' own sentences before their glossaries and spreads over several reports, unless
    it names the one report whose phrasing it wants (`scoped`: "北京疏解整治促提升是怎么提的").
    """
    if mode == "wording":
        # Someone asking how reports phrase a thing wants the report's sentences, not its glossary's
        # definition of the term ("有关名词解释"), which the term's words match best.
        ranked = sorted(ranked, key=lambda r: _in_glossary(r.chunk))
    quoted = [r for r in ranked if all(q in r.chunk.text for q in query.quoted)]
    per_report = MAX_PER_REPORT_WORDING if mode == "wording" and not scoped else None
    return _diversify(_dedupe(quoted or ranked, weights.near_duplicate), k, per_report), bool(quoted)


def _in_glossary(chunk: StoredChunk) -> bool:
    return bool(re.search(GLOSSARY, chunk.section))


def _dedupe(ranked: list[Ranked], threshold: float) -> Iterator[Ranked]:
    """The best of passages that say the same thing (a doubled report, text copied between reports), as the caller
    takes them: comparing all 40 shortlisted passages pairwise took ~2 ms a question for the 5 shown."""
    kept: list[set[str]] = []
    for r in ranked:
        grams = shingles(r.chunk.text)
        if any(len(grams & g) / max(1, min(len(grams), len(g))) >= threshold for g in kept):
            continue
        kept.append(grams)
        yield r


def _diversify(ranked: Iterable[Ranked], k: int, per_report: int | None) -> list[Ranked]:
    if per_report is None:
        return list(islice(ranked, k))
    counts: dict[int, int] = {}
    picked = []
    for r in ranked:
        rid = r.chunk.report.id
        if counts.get(rid, 0) < per_report:
            picked.append(r)
            counts[rid] = counts.get(rid, 0) + 1
        if len(picked) == k:
            break
    return picked
