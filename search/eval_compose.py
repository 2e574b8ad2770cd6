"""Measure the check of generated answers (search/compose.py) on adversarial completions made from real passages:
`python -m search.eval_compose tests/eval/blind5.jsonl --index DIR`.

For every question the search's top passages are taken, and from each of the first three a sentence with a
figure. From that sentence completions are made as a model might write them: faithful ones (copied and cited,
the figure in Chinese numerals, 1.2万 as 12000) that must pass, and wrong ones that must be caught: a figure
changed (+1, ×10, 万↔亿), a year changed, a place name changed, the sentence cited to a passage that does not hold
its figure, no citation at all. A changed figure that happens to stand in a cited passage is skipped: the check
finds what the passages do not say; a figure the passages do say, put in the wrong place, is not its to find.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import cn2an

from index.cli import exit_code
from index.errors import UserError
from search.compose import PASSAGES, ClaimKind, Evidence, check, claim_value, claims_in
from search.retrieve import Searcher

SOURCES = 3  # passages a sentence is taken from, per question
_SENTENCE = re.compile(r"[^。！？；\n]{8,120}[。！？；]")
_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_YEAR = re.compile(r"(20[0-3]\d)(?=年)")
_PLACES = ("盐田区", "张店乡", "宝安区", "河南省", "内蒙古自治区")  # one not in the passages replaces the place named


def completions(sentence: str, n: int, evidence: list[Evidence]) -> Iterator[tuple[str, str, bool]]:
    """(kind, completion, must be caught) for one sentence of passage n."""
    cited = f"{sentence.rstrip('。！？；')}[{n}]。"
    yield "faithful", cited, False
    figure = _FIGURE.search(sentence)
    if (figure and "." not in figure.group() and int(figure.group()) < 100 and not _YEAR.match(sentence, figure.start())
            and not _inside_quotes(sentence, figure.start())):
        yield "chinese numerals", cited.replace(figure.group(), _chinese(int(figure.group())), 1), False
    if big := re.search(r"(\d+(?:\.\d+)?)万(?!亿)", sentence):
        whole = f"{float(big.group(1)) * 10000:.0f}"
        yield "万 written out", cited.replace(big.group(), whole, 1), False
    held = set().union(*(e.figures for e in evidence))
    if figure and not _YEAR.match(sentence, figure.start()):
        for kind, new in (("figure +1", _plus_one(figure.group())), ("figure ×10", _times_ten(figure.group()))):
            if claim_value(new) not in held:
                yield kind, cited.replace(figure.group(), new, 1), True
    if figure and (measured := re.match(r"(万|亿)?(起|件|人|元|个|项|次|场|家|户|亩|吨)", sentence[figure.end():])):
        other = "件" if measured.group(2) != "件" else "起"
        at = figure.end() + measured.start(2)
        yield "unit changed", cited[:at] + other + cited[at + 1:], True
    if unit := re.search(r"(?<=\d)(万|亿)", sentence):
        other = "亿" if unit.group() == "万" else "万"
        yield f"{unit.group()}→{other}", cited[:unit.start()] + other + cited[unit.end():], True
    if year := _YEAR.search(sentence):
        new = str(int(year.group()) - 3)
        if not any(new in e.digits_text for e in evidence):
            yield "year changed", cited.replace(year.group(), new, 1), True
    if figure and (other := _passage_without(sentence, n, evidence)):
        yield "cited elsewhere", cited.replace(f"[{n}]", f"[{other}]"), True
    if figure:
        yield "no citation", cited.replace(f"[{n}]", ""), True
    new = next(p for p in _PLACES if not any(p in e.text for e in evidence))
    places = [cited[a:b] for (a, b), kind in claims_in(cited) if kind is ClaimKind.NAME and cited[b - 1] in "省市区县乡镇"]
    yield "place changed", (cited.replace(places[0], new, 1) if places else f"{new}{cited}"), True


def _inside_quotes(sentence: str, at: int) -> bool:
    """A figure in a quoted title ("《…二十个乡镇…方案》") is part of a name: written otherwise, it is not the name."""
    return any(m.start() < at < m.end() for m in re.finditer(r"《[^》]*》|“[^”]*”", sentence))


def _times_ten(figure: str) -> str:
    whole, _, fraction = figure.partition(".")
    return f"{whole}{fraction[:1] or '0'}" + (f".{fraction[1:]}" if fraction[1:] else "")


def _plus_one(figure: str) -> str:
    whole, _, fraction = figure.partition(".")
    return f"{int(whole) + 1}.{fraction}" if fraction else str(int(whole) + 1)


def _chinese(number: int) -> str:
    return cn2an.an2cn(number, "low")


def _passage_without(sentence: str, n: int, evidence: list[Evidence]) -> int | None:
    """Another passage that does not hold the sentence's first figure (with its unit)."""
    figures = [sentence[a:b] for (a, b), kind in claims_in(sentence) if kind is ClaimKind.NUMBER]
    return next((m for m, e in enumerate(evidence, 1)
                 if m != n and figures and not e.holds(figures[0], ClaimKind.NUMBER)), None)


def evaluate(searcher: Searcher, questions: list[str]) -> Counter:
    counts: Counter = Counter()
    for question in questions:
        hits = searcher.search(question, k=PASSAGES).hits[:PASSAGES]
        evidence = [Evidence.of(h) for h in hits]
        for n, hit in enumerate(hits[:SOURCES], 1):
            sentence = next((s for s in _SENTENCE.findall(hit.chunk.text) if _FIGURE.search(s)), None)
            if not sentence:
                continue
            for kind, text, wrong in completions(sentence, n, evidence):
                caught = check(text, evidence).problems > 0
                counts[(kind, wrong, caught)] += 1
    return counts


def format_counts(counts: Counter) -> str:
    kinds = sorted({k for k, _, _ in counts}, key=lambda k: (k != "faithful", k))
    lines = ["| completion | must be caught | caught | passed |", "|---|---|---|---|"]
    for kind in kinds:
        wrong = any(w for k, w, _ in counts if k == kind)
        lines.append(f"| {kind} | {'yes' if wrong else 'no'} | {counts[(kind, wrong, True)]} | "
                     f"{counts[(kind, wrong, False)]} |")
    bad = sum(v for (_, w, _), v in counts.items() if w)
    caught = sum(v for (_, w, c), v in counts.items() if w and c)
    good = sum(v for (_, w, _), v in counts.items() if not w)
    alarms = sum(v for (_, w, c), v in counts.items() if not w and c)
    lines.append(f"\nwrong completions caught: {caught} of {bad} ({caught / max(1, bad):.3f}); "
                 f"faithful ones flagged: {alarms} of {good} ({alarms / max(1, good):.3f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.eval_compose",
                                     description="生成式回答核对的评测 / measure the check of generated answers")
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    args = parser.parse_args(argv)
    try:
        searcher = Searcher(args.index)
    except (UserError, KeyboardInterrupt) as problem:
        return exit_code(problem, interrupted="")
    questions = [json.loads(line)["question"] for path in args.questions
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(format_counts(evaluate(searcher, questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
