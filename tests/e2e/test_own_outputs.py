"""Issue 11, the wrong-figure bug: every notebook execution owns its outputs.

Before: notebooks wrote figures into one shared ``build/notebooks/figures/`` and the build reused
a notebook whose inputs hashed as before without looking at its figures, so ``papermill`` run by
hand with ``period 2019`` put a 2019 map under the report's 2023 caption. Now an execution's
notebook and figures live in ``build/notebooks/<job>/``, a hand run writes to the scratch folder,
and a notebook is reused only when every file of its folder is as it was recorded.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from conftest import snapshot  # noqa: E402  (helpers, not fixtures)

from helpers import build, config


def _published(root):
    """Everything a reader gets: the report and the staged chapters with their figures."""
    return {
        "out": snapshot(root / "out", build_times=False),
        "kapitler": snapshot(root / "build" / "kapitler"),
    }


@pytest.mark.e2e
def test_papermill_by_hand_then_build_publishes_the_same_figures(
    copy_of_shared_build, shared_build, tmp_path, monkeypatch
):
    """The issue's sequence as a new user types it: papermill from notebooks/ with
    ``-p area oppvekst_utdanning -r period 2019``, then the build: published figures unchanged."""
    monkeypatch.setenv("OSLOHELSA_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.delenv(config.RENDERING_ENV, raising=False)
    before = _published(copy_of_shared_build)
    builds_before = snapshot(copy_of_shared_build / "build")
    subprocess.run(
        [
            sys.executable, "-m", "papermill", "innsatsomrade.ipynb", str(tmp_path / "x.ipynb"),
            "-p", "area", "oppvekst_utdanning", "-r", "period", "2019",
            "-p", "repetitions", "1000", "--kernel", "python3", "--no-progress-bar",
        ],
        cwd=config.NOTEBOOKS,
        check=True,
        capture_output=True,
    )  # fmt: skip
    assert snapshot(copy_of_shared_build / "build") == builds_before  # hand runs: scratch only
    assert list((tmp_path / "scratch" / "figures" / "oppvekst_utdanning").glob("*.png"))
    build.build(engine="embedded", repetitions=shared_build.repetitions)
    assert _published(copy_of_shared_build) == before


@pytest.mark.e2e
def test_a_notebook_whose_figure_changed_is_executed_again(copy_of_shared_build, shared_build):
    """Overwrite one published figure of an execution (what the shared folder allowed): the
    build must not reuse that notebook; it executes it again and publishes the right figure."""
    area = "oppvekst_utdanning"
    notebooks = copy_of_shared_build / "build" / "notebooks"
    own = notebooks / area / "figures" / area
    figure = sorted(own.glob("*-kart.png"))[0]
    right = hashlib.sha256(figure.read_bytes()).hexdigest()
    figure.write_bytes(b"a map of 2019 under a caption of 2023")
    folders = [build.job_folder(j) for j in build.jobs()]
    before = {name: (notebooks / name).stat().st_mtime_ns for name in folders}
    build.build(engine="embedded", repetitions=shared_build.repetitions)
    after = {name: (notebooks / name).stat().st_mtime_ns for name in folders}
    assert [name for name in folders if after[name] != before[name]] == [area]
    assert hashlib.sha256(figure.read_bytes()).hexdigest() == right
    staged = copy_of_shared_build / "build" / "kapitler" / "figures" / area / figure.name
    assert hashlib.sha256(staged.read_bytes()).hexdigest() == right
    rebuilt = snapshot(copy_of_shared_build / "out", build_times=False)
    assert rebuilt == snapshot(shared_build.out, build_times=False)
