"""Builds the `Query` (assistant.query) from a question and the conversation before it, with the
index's own analyzer and term statistics."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from assistant.answer_types import AMOUNT_HEADING, ANSWER_KINDS, ROLE, SIGNING, STATUTE, STATUTE_SIGNATURE
from assistant.conversation import contextualize, is_english, is_follow_up, question_entities, standalone_question
from assistant.glossary import swedish_equivalents, swedish_name
from assistant.lexicon import general_idf, is_common_english, standard_spelling
from assistant.parts import Part, asking_clause, split_parts, split_scene
from assistant.query import Query, QueryPart
from assistant.question_words import (
    COUNTED, FUTURE_ASK, PARTICIPANT_WORDS, PARTICIPATION, asks_negation, excepted_spans, speaker_head, without_asking_phrases,
)
from assistant.query_rules import (
    DECISION_QUESTION, DEFINITION_QUESTION, DOCUMENT_QUESTION, ENGLISH_ROLE_ROOTS, LIST_QUESTION, PROCESS_QUESTION,
    ROLE_VERB_ROOTS, TIME_QUESTION, answer_kinds, day_month, only_excepted, title_word, with_repeated_asks,
)
from assistant.wording_question import wording_question
from ingest.analyzer import SwedishAnalyzer, inflection_root
from ingest.dates import MONTHS

_SFS_NUMBER = re.compile(r"\b\d{4}:\d+\b")
# Decision-making bodies ("regionfullmäktige", "Kulturrådets styrelse", "kultur- och fritidsnämnden",
# "regeringen"): a question names its body as it names a region, and a date or decision of another
# body answers another question. Written in lower case, so the capitalised-name rule misses them.
_BODY = re.compile(r"\b(?:[\wåäö-]*(?:nämnd|nämnden|fullmäktige|styrelse|styrelsen|beredning|beredningen|utskott|utskottet)|regeringen|riksdagen)\b")
# A term no index holds: its idf is the highest any term can have.
_NO_TERM = "\x00"
_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
# A day or a month the question names ("den 24 oktober", "i november"): a passage about another
# day answers another question. The day and its month are named separately, so both must match.
_DAY_OR_MONTH = re.compile(rf"\b(?:(?P<day>[0-3]?\d)\s+)?(?P<month>{'|'.join(MONTHS)})\b", re.I)
# Minutes number their items "§ 121"; the analyzer indexes the number alone.
_ITEM_PARAGRAPH = re.compile(r"§\s?(\d{1,3})\b")


def _roots_named(roots_by_word: dict[str, str], text: str) -> frozenset[str]:
    """The role roots of the table's words that `text` uses as whole words."""
    return frozenset(root for word, root in roots_by_word.items() if re.search(rf"\b{word}\b", text, re.I))


