"""Split a report along its own outline into passages that carry their section path.

Chinese reports number their outline ("一、" › "（一）" › "1." › "（1）", or "第一章/节/条"),
and the numbering kinds nest in whatever order the author chose, so a heading's level is
decided by a stack of the kinds currently open, not by a fixed table.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.model import MAX_TOKENS
from index.read import TITLE_MAX, Report
from text.lexicon import alternation, words
from text.numbers import ORDINAL_NUMERALS
from text.sentences import LABEL_ENDS, PUNCTUATION, QUOTE_MARKS, SPLIT_POINTS
from text.years import DATE_LINE

SEPARATOR = " › "
DEFAULT_TARGET_CHARS = 350
DEFAULT_OVERLAP_CHARS = 40

# (kind, pattern): the kind names the numbering style; the pattern matches at line start.
_HEADING_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第[{ORDINAL_NUMERALS}\d]{{1,4}}[章编]")),
    ("part", re.compile(rf"^第[{ORDINAL_NUMERALS}\d]{{1,4}}部分")),
    ("node", re.compile(rf"^第[{ORDINAL_NUMERALS}\d]{{1,4}}节")),
    ("article", re.compile(rf"^第[{ORDINAL_NUMERALS}\d]{{1,4}}条")),
    ("cn", re.compile(rf"^[{ORDINAL_NUMERALS}]{{1,3}}[、.．]")),
    ("cn_paren", re.compile(rf"^[（(][{ORDINAL_NUMERALS}]{{1,3}}[）)]")),
    ("num", re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    ("num_paren", re.compile(r"^[（(]\d{1,2}[）)]")),
)
HEADING_KINDS = frozenset(kind for kind, _ in _HEADING_MARKERS)
_SENTENCE_END = re.compile(f"[{re.escape(LABEL_ENDS)}]")
# A title line may quote a name ("“十三五”发展思路和2016年主要工作任务"), but holds no clause punctuation.
_CLAUSE_PUNCTUATED = re.compile(f"[{re.escape(''.join(c for c in PUNCTUATION if c not in QUOTE_MARKS))}]")
_MAX_LABEL_CHARS = 40
_MAX_TITLE_LINE_CHARS = 25
# "《政府工作报告》有关名词解释", "附件：名词解释": the glossary at a report's end, a section of its own.
GLOSSARY = alternation(words("glossary_words"))
_GLOSSARY_LINE = re.compile(f"^(?:附件\\d*[:：]?)?(?:《[^》]{{1,20}}》)?(?:有关)?{GLOSSARY}[:：]?$")
# Bump when the outline or chunk rules change: every report is then re-chunked (vectors reused by hash).
CHUNKER_VERSION = 3


@dataclass(frozen=True)
class Heading:
    start: int          # offset of the heading line in report.text
    line_end: int       # offset just past the heading line
    kind: str           # numbering style; "title" for short unpunctuated lines, "hint:N" for styled ones
    label: str          # what the breadcrumb shows
    standalone: bool    # the whole line is the heading (else body text follows on the same line)


@dataclass
class Section:
    label: str
    level: int
    start: int          # where the section's own text starts (after a standalone heading line)
    end: int            # where the next heading begins
    heading_start: int
    children: list["Section"] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    report: str         # Report.path
    section: str        # breadcrumb: title › 一、… › （二）…
    start: int          # offsets into Report.text; text == report.text[start:end]
    end: int
    text: str
    section_start: int  # span of the whole section (for "show context")
    section_end: int

    @property
    def embed_text(self) -> str:
        # The breadcrumb goes into the vector so "2024年有什么工作安排" finds chunks under that heading.
        return f"{self.section}\n{self.text}"


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _label(line: str) -> tuple[str, bool]:
    """The heading's own words, and whether the line holds nothing else."""
    stripped = line.strip()
    m = _SENTENCE_END.search(stripped)
    if m is None or m.end() == len(stripped):
        head = stripped.rstrip("。；;：:")
        standalone = True
    else:
        head = stripped[: m.start()]
        standalone = False
    if len(head) > _MAX_LABEL_CHARS:
        head = head[:_MAX_LABEL_CHARS] + "…"
        standalone = False if len(stripped) > _MAX_LABEL_CHARS * 2 else standalone
    return head, standalone


def is_title_line(line: str, next_line: str) -> bool:
    s = line.strip()
    return (
        2 <= len(s) <= _MAX_TITLE_LINE_CHARS
        and not _CLAUSE_PUNCTUATED.search(s)
        and not re.search(r"\s", s)  # "北京市市长 殷勇": a speaker line, not a heading
        and not DATE_LINE.fullmatch(s)
        and not s.startswith("[")
        and len(next_line.strip()) > len(s)
    )


def find_headings(report: Report) -> list[Heading]:
    """Heading lines of the report body (the first line is the title, not a heading)."""
    text = report.text
    hints = dict(report.heading_hints)
    spans = _lines(text)
    first = next((i for i, (a, b) in enumerate(spans) if text[a:b].strip()), 0)
    # Index of the next non-blank line after each line, computed once backwards: scanning forward from every
    # line (as before) copied the rest of the span list per line, quadratic on files of many short lines.
    next_nonblank = [len(spans)] * len(spans)
    following = len(spans)
    for i in range(len(spans) - 1, -1, -1):
        next_nonblank[i] = following
        a, b = spans[i]
        if text[a:b].strip():
            following = i
    headings: list[Heading] = []
    for i in range(first + 1, len(spans)):
        a, b = spans[i]
        line = text[a:b]
        if not line.strip():
            continue
        kind = marker_kind(line.strip())
        if a in hints:
            kind = f"hint:{hints[a]}"
        elif kind is None:
            j = next_nonblank[i]
            nxt = text[spans[j][0]:spans[j][1]] if j < len(spans) else ""
            if not (is_title_line(line, nxt) or _GLOSSARY_LINE.match(line.strip())):
                continue
            kind = "title"
        label, standalone = _label(line)
        headings.append(Heading(a, b, kind, label, standalone))
    return headings


