"""`kulturassistent beslut`: a decision's trail on the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markdown import Markdown

from assistant.cli import console, open_indexed_assistant, print_sources
from assistant.settings import get_settings
from assistant.trail import render_trail


def beslut(
    question: Annotated[str, typer.Argument(help="Frågan om ett beslut, t.ex. \"Varför beslutade kulturnämnden att …?\"")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv exakt ett JSON-objekt.")] = False,
    history: Annotated[list[str] | None, typer.Option("--history", help="Tidigare frågor i samtalet, äldst först.")] = None,
) -> None:
    """Hur ett beslut fattades och motiverades: beslutet, motiveringen, beslutsunderlaget,
    reservationer, tidigare beslut och regelverk, varje steg med källa."""
    assistant = open_indexed_assistant(get_settings())
    trail = assistant.trail(question, history=history or [])
    assistant.close()
    if as_json:
        payload = trail.model_dump(mode="json", exclude={"citations"})
        payload["citations"] = [
            c.model_dump(mode="json", include={"n", "doc_id", "title", "section", "page", "published", "source_url", "quote"})
            for c in trail.citations
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console.print(Markdown(render_trail(trail)))
    print_sources(trail.citations)
