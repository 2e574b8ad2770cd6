"""The web app end to end: `python app.py` on a free port over the real corpus and model, driven by gradio_client."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import serve_app
from page.library import MAX_UPLOAD_BYTES, Library, free_path, safe_name

pytestmark = pytest.mark.slow

QUESTION = "2023年化解了多少起矛盾纠纷"
ALL = "全部"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url: str):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def ask_page(client, question: str, mode: str = "answer", year: str = ALL) -> str:
    """The HTML the page shows for a question (the UI's own handler)."""
    return client.predict(question, mode, year, ALL, ALL, ALL, api_name="/ask")


# ------------------------------------------------------------------------------------- the API


def test_search_endpoint_returns_the_answer(client) -> None:
    result = client.predict(QUESTION, api_name="/search")
    assert result["query"] == QUESTION
    assert result["confident"] is True
    hits = [r for r in result["results"] if "化解矛盾26起" in r["text"]]
    assert hits, [r["text"][:60] for r in result["results"]]
    hit = hits[0]
    assert "26起" in hit["answer_span_text"]
    span_start, span_end = hit["answer_span"]
    assert hit["answer_start"] <= span_start < span_end <= hit["answer_end"]
    assert hit["start"] <= hit["answer_start"] and hit["answer_end"] <= hit["end"]
    # offsets point into the report text, of which the passage is a slice
    assert hit["text"][span_start - hit["start"]:span_end - hit["start"]] == hit["answer_span_text"]


def test_search_endpoint_matches_the_cli_shape(client) -> None:
    result = client.predict(QUESTION, 3, "wording", api_name="/search")
    assert set(result) == {"query", "mode", "confident", "confidence", "message", "reason", "reason_kind", "note",
                           "results", "conflicts", "list", "table"}
    assert result["mode"] == "wording"
    assert 0 < len(result["results"]) <= 3
    assert {"rank", "score", "doc", "title", "years", "body", "section", "text", "start", "end", "answer",
            "answer_start", "answer_end", "answer_span", "answer_span_text"} <= set(result["results"][0])


def test_search_endpoint_filters_by_year(client) -> None:
    assert client.predict(QUESTION, year="2023", api_name="/search")["results"]
    assert client.predict(QUESTION, year="2019", api_name="/search")["results"] == []
    assert client.predict(QUESTION, year="2020-2023", body="张店乡", api_name="/search")["results"]


def test_search_endpoint_empty_question_says_so(client) -> None:
    result = client.predict("   ", api_name="/search")
    assert result["results"] == [] and set(result) == set(client.predict(QUESTION, api_name="/search"))
    assert "请输入问题" in result["message"]


def test_search_endpoint_bad_year_is_a_clear_error(client) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="年份格式"):
        client.predict(QUESTION, year="去年", api_name="/search")
    with pytest.raises(AppError, match="年份范围应为 起始年-结束年"):  # reversed: an error, not an empty result
        client.predict(QUESTION, year="2023-2020", api_name="/search")


# ------------------------------------------------------------------------------------- the page's HTML


def test_page_highlights_answer_sentence_and_number(client) -> None:
    page = ask_page(client, QUESTION + "？")
    assert 'class="ps-answer-card"' in page
    assert '<strong class="ps-num">化解矛盾26起</strong>' in page
    assert "查看上下文" in page and "复制引用" in page
    assert "《鲁山县张店乡人民政府关于2023年法治政府建设情况的报告》" in page


def test_page_escapes_the_question(client) -> None:
    page = ask_page(client, "<script>alert('x')</script><img src=x onerror=alert(1)>")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_page_empty_question_asks_for_one(client) -> None:
    page = ask_page(client, "")
    assert "请输入问题" in page
    assert "ps-card" not in page


def test_page_year_without_reports_shows_no_answer(client) -> None:
    page = ask_page(client, QUESTION, year="2019")
    assert "未找到可靠答案" in page
    assert "放宽筛选" in page


def test_page_bad_year_is_a_friendly_message(client) -> None:
    page = ask_page(client, QUESTION, year="abc")
    assert "年份格式" in page and "Traceback" not in page


# ------------------------------------------------------------------------------------- upload rules (no model needed)


def test_safe_name_keeps_chinese_and_drops_paths() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\李\\张店乡 2023 报告.TXT") == "张店乡_2023_报告.txt"
    assert safe_name("<script>.txt") == "script.txt"
    assert safe_name(".hidden.md") == "hidden.md"
    assert safe_name("...") == "报告"
    assert safe_name("README.md") == "README_报告.md"


def test_free_path_avoids_collisions(tmp_path: Path) -> None:
    (tmp_path / "报告.txt").write_text("x", encoding="utf-8")
    (tmp_path / "报告-2.txt").write_text("x", encoding="utf-8")
    assert free_path(tmp_path, "报告.txt") == tmp_path / "报告-3.txt"
    assert free_path(tmp_path, "新.txt") == tmp_path / "新.txt"


def test_bad_uploads_are_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    # Every file here fails its check, so no build runs and no model is needed.
    library = Library(tmp_path / "corpus", tmp_path / "uploads", tmp_path / "index", embedder=None)  # type: ignore[arg-type]
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "程序.exe").write_bytes(b"MZ\x90\x00")
    (incoming / "空白.txt").write_bytes(b"")
    (incoming / "坏的.pdf").write_bytes(b"not a pdf at all")
    big = incoming / "太大.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    outcome = library.add(sorted(incoming.iterdir()))
    assert outcome.kept == []
    reasons = {r.name: r.reason for r in outcome.rejected}
    assert set(reasons) == {"程序.exe", "空白.txt", "坏的.pdf", "太大.txt"}
    assert "不支持的文件类型" in reasons["程序.exe"]
    assert "太大" in reasons["太大.txt"]
    assert list((tmp_path / "uploads").iterdir()) == []


