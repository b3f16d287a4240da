"""Tests for helpers.pipeline.suppress (FHI-style primary and secondary small-number suppression).

Every table here is SYNTHETIC: hand-built tiny tidy tables (made by ``synthetic_tidy``) or random
counts drawn by hypothesis. None of the numbers are Oslo's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.config import BYDELER, OSLO_CODE, TIDY_COLUMNS
from helpers.pipeline.suppress import assert_no_small_counts, suppress, suppressed_mask

BYDEL_CODES = list(BYDELER)


def synthetic_tidy(
    numerators: list[float | None],
    *,
    denominators: list[float] | None = None,
    oslo: bool = True,
    indicator_id: str = "test_indikator",
    period: str = "2023",
    flags: list[str] | None = None,
) -> pd.DataFrame:
    """SYNTHETIC tidy table: one group, bydel i gets numerators[i] (None = missing) and
    denominators[i] (default 1000); the Oslo total (when ``oslo``) is the sum of the known parts.
    value = 100 * numerator / denominator; the CI is value ± 1 (placeholder numbers)."""
    n = len(numerators)
    den = denominators or [1000.0] * n
    num = [np.nan if x is None else float(x) for x in numerators]
    codes = BYDEL_CODES[:n]
    rows = pd.DataFrame(
        {
            "geo_code": codes,
            "geo_name": [BYDELER[c] for c in codes],
            "geo_level": "bydel",
            "numerator": num,
            "denominator": [float(d) for d in den],
            "flag": flags or [""] * n,
        }
    )
    if oslo:
        total = pd.DataFrame(
            {
                "geo_code": [OSLO_CODE],
                "geo_name": ["Oslo"],
                "geo_level": ["kommune"],
                "numerator": [float(np.nansum(num))],
                "denominator": [float(sum(den))],
                "flag": [""],
            }
        )
        rows = pd.concat([rows, total], ignore_index=True)
    rows["indicator_id"] = indicator_id
    rows["period"] = period
    rows["year_end"] = int(period[-4:])
    rows["sex"] = "alle"
    rows["age_group"] = "alle"
    rows["value"] = 100 * rows["numerator"] / rows["denominator"]
    rows["ci_low"] = rows["value"] - 1
    rows["ci_high"] = rows["value"] + 1
    return rows[list(TIDY_COLUMNS)]


def row(df: pd.DataFrame, code: str, indicator_id: str | None = None) -> pd.Series:
    sel = df["geo_code"] == code
    if indicator_id is not None:
        sel &= df["indicator_id"] == indicator_id
    assert sel.sum() == 1
    return df.loc[sel].iloc[0]


def assert_hidden(r: pd.Series, reason: str) -> None:
    assert r["flag"] == "prikket" and r["suppression"] == reason
    assert np.isnan(r["value"]) and np.isnan(r["numerator"])
    assert np.isnan(r["ci_low"]) and np.isnan(r["ci_high"])


def assert_shown(r: pd.Series) -> None:
    assert r["flag"] == "" and r["suppression"] == ""
    assert not np.isnan(r["value"])


# ---------------------------------------------------------------------------------------------
# Primary suppression
# ---------------------------------------------------------------------------------------------
def test_primary_by_numerator_keeps_denominator():
    """Hand-built: bydel 1 has 3 < 5 cases (default threshold) and is hidden; its denominator 1000
    stays visible. No Oslo total, so no secondary suppression."""
    out = suppress(synthetic_tidy([3, 50, 60], oslo=False))
    r = row(out, "030101")
    assert_hidden(r, "primary")
    assert r["denominator"] == 1000
    assert_shown(row(out, "030102"))
    assert_shown(row(out, "030103"))


def test_primary_by_denominator_hides_denominator():
    """Hand-built: bydel 2 has 20 cases but only 25 < 30 residents (default): hidden, including
    the denominator itself."""
    out = suppress(synthetic_tidy([10, 20, 60], denominators=[1000, 25, 1000], oslo=False))
    r = row(out, "030102")
    assert_hidden(r, "primary")
    assert np.isnan(r["denominator"])
    assert_shown(row(out, "030101"))


def test_threshold_boundaries():
    """Hand-built: numerator 5 and denominator 30 equal the thresholds and are kept; 4 is not."""
    out = suppress(synthetic_tidy([5, 4, 40], denominators=[30, 1000, 1000], oslo=False))
    assert_shown(row(out, "030101"))
    assert_hidden(row(out, "030102"), "primary")


def test_unknown_numerator_and_denominator_do_not_trigger():
    """Hand-built: a row with neither numerator nor denominator (a published percentage only)
    cannot be judged and is left as it is."""
    tidy = synthetic_tidy([10, 20, 30], oslo=False)
    tidy.loc[0, ["numerator", "denominator"]] = np.nan
    tidy.loc[0, "value"] = 2.5
    out = suppress(tidy)
    assert_shown(row(out, "030101"))


def test_thresholds_per_indicator_override_defaults():
    """Hand-built: two indicators with the same counts 3, 8, 40. Indicator "a" uses defaults (5):
    only 3 is hidden. Indicator "b" sets min_numerator 10: 3 and 8 are hidden. Indicator "c" sets
    min_denominator 2000 only: all bydeler (1000 residents) are hidden, numerator default kept."""
    tidy = pd.concat(
        [synthetic_tidy([3, 8, 40], oslo=False, indicator_id=i) for i in "abc"], ignore_index=True
    )
    thresholds = {"b": {"min_numerator": 10}, "c": {"min_denominator": 2000}}
    out = suppress(tidy, thresholds)
    mask = suppressed_mask(out)
    hidden = {i: set(out.loc[mask & (out["indicator_id"] == i), "geo_code"]) for i in "abc"}
    assert hidden == {
        "a": {"030101"},
        "b": {"030101", "030102"},
        "c": {"030101", "030102", "030103"},
    }


def test_defaults_can_be_changed():
    """Hand-built: with default_min_numerator=3 a count of 3 is published, 2 is not."""
    out = suppress(synthetic_tidy([3, 2, 40], oslo=False), default_min_numerator=3)
    assert_shown(row(out, "030101"))
    assert_hidden(row(out, "030102"), "primary")


# ---------------------------------------------------------------------------------------------
# Secondary suppression
# ---------------------------------------------------------------------------------------------
def test_secondary_with_one_primary():
    """Hand-built: counts 3, 40, 12, 90 + Oslo 145. Bydel 1 (3) is primary; Oslo minus the others
    would give 3 back, so the next-smallest bydel (3rd, 12 cases) is hidden too. Denominator of the
    secondary row stays visible; the Oslo total stays published."""
    out = suppress(synthetic_tidy([3, 40, 12, 90]))
    assert_hidden(row(out, "030101"), "primary")
    r = row(out, "030103")
    assert_hidden(r, "secondary")
    assert r["denominator"] == 1000
    assert_shown(row(out, "030102"))
    assert_shown(row(out, "030104"))
    assert_shown(row(out, OSLO_CODE))


def test_no_secondary_when_oslo_total_absent():
    """Hand-built: same counts without an Oslo row: nothing can be recovered, only the primary."""
    out = suppress(synthetic_tidy([3, 40, 12, 90], oslo=False))
    assert suppressed_mask(out).sum() == 1
    assert (out["suppression"] == "secondary").sum() == 0


def test_no_secondary_when_oslo_total_suppressed_at_source():
    """Hand-built: the Oslo row carries ":" (suppressed at source, no value): no secondary."""
    tidy = synthetic_tidy([3, 40, 12, 90])
    oslo = tidy["geo_code"] == OSLO_CODE
    tidy.loc[oslo, ["value", "numerator", "ci_low", "ci_high"]] = np.nan
    tidy.loc[oslo, "flag"] = ":"
    out = suppress(tidy)
    assert suppressed_mask(out).sum() == 1


def test_no_secondary_needed_when_two_already_suppressed():
    """Hand-built: counts 3, 2, 12, 90: two primaries already hide each other's count."""
    out = suppress(synthetic_tidy([3, 2, 12, 90]))
    assert set(out.loc[suppressed_mask(out), "geo_code"]) == {"030101", "030102"}
    assert (out["suppression"] == "secondary").sum() == 0


