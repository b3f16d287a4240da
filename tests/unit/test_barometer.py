"""The barometer's rule on constructed cases (numbers chosen by hand, not Oslo's)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import synthetic

from helpers import catalogue, config
from helpers.present import barometer, text
from helpers.present.barometer import (
    BETTER,
    HIGHER,
    LOWER,
    NOT_ASSESSED,
    SIMILAR,
    SUPPRESSED,
    WORSE,
    classify,
)


@pytest.mark.parametrize(
    ("value", "low", "high", "oslo", "polarity", "flag", "expected"),
    [
        # Oslo 10: interval entirely above it
        (12.0, 11.0, 13.0, 10.0, "lower_is_better", "", WORSE),
        (12.0, 11.0, 13.0, 10.0, "higher_is_better", "", BETTER),
        (12.0, 11.0, 13.0, 10.0, "context_dependent", "", HIGHER),
        # interval entirely below Oslo
        (8.0, 7.0, 9.0, 10.0, "lower_is_better", "", BETTER),
        (8.0, 7.0, 9.0, 10.0, "higher_is_better", "", WORSE),
        (8.0, 7.0, 9.0, 10.0, "context_dependent", "", LOWER),
        # the value differs, but the interval holds Oslo's value: no clear difference
        (12.0, 9.5, 14.5, 10.0, "lower_is_better", "", SIMILAR),
        (8.0, 6.0, 10.5, 10.0, "higher_is_better", "", SIMILAR),
        # Oslo exactly on a bound counts as inside
        (12.0, 10.0, 14.0, 10.0, "lower_is_better", "", SIMILAR),
        (8.0, 6.0, 10.0, 10.0, "higher_is_better", "", SIMILAR),
        # an interval of zero width (a count without sampling error) is still an interval
        (5.0, 5.0, 5.0, 4.0, "lower_is_better", "", WORSE),
        (5.0, 5.0, 5.0, 5.0, "lower_is_better", "", SIMILAR),
        # an SSB symbol is never classified, even with numbers left in the row
        (12.0, 11.0, 13.0, 10.0, "lower_is_better", "..", NOT_ASSESSED),
        # suppressed: never classified, whatever numbers remain in the row
        (12.0, 11.0, 13.0, 10.0, "lower_is_better", "prikket", SUPPRESSED),
        (math.nan, math.nan, math.nan, 10.0, "lower_is_better", "prikket", SUPPRESSED),
        # missing value, interval or Oslo value
        (math.nan, math.nan, math.nan, 10.0, "lower_is_better", "..", NOT_ASSESSED),
        (12.0, math.nan, math.nan, 10.0, "lower_is_better", "", NOT_ASSESSED),
        (12.0, 11.0, 13.0, math.nan, "lower_is_better", "", NOT_ASSESSED),
    ],
)
def test_classify(value, low, high, oslo, polarity, flag, expected):
    assert classify(value, low, high, oslo, polarity, flag) == expected


def test_classify_rejects_a_reversed_interval():
    with pytest.raises(ValueError, match="reversed"):
        classify(5.0, 6.0, 4.0, 1.0, "lower_is_better")


def test_rank_is_neutral_highest_first_and_skips_suppressed():
    values = pd.Series([3.0, 9.0, 5.0, math.nan, 9.0])
    flags = pd.Series(["", "", "prikket", "..", ""])
    ranks = barometer.rank_highest_first(values, flags)
    # 5.0 is suppressed: not ranked even though a value is present
    assert ranks.tolist() == [3, 1, pd.NA, pd.NA, 1]


def test_indicator_rows_on_synthetic_data():
    """Synthetic (made-up) shares fall 0.4 points per bydel number from 10 %: the first bydeler
    are above Oslo, the last below; one is suppressed and stays unclassified and unranked."""
    tidy = synthetic.tidy_table(small={"030105": 2})
    codes = list(config.BYDELER)
    tidy.loc[(tidy["geo_code"] == "030105") & (tidy["indicator_id"] == "uforetrygd"), "flag"] = (
        "prikket"
    )
    tidy.loc[tidy["flag"] == "prikket", ["value", "numerator", "ci_low", "ci_high"]] = math.nan
    cat = catalogue.load_catalogue()
    ind = cat.indicator("uforetrygd")
    rows = barometer.indicator_rows(tidy, ind)
    assert list(rows["geo_code"]) == codes
    assert rows["period"].unique().tolist() == ["2024"]
    oslo = rows["oslo_value"].iloc[0]
    by_code = rows.set_index("geo_code")
    assert by_code.loc["030105", "klass"] == SUPPRESSED
    assert pd.isna(by_code.loc["030105", "rank"])
    assert by_code.loc["030105", "n_ranked"] == 14
    # uføretrygd: lower is better; bydel 1 has 9.6 % ± 0.5 vs Oslo (about 7 %)
    assert oslo < by_code.loc["030101", "ci_low"]
    assert by_code.loc["030101", "klass"] == WORSE
    assert by_code.loc["030101", "rank"] == 1
    assert by_code.loc["030115", "klass"] == BETTER
    for r in rows.itertuples():
        if r.klass == SIMILAR:
            assert r.ci_low <= oslo <= r.ci_high


def test_city_barometer_and_grid_figure():
    tidy = synthetic.tidy_table()
    cat = catalogue.load_catalogue()
    grid = barometer.city_barometer(tidy, cat)
    assert set(grid["indicator_id"]) == {"uforetrygd"}  # only indicators with data
    assert len(grid) == len(config.BYDELER)
    assert {"area_title", "mal", "indicator_name", "klass"} <= set(grid.columns)
    fig = barometer.grid_figure(grid)
    assert fig.axes[0].get_legend() is not None
    c = barometer.counts(grid)
    assert c.to_numpy().sum() == len(config.BYDELER)
    table = barometer.bydel_table(grid, "030101")
    assert table.iloc[0]["Mot Oslo"] == "dårligere (\u2212)"
    assert table.iloc[0]["Rang (1 = høyest)"] == f"1 av {len(config.BYDELER)}"
    assert "bydelens 95 % konfidensintervall" in barometer.legend_markdown()


def test_report_cells_never_start_with_typst_markup():
    """Typst reads a line starting with "=" as a heading and "+" as a list item; pandoc's Typst
    writer does not escape them in table cells (a level-1 heading in a table broke the PDF)."""
    grid = barometer.city_barometer(synthetic.tidy_table(), catalogue.load_catalogue())
    cells = barometer.bydel_table(grid, "030108").to_numpy().ravel().tolist()
    cells += list(barometer.counts_table(grid).columns)
    assert not [c for c in cells if str(c).lstrip()[:1] in {"=", "+", "-", "*", "#"}]


def _uforetrygd_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    return barometer.indicator_rows(tidy, catalogue.load_catalogue().indicator("uforetrygd"))


def test_indicator_rows_columns_and_a_bydel_without_a_row():
    """Synthetic: Nordre Aker (030108) has no row at all; it is still listed, as ".." (not
    available), for the same period and indicator, unranked and not assessed. The columns are
    the tidy table's and the barometer's four, nothing else."""
    tidy = synthetic.tidy_table()
    tidy = tidy[~((tidy["geo_code"] == "030108") & (tidy["indicator_id"] == "uforetrygd"))]
    rows = _uforetrygd_rows(tidy)
    assert sorted(rows.columns) == sorted(
        [*config.TIDY_COLUMNS, "oslo_value", "rank", "n_ranked", "klass"]
    )
    assert list(rows["geo_code"]) == list(config.BYDELER)
    r = rows.set_index("geo_code").loc["030108"]
    assert (r["geo_name"], r["flag"], r["period"], r["indicator_id"]) == (
        "Nordre Aker",
        "..",
        "2024",
        "uforetrygd",
    )
    assert r["klass"] == NOT_ASSESSED and pd.isna(r["rank"]) and r["n_ranked"] == 14


def test_indicator_rows_without_an_oslo_value_assess_nothing():
    """Synthetic: without an Oslo row, or with Oslo's value suppressed, there is nothing to
    compare with: every bydel is "ikke vurdert", but still ranked."""
    tidy = synthetic.tidy_table()
    oslo = tidy["geo_code"] == config.OSLO_CODE
    suppressed = tidy.copy()
    suppressed.loc[oslo, ["value", "numerator", "ci_low", "ci_high"]] = math.nan
    suppressed.loc[oslo, "flag"] = "prikket"
    for table in (tidy[~oslo], suppressed):
        rows = _uforetrygd_rows(table)
        assert rows["oslo_value"].isna().all()
        assert set(rows["klass"]) == {NOT_ASSESSED}
        assert list(rows["rank"]) == list(range(1, 16))  # values fall with the bydel number


# ---------------------------------------------------------------------------------------------
# What the reader sees: the city grid, its counts, alt text, tables and the overview's section.
# Synthetic tables (tests/synthetic.py) and hand-built grids, NOT Oslo's numbers.
# ---------------------------------------------------------------------------------------------

#: Synthetic indicators from three innsatsområder, given out of catalogue order: the levekår two
#: with arbeidsavklaringspenger, sosialhjelp and lavinntekt (between them in the catalogue)
#: missing, a background indicator (no mål) and one that measures two mål.
SYNTHETIC_IDS = ("vaksinert_meslinger_2_ar", "sysselsetting_25_59", "barn_berort_sosialhjelp")


def _synthetic_tidy(*, with_uforetrygd: bool = True) -> pd.DataFrame:
    ids = (*SYNTHETIC_IDS, "uforetrygd") if with_uforetrygd else SYNTHETIC_IDS
    tidy = pd.concat([synthetic.tidy_table(i) for i in ids], ignore_index=True)
    # every table holds the same ranking variable's rows; keep one copy
    return tidy.drop_duplicates(["indicator_id", "geo_code", "period"], ignore_index=True)


def test_city_barometer_in_catalogue_order_with_the_catalogues_labels():
    """The rows of each indicator are its ``indicator_rows``; the grid lists the indicators in
    catalogue order (area, then catalogue position), whatever the table's order, skipping the
    ones without data, and labels them with the catalogue's area, mål, name, unit and polarity
    (written out here from data/indicators.yml)."""
    tidy = _synthetic_tidy()
    cat = catalogue.load_catalogue()
    grid = barometer.city_barometer(tidy, cat, "2023")
    expected = {
        "uforetrygd": (
            "levekar",
            "1 Levekår",
            "1.1",
            "Mottakere av uføretrygd",
            "per 100 innbyggere 18–66 år",
            "lower_is_better",
        ),
        "sysselsetting_25_59": (
            "levekar",
            "1 Levekår",
            "1.1",
            "Sysselsatte 25–59 år",
            "prosent av bosatte 25–59 år",
            "higher_is_better",
        ),
        "barn_berort_sosialhjelp": (
            "oppvekst_utdanning",
            "2 Oppvekst og utdanning",
            "bakgrunn",
            "Barn i familier som mottar sosialhjelp",
            "per 100 barn 0–17 år",
            "lower_is_better",
        ),
        "vaksinert_meslinger_2_ar": (
            "levevaner_helsetjenester",
            "5 Levevaner og helsetjenester",
            "5.3, 5.5",
            "Vaksinert mot meslinger, 2-åringer",
            "prosent av 2-åringene",
            "higher_is_better",
        ),
    }
    assert list(grid["indicator_id"].unique()) == list(expected)
    assert list(grid.index) == list(range(len(expected) * len(config.BYDELER)))
    labels = ["area", "area_title", "mal", "indicator_name", "unit_nb", "polarity"]
    for ind_id, values in expected.items():
        rows = grid[grid["indicator_id"] == ind_id]
        for column, value in zip(labels, values, strict=True):
            assert rows[column].tolist() == [value] * len(config.BYDELER), (ind_id, column)
        alone = barometer.indicator_rows(tidy, cat.indicator(ind_id), "2023")
        pd.testing.assert_frame_equal(rows.drop(columns=labels).reset_index(drop=True), alone)
    assert set(grid["period"]) == {"2023"}


def test_city_barometer_without_any_indicator_data_is_empty():
    """Only the ranking variable's rows: no available indicator has data, so the grid is an
    empty DataFrame (the overview then says that the barometer is empty)."""
    tidy = synthetic.tidy_table()
    tidy = tidy[tidy["indicator_id"] == "hoyere_utdanning_30_66"]
    grid = barometer.city_barometer(tidy, catalogue.load_catalogue())
    assert isinstance(grid, pd.DataFrame) and grid.empty


def _grid(classes: dict[str, list[str]], n: int) -> pd.DataFrame:
    """Hand-built grid (no numbers): ``n`` indicators i0..; the bydeler given, in the order
    given, with their classes indicator by indicator; the other bydeler are left out."""
    return pd.DataFrame(
        [
            {"geo_name": name, "indicator_id": f"i{k}", "klass": klasses[k]}
            for name, klasses in classes.items()
            for k in range(n)
        ]
    )


def test_counts_per_bydel_in_bydel_order_with_every_class():
    """Counted by hand from the grid below: rows in the catalogue's bydel order (not the grid's),
    only the bydeler in the grid; every class a column, in ``CLASSES`` order, 0 when unused."""
    grid = _grid(
        {
            "Stovner": [WORSE, WORSE, SIMILAR],
            "Frogner": [BETTER, SUPPRESSED, BETTER],
            "Alna": [HIGHER, NOT_ASSESSED, WORSE],
        },
        3,
    )
    c = barometer.counts(grid)
    assert list(c.columns) == list(barometer.CLASSES)
    assert list(c.index) == ["Frogner", "Stovner", "Alna"]
    assert c.to_numpy().tolist() == [
        # bedre, ingen klar forskjell, dårligere, høyere, lavere, prikket, ikke vurdert
        [2, 0, 0, 0, 0, 1, 0],
        [0, 1, 2, 0, 0, 0, 0],
        [0, 0, 1, 1, 0, 0, 1],
    ]


def test_grid_alt_names_the_bydeler_with_most_worse_and_most_better():
    """Hand-built grid of 3 indicators: Stovner 2 worse, Alna 1; Frogner 2 better. A tie goes to
    the first bydel in the catalogue's order (Grorud before Stovner)."""
    head = (
        "Rutenett med 3 indikatorer og 15 bydeler, hver rute merket bedre, ingen klar "
        "forskjell eller dårligere enn Oslo."
    )
    grid = _grid(
        {
            "Alna": [WORSE, SIMILAR, SIMILAR],
            "Stovner": [WORSE, WORSE, SIMILAR],
            "Frogner": [BETTER, BETTER, SIMILAR],
            "Ullern": [BETTER, SIMILAR, SIMILAR],
        },
        3,
    )
    assert barometer.grid_alt(grid) == (
        f"{head} Flest indikatorer dårligere enn Oslo: Stovner (2). "
        "Flest bedre enn Oslo: Frogner (2)."
    )
    tie = _grid({"Stovner": [WORSE, WORSE, SIMILAR], "Grorud": [WORSE, WORSE, BETTER]}, 3)
    assert barometer.grid_alt(tie) == (
        f"{head} Flest indikatorer dårligere enn Oslo: Grorud (2). "
        "Flest bedre enn Oslo: Grorud (1)."
    )
    # nothing worse, or nothing better, than Oslo: that part is left out, not "(0)"
    only_better = _grid({"Alna": [SIMILAR, BETTER, NOT_ASSESSED]}, 3)
    assert barometer.grid_alt(only_better) == f"{head} Flest bedre enn Oslo: Alna (1)."
    only_worse = _grid({"Alna": [SIMILAR, WORSE, SUPPRESSED]}, 3)
    assert barometer.grid_alt(only_worse) == (
        f"{head} Flest indikatorer dårligere enn Oslo: Alna (1)."
    )
    calm = _grid({"Alna": [SIMILAR, HIGHER, LOWER]}, 3)
    assert barometer.grid_alt(calm) == head


