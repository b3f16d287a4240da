"""helpers.present.report and helpers.present.plots on synthetic tables (tests/synthetic.py, not
Oslo's numbers)."""

import re

import matplotlib
from synthetic import tidy_table

from helpers import config
from helpers.ingest import geo
from helpers.present import plots, report, tables, text
from helpers.stats import gradient

matplotlib.use("Agg")  # plain pytest process, not a kernel


# cat, result (uføretrygd's section) and shown: tests/conftest.py


def test_bydel_table_prints_prikket_and_oslo(result):
    table = tables.bydel_table(result)
    assert len(table) == len(config.BYDELER) + 1 and table.iloc[-1]["Bydel"] == "**Oslo**"
    row = table[table["Bydel"] == "Vestre Aker"].iloc[0]
    assert row.iloc[2] == "prikket" and row["Teller"] == "" and row["95 % KI"] == ""


def test_finding_has_numbers_with_decimal_comma(result):
    sentence = report.finding(result)
    assert "SII" in sentence and "RII" in sentence
    assert re.search(r"\d,\d", sentence) and not re.search(r"\d\.\d", sentence)
    assert "Vestre Aker" not in sentence  # suppressed bydel is never named with a value


def test_figure_writes_png_and_captioned_markdown(tmp_path, monkeypatch, shown):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    fig, _ = plt.subplots()
    report.figure(
        fig, "Kart Grünerløkka", "Tekst", 'Alt "sitat"', folder="levekar", figures_dir="figures"
    )
    assert (tmp_path / "figures" / "levekar" / "kart-grunerlokka.png").is_file()
    assert shown == [
        "![Tekst](figures/levekar/kart-grunerlokka.png)"
        "{#fig-levekar-kart-grunerlokka fig-alt=\"Alt 'sitat'\"}"
    ]


def test_indicator_section_shows_map_gradient_trend_table(result, tmp_path, monkeypatch, shown):
    monkeypatch.chdir(tmp_path)
    bydeler = geo.load_bydeler(include_other=True)
    report.indicator_section(result, bydeler, "levekar", figures_dir="figs")
    md = "\n".join(shown)
    assert md.startswith("## Mottakere av uføretrygd")
    assert md.count("![") == 3  # map, gradient, trend
    assert "{#tbl-levekar-uforetrygd}" in md
    assert "Små tall er prikket og holdt utenfor beregningene: Vestre Aker" in md
    assert len(list((tmp_path / "figs" / "levekar").glob("*.png"))) == 3


def test_choropleth_legend_uses_decimal_comma_and_marks_suppressed(result):
    bydeler = geo.load_bydeler(include_other=True)
    fig = plots.choropleth(bydeler, result)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("prikket" in lab for lab in labels)
    numeric = [lab for lab in labels if re.search(r"\d", lab)]
    assert numeric and all("," in lab and "." not in lab for lab in numeric)
    assert fig.axes[0].get_legend().get_title().get_text() == result.indicator.unit_nb


def test_class_breaks_never_more_than_distinct_values():
    import pandas as pd

    assert len(plots.class_breaks(pd.Series([1.0, 1.0, 2.0]))) == 2
    assert len(plots.class_breaks(pd.Series(range(15)), k=5)) == 5


def test_planned_section_lists_sources(cat, shown):
    report.planned_section(cat.planned("klima_miljo"))
    assert shown[0].startswith("## Planlagte indikatorer")
    assert len(shown[1].splitlines()) >= 2 + len(cat.planned("klima_miljo"))


def test_overview_and_coverage(cat, result):
    table = tables.overview_table([result])
    assert table.loc[0, tables.OVERVIEW_SII].count(",") >= 2
    assert "Klima og miljø: 0 med data" in report.coverage_text(cat)


def test_summary_line_lists_measures(result):
    lines = report.summary_line(result).splitlines()
    assert lines[0].startswith("- SII") and any("RCI" in x for x in lines)
    assert text.MISSING not in lines[0]


def test_summary_line_explains_circular_ranking(cat):
    """Synthetic: ranking low income by itself gives no gradient, and the text says why."""
    tidy = tidy_table("lavinntekt_husholdninger")
    ranking = gradient.rank_bydeler(tidy, cat, "lavinntekt_husholdninger", 2024)
    res = gradient.analyse_indicator(
        tidy, cat.indicator("lavinntekt_husholdninger"), ranking, repetitions=1000
    )
    # the ranking's name is the indicator's name_nb in data/indicators.yml, in lower case
    assert report.summary_line(res) == (
        "Ingen ulikhetsmål: bydelene er rangert etter husholdninger med lavinntekt, som er den "
        "samme eller en overlappende indikator, så gradienten ville vært sirkulær."
    )


def test_summary_line_reports_gap_trend_in_report_orientation(cat):
    """Synthetic: the share's slope over the bydeler flattens each year (-0.6, -0.5, -0.4 points
    per bydel), so the gap narrows and the SII-oriented change per year is negative."""
    import pandas as pd

    tidy = pd.concat(
        [tidy_table(years=(y,), slope=b) for y, b in ((2022, -0.6), (2023, -0.5), (2024, -0.4))],
        ignore_index=True,
    )
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)
    line = [x for x in report.summary_line(res).splitlines() if "Utvikling" in x][0]
    assert line.startswith("- Utvikling 2022–2024: den relative forskjellen har blitt mindre")
    assert f"log-rateratio per år: {text.MINUS}" in line
    assert (res.trend["sii"].diff().dropna() < 0).all()


def test_overview_labels_are_neutral(result):
    """Issue 14: "høyest"/"lavest verdi", never "beste"/"svakeste bydel"."""
    table = tables.overview_table([result])
    assert {"Lavest verdi", "Høyest verdi"} <= set(table.columns)
    assert not any("svakeste" in c.lower() or "beste" in c.lower() for c in table.columns)
    lo, hi = result.extremes()
    assert table.loc[0, "Lavest verdi"].startswith(lo["geo_name"])
    assert table.loc[0, "Høyest verdi"].startswith(hi["geo_name"])
