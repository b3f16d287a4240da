"""Notebooks run one after another in one kernel (``workflow.run_notebooks``, rule ``profiles``):
each must see only what it defines itself, as in a kernel of its own.

The probe notebook is written by the test (no Oslo data): it records what it finds when it starts
(names left by an earlier notebook, open figures, working directory, the kernel's process id),
then defines a variable and opens a figure, which the next notebook must not see.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from helpers import build, config, workflow

pytestmark = pytest.mark.e2e

PROBE = """\
import json, os
import matplotlib.pyplot as plt

state = {
    "leaked": sorted(k for k in ("seen", "fig") if k in globals()),
    "open_figures": plt.get_fignums(),
    "cwd": os.getcwd(),
    "pid": os.getpid(),
}
with open("state.json", "w") as f:
    json.dump(state, f)
seen = name
fig = plt.figure()
if name == "fail":
    raise ValueError("planned failure (test)")
"""


@pytest.fixture
def probe(tmp_path, monkeypatch) -> Path:
    """A notebooks folder with the probe template; a private build folder (a space in its path,
    as in a checkout under "My projects")."""
    tmp_path = tmp_path / "a folder"
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('name = ""\nfigures_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(PROBE)]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    nbformat.write(nb, notebooks / "probe.ipynb")
    monkeypatch.setattr(config, "NOTEBOOKS", notebooks)
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    return tmp_path / "build" / "notebooks"


def _job(name: str) -> build.NotebookJob:
    return build.NotebookJob("probe.ipynb", f"{name}.ipynb", {"name": name}, title=name)


def test_each_notebook_starts_with_an_empty_namespace_in_its_own_folder(probe):
    names = ["a", "b", "c"]
    outs = workflow.run_notebooks([(_job(n), probe / n) for n in names])
    assert outs == [probe / n for n in names]
    states = {n: json.loads((probe / n / "state.json").read_text()) for n in names}
    assert {n: s["leaked"] for n, s in states.items()} == {n: [] for n in names}
    assert {n: s["open_figures"] for n, s in states.items()} == {n: [] for n in names}
    # each ran in its own staging folder (renamed to build/notebooks/<job> afterwards)
    assert {n: Path(s["cwd"]).parent == probe.resolve() for n, s in states.items()} == {
        n: True for n in names
    }
    assert {n: Path(s["cwd"]).name.startswith(f".{n}-") for n, s in states.items()} == {
        n: True for n in names
    }
    assert len({s["pid"] for s in states.values()}) == 1  # one kernel for the three
    assert sorted(p.name for p in probe.iterdir()) == names  # no staging folder left
    for n in names:
        nb = nbformat.read(probe / n / f"{n}.ipynb", as_version=4)
        assert nb.cells[0].source == f"---\ntitle: {n}\n---"  # normalised, titled
        assert (probe / n / workflow.FILES_RECORD).is_file()


def test_a_failing_notebook_in_a_shared_kernel_publishes_none_of_them(probe):
    """The second of three fails: the error names it and its cell, its executed notebook is kept
    in build/failed/, and no job's folder is created (the first one succeeded, but the rule's
    outputs are all or nothing); no staging folder is left."""
    runs = [(_job(n), probe / n) for n in ("a", "fail", "c")]
    with pytest.raises(workflow.NotebookFailed) as info:
        workflow.run_notebooks(runs)
    message = str(info.value)
    assert "probe.ipynb (fail.ipynb) feilet i celle" in message
    assert "ValueError: planned failure (test)" in message
    kept = config.build_dir() / "failed" / "fail.ipynb"
    assert kept.is_file() and str(kept) in message
    assert list(probe.iterdir()) == []


def test_a_shared_kernel_run_prints_nothing_but_what_the_build_says(probe, capfd):
    """The build's log shows one line per step (Snakemake's and ``Kjørt: …``), not papermill's
    progress bar or the notebooks' output."""
    workflow.run_notebooks([(_job(n), probe / n) for n in ("a", "b")])
    out, err = capfd.readouterr()
    assert "Executing" not in err and "cell/s" not in err, err
    assert out == "", out