class QueryAnalyzer:
    """Builds the `Query` with the index's own analyzer and term statistics."""

    def __init__(
        self, analyzer: SwedishAnalyzer, idf: Callable[[list[str]], dict[str, float]],
        rewriter: Callable[[str, tuple[str, ...]], str | None] | None = None,
        names: Callable[[], frozenset[str]] | None = None,
    ):
        # `rewriter` (an LLM, assistant.llm.FollowUpRewriter) may phrase a follow-up as a standalone
        # question; None from it (or no rewriter) means the deterministic resolver decides.
        self.analyzer, self.idf, self.rewriter = analyzer, idf, rewriter
        # Stems of the names the documents use (assistant.names), for questions in lower case.
        self.names = names

    def analyze(self, question: str, history: list[str] | tuple[str, ...] = ()) -> Query:
        asked, question = question, standard_spelling(question)
        history = tuple(standard_spelling(turn) for turn in history)
        english = is_english(question)
        own_terms = len(self.analyzer.analyze(question))
        follow_up = bool(history) and is_follow_up(question, own_terms)
        standalone = self._standalone(question, history, own_terms) if follow_up else None
        resolved_text = standalone or contextualize(question, list(history), own_terms)
        # The resolved question is searched for, and still after the previous turn, so nothing
        # the conversation was about is lost when the resolution picked too narrow a phrase.
        base = standalone or question
        search = f"{base} {swedish_equivalents(base)}" if english else base
        search_text = f"{history[-1]} {search}" if follow_up else search
        if SIGNING.search(question) and STATUTE.search(f"{resolved_text} {search_text}"):
            search_text = f"{search_text} {STATUTE_SIGNATURE}"
        entities, terms_of_entity = self._entities(question, english)
        entity_terms = tuple(g for g in (terms_of_entity[e] for e in entities) if g)
        if follow_up and resolved_text != question:
            subject, terms_of_subject = self._entities(resolved_text, english)
            subject_entity_terms = tuple(g for g in (terms_of_subject[e] for e in subject) if g)
        else:
            subject_entity_terms = entity_terms
        counted = COUNTED.search(question)
        answer_terms = self._answer_terms(question, history, english, entities)
        parts = self._parts(question, history, english, entities, terms_of_entity, answer_terms)
        return Query(
            text=asked, history=history, english=english, follow_up=follow_up, search_text=search_text,
            resolved_text=resolved_text,
            answer_terms=answer_terms, unindexed_terms=self._unindexed(answer_terms),
            search_terms=self._weighted(dict(self.analyzer.analyze_query(search_text)), search_text),
            entities=entities, entity_terms=entity_terms, subject_entity_terms=subject_entity_terms,
            date_entity_terms=self._date_terms(question),
            # Each part ("Vem … och när …?") asks for its own kinds; the question for all of them.
            shape_kinds=tuple(name for name in ANSWER_KINDS if any(name in part.shape_kinds for part in parts)),
            counted_terms=self._counted(counted, english),
            wants_list=bool(LIST_QUESTION.search(question)),
            chronological=bool(TIME_QUESTION.search(question)),
            wants_definition=bool(DEFINITION_QUESTION.search(question)),
            wants_document=bool(DOCUMENT_QUESTION.search(question)),
            about_decision=bool(DECISION_QUESTION.search(resolved_text)),
            about_process=bool(PROCESS_QUESTION.search(resolved_text)),
            regulation_refs=tuple(_SFS_NUMBER.findall(question)),
            **wording_question(resolved_text, len(parts)),
            parts=parts,
        )

    def _entities(self, text: str, english: bool) -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
        """The names, years and SFS numbers `text` mentions, each with the index terms that spell it."""
        # A currency or unit ("SEK", "MSEK") says what kind of amount is asked for, not what it is about.
        entities = tuple(e for e in question_entities(text) if not AMOUNT_HEADING.fullmatch(e))
        entities += tuple(m.group(0) for m in _BODY.finditer(text) if m.group(0) not in entities)
        entities += tuple(f"§ {m.group(1)}" for m in _ITEM_PARAGRAPH.finditer(text) if f"§ {m.group(1)}" not in entities)
        names = self.names() if self.names is not None else frozenset()
        if names:
            lowered = {e.lower() for e in entities}
            entities += tuple(dict.fromkeys(
                w for w in re.findall(r"\b[a-zåäö][\wåäö-]{2,}", text)
                if w not in lowered and self.analyzer.stem(w) in names
            ))
        if english:
            entities = tuple(e for e in entities if not title_word(e, text))
        entities = tuple(e for e in entities if not only_excepted(e, text))
        spelled = {e: (swedish_name(e) or e) if english else e for e in entities}
        # Whole words only (a compound fragment of "Helsingborgs" does not name Helsingborg), and
        # a paragraph reference only as itself: "6 §" is not named by any passage holding a 6.
        # A minutes item ("§ 122") is indexed as its number alone. A compound whose first part is
        # a name the documents use ("Almedalsseminariet", "Skånebiennalen") is also named by that
        # name ("seminarium i Almedalen").
        terms_of_entity = {
            e: frozenset({item.group(1)}) if (item := _ITEM_PARAGRAPH.fullmatch(e)) else frozenset(
                t for t, w in self.analyzer.analyze(spelled[e]).items()
                if (w >= 1.0 and ("§" in t or "§" not in e)) or (t in names and e.lower().startswith(t))
            )
            for e in entities
        }
        return entities, terms_of_entity

    def _counted(self, counted: re.Match[str] | None, english: bool) -> frozenset[str] | None:
        """What "hur många X" counts; None when X is a function word ("hur många av dem …?",
        a follow-up counting what the previous turn was about): any count then answers. A verb
        of taking part ("hur många deltog") counts the participants (question_words.PARTICIPATION)."""
        if counted is None or english:
            return None
        if PARTICIPATION.match(counted.string, counted.start()):
            # Stems only: compound fragments ("verk" of "medverkande") would match anything.
            return frozenset(self.analyzer.stem(word) for word in PARTICIPANT_WORDS.split())
        word = counted.group(1)
        # "Hur många års arbete", "hur många dagars": a genitive counts its noun ("fem år").
        genitive = word[:-1] if word.lower().endswith("s") and counted.string[counted.end():].lstrip()[:1].isalpha() else ""
        return (self.analyzer.term_set(word) | (self.analyzer.term_set(genitive) if len(genitive) >= 2 else frozenset())) or None

    def _date_terms(self, text: str) -> tuple[frozenset[str], ...]:
        """Class: a question that names a day or a month ("den 24 oktober 2014", "i november"). A
        document that names neither tells of another day; the day and its month are checked
        separately, so both must be there. Checked against the document's retrieved passages and
        its date (the sentence that answers need not repeat the date the question sets)."""
        groups: list[frozenset[str]] = []
        for m in _DAY_OR_MONTH.finditer(text):
            for word in (m["day"], m["month"]):
                if word and (terms := frozenset(t for t, w in self.analyzer.analyze(word).items() if w >= 1.0)) and terms not in groups:
                    groups.append(terms)
        return tuple(groups)

    def _parts(
        self, question: str, history: tuple[str, ...], english: bool, entities: tuple[str, ...],
        terms_of_entity: dict[str, frozenset[str]], question_terms: dict[str, float],
    ) -> tuple[QueryPart, ...]:
        parts = []
        for part in split_parts(question, entities):
            asking, scene = split_scene(part.text)
            own = self._answer_terms(asking, history, english, part.own_entities)
            # The scene the part sets ("… vid sammanträdet den 19 juni 2024", "… när modellen
            # infördes") and the rest of the question ("hur många aktörer deltog?" is about the
            # dialogue meetings of the clause before) are context, at half weight.
            context = self._answer_terms(scene, history, english, ()) if scene.strip() else {}
            # A clause is complete without the clauses after it, which point back to it, not the
            # reverse: "Hur stor är budgeten 2020 och hur mycket av det är regionbidrag?" asks
            # first for the budget, whatever the later clause names.
            later = self._later_terms(part, english)
            weights = dict(own) | {
                t: 0.5 * w for t, w in (context | {t: w for t, w in question_terms.items() if t not in context}).items()
                if t not in own and t not in later
            }
            counted = COUNTED.search(part.text)
            kinds = answer_kinds(part.text)
            parts.append(QueryPart(
                text=part.text, answer_terms=weights,
                search_text=f"{part.text} {swedish_equivalents(part.text)}" if english else part.text,
                own_entity_terms=tuple(g for g in (terms_of_entity.get(e, frozenset()) for e in part.own_entities) if g),
                context_entity_terms=tuple(g for g in (terms_of_entity.get(e, frozenset()) for e in part.context_entities) if g),
                # A part that names nothing of its own ("…, och vad beslutades?") is about the day the rest names.
                date_entity_terms=self._date_terms(part.text) or (() if part.own_entities else self._date_terms(question)),
                shape_kinds=kinds,
                counted_terms=self._counted(counted, english),
                negated=asks_negation(part.text[slice(*asking_clause(part.text))]),
                asks_future=bool(FUTURE_ASK.search(part.text)),
                day_month=day_month(part.text, kinds),
                speaker_terms=self._speaker_terms(part.text, english),
                role_roots=self._role_roots(part.text, english),
            ))
        return with_repeated_asks(tuple(parts))

    def _later_terms(self, part: Part, english: bool) -> frozenset[str]:
        """Terms only the clauses after the part's own name. From the question alone: what an
        earlier turn adds is context for every part, not something a later clause names."""
        if not part.following.strip():
            return frozenset()
        return frozenset(self._answer_terms(part.following, (), english, ())) - frozenset(
            self._answer_terms(f"{part.preceding} {part.text}", (), english, ()))

    def _speaker_terms(self, text: str, english: bool) -> frozenset[str]:
        head = None if english or not ANSWER_KINDS["statement"].asks.search(text) else speaker_head(text)
        return frozenset({self.analyzer.stem(head.lower())}) if head else frozenset()

    def _role_roots(self, text: str, english: bool) -> frozenset[str]:
        if not ANSWER_KINDS["person"].asks.search(text):
            return frozenset()
        # "Vem justerade/modererade …?", "Who chaired …?" asks for the holder of a role the verb
        # names: "Justerare: Anna Ek", "Lars Nordström, moderator". A verb with no role noun
        # ("ledde") stays free.
        # A role an exception sets aside ("Vilka ledamöter, förutom ordföranden, …?") is not asked for.
        for start, end in excepted_spans(text):
            text = f"{text[:start]}{' ' * (end - start)}{text[end:]}"
        verb_roots = _roots_named(ROLE_VERB_ROOTS, text)
        if SIGNING.search(text):  # "Vilken kulturminister skrev under …?": a signature names no role
            return verb_roots
        if english:  # an English role noun is no Swedish stem: its Swedish role's root
            return verb_roots | _roots_named(ENGLISH_ROLE_ROOTS, text)
        # The role's inflection root, which a sentence's word must contain: a compound role keeps
        # its first part, so "kulturminister" is not named by "kulturrådet" (a five-letter root
        # "kultu" would be).
        return verb_roots | frozenset(inflection_root(self.analyzer.stem(m.group().split()[-1].lower())) for m in ROLE.finditer(text))

    def _swedish_words(self, question: str) -> list[str]:
        """Class: an English question quoting the documents' own Swedish terms ("the 2019
        appropriation directions (regleringsbrev)", "the kulturberedning", "the annual arvode"):
        a word that is no common English word and that the index holds is evidence an answer
        must cover, as in a Swedish question; an English word the index lacks is not."""
        words = [w for w in dict.fromkeys(re.findall(r"[^\W\d_]{4,}", question)) if not is_common_english(w)]
        terms = {w: self.analyzer.stem(w.lower()) for w in words}
        unindexed = self._unindexed(dict.fromkeys(terms.values(), 1.0))
        return [w for w, t in terms.items() if t not in unindexed]

    def _unindexed(self, terms: dict[str, float]) -> frozenset[str]:
        """The terms whose idf is that of a term no passage contains."""
        idf = self.idf([*terms, _NO_TERM])
        return frozenset(t for t in terms if idf.get(t, 0.0) >= idf[_NO_TERM] and not any(ch.isdigit() for ch in t))

    def _standalone(self, question: str, history: tuple[str, ...], own_terms: int) -> str | None:
        rewritten = self.rewriter(question, history) if self.rewriter is not None else None
        return rewritten or standalone_question(question, history, own_terms)

    def _weighted(self, weights: dict[str, float], text: str) -> dict[str, float]:
        """Each term weighted by its idf: the corpus's, but no more than the word's idf in general
        Swedish (lexicon.general_idf), so an everyday word the corpus happens to lack ("fick",
        "pengar") does not outweigh the words that say what the question is about."""
        idf = self.idf(list(weights))
        cap: dict[str, float] = {}
        for token in self.analyzer.tokens(text):
            if token.isalpha():  # a word's query term is its stem (analyzer.analyze_query)
                term = self.analyzer.stem(token)
                cap[term] = min(cap.get(term, math.inf), general_idf(token))
        return {t: w * min(idf[t], cap.get(t, math.inf)) for t, w in weights.items() if idf.get(t, 0.0) > 0}

    def _answer_terms(self, question: str, history: tuple[str, ...], english: bool, entities: tuple[str, ...]) -> dict[str, float]:
        current = self.analyzer.analyze_query(without_asking_phrases(question))
        if english:
            # English function words are unknown to the Swedish index and would read as missing evidence.
            # Numbers are the same in both languages ("SEK 1.24 billion", "1,24 miljarder kronor").
            numbers = " ".join(_NUMBER_TOKEN.findall(question))
            swedish = " ".join(self._swedish_words(question))
            current = self.analyzer.analyze_query(f"{' '.join(entities)} {numbers} {swedish_equivalents(question)} {swedish}")
        weights, text = dict(current), f"{question} {swedish_equivalents(question) if english else ''}"
        if history and is_follow_up(question, len(current)):
            text += f" {history[-1]}"
            for term, w in self.analyzer.analyze_query(history[-1]).items():
                weights[term] = weights.get(term, 0.0) + 0.5 * w
        return self._weighted(weights, text)
