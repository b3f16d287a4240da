"""Folkehelseinstituttet (FHI): readers for FHI's files and the tidy loaders built on them.

Kommunehelsa statistikkbank exports ("KHS", e.g. ``data/raw/fhi_khs_barnevaksinasjon_*.xlsx``)
are wide Excel sheets: a title block, a header row ``År`` with one column per period, a row
``Geografi | Alder | Vaksine mot``, then one row per (area, age, vaccine) with the area and age
written only on the first row of their block. ``..`` is KHS's symbol for a missing or suppressed
value. :func:`read_khs_export` turns such a sheet into a long table and checks its layout;
every problem is a :class:`helpers.errors.DataError` naming the file, the Excel row and the
column (letter and header).

Childhood vaccination coverage (its entry in data/sources.yml) is published as a percentage only: no
numerator and no denominator. The tidy rows therefore carry ``numerator``, ``denominator``,
``ci_low`` and ``ci_high`` as missing; no interval is invented (``helpers.stats.gradient`` then
computes the rank-based SII/RII as point estimates only).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import BYDELER, OSLO_CODE
from helpers.errors import DataError
from helpers.ingest.bydel_names import normalise_bydel
from helpers.ingest.http import FetchError, NotPublished
from helpers.ingest.jsonstat import read_jsonstat

KHS_MISSING = ".."  # KHS: "Manglende data" (also used for suppressed cells)
_KHS_SYMBOLS = ("..", ".", ":", "-")
_PERIOD = r"^\d{4}-\d{4}$"


def _cell(row: int, col: int, header: str | None = None) -> tuple[int, str]:
    """(Excel row, 'column L (2010-2014)') for a 0-based sheet position."""
    from openpyxl.utils import get_column_letter

    label = get_column_letter(col + 1) + (f" ({header})" if header else "")
    return row + 1, label


@functools.lru_cache(maxsize=4)
def _read_sheet(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """The first sheet as objects; cached per file version (path, mtime, size).

    Only truly empty cells become NaN (``keep_default_na=False``): a cell reading "n/a" or "NA"
    stays text so that it is reported, not silently taken as missing."""
    try:
        sheet = pd.read_excel(
            path, sheet_name=0, header=None, dtype=object, engine="openpyxl",
            keep_default_na=False, na_values=[],
        )  # fmt: skip
    except Exception as exc:  # openpyxl/zipfile raise assorted errors for broken files
        raise DataError(path, f"cannot read as an Excel workbook ({exc})") from exc
    return sheet.replace("", np.nan)


def read_khs_export(path: str | Path) -> pd.DataFrame:
    """Read a Kommunehelsa wide export (.xlsx) into a long table.

    Columns: ``geografi`` (label as written), ``block`` (0-based number of the geography block,
    so that two areas with the same label, e.g. "Oslo" fylke and kommune, stay apart), ``alder``,
    ``dimensjon`` (the third key column, e.g. the vaccine), ``periode`` ("2010-2014"),
    ``verdi`` (float, NaN when flagged), ``verdi_flag`` ("" or the KHS symbol) and ``_row``,
    ``_column`` (Excel row number and column letter of the cell, for messages).
    ``df.attrs`` holds ``title`` and ``measure`` (the sheet's first and filter lines).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    stat = path.stat()
    sheet = _read_sheet(str(path.resolve()), stat.st_mtime_ns, stat.st_size).copy()
    first = sheet.iloc[:, 0].astype(str).str.strip()
    year_rows = np.flatnonzero(first.to_numpy() == "År")
    if len(year_rows) != 1:
        raise DataError(
            path,
            'expected exactly one header row starting with "År" (the periods); found '
            f"{len(year_rows)} (changed export layout?)",
            column="A",
        )
    hdr = int(year_rows[0])
    periods: dict[int, str] = {}
    for col in range(3, sheet.shape[1]):
        label = sheet.iat[hdr, col]
        if pd.isna(label):
            continue
        label = str(label).strip()
        if not pd.Series([label]).str.match(_PERIOD).iat[0]:
            row, where = _cell(hdr, col)
            raise DataError(path, f'period "{label}" is not YYYY-YYYY', row=row, column=where)
        periods[col] = label
    if not periods:
        raise DataError(path, "no period columns after the header row", row=hdr + 1)
    keys = [str(sheet.iat[hdr + 1, c]).strip() for c in range(3)]
    if keys[0] != "Geografi" or keys[1] != "Alder":
        row, _ = _cell(hdr + 1, 0)
        raise DataError(
            path,
            f'expected the key columns "Geografi", "Alder", then a dimension; found {keys} '
            "(changed export layout?)",
            row=row,
            column="A",
        )
    body = sheet.iloc[hdr + 2 :].copy()
    body = body[body.iloc[:, 2].notna()]
    if body.empty:
        raise DataError(path, "no data rows below the header", row=hdr + 3)
    geo = body.iloc[:, 0]
    block = geo.notna().cumsum() - 1
    geo_f = geo.ffill()
    age_f = body.iloc[:, 1].ffill()
    for col, values in ((0, geo_f), (1, age_f)):
        if values.isna().any():
            row, where = _cell(int(values.index[values.isna()][0]), col)
            raise DataError(path, "data row before any area or age label", row=row, column=where)
    keys = pd.DataFrame(
        {
            "geografi": geo_f.astype(str).str.strip(),
            "block": block.astype(int),
            "alder": age_f.astype(str).str.strip(),
            "dimensjon": body.iloc[:, 2].astype(str).str.strip(),
        }
    )
    parts = []
    for col, period in periods.items():
        raw = body.iloc[:, col]
        text = raw.where(raw.map(lambda v: isinstance(v, str)), None).str.strip()
        flag = pd.Series("", index=raw.index, dtype=object)
        flag[text.isin(_KHS_SYMBOLS)] = text[text.isin(_KHS_SYMBOLS)]
        flag[raw.isna()] = KHS_MISSING
        numeric = raw.where(~raw.map(lambda v: isinstance(v, str)))
        value = pd.to_numeric(numeric, errors="coerce").astype(float)
        parsed = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        is_text_number = text.notna() & (flag == "") & parsed.notna()
        value[is_text_number] = parsed[is_text_number]
        bad = (flag == "") & value.isna()
        if bad.any():
            idx = int(bad.index[bad][0])
            row, where = _cell(idx, col, period)
            raise DataError(
                path,
                f'"{raw[idx]}" is not a number; expected a number or one of '
                f"{' '.join(_KHS_SYMBOLS)}",
                row=row,
                column=where,
            )
        part = keys.assign(periode=period, verdi=value.where(flag == ""), verdi_flag=flag)
        part["_row"] = part.index + 1
        part["_column"] = _cell(0, col, period)[1]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(
        path=str(path),
        title=str(sheet.iat[0, 0]).strip(),
        measure=str(sheet.iat[hdr - 2, 0]).strip() if hdr >= 2 else "",
    )
    return out


# --------------------------------------------------------------------------------------------
# Childhood vaccination coverage (KHS "Vaksinasjonsdekning - barnevaksinasjonprogrammet,
# 5-årige gjennomsnitt (B)")
# --------------------------------------------------------------------------------------------

VACCINATION_FILE = "fhi_khs_barnevaksinasjon_5aar_2002_2018.xlsx"
# key in helpers.pipeline.loaders.INDICATOR_TABLES (``paths=``)
VACCINATION_TABLE = "khs_vaksinasjon"


@dataclass(frozen=True)
class Coverage:
    """One vaccination coverage series: the KHS rows (age, vaccine) it is read from."""

    alder: str
    vaksine: str
    age_group: str
    sex: str
    note: str


VACCINATIONS: dict[str, Coverage] = {
    "vaksinert_meslinger_2_ar": Coverage(
        "2 år",
        "Meslinger",
        "2",
        "alle",
        "Andel 2-åringer vaksinert mot meslinger (MMR-vaksinen), femårig glidende gjennomsnitt; "
        "kilden oppgir ikke antall barn.",
    ),
    "vaksinert_meslinger_16_ar": Coverage(
        "16 år",
        "Meslinger",
        "16",
        "alle",
        "Andel 16-åringer vaksinert mot meslinger (to doser MMR), femårig glidende gjennomsnitt; "
        "kilden oppgir ikke antall barn.",
    ),
    "vaksinert_hpv_jenter_16_ar": Coverage(
        "16 år",
        "HPV-infeksjon (jenter)",
        "16",
        "kvinner",
        "Andel 16 år gamle jenter vaksinert mot HPV, femårig glidende gjennomsnitt; kilden "
        "oppgir ikke antall jenter.",
    ),
}


def _oslo_rows(df: pd.DataFrame, file: Path) -> pd.DataFrame:
    """Oslo kommune and its 15 bydeler with ``geo_code``.

    KHS lists "Oslo" twice: first fylke 03, then kommune 0301, which is followed directly by the
    bydeler ("Bydel Gamle Oslo" … "Bydel Søndre Nordstrand"). The bydel names are mapped with
    :func:`helpers.ingest.bydel_names.normalise_bydel` and must give each of ``config.BYDELER``
    exactly once.
    """
    blocks = df.drop_duplicates("block")[["block", "geografi", "_row"]].reset_index(drop=True)
    oslo = blocks.index[blocks["geografi"] == "Oslo"].tolist()
    if len(oslo) != 2:
        raise DataError(
            file,
            f'expected "Oslo" twice (fylke 03, then kommune 0301); found it {len(oslo)} time(s)',
            column="A",
        )
    kommune = oslo[1]
    codes = {int(blocks.at[kommune, "block"]): OSLO_CODE}
    pos = kommune + 1
    while pos < len(blocks) and blocks.at[pos, "geografi"].startswith("Bydel "):
        name = blocks.at[pos, "geografi"]
        code = normalise_bydel(name, file=file, row=int(blocks.at[pos, "_row"]), column="A")
        if code is None or code not in BYDELER:
            raise DataError(
                file,
                f'"{name}" follows Oslo kommune but is not one of the 15 bydeler',
                row=int(blocks.at[pos, "_row"]),
                column="A",
            )
        if code in codes.values():
            raise DataError(
                file,
                f'bydel "{name}" ({code}) appears twice under Oslo',
                row=int(blocks.at[pos, "_row"]),
                column="A",
            )
        codes[int(blocks.at[pos, "block"])] = code
        pos += 1
    missing = sorted(set(BYDELER) - set(codes.values()))
    if missing:
        names = ", ".join(f"{c} ({BYDELER[c]})" for c in missing)
        raise DataError(
            file,
            f"missing bydel {names} after Oslo kommune; expected all 15 bydeler",
            row=int(blocks.at[kommune, "_row"]),
            column="A",
        )
    out = df[df["block"].isin(codes)].copy()
    out["geo_code"] = out["block"].map(codes)
    return out


# --------------------------------------------------------------------------------------------
# FHI Statistikk Open API (statistikk-data.fhi.no/api/open/v1/): client (responses are read by
# helpers.ingest.jsonstat)
# --------------------------------------------------------------------------------------------

API_DEFAULT = "https://statistikk-data.fhi.no/api/open/v1/"
API_ENV = "OSLOHELSA_FHI_API"
MIN_INTERVAL = 2.0  # FHI documents no limit; 30/min as a courtesy (as a third-party SDK does)
FETCH_REQUIRED = ("source", "table")  # fields a fetch: block must give
MANIFEST_KEY = "fhi_statistikk"  # publisher key in data/sources.yml
LICENCE = "FHI's terms of use: free reuse with the source cited"
NAME_NB = "FHI Statistikk"  # the source as the report names it ("Hentet ... fra <NAME_NB>")


def _find(categories: list, code: str) -> dict | None:
    for cat in categories or []:
        if str(cat.get("value")) == code:
            return cat
        hit = _find(cat.get("children") or [], code)
        if hit is not None:
            return hit
    return None


def request_body(dimensions: dict, spec: dict, indicator: str, url: str) -> dict:
    """The POST body for ``/data``: every dimension of the table (FHI returns 400 otherwise).

    Geography (``spec["geo"]``, default ``GEO``) is *discovered* from the ``/dimension``
    metadata: Oslo (0301) and the bydel codes listed under it; a table without them fails with
    a clear message instead of silently returning only Oslo. Other dimensions take the codes in
    ``spec["select"]`` (``item`` filter) or everything (``all`` / ``*``).
    """
    try:
        dims = {d["code"]: d for d in dimensions["dimensions"]}
    except (KeyError, TypeError) as exc:
        raise FetchError(indicator, url, 200, f"/dimension has no dimensions list ({exc})") from exc
    geo = spec.get("geo", "GEO")
    if geo not in dims:
        raise FetchError(
            indicator, url, 200, f"table has no geography dimension {geo!r}; it has {list(dims)}"
        )
    oslo = _find(dims[geo].get("categories", []), OSLO_CODE)
    bydeler = [
        str(c["value"])
        for c in (oslo or {}).get("children") or []
        if str(c.get("value", "")) in BYDELER
    ]
    if not bydeler:
        raise NotPublished(
            indicator,
            url,
            200,
            f"table has no bydel codes (030101-030115) under {OSLO_CODE} in dimension {geo}: "
            "not published per bydel",
        )
    select = spec.get("select") or {}
    unknown = sorted(set(select) - set(dims))
    if unknown:
        raise FetchError(
            indicator, url, 200, f"select names {unknown}, not dimensions of the table {list(dims)}"
        )
    body = []
    for code in dims:
        if code == geo:
            body.append({"code": code, "filter": "item", "values": [OSLO_CODE, *bydeler]})
        elif code in select:
            body.append({"code": code, "filter": "item", "values": [str(v) for v in select[code]]})
        else:
            body.append({"code": code, "filter": "all", "values": ["*"]})
    return {"dimensions": body, "response": {"format": "json-stat2"}}


def fetch(client, spec: dict, indicator: str):
    """GET ``/dimension`` (discovery), POST ``/data``; returns ``(url, body, content)``."""
    import json

    source, table = spec["source"], spec["table"]
    meta_path = f"{source}/Table/{table}/dimension"
    meta_url = client.url(meta_path)
    try:
        meta = json.loads(client.request("GET", meta_path, indicator=indicator).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(indicator, meta_url, 200, f"malformed JSON ({exc})") from exc
    body = request_body(meta, spec, indicator, meta_url)
    path = f"{source}/Table/{table}/data"
    content = client.request("POST", path, indicator=indicator, json=body)
    return client.url(path), body, content


def check(content: bytes, spec: dict, indicator: str, url: str) -> pd.DataFrame:
    """Validate a response as the offline reader would read it; FetchError if it cannot."""
    try:
        df = read_jsonstat(content, file=url)
    except DataError as exc:
        raise FetchError(indicator, url, 200, f"malformed payload: {exc.detail}") from exc
    geo = spec.get("geo", "GEO")
    if f"{geo}_kode" not in df.columns:
        raise FetchError(indicator, url, 200, f"changed layout: no {geo} dimension in the response")
    return df


# --------------------------------------------------------------------------------------------
# Files fetched by make data: dimension defaults, bydel codes and periods
# (read generically by helpers.pipeline.fetched_data)
# --------------------------------------------------------------------------------------------

FETCH_GEO = "GEO"  # geography dimension of FHI tables
FETCH_TIME = "AAR"  # time dimension; codes like "2020_2022" (a 3-year average) or "2020_2020"


def fetched_geo(df: pd.DataFrame, geo: str, file: Path) -> pd.Series:
    """SSB code per row (Oslo 0301 or a bydel 030101-030115); None for any other area."""
    codes = df[f"{geo}_kode"].astype(str)
    return codes.where(codes.isin([OSLO_CODE, *BYDELER]), None)


def fetched_period(df: pd.DataFrame, time: str, file: Path) -> pd.Series:
    """Period label per row: "2020-2022", or "2020" for one year."""
    parts = df[f"{time}_kode"].astype(str).str.split("_")
    first, last = parts.str[0], parts.str[-1]
    return pd.Series(np.where(first == last, last, first + "-" + last), index=df.index)
