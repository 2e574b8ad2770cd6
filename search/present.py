"""Search results in words: the JSON the CLI and the web API share, readable text, and the one table of the
reasons for "未找到可靠答案" that the CLI, the JSON and the page all use."""
from __future__ import annotations

from dataclasses import dataclass

from index.chunk import SEPARATOR
from index.read import page_of
from index.store import StoredChunk
from search.compose import Claim, Composed, Support
from search.llm import Failure
from search.query import MAX_QUERY_CHARS, Query
from search.results import Cell, Doubt, DoubtKind, Hit, ListAnswer, SearchResult, Table

NO_ANSWER = ("未找到可靠答案", "No reliable answer found")
MAYBE_RELATED = ("可能相关", "Possibly related")
CONFLICT = ("注意：同一机构同一年份的另一份报告给出的数字不同", "Another report of the same body and year gives a different figure")



def cut_note(query: Query) -> tuple[str, str] | None:
    """Said when a long question was cut to its first MAX_QUERY_CHARS characters."""
    if query.cut_from is None:
        return None
    return (f"问题较长（{query.cut_from} 字），只按前 {MAX_QUERY_CHARS} 字查询",
            f"The question is long ({query.cut_from} characters); only its first {MAX_QUERY_CHARS} were searched")


# kind → (Chinese, English); {places}, {years} and {missing} come from the Doubt.
REASONS: dict[DoubtKind, tuple[str, str]] = {
    DoubtKind.NO_CONTENT: ("问题里没有可检索的文字", "The question has no words to search for"),
    DoubtKind.NO_PASSAGE: ("没有找到相关段落", "No related passage found"),
    DoubtKind.NO_QUOTED: ("没有段落包含引号中的原文", "No passage contains the quoted words"),
    DoubtKind.UNKNOWN_PLACE: ("已收录的报告不涉及{places}", "No indexed report covers {places_en}"),
    DoubtKind.UNSEEN_TOPIC: ("已收录的报告没有提到“{missing}”", "No indexed report mentions “{missing}”"),
    DoubtKind.UNMENTIONED_TOPIC: ("最相关的段落没有提到“{missing}”", "The closest passage does not mention “{missing}”"),
    DoubtKind.UNCOVERED_YEAR: ("已收录的报告不涉及{years}", "No indexed report covers {years_en}"),
    DoubtKind.OTHER_YEAR: ("最相关的段落说的不是{years}", "The closest passage is about another year"),
    DoubtKind.OTHER_PLACE: ("最相关的段落出自其他地方的报告", "The closest passage is from another place's report"),
    DoubtKind.WEAK_MATCH: ("没有段落较好地对应这个问题", "No passage matches the question well"),
    DoubtKind.OTHER_YEAR_SENTENCE: ("最相关的句子说的是其他年份，不是{years}", "The closest sentence is about another year"),
    DoubtKind.NO_HOLDER_NAME: ("报告中没有找到写明{missing}姓名的句子", "No sentence names the office holder asked about"),
    DoubtKind.NO_NAME: ("最相关的句子没有写出{missing}的名称", "The closest sentence does not give the name of {missing}"),
    DoubtKind.TARGET_NOT_RESULT: ("最相关的句子说的是目标或计划，不是实际完成的结果",
                                  "The closest sentence states a target or plan, not the result asked for"),
    DoubtKind.RESULT_NOT_TARGET: ("最相关的句子说的是已经完成的结果，不是计划或目标",
                                  "The closest sentence states a result, not the target or plan asked for"),
    DoubtKind.MISSING_MEASURE: ("最相关的句子没有给出{missing}", "The closest sentence does not give the {missing} asked for"),
    DoubtKind.LOW_CONFIDENCE: ("最相关的句子与问题对应得不够可靠", "The closest sentence does not match the question "
                                                                 "reliably enough"),
    DoubtKind.WRONG_BODY: ("最相关的段落出自{places}的报告，是{places}的数字，不是{missing}的",
                           "The closest passage is from {places_en}'s report: its figures are not {missing}'s"),
}


def reason(doubt: Doubt) -> tuple[str, str]:
    """Why there is no reliable answer, in Chinese and in English."""
    values = {"places": "、".join(doubt.places), "places_en": ", ".join(doubt.places),
              "years": "、".join(f"{y}年" for y in doubt.years), "years_en": ", ".join(map(str, doubt.years)),
              "missing": doubt.missing}
    zh, en = REASONS[doubt.kind]
    return zh.format(**values), en.format(**values)