def test_source_hidden_bydel_counts_as_hidden():
    """Hand-built: bydel 2 is ":" at source (no value) and bydel 1 has 3 cases (primary). Oslo
    minus the others gives only their sum, so no secondary suppression is needed."""
    tidy = synthetic_tidy([3, None, 12, 90], flags=["", ":", "", ""])
    out = suppress(tidy)
    assert (out["suppression"] == "secondary").sum() == 0
    assert row(out, "030102")["flag"] == ":"
    assert suppressed_mask(out, include_source=True).sum() == 2


def test_secondary_falls_back_to_oslo_when_no_bydel_left():
    """Hand-built: one bydel with 3 cases and an Oslo total of 40 (the rest without address): no
    other bydel can be hidden, so the Oslo total is hidden instead."""
    tidy = synthetic_tidy([3])
    tidy.loc[tidy["geo_code"] == OSLO_CODE, "numerator"] = 40.0
    out = suppress(tidy)
    assert_hidden(row(out, "030101"), "primary")
    assert_hidden(row(out, OSLO_CODE), "secondary")


def test_secondary_never_picks_flagged_rows():
    """Hand-built: counts 3, 0 ("-" nil at source), 12, 90: the SSB "-" row is left intact and the
    next-smallest unflagged bydel (12) is hidden."""
    tidy = synthetic_tidy([3, 0, 12, 90], flags=["", "-", "", ""])
    out = suppress(tidy)
    r = row(out, "030102")
    assert r["flag"] == "-" and r["value"] == 0 and r["suppression"] == ""
    assert_hidden(row(out, "030103"), "secondary")


