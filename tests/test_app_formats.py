"""The page's 报告库 takes the files offices have: an OFD, a Word 97 file and a scanned page, uploaded through the
page's API; each is answered from, with its page, its date and the OCR tag."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import serve_app
from index.convert import libreoffice
from index.system import READ_CACHE_ENV as CACHE_ENV
from ofd_writer import write_ofd
from scan_maker import fonts_present, scan_pages

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not fonts_present(), reason="Noto CJK fonts missing")]

FILLER = "我们坚持以人民为中心的发展思想，扎实做好各项工作，经济社会发展保持良好态势。"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from gradio_client import Client

    workdir = tmp_path_factory.mktemp("formats-app")
    with serve_app(workdir, env={**os.environ, CACHE_ENV: str(workdir / "read-cache")}) as url:
        yield Client(url, verbose=False)


def make_uploads(folder: Path) -> list[Path]:
    ofd = folder / "白河镇2021年工作总结.ofd"
    write_ofd(ofd, ["白河镇人民政府2021年工作总结", "一、农田水利", *[FILLER] * 12,
                    "白河镇新修高效节水灌溉渠道二百六十公里。", "白河镇人民政府", "2022年1月8日"],
              title="白河镇人民政府2021年工作总结")
    images, _ = scan_pages(["石门乡人民政府2022年工作总结", "一、林业生态", "石门乡全年完成荒山造林四千二百亩，森林覆盖率稳步提高。",
                            FILLER], 1)
    scan = folder / "石门乡2022年工作总结（扫描件）.png"
    images[0].crop((0, 0, images[0].width, images[0].height // 3)).save(scan)
    return [ofd, scan]


def test_an_ofd_and_a_scan_uploaded_on_the_page_are_answered_with_page_date_and_ocr(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    outcome = client.predict([handle_file(str(p)) for p in make_uploads(tmp_path)], api_name="/upload")
    assert sorted(outcome["kept"]) == sorted(["白河镇2021年工作总结.ofd", "石门乡2022年工作总结（扫描件）.png"]), outcome
    assert outcome["rejected"] == []

    ofd = client.predict("白河镇新修了多少公里节水灌溉渠道", api_name="/search")
    top = ofd["results"][0]
    assert ofd["confident"] and top["answer_span_text"].endswith("二百六十公里")
    assert top["pages"][-1] == 2 and top["answer_page"] == 2 and top["ocr"] is False and top["date"] == "2022-01-08"

    scan = client.predict("石门乡2022年荒山造林多少亩", api_name="/search")
    top = scan["results"][0]
    assert top["doc"].endswith("（扫描件）.png") and "四千二百亩" in top["answer"] and top["ocr"] is True
    page = client.predict("石门乡2022年荒山造林多少亩", "answer", "全部", "全部", "全部", "全部", api_name="/ask")
    assert ">文字识别</span>" in page and '<span class="ps-tag ps-page">第1页</span>' in page


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice not installed")
def test_a_word_97_file_uploaded_on_the_page_is_answered(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    from test_formats import make_docx, soffice_convert

    doc = soffice_convert(make_docx(tmp_path / "张店乡总结.docx"), ".doc", tmp_path)
    outcome = client.predict([handle_file(str(doc))], api_name="/upload")
    assert outcome["kept"] == ["张店乡总结.doc"], outcome
    result = client.predict("鲁山县张店乡2023年植树造林多少亩", api_name="/search")
    assert result["results"][0]["doc"].endswith("张店乡总结.doc")
    assert "植树造林 | 2023年：3150亩" in result["results"][0]["answer"]
