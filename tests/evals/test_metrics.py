"""Metric functions against hand-computed values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from evals.beir import load_beir
from evals.metrics import (
    abstention_accuracy,
    aggregate,
    citation_hit,
    citation_precision,
    fact_present,
    fact_recall,
    false_abstention_rate,
    hit_at_k,
    mrr_at_k,
    ndcg_at_k,
    normalise,
    percentile,
    recall_at_k,
)

# --- normalise / facts -------------------------------------------------------------------


def test_normalise_casefolds_dashes_and_spaces():
    assert normalise("  Statens\u00a0Kulturråd \n\t beslutar ") == "statens kulturråd beslutar"
    assert normalise("2021–2024 — SOU\u20122023") == "2021-2024 - sou-2023"


def test_fact_present_matches_any_form_case_and_whitespace_insensitive():
    answer = "Beslutet fattas av  KULTURRÅDET i januari (2021\u20132024)."
    assert fact_present(["Statens kulturråd", "Kulturrådet"], answer)
    assert fact_present(["2021-2024"], answer)
    assert not fact_present(["Region Skåne"], answer)
    assert not fact_present([], answer)


def test_fact_present_form_spanning_a_line_break():
    assert fact_present(["främjande av hemslöjd"], "samt främjande\nav hemslöjd.")


def test_fact_recall():
    facts = [["198,7 miljoner"], ["1 procent", "en procent"], ["sänkning"]]
    assert fact_recall(facts, "Skåne fick 198,7 miljoner, en procent mindre.") == pytest.approx(2 / 3)
    assert fact_recall(facts, "") == 0.0
    assert fact_recall([], "vad som helst") is None


# --- hit / MRR -------------------------------------------------------------------------------


def test_hit_at_k_cut_off_and_duplicates():
    ranking = ["x", "x", "y", "a", "b"]
    assert hit_at_k(ranking, {"a"}, 3) == 0.0
    assert hit_at_k(ranking, {"a"}, 4) == 1.0
    assert hit_at_k(ranking, {"a", "x"}, 1) == 1.0
    assert hit_at_k(ranking, {"z"}, 10) == 0.0
    assert hit_at_k([], {"a"}, 5) == 0.0
    assert hit_at_k(ranking, {"x"}, 0) == 0.0


def test_mrr_at_k():
    # Positions count chunk entries: the duplicated "x" occupies ranks 1 and 2.
    ranking = ["x", "x", "a", "b", "a"]
    assert mrr_at_k(ranking, {"a"}) == pytest.approx(1 / 3)
    assert mrr_at_k(ranking, {"b", "a"}) == pytest.approx(1 / 3)
    assert mrr_at_k(ranking, {"b"}) == pytest.approx(1 / 4)
    assert mrr_at_k(ranking, {"x"}) == 1.0
    assert mrr_at_k(ranking, {"b"}, k=3) == 0.0
    assert mrr_at_k(ranking, set()) == 0.0
    assert mrr_at_k([], {"a"}) == 0.0


def test_mrr_accepts_qrels_ignoring_zero_relevance():
    assert mrr_at_k(["n", "r"], {"n": 0, "r": 2}) == pytest.approx(1 / 2)


# --- nDCG / recall ---------------------------------------------------------------------------


QRELS = {"a": 3, "b": 2, "c": 1, "z": 0}


def test_ndcg_graded_by_hand():
    ranking = ["b", "x", "a", "c"]
    # DCG  = 2/log2(2) + 0/log2(3) + 3/log2(4) + 1/log2(5) = 2 + 0 + 1.5 + 0.430677 = 3.930677
    dcg = 2 / 1.0 + 3 / 2.0 + 1 / 2.321928
    # IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
    idcg = 3 / 1.0 + 2 / 1.584963 + 1 / 2.0
    assert ndcg_at_k(ranking, QRELS, k=10) == pytest.approx(dcg / idcg, abs=1e-6)
    assert ndcg_at_k(ranking, QRELS, k=10) == pytest.approx(0.825450, abs=1e-6)


def test_ndcg_cut_off_uses_ideal_at_k():
    # @2: DCG = 2/log2(2) = 2; IDCG@2 = 3 + 2/log2(3) = 4.261860
    assert ndcg_at_k(["b", "x", "a", "c"], QRELS, k=2) == pytest.approx(2 / (3 + 2 / math.log2(3)))
    assert ndcg_at_k(["b", "x", "a", "c"], QRELS, k=2) == pytest.approx(0.469278, abs=1e-6)


def test_ndcg_perfect_empty_and_irrelevant():
    assert ndcg_at_k(["a", "b", "c"], QRELS) == pytest.approx(1.0)
    assert ndcg_at_k([], QRELS) == 0.0
    assert ndcg_at_k(["x", "z"], QRELS) == 0.0
    assert ndcg_at_k(["a"], {}) is None
    assert ndcg_at_k(["a"], {"a": 0}) is None


def test_ndcg_ties_keep_caller_order():
    # b and c tie in relevance in the qrels; the ranking's order is taken as given.
    qrels = {"b": 1, "c": 1}
    # DCG = 1/log2(3) (c at rank 2) ; IDCG = 1 + 1/log2(3)
    assert ndcg_at_k(["x", "c"], qrels) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(["b", "c"], qrels) == ndcg_at_k(["c", "b"], qrels) == pytest.approx(1.0)


def test_ndcg_duplicates_gain_once():
    # "a" repeats at rank 2 and gains nothing there; "b" gains at rank 3.
    qrels = {"a": 1, "b": 1}
    expected = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "a", "b"], qrels) == pytest.approx(expected)
    assert ndcg_at_k(["a", "a", "a"], {"a": 1}) == pytest.approx(1.0)


def test_recall_at_k_several_relevant():
    ranking = ["a", "x", "a", "c", "y", "b"]
    assert recall_at_k(ranking, QRELS, 1) == pytest.approx(1 / 3)
    assert recall_at_k(ranking, QRELS, 3) == pytest.approx(1 / 3)  # duplicate "a" counts once
    assert recall_at_k(ranking, QRELS, 4) == pytest.approx(2 / 3)
    assert recall_at_k(ranking, QRELS, 10) == pytest.approx(1.0)
    assert recall_at_k(["z"], QRELS, 10) == 0.0  # relevance 0 is not relevant
    assert recall_at_k([], QRELS, 10) == 0.0
    assert recall_at_k(["a"], {}, 10) is None


# --- citations -------------------------------------------------------------------------------


def test_citation_hit_and_precision():
    expected = {"a", "b"}
    assert citation_hit(["x", "b"], expected) == 1.0
    assert citation_hit(["x"], expected) == 0.0
    assert citation_hit([], expected) == 0.0
    assert citation_precision(["a", "a", "x"], expected) == pytest.approx(1 / 2)  # distinct: {a, x}
    assert citation_precision(["a", "b"], expected) == 1.0
    assert citation_precision(["x"], expected) == 0.0
    assert citation_precision([], expected) is None


# --- percentile / aggregate ----------------------------------------------------------------------


@pytest.mark.parametrize("values", [[5.0], [3.0, 1.0], [1, 2, 3, 4], [0.12, 3.4, 0.9, 7.7, 2.2, 2.2, 10.0]])
@pytest.mark.parametrize("p", [0, 10, 25, 50, 90, 95, 99, 100])
def test_percentile_matches_numpy(values, p):
    assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


def test_percentile_by_hand_and_errors():
    assert percentile([10, 20, 30, 40], 50) == pytest.approx(25.0)
    assert percentile([10, 20, 30, 40], 90) == pytest.approx(37.0)
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_aggregate_ignores_none_and_non_numbers():
    rows = [
        {"id": "q1", "hit@5": 1.0, "fact_recall": 0.5, "citation_precision": None, "abstained": False},
        {"id": "q2", "hit@5": 0.0, "fact_recall": None, "citation_precision": 1.0, "abstained": True},
        {"id": "q3", "hit@5": 1.0, "fact_recall": 1.0, "citation_precision": None, "latency_s": 2},
    ]
    result = aggregate(rows)
    assert result == pytest.approx({"hit@5": 2 / 3, "fact_recall": 0.75, "citation_precision": 1.0, "latency_s": 2.0})
    assert aggregate([]) == {}
    assert aggregate([{"x": None}]) == {}


# --- abstention --------------------------------------------------------------------------------------


def test_abstention_rates():
    records = [
        {"answerable": False, "abstained": True},
        {"answerable": False, "abstained": False},
        {"answerable": False, "abstained": True},
        {"answerable": True, "abstained": False},
        {"answerable": True, "abstained": True},
        {"answerable": True, "abstained": False},
        {"answerable": True, "abstained": False},
    ]
    assert abstention_accuracy(records) == pytest.approx(2 / 3)
    assert false_abstention_rate(records) == pytest.approx(1 / 4)
    assert abstention_accuracy([{"answerable": True, "abstained": True}]) is None
    assert false_abstention_rate([]) is None


# --- BEIR loader (the real benchmark layout) ----------------------------------------------------------

BENCHMARK = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "swefaq-dev"


def test_load_beir_swefaq_dev_and_score_a_perfect_run():
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark not present at {BENCHMARK}")
    data = load_beir(BENCHMARK)
    assert len(data.corpus) == len(data.queries) == len(data.qrels) == 110
    assert all(len(judged) == 1 for judged in data.qrels.values())
    perfect = {qid: list(judged) for qid, judged in data.qrels.items()}
    assert all(ndcg_at_k(perfect[qid], data.qrels[qid]) == 1.0 for qid in data.qrels)


def test_load_beir_names_missing_or_broken_file(tmp_path):
    (tmp_path / "corpus.jsonl").write_text('{"_id": "d1", "title": "", "text": "t"}\n', encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "fråga"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"qrels/test\.tsv: missing file"):
        load_beir(tmp_path)
    (tmp_path / "qrels").mkdir()
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"test\.tsv, line 2: score 'x' is not an integer"):
        load_beir(tmp_path)
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t2\n", encoding="utf-8")
    assert load_beir(tmp_path).qrels == {"q1": {"d1": 2}}
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"queries\.jsonl, line 1: missing field\(s\) text"):
        load_beir(tmp_path)
