"""Folkehelseinstituttet (FHI): readers for FHI's files and the tidy loaders built on them.

Kommunehelsa statistikkbank exports ("KHS", e.g. ``data/raw/fhi_khs_barnevaksinasjon_*.xlsx``)
are wide Excel sheets: a title block, a header row ``År`` with one column per period, a row
``Geografi | Alder | Vaksine mot``, then one row per (area, age, vaccine) with the area and age
written only on the first row of their block. ``..`` is KHS's symbol for a missing or suppressed
value. :func:`read_khs_export` turns such a sheet into a long table and checks its layout;
every problem is a :class:`helpers.errors.DataError` naming the file, the Excel row and the
column (letter and header).

Childhood vaccination coverage (PROVENANCE.md entry 32) is published as a percentage only: no
numerator and no denominator. The tidy rows therefore carry ``numerator``, ``denominator``,
``ci_low`` and ``ci_high`` as missing; no interval is invented (``helpers.stats.gradient`` then
computes the rank-based SII/RII as point estimates only).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import BYDELER, DATA_RAW, OSLO_CODE
from helpers.errors import DataError

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
VACCINATION_TABLE = "khs_vaksinasjon"  # key in helpers.data.INDICATOR_TABLES (``paths=``)


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
    :func:`helpers.data.normalise_bydel` and must give each of ``config.BYDELER`` exactly once.
    """
    from helpers.data import normalise_bydel

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


def load_vaccination(indicator_id: str, path: str | Path | None = None) -> pd.DataFrame:
    """Tidy table of one vaccination coverage indicator (``VACCINATIONS[indicator_id]``).

    Keeps the periods in which at least one bydel has a value (2010-2014 … 2014-2018; HPV
    2013-2017 and 2014-2018), with every bydel and Oslo in each. ``value`` is the published
    percentage; ``numerator``, ``denominator``, ``ci_low`` and ``ci_high`` stay missing (the
    source gives no counts). ``period`` is the 5-year label, ``year_end`` its last year.
    """
    from helpers.data import _check_complete, _check_unique, _tidy
    from helpers.schemas import TIDY_SCHEMA, validate

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
    """indicator id -> loader(path=None, population=None), for ``helpers.data``'s registry."""
    return {
        ind: (lambda path=None, population=None, _i=ind: load_vaccination(_i, path))
        for ind in VACCINATIONS
    }


# --------------------------------------------------------------------------------------------
# FHI Statistikk Open API (statistikk-data.fhi.no/api/open/v1/): client and json-stat2 reader
# --------------------------------------------------------------------------------------------

API_DEFAULT = "https://statistikk-data.fhi.no/api/open/v1/"
API_ENV = "OSLOHELSA_FHI_API"
MIN_INTERVAL = 2.0  # FHI documents no limit; 30/min as a courtesy (as a third-party SDK does)
FLAG_LABELS = {
    "..": "Manglende data",
    ".": "Lar seg ikke beregne",
    ":": "Anonymisert eller skjult av andre årsaker",
    "-": "Data ikke tilgjengelig",
}


