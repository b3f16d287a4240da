"""Key findings: no claim without interval support (synthetic numbers, tests/synthetic.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
import synthetic
from conftest import independent_sii

from helpers import catalogue, config, render
from helpers.present import barometer, keyfindings, text
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
    f = result.fit
    assert f.sii_lower > 0  # shares fall along the ranking: higher at the disadvantaged end
    (found,) = keyfindings.gradient_findings([result])
    assert found.ref == "sec-uforetrygd"
    assert "høyere i den mest ressurssvake enden" in found.sentence
    assert "95 % KI som tar med variasjonen mellom bydelene" in found.sentence
    assert "@sec-uforetrygd" in found.markdown()


def _with_intervals(result, *, phe=None, model=None):
    """The result with phe_sii's and/or the model's SII interval replaced (constructed)."""
    measures = dict(result.measures)
    if phe is not None:
        measures["sii"] = dataclasses.replace(result.sii, sii_lower=phe[0], sii_upper=phe[1])
    if model is not None:
        measures["fit"] = dataclasses.replace(result.fit, sii_lower=model[0], sii_upper=model[1])
    return dataclasses.replace(result, measures=measures)


def test_an_interval_that_includes_zero_gives_no_gradient_claim(analysed):
    """The rule is the chapter's (the model interval, with the variation between bydeler): a
    narrow phe_sii interval that excludes zero is not enough when the model's includes it (as
    for low-income households in the 2026 data: phe 4,7 to 5,5, model -0,6 to 10,9), and the
    chapter's rule alone decides, whatever phe_sii's interval says."""
    result, _grid = analysed
    assert result.sii.sii_lower > 0 and result.fit.clear
    only_phe = _with_intervals(result, phe=(4.7, 5.5), model=(-0.6, 10.9))
    assert not only_phe.fit.clear and keyfindings.gradient_findings([only_phe]) == []
    only_model = _with_intervals(result, phe=(-0.5, 12.0), model=(1.0, 11.0))
    (found,) = keyfindings.gradient_findings([only_model])
    assert f"(SII {text.estimate(result.fit.sii, 1.0, 11.0)}, 95 % KI som" in found.sentence


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


# ---------------------------------------------------------------------------------------------
# Exact sentences (synthetic tables from tests/synthetic.py and hand-built barometer grids)
# ---------------------------------------------------------------------------------------------
def _analyse(indicator_id: str, slope: float = -0.4):
    """Synthetic 2020–2024: the share moves ``slope`` points per bydel number from 10 %."""
    cat = catalogue.load_catalogue()
    tidy = synthetic.tidy_table(indicator_id, years=(2020, 2021, 2022, 2023, 2024), slope=slope)
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66")
    return tidy, gradient.analyse_indicator(
        tidy, cat.indicator(indicator_id), ranking, repetitions=2000
    )


def _independent_sii(tidy, indicator_id: str):
    """``stats.sii`` on the 2024 bydel rows in ranking order (synthetic: the code order)."""
    rows = tidy[(tidy["year_end"] == 2024) & (tidy["geo_level"] == "bydel")]
    rows = rows[rows["indicator_id"] == indicator_id].sort_values("geo_code")
    used = rows.assign(order=range(1, len(rows) + 1))
    return independent_sii(used, catalogue.load_catalogue().indicator(indicator_id), 2000)


def test_gradient_finding_sentence_with_the_independent_sii(analysed):
    """Synthetic: Oslo's share is 6,4 (the sum of the bydeler's counts over their residents)."""
    result, _grid = analysed
    s = _independent_sii(synthetic.tidy_table(years=(2020, 2021, 2022, 2023, 2024)), "uforetrygd")
    unit = "per 100 innbyggere 18–66 år"  # unit_nb of uforetrygd (data/indicators.yml)
    (found,) = keyfindings.gradient_findings([result])
    # the point estimate independently (phe_sii's SII is the fitted line's); the interval is
    # the model's, whose computation tests/reference/test_gradient_intervals.py checks
    f = result.fit
    assert text.number(f.sii) == text.number(s.sii)
    assert found.sentence == (
        f"Mottakere av uføretrygd (2024) har en av de bratteste sosiale gradientene: verdien er "
        f"{text.number(abs(s.sii))} {unit} høyere i den mest ressurssvake enden av rangeringen "
        f"enn i den mest ressurssterke (SII {text.estimate(s.sii, f.sii_lower, f.sii_upper)}, "
        f"95 % KI som tar med variasjonen mellom bydelene), mot 6,4 {unit} i Oslo"
    )
    assert found.markdown() == f"{found.sentence} (se @sec-uforetrygd)."


def test_gradient_findings_steepest_first_in_percentage_points_and_either_direction():
    """Synthetic: uføretrygd falls 0,4 points per bydel (SII about 5,9 against Oslo's 6,4);
    employment (a percentage: "prosentpoeng") rises 0,3 points per bydel, so its SII is
    negative ("lavere"), larger in product with Oslo's level (about 4,4 × 12,7) but smaller
    relative to it: steepness is the SII divided by Oslo's value."""
    _tidy, steep = _analyse("uforetrygd")
    tidy, flat = _analyse("sysselsetting_25_59", slope=0.3)
    s = _independent_sii(tidy, "sysselsetting_25_59")
    assert s.sii_upper < 0
    found = keyfindings.gradient_findings([flat, steep])
    assert [f.ref for f in found] == ["sec-uforetrygd", "sec-sysselsetting-25-59"]
    assert f"verdien er {text.number(abs(s.sii))} prosentpoeng lavere i den mest" in (
        found[1].sentence
    )
    assert [f.ref for f in keyfindings.gradient_findings([flat, steep], n=1)] == ["sec-uforetrygd"]
    assert len(keyfindings.gradient_findings([steep] * 3)) == 2


def test_gradient_findings_need_an_interval_that_excludes_zero(analysed):
    """Constructed model intervals on the synthetic result: a limit at zero does not exclude it; a
    small positive SII (0,8, interval 0,5 to 1,1) is reported as "høyere"; results that are
    skipped do not stop the search."""
    result, _grid = analysed

    def with_sii(sii, low, high):
        changed = dataclasses.replace(result.fit, sii=sii, sii_lower=low, sii_upper=high)
        return dataclasses.replace(result, measures={**result.measures, "fit": changed})

    for low, high in ((0.0, 2.0), (-2.0, 0.0), (-3.0, 0.5)):
        assert keyfindings.gradient_findings([with_sii((low + high) / 2, low, high)]) == []
    (small,) = keyfindings.gradient_findings([with_sii(0.8, 0.5, 1.1)])
    assert "verdien er 0,8 per 100 innbyggere 18–66 år høyere i den mest" in small.sentence
    unsure = with_sii(1.0, -1.0, 3.0)
    no_oslo = dataclasses.replace(result, oslo=None)
    assert len(keyfindings.gradient_findings([unsure, no_oslo, result])) == 1


def test_no_gradient_finding_without_an_oslo_value_or_for_a_circular_ranking(analysed):
    result, _grid = analysed
    oslo_zero = result.oslo.copy()
    oslo_zero["value"] = 0.0
    oslo_missing = result.oslo.copy()
    oslo_missing["value"] = float("nan")
    for changed in (
        dataclasses.replace(result, oslo=None),
        dataclasses.replace(result, oslo=oslo_zero),
        dataclasses.replace(result, oslo=oslo_missing),
        dataclasses.replace(result, circular=True),
    ):
        assert keyfindings.gradient_findings([changed]) == []


def test_trend_finding_sentences_and_their_number(analysed):
    result, _grid = analysed
    narrower = dataclasses.replace(result.gap_trend, narrowing=True)
    changed = dataclasses.replace(result, gap_trend=narrower)
    found = keyfindings.trend_findings([changed] * 3)
    assert len(found) == 2 and found[0] == found[1]
    assert found[0] == keyfindings.Finding(
        "Mottakere av uføretrygd: forskjellen har blitt mindre mellom den ressurssvake og den "
        "ressurssterke enden i 2020–2024 (intervallet for endringen per år omfatter ikke null)",
        "sec-uforetrygd",
    )
    assert len(keyfindings.trend_findings([changed] * 3, n=1)) == 1


def _hand_grid(classes: dict[str, list[str]], n: int = 4) -> pd.DataFrame:
    """Hand-built barometer grid: ``n`` indicators; every bydel "ingen klar forskjell" on each,
    except the bydeler given, whose classes are listed indicator by indicator."""
    rows = [
        {"geo_name": name, "indicator_id": f"i{k}", "klass": klasses[k]}
        for name in config.BYDELER.values()
        for klasses in [classes.get(name, [barometer.SIMILAR] * n)]
        for k in range(n)
    ]
    return pd.DataFrame(rows)


RULE = ": Oslos verdi ligger utenfor bydelens 95 % konfidensintervall"


def test_barometer_findings_on_every_indicator():
    """Hand-built: Bjerke and Alna worse than Oslo on all 4 indicators, Frogner better on all 4
    (named in the order of the bydeler)."""
    worse, better = [barometer.WORSE] * 4, [barometer.BETTER] * 4
    grid = _hand_grid({"Alna": worse, "Bjerke": worse, "Frogner": better})
    found = keyfindings.barometer_findings(grid)
    assert [f.sentence for f in found] == [
        f"Bjerke og Alna er dårligere enn Oslo på alle 4 indikatorene{RULE}",
        f"Frogner er bedre enn Oslo på alle 4 indikatorene{RULE}",
    ]
    assert {f.ref for f in found} == {"sec-barometer"}


def test_barometer_findings_on_three_quarters_of_the_assessed_indicators():
    """Hand-built: Grorud worse on 3 of 4 (the fourth "høyere", which counts as assessed);
    Sagene worse on both of its 2 assessed ones (one suppressed, one not assessed); Stovner on
    2 of 4 (below 75 %); Ullern has nothing assessed and is never named."""
    w, s = barometer.WORSE, barometer.SIMILAR
    grid = _hand_grid(
        {
            "Grorud": [w, w, w, barometer.HIGHER],
            "Sagene": [w, w, barometer.SUPPRESSED, barometer.NOT_ASSESSED],
            "Stovner": [w, w, s, s],
            "Ullern": [barometer.NOT_ASSESSED] * 4,
        }
    )
    assert [f.sentence for f in keyfindings.barometer_findings(grid)] == [
        "Sagene og Grorud er dårligere enn Oslo på minst 75 % av indikatorene som kan "
        f"sammenlignes{RULE}"
    ]
    assert [f.sentence for f in keyfindings.barometer_findings(grid, share=0.5)] == [
        "Sagene, Grorud og Stovner er dårligere enn Oslo på minst 50 % av indikatorene som kan "
        f"sammenlignes{RULE}"
    ]
    assert keyfindings.barometer_findings(pd.DataFrame()) == []


def test_trend_and_barometer_findings_look_past_a_case_without_one(analysed):
    """A result without a sure trend before one with it; a grid where no bydel is worse but one
    is better (hand-built)."""
    result, _grid = analysed
    sure = dataclasses.replace(
        result, gap_trend=dataclasses.replace(result.gap_trend, narrowing=False)
    )
    assert result.gap_trend.narrowing is None
    assert len(keyfindings.trend_findings([result, sure])) == 1
    better = _hand_grid({"Nordstrand": [barometer.BETTER] * 4})
    assert [f.sentence for f in keyfindings.barometer_findings(better)] == [
        f"Nordstrand er bedre enn Oslo på alle 4 indikatorene{RULE}"
    ]


FRONT_PAGE_WITHOUT_FINDINGS = """## Hovedfunn {#sec-hovedfunn .unnumbered}

Tallene gir ingen funn som er sikre nok til å løftes fram her.

Alle funn bygger på 95 % konfidensintervaller; der intervallet ikke gir et sikkert svar, sier vi ikke noe om retningen.

## Bydelsprofiler {#sec-bydelsprofiler .unnumbered}

Hver bydel har en egen profil bak i rapporten, og den kan også lastes ned som egen PDF for utskrift:

[Gamle Oslo](bydeler/gamle-oslo.pdf), [Grünerløkka](bydeler/grunerlokka.pdf), [Sagene](bydeler/sagene.pdf), [St. Hanshaugen](bydeler/st-hanshaugen.pdf), [Frogner](bydeler/frogner.pdf), [Ullern](bydeler/ullern.pdf), [Vestre Aker](bydeler/vestre-aker.pdf), [Nordre Aker](bydeler/nordre-aker.pdf), [Bjerke](bydeler/bjerke.pdf), [Grorud](bydeler/grorud.pdf), [Stovner](bydeler/stovner.pdf), [Alna](bydeler/alna.pdf), [Østensjø](bydeler/ostensjo.pdf), [Nordstrand](bydeler/nordstrand.pdf), [Søndre Nordstrand](bydeler/sondre-nordstrand.pdf).
"""  # noqa: E501 (the page's own long lines)


def test_front_page_without_findings_exactly():
    assert keyfindings.front_page_markdown([]) == FRONT_PAGE_WITHOUT_FINDINGS


def test_front_page_lists_the_findings_before_the_profiles(analysed, tmp_path):
    """The file is written into a folder that does not exist yet. Five copies of one synthetic
    result give two gradient findings (n = 2) and no trend (its interval includes 0); the grid
    gives one worse and one better finding: four bullets, each with its cross-reference."""
    result, grid = analysed
    path = keyfindings.write_front_page([result] * 5, grid, tmp_path / "figurer" / "oversikt")
    assert path == tmp_path / "figurer" / "oversikt" / "_forside.md"
    md = path.read_text(encoding="utf-8")
    found = keyfindings.findings([result] * 5, grid)
    assert len(found) == 4
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert bullets == [f"- {f.sentence} (se @{f.ref})." for f in found]
    empty = "Tallene gir ingen funn som er sikre nok til å løftes fram her."
    assert md == FRONT_PAGE_WITHOUT_FINDINGS.replace(empty, "\n".join(bullets))


def test_front_page_is_utf8_whatever_the_locale(analysed, tmp_path):
    """In an ASCII locale ("C", as on a bare build machine) the page is still written, in UTF-8
    (Grünerløkka, Østensjø)."""
    import locale

    result, grid = analysed
    before = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
        path = keyfindings.write_front_page([result], grid, tmp_path)
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert "[Østensjø](bydeler/ostensjo.pdf)" in path.read_bytes().decode("utf-8")
