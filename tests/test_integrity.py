"""A damaged index (disk errors, a half-copied folder, a half-restored backup) is never served as if whole: each kind
of file is damaged for real here, and the reader falls back to the previous generation, the CLI names the file, and
the next build repairs it."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from helpers import SEED_REPORT, one_error_line, run_cli, serve_app, write
from index.build import build_index
from index.integrity import IndexDamaged
from index.store import CURRENT, DB, KEYWORD_IDS, VECTORS, IndexReader, current_generation
from search.retrieve import Searcher


SECOND_REPORT = """石门镇人民政府关于2022年法治政府建设情况的报告
一、主要工作
全年开展普法宣传活动18场，调处矛盾纠纷41起，化解率100%。
二、下一步打算
继续加强执法队伍建设。
"""


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index whose first generation holds the seed report and whose current one adds a second report."""
    root = tmp_path_factory.mktemp("two-generations")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    build_index([corpus], root / "index", embedder=embedder)
    write(corpus / "shimen_2022.txt", SECOND_REPORT)
    build_index([corpus], root / "index", embedder=embedder)
    return root


def _truncate(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _overwrite(path: Path, at: float = 0.5, size: int = 512) -> None:
    """Random bytes over part of the file, its size unchanged: what a failing disk sector leaves."""
    with open(path, "r+b") as handle:
        handle.seek(int(path.stat().st_size * at))
        handle.write(os.urandom(size))


DAMAGE = {
    "truncated vectors": (VECTORS, _truncate),
    "empty table": (DB, lambda p: p.write_bytes(b"")),
    "overwritten table": (DB, _overwrite),
    "keyword matrix bytes": ("keywords/data.csc.index.npy", lambda p: _overwrite(p, 0.6, 64)),
    "damaged json": ("keywords/vocab.index.json", lambda p: p.write_text('{"a": ', encoding="utf-8")),
    "missing ids": (KEYWORD_IDS, Path.unlink),
    "damaged manifest": ("manifest.json", lambda p: p.write_text("{not json", encoding="utf-8")),
}


def _damaged_copy(source: Path, tmp_path: Path, name: str, generations: int = 2) -> tuple[Path, str]:
    index_dir = tmp_path / "index"
    shutil.copytree(source / "index", index_dir, ignore=shutil.ignore_patterns(".lock"))
    current = current_generation(index_dir)
    if generations == 1:
        for other in index_dir.glob("gen-*"):
            if other != current:
                shutil.rmtree(other)
    file, damage = DAMAGE[name]
    damage(current / file)
    return index_dir, file


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_generation_is_not_served_the_previous_one_is(two_generations: Path, tmp_path: Path,
                                                                name: str, embedder) -> None:
    index_dir, file = _damaged_copy(two_generations, tmp_path, name)
    with Searcher(index_dir, embedder=embedder) as searcher:
        assert searcher.index.generation.name == "gen-000001"
        assert searcher.index.damage.file == file and searcher.index.damage.generation == "gen-000002"
        assert "已使用上一版本 gen-000001" in searcher.index.notice and file in searcher.index.notice
        assert len(searcher.index.reports) == 1  # the earlier generation, whole
        top = searcher.search("2023年化解了多少起矛盾纠纷").hits[0]
        assert top.answer.span_text.endswith("26起")
        assert not searcher.refresh()  # serving the older generation is not a reason to reopen at every question


def test_closing_a_searcher_closes_the_generation_it_retired_too(two_generations: Path, tmp_path: Path,
                                                                  embedder) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(two_generations / "index", index_dir)
    newest = (index_dir / CURRENT).read_text(encoding="utf-8")
    (index_dir / CURRENT).write_text("gen-000001", encoding="utf-8")
    searcher = Searcher(index_dir, embedder=embedder)
    (index_dir / CURRENT).write_text(newest, encoding="utf-8")  # as a build publishing the next generation
    assert searcher.refresh()
    retired = searcher._retired.index
    assert retired.generation.name == "gen-000001" and searcher.index.generation.name == "gen-000002"
    searcher.close()
    for reader in (retired, searcher.index):
        with pytest.raises(sqlite3.ProgrammingError):  # closed: "Cannot operate on a closed database"
            reader.table.db.execute("SELECT 1")


@pytest.mark.parametrize("name", ["truncated vectors", "keyword matrix bytes", "damaged manifest"])
def test_with_no_intact_generation_the_error_names_the_file_and_the_command(two_generations: Path, tmp_path: Path,
                                                                            name: str) -> None:
    index_dir, file = _damaged_copy(two_generations, tmp_path, name, generations=1)
    with pytest.raises(IndexDamaged) as caught:
        IndexReader(index_dir)
    assert file in str(caught.value) and "python -m index build --rebuild" in str(caught.value)
    line = one_error_line(run_cli("search", "--index", str(index_dir), "化解矛盾纠纷"))
    assert "索引已损坏" in line and file in line and "Traceback" not in line


def test_the_next_build_repairs_from_the_newest_intact_generation(two_generations: Path, tmp_path: Path,
                                                                  embedder) -> None:
    index_dir, file = _damaged_copy(two_generations, tmp_path, "keyword matrix bytes")
    summary = build_index([two_generations / "corpus"], index_dir, embedder=embedder)
    assert summary.repaired is not None and summary.repaired.file == file
    assert summary.generation == "gen-000003" and summary.added == ["corpus/shimen_2022.txt"]  # onto gen-000001
    with Searcher(index_dir, embedder=embedder) as searcher:
        assert searcher.index.generation.name == "gen-000003" and searcher.index.notice is None
        assert len(searcher.index.reports) == 2


def test_a_build_with_every_generation_damaged_starts_from_scratch(two_generations: Path, tmp_path: Path,
                                                                   embedder) -> None:
    index_dir, _ = _damaged_copy(two_generations, tmp_path, "empty table", generations=1)
    summary = build_index([two_generations / "corpus"], index_dir, embedder=embedder)
    assert summary.repaired is not None and len(summary.added) == 2
    with Searcher(index_dir, embedder=embedder) as searcher:
        assert searcher.index.notice is None and len(searcher.index.reports) == 2


def test_check_and_info_tell_the_truth(two_generations: Path, tmp_path: Path) -> None:
    intact = run_cli("index", "check", "--index", str(two_generations / "index"))
    assert intact.returncode == 0 and intact.stdout.count("完好 / intact") == 2, intact.stdout + intact.stderr
    # `check` hashes every file, whatever its size (opening hashes only the small ones).
    index_dir, _ = _damaged_copy(two_generations, tmp_path, "overwritten table")
    checked = run_cli("index", "check", "--index", str(index_dir))
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "gen-000002（当前 / current） 已损坏 / damaged: chunks.sqlite" in checked.stdout
    assert "gen-000001 完好" in checked.stdout and "python -m index build" in checked.stdout
    info = run_cli("index", "info", "--index", str(index_dir))
    assert info.returncode == 0 and "当前版本已损坏" in info.stdout and "gen-000001" in info.stdout


def test_the_manifest_records_every_file_of_the_generation(two_generations: Path) -> None:
    generation = current_generation(two_generations / "index")
    files = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))["files"]
    on_disk = {p.relative_to(generation).as_posix() for p in generation.rglob("*") if p.is_file()}
    assert set(files) == on_disk - {"manifest.json"} and {DB, VECTORS, "keywords/data.csc.index.npy"} <= set(files)
    assert all(len(f["sha256"]) == 64 and f["size"] == (generation / n).stat().st_size for n, f in files.items())
    assert (two_generations / "index" / CURRENT).read_text(encoding="utf-8").strip() == generation.name


@pytest.mark.slow
def test_the_page_repairs_a_damaged_index_at_start_and_says_so(tmp_path: Path) -> None:
    import urllib.request

    with serve_app(tmp_path):
        pass  # the first start builds the index of corpus/
    generation = current_generation(tmp_path / "index")
    _overwrite(generation / "keywords/data.csc.index.npy", 0.6, 64)
    with serve_app(tmp_path) as url:
        with urllib.request.urlopen(url + "config", timeout=30) as response:
            config = response.read().decode("utf-8")
    assert "启动时发现索引损坏" in config and "data.csc.index.npy" in config  # the page's first notice
    log = (tmp_path / "app.log").read_text(encoding="utf-8", errors="replace")
    assert "已修复损坏的索引 / repaired a damaged index" in log and "Traceback" not in log
    assert current_generation(tmp_path / "index") != generation
