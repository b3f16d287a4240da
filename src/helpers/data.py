"""Load the raw tables in ``data/raw``, validate them and turn them into the tidy indicator table.

One direction only (DESIGN.md, "Data flow"): raw CSV / json-stat2 -> validated raw table (pandera,
:mod:`helpers.schemas`) -> bydel names mapped to SSB codes -> one tidy long table per indicator
(``config.TIDY_COLUMNS``) -> ``build/data/indicators.parquet``. Every problem with the input is a
:class:`helpers.errors.DataError` naming the file, the 1-based data row and the column.

Conventions followed here:
- Bydeler are identified by *name* (``*_navn`` columns), never by PxWeb ``*_kode`` columns, which
  are positional indices (PROVENANCE.md, "District codes used by the sources differ").
- SSB symbols ``.`` ``..`` ``:`` ``-`` are kept as flags and never read as 0
  (https://www.ssb.no/en/help/symbols).
- Shares are percent (proportion x 100) with 95 % Wilson score intervals (Wilson 1927; Brown, Cai &
  DasGupta 2001, "Interval estimation for a binomial proportion", Statist. Sci. 16:101-133).
- Rates per population use Oslo kommune's "administrativ bydel" population (OK-BEF004/BEF005) on
  1 January of the year *after* the count's year, i.e. the population at the counts' reference date
  31 December (:data:`POPULATION_YEAR_OFFSET`).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.config import (
    BYDELER,
    DATA_RAW,
    OSLO_CODE,
    OSLO_NAME,
    OTHER_AREAS,
    TIDY_COLUMNS,
    build_data_dir,
)
from helpers.errors import DataError
from helpers.schemas import (
    EMPTY_CELL_FLAG,
    RAW_TABLES,
    SSB_SYMBOLS,
    TIDY_SCHEMA,
    RawTable,
    raw_schema,
    validate,
)

# --------------------------------------------------------------------------------------------
# Bydel names
# --------------------------------------------------------------------------------------------

OSLO_NAMES: tuple[str, ...] = ("Oslo i alt", "Oslo", "Oslo kommune")
# Rows that are not one of the 15 bydeler and are dropped on purpose (listed, never guessed).
NON_BYDEL_NAMES: tuple[str, ...] = (
    "Sentrum",
    "Marka",
    "Uten registrert adresse",
    "Ukjent bydel",
    "Sum bydeler",
    "Uoppgitt bydel",
    "Uoppgitt delbydel",
)

_TRANSLIT = str.maketrans({"ü": "u", "ø": "o", "æ": "ae", "å": "a", "é": "e", ".": " ", "-": " "})


def _name_key(name: str) -> str:
    """Comparison key: NFC, case-folded, 'Bydel ' prefix dropped, ASCII-folded, spaces collapsed."""
    key = unicodedata.normalize("NFC", name).casefold().strip()
    key = re.sub(r"^bydel\s+", "", key)
    key = key.translate(_TRANSLIT)
    return re.sub(r"\s+", " ", key).strip()


_BYDEL_KEYS: dict[str, str] = {_name_key(n): code for code, n in BYDELER.items()}
_OTHER_KEYS: dict[str, str] = {_name_key(n): code for code, n in OTHER_AREAS.items()}
_OSLO_KEYS: set[str] = {_name_key(n) for n in OSLO_NAMES}
_DROP_KEYS: set[str] = {_name_key(n) for n in NON_BYDEL_NAMES}


def geo_name(code: str) -> str:
    """Canonical name of a bydel code, Sentrum/Marka, or 0301 ("Oslo")."""
    if code == OSLO_CODE:
        return OSLO_NAME
    return {**BYDELER, **OTHER_AREAS}[code]


def normalise_bydel(
    name: object,
    *,
    include_other: bool = False,
    file: str | Path | None = None,
    row: int | str | None = None,
    column: str | None = None,
) -> str | None:
    """Map a bydel name as written in a source to its SSB code ("030101" … "030115").

    Handles the "Bydel " prefix, "St.Hanshaugen"/"St. Hanshaugen"/"St Hanshaugen",
    "Grunerløkka"/"Grünerløkka", case and whitespace. Oslo totals ("Oslo i alt") map to "0301".
    The rows in :data:`NON_BYDEL_NAMES` (Sentrum, Marka, unknown address, sums) return ``None`` so
    the caller drops them; with ``include_other=True`` Sentrum and Marka return 030116/030117.
    Anything else raises DataError naming file, row and column, with a "did you mean" suggestion.
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
        raise DataError(
            file, "missing bydel name; a bydel name is required", row=row, column=column
        )
    key = _name_key(str(name))
    if key in _BYDEL_KEYS:
        return _BYDEL_KEYS[key]
    if key in _OSLO_KEYS:
        return OSLO_CODE
    if include_other and key in _OTHER_KEYS:
        return _OTHER_KEYS[key]
    if key in _DROP_KEYS or key in _OTHER_KEYS:
        return None
    candidates = {
        **{_name_key(n): n for n in BYDELER.values()},
        **{_name_key(n): n for n in (*OSLO_NAMES, *NON_BYDEL_NAMES)},
    }
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    hint = (
        f'; did you mean "{candidates[close[0]]}"?'
        if close
        else f"; expected one of {list(BYDELER.values())} or 'Oslo i alt'"
    )
    raise DataError(file, f'unknown bydel "{name}"{hint}', row=row, column=column)


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------

