"""The build's command line, ``python -m helpers.build`` (``make report``): options checked
before any work (one-line errors), then :mod:`helpers.build`'s data step and Snakemake workflow.

The build's steps are called as ``build.<name>`` (looked up at call time, so tests can patch
them on :mod:`helpers.build`).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from helpers import build, config, uptodate
from helpers.errors import DataError, stopped_by


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong option is answered in two lines (the error, where to find help)
    instead of the whole usage text."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}\nSee `{self.prog} --help` for every option.\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m helpers.build",
        description=build.__doc__.splitlines()[0],
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
        "--data-only",
        action="store_true",
        help="only steps 1-2: check the raw files and rebuild build/data (what a notebook "
        "reads), then stop",
    )
    return p


def _check_ranking_once(rank_by: str, rank_year: int) -> None:
    """:func:`check_ranking`, skipped when it passed for the same ranking on the same tidy
    tables (a no-op rebuild then loads no data in this process)."""
    import json

    data = config.build_data_dir()
    seen = {
        "ranking": [rank_by, int(rank_year)],
        "data": {p.name: p.stat().st_mtime_ns for p in sorted(data.glob("*.parquet"))},
    }
    record = config.build_dir() / "ranking-checked.json"
    try:
        if json.loads(record.read_text()) == seen:
            return
    except (OSError, ValueError):
        pass
    build.check_ranking(data, rank_by, rank_year)
    record.write_text(json.dumps(seen))


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
    options = {f.name: getattr(args, f.name) for f in dataclasses.fields(build.RunOptions)}
    key = {name: value for name, value in options.items() if name != "force"}
    sources = uptodate.state()  # also the state a build starts from (the record is not in it)
    last = None if args.force else uptodate.unchanged(key, sources)
    if last is not None:  # Snakemake would find nothing to do: not started (helpers.uptodate)
        print("Ingenting er endret siden forrige bygging.")
        _summary(time.monotonic() - start, 0, last["jobs"])
        return 0
    uptodate.forget()
    os.environ.setdefault("OSLOHELSA_STARTED", workflow._now())  # the manifest's start
    folders = config.build_notebooks_dir()
    for job in workflow.remove_changed_outputs(folders):
        print(f"Endret siden kjøringen, kjøres på nytt: {job}")
    before = {p.name: p.stat().st_mtime_ns for p in folders.glob("*") if p.is_dir()}
    status = build.run_workflow(
        workers=args.workers,
        between=lambda: _check_ranking_once(args.rank_by, args.rank_year),
        **options,
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
    jobs_now = [
        build.job_folder(j) for j in build.jobs(rank_by=args.rank_by, rank_year=args.rank_year)
    ]
    after = {p.name: p.stat().st_mtime_ns for p in folders.glob("*") if p.is_dir()}
    executed = sum(1 for j in jobs_now if before.get(j) != after.get(j))
    uptodate.remember(key, sources, len(jobs_now))
    _summary(seconds, executed, len(jobs_now))
    return 0


def _summary(seconds: float, executed: int, jobs: int) -> None:
    """The build's last lines: what ran, what was up to date, where the report is."""
    print(f"Ferdig på {seconds:.0f} s: {executed} notatbøker kjørt, {jobs - executed} uendret.")
    out = config.output_dir()
    print(f"  HTML:     {out / 'index.html'}")
    print(f"  PDF:      {out / 'oslohelsa.pdf'}")
    print(f"  Manifest: {out / 'manifest.json'}")


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
            data_dir = build.prepare_data()
            print(f"Data er bygget: {data_dir}")
            return 0
        return _snakemake_build(args)
    except ParameterError as exc:
        print(f"{p.prog}: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        return stopped_by(exc)
