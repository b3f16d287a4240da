"""Session-wide set-up: the suite writes nothing into the checkout and builds the report once.

- Before any test runs, ``OSLOHELSA_BUILD`` and ``OSLOHELSA_OUTPUT`` point into a temporary
  session folder (``helpers.config`` reads them on every call), so nbval, papermill and any
  build of the data write there, never into ``build/`` or
  ``report/_output`` of the checkout. Hypothesis keeps its example database there too, not in
  ``.hypothesis/`` at the project root.
- ``shared_build``: the whole report built once per session (real data, embedded renderer) into
  its own temporary folder. The end-to-end checks, the cache test, the pinned numbers, the
  publishing failure-injection tests and the notebook checks read it; tests that change a build
  work on a copy (``copy_of_shared_build``).
- nbval runs the notebook templates with their defaults; their build folder is the session
  folder, seeded with the shared build's data when that exists (so the data are built once).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# Monte Carlo draws for the shared build's SII/RII intervals (fewer than the report's 100 000,
# to keep the suite fast; the pinned-number tests recompute with the same value).
SHARED_REPETITIONS = 20_000

_SESSION: dict[str, Path] = {}
_SHARED: dict[str, SharedBuild] = {}


@dataclass(frozen=True)
class SharedBuild:
    """The session's one full build: ``root/build`` (data + notebooks) and ``root/out`` (report)."""

    root: Path
    result: object  # helpers.render.RenderResult
    repetitions: int

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def data(self) -> Path:
        return self.build / "data"

    @property
    def notebooks(self) -> Path:
        """The executed chapters as staged for Quarto (one flat folder; each execution's own
        folder is ``build/notebooks/<job>/``)."""
        return self.build / "kapitler"


def pytest_configure(config):
    root = Path(tempfile.mkdtemp(prefix="oslohelsa-tests-"))
    _SESSION["root"] = root
    keys = ("OSLOHELSA_BUILD", "OSLOHELSA_OUTPUT", "SOURCE_DATE_EPOCH")
    _SESSION["saved_env"] = {k: os.environ.get(k) for k in keys}  # type: ignore[assignment]
    # one report date for every build of the session, also across midnight (reproducible builds)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(time.time())))
    os.environ["OSLOHELSA_BUILD"] = str(root / "default" / "build")
    os.environ["OSLOHELSA_OUTPUT"] = str(root / "default" / "out")
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(root / "hypothesis")


def pytest_unconfigure(config):
    for key, value in _SESSION.pop("saved_env", {}).items():  # type: ignore[union-attr]
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    root = _SESSION.pop("root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


def session_dir() -> Path:
    return _SESSION["root"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval's first notebook starts its kernel: seed the default build folder with the
    shared build's data (if the session made one, else build the data: load_tidy only reads)."""
    if type(item).__module__.startswith("nbval"):
        target = Path(os.environ["OSLOHELSA_BUILD"]) / "data"
        if not target.exists() and "shared" in _SHARED:
            shutil.copytree(_SHARED["shared"].data, target)
        elif not target.exists():
            from helpers import build

            build.prepare_data(target)


def _build_into(root: Path, **kwargs):
    from helpers import build

    mp = pytest.MonkeyPatch()
    mp.setenv("OSLOHELSA_BUILD", str(root / "build"))
    mp.setenv("OSLOHELSA_OUTPUT", str(root / "out"))
    try:
        return build.build(engine="embedded", **kwargs)
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def build_into():
    """``build_into(root, **build_kwargs)``: a full build into ``root/build`` and ``root/out``."""
    return _build_into


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory) -> SharedBuild:
    """The report built once per session from the shipped data (see the module docstring)."""
    root = tmp_path_factory.mktemp("shared")
    result = _build_into(root, repetitions=SHARED_REPETITIONS)
    shared = SharedBuild(root, result, SHARED_REPETITIONS)
    _SHARED["shared"] = shared
    return shared


@pytest.fixture
def copy_of_shared_build(shared_build, tmp_path, monkeypatch) -> Path:
    """A byte-for-byte copy of the shared build in ``tmp_path`` (``build/`` and ``out/``), with
    OSLOHELSA_BUILD / OSLOHELSA_OUTPUT pointing at it: a "published" state tests may change."""
    shutil.copytree(shared_build.build, tmp_path / "build", symlinks=True)
    shutil.copytree(shared_build.out, tmp_path / "out", symlinks=True)
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    return tmp_path


@pytest.fixture
def shared_data_build_dir(shared_build, tmp_path, monkeypatch) -> Path:
    """A fresh build folder holding only the shared build's data; OSLOHELSA_BUILD points at it
    (for notebooks run by hand with papermill)."""
    target = tmp_path / "build"
    shutil.copytree(shared_build.data, target / "data")
    monkeypatch.setenv("OSLOHELSA_BUILD", str(target))
    return target


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` (hidden ones included): path → sha256 or "dir"."""
    return {
        p.relative_to(root).as_posix(): (
            "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def placeholders(tmp_path, monkeypatch) -> Path:
    """A previously published build and report (placeholder bytes, not Oslo's numbers)."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    for rel, content in {
        "build/data/indicators.parquet": "previous indicators",
        "build/data/population.parquet": "previous population",
        "build/data/bydeler.parquet": "previous bydeler",
        "build/notebooks/levekar.ipynb": "previous notebook",
        "out/index.html": "previous report",
        "out/oslohelsa.pdf": "%PDF previous",
    }.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return tmp_path


@pytest.fixture(scope="session")
def _raw_tables():
    """``build_data._build()`` of the shipped raw files, computed once (tidy table, population)."""
    from helpers.pipeline import build_data

    return build_data._build(None)


@pytest.fixture
def reuse_raw_tables(_raw_tables, monkeypatch):
    """Builds without replacement files reuse the session's tidy table instead of re-reading the
    raw files (for tests of what happens after loading: catalogue check, suppression, writing)."""
    from helpers.pipeline import build_data

    real = build_data._build

    def cached(paths):
        if paths:
            return real(paths)
        tidy, population = _raw_tables
        return tidy.copy(), population.copy()

    monkeypatch.setattr(build_data, "_build", cached)
