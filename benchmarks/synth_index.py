"""Build a big synthetic index quickly, without running the model (run by hand / from bench_query).

    .venv/bin/python benchmarks/synth_index.py --size 1000000 --out /tmp/bench-synth-1000000 [--real /tmp/idx36]

Passages recombine two real chunks of an existing index (first half of one + second half of
another, keyword tokens likewise), so BM25 sees realistic Chinese vocabulary and lengths.  Vectors
are the normalised mean of the two real chunk vectors plus a little noise: no model run, but the
clustered geometry of real embeddings rather than uniform random points.  Written with the
store's own functions (connect, write_search_structures, publish), so the reader and the vector
index kind chosen by size are exactly what a real build would produce.
"""
from __future__ import annotations

import argparse
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

import _common  # noqa: F401  (puts the project on sys.path)
from index.embed import BACKEND_ONNX_INT8, ModelInfo
from index.store import DB, FORMAT_VERSION, connect, live_generation, new_generation, publish, write_search_structures


def build(size: int, out: Path, real: Path, seed: int = 0) -> Path:
    if live_generation(out) is not None:
        return out
    source = live_generation(real)
    if source is None:
        raise SystemExit(f"no index at {real}")
    src = sqlite3.connect(f"file:{source / DB}?mode=ro", uri=True)
    reports = src.execute("SELECT id, path, title, years, body, genre, size, sha256, added, text FROM reports").fetchall()
    chunks = src.execute('SELECT report_id, section, start, "end", text, section_start, section_end, hash, tokens, '
                         "embedding FROM chunks ORDER BY id").fetchall()
    vectors = np.vstack([np.frombuffer(c[9], dtype=np.float32) for c in chunks])
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    scratch, name = new_generation(out)
    db = connect(scratch / DB)
    with db:
        db.executemany("INSERT INTO reports (id, path, title, years, body, genre, size, sha256, added, text) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?)", reports)
        batch = []
        for i in range(size):
            if i < len(chunks) and size >= len(chunks):
                a = b = i  # the real chunks themselves come first
            else:
                a, b = (int(x) for x in rng.integers(0, len(chunks), 2))
            ca, cb = chunks[a], chunks[b]
            text = ca[4] if a == b else ca[4][: len(ca[4]) // 2] + cb[4][len(cb[4]) // 2:]
            ta, tb = ca[8].split(" "), cb[8].split(" ")
            tokens = ca[8] if a == b else " ".join(ta[: len(ta) // 2] + tb[len(tb) // 2:])
            v = vectors[a] if a == b else vectors[a] + vectors[b] + rng.normal(0, 0.02, vectors.shape[1])
            v = (v / np.linalg.norm(v)).astype(np.float32)
            batch.append((ca[0], ca[1], ca[2], ca[3], text, ca[5], ca[6], f"s{i}", tokens, v.tobytes()))
            if len(batch) == 50_000:
                _insert(db, batch)
                batch = []
        _insert(db, batch)
    written = time.perf_counter() - started
    counts = write_search_structures(scratch, db, vectors.shape[1])  # 1M passages: ~3 min, ~9 GB peak
    db.close()
    info = ModelInfo("multilingual-e5-small", vectors.shape[1], "query: ", "passage: ", BACKEND_ONNX_INT8)
    manifest = {"format": FORMAT_VERSION, "model": info.as_dict(), "chunking": {"synthetic": True},
                "vector_index": counts["vector_index"], "reports": counts["reports"], "chunks": counts["chunks"],
                "built": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    publish(out, scratch, name, manifest)
    print(f"synthetic index {out}: {size} chunks, rows {written:.0f} s, search structures "
          f"{time.perf_counter() - started - written:.0f} s, kind {counts['vector_index']}", flush=True)
    return out


def _insert(db, rows) -> None:
    db.executemany('INSERT INTO chunks (report_id, section, start, "end", text, section_start, section_end, hash, '
                   "tokens, embedding) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--real", type=Path, default=Path("/tmp/idx36"))
    args = parser.parse_args()
    build(args.size, args.out, args.real)
