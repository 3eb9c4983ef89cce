"""A question about the wording of one § of a regulation ("Vad sa 8 § förordningen (2010:2012)
2015?", "Vad ändrades i 2 § 2020?"): which §, at what point in time, and whether the wordings
before and after are compared. Read once into the `Query`; answered by assistant/versions.py."""

from __future__ import annotations

import re

from ingest.dates import FULL_DATE, MONTHS, as_iso

_SFS_NUMBER = re.compile(r"\b\d{4}:\d+\b")
# "Vad sa 8 § förordningen 2015?", "Vad gällde enligt § 9 a?", "What did section 5 say?": the wording
# of one § of a regulation, answered from the version in force at the time asked about
# (assistant/versions.py). The verbs are those that ask what a text says or what applied.
_PARAGRAPH = re.compile(
    r"\b(\d{1,2}(?:\s?[a-z])?)\s?§|§\s?(\d{1,2}(?:\s?[a-h]\b)?)|\b(?:section|paragraf(?:en)?)\s+(\d{1,2}(?:\s?[a-z])?)\b", re.I
)
_WORDING_VERB = re.compile(
    r"\b(?:säger|sa|sade|stod|står|löd|lyder|lydelsen?|innehöll|innehåller|hette|anger|angav|räknar|räknade|föreskriver|"
    r"föreskrev|gäller|gällde|gällt|say|says|said|state|states|stated|read|reads|apply|applies|applied|wording)\b",
    re.I,
)
_CHANGE = re.compile(r"\b(?:ändrades|ändrats|ändrad|ändringen|ändring|skillnaden|skillnad|skiljer|changed|change|difference|differ)\b", re.I)


def wording_question(text: str, parts: int) -> dict[str, str | bool | None]:
    """paragraph, as_of and compares_wordings for a single question (`parts` asks: 1) about what
    a § says or said, or what changed in it; nothing for any other question."""
    paragraph = _PARAGRAPH.search(text)
    compares = bool(_CHANGE.search(text))
    if paragraph is None or parts > 1 or not (compares or _WORDING_VERB.search(text)):
        return {}
    number = re.sub(r"\s+", " ", next(g for g in paragraph.groups() if g).lower())
    number = re.sub(r"(\d)([a-z])", r"\1 \2", number)
    return {"paragraph": f"{number} §", "as_of": point_in_time(_SFS_NUMBER.sub(" ", text)), "compares_wordings": compares}


_BEFORE_YEAR = re.compile(r"\b(?:före|innan|before|prior to)\s+((?:19|20)\d{2})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({'|'.join(MONTHS)})\s+((?:19|20)\d{{2}})\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


def point_in_time(text: str) -> str | None:
    """The date a question asks about, ISO: a date as written, mid-month for a month, 1 July for
    a year ('år 2015'), mid-year of the year before for 'före 2020'; None when it names no time."""
    if date := FULL_DATE.search(text):
        return as_iso(date)
    if before := _BEFORE_YEAR.search(text):
        return f"{int(before.group(1)) - 1}-07-01"
    if month := _MONTH_YEAR.search(text):
        return f"{month.group(2)}-{MONTHS[month.group(1).lower()]:02d}-15"
    if year := _YEAR.search(text):
        return f"{year.group(1)}-07-01"
    return None
