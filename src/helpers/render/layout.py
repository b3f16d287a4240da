"""Page layout for the embedded PDF, read from ``format: typst:`` in ``_quarto.yml``.

One source for both renderers: Quarto reads these keys itself
(https://quarto.org/docs/reference/formats/typst.html), and the embedded renderer passes the same
values to ``report/oslohelsa.typ`` as pandoc variables. Where ``_quarto.yml`` is silent, Quarto's
own Typst defaults apply (us-letter, 1,25 in margins, 11pt, Libertinus Serif, no numbering).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers.errors import DataError

DEFAULTS = {
    "papersize": "us-letter",
    "margin": {"x": "1.25in", "y": "1.25in"},
    "fontsize": "11pt",
    "mainfont": "Libertinus Serif",
}
MARGIN_KEYS = ("x", "y", "top", "bottom", "left", "right")
_LENGTH = re.compile(r"^\d+(\.\d+)?(cm|mm|in|pt|em)$")


def typst_format(project: dict[str, Any]) -> dict[str, Any]:
    """``format: typst:`` from the project (empty when the book has no Typst format)."""
    value = (project.get("format") or {}).get("typst") or {}
    return value if isinstance(value, dict) else {}


def _length(value: Any, key: str, quarto_file: Path) -> str:
    text = str(value).strip()
    if not _LENGTH.match(text):
        raise DataError(
            quarto_file,
            f"{key} must be a length such as 2.5cm, 25mm, 1in or 11pt, got {value!r}",
            column=f"format.typst.{key}",
        )
    return text


def margin_expression(margin: Any, quarto_file: Path) -> str:
    """Quarto's ``margin`` (a mapping of x, y, top, bottom, left, right) as a Typst dictionary."""
    if not isinstance(margin, dict) or not margin:
        raise DataError(
            quarto_file,
            f"margin must map some of {', '.join(MARGIN_KEYS)} to lengths, got {margin!r}",
            column="format.typst.margin",
        )
    unknown = sorted(set(margin) - set(MARGIN_KEYS))
    if unknown:
        raise DataError(
            quarto_file,
            f"unknown margin key(s) {', '.join(unknown)}; valid: {', '.join(MARGIN_KEYS)}",
            column="format.typst.margin",
        )
    parts = [
        f"{k}: {_length(margin[k], f'margin.{k}', quarto_file)}" for k in MARGIN_KEYS if k in margin
    ]
    return "(" + ", ".join(parts) + ")"


def typst_variables(project: dict[str, Any], quarto_file: Path) -> list[str]:
    """pandoc ``--variable`` arguments for the page: size, margins, font, size and numbering."""
    fmt = typst_format(project)
    papersize = str(fmt.get("papersize", DEFAULTS["papersize"]))
    margin = margin_expression(fmt.get("margin", DEFAULTS["margin"]), quarto_file)
    fontsize = _length(fmt.get("fontsize", DEFAULTS["fontsize"]), "fontsize", quarto_file)
    mainfont = str(fmt.get("mainfont", DEFAULTS["mainfont"]))
    numbered = bool(fmt.get("number-sections", False))
    numbering = str(fmt.get("section-numbering", "1.1.a")) if numbered else ""
    return [
        f"--variable=papersize:{papersize}",
        f"--variable=margin:{margin}",
        f"--variable=fontsize:{fontsize}",
        f"--variable=mainfont:{mainfont}",
        *([f"--variable=section-numbering:{numbering}"] if numbering else []),
    ]
