"""Recall@10 of the approximate vector index against exact search, and its search time (run by hand).

    .venv/bin/python benchmarks/bench_recall.py --index /tmp/bench-synth-1000000 [--index /tmp/idx36 ...]
    .venv/bin/python benchmarks/bench_recall.py --windows 60000

Vectors: the stored float32 embeddings of an index (real for a real index; real-ish for the
synthetic ones), or with --windows, N real passages embedded by the model: runs of 2-10
consecutive sentences of the shared reports (real text, so real embeddings past the 50k
where the approximate index takes over; embeddings cached in /tmp/real-windows-N.npy).  Queries: the real embeddings of the single-answer evaluation questions (tests/eval), encoded
with the index's own backend.  For each index it builds the exact kind and the approximate kind
over the same vectors and reports recall@10 at several nprobe values (the built-in one marked), and for the
kind that re-scores 4-bit codes in half precision, at several re-scoring depths (k_factor × k).
"""
from __future__ import annotations

import argparse
import re
import time
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np

from _common import CORPUS, PROJECT, machine, median, pct, table

from index.embed import Embedder, default_backend, stored_backend
from index.read import read_report
from index.store import IndexReader
from search.eval import load_questions
import index.vectors as V


# The single-answer sets, as tests/test_eval_quality.py finds them: 1,848 real questions (157 were too few to
# tell 0.99 from 0.995).
EVAL = PROJECT / "tests" / "eval"
QUESTION_SETS = [EVAL / "questions.jsonl", *sorted(EVAL.glob("blind*.jsonl"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, action="append", default=[])
    parser.add_argument("--windows", type=int, help="N real sentence-window passages of the shared reports")
    parser.add_argument("--kinds", nargs="+", default=[V.KIND_IVF, V.KIND_IVF_PQ], help="approximate kinds to build")
    args = parser.parse_args()
    questions = [q.question for path in QUESTION_SETS for q in load_questions(path)]
    rows = []
    embedders: dict[str, Embedder] = {}
    sets = []
    for index_dir in args.index:
        with IndexReader(index_dir) as index:
            backend = stored_backend(index.manifest["model"])
            sets.append((index_dir.name, backend, index.table.embeddings(index.vectors.d, index.vectors.ntotal)))
    if args.windows:
        embedder = embedder_for(embedders, default_backend())
        sets.append((f"{args.windows:,} real windows", default_backend(), window_vectors(args.windows, embedder)))
    for name_of_set, backend, vectors in sets:
        embedder = embedder_for(embedders, backend)
        queries = np.vstack([embedder.query(q) for q in questions])
        ids = np.arange(len(vectors), dtype=np.int64)
        exact, _ = V.build_vector_index(ids, vectors, vectors.shape[1], kind=V.KIND_FLAT)
        truth = [{i for i, _ in V.search_vectors(exact, q, 10)} for q in queries]
        exact_ms = timed(exact, queries)[1]
        del exact
        for kind in args.kinds:
            t = time.perf_counter()
            approx, name = V.build_vector_index(ids, vectors, vectors.shape[1], kind=kind)
            build_s = time.perf_counter() - t
            for nprobe, k_factor, built_in in settings(approx):
                got, ms = timed(approx, queries)
                hits = sum(len(want & {i for i, _ in found[:10]}) for want, found in zip(truth, got))
                rows.append([name_of_set, f"{len(ids):,}", name.split(",nprobe")[0],
                             f"{nprobe}{'' if k_factor is None else f' × {k_factor}'}{' (built-in)' if built_in else ''}",
                             f"{hits / (10 * len(queries)):.4f}", f"{median(ms):.2f} / {pct(ms, 95):.2f}",
                             f"{median(exact_ms):.2f} / {pct(exact_ms, 95):.2f}", f"{build_s:.0f}"])
                print(rows[-1], flush=True)
            del approx
    print()
    print(machine())
    print()
    print(table(["index", "vectors", "approximate kind", "nprobe (× k_factor re-scored)", "recall@10 vs exact", "approx ms p50 / p95 (k=100, 1 thread)",
                 "exact ms p50 / p95", "IVF build s"], rows))


def timed(index, queries: np.ndarray, k: int = 100) -> tuple[list[list[tuple[int, float]]], list[float]]:
    """Each query's k nearest as the product asks for them (one FAISS thread), and the ms each took."""
    found, ms = [], []
    for q in queries:
        t = time.perf_counter()
        found.append(V.search_vectors(index, q, k))
        ms.append(1000 * (time.perf_counter() - t))
    return found, ms


def settings(index) -> Iterator[tuple[int, int | None, bool]]:
    """Set the index to each (nprobe, k_factor) around its built-in pair in turn; k_factor is None for a kind without
    re-scoring."""
    inner = V._inner(index)
    refine = inner if isinstance(inner, faiss.IndexRefine) else None
    ivf = faiss.extract_index_ivf(refine.base_index if refine else inner)
    nprobe, k_factor = ivf.nprobe, int(refine.k_factor) if refine else None
    # Lists scanned around the built-in number at its re-scoring depth; depths around it at the built-in lists.
    pairs = {(probes, k_factor) for probes in (max(1, nprobe // 4), max(1, nprobe // 2), nprobe,
                                               min(ivf.nlist, nprobe * 2))}
    if refine is not None:
        pairs |= {(nprobe, max(1, k_factor // 2)), (nprobe, 2 * k_factor)}
    for probes, factor in sorted(pairs):
        ivf.nprobe = probes
        if refine is not None:
            refine.k_factor = factor
        yield probes, factor, (probes, factor) == (nprobe, k_factor)
    ivf.nprobe = nprobe
    if refine is not None:
        refine.k_factor = k_factor


def embedder_for(embedders: dict[str, Embedder], backend: str) -> Embedder:
    """One model load per backend (setdefault's default argument loaded the model again for every set)."""
    if backend not in embedders:
        embedders[backend] = Embedder(backend=backend)
    return embedders[backend]


def window_vectors(n: int, embedder: Embedder, seed: int = 0) -> np.ndarray:
    cache = Path(f"/tmp/real-windows-{n}.npy")
    if cache.exists():
        return np.load(cache)
    texts = sentence_windows(n, seed)
    started = time.perf_counter()
    vectors = embedder.passages(texts)
    print(f"embedded {len(texts):,} windows in {time.perf_counter() - started:.0f} s", flush=True)
    np.save(cache, vectors)
    return vectors


def sentence_windows(n: int, seed: int) -> list[str]:
    """n distinct runs of 2-10 consecutive sentences (about 60-450 characters) from the shared reports."""
    rng = np.random.default_rng(seed)
    sentences = [s for path in sorted(CORPUS.glob("*.txt"))
                 for s in re.findall(r"[^。！？；\n]+[。！？；]?", read_report(path).text) if len(s.strip()) > 4]
    windows: set[str] = set()
    while len(windows) < n:
        start = int(rng.integers(0, len(sentences) - 10))
        windows.add("".join(sentences[start:start + int(rng.integers(2, 11))]))
    return sorted(windows)


if __name__ == "__main__":
    main()
