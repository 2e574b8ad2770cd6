"""Read a report file (txt/md/docx/pdf/html) into normalised text plus metadata.

CONTRACT (other modules depend on it; keep the names):
    read_report(path: Path, root: Path | None = None) -> Report   # raises ReadError
    SUPPORTED_SUFFIXES: frozenset[str]
"""
from __future__ import annotations

import bisect
import codecs
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from index.convert import CONVERTED_SUFFIXES, to_docx
from index import ocr
from index.errors import ReadError
from index.layout import MAX_PAGES, PageText, too_many_pages
from index.system import read_cache_root, write_json_atomic
from index.ofd import read_ofd
from index.tables import table_lines
from text import HAN
from text.normalize import normalize_text
from text.numbers import ORDINAL_NUMERALS
from text.places import BODY_SUFFIX, PLACE, government_of
from text.tense import PLANNED_YEAR, REVIEWED_YEAR
from text.dates import report_date
from text.years import strip_years, years_in


@dataclass(frozen=True)
class Report:
    path: str                 # file path as given / relative to the corpus root (the `doc` users see)
    text: str                 # normalised full text; every stored offset points into this string
    title: str
    years: tuple[int, ...]    # the title's years, else the outline's or the file name's, e.g. (2023,)
    body: str                 # issuing body, e.g. "鲁山县张店乡人民政府"; "" when unknown
    genre: str                # "法治政府建设报告" | "政府工作报告" | "其他"
    size: int                 # file size in bytes
    sha256: str               # of the file bytes
    heading_hints: tuple[tuple[int, int], ...] = ()  # (line start offset, level 1..6) from docx/html/md styling
    pages: tuple[int, ...] = ()      # paged formats (PDF, OFD, scans): the offset where each page starts, page 1 first
    ocr_pages: tuple[int, ...] = ()  # the pages (1-based) whose text was read by OCR
    date: str = ""                   # signing or meeting date, ISO ("2024-01-15"); "" when the text gives none


WORK_REPORT = "政府工作报告"  # a genre: delivered early in its year, it reviews the year before and plans its own

# Bump when the text a file reads to changes: every report is then re-read and re-chunked.
READER_VERSION = 4
SUPPORTED_SUFFIXES = (frozenset({".txt", ".md", ".docx", ".pdf", ".ofd", ".html", ".htm"}) | CONVERTED_SUFFIXES
                      | ocr.IMAGE_SUFFIXES)
FOLDER_DOCS = frozenset({"README.MD", "SOURCES.MD"})  # a corpus folder's own notes, not reports (upper-cased)

# Size limits: the largest real report (a State Council work report) is well under 1 MB of text, so these only
# stop files that would take absurd memory or time; above them the file is skipped with a clear reason.
MAX_TEXT_BYTES = 50 * 1024 * 1024      # .txt/.md: read, normalised and chunked in linear time up to this size
MAX_HTML_BYTES = 20 * 1024 * 1024      # .html/.htm: BeautifulSoup trees take ~10x the markup size in memory
MAX_PACKED_BYTES = 100 * 1024 * 1024   # .docx/.pdf files on disk
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # sum of a .docx's members once decompressed (checked before decompressing)
MAX_DOCX_RATIO = 100                   # a member bigger than 1 MB packed more tightly than this is a zip bomb
_MAX_BYTES = {".txt": MAX_TEXT_BYTES, ".md": MAX_TEXT_BYTES, ".html": MAX_HTML_BYTES, ".htm": MAX_HTML_BYTES,
              ".docx": MAX_PACKED_BYTES, ".pdf": MAX_PACKED_BYTES, ".doc": MAX_PACKED_BYTES, ".wps": MAX_PACKED_BYTES,
              ".ofd": MAX_PACKED_BYTES, **dict.fromkeys(ocr.IMAGE_SUFFIXES, MAX_PACKED_BYTES)}

