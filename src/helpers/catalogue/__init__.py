"""The indicator catalogue (``data/indicators.yml``) and the input manifest (``data/sources.yml``).

The catalogue is the strategy's indicator set (Folkehelsestrategi for Oslo 2023–2030): its two
hovedmål, the five innsatsområder with their numbered mål, the socioeconomic ranking variables
and every indicator (available ones with data, planned ones with the public table that would
supply them).

Modules, one job each:

- :mod:`~helpers.catalogue.vocab`: allowed values, units, default suppression thresholds;
- :mod:`~helpers.catalogue.entries`: the validated entries and :class:`Catalogue`'s lookups;
- :mod:`~helpers.catalogue.load`: read and validate ``data/indicators.yml``;
- :mod:`~helpers.catalogue.crosscheck`: the catalogue against the tidy data;
- :mod:`~helpers.catalogue.sources`: the manifest ``data/sources.yml`` and checksums;
- :mod:`~helpers.catalogue.raw_tables`: the raw tables in ``data/raw`` and their columns;
- :mod:`~helpers.catalogue.schemas`: pandera schemas built from them, and the tidy schema.

The catalogue's API is exposed here (``from helpers import catalogue``;
``catalogue.load_catalogue()``). ``sources``, ``raw_tables`` and ``schemas`` are imported as
submodules (``from helpers.catalogue import sources``): they need pandas, and importing this
package must stay quick (checking a build option reads only the catalogue).
"""

from __future__ import annotations

from helpers.catalogue.crosscheck import check_against_data
from helpers.catalogue.entries import (
    AreaEntry,
    Catalogue,
    Gap,
    Goal,
    Indicator,
    RankingVariable,
    SeriesBreak,
    Source,
)
from helpers.catalogue.load import load_catalogue
from helpers.catalogue.vocab import (
    CONFIRMATION_NB,
    CONFIRMATIONS,
    DISADVANTAGED,
    POLARITIES,
    STATUSES,
    TYPES,
    UNIT_MULTIPLIERS,
    VALUE_TYPE_UNITS,
    VALUE_TYPES,
)

__all__ = [
    "CONFIRMATIONS",
    "CONFIRMATION_NB",
    "DISADVANTAGED",
    "POLARITIES",
    "STATUSES",
    "TYPES",
    "UNIT_MULTIPLIERS",
    "VALUE_TYPES",
    "VALUE_TYPE_UNITS",
    "AreaEntry",
    "Catalogue",
    "Gap",
    "Goal",
    "Indicator",
    "RankingVariable",
    "SeriesBreak",
    "Source",
    "check_against_data",
    "load_catalogue",
]
