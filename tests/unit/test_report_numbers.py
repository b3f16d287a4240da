"""Printed numbers on synthetic tables (tests/synthetic.py, NOT Oslo's numbers), in-process.

The same pins as tests/e2e/test_pinned.py, but fast and in this process, so that mutation testing
(``make mutate``, which only sees code run in the test process) can kill mutants in
helpers.stats.gradient and helpers.present.report: the headline SII/RII/RCI equal an independent
``stats.sii(..., multiplier=-100)`` / ``stats.rci``, and the overview's best and worst
bydel follow the indicator's polarity.
"""

from __future__ import annotations

import pytest
from conftest import assert_measures_printed, independent_sii
from synthetic import tidy_table

from helpers import catalogue, config
from helpers.present import report, tables, text
from helpers.stats import gradient

REPETITIONS = 2000


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


_RESULTS: dict = {}


def _result(cat, indicator_id: str):
    """(synthetic tidy table, analysed result), computed once per indicator."""
    if indicator_id not in _RESULTS:
        _RESULTS[indicator_id] = _analyse(cat, indicator_id)
    return _RESULTS[indicator_id]


def _analyse(cat, indicator_id: str):
    tidy = tidy_table(indicator_id)
    ranking = gradient.rank_bydeler(tidy, cat, config.DEFAULT_RANK_BY, 2024)
    return tidy, gradient.analyse_indicator(
        tidy, cat.indicator(indicator_id), ranking, repetitions=REPETITIONS
    )


def _used(tidy):
    """Synthetic: bydel number i has ranking value 20 + 3i, so the order is the code order."""
    rows = tidy[(tidy["year_end"] == 2024) & (tidy["geo_level"] == "bydel")]
    rows = rows[rows["indicator_id"] != config.DEFAULT_RANK_BY].sort_values("geo_code")
    return rows.assign(order=range(1, len(rows) + 1))


@pytest.mark.parametrize("indicator_id", ["uforetrygd", "sysselsetting_25_59"])
def test_summary_line_prints_independent_sii_rii_rci(cat, indicator_id):
    ind = cat.indicator(indicator_id)
    tidy, res = _result(cat, indicator_id)
    used = _used(tidy)
    s = independent_sii(used, ind, REPETITIONS)
    block = report.summary_line(res)
    assert_measures_printed(block, used, ind, s)
    # a Markdown bullet list ending in one newline (a paragraph may follow it)
    assert block.endswith("\n") and not block.endswith("\n\n")
    assert all(line.startswith("- ") for line in block.splitlines()), block
    # synthetic values fall with the bydel number, i.e. they are higher at the disadvantaged end
    assert s.sii > 0


def test_overview_lowest_and_highest_whatever_the_polarity(cat):
    """Synthetic values fall from Gamle Oslo (030101, 9.6) to Søndre Nordstrand (030115, 4.0)."""
    lower, higher = cat.indicator("uforetrygd"), cat.indicator("sysselsetting_25_59")
    assert (lower.polarity, higher.polarity) == ("lower_is_better", "higher_is_better")
    results = [_result(cat, "uforetrygd")[1], _result(cat, "sysselsetting_25_59")[1]]
    table = tables.overview_table(results)
    top = f"Gamle Oslo ({text.number(9.6)})"
    bottom = f"Søndre Nordstrand ({text.number(4.0)})"
    # neutral columns (issue 14): lowest and highest value for either polarity
    assert table.loc[0, "Lavest verdi"] == bottom and table.loc[0, "Høyest verdi"] == top
    assert table.loc[1, "Lavest verdi"] == bottom and table.loc[1, "Høyest verdi"] == top
    sii_col = next(c for c in table.columns if c.startswith("SII"))
    for i, res in enumerate(results):
        assert table.loc[i, "Indikator"] == f"{res.indicator.name_nb} ({res.indicator.unit_nb})"
        assert table.loc[i, "Periode"] == "2024"
        synthetic = tidy_table(res.indicator.id)
        oslo = synthetic[(synthetic["geo_level"] == "kommune") & (synthetic["year_end"] == 2024)]
        assert table.loc[i, "Oslo"] == text.number(oslo["value"].item())
        used = _used(tidy_table(res.indicator.id))
        s = independent_sii(used, res.indicator, REPETITIONS)
        assert table.loc[i, sii_col].split(" ")[0] == text.number(s.sii)


