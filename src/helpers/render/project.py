"""The Quarto project: ``_quarto.yml``, its chapter list, and what a render returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers import config
from helpers.errors import DataError

ENGINES = ("auto", "embedded", "quarto")
PDF_NAME = "oslohelsa.pdf"
HTML_NAME = "index.html"
TEMPLATE_NAME = "oslohelsa.typ"
DEFAULT_CSS = "style.css"


@dataclass(frozen=True)
class RenderResult:
    """Where the rendered report is, and which engine made it."""

    html: Path
    pdf: Path
    engine: str


# --------------------------------------------------------------------------------------------
# The chapter list
# --------------------------------------------------------------------------------------------


def load_project(quarto_file: Path | str = config.QUARTO_FILE) -> dict[str, Any]:
    """Read ``_quarto.yml`` as a dict; DataError if it is missing or is not a Quarto book."""
    path = Path(quarto_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(path, f"cannot read the Quarto project file ({exc.strerror})") from exc
    try:
        project = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise DataError(path, f"not valid YAML: {exc}", row=row) from exc
    if not isinstance(project, dict):
        raise DataError(path, "expected a YAML mapping with 'project' and 'book' keys")
    book = project.get("book")
    if not isinstance(book, dict) or not isinstance(book.get("chapters"), list):
        raise DataError(path, "expected 'book: chapters:' to be a list of chapter files")
    return project


def _chapter_entries(entries: list[Any], path: Path) -> Iterator[str]:
    for i, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict) and "part" in entry:
            part = entry["part"]
            # A part is either a title or a file holding the part's own page.
            if isinstance(part, str) and Path(part).suffix in {".qmd", ".md", ".ipynb"}:
                yield part
            yield from _chapter_entries(entry.get("chapters") or [], path)
        else:
            raise DataError(
                path,
                f"book chapter {i} must be a file name or a 'part:' entry, got {entry!r}",
                column="book.chapters",
            )


def chapters(quarto_file: Path | str = config.QUARTO_FILE) -> list[Path]:
    """The book's chapter files, in order, as absolute paths (``book.chapters``, parts included)."""
    path = Path(quarto_file)
    project = load_project(path)
    root = path.resolve().parent
    return [root / entry for entry in _chapter_entries(project["book"]["chapters"], path)]
