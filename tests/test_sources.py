"""Tests for data/sources.yml and helpers.sources.

Checksums are recomputed from the shipped bytes; the expected values in sources.yml were taken
from the project's PROVENANCE.md ("Checksums (sha256)"), so this also proves the copies are
byte-identical to the collected files.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from helpers import sources
from helpers.config import DATA_RAW, ROOT, SHAPES, SOURCES_FILE
from helpers.errors import DataError

JSONSTAT = ROOT / "tests" / "fixtures" / "jsonstat"


def _shipped() -> set[str]:
    files = set()
    for folder in (DATA_RAW, SHAPES, JSONSTAT):
        files |= {
            p.relative_to(ROOT).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        }
    return files


def _nb(iso: str) -> str:
    """``"2026-11-23"`` → ``"23.11.2026"`` (the report's date format)."""
    year, month, day = iso.split("-")
    return f"{int(day)}.{int(month)}.{year}"


def _shipped_fixtures() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in JSONSTAT.rglob("*") if p.is_file()}


def test_manifest_lists_exactly_the_shipped_files():
    """Every file in data/raw, shapes and tests/fixtures/jsonstat is listed, and vice versa."""
    listed = {f["path"] for f in sources.load_sources()["files"]}
    assert listed == _shipped()


def test_every_checksum_matches():
    """Recompute every SHA-256 and compare with the manifest."""
    doc = sources.load_sources()
    assert len(sources.verify_checksums(doc)) == len(doc["files"]) == len(_shipped())
    for entry in doc["files"]:
        assert sources.sha256_of(ROOT / entry["path"]) == entry["sha256"]


def test_known_checksum_from_provenance():
    """PROVENANCE.md lists 8e5329a2… for oslo_bef004_folkemengde_bydel_alder_2008_2019.csv."""
    got = sources.sha256_of(DATA_RAW / "oslo_bef004_folkemengde_bydel_alder_2008_2019.csv")
    assert got == "8e5329a266efd71162414b01966d42b46ca49aef1654d846294dc30bf6d477b0"


def test_manifest_fields():
    """Publishers and licences as PROVENANCE.md states; every available indicator has a source."""
    doc = sources.load_sources()
    for entry in doc["files"]:
        assert entry["retrieved"] <= doc["retrieved"]  # the manifest's date is the latest
        assert entry["licence"]
    used = {i for f in doc["files"] if f["role"] != "test_fixture" for i in f["used_for"]}
    from helpers.pipeline.loaders import INDICATOR_LOADERS

    assert set(INDICATOR_LOADERS) <= used
    by_path = {f["path"]: f for f in doc["files"]}
    assert by_path["shapes/oslo_bydeler_2020_ssb_geonorge.geojson"]["licence"] == "CC BY 4.0"
    assert by_path["data/raw/oslo_sos006_uforetrygd_bydel_2004_2024.csv"]["licence"] == "NLOD 2.0"


def test_attribution_table():
    table = sources.attribution_table()
    assert list(table.columns) == [
        "Fil",
        "Utgiver",
        "Tabell",
        "Lisens",
        "Hentet",
        "SHA-256 (kort)",
    ]
    # every shipped file except the test fixtures (data/raw, the GeoJSON, the shapefile parts)
    doc = sources.load_sources()
    published = [f for f in doc["files"] if f["role"] != "test_fixture"]
    assert len(table) == len(published) == len(_shipped() - _shipped_fixtures())
    assert table["Hentet"].tolist() == [_nb(f["retrieved"]) for f in published]
    assert table["SHA-256 (kort)"].str.len().eq(12).all()
    assert any("OK-SOS006" in t for t in table["Tabell"])
    assert (
        table["Fil"]
        .str.replace("\u200b", "")
        .str.endswith((".csv", ".xlsx", ".geojson", ".shp", ".shx", ".dbf", ".prj", ".cpg", ".xml"))
        .all()
    )
    lines = sources.attribution_lines()
    assert any("NLOD 2.0" in line for line in lines) and any("CC BY 4.0" in line for line in lines)
    text = sources.attribution_text()
    assert text.startswith("**Kildehenvisning.**")
    assert _nb(max(f["retrieved"] for f in published)) in text
    publishers = {f["publisher"] for f in published}
    assert text.count("\n- ") == len(lines) == len(publishers)


def _copy_project(tmp_path):
    """A copy of the manifest and the shipped files under tmp_path (synthetic edits go here)."""
    for rel in _shipped():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, target)
    manifest = tmp_path / "data" / "sources.yml"
    shutil.copyfile(SOURCES_FILE, manifest)
    return manifest


def test_changed_file_is_named(tmp_path):
    """Editing one raw byte makes verify_checksums name that file."""
    manifest = _copy_project(tmp_path)
    victim = tmp_path / "data" / "raw" / "oslo_sys002_sysselsetting_bydel_delbydel_2024.csv"
    victim.write_bytes(victim.read_bytes().replace(b"82.9", b"83.9", 1))
    doc = sources.load_sources(manifest, root=tmp_path)
    with pytest.raises(DataError, match="oslo_sys002_sysselsetting.*sha256 differs"):
        sources.verify_checksums(doc)


def test_missing_file_and_missing_key(tmp_path):
    manifest = _copy_project(tmp_path)
    (tmp_path / "shapes" / "oslo_bydeler_pbe_2020" / "Bydeler.prj").unlink()
    with pytest.raises(DataError, match=r"Bydeler\.prj does not exist"):
        sources.load_sources(manifest, root=tmp_path)
    doc = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    doc["files"] = [f for f in doc["files"] if not f["path"].endswith(".prj")]
    del doc["files"][0]["licence"]
    manifest.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        sources.load_sources(manifest, root=tmp_path)
    assert "files[0]" in str(err.value) and 'column "licence"' in str(err.value)


def test_data_date_is_latest_retrieval():
    """The report's date is the data's date: the latest retrieval in the manifest."""
    import datetime as dt

    latest = max(f["retrieved"] for f in sources.load_sources()["files"])
    assert sources.data_date() == dt.date.fromisoformat(latest)
    # files retrieved on different days (synthetic manifest): the latest day, not the earliest
    days = ["2026-11-23", "2027-02-01", "2026-01-05"]
    doc = {"files": [{"retrieved": day} for day in days]}
    assert sources.data_date(doc) == dt.date(2027, 2, 1)
