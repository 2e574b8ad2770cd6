"""Query latency by stage, resident memory and cold start, at several index sizes (run by hand).

    .venv/bin/python benchmarks/bench_query.py [--sizes 1000 10000 100000 1000000] [--real /tmp/idx36]
                                               [--store local milvus]   # both: one table, local and milvus-lite

Each size runs in its own process (clean RSS).  Sizes other than the real index are synthetic
(benchmarks/synth_index.py: recombined real passages, real-ish vectors), cached in /tmp/bench-synth-N.
Questions: tests/eval/questions.jsonl.  Stages, timed inside the real Searcher.search through its
timing hook, on the calling thread: question (parsing, the places named, the reports in scope),
keyword search (postings of the question's terms + top-k), read (the best keyword matches read
sentence by sentence), embedding + vector (the wait for the question's embedding and vector search,
which run on the searcher's worker thread beside the three stages before: what they take beyond
them), fusion+rerank (missing cosines, scope, sentence evidence for the rest of the top 40, de-dup,
picking), answer (answer spans and the no-answer decision), compose (a
comparison's table, a list question's items: searches of their own per report, and list items
embedded).  "end to end" is the sum, i.e. Searcher.search as the app calls it.  In a pass of their
own, alone: the query embedding (one encoder thread, as a search runs it) and the vector search
with 1 and 2 FAISS threads.  Beside them, recall@10 of the vector search against exact search over the
stored float32 vectors, for the same questions (local store only).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _common import PROJECT, machine, pct, resident_mb, table

QUESTIONS = PROJECT / "tests" / "eval" / "questions.jsonl"


class StageClock:
    """The searcher's timing hook: seconds since the previous stage ended, per stage."""

    def __init__(self) -> None:
        self.stages: dict[str, list[float]] = {}
        self.started = self.last = 0.0

    def start(self) -> None:
        self.started = self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages.setdefault(stage, []).append(now - self.last)
        self.last = now


def measure(index_dir: Path, repeats: int) -> dict:
    started = time.perf_counter()

    import index.vectors as vectors_module
    from search.eval import load_questions
    from search.query import parse_query
    from search.retrieve import Searcher

    imported = time.perf_counter()
    searcher = Searcher(index_dir)
    loaded = time.perf_counter()
    rss_loaded = resident_mb()
    questions = [q.question for q in load_questions(QUESTIONS)]
    clock = StageClock()
    end_to_end = []
    for _ in range(repeats):
        for q in questions:
            clock.start()
            searcher.search(q, timer=clock)  # the real search, as the app calls it; the hook costs nothing measurable
            end_to_end.append(time.perf_counter() - clock.started)
    stages = dict(clock.stages, end_to_end=end_to_end)
    index = searcher.index
    local = index.manifest.get("store", "local") == "local"
    # Two FAISS threads in a pass of their own: their OpenMP workers spin after each search and
    # slowed whichever stage ran next by milliseconds when this was measured inside the loop above.
    for stage in ("embed_alone", "vector_alone", "vector_2t"):
        stages[stage] = []
    embedded = {}  # each question's vector, for the recall below
    for q in questions * repeats:
        t = time.perf_counter()
        vector = embedded[q] = searcher.embedder.query(parse_query(q).text)
        stages["embed_alone"].append(time.perf_counter() - t)
        for threads, stage in ((1, "vector_alone"), (2, "vector_2t")) if local else ((1, "vector_alone"),):
            vectors_module.QUERY_THREADS = threads  # Milvus has its own threads
            t = time.perf_counter()
            index.nearest(vector, searcher.weights.candidates)
            stages[stage].append(time.perf_counter() - t)
    vectors_module.QUERY_THREADS = 1
    rss_after = resident_mb()  # before the exact vectors are loaded for the recall below
    return {
        "n": index.manifest["chunks"], "kind": index.manifest.get("vector_index"),
        "import_s": imported - started, "searcher_s": loaded - imported,
        "rss_loaded": rss_loaded, "rss_after": rss_after,
        "recall": vector_recall(index, list(embedded.values())) if local else None,
        "keyword_files_mb": sum(f.stat().st_size for f in (index.generation / "keywords").iterdir()) / 2**20
        if local else 0.0,
        "stages": {k: {"p50": 1000 * pct(v, 50), "p95": 1000 * pct(v, 95)} for k, v in stages.items() if v},
    }


