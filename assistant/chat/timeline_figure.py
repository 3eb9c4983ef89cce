"""The picture of a timeline: events as numbered points on a date axis, the list beside it."""

from __future__ import annotations

from datetime import date

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from assistant.schema import Timeline
from ingest.dates import FULL_DATE

_LABEL_WORDS = 6


def timeline_figure(timeline: Timeline) -> Figure:
    """One point per event, numbered like the list that goes with it; labels alternate above and
    below the axis so that events close in time stay readable."""
    days = [float(date2num(date.fromisoformat(e.date))) for e in timeline.events]
    figure = Figure(figsize=(10, 3.6))
    axes = figure.add_subplot()
    axes.axhline(0, color="#7a7a7a", linewidth=1, zorder=1)
    axes.scatter(days, [0] * len(days), s=40, color="#1f5f8b", zorder=2)
    for i, (day, event) in enumerate(zip(days, timeline.events), start=1):
        # The date stands on the label's first line; the words say what happened.
        words = [w for w in FULL_DATE.sub(" ", event.text).split() if w.lower() not in ("den", "the")]
        label = " ".join(words[:_LABEL_WORDS]) + (" …" if len(words) > _LABEL_WORDS else "")
        height = (1 if i % 2 else -1) * (0.45 + 0.35 * ((i // 2) % 3))
        axes.vlines(day, 0, height, color="#b0b0b0", linewidth=0.8, zorder=1)
        axes.annotate(
            f"{i}. {event.date}\n{label}", (day, height), ha="center", va="bottom" if height > 0 else "top",
            fontsize=7,
        )
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylim(-1.9, 1.9)
    axes.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.xaxis_date()
    low, high = min(days), max(days)
    margin = max((high - low) * 0.08, 120.0)  # days; one point gets a window around it
    axes.set_xlim(low - margin, high + margin)
    figure.tight_layout()
    return figure
