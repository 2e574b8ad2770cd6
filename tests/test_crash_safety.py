"""Crash safety: builds killed with SIGKILL at random moments never leave a mixed index; one writer at a time;
readers keep answering from their generation until they refresh. Real model, real FAISS/BM25, real processes.

Kills land on real build processes in two ways:
  * `python -m index build` (cold: imports, model loading, then the build), a few trials;
  * most trials on a process forked from a "warm" helper that loaded the model once, so the random delay is
    spread over read → chunk → embed → write → publish instead of mostly over model loading (~9 s).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import pytest

from index.build import build_index
from index.read import read_report
from index.store import CURRENT, DB, IndexReader, live_generation
from search.retrieve import Searcher

from helpers import PROJECT, SEED_REPORT

pytestmark = pytest.mark.slow

QUESTION = "光伏发电站装机容量是多少"
# With the cold trials, the 20 the issue asks for under POLICY_SEARCH_SLOW_TESTS=1 (by hand, before a change to the
# build's publishing lands); 10 in CI, where the 20 took 88-161 s of its 30 minutes.
WARM_TRIALS = 18 if os.environ.get("POLICY_SEARCH_SLOW_TESTS") else 8
COLD_TRIALS = 2
WAIT = 600  # seconds; only a safety net against hangs, never an assertion about speed

QINGSHAN = """江口市青山区人民政府关于2019年法治政府建设情况的报告

一、主要工作和成效
（一）深化法治宣传教育
全年组织法治宣传教育活动四十五场，发放普法资料一万二千份，群众法治意识明显增强。
（二）规范行政执法
推行行政执法公示制度，全年办理行政处罚案件三百一十件。
"""

SHIMEN = """白河县石门镇人民政府2021年工作报告

一、过去一年的工作
石门镇建成了全县第一座光伏发电站，装机容量达到两千千瓦，年发电量三百万度，收益用于村集体经济。
二、今年的工作安排
全镇计划新修农村公路十五公里，改造危旧桥梁四座。
"""

_TOPICS = ["农村公路", "饮水安全", "光伏发电", "乡村振兴", "营商环境", "行政执法", "矛盾纠纷", "社会保障", "教育医疗",
           "生态环境"]


def trial_report(n: int, version: int = 0, paragraphs: int = 60) -> str:
    """A report of ~20 chunks whose every paragraph is unique to (n, version), so all of it must be embedded."""
    lines = [f"第{n}号试点镇人民政府{2000 + n}年工作报告（第{version}稿）", ""]
    for p in range(paragraphs):
        if p % 12 == 0:
            lines.append(f"{'一二三四五六七八'[p // 12]}、第{p // 12 + 1}部分工作")
        topic = _TOPICS[(n + p) % len(_TOPICS)]
        lines.append(f"{topic}方面，第{n}号试点镇第{version}稿第{p}段记载：全年投入资金{n * 131 + p * 7 + version}万元，"
                     f"完成项目{p + n + version}个，惠及群众{n * 1000 + p * 10 + version}人，"
                     f"群众满意度达到百分之{80 + (p + version) % 20}，各项工作取得明显成效。")
    lines.append(f"第{n}号试点镇光伏发电站装机容量达到{1000 + n * 37 + version}千瓦。")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The warm helper: loads the model once, forks one build process per request
# ---------------------------------------------------------------------------

HELPER = r'''
import json, os, signal, sys, traceback
from pathlib import Path
from index.embed import Embedder
from index.build import build_index
from index.store import StoreError

embedder = Embedder()  # loaded before any fork and never used for inference here, so forking is safe
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # build processes are reaped automatically
print("READY", flush=True)
for line in sys.stdin:
    corpus, index_dir, result = line.rstrip("\n").split("\t")
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        code = 0
        try:
            summary = build_index([Path(corpus)], Path(index_dir), embedder=embedder)
            out = {"ok": True, "generation": summary.generation, "embedded": summary.embedded}
        except StoreError as problem:
            out, code = {"ok": False, "kind": type(problem).__name__, "error": str(problem)}, 2
        except BaseException as problem:
            out, code = {"ok": False, "kind": type(problem).__name__, "error": traceback.format_exc()}, 3
        with open(result + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(out, handle, ensure_ascii=False)
        os.replace(result + ".tmp", result)
        os._exit(code)
    print(f"PID {pid}", flush=True)
'''


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8", TOKENIZERS_PARALLELISM="false")


class WarmBuilder:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HELPER], cwd=PROJECT, env=_env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.count = 0
        self.is_ready = False

    def ready(self) -> None:
        if not self.is_ready:
            line = self.proc.stdout.readline()
            assert line.strip() == "READY", f"warm helper failed to start: {line!r}"
            self.is_ready = True

    def start(self, corpus: Path, index_dir: Path, scratch: Path) -> tuple[int, Path]:
        self.ready()
        self.count += 1
        result = scratch / f"result-{self.count}.json"
        self.proc.stdin.write(f"{corpus}\t{index_dir}\t{result}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line.startswith("PID "), line
        return int(line.split()[1]), result

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def warm():
    helper = WarmBuilder()
    yield helper
    helper.close()


def shimen_corpus(tmp_path: Path) -> Path:
    """A corpus folder holding one small report."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "shimen_2021.txt").write_text(SHIMEN, encoding="utf-8")
    return corpus


