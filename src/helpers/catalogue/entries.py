"""The validated catalogue: frozen dataclasses for its entries and :class:`Catalogue`'s lookups.

Built by :func:`helpers.catalogue.load.load_catalogue`; the field meanings are documented in the
header of ``data/indicators.yml``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.catalogue.vocab import (
    _MAL_RE,
    CONFIRMATION_NB,
    STATUSES,
)

if TYPE_CHECKING:  # pandas is imported where used: checking a build option must be quick
    import pandas as pd


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
    # suppression thresholds: the entry's own, else the catalogue file's `defaults`
    min_numerator: int = field(kw_only=True)
    min_denominator: int = field(kw_only=True)
    note_nb: str | None = None
    series_breaks: tuple[SeriesBreak, ...] = ()
    fetch: Mapping[str, Any] | None = field(default=None, compare=False)  # make data
    compute: Any = field(default=None, compare=False)  # helpers.catalogue.compute

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
    min_numerator: int  # the file's `defaults`: the one definition of the thresholds
    min_denominator: int
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


def _upper_first(value: str) -> str:
    return value[:1].upper() + value[1:]


def _lower_first(value: str) -> str:
    """Lower-case the first letter unless the first word is a name (Oslo, FHI)."""
    first = value.split(" ", 1)[0]
    if first.isupper() or first in {"Oslo", "Oslos"}:
        return value
    return value[:1].lower() + value[1:]
