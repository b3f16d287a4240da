"""Run every benchmark in this folder (``make bench``); each prints its ratio to a baseline.

A benchmark is a script ``bench_*.py`` that exits non-zero when it misses its goal. Timings are
never asserted in tests: they live here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    failed = []
    here = Path(__file__).parent
    for script in [*sorted(here.glob("bench_*.py")), here / "build.py"]:
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"Benchmarks that missed their goal: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
