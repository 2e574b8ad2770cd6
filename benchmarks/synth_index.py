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

import faiss
import numpy as np

import _common  # noqa: F401  (puts the project on sys.path)
from index.embed import BACKEND_ONNX_INT8, ModelInfo
from index.store import DB, FORMAT_VERSION, connect, live_generation, new_generation, publish, write_search_structures


LEAN_FROM = 300_000  # above this, search structures are written by the lean path below


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
    global lean_vectors
    lean_vectors = np.empty((size, vectors.shape[1]), dtype=np.float32) if size >= LEAN_FROM else None
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
            if size >= LEAN_FROM:
                lean_vectors[i] = v
            if len(batch) == 50_000:
                _insert(db, batch)
                batch = []
        _insert(db, batch)
    written = time.perf_counter() - started
    if size < LEAN_FROM:
        counts = write_search_structures(scratch, db, vectors.shape[1])
    else:
        counts = _lean_structures(scratch, db, vectors.shape[1])
    db.close()
    info = ModelInfo("multilingual-e5-small", vectors.shape[1], "query: ", "passage: ", BACKEND_ONNX_INT8)
    manifest = {"format": FORMAT_VERSION, "model": info.as_dict(), "chunking": {"synthetic": True},
                "vector_index": counts["vector_index"], "reports": counts["reports"], "chunks": counts["chunks"],
                "built": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    publish(out, scratch, name, manifest)
    print(f"synthetic index {out}: {size} chunks, rows {written:.0f} s, search structures "
          f"{time.perf_counter() - started - written:.0f} s, kind {counts['vector_index']}", flush=True)
    return out


def _lean_structures(scratch: Path, db, dim: int) -> dict:
    """Same files as store.write_search_structures, but without 1M Python token lists.

    store.write_search_structures holds every passage's tokens as Python strings and hands them
    to bm25s: at 1M passages (~343 tokens each) that went past 23 GB and was OOM-killed.  Here
    tokens become int32 ids one passage at a time and the BM25 matrix (bm25s' "lucene" scoring,
    k1=1.5, b=0.75, the defaults store.py uses) is computed with numpy; the result is loaded by
    the unchanged IndexReader through bm25s.BM25.load.
    """
    import bm25s

    from index.store import KEYWORD_IDS, KEYWORDS, VECTORS
    from index.vectors import build_vector_index

    t = time.perf_counter()
    vocab: dict[str, int] = {}
    ids, offsets, flat = [], [0], []
    for cid, tokens in db.execute("SELECT id, tokens FROM chunks ORDER BY id"):
        ids.append(cid)
        row = np.fromiter((vocab.setdefault(w, len(vocab)) for w in tokens.split(" ")), dtype=np.int32)
        flat.append(row)
        offsets.append(offsets[-1] + len(row))
    terms = np.concatenate(flat)
    del flat
    lengths = np.diff(np.asarray(offsets, dtype=np.int64))
    n_docs, n_vocab = len(ids), len(vocab)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    keys = docs * n_vocab + terms
    del docs, terms
    keys.sort()
    uniq, tf = np.unique(keys, return_counts=True)
    del keys
    doc_of, term_of = (uniq // n_vocab).astype(np.int32), (uniq % n_vocab).astype(np.int32)
    del uniq
    df = np.bincount(term_of, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    avg = lengths.mean()
    k1, b = 1.5, 0.75
    tf = tf.astype(np.float32)
    data = idf[term_of] * tf / (tf + k1 * (1 - b + b * lengths[doc_of] / avg)).astype(np.float32)
    order = np.argsort(term_of, kind="stable")  # CSC: column (term) major, docs ascending inside
    data, indices = data[order].astype(np.float32), doc_of[order]
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    del order, term_of, doc_of, tf
    print(f"  bm25 matrix: {n_docs} docs, {n_vocab} terms, {len(data):,} non-zeros, {time.perf_counter() - t:.0f} s",
          flush=True)
    model = bm25s.BM25()
    model.index([["a"]], show_progress=False)  # sets every other attribute as bm25s.index would
    model.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n_docs}
    model.vocab_dict = vocab
    model.save(str(scratch / KEYWORDS), show_progress=False)
    np.save(scratch / KEYWORD_IDS, np.asarray(ids, dtype=np.int64))
    del data, indices
    t = time.perf_counter()
    index, kind = build_vector_index(np.asarray(ids, dtype=np.int64), lean_vectors, dim)
    faiss.write_index(index, str(scratch / VECTORS))
    print(f"  vector index {kind}: {time.perf_counter() - t:.0f} s", flush=True)
    reports = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    return {"reports": reports, "chunks": n_docs, "vector_index": kind}


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
