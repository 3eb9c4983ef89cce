"""The abstention threshold is chosen by a stated rule from the dev trade-off table: the facts a
threshold keeps and the unanswerable questions it refuses, weighed per question."""

from evals.calibrate import choose, credit, summarise


def record(answerable: bool, abstained: bool, fact_recall: float | None = None) -> dict:
    return {"answerable": answerable, "abstained": abstained, "fact_recall": fact_recall}


def test_credit_counts_facts_of_answered_questions_and_refusals_of_unanswerable_ones():
    assert credit(record(True, False, 0.5)) == 0.5
    assert credit(record(True, True, 1.0)) == 0.0  # a refused answerable question keeps no facts
    assert credit(record(False, True)) == 1.0
    assert credit(record(False, False)) == 0.0


def test_a_threshold_that_refuses_one_more_unanswerable_but_drops_more_facts_scores_lower():
    low = summarise(0.2, [record(True, False, 1.0), record(True, False, 1.0), record(False, False)])
    # One more refusal of the unanswerable question, but both answers lose most of their facts.
    high = summarise(0.3, [record(True, False, 0.25), record(True, False, 0.25), record(False, True)])
    assert high["unanswerable_refused"] > low["unanswerable_refused"]
    assert low["credit"] > high["credit"]
    assert choose([low, high], max_false_abstention=0.05) == 0.2


def row(threshold: float, credit: float, false_abstention: float = 0.0) -> dict:
    return {"threshold": threshold, "credit": credit, "false_abstention": false_abstention}


def test_the_rule_takes_the_middle_of_the_best_plateau_within_the_false_abstention_bound():
    table = [row(0.1, 0.90), row(0.15, 0.93), row(0.2, 0.93), row(0.25, 0.93), row(0.3, 0.95, false_abstention=0.1)]
    assert choose(table, max_false_abstention=0.05) == 0.2  # 0.3 scores best but refuses too many answerable
    assert choose(table, max_false_abstention=0.2) == 0.3
    # An even plateau: the upper of its two middle thresholds.
    assert choose([row(0.1, 0.9), row(0.15, 0.9), row(0.2, 0.8)], max_false_abstention=0.05) == 0.15
    # Nothing within the bound: the lowest threshold, which refuses least.
    assert choose([row(0.2, 0.9, 0.2), row(0.1, 0.8, 0.3)], max_false_abstention=0.05) == 0.1


def test_the_longest_of_two_equally_good_plateaus_wins():
    table = [row(0.1, 0.93), row(0.15, 0.90), row(0.2, 0.93), row(0.25, 0.93), row(0.3, 0.93)]
    assert choose(table, max_false_abstention=0.05) == 0.25
