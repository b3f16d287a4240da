"""The Snakemake side of the build (``workflow/Snakefile``): what each rule runs.

The Snakefile reads ``helpers.build.jobs()`` (the one list of notebook executions) and has a rule
for the data, one papermill execution per job, and the publish step (stage + render + manifest).
Each rule's command is ``python -m helpers.workflow <step>``:

- ``data``: steps 1-2 of ``helpers.build`` (checksums, validated and suppressed tidy tables);
- ``notebook JOB``: one execution into its own folder ``build/notebooks/<job>/`` (notebook and
  figures), written next to it and renamed into place only when the notebook succeeded; a failure
  names the notebook, the cell and the error and keeps the executed notebook in ``build/failed/``;
- ``publish``: stage the chapters, render (atomic swap of the report folder), write the manifest.

Only what changed runs: a notebook's declared inputs are its template and its *dependency key*
``build/keys/<job>.json`` — the catalogue entries, the sha256 of the raw files and the helpers
code it reads — which the Snakefile rewrites only when its content changes (so an edit to one
area's data or catalogue entry changes that area's key and the overview's, nothing else). The
tidy tables are declared ``ancient`` inputs: they order the jobs after the data rule, but a
rewrite with the same content does not re-execute every notebook.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from helpers import config
from helpers.digest import sha256_cached, sha256_of

DATA_FILES = ("indicators.parquet", "population.parquet", "bydeler.parquet")
SNAKEFILE = config.ROOT / "workflow" / "Snakefile"
# roles in data/sources.yml every notebook reads (population denominators, maps, context)
SHARED_ROLES = ("population", "geometry", "context")
# notebooks that print the build's provenance (helpers.workflow.manifest_table)
PROVENANCE_TEMPLATES = ("kilder.ipynb",)


class NotebookFailed(RuntimeError):
    """A notebook stopped with an error: which notebook, which cell, what error, where it is."""


def build_params(cfg: dict | None = None) -> dict:
    """The build parameters from Snakemake's ``--config`` (defaults from ``helpers.config``)."""
    cfg = cfg or {}
    return {
        "rank_by": str(cfg.get("rank_by", config.DEFAULT_RANK_BY)),
        "rank_year": int(cfg.get("rank_year", config.DEFAULT_RANK_YEAR)),
        "seed": int(cfg.get("seed", config.DEFAULT_SEED)),
        "repetitions": int(cfg.get("repetitions", config.DEFAULT_REPETITIONS)),
    }


def jobs_by_id(params: dict, regions: str | Path | None = None) -> dict:
    """The jobs of ``helpers.build.jobs()`` by id; with ``regions`` (a file of region codes,
    one a line) also one area chapter per region and area: the national edition's DAG
    (docs/scale.md)."""
    from helpers import build

    job_list = build.jobs(**params)
    if regions:
        codes = [c.strip() for c in Path(regions).read_text().splitlines() if c.strip()]
        job_list += [
            build.NotebookJob(
                "innsatsomrade.ipynb",
                f"{code}-{area}.ipynb",
                {**params, "area": area, "geo_level": "kommune", "region": code},
                title=f"{code}: {config.AREAS[area].title_nb}",
            )
            for code in codes
            for area in config.AREAS
        ]
    return {build.job_folder(job): job for job in job_list}


def one_kernel_jobs(jobs: dict) -> list[str]:
    """The jobs run one after another in one kernel, as one Snakemake job (rule ``profiles``):
    the bydel profiles. They are one template with the same inputs (every indicator), so any
    change re-executes all of them anyway, and a kernel of their own would cost each one far
    more than its work (benchmarks/README.md). Every other job has a kernel of its own."""
    from helpers import build

    return [job_id for job_id, job in jobs.items() if job.template == build.PROFILE_TEMPLATE]


