"""Directly age-standardised rates for indicators that depend strongly on age.

Uføretrygd and AAP rise steeply with age, so a bydel with many young adults (St. Hanshaugen)
looks favourable partly because it is young. The raw tables count recipients by age band
(OK-SOS006, OK-SOS001) and the population tables (OK-BEF004/OK-BEF005) give residents by age, so
each bydel's rate can be standardised to one age structure.

Age bands are the finest both sides share: 18–29, 30–39, 40–49 and 50–66 years (BEF has one
band 50–66; the recipient bands 50–59 and 60–67, or 60+, are summed into it). As for the crude
rate, counts per 31.12. of year Y are divided by residents on 1.1. of Y + 1. The standard is
Oslo's own population 18–66 on 1.1. of the year after the period (the crude denominator's date),
so a standardised rate reads "the rate the bydel would have with Oslo's age structure". The rate
and its Dobson limits come from ``helpers.stats.intervals.dsr`` (PHEindicatormethods ``phe_dsr``); a
band count missing in the source (suppressed there) counts as 0, as in ``phe_dsr``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from helpers.catalogue.raw_tables import RAW_TABLES
from helpers.config import OSLO_CODE
from helpers.ingest import rawtables
from helpers.pipeline import denominators
from helpers.stats import intervals

#: Population bands (BEF age groups) of the four standardisation bands.
POPULATION_BANDS: dict[str, tuple[str, ...]] = {
    "18-29": ("18-19", "20-22", "23-24", "25-29"),
    "30-39": ("30-39",),
    "40-49": ("40-49",),
    "50-66": ("50-66",),
}


@dataclass(frozen=True)
class AgeSpec:
    """Where an indicator's counts by age are: raw table, selection, and count bands per band."""

    table: str
    select: dict[str, tuple[str, ...]]
    age_column: str
    bands: dict[str, tuple[str, ...]]  # standard band -> the table's age labels summed into it


#: Indicators shown with an age-standardised rate beside the crude one.
AGE_STANDARDISED: dict[str, AgeSpec] = {
    "uforetrygd": AgeSpec(
        "sos006",
        {"kjønn_navn": ("I alt",)},
        "aldersgruppe_navn",
        {
            "18-29": ("18-29",),
            "30-39": ("30-39",),
            "40-49": ("40-49",),
            "50-66": ("50-59", "60-67"),
        },
    ),  # fmt: skip
    "arbeidsavklaringspenger": AgeSpec(
        "sos001",
        {"kjønn_navn": ("Begge kjønn",)},
        "aldersgruppe_navn",
        {
            "18-29": ("Under 30",),
            "30-39": ("30-39",),
            "40-49": ("40-49",),
            "50-66": ("50-59", "60+"),
        },
    ),  # fmt: skip
}

#: Bokmål description of the standard, for notes and the methods chapter.
STANDARD_NB = (
    "Oslos befolkning 18–66 år per 1.1. året etter (aldersgruppene 18–29, 30–39, 40–49 og 50–66 år)"
)


@functools.lru_cache(maxsize=4)
def _population() -> pd.DataFrame:
    return denominators.load_population()


@functools.lru_cache(maxsize=8)
def age_band_table(indicator_id: str) -> pd.DataFrame:
    """Counts and population by bydel (and Oslo), year and standard band.

    Columns geo_code, year, band, count (NaN where the source has a symbol instead of a number),
    population (residents on 1.1. of year + 1).
    """
    spec = AGE_STANDARDISED[indicator_id]
    table = RAW_TABLES[spec.table]
    file = rawtables.raw_path(spec.table)
    rows = rawtables._geo_rows(rawtables.read_table(spec.table, file), table, file)
    rows = rawtables._select(rows, spec.select)
    label_to_band = {lab: band for band, labels in spec.bands.items() for lab in labels}
    rows = rows[rows[spec.age_column].isin(label_to_band)]
    rows = rows.assign(
        band=rows[spec.age_column].map(label_to_band),
        count=rows["verdi"].where(rows["verdi_flag"] == ""),
    )
    counts = rows.groupby(["geo_code", "year", "band"])["count"].sum(min_count=1).reset_index()
    pop = _population()
    parts = []
    for band, ages in POPULATION_BANDS.items():
        sub = pop[pop["age_group"].isin(ages)]
        s = sub.groupby(["geo_code", "year"])["population"].sum().reset_index()
        s["year"] = s["year"] - denominators.POPULATION_YEAR_OFFSET
        parts.append(s.assign(band=band))
    population = pd.concat(parts, ignore_index=True)
    return counts.merge(population, on=["geo_code", "year", "band"], how="inner")


