"""Tables as text lines, one home for every format (Word, PDF, Markdown, OFD): the header row once, then each row
with its column labels, so that "2023年植树造林多少亩" finds "植树造林 | 2023年：3150亩 | 增长：5%" and the answer
names its row and column."""
from __future__ import annotations

from collections.abc import Sequence

CELL_SEPARATOR = " | "
LABEL_MARK = "："


def table_lines(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """Header line, then each body row as "row label | column：value | …". A table without a header worth the name
    (one row, or a first row with empty cells) is kept row by row as it stands."""
    rows = [[_cell(c) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if not body or not all(header):
        return [CELL_SEPARATOR.join(c for c in row if c) for row in rows]
    return [CELL_SEPARATOR.join(header), *(_labelled(header, row) for row in body)]


def _labelled(header: list[str], row: list[str]) -> str:
    cells = [row[0]] if row else []
    for label, value in zip(header[1:], row[1:]):
        if value:
            cells.append(value if value == label else f"{label}{LABEL_MARK}{value}")
    return CELL_SEPARATOR.join(c for c in cells if c)


def _cell(value: str | None) -> str:
    """A cell's text on one line (cells wrap inside; a PDF cell may be None)."""
    return " ".join((value or "").split())
