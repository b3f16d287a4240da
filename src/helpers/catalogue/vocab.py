"""The catalogue's vocabulary: allowed values, units and their multipliers.

Shared by the catalogue's entries (:mod:`helpers.catalogue.entries`) and its models
(:mod:`helpers.catalogue.models`). The suppression thresholds are not here: the catalogue file's
``defaults`` section is their one definition.
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

_MAL_RE = re.compile(r"^(\d+)\.(\d+)$")
