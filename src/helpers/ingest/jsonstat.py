"""Read a json-stat 2.0 dataset (PxWeb API response) with pyjstat into the flattened layout the
CSV reader also returns.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import DataError
from helpers.schemas import (
    EMPTY_CELL_FLAG,
    SSB_SYMBOLS,
)


def read_jsonstat(path: str | Path) -> pd.DataFrame:
    """Read a json-stat 2.0 dataset (PxWeb API response) with pyjstat into the flattened layout.

    Columns: ``<dimension id>_kode`` (category code), then ``<dimension id>_navn`` (label) for every
    dimension in ``id`` order, then ``verdi`` (float) and ``verdi_flag`` - the same table that
    :func:`read_csv_export` returns for the flattened CSVs in data/raw. ``null`` values become NaN
    with the dataset's ``status`` symbol as flag (``..`` when there is none).
    Tested with pyjstat 2.4 and pandas 2.3: it works; the only workaround is silencing the
    DeprecationWarning pyjstat raises from its own ``Dataset.write``.
    """
    from pyjstat import pyjstat

    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise DataError(path, "file is empty; expected a json-stat 2.0 dataset", row="line 1")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON ({exc.msg})", row=f"line {exc.lineno}") from exc
    if not isinstance(raw, dict) or raw.get("class") != "dataset" or "dimension" not in raw:
        raise DataError(path, 'expected a json-stat 2.0 object with "class": "dataset"')
    ids: list[str] = list(raw["id"])
    n_expected = int(np.prod(raw["size"]))
    values = raw.get("value")
    n_values = len(values) if isinstance(values, list) else None
    if n_values is not None and n_values != n_expected:
        raise DataError(
            path,
            f"{n_values} values but the dimension sizes {raw['size']} give {n_expected}",
            column="value",
        )
    try:
        with warnings.catch_warnings():
            # pyjstat 2.4's own Dataset.write("dataframe") calls its deprecated from_json_stat().
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyjstat")
            dataset = pyjstat.Dataset.read(text)
            labels = dataset.write("dataframe")
            codes = dataset.write("dataframe", naming="id")
    except Exception as exc:  # pyjstat raises assorted errors on malformed input
        raise DataError(path, f"pyjstat could not read the dataset ({exc})") from exc
    out = pd.DataFrame(index=pd.RangeIndex(1, len(labels) + 1))
    for i, dim in enumerate(ids):
        out[f"{dim}_kode"] = codes.iloc[:, i].astype(str).to_numpy()
    for i, dim in enumerate(ids):
        out[f"{dim}_navn"] = labels.iloc[:, i].astype(str).to_numpy()
    out["verdi"] = pd.to_numeric(labels["value"], errors="coerce").astype(float).to_numpy()
    status = raw.get("status") or {}
    if isinstance(status, str):
        status = dict.fromkeys(range(n_expected), status)
    elif isinstance(status, list):
        status = dict(enumerate(status))
    flags = np.full(len(out), "", dtype=object)
    missing = out["verdi"].isna().to_numpy()
    for pos in np.flatnonzero(missing):
        symbol = status.get(str(pos), status.get(pos))
        flags[pos] = symbol if symbol in SSB_SYMBOLS else EMPTY_CELL_FLAG
    out["verdi_flag"] = flags
    out.attrs.update(path=str(path), title=[raw.get("label", "")], source=raw.get("source"))
    return out
