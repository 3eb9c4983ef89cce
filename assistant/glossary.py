"""English questions over Swedish documents: the dense retriever is multilingual, but BM25 and
sentence selection are not, so domain words get their Swedish equivalents appended."""

from __future__ import annotations

import re

from ingest.analyzer import english_stem

# Multi-word entries first: they must win over their single words.
EN_TO_SV: dict[str, str] = {
    "culture plan": "kulturplan",
    "cultural plan": "kulturplan",
    "cultural cooperation model": "kultursamverkansmodellen",
    "culture cooperation model": "kultursamverkansmodellen",
    "cooperation model": "kultursamverkansmodellen",
    "arts council": "Kulturrådet",
    "swedish arts council": "Statens kulturråd",
    "culture committee": "kulturnämnd",
    "regional council": "regionfullmäktige",
    "civil society": "civila samhället",
    "state grant": "statsbidrag",
    "guiding principles": "principer utgångspunkter",
    "long-term effects": "effekter långsiktiga",
    "agency": "myndighet",
    "grant": "bidrag",
    "grants": "bidrag",
    "funding": "bidrag medel",
    "region": "region",
    "regions": "regioner",
    "municipality": "kommun",
    "municipalities": "kommuner",
    "government": "regeringen",
    "evaluate": "utvärdera",
    "evaluating": "utvärdera",
    "evaluation": "utvärdering",
    "follow-up": "uppföljning",
    "consultation": "samråd remiss",
    "decide": "beslutar",
    "decides": "beslutar",
    "decided": "beslutade",
    "decision": "beslut",
    "adopted": "antogs beslutade",
    "first": "första",
    "join": "ingå gå med",
    "joined": "ingick gick med",
    "five": "fem",
    "three": "tre",
    "seven": "sju",
    "areas": "områden verksamhetsområden",
    "activity areas": "verksamhetsområden",
    "museums": "museer",
    "libraries": "bibliotek",
    "principles": "principer",
    "responsible": "ansvarar ansvar",
    "forums": "forum",
    "dialogue": "dialog",
    "meeting": "möte",
    "ordinance": "förordning",
    "law": "lag",
    "period": "period",
    "language": "språk",
    "languages": "språk",
    "national minorities": "nationella minoriteter",
    "minorities": "minoriteter",
    # Statute language: when a law applies, what it repealed or amended, who signed it.
    "into force": "träder kraft ikraftträdande",
    "in force": "gäller",
    "take effect": "träder kraft",
    "repealed": "upphävs upphör",
    "amended": "ändrad ändring",
    "on behalf of": "vägnar",
    # The model's administrative vocabulary: its bodies, documents, steps and money, as a
    # question in English names them. Words every body's text uses ("board" -> "styrelse",
    # "allocation", "distributed", "billion") are left out: as heavy terms they favour any
    # body's press release over the passage that answers (dev and probes lost answers with them).
    "committee": "utskott nämnd beredning",
    "committee on cultural affairs": "kulturutskottet",
    "parliament": "riksdagen",
    "riksdag": "riksdagen",
    "network": "nätverk",
    "survey": "enkät",
    "questionnaire": "enkät",
    "report": "rapport",
    "final report": "slutrapport",
    "proposal": "förslag",
    "proposals": "förslag",
    "bill": "proposition",
    "inquiry": "utredning",
    "investigation": "utredning",
    "review": "översyn genomlysning",
    "directive": "direktiv",
    "terms of reference": "direktiv",
    "referral": "remiss",
    "consultation response": "remissvar yttrande",
    "statement": "yttrande",
    "minutes": "protokoll",
    "agenda": "dagordning föredragningslista",
    "members": "ledamöter",
    "chairman of the board": "styrelseordförande",
    "director general": "generaldirektör",
    "county": "län",
    "county council": "landsting",
    "counties": "län",
    "budget": "budget",
    "increase": "ökning höjning",
    "increased": "ökade höjdes",
    "reduced": "sänktes minskade",
    "reduction": "sänkning minskning",
    "share": "andel",
    "priorities": "prioriteringar",
    "development areas": "utvecklingsområden",
    "children and young people": "barn och unga",
    "participation": "delaktighet",
    "access": "tillgång",
    "quality": "kvalitet",
    "artists": "konstnärer kulturskapare",
    "professional": "professionell",
    "music": "musik",
    "theatre": "teater",
    "dance": "dans",
    "archives": "arkiv",
    "handicraft": "hemslöjd",
    "platform": "plattform",
    "national": "nationell nationella",
    "researchers": "forskare",
    "research": "forskning",
    "case study": "fallstudie",
    "study": "studie",
    "university": "högskola universitet",
    "analysis": "analys",
    "responsibility": "ansvar",
    "role": "roll",
    "roles": "roller",
    "collaboration": "samverkan samarbete",
    "cooperation": "samverkan samarbete",
    "administration": "administration",
    "concerns": "oro farhågor",
    "criticism": "kritik",
    "appointed": "förordnades utsågs",
    "signed": "undertecknade",
    "meet": "möte samlas",
    "met": "möte sammanträde",
    "pilot regions": "pilotregioner",
    # English names of Swedish places: a question naming "Sweden" or "Scania" names what the
    # documents call Sverige and Skåne.
    "sweden": "Sverige",
    "sweden's": "Sveriges",
    "swedish": "svenska",
    "scania": "Skåne",
}
def _stem(word: str) -> str:
    return english_stem(word.lower().replace("’", "'").removesuffix("'s"))


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in _WORD.findall(phrase))


# Entries by the English stems of their words, so that an entry matches its inflections ("laws",
# "ordinances", "culture plans"); entries sharing stems ("evaluate", "evaluation") pool their
# Swedish words.
_BY_STEMS: dict[tuple[str, ...], str] = {}
for _english, _swedish in EN_TO_SV.items():
    _key = _stems(_english)
    _BY_STEMS[_key] = " ".join(dict.fromkeys(f"{_BY_STEMS.get(_key, '')} {_swedish}".split()))
_LONGEST = max(len(k) for k in _BY_STEMS)


def swedish_name(name: str) -> str | None:
    """The Swedish spelling of an English name the glossary knows ("Sweden's" -> "Sveriges")."""
    return EN_TO_SV.get(name.lower().replace("’", "'"))


def swedish_equivalents(question: str) -> str:
    """Swedish words for the English domain words in `question` ('' when there are none), the
    longest entry first at each word ("culture plan" before "plan")."""
    stems = _stems(question)
    found: list[str] = []
    i = 0
    while i < len(stems):
        for size in range(min(_LONGEST, len(stems) - i), 0, -1):
            swedish = _BY_STEMS.get(stems[i:i + size])
            if swedish:
                found.append(swedish)
                i += size
                break
        else:
            i += 1
    return " ".join(dict.fromkeys(found))
