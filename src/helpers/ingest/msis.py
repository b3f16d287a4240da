"""MSIS (Meldingssystem for smittsomme sykdommer, Folkehelseinstituttet): reported COVID-19 cases
per kommune and bydel, from a public copy on GitHub; the reader and the ``make data`` client.

Source: the CSV ``data/01_infected/msis/municipality_and_district.csv`` of the GitHub repository
thohan88/covid19-nor-data, a daily copy of FHI's MSIS figures. The repository states no licence,
so the licence of the copy is unclear: ``make data`` fetches it for the local build only (it is
never shipped in ``data/raw`` of the project; ``.gitignore`` keeps it out), and the manifest
entry and the catalogue name MSIS/FHI as the original source and say so.

Layout (one row per date and area, daily from 2020-03-26)::

    date,date_time,kommune_bydel_no,kommune_bydel_name,bydel_no,bydel_name,kommune_no,
    kommune_name,fylke_no,fylke_name,population,cases

``cases`` is the CUMULATIVE number of reported cases up to that date, ``population`` a fixed
population per area. Oslo (``kommune_no`` 0301) is published per bydel only: 030101-030115 (the
15 bydeler), 030116 Sentrum, 030117 Marka and 030199 "Ukjent bydel" (cases with no known bydel).

Reading (:func:`yearly`), per calendar year:

- cases reported in the year = cumulative at the last date of the year minus cumulative at the
  last date of the previous year; the first year of the series counts from its start (the
  cumulative figures count every case since the start of the pandemic);
- only complete years: a year is complete when the series reaches at least 28 December of it
  (the daily copy misses some days, so the last one may fall short of 31 December) and, unless
  it is the first year, also 28 December of the year before, so that a year never spans more or
  less than about twelve months;
- Oslo (0301) = the sum over ALL of Oslo's rows (the 15 bydeler, Sentrum, Marka and "Ukjent
  bydel"), cases and population alike; a kommune-level row 0301, should one appear, is not
  used (it would count the same cases twice);
- the denominator is the file's population (of the area; for Oslo the sum), the value reported
  cases per 1 000 innbyggere (``FETCH_RATE_PER``); the interval is the Poisson one of
  :func:`helpers.stats.intervals.rate`, via :func:`helpers.pipeline.assemble._tidy`.

Cases with unknown bydel (030199), in Sentrum or in Marka count for Oslo but for no bydel;
:func:`unknown_bydel` gives their number per year for the notes.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.config import BYDELER, OSLO_CODE
from helpers.errors import DataError
from helpers.ingest.http import FetchError

# --------------------------------------------------------------------------------------------
# make data: client (a plain GET of the CSV) and manifest text
# --------------------------------------------------------------------------------------------

API_DEFAULT = (
    "https://raw.githubusercontent.com/thohan88/covid19-nor-data/master/data/01_infected/msis/"
)
API_ENV = "OSLOHELSA_MSIS_URL"
MIN_INTERVAL = 1.0  # one file; GitHub documents no limit for raw files
FETCH_REQUIRED = ("table",)  # table = the file name in the repository folder
MANIFEST_KEY = "msis_fhi"  # publisher key in data/sources.yml
REPOSITORY = "thohan88/covid19-nor-data"
LICENCE = (
    "unclear: MSIS figures published by Folkehelseinstituttet, copied in a GitHub repository "
    "that states no licence; fetched for the local build only, never shipped"
)

COLUMNS = (
    "date",
    "date_time",
    "kommune_bydel_no",
    "kommune_bydel_name",
    "bydel_no",
    "bydel_name",
    "kommune_no",
    "kommune_name",
    "fylke_no",
    "fylke_name",
    "population",
    "cases",
)
UNKNOWN_BYDEL = "030199"
COMPLETE_FROM = (12, 28)  # (month, day): a year is complete when the series reaches this date
# the source as the report names it ("Hentet ... fra <NAME_NB>")
NAME_NB = "en kopi av MSIS-tallene (FHI) i GitHub-depotet thohan88/covid19-nor-data, lisens uklar"
FETCH_RATE_PER = 1000  # value = cases per 1 000 residents (catalogue unit per_1000)


def fetch(client, spec: dict, indicator: str):
    """GET ``<base>/<table>``; returns ``(url, None, content)`` (no request body)."""
    path = str(spec["table"])
    content = client.request("GET", path, indicator=indicator)
    return client.url(path), None, content


def check(content: bytes, spec: dict, indicator: str, url: str) -> pd.DataFrame:
    """Read the CSV as the offline reader will; FetchError when it cannot, or when it has no
    complete calendar year (a file that gives no rows is never written)."""
    try:
        df = yearly(read_msis(content, file=url), file=url)
    except DataError as exc:
        where = [str(exc.row)] if exc.row is not None else []
        where += [f'column "{exc.column}"'] if exc.column else []
        at = f" ({', '.join(where)})" if where else ""
        raise FetchError(indicator, url, 200, f"malformed CSV{at}: {exc.detail}") from exc
    return df


def manifest_fields(spec: dict, url: str) -> dict:
    """Fields of the manifest entry that differ from an API fetch (the copy is a repository's)."""
    return {
        "repo_licence": "none stated",
        "source_repo": REPOSITORY,
        "source_path": f"data/01_infected/msis/{spec['table']}",
        "source_commit": "master (the branch head when make data ran)",
        "confidence": "medium",
        "caveats": (
            "MSIS (Folkehelseinstituttet) figures as copied daily by a third-party GitHub "
            "repository with no licence stated: licence unclear; written unchanged by make data "
            "for the local build only, never shipped. Cumulative reported cases per kommune and "
            "bydel; reported cases depend on testing."
        ),
    }


# --------------------------------------------------------------------------------------------
# Reader (offline)
# --------------------------------------------------------------------------------------------


def read_msis(source: bytes | str | Path, *, file: str | Path | None = None) -> pd.DataFrame:
    """Oslo's rows (``kommune_no`` 0301, bydel level) of an MSIS CSV, checked.

    Columns ``date`` (datetime64), ``area`` (six-digit code), ``population``, ``cases`` (int)
    and ``_line`` (line in the file; the header is line 1). DataError, naming file, line and
    column, for a missing column, a date that is not YYYY-MM-DD, a non-numeric or negative
    count, an area listed twice on one date, or no rows for Oslo's bydeler.
    """
    if isinstance(source, bytes):
        name = file if file is not None else "<MSIS CSV>"
        text = source.decode("utf-8-sig", errors="replace")
    else:
        name = file if file is not None else source
        path = Path(source)
        if not path.is_file():
            raise DataError(path, "file not found")
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    if not text.strip():
        raise DataError(name, "file is empty; expected a header line and data rows", row="line 1")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(name, f"cannot read as CSV ({str(exc).strip()})") from exc
    missing = [c for c in ("date", "kommune_bydel_no", "kommune_no", "population", "cases")]
    missing = [c for c in missing if c not in raw.columns]
    if missing:
        raise DataError(
            name,
            f"missing column(s) {', '.join(missing)}; expected the MSIS header "
            f"{','.join(COLUMNS)} (found {','.join(map(str, raw.columns))})",
            row="line 1",
            column=missing[0],
        )
    raw["_line"] = raw.index + 2
    code = raw["kommune_bydel_no"].str.strip()
    oslo = raw[(raw["kommune_no"].str.strip() == OSLO_CODE) & code.str.fullmatch(r"0301\d\d")]
    if oslo.empty:
        raise DataError(
            name,
            f"no rows for Oslo's bydeler (kommune_no {OSLO_CODE}, kommune_bydel_no 030101-030115)",
            column="kommune_bydel_no",
        )
    out = pd.DataFrame({"area": oslo["kommune_bydel_no"].str.strip(), "_line": oslo["_line"]})
    date = pd.to_datetime(oslo["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if date.isna().any():
        bad = oslo.loc[date.isna()].iloc[0]
        raise DataError(
            name,
            f'"{bad["date"]}" is not a date (YYYY-MM-DD)',
            row=f"line {bad['_line']}",
            column="date",
        )
    out["date"] = date
    for col in ("population", "cases"):
        value = pd.to_numeric(oslo[col].str.strip(), errors="coerce")
        bad = value.isna() | (value < 0) | (value != np.floor(value))
        if bad.any():
            first = oslo.loc[bad].iloc[0]
            raise DataError(
                name,
                f'"{first[col]}" is not a whole number >= 0 ({first["kommune_bydel_no"]}, '
                f"{first['date']})",
                row=f"line {first['_line']}",
                column=col,
            )
        out[col] = value.astype("int64")
    dup = out.duplicated(["date", "area"], keep="first")
    if dup.any():
        again = out.loc[dup].iloc[0]
        raise DataError(
            name,
            f"area {again['area']} appears twice on {again['date']:%Y-%m-%d}; expected one row "
            "per date and area",
            row=f"line {again['_line']}",
            column="kommune_bydel_no",
        )
    missing = sorted(set(BYDELER) - set(out["area"]))
    if missing:
        raise DataError(
            name,
            f"no rows for bydel {', '.join(missing)}; expected all 15 bydeler under {OSLO_CODE}",
            column="kommune_bydel_no",
        )
    out.attrs["file"] = str(name)
    return out.reset_index(drop=True)


def _year_ends(dates: pd.Series) -> dict[int, tuple[pd.Timestamp, pd.Timestamp | None]]:
    """Complete year -> (its last date, the previous year's last date or None for the first
    year of the series); see the module docstring for when a year is complete."""
    last = dates.groupby(dates.dt.year).max()
    first_year = int(last.index.min())
    month, day = COMPLETE_FROM

    def reaches(year: int) -> bool:
        return year in last.index and last[year] >= pd.Timestamp(year, month, day)

    return {
        int(y): (last[y], None if int(y) == first_year else last[y - 1])
        for y in last.index
        if reaches(int(y)) and (int(y) == first_year or reaches(int(y) - 1))
    }


def _at(by_date: pd.DataFrame, date: pd.Timestamp, areas: list[str], name, year: int):
    """Every Oslo area's row on ``date`` (a year end); DataError naming the area lacking one."""
    rows = by_date.xs(date, level="date").reindex(areas)
    lacking = rows.index[rows["cases"].isna()].tolist()
    if lacking:
        raise DataError(
            name,
            f"no row for area {', '.join(lacking)} on {date:%Y-%m-%d}, the last date of {year}; "
            "expected every Oslo area on every year's last date",
            column="kommune_bydel_no",
        )
    return rows


def yearly(df: pd.DataFrame, *, file: str | Path | None = None) -> pd.DataFrame:
    """Reported cases per complete calendar year, per area: one row per (year, area).

    Columns ``year``, ``area`` (six-digit code, or "0301" for the sum over all Oslo rows),
    ``cases`` (reported in the year), ``population`` (at the year's last date), ``end`` (that
    date), ``_line`` (line of the year-end row; for Oslo, of its first area). DataError when no
    year is complete, when an area lacks a row at a year end, or when a cumulative count falls.
    """
    name = file if file is not None else df.attrs.get("file")
    ends = _year_ends(df["date"])
    if not ends:
        span = f"{df['date'].min():%Y-%m-%d} to {df['date'].max():%Y-%m-%d}"
        raise DataError(
            name,
            f"no complete calendar year: the series runs {span}; a year counts when the series "
            f"reaches {COMPLETE_FROM[1]} December of it (and of the year before)",
            column="date",
        )
    areas = sorted(df["area"].unique())
    by_date = df.set_index(["date", "area"])
    rows = []
    for year, (end, prev_end) in sorted(ends.items()):
        at_end = _at(by_date, end, areas, name, year)
        if prev_end is None:  # the first year of the series: counted from its start
            before = pd.Series(0, index=areas, dtype="int64")
        else:
            before = _at(by_date, prev_end, areas, name, year - 1)["cases"].astype("int64")
        cases = at_end["cases"].astype("int64") - before
        fell = cases < 0
        if fell.any():
            area = cases.index[fell][0]
            raise DataError(
                name,
                f"cumulative cases of {area} fall from {int(before[area])} on "
                f"{prev_end:%Y-%m-%d} to {int(at_end.at[area, 'cases'])} on {end:%Y-%m-%d}; "
                "expected a cumulative count",
                row=f"line {int(at_end.at[area, '_line'])}",
                column="cases",
            )
        part = pd.DataFrame(
            {
                "year": year,
                "area": areas,
                "cases": cases.to_numpy(),
                "population": at_end["population"].astype("int64").to_numpy(),
                "end": end,
                "_line": at_end["_line"].astype("int64").to_numpy(),
            }
        )
        total = pd.DataFrame(
            {
                "year": [year],
                "area": [OSLO_CODE],
                "cases": [int(part["cases"].sum())],
                "population": [int(part["population"].sum())],
                "end": [end],
                "_line": [int(part["_line"].min())],
            }
        )
        rows += [part, total]
    return pd.concat(rows, ignore_index=True)


def unknown_bydel(path: str | Path) -> pd.DataFrame:
    """Per complete year: Oslo's reported cases, those with unknown bydel (030199), and those in
    Sentrum or Marka (030116, 030117), which no bydel counts. Columns year, oslo, unknown,
    sentrum_marka, unknown_share (0-1)."""
    years = yearly(read_msis(path), file=path)
    wide = years.pivot(index="year", columns="area", values="cases").fillna(0)

    def col(code: str) -> pd.Series:
        return wide[code] if code in wide.columns else pd.Series(0, index=wide.index)

    out = pd.DataFrame(
        {
            "oslo": wide[OSLO_CODE],
            "unknown": col(UNKNOWN_BYDEL),
            "sentrum_marka": col("030116") + col("030117"),
        }
    ).astype("int64")
    out["unknown_share"] = out["unknown"] / out["oslo"].where(out["oslo"] > 0)
    return out.reset_index()


# --------------------------------------------------------------------------------------------
# Files fetched by make data: rows for helpers.pipeline.fetched_data (its reader dispatch)
# --------------------------------------------------------------------------------------------


def fetched_rows(indicator_id: str, spec: dict, file: Path) -> pd.DataFrame:
    """Rows for :func:`helpers.pipeline.assemble._tidy`: Oslo and the 15 bydeler per complete
    year, numerator = reported cases in the year, denominator = the file's population, value =
    cases per 1 000 (``FETCH_RATE_PER``); ``_period`` the year."""
    years = yearly(read_msis(file), file=file)
    keep = years[years["area"].isin([OSLO_CODE, *BYDELER])]
    return pd.DataFrame(
        {
            "geo_code": keep["area"],
            "year": keep["year"].astype(int),
            "age_group": str(spec.get("age_group", "alle")),
            "sex": str(spec.get("sex", "alle")),
            "value": FETCH_RATE_PER * keep["cases"] / keep["population"],
            "numerator": keep["cases"].astype(float),
            "denominator": keep["population"].astype(float),
            "flag": "",
            "_file": str(file),
            "_row": "line " + keep["_line"].astype(str),
            "_column": "cases",
            "_period": keep["year"].astype(str),
        }
    ).reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _unknown_cached(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return unknown_bydel(path)


def fetched_note(spec: dict, file: Path, period: str, min_count: int = 5) -> str:
    """Bokmål note for the bydel table: how many of Oslo's cases in ``period`` (a year) have
    unknown bydel or were in Sentrum or Marka, and so count for Oslo but for no bydel. A count
    below ``min_count`` is written as "færre enn <min_count>"."""
    from helpers.present import text  # formatting only (decimal comma, no-break spaces)

    stat = Path(file).stat()
    years = _unknown_cached(str(Path(file).resolve()), stat.st_mtime_ns, stat.st_size)
    row = years[years["year"].astype(str) == str(period)]
    if row.empty or not row["oslo"].iat[0]:
        return ""
    r = row.iloc[0]

    def count(n: int) -> str:
        return f"færre enn {min_count}" if 0 < n < min_count else text.integer(n)

    def share(n: int) -> str:
        return "" if 0 < n < min_count else f" ({text.percent(100 * n / r['oslo'])})"

    return (
        f"Av {text.integer(r['oslo'])} meldte tilfeller i Oslo i {period} hadde "
        f"{count(int(r['unknown']))}{share(int(r['unknown']))} ukjent bydel, og "
        f"{count(int(r['sentrum_marka']))}{share(int(r['sentrum_marka']))} gjaldt Sentrum eller "
        "Marka; de er med i tallet for Oslo, men ikke i noen bydel."
    )