def wait_result(result: Path, timeout: float = WAIT) -> dict:
    deadline = time.monotonic() + timeout
    while not result.exists():
        assert time.monotonic() < deadline, "build did not finish"
        time.sleep(0.01)
    return json.loads(result.read_text(encoding="utf-8"))


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} did not die"
        time.sleep(0.01)


# ---------------------------------------------------------------------------
# What an index looks like from outside
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    generation: str
    reports: frozenset[tuple[str, str]]      # (path, sha256)
    answers: tuple[tuple, ...]               # the QUESTION's hits: doc, start, end, text, score


def check_consistent(index_dir: Path) -> None:
    """The live generation is whole: manifest, chunk table, FAISS and BM25 agree; every offset maps back."""
    reader = IndexReader(index_dir)
    try:
        assert not reader.generation.name.endswith(".tmp")
        manifest = reader.manifest
        chunk_ids = reader.table.chunk_ids_and_reports()[0].tolist()
        reports = reader.table.report_count()
        assert manifest["chunks"] == len(chunk_ids) == reader.vectors.ntotal == len(reader.keyword_ids)
        assert manifest["reports"] == reports == len(reader.reports)
        assert reader.keywords.num_docs == len(chunk_ids)
        assert sorted(faiss.vector_to_array(reader.vectors.id_map).tolist()) == chunk_ids
        assert sorted(reader.keyword_ids.tolist()) == chunk_ids
        for chunk in reader.chunks(chunk_ids).values():
            assert reader.report_text(chunk.report.id)[chunk.start:chunk.end] == chunk.text
    finally:
        reader.close()


def snapshot(index_dir: Path, embedder) -> Snapshot:
    check_consistent(index_dir)
    searcher = Searcher(index_dir, embedder=embedder)
    try:
        result = searcher.search(QUESTION, k=5)
        answers = tuple((h.chunk.report.path, h.chunk.start, h.chunk.end, h.chunk.text, h.score) for h in result.hits)
        reports = frozenset((r.path, r.sha256) for r in searcher.index.reports.values())
        return Snapshot(searcher.index.generation.name, reports, answers)
    finally:
        searcher.close()


def stored_path(path: Path) -> str:
    return read_report(path, root=path.parent.parent).path  # as the build names a file of a corpus folder


def on_disk(corpus: Path) -> frozenset[tuple[str, str]]:
    return frozenset((stored_path(p), read_report(p).sha256) for p in sorted(corpus.glob("*.txt")))


def mutate(corpus: Path, trial: int, rng: random.Random) -> str:
    """Give the next build real work: add a report, rewrite one, or (sometimes) also delete one."""
    existing = sorted(corpus.glob("trial_*.txt"))
    if existing and trial % 3 == 2:
        victim = rng.choice(existing)
        victim.write_text(trial_report(int(victim.stem.split("_")[1]), version=trial), encoding="utf-8")
        return f"rewrote {victim.name}"
    (corpus / f"trial_{trial:02d}.txt").write_text(trial_report(trial), encoding="utf-8")
    if len(existing) > 4 and trial % 4 == 0:
        existing[0].unlink()
        return f"added trial_{trial:02d}.txt, deleted {existing[0].name}"
    return f"added trial_{trial:02d}.txt"


@dataclass
class Outcome:
    how: str
    delay: float
    killed_mid_build: bool
    scratch_left: bool
    published: bool


