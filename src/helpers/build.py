"""Build the whole report: validate data, execute the notebooks with papermill, render.

Steps (each stops the build with a clear error before anything already published is touched):
1. verify the sha256 of every raw file against ``data/sources.yml``;
2. load, validate and tidy the raw tables, suppress small numbers, check them against the
   catalogue, and write ``build/data/`` (atomically);
3. execute every notebook chapter of ``_quarto.yml`` with papermill (:func:`jobs`, in the
   order ``_quarto.yml`` lists them), each into its own folder ``build/notebooks/<job>/``
   (notebook, figures), renamed into place only when it succeeded; each executed notebook gets
   its chapter title as a first raw cell of YAML front matter (Quarto reads a notebook
   chapter's title there; the notebooks print no title heading of their own);
4. stage the executed chapters where ``_quarto.yml`` lists them (``kapitler/``, swapped in whole),
   so that Quarto's pages are ``kapitler/levekar.html``, never ``build/...``;
5. render HTML and PDF (``helpers.render``: Quarto when installed, else pandoc + Typst).

Run as ``python -m helpers.build`` (``make report``): options are checked by
``helpers.build_cli`` (one-line errors), then the Snakemake workflow ``workflow/Snakefile`` runs
steps 1-5 on every core, each notebook of :func:`jobs` as one rule job with its own output
folder, re-running only what changed (``helpers.workflow``; ``docs/scale.md``). Snakemake is
the one engine: :func:`build` (the tests' entry) runs steps 1-2 in this process, so that bad
input raises here, then the same workflow for steps 3-5.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from helpers import config, publish
from helpers.errors import DataError

# Chapter titles of the executed notebooks (areas: their bokmål name from helpers.config.AREAS).
OVERVIEW_TITLE = "Oversikt"
SOURCES_TITLE = "Data og kilder"
FRONT_MATTER_ID = "front-matter"


@dataclass(frozen=True)
class NotebookJob:
    """One papermill execution: template, output name, parameters and the chapter's title."""

    template: str
    output: str
    parameters: dict
    title: str = ""


def jobs(
    *,
    rank_by: str = config.DEFAULT_RANK_BY,
    rank_year: int = config.DEFAULT_RANK_YEAR,
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    quarto_file: Path | None = None,
) -> list[NotebookJob]:
    """The notebook executions of the report, one per notebook chapter of ``_quarto.yml`` and in
    its order (``_quarto.yml`` is the one chapter list): the overview, one chapter per area, the
    sources chapter and one profile per bydel are the notebooks the build knows how to make; a
    chapter it cannot make stops the build naming it."""
    from helpers import render

    qfile = Path(quarto_file) if quarto_file is not None else config.QUARTO_FILE
    common = {"rank_by": rank_by, "rank_year": rank_year, "seed": seed}
    known = [
        NotebookJob(
            "oversikt.ipynb",
            "oversikt.ipynb",
            {**common, "repetitions": repetitions},
            title=OVERVIEW_TITLE,
        ),
        *(
            NotebookJob(
                "innsatsomrade.ipynb",
                f"{area}.ipynb",
                {**common, "area": area, "repetitions": repetitions},
                title=config.AREAS[area].title_nb,
            )
            for area in config.AREAS
        ),
        NotebookJob("kilder.ipynb", "kilder.ipynb", {}, title=SOURCES_TITLE),
        *_profile_jobs(rank_by, rank_year),
    ]
    by_output = {job.output: job for job in known}
    listed = [p.name for p in render.chapters(qfile) if p.suffix == ".ipynb"]
    unknown = [name for name in listed if name not in by_output]
    if unknown:
        raise DataError(
            qfile,
            f"chapter(s) {', '.join(unknown)} listed, but no notebook of the build makes them "
            f"(it makes {', '.join(by_output)})",
            column="book.chapters",
        )
    return [by_output[name] for name in listed]


# helpers.present.profile.TITLE_PREFIX and .output_name, without importing the plotting modules (the
# Snakefile builds the job list on every run); tests/e2e/test_build.py checks they agree.
_PROFILE_TITLE_PREFIX = "Bydel"
_SLUG = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ü": "u", "é": "e"})


def _profile_output(code: str) -> str:
    import re

    name = config.BYDELER[code].lower().translate(_SLUG)
    return "bydel-" + re.sub(r"[^a-z0-9]+", "-", name).strip("-")


PROFILE_TEMPLATE = "bydel.ipynb"


