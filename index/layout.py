"""Text placed on a page (OCR boxes of a scan, text runs of an OFD) put back as the text a reader sees: lines in
reading order, wrapped lines rejoined into paragraphs, page numbers and running folios dropped, so the outline
chunker sees "一、…" and "（一）…" headings on lines of their own, as in a text file."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.errors import ReadError
from text.sentences import LABEL_ENDS

# "— 3 —", "-12-", "第3页", "3": a folio, not text (OCR reads the dashes of "— 1 —" as 一). Read only in the top or
# bottom margin of the page.
_FOLIO = re.compile(r"^[-—－–_一\s·•]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—－–_一\s·•]*$")
# A line ending a sentence or a label ends its paragraph; a semicolon only ends a clause of a list ("一是…；").
_PARAGRAPH_ENDS = tuple(set(LABEL_ENDS) - set("；;"))
_MARGIN = 0.1  # share of the page height above and below the type area where folios and running heads sit


MAX_PAGES = 3000  # a PDF, OFD or TIFF with more pages is refused: the longest real report has a few hundred


def too_many_pages(count: int, name: str) -> ReadError:
    return ReadError(f"页数过多（{count} 页，上限 {MAX_PAGES} 页），已跳过：{name} / "
                     f"Too many pages ({count}, at most {MAX_PAGES}); skipped: {name}")


@dataclass(frozen=True)
class PageText:
    text: str                 # the page's paragraphs, one per line
    continues: bool = False   # its first line carries on the last paragraph of the page before (no indent)
    runs_on: bool = False     # its last line runs to the right edge without ending a sentence


@dataclass(frozen=True)
class Run:
    """A piece of text and its box on the page (any unit, y growing downwards)."""
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def page_text(runs: Sequence[Run], page_height: float) -> PageText:
    """The page's paragraphs, one per line. A new paragraph starts at an indented line, or after a line that ends
    well short of the text block's right edge (the last line of a paragraph, a heading) or ends a sentence with a
    colon or full stop (a line that happens to wrap there is then split where a sentence ends anyway)."""
    lines = [line for line in lines_in_order(runs) if not _is_folio(line, page_height)]
    if not lines:
        return PageText("")
    left = min(line[0].x0 for line in lines)
    ends = sorted(line[-1].x1 for line in lines)
    # The block's right edge: a high quantile of line ends, since the maximum catches hanging punctuation ("，”").
    right = ends[min(len(ends) - 1, int(0.9 * len(ends)))]
    paragraphs: list[str] = []
    ended, continues, centred_before = True, False, False
    for number, line in enumerate(lines):
        size = sorted(r.height for r in line)[len(line) // 2]
        indent, short = line[0].x0 - left, right - line[-1].x1
        indented = indent > 1.2 * size
        # A title wrapped over centred lines ("鲁山县张店乡人民政府关于" / "2023年法治政府建设情况的报告") is one,
        # as is a full first line of a page followed by a centred rest.
        centred = indented and short > 1.5 * size and abs(indent - short) < 2 * size
        sentence_ended = line[-1].text.rstrip().endswith(_PARAGRAPH_ENDS)
        if not paragraphs:
            continues = not indented and len(lines) > 1  # a lone line gives no left edge to be indented from
        if centred and (centred_before or len(paragraphs) == 1 == number) and \
                not paragraphs[-1].endswith(_PARAGRAPH_ENDS):
            paragraphs[-1] += line_text(line)
        elif ended or indented:
            paragraphs.append(line_text(line))
        else:
            paragraphs[-1] += line_text(line)
        ended = short > 1.5 * size or sentence_ended
        centred_before = centred
    return PageText("\n".join(paragraphs), continues, not ended)


def lines_in_order(runs: Sequence[Run]) -> list[list[Run]]:
    """Runs grouped into visual lines, top to bottom, each left to right. A run joins a line when their vertical
    spans overlap by more than half the smaller height, which tolerates a slightly skewed scan where sorting by
    one y coordinate would interleave neighbouring lines."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.y0 + r.y1) / 2):
        for line in reversed(lines[-3:]):
            top, bottom = min(r.y0 for r in line), max(r.y1 for r in line)
            if min(bottom, run.y1) - max(top, run.y0) > 0.5 * min(run.height, bottom - top):
                line.append(run)
                break
        else:
            lines.append([run])
    return [sorted(line, key=lambda r: r.x0) for line in lines]


def line_text(line: Sequence[Run]) -> str:
    """A line's runs joined; a gap wider than two characters (a table's columns, a tab stop) becomes a tab."""
    parts = [line[0].text]
    for before, run in zip(line, line[1:]):
        parts.append("\t" if run.x0 - before.x1 > 2 * run.height else "")
        parts.append(run.text)
    return "".join(parts)


def _is_folio(line: Sequence[Run], page_height: float) -> bool:
    in_margin = line[0].y0 > (1 - _MARGIN) * page_height or line[0].y1 < _MARGIN * page_height
    return in_margin and bool(_FOLIO.match(line_text(line)))
