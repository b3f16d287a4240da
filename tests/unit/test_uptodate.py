"""The front door's memory of Snakemake's last answer (helpers.uptodate): a ``make report`` with
nothing changed since a successful build starts no Snakemake; any change makes it run as usual.

Every project here is a small synthetic folder in tmp_path (no real data, no build)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from helpers import build, build_cli, config, uptodate

OPTIONS = {"engine": "auto", "rank_by": "x", "rank_year": 2023, "seed": 1, "repetitions": 1000}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A checkout with a raw file, a notebook, a helper module and a finished build."""
    root = tmp_path / "proj"
    for name, text in {
        "data/raw/a.csv": "bydel,verdi\n1,2\n",
        "notebooks/area.ipynb": "{}",
        "src/helpers/m.py": "X = 1\n",
        "build/notebooks/area/area.ipynb": "{}",
        "build/.snakemake/metadata/abc": "{}",
        "report/_output/index.html": "<html></html>",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.setattr(config, "ROOT", root)
    monkeypatch.setattr(config, "CHAPTERS", root / "kapitler")
    monkeypatch.setenv("OSLOHELSA_BUILD", str(root / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(root / "report" / "_output"))
    monkeypatch.delenv("OSLOHELSA_RENDERING", raising=False)
    return root


def _remembered() -> None:
    assert uptodate.remember(OPTIONS, uptodate.state(), jobs=3)


def _later(path: Path, text: str | None = None) -> None:
    """Rewrite ``path`` (same content unless ``text``) with a modification time 5 s later."""
    info = path.stat()
    path.write_text(path.read_text() if text is None else text)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


def test_nothing_changed_gives_the_record_with_its_job_count(project):
    _remembered()
    record = uptodate.unchanged(OPTIONS)
    assert record is not None and record["jobs"] == 3
    assert uptodate.record_path() == project / "build" / "up-to-date.json"


@pytest.mark.parametrize(
    "change",
    [
        "data/raw/a.csv",  # raw data touched (same content: Snakemake judges by time too)
        "notebooks/area.ipynb",
        "src/helpers/m.py",
        "build/notebooks/area/area.ipynb",  # an output rewritten
        "build/.snakemake/metadata/abc",  # Snakemake's own records
        "report/_output/index.html",  # the published report
    ],
)
def test_a_touched_file_anywhere_the_build_looks_means_snakemake_runs(project, change):
    _remembered()
    _later(project / change)
    assert uptodate.unchanged(OPTIONS) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "data/raw/b.csv").write_text("ny\n"),  # a file added
        lambda root: (root / "data/raw/a.csv").unlink(),  # a file removed
        lambda root: (root / "build/notebooks/area/area.ipynb").unlink(),  # an output removed
        lambda root: (root / "report/_output/index.html").unlink(),
        lambda root: (root / "data/raw/extra").mkdir(),  # a folder added
    ],
)
def test_a_file_added_or_removed_means_snakemake_runs(project, change):
    _remembered()
    change(project)
    assert uptodate.unchanged(OPTIONS) is None


def test_other_options_settings_or_interpreter_mean_snakemake_runs(project, monkeypatch):
    _remembered()
    assert uptodate.unchanged({**OPTIONS, "rank_year": 2022}) is None
    assert uptodate.unchanged({**OPTIONS, "engine": "embedded"}) is None
    monkeypatch.setenv("OSLOHELSA_RENDERING", "1")
    assert uptodate.unchanged(OPTIONS) is None
    monkeypatch.delenv("OSLOHELSA_RENDERING")
    assert uptodate.unchanged(OPTIONS) is not None
    monkeypatch.setattr(uptodate.sys, "executable", "/another/python")
    assert uptodate.unchanged(OPTIONS) is None