def bilingual(pair: tuple[str, str]) -> str:
    return " / ".join(pair)


@dataclass(frozen=True)
class Marked:
    """A passage cut where its answer sentence and number phrase start and end (each part may be "")."""
    before: str        # passage text before the answer sentence
    lead: str          # the sentence up to the number phrase (the whole sentence when there is none)
    number: str        # the number phrase
    trail: str         # the rest of the sentence
    after: str         # passage text after the sentence

    @property
    def sentence(self) -> str:
        return self.lead + self.number + self.trail


def marked(hit: Hit) -> Marked:
    """The passage of a hit cut at its answer sentence and number phrase (offsets are the report's)."""
    c, a = hit.chunk, hit.answer
    if a is None:
        return Marked(c.text, "", "", "", "")
    a0, a1 = max(0, a.start - c.start), min(len(c.text), a.end - c.start)
    sentence = c.text[a0:a1]
    if a.span_start is None or a.span_end is None:
        return Marked(c.text[:a0], sentence, "", "", c.text[a1:])
    s0, s1 = a.span_start - a.start, a.span_end - a.start
    return Marked(c.text[:a0], sentence[:s0], sentence[s0:s1], sentence[s1:], c.text[a1:])


def page_label(chunk: StoredChunk) -> str:
    """"第3页" or "第3–4页" for a passage of a paged file (PDF, OFD, a scan); "" otherwise."""
    if chunk.pages is None:
        return ""
    first, last = chunk.pages
    return f"第{first}页" if first == last else f"第{first}–{last}页"


def answer_page(hit: Hit) -> int | None:
    """The page the answering sentence starts on (a passage may span two)."""
    return page_of(hit.chunk.report.pages, hit.answer.start) if hit.answer else None


def date_label(iso: str) -> str:
    """"2024年1月15日" for a report's ISO date; "" when it has none."""
    if not iso:
        return ""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


OCR_LABEL = "文字识别"  # beside a passage read by OCR: a character may be misread


def section_path(chunk: StoredChunk) -> str:
    """The breadcrumb without the report title, which the card already shows."""
    parts = chunk.section.split(SEPARATOR)
    if parts and parts[0] == chunk.report.title:
        parts = parts[1:]
    return SEPARATOR.join(parts) or "正文"


def citation(chunk: StoredChunk) -> str:
    page = f"（{page_label(chunk)}）" if chunk.pages else ""
    return f"《{chunk.report.title}》{SEPARATOR}{section_path(chunk)}{page}：{chunk.text}"


def sentence_citation(hit: Hit) -> str:
    """《标题》 › section（第3页）：the answering sentence (the passage where none is marked), for a block of citations
    put together from several results."""
    page = answer_page(hit) if hit.chunk.pages else None
    where = f"（第{page}页）" if page else (f"（{page_label(hit.chunk)}）" if hit.chunk.pages else "")
    text = hit.answer.text if hit.answer else hit.chunk.text
    return f"《{hit.chunk.report.title}》{SEPARATOR}{section_path(hit.chunk)}{where}：{text.strip()}"


def hit_json(hit: Hit) -> dict:
    c, a = hit.chunk, hit.answer
    return {
        "rank": hit.rank,
        "score": hit.score,
        "doc": c.report.path,
        "title": c.report.title,
        "years": list(c.report.years),
        "body": c.report.body,
        "level": hit.level or None,
        "date": c.report.date or None,
        "section": c.section,
        "pages": list(c.pages) if c.pages else None,
        "ocr": c.ocr,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "answer": a.text if a else None,
        "answer_start": a.start if a else None,
        "answer_end": a.end if a else None,
        "answer_span": [a.span_start, a.span_end] if a and a.span_start is not None else None,
        "answer_span_text": a.span_text if a else None,
        "answer_page": answer_page(hit),
    }


def result_json(result: SearchResult) -> dict:
    doubt = result.doubt
    return {
        "query": result.query.text,
        "mode": result.mode,
        "confident": result.confident,
        "confidence": round(result.confidence, 3),
        "message": None if doubt is None else bilingual(NO_ANSWER),
        "reason": None if doubt is None else bilingual(reason(doubt)),
        "reason_kind": None if doubt is None else doubt.kind.value,
        "note": bilingual(note) if (note := cut_note(result.query)) else None,
        "results": [hit_json(h) for h in result.hits],
        "conflicts": [hit_json(h) for h in result.conflicts],
        "list": list_json(result.list) if result.list else None,
        "table": table_json(result.table) if result.table else None,
    }


