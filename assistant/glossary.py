"""English questions over Swedish documents: the dense retriever is multilingual, but BM25 and
sentence selection are not, so domain words get their Swedish equivalents appended."""

from __future__ import annotations

import re

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
    # English names of Swedish places: a question naming "Sweden" or "Scania" names what the
    # documents call Sverige and Skåne.
    "sweden": "Sverige",
    "sweden's": "Sveriges",
    "swedish": "svenska",
    "scania": "Skåne",
}
_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, EN_TO_SV), key=len, reverse=True)) + r")\b", re.I)


def swedish_name(name: str) -> str | None:
    """The Swedish spelling of an English name the glossary knows ("Sweden's" -> "Sveriges")."""
    return EN_TO_SV.get(name.lower().replace("’", "'"))


def swedish_equivalents(question: str) -> str:
    """Swedish words for the English domain words in `question` ('' when there are none)."""
    return " ".join(dict.fromkeys(EN_TO_SV[m.group(1).lower()] for m in _PATTERN.finditer(question)))
