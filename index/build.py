"""Build or update an index from report files: read → chunk → embed → store."""
from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from index.chunk import CHUNKER_VERSION, DEFAULT_OVERLAP_CHARS, DEFAULT_TARGET_CHARS, Chunk, chunk_report
from index.embed import Embedder, check_model, stored_backend
from index.errors import ModelMismatch, SourcesMismatch, StoreError
from index.model import DEFAULT_MODEL
from index.ocr import STAGE as OCR_STAGE
from index.read import READER_VERSION, ReadError, Report, discover_reports, display_path, read_report
from index.integrity import Damage
from index import milvus
from index.store import (DB, FORMAT_VERSION, LOCAL, ChunkRow, ChunkTable, build_lock, new_generation, newest_intact,
                         publish, write_search_structures)
from text.sentences import idea_sentences
from text.tokens import TOKENIZER_VERSION, KeywordTokenizer


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class BuildSummary:
    reports: int = 0          # reports in the index afterwards
    chunks: int = 0           # chunks in the index afterwards
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    embedded: int = 0         # chunks that needed the model (the rest reused stored vectors)
    embed_seconds: float = 0.0
    sentences_embedded: int = 0   # sentences embedded on their own (wording requests), the rest reused
    sentence_seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    repaired: Damage | None = None  # the current generation was damaged: this build started from an intact one

    @property
    def chunks_per_second(self) -> float:
        """Embedding throughput, model loading excluded."""
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


@dataclass(frozen=True)
class BuildOptions:
    model: str | None = None              # None: the index's own model, or the default for a new index
    target_chars: int = DEFAULT_TARGET_CHARS
    overlap_chars: int = DEFAULT_OVERLAP_CHARS
    rebuild: bool = False                 # start from scratch (needed to switch models)
    store: str | None = None              # "local", or Milvus (index/milvus.py); None: where the index already is
    workers: int = 1                      # processes embedding at once, each on its share of the CPUs


Progress = Callable[[str, int, int], None]  # (stage, done, total): "embed", "sentences", or "ocr:<file name>"
EMBED_STAGE, SENTENCE_STAGE = "embed", "sentences"


# Bumped when the sentences embedded on their own change (text.sentences.idea_sentences): every passage then gets
# new sentence vectors at the next build, its passage vector reused.
SENTENCES_VERSION = 1


def stage_label(stage: str) -> str:
    """A progress stage in words, for the terminal and the page."""
    kind, _, name = stage.partition(":")
    if kind == OCR_STAGE:
        return f"文字识别 {name} / OCR"
    return "向量化句子 / embedding sentences" if kind == SENTENCE_STAGE else "向量化段落 / embedding"


def stage_unit(stage: str) -> str:
    """What a stage counts: pages read, sentences or passages embedded."""
    kind = stage.partition(":")[0]
    return "页" if kind == OCR_STAGE else "句" if kind == SENTENCE_STAGE else "段"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read_corpus(sources: Sequence[Path], progress: Progress | None = None) -> tuple[list[Report], list[Skipped]]:
    """Every readable report under the given folders/files, and why the others were skipped; `progress` hears of
    pages read by OCR."""
    reports, skipped = [], []
    seen: dict[str, str] = {}  # stored path → the file that gave it
    for source in sources:
        files = [source] if source.is_file() else discover_reports(source)
        for path in files:
            shown = _printable(path)
            if shown != str(path):
                # A name that is not valid UTF-8 cannot be stored in SQLite or printed (UnicodeEncodeError
                # mid-build), so it is skipped with its bytes shown escaped.
                skipped.append(Skipped(shown, "文件名不是有效的 UTF-8，请重命名 / File name is not valid UTF-8; rename it"))
                continue
            if path != source and not _inside(path, source):
                # A symlink out of the corpus folder would index whatever it points at (/etc/passwd.txt ...).
                skipped.append(Skipped(shown, f"符号链接指向报告目录之外，已跳过 / Symlink points outside the corpus "
                                              f"folder; skipped ({path.resolve()})"))
                continue
            try:
                # Paths are shown relative to the folder holding the source ("corpus/x.txt"), so they do not
                # depend on the working directory and an index stays incremental wherever it is built from.
                report = read_report(path, root=_root(source), progress=progress)
                if report.path in seen:
                    # A symlink to another corpus file, or a folder given twice, names the same report again;
                    # storing it twice failed the whole build on reports.path UNIQUE.
                    skipped.append(Skipped(shown, f"与 {seen[report.path]} 是同一个文件，已跳过 / "
                                                  f"Same file as {seen[report.path]}; skipped"))
                    continue
                seen[report.path] = shown
                reports.append(report)
            except ReadError as problem:
                skipped.append(Skipped(shown, str(problem)))
            except OSError as problem:
                skipped.append(Skipped(shown, f"无法读取文件 / Cannot read file: {problem.strerror}"))
            except Exception as problem:  # noqa: BLE001 - one bad file (RecursionError, MemoryError...) must not stop the build
                skipped.append(Skipped(shown, f"无法读取文件（{type(problem).__name__}）/ Cannot read file "
                                              f"({type(problem).__name__}: {str(problem)[:200]})"))
    return reports, skipped


