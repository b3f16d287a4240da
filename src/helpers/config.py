"""Project paths, the five innsatsområder, the bydeler and default parameters.

Every path is derived from the project root (the folder holding ``_quarto.yml``), so code runs
the same from a notebook, from pytest or from papermill, without ``os.chdir``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _find_root() -> Path:
    """Walk up from this file (then the working directory) to the folder with ``_quarto.yml``."""
    override = os.environ.get("OSLOHELSA_ROOT")
    if override:
        return Path(override).resolve()
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / "_quarto.yml").is_file():
                return candidate
    raise RuntimeError("Cannot find the project root (no _quarto.yml above this file or the cwd)")


ROOT: Path = _find_root()
DATA: Path = ROOT / "data"
DATA_RAW: Path = DATA / "raw"
CATALOGUE_FILE: Path = DATA / "indicators.yml"
SOURCES_FILE: Path = DATA / "sources.yml"
SHAPES: Path = ROOT / "shapes"
NOTEBOOKS: Path = ROOT / "notebooks"
REPORT: Path = ROOT / "report"
QUARTO_FILE: Path = ROOT / "_quarto.yml"
# Executed notebook chapters, staged where _quarto.yml lists them (generated, never committed):
# Quarto's output paths mirror input paths, so the site gets kapitler/levekar.html.
CHAPTERS: Path = ROOT / "kapitler"


def build_dir() -> Path:
    """Where derived data and executed notebooks go (``OSLOHELSA_BUILD`` overrides ``build/``)."""
    return Path(os.environ.get("OSLOHELSA_BUILD", ROOT / "build")).resolve()


def build_data_dir() -> Path:
    return build_dir() / "data"


def build_notebooks_dir() -> Path:
    return build_dir() / "notebooks"


def chapters_dir() -> Path:
    """Where the build stages the executed chapters: ``kapitler/`` (as ``_quarto.yml`` lists
    them); a private build (``OSLOHELSA_BUILD`` set elsewhere) stages inside its own folder."""
    if build_dir() == (ROOT / "build").resolve():
        return CHAPTERS.resolve()
    return build_dir() / "kapitler"


def scratch_dir() -> Path:
    """Where notebooks run outside the build (Jupyter, papermill by hand) put their figures:
    ``notebooks/_scratch`` (``OSLOHELSA_SCRATCH`` overrides). Never ``build/``: only
    ``helpers.build`` writes what ``make report`` publishes. Git and Quarto ignore it."""
    return Path(os.environ.get("OSLOHELSA_SCRATCH", NOTEBOOKS / "_scratch")).resolve()


# Set by helpers.build for the notebooks it executes: outputs are then written for Quarto and
# pandoc (cross-reference markup) rather than for a person looking at Jupyter.
RENDERING_ENV = "OSLOHELSA_RENDERING"


def rendering() -> bool:
    """True in a notebook executed by the build for the report, False in Jupyter."""
    return os.environ.get(RENDERING_ENV, "") not in ("", "0")


def output_dir() -> Path:
    """Where the rendered report is published (``OSLOHELSA_OUTPUT`` overrides)."""
    return Path(os.environ.get("OSLOHELSA_OUTPUT", REPORT / "_output")).resolve()


@dataclass(frozen=True)
class Area:
    """One innsatsområde of Folkehelsestrategi for Oslo 2023–2030."""

    id: str
    number: int
    title_nb: str
    title_en: str


AREAS: dict[str, Area] = {
    a.id: a
    for a in (
        Area("levekar", 1, "Levekår", "Living conditions"),
        Area("oppvekst_utdanning", 2, "Oppvekst og utdanning", "Childhood and education"),
        Area(
            "nabolag_moteplasser", 3, "Nabolag og møteplasser", "Neighbourhoods and meeting places"
        ),
        Area("klima_miljo", 4, "Klima og miljø", "Climate and environment"),
        Area(
            "levevaner_helsetjenester",
            5,
            "Levevaner og helsetjenester",
            "Lifestyle and health services",
        ),
    )
}

OSLO_CODE = "0301"
OSLO_NAME = "Oslo"

# The 15 bydeler analysed (SSB KLASS codes). Sentrum (030116) and Marka (030117) have few
# residents; Oslo's "administrativ bydel" tables allocate them to the neighbouring bydeler.
BYDELER: dict[str, str] = {
    "030101": "Gamle Oslo",
    "030102": "Grünerløkka",
    "030103": "Sagene",
    "030104": "St. Hanshaugen",
    "030105": "Frogner",
    "030106": "Ullern",
    "030107": "Vestre Aker",
    "030108": "Nordre Aker",
    "030109": "Bjerke",
    "030110": "Grorud",
    "030111": "Stovner",
    "030112": "Alna",
    "030113": "Østensjø",
    "030114": "Nordstrand",
    "030115": "Søndre Nordstrand",
}
OTHER_AREAS: dict[str, str] = {"030116": "Sentrum", "030117": "Marka"}

# Tidy indicator table: one row per value (see docs/architecture.md).
TIDY_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "geo_code",
    "geo_name",
    "geo_level",
    "period",
    "year_end",
    "sex",
    "age_group",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "flag",
)
# The tidy table's flags besides "" (a value): SSB's symbols where a number is expected, kept as
# flags and never turned into 0 ("." not applicable, ".." not available, ":" suppressed by the
# source, "-" nil; https://www.ssb.no/en/help/symbols), and the flag of a value we suppressed.
SSB_SYMBOLS: tuple[str, ...] = (".", "..", ":", "-")
SOURCE_SUPPRESSED = ":"
SUPPRESSED_FLAG = "prikket"

# Default notebook parameters (the notebooks' parameters cells repeat these as literals).
DEFAULT_RANK_BY = "hoyere_utdanning_30_66"
DEFAULT_RANK_YEAR = 2024
DEFAULT_SEED = 2030
DEFAULT_CONFIDENCE = 0.95
DEFAULT_REPETITIONS = 100_000
