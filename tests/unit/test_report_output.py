"""What an indicator's section shows, word for word, and the report's tables cell by cell
(helpers.present.report and helpers.present.tables; mutation tests, issue 16).

SYNTHETIC data only (tests/synthetic.py, not Oslo's numbers): uføretrygd's share falls 0.4
points per bydel number from 10 % (bydel i: 10 − 0.4·i per 100, denominator 10 000 + 1 000·i),
with Vestre Aker (no. 7) given 2 cases, so it is suppressed, and Søndre Nordstrand (no. 15,
the smallest remaining count, 1 000) suppressed as the secondary cell.
"""

from __future__ import annotations

import dataclasses

import matplotlib
import pandas as pd
from synthetic import tidy_table

from helpers import config
from helpers.catalogue.entries import Gap
from helpers.ingest import geo
from helpers.present import report, tables, text
from helpers.stats import gradient, no_counts

matplotlib.use("Agg")  # plain pytest process, not a kernel

SUPPRESSED = "Små tall er prikket og holdt utenfor beregningene: Vestre Aker og Søndre Nordstrand."
DENOMINATOR = (
    "Nevneren er bosatte 18–66 år per 1.1.2025 (befolkningstabellene OK-BEF004/OK-BEF005)."
)


# cat, result (uføretrygd's section) and shown: tests/conftest.py


def test_indicator_section_word_for_word(cat, result, tmp_path, monkeypatch, shown):
    """Heading with the catalogue's texts; the finding; map, gradient and trend figures with
    caption and alt text; the bydel table with its note; the measures. Lowest published value
    Nordstrand (no. 14: 10 − 5,6 = 4,4), highest Gamle Oslo (no. 1: 9,6)."""
    monkeypatch.chdir(tmp_path)
    ind = cat.indicator("uforetrygd")
    report.indicator_section(
        result, geo.load_bydeler(include_other=True), "levekar", figures_dir="f"
    )
    first, last = result.trend.iloc[0], result.trend.iloc[-1]
    assert (int(first["year_end"]), int(last["year_end"])) == (2022, 2024)
    assert [str(s) for s in shown] == [
        f"## Mottakere av uføretrygd {{#sec-uforetrygd}}\n\n{ind.denominator_text()}. Mål 1.1 i "
        f"strategien; lavere verdi er bedre. Kilde: {ind.source_text()}.\n\n*Merk:* {ind.note_nb}",
        report.finding(result),
        "![Mottakere av uføretrygd, 2024, etter bydel (per 100 innbyggere 18–66 år). Mørkere "
        f"farge er ugunstig. {SUPPRESSED}](f/levekar/uforetrygd-kart.png)"
        '{#fig-levekar-uforetrygd-kart fig-alt="Kart over Oslos bydeler farget etter mottakere '
        'av uføretrygd; lavest i Nordstrand (4,4), høyest i Gamle Oslo (9,6)."}',
        "![Mottakere av uføretrygd, 2024 etter bydelenes sosioøkonomiske rang. Linjen er "
        "SII-regresjonen (beregnet på logit-skala), det skraverte området 95 % "
        "konfidensintervall for helningen med variasjonen mellom bydelene; punktstørrelse viser "
        "befolkningen.](f/levekar/uforetrygd-gradient.png)"
        '{#fig-levekar-uforetrygd-gradient fig-alt="Punktdiagram av mottakere av uføretrygd mot '
        f'sosioøkonomisk rang med regresjonslinje; SII {text.number(result.sii.sii)}."}}',
        "![Mottakere av uføretrygd: SII per år med 95 % konfidensintervall med variasjonen "
        "mellom bydelene (fast rangering fra 2024). Positiv SII betyr høyere verdi i den "
        "ressurssvake enden.](f/levekar/uforetrygd-trend.png)"
        '{#fig-levekar-uforetrygd-trend fig-alt="Linjediagram av SII fra 2022 '
        f'({text.number(first["sii"])}) til 2024 ({text.number(last["sii"])})."}}',
        text.markdown_table(
            tables.bydel_table(result),
            caption="Mottakere av uføretrygd, 2024, etter bydel i rangorden (1 = mest "
            f"ressurssvak). {DENOMINATOR} {SUPPRESSED}",
            label="levekar-uforetrygd",
            widths=[6, 24, 16, 18, 16, 16],
        ),
        report.summary_line(result),
    ]
    assert sorted(p.name for p in (tmp_path / "f" / "levekar").iterdir()) == [
        "uforetrygd-gradient.png",
        "uforetrygd-kart.png",
        "uforetrygd-trend.png",
    ]


def test_indicator_section_without_note_gradient_or_trend(
    cat, result, tmp_path, monkeypatch, shown
):
    """An indicator without a note, whose gradient was not computed and which has one year: no
    "Merk", no gradient or trend figure (the same result, with those parts taken away)."""
    monkeypatch.chdir(tmp_path)
    ind = dataclasses.replace(cat.indicator("uforetrygd"), note_nb="")
    bare = dataclasses.replace(result, indicator=ind, measures={}, trend=None)
    report.indicator_section(bare, geo.load_bydeler(include_other=True), "levekar", figures_dir="f")
    assert str(shown[0]).endswith(f"Kilde: {ind.source_text()}.")
    assert [s[:30] for s in map(str, shown[2:3])] == ["![Mottakere av uføretrygd, 202"]
    assert str(shown[3]).startswith("| ") and len(shown) == 5
    assert [p.name for p in (tmp_path / "f" / "levekar").iterdir()] == ["uforetrygd-kart.png"]


