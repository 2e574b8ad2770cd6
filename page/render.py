"""The page's HTML, rendered from search results and the library: pure functions, tested without a browser."""
from __future__ import annotations

import hashlib
import html
from pathlib import Path

from index.chunk import SEPARATOR
from index.errors import StoreError
from index.backends import Reader
from index.store import StoredChunk
from page.library import Library, added_label
from search.compose import Composed, Sentence, Support
from search.present import NO_REPORT, NOT_STATED, TABLE, cell_where
from search.present import (COMPOSED_HEADING, NO_CITATION, NO_SUCH_PASSAGE, claim_problem, composed_status)
from search.present import (CONFLICT, MAYBE_RELATED, NO_ANSWER, OCR_LABEL, Marked, answer_page, citation, cut_note, date_label, marked,
                            page_label, reason, section_path,
                            sentence_citation)
from search.results import Filters, Hit, ListAnswer, SearchResult, Table

ALL = "全部"
WORDING = "wording"
LIBRARY_HEADERS = ["标题", "年份", "发文机关", "类型", "段落数", "加入时间", "来源"]

esc = html.escape


def notice(text: str, kind: str = "info", detail: str = "") -> str:
    extra = f'<div class="ps-notice-detail">{esc(detail)}</div>' if detail else ""
    return f'<div class="ps-notice ps-{kind}" role="status"><div class="ps-notice-text">{esc(text)}</div>{extra}</div>'


def _level_tag(level: str) -> str:
    return f'<span class="ps-tag ps-level" title="报告所属层级 / level of government">{esc(level)}</span>' if level else ""


def _date_tag(iso: str) -> str:
    return f'<span class="ps-tag ps-date" title="成文或会议日期 / date">{esc(date_label(iso))}</span>' if iso else ""


def _where_tags(chunk: StoredChunk, page: int | None = None) -> str:
    """The page a passage (or, given `page`, its answering sentence) is on, and whether OCR read it."""
    label = f"第{page}页" if page else page_label(chunk)
    tags = [f'<span class="ps-tag ps-page">{esc(label)}</span>'] if chunk.pages else []
    if chunk.ocr:
        tags.append(f'<span class="ps-tag ps-ocr" title="此段由扫描件文字识别得到，个别字可能识别有误 / read by OCR">'
                    f"{OCR_LABEL}</span>")
    return "".join(tags)


def _sentence_html(m: Marked, bold_number: bool = True) -> str:
    """The answering sentence with its number phrase in bold."""
    number = f'<strong class="ps-num">{esc(m.number)}</strong>' if m.number and bold_number else esc(m.number)
    return f"{esc(m.lead)}{number}{esc(m.trail)}"


def passage_html(hit: Hit, answered: bool = True) -> str:
    """The passage with its closest sentence marked; its number in bold only when it is the answer (a bold figure
    under 未找到可靠答案 reads as one)."""
    if hit.answer is None:
        return esc(hit.chunk.text)
    m = marked(hit)
    return f'{esc(m.before)}<mark class="ps-hl">{_sentence_html(m, answered)}</mark>{esc(m.after)}'


def context_html(index: Reader, chunk: StoredChunk) -> str:
    """The whole section around the passage, the passage itself marked."""
    try:
        report_text = index.report_text(chunk.report.id)
    except (TypeError, StoreError, OSError):  # the report left the index meanwhile
        return esc(chunk.text)
    lo, hi = chunk.section_start, max(chunk.section_end, chunk.end)
    p0, p1 = max(lo, chunk.start), min(hi, chunk.end)
    return (f"{esc(report_text[lo:p0])}<mark class=\"ps-ctx-hl\">{esc(report_text[p0:p1])}</mark>"
            f"{esc(report_text[p1:hi])}")


def years_label(years: tuple[int, ...]) -> str:
    return "、".join(f"{y}年" for y in years) or "年份不详"


def confidence_label(confidence: float) -> str:
    """The confidence in words an official reads at a glance (the number itself is in the JSON and the title)."""
    return "把握很大" if confidence >= 0.9 else "较有把握" if confidence >= 0.8 else "把握一般"


