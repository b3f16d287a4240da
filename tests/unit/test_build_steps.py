"""The build's steps, in-process (so that mutation testing sees them): each Snakemake rule's
command (``python -m helpers.workflow data|notebook|publish``: ``run_notebooks``,
``record_files``, ``manifest``, ``publish``, ``main``), the Snakemake command line and its run in
this process (``build.snakemake_command``, ``run_snakemake``, ``run_workflow``, ``build.build``),
and the front door's Snakemake build (``build_cli._snakemake_build``, ``_check_ranking_once``).

No notebook is executed and nothing is rendered: papermill's kernel, the renderer and Snakemake's
API are replaced by recorders, so that each test sees exactly what a step asks of them and what
it leaves on disk. Every file written here is synthetic (not Oslo's data).
``tests/e2e/test_snakemake.py`` and ``tests/e2e/test_one_kernel.py`` run the real ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import platform
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers import build, build_cli, config, render, workflow
from helpers.errors import DataError

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


@pytest.fixture
def private_build(tmp_path, monkeypatch) -> Path:
    """A build folder and an output folder of this test's own (``OSLOHELSA_BUILD``/``_OUTPUT``)."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    return tmp_path / "build"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- run_notebooks: one notebook step, atomically -------------------------------------------------


def _job(name: str, title: str = "") -> build.NotebookJob:
    return build.NotebookJob(
        template="innsatsomrade.ipynb", output=f"{name}.ipynb", parameters={}, title=title
    )


class FakeKernel:
    """Stands in for ``build.execute_in_one_kernel``: writes each job's notebook (with a volatile
    execution count and metadata) and one figure into the folder it is given, records the
    folders, and fails as asked."""

    def __init__(self, fail: BaseException | None = None, fail_at: int = 0, write: bool = True):
        self.folders: list[Path] = []
        self.fail, self.fail_at, self.write = fail, fail_at, write

    def __call__(self, runs):
        for i, (job, folder) in enumerate(runs):
            self.folders.append(Path(folder))
            assert Path(folder).is_dir()
            if self.write:
                cell = nbformat.v4.new_code_cell("x = 1", execution_count=7)
                nb = nbformat.v4.new_notebook(cells=[cell])
                nb.metadata["kernelspec"] = KERNELSPEC
                nb.metadata["papermill"] = {"duration": 1.5}
                nbformat.write(nb, Path(folder) / job.output)
                (Path(folder) / "figures").mkdir()
                (Path(folder) / "figures" / "kart.png").write_bytes(f"figure {i}".encode())
            if self.fail is not None and i == self.fail_at:
                if isinstance(self.fail, papermill.PapermillExecutionError):
                    self.fail.failed_run = (job, Path(folder))
                raise self.fail


def _execution_error(exec_count=4, cell_index=9) -> papermill.PapermillExecutionError:
    return papermill.PapermillExecutionError(
        cell_index=cell_index,
        exec_count=exec_count,
        source="1 / 0",
        ename="ZeroDivisionError",
        evalue="division by zero",
        traceback=[],
    )


def test_run_notebooks_writes_each_job_s_folder_with_its_record(private_build, monkeypatch):
    kernel = FakeKernel()
    monkeypatch.setattr(build, "execute_in_one_kernel", kernel)
    notebooks = private_build / "notebooks"  # not there yet: made by the step
    outs = [notebooks / "levekar", notebooks / "klima_miljo"]
    runs = [(_job("levekar", "Levekår"), outs[0]), (_job("klima_miljo", "Klima og miljø"), outs[1])]

    assert workflow.run_notebooks(runs) == outs
    # each ran in a hidden sibling of its output folder (same file system: renamed into place)
    assert [f.parent for f in kernel.folders] == [notebooks, notebooks]
    assert kernel.folders[0].name.startswith(".levekar-")
    assert kernel.folders[1].name.startswith(".klima_miljo-")
    assert sorted(p.name for p in notebooks.iterdir()) == ["klima_miljo", "levekar"]
    for i, (out, title) in enumerate(zip(outs, ["Levekår", "Klima og miljø"], strict=True)):
        nb = nbformat.read(out / f"{out.name}.ipynb", as_version=4)
        assert nb.cells[0].cell_type == "raw" and f"title: {title}" in nb.cells[0].source
        assert nb.cells[1].execution_count is None  # normalised: nothing that varies
        assert "papermill" not in nb.metadata
        record = json.loads((out / workflow.FILES_RECORD).read_text())
        assert record == {
            f"{out.name}.ipynb": _sha256((out / f"{out.name}.ipynb").read_bytes()),
            "figures/kart.png": _sha256(f"figure {i}".encode()),
        }


def test_run_notebook_is_the_one_job_step(private_build, monkeypatch):
    monkeypatch.setattr(build, "execute_in_one_kernel", FakeKernel())
    out = private_build / "notebooks" / "levekar"
    assert workflow.run_notebook(_job("levekar", "Levekår"), out) == out
    assert (out / "levekar.ipynb").is_file()


@pytest.mark.parametrize("exec_count, cell", [(4, "celle 4"), (None, "celle 9")])
def test_a_failed_notebook_is_kept_named_and_nothing_is_published(
    private_build, monkeypatch, exec_count, cell
):
    """The second job fails: neither job's folder is published (nor an old one replaced), the
    temporary folders are gone, the failed notebook is kept in ``build/failed/`` (made, with
    the build folder, when the jobs' folders are elsewhere: ``run_notebook`` by hand)."""
    notebooks = private_build.parent / "notebooks"
    published = notebooks / "levekar"
    published.mkdir(parents=True)
    (published / "levekar.ipynb").write_text("published before")
    kernel = FakeKernel(fail=_execution_error(exec_count=exec_count), fail_at=1)
    monkeypatch.setattr(build, "execute_in_one_kernel", kernel)
    job = _job("klima_miljo")
    with pytest.raises(workflow.NotebookFailed) as err:
        workflow.run_notebooks([(_job("levekar"), published), (job, notebooks / "klima_miljo")])
    kept = private_build / "failed" / "klima_miljo.ipynb"
    assert str(err.value) == (
        f"notatboken innsatsomrade.ipynb (klima_miljo.ipynb) feilet i {cell}: "
        f"ZeroDivisionError: division by zero\n  Den kjørte notatboken: {kept}"
    )
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert nbformat.read(kept, as_version=4).cells[0].execution_count == 7  # as it ran
    assert [p.name for p in notebooks.iterdir()] == ["levekar"]
    assert (published / "levekar.ipynb").read_text() == "published before"


