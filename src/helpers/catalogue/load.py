"""Read ``data/indicators.yml``, validate it and build the :class:`Catalogue`.

Two steps: the pydantic models of :mod:`helpers.catalogue.models` check the shape of every entry
and field (types, allowed values, unknown fields); then :class:`_Rules` checks what links fields
and entries (a mål of the indicator's own area, sources against the status, references between
ranking variables and indicators, ...) and builds the frozen entries. Every problem, from either
step, is a :class:`helpers.errors.DataError` naming the catalogue file, the entry
(``indicator "uforetrygd"``, ``area "levekar"``, ``ranking "..."``) and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import ValidationError

from helpers import config
from helpers.catalogue.compute import check_compute
from helpers.catalogue.entries import (
    AreaEntry,
    Catalogue,
    Gap,
    Goal,
    Indicator,
    RankingVariable,
    SeriesBreak,
    Source,
    _unknown,
)
from helpers.catalogue.messages import data_error
from helpers.catalogue.models import (
    AreaModel,
    CatalogueModel,
    IndicatorModel,
    RankingModel,
    SourceModel,
)
from helpers.catalogue.vocab import _MAL_RE, CONFIRMATIONS, UNIT_MULTIPLIERS, VALUE_TYPE_UNITS
from helpers.errors import DataError

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
    catalogue = parse(p)
    _CACHE[p.resolve()] = (key, catalogue)
    return catalogue


def parse(path: Path) -> Catalogue:
    """Read and validate one catalogue file (no cache)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(path, f"not valid YAML: {problem}", row=row) from None
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text: {exc}") from None
    if not isinstance(raw, Mapping):
        raise DataError(path, f"expected a mapping (key: value), got {type(raw).__name__}")
    try:
        model = CatalogueModel.model_validate(raw)
    except ValidationError as exc:
        raise data_error(path, raw, exc) from None
    return _Rules(path).build(model)


