"""Turn chat feedback into gold questions, so real questions grow the evaluation set.

Every thumbs up or down becomes one line in the format of `evals/questions.jsonl`. A thumbs up
on an answer keeps the documents it cited as `expected_docs`; a thumbs up on an abstention marks
the question unanswerable; a thumbs down leaves the expectations empty for a person to fill in
(the note says so), because a dislike says the answer was wrong, not what the right one is.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# Chainlit attaches feedback to the run step that answered a user message; our metadata
# (cited documents, abstention) sits on the assistant message inside that run.
FEEDBACK_ROWS = text(
    'SELECT f."id", f."value", f."comment", s."threadId", s."createdAt", COALESCE(a."metadata", s."metadata") '
    'FROM feedbacks f JOIN steps s ON s."id" = f."forId" '
    'LEFT JOIN steps a ON a."parentId" = s."id" AND a."type" = \'assistant_message\' '
    'ORDER BY s."createdAt"'
)
USER_TURNS = text(
    'SELECT "output", "createdAt" FROM steps WHERE "threadId" = :thread AND "type" = \'user_message\' '
    'ORDER BY "createdAt"'
)


def to_gold_question(number: int, value: int, comment: str | None, turns: list[str], metadata: dict) -> dict:
    question, history = turns[-1], turns[:-1]
    liked = value >= 1
    abstained = bool(metadata.get("abstained"))
    cited = list(dict.fromkeys(metadata.get("cited_docs") or []))
    if liked:
        answerable, docs = not abstained, ([] if abstained else cited)
        note = "Tumme upp" + (" på ett avstående." if abstained else f" på ett svar som citerade {', '.join(cited)}.")
    else:
        answerable, docs = True, []
        note = "Tumme ned: granska och fyll i expected_docs och expected_facts innan frågan används i utvärderingen."
    if comment:
        note += f" Kommentar: {comment}"
    return {
        "id": f"fb{number:04d}", "category": "feedback", "question": question, "history": history,
        "answerable": answerable, "expected_docs": docs, "expected_facts": [], "note": note,
    }


async def export_feedback(conninfo: str, out: Path) -> int:
    engine = create_async_engine(conninfo)
    records = []
    async with engine.connect() as conn:
        for number, (_, value, comment, thread, created, metadata) in enumerate(
            (await conn.execute(FEEDBACK_ROWS)).all(), start=1
        ):
            turns = [o for o, at in (await conn.execute(USER_TURNS, {"thread": thread})).all() if at <= created]
            if not turns:
                continue  # feedback on a message without a question before it (e.g. a greeting)
            meta = json.loads(metadata) if isinstance(metadata, str) and metadata else (metadata or {})
            records.append(to_gold_question(number, int(value), comment, turns, meta))
    await engine.dispose()
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return len(records)
