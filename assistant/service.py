"""The assistant as one object: question (+ history, filters) -> cited answer."""

from __future__ import annotations

import time

from assistant.conversation import contextualize, is_english
from assistant.glossary import swedish_equivalents
from assistant.extractive import ANSWER_TYPES, ExtractiveAnswerer
from assistant.rerank import EvidenceReranker
from assistant.retrieval import HybridRetriever, RetrievalMode
from assistant.schema import Answer, SearchFilters
from assistant.settings import Settings
from ingest.embedders import build_embedder
from ingest.index import IndexHandle


class Assistant:
    def __init__(
        self, settings: Settings, index: IndexHandle | None = None, embedder=None, mode: RetrievalMode = "hybrid"
    ):
        self.settings = settings
        self.embedder = embedder or build_embedder(settings.embed_model, settings.embed_batch_size)
        self.index = index or IndexHandle.open(settings, self.embedder)
        self.retriever = HybridRetriever(
            self.index, self.embedder, top_k=settings.top_k, mode=mode, fusion=settings.fusion, rrf_k=settings.rrf_k,
        )
        self.reranker = EvidenceReranker(self.index.lexical.analyzer, self.index.lexical.idf, ANSWER_TYPES)
        self.extractive = ExtractiveAnswerer(
            self.index.lexical.analyzer, self.index.lexical.idf,
            min_coverage=settings.abstain_min_coverage, min_dense=settings.abstain_min_dense,
        )

    def ask(self, question: str, history: list[str] | None = None, filters: SearchFilters | None = None) -> Answer:
        history = history or []
        started = time.perf_counter()
        if is_english(question):
            question_for_search = f"{question} {swedish_equivalents(question)}"
        else:
            question_for_search = question
        terms = len(self.index.lexical.analyzer.analyze(question))
        query = contextualize(question_for_search, history, terms)
        hits = self.retriever.search(query, filters=filters, top_k=self.settings.top_k * 2)
        if self.settings.rerank:
            hits = self.reranker.rerank(question, query, hits)
        hits = hits[: self.settings.top_k]
        retrieved = time.perf_counter()
        answer = self.extractive.answer(question, history, hits)
        done = time.perf_counter()
        answer.timings = {
            "retrieval_ms": round((retrieved - started) * 1000, 2),
            "answer_ms": round((done - retrieved) * 1000, 2),
            "total_ms": round((done - started) * 1000, 2),
        }
        return answer

    def close(self) -> None:
        self.index.close()
