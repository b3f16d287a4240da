"""Build ``build/data``: all indicators, population and geometry, validated, checked against the
catalogue, small numbers suppressed, then written atomically.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import publish
from helpers.catalogue.schemas import TIDY_SCHEMA, validate
from helpers.config import (
    build_data_dir,
)
from helpers.ingest.geo import check_coverage, load_bydeler
from helpers.pipeline import suppress
from helpers.pipeline.denominators import _population
from helpers.pipeline.loaders import INDICATOR_LOADERS, INDICATOR_TABLES, load_indicator


def build_tidy(paths: dict[str, str | Path] | None = None) -> pd.DataFrame:
    """All available indicators as one validated tidy table (``config.TIDY_COLUMNS``).

    ``paths`` maps raw table keys (``sos006``, ``bef005``, …) to replacement files.
    """
    return _build(paths)[0]


def _build(paths: dict[str, str | Path] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = paths or {}
    population = _population(paths)
    frames = [
        load_indicator(ind, paths.get(INDICATOR_TABLES[ind]), population=population)
        for ind in INDICATOR_LOADERS
    ]
    tidy = pd.concat(frames, ignore_index=True)
    validate(tidy, TIDY_SCHEMA, "tidy indicator table")
    public_population = population.drop(columns=["_row", "_file"]).reset_index(drop=True)
    return tidy, public_population


def write_build_data(
    out_dir: str | Path | None = None,
    *,
    paths: dict[str, str | Path] | None = None,
    catalogue: Any | None = None,
) -> Path:
    """Build and write ``indicators.parquet``, ``population.parquet`` and ``bydeler.parquet``
    (GeoParquet, EPSG:25833) to ``out_dir`` (default ``config.build_data_dir()``); returns it.

    Steps: load and check the bydel geometry, build the validated tidy table
    (:func:`build_tidy`), check it against ``catalogue`` when given
    (``helpers.catalogue.check_against_data``), apply small-number suppression
    (``helpers.pipeline.suppress.suppress`` with the catalogue's thresholds, or its defaults),
    check that geometry and data cover the same bydeler. Everything is built and validated first
    and written to a temporary folder next to ``out_dir``; the files are then moved in with
    ``os.replace``.
    A failure therefore leaves no half-written files and any previous output untouched.
    ``paths`` as in :func:`build_tidy` (key ``geo`` replaces the bydel geometry file).
    """
    paths = paths or {}
    out = Path(out_dir) if out_dir is not None else build_data_dir()
    bydeler = load_bydeler(crs=25833, path=paths.get("geo"))  # cheap: fail fast
    tidy, population = _build(paths)
    if catalogue is not None:
        from helpers.catalogue import check_against_data

        check_against_data(catalogue, tidy, source="tidy indicator table")
        tidy = suppress.suppress(tidy, catalogue.thresholds())
    else:
        tidy = suppress.suppress(tidy)
    validate(tidy, TIDY_SCHEMA, "tidy indicator table (after suppression)")
    # The guard before anything is published: no row below the suppression thresholds.
    suppress.assert_no_small_counts(tidy, catalogue.thresholds() if catalogue is not None else None)
    check_coverage(bydeler, tidy["geo_code"].unique(), file=paths.get("geo"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
    try:
        tidy.to_parquet(tmp / "indicators.parquet", index=False)
        population.to_parquet(tmp / "population.parquet", index=False)
        bydeler.to_parquet(tmp / "bydeler.parquet", index=False)
        out.mkdir(parents=True, exist_ok=True)
        names = ("indicators.parquet", "population.parquet", "bydeler.parquet")
        publish.replace_files(tmp, out, names)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
