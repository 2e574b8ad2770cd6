"""End to end: real files → build_index (real model, FAISS, BM25) → Searcher / CLIs. No mocks."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.build import BuildOptions, build_index
from index.build import ModelMismatch as BuildModelMismatch
from index.read import read_report
from index.store import CURRENT, DB, MANIFEST, IndexLocked, IndexReader, StoreError, build_lock, live_generation
from search.present import result_json
from search.results import DoubtKind
from search.retrieve import Filters, ModelMismatch, Searcher

from helpers import QINGSHAN_2019, SEED_REPORT, SEED_TITLE, names, one_error_line, run_cli, texts, without_checksums, write


# Another short self-written report (QINGSHAN_2019 is in helpers), of another body and year.

HILLTOWN_2021 = """白河县石门镇人民政府2021年工作报告

一、过去一年的工作
石门镇建成了全县第一座光伏发电站，装机容量达到两千千瓦，年发电量三百万度，收益用于村集体经济。
二、今年的工作安排
全镇计划新修农村公路十五公里，改造危旧桥梁四座，进一步改善群众出行条件。
"""


# ---------------------------------------------------------------------------
# Seed corpus round trip
# ---------------------------------------------------------------------------

def test_seed_index_round_trip(seed_searcher) -> None:
    result = seed_searcher.search("2023年化解了多少起矛盾纠纷", k=3)
    assert len(result.hits) == 3
    assert any("化解矛盾26起" in t for t in texts(result)), texts(result)
    for hit in result.hits:
        report_text = seed_searcher.index.report_text(hit.chunk.report.id)
        assert report_text[hit.chunk.start:hit.chunk.end] == hit.chunk.text
        assert hit.chunk.section.startswith(SEED_TITLE)
    assert [h.rank for h in result.hits] == [1, 2, 3]
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_each_chunks_report_is_saved_beside_the_keyword_rows(seed_searcher) -> None:
    index = seed_searcher.index
    assert (index.generation / "chunk_reports.npy").exists()  # loaded, not queried from SQLite at start-up
    ids, report_ids = index.table.chunk_ids_and_reports()
    assert index.keyword_ids.tolist() == ids.tolist()
    assert index.chunk_report_ids.tolist() == report_ids.tolist()


def test_seed_exam_question_ranks_the_8_people_passage_high(seed_searcher) -> None:
    result = seed_searcher.search("张店乡有几个人通过了执法证考试", k=2)
    top = texts(result)
    assert any("通过行政执法证考试的共有8人" in t for t in top), top


SEED_QUESTIONS = ("2023年化解了多少起矛盾纠纷", "张店乡有几个人通过了执法证考试", "普法宣传活动开展了几次")


def test_the_kind_for_a_million_passages_answers_as_the_exact_kind(tmp_path: Path, embedder, seed_searcher,
                                                                   monkeypatch) -> None:
    """The vector index written from PQ_FROM passages on (4-bit codes re-scored in half precision, our ids kept
    around it), forced on two reports: the seed report's answers as the exact kind gives them, and a scope of one
    report searched through the scan's own filter."""
    import index.vectors as vectors_module

    monkeypatch.setattr(vectors_module, "FLAT_LIMIT", 0)
    monkeypatch.setattr(vectors_module, "PQ_FROM", 0)
    monkeypatch.setattr(vectors_module, "SMALL_FILTER", 0)  # a scope goes through the scan's selector too
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    build_index([corpus], tmp_path / "index", embedder=embedder)
    with Searcher(tmp_path / "index", embedder=embedder) as searcher:
        index = searcher.index
        assert "PQ192x4fs,Refine(SQfp16)" in index.manifest["vector_index"]
        for question in SEED_QUESTIONS:
            assert searcher.search(question).hits[0].answer == seed_searcher.search(question).hits[0].answer, question
        vector = embedder.query(SEED_QUESTIONS[0])
        chunks = index.chunks([int(i) for i in index.keyword_ids])
        for report in index.reports:
            ids = {cid for cid, c in chunks.items() if c.report.id == report}
            assert {i for i, _ in index.nearest(vector, len(ids) + 5, {report})} == ids  # each one, and no other
            scoped = index.nearest(vector, 5, {report})
            exact = sorted(ids, key=lambda i: -index.cosines(vector, [i])[0])
            assert scoped[0][0] == exact[0] and {i for i, _ in scoped} == set(exact[:5])


