"""The FAISS index over chunk vectors: which kind, how it is built and searched.

Vectors are unit length, so inner product is cosine similarity. Chunk ids are our own
(SQLite row ids), kept by the index so removing a report never renumbers anything.

Kinds, chosen by size (see benchmarks/RESULTS.md for the measurements behind the limits):

* up to FLAT_LIMIT vectors: exact search, ``IDMap2,Flat(IP)``.  One query scans every vector
  (1.5 kB each): 3 ms at 50k on one quiet core, crossing 20 ms near 340k (near 100k under load).
* above: an inverted file with half-precision vectors, ``IVF<nlist>,SQfp16(IP)``, scanning
  12·sqrt(nlist) of its lists.  It holds ids itself and a hash-table direct map so ``reconstruct(id)``
  works; it costs 768 bytes a vector instead of 1536.  On 60k real passage embeddings: recall@10 against
  exact 0.999 in 1.5 ms.
* from PQ_FROM vectors: the same inverted file with 4-bit codes (``PQ<dim/2>x4fs``, 96 bytes a vector, kept
  beside a half-precision copy: about 870 bytes a vector in all, 100 more than the kind above),
  scanned by FAISS's fast-scan kernels over 16·sqrt(nlist) lists; the best k·REFINE_FACTOR of them are
  re-scored from half-precision copies (``Refine(SQfp16)``), and an ``IDMap2`` around the whole keeps
  our ids.  Scanning half-precision vectors was bound by the vectors read: at 1M, 768 of 4,096 lists
  took 17 ms on an Intel Xeon (7 ms on AMD EPYC); the 4-bit scan of 1,024 lists and 5,000 re-scored
  take 8 ms for recall@10 0.992 (section 12 of benchmarks/RESULTS.md, 1,848 real questions as queries).
  Also measured and not kept: HNSW32 (SQfp16, efSearch 1024: 0.979 in 5.1 ms at 1M), 16k lists
  from two-level k-means (little better than 4,096), 8-bit vectors (SQ8: recall@10 capped at 0.98 by
  their rounding alone).  ``nprobe`` and ``k_factor`` are stored in the index file, but FAISS ignores
  them when a caller passes plain ``SearchParameters`` -- so always build parameters with
  `search_parameters`.

Every kind answers `search_vectors(index, query, k, allowed_ids)`, which also handles a filter
(a bitmap of the allowed ids) and scores exactly when the filter keeps few ids, where an
approximate index would find too few of them.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import faiss
import numpy as np

from index.system import cpu_threads

KIND_FLAT = "IDMap2,Flat(IP)"
KIND_IVF = "IVF,SQfp16(IP)"       # the manifest records the full name, e.g. "IVF4096,SQfp16(IP),nprobe=768"
FLAT_LIMIT = 50_000               # exact search up to here; IVF is already as good and faster above
IVF_TRAIN_PER_LIST = 40           # training points per list (FAISS warns below 39)
IVF_MAX_TRAIN = 200_000
# Lists a query scans: 12·sqrt(nlist). Measured with 1,848 real eval questions against exact search
# (benchmarks/RESULTS.md section 12): recall@10 0.993 at 100k (384 of 1,024 lists) and 0.994 at 1M (768 of
# 4,096) on the synthetic sets; a fixed quarter of the lists gave 0.984 at 100k and cost 10.7 ms at 1M
# for 0.996, where 768 lists take 6.8 ms.
IVF_PROBE_FACTOR = 12
IVF_MIN_PROBE = 16
KIND_IVF_PQ = "IVF,PQfs,Refine(SQfp16)(IP)"  # e.g. "IVF4096,PQ192x4fs,Refine(SQfp16)(IP),nprobe=1024,k_factor=50"
# From 100k vectors the 4-bit scan is the faster kind at recall@10 >= 0.99 (1,848 real questions, Intel Xeon, one
# thread): 100k synthetic 0.995 in 2.1 ms against the half-precision scan's 0.993 in 3.0; 1M synthetic 0.993 in
# 7.2 ms against 0.994 in 17.5. Below, on 60k real embeddings, the half-precision scan is (0.999 in 1.5 ms
# against 0.998 in 1.8). Fewer lists (512 at 1M: 0.983) or fewer re-scored (25·k at 1M: 0.987) fall below 0.99.
PQ_FROM = 100_000
PQ_PROBE_FACTOR = 16
REFINE_FACTOR = 50                # k·REFINE_FACTOR codes re-scored in half precision: 5,000 for the 100 a search asks
PQ_MIN_TRAIN = 16                 # 4-bit codes: FAISS trains 16 centroids per subspace and fails on fewer vectors
# A filter keeping a share s of the ids scans 1/sqrt(s) times more lists. Whole reports of the 1M set
# kept (s = 0.03, 0.07, 0.30) gave recall@10 0.99-0.998 within the filter; scanning 1/s times more, as
# before, cost up to all 4,096 lists (135 ms) for the same recall.
SMALL_FILTER = 2_000              # filters keeping at most this many ids are scored exactly (~5 us an id)
# One query is far faster on one OpenMP thread: on a 2-vCPU machine a second thread cost 30x
# (0.8 ms -> 33 ms at 10k vectors, spin-waiting on a busy core). Builds use every core.
QUERY_THREADS = 1


@contextmanager
def omp_threads(n: int) -> Iterator[None]:
    """Run FAISS with n OpenMP threads inside the block (it is a process-wide setting)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def choose_kind(n: int) -> str:
    if n <= FLAT_LIMIT:
        return KIND_FLAT
    return KIND_IVF if n < PQ_FROM else KIND_IVF_PQ


