"""pandera schemas for the raw tables in ``data/raw`` and for the tidy indicator table.

Each raw table is described once in :data:`RAW_TABLES` (file name, column -> kind, allowed
categories); the pandera schema is built from that description, so names and types are stated in
one place. :func:`validate` runs a schema lazily and re-raises the first failure as
:class:`helpers.errors.DataError` naming the file, the 1-based data row, the column and what was
expected. The tidy schema follows the contract in DESIGN.md ("Tidy indicator table").

References: pandera ``DataFrameSchema`` (https://pandera.readthedocs.io); SSB's table symbols
("." not applicable, ".." not available, ":" suppressed, "-" nil), https://www.ssb.no/en/help/symbols.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from helpers.config import BYDELER, OSLO_CODE
from helpers.errors import DataError
from helpers.pipeline.suppress import SUPPRESSED_FLAG

# SSB symbols that may stand where a number is expected, kept as flags (never turned into 0).
SSB_SYMBOLS: tuple[str, ...] = (".", "..", ":", "-")
# Flag written for an empty numeric cell in a flattened export (the symbol was lost upstream).
EMPTY_CELL_FLAG = ".."
# Flags allowed in the tidy table: "" = ok, the SSB symbols, "prikket" = suppressed by us.
TIDY_FLAGS: tuple[str, ...] = ("", *SSB_SYMBOLS, SUPPRESSED_FLAG)
TIDY_SEXES: tuple[str, ...] = ("alle", "kvinner", "menn")
TIDY_GEO_CODES: tuple[str, ...] = (*BYDELER, OSLO_CODE)


@dataclass(frozen=True)
class Col:
    """One raw column. ``kind``: label | year | count | number | share | code | optional."""

    kind: str
    allowed: tuple[str, ...] | None = None
    required: bool = True

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "number", "share")


@dataclass(frozen=True)
class RawTable:
    """A raw table in ``data/raw``: its file and columns. ``geo`` is the geography label column."""

    key: str
    filename: str
    title: str
    columns: dict[str, Col]
    geo: str
    year: str
    encoding: str = "utf-8"
    levels: tuple[str, ...] | None = None  # values of "niva" kept (Oslo kommune wide tables)
    extra_checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def numeric_columns(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.numeric]


def _pxweb(ids: list[str], labels: dict[str, Col], value: Col = Col("count")) -> dict[str, Col]:
    """Columns of a flattened PxWeb json-stat2 table: ``<id>_kode`` (unused), ``<id>_navn``."""
    cols: dict[str, Col] = {f"{i}_kode": Col("optional", required=False) for i in ids}
    cols.update({f"{i}_navn": labels.get(f"{i}_navn", Col("label")) for i in ids})
    cols["verdi"] = value
    return cols


BEF_AGES_COMMON = (
    "Alder i alt", "0 år", "1-2 år", "3-5 år", "6-9 år", "10-12 år", "13-15 år", "16-17 år",
    "18-19 år", "20-22 år", "23-24 år", "25-29 år", "30-39 år", "40-49 år", "50-66 år",
    "67-74 år", "75-79 år", "80-84 år", "85-89 år",
)  # fmt: skip

_LEVELS_WIDE = ("oslo", "bydel", "delbydel", "uten_adresse")

RAW_TABLES: dict[str, RawTable] = {
    t.key: t
    for t in (
        RawTable(
            "sos006",
            "oslo_sos006_uforetrygd_bydel_2004_2024.csv",
            "OK-SOS006 Mottakere av uføretrygd etter alder og kjønn (B)",
            _pxweb(
                ["ContentsCode", "år", "bosted", "kjønn", "aldersgruppe", "statistikkvariabel"],
                {
                    "år_navn": Col("year"),
                    "kjønn_navn": Col("label", ("I alt", "Kvinner", "Menn")),
                    "aldersgruppe_navn": Col(
                        "label", ("I alt", "18-29", "30-39", "40-49", "50-59", "60-67")
                    ),
                },
            ),
            geo="bosted_navn",
            year="år_navn",
        ),
        RawTable(
            "sos001",
            "oslo_sos001_aap_bydel_2012_2024.csv",
            "OK-SOS001 Mottakere av arbeidsavklaringspenger etter kjønn og alder (B)",
            _pxweb(
                ["ContentsCode", "år", "geografi", "kjønn", "aldersgruppe", "statistikkvariabel"],
                {
                    "år_navn": Col("year"),
                    "kjønn_navn": Col("label", ("Begge kjønn", "Kvinner", "Menn")),
                    "aldersgruppe_navn": Col(
                        "label", ("Alder i alt", "Under 30", "30-39", "40-49", "50-59", "60+")
                    ),
                },
            ),
            geo="geografi_navn",
            year="år_navn",
        ),
        RawTable(
            "sto020",
            "oslo_sto020_sosialhjelp_andel_bydel_2007_2023.csv",
            "OK-STØ020 Antall og andel sosialhjelpsmottakere i befolkningen (B)",
            _pxweb(
                ["ContentsCode", "år", "geografi", "alder", "statistikkvariabel"],
                {
                    "år_navn": Col("year"),
                    "alder_navn": Col(
                        "label",
                        (
                            "I alt",
                            "Under 20 år",
                            "20-24 år",
                            "25-29 år",
                            "30-39 år",
                            "40-49 år",
                            "50-66 år",
                            "67 år og over",
                        ),
                    ),  # fmt: skip
                    "statistikkvariabel_navn": Col(
                        "label",
                        (
                            "Andel sosialhjelpsmottakere i befolkningen",
                            "Antall sosialhjelpsmottakere",
                        ),
                    ),
                },
                value=Col("number"),
            ),
            geo="geografi_navn",
            year="år_navn",
        ),
        RawTable(
            "sto013",
            "oslo_sto013_sosialhjelp_bydel_2005_2023.csv",
            "OK-STØ013 Sosialhjelpsmottakere og berørte etter bydel (B)",
            _pxweb(
                [
                    "ContentsCode",
                    "år",
                    "bydel",
                    "sosialhjelpsmottakere og berørte",
                    "statistikkvariabel",
                ],
                {
                    "år_navn": Col("year"),
                    "sosialhjelpsmottakere og berørte_navn": Col(
                        "label",
                        (
                            "Sosialhjelpsmottakere i alt",
                            "Berørte av sosialhjelp",
                            "Berørte ektefeller/samboere",
                            "Berørte barn i alt",
                            "Barn av par",
                            "Barn av enslig forsørger",
                        ),
                    ),
                    "statistikkvariabel_navn": Col("label", ("Antall",)),
                },
            ),  # fmt: skip
            geo="bydel_navn",
            year="år_navn",
        ),
        RawTable(
            "bef004",
            "oslo_bef004_folkemengde_bydel_alder_2008_2019.csv",
            "OK-BEF004 Folkemengden etter administrativ bydel og alder 2008-2019",
            _pxweb(
                ["ContentsCode", "År", "Geografi", "Aldersgrupper", "Måltall"],
                {
                    "År_navn": Col("year"),
                    "Aldersgrupper_navn": Col("label", (*BEF_AGES_COMMON, "90 år +")),
                },
            ),
            geo="Geografi_navn",
            year="År_navn",
        ),
        RawTable(
            "bef005",
            "oslo_bef005_folkemengde_bydel_alder_2017_2026.csv",
            "OK-BEF005 Folkemengden etter administrativ bydel og alder",
            _pxweb(
                ["ContentsCode", "år", "bosted", "aldersgruppe", "statistikkvariabel"],
                {
                    "år_navn": Col("year"),
                    "aldersgruppe_navn": Col("label", (*BEF_AGES_COMMON, "90-94 år", "95+ år")),
                },
            ),
            geo="bosted_navn",
            year="år_navn",
        ),
        RawTable(
            "lavinntekt",
            "oslo_lavinntekt_husholdninger_bydel_delbydel_2013_2023.csv",
            "Husholdninger med lavinntekt etter bydel og delbydel (Oslo kommune)",
            {
                "aar": Col("year"),
                "niva": Col("label", _LEVELS_WIDE),
                "bydel_kode": Col("code"),
                "bydel_navn": Col("label"),
                "delbydel_kode": Col("optional"),
                "delbydel_navn": Col("optional"),
                "husholdningstype": Col(
                    "label",
                    (
                        "Alle husholdninger",
                        "Husholdninger med barn under 18 år",
                        "Husholdninger med ikke-vestlig landbakgrunn",
                    ),
                ),
                "antall_husholdninger": Col("count"),
                "antall_lavinntekt": Col("count"),
                "antall_lavinntekt_korr_formue": Col("count"),
                "andel_lavinntekt_prosent": Col("share"),
                "andel_lavinntekt_korr_formue_prosent": Col("share"),
            },
            geo="bydel_navn",
            year="aar",
            levels=("oslo", "bydel"),
            extra_checks=(
                ("antall_lavinntekt", "antall_husholdninger"),
                ("antall_lavinntekt_korr_formue", "antall_husholdninger"),
            ),
        ),
        RawTable(
            "sys002",
            "oslo_sys002_sysselsetting_bydel_delbydel_2024.csv",
            "SYS002 Sysselsatte etter bosted, kjønn og alder (Oslo kommune, 4. kvartal)",
            {
                "aar": Col("year"),
                "niva": Col("label", _LEVELS_WIDE),
                "bydel_kode": Col("code"),
                "bydel_navn": Col("label"),
                "delbydel_kode": Col("optional"),
                "delbydel_navn": Col("optional"),
                "kjonn": Col("label", ("Begge kjønn", "Kvinne", "Mann")),
                "aldersgruppe": Col(
                    "label",
                    ("15-24 år", "25-39 år", "40-49 år", "50-59 år", "60-74 år", "Alder i alt"),
                ),
                "antall_sysselsatte": Col("count"),
                "bosatte": Col("count"),
                "andel_sysselsatte_prosent": Col("share"),
            },
            geo="bydel_navn",
            year="aar",
            levels=("oslo", "bydel"),
            extra_checks=(("antall_sysselsatte", "bosatte"),),
        ),
        RawTable(
            "val001",
            "oslo_val001_valgdeltakelse_kommunestyre_bydel_delbydel_2023.csv",
            "VAL001 Valgdeltakelse ved kommunestyrevalget etter bosted, alder og kjønn",
            {
                "valgaar": Col("year"),
                "niva": Col(
                    "label", ("oslo", "bydel", "uoppgitt_bydel", "delbydel", "uoppgitt_delbydel")
                ),
                "bydel_kode": Col("optional"),
                "bydel_navn": Col("optional"),
                "delbydel_kode": Col("optional"),
                "delbydel_navn": Col("optional"),
                "alder": Col(
                    "label", ("Alder i alt", "18-19", "20-24", "25-44", "45-66", "67-79", "80+")
                ),
                "kjonn": Col("label", ("Begge kjønn", "Kvinner", "Menn")),
                "valgdeltakelse_prosent": Col("share"),
                "antall_stemmer": Col("count"),
                "antall_stemmeberettigede": Col("count"),
            },
            geo="bydel_navn",
            year="valgaar",
            levels=("oslo", "bydel"),
            extra_checks=(("antall_stemmer", "antall_stemmeberettigede"),),
        ),
        RawTable(
            "utd027",
            "oslo_utd027_utdanningsniva_bydel_1999_2024.csv",
            "UTD027 Befolkningens høyeste fullførte utdanning etter bosted, kjønn og alder",
            {
                "aar": Col("year"),
                "niva": Col("label", ("bydel", "oslo", "uten_adresse")),
                "bydel_kode": Col("code"),
                "bydel_navn": Col("label"),
                "kjonn": Col("label", ("Begge kjønn", "Kvinne", "Mann")),
                "aldersgruppe": Col(
                    "label",
                    ("16-29 år", "30-39 år", "40-49 år", "50-66 år", "67 år +", "Alder i alt"),
                ),
                "antall_i_alt": Col("count"),
                "antall_grunnskole": Col("count"),
                "antall_videregaende": Col("count"),
                "antall_uh_kort": Col("count"),
                "antall_uh_lang": Col("count"),
                "antall_ingen_uoppgitt": Col("count"),
            },
            geo="bydel_navn",
            year="aar",
            levels=("oslo", "bydel"),
            extra_checks=(("antall_uh_kort", "antall_i_alt"), ("antall_uh_lang", "antall_i_alt")),
        ),
        RawTable(
            "samfunnsspeilet_tab6",
            "ssb_samfunnsspeilet2007_4_tab6_barn_vedvarende_lavinntekt_bydel_1996_2004.csv",
            "SSB Samfunnsspeilet 2007/4 tabell 6 (transkribert): barn 0-15 år med vedvarende "
            "lavinntekt",
            {
                "source_id": Col("label"),
                "indicator": Col("label"),
                "bydel": Col("label"),
                "geo_code": Col("optional"),
                "period": Col("label", ("1996-1998", "2002-2004")),
                "population_group": Col("label"),
                "value": Col("number"),
                "unit": Col("label", ("prosent", "personer")),
                "lower": Col("optional"),
                "upper": Col("optional"),
                "note": Col("optional"),
            },
            geo="bydel",
            year="period",
        ),
    )
}


def _column_schema(name: str, col: Col) -> pa.Column:
    if col.kind == "year":
        return pa.Column(
            str,
            pa.Check.str_matches(r"^\d{4}(-\d{4})?$", error="a year such as 2023"),
            nullable=False,
            required=col.required,
        )
    if col.kind == "label":
        checks = [pa.Check.str_length(min_value=1, error="a non-empty label")]
        if col.allowed:
            allowed = list(col.allowed)
            checks.append(pa.Check.isin(allowed, error=f"one of {allowed}"))
        return pa.Column(str, checks, nullable=False, required=col.required)
    if col.kind == "code":
        return pa.Column(
            str,
            pa.Check.str_matches(r"^0301(\d\d)?$", error="an SSB code 0301 or 0301xx"),
            nullable=False,
            required=col.required,
        )
    if col.kind == "optional":
        return pa.Column(str, nullable=True, required=col.required)
    if col.kind == "count":
        return pa.Column(
            float,
            pa.Check.ge(0, error="a count >= 0"),
            nullable=True,
            required=col.required,
        )
    if col.kind == "share":
        return pa.Column(
            float,
            pa.Check.in_range(0, 100, error="a percentage between 0 and 100"),
            nullable=True,
            required=col.required,
        )
    if col.kind == "number":
        return pa.Column(
            float, pa.Check.ge(0, error="a number >= 0"), nullable=True, required=col.required
        )
    raise ValueError(f"unknown column kind {col.kind!r} for column {name!r}")


def raw_schema(table: RawTable) -> pa.DataFrameSchema:
    """The pandera schema of one raw table (after numeric columns have been parsed)."""
    return pa.DataFrameSchema(
        {name: _column_schema(name, col) for name, col in table.columns.items()},
        strict=False,
        name=table.key,
    )


def _tidy_schema() -> pa.DataFrameSchema:
    def le_or_missing(a: str, b: str, tol: float = 1e-9):
        def check(df: pd.DataFrame) -> pd.Series:
            both = df[a].notna() & df[b].notna()
            return ~both | (df[a] <= df[b] + tol)

        return check

    def flag_matches_value(df: pd.DataFrame) -> pd.Series:
        return (df["flag"] != "") | df["value"].notna()

    def year_matches_period(df: pd.DataFrame) -> pd.Series:
        return df["period"].str[-4:] == df["year_end"].astype(str)

    def level_matches_code(df: pd.DataFrame) -> pd.Series:
        expected = np.where(df["geo_code"] == OSLO_CODE, "kommune", "bydel")
        return pd.Series(expected == df["geo_level"].to_numpy(), index=df.index)

    def name_matches_code(df: pd.DataFrame) -> pd.Series:
        names = {**BYDELER, OSLO_CODE: "Oslo"}
        return df["geo_code"].map(names) == df["geo_name"]

    nonneg = pa.Check.ge(0, error="a number >= 0")
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(
                str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="a lower-case id")
            ),
            "geo_code": pa.Column(
                str, pa.Check.isin(list(TIDY_GEO_CODES), error="a bydel code or 0301")
            ),
            "geo_name": pa.Column(str),
            "geo_level": pa.Column(str, pa.Check.isin(["bydel", "kommune"])),
            "period": pa.Column(
                str, pa.Check.str_matches(r"^\d{4}(-\d{4})?$", error="YYYY or YYYY-YYYY")
            ),
            "year_end": pa.Column(int, pa.Check.in_range(1900, 2100)),
            "sex": pa.Column(str, pa.Check.isin(list(TIDY_SEXES))),
            "age_group": pa.Column(str, pa.Check.str_length(min_value=1)),
            "value": pa.Column(float, nonneg, nullable=True),
            "numerator": pa.Column(float, nonneg, nullable=True),
            "denominator": pa.Column(
                float, pa.Check.gt(0, error="a denominator > 0"), nullable=True
            ),
            "ci_low": pa.Column(float, nonneg, nullable=True),
            "ci_high": pa.Column(float, nonneg, nullable=True),
            "flag": pa.Column(str, pa.Check.isin(list(TIDY_FLAGS), error=f"one of {TIDY_FLAGS}")),
        },
        checks=[
            pa.Check(le_or_missing("numerator", "denominator"), error="numerator <= denominator"),
            pa.Check(le_or_missing("ci_low", "value"), error="ci_low <= value"),
            pa.Check(le_or_missing("value", "ci_high"), error="value <= ci_high"),
            pa.Check(flag_matches_value, error='a value when flag is ""'),
            pa.Check(year_matches_period, error="year_end equal to the period's last year"),
            pa.Check(level_matches_code, error='geo_level "kommune" for 0301, else "bydel"'),
            pa.Check(name_matches_code, error="the canonical name for geo_code"),
        ],
        unique=["indicator_id", "geo_code", "period", "sex", "age_group"],
        strict=False,
        name="tidy",
    )


TIDY_SCHEMA: pa.DataFrameSchema = _tidy_schema()

# Which column a dataframe-wide tidy check is about (for the error message).
_WIDE_CHECK_COLUMNS = {
    "numerator <= denominator": "numerator",
    "ci_low <= value": "ci_low",
    "value <= ci_high": "ci_high",
    'a value when flag is ""': "value",
    "year_end equal to the period's last year": "year_end",
    'geo_level "kommune" for 0301, else "bydel"': "geo_level",
    "the canonical name for geo_code": "geo_name",
}


def validate(
    df: pd.DataFrame,
    schema: pa.DataFrameSchema,
    file: str | Path | None,
    *,
    rows: pd.Series | None = None,
    files: pd.Series | None = None,
) -> pd.DataFrame:
    """Validate ``df`` with ``schema``; raise DataError for the first failure (by row).

    ``df.index`` holds 1-based data row numbers unless ``rows`` (index -> row label) is given;
    ``files`` (index -> file) overrides ``file`` per row, for tables built from several files.
    """
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases.copy()
    except pa.errors.SchemaError as exc:  # pragma: no cover - lazy=True collects errors
        raise DataError(file, str(exc)) from exc
    n_problems = len(fc.drop_duplicates(["index", "check"]))
    # Structural problems (missing column, wrong type) first, then the earliest row.
    fc["_has_index"] = fc["index"].notna()
    fc["_order"] = pd.to_numeric(fc["index"], errors="coerce")
    fc["_wide"] = fc["schema_context"] == "DataFrameSchema"  # column checks before cross-column
    fc = fc.sort_values(["_has_index", "_order", "_wide"], kind="stable")
    first = fc.iloc[0]
    check = str(first["check"])
    column = first["column"] if isinstance(first["column"], str) else None
    index = first["index"]
    more = f" ({n_problems - 1} more problem(s) in this table)" if n_problems > 1 else ""
    row: int | str | None = None
    this_file = file
    if index is not None and not (isinstance(index, float) and np.isnan(index)):
        row = rows.loc[index] if rows is not None else _as_row(index)
        if files is not None:
            this_file = files.loc[index]
    if check == "column_in_dataframe":
        missing = str(first["failure_case"])
        expected = [c for c, col in schema.columns.items() if col.required]
        raise DataError(
            this_file,
            f'missing column "{missing}"; expected columns {expected}{more}',
            row="header",
            column=missing,
        )
    if check.startswith("dtype("):
        raise DataError(
            this_file,
            f"wrong type {first['failure_case']}; expected {check}{more}",
            row=row if row is not None else "all rows",
            column=column,
        )
    if check == "not_nullable":
        raise DataError(
            this_file, f"missing value; a value is required here{more}", row=row, column=column
        )
    value = first["failure_case"]
    if first["schema_context"] == "DataFrameSchema":  # checks across columns
        if "uniqueness" in check or "unique" in check:
            key = list(schema.unique or [])
            shown = tuple(df.loc[index, key]) if index in df.index else value
            same = [i for i in fc.loc[fc["check"] == check, "index"].unique() if i in df.index]
            same = [i for i in same if tuple(df.loc[i, key]) == shown]
            labels = [rows.loc[i] if rows is not None else _as_row(i) for i in same]
            where = ", ".join(f"row {x}" if isinstance(x, int) else str(x) for x in labels)
            raise DataError(
                this_file,
                f"duplicated key {key} = {shown} ({where}); each key must appear once{more}",
                row=labels[1] if len(labels) > 1 else row,
                column=key[0] if key else None,
            )
        column = _WIDE_CHECK_COLUMNS.get(check, column)
        if column in df.columns and index in df.index:
            value = df.loc[index, column]
    raise DataError(
        this_file, f'invalid value "{value}"; expected {check}{more}', row=row, column=column
    )


def _as_row(index: object) -> int | str:
    try:
        return int(index)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(index)