def test_overview_rii_and_cells_without_oslo_or_published_bydeler(cat):
    """The RII column is the independent RII; no Oslo row prints ".."; an indicator whose bydeler
    are all suppressed (synthetic) has empty best/worst/SII/RII cells."""
    ind = cat.indicator("uforetrygd")
    tidy = tidy_table("uforetrygd")
    no_oslo = tidy[tidy["geo_level"] != "kommune"]
    ranking = gradient.rank_bydeler(tidy, cat, config.DEFAULT_RANK_BY, 2024)
    hidden = tidy.copy()
    rows = (hidden["indicator_id"] == "uforetrygd") & (hidden["geo_level"] == "bydel")
    hidden.loc[rows, ["value", "numerator", "ci_low", "ci_high"]] = float("nan")
    hidden.loc[rows, "flag"] = "prikket"
    results = [
        gradient.analyse_indicator(no_oslo, ind, ranking, repetitions=REPETITIONS),
        gradient.analyse_indicator(hidden, ind, ranking, repetitions=REPETITIONS),
    ]
    assert results[0].oslo is None and results[1].sii is None
    table = tables.overview_table(results)
    rii_col = next(c for c in table.columns if c.startswith("RII"))
    sii_col = next(c for c in table.columns if c.startswith("SII"))
    s = independent_sii(_used(tidy), ind, REPETITIONS)
    assert table.loc[0, "Oslo"] == ".."
    assert table.loc[0, rii_col].split(" ")[0] == text.number(s.rii, 2)
    assert table.loc[0, sii_col].split(" ")[0] == text.number(s.sii)
    empty = table.loc[1, ["Lavest verdi", "Høyest verdi", sii_col, rii_col]].tolist()
    assert empty == ["", "", "", ""]


def _synthetic_oslo_share_2024() -> float:
    """Oslo's share in the synthetic table, from its formulas (tests/synthetic.py): bydel i has
    denominator 10 000 + 1 000·i and numerator round((10 − 0,4·i) % of it); Oslo is their sum."""
    dens = [10_000 + 1_000 * i for i in range(1, 16)]
    nums = [round((10.0 - 0.4 * i) / 100 * d) for i, d in enumerate(dens, start=1)]
    return 100 * sum(nums) / sum(dens)


def test_finding_states_oslo_and_the_lowest_and_highest_bydel(cat):
    """Synthetic: Oslo's share from the formulas, lowest Søndre Nordstrand (bydel 15: 4,0 %),
    highest Gamle Oslo (bydel 1: 9,6 %); then, after one space, the gradient sentence."""
    ind = cat.indicator("uforetrygd")
    _tidy, res = _result(cat, "uforetrygd")
    extremes = "lavest i Søndre Nordstrand (4,0) og høyest i Gamle Oslo (9,6)."
    oslo = text.number(_synthetic_oslo_share_2024())
    assert oslo == "6,4"
    assert report.finding(res) == (
        f"Mottakere av uføretrygd: {oslo} {ind.unit_nb} i Oslo i 2024; {extremes} "
        + report.gradient_sentence(res)
    )


def test_finding_without_an_oslo_value_or_without_published_bydeler(cat):
    """Synthetic: without an Oslo row, or with Oslo's value suppressed, the sentence starts with
    the period; with every bydel suppressed it says that there are no publishable numbers, and
    the summary that there are too few bydeler for the measures."""
    ind = cat.indicator("uforetrygd")
    tidy = tidy_table("uforetrygd")
    ranking = gradient.rank_bydeler(tidy, cat, config.DEFAULT_RANK_BY, 2024)
    extremes = "lavest i Søndre Nordstrand (4,0) og høyest i Gamle Oslo (9,6)."
    no_oslo = tidy[tidy["geo_level"] != "kommune"]
    oslo_hidden = tidy.copy()
    oslo_rows = oslo_hidden["geo_level"] == "kommune"
    oslo_hidden.loc[oslo_rows, ["value", "numerator", "ci_low", "ci_high"]] = float("nan")
    oslo_hidden.loc[oslo_rows, "flag"] = "prikket"
    for table in (no_oslo, oslo_hidden):
        res = gradient.analyse_indicator(table, ind, ranking, repetitions=REPETITIONS)
        assert report.finding(res) == (
            f"Mottakere av uføretrygd: 2024: {extremes} " + report.gradient_sentence(res)
        )
    hidden = tidy.copy()
    rows = (hidden["indicator_id"] == "uforetrygd") & (hidden["geo_level"] == "bydel")
    hidden.loc[rows, ["value", "numerator", "ci_low", "ci_high"]] = float("nan")
    hidden.loc[rows, "flag"] = "prikket"
    res = gradient.analyse_indicator(hidden, ind, ranking, repetitions=REPETITIONS)
    assert report.finding(res) == (
        "Det finnes ingen publiserbare bydelstall for mottakere av uføretrygd i 2024."
    )
    assert report.summary_line(res) == (
        "For få bydeler med publiserte tall til å beregne ulikhetsmål."
    )


