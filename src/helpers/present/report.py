"""What a notebook cell shows: captioned figures, tables and bokmål findings as Markdown outputs.

Quarto and the embedded renderer both read an executed notebook's ``text/markdown`` outputs as
Markdown, so a figure is saved as a PNG next to the executed notebook and shown as
``![caption](figures/…png){#fig-… fig-alt="…"}``: numbered "Figur N.M" with its alt text in HTML
and PDF alike, however many indicators an area has. Paths are written relative to the kernel's
working directory, which is the notebook's own folder both in Jupyter and under papermill.

That markup is for the renderers. Outputs are display objects (:class:`Output`,
:class:`FigureOutput`) that give it only in notebooks the build executes
(``config.rendering()``); in Jupyter the same call shows the image with its caption, and
headings and tables without Quarto's attributes (``{#sec-…}``, ``{#tbl-…}``), which Jupyter
would print as literal text.
"""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from helpers import config
from helpers.catalogue import Catalogue, Indicator
from helpers.pipeline import denominators, loaders
from helpers.present import tables, text
from helpers.stats import measures, no_counts, standardise
from helpers.stats.gradient import IndicatorResult

_DIRECTION = {
    "higher_is_better": "høyere verdi er bedre",
    "lower_is_better": "lavere verdi er bedre",
    "context_dependent": "retningen avhenger av tolkning",
}


def slug(value: str) -> str:
    """ASCII identifier for labels and file names: ``"Grünerløkka 2"`` → ``"grunerlokka-2"``."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ü": "u", "é": "e"})
    return re.sub(r"[^a-z0-9]+", "-", value.lower().translate(table)).strip("-")


# Pandoc attributes Jupyter cannot read: `## Heading {#sec-x}`, `: caption {#tbl-x}`, `{…}` after
# an image. Quarto needs them; in Jupyter they would show as literal text.
_HEADING_ATTR = re.compile(r"^(#{1,6} .*?)[ \t]*\{[^{}\n]*\}[ \t]*$", re.M)
_TABLE_CAPTION = re.compile(r"^: (.+?)(?:[ \t]*\{#tbl-[^{}\n]*\})?[ \t]*$", re.M)
_IMAGE_ATTR = re.compile(r"(!\[[^\]]*\]\([^)]*\))\{[^{}]*\}")


def for_jupyter(markdown: str) -> str:
    """The report's Markdown without Quarto-only markup, for reading in Jupyter."""
    markdown = _HEADING_ATTR.sub(r"\1", markdown)
    markdown = _TABLE_CAPTION.sub(r"*Tabell: \1*", markdown)
    return _IMAGE_ATTR.sub(r"\1", markdown)


class Output(str):
    """Report Markdown as a display object: Quarto's markup when the build renders the notebook
    (``config.rendering()``), the same text without Quarto-only attributes in Jupyter."""

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        text = str(self) if config.rendering() else for_jupyter(str(self))
        return {"text/markdown": text}

    def __repr__(self) -> str:  # IPython's text/plain (a str subclass would print quoted)
        return str(self) if config.rendering() else for_jupyter(str(self))


class FigureOutput(Output):
    """A saved figure: ``![caption](path){#fig-… fig-alt="…"}`` for the renderers; in Jupyter
    the image itself (embedded PNG) with its caption and alt text."""

    def __new__(cls, markdown: str, *, path: Path, caption: str, alt: str) -> FigureOutput:
        obj = super().__new__(cls, markdown)
        obj.path, obj.caption, obj.alt = Path(path), caption, alt
        return obj

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        if config.rendering():
            return super()._repr_mimebundle_(include, exclude)
        png = base64.b64encode(self.path.read_bytes()).decode("ascii")
        figure = (
            f'<figure style="margin:0"><img src="data:image/png;base64,{png}" '
            f'alt="{html.escape(self.alt)}" style="max-width:100%"/>'
            f"<figcaption><em>Figur: {html.escape(self.caption)}</em></figcaption></figure>"
        )
        return {"text/html": figure, "image/png": png}

    def __repr__(self) -> str:
        return str(self) if config.rendering() else f"Figur: {self.caption}"


