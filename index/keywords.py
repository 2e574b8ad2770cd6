"""The BM25 keyword index over passage tokens (text/tokens.py makes the tokens): built, saved, searched.

Scoring is Lucene's BM25 (k1 = 1.5, b = 0.75), the default of bm25s, against which it is tested.
The index is a term-major sparse matrix of per-passage term scores, saved as one folder:

    params.index.json       {"format", "num_docs", "k1", "b", "method"}
    vocab.index.json        term → column
    indptr.csc.index.npy    int64, column c's postings are [indptr[c], indptr[c+1])
    indices.csc.index.npy   int32 passage rows, ascending within a column
    data.csc.index.npy      float32 scores

The file names and arrays are those bm25s saves (indexes built before this module wrote them itself still
load), but the project owns the format: nothing here depends on bm25s; the tests check our scores against it.
"""
from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75
FORMAT = "policy-search-bm25/1"
PARAMS, VOCAB = "params.index.json", "vocab.index.json"
INDPTR, INDICES, DATA = "indptr.csc.index.npy", "indices.csc.index.npy", "data.csc.index.npy"


def bm25_idf(num_docs: int, df: np.ndarray | int) -> np.ndarray | float:
    """Lucene's IDF of a term found in `df` of `num_docs` passages (for one term or an array of them)."""
    n = max(1, num_docs)
    ratio = 1 + (n - df + 0.5) / (df + 0.5)
    return np.log(ratio) if isinstance(ratio, np.ndarray) else math.log(ratio)


@dataclass(frozen=True)
class KeywordMatrix:
    """Per-passage BM25 term scores in memory, term-major (one column of postings per term), as built; searched
    once saved, through KeywordIndex."""
    vocab: dict[str, int]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    num_docs: int
    k1: float = K1
    b: float = B

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        params = {"format": FORMAT, "num_docs": self.num_docs, "k1": self.k1, "b": self.b, "method": "lucene"}
        (folder / PARAMS).write_text(json.dumps(params, indent=4), encoding="utf-8")
        (folder / VOCAB).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(folder / INDPTR, self.indptr)
        np.save(folder / INDICES, self.indices)
        np.save(folder / DATA, self.data)


def build_keyword_index(rows: Iterable[str], k1: float = K1, b: float = B) -> KeywordMatrix:
    """The matrix over space-separated token rows, one row per passage.

    Computed with numpy one row at a time in 32-bit arrays: bm25s.index wanted every row as a
    Python list of strings at once, which at a million passages alone went past 20 GB.
    """
    vocab: dict[str, int] = {}
    row_terms: list[np.ndarray] = []
    row_tfs: list[np.ndarray] = []
    lengths: list[int] = []
    for row in rows:
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in row.split(" ") if t), dtype=np.int32)
        terms, tfs = np.unique(ids, return_counts=True)
        row_terms.append(terms)
        row_tfs.append(tfs.astype(np.float32))
        lengths.append(len(ids))
    n_docs, n_vocab = len(lengths), len(vocab)
    if n_docs == 0 or n_vocab == 0:
        return KeywordMatrix(vocab, np.zeros(n_vocab + 1, dtype=np.int64), np.empty(0, dtype=np.int32),
                             np.empty(0, dtype=np.float32), n_docs, k1, b)
    doc = np.repeat(np.arange(n_docs, dtype=np.int32), [len(t) for t in row_terms])
    term = np.concatenate(row_terms)
    del row_terms
    tf = np.concatenate(row_tfs)
    del row_tfs
    df = np.bincount(term, minlength=n_vocab)
    idf = bm25_idf(n_docs, df).astype(np.float32)
    doc_len = np.asarray(lengths, dtype=np.float32)
    norm = np.float32(k1) * (np.float32(1 - b) + np.float32(b) * doc_len[doc] / np.float32(doc_len.mean()))
    data = idf[term] * tf / (tf + norm)
    del tf, norm
    order = np.argsort(term, kind="stable")  # column (term) major, documents ascending within a term
    del term
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    return KeywordMatrix(vocab, indptr, doc[order], data[order], n_docs, k1, b)


