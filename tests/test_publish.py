"""Publishing is atomic: a build that fails partway leaves ``build/`` and the published report
byte-identical, and leaves no staging folder behind.

Failures are injected where the build publishes: ``DataFrame.to_parquet`` and ``os.replace``
while the data are written, one notebook job that fails, ``os.replace`` while the executed
notebooks or the rendered report are swapped in. The published state is either placeholders
(cheap; the data stage never gets as far as the notebooks) or a copy of the session's shared
build (tests/conftest.py), whose unchanged notebooks the content-hash cache reuses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import snapshot  # noqa: E402  (a helper, not a fixture)

from helpers import build, config

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


@pytest.mark.e2e
def test_one_failing_notebook_publishes_nothing(
    copy_of_shared_build, shared_build, no_data_stage, monkeypatch
):
    """One job in the middle of the list fails (a rank year without data): the notebooks that
    succeeded are not swapped in and the report is not rendered."""
    real_jobs = build.jobs

    def jobs(**kwargs):
        job_list = real_jobs(**kwargs)
        middle = len(job_list) // 2
        bad = job_list[middle]
        job_list[middle] = build.NotebookJob(
            bad.template, bad.output, {**bad.parameters, "rank_year": 1800}
        )
        return job_list

    monkeypatch.setattr(build, "jobs", jobs)
    before = snapshot(copy_of_shared_build)
    with pytest.raises(Exception, match="1800"):
        build.build(engine="embedded", repetitions=shared_build.repetitions)
    assert snapshot(copy_of_shared_build) == before


@pytest.mark.e2e
@pytest.mark.parametrize(
    "fails",
    [
        # every notebook is reused from the cache; the swap of the new folder fails
        lambda src, dst: dst == config.build_notebooks_dir() and "old" not in src.name,
        # the rendered report is complete, but moving it into place fails
        lambda src, dst: dst == config.output_dir() and src.name == "site",
    ],
    ids=["swapping-notebooks", "swapping-report"],
)
def test_os_replace_failing_while_swapping(
    fails, copy_of_shared_build, shared_build, no_data_stage, monkeypatch
):
    """``os.replace`` fails while the executed notebooks, or the rendered report, are swapped in:
    build/ and the published report stay byte-identical."""
    before = snapshot(copy_of_shared_build)
    calls = fail_replace_when(monkeypatch, fails)
    with pytest.raises(Injected):
        build.build(engine="embedded", repetitions=shared_build.repetitions)
    assert "failed" in calls
    assert snapshot(copy_of_shared_build) == before


@pytest.mark.e2e
def test_successful_rebuild_replaces_the_report_folder(
    copy_of_shared_build, shared_build, no_data_stage
):
    """A new report replaces the published folder as a whole: nothing stale survives, and the
    report equals the shared build's byte for byte."""
    stale = copy_of_shared_build / "out" / "gammelt-kapittel.html"
    stale.write_text("stale chapter from an older build")
    (copy_of_shared_build / "out" / "oslohelsa.pdf").write_bytes(b"%PDF stale")
    build.build(engine="embedded", repetitions=shared_build.repetitions)
    assert not stale.exists()
    assert snapshot(copy_of_shared_build / "out") == snapshot(shared_build.out)
    assert snapshot(copy_of_shared_build / "build") == snapshot(shared_build.build)