def _yaml(path: Path):
    """A YAML file read with libyaml when available (the Snakefile reads the catalogue and the
    sources manifest on every run; validating them is the data rule's job)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


@functools.lru_cache(maxsize=1)
def _code_digest() -> dict[str, str]:
    """sha256 of every helpers module (once per process: the Snakefile's parse)."""
    code = config.ROOT / "src" / "helpers"
    return {p.relative_to(code).as_posix(): sha256_cached(p) for p in sorted(code.rglob("*.py"))}


def _raw_files(sources: dict) -> dict[str, list[str]]:
    """Files of ``data/sources.yml`` by role (paths relative to the project root)."""
    by_role: dict[str, list[str]] = {}
    for entry in sources["files"]:
        by_role.setdefault(entry["role"], []).append(entry["path"])
    return by_role


def dependency_key(job, params: dict, catalogue_doc: dict, sources: dict) -> dict:
    """What one notebook execution reads, as content: catalogue entries, raw file checksums and
    helpers code. An area chapter reads its area's indicators and the ranking variable; any
    other notebook (overview, sources, profiles) reads everything."""
    by_role = _raw_files(sources)
    area = job.parameters.get("area")
    everything = [p for role, paths in by_role.items() if role != "test_fixture" for p in paths]
    if area is None:
        files, entries = everything, {"catalogue": sha256_cached(config.CATALOGUE_FILE)}
    else:
        indicators = [i for i in catalogue_doc.get("indicators", []) if i.get("area") == area]
        ranking = [r for r in catalogue_doc.get("ranking", []) if r.get("id") == params["rank_by"]]
        ids = [i["id"] for i in indicators] + [
            r.get("indicator") or r["id"] for r in ranking if isinstance(r, dict)
        ]
        # the files data/sources.yml lists as used for these indicators, and the maps
        files_for = {i: [e["path"] for e in sources["files"] if i in (e.get("used_for") or [])]
                     for i in ids}  # fmt: skip
        planned = {e["id"] for e in indicators + ranking if e.get("status") == "planned"}
        unplaced = [i for i, f in files_for.items() if not f and i not in planned]
        if unplaced:  # only then load the raw-table registry (it imports pandas)
            from helpers.pipeline import loaders

            unplaced = [i for i in unplaced if i in loaders.INDICATOR_TABLES]
        if unplaced:  # read from a file sources.yml does not name (e.g. `make data`): all
            files = everything
        else:
            files = sorted(
                {f for fs in files_for.values() for f in fs}
                | {
                    p
                    for role in SHARED_ROLES
                    if role != "population"
                    for p in by_role.get(role, [])
                }
            )
        areas = [a for a in catalogue_doc.get("areas", []) if a.get("id") == area]
        entries = {
            "indicators": indicators,
            "ranking": ranking,
            "area": areas,
            "defaults": catalogue_doc.get("defaults"),
        }
    key = {
        "template": sha256_cached(config.NOTEBOOKS / job.template),
        "catalogue": entries,
        "raw": {p: sha256_cached(config.ROOT / p) for p in sorted(set(files))},
        "code": _code_digest(),
    }
    if job.template in PROVENANCE_TEMPLATES:  # shows the code version: a new commit reruns it
        key["git"] = {"commit": _git("rev-parse", "HEAD"), "dirty": bool(_git("status", "-s"))}
    return key


def write_keys(jobs: dict, params: dict, folder: Path) -> dict[str, Path]:
    """Write ``folder/<job>.json`` for every job, rewriting a file only when its content changed
    (Snakemake compares modification times: an unchanged key keeps its notebook up to date)."""
    catalogue_doc = _yaml(config.CATALOGUE_FILE)
    sources = _yaml(config.SOURCES_FILE)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for job_id, job in jobs.items():
        text = json.dumps(
            dependency_key(job, params, catalogue_doc, sources), indent=1, sort_keys=True
        )
        path = folder / f"{job_id}.json"
        if not path.is_file() or path.read_text() != text:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text)
            os.replace(tmp, path)
        paths[job_id] = path
    return paths


def data_inputs() -> list[str]:
    """Everything the data rule reads: raw files, geometry, catalogue, manifest, helpers code."""
    files = [config.ROOT / e["path"] for e in _yaml(config.SOURCES_FILE)["files"]]
    files += [config.CATALOGUE_FILE, config.SOURCES_FILE]
    files += sorted((config.ROOT / "src" / "helpers").rglob("*.py"))
    return [str(p) for p in files if p.is_file()]