def test_seed_index_matches_the_file(seed_searcher) -> None:
    report = read_report(SEED_REPORT)
    index = seed_searcher.index
    [stored] = index.reports.values()
    assert stored.title == SEED_TITLE and stored.years == (2023,) and stored.body == "鲁山县张店乡人民政府"
    assert stored.sha256 == report.sha256
    assert index.report_text(stored.id) == report.text
    assert index.vectors.ntotal == stored.chunks == index.manifest["chunks"]


# ---------------------------------------------------------------------------
# Every file format end to end
# ---------------------------------------------------------------------------

FORMAT_FACTS = {
    # file name: (distinctive sentence, question, answer snippet)
    "kuahai.docx": ("全市新建了十八座跨海大桥，大桥总长度达到四十二公里。", "跨海大桥总长度是多少", "四十二公里"),
    "zhishu.pdf": ("全县共植树三百万棵，森林覆盖率提高到百分之六十一。", "植树造林种了多少棵树", "三百万棵"),
    "danhua.html": ("丙区启动了海水淡化工程，每天生产淡水五万吨。", "海水淡化工程每天生产多少淡水", "五万吨"),
    "wurenji.txt": ("丁镇建成了全省第一个无人机物流配送中心。", "无人机物流配送中心建在哪里", "无人机物流配送中心"),
    "fengzheng.md": ("戊市举办了国际风筝节，吸引游客八十万人次。", "风筝节吸引了多少游客", "八十万人次"),
    "guangai.ofd": ("己县新修高效节水灌溉渠道二百六十公里。", "新修了多少公里节水灌溉渠道", "二百六十公里"),
}
FILLER = "我们坚持以人民为中心的发展思想，扎实做好各项工作，经济社会发展保持良好态势。"


def make_format_corpus(root: Path) -> Path:
    import docx
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    corpus = root / "formats"
    corpus.mkdir()
    fact = {name: f[0] for name, f in FORMAT_FACTS.items()}

    document = docx.Document()
    document.add_paragraph("甲市人民政府2021年工作报告", style="Title")
    document.add_paragraph("一、基础设施建设", style="Heading 1")
    document.add_paragraph(fact["kuahai.docx"])
    document.add_paragraph(FILLER)
    document.save(str(corpus / "kuahai.docx"))

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(corpus / "zhishu.pdf"))
    for page in (["乙县人民政府2019年工作报告", "一、生态建设", FILLER[:20], FILLER[20:]],
                 [fact["zhishu.pdf"], FILLER[:20], FILLER[20:]]):  # the fact on page 2
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(page):
            c.drawString(60, 760 - 24 * i, line)
        c.showPage()
    c.save()

    write(corpus / "danhua.html", f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>丙区2020年工作报告</title></head>
<body><nav>首页 | 政务公开</nav><h1>丙区人民政府2020年工作报告</h1><h2>一、水资源保障</h2>
<p>{fact["danhua.html"]}</p><p>{FILLER}</p><footer>版权所有</footer></body></html>""")
    write(corpus / "wurenji.txt", f"丁镇人民政府2022年工作报告\n\n一、物流发展\n{fact['wurenji.txt']}{FILLER}\n",
          encoding="gbk")
    from ofd_writer import write_ofd
    write_ofd(corpus / "guangai.ofd", ["己县人民政府2020年工作报告", "一、农田水利", *[FILLER] * 12, fact["guangai.ofd"]],
              title="己县人民政府2020年工作报告")  # the fact on page 2
    write(corpus / "fengzheng.md", f"# 戊市人民政府2018年工作报告\n\n## 一、文化旅游\n\n{fact['fengzheng.md']}\n\n{FILLER}\n")
    return corpus


def test_every_format_end_to_end(tmp_path: Path, embedder) -> None:
    corpus = make_format_corpus(tmp_path)
    index_dir = tmp_path / "index"
    summary = build_index([corpus], index_dir, embedder=embedder)
    assert summary.skipped == []
    assert summary.reports == len(FORMAT_FACTS)
    assert sorted(Path(p).name for p in summary.added) == sorted(FORMAT_FACTS)
    searcher = Searcher(index_dir, embedder=embedder)
    try:
        for name, (sentence, question, snippet) in FORMAT_FACTS.items():
            result = searcher.search(question, k=3)
            top = result.hits[0]
            assert Path(top.chunk.report.path).name == name, (question, names(result))
            assert sentence in top.chunk.text, (name, top.chunk.text)
            assert snippet in top.chunk.text
            assert (top.chunk.pages is not None) == name.endswith((".pdf", ".ofd"))  # only paged formats have pages
            # and the verbatim sentence as a query finds it too
            assert sentence in searcher.search(sentence, k=1).hits[0].chunk.text
        ofd = searcher.search(FORMAT_FACTS["guangai.ofd"][1], k=1).hits[0]
        assert ofd.chunk.pages[1] == 2 and ofd.answer.span_text.endswith("二百六十公里")
        pdf = searcher.search(FORMAT_FACTS["zhishu.pdf"][1], k=1).hits[0]
        assert pdf.chunk.pages[1] == 2 and result_json(searcher.search(FORMAT_FACTS["zhishu.pdf"][1], k=1))[
            "results"][0]["pages"][-1] == 2 and not pdf.chunk.ocr
        gbk = [r for r in searcher.index.reports.values() if r.path.endswith("wurenji.txt")][0]
        assert gbk.title == "丁镇人民政府2022年工作报告"  # decoded, not mojibake
    finally:
        searcher.close()


# ---------------------------------------------------------------------------
# Incremental rebuild
# ---------------------------------------------------------------------------

def _seed_index_as_it_was(tmp_path: Path, embedder, *statements: str) -> tuple[Path, Path]:
    """The seed report's index with its tables altered back to an older format (corpus folder, index folder)."""
    import sqlite3

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, embedder=embedder)
    with sqlite3.connect(without_checksums(live_generation(index_dir)) / DB) as db:
        for statement in statements:
            db.execute(statement)
    return corpus, index_dir


