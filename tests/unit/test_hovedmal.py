"""The overview's hovedmål-1 section (helpers.present.hovedmal): what the build has, what is
missing."""

from __future__ import annotations

import pandas as pd

from helpers import config
from helpers.catalogue import load_catalogue
from helpers.pipeline.loaders import load_indicator
from helpers.present import hovedmal
from helpers.stats import gradient


def test_intro_names_the_vaccination_measures_and_what_they_are_not() -> None:
    cat = load_catalogue()
    ids = [i.id for i in cat.for_hovedmal(1, "available")]
    assert ids == [
        "vaksinert_meslinger_2_ar",
        "vaksinert_meslinger_16_ar",
        "vaksinert_hpv_jenter_16_ar",
    ]
    tidy = pd.concat([load_indicator(i) for i in [*ids, config.DEFAULT_RANK_BY]], ignore_index=True)
    ranking = gradient.rank_bydeler(tidy, cat, config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR)
    results = hovedmal.analyse(tidy, cat, ranking, repetitions=1000)
    assert [r.indicator.id for r in results] == ids
    intro = hovedmal.intro_text(cat, results)
    assert intro.startswith("## Hovedmål 1: reduserte sosiale forskjeller")
    assert "3 helsemål" in intro and "vaksinert mot HPV, jenter 16 år" in intro
    assert "ikke et mål på sykdom eller levealder" in intro
    assert "uten konfidensintervall" in intro


def test_without_health_data_the_missing_tables_are_named() -> None:
    cat = load_catalogue()
    intro = hovedmal.intro_text(cat, [])
    assert "ingen helseutfall med bydelstall" in intro
    planned = hovedmal._planned_rows(cat)
    assert "Forventet levealder ved fødsel" in set(planned["Helseutfall"])
    life = planned[planned["Helseutfall"] == "Forventet levealder ved fødsel"]["Tabell"].iat[0]
    assert "Forventet levealder etter bydel" in life and "FHI nokkel tabell 660" in life
    status = planned.set_index("Helseutfall")["Status"]
    assert status["Forventet levealder ved fødsel"].startswith("hentes med `make data` hvis")
    assert status["God egenvurdert helse, voksne"] == "ingen åpen tabell per bydel ennå"