def test_page_says_why_there_is_no_reliable_answer(client) -> None:
    page = ask_page(client, "2019年张店乡化解了多少起矛盾纠纷")  # corpus/ holds only the 2023 report
    assert "未找到可靠答案" in page
    assert "2019年" in page.split("未找到可靠答案", 1)[1].split("ps-card", 1)[0]  # the reason, before the passages


def test_corpus_reports_are_neither_offered_nor_deleted(tmp_path: Path, embedder) -> None:
    from helpers import SEED_CORPUS
    from page.library import LibraryError
    from page.render import report_choices

    library = Library(SEED_CORPUS, tmp_path / "uploads", tmp_path / "index", embedder)
    library.build()
    assert report_choices(library) == []  # the delete list offers uploads only
    with pytest.raises(LibraryError, match="不能在网页上删除"):
        library.remove(library.reports()[0].path)
    assert len(library.reports()) == 1


def test_a_library_started_without_the_folder_its_index_was_built_from_serves_it_and_says_so(tmp_path: Path,
                                                                                               embedder) -> None:
    from helpers import SEED_CORPUS
    from index.build import build_index
    from index.errors import SourcesMismatch

    build_index([SEED_CORPUS], tmp_path / "index", embedder=embedder)  # built from the seed corpus
    other = tmp_path / "reports"
    other.mkdir()
    (other / "白石镇植树报告.txt").write_text("白石镇植树报告\n一、主要工作\n全年完成植树造林4200亩。\n", encoding="utf-8")
    library = Library(other, tmp_path / "uploads", tmp_path / "index", embedder)  # started with another --corpus
    with pytest.raises(SourcesMismatch):
        library.start()
    library.open_existing()  # as app.py does after the note
    assert library.searcher is not None and len(library.reports()) == 1
    assert "索引保持原样" in library.notice()  # on the page, not only in the terminal


CRASHING_UPLOAD = """
import os, sys
from pathlib import Path
from index.embed import Embedder
from page.library import Library

corpus, uploads, index, report = map(Path, sys.argv[1:5])
library = Library(corpus, uploads, index, Embedder())
library.build()
def die(stage, done, total):  # killed as by a power cut, in the middle of indexing the upload
    if stage == "embed" and done > 0:
        os.kill(os.getpid(), 9)
library.add([report], progress=die)
"""


def test_an_upload_killed_while_indexing_is_finished_and_announced_at_restart(tmp_path: Path, embedder) -> None:
    import subprocess
    import sys

    from helpers import PROJECT, SEED_CORPUS
    from page.library import JOURNAL

    report = tmp_path / "红岩乡2023年工作总结.txt"
    report.write_text("红岩乡2023年工作总结\n一、主要工作\n全年完成植树造林3150亩，新修道路12公里。\n", encoding="utf-8")
    uploads, index = tmp_path / "uploads", tmp_path / "index"
    crashed = subprocess.run([sys.executable, "-c", CRASHING_UPLOAD, str(SEED_CORPUS), str(uploads), str(index),
                              str(report)], cwd=PROJECT, capture_output=True, timeout=600)
    assert crashed.returncode == -9, crashed.stderr.decode(errors="replace")
    assert (uploads / JOURNAL).exists() and [p.name for p in uploads.glob("*.txt")] == [report.name]

    library = Library(SEED_CORPUS, uploads, index, embedder)
    library.start()
    notice = library.notice()
    assert "重启时已完成" in notice and "《红岩乡2023年工作总结》" in notice and "/ An upload" in notice
    assert not (uploads / JOURNAL).exists()
    answer = library.searcher.search("红岩乡植树造林多少亩")
    assert answer.confident and "3150亩" in answer.hits[0].answer.text


def test_a_finished_upload_leaves_no_journal_and_no_partial_copy(tmp_path: Path, embedder) -> None:
    from helpers import SEED_CORPUS

    report = tmp_path / "白沙镇2023年工作总结.txt"
    report.write_text("白沙镇2023年工作总结\n一、主要工作\n全年新修道路12公里。\n", encoding="utf-8")
    library = Library(SEED_CORPUS, tmp_path / "uploads", tmp_path / "index", embedder)
    library.start()
    assert library.add([report]).kept == [report.name]
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == [report.name]  # no journal, no .part
    assert library.notice() is None


def test_a_library_redraw_keeps_the_report_picked_for_deletion(tmp_path: Path, embedder) -> None:
    """The page's own upload is a library change its 10 s refresh also sees; the redraw must not clear a pick made
    meanwhile (fresh-ci: "没有删除：请先在下拉框中选择一份报告" after choosing one), but drops one that is gone."""
    from helpers import SEED_CORPUS
    from page.wiring import library_updates

    report = tmp_path / "白沙镇2023年工作总结.txt"
    report.write_text("白沙镇2023年工作总结\n一、主要工作\n全年新修道路12公里。\n", encoding="utf-8")
    library = Library(SEED_CORPUS, tmp_path / "uploads", tmp_path / "index", embedder)
    library.start()
    library.add([report])
    picked = next(r.path for r in library.reports() if library.is_upload(r.path))
    assert library_updates(library, *[None] * 4, delete_choice=picked)[1].value == picked
    assert library_updates(library, *[None] * 4, delete_choice="uploads/gone.txt")[1].value is None
    assert library_updates(library, *[None] * 4)[1].value is None  # after a change of its own, nothing is picked
