"""Small-number suppression ("prikking") of the tidy indicator table before anything is shown.

Follows the practice of FHI's statistics banks (Kommunehelsa / Norgeshelsa, now
Folkehelsestatistikk): a value is hidden ("prikket") when its numerator (teller) is below a minimum
count or its denominator (nevner, the population) is below a minimum size; thresholds are set per
indicator in the catalogue. Then complementary (secondary) suppression, as in Statistics Norway's
and Eurostat's handbooks on statistical disclosure control: when the Oslo total is published and
exactly one bydel is hidden, its count could be recovered as Oslo minus the other bydeler, so one
more bydel (the one with the smallest numerator) is hidden as well.

Choices (documented for the method chapter):

- Primary suppression hides ``value``, ``numerator``, ``ci_low`` and ``ci_high`` (the interval
  would reveal the value). The ``denominator`` stays visible, since populations are published by
  SSB anyway, unless the denominator is itself below its threshold: then it is hidden too.
- Secondary suppression hides the same fields; the denominator stays visible.
- Rows that already carry an SSB symbol in ``flag`` ("." not applicable, ".." not available, ":"
  suppressed at source, "-" nil) are left exactly as they are; they are never chosen for secondary
  suppression. A bydel without a value (source-suppressed or not available) counts as hidden when
  deciding whether a hidden count could be recovered.
- Secondary suppression is needed only when our own primary suppression created the exposure
  (exactly one hidden bydel in the group, and it is ours). Bydel values do not always add up to
  Oslo (unknown address etc.); we suppress regardless. If no bydel is left to hide, the Oslo
  total is hidden instead.
- Groups are rows sharing (indicator_id, period, sex, age_group). Not handled: differencing
  across sex (alle = kvinner + menn) or across overlapping periods; the report shows one sex
  and non-overlapping periods per table.

Suppressed rows get ``flag = "prikket"`` and an extra column ``suppression`` ("primary" or
"secondary"; "" otherwise), placed after the tidy columns. The functions never mutate their input.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.config import (
    OSLO_CODE,
    SOURCE_SUPPRESSED,
    SUPPRESSED_FLAG,
    TIDY_COLUMNS,
)

__all__ = [
    "SUPPRESSED_FLAG",
    "GROUP_KEYS",
    "suppress",
    "suppressed_mask",
    "assert_no_small_counts",
]

GROUP_KEYS = ["indicator_id", "period", "sex", "age_group"]
HIDDEN_FIELDS = ["value", "numerator", "ci_low", "ci_high"]
THRESHOLD_KEYS = frozenset({"min_numerator", "min_denominator"})
# Every tidy column except the two labels suppression never reads.
_REQUIRED = [c for c in TIDY_COLUMNS if c not in ("geo_name", "year_end")]

Thresholds = Mapping[str, Mapping[str, int]]


def _check_table(tidy: pd.DataFrame, name: str = "tidy") -> None:
    if not isinstance(tidy, pd.DataFrame):
        raise ValueError(f"{name}: expected a DataFrame, got {type(tidy).__name__}")
    missing = [c for c in _REQUIRED if c not in tidy.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")
    for col in ("numerator", "denominator"):
        values = pd.to_numeric(tidy[col], errors="coerce")
        bad = values.isna() & tidy[col].notna()
        if bad.any():
            raise ValueError(
                f'{name}: column "{col}" has non-numeric value {tidy.loc[bad, col].iloc[0]!r}'
            )
        if (values < 0).any():
            raise ValueError(f'{name}: column "{col}" has negative value(s)')


def _check_min(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {value!r}")
    return int(value)


def _minimums(
    tidy: pd.DataFrame,
    thresholds: Thresholds | None,
    default_min_numerator: int | None,
    default_min_denominator: int | None,
) -> tuple[pd.Series, pd.Series]:
    """Per-row minimum numerator and denominator (indicator thresholds over the defaults;
    a default left as None is the catalogue's, ``defaults`` in data/indicators.yml)."""
    if default_min_numerator is None or default_min_denominator is None:
        from helpers.catalogue import load_catalogue

        cat = load_catalogue()
        if default_min_numerator is None:
            default_min_numerator = cat.min_numerator
        if default_min_denominator is None:
            default_min_denominator = cat.min_denominator
    d_num = _check_min(default_min_numerator, "default_min_numerator")
    d_den = _check_min(default_min_denominator, "default_min_denominator")
    thresholds = thresholds or {}
    if not isinstance(thresholds, Mapping):
        raise ValueError(f"thresholds: expected a mapping, got {type(thresholds).__name__}")
    num_map: dict[str, int] = {}
    den_map: dict[str, int] = {}
    for ind, spec in thresholds.items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"thresholds[{ind!r}]: expected a mapping, got {spec!r}")
        unknown = set(spec) - THRESHOLD_KEYS
        if unknown:
            raise ValueError(
                f"thresholds[{ind!r}]: unknown key(s) {sorted(unknown)}, expected "
                f"{sorted(THRESHOLD_KEYS)}"
            )
        if "min_numerator" in spec:
            num_map[ind] = _check_min(spec["min_numerator"], f"thresholds[{ind!r}].min_numerator")
        if "min_denominator" in spec:
            den_map[ind] = _check_min(
                spec["min_denominator"], f"thresholds[{ind!r}].min_denominator"
            )
    ind = tidy["indicator_id"]
    min_num = ind.map(num_map).fillna(d_num).astype(float)
    min_den = ind.map(den_map).fillna(d_den).astype(float)
    return min_num, min_den


