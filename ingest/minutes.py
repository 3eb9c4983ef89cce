"""The vocabulary of Swedish minutes (protokoll): the standing parts of an agenda item, case
numbers, and the body that met. Shared by the PDF loader (which sets parts as headings) and the
splitter (which files every chunk under its item and part)."""

from __future__ import annotations

import re

MINUTES_PARTS = (
    "Sammanfattning", "Ärendebeskrivning", "Beslutsunderlag", "Förslag till beslut", "Yrkanden", "Yrkande",
    "Beslutsgång", "Propositionsordning", "Beslut", "Reservation", "Reservationer", "Protokollsanteckning",
    "Protokollsanteckningar", "Jäv", "Beslutet skickas till", "Förvaltningens bedömning", "Omröstning",
)
MINUTES_PART = re.compile(rf"^(?:{'|'.join(MINUTES_PARTS)})$")
# 'Dnr KN 2023/0187', 'Diarienummer: RS 2024-112' – the case number of an agenda item.
CASE_NUMBER = re.compile(r"^(?:Dnr|Diarienr|Diarienummer)\.?:?\s+(?P<dnr>\S.{0,40})$", re.I)
# Committees and assemblies: 'Kulturnämnden', 'Regionstyrelsen', 'Kommunfullmäktige', 'Kultur- och
# fritidsnämnden', 'Arbetsutskottet'.
_BODY = re.compile(
    r"\b(?P<body>(?:[A-ZÅÄÖ][a-zåäö]+- och )?[A-ZÅÄÖ]?[a-zåäö]*(?:nämnden|styrelsen|fullmäktige|utskottet|beredningen))\b"
)
_ORGAN_LINE = re.compile(r"^Organ\s+(?P<body>\S.*)$", re.M)


def body_of_minutes(header: str, text: str) -> str:
    """The body whose meeting the minutes record, from the running header or the notice block
    ('Organ Kulturnämnden'); '' when neither names one."""
    if match := _ORGAN_LINE.search(text):
        if body := _BODY.search(match["body"]):
            return body["body"]
    if match := _BODY.search(header):
        return match["body"][:1].upper() + match["body"][1:]
    return ""
