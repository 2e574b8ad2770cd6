"""The coarse grid that chose the ranking weights, re-runnable (run by hand).

    .venv/bin/python benchmarks/weight_grid.py --index DIR [--sets questions blind blind2] [--full]

By default each weight moves alone around the defaults (search/weights.py); --full tries every
combination (324 settings, ~30 min on 2 cores). For each setting: hit@1, MRR@10 and the two no-answer
rates on every set, and the mean hit@1. A default is fine where its neighbours score within noise;
a gain on one set alone is not a reason to move it.
"""
from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

from _common import PROJECT, machine, table

from search.eval import evaluate, load_questions
from search.retrieve import Searcher
from search.weights import Weights

GRID: dict[str, tuple[float, ...]] = {
    "keyword_share": (0.4, 0.5, 0.6),
    "sentence": (0.15, 0.2, 0.25, 0.3),
    "number": (0.05, 0.1, 0.15),
    "rerank_depth": (20, 40, 60),
    "tense": (0.05, 0.1, 0.15),
}


def settings(full: bool) -> list[Weights]:
    base = Weights()
    if full:
        names = list(GRID)
        return [replace(base, **dict(zip(names, values))) for values in itertools.product(*GRID.values())]
    out = [base]
    for name, values in GRID.items():
        out += [replace(base, **{name: v}) for v in values if v != getattr(base, name)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--sets", nargs="+", default=["questions", "blind", "blind2"])
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    searcher = Searcher(args.index)
    indexed = {Path(r.path).name for r in searcher.index.reports.values()}
    sets = {name: [q for q in load_questions(PROJECT / "tests" / "eval" / f"{name}.jsonl")
                   if q.doc is None or q.doc in indexed] for name in args.sets}
    rows = []
    for weights in settings(args.full):
        searcher.weights = weights
        cells, hits = [], []
        for questions in sets.values():
            card = evaluate(searcher, questions)
            m, na = card.metrics(), card.no_answer()
            hits.append(m["hit@1"])
            cells.append(f"{m['hit@1']:.2f} / {m['mrr@10']:.2f} / {na['unanswerable_flagged']:.2f} / "
                         f"{na['answerable_confident']:.2f}")
        label = ", ".join(f"{k}={v}" for k, v in weights.changed().items()) or "defaults"
        rows.append([label, f"{sum(hits) / len(hits):.3f}", *cells])
        print(rows[-1], flush=True)
    print()
    print(machine())
    print()
    print(table(["setting", "mean hit@1",
                 *(f"{n}: hit@1 / MRR / unanswerable flagged / answerable confident" for n in sets)], rows))


if __name__ == "__main__":
    main()
