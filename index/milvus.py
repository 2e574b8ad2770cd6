"""The Milvus store: the same searcher's questions answered by Milvus (a milvus-lite file, a Standalone server or a
Distributed cluster, through the same pymilvus client), for when one machine is not enough.

A build still keeps its working chunk table in the local index folder (index/store.py), so rebuilding reuses vectors
by text hash as on one machine; what it publishes goes to Milvus, two collections per generation:

    <alias>_<gen>_<stamp>_chunks   one row per passage: text, section, offsets, report id, its vector, its BM25 term
                                   scores as a sparse vector, its sentence vectors (float16, base64)
    <alias>_<gen>_<stamp>_docs     reports (metadata, text in parts), keyword terms (column, document frequency) and
                                   the manifest, keyed "report:…", "text:…", "term:…", "manifest"

The alias <alias> names the live chunks collection; `alter_alias` switches it in one step, so a build killed at any
moment leaves searches answering from the previous generation. The generation before is kept for readers still
holding it; older ones (and a killed build's leftovers) are dropped at the next publish.

Keyword search uses the project's own tokens and BM25 weights (index/keywords.py) as sparse vectors, searched by inner
product: the query vector counts each question token, so a passage's score is exactly the local store's BM25.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

from index.errors import StoreError
from index.keywords import KeywordMatrix, bm25_idf, build_keyword_index
from index.read import Report
from index.store import ChunkRow, ChunkTable, StoredChunk, StoredReport
from text.tokens import bigrams

SCHEMES = ("milvus://", "http://", "https://", "tcp://")
DEFAULT_ALIAS = "policy_search"
TOKEN_ENV = "POLICY_SEARCH_MILVUS_TOKEN"  # "user:password" or an API key, for a server that asks for one
TEXT_PART = 16_000        # characters of report text per row: VARCHAR holds at most 65,535 bytes
VARCHAR_MAX = 65_535
NO_TERMS = 2**31 - 1      # a passage with no keyword tokens still needs one non-zero weight; no question asks it
BATCH = 500
CONNECT_TIMEOUT = 10.0
CONSISTENCY = "Strong"    # a reader opened right after a publish must see every row the build wrote


@dataclass(frozen=True)
class MilvusLocation:
    """Where the index lives in Milvus: the client's uri (a .db file for milvus-lite) and the alias of its live
    generation."""
    uri: str
    alias: str = DEFAULT_ALIAS

    @classmethod
    def parse(cls, text: str) -> "MilvusLocation":
        """`milvus:///abs/path/x.db`, `milvus://relative/x.db` (milvus-lite), `http://host:19530` (a server);
        `?collection=name` picks another alias than policy_search."""
        parts = urlsplit(text)
        alias = parse_qs(parts.query).get("collection", [DEFAULT_ALIAS])[0]
        if not alias.replace("_", "a").isalnum() or not alias[0].isalpha():
            raise StoreError(f"Milvus 集合名只能由字母、数字和下划线组成，且以字母开头：{alias} / "
                             f"A Milvus collection name is letters, digits and underscores, starting with a letter")
        if parts.scheme == "milvus":
            path = (parts.netloc + parts.path) if parts.netloc else parts.path
            if not path:
                raise StoreError(f"Milvus Lite 地址缺少文件路径：{text}（例如 milvus:///data/index.db）/ "
                                 f"No file path in {text} (e.g. milvus:///data/index.db)")
            return cls(str(Path(path).absolute()), alias)
        if parts.scheme in ("http", "https", "tcp") and parts.netloc:
            return cls(f"{parts.scheme}://{parts.netloc}", alias)
        raise StoreError(f"无法识别的存储地址：{text}（可用 local、milvus:///文件.db 或 http://主机:19530）/ "
                         f"Unknown store {text!r} (use local, milvus:///file.db or http://host:19530)")

    @property
    def is_lite(self) -> bool:
        return not self.uri.startswith(("http://", "https://", "tcp://"))

    def as_text(self) -> str:
        base = f"milvus://{self.uri}" if self.is_lite else self.uri
        return base if self.alias == DEFAULT_ALIAS else f"{base}?collection={self.alias}"


def is_milvus(store: str | None) -> bool:
    return bool(store) and store.startswith(SCHEMES)


# ---------------------------------------------------------------------------------------------------- connecting

_clients: dict[str, list] = {}  # uri → [client, holders]: a milvus-lite file admits one process, so one client


@contextmanager
def connection(location: MilvusLocation) -> Iterator[object]:
    """A client for the location while the block runs."""
    client = connect(location)
    try:
        yield client
    finally:
        release(location)


def connect(location: MilvusLocation):
    """A client for the location (shared within the process; `release` it), or one clear line on why not (nothing
    listening, a file another program holds)."""
    if location.uri in _clients:
        _clients[location.uri][1] += 1
        return _clients[location.uri][0]
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError:
        raise StoreError("使用 Milvus 需要安装 pymilvus：sh scripts/setup.sh milvus / "
                         "Milvus needs pymilvus: sh scripts/setup.sh milvus") from None
    if location.is_lite:
        Path(location.uri).parent.mkdir(parents=True, exist_ok=True)
    # pymilvus (and milvus-lite's in-process server) log each failure with its traceback before raising; we say what
    # failed in one line instead. The server also logs every query_iterator for a call it does not implement.
    for logger in ("pymilvus", "milvus_lite", "grpc._server"):
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    try:
        client = MilvusClient(uri=location.uri, token=os.environ.get(TOKEN_ENV, ""), timeout=CONNECT_TIMEOUT)
    except (MilvusException, OSError, RuntimeError) as problem:
        raise StoreError(_unreachable(location, problem)) from None
    _clients[location.uri] = [client, 1]
    return client


def release(location: MilvusLocation) -> None:
    """One holder fewer; the last one closes the client (and frees a milvus-lite file for other programs)."""
    held = _clients.get(location.uri)
    if held is None:
        return
    held[1] -= 1
    if held[1] <= 0:
        del _clients[location.uri]
        held[0].close()
        if location.is_lite:  # closing the client leaves milvus-lite's in-process server holding the file
            from milvus_lite.server_manager import server_manager_instance
            server_manager_instance.release_server(location.uri)


def _unreachable(location: MilvusLocation, problem: Exception) -> str:
    reason = getattr(problem, "message", None) or str(problem) or type(problem).__name__
    if location.is_lite:
        return (f"无法打开 Milvus Lite 文件 {location.uri}（同一时间只能由一个程序打开；请先关闭正在使用它的网页或建库程序）/ "
                f"Cannot open the Milvus Lite file {location.uri} (one program at a time; close the page or build "
                f"using it): {reason}")
    return (f"无法连接 Milvus 服务器 {location.uri}（请检查地址、端口和 {TOKEN_ENV}）/ "
            f"Cannot reach the Milvus server at {location.uri} (check address, port and {TOKEN_ENV}): {reason}")


@contextmanager
def _said_plainly(location: MilvusLocation) -> Iterator[None]:
    """A Milvus failure mid-operation (the server went away) as one line, not a gRPC traceback."""
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as problem:
        raise StoreError(f"Milvus 操作失败（{location.as_text()}）/ Milvus operation failed: "
                         f"{getattr(problem, 'message', problem)}") from None


# ---------------------------------------------------------------------------------------------------- writing

def _schemas(client, dim: int):
    from pymilvus import DataType

    chunks = client.create_schema(auto_id=False, enable_dynamic_field=False)
    chunks.add_field("id", DataType.INT64, is_primary=True)
    chunks.add_field("report_id", DataType.INT64)
    for name in ("start", "end", "section_start", "section_end"):
        chunks.add_field(name, DataType.INT64)
    for name in ("section", "text", "sentences"):
        chunks.add_field(name, DataType.VARCHAR, max_length=VARCHAR_MAX)
    chunks.add_field("hash", DataType.VARCHAR, max_length=64)
    chunks.add_field("embedding", DataType.FLOAT_VECTOR, dim=dim)
    chunks.add_field("keywords", DataType.SPARSE_FLOAT_VECTOR)
    chunk_indexes = client.prepare_index_params()
    chunk_indexes.add_index("embedding", index_type="AUTOINDEX", metric_type="IP")
    chunk_indexes.add_index("keywords", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    chunk_indexes.add_index("report_id", index_type="INVERTED")

    docs = client.create_schema(auto_id=False, enable_dynamic_field=False)
    docs.add_field("key", DataType.VARCHAR, is_primary=True, max_length=1024)
    docs.add_field("number", DataType.INT64)
    docs.add_field("value", DataType.VARCHAR, max_length=VARCHAR_MAX)
    docs.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in every collection
    doc_indexes = client.prepare_index_params()
    doc_indexes.add_index("unused", index_type="FLAT", metric_type="L2")
    return (chunks, chunk_indexes), (docs, doc_indexes)


def write_generation(location: MilvusLocation, generation: str, table: ChunkTable, dim: int,
                     manifest: dict) -> dict[str, object]:
    """Upload one generation from its chunk table into new collections (not yet live); the counts for the
    manifest. `publish` then makes it live."""
    name = f"{location.alias}_{generation.replace('-', '_')}_{time.time_ns() // 1_000_000:x}"
    keywords = build_keyword_index(table.token_rows())
    with connection(location) as client, _said_plainly(location):
        (chunks_schema, chunk_indexes), (docs_schema, doc_indexes) = _schemas(client, dim)
        for suffix, schema, indexes in (("chunks", chunks_schema, chunk_indexes), ("docs", docs_schema, doc_indexes)):
            client.create_collection(f"{name}_{suffix}", schema=schema, index_params=indexes,
                                     consistency_level=CONSISTENCY)
        chunk_count = _insert(client, f"{name}_chunks", _chunk_rows(table, keywords))
        reports = table.reports()
        counts = {"reports": len(reports), "chunks": chunk_count,
                  "vector_index": f"milvus:AUTOINDEX(IP) on {location.as_text()}", "collection": name}
        _insert(client, f"{name}_docs", _doc_rows(table, reports, keywords, {**manifest, **counts}))
        client.flush(f"{name}_chunks")
        client.flush(f"{name}_docs")
    return counts


def _chunk_rows(table: ChunkTable, keywords: KeywordMatrix) -> Iterator[dict]:
    ids, _ = table.chunk_ids_and_reports()
    scores = _passage_terms(keywords)
    for row_number, (cid, row) in enumerate(zip(ids, table.chunk_rows())):
        terms, weights = scores(row_number)
        sentences = base64.b64encode(row.sentences or b"").decode("ascii")
        yield {"id": int(cid), "report_id": row.report_id, "start": row.start, "end": row.end,
               "section_start": row.section_start, "section_end": row.section_end, "section": row.section,
               "text": row.text, "sentences": sentences if len(sentences) <= VARCHAR_MAX else "",
               "hash": row.hash, "embedding": np.frombuffer(row.embedding, dtype=np.float32).tolist(),
               "keywords": dict(zip(terms.tolist(), weights.tolist())) or {NO_TERMS: 1e-30}}


def _passage_terms(keywords: KeywordMatrix):
    """Row-major access to the term-major BM25 matrix: passage n → (term columns, scores)."""
    terms = np.repeat(np.arange(len(keywords.indptr) - 1, dtype=np.int64), np.diff(keywords.indptr))
    order = np.argsort(keywords.indices, kind="stable")
    starts = np.searchsorted(keywords.indices[order], np.arange(keywords.num_docs + 1))
    by_row_terms, by_row_data = terms[order], keywords.data[order]
    return lambda n: (by_row_terms[starts[n]:starts[n + 1]], by_row_data[starts[n]:starts[n + 1]])


def _doc_rows(table: ChunkTable, reports: dict[int, StoredReport], keywords: KeywordMatrix,
              manifest: dict) -> Iterator[dict]:
    def row(key: str, value: str = "", number: int = 0) -> dict:
        return {"key": key, "number": number, "value": value, "unused": [0.0, 0.0]}

    yield row("manifest", json.dumps(manifest, ensure_ascii=False), keywords.num_docs)
    for rid, report in reports.items():
        yield row(f"report:{rid}", json.dumps(asdict(report), ensure_ascii=False), rid)
        text = table.report_text(rid)
        for part in range(0, max(len(text), 1), TEXT_PART):
            yield row(f"text:{rid}:{part // TEXT_PART:05d}", text[part:part + TEXT_PART], rid)
    df = np.diff(keywords.indptr)
    for term, column in keywords.vocab.items():
        yield row(f"term:{term}", str(column), int(df[column]))


def _insert(client, collection: str, rows: Iterator[dict]) -> int:
    batch: list[dict] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            client.insert(collection, batch)
            count, batch = count + len(batch), []
    if batch:
        client.insert(collection, batch)
    return count + len(batch)


def publish(location: MilvusLocation, collection: str) -> None:
    """Point the alias at the new generation's chunks in one step; drop all but it and the one it replaced."""
    chunks = f"{collection}_chunks"
    with connection(location) as client, _said_plainly(location):
        previous = _live_collection(client, location)
        if previous is None:
            client.create_alias(chunks, location.alias)
        else:
            client.alter_alias(chunks, location.alias)
        # Only this alias's generations stamped before the one just replaced: never the live or previous one, nor a
        # build still writing (stamped later), nor another alias that merely starts with this one's name.
        live = _live_collection(client, location)
        floor = min(_stamp(location, c) or 0 for c in (previous or chunks, live or chunks))
        for name in client.list_collections():
            stamp = _stamp(location, name)
            if stamp is not None and stamp < floor:
                client.drop_collection(name)


