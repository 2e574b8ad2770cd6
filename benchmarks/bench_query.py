"""Query latency by stage, resident memory and cold start, at several index sizes (run by hand).

    .venv/bin/python benchmarks/bench_query.py [--sizes 1000 10000 100000 1000000] [--real /tmp/idx36]

Each size runs in its own process (clean RSS).  Sizes other than the real index are synthetic
(benchmarks/synth_index.py: recombined real passages, real-ish vectors), cached in /tmp/bench-synth-N.
Questions: tests/eval/questions.jsonl.  Stages: query embedding, vector search (FAISS, 1 and 2
OpenMP threads), keyword search (bm25s get_scores over all passages + top-k), fusion+rerank
(missing cosines, scope, sentence evidence over the top 40, de-dup), answer extraction
(answers + confidence).  "end to end" is Searcher.search as the app calls it.
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


def measure(index_dir: Path, repeats: int) -> dict:
    started = time.perf_counter()

    import index.vectors as vectors_module
    from index.vectors import search_vectors
    from search import retrieve as r
    from search.query import keyword_text, parse_query
    from search.scope import mentioned_places, unknown_places

    imported = time.perf_counter()
    searcher = r.Searcher(index_dir)
    loaded = time.perf_counter()
    rss_loaded = resident_mb()
    questions = [json.loads(l)["question"] for l in QUESTIONS.read_text(encoding="utf-8").splitlines() if l.strip()]
    stages = {k: [] for k in ("embed", "vector_1t", "vector_2t", "keyword", "fusion_rerank", "answer", "end_to_end")}
    view = searcher.view
    index = view.index
    for _ in range(repeats):
        for q in questions:
            query = parse_query(q)
            t0 = time.perf_counter()
            vector = searcher.embedder.query(query.text)
            t1 = time.perf_counter()
            dense = search_vectors(index.vectors, vector, r.CANDIDATES)
            t2 = time.perf_counter()
            keyword = r._keyword(index, searcher.tokenizer.tokens(keyword_text(query)), None)
            t3 = time.perf_counter()
            candidates = {cid: r._Candidate(cid, dense=s) for cid, s in dense}
            for cid, s in keyword:
                candidates.setdefault(cid, r._Candidate(cid)).keyword = s
            missing = [cid for cid, c in candidates.items() if c.dense == 0.0]
            for cid, cos in zip(missing, r._cosines(index, vector, missing)):
                candidates[cid].dense = cos
            places = mentioned_places(query.text, view.places)
            weights = r._bigram_weights(index, r.content_text(query, places))
            ranked = r._rank(view, candidates, query, places, weights, "hybrid")
            picked = r._diversify(r._dedupe(ranked), 5, None)
            t4 = time.perf_counter()
            [r._answer(c, weights, query) for c in picked]
            unknown = unknown_places(searcher.tokenizer.place_names(query.text), view.places)
            if picked:
                r._doubt(view, query, places, unknown, picked[0])
            t5 = time.perf_counter()
            stages["embed"].append(t1 - t0)
            stages["vector_1t"].append(t2 - t1)
            stages["keyword"].append(t3 - t2)
            stages["fusion_rerank"].append(t4 - t3)
            stages["answer"].append(t5 - t4)
            t = time.perf_counter()
            searcher.search(q)
            stages["end_to_end"].append(time.perf_counter() - t)
    # Two FAISS threads in a pass of their own: their OpenMP workers spin after each search and
    # slowed whichever stage ran next by milliseconds when this was measured inside the loop above.
    vectors_module.QUERY_THREADS = 2
    for q in questions * repeats:
        vector = searcher.embedder.query(parse_query(q).text)
        t = time.perf_counter()
        search_vectors(index.vectors, vector, r.CANDIDATES)
        stages["vector_2t"].append(time.perf_counter() - t)
    vectors_module.QUERY_THREADS = 1
    return {
        "n": index.vectors.ntotal, "kind": index.manifest.get("vector_index"),
        "import_s": imported - started, "searcher_s": loaded - imported,
        "rss_loaded": rss_loaded, "rss_after": resident_mb(),
        "keyword_files_mb": sum(f.stat().st_size for f in (index.generation / "keywords").iterdir()) / 2**20,
        "stages": {k: {"p50": 1000 * pct(v, 50), "p95": 1000 * pct(v, 95)} for k, v in stages.items()},
    }


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
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeats)))
        return
    rows, mem_rows = [], []
    for size in args.sizes:
        index_dir = Path(f"/tmp/bench-synth-{size}")
        subprocess.run([sys.executable, str(Path(__file__).with_name("synth_index.py")), "--size", str(size),
                        "--out", str(index_dir), "--real", str(args.real)], check=True)
        out = subprocess.run([sys.executable, __file__, "--one", str(index_dir), "--repeats", str(args.repeats)],
                             capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        s = res["stages"]
        fmt = lambda k: f"{s[k]['p50']:.1f} / {s[k]['p95']:.1f}"  # noqa: E731
        rows.append([f"{size:,}", res["kind"], fmt("embed"), fmt("vector_1t"), fmt("vector_2t"), fmt("keyword"),
                     fmt("fusion_rerank"), fmt("answer"), fmt("end_to_end")])
        cold = sorted(cold_start(index_dir) for _ in range(3))[1]
        after = res["rss_after"]
        mem_rows.append([f"{size:,}", f"{res['rss_loaded']['rss']:.0f}",
                         f"{after['rss']:.0f} ({after['anon']:.0f} + {after['file']:.0f})",
                         f"{res['keyword_files_mb']:.0f}", f"{res['searcher_s']:.2f}", f"{cold:.2f}"])
        print(f"size {size}: {rows[-1]} {mem_rows[-1]}", flush=True)
    print()
    print(machine())
    print()
    print("Query latency, ms p50 / p95 (eval questions; vector search with 1 and 2 FAISS threads)")
    print()
    print(table(["passages", "vector index", "query embedding", "vector 1 thread", "vector 2 threads", "keyword",
                 "fusion+rerank", "answer", "end to end (1 thread)"], rows))
    print()
    print(table(["passages", "RSS after load MB", "RSS after queries MB (anonymous + mapped files)",
                 "keyword files MB (read per query, cached by the OS)", "Searcher() s (warm imports)",
                 "cold start s (new process, median of 3)"], mem_rows))


if __name__ == "__main__":
    main()
