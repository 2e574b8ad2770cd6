"""Hybrid retrieval: dense vectors and Chinese keywords, fused, scoped, de-duplicated, answered."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from index.embed import Embedder, stored_backend
from index.chunk import GLOSSARY
from index.errors import ModelMismatch
from index.store import IndexReader, StoredChunk
from search.answer import Answer, SentenceEvidence, best_sentence, make_answer, section_tense
from search.query import Query, content_text, keyword_text, parse_query
from search.scope import (Places, mentioned_places, passage_years, place_score, report_places, unknown_places,
                          year_score, years_covered)
from text.numbers import gives_rate
from text.sentences import has_word
from text.tokens import KeywordTokenizer, bigrams
from text.years import names_year

RECIPES = ("hybrid", "keyword", "vector")  # the plain recipes exist to measure the hybrid against
CANDIDATES = 100          # taken from each ranking before fusion
RERANK_DEPTH = 40         # fused candidates whose sentences are read for evidence
# Weights below were chosen on tests/eval/questions.jsonl by a coarse grid; hit@1 stays within
# two points across neighbouring values, so they are not tuned to single questions.
KEYWORD_SHARE = 0.5       # fused = share * bm25/max(bm25) + (1 - share) * cosine
SENTENCE_WEIGHT = 0.2     # best sentence's share of the question's weighted bigrams
SCOPE_WEIGHT = 0.2        # the report matches the places/years the question names
NUMBER_WEIGHT = 0.1       # quantity question and the best sentence has a number
YEAR_WEIGHT = 0.05        # the best sentence names the question's year (or only other years)
TENSE_WEIGHT = 0.05       # result vs plan: the passage's tense agrees with the question's
REPORT_YEAR_CREDIT = 0.8  # a question year matching only the report's year, not the passage's headings
MIN_COVERAGE = 0.06       # below this share of the question in its best sentence, the top hit is a guess
MAX_PER_REPORT_WORDING = 2
NEAR_DUPLICATE = 0.8      # share of character 4-grams above which two passages are one
NO_CONTENT = "问题里没有可检索的文字 / The question has no words to search for"
NO_PASSAGE = "没有找到相关段落 / No related passage found"
NO_QUOTED = "没有段落包含引号中的原文 / No passage contains the quoted words"


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    body: str | None = None          # substring of the issuing body or title, e.g. "张店乡"
    genre: str | None = None         # substring of the genre, e.g. "法治政府建设"
    reports: tuple[str, ...] = ()    # report paths or file names

    def allows(self, report) -> bool:
        lo, hi = self.year_from or 0, self.year_to or 9999
        if (self.year_from or self.year_to) and not any(lo <= y <= hi for y in report.years):
            return False
        if self.body and self.body not in report.body and self.body not in report.title:
            return False
        if self.genre and self.genre not in report.genre:
            return False
        if self.reports and not any(r in (report.path, Path(report.path).name) for r in self.reports):
            return False
        return True

    @property
    def active(self) -> bool:
        return any([self.year_from, self.year_to, self.body, self.genre, self.reports])


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    chunk: StoredChunk
    answer: Answer | None


@dataclass
class SearchResult:
    query: Query
    mode: str                            # "answer" or "wording"
    hits: list[Hit] = field(default_factory=list)
    confident: bool = True               # False: "未找到可靠答案", hits are only "可能相关"
    evidence: float = 0.0                # the top hit's evidence, on which confidence is decided
    doubt: str = ""                      # why not confident, Chinese first, e.g. "报告中没有写明书记的姓名 / …"


@dataclass(frozen=True)
class _View:
    """One generation of the index with what is derived from it; a query uses exactly one."""
    index: IndexReader
    places: dict[int, Places]

    @classmethod
    def open(cls, index_dir: Path) -> "_View":
        index = IndexReader(index_dir)
        return cls(index, {rid: report_places(r) for rid, r in index.reports.items()})


@dataclass
class _Candidate:
    id: int
    keyword: float = 0.0      # BM25 score
    dense: float = 0.0        # cosine similarity
    score: float = 0.0
    chunk: StoredChunk | None = None
    evidence: SentenceEvidence | None = None


class Searcher:
    """Loads an index and its model once; answers many questions."""

    def __init__(self, index_dir: Path, model: str | None = None, embedder: Embedder | None = None) -> None:
        self.view = _View.open(index_dir)
        stored = self.view.index.manifest["model"]
        wanted = model or stored["name"]
        if wanted != stored["name"]:
            raise ModelMismatch(
                f"索引由模型 {stored['name']} 建立，不能用 {wanted} 查询 / "
                f"Index was built with {stored['name']}, not {wanted}")
        backend = stored_backend(stored)
        self.embedder = embedder or Embedder(wanted, backend=backend)
        if self.embedder.info.name != stored["name"]:
            raise ModelMismatch(
                f"索引由模型 {stored['name']} 建立，传入的模型是 {self.embedder.info.name} / "
                f"Index was built with {stored['name']}, not {self.embedder.info.name}")
        if self.embedder.info.backend != backend:
            raise ModelMismatch(
                f"索引向量由 {backend} 编码器生成，查询编码器是 {self.embedder.info.backend} / "
                f"Index vectors were made by the {backend} encoder, not {self.embedder.info.backend}")
        if self.embedder.info.dim != stored["dim"]:
            raise ModelMismatch(f"模型维度不符：{self.embedder.info.dim} ≠ {stored['dim']} / Model dimension mismatch")
        self.tokenizer = KeywordTokenizer()
        self._retired: _View | None = None

    @property
    def index(self) -> IndexReader:
        return self.view.index

    def refresh(self) -> bool:
        """Switch to a newer generation if a build published one; True when it switched.

        A query takes the view once at its start, so an answer never mixes two generations.
        """
        if not self.view.index.is_stale():
            return False
        index_dir = self.view.index.index_dir
        try:
            fresh = _View.open(index_dir)
        except FileNotFoundError:
            # Two builds published between reading CURRENT and opening its files: read it again.
            fresh = _View.open(index_dir)
        retired, self.view = self.view, fresh
        # The reader retired last time has had a whole generation's lifetime to finish its queries.
        if self._retired is not None:
            self._retired.index.close()
        self._retired = retired
        return True

    def search(self, question: str, k: int = 5, filters: Filters = Filters(), mode: str | None = None,
               recipe: str = "hybrid") -> SearchResult:
        view = self.view
        query = parse_query(question)
        mode = mode or ("wording" if query.wants_wording else "answer")
        result = SearchResult(query=query, mode=mode)
        if not has_word(query.text):
            result.confident, result.doubt = False, NO_CONTENT
            return result
        allowed = _allowed_reports(view.index, filters)
        candidates = self._candidates(view.index, query, allowed)
        places = mentioned_places(query.text, view.places)
        weights = _bigram_weights(view.index, content_text(query, places))
        ranked = _rank(view, candidates, query, places, weights, recipe)
        per_report = MAX_PER_REPORT_WORDING if mode == "wording" else None
        if mode == "wording":
            # Someone asking how reports phrase a thing wants the report's sentences, not its glossary's
            # definition of the term ("有关名词解释"), which the term's words match best.
            ranked.sort(key=lambda c: _in_glossary(c.chunk))
        quoted = [c for c in ranked if all(q in c.chunk.text for q in query.quoted)]
        picked = _diversify(_dedupe(quoted or ranked), k, per_report)
        result.hits = [Hit(i + 1, round(c.score, 6), c.chunk, _answer(c, weights, query))
                       for i, c in enumerate(picked)]
        result.evidence = picked[0].evidence.coverage if picked and picked[0].evidence else 0.0
        if not picked:
            result.doubt = NO_PASSAGE
        elif query.quoted and not quoted:
            result.doubt = NO_QUOTED
        else:
            result.doubt = self._doubt(view, query, places, picked[0])
        result.confident = not result.doubt
        return result

    def _doubt(self, view: _View, query: Query, places: set[str], top: _Candidate) -> str:
        """Why the top passage may not answer ("" when it does): wrong place or year, too little of the
        question, or no sign of the name, rate or population asked for."""
        unknown = unknown_places(self.tokenizer.place_names(query.text), view.places)
        if doubt := _doubt(view, query, places, unknown, top):
            return doubt
        if query.person_role and not self._names_holder(top, query.person_role):
            return f"报告中没有找到写明{query.person_role}姓名的句子 / No sentence names the office holder asked about"
        if missing := _missing_measures(top, query.measures):
            return f"最相关的句子没有给出{missing} / The closest sentence does not give the {missing} asked for"
        return ""

    def _candidates(self, index: IndexReader, query: Query, allowed: set[int] | None) -> dict[int, _Candidate]:
        """The union of the best dense and keyword matches, each with both scores."""
        vector = self.embedder.query(query.text)
        candidates: dict[int, _Candidate] = {}
        for cid, cosine in index.nearest(vector, CANDIDATES, allowed):
            candidates[cid] = _Candidate(cid, dense=cosine)
        for cid, score in index.keyword_matches(self.tokenizer.tokens(keyword_text(query)), CANDIDATES, allowed):
            candidates.setdefault(cid, _Candidate(cid)).keyword = score
        missing = [cid for cid, c in candidates.items() if c.dense == 0.0]
        for cid, cosine in zip(missing, index.cosines(vector, missing)):
            candidates[cid].dense = cosine
        return candidates

    def _names_holder(self, top: _Candidate, role: str) -> bool:
        """The answer sentence names a person right next to the office asked about ("区长王宏彬")."""
        if top.evidence is None:
            return False
        sentence = top.chunk.text[top.evidence.start:top.evidence.end]
        return any(f"{role}{name}" in sentence or f"{name}{role}" in sentence
                   for name in self.tokenizer.person_names(sentence))

    def close(self) -> None:
        self.view.index.close()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rank(view: _View, candidates: dict[int, _Candidate], query: Query, places: set[str],
          weights: dict[str, float], recipe: str) -> list[_Candidate]:
    top_keyword = max((c.keyword for c in candidates.values()), default=0.0) or 1.0
    for c in candidates.values():
        c.score = {"keyword": c.keyword / top_keyword, "vector": c.dense}.get(
            recipe, KEYWORD_SHARE * c.keyword / top_keyword + (1 - KEYWORD_SHARE) * c.dense)
    if recipe == "keyword":
        candidates = {cid: c for cid, c in candidates.items() if c.keyword > 0}
    shortlist = sorted(candidates.values(), key=lambda c: -c.score)[:RERANK_DEPTH]
    chunks = view.index.chunks([c.id for c in shortlist])
    for c in shortlist:
        c.chunk = chunks[c.id]
        c.evidence = best_sentence(c.chunk.text, weights, query.years, query.wants_quantity,
                                   section_tense(c.chunk.section), query.quoted)
    if recipe == "hybrid":
        place = _place_scores(view, places)
        for c in shortlist:
            c.score += _evidence_bonus(c, query, _scope(query, place.get(c.chunk.report.id), c.chunk))
    return sorted(shortlist, key=lambda c: -c.score)


def _evidence_bonus(c: _Candidate, query: Query, scope: float) -> float:
    bonus = SCOPE_WEIGHT * scope
    if c.evidence:
        bonus += SENTENCE_WEIGHT * c.evidence.coverage + YEAR_WEIGHT * c.evidence.year_agrees
        bonus += NUMBER_WEIGHT if query.wants_quantity and c.evidence.has_number else 0.0
        bonus += TENSE_WEIGHT * query.tense * c.evidence.tense
    return bonus


def _place_scores(view: _View, places: set[str]) -> dict[int, float]:
    """Per report: how well it matches the places the question names (0..1); empty when it names none."""
    if not places:
        return {}
    return {rid: place_score(places, view.places[rid]) for rid in view.index.reports}


def _scope(query: Query, place: float | None, chunk: StoredChunk) -> float:
    """How well the passage matches the places and years the question names (0..1)."""
    if place is None and not query.years:
        return 0.0
    # A product, not a mean: the right year in another district's report is no match at all.
    return (1.0 if place is None else place) * _year_match(query, chunk)


def _year_match(query: Query, chunk: StoredChunk) -> float:
    """Years that name the report ("2024年工作报告里") must match its year; the others, the year the
    passage speaks of, or less surely its report's ("2022年南山区GDP" may mean the 2022 report)."""
    about = [y for y in query.years if y not in query.report_years]
    match = year_score(query.report_years, chunk.report.years) if query.report_years else 1.0
    if about:
        match *= max(year_score(about, passage_years(chunk)),
                     REPORT_YEAR_CREDIT * year_score(about, chunk.report.years))
    return match