_SEPARATORS = (";", ",", "\t")


def _decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode bytes; ``encoding=None`` tries UTF-8 (with or without BOM), then Latin-1 (SSB)."""
    if encoding is None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16"), "utf-16"
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            return raw.decode("latin-1"), "latin-1"
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(enc), encoding
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            path,
            f"cannot decode byte 0x{raw[exc.start]:02x} as {encoding}; expected {encoding} text "
            "(wrong encoding? re-save the file as UTF-8)",
            row=f"line {line}",
        ) from exc
    except LookupError as exc:
        raise DataError(path, f"unknown encoding {encoding!r}") from exc


def _sniff_separator(path: Path, lines: list[str], sep: str | None) -> tuple[str, int]:
    """Pick the separator giving the most rows with the same number (> 1) of fields."""
    sample = [ln for ln in lines[:60] if ln.strip()]
    best: tuple[tuple[int, int, int], str, int] | None = None
    for cand in (sep,) if sep else _SEPARATORS:
        widths = [len(r) for r in csv.reader(sample, delimiter=cand)]
        if not widths:
            continue
        counts = Counter(widths)
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        score = (int(width > 1), freq, width)
        if best is None or score > best[0]:
            best = (score, cand, width)
    if best is None or best[2] <= 1:
        shown = sep or "; or , or tab"
        raise DataError(
            path,
            f"only one column found; expected values separated by {shown} (wrong separator?)",
            row="line 1",
        )
    return best[1], best[2]


def _parse_numbers(
    path: Path, df: pd.DataFrame, column: str, decimal_comma: bool
) -> tuple[pd.Series, pd.Series]:
    """Parse one numeric column: numbers -> float; SSB symbols and empty cells -> NaN + flag."""
    text = df[column].fillna("").astype(str).str.strip()
    flag = pd.Series("", index=df.index, dtype=object)
    flag[text.isin(SSB_SYMBOLS)] = text[text.isin(SSB_SYMBOLS)]
    flag[text == ""] = EMPTY_CELL_FLAG
    cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if decimal_comma:
        cleaned = cleaned.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(cleaned.where(flag == ""), errors="coerce").astype(float)
    bad = (flag == "") & ~np.isfinite(numbers)
    if bad.any():
        idx = bad[bad].index[0]
        raise DataError(
            path,
            f'"{text[idx]}" is not a number; expected a number or one of the SSB symbols '
            f"{' '.join(SSB_SYMBOLS)}",
            row=int(idx),
            column=column,
        )
    return numbers, flag


def read_csv_export(
    path: str | Path,
    *,
    numeric: Iterable[str] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> pd.DataFrame:
    """Read a CSV export from SSB, FHI or Oslo kommune's statistikkbank into a DataFrame.

    Handles ``;`` / ``,`` / tab separators (sniffed), decimal comma (with ``;`` or tab), UTF-8 with
    or without BOM and Latin-1 (``encoding=None`` tries UTF-8 first), title lines above the header
    (kept in ``df.attrs["title"]``) and footnote lines below the data. All columns are strings
    except those in ``numeric``: they become float, with a companion ``<column>_flag`` holding the
    SSB symbol (``.`` ``..`` ``:`` ``-``) where the cell had one, ``..`` for an empty cell, and
    ``""`` for a number. The index is the 1-based data row (the row numbers in error messages).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "file is empty; expected a header line and data rows", row="line 1")
    text, used_encoding = _decode(path, raw, encoding)
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    sep, width = _sniff_separator(path, lines, sep)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))
    header_at = next(i for i, r in enumerate(rows) if len(r) == width)
    title = [" ".join(r).strip() for r in rows[:header_at] if any(c.strip() for c in r)]
    header = [c.strip().lstrip("\ufeff") for c in rows[header_at]]
    dupes = [c for c, n in Counter(header).items() if n > 1]
    if dupes or any(not c for c in header):
        what = f"duplicated column name(s) {dupes}" if dupes else "an empty column name"
        raise DataError(path, f"header has {what}; expected unique column names", row="header")
    body: list[list[str]] = []
    footer: list[str] = []
    data = [r for r in rows[header_at + 1 :] if any(c.strip() for c in r)]
    for i, r in enumerate(data):
        if len(r) == width:
            body.append([c.strip() for c in r])
            continue
        if all(len(rest) <= 1 for rest in data[i:]):  # trailing footnotes (SSB exports)
            footer = [" ".join(rest).strip() for rest in data[i:]]
            break
        raise DataError(
            path,
            f"expected {width} fields separated by {sep!r}, found {len(r)}",
            row=len(body) + 1,
        )
    if not body:
        raise DataError(
            path,
            "no data rows (header only); expected at least one data row",
            row=f"line {header_at + 2}",
        )
    df = pd.DataFrame(body, columns=header, index=pd.RangeIndex(1, len(body) + 1), dtype=object)
    decimal_comma = sep != ","
    for column in numeric or ():
        if column in df.columns:
            df[column], df[f"{column}_flag"] = _parse_numbers(path, df, column, decimal_comma)
    df.attrs.update(
        path=str(path), title=title, footer=footer, encoding=used_encoding, separator=sep
    )
    return df


