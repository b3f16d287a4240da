"""SHA-256 of a file: the one definition, used for the raw files' checksums in
``data/sources.yml`` (:mod:`helpers.catalogue.sources`), the build's dependency keys and the
record of what each notebook execution wrote (:mod:`helpers.workflow`).

Standard library only: the Snakefile imports it on every run, so it must stay quick to import.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path


def sha256_of(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha256_cached(path: str | Path) -> str:
    """:func:`sha256_of`, computed once per process for a file's size and modification time
    (the Snakefile hashes the same raw files for many jobs)."""
    stat = os.stat(path)
    return _cached(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _cached(path: str, size: int, mtime_ns: int) -> str:
    return sha256_of(path)
