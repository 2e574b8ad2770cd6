"""Turn search results into the JSON the CLI and the web API share, and into readable text."""
from __future__ import annotations

from search.retrieve import Hit, SearchResult

NO_ANSWER = "未找到可靠答案 / No reliable answer found"
MAYBE_RELATED = "可能相关 / Possibly related"


def hit_json(hit: Hit) -> dict:
    c, a = hit.chunk, hit.answer
    return {
        "rank": hit.rank,
        "score": hit.score,
        "doc": c.report.path,
        "title": c.report.title,
        "years": list(c.report.years),
        "body": c.report.body,
        "section": c.section,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "answer": a.text if a else None,
        "answer_start": a.start if a else None,
        "answer_end": a.end if a else None,
        "answer_span": [a.span_start, a.span_end] if a and a.span_start is not None else None,
        "answer_span_text": a.span_text if a else None,
    }


def result_json(result: SearchResult) -> dict:
    return {
        "query": result.query.text,
        "mode": result.mode,
        "confident": result.confident,
        "message": None if result.confident else NO_ANSWER,
        "reason": result.doubt or None,
        "results": [hit_json(h) for h in result.hits],
    }


def _marked(hit: Hit) -> str:
    """The passage with the answer sentence in 【】 and the number phrase in ** **."""
    c, a = hit.chunk, hit.answer
    if a is None:
        return c.text
    rel = lambda x: x - c.start  # noqa: E731 - offsets in the report → offsets in the passage
    sentence = c.text[rel(a.start):rel(a.end)]
    if a.span_start is not None:
        s0, s1 = a.span_start - a.start, a.span_end - a.start
        sentence = f"{sentence[:s0]}**{sentence[s0:s1]}**{sentence[s1:]}"
    return f"{c.text[:rel(a.start)]}【{sentence}】{c.text[rel(a.end):]}"


def result_text(result: SearchResult) -> str:
    lines = [f"问题 / Question: {result.query.text}"]
    if not result.hits and result.confident:
        lines.append("没有找到相关段落 / No matching passages")
    if not result.confident:
        lines.append(NO_ANSWER + (f"：{result.doubt}" if result.doubt else ""))
        if result.hits:
            lines.append(f"{MAYBE_RELATED}:")
    for hit in result.hits:
        lines.append("")
        lines.append(f"[{hit.rank}] 《{hit.chunk.report.title}》  ({hit.chunk.report.path}, score {hit.score:.4f})")
        lines.append(f"    {hit.chunk.section}")
        lines.append(f"    {_marked(hit)}")
    return "\n".join(lines)
