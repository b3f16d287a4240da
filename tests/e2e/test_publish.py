"""Publishing is atomic: a build that fails partway leaves ``build/`` and the published report
byte-identical, and leaves no staging folder behind.

Failures are injected where the build publishes: ``DataFrame.to_parquet`` and ``os.replace``
while the data are written, notebooks that fail in the Snakemake workflow, ``os.replace`` while
the rendered report is swapped in (the publish step, in-process). The published state is either
placeholders (cheap; the data stage never gets as far as the notebooks) or a copy of the
session's shared build (tests/conftest.py), whose unchanged notebooks Snakemake does not re-run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import snapshot  # noqa: E402  (a helper, not a fixture)

from helpers import build, config, workflow

REAL_REPLACE = os.replace


class Injected(OSError):
    """The failure a test injects (an OSError, as os.replace and file writes raise)."""


def fail_replace_when(monkeypatch, predicate) -> list:
    """Make ``os.replace`` raise (once) on the call whose (src, dst) satisfies ``predicate``."""
    calls: list = []

    def replace(src, dst, *args, **kwargs):
        calls.append((Path(src), Path(dst)))
        if predicate(Path(src), Path(dst)) and not any(c == "failed" for c in calls):
            calls.append("failed")
            raise Injected(f"injected: os.replace({src}, {dst})")
        return REAL_REPLACE(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_to_parquet_failing_partway_publishes_nothing(placeholders, reuse_raw_tables, monkeypatch):
    """The second table fails to write: the first one must not have reached build/data."""
    before = snapshot(placeholders)
    real = pd.DataFrame.to_parquet
    written: list[str] = []

    def to_parquet(self, path, *args, **kwargs):
        written.append(Path(path).name)
        if len(written) == 2:
            raise Injected(f"injected: to_parquet({path})")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    with pytest.raises(Injected):
        build.build(engine="embedded")
    assert written[:2] == ["indicators.parquet", "population.parquet"]
    assert snapshot(placeholders) == before


def test_os_replace_failing_while_publishing_data_rolls_back(
    placeholders, reuse_raw_tables, monkeypatch
):
    """The second of the three data files fails to move in: the first is put back."""
    before = snapshot(placeholders)
    calls = fail_replace_when(
        monkeypatch, lambda src, dst: dst == config.build_data_dir() / "population.parquet"
    )
    with pytest.raises(Injected):
        build.build(engine="embedded")
    assert "failed" in calls
    assert snapshot(placeholders) == before


@pytest.fixture
def no_data_stage(monkeypatch):
    """Skip steps 1-2 (the published data are the inputs), for tests of the later stages."""
    monkeypatch.setattr(build, "prepare_data", lambda **_: config.build_data_dir())


def _published(root: Path) -> dict:
    """The report, the staged chapters, the executed notebooks and the data of a build (not
    Snakemake's own records, nor build/failed where a failing notebook is kept)."""
    return {
        name: snapshot(root / name)
        for name in ("out", "build/kapitler", "build/notebooks", "build/data")
    }


@pytest.mark.e2e
def test_failing_notebooks_publish_nothing(
    copy_of_shared_build, shared_build, no_data_stage, monkeypatch
):
    """The notebooks fail (a rank year without data, past the front door's ranking check): the
    workflow stops with the error; the report, the staged chapters and the data are untouched,
    and no execution folder is replaced by a failed one. (Snakemake removes a job's output
    folder before it runs the job, so the folders of the jobs it started are gone: the next
    build executes them again.)"""
    monkeypatch.setattr(build, "check_ranking", lambda *_: None)
    before = _published(copy_of_shared_build)
    with pytest.raises(build.BuildFailed, match="1800"):
        build.build(engine="embedded", rank_year=1800, repetitions=shared_build.repetitions)
    after = _published(copy_of_shared_build)
    ran, kept = before.pop("build/notebooks"), after.pop("build/notebooks")
    assert after == before
    assert kept.items() <= ran.items()  # each execution folder as it was, or gone
    assert list((copy_of_shared_build / "build" / "failed").glob("*.ipynb"))


@pytest.mark.e2e
def test_os_replace_failing_while_swapping_report(copy_of_shared_build, shared_build, monkeypatch):
    """The publish step (in-process): the rendered report is complete, but moving it into
    place fails."""
    before = snapshot(copy_of_shared_build)
    calls = fail_replace_when(
        monkeypatch, lambda src, dst: dst == config.output_dir() and src.name == "site"
    )
    params = workflow.build_params({"repetitions": shared_build.repetitions})
    with pytest.raises(Injected):
        workflow.publish(params, engine="embedded")
    assert "failed" in calls
    assert snapshot(copy_of_shared_build) == before


@pytest.mark.e2e
def test_successful_rebuild_replaces_the_report_folder(
    copy_of_shared_build, shared_build, no_data_stage
):
    """A new report replaces the published folder as a whole: nothing stale survives, and the
    report equals the shared build's byte for byte (publish re-runs: its stamp is removed)."""
    stale = copy_of_shared_build / "out" / "gammelt-kapittel.html"
    stale.write_text("stale chapter from an older build")
    (copy_of_shared_build / "out" / "oslohelsa.pdf").write_bytes(b"%PDF stale")
    (copy_of_shared_build / "build" / "published.json").unlink()
    build.build(engine="embedded", repetitions=shared_build.repetitions)
    assert not stale.exists()
    rebuilt = snapshot(copy_of_shared_build / "out", build_times=False)
    assert rebuilt == snapshot(shared_build.out, build_times=False)
    for name in ("kapitler", "notebooks", "data"):
        copy, shared = copy_of_shared_build / "build" / name, shared_build.build / name
        assert snapshot(copy) == snapshot(shared), name
