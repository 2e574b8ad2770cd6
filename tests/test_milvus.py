"""The Milvus store on milvus-lite (the real engine's Python edition, same pymilvus client as a server): builds,
searches, updates, deletions, filters, kills mid-build and bad addresses, against the local store's answers."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import json
from pathlib import Path

import pytest

from index.backends import open_reader
from index.build import BuildOptions, build_index, build_part
from index.milvus import MilvusLocation, MilvusReader, connection
from index.store import IndexReader, StoreError
from search.retrieve import Filters, Searcher

from helpers import PROJECT, QINGSHAN_2019, SEED_REPORT, free_port, one_error_line, run_cli, serve_app, write

pytest.importorskip("milvus_lite")

QUESTIONS = ["2023年化解了多少起矛盾纠纷", "青山区2019年办理了多少件行政处罚案件", "怎么写农村普法宣传这部分",
             "张店乡的法律顾问覆盖了多少个村", "火星基地建设进展如何"]


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_REPORT, corpus / SEED_REPORT.name)
    write(corpus / "qingshan_2019.txt", QINGSHAN_2019)
    return corpus


def _answers(searcher: Searcher, filters: Filters = Filters()) -> list[tuple]:
    out = []
    for question in QUESTIONS:
        result = searcher.search(question, k=5, filters=filters)
        out.append((result.mode, result.confident, result.doubt and result.doubt.kind,
                    [(h.chunk.report.path, h.chunk.start, round(h.score, 4)) for h in result.hits]))
    return out


@pytest.fixture()
def both(tmp_path: Path, embedder):
    """The same corpus built into the local store and into a milvus-lite file."""
    corpus = _corpus(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "remote"
    build_index([corpus], local, embedder=embedder)
    summary = build_index([corpus], remote, BuildOptions(store=f"milvus://{tmp_path}/m.db"), embedder=embedder)
    assert summary.reports == 2
    return corpus, local, remote, MilvusLocation.parse(f"milvus://{tmp_path}/m.db")


def test_milvus_answers_exactly_as_the_local_store(both, embedder) -> None:
    _, local, remote, _ = both
    with Searcher(local, embedder=embedder) as here, Searcher(remote, embedder=embedder) as there:
        assert isinstance(here.index, IndexReader) and isinstance(there.index, MilvusReader)
        assert _answers(there) == _answers(here)
        assert any("化解矛盾26起" in h.chunk.text for h in there.search("2023年化解了多少起矛盾纠纷").hits[:1])
        for filters in (Filters(year_from=2019, year_to=2019), Filters(body="张店乡")):
            assert _answers(there, filters) == _answers(here, filters)
        only_2019 = there.search("行政执法", filters=Filters(year_from=2019, year_to=2019))
        assert only_2019.hits and {h.chunk.report.path for h in only_2019.hits} == {"corpus/qingshan_2019.txt"}
        for word in ("火星", "矛盾"):
            assert there.index.never_mentions(word) == here.index.never_mentions(word)
            assert there.index.idf(word) == pytest.approx(here.index.idf(word), rel=1e-6)
            assert there.index.passage_share(word) == pytest.approx(here.index.passage_share(word), rel=1e-6)
        assert 0 < here.index.passage_share("矛盾") < 1 and here.index.passage_share("火星") == 0
        rid = next(iter(there.index.reports))
        assert there.index.report_text(rid) == here.index.report_text(rid)
        assert sorted(there.index.passages()) == sorted(here.index.passages())


def test_update_and_delete_follow_the_files_and_reuse_vectors(both, embedder) -> None:
    corpus, _, remote, location = both
    with Searcher(remote, embedder=embedder) as searcher:
        first = searcher.index.generation_name
        write(corpus / "qingshan_2019.txt", QINGSHAN_2019.replace("三百一十件", "四百二十件"))
        summary = build_index([corpus], remote, embedder=embedder)  # the store is the one the index records
        assert summary.updated == ["corpus/qingshan_2019.txt"] and 0 < summary.embedded <= 3
        assert searcher.refresh() and searcher.index.generation_name != first
        hits = searcher.search("青山区2019年办理了多少件行政处罚案件").hits
        assert "四百二十件" in hits[0].chunk.text
        (corpus / "qingshan_2019.txt").unlink()
        build_index([corpus], remote, embedder=embedder)
        assert searcher.refresh()
        assert {r.path for r in searcher.index.reports.values()} == {"corpus/zhangdian_2023.txt"}
        assert all(h.chunk.report.path != "corpus/qingshan_2019.txt" for h in searcher.search("行政处罚案件").hits)
    with connection(location) as client:  # the live generation and the one before it; older ones are dropped
        assert len([c for c in client.list_collections() if c.endswith("_chunks")]) == 2


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_the_old_generation_answering(tmp_path: Path, embedder) -> None:
    corpus = _corpus(tmp_path)
    index_dir, store = tmp_path / "index", f"milvus://{tmp_path}/m.db"
    command = [sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--index", str(index_dir)]
    subprocess.run([*command, "--store", store], cwd=PROJECT, check=True, capture_output=True, timeout=600)
    killed = 0
    for n, delay in enumerate((1.0, 3.0, 5.0, 7.0, 9.0)):
        write(corpus / f"extra_{n}.txt", QINGSHAN_2019.replace("青山区", f"青{n}区").replace("四十五", f"{n + 50}"))
        build = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            build.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            build.send_signal(signal.SIGKILL)
            build.wait()
            killed += 1
        with open_reader(index_dir) as reader:
            assert isinstance(reader, MilvusReader)
            paths = {r.path for r in reader.reports.values()}
            assert "corpus/zhangdian_2023.txt" in paths and len(paths) == reader.manifest["reports"]
            assert len(reader.passages()) == reader.manifest["chunks"]
            assert reader.keyword_matches(["矛盾", "26起"], 5)
    assert killed >= 2  # a build takes several seconds, so the early kills land inside one
    subprocess.run(command, cwd=PROJECT, check=True, capture_output=True, timeout=600)
    with open_reader(index_dir) as reader:
        assert len(reader.reports) == 2 + 5


@pytest.mark.parametrize("store, said", [
    ("http://127.0.0.1:9", "无法连接 Milvus 服务器"),
    ("ftp://example.org/x", "无法识别的存储地址"),
    ("milvus://", "缺少文件路径"),
])
def test_a_bad_store_address_is_one_clear_line(tmp_path: Path, store: str, said: str) -> None:
    line = one_error_line(run_cli("index", "build", "--corpus", str(SEED_REPORT), "--index", str(tmp_path / "i"),
                                  "--store", store, timeout=120))
    assert said in line and " / " in line


def test_a_lite_file_held_by_another_program_is_one_clear_line(both) -> None:
    _, _, remote, location = both
    with connection(location):
        line = one_error_line(run_cli("search", "--index", str(remote), "矛盾纠纷"))
    assert "同一时间只能由一个程序打开" in line
    started = time.monotonic()
    assert run_cli("search", "--index", str(remote), "矛盾纠纷").returncode == 0  # released: it opens again
    assert time.monotonic() - started < 300


def test_no_published_index_in_milvus_is_said(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="没有已发布的索引"):
        MilvusReader(MilvusLocation.parse(f"milvus://{tmp_path}/empty.db"))


@pytest.mark.slow
def test_the_page_moves_to_milvus_with_one_option_and_stays_there(tmp_path: Path) -> None:
    store = f"milvus://{tmp_path}/page.db"
    question = urllib.parse.urlencode({"q": "2023年化解了多少起矛盾纠纷"})
    for extra in (("--store", store), ()):  # the second start gives no option: the index says where it is
        with serve_app(tmp_path, *extra) as url:
            with urllib.request.urlopen(f"{url}api/v1/search?{question}", timeout=120) as response:
                got = json.loads(response.read())
        assert got["confident"] and "化解矛盾26起" in got["results"][0]["text"]
        with open_reader(tmp_path / "index") as reader:
            assert isinstance(reader, MilvusReader) and reader.location.as_text() == store


@pytest.fixture()
def milvus_server(tmp_path: Path):
    """milvus-lite's own gRPC server: a separate process speaking the Milvus protocol, as a Milvus server does."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(tmp_path / "milvus"),
                               "--host", "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with connection(MilvusLocation.parse(uri)):
                break
        except StoreError:
            assert time.monotonic() < deadline and server.poll() is None, "milvus-lite server did not start"
            time.sleep(0.5)
    yield uri, server
    server.terminate()
    server.wait(30)


