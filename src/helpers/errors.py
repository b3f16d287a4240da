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


def stopped_by(exc: DataError) -> int:
    """Tell the user on stderr that bad input stopped the build; the exit status (2)."""
    import sys

    print(f"Feil i inndata, rapporten er ikke bygget: {exc}", file=sys.stderr)
    return 2


def _relative(path: str | Path) -> Path:
    """Show paths relative to the project root when they live inside it."""
    p = Path(path)
    try:
        from helpers.config import ROOT

        return p.resolve().relative_to(ROOT)
    except (ValueError, RuntimeError, OSError):
        return p


class ParameterError(ValueError):
    """A user's mistake in a build option or notebook parameter: one or two lines that name the
    parameter, the value given and the valid choices.

    In Jupyter (and under papermill) IPython shows only :meth:`_render_traceback_`, so the user
    sees the message, not a stack of frames; papermill still records an error output and fails.
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mParameterError\x1b[0m: {self}"]


class StaleDataError(DataError):
    """The built data (``build/data``) is older than what it is built from: the message names
    the newer inputs and the command that rebuilds it. Shown without a traceback in IPython."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mStaleDataError\x1b[0m: {self}"]
