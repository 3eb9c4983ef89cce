"""Evaluation metrics: pure functions over answers, rankings and citations (no I/O).

Ranked lists are lists of document ids, best first. A ranking of chunks may name the
same document several times: positions (and the cut-off k) always count the entries as
given, and a repeated document counts only at its first position.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Casefold, map dashes (– — etc.) to '-', non-breaking spaces to spaces, collapse whitespace."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text.casefold()).strip()


# --- answer content -------------------------------------------------------------------


def fact_present(fact_forms: Sequence[str], answer: str) -> bool:
    """True if any of the fact's alternative surface forms occurs in the answer."""
    haystack = normalise(answer)
    needles = (normalise(form) for form in fact_forms)
    return any(needle and needle in haystack for needle in needles)


def fact_recall(expected_facts: Sequence[Sequence[str]], answer: str) -> float | None:
    """Share of expected facts present in the answer; None when there are no facts."""
    if not expected_facts:
        return None
    return sum(fact_present(forms, answer) for forms in expected_facts) / len(expected_facts)


# --- retrieval --------------------------------------------------------------------------


def hit_at_k(ranked_doc_ids: Sequence[str], expected: set[str], k: int) -> float:
    """1.0 if any expected doc is among the top k entries, else 0.0."""
    return 1.0 if any(d in expected for d in ranked_doc_ids[: max(k, 0)]) else 0.0


def mrr_at_k(ranked_doc_ids: Sequence[str], expected: Iterable[str], k: int = 10) -> float:
    """Reciprocal (1-based) rank of the first relevant entry within the top k, else 0.0.

    `expected` may be a set of ids or a qrels mapping (ids with relevance > 0 count).
    """
    relevant = _relevant(expected)
    for rank, doc_id in enumerate(ranked_doc_ids[: max(k, 0)], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def _relevant(expected: Iterable[str] | Mapping[str, int]) -> set[str]:
    if isinstance(expected, Mapping):
        return {doc_id for doc_id, rel in expected.items() if rel > 0}
    return set(expected)


def ndcg_at_k(ranked: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float | None:
    """nDCG@k with linear gain (rel) and discount log2(rank + 1), as pytrec_eval/BEIR.

    A document repeated in the ranking gains only at its first position. None when qrels
    hold no relevant document; 0.0 for an empty ranking.
    """
    ideal_gains = sorted((rel for rel in qrels.values() if rel > 0), reverse=True)[:k]
    if not ideal_gains:
        return None
    dcg, seen = 0.0, set()
    for rank, doc_id in enumerate(ranked[: max(k, 0)], start=1):
        if doc_id not in seen and qrels.get(doc_id, 0) > 0:
            dcg += qrels[doc_id] / math.log2(rank + 1)
        seen.add(doc_id)
    idcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal_gains, start=1))
    return dcg / idcg


def recall_at_k(ranked: Sequence[str], qrels: Mapping[str, int], k: int) -> float | None:
    """Distinct relevant docs (rel > 0) within the top k / all relevant docs; None if none."""
    relevant = _relevant(qrels)
    if not relevant:
        return None
    return len(relevant.intersection(ranked[: max(k, 0)])) / len(relevant)


# --- citations ----------------------------------------------------------------------------


def citation_hit(cited_doc_ids: Iterable[str], expected: set[str]) -> float:
    """1.0 if any cited doc is expected; 0.0 otherwise (also when nothing is cited)."""
    return 1.0 if any(d in expected for d in cited_doc_ids) else 0.0


def pages_include(pages: str | None, wanted: Iterable[int]) -> bool:
    """Whether a cited page or range ('5', '5–6') includes any of the wanted 1-based pages."""
    if not pages:
        return False
    first, _, last = _DASHES.sub("-", pages).partition("-")
    try:
        low, high = int(first), int(last or first)
    except ValueError:
        return False
    return any(low <= page <= high for page in wanted)


def page_hit(cited: Iterable[tuple[str, str | None]], expected: set[str], pages: Sequence[int]) -> float:
    """1.0 if a cited chunk of an expected document spans an expected page, else 0.0."""
    return 1.0 if any(doc in expected and pages_include(page, pages) for doc, page in cited) else 0.0


def citation_precision(cited_doc_ids: Iterable[str], expected: set[str]) -> float | None:
    """Share of distinct cited docs that are expected; None when nothing is cited."""
    cited = set(cited_doc_ids)
    if not cited:
        return None
    return len(cited & expected) / len(cited)


# --- aggregation ----------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """p-th percentile (0-100) with linear interpolation, as numpy.percentile's default."""
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must lie in [0, 100], got {p}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def aggregate(per_question: Sequence[Mapping[str, object]]) -> dict[str, float]:
    """Mean of each numeric metric over the questions, ignoring None (and bools, non-numbers).

    A metric that is None for every question is left out.
    """
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for record in per_question:
        for key, value in record.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            sums[key] = sums.get(key, 0.0) + float(value)
            counts[key] = counts.get(key, 0) + 1
    return {key: sums[key] / counts[key] for key in sums}


# --- abstention ---------------------------------------------------------------------------------


def _abstain_share(records: Iterable[Mapping[str, object]], answerable: bool) -> float | None:
    chosen = [bool(r["abstained"]) for r in records if bool(r["answerable"]) is answerable]
    return sum(chosen) / len(chosen) if chosen else None


def abstention_accuracy(records: Iterable[Mapping[str, object]]) -> float | None:
    """Share of unanswerable questions where the system abstained; None if there are none."""
    return _abstain_share(records, answerable=False)


def false_abstention_rate(records: Iterable[Mapping[str, object]]) -> float | None:
    """Share of answerable questions where the system abstained; None if there are none."""
    return _abstain_share(records, answerable=True)


# --- answer length ------------------------------------------------------------------------------


def length_summary(lengths: Sequence[int], prefix: str = "answer_chars") -> dict[str, float | None]:
    """{prefix_mean, prefix_median} of answer lengths (characters); both None when there are none.

    A longer answer contains more of any expected fact by chance, so fact recall is only
    comparable between systems together with how much text each one returned.
    """
    if not lengths:
        return {f"{prefix}_mean": None, f"{prefix}_median": None}
    return {f"{prefix}_mean": sum(lengths) / len(lengths), f"{prefix}_median": percentile(lengths, 50)}
