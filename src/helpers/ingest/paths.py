"""Where ``make data`` writes a fetched file, and the offline build finds it.

Kept apart from :mod:`helpers.ingest.fetch` (HTTP clients, pandas) so that the catalogue can ask
whether a fetched file exists without importing them: checking a build option stays quick.
"""

from __future__ import annotations

from pathlib import Path

from helpers import config


def fetched_path(indicator_id: str, spec: dict, raw_dir: Path | None = None) -> Path:
    """Where make data writes (and the offline build finds) an indicator's fetched file."""
    raw = raw_dir if raw_dir is not None else config.DATA_RAW
    name = spec.get("file") or f"{spec.get('publisher')}_{spec.get('table')}_{indicator_id}.json"
    return raw / str(name).replace("/", "_").lower()
