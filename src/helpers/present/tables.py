"""The report's tables as DataFrames: one indicator's bydel values (with intervals and counts),
the overview of every analysed indicator, the socioeconomic ranking and the catalogue."""

from __future__ import annotations

import pandas as pd

from helpers import config
from helpers.catalogue import Catalogue
from helpers.pipeline import loaders
from helpers.present import text
from helpers.stats import measures
from helpers.stats.gradient import IndicatorResult
from helpers.stats.measures import OVERVIEW_RII, OVERVIEW_SII  # noqa: F401 (the overview's columns)


def bydel_table(result: IndicatorResult, decimals: int = 1) -> pd.DataFrame:
    """Bydel values in rank order with intervals, then Oslo; suppressed values print "prikket"."""
    rows = []
    for _, row in result.table.iterrows():
        rows.append(_table_row(row, str(int(row["order"])), decimals=decimals))
    if result.oslo is not None:
        rows.append(_table_row(result.oslo, "", name=f"**{config.OSLO_NAME}**", decimals=decimals))
    if result.indicator.id in loaders.PUBLISHED_VALUES:
        for r in rows:  # the value is the publisher's; our population count is not its nevner
            r[-1] = ""
    columns = [
        "Rang",
        "Bydel",
        result.indicator.unit_nb.capitalize(),
        "95 % KI",
        "Teller",
        "Nevner",
    ]
    table = pd.DataFrame(rows, columns=columns)
    if result.standardised is not None:
        std = result.standardised.set_index("geo_code")["value"]
        codes = [
            *result.table["geo_code"],
            *([config.OSLO_CODE] if result.oslo is not None else []),
        ]
        shown = [r[2] for r in rows]
        table.insert(
            3,
            STANDARDISED_COLUMN,
            [
                text.number(std.get(code), decimals) if any(ch.isdigit() for ch in cell) else ""
                for code, cell in zip(codes, shown, strict=True)
            ],
        )
    return table


#: Column of the age-standardised rate, beside the crude one.
STANDARDISED_COLUMN = "Aldersstandardisert"


def _table_row(row: pd.Series, order: str, *, name: str | None = None, decimals: int = 1) -> list:
    flag = row.get("flag", "") or ""
    published = flag == "" and pd.notna(row["value"])
    return [
        order,
        name or row["geo_name"],
        text.value_cell(row["value"], flag, decimals),
        text.interval(row["ci_low"], row["ci_high"], decimals) if published else "",
        text.integer(row["numerator"]) if published and pd.notna(row["numerator"]) else "",
        text.integer(row["denominator"]) if pd.notna(row["denominator"]) else "",
    ]


#: Relative widths of the overview's fixed columns; every measure column of the registry gets
#: ``MEASURE_WIDTH`` (a new measure needs no width of its own).
OVERVIEW_WIDTHS: tuple[int, ...] = (22, 9, 6, 13, 13)  # the period fits "2014-2018"
MEASURE_WIDTH = 13  # "−27,1 (−35,9 til −17,9)" wraps inside it


def overview_widths() -> list[int]:
    """Column widths for :func:`overview_table`, one per column, in its order."""
    return [*OVERVIEW_WIDTHS, *[MEASURE_WIDTH] * len(measures.overview_columns())]


def overview_table(results: list[IndicatorResult]) -> pd.DataFrame:
    """Every analysed indicator: Oslo value, lowest and highest bydel value, SII and RII
    (neutral labels: which end is favourable depends on the indicator)."""
    rows = []
    for res in results:
        ind, extremes = res.indicator, res.extremes()
        oslo = res.oslo["value"] if res.oslo is not None else float("nan")
        if extremes is None:
            best = worst = ""
        else:
            lo, hi = extremes
            good, bad = lo, hi  # neutral: lowest and highest value, whatever the polarity
            best = text.extreme_text(res.published, good["value"])
            worst = text.extreme_text(res.published, bad["value"])
        std = "; SII og RII aldersstandardisert" if res.standardised is not None else ""
        rows.append(
            [f"{ind.name_nb} ({ind.unit_nb}{std})", res.period, text.number(oslo), best, worst]
            + measures.overview_cells(res)
        )
    return pd.DataFrame(
        rows,
        columns=["Indikator", "Periode", "Oslo", "Lavest verdi", "Høyest verdi"]
        + measures.overview_columns(),
    )


def ranking_table(ranking) -> pd.DataFrame:
    """The socioeconomic ranking of the bydeler as a report table."""
    t = ranking.table
    return pd.DataFrame(
        {
            "Rang": t["order"].astype(str),
            "Bydel": t["geo_name"],
            f"{ranking.name_nb} ({ranking.year}), prosent": [
                text.number(v) for v in t["ses_value"]
            ],
        }
    )


_STATUS = {"available": "med data", "planned": "planlagt"}


def catalogue_table(catalogue: Catalogue) -> pd.DataFrame:
    """Every indicator of the catalogue: area, name, status and source (available or planned)."""
    rows = []
    for ind in catalogue.indicators:
        area = catalogue.area(ind.area).title_nb if ind.area else f"Hovedmål {ind.hovedmal}"
        source = ind.any_source.text_nb()  # no internal notes (confirmation) in reader text
        rows.append([area, ind.name_nb, _STATUS.get(ind.status, ind.status), source])
    return pd.DataFrame(rows, columns=["Område", "Indikator", "Status", "Kilde"])