def test_table_note_says_who_was_suppressed_or_missing(cat, result):
    """The note under the bydel table: the denominator's date, then the suppressed bydeler (and
    Oslo, when its own value is suppressed) and the ones missing from the source; "Ingen tall
    måtte prikkes." when none was suppressed."""
    assert report.table_note(result) == f"{DENOMINATOR} {SUPPRESSED}"
    table = result.table.copy()
    published = table["flag"].eq("")
    table.loc[~published, "flag"] = ""
    table.loc[~published, "value"] = 5.0
    clean = dataclasses.replace(result, table=table)
    assert report.table_note(clean) == f"{DENOMINATOR} Ingen tall måtte prikkes."
    # Alna without a value (".." from the source); Grorud without a value and without a symbol
    table.loc[table["geo_name"] == "Alna", ["flag", "value"]] = ["..", float("nan")]
    table.loc[table["geo_name"] == "Grorud", "value"] = float("nan")
    table.loc[table["geo_name"] == "Bjerke", ["flag", "value"]] = ["prikket", float("nan")]
    oslo = result.oslo.copy()
    oslo["flag"] = "prikket"
    hidden = dataclasses.replace(result, table=table, oslo=oslo)
    order = list(table["geo_name"])
    missing = sorted(["Alna", "Grorud"], key=order.index)
    assert report.table_note(hidden) == (
        f"{DENOMINATOR} Små tall er prikket og holdt utenfor beregningene: Bjerke og Oslo. "
        f"Mangler i kilden og holdt utenfor beregningene: {text.join_names(missing)}."
    )
    no_oslo = dataclasses.replace(result, oslo=None)
    assert report.table_note(no_oslo) == f"{DENOMINATOR} {SUPPRESSED}"


def test_table_note_of_a_published_share_says_whose_value_it_is(cat, result):
    """Sosialhjelp's value is Oslo kommune's published share: the note says so first, then the
    population it is a share of (2024: the whole population per 1.1.2024)."""
    ind = cat.indicator("sosialhjelp")
    res = dataclasses.replace(result, indicator=ind)
    assert report.table_note(res) == (
        "Andelen er Oslo kommunes publiserte andel (OK-STØ020, én desimal), og telleren er "
        "kildens antall mottakere. Kilden publiserer ikke nevneren; befolkningstallet prosjektet "
        "bruker som vekt, gir ikke nøyaktig den publiserte andelen og vises derfor ikke. "
        f"Befolkningen som andelen gjelder, er hele befolkningen per 1.1.2024. {SUPPRESSED}"
    )


def test_range_alt(result):
    assert report._range_alt(result) == "lavest i Nordstrand (4,4), høyest i Gamle Oslo (9,6)."
    table = result.table.assign(flag="prikket", value=float("nan"))
    none = dataclasses.replace(result, table=table)
    assert report._range_alt(none) == "ingen publiserte verdier."


def test_break_caption_names_a_break_inside_the_years_shown(cat):
    """Synthetic 2013–2015: uføretrygd's break (2015, the first year of the new series) is the
    last year shown, so the caption names it; 2015–2017 starts with it and 2012–2014 ends
    before it: nothing is said."""
    reason = cat.indicator("uforetrygd").latest_break.reason_nb

    def caption(years):
        tidy = tidy_table(years=years)
        ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", years[-1])
        ind = cat.indicator("uforetrygd")
        return report._break_caption(
            gradient.analyse_indicator(tidy, ind, ranking, repetitions=1000)
        )

    assert caption((2013, 2014, 2015)) == (
        f" Den stiplede linjen markerer bruddet i serien i 2015 ({reason}); tallene før og "
        "etter er ikke direkte sammenlignbare."
    )
    assert caption((2015, 2016, 2017)) == ""
    assert caption((2012, 2013, 2014)) == ""


# --- tables ------------------------------------------------------------------------------------


def test_bydel_table_cells_in_rank_order_then_oslo(result):
    """Rank order (1 = lowest share with higher education, Gamle Oslo); values, intervals
    (± 0,5 in the synthetic table), counts and denominators; suppressed rows print "prikket"
    with no interval or count but their denominator; Oslo last, in bold, without a rank."""
    table = tables.bydel_table(result)
    assert list(table.columns) == [
        "Rang",
        "Bydel",
        "Per 100 innbyggere 18–66 år",
        "95 % KI",
        "Teller",
        "Nevner",
    ]
    nb = text.NBSP
    rows = table.to_numpy().tolist()
    assert rows[0] == ["1", "Gamle Oslo", "9,6", "9,1–10,1", f"1{nb}056", f"11{nb}000"]
    assert rows[6] == ["7", "Vestre Aker", "prikket", "", "", f"17{nb}000"]
    assert rows[13] == ["14", "Nordstrand", "4,4", "3,9–4,9", f"1{nb}056", f"24{nb}000"]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 16)] + [""]
    # Oslo: the sum of the bydeler's counts (16 018 of 270 000 = 5,93 %)
    assert rows[15] == ["", "**Oslo**", "5,9", "5,4–6,4", f"16{nb}018", f"270{nb}000"]


def test_bydel_table_decimals_apply_to_every_row(result):
    """``decimals`` sets the precision of the bydeler's values and intervals as well as
    Oslo's (it used to reach only Oslo's row)."""
    rows = tables.bydel_table(result, decimals=2).to_numpy().tolist()
    assert rows[0][2:4] == ["9,60", "9,10–10,10"]
    assert rows[-1][2:4] == ["5,93", "5,43–6,43"]


