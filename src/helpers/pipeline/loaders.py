"""Indicator loaders: each indicator id -> a function returning its tidy table (table-driven from
the publishers' specs in :mod:`helpers.ingest`), and the registry the build iterates over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.catalogue.raw_tables import RAW_TABLES
from helpers.catalogue.schemas import TIDY_SCHEMA, validate
from helpers.config import (
    BYDELER,
    DATA_RAW,
    OSLO_CODE,
)
from helpers.errors import DataError
from helpers.ingest import fetch as _fetch
from helpers.ingest import fhi as _fhi
from helpers.ingest.bydel_names import geo_name
from helpers.ingest.fhi import VACCINATION_FILE, VACCINATIONS, _oslo_rows, read_khs_export
from helpers.ingest.oslo import (
    AGES_18_PLUS,
    COUNT_RATES,
    SHARES,
    SOSIALHJELP_COUNT,
    SOSIALHJELP_SHARE,
    SOSIALHJELP_WHOLE_POPULATION_FROM,
    CountRate,
    Share,
)
from helpers.ingest.rawtables import (
    _check_complete,
    _check_unique,
    _geo_rows,
    _rows_label,
    _select,
    raw_path,
    read_table,
)
from helpers.pipeline.assemble import _tidy
from helpers.pipeline.denominators import POPULATION_YEAR_OFFSET, _population, _population_sum
from helpers.pipeline.fetched_data import load_fetched


def _load_count_rate(
    indicator_id: str, path: str | Path | None = None, *, population: pd.DataFrame | None = None
) -> pd.DataFrame:
    spec = COUNT_RATES[indicator_id]
    table = RAW_TABLES[spec.table]
    file = raw_path(spec.table, path)
    rows = _geo_rows(read_table(spec.table, file), table, file)
    sel = _select(rows, spec.select)
    _check_unique(sel, ["year"], file, table.geo)
    _check_complete(sel, file, table.geo, sel["year"])
    pop = population if population is not None else _population()
    den = _population_sum(pop, spec.ages, POPULATION_YEAR_OFFSET)
    df = sel.merge(den, on=["geo_code", "year"], how="inner")  # years with population only
    flagged = df["verdi_flag"] != ""
    df["numerator"] = df["verdi"].where(~flagged)
    df["value"] = 100 * df["numerator"] / df["denominator"]
    df["flag"] = df["verdi_flag"]
    df["age_group"] = spec.age_group
    df["_file"] = str(file)
    df["_column"] = "verdi"
    df["_pop"] = (
        "population " + spec.age_group + " from " + df["_pop_file"].map(lambda p: Path(p).name)
    )
    return _tidy(indicator_id, df)


def _load_share(
    indicator_id: str, path: str | Path | None = None, *, spec: Share | None = None
) -> pd.DataFrame:
    """Tidy table of a :class:`Share` (``spec`` overrides ``SHARES[indicator_id]``)."""
    spec = spec if spec is not None else SHARES[indicator_id]
    table = RAW_TABLES[spec.table]
    file = raw_path(spec.table, path)
    rows = _geo_rows(read_table(spec.table, file), table, file)
    sel = _select(rows, spec.select)
    dims = list(spec.select)
    _check_unique(sel, ["year", *dims], file, table.geo)
    _check_complete(sel, file, table.geo, rows["year"])
    for small, big in table.extra_checks:
        over = sel[small].notna() & sel[big].notna() & (sel[small] > sel[big])
        if over.any():
            idx = over[over].index[0]
            raise DataError(
                file,
                f"{small} = {sel.at[idx, small]:.0f} is larger than {big} = "
                f"{sel.at[idx, big]:.0f}; expected {small} <= {big}",
                row=int(idx),
                column=small,
            )
    n_combos = int(np.prod([len(v) for v in spec.select.values()]))
    sizes = sel.groupby(["year", "geo_code"]).size()
    short = sizes[sizes != n_combos]
    if not short.empty:
        (year, code) = short.index[0]
        have = sel[(sel["year"] == year) & (sel["geo_code"] == code)]
        lacking = [
            f"{c}={v}" for c, vals in spec.select.items() for v in vals if v not in set(have[c])
        ]
        raise DataError(
            file,
            f"{geo_name(code)} {year} lacks the row(s) {lacking}; expected one row for each of "
            f"{spec.select}",
            row=f"year {year}",
            column=dims[-1],
        )
    cols = [*spec.numerator, spec.denominator]
    flag = pd.Series("", index=sel.index, dtype=object)
    for col in reversed(cols):
        f = sel[f"{col}_flag"]
        flag = flag.where(f == "", f)
    work = sel.assign(_num=sel[list(spec.numerator)].sum(axis=1, min_count=len(spec.numerator)))
    work["_flag"] = flag
    grouped = work.groupby(["year", "geo_code"], sort=True)
    df = grouped.agg(
        numerator=("_num", "sum"),
        denominator=(spec.denominator, "sum"),
        flag=("_flag", lambda f: next((x for x in f if x), "")),
        _row=("_row", _rows_label),
    ).reset_index()
    missing = df["flag"] != ""
    df.loc[missing, ["numerator", "denominator"]] = np.nan
    df["value"] = 100 * df["numerator"] / df["denominator"]
    df["age_group"] = spec.age_group
    df["_file"] = str(file)
    df["_column"] = spec.numerator[0]
    df["_pop"] = spec.denominator
    return _tidy(indicator_id, df)


def load_sosialhjelp(
    path: str | Path | None = None, *, population: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Social assistance recipients, % of the population (OK-STØ020 published share).

    ``value`` is the published share (one decimal); ``numerator`` the published count;
    ``denominator`` the BEF population the share reproduces with: residents 18+ on 1 January of
    the next year for 2007-2018 (``age_group`` "18+"), all residents on 1 January of the year from
    2019 (``age_group`` "alle"). With these, 251 of the 272 bydel/Oslo rows reproduce to 0.05
    percentage points and all to 0.21; the differences above 0.1 are 2015 and St. Hanshaugen from
    2019, whose published denominator seems to leave out Sentrum's residents (SSB geography).
    The total population does not reproduce 2007-2018: the 2019 change of denominator is a break
    in the series (Oslo 3.7 % in 2018, 2.9 % in 2019 with similar counts).
    The 95 % CI is the Wilson interval for the *published* share with n = denominator
    (x = share x n), so it always contains the published value.
    """
    table = RAW_TABLES["sto020"]
    file = raw_path("sto020", path)
    rows = _geo_rows(read_table("sto020", file), table, file)
    sel = rows[rows["alder_navn"] == "I alt"]
    parts = {}
    for label in (SOSIALHJELP_SHARE, SOSIALHJELP_COUNT):
        part = sel[sel["statistikkvariabel_navn"] == label]
        _check_unique(part, ["year"], file, table.geo)
        _check_complete(part, file, table.geo, rows["year"])
        parts[label] = part.set_index(["year", "geo_code"])
    share, count = parts[SOSIALHJELP_SHARE], parts[SOSIALHJELP_COUNT]
    over100 = share["verdi"] > 100
    if over100.any():
        r = share[over100].iloc[0]
        raise DataError(
            file, f"share {r['verdi']} is above 100 %", row=int(r["_row"]), column="verdi"
        )
    df = share[["verdi", "verdi_flag", "_row"]].rename(
        columns={"verdi": "value", "verdi_flag": "flag"}
    )
    df["numerator"] = count["verdi"].where(count["verdi_flag"] == "")
    df = df.reset_index()
    pop = population if population is not None else _population()
    adults = _population_sum(pop, AGES_18_PLUS, POPULATION_YEAR_OFFSET).assign(age_group="18+")
    everyone = _population_sum(pop, ("alle",), 0).assign(age_group="alle")
    den = pd.concat(
        [
            adults[adults["year"] < SOSIALHJELP_WHOLE_POPULATION_FROM],
            everyone[everyone["year"] >= SOSIALHJELP_WHOLE_POPULATION_FROM],
        ]
    )
    df = df.merge(den, on=["geo_code", "year"], how="inner")
    df["value"] = df["value"].where(df["flag"] == "")
    df["_ci_x"] = df["value"] / 100 * df["denominator"]
    df["_file"] = str(file)
    df["_column"] = "verdi"
    df["_pop"] = "population " + df["age_group"]
    return _tidy("sosialhjelp", df)


