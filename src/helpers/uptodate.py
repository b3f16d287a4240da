"""Snakemake's last answer, remembered: "nothing to do" for exactly this project state.

A ``make report`` with nothing changed still costs two Snakemake start-ups (import, argument
parser, DAG) for the answer "Nothing to be done". After a build that succeeded, the front door
records the state Snakemake decided on: the ``stat`` (size, modification and change times) of
every file and folder of the checkout, of the build folder and of the published report, plus the
run's options and the ``OSLOHELSA_*`` settings. Snakemake's decision is a function of that state
(file times, params, rule code, the dependency keys, its own records in ``.snakemake``), so when
the next ``make report`` finds it identical, Snakemake would find nothing to do, and the front
door says so without starting it.

This does not decide what is up to date; it only recognises that nothing at all changed since
Snakemake last finished. Any difference (a file touched, a file added or removed, another option,
another interpreter) means Snakemake runs as usual. The record is removed before every build and
written only after one that succeeded, and only when no source changed while it ran.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from helpers import config

RECORD = "up-to-date.json"
# never read by the build: tools' caches, environments, version control, mutation copies
IGNORED_NAMES = frozenset(
    {
        ".git",
        ".venv",
        "mutants",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".ipynb_checkpoints",
    }
)


def record_path() -> Path:
    return config.build_dir() / RECORD


def _ignored() -> set[Path]:
    """Paths written on every Snakemake run whatever it decides (its log), and the record."""
    return {config.build_dir() / ".snakemake" / "log", record_path()}


def _own() -> tuple[Path, Path, Path]:
    """The folders the build writes: build, published report, staged chapters."""
    return config.build_dir(), config.output_dir(), config.chapters_dir()


def _roots() -> list[Path]:
    """The checkout, and the build and output folders where they lie outside it."""
    roots = [config.ROOT.resolve()]
    for extra in _own():
        if not any(extra.is_relative_to(root) for root in roots):
            roots.append(extra)
    return roots


def state() -> dict[str, list[int]]:
    """``path -> [size, mtime_ns, ctime_ns, inode]`` for every file and folder under the roots
    (a symbolic link: its own and its target's), except :data:`IGNORED_NAMES` and
    :func:`_ignored`. The folders that hold the build's own (the build folder, where the record
    is written, and the parents of the build, output and chapter folders, where the publish
    swaps folders) count by their inode only: their times change with every build."""
    ignored = _ignored()
    holders = {str(folder) for own in _own() for folder in (own, own.parent)}
    seen: dict[str, list[int]] = {}
    stack = [root for root in _roots() if root.exists()]
    visited = {(root.stat().st_dev, root.stat().st_ino) for root in stack}
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = Path(entry.path)
                if entry.name in IGNORED_NAMES or path in ignored:
                    continue
                info = entry.stat(follow_symlinks=False)
                seen[entry.path] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
                if entry.path in holders:
                    seen[entry.path] = [info.st_ino]
                elif entry.is_symlink():
                    seen[entry.path] += _target(path)
                if entry.is_dir():  # a linked folder too: its files are read through the link
                    where = path.stat()
                    if (where.st_dev, where.st_ino) not in visited:
                        visited.add((where.st_dev, where.st_ino))
                        stack.append(path)
    return seen


def _target(link: Path) -> list[int]:
    """What a symbolic link points at: its size and times (``[-1]`` when it points nowhere)."""
    try:
        info = link.stat()
    except OSError:
        return [-1]
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def settings(options: dict) -> dict:
    """What else Snakemake's decision depends on: the run's options, the interpreter and the
    ``OSLOHELSA_*`` settings (``OSLOHELSA_STARTED``, the manifest's clock, excepted)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.startswith("OSLOHELSA_") and key != "OSLOHELSA_STARTED"
    }
    return {"options": options, "python": sys.executable, "env": dict(sorted(env.items()))}


def unchanged(options: dict, current: dict | None = None) -> dict | None:
    """The record of the last successful build when nothing changed since (its ``jobs`` count),
    else ``None``. ``current``: :func:`state` if the caller has it already."""
    try:
        record = json.loads(record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("settings") != json.loads(json.dumps(settings(options))):
        return None
    return record if record.get("state") == (state() if current is None else current) else None


def forget() -> None:
    """Before a build: a build that fails or is interrupted leaves no record."""
    record_path().unlink(missing_ok=True)


def _sources_changed(before: dict, after: dict) -> list[str]:
    """Paths outside the build's own folders that changed between ``before`` and ``after``."""
    own = _own()
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    return sorted(p for p in changed if not any(Path(p).is_relative_to(o) for o in own))


def remember(options: dict, before: dict, jobs: int) -> bool:
    """After a successful build: record the state, unless a source changed while it ran
    (``before``: :func:`state` taken before Snakemake started). Returns whether it recorded."""
    after = state()
    if _sources_changed(before, after):
        return False
    record = {"settings": settings(options), "jobs": jobs, "state": after}
    path = record_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, path)
    return True