def standardised_rates(indicator_id: str, year: int, confidence: float = 0.95) -> pd.DataFrame:
    """Directly age-standardised rate per 100 for every bydel (and Oslo) in ``year``, with
    Dobson limits, standardised to Oslo's population 18–66 on 1.1. of ``year`` + 1.

    Columns geo_code, value, ci_low, ci_high, count (sum over bands), missing_bands (bands whose
    count the source did not publish; counted as 0).
    """
    bands = age_band_table(indicator_id)
    rows = bands[bands["year"] == int(year)]
    if rows.empty:
        raise ValueError(f"year: {indicator_id} has no counts by age for {year}")
    order = list(POPULATION_BANDS)
    std = rows[rows["geo_code"] == OSLO_CODE].set_index("band")["population"].reindex(order)
    out = []
    for code, group in rows.groupby("geo_code"):
        g = group.set_index("band").reindex(order)
        res = intervals.dsr(
            g["count"].to_numpy(float), g["population"].to_numpy(float), std.to_numpy(float),
            multiplier=100, confidence=confidence,
        )  # fmt: skip
        out.append(
            {
                "geo_code": code, "value": res.value, "ci_low": res.lower, "ci_high": res.upper,
                "count": res.total_count, "missing_bands": int(g["count"].isna().sum()),
            }
        )  # fmt: skip
    return pd.DataFrame(out)


def standardise_rows(used: pd.DataFrame, indicator_id: str, year: int) -> pd.DataFrame:
    """``used`` (bydel rows in rank order) with value and limits replaced by the standardised
    rate; the crude value is kept as ``crude``. Population weights and ranks are unchanged."""
    std = standardised_rates(indicator_id, year).set_index("geo_code")
    out = used.copy()
    out["crude"] = out["value"]
    for col in ("value", "ci_low", "ci_high"):
        out[col] = out["geo_code"].map(std[col]).astype(float)
    if out["value"].isna().any():
        missing = out.loc[out["value"].isna(), "geo_name"].tolist()
        raise ValueError(f"{indicator_id} {year}: no standardised rate for {missing}")
    return out


def has_standardised(indicator_id: str) -> bool:
    return indicator_id in AGE_STANDARDISED


def reproduces(rows: pd.DataFrame, indicator_id: str, year: int) -> bool:
    """True when the age bands add up to ``rows``' numerator and denominator for every bydel
    (the shipped data do, every year); a table from elsewhere (e.g. synthetic test data) does
    not, and is then not standardised with counts it was not built from."""
    if not has_standardised(indicator_id) or rows.empty:
        return False
    bands = age_band_table(indicator_id)
    sums = (
        bands[bands["year"] == int(year)]
        .groupby("geo_code")
        .agg(count=("count", "sum"), population=("population", "sum"))
    )
    joined = rows.set_index("geo_code")[["numerator", "denominator"]].join(sums, how="left")
    return bool(
        (joined["count"] == joined["numerator"]).all()
        and (joined["population"] == joined["denominator"]).all()
    )


__all__ = [
    "AGE_STANDARDISED",
    "POPULATION_BANDS",
    "STANDARD_NB",
    "age_band_table",
    "has_standardised",
    "reproduces",
    "standardise_rows",
    "standardised_rates",
]
