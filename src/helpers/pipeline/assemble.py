"""Assemble one indicator's tidy rows (``config.TIDY_COLUMNS``): names, level, period, 95 % Wilson
score interval (percent; Wilson 1927; Brown, Cai & DasGupta 2001, Statist. Sci. 16:101-133), or
for a rate (events per ``rate_per`` residents) the Poisson interval of
:func:`helpers.stats.intervals.rate` (exact below 10 events, Byars from 10; PHEindicatormethods
``phe_rate``), checks, column order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.catalogue.schemas import TIDY_SCHEMA, validate
from helpers.config import (
    OSLO_CODE,
    TIDY_COLUMNS,
)
from helpers.errors import DataError
from helpers.ingest.bydel_names import geo_name
from helpers.stats.intervals import rate, wilson


def _tidy(indicator_id: str, df: pd.DataFrame, *, rate_per: float | None = None) -> pd.DataFrame:
    """Finish one indicator: names, level, period, CI, checks, column order.

    ``df`` has geo_code, year, age_group, value, numerator, denominator, flag, ``_file``,
    ``_row`` (raw row label for messages), ``_column`` and optionally ``_ci_x`` (the count the
    interval is computed from; default the numerator).
    The interval is Wilson's for a percentage (default), or with ``rate_per`` (e.g. 1000 for
    events per 1 000 residents, ``value = rate_per x numerator / denominator``) the Poisson
    interval of a rate, on the value's scale; a rate's numerator may exceed its denominator.
    """
    df = df.sort_values(["year", "geo_code"], kind="stable").reset_index(drop=True)
    for col in ("value", "numerator", "denominator"):
        df[col] = df[col].astype(float)
    bad_den = df["denominator"].notna() & (df["denominator"] <= 0)
    over = df["numerator"].notna() & df["denominator"].notna() & (rate_per is None)
    over &= df["numerator"] > df["denominator"]
    for mask, what in (
        (bad_den, "denominator (population) must be > 0, found {den:.0f}"),
        (over, "numerator {num:.0f} is larger than the denominator {den:.0f} ({pop})"),
    ):
        if mask.any():
            r = df[mask].iloc[0]
            raise DataError(
                r["_file"],
                what.format(num=r["numerator"], den=r["denominator"], pop=r.get("_pop", ""))
                + f"; {geo_name(r['geo_code'])} {r['year']}",
                row=r["_row"] if isinstance(r["_row"], str) else int(r["_row"]),
                column=r["_column"],
            )
    x = df["_ci_x"] if "_ci_x" in df.columns else df["numerator"]
    ok = df["value"].notna() & x.notna() & df["denominator"].notna()
    df["ci_low"] = np.nan
    df["ci_high"] = np.nan
    if ok.any() and rate_per is not None:
        ci = rate(
            x[ok].to_numpy(dtype=float), df.loc[ok, "denominator"].to_numpy(dtype=float),
            multiplier=rate_per,
        )  # fmt: skip
        df.loc[ok, "ci_low"] = ci["lower"].to_numpy()
        df.loc[ok, "ci_high"] = ci["upper"].to_numpy()
    elif ok.any():
        lo, hi = wilson(
            x[ok].to_numpy(dtype=float), df.loc[ok, "denominator"].to_numpy(dtype=float)
        )
        df.loc[ok, "ci_low"] = 100 * lo
        df.loc[ok, "ci_high"] = 100 * hi
    df["indicator_id"] = indicator_id
    df["geo_name"] = df["geo_code"].map(geo_name)
    df["geo_level"] = np.where(df["geo_code"] == OSLO_CODE, "kommune", "bydel")
    df["period"] = df["year"].astype(str)
    df["year_end"] = df["year"].astype("int64")
    df["sex"] = df.get("sex", "alle")
    df["flag"] = df["flag"].fillna("").astype(str)
    rows = df["_row"].map(lambda r: r if isinstance(r, str) else f"row {r}")
    validate(df, TIDY_SCHEMA, None, rows=rows, files=df["_file"])
    out = df.loc[:, list(TIDY_COLUMNS)].copy()
    for col in ("indicator_id", "geo_code", "geo_name", "geo_level", "period", "sex", "age_group"):
        out[col] = out[col].astype(str)
    return out
