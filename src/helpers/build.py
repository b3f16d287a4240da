"""Build the whole report: validate data, execute the notebooks with papermill, render.

Steps (each stops the build with a clear error before anything already published is touched):
1. verify the sha256 of every raw file against ``data/sources.yml``;
2. load, validate and tidy the raw tables, suppress small numbers, check them against the
   catalogue, and write ``build/data/`` (atomically);
3. execute ``notebooks/oversikt.ipynb``, ``notebooks/innsatsomrade.ipynb`` once per area and
   ``notebooks/kilder.ipynb`` with papermill, two at a time, into a fresh folder that replaces
   ``build/notebooks/`` only when every notebook succeeded; each execution owns a folder
   ``build/notebooks/<job>/`` (notebook, figures); a notebook whose inputs (template,
   parameters, helpers code, build data) hash as before and whose folder is intact is reused,
   not re-executed; each executed
   notebook gets its chapter title as a first raw cell of YAML front matter (Quarto reads a
   notebook chapter's title there; the notebooks print no title heading of their own);
4. stage the executed chapters where ``_quarto.yml`` lists them (``kapitler/``, swapped in whole),
   so that Quarto's pages are ``kapitler/levekar.html``, never ``build/...``;
5. render HTML and PDF (``helpers.render``: Quarto when installed, else pandoc + Typst).

Run as ``python -m helpers.build`` (``make report``): options are checked here (one-line
errors), then the Snakemake workflow ``workflow/Snakefile`` runs steps 1-5 on every core, each
notebook of :func:`jobs` as one rule job with its own output folder, re-running only what
changed (``helpers.workflow``; ``docs/scale.md``). ``build()`` (and ``--in-process``) runs the
same steps from this process with a pool of workers and the content-hash cache described in
step 3; the tests use it to inject failures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers import config
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

    def fingerprint(self, inputs_digest: str) -> str:
        from helpers.sources import sha256_of

        payload = json.dumps(
            {"template": sha256_of(config.NOTEBOOKS / self.template), "params": self.parameters},
            sort_keys=True,
        )
        return hashlib.sha256((payload + inputs_digest).encode()).hexdigest()


def jobs(
    *,
    rank_by: str = config.DEFAULT_RANK_BY,
    rank_year: int = config.DEFAULT_RANK_YEAR,
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
) -> list[NotebookJob]:
    """The notebooks of the report, in chapter order."""
    common = {"rank_by": rank_by, "rank_year": rank_year, "seed": seed}
    area_jobs = [
        NotebookJob(
            "innsatsomrade.ipynb",
            f"{area}.ipynb",
            {**common, "area": area, "repetitions": repetitions},
            title=config.AREAS[area].title_nb,
        )
        for area in config.AREAS
    ]
    return [
        NotebookJob(
            "oversikt.ipynb",
            "oversikt.ipynb",
            {**common, "repetitions": repetitions},
            title=OVERVIEW_TITLE,
        ),
        *area_jobs,
        NotebookJob("kilder.ipynb", "kilder.ipynb", {}, title=SOURCES_TITLE),
        *_profile_jobs(rank_by, rank_year),
    ]


def _profile_jobs(rank_by: str, rank_year: int) -> list[NotebookJob]:
    """One profile per bydel (``notebooks/bydel.ipynb``), listed in ``_quarto.yml``."""
    from helpers import profile

    return [
        NotebookJob(
            "bydel.ipynb",
            f"{profile.output_name(code)}.ipynb",
            {"bydel": code, "rank_by": rank_by, "rank_year": rank_year},
            title=profile.title(code),
        )
        for code in config.BYDELER
    ]


def _inputs_digest(data_dir: Path) -> str:
    """Hash of everything a notebook reads besides its template: helpers code and build data."""
    from helpers.sources import sha256_of

    h = hashlib.sha256()
    files = sorted((config.ROOT / "src" / "helpers").glob("*.py")) + sorted(data_dir.glob("*"))
    files.append(config.CATALOGUE_FILE)
    for path in files:
        if path.is_file():
            h.update(path.name.encode())
            h.update(sha256_of(path).encode())
    return h.hexdigest()


def prepare_data(data_dir: Path | None = None, *, paths: dict[str, Path] | None = None) -> Path:
    """Steps 1–2: checksums, tidy + validated + suppressed tables written to ``build/data``.

    ``paths`` replaces raw tables by key (``val001`` …), for tests that build from fixtures.
    """
    from helpers import catalogue, data, sources

    sources.verify_checksums()
    cat = catalogue.load_catalogue()
    return data.write_build_data(data_dir, paths=paths, catalogue=cat)


def check_ranking(data_dir: Path, rank_by: str, rank_year: int) -> None:
    """Before any notebook runs: the ranking variable has data for ``rank_year`` (else
    ``ParameterError`` naming the years it has)."""
    from helpers import catalogue, data
    from helpers.stats import gradient

    tidy = data.load_tidy(data_dir / "indicators.parquet")
    gradient.rank_bydeler(tidy, catalogue.load_catalogue(), rank_by, rank_year)


def execute_notebooks(
    notebook_jobs: list[NotebookJob], *, data_dir: Path, workers: int = 2, force: bool = False
) -> Path:
    """Step 3: run papermill for every job into a fresh folder, then swap it in atomically.

    Every execution owns one folder, ``build/notebooks/<job>/``: the executed notebook and
    everything it wrote (figures, tables), with the kernel's working directory there. Nothing
    else writes into it (a notebook run by hand writes to the scratch folder), and a notebook is
    reused only when its fingerprint matches *and* every file of its folder is as recorded.

    Each notebook runs in its own worker *process*: papermill changes the working directory
    while it starts a kernel, and the working directory is per process, not per thread.
    """
    from tqdm.auto import tqdm

    final = config.build_notebooks_dir()
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".notebooks-", dir=final.parent))
    digest = _inputs_digest(data_dir)
    cache = _read_cache(final)
    todo, done = [], {}
    for job in notebook_jobs:
        fingerprint = job.fingerprint(digest)
        folder = job_folder(job)
        entry = cache.get(job.output)
        entry = entry if isinstance(entry, dict) else {}  # an older build's cache: execute
        if not force and entry.get("fingerprint") == fingerprint and _intact(final / folder, entry):
            shutil.copytree(final / folder, staging / folder)
            done[job.output] = entry
        else:
            todo.append((job, fingerprint))
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = []
            for job, _ in todo:
                (staging / job_folder(job)).mkdir()
                futures.append(pool.submit(_execute, job, staging / job_folder(job)))
            for future in tqdm(
                futures, desc="Notatbøker", disable=not sys.stderr.isatty() or not futures
            ):
                future.result()
        for job, fingerprint in todo:
            _normalise_notebook(staging / job_folder(job) / job.output, job.title)
            done[job.output] = {
                "fingerprint": fingerprint,
                "files": _file_digests(staging / job_folder(job)),
            }
        (staging / ".cache.json").write_text(json.dumps(done, indent=1, sort_keys=True))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, final)
    return final


def job_folder(job: NotebookJob) -> str:
    """The folder under ``build/notebooks`` that one execution owns (its output's stem)."""
    return Path(job.output).stem


def _file_digests(folder: Path) -> dict[str, str]:
    from helpers.sources import sha256_of

    return {
        p.relative_to(folder).as_posix(): sha256_of(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _intact(folder: Path, entry: dict) -> bool:
    """The folder holds exactly the files recorded when the notebook was executed, unchanged
    (a figure overwritten or deleted since means the notebook is executed again)."""
    recorded = entry.get("files")
    return bool(recorded) and folder.is_dir() and _file_digests(folder) == recorded


def _execute(job: NotebookJob, folder: Path) -> None:
    """Run one notebook with papermill (in a worker process) into ``folder``, which is also the
    kernel's working directory (its figures go to ``folder/figures``)."""
    import papermill as pm

    # The kernel is this interpreter's ipykernel, also when the venv is not on PATH.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    os.environ[config.RENDERING_ENV] = "1"  # outputs carry Quarto's cross-reference markup
    with tempfile.TemporaryDirectory(prefix="oslohelsa-kernel-") as sockets:
        pm.execute_notebook(
            str(config.NOTEBOOKS / job.template),
            str(folder / job.output),
            parameters={**job.parameters, "figures_dir": "figures"},
            cwd=str(folder),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            kernel_manager_class=ipc_kernel_manager(Path(sockets)),
        )


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
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, dest)
    return dest


def _executed(notebooks: Path, name: str) -> Path:
    """Where an executed chapter is: its job's own folder, or (flat layout) ``notebooks/name``."""
    own = notebooks / Path(name).stem / name
    return own if own.is_file() else notebooks / name


def _read_cache(final: Path) -> dict[str, dict]:
    try:
        return json.loads((final / ".cache.json").read_text())
    except (OSError, ValueError):
        return {}


def _swap_in(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging``; the old folder is removed only after the rename."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(staging, final)
    except BaseException:
        if old.exists():
            os.replace(old, final)  # put the published folder back
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build(
    *,
    engine: str = "auto",
    force: bool = False,
    rank_by: str = config.DEFAULT_RANK_BY,
    rank_year: int = config.DEFAULT_RANK_YEAR,
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    workers: int = 2,
    paths: dict[str, Path] | None = None,
):
    """The whole pipeline; returns ``helpers.render.RenderResult``."""
    from helpers import render, sources

    data_dir = prepare_data(paths=paths)
    check_ranking(data_dir, rank_by, rank_year)
    job_list = jobs(rank_by=rank_by, rank_year=rank_year, seed=seed, repetitions=repetitions)
    notebooks = execute_notebooks(job_list, data_dir=data_dir, workers=workers, force=force)
    stage_chapters(notebooks, titles={job.output: job.title for job in job_list})
    from helpers import downloads, profile

    # Written into the new site before it is swapped in: published together or not at all.
    extras = (
        downloads.for_site(data_dir, date=sources.data_date()),
        profile.pdfs_for_site(config.chapters_dir(), date=sources.data_date()),
    )
    # The cover shows the report's own date (SOURCE_DATE_EPOCH, else today) and the data date.
    return render.render(engine=engine, extras=extras, data_date=sources.data_date())


def snakemake_command(
    *,
    engine: str = "auto",
    force: bool = False,
    rank_by: str = config.DEFAULT_RANK_BY,
    rank_year: int = config.DEFAULT_RANK_YEAR,
    seed: int = config.DEFAULT_SEED,
    repetitions: int = config.DEFAULT_REPETITIONS,
    cores: int | None = None,
    dry_run: bool = False,
    targets: list[str] | None = None,
) -> list[str]:
    """The Snakemake command line of a build (``workflow/Snakefile``, run in ``build/``).

    Rerun triggers: modification time (with Snakemake's checksum check for small files, so a
    file rewritten with the same content does not count), params, input set and rule code.
    """
    from helpers import workflow

    cmd = [
        sys.executable, "-m", "snakemake", *(targets or []),  # before --config (which is nargs=*)
        "--snakefile", str(workflow.SNAKEFILE),
        "--directory", str(config.build_dir()),
        "--cores", str(cores or os.cpu_count() or 1),
        "--rerun-triggers", "mtime", "params", "input", "code",
        "--max-checksum-file-size", str(50_000_000),
        "--quiet", "rules", "host",
        "--config",
        f"rank_by={rank_by}", f"rank_year={rank_year}", f"seed={seed}",
        f"repetitions={repetitions}", f"engine={engine}",
    ]  # fmt: skip
    if force:
        cmd += ["--forcerun", "notebook"]
    if dry_run:
        cmd += ["--dry-run"]
    return cmd


def run_workflow(*, workers: int | None = None, between=None, **options) -> int:
    """Run the Snakemake workflow in two invocations: the data rule first, then everything
    else (the notebooks whose inputs changed, then stage + render when a chapter changed).

    Two, because the notebooks declare the tidy tables as ``ancient`` inputs (order only; their
    content is in each job's dependency key): within one invocation Snakemake does not look at
    a job again once an upstream job it depends on is scheduled, so after a data rerun it would
    skip them. Returns 2 when the data step failed, else Snakemake's exit status."""
    import subprocess

    data = snakemake_command(cores=workers, **options, targets=["data"])
    if subprocess.run(data, cwd=config.ROOT, check=False).returncode != 0:
        return 2
    if between is not None:
        between()  # e.g. the ranking check, on the fresh data, before any notebook runs
    cmd = snakemake_command(cores=workers, **options)
    return subprocess.run(cmd, cwd=config.ROOT, check=False).returncode


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong option is answered in two lines (the error, where to find help)
    instead of the whole usage text."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}\nSee `{self.prog} --help` for every option.\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m helpers.build",
        description=__doc__.splitlines()[0],
        epilog="A wrong value stops the build at once with the valid choices (exit status 2); "
        "bad input data stops it before anything published is replaced.",
    )
    p.add_argument(
        "--engine",
        choices=["auto", "quarto", "embedded"],
        default="auto",
        help="renderer: quarto (needs the quarto binary), embedded (pandoc + Typst), or auto "
        "(quarto when installed, else embedded; default)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="re-execute every notebook, also those whose inputs did not change",
    )
    p.add_argument(
        "--rank-by",
        default=config.DEFAULT_RANK_BY,
        metavar="ID",
        help="socioeconomic variable the bydeler are ranked by: an id under `ranking` in "
        f"data/indicators.yml with data (default {config.DEFAULT_RANK_BY})",
    )
    p.add_argument(
        "--rank-year",
        type=int,
        default=config.DEFAULT_RANK_YEAR,
        metavar="YEAR",
        help=f"year of the ranking variable (default {config.DEFAULT_RANK_YEAR})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=config.DEFAULT_SEED,
        help=f"seed of the Monte Carlo intervals for SII/RII (default {config.DEFAULT_SEED})",
    )
    p.add_argument(
        "--repetitions",
        type=int,
        default=config.DEFAULT_REPETITIONS,
        metavar="N",
        help="Monte Carlo draws for the SII/RII intervals, at least 1000 "
        f"(default {config.DEFAULT_REPETITIONS})",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="notebooks executed at the same time: Snakemake's --cores (default: every core "
        "of the machine)",
    )
    p.add_argument(
        "--in-process",
        action="store_true",
        help="run the notebooks from this process (a pool of --workers) instead of through "
        "the Snakemake workflow (workflow/Snakefile)",
    )
    p.add_argument(
        "--data-only",
        action="store_true",
        help="only steps 1-2: check the raw files and rebuild build/data (what a notebook "
        "reads), then stop",
    )
    return p


def _snakemake_build(args: argparse.Namespace) -> int:
    """``make report``: data checked here (one-line errors), then the Snakemake workflow."""
    import time

    from helpers import workflow

    if workflow.is_sensitivity(args.rank_by, args.rank_year):
        # beside the report, not over it: own build folder and output folder
        where = workflow.sensitivity_folder(args.rank_by, args.rank_year)
        os.environ["OSLOHELSA_BUILD"] = str(config.build_dir() / where)
        os.environ["OSLOHELSA_OUTPUT"] = str(config.output_dir() / where)
        print(f"Sensitivitetsanalyse: rapporten skrives til {config.output_dir()}")
    start = time.monotonic()
    os.environ.setdefault("OSLOHELSA_STARTED", workflow._now())  # the manifest's start
    folders = config.build_notebooks_dir()
    before = {p.name: p.stat().st_mtime_ns for p in folders.glob("*") if p.is_dir()}
    status = run_workflow(
        engine=args.engine,
        force=args.force,
        rank_by=args.rank_by,
        rank_year=args.rank_year,
        seed=args.seed,
        repetitions=args.repetitions,
        workers=args.workers,
        between=lambda: check_ranking(config.build_data_dir(), args.rank_by, args.rank_year),
    )
    seconds = time.monotonic() - start
    if status == 2:
        print("Feil i inndata (se over), rapporten er ikke bygget.", file=sys.stderr)
        return 2
    if status != 0:
        print(
            f"Rapporten er ikke bygget (etter {seconds:.0f} s); den publiserte rapporten i "
            f"{config.output_dir()} er urørt.",
            file=sys.stderr,
        )
        return 1
    jobs_now = [job_folder(j) for j in jobs(rank_by=args.rank_by, rank_year=args.rank_year)]
    after = {p.name: p.stat().st_mtime_ns for p in folders.glob("*") if p.is_dir()}
    executed = sum(1 for j in jobs_now if before.get(j) != after.get(j))
    print(
        f"Ferdig på {seconds:.0f} s: {executed} notatbøker kjørt, "
        f"{len(jobs_now) - executed} uendret."
    )
    out = config.output_dir()
    print(f"  HTML:     {out / 'index.html'}")
    print(f"  PDF:      {out / 'oslohelsa.pdf'}")
    print(f"  Manifest: {out / 'manifest.json'}")
    return 0


def check_options(args: argparse.Namespace) -> None:
    """Every option checked before any work (no data read): ``ParameterError`` if one is wrong."""
    from helpers import params

    params.check_rank_by("--rank-by", args.rank_by)
    params.check_int("--rank-year", args.rank_year, minimum=1900)
    params.check_int("--seed", args.seed, minimum=0)
    params.check_int("--repetitions", args.repetitions, minimum=1000)
    if args.workers is not None:
        params.check_int("--workers", args.workers, minimum=1)


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    from helpers.errors import ParameterError

    try:
        check_options(args)
    except ParameterError as exc:
        print(f"{p.prog}: {exc}", file=sys.stderr)
        return 2
    try:
        if args.data_only:
            data_dir = prepare_data()
            print(f"Data er bygget: {data_dir}")
            return 0
        if args.in_process:
            result = build(
                engine=args.engine,
                force=args.force,
                rank_by=args.rank_by,
                rank_year=args.rank_year,
                seed=args.seed,
                repetitions=args.repetitions,
                workers=args.workers or 2,
            )
        else:
            return _snakemake_build(args)
    except ParameterError as exc:
        print(f"{p.prog}: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"Feil i inndata, rapporten er ikke bygget: {exc}", file=sys.stderr)
        return 2
    print(f"Rapporten er bygget ({result.engine}):")
    print(f"  HTML: {result.html}")
    print(f"  PDF:  {result.pdf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
