"""The Quarto CLI path: ``quarto render`` of the whole book."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from helpers.render.project import HTML_NAME


def _render_quarto(quarto: str, quarto_file: Path, site: Path, when: dt.date) -> None:
    """``quarto render`` of the whole book; ``-M date:…`` pins the date (not Quarto's ``today``).

    Quarto runs with this interpreter's Python (``QUARTO_PYTHON``, unless already set), the
    environment the notebooks were executed in.
    """
    root = quarto_file.resolve().parent
    env = {**os.environ}
    env.setdefault("QUARTO_PYTHON", sys.executable)
    completed = subprocess.run(
        [quarto, "render", str(root), "--output-dir", str(site), "-M", f"date:{when.isoformat()}"],
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
