"""Retrieval, fusion and answers over an index built by `index`."""