def answer_card(hit: Hit, confidence: float, conflicts: tuple[Hit, ...] = ()) -> str:
    m, chunk = marked(hit), hit.chunk
    key = f'<div class="ps-answer-key">{esc(m.number)}</div>' if m.number else ""
    return (
        '<section class="ps-answer-card" aria-label="答案">'
        f'<div class="ps-answer-label">答案<span class="ps-confidence" title="可信度 / confidence {confidence:.2f}">'
        f'{confidence_label(confidence)}</span></div>'
        f"{key}"
        f'<div class="ps-answer-sentence"><mark class="ps-hl">{_sentence_html(m)}</mark></div>'
        f'<div class="ps-source">出处：《{esc(chunk.report.title)}》{esc(SEPARATOR)}{esc(section_path(chunk))}'
        f'{_where_tags(chunk, answer_page(hit))}'
        f'{_version_label(chunk) if conflicts else ""}</div>'
        f"{conflict_html(conflicts)}"
        "</section>"
    )


def _version_label(chunk: StoredChunk) -> str:
    """Which of two same-titled reports: its file, its own date when it states one, and when it was added."""
    dated = f"，{esc(date_label(chunk.report.date))}成文" if chunk.report.date else ""
    return f"（{esc(Path(chunk.report.path).name)}{dated}，收录于 {esc(added_label(chunk.report.added))}）"


def conflict_html(conflicts: tuple[Hit, ...]) -> str:
    """Both figures when two versions of a report disagree: the official must choose, not the tool."""
    if not conflicts:
        return ""
    items = "".join(
        f'<li><b>{esc(h.answer.span_text or "")}</b>：{esc(h.answer.text)}'
        f'<span class="ps-source">出处：《{esc(h.chunk.report.title)}》{_version_label(h.chunk)}</span></li>'
        for h in conflicts if h.answer)
    return (f'<div class="ps-conflict" role="alert"><div class="ps-conflict-title">{esc(CONFLICT[0])}，请核对：</div>'
            f"<ul>{items}</ul></div>")


def result_card(hit: Hit, index: Reader, answered: bool = True) -> str:
    chunk, report = hit.chunk, hit.chunk.report
    cite = citation(chunk)
    return (
        f'<article class="ps-card" id="ps-hit-{hit.rank}">'
        '<header class="ps-card-head">'
        f'<span class="ps-rank" title="排名 / rank">{hit.rank}</span>'
        f'<span class="ps-title">《{esc(report.title)}》</span>'
        f'<span class="ps-tag">{esc(years_label(report.years))}</span>'
        f"{_level_tag(hit.level)}"
        f"{_date_tag(report.date)}"
        f"{_where_tags(chunk)}"
        "</header>"
        f'<div class="ps-crumb">{esc(section_path(chunk))}</div>'
        f'<p class="ps-passage">{passage_html(hit, answered)}</p>'
        '<div class="ps-actions">'
        f'<button type="button" class="ps-copy" data-cite="{esc(cite)}">复制引用</button>'
        f'<label class="ps-pick-label"><input type="checkbox" class="ps-pick" data-cite="{esc(sentence_citation(hit))}">'
        '选入引用</label>'
        f'<button type="button" class="ps-more" data-sentence="{esc(_sentence(hit))}" '
        'title="以这句话为问题，查其他报告的相近表述">找相近表述</button>'
        '<details class="ps-context"><summary>查看上下文</summary>'
        f'<div class="ps-context-body">{context_html(index, chunk)}</div></details>'
        "</div>"
        f'<textarea class="ps-cite-text" readonly hidden aria-label="引用文字">{esc(cite)}</textarea>'
        "</article>"
    )


def _sentence(hit: Hit) -> str:
    return (hit.answer.text if hit.answer else hit.chunk.text).strip()


def scope_label(filters: Filters, index: Reader | None = None) -> str:
    """What the filters limit the search to, so an empty result is not mistaken for a missing fact. A chosen report
    is named by its title, as the 指定报告 list shows it (its file name when the index does not know it)."""
    years = ""
    if filters.year_from is not None:
        years = (f"{filters.year_from}年" if filters.year_from == filters.year_to
                 else f"{filters.year_from}–{filters.year_to}年")
    titles = {r.path: r.title for r in index.reports.values()} if index is not None else {}
    parts = [years, filters.body or "", filters.genre or "",
             *(f"《{titles[r]}》" if r in titles else Path(r).name for r in filters.reports)]
    return " · ".join(p for p in parts if p)


