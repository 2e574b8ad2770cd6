"""Turn passages and questions into unit vectors with a sentence-transformers model.

Two encoders ("backends") produce the vectors:

* ``onnx-int8`` (the default for the default model): the restored multilingual-e5-small
  exported once to ONNX, its attention/GELU/LayerNorm fused by onnxruntime's transformer
  optimiser and its weights dynamically quantised to int8 per channel.  It is cached next to
  the restored model and runs on onnxruntime alone (no torch at query time).  Embeddings
  have cosine >= 0.99 with the float32 model and it encodes several times faster on CPU.
* ``torch``: the float32 sentence-transformers model, for any other model and as the
  reference.

An index records the backend with the model (``ModelInfo.backend``), because questions must
be embedded by the same encoder as the passages they are compared with.
"""
from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from index.errors import ModelMismatch
from index.model import (DEFAULT_ALIASES, DEFAULT_MODEL, MAX_TOKENS, ModelError, default_model_dir, load_model,
                         model_prompts, place_restored)
from index.system import cpu_threads, publish_folder

BACKEND_TORCH = "torch"
BACKEND_ONNX_INT8 = "onnx-int8"
BACKENDS = (BACKEND_TORCH, BACKEND_ONNX_INT8)
# POLICY_SEARCH_BACKEND=torch forces the float32 encoder for new indexes (e.g. to compare).
_BACKEND_ENV = "POLICY_SEARCH_BACKEND"

BATCH_SIZE = 32        # torch
# ONNX: 16 measured 65-66 chunks/s vs 62 at 32 and 58 at 64 (2 cores, texts pre-sorted by length).
ONNX_BATCH_SIZE = 16
# Texts are encoded in slices this big so a progress bar can move between them.
PROGRESS_SLICE = 256

# Bump when the export recipe changes: the cached file is then rebuilt under a new name.
ONNX_RECIPE = "int8-pc-v1"
_ONNX_DIR = f"onnx-{ONNX_RECIPE}"
_ONNX_FILE = "model.onnx"
_ONNX_TMP_PREFIX = ".onnx-export-"
_EXPORT_NOTICE = (
    "首次使用：正在导出并量化 ONNX 编码器（约需一分钟，仅此一次）… / "
    "First run: exporting and quantising the ONNX encoder (about a minute, once)…"
)


@dataclass(frozen=True)
class ModelInfo:
    """What an index records about the model that made its vectors."""
    name: str
    dim: int
    query_prompt: str
    passage_prompt: str
    backend: str = BACKEND_TORCH   # manifests written before backends existed were all torch

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def default_backend(name: str = DEFAULT_MODEL) -> str:
    """The encoder a new index of `name` gets: quantised ONNX for the default model, torch otherwise."""
    forced = os.environ.get(_BACKEND_ENV)
    if forced:
        if forced not in BACKENDS:
            raise ModelError(f"未知的编码后端 {forced!r}（可选 {', '.join(BACKENDS)}） / "
                             f"Unknown encoder backend {forced!r} (choose from {', '.join(BACKENDS)})")
        return forced
    return BACKEND_ONNX_INT8 if name in DEFAULT_ALIASES and _onnxruntime_available() else BACKEND_TORCH


def stored_backend(model: dict) -> str:
    """The backend recorded in a manifest's "model" entry (older manifests: torch)."""
    return str(model.get("backend") or BACKEND_TORCH)


def check_model(info: ModelInfo, stored: dict) -> None:
    """Raise ModelMismatch unless `info` is the model, encoder and dimension an index's vectors were made with
    (`stored`: the manifest's "model" entry): questions must be embedded like the passages they are compared with."""
    name, backend = stored["name"], stored_backend(stored)
    if info.name != name:
        raise ModelMismatch(f"模型不符：索引由模型 {name} 建立，给出的是 {info.name}；请用同一模型，或加 --rebuild 重建 / "
                            f"Model mismatch: the index was built with {name}, not {info.name}; "
                            "use the same model or --rebuild")
    if info.backend != backend:
        raise ModelMismatch(f"索引向量由 {backend} 编码器生成，给出的是 {info.backend}；请加 --rebuild 重建 / "
                            f"Index vectors were made by the {backend} encoder, not {info.backend}; use --rebuild")
    if "dim" in stored and info.dim != stored["dim"]:
        raise ModelMismatch(f"模型维度不符：{info.dim} ≠ {stored['dim']} / Model dimension mismatch")