@pytest.mark.slow
def test_one_machine_builds_into_a_server_and_others_serve_it_read_only(tmp_path: Path, milvus_server) -> None:
    milvus_server, server = milvus_server
    corpus = _corpus(tmp_path)
    built = run_cli("index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "builder"),
                    "--store", f"{milvus_server}?collection=office_a", timeout=600)
    assert built.returncode == 0, built.stderr
    address = f"{milvus_server}?collection=office_a"
    asked = run_cli("search", "--index", address, "--json", "青山区2019年办理了多少件行政处罚案件")
    assert asked.returncode == 0, asked.stderr
    assert "三百一十件" in json.loads(asked.stdout)["results"][0]["text"]
    other = run_cli("search", "--index", f"{milvus_server}?collection=office_b", "矛盾纠纷")
    assert "没有已发布的索引" in one_error_line(other)
    question = urllib.parse.urlencode({"q": "2023年化解了多少起矛盾纠纷"})
    (tmp_path / "reader").mkdir()
    with serve_app(tmp_path / "reader", "--index", address) as url:  # no corpus of its own is built into it
        with urllib.request.urlopen(f"{url}api/v1/search?{question}", timeout=120) as response:
            got = json.loads(response.read())
        assert got["confident"] and "化解矛盾26起" in got["results"][0]["text"]
        with urllib.request.urlopen(f"{url}api/v1/reports", timeout=60) as response:
            assert len(json.loads(response.read())) == 2
        write(corpus / "town_9.txt", QINGSHAN_2019.replace("青山区", "青九区"))  # the builder publishes again
        built = run_cli("index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "builder"), timeout=600)
        assert built.returncode == 0, built.stderr
        with urllib.request.urlopen(f"{url}api/v1/search?{question}", timeout=120) as response:
            assert json.loads(response.read())["confident"]  # the reading page follows at its next question
        with urllib.request.urlopen(f"{url}api/v1/reports", timeout=60) as response:
            assert len(json.loads(response.read())) == 3
        server.terminate()  # the server goes away under a serving page: each question says so in one line
        server.wait(30)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}api/v1/search?{question}", timeout=120)
        assert "Milvus 操作失败" in json.loads(refused.value.read())["error"]


