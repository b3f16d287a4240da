"""Parameters end to end: what papermill receives from the CLI and from ``make report``.

The build's front door runs as for ``make report``, but the Snakemake workflow is replaced by
its rule body run in-process for every job (from the ``--config`` the front door gives
Snakemake), with papermill replaced by a recorder (the notebooks themselves are not executed
here; the shared build and nbval do that), so the test sees exactly the arguments of every
``papermill.execute_notebook`` call. Expected values come from the notebooks'
parameters cells, ``_quarto.yml`` and ``helpers.config``, not from the build's own job list.
"""

from __future__ import annotations

import ast
import os
import shlex
import shutil
import subprocess

import nbformat
import papermill
import pytest

from helpers import build, config, render, workflow


def _workflow_in_process(*, workers=None, between=None, **options) -> int:
    """Stands in for ``build.run_workflow``: every notebook job of the Snakefile, from the
    ``--config`` values of the front door's Snakemake command, run by the rule's own function."""
    cmd = build.snakemake_command(**options)
    after = cmd[cmd.index("--config") + 1 :]
    values = dict(arg.split("=", 1) for arg in after[: next(
        (i for i, arg in enumerate(after) if arg.startswith("--")), len(after)
    )])  # fmt: skip
    params = workflow.build_params(values)
    for job_id, job in workflow.jobs_by_id(params).items():
        workflow.run_notebook(job, config.build_notebooks_dir() / job_id)
    return 0


@pytest.fixture
def papermill_calls(tmp_path, monkeypatch) -> list[dict]:
    """Record every papermill call of a build; nothing is executed or rendered."""
    calls: list[dict] = []

    def execute_notebook(input_path, output_path, parameters=None, **kwargs):
        calls.append(
            {
                "template": os.path.basename(input_path),
                "output": os.path.basename(output_path),
                "parameters": dict(parameters or {}),
                "cwd": kwargs.get("cwd"),
            }
        )
        shutil.copyfile(input_path, output_path)

    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))  # _execute prepends to PATH
    monkeypatch.setenv(config.RENDERING_ENV, "1")  # _execute sets it
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    data_dir = tmp_path / "build" / "data"
    data_dir.mkdir(parents=True)
    (data_dir / "indicators.parquet").write_text("placeholder")
    monkeypatch.setattr(build, "prepare_data", lambda **_: data_dir)
    monkeypatch.setattr(build, "check_ranking", lambda *_: None)  # reads no placeholder data
    monkeypatch.setattr(build, "run_workflow", _workflow_in_process)
    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    monkeypatch.setattr(
        render,
        "render",
        lambda **_: render.RenderResult(tmp_path / "i.html", tmp_path / "o.pdf", "embedded"),
    )
    return calls


def _defaults(template: str) -> dict:
    """The parameters cell of a notebook template: name → literal default."""
    nb = nbformat.read(config.NOTEBOOKS / template, as_version=4)
    cell = nb.cells[0]
    assert "parameters" in cell.metadata.get("tags", [])
    return {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.AnnAssign)
    }


def _expected_chapters() -> list[str]:
    return [p.name for p in render.chapters() if p.suffix == ".ipynb"]


def _assert_calls(calls, values: dict) -> None:
    """One call per notebook chapter of _quarto.yml, each with ``values`` for every parameter its
    template declares (area chapters: their area), and nothing the template does not declare."""
    assert sorted(c["output"] for c in calls) == sorted(_expected_chapters())
    areas, bydeler = [], []
    for call in calls:
        declared = _defaults(call["template"])
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
    assert build.main(argv) == 0
    values = {"rank_by": "lavinntekt_husholdninger", "rank_year": 2023, "seed": 7}
    _assert_calls(papermill_calls, {**values, "repetitions": 1500})
    # the sensitivity parameters reach the area chapters and the overview alike
    for call in papermill_calls:  # every template that declares them (not kilder, bydel)
        if "repetitions" in _defaults(call["template"]):
            assert call["parameters"]["repetitions"] == 1500
            assert call["parameters"]["rank_by"] == "lavinntekt_husholdninger"


def test_make_report_passes_the_notebook_defaults(papermill_calls):
    """``make report`` runs ``python -m helpers.build`` with whatever arguments the Makefile
    gives; papermill must receive the notebooks' own defaults (the values nbval runs with)."""
    dry = subprocess.run(
        ["make", "-n", "report"], cwd=config.ROOT, capture_output=True, text=True, check=True
    ).stdout
    (command,) = [line for line in dry.splitlines() if "-m helpers.build" in line]
    argv = shlex.split(command.split("-m helpers.build", 1)[1])
    assert build.main(argv) == 0
    defaults = {**_defaults("innsatsomrade.ipynb"), **_defaults("oversikt.ipynb")}
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
    assert build.main(["--force"]) == 0
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