def _printable(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: symlink loop on older Pythons
        return False
    return True


@dataclass(frozen=True)
class Plan:
    todo: list[Report]        # new or changed reports, to be chunked and stored
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.todo or self.removed)


def build_index(sources: Sequence[Path], index_dir: Path, options: BuildOptions = BuildOptions(),
                progress: Progress | None = None, embedder: Embedder | None = None) -> BuildSummary:
    """Bring the index in line with the files: embed only new or changed chunks, drop deleted reports."""
    started = time.perf_counter()
    with build_lock(index_dir):
        live, manifest, summary_damage = _base(index_dir, options)
        store = _choose_store(manifest, options)  # a store that cannot be reached is said before minutes of reading
        reports, skipped = read_corpus(sources, progress)
        if not reports:
            reasons = "".join(f"\n  - {s.path}: {s.reason}" for s in skipped)
            raise StoreError(f"没有找到可索引的报告：{', '.join(map(str, sources))} / No readable reports found{reasons}")
        model_name = _choose_model(manifest, options)
        plan = _plan(live, manifest, reports, options)
        _keep_other_folders(index_dir, manifest, sources, reports, plan)
        summary = BuildSummary(added=plan.added, updated=plan.updated, removed=plan.removed,
                               unchanged=plan.unchanged, skipped=skipped, repaired=summary_damage)
        if plan.is_empty and live and not summary_damage and store == manifest.get("store", LOCAL):
            summary.reports, summary.chunks = manifest["reports"], manifest["chunks"]
            summary.generation = live.name
        else:
            backend = stored_backend(manifest["model"]) if manifest else None
            embedder = embedder or Embedder(model_name, backend=backend)
            check_model(embedder.info, manifest["model"] if manifest else {"name": model_name,
                                                                           "backend": embedder.info.backend})
            _write_generation(index_dir, plan, replace(options, store=store), embedder, summary, progress, live,
                              _source_names(sources))
    summary.seconds = time.perf_counter() - started
    return summary


def _base(index_dir: Path, options: BuildOptions) -> tuple[Path | None, dict | None, Damage | None]:
    """The generation a build starts from: the current one, or when it is damaged the newest intact one (None:
    from scratch), with the damage found. A rebuild starts from scratch."""
    if options.rebuild:
        return None, None, None
    found, damage = newest_intact(index_dir)
    return (*found, damage) if found else (None, None, damage)


def _plan(live: Path | None, manifest: dict | None, reports: list[Report], options: BuildOptions) -> Plan:
    stored: dict[str, str] = {}
    if live:
        with ChunkTable(live / DB, read_only=True) as table:
            stored = table.report_hashes()
    same_chunking = manifest is not None and manifest.get("chunking") == _chunking(options)
    current = {r.path for r in reports}
    todo = [r for r in reports if not (same_chunking and stored.get(r.path) == r.sha256)]
    return Plan(todo=todo,
                added=[r.path for r in todo if r.path not in stored],
                updated=[r.path for r in todo if r.path in stored],
                removed=sorted(p for p in stored if p not in current),
                unchanged=len(reports) - len(todo))


def _write_generation(index_dir: Path, plan: Plan, options: BuildOptions, embedder: Embedder,
                      summary: BuildSummary, progress: Progress | None, base: Path | None, sources: list[str]) -> None:
    scratch, name = new_generation(index_dir, base)
    with ChunkTable(scratch / DB) as table:
        _apply_plan(table, plan, options, embedder, summary, progress)
        counts = write_structures(scratch, name, table, embedder.info.dim, _manifest(embedder, options, {}))
    summary.reports, summary.chunks, summary.generation = counts["reports"], counts["chunks"], name
    publish(index_dir, scratch, name, _manifest(embedder, options, {**counts, "sources": sources}))


