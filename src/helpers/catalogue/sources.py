"""The manifest of shipped input files (``data/sources.yml``): load, verify checksums, attribute.

Every file under ``data/raw/``, ``shapes/`` and ``tests/fixtures/jsonstat/`` is listed once with its
original publisher, table, licence, where the copy came from and its SHA-256. The report's data
chapter shows :func:`attribution_table`. Follows the "immutable raw data, each listed with checksum,
source, licence, date" rule of DESIGN.md (cf. cookiecutter-data-science's data/raw convention).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.config import ROOT, SOURCES_FILE
from helpers.errors import DataError

REQUIRED_FILE_KEYS: tuple[str, ...] = (
    "path",
    "title",
    "role",
    "publisher",
    "table_id",
    "table_title",
    "licence",
    "repo_licence",
    "source_repo",
    "source_path",
    "source_commit",
    "retrieved",
    "sha256",
    "confidence",
    "caveats",
    "used_for",
)
REQUIRED_PUBLISHER_KEYS: tuple[str, ...] = ("name", "licence", "attribution_nb")
ROLES: tuple[str, ...] = ("indicator", "population", "context", "geometry", "test_fixture")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_sources(path: str | Path | None = None, *, root: str | Path | None = None) -> dict:
    """Read and validate the manifest: required keys, known publisher, and every file exists.

    Returns ``{"retrieved": str, "publishers": {key: {...}}, "files": [{...}, ...]}``.
    ``root`` is the folder the file paths are relative to (default the project root).
    """
    file = Path(path) if path is not None else SOURCES_FILE
    base = Path(root) if root is not None else ROOT
    if not file.is_file():
        raise DataError(file, "file not found")
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(file, f"not valid YAML ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise DataError(file, 'expected a mapping with a "files" list', column="files")
    publishers = doc.get("publishers")
    if not isinstance(publishers, dict) or not publishers:
        raise DataError(file, 'expected a "publishers" mapping', column="publishers")
    for key, pub in publishers.items():
        for field in REQUIRED_PUBLISHER_KEYS:
            if not isinstance(pub, dict) or not str(pub.get(field, "")).strip():
                raise DataError(file, "missing or empty", row=f"publisher {key}", column=field)
    seen: set[str] = set()
    for i, entry in enumerate(doc["files"]):
        where = f"files[{i}]" + (f" ({entry.get('path')})" if isinstance(entry, dict) else "")
        if not isinstance(entry, dict):
            raise DataError(file, "expected a mapping", row=where)
        for field in REQUIRED_FILE_KEYS:
            value = entry.get(field)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise DataError(file, "missing or empty; required", row=where, column=field)
        checks = (
            ("publisher", entry["publisher"] in publishers, f"one of {sorted(publishers)}"),
            ("role", entry["role"] in ROLES, f"one of {ROLES}"),
            ("confidence", entry["confidence"] in CONFIDENCES, f"one of {CONFIDENCES}"),
            ("sha256", bool(_SHA256.match(str(entry["sha256"]))), "64 lower-case hex digits"),
            ("retrieved", bool(_DATE.match(str(entry["retrieved"]))), "a date YYYY-MM-DD"),
            ("used_for", isinstance(entry["used_for"], list), "a list of indicator ids"),
        )
        for field, ok, expected in checks:
            if not ok:
                raise DataError(
                    file, f'invalid value "{entry[field]}"; expected {expected}',
                    row=where, column=field,
                )  # fmt: skip
        rel = str(entry["path"])
        if rel in seen:
            raise DataError(file, f"{rel} is listed twice", row=where, column="path")
        seen.add(rel)
        if not (base / rel).is_file():
            raise DataError(file, f"listed file {rel} does not exist", row=where, column="path")
    doc["_root"] = str(base)
    return doc


def sha256_of(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_checksums(sources: dict[str, Any] | None = None) -> list[str]:
    """Recompute every listed file's SHA-256; DataError naming the first file that differs.

    Returns the list of verified paths.
    """
    doc = sources if sources is not None else load_sources()
    base = Path(doc.get("_root", ROOT))
    verified = []
    for entry in doc["files"]:
        target = base / entry["path"]
        found = sha256_of(target)
        if found != entry["sha256"]:
            raise DataError(
                target,
                f"sha256 differs from data/sources.yml: expected {entry['sha256']}, found {found} "
                "(the raw file was changed; raw files must never be edited)",
                column="sha256",
            )
        verified.append(entry["path"])
    return verified


def _date_nb(iso: str) -> str:
    year, month, day = str(iso).split("-")
    return f"{int(day)}.{int(month)}.{year}"


#: Confidence in a copy, for readers.
CONFIDENCE_NB: dict[str, str] = {"high": "høy", "medium": "middels", "low": "lav"}


def provenance_table(sources: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per shipped file (test fixtures left out): Fil, Bearbeiding (``processing_nb``:
    what was done to the copy, for readers) and Sikkerhet (the manifest's confidence)."""
    doc = sources if sources is not None else load_sources()
    rows = []
    for entry in doc["files"]:
        if entry["role"] == "test_fixture":
            continue
        if not str(entry.get("processing_nb", "")).strip():
            raise DataError(
                SOURCES_FILE, "missing or empty; required for shipped files",
                row=str(entry["path"]), column="processing_nb",
            )  # fmt: skip
        rows.append(
            {
                "Fil": Path(entry["path"]).name.replace("_", "_\u200b"),
                "Bearbeiding": " ".join(str(entry["processing_nb"]).split()),
                "Sikkerhet": CONFIDENCE_NB[entry["confidence"]],
            }
        )
    return pd.DataFrame(rows, columns=["Fil", "Bearbeiding", "Sikkerhet"])


