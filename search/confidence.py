"""Whether the top passage is a reliable answer, and if not, why (a Doubt; present.REASONS words it).

Precision over coverage: an answer about another place or year, or one that barely touches the
question, is worse than "未找到可靠答案" with the closest passages listed as possibly related.
"""
from __future__ import annotations

from index.read import WORK_REPORT
from index.backends import Reader
from index.store import StoredReport
from search.query import Query
from search.rank import Ranked, year_match
from search.results import Doubt, DoubtKind
from search.scope import COUNTRY, Places, heading_years, place_match, unknown_places, years_covered
from search.weights import Weights
from search.measure import missing_measure
from text.numbers import has_quantity
from text.tokens import KeywordTokenizer, jieba_tagger
from text.places import NATIONAL_BODIES, PROVINCE_LEVEL
from text.question import FRAME, NAME_MARK, SYNONYMS
from text.sentences import clauses
from text.tense import DONE, PLAN, names_target
from text.years import names_year


def assess(index: Reader, places: dict[int, Places], place: dict[int, float], query: Query, mode: str,
           named: list[str], mentioned: set[str], top: Ranked, tokenizer: KeywordTokenizer,
           weights: Weights) -> Doubt | None:
    """None when the top passage answers; else why not: a place or year the index does not cover, a passage
    about another place or year, or of a division below the one asked about, too little of the question, or no
    sign of the name, rate or population asked."""
    tagged = tokenizer.place_names(query.place_text)
    unknown = unknown_places(named, tagged, places, mentioned, query.place_text)
    if unknown := [n for n in unknown if not _national_speaks_of(n, places, top) and not _named_beside(n, place, top)]:
        return Doubt(DoubtKind.UNKNOWN_PLACE, places=tuple(unknown))
    places_named = [*named, *mentioned, *tagged]
    if unseen := [w for w in query.modifiers if _unseen(index, w) and not _straddles(w, query.text, places_named)
                  and not _cut_across_a_word(index, w, query.text)]:
        return Doubt(DoubtKind.UNSEEN_TOPIC, missing=unseen[0])  # "火星基地建设进展如何": no report names 火星
    if unmentioned := [w for w in _narrowing_measures(query) if not _mentions(top.chunk.text, w)]:
        return Doubt(DoubtKind.UNMENTIONED_TOPIC, missing=unmentioned[0])  # "森林覆盖率" by "燃气管网覆盖率达88.8%"
    return (_scope_doubt(index, places, place, query, mentioned, top, weights)
            or (_body_doubt(places, mentioned, top, query.wants_quantity or query.how_many)
                if mode == "answer" else None)
            or _holder_doubt(query, top, tokenizer) or _name_doubt(query, top) or _measure_doubt(query, top)
            or _plan_doubt(query, top))


def _unseen(index: Reader, word: str) -> bool:
    """No passage names the word, nor the report form of it ("公卫": 公共卫生)."""
    return index.never_mentions(word) and not (word in SYNONYMS and not index.never_mentions(SYNONYMS[word]))


def _cut_across_a_word(index: Reader, word: str, question: str) -> bool:
    """jieba cut the word across one the reports use ("AI加物联网": 加物 / 联网, where 物联网 is in the reports): at
    most one of its characters is left outside runs of three the reports hold reaching beyond it."""
    at = question.find(word)
    end = at + len(word)
    outside = set(range(at, end))
    for start in range(max(0, at - 2), end):
        run = question[start:start + 3]
        if len(run) == 3 and (start < at or start + 3 > end) and not index.never_mentions(run):
            outside -= set(range(start, start + 3))
    return len(outside) <= 1


def _narrowing_measures(query: Query) -> list[str]:
    """The nouns written onto a rate asked ("森林覆盖率": 森林): any rate may answer a rate, but not another thing's.
    Checking every modifier flagged 35 right answers in the eval sets ("全国", "高校学生数"); this one flags none."""
    content = FRAME.sub(" ", query.text)  # "工作报告赤字率" names no 报告's rate
    return [w for w in query.modifiers if any(m.endswith("率") and w + m in content for m in query.measures)]


def _mentions(passage: str, word: str) -> bool:
    """The passage names the word or the report form of it."""
    return word in passage or (word in SYNONYMS and SYNONYMS[word] in passage)


def _straddles(word: str, question: str, places: list[str]) -> bool:
    """jieba cut the word across a place name ("张店乡干部": 张店 乡干部; "光明区区政府": 区区), so it is no topic."""
    at = question.find(word)
    end = at + len(word)
    for place in filter(None, places):
        for a in (i for i in range(len(question)) if question.startswith(place, i)):
            if a < end and at < a + len(place) and not (at <= a and a + len(place) <= end):  # part of the place
                return True
    return False


