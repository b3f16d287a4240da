"""The suite writes nothing into the checkout: the session-finish check of tests/conftest.py.

``pytest_sessionfinish`` compares a listing of the folders a build, a render, a notebook run,
hypothesis or snakemake would write to (``conftest.WATCHED``) and of the project root's names,
taken before the first test, with one taken after the last; any difference fails the session.
These tests check that the listing sees such writes (on a temporary copy of the layout) and that
the session points every writer at its own folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, WATCHED, checkout_changes, checkout_listing, session_dir

from helpers import config


@pytest.fixture
def project(tmp_path):
    for name in ("report", "notebooks", "data"):
        (tmp_path / name).mkdir()
    (tmp_path / "report" / "metode.qmd").write_text("# Metode")
    (tmp_path / "notebooks" / "oversikt.ipynb").write_text("{}")
    (tmp_path / "data" / "indicators.yml").write_text("indicators: []")
    return tmp_path


@pytest.mark.parametrize(
    "written",
    [
        "build/data/indicators.parquet",
        "build/notebooks/figures/levekar/kart.png",
        "kapitler/levekar.ipynb",
        "report/_output/index.html",
        "notebooks/_scratch/figures/levekar/kart.png",
        ".hypothesis/examples/x",
        ".snakemake/log/x.log",
    ],
)
def test_a_file_written_under_a_watched_folder_is_reported(project, written):
    before = checkout_listing(project)
    path = project / written
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    changes = checkout_changes(before, checkout_listing(project))
    assert f"+ {written}" in changes


def test_a_changed_or_removed_file_and_a_new_top_level_name_are_reported(project):
    before = checkout_listing(project)
    qmd = project / "report" / "metode.qmd"
    qmd.write_text("# Metode, overwritten")
    os.utime(qmd, ns=(1, 1))
    (project / "notebooks" / "oversikt.ipynb").unlink()
    (project / "oslohelsa.pdf").write_bytes(b"%PDF")
    changes = checkout_changes(before, checkout_listing(project))
    assert changes == ["+ oslohelsa.pdf", "- notebooks/oversikt.ipynb", "~ report/metode.qmd"]


def test_pycache_and_pytest_cache_do_not_count(project):
    before = checkout_listing(project)
    for cache in ("__pycache__/x.pyc", ".pytest_cache/v/x", "notebooks/__pycache__/y.pyc"):
        (project / cache).parent.mkdir(parents=True, exist_ok=True)
        (project / cache).write_bytes(b"x")
    assert checkout_changes(before, checkout_listing(project)) == []


def test_every_writer_points_at_the_session_folder():
    """Build, report, scratch figures and hypothesis's database are in the session folder."""
    root = session_dir()
    for folder in (config.build_dir(), config.output_dir(), config.scratch_dir()):
        assert folder.is_relative_to(root) and not folder.is_relative_to(PROJECT_ROOT), folder
    from hypothesis.configuration import storage_directory

    assert Path(storage_directory("examples").path).is_relative_to(root)
    assert {"build", "report", "notebooks", ".hypothesis", ".snakemake"} <= set(WATCHED)