def _row(ind: str, **cells) -> dict:
    """One hand-built barometer row of Gamle Oslo (made-up numbers)."""
    row = {
        "geo_code": "030101",
        "geo_name": "Gamle Oslo",
        "indicator_id": ind,
        "indicator_name": f"Indikator {ind}",
        "unit_nb": "prosent",
        "period": "2024",
        "value": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "flag": "",
        "oslo_value": 10.0,
        "rank": pd.NA,
        "n_ranked": 14,
        "klass": NOT_ASSESSED,
    }
    return row | cells


def test_bydel_table_cells():
    """Each cell as the profile prints it (made-up rows): the estimate with its interval for a
    published value; a suppressed value is never printed, even with its number left in the row;
    the SSB symbol for a missing one; Oslo's value; the rank among the ranked bydeler; the class
    with its symbol. Other bydeler's rows are left out."""
    grid = pd.DataFrame(
        [
            _row(
                "a",
                value=12.345,
                ci_low=11.04,
                ci_high=13.66,
                rank=2,
                klass=WORSE,
                period=2024,
            ),
            _row("b", value=3.21, ci_low=2.0, ci_high=4.0, flag="prikket", klass=SUPPRESSED),
            _row("c", flag="..", oslo_value=math.nan),
            _row("d", value=7.0, ci_low=6.5, ci_high=7.5, rank=15, n_ranked=15, klass=SIMILAR),
            _row("e", geo_code="030102", geo_name="Grünerløkka", value=1.0, klass=BETTER),
        ]
    )
    grid["rank"] = grid["rank"].astype("Int64")
    table = barometer.bydel_table(grid, "030101")
    assert list(table.columns) == [
        "Indikator",
        "Periode",
        "Verdi (95 % KI)",
        "Oslo",
        "Rang (1 = høyest)",
        "Mot Oslo",
    ]
    assert table.to_numpy().tolist() == [
        ["Indikator a (prosent)", "2024", "12,3 (11,0–13,7)", "10,0", "2 av 14", "dårligere (−)"],
        ["Indikator b (prosent)", "2024", "prikket", "10,0", "", "prikket (p)"],
        ["Indikator c (prosent)", "2024", "..", "..", "", "ikke vurdert (·)"],
        [
            "Indikator d (prosent)",
            "2024",
            "7,0 (6,5–7,5)",
            "10,0",
            "15 av 15",
            "ingen klar forskjell (=)",
        ],
    ]
    two = barometer.bydel_table(grid, "030101", decimals=2)
    assert two.iloc[0].tolist()[2:4] == ["12,35 (11,04–13,66)", "10,00"]
    assert barometer.bydel_table(grid, "030199").empty


