"""Errors a person can act on: which file, which row or feature, which column, what was expected."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Bad input data. The message names the file, the row (1-based data row, or feature), the
    column and what was expected.

    Example: ``data/raw/x.csv, row 17, column "geografi_navn": unknown bydel "Nordre Akre"``.
    """

    def __init__(
        self,
        file: str | Path | None,
        message: str,
        *,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(_relative(file)) if file is not None else None
        self.row = row
        self.column = column
        self.detail = message
        parts = [self.file or "<input>"]
        if row is not None:
            parts.append(f"row {row}" if isinstance(row, int) else str(row))
        if column is not None:
            parts.append(f'column "{column}"')
        super().__init__(", ".join(parts) + ": " + message)


def _relative(path: str | Path) -> Path:
    """Show paths relative to the project root when they live inside it."""
    p = Path(path)
    try:
        from helpers.config import ROOT

        return p.resolve().relative_to(ROOT)
    except (ValueError, RuntimeError, OSError):
        return p
