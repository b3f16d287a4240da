"""Indicators computed from a shipped raw table, declared in the catalogue (``compute:``).

A ``compute`` block (:class:`helpers.catalogue.models.ComputeModel`) says which raw table, which
rows (``select``) and which denominator: an indicator from a table already in ``data/raw`` needs
no code. :func:`check_compute` checks the block against the table's description in
:data:`helpers.catalogue.raw_tables.RAW_TABLES` when the catalogue is loaded, so a wrong column or
category names the catalogue entry, not a row of the data build.
"""

from __future__ import annotations

from pathlib import Path

from helpers.catalogue.entries import _unknown
from helpers.catalogue.models import ComputeModel
from helpers.catalogue.raw_tables import POPULATION_AGES, RAW_TABLES
from helpers.errors import DataError


def check_compute(path: Path, compute: ComputeModel, row: str, status: str) -> None:
    """An indicator's ``compute`` block against the raw table it names (no pandas needed)."""

    def error(message: str, field: str) -> DataError:
        return DataError(path, message, row=row, column=f"compute.{field}")

    if status != "available":
        raise DataError(path, "only an available indicator is computed", row=row, column="status")
    table = RAW_TABLES.get(compute.table)
    if table is None:
        raise error(_unknown("raw table", compute.table, RAW_TABLES), "table")
    for column, values in compute.select.items():
        col = table.columns.get(column)
        if col is None or col.kind != "label":
            labels = [c for c, v in table.columns.items() if v.kind == "label"]
            raise error(
                f"{column!r} is not a label column of {table.filename}; expected one of "
                f"{', '.join(labels)}",
                "select",
            )
        for value in values:
            if col.allowed is not None and value not in col.allowed:
                raise error(
                    f"{value!r} is not a value of {column!r} in {table.filename}; expected one "
                    f"of {', '.join(col.allowed)}",
                    "select",
                )
    if compute.kind == "count_rate":
        if not compute.ages:
            raise error("a count_rate needs the population age groups of its denominator", "ages")
        for age in compute.ages:
            if age not in POPULATION_AGES:
                raise error(
                    f"{age!r} is not a population age group; expected some of "
                    f"{', '.join(POPULATION_AGES)}",
                    "ages",
                )
        if "verdi" not in table.columns:
            raise error(f"{table.filename} has no verdi column to count", "kind")
        return
    numeric = table.numeric_columns
    for field, names in (("numerator", compute.numerator), ("denominator", compute.denominator)):
        if not names:
            raise error(f"a share needs its {field} column(s)", field)
        for name in [names] if isinstance(names, str) else names:
            if name not in numeric:
                raise error(
                    f"{name!r} is not a numeric column of {table.filename}; expected one of "
                    f"{', '.join(numeric)}",
                    field,
                )


def computed(catalogue=None) -> dict[str, tuple[str, dict]]:
    """``{indicator id: (kind, keyword arguments)}`` for every available indicator with a
    ``compute`` block, in catalogue order: ``helpers.data`` builds its ``CountRate``/``Share``
    from the arguments (``table``, ``select``, ``age_group``, ``note`` and ``ages``, or
    ``numerator`` and ``denominator``)."""
    from helpers.catalogue.load import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    out: dict[str, tuple[str, dict]] = {}
    for ind in cat.available():
        c: ComputeModel | None = ind.compute
        if c is None:
            continue
        kwargs: dict = {
            "table": c.table,
            "select": {k: tuple(v) for k, v in c.select.items()},
            "age_group": c.age_group,
            "note": c.note,
        }
        if c.kind == "count_rate":
            kwargs["ages"] = tuple(c.ages or ())
        else:
            kwargs["numerator"] = tuple(c.numerator or ())
            kwargs["denominator"] = c.denominator
        out[ind.id] = (c.kind, kwargs)
    return out
