"""Atomic publish: the one definition of "replace what is published, all or nothing".

Everything the build publishes is first written complete somewhere else (a temporary folder
next to its destination, on the same file system) and then moved into place with
``os.replace``, keeping the previous version until the new one is in place:

- :func:`swap_in` replaces a whole folder (each notebook execution's folder, the staged
  chapters, the rendered report ``report/_output``);
- :func:`replace_files` replaces several files of one folder together (the tidy tables in
  ``build/data``): if one move fails, those already moved are put back.

A failure at any point leaves the published folder or files as they were and no staging folder
behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

BACKUP_SUFFIX = ".old"


def swap_in(staging: Path, final: Path) -> None:
    """Replace the folder ``final`` by ``staging``. The published folder is renamed to
    ``<final>.old`` (a stale one from a killed run is cleared first) and removed only once
    ``staging`` is in place; if that rename fails, it is put back and ``staging`` removed."""
    staging, final = Path(staging), Path(final)
    old = final.with_name(final.name + BACKUP_SUFFIX)
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


def replace_files(tmp: Path, out: Path, names: tuple[str, ...] | list[str]) -> None:
    """Move the files ``names`` from ``tmp`` into ``out`` together; if one move fails, put back
    the files already replaced (kept in ``tmp/previous``) and remove the new ones that had no
    predecessor, so ``out`` holds all old or all new files. ``tmp`` is the caller's to remove."""
    tmp, out = Path(tmp), Path(out)
    previous = tmp / "previous"
    previous.mkdir()
    moved: list[str] = []
    try:
        for name in names:
            if (out / name).exists():
                os.replace(out / name, previous / name)
            moved.append(name)
            os.replace(tmp / name, out / name)
    except BaseException:
        for name in reversed(moved):
            if (previous / name).exists():
                os.replace(previous / name, out / name)
            else:
                (out / name).unlink(missing_ok=True)
        raise
