"""The data to take away: every indicator table as CSV and one Excel workbook.

Written by the build into the site *before* it is published (``helpers.render`` swaps the whole
folder in), so a download never disagrees with the pages beside it. The files come from the tidy
table after small-number suppression: a suppressed value ("prikket") has no value, teller or
interval in the download either.

Layout of the published folder::

    nedlasting/oslohelsa-data.xlsx   one sheet per indicator, and a first sheet "Om dataene"
    nedlasting/<indicator_id>.csv    one file per indicator (UTF-8, comma, decimal point)
    nedlasting/barometer.csv         the city barometer (every bydel against Oslo)

Chapters link to these files with ``link_markdown``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from helpers import config
from helpers.catalogue import Catalogue, Indicator
from helpers.pipeline.suppress import assert_no_small_counts

FOLDER = "nedlasting"
WORKBOOK = "oslohelsa-data.xlsx"
BAROMETER_CSV = "barometer.csv"

# tidy column → download column (bokmål, ASCII: safe in every spreadsheet and script)
COLUMNS: dict[str, str] = {
    "geo_code": "geo_kode",
    "geo_name": "bydel",
    "period": "periode",
    "sex": "kjonn",
    "age_group": "alder",
    "value": "verdi",
    "ci_low": "ki_nedre",
    "ci_high": "ki_ovre",
    "numerator": "teller",
    "denominator": "nevner",
    "flag": "flagg",
}
EXTRA = ("enhet", "kilde")


def indicator_table(tidy: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """All rows of one indicator (bydeler and Oslo, every period) in download form."""
    rows = tidy[tidy["indicator_id"] == indicator.id]
    order = {code: i for i, code in enumerate([*config.BYDELER, config.OSLO_CODE])}
    rows = rows.assign(_o=rows["geo_code"].map(order).fillna(len(order))).sort_values(
        ["year_end", "sex", "age_group", "_o", "geo_code"]
    )
    out = rows[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)
    out["periode"] = out["periode"].astype(str)
    out["flagg"] = out["flagg"].fillna("")
    out["enhet"] = indicator.unit_nb
    out["kilde"] = indicator.source_text() if indicator.source else ""
    return out


def csv_name(indicator_id: str) -> str:
    return f"{indicator_id}.csv"


def link_markdown(indicator_ids: list[str] | None = None, *, up: str = "../") -> str:
    """A line of download links for a chapter (pages live one folder below the site root in a
    Quarto book, so links start with ``../``; the embedded renderer maps them to the root)."""
    base = f"{up}{FOLDER}/"
    links = [f"[alle indikatorer som Excel-arbeidsbok]({base}{WORKBOOK})"]
    links += [f"[{i} (CSV)]({base}{csv_name(i)})" for i in indicator_ids or []]
    return "**Last ned dataene:** " + ", ".join(links) + "."


def _sheet_names(ids: list[str]) -> dict[str, str]:
    """Excel sheet names: at most 31 characters, unique."""
    names: dict[str, str] = {}
    for i in ids:
        name, n = i[:31], 1
        while name in names.values():
            n += 1
            name = f"{i[: 31 - len(str(n)) - 1]}~{n}"
        names[i] = name
    return names


def about_sheet(catalogue: Catalogue, ids: list[str], date: dt.date | None) -> pd.DataFrame:
    rows = []
    sheets = _sheet_names(ids)
    for i in ids:
        ind = catalogue.indicator(i)
        rows.append([sheets[i], ind.name_nb, ind.unit_nb, ind.denominator, ind.source_text()])
    return pd.DataFrame(rows, columns=["ark", "indikator", "enhet", "nevner", "kilde"])


NOTE_NB = (
    "Oslohelsa: indikatorer etter bydel. Prikkede verdier (flagg «prikket») er skjult fordi de "
    "bygger på få personer; verdi, teller og intervall står da tomme. Flagg «..»: tall mangler. "
    "ki_nedre/ki_ovre er 95 % konfidensintervall."
)


def write(
    site: Path,
    tidy: pd.DataFrame,
    catalogue: Catalogue,
    *,
    barometer: pd.DataFrame | None = None,
    date: dt.date | None = None,
) -> Path:
    """Write ``site/nedlasting/`` (CSV per available indicator, workbook, barometer).

    The suppression guard runs first: a table with a small count is refused (ValueError) before
    anything is written."""
    assert_no_small_counts(tidy, catalogue.thresholds())
    folder = Path(site) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    ids = [i.id for i in catalogue.available() if (tidy["indicator_id"] == i.id).any()]
    tables = {i: indicator_table(tidy, catalogue.indicator(i)) for i in ids}
    for i, table in tables.items():
        table.to_csv(folder / csv_name(i), index=False, encoding="utf-8", lineterminator="\n")
    if barometer is not None and not barometer.empty:
        cols = {
            "indicator_id": "indikator",
            "geo_code": "geo_kode",
            "geo_name": "bydel",
            "period": "periode",
            "value": "verdi",
            "ci_low": "ki_nedre",
            "ci_high": "ki_ovre",
            "flag": "flagg",
            "oslo_value": "oslo",
            "rank": "rang_hoyest_forst",
            "klass": "mot_oslo",
        }
        barometer[list(cols)].rename(columns=cols).to_csv(
            folder / BAROMETER_CSV, index=False, encoding="utf-8", lineterminator="\n"
        )
    _workbook(folder / WORKBOOK, tables, about_sheet(catalogue, ids, date), date)
    return folder


def _workbook(
    path: Path, tables: dict[str, pd.DataFrame], about: pd.DataFrame, date: dt.date | None
) -> None:
    import xlsxwriter

    when = dt.datetime.combine(date or dt.date(2000, 1, 1), dt.time())
    sheets = _sheet_names(list(tables))
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
    book.set_properties({"title": "Oslohelsa – data", "created": when, "author": "Oslohelsa"})
    bold = book.add_format({"bold": True})
    first = book.add_worksheet("Om dataene")
    first.write(0, 0, NOTE_NB)
    _frame(first, about, bold, start=2)
    for i, table in tables.items():
        _frame(book.add_worksheet(sheets[i]), table, bold)
    book.close()


def _frame(sheet, frame: pd.DataFrame, bold, start: int = 0) -> None:
    for c, name in enumerate(frame.columns):
        sheet.write_string(start, c, str(name), bold)
    for r, row in enumerate(frame.itertuples(index=False), start=start + 1):
        for c, v in enumerate(row):
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
                continue  # empty cell: suppressed or missing
            if isinstance(v, int | float):
                sheet.write_number(r, c, float(v))
            else:
                sheet.write_string(r, c, str(v))
    sheet.freeze_panes(start + 1, 0)


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Read the workbook back (tests, users' scripts): sheet name → table."""
    return pd.read_excel(path, sheet_name=None, dtype={"geo_kode": str, "periode": str})


def for_site(data_dir: Path | None = None, date: dt.date | None = None):
    """The build's hook (``helpers.render.render(extras=...)``): write the downloads into the new
    site from the build's tidy table (already suppressed) before the site is published."""

    def extra(site: Path) -> None:
        from helpers import catalogue
        from helpers.pipeline import store
        from helpers.present import barometer

        tidy = store.load_tidy(None if data_dir is None else Path(data_dir) / "indicators.parquet")
        cat = catalogue.load_catalogue()
        write(site, tidy, cat, barometer=barometer.city_barometer(tidy, cat), date=date)

    return extra