def show(markdown: str) -> None:
    """Display Markdown as a cell output (the report's text comes from here)."""
    display(markdown if isinstance(markdown, Output) else Output(markdown))


def figures_path(figures_dir: str | Path = "") -> Path:
    """The notebook parameter ``figures_dir``: "" means the scratch folder
    (``config.scratch_dir()``, never ``build/``: a notebook run by hand leaves the report
    alone); relative paths are taken from the kernel's working directory (the executed
    notebook's folder). The build passes ``figures_dir="figures"``."""
    if not str(figures_dir):
        return config.scratch_dir() / "figures"
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
    markup = f'![{caption}]({rel}){{#fig-{label} fig-alt="{alt}"}}'
    show(FigureOutput(markup, path=path, caption=caption, alt=alt))


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
        f"{text.number(result.oslo['value'])} {unit} i Oslo i {result.period}; "
        if result.oslo is not None and pd.notna(result.oslo["value"])
        else f"{result.period}: "
    )
    low, high = (text.extreme_text(result.published, e["value"]) for e in (lo, hi))
    first = f"{ind.name_nb}: {oslo}lavest i {low} og høyest i {high}."
    if not result.counts:
        return first + no_counts.gradient_sentence(result)
    if result.standardised is not None:
        first += " " + standardised_sentence(result)
    if result.sii is None or result.fit is None:
        return first
    return first + " " + gradient_sentence(result)


def standardised_sentence(result: IndicatorResult) -> str:
    """Which rate the gradient uses, and the standardised extremes (ties named as ties)."""
    std = result.standardised
    pub = result.published[["geo_code", "geo_name"]].merge(std, on="geo_code")
    lo, hi = pub["value"].min(), pub["value"].max()

    def names(v: float) -> str:
        tied = pub.loc[text.tied_at(pub["value"], v), "geo_name"]
        return text.named_values(tied, v)

    return (
        f"Fordi {result.indicator.name_nb.lower()} øker sterkt med alderen, er "
        f"bydelene også sammenlignet med aldersstandardiserte rater (standard: "
        f"{standardise.STANDARD_NB}): lavest i {names(lo)} og høyest i {names(hi)}. "
        "Gradienten nedenfor bygger på de aldersstandardiserte ratene."
    )


#: Which gap a trend model measures: the rate ratio (Poisson) or the SII in the unit (WLS).
_GAP_NB = {"log_rate": "den relative forskjellen", "value": "den absolutte forskjellen"}

_SCALE_NB = measures.SCALE_NB


def gradient_sentence(result: IndicatorResult) -> str:
    """The gradient in words: SII and RII with the interval that includes the variation between
    bydeler. A direction ("høyere"/"lavere" at one end) and "tydelig" are said only when that
    interval excludes no difference; otherwise the sentence says that it does not."""
    f, ind = result.fit, result.indicator
    sii_unit = "prosentpoeng" if ind.unit == "percent" else ind.unit_nb
    between = text.interval(f.sii_lower, f.sii_upper)
    rii = (
        f"RII {text.number(f.rii, 2)}: linjens verdi i den ressurssvake enden er "
        f"{text.number(f.rii, 2)} ganger verdien i den ressurssterke enden"
    )
    if f.clear:
        direction = "høyere" if f.sii > 0 else "lavere"
        return (
            f"Langs den sosiale gradienten er verdien {text.number(abs(f.sii))} {sii_unit} "
            f"{direction} i den mest ressurssvake enden enn i den mest ressurssterke (SII "
            f"{text.number(f.sii)}; {rii}). Gradienten er tydelig: også 95 % "
            f"konfidensintervallet som tar med variasjonen mellom bydelene ({between}), "
            "utelukker null."
        )
    return (
        f"Linjen langs den sosiale gradienten gir en SII på {text.number(f.sii)} {sii_unit} "
        f"({rii}), men når variasjonen mellom bydelene tas med, omfatter 95 % "
        f"konfidensintervallet null ({between}). Vi kan derfor ikke si at det er en tydelig "
        "gradient i noen retning."
    )


def _goals_text(ind: Indicator) -> str:
    """Which of the strategy's mål the indicator measures; background indicators measure none."""
    if not ind.mal:
        return "Bakgrunnstall for innsatsområdet (måler ingen av strategiens mål direkte)"
    return f"Mål {text.join_names(ind.mal)} i strategien"


