"""The assistant as one object: question (+ history, filters) -> cited answer."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from assistant.evidence import Similarities
from assistant.extractive import ExtractiveAnswerer
from assistant.llm import LLMAnswerer, build_llm, build_rewriter
from assistant.query import Query
from assistant.query_analysis import QueryAnalyzer
from assistant.rerank import EvidenceReranker
from assistant.safe_text import defang_markdown
from assistant.retrieval import HybridRetriever, RetrievalMode
from assistant.schema import Answer, DecisionTrail, RetrievedChunk, SearchFilters, Timeline
from assistant.timeline import TimelineBuilder
from assistant.trail import TrailBuilder
from assistant.versions import VersionAnswerer, VersionResolver
from assistant.settings import Settings
from assistant.unreadable import readable, unreadable_answer
from assistant.vocabulary import Vocabulary
from assistant.names import DocumentNames
from ingest.decisions import RECORD_TYPES
from ingest.embedders import build_embedder
from ingest.decision_mirror import PostgresDecisionCatalogue, uses_postgres
from ingest.index import IndexHandle


class Assistant:
    def __init__(
        self, settings: Settings, index: IndexHandle | None = None, embedder=None, mode: RetrievalMode = "hybrid"
    ):
        self.settings = settings
        self.embedder = embedder or build_embedder(settings.embed_model, settings.embed_batch_size, settings=settings)
        self.index = index or IndexHandle.open(settings, self.embedder)
        self.retriever = HybridRetriever(
            self.index, self.embedder, top_k=settings.top_k, mode=mode, fusion=settings.fusion, rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight, candidates=settings.candidates, shape_bonus=settings.answer_shape_bonus,
            common_terms=settings.common_terms,
        )
        lexical = self.index.lexical
        # With an endpoint configured, a follow-up is first phrased as a standalone question by the model.
        self.queries = QueryAnalyzer(
            lexical.analyzer, lexical.idf, rewriter=build_rewriter(settings), names=DocumentNames(lexical.conn, lexical.analyzer),
        )
        self.reranker = EvidenceReranker(lexical.analyzer)
        self.extractive = ExtractiveAnswerer(
            lexical.analyzer, lexical.idf,
            min_support=settings.abstain_min_support, semantic_weight=settings.semantic_weight,
            vocabulary=Vocabulary(lexical.has_term, lexical.has_term_with_prefix, lexical.analyzer.stem),
        )
        # With chat history in PostgreSQL, decisions are read from there too (brought up to date first).
        self.decision_copy = PostgresDecisionCatalogue(settings.chat_db_url) if uses_postgres(settings.chat_db_url) else None
        if self.decision_copy is not None:
            self.decision_copy.sync(self.index.decisions)
        self.trails = TrailBuilder(
            self.decision_copy or self.index.decisions, self.index.chunks, lexical.conn, lexical.analyzer,
            similarities=self._sentence_similarities,
        )
        self.versions = VersionAnswerer(VersionResolver(lexical.conn))
        self.timelines = TimelineBuilder(lexical.analyzer, max_events=settings.timeline_max_events)
        llm = build_llm(settings)
        # The extractive answerer doubles as the LLM's fallback, so a failing endpoint still answers.
        self.llm_answerer = LLMAnswerer(llm, self.extractive) if llm is not None else None

    def uses_llm(self, mode: str | None = None) -> bool:
        """LLM mode when asked for (per call, else KA_ANSWER_MODE) and an endpoint is configured."""
        return (mode or self.settings.answer_mode) == "llm" and self.llm_answerer is not None

    def ask(
        self, question: str, history: list[str] | None = None, filters: SearchFilters | None = None,
        mode: str | None = None,
    ) -> Answer:
        *_, answer = self.ask_stream(question, history, filters, mode)
        assert isinstance(answer, Answer)
        return answer

    def ask_stream(
        self, question: str, history: list[str] | None = None, filters: SearchFilters | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Text deltas (str) as they are produced, then exactly one final Answer.

        The final Answer is authoritative: in LLM mode its text is the validated one (citations
        renumbered, unknown [n] dropped), and if the endpoint fails mid-stream it is the extractive
        fallback with a notice, so a UI should replace the streamed text with `answer.answer`.
        The final text is defanged (no raw HTML, images or non-http links, whatever the sources
        or the model wrote); LLM deltas are raw, so a UI shows `defang_markdown(text so far)`.
        """
        started = time.perf_counter()
        query = self.queries.analyze(question, history or [])
        hits = self._retrieve(query, filters)
        retrieved = time.perf_counter()
        timings: dict[str, float] = {}
        # A question about a scan with no text layer is told so; otherwise such a placeholder is never quoted.
        scan_answer = unreadable_answer(query, hits)
        hits = readable(hits)
        llm = self.uses_llm(mode) and scan_answer is None
        # "Vad sa 8 § förordningen 2015?": the wording in force then, said which and since when.
        version_answer = self.versions.answer(query, hits, filters) if query.paragraph and scan_answer is None else None
        if scan_answer is not None:
            answer = scan_answer
        elif version_answer is not None:
            answer, llm = version_answer, False
        elif llm:
            assert self.llm_answerer is not None
            answer: Answer | None = None
            last_delta = retrieved
            for item in self.llm_answerer.stream_answer(query, hits):
                if isinstance(item, Answer):
                    answer = item
                else:
                    last_delta = time.perf_counter()
                    yield item
            assert answer is not None
            timings["llm_ms"] = round((last_delta - retrieved) * 1000, 2)
        else:
            answer = self.extractive.answer(query, hits, self._similarities(query, hits))
        if query.about_decision and scan_answer is None:
            trail = self.trail(question, filters=filters, query=query)
            answer.trail = trail if trail.found else None
        if query.about_process and scan_answer is None:
            timeline = self.timeline(question, filters=filters, query=query)
            answer.timeline = timeline if timeline.found else None
        answer.answer = defang_markdown(answer.answer)
        chunks = [] if llm else _text_chunks(answer.answer)
        done = time.perf_counter()
        answer.timings = {
            "retrieval_ms": round((retrieved - started) * 1000, 2),
            "answer_ms": round((done - retrieved) * 1000, 2),
            "total_ms": round((done - started) * 1000, 2),
            **timings,
        }
        yield from chunks
        yield answer

    def trail(
        self, question: str, history: list[str] | None = None, filters: SearchFilters | None = None,
        query: Query | None = None,
    ) -> DecisionTrail:
        """The decision trail for a question about a decision (see assistant/trail.py), searched
        among minutes and decision documents within `filters`. Pass `query` when the question has
        already been analysed (`ask_stream` does, for its answer)."""
        query = query or self.queries.analyze(question, history or [])
        filters = filters or SearchFilters()
        types = [t for t in RECORD_TYPES if not filters.doc_types or t in filters.doc_types]
        if not types:
            return DecisionTrail(question=question, found=False, english=query.english)
        hits = self.retriever.search(query, filters=filters.model_copy(update={"doc_types": types}), top_k=self.settings.top_k)
        return self.trails.build(query, hits, filters)

    def timeline(
        self, question: str, history: list[str] | None = None, filters: SearchFilters | None = None,
        query: Query | None = None,
    ) -> Timeline:
        """The dated events of the process a question asks about (see assistant/timeline.py), from
        a wider retrieval than an answer's: a process is told across many passages."""
        query = query or self.queries.analyze(question, history or [])
        hits = self.retriever.search(query, filters=filters, top_k=self.settings.top_k * self.settings.timeline_depth)
        return self.timelines.build(query, hits, self._similarities(query, hits))

    def _retrieve(self, query: Query, filters: SearchFilters | None) -> list[RetrievedChunk]:
        hits = self.retriever.search(query, filters=filters, top_k=self.settings.top_k * 2)
        if len(query.parts) > 1:
            # "… 2011, 2012 och 2013?": each part searched on its own as well, so that one part's
            # documents cannot crowd out another's; the rankings are interleaved, best first.
            rankings = [hits] + [
                self.retriever.search(query.model_copy(update={"search_text": part.search_text}), filters=filters,
                                      top_k=self.settings.top_k)
                for part in query.parts
            ]
            hits = _interleave(rankings)
        if self.settings.rerank:
            hits = self.reranker.rerank(query, hits)
        return hits[: self.settings.top_k]

    def _similarities(self, query: Query, hits: list[RetrievedChunk]) -> Similarities | None:
        """The question's similarity to every stored sentence of the hits (None without sentence vectors)."""
        return self._sentence_similarities(query, [h.meta.chunk_id for h in hits])

    def _sentence_similarities(self, query: Query, chunk_ids: list[str]) -> Similarities | None:
        sentences = getattr(self.index, "sentences", None)
        if sentences is None or not chunk_ids or self.retriever.mode == "lexical":
            return None
        return sentences.similarities(self.retriever.query_vector(query), chunk_ids)

    def close(self) -> None:
        if self.decision_copy is not None:
            self.decision_copy.close()
        self.index.close()


def _interleave(rankings: list[list[RetrievedChunk]]) -> list[RetrievedChunk]:
    """Round-robin over the rankings, each passage once (at its best position)."""
    out: dict[str, RetrievedChunk] = {}
    for depth in range(max(len(r) for r in rankings)):
        for ranking in rankings:
            if depth < len(ranking) and ranking[depth].meta.chunk_id not in out:
                out[ranking[depth].meta.chunk_id] = ranking[depth]
    return list(out.values())


def _text_chunks(text: str) -> list[str]:
    """Paragraphs and sentences with their separators, so the pieces concatenate to the text."""
    return [piece for piece in re.split(r"(?<=\n\n)|(?<=[.!?] )", text) if piece]