def list_json(answer: ListAnswer) -> dict:
    """A list answer: the report, the words leading into the list, and each item with the passage it stands in."""
    return {
        "doc": answer.doc,
        "title": answer.title,
        "lead": answer.lead,
        "score": answer.score,
        "items": [{"ordinal": i.ordinal, "text": i.text, "doc": answer.doc, "start": i.start, "end": i.end,
                   "chunk": i.chunk.id if i.chunk else None, "section": i.chunk.section if i.chunk else None,
                   "pages": list(i.chunk.pages) if i.chunk and i.chunk.pages else None}
                  for i in answer.items],
    }


def list_text(answer: ListAnswer) -> list[str]:
    """The list numbered in the report's order under its report's title, each item with where it stands: its
    section (and page)."""
    lines = [f"列表答案 / List answer: 《{answer.title}》 ({answer.doc})", f"    {answer.lead}"]
    for n, item in enumerate(answer.items, 1):
        where = section_path(item.chunk) + (f"（{page_label(item.chunk)}）" if item.chunk.pages else "") \
            if item.chunk else ""
        lines.append(f"  {n}. {item.text}" + (f"  〔{where}〕" if where else ""))
    return lines


def cell_json(cell: Cell) -> dict:
    """A comparison's row: the place and year asked, and the report's answer with its citation (none: not
    stated)."""
    report = cell.report
    where = {"doc": report.path if report else None, "title": report.title if report else None,
             "place": cell.place, "year": cell.year, "period": cell.period, "named_year": cell.named_year}
    return {**where, **hit_json(cell.hit), **where} if cell.hit else where


def table_json(table: Table) -> dict:
    return {"rows": [cell_json(c) for c in table.rows], "missing": [cell_json(c) for c in table.missing]}


def _marked_text(hit: Hit) -> str:
    """The passage with the answer sentence in 【】 and the number phrase in ** **."""
    m = marked(hit)
    if hit.answer is None:
        return m.before
    number = f"**{m.number}**" if m.number else ""
    return f"{m.before}【{m.lead}{number}{m.trail}】{m.after}"


TABLE = ("对比表", "Comparison")
NOT_STATED = ("报告未写明", "Not stated in the report")
NO_REPORT = ("未收录该地该年的报告", "No report of the place for that year is indexed")


REPORT_OF_YEAR = ("{year}年报告", "the {year} report")  # a row's report, named by the year the question gave


def cell_where(cell: Cell) -> str:
    when = cell.period or (f"{cell.year}年" if cell.year else "")
    if cell.named_year:  # "罗湖区2022年GDP": the 2022 report, which gives 2021's
        when += f"（{REPORT_OF_YEAR[0].format(year=cell.named_year)}）"
    return f"{cell.place} {when}" if when else cell.place


def table_text(table: Table) -> list[str]:
    """A comparison's rows, each with the figure, its sentence and citation, then the reports not stating it."""
    lines = [f"{bilingual(TABLE)}:"]
    for cell in table.rows:
        lines.append(f"  {cell_where(cell)}: {cell.hit.answer.span_text}")
        lines.append(f"      {sentence_citation(cell.hit)} ({cell.report.path})")
    for cell in table.missing:
        source = f"《{cell.report.title}》({cell.report.path})" if cell.report else bilingual(NO_REPORT)
        lines.append(f"  {cell_where(cell)}: {bilingual(NOT_STATED)} — {source}")
    return lines