def _profile_jobs(rank_by: str, rank_year: int) -> list[NotebookJob]:
    """One profile per bydel (``notebooks/bydel.ipynb``), listed in ``_quarto.yml``."""
    return [
        NotebookJob(
            PROFILE_TEMPLATE,
            f"{_profile_output(code)}.ipynb",
            {"bydel": code, "rank_by": rank_by, "rank_year": rank_year},
            title=f"{_PROFILE_TITLE_PREFIX} {config.BYDELER[code]}",
        )
        for code in config.BYDELER
    ]


def prepare_data(data_dir: Path | None = None, *, paths: dict[str, Path] | None = None) -> Path:
    """Steps 1–2: checksums, tidy + validated + suppressed tables written to ``build/data``.

    ``paths`` replaces raw tables by key (``val001`` …), for tests that build from fixtures.
    """
    from helpers import catalogue
    from helpers.catalogue import sources
    from helpers.pipeline import build_data

    sources.verify_checksums()
    cat = catalogue.load_catalogue()
    return build_data.write_build_data(data_dir, paths=paths, catalogue=cat)


def check_ranking(data_dir: Path, rank_by: str, rank_year: int) -> None:
    """Before any notebook runs: the ranking variable has data for ``rank_year`` (else
    ``ParameterError`` naming the years it has)."""
    from helpers import catalogue
    from helpers.pipeline import store
    from helpers.stats import gradient

    tidy = store.load_tidy(data_dir / "indicators.parquet")
    gradient.rank_bydeler(tidy, catalogue.load_catalogue(), rank_by, rank_year)


def job_folder(job: NotebookJob) -> str:
    """The folder under ``build/notebooks`` that one execution owns (its output's stem)."""
    return Path(job.output).stem


# Run in the kernel before each notebook after the first one of a shared kernel: the notebook's
# own folder as working directory, no figure left open, and an empty namespace (``%reset -f``),
# so that each notebook sees only what it defines itself, as in a kernel of its own.
_FRESH_NAMESPACE = """\
import sys as _sys
get_ipython().run_line_magic("cd", "-q " + {folder!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
get_ipython().run_line_magic("reset", "-f")
"""


def execute_in_one_kernel(runs: list[tuple[NotebookJob, Path]]) -> None:
    """Run notebooks with papermill one after another in one kernel, each into its own folder
    (also the kernel's working directory while it runs; its figures go to ``folder/figures``).
    Kernel start and the imports of the first cell are paid once instead of once per notebook
    (the 15 bydel profiles: 6 s each in a kernel of their own, under 2 s each in a shared one,
    benchmarks/README.md). Between two notebooks the kernel's namespace is emptied
    (``_FRESH_NAMESPACE``): imported modules stay loaded, variables do not."""
    import papermill as pm
    from jupyter_core.utils import run_sync

    # The kernel is this interpreter's ipykernel, also when the venv is not on PATH.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    os.environ[config.RENDERING_ENV] = "1"  # outputs carry Quarto's cross-reference markup
    with tempfile.TemporaryDirectory(prefix="oslohelsa-kernel-") as sockets:
        manager_class = ipc_kernel_manager(Path(sockets))
        km = manager_class(kernel_name="python3")
        try:
            for job, folder in runs:
                if km.has_kernel:
                    run_sync(_fresh_namespace)(km, Path(folder))
                try:
                    pm.execute_notebook(
                        str(config.NOTEBOOKS / job.template),
                        str(Path(folder) / job.output),
                        parameters={**job.parameters, "figures_dir": "figures"},
                        cwd=str(folder),
                        kernel_name="python3",
                        progress_bar=False,
                        log_output=False,
                        km=km,
                        kernel_manager_class=manager_class,
                    )
                except pm.PapermillExecutionError as exc:
                    exc.failed_run = (job, Path(folder))  # which notebook of ``runs`` failed
                    raise
        finally:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)


async def _fresh_namespace(km, folder: Path) -> None:
    """``_FRESH_NAMESPACE`` run in ``km``'s kernel with ``folder`` as the working directory."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(
            _FRESH_NAMESPACE.format(folder=str(folder.resolve())),
            store_history=False,
            timeout=60,
            output_hook=lambda _msg: None,
        )
    finally:
        kc.stop_channels()
    if reply["content"]["status"] != "ok":
        content = reply["content"]
        raise RuntimeError(f"the shared kernel was not reset: {content.get('evalue', content)}")


def ipc_kernel_manager(sockets: Path):
    """A kernel manager whose kernels talk over IPC (Unix sockets in ``sockets``, a private
    temporary folder) rather than TCP on loopback: ipykernel warns "Kernel is running over TCP
    without encryption" for every TCP kernel; with IPC there is nothing to warn about."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(sockets / "kernel"))
            super().__init__(**kwargs)

    return IPCKernelManager