def _assemble(blocks: Iterable[tuple[str, int]],
              starts: list[int | None] | None = None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Join (text, heading level or 0) blocks into final text, collapsing blank-line runs.

    Offsets are computed while joining so heading hints point into the exact final string; `starts`, when given,
    receives each block's first offset (None for a block with no text).
    """
    out: list[str] = []
    hints: list[tuple[int, int]] = []
    pos = 0
    pending_blank = False
    for raw, level in blocks:
        hinted = False
        if starts is not None:
            starts.append(None)
        for line in normalize_text(raw).split("\n"):
            if not line.strip():
                pending_blank = True
                continue
            if out:
                sep = "\n\n" if pending_blank else "\n"
                out.append(sep)
                pos += len(sep)
            pending_blank = False
            if starts is not None and starts[-1] is None:
                starts[-1] = pos
            if level and not hinted:
                hints.append((pos, level))
                hinted = True
            out.append(line)
            pos += len(line)
    return "".join(out), tuple(hints)


def _finish_text(s: str) -> str:
    return _assemble([(s, 0)])[0]


# ---------------------------------------------------------------------------
# Decoding plain text
# ---------------------------------------------------------------------------

_SAMPLE = 1 << 16
_CONTROL_BYTES = frozenset(range(0x20)) - frozenset(b"\t\n\r\x0b\x0c\x1b")


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for b in sample if b in _CONTROL_BYTES)
    return sample.count(0) / len(sample) > 0.01 or controls / len(sample) > 0.05


def _looks_chinese(text: str) -> bool:
    """True when a GB18030 decoding is mostly common GB2312 characters.

    GBK accepts almost any byte pairs, so Big5/Latin-1/... bytes also "decode"; real simplified-Chinese text is
    overwhelmingly made of GB2312 characters while mis-decoded bytes are not.
    """
    sample = text[:_SAMPLE]
    non_ascii = sum(1 for c in sample if ord(c) > 0x7F)
    if non_ascii == 0:
        return True
    common = len(sample.encode("gb2312", "ignore").decode("gb2312")) - (len(sample) - non_ascii)
    return common / non_ascii >= 0.8


def _decode_text(data: bytes, name: str) -> str:
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                break
    if _looks_binary(data):
        raise _encoding_error(name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return text
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few damaged bytes (a bad copy, a truncated download) used to be refused whole or guessed as
    # another encoding; the damaged bytes become U+FFFD and the rest of the report is kept.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") * 100 <= len(text):
        return text.removeprefix("\ufeff")
    return _decode_guess(data, name)


def _decode_guess(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _encoding_error(name)
    text = str(best)
    printable = sum(1 for c in text[:_SAMPLE] if c.isprintable() or c in "\n\t\r")
    if printable < 0.95 * len(text[:_SAMPLE]):
        raise _encoding_error(name)
    return text


def _encoding_error(name: str) -> ReadError:
    return ReadError(f"无法识别文件编码或不是文本文件：{name} / Cannot detect the encoding, or not a text file: {name}")


# ---------------------------------------------------------------------------
# Per-format readers: each returns (final text, heading hints, explicit title or "")
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Parsed:
    """What a format's reader gives: the text, heading hints, a title the file states, and its pages."""
    text: str
    hints: tuple[tuple[int, int], ...] = ()
    title: str = ""
    pages: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()


def _paged(pages: Sequence[str | PageText], ocr_pages: tuple[int, ...] = (), title: str = "") -> _Parsed:
    """Page texts joined, each page's start offset kept (an empty page starts where the next one does). A page
    whose first line carries on a paragraph the page before left running (a laid-out page: OFD, a scan) is joined
    to it without a line break, so a sentence split by the page end is one sentence again."""
    pages = [p if isinstance(p, PageText) else PageText(p) for p in pages]
    starts: list[int | None] = []
    text, _ = _assemble(((page.text, 0) for page in pages), starts)
    offsets, following = [], len(text)
    for start in reversed(starts):
        following = start if start is not None else following
        offsets.append(following)
    offsets.reverse()
    for i in range(len(pages) - 1, 0, -1):
        start = offsets[i]
        if pages[i].continues and pages[i - 1].runs_on and text[start - 1:start] == "\n" and \
                text[start - 2:start - 1] != "\n":
            text = text[:start - 1] + text[start:]
            offsets = offsets[:i] + [o - 1 for o in offsets[i:]]
    return _Parsed(text, (), title, tuple(offsets), ocr_pages)


def page_of(pages: tuple[int, ...], offset: int) -> int | None:
    """The page (1-based) holding a text offset; None for a file without pages."""
    return bisect.bisect_right(pages, offset) if pages else None

def _read_txt(data: bytes, name: str) -> _Parsed:
    return _Parsed(_finish_text(_decode_text(data, name)))


def _read_md(data: bytes, name: str) -> _Parsed:
    """Markdown as the text a reader sees: headings as outline hints, emphasis, links and list marks dropped
    ("全年**新建**文化礼堂" is 全年新建文化礼堂), tables as labelled rows (index/tables.py)."""
    text, hints = _assemble(_md_blocks(_decode_text(data, name)))
    return _Parsed(text, hints, text.split("\n", 1)[0] if hints and hints[0][0] == 0 else "")


def _md_blocks(source: str) -> Iterable[tuple[str, int]]:
    """(text, heading level or 0) blocks; paragraphs and headings end with a blank line, as in the source, while
    list items stay one per line and tables are read as index/tables.py writes them."""
    from markdown_it import MarkdownIt

    level, rows, row, lists = 0, [], None, 0
    for token in MarkdownIt("commonmark").enable("table").parse(source):
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
            yield "\n\n", 0
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "table_close":
            yield "\n".join(table_lines(rows)) + "\n\n", 0
            rows = []
        elif token.type == "inline":
            if row is not None:
                row.append(_md_inline(token).replace("\n", " ").strip())
            else:
                yield _md_inline(token) + ("" if lists else "\n\n"), level
                level = 0
        elif token.type in ("fence", "code_block"):
            yield token.content + "\n\n", 0
        elif token.type == "html_block":  # "<div>全年化解矛盾纠纷26起。</div>": its text, not its markup
            yield _html_fragment_text(token.content) + "\n\n", 0


def _html_fragment_text(markup: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "lxml").get_text("\n")


def _md_inline(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline":  # "植树造林<br>3150亩": a line break, other tags nothing
            parts.append("\n" if re.match(r"<br\b", child.content, re.IGNORECASE) else "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


_DOCX_HEADING_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_DOCX_TITLE_RE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)


def _docx_level(style_name: str) -> int:
    name = style_name.strip()
    if m := _DOCX_HEADING_RE.match(name):
        return min(max(int(m.group(1)), 1), 6)
    return 1 if _DOCX_TITLE_RE.match(name) else 0


def _docx_blocks(document) -> Iterable[tuple[str, int]]:
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield "\n".join(table_lines(_docx_rows(item))), 0
        else:
            style = item.style.name if item.style is not None else ""
            yield item.text, _docx_level(style or "")


# What a writer puts in a document's title property when nobody gave one (LibreOffice's .doc → .docx writes "Word
# Document"): the first line of the text is the better title then.
_PLACEHOLDER_TITLES = frozenset({"word document", "microsoft word document", "untitled", "无标题", "文档", "新建文档"})


def _docx_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:  # merged cells are repeated by python-docx
                seen.add(id(cell._tc))
                cells.append(cell.text)
        rows.append(cells)
    return rows


def _check_docx_size(data: bytes, name: str) -> None:
    """Refuse a zip bomb from the declared member sizes, before anything is decompressed.

    zipfile never yields more than a member's declared size, so a header that lies cannot get past this.
    """
    import zipfile

    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(f"无法读取 Word 文件：{name}（{exc}） / Cannot read Word file: {name} ({exc})") from exc
    unpacked = sum(m.file_size for m in members)
    bomb = any(m.file_size > 1 << 20 and m.file_size > MAX_DOCX_RATIO * max(1, m.compress_size) for m in members)
    if unpacked > MAX_DOCX_UNPACKED or bomb:
        raise ReadError(f"Word 文件解压后过大（{unpacked / 2**20:.0f} MB），疑似压缩炸弹，已拒绝：{name} / "
                        f"Word file would decompress to {unpacked / 2**20:.0f} MB (zip bomb?); refused: {name}")


def _read_docx(data: bytes, name: str) -> _Parsed:
    import docx

    _check_docx_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        text, hints = _assemble(list(_docx_blocks(document)))
        title = (document.core_properties.title or "").strip()
        title = "" if title.lower() in _PLACEHOLDER_TITLES else title
    except Exception as exc:  # python-docx raises zip, XML, KeyError... for damaged files: all mean "unreadable"
        raise ReadError(f"无法读取 Word 文件：{name}（{exc}） / Cannot read Word file: {name} ({exc})") from exc
    return _Parsed(text, hints, normalize_text(title))


def _read_converted(data: bytes, name: str) -> _Parsed:
    """.doc and .wps: converted to .docx by LibreOffice, then read as Word."""
    return _read_docx(to_docx(data, name), name)


# A page with an image and fewer characters than this in its text layer is taken for a scan and read by OCR (a
# scanned page may still carry a stamp's or a page number's text).
MIN_LAYER_CHARS = 20


def _read_pdf(data: bytes, name: str) -> _Parsed:
    """The text layer of each page; pages without one (a scan, or scanned pages inside a PDF) by OCR."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(f"PDF 文件已加密，无法读取：{name} / PDF is encrypted: {name}")
        layers = _pdf_layers(data, name)
        scanned = [i for i, (text, page) in enumerate(zip(layers, reader.pages))
                   if _chars(text) < MIN_LAYER_CHARS and _has_image(page)]
    except ReadError:
        raise
    except Exception as exc:  # pypdf signals damage with many exception types
        raise ReadError(f"无法读取 PDF 文件：{name}（{exc}） / Cannot read PDF file: {name} ({exc})") from exc
    read = ocr.read_pages(hashlib.sha256(data).hexdigest(), name, scanned,
                          lambda page: ocr.render_pdf_page(data, page)) if scanned else {}
    # A signature page ("…人民政府 / 2024年1月15日" under a red seal) has a short layer and an image: its layer
    # stands unless OCR reads clearly more, as on a real scan.
    used = [i for i in scanned if _chars(read[i].text) > 2 * _chars(layers[i]) + MIN_LAYER_CHARS // 2]
    pages = [read[i] if i in used else PageText(text) for i, text in enumerate(layers)]
    return _ocr_checked(_paged(pages, tuple(i + 1 for i in used)), name)


def _has_image(page) -> bool:
    try:
        return bool(page.images)
    except Exception:  # noqa: BLE001 - a damaged image stream: try OCR, pdfium may still render the page
        return True


def _read_image(data: bytes, name: str) -> _Parsed:
    """A scan or photo of a report (a TIFF may hold all its pages), read by OCR."""
    frames = ocr.image_frames(data, name)
    read = ocr.read_pages(hashlib.sha256(data).hexdigest(), name, list(range(len(frames))), frames.__getitem__)
    pages = [read[i] for i in range(len(frames))]
    return _ocr_checked(_paged(pages, tuple(i + 1 for i, p in enumerate(pages) if _chars(p.text))), name)


def _ocr_checked(parsed: _Parsed, name: str) -> _Parsed:
    if _chars(parsed.text) < MIN_LAYER_CHARS:
        raise ReadError(f"没有识别出文字（空白页，或扫描件太模糊）：{name} / "
                        f"No text found, even by OCR (blank pages, or too poor a scan): {name}")
    return parsed


def _chars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _read_ofd(data: bytes, name: str) -> _Parsed:
    document = read_ofd(data, name)
    parsed = _paged(document.pages, title=normalize_text(document.title))
    if _chars(parsed.text) < MIN_LAYER_CHARS:
        raise ReadError(f"OFD 文件没有文字（可能是扫描件）：{name} / OFD file has no text (a scan?): {name}")
    return parsed


def _pdf_layers(data: bytes, name: str) -> list[str]:
    """Each page's text layer, read with pdfplumber: its tables as labelled rows (index/tables.py) where they
    stand, the text above, between and below them as lines."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise too_many_pages(len(pdf.pages), name)
        texts = []
        for page in pdf.pages:
            texts.append(_pdf_page_text(page))
            page.close()  # pdfplumber keeps every page's objects otherwise: 400 pages took 1.8 GB
        return texts


def _pdf_page_text(page) -> str:
    try:
        x0, top, x1, bottom = page.bbox
        parts = []
        for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
            parts += [_pdf_region(page, (x0, top, x1, table.bbox[1])), "\n".join(table_lines(table.extract()))]
            top = max(top, table.bbox[3])
        parts.append(_pdf_region(page, (x0, top, x1, bottom)))
        return "\n".join(part for part in parts if part)
    except Exception:  # noqa: BLE001 - one bad page (broken font/content stream) must not lose the whole document
        return ""


def _pdf_region(page, box: tuple[float, float, float, float]) -> str:
    """The text of the characters whose middle lies in the band (a line just below a table may touch its frame)."""
    top, bottom = box[1], box[3]
    if bottom - top < 1:
        return ""
    band = page.filter(lambda o: o.get("object_type") != "char" or top <= (o["top"] + o["bottom"]) / 2 < bottom)
    return band.extract_text() or ""


_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template")
_HTML_BLOCKS = ("p", "div", "li", "ul", "ol", "tr", "table", "section", "article", "main", "blockquote", "pre",
                "dd", "dt", "dl", "figure", "figcaption", "caption", "address", "hr", "body", "center")
# Noncharacters never occur in real documents, so they can mark heading lines through get_text() and normalisation.
_HEADING_MARKS = {f"h{n}": chr(0xFDD0 + n) for n in range(1, 7)}
_MARK_LEVEL = {mark: int(tag[1]) for tag, mark in _HEADING_MARKS.items()}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "gb18030"}


def _decode_html(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")  # valid UTF-8 beats a stale "gb2312" label left over from a site migration
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET_RE.search(data[:4096])
    if m and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        declared = m.group(1).decode("ascii").lower()
        enc = "gb18030" if declared in _GB_ALIASES else declared  # pages labelled gb2312 routinely use GBK chars
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode_text(data, name)


def _read_html(data: bytes, name: str) -> _Parsed:
    from bs4 import BeautifulSoup

    markup = re.sub("[\ufdd0-\ufdef]", "", _decode_html(data, name))
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    explicit = h1.get_text(" ") if h1 else (title_tag.get_text(" ") if title_tag else "")
    if title_tag:
        title_tag.decompose()  # <title> is metadata, not body text
    text, hints = _assemble(_html_lines(_html_text(soup)))
    return _Parsed(text, hints, " ".join(normalize_text(explicit).split()))


_HTML_BLOCK_SET = frozenset(_HTML_BLOCKS)
_WS_RE = re.compile(r"\s+")


def _html_text(soup) -> str:
    """The page's text with line breaks at block ends, tabs after cells and marks before headings.

    One iterative walk: inserting the markers into the tree (as before) made bs4 walk each tag's subtree on
    every append, and finding a string's <pre> ancestor walked up the tree, so 100,000 nested <div>s took hours.
    """
    from bs4 import NavigableString

    kinds = soup.interesting_string_types or {NavigableString}
    wanted = (lambda t: t is kinds) if isinstance(kinds, type) else (lambda t: t in kinds)
    out: list[str] = []
    stack: list[tuple[object, bool]] = [(soup, False)]  # (element or closing text, inside <pre>)
    while stack:
        node, in_pre = stack.pop()
        if type(node) is str:  # a closing marker pushed below (bs4 strings are subclasses, never exactly str)
            out.append(node)
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString and not in_pre:
                out.append(_WS_RE.sub(" ", str(node)))  # HTML source line wrapping is not a line break
            elif wanted(type(node)):
                out.append(str(node))
            continue
        name = node.name
        if name == "br":
            out.append("\n")
            continue
        close = ""
        if name in ("td", "th"):
            close = "\t"
        if name in _HTML_BLOCK_SET:
            out.append("\n")
            close += "\n"
        if name in _HEADING_MARKS:
            out.append("\n" + _HEADING_MARKS[name])
            close += "\n"
        if close:
            stack.append((close, in_pre))
        inner_pre = in_pre or name == "pre"
        stack.extend((child, inner_pre) for child in reversed(node.contents))
    return "".join(out)


def _html_lines(text: str) -> Iterable[tuple[str, int]]:
    for line in text.split("\n"):
        line = line.strip(" \t")
        if not line:
            continue  # HTML layout whitespace between blocks is not a paragraph break; block ends give "\n" already
        level = _MARK_LEVEL.get(line[:1], 0)
        if level:
            line = line[1:].strip(" \t")
        if line:  # an empty <h2></h2> must not become a hint or a blank line
            yield line, level


_READERS = {".txt": _read_txt, ".md": _read_md, ".docx": _read_docx, ".doc": _read_converted, ".wps": _read_converted,
            ".pdf": _read_pdf, ".ofd": _read_ofd, ".html": _read_html, ".htm": _read_html,
            **dict.fromkeys(ocr.IMAGE_SUFFIXES, _read_image)}

# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------

_EXPLICIT_BODY_RE = re.compile(f"({PLACE}{BODY_SUFFIX})")
_TITLE_PLACE_RE = re.compile(f"({PLACE})\\s*(?:{BODY_SUFFIX}|政府|法治政府|工作报告)")
_CONGRESS_PLACE_RE = re.compile(f"在({PLACE})第[{ORDINAL_NUMERALS}]+届人民代表大会")
_DELEGATE_BODY_RE = re.compile(f"代表({HAN}{{1,20}}?{BODY_SUFFIX})")
TITLE_MAX = 200
_HEAD_CHARS = 6000


def _report_years(title: str, text: str, name: str) -> tuple[int, ...]:
    """The title's years; failing that, the year the report's own outline implies, then the file name's.

    A report titled only "政府工作报告" still says "一、2014年工作回顾" (so it is the 2015 report)
    or "2015年工作安排"; without a year, questions about other years could not be told apart from it.
    """
    if years := years_in(title):
        return years
    head = text[:_HEAD_CHARS]
    if m := REVIEWED_YEAR.search(head):
        return (int(m.group(1)) + 1,)
    if m := PLANNED_YEAR.search(head):
        return (int(m.group(1)),)
    return years_in(Path(name).stem)


def _genre(title: str) -> str:
    if "法治政府" in title:
        return "法治政府建设报告"
    return WORK_REPORT if "工作报告" in title else "其他"


def _body(title: str, text: str) -> str:
    """Best-effort issuing body: explicit name in the title, else the place named in the title refined by the text."""
    head = text[:300]
    bare = strip_years(title)  # "2014年南山区…" must not start with 年
    if m := _EXPLICIT_BODY_RE.search(bare):
        return m.group(1)
    if "国务院" in title:
        return "国务院"
    m = _CONGRESS_PLACE_RE.search(bare) or _TITLE_PLACE_RE.search(bare)
    if m is None:
        return _body_from_text(head)
    place = m.group(1)
    for found in _DELEGATE_BODY_RE.findall(head):  # "我代表深圳市福田区人民政府…" names the full body
        if place in found:
            return found
    if m2 := re.search(re.escape(place) + BODY_SUFFIX, head):  # e.g. a 新区 run by a 管委会
        return m2.group(0)
    return government_of(place)


def _body_from_text(head: str) -> str:
    if m := _DELEGATE_BODY_RE.search(head):
        if _EXPLICIT_BODY_RE.fullmatch(m.group(1)):
            return m.group(1)
    if "国务院" in head:
        return "国务院"
    m = _EXPLICIT_BODY_RE.search(head)
    return m.group(1) if m else ""


def _first_line(text: str) -> str:
    for line in text.split("\n", 50):
        if line.strip():
            return line.strip()[:TITLE_MAX]
    return ""


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def read_report(path: Path, root: Path | None = None, progress: ocr.Progress | None = None) -> Report:
    """The report in a file; `progress` hears of pages read by OCR ("ocr:<name>", page, pages)."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise ReadError(f"不支持的文件类型：{suffix or name} / Unsupported file type: {suffix or name}")
    limit = _MAX_BYTES[suffix]
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # never more than the limit in memory, even if the file grows meanwhile
    except OSError as exc:
        raise ReadError(f"无法读取文件：{name}（{exc.strerror}） / Cannot read file: {name} ({exc.strerror})") from exc
    if len(data) > limit:
        raise ReadError(f"文件过大（超过 {limit // 2**20} MB），已跳过：{name} / "
                        f"File too large (over {limit // 2**20} MB); skipped: {name}")
    with ocr.reporting(progress):
        parsed = _parsed(reader, data, name, suffix) if data else _Parsed("")
    text = parsed.text
    if not text.strip():
        raise ReadError(f"文件为空：{name} / File is empty: {name}")
    title = parsed.title.strip()[:TITLE_MAX] or _first_line(text)
    return Report(
        path=display_path(path, root),
        text=text,
        title=title,
        years=_report_years(title, text, name),
        body=_body(title, text),
        genre=_genre(title),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        heading_hints=parsed.hints,
        pages=parsed.pages,
        ocr_pages=parsed.ocr_pages,
        date=(found.isoformat() if (found := report_date(text)) else ""),
    )


# Formats whose reading takes seconds (LibreOffice, pdfplumber, OCR): what a file read to is kept in the cache
# folder under its hash, so a build, which reads every file to see what changed, and the upload check read it once.
_SLOW_SUFFIXES = CONVERTED_SUFFIXES | ocr.IMAGE_SUFFIXES | {".pdf", ".ofd"}


def _parsed(reader, data: bytes, name: str, suffix: str) -> _Parsed:
    if suffix not in _SLOW_SUFFIXES:
        return reader(data, name)
    key = hashlib.sha256(data).hexdigest()
    cached = (read_cache_root() / "read" / f"v{READER_VERSION}-ocr{ocr.OCR_VERSION}" / key[:2]
              / f"{key}{suffix}.json")
    try:
        fields = json.loads(cached.read_text(encoding="utf-8"))
        return _Parsed(fields["text"], _pairs(fields["hints"]), fields["title"], tuple(fields["pages"]),
                       tuple(fields["ocr_pages"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        parsed = reader(data, name)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - zlib, pdfium, Pillow, XML… each signal damage their own way
        raise ReadError(f"无法读取文件：{name}（{type(exc).__name__}: {str(exc)[:200]}） / Cannot read file: {name} "
                        f"({type(exc).__name__})") from exc
    write_json_atomic(cached, asdict(parsed))
    return parsed


def _pairs(rows: list) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in rows)


def display_path(path: Path, root: Path | None) -> str:
    """A report's stored path: relative to `root` where it lies under it, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass  # outside the root: the path as given is still a useful identifier
    return path.as_posix()


def discover_reports(corpus: Path) -> list[Path]:
    """Readable report files under corpus, in a stable order; skips hidden entries and the folder's own docs."""
    corpus = Path(corpus)
    found = []
    for p in corpus.rglob("*"):
        rel = p.relative_to(corpus)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if p.name.upper() in FOLDER_DOCS or p.name.startswith("~$"):  # ~$x.docx = Word lock file
            continue
        if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file():
            found.append(p)
    return sorted(found, key=lambda p: p.relative_to(corpus).as_posix())
