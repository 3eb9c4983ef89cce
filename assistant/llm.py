"""Optional LLM answerer against any OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM, ...).

The model only phrases the answer; trust comes from validation afterwards: every [n] must point
to a retrieved passage (others are dropped), citations are renumbered 1..k, sentences without a
source are reported, and any failure of the endpoint falls back to the extractive answerer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from llama_index.core.llms import LLM, ChatMessage, MessageRole

from assistant.citations import cited_numbers, make_citation, renumber
from assistant.conversation import is_english
from assistant.query import Query
from assistant.extractive import ABSTAIN_EN, ABSTAIN_SV, ExtractiveAnswerer
from assistant.schema import Answer, Citation, RetrievedChunk
from assistant.settings import Settings
from assistant.units import split_units

SYSTEM_SV = (
    "Du är Kulturassistenten och svarar på frågor om kultursamverkansmodellen.\n"
    "Regler:\n"
    "1. Svara ENDAST utifrån de numrerade utdragen i användarens meddelande. Använd aldrig egen "
    "kunskap eller andra källor, inte ens för allmänt kända fakta.\n"
    "2. Varje påstående ska ha en källhänvisning [n] direkt efter meningen, där n är utdragets "
    "nummer, t.ex. [1] eller [2][3]. Använd bara nummer som finns bland utdragen.\n"
    "3. Svara på samma språk som frågan.\n"
    f"4. Om utdragen inte ger stöd för ett svar, svara exakt: \"{ABSTAIN_SV}\" och inget annat."
)
SYSTEM_EN = (
    "You are Kulturassistenten and answer questions about the Swedish cultural cooperation model "
    "(kultursamverkansmodellen).\n"
    "Rules:\n"
    "1. Answer ONLY from the numbered passages in the user's message. Never use outside knowledge "
    "or other sources, not even for well-known facts.\n"
    "2. Every claim must carry a citation [n] right after the sentence, where n is the passage "
    "number, e.g. [1] or [2][3]. Only use numbers that exist among the passages.\n"
    "3. Answer in the language of the question (English), even though the passages are in Swedish.\n"
    f"4. If the passages do not support an answer, reply exactly: \"{ABSTAIN_EN}\" and nothing else."
)
FALLBACK_SV = "Språkmodellen svarade inte ({reason}); här är ett svar som citerar underlagen direkt."
FALLBACK_EN = "The language model did not respond ({reason}); here is an answer that quotes the documents directly."
UNSUPPORTED_SV = "Meningar utan källhänvisning: "
UNSUPPORTED_EN = "Sentences without a source reference: "
QUOTE_FALLBACK_CHARS = 300

_GROUPED = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})+)\]")  # "[1, 2]" -> "[1][2]"
_WORD = re.compile(r"\w")


class InvalidLLMResponse(ValueError):
    """The endpoint answered, but with nothing we can show (empty, or not a single valid citation)."""


def format_passage(n: int, hit: RetrievedChunk) -> str:
    meta = hit.meta
    header = f"[{n}] {meta.title}"
    if meta.section:
        header += f" — {meta.section}"
    if meta.published:
        header += f" ({meta.published})"
    return f"{header}\n{hit.text}"


def build_prompt(query: Query, hits: list[RetrievedChunk]) -> list[ChatMessage]:
    english, history = query.english, query.history
    passages = "\n\n".join(format_passage(n, hit) for n, hit in enumerate(hits, start=1))
    parts = [f"{'Passages' if english else 'Utdrag'}:\n\n{passages}"]
    if history:
        label = "Earlier questions in this conversation" if english else "Tidigare frågor i samtalet"
        parts.append(f"{label}:\n" + "\n".join(f"- {turn}" for turn in history))
    parts.append(f"{'Question' if english else 'Fråga'}: {query.text}")
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=SYSTEM_EN if english else SYSTEM_SV),
        ChatMessage(role=MessageRole.USER, content="\n\n".join(parts)),
    ]


def is_abstention(text: str) -> bool:
    # Models vary apostrophes, case and the final full stop; the phrase itself is what matters.
    normalized = text.strip().replace("’", "'").casefold()
    return any(normalized.startswith(p.rstrip(".").casefold()) for p in (ABSTAIN_SV, ABSTAIN_EN))


def failure_reason(error: BaseException, english: bool) -> str:
    """A short, user-facing cause; the exception types come from the openai client under llama-index."""
    import httpx
    import openai

    # Mid-stream failures surface as raw httpx errors: openai only translates them per request.
    if isinstance(error, (openai.APITimeoutError, httpx.TimeoutException)):
        return "timed out" if english else "tidsgränsen överskreds"
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}"
    if isinstance(error, (openai.APIConnectionError, httpx.TransportError)):
        return "no connection" if english else "ingen anslutning"
    if isinstance(error, InvalidLLMResponse):
        return "invalid response" if english else "ogiltigt svar"
    return type(error).__name__


class LLMAnswerer:
    def __init__(self, llm: LLM, fallback: ExtractiveAnswerer):
        self.llm, self.fallback = llm, fallback

    def stream(self, query: Query, hits: list[RetrievedChunk]) -> Iterator[str]:
        """Raw text deltas as the endpoint sends them; raises on any endpoint failure."""
        for response in self.llm.stream_chat(build_prompt(query, hits)):
            if response.delta:
                yield response.delta

    def stream_answer(self, query: Query, hits: list[RetrievedChunk]) -> Iterator[str | Answer]:
        """Deltas, then exactly one Answer (validated, or the extractive fallback). Never raises
        for endpoint failures, so a UI that already showed some deltas still gets an answer."""
        parts: list[str] = []
        try:
            for delta in self.stream(query, hits):
                parts.append(delta)
                yield delta
            answer = self.finish(query, hits, "".join(parts))
        except Exception as error:  # noqa: BLE001 - any failure of the endpoint means "use the fallback"
            answer = self.fallback_answer(query, hits, error)
        yield answer

    def answer(self, query: Query, hits: list[RetrievedChunk]) -> Answer:
        *_, final = self.stream_answer(query, hits)
        assert isinstance(final, Answer)
        return final

    def finish(self, query: Query, hits: list[RetrievedChunk], text: str) -> Answer:
        """Validate the model's text against the passages. Raises InvalidLLMResponse when there is
        nothing showable, which `stream_answer` turns into the extractive fallback."""
        english = query.english
        if not text.strip():
            raise InvalidLLMResponse("empty reply")
        if is_abstention(text):
            abstained = self.fallback.abstain(query, hits)
            return abstained.model_copy(update={"mode": "llm"})
        text = _GROUPED.sub(lambda m: "".join(f"[{n.strip()}]" for n in m.group(1).split(",")), text.strip())
        candidates = self._candidate_citations(text, hits)
        cleaned, citations = renumber(text, candidates)
        if not citations:
            # An uncited LLM answer is unverifiable; the extractive answer at least quotes sources.
            raise InvalidLLMResponse("no valid citations")
        unsupported = unsupported_sentences(cleaned)
        notice = None
        if unsupported:
            notice = (UNSUPPORTED_EN if english else UNSUPPORTED_SV) + " ".join(f"”{s}”" for s in unsupported)
        return Answer(
            question=query.text, answer=cleaned, abstained=False, citations=citations,
            mode="llm", notice=notice, retrieved=hits,
        )

    def fallback_answer(self, query: Query, hits: list[RetrievedChunk], error: BaseException) -> Answer:
        english = query.english
        template = FALLBACK_EN if english else FALLBACK_SV
        answer = self.fallback.answer(query, hits)
        return answer.model_copy(
            update={"mode": "extractive", "notice": template.format(reason=failure_reason(error, english))}
        )

    def _candidate_citations(self, text: str, hits: list[RetrievedChunk]) -> list[Citation]:
        """One citation per valid passage number, quoting the passage sentences that the citing
        sentences rely on, so the source panel shows the evidence and not the whole chunk."""
        quotes: dict[int, list[str]] = {}
        for unit in split_units(text):
            for n in cited_numbers(unit.text):
                if 1 <= n <= len(hits):
                    quote = self._best_quote(unit.text, hits[n - 1])
                    if quote not in quotes.setdefault(n, []):
                        quotes[n].append(quote)
        return [make_citation(n, hits[n - 1], " ".join(q)) for n, q in sorted(quotes.items())]

    def _best_quote(self, citing: str, hit: RetrievedChunk) -> str:
        analyze = self.fallback.analyzer.analyze
        wanted = analyze(re.sub(r"\[\d+\]", " ", citing))
        best, best_score = "", 0.0
        for unit in split_units(hit.text):
            score = sum(w for t, w in analyze(unit.text).items() if t in wanted)
            if score > best_score:
                best, best_score = unit.text, score
        return best or hit.text[:QUOTE_FALLBACK_CHARS].strip()


def unsupported_sentences(text: str) -> list[str]:
    """Sentences (or list blocks) that carry no [n]. Lead-ins ending in ':' introduce a cited
    list or sentence rather than claim anything, so they are not reported."""
    out = []
    for unit in split_units(text):
        sentence = unit.text.strip()
        if _WORD.search(sentence) and not cited_numbers(sentence) and not sentence.endswith(":"):
            out.append(sentence)
    return out


REWRITE_SYSTEM = (
    "You rewrite the user's last question in a conversation about Swedish regional cultural policy "
    "so that it can be understood without the conversation. Replace words that point back (it, they, "
    "den, det, dessa, nämnden, beslutet, planen, där, då ...) with what they refer to in the earlier "
    "questions. Keep the meaning, the question form and the language of the last question (Swedish "
    "stays Swedish, English stays English). Do not answer it. Reply with the rewritten question only, "
    "on one line, with nothing else."
)
# A standalone question is rarely longer than the follow-up and its antecedent together; much
# more than that is a model answering or explaining instead of rewriting.
REWRITE_MAX_CHARS = 400
REWRITE_TIMEOUT_S = 10.0
_REWRITE_LABEL = re.compile(r"^\s*(?:rewritten question|standalone question|question|fråga|omskriven fråga)\s*:\s*", re.I)
_CONTENT_WORD = re.compile(r"[\wåäöÅÄÖéÉ]{4,}")


def _content_stems(text: str) -> set[str]:
    # Five-letter prefixes, so "beslutet" in the rewrite matches "beslutade" in the history.
    return {w.lower()[:5] for w in _CONTENT_WORD.findall(text)}


def valid_rewrite(rewrite: str, question: str, history: tuple[str, ...] | list[str]) -> str | None:
    """The model's rewrite cleaned, or None when it is not a usable standalone question: empty,
    more than one line, absurdly long, in the other language, or sharing no content word with
    the question and the conversation (a model that answered or drifted)."""
    text = _REWRITE_LABEL.sub("", rewrite.strip()).strip().strip('"“”\'').strip()
    if not text or "\n" in text or len(text) > min(REWRITE_MAX_CHARS, 2 * (len(question) + len(history[-1])) + 40):
        return None
    if is_english(text) != is_english(question):
        return None
    words = _content_stems(text)
    own, earlier = _content_stems(question), _content_stems(" ".join(history))
    if (own and not words & own) or (earlier and not words & earlier):
        return None
    return text


class FollowUpRewriter:
    """One short chat completion that phrases a follow-up as a standalone question. Any failure
    (endpoint down, timeout, an unusable reply) returns None: the deterministic resolver then
    decides, so a broken model never costs the conversation its context."""

    def __init__(self, llm: LLM):
        self.llm = llm
        self.last_error: BaseException | None = None

    def __call__(self, question: str, history: tuple[str, ...]) -> str | None:
        if not history:
            return None
        earlier = "\n".join(f"- {turn}" for turn in history[-3:])
        messages = [
            ChatMessage(role=MessageRole.SYSTEM, content=REWRITE_SYSTEM),
            ChatMessage(role=MessageRole.USER, content=f"Earlier questions:\n{earlier}\n\nLast question: {question}"),
        ]
        try:
            reply = self.llm.chat(messages).message.content or ""
        except Exception as error:  # noqa: BLE001 - any endpoint failure means "resolve without it"
            self.last_error = error
            return None
        self.last_error = None
        return valid_rewrite(reply, question, history)


def build_rewriter(settings: Settings) -> FollowUpRewriter | None:
    """A follow-up rewriter on the configured endpoint, with a shorter timeout than answering:
    the user is waiting for the answer, and the resolver without a model is a fair fallback."""
    if not settings.llm_enabled:
        return None
    from llama_index.llms.openai_like import OpenAILike

    return FollowUpRewriter(OpenAILike(
        model=settings.llm_model, api_base=settings.llm_base_url, api_key=settings.llm_api_key,
        is_chat_model=True, context_window=8192, temperature=0.0, max_tokens=120,
        timeout=min(settings.llm_timeout_s, REWRITE_TIMEOUT_S), max_retries=0,
    ))


def build_llm(settings: Settings) -> LLM | None:
    """The configured endpoint as a llama-index LLM, or None when no endpoint is configured."""
    if not settings.llm_enabled:
        return None
    # Imported here so the extractive-only setup never pays for loading the openai client.
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.llm_model, api_base=settings.llm_base_url, api_key=settings.llm_api_key,
        is_chat_model=True, context_window=8192, temperature=0.0,
        # No retries: a local model that failed once will likely fail again, and the user waits.
        timeout=settings.llm_timeout_s, max_retries=0,
    )