class Embedder:
    """One loaded encoder plus the prompts it expects for questions and passages."""

    def __init__(self, name: str = DEFAULT_MODEL, backend: str | None = None) -> None:
        backend = backend or default_backend(name)
        if backend not in BACKENDS:
            raise ModelError(f"未知的编码后端 {backend!r} / Unknown encoder backend {backend!r}")
        if backend == BACKEND_ONNX_INT8:
            if name not in DEFAULT_ALIASES:
                raise ModelError(f"ONNX 编码器只支持默认模型 {DEFAULT_MODEL} / "
                                 f"The ONNX encoder exists only for the default model {DEFAULT_MODEL}")
            self.model = None
            self._encoder: _TorchEncoder | _OnnxEncoder = _OnnxEncoder(default_model_dir())
        else:
            self.model = load_model(name)
            self._encoder = _TorchEncoder(self.model)
        prompts = self._encoder.prompts
        self.info = ModelInfo(
            name=name,
            dim=int(self._encoder.dim),
            query_prompt=prompts["query"],
            passage_prompt=prompts["passage"],
            backend=backend,
        )

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for a passage, prompt and special tokens included."""
        return self._encoder.count_tokens(self.info.passage_prompt + text)

    def passages(self, texts: Sequence[str], on_progress: Callable[[int], None] | None = None,
                 workers: int = 1) -> np.ndarray:
        """Passage vectors in the caller's order; `workers` processes share the slices (each its own model, on its
        own CPUs), and a slice is encoded the same wherever it runs, so the vectors do not depend on `workers`."""
        out = np.empty((len(texts), self.info.dim), dtype=np.float32)
        # Longest first over the WHOLE list (not per slice), so every batch holds similar lengths
        # and little padding is computed; results are written back in the caller's order.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        slices = [order[lo:lo + PROGRESS_SLICE] for lo in range(0, len(texts), PROGRESS_SLICE)]
        work = [[texts[i] for i in rows] for rows in slices]
        for rows, vectors in zip(slices, self._encode_all(work, workers)):
            out[rows] = vectors
            if on_progress:
                on_progress(len(rows))
        return out

    def _encode_all(self, work: list[list[str]], workers: int) -> Iterator[np.ndarray]:
        if workers <= 1 or len(work) <= 1:
            yield from (self._encode(texts, self.info.passage_prompt) for texts in work)
            return
        workers = min(workers, len(work))
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        shares = [cpus[n::workers] for n in range(workers)] if len(cpus) >= workers else [[] for _ in range(workers)]
        context = multiprocessing.get_context("spawn")  # a forked copy of a loaded ONNX/torch session is unsafe
        slots = context.Queue()
        for share in shares:
            slots.put(share)
        # An executor, not a Pool: a worker that dies (out of memory, a model it cannot load) fails the build with
        # BrokenProcessPool instead of being restarted for ever.
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(self.info.name, self.info.backend, slots)) as pool:
            yield from pool.map(_worker_passages, work)

    def query(self, text: str) -> np.ndarray:
        return self._encode([text], self.info.query_prompt)[0]

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.empty((0, self.info.dim), dtype=np.float32)
        return self._encoder.encode([prompt + t for t in texts])


_worker: Embedder | None = None


def _start_worker(name: str, backend: str, slots) -> None:
    """A build worker: pinned to its share of the CPUs (so its encoder's threads do not fight the others')."""
    global _worker
    share = slots.get()
    if share and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, share)
    _worker = Embedder(name, backend=backend)


def _worker_passages(texts: list[str]) -> np.ndarray:
    return _worker._encode(texts, _worker.info.passage_prompt)


class _TorchEncoder:
    """The float32 sentence-transformers model."""

    def __init__(self, model) -> None:
        import torch

        # torch picks physical cores, which can exceed what a container lets us use.
        torch.set_num_threads(cpu_threads())
        self.model = model
        self.prompts = model_prompts(model)
        self.dim = _dimension(model)

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text)["input_ids"])

    def encode(self, texts: list[str]) -> np.ndarray:
        # Prompts are already prepended; sentence-transformers sorts the call's texts by length.
        vectors = self.model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


class _OnnxEncoder:
    """The int8 ONNX export of the default model, run by onnxruntime; outputs unit vectors."""

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = onnx_model_path(model_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or cpu_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        # Idle encoder threads sleep instead of spinning: a question's encoding runs beside the keyword stage
        # (search.retrieve), and a thread spinning on the second of 2 cores stole it. Measured at 1M passages, end to
        # end p50 18.1-18.8 ms as with a second, one-thread session for questions (17.9; +150 MB), where spinning
        # threads gave 21-22; batch encoding unchanged (35.6 vs 36.5 passages/s).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        # One tokenizer, untruncated (the 250k-piece vocabulary costs ~280 MB per loaded copy);
        # encode() truncates like transformers does: the first max-1 tokens, then </s>.
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.max_tokens = _max_tokens(model_dir)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.pad_id, self.eos_id = int(config["pad_token_id"]), int(config["eos_token_id"])
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        prompts = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self.prompts = model_prompts(SimpleNamespace(prompts=prompts.get("prompts")))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text).ids)

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = [e.ids for e in self.tokenizer.encode_batch(texts)]
        cap = self.max_tokens
        encodings = [ids if len(ids) <= cap else ids[:cap - 1] + [self.eos_id] for ids in encodings]
        lengths = np.fromiter((len(ids) for ids in encodings), dtype=np.int64, count=len(encodings))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        order = np.argsort(-lengths, kind="stable")
        for lo in range(0, len(texts), ONNX_BATCH_SIZE):
            rows = order[lo:lo + ONNX_BATCH_SIZE]
            width = int(lengths[rows].max())
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, row in enumerate(rows):
                n = int(lengths[row])
                ids[j, :n] = encodings[row]
                mask[j, :n] = 1
            out[rows] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


# ----------------------------------------------------------------------------- ONNX export


def onnx_model_path(model_dir: Path | None = None) -> Path:
    """The cached int8 ONNX encoder of the default model; exported on first use (about a minute)."""
    model_dir = model_dir or default_model_dir()
    target = model_dir / _ONNX_DIR
    if not (target / _ONNX_FILE).is_file():
        if not _onnxruntime_available():
            raise ModelError("缺少 onnxruntime / onnx 软件包：pip install onnxruntime onnx / "
                             "onnxruntime and onnx are needed for the ONNX encoder: pip install onnxruntime onnx")
        print(_EXPORT_NOTICE, file=sys.stderr, flush=True)
        try:
            publish_folder(target, _ONNX_TMP_PREFIX, lambda work: _export_int8(model_dir, work), _ONNX_FILE)
        except OSError as exc:
            raise ModelError(f"无法在 {model_dir} 写入 ONNX 编码器：{exc} / "
                             f"Cannot write the ONNX encoder into {model_dir}: {exc}") from exc
    return target / _ONNX_FILE


def place_model(source: Path) -> Path:
    """Install a bundle's restored default model with its int8 encoder into the cache (offline install), so the
    first start neither restores nor exports anything; returns the cache folder."""
    if not (source / _ONNX_DIR / _ONNX_FILE).is_file():
        raise ModelError(f"离线包中的模型缺少 int8 编码器 {_ONNX_DIR}/{_ONNX_FILE} / The bundle's model lacks its int8 "
                         f"encoder {_ONNX_DIR}/{_ONNX_FILE}: {source}")
    try:
        target = place_restored(source)
        if not (target / _ONNX_DIR / _ONNX_FILE).is_file():  # restored here before, never exported
            publish_folder(target / _ONNX_DIR, _ONNX_TMP_PREFIX,
                           lambda work: shutil.copytree(source / _ONNX_DIR, work, dirs_exist_ok=True), _ONNX_FILE)
    except OSError as exc:
        raise ModelError(f"无法把模型放入缓存目录（可用环境变量 POLICY_SEARCH_CACHE 指定其他目录）：{exc} / Cannot put the "
                         f"model into the cache folder (set POLICY_SEARCH_CACHE to use another): {exc}") from exc
    return target


def _export_int8(model_dir: Path, work: Path) -> None:
    """float32 ONNX (eager attention, mean pooling and normalisation inside) → fused → int8 per channel."""
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    model = load_model(str(model_dir))
    transformer = model[0].auto_model.eval()
    # Eager attention exports as plain MatMul/Softmax, which onnxruntime fuses into one Attention op
    # (the SDPA export is not recognised by the fuser and runs ~15 % slower).
    transformer.set_attn_implementation("eager")
    config = transformer.config
    raw, fused = work / "float32.onnx", work / "fused.onnx"
    example = torch.ones((2, 8), dtype=torch.long)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _MeanPooled(transformer), (example, example), str(raw),
            input_names=["input_ids", "attention_mask"], output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
            opset_version=17, dynamo=False)
        optimised = optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size, opt_level=1)
        optimised.save_model_to_file(str(fused))
        raw.unlink()
        # Per-channel scales keep cosine to float32 >= 0.99 (per-tensor: ~0.98) at the same speed.
        quantize_dynamic(str(fused), str(work / _ONNX_FILE), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": 1})  # 1 = FLOAT, for outputs of fused ops
    fused.unlink()
    (work / "recipe.json").write_text(json.dumps({"recipe": ONNX_RECIPE}) + "\n", encoding="utf-8")


def _mean_pooled_class():
    import torch

    class MeanPooled(torch.nn.Module):
        """The transformer plus e5's pooling (mean over real tokens) and L2 normalisation."""

        def __init__(self, transformer) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    return MeanPooled


def _MeanPooled(transformer):  # noqa: N802 - reads like the class it builds
    return _mean_pooled_class()(transformer)


def _onnxruntime_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "onnx"))


def _max_tokens(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length") or MAX_TOKENS)
    return MAX_TOKENS


def _dimension(model) -> int:
    # sentence-transformers 6 renamed the method; older releases only have the old name.
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return getter()
