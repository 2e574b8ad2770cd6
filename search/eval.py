"""Measure retrieval quality: `python -m search.eval QUESTIONS.jsonl [--index DIR] [--recipe …]`.

A result is a hit when it comes from the gold report and its passage contains the gold answer
(both NFKC-normalised); answer@1 asks the same of the top result's highlighted sentence.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.cli import exit_code
from index.errors import UserError
from text.normalize import normalize_text
from search.candidates import RECIPES
from search.results import SearchResult
from search.retrieve import Searcher
from search.weights import Weights

VARIETY = 3  # distinct reports a drafter wants to see in the top 5 of a wording request, where that many exist
DEFAULT_QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "eval" / "questions.jsonl"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    doc: str | None
    answer: str | None
    type: str
    # Every report that expresses the idea, with its words (wording requests: tests/eval/wording_blind.jsonl);
    # a passage of any of them holding its words is a hit. Empty: (doc, answer) is the one answer.
    answers: tuple[tuple[str, str], ...] = ()
    paraphrase: bool | None = None   # the request shares no four-character run with the reports' words

    @property
    def accepted(self) -> tuple[tuple[str, str], ...]:
        if self.answers:
            return self.answers
        return ((self.doc, self.answer or ""),) if self.doc else ()


@dataclass
class Outcome:
    question: Question
    rank: int | None              # 1-based rank of the first hit within the top 10
    answer_hit: bool
    confident: bool
    seconds: float
    reports_in_top5: int = 0      # distinct reports among the top 5 hits that express the answer


@dataclass
class Scorecard:
    outcomes: list[Outcome] = field(default_factory=list)

    def _answerable(self, kind: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.doc and (kind is None or o.question.type == kind)]

    def metrics(self, kind: str | None = None) -> dict[str, float]:
        rows = self._answerable(kind)
        n = max(1, len(rows))
        return {
            "n": len(rows),
            "hit@1": sum(o.rank == 1 for o in rows) / n,
            "hit@5": sum(o.rank is not None and o.rank <= 5 for o in rows) / n,
            "mrr@10": sum(1 / o.rank for o in rows if o.rank) / n,
            "answer@1": sum(o.answer_hit for o in rows) / n,
        }

    def no_answer(self) -> dict[str, float]:
        unanswerable = [o for o in self.outcomes if not o.question.doc]
        answerable = self._answerable()
        return {
            "unanswerable_flagged": sum(not o.confident for o in unanswerable) / max(1, len(unanswerable)),
            "answerable_confident": sum(o.confident for o in answerable) / max(1, len(answerable)),
            "n_unanswerable": len(unanswerable),
        }

    def trust(self) -> dict[str, float]:
        """How far a confident answer can be trusted, over the questions that want one (number, fact, scoped) and
        the unanswerable ones; wording requests aside. An answer is right when the top passage is the gold report's
        and its highlighted sentence holds the gold answer; any confident answer to an unanswerable question is wrong.

        precision: right answers among the confident ones; coverage: answerable questions answered right and
        confidently; false_flags: answerable questions given "未找到可靠答案".
        """
        rows = [o for o in self.outcomes if o.question.type != "wording"]
        confident = [o for o in rows if o.confident]
        answerable = [o for o in rows if o.question.doc]
        right = sum(1 for o in confident if o.question.doc and o.answer_hit)
        return {
            "precision": right / max(1, len(confident)),
            "coverage": sum(1 for o in answerable if o.confident and o.answer_hit) / max(1, len(answerable)),
            "false_flags": sum(1 for o in answerable if not o.confident) / max(1, len(answerable)),
            "n_confident": len(confident),
            "n_wrong": len(confident) - right,
        }

    def variety(self) -> dict[str, float]:
        """Wording requests that several reports answer: the share with at least 3 of them in the top 5."""
        rows = [o for o in self.outcomes if len({doc for doc, _ in o.question.accepted}) >= VARIETY]
        return {"n": len(rows), "3_reports@5": sum(o.reports_in_top5 >= VARIETY for o in rows) / max(1, len(rows))}

    def median_ms(self) -> float:
        return 1000 * statistics.median(o.seconds for o in self.outcomes) if self.outcomes else 0.0


def load_questions(path: Path) -> list[Question]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [_question(json.loads(line)) for line in lines if line.strip()]


def _question(row: dict) -> Question:
    """A row of either form: one gold report and answer ("doc", "answer"), or several ("answers")."""
    answers = tuple((a["doc"], a["answer"]) for a in row.pop("answers", ()))
    row.setdefault("doc", answers[0][0] if answers else None)
    row.setdefault("answer", answers[0][1] if answers else None)
    return Question(**row, answers=answers)


def comparable(text: str) -> str:
    # Gold answers are written in full NFKC (ASCII commas); stored text keeps Chinese punctuation.
    return unicodedata.normalize("NFKC", normalize_text(text))


def is_hit(question: Question, doc: str, text: str) -> bool:
    name, seen = Path(doc).name, comparable(text)
    return any(name == gold and comparable(answer) in seen for gold, answer in question.accepted)


def judge(question: Question, result: SearchResult, seconds: float) -> Outcome:
    rank = next((h.rank for h in result.hits[:10] if is_hit(question, h.chunk.report.path, h.chunk.text)), None)
    top = result.hits[0] if result.hits else None
    answer_hit = bool(top and top.answer and is_hit(question, top.chunk.report.path, top.answer.text))
    reports = {h.chunk.report.path for h in result.hits[:5] if is_hit(question, h.chunk.report.path, h.chunk.text)}
    return Outcome(question, rank, answer_hit, result.confident, seconds, len(reports))


def evaluate(searcher: Searcher, questions: Iterable[Question], recipe: str = "hybrid") -> Scorecard:
    report = Scorecard()
    for q in questions:
        started = time.perf_counter()
        result = searcher.search(q.question, k=10, recipe=recipe)
        report.outcomes.append(judge(q, result, time.perf_counter() - started))
    return report


def evaluate_plain_bm25(searcher: Searcher, questions: Iterable[Question]) -> Scorecard:
    """The textbook baseline on the same chunks: BM25 over jieba search-mode words, nothing else."""
    import bm25s
    import jieba

    cutter = jieba.Tokenizer()
    rows = searcher.index.passages()  # (id, report id, section, text)
    words = lambda t: [w for w in cutter.cut_for_search(t.lower()) if w.strip()]  # noqa: E731
    bm25 = bm25s.BM25()
    bm25.index([words(f"{section}\n{text}") for _, _, section, text in rows], show_progress=False)
    report = Scorecard()
    for q in questions:
        started = time.perf_counter()
        tokens = [w for w in words(normalize_text(q.question)) if w in bm25.vocab_dict]
        order = np.argsort(-bm25.get_scores(tokens))[:10] if tokens else []
        hits = [(rank + 1, rows[i]) for rank, i in enumerate(order)]
        doc = lambda r: searcher.index.reports[r[1]].path  # noqa: E731
        rank = next((n for n, r in hits if is_hit(q, doc(r), r[3])), None)
        report.outcomes.append(Outcome(q, rank, False, True, time.perf_counter() - started))
    return report


def format_report(report: Scorecard, recipe: str) -> str:
    lines = [f"recipe: {recipe}", "", "| type | n | hit@1 | hit@5 | MRR@10 | answer@1 |", "|---|---|---|---|---|---|"]
    kinds = sorted({o.question.type for o in report.outcomes if o.question.doc})
    for kind in [None, *kinds]:
        m = report.metrics(kind)
        lines.append(f"| {kind or 'all'} | {m['n']} | {m['hit@1']:.2f} | {m['hit@5']:.2f} | {m['mrr@10']:.2f} "
                     f"| {m['answer@1']:.2f} |")
    na = report.no_answer()
    trust = report.trust()
    lines += ["", f"no-answer: unanswerable flagged {na['unanswerable_flagged']:.2f} "
                  f"(n={na['n_unanswerable']}), answerable kept confident {na['answerable_confident']:.2f}",
              f"trust (wording aside): precision of confident answers {trust['precision']:.2f} "
              f"({trust['n_wrong']} wrong of {trust['n_confident']}), coverage {trust['coverage']:.2f}, "
              f"answerable flagged {trust['false_flags']:.2f}",
              f"median query time: {report.median_ms():.1f} ms"]
    if (variety := report.variety())["n"]:
        lines.insert(-1, f"variety: {variety['3_reports@5']:.2f} of {variety['n']} requests that {VARIETY}+ reports "
                         f"answer have {VARIETY} of them in the top 5")
    return "\n".join(lines)


def misses(report: Scorecard) -> str:
    out = []
    for o in report.outcomes:
        if o.question.doc and o.rank != 1:
            out.append(f"{o.question.id} [{o.question.type}] rank={o.rank} {o.question.question} → {o.question.doc}: "
                       f"{o.question.answer}")
        if not o.question.doc and o.confident:
            out.append(f"{o.question.id} [unanswerable] answered confidently: {o.question.question}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.eval", description="检索质量评测 / retrieval evaluation")
    parser.add_argument("questions", type=Path, nargs="?", default=DEFAULT_QUESTIONS)
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--recipe", choices=[*RECIPES, "bm25-jieba", "all"], default="hybrid")
    parser.add_argument("--misses", action="store_true", help="列出未命中的问题 / list the questions missed")
    parser.add_argument("--weights", default="", metavar="NAME=VALUE,…",
                        help="用其他排序权重评测，如 keyword_share=0.4,rerank_depth=60 / measure other ranking weights "
                             "(names: search/weights.py)")
    args = parser.parse_args(argv)
    try:
        searcher = Searcher(args.index, weights=Weights.parse(args.weights))
    except (UserError, KeyboardInterrupt) as problem:
        return exit_code(problem, interrupted="")
    questions = load_questions(args.questions)
    indexed = {Path(r.path).name for r in searcher.index.reports.values()}
    questions = [q for q in questions if q.doc is None or q.doc in indexed]
    for recipe in [*RECIPES, "bm25-jieba"] if args.recipe == "all" else [args.recipe]:
        report = (evaluate_plain_bm25(searcher, questions) if recipe == "bm25-jieba"
                  else evaluate(searcher, questions, recipe))
        print(format_report(report, recipe))
        if args.misses:
            print(misses(report))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
