"""pandera schemas for the raw tables in ``data/raw`` and for the tidy indicator table.

Each raw table is described once in :data:`helpers.catalogue.raw_tables.RAW_TABLES` (file name,
column -> kind, allowed categories); the pandera schema is built from that description, so names
and types are stated in one place. :func:`validate` runs a schema lazily and re-raises the first
failure as :class:`helpers.errors.DataError` naming the file, the 1-based data row, the column and
what was expected. The tidy schema follows docs/architecture.md ("Tidy indicator table").

References: pandera ``DataFrameSchema`` (https://pandera.readthedocs.io); SSB's table symbols
("." not applicable, ".." not available, ":" suppressed, "-" nil), https://www.ssb.no/en/help/symbols.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from helpers.catalogue.raw_tables import Col, RawTable
from helpers.config import BYDELER, OSLO_CODE, SSB_SYMBOLS, SUPPRESSED_FLAG
from helpers.errors import DataError

# Flag written for an empty numeric cell in a flattened export (the symbol was lost upstream).
EMPTY_CELL_FLAG = ".."
# Flags allowed in the tidy table: "" = ok, the SSB symbols, "prikket" = suppressed by us.
TIDY_FLAGS: tuple[str, ...] = ("", *SSB_SYMBOLS, SUPPRESSED_FLAG)
TIDY_SEXES: tuple[str, ...] = ("alle", "kvinner", "menn")
TIDY_GEO_CODES: tuple[str, ...] = (*BYDELER, OSLO_CODE)


#: Column kind -> (dtype, checks or None, nullable) for the kinds whose checks do not depend on the
#: column ("label" does: its allowed values). Checks are made per column by the factories.
_KIND_SPECS: dict[str, tuple[type, Callable[[], pa.Check] | None, bool]] = {
    "year": (
        str, lambda: pa.Check.str_matches(r"^\d{4}(-\d{4})?$", error="a year such as 2023"), False
    ),
    "code": (
        str,
        lambda: pa.Check.str_matches(r"^0301(\d\d)?$", error="an SSB code 0301 or 0301xx"),
        False,
    ),
    "optional": (str, None, True),
    "count": (float, lambda: pa.Check.ge(0, error="a count >= 0"), True),
    "share": (
        float, lambda: pa.Check.in_range(0, 100, error="a percentage between 0 and 100"), True
    ),
    "number": (float, lambda: pa.Check.ge(0, error="a number >= 0"), True),
}  # fmt: skip


def _column_schema(name: str, col: Col) -> pa.Column:
    if col.kind == "label":
        checks = [pa.Check.str_length(min_value=1, error="a non-empty label")]
        if col.allowed:
            allowed = list(col.allowed)
            checks.append(pa.Check.isin(allowed, error=f"one of {allowed}"))
        return pa.Column(str, checks, nullable=False, required=col.required)
    if col.kind not in _KIND_SPECS:
        raise ValueError(f"unknown column kind {col.kind!r} for column {name!r}")
    dtype, make_check, nullable = _KIND_SPECS[col.kind]
    check = make_check() if make_check is not None else None
    return pa.Column(dtype, check, nullable=nullable, required=col.required)


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
