"""Hybrid retrieval: dense vectors and Chinese keywords, fused, scoped, de-duplicated, answered."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from index.embed import Embedder
from index.keywords import KeywordTokenizer
from index.store import IndexReader, StoredChunk, StoreError
from search.answer import Answer, extract_answer
from search.query import Query, parse_query
from search.scope import Places, mentioned_places, place_score, report_places, year_score

CANDIDATES = 100          # taken from each ranking before fusion
RRF_K = 60
SCOPE_WEIGHT = 0.03       # a full place+year match outweighs a few ranks of fusion
QUOTE_MISS = -1.0         # passages lacking a quoted phrase sink below all others
MAX_PER_REPORT_WORDING = 2
NEAR_DUPLICATE = 0.8      # share of character 4-grams above which two passages are one
RECIPES = ("hybrid", "keyword", "vector")  # the plain recipes exist to measure the hybrid against


class ModelMismatch(StoreError):
    pass


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    body: str | None = None          # substring of the issuing body or title, e.g. "张店乡"
    genre: str | None = None         # substring of the genre, e.g. "法治政府建设"
    reports: tuple[str, ...] = ()    # report paths or file names

    def allows(self, report) -> bool:
        if self.year_from is not None and not any(y >= self.year_from for y in report.years):
            return False
        if self.year_to is not None and not any(y <= self.year_to for y in report.years):
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
    evidence: float = 0.0                # the score the confidence decision was made on


class Searcher:
    """Loads an index and its model once; answers many questions."""

    def __init__(self, index_dir: Path, model: str | None = None, embedder: Embedder | None = None) -> None:
        self.index = IndexReader(index_dir)
        stored = self.index.manifest["model"]
        wanted = model or stored["name"]
        if wanted != stored["name"]:
            raise ModelMismatch(
                f"索引由模型 {stored['name']} 建立，不能用 {wanted} 查询 / "
                f"Index was built with {stored['name']}, not {wanted}")
        self.embedder = embedder or Embedder(wanted)
        if self.embedder.info.dim != stored["dim"]:
            raise ModelMismatch(f"模型维度不符：{self.embedder.info.dim} ≠ {stored['dim']} / Model dimension mismatch")
        self.tokenizer = KeywordTokenizer()
        self.places: dict[int, Places] = {rid: report_places(r) for rid, r in self.index.reports.items()}

    def search(self, question: str, k: int = 5, filters: Filters = Filters(), mode: str | None = None,
               recipe: str = "hybrid") -> SearchResult:
        query = parse_query(question)
        mode = mode or ("wording" if query.wants_wording else "answer")
        result = SearchResult(query=query, mode=mode)
        if not _has_content(query.text):
            result.confident = False
            return result
        allowed = self._allowed_reports(filters)
        tokens = self.tokenizer.tokens(query.text)
        scored = self._ranked(query, tokens, allowed, recipe)
        chunks = self.index.chunks([cid for cid, _ in scored[: max(k * 6, 30)]])
        ordered = [(chunks[cid], s) for cid, s in scored if cid in chunks]
        picked = _diversify(_dedupe(ordered), k, MAX_PER_REPORT_WORDING if mode == "wording" else None)
        weights = self._term_weights(tokens)
        result.hits = [Hit(i + 1, round(s, 6), c, extract_answer(query, tokens, c.text, c.start, weights))
                       for i, (c, s) in enumerate(picked)]
        return result

    def _ranked(self, query: Query, tokens: list[str], allowed: set[int] | None, recipe: str) -> list[tuple[int, float]]:
        if recipe == "keyword":
            return list(self._fuse(self._keyword(tokens, allowed)).items())
        if recipe == "vector":
            return list(self._fuse(self._dense(query, allowed)).items())
        return self._rescore(self._fuse(self._dense(query, allowed), self._keyword(tokens, allowed)), query)

    def _allowed_reports(self, filters: Filters) -> set[int] | None:
        if not filters.active:
            return None
        return {rid for rid, r in self.index.reports.items() if filters.allows(r)}

    def _allowed_chunks(self, allowed: set[int]) -> np.ndarray:
        return np.fromiter((cid for cid, rid in self.index.chunk_report.items() if rid in allowed), dtype=np.int64)

    def _dense(self, query: Query, allowed: set[int] | None) -> list[int]:
        vector = self.embedder.query(query.text).reshape(1, -1)
        n = self.index.vectors.ntotal
        if n == 0:
            return []
        params = None
        if allowed is not None:
            ids = self._allowed_chunks(allowed)
            if ids.size == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        _, found = self.index.vectors.search(vector, min(CANDIDATES, n), params=params)
        return [int(i) for i in found[0] if i >= 0]

    def _keyword(self, tokens: list[str], allowed: set[int] | None) -> list[int]:
        vocab = self.index.keywords.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return []
        scores = self.index.keywords.get_scores(known)
        if allowed is not None:
            chunk_report = self.index.chunk_report
            mask = np.fromiter((chunk_report[int(c)] in allowed for c in self.index.keyword_ids), dtype=bool)
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:CANDIDATES]
        return [int(self.index.keyword_ids[i]) for i in top if scores[i] > 0]

    @staticmethod
    def _fuse(*rankings: list[int]) -> dict[int, float]:
        fused: dict[int, float] = {}
        for ranking in rankings:
            for rank, cid in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        return fused

    def _rescore(self, fused: dict[int, float], query: Query) -> list[tuple[int, float]]:
        mentioned = mentioned_places(query.text, self.places)
        reports = self.index.reports
        chunk_report = self.index.chunk_report
        scope: dict[int, float] = {}
        for rid, report in reports.items():
            parts = [s for s in (place_score(mentioned, self.places[rid]) if mentioned else None,
                                 year_score(query.years, report.years) if query.years else None) if s is not None]
            scope[rid] = sum(parts) / len(parts) if parts else 0.0
        quoted = self.index.chunks(list(fused)) if query.quoted else {}
        scored = []
        for cid, score in fused.items():
            score += SCOPE_WEIGHT * scope[chunk_report[cid]]
            if quoted and not all(q in quoted[cid].text for q in query.quoted):
                score += QUOTE_MISS
            scored.append((cid, score))
        return sorted(scored, key=lambda s: -s[1])

    def _term_weights(self, tokens: list[str]) -> dict[str, float]:
        """Inverse document frequency from the keyword index: rare words decide the answer sentence."""
        vocab = self.index.keywords.vocab_dict
        n = max(1, len(self.index.keyword_ids))
        weights = {}
        for t in tokens:
            df = _document_frequency(self.index.keywords, vocab.get(t))
            weights[t] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return weights

    def close(self) -> None:
        self.index.close()


def _document_frequency(keywords, token_id: int | None) -> int:
    if token_id is None:
        return 0
    indptr = keywords.scores["indptr"]
    return int(indptr[token_id + 1] - indptr[token_id])


def _has_content(text: str) -> bool:
    return bool(re.search(r"[\w\u4e00-\u9fff]", text))


def _shingles(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i:i + 4] for i in range(max(1, len(compact) - 3))}


def _dedupe(ordered: list[tuple[StoredChunk, float]]) -> list[tuple[StoredChunk, float]]:
    """Keep the best of passages that say the same thing (a doubled report, text copied between reports)."""
    kept: list[tuple[StoredChunk, float, set[str]]] = []
    for chunk, score in ordered:
        grams = _shingles(chunk.text)
        if any(len(grams & g) / max(1, min(len(grams), len(g))) >= NEAR_DUPLICATE for _, _, g in kept):
            continue
        kept.append((chunk, score, grams))
    return [(c, s) for c, s, _ in kept]


def _diversify(ordered: list[tuple[StoredChunk, float]], k: int, per_report: int | None) -> list[tuple[StoredChunk, float]]:
    if per_report is None:
        return ordered[:k]
    counts: dict[int, int] = {}
    picked = []
    for chunk, score in ordered:
        if counts.get(chunk.report.id, 0) < per_report:
            picked.append((chunk, score))
            counts[chunk.report.id] = counts.get(chunk.report.id, 0) + 1
        if len(picked) == k:
            break
    return picked