def test_an_index_built_before_pages_were_kept_still_answers_and_updates(tmp_path: Path, embedder) -> None:
    corpus, index_dir = _seed_index_as_it_was(tmp_path, embedder, "ALTER TABLE reports DROP COLUMN pages",
                                              "ALTER TABLE reports DROP COLUMN ocr_pages")
    with Searcher(index_dir, embedder=embedder) as searcher:
        top = searcher.search("2023年化解了多少起矛盾纠纷").hits[0]
        assert top.answer.span_text.endswith("26起") and top.chunk.pages is None
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    assert build_index([corpus], index_dir, embedder=embedder).added == ["corpus/qingshan_2019.txt"]
    with Searcher(index_dir, embedder=embedder) as searcher:
        assert len(searcher.index.reports) == 2


def test_each_passage_keeps_its_sentences_vectors_reused_when_unchanged(tmp_path: Path, embedder) -> None:
    import numpy as np

    from text.sentences import idea_sentences

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    index_dir = tmp_path / "index"
    first = build_index([corpus], index_dir, embedder=embedder)
    with IndexReader(index_dir) as index:
        ids = [int(i) for i in index.keyword_ids]
        chunks, kept = index.chunks(ids), index.sentence_vectors(ids)
    assert first.sentences_embedded == sum(len(idea_sentences(c.text)) for c in chunks.values()) > len(ids)
    for i, chunk in chunks.items():
        sentences = idea_sentences(chunk.text)
        assert kept[i].shape == (len(sentences), embedder.info.dim)
        assert np.allclose(np.linalg.norm(kept[i], axis=1), 1.0, atol=0.01)  # unit vectors, stored as float16
        # each row is its own sentence's vector (same model, so the cosine is about 1 whatever the CPU)
        assert float(kept[i][0] @ embedder.passages(sentences[:1])[0]) > 0.99
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    second = build_index([corpus], index_dir, embedder=embedder)
    with IndexReader(index_dir) as index:
        new = [c for c in index.chunks([int(i) for i in index.keyword_ids]).values() if "qingshan" in c.report.path]
    assert second.sentences_embedded == sum(len(idea_sentences(c.text)) for c in new)  # the seed's were reused


def test_an_index_built_before_sentences_were_kept_still_finds_wording(tmp_path: Path, embedder) -> None:
    _, index_dir = _seed_index_as_it_was(tmp_path, embedder, "ALTER TABLE chunks DROP COLUMN sentences")
    with Searcher(index_dir, embedder=embedder) as searcher:
        assert searcher.index.sentence_vectors([1, 2]) == {}
        result = searcher.search("别的乡镇怎么写第一责任人职责")
        assert result.mode == "wording" and result.hits