def _stamp(location: MilvusLocation, name: str) -> int | None:
    """When a generation's collection was made (milliseconds), if the name is one of this alias's generations."""
    found = re.fullmatch(rf"{re.escape(location.alias)}_gen_\d+_([0-9a-f]+)_(?:chunks|docs)", name)
    return int(found.group(1), 16) if found else None


def _live_collection(client, location: MilvusLocation) -> str | None:
    if location.alias not in client.list_aliases().get("aliases", []):
        return None  # asked first: describe_alias of a missing alias logs an error traceback of its own
    return client.describe_alias(location.alias).get("collection_name") or None


def _docs_of(chunks: str) -> str:
    return chunks.removesuffix("_chunks") + "_docs"


def _quoted(values: Sequence[str]) -> str:
    """A filter's list of string literals (JSON escapes are Milvus's too)."""
    return "[" + ",".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def _id_list(values) -> str:
    return "[" + ",".join(str(int(v)) for v in values) + "]"


# ---------------------------------------------------------------------------------------------------- reading

class MilvusReader:
    """The live generation in Milvus, answering what IndexReader answers (the searcher cannot tell them apart)."""

    notice = None  # Milvus keeps its own replicas; there is no older local generation to fall back to

    def __init__(self, location: MilvusLocation, index_dir: Path | None = None) -> None:
        self.location = location
        self.index_dir = index_dir
        self.client = connect(location)
        try:
            self._open()
        except BaseException:
            release(location)
            raise
        self.num_docs = int(self.manifest["chunks"])
        self._terms: dict[str, tuple[int, int] | None] = {}  # term → (column, df); None: no passage has it

    def _open(self) -> None:
        location = self.location
        with _said_plainly(location):
            self.collection = _live_collection(self.client, location)
            if self.collection is None:
                raise StoreError(f"Milvus 中没有已发布的索引：{location.as_text()}（请先运行 python -m index build --store "
                                 f"{location.as_text()}）/ No published index in Milvus at {location.as_text()}")
            self.docs = _docs_of(self.collection)
            for name in (self.collection, self.docs):
                self.client.load_collection(name)  # a no-op where loaded; a server releases nothing by itself
            found = self._doc_values(["manifest"]).get("manifest")
            if found is None:
                raise StoreError(f"Milvus 中的索引不完整（缺少清单）：{self.collection}，请重新建库 / The index in Milvus "
                                 f"has no manifest ({self.collection}); build it again")
            self.manifest = json.loads(found[0])
            self.reports = {int(r["id"]): _report(r) for r in
                            (json.loads(v) for v, _ in self._rows_with_prefix("report:"))}

    @property
    def where(self) -> Path | str:
        return self.index_dir if self.index_dir is not None else self.location.as_text()

    @property
    def generation_name(self) -> str:
        return self.collection

    def is_stale(self) -> bool:
        with _said_plainly(self.location):
            return _live_collection(self.client, self.location) != self.collection

    # -- rows

    def _doc_values(self, keys: Sequence[str]) -> dict[str, tuple[str, int]]:
        rows = self.client.query(self.docs, filter=f"key in {_quoted(keys)}", output_fields=["value", "number"])
        return {r["key"]: (r["value"], int(r["number"])) for r in rows}

    def _rows_with_prefix(self, prefix: str) -> list[tuple[str, int]]:
        """Every docs row whose key starts so, in key order (a report's text parts are numbered to sort)."""
        rows = _all_rows(self.client, self.docs, f"key like {json.dumps(prefix + '%')}", ["key", "value", "number"])
        return [(r["value"], int(r["number"])) for r in sorted(rows, key=lambda r: r["key"])]

    def report_text(self, report_id: int) -> str:
        with _said_plainly(self.location):
            return "".join(v for v, _ in self._rows_with_prefix(f"text:{int(report_id)}:"))

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        if not ids:
            return {}
        rows = self._by_id(ids, ["report_id", "section", "start", "end", "text", "section_start", "section_end", "hash"])
        return {int(r["id"]): StoredChunk(int(r["id"]), self.reports[int(r["report_id"])], r["section"], int(r["start"]),
                                          int(r["end"]), r["text"], int(r["section_start"]), int(r["section_end"]),
                                          r["hash"]) for r in rows}

    def sentence_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        if not ids:
            return {}
        dim = int(self.manifest["model"]["dim"])
        rows = self._by_id(ids, ["sentences"])
        return {int(r["id"]): np.frombuffer(base64.b64decode(r["sentences"]), dtype=np.float16).reshape(-1, dim)
                .astype(np.float32) for r in rows if r["sentences"]}

    def passages(self) -> list[tuple[int, int, str, str]]:
        """(id, report id, section, text) of every passage, in id order."""
        with _said_plainly(self.location):
            rows = _all_rows(self.client, self.collection, "id >= 0", ["report_id", "section", "text"])
        return sorted((int(r["id"]), int(r["report_id"]), r["section"], r["text"]) for r in rows)

    def _by_id(self, ids: Sequence[int], fields: list[str]) -> list[dict]:
        with _said_plainly(self.location):
            return self.client.query(self.collection, filter=f"id in {_id_list(ids)}", output_fields=fields)

    # -- candidates

    def _filter(self, reports: set[int] | None) -> str:
        return "" if reports is None else f"report_id in {_id_list(sorted(reports))}"

    def nearest(self, vector: np.ndarray, k: int, reports: set[int] | None = None) -> list[tuple[int, float]]:
        if reports is not None and not reports:
            return []
        with _said_plainly(self.location):
            found = self.client.search(self.collection, data=[np.asarray(vector, dtype=np.float32).tolist()],
                                       anns_field="embedding", limit=k, filter=self._filter(reports),
                                       search_params={"metric_type": "IP"}, output_fields=[])
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def cosines(self, vector: np.ndarray, ids: list[int]) -> list[float]:
        if not ids:
            return []
        rows = self._by_id(ids, ["embedding"])
        stored = {int(r["id"]): np.asarray(r["embedding"], dtype=np.float32) for r in rows}
        return [float(stored[int(i)] @ vector) for i in ids]

    def keyword_matches(self, tokens: list[str], k: int, reports: set[int] | None = None) -> list[tuple[int, float]]:
        known = self._known_terms(tokens)
        query = {known[t][0]: float(n) for t, n in Counter(t for t in tokens if known.get(t)).items()}
        if not query or (reports is not None and not reports):
            return []
        with _said_plainly(self.location):
            found = self.client.search(self.collection, data=[query], anns_field="keywords", limit=k,
                                       filter=self._filter(reports), search_params={"metric_type": "IP"},
                                       output_fields=[])
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0] if hit["distance"] > 0]

    def _known_terms(self, terms: Sequence[str]) -> dict[str, tuple[int, int] | None]:
        missing = [t for t in dict.fromkeys(terms) if t not in self._terms]
        if missing:
            with _said_plainly(self.location):
                found = self._doc_values([f"term:{t}" for t in missing])
            for term in missing:
                value = found.get(f"term:{term}")
                self._terms[term] = (int(value[0]), value[1]) if value else None
        return {t: self._terms[t] for t in terms}

    def idf(self, term: str) -> float:
        return float(bm25_idf(self.num_docs, self._frequency(term)))

    def passage_share(self, term: str) -> float:
        return self._frequency(term) / max(self.num_docs, 1)

    def _frequency(self, term: str) -> int:
        """The number of passages holding the term."""
        known = self._known_terms([term])[term]
        return known[1] if known else 0

    def never_mentions(self, word: str) -> bool:
        pairs = bigrams(word)
        known = self._known_terms(pairs)
        return any(known[p] is None for p in pairs)

    def close(self) -> None:
        if self.client is not None:
            self.client = None
            release(self.location)

    def __enter__(self) -> "MilvusReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _report(fields: dict) -> StoredReport:
    return StoredReport(**{**fields, "years": tuple(fields["years"]), "pages": tuple(fields["pages"]),
                           "ocr_pages": tuple(fields["ocr_pages"])})


