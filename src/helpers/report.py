"""What a notebook cell shows: captioned figures, tables and bokmål findings as Markdown outputs.

Quarto and the embedded renderer both read an executed notebook's ``text/markdown`` outputs as
Markdown, so a figure is saved as a PNG next to the executed notebook and shown as
``![caption](figures/…png){#fig-… fig-alt="…"}``: numbered "Figur N.M" with its alt text in HTML
and PDF alike, however many indicators an area has. Paths are written relative to the kernel's
working directory, which is the notebook's own folder both in Jupyter and under papermill.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from helpers import config, text
from helpers.catalogue import Catalogue, Indicator
from helpers.gradient import IndicatorResult

_DIRECTION = {
    "higher_is_better": "høyere verdi er bedre",
    "lower_is_better": "lavere verdi er bedre",
    "context_dependent": "retningen avhenger av tolkning",
}


def slug(value: str) -> str:
    """ASCII identifier for labels and file names: ``"Grünerløkka 2"`` → ``"grunerlokka-2"``."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ü": "u", "é": "e"})
    return re.sub(r"[^a-z0-9]+", "-", value.lower().translate(table)).strip("-")


def show(markdown: str) -> None:
    """Display Markdown as a cell output (the report's text comes from here)."""
    display(Markdown(markdown))


def figures_path(figures_dir: str | Path = "") -> Path:
    """The notebook parameter ``figures_dir``: "" means ``build/notebooks/figures``; relative
    paths are taken from the kernel's working directory (the executed notebook's folder)."""
    if not str(figures_dir):
        return config.build_notebooks_dir() / "figures"
    return Path.cwd() / figures_dir


def figure(
    fig: plt.Figure,
    name: str,
    caption: str,
    alt: str,
    *,
    folder: str = "",
    figures_dir: str | Path = "",
) -> None:
    """Save ``fig`` as PNG under the figures folder and show it with caption and alt text."""
    figures = figures_path(figures_dir) / folder
    figures.mkdir(parents=True, exist_ok=True)
    path = figures / f"{slug(name)}.png"
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    rel = Path(os.path.relpath(path, Path.cwd())).as_posix()
    label = slug(f"{folder}-{name}")
    alt = alt.replace('"', "'")
    show(f'![{caption}]({rel}){{#fig-{label} fig-alt="{alt}"}}')


def bydel_table(result: IndicatorResult, decimals: int = 1) -> pd.DataFrame:
    """Bydel values in rank order with intervals, then Oslo; suppressed values print "prikket"."""
    rows = []
    for _, row in result.table.iterrows():
        rows.append(_table_row(row, str(int(row["order"]))))
    if result.oslo is not None:
        rows.append(_table_row(result.oslo, "", name=f"**{config.OSLO_NAME}**", decimals=decimals))
    return pd.DataFrame(
        rows,
        columns=[
            "Rang",
            "Bydel",
            result.indicator.unit_nb.capitalize(),
            "95 % KI",
            "Teller",
            "Nevner",
        ],
    )


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


def finding(result: IndicatorResult) -> str:
    """One or two bokmål sentences stating the finding with numbers."""
    ind, extremes = result.indicator, result.extremes()
    if extremes is None:
        return (
            f"Det finnes ingen publiserbare bydelstall for {ind.name_nb.lower()} i {result.period}."
        )
    lo, hi = extremes
    unit = ind.unit_nb
    oslo = (
        f"{text.number(result.oslo['value'])} {unit} i Oslo i {result.period}, "
        if result.oslo is not None and pd.notna(result.oslo["value"])
        else f"{result.period}: "
    )
    first = (
        f"{ind.name_nb}: {oslo}fra {text.number(lo['value'])} i {lo['geo_name']} "
        f"til {text.number(hi['value'])} i {hi['geo_name']}."
    )
    if result.sii is None:
        return first
    s = result.sii
    direction = "høyere" if s.sii >= 0 else "lavere"
    certain = (s.sii_lower > 0) or (s.sii_upper < 0)
    sii_unit = "prosentpoeng" if ind.unit == "percent" else unit
    second = (
        f" Langs hele den sosiale gradienten er verdien {text.number(abs(s.sii))} {sii_unit} "
        f"{direction} i den mest ressurssvake enn i den mest ressurssterke enden "
        f"(SII {text.estimate(s.sii, s.sii_lower, s.sii_upper)}; "
        f"RII {text.estimate(s.rii, s.rii_lower, s.rii_upper, 2)})"
    )
    second += "." if certain else ", men intervallet omfatter null: forskjellen er usikker."
    return first + second