def test_ssb_flags_left_intact():
    """Hand-built: rows with ".", "..", ":" and "-" keep flag and values even with small counts."""
    tidy = synthetic_tidy([1, 2, 3, 0, 60], flags=[".", "..", ":", "-", ""], oslo=False)
    out = suppress(tidy)
    pd.testing.assert_frame_equal(
        out.loc[:3, list(TIDY_COLUMNS)], tidy.loc[:3, list(TIDY_COLUMNS)], check_dtype=False
    )
    assert not suppressed_mask(out).any()


# ---------------------------------------------------------------------------------------------
# Contract: columns, purity, idempotence, guard
# ---------------------------------------------------------------------------------------------
def test_columns_and_input_not_mutated():
    """Hand-built: TIDY_COLUMNS come first and in order, then extra input columns, then
    "suppression"; the input table is unchanged (compared with a deep copy)."""
    tidy = synthetic_tidy([3, 40, 12, 90]).assign(note="x")
    before = tidy.copy(deep=True)
    out = suppress(tidy)
    pd.testing.assert_frame_equal(tidy, before)
    assert list(out.columns) == [*TIDY_COLUMNS, "note", "suppression"]
    assert out.index.equals(tidy.index)


def test_idempotent():
    """Hand-built: suppressing an already suppressed table changes nothing."""
    once = suppress(synthetic_tidy([3, 40, 12, 90, 2, 7]))
    pd.testing.assert_frame_equal(suppress(once), once)


def test_guard_accepts_suppressed_and_rejects_raw():
    """Hand-built: the raw table has a count of 3 (guard raises); after suppress() it passes. A
    table with only the primary applied (secondary undone by hand) is caught as recoverable."""
    tidy = synthetic_tidy([3, 40, 12, 90])
    with pytest.raises(ValueError, match="below the suppression thresholds") as info:
        assert_no_small_counts(tidy)
    # the message names the row in plain values (no numpy type names): bydel 1 has 3 of 1000
    assert str(info.value).endswith(
        "first at row 0: indicator_id=test_indikator, geo_code=030101, period=2023, "
        "numerator=3.0, denominator=1000.0"
    )
    out = suppress(tidy)
    assert_no_small_counts(out)
    undone = out.copy()
    sec = undone["suppression"] == "secondary"
    undone.loc[sec, ["value", "numerator", "ci_low", "ci_high"]] = tidy.loc[
        sec, ["value", "numerator", "ci_low", "ci_high"]
    ].to_numpy()
    undone.loc[sec, ["flag", "suppression"]] = ""
    with pytest.raises(ValueError, match="recovered by subtraction") as info:
        assert_no_small_counts(undone)
    assert "np." not in str(info.value) and "(first group: indicator_id=test_indikator" in str(
        info.value
    )
    assert_no_small_counts(undone, check_secondary=False)
    leaky = out.copy()
    leaky.loc[leaky["geo_code"] == "030101", "numerator"] = 3.0
    with pytest.raises(ValueError, match="still show"):
        assert_no_small_counts(leaky)


def test_guard_checks_a_small_count_shown_without_a_value():
    """Hand-built: a row with no value but its numerator (3, below the default 5) shown is
    published too, and stops the guard."""
    tidy = synthetic_tidy([30, 40, 60], oslo=False)
    tidy.loc[tidy["geo_code"] == BYDEL_CODES[0], ["numerator", "value"]] = [3.0, float("nan")]
    with pytest.raises(ValueError, match="below the suppression thresholds"):
        assert_no_small_counts(tidy)