def ivf_lists(n: int) -> int:
    """About 4·sqrt(n) lists, rounded to a power of two, never more than the training set supports."""
    wanted = 2 ** round(math.log2(max(1.0, 4 * math.sqrt(max(n, 1)))))
    return int(max(1, min(wanted, n // IVF_TRAIN_PER_LIST or 1)))


def ivf_probes(nlist: int, factor: int = IVF_PROBE_FACTOR) -> int:
    return int(min(nlist, max(IVF_MIN_PROBE, round(factor * math.sqrt(nlist)))))


def build_vector_index(ids: np.ndarray, vectors: np.ndarray, dim: int,
                       kind: str | None = None, seed: int = 1234) -> tuple[faiss.Index, str]:
    """An index holding `vectors` under `ids`, and the name of its kind for the manifest.

    `kind` forces a kind (tests, benchmarks); by default it is chosen by the number of vectors.
    """
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    kind = kind or choose_kind(len(ids))
    with omp_threads(cpu_threads()):
        return _build(ids, vectors, dim, kind, seed)


def _build(ids: np.ndarray, vectors: np.ndarray, dim: int, kind: str, seed: int) -> tuple[faiss.Index, str]:
    if kind == KIND_FLAT:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if len(ids):
            index.add_with_ids(vectors, ids)
        return index, KIND_FLAT
    if kind == KIND_IVF_PQ and len(ids) >= PQ_MIN_TRAIN:
        return _build_pq(ids, vectors, dim, seed)
    if kind == KIND_IVF_PQ:  # only when forced (tests): too few vectors to train the codes
        kind = KIND_IVF
    if kind != KIND_IVF:
        raise ValueError(f"unknown vector index kind {kind!r}")
    nlist = ivf_lists(len(ids))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                          faiss.METRIC_INNER_PRODUCT)
    index.own_fields = True
    quantizer.this.disown()  # the IVF index owns (and frees) its quantiser
    rng = np.random.default_rng(seed)
    sample = vectors if len(vectors) <= IVF_MAX_TRAIN else vectors[rng.choice(len(vectors), IVF_MAX_TRAIN, replace=False)]
    index.cp.seed = seed
    index.train(sample)
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct(id) by our own ids
    index.add_with_ids(vectors, ids)
    index.nprobe = ivf_probes(nlist)
    return index, f"IVF{nlist},SQfp16(IP),nprobe={index.nprobe}"


def _build_pq(ids: np.ndarray, vectors: np.ndarray, dim: int, seed: int) -> tuple[faiss.Index, str]:
    """4-bit PQ codes scanned by fast-scan, the best of them re-scored in half precision, under our own ids.

    The re-scoring index numbers vectors by position, so the ids live in an IDMap2 around it (which also answers
    reconstruct(id)); a filter reaches the scan through IDSelectorTranslated (see `search_parameters`)."""
    nlist = ivf_lists(len(ids))
    subspaces = dim // 2
    base = faiss.index_factory(dim, f"IVF{nlist},PQ{subspaces}x4fs", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.extract_index_ivf(base)
    ivf.cp.seed = seed
    faiss.downcast_index(base).pq.cp.seed = seed
    halves = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    refined = faiss.IndexRefine(base, halves)
    refined.own_fields = refined.own_refine_index = True  # the C++ index frees both; Python must not
    base.this.disown()
    halves.this.disown()
    refined.k_factor = REFINE_FACTOR
    rng = np.random.default_rng(seed)
    refined.train(vectors if len(vectors) <= IVF_MAX_TRAIN
                  else vectors[np.sort(rng.choice(len(vectors), IVF_MAX_TRAIN, replace=False))])
    ivf.nprobe = ivf_probes(nlist, PQ_PROBE_FACTOR)
    index = faiss.IndexIDMap2(refined)
    index.own_fields = True
    refined.this.disown()
    index.add_with_ids(vectors, ids)
    return index, f"IVF{nlist},PQ{subspaces}x4fs,Refine(SQfp16)(IP),nprobe={ivf.nprobe},k_factor={REFINE_FACTOR}"


def search_parameters(index: faiss.Index, selector: faiss.IDSelector | None = None,
                      widen: float = 1.0) -> faiss.SearchParameters:
    """Parameters of the right type for `index`, carrying its own tuned nprobe / re-scoring depth.

    `widen` multiplies the search breadth: a filter keeping a share s of the ids needs about 1/s
    more lists scanned to find as many allowed neighbours.
    """
    # Objects given to a constructor are kept alive by FAISS's Python wrappers (a field set afterwards is, only in
    # recent versions; pyproject allows faiss-cpu 1.9).
    inner = _inner(index)
    if isinstance(inner, faiss.IndexRefine):
        # IndexRefine hands the scan only base_index_params, so the filter goes there, translated: the scan sees
        # positions, the filter our ids.
        translated = None if selector is None else faiss.IDSelectorTranslated(index.id_map, selector)
        scan = faiss.SearchParametersIVF(nprobe=_probes(faiss.extract_index_ivf(inner.base_index), widen),
                                         **_filtered(translated))
        params = faiss.IndexRefineSearchParameters(k_factor=inner.k_factor, base_index_params=scan)
        params.referenced_objects = [scan, translated, selector]
        return params
    if isinstance(inner, faiss.IndexIVF):
        return faiss.SearchParametersIVF(nprobe=_probes(inner, widen), **_filtered(selector))
    return faiss.SearchParameters(**_filtered(selector))


def _filtered(selector: faiss.IDSelector | None) -> dict[str, faiss.IDSelector]:
    return {} if selector is None else {"sel": selector}


def _probes(ivf: faiss.IndexIVF, widen: float) -> int:
    return int(min(ivf.nlist, math.ceil(ivf.nprobe * widen)))


def _inner(index: faiss.Index) -> faiss.Index:
    return faiss.downcast_index(index.index) if isinstance(index, (faiss.IndexIDMap, faiss.IndexIDMap2)) else index


@dataclass(frozen=True)
class IdRun:
    """Allowed ids given as a mask over consecutive ids (first, first + 1, …): a scope of a few reports among a million
    passages turns into the search's bitmap without listing its ids (1M passages, a third of them allowed: 4.3 ms to
    list them and mark them, 1 ms from the mask)."""
    first: int
    mask: np.ndarray

    def ids(self) -> np.ndarray:
        return self.first + np.flatnonzero(self.mask)


def search_vectors(index: faiss.Index, query: np.ndarray, k: int,
                   allowed_ids: np.ndarray | IdRun | None = None) -> list[tuple[int, float]]:
    """The k best (id, cosine) for one unit query vector, optionally only among `allowed_ids`."""
    n = index.ntotal
    if n == 0 or k <= 0:
        return []
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
    with omp_threads(QUERY_THREADS):
        return _search(index, query, k, allowed_ids)


def _search(index: faiss.Index, query: np.ndarray, k: int,
            allowed: np.ndarray | IdRun | None) -> list[tuple[int, float]]:
    n = index.ntotal
    if allowed is None:
        scores, found = index.search(query, min(k, n), params=search_parameters(index))
    else:
        run = allowed if isinstance(allowed, IdRun) else None
        ids = None if run else np.ascontiguousarray(allowed, dtype=np.int64)
        size = int(np.count_nonzero(run.mask)) if run else ids.size
        if size == 0:
            return []
        if not _is_flat(index) and size <= SMALL_FILTER:
            return _exact_among(index, query[0], k, run.ids() if run else ids)
        bitmap, selector = _run_selector(run, n) if run else _selector(ids, n)
        widen = math.sqrt(n / size)
        scores, found = index.search(query, min(k, n), params=search_parameters(index, selector, widen))
        del bitmap  # the selector reads it until here
    return [(int(i), float(s)) for i, s in zip(found[0], scores[0]) if i >= 0]


def _selector(ids: np.ndarray, n: int) -> tuple[np.ndarray | None, faiss.IDSelector]:
    """A bitmap over the ids where it is small (rowids run up to about the number of vectors), else a hash set:
    building IDSelectorBatch over 280k ids took 14.5 ms and made the 1M scan twice as slow (25 vs 12 ms)."""
    top = int(ids.max()) + 1
    if not _fits_a_bitmap(top, n):
        return None, faiss.IDSelectorBatch(ids)
    member = np.zeros(top, dtype=bool)
    member[ids] = True
    return _bitmap(member)


def _run_selector(run: IdRun, n: int) -> tuple[np.ndarray | None, faiss.IDSelector]:
    """The same selector as _selector(run.ids(), n), marked from the mask."""
    if not _fits_a_bitmap(run.first + len(run.mask), n):
        return _selector(run.ids(), n)
    member = np.zeros(run.first + len(run.mask), dtype=bool)
    member[run.first:] = run.mask
    return _bitmap(member)


def _fits_a_bitmap(top: int, n: int) -> bool:
    """Ids below `top` fit a bitmap of modest size (64 bits a vector, plus 128 kB)."""
    return top <= 64 * n + (1 << 20)


def _bitmap(member: np.ndarray) -> tuple[np.ndarray, faiss.IDSelector]:
    bitmap = np.packbits(member, bitorder="little")
    return bitmap, faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))  # its size in bytes, not bits


def reconstruct_many(index: faiss.Index, ids: list[int] | np.ndarray) -> np.ndarray:
    """Stored vectors for `ids` (half precision for the IVF kind)."""
    dim = index.d
    if len(ids) == 0:
        return np.empty((0, dim), dtype=np.float32)
    return index.reconstruct_batch(np.asarray(ids, dtype=np.int64))


def _exact_among(index: faiss.Index, query: np.ndarray, k: int, ids: np.ndarray) -> list[tuple[int, float]]:
    vectors = reconstruct_many(index, ids)
    scores = vectors @ query
    top = np.argsort(-scores)[:k]
    return [(int(ids[i]), float(scores[i])) for i in top]


def _is_flat(index: faiss.Index) -> bool:
    return isinstance(_inner(index), faiss.IndexFlat)