def list_html(answer: ListAnswer) -> str:
    """A list answer: the report's enumeration in its order, under the words that lead into it, each item with the
    section (and page) it stands in, said once where items share it."""
    items, last = [], None
    for item in answer.items:
        where = (section_path(item.chunk) + (f"（{page_label(item.chunk)}）" if item.chunk.pages else "")
                 if item.chunk else "")
        crumb = f'<span class="ps-crumb">{esc(where)}</span>' if where and where != last else ""
        items.append(f'<li><span class="ps-item">{esc(item.text)}</span>{crumb}</li>')
        last = where
    return ('<section class="ps-list-card">'
            f'<div class="ps-answer-label">列表答案 <span class="ps-count">共 {len(answer.items)} 项</span></div>'
            f'<div class="ps-list-source">出自《{esc(answer.title)}》：{esc(answer.lead)}</div>'
            f'<ol class="ps-list">{"".join(items)}</ol></section>')


def table_html(table: Table) -> str:
    """A comparison: a row per report stating the figure (the figure, its sentence, the citation), then the
    reports in scope that do not state it."""
    rows = "".join(
        f'<tr><td>{esc(cell_where(c))}</td><td class="ps-num">{esc(c.hit.answer.span_text or "")}</td>'
        f'<td>{esc(c.hit.answer.text.strip())}</td><td class="ps-crumb">《{esc(c.report.title)}》 › '
        f'{esc(section_path(c.hit.chunk))}</td></tr>' for c in table.rows)
    missing = "".join(
        f'<tr class="ps-missing"><td>{esc(cell_where(c))}</td><td>{esc(NOT_STATED[0])}</td><td></td>'
        f'<td class="ps-crumb">{esc("《" + c.report.title + "》") if c.report else esc(NO_REPORT[0])}</td></tr>'
        for c in table.missing)
    return ('<section class="ps-table-card">'
            f'<div class="ps-answer-label">{esc(TABLE[0])} <span class="ps-count">{len(table.rows)} 份报告写明，'
            f'{len(table.missing)} 份未写明</span></div>'
            '<div class="ps-table-wrap"><table class="ps-compare"><thead><tr><th>地方与年份</th><th>数字</th>'
            f'<th>原文</th><th>出处</th></tr></thead><tbody>{rows}{missing}</tbody></table></div></section>')


def result_html(result: SearchResult, index: Reader, filters: Filters) -> str:
    scope = scope_label(filters, index)
    scope_html = f'<span class="ps-scope">筛选：{esc(scope)}</span>' if scope else ""
    parts = [f'<div class="ps-question">问题：{esc(result.query.text)}{scope_html}</div>']
    if note := cut_note(result.query):
        parts.append(notice(note[0], "info"))
    hits = result.hits
    if result.table is not None or result.list is not None:
        # The table or list is the answer; the passages below are where to read on, not a doubted single answer.
        parts.append(table_html(result.table) if result.table is not None else list_html(result.list))
        heading = "相关段落"
    elif not result.confident or not hits:
        hint = "可以换个说法，或放宽筛选条件。" if filters.active else "可以换个说法，或换用更具体的词。"
        why = reason(result.doubt)[0] if result.doubt else ""
        detail = (f"{why}。以下段落可能相关，请自行核对原文。" if why else "以下段落可能相关，请自行核对原文。") \
            if hits else f"没有找到相关段落。{hint}"
        parts.append(notice(NO_ANSWER[0], "warn", detail))
        heading = MAYBE_RELATED[0]
    elif result.mode == WORDING:
        reports = len({h.chunk.report.id for h in hits})
        heading = f"参考表述（来自 {reports} 份报告）"
    else:
        if hits[0].answer is not None:
            parts.append(answer_card(hits[0], result.confidence, result.conflicts))
        heading = "相关段落"
    if hits:
        parts.append(f'<h3 class="ps-heading">{esc(heading)} <span class="ps-count">共 {len(hits)} 条</span>'
                     '<button type="button" class="ps-copy-picked" disabled '
                     'title="把勾选的结果的句子连同出处一并复制">复制所选引用（0）</button></h3>')
        parts.extend(result_card(h, index, result.confident) for h in hits)
    # Which results these are: the page's script unticks the picked citations when another set is shown.
    shown = hashlib.sha1(repr((result.query.text, result.mode, [h.chunk.id for h in hits])).encode()).hexdigest()[:12]
    return f'<div class="ps-results" data-shown="{shown}">{"".join(parts)}</div>'