def read_api_jsonstat(source: str | Path | bytes, file: str | Path | None = None) -> pd.DataFrame:
    """Read an FHI json-stat2 response (file or bytes) into ``<dim>_kode``, ``<dim>_navn``,
    ``verdi``, ``verdi_flag``, one row per cell in row-major order.

    FHI writes a suppressed cell as the flag string itself in ``value[]`` (``":"``, ``".."``,
    ``"."``), with the legend in ``extension.flags``: such cells get ``verdi`` NaN and the flag,
    each symbol kept as it is (never 0). ``null`` becomes ``..``. A UTF-8 BOM is accepted.
    """
    import json

    from pyjstat import pyjstat

    where = file if file is not None else (source if not isinstance(source, bytes) else None)
    if isinstance(source, bytes):
        raw_bytes = source
    else:
        if not Path(source).is_file():
            raise DataError(source, "file not found")
        raw_bytes = Path(source).read_bytes()
    try:
        doc = json.loads(raw_bytes.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(where, f"not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        raise DataError(where, 'expected a json-stat 2.0 object with "class": "dataset"')
    try:
        ids = list(doc["id"])
        size = [int(s) for s in doc["size"]]
        values = list(doc["value"])
        dims = {d: doc["dimension"][d] for d in ids}
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(where, f"json-stat2 without id/size/value/dimension ({exc})") from exc
    if len(values) != int(np.prod(size)):
        raise DataError(
            where, f"{len(values)} values but the dimension sizes {size} give {int(np.prod(size))}"
        )
    legend = ((doc.get("extension") or {}).get("flags") or {}).get("index") or list(FLAG_LABELS)
    flags = []
    clean = []
    for i, v in enumerate(values):
        if isinstance(v, str):
            if v not in legend and v not in FLAG_LABELS:
                raise DataError(where, f'value[{i}] is "{v}", neither a number nor a known flag')
            flags.append(v)
            clean.append(None)
        elif v is None:
            flags.append(KHS_MISSING)
            clean.append(None)
        else:
            flags.append("")
            clean.append(v)
    doc = {**doc, "value": clean, "status": None}
    doc.pop("status")
    for d in ids:  # FHI gives category.index as a list; pyjstat copes with both forms
        cat = dims[d].get("category", {})
        if "label" not in cat and "index" in cat:
            idx = cat["index"]
            cat["label"] = {k: k for k in (idx if isinstance(idx, list) else idx.keys())}
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyjstat")
            ds = pyjstat.Dataset.read(json.dumps(doc))
            labels = ds.write("dataframe")
            codes = ds.write("dataframe", naming="id")
    except Exception as exc:  # pyjstat raises assorted errors on malformed input
        raise DataError(where, f"pyjstat could not read the dataset ({exc})") from exc
    out = pd.DataFrame(index=pd.RangeIndex(1, len(labels) + 1))
    for i, d in enumerate(ids):
        out[f"{d}_kode"] = codes.iloc[:, i].astype(str).to_numpy()
    for i, d in enumerate(ids):
        out[f"{d}_navn"] = labels.iloc[:, i].astype(str).to_numpy()
    out["verdi"] = pd.to_numeric(labels["value"], errors="coerce").astype(float).to_numpy()
    out["verdi_flag"] = flags
    out.attrs.update(label=doc.get("label"), updated=doc.get("updated"))
    return out


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
    from helpers.ingest.http import FetchError, NotPublished

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

    from helpers.ingest.http import FetchError

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
    from helpers.ingest.http import FetchError

    try:
        df = read_api_jsonstat(content, file=url)
    except DataError as exc:
        raise FetchError(indicator, url, 200, f"malformed payload: {exc.detail}") from exc
    geo = spec.get("geo", "GEO")
    if f"{geo}_kode" not in df.columns:
        raise FetchError(indicator, url, 200, f"changed layout: no {geo} dimension in the response")
    return df


def load_fetched(indicator_id: str, spec: dict, path: str | Path) -> pd.DataFrame:
    """Tidy table of an indicator fetched by ``make data`` from the FHI API (json-stat2).

    Keeps Oslo (0301) and the 15 bydeler; the time dimension (``spec["time"]``, default ``AAR``,
    codes like ``2020_2022``) gives ``period`` ("2020-2022", or "2020" for one year) and
    ``year_end``. Every other dimension must have one category left, either in the file or chosen
    with ``spec["value"]`` (e.g. ``{MEASURE_TYPE: RATE, KJONN: "0"}``). Values only: counts and
    intervals stay missing (``helpers.stats.no_counts``); FHI's flags are kept as they are.
    """
    from helpers.data import _check_complete, _check_unique, _tidy
    from helpers.schemas import TIDY_SCHEMA, validate

    file = Path(path)
    df = read_api_jsonstat(file)
    geo, time = spec.get("geo", "GEO"), spec.get("time", "AAR")
    for dim in (geo, time):
        if f"{dim}_kode" not in df.columns:
            raise DataError(file, f"no {dim} dimension; expected {geo} and {time}", column=dim)
    df = df[df[f"{geo}_kode"].isin([OSLO_CODE, *BYDELER])]
    chosen = {str(k): str(v) for k, v in (spec.get("value") or {}).items()}
    for col in [c for c in df.columns if c.endswith("_kode")]:
        dim = col.removesuffix("_kode")
        if dim in (geo, time):
            continue
        if dim in chosen:
            df = df[df[col] == chosen[dim]]
        codes = list(df[col].unique())
        if len(codes) != 1:
            raise DataError(
                file,
                f"dimension {dim} has {len(codes)} categories {codes[:6]}; choose one with "
                f"fetch.value: {{{dim}: <code>}} for indicator {indicator_id} in "
                "data/indicators.yml",
                column=col,
            )
    if df.empty:
        raise DataError(file, "no rows for Oslo and its bydeler", column=f"{geo}_kode")
    parts = df[f"{time}_kode"].str.split("_")
    first, last = parts.str[0], parts.str[-1]
    out = pd.DataFrame(
        {
            "geo_code": df[f"{geo}_kode"],
            "year": last.astype(int),
            "age_group": str(spec.get("age_group", "alle")),
            "sex": str(spec.get("sex", "alle")),
            "value": df["verdi"],
            "numerator": np.nan,
            "denominator": np.nan,
            "flag": df["verdi_flag"],
            "_file": str(file),
            "_row": df.index.astype(int),
            "_column": "value",
        }
    )
    out["geo_name"] = out["geo_code"].map({**BYDELER, OSLO_CODE: "Oslo"})
    _check_unique(out, ["year"], file, f"{geo}_kode")
    _check_complete(out, file, f"{geo}_kode", out["year"])
    labels = pd.Series(np.where(first == last, last, first + "-" + last), index=df.index)
    periods = dict(zip(zip(out["year"], out["geo_code"], strict=True), labels, strict=True))
    tidy = _tidy(indicator_id, out)
    tidy["period"] = [
        periods[(y, g)] for y, g in zip(tidy["year_end"], tidy["geo_code"], strict=True)
    ]
    validate(tidy, TIDY_SCHEMA, file)
    return tidy
