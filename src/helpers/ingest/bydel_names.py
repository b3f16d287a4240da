"""Bydel names and codes as the sources write them, mapped to SSB codes (one place for all
publishers). Every unknown name is a :class:`helpers.errors.DataError` naming file, row and
column, with a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import numpy as np

from helpers.config import (
    BYDELER,
    OSLO_CODE,
    OSLO_NAME,
    OTHER_AREAS,
)
from helpers.errors import DataError

OSLO_NAMES: tuple[str, ...] = ("Oslo i alt", "Oslo", "Oslo kommune")
# Rows that are not one of the 15 bydeler and are dropped on purpose (listed, never guessed).
NON_BYDEL_NAMES: tuple[str, ...] = (
    "Sentrum",
    "Marka",
    "Uten registrert adresse",
    "Ukjent bydel",
    "Sum bydeler",
    "Uoppgitt bydel",
    "Uoppgitt delbydel",
)

_TRANSLIT = str.maketrans({"ü": "u", "ø": "o", "æ": "ae", "å": "a", "é": "e", ".": " ", "-": " "})


def _name_key(name: str) -> str:
    """Comparison key: NFC, case-folded, 'Bydel ' prefix dropped, ASCII-folded, spaces collapsed."""
    key = unicodedata.normalize("NFC", name).casefold().strip()
    key = re.sub(r"^bydel\s+", "", key)
    key = key.translate(_TRANSLIT)
    return re.sub(r"\s+", " ", key).strip()


_BYDEL_KEYS: dict[str, str] = {_name_key(n): code for code, n in BYDELER.items()}
_OTHER_KEYS: dict[str, str] = {_name_key(n): code for code, n in OTHER_AREAS.items()}
_OSLO_KEYS: set[str] = {_name_key(n) for n in OSLO_NAMES}
_DROP_KEYS: set[str] = {_name_key(n) for n in NON_BYDEL_NAMES}


def geo_name(code: str) -> str:
    """Canonical name of a bydel code, Sentrum/Marka, or 0301 ("Oslo")."""
    if code == OSLO_CODE:
        return OSLO_NAME
    return {**BYDELER, **OTHER_AREAS}[code]


def normalise_bydel(
    name: object,
    *,
    include_other: bool = False,
    file: str | Path | None = None,
    row: int | str | None = None,
    column: str | None = None,
) -> str | None:
    """Map a bydel name as written in a source to its SSB code ("030101" … "030115").

    Handles the "Bydel " prefix, "St.Hanshaugen"/"St. Hanshaugen"/"St Hanshaugen",
    "Grunerløkka"/"Grünerløkka", case and whitespace. Oslo totals ("Oslo i alt") map to "0301".
    The rows in :data:`NON_BYDEL_NAMES` (Sentrum, Marka, unknown address, sums) return ``None`` so
    the caller drops them; with ``include_other=True`` Sentrum and Marka return 030116/030117.
    Anything else raises DataError naming file, row and column, with a "did you mean" suggestion.
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
        raise DataError(
            file, "missing bydel name; a bydel name is required", row=row, column=column
        )
    key = _name_key(str(name))
    if key in _BYDEL_KEYS:
        return _BYDEL_KEYS[key]
    if key in _OSLO_KEYS:
        return OSLO_CODE
    if include_other and key in _OTHER_KEYS:
        return _OTHER_KEYS[key]
    if key in _DROP_KEYS or key in _OTHER_KEYS:
        return None
    candidates = {
        **{_name_key(n): n for n in BYDELER.values()},
        **{_name_key(n): n for n in (*OSLO_NAMES, *NON_BYDEL_NAMES)},
    }
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    hint = (
        f'; did you mean "{candidates[close[0]]}"?'
        if close
        else f"; expected one of {list(BYDELER.values())} or 'Oslo i alt'"
    )
    raise DataError(file, f'unknown bydel "{name}"{hint}', row=row, column=column)