def test_bydel_table_of_a_published_share_hides_the_denominator(cat, result):
    """Sosialhjelp: the value is the publisher's, so our population count is not printed as its
    denominator (every Nevner cell empty, Oslo's too)."""
    res = dataclasses.replace(result, indicator=cat.indicator("sosialhjelp"))
    table = tables.bydel_table(res)
    assert table.columns[2] == "Prosent av befolkningen"
    assert set(table["Nevner"]) == {""}
    assert table.iloc[0]["Teller"] == f"1{text.NBSP}056"


def test_bydel_table_with_standardised_rates(result):
    """A standardised rate beside each published crude value (made-up rates 100 + bydel
    number, Oslo 50), empty beside a suppressed one, at the table's precision."""
    codes = list(config.BYDELER)
    std = pd.DataFrame(
        {
            "geo_code": [*codes, config.OSLO_CODE],
            "value": [100.0 + i for i in range(1, 16)] + [50.0],
        }
    )
    res = dataclasses.replace(result, standardised=std)
    table = tables.bydel_table(res)
    assert list(table.columns)[2:5] == [
        "Per 100 innbyggere 18–66 år",
        tables.STANDARDISED_COLUMN,
        "95 % KI",
    ]
    by_name = table.set_index("Bydel")[tables.STANDARDISED_COLUMN]
    assert by_name["Gamle Oslo"] == "101,0" and by_name["Nordstrand"] == "114,0"
    assert by_name["Vestre Aker"] == "" and by_name["**Oslo**"] == "50,0"
    two = tables.bydel_table(res, decimals=2).set_index("Bydel")[tables.STANDARDISED_COLUMN]
    assert two["Gamle Oslo"] == "101,00"


def test_ranking_table(cat):
    """Synthetic ranking variable: 20 + 3·i % with higher education in bydel no. i, so rank i
    is bydel i."""
    ranking = gradient.rank_bydeler(tidy_table(), cat, "hoyere_utdanning_30_66", 2024)
    table = tables.ranking_table(ranking)
    column = "Andel 30–66 år med høyere utdanning (2024), prosent"
    assert list(table.columns) == ["Rang", "Bydel", column]
    assert table.to_numpy().tolist() == [
        [str(i), name, text.number(20.0 + 3 * i)]
        for i, name in enumerate(config.BYDELER.values(), start=1)
    ]


def test_catalogue_table(cat):
    """One row per catalogue indicator in catalogue order: the area's title (or the hovedmål of
    an overarching indicator), the name, "med data" or "planlagt", and the source."""
    table = tables.catalogue_table(cat)
    assert list(table.columns) == ["Område", "Indikator", "Status", "Kilde"]
    assert len(table) == len(cat.indicators)
    rows = table.set_index("Indikator")
    assert rows.loc["Mottakere av uføretrygd"].tolist() == [
        "Levekår",
        "med data",
        cat.indicator("uforetrygd").any_source.text_nb(),
    ]
    assert rows.loc["Forventet levealder ved fødsel"].tolist()[:2] == ["Hovedmål 1", "planlagt"]
    assert table["Indikator"].tolist() == [i.name_nb for i in cat.indicators]
    assert set(table["Status"]) == {"med data", "planlagt"}


def test_indicator_section_of_standardised_rates_and_of_values_without_counts(
    cat, result, tmp_path, monkeypatch, shown
):
    """The same synthetic result, (a) with made-up standardised rates (the crude ones + 1): the
    gradient caption says so and the table gets its seventh column; (b) as values without
    counts: no_counts' captions, the table cut to rank, bydel and value, and the note that the
    source gives no counts (so no interval)."""
    monkeypatch.chdir(tmp_path)
    bydeler = geo.load_bydeler(include_other=True)
    cols = ["geo_code", "value", "ci_low", "ci_high"]
    rows = pd.concat([result.table[cols], result.oslo[cols].to_frame().T], ignore_index=True)
    std = rows.assign(**{c: rows[c].astype(float) + 1 for c in cols[1:]})
    standardised = dataclasses.replace(result, standardised=std)
    report.indicator_section(standardised, bydeler, "levekar", figures_dir="f")
    gradient_markup = next(s for s in shown if "uforetrygd-gradient" in s)
    assert gradient_markup.startswith(
        "![Mottakere av uføretrygd, 2024 etter bydelenes sosioøkonomiske rang, "
        "aldersstandardiserte rater. Linjen er SII-regresjonen (beregnet på logit-skala), "
    )
    table = next(s for s in shown if s.startswith("| "))
    assert table == text.markdown_table(
        tables.bydel_table(standardised),
        caption="Mottakere av uføretrygd, 2024, etter bydel i rangorden (1 = mest "
        f"ressurssvak). {DENOMINATOR} {SUPPRESSED}",
        label="levekar-uforetrygd",
        widths=[6, 22, 13, 14, 17, 14, 14],
    )
    shown.clear()
    values = dataclasses.replace(result, counts=False)
    report.indicator_section(values, bydeler, "levekar", figures_dir="g")
    where = "Mottakere av uføretrygd, 2024"
    markup = [str(s) for s in shown if s.startswith("![")]
    assert markup[1].startswith(f"![{no_counts.gradient_caption(values, where)}](")
    assert markup[2].startswith(f"![{no_counts.trend_caption(values)}](")
    table = next(s for s in shown if s.startswith("| "))
    assert table == text.markdown_table(
        tables.bydel_table(values).iloc[:, :3],
        caption="Mottakere av uføretrygd, 2024, etter bydel i rangorden (1 = mest "
        f"ressurssvak). {DENOMINATOR} {SUPPRESSED} Kilden oppgir ikke antall, så det er "
        "ingen KI.",
        label="levekar-uforetrygd",
        widths=[10, 45, 45],
    )


