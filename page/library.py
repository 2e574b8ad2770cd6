"""The report library behind the web page: corpus folder + uploaded files, one index, one searcher.

The corpus folder belongs to the user (they manage it in their file manager); the uploads
folder belongs to the page. Every change goes through build_index, which re-embeds only what
changed, and then the searcher switches to the new index generation.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from index.build import BuildOptions, BuildSummary, Progress, build_index
from index.embed import Embedder
from index.errors import SourcesMismatch, StoreError, UserError
from index.read import FOLDER_DOCS, SUPPORTED_SUFFIXES, ReadError, Report, read_report
from index.integrity import repaired_notice
from index.store import StoredReport, current_generation
from index.system import write_json_atomic
from search.retrieve import Searcher

log = logging.getLogger("policy_search.app")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
JOURNAL = ".adding.json"  # in uploads/: the files an upload is adding; only a crash leaves it behind
EARLIER = ".earlier"  # earlier versions of uploaded reports: kept, but hidden from the index (discover_reports)
_MAX_STEM_CHARS = 80
_UNSAFE = re.compile(r"[^\w\-.（）()【】《》]+")  # \w keeps CJK letters and digits


class LibraryError(UserError):
    """A change to the library that is refused (message: Chinese first, then English)."""


@dataclass(frozen=True)
class Rejected:
    name: str
    reason: str


@dataclass(frozen=True)
class Version:
    """An upload that looks like a new version of a report already uploaded (same title or same file name)."""
    new: str      # file name as stored under uploads/
    old: str      # report path of the version already in the library
    title: str


@dataclass
class AddOutcome:
    kept: list[str] = field(default_factory=list)          # file names as stored under uploads/
    rejected: list[Rejected] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)   # kept files that may replace an earlier upload
    summary: BuildSummary | None = None


def safe_name(original: str) -> str:
    """A file name that cannot escape the uploads folder and still reads well in Chinese."""
    name = unicodedata.normalize("NFC", original.replace("\\", "/").split("/")[-1]).strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("_", stem).strip("._ ")[:_MAX_STEM_CHARS] or "报告"
    suffix = _UNSAFE.sub("", suffix).lower()
    if f"{stem}.{suffix}".upper() in FOLDER_DOCS:
        stem += "_报告"  # discover_reports skips a folder's own README/SOURCES, so it would never be indexed
    return f"{stem}.{suffix}" if suffix else stem


def free_path(folder: Path, name: str) -> Path:
    """folder/name, or folder/name-2, -3 … when that is taken."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


