"""The wording path's query time against the answer path's, and what its sentence vectors cost (run by hand).

    .venv/bin/python benchmarks/bench_wording.py --index DIR [--rounds 3]

Wording requests: tests/eval/wording_blind.jsonl; answer questions: the number, fact and scoped questions of
tests/eval/blind3.jsonl. The two kinds are run alternately, `--rounds` times, so a noisy machine slows both alike;
medians and their ratio are printed (issue 13 asks the wording path to stay within 2x), with the index's sentence
vectors: how many, and their bytes beside the whole generation's.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from _common import PROJECT, machine, median, pct, table

from index.store import live_generation
from search.eval import load_questions
from search.retrieve import Searcher


def timed(searcher: Searcher, questions: list[str], mode: str) -> list[float]:
    seconds = []
    for q in questions:
        started = time.perf_counter()
        searcher.search(q, k=10, mode=mode)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    searcher = Searcher(args.index)
    eval_dir = PROJECT / "tests" / "eval"
    wording = [q.question for q in load_questions(eval_dir / "wording_blind.jsonl")]
    answer = [q.question for q in load_questions(eval_dir / "blind3.jsonl") if q.type != "wording"]
    timed(searcher, wording[:5] + answer[:5], "answer")  # warm-up: model, jieba, caches
    times: dict[str, list[float]] = {"wording": [], "answer": []}
    for _ in range(args.rounds):
        times["wording"] += timed(searcher, wording, "wording")
        times["answer"] += timed(searcher, answer, "answer")
    rows = [[mode, len(t), f"{1000 * median(t):.1f}", f"{1000 * pct(t, 95):.1f}"] for mode, t in times.items()]
    print(table(["path", "queries", "p50 ms", "p95 ms"], rows))
    print(f"\nwording / answer median: {median(times['wording']) / median(times['answer']):.2f}x")
    ids = [int(i) for i in searcher.index.keyword_ids]
    kept = searcher.index.sentence_vectors(ids)
    count = sum(len(m) for m in kept.values())
    generation = live_generation(args.index)
    size = sum(f.stat().st_size for f in generation.rglob("*") if f.is_file())
    dim = int(searcher.index.manifest["model"]["dim"])
    megabytes = count * dim * np.dtype(np.float16).itemsize / 2**20
    print(f"sentence vectors: {count} for {len(ids)} passages, {megabytes:.1f} MB of a {size / 2**20:.1f} MB generation")


if __name__ == "__main__":
    main()
