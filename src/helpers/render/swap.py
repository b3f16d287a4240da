"""Publish the rendered site: the new folder replaces the old one only when complete."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _swap_in(new: Path, out_dir: Path) -> None:
    """Publish ``new`` as ``out_dir``; the old ``out_dir`` stays until the new one is in place."""
    backup: Path | None = None
    if out_dir.exists():
        backup = new.parent / (new.name + ".old")
        os.replace(out_dir, backup)
    try:
        os.replace(new, out_dir)
    except OSError:
        if backup is not None:
            os.replace(backup, out_dir)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
