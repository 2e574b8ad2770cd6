"""OFD (GB/T 33190, the national fixed-layout format): a zip of XML read with the standard library.

OFD.xml › DocBody/DocRoot (Doc_0/Document.xml) › Pages/Page@BaseLoc › Content/Layer/…/TextObject/TextCode. Each
TextCode is a run of characters at (Boundary.x + X, Boundary.y + Y) millimetres, Y its baseline, with DeltaX the
advance of each character; index/layout.py puts the runs back into lines and paragraphs. Elements are matched by
local name, so any namespace prefix works. (Python's expat refuses entity expansion bombs since 2.4.1.)
"""
from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from index.errors import ReadError
from index.layout import MAX_PAGES, PageText, Run, page_text, too_many_pages

MAX_UNPACKED = 200 * 1024 * 1024  # the sum of the members once decompressed, checked before decompressing
MAX_RATIO = 100                   # a member over 1 MB packed more tightly than this is a bomb (as for .docx)
_A4 = (210.0, 297.0)


@dataclass(frozen=True)
class OfdText:
    title: str
    pages: tuple[PageText, ...]


def read_ofd(data: bytes, name: str) -> OfdText:
    """The document's title and each page's text (a page of only images, a scan, has none)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError(f"不是有效的 OFD 文件（应为 zip 包）：{name} / Not a valid OFD file (not a zip package): {name}")
    members = package.infolist()
    if sum(m.file_size for m in members) > MAX_UNPACKED or any(
            m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(1, m.compress_size) for m in members):
        raise ReadError(f"OFD 文件解压后过大（压缩炸弹？），已跳过：{name} / "
                        f"OFD file unpacks too large (a zip bomb?); skipped: {name}")
    try:
        return _Package(package, name).text()
    except (KeyError, ET.ParseError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ReadError(f"无法读取 OFD 文件：{name}（{exc}） / Cannot read OFD file: {name} ({exc})") from exc


class _Package:
    def __init__(self, package: zipfile.ZipFile, name: str) -> None:
        self.package, self.name = package, name
        self.names = {n.lstrip("/").lower(): n for n in package.namelist()}

    def text(self) -> OfdText:
        body = _child(self._xml("OFD.xml"), "DocBody")
        root = _child(body, "DocRoot")
        if root is None or not (root.text or "").strip():
            raise ValueError("OFD.xml has no DocBody/DocRoot")
        title = _child(_child(body, "DocInfo"), "Title")
        document_path = _resolve("", root.text)
        document = self._xml(document_path)
        size = _numbers(_text(_child(_child(document, "PageArea"), "PhysicalBox")))
        height = size[3] if len(size) == 4 else _A4[1]
        pages = _child(document, "Pages")
        locations = [_resolve(posixpath.dirname(document_path), page.get("BaseLoc", ""))
                     for page in (pages if pages is not None else ()) if _local(page.tag) == "Page"]
        if len(locations) > MAX_PAGES:
            raise too_many_pages(len(locations), self.name)
        return OfdText(_text(title).strip(),
                       tuple(page_text(list(_runs(self._xml(loc))), height) for loc in locations))

    def _xml(self, name: str) -> ET.Element:
        real = self.names.get(name.lstrip("/").lower())
        if real is None:
            raise KeyError(f"missing part {name}")
        return ET.fromstring(self.package.read(real))


def _runs(page: ET.Element) -> Iterator[Run]:
    for item in page.iter():
        if _local(item.tag) != "TextObject":
            continue
        bx, by = (_numbers(item.get("Boundary")) + [0.0, 0.0])[:2]
        ctm = _numbers(item.get("CTM"))
        size = float(item.get("Size", "3.5")) * (abs(ctm[3]) if len(ctm) == 6 and ctm[3] else 1.0)
        x = y = 0.0
        for code in item:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            x, y = float(code.get("X", x)), float(code.get("Y", y))  # left out: where the last run was
            advances = _advances(code.get("DeltaX"), len(code.text) - 1)
            width = sum(advances) + size if advances else len(code.text) * size
            yield Run(bx + x, by + y - size, bx + x + width, by + y, code.text)


def _advances(delta: str | None, count: int) -> list[float]:
    """DeltaX: the advance of each character after the first, "g N v" standing for N advances of v; only the
    first `count` are read (a 1 KB file may claim "g 200000000 1")."""
    tokens, out, i = (delta or "").split(), [], 0
    while i < len(tokens) and len(out) < count:
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * min(int(tokens[i + 1]), count - len(out))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    return None if element is None else next((e for e in element.iter() if _local(e.tag) == name), None)


def _text(element: ET.Element | None) -> str:
    return "" if element is None else element.text or ""


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").replace(",", " ").split()]


def _resolve(folder: str, location: str) -> str:
    """A BaseLoc relative to the folder of the file naming it, or from the package root when it starts with /."""
    location = location.strip().replace("\\", "/")
    return posixpath.normpath(location.lstrip("/") if location.startswith("/") else posixpath.join(folder, location))
