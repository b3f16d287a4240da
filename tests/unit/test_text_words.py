"""Words that match the numbers: ties at printed precision, suppression notes, turnout note.
Synthetic tables (tests/synthetic.py, made-up numbers, not Oslo's) unless stated."""

import pandas as pd
import pytest
from synthetic import tidy_table

from helpers import catalogue
from helpers.pipeline import suppress
from helpers.present import report, text
from helpers.stats import gradient


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def test_named_values_names_ties_as_ties():
    assert text.named_values(["Stovner"], 9.06) == "Stovner (9,1)"
    assert (
        text.named_values(["St. Hanshaugen", "Vestre Aker"], 3.8)
        == "St. Hanshaugen og Vestre Aker (begge 3,8)"
    )
    assert text.named_values(["A", "B", "C"], 1.0) == "A, B og C (alle 1,0)"


def test_tied_at_uses_the_printed_value():
    values = pd.Series([3.76, 3.84, 3.85, 3.7])
    assert text.tied_at(values, 3.8).tolist() == [True, True, False, False]
    assert text.tied_at(values, 3.8, decimals=2).tolist() == [False] * 4


def test_suppression_note_only_when_something_was_suppressed():
    assert text.suppression_note([]) == "Ingen tall måtte prikkes."
    assert "prikket" not in text.suppression_note([]).lower().replace("prikkes", "")
    note = text.suppression_note(["Sagene", "Ullern"])
    assert note.startswith("Små tall er prikket") and "Sagene og Ullern" in note
    assert "Ingen tall" not in note
    assert "Mangler i kilden" in text.suppression_note([], ["Marka"])


def _result(cat, tidy):
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)


def test_finding_names_a_tie_at_the_lowest_value(cat):
    """Synthetic: the two least disadvantaged bydeler are set to 3,78 and 3,81, which both
    print 3,8; the finding names both, with "begge"."""
    tidy = tidy_table()
    for code, value in (("030114", 3.78), ("030115", 3.81)):
        row = (tidy["indicator_id"] == "uforetrygd") & (tidy["geo_code"] == code)
        tidy.loc[row, "value"] = value
    sentence = report.finding(_result(cat, tidy))
    assert "lavest i Nordstrand og Søndre Nordstrand (begge 3,8)" in sentence


def test_table_note_without_suppression_says_so(cat):
    res = _result(cat, suppress.suppress(tidy_table(), cat.thresholds()))
    assert "Ingen tall måtte prikkes." in report.table_note(res)
    assert "Små tall er prikket" not in report.table_note(res)


def test_table_note_with_suppression_names_the_bydeler(cat):
    res = _result(cat, suppress.suppress(tidy_table(small={"030107": 2}), cat.thresholds()))
    note = report.table_note(res)
    assert "Små tall er prikket" in note and "Vestre Aker" in note
    assert "Ingen tall måtte prikkes" not in note


def test_turnout_note_counts_everyone_outside_the_bydeler(cat):
    """Real data: OK-VAL001 2023 (data/raw/oslo_val001_…_2023.csv, 'Alder i alt', 'Begge kjønn'):
    the 15 bydeler have 545 456 voters; with Sentrum 1 229, Marka 1 305 and 22 421 with unknown
    bydel that is Oslo's 570 411. Oslo's 366 081 / 570 411 = 64,18 %, printed 64.1 by Oslo."""
    note = cat.indicator("valgdeltakelse").note_nb
    for part in ("1 229 i Sentrum", "1 305 i Marka", "22 421 uten kjent bydel", "64,1", "64,2"):
        assert part in note
    assert 545_456 + 1_229 + 1_305 + 22_421 == 570_411
    assert round(366_081 / 570_411 * 100, 1) == 64.2
