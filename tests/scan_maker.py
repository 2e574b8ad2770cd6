"""Page images of a report's text, as a scanner would give them: Noto CJK (Debian's fonts-noto-cjk) on an A4 page,
the title centred, "一、" headings in bold, first lines indented two characters, a "— N —" folio; and a PDF of
those images with no text layer. Only what the page shows is returned as its truth; `accuracy` scores a reading
of it."""
from __future__ import annotations

from pathlib import Path

NOTO = Path("/usr/share/fonts/opentype/noto")
SERIF, SANS_BOLD = NOTO / "NotoSerifCJK-Regular.ttc", NOTO / "NotoSansCJK-Bold.ttc"
SC = 2  # the face index of Noto … CJK SC in the collections (0 is the Japanese forms)
_NO_LINE_START = set("，。、；：？！”’）》」』】…%,.;:?!)")


def fonts_present() -> bool:
    return SERIF.is_file() and SANS_BOLD.is_file()


def scan_pages(paragraphs: list[str], pages: int, points: float = 12, dpi: int = 150):
    """(page images, the paragraphs drawn on them in full)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    size = round(points / 72 * dpi)
    margin, top, leading = round(25 / 25.4 * dpi), round(30 / 25.4 * dpi), size * 1.7
    body = ImageFont.truetype(str(SERIF), size, index=SC)
    bold = ImageFont.truetype(str(SANS_BOLD), size, index=SC)
    images, drawn, y, draw = [], [], height, None
    for k, paragraph in enumerate(paragraphs):
        font = bold if k == 0 or paragraph[:3].rstrip("、").strip("一二三四五六七八九十") == "" else body
        lines = _wrap(paragraph, font, width - 2 * margin, 0 if k == 0 else 2 * size)
        if y + leading * len(lines) > height - top and len(images) == pages:
            break
        for j, line in enumerate(lines):
            if y + leading > height - top:
                image = Image.new("L", (width, height), 255)
                draw = ImageDraw.Draw(image)
                images.append(image)
                folio = f"— {len(images)} —"
                draw.text(((width - body.getlength(folio)) / 2, height - top / 2), folio, font=body, fill=0)
                y = top
            x = (width - font.getlength(line)) / 2 if k == 0 else margin + (2 * size if j == 0 else 0)
            draw.text((x, y), line, font=font, fill=0)
            y += leading
        drawn.append(paragraph)
    return images, drawn


def scanned_pdf(path: Path, images, dpi: int = 150) -> Path:
    """Each image as one full page: no fonts, no text operators, so no text layer."""
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return path


def accuracy(truth: str, read: str) -> float:
    """Character accuracy, whitespace aside: 1 − edit distance / length of the truth."""
    from rapidfuzz.distance import Levenshtein

    truth, read = "".join(truth.split()), "".join(read.split())
    return 1 - Levenshtein.distance(truth, read) / len(truth)


def _wrap(text: str, font, width: float, indent: float) -> list[str]:
    lines, line, used, room = [], "", 0.0, width - indent
    for ch in text:
        advance = font.getlength(ch)
        if used + advance > room and line and ch not in _NO_LINE_START:
            lines.append(line)
            line, used, room = "", 0.0, width
        line += ch
        used += advance
    return [*lines, line] if line else lines
