"""The files offices have beyond plain text: .doc and .wps through LibreOffice, tables with their labels, OFD,
scanned PDFs and images through OCR."""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from index.convert import libreoffice
from index.system import READ_CACHE_ENV as CACHE_ENV
from index.read import ReadError, read_report
from index.tables import table_lines
from scan_maker import accuracy, fonts_present, scan_pages, scanned_pdf

needs_libreoffice = pytest.mark.skipif(libreoffice() is None, reason="LibreOffice not installed (sh scripts/setup.sh test)")

TITLE = "鲁山县张店乡2023年法治政府建设工作总结"


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph("一、主要工作", style="Heading 1")
    document.add_paragraph("全年化解矛盾纠纷26起，开展普法宣传20余次。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "2023年", "增长"], ["植树造林", "3150亩", "5%"], ["新建道路", "12公里", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("二、下一步打算")
    document.save(str(path))
    return path


def soffice_convert(source: Path, target_suffix: str, out: Path) -> Path:
    """A file LibreOffice saves, as an office would: .doc in Word 97 format, .wps as WPS Office's OLE document
    (LibreOffice writes both with its Word 97 filter). Through .odt: LibreOffice 7.4 drops python-docx's tables
    when it saves .docx straight to .doc."""
    def run(path: Path, suffix: str) -> Path:
        subprocess.run([libreoffice(), "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                        "--convert-to", suffix.lstrip("."), "--outdir", str(out), str(path)],
                       check=True, capture_output=True, timeout=120)
        return out / f"{path.stem}.{suffix.lstrip('.')}"
    return run(run(source, "odt"), target_suffix)


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_word_97_or_wps_file_is_read_with_its_headings_and_table(tmp_path: Path, suffix: str) -> None:
    path = soffice_convert(make_docx(tmp_path / "r.docx"), suffix, tmp_path)
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE compound file, as Word and WPS write
    report = read_report(path)
    assert report.title == TITLE and report.years == (2023,) and report.body == "鲁山县张店乡人民政府"
    assert "全年化解矛盾纠纷26起，开展普法宣传20余次。" in report.text
    assert "指标 | 2023年 | 增长\n植树造林 | 2023年：3150亩 | 增长：5%\n新建道路 | 2023年：12公里" in report.text
    assert report.text.rstrip().endswith("二、下一步打算")


@needs_libreoffice
def test_a_converted_file_is_read_once_then_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    path = soffice_convert(make_docx(tmp_path / "r.docx"), ".doc", tmp_path)
    first = read_report(path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice now: only the cache can read it
    again = read_report(path)
    assert again == first and "植树造林 | 2023年：3150亩" in again.text


def test_without_libreoffice_a_doc_file_names_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    path = tmp_path / "r.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    with pytest.raises(ReadError, match="libreoffice-writer-nogui.*install"):
        read_report(path)


@pytest.mark.parametrize("content", [os.urandom(4000), "只是一段文字，不是文档。".encode()])
def test_a_doc_file_that_is_no_document_is_refused_before_conversion(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "r.wps"
    path.write_bytes(b"\x01" + content)
    with pytest.raises(ReadError, match="不是 Word/WPS 文档"):
        read_report(path)


@needs_libreoffice
def test_a_damaged_doc_file_gives_a_reason(tmp_path: Path) -> None:
    whole = soffice_convert(make_docx(tmp_path / "r.docx"), ".doc", tmp_path).read_bytes()
    path = tmp_path / "damaged.doc"
    path.write_bytes(whole[:len(whole) // 2])
    with pytest.raises(ReadError, match="无法转换"):
        read_report(path)


def test_a_table_keeps_its_header_and_labels_each_value() -> None:
    assert table_lines([["指标", "2023年", "增长"], ["植树造林", "3150亩", "5%"], [None, "", ""]]) == [
        "指标 | 2023年 | 增长", "植树造林 | 2023年：3150亩 | 增长：5%"]
    assert table_lines([["单位：万元", "", ""], ["合计", "120", "8%"]]) == ["单位：万元", "合计 | 120 | 8%"]
    assert table_lines([["只有一行", "两格"]]) == ["只有一行 | 两格"]


# ---------------------------------------------------------------------------
# OFD
# ---------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "ofd"


def seed_paragraphs(count: int = 12) -> list[str]:
    from helpers import SEED_REPORT

    return [line.strip() for line in SEED_REPORT.read_text(encoding="utf-8").splitlines() if line.strip()][:count]


@pytest.mark.parametrize("per_char", [False, True], ids=["runs", "one-object-per-character"])
def test_an_ofd_is_read_in_reading_order_with_its_pages(tmp_path: Path, per_char: bool) -> None:
    from ofd_writer import layout, write_ofd

    paragraphs = seed_paragraphs()
    path = tmp_path / "r.ofd"
    assert write_ofd(path, paragraphs, title=paragraphs[0], per_char=per_char) >= 2
    report = read_report(path)
    assert report.text.replace("\n", "") == "".join(paragraphs)  # every character, in order; no folio "— 1 —"
    lines = report.text.split("\n")
    # Wrapped lines are rejoined: a paragraph may still break where a line or a page happens to end a sentence,
    # but no paragraph (no heading) is run into the one before it.
    assert len(lines) <= len(paragraphs) + 2 and all(any(line.startswith(p[:12]) for line in lines) for p in paragraphs)
    assert report.title == paragraphs[0] and report.body == "鲁山县张店乡人民政府" and report.years == (2023,)
    assert len(report.pages) >= 2 and report.pages[0] == 0 and report.ocr_pages == ()
    for start, lines in zip(report.pages, layout(paragraphs)):  # each page starts where its first line does
        assert report.text[start:].startswith(lines[0][2])


def test_an_ofd_written_by_another_library_is_read() -> None:
    report = read_report(FIXTURES / "easyofd_county_2026.ofd")
    lines = report.text.split("\n")
    assert lines[:4] == ["2026 年某某县人民政府工作报告", "各位代表：", "现在，我代表县人民政府，向大会报告工作，请予审议。",
                         "一、2025 年工作回顾"]
    assert "（一）坚定不移扩大内需。落实“两新”政策，全年新增就业1.2 万人" in report.text
    assert report.pages == (0,)


@pytest.mark.parametrize("members, reason", [
    (None, "不是有效的 OFD 文件"),
    ({"Doc_0/Document.xml": "<x/>"}, "无法读取 OFD 文件"),
    ({"OFD.xml": "<ofd:OFD xmlns:ofd='x'><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml"}, "无法读取 OFD 文件"),
    ({"OFD.xml": "<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody></OFD>",
      "Doc_0/Document.xml": "<Document><Pages/></Document>"}, "没有文字"),
])
def test_a_damaged_or_empty_ofd_gives_a_reason(tmp_path: Path, members: dict | None, reason: str) -> None:
    import zipfile

    path = tmp_path / "bad.ofd"
    if members is None:
        path.write_bytes(b"PK\x03\x04 not really a zip")
    else:
        with zipfile.ZipFile(path, "w") as package:
            for name, text in members.items():
                package.writestr(name, text)
    with pytest.raises(ReadError, match=reason):
        read_report(path)


def test_an_ofd_that_claims_too_much_is_bounded(tmp_path: Path) -> None:
    import zipfile

    from ofd_writer import write_ofd

    path = tmp_path / "r.ofd"
    write_ofd(path, seed_paragraphs(3), title="报告")
    with zipfile.ZipFile(path) as package:
        members = {name: package.read(name).decode() for name in package.namelist()}
    page = members["Doc_0/Pages/Page_0/Content.xml"]
    members["Doc_0/Pages/Page_0/Content.xml"] = page.replace('DeltaX="g ', 'DeltaX="g 200000000 1 g ', 1)
    with zipfile.ZipFile(path, "w") as package:  # a 2 KB file claiming 200 million advances: read, not allocated
        for name, text in members.items():
            package.writestr(name, text)
    assert read_report(path).text.startswith("鲁山县张店乡")
    document = members["Doc_0/Document.xml"]
    members["Doc_0/Document.xml"] = document.replace(
        "</ofd:Pages>", '<ofd:Page ID="9" BaseLoc="Pages/Page_0/Content.xml"/>' * 3001 + "</ofd:Pages>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:  # one page listed 3000 times over
        for name, text in members.items():
            package.writestr(name, text)
    with pytest.raises(ReadError, match="页数过多"):
        read_report(path)


def test_an_ofd_that_unpacks_too_large_is_refused_before_unpacking(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.ofd"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", b"\0" * (210 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ReadError, match="解压后过大"):
        read_report(path)


# ---------------------------------------------------------------------------
# OCR: scanned PDFs and images
# ---------------------------------------------------------------------------

needs_fonts = pytest.mark.skipif(not fonts_present(), reason="Noto CJK fonts missing (sh scripts/setup.sh test)")


@pytest.fixture
def ocr_cache(tmp_path: Path, monkeypatch) -> Path:
    """An OCR cache folder of the test's own, so every OCR here really runs once."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "read-cache"))
    return tmp_path / "read-cache" / "ocr"


def seed_scan(tmp_path: Path, pages: int = 2) -> tuple[Path, list[str]]:
    images, drawn = scan_pages(seed_paragraphs(40), pages)
    return scanned_pdf(tmp_path / "scan.pdf", images), drawn


@pytest.mark.slow
@needs_fonts
def test_a_scanned_pdf_is_read_by_ocr_with_its_outline_and_pages(tmp_path: Path, ocr_cache: Path) -> None:
    path, drawn = seed_scan(tmp_path)
    report = read_report(path)
    assert accuracy("".join(drawn), report.text) >= 0.97
    lines = report.text.split("\n")
    for heading in ("一、2023年度推进法治政府建设的主要举措和成效", "（一）领导重视，为法治政府建设提供组织保障"):
        assert heading in lines  # a heading on a line of its own, as the outline chunker needs it
    assert report.title == drawn[0] and report.body == "鲁山县张店乡人民政府"
    assert len(report.pages) == 2 and report.ocr_pages == (1, 2) and "— 1 —" not in report.text
    assert len(lines) <= len(drawn) + 3  # wrapped lines rejoined, a sentence across the page end too
    assert sorted(p.name for p in ocr_cache.rglob("*.json")) == ["0.json", "1.json"]


def test_an_ocr_result_is_taken_from_the_cache(tmp_path: Path, ocr_cache: Path) -> None:
    from index.layout import PageText
    from index.ocr import _store

    image = tmp_path / "page.png"
    from PIL import Image
    Image.new("L", (400, 300), 255).save(image)  # blank: OCR would find nothing
    key = hashlib.sha256(image.read_bytes()).hexdigest()
    _store(key, 0, PageText("鲁山县张店乡人民政府关于2023年法治政府建设情况的报告，缓存中的页面文字。"))
    assert read_report(image).text.startswith("鲁山县张店乡人民政府关于2023年")  # no OCR ran: the cache answered


@needs_fonts
def test_an_image_of_a_page_is_read_by_ocr(tmp_path: Path, ocr_cache: Path) -> None:
    images, drawn = scan_pages(seed_paragraphs(4), 1)
    path = tmp_path / "photo.png"
    images[0].crop((0, 0, images[0].width, images[0].height // 3)).save(path)
    report = read_report(path)
    assert accuracy("".join(drawn), report.text) >= 0.97
    assert report.ocr_pages == (1,) and report.pages == (0,)


@pytest.mark.slow
@needs_fonts
def test_only_the_scanned_page_of_a_mixed_pdf_is_read_by_ocr(tmp_path: Path, ocr_cache: Path) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    images, drawn = scan_pages(seed_paragraphs(4), 1)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, "附件：张店乡2023年法治政府建设情况（扫描件见下页）")
    c.showPage()
    c.drawImage(ImageReader(images[0]), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    report = read_report(path)
    assert report.ocr_pages == (2,) and report.text.startswith("附件：张店乡2023年")
    assert accuracy("".join(drawn), report.text[report.pages[1]:]) >= 0.97


def test_an_image_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    from helpers import png_header

    path = tmp_path / "bomb.png"  # a header claiming 30000 × 30000 pixels, in 60 bytes
    path.write_bytes(png_header(30000, 30000))
    with pytest.raises(ReadError, match="像素过多"):
        read_report(path)


def test_a_tiff_whose_later_frames_are_huge_is_refused_before_decoding(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "scan.tif"
    small, big = Image.new("1", (100, 100), 1), Image.new("1", (9000, 9000), 1)
    small.save(path, save_all=True, append_images=[big] * 1, compression="group4")
    with pytest.raises(ReadError, match="像素过多"):
        read_report(path)


@needs_fonts
def test_a_signed_page_under_a_seal_keeps_its_text_layer(tmp_path: Path, ocr_cache: Path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    seal = Image.new("RGBA", (300, 300), (255, 255, 255, 0))
    ImageDraw.Draw(seal).ellipse((10, 10, 290, 290), outline=(220, 0, 0, 255), width=12)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "signed.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 14)
    for i, line in enumerate(["某某县人民政府关于2023年法治政府建设情况的报告", "一、主要工作",
                              "全年化解矛盾纠纷26起，开展普法宣传20余次。"]):
        c.drawString(72, 760 - 24 * i, line)
    c.showPage()
    c.setFont("STSong-Light", 14)
    c.drawString(380, 500, "某某县人民政府")
    c.drawString(380, 476, "2024年1月15日")
    c.drawImage(ImageReader(seal), 360, 420, width=120, height=120, mask="auto")  # the red seal over them
    c.showPage()
    c.save()
    report = read_report(path)
    assert report.text.endswith("某某县人民政府\n2024年1月15日") and report.ocr_pages == ()
    assert report.date == "2024-01-15"


def test_a_damaged_image_gives_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(300))
    with pytest.raises(ReadError, match="无法读取图片"):
        read_report(path)


@pytest.mark.slow
@needs_fonts
def test_a_seed_question_is_answered_from_a_scan_with_progress_per_page(tmp_path: Path, ocr_cache: Path) -> None:
    import json

    from helpers import run_cli

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    images, _ = scan_pages(seed_paragraphs(40), 2)
    scanned_pdf(corpus / "zhangdian_scan.pdf", images)
    index_dir = tmp_path / "index"
    env_cache = {CACHE_ENV: str(ocr_cache.parent)}
    build = run_cli("index", "build", "--corpus", str(corpus), "--index", str(index_dir), env=env_cache)
    assert build.returncode == 0, build.stderr
    assert "文字识别 zhangdian_scan.pdf" in build.stderr and "2/2" in build.stderr  # a bar counting pages
    answer = run_cli("search", "2023年化解了多少起矛盾纠纷", "--index", str(index_dir), "--json", env=env_cache)
    top = json.loads(answer.stdout)["results"][0]
    assert json.loads(answer.stdout)["confident"] and top["answer_span_text"].endswith("26起")
    assert top["ocr"] is True and top["pages"][-1] == 2  # the sentence is on the scan's second page


# ---------------------------------------------------------------------------
# Tables answered with their row and column
# ---------------------------------------------------------------------------

TABLE_ROWS = [["指标", "2023年", "增长"], ["植树造林", "3150亩", "5%"], ["新建道路", "12公里", "8%"],
              ["化解矛盾纠纷", "26起", "-10%"]]


def table_docx(path: Path, title: str) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    document.add_paragraph("一、主要指标完成情况")
    document.add_paragraph("全年主要经济指标完成情况如下表所示，各项指标均完成年度目标任务。")
    table = document.add_table(rows=len(TABLE_ROWS), cols=3)
    table.style = "Table Grid"  # ruled, as a PDF table reader finds tables
    for r, row in enumerate(TABLE_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("二、下一步打算")
    document.add_paragraph("继续推进法治政府建设。")
    document.save(str(path))
    return path


@needs_libreoffice
def test_a_pdf_table_is_read_as_labelled_rows_between_its_paragraphs(tmp_path: Path) -> None:
    source = table_docx(tmp_path / "t.docx", "青山镇2023年主要指标完成情况")
    subprocess.run([libreoffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=120)
    text = read_report(tmp_path / "t.pdf").text
    assert ("如下表所示，各项指标均完成年度目标任务。\n指标 | 2023年 | 增长\n植树造林 | 2023年：3150亩 | 增长：5%\n"
            "新建道路 | 2023年：12公里 | 增长：8%\n化解矛盾纠纷 | 2023年：26起 | 增长：-10%\n二、下一步打算") in text


@pytest.mark.parametrize("suffix", [".docx", pytest.param(".pdf", marks=needs_libreoffice)])
def test_a_how_many_question_is_answered_from_a_table_row(tmp_path: Path, embedder, suffix: str) -> None:
    from index.build import build_index
    from search.retrieve import Searcher

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = table_docx((corpus if suffix == ".docx" else tmp_path) / "qingshan.docx", "青山镇人民政府2023年工作总结")
    if suffix == ".pdf":
        subprocess.run([libreoffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(corpus), str(source)], check=True,
                       capture_output=True, timeout=120)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, embedder=embedder)
    with Searcher(index_dir, embedder=embedder) as searcher:
        top = searcher.search("青山镇2023年植树造林多少亩").hits[0]
    assert top.answer.text.startswith("植树造林 | 2023年：3150亩")  # the row, its column named beside the value
    assert top.answer.span_text.endswith("3150亩")
    assert (top.chunk.pages == (1, 1)) if suffix == ".pdf" else top.chunk.pages is None
