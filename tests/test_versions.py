"""A corrected report uploaded again: offered as a replacement, both figures shown until the old one is retired."""
from __future__ import annotations

from pathlib import Path

import pytest

from page.library import EARLIER, Library
from page.render import result_html
from search.present import result_json
from search.results import Filters
from tests.helpers import write

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
QUESTION = "青山区2022年调解了多少起矛盾纠纷"


@pytest.fixture()
def library(tmp_path: Path, embedder) -> Library:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("shimen_2022.txt", "baihe_2022.txt"):
        (corpus / name).write_bytes((FIXTURES / name).read_bytes())
    library = Library(corpus, tmp_path / "uploads", tmp_path / "index", embedder)
    library.build()
    return library


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    original = (FIXTURES / "qingshan_2022.txt").read_text(encoding="utf-8")
    assert "调解各类矛盾纠纷402起" in original
    old = write(tmp_path / "first" / "青山区2022年报告.txt", original)
    new = write(tmp_path / "second" / "青山区2022年报告.txt", original.replace("402起", "420起"))
    return old, new


def test_a_corrected_upload_is_offered_as_a_replacement_and_both_figures_are_shown(library, tmp_path) -> None:
    old, new = _versions(tmp_path)
    assert library.add([old]).versions == []
    outcome = library.add([new])
    assert outcome.kept == ["青山区2022年报告-2.txt"]
    assert [(v.new, Path(v.old).name) for v in outcome.versions] == [("青山区2022年报告-2.txt", "青山区2022年报告.txt")]

    result = library.searcher.search(QUESTION)
    figures = {result.hits[0].answer.span_text, *(h.answer.span_text for h in result.conflicts)}
    assert result.confident and len(result.conflicts) == 1
    assert {f[-4:] for f in figures} == {"402起", "420起"}
    assert len(result_json(result)["conflicts"]) == 1
    page = result_html(result, library.searcher.index, Filters())
    assert "另一份报告给出的数字不同" in page and "402起" in page and "420起" in page


@pytest.mark.parametrize("newer_uploaded_first", [True, False])
def test_of_two_versions_the_one_signed_later_answers(library, tmp_path, newer_uploaded_first: bool) -> None:
    original = (FIXTURES / "qingshan_2022.txt").read_text(encoding="utf-8").rstrip()
    old = write(tmp_path / "a" / "青山区2022年报告.txt", original + "\n青山区人民政府\n2022年1月10日\n")
    new = write(tmp_path / "b" / "青山区2022年报告（更正）.txt",
                original.replace("402起", "420起") + "\n青山区人民政府\n2022年1月20日\n")
    for path in ([new, old] if newer_uploaded_first else [old, new]):
        library.add([path])
    result = library.searcher.search(QUESTION)
    assert result.hits[0].answer.span_text.endswith("420起") and result.hits[0].chunk.report.date == "2022-01-20"
    assert [h.answer.span_text[-4:] for h in result.conflicts] == ["402起"]
    assert len({h.chunk.id for h in result.hits}) == len(result.hits)  # the newer passage once, not twice
    json_result = result_json(result)
    assert json_result["results"][0]["date"] == "2022-01-20" and json_result["conflicts"][0]["date"] == "2022-01-10"
    page = result_html(result, library.searcher.index, Filters())
    assert "2022年1月20日" in page and "2022年1月10日成文" in page


def test_retiring_the_old_version_keeps_its_file_and_leaves_one_figure(library, tmp_path) -> None:
    old, new = _versions(tmp_path)
    library.add([old])
    outcome = library.add([new])
    kept = library.retire(outcome.versions[0].old)
    assert kept.parent == library.uploads / EARLIER and "402起" in kept.read_text(encoding="utf-8")
    assert [Path(r.path).name for r in library.reports() if library.is_upload(r.path)] == ["青山区2022年报告-2.txt"]
    result = library.searcher.search(QUESTION)
    assert result.confident and result.conflicts == () and result.hits[0].answer.span_text.endswith("420起")


def test_a_different_report_is_not_taken_for_a_version(library, tmp_path) -> None:
    other = write(tmp_path / "x" / "qingshan_2021.txt", (FIXTURES / "qingshan_2021.txt").read_text(encoding="utf-8"))
    library.add([write(tmp_path / "y" / "qingshan_2022.txt",
                       (FIXTURES / "qingshan_2022.txt").read_text(encoding="utf-8"))])
    assert library.add([other]).versions == []
