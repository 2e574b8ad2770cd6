"""Fit the answer-confidence model and choose its threshold (run by hand; writes search/calibration.json).

    .venv/bin/python benchmarks/calibrate.py --index DIR [--fit questions blind blind2] [--check blind3]
                                             [--precision 0.97] [--write]

For every question of the --fit sets that wants an answer (numbers, facts, scoped questions and the unanswerable
ones; wording requests aside) and that no rule already withholds, the signals of its top answer
(search/calibration.py) and whether that answer is right (the gold report and gold words in the highlighted
sentence; any answer to an unanswerable question is wrong) train a logistic regression (scikit-learn). The
threshold is the lowest at which the confident answers of the fit sets reach --precision, or --threshold. The calibration
table (confidence bucket → share right) is printed for the fit sets and, held out, for the --check sets.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from _common import PROJECT, table

from search.calibration import MODEL, SIGNALS, Calibration
from search.eval import judge, load_questions
from search.retrieve import Searcher

BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)


def examples(searcher: Searcher, names: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Signals and right/wrong of every answer no rule withholds, and how many answerable questions there were."""
    rows, labels, answerable = [], [], 0
    indexed = {Path(r.path).name for r in searcher.index.reports.values()}
    for name in names:
        for q in load_questions(PROJECT / "tests" / "eval" / f"{name}.jsonl"):
            if q.type == "wording" or (q.doc and q.doc not in indexed):
                continue
            answerable += bool(q.doc)
            result = searcher.search(q.question, k=10)
            if result.doubt is None:
                rows.append([result.signals[s] for s in SIGNALS])
                labels.append(int(bool(q.doc) and judge(q, result, 0.0).answer_hit))
    return np.array(rows, dtype=float), np.array(labels), answerable


def threshold_for(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    for t in sorted(set(np.round(p, 4))):
        kept = p >= t
        if kept.any() and y[kept].mean() >= precision:
            return float(t)
    return 1.0


def report(label: str, p: np.ndarray, y: np.ndarray, answerable: int, threshold: float) -> str:
    kept = p >= threshold
    rows = []
    for lo, hi in zip(BUCKETS, BUCKETS[1:]):
        inside = (p >= lo) & (p < hi)
        rows.append([f"{lo:.2f}–{min(hi, 1):.2f}", int(inside.sum()), f"{y[inside].mean():.2f}" if inside.any() else "–"])
    return (f"{label}: {int(kept.sum())} answers kept of {len(p)}, precision {y[kept].mean() if kept.any() else 0:.3f}, "
            f"coverage {y[kept].sum() / max(1, answerable):.3f}\n\n" + table(["confidence", "answers", "share right"], rows))


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--fit", nargs="+", default=["questions", "blind", "blind2"])
    parser.add_argument("--check", nargs="*", default=["blind3"])
    parser.add_argument("--precision", type=float, default=0.97)
    parser.add_argument("--threshold", type=float, help="use this threshold instead of the one --precision gives")
    parser.add_argument("--write", action="store_true", help=f"write {MODEL.name}")
    args = parser.parse_args()
    searcher = Searcher(args.index)
    searcher.calibration = Calibration()  # nothing withheld while the signals are collected
    x, y, answerable = examples(searcher, args.fit)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    threshold = args.threshold if args.threshold is not None else threshold_for(p, y, args.precision)
    fitted = Calibration(float(model.intercept_[0]), dict(zip(SIGNALS, map(float, model.coef_[0]))), threshold)
    print(report(f"fit on {' + '.join(args.fit)}", p, y, answerable, threshold))
    held_out = ""
    if args.check:
        xc, yc, answerable_c = examples(searcher, args.check)
        pc = np.array([fitted.confidence(dict(zip(SIGNALS, row))) for row in xc])
        held_out = report(f"held out: {' + '.join(args.check)}", pc, yc, answerable_c, threshold)
        print("\n" + held_out)
    if args.write:
        chosen = f"threshold {threshold}" if args.threshold is not None else f"threshold for precision {args.precision}"
        note = f"fitted on {' + '.join(args.fit)} ({len(y)} answers, {int((1 - y).sum())} wrong); {chosen}"
        MODEL.write_text(json.dumps({"intercept": fitted.intercept, "coefficients": fitted.coefficients,
                                     "threshold": threshold, "note": note}, ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
        print(f"\nwrote {MODEL}")


if __name__ == "__main__":
    main()