def read_jsonstat(path: str | Path) -> pd.DataFrame:
    """Read a json-stat 2.0 dataset (PxWeb API response) with pyjstat into the flattened layout.

    Columns: ``<dimension id>_kode`` (category code), then ``<dimension id>_navn`` (label) for every
    dimension in ``id`` order, then ``verdi`` (float) and ``verdi_flag`` - the same table that
    :func:`read_csv_export` returns for the flattened CSVs in data/raw. ``null`` values become NaN
    with the dataset's ``status`` symbol as flag (``..`` when there is none).
    Tested with pyjstat 2.4 and pandas 2.3: it works; the only workaround is silencing the
    DeprecationWarning pyjstat raises from its own ``Dataset.write``.
    """
    from pyjstat import pyjstat

    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise DataError(path, "file is empty; expected a json-stat 2.0 dataset", row="line 1")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON ({exc.msg})", row=f"line {exc.lineno}") from exc
    if not isinstance(raw, dict) or raw.get("class") != "dataset" or "dimension" not in raw:
        raise DataError(path, 'expected a json-stat 2.0 object with "class": "dataset"')
    ids: list[str] = list(raw["id"])
    n_expected = int(np.prod(raw["size"]))
    values = raw.get("value")
    n_values = len(values) if isinstance(values, list) else None
    if n_values is not None and n_values != n_expected:
        raise DataError(
            path,
            f"{n_values} values but the dimension sizes {raw['size']} give {n_expected}",
            column="value",
        )
    try:
        with warnings.catch_warnings():
            # pyjstat 2.4's own Dataset.write("dataframe") calls its deprecated from_json_stat().
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyjstat")
            dataset = pyjstat.Dataset.read(text)
            labels = dataset.write("dataframe")
            codes = dataset.write("dataframe", naming="id")
    except Exception as exc:  # pyjstat raises assorted errors on malformed input
        raise DataError(path, f"pyjstat could not read the dataset ({exc})") from exc
    out = pd.DataFrame(index=pd.RangeIndex(1, len(labels) + 1))
    for i, dim in enumerate(ids):
        out[f"{dim}_kode"] = codes.iloc[:, i].astype(str).to_numpy()
    for i, dim in enumerate(ids):
        out[f"{dim}_navn"] = labels.iloc[:, i].astype(str).to_numpy()
    out["verdi"] = pd.to_numeric(labels["value"], errors="coerce").astype(float).to_numpy()
    status = raw.get("status") or {}
    if isinstance(status, str):
        status = dict.fromkeys(range(n_expected), status)
    elif isinstance(status, list):
        status = dict(enumerate(status))
    flags = np.full(len(out), "", dtype=object)
    missing = out["verdi"].isna().to_numpy()
    for pos in np.flatnonzero(missing):
        symbol = status.get(str(pos), status.get(pos))
        flags[pos] = symbol if symbol in SSB_SYMBOLS else EMPTY_CELL_FLAG
    out["verdi_flag"] = flags
    out.attrs.update(path=str(path), title=[raw.get("label", "")], source=raw.get("source"))
    return out


