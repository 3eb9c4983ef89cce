"""Run the gold questions through the assistant (or a baseline) and score every answer."""

from __future__ import annotations


import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.schema import Answer, DateSource
from assistant.service import Assistant
from assistant.settings import Settings
from evals import metrics
from evals.configs import RetrievalConfig
from evals.questions import GoldQuestion
from ingest.embedders import build_embedder
from ingest.index import IndexHandle
from ingest.lexical import AnalyzerMismatch
from ingest.pipeline import Ingestor


def corpus_index(settings: Settings, corpus: Path, embed_model: str) -> tuple[Settings, IndexHandle, object]:
    """An index of `corpus` for one embedder, kept under data/eval/ and updated incrementally."""
    slug = embed_model.replace("/", "_")
    # One index per corpus: the shared corpus keeps its folder; another corpus (realdocs) gets its
    # own, so that its questions are never answered from, or pruned against, the other's documents.
    name = slug if corpus.resolve().name == "corpus" else f"{slug}@{corpus.resolve().name}"
    eval_settings = settings.model_copy(
        update={"data_dir": settings.data_dir / "eval" / name, "embed_model": embed_model,
                "chroma_host": None, "chroma_url": None}
    )
    embedder = build_embedder(embed_model, settings.embed_batch_size)
    try:
        index = IndexHandle.open(eval_settings, embedder)
    except AnalyzerMismatch as stale:
        # An evaluation index is a cache: its lexical half, written by another stemmer, is
        # dropped; with no manifest left, the run below re-indexes every document (Chroma's
        # chunks are overwritten by id, so nothing is duplicated).
        for path in (stale.path, stale.path.with_name(stale.path.name + "-wal"), stale.path.with_name(stale.path.name + "-shm")):
            path.unlink(missing_ok=True)
        index = IndexHandle.open(eval_settings, embedder)
    Ingestor(eval_settings, embedder, index).run(corpus)
    return eval_settings, index, embedder


@dataclass(frozen=True)
class Response:
    """What scoring looks at in any system's answer, ours or a baseline's.

    `ranked_docs` is the retrieval order (one entry per passage, best first) that hit@k and MRR
    are computed over; `cited_docs` are the documents the answer cites.
    """

    text: str
    ranked_docs: list[str]
    cited_docs: list[str]
    abstained: bool
    cited_pages: list[str | None] = field(default_factory=list)  # per citation, beside cited_docs
    cited_dated: list[bool] = field(default_factory=list)  # per citation: a date of the document's own
    cited_sectioned: list[bool | None] = field(default_factory=list)  # per citation: a section (None: not a PDF)

    @classmethod
    def from_answer(cls, answer: Answer) -> Response:
        citations = answer.citations
        return cls(
            text=answer.answer, ranked_docs=[hit.meta.doc_id for hit in answer.retrieved],
            cited_docs=[c.doc_id for c in citations], abstained=answer.abstained,
            cited_pages=[c.page for c in citations],
            cited_dated=[bool(c.published) and c.published_source != DateSource.modified for c in citations],
            cited_sectioned=[bool(c.section) if c.source_path.lower().endswith(".pdf") else None for c in citations],
        )


_FILE_SUFFIX = re.compile(r"-(?:pdf|docx|md|markdown|txt|html?)$")


def as_expected(doc_ids: list[str], expected: set[str]) -> list[str]:
    """Gold files may name a document by its file's stem ('protokoll-kn-2024-06-19') where the
    index derived its id from the whole file name ('protokoll-kn-2024-06-19-pdf')."""
    return [d if d in expected else (s if (s := _FILE_SUFFIX.sub("", d)) in expected else d) for d in doc_ids]


def _share(flags: list[bool | None]) -> float | None:
    counted = [f for f in flags if f is not None]
    return sum(counted) / len(counted) if counted else None


