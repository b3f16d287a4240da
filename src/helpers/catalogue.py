"""Indicator catalogue: read, validate and query ``data/indicators.yml``.

The catalogue is the strategy's indicator set (Folkehelsestrategi for Oslo 2023–2030): its two
hovedmål, the five innsatsområder with their numbered mål, the socioeconomic ranking variables
and every indicator (available ones with data, planned ones with the public table that would
supply them). It follows the structure of the project's researched draft (shared
``catalogue/indicators.yml`` and ``NOTES.md``); the field meanings are documented in the header
of ``data/indicators.yml``.

Validation is a plain schema written out in code (not pandera), so that every problem becomes a
:class:`helpers.errors.DataError` naming the catalogue file, the entry
(``indicator "uforetrygd"``, ``area "levekar"``, ``ranking "..."``) and the field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from helpers import config
from helpers.errors import DataError

if TYPE_CHECKING:  # pandas is imported where used: checking a build option must be quick
    import pandas as pd

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


# ----------------------------------------------------------------------------------------------
# Dataclasses
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """A published table: where an available indicator's data come from, or would come from."""

    publisher: str
    table: str | None = None
    table_id: str | None = None
    product: str | None = None
    url: str | None = None
    confirmation: str | None = None
    denominator_table: str | None = None
    alternative: str | None = None
    note: str | None = None

    @property
    def label_nb(self) -> str:
        """Short source line for figures, e.g. ``Oslo kommune (data fra NAV), OK-SOS006``."""
        parts = [self.publisher]
        if self.table_id:
            parts.append(self.table_id)
        elif self.table:
            parts.append(f"«{self.table}»")
        return ", ".join(parts)

    def text_nb(self, *, confirmation: bool = False) -> str:
        """Source for running text: ``Publisher, «table» (table_id)``, optionally how far the
        table has been confirmed (for planned sources)."""
        out = self.publisher
        if self.table:
            out += f", «{self.table}»"
        if self.table_id:
            out += f" ({self.table_id})" if self.table else f", {self.table_id}"
        if confirmation and self.confirmation:
            out += f"; {CONFIRMATION_NB[self.confirmation]}"
        return out


@dataclass(frozen=True)
class Goal:
    """A hovedmål (``nr`` "1"/"2", ``area`` None) or an innsatsområde's mål (``nr`` "1.1")."""

    nr: str
    text_nb: str
    text_en: str | None = None
    short_nb: str | None = None
    area: str | None = None
    measured_by_nb: str | None = None

    @property
    def label_nb(self) -> str:
        """``"1.1 Arbeid for alle som kan"`` (short text when there is one)."""
        return f"{self.nr} {self.short_nb or self.text_nb}"


@dataclass(frozen=True)
class Gap:
    """A mål that no published bydel-level statistic covers yet, with what could cover it."""

    mal: str
    note_nb: str


@dataclass(frozen=True)
class AreaEntry:
    """One innsatsområde as the catalogue describes it (ids and titles agree with config.AREAS)."""

    id: str
    number: int
    title_nb: str
    title_en: str
    vision_nb: str
    mal: tuple[Goal, ...]
    gaps: tuple[Gap, ...] = ()

    @property
    def goals(self) -> tuple[Goal, ...]:
        """The area's mål (same as ``mal``)."""
        return self.mal

    @property
    def mal_numbers(self) -> tuple[str, ...]:
        return tuple(g.nr for g in self.mal)

    def goal(self, nr: str) -> Goal:
        """The mål with number ``nr`` (e.g. ``"1.2"``)."""
        for g in self.mal:
            if g.nr == nr:
                return g
        raise KeyError(f'area "{self.id}" has no mål "{nr}" (it has {", ".join(self.mal_numbers)})')


