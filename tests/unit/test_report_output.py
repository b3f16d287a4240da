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
