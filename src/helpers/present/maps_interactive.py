"""Interactive maps for the HTML report (plotly), beside the static PNG maps the PDF keeps.

No tile server and no CDN: the bydeler are filled shapes on plain axes (plotly's geo maps
fetch a world outline from a CDN). plotly.js (shipped inside the plotly wheel) comes from a
local file: in a notebook executed by the build (``config.rendering()``) the first map of the
chapter loads ``plotly.min.js`` from beside the page (``PLOTLYJS``, written once into the staged
chapters folder by ``helpers.build`` and shipped by both renderers), so the ~4.6 MB library is
not copied into every chapter page; in Jupyter it is inlined with the first map the kernel
shows, so the notebook works on its own. Either way the page works offline and from
``file://``. Hovering a bydel shows its name,
the value with its 95 % interval, its rank among the bydeler (1 = highest value) and teller /
nevner; suppressed bydeler say "prikket" and show no numbers.

The output is a ``text/html`` cell output: Quarto's HTML and the embedded renderer's HTML keep
it; Typst (the PDF) drops raw HTML, so the PDF shows only the static map.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import config
from helpers.present import text
from helpers.stats.gradient import IndicatorResult

_STATE = {"js_done": False}
# The file name plotly's include_plotlyjs="directory" refers to (beside the page).
PLOTLYJS = "plotly.min.js"
SUPPRESSED_COLOUR = "#bdbdbd"


def _colourscale(polarity: str) -> str:
    return "YlGnBu_r" if polarity == "higher_is_better" else "YlGnBu"


def hover_rows(result: IndicatorResult, decimals: int = 1) -> pd.DataFrame:
    """One row per bydel: code, name, value (or NaN), hover text."""
    from helpers.present.barometer import rank_highest_first

    t = result.table.copy()
    t["rank_high"] = rank_highest_first(t["value"], t["flag"])
    n = int(t["rank_high"].notna().sum())
    unit = result.indicator.unit_nb
    texts = []
    for r in t.itertuples():
        if r.flag == "" and pd.notna(r.value):
            lines = [
                f"<b>{r.geo_name}</b>",
                f"{text.estimate(r.value, r.ci_low, r.ci_high, decimals)} {unit} (95 % KI)",
                f"Rang {int(r.rank_high)} av {n} (1 = høyest verdi)",
            ]
            if pd.notna(r.numerator):
                lines.append(
                    f"Teller {text.integer(r.numerator)}, nevner {text.integer(r.denominator)}"
                )
        else:
            lines = [f"<b>{r.geo_name}</b>", text.value_cell(r.value, r.flag)]
        texts.append("<br>".join(lines))
    t["hover"] = texts
    return t


def _rings(geometry):
    """Exterior rings of a (multi)polygon as x and y lists separated by None (one trace)."""
    polygons = getattr(geometry, "geoms", [geometry])
    xs: list = []
    ys: list = []
    for poly in polygons:
        x, y = poly.exterior.coords.xy
        xs += [*(round(v) for v in x), None]  # whole metres (UTM): plenty for a screen map
        ys += [*(round(v) for v in y), None]
    return xs, ys


def _legend_entry(colour: str, name: str):
    """A legend entry without a point on the map: a square of ``colour`` named ``name``."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"size": 12, "color": colour, "symbol": "square"},
        name=name,
    )


def figure(geo, result: IndicatorResult):
    """The plotly figure: one filled shape per bydel, in the static map's Fisher–Jenks classes
    (``helpers.present.plots.class_breaks``) and colours; suppressed bydeler grey. Plain cartesian
    axes
    in the map's own projection, so nothing (no tiles, no world outline) is fetched."""
    import matplotlib as mpl
    import numpy as np
    import plotly.graph_objects as go

    from helpers.present import plots

    rows = hover_rows(result).set_index("geo_code")
    shapes = geo[geo["geo_code"].isin(config.BYDELER)].set_index("geo_code")
    # Outlines simplified to 15 m, topology kept: a lighter page, no visible change on screen.
    shapes = shapes.assign(geometry=shapes.geometry.simplify(15, preserve_topology=True))
    published = rows["flag"].eq("") & rows["value"].notna()
    ind = result.indicator
    cmap = mpl.colormaps[plots._cmap_for(ind.polarity)]
    values = rows.loc[published, "value"]
    breaks = plots.class_breaks(values) if len(values) else np.array([])
    lower = values.min() if len(values) else 0.0
    bounds = np.concatenate([[lower], breaks])
    norm = mpl.colors.BoundaryNorm(bounds, cmap.N) if len(bounds) > 1 else None
    fig = go.Figure()
    for code, shape in shapes.iterrows():
        row = rows.loc[code]
        ok = bool(published.get(code, False))
        colour = mpl.colors.to_hex(cmap(norm(row["value"]))) if ok and norm else SUPPRESSED_COLOUR
        xs, ys = _rings(shape.geometry)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "#ffffff", "width": 1},
                hoveron="fills",
                hoverinfo="text",
                text=row["hover"],
                name=row["geo_name"],
                showlegend=False,
            )
        )
    # Legend: the classes with their breaks and the unit (as the static map).
    low = lower
    for high in breaks:
        colour = mpl.colors.to_hex(cmap(norm((low + high) / 2 if high > low else high)))
        fig.add_trace(_legend_entry(colour, f"{text.number(low)}{text.EN_DASH}{text.number(high)}"))
        low = high
    if (~published).any():
        fig.add_trace(_legend_entry(SUPPRESSED_COLOUR, "prikket / mangler"))
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        height=430,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        separators=", ",
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hoverlabel={"bgcolor": "#ffffff"},
        legend={"title": {"text": ind.unit_nb}},
    )
    return fig


def write_plotlyjs(folder) -> Path:
    """Write plotly.js (from the installed plotly) as ``folder/plotly.min.js``: the one copy the
    chapter pages of a folder load."""
    from plotly.offline import get_plotlyjs

    target = Path(folder) / PLOTLYJS
    target.write_text(get_plotlyjs(), encoding="utf-8")
    return target


def html(geo, result: IndicatorResult, *, include_js: bool | str) -> str:
    """The map as an HTML fragment with a deterministic element id (reproducible builds).

    ``include_js``: False (plotly.js already on the page), True (inline it) or ``"directory"``
    (a ``<script src="plotly.min.js">`` tag: the file sits beside the page)."""
    from helpers.present.report import slug

    fig = figure(geo, result)
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=include_js if include_js == "directory" else bool(include_js),
        div_id=f"interaktivt-kart-{slug(result.indicator.id)}",
        config={"displaylogo": False, "responsive": True, "locale": "no"},
    )
    label = (
        f"Interaktivt kart: {result.indicator.name_nb}, {result.period}. "
        "Hold pekeren over en bydel for verdi, intervall, rang, teller og nevner."
    )
    return (
        f'<figure class="interaktivt-kart" role="group" aria-label="{label}">{div}'
        f"<figcaption>{label}</figcaption></figure>"
    )


def show(geo, result: IndicatorResult) -> None:
    """Display the interactive map; the first map of the kernel brings plotly.js: a reference to
    ``plotly.min.js`` beside the page in the build's notebooks, inline in Jupyter."""
    from IPython.display import HTML, display

    first: bool | str = not _STATE["js_done"]
    if first and config.rendering():
        first = "directory"
    display(HTML(html(geo, result, include_js=first)))
    _STATE["js_done"] = True