def test_guard_uses_indicator_thresholds():
    """Hand-built: a count of 8 passes the default (5), not min_numerator 10 for its indicator."""
    tidy = synthetic_tidy([8, 40, 60], oslo=False)
    assert_no_small_counts(tidy)
    with pytest.raises(ValueError, match="below"):
        assert_no_small_counts(tidy, {"test_indikator": {"min_numerator": 10}})


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda t: suppress(t.drop(columns="flag")), "flag"),
        (lambda t: suppress(t, {"x": {"min_teller": 3}}), "unknown key"),
        (lambda t: suppress(t, {"x": {"min_numerator": -1}}), "min_numerator"),
        (lambda t: suppress(t, {"x": {"min_numerator": 2.5}}), "min_numerator"),
        (lambda t: suppress(t, default_min_denominator=-3), "default_min_denominator"),
        (lambda t: suppress(t.assign(numerator=-1.0)), "negative"),
        (lambda t: suppress(t.to_dict()), "DataFrame"),
        (lambda t: suppressed_mask(t.drop(columns="flag")), "flag"),
    ],
)
def test_bad_arguments(call, match):
    """Hand-built invalid arguments raise ValueError naming the argument or column."""
    with pytest.raises(ValueError, match=match):
        call(synthetic_tidy([3, 40, 12]))


def test_several_groups_handled_separately():
    """Hand-built: the same bydel counts in two periods and for two sexes; each group gets its own
    secondary suppression (4 groups × (1 primary + 1 secondary) = 8 hidden rows)."""
    parts = []
    for period in ("2022", "2023"):
        for sex in ("kvinner", "menn"):
            parts.append(synthetic_tidy([3, 40, 12, 90], period=period).assign(sex=sex))
    out = suppress(pd.concat(parts, ignore_index=True))
    assert suppressed_mask(out).sum() == 8
    counts = out[suppressed_mask(out)].groupby(["period", "sex"])["geo_code"].apply(set)
    assert all(codes == {"030101", "030103"} for codes in counts)


# ---------------------------------------------------------------------------------------------
# Property: Oslo minus the others never reveals one suppressed bydel
# ---------------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=15),
    pops=st.lists(st.integers(min_value=1, max_value=200), min_size=15, max_size=15),
    min_num=st.integers(min_value=1, max_value=20),
    min_den=st.integers(min_value=1, max_value=100),
    unknown=st.integers(min_value=0, max_value=5),
)
def test_property_zero_or_at_least_two_suppressed(counts, pops, min_num, min_den, unknown):
    """SYNTHETIC random counts and populations (hypothesis): after suppress(), in a group with the
    Oslo total published, either no bydel or at least two are suppressed, so no single suppressed
    count equals Oslo minus the published ones; the guard passes; no published row is small."""
    tidy = synthetic_tidy(counts, denominators=pops[: len(counts)])
    oslo = tidy["geo_code"] == OSLO_CODE
    tidy.loc[oslo, "numerator"] += unknown  # unknown address: bydeler need not sum to Oslo
    thresholds = {"test_indikator": {"min_numerator": min_num, "min_denominator": min_den}}
    out = suppress(tidy, thresholds)
    assert_no_small_counts(out, thresholds)
    is_bydel = out["geo_level"] == "bydel"
    n_hidden = int((suppressed_mask(out) & is_bydel).sum())
    if not suppressed_mask(out)[oslo].any():
        assert n_hidden != 1
    published = out[~suppressed_mask(out)]
    assert (published["numerator"].dropna() >= min_num).all()
    assert (published["denominator"].dropna() >= min_den).all()


def test_suppressed_mask_names_its_series_and_its_errors():
    """Mutation-testing survivors (benchmarks/mutation.md): the mask's name and the message."""
    import pandas as pd
    import pytest

    from helpers.pipeline import suppress as sup

    mask = sup.suppressed_mask(pd.DataFrame({"flag": ["prikket", ":", ""]}), include_source=True)
    assert mask.name == "suppressed" and mask.tolist() == [True, True, False]
    with pytest.raises(ValueError, match=r'^tidy: expected a DataFrame with a "flag" column$'):
        sup.suppressed_mask(pd.DataFrame({"value": [1.0]}))


# --- the guard runs on every output before it is written ---------------------------------------


def test_build_data_with_a_small_count_slipping_through_writes_nothing(
    tmp_path, monkeypatch, reuse_raw_tables
):
    """A SYNTHETIC fault in suppression lets one published count of 2 through: the guard in the
    pipeline stops write_build_data before any file is written."""
    from helpers import catalogue
    from helpers.pipeline import build_data
    from helpers.pipeline import suppress as suppression

    real = suppression.suppress

    def leaky(tidy, *args, **kwargs):
        out = real(tidy, *args, **kwargs)
        row = out.index[out["numerator"].notna() & (out["flag"] == "")][0]
        out.loc[row, "numerator"] = 2.0
        return out

    monkeypatch.setattr(suppression, "suppress", leaky)
    out = tmp_path / "build" / "data"
    with pytest.raises(ValueError, match="below the suppression thresholds"):
        build_data.write_build_data(out, catalogue=catalogue.load_catalogue())
    assert not out.exists() and list(tmp_path.rglob("*.parquet")) == []


