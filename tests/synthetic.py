"""Synthetic data for tests only — NOT Oslo's numbers.

Builds a tidy table (``config.TIDY_COLUMNS``) for the 15 real bydel codes with made-up values, so
tests of the gradient, plots and report text run without the raw files. Every value is derived
from simple formulas below, so expected results can be worked out by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import config

SYNTHETIC_LABEL = "SYNTETISKE TESTDATA"


def tidy_table(
    indicator_id: str = "uforetrygd",
    *,
    years: tuple[int, ...] = (2022, 2023, 2024),
    slope: float = -0.4,
    small: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Ranking variable ``hoyere_utdanning_30_66`` rising with the bydel number (1 = lowest), and
    one indicator whose share falls by ``slope`` percentage points per bydel number from 10 %.

    ``small`` sets the numerator of some bydeler (by code) to tiny counts, to test suppression.
    """
    rows = []
    codes = list(config.BYDELER)
    for year in years:
        for i, code in enumerate(codes, start=1):
            denom = 10_000.0 + 1_000 * i
            share = 10.0 + slope * i
            num = round(share / 100 * denom)
            if small and code in small:
                num = small[code]
            value = 100 * num / denom
            rows.append(_row(indicator_id, code, year, value, num, denom))
            rows.append(_row("hoyere_utdanning_30_66", code, year, 20.0 + 3 * i, None, None))
        total_num = sum(
            r["numerator"]
            for r in rows
            if r["year_end"] == year and r["indicator_id"] == indicator_id
        )
        total_den = sum(
            r["denominator"]
            for r in rows
            if r["year_end"] == year and r["indicator_id"] == indicator_id
        )
        rows.append(
            _row(
                indicator_id,
                config.OSLO_CODE,
                year,
                100 * total_num / total_den,
                total_num,
                total_den,
                level="kommune",
            )
        )
    return pd.DataFrame(rows, columns=list(config.TIDY_COLUMNS))


def _row(ind, code, year, value, num, den, level="bydel"):
    half = 0.5 if num is not None else 0.0
    return {
        "indicator_id": ind,
        "geo_code": code,
        "geo_name": config.BYDELER.get(code, config.OSLO_NAME),
        "geo_level": level,
        "period": str(year),
        "year_end": year,
        "sex": "alle",
        "age_group": "alle",
        "value": value,
        "numerator": np.nan if num is None else float(num),
        "denominator": np.nan if den is None else float(den),
        "ci_low": value - half if num is not None else np.nan,
        "ci_high": value + half if num is not None else np.nan,
        "flag": "",
    }