# ----------------------------------------------------------------------------------------------
# Rules between fields and entries; the frozen entries
# ----------------------------------------------------------------------------------------------
class _Rules:
    """Checks what the models cannot see (fields and entries together) and builds the entries."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, message: str, row: str | None = None, column: str | None = None) -> DataError:
        return DataError(self.path, message, row=row, column=column)

    def build(self, model: CatalogueModel) -> Catalogue:
        min_num = model.defaults.min_numerator
        min_den = model.defaults.min_denominator
        hovedmal = self.hovedmal(model)
        areas = self.areas(model.areas)
        indicators = self.indicators(model.indicators, areas, min_num, min_den)
        ranking = self.ranking(model.ranking, indicators)
        return Catalogue(
            path=self.path,
            version=str(model.version if model.version is not None else ""),
            hovedmal=hovedmal,
            areas=tuple(areas.values()),
            indicators=tuple(indicators.values()),
            ranking_variables=ranking,
            min_numerator=min_num,
            min_denominator=min_den,
        )

    def hovedmal(self, model: CatalogueModel) -> tuple[Goal, ...]:
        goals: dict[int, Goal] = {}
        for entry in model.hovedmal:
            if entry.nr in goals:
                raise self.error("hovedmål listed twice", f"hovedmål {entry.nr}", "nr")
            goals[entry.nr] = Goal(
                nr=str(entry.nr),
                text_nb=entry.text_nb,
                text_en=entry.text_en,
                measured_by_nb=entry.measured_by_nb,
            )
        for nr in (1, 2):
            if nr not in goals:
                raise self.error(
                    f"hovedmål {nr} is missing (the strategy has two)", column="hovedmal"
                )
        return (goals[1], goals[2])

    def areas(self, entries: list[AreaModel]) -> dict[str, AreaEntry]:
        areas: dict[str, AreaEntry] = {}
        for entry in entries:
            row = f'area "{entry.id}"'
            if entry.id in areas:
                raise self.error("area listed twice", row, "id")
            ref = config.AREAS[entry.id]
            if entry.number != ref.number:
                raise self.error(
                    f"expected {ref.number} (as in helpers.config.AREAS), got {entry.number!r}",
                    row,
                    "number",
                )
            if entry.title_nb != ref.title_nb:
                raise self.error(
                    f'"{entry.title_nb}" differs from helpers.config.AREAS ("{ref.title_nb}")',
                    row,
                    "title_nb",
                )
            goals: list[Goal] = []
            for mal in entry.mal:
                m = _MAL_RE.match(mal.nr)
                if m is None or int(m.group(1)) != ref.number:
                    raise self.error(
                        f'mål number "{mal.nr}" must look like "{ref.number}.1" (area number, '
                        "dot, mål number)",
                        row,
                        "mal",
                    )
                if any(g.nr == mal.nr for g in goals):
                    raise self.error(f'mål "{mal.nr}" listed twice', row, "mal")
                goals.append(Goal(mal.nr, mal.text_nb, mal.text_en, mal.short_nb, area=entry.id))
            numbers = {g.nr for g in goals}
            for gap in entry.gaps:
                if gap.mal not in numbers:
                    raise self.error(
                        f'gap for mål "{gap.mal}", which is not one of this area\'s mål '
                        f"({', '.join(sorted(numbers))})",
                        row,
                        "gaps",
                    )
            areas[entry.id] = AreaEntry(
                id=entry.id,
                number=ref.number,
                title_nb=entry.title_nb,
                title_en=entry.title_en or ref.title_en,
                vision_nb=entry.vision_nb,
                mal=tuple(goals),
                gaps=tuple(Gap(mal=g.mal, note_nb=g.note_nb) for g in entry.gaps),
            )
        for area_id in config.AREAS:
            if area_id not in areas:
                raise self.error(
                    f'area "{area_id}" is missing (all five innsatsområder are required)',
                    column="areas",
                )
        # keep the strategy's order regardless of the order in the file
        return {a: areas[a] for a in sorted(areas, key=lambda a: areas[a].number)}

    def source(self, value: SourceModel, row: str, column: str, planned: bool) -> Source:
        if value.table is None and value.table_id is None:
            raise self.error("needs a table or a table_id", row, column)
        if value.confirmation is None and planned:
            raise self.error(
                f"a planned source needs a confirmation level ({', '.join(CONFIRMATIONS)})",
                row,
                f"{column}.confirmation",
            )
        return Source(**value.model_dump(exclude_none=True))

    def source_pair(
        self, entry: IndicatorModel | RankingModel, row: str
    ) -> tuple[Source | None, Source | None]:
        """(source, planned_source), checked against the status."""
        if entry.status == "available":
            if entry.source is None:
                raise self.error(
                    "an available entry needs a source (publisher, table_id/table)", row, "source"
                )
            if entry.planned_source is not None:
                raise self.error(
                    "an available entry has no planned_source; its table goes under source",
                    row,
                    "planned_source",
                )
            return self.source(entry.source, row, "source", planned=False), None
        if entry.planned_source is None:
            raise self.error(
                "a planned entry needs planned_source (the public table that would supply it)",
                row,
                "planned_source",
            )
        if entry.source is not None:
            raise self.error(
                "a planned entry has no source; describe its table under planned_source "
                "(or set status: available once the data are in place)",
                row,
                "source",
            )
        return None, self.source(entry.planned_source, row, "planned_source", planned=True)

    # -- indicators -----------------------------------------------------------------------
    def indicators(
        self,
        entries: list[IndicatorModel],
        areas: Mapping[str, AreaEntry],
        min_num: int,
        min_den: int,
    ) -> dict[str, Indicator]:
        out: dict[str, Indicator] = {}
        positions: dict[str, int] = {}
        for pos, entry in enumerate(entries, start=1):
            row = f'indicator "{entry.id}"'
            if entry.id in out:
                raise self.error(
                    f"duplicate id: entries nr. {positions[entry.id]} and {pos} in the list "
                    "both use it",
                    row,
                    "id",
                )
            positions[entry.id] = pos
            out[entry.id] = self.indicator(entry, row, areas, min_num, min_den)
        if not out:
            raise self.error("the catalogue has no indicators", column="indicators")
        return out

    def indicator(
        self,
        entry: IndicatorModel,
        row: str,
        areas: Mapping[str, AreaEntry],
        min_num: int,
        min_den: int,
    ) -> Indicator:
        area_id, mal = entry.area, tuple(entry.mal)
        if area_id is not None and area_id not in areas:
            raise self.error(
                f"unknown area {area_id!r}; expected one of {', '.join(areas)} "
                "(or null for an overarching indicator)",
                row,
                "area",
            )
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
        unit, value_type = entry.unit, entry.value_type
        if unit not in VALUE_TYPE_UNITS[value_type]:
            raise self.error(
                f"unit {unit!r} does not fit value_type {value_type!r} "
                f"(expected one of {', '.join(sorted(VALUE_TYPE_UNITS[value_type]))})",
                row,
                "unit",
            )
        multiplier = entry.multiplier if entry.multiplier is not None else UNIT_MULTIPLIERS[unit]
        if multiplier != UNIT_MULTIPLIERS[unit]:
            raise self.error(
                f"{multiplier!r} does not match unit {unit!r} (expected {UNIT_MULTIPLIERS[unit]})",
                row,
                "multiplier",
            )
        status = entry.status
        source, planned_source = self.source_pair(entry, row)
        fetch = entry.fetch
        if status == "planned" and isinstance(fetch, Mapping) and fetch.get("publisher"):
            from helpers.ingest.paths import fetched_path  # available once make data fetched it

            if fetched_path(entry.id, dict(fetch)).is_file():
                status, source, planned_source = "available", planned_source, None
        if entry.compute is not None:
            check_compute(self.path, entry.compute, row, status)
        years = [b.year for b in entry.series_breaks]
        if len(set(years)) != len(years):
            raise self.error("a year is listed twice", row, "series_breaks")
        return Indicator(
            id=entry.id,
            name_nb=entry.name_nb,
            name_en=entry.name_en,
            area=area_id,
            mal=mal,
            hovedmal=entry.hovedmal,
            type=entry.type,
            unit=unit,
            unit_nb=entry.unit_nb,
            value_type=value_type,
            multiplier=multiplier,
            polarity=entry.polarity,
            denominator=entry.denominator,
            period=entry.period,
            status=status,
            source=source,
            planned_source=planned_source,
            min_numerator=entry.min_numerator or min_num,
            min_denominator=entry.min_denominator or min_den,
            note_nb=entry.note_nb,
            series_breaks=tuple(
                SeriesBreak(b.year, b.reason_nb)
                for b in sorted(entry.series_breaks, key=lambda b: b.year)
            ),
            fetch=dict(fetch) if fetch else None,
            compute=entry.compute,
        )

    # -- ranking --------------------------------------------------------------------------
    def ranking(
        self, entries: list[RankingModel], indicators: Mapping[str, Indicator]
    ) -> tuple[RankingVariable, ...]:
        out: dict[str, RankingVariable] = {}
        for entry in entries:
            rid = entry.id
            row = f'ranking "{rid}"'
            if rid in out:
                raise self.error("duplicate id in ranking", row, "id")
            ind: Indicator | None = None
            if entry.indicator is not None:
                if entry.indicator not in indicators:
                    raise self.error(
                        _unknown("indicator", entry.indicator, indicators), row, "indicator"
                    )
                ind = indicators[entry.indicator]
                if entry.status == "available" and not ind.is_available:
                    raise self.error(
                        f'indicator "{ind.id}" is planned, so this ranking cannot be available',
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
            if ind is not None and entry.source is None and entry.planned_source is None:
                source, planned_source = ind.source, ind.planned_source
            else:
                source, planned_source = self.source_pair(entry, row)
            inherited = {}
            for key in ("name_nb", "name_en", "unit", "unit_nb"):
                value = getattr(entry, key)
                if value is None and ind is not None:
                    value = getattr(ind, key)
                if value is None:
                    raise self.error("missing required field (expected non-empty text)", row, key)
                inherited[key] = value
            if entry.status == "available" and entry.year is None:
                raise self.error("an available ranking variable needs a fixed year", row, "year")
            for a in entry.avoid_for:
                if a not in indicators:
                    raise self.error(_unknown("indicator", a, indicators), row, "avoid_for")
            out[rid] = RankingVariable(
                id=rid,
                **inherited,
                disadvantaged=entry.disadvantaged,
                status=entry.status,
                default=entry.default,
                year=entry.year,
                indicator=entry.indicator,
                definition_nb=entry.definition_nb,
                why_nb=entry.why_nb,
                note_nb=entry.note_nb,
                avoid_for=tuple(entry.avoid_for),
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
