"""The barometer: each bydel against Oslo, indicator by indicator (FHI folkehelseprofil style).

One rule, used by the city barometer, the bydel profiles and the key findings:

* a bydel's value is compared with Oslo's value in the same period;
* it differs from Oslo only when Oslo's value lies *outside the bydel's 95 % confidence
  interval* (the comparison PHE Fingertips and FHI's barometer make against a benchmark value);
* a difference is "bedre" or "dårligere" by the indicator's polarity; an indicator whose
  direction depends on interpretation gets the neutral "høyere" or "lavere";
* a suppressed value ("prikket") is never classified, nor is a value without interval, and a
  bydel without Oslo value to compare with is "ikke vurdert".

The rank among the 15 bydeler is neutral: 1 = the highest published value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import config
from helpers.catalogue import Catalogue, Indicator
from helpers.config import SUPPRESSED_FLAG
from helpers.present import text

BETTER = "bedre"
SIMILAR = "ingen klar forskjell"
WORSE = "dårligere"
HIGHER = "høyere"
LOWER = "lavere"
SUPPRESSED = SUPPRESSED_FLAG
NOT_ASSESSED = "ikke vurdert"
CLASSES = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, SUPPRESSED, NOT_ASSESSED)


@dataclass(frozen=True)
class Look:
    """How a class is drawn: a symbol (readable in grey-scale) and a colour-blind-safe colour."""

    symbol: str
    colour: str
    text_colour: str = "#000000"


# Blue / orange (ColorBrewer RdBu/PuOr ends) are told apart by colour-blind readers; the symbols
# carry the class in grey-scale print.
LOOKS: dict[str, Look] = {
    BETTER: Look("+", "#4393c3", "#ffffff"),
    SIMILAR: Look("=", "#e0e0e0"),
    WORSE: Look("\u2212", "#e08214"),
    HIGHER: Look("H", "#b2abd2"),
    LOWER: Look("L", "#b2abd2"),
    SUPPRESSED: Look("p", "#ffffff"),
    NOT_ASSESSED: Look("·", "#ffffff"),
}

RULE_NB = (
    "Bydelens verdi sammenlignes med Oslos verdi i samme periode. Ligger Oslos verdi utenfor "
    "bydelens 95 % konfidensintervall, er bydelen merket «bedre» (+) eller «dårligere» (\u2212) "
    "etter hva som er gunstig for indikatoren; ellers «ingen klar forskjell» (=). Der retningen "
    "avhenger av tolkning, står det bare «høyere» (H) eller «lavere» (L). Prikkede verdier (p) og "
    "verdier uten intervall (·) er ikke vurdert."
)


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def classify(
    value: float | None,
    ci_low: float | None,
    ci_high: float | None,
    oslo: float | None,
    polarity: str,
    flag: str = "",
) -> str:
    """The barometer class of one bydel value against Oslo's value (see the module's rule)."""
    if flag == SUPPRESSED_FLAG:
        return SUPPRESSED
    if flag or any(_missing(x) for x in (value, ci_low, ci_high, oslo)):
        return NOT_ASSESSED
    if ci_low > ci_high:
        raise ValueError(f"interval {ci_low}–{ci_high} is reversed")
    if ci_low <= oslo <= ci_high:
        return SIMILAR
    higher = ci_low > oslo
    if polarity == "higher_is_better":
        return BETTER if higher else WORSE
    if polarity == "lower_is_better":
        return WORSE if higher else BETTER
    return HIGHER if higher else LOWER


def rank_highest_first(values: pd.Series, flags: pd.Series) -> pd.Series:
    """Rank among the published values, 1 = highest (ties share the best rank); else NA."""
    published = flags.fillna("").eq("") & values.notna()
    ranks = values.where(published).rank(ascending=False, method="min")
    return ranks.astype("Int64")


def indicator_rows(
    tidy: pd.DataFrame, indicator: Indicator, period: str = "latest"
) -> pd.DataFrame:
    """The barometer of one indicator: one row per bydel (catalogue order of the 15 bydeler)."""
    from helpers.stats.gradient import select_period

    rows = tidy[(tidy["indicator_id"] == indicator.id) & (tidy["sex"] == "alle")]
    if rows.empty:
        return pd.DataFrame()
    period = select_period(rows, period)
    current = rows[rows["period"] == period]
    oslo_rows = current[current["geo_code"] == config.OSLO_CODE]
    oslo = oslo_rows.iloc[0] if len(oslo_rows) else None
    oslo_value = float(oslo["value"]) if oslo is not None and oslo["flag"] == "" else math.nan
    bydel = (
        pd.DataFrame({"geo_code": list(config.BYDELER), "geo_name": list(config.BYDELER.values())})
        .merge(
            current[current["geo_level"] == "bydel"].drop(columns=["geo_name"]),
            on="geo_code",
            how="left",
        )
        .reset_index(drop=True)
    )
    bydel["flag"] = bydel["flag"].fillna("..")
    bydel["period"] = period
    bydel["indicator_id"] = indicator.id
    bydel["oslo_value"] = oslo_value
    bydel["rank"] = rank_highest_first(bydel["value"], bydel["flag"])
    bydel["n_ranked"] = int(bydel["rank"].notna().sum())
    bydel["klass"] = [
        classify(r.value, r.ci_low, r.ci_high, oslo_value, indicator.polarity, r.flag)
        for r in bydel.itertuples()
    ]
    return bydel


def city_barometer(
    tidy: pd.DataFrame, catalogue: Catalogue, period: str = "latest"
) -> pd.DataFrame:
    """Every available indicator × the 15 bydeler, in catalogue order (area, then mål)."""
    frames = []
    for area in config.AREAS:
        entry = catalogue.area(area)
        for ind in catalogue.available(area):
            rows = indicator_rows(tidy, ind, period)
            if rows.empty:
                continue
            rows["area"] = area
            rows["area_title"] = f"{entry.number} {entry.title_nb}"
            rows["mal"] = ", ".join(ind.mal) if ind.mal else "bakgrunn"
            rows["indicator_name"] = ind.name_nb
            rows["unit_nb"] = ind.unit_nb
            rows["polarity"] = ind.polarity
            frames.append(rows)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def counts(barometer: pd.DataFrame) -> pd.DataFrame:
    """Per bydel: how many indicators fall in each class (columns in ``CLASSES`` order)."""
    table = pd.crosstab(barometer["geo_name"], barometer["klass"])
    return table.reindex(columns=list(CLASSES), fill_value=0).reindex(
        [n for n in config.BYDELER.values() if n in table.index]
    )


def legend_markdown() -> str:
    """The rule in one paragraph, for the text under the grid."""
    return f"**Slik leses barometeret.** {RULE_NB}"


def grid_figure(barometer: pd.DataFrame) -> plt.Figure:
    """Indicators (rows, grouped by innsatsområde and mål) × bydeler (columns): colour + symbol."""
    indicators = barometer.drop_duplicates("indicator_id")
    bydeler = list(config.BYDELER.values())
    n_rows, n_cols = len(indicators), len(bydeler)
    fig, ax = plt.subplots(figsize=(9.0, 1.9 + 0.36 * n_rows))
    drawn = set()
    for i, ind in enumerate(indicators.itertuples()):
        sub = barometer[barometer["indicator_id"] == ind.indicator_id].set_index("geo_name")
        for j, name in enumerate(bydeler):
            klass = sub.loc[name, "klass"] if name in sub.index else NOT_ASSESSED
            drawn.add(klass)
            look = LOOKS[klass]
            ax.add_patch(
                mpl.patches.Rectangle(
                    (j, i), 1, 1, facecolor=look.colour, edgecolor="#9e9e9e", linewidth=0.5
                )
            )
            ax.text(
                j + 0.5,
                i + 0.53,
                look.symbol,
                ha="center",
                va="center",
                fontsize=9,
                color=look.text_colour,
                fontweight="bold",
            )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(np.arange(n_cols) + 0.5)
    ax.set_xticklabels(bydeler, rotation=55, ha="left", fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(n_rows) + 0.5)
    ax.set_yticklabels(
        [
            f"{r.indicator_name} ({'bakgrunn' if r.mal == 'bakgrunn' else 'mål ' + r.mal})"
            for r in indicators.itertuples()
        ],
        fontsize=8,
    )
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    # Area separators and labels at the right.
    previous = None
    for i, area in enumerate(indicators["area_title"]):
        if area != previous:
            if i:
                ax.axhline(i, color="#000000", linewidth=1.2)
            span = int((indicators["area_title"] == area).sum())
            ax.text(n_cols + 0.3, i + span / 2, area, va="center", ha="left", fontsize=8)
            previous = area
    handles = [
        mpl.patches.Patch(
            facecolor=LOOKS[k].colour, edgecolor="#9e9e9e", label=f"{LOOKS[k].symbol}  {k}"
        )
        for k in CLASSES
        if k in drawn or k in (BETTER, SIMILAR, WORSE)
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.02),
        ncol=4,
        frameon=False,
        fontsize=8,
        title="Sammenlignet med Oslo (95 % KI)",
        title_fontsize=8,
        alignment="left",
    )
    fig.tight_layout()
    return fig


def grid_alt(barometer: pd.DataFrame) -> str:
    """Alt text: what the grid shows, with the counts that matter."""
    c = counts(barometer)
    n_ind = barometer["indicator_id"].nunique()
    worse = c[WORSE].idxmax() if len(c) and c[WORSE].max() > 0 else None
    better = c[BETTER].idxmax() if len(c) and c[BETTER].max() > 0 else None
    parts = [
        f"Rutenett med {n_ind} indikatorer og 15 bydeler, hver rute merket bedre, "
        "ingen klar forskjell eller dårligere enn Oslo."
    ]
    if worse:
        parts.append(f"Flest indikatorer dårligere enn Oslo: {worse} ({c.loc[worse, WORSE]}).")
    if better:
        parts.append(f"Flest bedre enn Oslo: {better} ({c.loc[better, BETTER]}).")
    return " ".join(parts)


def bydel_table(barometer: pd.DataFrame, geo_code: str, decimals: int = 1) -> pd.DataFrame:
    """One bydel's barometer as a report table: indicator, period, value (KI), Oslo, rank, class."""
    rows = barometer[barometer["geo_code"] == geo_code]
    out = []
    for r in rows.itertuples():
        published = r.flag == "" and not _missing(r.value)
        value = (
            text.estimate(r.value, r.ci_low, r.ci_high, decimals)
            if published
            else text.value_cell(r.value, r.flag, decimals)
        )
        rank = f"{int(r.rank)} av {r.n_ranked}" if not pd.isna(r.rank) else ""
        out.append(
            [
                f"{r.indicator_name} ({r.unit_nb})",
                str(r.period),
                value,
                text.number(r.oslo_value, decimals),
                rank,
                f"{r.klass} ({LOOKS[r.klass].symbol})",
            ]
        )
    return pd.DataFrame(
        out,
        columns=[
            "Indikator",
            "Periode",
            "Verdi (95 % KI)",
            "Oslo",
            "Rang (1 = høyest)",
            "Mot Oslo",
        ],
    )


