"""The on-disk index: SQLite chunk table + FAISS vectors + BM25 keywords + a manifest.

Layout of an index directory:

    CURRENT              name of the live generation, replaced atomically
    gen-000007/          one complete, immutable generation
        manifest.json    format version, model, chunking, counts, each file's size and SHA-256
        chunks.sqlite    reports and chunks (text, breadcrumb, offsets, tokens, vectors)
        vectors.faiss    inner-product index over unit vectors, keyed by chunk id
        keywords/        BM25 index (index/keywords.py); keyword_ids.npy maps its rows to chunk ids
        chunk_reports.npy  each of those chunks' report id (filters become array masks)
    .lock                held while a build writes

A build writes a new generation beside the live one and only then points CURRENT at it, so
a crash at any moment leaves the previous index whole, and readers never see half of one. A generation damaged
later (index/integrity.py) is not served: the reader opens the newest intact one, and the next build starts from it.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from urllib.parse import quote

import faiss
import numpy as np
from filelock import FileLock, Timeout

from index.errors import ModelMismatch, StoreError
from index.integrity import (MANIFEST, Damage, GenerationDamaged, IndexDamaged, check, fallback_notice, file_records,
                             read_manifest)
from index.keywords import KeywordIndex, build_keyword_index
from index.read import Report, page_of
from index.vectors import IdRun, build_vector_index, reconstruct_many, search_vectors
from text.tokens import bigrams

__all__ = ["ChunkRow", "ChunkTable", "IndexLocked", "IndexReader", "ModelMismatch", "StoreError", "StoredChunk",
           "StoredReport"]

FORMAT_VERSION = 1
LOCAL = "local"  # the manifest's "store" for this module's files; Milvus is index/milvus.py
CURRENT = "CURRENT"
DB = "chunks.sqlite"
VECTORS = "vectors.faiss"
KEYWORDS = "keywords"
KEYWORD_IDS = "keyword_ids.npy"
CHUNK_REPORTS = "chunk_reports.npy"
GENERATIONS_KEPT = 2  # the live one and its predecessor, which a running reader may still hold

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL, years TEXT NOT NULL, body TEXT NOT NULL, genre TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, added TEXT NOT NULL, text TEXT NOT NULL,
    pages TEXT NOT NULL DEFAULT '[]', ocr_pages TEXT NOT NULL DEFAULT '[]', date TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    section TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    section_start INTEGER NOT NULL, section_end INTEGER NOT NULL,
    hash TEXT NOT NULL, tokens TEXT NOT NULL, embedding BLOB NOT NULL, sentences BLOB
);
CREATE INDEX IF NOT EXISTS chunks_hash ON chunks(hash);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks(report_id);
"""


class IndexLocked(StoreError):
    pass


@dataclass(frozen=True)
class StoredReport:
    id: int
    path: str
    title: str
    years: tuple[int, ...]
    body: str
    genre: str
    size: int
    sha256: str
    added: str
    chunks: int
    pages: tuple[int, ...] = ()      # where each page starts in the text (paged formats); () without pages
    ocr_pages: tuple[int, ...] = ()  # pages (1-based) whose text OCR read
    date: str = ""                   # signing or meeting date, ISO; "" when unknown


@dataclass(frozen=True)
class StoredChunk:
    id: int
    report: StoredReport
    section: str
    start: int
    end: int
    text: str
    section_start: int
    section_end: int
    hash: str

    @property
    def pages(self) -> tuple[int, int] | None:
        """The first and last page (1-based) the passage spans; None for a report without pages."""
        first = page_of(self.report.pages, self.start)
        return None if first is None else (first, page_of(self.report.pages, max(self.start, self.end - 1)))

    @property
    def ocr(self) -> bool:
        """Some of the passage was read by OCR, so a character may be misread."""
        span = self.pages
        return span is not None and any(span[0] <= p <= span[1] for p in self.report.ocr_pages)


