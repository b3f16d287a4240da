"""Adding an indicator as the README says: one catalogue entry with a ``compute:`` block.

The entry is taken from the README itself (the fenced YAML block under "Adding an indicator"), so
the documented recipe is the one tested. The end-to-end test follows it in a copy of the project
(data, shapes, the area notebook): the new indicator (uføretrygd 18–29 år, from the shipped
OK-SOS006 table) gets rows in the built data and a table in the levekår chapter.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers import config
from helpers.catalogue import load_catalogue
from helpers.catalogue.compute import computed
from helpers.errors import DataError

NEW_ID = "uforetrygd_18_29"


def recipe_entry() -> str:
    """The YAML block of the README's recipe (an entry of the ``indicators:`` list)."""
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Adding an indicator") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "the README's recipe has no YAML example"
    return block.group(1)


def add_to_catalogue(catalogue: Path, entry: str) -> None:
    """Insert ``entry`` into the catalogue's indicators list (after its first entry), as a
    person would paste it, keeping the rest of the file as it is."""
    text = catalogue.read_text(encoding="utf-8")
    start = text.index("\nindicators:\n")
    second = text.index("\n  - id: ", text.index("\n  - id: ", start) + 1)
    catalogue.write_text(text[: second + 1] + entry + "\n" + text[second + 1 :], encoding="utf-8")


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(config.DATA, tmp_path / "data")
    shutil.copy(config.ROOT / "README.md", tmp_path / "README.md")
    return tmp_path / "data" / "indicators.yml"


def test_recipe_entry_is_valid_and_computed(tmp_path: Path) -> None:
    """The README's entry loads, is available, and becomes a count rate of sos006 for 18–29."""
    catalogue = _copy(tmp_path)
    add_to_catalogue(catalogue, recipe_entry())
    cat = load_catalogue(catalogue)
    assert NEW_ID in cat.ids("available")
    kind, spec = computed(cat)[NEW_ID]
    assert kind == "count_rate" and spec["table"] == "sos006"
    assert spec["select"]["aldersgruppe_navn"] == ("18-29",)
    assert spec["ages"] == ("18-19", "20-22", "23-24", "25-29")
    # the shipped catalogue has no such indicator: the recipe adds it, nothing else does
    assert NEW_ID not in load_catalogue().ids()


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("table: sos006", "table: sos066", "compute.table"),
        ('aldersgruppe_navn: ["18-29"]', 'aldersgruppe_navn: ["18-30"]', "compute.select"),
        ("select: {kjønn_navn", "select: {kjonn_navn", "compute.select"),
        ('"25-29"]', '"25-30"]', "compute.ages"),
        ("kind: count_rate", "kind: rate", "compute.kind"),
    ],
)
def test_compute_block_errors_name_entry_and_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    """A wrong table, category, column, age group or kind is caught when the catalogue loads."""
    catalogue = _copy(tmp_path)
    entry = recipe_entry()
    assert old in entry
    add_to_catalogue(catalogue, entry.replace(old, new, 1))
    with pytest.raises(DataError) as err:
        load_catalogue(catalogue)
    text = str(err.value)
    assert "indicators.yml" in text and f'indicator "{NEW_ID}"' in text, text
    assert f'column "{field}"' in text, text


def test_population_ages_match_the_data_code() -> None:
    """The catalogue's list of population age groups is the one the population reader sums."""
    from helpers.catalogue.raw_tables import POPULATION_AGES
    from helpers.ingest import oslo

    assert set(POPULATION_AGES) == set(oslo.POPULATION_AGE_GROUPS) - {"alle"}


@pytest.mark.e2e
def test_recipe_in_a_copy_of_the_project(tmp_path: Path) -> None:
    """Follow the README in a copy: paste the entry, build the data, run the levekår chapter.
    The new indicator has rows for every bydel and a table (and text) in the chapter."""
    root = tmp_path / "project"
    for name in ("data", "shapes", "notebooks"):
        shutil.copytree(
            config.ROOT / name, root / name, ignore=shutil.ignore_patterns("_scratch", ".*")
        )
    for name in ("_quarto.yml", "README.md"):
        shutil.copy(config.ROOT / name, root / name)
    fixtures = Path("tests") / "fixtures" / "jsonstat"  # listed in data/sources.yml
    shutil.copytree(config.ROOT / fixtures, root / fixtures)
    add_to_catalogue(root / "data" / "indicators.yml", recipe_entry())
    env = {
        **os.environ,
        "OSLOHELSA_ROOT": str(root),
        "OSLOHELSA_BUILD": str(tmp_path / "build"),
        "OSLOHELSA_SCRATCH": str(tmp_path / "scratch"),
    }
    env.pop(config.RENDERING_ENV, None)
    run = subprocess.run(
        [sys.executable, "-m", "helpers.build", "--data-only"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = tmp_path / "levekar.ipynb"
    run = subprocess.run(
        [
            sys.executable, "-m", "papermill", str(root / "notebooks" / "innsatsomrade.ipynb"),
            str(out), "-p", "area", "levekar", "-p", "repetitions", "1000", "--cwd",
            str(root / "notebooks"), "-k", "python3", "--no-progress-bar",
        ],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    shown = "\n".join(str(v) for o in outputs for v in o.get("data", {}).values())
    name = yaml.safe_load(recipe_entry())[0]["name_nb"]
    assert name in shown
    html_tables = [str(o["data"]["text/html"]) for o in outputs if "text/html" in o.get("data", {})]
    assert any(name in t and "Grorud" in t for t in html_tables + [shown])
