"""Run defaults are defined once: every notebook's parameters cell agrees with helpers.config.

The notebooks' parameters cells hold literals (papermill and Jupyter need them), so this test is
what keeps them equal to ``helpers.config``'s run defaults, to the build's job list and command
line, and to the checks of ``helpers.params``. A parameter without a rule here fails the test:
add its default to helpers.config (or its rule below) rather than a new literal.
"""

from __future__ import annotations

import inspect

import pytest
from conftest import notebook_defaults

from helpers import build, build_cli, config, params

TEMPLATES = sorted(p.name for p in config.NOTEBOOKS.glob("*.ipynb"))

# parameter → its one definition (the value every notebook's parameters cell must repeat)
RUN_DEFAULTS = {
    "rank_by": config.DEFAULT_RANK_BY,
    "rank_year": config.DEFAULT_RANK_YEAR,
    "seed": config.DEFAULT_SEED,
    "repetitions": config.DEFAULT_REPETITIONS,
    "period": params.LATEST,
    "geo_level": params.GEO_LEVELS[0],
    "area": next(iter(config.AREAS)),  # the first innsatsområde
    # empty: the build's or the scratch folder (helpers.present.report.figures_path)
    "figures_dir": "",
}
# parameters whose default is any valid choice (a template must show one example)
CHOICES = {"bydel": config.BYDELER}


def test_the_templates_are_the_build_s_templates():
    assert TEMPLATES
    assert {job.template for job in build.jobs()} == set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_parameters_cell_repeats_the_run_defaults(template):
    declared = notebook_defaults(template)
    assert declared, template
    unknown = set(declared) - set(RUN_DEFAULTS) - set(CHOICES)
    assert not unknown, f"{template}: no run default defined for {sorted(unknown)}"
    for name, value in declared.items():
        if name in CHOICES:
            assert value in CHOICES[name], (template, name, value)
        else:
            expected = RUN_DEFAULTS[name]
            assert value == expected and type(value) is type(expected), (template, name, value)


@pytest.mark.parametrize("template", TEMPLATES)
def test_parameters_cell_annotations_match_the_defaults(template):
    """``rank_year: int = 2024``: the annotation papermill shows is the default's type."""
    import ast

    import nbformat

    cell = nbformat.read(config.NOTEBOOKS / template, as_version=4).cells[0]
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.AnnAssign), (template, ast.unparse(node))
        value = ast.literal_eval(node.value)
        assert ast.unparse(node.annotation) == type(value).__name__, (template, node.target.id)


@pytest.mark.parametrize("template", TEMPLATES)
def test_notebook_defaults_pass_the_parameter_checks(template):
    """What a notebook runs with by default is accepted by ``params.check_notebook`` (the cell
    after the parameters cell) — except ``bydel``, checked by ``profile.check_bydel``."""
    declared = {k: v for k, v in notebook_defaults(template).items() if k not in CHOICES}
    params.check_notebook(**declared)


def test_build_and_command_line_use_the_same_defaults():
    """``build.jobs()`` and ``python -m helpers.build`` without options: the config defaults."""
    signature = inspect.signature(build.jobs).parameters
    for name in ("rank_by", "rank_year", "seed", "repetitions"):
        assert signature[name].default == RUN_DEFAULTS[name], name
    args = vars(build_cli.parser().parse_args([]))
    for name in ("rank_by", "rank_year", "seed", "repetitions"):
        assert args[name] == RUN_DEFAULTS[name], name
    for job in build.jobs():
        declared = notebook_defaults(job.template)
        for name, value in job.parameters.items():
            if name in RUN_DEFAULTS and name != "area":
                assert value == declared[name], (job.output, name)


def test_force_reruns_every_notebook_rule_the_book_has(tmp_path, monkeypatch):
    """``--force`` names the Snakefile's notebook rules: ``profiles`` only when the book lists
    bydel profiles (Snakemake stops on a rule it does not know)."""
    import yaml

    cmd = build.snakemake_command(force=True)
    assert cmd[cmd.index("--forcerun") + 1 :] == ["notebook", "profiles"]
    book = yaml.safe_load(config.QUARTO_FILE.read_text(encoding="utf-8"))

    def no_profiles(chapters: list) -> list:
        kept = []
        for c in chapters:
            if isinstance(c, dict) and "chapters" in c:
                c = {**c, "chapters": no_profiles(c["chapters"])}
                if c["chapters"]:
                    kept.append(c)
            elif not (isinstance(c, str) and "/bydel-" in c):
                kept.append(c)
        return kept

    book["book"]["chapters"] = no_profiles(book["book"]["chapters"])
    qfile = tmp_path / "_quarto.yml"
    qfile.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config, "QUARTO_FILE", qfile)
    assert [j for j in build.jobs() if j.template == build.PROFILE_TEMPLATE] == []
    cmd = build.snakemake_command(force=True)
    assert cmd[cmd.index("--forcerun") + 1 :] == ["notebook"]
