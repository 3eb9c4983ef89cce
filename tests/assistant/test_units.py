"""Answer units: sentences and whole list blocks, numbered in reading order."""

from __future__ import annotations

from assistant.units import split_units


def test_units_are_numbered_in_reading_order_across_paragraphs_and_lists():
    text = "Första meningen här. Andra meningen här. Tredje meningen här.\n\nFjärde meningen här.\n\nLedtext:\n- ett\n- två\n\nSista meningen här."
    units = split_units(text)
    assert [u.position for u in units] == list(range(len(units)))
    assert [u.text.split()[0] for u in units] == ["Första", "Andra", "Tredje", "Fjärde", "Ledtext:", "Sista"]
    assert [u.is_list for u in units] == [False, False, False, False, True, False]


def test_abbreviations_and_dates_do_not_end_a_sentence():
    units = split_units("Planen gäller fr.o.m. 1 januari 2015. Den beslutades bl.a. av nämnden.")
    assert [u.text for u in units] == ["Planen gäller fr.o.m. 1 januari 2015.", "Den beslutades bl.a. av nämnden."]


def test_an_academic_degree_before_a_name_does_not_end_a_sentence():
    """'… och fil. mag. Nadja Ali som sekreterare.' is one sentence: cut after "mag.", its quote
    would join the next sentence's name to this one's role."""
    units = split_units("Erica Månsson och fil. mag. Nadja Ali anställdes som sekreterare. Lena Lindström blev biträdande sekreterare.")
    assert [u.text for u in units] == [
        "Erica Månsson och fil. mag. Nadja Ali anställdes som sekreterare.", "Lena Lindström blev biträdande sekreterare.",
    ]


def test_a_dateline_and_signature_of_short_lines_are_one_unit_quoting_the_text_as_it_stands():
    """Class: a document's dateline, signature or letterhead, one short line per paragraph: who
    signed, who the members were and when, which no line says alone."""
    text = (
        "Gruppen överlämnar härmed sin rapport.\n\nStockholm i december 2015\n\nBjörn Wiechel (S), ordförande\n\n"
        "Isabella Hökmark (M)\n\nPer Lodenius (C)\n\nKulturutskottet har presenterat en rapport om modellen."
    )
    units = split_units(text)
    assert [u.text for u in units] == [
        "Gruppen överlämnar härmed sin rapport.",
        "Stockholm i december 2015\n\nBjörn Wiechel (S), ordförande\n\nIsabella Hökmark (M)\n\nPer Lodenius (C)",
        "Kulturutskottet har presenterat en rapport om modellen.",
    ]
    assert all(u.text in text for u in units) and [u.position for u in units] == [0, 1, 2]


def test_a_lone_heading_or_a_sentence_is_no_block():
    units = split_units("Bakgrund\n\nModellen infördes 2011 i fem regioner.\n\nDet gick bra.\n\nSlut.")
    assert [u.text for u in units] == ["Bakgrund", "Modellen infördes 2011 i fem regioner.", "Det gick bra.", "Slut."]
