"""Stage one of a search: the passages worth reading closely, from the vectors and the keywords, fused."""
from __future__ import annotations

from dataclasses import dataclass, replace

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
    found: dict[int, Candidate] = {cid: Candidate(cid, dense=cosine) for cid, cosine in dense}
    for cid, score in keyword:
        found[cid] = replace(found.get(cid, Candidate(cid)), keyword=score)
    missing = [cid for cid, c in found.items() if c.dense == 0.0]
    for cid, cosine in zip(missing, index.cosines(vector, missing)):
        found[cid] = replace(found[cid], dense=cosine)
    return list(found.values())


def fuse(candidates: list[Candidate], recipe: str, weights: Weights) -> list[Candidate]:
    """Each candidate scored by the recipe, best first: the hybrid mixes max-normalised BM25 with the cosine."""
    top_keyword = max((c.keyword for c in candidates), default=0.0) or 1.0
    share = weights.keyword_share
    if recipe == "keyword":
        candidates = [c for c in candidates if c.keyword > 0]
    scored = [replace(c, score={"keyword": c.keyword / top_keyword, "vector": c.dense}.get(
        recipe, share * c.keyword / top_keyword + (1 - share) * c.dense)) for c in candidates]
    return sorted(scored, key=lambda c: -c.score)
