"""``make data``: fetch every catalogue indicator that has a ``fetch:`` block from its API.

Online and optional: ``make report`` and ``make test`` never call it. Steps:

1. Read the catalogue; check every ``fetch`` block (publisher, table, …).
2. Fetch all of them (one publisher module each: :mod:`helpers.ingest.fhi`, ``ssb``, ``oslo``,
   ``msis``) and validate each response with the reader that will read it offline.
3. Only when *every* fetch succeeded: write the changed files to ``data/raw/`` (temporary file +
   ``os.replace``) and then ``data/sources.yml`` (the same way), recording URL, request body,
   retrieval time and SHA-256. Any network, HTTP or payload error stops the run with one message
   naming indicator, URL and status; ``data/raw/`` and the manifest stay exactly as they were.
4. Print the base URLs used and a table: new / updated / unchanged / failed.

Base URLs: ``OSLOHELSA_FHI_API``, ``OSLOHELSA_SSB_API``, ``OSLOHELSA_OSLO_API``,
``OSLOHELSA_MSIS_URL`` (defaults: the official ones; for MSIS the folder of the public GitHub
copy), so a mirror, proxy or local test server can stand in.

A publisher module provides ``API_ENV``, ``API_DEFAULT``, ``MIN_INTERVAL``, ``FETCH_REQUIRED``
(fields its ``fetch:`` block must give), ``MANIFEST_KEY`` (its key in ``data/sources.yml``),
``LICENCE``, ``NAME_NB`` (the source as the report's notes name it),
``fetch(client, spec, indicator)`` and ``check(content, spec, indicator, url)``;
optionally ``manifest_fields(spec, url)`` (manifest fields that differ from an API fetch).
Adding a publisher is one entry in :data:`PUBLISHERS`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import yaml

from helpers import config
from helpers.errors import DataError
from helpers.ingest import fhi, msis, oslo, ssb
from helpers.ingest.http import Client, FetchError, NotPublished
from helpers.ingest.paths import fetched_path

PUBLISHERS: dict[str, ModuleType] = {"fhi": fhi, "ssb": ssb, "oslo": oslo, "msis": msis}
ALLOWED = {
    "publisher",
    "source",
    "table",
    "level",
    "select",
    "geo",
    "file",
    "title",
    "licence",
    "verified",
    "note",
    "value",
    "time",
    "age_group",
    "sex",
}
MARKER = "  # --- make data: "


@dataclass
class Job:
    indicator: str
    publisher: str
    spec: dict
    file: Path  # under data/raw


@dataclass
class Outcome:
    job: Job
    status: str  # new | updated | unchanged | no bydel data | failed | not written
    url: str = ""
    body: dict | None = None
    content: bytes = b""
    sha256: str = ""
    detail: str = ""


def fetched_indicators(catalogue_file: Path | None = None) -> dict[str, dict]:
    """indicator id -> fetch block, for the catalogue entries whose fetched file exists.

    A light scan of the YAML (the catalogue itself is validated by helpers.catalogue): an
    indicator becomes available because its raw file is there, not because a status was edited.
    """
    file = catalogue_file if catalogue_file is not None else config.CATALOGUE_FILE
    try:
        doc = yaml.safe_load(Path(file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out = {}
    for entry in doc.get("indicators") or []:
        spec = entry.get("fetch") if isinstance(entry, dict) else None
        if isinstance(spec, dict) and spec.get("publisher") in PUBLISHERS:
            if fetched_path(str(entry.get("id")), spec).is_file():
                out[str(entry["id"])] = spec
    return out


def base_urls() -> dict[str, str]:
    """Publisher -> base URL (environment variable or the official default)."""
    return {k: os.environ.get(m.API_ENV) or m.API_DEFAULT for k, m in PUBLISHERS.items()}


def jobs(catalogue=None, raw_dir: Path | None = None) -> list[Job]:
    """One job per catalogue indicator with a ``fetch`` block; DataError for a bad block."""
    from helpers.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    raw = raw_dir if raw_dir is not None else config.DATA_RAW
    out = []
    for ind in cat.indicators:
        spec = dict(ind.fetch or {})
        if not spec:
            continue
        row = f'indicator "{ind.id}"'
        pub = spec.get("publisher")
        if pub not in PUBLISHERS:
            raise DataError(
                cat.path, f"unknown publisher {pub!r}; expected one of {sorted(PUBLISHERS)}",
                row=row, column="fetch.publisher",
            )  # fmt: skip
        unknown = sorted(set(spec) - ALLOWED)
        if unknown:
            raise DataError(
                cat.path, f"unknown field(s) {unknown}; allowed: {sorted(ALLOWED)}",
                row=row, column="fetch",
            )  # fmt: skip
        for key in PUBLISHERS[pub].FETCH_REQUIRED:
            if not str(spec.get(key, "")).strip():
                raise DataError(cat.path, "missing; required", row=row, column=f"fetch.{key}")
        out.append(Job(ind.id, pub, spec, fetched_path(ind.id, spec, raw)))
    return out


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def fetch_all(
    todo: list[Job], urls: dict[str, str], clients: dict[str, Client] | None = None
) -> list[Outcome]:
    """Fetch and validate every job; stops at the first failure (the rest: "not written")."""
    clients = dict(clients or {})
    done: list[Outcome] = []
    for i, job in enumerate(todo):
        mod = PUBLISHERS[job.publisher]
        client = clients.setdefault(
            job.publisher, Client(urls[job.publisher], min_interval=mod.MIN_INTERVAL)
        )
        try:
            url, body, content = mod.fetch(client, job.spec, job.indicator)
            mod.check(content, job.spec, job.indicator, url)
        except NotPublished as exc:  # discovered from metadata: nothing per bydel to fetch
            done.append(Outcome(job, "no bydel data", exc.url, detail=str(exc)))
            continue
        except FetchError as exc:
            done.append(Outcome(job, "failed", exc.url, detail=str(exc)))
            done += [Outcome(j, "not written") for j in todo[i + 1 :]]
            for o in done[:-1]:
                if o.status in ("new", "updated", "unchanged"):
                    o.status = "not written"
            return done
        sha = _sha(content)
        old = _sha(job.file.read_bytes()) if job.file.is_file() else None
        status = "new" if old is None else ("unchanged" if old == sha else "updated")
        done.append(Outcome(job, status, url, body, content, sha))
    return done


def _entry(o: Outcome, when: str) -> str:
    """The manifest entry (YAML text) of one fetched file."""
    job = o.job
    rel = job.file.relative_to(config.ROOT) if job.file.is_relative_to(config.ROOT) else job.file
    spec = job.spec
    entry = {
        "path": str(rel),
        "title": spec.get("title") or f"{job.indicator} ({job.publisher} {spec['table']})",
        "role": "indicator",
        "publisher": PUBLISHERS[job.publisher].MANIFEST_KEY,
        "table_id": str(spec["table"]),
        "table_title": spec.get("title") or str(spec["table"]),
        "licence": spec.get("licence") or PUBLISHERS[job.publisher].LICENCE,
        "repo_licence": "not from a repository (fetched from the publisher's API)",
        "source_repo": "none (fetched by make data)",
        "source_path": o.url,
        "source_commit": "none",
        "retrieved": when[:10],
        "retrieved_at": when,
        "url": o.url,
        "request_body": json.dumps(o.body, ensure_ascii=False, sort_keys=False),
        "sha256": o.sha256,
        "confidence": "high",
        "caveats": "Raw API response written unchanged by make data (helpers.ingest.fetch).",
        "used_for": [job.indicator],
    }
    if o.body is None:  # a plain GET of a file
        del entry["request_body"]
    extra = getattr(PUBLISHERS[job.publisher], "manifest_fields", None)
    if extra is not None:
        entry.update(extra(spec, o.url))
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
    body = "\n".join("  " + line if line else line for line in text.splitlines())
    return f"{MARKER}{rel}\n{body}\n"


def manifest_text(current: str, outcomes: list[Outcome], when: str) -> str:
    """``sources.yml`` with an entry added or replaced for each new/updated file.

    Entries written by make data sit at the end of the ``files`` list, each after a marker
    comment, so the hand-written part of the file (comments included) is never rewritten."""
    text = current if current.endswith("\n") else current + "\n"
    for o in outcomes:
        if o.status not in ("new", "updated"):
            continue
        rel = (
            str(o.job.file.relative_to(config.ROOT))
            if o.job.file.is_relative_to(config.ROOT)
            else str(o.job.file)
        )
        start = text.find(f"{MARKER}{rel}\n")
        new = _entry(o, when)
        if start < 0:
            text += new
        else:
            nxt = text.find(MARKER, start + 1)
            text = text[:start] + new + (text[nxt:] if nxt >= 0 else "")
    if any(o.status in ("new", "updated") for o in outcomes):
        # the manifest's own date is its latest retrieval
        text = re.sub(r'(?m)^retrieved: "[0-9-]+"', f'retrieved: "{when[:10]}"', text, count=1)
    return text


def _atomic_write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(outcomes: list[Outcome], manifest: Path, when: str) -> None:
    """Write new/updated files, then the manifest; every write is temp file + os.replace.

    Everything is prepared (and the new manifest parsed) before the first replace."""
    changed = [o for o in outcomes if o.status in ("new", "updated")]
    if not changed:
        return
    text = manifest_text(manifest.read_text(encoding="utf-8"), outcomes, when)
    yaml.safe_load(text)  # never write a manifest that does not parse
    for o in changed:
        _atomic_write(o.job.file, o.content)
    _atomic_write(manifest, text.encode("utf-8"))


def table(outcomes: list[Outcome]) -> str:
    rows = [("indicator", "publisher", "status", "file")]
    rows += [(o.job.indicator, o.job.publisher, o.status, o.job.file.name) for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def run(
    *,
    catalogue=None,
    raw_dir: Path | None = None,
    manifest: Path | None = None,
    clients: dict[str, Client] | None = None,
    now: dt.datetime | None = None,
    out=print,
) -> int:
    """The whole of ``make data``; returns the exit code (0 ok, 1 a fetch failed)."""
    urls = base_urls()
    out("Base URLs: " + ", ".join(f"{k} {v}" for k, v in urls.items()))
    todo = jobs(catalogue, raw_dir)
    if not todo:
        out("No catalogue indicator has a fetch block; nothing to do.")
        return 0
    outcomes = fetch_all(todo, urls, clients)
    failed = [o for o in outcomes if o.status == "failed"]
    out(table(outcomes))
    if failed:
        out(f"make data stopped, nothing written: {failed[0].detail}")
        return 1
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    publish(outcomes, manifest if manifest is not None else config.SOURCES_FILE, when)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fetch the catalogue's indicators (make data).")
    parser.parse_args(argv)
    try:
        return run()
    except DataError as exc:
        print(f"make data: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
