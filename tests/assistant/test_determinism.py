"""The same question over the same index gives the same answer in every process: nothing may
depend on set or dict order under Python's per-process string hashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO

QUESTIONS = [
    ("Vilka är de sju verksamhetsområdena som statens medel får gå till?", []),
    ("Vem beslutar om statsbidraget till regionen?", []),
    ("Hur mycket fick Region Skåne i statsbidrag 2019?", []),
    ("What is the role of the municipalities in the model?", []),
    ("Och när beslutade kulturnämnden om den?", ["Hur tas Skånes regionala kulturplan för 2025–2028 fram?"]),
    ("Vilka parkeringsregler gäller vid Region Skånes kontor?", []),
]
SCRIPT = """
import json, sys
from assistant.service import Assistant
from assistant.settings import Settings
assistant = Assistant(Settings())
out = []
for question, history in json.loads(sys.argv[1]):
    a = assistant.ask(question, history=history)
    out.append({"answer": a.answer, "abstained": a.abstained, "cited": [c.chunk_id for c in a.citations],
                "retrieved": [h.meta.chunk_id for h in a.retrieved]})
print(json.dumps(out, ensure_ascii=False))
"""


def _answers(data_dir, seed: str) -> list[dict]:
    env = {**os.environ, "KA_DATA_DIR": str(data_dir), "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(QUESTIONS)], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_answers_do_not_depend_on_the_hash_seed(full_corpus_index):
    settings, _, _ = full_corpus_index
    first, second = _answers(settings.data_dir, "1"), _answers(settings.data_dir, "2")
    for (question, _), a, b in zip(QUESTIONS, first, second):
        assert a == b, question
