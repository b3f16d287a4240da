"""Hovedmål 1 ("reduserte sosiale forskjeller i helse") at the top of the overview chapter.

The overview opens with the health measures the build has data for (catalogue indicators with
``hovedmal: 1`` and ``status: available``: today FHI's vaccination coverage), each with its
finding and a small map, and then names the health-outcome tables that are still missing and
that ``make data`` would fetch (the planned hovedmål-1 indicators with their public table).
"""

from __future__ import annotations

import pandas as pd

from helpers import config
from helpers.catalogue import Catalogue
from helpers.present import report, text
from helpers.stats import gradient


def analyse(
    tidy: pd.DataFrame,
    catalogue: Catalogue,
    ranking: gradient.Ranking,
    *,
    period: str = "latest",
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
) -> list[gradient.IndicatorResult]:
    """Gradient results for every available hovedmål-1 indicator, in catalogue order."""
    return [
        gradient.analyse_indicator(
            tidy, ind, ranking, period=period, seed=seed, repetitions=repetitions
        )
        for ind in catalogue.for_hovedmal(1, "available")
    ]


def _planned_rows(catalogue: Catalogue) -> pd.DataFrame:
    rows = []
    for ind in catalogue.for_hovedmal(1, "planned"):
        src = ind.planned_source
        table = src.table or ""
        if src.table_id and src.table_id not in table:
            table = f"{table} ({src.table_id})" if table else src.table_id
        fetch = getattr(ind, "fetch", None)
        if not fetch:
            how = "ingen åpen tabell per bydel ennå"
        elif fetch.get("verified", True) is False:
            how = "hentes med `make data` hvis tabellen har bydelstall (ikke bekreftet)"
        else:
            how = "hentes med `make data`"
        where = f"{src.publisher}: {table}"
        if fetch:  # the table make data would fetch, then the researched one if different
            fetched = fetch.get("title") or f"{fetch.get('publisher')} {fetch.get('table')}"
            fetched = f"Folkehelseinstituttet: {fetched}"
            where = (
                fetched
                if "Folkehelseinstituttet" in src.publisher
                else f"{fetched}; ellers {where}"
            )
        rows.append([ind.name_nb, where, how])
    return pd.DataFrame(rows, columns=["Helseutfall", "Tabell", "Status"])


def _lower_first(name: str) -> str:
    """ "Vaksinert mot HPV" -> "vaksinert mot HPV" (abbreviations keep their capitals)."""
    return name[:1].lower() + name[1:]


def intro_text(catalogue: Catalogue, results: list[gradient.IndicatorResult]) -> str:
    """The opening paragraph: which health measures the report has, and what they are not."""
    goal = catalogue.hovedmal_goal(1)
    if not results:
        return (
            f"## Hovedmål 1: {goal.text_nb.lower()}\n\n"
            "Bygget har ennå ingen helseutfall med bydelstall. Tabellen under viser hvilke "
            "tabeller som skal levere dem."
        )
    names = text.join_names([_lower_first(r.indicator.name_nb) for r in results])
    return (
        f"## Hovedmål 1: {goal.text_nb.lower()}\n\n"
        f"Rapporten har foreløpig {len(results)} helsemål med bydelstall: {names}. "
        "Vaksinasjonsdekning viser hvor godt helsetjenesten når barn og unge i hver bydel, og "
        "lav dekning betyr svakere vern mot smittsomme sykdommer; det er ikke et mål på "
        "sykdom eller levealder. Vaksinasjonstallene er femårige gjennomsnitt fra "
        "Folkehelseinstituttet uten antall barn, så ulikhetsmålene for dem er punktestimater "
        "uten konfidensintervall."
    )


def section(
    tidy: pd.DataFrame,
    catalogue: Catalogue,
    ranking: gradient.Ranking,
    geo: pd.DataFrame,
    *,
    period: str = "latest",
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    figures_dir: str = "",
) -> list[gradient.IndicatorResult]:
    """Show the hovedmål-1 section (text, findings, maps, missing tables); return the results."""
    from helpers.present import plots

    results = analyse(tidy, catalogue, ranking, period=period, seed=seed, repetitions=repetitions)
    report.show(intro_text(catalogue, results))
    for res in results:
        report.show(f"- {report.finding(res)}")
    if results:
        report.figure(
            plots.small_multiples(geo, results),
            "hovedmal-1-kart",
            "Helsemål med bydelstall, siste periode. Mørkere farge er ugunstig.",
            f"{len(results)} små kart over Oslos bydeler, ett per helsemål.",
            folder="oversikt",
            figures_dir=figures_dir,
        )
    planned = _planned_rows(catalogue)
    if not planned.empty:
        report.show(
            "Helseutfallene strategien peker på, som forventet levealder, for tidlig død og "
            "psykiske plager, mangler ennå i bygget. Disse tabellene skal levere dem:"
        )
        report.show(
            text.markdown_table(
                planned,
                caption="Planlagte helseutfall for hovedmål 1 og tabellene som skal levere dem.",
                label="hovedmal-1-planlagt",
                widths=[30, 50, 20],
            )
        )
    return results
