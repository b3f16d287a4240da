"""Shared by the two PxWeb publishers (SSB v2, Oslo statistikkbank v1): validate a json-stat2
response with the project's offline reader
(:func:`helpers.ingest.jsonstat.read_jsonstat`, pyjstat), so a fetched file is checked exactly as
it will later be read."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from helpers.errors import DataError
from helpers.ingest.http import FetchError
from helpers.ingest.jsonstat import read_jsonstat


def check_jsonstat(content: bytes, indicator: str, url: str, geo: str | None) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "response.json"
        path.write_bytes(content.removeprefix(b"\xef\xbb\xbf"))
        try:
            df = read_jsonstat(path)
        except (DataError, UnicodeDecodeError) as exc:
            raise FetchError(indicator, url, 200, f"malformed payload: {exc}") from exc
    if geo and f"{geo}_kode" not in df.columns:
        raise FetchError(
            indicator, url, 200, f"changed layout: no {geo!r} dimension in the response"
        )
    return df