def test_what_every_run_writes_and_tool_caches_do_not_count(project, monkeypatch):
    """Snakemake's log (written by every run, whatever it decides), Python's byte code, the
    manifest's start time and the record itself are not part of the state."""
    _remembered()
    log = project / "build" / ".snakemake" / "log"
    log.mkdir()
    (log / "run.snakemake.log").write_text("Nothing to be done.\n")
    (project / "src" / "helpers" / "__pycache__").mkdir()
    (project / "src" / "helpers" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    monkeypatch.setenv("OSLOHELSA_STARTED", "2026-11-30T12:00:00")
    assert uptodate.unchanged(OPTIONS) is None  # creating log/ changed .snakemake's own times
    _remembered()
    (log / "next.snakemake.log").write_text("Nothing to be done.\n")
    _later(project / "src" / "helpers" / "__pycache__" / "m.cpython-311.pyc")
    monkeypatch.setenv("OSLOHELSA_STARTED", "2026-11-30T13:00:00")
    assert uptodate.unchanged(OPTIONS) is not None


def test_no_record_after_a_source_changed_while_the_build_ran(project):
    before = uptodate.state()
    _later(project / "data/raw/a.csv", "bydel,verdi\n1,3\n")  # edited during the build
    assert not uptodate.remember(OPTIONS, before, jobs=3)
    assert not uptodate.record_path().exists()
    before = uptodate.state()
    _later(project / "build/notebooks/area/area.ipynb", '{"cells": []}')  # the build's own
    (project / "report/_output/index.html").unlink()
    assert uptodate.remember(OPTIONS, before, jobs=3)


def test_no_record_after_a_source_was_added_or_removed_while_the_build_ran(project):
    """At the top of the checkout too, whose own times are not part of the state (the build
    folder is created there)."""
    before = uptodate.state()
    (project / "index.qmd").write_text("# Forside\n")  # added during the build
    assert not uptodate.remember(OPTIONS, before, jobs=3)
    before = uptodate.state()
    (project / "index.qmd").unlink()
    assert not uptodate.remember(OPTIONS, before, jobs=3)


def test_links_count_by_themselves_and_by_what_they_point_at(project):
    """A link to a file not (yet) there is part of the state; creating the file it points at,
    or touching the link itself (Snakemake reads both times), means Snakemake runs."""
    link = project / "data" / "raw" / "lenke.csv"
    link.symlink_to(project / "data" / "raw" / "kommer.csv")
    _remembered()
    assert uptodate.unchanged(OPTIONS) is not None
    (project / "data" / "raw" / "kommer.csv").write_text("bydel,verdi\n")
    assert uptodate.unchanged(OPTIONS) is None
    _remembered()
    info = link.lstat()
    os.utime(link, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000), follow_symlinks=False)
    assert uptodate.unchanged(OPTIONS) is None


def test_a_link_back_to_a_folder_already_walked_is_walked_once(project):
    (project / "data" / "raw" / "tilbake").symlink_to(project / "data", target_is_directory=True)
    seen = uptodate.state()
    assert str(project / "data" / "raw" / "tilbake") in seen
    assert not [p for p in seen if "tilbake/" in p]  # not descended: data was walked already


def test_forget_removes_the_record_and_a_broken_record_is_no_record(project):
    _remembered()
    uptodate.forget()
    assert not uptodate.record_path().exists() and uptodate.unchanged(OPTIONS) is None
    uptodate.forget()  # nothing to remove: no error
    uptodate.record_path().write_text("{not json")
    assert uptodate.unchanged(OPTIONS) is None


def test_build_and_output_folders_outside_the_checkout_are_part_of_the_state(
    project, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "sensitivitet"
    (elsewhere / "out").mkdir(parents=True)
    (elsewhere / "out" / "index.html").write_text("<html></html>")
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(elsewhere / "out"))
    monkeypatch.setenv("OSLOHELSA_BUILD", str(elsewhere / "build"))
    _remembered()
    assert uptodate.record_path() == elsewhere / "build" / "up-to-date.json"
    assert uptodate.unchanged(OPTIONS) is not None
    _later(elsewhere / "out" / "index.html")
    assert uptodate.unchanged(OPTIONS) is None


