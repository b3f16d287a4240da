"""Figures for the report: choropleth maps, gradient charts, trend charts and small multiples.

One palette (ColorBrewer YlGnBu, sequential and colour-blind safe), darker always meaning *worse*
for the indicator's polarity; suppressed bydeler hatched grey; bokmål labels with decimal comma.
Figures are returned, not shown: ``helpers.present.report.figure`` saves and captions them.
"""

from __future__ import annotations

import contextlib

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import patheffects
from matplotlib.patches import Patch

from helpers.present import text
from helpers.stats.gradient import IndicatorResult

CMAP = "YlGnBu"
SUPPRESSED_COLOUR = "#bdbdbd"
OTHER_COLOUR = "#f0f0f0"
EDGE_COLOUR = "#ffffff"
ACCENT = "#225ea8"
N_CLASSES = 5

# Deterministic figure files: no timestamps or software versions that change between builds.
STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "oslohelsa",
    "axes.formatter.use_locale": False,
}


def use_style() -> None:
    """Apply the report's matplotlib style (the backend is left alone: kernels need inline)."""
    sns.set_theme(context="paper", style="white", rc=STYLE)
    mpl.rcParams.update(STYLE)


def _comma_formatter(decimals: int = 0) -> mpl.ticker.FuncFormatter:
    return mpl.ticker.FuncFormatter(lambda x, _pos: text.number(x, decimals))


def _cmap_for(polarity: str) -> str:
    """Darker = worse: reverse the palette when higher values are better."""
    return CMAP + "_r" if polarity == "higher_is_better" else CMAP


def class_breaks(values: pd.Series, k: int = N_CLASSES) -> np.ndarray:
    """Upper bounds of Fisher–Jenks classes (mapclassify): at most ``k``, at most one per value."""
    import warnings

    import mapclassify

    values = values.dropna().to_numpy(float)
    k = max(1, min(k, len(np.unique(values))))
    if k == 1:
        return np.array([values.max()])
    with warnings.catch_warnings():  # "Numba not installed": the pure-Python path is fine for 15
        warnings.simplefilter("ignore", UserWarning)
        return mapclassify.FisherJenks(values, k=k).bins


@contextlib.contextmanager
def drawn_once(fig: plt.Figure):
    """While building ``fig``, its canvas's ``draw_idle`` does nothing. geopandas' ``plot`` ends
    with ``canvas.draw_idle()``, which on Agg (files, and Jupyter's inline backend) draws the
    whole figure at once: with constrained layout and many maps in one figure (the overview's
    small multiples: two plots per map, eleven maps), every map redrew all the others, most of
    the overview's time. The figure is drawn once, when it is saved or shown."""
    canvas = fig.canvas
    if "draw_idle" in vars(canvas):  # nested: the outer one restores it
        yield
        return
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        yield
    finally:
        del canvas.draw_idle


def choropleth(
    geo: pd.DataFrame,
    result: IndicatorResult,
    *,
    ax: plt.Axes | None = None,
    labels: bool = True,
    legend: bool = True,
    compact: bool = False,
    decimals: int = 1,
) -> plt.Figure:
    """Map of one indicator by bydel; ``geo`` holds all bydeler (+ Sentrum/Marka as context).

    The legend lists the class breaks under the indicator's unit; ``compact`` puts a small one
    under the map (small multiples) instead of beside it."""
    ind = result.indicator
    data = geo.merge(result.table[["geo_code", "value", "flag"]], on="geo_code", how="left")
    published = data["flag"].eq("") & data["value"].notna()
    is_bydel = data["geo_code"].isin(result.table["geo_code"])
    fig, ax = _axes(ax, figsize=(6.4, 5.6))
    cmap = mpl.colormaps[_cmap_for(ind.polarity)]
    breaks = class_breaks(data.loc[published, "value"])
    lower = data.loc[published, "value"].min()
    norm = mpl.colors.BoundaryNorm(np.concatenate([[lower], breaks]), cmap.N, extend="neither")
    with drawn_once(fig):
        data[~is_bydel].plot(ax=ax, color=OTHER_COLOUR, edgecolor=EDGE_COLOUR, linewidth=0.6)
        if (is_bydel & ~published).any():
            data[is_bydel & ~published].plot(
                ax=ax, color=SUPPRESSED_COLOUR, edgecolor=EDGE_COLOUR, hatch="///", linewidth=0.6
            )
        data[published].plot(
            ax=ax, column="value", cmap=cmap, norm=norm, edgecolor=EDGE_COLOUR, linewidth=0.8
        )
    _zoom_to(ax, data[is_bydel])
    if labels:
        _label_bydeler(ax, data[is_bydel])
    if legend:
        handles = _class_handles(cmap, norm, lower, breaks, decimals)
        if (is_bydel & ~published).any():
            handles.append(
                Patch(facecolor=SUPPRESSED_COLOUR, hatch="///", label="prikket / mangler")
            )
        if compact:  # small multiples: classes and unit under the map, no context patch
            ax.legend(
                handles=handles,
                title=ind.unit_nb,
                loc="upper center",
                bbox_to_anchor=(0.5, 0.0),
                ncols=3,
                frameon=False,
                fontsize=6,
                title_fontsize=6,
                handlelength=1.0,
                columnspacing=0.8,
                borderaxespad=0.2,
            )
        else:
            handles.append(
                Patch(facecolor=OTHER_COLOUR, edgecolor="#cccccc", label="Sentrum, Marka")
            )
            ax.legend(
                handles=handles,
                title=ind.unit_nb,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                frameon=False,
                fontsize=8,
                title_fontsize=8,
            )
    ax.set_axis_off()
    ax.set_title(f"{ind.name_nb}, {result.period}", loc="left")
    return fig