def test_gradient_caption_on_the_natural_scale_names_no_scale(result, tmp_path, monkeypatch, shown):
    """A line fitted on the natural scale (``transform`` "": a mean, or ``transform=False``)
    says nothing about a scale; the synthetic logit fit with its transform taken away."""
    monkeypatch.chdir(tmp_path)
    fit = dataclasses.replace(result.fit, transform="")
    natural = dataclasses.replace(result, measures={**result.measures, "fit": fit})
    report.indicator_section(natural, geo.load_bydeler(include_other=True), "levekar")
    markup = next(str(s) for s in shown if "uforetrygd-gradient" in s)
    assert markup.startswith(
        "![Mottakere av uføretrygd, 2024 etter bydelenes sosioøkonomiske rang. Linjen er "
        "SII-regresjonen, det skraverte området 95 % konfidensintervall"
    )


def test_indicator_section_run_by_hand_saves_figures_in_the_scratch_folder(
    result, tmp_path, monkeypatch, shown
):
    """Without ``figures_dir`` (a notebook run by hand) the figures go to the scratch folder
    (``config.scratch_dir()``), never into the build."""
    monkeypatch.setenv("OSLOHELSA_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.chdir(tmp_path)
    report.indicator_section(result, geo.load_bydeler(include_other=True), "levekar")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png")) == [
        f"scratch/figures/levekar/uforetrygd-{k}.png" for k in ("gradient", "kart", "trend")
    ]


def test_break_caption_of_two_breaks_and_of_no_trend(cat, result):
    """Made-up breaks in 2023 and 2024 (instead of uføretrygd's 2015 one), both inside the
    synthetic 2022–2024 trend: both named, one sentence each; without a trend (one year) there
    is nothing to mark."""
    from helpers.catalogue import SeriesBreak

    breaks = (SeriesBreak(2023, "ny definisjon"), SeriesBreak(2024, "nytt register"))
    ind = dataclasses.replace(cat.indicator("uforetrygd"), series_breaks=breaks)
    both = dataclasses.replace(result, indicator=ind)
    assert report._break_caption(both) == (
        " Den stiplede linjen markerer bruddet i serien i 2023 (ny definisjon); tallene før og "
        "etter er ikke direkte sammenlignbare. Den stiplede linjen markerer bruddet i serien i "
        "2024 (nytt register); tallene før og etter er ikke direkte sammenlignbare."
    )
    assert report._break_caption(dataclasses.replace(both, trend=None)) == ""


def test_bydel_table_never_prints_a_suppressed_value_or_count(result):
    """Defence in depth: a suppressed row whose value and count were left in the table (by a
    mistake upstream) still prints only "prikket" and its denominator; a published value
    without a count (a source without counts) prints an empty Teller cell, not "..". Made-up
    numbers put into the synthetic table."""
    table = result.table.copy()
    vestre_aker = table["geo_name"] == "Vestre Aker"
    table.loc[vestre_aker, ["value", "numerator", "ci_low", "ci_high"]] = [0.1, 2.0, 0.0, 0.3]
    table.loc[table["geo_name"] == "Gamle Oslo", "numerator"] = float("nan")
    rows = tables.bydel_table(dataclasses.replace(result, table=table)).to_numpy().tolist()
    nb = text.NBSP
    assert rows[6] == ["7", "Vestre Aker", "prikket", "", "", f"17{nb}000"]
    assert rows[0] == ["1", "Gamle Oslo", "9,6", "9,1–10,1", "", f"11{nb}000"]


def test_bydel_table_standardised_without_oslo_and_beside_a_value_without_interval(result):
    """Made-up standardised rates (100 + bydel number): without an Oslo row the table has only
    the 15 bydeler; a crude value printed without its interval still gets its standardised
    rate (the column follows the value cell, not the interval cell)."""
    std = pd.DataFrame(
        {"geo_code": list(config.BYDELER), "value": [100.0 + i for i in range(1, 16)]}
    )
    table = result.table.copy()
    table.loc[table["geo_name"] == "Gamle Oslo", ["ci_low", "ci_high"]] = float("nan")
    res = dataclasses.replace(result, table=table, standardised=std, oslo=None)
    rows = tables.bydel_table(res).to_numpy().tolist()
    assert len(rows) == 15
    assert rows[0][1:5] == ["Gamle Oslo", "9,6", "101,0", ".."]


def test_bydel_table_row_without_a_denominator_prints_an_empty_cell(result):
    """A row whose source gives no denominator (made-up: Gamle Oslo's taken out of the
    synthetic table) prints an empty Nevner cell, neither ".." nor anything else."""
    table = result.table.copy()
    table.loc[table["geo_name"] == "Gamle Oslo", "denominator"] = float("nan")
    rows = tables.bydel_table(dataclasses.replace(result, table=table)).to_numpy().tolist()
    nb = text.NBSP
    assert rows[0] == ["1", "Gamle Oslo", "9,6", "9,1–10,1", f"1{nb}056", ""]
    assert rows[1][-1] == f"12{nb}000"


