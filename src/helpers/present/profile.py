"""One bydel's profile (``notebooks/bydel.ipynb``): ranking position, barometer, trends, map.

Kept light (no Monte Carlo, no models) so that the build can run it for all 15 bydeler. Every
statement is read off the barometer (``helpers.present.barometer``: Oslo's value against the
bydel's 95 %
interval), so no sentence claims more than its interval allows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import config
from helpers.catalogue import Catalogue
from helpers.present import barometer as bm
from helpers.present import text

TITLE_PREFIX = "Bydel"


def check_bydel(bydel: str) -> str:
    """The bydel's code from a code (``"030103"``; ``30103`` when a command line made it a
    number) or a name (``"Sagene"``), or ValueError listing the valid codes (one line)."""
    code = str(bydel).strip()
    if code.isdigit() and len(code) < 6:
        code = code.zfill(6)
    by_name = {n.lower(): c for c, n in config.BYDELER.items()}
    code = by_name.get(code.lower(), code)
    if code not in config.BYDELER:
        choices = ", ".join(f"{c} ({n})" for c, n in config.BYDELER.items())
        raise ValueError(f"bydel: {bydel!r} is not a bydel code; choose one of {choices}")
    return code


def title(code: str) -> str:
    return f"{TITLE_PREFIX} {config.BYDELER[code]}"


def output_name(code: str) -> str:
    """File stem of the executed profile and of its PDF: ``bydel-grunerlokka``."""
    from helpers.present.report import slug

    return f"bydel-{slug(config.BYDELER[code])}"


def ranking_sentence(ranking, code: str) -> str:
    """Where the bydel stands on the socioeconomic ranking (1 = most disadvantaged)."""
    t = ranking.table.set_index("geo_code")
    order, value = int(t.loc[code, "order"]), t.loc[code, "ses_value"]
    n = len(t)
    where = (
        "den mest ressurssvake enden"
        if order <= n // 3
        else "den mest ressurssterke enden"
        if order > n - n // 3
        else "midten"
    )
    return (
        f"{config.BYDELER[code]} er nummer {order} av {n} i rapportens sosioøkonomiske "
        f"rangering (1 = mest ressurssvak) etter {ranking.name_nb.lower()}: "
        f"{text.number(value)} prosent i {ranking.year}. "
        f"Bydelen ligger dermed i {where} av rangeringen."
    )


def key_sentences(rows: pd.DataFrame, code: str) -> list[str]:
    """Three sentences from the bydel's barometer rows (``barometer.city_barometer``)."""
    name = config.BYDELER[code]
    rows = rows[rows["geo_code"] == code]
    assessed = rows[~rows["klass"].isin([bm.SUPPRESSED, bm.NOT_ASSESSED])]
    n = len(assessed)
    worse, better = (
        assessed[assessed["klass"] == bm.WORSE],
        assessed[assessed["klass"] == bm.BETTER],
    )
    if n == 0:
        return [f"{name} har ingen publiserte indikatorverdier som kan sammenlignes med Oslo."]
    first = (
        f"Av {n} indikatorer som kan sammenlignes med Oslo, er {name} dårligere enn Oslo på "
        f"{len(worse)}, bedre på {len(better)}, og uten klar forskjell på "
        f"{int((assessed['klass'] == bm.SIMILAR).sum())}. En forskjell regnes som klar når "
        "Oslos verdi ligger utenfor bydelens 95 % konfidensintervall."
    )
    sentences = [first]
    for label, subset in (("dårligere", worse), ("bedre", better)):
        if subset.empty:
            sentences.append(f"Ingen indikator viser at {name} ligger klart {label} an enn Oslo.")
            continue
        gap = (subset["value"] - subset["oslo_value"]).abs() / subset["oslo_value"].abs()
        r = subset.loc[gap.idxmax()]
        sentences.append(
            f"Størst relativ avstand der bydelen er {label} enn Oslo: "
            f"{r['indicator_name'].lower()}, "
            f"{text.estimate(r['value'], r['ci_low'], r['ci_high'])} {r['unit_nb']} mot "
            f"{text.number(r['oslo_value'])} i Oslo ({r['period']})."
        )
    suppressed = rows[rows["klass"] == bm.SUPPRESSED]
    if len(sentences) < 3 and not suppressed.empty:
        sentences.append(f"{len(suppressed)} verdier er prikket og er ikke sammenlignet.")
    return sentences[:3]