def _class_handles(
    cmap: mpl.colors.Colormap,
    norm: mpl.colors.Normalize,
    lower: float,
    breaks: np.ndarray,
    decimals: int,
) -> list[Patch]:
    """One legend patch per class, labelled with its lower and upper break."""
    handles = []
    low = lower
    for high in breaks:
        colour = cmap(norm((low + high) / 2 if high > low else high))
        label = f"{text.number(low, decimals)}{text.EN_DASH}{text.number(high, decimals)}"
        handles.append(Patch(facecolor=colour, edgecolor="none", label=label))
        low = high
    return handles


# Names broken where the polygon is narrow; small inner-city bydeler get a smaller font.
_LABELS = {"030102": "Grüner-\nløkka", "030104": "St.\nHanshaugen", "030115": "Søndre\nNordstrand"}
_SMALL_KM2 = 6.0


def _label_bydeler(ax: plt.Axes, data: pd.DataFrame) -> None:
    """Bydel names at a point inside each polygon, with a white halo for legibility."""
    halo = [patheffects.withStroke(linewidth=2.0, foreground="white")]
    for _, row in data.iterrows():
        point = row.geometry.representative_point()
        small = row.geometry.area / 1e6 < _SMALL_KM2
        ax.annotate(
            _LABELS.get(row["geo_code"], row["geo_name"]),
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=5.5 if small else 6.5,
            linespacing=0.9,
            path_effects=halo,
        )


def _zoom_to(ax: plt.Axes, data: pd.DataFrame, margin: float = 600.0) -> None:
    """Frame the map on the bydeler (Marka's forest would otherwise take most of the figure)."""
    xmin, ymin, xmax, ymax = data.total_bounds
    ax.set_xlim(xmin - margin, xmax + margin)
    ax.set_ylim(ymin - margin, ymax + margin)


def gradient_chart(result: IndicatorResult, *, ax: plt.Axes | None = None) -> plt.Figure:
    """Value against the bydeler's socioeconomic rank, with the fitted SII line and its interval.

    The WLS line passes through the population-weighted mean, which sits at rank ½; the shaded
    band spans the lines with the SII's lower and upper 95 % limits through that point.
    """
    ind, table = result.indicator, result.published
    if result.standardised is not None:  # the gradient is fitted to the standardised rates
        table = table.drop(columns=["value", "ci_low", "ci_high"]).merge(
            result.standardised[["geo_code", "value", "ci_low", "ci_high"]], on="geo_code"
        )
    fig, ax = _axes(ax, figsize=(6.4, 4.0))
    yerr = np.vstack([table["value"] - table["ci_low"], table["ci_high"] - table["value"]])
    ax.errorbar(
        table["rank"], table["value"], yerr=yerr, fmt="none", ecolor="#999999", elinewidth=0.8
    )
    sns.scatterplot(
        data=table,
        x="rank",
        y="value",
        size="denominator" if table["denominator"].notna().all() else None,  # no counts: equal
        sizes=(20, 120),
        color=ACCENT,
        legend=False,
        ax=ax,
        zorder=3,
    )
    if result.sii is not None:
        _sii_line(ax, table, result)
    ax.set_xlim(0, 1)
    _label_points(ax, table)
    ax.set_xlabel(
        f"Rang etter {result.ranking.name_nb.lower()} ({result.ranking.year})\n"
        "0 = mest ressurssvake ende, 1 = mest ressurssterke ende"
    )
    ax.set_ylabel(
        ind.unit_nb + (", aldersstandardisert" if result.standardised is not None else "")
    )
    ax.xaxis.set_major_formatter(_comma_formatter(1))
    ax.yaxis.set_major_formatter(_comma_formatter(0))
    ax.set_title(f"{ind.name_nb}, {result.period}: sosial gradient", loc="left")
    return fig