def _source_names(sources: Sequence[Path]) -> list[str]:
    """The folders (or files) a build reads, as the manifest records them: absolute, in one order."""
    return sorted({str(Path(s).resolve()) for s in sources})


def _keep_other_folders(index_dir: Path, manifest: dict | None, sources: Sequence[Path], reports: list[Report],
                        plan: Plan) -> None:
    """Refuse a build that would drop the reports of a folder it was not given: `app.py --index data/index` without
    the `--corpus` it was built from would otherwise empty an index that took hours to embed.

    A stored path starts as its source's does ("corpus/x.txt", "uploads/y.docx"). Reports of a folder given are dropped
    when their files are gone, as always, unless a folder of that name other than the one recorded still exists and
    most of the reports would go: ../shared/corpus served as ./corpus. A moved project's recorded folders are gone, so
    it loses only the files deleted; a report of a file given by itself goes when the file is left out."""
    if not plan.removed:
        return
    given = {_prefix(s): Path(s) for s in sources}
    recorded = {_prefix(Path(r)): Path(r) for r in (manifest or {}).get("sources") or ()}
    left_out: dict[str, list[str]] = {}
    swapped: dict[str, list[str]] = {}
    for path in plan.removed:
        prefix = _source_of(path, given)
        if prefix is None:
            if "/" in path:
                left_out.setdefault(_folder_of(path, recorded), []).append(path)
            continue
        before = recorded.get(prefix)
        if before is not None and before != given[prefix].resolve() and before.is_dir():
            swapped.setdefault(prefix, []).append(path)
    kept = Counter(_source_of(r.path, given) for r in reports)
    swapped = {prefix: paths for prefix, paths in swapped.items() if len(paths) > kept[prefix]}
    if left_out or swapped:
        raise SourcesMismatch(_refusal(index_dir, left_out, {str(recorded[p]): (given[p], paths)
                                                               for p, paths in swapped.items()}))


def _refusal(index_dir: Path, left_out: dict[str, list[str]], swapped: dict[str, tuple[Path, list[str]]]) -> str:
    going = [path for paths in left_out.values() for path in paths] + [p for _, ps in swapped.values() for p in ps]
    example = min(going)
    zh = ([f"{'、'.join(left_out)}（这次没有给出）"] if left_out else []) + [
        f"{before}（这次给的是同名的 {now}）" for before, (now, _) in swapped.items()]
    en = ([f"{', '.join(left_out)} (not given this time)"] if left_out else []) + [
        f"{before} (given this time: {now}, another folder of that name)" for before, (now, _) in swapped.items()]
    return (f"索引 {index_dir} 中有 {len(going)} 份报告（如 {example}）来自 {'、'.join(zh)}；为免误删，"
            f"索引保持原样。请给出原来的报告文件夹（网页：--corpus 与 --data；命令行：--corpus，可重复），或换一个索引目录"
            f"（--index）；确要去掉这些报告，请删除该索引目录，或用 python -m index build --rebuild 从头重建。 / The index "
            f"{index_dir} holds {len(going)} report(s) (e.g. {example}) from {'; '.join(en)}; so as not to "
            f"lose them it is left as it was. Give the original folders (the page: --corpus and --data; the CLI: "
            f"--corpus, repeatable) or another index directory (--index); to drop them, delete the index directory or "
            f"rebuild it with `python -m index build --rebuild`.")


def _root(source: Path) -> Path:
    """Where a source's reports are stored relative to: its parent, so "corpus/x.txt" reads the same from anywhere."""
    return source.absolute().parent


def _prefix(source: Path) -> str:
    """How the stored paths of a source's reports begin (the whole path, for a file given by itself)."""
    return display_path(source, _root(source))


def _source_of(report_path: str, prefixes: dict[str, Path]) -> str | None:
    """The prefix of the source a stored report path came from, among these; None: none of them."""
    return next((p for p in prefixes if report_path == p or report_path.startswith(p.rstrip("/") + "/")), None)


def _folder_of(report_path: str, recorded: dict[str, Path]) -> str:
    """The folder a report of a source not given was read from, as the manifest recorded it where it did."""
    prefix = _source_of(report_path, recorded)
    return str(recorded[prefix]) if prefix is not None else report_path.rsplit("/", 1)[0]