def test_incremental_rebuild(tmp_path: Path, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    qingshan = write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    index_dir = tmp_path / "index"

    first = build_index([corpus], index_dir, embedder=embedder)
    assert len(first.added) == 2 and first.updated == [] and first.removed == []
    assert first.embedded == first.chunks > 0
    n = first.reports
    assert n == 2

    searcher = Searcher(index_dir, embedder=embedder)
    try:
        # nothing changed: nothing embedded, same generation, CURRENT untouched
        again = build_index([corpus], index_dir, embedder=embedder)
        assert again.unchanged == n and again.embedded == 0
        assert again.added == again.updated == again.removed == []
        assert again.generation == first.generation
        assert (index_dir / CURRENT).read_text(encoding="utf-8").strip() == first.generation
        assert again.chunks == first.chunks
        assert searcher.refresh() is False

        # one file modified: only that report is redone, and only the changed passage embedded
        text = SEED_REPORT.read_text(encoding="utf-8")
        assert "化解矛盾26起" in text
        Path(seed).write_text(text.replace("化解矛盾26起", "化解矛盾27起"), encoding="utf-8")
        modified = build_index([corpus], index_dir, embedder=embedder)
        assert [Path(p).name for p in modified.updated] == ["zhangdian_2023.txt"]
        assert modified.added == [] and modified.removed == [] and modified.unchanged == n - 1
        assert 1 <= modified.embedded <= 3
        assert modified.generation != first.generation
        assert modified.chunks == first.chunks
        assert searcher.refresh() is True
        found = texts(searcher.search("2023年化解了多少起矛盾纠纷", k=3))
        assert any("化解矛盾27起" in t for t in found) and not any("化解矛盾26起" in t for t in found)

        # one file deleted: its report and chunks are gone from search
        question = "青山区全年办理了多少件行政处罚案件"
        assert "qingshan_2019.txt" in names(searcher.search(question, k=3))
        qingshan.unlink()
        deleted = build_index([corpus], index_dir, embedder=embedder)
        assert [Path(p).name for p in deleted.removed] == ["qingshan_2019.txt"]
        assert deleted.reports == n - 1 and deleted.embedded == 0 and deleted.unchanged == n - 1
        assert searcher.refresh() is True
        assert len(searcher.index.reports) == n - 1
        for q in (question, "宪法进社区主题活动", "行政处罚案件三百一十件"):
            assert all("三百一十件" not in t and "宪法进社区" not in t for t in texts(searcher.search(q, k=10)))
            assert "qingshan_2019.txt" not in names(searcher.search(q, k=10))

        # one file added
        write(corpus / "shimen_2021.txt", HILLTOWN_2021)
        added = build_index([corpus], index_dir, embedder=embedder)
        assert [Path(p).name for p in added.added] == ["shimen_2021.txt"]
        assert added.updated == [] and added.removed == [] and added.unchanged == n - 1
        assert 0 < added.embedded < first.embedded
        assert searcher.refresh() is True
        top = searcher.search("石门镇光伏发电站的装机容量是多少", k=1).hits[0]
        assert Path(top.chunk.report.path).name == "shimen_2021.txt" and "两千千瓦" in top.chunk.text
        # old generations are pruned
        assert len([p for p in index_dir.glob("gen-*") if p.is_dir()]) <= 2
    finally:
        searcher.close()


def test_an_index_built_from_other_folders_is_not_emptied_by_a_build_from_these(tmp_path: Path, embedder) -> None:
    # `app.py --index data/index` without the --corpus the index was built from would drop every report in it.
    from index.errors import SourcesMismatch

    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEED_REPORT, reports / "zhangdian_2023.txt")
    qingshan = write(reports / "qingshan_2019.txt", QINGSHAN_2019)
    other = tmp_path / "elsewhere" / "corpus"
    other.mkdir(parents=True)
    write(other / "shimen_2021.txt", HILLTOWN_2021)
    index_dir = tmp_path / "index"
    first = build_index([reports], index_dir, embedder=embedder)

    with pytest.raises(SourcesMismatch) as refused:
        build_index([other], index_dir, embedder=embedder)
    message = str(refused.value)
    assert f"2 份报告（如 reports/qingshan_2019.txt）来自 {reports.resolve()}" in message and "--corpus" in message
    assert live_generation(index_dir).name == first.generation  # left as it was

    both = build_index([reports, other], index_dir, embedder=embedder)  # a folder added removes nothing
    assert [Path(p).name for p in both.added] == ["shimen_2021.txt"] and both.removed == []
    qingshan.unlink()  # the same folders: a deleted file's report goes, as always
    deleted = build_index([other, reports], index_dir, embedder=embedder)
    assert [Path(p).name for p in deleted.removed] == ["qingshan_2019.txt"]
    with pytest.raises(SourcesMismatch, match=f"来自 {other.resolve()}"):  # one of them left out: its reports stay
        build_index([reports], index_dir, embedder=embedder)
    assert live_generation(index_dir).name == deleted.generation
    rebuilt = build_index([other], index_dir, BuildOptions(rebuild=True), embedder=embedder)  # switching, on purpose
    assert rebuilt.reports == 1


