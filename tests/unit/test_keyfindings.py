"""Key findings: no claim without interval support (synthetic numbers, tests/synthetic.py)."""

from __future__ import annotations

import dataclasses

import pytest
import synthetic

from helpers import catalogue, config, render
from helpers.present import barometer, keyfindings
from helpers.stats import gradient


@pytest.fixture(scope="module")
def analysed():
    cat = catalogue.load_catalogue()
    tidy = synthetic.tidy_table(years=(2020, 2021, 2022, 2023, 2024))
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66")
    result = gradient.analyse_indicator(
        tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000
    )
    return result, barometer.city_barometer(tidy, cat)


def test_a_certain_gradient_is_reported_with_its_interval(analysed):
    result, _grid = analysed
    s = result.sii
    assert s.sii_lower > 0  # shares fall along the ranking: higher at the disadvantaged end
    (found,) = keyfindings.gradient_findings([result])
    assert found.ref == "sec-uforetrygd"
    assert "høyere i den mest ressurssvake enden" in found.sentence
    assert "95 % KI" in found.sentence
    assert "@sec-uforetrygd" in found.markdown()


def test_an_interval_that_includes_zero_gives_no_gradient_claim(analysed):
    result, _grid = analysed
    unsure = dataclasses.replace(result.sii, sii_lower=-0.5, sii_upper=2.0)
    changed = dataclasses.replace(result, measures={**result.measures, "sii": unsure})
    assert keyfindings.gradient_findings([changed]) == []


def test_trend_only_when_the_model_is_sure(analysed):
    result, _grid = analysed
    assert result.gap_trend is not None
    unsure = dataclasses.replace(result.gap_trend, narrowing=None)
    assert keyfindings.trend_findings([dataclasses.replace(result, gap_trend=unsure)]) == []
    wider = dataclasses.replace(result.gap_trend, narrowing=False)
    (found,) = keyfindings.trend_findings([dataclasses.replace(result, gap_trend=wider)])
    assert "forskjellen har økt" in found.sentence
    assert "omfatter ikke null" in found.sentence


def test_barometer_findings_follow_the_classes(analysed):
    _result, grid = analysed
    found = keyfindings.barometer_findings(grid)
    worse = {n for n in grid.loc[grid["klass"] == barometer.WORSE, "geo_name"]}
    better = {n for n in grid.loc[grid["klass"] == barometer.BETTER, "geo_name"]}
    assert found[0].sentence.split(" er dårligere")[0]  # a list of bydeler
    for name in grid["geo_name"].unique():
        if name in found[0].sentence:
            assert name in worse
        if len(found) > 1 and name in found[1].sentence:
            assert name in better
    # nothing stands out when every interval holds Oslo's value
    calm = grid.assign(klass=barometer.SIMILAR)
    assert keyfindings.barometer_findings(calm) == []


def test_front_page_has_at_most_six_findings_and_every_profile(analysed, tmp_path):
    result, grid = analysed
    path = keyfindings.write_front_page([result] * 5, grid, tmp_path)
    md = path.read_text(encoding="utf-8")
    assert md.count("\n- ") <= keyfindings.MAX_FINDINGS
    assert md.count("](bydeler/") == len(config.BYDELER)
    assert "\n# " not in md  # the home page's headings are level 2


def test_the_embedded_renderer_expands_the_include(tmp_path):
    (tmp_path / "part.md").write_text("Hei fra fila.\n", encoding="utf-8")
    page = tmp_path / "page.qmd"
    page.write_text("# Tittel\n\n{{< include part.md >}}\n", encoding="utf-8")
    assert "Hei fra fila." in render.qmd_to_markdown(page).markdown
    page.write_text("{{< include mangler.md >}}\n", encoding="utf-8")
    with pytest.raises(Exception, match="mangler.md"):
        render.qmd_to_markdown(page)