def trend_figure(tidy: pd.DataFrame, catalogue: Catalogue, code: str) -> plt.Figure | None:
    """Small line charts: the bydel (with its 95 % interval) and Oslo, for series of 3+ years."""
    series = []
    for ind in catalogue.available():
        rows = tidy[(tidy["indicator_id"] == ind.id) & (tidy["sex"] == "alle")]
        own = rows[rows["geo_code"] == code].sort_values("year_end")
        if own["year_end"].nunique() >= 3:
            series.append((ind, own, rows[rows["geo_code"] == config.OSLO_CODE]))
    if not series:
        return None
    cols = 3
    nrows = int(np.ceil(len(series) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(7.0, 1.9 * nrows + 0.3), squeeze=False)
    for ax, (ind, own, oslo) in zip(axes.flat, series, strict=False):
        pub = own[own["flag"].eq("") & own["value"].notna()]
        ax.fill_between(pub["year_end"], pub["ci_low"], pub["ci_high"], color="#a6bddb", lw=0)
        ax.plot(
            pub["year_end"],
            pub["value"],
            color="#034e7b",
            marker="o",
            ms=2.5,
            lw=1.4,
            label=config.BYDELER[code],
        )
        oslo = oslo.sort_values("year_end")
        ax.plot(oslo["year_end"], oslo["value"], color="#525252", ls="--", lw=1.0, label="Oslo")
        ax.set_title(f"{ind.name_nb}\n({ind.unit_nb})", fontsize=7, loc="left")
        ax.tick_params(labelsize=6)
        span = np.nanmax(pub["ci_high"].to_numpy(float)) - np.nanmin(pub["ci_low"].to_numpy(float))
        decimals = 0 if span > 4 else 1
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda x, _p, d=decimals: text.number(x, d)))
        ax.xaxis.set_major_locator(plt.MaxNLocator(4, integer=True))
    for ax in list(axes.flat)[len(series) :]:
        ax.set_axis_off()
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False, fontsize=7)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def locator_map(geo: pd.DataFrame, code: str) -> plt.Figure:
    """The bydel highlighted on a map of Oslo."""
    from helpers.present.plots import drawn_once

    fig, ax = plt.subplots(figsize=(3.2, 3.0))
    is_bydel = geo["geo_code"].isin(config.BYDELER)
    with drawn_once(fig):
        geo[~is_bydel].plot(ax=ax, color="#f0f0f0", edgecolor="#ffffff", linewidth=0.5)
        geo[is_bydel].plot(ax=ax, color="#d9d9d9", edgecolor="#ffffff", linewidth=0.6)
        geo[geo["geo_code"] == code].plot(
            ax=ax, color="#034e7b", edgecolor="#ffffff", linewidth=0.6
        )
    minx, miny, maxx, maxy = geo[is_bydel].total_bounds
    ax.set_xlim(minx - 500, maxx + 500)
    ax.set_ylim(miny - 500, maxy + 500)
    ax.set_axis_off()
    return fig


