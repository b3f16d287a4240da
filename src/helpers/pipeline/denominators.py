"""Denominators: population by bydel, year and age group (OK-BEF004 and OK-BEF005, "administrativ
bydel") and the dates they refer to.

Rates per population use the population on 1 January of the year *after* the count's year,
i.e. the population at the counts' reference date 31 December (:data:`POPULATION_YEAR_OFFSET`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.ingest.oslo import (
    COUNT_RATES,
    SOSIALHJELP_WHOLE_POPULATION_FROM,
    read_population_table,
)

# Counts per 31 December of year Y are divided by the population on 1 January of year Y + 1.
POPULATION_YEAR_OFFSET = 1


def load_population(paths: dict[str, str | Path] | None = None) -> pd.DataFrame:
    """Population by bydel (15 + Oslo), year and age group, 2008-2026.

    BEF004 for the years before BEF005 starts, BEF005 from 2017 on (the tables overlap 2017-2019;
    2017 and 2019 agree exactly, 2018 differs by one person in Gamle Oslo 50-66). Columns
    geo_code, geo_name, year, age_group, population; age groups are :data:`POPULATION_AGE_GROUPS`.
    """
    pop = _population(paths)
    return pop.drop(columns=["_row", "_file"]).reset_index(drop=True)


def _population(paths: dict[str, str | Path] | None = None) -> pd.DataFrame:
    paths = paths or {}
    old = read_population_table("bef004", paths.get("bef004"))
    new = read_population_table("bef005", paths.get("bef005"))
    old["_file"] = old.attrs["path"]
    new["_file"] = new.attrs["path"]
    old = old[old["year"] < new["year"].min()]
    pop = pd.concat([old, new], ignore_index=True)
    return pop.sort_values(["year", "geo_code", "age_group"], kind="stable").reset_index(drop=True)


def _population_sum(pop: pd.DataFrame, ages: tuple[str, ...], offset: int) -> pd.DataFrame:
    """Population summed over ``ages``; ``year`` is population year minus offset."""
    sub = pop[pop["age_group"].isin(ages)]
    counts = sub.groupby(["geo_code", "year"])["age_group"].nunique()
    complete = counts[counts == len(ages)].index
    den = sub.groupby(["geo_code", "year"])["population"].sum().loc[complete].rename("denominator")
    den = den.reset_index()
    den["year"] = den["year"] - offset
    if "_file" in pop.columns:
        files = pop.groupby("year")["_file"].first()
        den["_pop_file"] = (den["year"] + offset).map(files)
    else:
        den["_pop_file"] = "population table"
    return den


def denominator_date(indicator_id: str, year: int) -> str:
    """Bokmål: which population count and date the denominator of ``indicator_id`` in ``year``
    is, for denominators taken from the population tables; "" when the denominator comes from
    the indicator's own table (households, residents, voters) or there is none."""
    if indicator_id not in COUNT_RATES and indicator_id != "sosialhjelp":
        return ""
    year = int(year)
    if indicator_id in COUNT_RATES:
        spec = COUNT_RATES[indicator_id]
        lo, hi = spec.age_group.split("-")
        return (
            f"Nevneren er bosatte {lo}–{hi} år per 1.1.{year + POPULATION_YEAR_OFFSET} "
            "(befolkningstabellene OK-BEF004/OK-BEF005)."
        )
    if indicator_id == "sosialhjelp":
        if year >= SOSIALHJELP_WHOLE_POPULATION_FROM:
            who = f"hele befolkningen per 1.1.{year}"
        else:
            who = f"bosatte 18 år og over per 1.1.{year + POPULATION_YEAR_OFFSET}"
        return f"Befolkningen som andelen gjelder, er {who}."
    return ""
