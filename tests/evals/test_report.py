"""The report's section for the trail, timeline and version evals, from hand-made aggregates."""

from __future__ import annotations

from evals.report import _decisions_section


def test_each_eval_gets_a_table_with_every_configuration_on_each_split() -> None:
    section = _decisions_section({
        "Timelines": {
            "dev": {"ours (timeline)": {"event_recall": 0.8, "order_accuracy": 1.0}, "top-3 dump": {"event_recall": 0.25}},
            "test": {"ours (timeline)": {"event_recall": 0.6, "order_accuracy": 0.9}, "top-3 dump": {"event_recall": 0.5}},
        },
    })
    assert "### Timelines" in section
    assert "| configuration | event_recall | order_accuracy |" in section
    assert "| ours (timeline) [test] | 0.600 | 0.900 |" in section
    # A baseline without a metric shows a dash, not a zero.
    assert "| top-3 dump [dev] | 0.250 | – |" in section


def test_no_evals_no_section() -> None:
    assert _decisions_section(None) == "" and _decisions_section({}) == ""


def test_probe_section_has_a_row_per_configuration_and_is_absent_without_probes() -> None:
    from evals.report import _probes_section

    section = _probes_section({"ours (hybrid)": {"fact_recall": 0.9}, "top-3 dump": {"fact_recall": 0.8}})
    assert "probe_questions.jsonl" in section and "| ours (hybrid) |" in section and "| top-3 dump |" in section
    assert _probes_section(None) == ""
