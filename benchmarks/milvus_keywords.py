"""Which keyword stage to use on Milvus, measured on every eval set (run by hand):

    .venv/bin/python benchmarks/milvus_keywords.py INDEX_DIR      # an index built with --store milvus:///…

  ours    the project's tokens (jieba words, numbers with units, bigrams) and BM25 weights stored as sparse vectors:
          what index/milvus.py ships; scores equal the local store's.
  milvus  Milvus's own BM25 function over a jieba analyzer on each passage's section + text, queried with the
          question's keyword text; built here into a side collection of the same milvus-lite file.

Everything else (vectors, fusion, rerank, answer) is the shipped search; only keyword_matches differs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _common  # noqa: F401  (puts the project on sys.path)
from index.milvus import MilvusReader
from index.store import DB, ChunkTable, live_generation
from search.eval import evaluate, load_questions
from search.query import keyword_text, parse_query
from search.retrieve import Searcher

EVAL = _common.PROJECT / "tests" / "eval"
SETS = ["questions", *[f"blind{n}" for n in ("", 2, 3, 4, 5, 6, 7, 8, 9, 10)], "wording_blind", "wording_blind2",
        "wording_blind3"]


def side_collection(reader: MilvusReader, index_dir: Path) -> str:
    """Passages' section + text in a collection whose BM25 function Milvus computes with its jieba analyzer."""
    from pymilvus import DataType, Function, FunctionType

    client, name = reader.client, reader.collection.removesuffix("_chunks") + "_jieba_bm25"
    if client.has_collection(name):
        client.load_collection(name)
        return name
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("report_id", DataType.INT64)
    schema.add_field("words", DataType.VARCHAR, max_length=65_535, enable_analyzer=True,
                     analyzer_params={"tokenizer": "jieba"})
    schema.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["words"],
                                 output_field_names=["bm25"]))
    indexes = client.prepare_index_params()
    indexes.add_index("bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                      params={"bm25_k1": 1.5, "bm25_b": 0.75})
    client.create_collection(name, schema=schema, index_params=indexes)
    with ChunkTable(live_generation(index_dir) / DB, read_only=True) as table:
        ids, _ = table.chunk_ids_and_reports()
        rows = [{"id": int(i), "report_id": r.report_id, "words": f"{r.section}\n{r.text}"}
                for i, r in zip(ids, table.chunk_rows())]
    for at in range(0, len(rows), 500):
        client.insert(name, rows[at:at + 500])
    client.flush(name)
    return name


class JiebaKeywords:
    """The shipped Milvus reader, with keyword_matches answered by Milvus's BM25 over the question's text."""

    def __init__(self, reader: MilvusReader, collection: str) -> None:
        self.reader, self.collection, self.text = reader, collection, ""

    def __getattr__(self, name: str):
        return getattr(self.reader, name)

    def keyword_matches(self, tokens: list[str], k: int, reports: set[int] | None = None) -> list[tuple[int, float]]:
        if reports is not None and not reports:
            return []
        found = self.reader.client.search(self.collection, data=[self.text], anns_field="bm25", limit=k,
                                          filter=self.reader._filter(reports), search_params={"metric_type": "BM25"},
                                          output_fields=[])
        return [(int(h["id"]), float(h["distance"])) for h in found[0] if h["distance"] > 0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    args = parser.parse_args()
    searcher = Searcher(args.index)
    ours = searcher.view
    assert isinstance(ours.index, MilvusReader), "build the index with --store milvus:///…"
    jieba = JiebaKeywords(ours.index, side_collection(ours.index, args.index))
    theirs = type(ours)(jieba, ours.places)
    search = searcher.search

    def search_with_text(question: str, *a, **kw):
        jieba.text = keyword_text(parse_query(question))
        return search(question, *a, **kw)

    print("| set | n | ours hit@1 / hit@5 / precision / coverage | milvus-jieba hit@1 / hit@5 / precision / coverage |")
    print("|---|---|---|---|")
    for name in SETS:
        path = EVAL / f"{name}.jsonl"
        questions = load_questions(path)
        cells = []
        for view in (ours, theirs):
            searcher.view = view
            searcher.search = search_with_text if view is theirs else search
            card = evaluate(searcher, questions)
            m, t = card.metrics(), card.trust()
            cells.append(f"{m['hit@1']:.3f} / {m['hit@5']:.3f} / {t['precision']:.3f} / {t['coverage']:.3f}")
        print(f"| {name} | {len(questions)} | {cells[0]} | {cells[1]} |", flush=True)
    searcher.view = ours
    return 0


if __name__ == "__main__":
    sys.exit(main())
