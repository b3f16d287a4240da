"""Oslo kommune statistikkbank: PxWebApi v1 client (``statistikkbanken.oslo.kommune.no``).

``POST …/statbank/api/v1/no/db1/<level>/<TABLE>.px`` with ``{"query": [...], "response":
{"format": "json-stat2"}}``. Level ids are Norwegian phrases (spaces, commas, æøå) and are
percent-encoded. ``år`` codes are sequence numbers and geography codes differ between tables,
so selections use ``top(n)``/``all`` or labels are mapped later by name (as the offline loaders
do). Limits: 50 calls per 10 s, at most 1 000 values per selection; a too-large request gives
403. Errors are a bare "Bad Request" without JSON.
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from helpers.ingest.pxweb import check_jsonstat

API_DEFAULT = "https://statistikkbanken.oslo.kommune.no/statbank/api/v1/no/db1/"
API_ENV = "OSLOHELSA_OSLO_API"
MIN_INTERVAL = 0.2  # 50 calls per 10 s


def request_body(spec: dict) -> dict:
    query = []
    for code, sel in (spec.get("select") or {}).items():
        if isinstance(sel, dict):  # {"filter": "top", "values": ["5"]}
            query.append({"code": code, "selection": sel})
        else:
            query.append({"code": code, "selection": {"filter": "item", "values": list(sel)}})
    return {"query": query, "response": {"format": "json-stat2"}}


def fetch(client, spec: dict, indicator: str):
    level = "/".join(quote(part, safe="") for part in str(spec["level"]).split("/"))
    path = f"{level}/{quote(str(spec['table']), safe='.')}"
    body = request_body(spec)
    content = client.request("POST", path, indicator=indicator, json=body)
    return client.url(path), body, content


def check(content: bytes, spec: dict, indicator: str, url: str) -> pd.DataFrame:
    return check_jsonstat(content, indicator, url, spec.get("geo"))
