"""The Snakemake workflow (workflow/Snakefile): which jobs run, decided by Snakemake itself.

Each test works on a copy of the project's inputs (``OSLOHELSA_ROOT``: data/, shapes/,
notebooks/, the book files, src/helpers as the code the dependency keys hash) and a private
build folder. Nothing is executed: outputs are marked up to date with ``snakemake --touch`` and
the plan is read from ``--dry-run``, so each test takes seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import build, build_cli, config, workflow

COPIED = ("data", "shapes", "notebooks", "report", "src", "workflow", "_quarto.yml", "index.qmd")


@pytest.fixture(scope="module")
def _touched_project(tmp_path_factory) -> Path:
    """A copy of the project inputs with an up-to-date (touched) build of every job, made once
    for the module (``snakemake --touch`` takes seconds) at the path where each test gets a
    fresh copy of it (``project``), and kept beside it as ``template``."""
    root = tmp_path_factory.mktemp("snakemake") / "project"
    root.mkdir()
    for name in COPIED:
        src = config.ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("_scratch", "_output"))
        else:
            shutil.copy2(src, root / name)
    fixtures = Path("tests") / "fixtures" / "jsonstat"  # listed in data/sources.yml
    shutil.copytree(config.ROOT / fixtures, root / fixtures)
    with pytest.MonkeyPatch.context() as mp:
        _project_env(mp, root)
        data = root / "build" / "data"
        data.mkdir(parents=True)
        for name in workflow.DATA_FILES:
            (data / name).write_text("placeholder (not Oslo's data)")
        for job in build.jobs():
            (root / "build" / "notebooks" / build.job_folder(job)).mkdir(parents=True)
        (root / "build" / "published.json").write_text("{}")
        _snakemake(root, "--touch")
    template = root.parent / "template"
    shutil.copytree(root, template, symlinks=True)
    return template


def _project_env(mp, root: Path) -> None:
    mp.setenv("OSLOHELSA_ROOT", str(root))
    mp.setenv("OSLOHELSA_BUILD", str(root / "build"))
    mp.setenv("OSLOHELSA_OUTPUT", str(root / "out"))


@pytest.fixture
def project(_touched_project, monkeypatch) -> Path:
    """A fresh copy of the touched project, always at the same path: Snakemake records the
    inputs outside the build folder (data, notebooks, helpers) by absolute path, and copies
    keep every file's modification time, so the copy is up to date as the template is."""
    root = _touched_project.parent / "project"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(_touched_project, root, symlinks=True)
    _project_env(monkeypatch, root)
    return root


