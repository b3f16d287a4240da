"""``python -m helpers.render``: the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.errors import DataError
from helpers.render.driver import render
from helpers.render.project import ENGINES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.render",
        description="Render the Oslohelsa report (HTML + PDF) from the chapters in _quarto.yml.",
    )
    parser.add_argument("--engine", choices=ENGINES, default="auto")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--notebooks-dir", type=Path, default=None)
    parser.add_argument("--date", default=None, help="build date YYYY-MM-DD")
    parser.add_argument("--quarto-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        result = render(
            args.out,
            engine=args.engine,
            notebooks_dir=args.notebooks_dir,
            quarto_file=args.quarto_file,
            date=args.date,
        )
    except (DataError, RuntimeError, ValueError) as exc:
        print(f"render failed: {exc}", file=sys.stderr)
        return 1
    print(f"{result.engine}: {result.html}")
    print(f"{result.engine}: {result.pdf}")
    return 0
