"""Oslo kommune: the statistikkbank's and Oslo kommune statistikk's tables (population
OK-BEF004/BEF005, the count and share specs read from them) and the statistikkbank's PxWebApi v1
client.

Client: Oslo kommune statistikkbank: PxWebApi v1 client (``statistikkbanken.oslo.kommune.no``).

``POST …/statbank/api/v1/no/db1/<level>/<TABLE>.px`` with ``{"query": [...], "response":
{"format": "json-stat2"}}``. Level ids are Norwegian phrases (spaces, commas, æøå) and are
percent-encoded. ``år`` codes are sequence numbers and geography codes differ between tables,
so selections use ``top(n)``/``all`` or labels are mapped later by name (as the offline loaders
do). Limits: 50 calls per 10 s, at most 1 000 values per selection; a too-large request gives
403. Errors are a bare "Bad Request" without JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from helpers.catalogue.raw_tables import RAW_TABLES
from helpers.config import (
    BYDELER,
    OSLO_CODE,
)
from helpers.errors import DataError
from helpers.ingest.bydel_names import geo_name, normalise_bydel
from helpers.ingest.pxweb import check_jsonstat
from helpers.ingest.rawtables import _check_complete, _check_unique, _geo_rows, raw_path, read_table

API_DEFAULT = "https://statistikkbanken.oslo.kommune.no/statbank/api/v1/no/db1/"
API_ENV = "OSLOHELSA_OSLO_API"
MIN_INTERVAL = 0.2  # 50 calls per 10 s
FETCH_REQUIRED = ("level", "table")  # fields a fetch: block must give
MANIFEST_KEY = "oslo_kommune_statistikkbank"  # publisher key in data/sources.yml
LICENCE = "NLOD 2.0"
NAME_NB = "Oslo kommunes statistikkbank"  # the source as the report names it


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


# --------------------------------------------------------------------------------------------
# Population (OK-BEF004 2008-2019, OK-BEF005 2017-2026; "administrativ bydel")
# --------------------------------------------------------------------------------------------

AGES_0_17: tuple[str, ...] = ("0", "1-2", "3-5", "6-9", "10-12", "13-15", "16-17")
AGES_18_66: tuple[str, ...] = ("18-19", "20-22", "23-24", "25-29", "30-39", "40-49", "50-66")
AGES_67_PLUS: tuple[str, ...] = ("67-74", "75-79", "80-84", "85-89", "90+")
AGES_18_PLUS: tuple[str, ...] = AGES_18_66 + AGES_67_PLUS
POPULATION_AGE_GROUPS: tuple[str, ...] = ("alle", *AGES_0_17, *AGES_18_PLUS)


def _age_label(label: str) -> str:
    """'0 år' -> '0', '1-2 år' -> '1-2', '90 år +'/'90-94 år'/'95+ år' -> '90+', total -> alle."""
    text = label.strip()
    if text == "Alder i alt":
        return "alle"
    if text in ("90 år +", "90-94 år", "95+ år"):
        return "90+"
    return text.removesuffix(" år")


def read_population_table(key: str = "bef005", path: str | Path | None = None) -> pd.DataFrame:
    """One population table (``bef004`` or ``bef005``) as geo_code, geo_name, year, age_group,
    population (int). 90-94 and 95+ (BEF005) are summed to 90+ so both tables share age groups.

    Checks: every value a whole number (an SSB symbol is an error here), the total > 0, the age
    bands sum to the total, and the 15 bydeler sum to Oslo (true for both tables, PROVENANCE.md).
    """
    if key not in ("bef004", "bef005"):
        raise ValueError(f"key must be 'bef004' or 'bef005', got {key!r}")
    table = RAW_TABLES[key]
    file = raw_path(key, path)
    df = _geo_rows(read_table(key, file), table, file)
    age_col = next(
        c for c in table.columns if c.lower().startswith("alder") and c.endswith("_navn")
    )
    flagged = df["verdi_flag"] != ""
    if flagged.any():
        idx = flagged[flagged].index[0]
        raise DataError(
            file,
            f'population must be a number, found the symbol "{df.at[idx, "verdi_flag"]}"',
            row=int(idx),
            column="verdi",
        )
    fraction = df["verdi"] % 1 != 0
    if fraction.any():
        idx = fraction[fraction].index[0]
        raise DataError(
            file,
            f"population must be a whole number, found {df.at[idx, 'verdi']}",
            row=int(idx),
            column="verdi",
        )
    _check_unique(df, ["year", age_col], file, table.geo)
    df = df.assign(age_group=df[age_col].map(_age_label))
    pop = (
        df.groupby(["geo_code", "geo_name", "year", "age_group"], sort=False)
        .agg(population=("verdi", "sum"), _row=("_row", "min"))
        .reset_index()
    )
    years = sorted(pop["year"].unique())
    for age in POPULATION_AGE_GROUPS:
        _check_complete(pop[pop["age_group"] == age], file, table.geo, years)
    total = pop[pop["age_group"] == "alle"].set_index(["year", "geo_code"])
    nonpositive = total["population"] <= 0
    if nonpositive.any():
        r = total[nonpositive].iloc[0]
        raise DataError(
            file, f"total population must be > 0, found {r['population']:.0f}",
            row=int(r["_row"]), column="verdi",
        )  # fmt: skip
    bands = pop[pop["age_group"] != "alle"].groupby(["year", "geo_code"])["population"].sum()
    off = (bands - total["population"]).abs() > 0
    if off.any():
        (year, code) = off[off].index[0]
        r = total.loc[(year, code)]
        raise DataError(
            file,
            f"age groups sum to {bands[(year, code)]:.0f} but the total for {geo_name(code)} "
            f"{year} is {r['population']:.0f}; expected them to be equal",
            row=int(r["_row"]),
            column="verdi",
        )
    wide = pop.pivot_table(index=["year", "age_group"], columns="geo_code", values="population")
    diff = (wide[list(BYDELER)].sum(axis=1) - wide[OSLO_CODE]).abs() > 0
    if diff.any():
        (year, age) = diff[diff].index[0]
        r = pop[(pop["year"] == year) & (pop["age_group"] == age) & (pop["geo_code"] == OSLO_CODE)]
        raise DataError(
            file,
            f"the 15 bydeler sum to {wide.loc[(year, age), list(BYDELER)].sum():.0f} but Oslo "
            f"is {wide.loc[(year, age), OSLO_CODE]:.0f} ({year}, age {age}); expected equal",
            row=int(r["_row"].iloc[0]),
            column="verdi",
        )
    pop["population"] = pop["population"].astype("int64")
    pop.attrs["path"] = str(file)
    return pop


# --------------------------------------------------------------------------------------------
# Indicator specs (read by helpers.pipeline.loaders)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRate:
    """Recipients counted in a raw table per 100 residents (population from BEF004/BEF005)."""

    table: str
    select: dict[str, tuple[str, ...]]
    ages: tuple[str, ...]
    age_group: str
    note: str


@dataclass(frozen=True)
class Share:
    """A percentage: numerator columns over a denominator column, summed over selected rows."""

    table: str
    select: dict[str, tuple[str, ...]]
    numerator: tuple[str, ...]
    denominator: str
    age_group: str
    note: str


COUNT_RATES: dict[str, CountRate] = {
    "uforetrygd": CountRate(
        "sos006",
        {"kjønn_navn": ("I alt",), "aldersgruppe_navn": ("I alt",)},
        AGES_18_66,
        "18-66",
        "Mottakere 18-67 år per 31.12 delt på bosatte 18-66 år 1.1. året etter (BEF mangler "
        "67-årsbåndet; liten tilnærming).",
    ),
    "arbeidsavklaringspenger": CountRate(
        "sos001",
        {"kjønn_navn": ("Begge kjønn",), "aldersgruppe_navn": ("Alder i alt",)},
        AGES_18_66,
        "18-66",
        "Mottakere (alle aldre, i praksis 18-67) per 31.12 delt på bosatte 18-66 år 1.1. året "
        "etter (liten tilnærming).",
    ),
    "barn_berort_sosialhjelp": CountRate(
        "sto013",
        {"sosialhjelpsmottakere og berørte_navn": ("Berørte barn i alt",)},
        AGES_0_17,
        "0-17",
        "Barn berørt av økonomisk sosialhjelp i løpet av året delt på bosatte 0-17 år 1.1. året "
        "etter.",
    ),
}

SHARES: dict[str, Share] = {
    "lavinntekt_husholdninger": Share(
        "lavinntekt",
        {"husholdningstype": ("Alle husholdninger",)},
        ("antall_lavinntekt_korr_formue",),
        "antall_husholdninger",
        "alle",
        "Husholdninger under 60 % av medianinntekten i Oslo, korrigert for formue.",
    ),
    "lavinntekt_husholdninger_barn": Share(
        "lavinntekt",
        {"husholdningstype": ("Husholdninger med barn under 18 år",)},
        ("antall_lavinntekt_korr_formue",),
        "antall_husholdninger",
        "alle",
        "Husholdninger med barn under 18 år under 60 % av medianinntekten i Oslo, korrigert for "
        "formue.",
    ),
    "sysselsetting_25_59": Share(
        "sys002",
        {"kjonn": ("Begge kjønn",), "aldersgruppe": ("25-39 år", "40-49 år", "50-59 år")},
        ("antall_sysselsatte",),
        "bosatte",
        "25-59",
        "Sum av aldersgruppene 25-39, 40-49 og 50-59 år, begge kjønn.",
    ),
    "valgdeltakelse": Share(
        "val001",
        {"alder": ("Alder i alt",), "kjonn": ("Begge kjønn",)},
        ("antall_stemmer",),
        "antall_stemmeberettigede",
        "alle",
        "Avgitte stemmer i prosent av stemmeberettigede, kommunestyrevalget 2023.",
    ),
    "hoyere_utdanning_30_66": Share(
        "utd027",
        {"kjonn": ("Begge kjønn",), "aldersgruppe": ("30-39 år", "40-49 år", "50-66 år")},
        ("antall_uh_kort", "antall_uh_lang"),
        "antall_i_alt",
        "30-66",
        "Universitets- og høgskoleutdanning (kort + lang) blant bosatte 30-66 år.",
    ),
}


SOSIALHJELP_SHARE = "Andel sosialhjelpsmottakere i befolkningen"
SOSIALHJELP_COUNT = "Antall sosialhjelpsmottakere"
# From 2019 STØ020's share is of the whole population (1 January of the year); up to 2018 it
# reproduces as recipients per resident aged 18+ on 1 January of the following year.
SOSIALHJELP_WHOLE_POPULATION_FROM = 2019


# --------------------------------------------------------------------------------------------
# Files fetched by make data: dimension defaults, bydel codes and periods
# (read generically by helpers.pipeline.fetched_data)
# --------------------------------------------------------------------------------------------

FETCH_GEO = "bydel"  # tables differ ("bosted", "bydel"): set fetch.geo in the catalogue
FETCH_TIME = "år"  # codes are sequence numbers ("0", "1", …): the label is the year


def fetched_geo(df: pd.DataFrame, geo: str, file: Path) -> pd.Series:
    """SSB code per row, mapped from the area's *label* (codes differ between tables):
    "Oslo i alt" is 0301, the 15 bydeler their codes; Sentrum, Marka, unknown address and sums
    give None; an unknown name is a DataError naming file, row and column."""
    labels = df[f"{geo}_navn"]
    codes = {
        name: normalise_bydel(name, file=file, row=int(idx[0]), column=f"{geo}_navn")
        for name, idx in df.groupby(labels, sort=False).groups.items()
    }
    return labels.map(codes).astype(object)


def fetched_period(df: pd.DataFrame, time: str, file: Path) -> pd.Series:
    """Period label per row: the time category's label ("2024")."""
    return df[f"{time}_navn"].astype(str)
