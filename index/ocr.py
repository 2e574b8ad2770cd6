"""Text from page images (scanned PDFs, photos, TIFF scans) by OCR, offline: rapidocr-onnxruntime carries the
PP-OCRv4 Chinese detection and recognition models inside its wheel (nothing is downloaded) and pypdfium2 renders
PDF pages. index/layout.py puts the recognised lines back into paragraphs.

OCR is slow on 2 cores (about 15–25 s for a dense A4 page, benchmarks/bench_ocr.py), so every page's result is
kept in the cache folder under the file's hash: a report is read by OCR once, not on every build or upload check,
and a build killed midway goes on from the page it reached.
"""
from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import ReadError
from index.layout import MAX_PAGES, PageText, Run, page_text, too_many_pages
from index.system import read_cache_root, write_json_atomic

OCR_VERSION = 1             # bump when what OCR reads changes (engine, scale, layout): cached pages are then redone
RENDER_SCALE = 2.0          # 144 dpi: character accuracy 0.997 on a dense A4 page, 0.984 at 3.0 (slower too)
MAX_PIXELS = 60_000_000     # an image (or all frames of a TIFF) above this is refused: a decompression bomb
MAX_PAGE_PIXELS = 8_000_000  # a rendered PDF page is scaled down to this (an A4 page at 144 dpi is 2 million)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})
STAGE = "ocr"               # the build progress stage: "ocr:<file name>", (page, pages)
ENGINE_HINT = ("文字识别组件无法加载，请运行 sh scripts/setup.sh（Debian/Ubuntu 如缺少 libGL：sudo apt install libgl1）"
               " / The OCR engine cannot be loaded: run sh scripts/setup.sh (on Debian/Ubuntu, if libGL is missing: "
               "sudo apt install libgl1)")

if TYPE_CHECKING:
    from PIL import Image

Progress = Callable[[str, int, int], None]
_progress: ContextVar[Progress | None] = ContextVar("ocr_progress", default=None)
_engine_lock = threading.Lock()


@contextmanager
def reporting(progress: Progress | None) -> Iterator[None]:
    """Pages read by OCR inside the block are reported to `progress` as ("ocr:<name>", page, pages)."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def read_pages(key: str, name: str, pages: list[int], image_of: Callable[[int], "Image.Image"]) -> dict[int, PageText]:
    """The text of the given pages (0-based), each from the cache or by OCR of `image_of(page)`; `key` names the
    file's content (its SHA-256)."""
    report = _progress.get()
    out: dict[int, PageText] = {}
    for done, page in enumerate(pages):
        if report:
            report(f"{STAGE}:{name}", done, len(pages))
        out[page] = _cached(key, page) or _store(key, page, _recognise_page(image_of, page, name))
    if report and pages:
        report(f"{STAGE}:{name}", len(pages), len(pages))
    return out


def _recognise_page(image_of: Callable[[int], "Image.Image"], page: int, name: str) -> PageText:
    """One page's text; a page that cannot be rendered or recognised (a damaged stream, a 200:1 strip the detector
    refuses) is an empty page, so the rest of the file is still read."""
    try:
        return recognise(image_of(page), name)
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - pdfium, Pillow and rapidocr signal a bad page in many ways
        return PageText("")


def recognise(image: "Image.Image", name: str = "") -> PageText:
    """One page image's text, its lines in reading order and its paragraphs rejoined."""
    import numpy as np

    engine = _engine(name)
    with _engine_lock:  # rapidocr keeps per-call settings on the shared detector
        boxes, _ = engine(np.asarray(image.convert("RGB")), use_cls=False)
    runs = [Run(min(p[0] for p in quad), min(p[1] for p in quad), max(p[0] for p in quad), max(p[1] for p in quad),
                text) for quad, text, _score in boxes or ()]
    return page_text(runs, image.height)


def image_frames(data: bytes, name: str) -> list["Image.Image"]:
    """The frames of an image file (a TIFF scan may hold every page), refused above MAX_PIXELS before decoding."""
    from PIL import Image, ImageSequence

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise too_many_pages(frames, name)
        pixels = 0
        for frame in ImageSequence.Iterator(image):  # each frame's header only: nothing is decoded yet
            pixels += frame.width * frame.height
        if pixels > MAX_PIXELS:
            raise ReadError(f"图片像素过多（共 {pixels} 像素），已跳过：{name} / "
                            f"Image has too many pixels ({pixels}); skipped: {name}")
        return [frame.copy() for frame in ImageSequence.Iterator(image)]
    except ReadError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own limit, met while reading the header
        raise ReadError(f"图片像素过多，已跳过：{name} / Image has too many pixels; skipped: {name}") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged TIFF/PNG raises SyntaxError, TypeError, KeyError…
        raise ReadError(f"无法读取图片：{name}（{exc}） / Cannot read image: {name} ({exc})") from exc


def render_pdf_page(data: bytes, page: int) -> "Image.Image":
    """A PDF page as an image at RENDER_SCALE, scaled down if that would exceed MAX_PAGE_PIXELS (a poster-sized
    page must not take gigabytes)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        width, height = document[page].get_size()
        scale = min(RENDER_SCALE, (MAX_PAGE_PIXELS / max(1.0, width * height)) ** 0.5)
        return document[page].render(scale=scale, grayscale=True).to_pil()
    finally:
        document.close()


def _engine(name: str):
    with _engine_lock:
        try:
            return _load_engine()
        except (ImportError, OSError) as exc:
            raise ReadError(f"{ENGINE_HINT}（{exc}）：{name}") from exc


@lru_cache(maxsize=1)
def _load_engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _cache_file(key: str, page: int) -> Path:
    return read_cache_root() / "ocr" / f"v{OCR_VERSION}" / key[:2] / key / f"{page}.json"


def _cached(key: str, page: int) -> PageText | None:
    try:
        return PageText(**json.loads(_cache_file(key, page).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _store(key: str, page: int, text: PageText) -> PageText:
    write_json_atomic(_cache_file(key, page), asdict(text))
    return text
