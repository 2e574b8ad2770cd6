"""What a search gives back: plain frozen values shared by the CLI, the JSON API and the page."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from index.errors import UserError
from index.store import StoredChunk, StoredReport
from search.answer import Answer
from search.query import Query


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    body: str | None = None          # substring of the issuing body or title, e.g. "张店乡"
    genre: str | None = None         # substring of the genre, e.g. "法治政府建设"
    reports: tuple[str, ...] = ()    # report paths or file names

    def allows(self, report: StoredReport) -> bool:
        lo, hi = self.year_from or 0, self.year_to or 9999
        if (self.year_from or self.year_to) and not any(lo <= y <= hi for y in report.years):
            return False
        if self.body and self.body not in report.body and self.body not in report.title:
            return False
        if self.genre and self.genre not in report.genre:
            return False
        if self.reports and not any(r in (report.path, Path(report.path).name) for r in self.reports):
            return False
        return True

    @property
    def active(self) -> bool:
        return any([self.year_from, self.year_to, self.body, self.genre, self.reports])

    @classmethod
    def of(cls, year: str | None = None, body: str | None = None, genre: str | None = None,
           reports: tuple[str, ...] = ()) -> "Filters":
        """Filters as people give them: a year "2023" or range "2020-2023", a body, a genre, report names."""
        year_from, year_to = _year_range(year) if year else (None, None)
        return cls(year_from=year_from, year_to=year_to, body=body or None, genre=genre or None, reports=reports)


def _year_range(text: str) -> tuple[int, int]:
    """"2023" or "2020-2023"; a reversed range ("2023-2020") or three years is an error, not an empty result."""
    try:
        parts = [int(p) for p in text.replace("—", "-").replace("~", "-").split("-")]
    except ValueError:
        raise UserError(f"年份格式应为 2023 或 2020-2023：{text} / Year must look like 2023 or 2020-2023") from None
    if len(parts) > 2 or parts[0] > parts[-1]:
        raise UserError(f"年份范围应为 起始年-结束年，如 2020-2023：{text} / "
                        f"A year range runs from the earlier year to the later, e.g. 2020-2023")
    return parts[0], parts[-1]


class DoubtKind(str, Enum):
    """Why a search has no reliable answer (present.REASONS says it in words)."""
    NO_CONTENT = "no_content"                    # the question has nothing to search for
    NO_PASSAGE = "no_passage"                    # nothing matched at all
    NO_QUOTED = "no_quoted"                      # no passage holds the quoted words
    UNKNOWN_PLACE = "unknown_place"              # a place no report covers
    UNSEEN_TOPIC = "unseen_topic"                # what narrows the question's topic is in no report ("火星基地")
    UNMENTIONED_TOPIC = "unmentioned_topic"      # ...nor in the closest passage ("森林覆盖率": 燃气管网覆盖率)
    UNCOVERED_YEAR = "uncovered_year"            # a year no report of the place covers
    OTHER_YEAR = "other_year"                    # the closest passage is about another year
    OTHER_PLACE = "other_place"                  # the closest passage is another place's report
    WEAK_MATCH = "weak_match"                    # the best sentence barely touches the question
    OTHER_YEAR_SENTENCE = "other_year_sentence"  # the answering sentence names only another year
    NO_HOLDER_NAME = "no_holder_name"            # an office holder's name asked, none given
    NO_NAME = "no_name"                          # a name asked, the sentence only repeats the question's words
    MISSING_MEASURE = "missing_measure"          # a rate or population asked, the sentence gives none
    WRONG_BODY = "wrong_body"                    # the answer is a division below the one asked about
    TARGET_NOT_RESULT = "target_not_result"      # a result asked for, the sentence states a target or plan
    RESULT_NOT_TARGET = "result_not_target"      # a target asked for, the sentence states a result
    LOW_CONFIDENCE = "low_confidence"            # nothing rules the answer out, but it is too likely wrong


@dataclass(frozen=True)
class Doubt:
    kind: DoubtKind
    places: tuple[str, ...] = ()     # UNKNOWN_PLACE: the places no report covers; WRONG_BODY: the report's division
    years: tuple[int, ...] = ()      # the years asked about (UNCOVERED_YEAR, OTHER_YEAR, OTHER_YEAR_SENTENCE)
    missing: str = ""                # NO_HOLDER_NAME: the office; MISSING_MEASURE: the rate or population;
                                     # WRONG_BODY: the division asked about


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    chunk: StoredChunk
    answer: Answer | None
    level: str = ""                      # the report's level of government: 乡镇级, 县级, 市级, 省级, 国家级


@dataclass(frozen=True)
class ListItem:
    """One item of a list answer: its words (the item's first sentence) and where the report holds them."""
    text: str
    ordinal: int
    start: int                 # offsets in the report's text
    end: int
    chunk: StoredChunk | None  # the passage the item starts in


@dataclass(frozen=True)
class ListAnswer:
    """An enumeration of one report answering a question that asks for a list, its items in the report's order."""
    doc: str                   # the report's path
    title: str
    lead: str
    items: tuple[ListItem, ...]
    score: float


@dataclass(frozen=True)
class Cell:
    """One report a comparison reaches: the place and year it is asked for, and its answer (None: not stated)."""
    report: StoredReport | None          # None: no report of the place reviews the year
    place: str
    year: int | None                     # the year asked, else the one the report reviews (None: unknown)
    hit: Hit | None = None
    period: str = ""                     # a plan period asked of this place alone ("“十四五”末"), ending in `year`
    named_year: int | None = None        # the year the question named, where the row is that year's report, which
                                         # reviews `year` ("罗湖区2022年GDP": the 2022 report's 2021)


@dataclass(frozen=True)
class Table:
    """A comparison's answer: a row per report stating the figure, and the reports in scope that do not."""
    rows: tuple[Cell, ...]
    missing: tuple[Cell, ...]


@dataclass(frozen=True)
class SearchResult:
    query: Query
    mode: str                            # "answer" or "wording"
    hits: tuple[Hit, ...] = ()
    doubt: Doubt | None = None           # set: "未找到可靠答案", the hits are only "可能相关"
    evidence: float = 0.0                # the top hit's sentence coverage
    confidence: float = 0.0              # probability the top answer is right (search/calibration.py); 0 with a doubt
    signals: dict[str, float] = field(default_factory=dict)  # what the confidence was computed from (no rule doubt)
    # Another report of the same body and year stating the top answer's figure differently (a corrected version).
    conflicts: tuple[Hit, ...] = ()
    # The enumeration answering a question that asks for a list ("有哪些措施"); None when none was found clearly.
    list: ListAnswer | None = None
    table: Table | None = None           # a comparison question's figure per report (search/compare.py)

    @property
    def confident(self) -> bool:
        return self.doubt is None
