"""Statistisk sentralbyrå (SSB): PxWebApi v2 client (``data.ssb.no/api/pxwebapi/v2``).

``POST /tables/{id}/data?outputFormat=json-stat2&lang=no`` with the selection from the
catalogue's ``fetch`` block (every variable with ``elimination: false`` must be listed, or SSB
answers 400). Current bydel codes carry an ``a`` suffix (``030101a`` …); the plain six-digit codes
are the pre-2004 bydeler, so the codes are written and kept exactly as SSB sends them. Rate limit:
30 calls per minute per IP (SSB's guide), 429 above it. The response is read offline with
:func:`helpers.data.read_jsonstat` (pyjstat; ``status`` symbols ``.`` ``..`` ``:`` kept as flags).
"""

from __future__ import annotations

import pandas as pd

from helpers.ingest.pxweb import check_jsonstat

API_DEFAULT = "https://data.ssb.no/api/pxwebapi/v2/"
API_ENV = "OSLOHELSA_SSB_API"
MIN_INTERVAL = 2.0  # 30 calls per minute


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