def test_overview_widths_are_the_fixed_ones_then_one_per_measure():
    """The five fixed columns' widths as set, then ``MEASURE_WIDTH`` for each measure column."""
    n = len(tables.overview_table([]).columns) - 5
    assert n >= 1
    assert tables.overview_widths() == [22, 9, 6, 13, 13] + [13] * n


# --- a fetched indicator's table note ---------------------------------------------------------


def test_table_note_of_a_fetched_indicator_names_the_cases_without_a_bydel(
    cat, result, tmp_path, monkeypatch
):
    """MSIS's covid-19 cases: the note says how many of Oslo's cases in the section's year count
    for no bydel, with the indicator's own threshold. MADE-UP MSIS file (tests/synthetic.py,
    ``msis_csv``): in 2021 Ukjent bydel had 90 − 50 = 40 of Oslo's 6 949 cases (0,6 %), Sentrum
    and Marka 12 − 5 + 4 − 2 = 9 (0,1 %); with the threshold 10, 9 is "færre enn 10" and gets no
    share. 2022 ends before 28 December in the file, so it has no note."""
    import synthetic

    from helpers.ingest import fetch
    from helpers.pipeline import loaders

    # as if `make data` had fetched the file: the loaders register it when it is there
    (tmp_path / "msis_covid19_kommune_bydel.csv").write_bytes(synthetic.msis_csv())
    monkeypatch.setattr(config, "DATA_RAW", tmp_path)
    monkeypatch.setattr(loaders, "FETCHED_SPECS", fetch.fetched_indicators())
    assert list(loaders.FETCHED_SPECS) == ["covid19_tilfeller"]
    ind = dataclasses.replace(cat.indicator("covid19_tilfeller"), min_numerator=10)
    res = dataclasses.replace(result, indicator=ind, period="2021")
    assert report.table_note(res) == (
        f"Av 6{text.NBSP}949 meldte tilfeller i Oslo i 2021 hadde 40 (0,6{text.NBSP}%) ukjent "
        "bydel, og færre enn 10 gjaldt Sentrum eller Marka; de er med i tallet for Oslo, men "
        f"ikke i noen bydel. {SUPPRESSED}"
    )
    assert report.table_note(dataclasses.replace(res, period="2022")) == SUPPRESSED


# --- labels, Markdown for Jupyter, display objects, figures -------------------------------------


def test_slug_is_lower_case_ascii_with_single_hyphens():
    """Norwegian letters and ü, é spelt in ASCII; every other run of characters one hyphen;
    none at either end."""
    assert report.slug("Grünerløkka 2") == "grunerlokka-2"
    assert report.slug("  Æsj, Øst-Åsen/Café!! ") == "aesj-ost-asen-cafe"
    assert report.slug("levekar-Mottakere av uføretrygd") == "levekar-mottakere-av-uforetrygd"
    assert report.slug("ÆØÅÜÉ æøåüé") == "aeoaue-aeoaue"


def test_for_jupyter_drops_quarto_attributes_only():
    """Headings lose ``{#sec-…}``, a table caption becomes an italic "Tabell:" line without
    ``{#tbl-…}``, an image loses its ``{#fig-… fig-alt=…}``; other text is left alone."""
    markdown = (
        "## Mottakere av uføretrygd {#sec-uforetrygd}\n\n"
        "Tekst med {krøllparentes} og ## midt i.\n\n"
        "| A |\n|--:|\n| 1 |\n\n"
        ": Tabell med merke {#tbl-levekar-x}\n\n"
        ": Tabell uten merke\n\n"
        '![Et kart](figures/kart.png){#fig-kart fig-alt="Alt-tekst"}\n'
        "### Uten attributter"
    )
    assert report.for_jupyter(markdown) == (
        "## Mottakere av uføretrygd\n\n"
        "Tekst med {krøllparentes} og ## midt i.\n\n"
        "| A |\n|--:|\n| 1 |\n\n"
        "*Tabell: Tabell med merke*\n\n"
        "*Tabell: Tabell uten merke*\n\n"
        "![Et kart](figures/kart.png)\n"
        "### Uten attributter"
    )


def test_output_gives_quarto_markup_when_rendering_and_plain_markdown_in_jupyter(monkeypatch):
    heading = report.Output("## Overskrift {#sec-x}")
    monkeypatch.setenv(config.RENDERING_ENV, "1")
    assert heading._repr_mimebundle_() == {"text/markdown": "## Overskrift {#sec-x}"}
    assert repr(heading) == "## Overskrift {#sec-x}"
    monkeypatch.setenv(config.RENDERING_ENV, "0")
    assert heading._repr_mimebundle_() == {"text/markdown": "## Overskrift"}
    assert repr(heading) == "## Overskrift"


def test_figure_output_is_the_markup_when_rendering_and_the_image_in_jupyter(tmp_path, monkeypatch):
    """In Jupyter: the PNG's bytes base64-encoded (b"abc" is "YWJj"), in an HTML figure with the
    alt text and caption escaped, and as image/png; under the build only the Markdown."""
    path = tmp_path / "kart.png"
    path.write_bytes(b"abc")
    markup = '![Kart <1>](kart.png){#fig-kart fig-alt="Alt"}'
    out = report.FigureOutput(markup, path=str(path), caption="Kart <1>", alt='Alt "a" & b')
    assert out == markup and out.path == path
    monkeypatch.setenv(config.RENDERING_ENV, "1")
    assert out._repr_mimebundle_() == {"text/markdown": markup}
    assert repr(out) == markup
    monkeypatch.delenv(config.RENDERING_ENV)
    assert out._repr_mimebundle_() == {
        "text/html": '<figure style="margin:0"><img src="data:image/png;base64,YWJj" '
        'alt="Alt &quot;a&quot; &amp; b" style="max-width:100%"/>'
        "<figcaption><em>Figur: Kart &lt;1&gt;</em></figcaption></figure>",
        "image/png": "YWJj",
    }
    assert repr(out) == "Figur: Kart <1>"