def publish_inputs() -> list[str]:
    """The book's own files besides the notebooks: _quarto.yml, index.qmd, report/*.qmd, and
    the catalogue (the ranking paragraphs, ``helpers.present.ranking_text``)."""
    files = [config.QUARTO_FILE, config.ROOT / "index.qmd", *sorted(config.REPORT.glob("*.qmd"))]
    files.append(config.CATALOGUE_FILE)  # the ranking's name and source in the text
    return [str(p) for p in files if p.is_file()]


def run_notebook(job, out: Path) -> Path:
    """Execute ``job`` into ``out`` (its own folder): :func:`run_notebooks` for one job."""
    return run_notebooks([(job, out)])[0]


def run_notebooks(runs: list) -> list[Path]:
    """Execute each ``(job, out)`` of ``runs`` into ``out`` (its own folder), one after another
    in one kernel (``build.execute_in_one_kernel``), each atomically: papermill writes into a
    sibling temporary folder renamed to ``out`` once every notebook of ``runs`` succeeded. On
    failure nothing is renamed, the executed notebook is kept in ``build/failed/<job>.ipynb``
    and ``NotebookFailed`` names the notebook, the cell and the error."""
    import papermill as pm

    from helpers import build

    work = []
    for _job, out in runs:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        work.append(Path(tempfile.mkdtemp(prefix=f".{Path(out).name}-", dir=Path(out).parent)))
    try:
        build.execute_in_one_kernel([(job, w) for (job, _out), w in zip(runs, work, strict=True)])
    except pm.PapermillExecutionError as exc:
        job, folder = exc.failed_run  # set by build.execute_in_one_kernel
        failed = config.build_dir() / "failed"
        failed.mkdir(parents=True, exist_ok=True)
        kept = failed / job.output
        if (folder / job.output).is_file():
            shutil.copy2(folder / job.output, kept)
        for w in work:
            shutil.rmtree(w, ignore_errors=True)
        cell = (
            f"celle {exc.exec_count}" if exc.exec_count is not None else f"celle {exc.cell_index}"
        )
        raise NotebookFailed(
            f"notatboken {job.template} ({job.output}) feilet i {cell}: "
            f"{exc.ename}: {exc.evalue}\n  Den kjørte notatboken: {kept}"
        ) from None
    except BaseException:
        for w in work:
            shutil.rmtree(w, ignore_errors=True)
        raise
    from helpers import publish

    for (job, out), folder in zip(runs, work, strict=True):
        build._normalise_notebook(folder / job.output, job.title)
        record_files(folder)
        publish.swap_in(folder, Path(out))
    return [Path(out) for _job, out in runs]


FILES_RECORD = ".files.json"
# the empty file Snakemake puts in a directory() output when the job is done (after the record)
SNAKEMAKE_TIMESTAMP = ".snakemake_timestamp"


def _file_digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256_of(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (FILES_RECORD, SNAKEMAKE_TIMESTAMP)
    }


def record_files(folder: Path) -> None:
    """Write ``folder/.files.json``: the sha256 of every file an execution wrote."""
    (Path(folder) / FILES_RECORD).write_text(json.dumps(_file_digests(Path(folder)), indent=1))


def remove_changed_outputs(notebooks: Path) -> list[str]:
    """Remove every execution folder in ``notebooks`` whose files are no longer the ones its
    execution wrote (a figure overwritten or deleted since), so that Snakemake, which judges a
    job by its output's existence and age, executes it again. Returns the jobs removed."""
    removed = []
    for record in sorted(Path(notebooks).glob(f"*/{FILES_RECORD}")):
        folder = record.parent
        try:
            recorded = json.loads(record.read_text())
        except (OSError, ValueError):
            recorded = None
        if recorded != _file_digests(folder):
            shutil.rmtree(folder)
            removed.append(folder.name)
    return removed