# Terms held by at least this share of the passages ("年", "政府", "建设" at a million passages) are added only to
# the passages they can still lift into the k best. At a million synthetic passages, 1,848 eval questions (a quarter
# scoped to 3 reports): the same top 100 to the last bit, 5.8 / 12.8 -> 3.7 / 7.0 ms p50 / p95; shares of 0.05-0.1
# left more candidates to look up (p95 19-21 ms), 0.5 did as 0.25.
COMMON_SHARE = 0.25
# Below this many postings of common terms pruning saves nothing (100k passages: p50 0.73 vs 0.70 ms unpruned).
PRUNE_FROM = 500_000
# Room left below the bound for float32 rounding: a passage's sum of n term scores in another order differs by at most
# about n * 2**-24 of it, so this covers questions of up to ~800 terms (questions stop at 500 characters).
ROUNDING_ROOM = 1e-4


@dataclass(frozen=True)
class _Posting:
    """One question term's postings: [start, end) of the columns, asked for `count` times."""
    count: int
    start: int
    end: int
    idf: float

    @property
    def size(self) -> int:
        return self.end - self.start


def _add(scores: np.ndarray, docs: np.ndarray, values: np.ndarray) -> None:
    # np.add.at measured 2x faster than scores[docs] += … and np.bincount here (numpy 2.4)
    np.add.at(scores, docs, values)


class KeywordIndex:
    """A saved keyword index, searched by reading only the posting lists a question needs.

    The vocabulary and column pointers are loaded; the matrix itself (2 GB at a million passages)
    stays on disk and each query reads its terms' postings with os.pread.  Memory-mapping it
    instead made every page a query had touched count as the process's own memory, and with the
    kernel mapping whole cached folios around each touched page, 157 questions left 1.7 GB
    resident for 0.4 GB of postings actually read.  Reads go through the OS page cache, so
    repeated terms cost a memory copy, not a disk seek.
    """

    def __init__(self, folder: Path, prune_from: int = PRUNE_FROM) -> None:
        params = json.loads((folder / PARAMS).read_text(encoding="utf-8"))
        # The bound pruning relies on (a term score below its IDF) holds for Lucene's BM25, not for bm25s's other
        # variants (BM25+, BM25L, ATIRE), which an index it built may have used.
        self.prune_from = prune_from if params.get("method") == "lucene" else None
        self.num_docs: int = params["num_docs"]
        self.vocab: dict[str, int] = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
        self.indptr: np.ndarray = np.load(folder / INDPTR)
        self._data = _NpyColumn(folder / DATA)
        self._indices = _NpyColumn(folder / INDICES)

    def document_frequency(self, term: str) -> int:
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def idf(self, term: str) -> float:
        """How rare the term is among the passages (a term never seen is as rare as can be)."""
        return float(bm25_idf(self.num_docs, self.document_frequency(term)))

    def passage_share(self, term: str) -> float:
        """The share of the passages holding the term."""
        return self.document_frequency(term) / max(self.num_docs, 1)

    def knows_any(self, tokens: list[str]) -> bool:
        return any(t in self.vocab for t in tokens)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every passage for the question's tokens; a repeated token counts again, as in bm25s."""
        return self._scores(self._postings(tokens))

    def top(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best (row, BM25) among the passages holding a token, best first; `allowed`: a mask over rows."""
        postings = self._postings(tokens)
        if self.prune_from is not None and sum(p.size for p in self.common(postings)) >= max(1, self.prune_from):
            found = self._top_pruned(postings, k, allowed)
            if found is not None:
                return found
        scores = self._scores(postings)
        if allowed is not None:
            scores[~allowed] = 0.0
        return [(int(r), float(scores[r])) for r in top_rows(scores, k)]

    def common(self, postings: list[_Posting]) -> list[_Posting]:
        """The postings of terms common enough to be pruned (COMMON_SHARE)."""
        return [p for p in postings if p.size >= COMMON_SHARE * self.num_docs]

    def _top_pruned(self, postings: list[_Posting], k: int,
                    allowed: np.ndarray | None) -> list[tuple[int, float]] | None:
        """The k best as a full scoring finds them, with the common terms looked up only for the passages they can
        still lift into the k best: a BM25 term score is below the term's IDF, so a passage below the rarer terms'
        k-th best by more than the common terms' IDFs together stays out. None: no such bound (too few passages hold
        a rarer term, or the common terms could lift any of them)."""
        common = {id(p) for p in self.common(postings)}
        read = {id(p): self._read(p) for p in postings if id(p) not in common}
        partial = np.zeros(self.num_docs, dtype=np.float32)
        for values in read.values():
            _add(partial, *values)
        if allowed is not None:
            partial[~allowed] = 0.0
        best = top_rows(partial, k)
        if k <= 0 or len(best) < k:
            return None
        reach = sum(p.count * p.idf for p in postings if id(p) in common)
        floor = float(partial[best[-1]])
        floor -= reach + ROUNDING_ROOM * (floor + reach)
        if floor <= 0:
            return None
        rows = np.flatnonzero(partial >= floor).astype(np.int32)  # as the postings: no int64 copy of each to search
        scores = self._candidate_scores(rows, postings, read)
        order = np.lexsort((rows, -scores))[:k]
        return [(int(rows[i]), float(scores[i])) for i in order if scores[i] > 0]

    def _candidate_scores(self, rows: np.ndarray, postings: list[_Posting],
                          read: dict[int, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """The rows' BM25 (rows ascending), summed term by term in the order _scores adds them: equal to the last bit."""
        scores = np.zeros(len(rows), dtype=np.float32)
        for p in postings:
            docs, values = read[id(p)] if id(p) in read else (self._indices.read(p.start, p.end), None)
            at = np.minimum(np.searchsorted(docs, rows), len(docs) - 1)
            held = docs[at] == rows
            if values is None:  # a common term: only the candidates' scores are read
                scores[held] += np.float32(p.count) * self._data.read(p.start, p.end)[at[held]]
            else:
                scores[held] += values[at[held]]
        return scores

    def _scores(self, postings: list[_Posting]) -> np.ndarray:
        scores = np.zeros(self.num_docs, dtype=np.float32)
        for posting in postings:
            _add(scores, *self._read(posting))
        return scores

    def _postings(self, tokens: list[str]) -> list[_Posting]:
        """The question's terms held by some passage, in the order of first mention, each with how often it is
        asked for."""
        found = []
        for term, count in Counter(t for t in tokens if t in self.vocab).items():
            tid = self.vocab[term]
            start, end = int(self.indptr[tid]), int(self.indptr[tid + 1])
            if end > start:  # an index bm25s built may list a term no passage holds (its empty token)
                found.append(_Posting(count, start, end, float(bm25_idf(self.num_docs, end - start))))
        return found

    def _read(self, posting: _Posting) -> tuple[np.ndarray, np.ndarray]:
        return (self._indices.read(posting.start, posting.end),
                np.float32(posting.count) * self._data.read(posting.start, posting.end))

    def close(self) -> None:
        self._data.close()
        self._indices.close()