def write_structures(scratch: Path, name: str, table: ChunkTable, dim: int, manifest: dict) -> dict[str, object]:
    """The vectors and keywords of a finished chunk table, where the manifest's store says; the counts for the
    manifest. In Milvus the generation is also made live (its alias moves); locally `publish` does that after."""
    store = manifest.get("store", LOCAL)
    if not milvus.is_milvus(store):
        return write_search_structures(scratch, table, dim)
    # The local table stays the build's working copy; searches read Milvus once its alias moves.
    location = milvus.MilvusLocation.parse(store)
    counts = milvus.write_generation(location, name, table, dim, manifest)
    milvus.publish(location, str(counts["collection"]))
    return counts


def _choose_model(manifest: dict | None, options: BuildOptions) -> str:
    if manifest is None:
        return options.model or DEFAULT_MODEL
    stored = manifest["model"]["name"]
    if options.model and options.model != stored:
        raise ModelMismatch(
            f"索引由模型 {stored} 建立，不能用 {options.model} 更新；请加 --rebuild 或换一个索引目录 / "
            f"Index was built with {stored}, not {options.model}; use --rebuild or another index directory")
    return stored


def part_of(path: str, parts: int) -> int:
    """Which of `parts` parts (1-based) a report belongs to: by its stored path, the same on every machine."""
    return int(hashlib.sha256(path.encode("utf-8")).hexdigest()[:8], 16) % parts + 1


def build_part(sources: Sequence[Path], store: str, part: int, parts: int, options: BuildOptions = BuildOptions(),
               progress: Progress | None = None, embedder: Embedder | None = None) -> BuildSummary:
    """One machine's share of a build in parts: the reports that fall to `part`, read, chunked and embedded (vectors
    of passages an earlier build embedded are taken from the live generation) into Milvus's staging collection.
    `assemble_parts` then makes one generation of all parts."""
    started = time.perf_counter()
    location = milvus.MilvusLocation.parse(_choose_store(None, replace(options, store=store)))
    reports, skipped = read_corpus(sources, progress)
    mine = [r for r in reports if part_of(r.path, parts) == part]
    embedder = embedder or Embedder(options.model or DEFAULT_MODEL)
    chunked = [(r, chunk_report(r, options.target_chars, options.overlap_chars, embedder.count_tokens)) for r in mine]
    chunks = [c for _, cs in chunked for c in cs]
    summary = BuildSummary(added=[r.path for r in mine], skipped=skipped, generation=f"part {part}/{parts}")
    live = milvus.LiveVectors(location, sorted({text_hash(c.embed_text) for c in chunks}),
                              {} if options.rebuild else embedder.info.as_dict())
    vectors = _vectors_for(live, chunks, embedder, summary, progress, options.workers)
    sentences = _sentences_for(live, chunks, embedder, summary, progress, options.workers)
    tokenizer = KeywordTokenizer()
    milvus.stage_part(location, part, parts, embedder.info.as_dict(),
                      [(r, [_row(c, vectors, sentences, tokenizer) for c in cs]) for r, cs in chunked])
    summary.reports, summary.chunks = len(mine), len(chunks)
    summary.seconds = time.perf_counter() - started
    return summary


def assemble_parts(index_dir: Path, store: str, parts: int, options: BuildOptions = BuildOptions(),
                   embedder: Embedder | None = None) -> BuildSummary:
    """One generation of every staged part, published in one step; the staging collection is dropped after."""
    started = time.perf_counter()
    location = milvus.MilvusLocation.parse(_choose_store(None, replace(options, store=store)))
    with build_lock(index_dir):
        model, staged = milvus.staged_reports(location, parts)
        embedder = embedder or Embedder(model["name"], backend=stored_backend(model))
        check_model(embedder.info, model)
        options = replace(options, store=location.as_text())
        scratch, name = new_generation(index_dir, None)
        with ChunkTable(scratch / DB) as table:
            added = datetime.now(timezone.utc).isoformat(timespec="seconds")
            with table.transaction():
                for report, rows in staged:
                    table.add_report(report, added, rows)
            counts = write_structures(scratch, name, table, embedder.info.dim, _manifest(embedder, options, {}))
        publish(index_dir, scratch, name, _manifest(embedder, options, counts))
    milvus.drop_stage(location, parts)
    return BuildSummary(reports=int(counts["reports"]), chunks=int(counts["chunks"]), generation=name,
                        added=[r.path for r, _ in staged], seconds=time.perf_counter() - started)


def _choose_store(manifest: dict | None, options: BuildOptions) -> str:
    """The store asked for, in one spelling; else the one the index is in (local for a new index)."""
    if options.store is None:
        return (manifest or {}).get("store", LOCAL)
    if options.store == LOCAL:
        return LOCAL
    location = milvus.MilvusLocation.parse(options.store)
    with milvus.connection(location):
        return location.as_text()