def result_text(result: SearchResult) -> str:
    lines = [f"问题 / Question: {result.query.text}"]
    if note := cut_note(result.query):
        lines.append(bilingual(note))
    if result.table is not None:
        lines.extend([*table_text(result.table), ""])
    if result.list is not None:  # the list answers on its own, whether or not the single answer is doubted
        lines.extend([*list_text(result.list), ""])
    if result.doubt is not None:
        lines.append(bilingual(NO_ANSWER) + f"：{bilingual(reason(result.doubt))}")
        if result.hits:
            lines.append(f"{bilingual(MAYBE_RELATED)}:")
    for hit in result.conflicts:
        lines.append(f"{bilingual(CONFLICT)}：《{hit.chunk.report.title}》({hit.chunk.report.path}) {hit.answer.span_text}")
    for hit in result.hits:
        lines.append("")
        where = " ".join(filter(None, [page_label(hit.chunk), OCR_LABEL if hit.chunk.ocr else ""]))
        lines.append(f"[{hit.rank}] 《{hit.chunk.report.title}》{' ' + where if where else ''}  "
                     f"({hit.chunk.report.path}, score {hit.score:.4f})")
        lines.append(f"    {hit.chunk.section}")
        lines.append(f"    {_marked_text(hit)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- generated answers

COMPOSED_HEADING = ("AI 归纳（本地模型生成，仅供参考，以原文为准）", "Written by the local model: check against the passages")
COMPOSING = ("正在生成…（写完的句子已逐句核对）", "Writing… (finished sentences are checked as they come)")
COMPOSED_CHECKED = ("已核对：文中的数字、日期和名称都见于所引段落", "Checked: every number, date and name is in the passages cited")
COMPOSED_PROBLEMS = ("有 {n} 处数字、日期、名称或引用在所引段落中找不到依据（已标出），请以原文为准",
                     "{n} number(s), date(s), name(s) or citation(s) are not supported by the passages cited (marked)")
UNSUPPORTED = ("所引段落中没有", "not in the passages cited")
CITED_ELSEWHERE = ("所引段落中没有，见段落", "not in the passages cited; it is in passage")
NO_SUCH_PASSAGE = ("没有这个段落", "no such passage")
NO_CITATION = ("无出处", "no citation")
# How a generation failed (search/llm.Failure); the extractive answer above stays the answer either way.
FAILURES: dict[Failure, tuple[str, str]] = {
    Failure.UNREACHABLE: ("连不上本地模型服务，请检查 --llm-url 和模型服务是否已启动", "The model server cannot be reached"),
    Failure.REFUSED: ("本地模型服务拒绝了请求（模型名称或密钥不对？）", "The model server refused the request"),
    Failure.TIMEOUT: ("本地模型响应超时，回答没有完成", "The model server timed out; the answer is incomplete"),
    Failure.INTERRUPTED: ("生成中断：连接在回答完成前断开，以下只是部分内容",
                          "The stream stopped before the answer was finished; what came is shown"),
    Failure.MALFORMED: ("本地模型服务返回的内容格式无法识别，回答没有完成",
                        "The model server's reply is not in the chat-completions format"),
    Failure.TRUNCATED: ("回答超出长度上限被截断", "The answer reached the length limit and was cut"),
    Failure.EMPTY: ("本地模型没有给出回答", "The model gave no answer"),
}


def composed_status(composed: Composed) -> tuple[str, tuple[str, str]]:
    """The generated answer's label: its kind ("ok", "warn", "error", "info") and words."""
    if composed.failure is not None:
        return "error", FAILURES[composed.failure]
    if not composed.done:
        return "info", COMPOSING
    if composed.problems:
        zh, en = COMPOSED_PROBLEMS
        return "warn", (zh.format(n=composed.problems), en.format(n=composed.problems))
    return "ok", COMPOSED_CHECKED


def composed_json(composed: Composed) -> dict:
    kind, words = composed_status(composed)
    return {
        "text": "".join(s.text + "".join(f"[{n}]" for n in s.cites + s.wrong_cites) for s in composed.sentences),
        "checked": composed.checked,
        "status": kind,
        "message": bilingual(words),
        "failure": composed.failure.value if composed.failure else None,
        "problems": composed.problems,
        "sentences": [{"text": s.text, "cites": list(s.cites), "wrong_cites": list(s.wrong_cites),
                       "claims": [{"text": c.text, "kind": c.kind.value, "supported": c.support is Support.CITED,
                                   "found_in": list(c.found_in)} for c in s.claims]}
                      for s in composed.sentences],
    }


def composed_text(composed: Composed) -> str:
    """The generated answer for a terminal: unsupported claims in ⟦⟧ with why, then its label."""
    lines = [bilingual(COMPOSED_HEADING)]
    for s in composed.sentences:
        text, at = "", 0
        for c in s.claims:
            if c.support is not Support.CITED:
                text += s.text[at:c.start] + f"⟦{c.text}：{claim_problem(c)[0]}⟧"
                at = c.end
        marks = "".join(f"[{n}]" for n in s.cites) + "".join(f"[{n}?]" for n in s.wrong_cites)
        lines.append(text + s.text[at:] + marks)
    lines.append(bilingual(composed_status(composed)[1]))
    return "\n".join(lines)


def claim_problem(claim: Claim) -> tuple[str, str]:
    if claim.support is Support.UNCITED and claim.found_in:
        where = "、".join(f"[{n}]" for n in claim.found_in)
        return f"{CITED_ELSEWHERE[0]}{where}", f"{CITED_ELSEWHERE[1]} {where}"
    return UNSUPPORTED
