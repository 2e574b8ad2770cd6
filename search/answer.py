"""Find the sentence of a passage that answers the question, and the number phrase in it.

A sentence is judged by how much of the question's content it covers: character bigrams of
the question (places, years and question words removed, since scoping handles those),
weighted by how rare they are in the corpus.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.chunk import SEPARATOR
from search.weights import Weights
from text import HAN
from text.numbers import answers_unit, has_digit, quantities
from text.tokens import jieba_tokenizer
from text.sentences import CLAUSE_BREAK, ITEM_BREAK, LIST_BREAK, last_break, list_end, sentences, shingles
from text.tense import heading_tense, sentence_tense, states_level_reached
from text.years import PREVIOUS_YEAR_NAMED, YEAR_WORD, subject_years

_WORDS = jieba_tokenizer()
_LEAD_WINDOW = 20  # characters looked back from a number for the start of its clause
_HAN = re.compile(HAN)


@dataclass(frozen=True)
class Answer:
    text: str                  # the answering sentence, verbatim
    start: int                 # offsets in the report text
    end: int
    span_start: int | None     # the number phrase, for quantity questions
    span_end: int | None
    span_text: str | None
    in_review: bool = False    # the sentence stands in its report's review of several years ("过去五年…"); marked
                               # for a comparison's searches of one report (Searcher._one_report)


@dataclass(frozen=True)
class SentenceEvidence:
    start: int                 # offsets within the passage
    end: int
    coverage: float            # share of the question's weighted bigrams found in the sentence
    has_number: bool
    year_agrees: int           # +1 names a year the question names (or reviews the period asked), -1 names only
                               # other years, 0 no year
    tense: int                 # +1 reports a result, -1 states a plan, 0 cannot tell
    states_asked: bool | None = None  # states the measure or kind asked (rank._states_asked); None: nothing asked


def section_tense(section: str) -> int:
    """Whether a breadcrumb names a review of results (DONE) or a work plan (PLAN)."""
    return heading_tense(section.split(SEPARATOR)[1:])


def best_sentence(text: str, grams: dict[str, float], years: tuple[int, ...], prefer_numbers: bool,
                  tense: int = 0, quoted: tuple[str, ...] = (), weights: Weights = Weights(),
                  periods: tuple[tuple[int, int], ...] = (),
                  states_asked: Callable[[str], bool] | None = None,
                  period_asked: bool = False) -> SentenceEvidence | None:
    """The sentence covering most of the question's bigrams (`grams`: bigram → IDF); for quantity questions
    numbers break near-ties, and so does stating the measure asked (`states_asked`: "GDP增长了多少" is
    "地区生产总值增长4.7%", not "进出口总值翻番达到2206亿元" beside it). `periods`: spans of the passage that
    review several years at once, which answer a question about such a review (`period_asked`)."""
    total = sum(grams.values()) or 1.0
    best: tuple[float, SentenceEvidence] | None = None
    for (a, b), lead in zip(spans := sentences(text), _leads(text, spans)):
        s = text[a:b]
        name = _item_name(s) if lead.endswith("：") else ""
        coverage = sum(w for g, w in grams.items() if g in s or g in lead or (name and name in g)) / total
        in_period = any(p0 <= a < p1 for p0, p1 in periods)
        # an item of a list is of the years its lead-in names ("一九五四年预计产量…：…水泥四百七十三万吨，…")
        agrees = (1 if in_period else 0) if period_asked and not years else \
            _year_agreement(lead + s if lead.endswith("：") else s, years, in_period and not states_level_reached(s))
        evidence = SentenceEvidence(a, b, coverage, bool(quantities(s)), agrees,
                                    sentence_tense(s, tense, lead), states_asked(s) if states_asked else None)
        rank = coverage + (weights.sentence_number if prefer_numbers and evidence.has_number else 0.0)
        rank += weights.sentence_measure if evidence.states_asked else 0.0
        rank += weights.sentence_year * evidence.year_agrees
        rank += weights.sentence_quote if any(q in s for q in quoted) else 0.0
        if best is None or rank > best[0]:
            best = (rank, evidence)
    return best[1] if best else None


def _leads(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """What each sentence continues: the clauses after a semicolon share the subject of the first
    ("铁路正线的通车里程一九四九年为二万一千七百公里；…今年预计将达二万五千五百公里。"), and the items after a colon
    its lead-in ("一九五四年预计产量…以下的动人的数字：电力…；…；钢二百十七万吨…；"). A sentence's own years
    still say which year it is of."""
    leads, lead = [], ""
    for i, (a, b) in enumerate(spans):
        continues = i > 0 and text[spans[i - 1][1] - 1] in "；;" and "\n" not in text[spans[i - 1][1]:a]
        if not continues:
            first = text[a:b]
            lead = first[:first.find("：") + 1] if "：" in first else first
            leads.append("")
        else:
            leads.append(lead)
    return leads


def _item_name(item: str) -> str:
    """What a listed figure is of: "钢" of "钢二百十七万吨，等于…". A one-character name shares no bigram with "钢产量",
    so the bigrams of the question that hold the name count as found (b015 picked the list's first item, 电力)."""
    numbers = quantities(item)
    name = item[:numbers[0].start()] if numbers else ""
    return name if 0 < len(name) <= 6 and not CLAUSE_BREAK.search(name) else ""


def _year_agreement(sentence: str, years: tuple[int, ...], in_period: bool = False) -> int:
    """+1 the sentence names a year asked, -1 it names only others or, unnamed, gives a five-year review's figure
    for a question about one year."""
    named = set(subject_years(sentence))
    if years and named:
        return 1 if named & set(years) else -1
    # "去年居民消费价格…上涨4.8%" in a five-year review is the year's own figure, not the period's.
    return -1 if in_period and len(years) == 1 and not PREVIOUS_YEAR_NAMED.search(sentence) else 0


def make_answer(text: str, offset: int, evidence: SentenceEvidence, grams: dict[str, float],
                wants_quantity: bool, unit: str | None = None) -> Answer:
    a, b = evidence.start, evidence.end
    sentence = text[a:b]
    span = _number_span(sentence, grams, unit) if wants_quantity else None
    if span is None:
        b = b if wants_quantity else list_end(text, a, b)  # "存在哪些薄弱环节": all of "一是…；二是…；三是…"
        return Answer(text[a:b], offset + a, offset + b, None, None, None)
    s0, s1 = span
    return Answer(sentence, offset + a, offset + b, offset + a + s0, offset + a + s1, sentence[s0:s1])


def _number_span(sentence: str, grams: dict[str, float], unit: str | None = None) -> tuple[int, int] | None:
    """The number phrase nearest the question's words, with the few words that lead into it; of the figures in
    the unit asked for, when there are any ("多少家企业": "1097家", not "23.7亿元")."""
    every = quantities(sentence)
    numbers = [m for m in every if answers_unit(unit, m.group())] or list(every)
    # "从27136元增加到…元": the starting point is not the figure reached.
    numbers = [m for m in numbers if not sentence[:m.start()].endswith("从")] or numbers
    if not numbers:
        return None
    # The question's bigrams are lower-cased ("pm" of "PM2.5浓度"): matched against the sentence lower-cased too.
    lowered = sentence.lower() if len(sentence.lower()) == len(sentence) else sentence
    hits = [m.start() for g in grams for m in re.finditer(re.escape(g), lowered)]

    def distance(m: re.Match[str]) -> float:
        # Question words usually come just before the number ("化解矛盾" → "26起").
        return min((m.start() - h if h <= m.start() else 3 * (h - m.start()) for h in hits), default=m.start())

    def said_of(text: str) -> float:
        return sum(w for g, w in grams.items() if g in text)

    def own_clause(m: re.Match[str]) -> float:
        # In a run of indicators ("地区生产总值增长5%，…社会消费品零售总额增长3.9%") the figure asked is the one whose
        # own clause names what is asked; the nearest question word ("增长") may be another indicator's.
        return said_of(lowered[last_break(CLAUSE_BREAK, sentence, m.start()):m.start()])

    def with_lead(m: re.Match[str]) -> float:
        # What names the item: back to the last break between items, quotes and brackets inside ("专精特新“小巨人”
        # 450家": cut at the quote, the clause named nothing and "国家高新技术企业1.28万家" was marked: questions.jsonl
        # q123). A later item of a list also has the words leading the list ("淘汰落后炼铁产能4659万吨、炼钢产能3747万
        # 吨、水泥产能8700万吨": "…淘汰…水泥产能" marked 炼铁's figure, compare_blind32 D803): those before the list's
        # first figure, less the first item's own name, taken to be as long as this one's.
        name_at = last_break(ITEM_BREAK, sentence, m.start())
        run = last_break(LIST_BREAK, sentence, m.start())
        first = next((n.start() for n in every if n.start() >= run), m.start())
        name = lowered[name_at:m.start()]
        # A figure right after another ("…分别增至37座、14座") is no item with a name: it has no lead either.
        lead = lowered[run:max(run, first - len(name))] if first < name_at and _HAN.search(name) else ""
        return said_of(f"{lead} {name}")

    def named_after(m: re.Match[str]) -> float:
        # What a count is of often follows it, up to the next break or figure ("张店乡16个行政村"); weighed only
        # between figures the words before name alike: as much, "对区直属部门235项行政审批事项，削减55项" marked 235项
        # for "行政审批事项削减了多少项" (questions.jsonl q054).
        after = ITEM_BREAK.search(sentence, m.end())
        end = min(after.start() if after else len(sentence),
                  next((n.start() for n in every if n.start() >= m.end()), len(sentence)))
        return said_of(lowered[m.end():end])

    def opens(m: re.Match[str]) -> bool:
        # "万元GDP水耗" opens its item with no figure: a unit it is measured per
        return not _HAN.search(lowered[last_break(ITEM_BREAK, sentence, m.start()):m.start()]) \
            and has_digit(m.group())

    def named(m: re.Match[str]) -> float:
        # A figure opening its item is named by what follows it ("，162个小区实现高清视频围合，…围合式小区27个":
        # compare_blind37 M902 marked 27个 for "视频围合搞了多少个"); named as much, one named before it goes first
        # ("高校数量增至15所，4所高校入选…": blind7 g045).
        return named_after(m) if opens(m) else with_lead(m)

    best = min(numbers, key=lambda m: (-named(m), opens(m), -named_after(m), -own_clause(m), distance(m)))
    return _lead_in(sentence, best.start()), best.end()


def _lead_in(sentence: str, start: int) -> int:
    """Step back from the number to the start of its clause, so "化解矛盾26起" rather than "26起"; a clause longer
    than the window is cut where a word starts, never inside a name ("红岩乡全年…", not "岩乡全年…")."""
    lo = max(0, start - _LEAD_WINDOW)
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(sentence[lo:start])]
    if breaks:
        cut = lo + breaks[-1]
    else:
        cut = lo if lo == 0 else _word_start(sentence, lo)
    year = YEAR_WORD.search(sentence[cut:start])
    return cut + year.end() if year else cut


def _word_start(sentence: str, at: int) -> int:
    """The first offset at or after `at` where one of jieba's words of the sentence starts."""
    pos = 0
    for word in _WORDS.cut(sentence):
        if pos >= at:
            return pos
        pos += len(word)
    return at


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def restates(answer: Answer, other: Answer) -> bool:
    """The other answer states the same thing with a different figure: the same sentence once its numbers are set
    aside (a corrected version of a report: "植树造林3150亩" → "植树造林4200亩"), and another number marked."""
    if not (answer.span_text and other.span_text) or _figure(answer.span_text) == _figure(other.span_text):
        return False
    mine, theirs = shingles(_DIGITS.sub("#", answer.text)), shingles(_DIGITS.sub("#", other.text))
    return len(mine & theirs) / max(1, len(mine | theirs)) >= _RESTATED


_RESTATED = 0.6  # share of 4-character shingles two sentences must have in common to be one statement


def _figure(span: str) -> str:
    numbers = quantities(span)
    return numbers[-1].group() if numbers else span

