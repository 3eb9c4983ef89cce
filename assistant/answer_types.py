"""What kind of answer a question asks for (a date, a day, an amount, a count, a §, a body or person)
and what a sentence holding such an answer looks like. Read once into the `Query`; shared by
the retriever's shape bonus, the reranker and the extractive answerer."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
# A number as Swedish writes a count: digits, or a number word ("tre delstudier", "fyra år").
NUMBER = re.compile(
    r"\b(\d[\d  ]*(?:[,.]\d+)?|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|"
    r"sexton|sjutton|arton|nitton|tjugo|trettio|fyrtio|femtio|hundra|tusen)\b",
    re.I,
)

# A count as a number or as an approximate one ("ett fyrtiotal aktörer", "hundratals deltagare").
COUNT = re.compile(
    rf"{NUMBER.pattern}|\b(?:tio|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|hundra|tusen)tal(?:s|et)?\b|\bdussin\w*",
    re.I,
)


# Negation, absence and exception, as a question asks for them ("deltog inte", "who was absent")
# and as a sentence states them ("med undantag för Stockholm", "saknades", "not represented").
NEGATION = re.compile(
    r"\b(inte|ej|icke|aldrig|ingen|inget|inga|saknade?s?|frånvarande|uteblev|avstod|undantag\w*|förutom|utom|"
    r"not|never|none|absent|without|except\w*|missing)\b",
    re.I,
)
# A sum of money the question goes on to name ("… Region Skånes statsbidrag …", "… regionbidraget …").
_MONEY_NOUN_AFTER = r"(?:\s+[\wåäö]+){0,5}?\s+[\wåäö]*(?:bidrag|anslag|budget|finansiering|pengar|medel)\w*\b"


@dataclass(frozen=True)
class AnswerKind:
    """A kind of answer: how a question asks for it, and how a sentence that holds it looks.
    `required` kinds are facts (a date, an amount, a count): an answer must state one. A
    `condition` is no value (so never `required`) but something the answering sentence must also
    be (a succession, not a plan): the kinds a part asks are alternatives, its conditions all hold."""

    asks: re.Pattern[str]
    holds: re.Pattern[str]
    required: bool = True
    # The answer is a value the question lacks (a date, an amount, a name); a statement's speech
    # verb may be the question's own ("Vad sa X?" -> "… sa X att …").
    new_value: bool = True
    condition: bool = False
    # A sentence matching this does not hold the kind, whatever else it holds.
    rejects: re.Pattern[str] | None = None
    # A cue that spans more than the opening words ("Hur förändrades Region Skånes statsbidrag"):
    # searched in the whole asking clause.
    asks_clause: re.Pattern[str] | None = None
    # The kind may be held by the opening of the sentence after the answering one: a reason is
    # told next to what it explains ("… förlängdes planen. Skälet är att …").
    nearby: bool = False

    def asked_in(self, phrase: str, clause: str) -> bool:
        """Whether a question whose opening words are `phrase` and whose asking clause is `clause`
        asks for this kind (a condition is about the whole clause)."""
        if self.asks.search(clause if self.condition else phrase):
            return True
        return self.asks_clause is not None and bool(self.asks_clause.search(clause))

    def held_by(self, text: str, question: str) -> bool:
        if self.rejects is not None and self.rejects.search(text):
            return False
        return answers_with(self.holds, text, question) if self.new_value else bool(self.holds.search(text))


# Roles a person holds, as a question names them.
_ROLE = (r"(?:ordförande\w*|vice\s+ordförande|moderator\w*|generaldirektör\w*|\w*chef(?:en|er|erna)?|utredare\w*|"
         r"ledamot\w*|ledamöter\w*|justerare\w*|sekreterare\w*|\w*minister\w*|regionråd\w*|kommunalråd\w*|"
         r"gäst(?:en|er|erna)?|talare(?:n|na)?|föreläsare(?:n|na)?|pristagare(?:n|na)?|forskare(?:n|na)?|expert(?:en|er|erna)?|"
         r"chair\w*|director\w*|ministers?|investigators?|secretar(?:y|ies)|guests?|speakers?|researchers?|experts?)\b")
ROLE = re.compile(rf"\b{_ROLE}", re.I)
# Class: who the members of a body are, read from a list that marks each elected member by party
# ("Isabella Hökmark (M)", "Michael Sjöö (S)"), as signature blocks and attendance lists of
# committees and parliamentary groups do: the party letters say what "ledamot" would.
MEMBER_ROLE_ROOT = "ledam"
PARTY_MEMBER = re.compile(r"\b[A-ZÅÄÖ][\wåäöé-]+(?:\s+[A-ZÅÄÖ][\wåäöé-]+)+,?\s*\((?:S|M|SD|MP|C|V|KD|L|FP)\)")
# "Vem ledde …?", "Vem efterträdde …?": the verb asks for a person, and the sentence naming one
# seldom repeats it ("Kulturnämndens ordförande Yngve Petersson").
PERSON_VERB = re.compile(
    r"\b(?:vem|vilka|who)\s+(?:efterträdde|modererade|ledde|justerade|undertecknade|succeeded|moderated|chaired|led|signed)\b", re.I
)
# "Vem fick Region Skånes kulturpris?", "Who won the award?": a prize, an award or a grant to a
# person goes to someone the answer must name; a sentence telling that the prize is handed out
# names no winner.
PRIZE_RECIPIENT = re.compile(
    r"\b(?:vem|vilka|who)\s+(?:fick|får|tilldelades|vann|erhöll|won|received|got)\b"
    r"(?=[^?]*?\w*(?:pris|priset|prisen|stipendi\w*|utmärkelse\w*|prize|award)\b)",
    re.I,
)
# "Vilka undertecknade lagen?", "Vilket statsråd skrev under …?", "Which ministers signed it?": who
# signed a text. A signature names no role ("FREDRIK REINFELDT"), so the kind asks for a person.
SIGNING = re.compile(
    r"\b(?:vem|vilka|vilken|vilket|who|which)\b(?:\s+[\wåäö]+){0,2}?\s+"
    r"(?:undertecknade|undertecknat|skrev\s+under|skrivit\s+under|signerade|signerat|signed)\b",
    re.I,
)
# A statute is signed under this formula, which a question about its signatories never uses;
# retrieval searches for it as well (assistant.query_analysis), or the signature lines are not found.
STATUTE_SIGNATURE = "På regeringens vägnar"
STATUTE = re.compile(r"\b(?:lag|lagen|lagens|förordning\w*|sfs|act|ordinance)\b|\b\d{4}:\d+\b", re.I)
# A Swedish compound's last part says what it names: "Blekinge Folkhögskola", "Skånes Dansteater"
# and "Västra Götalandsregionen" are places and organisations, not people.
_PLACE_HEADS = (
    "skola", "skolan", "teater", "teatern", "museum", "museet", "bibliotek", "biblioteket", "huset", "hallen",
    "regionen", "landsting", "landstinget", "kommun", "kommunen", "stad", "staden", "län", "opera", "operan",
    "förbund", "förbundet", "rådet", "verket", "akademien", "institutet", "centrum", "gården",
)
# A person's name: two or three capitalised words ("Gitte Grönfeld Wille", "Anna Livion-Ingvarsson"), or
# a signature in capitals ("FREDRIK REINFELDT"); not an official name's generic first word ("Region
# Skåne", "Landstinget Kronoberg").
# A word of a name is no common noun: not a place or organisation head, not a derived noun
# ("Information", "Utredning", "Verksamhet") and not a long compound ("Utvecklingsmedel"): an
# agenda's "24 Information Kulturrådet Utvecklingsmedel Beslut" names no one.
_NOUN_ENDINGS = ("tion", "het", "heten", "else", "elsen", "skap", "skapet", "itet", "iteten", "ism", "medel", "beslut")
_NAME_WORD = (
    r"(?![A-ZÅÄÖ][a-zåäöéü]{13,})(?![A-ZÅÄÖ][a-zåäöéü]{4,}ning(?:en)?\b)"
    r"(?!(?i:[a-zåäöéü]*(?:" + "|".join(_PLACE_HEADS + _NOUN_ENDINGS) + r"))\b)"
    r"[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?"
)
_PERSON_NAME = re.compile(
    r"\b(?!(?:Region|Regionen|Landstinget|Länsstyrelsen|Statens|Västra|Myndigheten|Kommunförbundet|Den|Det|De|Vid|Från)\b)"
    rf"{_NAME_WORD}\s(?:{_NAME_WORD}\s)?{_NAME_WORD}\b|"
    r"\b[A-ZÅÄÖ]{3,}\s[A-ZÅÄÖ]{3,}\b"
)
# Minutes and tables abbreviate months ("3 apr. 2019", "12 sept").
_MONTH_ABBREVIATIONS = r"jan|febr?|apr|jun|jul|aug|sept?|okt|nov|dec"
_DAY = rf"\d{{1,2}} ({_MONTHS}|(?:{_MONTH_ABBREVIATIONS})\b\.?)|\d{{4}}-\d{{2}}-\d{{2}}"
# A year inside a registration or statute number ("Sty 2018:4", "Dnr Adm 2018/169", "SFS
# 2010:2012") dates nothing.
_DATE_HOLDS = re.compile(rf"\b({_DAY}|({_MONTHS}) \d{{4}}|\d{{4}}-\d{{2}}|(?<![:/])(19|20)\d{{2}}(?![:/]\d))\b", re.I)
# "När beslutade …?", "Vilket datum fastställde …?", "When did …?": a date asked of a done event,
# told by the verb after the asking phrase in the past tense (weak "-ade/-de/-te/-des", strong
# "hölls", "antogs", "blev"); "When was it due to meet?" asks for a plan.
_PRETERITE_VERB = (
    r"(?:\w+(?:ade|[^aen\W]de|dde|tte|[^\Ws]te)s?|\w*(?:hölls|höll|antogs|togs|tog|fick|blev|var|kom|gavs|gav|skrevs|"
    r"skrev|beslöts|beslöt|gick|drogs|sköts))"
)
_ASKS_PAST = re.compile(
    rf"\b(?:när|vilket år|vilket datum|vilken dag|sedan när|från när)\s+{_PRETERITE_VERB}\b|"
    r"\b(?:when|what year|which year|what date|which date|which day|on what date)\s+(?:did|was|were|had)\b(?!.*\b(?:due|planned|scheduled|expected|supposed|set)\s+to\b)",
    re.I,
)
# A sentence that tells a plan ("kommer fattas", "ska beslutas", "planeras"), with no verb telling
# that something was done ("fattade", "har beslutat", "hölls").
_PLAN_ONLY = re.compile(
    r"^(?!.*\b(?:har|hade|\w+(?:ade|ades|dde|ddes|tte|ttes)|hölls|antogs|beslöt|beslöts|fick|blev|was|were|did|had)\b)"
    r".*\b(?:kommer\s+(?:att\s+)?\w+|ska|skall|planeras|planerad\w*|avses|beräknas|will|(?:is|are)\s+(?:planned|scheduled|expected))\b",
    re.I | re.S,
)
_ASKS_REFERENCE = re.compile(
    r"\b(diarienummer|diarienumret|diarienr|dnr|ärendenummer|uppdragsnummer|reference numbers?|case numbers?|"
    r"file numbers?|registration numbers?|assignment numbers?|diary numbers?)\b", re.I,
)
# The cues that introduce a consequence ("… och därför förmedlas medlen …", "Som en följd
# därav …"): what follows them is the effect, so they tell why only of an event named after them.
_CONSEQUENCE_CUES = (
    r"därför|därav|därmed|följd\w*|leder\s+till|ledde\s+till|lett\s+till|leda\s+till|så\s+att|therefore|thus|hence|"
    r"as\s+a\s+result|led\s+to|leads?\s+to"
)
CONSEQUENCE = re.compile(rf"\b(?:{_CONSEQUENCE_CUES})\b", re.I)
# How documents tell a cause, a purpose or a consequence: connectives ("eftersom", "därför", "för
# att", "som en följd därav", "mot bakgrund av"), the nouns naming one ("skälet", "syftet",
# "bakgrunden är", "behovet av"), the verbs of need and effect ("kräver", "leder till",
# "riskerar", "förutsätter") and the grounds of a decision ("utifrån styrelsens kriterier",
# "enligt regeringsformen"). A sentence with none of them states what happened, not why.
REASON = re.compile(
    r"\b(?:eftersom|för\s+att|syfte\w*|syftar|avsikt\w*|anledning\w*|skäl(?:et|en)?|orsak\w*|motiv\w*|"
    r"bakgrund\w*|beror|berodde|berott|på\s+grund\s+av|p\.?g\.?a|följer\s+av|med\s+tanke\s+på|med\s+hänsyn\s+till|"
    r"behov\w*|behöver|behövs|behövde|kräver|krävs|krävde|krävt|riskera\w*|"
    r"förutsätt\w*|utifrån|enligt|baserat\s+på|grundat\s+på|på\s+grundval\s+av|med\s+stöd\s+av|because|since|due\s+to|owing\s+to|in\s+order\s+to|so\s+that|"
    rf"purposes?|aims?|reasons?|rationale|background|requires?|required|needs?|needed|based\s+on|according\s+to|{_CONSEQUENCE_CUES})\b",
    re.I,
)
ANSWER_KINDS: dict[str, AnswerKind] = {
    # "När …?" is answered by a year as well as by a day.
    "date": AnswerKind(
        re.compile(r"\b(när|vilket år|senast|sedan när|från när|when|what year|since when)\b", re.I),
        _DATE_HOLDS,
    ),
    # "Hur länge gäller planen?": a time span ("i fyra år", "tre månader"), an end ("till och med
    # 2020", "tills vidare") or the dates that bound it.
    "duration": AnswerKind(
        re.compile(r"\b(hur länge|hur lång tid|(?:for )?how long)\b", re.I),
        re.compile(
            rf"{_DATE_HOLDS.pattern}|\b(?:\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|några|flera|a|one|two|"
            r"three|four|five|six|several)\s+(?:dag|dagar|vecka|veckor|månad|månader|år|timmar?|terminer?|mandatperiod\w*|"
            r"days?|weeks?|months?|years?|terms?)\b|\b(?:till och med|tills vidare|fram till|t\.o\.m\.|until|through)\b",
            re.I,
        ),
    ),
    # "Vilket datum …?" wants the day: a year alone answers a different question.
    "day": AnswerKind(
        re.compile(r"\b(vilket datum|vilken dag|datum|what date|which date|which day)\b", re.I),
        re.compile(rf"\b({_DAY})\b", re.I),
    ),
    # Money: "fem landsting" is a count, not an amount; "18 av de 22" is a share, not a sum, and
    # "hur stor andel" asks for a share only.
    # "Hur förändrades statsbidraget från 2019 till 2020?" asks how a sum changed: its amounts
    # (or the change in kronor), not the word "förändrades".
    "amount": AnswerKind(
        # "Hur mycket ökade/sänktes …": the change verb asks how much it changed, as "hur förändrades"
        # does below; a sentence stating the levels or the change ("en höjning med") need not use it.
        re.compile(r"\b(hur mycket(?:\s+(?:har\s+|hade\s+)?(?:ökade|ökat|minskade|minskat|höjdes|höjts|sänktes|sänkts|steg|stigit|sjönk|sjunkit))?|hur stor(?! andel\b)|hur stort(?! andel\b)|belopp|summa|kronor|miljoner|kostar|kostade|kostat|kostnad\w*|how much|amount|costs?|costed)\b", re.I),
        re.compile(r"\b(?:en|ett)\s+(?:miljon|miljard)\w*|(\d[\d ,.]*|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|trettio|fyrtio|femtio|hundra))"
                   r"\s*(kronor|kr\b|tkr\b|mnkr\b|mkr\b|mdkr\b|mdr\b|mn\s?kr\b|md\s?kr\b|milj\.|msek\b|sek\b|miljon(?:er)?\b|miljard(?:er)?\b|"
                   r"procent|%|million\b|billion\b)|"
                   r"\b(?:SEK|kr)\s?\d", re.I),
        asks_clause=re.compile(
            r"\bhur\s+(?:har\s+)?(?:förändrades|ändrades|utvecklades|ökade|minskade|förändrats|ändrats|utvecklats|ökat|minskat)\b"
            rf"(?={_MONEY_NOUN_AFTER})"
            rf"|\bhur\s+(?:har|hade)(?={_MONEY_NOUN_AFTER}(?:\s+[\wåäö]+){{0,2}}?\s+(?:förändrats|ändrats|utvecklats|ökat|minskat)\b)",
            re.I,
        ),
    ),
    # Shares ("hur stor andel"): a percentage, "fyra av fem", "18 av de 22", or words ("merparten").
    "share": AnswerKind(
        re.compile(r"\b(andel(en)?|hur stor del|share|proportion)\b", re.I),
        re.compile(r"\d[\d ,.]*\s*(procent|%)|\b(\d+|en|två|tre|fyra|fem|sex|sju|åtta|nio|tio) av (?:de |dem )?(\d+|två|tre|fyra|fem|sex|sju|åtta|nio|tio)\b|\b(hälften|en (tredjedel|fjärdedel|femtedel)|(en )?(väsentlig|betydande|övervägande|större|stor|liten|mindre) del(en)?|merparten|huvuddelen|majoriteten|flertalet)\b", re.I),
    ),
    # "Hur många X": a number; the answerer also checks that it counts X.
    "count": AnswerKind(
        re.compile(r"\b(hur många|antal|antalet|how many|number of)\b", re.I),
        COUNT,
    ),
    # "Vilken paragraf i kommunallagen …?" wants a § number: a sentence about the law that cites
    # none answers another question.
    "paragraph": AnswerKind(
        re.compile(r"\b(vilken paragraf|vilka paragrafer|i vilken §|vilken §|vilket kapitel|which section|what section|which chapter)", re.I),
        re.compile(r"\b\d{1,3}(?: ?[a-h])? ?§|§ ?\d{1,3}\b|\b(?:kap\.|kapitlet) ?\d", re.I),
    ),
    # "Vilket diarienummer hade ärendet?", "What is the reference number?": a registration number
    # as documents write them ("Dnr 700-231-2016", "Ku2019/01304/KO", "Adm 2018/169", "Sty 2018:4").
    "reference": AnswerKind(
        _ASKS_REFERENCE,
        re.compile(r"\b[A-ZÅÄÖ][a-zåäö]{1,3} ?\d{4}[/:]\d+(?:/[A-ZÅÄÖ]+)?\b|\bDnr\b|\b\d{3}-\d{2,4}-\d{4}\b"),
        asks_clause=_ASKS_REFERENCE,
    ),
    # "Vem var ordförande …?", "Vilka ledamöter …?", "Vem efterträdde …?": a person in a role,
    # answered by a sentence that names a person ("Magnus Lunderquist, ordförande …"); a body's
    # name ("Region Skånes kulturnämnd") or the role alone ("Chefen för Kulturavdelningen") is not one.
    "person": AnswerKind(
        _PERSON_ASKS := re.compile(
            rf"\b(?:vem|who)\s+(?:var|är|blir|blev|e|was|is|utsågs\s+till|valdes\s+till|förordnades\s+som)\s+(?:[\wåäö']+\s+){{0,2}}?{_ROLE}|"
            rf"\b(?:vilka|vilken|which)\s+(?:(?:var|är|blev|were|was|are|is)\s+(?:[\wåäö]+\s+){{0,3}}?|[\wåäö]+\s+)?{_ROLE}|"
            rf"\bvad\s+hette\s+(?:[\wåäö]+\s+)?{_ROLE}|{PERSON_VERB.pattern}|{SIGNING.pattern}|{PRIZE_RECIPIENT.pattern}",
            re.I,
        ),
        _PERSON_NAME,
        # "Vilka var de två internationella gästerna …?": the role may stand past the opening words.
        asks_clause=_PERSON_ASKS,
    ),
    # "Vad sa kulturministern …?", "Vad tyckte kommunerna …?", "Hur svarade ledamöterna …?": what
    # someone said or thought, answered by a sentence reporting a statement or a stance (a speech
    # verb, a quotation), not by one that only tells what the speaker took part in. "Vad säger
    # lagen …?" and "Vad sade kulturutskottets uppföljning …?" ask what a text says, and are not.
    "statement": AnswerKind(
        re.compile(r"\b(?:vad|hur)\s+(?:sa|sade|tyckte|tycker|svarade|ansåg|anser|menade|menar|framförde)\b"
                   r"(?!\s+(?:[\wåäö]+s\s+)?(?:den\s+|det\s+)?(?:uppföljning|rapport|utredning|utvärdering|betänkande|"
                   r"plan|kulturplan|lag|förordning|promemoria|direktiv|protokoll|dokument|strategi)\w*)|"
                   r"\bwhat\s+did\s+\w+(?:\s+\w+)?\s+say\b|\bhow\s+did\s+\w+(?:\s+\w+)?\s+respond\b", re.I),
        re.compile(r"\b(?:säger|sa|sade|anser|ansåg|menar|menade|tycker|tyckte|betonar|betonade|framhåller|framhöll|"
                   r"konstaterar|konstaterade|påpekar|påpekade|föreslår|föreslog|välkomnar|välkomnade|avstyrker|"
                   r"tillstyrker|instämmer|kritiserar|kritiserade|understryker|svarar|svarade|skriver|skrev|framför|"
                   r"framförde|yttrande\w*|remissvar\w*|synpunkter\w*|ståndpunkt\w*|bör|borde|said|says|stated|argued)\b|"
                   r"^\s*[–—]\s|[”\"]", re.I | re.M),
        new_value=False,
    ),
    # "Vem efterträdde X?", "Vem ersatte X?": a succession, told by a sentence that tells one
    # ("efterträder", "tillträdde", "ny generaldirektör", "utsågs"); a sentence that names
    # someone else beside X ("Kennet Johansson och Rolf Tufvesson medverkar") names no successor.
    "succession": AnswerKind(
        re.compile(r"\b(?:vem|vilka|who)\s+(?:efterträdde|efterträder|ersatte|ersätter|tog\s+över\s+efter|succeeded|"
                   r"replaced|took\s+over\s+from)\b|\befterträdare\b|\bsuccessor\b", re.I),
        re.compile(r"\b(?:efterträd\w*|ersätt\w*|ersatte|tillträd\w*|tog\s+över|tar\s+över|övertar|övertog|"
                   r"nya?\s+(?:ordförande|generaldirektör\w*|\w*chef\w*|ledamot|ledamöter)|utsedd\w*|utsågs|utses|förordnad\w*|"
                   r"förordnades|rekryter\w*|succeed\w*|successor|replac\w*|appointed|took\s+over)\b", re.I),
        required=False, new_value=False, condition=True,
    ),
    # "Vilket datum fastställde fullmäktige planen?": a done event is not dated by a plan ("Beslut
    # … kommer fattas av regionfullmäktige under hösten 2024"): plans move, and the question asks
    # when it happened.
    "past_event": AnswerKind(
        _ASKS_PAST, re.compile(r"\S"), required=False, new_value=False, condition=True, rejects=_PLAN_ONLY,
    ),
    # "Varför förlängdes kulturplanen?", "Why did the Sweden Democrats enter a reservation?": a
    # reason, which the answering sentence or one beside it must tell (REASON). That an event
    # happened, however well documented, does not say why.
    "reason": AnswerKind(
        re.compile(r"\b(?:varför|why|how\s+come|av\s+vilken\s+anledning|av\s+vilket\s+skäl|hur\s+kommer\s+det\s+sig|"
                   r"vad\s+(?:var|är|blev)\s+(?:skälet|skälen|anledningen|orsaken|orsakerna|motivet|motiven)|vad\s+berodde|"
                   r"vad\s+beror|what\s+(?:was|is|were)\s+the\s+(?:reasons?|causes?|rationale)|for\s+what\s+reason)\b", re.I),
        REASON, required=False, new_value=False, condition=True, nearby=True,
    ),
    "body": AnswerKind(
        re.compile(r"\b(vem|vilka|vilken myndighet|vilket organ|vilken nämnd|who|which agency|which body)\b", re.I),
        re.compile(r"\b(nämnd\w*|styrelse\w*|myndighet\w*|kulturråd\w*|regering\w*|departement\w*|utredare|fullmäktige|[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+)\b"),
        required=False,
    ),
}


# A table or list whose heading gives the unit ("Planerad fördelning 2025, tkr"): its numbers are amounts.
AMOUNT_HEADING = re.compile(r"\b(kronor|kr|tkr|mnkr|mkr|msek|sek|miljoner|miljarder|procent)\b|%", re.I)


def list_holds_amounts(text: str, question: str) -> bool:
    """A list or table under a heading that names a currency or share unit holds amounts, though
    no single row repeats the unit ("Statliga medel: 21 460")."""
    heading, _, rows = text.partition("\n")
    return bool(AMOUNT_HEADING.search(heading)) and answers_with(NUMBER, rows, question)


# Numbers that are dates, times or document numbers, not counts: "den 15 februari", "2024-02-15",
# "2025–2028", "kl. 13.00", "09:00-12:00", "Ds 2017:8", "SFS 2010:2012".
_DATE_NUMBERS = re.compile(
    rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})? ({_MONTHS})\b|\b\d{{4}}-\d{{2}}(?:-\d{{2}})?\b|\b\d{{4}}:\d+\b|"
    rf"\b(?:19|20)\d{{2}}\b|\bkl\.? ?\d{{1,2}}[.:]\d{{2}}\b|\b\d{{1,2}}:\d{{2}}\b",
    re.I,
)


# The number that opens a list item or agenda point ("- 24 Information …", "3. Justering").
_ITEM_NUMBER = re.compile(r"^(\s*(?:[-*•]\s*)?)(?:§\s*)?\d{1,3}[.):]?(?=\s)", re.M)


def states_count(text: str, question: str) -> bool:
    """Class: "hur många X" answered by a number that counts something, not by a date's day or
    year ("Den 15 februari fattade nämnden beslut om en remissversion" counts no remissvar) nor by
    the numbers of a list's items or agenda points ("- 24 Information Kulturrådet …")."""
    return answers_with(COUNT, _DATE_NUMBERS.sub(" ", _ITEM_NUMBER.sub(r"\1", text)), question)