# --------------------------------------------------------------------------------------------
# Raw tables: read, validate, map bydel names
# --------------------------------------------------------------------------------------------


def raw_path(key: str, path: str | Path | None = None) -> Path:
    """The file of raw table ``key`` (``path`` overrides, e.g. a copy in a test's tmp_path)."""
    return Path(path) if path is not None else DATA_RAW / RAW_TABLES[key].filename


def read_table(key: str, path: str | Path | None = None) -> pd.DataFrame:
    """Read raw table ``key`` (see :data:`helpers.schemas.RAW_TABLES`) and validate it with pandera.

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


# --------------------------------------------------------------------------------------------
# Population (OK-BEF004 2008-2019, OK-BEF005 2017-2026; "administrativ bydel")
# --------------------------------------------------------------------------------------------

AGES_0_17: tuple[str, ...] = ("0", "1-2", "3-5", "6-9", "10-12", "13-15", "16-17")
AGES_18_66: tuple[str, ...] = ("18-19", "20-22", "23-24", "25-29", "30-39", "40-49", "50-66")
AGES_67_PLUS: tuple[str, ...] = ("67-74", "75-79", "80-84", "85-89", "90+")
AGES_18_PLUS: tuple[str, ...] = AGES_18_66 + AGES_67_PLUS
POPULATION_AGE_GROUPS: tuple[str, ...] = ("alle", *AGES_0_17, *AGES_18_PLUS)
# Counts per 31 December of year Y are divided by the population on 1 January of year Y + 1.
POPULATION_YEAR_OFFSET = 1


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


# --------------------------------------------------------------------------------------------
# Intervals and the tidy table
# --------------------------------------------------------------------------------------------


def _wilson(
    x: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval as proportions; ``helpers.stats.intervals.wilson`` when available."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    try:
        from helpers.stats.intervals import wilson
    except ImportError:
        wilson = None
    if wilson is not None:
        try:
            lo, hi = wilson(x, n, confidence=confidence)
            return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        except (TypeError, ValueError):
            pass  # e.g. an implementation for scalars or whole counts only; fall back below
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def _tidy(indicator_id: str, df: pd.DataFrame) -> pd.DataFrame:
    """Finish one indicator: names, level, period, Wilson CI (percent), checks, column order.

    ``df`` has geo_code, year, age_group, value, numerator, denominator, flag, ``_file``,
    ``_row`` (raw row label for messages), ``_column`` and optionally ``_ci_x`` (the count the
    interval is computed from; default the numerator).
    """
    df = df.sort_values(["year", "geo_code"], kind="stable").reset_index(drop=True)
    for col in ("value", "numerator", "denominator"):
        df[col] = df[col].astype(float)
    bad_den = df["denominator"].notna() & (df["denominator"] <= 0)
    over = df["numerator"].notna() & df["denominator"].notna()
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
    if ok.any():
        lo, hi = _wilson(x[ok].to_numpy(), df.loc[ok, "denominator"].to_numpy())
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


def _rows_label(rows: Iterable[int]) -> str:
    rows = sorted(int(r) for r in rows)
    return f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))


# --------------------------------------------------------------------------------------------
# Indicator loaders (table-driven)
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


SOSIALHJELP_SHARE = "Andel sosialhjelpsmottakere i befolkningen"
SOSIALHJELP_COUNT = "Antall sosialhjelpsmottakere"
# From 2019 STØ020's share is of the whole population (1 January of the year); up to 2018 it
# reproduces as recipients per resident aged 18+ on 1 January of the following year.
SOSIALHJELP_WHOLE_POPULATION_FROM = 2019


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
from helpers.ingest import fhi as _fhi  # noqa: E402

INDICATOR_LOADERS.update(_fhi.vaccination_loaders())
INDICATOR_TABLES.update(dict.fromkeys(_fhi.VACCINATIONS, _fhi.VACCINATION_TABLE))
INDICATOR_NOTES.update({k: v.note for k, v in _fhi.VACCINATIONS.items()})

# Indicators fetched by `make data` (helpers.ingest.fetch): registered when their file exists.
from helpers.ingest import fetch as _fetch  # noqa: E402

for _ind, _spec in _fetch.fetched_indicators().items():
    INDICATOR_LOADERS[_ind] = lambda path=None, population=None, _i=_ind, _s=_spec: (
        _fhi.load_fetched(_i, _s, path or _fetch.fetched_path(_i, _s))
    )
    INDICATOR_TABLES[_ind] = f"fetched:{_ind}"
    INDICATOR_NOTES[_ind] = "Hentet med make data fra FHI Statistikk; verdier uten antall."


# Indicators whose ``value`` is the publisher's own (rounded) figure and does not equal
# numerator / denominator x 100: the denominator is the project's population count, used only
# as weight and for the interval, so report tables must not print it as if it were the
# publisher's. Bokmål text for the table note. Every other indicator has
# value == 100 x numerator / denominator exactly (tests/test_table_consistency.py).
PUBLISHED_VALUES: dict[str, str] = {
    "sosialhjelp": "Andelen er Oslo kommunes publiserte andel (OK-STØ020, én desimal), og telleren "
    "er kildens antall mottakere. Kilden publiserer ikke nevneren; befolkningstallet prosjektet "
    "bruker som vekt, gir ikke nøyaktig den publiserte andelen og vises derfor ikke.",
}


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


def load_child_low_income_1996_2004(path: str | Path | None = None) -> pd.DataFrame:
    """SSB Samfunnsspeilet 2007/4 table 6 (transcribed): children 0-15 in persistent low income
    (EU measure), 1996-1998 and 2002-2004, 15 bydeler + Oslo. Historical context only, not part
    of :func:`build_tidy`. Columns geo_code, geo_name, period, share (percent), count.
    """
    table = RAW_TABLES["samfunnsspeilet_tab6"]
    file = raw_path("samfunnsspeilet_tab6", path)
    df = read_table("samfunnsspeilet_tab6", file)
    df = df[df["bydel"] != "Hele landet"]
    df = _geo_rows(df, table, file)
    df["measure"] = np.where(df["unit"] == "prosent", "share", "count")
    _check_unique(df, ["period", "measure"], file, table.geo)
    out = df.pivot_table(
        index=["geo_code", "geo_name", "period"], columns="measure", values="value"
    ).reset_index()
    out.columns.name = None
    return out[["geo_code", "geo_name", "period", "share", "count"]]


# --------------------------------------------------------------------------------------------
# Build: all indicators, population and geometry -> build/data
# --------------------------------------------------------------------------------------------


def build_tidy(paths: dict[str, str | Path] | None = None) -> pd.DataFrame:
    """All available indicators as one validated tidy table (``config.TIDY_COLUMNS``).

    ``paths`` maps raw table keys (``sos006``, ``bef005``, …) to replacement files.
    """
    return _build(paths)[0]


def _build(paths: dict[str, str | Path] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = paths or {}
    population = _population(paths)
    frames = [
        load_indicator(ind, paths.get(INDICATOR_TABLES[ind]), population=population)
        for ind in INDICATOR_LOADERS
    ]
    tidy = pd.concat(frames, ignore_index=True)
    validate(tidy, TIDY_SCHEMA, "tidy indicator table")
    public_population = population.drop(columns=["_row", "_file"]).reset_index(drop=True)
    return tidy, public_population


def write_build_data(
    out_dir: str | Path | None = None,
    *,
    paths: dict[str, str | Path] | None = None,
    catalogue: Any | None = None,
) -> Path:
    """Build and write ``indicators.parquet``, ``population.parquet`` and ``bydeler.parquet``
    (GeoParquet, EPSG:25833) to ``out_dir`` (default ``config.build_data_dir()``); returns it.

    Steps: load and check the bydel geometry, build the validated tidy table
    (:func:`build_tidy`), check it against ``catalogue`` when given
    (``helpers.catalogue.check_against_data``), apply small-number suppression
    (``helpers.suppress.suppress`` with the catalogue's thresholds, or its defaults), check that
    geometry and data cover the same bydeler. Everything is built and validated first and written
    to a temporary folder next to ``out_dir``; the files are then moved in with ``os.replace``.
    A failure therefore leaves no half-written files and any previous output untouched.
    ``paths`` as in :func:`build_tidy` (key ``geo`` replaces the bydel geometry file).
    """
    from helpers.geo import check_coverage, load_bydeler
    from helpers.suppress import assert_no_small_counts, suppress

    paths = paths or {}
    out = Path(out_dir) if out_dir is not None else build_data_dir()
    bydeler = load_bydeler(crs=25833, path=paths.get("geo"))  # cheap: fail fast
    tidy, population = _build(paths)
    if catalogue is not None:
        from helpers.catalogue import check_against_data

        check_against_data(catalogue, tidy, source="tidy indicator table")
        tidy = suppress(tidy, catalogue.thresholds())
    else:
        tidy = suppress(tidy)
    validate(tidy, TIDY_SCHEMA, "tidy indicator table (after suppression)")
    # The guard before anything is published: no row below the suppression thresholds.
    assert_no_small_counts(tidy, catalogue.thresholds() if catalogue is not None else None)
    check_coverage(bydeler, tidy["geo_code"].unique(), file=paths.get("geo"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
    try:
        tidy.to_parquet(tmp / "indicators.parquet", index=False)
        population.to_parquet(tmp / "population.parquet", index=False)
        bydeler.to_parquet(tmp / "bydeler.parquet", index=False)
        out.mkdir(parents=True, exist_ok=True)
        _replace_all(tmp, out, ("indicators.parquet", "population.parquet", "bydeler.parquet"))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _replace_all(tmp: Path, out: Path, names: tuple[str, ...]) -> None:
    """Move ``names`` from ``tmp`` into ``out``; if one move fails, put back the files already
    replaced (kept in ``tmp/previous``), so ``out`` holds all old or all new files."""
    previous = tmp / "previous"
    previous.mkdir()
    moved: list[str] = []
    try:
        for name in names:
            if (out / name).exists():
                os.replace(out / name, previous / name)
            moved.append(name)
            os.replace(tmp / name, out / name)
    except BaseException:
        for name in reversed(moved):
            if (previous / name).exists():
                os.replace(previous / name, out / name)
            else:
                (out / name).unlink(missing_ok=True)
        raise


# What build/data is made from besides data/raw, the catalogue, the manifest and the shapes:
# every helpers module except these, which only read the built data or present it.
_NOT_DATA_CODE = frozenset(
    {"build", "render", "report", "plots", "text", "gradient", "inequality", "models", "params"}
)
REBUILD_DATA_COMMAND = "python -m helpers.build --data-only"


def data_inputs() -> list[Path]:
    """The files ``build/data`` is built from: raw tables, shapes, catalogue, manifest and the
    helpers code that reads, checks and suppresses them."""
    from helpers.config import CATALOGUE_FILE, ROOT, SHAPES, SOURCES_FILE

    code = [
        p for p in sorted((ROOT / "src" / "helpers").glob("*.py")) if p.stem not in _NOT_DATA_CODE
    ]
    raw = sorted(p for folder in (DATA_RAW, SHAPES) for p in folder.rglob("*") if p.is_file())
    return [*raw, CATALOGUE_FILE, SOURCES_FILE, *code]


def stale_inputs(built: Path) -> list[Path]:
    """Inputs changed after ``built`` was written (by modification time)."""
    made = built.stat().st_mtime
    return [p for p in data_inputs() if p.is_file() and p.stat().st_mtime > made]


def check_fresh(built: Path) -> None:
    """``StaleDataError`` when ``built`` is older than any of its inputs, naming them and the
    command that rebuilds it. Nothing is rebuilt behind the user's back."""
    newer = stale_inputs(built)
    if not newer:
        return
    from helpers.config import ROOT
    from helpers.errors import StaleDataError

    names = [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in newer]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    raise StaleDataError(
        built,
        f"built before {shown} changed; run `{REBUILD_DATA_COMMAND}` (or `make report`), "
        "then rerun the notebook (restart the kernel first if you edited src/helpers)",
    )


def load_tidy(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``indicators.parquet`` (default in ``config.build_data_dir()``, built from the raw
    files when it does not exist yet) and validate it.

    The default file is checked against its inputs first (:func:`check_fresh`): data built
    before a raw file, the catalogue or the data code changed is an error that says what to run.

    Columns: ``config.TIDY_COLUMNS`` in order, then any extra ones (``suppression``).
    """
    file = Path(path) if path is not None else build_data_dir() / "indicators.parquet"
    if path is None and not file.is_file():
        # A fresh clone opened in Jupyter: build the tidy data from data/raw first, so every
        # notebook runs top to bottom with its defaults.
        from helpers.catalogue import load_catalogue

        print(f"{file} does not exist yet: building it from data/raw ({REBUILD_DATA_COMMAND})")
        write_build_data(catalogue=load_catalogue())
    elif path is None:
        check_fresh(file)
    if not file.is_file():
        raise DataError(file, "file not found; run the data build first (write_build_data())")
    try:
        df = pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises several error types for broken files
        raise DataError(file, f"cannot read parquet ({exc})") from exc
    missing = [c for c in TIDY_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(file, f"missing columns {missing}; expected {list(TIDY_COLUMNS)}")
    extra = [c for c in df.columns if c not in TIDY_COLUMNS]  # e.g. "suppression"
    df = df.loc[:, [*TIDY_COLUMNS, *extra]]
    df.index = pd.RangeIndex(1, len(df) + 1)
    validate(df, TIDY_SCHEMA, file)
    return df.reset_index(drop=True)