# ---------------------------------------------------------------------------------------------------- parts

# Several machines each embed a part of the files into one staging collection; one of them then assembles the parts
# into a generation and publishes it (index/build.py: build_part, assemble_parts).

def _stage_name(location: MilvusLocation, parts: int) -> str:
    return f"{location.alias}_stage_of_{parts}"


def _stage_schema(client, dim: int):
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=1024)
    schema.add_field("part", DataType.INT64)
    schema.add_field("value", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_field("sentences", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=dim)
    indexes = client.prepare_index_params()
    indexes.add_index("embedding", index_type="FLAT", metric_type="IP")
    return schema, indexes


def stage_part(location: MilvusLocation, part: int, parts: int, model: dict,
               reports: Sequence[tuple[Report, Sequence[ChunkRow]]]) -> None:
    """Replace this part's rows in the staging collection, then mark the part done (a part killed midway is not)."""
    name = _stage_name(location, parts)
    with connection(location) as client, _said_plainly(location):
        dim = int(model["dim"])
        if not client.has_collection(name):
            schema, indexes = _stage_schema(client, dim)
            client.create_collection(name, schema=schema, index_params=indexes, consistency_level=CONSISTENCY)
        client.load_collection(name)
        client.delete(name, filter=f"part == {int(part)}")
        _insert(client, name, _staged_rows(part, dim, reports))
        _insert(client, name, iter([_stage_row(f"done:{part}", part, json.dumps(model), dim)]))
        client.flush(name)


def _stage_row(key: str, part: int, value: str, dim: int, embedding: list[float] | None = None,
               sentences: str = "") -> dict:
    return {"key": key, "part": part, "value": value, "sentences": sentences, "embedding": embedding or [0.0] * dim}


def _staged_rows(part: int, dim: int, reports: Sequence[tuple[Report, Sequence[ChunkRow]]]) -> Iterator[dict]:
    """Keyed by part and position ("chunk:2:000013:000004"), so any path fits; the path is in the report's value."""
    for r, (report, rows) in enumerate(reports):
        at = f"{part}:{r:06d}"
        fields = {k: v for k, v in asdict(report).items() if k not in ("text", "heading_hints")}
        yield _stage_row(f"report:{at}", part, json.dumps(fields, ensure_ascii=False), dim)
        for start in range(0, max(len(report.text), 1), TEXT_PART):
            yield _stage_row(f"text:{at}:{start // TEXT_PART:06d}", part, report.text[start:start + TEXT_PART], dim)
        for n, row in enumerate(rows):
            fields = {k: v for k, v in asdict(row).items() if k not in ("embedding", "sentences", "report_id")}
            sentences = base64.b64encode(row.sentences or b"").decode("ascii")
            yield _stage_row(f"chunk:{at}:{n:06d}", part, json.dumps(fields, ensure_ascii=False), dim,
                             np.frombuffer(row.embedding, dtype=np.float32).tolist(),
                             sentences if len(sentences) <= VARCHAR_MAX else "")


def staged_reports(location: MilvusLocation, parts: int) -> tuple[dict, list[tuple[Report, list[ChunkRow]]]]:
    """The model the parts were embedded with, and every part's reports with their passages, once every part is done
    with the same model; else one line naming the missing parts or the models."""
    name = _stage_name(location, parts)
    with connection(location) as client, _said_plainly(location):
        if not client.has_collection(name):
            raise StoreError(f"没有分部分建库的结果（共 {parts} 部分）/ No parts staged for a build in {parts} parts")
        client.load_collection(name)
        rows = _all_rows(client, name, "part >= 0", ["key", "value", "sentences", "embedding"])
    done = {int(r["key"].split(":")[1]): r["value"] for r in rows if r["key"].startswith("done:")}
    if missing := sorted(set(range(1, parts + 1)) - set(done)):
        raise StoreError(f"第 {'、'.join(map(str, missing))} 部分尚未完成，不能合并 / Part(s) {missing} not finished; "
                         f"cannot assemble")
    if len(set(done.values())) > 1:
        raise StoreError("各部分用了不同的模型，请用同一个模型重建各部分 / The parts were embedded with different models; "
                         "rebuild them with one")
    by_key = sorted(rows, key=lambda r: [int(x) if x.isdigit() else x for x in r["key"].split(":")])
    texts: dict[str, list[str]] = {}
    chunks: dict[str, list[ChunkRow]] = {}
    for row in by_key:
        kind, part, report_at, *_ = row["key"].split(":") + [""]
        at = f"{part}:{report_at}"
        if kind == "text":
            texts.setdefault(at, []).append(row["value"])
        elif kind == "chunk":
            chunks.setdefault(at, []).append(ChunkRow(
                **json.loads(row["value"]), embedding=np.asarray(row["embedding"], dtype=np.float32).tobytes(),
                sentences=base64.b64decode(row["sentences"]) or None))
    out = []
    for row in by_key:
        kind, part, report_at, *_ = row["key"].split(":") + [""]
        if kind == "report":
            at = f"{part}:{report_at}"
            fields = json.loads(row["value"])
            report = Report(**{**fields, "years": tuple(fields["years"]), "pages": tuple(fields["pages"]),
                               "ocr_pages": tuple(fields["ocr_pages"]), "text": "".join(texts.get(at, []))})
            out.append((report, chunks.get(at, [])))
    return json.loads(next(iter(done.values()))), out


def drop_stage(location: MilvusLocation, parts: int) -> None:
    with connection(location) as client, _said_plainly(location):
        client.drop_collection(_stage_name(location, parts))


def _all_rows(client, collection: str, filter: str, fields: list[str]) -> list[dict]:
    iterator = client.query_iterator(collection, batch_size=1000, filter=filter, output_fields=fields)
    rows: list[dict] = []
    while batch := iterator.next():
        rows += batch
    iterator.close()
    return rows


class LiveVectors:
    """The live generation's passage and sentence vectors by text hash, fetched in one pass, so a part build on any
    machine embeds only what no earlier build did (as ChunkTable.vector_of / sentences_of do on one machine)."""

    def __init__(self, location: MilvusLocation, hashes: Sequence[str], model: dict) -> None:
        self.vectors: dict[str, bytes] = {}
        self.sentences: dict[str, bytes] = {}
        with connection(location) as client, _said_plainly(location):
            live = _live_collection(client, location)
            if live is None:
                return
            client.load_collection(live)
            client.load_collection(_docs_of(live))
            found = client.query(_docs_of(live), filter='key in ["manifest"]', output_fields=["value"])
            if not found or json.loads(found[0]["value"]).get("model") != model:
                return  # another model's vectors are no use: everything is embedded afresh
            for at in range(0, len(hashes), 500):
                for row in client.query(live, filter=f"hash in {_quoted(hashes[at:at + 500])}",
                                        output_fields=["hash", "embedding", "sentences"]):
                    self.vectors[row["hash"]] = np.asarray(row["embedding"], dtype=np.float32).tobytes()
                    if row["sentences"]:
                        self.sentences[row["hash"]] = base64.b64decode(row["sentences"])

    def vector_of(self, text_hash: str) -> bytes | None:
        return self.vectors.get(text_hash)

    def sentences_of(self, text_hash: str) -> bytes | None:
        return self.sentences.get(text_hash)
