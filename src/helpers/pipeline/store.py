"""Read ``build/data/indicators.parquet`` for the notebooks and the report, and say when it is
stale (older than the raw files, catalogue, manifest or data code it was built from).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.config import (
    DATA_RAW,
    TIDY_COLUMNS,
    build_data_dir,
)
from helpers.errors import DataError
from helpers.pipeline.build_data import write_build_data
from helpers.schemas import (
    TIDY_SCHEMA,
    validate,
)

# What build/data is made from besides data/raw, the catalogue, the manifest and the shapes:
# every helpers module except these, which only read the built data or present it.
_NOT_DATA_CODE = frozenset(
    {"build", "render", "report", "plots", "text", "gradient", "inequality", "models", "params"}
)
REBUILD_DATA_COMMAND = "python -m helpers.build --data-only"


def data_inputs() -> list[Path]:
    """The files ``build/data`` is built from: raw tables, shapes, catalogue, manifest and the
    helpers code that reads, checks and suppresses them."""
    from helpers.config import CATALOGUE_FILE, ROOT, SHAPES, SOURCES_FILE

    code = [
        p for p in sorted((ROOT / "src" / "helpers").glob("*.py")) if p.stem not in _NOT_DATA_CODE
    ]
    raw = sorted(p for folder in (DATA_RAW, SHAPES) for p in folder.rglob("*") if p.is_file())
    return [*raw, CATALOGUE_FILE, SOURCES_FILE, *code]


def stale_inputs(built: Path) -> list[Path]:
    """Inputs changed after ``built`` was written (by modification time)."""
    made = built.stat().st_mtime
    return [p for p in data_inputs() if p.is_file() and p.stat().st_mtime > made]


def check_fresh(built: Path) -> None:
    """``StaleDataError`` when ``built`` is older than any of its inputs, naming them and the
    command that rebuilds it. Nothing is rebuilt behind the user's back."""
    newer = stale_inputs(built)
    if not newer:
        return
    from helpers.config import ROOT
    from helpers.errors import StaleDataError

    names = [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in newer]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    raise StaleDataError(
        built,
        f"built before {shown} changed; run `{REBUILD_DATA_COMMAND}` (or `make report`), "
        "then rerun the notebook (restart the kernel first if you edited src/helpers)",
    )


def load_tidy(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``indicators.parquet`` (default in ``config.build_data_dir()``, built from the raw
    files when it does not exist yet) and validate it.

    The default file is checked against its inputs first (:func:`check_fresh`): data built
    before a raw file, the catalogue or the data code changed is an error that says what to run.

    Columns: ``config.TIDY_COLUMNS`` in order, then any extra ones (``suppression``).
    """
    file = Path(path) if path is not None else build_data_dir() / "indicators.parquet"
    if path is None and not file.is_file():
        # A fresh clone opened in Jupyter: build the tidy data from data/raw first, so every
        # notebook runs top to bottom with its defaults.
        from helpers.catalogue import load_catalogue

        print(f"{file} does not exist yet: building it from data/raw ({REBUILD_DATA_COMMAND})")
        write_build_data(catalogue=load_catalogue())
    elif path is None:
        check_fresh(file)
    if not file.is_file():
        raise DataError(file, "file not found; run the data build first (write_build_data())")
    try:
        df = pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises several error types for broken files
        raise DataError(file, f"cannot read parquet ({exc})") from exc
    missing = [c for c in TIDY_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(file, f"missing columns {missing}; expected {list(TIDY_COLUMNS)}")
    extra = [c for c in df.columns if c not in TIDY_COLUMNS]  # e.g. "suppression"
    df = df.loc[:, [*TIDY_COLUMNS, *extra]]
    df.index = pd.RangeIndex(1, len(df) + 1)
    validate(df, TIDY_SCHEMA, file)
    return df.reset_index(drop=True)
