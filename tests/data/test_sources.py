"""Tests for data/sources.yml and helpers.catalogue.sources.

Checksums are recomputed from the shipped bytes; the expected values in sources.yml were taken
from the collected files' provenance notes (checksums), so this also proves the copies are
byte-identical to the collected files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers.catalogue import sources
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
    """The collected copy of oslo_bef004_folkemengde_bydel_alder_2008_2019.csv had 8e5329a2…."""
    got = sources.sha256_of(DATA_RAW / "oslo_bef004_folkemengde_bydel_alder_2008_2019.csv")
    assert got == "8e5329a266efd71162414b01966d42b46ca49aef1654d846294dc30bf6d477b0"


def test_manifest_fields():
    """Publishers and licences as recorded at collection; every indicator's raw table is listed."""
    doc = sources.load_sources()
    for entry in doc["files"]:
        assert entry["retrieved"] <= doc["retrieved"]  # the manifest's date is the latest
        assert entry["licence"]
    # every raw table an indicator is read from is listed (derived from the code, not used_for)
    from helpers.catalogue.raw_tables import RAW_TABLES
    from helpers.pipeline.loaders import INDICATOR_TABLES

    listed = {Path(f["path"]).name for f in doc["files"] if f["role"] == "indicator"}
    for ind, key in INDICATOR_TABLES.items():
        if key in RAW_TABLES:
            assert RAW_TABLES[key].filename in listed, ind
    # used_for is an optional note; the ids it names exist in the catalogue
    from helpers.catalogue import load_catalogue

    cat = load_catalogue()
    known = set(cat.ids()) | {r.id for r in cat.ranking_variables}
    assert {i for f in doc["files"] for i in f.get("used_for", [])} <= known
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


def test_add_replaces_a_file_with_next_years_version(tmp_path):
    """`python -m helpers.catalogue.sources add NEW --replaces OLD` (the README's recipe): the
    old entry becomes the new file's, with its checksum and date; comments stay; the manifest's
    date follows. The new file is a SYNTHETIC edit of the shipped one."""
    manifest = _copy_project(tmp_path)
    old = tmp_path / "data" / "raw" / "oslo_sos006_uforetrygd_bydel_2004_2024.csv"
    new = old.with_name("oslo_sos006_uforetrygd_bydel_2004_2025.csv")
    new.write_bytes(old.read_bytes() + b"\n")
    old.unlink()
    before = manifest.read_text(encoding="utf-8")
    report = sources.add(
        "data/raw/" + new.name,
        replaces="data/raw/" + old.name,
        retrieved="2027-01-15",
        manifest=manifest,
        root=tmp_path,
    )
    assert "replaces data/raw/oslo_sos006_uforetrygd_bydel_2004_2024.csv" in report
    doc = sources.load_sources(manifest, root=tmp_path)
    entry = next(f for f in doc["files"] if f["path"].endswith(new.name))
    assert entry["sha256"] == sources.sha256_of(new) and entry["retrieved"] == "2027-01-15"
    assert entry["table_id"] == "OK-SOS006" and doc["retrieved"] == "2027-01-15"
    assert not any(f["path"].endswith(old.name) for f in doc["files"])
    sources.verify_checksums(doc)
    after = manifest.read_text(encoding="utf-8")
    assert [x for x in before.splitlines() if x.startswith("#")] == [
        x for x in after.splitlines() if x.startswith("#")
    ]


def test_add_updates_in_place_and_like_and_refuses_unknown(tmp_path):
    manifest = _copy_project(tmp_path)
    victim = tmp_path / "data" / "raw" / "oslo_sys002_sysselsetting_bydel_delbydel_2024.csv"
    victim.write_bytes(victim.read_bytes().replace(b"82.9", b"83.9", 1))  # SYNTHETIC edit
    with pytest.raises(DataError):
        sources.verify_checksums(sources.load_sources(manifest, root=tmp_path))
    sources.add(victim, retrieved="2026-12-01", manifest=manifest, root=tmp_path)
    doc = sources.load_sources(manifest, root=tmp_path)
    sources.verify_checksums(doc)
    extra = victim.with_name("oslo_sys002_sysselsetting_bydel_delbydel_2025.csv")
    extra.write_bytes(victim.read_bytes())
    with pytest.raises(DataError, match="--replaces OLD.*--like OTHER"):
        sources.add(extra, manifest=manifest, root=tmp_path)
    sources.add(extra, like=victim, manifest=manifest, root=tmp_path)
    doc = sources.load_sources(manifest, root=tmp_path)
    assert len(doc["files"]) == len(_shipped()) + 1
    with pytest.raises(DataError, match="file not found"):
        sources.add(tmp_path / "data" / "raw" / "nothing.csv", manifest=manifest, root=tmp_path)


def test_add_command_line_error_is_one_line(tmp_path):
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "helpers.catalogue.sources", "add", "data/raw/nothing.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_manifest_errors_name_entry_and_field(tmp_path):
    """pydantic validation: a bad role or checksum names files[i] (path) and the field."""
    manifest = _copy_project(tmp_path)
    doc = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    doc["files"][2]["role"] = "indicatorr"
    manifest.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        sources.load_sources(manifest, root=tmp_path)
    assert "files[2] (" in str(err.value) and 'column "role"' in str(err.value)
    assert "'indicator'" in str(err.value)
    doc["files"][2]["role"] = "indicator"
    doc["files"][1]["sha256"] = "ABC"
    manifest.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r'files\[1\].*column "sha256".*64 lower-case hex'):
        sources.load_sources(manifest, root=tmp_path)
