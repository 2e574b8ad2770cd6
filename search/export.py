"""Results that leave the tool: one search's results with their citations, as a Word document (.docx) for a draft
or a CSV table (UTF-8 with BOM, so Excel reads the Chinese) for a list. The CLI's --export and the page's export
buttons write the same files."""
from __future__ import annotations

import csv
from pathlib import Path

from index.errors import UserError
from search.present import NO_ANSWER, answer_page, cut_note, reason, section_path, sentence_citation
from search.results import Hit, SearchResult

FORMATS = (".docx", ".csv")
COLUMNS = ("序号", "报告", "年份", "发文机关", "层级", "章节", "页码", "答案句", "数字", "段落", "引用")


def export(result: SearchResult, path: Path) -> Path:
    """Write the results to `path`, in the format its suffix names."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"只能导出为 {' 或 '.join(FORMATS)}：{path.name} / Export to .docx or .csv, not {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    (write_docx if suffix == ".docx" else write_csv)(result, path)
    return path


def rows(result: SearchResult) -> list[dict[str, str]]:
    """One row per result, in the order shown."""
    return [_row(hit) for hit in result.hits]


def _row(hit: Hit) -> dict[str, str]:
    report, answer = hit.chunk.report, hit.answer
    page = answer_page(hit) if hit.chunk.pages else None
    return {"序号": str(hit.rank), "报告": report.title, "年份": "、".join(map(str, report.years)),
            "发文机关": report.body, "层级": hit.level, "章节": section_path(hit.chunk),
            "页码": str(page) if page else "", "答案句": answer.text.strip() if answer else "",
            "数字": (answer.span_text or "") if answer else "", "段落": hit.chunk.text, "引用": sentence_citation(hit)}


def write_csv(result: SearchResult, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(result))


def write_docx(result: SearchResult, path: Path) -> None:
    from docx import Document  # python-docx, a dependency already (the reader opens .docx with it)

    document = Document()
    document.add_heading(f"问题：{result.query.text}", level=1)
    if note := cut_note(result.query):
        document.add_paragraph(note[0])
    top = result.hits[0] if result.hits else None
    if result.confident and top is not None and top.answer is not None:
        answer = document.add_paragraph("答案：")
        answer.add_run(top.answer.span_text or top.answer.text.strip()).bold = True
        document.add_paragraph(f"把握：{result.confidence:.0%}　出处：{sentence_citation(top)}")
    elif result.doubt is not None:
        document.add_paragraph(f"{NO_ANSWER[0]}：{reason(result.doubt)[0]}。以下段落可能相关，请自行核对原文。")
    for row in rows(result):
        document.add_heading(f"[{row['序号']}] 《{row['报告']}》", level=2)
        document.add_paragraph(" · ".join(v for v in (row["章节"], row["层级"], row["年份"] and row["年份"] + "年") if v))
        passage = document.add_paragraph()
        before, sentence, after = _split(row["段落"], row["答案句"])
        passage.add_run(before)
        passage.add_run(sentence).bold = True
        passage.add_run(after)
        document.add_paragraph(f"引用：{row['引用']}")
    document.save(str(path))


def _split(passage: str, sentence: str) -> tuple[str, str, str]:
    """The passage around its answering sentence, which the document sets in bold."""
    at = passage.find(sentence) if sentence else -1
    if at < 0:
        return passage, "", ""
    return passage[:at], sentence, passage[at + len(sentence):]
