"""Retrieval quality on any BEIR-layout dataset, in a throw-away index."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assistant.retrieval import HybridRetriever
from assistant.schema import ChunkMeta, DocType
from assistant.settings import Settings
from evals import metrics
from evals.beir import BeirDataset
from evals.configs import RetrievalConfig
from ingest.embedders import build_embedder
from ingest.index import IndexHandle
from ingest.manifest import ManifestEntry
from ingest.splitter import build_node

BEIR_METRICS = ("ndcg@10", "mrr@10", "recall@1", "recall@5", "recall@10")


def build_beir_index(dataset: BeirDataset, settings: Settings, embedder) -> IndexHandle:
    """One chunk per corpus document (FAQ answers are short), embedded with title + text."""
    index = IndexHandle.open(settings, embedder)
    nodes = []
    for doc in dataset.corpus.values():
        meta = ChunkMeta(
            doc_id=doc.id, title=doc.title or doc.id, doc_type=DocType.web_page, content_hash=doc.id,
            source_path=doc.id, chunk_id=f"{doc.id}::0000", chunk_index=0,
        )
        node = build_node(meta, doc.text)
        if not doc.title:
            node.excluded_embed_metadata_keys = list(node.metadata)  # no fake title in the vector
        nodes.append(node)
    batch = settings.embed_batch_size
    for start in range(0, len(nodes), batch):
        embedder(nodes[start : start + batch])
    for node in nodes:
        entry = ManifestEntry(
            doc_id=node.metadata["doc_id"], source_path=node.metadata["doc_id"], content_hash="beir",
            fingerprint="beir", doc_type=DocType.web_page, title=node.metadata["title"], chunk_ids=[node.node_id],
        )
        index.write_document(entry, [node])
    return index


def score_rankings(dataset: BeirDataset, rankings: dict[str, list[str]]) -> dict:
    per_query = []
    for qid, qrels in dataset.qrels.items():
        ranked = rankings.get(qid, [])
        per_query.append({
            "ndcg@10": metrics.ndcg_at_k(ranked, qrels, 10),
            "mrr@10": metrics.mrr_at_k(ranked, qrels, 10),
            "recall@1": metrics.recall_at_k(ranked, qrels, 1),
            "recall@5": metrics.recall_at_k(ranked, qrels, 5),
            "recall@10": metrics.recall_at_k(ranked, qrels, 10),
        })
    return {k: v for k, v in metrics.aggregate(per_query).items() if k in BEIR_METRICS} | {"queries": len(per_query)}


def evaluate_beir(dataset: BeirDataset, settings: Settings, configs: list[RetrievalConfig]) -> dict[str, dict]:
    """Each config's metrics; configs sharing an embedder share one throw-away index."""
    results: dict[str, dict] = {}
    by_model: dict[str, list[RetrievalConfig]] = {}
    for config in configs:
        by_model.setdefault(config.embed_model, []).append(config)
    for embed_model, model_configs in by_model.items():
        embedder = build_embedder(embed_model, settings.embed_batch_size)
        with tempfile.TemporaryDirectory() as tmp:
            beir_settings = settings.model_copy(
                update={"data_dir": Path(tmp), "chroma_host": None, "chroma_url": None, "collection": "beir"}
            )
            started = time.perf_counter()
            index = build_beir_index(dataset, beir_settings, embedder)
            index_seconds = time.perf_counter() - started
            for config in model_configs:
                retriever = HybridRetriever(index, embedder, top_k=10, mode=config.mode,
                                            fusion=settings.fusion, rrf_k=settings.rrf_k,
                                            dense_weight=settings.dense_weight, candidates=settings.candidates,
                                            shape_bonus=settings.answer_shape_bonus,
                                            common_terms=settings.common_terms)
                rankings = {qid: [h.meta.doc_id for h in retriever.search(text)] for qid, text in dataset.queries.items()}
                results[config.name] = score_rankings(dataset, rankings) | {"index_seconds": round(index_seconds, 1)}
            index.close()
    return {name: results[name] for name in (c.name for c in configs)}