def load_vaccination(indicator_id: str, path: str | Path | None = None) -> pd.DataFrame:
    """Tidy table of one vaccination coverage indicator (``VACCINATIONS[indicator_id]``).

    Keeps the periods in which at least one bydel has a value (2010-2014 … 2014-2018; HPV
    2013-2017 and 2014-2018), with every bydel and Oslo in each. ``value`` is the published
    percentage; ``numerator``, ``denominator``, ``ci_low`` and ``ci_high`` stay missing (the
    source gives no counts). ``period`` is the 5-year label, ``year_end`` its last year.
    """
    spec = VACCINATIONS[indicator_id]
    file = Path(path) if path is not None else DATA_RAW / VACCINATION_FILE
    rows = _oslo_rows(read_khs_export(file), file)
    sel = rows[(rows["alder"] == spec.alder) & (rows["dimensjon"] == spec.vaksine)].copy()
    if sel.empty:
        raise DataError(
            file,
            f'no rows for age "{spec.alder}" and vaccine "{spec.vaksine}" under Oslo; found ages '
            f"{sorted(rows['alder'].unique())} and vaccines {sorted(rows['dimensjon'].unique())}",
            column="C",
        )
    over = sel["verdi"] > 100
    if over.any():
        r = sel[over].iloc[0]
        raise DataError(
            file, f"coverage {r['verdi']} is above 100 %", row=int(r["_row"]), column=r["_column"]
        )
    bydel_values = sel[(sel["geo_code"] != OSLO_CODE) & sel["verdi"].notna()]
    sel = sel[sel["periode"].isin(set(bydel_values["periode"]))].copy()
    if sel.empty:
        raise DataError(file, f"no bydel has a value for {spec.vaksine}, {spec.alder}", column="C")
    sel["geo_name"] = sel["geo_code"].map({**BYDELER, OSLO_CODE: "Oslo"})
    sel["year"] = sel["periode"].str[-4:].astype(int)
    _check_unique(sel, ["year"], file, "A")
    _check_complete(sel, file, "A", sel["year"])
    df = pd.DataFrame(
        {
            "geo_code": sel["geo_code"],
            "year": sel["year"],
            "age_group": spec.age_group,
            "sex": spec.sex,
            "value": sel["verdi"],
            "numerator": np.nan,
            "denominator": np.nan,
            "flag": sel["verdi_flag"],
            "_file": str(file),
            "_row": sel["_row"].astype(int),
            "_column": sel["_column"],
            "_period": sel["periode"],
        }
    )
    periods = df.set_index(["year", "geo_code"])["_period"]
    out = _tidy(indicator_id, df)
    out["period"] = [periods[(y, g)] for y, g in zip(out["year_end"], out["geo_code"], strict=True)]
    validate(out, TIDY_SCHEMA, file)
    return out


