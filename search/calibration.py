"""How sure an answer is: the probability that the top answer is right, from evidence the search already has.

A logistic model over a few signals of the top passage and its sentence, fitted on the development sets by
benchmarks/calibrate.py, which writes search/calibration.json (coefficients, the threshold below which the
answer is "未找到可靠答案", and the calibration table it was checked against). Signals are shares and scores
that move little between CPUs, not raw vector values.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from search.query import Query
from search.rank import Ranked

MODEL = Path(__file__).with_name("calibration.json")
SIGNALS = ("coverage", "passage_coverage", "scope", "number_given", "number_missing", "year_agrees", "tense_agrees",
           "margin", "score")


@dataclass(frozen=True)
class Calibration:
    intercept: float = 0.0
    coefficients: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.0           # below it an answer is withheld
    note: str = ""                   # what it was fitted on, and how it measured

    def confidence(self, signals: dict[str, float]) -> float:
        z = self.intercept + sum(c * signals.get(name, 0.0) for name, c in self.coefficients.items())
        return 1 / (1 + math.exp(-z))


@cache
def calibration() -> Calibration:
    """The fitted model; a neutral one (every answer 0.5, nothing withheld) where none has been fitted."""
    if not MODEL.is_file():
        return Calibration()
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    return Calibration(data["intercept"], data["coefficients"], data["threshold"], data.get("note", ""))


def signals(query: Query, picked: list[Ranked], grams: dict[str, float], scope_match: float) -> dict[str, float]:
    """What the model weighs: how much of the question the answer sentence and its passage hold, whether the
    passage is of the place and year asked, a number for a quantity question, year and result-vs-plan agreement,
    and how far the top passage stands above the next."""
    top = picked[0]
    evidence = top.evidence
    total = sum(grams.values()) or 1.0
    quantity = query.wants_quantity
    return {
        "coverage": evidence.coverage if evidence else 0.0,
        "passage_coverage": sum(w for g, w in grams.items() if g in top.chunk.text) / total,
        "scope": scope_match,
        "number_given": float(quantity and bool(evidence and evidence.has_number)),
        "number_missing": float(quantity and not (evidence and evidence.has_number)),
        "year_agrees": float(evidence.year_agrees) if evidence else 0.0,
        "tense_agrees": float(query.tense * evidence.tense) if evidence else 0.0,
        "margin": top.score - picked[1].score if len(picked) > 1 else 0.5,
        "score": top.score,
    }