def test_only_a_folder_left_out_or_swapped_stops_a_build(tmp_path: Path, embedder) -> None:
    from index.errors import SourcesMismatch

    project = tmp_path / "project"
    corpus, uploads = project / "corpus", project / "data" / "uploads"
    corpus.mkdir(parents=True)
    uploads.mkdir(parents=True)  # as the page makes it, empty
    shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    write(corpus / "shimen_2021.txt", HILLTOWN_2021)
    index_dir = project / "data" / "index"
    build_index([corpus, uploads], index_dir, embedder=embedder)  # the page's build
    (corpus / "shimen_2021.txt").unlink()
    cli = build_index([corpus], index_dir, embedder=embedder)  # `python -m index build`: no uploads to lose
    assert [Path(p).name for p in cli.removed] == ["shimen_2021.txt"]

    moved = shutil.move(project, tmp_path / "moved")  # a project folder moved: the same names, one file deleted
    (Path(moved) / "corpus" / "qingshan_2019.txt").unlink()
    after_move = build_index([Path(moved) / "corpus"], Path(moved) / "data" / "index", embedder=embedder)
    assert [Path(p).name for p in after_move.removed] == ["qingshan_2019.txt"]

    swapped = tmp_path / "shared" / "corpus"  # another folder of the same name, which has few of these reports
    swapped.mkdir(parents=True)
    write(swapped / "qingshan_2019.txt", QINGSHAN_2019)
    write(swapped / "shimen_2021.txt", HILLTOWN_2021)
    index_dir = Path(moved) / "data" / "index"
    build_index([swapped], index_dir, embedder=embedder)  # one report goes, two stay: a change, not a swap
    shutil.copy(SEED_REPORT, swapped / "zhangdian_2023.txt")
    build_index([swapped], index_dir, embedder=embedder)
    with pytest.raises(SourcesMismatch, match=f"来自 {swapped.resolve()}"):
        build_index([Path(moved) / "corpus"], index_dir, embedder=embedder)  # 2 would go, 1 stays


def test_symlinked_folders_and_files_given_by_themselves_are_told_apart(tmp_path: Path, embedder) -> None:
    from index.errors import SourcesMismatch

    real = tmp_path / "real_corpus"  # corpus -> real_corpus: stored as "real_corpus/…"
    real.mkdir()
    for n in range(3):
        write(real / f"r{n}.txt", QINGSHAN_2019.replace("青山区", f"青山{n}区"))
    (tmp_path / "corpus").symlink_to(real)
    linked = build_index([tmp_path / "corpus"], tmp_path / "i1", embedder=embedder)
    (real / "r1.txt").unlink()
    (real / "r2.txt").unlink()
    assert len(build_index([tmp_path / "corpus"], tmp_path / "i1", embedder=embedder).removed) == 2 < linked.reports

    project = tmp_path / "project"  # folders linked from outside the project: stored by their full paths
    project.mkdir()
    for name in ("a", "b"):
        (tmp_path / "outside" / name).mkdir(parents=True)
        write(tmp_path / "outside" / name / f"{name}.txt", HILLTOWN_2021.replace("石门镇", f"石门{name}镇"))
        (project / name).symlink_to(tmp_path / "outside" / name)
    build_index([project / "a", project / "b"], tmp_path / "i2", embedder=embedder)
    with pytest.raises(SourcesMismatch, match="project/b"):
        build_index([project / "a"], tmp_path / "i2", embedder=embedder)

    one, two = write(tmp_path / "one.txt", QINGSHAN_2019), write(tmp_path / "two.txt", HILLTOWN_2021)
    build_index([one, two], tmp_path / "i3", embedder=embedder)  # files given by themselves, one then left out
    assert build_index([one], tmp_path / "i3", embedder=embedder).removed == ["two.txt"]


# ---------------------------------------------------------------------------
# Duplicates and filters share one small index
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory, embedder) -> Path:
    """zhangdian, an identical copy of it under another name, and a 2019 report from another body."""
    root = tmp_path_factory.mktemp("mixed")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / "zhangdian_2023.txt")
    shutil.copy(SEED_REPORT, corpus / "zhangdian_copy.txt")
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    summary = build_index([corpus], root / "index", embedder=embedder)
    assert summary.reports == 3
    with Searcher(root / "index", embedder=embedder) as searcher:
        seed_chunks = sum(r.chunks for r in searcher.index.reports.values() if r.path.endswith("zhangdian_copy.txt"))
    # the copy's passages reuse the original's vectors: each distinct passage is embedded once
    assert summary.embedded == summary.chunks - seed_chunks
    return root / "index"


