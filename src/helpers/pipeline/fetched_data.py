"""Tidy rows of indicators fetched by ``make data`` (:mod:`helpers.ingest.fetch`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import (
    BYDELER,
    OSLO_CODE,
)
from helpers.errors import DataError
from helpers.ingest.jsonstat import read_jsonstat
from helpers.ingest.rawtables import _check_complete, _check_unique
from helpers.pipeline.assemble import _tidy
from helpers.schemas import (
    TIDY_SCHEMA,
    validate,
)


def load_fetched(indicator_id: str, spec: dict, path: str | Path) -> pd.DataFrame:
    """Tidy table of an indicator fetched by ``make data`` from the FHI API (json-stat2).

    Keeps Oslo (0301) and the 15 bydeler; the time dimension (``spec["time"]``, default ``AAR``,
    codes like ``2020_2022``) gives ``period`` ("2020-2022", or "2020" for one year) and
    ``year_end``. Every other dimension must have one category left, either in the file or chosen
    with ``spec["value"]`` (e.g. ``{MEASURE_TYPE: RATE, KJONN: "0"}``). Values only: counts and
    intervals stay missing (``helpers.no_counts``); FHI's flags are kept as they are.
    """
    file = Path(path)
    df = read_jsonstat(file)
    geo, time = spec.get("geo", "GEO"), spec.get("time", "AAR")
    for dim in (geo, time):
        if f"{dim}_kode" not in df.columns:
            raise DataError(file, f"no {dim} dimension; expected {geo} and {time}", column=dim)
    df = df[df[f"{geo}_kode"].isin([OSLO_CODE, *BYDELER])]
    chosen = {str(k): str(v) for k, v in (spec.get("value") or {}).items()}
    for col in [c for c in df.columns if c.endswith("_kode")]:
        dim = col.removesuffix("_kode")
        if dim in (geo, time):
            continue
        if dim in chosen:
            df = df[df[col] == chosen[dim]]
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
    parts = df[f"{time}_kode"].str.split("_")
    first, last = parts.str[0], parts.str[-1]
    out = pd.DataFrame(
        {
            "geo_code": df[f"{geo}_kode"],
            "year": last.astype(int),
            "age_group": str(spec.get("age_group", "alle")),
            "sex": str(spec.get("sex", "alle")),
            "value": df["verdi"],
            "numerator": np.nan,
            "denominator": np.nan,
            "flag": df["verdi_flag"],
            "_file": str(file),
            "_row": df.index.astype(int),
            "_column": "value",
        }
    )
    out["geo_name"] = out["geo_code"].map({**BYDELER, OSLO_CODE: "Oslo"})
    _check_unique(out, ["year"], file, f"{geo}_kode")
    _check_complete(out, file, f"{geo}_kode", out["year"])
    labels = pd.Series(np.where(first == last, last, first + "-" + last), index=df.index)
    periods = dict(zip(zip(out["year"], out["geo_code"], strict=True), labels, strict=True))
    tidy = _tidy(indicator_id, out)
    tidy["period"] = [
        periods[(y, g)] for y, g in zip(tidy["year_end"], tidy["geo_code"], strict=True)
    ]
    validate(tidy, TIDY_SCHEMA, file)
    return tidy
