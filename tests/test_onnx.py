"""The int8 ONNX encoder (default for the default model) against the float32 torch model it came from."""
from __future__ import annotations

import os

import numpy as np
import pytest

from helpers import SHARED_CORPUS, SEED_CORPUS

pytest.importorskip("onnxruntime")


def _corpus_passages(n: int = 30) -> list[str]:
    """n passages of ~350 characters from the shared corpus (the seed report when it is absent)."""
    shared = SHARED_CORPUS.is_dir()
    folder = SHARED_CORPUS if shared else SEED_CORPUS
    stride = 700 if shared else 90  # one report alone gives 30 windows only when they overlap
    texts = []
    for path in sorted(folder.glob("*.txt")):
        body = "".join(path.read_text(encoding="utf-8").split())
        end = min(len(body), 3000) if shared else len(body) - 350
        texts += [body[i:i + 350] for i in range(200, end, stride)]
    step = max(1, len(texts) // n)
    return [t for t in texts[::step] if len(t) > 50][:n]


@pytest.fixture(scope="module")
def encoders():
    from index.embed import BACKEND_ONNX_INT8, BACKEND_TORCH, Embedder

    return Embedder(backend=BACKEND_TORCH), Embedder(backend=BACKEND_ONNX_INT8)


def test_quantised_embeddings_match_float32(encoders):
    torch_enc, onnx_enc = encoders
    passages = _corpus_passages()
    assert len(passages) == 30
    a, b = torch_enc.passages(passages), onnx_enc.passages(passages)
    assert a.shape == b.shape == (30, torch_enc.info.dim)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() >= 0.98, cosines.min()
    q = "2023年化解了多少起矛盾纠纷"
    assert float(torch_enc.query(q) @ onnx_enc.query(q)) >= 0.98


def test_same_tokens_and_prompts(encoders):
    torch_enc, onnx_enc = encoders
    for text in ["你好，世界", "一、2024年工作安排\n全面推进依法行政" * 40]:  # the second is longer than 512 tokens
        assert onnx_enc.count_tokens(text) == torch_enc.count_tokens(text)
    info_t, info_o = torch_enc.info, onnx_enc.info
    assert (info_t.name, info_t.dim, info_t.query_prompt, info_t.passage_prompt) == \
           (info_o.name, info_o.dim, info_o.query_prompt, info_o.passage_prompt)
    assert (info_t.backend, info_o.backend) == ("torch", "onnx-int8")
    assert info_o.as_dict()["backend"] == "onnx-int8"  # recorded in the manifest with the model


def test_passages_keep_the_callers_order(encoders):
    _, onnx_enc = encoders
    texts = ["短", "一段稍长一些的文字，讲的是乡村振兴", "中等长度的句子"]
    together = onnx_enc.passages(texts)
    alone = np.vstack([onnx_enc.passages([t]) for t in texts])
    # Dynamic int8 quantisation scales activations per batch, so batch-mates move a vector slightly.
    similarity = together @ alone.T
    assert (similarity.argmax(axis=1) == np.arange(len(texts))).all()
    assert np.diag(similarity).min() >= 0.99


def test_idle_encoder_threads_sleep_rather_than_spin(encoders):
    """A question is encoded beside the keyword stage; a spinning encoder thread would hold the other core."""
    _, onnx_enc = encoders
    options = onnx_enc._encoder.session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_export_is_cached_and_reused(encoders, tmp_path, monkeypatch):
    import index.embed as embed
    from index.model import default_model_dir

    path = embed.onnx_model_path()
    assert path.is_file() and path.parent.parent == default_model_dir()
    before = (path.stat().st_mtime_ns, path.stat().st_ino)

    def no_export(*_args, **_kwargs):  # a second export would be a bug, not a slow path
        raise AssertionError("exported again")

    monkeypatch.setattr(embed, "_export_int8", no_export)
    assert embed.onnx_model_path() == path
    embed.Embedder(backend=embed.BACKEND_ONNX_INT8)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_export_into_a_fresh_folder_is_atomic(tmp_path):
    """A fresh export (own model copy) appears complete under its final name, with no temp left."""
    import shutil

    import index.embed as embed
    from index.model import default_model_dir

    if os.environ.get("POLICY_SEARCH_SLOW_TESTS") != "1":
        pytest.skip("re-exports the model (~30 s); set POLICY_SEARCH_SLOW_TESTS=1")
    copy = tmp_path / "model"
    shutil.copytree(default_model_dir(), copy, ignore=shutil.ignore_patterns("onnx-*", ".onnx-*"))
    path = embed.onnx_model_path(copy)
    assert path.is_file() and path.parent.name == f"onnx-{embed.ONNX_RECIPE}"
    assert not list(copy.glob(".onnx-export-*"))
    assert embed._OnnxEncoder(copy).encode(["passage: 你好"]).shape == (1, 384)


def test_default_backend_is_onnx_for_the_default_model(monkeypatch):
    from index.embed import default_backend

    monkeypatch.delenv("POLICY_SEARCH_BACKEND", raising=False)
    assert default_backend() == "onnx-int8"
    assert default_backend("/some/other/model") == "torch"
    monkeypatch.setenv("POLICY_SEARCH_BACKEND", "torch")
    assert default_backend() == "torch"