# ---------------------------------------------------------------------------------------- generated answers


def composed_html(composed: Composed, hits: tuple[Hit, ...], model: str) -> str:
    """The local model's answer under the results: each claim the cited passages do not hold marked, each mark
    [n] a link to result n above, and a label that says whether it all checked out."""
    kind, (label, _) = composed_status(composed)
    sentences = "".join(_composed_sentence(s, hits) for s in composed.sentences)
    sources = "".join(f'<li><a href="#ps-hit-{n}">[{n}]</a>《{esc(h.chunk.report.title)}》'
                      f'<span class="ps-crumb">{esc(section_path(h.chunk))}</span></li>'
                      for n, h in enumerate(hits[:composed.passages], 1))
    return (f'<section class="ps-composed" aria-live="polite" data-status="{kind}">'
            f'<h3 class="ps-heading">{esc(COMPOSED_HEADING[0])} <span class="ps-count">{esc(model)}</span></h3>'
            f"{notice(label, kind)}"
            f'<p class="ps-composed-text">{sentences}</p>'
            f'<details class="ps-composed-sources"><summary>所依据的段落</summary><ol>{sources}</ol></details>'
            "</section>")


def _composed_sentence(sentence: Sentence, hits: tuple[Hit, ...]) -> str:
    out, at = [], 0
    for claim in sentence.claims:
        if claim.support is Support.CITED:
            continue
        out.append(esc(sentence.text[at:claim.start]))
        out.append(f'<mark class="ps-unsupported" title="{esc(claim_problem(claim)[0])}">{esc(claim.text)}</mark>')
        at = claim.end
    out.append(esc(sentence.text[at:]))
    for n in sentence.cites:
        title = f"《{hits[n - 1].chunk.report.title}》" if n <= len(hits) else ""
        out.append(f'<a class="ps-cite" href="#ps-hit-{n}" title="{esc(title)}">[{n}]</a>')
    out.extend(f'<span class="ps-cite ps-bad-cite" title="{NO_SUCH_PASSAGE[0]}">[{n}]</span>'
               for n in sentence.wrong_cites)
    if not sentence.cites and not sentence.wrong_cites and sentence.finished:
        out.append(f'<span class="ps-no-cite">（{NO_CITATION[0]}）</span>')
    text = "".join(out)
    return f'<span class="ps-pending">{text}</span>' if not sentence.finished else text


# ---------------------------------------------------------------------------------------- library view


def source_label(library: Library, path: str) -> str:
    return "上传" if library.is_upload(path) else "报告文件夹"


def library_rows(library: Library) -> list[list[object]]:
    return [[r.title, years_label(r.years), r.body or "—", r.genre, r.chunks, added_label(r.added),
             source_label(library, r.path)] for r in library.reports()]


def report_choices(library: Library) -> list[tuple[str, str]]:
    """The reports the page may delete: uploads only (corpus/ reports belong to the user's folder)."""
    return [(f"{r.title}（{Path(r.path).name}）", r.path) for r in library.reports() if library.is_upload(r.path)]


def filter_choices(library: Library) -> dict[str, list[tuple[str, str]]]:
    reports = library.reports()
    years = sorted({y for r in reports for y in r.years}, reverse=True)
    count = lambda pred: sum(1 for r in reports if pred(r))  # noqa: E731
    return {
        "year": [("全部年份", ALL)] + [(f"{y}年（{count(lambda r: y in r.years)} 份）", str(y)) for y in years],
        "body": [("全部机关", ALL)] + [(b, b) for b in sorted({r.body for r in reports if r.body})],
        "genre": [("全部类型", ALL)] + [(g, g) for g in sorted({r.genre for r in reports})],
        "report": [("全部报告", ALL)] + [(r.title, r.path) for r in reports],
    }


def keep(value: str | None, choices: list[tuple[str, str]], custom: bool = False,
         gone: str | None = ALL) -> str | None:
    """A choice keeps its value across library changes unless that choice disappeared (then `gone`: 全部 for a
    filter, nothing for the report picked for deletion)."""
    if value and (custom or value in {v for _, v in choices}):
        return value
    return gone


def status_html(lines: list[tuple[str, str]]) -> str:
    return "".join(notice(text, kind) for kind, text in lines)
