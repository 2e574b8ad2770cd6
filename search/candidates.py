"""Stage one of a search: the passages worth reading closely, from the vectors and the keywords, fused."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.backends import Reader
from search.weights import Weights

RECIPES = ("hybrid", "keyword", "vector")  # the plain recipes exist to measure the hybrid against


@dataclass(frozen=True)
class Candidate:
    id: int
    keyword: float = 0.0      # BM25 score
    dense: float = 0.0        # cosine similarity
    score: float = 0.0        # fused


def merge(index: Reader, vector: np.ndarray, dense: list[tuple[int, float]],
          keyword: list[tuple[int, float]]) -> list[Candidate]:
    """The union of the best dense and keyword matches, each with both scores (dense ones first)."""
    cosines, scores = dict(dense), dict(keyword)
    ids = list({**cosines, **scores})
    missing = [cid for cid in ids if cosines.get(cid, 0.0) == 0.0]
    cosines.update(zip(missing, index.cosines(vector, missing)))
    return [Candidate(cid, keyword=scores.get(cid, 0.0), dense=cosines[cid]) for cid in ids]


def fuse(candidates: list[Candidate], recipe: str, weights: Weights) -> list[Candidate]:
    """Each candidate scored by the recipe, best first: the hybrid mixes max-normalised BM25 with the cosine."""
    top_keyword = max((c.keyword for c in candidates), default=0.0) or 1.0
    share = weights.keyword_share
    if recipe == "keyword":
        candidates = [c for c in candidates if c.keyword > 0]
    scored = [Candidate(c.id, c.keyword, c.dense, _fused(c, recipe, top_keyword, share)) for c in candidates]
    return sorted(scored, key=lambda c: -c.score)


def _fused(c: Candidate, recipe: str, top_keyword: float, share: float) -> float:
    if recipe == "keyword":
        return c.keyword / top_keyword
    if recipe == "vector":
        return c.dense
    return share * c.keyword / top_keyword + (1 - share) * c.dense
