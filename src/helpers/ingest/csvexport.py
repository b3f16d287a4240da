"""Read a CSV export (SSB, FHI, Oslo kommune's statistikkbank): separators, decimal comma,
encodings, title and footnote lines; SSB symbols ``.`` ``..`` ``:`` ``-`` kept as flags, never 0
(https://www.ssb.no/en/help/symbols).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.catalogue.schemas import EMPTY_CELL_FLAG, SSB_SYMBOLS
from helpers.errors import DataError

_SEPARATORS = (";", ",", "\t")


def _decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode bytes; ``encoding=None`` tries UTF-8 (with or without BOM), then Latin-1 (SSB)."""
    if encoding is None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16"), "utf-16"
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            return raw.decode("latin-1"), "latin-1"
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(enc), encoding
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            path,
            f"cannot decode byte 0x{raw[exc.start]:02x} as {encoding}; expected {encoding} text "
            "(wrong encoding? re-save the file as UTF-8)",
            row=f"line {line}",
        ) from exc
    except LookupError as exc:
        raise DataError(path, f"unknown encoding {encoding!r}") from exc


def _sniff_separator(path: Path, lines: list[str], sep: str | None) -> tuple[str, int]:
    """Pick the separator giving the most rows with the same number (> 1) of fields."""
    sample = [ln for ln in lines[:60] if ln.strip()]
    best: tuple[tuple[int, int, int], str, int] | None = None
    for cand in (sep,) if sep else _SEPARATORS:
        widths = [len(r) for r in csv.reader(sample, delimiter=cand)]
        if not widths:
            continue
        counts = Counter(widths)
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        score = (int(width > 1), freq, width)
        if best is None or score > best[0]:
            best = (score, cand, width)
    if best is None or best[2] <= 1:
        shown = sep or "; or , or tab"
        raise DataError(
            path,
            f"only one column found; expected values separated by {shown} (wrong separator?)",
            row="line 1",
        )
    return best[1], best[2]


def _parse_numbers(
    path: Path, df: pd.DataFrame, column: str, decimal_comma: bool
) -> tuple[pd.Series, pd.Series]:
    """Parse one numeric column: numbers -> float; SSB symbols and empty cells -> NaN + flag."""
    text = df[column].fillna("").astype(str).str.strip()
    flag = pd.Series("", index=df.index, dtype=object)
    flag[text.isin(SSB_SYMBOLS)] = text[text.isin(SSB_SYMBOLS)]
    flag[text == ""] = EMPTY_CELL_FLAG
    cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if decimal_comma:
        cleaned = cleaned.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(cleaned.where(flag == ""), errors="coerce").astype(float)
    bad = (flag == "") & ~np.isfinite(numbers)
    if bad.any():
        idx = bad[bad].index[0]
        raise DataError(
            path,
            f'"{text[idx]}" is not a number; expected a number or one of the SSB symbols '
            f"{' '.join(SSB_SYMBOLS)}",
            row=int(idx),
            column=column,
        )
    return numbers, flag


def read_csv_export(
    path: str | Path,
    *,
    numeric: Iterable[str] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> pd.DataFrame:
    """Read a CSV export from SSB, FHI or Oslo kommune's statistikkbank into a DataFrame.

    Handles ``;`` / ``,`` / tab separators (sniffed), decimal comma (with ``;`` or tab), UTF-8 with
    or without BOM and Latin-1 (``encoding=None`` tries UTF-8 first), title lines above the header
    (kept in ``df.attrs["title"]``) and footnote lines below the data. All columns are strings
    except those in ``numeric``: they become float, with a companion ``<column>_flag`` holding the
    SSB symbol (``.`` ``..`` ``:`` ``-``) where the cell had one, ``..`` for an empty cell, and
    ``""`` for a number. The index is the 1-based data row (the row numbers in error messages).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "file is empty; expected a header line and data rows", row="line 1")
    text, used_encoding = _decode(path, raw, encoding)
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    sep, width = _sniff_separator(path, lines, sep)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))
    header_at = next(i for i, r in enumerate(rows) if len(r) == width)
    title = [" ".join(r).strip() for r in rows[:header_at] if any(c.strip() for c in r)]
    header = [c.strip().lstrip("\ufeff") for c in rows[header_at]]
    dupes = [c for c, n in Counter(header).items() if n > 1]
    if dupes or any(not c for c in header):
        what = f"duplicated column name(s) {dupes}" if dupes else "an empty column name"
        raise DataError(path, f"header has {what}; expected unique column names", row="header")
    body: list[list[str]] = []
    footer: list[str] = []
    data = [r for r in rows[header_at + 1 :] if any(c.strip() for c in r)]
    for i, r in enumerate(data):
        if len(r) == width:
            body.append([c.strip() for c in r])
            continue
        if all(len(rest) <= 1 for rest in data[i:]):  # trailing footnotes (SSB exports)
            footer = [" ".join(rest).strip() for rest in data[i:]]
            break
        raise DataError(
            path,
            f"expected {width} fields separated by {sep!r}, found {len(r)}",
            row=len(body) + 1,
        )
    if not body:
        raise DataError(
            path,
            "no data rows (header only); expected at least one data row",
            row=f"line {header_at + 2}",
        )
    df = pd.DataFrame(body, columns=header, index=pd.RangeIndex(1, len(body) + 1), dtype=object)
    decimal_comma = sep != ","
    for column in numeric or ():
        if column in df.columns:
            df[column], df[f"{column}_flag"] = _parse_numbers(path, df, column, decimal_comma)
    df.attrs.update(
        path=str(path), title=title, footer=footer, encoding=used_encoding, separator=sep
    )
    return df