def _national_speaks_of(name: str, places: dict[int, Places], top: Ranked) -> bool:
    """A national or provincial report speaks for the places in it: no report is of 武汉, but "调派4万多名医务人员
    驰援武汉和湖北" in the State Council's report answers "驰援武汉湖北调派了多少医护人员", and no report is of 雄安新区,
    but 河北's "雄安新区…5300多栋楼宇拔地而起" answers "雄安新区建起来多少栋楼"; the sentence must name the place."""
    report = places[top.chunk.report.id]
    wide = bool(report.own & NATIONAL_BODIES) or report.level == PROVINCE_LEVEL
    return wide and name != COUNTRY and name in _sentence(top)


def _named_beside(name: str, place: dict[int, float], top: Ranked) -> bool:
    """The question also names a place whose report answers, and the answering sentence names this one too: in
    "光明新区建一流法治新区出了个什么方案" 法治新区 is no division ("制定《光明新区关于加快建设一流法治新区实施方案》")."""
    return place.get(top.chunk.report.id, 0.0) > 0 and name in _sentence(top)


def _scope_doubt(index: Reader, places: dict[int, Places], place: dict[int, float], query: Query,
                 mentioned: set[str], top: Ranked, weights: Weights) -> Doubt | None:
    in_scope = _in_scope(index, place, mentioned)
    # "1992年…支持北京申办哪一届奥运会": the State Council's "中国政府支持北京市申办2000年奥运会" speaks of 北京
    national = bool(mentioned) and all(_national_speaks_of(n, places, top) for n in mentioned)
    if national:
        in_scope.append(top.chunk.report)
    historical = any(names_year(top.chunk.text, y) for y in query.years)  # "到1985年", "2000年奥运会"
    if query.years and not historical and not years_covered(query.years, in_scope):
        return Doubt(DoubtKind.UNCOVERED_YEAR, years=query.years)
    if query.years and not historical and (year_match(query, top.chunk, weights) == 0 or _headed_far(query, top)):
        return Doubt(DoubtKind.OTHER_YEAR, years=query.years)  # "盐田区2023年PM2.5"
    if place and place[top.chunk.report.id] == 0 and not national:  # another place's, or not of the asker's level
        return Doubt(DoubtKind.OTHER_PLACE)
    evidence = top.evidence
    if evidence is None or evidence.coverage < weights.min_coverage:
        return Doubt(DoubtKind.WEAK_MATCH)
    # "张店乡2022年…" answered by a sentence about 2023 of a 2023 report: a different year's figure.
    # A number asked for one year from a sentence that names only another is that year's number.
    if evidence.year_agrees < 0 and (query.wants_quantity or not set(query.years) & set(top.chunk.report.years)):
        return Doubt(DoubtKind.OTHER_YEAR_SENTENCE, years=query.fact_years)
    return None


def _headed_far(query: Query, top: Ranked) -> bool:
    """The passage's headings name its years ("一、2021年工作回顾", "一、2023年度推进法治政府建设的主要举措") and
    none is the asked year: the report's own year (2022) does not make it "龙岗区2023年地区生产总值", nor does
    the year next to it make "张店乡2022年…" of a section on 2023 (the passage names 2022 nowhere)."""
    headed = heading_years(top.chunk)
    return bool(headed and query.fact_years) and not set(query.fact_years) & set(headed)


def _in_scope(index: Reader, place: dict[int, float], mentioned: set[str]) -> list:
    """The reports of the places named (all where none is named); failing those, the reports above or below."""
    if not mentioned:
        return list(index.reports.values())
    best = 1.0 if any(v >= 1.0 for v in place.values()) else 1e-9
    return [index.reports[rid] for rid, v in place.items() if v >= best]


def _body_doubt(places: dict[int, Places], mentioned: set[str], top: Ranked, wants_quantity: bool) -> Doubt | None:
    """A township's figure is the township's: a question about 鲁山县 answered from 张店乡's report (a division
    below the one named), or about 呼和浩特市 from the 内蒙古 report (one above), has no reliable answer, though
    that report is searched; unless the answering sentence itself speaks of the place asked
    ("《鲁山县乡镇机构改革方案》…"), and for a figure, in the clause that gives one: "全省PM2.5浓度下降13.7%，…，
    信阳市实现空气质量二级达标" gives no figure of 信阳市."""
    report = places[top.chunk.report.id]
    own, related = place_match(mentioned, report)
    if not wants_quantity and _within(mentioned, report):
        return None  # a fact of 光明区 is one of 深圳: "深圳第一家区一级的合规研究院" is 光明区's
    if mentioned and not own and related and not _speaks_of(_sentence(top), mentioned, wants_quantity):
        asked = sorted(mentioned)[0]
        return Doubt(DoubtKind.WRONG_BODY, places=(report.chain[-1] if report.chain else top.chunk.report.body,),
                     missing=asked)
    return None


