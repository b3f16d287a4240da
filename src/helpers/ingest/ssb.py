"""Statistisk sentralbyrå (SSB): PxWebApi v2 client (``data.ssb.no/api/pxwebapi/v2``).

``POST /tables/{id}/data?outputFormat=json-stat2&lang=no`` with the selection from the
catalogue's ``fetch`` block (every variable with ``elimination: false`` must be listed, or SSB
answers 400). Current bydel codes carry an ``a`` suffix (``030101a`` …); the plain six-digit codes
are the pre-2004 bydeler, so the codes are written and kept exactly as SSB sends them. Rate limit:
30 calls per minute per IP (SSB's guide), 429 above it. The response is read offline with
:func:`helpers.ingest.jsonstat.read_jsonstat` (pyjstat; ``status`` symbols ``.`` ``..`` ``:`` kept
as flags).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.catalogue.raw_tables import RAW_TABLES
from helpers.config import BYDELER, OSLO_CODE
from helpers.ingest.pxweb import check_jsonstat
from helpers.ingest.rawtables import _check_unique, _geo_rows, raw_path, read_table

API_DEFAULT = "https://data.ssb.no/api/pxwebapi/v2/"
API_ENV = "OSLOHELSA_SSB_API"
MIN_INTERVAL = 2.0  # 30 calls per minute
FETCH_REQUIRED = ("table",)  # fields a fetch: block must give
MANIFEST_KEY = "ssb"  # publisher key in data/sources.yml
LICENCE = "CC BY 4.0"
NAME_NB = "SSB"  # the source as the report names it ("Hentet ... fra <NAME_NB>")


def request_body(spec: dict) -> dict:
    select = spec.get("select") or {}
    return {
        "selection": [
            {"variableCode": k, "valueCodes": [str(x) for x in v]} for k, v in select.items()
        ]
    }


def fetch(client, spec: dict, indicator: str):
    path = f"tables/{spec['table']}/data"
    body = request_body(spec)
    params = {"outputFormat": "json-stat2", "lang": "no"}
    content = client.request("POST", path, indicator=indicator, json=body, params=params)
    return client.url(path) + "?outputFormat=json-stat2&lang=no", body, content


def check(content: bytes, spec: dict, indicator: str, url: str) -> pd.DataFrame:
    return check_jsonstat(content, indicator, url, spec.get("geo", "Region"))


def load_child_low_income_1996_2004(path: str | Path | None = None) -> pd.DataFrame:
    """SSB Samfunnsspeilet 2007/4 table 6 (transcribed): children 0-15 in persistent low income
    (EU measure), 1996-1998 and 2002-2004, 15 bydeler + Oslo. Historical context only, not part
    of :func:`build_tidy`. Columns geo_code, geo_name, period, share (percent), count.
    """
    table = RAW_TABLES["samfunnsspeilet_tab6"]
    file = raw_path("samfunnsspeilet_tab6", path)
    df = read_table("samfunnsspeilet_tab6", file)
    df = df[df["bydel"] != "Hele landet"]
    df = _geo_rows(df, table, file)
    df["measure"] = np.where(df["unit"] == "prosent", "share", "count")
    _check_unique(df, ["period", "measure"], file, table.geo)
    out = df.pivot_table(
        index=["geo_code", "geo_name", "period"], columns="measure", values="value"
    ).reset_index()
    out.columns.name = None
    return out[["geo_code", "geo_name", "period", "share", "count"]]


# --------------------------------------------------------------------------------------------
# Files fetched by make data: dimension defaults, bydel codes and periods
# (read generically by helpers.pipeline.fetched_data)
# --------------------------------------------------------------------------------------------

FETCH_GEO = "Region"
FETCH_TIME = "Tid"  # codes "2024" (years)


def fetched_geo(df: pd.DataFrame, geo: str, file: Path) -> pd.Series:
    """SSB code per row: "0301" is Oslo, "030101a" … "030115a" the current bydeler (the ``a`` is
    SSB's marker for the current division, dropped only here, when mapping to the project's
    codes). Plain "030101" … are the pre-2004 bydeler and, like any other area, give None."""
    codes = df[f"{geo}_kode"].astype(str)
    current = codes.str.fullmatch(r"0301\d\da") & codes.str[:-1].isin(list(BYDELER))
    out = pd.Series(None, index=df.index, dtype=object)
    out[current] = codes[current].str[:-1]
    out[codes == OSLO_CODE] = OSLO_CODE
    return out


def fetched_period(df: pd.DataFrame, time: str, file: Path) -> pd.Series:
    """Period label per row: the year code as SSB writes it ("2024")."""
    return df[f"{time}_kode"].astype(str)
