"""The epidemiologist's loop: a notebook run by hand reads fresh data, shows figures and tables
as Jupyter shows them, answers a wrong parameter in one line, and never touches the build.

The data-dependent tests copy the session's shared build data (tests/conftest.py) into a temporary
build folder (OSLOHELSA_BUILD); nothing here writes to the project's build/ or report/_output/.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import matplotlib
import nbformat
import papermill as pm
import pytest
from conftest import code_outputs, markdown_outputs, run_template
from IPython.core.interactiveshell import InteractiveShell

from helpers import catalogue, config, render
from helpers.errors import StaleDataError
from helpers.pipeline import store
from helpers.present import report

matplotlib.use("Agg")  # plain pytest process, not a kernel


# --- stale build data ------------------------------------------------------------------------


def test_stale_build_data_names_newer_inputs_and_command(tmp_path, monkeypatch):
    """Synthetic inputs: only the one changed after the build is named."""
    old, new = tmp_path / "old.csv", tmp_path / "indicators.yml"
    built = tmp_path / "indicators.parquet"
    for path in (old, new, built):
        path.write_text("x")
    os.utime(old, (1_000, 1_000))
    os.utime(built, (2_000, 2_000))
    os.utime(new, (3_000, 3_000))
    monkeypatch.setattr(store, "data_inputs", lambda: [old, new])
    assert store.stale_inputs(built) == [new]
    with pytest.raises(StaleDataError) as info:
        store.check_fresh(built)
    message = str(info.value)
    assert "indicators.yml" in message and "old.csv" not in message
    assert f"`{store.REBUILD_DATA_COMMAND}`" in message
    assert len(info.value._render_traceback_()) == 1  # IPython shows one line
    os.utime(built, (4_000, 4_000))
    store.check_fresh(built)  # rebuilt after the change: fine


def test_load_tidy_refuses_stale_build_data_without_rebuilding(tmp_path, monkeypatch):
    """Build data older than every real input: an error naming them, and the file is untouched."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path))
    built = tmp_path / "data" / "indicators.parquet"
    built.parent.mkdir()
    built.write_bytes(b"an old build")
    os.utime(built, (1_000, 1_000))
    with pytest.raises(StaleDataError, match=r"--data-only") as info:
        store.load_tidy()
    assert "data/raw/" in str(info.value) or "shapes/" in str(info.value)
    assert built.read_bytes() == b"an old build" and built.stat().st_mtime == 1_000
    assert sorted(p.name for p in built.parent.iterdir()) == ["indicators.parquet"]


def test_data_inputs_are_what_build_data_is_made_from():
    inputs = set(store.data_inputs())
    helpers_dir = config.ROOT / "src" / "helpers"
    pipeline, ingest = helpers_dir / "pipeline", helpers_dir / "ingest"
    assert {config.CATALOGUE_FILE, config.SOURCES_FILE, pipeline / "loaders.py"} <= inputs
    assert {pipeline / "suppress.py", ingest / "fhi.py", ingest / "bydel_names.py"} <= inputs
    assert set(pipeline.rglob("*.py")) | set(ingest.rglob("*.py")) <= inputs
    assert any(p.is_relative_to(helpers_dir / "catalogue") or p.stem == "catalogue" for p in inputs)
    assert all(p in inputs for p in config.DATA_RAW.glob("*.csv"))
    # presentation and statistics code does not change the data: editing it must not force a
    # data rebuild (the stale check would otherwise stop every notebook after a wording change)
    for module in helpers_dir.glob("*.py"):
        if module.stem not in store.DATA_CODE:
            assert module not in inputs, module.name
    for name in ("plots", "report", "barometer", "profile", "keyfindings", "downloads",
                 "maps_interactive", "no_counts", "hovedmal", "standardise"):  # fmt: skip
        assert helpers_dir / f"{name}.py" not in inputs, name


