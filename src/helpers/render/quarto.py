"""The Quarto CLI path: ``quarto render`` of the whole book."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from helpers.render.project import HTML_NAME, load_project


def cover_subtitle(subtitle: str, data_date: dt.date) -> str:
    """The cover's subtitle with the data's date: Quarto's cover (HTML title block and Typst
    title page) shows title, subtitle, author and date, and no other field of ours."""
    return (
        f"{subtitle}. Data hentet {data_date.isoformat()}"
        if subtitle
        else (f"Data hentet {data_date.isoformat()}")
    )


def _render_quarto(
    quarto: str,
    quarto_file: Path,
    site: Path,
    when: dt.date,
    data_date: dt.date | None = None,
) -> None:
    """``quarto render`` of the whole book; ``-M date:…`` pins the date (not Quarto's ``today``)
    and, given ``data_date``, ``-M subtitle:…`` adds "Data hentet <dato>" to the cover.

    Quarto runs with this interpreter's Python (``QUARTO_PYTHON``, unless already set), the
    environment the notebooks were executed in.
    """
    root = quarto_file.resolve().parent
    env = {**os.environ}
    env.setdefault("QUARTO_PYTHON", sys.executable)
    args = [
        quarto,
        "render",
        str(root),
        "--output-dir",
        str(site),
        "-M",
        f"date:{when.isoformat()}",
    ]
    if data_date is not None:
        subtitle = str(load_project(quarto_file)["book"].get("subtitle") or "")
        args += ["-M", f"subtitle:{cover_subtitle(subtitle, data_date)}"]
    completed = subprocess.run(
        args,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"quarto render failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}"
        )


def _find_html(site: Path) -> Path:
    for candidate in (site / HTML_NAME, site / "report" / HTML_NAME):
        if candidate.is_file():
            return candidate
    found = sorted(site.rglob(HTML_NAME))
    if not found:
        raise RuntimeError(f"no {HTML_NAME} in the rendered output {site}")
    return found[0]
