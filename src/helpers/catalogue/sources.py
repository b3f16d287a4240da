"""The manifest of shipped input files (``data/sources.yml``): load, verify checksums, attribute.

Every file under ``data/raw/``, ``shapes/`` and ``tests/fixtures/jsonstat/`` is listed once with its
original publisher, table, licence, where the copy came from and its SHA-256. The report's data
chapter shows :func:`attribution_table`. Follows the "immutable raw data, each listed with checksum,
source, licence, date" rule (docs/architecture.md; cf. cookiecutter-data-science's data/raw
convention). The manifest is validated with pydantic (:class:`ManifestModel`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from helpers.config import ROOT, SOURCES_FILE
from helpers.digest import sha256_of
from helpers.errors import DataError

ROLES: tuple[str, ...] = ("indicator", "population", "context", "geometry", "test_fixture")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_Date = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class PublisherModel(BaseModel):
    """A publisher of shipped files (key in ``publishers``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: _Text
    licence: _Text
    attribution_nb: _Text


class FileModel(BaseModel):
    """One shipped file. ``used_for`` is an optional note of indicator ids; which file an
    indicator reads is derived from the code (``helpers.pipeline.loaders.INDICATOR_TABLES``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: _Text
    title: _Text
    role: Literal[ROLES]  # type: ignore[valid-type]
    publisher: _Text
    table_id: _Text
    table_title: _Text
    licence: _Text
    repo_licence: _Text
    source_repo: _Text
    source_path: _Text
    source_commit: _Text
    retrieved: _Date
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    confidence: Literal[CONFIDENCES]  # type: ignore[valid-type]
    caveats: _Text
    used_for: list[str] = []
    processing_nb: _Text | None = None
    # written by make data (helpers.ingest.fetch) for files fetched from an API
    retrieved_at: str | None = None
    url: str | None = None
    request_body: str | None = None


class ManifestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    retrieved: _Date
    publishers: dict[str, PublisherModel] = Field(min_length=1)
    files: list[FileModel]


def load_sources(path: str | Path | None = None, *, root: str | Path | None = None) -> dict:
    """Read and validate the manifest (:class:`ManifestModel`): required keys, known publisher,
    and every file exists, listed once.

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
    if not isinstance(doc, dict):
        raise DataError(file, 'expected a mapping with a "files" list', column="files")
    try:
        ManifestModel.model_validate(doc)
    except ValidationError as exc:
        raise _data_error(file, doc, exc) from None
    publishers = doc["publishers"]
    seen: set[str] = set()
    for i, entry in enumerate(doc["files"]):
        where = f"files[{i}] ({entry.get('path')})"
        if entry["publisher"] not in publishers:
            raise DataError(
                file,
                f'invalid value "{entry["publisher"]}"; expected one of {sorted(publishers)}',
                row=where,
                column="publisher",
            )
        rel = str(entry["path"])
        if rel in seen:
            raise DataError(file, f"{rel} is listed twice", row=where, column="path")
        seen.add(rel)
        if not (base / rel).is_file():
            raise DataError(file, f"listed file {rel} does not exist", row=where, column="path")
    doc["_root"] = str(base)
    return doc


def _data_error(file: Path, doc: dict, exc: ValidationError) -> DataError:
    """The first problem as DataError: ``files[3] (data/raw/x.csv)`` or ``publisher k``, field."""
    error = exc.errors(include_url=False)[0]
    loc = error["loc"]
    row: str | None = None
    rest = loc
    if loc[0] == "files" and len(loc) > 1:
        entry = doc["files"][loc[1]]
        row = f"files[{loc[1]}]" + (f" ({entry.get('path')})" if isinstance(entry, dict) else "")
        rest = loc[2:]
    elif loc[0] == "publishers" and len(loc) > 1:
        row, rest = f"publisher {loc[1]}", loc[2:]
    column = ".".join(str(p) for p in rest) or None
    value = error.get("input")
    if error["type"] == "missing":
        message = "missing or empty; required"
    elif error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "literal_error":
        message = f'invalid value "{value}"; expected one of {error["ctx"]["expected"]}'
    elif error["type"] == "string_pattern_mismatch":
        message = f'invalid value "{value}"; expected ' + (
            "64 lower-case hex digits" if column == "sha256" else "a date YYYY-MM-DD"
        )
    elif error["type"] in ("string_too_short", "string_type") and not str(value or "").strip():
        message = "missing or empty; required"
    else:
        message = f"{error['msg']} (got {value!r})"
    return DataError(file, message, row=row, column=column)


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


# ----------------------------------------------------------------------------------------------
# Adding or replacing a file: python -m helpers.catalogue.sources add data/raw/<file>
# ----------------------------------------------------------------------------------------------
def add(
    path: str | Path,
    *,
    replaces: str | Path | None = None,
    like: str | Path | None = None,
    retrieved: str | None = None,
    manifest: str | Path | None = None,
    root: str | Path | None = None,
) -> str:
    """Record ``path`` (a file under the project root) in the manifest with its SHA-256 and
    retrieval date (default today), editing the text so comments stay. Returns a short report.

    - ``path`` already listed (the file was replaced in place): its checksum and date change.
    - ``replaces``: the entry of that file (next year's version replacing it) becomes ``path``'s.
    - ``like``: a new entry copied from that file's entry (same publisher, licence, ...).
    The new manifest is validated before it is written (atomically)."""
    file = Path(manifest) if manifest is not None else SOURCES_FILE
    base = Path(root) if root is not None else ROOT
    target = Path(path)
    target = target if target.is_absolute() else base / target
    rel = target.resolve().relative_to(base.resolve()).as_posix()
    if not target.is_file():
        raise DataError(target, "file not found; put the new file in place first")
    when = retrieved or dt.date.today().isoformat()
    text = file.read_text(encoding="utf-8")
    blocks = _blocks(text)
    digest = sha256_of(target)
    if rel in blocks and replaces is None and like is None:
        start, end = blocks[rel]
        new_block, action = _set(text[start:end], rel, digest, when), "updated"
        text = text[:start] + new_block + text[end:]
    else:
        if rel in blocks:
            raise DataError(file, f"{rel} is listed already; leave out --replaces/--like")
        if (replaces is None) == (like is None):
            raise DataError(
                file,
                f"{rel} is not listed; say which entry it takes over (--replaces OLD) or is "
                "modelled on (--like OTHER)",
            )
        other = Path(replaces or like)  # type: ignore[arg-type]
        other_rel = (other if other.is_absolute() else base / other).resolve()
        key = other_rel.relative_to(base.resolve()).as_posix()
        if key not in blocks:
            raise DataError(file, f"{key} is not listed", column="path")
        start, end = blocks[key]
        new_block = _set(
            text[start:end].replace(f"path: {key}", f"path: {rel}", 1), rel, digest, when
        )
        if replaces is not None:
            text, action = text[:start] + new_block + text[end:], f"replaces {key}"
        else:
            text, action = text[:end] + new_block + text[end:], f"added like {key}"
    latest = max([when, *re.findall(r'(?m)^    retrieved: "?([0-9-]{10})"?', text)])
    text = re.sub(r'(?m)^retrieved: "[0-9-]+"', f'retrieved: "{latest}"', text, count=1)
    tmp = file.with_name(f".{file.name}.new")
    tmp.write_text(text, encoding="utf-8")
    try:
        load_sources(tmp, root=base)
        os.replace(tmp, file)
    finally:
        tmp.unlink(missing_ok=True)
    return f"{rel}: {action}, sha256 {digest[:12]}…, retrieved {when}"


def _blocks(text: str) -> dict[str, tuple[int, int]]:
    """path -> (start, end) of its ``- path:`` entry in the manifest text."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"(?m)^  - path: (\S+)\n", text)]
    out = {}
    for i, (start, rel) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        block = text[start:end]
        trailing = re.search(r"\n(?:[ \t]*#[^\n]*\n|[ \t]*\n)*\Z", block)  # comments of the next
        out[rel.strip("\"'")] = (start, start + trailing.start() + 1 if trailing else end)
    return out


def _set(block: str, rel: str, digest: str, when: str) -> str:
    block = re.sub(r'(?m)^(    sha256: )"?[0-9a-f]*"?', rf'\g<1>"{digest}"', block, count=1)
    return re.sub(r'(?m)^(    retrieved: )"?[0-9-]*"?', rf'\g<1>"{when}"', block, count=1)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m helpers.catalogue.sources",
        description="Record a raw file and its SHA-256 in data/sources.yml.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="add or update a file's entry (checksum and date)")
    p_add.add_argument("path", help="the file, e.g. data/raw/<file>.csv")
    group = p_add.add_mutually_exclusive_group()
    group.add_argument("--replaces", help="the file it replaces (next year's version)")
    group.add_argument("--like", help="a listed file whose entry the new one copies")
    p_add.add_argument("--retrieved", help="date the file was retrieved (default today)")
    args = parser.parse_args(argv)
    try:
        print(add(args.path, replaces=args.replaces, like=args.like, retrieved=args.retrieved))
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from helpers.catalogue.raw_tables import RAW_TABLES

    old = Path(args.replaces).name if args.replaces else None
    for table in RAW_TABLES.values():
        if old is not None and table.filename == old:
            print(
                f"Next: table {table.key} in src/helpers/catalogue/raw_tables.py reads {old}; "
                f"set its filename to {Path(args.path).name}, then review title, table_title and "
                "processing_nb of the entry in data/sources.yml."
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
