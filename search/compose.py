"""A short answer written by a local language model from the top passages, every sentence with citation marks
[1][2] that point at the passages, and every number, date and name it writes checked against the passages it cites.

The model is told to cite and to copy figures, and models still invent both; so nothing it writes is trusted: a
claim not found in the cited passages is marked, and so is a citation of a passage that does not hold the claim.
The extractive answer stays the answer of record; this is shown beside it, labelled.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import cn2an
import jieba.posseg

from search.llm import Failure, LLMConfig, LLMError, stream_chat
from search.results import Hit, SearchResult
from text import CHINESE_DIGITS
from text.gazetteer import gazetteer
from text.lexicon import alternation, words
from text.normalize import normalize_text
from text.years import PLAN_PERIOD
from text.numbers import QUANTITY_UNITS

NO_ANSWER_SAID = "所给段落中没有找到答案"  # what the prompt asks a model to say; needs no citation
PASSAGES = 5  # the passages the page shows under the answer card, so every mark points at one on screen

SYSTEM_PROMPT = (
    "你是政府工作报告查询助手。只能根据用户给出的编号段落回答问题，不得使用段落以外的知识。要求：\n"
    "1. 用简洁的中文回答，不超过200字；\n"
    "2. 每句话末尾用方括号标出依据的段落编号，如[1]或[1][3]；\n"
    "3. 数字、日期、地名、机构名和人名必须与段落原文一字不差，不得换算、估计或合计；\n"
    f"4. 段落中没有答案时，只回答“{NO_ANSWER_SAID}”。"
)

# "[1]", "[1][3]", "[1,2]", "[1-3]", "[^1]" (a footnote's form), "【2】": marks that cite passages by their number.
_MARK = re.compile(r"\s*[\[【]\^?\s*(\d{1,2}(?:\s*[,，、\-–~]\s*\d{1,2})*)\s*[\]】]")
_ENDED = re.compile(r"[。！？!?\]】]\s*$")
_MARK_RANGE = re.compile(r"(\d{1,2})\s*[\-–~]\s*(\d{1,2})")
_SENTENCE_END = re.compile(r"[。！？!?\n]")  # not at "；": a model cites at the end of "A；B。"
# A reasoning model's thoughts (DeepSeek-R1 via Ollama); where the chat template opens <think> in the prompt, the
# answer starts inside the thoughts and only their end comes.
_THINKING = re.compile(r"<think>.*?(?:</think>|$)|^.*?</think>", re.S)
_NUMERAL = f"[{CHINESE_DIGITS}十百千万亿两点]"
# Dates first, so "2023年3月15日" is one claim: a year, a month, a day, in digits or Chinese numerals.
_DATE = re.compile(rf"(?:(?:\d{{4}}|[{CHINESE_DIGITS}○]{{4}})\s*年\s*)?(?:\d{{1,2}}|[一二三四五六七八九十元]{{1,2}})\s*月"
                   rf"(?:\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[日号])?"
                   rf"|(?:\d{{4}}|[{CHINESE_DIGITS}○]{{4}})\s*年")
# What may follow a figure as its unit: the units reports use, and shares (三成) and multiples (翻两番).
_UNIT = f"(?:%|‰|成|番|{alternation(QUANTITY_UNITS)})"
_ABOUT = "[余多]"  # "5000余户", "200多万元"
# A figure: digits (1,234.5), or Chinese numerals counting something ("三十六场", "百分之六点五", "五起", "三成"),
# never an ordinal ("一是", "第一") nor a lone 一 ("一个机制", "一批" say nothing checkable).
_FIGURE = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
                     rf"|(?<![第{CHINESE_DIGITS}十百千万])(?:(?:百分之|千分之){_NUMERAL}+|{_NUMERAL}{{2,}}(?![是])"
                     rf"|[二两三四五六七八九十](?={_ABOUT}?{_UNIT}))")
# Not 千: after a figure it is mostly a unit's start (千瓦, 千克, 千米).
_MAGNITUDE = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)?")
_YEAR_ONLY = re.compile(r"\d{4}年")
_MEASURED = re.compile(rf"(\d+(?:\.\d+)?)\s*(万亿|亿|万)?\s*{_ABOUT}?\s*({_UNIT})?")
_ORGANISATION = re.compile(f"{alternation(words('organisation_suffixes'))}$")
# jieba's part-of-speech tags for proper names: people, places, organisations, other proper nouns.
_NAME_TAGS = frozenset({"nr", "ns", "nt", "nz"})
_QUOTED = re.compile(r"《([^》]{2,40})》|“([^”]{2,40})”")


class ClaimKind(str, Enum):
    NUMBER = "数字"
    DATE = "日期"
    NAME = "名称"


class Support(str, Enum):
    CITED = "cited"          # in a passage the sentence cites
    UNCITED = "uncited"      # only in a passage the sentence does not cite (the citation does not support it)
    ABSENT = "absent"        # in no passage: invented, or changed (a sum, a rounding, a converted unit)


@dataclass(frozen=True)
class Claim:
    text: str
    kind: ClaimKind
    start: int               # in the sentence's text
    end: int
    support: Support
    found_in: tuple[int, ...] = ()   # passages holding it (their numbers, from 1)


@dataclass(frozen=True)
class Sentence:
    text: str                        # without its citation marks
    cites: tuple[int, ...]           # passage numbers it cites (those that exist)
    wrong_cites: tuple[int, ...]     # numbers with no such passage
    claims: tuple[Claim, ...]
    finished: bool = True            # False: the last sentence while the model is still writing

    @property
    def uncited(self) -> bool:
        """A statement with no mark: every sentence must say where it comes from, except saying there is no answer."""
        return self.finished and not self.cites and not self.wrong_cites and NO_ANSWER_SAID not in self.text

    @property
    def problems(self) -> int:
        unsupported = sum(c.support is not Support.CITED for c in self.claims)
        return unsupported + len(self.wrong_cites) + (self.uncited and not unsupported)


@dataclass(frozen=True)
class Composed:
    sentences: tuple[Sentence, ...]
    passages: int                    # how many passages the model was given
    done: bool                       # the model finished, or failed
    failure: Failure | None = None

    @property
    def problems(self) -> int:
        return sum(s.problems for s in self.sentences if s.finished)

    @property
    def checked(self) -> bool:
        """Finished, complete, and nothing in it that its passages do not say."""
        return self.done and self.failure is None and bool(self.sentences) and self.problems == 0


def messages(question: str, hits: tuple[Hit, ...]) -> list[dict[str, str]]:
    """What the model is asked: the question and the numbered passages with their reports' titles."""
    numbered = "\n\n".join(f"[{n}]《{h.chunk.report.title}》\n{h.chunk.text}" for n, h in enumerate(hits, 1))
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"问题：{question}\n\n段落：\n{numbered}"}]