def _rii_words(f) -> str:
    rii = text.number(f.rii, 2)
    return (
        f"RII {rii}: linjens verdi i den ressurssvake enden er {rii} ganger verdien i den "
        "ressurssterke enden"
    )


def test_gradient_sentence_clear_in_either_direction(cat):
    """Synthetic: uføretrygd (a rate per 100) falls along the ranking, so its line is higher at
    the disadvantaged end; employment (a percentage: "prosentpoeng") rises 0,4 points per bydel,
    so it is lower there. The numbers are the fitted line's (``result.fit``)."""
    _tidy, res = _result(cat, "uforetrygd")
    f = res.fit
    assert f.sii > 0 and f.sii_lower > 0
    assert report.gradient_sentence(res) == (
        f"Langs den sosiale gradienten er verdien {text.number(abs(f.sii))} per 100 innbyggere "
        "18–66 år høyere i den mest ressurssvake enden enn i den mest ressurssterke (SII "
        f"{text.number(f.sii)}; {_rii_words(f)}). Gradienten er tydelig: også 95 % "
        "konfidensintervallet som tar med variasjonen mellom bydelene "
        f"({text.interval(f.sii_lower, f.sii_upper)}), utelukker null."
    )
    tidy = tidy_table("sysselsetting_25_59", slope=0.4)
    ranking = gradient.rank_bydeler(tidy, cat, config.DEFAULT_RANK_BY, 2024)
    rising = gradient.analyse_indicator(
        tidy, cat.indicator("sysselsetting_25_59"), ranking, repetitions=REPETITIONS
    )
    g = rising.fit
    assert g.sii < 0 and g.sii_upper < 0
    assert report.gradient_sentence(rising).startswith(
        f"Langs den sosiale gradienten er verdien {text.number(abs(g.sii))} prosentpoeng lavere "
        f"i den mest ressurssvake enden enn i den mest ressurssterke (SII {text.number(g.sii)}; "
    )


def test_gradient_sentence_when_the_interval_includes_zero(cat):
    """The synthetic fit with a constructed interval from −1 to 12 (includes 0): no direction;
    with a small SII of 0,8 (0,5 to 1,1) the direction is said."""
    import dataclasses

    _tidy, res = _result(cat, "uforetrygd")
    f = dataclasses.replace(res.fit, sii_lower=-1.0, sii_upper=12.0)
    unsure = dataclasses.replace(res, measures={**res.measures, "fit": f})
    assert report.gradient_sentence(unsure) == (
        f"Linjen langs den sosiale gradienten gir en SII på {text.number(f.sii)} per 100 "
        f"innbyggere 18–66 år ({_rii_words(f)}), men når variasjonen mellom bydelene tas med, "
        f"omfatter 95 % konfidensintervallet null ({text.MINUS}1,0{text.NBSP}til"
        f"{text.NBSP}12,0). Vi kan derfor ikke si at det er en tydelig gradient i noen retning."
    )
    # a small positive SII whose interval (0,5 to 1,1) excludes 0 is still "høyere"
    small = dataclasses.replace(res.fit, sii=0.8, sii_lower=0.5, sii_upper=1.1)
    sure = dataclasses.replace(res, measures={**res.measures, "fit": small})
    assert report.gradient_sentence(sure).startswith(
        "Langs den sosiale gradienten er verdien 0,8 per 100 innbyggere 18–66 år høyere i den mest"
    )


def test_standardised_sentence_names_published_bydeler_and_ties(cat):
    """Constructed standardised rates (synthetic): Gamle Oslo has the lowest rate but is
    suppressed, so it is not named; Sagene and Frogner share the lowest published rate (printed
    alike: 3,04 and 2,96), Grorud has the highest."""
    import dataclasses

    import pandas as pd

    from helpers.stats import standardise

    _tidy, res = _result(cat, "uforetrygd")
    table = res.table.copy()
    table.loc[table["geo_code"] == "030101", ["value", "flag"]] = [float("nan"), "prikket"]
    rates = {code: 5.0 for code in config.BYDELER}
    rates.update({"030101": 1.0, "030103": 3.04, "030105": 2.96, "030110": 9.0})
    std = pd.DataFrame({"geo_code": list(rates), "value": list(rates.values())})
    changed = dataclasses.replace(res, table=table, standardised=std)
    assert report.standardised_sentence(changed) == (
        "Fordi mottakere av uføretrygd øker sterkt med alderen, er bydelene også sammenlignet "
        f"med aldersstandardiserte rater (standard: {standardise.STANDARD_NB}): lavest i Sagene "
        "og Frogner (begge 3,0) og høyest i Grorud (9,0). Gradienten nedenfor bygger på de "
        "aldersstandardiserte ratene."
    )