def _doubt(view: _View, query: Query, places: set[str], unknown: list[str], top: _Candidate) -> str:
    """Say "no reliable answer" when the question is about a place or year the index does not cover,
    when the best passage is about another place or year, or when it barely touches what is asked."""
    if unknown:
        return f"已收录的报告不涉及{'、'.join(unknown)} / No indexed report covers {', '.join(unknown)}"
    in_scope = [r for rid, r in view.index.reports.items()
                if not places or place_score(places, view.places[rid]) >= 1.0]
    historical = any(names_year(top.chunk.text, y) for y in query.years)  # "到1985年", "2000年奥运会"
    years = "、".join(f"{y}年" for y in query.years)
    if query.years and not historical and not years_covered(query.years, in_scope):
        return f"已收录的报告不涉及{years} / No indexed report covers {years}"
    if query.years and not historical and _year_match(query, top.chunk) == 0:
        return f"最相关的段落说的不是{years} / The closest passage is about another year"  # "盐田区2023年PM2.5"
    if places and place_score(places, view.places[top.chunk.report.id]) == 0:
        return "最相关的段落出自其他地方的报告 / The closest passage is from another place's report"
    evidence = top.evidence
    if evidence is None or evidence.coverage < MIN_COVERAGE:
        return "没有段落较好地对应这个问题 / No passage matches the question well"
    # "张店乡2022年…" answered by a sentence about 2023 of a 2023 report: a different year's figure.
    # A number asked for one year from a sentence that names only another is that year's number.
    if evidence.year_agrees < 0 and (query.wants_quantity or not set(query.years) & set(top.chunk.report.years)):
        return f"最相关的句子说的是其他年份，不是{years} / The closest sentence is about another year"
    return ""


