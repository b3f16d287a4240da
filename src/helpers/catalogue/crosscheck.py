"""Catalogue vs. data: the tidy indicator table and ``data/indicators.yml`` must agree."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from helpers import config
from helpers.catalogue.entries import Catalogue, _unknown
from helpers.errors import DataError

if TYPE_CHECKING:  # pandas is imported where used: checking a build option must be quick
    import pandas as pd


def check_against_data(
    catalogue: Catalogue, tidy: pd.DataFrame, *, source: str | Path | None = None
) -> None:
    """Check that the tidy indicator table and the catalogue agree.

    Raises DataError when an indicator_id in the data is neither a catalogue indicator nor a
    ranking variable, when an ``available`` indicator has no rows, or when a ``planned``
    indicator (or planned ranking variable) has rows. ``source`` names the data file in the
    message (default: the catalogue file).
    """
    file = source if source is not None else catalogue.path
    cat_name = _display(catalogue.path)
    if "indicator_id" not in tidy.columns:
        raise DataError(file, "the tidy table has no indicator_id column", column="indicator_id")
    in_data = {str(v) for v in tidy["indicator_id"].dropna().unique()}
    ranking_ids = {r.id for r in catalogue.ranking_variables}
    known = set(catalogue.ids()) | ranking_ids

    unknown = sorted(in_data - known)
    if unknown:
        hints = "; ".join(_unknown("indicator", u, known) for u in unknown)
        raise DataError(
            file,
            f"indicator(s) {', '.join(unknown)} are in the data but not in {cat_name} ({hints})",
            row=f'indicator "{unknown[0]}"',
            column="indicator_id",
        )
    missing = [i for i in catalogue.ids("available") if i not in in_data]
    if missing:
        raise DataError(
            file,
            f"{', '.join(missing)} marked available in {cat_name} but the data have no rows for "
            "it (add the data, or set status: planned)",
            row=f'indicator "{missing[0]}"',
            column="status",
        )
    planned = [i for i in catalogue.ids("planned") if i in in_data]
    planned += [r.id for r in catalogue.ranking_variables if not r.is_available and r.id in in_data]
    if planned:
        raise DataError(
            file,
            f"{', '.join(planned)} marked planned in {cat_name} but the data have rows for it "
            "(planned indicators never get values; set status: available with a source)",
            row=f'indicator "{planned[0]}"',
            column="status",
        )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)