@pytest.mark.slow
def test_machines_build_parts_into_one_collection_then_one_publish(tmp_path: Path, milvus_server, embedder) -> None:
    uri, _ = milvus_server
    corpus = _corpus(tmp_path)
    for n in range(4):
        write(corpus / f"town_{n}.txt", QINGSHAN_2019.replace("青山区", f"青{n}区").replace("四十五", f"{n + 50}"))
    parts, split = f"{uri}?collection=parts", f"{uri}?collection=whole"
    for k in (1, 2):  # two "machines": separate processes, each with its own working folder
        built = run_cli("index", "build", "--corpus", str(corpus), "--index", str(tmp_path / f"m{k}"), "--store", parts,
                        "--part", f"{k}/2", timeout=600)
        assert built.returncode == 0, built.stderr
        if k == 1:  # one part is not enough to publish
            refused = run_cli("index", "build", "--index", str(tmp_path / "m1"), "--store", parts, "--assemble", "2")
            assert "第 2 部分尚未完成" in one_error_line(refused)
    assembled = run_cli("index", "build", "--index", str(tmp_path / "m1"), "--store", parts, "--assemble", "2")
    assert assembled.returncode == 0, assembled.stderr
    build_index([corpus], tmp_path / "single", BuildOptions(store=split), embedder=embedder)
    with Searcher(parts, embedder=embedder) as by_parts, Searcher(split, embedder=embedder) as whole:
        assert len(by_parts.index.reports) == len(whole.index.reports) == 6
        # The int8 encoder quantises each batch by its own range, so a passage embedded beside other passages on
        # another machine gets a vector a hair away (scores here moved by < 0.003): same answers, near-same scores.
        for one, other in zip(_answers(by_parts), _answers(whole), strict=True):
            assert one[:3] == other[:3] and one[3][0][:2] == other[3][0][:2]
            assert one[3][0][2] == pytest.approx(other[3][0][2], abs=0.02)
    again = build_part([corpus], parts, 1, 2, embedder=embedder)  # vectors come from the live generation
    assert again.reports > 0 and again.embedded == 0 and again.sentences_embedded == 0
    afresh = build_part([corpus], parts, 1, 2, BuildOptions(rebuild=True), embedder=embedder)
    assert afresh.embedded > 0
