"""Build a big synthetic index quickly, without running the model (run by hand / from bench_query).

    .venv/bin/python benchmarks/synth_index.py --size 1000000 --out /tmp/bench-synth-1000000 [--real /tmp/idx36]
                                               [--store milvus:///tmp/bench-synth-milvus.db]

Passages recombine two real chunks of an existing index (first half of one + second half of
another, keyword tokens likewise), so BM25 sees realistic Chinese vocabulary and lengths.  Vectors
are the normalised mean of the two real chunk vectors plus a little noise: no model run, but the
clustered geometry of real embeddings rather than uniform random points.  Written with the
store's own functions (ChunkTable, write_structures, publish), so the reader and the vector
index kind chosen by size are exactly what a real build would produce.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

import _common  # noqa: F401  (puts the project on sys.path)
from index.embed import BACKEND_ONNX_INT8, ModelInfo
from index.build import write_structures
from index.store import (DB, FORMAT_VERSION, LOCAL, ChunkRow, ChunkTable, live_generation, new_generation, publish)


def build(size: int, out: Path, real: Path, seed: int = 0, store: str = LOCAL) -> Path:
    if live_generation(out) is not None:
        return out
    source = live_generation(real)
    if source is None:
        raise SystemExit(f"no index at {real}")
    with ChunkTable(source / DB, read_only=True) as src:
        reports = src.report_rows()
        chunks = list(src.chunk_rows())
    vectors = np.vstack([np.frombuffer(c.embedding, dtype=np.float32) for c in chunks])
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    scratch, name = new_generation(out, None)
    with ChunkTable(scratch / DB) as table:
        with table.transaction():
            table.copy_reports(reports)
            table.add_chunks(_synthetic(chunks, vectors, size, rng))
        written = time.perf_counter() - started
        info = ModelInfo("multilingual-e5-small", vectors.shape[1], "query: ", "passage: ", BACKEND_ONNX_INT8)
        manifest = {"format": FORMAT_VERSION, "model": info.as_dict(), "chunking": {"synthetic": True}, "store": store,
                    "built": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        counts = write_structures(scratch, name, table, vectors.shape[1], manifest)  # 1M local: ~3 min, ~9 GB peak
    publish(out, scratch, name, {**manifest, **counts})
    print(f"synthetic index {out}: {size} chunks, rows {written:.0f} s, search structures "
          f"{time.perf_counter() - started - written:.0f} s, kind {counts['vector_index']}", flush=True)
    return out


def _synthetic(chunks: list[ChunkRow], vectors: np.ndarray, size: int, rng) -> Iterator[ChunkRow]:
    """`size` passages: the real ones first, then halves of two real ones joined (text, tokens and vector)."""
    for i in range(size):
        if i < len(chunks) and size >= len(chunks):
            a = b = i
        else:
            a, b = (int(x) for x in rng.integers(0, len(chunks), 2))
        ca, cb = chunks[a], chunks[b]
        if a == b:
            yield replace(ca, hash=f"s{i}")
            continue
        ta, tb = ca.tokens.split(" "), cb.tokens.split(" ")
        v = vectors[a] + vectors[b] + rng.normal(0, 0.02, vectors.shape[1])
        yield replace(ca, text=ca.text[: len(ca.text) // 2] + cb.text[len(cb.text) // 2:], hash=f"s{i}",
                      tokens=" ".join(ta[: len(ta) // 2] + tb[len(tb) // 2:]),
                      embedding=(v / np.linalg.norm(v)).astype(np.float32).tobytes())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--real", type=Path, default=Path("/tmp/idx36"))
    parser.add_argument("--store", default=LOCAL)
    args = parser.parse_args()
    build(args.size, args.out, args.real, store=args.store)
