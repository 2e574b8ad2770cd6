"""Every vector-index kind: ids round-trip, filters, reconstruct, save/load, recall against exact search.

"Real-ish" vectors: sentence-like clusters (a few hundred centres, each with close neighbours),
which is how chunk embeddings of many similar reports look; plus the real embeddings of an
existing index when one is available (POLICY_SEARCH_REAL_INDEX, e.g. /tmp/idx36).
No timing assertions: speed is measured by benchmarks/, not by tests.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.store import IndexReader, live_generation
from index.vectors import (FLAT_LIMIT, KIND_FLAT, KIND_IVF, KIND_IVF_PQ, PQ_FROM, PQ_MIN_TRAIN, PQ_PROBE_FACTOR,
                           build_vector_index, choose_kind, ivf_lists, ivf_probes, reconstruct_many, search_parameters,
                           search_vectors)

DIM = 384
APPROXIMATE = [KIND_IVF, KIND_IVF_PQ]
KINDS = [KIND_FLAT, *APPROXIMATE]


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _clustered(n: int, rng: np.random.Generator, centres: int = 300, spread: float = 0.02) -> np.ndarray:
    middle = _unit(rng.normal(size=(centres, DIM)))
    return _unit(middle[rng.integers(0, centres, n)] + rng.normal(0, spread, (n, DIM)))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    vectors = _clustered(6000, rng)
    ids = rng.choice(10**9, size=len(vectors), replace=False).astype(np.int64)  # sparse, unordered, like rowids after deletes
    queries = _unit(vectors[rng.integers(0, len(vectors), 100)] + rng.normal(0, 0.02, (100, DIM)))
    return ids, vectors, queries


def _real_vectors() -> np.ndarray | None:
    root = Path(os.environ.get("POLICY_SEARCH_REAL_INDEX", "/tmp/idx36"))
    if live_generation(root) is None:
        return None
    with IndexReader(root) as index:
        return index.table.embeddings(index.vectors.d, index.vectors.ntotal) if index.vectors.ntotal else None


def _recall(index, exact, queries, k=10) -> float:
    hits = 0
    for q in queries:
        want = {i for i, _ in search_vectors(exact, q, k)}
        got = {i for i, _ in search_vectors(index, q, k)}
        hits += len(want & got)
    return hits / (k * len(queries))


def test_kind_is_chosen_by_size():
    assert choose_kind(10) == KIND_FLAT
    assert choose_kind(FLAT_LIMIT) == KIND_FLAT
    assert choose_kind(FLAT_LIMIT + 1) == KIND_IVF
    assert choose_kind(PQ_FROM - 1) == KIND_IVF and choose_kind(PQ_FROM) == KIND_IVF_PQ
    assert ivf_probes(4096, PQ_PROBE_FACTOR) == 1024  # 16·sqrt(nlist) for the 4-bit kind, by measured recall
    assert ivf_lists(1_000_000) == 4096
    assert (ivf_probes(1024), ivf_probes(4096), ivf_probes(16)) == (384, 768, 16)  # 12·sqrt(nlist), by measured recall
    assert ivf_lists(100) >= 1


@pytest.mark.parametrize("kind", KINDS)
def test_ids_round_trip_and_reconstruct(kind, data, tmp_path):
    ids, vectors, _ = data
    index, name = build_vector_index(ids, vectors, DIM, kind=kind)
    assert index.ntotal == len(ids)
    assert name.startswith(kind.split(",")[0])
    path = tmp_path / "v.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path))
    for reader in (index, loaded):
        # Each stored vector finds itself first, under its own id.
        for row in (0, 17, len(ids) - 1):
            top = search_vectors(reader, vectors[row], 3)
            assert top[0][0] == ids[row]
            assert top[0][1] == pytest.approx(1.0, abs=0.02)
        again = reconstruct_many(reader, ids[:50])
        assert np.allclose(again, vectors[:50], atol=0.002)  # exact for Flat, half precision for IVF
    assert search_parameters(loaded).__class__ is search_parameters(index).__class__
    allowed = ids[::7]
    for q in vectors[:5]:  # a filter finds the same through the loaded file (its id map and lists)
        assert search_vectors(loaded, q, 10, allowed) == search_vectors(index, q, 10, allowed)


def test_the_4bit_kind_keeps_its_search_settings_and_falls_back_when_too_small(data, tmp_path, monkeypatch):
    import index.vectors as vectors_module

    ids, vectors, _ = data
    monkeypatch.setattr(vectors_module, "PQ_PROBE_FACTOR", 4)  # fewer lists than it has
    index, name = build_vector_index(ids, vectors, DIM, kind=KIND_IVF_PQ)
    probes = ivf_probes(ivf_lists(len(ids)), 4)
    assert probes < ivf_lists(len(ids)) and f"nprobe={probes},k_factor=50" in name
    path = tmp_path / "v.faiss"
    faiss.write_index(index, str(path))
    for reader in (index, faiss.read_index(str(path))):
        params = search_parameters(reader, widen=1.5)
        scan = params.referenced_objects[0]  # base_index_params, as its own type
        assert params.k_factor == 50 and scan.nprobe == math.ceil(1.5 * probes)
    few, few_name = build_vector_index(ids[:PQ_MIN_TRAIN - 1], vectors[:PQ_MIN_TRAIN - 1], DIM, kind=KIND_IVF_PQ)
    assert few_name.startswith("IVF1,SQfp16")  # too few vectors to train 4-bit codes
    assert search_vectors(few, vectors[3], 1)[0][0] == ids[3]
    least, least_name = build_vector_index(ids[:PQ_MIN_TRAIN], vectors[:PQ_MIN_TRAIN], DIM, kind=KIND_IVF_PQ)
    assert "PQ192x4fs" in least_name and search_vectors(least, vectors[3], 1)[0][0] == ids[3]


@pytest.mark.parametrize("kind", KINDS)
def test_filter_keeps_only_allowed_ids(kind, data):
    ids, vectors, queries = data
    index, _ = build_vector_index(ids, vectors, DIM, kind=kind)
    rng = np.random.default_rng(3)
    for size in (5, 300, 4000):  # small filters are scored exactly, big ones go through the IDSelector
        allowed = rng.choice(ids, size=size, replace=False)
        allowed_set = set(allowed.tolist())
        for q in queries[:10]:
            got = search_vectors(index, q, 20, allowed_ids=allowed)
            assert got and all(i in allowed_set for i, _ in got)
            assert len(got) == min(20, size)
    assert search_vectors(index, queries[0], 10, allowed_ids=np.empty(0, dtype=np.int64)) == []


@pytest.mark.parametrize("kind", APPROXIMATE)
@pytest.mark.parametrize("rowids", ["sparse", "dense"])
def test_filtered_selector_path_matches_exact(data, monkeypatch, rowids, kind):
    """The IDSelector path of an approximate index (not only the exact fallback) finds the right ids, through a hash
    set for ids spread up to 10^9 and through a bitmap for rowids numbered about as densely as SQLite gives them."""
    import index.vectors as vectors_module

    ids, vectors, queries = data
    if rowids == "dense":
        ids = np.random.default_rng(5).permutation(len(ids)).astype(np.int64) + 1
    bitmap, selector = vectors_module._selector(ids[::3], len(ids))
    assert (bitmap is None) == (rowids == "sparse")
    low = np.sort(ids)[:50]  # a filter of the lowest ids: every id above them lies past the bitmap's end
    narrow_bitmap, narrow = vectors_module._selector(low, len(ids))
    if rowids == "dense":
        assert narrow.n == len(narrow_bitmap) == (int(low.max()) + 8) // 8  # FAISS reads n bytes; past them, garbage
    assert [narrow.is_member(int(i)) for i in np.sort(ids)[40:60]] == [True] * 10 + [False] * 10
    assert not narrow.is_member(int(ids.max())) and not narrow.is_member(8 * (int(low.max()) + 1))
    monkeypatch.setattr(vectors_module, "SMALL_FILTER", 0)
    monkeypatch.setattr(vectors_module, "PQ_PROBE_FACTOR", 4)  # fewer lists than it has, so widening counts
    index, _ = build_vector_index(ids, vectors, DIM, kind=kind)
    if kind == KIND_IVF_PQ:
        assert search_parameters(index).referenced_objects[0].nprobe < ivf_lists(len(ids))
    exact, _ = build_vector_index(ids, vectors, DIM, kind=KIND_FLAT)
    allowed = ids[::3]
    hits = total = 0
    for q in queries[:30]:
        want = {i for i, _ in search_vectors(exact, q, 10, allowed_ids=allowed)}
        got = search_vectors(index, q, 10, allowed_ids=allowed)
        assert all(i in set(allowed.tolist()) for i, _ in got)
        hits += len(want & {i for i, _ in got})
        total += len(want)
    assert hits / total >= 0.95


def test_removing_vectors_by_rebuilding(data):
    """Reports are removed by rebuilding from the chunk table: the other ids keep their vectors."""
    ids, vectors, _ = data
    keep = np.arange(len(ids)) % 4 != 0
    for kind in KINDS:
        index, _ = build_vector_index(ids[keep], vectors[keep], DIM, kind=kind)
        gone = set(ids[~keep].tolist())
        for row in np.flatnonzero(~keep)[:20]:
            assert all(i not in gone for i, _ in search_vectors(index, vectors[row], 10))


@pytest.mark.parametrize("kind", APPROXIMATE)
def test_approximate_recall_on_clustered_vectors(data, kind):
    ids, vectors, queries = data
    exact, _ = build_vector_index(ids, vectors, DIM, kind=KIND_FLAT)
    index, _ = build_vector_index(ids, vectors, DIM, kind=kind)
    assert _recall(index, exact, queries) >= 0.98


@pytest.mark.parametrize("kind", APPROXIMATE)
def test_approximate_recall_on_real_embeddings(kind):
    real = _real_vectors()
    if real is None:
        pytest.skip("no built index with real embeddings (set POLICY_SEARCH_REAL_INDEX)")
    rng = np.random.default_rng(11)
    ids = np.arange(1, len(real) + 1, dtype=np.int64)
    # Queries near real passages (a question lies close to, not on, its passage).
    queries = _unit(real[rng.integers(0, len(real), 200)] + rng.normal(0, 0.02, (200, real.shape[1])))
    exact, _ = build_vector_index(ids, real, real.shape[1], kind=KIND_FLAT)
    index, _ = build_vector_index(ids, real, real.shape[1], kind=kind)
    assert _recall(index, exact, queries) >= 0.98


def test_empty_index():
    for kind in (KIND_FLAT,):
        index, _ = build_vector_index(np.empty(0, dtype=np.int64), np.empty((0, DIM), dtype=np.float32), DIM, kind=kind)
        assert search_vectors(index, np.ones(DIM, dtype=np.float32), 10) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_mask_over_consecutive_ids_filters_as_the_ids_it_marks(kind, data):
    # IdRun hands the search a scope as a mask over consecutive ids (index/store.py, when no passage id is missing):
    # the same selector, so the same results, for the exact fallback, the bitmap, empty and full scopes.
    from index.vectors import IdRun

    _, vectors, queries = data
    first = 17
    ids = np.arange(first, first + len(vectors), dtype=np.int64)
    index, _ = build_vector_index(ids, vectors, DIM, kind=kind)
    rng = np.random.default_rng(11)
    for share in (0.0, 0.001, 0.2, 0.6, 1.0):
        mask = rng.random(len(ids)) < share
        for q in queries[:8]:
            assert search_vectors(index, q, 20, IdRun(first, mask)) == search_vectors(index, q, 20, ids[mask])
    assert IdRun(first, mask).ids().tolist() == ids[mask].tolist()
