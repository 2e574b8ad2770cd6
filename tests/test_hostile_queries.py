"""Hostile questions: the search layer and `python -m search` answer sensibly or say why, never crash, and the
index is byte-for-byte unchanged afterwards. (Escaping in the web page is the page's job, tested there.)"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from search.present import result_json, result_text
from search.results import DoubtKind

from helpers import PROJECT

HOSTILE = {
    "empty": "",
    "whitespace": " \t\u3000\n ",
    "long": "张店乡2023年化解了多少起矛盾纠纷" * 600,   # ~10,000 characters
    "emoji": "😀🎉🔥👍🏽‍♂️",
    "punctuation": "？！。，、；：……——（）《》“”!?.,;:'\"",
    "control": "\x00\x01\x07\x1b[31m\x7f\u202e\u200b\ufeff",
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)><b>法治</b>",
    "sql": "'; DROP TABLE chunks; --",
    "sql_like": "\" OR 1=1; DELETE FROM reports WHERE '1'='1",
    "like_wildcards": "%_%' ESCAPE '\\",
    "fts_syntax": "法治 AND NOT 政府 NEAR(\"建设\") * ^",
    "regex": ".*(a+)+$[\\d]{1,}(?<=x)",
    "surrogate_free_astral": "\U00020000\U0002A6D6𠀀",
    "quotes_unbalanced": "“张店乡",
    "many_years": " ".join(str(y) for y in range(1900, 2100)),
    "path": "../../etc/passwd",
    "format": "{0}{__class__}%s%n",
    "rtl": "\u202eمرحبا\u202c",
}


def index_fingerprint(index_dir: Path) -> dict[str, str]:
    return {p.relative_to(index_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(index_dir.rglob("*")) if p.is_file() and p.name != ".lock"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_question_gives_a_result_not_a_crash(seed_searcher, name: str) -> None:
    question = HOSTILE[name]
    result = seed_searcher.search(question, k=5)
    assert len(result.hits) <= 5
    assert len(result.query.text) <= 500  # trimmed, so one request cannot cost unbounded work
    if not any(ch.isalnum() for ch in question):
        assert not result.hits and result.doubt.kind == DoubtKind.NO_CONTENT  # nothing to search for
    for hit in result.hits:
        text = seed_searcher.index.report_text(hit.chunk.report.id)
        assert text[hit.chunk.start:hit.chunk.end] == hit.chunk.text
    out = json.loads(json.dumps(result_json(result), ensure_ascii=False))
    assert out["confident"] == result.confident and (out["message"] is None) == result.confident
    assert (out["reason"] is None) == (out["reason_kind"] is None) == result.confident  # every "no answer" says why
    text = result_text(result)
    assert text.startswith("问题 / Question:") and ("未找到可靠答案" in text) != result.confident
    assert text.count("\n[") == len(result.hits)  # one block per hit
    assert len(seed_searcher.search(question, k=3, mode="wording", recipe="keyword").hits) <= 3


def test_real_question_still_answered_after_hostile_ones(seed_searcher, seed_index: Path) -> None:
    before = index_fingerprint(seed_index)
    for question in HOSTILE.values():
        seed_searcher.search(question)
    assert index_fingerprint(seed_index) == before  # nothing was written, "DROP TABLE" included
    result = seed_searcher.search("2023年化解了多少起矛盾纠纷", k=3)
    assert result.confident and result.hits[0].answer.span_text.endswith("26起")
    assert len(seed_searcher.index.reports) == 1


@pytest.mark.slow
def test_cli_answers_hostile_lines_as_valid_json(seed_index: Path) -> None:
    before = index_fingerprint(seed_index)
    questions = [q.replace("\n", " ") for q in HOSTILE.values()] + ["2023年化解了多少起矛盾纠纷"]
    env = dict(os.environ, PYTHONPATH=str(PROJECT), PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "search", "--index", str(seed_index), "-k", "2"],
                          input=("\n".join(questions) + "\n").encode("utf-8"), cwd=PROJECT, capture_output=True, env=env, timeout=600)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(questions), lines  # one JSON object per input line, even for empty lines
    outs = [json.loads(line) for line in lines]
    for out in outs:
        assert set(out) >= {"query", "confident", "message", "results"} and len(out["results"]) <= 2
    assert outs[-1]["confident"] and outs[-1]["results"]
    assert index_fingerprint(seed_index) == before

    # the same through an argument, as text and as JSON
    for extra in ([], ["--json"]):
        proc = subprocess.run([sys.executable, "-m", "search", "--index", str(seed_index), *extra, "--",
                               HOSTILE["sql"], HOSTILE["html"], HOSTILE["long"][:4000]], cwd=PROJECT,
                              capture_output=True, env=env, timeout=600)
        assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
        if extra:
            assert json.loads(proc.stdout.decode("utf-8"))["query"].startswith("'; DROP TABLE chunks; --")
        else:
            assert "DROP TABLE" in proc.stdout.decode("utf-8")
    assert index_fingerprint(seed_index) == before