@pytest.fixture(scope="module")
def mixed_searcher(mixed_index, embedder):
    searcher = Searcher(mixed_index, embedder=embedder)
    yield searcher
    searcher.close()


def test_identical_text_in_two_files_is_returned_once(mixed_searcher) -> None:
    copies = sum("化解矛盾26起" in text for *_, text in mixed_searcher.index.table.passages())
    assert copies == 2  # both files really are in the index
    for question in ("2023年化解了多少起矛盾纠纷", "张店乡有几个人通过了执法证考试", "法治宣传教育", "2024年有什么工作安排"):
        for mode in ("answer", "wording"):
            found = texts(mixed_searcher.search(question, k=8, mode=mode))
            assert found and len(found) == len(set(found)), (question, mode, found)
    result = mixed_searcher.search("2023年化解了多少起矛盾纠纷", k=5)
    assert sum("化解矛盾26起" in t for t in texts(result)) == 1


def test_filters_by_body_and_year(mixed_searcher) -> None:
    question = "法治宣传教育开展了哪些活动"
    unfiltered = {Path(h.chunk.report.path).name for h in mixed_searcher.search(question, k=10).hits}
    assert "qingshan_2019.txt" in unfiltered and unfiltered & {"zhangdian_2023.txt", "zhangdian_copy.txt"}

    cases = [
        (Filters(body="张店乡"), lambda r: "张店乡" in r.body),
        (Filters(body="青山区"), lambda r: r.body == "江口市青山区人民政府"),
        (Filters(year_from=2019, year_to=2019), lambda r: r.years == (2019,)),
        (Filters(year_from=2020), lambda r: 2023 in r.years),
        (Filters(year_to=2020), lambda r: 2019 in r.years),
        (Filters(reports=("zhangdian_copy.txt",)), lambda r: r.path.endswith("zhangdian_copy.txt")),
    ]
    for filters, ok in cases:
        for recipe in ("hybrid", "keyword", "vector"):
            hits = mixed_searcher.search(question, k=10, filters=filters, recipe=recipe).hits
            assert hits, (filters, recipe)
            assert all(ok(h.chunk.report) for h in hits), (filters, recipe, [h.chunk.report.path for h in hits])
    assert mixed_searcher.search(question, k=5, filters=Filters(body="不存在的乡")).hits == ()
    assert mixed_searcher.search(question, k=5, filters=Filters(year_from=2030)).hits == ()


def test_result_json_shape(mixed_searcher) -> None:
    out = result_json(mixed_searcher.search("青山区全年办理了多少件行政处罚案件", k=2))
    assert out["query"] == "青山区全年办理了多少件行政处罚案件"
    assert [r["rank"] for r in out["results"]] == [1, 2]
    top = out["results"][0]
    assert top["doc"].endswith("qingshan_2019.txt") and top["body"] == "江口市青山区人民政府"
    assert top["years"] == [2019] and top["level"] == "县级"  # a 区, by its suffix where the gazetteer is unsure
    assert "三百一十件" in top["text"]
    assert top["answer"] and top["answer"] in top["text"]
    json.dumps(out, ensure_ascii=False)  # serialisable


# ---------------------------------------------------------------------------
# Model mismatch
# ---------------------------------------------------------------------------

def retag_model(index_dir: Path, dest: Path, name: str) -> Path:
    shutil.copytree(index_dir, dest, ignore=shutil.ignore_patterns(".lock"))
    manifest_path = live_generation(dest) / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["model"]["name"] = name
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return dest


def test_searcher_refuses_another_model(seed_index: Path, tmp_path: Path, embedder) -> None:
    with pytest.raises(ModelMismatch) as caught:
        Searcher(seed_index, model="something-else", embedder=embedder)
    message = str(caught.value)
    assert "multilingual-e5-small" in message and "something-else" in message

    other = retag_model(seed_index, tmp_path / "other", "other-model")
    with pytest.raises(ModelMismatch) as caught:
        Searcher(other, model="something-else")
    assert "other-model" in str(caught.value) and "something-else" in str(caught.value)


def test_searcher_refuses_an_embedder_of_another_model(seed_index: Path, tmp_path: Path, embedder) -> None:
    """The index was made by "other-model"; the multilingual-e5-small embedder handed in must be refused.

    build_index checks embedder.info.name against the index; Searcher only compares dimensions, so two
    models of the same size would silently give meaningless vector scores.
    """
    other = retag_model(seed_index, tmp_path / "other", "other-model")
    with pytest.raises(ModelMismatch):
        Searcher(other, embedder=embedder)


