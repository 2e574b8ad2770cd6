"""Understand a question: quoted wording, years, whether it asks for a quantity or for precedent wording."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from text.normalize import normalize_text
from text.places import expand_abbreviations, outside_names
from text.numbers import asked_unit, asks_how_many, asks_total, noun_measure
from text.question import (FRAME, MEASURE, NAME_ASKED, asked_kind, asked_of_reports, compound_modifiers, counted_phrase, indicators_in, latin_terms, measure_phrases, ORIGINAL, PERSON_ROLE, QUOTED, asks_figure, REPORT_YEAR, SYNONYMS,
                           WHY, asks_wording)
from text.tense import (DONE, DONE_QUESTION, PLAN, PLAN_QUESTION, RESULT_QUESTION, TARGET_QUESTION, UNKNOWN, asks_period,
                        names_target, refuses_target, without_plan_unasked, without_refused_things,
                        asks_level_at_year_end, states_period_total, without_level_raised)
from text.tokens import bigrams
from text.years import DIGIT_YEAR, PLAN_PERIOD, PREVIOUS_YEAR, YEAR_WORD, asked_years, names_span, spell_years

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class Query:
    text: str                   # normalised question, trimmed to a sensible length
    quoted: tuple[str, ...]     # quoted phrases: verbatim in answers and where the original words are asked
    years: tuple[int, ...]      # years named explicitly ("去年" is deliberately ignored)
    wants_quantity: bool
    wants_wording: bool
    expanded: str = ""          # text plus the report wording of any synonyms it uses
    place_text: str = ""        # text where places are looked for: a place inside a name blanked ("宝安机场")
    synonyms: tuple[tuple[str, str], ...] = ()  # (asker's term, report wording) pairs the question uses
    tense: int = 0              # +1 asks what was done, -1 asks what is planned, 0 cannot tell
    insists_result: bool = False  # "实际…", "完成了…": a target does not answer it
    insists_target: bool = False  # "今年…计划…多少": a result does not answer it
    target_named: bool = False    # a target spoken of ("…的目标", not "不要今年的目标")
    report_years: tuple[int, ...] = ()  # those years that name the report ("2024年工作报告里")
    asked_of_reports: tuple[tuple[int, int | str], ...] = ()  # report year, what is asked of it ("2003年报告说2002年")
    person_role: str = ""       # "书记" when the question asks that office holder's name
    named_thing: str = ""       # what a name is asked of ("大鹏的珊瑚保育计划叫什么": 大鹏的珊瑚保育计划)
    measures: tuple[str, ...] = ()  # rates and populations asked for ("败诉率", "常住人口")
    indicators: tuple[str, ...] = ()  # statistical indicators named ("城镇新增就业")
    terms: tuple[str, ...] = ()     # terms in Latin letters ("PCT国际专利": pct), which an answering figure's sentence names
    counted: str | None = None      # the noun a count is of ("多少张病床": 病床)
    counted_by: tuple[str, ...] = ()  # the nouns narrowing it ("多少件行政复议案件": 行政复议)
    named_figures: tuple[tuple[str, str], ...] = ()  # figures named by a generic head ("工业总产值": 工业, 总产值)
    noun_measure: str | None = None  # a measure asked by a noun, with no unit ("服务费用是多少": money)
    figure_unit: str | None = None  # the unit the figure is asked in ("多少亿元": 元)
    how_many: bool = False          # asks how much or how many ("多少", "几"): only a figure answers
    total: bool = False             # asks for a total ("GDP总量"), which a growth rate does not give
    asks_original: bool = False     # the report's exact words are asked for ("原文", "原话")
    kind: str | None = None         # what a "which/what" question asks for ("建立了哪些补贴": 补贴)
    modifiers: tuple[str, ...] = ()  # nouns narrowing another noun ("火星基地": 火星)
    period: bool = False            # asks about a review of several years ("这五年…一共")
    cut_from: int | None = None     # the question's length when it was longer than MAX_QUERY_CHARS and cut

    @property
    def fact_years(self) -> tuple[int, ...]:
        """The years the asked fact is of: those named, except the ones that only name a report."""
        return tuple(y for y in self.years if y not in self.report_years)


def asks_one_year(query: Query) -> bool:
    """The question asks one year's own figure: not a running total up to it ("到2020年污水日处理能力累计多少"),
    nor the level reached by its end ("到2020年底建成了多少个5G基站"), which a review of several years gives."""
    return len(query.fact_years) == 1 and not (states_period_total(query.text) or asks_level_at_year_end(query.text))


def parse_query(question: str) -> Query:
    # "二〇二三年" and "23年" are how some people write 2023; reports write digits.
    whole = " ".join(normalize_text(question).split())
    text = spell_years(whole[:MAX_QUERY_CHARS])
    quoted = tuple(dict.fromkeys(q.strip() for q in QUOTED.findall(text) if q.strip()))
    years = asked_years(text)
    runs = [DIGIT_YEAR.findall(run) for run in REPORT_YEAR.findall(text)]
    asked_of = asked_of_reports(text)
    # "2003年报告里的2002年、2008年报告…": 2002 is asked of the 2003 report, not a report of its own (it leads the run
    # of years before 报告), unless it names one right before 报告 too
    asked = {v for _, v in asked_of if isinstance(v, int)} - {int(run[-1]) for run in runs}
    report_years = tuple(y for y in dict.fromkeys(int(y) for run in runs for y in run) if y in years and y not in asked)
    if report_years and PREVIOUS_YEAR.search(text):
        # "2014年那份报告里讲的上一年GDP": the year the report reviews.
        years = tuple(dict.fromkeys([*years, *(y - 1 for y in report_years)]))
    used = tuple((k, v) for k, v in SYNONYMS.items() if k in text.lower() and v not in text)
    extra = list(dict.fromkeys(v for _, v in used))
    unit = asked_unit(text)
    why = bool(WHY.search(text))  # a reason is wanted, not a figure
    counted = counted_phrase(text)  # tagging the question once for the thing counted and what narrows it
    named = m.group(1) if (m := NAME_ASKED.search(text)) else ""
    tensed = without_plan_unasked(text.replace(named, " ") if named else text)
    # "今年政府工作报告里计划新增就业多少": this year's plan asked, its report named or not
    insists_target = bool(TARGET_QUESTION.search(without_plan_unasked(text, report_named=False)))
    return Query(
        text=text,
        quoted=tuple(q for q in quoted if not q.startswith(("http", "www")) and not PLAN_PERIOD.fullmatch(q)),
        years=years,
        report_years=report_years,
        asked_of_reports=asked_of,
        person_role=m.group(1) if (m := PERSON_ROLE.search(text)) else "",
        named_thing=named,
        measures=tuple(dict.fromkeys(MEASURE.findall(text))),
        figure_unit=unit,
        how_many=asks_how_many(text) and not why,
        total=asks_total(text),
        counted=counted[-1] if counted else None,
        counted_by=counted[:-1],
        named_figures=measure_phrases(text),
        noun_measure=None if unit else noun_measure(without_refused_things(text)),
        indicators=indicators_in(text),
        terms=latin_terms(text),
        asks_original=bool(ORIGINAL.search(text)),
        kind=asked_kind(text),
        modifiers=compound_modifiers(text),
        period=asks_period(text) or names_span(text),
        cut_from=len(whole) if len(whole) > MAX_QUERY_CHARS else None,
        wants_quantity=asks_figure(text) and not why,
        wants_wording=asks_wording(text),
        expanded=" ".join([text, *extra]),
        place_text=outside_names(expand_abbreviations(text)),
        synonyms=used,
        tense=_tense(tensed),
        insists_result=not insists_target and (refuses_target(text) or bool(RESULT_QUESTION.search(tensed))
                                               and not PLAN_QUESTION.search(tensed)),
        insists_target=insists_target,
        target_named=names_target(tensed),
    )


def _tense(text: str) -> int:
    """Reports hold last year's results and this year's plans, often with the same words and numbers.

    A quantity question without a plan word asks for a result ("新增了多少学位"). The name asked of a thing is
    left out: in "珊瑚保育计划叫什么" 计划 is a noun, not a plan.
    """
    if PLAN_QUESTION.search(text):
        return PLAN
    text, raised = without_level_raised(text)
    if raised:
        return DONE if DONE_QUESTION.search(text) else UNKNOWN
    if DONE_QUESTION.search(text) or asks_figure(text):
        return DONE
    return UNKNOWN


def mode_for(query: Query, asked: str | None = None) -> str:
    """The mode a search runs in: the one asked for, else the question's own ("别的乡镇怎么写…" asks for wording)."""
    return asked or ("wording" if query.wants_wording else "answer")


