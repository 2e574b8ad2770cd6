"""Results that leave the tool: Word and CSV files read back with the libraries an office would open them with."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers import run_cli
from index.errors import UserError
from search.export import COLUMNS, export

QUESTION = "2023年化解了多少起矛盾纠纷"
SEED_TITLE = "鲁山县张店乡人民政府关于2023年法治政府建设情况的报告"


def test_csv_has_one_row_per_result_with_its_citation(seed_searcher, tmp_path: Path) -> None:
    result = seed_searcher.search(QUESTION, k=3)
    path = export(result, tmp_path / "结果.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Chinese
    with open(path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert tuple(table[0]) == COLUMNS and len(table) == len(result.hits)
    assert table[0]["数字"].endswith("26起") and table[0]["报告"] == SEED_TITLE and table[0]["层级"] == "乡镇级"
    assert table[0]["引用"].startswith(f"《{SEED_TITLE}》 › ") and table[0]["答案句"] in table[0]["段落"]


def test_word_document_holds_the_answer_and_each_passage_with_its_sentence_in_bold(seed_searcher,
                                                                                  tmp_path: Path) -> None:
    from docx import Document

    result = seed_searcher.search(QUESTION, k=3)
    document = Document(str(export(result, tmp_path / "结果.docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"问题：{QUESTION}" and texts[1] == "答案：化解矛盾26起"
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert result.hits[0].answer.text.strip() in bold
    assert sum(t.startswith("引用：《") for t in texts) == len(result.hits)


def test_no_reliable_answer_is_said_in_the_document(seed_searcher, tmp_path: Path) -> None:
    from docx import Document

    result = seed_searcher.search("张店乡2019年化解了多少起矛盾纠纷")
    texts = [p.text for p in Document(str(export(result, tmp_path / "a.docx"))).paragraphs]
    assert texts[1].startswith("未找到可靠答案：已收录的报告不涉及2019年") and not any(t.startswith("答案：") for t in texts)


def test_only_word_and_csv(seed_searcher, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="只能导出为 .docx 或 .csv"):
        export(seed_searcher.search(QUESTION), tmp_path / "结果.pdf")


def test_the_cli_exports_what_it_prints(seed_index: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "结果.csv"
    proc = run_cli("search", "--index", str(seed_index), QUESTION, "--export", str(out))
    assert proc.returncode == 0 and "已导出 / exported" in proc.stderr, proc.stderr
    assert "化解矛盾26起" in out.read_text(encoding="utf-8-sig")
