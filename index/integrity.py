"""Whether a generation's files are the ones its build wrote: a disk error, a half-copied folder or a half-restored
backup must not be served as if it were the index.

A build records each file's size and SHA-256 in the manifest (`files`). Opening checks every size and the hashes of
the files small enough to hash at once (CHEAP_HASH_BYTES); `python -m index check` hashes everything. A damaged
generation is never served: the reader falls back to the newest intact one still on disk (index/store.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.errors import StoreError
from index.system import file_sha256

MANIFEST = "manifest.json"
# Hashing runs at about 1 GB/s: the index of the 36 reports (36 MB) is checked whole at every start in 39 ms.
# Bigger files (a million passages) are checked by size at start, by hash in `check`.
CHEAP_HASH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Damage:
    generation: str   # "gen-000007"
    file: str         # path within the generation, "keywords/data.csc.index.npy"
    reason: str       # Chinese / English, one line

    def describe(self) -> str:
        return f"{self.generation}/{self.file}：{self.reason}"


class IndexDamaged(StoreError):
    """No intact generation is left: the message names the damaged file and the command that rebuilds it."""

    def __init__(self, damage: Damage, index_dir: Path) -> None:
        self.damage = damage
        super().__init__(f"索引已损坏（{damage.describe()}），也没有完好的旧版本；请运行 "
                         f"python -m index build --rebuild --index {index_dir} 重建（网页启动时会自动重建）/ "
                         f"Index damaged ({damage.file}) and no intact earlier version; rebuild it with "
                         f"`python -m index build --rebuild --index {index_dir}`")


def fallback_notice(damage: Damage, served: str, index_dir: Path) -> str:
    """What the page and the command line say while an older generation is served."""
    return (f"索引已损坏（{damage.describe()}），已使用上一版本 {served}；请运行 python -m index build --index {index_dir} "
            f"修复（网页重启时自动修复）/ Index damaged ({damage.file}); serving the earlier version {served}; "
            f"run `python -m index build --index {index_dir}` to repair")


def repaired_notice(damage: Damage) -> str:
    """What the page says after a start-up build replaced a damaged generation."""
    return (f"启动时发现索引损坏（{damage.describe()}），已根据报告文件自动修复，检索结果完整。/ "
            f"The index was damaged ({damage.file}) and has been rebuilt from the report files at start-up.")


def file_records(generation: Path) -> dict[str, dict[str, object]]:
    """Every file of a generation but its manifest: relative path → size and SHA-256."""
    return {path.relative_to(generation).as_posix(): {"size": path.stat().st_size, "sha256": file_sha256(path)}
            for path in sorted(generation.rglob("*")) if path.is_file() and path.name != MANIFEST}


def read_manifest(generation: Path) -> dict:
    """The generation's manifest; a missing or unreadable one is damage, named."""
    path = generation / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GenerationDamaged(Damage(generation.name, MANIFEST, "文件缺失 / missing")) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise GenerationDamaged(Damage(generation.name, MANIFEST, f"内容无法解析 / unreadable: {problem}")) from None
    if not isinstance(manifest, dict):
        raise GenerationDamaged(Damage(generation.name, MANIFEST, "内容不是清单 / not a manifest"))
    return manifest


class GenerationDamaged(StoreError):
    """One generation failed its check; the reader tries an older one."""

    def __init__(self, damage: Damage) -> None:
        self.damage = damage
        super().__init__(f"索引文件已损坏：{damage.describe()} / Index file damaged: {damage.file}")


def check(generation: Path, manifest: dict, full: bool) -> Damage | None:
    """The first file that is missing, of another size, or (hashed: always when `full`, else when small) of other
    bytes than the build wrote; None when all agree. A manifest from before checksums were recorded checks nothing."""
    for name, record in (manifest.get("files") or {}).items():
        path = generation / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return Damage(generation.name, name, "文件缺失 / missing")
        if size != record["size"]:
            return Damage(generation.name, name, f"大小不符（{size} 字节，应为 {record['size']}）/ "
                                                 f"size {size}, expected {record['size']}")
        if (full or size <= CHEAP_HASH_BYTES) and file_sha256(path) != record["sha256"]:
            return Damage(generation.name, name, "内容与建库时不符（校验值不同）/ contents changed (checksum differs)")
    return None


