"""Checks of a user's parameters (build options and notebook parameters) before any work.

A wrong value stops with :class:`helpers.errors.ParameterError`: one line naming the parameter,
the value given and the valid choices ("did you mean …?" when a choice is close). The command
line (``python -m helpers.build``) and the notebooks' first cell after the parameters cell call
the same checks. This module imports no pandas, so a wrong option is answered at once.

Checks that need the data (is there a ranking for ``rank_year``, which indicators have
``period``) are made where the data is read: ``helpers.stats.gradient``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from helpers import config
from helpers.errors import ParameterError

LATEST = "latest"
GEO_LEVELS = ("bydel",)  # the only level with shipped data


def choices_text(choices: Iterable[object]) -> str:
    return ", ".join(repr(str(c)) for c in choices)


def check_choice(name: str, value: object, choices: Iterable[str], kind: str) -> str:
    """``value`` must be one of ``choices``; else one line listing them."""
    choices = list(choices)
    if isinstance(value, str) and value in choices:
        return value
    close = difflib.get_close_matches(str(value), choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParameterError(
        name, f"{value!r} is not {kind}{hint}; choose one of {choices_text(choices)}"
    )


def check_int(name: str, value: object, *, minimum: int | None = None) -> int:
    """A whole number (``2023`` or ``"2023"``), at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParameterError(name, f"{value!r} is not a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ParameterError(name, f"{value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ParameterError(name, f"{number} is too small; it must be at least {minimum}")
    return number


def check_period(name: str, value: object) -> str:
    """``"latest"`` or a period: a year as number or text (``2019``, ``"2019"``) or a period
    label as in the data (``"2017–2019"``). Returned as text, as the tidy table stores it."""
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise ParameterError(name, f"{value!r}: give {LATEST!r} or a year such as 2023")
    text = str(value).strip()
    if text.lower() == LATEST:
        return LATEST
    if not text[:4].isdigit():
        raise ParameterError(name, f"{value!r}: give {LATEST!r} or a year such as 2023")
    return text


def ranking_ids(catalogue=None) -> list[str]:
    """Ranking variables with data (``ranking`` in ``data/indicators.yml``)."""
    from helpers.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    return [r.id for r in cat.ranking_variables if r.is_available]


def check_rank_by(name: str, value: object, catalogue=None) -> str:
    from helpers.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    available = ranking_ids(cat)
    planned = [r.id for r in cat.ranking_variables if not r.is_available]
    if value in planned:
        raise ParameterError(
            name,
            f"{value!r} is planned and has no data yet; choose one of {choices_text(available)}",
        )
    return check_choice(name, value, available, "a ranking variable")


def check_notebook(catalogue=None, **params: object) -> None:
    """Check a notebook's parameters (any of ``area``, ``rank_by``, ``rank_year``, ``period``,
    ``geo_level``, ``seed``, ``repetitions``, ``figures_dir``).

    Called in the first cell after the parameters cell, so that a wrong value is answered in one
    line before any data is loaded.
    """
    checks = {
        "area": lambda v: check_choice("area", v, config.AREAS, "an innsatsområde"),
        "rank_by": lambda v: check_rank_by("rank_by", v, catalogue),
        "rank_year": lambda v: check_int("rank_year", v, minimum=1900),
        "period": lambda v: check_period("period", v),
        "geo_level": lambda v: check_choice("geo_level", v, GEO_LEVELS, "a level with data"),
        "seed": lambda v: check_int("seed", v, minimum=0),
        "repetitions": lambda v: check_int("repetitions", v, minimum=1000),
        "figures_dir": _check_folder,
    }
    for key, value in params.items():
        if key not in checks:
            check_choice("parameter", key, checks, "a notebook parameter")
        checks[key](value)


def _check_folder(value: object) -> str:
    if not isinstance(value, str):
        raise ParameterError("figures_dir", f"{value!r} is not a folder name (text)")
    return value