def _answer(c: _Candidate, weights: dict[str, float], query: Query) -> Answer | None:
    if c.evidence is None:
        return None
    return make_answer(c.chunk.text, c.chunk.start, c.evidence, weights, query.wants_quantity)


def _allowed_reports(index: IndexReader, filters: Filters) -> set[int] | None:
    if not filters.active:
        return None
    return {rid for rid, r in index.reports.items() if filters.allows(r)}


def _bigram_weights(index: IndexReader, text: str) -> dict[str, float]:
    """Each distinct bigram of the question, weighted by its rarity (IDF) in the keyword index."""
    return {gram: index.idf(gram) for gram in set(bigrams(text))}


def _missing_measures(top: _Candidate, measures: tuple[str, ...]) -> str:
    """The rate or population asked for that the answer sentence lacks ("" if none). A rate may be
    written with another word (合格率 as 通过率100%), so any rate will do; a population needs 人口."""
    if top.evidence is None:
        return ""
    sentence = top.chunk.text[top.evidence.start:top.evidence.end]
    for m in measures:
        if not (m in sentence or (m.endswith("率") and gives_rate(sentence))
                or (m.endswith("人口") and "人口" in sentence)):
            return m
    return ""


def _in_glossary(chunk: StoredChunk) -> bool:
    return bool(re.search(GLOSSARY, chunk.section))


def _shingles(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i:i + 4] for i in range(max(1, len(compact) - 3))}


def _dedupe(ranked: list[_Candidate]) -> list[_Candidate]:
    """Keep the best of passages that say the same thing (a doubled report, text copied between reports)."""
    kept: list[tuple[_Candidate, set[str]]] = []
    for c in ranked:
        grams = _shingles(c.chunk.text)
        if any(len(grams & g) / max(1, min(len(grams), len(g))) >= NEAR_DUPLICATE for _, g in kept):
            continue
        kept.append((c, grams))
    return [c for c, _ in kept]


def _diversify(ranked: list[_Candidate], k: int, per_report: int | None) -> list[_Candidate]:
    if per_report is None:
        return ranked[:k]
    counts: dict[int, int] = {}
    picked = []
    for c in ranked:
        rid = c.chunk.report.id
        if counts.get(rid, 0) < per_report:
            picked.append(c)
            counts[rid] = counts.get(rid, 0) + 1
        if len(picked) == k:
            break
    return picked