_SAMPLE = 4096  # scores looked at to guess a threshold below the k-th best


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the k highest positive scores, highest first, ties by row: the same set as a full selection.

    A full np.argpartition over a million scores took 8.6 ms of the keyword stage's 13 (p50, 1M passages);
    a threshold guessed from a strided sample leaves a few hundred rows to sort. Whenever at least k scores
    reach the threshold, the k-th best does too, so nothing above it is lost; otherwise every row is sorted."""
    n = len(scores)
    rows = None
    if n > 8 * _SAMPLE and k > 0:
        step = n // _SAMPLE
        sample = np.sort(scores[::step])
        threshold = sample[max(0, len(sample) - (3 * k) // step - 8)]
        if threshold > 0:
            rows = np.flatnonzero(scores >= threshold)
            rows = rows if len(rows) >= k else None
    if rows is None:
        rows = np.flatnonzero(scores > 0)
    return rows[np.lexsort((rows, -scores[rows]))][:k]


class _NpyColumn:
    """A one-dimensional .npy file read by element ranges, thread-safely (pread carries its own offset)."""

    def __init__(self, path: Path, positioned: bool = hasattr(os, "pread")) -> None:
        self.positioned = positioned
        self._seeking = threading.Lock()
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) \
                else np.lib.format.read_array_header_2_0
            _, _, self.dtype = read_header(handle)
            self.offset = handle.tell()
        # A file object, not a bare descriptor: once closed, fileno() raises instead of letting a
        # late query read whatever file reused the descriptor number.
        self.file = open(path, "rb", buffering=0)

    def read(self, start: int, end: int) -> np.ndarray:
        size = self.dtype.itemsize
        return np.frombuffer(self._read_at(self.offset + start * size, (end - start) * size), dtype=self.dtype)

    def _read_at(self, offset: int, length: int) -> bytes:
        if self.positioned:
            return os.pread(self.file.fileno(), length, offset)
        with self._seeking:  # where there is no pread (Windows): one seek-and-read at a time
            self.file.seek(offset)
            return self.file.read(length)

    def close(self) -> None:
        self.file.close()