def vaccination_loaders() -> dict[str, Callable[..., pd.DataFrame]]:
    """indicator id -> loader(path=None, population=None), for the registry below."""
    return {
        ind: (lambda path=None, population=None, _i=ind: load_vaccination(_i, path))
        for ind in VACCINATIONS
    }


def _registry() -> dict[str, Callable[..., pd.DataFrame]]:
    loaders: dict[str, Callable[..., pd.DataFrame]] = {}
    for ind in COUNT_RATES:
        loaders[ind] = lambda path=None, population=None, _i=ind: _load_count_rate(
            _i, path, population=population
        )
    loaders["sosialhjelp"] = lambda path=None, population=None: load_sosialhjelp(
        path, population=population
    )
    for ind in SHARES:
        loaders[ind] = lambda path=None, population=None, _i=ind: _load_share(_i, path)
    return loaders


# Count rates and shares declared in data/indicators.yml (a `compute:` block): no code needed.
from helpers.catalogue.compute import computed as _computed  # noqa: E402

for _ind, (_kind, _kwargs) in _computed().items():
    if _ind in COUNT_RATES or _ind in SHARES:
        raise DataError(None, f"{_ind} has a compute block and a spec in helpers.ingest; keep one")
    if _kind == "count_rate":
        COUNT_RATES[_ind] = CountRate(**_kwargs)
    else:
        SHARES[_ind] = Share(**_kwargs)

