"""The files offices have beyond plain text: .doc and .wps through LibreOffice, tables with their labels."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from index.convert import libreoffice
from index.read import ReadError, read_report
from index.tables import table_lines

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