def judge(index_dir: Path, corpus: Path, before: Snapshot, embedder) -> tuple[Snapshot, bool]:
    """After a kill: the old generation exactly, or a complete new one; then a normal build must succeed."""
    after = snapshot(index_dir, embedder)
    follow = build_index([corpus], index_dir, embedder=embedder)  # leftovers and the dead build's lock must not block
    complete = snapshot(index_dir, embedder)
    assert complete.reports == on_disk(corpus)
    assert not list(index_dir.glob("gen-*.tmp"))
    if after.generation == before.generation:
        assert after.reports == before.reports
        assert after.answers == before.answers
        return complete, False
    # A new generation went live: it must be the complete one, so the following build had nothing to do.
    assert follow.generation == after.generation and not follow.added and not follow.updated and not follow.removed
    assert after == complete
    return complete, True


def test_sigkill_at_random_moments_never_leaves_a_mixed_index(tmp_path: Path, embedder, warm) -> None:
    rng = random.Random(20240607)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / SEED_REPORT.name)
    (corpus / "qingshan_2019.txt").write_text(QINGSHAN, encoding="utf-8")
    (corpus / "shimen_2021.txt").write_text(SHIMEN, encoding="utf-8")
    (corpus / "trial_00.txt").write_text(trial_report(0), encoding="utf-8")
    index_dir = tmp_path / "index"
    scratch = tmp_path / "results"
    scratch.mkdir()

    # First build through the real command line, unkilled: it measures the cold duration.
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index", str(index_dir)],
                          cwd=PROJECT, env=_env(), capture_output=True, text=True, encoding="utf-8", timeout=WAIT)
    cold_seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    state = snapshot(index_dir, embedder)
    assert state.reports == on_disk(corpus) and state.answers

    warm.ready()
    # Two unkilled warm builds after a change each measure the duration the kill delays are spread over.
    measured = []
    for n in (1, 100):
        mutate(corpus, n, rng)
        started = time.monotonic()
        pid, result = warm.start(corpus, index_dir, scratch)
        done = wait_result(result)
        measured.append(time.monotonic() - started)
        wait_gone(pid)
        assert done["ok"] and done["embedded"] > 10, done
    warm_seconds = max(measured)
    state = snapshot(index_dir, embedder)
    assert state.reports == on_disk(corpus)

    outcomes: list[Outcome] = []
    # Cold trials: kill `python -m index build` somewhere in its whole run (imports, model load, build).
    for t in range(COLD_TRIALS):
        how = mutate(corpus, 2 + t, rng)
        delay = cold_seconds * (t + rng.random()) / COLD_TRIALS * 1.1
        build = subprocess.Popen([sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index",
                                  str(index_dir)], cwd=PROJECT, env=_env(), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            build.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            build.send_signal(signal.SIGKILL)
            build.wait(timeout=WAIT)
            finished = build.returncode == 0
        scratch_left = bool(list(index_dir.glob("gen-*.tmp")))
        state, published = judge(index_dir, corpus, state, embedder)
        outcomes.append(Outcome("cold " + how, delay, not finished, scratch_left, published))

    # Warm trials: delays stratified over 0..1.5x the build's duration, so every phase is hit, the save included.
    # The duration is the median of the measured build and of every trial build that ran to the end, since on a
    # shared machine one measurement can be several times too long or too short.
    durations = [warm_seconds]
    for t in range(WARM_TRIALS):
        how = mutate(corpus, 2 + COLD_TRIALS + t, rng)
        delay = statistics.median(durations) * 1.5 * (t + rng.random()) / WARM_TRIALS
        pid, result = warm.start(corpus, index_dir, scratch)
        started = time.monotonic()
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and not result.exists():
            time.sleep(0.005)
        if not result.exists():
            os.kill(pid, signal.SIGKILL)
        wait_gone(pid)
        finished = result.exists()
        if finished:
            assert json.loads(result.read_text(encoding="utf-8"))["ok"], result.read_text(encoding="utf-8")
            durations.append(time.monotonic() - started)  # an upper bound: polled every 5 ms
        scratch_left = bool(list(index_dir.glob("gen-*.tmp")))
        state, published = judge(index_dir, corpus, state, embedder)
        outcomes.append(Outcome("warm " + how, delay, not finished, scratch_left, published))

    # One more change and an unkilled build in a separate process: completes and publishes everything.
    mutate(corpus, 99, rng)
    pid, result = warm.start(corpus, index_dir, scratch)
    assert wait_result(result)["ok"]
    wait_gone(pid)
    final = snapshot(index_dir, embedder)
    assert final.reports == on_disk(corpus) and final.answers
    assert not list(index_dir.glob("gen-*.tmp"))
    assert len([p for p in index_dir.glob("gen-*") if p.is_dir()]) <= 2

    print(f"\ncold build {cold_seconds:.1f}s, warm build {warm_seconds:.1f}s")
    for o in outcomes:
        print(f"  {o.how:45s} delay {o.delay:6.2f}s killed={o.killed_mid_build!s:5} "
              f"scratch_left={o.scratch_left!s:5} new_generation_live={o.published}")
    assert len(outcomes) == COLD_TRIALS + WARM_TRIALS
    killed = [o for o in outcomes if o.killed_mid_build]
    # Sanity of the experiment itself (not of speed): kills must have interrupted builds, some of them while they
    # were writing their new generation (embedding, saving). Loose, since the machine's speed varies.
    assert len(killed) >= len(outcomes) // 4, outcomes
    assert any(o.scratch_left for o in killed), outcomes


# ---------------------------------------------------------------------------
# The states a kill inside publish() leaves, made directly (the window is too short to hit by chance)
# ---------------------------------------------------------------------------

def test_kill_states_inside_publish_are_recovered(tmp_path: Path, embedder) -> None:
    corpus = shimen_corpus(tmp_path)
    index_dir = tmp_path / "index"
    first = build_index([corpus], index_dir, embedder=embedder)
    before = snapshot(index_dir, embedder)

    # Killed after renaming gen-N.tmp → gen-N but before CURRENT was replaced: a complete, unpublished gen-N.
    (corpus / "qingshan_2019.txt").write_text(QINGSHAN, encoding="utf-8")
    other = tmp_path / "other"
    shutil.copytree(index_dir, other)
    second = build_index([corpus], other, embedder=embedder)
    shutil.copytree(other / second.generation, index_dir / second.generation)
    # ... and one killed while writing CURRENT.tmp
    (index_dir / f"{CURRENT}.tmp").write_text("gen-9", encoding="utf-8")
    assert live_generation(index_dir).name == first.generation
    assert snapshot(index_dir, embedder) == before  # readers still see the old generation, unchanged

    (corpus / "trial_01.txt").write_text(trial_report(1, paragraphs=3), encoding="utf-8")
    third = build_index([corpus], index_dir, embedder=embedder)  # used to fail: os.replace onto a non-empty gen-N
    assert third.generation == second.generation
    after = snapshot(index_dir, embedder)
    assert after.reports == on_disk(corpus)

    # Killed inside _drop_old_generations: an old generation half deleted. Not live, so harmless, and dropped.
    old = tmp_path / "old-gen"
    (corpus / "trial_02.txt").write_text(trial_report(2, paragraphs=3), encoding="utf-8")
    fourth = build_index([corpus], index_dir, embedder=embedder)
    shutil.copytree(index_dir / third.generation, old)
    half = index_dir / "gen-000000"
    shutil.copytree(old, half)
    (half / "vectors.faiss").unlink()
    (half / DB).write_bytes(b"")
    assert snapshot(index_dir, embedder).generation == fourth.generation
    (corpus / "trial_02.txt").unlink()
    build_index([corpus], index_dir, embedder=embedder)
    assert not half.exists()


def test_first_build_killed_after_rename_does_not_block_the_next(tmp_path: Path, embedder) -> None:
    corpus = shimen_corpus(tmp_path)
    other = tmp_path / "other"
    done = build_index([corpus], other, embedder=embedder)
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copytree(other / done.generation, index_dir / done.generation)  # gen-000001, but no CURRENT yet
    assert live_generation(index_dir) is None
    summary = build_index([corpus], index_dir, embedder=embedder)
    assert summary.generation == "gen-000001" and (index_dir / CURRENT).is_file()
    check_consistent(index_dir)


# ---------------------------------------------------------------------------
# One writer at a time, across processes
# ---------------------------------------------------------------------------

HOLD_LOCK = r'''
import sys
from pathlib import Path
from index.store import build_lock
with build_lock(Path(sys.argv[1])):
    print("HELD", flush=True)
    sys.stdin.readline()
'''


def test_second_build_process_gets_a_clear_message(tmp_path: Path, embedder, warm) -> None:
    corpus = shimen_corpus(tmp_path)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, embedder=embedder)
    before = snapshot(index_dir, embedder)
    (corpus / "qingshan_2019.txt").write_text(QINGSHAN, encoding="utf-8")

    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(index_dir)], cwd=PROJECT, env=_env(),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        cli = subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index",
                              str(index_dir)], cwd=PROJECT, env=_env(), capture_output=True, text=True,
                             encoding="utf-8", timeout=WAIT)
        assert cli.returncode == 2 and "Traceback" not in cli.stderr, cli.stderr
        assert "另一个建库任务正在写这个索引" in cli.stderr and "Another build is writing this index" in cli.stderr
        pid, result = warm.start(corpus, index_dir, tmp_path)
        refused = wait_result(result)
        wait_gone(pid)
        assert refused["ok"] is False and refused["kind"] == "IndexLocked", refused
        assert snapshot(index_dir, embedder) == before  # neither refused build touched the index
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    pid, result = warm.start(corpus, index_dir, tmp_path)  # the holder is gone: a build goes through
    assert wait_result(result)["ok"]
    wait_gone(pid)
    assert snapshot(index_dir, embedder).reports == on_disk(corpus)