def keyword_text(query: Query) -> str:
    """The question for the keyword index: its wording and synonyms without question words, which passages
    never contain but whose bigrams ("新进展") would match passages about something else."""
    return FRAME.sub(" ", query.expanded or query.text)


def question_grams(query: Query, places: set[str], idf: Callable[[str], float]) -> dict[str, float]:
    """The bigrams of what the question asks about, each weighed by its IDF; a report wording added for a term
    weighs as much as the term ("超级计算机": 超级/级计/计算/算机, so its report form 超算 weighs their sum), since
    a sentence that uses either form covers that part of the question."""
    grams = {gram: idf(gram) for gram in dict.fromkeys(bigrams(content_text(query, places)))}
    for term, wording in query.synonyms:
        asked, written = set(bigrams(term)), set(bigrams(wording)) - set(bigrams(term))
        own = sum(grams.get(g, 0.0) for g in written)
        if own > 0:
            scale = sum(grams.get(g, 0.0) for g in asked) / own
            grams.update({g: grams[g] * max(scale, 1.0) for g in written if g in grams})
    return grams


def content_text(query: Query, places: set[str]) -> str:
    """What the question asks about, without the places, years and question words that only frame it."""
    text = query.expanded or query.text
    for place in sorted(places, key=len, reverse=True):
        text = text.replace(place, " ")
    text = YEAR_WORD.sub(" ", text)
    return FRAME.sub(" ", text)
