"""Fixtures shared by the report tests (test_report.py, test_report_output.py): the catalogue and
uføretrygd's section on SYNTHETIC data (tests/synthetic.py, not Oslo's numbers; Vestre Aker
given 2 cases, so it is suppressed, and Søndre Nordstrand suppressed as the secondary cell)."""

import pytest
from synthetic import tidy_table

from helpers import catalogue
from helpers.pipeline import suppress
from helpers.present import report
from helpers.stats import gradient


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


@pytest.fixture(scope="module")
def result(cat):
    tidy = suppress.suppress(tidy_table(small={"030107": 2}), cat.thresholds())
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000)


@pytest.fixture
def shown(monkeypatch):
    """What the section shows: every ``report.show`` call's argument, in order."""
    out = []
    monkeypatch.setattr(report, "show", out.append)
    return out
