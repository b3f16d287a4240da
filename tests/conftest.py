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

import ast
import hashlib
import json
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
    keys = ("OSLOHELSA_BUILD", "OSLOHELSA_OUTPUT", "OSLOHELSA_SCRATCH", "SOURCE_DATE_EPOCH")
    _SESSION["saved_env"] = {k: os.environ.get(k) for k in keys}  # type: ignore[assignment]
    # one report date for every build of the session, also across midnight (reproducible builds)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(time.time())))
    os.environ["OSLOHELSA_BUILD"] = str(root / "default" / "build")
    os.environ["OSLOHELSA_OUTPUT"] = str(root / "default" / "out")
    os.environ["OSLOHELSA_SCRATCH"] = str(root / "default" / "scratch")  # notebooks by hand
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(root / "hypothesis")
    _SESSION["checkout"] = checkout_listing(PROJECT_ROOT)  # type: ignore[assignment]


def pytest_sessionfinish(session, exitstatus):
    """The suite must write nothing into the checkout (issue 16): compare the listing of the
    folders a build or a notebook run writes to with the one taken before the first test."""
    before = _SESSION.get("checkout")
    if before is None or "MUTANT_UNDER_TEST" in os.environ:  # mutmut's copy writes its results
        return
    written = checkout_changes(before, checkout_listing(PROJECT_ROOT))  # type: ignore[arg-type]
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"the test suite wrote into the checkout ({PROJECT_ROOT}):", *written[:20]]
        if reporter is not None:
            reporter.write_sep("=", "checkout written", red=True)
            for line in lines:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    for key, value in _SESSION.pop("saved_env", {}).items():  # type: ignore[union-attr]
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    root = _SESSION.pop("root", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Where a build, a render, a notebook run by hand, hypothesis or snakemake would write in a
# checkout; the suite sends all of it to its session folder instead.
WATCHED = ("build", "kapitler", "report", "notebooks", ".hypothesis", ".snakemake", ".quarto")
# written by Python and pytest themselves, wherever they run
IGNORED = {"__pycache__", ".pytest_cache"}


def checkout_listing(root: Path) -> dict[str, tuple[int, int]]:
    """The project root's top-level names (value ``(0, 0)``), and every file and folder under the
    WATCHED folders: relative path → (size, mtime in ns)."""
    listing = {p.name: (0, 0) for p in root.iterdir() if p.name not in IGNORED}
    for name in WATCHED:
        top = root / name
        if not top.exists():
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in IGNORED]
            for entry in [*dirs, *files]:
                path = Path(folder) / entry
                stat = path.lstat()
                size = 0 if path.is_dir() else stat.st_size
                listing[path.relative_to(root).as_posix()] = (size, stat.st_mtime_ns)
    return listing


