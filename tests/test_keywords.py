"""The keyword side: tokens for questions and passages, and the BM25 index (our own files, checked against bm25s)."""
from __future__ import annotations

import bm25s
import numpy as np
import pytest

from helpers import SEED_REPORT
from index.chunk import chunk_report
from index.keywords import KeywordIndex, KeywordMatrix, build_keyword_index
from index.read import read_report
from text.tokens import KeywordTokenizer, bigrams


def test_numbers_keep_their_units_and_question_words_are_dropped() -> None:
    tokens = KeywordTokenizer().tokens("2023年化解了多少起矛盾纠纷？化解矛盾26起")
    assert {"2023年", "26起", "化解", "矛盾"} <= set(tokens)
    assert "了" not in tokens and "纠纷" in tokens
    assert tokens.count("多少") == 1  # only as a character bigram: the word itself is a stopword


def test_bigrams_stay_inside_runs_and_skip_digits() -> None:
    assert bigrams("执法证，2023年考试") == ["执法", "法证", "年考", "考试"]


def test_matrix_scores_equal_bm25s_on_the_seed_report(tmp_path) -> None:
    tokenizer = KeywordTokenizer()
    rows = [" ".join(tokenizer.tokens(c.embed_text)) for c in chunk_report(read_report(SEED_REPORT))]
    reference = bm25s.BM25()
    reference.index([r.split(" ") for r in rows], show_progress=False)
    build_keyword_index(rows).save(tmp_path / "k")
    ours = KeywordIndex(tmp_path / "k")
    try:
        for question in ["2023年化解了多少起矛盾纠纷", "执法证考试通过了几个人", "第一责任人职责"]:
            tokens = [t for t in tokenizer.tokens(question) if t in reference.vocab_dict]
            assert tokens
            assert np.allclose(ours.scores(tokens), reference.get_scores(tokens), atol=1e-5)
    finally:
        ours.close()


def test_an_empty_table_still_gives_a_loadable_index(tmp_path) -> None:
    build_keyword_index([]).save(tmp_path / "k")
    reader = KeywordIndex(tmp_path / "k")
    try:
        assert reader.num_docs == 0 and reader.scores(["矛盾"]).size == 0 and reader.idf("矛盾") > 0
        assert reader.passage_share("矛盾") == 0
    finally:
        reader.close()


def test_the_on_disk_reader_scores_like_bm25s_and_reads_document_frequencies(tmp_path) -> None:
    tokenizer = KeywordTokenizer()
    rows = [" ".join(tokenizer.tokens(c.embed_text)) for c in chunk_report(read_report(SEED_REPORT))]
    build_keyword_index(rows).save(tmp_path / "k")
    reference = bm25s.BM25()
    reference.index([r.split(" ") for r in rows], show_progress=False)
    reader = KeywordIndex(tmp_path / "k")
    try:
        assert reader.num_docs == len(rows)
        question = tokenizer.tokens("2023年化解了多少起矛盾纠纷") + ["不在词表里的词"]
        known = [t for t in question if t in reference.vocab_dict]
        assert len(set(known)) < len(known)  # repeated tokens ("矛盾" as word and bigram) count twice
        assert np.allclose(reader.scores(question), reference.get_scores(known), atol=1e-6)
        assert reader.scores(["不在词表里的词"]).max() == 0
        assert reader.document_frequency("矛盾") == sum("矛盾" in r.split(" ") for r in rows) > 0
        assert reader.document_frequency("不在词表里的词") == 0
    finally:
        reader.close()
    with pytest.raises(ValueError):  # a closed reader fails loudly rather than reading a reused descriptor
        reader.scores(question)


def test_searching_reads_postings_without_mapping_the_keyword_matrix(seed_searcher) -> None:
    # A mapped matrix counts toward the process's memory page by page as queries touch it (1.7 GB at 1M).
    result = seed_searcher.search("2023年化解了多少起矛盾纠纷")
    assert result.hits and "26起" in result.hits[0].chunk.text
    keyword_dir = str(seed_searcher.view.index.generation / "keywords")
    with open("/proc/self/maps", encoding="utf-8") as maps:
        mapped = [line for line in maps if keyword_dir in line]
    assert mapped == []


@pytest.mark.parametrize("positioned", [True, False])  # pread (POSIX), and seek + read where there is none (Windows)
def test_postings_read_the_same_with_or_without_pread(tmp_path, positioned: bool) -> None:
    from index.keywords import _NpyColumn

    values = np.arange(10_000, dtype=np.float32) * 0.5
    np.save(tmp_path / "column.npy", values)
    column = _NpyColumn(tmp_path / "column.npy", positioned=positioned)
    try:
        for start, end in ((0, 1), (17, 4_000), (9_990, 10_000), (5, 5)):
            assert np.array_equal(column.read(start, end), values[start:end])
    finally:
        column.close()


