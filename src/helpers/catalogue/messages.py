"""pydantic's ``ValidationError`` as the catalogue's :class:`~helpers.errors.DataError`.

The first problem in file order (an unknown field before the rest of its entry) becomes one line
naming the catalogue file, the entry as a person finds it in the file (``indicator
"uforetrygd"``, ``area "levekar", mål 1.1``, ``ranking "..."``, ``defaults``; ``indicator nr. 3
in the list`` when the entry has no valid id) and the field (``planned_source.confirmation``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from helpers import config
from helpers.catalogue.models import mal_str, model_at
from helpers.errors import DataError

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ENTRY_KINDS = {"indicators": "indicator", "ranking": "ranking", "areas": "area"}


def data_error(path: Path, raw: Mapping[str, Any], exc: ValidationError) -> DataError:
    """The first problem (in file order; an unknown field before the rest of its entry)."""
    errors = exc.errors(include_url=False)
    entry = errors[0]["loc"][:2]
    same = [e for e in errors if e["loc"][:2] == entry]
    first = next((e for e in same if e["type"] == "extra_forbidden"), same[0])
    loc = first["loc"]
    row, rest = _entry(raw, loc)
    fields = [str(p) for p in rest if isinstance(p, str) and not _is_tag(p)]
    column = ".".join(fields) if fields else None
    return DataError(path, _message(first, loc, fields), row=row, column=column)


def _is_tag(part: str) -> bool:
    """Parts of a pydantic location that name a type tried, not a field (``int``, ``float``)."""
    return part in {"int", "float", "str", "bool", "list", "dict"} or "[" in part


def _entry(raw: Mapping[str, Any], loc: tuple[Any, ...]) -> tuple[str | None, tuple[Any, ...]]:
    """(entry as the messages name it, the rest of the location) for a pydantic location."""
    section = loc[0]
    if section == "defaults" and len(loc) > 1:
        return "defaults", loc[1:]
    if len(loc) < 2 or not isinstance(loc[1], int):
        return None, loc
    pos = loc[1]
    items = raw.get(section)
    item = items[pos] if isinstance(items, list) and pos < len(items) else None
    key = item.get("nr" if section == "hovedmal" else "id") if isinstance(item, Mapping) else None
    if section == "hovedmal":
        known = key in (1, 2) and not isinstance(key, bool)
        return (f"hovedmål {key}" if known else f"hovedmål nr. {pos + 1} in the list"), loc[2:]
    kind = _ENTRY_KINDS[section]
    valid = isinstance(key, str) and (section != "areas" or key in config.AREAS)
    valid = valid and (section == "areas" or bool(_ID.match(key)))
    row = f'{kind} "{key}"' if valid else f"{kind} nr. {pos + 1} in the list"
    if section == "areas" and len(loc) > 4 and loc[2] == "mal" and isinstance(loc[3], int):
        mal = item["mal"][loc[3]] if isinstance(item.get("mal"), list) else None
        nr = mal.get("nr") if isinstance(mal, Mapping) else None
        if nr is not None and loc[4] != "nr":
            return f"{row}, mål {mal_str(nr)}", loc[4:]
    return row, loc[2:]


def _message(error: Any, loc: tuple[Any, ...], fields: list[str]) -> str:
    kind, value = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing required section" if len(loc) == 1 else "missing required field"
    if kind == "extra_forbidden":
        model = model_at(tuple(p for p in loc[:-1] if isinstance(p, str) and not _is_tag(p)))
        allowed = sorted(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return f"unknown field{hint}; allowed fields: {', '.join(allowed)}"
    if kind == "literal_error":
        return f"{value!r} is not allowed; expected one of {ctx.get('expected', '')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value), got {type(value).__name__}"
    if kind == "list_type":
        return f"expected a list, got {type(value).__name__}"
    if kind == "string_pattern_mismatch" and fields and fields[-1] == "id":
        return (
            f"{value!r} is not a valid id (lower-case ASCII letters, digits and _, "
            "starting with a letter)"
        )
    if kind in ("string_type", "string_too_short"):
        return f"expected non-empty text, got {value!r}"
    if fields and fields[-1] in ("min_numerator", "min_denominator"):
        return f"expected a positive whole number, got {value!r}"
    if kind == "too_short" and fields and fields[-1] == "mal":
        return "an area needs at least one mål"
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"{text[:1].lower()}{text[1:]} (got {value!r})"
