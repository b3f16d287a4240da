"""A user's parameters: checked before any work, answered in one line with the valid choices.

Covers the build's command line (``python -m helpers.build``), the notebooks' parameter check
(``helpers.params``) and the period parameter (a year as number or text; indicators without it
are left out and named). Data here is synthetic (tests/synthetic.py), not Oslo's numbers.
"""

import os
import subprocess
import sys

import pandas as pd
import pytest
from synthetic import tidy_table

from helpers import build, build_cli, catalogue, config, params
from helpers.errors import ParameterError
from helpers.present import report
from helpers.stats import gradient


@pytest.fixture(scope="module")
def cat():
    return catalogue.load_catalogue()


@pytest.fixture(scope="module")
def tidy():
    """Synthetic: uforetrygd 2022–2024, sysselsetting_25_59 only 2024 (as in the real data)."""
    both = pd.concat(
        [tidy_table("uforetrygd"), tidy_table("sysselsetting_25_59", years=(2024,))],
        ignore_index=True,
    )
    keys = ["indicator_id", "geo_code", "period", "sex", "age_group"]
    return both.drop_duplicates(keys).reset_index(drop=True)


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "helpers.build", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


# --- the command line ------------------------------------------------------------------------


def test_unknown_rank_by_is_answered_at_once_with_the_choices(tmp_path):
    """No data step, no notebook: the build folder is never created, and the answer is one line
    listing the ranking variables that have data."""
    result = _cli(
        "--rank-by",
        "nonsense",
        env={"OSLOHELSA_BUILD": str(tmp_path / "build"), "OSLOHELSA_OUTPUT": str(tmp_path / "o")},
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "--rank-by: 'nonsense'" in lines[0]
    for choice in params.ranking_ids():
        assert repr(choice) in lines[0]
    assert not (tmp_path / "build").exists() and not (tmp_path / "o").exists()


def test_close_misspelling_gets_did_you_mean_and_planned_variable_is_refused():
    result = _cli("--rank-by", "lavinntekt_husholding")
    assert result.returncode == 2
    assert "did you mean 'lavinntekt_husholdninger'?" in result.stderr
    planned = [r.id for r in catalogue.load_catalogue().ranking_variables if not r.is_available]
    if planned:
        result = _cli("--rank-by", planned[0])
        assert result.returncode == 2 and "no data yet" in result.stderr


def test_checking_options_imports_no_pandas():
    """The check reads only the catalogue: what makes the answer quick (no timing asserted)."""
    code = (
        "import sys; from helpers import build_cli; rc = build_cli.main(['--rank-by', 'x']); "
        "print('pandas' in sys.modules); sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "args, expect",
    [
        (["--engine", "latex"], "invalid choice: 'latex' (choose from 'auto', 'quarto'"),
        (["--rank-year", "siste"], "invalid int value: 'siste'"),
        (["--repetitions", "10"], "--repetitions: 10 is too small; it must be at least 1000"),
        (["--workers", "0"], "--workers: 0 is too small"),
        (["--seed", "-1"], "--seed: -1 is too small"),
    ],
)
def test_bad_options_two_lines_at_most(args, expect, capsys):
    try:
        code = build_cli.main(args)  # our checks return 2
    except SystemExit as exit_info:  # argparse's own (types, choices) exit 2
        code = exit_info.code
    err = capsys.readouterr().err
    assert code == 2 and expect in err
    assert len(err.strip().splitlines()) <= 2


def test_bad_option_returns_2_without_building(monkeypatch, capsys):
    monkeypatch.setattr(build, "build", lambda **_: pytest.fail("the build ran"))
    assert build_cli.main(["--rank-by", "nonsense"]) == 2
    assert "choose one of" in capsys.readouterr().err


def test_help_describes_every_option():
    parser = build_cli.parser()
    for action in parser._actions:
        assert action.help, f"{action.option_strings} has no help text"
    text = parser.format_help()
    for option in ("--engine", "--force", "--rank-by", "--rank-year", "--seed", "--repetitions"):
        assert option in text
    assert "--data-only" in text


def test_rank_year_without_data_stops_before_notebooks(tmp_path, tidy, cat, monkeypatch):
    """The data-dependent check: the years the ranking variable has are named."""
    monkeypatch.setattr("helpers.pipeline.store.load_tidy", lambda *_a, **_k: tidy)
    with pytest.raises(ParameterError, match=r"rank_year: .* no data for 1990; it has 2022–2024"):
        build.check_ranking(tmp_path, "hoyere_utdanning_30_66", 1990)


# --- notebook parameters ---------------------------------------------------------------------


def test_notebook_parameters_one_line_with_choices(cat):
    with pytest.raises(ParameterError) as info:
        params.check_notebook(cat, area="levekår", period="latest")
    message = str(info.value)
    assert "did you mean 'levekar'?" in message
    assert all(repr(a) in message for a in config.AREAS)
    # IPython shows _render_traceback_ instead of the frames: one line, the message.
    assert len(info.value._render_traceback_()) == 1
    assert message in info.value._render_traceback_()[0]


@pytest.mark.parametrize(
    "kwargs, expect",
    [
        ({"rank_by": "inntekt"}, "rank_by: 'inntekt' is not a ranking variable"),
        ({"rank_year": "i fjor"}, "rank_year: 'i fjor' is not a whole number"),
        ({"period": "siste"}, "period: 'siste': give 'latest' or a year"),
        ({"geo_level": "delbydel"}, "geo_level: 'delbydel' is not a level with data"),
        ({"repetitions": 10}, "repetitions: 10 is too small"),
        ({"figures_dir": 3}, "figures_dir: 3 is not a folder name"),
    ],
)
def test_each_notebook_parameter_is_checked(cat, kwargs, expect):
    with pytest.raises(ParameterError, match=expect):
        params.check_notebook(cat, **kwargs)


def test_defaults_pass(cat):
    params.check_notebook(
        cat,
        area="levekar",
        rank_by=config.DEFAULT_RANK_BY,
        rank_year=config.DEFAULT_RANK_YEAR,
        period="latest",
        geo_level="bydel",
        seed=config.DEFAULT_SEED,
        repetitions=config.DEFAULT_REPETITIONS,
        figures_dir="",
    )


# --- period ----------------------------------------------------------------------------------


@pytest.mark.parametrize("period", [2023, "2023", " 2023"])
def test_period_as_number_or_text(tidy, cat, period):
    results = gradient.for_area(
        "levekar", period=period, tidy=tidy, catalogue=cat, repetitions=1000
    )
    assert [(r.indicator.id, r.period) for r in results] == [("uforetrygd", "2023")]


def test_period_missing_for_one_indicator_shows_the_others_and_names_it(tidy, cat, monkeypatch):
    """2023: uforetrygd has it, sysselsetting_25_59 (only 2024) does not and is named with the
    period it has; indicators with no rows at all are named as having none."""
    results = gradient.for_area("levekar", period=2023, tidy=tidy, catalogue=cat, repetitions=1000)
    assert [r.indicator.id for r in results] == ["uforetrygd"]
    shown = []
    monkeypatch.setattr(report, "show", shown.append)
    report.period_note(tidy, cat, "levekar", 2023)
    assert len(shown) == 1
    note = shown[0]
    assert note.startswith("*Ikke tall for 2023:*")
    assert "Sysselsatte 25–59 år (har tall for 2024)" in note
    assert "Mottakere av uføretrygd" not in note
    # 2024: both synthetic indicators have it; only those without rows are listed
    assert (
        len(gradient.for_area("levekar", period=2024, tidy=tidy, catalogue=cat, repetitions=1000))
        == 2
    )
    shown.clear()
    report.period_note(tidy, cat, "levekar", "latest")
    assert shown == []


def test_period_no_indicator_has_is_an_error_naming_indicators_and_periods(tidy, cat):
    with pytest.raises(ParameterError) as info:
        gradient.for_area("levekar", period=2019, tidy=tidy, catalogue=cat, repetitions=1000)
    message = str(info.value)
    assert message.startswith("period: no indicator has data for 2019")
    assert "uforetrygd 2022–2024" in message and "sysselsetting_25_59 2024" in message


def test_overview_errors_only_when_no_area_has_the_period(tidy, cat):
    """Across areas (the overview): areas without the period are not an error on their own."""
    results = gradient.for_areas(
        config.AREAS, period="2023", tidy=tidy, catalogue=cat, repetitions=1000
    )
    assert [r.indicator.id for r in results] == ["uforetrygd"]
    with pytest.raises(ParameterError, match="no indicator has data for 1999"):
        gradient.for_areas(config.AREAS, period=1999, tidy=tidy, catalogue=cat, repetitions=1000)


def test_period_span():
    assert gradient.period_span(["2007", "2008", "2009", "2011", "2013", "2014"]) == (
        "2007–2009, 2011, 2013–2014"
    )
    assert gradient.period_span(["2017–2019", "2020–2022"]) == "2017–2019, 2020–2022"