class Library:
    """Owns the uploads folder, the index built from corpus + uploads, and the searcher over it."""

    def __init__(self, corpus: Path, uploads: Path, index_dir: Path | str, embedder: Embedder,
                 store: str | None = None) -> None:
        self.corpus = corpus
        self.read_only = isinstance(index_dir, str)  # a Milvus address: another machine builds, this page answers
        self.store = store  # None: wherever the index already is (its manifest says), local for a new one
        self.uploads = uploads
        self.index_dir = index_dir
        self.embedder = embedder
        self.searcher: Searcher | None = None
        self.repaired: str | None = None  # a start-up build replaced a damaged generation
        self.recovered: str | None = None  # a start-up build finished an upload a crash had interrupted
        self.held: str | None = None  # the start-up build left the index as it was: a folder it was built from is missing
        # Gradio runs events on worker threads; two builds at once would hit the index lock.
        self._changing = threading.Lock()
        uploads.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ building

    def sources(self) -> list[Path]:
        return [s for s in (self.corpus, self.uploads) if s.exists()]

    def build(self, progress: Progress | None = None) -> BuildSummary:
        """Bring the index in line with the folders and point the searcher at it."""
        summary = build_index(self.sources(), self.index_dir, BuildOptions(store=self.store), progress=progress,
                              embedder=self.embedder)
        self.store = None  # moved there once; later builds follow the manifest
        if summary.repaired:
            self.repaired = repaired_notice(summary.repaired)
        self._refresh()
        return summary

    def start(self, progress: Progress | None = None) -> BuildSummary:
        """The start-up build; it also finishes an upload that a crash (power cut, kill) interrupted, and says so."""
        pending = self._pending()
        try:
            summary = self.build(progress)
        except SourcesMismatch as problem:  # the page still serves the index as it is, and says why it is not updated
            self.held = str(problem)
            raise
        if pending:
            added = self._titles_of(pending)
            self.recovered = recovered_notice(added, [n for n in pending if n not in added])
            log.warning("%s", self.recovered)
        (self.uploads / JOURNAL).unlink(missing_ok=True)
        return summary

    def _pending(self) -> list[str]:
        try:
            return [str(n) for n in json.loads((self.uploads / JOURNAL).read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            return []

    def _titles_of(self, names: list[str]) -> dict[str, str]:
        """Of the uploaded file names, those now in the index, with their titles."""
        by_name = {Path(r.path).name: r.title for r in self.reports() if self.is_upload(r.path)}
        return {n: by_name[n] for n in names if n in by_name}

    def notice(self) -> str | None:
        """What the page says about the index's health: a repair at start-up, an older version being served, or an
        index left as it was."""
        served = self.searcher.index.notice if self.searcher else None
        return served or self.repaired or self.recovered or self.held

    def open_existing(self) -> None:
        """Serve whatever index is already there (used when the folders hold no reports yet)."""
        if self.read_only or current_generation(self.index_dir) is not None:
            self._refresh()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"此网页只读服务共享的 Milvus 索引，报告请在建库的机器上增删 / This page serves a shared "
                             f"Milvus index read-only; add or remove reports on the building machine ({self.index_dir})")

    def _refresh(self) -> None:
        if self.searcher is None:
            self.searcher = Searcher(self.index_dir, embedder=self.embedder)
        else:
            self.searcher.refresh()

    # ------------------------------------------------------------------ listing

    def version(self) -> str:
        """Which index generation is served: open pages compare it to see a change made in another tab."""
        try:
            self.follow()
        except StoreError:  # the server is away: the next question says so
            pass
        return self.searcher.index.generation_name if self.searcher else ""

    def follow(self) -> None:
        """A read-only page switches to what the building machine published (it never builds to learn of it)."""
        if self.read_only and self.searcher is not None:
            self.searcher.refresh()

    def reports(self) -> list[StoredReport]:
        if self.searcher is None:
            return []
        return sorted(self.searcher.index.reports.values(), key=lambda r: (-max(r.years, default=0), r.title))

    def file_of(self, report_path: str) -> Path:
        """The file a stored report came from: its path is relative to its source folder's parent."""
        return self.uploads.absolute().parent / report_path if report_path.startswith(
            f"{self.uploads.name}/") else self.corpus.absolute().parent / report_path

    def is_upload(self, report_path: str) -> bool:
        return self.file_of(report_path).resolve().is_relative_to(self.uploads.resolve())

    # ------------------------------------------------------------------ changing

    def add(self, files: Sequence[Path], progress: Progress | None = None,
            checking: Callable[[str], None] | None = None) -> AddOutcome:
        """Check each file, keep the good ones under uploads/, and index them together."""
        self._writable()
        outcome = AddOutcome()
        with self._changing:
            known = {r.sha256 for r in self.reports()}
            kept_paths: list[Path] = []
            earlier: dict[Path, StoredReport] = {}
            for path in files:
                if checking:
                    checking(path.name)
                report, problem = self._checked(path, known, progress)
                if report is None:
                    outcome.rejected.append(Rejected(path.name, problem))
                    continue
                target = free_path(self.uploads, safe_name(path.name))
                if (previous := self._earlier_version(report.title, safe_name(path.name))) is not None:
                    earlier[target] = previous
                kept_paths.append(target)
                self._note_adding(kept_paths)  # before the copy: a crash from here on is finished at restart
                _copy_whole(path, target)
                known.add(report.sha256)  # the copy's bytes are the file's
            if not kept_paths:
                return outcome
            try:
                outcome.summary = self.build(progress)
            except BaseException:
                for target in kept_paths:  # a failed build must leave the library as it was
                    target.unlink(missing_ok=True)
                raise
            finally:
                (self.uploads / JOURNAL).unlink(missing_ok=True)
            skipped = {s.path: s.reason for s in outcome.summary.skipped}
            for target in kept_paths:  # the build may still fail to read a file the check accepted
                if target.as_posix() in skipped:
                    target.unlink(missing_ok=True)
                    outcome.rejected.append(Rejected(target.name, skipped[target.as_posix()]))
                else:
                    outcome.kept.append(target.name)
                    if target in earlier:
                        outcome.versions.append(Version(target.name, earlier[target].path, earlier[target].title))
        return outcome

    def _note_adding(self, targets: list[Path]) -> None:
        write_json_atomic(self.uploads / JOURNAL, [t.name for t in targets])

    def _earlier_version(self, title: str, name: str) -> StoredReport | None:
        """An uploaded report a new file may be a new version of: the same title, or the same file name."""
        return next((r for r in self.reports() if self.is_upload(r.path)
                     and (r.title == title or self.file_of(r.path).name == name)), None)

    def retire(self, report_path: str, progress: Progress | None = None) -> Path:
        """Set an uploaded report aside as an earlier version (kept under uploads/.earlier/, no longer searched),
        once its corrected version is in the library; returns where the old file now is."""
        self._writable()
        with self._changing:
            report = next((r for r in self.reports() if r.path == report_path), None)
            if report is None:
                raise LibraryError("报告库中没有这份报告（可能已被替换或删除）/ This report is not in the library")
            if not self.is_upload(report.path):
                raise LibraryError("只能替换上传的报告；报告文件夹中的报告请在文件夹中更新。"
                                   " / Only uploaded reports can be replaced here.")
            file = self.file_of(report.path)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            (self.uploads / EARLIER).mkdir(exist_ok=True)
            kept = free_path(self.uploads / EARLIER, f"{stamp}-{file.name}")
            file.rename(kept)
            try:
                self.build(progress)
            except BaseException:
                kept.rename(file)  # a failed rebuild leaves the library as it was
                raise
            return kept

    def _checked(self, path: Path, known: set[str], progress: Progress | None = None) -> tuple[Report | None, str]:
        """The file read once (a scan's pages by OCR, reported to `progress` and cached for the build), or why it
        is refused."""
        problem = self._problem_with(path)
        if problem:
            return None, problem
        try:
            report = read_report(path, progress=progress)
        except ReadError as error:
            return None, str(error)
        except Exception as error:  # noqa: BLE001 - one unreadable file must not refuse the others of the batch
            return None, f"无法读取文件（{type(error).__name__}）/ Cannot read file ({type(error).__name__})"
        if report.sha256 in known:
            return None, "报告库中已有内容相同的文件 / The same file is already in the library"
        return report, ""

    def _problem_with(self, path: Path) -> str | None:
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            kinds = "、".join(sorted(SUPPORTED_SUFFIXES))
            return f"不支持的文件类型 {suffix or '（无扩展名）'}，可上传：{kinds} / Unsupported file type"
        try:
            size = path.stat().st_size
        except OSError:
            return "无法读取文件 / Cannot read file"
        if size > MAX_UPLOAD_BYTES:
            return f"文件太大（{size / 1024 / 1024:.0f} MB），上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB / File too large"
        return None

    def remove(self, report_path: str, progress: Progress | None = None) -> StoredReport:
        """Delete an uploaded report; corpus reports belong to the user's folder and are refused."""
        self._writable()
        with self._changing:
            report = next((r for r in self.reports() if r.path == report_path), None)
            if report is None:
                raise LibraryError("报告库中没有这份报告（可能已被删除）/ This report is not in the library")
            if not self.is_upload(report.path):
                raise LibraryError(f"这份报告来自报告文件夹 {self.corpus}，不能在网页上删除；请在文件夹中移走该文件后重新启动。"
                                   f" / This report lives in the corpus folder; remove the file there and restart.")
            if len(self.reports()) == 1:
                raise LibraryError("这是报告库中唯一的报告，删除后将无法检索；请先上传其他报告。"
                                   " / This is the only report; upload another one first.")
            file = self.file_of(report.path)
            held = file.read_bytes()  # put back if the rebuild fails, so nothing changes
            file.unlink()
            try:
                self.build(progress)
            except BaseException:
                file.write_bytes(held)
                raise
            return report


def _copy_whole(source: Path, target: Path) -> None:
    """Copy under a hidden name, then rename: a crash never leaves half a report where the index would read it."""
    partial = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def recovered_notice(added: dict[str, str], missing: list[str]) -> str:
    """What the page says after a start-up finished an interrupted upload."""
    parts = []
    if added:
        parts.append("上次上传在建立索引时中断（程序被关闭），重启时已完成：" + "、".join(f"《{t}》" for t in added.values())
                     + " 已加入检索。")
    if missing:
        parts.append("上次中断的上传中，" + "、".join(missing) + " 未能加入，请重新上传。")
    english = f"An upload interrupted by a crash was finished at restart ({len(added)} added, {len(missing)} not)."
    return "".join(parts) + " / " + english


def added_label(iso: str) -> str:
    """Stored timestamps are UTC; officials read local time."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


__all__ = ["AddOutcome", "EARLIER", "Library", "LibraryError", "MAX_UPLOAD_BYTES", "Rejected", "Version", "added_label",
           "free_path", "safe_name"]
