"""The project's own rules: layout, thin parameterised notebooks, no outputs, no absolute paths."""

import ast
import re
import tomllib

import nbformat
import pytest
import yaml

from helpers import config

ROOT = config.ROOT
NOTEBOOKS = sorted(config.NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize(
    "path",
    [
        "notebooks",
        "report",
        "_quarto.yml",
        "data",
        "shapes",
        "environment.yml",
        "src/helpers",
        "tests",
        "README.md",
        "pyproject.toml",
        "Makefile",
        ".ci/run",
        ".gitignore",
        "benchmarks",
    ],
)
def test_layout(path):
    """The design card fixes the top level."""
    assert (ROOT / path).exists(), path


def test_every_notebook_template_is_built():
    """notebooks/ holds exactly the templates the build executes (no stray or unused notebook)."""
    from helpers import build

    assert [p.name for p in NOTEBOOKS] == sorted({job.template for job in build.jobs()})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    """Outputs are never committed (nbstripout)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {cell.id} has outputs"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_is_first_and_literal(path):
    """papermill's parameters cell: tagged, first, typed assignments of plain literals only."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert "parameters" in first.metadata.get("tags", [])
    tree = ast.parse(first.source)
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), f"{path.name}: untyped parameter"
        ast.literal_eval(node.value)  # raises if anything is computed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_are_short(path):
    """Thin narratives: logic lives in helpers, so code cells stay short."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells[1:]:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 25, f"{path.name}: cell {cell.id} too long"


def _tracked_text_files():
    for pattern in (
        "src/**/*.py",
        "tests/**/*.py",
        "notebooks/*.ipynb",
        "report/*.qmd",
        "_quarto.yml",
        "Makefile",
        "benchmarks/*.py",
    ):
        yield from ROOT.glob(pattern)


def test_no_absolute_paths():
    """Paths come from the project root via helpers.config, never absolute."""
    pattern = re.compile(r"(/work/|/home/|/root/|/tmp/|C:\\\\)")
    offenders = [
        p
        for p in _tracked_text_files()
        if pattern.search(p.read_text(encoding="utf-8")) and p.name != "test_project.py"
    ]
    assert not offenders, offenders


def test_no_chdir():
    offenders = [
        p
        for p in _tracked_text_files()
        if "os.chdir(" in p.read_text(encoding="utf-8") and p.name != "test_project.py"
    ]
    assert not offenders


def _specs(requirements):
    """{name: version constraint}: "pandas>=2.2,<3" -> {"pandas": ">=2.2,<3"}."""
    out = {}
    for r in requirements:
        match = re.match(r"\s*([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*(.*)$", r)
        out[match.group(1).lower().replace("_", "-")] = match.group(2).replace(" ", "")
    return out


def test_environment_yml_matches_pyproject():
    """environment.yml is the conda equivalent of pyproject.toml: the same packages, with the
    same version constraints, nothing more (besides python, pip and the project itself)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _specs(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed |= _specs(d for d in dep["pip"] if not d.startswith("-e"))
        else:
            listed |= _specs([dep])
    assert listed.pop("python") == "=" + project["requires-python"].removeprefix(">=")
    assert listed.pop("pip") == ""
    assert set(wanted) - set(listed) == set(), "missing in environment.yml"
    assert set(listed) - set(wanted) == set(), "in environment.yml but not in pyproject.toml"
    assert listed == wanted, "version constraints differ"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make report" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_ruff_clean():
    """The style rules in pyproject.toml hold for all code (same as `make lint`)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_every_mutation_target_names_existing_modules():
    """`make mutate` (benchmarks/mutation.md): a pattern of `only_mutate` that matches no file
    mutates nothing, silently (e.g. after a module moved); each must match a helpers module."""
    targets = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    for pattern in targets["only_mutate"]:
        assert pattern.startswith("src/helpers/"), pattern
        assert sorted(config.ROOT.glob(pattern)), f"{pattern} matches no file"
