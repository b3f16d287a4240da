"""``render()``: choose the engine, render into a work folder, run the extras, swap in."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import config, publish
from helpers.render.embedded import _render_embedded
from helpers.render.project import ENGINES, HTML_NAME, PDF_NAME, RenderResult, load_project
from helpers.render.quarto import _find_html, _render_quarto


def build_date(date: dt.date | str | None = None, book_date: Any = None) -> dt.date:
    """The report's date: ``date`` if given, else ``SOURCE_DATE_EPOCH``, else a fixed
    ``book.date`` from ``_quarto.yml``, else today (UTC; Quarto's ``today``)."""
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date)
        except ValueError as exc:
            raise ValueError(f"date must be YYYY-MM-DD, got {date!r}") from exc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except ValueError as exc:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}") from exc
    if isinstance(book_date, dt.date):
        return book_date if not isinstance(book_date, dt.datetime) else book_date.date()
    if isinstance(book_date, str):
        try:
            return dt.date.fromisoformat(book_date)
        except ValueError:
            pass  # Quarto keywords (today, now, last-modified) and other formats
    return dt.datetime.now(tz=dt.UTC).date()


def render(
    out_dir: Path | str | None = None,
    *,
    engine: str = "auto",
    notebooks_dir: Path | str | None = None,
    quarto_file: Path | str | None = None,
    date: dt.date | str | None = None,
    extras: tuple[Callable[[Path], None], ...] = (),
    data_date: dt.date | None = None,
    site_folder: str = "",
) -> RenderResult:
    """Render the report to ``out_dir`` (default ``config.output_dir()``).

    ``engine``: ``"quarto"`` (the Quarto CLI), ``"embedded"`` (pandoc + typst) or ``"auto"``
    (Quarto if it is on PATH and the chapters are where ``_quarto.yml`` says, else embedded).
    ``notebooks_dir``: take .ipynb chapters from this folder instead (embedded engine only; for
    the real project it defaults to where the build staged them, ``config.chapters_dir()``).
    ``quarto_file``: another project's ``_quarto.yml`` (tests). ``date``: the build date.
    ``extras``: callables given the new site folder before it is published (downloads, bydel
    PDFs), so that they are swapped in together with the pages, or not at all.
    ``data_date``: when the data were fetched; the cover shows it beside the report's date.
    ``site_folder``: where in the published site the output will sit (``bydeler`` for the bydel
    PDFs): links to the site's own files are made relative to it (embedded engine).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    qfile = Path(quarto_file) if quarto_file is not None else config.QUARTO_FILE
    is_real_project = qfile.resolve() == config.QUARTO_FILE.resolve()
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else None
    if nb_dir is None and is_real_project:
        staged = config.chapters_dir()
        if staged != config.CHAPTERS.resolve():  # a private build stages in its own folder
            nb_dir = staged
    out = Path(out_dir) if out_dir is not None else config.output_dir()
    out = out.resolve()
    when = build_date(date, load_project(qfile)["book"].get("date"))

    quarto = shutil.which("quarto")
    if engine == "quarto":
        if quarto is None:
            raise RuntimeError("engine='quarto' but the quarto command is not on PATH")
        if nb_dir is not None:
            raise ValueError("notebooks_dir works with the embedded engine only")
    chosen = (
        "quarto"
        if engine == "quarto" or (engine == "auto" and quarto and not nb_dir)
        else ("embedded")
    )

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        site = work / "site"
        site.mkdir()
        if chosen == "quarto":
            assert quarto is not None
            _render_quarto(quarto, qfile, site, when, data_date)
            html_rel = _find_html(site).relative_to(site)
        else:
            _render_embedded(qfile, nb_dir, site, work / "work", when, data_date, site_folder)
            html_rel = Path(HTML_NAME)
        if not (site / PDF_NAME).is_file():
            raise RuntimeError(f"the render made no {PDF_NAME}")
        for extra in extras:
            extra(site)
        publish.swap_in(site, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RenderResult(html=out / html_rel, pdf=out / PDF_NAME, engine=chosen)