MANIFEST_PACKAGES = (
    "pandas", "numpy", "scipy", "statsmodels", "geopandas", "matplotlib", "papermill",
    "nbclient", "ipykernel", "snakemake", "pypandoc-binary", "typst", "pyarrow",
)  # fmt: skip


def _git(*args: str) -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["git", *args], cwd=config.ROOT, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def manifest(params: dict, *, started: str, ended: str) -> dict:
    """Provenance of a build: git commit and dirty flag, Python and package versions, the
    parameters of every notebook, the sha256 of every raw file and geometry, start and end."""
    import platform
    from importlib import metadata

    from helpers.catalogue import sources as src

    versions = {}
    for name in MANIFEST_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    files = [e for e in src.load_sources()["files"] if e["role"] != "test_fixture"]
    commit = _git("rev-parse", "HEAD")
    return {
        "git": {
            "commit": commit or None,
            "dirty": bool(_git("status", "--porcelain")) if commit else None,
        },
        "python": platform.python_version(),
        "packages": versions,
        "parameters": params,
        "notebooks": {
            job.output: {"template": job.template, "parameters": job.parameters}
            for job in jobs_by_id(params).values()
        },
        "inputs": [
            {"path": e["path"], "role": e["role"], "sha256": sha256_cached(config.ROOT / e["path"])}
            for e in files
        ],
        "started": started,
        "ended": ended,
    }


def manifest_table():
    """The build's provenance as a table for the data chapter (bokmål): code version, Python
    and package versions. The whole manifest (every notebook's parameters, every input's
    sha256, start and end) is ``manifest.json`` beside the report."""
    import platform
    from importlib import metadata

    import pandas as pd

    commit = _git("rev-parse", "HEAD")
    dirty = bool(_git("status", "--porcelain")) if commit else False
    rows = [
        (
            "Kodeversjon (git)",
            (commit[:12] + (" med lokale endringer" if dirty else "")) if commit else "ukjent",
        ),
        ("Python", platform.python_version()),
    ]
    for name in MANIFEST_PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return pd.DataFrame(rows, columns=["Hva", "Versjon"])


SENSITIVITY = "sensitivitet"


def is_sensitivity(rank_by: str, rank_year: int) -> bool:
    """Another ranking than the report's: a sensitivity analysis, published beside it."""
    return (rank_by, int(rank_year)) != (config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR)


def sensitivity_folder(rank_by: str, rank_year: int) -> str:
    """``sensitivitet/<rank_by>-<year>``: where a sensitivity analysis's build and report go."""
    return f"{SENSITIVITY}/{rank_by}-{int(rank_year)}"


def sensitivity_banner(catalogue, rank_by: str, rank_year: int) -> str:
    """Bokmål banner for the first chapter of a sensitivity analysis ("" for the report)."""
    if not is_sensitivity(rank_by, rank_year):
        return ""
    chosen = catalogue.ranking(rank_by).name_nb
    default = catalogue.ranking(config.DEFAULT_RANK_BY).name_nb
    return (
        f"> **Sensitivitetsanalyse.** Denne versjonen rangerer bydelene etter {chosen.lower()} "
        f"i {int(rank_year)}, ikke etter {default.lower()} i {config.DEFAULT_RANK_YEAR} som "
        "hovedrapporten. Den viser hvor mye resultatene avhenger av valget av rangering; "
        "hovedrapporten er den som gjelder."
    )