def _snakemake(
    root: Path,
    *args: str,
    config_args: tuple[str, ...] = (),
    build: Path | None = None,
    cores: int = 1,
) -> str:
    """Run Snakemake on the project's Snakefile against ``root`` (build folder ``build``, by
    default ``root/build``); return its output."""
    cmd = [
        sys.executable, "-m", "snakemake", *args,
        "--snakefile", str(config.ROOT / "workflow" / "Snakefile"),
        "--directory", str(build or root / "build"), "--cores", str(cores),
        "--rerun-triggers", "mtime", "params", "input", "code",
    ]  # fmt: skip
    if config_args:
        cmd += ["--config", *config_args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _planned(root: Path, *config_args: str) -> set[str]:
    """The jobs a dry run would execute: notebook job ids (rule notebook's, and every bydel
    profile when rule profiles, which runs them in one kernel, is planned), plus "data" and
    "publish"."""
    out = _snakemake(root, "--dry-run", config_args=config_args)
    planned = set(re.findall(r"wildcards: job=([\w-]+)", out))
    if re.search(r"^\s*rule profiles:", out, flags=re.M):
        planned |= set(workflow.one_kernel_jobs(workflow.jobs_by_id(workflow.build_params({}))))
    for rule in ("data", "publish"):
        if re.search(rf"^\s*(local)?rule {rule}:", out, flags=re.M):
            planned.add(rule)
    return planned


def test_unchanged_inputs_run_nothing(project):
    assert _planned(project) == set()


def test_a_copied_build_folder_keeps_its_records(project, tmp_path, monkeypatch):
    """Snakemake records each output by its path as the Snakefile writes it; outputs inside the
    build folder are written relative to it, so a copy of the folder (the tests' copies, a build
    moved elsewhere) is up to date as it was: nothing runs, and no record is missing."""
    before = _snakemake(project, "--dry-run")
    copy = tmp_path / "moved" / "build"
    shutil.copytree(project / "build", copy, symlinks=True)
    monkeypatch.setenv("OSLOHELSA_BUILD", str(copy))
    out = _snakemake(project, "--dry-run", build=copy)
    assert "Nothing to be done" in out
    missing = re.compile(r"^.*missing (?:provenance/)?metadata.*$", flags=re.M)
    assert missing.findall(out) == missing.findall(before)


def test_reading_the_workflow_imports_no_analysis_libraries():
    """Snakemake parses the Snakefile on every run (and every job): building the job list and the
    dependency keys must not import pandas, matplotlib or the renderer (seconds each time)."""
    code = (
        "import sys, tempfile; from pathlib import Path; from helpers import workflow as w; "
        "p = w.build_params({}); w.write_keys(w.jobs_by_id(p), p, Path(tempfile.mkdtemp())); "
        "heavy = ('pandas', 'numpy', 'matplotlib', 'pandera', 'papermill', 'helpers.render.cli'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def _reading_everything() -> set[str]:
    """Jobs that read every indicator: the overview, the sources chapter and the bydel profiles
    (each profile's barometer shows every indicator and the bydel's rank among all 15)."""
    return {build.job_folder(j) for j in build.jobs() if "area" not in j.parameters}


def test_one_areas_raw_data_changed_runs_only_its_readers(project):
    """The voting table (val001) feeds one area: after the data rule, only that area and the
    notebooks that read every indicator (overview, sources, profiles) are executed, then
    publish; the other four areas are not."""
    from helpers import catalogue
    from helpers.catalogue.raw_tables import RAW_TABLES
    from helpers.pipeline import loaders

    raw = project / "data" / "raw" / RAW_TABLES["val001"].filename
    raw.write_bytes(raw.read_bytes() + b"\n")
    assert "data" in _planned(project)
    _snakemake(project, "--touch", "data")  # the front door runs the data rule first
    cat = catalogue.load_catalogue()
    areas = {cat.indicator(i).area for i, k in loaders.INDICATOR_TABLES.items() if k == "val001"}
    assert len(areas) == 1
    assert _planned(project) == {*areas, *_reading_everything(), "publish"}


def test_one_areas_catalogue_entry_changed_runs_only_that_area(project):
    import yaml

    path = project / "data" / "indicators.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(i for i in doc["indicators"] if i["id"] == "valgdeltakelse")
    entry["name_nb"] = entry["name_nb"] + " (endret)"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _snakemake(project, "--touch", "data")
    assert _planned(project) == {entry["area"], *_reading_everything(), "publish"}


def test_helper_code_changed_runs_every_notebook(project):
    helper = project / "src" / "helpers" / "present" / "plots.py"
    helper.write_text(helper.read_text() + "\n# changed\n")
    _snakemake(project, "--touch", "data")
    assert _planned(project) == {*(build.job_folder(j) for j in build.jobs()), "publish"}


def test_other_parameters_run_every_analysis_but_not_the_sources_chapter(project):
    """A parameter is a rule param: another seed re-executes the notebooks that take it."""
    planned = _planned(project, "seed=7")
    takes_seed = {build.job_folder(j) for j in build.jobs() if "seed" in j.parameters}
    assert planned == {*takes_seed, "publish"} and "kilder" not in planned


def test_dependency_keys_rewritten_only_when_content_changes(project):
    keys = project / "build" / "keys"
    before = {p.name: p.stat().st_mtime_ns for p in keys.glob("*.json")}
    assert before
    _planned(project)
    assert {p.name: p.stat().st_mtime_ns for p in keys.glob("*.json")} == before
    key = json.loads((keys / "levekar.json").read_text())
    assert key["raw"] and all(len(v) == 64 for v in key["raw"].values())


def test_manifest_checksums_parameters_and_versions(tmp_path):
    """manifest.json: the sha256 of every raw file and geometry, recomputed here with hashlib
    and compared with data/sources.yml; every notebook's parameters; git and versions."""
    import hashlib

    from helpers.catalogue import sources

    params = workflow.build_params({"seed": 7})
    content = workflow.manifest(params, started="2026-01-01T00:00:00+00:00", ended="x")
    path = workflow.write_manifest(tmp_path, content)
    back = json.loads(path.read_text(encoding="utf-8"))
    listed = {e["path"]: e for e in sources.load_sources()["files"] if e["role"] != "test_fixture"}
    assert {i["path"] for i in back["inputs"]} == set(listed)
    assert any(i["role"] == "geometry" for i in back["inputs"])
    for item in back["inputs"]:
        digest = hashlib.sha256((config.ROOT / item["path"]).read_bytes()).hexdigest()
        assert item["sha256"] == digest == listed[item["path"]]["sha256"], item["path"]
    assert back["notebooks"]["levekar.ipynb"]["parameters"]["seed"] == 7
    assert set(back["notebooks"]) == {j.output for j in build.jobs()}
    assert back["packages"]["snakemake"] and back["python"].startswith("3.")
    assert re.fullmatch(r"[0-9a-f]{40}", back["git"]["commit"] or "0" * 40)
    assert back["started"].startswith("2026-01-01") and not list(tmp_path.glob("*.tmp"))


def test_another_ranking_is_built_beside_the_report(tmp_path, monkeypatch, capsys):
    """``--rank-by``/``--rank-year`` other than the report's: the workflow runs with its own
    build and output folders under sensitivitet/<rank_by>-<year>/; the main report is left."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("the published report")
    seen = {}

    def run_workflow(**options):
        seen.update(options, build=config.build_dir(), out=config.output_dir())
        return 0

    monkeypatch.setattr(build, "run_workflow", run_workflow)
    argv = ["--rank-by", "lavinntekt_husholdninger", "--rank-year", "2023"]
    assert build_cli.main(argv) == 0
    where = Path("sensitivitet") / "lavinntekt_husholdninger-2023"
    assert seen["build"] == tmp_path / "build" / where
    assert seen["out"] == tmp_path / "out" / where
    assert seen["rank_by"] == "lavinntekt_husholdninger" and seen["rank_year"] == 2023
    assert (tmp_path / "out" / "index.html").read_text() == "the published report"
    assert str(tmp_path / "out" / where) in capsys.readouterr().out


def test_sensitivity_banner_names_both_rankings():
    from helpers import catalogue

    cat = catalogue.load_catalogue()
    assert workflow.sensitivity_banner(cat, config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR) == ""
    banner = workflow.sensitivity_banner(cat, "lavinntekt_husholdninger", 2023)
    assert banner.startswith("> **Sensitivitetsanalyse.**")
    assert cat.ranking("lavinntekt_husholdninger").name_nb.lower() in banner and "2023" in banner
    assert cat.ranking(config.DEFAULT_RANK_BY).name_nb.lower() in banner


def test_dag_for_357_regions_dry_run(tmp_path, monkeypatch):
    """The national edition's DAG (docs/scale.md): 357 synthetic region codes (SYN0001 …, not
    real kommuner) × the five areas, beside the report's own jobs, one data rule and one
    publish; every region-area job has its dependency key."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    regions = tmp_path / "regions_SYNTHETIC.txt"
    codes = [f"SYN{i:04d}" for i in range(1, 358)]
    regions.write_text("\n".join(codes) + "\n")
    out = _snakemake(tmp_path, "--dry-run", "--quiet", "rules", config_args=(f"regions={regions}",))
    stats = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
    expected = 357 * len(config.AREAS) + len(build.jobs())
    profiles = [j for j in build.jobs() if j.template == build.PROFILE_TEMPLATE]
    assert len(profiles) == len(config.BYDELER)
    assert stats == {
        "data": "1", "notebook": str(expected - len(profiles)), "profiles": "1", "publish": "1",
        "all": "1", "total": str(expected - len(profiles) + 4),
    }  # fmt: skip
    keys = {p.stem for p in (tmp_path / "build" / "keys").glob("*.json")}
    assert {f"{c}-{a}" for c in codes for a in config.AREAS} <= keys
    assert len(keys) == expected


def test_region_jobs_pass_the_regions_file_to_the_job_process(tmp_path, monkeypatch):
    """A region job exists only with the regions file: its shell command hands the file to the
    job process (which looks the job up by id), and that process finds the job by it."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    regions = tmp_path / "regions_SYNTHETIC.txt"
    regions.write_text("SYN0001\n")  # a synthetic region code, not a real kommune
    out = _snakemake(tmp_path, "--dry-run", "--printshellcmds", config_args=(f"regions={regions}",))
    region_cmds = [line for line in out.splitlines() if "notebook SYN0001-levekar " in line]
    assert len(region_cmds) == 1 and f'--regions "{regions}"' in region_cmds[0], region_cmds
    report_cmds = [line for line in out.splitlines() if "notebook levekar " in line]
    assert len(report_cmds) == 1 and f'--regions "{regions}"' in report_cmds[0]
    params = workflow.build_params({})
    assert "SYN0001-levekar" in workflow.jobs_by_id(params, regions)
    assert "SYN0001-levekar" not in workflow.jobs_by_id(params)
    seen = []
    monkeypatch.setattr(workflow, "run_notebooks", lambda runs: seen.extend(runs) or [])
    argv = ["notebook", "SYN0001-levekar", "--out", str(tmp_path / "o"), "--regions", str(regions)]
    assert workflow.main(argv) == 0
    ((job, out),) = seen
    assert job.parameters["region"] == "SYN0001" and job.parameters["area"] == "levekar"


@pytest.mark.e2e
def test_failing_notebook_names_cell_and_error_and_keeps_it(tmp_path, monkeypatch):
    """A notebook that fails (a wrong area, caught in its checking cell): the error names the
    notebook, the cell and the error, the executed notebook is kept in build/failed/, and the
    job's output folder is not created (Snakemake sees the job as failed)."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    job = build.NotebookJob("innsatsomrade.ipynb", "levekar.ipynb", {"area": "ingen"})
    out = tmp_path / "build" / "notebooks" / "levekar"
    with pytest.raises(workflow.NotebookFailed) as info:
        workflow.run_notebook(job, out)
    message = str(info.value)
    assert "innsatsomrade.ipynb (levekar.ipynb)" in message and "celle" in message
    assert "ParameterError" in message and "ingen" in message
    kept = tmp_path / "build" / "failed" / "levekar.ipynb"
    assert kept.is_file() and str(kept) in message
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_ranking_text_follows_the_parameters(tmp_path, monkeypatch):
    """The front page and the methods chapter say which ranking the build uses: the report's
    own paragraphs for the default ranking, the sensitivity analysis's variable, year, source
    and the report's ranking otherwise; both reach the chapters through their includes."""
    from helpers import catalogue, render
    from helpers.present import ranking_text

    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    cat = catalogue.load_catalogue()
    chapters = config.chapters_dir()
    front = chapters / "figures" / "oversikt" / "_forside.md"  # the overview's, not tested here
    front.parent.mkdir(parents=True)
    front.write_text("")
    ranking_text.write(chapters, config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR, cat)
    index = render.expand_includes(
        (config.ROOT / "index.qmd").read_text(encoding="utf-8"), config.ROOT / "index.qmd"
    )
    assert "høyere utdanning,\nfra den mest ressurssvake" in index
    methods_path = config.REPORT / "metode.qmd"
    methods = render.expand_includes(methods_path.read_text(encoding="utf-8"), methods_path)
    assert "(UTD027). Året er fast, 2024" in methods and "Denne versjonen" not in methods
    ranking_text.write(chapters, "lavinntekt_husholdninger", 2023, cat)
    index = render.expand_includes(
        (config.ROOT / "index.qmd").read_text(encoding="utf-8"), config.ROOT / "index.qmd"
    )
    methods = render.expand_includes(methods_path.read_text(encoding="utf-8"), methods_path)
    chosen = cat.ranking("lavinntekt_husholdninger")
    default = cat.ranking(config.DEFAULT_RANK_BY).name_nb.lower()
    for text in (index, methods):
        assert "er en sensitivitetsanalyse" in text
        assert f"{chosen.name_nb.lower()} i 2023" in text
        assert f"{default} i {config.DEFAULT_RANK_YEAR}" in text
    assert "Bydelen med høyest verdi regnes som den mest ressurssvake" in methods
    assert f"({chosen.source.table_id})" in methods


def test_an_execution_folder_is_kept_while_its_files_are_the_recorded_ones(tmp_path):
    """``remove_changed_outputs`` removes an execution folder only when a file its execution wrote
    changed or went missing: Snakemake's own marker (written after the record) does not count,
    else every rebuild would execute every notebook again."""
    notebooks = tmp_path / "notebooks"
    for name in ("same", "changed", "gone"):
        folder = notebooks / name / "figures"
        folder.mkdir(parents=True)
        (folder / "kart.png").write_bytes(b"a figure (placeholder bytes)")
        workflow.record_files(notebooks / name)
        (notebooks / name / workflow.SNAKEMAKE_TIMESTAMP).write_bytes(b"")
    (notebooks / "changed" / "figures" / "kart.png").write_bytes(b"another figure")
    (notebooks / "gone" / "figures" / "kart.png").unlink()
    assert workflow.remove_changed_outputs(notebooks) == ["changed", "gone"]
    assert sorted(p.name for p in notebooks.iterdir()) == ["same"]


def test_publish_renders_with_every_core_it_is_given(project):
    """The publish rule, the last job, takes every core Snakemake has and renders that many
    bydel PDFs at a time (``--threads``)."""
    for cores in (1, 2):
        out = _snakemake(project, "--dry-run", "--printshellcmds", "--forcerun", "publish",
                         cores=cores)  # fmt: skip
        commands = [line for line in out.splitlines() if "helpers.workflow publish" in line]
        assert len(commands) == 1 and commands[0].rstrip().endswith(f"--threads {cores}"), out


def test_make_report_with_nothing_changed_runs_nothing_and_starts_no_snakemake_process(project):
    """A second ``make report`` (``build_cli.main``) with nothing changed: both Snakemake
    invocations (the data rule, then the rest) run in the front door's own process (no
    ``python -m snakemake`` is started), find nothing to do, and the summary counts every job
    as unchanged; a third one remembers that answer and does not start Snakemake at all.
    Run in a fresh interpreter, where ``helpers.config`` sees the project copy."""
    # the state a first `make report` leaves: every job up to date for the front door's config
    touch = [*build.snakemake_command(cores=1, data_ready=True), "--touch"]
    assert subprocess.run(touch, capture_output=True, check=False).returncode == 0
    script = """
import json, os, subprocess, sys
started = []
class Recording(subprocess.Popen):
    def __init__(self, args, *rest, **kwargs):
        started.append(args if isinstance(args, str) else " ".join(map(str, args)))
        super().__init__(args, *rest, **kwargs)
subprocess.Popen = Recording
from helpers import build, build_cli
build.check_ranking = lambda *_: None  # the data are placeholders
cwd = os.getcwd()
rc = build_cli.main(["--workers", "1"])
print("--- again ---")
again = build_cli.main(["--workers", "1"])
print(json.dumps({"rc": rc, "again": again, "started": started, "cwd_kept": os.getcwd() == cwd}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["rc"] == summary["again"] == 0, done.stdout + done.stderr
    first, second = done.stdout.split("--- again ---")
    assert f"0 notatbøker kjørt, {len(build.jobs())} uendret" in first
    assert done.stderr.count("Nothing to be done") == 2, done.stderr  # data, then the rest
    assert not [a for a in summary["started"] if "snakemake" in a], summary["started"]
    assert summary["cwd_kept"]  # Snakemake's --directory does not move the caller
    # Snakemake's answer is remembered (helpers.uptodate): the next one does not start it
    assert "Ingenting er endret siden forrige bygging." in second
    assert f"0 notatbøker kjørt, {len(build.jobs())} uendret" in second


def test_run_snakemake_reports_a_bad_option_as_its_exit_status(capsys):
    """A Snakemake command line it rejects (argparse) is an exit status, not a SystemExit."""
    cmd = [sys.executable, "-m", "snakemake", "--no-such-option"]
    assert build.run_snakemake(cmd) == 2