def show(
    code: str,
    *,
    tidy: pd.DataFrame,
    catalogue: Catalogue,
    geo: pd.DataFrame,
    ranking,
    figures_dir: str = "",
) -> None:
    """The whole profile as cell outputs (text, barometer table, trend lines, map)."""
    from helpers.present import downloads, report

    name = config.BYDELER[code]
    folder = output_name(code)
    grid = bm.city_barometer(tidy, catalogue)
    report.show(ranking_sentence(ranking, code))
    sentences = key_sentences(grid, code) if not grid.empty else []
    if sentences:
        report.show("## Hovedpunkter\n\n" + "\n".join(f"- {s}" for s in sentences))
    report.show("## Bydelen sammenlignet med Oslo\n\n" + bm.RULE_NB)
    if not grid.empty:
        report.show(
            text.markdown_table(
                bm.bydel_table(grid, code),
                caption=f"{name} sammenlignet med Oslo, siste periode for hver indikator. "
                "Rang blant de 15 bydelene, 1 = høyest verdi.",
                label=f"{folder}-barometer",
                widths=[38, 8, 18, 8, 12, 16],
            )
        )
    fig = trend_figure(tidy, catalogue, code)
    if fig is not None:
        report.show("## Utvikling over tid")
        report.figure(
            fig,
            "utvikling",
            f"{name} (heltrukket linje, skravert 95 % konfidensintervall) og Oslo (stiplet), "
            "indikatorer med tall for minst tre år.",
            f"Små linjediagrammer for {name} og Oslo over tid, én per indikator.",
            folder=folder,
            figures_dir=figures_dir,
        )
    report.show("## Hvor i Oslo")
    report.figure(
        locator_map(geo, code),
        "kart",
        f"{name} (mørk) blant Oslos bydeler.",
        f"Kart over Oslo der {name} er markert.",
        folder=folder,
        figures_dir=figures_dir,
    )
    report.show(downloads.link_markdown())


PDF_FOLDER = "bydeler"


def pdf_name(code: str) -> str:
    """``grunerlokka.pdf``: the file name of a bydel's own PDF in ``bydeler/``."""
    from helpers.present.report import slug

    return f"{slug(config.BYDELER[code])}.pdf"


def render_pdf(code: str, chapters_dir: Path, target: Path, *, date=None, data_date=None) -> Path:
    """One bydel's profile as its own A4 PDF, by the embedded renderer (pandoc + Typst) from the
    executed, staged chapter: a one-chapter book with the profile's title on the cover, dated as
    the report (``date``, else ``_quarto.yml``'s rule: SOURCE_DATE_EPOCH, book.date, today) with
    the data's date (``data_date``) beside it, as on the report's cover."""
    import tempfile

    import yaml

    from helpers import render

    main = render.load_project(config.QUARTO_FILE)
    book = main["book"]
    with tempfile.TemporaryDirectory(prefix="profil-") as tmp:
        qfile = Path(tmp) / "_quarto.yml"
        project = {
            "project": {"type": "book"},
            "book": {
                "title": f"Bydelsprofil: {config.BYDELER[code]}",
                "subtitle": book.get("title", ""),
                "author": book.get("author", ""),
                "date": book.get("date"),
                "chapters": [f"{config.CHAPTERS.name}/{output_name(code)}.ipynb"],
            },
            # The report's page layout (size, margins, fonts): one source, _quarto.yml.
            "format": {"typst": (main.get("format") or {}).get("typst") or {}},
        }
        qfile.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
        result = render.render(
            Path(tmp) / "out",
            engine="embedded",
            notebooks_dir=chapters_dir,
            quarto_file=qfile,
            date=date,
            data_date=data_date,
            site_folder=PDF_FOLDER,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result.pdf, target)
    return target


def pdfs_for_site(chapters_dir: Path | None = None, *, data_date=None, workers: int = 1):
    """The build's hook (``helpers.render.render(extras=...)``): ``bydeler/<navn>.pdf`` for
    every bydel, written into the new site before it is published, dated as the report with the
    data's date beside it. ``workers`` > 1 renders
    that many at a time (threads: each render waits on pandoc and on Typst, which releases the
    GIL); the first failure is raised."""

    def extra(site: Path) -> None:
        from concurrent.futures import ThreadPoolExecutor

        folder = Path(chapters_dir) if chapters_dir is not None else config.chapters_dir()

        def one(code: str) -> Path:
            target = Path(site) / PDF_FOLDER / pdf_name(code)
            return render_pdf(code, folder, target, data_date=data_date)

        if workers <= 1:
            for code in config.BYDELER:
                one(code)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="profil-pdf") as pool:
            list(pool.map(one, config.BYDELER))

    return extra
