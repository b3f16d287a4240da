"""Build benchmark (issue 11): naive baseline vs the Snakemake build, clean, no-op, one area.

In one process, on a copy of the project's inputs (``OSLOHELSA_ROOT``) with private build and
output folders:

1. baseline: the data step, then papermill on every notebook of ``helpers.build.jobs()`` one
   after another, then stage + render (embedded renderer);
2. clean: ``python -m helpers.build`` from an empty build folder (Snakemake, every core);
3. no-op: the same command again, nothing changed;
4. one area changed: one area's catalogue entry edited (the name of ``valgdeltakelse``), then
   the same command (the data rule, that area, the overview and the sources chapter run).

Prints each time and the ratios; exits 1 when a goal is missed (2 cores): clean ≤ 0,5 ×
baseline, no-op ≤ 3 % of clean, one area ≤ 35 % of clean. ``--repetitions`` sets the Monte Carlo
draws (default the report's).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("data", "shapes", "notebooks", "report", "src", "workflow", "_quarto.yml", "index.qmd")
GOALS = {"clean": 0.5, "noop": 0.03, "one_area": 0.35}


def _copy_project(dest: Path) -> None:
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("_scratch", "_output"))
        else:
            shutil.copy2(src, dest / name)
    fixtures = Path("tests") / "fixtures" / "jsonstat"
    shutil.copytree(ROOT / fixtures, dest / fixtures)


def _env(root: Path, name: str) -> dict:
    env = dict(os.environ)
    env.update(
        OSLOHELSA_ROOT=str(root),
        OSLOHELSA_BUILD=str(root / f"build-{name}"),
        OSLOHELSA_OUTPUT=str(root / f"out-{name}"),
    )
    return env


BASELINE = """
import sys
from pathlib import Path
import papermill as pm
from helpers import build, config, workflow
reps = int(sys.argv[1])
build.prepare_data()
nb = config.build_notebooks_dir()
for job in build.jobs(repetitions=reps):
    folder = nb / build.job_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(config.NOTEBOOKS / job.template), str(folder / job.output),
        parameters={**job.parameters, "figures_dir": "figures"}, cwd=str(folder),
        kernel_name="python3", progress_bar=False)
    build._normalise_notebook(folder / job.output, job.title)
# the same publish step as the workflow's (stage, ranking text, downloads, profiles, render)
workflow.publish(workflow.build_params({"repetitions": reps}), engine="embedded")
"""


STEPS: dict[str, dict[str, float]] = {}
# CPU seconds (user + system) of each step's processes: on a shared machine the load changes
# between steps, which moves wall-time ratios; CPU time shows whether the work itself changed
CPU: dict[str, float] = {}


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], env: dict, name: str = "") -> float:
    """Wall time of ``cmd``; the build's own lines ("Kjørt: <job> (N s)", "Publisert: … (N s)")
    are kept per run in STEPS for the breakdown, its CPU seconds in CPU."""
    import re

    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        cmd, env=env, check=False, cwd=env["OSLOHELSA_ROOT"], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    CPU[name or "baseline"] = _children_cpu() - cpu
    print(
        f"  {name or 'baseline'}: {seconds:.1f} s ({CPU[name or 'baseline']:.1f} s CPU)", flush=True
    )
    if done.returncode != 0:
        sys.exit(f"benchmark step {name or cmd[:3]} failed:\n{done.stderr[-3000:]}")
    if name:
        STEPS[name] = {
            m[0]: float(m[1])
            for m in re.findall(r"(?:Kjørt|Publisert): (.+?) \((\d+) s\)", done.stderr)
        }
    return seconds


def _group(job: str) -> str:
    if job.startswith("bydel-") or "notatbøker i samme kjerne" in job:
        return "bydel profiles"
    named = {"oversikt": "overview", "kilder": "sources", "rapporten": "publish (stage + render)"}
    return named.get(job, "5 area chapters")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repetitions", type=int, default=100_000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="oslohelsa-bench-") as tmp:
        root = Path(tmp)
        _copy_project(root)
        env_base, env = _env(root, "baseline"), _env(root, "snakemake")
        front = [sys.executable, "-m", "helpers.build", "--engine", "embedded"]
        front += ["--repetitions", str(args.repetitions)]
        times = {
            "baseline": _timed([sys.executable, "-c", BASELINE, str(args.repetitions)], env_base),
            "clean": _timed(front, env, "clean"),
            "noop": _timed(front, env, "noop"),
        }
        import yaml

        catalogue = root / "data" / "indicators.yml"
        doc = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
        entry = next(i for i in doc["indicators"] if i["id"] == "valgdeltakelse")
        entry["name_nb"] += " (endret)"
        catalogue.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
        times["one_area"] = _timed(front, env, "one_area")
    base, clean = times["baseline"], times["clean"]
    ratios = {
        "clean": clean / base,
        "noop": times["noop"] / clean,
        "one_area": times["one_area"] / clean,
    }
    print(f"repetitions: {args.repetitions}, cores: {os.cpu_count()}")
    rows = [
        ("baseline (sequential papermill + render)", base, ""),
        ("clean build", clean, f"{ratios['clean']:.2f} × baseline"),
        ("no-op rebuild", times["noop"], f"{ratios['noop']:.1%} of clean"),
        (
            "one area's catalogue entry changed",
            times["one_area"],
            f"{ratios['one_area']:.1%} of clean",
        ),
    ]
    cpu = [CPU["baseline"], CPU["clean"], CPU["noop"], CPU["one_area"]]
    cpu_ratio = [
        "",
        f"{CPU['clean'] / CPU['baseline']:.2f} × baseline",
        *(f"{c / CPU['clean']:.1%} of clean" for c in cpu[2:]),
    ]
    for (label, seconds, ratio), c, c_ratio in zip(rows, cpu, cpu_ratio, strict=True):
        print(f"{label:42} {seconds:7.1f} s  {ratio:18} CPU {c:7.1f} s  {c_ratio}")
    for name, steps in STEPS.items():
        groups: dict[str, list[float]] = {}
        for job, seconds in steps.items():
            groups.setdefault(_group(job), []).append(seconds)
        parts = ", ".join(f"{g} {sum(v):.0f} s ({len(v)})" for g, v in sorted(groups.items()))
        print(f"  {name}: {parts or 'nothing executed'} (job times overlap on 2 cores)")
    missed = [k for k, goal in GOALS.items() if ratios[k] > goal]
    if missed:
        print("missed goals: " + ", ".join(f"{k} (goal {GOALS[k]:g})" for k in missed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
