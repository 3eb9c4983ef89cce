"""Run the gold questions through the assistant and score every answer."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.schema import Answer
from assistant.service import Assistant
from assistant.settings import Settings
from evals import metrics
from evals.configs import RetrievalConfig
from evals.questions import GoldQuestion
from ingest.embedders import build_embedder
from ingest.index import IndexHandle
from ingest.pipeline import Ingestor


def corpus_index(settings: Settings, corpus: Path, embed_model: str) -> tuple[Settings, IndexHandle, object]:
    """An index of `corpus` for one embedder, kept under data/eval/ and updated incrementally."""
    slug = embed_model.replace("/", "_")
    eval_settings = settings.model_copy(
        update={"data_dir": settings.data_dir / "eval" / slug, "embed_model": embed_model,
                "chroma_host": None, "chroma_url": None}
    )
    embedder = build_embedder(embed_model, settings.embed_batch_size)
    index = IndexHandle.open(eval_settings, embedder)
    Ingestor(eval_settings, embedder, index).run(corpus)
    return eval_settings, index, embedder


def score_answer(question: GoldQuestion, answer: Answer, latency_ms: float) -> dict:
    ranked = [hit.meta.doc_id for hit in answer.retrieved]
    cited = [c.doc_id for c in answer.citations]
    expected = set(question.expected_docs)
    record: dict = {
        "id": question.id, "category": question.category, "answerable": question.answerable,
        "abstained": answer.abstained, "latency_ms": latency_ms,
        "cited_docs": cited, "retrieved_docs": ranked[:5],
    }
    if question.answerable:
        record |= {
            "hit@1": metrics.hit_at_k(ranked, expected, 1),
            "hit@5": metrics.hit_at_k(ranked, expected, 5),
            "mrr@10": metrics.mrr_at_k(ranked, expected, 10),
            "citation_hit": metrics.citation_hit(cited, expected),
            "citation_precision": metrics.citation_precision(cited, expected),
            "fact_recall": metrics.fact_recall(question.expected_facts, answer.answer),
        }
    return record


def run_questions(assistant: Assistant, questions: list[GoldQuestion]) -> dict:
    assistant.ask("uppvärmning")  # warm caches so latency is the steady state a user sees
    per_question = []
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question.question, history=question.history)
        latency_ms = (time.perf_counter() - started) * 1000
        per_question.append(score_answer(question, answer, latency_ms) | {"answer": answer.answer})
    return {"aggregate": summarise(per_question), "per_question": per_question}


def summarise(per_question: list[dict]) -> dict:
    latencies = [r["latency_ms"] for r in per_question]
    aggregate = {
        k: v for k, v in metrics.aggregate(per_question).items()
        if k in {"hit@1", "hit@5", "mrr@10", "citation_hit", "citation_precision", "fact_recall"}
    }
    aggregate |= {
        "abstention_accuracy": metrics.abstention_accuracy(per_question),
        "false_abstention_rate": metrics.false_abstention_rate(per_question),
        "latency_p50_ms": metrics.percentile(latencies, 50) if latencies else None,
        "latency_p95_ms": metrics.percentile(latencies, 95) if latencies else None,
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