# -- the front door (build_cli) with the workflow replaced by a recording fake --------------


@pytest.fixture
def front_door(project, monkeypatch):
    """``build_cli.main`` on the synthetic project: two jobs; the workflow is a fake that
    re-executes the job ``area`` (rewrites its folder) and returns ``status[0]``."""
    runs, status = [], [0]
    jobs = [
        build.NotebookJob("area.ipynb", "area.ipynb", {}),
        build.NotebookJob("o.ipynb", "o.ipynb", {}),
    ]

    def run_workflow(**options):
        runs.append(options)
        _later(project / "build/notebooks/area/area.ipynb")
        (project / "build/notebooks/area").touch()
        return status[0]

    monkeypatch.setattr(build, "run_workflow", run_workflow)
    monkeypatch.setattr(build, "jobs", lambda **_: jobs)
    return runs, status


def test_second_make_report_with_nothing_changed_starts_no_workflow(project, front_door, capsys):
    runs, _ = front_door
    assert build_cli.main([]) == 0
    assert len(runs) == 1 and uptodate.record_path().exists()
    capsys.readouterr()
    assert build_cli.main([]) == 0
    assert len(runs) == 1  # not started again
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Ingenting er endret siden forrige bygging."
    seconds = re.fullmatch(r"Ferdig på (\d+) s: 0 notatbøker kjørt, 2 uendret\.", out[1])
    assert seconds and int(seconds[1]) < 60  # the time this call took, not a clock reading
    assert out[2] == f"  HTML:     {project / 'report' / '_output' / 'index.html'}"


def test_a_change_force_or_other_options_run_the_workflow_again(project, front_door):
    runs, _ = front_door
    build_cli.main([])
    _later(project / "data/raw/a.csv")
    build_cli.main([])
    assert len(runs) == 2
    build_cli.main(["--force"])
    assert len(runs) == 3 and runs[-1]["force"]
    build_cli.main([])  # a forced build is remembered like any other
    assert len(runs) == 3
    build_cli.main(["--seed", "7"])
    assert len(runs) == 4


def test_a_failed_build_leaves_no_record(project, front_door):
    runs, status = front_door
    build_cli.main([])
    status[0] = 1
    _later(project / "data/raw/a.csv")
    assert build_cli.main([]) == 1
    assert not uptodate.record_path().exists()
    assert build_cli.main([]) == 1  # so the next make report runs it again
    assert len(runs) == 3


def test_the_publish_swap_beside_the_output_folder_does_not_count(project):
    """Publishing renames folders inside report/ (the output folder's parent), which changes
    report/'s own times; the record is still written and still matches."""
    before = uptodate.state()
    staging = project / "report" / "_output.new"
    staging.mkdir()
    (staging / "index.html").write_text("<html>ny</html>")
    (project / "report" / "_output").rename(project / "report" / "_output.old")
    staging.rename(project / "report" / "_output")
    for old in (project / "report" / "_output.old").iterdir():
        old.unlink()
    (project / "report" / "_output.old").rmdir()
    assert uptodate.remember(OPTIONS, before, jobs=3)
    assert uptodate.unchanged(OPTIONS) is not None


def test_a_file_changed_behind_a_linked_folder_counts(project, tmp_path):
    """A raw-data folder that is a symbolic link to elsewhere: its files are read through it."""
    elsewhere = tmp_path / "shared-data"
    elsewhere.mkdir()
    (elsewhere / "b.csv").write_text("bydel,verdi\n1,2\n")
    (project / "data" / "linked").symlink_to(elsewhere, target_is_directory=True)
    _remembered()
    _later(elsewhere / "b.csv", "bydel,verdi\n1,3\n")
    assert uptodate.unchanged(OPTIONS) is None
