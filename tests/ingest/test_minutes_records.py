"""Minutes as records: every chunk knows its body, meeting date, agenda item, Dnr and part."""

from __future__ import annotations

from pathlib import Path

from llama_index.core.schema import MetadataMode

from assistant.schema import ChunkMeta, DocType
from ingest.loaders import Limits
from ingest.prepare import PrepareJob, prepare
from tests.ingest.test_pdf_layout import make_paged_pdf

FILL = "Förvaltningen har berett ärendet i samråd med kommunerna och med de berörda föreningarna i"


def _minutes(tmp_path: Path) -> Path:
    pages = [
        ["Plats och tid Stadshuset, kl. 13.00-15.00", "Beslutande Eva Ek (S), ordförande", "Justerare Per Ås (M)"],
        ["§ 7 Val av justerare", "Beslut", "Kommunstyrelsen utser Per Ås (M) att justera protokollet.",
         "§ 8 Bidrag till studieförbunden 2024", "Dnr KS 2023/0412", "Sammanfattning",
         f"{FILL} kommunen och föreslår att bidraget", "höjs till 310 000 kronor."],
        ["Beslut", "Kommunstyrelsen beslutar att bevilja 310 000 kronor.", "Reservation",
         "Olle Berg (L) reserverar sig mot beslutet till förmån för eget yrkande."],
        ["§ 9 Anmälningar", "Sammanfattning", "Inga anmälningar förelåg."],
    ]
    return make_paged_pdf(
        tmp_path / "ks-protokoll.pdf", pages, "Ekby kommun PROTOKOLL", "Kommunstyrelsen, sammanträdesdatum 2023-10-02. Justerandes sign",
    )


def test_minutes_chunks_carry_item_part_case_number_body_and_date(tmp_path: Path) -> None:
    path = _minutes(tmp_path)
    prepared = prepare(PrepareJob(str(path), str(tmp_path), "h", 1200, Limits()))
    assert prepared.meta.doc_type == DocType.minutes
    assert (prepared.meta.body, prepared.meta.published) == ("Kommunstyrelsen", "2023-10-02")
    metas = [ChunkMeta.from_store(n.metadata) for n in prepared.nodes]
    by_text = {n.text: m for n, m in zip(prepared.nodes, metas)}
    decision = by_text["Kommunstyrelsen beslutar att bevilja 310 000 kronor."]
    assert decision.section == "Kommunstyrelsen 2023-10-02 § 8, Beslut"
    assert (decision.agenda_item, decision.agenda_title) == ("§ 8", "Bidrag till studieförbunden 2024")
    assert (decision.case_number, decision.pages) == ("KS 2023/0412", "3")
    # The item's title is not in the short section, but it is embedded (and indexed) with the part.
    node = next(n for n in prepared.nodes if n.text == "Kommunstyrelsen beslutar att bevilja 310 000 kronor.")
    assert "Bidrag till studieförbunden 2024" in node.get_content(metadata_mode=MetadataMode.EMBED)
    reservation = next(m for n, m in zip(prepared.nodes, metas) if n.text.startswith("Olle Berg"))
    assert reservation.agenda_part == "Reservation" and reservation.agenda_item == "§ 8"
    summary = next(m for n, m in zip(prepared.nodes, metas) if "310 000 kronor." in n.text and "föreslår" in n.text)
    assert summary.agenda_part == "Sammanfattning"
    # A new item starts afresh: no Dnr or part carried over from § 8.
    notices = next(m for n, m in zip(prepared.nodes, metas) if n.text == "Inga anmälningar förelåg.")
    assert (notices.agenda_item, notices.case_number, notices.agenda_part) == ("§ 9", None, "Sammanfattning")
    first = by_text["Kommunstyrelsen utser Per Ås (M) att justera protokollet."]
    assert first.section == "Kommunstyrelsen 2023-10-02 § 7, Beslut"
    assert all(m.section for m in metas)  # the opening block too
    assert not any("Justerandes sign" in n.text for n in prepared.nodes)