@pytest.mark.parametrize("n, k", [(50, 10), (200_000, 100), (200_000, 5000), (1_000_000, 100)])
def test_the_top_rows_are_those_of_a_full_sort_with_ties_by_row(n: int, k: int) -> None:
    from index.keywords import top_rows
    rng = np.random.default_rng(n + k)
    scores = np.zeros(n, dtype=np.float32)
    touched = rng.choice(n, n // 3, replace=False)
    scores[touched] = rng.integers(1, 40, len(touched)).astype(np.float32) / 4  # few distinct values: many ties
    want = sorted(np.flatnonzero(scores > 0), key=lambda r: (-scores[r], r))[:k]
    assert top_rows(scores, k).tolist() == want


def test_top_rows_falls_back_to_every_row_when_the_sample_misleads() -> None:
    from index.keywords import top_rows
    scores = np.zeros(1_000_000, dtype=np.float32)
    scores[:20 * 244:244] = 10.0   # the strided sample (every 244th row) sees only these 20: its threshold keeps 20
    scores[1:500 * 244:244] = 3.0  # ... and none of the 500 rows that fill the rest of the top 100
    top = top_rows(scores, 100)
    assert len(top) == 100 and set(scores[top[:20]]) == {10.0} and top[20:].tolist() == list(range(1, 80 * 244, 244))


def test_the_keyword_top_honours_an_allowed_mask(tmp_path) -> None:
    tokenizer = KeywordTokenizer()
    rows = [" ".join(tokenizer.tokens(c.embed_text)) for c in chunk_report(read_report(SEED_REPORT))]
    build_keyword_index(rows).save(tmp_path / "k")
    reader = KeywordIndex(tmp_path / "k")
    try:
        tokens = tokenizer.tokens("2023年化解了多少起矛盾纠纷")
        best = reader.top(tokens, 3)
        assert len(best) == 3 and best[0][1] >= best[1][1] >= best[2][1] > 0
        allowed = np.ones(reader.num_docs, dtype=bool)
        allowed[best[0][0]] = False
        assert best[0][0] not in [row for row, _ in reader.top(tokens, 3, allowed)]
    finally:
        reader.close()


def test_pruning_common_terms_finds_the_same_top_to_the_last_bit(shared_index_searcher) -> None:
    # The pruned path (index.keywords.COMMON_SHARE) runs from PRUNE_FROM postings, i.e. at large indexes only; here it is
    # forced on the 36 reports and checked against the full scoring, unscoped and scoped, with ties ordered by row.
    from helpers import PROJECT
    from search.eval import load_questions
    from search.query import keyword_text, parse_query

    folder = shared_index_searcher.view.index.generation / "keywords"
    full, pruned = KeywordIndex(folder), KeywordIndex(folder, prune_from=0)
    index, tokenizer = shared_index_searcher.view.index, shared_index_searcher.tokenizer
    rng = np.random.default_rng(7)
    reports = sorted(index.reports)
    bounded = 0
    try:
        questions = load_questions(PROJECT / "tests" / "eval" / "questions.jsonl")
        for n, question in enumerate(questions):
            tokens = tokenizer.tokens(keyword_text(parse_query(question.question)))
            allowed = index._mask(set(rng.choice(reports, 3, replace=False).tolist())) if n % 3 == 2 else None
            for k in (5, 100):
                postings = pruned._postings(tokens)
                found = pruned._top_pruned(postings, k, allowed) if pruned.common(postings) else None
                bounded += found is not None
                assert pruned.top(tokens, k, allowed) == full.top(tokens, k, allowed), question.question
                assert found is None or found == full.top(tokens, k, allowed), question.question
    finally:
        full.close()
        pruned.close()
    assert bounded >= len(questions) // 2  # the pruned path itself was taken, not only its fallback


def test_pruned_and_full_scoring_agree_on_skewed_synthetic_terms(tmp_path) -> None:
    # Sub-second and without the shared reports: terms from everywhere to nowhere, repeated tokens, ties, masks, k from
    # 0 to more than the passages matching.
    rng = np.random.default_rng(3)
    vocab = [f"t{i}" for i in range(60)]
    shares = np.geomspace(0.95, 0.002, len(vocab))
    rows = [" ".join(t for t, share in zip(vocab, shares) for _ in range(rng.integers(1, 3)) if rng.random() < share)
            for _ in range(3000)]
    build_keyword_index(rows).save(tmp_path / "k")
    full, pruned = KeywordIndex(tmp_path / "k"), KeywordIndex(tmp_path / "k", prune_from=0)
    taken = 0
    try:
        for n in range(300):
            tokens = list(rng.choice(vocab, rng.integers(1, 12)))
            allowed = rng.random(full.num_docs) < 0.3 if n % 4 == 0 else None
            for k in (0, 1, 7, 100, 5000):
                assert pruned.top(tokens, k, allowed) == full.top(tokens, k, allowed), (tokens, k)
                taken += pruned._top_pruned(pruned._postings(tokens), k, allowed) is not None
    finally:
        full.close()
        pruned.close()
    assert taken > 200


def test_terms_without_postings_and_other_bm25_variants_are_scored_in_full(tmp_path) -> None:
    # bm25s may list its empty token with no postings; its BM25+ / BM25L / ATIRE scores may pass the IDF bound.
    matrix = KeywordMatrix({"": 0, "a": 1, "b": 2}, np.array([0, 0, 3, 4]), np.array([0, 1, 2, 1], dtype=np.int32),
                           np.array([0.1, 0.2, 0.3, 0.9], dtype=np.float32), 3)
    matrix.save(tmp_path / "k")
    reader = KeywordIndex(tmp_path / "k", prune_from=0)
    try:
        reader_top = reader.top(["", "a", "b"], 2)
        assert reader_top == [(1, pytest.approx(1.1)), (2, pytest.approx(0.3))]
    finally:
        reader.close()
    params = tmp_path / "k" / "params.index.json"
    params.write_text(params.read_text(encoding="utf-8").replace("lucene", "bm25+"), encoding="utf-8")
    other = KeywordIndex(tmp_path / "k", prune_from=0)
    try:
        assert other.prune_from is None and other.top(["", "a", "b"], 2) == reader_top
    finally:
        other.close()
