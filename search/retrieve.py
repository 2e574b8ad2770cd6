"""The search: question → candidates (vectors + keywords) → fused → reread sentence by sentence → answered,
with a decision whether the answer is reliable. One Searcher loads an index and its model once."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from index.embed import Embedder, check_model, stored_backend
from index.errors import ModelMismatch
from index.backends import Reader, open_reader
from search.answer import Answer, make_answer, restates
from search.candidates import RECIPES, fuse, merge
from search.lists import Asked, asks_for_list, list_answer
from search.compare import compare_table
from search.confidence import assess
from search.measure import FIGURE, STOCK
from search.query import Query, keyword_text, mode_for, parse_query, question_grams
from search.calibration import calibration, signals
from search.rank import Ranked, in_review, pick, place_scores, read_passages, rerank, scope
from search.results import Doubt, DoubtKind, Filters, Hit, SearchResult
from search.scope import Places, level_label, mentioned_places, report_places
from search.weights import Weights
from text.gazetteer import gazetteer
from text.places import asks_national, own_level, reports_level
from text.sentences import has_word
from text.years import years_from
from text.tokens import KeywordTokenizer

__all__ = ["RECIPES", "Filters", "Hit", "ModelMismatch", "SearchResult", "Searcher", "Weights"]

BESIDE_WORKERS = 2
Timer = Callable[[str], None]  # called with a stage's name as each stage of a search ends


@dataclass(frozen=True)
class _View:
    """One generation of the index with what is derived from it; a query uses exactly one."""
    index: Reader
    places: dict[int, Places]

    @classmethod
    def open(cls, where: Path | str) -> "_View":
        index = open_reader(where)
        try:
            return cls(index, {rid: report_places(r, partial(index.report_text, rid))
                               for rid, r in index.reports.items()})
        except BaseException:
            index.close()  # a Milvus reader holds its client (and a milvus-lite file) until closed
            raise


class Searcher:
    """Loads an index and its model once; answers many questions."""

    def __init__(self, index_dir: Path | str, model: str | None = None, embedder: Embedder | None = None,
                 weights: Weights = Weights()) -> None:
        self.view = _View.open(index_dir)
        try:
            stored = self.view.index.manifest["model"]
            if model and model != stored["name"]:
                raise ModelMismatch(f"索引由模型 {stored['name']} 建立，不能用 {model} 查询 / "
                                    f"Index was built with {stored['name']}, not {model}")
            self.embedder = embedder or Embedder(stored["name"], backend=stored_backend(stored))
            check_model(self.embedder.info, stored)
        except BaseException:
            self.view.index.close()
            raise
        self.tokenizer = KeywordTokenizer()
        self.weights = weights
        self.calibration = calibration()
        self._retired: _View | None = None
        # Two workers: two users' searches overlap, as the page allows two at once. A search's vector search waits
        # only for its own embedding, queued before it and so already taken by a worker: no search waits on another's.
        self._beside = ThreadPoolExecutor(max_workers=BESIDE_WORKERS, thread_name_prefix="policy-search-vectors")

    @property
    def index(self) -> Reader:
        return self.view.index

    def refresh(self) -> bool:
        """Switch to a newer generation if a build published one; True when it switched.

        A query takes the view once at its start, so an answer never mixes two generations.
        """
        if not self.view.index.is_stale():
            return False
        where = self.view.index.where
        try:
            fresh = _View.open(where)
        except FileNotFoundError:
            # Two builds published between reading CURRENT and opening its files: read it again.
            fresh = _View.open(where)
        retired, self.view = self.view, fresh
        # The reader retired last time has had a whole generation's lifetime to finish its queries.
        if self._retired is not None:
            self._retired.index.close()
        self._retired = retired
        return True

    def search(self, question: str, k: int = 5, filters: Filters = Filters(), mode: str | None = None,
               recipe: str = "hybrid", timer: Timer | None = None, compare: bool | None = None) -> SearchResult:
        """The k best passages for the question, each with its answering sentence, and whether the top one
        is a reliable answer. `timer` (benchmarks) is told as each stage ends. `compare`: also a table of the
        figure in each report the question reaches (search/compare.py); None: when the question asks for one
        ("分别", "各", "历年")."""
        mark = timer or (lambda stage: None)
        view, weights = self.view, self.weights
        query = parse_query(question)
        mode = mode_for(query, mode)
        if not has_word(query.text):
            return SearchResult(query, mode, doubt=Doubt(DoubtKind.NO_CONTENT))
        # The question's embedding and vector search run beside the place and keyword stages (index.embed: encoder
        # threads that sleep when idle).
        embedding = self._beside.submit(self.embedder.query, query.text)
        named = gazetteer().named_in(self.tokenizer.words(query.place_text))
        mentioned = mentioned_places(query.place_text, view.places, named)
        place = place_scores(view.index, view.places, mentioned, weights, own_level(query.place_text))
        reports = _of_level(_allowed_reports(view.index, filters), view.places, reports_level(query.place_text))
        if mode == "wording":  # "2020年以来的报告里…怎么写": in a question for a figure such years frame a period
            reports = _of_places(_since(view.index, reports, query.text), place)
        elif asks_national(query.text):
            # "2002年全国财政收入": the country's reports only; a province's "稳居全国第4位" passage outranked them and
            # was then withheld as another place's (3 of blind6's questions; no other set moved).
            reports = _of_places(reports, place)
        mark("question")
        nearest = self._beside.submit(lambda: view.index.nearest(embedding.result(), weights.candidates, reports))
        keyword = view.index.keyword_matches(self.tokenizer.tokens(keyword_text(query)), weights.candidates, reports)
        mark("keyword")
        # Until the vector search is done, the best keyword matches are read sentence by sentence: most of them make
        # the shortlist, and the rerank then reads only the rest (1M passages: 18.0 vs 20.1 ms p50 end to end; 100k:
        # 11.0 vs 15.3). Where the keyword stage took longer than the vector search, nothing waits for this.
        grams = question_grams(query, mentioned, view.index.idf)
        read = read_passages(view.index, [cid for cid, _ in keyword[:weights.rerank_depth]], query, grams, weights,
                             enough=nearest.done)
        mark("read")
        vector, dense = embedding.result(), nearest.result()
        mark("vector")
        candidates = merge(view.index, vector, dense, keyword)
        ranked = rerank(view.index, place, fuse(candidates, recipe, weights), query, grams, recipe, weights,
                        vector if mode == "wording" else None, read)
        picked, quoted_found = pick(ranked, query, mode, k, weights, scoped=_one_report(place))
        mark("rerank")
        if not picked:
            doubt = Doubt(DoubtKind.NO_PASSAGE)
        elif query.quoted and not quoted_found and (mode == "answer" or query.asks_original):
            # In a wording request quotes mark the topic ("找几段写'数字政府建设'成效的表述") unless the
            # original words are asked for; passages holding the quoted words still come first.
            doubt = Doubt(DoubtKind.NO_QUOTED)
        else:
            check = partial(assess, view.index, view.places, place, query, mode, named, mentioned,
                            tokenizer=self.tokenizer, weights=weights)
            picked, doubt = _first_sound(picked, check, any_year=not query.years)
        hits = tuple(Hit(i + 1, round(r.score, 6), r.chunk, _answer(r, grams, query),
                         level_label(view.places[r.chunk.report.id])) for i, r in enumerate(picked))
        confidence, evidence_signals = 0.0, {}
        if picked and doubt is None:
            top = picked[0]
            evidence_signals = signals(query, picked, grams, scope(query, place.get(top.chunk.report.id), top.chunk,
                                                                   weights))
            confidence = self.calibration.confidence(evidence_signals)
            if mode == "answer" and confidence < self.calibration.threshold:  # a wording list is no answer to doubt
                doubt = Doubt(DoubtKind.LOW_CONFIDENCE)
        conflicts = _conflicts(ranked, hits[0], grams, query) if hits and doubt is None and mode == "answer" else ()
        hits, conflicts = _newest_first(hits, conflicts)
        mark("answer")
        evidence = picked[0].evidence.coverage if picked and picked[0].evidence else 0.0
        table = None
        if mode == "answer" and compare is not False:
            ask = partial(self._one_report, k=k, recipe=recipe)
            allowed = {rid: r for rid, r in view.index.reports.items() if filters.allows(r)}
            table = compare_table(query, allowed, {rid: view.places[rid] for rid in allowed}, mentioned, ask,
                                  view.index.passage_share, asked=bool(compare))
        # A comparison is answered by its table; a list question by the enumeration that answers it.
        enumeration = (list_answer(view.index, hits, grams, doubt.kind if doubt else None, Asked.of(query), place,
                                   lambda texts: [float(c) for c in self.embedder.passages(texts) @ vector])
                       if mode == "answer" and table is None and asks_for_list(query.text) else None)
        mark("compose")
        return SearchResult(query, mode, hits, doubt, evidence, confidence if doubt is None else 0.0, evidence_signals,
                            conflicts, list=enumeration, table=table)

    def _one_report(self, question: str, filters: Filters, k: int, recipe: str) -> SearchResult:
        """A comparison's search of one report, its answers marked where they stand in a review of several years
        (only the comparison reads that: a single search would pay for it on every hit)."""
        index = self.view.index
        result = self.search(question, k=k, filters=filters, mode="answer", recipe=recipe, compare=False)
        return replace(result, hits=tuple(_reviewed(index, hit) for hit in result.hits))

    def close(self) -> None:
        self._beside.shutdown(wait=True)
        if self._retired is not None:  # a Milvus reader holds its client (and a milvus-lite file) until closed
            self._retired.index.close()
        self.view.index.close()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# The top passage is on the topic but its sentence does not state what is asked: another passage of the same report
# ranked just below may ("珊瑚保育计划叫什么": "实施“潜爱大鹏”珊瑚保育计划", not "深入实施珊瑚保育计划"; "今年…计划开行
# 多少班": "开行4000班次", not "累计开行1.7万列").
_SENTENCE_FAULTS = frozenset({DoubtKind.MISSING_MEASURE, DoubtKind.NO_NAME, DoubtKind.UNMENTIONED_TOPIC,
                              DoubtKind.OTHER_YEAR, DoubtKind.OTHER_YEAR_SENTENCE, DoubtKind.TARGET_NOT_RESULT,
                              DoubtKind.RESULT_NOT_TARGET})
# The top passage is a division's below the one asked: the asked body's own passage just below may answer ("深圳全市
# …建成了多少个5G基站": the city's "建成5G基站4.7万个", not 龙华区's 5500个).
_BODY_FAULTS = frozenset({DoubtKind.WRONG_BODY})
# A top passage about another year covers the question's other words best because it is the same statement a year
# apart; the asked year's own may word it differently ("提高到80元/月" for "涨到每月多少").
_YEAR_FAULTS = frozenset({DoubtKind.OTHER_YEAR, DoubtKind.OTHER_YEAR_SENTENCE})
_RUNNERS_UP = 2


def _first_sound(picked: list[Ranked], check: Callable[[Ranked], Doubt | None],
                 any_year: bool = False) -> tuple[list[Ranked], Doubt | None]:
    """The passages with the first that passes the checks moved to the top, when the top fails only for its sentence
    and that one is of the same report among the next few (of the same body, when no year is asked: "南山区一共有
    多少个公园" by 2022's "公园总数达179个" below 2014's "建成…4个公园"), or only for its body; else the passages as
    ranked and the top's doubt."""
    doubt = check(picked[0])
    if doubt is None or doubt.kind not in _SENTENCE_FAULTS | _BODY_FAULTS:
        return picked, doubt
    top = picked[0]
    for i, r in enumerate(picked[1:1 + _RUNNERS_UP], start=1):
        same = r.chunk.report.id == top.chunk.report.id or (any_year and r.chunk.report.body == top.chunk.report.body)
        if (same or doubt.kind in _BODY_FAULTS) and _covers_enough(r, top, doubt) and check(r) is None:
            return [r, *picked[:i], *picked[i + 1:]], None
    return picked, doubt


def _covers_enough(r: Ranked, top: Ranked, doubt: Doubt) -> bool:
    """What the top's sentence covers counts when it could answer but for its year, or gives no figure at all
    ("比例过高" for "要让多少比例的社员年年增收": "百分之九十的社员" below it answers), or only what was added where
    a total is asked ("建成科苑公园等4个公园" for "一共有多少个公园")."""
    return doubt.kind in _YEAR_FAULTS or doubt.missing in (FIGURE, STOCK) or _covers_as_much(r, top)


def _covers_as_much(r: Ranked, top: Ranked) -> bool:
    """The sentence states as much of the question as the top one: a weaker one passing the checks is not a better
    answer ("几期行政执法培训" is not "大喇叭宣传20余次")."""
    return r.evidence is not None and top.evidence is not None and r.evidence.coverage >= top.evidence.coverage


def _answer(r: Ranked, grams: dict[str, float], query: Query) -> Answer | None:
    if r.evidence is None:
        return None
    return make_answer(r.chunk.text, r.chunk.start, r.evidence, grams, query.wants_quantity, query.figure_unit)


def _reviewed(index: Reader, hit: Hit) -> Hit:
    if hit.answer is None:
        return hit
    return replace(hit, answer=replace(hit.answer, in_review=in_review(index, hit.chunk, hit.answer.start)))


def _conflicts(ranked: list[Ranked], top: Hit, grams: dict[str, float], query: Query) -> tuple[Hit, ...]:
    """Passages of other reports of the same body and year that state the answer with another figure: two
    versions of one report must not leave the older figure unremarked. Read before near-duplicates are merged."""
    report, answer = top.chunk.report, top.answer
    if answer is None or answer.span_text is None:
        return ()
    found: dict[int, Hit] = {}
    for r in ranked:
        other = r.chunk.report
        if other.id == report.id or other.id in found or other.body != report.body or other.years != report.years:
            continue
        stated = _answer(r, grams, query)
        if stated is not None and restates(answer, stated):
            found[other.id] = Hit(top.rank, round(r.score, 6), r.chunk, stated, top.level)  # same body, same level
    return tuple(found.values())


def _newest_first(hits: tuple[Hit, ...], conflicts: tuple[Hit, ...]) -> tuple[tuple[Hit, ...], tuple[Hit, ...]]:
    """Of two versions of a report that state the answer differently, the one signed later answers, the other is
    shown beside it (both dates known; otherwise the ranking's order stands)."""
    if not conflicts or not hits[0].chunk.report.date:
        return hits, conflicts
    newest = max(conflicts, key=lambda h: h.chunk.report.date)
    if newest.chunk.report.date <= hits[0].chunk.report.date:
        return hits, conflicts
    rest = [h for h in hits if h.chunk.id != newest.chunk.id]  # the newer passage may be among the hits too
    ordered = (newest, *rest)[:len(hits)]
    return tuple(replace(h, rank=i + 1) for i, h in enumerate(ordered)), \
        tuple(h for h in (*conflicts, hits[0]) if h is not newest)


def _one_report(place: dict[int, float]) -> bool:
    """The question names a place exactly one report is of ("北京…是怎么提的")."""
    return sum(v >= 1.0 for v in place.values()) == 1


def _of_level(reports: set[int] | None, places: dict[int, Places], level: int | None) -> set[int] | None:
    """The reports allowed, narrowed to the level of government the question names ("乡镇一级的报告里…"); not
    narrowed where no report is of that level."""
    of_level = {rid for rid, p in places.items() if p.level == level and (reports is None or rid in reports)}
    return of_level if level and of_level else reports


def _of_places(reports: set[int] | None, place: dict[int, float]) -> set[int] | None:
    """A wording request naming places ("国务院报告里…", "深圳区级报告里…") wants those places' phrasings: the
    reports of them, above or below them; not narrowed where it names none."""
    named = {rid for rid, v in place.items() if v > 0 and (reports is None or rid in reports)}
    return named or reports


def _since(index: Reader, reports: set[int] | None, text: str) -> set[int] | None:
    """The reports allowed, narrowed to those from the year a request names on ("2020年以来", "近三年"); not narrowed
    where none is that recent."""
    newest = max((y for r in index.reports.values() for y in r.years), default=0)
    since = years_from(text, newest)
    if since is None:
        return reports
    recent = {rid for rid, r in index.reports.items()
              if any(y >= since for y in r.years) and (reports is None or rid in reports)}
    return recent or reports


def _allowed_reports(index: Reader, filters: Filters) -> set[int] | None:
    if not filters.active:
        return None
    return {rid for rid, r in index.reports.items() if filters.allows(r)}