def _flags(tidy: pd.DataFrame) -> pd.Series:
    return tidy["flag"].fillna("").astype(str)


def _small(
    tidy: pd.DataFrame, min_num: pd.Series, min_den: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Rows whose known numerator / denominator is below its minimum (NaN never counts)."""
    num = pd.to_numeric(tidy["numerator"], errors="coerce")
    den = pd.to_numeric(tidy["denominator"], errors="coerce")
    return num < min_num, den < min_den


def _groups(tidy: pd.DataFrame) -> pd.Series:
    """An integer group id per row for (indicator_id, period, sex, age_group); NaN keys kept."""
    return pd.Series(
        tidy.groupby(GROUP_KEYS, dropna=False, sort=False).ngroup().to_numpy(), index=tidy.index
    )


def _exposed_groups(
    tidy: pd.DataFrame, group: pd.Series, hidden: pd.Series, ours: pd.Series
) -> pd.Series:
    """Per row: is its group one where Oslo minus the others recovers our single hidden bydel?"""
    is_bydel = tidy["geo_level"].astype(str) == "bydel"
    is_oslo = tidy["geo_code"].astype(str) == OSLO_CODE
    oslo_published = is_oslo & ~hidden
    n_hidden = (hidden & is_bydel).groupby(group).transform("sum")
    n_ours = (ours & is_bydel).groupby(group).transform("sum")
    oslo_pub = oslo_published.groupby(group).transform("any")
    return (n_hidden == 1) & (n_ours == 1) & oslo_pub


def _hidden(tidy: pd.DataFrame, flag: pd.Series) -> pd.Series:
    """Rows whose count is not published: suppressed (by us or at source) or without a value."""
    no_value = tidy["value"].isna() & tidy["numerator"].isna()
    return flag.isin([SUPPRESSED_FLAG, SOURCE_SUPPRESSED]) | no_value


def suppress(
    tidy: pd.DataFrame,
    thresholds: Thresholds | None = None,
    *,
    default_min_numerator: int | None = None,
    default_min_denominator: int | None = None,
) -> pd.DataFrame:
    """A copy of ``tidy`` with primary and secondary small-number suppression applied.

    Primary: rows without an SSB flag whose numerator < min_numerator or denominator <
    min_denominator (each only when known) get ``value``, ``numerator``, ``ci_low``, ``ci_high`` =
    NaN (and ``denominator`` = NaN when it is the small one) and ``flag = "prikket"``.
    ``thresholds`` maps indicator_id → {"min_numerator": int, "min_denominator": int}; missing
    indicators or keys use the defaults.

    Secondary: in each (indicator_id, period, sex, age_group) group where the Oslo total is
    published and exactly one bydel is hidden, by our primary suppression, the unflagged bydel
    with the smallest numerator (then denominator, value, geo_code) is suppressed too; if there is
    none, the Oslo total is.

    Returns the table with TIDY_COLUMNS first and in order, any other input columns after them,
    and a ``suppression`` column ("primary", "secondary" or ""). Idempotent: rows already flagged
    "prikket" stay so.
    """
    _check_table(tidy)
    min_num, min_den = _minimums(tidy, thresholds, default_min_numerator, default_min_denominator)
    out = tidy.copy()
    flag = _flags(out)
    if "suppression" in out.columns:
        reason = out["suppression"].fillna("").astype(str)
    else:
        reason = pd.Series("", index=out.index, dtype=object)
    reason = reason.where(flag == SUPPRESSED_FLAG, "")

    small_num, small_den = _small(out, min_num, min_den)
    primary = (flag == "") & (small_num | small_den)
    reason = reason.mask(primary, "primary")
    ours = primary | (flag == SUPPRESSED_FLAG)
    hidden = _hidden(out, flag) | ours

    group = _groups(out)
    exposed = _exposed_groups(out, group, hidden, ours)
    is_bydel = out["geo_level"].astype(str) == "bydel"
    is_oslo = out["geo_code"].astype(str) == OSLO_CODE
    candidates = exposed & is_bydel & ~hidden & (flag == "")
    order = pd.DataFrame(
        {
            "group": group,
            "numerator": pd.to_numeric(out["numerator"], errors="coerce"),
            "denominator": pd.to_numeric(out["denominator"], errors="coerce"),
            "value": pd.to_numeric(out["value"], errors="coerce"),
            "geo_code": out["geo_code"].astype(str),
        }
    )[candidates]
    chosen = (
        order.sort_values(["numerator", "denominator", "value", "geo_code"], na_position="last")
        .groupby("group", sort=False)
        .head(1)
        .index
    )
    secondary = pd.Series(out.index.isin(chosen), index=out.index)
    # No bydel left to hide: hide the Oslo total instead.
    resolved = secondary.groupby(group).transform("any")
    secondary |= exposed & ~resolved & is_oslo & ~hidden & (flag == "")
    reason = reason.mask(secondary, "secondary")

    newly = primary | secondary
    for col in HIDDEN_FIELDS:
        out[col] = out[col].astype(float).mask(newly)
    out["denominator"] = out["denominator"].astype(float).mask(primary & small_den)
    out["flag"] = flag.mask(newly, SUPPRESSED_FLAG)
    out["suppression"] = reason
    first = [c for c in TIDY_COLUMNS if c in out.columns]
    rest = [c for c in out.columns if c not in first and c != "suppression"]
    return out[[*first, *rest, "suppression"]]


def suppressed_mask(tidy: pd.DataFrame, *, include_source: bool = False) -> pd.Series:
    """Boolean Series: rows suppressed by us (flag "prikket"); with ``include_source`` also ":"."""
    if not isinstance(tidy, pd.DataFrame) or "flag" not in tidy.columns:
        raise ValueError('tidy: expected a DataFrame with a "flag" column')
    flags = {SUPPRESSED_FLAG, SOURCE_SUPPRESSED} if include_source else {SUPPRESSED_FLAG}
    return _flags(tidy).isin(flags).rename("suppressed")


def _describe(row: pd.Series) -> str:
    """``column=value, …`` of one row, plain values (no numpy type names in a message)."""
    return ", ".join(f"{name}={value}" for name, value in row.items())


def assert_no_small_counts(
    tidy: pd.DataFrame,
    thresholds: Thresholds | None = None,
    *,
    default_min_numerator: int | None = None,
    default_min_denominator: int | None = None,
    check_secondary: bool = True,
) -> None:
    """Guard before output: ValueError if a published row breaks the suppression rules.

    A row is published when it has no flag and a value or numerator. It breaks the rules when its
    known numerator or denominator is below the threshold (as in ``suppress``). With
    ``check_secondary``, it is also an error when a group has the Oslo total published and exactly
    one bydel suppressed by us (its count could be recovered by subtraction). Rows with SSB symbols
    are the source's decision and are not checked.
    """
    _check_table(tidy)
    min_num, min_den = _minimums(tidy, thresholds, default_min_numerator, default_min_denominator)
    flag = _flags(tidy)
    published = (flag == "") & (tidy["value"].notna() | tidy["numerator"].notna())
    small_num, small_den = _small(tidy, min_num, min_den)
    bad = published & (small_num | small_den)
    if bad.any():
        rows = tidy.loc[bad, ["indicator_id", "geo_code", "period", "numerator", "denominator"]]
        raise ValueError(
            f"tidy: {int(bad.sum())} published row(s) below the suppression thresholds, first at "
            f"row {rows.index[0]}: {_describe(rows.iloc[0])}"
        )
    ours = flag == SUPPRESSED_FLAG
    shown = tidy[HIDDEN_FIELDS].notna().any(axis=1)
    leaked = shown & ours
    if leaked.any():
        raise ValueError(
            f'tidy: {int(leaked.sum())} row(s) flagged "{SUPPRESSED_FLAG}" still show a value, '
            f"numerator or interval, first at row {tidy.index[leaked.to_numpy()][0]}"
        )
    if check_secondary:
        group = _groups(tidy)
        exposed = _exposed_groups(tidy, group, _hidden(tidy, flag), ours)
        if exposed.any():
            first = _describe(tidy.loc[exposed, GROUP_KEYS].iloc[0])
            raise ValueError(
                "tidy: a group publishes the Oslo total with exactly one bydel suppressed, so "
                f"its count can be recovered by subtraction (first group: {first}); run suppress()"
            )
