"""One file -> its DocumentMeta and chunks: the part of ingestion that depends only on the file.

Runs in the worker process (ingest/worker.py), so that a file which hangs a parser or blows up
in memory can be stopped without stopping the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llama_index.core.schema import Document, TextNode

from assistant.schema import DocumentMeta
from ingest.loaders import Limits, load_file
from ingest.metadata import build_document_meta
from ingest.splitter import StructuredSplitter


@dataclass(frozen=True)
class PrepareJob:
    path: str
    root: str
    content_hash: str
    max_chars: int
    limits: Limits
    folder_groups: tuple[str, ...] = ()  # from the folder's _access.yml (ingest.access)


@dataclass
class Prepared:
    meta: DocumentMeta
    nodes: list[TextNode]


def prepare(job: PrepareJob) -> Prepared:
    """Load, describe and split one file; raises LoadError with the user-facing reason."""
    path = Path(job.path)
    loaded = load_file(path, job.limits)
    meta = build_document_meta(path, Path(job.root), loaded, job.content_hash, list(job.folder_groups))
    document = Document(id_=meta.doc_id, text=loaded.text, metadata=meta.model_dump(mode="json"))
    return Prepared(meta, StructuredSplitter(max_chars=job.max_chars).split_document(document))