class Responder(Protocol):
    """A system under evaluation: a gold question in, a scorable response out."""

    def warm_up(self) -> None: ...

    def respond(self, question: GoldQuestion) -> tuple[Response, float]:
        """The response and its latency in milliseconds (what this system spends answering)."""
        ...


def score_answer(question: GoldQuestion, answer: Answer, latency_ms: float) -> dict:
    return score_response(question, Response.from_answer(answer), latency_ms)


def score_response(question: GoldQuestion, response: Response, latency_ms: float) -> dict:
    expected = set(question.expected_docs)
    ranked, cited = as_expected(response.ranked_docs, expected), as_expected(response.cited_docs, expected)
    record: dict = {
        "id": question.id, "category": question.category, "answerable": question.answerable,
        "abstained": response.abstained, "latency_ms": latency_ms, "answer_chars": len(response.text),
        "cited_docs": cited, "retrieved_docs": ranked[:5],
        "citations_dated": _share(list(response.cited_dated)),
        "pdf_citations_with_section": _share(list(response.cited_sectioned)),
    }
    if question.answerable and question.expected_pages and response.cited_pages:
        record["page_hit"] = metrics.page_hit(zip(cited, response.cited_pages), expected, question.expected_pages)
    elif question.answerable and question.expected_pages:
        record["page_hit"] = 0.0
    if question.answerable:
        record |= {
            "hit@1": metrics.hit_at_k(ranked, expected, 1),
            "hit@5": metrics.hit_at_k(ranked, expected, 5),
            "mrr@10": metrics.mrr_at_k(ranked, expected, 10),
            "citation_hit": metrics.citation_hit(cited, expected),
            "citation_precision": metrics.citation_precision(cited, expected),
            "fact_recall": metrics.fact_recall(question.expected_facts, response.text),
        }
    return record


class AssistantResponder:
    """Our assistant as a `Responder`: the whole `ask`, timed end to end."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    def warm_up(self) -> None:
        self.assistant.ask("uppvärmning")  # warm caches so latency is the steady state a user sees

    def respond(self, question: GoldQuestion) -> tuple[Response, float]:
        started = time.perf_counter()
        answer = self.assistant.ask(question.question, history=question.history)
        return Response.from_answer(answer), (time.perf_counter() - started) * 1000


def run_questions(assistant: Assistant, questions: list[GoldQuestion]) -> dict:
    return run_responder(AssistantResponder(assistant), questions)


def run_responder(responder: Responder, questions: list[GoldQuestion]) -> dict:
    responder.warm_up()
    per_question = []
    for question in questions:
        response, latency_ms = responder.respond(question)
        per_question.append(score_response(question, response, latency_ms) | {"answer": response.text})
    return {"aggregate": summarise(per_question), "per_question": per_question}


def summarise(per_question: list[dict]) -> dict:
    latencies = [r["latency_ms"] for r in per_question]
    aggregate = {
        k: v for k, v in metrics.aggregate(per_question).items()
        if k in {"hit@1", "hit@5", "mrr@10", "citation_hit", "citation_precision", "fact_recall", "page_hit",
                 "citations_dated", "pdf_citations_with_section"}
    }
    aggregate |= {
        "abstention_accuracy": metrics.abstention_accuracy(per_question),
        "false_abstention_rate": metrics.false_abstention_rate(per_question),
        "latency_p50_ms": metrics.percentile(latencies, 50) if latencies else None,
        "latency_p95_ms": metrics.percentile(latencies, 95) if latencies else None,
        **metrics.length_summary([r["answer_chars"] for r in per_question], "answer_chars"),
        "questions": len(per_question),
    }
    return aggregate


def evaluate_config(settings: Settings, corpus: Path, config: RetrievalConfig, questions: list[GoldQuestion]) -> dict:
    eval_settings, index, embedder = corpus_index(settings, corpus, config.embed_model)
    assistant = Assistant(eval_settings, index=index, embedder=embedder, mode=config.mode)
    try:
        return run_questions(assistant, questions)
    finally:
        assistant.close()