@dataclass(frozen=True)
class ChunkRow:
    """A passage as the table stores it: the chunk, its text hash, keyword tokens and vector."""
    section: str
    start: int
    end: int
    text: str
    section_start: int
    section_end: int
    hash: str
    tokens: str          # space-separated keyword tokens
    embedding: bytes     # float32 unit vector
    report_id: int = 0   # set by the table when the report is added
    sentences: bytes | None = None  # float16 unit vectors of its sentences, one row each (index.embed.idea_sentences)


_REPORT_COLUMNS = "path, title, years, body, genre, size, sha256, added, text, pages, ocr_pages, date"
# Columns added since the first format, with their defaults: a table of an older build gains them when written to.
_ADDED_REPORT_COLUMNS = {"pages": "TEXT NOT NULL DEFAULT '[]'", "ocr_pages": "TEXT NOT NULL DEFAULT '[]'",
                         "date": "TEXT NOT NULL DEFAULT ''"}
_CHUNK_COLUMNS = 'section, start, "end", text, section_start, section_end, hash, tokens, embedding, report_id, sentences'
_ADDED_CHUNK_COLUMNS = {"sentences": "BLOB"}


class ChunkTable:
    """The SQLite table of one generation's reports and passages; every SQL statement of the project is here.

    A build writes the scratch generation's table; readers open the live one read-only.
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self._known: dict[str, frozenset[str]] = {}
        if read_only:
            self.db = sqlite3.connect(_read_only_uri(path), uri=True, check_same_thread=False)
        else:
            self.db = sqlite3.connect(path, check_same_thread=False)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.executescript(SCHEMA)
            self._add_missing_columns()
        self._known.clear()  # the columns each table has, read once (a reader's never change)

    def _add_missing_columns(self) -> None:
        for table, added in (("reports", _ADDED_REPORT_COLUMNS), ("chunks", _ADDED_CHUNK_COLUMNS)):
            present = self._columns(table)
            for column, kind in added.items():
                if column not in present:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def _columns(self, table: str) -> frozenset[str]:
        if table not in self._known:
            self._known[table] = frozenset(row[1] for row in self.db.execute(f"PRAGMA table_info({table})"))
        return self._known[table]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ChunkTable":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing (a build's scratch table)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: the changes inside are committed together or not at all."""
        with self.db:
            yield

    def add_report(self, report: Report, added: str, rows: Sequence[ChunkRow]) -> int:
        rid = self.db.execute(
            f"INSERT INTO reports ({_REPORT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (report.path, report.title, json.dumps(list(report.years)), report.body, report.genre, report.size,
             report.sha256, added, report.text, json.dumps(list(report.pages)),
             json.dumps(list(report.ocr_pages)), report.date)).lastrowid
        self.add_chunks([replace(row, report_id=rid) for row in rows])
        return rid

    def add_chunks(self, rows: Iterable[ChunkRow]) -> None:
        self.db.executemany(f"INSERT INTO chunks ({_CHUNK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (astuple(row) for row in rows))

    def remove_report(self, path: str) -> None:
        """The report and (by cascade) its passages."""
        self.db.execute("DELETE FROM reports WHERE path = ?", (path,))

    def copy_reports(self, rows: Iterable[tuple]) -> None:
        """Report rows as `report_rows` gives them, ids kept (for benchmark indexes built from a real one)."""
        self.db.executemany(f"INSERT INTO reports (id, {_REPORT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    # ------------------------------------------------------------------ reading

    def report_hashes(self) -> dict[str, str]:
        """path → sha256 of every stored report (what a build compares the files with)."""
        return dict(self.db.execute("SELECT path, sha256 FROM reports"))

    def vector_of(self, text_hash: str) -> bytes | None:
        """A stored vector of a passage with this text hash, to reuse instead of embedding it again."""
        row = self.db.execute("SELECT embedding FROM chunks WHERE hash = ? LIMIT 1", (text_hash,)).fetchone()
        return row[0] if row else None

    def sentences_of(self, text_hash: str) -> bytes | None:
        """The stored sentence vectors of a passage with this text hash, to reuse; None where none were stored."""
        row = self.db.execute("SELECT sentences FROM chunks WHERE hash = ? AND sentences IS NOT NULL LIMIT 1",
                              (text_hash,)).fetchone()
        return row[0] if row else None

    def sentence_blobs(self, ids: Sequence[int]) -> dict[int, bytes]:
        """The sentence vectors (float16 blobs) of these passages; none for an index built before they were kept."""
        if not ids or "sentences" not in self._columns("chunks"):
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, sentences FROM chunks WHERE id IN ({marks}) AND sentences IS NOT NULL",
                               [int(i) for i in ids])
        return dict(rows)

    def report_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]

    def report_rows(self) -> list[tuple]:
        return self.db.execute(f"SELECT id, {_REPORT_COLUMNS} FROM reports").fetchall()

    def reports(self) -> dict[int, StoredReport]:
        # An index built before a column was added reads its default.
        present = self._columns("reports")
        later = ", ".join(c if c in present else kind.split("DEFAULT ")[1] for c, kind in _ADDED_REPORT_COLUMNS.items())
        rows = self.db.execute(
            f"SELECT r.id, path, title, years, body, genre, size, sha256, added, COUNT(c.id), {later} "
            "FROM reports r LEFT JOIN chunks c ON c.report_id = r.id GROUP BY r.id ORDER BY path")
        return {row[0]: StoredReport(row[0], row[1], row[2], tuple(json.loads(row[3])), *row[4:10],
                                     tuple(json.loads(row[10])), tuple(json.loads(row[11])), row[12]) for row in rows}

    def report_text(self, report_id: int) -> str:
        return self.db.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()[0]

    def chunk_ids_and_reports(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage id in id order, and each one's report id."""
        rows = np.fromiter(self.db.execute("SELECT id, report_id FROM chunks ORDER BY id"),
                           dtype=[("id", np.int64), ("report", np.int64)])
        return rows["id"].copy(), rows["report"].copy()

    def chunk_rows(self) -> Iterator[ChunkRow]:
        """Every passage whole, in id order."""
        for row in self.db.execute(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY id"):
            yield ChunkRow(*row)

    def embeddings(self, dim: int, count: int) -> np.ndarray:
        """The `count` stored vectors in passage id order, as one float32 matrix."""
        matrix = np.empty((count, dim), dtype=np.float32)
        for row, (blob,) in enumerate(self.db.execute("SELECT embedding FROM chunks ORDER BY id")):
            matrix[row] = np.frombuffer(blob, dtype=np.float32)
        return matrix

    def token_rows(self) -> Iterator[str]:
        """Each passage's keyword tokens (space-separated), in passage id order."""
        return (tokens for (tokens,) in self.db.execute("SELECT tokens FROM chunks ORDER BY id"))

    def passages(self) -> list[tuple[int, int, str, str]]:
        """(id, report id, section, text) of every passage, in id order."""
        return self.db.execute("SELECT id, report_id, section, text FROM chunks ORDER BY id").fetchall()

    def chunks(self, ids: Sequence[int], reports: dict[int, StoredReport]) -> dict[int, StoredChunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f'SELECT id, report_id, section, start, "end", text, section_start, section_end, hash '
            f"FROM chunks WHERE id IN ({marks})", [int(i) for i in ids])
        return {r[0]: StoredChunk(r[0], reports[r[1]], *r[2:]) for r in rows}


@contextmanager
def _damage_named(generation: Path, name: str) -> Iterator[None]:
    """A file that fails to load (a truncated FAISS file, a 0-byte or overwritten SQLite file, a damaged array) is
    damage of that file, named, whatever the library's own error says."""
    try:
        yield
    except (sqlite3.DatabaseError, RuntimeError, ValueError, EOFError, OSError, KeyError) as problem:
        raise GenerationDamaged(Damage(generation.name, name, f"无法读取 / unreadable: {problem}")) from None


def _read_only_uri(db_path: Path) -> str:
    """SQLite URI opening db_path read-only; the path is percent-encoded, since an index folder named with
    '#', '?' or '%' (legal on disk) otherwise opens the wrong file."""
    return "file:" + quote(str(Path(db_path).resolve())) + "?mode=ro"


def live_generation(index_dir: Path) -> Path | None:
    gen = current_generation(index_dir)
    return gen if gen is not None and (gen / MANIFEST).is_file() else None


def current_generation(index_dir: Path) -> Path | None:
    """The generation CURRENT names, whether or not it is whole; None before the first build."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return index_dir / name if name.startswith("gen-") else None


def generations(index_dir: Path) -> list[Path]:
    """The current generation, then the older ones on disk, newest first."""
    current = current_generation(index_dir)
    if current is None:
        return []
    older = sorted((p for p in index_dir.glob("gen-*") if p.is_dir() and not p.name.endswith(".tmp")
                    and _number(p.name) < _number(current.name)), key=lambda p: -_number(p.name))
    return [current, *older]


def newest_intact(index_dir: Path) -> tuple[tuple[Path, dict] | None, Damage | None]:
    """The newest generation whose cheap check passes, as (folder, manifest), and the damage of any newer one."""
    damage = None
    for found in intact_generations(index_dir):
        if not isinstance(found, Damage):
            return found, damage
        damage = damage or found
    return None, damage


def intact_generations(index_dir: Path) -> Iterator[tuple[Path, dict] | Damage]:
    """The current generation, then the older ones newest first: each as (folder, manifest) when its cheap check
    passes (index/integrity.py), else as the Damage found."""
    for generation in generations(index_dir):
        try:
            manifest = read_manifest(generation)
        except GenerationDamaged as problem:
            yield problem.damage
            continue
        damage = check(generation, manifest, full=False)
        yield damage or (generation, manifest)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index; a second build gets a clear message instead of a corrupt index."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / ".lock", timeout=0)  # flock on POSIX, msvcrt on Windows; freed when the process dies
    try:
        lock.acquire()
    except Timeout:
        raise IndexLocked(f"另一个建库任务正在写这个索引：{index_dir} / Another build is writing this index") from None
    try:
        yield
    finally:
        lock.release()


def new_generation(index_dir: Path, base: Path | None) -> tuple[Path, str]:
    """A fresh scratch directory for the next generation, seeded with the chunk table of `base` (the live
    generation, or the newest intact one when the live one is damaged; None: an empty table)."""
    current = current_generation(index_dir)
    number = max(_number(current.name), 0) + 1 if current else 1
    name = f"gen-{number:06d}"
    for leftover in index_dir.glob("gen-*.tmp"):  # from a crashed build; we hold the lock, so none is live
        shutil.rmtree(leftover, ignore_errors=True)
    for orphan in index_dir.glob("gen-*"):
        # A build killed between renaming its scratch dir to gen-N and replacing CURRENT leaves a complete but
        # unpublished gen-N (or, on a first build, gen-000001 and no CURRENT). No reader ever opened it, and the
        # os.replace in publish() cannot overwrite a non-empty directory, so every later build used to fail.
        if orphan.is_dir() and not orphan.name.endswith(".tmp") and _number(orphan.name) >= number:
            shutil.rmtree(orphan, ignore_errors=True)
    scratch = index_dir / f"{name}.tmp"
    scratch.mkdir(parents=True)
    if base:
        shutil.copyfile(base / DB, scratch / DB)
    return scratch, name


def _number(name: str) -> int:
    try:
        return int(name.split("-")[1])
    except (IndexError, ValueError):
        return -1


def write_search_structures(scratch: Path, table: ChunkTable, dim: int) -> dict[str, int]:
    """Vectors and keywords are derived from the chunk table, so they are rebuilt whole."""
    ids, report_ids = table.chunk_ids_and_reports()
    matrix = table.embeddings(dim, len(ids))
    index, kind = build_vector_index(ids, matrix, dim)
    faiss.write_index(index, str(scratch / VECTORS))
    del matrix, index
    build_keyword_index(table.token_rows()).save(scratch / KEYWORDS)
    np.save(scratch / KEYWORD_IDS, ids)
    np.save(scratch / CHUNK_REPORTS, report_ids)
    return {"reports": table.report_count(), "chunks": len(ids), "vector_index": kind}


def publish(index_dir: Path, scratch: Path, name: str, manifest: dict) -> Path:
    """Make a finished scratch generation live; everything before the final rename is invisible."""
    manifest = {**manifest, "files": file_records(scratch)}
    (scratch / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_tree(scratch)
    final = index_dir / name
    os.replace(scratch, final)
    tmp_pointer = index_dir / f"{CURRENT}.tmp"
    with open(tmp_pointer, "w", encoding="utf-8") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp_pointer, index_dir / CURRENT)
    _fsync_dir(index_dir)
    _drop_old_generations(index_dir, keep=GENERATIONS_KEPT)
    return final


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for path in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder as a file; NTFS journals the rename itself
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _drop_old_generations(index_dir: Path, keep: int) -> None:
    gens = sorted(p for p in index_dir.glob("gen-*") if p.is_dir() and not p.name.endswith(".tmp"))
    for old in gens[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


class IndexReader:
    """A read-only view of one generation that answers the searcher's questions: the nearest passages to a
    vector, the best keyword matches, how rare a term is, and the passages and reports themselves.

    Vectors are in memory; passages (SQLite) and keyword postings are read per query.
    """

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.current = current_generation(index_dir)
        self.damage: Damage | None = None  # what was wrong with the current generation, when an older one is served
        for found in intact_generations(index_dir):
            if isinstance(found, Damage):
                self.damage = self.damage or found
                continue
            try:
                self._open(*found)
                return
            except GenerationDamaged as problem:
                self.damage = self.damage or problem.damage
        if self.damage:
            raise IndexDamaged(self.damage, index_dir)
        raise StoreError(f"找不到索引：{index_dir}（请先运行 python -m index build）/ "
                         f"No index at {index_dir} (run `python -m index build` first)")

    def _open(self, generation: Path, manifest: dict) -> None:
        if manifest.get("format") != FORMAT_VERSION:
            raise StoreError(f"索引格式版本不符，请重建：{self.index_dir} / Index format changed; rebuild it")
        self.generation, self.manifest = generation, manifest
        with _damage_named(generation, DB):
            self.table = ChunkTable(generation / DB, read_only=True)
            self.reports = self.table.reports()
        try:
            with _damage_named(generation, VECTORS):
                self.vectors = faiss.read_index(str(generation / VECTORS))
            with _damage_named(generation, KEYWORDS):
                self.keywords = KeywordIndex(generation / KEYWORDS)
            with _damage_named(generation, KEYWORD_IDS):
                self.keyword_ids = np.load(generation / KEYWORD_IDS)
            with _damage_named(generation, CHUNK_REPORTS):
                self.chunk_report_ids = self._load_chunk_reports()
            self._report_id_end = int(self.chunk_report_ids.max()) + 1 if len(self.chunk_report_ids) else 0
            # Passage ids ascend with the rows; with no gap (no passage removed since the ids were given) a scope's
            # mask over rows is one over ids too.
            ids = self.keyword_ids
            self._first_id = int(ids[0]) if len(ids) and int(ids[-1]) - int(ids[0]) + 1 == len(ids) else None
        except GenerationDamaged:
            self.table.close()
            raise

    @property
    def where(self) -> Path:
        return self.index_dir

    @property
    def generation_name(self) -> str:
        """Names the generation served, across index folders (a cache key, and what open pages compare)."""
        return str(self.generation)

    @property
    def notice(self) -> str | None:
        """Said wherever results are shown while the current generation is damaged and an older one is served."""
        return fallback_notice(self.damage, self.generation.name, self.index_dir) if self.damage else None

    def is_stale(self) -> bool:
        """True once a newer generation has been published (a reader should then reopen)."""
        return current_generation(self.index_dir) != self.current

    def _load_chunk_reports(self) -> np.ndarray:
        """Each chunk's report id, in chunk id order: aligned with keyword_ids, so filters are array masks."""
        saved = self.generation / CHUNK_REPORTS
        if saved.exists():  # reading 1M ids from SQLite took ~1 s of the start-up
            return np.load(saved)
        return self.table.chunk_ids_and_reports()[1]  # an index built before the file existed

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        return self.table.chunks(ids, self.reports)

    def sentence_vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """Each passage's sentence vectors (rows, float32), where the build kept them."""
        dim = int(self.manifest["model"]["dim"])
        return {i: np.frombuffer(blob, dtype=np.float16).reshape(-1, dim).astype(np.float32)
                for i, blob in self.table.sentence_blobs(ids).items()}

    def report_text(self, report_id: int) -> str:
        return self.table.report_text(report_id)

    def passages(self) -> list[tuple[int, int, str, str]]:
        """(id, report id, section, text) of every passage, in id order."""
        return self.table.passages()

    # ------------------------------------------------------------------ candidates

    def nearest(self, vector: np.ndarray, k: int, reports: set[int] | None = None) -> list[tuple[int, float]]:
        """The k passages (id, cosine) nearest the vector, optionally only those of the given reports."""
        if reports is None:
            return search_vectors(self.vectors, vector, k)
        mask = self._mask(reports)
        return search_vectors(self.vectors, vector, k,
                              IdRun(self._first_id, mask) if self._first_id is not None else self.keyword_ids[mask])

    def cosines(self, vector: np.ndarray, ids: list[int]) -> list[float]:
        """The vector's cosine with each of these passages."""
        if not ids:
            return []
        return [float(x) for x in reconstruct_many(self.vectors, ids) @ vector]

    def keyword_matches(self, tokens: list[str], k: int, reports: set[int] | None = None) -> list[tuple[int, float]]:
        """The k passages (id, BM25) that best match the tokens, optionally only those of the given reports."""
        if not len(self.keyword_ids) or not self.keywords.knows_any(tokens):
            return []  # no scoring pass over every passage for a question of unknown words
        allowed = None if reports is None else self._mask(reports)
        return [(int(self.keyword_ids[row]), score) for row, score in self.keywords.top(tokens, k, allowed)]

    def idf(self, term: str) -> float:
        """How rare a keyword term is among the passages (BM25's IDF)."""
        return self.keywords.idf(term)

    def passage_share(self, term: str) -> float:
        return self.keywords.passage_share(term)

    def never_mentions(self, word: str) -> bool:
        """No passage holds the word: some pair of its characters is in none (every pair is a keyword token)."""
        return any(self.keywords.document_frequency(pair) == 0 for pair in bigrams(word))

    def _mask(self, reports: set[int]) -> np.ndarray:
        """Over passages in id order (the keyword index's row order): which belong to one of the reports."""
        # A table over report ids (SQLite row ids) read once per passage: np.isin compared every passage with each
        # report in turn (5 ms at 1M passages for a scope of a few reports). A report past the table has no passages.
        table = np.zeros(self._report_id_end, dtype=bool)
        table[[r for r in reports if 0 <= r < len(table)]] = True
        return table[self.chunk_report_ids]

    def close(self) -> None:
        self.table.close()
        self.keywords.close()

    def __enter__(self) -> "IndexReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