def checkout_changes(before: dict, after: dict) -> list[str]:
    """``+ path`` (new), ``- path`` (removed) and ``~ path`` (changed), sorted."""
    new = [f"+ {p}" for p in sorted(after.keys() - before.keys())]
    gone = [f"- {p}" for p in sorted(before.keys() - after.keys())]
    changed = [f"~ {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return new + gone + changed


def session_dir() -> Path:
    return _SESSION["root"]


def _seed_nbval_build() -> None:
    """Before nbval's first notebook starts its kernel: seed the default build folder with the
    shared build's data (if the session made one, else build the data: load_tidy only reads)."""
    target = Path(os.environ["OSLOHELSA_BUILD"]) / "data"
    built = (target / "indicators.parquet").exists()  # an earlier test may leave the folder
    if not built and "shared" in _SHARED:
        shutil.copytree(_SHARED["shared"].data, target, dirs_exist_ok=True)
    elif not built:
        from helpers import build

        build.prepare_data(target)


def pytest_collection_modifyitems(session, config, items):
    """nbval's items live under notebooks/, outside this conftest's per-item hooks: wrap their
    set-up so the build data exist before a notebook runs."""
    for item in items:
        if type(item).__module__.startswith("nbval"):
            original = item.setup

            def setup(original=original):
                _seed_nbval_build()
                original()

            item.setup = setup


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


def snapshot(root: Path, *, build_times: bool = True) -> dict[str, str]:
    """Every file and folder under ``root`` (hidden ones included): path → sha256 or "dir".

    ``build_times=False`` compares two builds of the same inputs: the report's ``manifest.json``
    is hashed without its start and end times, the one thing in which they may differ."""

    def digest(p: Path) -> str:
        content = p.read_bytes()
        if not build_times and p.name == "manifest.json":
            doc = json.loads(content)
            for key in ("started", "ended"):
                doc.pop(key, None)
            content = json.dumps(doc, sort_keys=True).encode()
        return hashlib.sha256(content).hexdigest()

    return {
        p.relative_to(root).as_posix(): "dir" if p.is_dir() else digest(p)
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


# --------------------------------------------------------------------------------------------
# Set-ups shared by several test modules (one definition each)
# --------------------------------------------------------------------------------------------
def notebook_defaults(template: str) -> dict:
    """The parameters cell of ``notebooks/<template>``: name → literal default."""
    import nbformat

    from helpers import config

    nb = nbformat.read(config.NOTEBOOKS / template, as_version=4)
    cell = nb.cells[0]
    assert "parameters" in cell.metadata.get("tags", []), template
    return {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.AnnAssign)
    }


def run_template(template: str, out: Path, parameters: dict, cwd: Path):
    """Run ``notebooks/<template>`` under papermill with ``parameters`` (kernel ``python3``, no
    progress bar) into ``out``; returns the executed notebook (nbformat v4)."""
    import nbformat
    import papermill

    from helpers import config

    papermill.execute_notebook(
        str(config.NOTEBOOKS / template),
        str(out),
        parameters=parameters,
        cwd=str(cwd),
        kernel_name="python3",
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def code_outputs(nb) -> list[dict]:
    """Every output of every code cell, in order."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def markdown_outputs(nb) -> str:
    """The Markdown a notebook displayed (what the report shows), joined by newlines."""
    return "\n".join(o.get("data", {}).get("text/markdown", "") for o in code_outputs(nb))


# Synthetic small counts (labelled so): the real VAL001 file with Vestre Aker's "Alder i alt,
# Begge kjønn" row replaced by 22 votes of 23 eligible voters, far below the thresholds.
SMALL_VOTES, SMALL_ELIGIBLE = 22, 23


def write_small_counts_csv(folder: Path) -> Path:
    """Writes ``folder/val001_small_counts_SYNTHETIC.csv`` (see ``SMALL_VOTES``) and returns it."""
    import pandas as pd

    from helpers import config

    raw = config.DATA_RAW / "oslo_val001_valgdeltakelse_kommunestyre_bydel_delbydel_2023.csv"
    df = pd.read_csv(raw, dtype=str, keep_default_na=False)
    row = (
        (df["niva"] == "bydel")
        & (df["bydel_navn"] == "Vestre Aker")
        & (df["alder"] == "Alder i alt")
        & (df["kjonn"] == "Begge kjønn")
    )
    assert row.sum() == 1
    df.loc[row, "antall_stemmer"] = str(SMALL_VOTES)
    df.loc[row, "antall_stemmeberettigede"] = str(SMALL_ELIGIBLE)
    df.loc[row, "valgdeltakelse_prosent"] = f"{100 * SMALL_VOTES / SMALL_ELIGIBLE:.1f}"
    path = folder / "val001_small_counts_SYNTHETIC.csv"
    df.to_csv(path, index=False)
    return path


def _workflow_in_process(*, workers=None, between=None, **options) -> int:
    """Stands in for ``build.run_workflow``: every notebook job of the Snakefile, from the
    ``--config`` values of the front door's Snakemake command, run by the rule's own function."""
    from helpers import build, config, workflow

    cmd = build.snakemake_command(**options)
    after = cmd[cmd.index("--config") + 1 :]
    values = dict(arg.split("=", 1) for arg in after[: next(
        (i for i, arg in enumerate(after) if arg.startswith("--")), len(after)
    )])  # fmt: skip
    params = workflow.build_params(values)
    for job_id, job in workflow.jobs_by_id(params).items():
        workflow.run_notebook(job, config.build_notebooks_dir() / job_id)
    return 0


@pytest.fixture
def papermill_calls(tmp_path, monkeypatch) -> list[dict]:
    """Record every papermill call of a build (``build_cli.main`` / ``build.build``, the Snakemake
    workflow replaced by its rule bodies run in-process); no notebook is executed and nothing is
    rendered. Each call: template, output, parameters, cwd."""
    import papermill

    from helpers import build, config, render

    calls: list[dict] = []

    def execute_notebook(input_path, output_path, parameters=None, **kwargs):
        calls.append(
            {
                "template": os.path.basename(input_path),
                "output": os.path.basename(output_path),
                "parameters": dict(parameters or {}),
                "cwd": kwargs.get("cwd"),
            }
        )
        shutil.copyfile(input_path, output_path)

    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))  # execute_in_one_kernel prepends to PATH
    monkeypatch.setenv(config.RENDERING_ENV, "1")  # execute_in_one_kernel sets it
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    data_dir = tmp_path / "build" / "data"
    data_dir.mkdir(parents=True)
    (data_dir / "indicators.parquet").write_text("placeholder")
    monkeypatch.setattr(build, "prepare_data", lambda **_: data_dir)
    monkeypatch.setattr(build, "check_ranking", lambda *_: None)  # reads no placeholder data
    monkeypatch.setattr(build, "run_workflow", _workflow_in_process)
    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    monkeypatch.setattr(
        render,
        "render",
        lambda **_: render.RenderResult(tmp_path / "i.html", tmp_path / "o.pdf", "embedded"),
    )
    return calls


# --------------------------------------------------------------------------------------------
# The printed SII/RII/RCI, pinned against independent computations (tests/e2e/test_pinned.py on the
# shared build, tests/unit/test_report_numbers.py in-process on synthetic tables)
# --------------------------------------------------------------------------------------------
VALUE_TYPE_CODES = {"proportion": 2, "rate": 1}  # phe_sii codes; anything else: 0 (natural scale)


def printed_line(block: str, start: str) -> str:
    """The one line of ``block`` that starts with ``start``."""
    found = [line for line in block.splitlines() if line.startswith(start)]
    assert len(found) == 1, (start, block)
    return found[0]


def printed_point(line: str) -> str:
    """The first number after the label's colon: the point estimate."""
    return line.split(": ", 1)[1].split(" ")[0].rstrip(";")


def report_transform() -> bool:
    """phe_sii's ``transform`` as the report uses it (the gradient module's default if it has
    one, else the library's)."""
    import inspect

    from helpers import stats
    from helpers.stats import gradient

    default = inspect.signature(stats.sii).parameters["transform"].default
    return bool(getattr(gradient, "DEFAULT_SII_TRANSFORM", default))


def independent_sii(used, ind, repetitions):
    """``stats.sii(..., multiplier=-100)`` on the rows the report uses (``used``: one per
    bydel, in socioeconomic order), with the report's seed, confidence and transform."""
    import numpy as np

    from helpers import config, stats

    scale = ind.multiplier or 1
    assert scale == 100, "the report's SII unit is percentage points (or per 100)"
    value = used["value"].to_numpy(float) / scale
    lower = used["ci_low"].to_numpy(float) / scale
    upper = used["ci_high"].to_numpy(float) / scale
    value_type = VALUE_TYPE_CODES.get(ind.value_type, 0)
    inside = np.all((lower > 0) & (upper < 1)) if value_type == 2 else np.all(lower > 0)
    if not inside:
        value_type = 0
    return stats.sii(
        value,
        used["denominator"].to_numpy(float),
        value_type=value_type,
        lower_cl=lower,
        upper_cl=upper,
        multiplier=-100,
        transform=report_transform() and value_type != 0,
        confidence=config.DEFAULT_CONFIDENCE,
        repetitions=repetitions,
        seed=config.DEFAULT_SEED,
    )


def assert_measures_printed(block: str, used, ind, s) -> None:
    """``block`` (an indicator's summary) prints the SII and RII of ``s`` (an independent
    ``stats.sii``) and the RCI of ``inequality.rci`` on ``used``, formatted as the report
    formats them."""
    from helpers import config, stats
    from helpers.present import text

    sii_line, rii_line = printed_line(block, "- SII"), printed_line(block, "- RII")
    assert printed_point(sii_line) == text.number(s.sii), (ind.id, sii_line)
    assert text.interval(s.sii_lower, s.sii_upper) in sii_line, (ind.id, sii_line)
    assert printed_point(rii_line) == text.number(s.rii, 2), (ind.id, rii_line)
    assert text.interval(s.rii_lower, s.rii_upper, 2) in rii_line, (ind.id, rii_line)
    r = stats.rci(
        used["value"].to_numpy(float),
        used["denominator"].to_numpy(float),
        subgroup_order=used["order"].to_numpy(int),
        favourable_indicator=ind.polarity == "higher_is_better",
        conf_level=config.DEFAULT_CONFIDENCE,
    )
    rci_line = printed_line(block, "- Relativ konsentrasjonsindeks (RCI)")
    assert rci_line.endswith(text.estimate(r.estimate, r.lowerci, r.upperci, 3)), (ind.id, rci_line)


# --------------------------------------------------------------------------------------------
# The report tests' shared set-up (tests/unit/test_report.py, test_report_output.py): the
# catalogue and uføretrygd's section on SYNTHETIC data (tests/synthetic.py, not Oslo's numbers;
# Vestre Aker given 2 cases, so it is suppressed, and Søndre Nordstrand suppressed as the
# secondary cell). Modules with a `cat` or `result` fixture of their own use theirs.
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cat():
    from helpers import catalogue

    return catalogue.load_catalogue()


@pytest.fixture(scope="module")
def result(cat):
    from synthetic import tidy_table

    from helpers.pipeline import suppress
    from helpers.stats import gradient

    tidy = suppress.suppress(tidy_table(small={"030107": 2}), cat.thresholds())
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66", 2024)
    return gradient.analyse_indicator(tidy, cat.indicator("uforetrygd"), ranking, repetitions=2000)


@pytest.fixture
def shown(monkeypatch):
    """What the section shows: every ``report.show`` call's argument, in order."""
    from helpers.present import report

    out = []
    monkeypatch.setattr(report, "show", out.append)
    return out