def test_counts_table_cells():
    """Counted by hand: bedre, ingen klar forskjell and dårligere always; høyere and lavere only
    when some bydel has them; suppressed and not assessed added together."""
    grid = _grid(
        {
            "Stovner": [WORSE, WORSE, SUPPRESSED, NOT_ASSESSED],
            "Frogner": [BETTER, SIMILAR, LOWER, SUPPRESSED],
        },
        4,
    )
    table = barometer.counts_table(grid)
    assert list(table.columns) == [
        "Bydel",
        "bedre (+)",
        "ingen klar forskjell (=)",
        "dårligere (−)",
        "lavere (L)",
        "Ikke vurdert (prikket, mangler)",
    ]
    assert table.to_numpy().tolist() == [
        ["Frogner", "1", "1", "0", "1", "1"],
        ["Stovner", "0", "0", "2", "0", "2"],
    ]
    higher = barometer.counts_table(_grid({"Alna": [HIGHER, SIMILAR]}, 2))
    assert higher.to_numpy().tolist() == [["Alna", "0", "1", "0", "1", "0"]]
    assert list(higher.columns)[4] == "høyere (H)"


def test_grid_figure_draws_each_class_where_the_reader_looks_for_it():
    """Hand-built grid of three indicators in two areas. Each cell (bydel j, indicator i) is the
    unit square at (j, i), in its class's colour, with its class's symbol at its centre; the first
    indicator is the top row; columns are labelled with the bydeler, rows with the indicator and
    its mål; one line separates the areas, each named beside its rows at the right; the legend
    has the three main classes and every other class drawn (a bydel without a row is drawn as
    not assessed, so the legend explains "·")."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    bydeler = list(config.BYDELER.values())
    special = {("i0", "Alna"): WORSE, ("i0", "Frogner"): BETTER, ("i1", "Sagene"): HIGHER}
    specs = [
        ("i0", "Indikator A", "1.1", "1 Levekår"),
        ("i1", "Indikator B", "bakgrunn", "1 Levekår"),
        ("i2", "Indikator C", "5.3, 5.5", "5 Levevaner og helsetjenester"),
    ]
    grid = pd.DataFrame(
        [
            {
                "geo_name": name,
                "indicator_id": ind,
                "indicator_name": label,
                "mal": mal,
                "area_title": area,
                "klass": special.get((ind, name), SIMILAR),
            }
            for ind, label, mal, area in specs
            for name in bydeler
            if (ind, name) != ("i2", "Ullern")  # no row: drawn as not assessed
        ]
    )
    expected = {
        (j, i): special.get(
            (ind, name), NOT_ASSESSED if (ind, name) == ("i2", "Ullern") else SIMILAR
        )
        for i, (ind, *_) in enumerate(specs)
        for j, name in enumerate(bydeler)
    }
    fig = barometer.grid_figure(grid)
    ax = fig.axes[0]
    cells = {
        (p.get_x(), p.get_y()): p
        for p in ax.patches
        if isinstance(p, Rectangle) and (p.get_width(), p.get_height()) == (1, 1)
    }
    assert set(cells) == set(expected)
    symbols = {}
    for t in ax.texts:
        x, y = t.get_position()
        if x < len(bydeler):
            symbols[(math.floor(x), math.floor(y))] = t
            assert (x % 1, t.get_ha(), t.get_va()) == (0.5, "center", "center")
            assert abs(y % 1 - 0.5) < 0.1
    assert set(symbols) == set(expected)
    for cell, klass in expected.items():
        look = barometer.LOOKS[klass]
        assert cells[cell].get_facecolor() == to_rgba(look.colour), (cell, klass)
        assert symbols[cell].get_text() == look.symbol, (cell, klass)
        assert to_rgba(symbols[cell].get_color()) == to_rgba(look.text_colour), (cell, klass)
    assert ax.get_xlim() == (0, len(bydeler)) and ax.get_ylim() == (3, 0)
    assert list(ax.get_xticks()) == [j + 0.5 for j in range(len(bydeler))]
    assert [t.get_text() for t in ax.get_xticklabels()] == bydeler
    assert list(ax.get_yticks()) == [0.5, 1.5, 2.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Indikator A (mål 1.1)",
        "Indikator B (bakgrunn)",
        "Indikator C (mål 5.3, 5.5)",
    ]
    separators = [line for line in ax.lines if isinstance(line, Line2D)]
    assert [tuple(line.get_ydata()) for line in separators] == [(2, 2)]
    areas = [t for t in ax.texts if t.get_position()[0] > len(bydeler)]
    assert [(t.get_text(), t.get_position()[1], t.get_ha()) for t in areas] == [
        ("1 Levekår", 1.0, "left"),
        ("5 Levevaner og helsetjenester", 2.5, "left"),
    ]
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Sammenlignet med Oslo (95 % KI)"
    assert [t.get_text() for t in legend.get_texts()] == [
        "+  bedre",
        "=  ingen klar forskjell",
        "\u2212  dårligere",
        "H  høyere",
        "·  ikke vurdert",
    ]
    colours = [to_rgba(h.get_facecolor()) for h in legend.legend_handles]
    assert colours == [
        to_rgba(barometer.LOOKS[k].colour) for k in (BETTER, SIMILAR, WORSE, HIGHER, NOT_ASSESSED)
    ]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_show_city_shows_the_figure_the_rule_and_the_counts(tmp_path, monkeypatch):
    """The overview's barometer section on synthetic tables: the grid saved under the overview's
    figures with its caption (the periods shown, joined) and alt text, the rule, then the counts
    table with its caption and label."""
    from helpers.present import report

    shown = []
    monkeypatch.setattr(report, "show", shown.append)
    monkeypatch.chdir(tmp_path)
    grid = barometer.city_barometer(_synthetic_tidy(), catalogue.load_catalogue())
    grid.loc[grid["indicator_id"] == "uforetrygd", "period"] = "2021–2022"
    barometer.show_city(grid, figures_dir="figs")
    assert (tmp_path / "figs" / "oversikt" / "barometer.png").is_file()
    caption = (
        "Barometer: hver bydel sammenlignet med Oslo, siste periode (2021–2022 og 2024). "
        "Indikatorene er gruppert etter innsatsområde og mål i strategien. Symbolet gjentar "
        "fargen: bedre (+), ingen klar forskjell (=) og dårligere (\u2212) enn Oslo."
    )
    alt = barometer.grid_alt(grid)
    assert alt.startswith("Rutenett med 4 indikatorer og 15 bydeler")
    assert shown[0] == (
        f'![{caption}](figs/oversikt/barometer.png){{#fig-oversikt-barometer fig-alt="{alt}"}}'
    )
    assert shown[1].startswith("**Slik leses barometeret.** Bydelens verdi sammenlignes med ")
    assert shown[1] == barometer.legend_markdown()
    table = text.markdown_table(barometer.counts_table(grid))
    assert shown[2] == (
        table.rstrip("\n") + "\n\n: Antall indikatorer der bydelen er bedre enn, på nivå med "
        "eller dårligere enn Oslo (etter regelen over). {#tbl-barometer-antall}\n"
    )
    assert len(shown) == 3


def test_show_city_of_an_empty_grid_says_so(tmp_path, monkeypatch):
    from helpers.present import report

    shown = []
    monkeypatch.setattr(report, "show", shown.append)
    monkeypatch.chdir(tmp_path)
    barometer.show_city(pd.DataFrame(), figures_dir="figs")
    assert shown == ["Ingen indikatorer har bydelstall ennå, så barometeret er tomt."]
    assert not (tmp_path / "figs").exists()


def test_show_city_run_by_hand_saves_the_grid_in_the_scratch_folder(tmp_path, monkeypatch):
    """Without ``figures_dir`` (a notebook run by hand) the grid goes to the scratch folder
    (``config.scratch_dir()``), never into the build."""
    from helpers.present import report

    monkeypatch.setattr(report, "show", lambda markdown: None)
    monkeypatch.setenv("OSLOHELSA_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.chdir(tmp_path)
    grid = barometer.city_barometer(_synthetic_tidy(), catalogue.load_catalogue())
    barometer.show_city(grid)
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png")] == [
        "scratch/figures/oversikt/barometer.png"
    ]
