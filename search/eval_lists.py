"""Measure list and comparison answers: `python -m search.eval_lists tests/eval/lists_blind.jsonl [--index DIR]`.

A list question names one report and its enumeration ("items", in the report's order); a comparison question names
one figure per report ("cells": report and the words stating it) and the reports that do not state it ("missing").

What a search returns is read as follows. List: the items of its list answer ("list" in the JSON); without one, its
one item is the top answer (a sentence, run on through "一是…二是…" when it opens a list). Comparison: a row per report among the top 10
results, holding that report's first result's answer; a report without a row is "not stated".

- item recall: gold items found in a returned item of the gold report; item precision: returned items holding a
  gold item of the gold report.
- cell accuracy over the gold cells and the missing reports: a cell is right when its report's row states the gold
  words with the gold figure marked (or no figure marked); a missing report is right when it has no row with a
  figure. Figures shown right: of the rows showing a figure for those reports, the right ones (a wrong figure in
  the table is worse than a report listed as not stating it).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.cli import exit_code
from index.errors import UserError
from search.eval import comparable
from search.present import result_json
from search.lists import strip_marker
from search.retrieve import Searcher
from text.numbers import quantities

ROWS_FROM = 10  # results read for comparison rows
MIN_LABEL_CHARS = 4


@dataclass(frozen=True)
class Row:
    doc: str
    text: str
    figure: str | None


@dataclass(frozen=True)
class ListScore:
    id: str
    found: int          # gold items found
    gold: int
    returned: int       # items returned
    relevant: int       # returned items holding a gold item


@dataclass(frozen=True)
class CompareScore:
    id: str
    right: int
    cells: int          # gold cells + missing reports
    shown: int = 0      # rows with a figure for a gold cell's or a missing report
    shown_right: int = 0


def returned_items(result: dict) -> list[Row]:
    if result.get("list"):  # the composed list answer (search/lists.py), item by item
        return [Row(Path(i["doc"]).name, i["text"], None) for i in result["list"]["items"]]
    top = result["results"][0] if result["results"] else None
    return [Row(Path(top["doc"]).name, top["answer"] or "", top["answer_span_text"])] if top else []


def table_rows(result: dict) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for hit in result["table"]["rows"] if result.get("table") else result["results"][:ROWS_FROM]:
        rows.setdefault(Path(hit["doc"]).name, Row(Path(hit["doc"]).name, hit["answer"] or "", hit["answer_span_text"]))
    return rows


def gold_item(item: str) -> str:
    """A gold list item as a returned one holds it: without its number ("24、依法行政"), and a label without what
    follows its colon ("主要经济指标：全年实现…": the item is the label)."""
    item = comparable(strip_marker(item))
    label = item.split(":", 1)[0]
    return label if len(label) >= MIN_LABEL_CHARS and label != item else item


def score_list(row: dict, result: dict) -> ListScore:
    items = [gold_item(i) for i in row["items"]]
    returned = returned_items(result)
    mine = [comparable(r.text) for r in returned if r.doc == row["doc"]]
    found = sum(any(i in text for text in mine) for i in items)
    relevant = sum(r.doc == row["doc"] and any(i in comparable(r.text) for i in items) for r in returned)
    return ListScore(row["id"], found, len(items), len(returned), relevant)


def score_comparison(row: dict, result: dict) -> CompareScore:
    rows = table_rows(result)
    right = shown = shown_right = 0
    for cell in row["cells"]:
        got = rows.get(cell["doc"])
        gold = comparable(cell["answer"])
        figures = [m.group() for m in quantities(gold)]
        correct = bool(got and gold in comparable(got.text)
                       and (got.figure is None or any(f in comparable(got.figure) for f in figures)))
        right += correct
        shown += bool(got and got.figure)
        shown_right += bool(correct and got.figure)
    for doc in row.get("missing", ()):
        stated = bool(rows.get(doc) and rows[doc].figure)
        right += not stated
        shown += stated
    return CompareScore(row["id"], right, len(row["cells"]) + len(row.get("missing", ())), shown, shown_right)


def evaluate(searcher: Searcher, rows: Iterable[dict]) -> tuple[list[ListScore], list[CompareScore]]:
    lists, comparisons = [], []
    for row in rows:
        result = result_json(searcher.search(row["question"], k=ROWS_FROM))
        if row["type"] == "list":
            lists.append(score_list(row, result))
        else:
            comparisons.append(score_comparison(row, result))
    return lists, comparisons


def format_scores(lists: list[ListScore], comparisons: list[CompareScore]) -> str:
    recall = sum(s.found for s in lists) / max(1, sum(s.gold for s in lists))
    precision = sum(s.relevant for s in lists) / max(1, sum(s.returned for s in lists))
    complete = sum(s.found == s.gold for s in lists) / max(1, len(lists))
    accuracy = sum(s.right for s in comparisons) / max(1, sum(s.cells for s in comparisons))
    precision_rows = sum(s.shown_right for s in comparisons) / max(1, sum(s.shown for s in comparisons))
    return (f"lists (n={len(lists)}): item recall {recall:.2f}, item precision {precision:.2f}, "
            f"complete lists {complete:.2f}\n"
            f"comparisons (n={len(comparisons)}): cell accuracy {accuracy:.2f} "
            f"({sum(s.right for s in comparisons)} of {sum(s.cells for s in comparisons)} cells); figures shown right "
            f"{precision_rows:.2f} ({sum(s.shown_right for s in comparisons)} of {sum(s.shown for s in comparisons)})")


def format_misses(lists: list[ListScore], comparisons: list[CompareScore]) -> list[str]:
    """The questions not fully right, one line each, for reading their misses."""
    return ([f"{s.id}: items found {s.found} of {s.gold}, returned {s.relevant} of {s.returned} right"
             for s in lists if s.found < s.gold or s.relevant < s.returned]
            + [f"{s.id}: cells right {s.right} of {s.cells}, figures shown {s.shown_right} of {s.shown} right"
               for s in comparisons if s.right < s.cells or s.shown_right < s.shown])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.eval_lists",
                                     description="列表与对比答案评测 / list and comparison answers")
    parser.add_argument("questions", type=Path)
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--misses", action="store_true",
                        help="每个未全对的问题一行 / a line per question not fully right (ids and counts)")
    args = parser.parse_args(argv)
    try:
        searcher = Searcher(args.index)
    except (UserError, KeyboardInterrupt) as problem:
        return exit_code(problem, interrupted="")
    rows = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    lists, comparisons = evaluate(searcher, rows)
    if args.misses:
        print("\n".join(format_misses(lists, comparisons)))
    print(format_scores(lists, comparisons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
