"""The numbers the report prints, pinned against independent computations.

Every number is read from the executed notebooks of the session's shared build (what the HTML and
PDF show; tests/conftest.py) and recomputed here without helpers.stats.gradient's analysis (only
its row selection, ``indicator_rows``) or helpers.present.report:

- per indicator, the headline SII, RII and RCI equal ``stats.sii(..., multiplier=-100)`` and
  ``stats.rci`` on the same table (latest period, bydeler in the socioeconomic order,
  suppressed rows left out), with the report's seed, repetitions and transform;
- the overview's best and worst bydel follow each indicator's polarity;
- one SII and one table row are computed by hand from the CSV files in data/raw.
"""

from __future__ import annotations

import csv
import math
from dataclasses import replace

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import (
    assert_measures_printed,
    independent_sii,
    printed_line,
    printed_point,
    report_transform,
)

from helpers import catalogue, config
from helpers.present import text
from helpers.present.report import slug
from helpers.stats import gradient, standardise

pytestmark = pytest.mark.e2e


# --------------------------------------------------------------------------------------------
# Reading what the report prints
# --------------------------------------------------------------------------------------------
def _markdown_outputs(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [
        out["data"]["text/markdown"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "text/markdown" in out.get("data", {})
    ]


def _sections(path, cat) -> dict[str, list[str]]:
    """Markdown outputs of an area chapter, grouped by indicator section (``{#sec-<id>}``)."""
    by_anchor = {f"{{#sec-{slug(i.id)}}}": i.id for i in cat.available()}
    sections: dict[str, list[str]] = {}
    current = None
    for md in _markdown_outputs(path):
        first = md.splitlines()[0] if md else ""
        if first.startswith("## "):
            current = next((ind for a, ind in by_anchor.items() if a in first), None)
            if current:
                sections[current] = []
        elif current:
            sections[current].append(md)
    return sections


def _table(markdown: str) -> pd.DataFrame:
    """A pipe table (header, separator, rows) as strings; the caption line is ignored."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    return pd.DataFrame(cells[2:], columns=cells[0])


# --------------------------------------------------------------------------------------------
# Independent computations
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


@pytest.fixture(scope="module")
def tidy(shared_build) -> pd.DataFrame:
    return pd.read_parquet(shared_build.data / "indicators.parquet")


def _order(tidy, cat) -> dict[str, int]:
    """Bydel code → socioeconomic order (1 = most disadvantaged) for the default ranking."""
    spec = cat.ranking(config.DEFAULT_RANK_BY)
    rows = tidy[
        (tidy["indicator_id"] == config.DEFAULT_RANK_BY)
        & (tidy["geo_level"] == "bydel")
        & (tidy["sex"] == "alle")
        & (tidy["year_end"] == config.DEFAULT_RANK_YEAR)
    ]
    assert len(rows) == len(config.BYDELER)
    rows = rows.sort_values(["value", "geo_code"], ascending=[spec.disadvantaged == "low", True])
    return {code: i for i, code in enumerate(rows["geo_code"], start=1)}


def _latest_used(tidy, ind, order) -> pd.DataFrame:
    rows = tidy[(tidy["indicator_id"] == ind.id) & (tidy["sex"] == "alle")]
    rows = rows[rows["year_end"] == rows["year_end"].max()]
    rows = rows[(rows["geo_level"] == "bydel") & rows["geo_code"].isin(order)]
    ok = rows["flag"].eq("") & rows["value"].notna() & rows["denominator"].gt(0)
    used = rows[ok]
    used = used.assign(order=used["geo_code"].map(order))
    return used.sort_values("order")


def _report_sii(used, ind, repetitions):
    """phe_sii as the report computes it: on directly age-standardised rates (log transform)
    where the indicator depends on age and the age bands reproduce the counts, else as is."""
    year = int(used["year_end"].iloc[0])
    if standardise.reproduces(used, ind.id, year):
        std = standardise.standardise_rows(used, ind.id, year)
        return independent_sii(std, replace(ind, value_type="rate"), repetitions)
    return independent_sii(used, ind, repetitions)


def _analysed(cat):
    """(area, indicator) for every available indicator the default ranking may rank."""
    spec = cat.ranking(config.DEFAULT_RANK_BY)
    return [
        (area, ind)
        for area in config.AREAS
        for ind in cat.available(area)
        if spec.suitable_for(ind.id)
    ]


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
def test_headline_sii_rii_rci_per_indicator(shared_build, tidy, cat):
    order = _order(tidy, cat)
    analysed = _analysed(cat)
    assert {ind.id for _, ind in analysed} == {
        i.id for i in cat.available() if cat.ranking(config.DEFAULT_RANK_BY).suitable_for(i.id)
    }
    assert analysed
    for area, ind in analysed:
        sections = _sections(shared_build.notebooks / f"{area}.ipynb", cat)
        block = "\n".join(sections[ind.id])
        used = _latest_used(tidy, ind, order)
        if used.empty:  # a value-only series (no counts): pinned in tests/data/test_vaccination.py
            continue
        s = _report_sii(used, ind, shared_build.repetitions)
        assert_measures_printed(block, used, ind, s)


def test_circular_indicators_print_no_measures(shared_build, cat):
    """An indicator the ranking variable is built from gets no SII/RII/RCI at all."""
    spec = cat.ranking(config.DEFAULT_RANK_BY)
    circular = [
        (a, i) for a in config.AREAS for i in cat.available(a) if not spec.suitable_for(i.id)
    ]
    for area, ind in circular:
        block = "\n".join(_sections(shared_build.notebooks / f"{area}.ipynb", cat)[ind.id])
        assert "Ingen ulikhetsmål" in block and "- SII" not in block and "RCI" not in block


def test_overview_lowest_and_highest_value(shared_build, tidy, cat):
    """Neutral columns (issue 14): the lowest and the highest published bydel value, whatever the
    polarity; and the overview's SII is the same number as the chapter's."""
    order = _order(tidy, cat)
    tables = [
        _table(md)
        for md in _markdown_outputs(shared_build.notebooks / "oversikt.ipynb")
        if "Lavest verdi" in md
    ]
    assert len(tables) == 1
    table = tables[0]
    low_col, high_col = "Lavest verdi", "Høyest verdi"
    sii_col = next(c for c in table.columns if c.startswith("SII"))
    assert len(table) == len(cat.available())
    polarities = set()
    spec = cat.ranking(config.DEFAULT_RANK_BY)
    for ind in cat.available():
        # the label names the unit, and says when SII/RII are on age-standardised rates
        row = table[table["Indikator"].str.startswith(f"{ind.name_nb} ({ind.unit_nb}")]
        assert len(row) == 1, ind.id
        row = row.iloc[0]
        rows = gradient.indicator_rows(tidy, ind.id)  # one sex only (HPV: girls) is its population
        rows = rows[rows["year_end"] == rows["year_end"].max()]
        pub = rows[(rows["geo_level"] == "bydel") & rows["flag"].eq("") & rows["value"].notna()]
        high, low = pub.loc[pub["value"].idxmax()], pub.loc[pub["value"].idxmin()]
        polarities.add(ind.polarity)
        assert row[low_col].startswith(low["geo_name"]), ind.id
        assert row[low_col].endswith(f"{text.number(low['value'])})"), ind.id
        assert row[high_col].startswith(high["geo_name"]), ind.id
        assert row[high_col].endswith(f"{text.number(high['value'])})"), ind.id
        used = _latest_used(tidy, ind, order)
        if spec.suitable_for(ind.id) and used.empty:  # value-only: tests/data/test_vaccination.py
            assert row[sii_col].endswith("(ingen KI)"), ind.id
        elif spec.suitable_for(ind.id):
            s = _report_sii(used, ind, shared_build.repetitions)
            assert row[sii_col].split(" ")[0] == text.number(s.sii), ind.id
        else:
            assert row[sii_col] == "", ind.id
    assert {"higher_is_better", "lower_is_better"} <= polarities  # both branches are exercised


# --------------------------------------------------------------------------------------------
# By hand from data/raw: voter turnout 2023 (OK-VAL001), ranked by higher education 2024
# (OK-UTD027, 30-66 years, short + long university/college education).
# --------------------------------------------------------------------------------------------
def _raw_rows(name: str) -> list[dict[str, str]]:
    (path,) = config.DATA_RAW.glob(name)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _turnout_by_hand() -> dict[str, tuple[int, int]]:
    return {
        r["bydel_kode"]: (int(r["antall_stemmer"]), int(r["antall_stemmeberettigede"]))
        for r in _raw_rows("oslo_val001_*.csv")
        if r["niva"] == "bydel"
        and r["alder"] == "Alder i alt"
        and r["kjonn"] == "Begge kjønn"
        and r["bydel_kode"] in config.BYDELER
    }


def _education_order_by_hand() -> list[str]:
    """Bydel codes from the lowest share with higher education (most disadvantaged) up."""
    uh, total = {}, {}
    for r in _raw_rows("oslo_utd027_*.csv"):
        if (
            r["aar"] == str(config.DEFAULT_RANK_YEAR)
            and r["niva"] == "bydel"
            and r["kjonn"] == "Begge kjønn"
            and r["aldersgruppe"] in ("30-39 år", "40-49 år", "50-66 år")
            and r["bydel_kode"] in config.BYDELER
        ):
            code = r["bydel_kode"]
            uh[code] = uh.get(code, 0) + int(r["antall_uh_kort"]) + int(r["antall_uh_lang"])
            total[code] = total.get(code, 0) + int(r["antall_i_alt"])
    assert len(total) == len(config.BYDELER)
    return sorted(total, key=lambda c: (uh[c] / total[c], c))


def _area_of(cat, indicator_id):
    return cat.indicator(indicator_id).area


def test_turnout_sii_by_hand(shared_build, cat):
    """SII = −100 × slope of the population-weighted least-squares line of turnout on the
    midpoint of the cumulative share of eligible voters, bydeler in education order (on the
    logit scale, ends transformed back, when the report transforms)."""
    votes = _turnout_by_hand()
    codes = _education_order_by_hand()
    x = np.array([votes[c][0] for c in codes], float)
    n = np.array([votes[c][1] for c in codes], float)
    y = x / n
    share = n / n.sum()
    rank = np.cumsum(share) - share / 2
    transform = report_transform()
    yy = np.log(y / (1 - y)) if transform else y
    xm, ym = np.average(rank, weights=n), np.average(yy, weights=n)
    slope = np.sum(n * (rank - xm) * (yy - ym)) / np.sum(n * (rank - xm) ** 2)
    intercept = ym - slope * xm
    if transform:
        expit = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
        sii = -100 * (expit(intercept + slope) - expit(intercept))
    else:
        sii = -100 * slope
    area = _area_of(cat, "valgdeltakelse")
    block = "\n".join(_sections(shared_build.notebooks / f"{area}.ipynb", cat)["valgdeltakelse"])
    assert printed_point(printed_line(block, "- SII")) == text.number(sii)
    assert sii < 0  # turnout is lower at the disadvantaged end


def test_turnout_table_row_by_hand(shared_build, cat):
    """Stovner's row of the turnout table: rank, value, Wilson 95 % interval, counts."""
    votes = _turnout_by_hand()
    codes = _education_order_by_hand()
    code = next(c for c, name in config.BYDELER.items() if name == "Stovner")
    x, n = votes[code]
    p, z = x / n, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    expected = [
        str(codes.index(code) + 1),
        "Stovner",
        text.number(100 * p),
        text.interval(100 * (centre - half), 100 * (centre + half)),
        text.integer(x),
        text.integer(n),
    ]
    area = _area_of(cat, "valgdeltakelse")
    block = _sections(shared_build.notebooks / f"{area}.ipynb", cat)["valgdeltakelse"]
    (table_md,) = [md for md in block if md.startswith("|")]
    table = _table(table_md)
    row = table[table["Bydel"] == "Stovner"]
    assert len(row) == 1
    assert row.iloc[0].tolist() == expected