def test_show_displays_report_markdown_as_an_output(monkeypatch):
    """Plain text is wrapped in an Output; an Output (a figure's) is displayed as it is."""
    displayed = []
    monkeypatch.setattr(report, "display", displayed.append)
    report.show("## A")
    figure = report.FigureOutput("![A](a.png)", path="a.png", caption="A", alt="a")
    report.show(figure)
    assert len(displayed) == 2
    assert type(displayed[0]) is report.Output and displayed[0] == "## A"
    assert displayed[1] is figure


def test_figures_path_is_the_scratch_folder_or_below_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("OSLOHELSA_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.chdir(tmp_path)
    assert report.figures_path() == tmp_path / "scratch" / "figures"
    assert report.figures_path("") == tmp_path / "scratch" / "figures"
    assert report.figures_path("figures") == tmp_path / "figures"
    assert report.figures_path(config.ROOT) == config.ROOT


def test_figure_saves_a_reproducible_png_closes_only_its_figure_and_shows_it(
    tmp_path, monkeypatch, shown
):
    """The folders are made as needed, also twice over; the PNG has no "Software" entry (the
    same figure gives the same bytes whatever matplotlib's version); only the figure shown is
    closed; the display object carries the file, caption and alt text (double quotes made
    single, since the alt text sits inside a quoted attribute). Without ``folder`` the figure
    lies directly in the figures folder and its label is its name's."""
    import matplotlib.pyplot as plt
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    fig = plt.figure()
    other = plt.figure()  # the current figure: must stay open
    report.figure(fig, "Kart 1", "Tekst", 'Alt "sitat"', folder="a/b", figures_dir="f/g")
    report.figure(plt.figure(), "Kart 2", "Tekst 2", "Alt 2", folder="a/b", figures_dir="f/g")
    report.figure(plt.figure(), "Kart 3", "Tekst 3", "Alt 3", figures_dir="f/g")
    path = tmp_path / "f" / "g" / "a" / "b" / "kart-1.png"
    assert not plt.fignum_exists(fig.number) and plt.fignum_exists(other.number)
    plt.close(other)
    with Image.open(path) as png:
        assert "Software" not in png.info
    assert [str(s) for s in shown] == [
        "![Tekst](f/g/a/b/kart-1.png){#fig-a-b-kart-1 fig-alt=\"Alt 'sitat'\"}",
        '![Tekst 2](f/g/a/b/kart-2.png){#fig-a-b-kart-2 fig-alt="Alt 2"}',
        '![Tekst 3](f/g/kart-3.png){#fig-kart-3 fig-alt="Alt 3"}',
    ]
    assert (shown[0].path, shown[0].caption, shown[0].alt) == (path, "Tekst", "Alt 'sitat'")
    assert isinstance(shown[0], report.FigureOutput)


# --- chapter texts from the catalogue ------------------------------------------------------------


def test_planned_section_lists_name_mal_and_source(cat, shown):
    """A background indicator (no mål) is "bakgrunn", two mål are joined; no planned indicator:
    nothing is shown."""
    planned = [
        cat.indicator(i)
        for i in (
            "barn_vedvarende_lavinntekt_0_17",
            "psykiske_symptomer_lidelser_primaerhelsetjeneste",
        )
    ]
    report.planned_section(planned)
    assert shown[0] == (
        "## Planlagte indikatorer\n\nDisse indikatorene følger målene i strategien, men det "
        "finnes ennå ingen åpen kopi av bydelstallene i prosjektets data. De vises ikke med tall "
        "før dataene er hentet fra kilden."
    )
    expected = pd.DataFrame(
        [
            [planned[0].name_nb, "bakgrunn", planned[0].planned_source.text_nb()],
            [planned[1].name_nb, "5.3 og 5.5", planned[1].planned_source.text_nb()],
        ],
        columns=["Indikator", "Mål", "Kilde (planlagt)"],
    )
    assert shown[1] == text.markdown_table(
        expected,
        caption="Planlagte indikatorer og kildene som skal levere dem.",
        widths=[30, 8, 62],
    )
    assert len(shown) == 2
    shown.clear()
    report.planned_section([])
    assert shown == []


def _with_available(cat, area, keep):
    """The shipped catalogue with only ``keep`` left of ``area``'s available indicators."""
    indicators = tuple(
        i for i in cat.indicators if i.area != area or i.status != "available" or i.id in keep
    )
    return dataclasses.replace(cat, indicators=indicators)


def test_area_intro_counts_the_indicators_and_lists_the_mal(cat, shown):
    """Levekår with its five available indicators ("indikatorer"), with one ("indikator") and
    with two ("indikatorer"), and Klima og miljø with none (the other sentence); each time the
    vision, the mål, and the mål without data when there are any."""
    entry = cat.area("levekar")
    mal = "\n".join(f"- **1.{k}** {cat.goal(f'1.{k}').text_nb}" for k in range(1, 6))
    n = sum(i.area == "levekar" and i.status == "available" for i in cat.indicators)
    assert n > 1
    report.area_intro(cat, "levekar")
    assert shown == [
        f"Innsatsområde 1 i Folkehelsestrategi for Oslo 2023–2030. Kapittelet viser {n} "
        "indikatorer med kart, sosial gradient og tabell, og deretter de planlagte "
        f"indikatorene.\n\n{entry.vision_nb}\n\n**Mål i strategien:**\n\n{mal}",
        report.goals_without_data(cat, "levekar"),
    ]
    shown.clear()
    report.area_intro(_with_available(cat, "levekar", {"uforetrygd"}), "levekar")
    assert shown[0].startswith(
        "Innsatsområde 1 i Folkehelsestrategi for Oslo 2023–2030. Kapittelet viser 1 indikator "
        "med kart, sosial gradient og tabell, og deretter de planlagte indikatorene.\n\n"
    )
    shown.clear()
    report.area_intro(_with_available(cat, "levekar", {"uforetrygd", "sosialhjelp"}), "levekar")
    assert shown[0].startswith(
        "Innsatsområde 1 i Folkehelsestrategi for Oslo 2023–2030. Kapittelet viser 2 indikatorer "
    )
    shown.clear()
    report.area_intro(cat, "klima_miljo")
    assert shown[0].startswith(
        "Innsatsområde 4 i Folkehelsestrategi for Oslo 2023–2030. Prosjektet har ennå ingen "
        "åpne bydelstall for dette innsatsområdet. Kapittelet viser målene og indikatorene som "
        f"er planlagt, med kildene som skal levere dem.\n\n{cat.area('klima_miljo').vision_nb}"
    )


def test_area_intro_without_mal_lacking_data_shows_one_output(cat, shown):
    """An area whose every mål has an indicator with data (Levekår cut to mål 1.1, which
    uføretrygd measures): no list of mål without data."""
    entry = dataclasses.replace(cat.area("levekar"), mal=(cat.goal("1.1"),), gaps=())
    areas = tuple(entry if a.id == "levekar" else a for a in cat.areas)
    one_goal = dataclasses.replace(cat, areas=areas)
    assert report.goals_without_data(one_goal, "levekar") == ""
    report.area_intro(one_goal, "levekar")
    assert len(shown) == 1 and shown[0].endswith(
        f"**Mål i strategien:**\n\n- **1.1** {entry.mal[0].text_nb}"
    )


def test_goals_without_data_each_with_its_note_and_planned_indicators(cat):
    """Levekår with its gaps replaced by one made-up note (extra white space) for mål 1.2, which
    also has a planned indicator: the note, then "Planlagt: …"; 1.3 and 1.4 (no note now, nothing
    planned) bare; 1.5 only its planned indicator; 1.1 has data and is left out."""
    note = "  Ingen   tall\n  per bydel. "
    entry = dataclasses.replace(cat.area("levekar"), gaps=(Gap("1.2", note),))
    changed = dataclasses.replace(
        cat, areas=tuple(entry if a.id == "levekar" else a for a in cat.areas)
    )
    label = {nr: cat.goal(nr).label_nb for nr in ("1.2", "1.3", "1.4", "1.5")}
    assert report.goals_without_data(changed, "levekar") == (
        "**Mål uten indikator med tall i rapporten:**\n\n"
        f"- **{label['1.2']}**: Ingen tall per bydel. Planlagt: "
        f"{cat.indicator('bor_trangt').name_nb}.\n"
        f"- **{label['1.3']}**\n"
        f"- **{label['1.4']}**\n"
        f"- **{label['1.5']}**: Planlagt: {cat.indicator('anmeldt_vold_mishandling').name_nb}."
    )
    trygg = [
        cat.indicator(i).name_nb for i in ("trygt_naermiljo_ungdom", "trygghet_naermiljo_voksne")
    ]
    assert f"Planlagt: {trygg[0]} og {trygg[1]}.\n" in report.goals_without_data(
        cat, "nabolag_moteplasser"
    )


def test_coverage_text_counts_every_area(cat):
    """One part per area in the strategy's order, counts taken from the catalogue's statuses."""
    parts = []
    for area in config.AREAS:
        ours = [i for i in cat.indicators if i.area == area]
        n_av = sum(i.status == "available" for i in ours)
        n_pl = sum(i.status == "planned" for i in ours)
        parts.append(f"{cat.area(area).title_nb}: {n_av} med data, {n_pl} planlagt")
    assert parts[3] == "Klima og miljø: 0 med data, 5 planlagt"
    assert report.coverage_text(cat) == (
        "## Dekning\n\nAntall indikatorer per innsatsområde — "
        + "; ".join(parts)
        + ". Planlagte indikatorer mangler en åpen kopi av bydelstallene og vises uten tall i "
        "sitt kapittel, sammen med kilden som skal levere dem."
    )


def test_period_note_names_every_indicator_of_the_areas_without_the_period(cat, shown):
    """Synthetic tidy table (tests/synthetic.py): uføretrygd 2022–2024, sysselsetting 2024 only,
    nothing else. For 2023 and the areas Levekår and Nabolag og møteplasser, every other
    available indicator of both is named, in catalogue order, with the periods it has."""
    tidy = pd.concat(
        [tidy_table("uforetrygd"), tidy_table("sysselsetting_25_59", years=(2024,))],
        ignore_index=True,
    ).drop_duplicates(["indicator_id", "geo_code", "period", "sex", "age_group"])
    report.period_note(tidy, cat, ["levekar", "nabolag_moteplasser"], 2023)
    name = {
        i: cat.indicator(i).name_nb
        for i in (
            "arbeidsavklaringspenger",
            "sosialhjelp",
            "lavinntekt_husholdninger",
            "valgdeltakelse",
        )
    }
    assert shown == [
        f"*Ikke tall for 2023:* {name['arbeidsavklaringspenger']} (ingen tall), "
        f"{name['sosialhjelp']} (ingen tall), {name['lavinntekt_husholdninger']} (ingen tall), "
        f"Sysselsatte 25–59 år (har tall for 2024) og {name['valgdeltakelse']} (ingen tall)."
    ]
    shown.clear()
    report.period_note(tidy, cat, "levekar", 2024)
    assert shown == [
        f"*Ikke tall for 2024:* {name['arbeidsavklaringspenger']} (ingen tall), "
        f"{name['sosialhjelp']} (ingen tall) og {name['lavinntekt_husholdninger']} (ingen tall)."
    ]
    shown.clear()
    report.period_note(tidy[tidy["indicator_id"] != "sysselsetting_25_59"], cat, [], 2023)
    assert shown == []


def test_indicator_section_table_and_measures_with_the_figures_left_out(
    cat, result, monkeypatch, shown
):
    """The bydel table (caption, label, widths) and the measures, for crude rates, with made-up
    standardised rates (the crude ones + 1: a seventh column) and as values without counts; the
    drawing is replaced by a recorder (the figures are checked word for word above), so the
    section's text is checked in a second or two."""
    from helpers.present import maps_interactive, plots

    figures = []
    for draw in ("choropleth", "gradient_chart", "trend_chart"):
        monkeypatch.setattr(plots, draw, lambda *args, _d=draw: _d)
    monkeypatch.setattr(maps_interactive, "show", lambda *args: None)
    monkeypatch.setattr(
        report, "figure", lambda fig, name, caption, alt, **kw: figures.append((fig, name, alt, kw))
    )
    cols = ["geo_code", "value", "ci_low", "ci_high"]
    rows = pd.concat([result.table[cols], result.oslo[cols].to_frame().T], ignore_index=True)
    std = rows.assign(**{c: rows[c].astype(float) + 1 for c in cols[1:]})
    caption = (
        "Mottakere av uføretrygd, 2024, etter bydel i rangorden (1 = mest ressurssvak). "
        f"{DENOMINATOR} {SUPPRESSED}"
    )
    cases = [
        (result, tables.bydel_table(result), caption, [6, 24, 16, 18, 16, 16]),
        (
            dataclasses.replace(result, standardised=std),
            tables.bydel_table(dataclasses.replace(result, standardised=std)),
            caption,
            [6, 22, 13, 14, 17, 14, 14],
        ),
        (
            dataclasses.replace(result, counts=False),
            tables.bydel_table(result).iloc[:, :3],
            caption + " Kilden oppgir ikke antall, så det er ingen KI.",
            [10, 45, 45],
        ),
    ]
    for res, table, table_caption, widths in cases:
        shown.clear()
        figures.clear()
        report.indicator_section(res, None, "levekar", figures_dir="f")
        assert shown[-2:] == [
            text.markdown_table(
                table, caption=table_caption, label="levekar-uforetrygd", widths=widths
            ),
            report.summary_line(res),
        ]
        assert len(shown) == 4
        assert [f[:2] for f in figures] == [
            ("choropleth", "uforetrygd-kart"),
            ("gradient_chart", "uforetrygd-gradient"),
            ("trend_chart", "uforetrygd-trend"),
        ]
        assert {str(f[3]) for f in figures} == {"{'folder': 'levekar', 'figures_dir': 'f'}"}
    first, last = result.trend.iloc[0], result.trend.iloc[-1]
    assert figures[2][2] == (
        f"Linjediagram av SII fra 2022 ({text.number(first['sii'])}) til 2024 "
        f"({text.number(last['sii'])})."
    )


def test_figure_without_figures_dir_goes_to_the_scratch_folder(tmp_path, monkeypatch, shown):
    """A notebook run by hand (no ``figures_dir``): the PNG goes to the scratch folder and the
    markup points there, relative to the working directory."""
    import matplotlib.pyplot as plt

    monkeypatch.setenv("OSLOHELSA_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.chdir(tmp_path)
    report.figure(plt.figure(), "Kart", "Tekst", "Alt", folder="levekar")
    assert (tmp_path / "scratch" / "figures" / "levekar" / "kart.png").is_file()
    assert shown == ['![Tekst](scratch/figures/levekar/kart.png){#fig-levekar-kart fig-alt="Alt"}']


def test_figure_keeps_what_sticks_out_of_the_figure(tmp_path, monkeypatch, shown):
    """The PNG is cut to what is drawn (``bbox_inches="tight"``): a label placed to the right of
    a 4 × 3 inch figure saved at 100 dpi is kept, so the image is wider than the figure's
    400 px. (The dpi is pinned here: the report's style, once imported, saves at 150 dpi.)"""
    import matplotlib.pyplot as plt
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(1.6, 0.5, "etikett utenfor figuren", transform=ax.transAxes)
    with matplotlib.rc_context({"savefig.dpi": 100}):
        report.figure(fig, "Kart", "Tekst", "Alt", figures_dir="f")
    with Image.open(tmp_path / "f" / "kart.png") as png:
        assert png.size[0] > 400
