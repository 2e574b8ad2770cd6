"""The keyword side: tokens for questions and passages, and the BM25 matrix built without bm25s.index."""
from __future__ import annotations

import bm25s
import numpy as np

from conftest import SEED_REPORT
from index.chunk import chunk_report
from index.keywords import KeywordTokenizer, bigrams, build_keyword_index
from index.read import read_report


def test_numbers_keep_their_units_and_question_words_are_dropped() -> None:
    tokens = KeywordTokenizer().tokens("2023年化解了多少起矛盾纠纷？化解矛盾26起")
    assert {"2023年", "26起", "化解", "矛盾"} <= set(tokens)
    assert "了" not in tokens and "纠纷" in tokens
    assert tokens.count("多少") == 1  # only as a character bigram: the word itself is a stopword


def test_bigrams_stay_inside_runs_and_skip_digits() -> None:
    assert bigrams("执法证，2023年考试") == ["执法", "法证", "年考", "考试"]


def test_matrix_scores_equal_bm25s_on_the_seed_report() -> None:
    tokenizer = KeywordTokenizer()
    rows = [" ".join(tokenizer.tokens(c.embed_text)) for c in chunk_report(read_report(SEED_REPORT))]
    reference = bm25s.BM25()
    reference.index([r.split(" ") for r in rows], show_progress=False)
    ours = build_keyword_index(rows)
    for question in ["2023年化解了多少起矛盾纠纷", "执法证考试通过了几个人", "第一责任人职责"]:
        tokens = [t for t in tokenizer.tokens(question) if t in reference.vocab_dict]
        assert tokens
        assert np.allclose(ours.get_scores(tokens), reference.get_scores(tokens), atol=1e-5)


def test_an_empty_table_still_gives_a_loadable_index(tmp_path) -> None:
    build_keyword_index([]).save(str(tmp_path / "k"), show_progress=False)
    loaded = bm25s.BM25.load(str(tmp_path / "k"), show_progress=False)
    assert loaded.scores["num_docs"] == 1  # the placeholder row; no chunk id maps to it
