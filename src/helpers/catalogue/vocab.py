"""The catalogue's vocabulary: allowed values, units and their multipliers, default thresholds.

Shared by the catalogue's entries (:mod:`helpers.catalogue.entries`) and its validation
(:mod:`helpers.catalogue.load`).
"""

from __future__ import annotations

import re

# ----------------------------------------------------------------------------------------------
# Allowed values
# ----------------------------------------------------------------------------------------------
POLARITIES: tuple[str, ...] = ("higher_is_better", "lower_is_better", "context_dependent")
TYPES: tuple[str, ...] = ("determinant", "outcome")
STATUSES: tuple[str, ...] = ("available", "planned")
VALUE_TYPES: tuple[str, ...] = ("proportion", "rate", "mean", "ratio")
CONFIRMATIONS: tuple[str, ...] = ("confirmed", "partially_confirmed", "unconfirmed")
DISADVANTAGED: tuple[str, ...] = ("low", "high")
CONFIRMATION_NB: dict[str, str] = {
    "confirmed": "tabellen er bekreftet",
    "partially_confirmed": "tabellen er delvis bekreftet",
    "unconfirmed": "tabellen er ikke bekreftet",
}

#: machine unit -> the multiplier that turns numerator/denominator into the value
UNIT_MULTIPLIERS: dict[str, int] = {
    "percent": 100,
    "per_100": 100,
    "per_1000": 1_000,
    "per_10000": 10_000,
    "per_100000": 100_000,
    "years": 1,
    "ratio": 1,
    "score": 1,
    "nok": 1,
}
_PER_UNITS = frozenset({"percent", "per_100", "per_1000", "per_10000", "per_100000"})
#: which units make sense for each value_type
VALUE_TYPE_UNITS: dict[str, frozenset[str]] = {
    "proportion": _PER_UNITS,
    "rate": _PER_UNITS - {"percent"},
    "mean": frozenset({"years", "score", "nok"}),
    "ratio": frozenset({"ratio"}),
}

DEFAULT_MIN_NUMERATOR = 5
DEFAULT_MIN_DENOMINATOR = 30

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_MAL_RE = re.compile(r"^(\d+)\.(\d+)$")

_TOP_KEYS = {"version", "strategy", "defaults", "hovedmal", "areas", "ranking", "indicators"}
_HOVEDMAL_KEYS = {"nr", "text_nb", "text_en", "measured_by_nb"}
_AREA_KEYS = {"id", "number", "title_nb", "title_en", "vision_nb", "mal", "gaps"}
_MAL_KEYS = {"nr", "text_nb", "short_nb", "text_en"}
_GAP_KEYS = {"mal", "note_nb"}
_SOURCE_KEYS = {
    "publisher",
    "product",
    "table",
    "table_id",
    "url",
    "confirmation",
    "denominator_table",
    "alternative",
    "note",
}
_INDICATOR_REQUIRED = (
    "id",
    "name_nb",
    "name_en",
    "area",
    "mal",
    "hovedmal",
    "type",
    "unit",
    "unit_nb",
    "value_type",
    "polarity",
    "denominator",
    "period",
    "status",
)
_INDICATOR_OPTIONAL = (
    "multiplier",
    "source",
    "planned_source",
    "min_numerator",
    "min_denominator",
    "note_nb",
    "series_breaks",
    "fetch",  # make data: where to fetch the raw file (validated by helpers.ingest.fetch)
)
_SERIES_BREAK_KEYS = {"year", "reason_nb"}
_INDICATOR_KEYS = set(_INDICATOR_REQUIRED) | set(_INDICATOR_OPTIONAL)
_RANKING_KEYS = {
    "id",
    "default",
    "status",
    "indicator",
    "name_nb",
    "name_en",
    "unit",
    "unit_nb",
    "disadvantaged",
    "year",
    "definition_nb",
    "why_nb",
    "note_nb",
    "avoid_for",
    "source",
    "planned_source",
}
