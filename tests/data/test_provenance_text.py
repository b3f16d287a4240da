"""Provenance and catalogue text as readers see it (issue 9, item 7). Reads the shipped
data/sources.yml, data/indicators.yml and the tidy table built from data/raw."""

import re

import pytest

from helpers import catalogue
from helpers.catalogue import sources
from helpers.pipeline import build_data
from helpers.present import report, tables

ENGLISH = re.compile(r"\b(the|copy|checked|working|not|and|from|summed|confidence)\b", re.I)


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def test_every_shipped_file_says_what_was_done_to_it_in_bokmal():
    table = sources.provenance_table()
    doc = sources.load_sources()
    shipped = [f for f in doc["files"] if f["role"] != "test_fixture"]
    assert len(table) == len(shipped)
    assert set(table["Sikkerhet"]) <= {"høy", "middels", "lav"}
    for text in table["Bearbeiding"]:
        assert not ENGLISH.search(text), text
    by_file = dict(zip(table["Fil"].str.replace("\u200b", ""), table["Bearbeiding"], strict=True))
    low_income = by_file["oslo_lavinntekt_husholdninger_bydel_delbydel_2013_2023.csv"]
    assert "Excel" in low_income and "summert fra delbydelene" in low_income
    assert "ikke kontrollert" in by_file["oslo_sys002_sysselsetting_bydel_delbydel_2024.csv"]


def test_data_chapter_does_not_claim_every_file_is_unchanged():
    assert "er ikke endret" not in sources.attribution_text()


def test_reader_text_has_no_internal_confirmation_notes(cat, monkeypatch):
    shown = []
    monkeypatch.setattr(report, "show", shown.append)
    for area in ("levekar", "klima_miljo"):
        report.planned_section(cat.planned(area))
    shown.append(tables.catalogue_table(cat).to_string())
    for text in shown:
        assert "bekreftet" not in text


def test_valgdeltakelse_is_not_mapped_to_a_mal_without_statistics(cat):
    """Mål 3.5 (helhetlig planlegging) is listed by the catalogue itself as having no statistic."""
    assert "3.5" not in cat.indicator("valgdeltakelse").mal
    assert "3.5" in {g.mal for g in cat.area("nabolag_moteplasser").gaps}


def test_goals_without_data_are_listed(cat):
    text = report.goals_without_data(cat, "nabolag_moteplasser")
    assert "3.5 Planlegging ut fra lokale behov" in text and "ingen offentlig statistikk" in text
    assert "3.1" not in text  # valgdeltakelse has data for 3.1
    klima = report.goals_without_data(cat, "klima_miljo")
    assert klima.count("\n- **") == 4  # 4 mål, none with data yet


def test_no_series_break_note_on_a_one_year_indicator(cat):
    tidy = build_data.build_tidy()
    for ind in cat.available():
        years = tidy.loc[tidy["indicator_id"] == ind.id, "year_end"].nunique()
        if years == 1:
            assert not ind.series_breaks, ind.id
            assert "brudd" not in (ind.note_nb or "").lower(), ind.id
