"""The build's guards, tested on the whole build (``helpers.build``), not only as units.

Each bad input stops the build before anything is written: a raw file whose bytes differ from
data/sources.yml, a catalogue that does not match the data, and a table with small counts that
escaped suppression (``suppress.assert_no_small_counts`` runs in the pipeline). The published
state is placeholders; the inputs are synthetic edits of copies, labelled so.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import snapshot, write_small_counts_csv

from helpers import build, build_cli, catalogue, config
from helpers.catalogue import sources
from helpers.pipeline import build_data, suppress


def _copy_manifest_and_files(tmp_path):
    """data/sources.yml and every file it lists, copied under ``tmp_path``."""
    doc = sources.load_sources()
    for entry in doc["files"]:
        target = tmp_path / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(config.ROOT / entry["path"], target)
    manifest = tmp_path / "data" / "sources.yml"
    shutil.copyfile(config.SOURCES_FILE, manifest)
    return manifest


def test_tampered_raw_file_stops_the_build(placeholders, tmp_path, monkeypatch, capsys):
    """One changed byte in a raw table (a copy, SYNTHETIC edit): the CLI exits with the file named
    before any table is read or anything written."""
    copy = tmp_path / "project"
    manifest = _copy_manifest_and_files(copy)
    victim = (
        copy / "data" / "raw" / "oslo_val001_valgdeltakelse_kommunestyre_bydel_delbydel_2023.csv"
    )
    victim.write_bytes(victim.read_bytes().replace(b"49.8", b"94.8", 1))
    monkeypatch.setattr(sources, "ROOT", copy)
    monkeypatch.setattr(sources, "SOURCES_FILE", manifest)

    def no_loading(*args, **kwargs):
        raise AssertionError("raw tables were read before the checksums were verified")

    monkeypatch.setattr(build_data, "_build", no_loading)
    before = snapshot(placeholders)
    assert build_cli.main(["--data-only"]) == 2
    err = capsys.readouterr().err
    assert "rapporten er ikke bygget" in err
    assert "oslo_val001_valgdeltakelse" in err and "sha256" in err
    assert snapshot(placeholders) == before


def test_catalogue_data_mismatch_stops_the_build(
    placeholders, reuse_raw_tables, tmp_path, monkeypatch, capsys
):
    """A catalogue in which an indicator the data have is renamed (SYNTHETIC edit of a copy)."""
    text = config.CATALOGUE_FILE.read_text(encoding="utf-8")
    assert text.count("- id: valgdeltakelse\n") == 1
    edited = tmp_path / "indicators_SYNTHETIC.yml"
    edited.write_text(text.replace("- id: valgdeltakelse\n", "- id: valgdeltakelse_x\n"), "utf-8")
    real = catalogue.load_catalogue
    monkeypatch.setattr(catalogue, "load_catalogue", lambda path=None: real(edited))
    before = snapshot(placeholders)
    assert build_cli.main(["--data-only"]) == 2
    err = capsys.readouterr().err
    assert "valgdeltakelse are in the data but not in" in err and "indicators_SYNTHETIC.yml" in err
    assert snapshot(placeholders) == before


@pytest.fixture
def small_counts_csv(tmp_path):
    """The real VAL001 file with far too small counts for Vestre Aker (SYNTHETIC; conftest)."""
    return write_small_counts_csv(tmp_path)


def test_small_counts_that_escape_suppression_stop_the_build(
    placeholders, small_counts_csv, monkeypatch
):
    """If suppression did nothing, the guard in the pipeline refuses to publish the table."""
    monkeypatch.setattr(suppress, "suppress", lambda tidy, *args, **kwargs: tidy.copy())
    before = snapshot(placeholders)
    with pytest.raises(ValueError, match="below the suppression thresholds"):
        build.build(engine="embedded", paths={"val001": small_counts_csv})
    assert snapshot(placeholders) == before


@pytest.mark.e2e
def test_published_data_pass_the_guard(shared_build):
    """What the shared build published satisfies the suppression rules with the catalogue's
    thresholds (the guard ran in the pipeline; this repeats it on the bytes written)."""
    tidy = pd.read_parquet(shared_build.data / "indicators.parquet")
    suppress.assert_no_small_counts(tidy, catalogue.load_catalogue().thresholds())