def _within(mentioned: set[str], report: Places) -> bool:
    """The report is of a division right inside one the question names (光明区 for a question about 深圳), not
    further down: a district's "长城计算机…跻身中国500强" is no answer to "广东超级计算机方面有什么进展"."""
    return bool(mentioned) and all(any(n in p or p in n for p in report.above) for n in mentioned)


def _speaks_of(sentence: str, names: set[str], with_figure: bool) -> bool:
    if not with_figure:
        return any(n in sentence for n in names)
    return any(n in clause and has_quantity(clause) for clause in clauses(sentence) for n in names)




def _sentence(top: Ranked) -> str:
    return top.chunk.text[top.evidence.start:top.evidence.end] if top.evidence else ""


def _holder_doubt(query: Query, top: Ranked, tokenizer: KeywordTokenizer) -> Doubt | None:
    """An office holder's name is asked: the answer sentence must name a person right next to the office
    ("区长王宏彬")."""
    role = query.person_role
    if not role or top.evidence is None:
        return Doubt(DoubtKind.NO_HOLDER_NAME, missing=role) if role else None
    sentence = _sentence(top)
    if any(f"{role}{name}" in sentence or f"{name}{role}" in sentence for name in tokenizer.person_names(sentence)):
        return None
    return Doubt(DoubtKind.NO_HOLDER_NAME, missing=role)


def _name_doubt(query: Query, top: Ranked) -> Doubt | None:
    """A name is asked and the sentence only repeats what the question calls the thing ("深入实施珊瑚保育计划" for
    "珊瑚保育计划叫什么"), with no name in quotes or after a dash."""
    thing = query.named_thing
    if not thing or top.evidence is None:
        return None
    sentence = _sentence(top)
    repeated = next((thing[i:] for i in range(len(thing) - 3) if thing[i:] in sentence), "")
    if repeated and not NAME_MARK.search(sentence) and not _named_before(sentence[:sentence.find(repeated)]):
        return Doubt(DoubtKind.NO_NAME, missing=repeated)
    return None


def _named_before(text: str) -> bool:
    """The words right before the repeated ones are a name, not a verb or a break: "朱雀三号可重复使用火箭", unlike
    "深入实施珊瑚保育计划"."""
    words = list(jieba_tagger().cut(text))
    return bool(words) and not words[-1].flag.startswith(("v", "x", "w", "d", "p", "u"))


def _plan_doubt(query: Query, top: Ranked) -> Doubt | None:
    """"实际降到了多少" is not answered by "控制在14微克/立方米以内": a target is not a result."""
    if query.insists_result and top.evidence is not None and top.evidence.tense == PLAN:
        return Doubt(DoubtKind.TARGET_NOT_RESULT)
    if query.insists_result and _before_its_results(query.fact_years, top.chunk.report):
        return Doubt(DoubtKind.TARGET_NOT_RESULT)
    if query.insists_target and top.evidence is not None and top.evidence.tense == DONE \
            and not names_target(_sentence(top)):  # "提前两年完成…1250亿元的目标" gives the target met
        return Doubt(DoubtKind.RESULT_NOT_TARGET)  # "今年…计划开行多少班" by "…累计开行1.7万列"
    return None


def _before_its_results(years: tuple[int, ...], report: StoredReport) -> bool:
    """The report was written before the results of the years asked were known: a work report reviews the year
    before its own, another report its own year at most. The 1978 report's "到一九八五年…钢产量六千万吨" is a plan."""
    if not years or not report.years:
        return False
    last_reviewed = max(report.years) - (1 if report.genre == WORK_REPORT else 0)
    return all(y > last_reviewed for y in years)


def _measure_doubt(query: Query, top: Ranked) -> Doubt | None:
    """The asked measure must be what the answering sentence states (search/measure.py)."""
    if top.evidence is None:
        return None
    missing = missing_measure(query, _sentence(top), top.chunk.text)
    return Doubt(DoubtKind.MISSING_MEASURE, missing=missing) if missing else None
