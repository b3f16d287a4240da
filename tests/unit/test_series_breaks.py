"""Series breaks: recorded in the catalogue, trends fitted after the latest break, shown in the
chart and named in the text. Synthetic tables (tests/synthetic.py, made-up numbers, not Oslo's)
except where the shipped catalogue is read."""

import dataclasses

import matplotlib
import pandas as pd
import pytest
import yaml
from synthetic import tidy_table

from helpers import catalogue
from helpers.errors import DataError
from helpers.present import plots, report
from helpers.stats import gradient

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


def test_catalogue_records_the_known_breaks(cat):
    """uføretrygd: uførepensjon replaced by uføretrygd 1.1.2015; sosialhjelp: OK-STØ020's share
    of the whole population from 2019 (loaders.load_sosialhjelp)."""
    assert [b.year for b in cat.indicator("uforetrygd").series_breaks] == [2015]
    assert "uføretrygd" in cat.indicator("uforetrygd").latest_break.reason_nb
    assert cat.indicator("sosialhjelp").latest_break.year == 2019
    assert cat.indicator("arbeidsavklaringspenger").series_breaks == ()


def test_catalogue_rejects_a_bad_break_year(tmp_path):
    path = catalogue.load_catalogue.__globals__["config"].DATA / "indicators.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(i for i in raw["indicators"] if i["id"] == "uforetrygd")
    entry["series_breaks"] = [{"year": "2015", "reason_nb": "x"}]
    bad = tmp_path / "indicators.yml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="series_breaks"):
        catalogue.load_catalogue(bad)


def _broken_series() -> pd.DataFrame:
    """Synthetic: a steep gradient 2011–2014 (-0.6 points per bydel), then a flatter one that
    wobbles symmetrically, without trend, from 2015 (-0.3, -0.35, -0.35, -0.3), with a made-up
    scatter of a few per cent of each bydel's count."""
    slopes = {2011: -0.6, 2012: -0.6, 2013: -0.6, 2014: -0.6,
              2015: -0.3, 2016: -0.35, 2017: -0.35, 2018: -0.3}  # fmt: skip
    frames = [tidy_table(years=(y,), slope=b) for y, b in slopes.items()]
    for frame in frames[4:]:  # made-up scatter from 2015: ±3 % of the count, varying by bydel
        rows = (frame["indicator_id"] == "uforetrygd") & (frame["geo_level"] == "bydel")
        year = int(frame["year_end"].iloc[0])
        wobble = [((i * 3 + year) % 7 - 3) / 100 for i in range(int(rows.sum()))]
        frame.loc[rows, "numerator"] = (frame.loc[rows, "numerator"] * (1 + pd.Series(
            wobble, index=frame.index[rows]))).round()  # fmt: skip
        frame.loc[rows, "value"] = (
            100 * frame.loc[rows, "numerator"] / frame.loc[rows, "denominator"]
        )
        frame.loc[rows, "ci_low"] = frame.loc[rows, "value"] - 0.5
        frame.loc[rows, "ci_high"] = frame.loc[rows, "value"] + 0.5
    rank_rows = tidy_table(years=(2024,))
    frames.append(rank_rows[rank_rows["indicator_id"] == "hoyere_utdanning_30_66"])
    return pd.concat(frames, ignore_index=True)


def _analyse(cat, ind):
    tidy = _broken_series()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(tidy, ind, ranking, repetitions=1000)


def test_trend_is_fitted_after_the_break(cat):
    ind = cat.indicator("uforetrygd")
    res = _analyse(cat, ind)
    assert res.gap_trend.years == (2015, 2016, 2017, 2018)
    assert res.gap_trend.narrowing is None  # no direction: interval includes 0
    assert len(res.trend) == 8  # the chart still shows every year
    # Ignoring the break, the step from -0.6 to -0.3 reads as a narrowing gap.
    unbroken = _analyse(cat, dataclasses.replace(ind, series_breaks=()))
    assert unbroken.gap_trend.years[0] == 2011 and unbroken.gap_trend.narrowing is True


def test_text_and_chart_name_the_break(cat):
    res = _analyse(cat, cat.indicator("uforetrygd"))
    line = next(x for x in report.summary_line(res).splitlines() if "Utvikling" in x)
    assert line.startswith("- Utvikling 2015–2018 (årene etter bruddet i serien i 2015")
    assert "ingen tydelig endring i den relative forskjellen" in line
    assert "økt" not in line and "mindre" not in line
    caption = report._break_caption(res)
    assert "stiplede linjen markerer bruddet i serien i 2015" in caption
    fig = plots.trend_chart(res)
    dashed = [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(2014.5)


def test_no_break_text_when_the_series_starts_after_it(cat):
    """Synthetic 2022–2024 only: the 2015 break lies before the data, so nothing is said."""
    tidy = tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)
    assert "bruddet" not in report.summary_line(res)
    assert report._break_caption(res) == ""


def test_no_break_text_when_the_series_starts_in_the_break_year(cat):
    """Synthetic 2015–2017: every year is after uføretrygd's 2015 break (the break year itself
    is the first year of the new series), so the trend line names no break."""
    tidy = tidy_table(years=(2015, 2016, 2017))
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2017)
    res = gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000)
    assert cat.indicator("uforetrygd").latest_break.year == 2015
    line = next(x for x in report.summary_line(res).splitlines() if "Utvikling" in x)
    assert line.startswith("- Utvikling 2015–2017: ")