@pytest.mark.slow
def test_build_refuses_another_model(seed_index: Path, tmp_path: Path, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus)
    before = (seed_index / CURRENT).read_text(encoding="utf-8")
    with pytest.raises(BuildModelMismatch) as caught:
        build_index([corpus], seed_index, BuildOptions(model="something-else"), embedder=embedder)
    assert "something-else" in str(caught.value) and "--rebuild" in str(caught.value)
    assert (seed_index / CURRENT).read_text(encoding="utf-8") == before

    proc = run_cli("index", "build", "--corpus", str(corpus), "--index", str(seed_index), "--model", "/nonexistent")
    line = one_error_line(proc)
    assert "/nonexistent" in line
    assert (seed_index / CURRENT).read_text(encoding="utf-8") == before


# ---------------------------------------------------------------------------
# Atomic save and locking
# ---------------------------------------------------------------------------

def test_generations_and_crash_leftovers(tmp_path: Path, embedder) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "shimen_2021.txt", HILLTOWN_2021)
    index_dir = tmp_path / "index"
    first = build_index([corpus], index_dir, embedder=embedder)
    assert (index_dir / CURRENT).read_text(encoding="utf-8").strip() == first.generation
    live = index_dir / first.generation
    assert first.generation.startswith("gen-") and (live / MANIFEST).is_file() and (live / DB).is_file()
    assert not list(index_dir.glob("*.tmp"))

    # a crashed build leaves scratch dirs behind: a stray one and the very name the next build will use
    stray = index_dir / "gen-000099.tmp"
    stray.mkdir()
    (stray / DB).write_bytes(b"half-written garbage")
    number = int(first.generation.split("-")[1]) + 1
    next_scratch = index_dir / f"gen-{number:06d}.tmp"
    next_scratch.mkdir()
    (next_scratch / DB).write_bytes(b"also garbage")

    reader = IndexReader(index_dir)
    assert reader.generation == live and reader.manifest["reports"] == 1
    reader.close()
    searcher = Searcher(index_dir, embedder=embedder)
    assert "两千千瓦" in searcher.search("光伏发电站装机容量", k=1).hits[0].chunk.text
    searcher.close()

    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    second = build_index([corpus], index_dir, embedder=embedder)
    assert second.generation == f"gen-{number:06d}" and second.reports == 2
    assert (index_dir / CURRENT).read_text(encoding="utf-8").strip() == second.generation
    assert not next_scratch.exists()
    searcher = Searcher(index_dir, embedder=embedder)
    assert len(searcher.index.reports) == 2
    searcher.close()


def test_build_lock_blocks_a_second_writer(tmp_path: Path, embedder) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "shimen_2021.txt", HILLTOWN_2021)
    index_dir = tmp_path / "index"
    with build_lock(index_dir):
        with pytest.raises(IndexLocked) as caught:
            build_index([corpus], index_dir, embedder=embedder)
        assert "另一个建库任务" in str(caught.value)
        assert live_generation(index_dir) is None
    summary = build_index([corpus], index_dir, embedder=embedder)  # released: the build goes through
    assert summary.reports == 1


@pytest.mark.slow
def test_empty_corpus_is_a_clear_error(tmp_path: Path, embedder) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StoreError, match="没有找到可索引的报告"):
        build_index([empty], tmp_path / "index", embedder=embedder)


# ---------------------------------------------------------------------------
# Command lines (subprocess, cwd = project root)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    write(corpus / "shimen_2021.txt", HILLTOWN_2021)
    index_dir = root / "index"
    proc = run_cli("index", "build", "--corpus", str(corpus), "--index", str(index_dir))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "报告 / reports: 2" in out and "chunks/s" in out, out
    assert "新增 / added: 2" in out
    return index_dir


@pytest.mark.slow
def test_cli_info(cli_index: Path) -> None:
    proc = run_cli("index", "info", "--index", str(cli_index))
    assert proc.returncode == 0, proc.stderr
    assert "报告 / reports: 2" in proc.stdout and "multilingual-e5-small" in proc.stdout
    assert f"报告文件夹 / built from: {(cli_index.parent / 'corpus').resolve()}" in proc.stdout
    proc = run_cli("index", "info", "--index", str(cli_index), "--json")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(proc.stdout)
    assert manifest["reports"] == 2 and manifest["model"]["name"] == "multilingual-e5-small"