def composable(result: SearchResult) -> bool:
    """Answers are written for questions, from passages: not for a wording request, not from nothing."""
    return result.mode == "answer" and bool(result.hits)


def composed_answer(config: LLMConfig, result: SearchResult) -> Composed | None:
    """The finished answer (for the command line and the API, which do not stream); None when not composable."""
    if not composable(result):
        return None
    last = None
    for last in compose(config, result.query.text, result.hits):
        pass
    return last


def compose(config: LLMConfig, question: str, hits: tuple[Hit, ...]) -> Iterator[Composed]:
    """The answer as the model writes it, checked so far at each step; the last one says how it ended."""
    hits = hits[:PASSAGES]
    evidence = [Evidence.of(h) for h in hits]
    text, seen = "", {}
    try:
        for delta in stream_chat(config, messages(question, hits)):
            text += delta
            yield check(text, evidence, done=False, seen=seen)
    except LLMError as problem:
        yield check(text, evidence, done=True, failure=problem.failure, seen=seen)
        return
    yield check(text, evidence, done=True, failure=None if visible(text).strip() else Failure.EMPTY, seen=seen)


@dataclass(frozen=True)
class Evidence:
    """What one passage can support: its text with its report's title, as written and with numerals as digits."""
    text: str
    figures: frozenset[float]
    digits_text: str
    measured: frozenset[tuple[float, str]]  # figures with the unit written after them: (1000000.0, "头")

    @classmethod
    def of(cls, hit: Hit) -> "Evidence":
        # The title names the place for a name, never a year or figure: the 2026 work report tells of 2025.
        return cls.of_text(hit.chunk.text, title=hit.chunk.report.title)

    @classmethod
    def of_text(cls, text: str, title: str = "") -> "Evidence":
        text = normalize_text(text)
        digits = as_digits(text).replace(",", "")
        measured = frozenset((claim_value(m.group()), m.group(3) or "") for m in _MEASURED.finditer(digits))
        return cls(f"{normalize_text(title)}\n{text}", frozenset(v for v, _ in measured),
                   re.sub(r"\s", "", digits).replace("号", "日"), measured)

    def holds(self, claim: str, kind: ClaimKind) -> bool:
        if kind is ClaimKind.NAME:
            return claim in self.text
        digits = re.sub(r"\s", "", as_digits(claim)).replace("号", "日").replace(",", "")
        if kind is ClaimKind.DATE and not _YEAR_ONLY.fullmatch(digits):
            return re.search(rf"(?<!\d){re.escape(digits)}", self.digits_text) is not None  # not "1月" in "11月"
        measured = _MEASURED.match(digits)
        if kind is ClaimKind.DATE or measured is None or not measured.group(3):
            return claim_value(digits) in self.figures  # "2023年" also where a range says "2021—2023年"
        # "100亿头" is not supported by "100万头" nor by "100亿元" in the same passage: the unit goes with the figure.
        return (claim_value(digits), measured.group(3)) in self.measured