def marker_kind(line: str) -> str | None:
    for kind, pattern in _HEADING_MARKERS:
        if pattern.match(line):
            return kind
    return None


def build_outline(report: Report) -> Section:
    """The section tree: a heading closes every open section down to its own kind."""
    text = report.text
    root = Section(report.title, 0, 0, len(text), 0)
    headings = find_headings(report)
    root_body_start = _after_title(text)
    root.start = root_body_start
    stack: list[tuple[str, Section]] = [("root", root)]
    for n, h in enumerate(headings):
        open_kinds = [k for k, _ in stack]
        if h.kind.startswith("hint:"):
            level = int(h.kind[5:])
            while len(stack) > 1 and _level_of(stack[-1][0], stack) >= level:
                stack.pop()
        elif h.kind == "title":
            # Unnumbered title lines in these reports divide the whole report
            # ("2022年主要工作", "有关名词解释"), so they always start a top-level section.
            del stack[1:]
        elif h.kind in open_kinds:
            del stack[open_kinds.index(h.kind):]
        end = headings[n + 1].start if n + 1 < len(headings) else len(text)
        body_start = min(h.line_end + 1, end) if h.standalone else h.start
        node = Section(h.label, len(stack), body_start, end, h.start)
        stack[-1][1].children.append(node)
        stack.append((h.kind, node))
    root.end = headings[0].start if headings else len(text)
    return root


def _level_of(kind: str, stack: list[tuple[str, Section]]) -> int:
    if kind.startswith("hint:"):
        return int(kind[5:])
    return next(s.level for k, s in stack if k == kind)


def _after_title(text: str) -> int:
    stripped = text.lstrip("\n")
    nl = stripped.find("\n")
    first_line = stripped if nl < 0 else stripped[:nl]
    if len(first_line.strip()) > TITLE_MAX:
        # A first "line" longer than any title is body text (a report saved as one line, or with no line
        # breaks at all): treating it as the title used to drop the whole report from the chunks.
        return len(text) - len(stripped)
    return len(text) if nl < 0 else len(text) - len(stripped) + nl + 1


def walk(section: Section, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Section]]:
    """Every section with its breadcrumb labels, in document order."""
    here = path + (section.label,)
    out = [(here, section)]
    for child in section.children:
        out.extend(walk(child, here))
    return out


def _splitter(target_chars: int, overlap: int) -> RecursiveCharacterTextSplitter:
    # Chinese sentence ends first, so a sentence is only cut when it alone exceeds the target.
    return RecursiveCharacterTextSplitter(
        separators=[*SPLIT_POINTS, ""],
        chunk_size=target_chars,
        chunk_overlap=overlap,
        keep_separator="end",
        strip_whitespace=True,
    )


def _pieces(body: str, splitter: RecursiveCharacterTextSplitter) -> list[tuple[int, int]]:
    """Split a section body and locate every piece in it (pieces are verbatim substrings)."""
    spans: list[tuple[int, int]] = []
    previous, cursor = -1, 0
    for piece in splitter.split_text(body):
        # Pieces come in order and overlap by at most the overlap, so the next one starts no earlier
        # than that: a repeated paragraph must map to its own copy, not an earlier one.
        at = body.find(piece, max(previous + 1, cursor - splitter._chunk_overlap))
        if at < 0:
            at = body.find(piece, previous + 1)
        spans.append((at, at + len(piece)))
        previous, cursor = at, at + len(piece)
    return spans


def chunk_report(
    report: Report,
    target_chars: int = DEFAULT_TARGET_CHARS,
    overlap_chars: int = DEFAULT_OVERLAP_CHARS,
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = MAX_TOKENS,
) -> list[Chunk]:
    """Passages of at most `target_chars`, never crossing a section boundary.

    With `count_tokens`, any passage whose embedded text would overflow the model window is
    split again at a smaller size, so nothing is silently truncated by the encoder.
    """
    chunks: list[Chunk] = []
    for path, section in walk(build_outline(report)):
        body = report.text[section.start:section.end]
        crumb = SEPARATOR.join(p for p in path if p)
        size = target_chars
        for a, b in _fitting_pieces(body, crumb, size, overlap_chars, count_tokens, max_tokens):
            chunks.append(Chunk(report.path, crumb, section.start + a, section.start + b,
                                body[a:b], section.start, section.end))
    return chunks


def _balanced_size(length: int, target: int) -> int:
    """A piece size that splits `length` into near-equal parts instead of leaving a short tail."""
    parts = -(-length // target)
    return target if parts <= 1 else min(target, -(-length // parts) + target // 5)


def _fitting_pieces(body: str, crumb: str, size: int, overlap: int,
                    count_tokens: Callable[[str], int] | None, max_tokens: int) -> list[tuple[int, int]]:
    if not body.strip():
        return []
    out: list[tuple[int, int]] = []
    for a, b in _pieces(body, _splitter(_balanced_size(len(body), size), min(overlap, size // 4))):
        if count_tokens is None or size <= 32 or count_tokens(f"{crumb}\n{body[a:b]}") <= max_tokens - 8:
            out.append((a, b))
            continue
        out.extend((a + x, a + y) for x, y in
                   _fitting_pieces(body[a:b], crumb, size // 2, overlap, count_tokens, max_tokens))
    return out