def test_load_tidy_refuses_missing_build_data_and_names_the_command(tmp_path, monkeypatch):
    """No build data yet: load_tidy only reads, so it says what to run and writes nothing."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path))
    with pytest.raises(StaleDataError, match="not built yet") as info:
        store.load_tidy()
    assert f"`{store.REBUILD_DATA_COMMAND}`" in str(info.value) and "make report" in str(info.value)
    assert len(info.value._render_traceback_()) == 1  # IPython shows one line, no traceback
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StaleDataError, match="not built yet"):
        store.load_tidy(tmp_path / "elsewhere" / "indicators.parquet")


# --- outputs for Jupyter and for the renderers -----------------------------------------------


def _bundles(objects_shown: list) -> list[dict]:
    fmt = InteractiveShell.instance().display_formatter
    return [fmt.format(obj)[0] for obj in objects_shown]


@pytest.fixture
def displayed(monkeypatch):
    out = []
    monkeypatch.setattr(report, "display", out.append)
    return out


def _figure_and_table(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    import pandas as pd

    from helpers.present import text

    monkeypatch.chdir(tmp_path)
    fig, _ = plt.subplots()
    report.figure(fig, "kart", "Et kart", "Alt-tekst", folder="levekar", figures_dir="figures")
    table = pd.DataFrame({"Bydel": ["A", "B"], "Verdi": ["1,0", "2,0"]})
    report.show(text.markdown_table(table, caption="En tabell", label="levekar-x"))
    report.show("## Overskrift {#sec-x}")


def test_jupyter_gets_image_and_plain_markdown(tmp_path, monkeypatch, displayed):
    monkeypatch.delenv(config.RENDERING_ENV, raising=False)
    _figure_and_table(tmp_path, monkeypatch)
    figure, table, heading = _bundles(displayed)
    assert "image/png" in figure and "text/markdown" not in figure
    assert "Et kart" in figure["text/html"] and 'alt="Alt-tekst"' in figure["text/html"]
    assert "*Tabell: En tabell*" in table["text/markdown"] and "| A " in table["text/markdown"]
    assert heading["text/markdown"] == "## Overskrift"
    for bundle in (figure, table, heading):
        assert not any("{#" in str(v) for v in bundle.values())


def test_build_gets_quarto_markup_as_before(tmp_path, monkeypatch, displayed):
    """Under the build the outputs are the Markdown both renderers read (the same as before the
    display objects); the embedded renderer turns them into a numbered figure and table."""
    monkeypatch.setenv(config.RENDERING_ENV, "1")
    _figure_and_table(tmp_path, monkeypatch)
    figure, table, heading = _bundles(displayed)
    assert figure["text/markdown"] == (
        '![Et kart](figures/levekar/kart.png){#fig-levekar-kart fig-alt="Alt-tekst"}'
    )
    assert "image/png" not in figure and "text/html" not in figure
    assert table["text/markdown"].rstrip().endswith(": En tabell {#tbl-levekar-x}")
    assert heading["text/markdown"] == "## Overskrift {#sec-x}"

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("#| echo: false\nreport.figure(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=b) for b in (figure, table)]
    nb.cells = [nbformat.v4.new_markdown_cell("# Kapittel"), cell]
    path = tmp_path / "kapittel.ipynb"
    nbformat.write(nb, path)
    markdown = render.notebook_to_markdown(path, tmp_path / "assets").markdown
    assert "{#fig-levekar-kart" in markdown and "{#tbl-levekar-x}" in markdown


def test_figures_outside_the_build_go_to_scratch(monkeypatch):
    monkeypatch.delenv("OSLOHELSA_SCRATCH", raising=False)
    scratch = report.figures_path("")
    assert scratch.is_relative_to(config.NOTEBOOKS / "_scratch")
    assert not scratch.is_relative_to(config.build_dir())
    ignore = (config.ROOT / ".gitignore").read_text().splitlines()
    assert "notebooks/_scratch/" in ignore


def test_build_marks_its_notebooks_as_rendering(monkeypatch):
    """helpers.build.execute_in_one_kernel sets the variable the display objects read."""
    from helpers import build

    seen = {}
    # execute_in_one_kernel sets both in its worker process; here they are restored after the test
    monkeypatch.setenv(config.RENDERING_ENV, "0")
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    monkeypatch.setattr(
        "papermill.execute_notebook", lambda *a, **k: seen.update(on=config.rendering())
    )
    build.execute_in_one_kernel([(build.jobs()[1], Path("."))])
    assert seen == {"on": True}


# --- notebooks run by hand -------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, tuple[str, float]]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def project_build(tmp_path_factory, shared_build):
    """A build with fresh data (the session's shared build data, copied) and a published report
    (placeholder) in a temporary folder."""
    tmp = tmp_path_factory.mktemp("project")
    mp = pytest.MonkeyPatch()
    mp.setenv("OSLOHELSA_BUILD", str(tmp / "build"))
    mp.setenv("OSLOHELSA_OUTPUT", str(tmp / "out"))
    shutil.copytree(shared_build.data, tmp / "build" / "data")
    (tmp / "build" / "notebooks" / "figures" / "levekar").mkdir(parents=True)
    (tmp / "build" / "notebooks" / "levekar.ipynb").write_text("published notebook")
    (tmp / "out").mkdir()
    (tmp / "out" / "index.html").write_text("published report")
    try:
        yield tmp
    finally:
        mp.undo()


@pytest.mark.e2e
def test_notebook_by_hand_with_other_parameters_leaves_build_untouched(
    project_build, tmp_path, monkeypatch
):
    """Run from notebooks/ as Jupyter does, with period 2019 as papermill's `-p` passes it (an
    int): the levekår chapter shows the indicators with 2019, names the one without (only 2024),
    shows figures as images, and writes figures only to the scratch folder."""
    before = {name: _tree(project_build / name) for name in ("build", "out")}
    monkeypatch.setenv("OSLOHELSA_SCRATCH", str(tmp_path / "scratch"))
    monkeypatch.delenv(config.RENDERING_ENV, raising=False)
    nb = run_template(
        "innsatsomrade.ipynb",
        tmp_path / "levekar-2019.ipynb",
        {
            "area": "levekar",
            "period": 2019,
            "rank_by": "lavinntekt_husholdninger",
            "rank_year": 2023,
            "repetitions": 1000,
        },
        cwd=config.NOTEBOOKS,
    )
    assert {name: _tree(project_build / name) for name in ("build", "out")} == before
    saved = {p.stem for p in (tmp_path / "scratch" / "figures" / "levekar").glob("*.png")}
    tidy = store.load_tidy(project_build / "build" / "data" / "indicators.parquet")
    levekar = {i.id for i in catalogue.load_catalogue().for_area("levekar")}
    with_2019 = set(tidy.loc[tidy["indicator_id"].isin(levekar) & (tidy["year_end"] == 2019),
                             "indicator_id"])  # fmt: skip
    assert with_2019 and {report.slug(f"{i}-kart") for i in with_2019} <= saved  # a map for each

    outputs = code_outputs(nb)
    markdown = markdown_outputs(nb)
    assert "*Ikke tall for 2019:* Sysselsatte 25–59 år (har tall for 2024)." in markdown
    assert "Mottakere av uføretrygd: " in markdown and "i Oslo i 2019" in markdown
    assert sum("image/png" in o.get("data", {}) for o in outputs) == len(saved)  # each shown
    shown = "\n".join(str(v) for o in outputs for v in o.get("data", {}).values())
    assert "{#fig-" not in shown and "{#tbl-" not in shown and "{#sec-" not in shown


@pytest.mark.e2e
def test_wrong_notebook_parameter_is_one_line_and_fails_papermill(tmp_path, monkeypatch):
    """Checked in the cell after the parameters, before any data is read (the build folder is
    never created); papermill still fails, and the error output is the message alone."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    out = tmp_path / "out.ipynb"
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(
            str(config.NOTEBOOKS / "innsatsomrade.ipynb"),
            str(out),
            parameters={"area": "levekår"},
            cwd=str(config.NOTEBOOKS),
            kernel_name="python3",
            progress_bar=False,
        )
    assert info.value.ename == "ParameterError"
    assert "did you mean 'levekar'?" in info.value.evalue
    errors = [o for o in code_outputs(nbformat.read(out, as_version=4)) if o.output_type == "error"]
    assert len(errors) == 1 and len(errors[0].traceback) == 1
    assert not (tmp_path / "build").exists()


def test_make_lab_registers_the_kernel_and_opens_jupyter_lab():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry = subprocess.run(
        ["make", "-n", "lab"], cwd=config.ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "-m ipykernel install --sys-prefix --name python3" in dry
    assert "-m jupyter lab" in dry and "notebooks/innsatsomrade.ipynb" in dry
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "source .venv/bin/activate" in readme