def front_matter_cell(title: str):
    """A notebook's first raw cell with YAML front matter giving the chapter's title (Quarto:
    https://quarto.org/docs/tools/jupyter-lab.html#yaml-front-matter)."""
    import nbformat
    import yaml

    header = yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=False)
    cell = nbformat.v4.new_raw_cell(f"---\n{header}---")
    cell.id = FRONT_MATTER_ID
    return cell


def set_title(nb, title: str) -> None:
    """Make ``title`` the notebook's front matter: replace a leading front-matter cell (a reused
    notebook has one already) or insert one before every other cell."""
    from helpers.render import front_matter

    cell = front_matter_cell(title)
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "raw" and front_matter(first.source):
        nb.cells[0] = cell
    else:
        nb.cells.insert(0, cell)


def _normalise_notebook(path: Path, title: str = "") -> None:
    """Drop what changes between identical builds: papermill timings and paths, execution counts,
    and the random id papermill gives the cell it injects; put the chapter's title in front."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if title:
        set_title(nb, title)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.execution_count = None
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = None
    nbformat.write(nb, path)


def stage_chapters(
    notebooks: Path,
    dest: Path | None = None,
    *,
    quarto_file: Path | None = None,
    titles: dict[str, str] | None = None,
) -> Path:
    """Step 4: copy the executed notebooks that ``_quarto.yml`` lists as chapters (and their
    figures) from ``notebooks`` into ``dest`` (default ``config.chapters_dir()``), swapped in whole.

    Quarto's output paths mirror its input paths, so the chapters must sit where the site wants
    its pages. Each staged chapter is checked against Quarto's rules for a notebook chapter: its
    first cell is front matter with a title (``titles``: file name → the expected title) and no
    other level-1 heading follows (Quarto would number it as a chapter of its own).
    """
    from helpers import render
    from helpers.present import maps_interactive

    qfile = Path(quarto_file) if quarto_file is not None else config.QUARTO_FILE
    dest = Path(dest) if dest is not None else config.chapters_dir()
    listed = [p for p in render.chapters(qfile) if p.suffix == ".ipynb"]
    chapters_folder = (qfile.resolve().parent / config.CHAPTERS.name).resolve()
    outside = [p for p in listed if p.resolve().parent != chapters_folder]
    if outside:
        raise DataError(
            qfile,
            "executed notebook chapters must be listed in "
            f"{config.CHAPTERS.name}/ (the folder the build stages them in), got "
            + ", ".join(str(p.relative_to(qfile.resolve().parent)) for p in outside),
            column="book.chapters",
        )
    sources = {p.name: _executed(notebooks, p.name) for p in listed}
    missing = [name for name, src in sources.items() if not src.is_file()]
    if missing:
        raise DataError(
            qfile,
            f"chapter(s) {', '.join(missing)} listed but not executed into {notebooks}",
            column="book.chapters",
        )
    for path in listed:
        expected = (titles or {}).get(path.name)
        render.check_notebook_chapter(sources[path.name], expected)

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        for path in listed:
            shutil.copy2(sources[path.name], staging / path.name)
        # each execution's figures (build/notebooks/<job>/figures/<folder>/…): the folders are
        # the jobs' own, so merging never mixes two executions' files
        for figures in [notebooks / "figures", *sorted(notebooks.glob("*/figures"))]:
            if figures.is_dir():
                shutil.copytree(figures, staging / "figures", dirs_exist_ok=True)
        # plotly.js once for every chapter page (their maps load it from beside the page)
        maps_interactive.write_plotlyjs(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish.swap_in(staging, dest)
    return dest


def _executed(notebooks: Path, name: str) -> Path:
    """Where an executed chapter is: its job's own folder, or (flat layout) ``notebooks/name``."""
    own = notebooks / Path(name).stem / name
    return own if own.is_file() else notebooks / name


class BuildFailed(RuntimeError):
    """The workflow stopped (a notebook failed, or the render): what Snakemake said."""


@dataclass(frozen=True)
class RunOptions:
    """The options of a build run and their defaults (those of ``python -m helpers.build``):
    the renderer, re-executing every notebook, the ranking, the Monte Carlo intervals."""

    engine: str = "auto"
    force: bool = False
    rank_by: str = config.DEFAULT_RANK_BY
    rank_year: int = config.DEFAULT_RANK_YEAR
    seed: int = config.DEFAULT_SEED
    repetitions: int = config.DEFAULT_REPETITIONS