def write_manifest(folder: Path, content: dict) -> Path:
    path = Path(folder) / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(content, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def publish(
    params: dict, *, engine: str = "auto", stamp: Path | None = None, threads: int = 1
) -> dict:
    """Stage the executed chapters, render the report (swapped in whole), write the manifest.
    ``threads``: how many bydel PDFs are rendered at a time."""
    from helpers import build, render
    from helpers.catalogue import sources
    from helpers.present import downloads, profile, ranking_text

    job_list = list(jobs_by_id(params).values())
    notebooks = config.build_notebooks_dir()
    build.stage_chapters(notebooks, titles={job.output: job.title for job in job_list})
    ranking_text.write(config.chapters_dir(), params["rank_by"], params["rank_year"])
    # written into the new site before it is swapped in: published together or not at all
    data_date = sources.data_date()
    extras = (
        downloads.for_site(config.build_data_dir(), date=data_date),
        profile.pdfs_for_site(config.chapters_dir(), data_date=data_date, workers=threads),
    )
    started = os.environ.get("OSLOHELSA_STARTED") or _now()
    # the report's render swaps report/_output in whole: keep the sensitivity analyses in it
    kept = config.output_dir() / SENSITIVITY
    aside = config.build_dir() / f".{SENSITIVITY}-kept"
    if kept.is_dir() and not is_sensitivity(params["rank_by"], params["rank_year"]):
        shutil.rmtree(aside, ignore_errors=True)
        shutil.copytree(kept, aside)
    try:
        # the cover shows the report's own date (SOURCE_DATE_EPOCH, else today) and the data's
        result = render.render(engine=engine, extras=extras, data_date=data_date)
        if aside.is_dir():
            target = Path(result.html).parent / SENSITIVITY
            if not target.exists():
                shutil.copytree(aside, target)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    path = write_manifest(Path(result.html).parent, manifest(params, started=started, ended=_now()))
    summary = {
        "engine": result.engine, "html": str(result.html), "pdf": str(result.pdf),
        "manifest": str(path),
    }  # fmt: skip
    if stamp is not None:
        Path(stamp).write_text(json.dumps(summary, indent=1))
    return summary


def ran(jobs: list[str]) -> str:
    """The progress line's name for what one notebook step executed: its job, or for jobs
    sharing a kernel their number and the first and last (bokmål)."""
    if len(jobs) == 1:
        return jobs[0]
    return f"{len(jobs)} notatbøker i samme kjerne, {jobs[0]} … {jobs[-1]}"


def skip_unused_imports() -> None:
    """papermill and nbformat import jsonschema, which imports ``rfc3987_syntax`` when it is
    installed (jupyter's jsonschema[format-nongpl] brings it); that package compiles a grammar
    when imported: 1,4 s of CPU in every job process (benchmarks/README.md), for the "iri"
    format checks that nbformat's schemas never use. Marked absent, it is skipped: jsonschema
    imports it under ``contextlib.suppress(ImportError)``."""
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str] | None = None) -> int:
    skip_unused_imports()
    p = argparse.ArgumentParser(prog="python -m helpers.workflow", description=__doc__)
    p.add_argument("step", choices=["data", "notebook", "publish"])
    p.add_argument(
        "job", nargs="*", help="notebook: the jobs (build/notebooks/<job>), run in one kernel"
    )
    p.add_argument("--params", default="{}", help="build parameters as JSON")
    p.add_argument("--out", nargs="*", default=[], help="notebook: each job's output folder")
    p.add_argument("--engine", default="auto")
    p.add_argument("--stamp", help="publish: a file written when the report is published")
    p.add_argument("--threads", type=int, default=1, help="publish: bydel PDFs rendered at a time")
    p.add_argument("--regions", help="notebook: the file of region codes (docs/scale.md)")
    args = p.parse_args(argv)
    params = build_params(json.loads(args.params))
    from helpers.errors import DataError, stopped_by

    try:
        if args.step == "data":
            from helpers import build

            build.prepare_data()
        elif args.step == "notebook":
            import time

            start = time.monotonic()
            if len(args.job) != len(args.out) or not args.job:
                p.error("notebook: give one --out folder for each job")
            by_id = jobs_by_id(params, args.regions)
            runs = zip(args.job, args.out, strict=True)
            run_notebooks([(by_id[job], Path(out)) for job, out in runs])
            print(f"Kjørt: {ran(args.job)} ({time.monotonic() - start:.0f} s)", file=sys.stderr)
        else:
            import time

            start = time.monotonic()
            stamp = Path(args.stamp) if args.stamp else None
            publish(params, engine=args.engine, stamp=stamp, threads=args.threads)
            print(f"Publisert: rapporten ({time.monotonic() - start:.0f} s)", file=sys.stderr)
    except NotebookFailed as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    except DataError as exc:
        return stopped_by(exc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