def counts_table(barometer: pd.DataFrame) -> pd.DataFrame:
    """Per bydel: number of indicators better / similar / worse than Oslo (and not assessed)."""
    c = counts(barometer)
    out = pd.DataFrame({"Bydel": c.index})
    for klass in (BETTER, SIMILAR, WORSE, HIGHER, LOWER):
        if klass in (BETTER, SIMILAR, WORSE) or c[klass].sum():
            out[f"{klass} ({LOOKS[klass].symbol})"] = c[klass].astype(str).to_list()
    out["Ikke vurdert (prikket, mangler)"] = (c[SUPPRESSED] + c[NOT_ASSESSED]).astype(str).to_list()
    return out


def show_city(barometer: pd.DataFrame, *, figures_dir: str = "") -> None:
    """The overview's barometer section: grid figure, rule, and the counts as a table."""
    from helpers.present import report

    if barometer.empty:
        report.show("Ingen indikatorer har bydelstall ennå, så barometeret er tomt.")
        return
    period = text.join_names(sorted(set(barometer["period"].astype(str))))
    report.figure(
        grid_figure(barometer),
        "barometer",
        f"Barometer: hver bydel sammenlignet med Oslo, siste periode ({period}). "
        "Indikatorene er gruppert etter innsatsområde og mål i strategien. "
        "Symbolet gjentar fargen: bedre (+), ingen klar forskjell (=) og dårligere (\u2212) "
        "enn Oslo.",
        grid_alt(barometer),
        folder="oversikt",
        figures_dir=figures_dir,
    )
    report.show(legend_markdown())
    report.show(
        text.markdown_table(
            counts_table(barometer),
            caption="Antall indikatorer der bydelen er bedre enn, på nivå med eller dårligere "
            "enn Oslo (etter regelen over).",
            label="barometer-antall",
        )
    )
