"""Raw tables in ``data/raw``: read (CSV or json-stat2), validate with pandera
(:mod:`helpers.catalogue.schemas`), map bydel names to SSB codes and check each bydel is there once.

Bydeler are identified by *name* (``*_navn`` columns), never by PxWeb ``*_kode`` columns, which
are positional indices (the sources' district codes differ).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers.catalogue.raw_tables import RAW_TABLES, RawTable
from helpers.catalogue.schemas import raw_schema, validate
from helpers.config import (
    BYDELER,
    DATA_RAW,
    OSLO_CODE,
)
from helpers.errors import DataError
from helpers.ingest.bydel_names import geo_name, normalise_bydel
from helpers.ingest.csvexport import read_csv_export
from helpers.ingest.jsonstat import read_jsonstat


def raw_path(key: str, path: str | Path | None = None) -> Path:
    """The file of raw table ``key`` (``path`` overrides, e.g. a copy in a test's tmp_path)."""
    return Path(path) if path is not None else DATA_RAW / RAW_TABLES[key].filename


def read_table(key: str, path: str | Path | None = None) -> pd.DataFrame:
    """Read raw table ``key`` (see :data:`helpers.catalogue.raw_tables.RAW_TABLES`) and validate
    it with pandera.

    ``.json`` files are read as json-stat2, anything else as a CSV export. Returns all columns
    (labels as str, numbers as float plus ``<column>_flag``), indexed by 1-based data row.
    """
    table = RAW_TABLES[key]
    file = raw_path(key, path)
    if file.suffix.lower() == ".json":
        df = read_jsonstat(file)
    else:
        df = read_csv_export(file, numeric=table.numeric_columns, encoding=table.encoding)
    for name, col in table.columns.items():
        if name in df.columns and not col.numeric:
            df[name] = df[name].astype(object)
            if col.kind in ("label", "year", "code"):
                df[name] = df[name].where(df[name].astype(str).str.strip() != "", None)
    validate(df, raw_schema(table), file)
    df.attrs["path"] = str(file)
    df.attrs["key"] = key
    return df


def _geo_rows(df: pd.DataFrame, table: RawTable, file: Path) -> pd.DataFrame:
    """Keep the 15 bydeler and Oslo: names -> ``geo_code``/``geo_name``, ``year`` as int.

    Wide Oslo kommune tables are first restricted to ``niva`` in ``table.levels``; where the file
    also carries an SSB ``bydel_kode`` it must agree with the name.
    """
    if table.levels is not None:
        df = df[df["niva"].isin(table.levels)]
    codes: dict[object, str | None] = {}
    for name, idx in df.groupby(table.geo, dropna=False, sort=False).groups.items():
        codes[name] = normalise_bydel(name, file=file, row=int(idx[0]), column=table.geo)
    missing_name = df[table.geo].isna()
    if missing_name.any():
        row = int(missing_name[missing_name].index[0])
        raise DataError(file, "missing bydel name", row=row, column=table.geo)
    out = df.assign(geo_code=df[table.geo].map(codes))
    out = out[out["geo_code"].notna()].copy()
    code_col = table.columns.get("bydel_kode")
    if code_col is not None and code_col.kind == "code":  # SSB codes, not PxWeb positions
        wrong = out["bydel_kode"].astype(str) != out["geo_code"]
        if wrong.any():
            idx = wrong[wrong].index[0]
            raise DataError(
                file,
                f'code "{out.at[idx, "bydel_kode"]}" does not match the bydel name '
                f'"{out.at[idx, table.geo]}" ({out.at[idx, "geo_code"]})',
                row=int(idx),
                column="bydel_kode",
            )
    out["geo_name"] = out["geo_code"].map(geo_name)
    out["year"] = out[table.year].astype(str).str[-4:].astype(int)
    out["_row"] = out.index.astype(int)
    return out


def _check_unique(df: pd.DataFrame, keys: list[str], file: Path, column: str) -> None:
    """Each bydel once per key (e.g. "Bydel St.Hanshaugen" and "St. Hanshaugen" in one year)."""
    dup = df.duplicated([*keys, "geo_code"], keep=False)
    if dup.any():
        rows = df[dup].sort_index()
        first = rows.iloc[0]
        same = rows[(rows[[*keys, "geo_code"]] == first[[*keys, "geo_code"]]).all(axis=1)]
        nums = [int(i) for i in same.index]
        where = ", ".join(f"{k}={first[k]}" for k in keys if k != "geo_code")
        raise DataError(
            file,
            f"bydel {first['geo_code']} ({first['geo_name']}) appears more than once ({where}): "
            f"rows {', '.join(map(str, nums))}; expected each bydel exactly once",
            row=nums[1],
            column=column,
        )


def _check_complete(df: pd.DataFrame, file: Path, column: str, years: Iterable[int]) -> None:
    """Every one of the 15 bydeler and Oslo is present in every year."""
    expected = {*BYDELER, OSLO_CODE}
    present = df.groupby("year")["geo_code"].agg(set)
    for year in sorted(set(years)):
        missing = sorted(expected - present.get(year, set()))
        if missing:
            names = ", ".join(f"{c} ({geo_name(c)})" for c in missing)
            raise DataError(
                file,
                f"missing bydel {names}; expected all 15 bydeler and Oslo",
                row=f"year {year}",
                column=column,
            )


def _select(df: pd.DataFrame, select: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for column, values in select.items():
        mask &= df[column].isin(values)
    return df[mask]


def _rows_label(rows: Iterable[int]) -> str:
    rows = sorted(int(r) for r in rows)
    return f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))