def test_a_notebook_that_failed_before_writing_anything_is_named_without_a_copy(
    private_build, monkeypatch
):
    (private_build / "failed").mkdir(parents=True)  # a failed folder from an earlier run
    kernel = FakeKernel(fail=_execution_error(), write=False)
    monkeypatch.setattr(build, "execute_in_one_kernel", kernel)
    with pytest.raises(workflow.NotebookFailed, match="feilet i celle 4"):
        workflow.run_notebooks([(_job("levekar"), private_build / "notebooks" / "levekar")])
    assert list((private_build / "failed").iterdir()) == []
    assert list((private_build / "notebooks").iterdir()) == []


def test_any_other_failure_leaves_nothing_and_is_raised_as_it_is(private_build, monkeypatch):
    for exc in (OSError("disk full"), KeyboardInterrupt()):
        monkeypatch.setattr(build, "execute_in_one_kernel", FakeKernel(fail=exc))
        with pytest.raises(type(exc)) as err:
            workflow.run_notebooks([(_job("levekar"), private_build / "notebooks" / "levekar")])
        assert err.value is exc
        assert list((private_build / "notebooks").iterdir()) == []
        assert not (private_build / "failed").exists()


def test_record_files_is_the_sha256_of_every_file_but_the_markers(tmp_path):
    folder = tmp_path / "levekar"
    (folder / "figures" / "levekar").mkdir(parents=True)
    (folder / "levekar.ipynb").write_bytes(b"{}")
    (folder / "figures" / "levekar" / "kart.png").write_bytes(b"png")
    (folder / workflow.SNAKEMAKE_TIMESTAMP).write_bytes(b"")
    (folder / workflow.FILES_RECORD).write_text("an older record")
    workflow.record_files(str(folder))
    text = (folder / ".files.json").read_text()
    assert json.loads(text) == {
        "figures/levekar/kart.png": _sha256(b"png"),
        "levekar.ipynb": _sha256(b"{}"),
    }
    assert len(text.splitlines()) == 4  # one file a line, to read in a diff
    assert workflow.remove_changed_outputs(tmp_path) == []  # what the check compares


# --- manifest: the build's provenance -------------------------------------------------------------


@pytest.fixture
def synthetic_sources(tmp_path, monkeypatch) -> dict[str, bytes]:
    """A sources list of three synthetic files, one of them a test fixture (not an input)."""
    from helpers.catalogue import sources

    contents = {"a.csv": b"bydel,verdi\n", "b.geojson": b"{}", "fixture.csv": b"x\n"}
    for name, data in contents.items():
        (tmp_path / name).write_bytes(data)
    roles = {"a.csv": "indicator", "b.geojson": "geometry", "fixture.csv": "test_fixture"}
    files = [{"path": str(tmp_path / n), "role": r} for n, r in roles.items()]
    monkeypatch.setattr(sources, "load_sources", lambda *a, **k: {"files": files})
    return contents


def _git_answers(monkeypatch, commit: str, status: str) -> list[tuple]:
    asked = []

    def git(*args):
        asked.append(args)
        return {("rev-parse", "HEAD"): commit, ("status", "--porcelain"): status}[args]

    monkeypatch.setattr(workflow, "_git", git)
    return asked


def test_manifest_records_code_packages_parameters_notebooks_and_inputs(
    synthetic_sources, tmp_path, monkeypatch
):
    from importlib import metadata

    monkeypatch.setattr(workflow, "MANIFEST_PACKAGES", ("pytest", "oslohelsa-no-such-package"))
    asked = _git_answers(monkeypatch, "0123abc", " M notebooks/oversikt.ipynb")
    params = {"rank_by": config.DEFAULT_RANK_BY, "rank_year": 2021, "seed": 7, "repetitions": 1000}
    m = workflow.manifest(params, started="2026-11-30T10:00:00+00:00", ended="end")

    assert asked == [("rev-parse", "HEAD"), ("status", "--porcelain")]
    assert m["git"] == {"commit": "0123abc", "dirty": True}
    assert m["python"] == platform.python_version()
    assert m["packages"] == {
        "pytest": metadata.version("pytest"),
        "oslohelsa-no-such-package": None,
    }
    assert m["parameters"] is params
    # every notebook chapter of the book, with its template and parameters
    chapters = [p.name for p in render.chapters() if p.suffix == ".ipynb"]
    assert sorted(m["notebooks"]) == sorted(chapters)
    assert m["notebooks"]["levekar.ipynb"] == {
        "template": "innsatsomrade.ipynb",
        "parameters": {**params, "area": "levekar"},
    }
    assert m["notebooks"]["oversikt.ipynb"]["template"] == "oversikt.ipynb"
    assert m["inputs"] == [
        {"path": str(tmp_path / "a.csv"), "role": "indicator", "sha256": _sha256(b"bydel,verdi\n")},
        {"path": str(tmp_path / "b.geojson"), "role": "geometry", "sha256": _sha256(b"{}")},
    ]
    assert (m["started"], m["ended"]) == ("2026-11-30T10:00:00+00:00", "end")
    assert list(m) == [
        "git", "python", "packages", "parameters", "notebooks", "inputs", "started", "ended",
    ]  # fmt: skip


def test_manifest_git_state_clean_and_unknown(synthetic_sources, monkeypatch):
    monkeypatch.setattr(workflow, "MANIFEST_PACKAGES", ())
    params = workflow.build_params()
    _git_answers(monkeypatch, "0123abc", "")
    assert workflow.manifest(params, started="s", ended="e")["git"] == {
        "commit": "0123abc",
        "dirty": False,
    }
    asked = _git_answers(monkeypatch, "", "")  # not a git checkout (or no git)
    assert workflow.manifest(params, started="s", ended="e")["git"] == {
        "commit": None,
        "dirty": None,
    }
    assert asked == [("rev-parse", "HEAD")]


# --- publish: stage, render, manifest -------------------------------------------------------------


