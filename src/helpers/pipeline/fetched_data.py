"""Tidy rows of indicators fetched by ``make data`` (:mod:`helpers.ingest.fetch`), for every
publisher, driven by the catalogue entry's ``fetch:`` block: a fetched file becomes tidy rows
with no new code.

Reader dispatch (the one place that chooses how a fetched file is read): a publisher module
that defines ``fetched_rows(indicator_id, spec, file)`` reads its own files (e.g. MSIS's CSV,
:mod:`helpers.ingest.msis`) into the rows :func:`helpers.pipeline.assemble._tidy` takes, plus a
``_period`` label; its ``FETCH_RATE_PER`` (optional) makes the value a rate per that many
residents with a Poisson interval. Every other fetched file is json-stat2
(:func:`helpers.ingest.jsonstat.read_jsonstat`): the publisher's module says which dimensions are
geography and time by default (``FETCH_GEO``, ``FETCH_TIME``; ``fetch.geo`` / ``fetch.time``
override them), how a row's area becomes a project code (``fetched_geo``) and how its time
becomes a period label (``fetched_period``). The checks and the tidy/validate path after reading
are the same for all publishers and live here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.catalogue.schemas import TIDY_SCHEMA, validate
from helpers.config import (
    BYDELER,
    OSLO_CODE,
)
from helpers.errors import DataError
from helpers.ingest.fetch import PUBLISHERS
from helpers.ingest.jsonstat import read_jsonstat
from helpers.ingest.rawtables import _check_complete, _check_unique
from helpers.pipeline.assemble import _tidy

_PERIOD = re.compile(r"\d{4}(-\d{4})?")


def _choose(df: pd.DataFrame, dim: str, wanted: str) -> pd.DataFrame:
    """Rows whose category of ``dim`` is ``wanted``, by code or else by label."""
    by_code = df[df[f"{dim}_kode"] == wanted]
    if not by_code.empty or f"{dim}_navn" not in df.columns:
        return by_code
    return df[df[f"{dim}_navn"] == wanted]


def load_fetched(indicator_id: str, spec: dict, path: str | Path) -> pd.DataFrame:
    """Tidy table of an indicator fetched by ``make data`` (any publisher).

    Keeps Oslo (0301) and the 15 bydeler, each once per year and all of them in every year; the
    rows come from the publisher's own ``fetched_rows`` when it has one, else from json-stat2
    (:func:`_jsonstat_rows`), and then go through the same tidy/validate path.
    """
    file = Path(path)
    publisher = PUBLISHERS[str(spec.get("publisher", "fhi"))]
    reader = getattr(publisher, "fetched_rows", None)
    if reader is not None:
        out, column = reader(indicator_id, spec, file), "geo_code"
    else:
        out, column = _jsonstat_rows(indicator_id, spec, file, publisher)
    out["geo_name"] = out["geo_code"].map({**BYDELER, OSLO_CODE: "Oslo"})
    _check_unique(out, ["year"], file, column)
    _check_complete(out, file, column, out["year"])
    periods = dict(zip(zip(out["year"], out["geo_code"], strict=True), out["_period"], strict=True))
    tidy = _tidy(
        indicator_id,
        out.drop(columns="_period"),
        rate_per=getattr(publisher, "FETCH_RATE_PER", None),
    )
    tidy["period"] = [
        periods[(y, g)] for y, g in zip(tidy["year_end"], tidy["geo_code"], strict=True)
    ]
    validate(tidy, TIDY_SCHEMA, file)
    return tidy


def _jsonstat_rows(
    indicator_id: str, spec: dict, file: Path, publisher
) -> tuple[pd.DataFrame, str]:
    """Rows of a json-stat2 file for :func:`_tidy`, and the geography column for messages.

    The time dimension gives ``_period`` ("2020-2022", or "2020" for one year) and ``year``.
    Every other dimension must have one category left, either in the file or chosen with
    ``spec["value"]`` by code or label (e.g. ``{MEASURE_TYPE: RATE, KJONN: "0"}`` or
    ``{kjønn: "I alt"}``). Values only: counts and intervals stay missing
    (``helpers.stats.no_counts``); the publishers' flags are kept as they are.
    """
    df = read_jsonstat(file)
    geo = str(spec.get("geo", publisher.FETCH_GEO))
    time = str(spec.get("time", publisher.FETCH_TIME))
    for dim in (geo, time):
        if f"{dim}_kode" not in df.columns:
            dims = [c.removesuffix("_kode") for c in df.columns if c.endswith("_kode")]
            raise DataError(
                file,
                f"no {dim} dimension; expected {geo} and {time} (set fetch.geo / fetch.time for "
                f"indicator {indicator_id} in data/indicators.yml); the file has {dims}",
                column=dim,
            )
    df = df.assign(_geo_code=publisher.fetched_geo(df, geo, file))
    df = df[df["_geo_code"].isin([OSLO_CODE, *BYDELER])]
    chosen = {str(k): str(v) for k, v in (spec.get("value") or {}).items()}
    for col in [c for c in df.columns if c.endswith("_kode")]:
        dim = col.removesuffix("_kode")
        if dim in (geo, time):
            continue
        if dim in chosen:
            df = _choose(df, dim, chosen[dim])
        codes = list(df[col].unique())
        if len(codes) != 1:
            raise DataError(
                file,
                f"dimension {dim} has {len(codes)} categories {codes[:6]}; choose one with "
                f"fetch.value: {{{dim}: <code>}} for indicator {indicator_id} in "
                "data/indicators.yml",
                column=col,
            )
    if df.empty:
        raise DataError(file, "no rows for Oslo and its bydeler", column=f"{geo}_kode")
    labels = publisher.fetched_period(df, time, file).astype(str)
    bad = ~labels.map(lambda s: bool(_PERIOD.fullmatch(s)))
    if bad.any():
        raise DataError(
            file,
            f'period "{labels[bad].iloc[0]}" is not a year or YYYY-YYYY',
            row=int(labels[bad].index[0]),
            column=f"{time}_kode",
        )
    out = pd.DataFrame(
        {
            "geo_code": df["_geo_code"],
            "year": labels.str[-4:].astype(int),
            "age_group": str(spec.get("age_group", "alle")),
            "sex": str(spec.get("sex", "alle")),
            "value": df["verdi"],
            "numerator": np.nan,
            "denominator": np.nan,
            "flag": df["verdi_flag"],
            "_file": str(file),
            "_row": df.index.astype(int),
            "_column": "value",
            "_period": labels,
        }
    )
    return out, f"{geo}_kode"