def indicator_section(
    result: IndicatorResult, geo: pd.DataFrame, area: str, *, figures_dir: str | Path = ""
) -> None:
    """Heading, map, gradient chart, trend, table and finding for one indicator."""
    ind = result.indicator
    show(
        f"## {ind.name_nb} {{#sec-{slug(ind.id)}}}\n\n"
        f"{ind.denominator_text()}. {_goals_text(ind)}; "
        f"{_DIRECTION.get(ind.polarity, '')}. Kilde: {ind.source_text()}."
        + (f"\n\n*Merk:* {ind.note_nb}" if ind.note_nb else "")
    )
    show(finding(result))
    from helpers.present import plots  # local: it sets matplotlib's styles when imported

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
    from helpers.present import maps_interactive  # HTML only: Typst drops the raw HTML

    maps_interactive.show(geo, result)
    if result.sii is not None:
        figure(
            plots.gradient_chart(result),
            f"{ind.id}-gradient",
            f"{where} etter bydelenes sosioøkonomiske rang"
            + (", aldersstandardiserte rater" if result.standardised is not None else "")
            + ". Linjen er SII-regresjonen"
            + (f" (beregnet på {_SCALE_NB[result.fit.transform]})" if result.fit.transform else "")
            + ", det skraverte området 95 % konfidensintervall for helningen med variasjonen "
            "mellom bydelene; punktstørrelse viser befolkningen."
            if result.counts
            else no_counts.gradient_caption(result, where),
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
            f"{ind.name_nb}: SII per år med 95 % konfidensintervall med variasjonen mellom "
            f"bydelene (fast rangering fra {result.ranking.year}). Positiv SII betyr høyere verdi "
            "i den ressurssvake enden." + _break_caption(result)
            if result.counts
            else no_counts.trend_caption(result),
            f"Linjediagram av SII fra {int(first['year_end'])} ({text.number(first['sii'])}) "
            f"til {int(last['year_end'])} ({text.number(last['sii'])}).",
            folder=area,
            figures_dir=figures_dir,
        )
    show(
        text.markdown_table(
            tables.bydel_table(result)
            if result.counts
            else no_counts.bydel_table(tables.bydel_table(result)),
            caption=f"{where}, etter bydel i rangorden (1 = mest ressurssvak). "
            + table_note(result)
            + ("" if result.counts else " Kilden oppgir ikke antall, så det er ingen KI."),
            label=slug(f"{area}-{ind.id}"),
            widths=[10, 45, 45]
            if not result.counts
            else [6, 24, 16, 18, 16, 16]
            if result.standardised is None
            else [6, 22, 13, 14, 17, 14, 14],
        )
    )
    show(summary_line(result))


def period_note(tidy: pd.DataFrame, catalogue: Catalogue, areas, period: str | int) -> None:
    """With a chosen period: name the indicators of ``areas`` (one id or several) that have no
    bydel data for it, with the periods they have ("Ikke tall for 2019: …")."""
    from helpers.stats import gradient

    areas = [areas] if isinstance(areas, str) else list(areas)
    indicators = [ind for area in areas for ind in catalogue.available(area)]
    missing = gradient.missing_period(tidy, indicators, period)
    if not missing:
        return
    names = [
        f"{ind.name_nb} ({'har tall for ' + gradient.period_span(p) if p else 'ingen tall'})"
        for ind, p in missing
    ]
    show(f"*Ikke tall for {period}:* {text.join_names(names)}.")


def _break_caption(result: IndicatorResult) -> str:
    """Chart caption text for the series breaks inside the years shown."""
    if result.trend is None:
        return ""
    years = result.trend["year_end"]
    breaks = [b for b in result.indicator.series_breaks if years.min() < b.year <= years.max()]
    return "".join(
        f" Den stiplede linjen markerer bruddet i serien i {b.year} ({b.reason_nb}); "
        "tallene før og etter er ikke direkte sammenlignbare."
        for b in breaks
    )