class FakePublishing:
    """Records what ``workflow.publish`` asks of the staging, the extras and the renderer. The
    renderer swaps the output folder in whole, as the real one does (``sensitivity``: what the
    new site already holds in ``sensitivitet/``)."""

    def __init__(self, monkeypatch, *, fail: bool = False, sensitivity: str | None = None):
        from helpers.catalogue import sources
        from helpers.present import downloads, profile, ranking_text

        self.calls: list[tuple] = []
        self.aside_seen: list[str] | None = None
        self.fail, self.sensitivity = fail, sensitivity
        record = self.calls.append
        monkeypatch.setattr(build, "stage_chapters", lambda *a, **k: record(("stage", a, k)))
        monkeypatch.setattr(ranking_text, "write", lambda *a, **k: record(("ranking", a, k)))
        monkeypatch.setattr(sources, "data_date", lambda: "datadato")
        monkeypatch.setattr(downloads, "for_site", lambda *a, **k: ("downloads", a, k))
        monkeypatch.setattr(profile, "pdfs_for_site", lambda *a, **k: ("profiles", a, k))
        monkeypatch.setattr(render, "render", self.render)
        times = iter(["now-1", "now-2"])
        monkeypatch.setattr(workflow, "_now", lambda: next(times))
        monkeypatch.setattr(workflow, "manifest", lambda params, **k: {"parameters": params, **k})

    def render(self, **kwargs):
        import shutil

        self.calls.append(("render", (), kwargs))
        aside = config.build_dir() / ".sensitivitet-kept"
        self.aside_seen = (
            sorted(p.relative_to(aside).as_posix() for p in aside.rglob("*"))
            if aside.exists()
            else None
        )
        if self.fail:
            raise RuntimeError("pandoc failed")
        out = config.output_dir()
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        (out / "index.html").write_text("ny rapport")
        if self.sensitivity is not None:
            (out / "sensitivitet").mkdir()
            (out / "sensitivitet" / "ny.txt").write_text(self.sensitivity)
        return render.RenderResult(out / "index.html", out / "oslohelsa.pdf", "embedded")


def _published_sensitivity(private_build, stale: bool = True) -> Path:
    """A published report with a sensitivity analysis beside it, and (``stale``) a copy set
    aside by an earlier publish that was killed."""
    kept = config.output_dir() / "sensitivitet" / "inntekt-2020"
    kept.mkdir(parents=True)
    (kept / "index.html").write_text("sensitivitetsanalyse")
    if stale:
        (private_build / ".sensitivitet-kept").mkdir(parents=True)
        (private_build / ".sensitivitet-kept" / "gammel.txt").write_text("stale")
    return kept


def test_publish_stages_renders_keeps_the_sensitivity_analyses_and_writes_the_manifest(
    private_build, monkeypatch
):
    monkeypatch.delenv("OSLOHELSA_STARTED", raising=False)
    _published_sensitivity(private_build)
    fake = FakePublishing(monkeypatch)
    params = workflow.build_params()
    stamp = private_build / "published.json"
    summary = workflow.publish(params, engine="embedded", stamp=stamp, threads=3)

    out = config.output_dir()
    chapters = config.chapters_dir()
    titles = fake.calls[0][2]["titles"]
    assert fake.calls[0] == ("stage", (private_build / "notebooks",), {"titles": titles})
    assert titles["levekar.ipynb"] == "Levekår" and titles["kilder.ipynb"] == "Data og kilder"
    assert len(titles) == len([p for p in render.chapters() if p.suffix == ".ipynb"])
    assert fake.calls[1] == ("ranking", (chapters, params["rank_by"], params["rank_year"]), {})
    assert fake.calls[2] == (
        "render",
        (),
        {
            "engine": "embedded",
            "extras": (
                ("downloads", (private_build / "data",), {"date": "datadato"}),
                ("profiles", (chapters,), {"data_date": "datadato", "workers": 3}),
            ),
            "data_date": "datadato",
        },
    )
    assert len(fake.calls) == 3
    # the analysis was set aside (without the stale copy) and is back in the new site
    assert fake.aside_seen == ["inntekt-2020", "inntekt-2020/index.html"]
    assert (out / "sensitivitet" / "inntekt-2020" / "index.html").read_text() == (
        "sensitivitetsanalyse"
    )
    assert (out / "index.html").read_text() == "ny rapport"
    assert not (private_build / ".sensitivitet-kept").exists()
    manifest = out / "manifest.json"
    assert json.loads(manifest.read_text(encoding="utf-8")) == {
        "parameters": params,
        "started": "now-1",
        "ended": "now-2",
    }
    assert summary == {
        "engine": "embedded",
        "html": str(out / "index.html"),
        "pdf": str(out / "oslohelsa.pdf"),
        "manifest": str(manifest),
    }
    assert stamp.read_text() == json.dumps(summary, indent=1)


def test_publish_of_a_sensitivity_analysis_sets_nothing_aside(private_build, monkeypatch):
    monkeypatch.setenv("OSLOHELSA_STARTED", "2026-11-30T09:00:00+00:00")
    _published_sensitivity(private_build, stale=False)
    fake = FakePublishing(monkeypatch)
    params = {**workflow.build_params(), "rank_year": 2020}
    summary = workflow.publish(params)
    assert fake.aside_seen is None
    assert not (private_build / ".sensitivitet-kept").exists()
    assert not (config.output_dir() / "sensitivitet").exists()
    assert fake.calls[1][1][1:] == (params["rank_by"], 2020)
    assert fake.calls[2][2]["engine"] == "auto"
    assert fake.calls[2][2]["extras"][1][2]["workers"] == 1
    written = json.loads(Path(summary["manifest"]).read_text(encoding="utf-8"))
    assert (written["started"], written["ended"]) == ("2026-11-30T09:00:00+00:00", "now-1")
    assert not (private_build / "published.json").exists()


def test_publish_keeps_a_sensitivity_folder_the_new_site_already_has(private_build, monkeypatch):
    _published_sensitivity(private_build, stale=False)
    FakePublishing(monkeypatch, sensitivity="fra den nye siden")
    workflow.publish(workflow.build_params())
    folder = config.output_dir() / "sensitivitet"
    assert sorted(p.name for p in folder.iterdir()) == ["ny.txt"]
    assert not (private_build / ".sensitivitet-kept").exists()


def test_a_failed_render_publishes_nothing_and_leaves_no_copy_aside(private_build, monkeypatch):
    kept = _published_sensitivity(private_build)
    fake = FakePublishing(monkeypatch, fail=True)
    with pytest.raises(RuntimeError, match="pandoc failed"):
        workflow.publish(workflow.build_params(), stamp=private_build / "published.json")
    assert fake.aside_seen == ["inntekt-2020", "inntekt-2020/index.html"]
    assert not (private_build / ".sensitivitet-kept").exists()
    assert (kept / "index.html").read_text() == "sensitivitetsanalyse"
    assert not (config.output_dir() / "manifest.json").exists()
    assert not (private_build / "published.json").exists()


