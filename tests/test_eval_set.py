"""Validate the retrieval evaluation set in tests/eval/questions.jsonl.

Structural checks always run.  Checks that need the report texts run against
the shared corpus (../shared/corpus relative to the project root); when that
folder is absent only zhangdian_2023.txt can be checked, using the copy in the
project's own corpus/ folder, and the other per-doc checks are skipped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from helpers import PROJECT, SEED_CORPUS, SHARED_CORPUS

EVAL_FILE = PROJECT / "tests" / "eval" / "questions.jsonl"
PROJECT_CORPUS = SEED_CORPUS
HOME_DOC = "zhangdian_2023.txt"

TYPES = ("number", "fact", "scoped", "wording", "unanswerable")
# Rough floors per type (the set aims at ~45/30/25/15/15 out of >= 130).
MIN_PER_TYPE = {"number": 30, "fact": 20, "scoped": 15, "wording": 10, "unanswerable": 10}
MIN_QUESTIONS = 130
MIN_HOME_DOC = 20          # questions on zhangdian_2023.txt
MIN_PER_CORPUS_DOC = 2     # questions on every report of the shared corpus
ANSWER_LEN = (4, 30)
COPY_RUN = 12              # a question may not share a 12-char run with its doc
KEYS = {"id", "question", "doc", "answer", "type"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _load_rows() -> list[dict]:
    rows = []
    with EVAL_FILE.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - reported by test
                raise AssertionError(f"line {lineno} is not valid JSON: {exc}") from exc
            assert isinstance(obj, dict), f"line {lineno} is not a JSON object"
            obj["_line"] = lineno
            rows.append(obj)
    return rows


ROWS = _load_rows() if EVAL_FILE.exists() else []
ANSWERABLE = [r for r in ROWS if r.get("type") != "unanswerable"]


def doc_path(name: str) -> Path | None:
    p = SHARED_CORPUS / name
    if p.is_file():
        return p
    p = PROJECT_CORPUS / name
    if p.is_file():
        return p
    return None


@lru_cache(maxsize=None)
def doc_text(name: str) -> str | None:
    p = doc_path(name)
    return None if p is None else nfkc(p.read_text(encoding="utf-8"))


def _rid(r: dict) -> str:
    return str(r.get("id", f"line{r.get('_line')}"))


# --------------------------------------------------------------------------- structure


def test_file_exists_and_every_line_parses():
    assert EVAL_FILE.is_file(), f"missing {EVAL_FILE}"
    raw = [line for line in EVAL_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(raw) == len(ROWS)
    for r in ROWS:
        assert set(r) - {"_line"} == KEYS, f"line {r['_line']}: keys {sorted(set(r) - {'_line'})}"


def test_enough_questions():
    assert len(ROWS) >= MIN_QUESTIONS


def test_ids_unique_and_well_formed():
    ids = [r["id"] for r in ROWS]
    assert all(isinstance(i, str) and re.fullmatch(r"q\d{3,}", i) for i in ids), ids
    dup = [i for i, n in Counter(ids).items() if n > 1]
    assert not dup, f"duplicate ids: {dup}"


def test_questions_unique_and_chinese():
    qs = [r["question"] for r in ROWS]
    assert all(isinstance(q, str) and q.strip() for q in qs)
    dup = [q for q, n in Counter(nfkc(q).strip() for q in qs).items() if n > 1]
    assert not dup, f"duplicate questions: {dup}"
    no_cjk = [r["id"] for r in ROWS if not CJK.search(r["question"])]
    assert not no_cjk, f"questions without Chinese text: {no_cjk}"


def test_types_present_with_rough_counts():
    counts = Counter(r["type"] for r in ROWS)
    unknown = set(counts) - set(TYPES)
    assert not unknown, f"unknown types: {unknown}"
    for t in TYPES:
        assert counts[t] >= max(10, MIN_PER_TYPE[t]), f"type {t}: only {counts[t]} questions"
    # no single type should swamp the set
    assert max(counts.values()) <= 0.45 * len(ROWS), counts


def test_unanswerable_have_null_doc_and_answer():
    for r in ROWS:
        if r["type"] == "unanswerable":
            assert r["doc"] is None and r["answer"] is None, _rid(r)


def test_answerable_fields_well_formed():
    for r in ANSWERABLE:
        doc, ans = r["doc"], r["answer"]
        assert isinstance(doc, str) and doc.endswith(".txt") and "/" not in doc, _rid(r)
        assert isinstance(ans, str), _rid(r)
        assert ANSWER_LEN[0] <= len(ans) <= ANSWER_LEN[1], f"{_rid(r)}: answer length {len(ans)}"
        assert ans == nfkc(ans), f"{_rid(r)}: answer not in NFKC form: {ans!r}"
        assert ans == ans.strip(), _rid(r)


def test_home_doc_coverage():
    n = sum(1 for r in ROWS if r["doc"] == HOME_DOC)
    assert n >= MIN_HOME_DOC, f"only {n} questions on {HOME_DOC}"
    types = {r["type"] for r in ROWS if r["doc"] == HOME_DOC}
    assert {"number", "fact", "wording"} <= types, types


# --------------------------------------------------------------------------- per-doc checks


def test_every_shared_report_covered():
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"{SHARED_CORPUS} not available")
    names = sorted(p.name for p in SHARED_CORPUS.glob("*.txt"))
    per_doc = Counter(r["doc"] for r in ANSWERABLE)
    thin = {n: per_doc[n] for n in names if per_doc[n] < MIN_PER_CORPUS_DOC}
    assert not thin, f"reports with fewer than {MIN_PER_CORPUS_DOC} questions: {thin}"
    unknown = sorted({r["doc"] for r in ANSWERABLE} - set(names))
    assert not unknown, f"docs not in the corpus: {unknown}"


@pytest.mark.parametrize("row", ANSWERABLE, ids=_rid)
def test_answer_occurs_in_doc(row):
    text = doc_text(row["doc"])
    if text is None:
        pytest.skip(f"{row['doc']} not available")
    assert row["answer"] in text, f"{row['id']}: {row['answer']!r} not found in {row['doc']}"


@pytest.mark.parametrize("row", ANSWERABLE, ids=_rid)
def test_question_is_paraphrased(row):
    text = doc_text(row["doc"])
    if text is None:
        pytest.skip(f"{row['doc']} not available")
    q = nfkc(row["question"])
    copied = [q[i : i + COPY_RUN] for i in range(len(q) - COPY_RUN + 1) if q[i : i + COPY_RUN] in text]
    assert not copied, f"{row['id']} copies {copied[0]!r} verbatim from {row['doc']}"


# --------------------------------------------------------------------------- the blind set

BLIND_FILES = sorted((PROJECT / "tests" / "eval").glob("blind*.jsonl"))  # every blind set, however many


@pytest.mark.parametrize("blind_file", BLIND_FILES, ids=lambda p: p.stem)
def test_blind_set_is_well_formed_and_its_answers_occur_in_their_reports(blind_file: Path):
    rows = [json.loads(line) for line in blind_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    assert all(set(r) == KEYS and r["type"] in TYPES for r in rows)
    assert all((r["doc"] is None) == (r["answer"] is None) == (r["type"] == "unanswerable") for r in rows)
    checked = 0
    for r in rows:
        text = doc_text(r["doc"]) if r["doc"] else None
        if text is not None:
            assert nfkc(r["answer"]) in text, f"{r['id']}: {r['answer']!r} not in {r['doc']}"
            checked += 1
    assert checked >= 1  # zhangdian_2023.txt is always available


@pytest.mark.parametrize("name", ["wording_blind", "wording_blind2", "wording_blind3"])
def test_wording_blind_set_is_well_formed_and_its_answers_occur_in_their_reports(name: str):
    """tests/eval/wording_blind*.jsonl (issue 13): every report expressing an idea is an acceptable answer."""
    path = PROJECT / "tests" / "eval" / f"{name}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    assert all(set(r) == {"id", "question", "answers", "type", "paraphrase"} and r["type"] == "wording" for r in rows)
    assert sum(r["paraphrase"] for r in rows) * 2 >= len(rows)
    for r in rows:
        for answer in r["answers"]:
            text = doc_text(answer["doc"])
            if text is not None:
                assert nfkc(answer["answer"]) in text, f"{r['id']}: {answer['answer']!r} not in {answer['doc']}"


def test_a_request_several_reports_answer_is_hit_by_any_of_them() -> None:
    from search.eval import _question, is_hit

    q = _question({"id": "w", "question": "别的地方怎么写", "type": "wording", "paraphrase": True,
                   "answers": [{"doc": "a.txt", "answer": "企业经营困难"}, {"doc": "b.txt", "answer": "形式主义"}]})
    assert (q.doc, q.answer) == ("a.txt", "企业经营困难") and len(q.accepted) == 2
    assert is_hit(q, "corpus/b.txt", "…形式主义、官僚主义…") and is_hit(q, "a.txt", "一些企业经营困难。")
    assert not is_hit(q, "b.txt", "一些企业经营困难。")  # the words of another report's answer
    none = _question({"id": "n", "question": "火星基地怎么写", "type": "wording", "paraphrase": True, "answers": []})
    assert none.doc is None and none.accepted == () and not is_hit(none, "a.txt", "企业经营困难")


# ----------------------------------------------------------------------------- list and comparison sets

LIST_SETS = sorted([*(PROJECT / "tests" / "eval").glob("lists_blind*.jsonl"), *(PROJECT / "tests" / "eval").glob("compare_blind*.jsonl")])


@pytest.mark.shared
@pytest.mark.parametrize("path", LIST_SETS, ids=lambda p: p.stem)
def test_list_and_comparison_answers_occur_in_their_reports(path: Path) -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("needs ../shared/corpus")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        if row["type"] == "list":
            text = (SHARED_CORPUS / row["doc"]).read_text(encoding="utf-8")
            at = 0
            for item in row["items"]:  # every item, in the report's order (an item's words may also stand earlier)
                at = text.find(item, at)
                assert at >= 0, (row["id"], item)
        else:
            assert row["type"] == "compare" and row["cells"], row["id"]
            for cell in row["cells"]:
                assert cell["answer"] in (SHARED_CORPUS / cell["doc"]).read_text(encoding="utf-8"), row["id"]


def test_list_and_comparison_scoring() -> None:
    from search.eval_lists import score_comparison, score_list

    hit = lambda doc, answer, span=None: {"doc": f"corpus/{doc}", "answer": answer, "answer_span_text": span}  # noqa: E731
    row = {"id": "L", "doc": "a.txt", "items": ["一项", "二项", "三项"]}
    score = score_list(row, {"results": [hit("a.txt", "一是一项；二是二项。")]})
    assert (score.found, score.gold, score.returned, score.relevant) == (2, 3, 1, 1)
    assert score_list(row, {"results": [hit("b.txt", "一是一项")]}).found == 0  # another report's words do not count
    compare = {"id": "C", "cells": [{"doc": "a.txt", "answer": "产值5亿元"}, {"doc": "b.txt", "answer": "产值6亿元"}],
               "missing": ["c.txt"]}
    table = {"rows": [hit("a.txt", "全年产值5亿元。", "产值5亿元"), hit("b.txt", "全年产值6亿元，利税7亿元。", "利税7亿元"),
                      hit("c.txt", "产值9亿元", "产值9亿元")], "missing": []}
    score = score_comparison(compare, {"results": [], "table": table})
    assert (score.right, score.cells, score.shown, score.shown_right) == (1, 3, 3, 1)  # b marks another figure; c invents one
