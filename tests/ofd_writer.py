"""Write a small valid OFD (GB/T 33190-2016) for tests, with the standard library: OFD.xml › Doc_0/Document.xml ›
Pages/Page_N/Content.xml › Layer/TextObject/TextCode, millimetres, an A4 page of 28 characters × 22 lines as
official documents are set (GB/T 9704), a "— N —" folio under each page. `per_char` writes one TextObject per
character, as many PDF-to-OFD converters do."""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, TOP, CHARS, LINES = 28.0, 37.0, 28, 22
SIZE = 16 * 25.4 / 72   # 16 pt (三号) in mm
PITCH = 156.0 / CHARS   # one character's advance
LEADING = 225.0 / LINES


def layout(paragraphs: list[str]) -> list[list[tuple[float, float, str]]]:
    """(x, baseline y, text) lines per page; the first paragraph (the title) centred, the others indented two
    characters on their first line."""
    pages: list[list[tuple[float, float, str]]] = [[]]
    for k, paragraph in enumerate(paragraphs):
        indent = 0 if k == 0 else 2
        rest, pieces = paragraph, []
        while rest:
            n = CHARS - (indent if not pieces else 0)
            pieces.append(rest[:n])
            rest = rest[n:]
        for j, piece in enumerate(pieces):
            if len(pages[-1]) == LINES:
                pages.append([])
            x = (PAGE_W - len(piece) * PITCH) / 2 if k == 0 else LEFT + (indent * PITCH if j == 0 else 0)
            pages[-1].append((x, TOP + (len(pages[-1]) + 1) * LEADING, piece))
    return pages


def _text_object(oid: int, x: float, y: float, text: str) -> str:
    delta = f' DeltaX="g {len(text) - 1} {PITCH:.3f}"' if len(text) > 1 else ""
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x:.3f} {y - SIZE:.3f} {len(text) * PITCH:.3f} {SIZE * 1.3:.3f}" '
            f'Font="1" Size="{SIZE:.3f}"><ofd:TextCode X="0" Y="{SIZE:.3f}"{delta}>{escape(text)}</ofd:TextCode>'
            "</ofd:TextObject>")


def write_ofd(path: Path, paragraphs: list[str], title: str = "", per_char: bool = False) -> int:
    """The OFD file; returns its number of pages."""
    pages, contents, oid = layout(paragraphs), [], 10
    for number, lines in enumerate(pages, 1):
        objects = []
        for x, y, text in lines:
            for dx, piece in ([(i * PITCH, ch) for i, ch in enumerate(text)] if per_char else [(0.0, text)]):
                oid += 1
                objects.append(_text_object(oid, x + dx, y, piece))
        folio = f"— {number} —"
        oid += 1
        objects.append(_text_object(oid, (PAGE_W - len(folio) * PITCH) / 2, PAGE_H - 20, folio))
        contents.append(f'{HEAD}<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{number + 1}">'
                        + "".join(objects) + "</ofd:Layer></ofd:Content></ofd:Page>")
    refs = "".join(f'<ofd:Page ID="{i + 2}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", f'{HEAD}<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                         f"<ofd:DocInfo><ofd:DocID>0</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo>"
                         "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        package.writestr("Doc_0/Document.xml", f'{HEAD}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                         f"<ofd:MaxUnitID>{oid}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W} {PAGE_H}"
                         "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                         f"</ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        package.writestr("Doc_0/PublicRes.xml", f'{HEAD}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                         '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
        for i, content in enumerate(contents):
            package.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", content)
    return len(pages)
