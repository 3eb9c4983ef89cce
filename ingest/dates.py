"""A document's date from its own text or its file name, when it declares none.

Swedish public documents state their date in a few set phrases: minutes give the meeting date
('Sammanträdesdatum 2024-06-19'), plans and policies the decision that adopted them ('Antagen av
regionfullmäktige den 24 september 2024'), officer's reports a 'Datum' line; otherwise a title page
usually carries one date. The phrases are tried in that order, so that a date merely mentioned in
the text (a deadline, an earlier decision) does not win over the document's own.
"""

from __future__ import annotations

import re

MONTHS = {
    name: n for n, name in enumerate(
        ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
         "november", "december"), start=1,
    )
}
_ISO = r"(?P<iso>(?:19|20)\d{2}-[01]\d-[0-3]\d)"
_SPELLED = rf"(?P<day>[0-3]?\d)\s+(?P<month>{'|'.join(MONTHS)})\s+(?P<year>(?:19|20)\d{{2}})"
DATE = rf"(?:{_ISO}|{_SPELLED})"
# Up to four words between the verb and the date: 'av regionfullmäktige den', 'i kulturnämnden'.
_DECIDED = r"(?:fastställd|fastställt|antagen|antaget|antogs|beslutad|beslutat|godkänd|godkänt)(?:\s+[\wåäö§,]+){0,4}?\s+(?:den\s+)?"
_PHRASES = [
    re.compile(rf"sammanträdesdatum\s*:?\s*{DATE}", re.I),
    re.compile(rf"\b{_DECIDED}{DATE}", re.I),
    re.compile(rf"^\s*(?:datum|daterad|dag för beslut)\s*:?\s*{DATE}", re.I | re.M),
]
FULL_DATE = re.compile(rf"\b{DATE}\b", re.I)  # any date with day, month and year
_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_]?([01]\d)[-_]?([0-3]\d)(?!\d)")
_FIRST_PAGE_END = re.compile(r"^<!-- page 2 -->$", re.M)
HEAD_CHARS = 6000  # the set phrases stand near the start of a document


def as_iso(match: re.Match[str]) -> str | None:
    if match["iso"]:
        return match["iso"]
    month = MONTHS[match["month"].lower()]
    day = int(match["day"])
    return f"{match['year']}-{month:02d}-{day:02d}" if 1 <= day <= 31 else None


def date_in_text(text: str, header: str = "") -> str | None:
    """The document's own date: a set phrase near the start (or in its running header), else the
    one date printed on its first page."""
    head = f"{header}\n{text[:HEAD_CHARS]}"
    for phrase in _PHRASES:
        for match in phrase.finditer(head):
            if found := as_iso(match):
                return found
    first_page = text[: m.start()] if (m := _FIRST_PAGE_END.search(text)) else ""
    dates = {d for m in FULL_DATE.finditer(first_page) if (d := as_iso(m))}
    return dates.pop() if len(dates) == 1 else None  # several dates on a title page: none is sure


def date_in_file_name(name: str) -> str | None:
    """'protokoll-kn-2024-06-19.pdf' -> '2024-06-19'; a year range such as '2025-2028' is no date."""
    match = _FILE_DATE.search(name)
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{month}-{day}" if 1 <= int(month) <= 12 and 1 <= int(day) <= 31 else None


def spelled(published: str | None) -> str:
    """'2012-10-24' -> '24 oktober 2012', '2012-10' -> 'oktober 2012', as Swedish text names the
    date (so that a question naming the day or month finds a passage dated only in its metadata);
    anything else ('2012', None -> '') as it is."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", (published or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return published or ""
    month = list(MONTHS)[int(match.group(2)) - 1]
    return f"{int(match.group(3))} {month} {match.group(1)}" if match.group(3) else f"{month} {match.group(1)}"
