"""The vector store: Chroma through llama-index's `ChromaVectorStore`, embedded or server.

The collection records which embedder filled it; opening it with another embedder is an
error, because vectors from two models are not comparable and would rank as garbage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import chromadb
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import BaseNode, MetadataMode
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma import ChromaVectorStore

from assistant.settings import Settings

# Chroma caps how many records one call may carry; stay well under it.
WRITE_BATCH = 1000


class EmbedderMismatch(RuntimeError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailable(RuntimeError):
    """The Chroma server does not answer."""


class UpsertingChromaVectorStore(ChromaVectorStore):
    """`add` upserts, so writing a chunk id twice replaces it instead of being ignored or
    duplicated (the failure mode of llama_index issue #13162)."""

    def add(self, nodes: list[BaseNode], **add_kwargs: Any) -> list[str]:
        for start in range(0, len(nodes), WRITE_BATCH):
            batch = nodes[start : start + WRITE_BATCH]
            self._collection.upsert(
                ids=[n.node_id for n in batch],
                embeddings=[n.get_embedding() for n in batch],
                metadatas=[node_to_metadata_dict(n, remove_text=True, flat_metadata=True) for n in batch],
                documents=[n.get_content(metadata_mode=MetadataMode.NONE) for n in batch],
            )
        return [n.node_id for n in nodes]

    @property
    def collection(self) -> chromadb.Collection:
        return self._collection

    def all_ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def delete_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            self._collection.delete(ids=ids[start : start + WRITE_BATCH])


def make_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    server = settings.chroma_server
    if server is None:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    host, port, ssl = server
    try:
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
    except Exception as exc:  # chromadb raises plain ValueError/ConnectError when unreachable
        raise StoreUnavailable(
            f"Chroma-servern på {host}:{port} svarar inte ({exc}). Starta den med "
            f"`chroma run --path ./data/chroma-server --port {port}` eller ta bort CHROMA_HOST/CHROMA_URL."
        ) from exc


_T = TypeVar("_T")


def retry_when_locked(call: Callable[[], _T], attempts: int = 5) -> _T:
    """Chroma's embedded SQLite answers "database is locked" while another client of the same
    files (a second open of the index in one process, the ingest worker) is mid-write; the lock
    is released within moments, so the call is retried with a short back-off before failing."""
    for attempt in range(attempts):
        try:
            return call()
        except chromadb.errors.InternalError as error:
            if "database is locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def open_vector_store(
    settings: Settings, embedder_name: str, dimension: int, create: bool = True
) -> UpsertingChromaVectorStore | None:
    """Open (or create) the collection, refusing one built with another embedder.

    Returns None when `create` is False and there is no index yet.
    """
    client = make_client(settings)
    if not create:
        existing = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        if settings.collection not in existing:
            return None
    collection = client.get_or_create_collection(
        name=settings.collection,
        # No embedding function: Chroma's default would try to download an ONNX model.
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine", "ef_search": settings.dense_search_ef}},
        metadata={"embedder": embedder_name, "dimension": dimension},
    )
    # An approximate search returns slightly different neighbours from two builds of one index
    # (parallel inserts order the graph differently); searching wide enough makes it exact here,
    # so the same corpus gives the same answers. ef_search is the one HNSW setting that may change.
    if ((collection.configuration or {}).get("hnsw") or {}).get("ef_search") != settings.dense_search_ef:
        retry_when_locked(lambda: collection.modify(configuration={"hnsw": {"ef_search": settings.dense_search_ef}}))
    stored_name = (collection.metadata or {}).get("embedder")
    stored_dim = (collection.metadata or {}).get("dimension")
    if stored_name and (stored_name != embedder_name or stored_dim != dimension):
        raise EmbedderMismatch(
            f"Indexet '{settings.collection}' byggdes med embeddingmodellen {stored_name} "
            f"({stored_dim} dimensioner), men inställningen är {embedder_name} ({dimension} dimensioner). "
            "Använd samma modell (KA_EMBED_MODEL), ett annat KA_COLLECTION eller bygg om med "
            "`kulturassistent ingest --rebuild`."
        )
    return UpsertingChromaVectorStore(chroma_collection=collection)


def stored_embedder(settings: Settings) -> tuple[str | None, int | None]:
    """Which embedder built the index, without loading any model (for `status`)."""
    client = make_client(settings)
    try:
        collection = client.get_collection(settings.collection, embedding_function=None)
    except Exception:
        return None, None
    meta = collection.metadata or {}
    return meta.get("embedder"), meta.get("dimension")
