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


# ---------------------------------------------------------------------------------------------
# MADE-UP MSIS CSV (helpers.ingest.msis): the real file's header and layout, invented numbers.
# ---------------------------------------------------------------------------------------------

MSIS_HEADER = (
    "date,date_time,kommune_bydel_no,kommune_bydel_name,bydel_no,bydel_name,kommune_no,"
    "kommune_name,fylke_no,fylke_name,population,cases"
)
# date -> index k used in the formulas below (five dates: 2020 and 2021 complete, 2022 not)
MSIS_DATES = ("2020-03-26", "2020-12-31", "2021-06-30", "2021-12-29", "2022-03-01")
# cumulative cases per date of bydel number i (1-15): a + b·i
MSIS_BYDEL_CUMULATIVE = ((0, 1), (100, 10), (200, 20), (400, 30), (900, 50))
# cumulative cases per date of Sentrum, Marka and "Ukjent bydel"
MSIS_OTHER_CUMULATIVE = {
    "030116": (1, 5, 8, 12, 20),
    "030117": (0, 2, 3, 4, 6),
    "030199": (3, 50, 70, 90, 150),
}
MSIS_OTHER_POPULATION = {"030116": 1000, "030117": 1500, "030199": 2000}
_MSIS_OTHER_NAMES = {
    "030116": ("Sentrum", "Sentrum"),
    "030117": ("Marka", "Marka"),
    "030199": ("Ukjent Bydel", "Ukjent"),
}


def msis_population(i: int) -> int:
    """MADE-UP population of bydel number i (1-15): 10 000 + 1 000·i."""
    return 10_000 + 1_000 * i


def msis_csv(
    dates: tuple[str, ...] = MSIS_DATES, *, cases: dict[tuple[str, str], str] | None = None
) -> bytes:
    """A MADE-UP MSIS CSV (``municipality_and_district.csv`` layout) — NOT MSIS's or Oslo's
    numbers. For each date in ``dates`` (by its index k in MSIS_DATES): Oslo's 15 bydeler (bydel
    number i has population msis_population(i) and cumulative cases a_k + b_k·i), Sentrum,
    Marka and "Ukjent bydel" (MSIS_OTHER_*), then two other kommuner that the reader must ignore.
    ``cases`` replaces the cases cell of (date, area code) with any text (bad input tests)."""
    cases = cases or {}
    lines = [MSIS_HEADER]
    for date in dates:
        k = MSIS_DATES.index(date)
        stamp = f"{date},{date}T04:00:00Z"
        for i, (code, name) in enumerate(config.BYDELER.items(), start=1):
            a, b = MSIS_BYDEL_CUMULATIVE[k]
            n = cases.get((date, code), str(a + b * i))
            row = f"{code},{name},{code},{name},0301,Oslo,03,Oslo,{msis_population(i)},{n}"
            lines.append(f"{stamp},{row}")
        for code, (long, short) in _MSIS_OTHER_NAMES.items():
            n = cases.get((date, code), str(MSIS_OTHER_CUMULATIVE[code][k]))
            pop = MSIS_OTHER_POPULATION[code]
            lines.append(f"{stamp},{code},{long},{code},{short},0301,Oslo,03,Oslo,{pop},{n}")
        lines.append(f"{stamp},1101,Eigersund,,,1101,Eigersund,11,Rogaland,15000,{7 * (k + 1)}")
        lines.append(f"{stamp},9999,Ukjent Kommune,,,9999,Ukjent Kommune,99,Ukjent Fylke,0,{k}")
    return ("\n".join(lines) + "\n").encode("utf-8")
