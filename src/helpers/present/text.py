"""Bokmål text for the report: numbers with decimal comma, intervals, tables and finding sentences.

Norwegian typography (Språkrådet): decimal comma, a space as thousands separator (we use a
no-break space so numbers never wrap), an en dash in ranges and intervals, and "prosent" or "%"
with a space before the sign. Suppressed values print as "prikket".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from helpers.config import SUPPRESSED_FLAG

NBSP = "\u00a0"  # no-break space: thousands separator and before units
EN_DASH = "\u2013"
MINUS = "\u2212"
SUPPRESSED = SUPPRESSED_FLAG  # the label suppressed values print as
MISSING = ".."


def _is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def number(x: float | int | None, decimals: int = 1, *, signed: bool = False) -> str:
    """Format a number the Norwegian way: ``1234.5`` → ``"1 234,5"`` (no-break space)."""
    if _is_missing(x):
        return MISSING
    x = float(x)
    if round(x, decimals) == 0:
        x = 0.0  # avoid "-0,0"
    body = f"{abs(x):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    if x < 0:
        return MINUS + body
    return ("+" + body) if signed and x > 0 else body


def integer(x: float | int | None) -> str:
    """A count: ``32120`` → ``"32 120"``."""
    return number(x, 0)


def percent(x: float | None, decimals: int = 1) -> str:
    """A percentage already on the 0–100 scale: ``12.86`` → ``"12,9 %"``."""
    return MISSING if _is_missing(x) else f"{number(x, decimals)}{NBSP}%"


def interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """A confidence interval: ``(3.1, 10.8)`` → ``"3,1–10,8"``; negative bounds keep their minus."""
    if _is_missing(low) or _is_missing(high):
        return MISSING
    sep = f"{NBSP}til{NBSP}" if (low < 0 or high < 0) else EN_DASH
    return f"{number(low, decimals)}{sep}{number(high, decimals)}"


def estimate(value: float | None, low: float | None, high: float | None, decimals: int = 1) -> str:
    """Estimate with its 95 % interval: ``"6,9 (3,1–10,8)"``."""
    if _is_missing(value):
        return MISSING
    return f"{number(value, decimals)} ({interval(low, high, decimals)})"


def value_cell(value: float | None, flag: str = "", decimals: int = 1) -> str:
    """A table cell: the value, or "prikket" for suppressed rows, or ".." when not available."""
    if flag == SUPPRESSED:
        return SUPPRESSED
    if flag in {".", "..", ":", "-"}:
        return flag
    return number(value, decimals)


def join_names(names: Iterable[str]) -> str:
    """``["A", "B", "C"]`` → ``"A, B og C"``."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def extreme_text(published: pd.DataFrame, value: float, decimals: int = 1) -> str:
    """Every bydel of ``published`` (``geo_name``, ``value``) printing as ``value``, ties at the
    printed precision named as ties."""
    names = published.loc[tied_at(published["value"], value, decimals), "geo_name"]
    return named_values(names, value, decimals)


def named_values(names: Iterable[str], value: float | None, decimals: int = 1) -> str:
    """Places sharing one printed value, ties named as ties: ``"Stovner (9,1)"``,
    ``"St. Hanshaugen og Vestre Aker (begge 3,8)"``, ``"A, B og C (alle 3,8)"``."""
    items = list(names)
    shown = number(value, decimals)
    if len(items) == 1:
        return f"{items[0]} ({shown})"
    return f"{join_names(items)} ({'begge' if len(items) == 2 else 'alle'} {shown})"


def tied_at(values: pd.Series, target: float, decimals: int = 1) -> pd.Series:
    """Boolean mask: values that print the same as ``target`` at ``decimals`` (ties in print)."""
    return values.map(lambda v: number(v, decimals)) == number(target, decimals)


def suppression_note(suppressed: Iterable[str], missing: Iterable[str] = ()) -> str:
    """What a table or chapter says about small numbers: who was suppressed ("prikket"), who is
    missing from the source, or that nothing had to be suppressed."""
    suppressed, missing = list(suppressed), list(missing)
    parts = []
    if suppressed:
        parts.append(
            f"Små tall er prikket og holdt utenfor beregningene: {join_names(suppressed)}."
        )
    else:
        parts.append("Ingen tall måtte prikkes.")
    if missing:
        parts.append(f"Mangler i kilden og holdt utenfor beregningene: {join_names(missing)}.")
    return " ".join(parts)


_NUMERIC_CELL = rf"[\d\s\u00a0,.%()\u2013\u2212+-]*|{SUPPRESSED}|\.\.|:"


def markdown_table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    label: str | None = None,
    widths: list[float] | None = None,
) -> str:
    """A pandoc/Quarto pipe table with an optional caption line ``: caption {#tbl-label}``.

    ``widths`` gives relative column widths (pandoc reads them from the lengths of the dashes
    in the separator line); by default they follow the longest cell of each column.

    Cells are rendered as given (format numbers with this module first); columns holding only
    numbers (or intervals, "prikket", "..") are right-aligned, text columns left-aligned.
    """
    align = [
        "right"
        if df[col].astype(str).str.replace("til", "").str.fullmatch(_NUMERIC_CELL).all()
        else "left"
        for col in df.columns
    ]
    table = df.to_markdown(index=False, colalign=align, disable_numparse=True)
    if widths is not None:
        if len(widths) != df.shape[1]:
            raise ValueError(f"widths: {len(widths)} values for {df.shape[1]} columns")
        lines = table.splitlines()
        total = sum(widths)
        cells = []
        for a, w in zip(align, widths, strict=True):
            dashes = "-" * max(3, round(100 * w / total))
            cells.append(dashes[:-1] + ":" if a == "right" else ":" + dashes[1:])
        lines[1] = "|" + "|".join(cells) + "|"
        table = "\n".join(lines)
    if caption:
        suffix = f" {{#tbl-{label}}}" if label else ""
        table += f"\n\n: {caption}{suffix}"
    return table + "\n"


def trend_word(narrowing: bool | None, what: str = "forskjellen") -> str:
    """Bokmål wording for a change in the gap over time; ``what`` names the gap, e.g.
    "den relative forskjellen"."""
    if narrowing is None:
        return f"ingen tydelig endring i {what}"
    return f"{what} har blitt mindre" if narrowing else f"{what} har økt"