def _apply_plan(table: ChunkTable, plan: Plan, options: BuildOptions, embedder: Embedder,
                summary: BuildSummary, progress: Progress | None) -> None:
    tokenizer = KeywordTokenizer()
    chunked = [(r, chunk_report(r, options.target_chars, options.overlap_chars, embedder.count_tokens))
               for r in plan.todo]
    chunks = [c for _, cs in chunked for c in cs]
    vectors = _vectors_for(table, chunks, embedder, summary, progress, options.workers)
    sentences = _sentences_for(table, chunks, embedder, summary, progress, options.workers)
    with table.transaction():  # the scratch table is all-or-nothing too
        for path in plan.removed + plan.updated:
            table.remove_report(path)
        added = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for report, chunks in chunked:
            table.add_report(report, added, [_row(c, vectors, sentences, tokenizer) for c in chunks])


def _embed(embedder: Embedder, texts: list[str], stage: str, progress: Progress | None,
           workers: int = 1) -> tuple[np.ndarray, float]:
    """The texts' vectors, with the stage's progress shown, and the seconds the model took."""
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, len(texts))

    if progress:
        progress(stage, 0, len(texts))
    started = time.perf_counter()
    vectors = embedder.passages(texts, on_progress=advance, workers=workers)
    return vectors, time.perf_counter() - started


def _vectors_for(table: ChunkTable | milvus.LiveVectors, chunks: list[Chunk], embedder: Embedder, summary: BuildSummary,
                 progress: Progress | None, workers: int = 1) -> dict[str, bytes]:
    """Vectors by chunk hash: reused from the table when the same text was embedded before."""
    hashes = {text_hash(c.embed_text): c.embed_text for c in chunks}
    known: dict[str, bytes] = {}
    for h in hashes:
        if (vector := table.vector_of(h)) is not None:
            known[h] = vector
    missing = [h for h in hashes if h not in known]
    vectors, summary.embed_seconds = _embed(embedder, [hashes[h] for h in missing], EMBED_STAGE, progress, workers)
    known.update({h: v.tobytes() for h, v in zip(missing, vectors)})
    summary.embedded = len(missing)
    return known


def _sentences_for(table: ChunkTable | milvus.LiveVectors, chunks: list[Chunk], embedder: Embedder, summary: BuildSummary,
                   progress: Progress | None, workers: int = 1) -> dict[str, bytes]:
    """Each passage's sentence vectors (float16 rows) by chunk hash, reused where the same passage had them. About
    as many characters to encode as the passages themselves: 14,000 sentences for 2,427 passages."""
    texts = {text_hash(c.embed_text): c.text for c in chunks}
    known = {h: blob for h in texts if (blob := table.sentences_of(h)) is not None}
    missing = [h for h in texts if h not in known]
    split = {h: idea_sentences(texts[h]) for h in missing}
    flat = [s for h in missing for s in split[h]]
    vectors, summary.sentence_seconds = _embed(embedder, flat, SENTENCE_STAGE, progress, workers)
    vectors = vectors.astype(np.float16)
    summary.sentences_embedded = len(flat)
    at = 0
    for h in missing:
        n = len(split[h])
        known[h] = vectors[at:at + n].tobytes() if n else b""
        at += n
    return known


def _row(chunk: Chunk, vectors: dict[str, bytes], sentences: dict[str, bytes], tokenizer: KeywordTokenizer) -> ChunkRow:
    h = text_hash(chunk.embed_text)
    return ChunkRow(chunk.section, chunk.start, chunk.end, chunk.text, chunk.section_start, chunk.section_end, h,
                    " ".join(tokenizer.tokens(chunk.embed_text)), vectors[h], sentences=sentences[h])


def _chunking(options: BuildOptions) -> dict[str, int]:
    """Everything that shapes stored chunks; a change re-chunks every report (vectors are reused by hash)."""
    return {"target_chars": options.target_chars, "overlap_chars": options.overlap_chars,
            "chunker": CHUNKER_VERSION, "tokenizer": TOKENIZER_VERSION, "reader": READER_VERSION,
            "sentences": SENTENCES_VERSION}


def _manifest(embedder: Embedder, options: BuildOptions, counts: dict[str, object]) -> dict:
    return {
        "format": FORMAT_VERSION,
        "model": embedder.info.as_dict(),
        "chunking": _chunking(options),
        "store": options.store or LOCAL,
        **counts,
        "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