def check(text: str, evidence: list[Evidence], done: bool = True, failure: Failure | None = None,
          seen: dict[str, Sentence] | None = None) -> Composed:
    """The text cut into sentences, each finished one checked (once: `seen` keeps them while a stream grows, as a
    check costs ~5 ms a sentence); the sentence still being written is shown unchecked."""
    seen = {} if seen is None else seen
    pieces = split_sentences(normalize_text(visible(text)))
    sentences = []
    for i, piece in enumerate(pieces):
        # After a failure the last piece may be a sentence cut short: shown, but not checked as if whole.
        if i < len(pieces) - 1 or (done and (failure is None or _ENDED.search(piece))):
            if piece not in seen:
                seen[piece] = _sentence(piece, evidence)
            sentences.append(seen[piece])
        else:
            sentences.append(Sentence(_MARK.sub("", piece).strip(), (), (), (), finished=False))
    return Composed(tuple(sentences), len(evidence), done, failure)


def visible(text: str) -> str:
    """What the model says, without the thinking a reasoning model writes first."""
    return _THINKING.sub("", text).lstrip()


def split_sentences(text: str) -> list[str]:
    """Sentences with the marks that follow them: "…26起。[1]" cites for the sentence before the mark."""
    pieces, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if end.start() < start:
            continue
        stop = end.end()
        while mark := _MARK.match(text, stop):
            stop = mark.end()
        pieces.append(text[start:stop])
        start = stop
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def _sentence(piece: str, evidence: list[Evidence]) -> Sentence:
    numbers = [n for m in _MARK.finditer(piece) for n in _cited(m.group(1))]
    cites = tuple(dict.fromkeys(n for n in numbers if 1 <= n <= len(evidence)))
    wrong = tuple(dict.fromkeys(n for n in numbers if not 1 <= n <= len(evidence)))
    text = _MARK.sub("", piece).strip()
    claims = tuple(_supported(text, span, kind, cites, evidence) for span, kind in claims_in(text))
    return Sentence(text, cites, wrong, claims)


def _cited(marks: str) -> list[int]:
    """"1,3" → 1, 3; "1-3" → 1, 2, 3."""
    numbers = []
    for part in re.split(r"\s*[,，、]\s*", marks):
        span = _MARK_RANGE.fullmatch(part)
        numbers.extend(range(int(span.group(1)), int(span.group(2)) + 1) if span else [int(part)])
    return numbers


def claims_in(text: str) -> list[tuple[tuple[int, int], ClaimKind]]:
    """Every date, figure and name the text states, by position (a figure inside a date is the date's)."""
    found: list[tuple[tuple[int, int], ClaimKind]] = []
    taken: set[int] = set()

    def add(start: int, end: int, kind: ClaimKind) -> None:
        if end > start and not taken.intersection(range(start, end)):
            found.append(((start, end), kind))
            taken.update(range(start, end))

    for m in _DATE.finditer(text):
        add(m.start(), m.end(), ClaimKind.DATE)
    for m in _QUOTED.finditer(text):
        add(m.start(1) if m.group(1) else m.start(2), m.end(1) if m.group(1) else m.end(2), ClaimKind.NAME)
    for m in PLAN_PERIOD.finditer(text):  # "十三五" for "十四五" is another plan
        add(m.start(), m.end(), ClaimKind.NAME)
    for m in _FIGURE.finditer(text):
        if not re.search(r"\d", as_digits(m.group())):
            continue  # "十四五" names a plan period, not a figure
        end = m.end()
        if unit := re.match(rf"\s*(?:万亿|亿|万)?\s*{_ABOUT}?\s*{_UNIT}?", text[end:]):
            end += unit.end()  # the claim is "26起", "1.2万人次": a figure is checked with its unit
        add(m.start(), end, ClaimKind.NUMBER)
    words = list(jieba.posseg.cut(text))
    at = 0
    for place in gazetteer().named_in([w.word for w in words]):  # "张店乡", which jieba does not tag as a place
        start = text.find(place, at)
        add(start, start + len(place), ClaimKind.NAME)
        at = start + len(place)
    at = 0
    for word in words:
        start, at = at, at + len(word.word)
        if (word.flag in _NAME_TAGS and len(word.word) >= 2) or (len(word.word) >= 3 and _ORGANISATION.search(word.word)):
            add(start, at, ClaimKind.NAME)
    return sorted(found)


def _supported(text: str, span: tuple[int, int], kind: ClaimKind, cites: tuple[int, ...],
               evidence: list[Evidence]) -> Claim:
    claim = text[span[0]:span[1]]
    holding = tuple(n for n, e in enumerate(evidence, 1) if e.holds(claim, kind))
    support = (Support.CITED if any(n in cites for n in holding)
               else Support.UNCITED if holding else Support.ABSENT)
    return Claim(claim, kind, span[0], span[1], support, holding)


def as_digits(text: str) -> str:
    """Chinese numerals as digits ("三十六场" → "36场", "百分之六点五" → "6.5%"), through cn2an."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns of every run it leaves as it is ("一些")
        return cn2an.transform(text.replace("○", "〇"), "cn2an")


def claim_value(digits: str) -> float | None:
    """A figure's quantity: "1.2万" is 12000, so a passage saying 12000 supports it and one saying 1.2 does not."""
    m = _VALUE.search(digits.replace(",", ""))
    return round(float(m.group(1)) * _MAGNITUDE.get(m.group(2) or "", 1), 6) if m else None
