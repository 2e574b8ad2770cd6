"""Chinese keyword tokens for the BM25 index, the same for passages and questions.

Officials ask about numbers, places and exact wording, so numbers keep their units
("26起", "2023年") as tokens of their own besides jieba's words, and question words
("多少", "怎么") are dropped because answers never contain them. Character bigrams are
added too: jieba cuts a question and a passage differently often enough ("执法证" vs
"行政执法证") that words alone miss matches, and bigrams measurably lift hit@1.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
import json
import os
from pathlib import Path
import re

import bm25s
import jieba
import jieba.posseg
import numpy as np

_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:\.\d+)?(?:%|‰|[万亿千百]?(?:元|美元|个|起|次|人|家|项|件|所|条|座|公里|千米|米|亩|公顷|吨|年|月|日|天|户|套|名|位|辆|批|场|期|倍|宗|台|张|册|篇|种|处|层|栋|间|份|只|头|株|届|轮|千瓦|兆瓦|平方米|平方公里|立方米|标箱|万|亿))?"
)
# Bump when tokens change: stored tokens are then recomputed (vectors are kept).
TOKENIZER_VERSION = 2
_HAS_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_RUN = re.compile(r"[^\W_]+")
STOPWORDS = frozenset(
    """的 了 和 与 及 或 是 在 有 对 把 被 将 为 以 于 等 也 都 而 并 其 之 中 上 下 这 那 这个 那个 一个
    我 我们 你 你们 他们 它 吗 呢 吧 啊 呀 么 什么 多少 几 几个 几项 几次 怎么 怎样 如何 哪些 哪个 哪里 哪 谁 是否
    有没有 是不是 请问 一下 告诉 知道 一共 总共 共 到底 具体 情况 方面 相关 关于 里 里面 中的 提到 说 写 讲""".split()
)


class KeywordTokenizer:
    """jieba in search mode plus number-unit tokens; owns its own jieba dictionary instance."""

    def __init__(self) -> None:
        self._jieba = jieba.Tokenizer()
        self._tagger = jieba.posseg.POSTokenizer(self._jieba)
        jieba.setLogLevel(logging.WARNING)

    def place_names(self, text: str) -> list[str]:
        """Words jieba tags as place names ("杭州市", "罗湖区", "河南")."""
        return [pair.word for pair in self._tagger.cut(text) if pair.flag.startswith("ns")]

    def person_names(self, text: str) -> list[str]:
        """Words jieba tags as personal names ("王宏彬")."""
        return [pair.word for pair in self._tagger.cut(text) if pair.flag.startswith("nr")]

    def tokens(self, text: str) -> list[str]:
        lowered = text.lower()
        words = [w for w in self._jieba.cut_for_search(lowered) if _keep(w)]
        words.extend(m.group(0) for m in _NUMBER_WITH_UNIT.finditer(lowered) if not m.group(0).isdigit())
        words.extend(bigrams(lowered))
        return words


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs within runs of letters and hanzi (never across punctuation).

    Pairs with digits are left out: "2023" → "20", "02", "23" would match any number.
    """
    pairs = (run[i:i + 2] for run in _RUN.findall(text.lower()) for i in range(len(run) - 1))
    return [p for p in pairs if not any(c.isdigit() for c in p)]


def _keep(word: str) -> bool:
    word = word.strip()
    return bool(word) and word not in STOPWORDS and bool(_HAS_WORD.search(word))


def build_keyword_index(rows: Iterable[str], k1: float = 1.5, b: float = 0.75) -> bm25s.BM25:
    """A bm25s index (its default "lucene" scoring) over space-separated token rows.

    Computed with numpy one row at a time in 32-bit arrays, because bm25s.index wants every row
    as a Python list of strings at once: at a million passages that alone went past 20 GB.
    """
    vocab: dict[str, int] = {}
    row_terms: list[np.ndarray] = []
    row_tfs: list[np.ndarray] = []
    lengths: list[int] = []
    for row in rows:
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in row.split(" ") if t), dtype=np.int32)
        terms, tfs = np.unique(ids, return_counts=True)
        row_terms.append(terms)
        row_tfs.append(tfs.astype(np.float32))
        lengths.append(len(ids))
    n_docs, n_vocab = len(lengths), len(vocab)
    model = bm25s.BM25(k1=k1, b=b)
    model.index([["\u2205"]], show_progress=False)  # sets every attribute a loaded index needs
    if n_docs == 0 or n_vocab == 0:
        return model  # nothing to search; the placeholder row keeps the index loadable
    doc = np.repeat(np.arange(n_docs, dtype=np.int32), [len(t) for t in row_terms])
    term = np.concatenate(row_terms)
    del row_terms
    tf = np.concatenate(row_tfs)
    del row_tfs
    df = np.bincount(term, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    doc_len = np.asarray(lengths, dtype=np.float32)
    norm = np.float32(k1) * (np.float32(1 - b) + np.float32(b) * doc_len[doc] / np.float32(doc_len.mean()))
    data = idf[term] * tf / (tf + norm)
    del tf, norm
    order = np.argsort(term, kind="stable")  # column (term) major, documents ascending within a term
    del term
    model.scores = {"data": data[order], "indices": doc[order],
                    "indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64), "num_docs": n_docs}
    model.vocab_dict = vocab
    return model


class KeywordIndex:
    """A saved bm25s index, searched by reading only the posting lists a question needs.

    The vocabulary and column pointers are loaded; the matrix itself (2 GB at a million passages)
    stays on disk and each query reads its terms' postings with os.pread.  Memory-mapping it
    instead made every page a query had touched count as the process's own memory, and with the
    kernel mapping whole cached folios around each touched page, 157 questions left 1.7 GB
    resident for 0.4 GB of postings actually read.  Reads go through the OS page cache, so
    repeated terms cost a memory copy, not a disk seek.
    """

    def __init__(self, folder: Path) -> None:
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        self.num_docs: int = params["num_docs"]
        self.vocab: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        self.indptr: np.ndarray = np.load(folder / "indptr.csc.index.npy")
        self._data = _NpyColumn(folder / "data.csc.index.npy")
        self._indices = _NpyColumn(folder / "indices.csc.index.npy")

    def document_frequency(self, term: str) -> int:
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every passage for the question's tokens; a repeated token counts again, as in bm25s."""
        scores = np.zeros(self.num_docs, dtype=np.float32)
        for term, count in Counter(t for t in tokens if t in self.vocab).items():
            tid = self.vocab[term]
            start, end = int(self.indptr[tid]), int(self.indptr[tid + 1])
            # np.add.at measured 2x faster than scores[docs] += … and np.bincount here (numpy 2.4)
            np.add.at(scores, self._indices.read(start, end), np.float32(count) * self._data.read(start, end))
        return scores

    def close(self) -> None:
        self._data.close()
        self._indices.close()


class _NpyColumn:
    """A one-dimensional .npy file read by element ranges, thread-safely (pread carries its own offset)."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) \
                else np.lib.format.read_array_header_2_0
            _, _, self.dtype = read_header(handle)
            self.offset = handle.tell()
        # A file object, not a bare descriptor: once closed, fileno() raises instead of letting a
        # late query read whatever file reused the descriptor number.
        self.file = open(path, "rb", buffering=0)

    def read(self, start: int, end: int) -> np.ndarray:
        size = self.dtype.itemsize
        raw = os.pread(self.file.fileno(), (end - start) * size, self.offset + start * size)
        return np.frombuffer(raw, dtype=self.dtype)

    def close(self) -> None:
        self.file.close()