# indicator id -> loader(path=None, population=None) -> tidy table
INDICATOR_LOADERS: dict[str, Callable[..., pd.DataFrame]] = _registry()
# indicator id -> raw table key (the file ``path=`` replaces)
INDICATOR_TABLES: dict[str, str] = {
    **{k: v.table for k, v in COUNT_RATES.items()},
    "sosialhjelp": "sto020",
    **{k: v.table for k, v in SHARES.items()},
}
INDICATOR_NOTES: dict[str, str] = {
    **{k: v.note for k, v in COUNT_RATES.items()},
    "sosialhjelp": "Publisert andel (OK-STØ020). Nevner til og med 2018: bosatte 18 år og over; "
    "fra 2019: hele befolkningen (brudd i serien).",
    **{k: v.note for k, v in SHARES.items()},
}

# FHI (Kommunehelsa) indicators: read by helpers.ingest.fhi, registered here.

INDICATOR_LOADERS.update(vaccination_loaders())
INDICATOR_TABLES.update(dict.fromkeys(_fhi.VACCINATIONS, _fhi.VACCINATION_TABLE))
INDICATOR_NOTES.update({k: v.note for k, v in _fhi.VACCINATIONS.items()})

# Indicators fetched by `make data` (helpers.ingest.fetch): registered when their file exists.

FETCHED_SPECS: dict[str, dict] = _fetch.fetched_indicators()
for _ind, _spec in FETCHED_SPECS.items():
    INDICATOR_LOADERS[_ind] = lambda path=None, population=None, _i=_ind, _s=_spec: load_fetched(
        _i, _s, path or _fetch.fetched_path(_i, _s)
    )
    INDICATOR_TABLES[_ind] = f"fetched:{_ind}"
    INDICATOR_NOTES[_ind] = (
        f"Hentet med make data fra {_fetch.PUBLISHERS[_spec['publisher']].NAME_NB}"
        + (
            "; verdier uten antall."
            if getattr(_fetch.PUBLISHERS[_spec["publisher"]], "FETCH_RATE_PER", None) is None
            else "."
        )
    )


def fetched_note(indicator_id: str, period: str, min_count: int = 5) -> str:
    """Bokmål note for the bydel table of a fetched indicator, from its publisher module's
    ``fetched_note(spec, file, period, min_count)`` when it has one (MSIS: the cases that count
    for Oslo but for no bydel); "" otherwise."""
    spec = FETCHED_SPECS.get(indicator_id)
    note = getattr(_fetch.PUBLISHERS[spec["publisher"]], "fetched_note", None) if spec else None
    if note is None:
        return ""
    return note(spec, _fetch.fetched_path(indicator_id, spec), str(period), min_count)


# Indicators whose ``value`` is the publisher's own (rounded) figure and does not equal
# numerator / denominator x 100: the denominator is the project's population count, used only
# as weight and for the interval, so report tables must not print it as if it were the
# publisher's. Bokmål text for the table note. Every other indicator has


# Indicators whose ``value`` is the publisher's own (rounded) figure and does not equal
# numerator / denominator x 100: the denominator is the project's population count, used only
# as weight and for the interval, so report tables must not print it as if it were the
# publisher's. Bokmål text for the table note. Every other indicator has
# value == 100 x numerator / denominator exactly (tests/data/test_table_consistency.py).
PUBLISHED_VALUES: dict[str, str] = {
    "sosialhjelp": "Andelen er Oslo kommunes publiserte andel (OK-STØ020, én desimal), og telleren "
    "er kildens antall mottakere. Kilden publiserer ikke nevneren; befolkningstallet prosjektet "
    "bruker som vekt, gir ikke nøyaktig den publiserte andelen og vises derfor ikke.",
}


def load_indicator(
    indicator_id: str,
    path: str | Path | None = None,
    *,
    population: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tidy table of one indicator; ``path`` replaces its raw file (e.g. a test's tmp copy)."""
    if indicator_id not in INDICATOR_LOADERS:
        raise ValueError(
            f"indicator_id {indicator_id!r} is not available; expected one of "
            f"{sorted(INDICATOR_LOADERS)}"
        )
    return INDICATOR_LOADERS[indicator_id](path=path, population=population)
