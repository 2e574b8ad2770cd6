"""Every number the ranking and the no-answer decision use, in one frozen value passed to the searcher.

The defaults were chosen on tests/eval/questions.jsonl by a coarse grid (benchmarks/weight_grid.py
re-runs it over all eval sets): hit@1 stays within two points across neighbouring values, so they are
not tuned to single questions. `python -m search.eval --weights keyword_share=0.4,…` measures others.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from index.errors import UserError


@dataclass(frozen=True)
class Weights:
    candidates: int = 100            # taken from each ranking (dense, keyword) before fusion
    rerank_depth: int = 40           # fused candidates whose sentences are read for evidence
    keyword_share: float = 0.5       # fused = share * bm25/max(bm25) + (1 - share) * cosine
    sentence: float = 0.2            # best sentence's share of the question's weighted bigrams
    scope: float = 0.2               # the report matches the places/years the question names
    number: float = 0.1              # quantity question and the best sentence has a number
    year: float = 0.05               # the best sentence names the question's year (or only other years)
    tense: float = 0.05              # result vs plan: the passage's tense agrees with the question's
    measure: float = 0.15            # the best sentence states the measure the question names (search/measure.py)
    idea: float = 16.0               # wording requests: the cosine of the passage's closest sentence with the request
    report_year_credit: float = 0.8  # a question year matching only the report's year, not the passage's headings
    parent_place: float = 0.25       # a report of the place's parent ("深圳" for a 南山区 question) counts this much
    adjacent_year: float = 0.5       # a report of the year before or after: reports review last year, plan the next
    sentence_number: float = 0.15    # choosing the answer sentence: a number breaks near-ties for quantity questions
    sentence_year: float = 0.1       # … the sentence names the question's year (or only other years)
    sentence_measure: float = 0.15   # … the sentence states the measure or the kind of thing asked
    sentence_quote: float = 1.0      # … the sentence holds the quoted words
    min_coverage: float = 0.06       # below this share of the question in its best sentence, the top hit is a guess
    near_duplicate: float = 0.8      # share of character 4-grams above which two passages are one

    @classmethod
    def parse(cls, text: str, base: "Weights | None" = None) -> "Weights":
        """"keyword_share=0.4,rerank_depth=60" over the defaults (or `base`); unknown names are an error."""
        base = base or cls()
        types = {f.name: f.type for f in fields(cls)}
        changes: dict[str, float | int] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, _, value = item.partition("=")
            name = name.strip()
            if name not in types:
                raise UserError(f"未知的权重 {name!r}，可选：{', '.join(types)} / Unknown weight {name!r}")
            try:
                changes[name] = int(value) if types[name] in ("int", int) else float(value)
            except ValueError:
                raise UserError(f"权重 {name} 的值不是数字：{value!r} / Weight {name} is not a number") from None
        return replace(base, **changes)

    def changed(self) -> dict[str, float | int]:
        """The settings that differ from the defaults."""
        default = Weights()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)}