def indicator_section(
    result: IndicatorResult, geo: pd.DataFrame, area: str, *, figures_dir: str | Path = ""
) -> None:
    """Heading, map, gradient chart, trend, table and finding for one indicator."""
    ind = result.indicator
    show(
        f"## {ind.name_nb} {{#sec-{slug(ind.id)}}}\n\n"
        f"{ind.denominator_text()}. Mål {text.join_names(ind.mal)} i strategien; "
        f"{_DIRECTION.get(ind.polarity, '')}. Kilde: {ind.source_text()}."
        + (f"\n\n*Merk:* {ind.note_nb}" if ind.note_nb else "")
    )
    show(finding(result))
    from helpers import plots  # local: plots imports matplotlib styles on first use

    plots.use_style()
    where = f"{ind.name_nb}, {result.period}"
    figure(
        plots.choropleth(geo, result),
        f"{ind.id}-kart",
        f"{where}, etter bydel ({ind.unit_nb}). Mørkere farge er ugunstig. {_excluded(result)}",
        f"Kart over Oslos bydeler farget etter {ind.name_nb.lower()}; {_range_alt(result)}",
        folder=area,
        figures_dir=figures_dir,
    )
    from helpers import maps_interactive  # HTML only: Typst drops the raw HTML

    maps_interactive.show(geo, result)
    if result.sii is not None:
        figure(
            plots.gradient_chart(result),
            f"{ind.id}-gradient",
            f"{where} etter bydelenes sosioøkonomiske rang. Linjen er SII-regresjonen, "
            "det skraverte området 95 % konfidensintervall for helningen; "
            "punktstørrelse viser befolkningen.",
            f"Punktdiagram av {ind.name_nb.lower()} mot sosioøkonomisk rang med regresjonslinje; "
            f"SII {text.number(result.sii.sii)}.",
            folder=area,
            figures_dir=figures_dir,
        )
    if result.trend is not None:
        first, last = result.trend.iloc[0], result.trend.iloc[-1]
        figure(
            plots.trend_chart(result),
            f"{ind.id}-trend",
            f"{ind.name_nb}: SII per år med 95 % konfidensintervall (fast rangering fra "
            f"{result.ranking.year}). Positiv SII betyr høyere verdi i den ressurssvake enden.",
            f"Linjediagram av SII fra {int(first['year_end'])} ({text.number(first['sii'])}) "
            f"til {int(last['year_end'])} ({text.number(last['sii'])}).",
            folder=area,
            figures_dir=figures_dir,
        )
    show(
        text.markdown_table(
            bydel_table(result),
            caption=f"{where}, etter bydel i rangorden (1 = mest ressurssvak). {_excluded(result)}",
            label=slug(f"{area}-{ind.id}"),
            widths=[6, 24, 16, 18, 16, 16],
        )
    )
    show(summary_line(result))


def _excluded(result: IndicatorResult) -> str:
    if not result.excluded:
        return ""
    return (
        f"Prikket eller mangler, og holdt utenfor beregningene: {text.join_names(result.excluded)}."
    )


def _range_alt(result: IndicatorResult) -> str:
    extremes = result.extremes()
    if extremes is None:
        return "ingen publiserte verdier."
    lo, hi = extremes
    return (
        f"lavest i {lo['geo_name']} ({text.number(lo['value'])}), "
        f"høyest i {hi['geo_name']} ({text.number(hi['value'])})."
    )


def summary_line(result: IndicatorResult) -> str:
    """Inequality measures in one bullet list: SII, RII, RCI, rate ratio, trend."""
    if result.circular:
        return (
            f"Ingen ulikhetsmål: bydelene er rangert etter {result.ranking.name_nb.lower()}, "
            "som er den samme eller en overlappende indikator, så gradienten ville vært sirkulær."
        )
    parts = []
    if result.sii is not None:
        s = result.sii
        parts.append(f"- SII: {text.estimate(s.sii, s.sii_lower, s.sii_upper)} (95 % KI)")
        parts.append(f"- RII: {text.estimate(s.rii, s.rii_lower, s.rii_upper, 2)}")
    if result.rci is not None and pd.notna(result.rci.estimate):
        r = result.rci
        parts.append(
            "- Relativ konsentrasjonsindeks (RCI): "
            f"{text.estimate(r.estimate, r.lowerci, r.upperci, 3)}"
        )
    if result.poisson is not None:
        p = result.poisson
        model = {"negative_binomial": "negativ binomisk", "quasipoisson": "kvasi-Poisson"}.get(
            p.model, "Poisson"
        )
        parts.append(
            f"- Rateratio, mest ressurssvake mot mest ressurssterke ende ({model}-modell): "
            f"{text.estimate(p.rate_ratio, p.lower, p.upper, 2)}"
        )
    if result.gap_trend is not None:
        g = result.gap_trend
        years = f"{g.years[0]}–{g.years[-1]}"
        # The model's slope runs from the disadvantaged (rank 0) to the advantaged end; the
        # report's orientation is the reverse (positive = higher at the disadvantaged end).
        what = "log-rateratio" if g.scale == "log_rate" else "SII"
        change = text.estimate(-g.slope_change, -g.upper, -g.lower, 3)
        parts.append(
            f"- Utvikling {years}: {text.trend_word(g.narrowing)} "
            f"(endring i {what} per år: {change})"
        )
    if not parts:
        return "For få bydeler med publiserte tall til å beregne ulikhetsmål."
    return "\n".join(parts) + "\n"


