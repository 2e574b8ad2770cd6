"""The FAISS index over chunk vectors: which kind, how it is built and searched.

Vectors are unit length, so inner product is cosine similarity. Chunk ids are our own
(SQLite row ids), kept by an ID map so removing a report never renumbers anything.
"""
from __future__ import annotations

import faiss
import numpy as np

KIND_FLAT = "IDMap2,Flat(IP)"


def build_vector_index(ids: np.ndarray, vectors: np.ndarray, dim: int) -> tuple[faiss.Index, str]:
    """An index holding `vectors` under `ids`, and the name of its kind for the manifest."""
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if len(ids):
        index.add_with_ids(vectors.astype(np.float32, copy=False), ids.astype(np.int64, copy=False))
    return index, KIND_FLAT
