"""The abstention threshold is chosen by a stated rule from the dev trade-off table."""

from evals.calibrate import choose, sweep

# (answerable, refused by the rare-word rule, each part's best support)
ROWS = [
    (True, False, [0.5]), (True, False, [0.22]), (True, False, [0.12, 0.6]), (True, False, [0.08]),
    (False, False, [0.3]), (False, False, [0.18]), (False, True, [0.9]), (False, False, [-1.0]),
]


def test_a_question_is_refused_when_no_part_reaches_the_threshold_or_a_rare_word_refuses_it():
    at = {row["threshold"]: row for row in sweep(ROWS, thresholds=(0.1, 0.2, 0.25))}
    assert at[0.1]["false_abstention"] == 0.25  # only the 0.08 question
    assert at[0.1]["unanswerable_refused"] == 0.5  # rare word and the unsupported one
    assert at[0.2]["unanswerable_refused"] == 0.75  # now the 0.18 one too
    assert at[0.25]["false_abstention"] == 0.5  # the 0.22 question joins; 0.6 still carries the two-part one


def test_the_rule_refuses_the_most_unanswerable_within_the_false_abstention_bound():
    table = sweep(ROWS, thresholds=(0.1, 0.2, 0.25, 0.35))
    assert choose(table, max_false_abstention=0.25) == 0.2
    assert choose(table, max_false_abstention=0.5) == 0.35
    # Nothing within the bound: the lowest threshold, which refuses least.
    assert choose(table, max_false_abstention=0.0) == 0.1
