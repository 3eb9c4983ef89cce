"""The embed queue: embedding batches across documents, write batches across documents."""

from __future__ import annotations

import time

from llama_index.core.schema import TextNode

from assistant.schema import DocType, DocumentMeta, FileOutcome, FileReport, IngestSummary
from ingest.embed_queue import EmbedQueue, PendingDocument


class RecordingEmbedder:
    """Stands in for a llama-index TransformComponent: sets an embedding on every node it gets."""

    def __init__(self):
        self.calls: list[int] = []

    def __call__(self, nodes):
        self.calls.append(len(nodes))
        for node in nodes:
            node.embedding = [1.0, 0.0]
        return nodes


def _doc(name: str, chunks: int, deadline: float | None = None) -> PendingDocument:
    meta = DocumentMeta(doc_id=name, title=name, doc_type=DocType.report, source_path=f"/x/{name}.md", content_hash="h")
    nodes = [TextNode(id_=f"{name}::{i:04d}", text=f"{name} text {i}") for i in range(chunks)]
    report = FileReport(path=meta.source_path, outcome=FileOutcome.new, doc_id=name, chunks=chunks)
    return PendingDocument(meta, nodes, report, deadline if deadline is not None else time.monotonic() + 60)


def _queue(embedder, batches, batch_size=4, write_batch=10):
    return EmbedQueue(embedder, batch_size, batches.append, IngestSummary(), timeout_s=60, write_batch=write_batch)


def test_documents_are_written_together_in_batches_of_about_write_batch_chunks():
    embedder, batches = RecordingEmbedder(), []
    queue = _queue(embedder, batches)
    for i in range(7):
        queue.add(_doc(f"d{i}", 3))
    queue.flush()
    written = [[d.meta.doc_id for d in batch] for batch in batches]
    assert [doc for batch in written for doc in batch] == [f"d{i}" for i in range(7)]  # each once, in order
    assert len(batches) < 7  # not one write per document
    for batch in batches[:-1]:
        assert sum(len(d.nodes) for d in batch) >= 10
    assert all(n.embedding is not None for batch in batches for d in batch for n in d.nodes)
    assert max(embedder.calls) <= 4  # embedding still in batches of batch_size


def test_a_large_document_is_embedded_alone_and_joins_the_next_write_batch():
    embedder, batches = RecordingEmbedder(), []
    queue = _queue(embedder, batches, write_batch=100)
    queue.add(_doc("small", 2))
    queue.add(_doc("large", 9))
    queue.flush()
    assert [[d.meta.doc_id for d in b] for b in batches] == [["small", "large"]]
    assert embedder.calls[0] == 2  # the waiting small document went first, on its own


def test_a_document_out_of_time_is_reported_and_never_written():
    embedder, batches = RecordingEmbedder(), []
    queue = _queue(embedder, batches, write_batch=100)
    late = _doc("late", 9, deadline=time.monotonic() - 1)
    queue.add(late)
    queue.add(_doc("fine", 2))
    queue.flush()
    assert [[d.meta.doc_id for d in b] for b in batches] == [["fine"]]
    assert late.report.outcome == FileOutcome.failed and "KA_FILE_TIMEOUT_S" in late.report.reason