# ---------------------------------------------------------------------------
# Readers keep answering from their generation while a build publishes the next
# ---------------------------------------------------------------------------

def test_reader_keeps_answering_while_a_build_publishes(tmp_path: Path, embedder, warm) -> None:
    corpus = shimen_corpus(tmp_path)
    (corpus / "qingshan_2019.txt").write_text(QINGSHAN, encoding="utf-8")
    index_dir = tmp_path / "index"
    first = build_index([corpus], index_dir, embedder=embedder)
    question = "第7号试点镇光伏发电站装机容量是多少"
    live = Searcher(index_dir, embedder=embedder)
    pinned = Searcher(index_dir, embedder=embedder)  # never refreshed
    try:
        expected = [(h.chunk.id, h.chunk.text) for h in live.search(question, k=3).hits]
        assert expected and not any("第7号试点镇" in text for _, text in expected)

        (corpus / "trial_07.txt").write_text(trial_report(7), encoding="utf-8")
        pid, result = warm.start(corpus, index_dir, tmp_path)
        answered = 0
        while not result.exists():  # queries during the build, and across the moment it publishes
            assert [(h.chunk.id, h.chunk.text) for h in live.search(question, k=3).hits] == expected
            answered += 1
        wait_gone(pid)
        published = json.loads(result.read_text(encoding="utf-8"))
        assert published["ok"] and published["generation"] != first.generation
        assert answered >= 1
        assert live.index.is_stale()
        assert [(h.chunk.id, h.chunk.text) for h in live.search(question, k=3).hits] == expected  # until refresh
        assert live.refresh() is True and live.index.generation.name == published["generation"]
        assert "第7号试点镇" in live.search(question, k=1).hits[0].chunk.text
        assert live.refresh() is False

        # Two more builds drop the pinned reader's generation from disk; it still answers from what it holds.
        for n in (8, 9):
            (corpus / f"trial_{n:02d}.txt").write_text(trial_report(n, paragraphs=3), encoding="utf-8")
            build_index([corpus], index_dir, embedder=embedder)
        assert not (index_dir / first.generation).exists()
        assert [(h.chunk.id, h.chunk.text) for h in pinned.search(question, k=3).hits] == expected
    finally:
        live.close()
        pinned.close()


def test_index_folder_with_uri_characters(tmp_path: Path, embedder) -> None:
    """'#', '?' and '%' are legal in folder names; SQLite URIs used to cut the path there."""
    corpus = shimen_corpus(tmp_path)
    index_dir = tmp_path / "索引 #1 ?x=%41"
    build_index([corpus], index_dir, embedder=embedder)
    (corpus / "qingshan_2019.txt").write_text(QINGSHAN, encoding="utf-8")
    summary = build_index([corpus], index_dir, embedder=embedder)  # reads the live table back: the same URI path
    assert summary.added == [stored_path(corpus / "qingshan_2019.txt")] and summary.unchanged == 1
    state = snapshot(index_dir, embedder)  # IndexReader opens the same path read-only
    assert state.reports == on_disk(corpus) and len(state.reports) == 2