def planned_section(planned: list[Indicator]) -> None:
    """List the planned indicators of an area with the public table that would supply them."""
    if not planned:
        return
    rows = [[ind.name_nb, text.join_names(ind.mal), ind.planned_source_text()] for ind in planned]
    show(
        "## Planlagte indikatorer\n\n"
        "Disse indikatorene følger målene i strategien, men det finnes ennå ingen åpen kopi av "
        "bydelstallene i prosjektets data. De vises ikke med tall før dataene er hentet fra kilden."
    )
    show(
        text.markdown_table(
            pd.DataFrame(rows, columns=["Indikator", "Mål", "Kilde (planlagt)"]),
            caption="Planlagte indikatorer og kildene som skal levere dem.",
            widths=[30, 8, 62],
        )
    )


def area_intro(catalogue: Catalogue, area: str) -> None:
    """What the chapter holds, the area's vision and its mål from the strategy.

    The chapter's title is not shown here: the build gives every executed chapter its title as
    front matter (Quarto would number a second level-1 heading as a chapter of its own)."""
    entry = catalogue.area(area)
    n_available = len(catalogue.available(area))
    holds = (
        f"Kapittelet viser {n_available} indikator{'er' if n_available > 1 else ''} med kart, "
        "sosial gradient og tabell, og deretter de planlagte indikatorene."
        if n_available
        else "Prosjektet har ennå ingen åpne bydelstall for dette innsatsområdet. Kapittelet "
        "viser målene og indikatorene som er planlagt, med kildene som skal levere dem."
    )
    lines = [f"- **{g.nr}** {g.text_nb}" for g in entry.goals]
    show(
        f"Innsatsområde {entry.number} i Folkehelsestrategi for Oslo 2023–2030. {holds}\n\n"
        f"{entry.vision_nb}\n\n**Mål i strategien:**\n\n" + "\n".join(lines)
    )


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
            good, bad = lo, hi  # neutral: lowest and highest value
            best = f"{good['geo_name']} ({text.number(good['value'])})"
            worst = f"{bad['geo_name']} ({text.number(bad['value'])})"
        s = res.sii
        rows.append(
            [
                f"{ind.name_nb} ({ind.unit_nb})",
                res.period,
                text.number(oslo),
                best,
                worst,
                text.estimate(s.sii, s.sii_lower, s.sii_upper) if s else "",
                text.estimate(s.rii, s.rii_lower, s.rii_upper, 2) if s else "",
            ]
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Indikator",
            "Periode",
            "Oslo",
            "Lavest verdi",
            "Høyest verdi",
            "SII (95 % KI)",
            "RII (95 % KI)",
        ],
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
        source = ind.source_text() if ind.status == "available" else ind.planned_source_text()
        rows.append([area, ind.name_nb, _STATUS.get(ind.status, ind.status), source])
    return pd.DataFrame(rows, columns=["Område", "Indikator", "Status", "Kilde"])


def coverage_text(catalogue: Catalogue) -> str:
    """How many indicators per area have data, in one bokmål paragraph."""
    parts = []
    for area in config.AREAS:
        entry = catalogue.area(area)
        n_av, n_pl = len(catalogue.available(area)), len(catalogue.planned(area))
        parts.append(f"{entry.title_nb}: {n_av} med data, {n_pl} planlagt")
    return (
        "## Dekning\n\nAntall indikatorer per innsatsområde — "
        + "; ".join(parts)
        + ". Planlagte indikatorer mangler en åpen kopi av bydelstallene og vises uten tall "
        "i sitt kapittel, sammen med kilden som skal levere dem."
    )