# --- python -m helpers.workflow: the rules' command -----------------------------------------------


class Clock:
    """``time.monotonic`` for a step that takes ``seconds`` (advanced by the fake step)."""

    def __init__(self, monkeypatch):
        import time

        self.now = 1000.0
        monkeypatch.setattr(time, "monotonic", lambda: self.now)


@pytest.fixture
def no_data_step(monkeypatch):
    """The data step must not run (it would read the real raw files)."""
    monkeypatch.setattr(build, "prepare_data", lambda *a, **k: pytest.fail("data step ran"))


def test_workflow_data_step_builds_the_data(monkeypatch):
    calls = []
    monkeypatch.setattr(build, "prepare_data", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(workflow, "publish", lambda *a, **k: pytest.fail("published"))
    monkeypatch.delitem(sys.modules, "rfc3987_syntax", raising=False)
    assert workflow.main(["data"]) == 0
    assert calls == [((), {})]
    assert sys.modules["rfc3987_syntax"] is None  # skip_unused_imports ran


def test_workflow_notebook_step_runs_its_jobs_in_one_call(
    no_data_step, monkeypatch, capsys, tmp_path
):
    clock = Clock(monkeypatch)
    calls = []

    def run_notebooks(runs):
        calls.append(runs)
        clock.now += 12.6
        return [out for _job, out in runs]

    monkeypatch.setattr(workflow, "run_notebooks", run_notebooks)
    params = {"rank_year": "2021", "seed": "7"}
    argv = ["notebook", "levekar", "oversikt", "--params", json.dumps(params)]
    assert workflow.main([*argv, "--out", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    by_id = workflow.jobs_by_id(workflow.build_params(params))
    assert by_id["levekar"].parameters["rank_year"] == 2021
    assert calls == [[(by_id["levekar"], tmp_path / "a"), (by_id["oversikt"], tmp_path / "b")]]
    assert capsys.readouterr().err == (
        "Kjørt: 2 notatbøker i samme kjerne, levekar … oversikt (13 s)\n"
    )
    assert workflow.main(["notebook", "levekar", "--out", str(tmp_path / "a")]) == 0
    assert calls[-1] == [(workflow.jobs_by_id(workflow.build_params())["levekar"], tmp_path / "a")]
    assert capsys.readouterr().err == "Kjørt: levekar (13 s)\n"


def test_workflow_notebook_step_reads_the_regions_file(no_data_step, monkeypatch, tmp_path):
    regions = tmp_path / "regions.txt"
    regions.write_text("0301\n")
    seen = []
    monkeypatch.setattr(
        workflow, "jobs_by_id", lambda params, regions=None: seen.append(regions) or {"x": "job"}
    )
    monkeypatch.setattr(workflow, "run_notebooks", lambda runs: None)
    argv = ["notebook", "x", "--out", str(tmp_path / "x"), "--regions", str(regions)]
    assert workflow.main(argv) == 0
    assert seen == [str(regions)]


@pytest.mark.parametrize(
    "argv",
    [["notebook", "levekar"], ["notebook", "levekar", "--out", "a", "b"], ["notebook"]],
)
def test_workflow_notebook_step_needs_one_out_folder_per_job(
    argv, no_data_step, monkeypatch, capsys
):
    monkeypatch.setattr(workflow, "run_notebooks", lambda runs: pytest.fail("ran"))
    with pytest.raises(SystemExit) as stop:
        workflow.main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m helpers.workflow ")
    assert err.endswith(
        "python -m helpers.workflow: error: notebook: give one --out folder for each job\n"
    )


def test_workflow_publish_step_passes_its_options(no_data_step, monkeypatch, capsys, tmp_path):
    clock = Clock(monkeypatch)
    calls = []

    def publish(params, **kwargs):
        calls.append((params, kwargs))
        clock.now += 41.4

    monkeypatch.setattr(workflow, "publish", publish)
    argv = ["publish", "--params", '{"rank_by": "inntekt"}', "--engine", "embedded"]
    assert workflow.main([*argv, "--stamp", str(tmp_path / "s.json"), "--threads", "4"]) == 0
    params = workflow.build_params({"rank_by": "inntekt"})
    assert calls == [(params, {"engine": "embedded", "stamp": tmp_path / "s.json", "threads": 4})]
    assert capsys.readouterr().err == "Publisert: rapporten (41 s)\n"
    assert workflow.main(["publish"]) == 0
    defaults = {"engine": "auto", "stamp": None, "threads": 1}
    assert calls[-1] == (workflow.build_params(), defaults)


def test_workflow_step_failures_are_one_message_and_a_status(
    no_data_step, monkeypatch, capsys, tmp_path
):
    def failed(runs):
        raise workflow.NotebookFailed("notatboken x.ipynb feilet i celle 3: KeyError: 'a'")

    monkeypatch.setattr(workflow, "run_notebooks", failed)
    assert workflow.main(["notebook", "levekar", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == ("Feil: notatboken x.ipynb feilet i celle 3: KeyError: 'a'\n")

    def bad_data(*a, **k):
        raise DataError(config.ROOT / "data/raw/x.csv", "unknown bydel", row=3, column="bydel")

    monkeypatch.setattr(build, "prepare_data", bad_data)
    assert workflow.main(["data"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Feil i inndata, rapporten er ikke bygget: data/raw/x.csv, row 3")


def test_workflow_help_names_each_step_and_option(capsys):
    with pytest.raises(SystemExit) as stop:
        workflow.main(["--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith(
        "usage: python -m helpers.workflow [-h] [--params PARAMS] [--out [OUT ...]] "
        "[--engine ENGINE] [--stamp STAMP] [--threads THREADS] [--regions REGIONS] "
        "{data,notebook,publish} [job ...] The Snakemake side of the build"
    )
    for line in [
        "{data,notebook,publish} job notebook: the jobs (build/notebooks/<job>), run in one kernel",
        "--params PARAMS build parameters as JSON",
        "--out [OUT ...] notebook: each job's output folder",
        "--engine ENGINE --stamp STAMP publish: a file written when the report is published",
        "--threads THREADS publish: bydel PDFs rendered at a time",
        "--regions REGIONS notebook: the file of region codes (docs/scale.md)",
    ]:
        assert line in text, line


# --- the Snakemake command and its run in this process --------------------------------------------


def _parsed(cmd: list[str]):
    """``cmd`` as Snakemake's own argument parser reads it."""
    from snakemake import cli

    assert cmd[:3] == [sys.executable, "-m", "snakemake"]
    return cli.parse_args(cmd[3:])[1]


def test_snakemake_command_as_snakemake_reads_it(private_build):
    from snakemake.settings.enums import Quietness, RerunTrigger

    options = {"rank_by": "inntekt", "rank_year": 2021, "seed": 7, "repetitions": 1000}
    args = _parsed(build.snakemake_command(cores=3, engine="embedded", **options))
    assert not args.targets
    assert args.snakefile == str(config.ROOT / "workflow" / "Snakefile")
    assert Path(args.directory) == private_build
    assert args.cores == 3
    assert args.rerun_triggers == {
        RerunTrigger.MTIME, RerunTrigger.PARAMS, RerunTrigger.INPUT, RerunTrigger.CODE,
    }  # fmt: skip
    assert args.max_checksum_file_size == 50_000_000
    assert args.quiet == {Quietness.RULES, Quietness.HOST}
    assert args.config == [
        "rank_by=inntekt", "rank_year=2021", "seed=7", "repetitions=1000", "engine=embedded",
        "stage=all",
    ]  # fmt: skip
    assert not args.dryrun and not args.forcerun


def test_snakemake_command_stages_cores_and_defaults(private_build, monkeypatch):
    cmd = build.snakemake_command(targets=["data"], dry_run=True)
    args = _parsed(cmd)
    assert cmd[3] == "data" and args.targets == ["data"]
    assert args.dryrun
    assert args.config == [
        f"rank_by={config.DEFAULT_RANK_BY}", f"rank_year={config.DEFAULT_RANK_YEAR}",
        f"seed={config.DEFAULT_SEED}", f"repetitions={config.DEFAULT_REPETITIONS}",
        "engine=auto", "stage=data",
    ]  # fmt: skip
    assert _parsed(build.snakemake_command(data_ready=True)).config[-1] == "stage=ready"
    # a target list that is not the data step alone is a whole run
    assert _parsed(build.snakemake_command(targets=["publish"])).config[-1] == "stage=all"
    monkeypatch.setattr(os, "cpu_count", lambda: 5)
    assert _parsed(build.snakemake_command()).cores == 5
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown: one core
    assert _parsed(build.snakemake_command()).cores == 1
    with pytest.raises(TypeError):
        build.snakemake_command(rank=1)
    forced = build.snakemake_command(force=True, data_ready=True)
    args = _parsed(forced)
    assert args.forcerun == {"notebook", "profiles"} and args.config[-1] == "stage=ready"


def test_run_snakemake_runs_the_command_s_arguments_through_snakemake_s_api(monkeypatch):
    from snakemake import cli

    seen = []

    def args_to_api(args, parser):
        seen.append((args.cores, args.dryrun, args.config, parser.prog))
        return answer

    monkeypatch.setattr(cli, "args_to_api", args_to_api)
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "-n", "--config", "a=1"]
    answer = True
    assert build.run_snakemake(cmd) == 0
    answer = False
    assert build.run_snakemake(cmd) == 1
    assert len(seen) == 2 and seen[0][:3] == (2, True, ["a=1"])


def test_run_snakemake_refuses_another_command_and_reports_stops(monkeypatch, capsys):
    from snakemake import cli

    with pytest.raises(ValueError) as err:
        build.run_snakemake(["snakemake", "--cores", "1", "-n"])
    assert str(err.value) == "not a Snakemake command line: ['snakemake', '--cores', '1']"
    with pytest.raises(ValueError):
        build.run_snakemake([sys.executable, "-m", "other"])
    with pytest.raises(ValueError):
        build.run_snakemake([sys.executable, "snakemake", "-m"])
    head = [sys.executable, "-m", "snakemake"]
    assert build.run_snakemake([*head, "--no-such-option"]) == 2  # argparse's status
    assert "--no-such-option" in capsys.readouterr().err
    printed = []
    monkeypatch.setattr(cli, "print_exception", printed.append)
    for stop, status in [(SystemExit(3), 3), (SystemExit("stopped"), 1), (SystemExit(None), 1)]:

        def stops(args, parser, stop=stop):
            raise stop

        monkeypatch.setattr(cli, "args_to_api", stops)
        assert build.run_snakemake([*head, "--cores", "1"]) == status
    failure = RuntimeError("rule failed")

    def fails(args, parser):
        raise failure

    monkeypatch.setattr(cli, "args_to_api", fails)
    assert build.run_snakemake([*head, "--cores", "1"]) == 1
    assert printed == [failure]


def test_run_workflow_runs_the_data_step_then_the_rest(monkeypatch):
    cmds, order = [], []
    statuses = iter([0, 5])

    def run(cmd):
        cmds.append(cmd)
        order.append("snakemake")
        return next(statuses)

    monkeypatch.setattr(build, "run_snakemake", run)
    status = build.run_workflow(workers=3, between=lambda: order.append("between"), seed=7)
    assert status == 5
    assert order == ["snakemake", "between", "snakemake"]
    first, second = (_parsed(c) for c in cmds)
    assert first.targets == ["data"] and first.cores == 3
    assert first.config == [
        f"rank_by={config.DEFAULT_RANK_BY}", f"rank_year={config.DEFAULT_RANK_YEAR}", "seed=7",
        f"repetitions={config.DEFAULT_REPETITIONS}", "engine=auto", "stage=data",
    ]  # fmt: skip
    assert not second.targets and second.cores == 3
    assert second.config == [*first.config[:-1], "stage=ready"]
    statuses = iter([0, 0])
    assert build.run_workflow() == 0  # no check between the two
    assert len(cmds) == 4 and _parsed(cmds[3]).config[-1] == "stage=ready"


def test_run_workflow_stops_when_the_data_step_fails(monkeypatch):
    cmds = []
    monkeypatch.setattr(build, "run_snakemake", lambda cmd: cmds.append(cmd) or 1)
    assert build.run_workflow(between=lambda: pytest.fail("between ran")) == 2
    assert len(cmds) == 1 and _parsed(cmds[0]).targets == ["data"]


# --- build.build: the tests' entry ----------------------------------------------------------------


def test_build_checks_the_data_then_runs_snakemake_and_reads_what_it_published(
    private_build, monkeypatch
):
    import subprocess

    calls = []
    data_dir = private_build / "data"
    monkeypatch.setattr(build, "prepare_data", lambda **k: calls.append(("data", k)) or data_dir)
    monkeypatch.setattr(build, "check_ranking", lambda *a: calls.append(("ranking", a)))
    monkeypatch.setattr(
        workflow, "remove_changed_outputs", lambda folder: calls.append(("changed", folder))
    )

    def run(cmd, **kwargs):
        calls.append(("snakemake", cmd, kwargs))
        private_build.mkdir(parents=True, exist_ok=True)
        stamp = {"engine": "embedded", "html": "/r/index.html", "pdf": "/r/o.pdf"}
        (private_build / "published.json").write_text(json.dumps(stamp))
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", run)
    paths = {"val001": Path("x.csv")}
    result = build.build(workers=3, paths=paths, engine="embedded", rank_year=2021, seed=3)
    assert result == render.RenderResult(Path("/r/index.html"), Path("/r/o.pdf"), "embedded")
    assert calls[:3] == [
        ("data", {"paths": paths}),
        ("ranking", (data_dir, config.DEFAULT_RANK_BY, 2021)),
        ("changed", private_build / "notebooks"),
    ]
    (_, cmd, kwargs) = calls[3]
    assert kwargs == {"cwd": config.ROOT, "capture_output": True, "text": True, "check": False}
    args = _parsed(cmd)
    assert args.cores == 3 and not args.targets
    assert args.config == [
        f"rank_by={config.DEFAULT_RANK_BY}", "rank_year=2021", "seed=3",
        f"repetitions={config.DEFAULT_REPETITIONS}", "engine=embedded", "stage=ready",
    ]  # fmt: skip
    assert len(calls) == 4


def test_build_raises_snakemake_s_account_when_the_workflow_stops(private_build, monkeypatch):
    import subprocess

    monkeypatch.setattr(build, "prepare_data", lambda **k: private_build / "data")
    monkeypatch.setattr(build, "check_ranking", lambda *a: None)
    monkeypatch.setattr(workflow, "remove_changed_outputs", lambda folder: [])
    out, err = "x" * 5000, "  Error in rule notebook:\n  levekar feilet  \n"
    done = subprocess.CompletedProcess([], 1, out, err)
    monkeypatch.setattr(subprocess, "run", lambda cmd, **k: done)
    with pytest.raises(build.BuildFailed) as failed:
        build.build()
    tail = "  Error in rule notebook:\n  levekar feilet"  # the last 4000 characters, stripped
    assert str(failed.value) == "x" * (4000 - len(tail)) + tail


def test_build_refuses_an_unknown_option_before_any_work(monkeypatch):
    monkeypatch.setattr(build, "prepare_data", lambda **k: pytest.fail("data step ran"))
    with pytest.raises(TypeError, match="rank"):
        build.build(rank=2021)


# --- the shared kernel's reset, when it fails -----------------------------------------------------


class FakeKernelClient:
    """A kernel client whose reset gets ``reply`` (jupyter's execute_reply content)."""

    def __init__(self, content: dict):
        self.content, self.log = content, []

    def start_channels(self):
        self.log.append("start")

    def stop_channels(self):
        self.log.append("stop")

    async def wait_for_ready(self, timeout=None):
        self.log.append(("ready", timeout))

    async def execute_interactive(self, code, **kwargs):
        self.log.append(("execute", code))
        return {"content": self.content}


@pytest.mark.parametrize(
    "content, message",
    [
        (
            {"status": "error", "ename": "OSError", "evalue": "[Errno 2] ingen mappe: '/x'"},
            "the shared kernel was not reset: [Errno 2] ingen mappe: '/x'",
        ),
        ({"status": "aborted"}, "the shared kernel was not reset: {'status': 'aborted'}"),
    ],
)
def test_a_failed_reset_of_the_shared_kernel_says_why(tmp_path, content, message):
    kc = FakeKernelClient(content)
    km = type("KM", (), {"client": lambda self: kc})()
    with pytest.raises(RuntimeError) as err:
        asyncio.run(build._fresh_namespace(km, tmp_path))
    assert str(err.value) == message
    assert kc.log[0] == "start" and kc.log[-1] == "stop"
    assert repr(str(tmp_path.resolve())) in kc.log[2][1]


def test_a_reset_that_succeeds_returns_quietly(tmp_path):
    kc = FakeKernelClient({"status": "ok"})
    km = type("KM", (), {"client": lambda self: kc})()
    assert asyncio.run(build._fresh_namespace(km, tmp_path)) is None
    assert kc.log[-1] == "stop"


# --- the front door: python -m helpers.build ------------------------------------------------------


def _tidy_tables(private_build) -> Path:
    data = private_build / "data"
    data.mkdir(parents=True)
    for name in ("indicators.parquet", "bydeler.parquet"):
        (data / name).write_bytes(b"synthetic")
    (data / "notes.txt").write_text("not a table")
    return data


def test_the_ranking_is_checked_once_for_the_same_ranking_and_tables(private_build, monkeypatch):
    data = _tidy_tables(private_build)
    checked = []
    monkeypatch.setattr(build, "check_ranking", lambda *a: checked.append(a))
    build_cli._check_ranking_once("inntekt", "2021")
    assert checked == [(data, "inntekt", "2021")]
    record = json.loads((private_build / "ranking-checked.json").read_text())
    assert record == {
        "ranking": ["inntekt", 2021],
        "data": {
            "bydeler.parquet": (data / "bydeler.parquet").stat().st_mtime_ns,
            "indicators.parquet": (data / "indicators.parquet").stat().st_mtime_ns,
        },
    }
    build_cli._check_ranking_once("inntekt", 2021)
    assert len(checked) == 1  # the same ranking on the same tables: not again
    build_cli._check_ranking_once("inntekt", 2022)
    build_cli._check_ranking_once("inntekt", 2022)
    assert checked[1:] == [(data, "inntekt", 2022)]
    os.utime(data / "bydeler.parquet", ns=(1, 1))  # the tables were rewritten
    build_cli._check_ranking_once("inntekt", 2022)
    assert len(checked) == 3
    (private_build / "ranking-checked.json").write_text("{not json")
    build_cli._check_ranking_once("inntekt", 2022)
    assert len(checked) == 4


def test_a_ranking_that_fails_its_check_is_checked_again(private_build, monkeypatch):
    _tidy_tables(private_build)
    checked = []

    def check_ranking(*args):
        checked.append(args)
        raise DataError("build/data/indicators.parquet", "the ranking has no data for 2031")

    monkeypatch.setattr(build, "check_ranking", check_ranking)
    for _ in range(2):
        with pytest.raises(DataError):
            build_cli._check_ranking_once("inntekt", 2031)
    assert len(checked) == 2
    assert not (private_build / "ranking-checked.json").exists()


class FakeWorkflow:
    """Stands in for ``build.run_workflow``: runs the ranking check it is given, then "executes"
    the notebooks named in ``executed`` (their job folders written) and answers ``status``."""

    def __init__(self, monkeypatch, clock: Clock, status: int = 0, executed=()):
        self.calls: list[dict] = []
        self.clock, self.status, self.executed = clock, status, executed
        monkeypatch.setattr(build, "run_workflow", self)

    def __call__(self, *, between=None, **kwargs):
        self.calls.append(kwargs)
        config.build_data_dir().mkdir(parents=True, exist_ok=True)  # the data step's output
        between()
        for job in self.executed:
            folder = config.build_notebooks_dir() / job
            folder.mkdir(parents=True, exist_ok=True)
            os.utime(folder, ns=(2_000_000_000, 2_000_000_000))
        self.clock.now += 94.7
        return self.status


@pytest.fixture
def front_door(private_build, monkeypatch) -> list:
    """The front door's surroundings: no changed outputs, the ranking check recorded."""
    monkeypatch.delenv("OSLOHELSA_STARTED", raising=False)
    monkeypatch.setattr(workflow, "_now", lambda: "2026-11-30T12:00:00+00:00")
    checked = []
    monkeypatch.setattr(build, "check_ranking", lambda *a: checked.append(a))
    return checked


def test_make_report_runs_the_workflow_and_counts_the_notebooks_it_executed(
    front_door, private_build, monkeypatch, capsys
):
    notebooks = private_build / "notebooks"
    for job in ("levekar", "oversikt"):  # executed before, with these times
        (notebooks / job).mkdir(parents=True)
        os.utime(notebooks / job, ns=(1_000_000_000, 1_000_000_000))
    (notebooks / "klima_miljo").mkdir()
    (notebooks / "klima_miljo" / workflow.FILES_RECORD).write_text("{}")  # changed since
    (notebooks / "klima_miljo" / "figur.png").write_bytes(b"png")
    _tidy_tables(private_build)
    executed = ["levekar", "bydel-alna", "bydel-bjerke"]  # one executed before, two new
    fake = FakeWorkflow(monkeypatch, Clock(monkeypatch), executed=executed)
    argv = ["--engine", "embedded", "--force", "--seed", "3"]
    assert build_cli.main([*argv, "--repetitions", "1000", "--workers", "2"]) == 0

    assert os.environ["OSLOHELSA_STARTED"] == "2026-11-30T12:00:00+00:00"
    assert fake.calls == [
        {
            "workers": 2, "engine": "embedded", "force": True,
            "rank_by": config.DEFAULT_RANK_BY, "rank_year": config.DEFAULT_RANK_YEAR, "seed": 3,
            "repetitions": 1000,
        }
    ]  # fmt: skip
    ranking = (config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR)
    assert front_door == [(private_build / "data", *ranking)]
    chapters = len([p for p in render.chapters() if p.suffix == ".ipynb"])
    out = private_build.parent / "out"
    assert capsys.readouterr().out.splitlines() == [
        "Endret siden kjøringen, kjøres på nytt: klima_miljo",
        f"Ferdig på 95 s: 3 notatbøker kjørt, {chapters - 3} uendret.",
        f"  HTML:     {out / 'index.html'}",
        f"  PDF:      {out / 'oslohelsa.pdf'}",
        f"  Manifest: {out / 'manifest.json'}",
    ]


def test_make_report_keeps_the_start_time_it_is_given(front_door, monkeypatch, capsys):
    monkeypatch.setenv("OSLOHELSA_STARTED", "2026-11-30T08:00:00+00:00")
    FakeWorkflow(monkeypatch, Clock(monkeypatch))
    assert build_cli.main([]) == 0
    assert os.environ["OSLOHELSA_STARTED"] == "2026-11-30T08:00:00+00:00"
    assert "Ferdig på 95 s: 0 notatbøker kjørt," in capsys.readouterr().out


def test_a_sensitivity_analysis_is_built_beside_the_report(
    front_door, private_build, monkeypatch, capsys
):
    fake = FakeWorkflow(monkeypatch, Clock(monkeypatch))
    assert build_cli.main(["--rank-year", "2021"]) == 0
    where = f"sensitivitet/{config.DEFAULT_RANK_BY}-2021"
    assert os.environ["OSLOHELSA_BUILD"] == str(private_build / where)
    out = private_build.parent / "out" / where
    assert os.environ["OSLOHELSA_OUTPUT"] == str(out)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Sensitivitetsanalyse: rapporten skrives til {out}"
    assert lines[-1] == f"  Manifest: {out / 'manifest.json'}"
    assert fake.calls[0]["workers"] is None
    assert front_door == [(private_build / where / "data", config.DEFAULT_RANK_BY, 2021)]


def test_make_report_that_fails_says_what_is_untouched(
    front_door, private_build, monkeypatch, capsys
):
    clock = Clock(monkeypatch)
    FakeWorkflow(monkeypatch, clock, status=2)
    assert build_cli.main([]) == 2
    assert capsys.readouterr().err == "Feil i inndata (se over), rapporten er ikke bygget.\n"
    FakeWorkflow(monkeypatch, clock, status=1)
    assert build_cli.main([]) == 1
    out = private_build.parent / "out"
    assert capsys.readouterr().err == (
        f"Rapporten er ikke bygget (etter 95 s); den publiserte rapporten i {out} er urørt.\n"
    )


# --- the provenance table, the sensitivity analyses' names and banner, small helpers --------------


def test_manifest_table_is_the_code_version_python_and_packages(monkeypatch):
    from importlib import metadata

    packages = ("pytest", "oslohelsa-no-such-package", "nbformat")
    monkeypatch.setattr(workflow, "MANIFEST_PACKAGES", packages)
    _git_answers(monkeypatch, "0123456789abcdef", " M src/helpers/build.py")
    table = workflow.manifest_table()
    assert list(table.columns) == ["Hva", "Versjon"]
    assert table.values.tolist() == [
        ["Kodeversjon (git)", "0123456789ab med lokale endringer"],
        ["Python", platform.python_version()],
        ["pytest", metadata.version("pytest")],
        ["nbformat", metadata.version("nbformat")],  # after a package that is not installed
    ]
    _git_answers(monkeypatch, "0123456789abcdef", "")
    assert workflow.manifest_table().values[0].tolist() == ["Kodeversjon (git)", "0123456789ab"]
    asked = _git_answers(monkeypatch, "", " M x")
    assert workflow.manifest_table().values[0].tolist() == ["Kodeversjon (git)", "ukjent"]
    assert asked == [("rev-parse", "HEAD")]


def test_git_answers_its_output_or_nothing(monkeypatch, tmp_path):
    assert workflow._git("rev-parse", "--is-inside-work-tree") == "true"  # stripped
    assert workflow._git("no-such-command") == ""  # git fails
    # git fails after printing "true": a failed command answers nothing
    assert workflow._git("rev-parse", "--is-inside-work-tree", "--verify", "no-such-ref-x") == ""
    monkeypatch.setattr(config, "ROOT", tmp_path / "not-there")  # git cannot start there
    assert workflow._git("rev-parse", "--is-inside-work-tree") == ""


class _Catalogue:
    """Two ranking variables with synthetic names."""

    def ranking(self, ranking_id):
        from types import SimpleNamespace

        names = {config.DEFAULT_RANK_BY: "Høyere utdanning", "inntekt": "Lav INNTEKT"}
        return SimpleNamespace(name_nb=names[ranking_id])


def test_a_sensitivity_analysis_is_named_and_announced(monkeypatch):
    default = (config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR)
    assert not workflow.is_sensitivity(*default)
    assert not workflow.is_sensitivity(default[0], str(default[1]))
    assert workflow.is_sensitivity(default[0], default[1] - 1)
    assert workflow.is_sensitivity("inntekt", default[1])
    assert workflow.sensitivity_folder("inntekt", "2021") == "sensitivitet/inntekt-2021"
    assert workflow.sensitivity_banner(_Catalogue(), *default) == ""
    assert workflow.sensitivity_banner(_Catalogue(), "inntekt", "2021") == (
        "> **Sensitivitetsanalyse.** Denne versjonen rangerer bydelene etter lav inntekt i 2021, "
        f"ikke etter høyere utdanning i {config.DEFAULT_RANK_YEAR} som hovedrapporten. Den viser "
        "hvor mye resultatene avhenger av valget av rangering; hovedrapporten er den som gjelder."
    )


def test_write_manifest_writes_readable_utf8_json_in_place(tmp_path):
    path = workflow.write_manifest(tmp_path, {"kapittel": "Levekår", "n": 1})
    assert path == tmp_path / "manifest.json"
    assert path.read_text(encoding="utf-8") == '{\n "kapittel": "Levekår",\n "n": 1\n}'
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_now_is_utc_to_the_second():
    import datetime as dt
    import re

    now = workflow._now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", now), now
    then = dt.datetime.fromisoformat(now)
    assert abs((dt.datetime.now(dt.UTC) - then).total_seconds()) < 60


def test_the_shared_kernel_talks_over_unix_sockets_in_its_private_folder(tmp_path):
    manager = build.ipc_kernel_manager(tmp_path)
    km = manager(kernel_name="python3")  # no kernel is started
    assert (km.transport, km.ip) == ("ipc", str(tmp_path / "kernel"))
    km = manager(kernel_name="python3", transport="tcp", ip="127.0.0.1")  # given: kept
    assert (km.transport, km.ip) == ("tcp", "127.0.0.1")


def test_the_snakefile_s_yaml_is_read_with_libyaml_when_there_is_one(tmp_path, monkeypatch):
    import yaml

    (tmp_path / "a.yml").write_text("navn: Levekår\nn: 1\n", encoding="utf-8")
    loaders = []
    load = yaml.load

    def recording(text, Loader):  # noqa: N803 (yaml.load's name)
        loaders.append(Loader)
        return load(text, Loader)

    monkeypatch.setattr(yaml, "load", recording)
    assert workflow._yaml(tmp_path / "a.yml") == {"navn": "Levekår", "n": 1}
    assert loaders == [yaml.CSafeLoader]  # this environment's PyYAML has libyaml
    monkeypatch.delattr(yaml, "CSafeLoader")
    assert workflow._yaml(str(tmp_path / "a.yml")) == {"navn": "Levekår", "n": 1}
    assert loaders[1] is yaml.SafeLoader


def test_the_data_step_verifies_loads_the_catalogue_and_writes_the_tables(tmp_path, monkeypatch):
    from helpers import catalogue
    from helpers.catalogue import sources
    from helpers.pipeline import build_data

    calls = []
    monkeypatch.setattr(sources, "verify_checksums", lambda: calls.append("checksums"))
    monkeypatch.setattr(catalogue, "load_catalogue", lambda: calls.append("catalogue") or "cat")

    def write_build_data(data_dir, **kwargs):
        calls.append(("write", data_dir, kwargs))
        return tmp_path / "data"

    monkeypatch.setattr(build_data, "write_build_data", write_build_data)
    paths = {"val001": tmp_path / "x.csv"}
    assert build.prepare_data(tmp_path / "d", paths=paths) == tmp_path / "data"
    assert calls == [
        "checksums",
        "catalogue",
        ("write", tmp_path / "d", {"paths": paths, "catalogue": "cat"}),
    ]
    calls.clear()
    build.prepare_data()
    assert calls[-1] == ("write", None, {"paths": None, "catalogue": "cat"})


def test_the_ranking_check_ranks_the_tidy_indicators(tmp_path, monkeypatch):
    from helpers import catalogue
    from helpers.pipeline import store
    from helpers.stats import gradient

    calls = []
    monkeypatch.setattr(store, "load_tidy", lambda path: calls.append(path) or "tidy")
    monkeypatch.setattr(catalogue, "load_catalogue", lambda: "cat")
    monkeypatch.setattr(gradient, "rank_bydeler", lambda *a: calls.append(a))
    assert build.check_ranking(tmp_path, "inntekt", 2021) is None
    assert calls == [tmp_path / "indicators.parquet", ("tidy", "cat", "inntekt", 2021)]
