"""What the index needs from the machine: its cache folder, how many CPUs it may use, and folders that appear whole or
not at all."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

STALE_TEMP_SECONDS = 3600  # a temporary folder older than this belongs to no running process


def cache_root() -> Path:
    """The project's cache folder (restored models, OCR results): POLICY_SEARCH_CACHE, else the XDG cache."""
    if explicit := os.environ.get("POLICY_SEARCH_CACHE"):
        return Path(explicit).expanduser()
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg).expanduser() / "policy-search"
    return Path.home() / ".cache" / "policy-search"


READ_CACHE_ENV = "POLICY_SEARCH_READ_CACHE"  # another folder for what files read to (OCR pages, converted documents)


def read_cache_root() -> Path:
    """Where what slow formats read to is kept (ocr/ per page, read/ per file): READ_CACHE_ENV, else the cache
    folder."""
    explicit = os.environ.get(READ_CACHE_ENV)
    return Path(explicit).expanduser() if explicit else cache_root()


def write_json_atomic(target: Path, value: object) -> bool:
    """The JSON file whole or not at all (written beside, then renamed); False when it could not be written, which
    for a cache only costs time."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".write-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out, ensure_ascii=False)
        os.replace(temp, target)
        return True
    except OSError:
        return False


def cpu_threads() -> int:
    """CPUs this process may run on (cgroup/affinity aware where the OS tells us)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def publish_folder(target: Path, temp_prefix: str, write: Callable[[Path], None], complete_file: str) -> None:
    """Make `target` by `write`-ing a temporary sibling folder and renaming it in one step, so the folder
    appears complete or not at all, even if the process dies midway; when another process finished the
    same folder first (its `complete_file` exists), theirs is kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent, temp_prefix)
    work = Path(tempfile.mkdtemp(prefix=temp_prefix, dir=target.parent))
    try:
        write(work)
        try:
            os.rename(work, target)
        except OSError:
            if not (target / complete_file).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove_stale_temps(root: Path, prefix: str) -> None:
    """Leftovers of crashed writes; young ones may belong to one running right now."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for leftover in root.glob(f"{prefix}*"):
        try:
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