def test_downloads_refuse_a_table_with_small_counts(tmp_path):
    """downloads.write checks before writing: SYNTHETIC table, one bydel with 2 cases, never
    suppressed; nothing is written."""
    import synthetic

    from helpers import catalogue
    from helpers.present import downloads

    raw = synthetic.tidy_table(small={"030105": 2})
    with pytest.raises(ValueError, match="below the suppression thresholds"):
        downloads.write(tmp_path, raw, catalogue.load_catalogue())
    assert list(tmp_path.iterdir()) == []


def test_thresholds_of_zero_suppress_nothing():
    """Hand-built: a threshold of 0 is allowed (a publisher's figures that need no suppression):
    counts of 1 and 2 stay published."""
    tidy = synthetic_tidy([1, 2, 40, 60])
    out = suppress(tidy, {"test_indikator": {"min_numerator": 0, "min_denominator": 0}})
    assert (out["flag"] == "").all() and out["numerator"].notna().all()


def test_suppression_does_not_depend_on_row_labels():
    """The same table with other row labels (reversed, not 0..n-1) is suppressed the same way."""
    tidy = pd.concat(
        [synthetic_tidy([2, 40, 60, 70]), synthetic_tidy([50, 3, 60, 80], period="2024")],
        ignore_index=True,
    )
    relabelled = tidy.set_axis(list(range(len(tidy) + 100, 100, -1)))
    expected = suppress(tidy)
    got = suppress(relabelled).set_axis(expected.index)
    pd.testing.assert_frame_equal(got, expected)


def test_a_bydel_without_a_value_counts_as_hidden_whatever_its_symbol():
    """Hand-built: bydel 1 has 3 cases (primary); bydel 2 is ".." (not available at source, no
    value or count). Oslo minus the others gives only the sum of the two, so no secondary
    suppression, as with ":"."""
    out = suppress(synthetic_tidy([3, None, 12, 90], flags=["", "..", "", ""]))
    assert_hidden(row(out, "030101"), "primary")
    assert (out["suppression"] == "secondary").sum() == 0
    assert_shown(row(out, "030103"))
    assert_no_small_counts(out)


def test_a_bydel_showing_its_percentage_without_a_count_is_not_hidden():
    """Hand-built: counts 3, 40, 12, 90 + Oslo 145, but bydel 4 publishes only its percentage
    (9.0 % of its 1 000 residents, no numerator): its count is still known, so Oslo minus the
    others would give bydel 1's 3 back, and the smallest other count (bydel 3, 12) is hidden too.
    The guard finds the same exposure when that is undone."""
    tidy = synthetic_tidy([3, 40, 12, 90])
    tidy.loc[tidy["geo_code"] == "030104", "numerator"] = np.nan
    out = suppress(tidy)
    assert_hidden(row(out, "030101"), "primary")
    assert_hidden(row(out, "030103"), "secondary")
    assert row(out, "030104")["value"] == 9.0
    undone = out.copy()
    sec = undone["suppression"] == "secondary"
    undone.loc[sec, ["value", "numerator", "flag"]] = [1.2, 12.0, ""]
    with pytest.raises(ValueError, match="recovered by subtraction") as info:
        assert_no_small_counts(undone)
    assert "np." not in str(info.value) and "(first group: indicator_id=test_indikator" in str(
        info.value
    )


def test_guard_with_default_thresholds_given_and_a_small_denominator():
    """Hand-built: counts 8, 40, 60 of 1 000 residents pass the catalogue's defaults (5 and 30),
    not defaults given as 10 cases or 2 000 residents; a bydel of 25 residents (below 30) stops
    the guard even though its count (20) is large enough."""
    tidy = synthetic_tidy([8, 40, 60], oslo=False)
    assert_no_small_counts(tidy)
    with pytest.raises(ValueError, match="below the suppression thresholds"):
        assert_no_small_counts(tidy, default_min_numerator=10)
    with pytest.raises(ValueError, match="below the suppression thresholds"):
        assert_no_small_counts(tidy, default_min_denominator=2000)
    small = synthetic_tidy([10, 20, 60], denominators=[1000, 25, 1000], oslo=False)
    with pytest.raises(ValueError, match="geo_code=030102"):
        assert_no_small_counts(small)