def _label_points(ax: plt.Axes, table: pd.DataFrame) -> None:
    """Bydel names beside their points, moved apart by adjustText where they would overlap
    (Stovner/Grorud/Alna, Nordre/Vestre Aker), with a thin line back to the point if moved."""
    from adjustText import adjust_text

    rows = table.sort_values("rank")
    texts = [
        ax.text(r, v, name, fontsize=6.5, color="#444444")
        for r, v, name in zip(rows["rank"], rows["value"], rows["geo_name"], strict=True)
    ]
    adjust_text(
        texts,
        x=rows["rank"].to_numpy(float),
        y=rows["value"].to_numpy(float),
        ax=ax,
        expand=(1.15, 1.4),
        arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5},
        iter_lim=300,  # a fixed number of steps: adjustText's default 1 s limit varies with load
    )


def _sii_line(ax: plt.Axes, table: pd.DataFrame, result: IndicatorResult) -> None:
    """The fitted SII line (a curve when fitted on the logit or log scale) and the band between
    the lines with the model-based slope limits through the fitted midpoint."""
    fit = result.fit
    if fit is None:
        return
    x = np.linspace(0, 1, 50)
    ax.plot(x, fit.value_at(x), color="#e6550d", linewidth=1.5, label="SII-linje")
    lo = fit.value_at(x, fit.slope_lower)
    hi = fit.value_at(x, fit.slope_upper)
    ax.fill_between(x, np.minimum(lo, hi), np.maximum(lo, hi), color="#e6550d", alpha=0.15, lw=0)


def trend_chart(result: IndicatorResult, *, ax: plt.Axes | None = None) -> plt.Figure:
    """SII per year with its model-based 95 % interval and the series breaks as dashed lines."""
    trend = result.trend
    fig, ax = _axes(ax, figsize=(6.4, 3.2))
    ax.fill_between(trend["year_end"], trend["lower"], trend["upper"], color=ACCENT, alpha=0.15)
    ax.plot(trend["year_end"], trend["sii"], color=ACCENT, marker="o", markersize=3)
    ax.axhline(0, color="#999999", linewidth=0.8)
    years = trend["year_end"]
    for brk in result.indicator.series_breaks:
        if years.min() < brk.year <= years.max():
            ax.axvline(brk.year - 0.5, color="#444444", linestyle="--", linewidth=1)
            ax.annotate(
                f"Brudd i serien {brk.year}",
                (brk.year - 0.5, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                va="top",
                fontsize=7,
                color="#444444",
            )
    ax.set_ylabel(f"SII ({_sii_unit(result)})")
    ax.set_xlabel("År" if "-" not in str(result.period) else "Siste år i perioden")
    ax.yaxis.set_major_formatter(_comma_formatter(1))
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_title(f"{result.indicator.name_nb}: forskjell over tid", loc="left")
    return fig


def _sii_unit(result: IndicatorResult) -> str:
    return "prosentpoeng" if result.indicator.unit == "percent" else result.indicator.unit_nb


def small_multiples(
    geo: pd.DataFrame, results: list[IndicatorResult], ncols: int = 3
) -> plt.Figure:
    """One small map per indicator, no labels, for the overview; each with its classes and unit."""
    nrows = int(np.ceil(len(results) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 3.3 * nrows), layout="constrained")
    axes = np.atleast_1d(axes).ravel()
    for ax, result in zip(axes, results, strict=False):
        choropleth(geo, result, ax=ax, labels=False, compact=True)
        ax.set_title(f"{result.indicator.name_nb}\n({result.period})", fontsize=8, loc="left")
    for ax in axes[len(results) :]:
        ax.set_axis_off()
    return fig


def ranking_chart(ranking_table: pd.DataFrame, name_nb: str, year: int) -> plt.Figure:
    """Horizontal bars of the ranking variable, most disadvantaged at the top."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    sns.barplot(data=ranking_table, y="geo_name", x="ses_value", color=ACCENT, ax=ax)
    ax.set_ylabel("")
    ax.set_xlabel(f"{name_nb}, {year} (prosent)")
    ax.xaxis.set_major_formatter(_comma_formatter(0))
    return fig


def _axes(ax: plt.Axes | None, figsize: tuple[float, float]) -> tuple[plt.Figure, plt.Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax
