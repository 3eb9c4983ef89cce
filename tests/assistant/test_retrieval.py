"""Hybrid retrieval over the real shared corpus: the answer-shape bonus."""

from __future__ import annotations

from assistant.answer_types import ANSWER_KINDS, answers_with
from assistant.retrieval import HybridRetriever

AMOUNT_SHAPE = ANSWER_KINDS["amount"].holds


def _retriever(assistant, bonus: float) -> HybridRetriever:
    base = assistant.retriever
    return HybridRetriever(
        base.index, base.embedder, top_k=10, mode="hybrid", fusion=base.fusion, dense_weight=base.dense_weight,
        candidates=base.candidates, shape_bonus=bonus,
    )


def test_an_amount_question_favours_passages_that_state_an_amount(assistant):
    question = "Hur mycket fick Region Skåne i statsbidrag inom kultursamverkansmodellen 2019?"
    query = assistant.queries.analyze(question)
    plain = _retriever(assistant, 0.0).search(query)
    shaped = _retriever(assistant, 0.05).search(query)
    # Where the amount passages stand: as many in the top ten, and higher up (the tenth place is
    # a near-tie that an index rebuild may settle either way, so counts alone are not compared).
    positions = lambda hits: [i for i, h in enumerate(hits) if answers_with(AMOUNT_SHAPE, h.text, question)]  # noqa: E731
    reciprocal = lambda ranks: sum(1 / (1 + r) for r in ranks)  # noqa: E731
    assert len(positions(shaped)) >= len(positions(plain))
    assert reciprocal(positions(shaped)) > reciprocal(positions(plain))
    plain_rank = {h.meta.chunk_id: i for i, h in enumerate(plain)}
    for i, hit in enumerate(shaped):
        if i < plain_rank.get(hit.meta.chunk_id, 99):  # moved up: only for stating an amount
            assert answers_with(AMOUNT_SHAPE, hit.text, question), hit.meta.chunk_id


def test_other_questions_rank_exactly_as_without_the_bonus(assistant):
    query = assistant.queries.analyze("Vilka forum finns för dialog mellan Region Skåne och kommunerna?")
    plain = [h.meta.chunk_id for h in _retriever(assistant, 0.0).search(query)]
    shaped = [h.meta.chunk_id for h in _retriever(assistant, 0.05).search(query)]
    assert plain == shaped


def test_the_assistant_searches_with_the_configured_common_terms(assistant):
    """KA_LEXICAL_COMMON_SHARE / KA_LEXICAL_COMMON_MIN_CHUNKS reach lexical search."""
    from ingest.lexical import CommonTerms

    settings = assistant.settings
    assert assistant.retriever.common_terms == CommonTerms(settings.lexical_common_share, settings.lexical_common_min_chunks)
    assert settings.model_copy(update={"lexical_common_share": 0.3, "lexical_common_min_chunks": 7}).common_terms == CommonTerms(0.3, 7)