def answers_with(shape: re.Pattern[str], text: str, question: str) -> bool:
    """`text` holds an answer of this shape that the question does not already state: the
    sentence repeating "den 24 oktober 2012" back does not say what happened that day."""
    asked = question.lower()
    return any(m.group().lower() not in asked for m in shape.finditer(text))


def names_person(text: str) -> bool:
    """The text names a person ("Ivar Wenster, ordförande", "FREDRIK REINFELDT")."""
    return bool(_PERSON_NAME.search(text))


# A sentence telling what was done: a verb in the preterite ("gav", "beslutade", "hölls") or the
# perfect ("har två delrapporteringar gjorts", "hade beslutat"); "inte" is no "-te" preterite.
TOLD_AS_DONE = re.compile(
    rf"\b(?!inte\b){_PRETERITE_VERB}\b|\b(?:har|hade)\s+(?:[\wåäö]+\s+){{0,2}}?[\wåäö]+(?:at|it|tt|rt|gt|ft)s?\b|\bhade\b",
    re.I,
)
FUTURE_MARKER = re.compile(
    r"\b(?:ska|skall|kommer\s+(?:\w+\s+)?att|planeras|planerar|väntas|beräknas|avses|avser|senast|inför|nästa|kommande|"
    r"will|shall|planned|expected|next)\b",
    re.I,
)