@dataclass(frozen=True)
class SeriesBreak:
    """A break in an indicator's time series: ``year`` is the first year of the new series."""

    year: int
    reason_nb: str


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue. ``area`` is None for overarching (hovedmål) indicators."""

    id: str
    name_nb: str
    name_en: str
    area: str | None
    mal: tuple[str, ...]
    hovedmal: int
    type: str
    unit: str
    unit_nb: str
    value_type: str
    multiplier: float
    polarity: str
    denominator: str
    period: str
    status: str
    source: Source | None = None
    planned_source: Source | None = None
    min_numerator: int = DEFAULT_MIN_NUMERATOR
    min_denominator: int = DEFAULT_MIN_DENOMINATOR
    note_nb: str | None = None
    series_breaks: tuple[SeriesBreak, ...] = ()
    fetch: Mapping[str, Any] | None = field(default=None, compare=False)  # make data

    @property
    def latest_break(self) -> SeriesBreak | None:
        """The most recent series break (trends are fitted on the years from it), or None."""
        return max(self.series_breaks, key=lambda b: b.year) if self.series_breaks else None

    @property
    def is_available(self) -> bool:
        return self.status == "available"

    @property
    def is_overarching(self) -> bool:
        return self.area is None

    @property
    def higher_is_better(self) -> bool | None:
        """True/False from the polarity; None when the direction depends on interpretation."""
        return {"higher_is_better": True, "lower_is_better": False}.get(self.polarity)

    def denominator_text(self) -> str:
        """``Per 100 innbyggere 18–66 år. Nevner: bosatte 18–66 år (...)`` (no final full stop)."""
        return f"{_upper_first(self.unit_nb)}. Nevner: {_lower_first(self.denominator)}"

    def source_text(self) -> str:
        """The source for running text (``source``, or ``planned_source`` when planned)."""
        return self.any_source.text_nb()

    def planned_source_text(self) -> str:
        """The planned source with its confirmation level (empty for available indicators)."""
        if self.planned_source is None:
            return ""
        return self.planned_source.text_nb(confirmation=True)

    @property
    def any_source(self) -> Source:
        """``source`` for available indicators, ``planned_source`` for planned ones."""
        src = self.source if self.source is not None else self.planned_source
        assert src is not None  # guaranteed by validation
        return src


@dataclass(frozen=True)
class RankingVariable:
    """A socioeconomic variable the bydeler are ranked by in the gradient analysis.

    ``disadvantaged`` says which end is most disadvantaged ("low": a low value = most
    disadvantaged bydel). ``indicator`` is set when the variable is a catalogue indicator; its
    name, unit and source are then inherited. ``avoid_for`` lists indicators it must not rank.
    """

    id: str
    name_nb: str
    name_en: str
    unit: str
    unit_nb: str
    disadvantaged: str
    status: str
    default: bool = False
    year: int | None = None
    indicator: str | None = None
    definition_nb: str | None = None
    why_nb: str | None = None
    note_nb: str | None = None
    avoid_for: tuple[str, ...] = ()
    source: Source | None = None
    planned_source: Source | None = None

    @property
    def is_available(self) -> bool:
        return self.status == "available"

    @property
    def sort_ascending(self) -> bool:
        """Sort values ascending to order bydeler from most to least disadvantaged."""
        return self.disadvantaged == "low"

    def suitable_for(self, indicator_id: str) -> bool:
        """False when ranking ``indicator_id`` by this variable would be circular."""
        return indicator_id not in self.avoid_for and indicator_id != self.indicator


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue. Build it with :func:`load_catalogue`."""

    path: Path
    version: str
    hovedmal: tuple[Goal, ...]
    areas: tuple[AreaEntry, ...]
    indicators: tuple[Indicator, ...]
    ranking_variables: tuple[RankingVariable, ...]
    min_numerator: int = DEFAULT_MIN_NUMERATOR
    min_denominator: int = DEFAULT_MIN_DENOMINATOR
    _by_id: dict[str, Indicator] = field(init=False, repr=False, compare=False)
    _areas: dict[str, AreaEntry] = field(init=False, repr=False, compare=False)
    _ranking: dict[str, RankingVariable] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {i.id: i for i in self.indicators})
        object.__setattr__(self, "_areas", {a.id: a for a in self.areas})
        object.__setattr__(self, "_ranking", {r.id: r for r in self.ranking_variables})

    # -- lookups --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    def ids(self, status: str | None = None) -> tuple[str, ...]:
        """Indicator ids in file order, optionally only ``available`` or ``planned`` ones."""
        return tuple(i.id for i in self._filter(self.indicators, status))

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError with suggestions when unknown)."""
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(_unknown("indicator", indicator_id, self._by_id)) from None

    def area(self, area_id: str) -> AreaEntry:
        """The innsatsområde with this id (ids as in helpers.config.AREAS)."""
        try:
            return self._areas[area_id]
        except KeyError:
            raise KeyError(_unknown("area", area_id, self._areas)) from None

    def goal(self, nr: str) -> Goal:
        """An innsatsområde's mål by number, e.g. ``goal("2.3")``."""
        m = _MAL_RE.match(str(nr))
        for a in self.areas:
            if m and int(m.group(1)) == a.number:
                return a.goal(str(nr))
        raise KeyError(f'no mål "{nr}" in the catalogue (mål are numbered like "1.1")')

    def hovedmal_goal(self, nr: int) -> Goal:
        """Hovedmål 1 or 2."""
        for g in self.hovedmal:
            if g.nr == str(nr):
                return g
        raise KeyError(f"no hovedmål {nr!r} (the strategy has hovedmål 1 and 2)")

    # -- selections -----------------------------------------------------------------------
    def for_area(self, area_id: str, status: str | None = None) -> tuple[Indicator, ...]:
        """Indicators of one innsatsområde, optionally only ``available`` or ``planned`` ones."""
        self.area(area_id)
        return self._filter((i for i in self.indicators if i.area == area_id), status)

    def available(self, area_id: str | None = None) -> tuple[Indicator, ...]:
        """Available indicators of one area, or of the whole catalogue when ``area_id`` is None."""
        if area_id is None:
            return self._filter(self.indicators, "available")
        return self.for_area(area_id, "available")

    def planned(self, area_id: str | None = None) -> tuple[Indicator, ...]:
        """Planned indicators of one area, or of the whole catalogue when ``area_id`` is None."""
        if area_id is None:
            return self._filter(self.indicators, "planned")
        return self.for_area(area_id, "planned")

    def overarching(self, status: str | None = None) -> tuple[Indicator, ...]:
        """Indicators for the hovedmål as a whole (``area: null``)."""
        return self._filter((i for i in self.indicators if i.area is None), status)

    def for_hovedmal(self, nr: int, status: str | None = None) -> tuple[Indicator, ...]:
        """Indicators that measure hovedmål ``nr`` (1 or 2), in any area."""
        self.hovedmal_goal(nr)
        return self._filter((i for i in self.indicators if i.hovedmal == nr), status)

    def for_goal(self, nr: str, status: str | None = None) -> tuple[Indicator, ...]:
        """Indicators that follow one mål, e.g. ``for_goal("1.1")``."""
        self.goal(nr)
        return self._filter((i for i in self.indicators if nr in i.mal), status)

    def ranking(self, ranking_id: str | None = None) -> RankingVariable:
        """A ranking variable by id; the default one (``default: true``) when id is None."""
        if ranking_id is None:
            return next(r for r in self.ranking_variables if r.default)
        try:
            return self._ranking[ranking_id]
        except KeyError:
            raise KeyError(_unknown("ranking variable", ranking_id, self._ranking)) from None

    def thresholds(self) -> dict[str, dict[str, int]]:
        """``{id: {"min_numerator": n, "min_denominator": d}}`` for helpers.pipeline.suppress."""
        return {
            i.id: {"min_numerator": i.min_numerator, "min_denominator": i.min_denominator}
            for i in self.indicators
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator (file order), for overview tables in the report."""
        import pandas as pd

        rows = []
        for i in self.indicators:
            area = self._areas.get(i.area) if i.area else None
            src = i.any_source
            rows.append(
                {
                    "id": i.id,
                    "name_nb": i.name_nb,
                    "name_en": i.name_en,
                    "area": i.area,
                    "area_number": area.number if area else None,
                    "area_title_nb": area.title_nb if area else None,
                    "mal": ", ".join(i.mal),
                    "hovedmal": i.hovedmal,
                    "type": i.type,
                    "unit": i.unit,
                    "unit_nb": i.unit_nb,
                    "value_type": i.value_type,
                    "multiplier": i.multiplier,
                    "polarity": i.polarity,
                    "denominator": i.denominator,
                    "period": i.period,
                    "status": i.status,
                    "publisher": src.publisher,
                    "table": src.table,
                    "table_id": src.table_id,
                    "url": src.url,
                    "confirmation": src.confirmation,
                    "source_label_nb": src.label_nb,
                    "min_numerator": i.min_numerator,
                    "min_denominator": i.min_denominator,
                    "note_nb": i.note_nb,
                }
            )
        frame = pd.DataFrame(rows)
        frame["area_number"] = frame["area_number"].astype("Int64")
        return frame

    @staticmethod
    def _filter(items: Iterable[Indicator], status: str | None) -> tuple[Indicator, ...]:
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES} or None, got {status!r}")
        return tuple(i for i in items if status is None or i.status == status)


def _unknown(kind: str, key: object, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=3)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown {kind} {key!r}{hint}"


# ----------------------------------------------------------------------------------------------
# Loading and validation
# ----------------------------------------------------------------------------------------------
_CACHE: dict[Path, tuple[tuple[int, int], Catalogue]] = {}


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue (default ``config.CATALOGUE_FILE``).

    Cached by path, modification time and size, so notebooks can call it freely.
    Raises DataError (file, entry, field) for anything that does not follow the schema.
    """
    p = Path(path) if path is not None else config.CATALOGUE_FILE
    try:
        st = p.resolve().stat()
    except FileNotFoundError:
        raise DataError(p, "catalogue file not found") from None
    key = (st.st_mtime_ns, st.st_size)
    cached = _CACHE.get(p.resolve())
    if cached is not None and cached[0] == key:
        return cached[1]
    catalogue = _Parser(p).parse()
    _CACHE[p.resolve()] = (key, catalogue)
    return catalogue


class _Parser:
    """Turns the YAML into dataclasses; every problem is a DataError naming entry and field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # -- error helpers --------------------------------------------------------------------
    def error(self, message: str, row: str | None = None, column: str | None = None) -> DataError:
        return DataError(self.path, message, row=row, column=column)

    def check_keys(self, data: Mapping[str, Any], allowed: set[str], row: str | None) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                raise self.error(
                    f"unknown field{hint}; allowed fields: {', '.join(sorted(allowed))}",
                    row=row,
                    column=str(key),
                )

    def text(self, data: Mapping[str, Any], key: str, row: str, required: bool = True) -> Any:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error("missing required field (expected non-empty text)", row, key)
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"expected non-empty text, got {value!r}", row, key)
        return value.strip()

    def choice(self, data: Mapping[str, Any], key: str, allowed: Iterable[str], row: str) -> str:
        allowed = tuple(allowed)
        value = data.get(key)
        if value is None:
            raise self.error(
                f"missing required field (expected one of {', '.join(allowed)})", row, key
            )
        if value not in allowed:
            raise self.error(
                f"{value!r} is not allowed; expected one of {', '.join(allowed)}", row, key
            )
        return value

    def positive_int(self, data: Mapping[str, Any], key: str, default: int, row: str | None) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.error(f"expected a positive whole number, got {value!r}", row, key)
        return value

    def mapping(self, value: Any, row: str | None, column: str | None) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(
                f"expected a mapping (key: value), got {type(value).__name__}", row, column
            )
        return value

    def sequence(self, value: Any, row: str | None, column: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.error(f"expected a list, got {type(value).__name__}", row, column)
        return value

    # -- top level ------------------------------------------------------------------------
    def parse(self) -> Catalogue:
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            row = f"line {mark.line + 1}" if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.error(f"not valid YAML: {problem}", row=row) from None
        except UnicodeDecodeError as exc:
            raise self.error(f"not UTF-8 text: {exc}") from None
        data = self.mapping(raw, None, None)
        self.check_keys(data, _TOP_KEYS, None)
        for key in ("hovedmal", "areas", "ranking", "indicators"):
            if key not in data:
                raise self.error("missing required section", column=key)

        defaults = self.mapping(data.get("defaults") or {}, "defaults", None)
        self.check_keys(defaults, {"min_numerator", "min_denominator"}, "defaults")
        min_num = self.positive_int(defaults, "min_numerator", DEFAULT_MIN_NUMERATOR, "defaults")
        min_den = self.positive_int(
            defaults, "min_denominator", DEFAULT_MIN_DENOMINATOR, "defaults"
        )

        hovedmal = self.parse_hovedmal(self.sequence(data["hovedmal"], None, "hovedmal"))
        areas = self.parse_areas(self.sequence(data["areas"], None, "areas"))
        indicators = self.parse_indicators(
            self.sequence(data["indicators"], None, "indicators"), areas, min_num, min_den
        )
        ranking = self.parse_ranking(self.sequence(data["ranking"], None, "ranking"), indicators)
        return Catalogue(
            path=self.path,
            version=str(data.get("version", "")),
            hovedmal=hovedmal,
            areas=tuple(areas.values()),
            indicators=tuple(indicators.values()),
            ranking_variables=ranking,
            min_numerator=min_num,
            min_denominator=min_den,
        )

    def parse_hovedmal(self, items: list[Any]) -> tuple[Goal, ...]:
        goals: dict[int, Goal] = {}
        for pos, item in enumerate(items, start=1):
            row = f"hovedmål nr. {pos} in the list"
            entry = self.mapping(item, row, None)
            nr = entry.get("nr")
            if nr not in (1, 2) or isinstance(nr, bool):
                raise self.error(f"expected 1 or 2, got {nr!r}", row, "nr")
            row = f"hovedmål {nr}"
            self.check_keys(entry, _HOVEDMAL_KEYS, row)
            if nr in goals:
                raise self.error("hovedmål listed twice", row, "nr")
            goals[nr] = Goal(
                nr=str(nr),
                text_nb=self.text(entry, "text_nb", row),
                text_en=self.text(entry, "text_en", row),
                measured_by_nb=self.text(entry, "measured_by_nb", row, required=False),
            )
        for nr in (1, 2):
            if nr not in goals:
                raise self.error(
                    f"hovedmål {nr} is missing (the strategy has two)", column="hovedmal"
                )
        return (goals[1], goals[2])

    def parse_areas(self, items: list[Any]) -> dict[str, AreaEntry]:
        areas: dict[str, AreaEntry] = {}
        for pos, item in enumerate(items, start=1):
            entry = self.mapping(item, f"area nr. {pos} in the list", None)
            area_id = entry.get("id")
            if area_id not in config.AREAS:
                raise self.error(
                    f"unknown area {area_id!r}; expected one of {', '.join(config.AREAS)}",
                    f"area nr. {pos} in the list",
                    "id",
                )
            row = f'area "{area_id}"'
            if area_id in areas:
                raise self.error("area listed twice", row, "id")
            self.check_keys(entry, _AREA_KEYS, row)
            ref = config.AREAS[area_id]
            number = entry.get("number")
            if number != ref.number or isinstance(number, bool):
                raise self.error(
                    f"expected {ref.number} (as in helpers.config.AREAS), got {number!r}",
                    row,
                    "number",
                )
            title = self.text(entry, "title_nb", row)
            if title != ref.title_nb:
                raise self.error(
                    f'"{title}" differs from helpers.config.AREAS ("{ref.title_nb}")',
                    row,
                    "title_nb",
                )
            title_en = self.text(entry, "title_en", row, required=False) or ref.title_en
            goals = self.parse_mal(
                self.sequence(entry.get("mal"), row, "mal"), ref.number, area_id, row
            )
            numbers = {g.nr for g in goals}
            gaps = []
            for gap_item in self.sequence(entry.get("gaps") or [], row, "gaps"):
                gap = self.mapping(gap_item, row, "gaps")
                self.check_keys(gap, _GAP_KEYS, row)
                nr = _mal_str(gap.get("mal"))
                if nr not in numbers:
                    raise self.error(
                        f'gap for mål "{nr}", which is not one of this area\'s mål '
                        f"({', '.join(sorted(numbers))})",
                        row,
                        "gaps",
                    )
                gaps.append(Gap(mal=nr, note_nb=self.text(gap, "note_nb", row)))
            areas[area_id] = AreaEntry(
                id=area_id,
                number=ref.number,
                title_nb=title,
                title_en=title_en,
                vision_nb=self.text(entry, "vision_nb", row),
                mal=goals,
                gaps=tuple(gaps),
            )
        for area_id in config.AREAS:
            if area_id not in areas:
                raise self.error(
                    f'area "{area_id}" is missing (all five innsatsområder are required)',
                    column="areas",
                )
        # keep the strategy's order regardless of the order in the file
        return {a: areas[a] for a in sorted(areas, key=lambda a: areas[a].number)}

    def parse_mal(self, items: list[Any], number: int, area_id: str, row: str) -> tuple[Goal, ...]:
        if not items:
            raise self.error("an area needs at least one mål", row, "mal")
        goals: list[Goal] = []
        for item in items:
            entry = self.mapping(item, row, "mal")
            self.check_keys(entry, _MAL_KEYS, row)
            nr = _mal_str(entry.get("nr"))
            m = _MAL_RE.match(nr)
            if m is None or int(m.group(1)) != number:
                raise self.error(
                    f'mål number "{nr}" must look like "{number}.1" (area number, dot, mål number)',
                    row,
                    "mal",
                )
            if any(g.nr == nr for g in goals):
                raise self.error(f'mål "{nr}" listed twice', row, "mal")
            goals.append(
                Goal(
                    nr=nr,
                    text_nb=self.text(entry, "text_nb", f"{row}, mål {nr}"),
                    text_en=self.text(entry, "text_en", f"{row}, mål {nr}", required=False),
                    short_nb=self.text(entry, "short_nb", f"{row}, mål {nr}", required=False),
                    area=area_id,
                )
            )
        return tuple(goals)

    def parse_source(self, value: Any, row: str, column: str, planned: bool) -> Source:
        entry = self.mapping(value, row, column)
        for key in entry:
            if key not in _SOURCE_KEYS:
                close = difflib.get_close_matches(str(key), sorted(_SOURCE_KEYS), n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                raise self.error(
                    f"unknown field {key!r}{hint}; allowed: {', '.join(sorted(_SOURCE_KEYS))}",
                    row,
                    column,
                )
        if not isinstance(entry.get("publisher"), str) or not entry["publisher"].strip():
            raise self.error("needs a publisher (non-empty text)", row, f"{column}.publisher")
        if not entry.get("table") and not entry.get("table_id"):
            raise self.error("needs a table or a table_id", row, column)
        conf = entry.get("confirmation")
        if conf is None and planned:
            raise self.error(
                f"a planned source needs a confirmation level ({', '.join(CONFIRMATIONS)})",
                row,
                f"{column}.confirmation",
            )
        if conf is not None and conf not in CONFIRMATIONS:
            raise self.error(
                f"{conf!r} is not allowed; expected one of {', '.join(CONFIRMATIONS)}",
                row,
                f"{column}.confirmation",
            )
        for key in _SOURCE_KEYS - {"publisher"}:
            if entry.get(key) is not None and not isinstance(entry[key], str):
                raise self.error(f"expected text, got {entry[key]!r}", row, f"{column}.{key}")
        return Source(**{k: (v.strip() if isinstance(v, str) else v) for k, v in entry.items()})

    def source_pair(
        self, entry: Mapping[str, Any], status: str, row: str
    ) -> tuple[Source | None, Source | None]:
        """(source, planned_source), checked against the status."""
        if status == "available":
            if entry.get("source") is None:
                raise self.error(
                    "an available entry needs a source (publisher, table_id/table)", row, "source"
                )
            if entry.get("planned_source") is not None:
                raise self.error(
                    "an available entry has no planned_source; its table goes under source",
                    row,
                    "planned_source",
                )
            return self.parse_source(entry["source"], row, "source", planned=False), None
        if entry.get("planned_source") is None:
            raise self.error(
                "a planned entry needs planned_source (the public table that would supply it)",
                row,
                "planned_source",
            )
        if entry.get("source") is not None:
            raise self.error(
                "a planned entry has no source; describe its table under planned_source "
                "(or set status: available once the data are in place)",
                row,
                "source",
            )
        return None, self.parse_source(entry["planned_source"], row, "planned_source", planned=True)

    # -- indicators -----------------------------------------------------------------------
    def parse_indicators(
        self, items: list[Any], areas: Mapping[str, AreaEntry], min_num: int, min_den: int
    ) -> dict[str, Indicator]:
        out: dict[str, Indicator] = {}
        positions: dict[str, int] = {}
        for pos, item in enumerate(items, start=1):
            entry = self.mapping(item, f"indicator nr. {pos} in the list", None)
            ind_id = entry.get("id")
            if ind_id is None:
                raise self.error("missing required field", f"indicator nr. {pos} in the list", "id")
            if not isinstance(ind_id, str) or not _ID_RE.match(ind_id):
                raise self.error(
                    f"{ind_id!r} is not a valid id (lower-case ASCII letters, digits and _, "
                    "starting with a letter)",
                    f"indicator nr. {pos} in the list",
                    "id",
                )
            row = f'indicator "{ind_id}"'
            if ind_id in out:
                raise self.error(
                    f"duplicate id: entries nr. {positions[ind_id]} and {pos} in the list "
                    "both use it",
                    row,
                    "id",
                )
            positions[ind_id] = pos
            out[ind_id] = self.parse_indicator(entry, row, areas, min_num, min_den)
        if not out:
            raise self.error("the catalogue has no indicators", column="indicators")
        return out

    def parse_indicator(
        self,
        entry: Mapping[str, Any],
        row: str,
        areas: Mapping[str, AreaEntry],
        min_num: int,
        min_den: int,
    ) -> Indicator:
        self.check_keys(entry, _INDICATOR_KEYS, row)
        for key in _INDICATOR_REQUIRED:
            if key not in entry:
                raise self.error("missing required field", row, key)

        area_id = entry["area"]
        if area_id is not None and area_id not in areas:
            raise self.error(
                f"unknown area {area_id!r}; expected one of {', '.join(areas)} "
                "(or null for an overarching indicator)",
                row,
                "area",
            )
        mal = tuple(_mal_str(m) for m in self.sequence(entry["mal"], row, "mal"))
        if area_id is None:
            if mal:
                raise self.error(
                    "an overarching indicator (area: null) follows no mål; use mal: []", row, "mal"
                )
        else:
            known = areas[area_id].mal_numbers
            # mal: [] = background for the area (it measures none of the area's mål directly)
            for nr in mal:
                if nr not in known:
                    raise self.error(
                        f'mål "{nr}" does not exist in area "{area_id}" '
                        f"(its mål: {', '.join(known)})",
                        row,
                        "mal",
                    )
            if len(set(mal)) != len(mal):
                raise self.error("a mål is listed twice", row, "mal")

        hovedmal = entry["hovedmal"]
        if hovedmal not in (1, 2) or isinstance(hovedmal, bool):
            raise self.error(f"expected 1 or 2, got {hovedmal!r}", row, "hovedmal")

        unit = self.choice(entry, "unit", UNIT_MULTIPLIERS, row)
        value_type = self.choice(entry, "value_type", VALUE_TYPES, row)
        if unit not in VALUE_TYPE_UNITS[value_type]:
            raise self.error(
                f"unit {unit!r} does not fit value_type {value_type!r} "
                f"(expected one of {', '.join(sorted(VALUE_TYPE_UNITS[value_type]))})",
                row,
                "unit",
            )
        multiplier = entry.get("multiplier", UNIT_MULTIPLIERS[unit])
        if isinstance(multiplier, bool) or not isinstance(multiplier, int | float):
            raise self.error(f"expected a number, got {multiplier!r}", row, "multiplier")
        if multiplier != UNIT_MULTIPLIERS[unit]:
            raise self.error(
                f"{multiplier!r} does not match unit {unit!r} (expected {UNIT_MULTIPLIERS[unit]})",
                row,
                "multiplier",
            )
        status = self.choice(entry, "status", STATUSES, row)
        source, planned_source = self.source_pair(entry, status, row)
        fetch = entry.get("fetch")
        if status == "planned" and isinstance(fetch, Mapping) and fetch.get("publisher"):
            from helpers.ingest.paths import fetched_path  # available once make data fetched it

            if fetched_path(entry["id"], dict(entry["fetch"])).is_file():
                status, source, planned_source = "available", planned_source, None
        min_numerator = self.positive_int(entry, "min_numerator", min_num, row)
        min_denominator = self.positive_int(entry, "min_denominator", min_den, row)
        return Indicator(
            id=entry["id"],
            name_nb=self.text(entry, "name_nb", row),
            name_en=self.text(entry, "name_en", row),
            area=area_id,
            mal=mal,
            hovedmal=hovedmal,
            type=self.choice(entry, "type", TYPES, row),
            unit=unit,
            unit_nb=self.text(entry, "unit_nb", row),
            value_type=value_type,
            multiplier=multiplier,
            polarity=self.choice(entry, "polarity", POLARITIES, row),
            denominator=self.text(entry, "denominator", row),
            period=self.text(entry, "period", row),
            status=status,
            source=source,
            planned_source=planned_source,
            min_numerator=min_numerator,
            min_denominator=min_denominator,
            note_nb=self.text(entry, "note_nb", row, required=False),
            series_breaks=self.series_breaks(entry, row),
            fetch=self.mapping(entry["fetch"], row, "fetch") if entry.get("fetch") else None,
        )

    def series_breaks(self, entry: Mapping[str, Any], row: str) -> tuple[SeriesBreak, ...]:
        """``series_breaks: [{year: 2015, reason_nb: "..."}]`` (optional), sorted by year."""
        out = []
        for item in self.sequence(entry.get("series_breaks") or [], row, "series_breaks"):
            item = self.mapping(item, row, "series_breaks")
            self.check_keys(item, _SERIES_BREAK_KEYS, row)
            year = item.get("year")
            if isinstance(year, bool) or not isinstance(year, int) or not 1900 < year < 2100:
                raise self.error(
                    f"expected a year such as 2015, got {year!r}", row, "series_breaks"
                )
            out.append(SeriesBreak(year, self.text(item, "reason_nb", row)))
        if len({b.year for b in out}) != len(out):
            raise self.error("a year is listed twice", row, "series_breaks")
        return tuple(sorted(out, key=lambda b: b.year))

    def inherit(self, entry: Mapping[str, Any], ind: Indicator | None, key: str, row: str) -> str:
        """A ranking variable's field, taken from its indicator when the entry leaves it out."""
        if entry.get(key) is None and ind is not None:
            return getattr(ind, key)
        return self.text(entry, key, row)

    # -- ranking --------------------------------------------------------------------------
    def parse_ranking(
        self, items: list[Any], indicators: Mapping[str, Indicator]
    ) -> tuple[RankingVariable, ...]:
        out: dict[str, RankingVariable] = {}
        for pos, item in enumerate(items, start=1):
            entry = self.mapping(item, f"ranking nr. {pos} in the list", None)
            rid = entry.get("id")
            if not isinstance(rid, str) or not _ID_RE.match(rid):
                raise self.error(
                    f"missing or invalid id {rid!r}", f"ranking nr. {pos} in the list", "id"
                )
            row = f'ranking "{rid}"'
            if rid in out:
                raise self.error("duplicate id in ranking", row, "id")
            self.check_keys(entry, _RANKING_KEYS, row)
            status = self.choice(entry, "status", STATUSES, row)
            disadvantaged = self.choice(entry, "disadvantaged", DISADVANTAGED, row)
            default = entry.get("default", False)
            if not isinstance(default, bool):
                raise self.error(f"expected true or false, got {default!r}", row, "default")

            ind_id = entry.get("indicator")
            ind: Indicator | None = None
            if ind_id is not None:
                if ind_id not in indicators:
                    raise self.error(_unknown("indicator", ind_id, indicators), row, "indicator")
                ind = indicators[ind_id]
                if status == "available" and not ind.is_available:
                    raise self.error(
                        f'indicator "{ind_id}" is planned, so this ranking cannot be available',
                        row,
                        "status",
                    )
            elif rid in indicators:
                raise self.error(
                    f'id "{rid}" is also an indicator id; add indicator: {rid} to reuse it, '
                    "or rename it",
                    row,
                    "id",
                )

            if ind is not None and "source" not in entry and "planned_source" not in entry:
                source, planned_source = ind.source, ind.planned_source
            else:
                source, planned_source = self.source_pair(entry, status, row)

            unit = self.inherit(entry, ind, "unit", row)
            if unit not in UNIT_MULTIPLIERS:
                raise self.error(
                    f"{unit!r} is not allowed; expected one of {', '.join(UNIT_MULTIPLIERS)}",
                    row,
                    "unit",
                )
            year = entry.get("year")
            if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
                raise self.error(f"expected a year (whole number), got {year!r}", row, "year")
            if status == "available" and year is None:
                raise self.error("an available ranking variable needs a fixed year", row, "year")
            avoid = tuple(self.sequence(entry.get("avoid_for") or [], row, "avoid_for"))
            for a in avoid:
                if a not in indicators:
                    raise self.error(_unknown("indicator", a, indicators), row, "avoid_for")
            out[rid] = RankingVariable(
                id=rid,
                name_nb=self.inherit(entry, ind, "name_nb", row),
                name_en=self.inherit(entry, ind, "name_en", row),
                unit=unit,
                unit_nb=self.inherit(entry, ind, "unit_nb", row),
                disadvantaged=disadvantaged,
                status=status,
                default=default,
                year=year,
                indicator=ind_id,
                definition_nb=self.text(entry, "definition_nb", row, required=False),
                why_nb=self.text(entry, "why_nb", row, required=False),
                note_nb=self.text(entry, "note_nb", row, required=False),
                avoid_for=avoid,
                source=source,
                planned_source=planned_source,
            )
        defaults = [r for r in out.values() if r.default]
        if len(defaults) != 1:
            names = ", ".join(r.id for r in defaults) or "none"
            raise self.error(
                f"exactly one ranking variable needs default: true (found: {names})",
                column="ranking",
            )
        if not defaults[0].is_available:
            raise self.error(
                "the default ranking variable must be available",
                f'ranking "{defaults[0].id}"',
                "default",
            )
        return tuple(out.values())


def _upper_first(value: str) -> str:
    return value[:1].upper() + value[1:]


def _lower_first(value: str) -> str:
    """Lower-case the first letter unless the first word is a name (Oslo, FHI)."""
    first = value.split(" ", 1)[0]
    if first.isupper() or first in {"Oslo", "Oslos"}:
        return value
    return value[:1].lower() + value[1:]


def _mal_str(value: Any) -> str:
    """Mål numbers as text: "1.1" (a YAML float 1.1 is accepted and turned into "1.1")."""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


# ----------------------------------------------------------------------------------------------
# Catalogue vs. data
# ----------------------------------------------------------------------------------------------
def check_against_data(
    catalogue: Catalogue, tidy: pd.DataFrame, *, source: str | Path | None = None
) -> None:
    """Check that the tidy indicator table and the catalogue agree.

    Raises DataError when an indicator_id in the data is neither a catalogue indicator nor a
    ranking variable, when an ``available`` indicator has no rows, or when a ``planned``
    indicator (or planned ranking variable) has rows. ``source`` names the data file in the
    message (default: the catalogue file).
    """
    file = source if source is not None else catalogue.path
    cat_name = _display(catalogue.path)
    if "indicator_id" not in tidy.columns:
        raise DataError(file, "the tidy table has no indicator_id column", column="indicator_id")
    in_data = {str(v) for v in tidy["indicator_id"].dropna().unique()}
    ranking_ids = {r.id for r in catalogue.ranking_variables}
    known = set(catalogue.ids()) | ranking_ids

    unknown = sorted(in_data - known)
    if unknown:
        hints = "; ".join(_unknown("indicator", u, known) for u in unknown)
        raise DataError(
            file,
            f"indicator(s) {', '.join(unknown)} are in the data but not in {cat_name} ({hints})",
            row=f'indicator "{unknown[0]}"',
            column="indicator_id",
        )
    missing = [i for i in catalogue.ids("available") if i not in in_data]
    if missing:
        raise DataError(
            file,
            f"{', '.join(missing)} marked available in {cat_name} but the data have no rows for "
            "it (add the data, or set status: planned)",
            row=f'indicator "{missing[0]}"',
            column="status",
        )
    planned = [i for i in catalogue.ids("planned") if i in in_data]
    planned += [r.id for r in catalogue.ranking_variables if not r.is_available and r.id in in_data]
    if planned:
        raise DataError(
            file,
            f"{', '.join(planned)} marked planned in {cat_name} but the data have rows for it "
            "(planned indicators never get values; set status: available with a source)",
            row=f'indicator "{planned[0]}"',
            column="status",
        )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.ROOT))
    except ValueError:
        return str(path)
