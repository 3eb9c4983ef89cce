"""Embedding and committing documents as they arrive, in small batches.

Small documents share embedding calls (one call per `batch_size` chunks, however many files
they come from), and embedded documents are written together, about `write_batch` chunks at a
time, so a slow or failing file later in the folder holds back at most one write batch. A document with more chunks than
one batch is embedded on its own and checked against its deadline between batches: when its
time is up it is dropped and reported, and whatever was indexed for it before stays as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode

from assistant.schema import DocumentMeta, FileOutcome, FileReport, IngestSummary


@dataclass
class PendingDocument:
    meta: DocumentMeta
    nodes: list[TextNode]
    report: FileReport
    deadline: float  # time.monotonic() by which the file must be done
    fingerprint: str = ""  # what the manifest records (Ingestor: with the folder's access groups)


class EmbedQueue:
    """Embeds waiting documents `batch_size` chunks at a time and hands them to `commit` in
    write batches of about `write_batch` chunks (one Chroma upsert and one SQLite transaction
    per batch, see Ingestor)."""

    def __init__(
        self, embedder: BaseEmbedding, batch_size: int, commit: Callable[[list[PendingDocument]], None],
        summary: IngestSummary, timeout_s: float, write_batch: int | None = None,
    ):
        self.embedder = embedder
        self.batch_size = batch_size
        self.write_batch = write_batch or batch_size
        self.commit = commit
        self.summary = summary
        self.timeout_s = timeout_s
        self._waiting: list[PendingDocument] = []  # not yet embedded
        self._embedded: list[PendingDocument] = []  # embedded, not yet written

    def add(self, doc: PendingDocument) -> None:
        if len(doc.nodes) > self.batch_size:
            started = time.monotonic()
            self._embed_waiting()
            doc.deadline += time.monotonic() - started  # the others' embedding is not this file's time
            if self._embed_alone(doc):
                self._ready(doc)
            return
        self._waiting.append(doc)
        if sum(len(d.nodes) for d in self._waiting) >= self.batch_size:
            self._embed_waiting()

    def flush(self) -> None:
        self._embed_waiting()
        self._write()

    def _embed_waiting(self) -> None:
        nodes = [node for doc in self._waiting for node in doc.nodes]
        for start in range(0, len(nodes), self.batch_size):
            self._embed(nodes[start : start + self.batch_size])
        waiting, self._waiting = self._waiting, []
        for doc in waiting:
            self._ready(doc)

    def _ready(self, doc: PendingDocument) -> None:
        self._embedded.append(doc)
        if sum(len(d.nodes) for d in self._embedded) >= self.write_batch:
            self._write()

    def _write(self) -> None:
        if self._embedded:
            batch, self._embedded = self._embedded, []
            self.commit(batch)

    def _embed(self, batch: list[TextNode]) -> None:
        started = time.perf_counter()
        self.embedder(batch)  # a llama-index TransformComponent: embeds get_content(EMBED)
        self.summary.embed_seconds += time.perf_counter() - started
        self.summary.chunks_embedded += len(batch)

    def _embed_alone(self, doc: PendingDocument) -> bool:
        """Embed a large document batch by batch within its deadline; False when it ran out."""
        for start in range(0, len(doc.nodes), self.batch_size):
            if time.monotonic() > doc.deadline:
                self._too_slow(doc, done=start)
                return False
            self._embed(doc.nodes[start : start + self.batch_size])
        return True

    def _too_slow(self, doc: PendingDocument, done: int) -> None:
        doc.report.outcome = FileOutcome.failed
        doc.report.chunks = 0
        doc.report.reason = (
            f"tog längre tid än {self.timeout_s:g} s att indexera (bara {done} av {len(doc.nodes)} avsnitt "
            "hann bäddas in) – avbruten; dela upp filen eller höj KA_FILE_TIMEOUT_S"
        )
