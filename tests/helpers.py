"""What several test modules share: the project's folders, CLI and app runners, small file helpers.

Test modules import from here, never from each other.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index.chunk import Chunk, find_headings
from index.read import Report

PROJECT = Path(__file__).resolve().parents[1]
SEED_CORPUS = PROJECT / "corpus"
SHARED_CORPUS = PROJECT.parent / "shared" / "corpus"
SEED_REPORT = SEED_CORPUS / "zhangdian_2023.txt"
SEED_TITLE = "鲁山县张店乡人民政府关于2023年法治政府建设情况的报告"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A short self-written report with another body and year than the seed report.
QINGSHAN_2019 = """江口市青山区人民政府关于2019年法治政府建设情况的报告

2019年，青山区深入推进依法行政，加快建设法治政府，现将有关情况报告如下。
一、主要工作和成效
（一）深化法治宣传教育
全年组织法治宣传教育活动四十五场，开展“宪法进社区”主题活动，发放普法资料一万二千份，群众法治意识明显增强。
（二）规范行政执法
推行行政执法公示制度，全区行政执法人员全部持证上岗，全年办理行政处罚案件三百一十件。
二、存在的不足
基层法治力量仍然薄弱，部分执法人员业务能力有待提高。
"""
STARTUP_LIMIT = 600  # seconds; only bounds a hung start (first run restores the model and embeds the corpus)


def cached_shared_index(backend: str) -> Path:
    """Where the index of the 36 shared reports is kept between test runs (built once, then checked up to date)."""
    root = os.environ.get("POLICY_SEARCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "policy-search")
    return Path(root) / "test-indexes" / f"shared-corpus-{backend}"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def without_checksums(generation: Path) -> Path:
    """A generation as builds before checksums wrote it (no `files` in the manifest), so that a test may alter its
    tables in place the way an old format had them without the change reading as damage."""
    import json

    manifest = generation / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data.pop("files", None)
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return generation


def texts(result) -> list[str]:
    return [h.chunk.text for h in result.hits]


def names(result) -> list[str]:
    return [Path(h.chunk.report.path).name for h in result.hits]


def run_cli(*args: str, stdin: str | None = None, timeout: int = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def uncovered(report: Report, chunks: list[Chunk]) -> list[str]:
    """Body lines with non-space chars in no chunk: not blank, not a standalone heading, and not the first
    line when it is a title (a first line over 200 characters is body text to the chunker)."""
    covered = bytearray(len(report.text))
    for c in chunks:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    standalone = {h.start for h in find_headings(report) if h.standalone}
    missing, pos = [], 0
    lines = report.text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    for i, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        if (i == first and len(line.strip()) <= 200) or not line.strip() or start in standalone:
            continue
        if any(not ch.isspace() and not covered[start + j] for j, ch in enumerate(line)):
            missing.append(line)
    return missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_command(workdir: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, str(PROJECT / "app.py"), "--port", str(port), "--index", str(workdir / "index"),
            "--data", str(workdir / "data"), "--corpus", str(PROJECT / "corpus"), *extra]


@contextmanager
def serve_app(workdir: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start app.py with its own index and data folders under workdir; yield its URL; stop it."""
    port = free_port()
    log = workdir / "app.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(app_command(workdir, port, *extra), cwd=PROJECT, stdout=out,
                                   stderr=subprocess.STDOUT, env={**(env or os.environ), "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(process, url, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def scripted_llm() -> Iterator[str]:
    """tests/llm_server.py on a free port: a real HTTP server speaking the OpenAI chat-completions protocol with
    scripted answers (no model weights can be installed here). Yields its base URL (…/v1)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(PROJECT / "tests" / "llm_server.py"), str(port)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(10)


def script_llm(url: str, model: str) -> None:
    """Make the scripted server answer every request as `model` (echo, invent, cut, …) from now on."""
    base = url.removesuffix("/v1")
    request = urllib.request.Request(f"{base}/script", data=json.dumps({"model": model}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):
        pass


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"app.py did not start serving:\n{log.read_text(errors='replace')}")


def png_header(width: int, height: int) -> bytes:
    """A PNG file of a few dozen bytes whose header claims width × height pixels: an image bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IEND", b""))
