"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused, as a llama-index retriever."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.answer_types import answers_with
from assistant.query import Query
from assistant.schema import ACCESS_KEY_PREFIX, ChunkMeta, RetrievedChunk, SearchFilters, date_sort_key, upper_date_key
from ingest.index import IndexHandle
from ingest.lexical import CommonTerms

RetrievalMode = Literal["hybrid", "dense", "lexical"]
FusionMethod = Literal["rrf", "weighted"]


def _chroma_where(filters: SearchFilters) -> dict | None:
    """The filters Chroma applies natively (types, dates, access groups); the publisher substring is checked afterwards."""
    conditions: list[dict] = []
    if filters.doc_types:
        conditions.append({"doc_type": {"$in": [t.value for t in filters.doc_types]}})
    if filters.since:
        conditions.append({"published_key": {"$gte": date_sort_key(filters.since) or 0}})
    if filters.until:
        conditions.append({"published_key": {"$lte": upper_date_key(filters.until)}})
    if filters.groups is not None:
        visible = [{"access": ""}] + [{f"{ACCESS_KEY_PREFIX}{group}": True} for group in filters.groups]
        conditions.append({"$or": visible} if len(visible) > 1 else visible[0])
    if len(conditions) > 1:
        return {"$and": conditions}
    return conditions[0] if conditions else None


