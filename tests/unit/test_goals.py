"""Indicators are mapped only to the strategy's mål they measure (issue 9, item 7).

Children in families on social assistance or with low income describe who needs what mål 2.1
(barnehage/AKS) and 2.5 (services for families) are about, but measure neither: they are
background for the area (``mal: []``), and the report says so instead of naming a mål.
"""

from __future__ import annotations

from helpers import catalogue
from helpers.present import report

BACKGROUND = {"barn_berort_sosialhjelp", "lavinntekt_husholdninger_barn"}


def test_background_indicators_measure_no_mal():
    cat = catalogue.load_catalogue()
    for ind_id in BACKGROUND:
        ind = cat.indicator(ind_id)
        assert ind.area == "oppvekst_utdanning" and ind.mal == ()
    # the gaps the catalogue lists really have no indicator with data
    area = cat.area("oppvekst_utdanning")
    for gap in area.gaps:
        assert not cat.for_goal(gap.mal, "available"), gap.mal


def test_goal_text_names_the_mal_or_says_background():
    cat = catalogue.load_catalogue()
    assert report._goals_text(cat.indicator("uforetrygd")).startswith("Mål 1.")
    text = report._goals_text(cat.indicator("barn_berort_sosialhjelp"))
    assert text.startswith("Bakgrunnstall") and "Mål" not in text


def test_goals_without_indicator_list_the_gaps():
    cat = catalogue.load_catalogue()
    listed = report.goals_without_data(cat, "oppvekst_utdanning")
    for gap in cat.area("oppvekst_utdanning").gaps:
        assert f"**{gap.mal}" in listed
