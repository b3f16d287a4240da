"""Read a json-stat 2.0 dataset (SSB and Oslo PxWeb responses, FHI Statistikk responses) with
pyjstat into the flattened layout the CSV reader also returns. One reader for every publisher.

Columns: ``<dimension id>_kode`` (category code), then ``<dimension id>_navn`` (label) for every
dimension in ``id`` order, then ``verdi`` (float) and ``verdi_flag``. Missing values keep why they
are missing, never 0 (https://www.ssb.no/en/help/symbols):
- PxWeb writes ``null`` with the symbol in ``status`` (an object, list or one string): the flag
  is that symbol when it is an SSB symbol, else ``..``;
- FHI writes the flag string itself in ``value[]`` (``":"``, ``".."``, ``"."``) with the legend
  in ``extension.flags``: the flag is kept as it is; a string that is neither a known symbol nor
  in the legend is an error.
Tested with pyjstat 2.4 and pandas 2.3: it works; the only workaround is silencing the
DeprecationWarning pyjstat raises from its own ``Dataset.write``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from pyjstat import pyjstat

from helpers.catalogue.schemas import EMPTY_CELL_FLAG, SSB_SYMBOLS
from helpers.errors import DataError

# What the publishers' flag symbols mean (FHI's legend; SSB uses the same symbols).
FLAG_LABELS = {
    "..": "Manglende data",
    ".": "Lar seg ikke beregne",
    ":": "Anonymisert eller skjult av andre årsaker",
    "-": "Data ikke tilgjengelig",
}


def _load(source: str | Path | bytes, where: str | Path | None) -> dict:
    if isinstance(source, bytes):
        raw = source
    else:
        if not Path(source).is_file():
            raise DataError(source, "file not found")
        raw = Path(source).read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a UTF-8 byte order mark is accepted
    except UnicodeDecodeError as exc:
        raise DataError(where, f"not UTF-8 text ({exc})", row=f"byte {exc.start}") from exc
    if not text.strip():
        raise DataError(where, "file is empty; expected a json-stat 2.0 dataset", row="line 1")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(where, f"not valid JSON ({exc.msg})", row=f"line {exc.lineno}") from exc
    if not isinstance(doc, dict) or doc.get("class") != "dataset" or "dimension" not in doc:
        raise DataError(where, 'expected a json-stat 2.0 object with "class": "dataset"')
    return doc


def _flags(doc: dict, values: list, where: str | Path | None) -> tuple[list, list[str]]:
    """(values with flags replaced by None, one flag per value)."""
    n = len(values)
    status = doc.get("status") or {}
    if isinstance(status, str):
        status = dict.fromkeys(range(n), status)
    elif isinstance(status, list):
        status = dict(enumerate(status))
    legend = ((doc.get("extension") or {}).get("flags") or {}).get("index") or []
    clean: list = []
    flags: list[str] = []
    for i, v in enumerate(values):
        if isinstance(v, str):
            if v not in legend and v not in FLAG_LABELS:
                raise DataError(
                    where, f'value[{i}] is "{v}", neither a number nor a known flag', column="value"
                )
            clean.append(None)
            flags.append(v)
        elif v is None:
            symbol = status.get(str(i), status.get(i))
            clean.append(None)
            flags.append(symbol if symbol in SSB_SYMBOLS else EMPTY_CELL_FLAG)
        else:
            clean.append(v)
            flags.append("")
    return clean, flags


def read_jsonstat(source: str | Path | bytes, file: str | Path | None = None) -> pd.DataFrame:
    """Read a json-stat 2.0 dataset (a file, or the bytes of a response with ``file`` naming
    where it came from for messages) into the flattened layout (module docstring), indexed by
    1-based row in row-major order. Every problem is a DataError naming the file."""
    where = file if file is not None else (None if isinstance(source, bytes) else Path(source))
    doc = _load(source, where)
    try:
        ids = [str(d) for d in doc["id"]]
        size = [int(s) for s in doc["size"]]
        dims = {d: doc["dimension"][d] for d in ids}
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(where, f"json-stat2 without id/size/dimension ({exc})") from exc
    n_expected = int(np.prod(size))
    values = doc.get("value")
    if not isinstance(values, list):
        raise DataError(where, "expected a list of values", column="value")
    if len(values) != n_expected:
        raise DataError(
            where,
            f"{len(values)} values but the dimension sizes {doc['size']} give {n_expected}",
            column="value",
        )
    clean, flags = _flags(doc, values, where)
    doc = {k: v for k, v in doc.items() if k != "status"} | {"value": clean}
    for d in ids:  # FHI gives category.index as a list without labels; pyjstat needs labels
        cat = dims[d].get("category", {})
        if "label" not in cat and "index" in cat:
            idx = cat["index"]
            cat["label"] = {k: k for k in (idx if isinstance(idx, list) else idx.keys())}
    try:
        with warnings.catch_warnings():
            # pyjstat 2.4's own Dataset.write("dataframe") calls its deprecated from_json_stat().
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyjstat")
            dataset = pyjstat.Dataset.read(json.dumps(doc))
            labels = dataset.write("dataframe")
            codes = dataset.write("dataframe", naming="id")
    except Exception as exc:  # pyjstat raises assorted errors on malformed input
        raise DataError(where, f"pyjstat could not read the dataset ({exc})") from exc
    out = pd.DataFrame(index=pd.RangeIndex(1, len(labels) + 1))
    for i, dim in enumerate(ids):
        out[f"{dim}_kode"] = codes.iloc[:, i].astype(str).to_numpy()
    for i, dim in enumerate(ids):
        out[f"{dim}_navn"] = labels.iloc[:, i].astype(str).to_numpy()
    out["verdi"] = pd.to_numeric(labels["value"], errors="coerce").astype(float).to_numpy()
    out["verdi_flag"] = flags
    out.attrs.update(
        path=str(where) if where is not None else "",
        title=[doc.get("label", "")],
        source=doc.get("source"),
        label=doc.get("label"),
        updated=doc.get("updated"),
    )
    return out
