"""A question analysed once: what retrieval searches for, which terms and names it is about,
what kind of answer it wants. Retrieval, reranking and answering all take the `Query`; none of
them looks at the raw string again for language, names, answer kinds or follow-up context.
`assistant.query_analysis.QueryAnalyzer` builds it; `assistant.query_rules` holds the rules that
read the question's wording."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from assistant.answer_types import ANSWER_KINDS


class QueryPart(BaseModel):
    """One ask of a question (assistant.parts): what a sentence answering it must cover and name."""

    model_config = ConfigDict(frozen=True)

    text: str
    search_text: str  # what retrieval searches for this part alone
    answer_terms: dict[str, float]
    # The names and numbers this part mentions itself: its answering sentence must name them;
    # and those the rest of the question mentions, which its passage must name.
    own_entity_terms: tuple[frozenset[str], ...] = ()
    context_entity_terms: tuple[frozenset[str], ...] = ()
    # The day and month this part names (Query.date_entity_terms): another part's month ("… och
    # vem var ordförande i december 2019?") says nothing about this one.
    date_entity_terms: tuple[frozenset[str], ...] = ()
    shape_kinds: tuple[str, ...] = ()
    counted_terms: frozenset[str] | None = None
    # "Vilka kommuner deltog inte?": only a sentence that itself negates or excepts answers it.
    negated: bool = False
    # "När ska regeringen lägga fram …?": the answer is a step still to come (question_words.FUTURE_ASK).
    asks_future: bool = False
    # "Vilket datum i september 2023 …?": the month (1-12) the asked day lies in.
    day_month: int | None = None
    # "Vad sa kulturministern om …?": the speaker's head word (question_words.speaker_head), which
    # the answering sentence, the one before it or its passage's title must name.
    speaker_terms: frozenset[str] = frozenset()
    # "Vilka ledamöter …?", "Vem var ordförande …?": the role's root (its stem less an
    # inflection's letters, so "ledamot" and "ledamöter" share it and "styrelseordförande" holds
    # it; ingest.analyzer.inflection_root), which the sentence naming the person must also name: a
    # person named in another capacity is no answer.
    role_roots: frozenset[str] = frozenset()

    @property
    def required_shapes(self) -> list[re.Pattern[str]]:
        return [ANSWER_KINDS[k].holds for k in self.shape_kinds if ANSWER_KINDS[k].required]

    @property
    def conditions(self) -> list[str]:
        """The kinds that are conditions on the answering sentence (answer_types.AnswerKind.condition)."""
        return [k for k in self.shape_kinds if ANSWER_KINDS[k].condition]


class Query(BaseModel):
    """Everything later stages need to know about a question, computed by `QueryAnalyzer`."""

    model_config = ConfigDict(frozen=True)

    text: str
    history: tuple[str, ...] = ()
    english: bool = False
    follow_up: bool = False
    # The question as it stands alone: a follow-up resolved against the conversation ("När ska
    # Regional kulturplan för Skåne 2025–2028 börja gälla?"), else the previous turn before it.
    resolved_text: str
    # What retrieval searches for: the question, after the previous turn when it depends on it,
    # with Swedish equivalents of English domain words.
    search_text: str
    # idf-weighted terms of the question (a follow-up borrows the previous turn's at half weight),
    # the evidence a sentence must cover; and of the whole search text, for reranking passages.
    answer_terms: dict[str, float]
    search_terms: dict[str, float]
    # Answer terms no indexed passage contains (misspellings, inflections the documents lack).
    unindexed_terms: frozenset[str] = frozenset()
    # Names, years and SFS numbers the question is about, each as the index terms that spell it.
    entities: tuple[str, ...] = ()
    entity_terms: tuple[frozenset[str], ...] = ()
    # The same for the question as it stands alone: a follow-up ("Och när beslutade de om den?")
    # is also about the names it borrows from the conversation.
    subject_entity_terms: tuple[frozenset[str], ...] = ()
    # A day and month the question names ("den 24 oktober"), each as the index terms that spell it:
    # the answering sentence's document must name them.
    date_entity_terms: tuple[frozenset[str], ...] = ()
    # Names in answer_types.ANSWER_KINDS of the kinds of answer asked for (date, amount, ...).
    shape_kinds: tuple[str, ...] = ()
    # "hur många anställda": what a count must count (None when no count is asked for).
    counted_terms: frozenset[str] | None = None
    wants_list: bool = False
    chronological: bool = False
    wants_definition: bool = False
    wants_document: bool = False
    about_decision: bool = False
    about_process: bool = False
    # "Vad sa 8 § förordningen (2010:2012) 2015?": the § asked for ("8 §", "9 a §"), and the date
    # asked about (ISO; None: now). Set only for a question about the wording of one §.
    paragraph: str | None = None
    as_of: str | None = None
    # "Vad ändrades i 2 § 2020?": the wording before the date is quoted beside the one after it.
    compares_wordings: bool = False
    regulation_refs: tuple[str, ...] = ()
    # The asks an answer must cover one by one (one part, the whole question, for a single ask).
    parts: tuple[QueryPart, ...] = ()

    @property
    def shapes(self) -> list[re.Pattern[str]]:
        """Sentence patterns that hold an answer of each kind asked for."""
        return [ANSWER_KINDS[k].holds for k in self.shape_kinds if not ANSWER_KINDS[k].condition]

    @property
    def required_shapes(self) -> list[re.Pattern[str]]:
        """The facts the question asks for (a date, an amount, a count): an answer states one."""
        return [ANSWER_KINDS[k].holds for k in self.shape_kinds if ANSWER_KINDS[k].required]