def attribution_table(sources: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per shipped data file (test fixtures left out), bokmål column names:
    Fil, Utgiver, Tabell, Lisens, Hentet, SHA-256 (kort). File names get zero-width spaces after
    underscores so long names can wrap in narrow PDF table columns."""
    doc = sources if sources is not None else load_sources()
    rows = []
    for entry in doc["files"]:
        if entry["role"] == "test_fixture":
            continue
        publisher = doc["publishers"][entry["publisher"]]
        rows.append(
            {
                "Fil": Path(entry["path"]).name.replace("_", "_\u200b"),
                "Utgiver": publisher["name"],
                "Tabell": f"{entry['table_id']}: {entry['table_title']}"
                if entry["table_id"] not in entry["table_title"]
                else entry["table_title"],
                "Lisens": entry["licence"],
                "Hentet": _date_nb(entry["retrieved"]),
                "SHA-256 (kort)": entry["sha256"][:12],
            }
        )
    return pd.DataFrame(
        rows, columns=["Fil", "Utgiver", "Tabell", "Lisens", "Hentet", "SHA-256 (kort)"]
    )


def attribution_lines(sources: dict[str, Any] | None = None) -> list[str]:
    """The ``attribution_nb`` line of every publisher that has a shipped (non-fixture) file."""
    doc = sources if sources is not None else load_sources()
    used = []
    for entry in doc["files"]:
        if entry["role"] != "test_fixture" and entry["publisher"] not in used:
            used.append(entry["publisher"])
    return [" ".join(str(doc["publishers"][k]["attribution_nb"]).split()) for k in used]


def attribution_text(sources: dict[str, Any] | None = None) -> str:
    """Bokmål Markdown for the report's data chapter: one attribution line per publisher."""
    doc = sources if sources is not None else load_sources()
    dates = " og ".join(sorted({_date_nb(f["retrieved"]) for f in doc["files"]}))
    intro = (
        f"**Kildehenvisning.** Filene ble hentet {dates} fra offentlige kopier. Tabellen over "
        "bearbeiding sier hva som er gjort med hver fil og hvor sikre vi er på at den er lik "
        "den publiserte tabellen; kontrollsummene sjekkes ved hvert bygg. Utgivere og lisenser:"
    )
    return intro + "\n\n" + "\n".join(f"- {line}" for line in attribution_lines(doc)) + "\n"


def data_date(sources: dict[str, Any] | None = None) -> dt.date:
    """The data's date: the latest retrieval date in the manifest. The report carries this date,
    not the clock's, so rebuilding unchanged data gives an identical report."""
    doc = sources if sources is not None else load_sources()
    return max(dt.date.fromisoformat(str(f["retrieved"])) for f in doc["files"])
