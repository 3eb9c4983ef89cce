"""`kulturassistent tidslinje`: a process's dated events on the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from assistant.cli import console, open_indexed_assistant, print_sources
from assistant.settings import get_settings
from assistant.timeline import NO_TIMELINE_EN, NO_TIMELINE_SV


def tidslinje(
    topic: Annotated[str, typer.Argument(help="Processen, t.ex. \"kulturplan 2025–2028\" eller \"Hur togs kulturplanen fram?\"")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv exakt ett JSON-objekt.")] = False,
    history: Annotated[list[str] | None, typer.Option("--history", help="Tidigare frågor i samtalet, äldst först.")] = None,
) -> None:
    """Händelserna i en process i datumordning (beslut att börja, remiss, svarstid, beslut,
    ikraftträdande), varje händelse med källa."""
    assistant = open_indexed_assistant(get_settings())
    timeline = assistant.timeline(topic, history=history or [])
    assistant.close()
    if as_json:
        payload = {
            "question": timeline.question,
            "found": timeline.found,
            "events": [
                {"date": e.date, "text": e.text, "citations": [_source(timeline.citations[n - 1]) for n in e.citations]}
                for e in timeline.events
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not timeline.found:
        console.print(NO_TIMELINE_EN if timeline.english else NO_TIMELINE_SV)
        return
    table = Table("Datum", "Händelse", "Källor", show_lines=True)
    for event in timeline.events:
        table.add_row(event.date, event.text, " ".join(f"[{n}]" for n in event.citations))
    console.print(table)
    print_sources(timeline.citations)


def _source(citation) -> dict:
    return citation.model_dump(mode="json", include={"n", "doc_id", "title", "section", "page", "published", "source_url"})
