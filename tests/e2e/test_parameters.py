"""Parameters end to end: what papermill receives from the CLI and from ``make report``.

The build's front door runs as for ``make report``, but the Snakemake workflow is replaced by
its rule body run in-process for every job (from the ``--config`` the front door gives
Snakemake), with papermill replaced by a recorder (the notebooks themselves are not executed
here; the shared build and nbval do that), so the test sees exactly the arguments of every
``papermill.execute_notebook`` call. Expected values come from the notebooks'
parameters cells, ``_quarto.yml`` and ``helpers.config``, not from the build's own job list.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from conftest import notebook_defaults

from helpers import build_cli, config, render


def _expected_chapters() -> list[str]:
    return [p.name for p in render.chapters() if p.suffix == ".ipynb"]


def _assert_calls(calls, values: dict) -> None:
    """One call per notebook chapter of _quarto.yml, each with ``values`` for every parameter its
    template declares (area chapters: their area), and nothing the template does not declare."""
    assert sorted(c["output"] for c in calls) == sorted(_expected_chapters())
    areas, bydeler = [], []
    for call in calls:
        declared = notebook_defaults(call["template"])
        assert set(call["parameters"]) <= set(declared), call
        expected = {k: v for k, v in values.items() if k in declared}
        expected["figures_dir"] = "figures"
        if "area" in declared:
            areas.append(call["parameters"]["area"])
            expected["area"] = call["output"].removesuffix(".ipynb")
        if "bydel" in declared:  # bydel profiles (issue 14): one per bydel
            bydeler.append(call["parameters"]["bydel"])
            expected["bydel"] = call["parameters"]["bydel"]
        assert call["parameters"] == expected, call["output"]
    assert sorted(areas) == sorted(config.AREAS)
    assert sorted(bydeler) == sorted(config.BYDELER)


def test_cli_options_reach_papermill(papermill_calls):
    argv = [
        "--rank-by",
        "lavinntekt_husholdninger",
        "--rank-year",
        "2023",
        "--seed",
        "7",
        "--repetitions",
        "1500",
        "--force",
    ]
    assert build_cli.main(argv) == 0
    values = {"rank_by": "lavinntekt_husholdninger", "rank_year": 2023, "seed": 7}
    _assert_calls(papermill_calls, {**values, "repetitions": 1500})
    # the sensitivity parameters reach the area chapters and the overview alike
    for call in papermill_calls:  # every template that declares them (not kilder, bydel)
        if "repetitions" in notebook_defaults(call["template"]):
            assert call["parameters"]["repetitions"] == 1500
            assert call["parameters"]["rank_by"] == "lavinntekt_husholdninger"


def test_make_report_passes_the_notebooknotebook_defaults(papermill_calls):
    """``make report`` runs ``python -m helpers.build`` with whatever arguments the Makefile
    gives; papermill must receive the notebooks' own defaults (the values nbval runs with)."""
    dry = subprocess.run(
        ["make", "-n", "report"], cwd=config.ROOT, capture_output=True, text=True, check=True
    ).stdout
    (command,) = [line for line in dry.splitlines() if "-m helpers.build" in line]
    argv = shlex.split(command.split("-m helpers.build", 1)[1])
    assert build_cli.main(argv) == 0
    defaults = {**notebook_defaults("innsatsomrade.ipynb"), **notebook_defaults("oversikt.ipynb")}
    values = {k: defaults[k] for k in ("rank_by", "rank_year", "seed", "repetitions")}
    assert values == {
        "rank_by": config.DEFAULT_RANK_BY,
        "rank_year": config.DEFAULT_RANK_YEAR,
        "seed": config.DEFAULT_SEED,
        "repetitions": config.DEFAULT_REPETITIONS,
    }
    _assert_calls(papermill_calls, values)


def test_kernel_runs_in_the_executions_own_folder(papermill_calls):
    """Figures are written next to the executed notebook, in a folder that execution owns:
    papermill's cwd is a fresh ``build/notebooks/.<job>-…/``, renamed to ``<job>/``."""
    assert build_cli.main(["--force"]) == 0
    cwds = [c["cwd"] for c in papermill_calls]
    assert len(set(cwds)) == len(cwds) == len(_expected_chapters())
    for call in papermill_calls:
        job = call["output"].removesuffix(".ipynb")
        assert os.path.basename(call["cwd"]).startswith(f".{job}-")
        assert os.path.dirname(call["cwd"]) == str(config.build_notebooks_dir())
        assert not os.path.exists(call["cwd"])  # renamed into place
    assert sorted(os.listdir(config.build_notebooks_dir())) == sorted(
        name.removesuffix(".ipynb") for name in _expected_chapters()
    )