def table_note(result: IndicatorResult) -> str:
    """The bydel table's note: whose value it is, which population date is the denominator,
    and what was suppressed or is missing."""
    ind = result.indicator
    parts = [
        loaders.PUBLISHED_VALUES.get(ind.id, ""),
        denominators.denominator_date(ind.id, result.period),
        loaders.fetched_note(ind.id, result.period, ind.min_numerator),
    ]
    parts.append(_excluded(result))
    return " ".join(p for p in parts if p)


def _excluded(result: IndicatorResult) -> str:
    """Suppressed ("prikket") and missing bydeler, or that nothing had to be suppressed."""
    table = result.table
    unpublished = table["flag"].ne("") | table["value"].isna()
    suppressed = table.loc[table["flag"].eq(text.SUPPRESSED), "geo_name"].tolist()
    oslo = result.oslo
    if oslo is not None and oslo.get("flag", "") == text.SUPPRESSED:
        suppressed.append(config.OSLO_NAME)
    missing = table.loc[unpublished & table["flag"].ne(text.SUPPRESSED), "geo_name"].tolist()
    return text.suppression_note(suppressed, missing)


def _range_alt(result: IndicatorResult) -> str:
    extremes = result.extremes()
    if extremes is None:
        return "ingen publiserte verdier."
    lo, hi = extremes
    return (
        f"lavest i {text.extreme_text(result.published, lo['value'])}, "
        f"høyest i {text.extreme_text(result.published, hi['value'])}."
    )


def summary_line(result: IndicatorResult) -> str:
    """Inequality measures in one bullet list: SII, RII, RCI, rate ratio, trend."""
    if result.circular:
        return (
            f"Ingen ulikhetsmål: bydelene er rangert etter {result.ranking.name_nb.lower()}, "
            "som er den samme eller en overlappende indikator, så gradienten ville vært sirkulær."
        )
    if not result.counts:
        return no_counts.summary_line(result)
    parts = measures.summary_lines(result)
    if result.gap_trend is not None:
        g = result.gap_trend
        years = f"{g.years[0]}–{g.years[-1]}"
        brk = result.indicator.latest_break
        if (
            brk is not None
            and result.trend is not None
            and result.trend["year_end"].min() < brk.year
        ):
            years += f" (årene etter bruddet i serien i {brk.year}: {brk.reason_nb})"
        # The model's slope runs from the disadvantaged (rank 0) to the advantaged end; the
        # report's orientation is the reverse (positive = higher at the disadvantaged end).
        what = "log-rateratio" if g.scale == "log_rate" else "SII"
        change = text.estimate(-g.slope_change, -g.upper, -g.lower, 3)
        if result.standardised is not None:
            what += " for aldersstandardiserte rater"
        parts.append(
            f"- Utvikling {years}: {text.trend_word(g.narrowing, _GAP_NB[g.scale])} "
            f"(endring i {what} per år: {change})"
        )
    if not parts:
        return "For få bydeler med publiserte tall til å beregne ulikhetsmål."
    return "\n".join(parts) + "\n"


def planned_section(planned: list[Indicator]) -> None:
    """List the planned indicators of an area with the public table that would supply them."""
    if not planned:
        return
    rows = [
        [ind.name_nb, text.join_names(ind.mal) or "bakgrunn", ind.any_source.text_nb()]
        for ind in planned
    ]
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
    missing = goals_without_data(catalogue, area)
    if missing:
        show(missing)


def goals_without_data(catalogue: Catalogue, area: str) -> str:
    """The area's mål that no indicator with data in the report measures, each with what is
    planned for it or why there is no statistic ("" when every mål has data)."""
    entry = catalogue.area(area)
    gaps = {g.mal: g.note_nb for g in entry.gaps}
    lines = []
    for goal in entry.goals:
        if catalogue.for_goal(goal.nr, "available"):
            continue
        planned = [i.name_nb for i in catalogue.for_goal(goal.nr, "planned")]
        why = " ".join(gaps.get(goal.nr, "").split())
        if planned:
            why = (why + " " if why else "") + f"Planlagt: {text.join_names(planned)}."
        lines.append(f"- **{goal.label_nb}**" + (f": {why}" if why else ""))
    if not lines:
        return ""
    return "**Mål uten indikator med tall i rapporten:**\n\n" + "\n".join(lines)


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
