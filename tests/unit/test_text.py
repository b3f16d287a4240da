"""Bokmål number formatting (rules: Språkrådet, decimal comma and space as thousands separator)."""

import math

import pandas as pd
import pytest

from helpers.present import text

NB = text.NBSP


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (6.5, 1, "6,5"),
        (32120, 0, f"32{NB}120"),
        (1234567.891, 2, f"1{NB}234{NB}567,89"),
        (-3.26, 1, f"{text.MINUS}3,3"),
        (-0.04, 1, "0,0"),
        (0.0, 2, "0,00"),
        (float("nan"), 1, ".."),
        (None, 1, ".."),
    ],
)
def test_number(value, decimals, expected):
    """Hand-written expectations from the formatting rules in the module docstring."""
    assert text.number(value, decimals) == expected


def test_signed_number():
    assert text.number(2.5, 1, signed=True) == "+2,5"
    assert text.number(0.5, 1, signed=True) == "+0,5"
    # zero, also a value that rounds to zero, has no sign
    assert text.number(0.0, 1, signed=True) == "0,0"
    assert text.number(0.04, 1, signed=True) == "0,0"
    assert text.number(-2.5, 1, signed=True) == f"{text.MINUS}2,5"


def test_percent_and_integer():
    assert text.percent(12.86) == f"12,9{NB}%"
    assert text.integer(570411) == f"570{NB}411"


def test_interval_uses_en_dash_and_til_for_negatives():
    assert text.interval(3.1276, 10.7587) == "3,1\u201310,8"
    assert text.interval(-1.5, 2.0) == f"{text.MINUS}1,5{NB}til{NB}2,0"


def test_estimate_with_interval():
    assert text.estimate(6.93, 3.13, 10.76) == "6,9 (3,1\u201310,8)"
    assert text.estimate(math.nan, 1, 2) == ".."


def test_value_cell_flags():
    assert text.value_cell(1.0, "prikket") == "prikket"
    assert text.value_cell(math.nan, "..") == ".."
    assert text.value_cell(4.25, "", 2) == "4,25"


def test_join_names():
    assert text.join_names([]) == ""
    assert text.join_names(["Sagene"]) == "Sagene"
    assert text.join_names(["Alna", "Bjerke", "Grorud"]) == "Alna, Bjerke og Grorud"


def test_markdown_table_with_caption_and_label():
    df = pd.DataFrame({"Bydel": ["Alna"], "Verdi": ["4,2"]})
    out = text.markdown_table(df, caption="Test", label="x")
    assert "| Alna" in out and "4,2 |" in out
    assert out.rstrip().endswith(": Test {#tbl-x}")
    # second column right-aligned
    assert "---:|" in out


def test_markdown_table_aligns_numbers_right_and_text_left():
    """Numbers, intervals (also "−1,5 til 2,0") and "prikket" right; names left."""
    df = pd.DataFrame(
        {
            "Bydel": ["Alna", "Sagene"],
            "Verdi": ["4,2", "prikket"],
            "KI": [f"{text.MINUS}1,5{NB}til{NB}2,0", ""],
        }
    )
    header_rule = text.markdown_table(df).splitlines()[1]
    bydel, verdi, ki = header_rule.split("|")[1:4]
    assert bydel.startswith(":") and not bydel.endswith(":")
    assert verdi.endswith(":") and ki.endswith(":")


def test_markdown_table_widths_set_separator_dash_lengths():
    """pandoc takes relative column widths from the separator line's dashes."""
    df = pd.DataFrame({"A": ["x"], "B": ["1"]})
    rule = text.markdown_table(df, widths=[3, 1]).splitlines()[1]
    a, b = rule.split("|")[1:3]
    assert len(a) == 75 and len(b) == 25 and b.endswith(":")
    with pytest.raises(ValueError, match="widths"):
        text.markdown_table(df, widths=[1])


def test_percent_missing_and_decimals():
    assert text.percent(math.nan) == ".."
    assert text.percent(None) == ".."
    assert text.percent(12.3456, 2) == f"12,35{NB}%"


def test_ties_and_names_at_the_printed_precision():
    """At two decimals 3,801 and 3,804 print alike (3,80) and 3,81 does not; at one decimal all
    three print 3,8."""
    values = pd.Series([3.801, 3.804, 3.81])
    assert text.tied_at(values, 3.8, decimals=2).tolist() == [True, True, False]
    assert text.named_values(["Alna"], 3.814, 2) == "Alna (3,81)"
    published = pd.DataFrame({"geo_name": ["Alna", "Bjerke", "Grorud"], "value": values})
    assert text.extreme_text(published, 3.81, 2) == "Grorud (3,81)"
    assert text.extreme_text(published, 3.801, 2) == "Alna og Bjerke (begge 3,80)"
    assert text.extreme_text(published, 3.81) == "Alna, Bjerke og Grorud (alle 3,8)"


def test_suppression_note_with_suppressed_and_missing():
    assert text.suppression_note(["Sagene"], ["Marka"]) == (
        "Små tall er prikket og holdt utenfor beregningene: Sagene. "
        "Mangler i kilden og holdt utenfor beregningene: Marka."
    )


def test_markdown_table_keeps_codes_and_numbers_as_written():
    """Cells are printed as given: a bydel code keeps its leading zero, "1e3" is not a number."""
    df = pd.DataFrame({"Kode": ["030101"], "Verdi": ["1e3"]})
    body = text.markdown_table(df).splitlines()[2]
    assert body == "| 030101 | 1e3     |"


def test_markdown_table_caption_without_label():
    df = pd.DataFrame({"Bydel": ["Alna"]})
    assert text.markdown_table(df, caption="Tekst").endswith("\n\n: Tekst\n")


def test_markdown_table_widths_change_only_the_separator_line():
    """A column's dashes: its share of 100, at least 3 (1 of 100 is raised to 3, 99 of 100 gives
    99); a text column starts with ":", a number column ends with it."""
    df = pd.DataFrame({"A": ["x", "y"], "B": ["1", "2"]})
    plain = text.markdown_table(df).splitlines()
    sized = text.markdown_table(df, widths=[1, 99]).splitlines()
    assert len(sized) == len(plain) and sized[0] == plain[0] and sized[2:] == plain[2:]
    assert sized[1] == "|:--|" + "-" * 98 + ":|"


def test_interval_missing_limit_and_limits_from_zero():
    """Either limit missing prints ".."; an en dash unless a limit is below zero (0 is not)."""
    assert text.interval(1.0, math.nan) == ".."
    assert text.interval(None, 2.0) == ".."
    assert text.interval(0.0, 1.5) == "0,0\u20131,5"
    assert text.interval(0.5, 1.5) == "0,5\u20131,5"
    assert text.interval(0.0, 0.0) == "0,0\u20130,0"
    assert text.interval(0.2, 0.8) == "0,2\u20130,8"
    assert text.interval(-0.5, 1.5) == f"{text.MINUS}0,5{NB}til{NB}1,5"


def test_value_cell_prints_each_ssb_symbol_and_one_decimal():
    """SSB's symbols ("." not applicable, ".." not available, ":" suppressed at source, "-" nil)
    print as themselves, even where a number is left in the row; the default is one decimal."""
    assert [text.value_cell(0.0, f) for f in (".", "..", ":", "-")] == [".", "..", ":", "-"]
    assert text.value_cell(math.nan, ":") == ":"
    assert text.value_cell(6.54) == "6,5"
