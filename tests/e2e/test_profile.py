"""Bydel profiles: parameter check, key sentences (synthetic numbers), and one profile executed
with papermill for a non-default bydel from the real build data."""

from __future__ import annotations

import math

import pytest
import synthetic
from conftest import markdown_outputs, run_template

from helpers import build, catalogue, config, render
from helpers.present import barometer, profile


def test_check_bydel_accepts_codes_numbers_and_names():
    assert profile.check_bydel("030103") == "030103"
    assert profile.check_bydel(30103) == "030103"  # papermill -p turns 030103 into a number
    assert profile.check_bydel("grünerløkka") == "030102"
    with pytest.raises(ValueError, match=r"030101 \(Gamle Oslo\)"):
        profile.check_bydel("030116")  # Sentrum is not one of the 15


def test_key_sentences_claim_only_what_the_barometer_says():
    """Synthetic shares (not Oslo's) falling with the bydel number: bydel 1 is above Oslo on
    the only indicator, which is lower-is-better, so it is worse and never 'better'."""
    tidy = synthetic.tidy_table()
    cat = catalogue.load_catalogue()
    grid = barometer.city_barometer(tidy, cat)
    first = profile.key_sentences(grid, "030101")
    assert len(first) == 3
    assert "dårligere enn Oslo på 1, bedre på 0" in first[0]
    assert "Ingen indikator viser at Gamle Oslo ligger klart bedre" in first[2]
    # an interval holding Oslo's value: "no clear difference", no worse/better sentence
    row = grid.index[grid["geo_code"] == "030101"][0]
    grid.loc[row, ["ci_low", "ci_high"]] = [0.0, 50.0]
    grid.loc[row, "klass"] = barometer.classify(
        grid.loc[row, "value"], 0.0, 50.0, grid.loc[row, "oslo_value"], "lower_is_better"
    )
    again = profile.key_sentences(grid, "030101")
    assert "dårligere enn Oslo på 0, bedre på 0, og uten klar forskjell på 1" in again[0]
    assert all("Størst relativ avstand" not in s for s in again)


def test_key_sentences_with_only_suppressed_values():
    tidy = synthetic.tidy_table()
    cat = catalogue.load_catalogue()
    grid = barometer.city_barometer(tidy, cat)
    grid.loc[grid["geo_code"] == "030105", "klass"] = barometer.SUPPRESSED
    grid.loc[grid["geo_code"] == "030105", "value"] = math.nan
    assert profile.key_sentences(grid, "030105") == [
        "Frogner har ingen publiserte indikatorverdier som kan sammenlignes med Oslo."
    ]


def test_every_profile_is_a_build_job_and_a_listed_chapter():
    jobs = [j for j in build.jobs() if j.template == "bydel.ipynb"]
    assert [j.parameters["bydel"] for j in jobs] == list(config.BYDELER)
    listed = {p.name for p in render.chapters()}
    assert {j.output for j in jobs} <= listed
    assert jobs[1].title == "Bydel Grünerløkka" and jobs[1].output == "bydel-grunerlokka.ipynb"


@pytest.mark.e2e
def test_profile_for_a_non_default_bydel(tmp_path, shared_data_build_dir):
    # OSLOHELSA_BUILD: a fresh folder with the session's shared build data (tests/conftest.py)
    nb = run_template(
        "bydel.ipynb",
        tmp_path / "bydel-stovner.ipynb",
        {"bydel": "030111", "figures_dir": "figures"},
        cwd=tmp_path,
    )
    markdown = markdown_outputs(nb)
    assert markdown.startswith("Stovner er nummer ")
    assert "Grorud" not in markdown.split("## Hovedpunkter")[0]  # not the default bydel
    assert "\n# " not in "\n" + markdown
    assert "## Hovedpunkter" in markdown and "Rang (1 = høyest)" in markdown
    assert "av 15" in markdown
    assert (tmp_path / "figures" / "bydel-stovner" / "kart.png").is_file()
    assert (tmp_path / "figures" / "bydel-stovner" / "utvikling.png").is_file()
