"""Which store an index is in, and the one interface the searcher reads either through.

The local store (index/store.py: FAISS + SQLite + BM25 files) is the default; Milvus (index/milvus.py) is chosen at
build time with `--store` and recorded in the manifest, so opening the index folder follows it with no option. A
Milvus address in place of the folder (`--index http://host:19530`) serves that Milvus read-only, from any machine.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from index.milvus import MilvusLocation, MilvusReader, is_milvus
from index.store import IndexReader, StoredChunk, StoredReport, newest_intact


class Reader(Protocol):
    """What a search needs of an index: candidates by vector and by keywords (optionally within some reports), term
    rarity, the passages and reports themselves, and whether a newer generation was published."""
    index_dir: Path | None
    where: Path | str     # what open_reader was given: the folder, or the Milvus address
    manifest: dict
    reports: dict[int, StoredReport]

    @property
    def generation_name(self) -> str: ...
    @property
    def notice(self) -> str | None: ...
    def is_stale(self) -> bool: ...
    def nearest(self, vector: np.ndarray, k: int, reports: set[int] | None = None) -> list[tuple[int, float]]: ...
    def cosines(self, vector: np.ndarray, ids: list[int]) -> list[float]: ...
    def keyword_matches(self, tokens: list[str], k: int,
                        reports: set[int] | None = None) -> list[tuple[int, float]]: ...
    def idf(self, term: str) -> float: ...
    def passage_share(self, term: str) -> float: ...
    def never_mentions(self, word: str) -> bool: ...
    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]: ...
    def sentence_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]: ...
    def report_text(self, report_id: int) -> str: ...
    def passages(self) -> list[tuple[int, int, str, str]]: ...
    def close(self) -> None: ...


def index_location(text: str) -> Path | str:
    """An --index argument: a Milvus address stays text (a Path would fold its "//"), anything else is a folder."""
    return text if is_milvus(text) else Path(text)


def open_reader(where: Path | str) -> Reader:
    """The index in this folder, read from the store its newest intact manifest names; or the live index at a Milvus
    address."""
    if isinstance(where, str) and is_milvus(where):
        return MilvusReader(MilvusLocation.parse(where))
    index_dir = Path(where)
    found, _ = newest_intact(index_dir)
    store = found[1].get("store") if found else None
    if is_milvus(store):
        return MilvusReader(MilvusLocation.parse(store), index_dir)
    return IndexReader(index_dir)