class HybridRetriever(BaseRetriever):
    def __init__(
        self,
        index: IndexHandle,
        embedder: BaseEmbedding,
        top_k: int = 8,
        mode: RetrievalMode = "hybrid",
        fusion: FusionMethod = "rrf",
        rrf_k: int = 60,
        dense_weight: float = 0.5,
        candidates: int = 30,
        neighbours: bool = False,
        per_doc: int = 0,
        filters: SearchFilters | None = None,
        shape_bonus: float = 0.0,
        common_terms: CommonTerms | None = None,
    ):
        super().__init__()
        self.index, self.embedder = index, embedder
        self.top_k, self.mode, self.fusion = top_k, mode, fusion
        self.rrf_k, self.dense_weight, self.candidates = rrf_k, dense_weight, candidates
        self.neighbours, self.per_doc = neighbours, per_doc
        self.shape_bonus = shape_bonus
        self.common_terms = common_terms
        self.filters = filters or SearchFilters()
        self._embed_query = lru_cache(maxsize=256)(self._embed_uncached)

    def query_vector(self, query: Query) -> list[float]:
        """The embedding dense search used for this query (cached, so asking again is free)."""
        return list(self._embed_query(query.search_text))

    def _embed_uncached(self, query: str) -> tuple[float, ...]:
        return tuple(self.embedder.get_query_embedding(query))

    def search(
        self, query: Query | str, filters: SearchFilters | None = None, top_k: int | None = None
    ) -> list[RetrievedChunk]:
        """A `Query` searches its `search_text` and may get the answer-shape bonus; a plain
        string (llama-index's own `retrieve`) is searched as it stands."""
        filters = filters or self.filters
        top_k = top_k or self.top_k
        text = query.search_text if isinstance(query, Query) else query
        dense = self._dense(text, filters) if self.mode != "lexical" else {}
        lexical = self._lexical(text, filters) if self.mode != "dense" else {}
        # Only the candidates' passages are read (by id, from the chunk store): nothing loaded per
        # query grows with the corpus.
        passages = self.index.chunks.get([*dense, *lexical])
        if filters.groups is not None:  # the stores filtered already; a passage the user may not see never passes
            passages = {cid: p for cid, p in passages.items() if filters.may_see(p[0].access)}
        if filters.publisher:  # the one filter Chroma cannot apply (a substring)
            dense = {cid: s for cid, s in dense.items() if cid in passages and filters.matches(passages[cid][0])}
        fused = self._fuse(dense, lexical)
        if isinstance(query, Query):
            fused = self._with_answer_shapes(query, fused, passages)
        ranked = self._diversify(sorted(fused, key=lambda cid: (-fused[cid], cid)))[:top_k]
        hits = [self._hit(cid, passages[cid], fused[cid], dense, lexical) for cid in ranked if cid in passages]
        if self.neighbours:
            hits = self._with_neighbours(hits, filters)
        return hits

    def _diversify(self, ranked: list[str]) -> list[str]:
        """At most `per_doc` chunks of one document before every other document had its turn:
        near-identical versions of one page must not crowd out the other sources."""
        if not self.per_doc:
            return ranked
        head, tail, seen = [], [], {}
        for cid in ranked:
            doc = cid.rsplit("::", 1)[0]
            seen[doc] = seen.get(doc, 0) + 1
            (head if seen[doc] <= self.per_doc else tail).append(cid)
        return head + tail

    def _dense(self, query: str, filters: SearchFilters) -> dict[str, float]:
        embedding = list(self._embed_query(query))
        where = _chroma_where(filters)
        # Ids and distances only: texts and metadata come from the chunk store, and decoding
        # llama-index's per-node JSON for 30 candidates cost more than the search itself.
        result = self.index.vectors.collection.query(
            query_embeddings=[embedding], n_results=self.candidates, include=["distances"], **({"where": where} if where else {})
        )
        return {cid: 1.0 - dist for cid, dist in zip(result["ids"][0], result["distances"][0])}  # cosine space

    def _lexical(self, query: str, filters: SearchFilters) -> dict[str, float]:
        # Each engine applies the filters inside its own query (SQL on the chunk store, or tantivy fields).
        return dict(self.index.lexical.search(
            query, top_k=self.candidates, filters=None if filters.is_empty else filters, common=self.common_terms
        ))

    def _fuse(self, dense: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
        if not dense or not lexical:
            return dense or lexical
        if self.fusion == "rrf":
            fused: dict[str, float] = {}
            for scores in (dense, lexical):
                for rank, cid in enumerate(sorted(scores, key=lambda c: -scores[c]), start=1):
                    fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank)
            return fused
        return {
            cid: self.dense_weight * _minmax(dense).get(cid, 0.0) + (1 - self.dense_weight) * _minmax(lexical).get(cid, 0.0)
            for cid in dense.keys() | lexical.keys()
        }

    def _with_answer_shapes(
        self, query: Query, fused: dict[str, float], passages: dict[str, tuple[ChunkMeta, str]]
    ) -> dict[str, float]:
        """A question for a date or an amount favours passages that state one it does not
        already contain ("Hur många barn …?" -> "… för totalt 3486 barn")."""
        shapes = query.required_shapes
        if not self.shape_bonus or not shapes or self.mode != "hybrid":  # the baselines stay plain
            return fused
        return {
            cid: score + (self.shape_bonus if cid in passages
                          and any(answers_with(s, passages[cid][1], query.text) for s in shapes) else 0.0)
            for cid, score in fused.items()
        }

    @staticmethod
    def _hit(
        cid: str, passage: tuple[ChunkMeta, str], score: float, dense: dict[str, float], lexical: dict[str, float]
    ) -> RetrievedChunk:
        meta, text = passage
        return RetrievedChunk(meta=meta, text=text, score=score, dense_score=dense.get(cid), lexical_score=lexical.get(cid))

    def _with_neighbours(self, hits: list[RetrievedChunk], filters: SearchFilters) -> list[RetrievedChunk]:
        """Each hit followed by the chunks before and after it in its document, at half its score."""
        wanted = {h.meta.chunk_id: [f"{h.meta.doc_id}::{h.meta.chunk_index + d:04d}" for d in (-1, 1)] for h in hits}
        passages = self.index.chunks.get(cid for ids in wanted.values() for cid in ids)
        seen = {h.meta.chunk_id for h in hits}
        out: list[RetrievedChunk] = []
        for hit in hits:
            out.append(hit)
            for cid in wanted[hit.meta.chunk_id]:
                if cid in passages and cid not in seen and filters.matches(passages[cid][0]):
                    seen.add(cid)
                    out.append(self._hit(cid, passages[cid], hit.score * 0.5, {}, {}))
        return out

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [
            NodeWithScore(node=TextNode(id_=h.meta.chunk_id, text=h.text, metadata=h.meta.to_store()), score=h.score)
            for h in self.search(query_bundle.query_str)
        ]


def _minmax(scores: dict[str, float]) -> dict[str, float]:
    low, high = min(scores.values()), max(scores.values())
    span = (high - low) or 1.0
    return {cid: (s - low) / span for cid, s in scores.items()}
