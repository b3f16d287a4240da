"""Read ``build/data/indicators.parquet`` for the notebooks and the report, and say when it is
missing or stale (older than the raw files, catalogue, manifest or data code it was built from).

Reading only: nothing here builds or writes ``build/data`` (:mod:`helpers.pipeline.build_data`
does, called by ``helpers.build``). Missing or stale data is a :class:`StaleDataError` naming the
command that (re)builds it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.catalogue.schemas import TIDY_SCHEMA, validate
from helpers.config import (
    CATALOGUE_FILE,
    DATA_RAW,
    ROOT,
    SHAPES,
    SOURCES_FILE,
    TIDY_COLUMNS,
    build_data_dir,
)
from helpers.errors import DataError, StaleDataError

# What build/data is made from besides data/raw, the catalogue, the manifest and the shapes: the
# code that reads, checks, assembles and suppresses the data. Everything else in src/helpers
# (statistics, text, plots, tables, rendering, the build driver) only reads the built data.
# Entries are subpackages (every module in them) or top-level modules, by name.
DATA_CODE: tuple[str, ...] = ("ingest", "pipeline", "catalogue", "config", "errors", "publish")
REBUILD_DATA_COMMAND = "python -m helpers.build --data-only"


def data_code() -> list[Path]:
    """The modules of :data:`DATA_CODE` that exist (a name may be a module or a package)."""
    helpers = ROOT / "src" / "helpers"
    found: list[Path] = []
    for name in DATA_CODE:
        if (helpers / name).is_dir():
            found += sorted((helpers / name).rglob("*.py"))
        elif (helpers / f"{name}.py").is_file():
            found.append(helpers / f"{name}.py")
    return found


def data_inputs() -> list[Path]:
    """The files ``build/data`` is built from: raw tables, shapes, catalogue, manifest and the
    helpers code that reads, checks and suppresses them (:data:`DATA_CODE`)."""
    raw = sorted(p for folder in (DATA_RAW, SHAPES) for p in folder.rglob("*") if p.is_file())
    return [*raw, CATALOGUE_FILE, SOURCES_FILE, *data_code()]


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
    names = [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in newer]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    raise StaleDataError(
        built,
        f"built before {shown} changed; run `{REBUILD_DATA_COMMAND}` (or `make report`), "
        "then rerun the notebook (restart the kernel first if you edited src/helpers)",
    )


def load_tidy(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``indicators.parquet`` (default in ``config.build_data_dir()``) and validate it.

    Only reads. The default file must exist and be newer than its inputs (:func:`check_fresh`):
    data not built yet, or built before a raw file, the catalogue or the data code changed, is a
    :class:`StaleDataError` that says what to run.

    Columns: ``config.TIDY_COLUMNS`` in order, then any extra ones (``suppression``).
    """
    file = Path(path) if path is not None else build_data_dir() / "indicators.parquet"
    if not file.is_file():
        raise StaleDataError(
            file,
            f"not built yet; run `{REBUILD_DATA_COMMAND}` (or `make report`) to build the tidy "
            "data from data/raw, then rerun the notebook",
        )
    if path is None:
        check_fresh(file)
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