def build(*, workers: int | None = None, paths: dict[str, Path] | None = None, **options):
    """The whole pipeline; returns ``helpers.render.RenderResult``. ``options``: those of
    :class:`RunOptions` (a wrong name is a ``TypeError`` before any work).

    Steps 1-2 run here (bad input raises ``DataError`` before anything is published; ``paths``
    replaces raw tables for tests), then the Snakemake workflow executes the notebooks whose
    inputs changed and publishes (``BuildFailed`` with Snakemake's account if it stops)."""
    from helpers import render, workflow

    run = RunOptions(**options)
    data_dir = prepare_data(paths=paths)
    check_ranking(data_dir, run.rank_by, run.rank_year)
    workflow.remove_changed_outputs(config.build_notebooks_dir())
    cmd = snakemake_command(cores=workers, data_ready=True, **vars(run))
    import subprocess

    done = subprocess.run(cmd, cwd=config.ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildFailed((done.stdout + done.stderr).strip()[-4000:])
    import json

    stamp = json.loads((config.build_dir() / "published.json").read_text())
    return render.RenderResult(Path(stamp["html"]), Path(stamp["pdf"]), stamp["engine"])


def snakemake_command(
    *,
    cores: int | None = None,
    dry_run: bool = False,
    targets: list[str] | None = None,
    data_ready: bool = False,
    **options,
) -> list[str]:
    """The Snakemake command line of a build (``workflow/Snakefile``, run in ``build/``) with the
    run's ``options`` (:class:`RunOptions`).

    Rerun triggers: modification time (with Snakemake's checksum check for small files, so a
    file rewritten with the same content does not count), params, input set and rule code.
    ``data_ready``: ``build/data`` was just written (by the previous invocation or in this
    process), so the notebooks do not wait for the data rule.
    """
    from helpers import workflow

    run = RunOptions(**options)
    cmd = [
        sys.executable, "-m", "snakemake", *(targets or []),  # before --config (which is nargs=*)
        "--snakefile", str(workflow.SNAKEFILE),
        "--directory", str(config.build_dir()),
        "--cores", str(cores or os.cpu_count() or 1),
        "--rerun-triggers", "mtime", "params", "input", "code",
        "--max-checksum-file-size", str(50_000_000),
        "--quiet", "rules", "host",
        "--config",
        f"rank_by={run.rank_by}", f"rank_year={run.rank_year}", f"seed={run.seed}",
        f"repetitions={run.repetitions}", f"engine={run.engine}",
        f"stage={'data' if targets == ['data'] else ('ready' if data_ready else 'all')}",
    ]  # fmt: skip
    if run.force:  # every notebook rule the Snakefile defines (profiles: when the book has them)
        shared = workflow.one_kernel_jobs(workflow.jobs_by_id(workflow.build_params()))
        cmd += ["--forcerun", "notebook", *(["profiles"] if shared else [])]
    if dry_run:
        cmd += ["--dry-run"]
    return cmd


def run_snakemake(cmd: list[str]) -> int:
    """Snakemake's command line (``cmd`` as :func:`snakemake_command` gives it) run in this
    process: the same argument parser and API calls as ``python -m snakemake``, without a new
    interpreter and a second import of Snakemake (about 1,5 s of a no-op rebuild). Returns the
    exit status the command would have (0 done, 1 failed; argparse's own for a bad option)."""
    from snakemake import cli

    if cmd[1:3] != ["-m", "snakemake"]:
        raise ValueError(f"not a Snakemake command line: {cmd[:3]}")
    try:
        parser, args = cli.parse_args(cmd[3:])
        return 0 if cli.args_to_api(args, parser) else 1
    except SystemExit as exc:  # argparse, or Snakemake stopping itself
        return exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # as ``snakemake.cli.main`` reports it
        cli.print_exception(exc)
        return 1


def run_workflow(*, workers: int | None = None, between=None, **options) -> int:
    """Run the Snakemake workflow in two invocations, in this process: the data rule first,
    then everything else (the notebooks whose inputs changed, then stage + render when a
    chapter changed).

    Two, because within one invocation Snakemake re-executes every job downstream of a job it
    schedules: after a data rerun it would re-execute every notebook, whatever its dependency
    key says. Returns 2 when the data step failed, else Snakemake's exit status."""
    if run_snakemake(snakemake_command(cores=workers, **options, targets=["data"])) != 0:
        return 2
    if between is not None:
        between()  # e.g. the ranking check, on the fresh data, before any notebook runs
    return run_snakemake(snakemake_command(cores=workers, data_ready=True, **options))


if __name__ == "__main__":
    from helpers.build_cli import main

    raise SystemExit(main())