def vector_recall(index, queries: list, k: int = 10) -> float:
    """recall@k of the index's vector search (as a search asks it: 100 candidates) against exact search over the
    stored float32 vectors, for these question vectors."""
    import numpy as np

    vectors = index.table.embeddings(index.vectors.d, index.vectors.ntotal)  # in passage id order, as keyword_ids
    hits = 0
    for query in queries:
        exact = index.keyword_ids[np.argpartition(-(vectors @ query), k)[:k]]
        hits += len(set(exact.tolist()) & {i for i, _ in index.nearest(query, 100)[:k]})
    return hits / (k * len(queries))


def cold_start(index_dir: Path) -> float:
    """Seconds from a fresh interpreter to a constructed Searcher (imports included)."""
    code = ("import time; t=time.perf_counter(); import sys; sys.path.insert(0, %r); "
            "from pathlib import Path; from search.retrieve import Searcher; Searcher(Path(%r)); "
            "print(time.perf_counter()-t)") % (str(PROJECT), str(index_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--real", type=Path, default=Path("/tmp/idx36"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--store", nargs="+", choices=["local", "milvus"], default=["local"],
                        help="milvus: the same synthetic passages in a milvus-lite file (a test engine, not a server)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeats)))
        return
    rows, mem_rows = [], []
    for size, store in [(size, store) for size in args.sizes for store in args.store]:
        index_dir = Path(f"/tmp/bench-synth-{size}" if store == "local" else f"/tmp/bench-synth-milvus-{size}")
        started = time.perf_counter()
        subprocess.run([sys.executable, str(Path(__file__).with_name("synth_index.py")), "--size", str(size),
                        "--out", str(index_dir), "--real", str(args.real),
                        "--store", "local" if store == "local" else f"milvus://{index_dir}/m.db"], check=True)
        print(f"{store} {size}: built (or found) in {time.perf_counter() - started:.0f} s", flush=True)
        out = subprocess.run([sys.executable, __file__, "--one", str(index_dir), "--repeats", str(args.repeats)],
                             capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        s = res["stages"]
        fmt = lambda k: f"{s[k]['p50']:.1f} / {s[k]['p95']:.1f}" if k in s else "–"  # noqa: E731
        rows.append([f"{size:,} {store}", res["kind"], *map(fmt, (
            "question", "keyword", "read", "vector", "rerank", "answer", "compose", "end_to_end", "embed_alone",
            "vector_alone", "vector_2t")), "–" if res["recall"] is None else f"{res['recall']:.4f}"])
        cold = sorted(cold_start(index_dir) for _ in range(3))[1]
        after = res["rss_after"]
        mem_rows.append([f"{size:,} {store}", f"{res['rss_loaded']['rss']:.0f}",
                         f"{after['rss']:.0f} ({after['anon']:.0f} + {after['file']:.0f})",
                         f"{res['keyword_files_mb']:.0f}", f"{res['searcher_s']:.2f}", f"{cold:.2f}"])
        print(f"size {size}: {rows[-1]} {mem_rows[-1]}", flush=True)
    print()
    print(machine())
    print()
    print("Query latency, ms p50 / p95 (eval questions; the last three columns each alone, in a pass of their own)")
    print()
    print(table(["passages", "vector index", "question", "keyword", "read", "embedding + vector (beyond the stages beside)",
                 "fusion+rerank", "answer", "table / list", "end to end", "query embedding alone",
                 "vector alone (1 thread)", "vector alone (2 threads)", "vector recall@10 vs exact"], rows))
    print()
    print(table(["passages", "RSS after load MB", "RSS after queries MB (anonymous + mapped files)",
                 "keyword files MB (read per query, cached by the OS)", "Searcher() s (warm imports)",
                 "cold start s (new process, median of 3)"], mem_rows))


if __name__ == "__main__":
    main()