@pytest.mark.slow
def test_cli_search_json(cli_index: Path) -> None:
    proc = run_cli("search", "青山区全年办理了多少件行政处罚案件", "--index", str(cli_index), "--json", "-k", "2")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stdout
    out = json.loads(lines[0])
    assert out["query"] == "青山区全年办理了多少件行政处罚案件"
    assert 1 <= len(out["results"]) <= 2
    for r in out["results"]:
        assert {"rank", "score", "doc", "title", "section", "text", "start", "end", "answer"} <= set(r)
        assert r["section"].startswith(r["title"])
    top = out["results"][0]
    assert top["rank"] == 1 and top["doc"].endswith("qingshan_2019.txt") and "三百一十件" in top["text"]
    # `doc` is relative to the corpus folder's parent ("corpus/qingshan_2019.txt"), whatever the working directory.
    assert top["doc"] == "corpus/qingshan_2019.txt"
    assert read_report(cli_index.parent / top["doc"]).text[top["start"]:top["end"]] == top["text"]


@pytest.mark.slow
def test_cli_search_stdin_answers_each_line_in_order(cli_index: Path) -> None:
    questions = ["石门镇光伏发电站的装机容量是多少", "青山区全年办理了多少件行政处罚案件"]
    proc = run_cli("search", "--index", str(cli_index), "-k", "1", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 2, proc.stdout
    outs = [json.loads(line) for line in lines]
    assert [o["query"] for o in outs] == questions
    assert outs[0]["results"][0]["doc"].endswith("shimen_2021.txt")
    assert outs[1]["results"][0]["doc"].endswith("qingshan_2019.txt")


@pytest.mark.slow
def test_cli_errors_are_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-index"
    line = one_error_line(run_cli("search", "问题", "--index", str(missing), "--json"))
    assert "找不到索引" in line
    line = one_error_line(run_cli("index", "info", "--index", str(missing)))
    assert "找不到索引" in line

    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_error_line(run_cli("index", "build", "--corpus", str(empty), "--index", str(tmp_path / "idx")))
    assert "没有找到可索引的报告" in line
    line = one_error_line(run_cli("index", "build", "--corpus", str(tmp_path / "nowhere"), "--index",
                                  str(tmp_path / "idx")))
    assert "找不到报告目录" in line


@pytest.mark.slow
def test_corpus_of_only_unreadable_files_is_handled(tmp_path: Path, embedder) -> None:
    """Every file skipped → either a clear StoreError or an (empty) index that lists the skip; never a crash.

    Today store.write_search_structures calls bm25s' index([[]]) on an empty chunk table, which raises
    "ValueError: max() arg is an empty sequence" (a traceback on the CLI).
    """
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.docx").write_bytes(b"PK\x03\x04 definitely not a zip archive")
    try:
        summary = build_index([corpus], tmp_path / "index", embedder=embedder)
    except StoreError as problem:
        assert "bad.docx" in str(problem) or "没有找到可索引的报告" in str(problem)
    else:
        assert summary.reports == 0 and [Path(s.path).name for s in summary.skipped] == ["bad.docx"]

    proc = run_cli("index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "cli-index"))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "bad.docx" in proc.stdout + proc.stderr or "没有找到可索引的报告" in proc.stderr


@pytest.mark.parametrize("question, missing", [
    ("张店乡法律顾问每年的服务费用是多少", "金额"),  # the report counts 法律顾问 and 大喇叭宣传20余次, never a cost
])
def test_a_measure_asked_by_its_noun_needs_a_figure_of_that_measure(seed_searcher, question: str, missing: str) -> None:
    doubt = seed_searcher.search(question).doubt
    assert (doubt.kind, doubt.missing) == (DoubtKind.MISSING_MEASURE, missing)


@pytest.mark.slow
def test_workers_embed_the_same_vectors_as_one_process(tmp_path: Path, embedder) -> None:
    corpus = tmp_path / "corpus"
    seed = SEED_REPORT.read_text(encoding="utf-8")
    for n in range(18):  # past one slice of 256 passages, so the work is shared out
        write(corpus / f"town_{n}.txt", seed.replace("张店乡", f"第{n}乡").replace("2023年", f"{2000 + n}年"))
    one = build_index([corpus], tmp_path / "one", embedder=embedder)
    two = build_index([corpus], tmp_path / "two", BuildOptions(workers=2), embedder=embedder)
    assert one.embedded == two.embedded > 256 and one.sentences_embedded == two.sentences_embedded > 256
    tables = []
    for name in ("one", "two"):
        with IndexReader(tmp_path / name) as index:
            tables.append([(row.hash, row.embedding, row.sentences) for row in index.table.chunk_rows()])
    assert tables[0] == tables[1]
