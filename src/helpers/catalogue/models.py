"""pydantic v2 models of ``data/indicators.yml``: the shape of every entry and field.

Each model states its fields, their types and allowed values; ``extra="forbid"`` catches typos
such as ``polarty``. Rules between fields and between entries (a mål of the indicator's own area,
a planned entry with a ``planned_source``, exactly one default ranking, ...) are checked after
these models, in :mod:`helpers.catalogue.load`, which also turns a pydantic ``ValidationError``
into a :class:`helpers.errors.DataError` naming file, entry and field (:func:`field_path`).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StringConstraints

from helpers import config
from helpers.catalogue.vocab import (
    CONFIRMATIONS,
    DISADVANTAGED,
    POLARITIES,
    STATUSES,
    TYPES,
    UNIT_MULTIPLIERS,
    VALUE_TYPES,
)


def mal_str(value: Any) -> str:
    """Mål numbers as text: "1.1" (a YAML float 1.1 is accepted and turned into "1.1")."""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
PositiveInt = Annotated[StrictInt, Field(gt=0)]
MalNr = Annotated[str, BeforeValidator(mal_str)]
Unit = Literal[tuple(UNIT_MULTIPLIERS)]  # type: ignore[valid-type]


class Model(BaseModel):
    """Strict types (no "5" for 5, no true for 1), unknown fields are errors, values frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceModel(Model):
    publisher: Text
    table: Text | None = None
    table_id: Text | None = None
    product: Text | None = None
    url: Text | None = None
    confirmation: Literal[CONFIRMATIONS] | None = None  # type: ignore[valid-type]
    denominator_table: Text | None = None
    alternative: Text | None = None
    note: Text | None = None


class DefaultsModel(Model):
    """Suppression thresholds for indicators that do not set their own: the one definition."""

    min_numerator: PositiveInt
    min_denominator: PositiveInt


class HovedmalModel(Model):
    nr: Literal[1, 2]
    text_nb: Text
    text_en: Text
    measured_by_nb: Text | None = None


class MalModel(Model):
    nr: MalNr
    text_nb: Text
    short_nb: Text | None = None
    text_en: Text | None = None


class GapModel(Model):
    mal: MalNr
    note_nb: Text


class AreaModel(Model):
    id: Literal[tuple(config.AREAS)]  # type: ignore[valid-type]
    number: StrictInt
    title_nb: Text
    title_en: Text | None = None
    vision_nb: Text
    mal: list[MalModel] = Field(min_length=1)
    gaps: list[GapModel] = []


class SeriesBreakModel(Model):
    year: Annotated[StrictInt, Field(gt=1900, lt=2100)]
    reason_nb: Text


class ComputeModel(Model):
    """How an indicator is computed from a raw table in ``data/raw`` (no code needed).

    ``count_rate``: the table's ``verdi`` counts (rows picked by ``select``) per 100 residents in
    the population age groups ``ages`` (BEF004/BEF005, 1 January of the following year).
    ``share``: 100 × sum of the ``numerator`` columns / the ``denominator`` column, summed over
    the rows picked by ``select``. ``table`` is a key of
    :data:`helpers.catalogue.raw_tables.RAW_TABLES`; ``age_group`` is the tidy table's label.
    """

    kind: Literal["count_rate", "share"]
    table: Text
    select: dict[str, list[Text]] = Field(min_length=1)
    age_group: Text
    note: Text
    ages: list[Text] | None = None
    numerator: list[Text] | None = None
    denominator: Text | None = None


class IndicatorModel(Model):
    id: Id
    name_nb: Text
    name_en: Text
    area: str | None
    mal: list[MalNr]
    hovedmal: Literal[1, 2]
    type: Literal[TYPES]  # type: ignore[valid-type]
    unit: Unit
    unit_nb: Text
    value_type: Literal[VALUE_TYPES]  # type: ignore[valid-type]
    multiplier: StrictInt | float | None = None
    polarity: Literal[POLARITIES]  # type: ignore[valid-type]
    denominator: Text
    period: Text
    status: Literal[STATUSES]  # type: ignore[valid-type]
    source: SourceModel | None = None
    planned_source: SourceModel | None = None
    min_numerator: PositiveInt | None = None
    min_denominator: PositiveInt | None = None
    note_nb: Text | None = None
    series_breaks: list[SeriesBreakModel] = []
    fetch: dict[str, Any] | None = None  # make data (validated by helpers.ingest.fetch)
    compute: ComputeModel | None = None


class RankingModel(Model):
    id: Id
    default: bool = False
    status: Literal[STATUSES]  # type: ignore[valid-type]
    indicator: str | None = None
    name_nb: Text | None = None
    name_en: Text | None = None
    unit: Unit | None = None
    unit_nb: Text | None = None
    disadvantaged: Literal[DISADVANTAGED]  # type: ignore[valid-type]
    year: StrictInt | None = None
    definition_nb: Text | None = None
    why_nb: Text | None = None
    note_nb: Text | None = None
    avoid_for: list[str] = []
    source: SourceModel | None = None
    planned_source: SourceModel | None = None


class CatalogueModel(Model):
    version: str | int | float | None = None
    strategy: Text | None = None
    defaults: DefaultsModel
    hovedmal: list[HovedmalModel]
    areas: list[AreaModel]
    indicators: list[IndicatorModel]
    ranking: list[RankingModel]


def model_at(path: tuple[str, ...]) -> type[BaseModel] | None:
    """The model class found by following field names ``path`` from :class:`CatalogueModel`
    (``("indicators", "source")`` -> :class:`SourceModel`), None past a plain value."""
    cls: type[BaseModel] = CatalogueModel
    for name in path:
        info = cls.model_fields.get(name)
        if info is None:
            return None
        found = _model_in(info.annotation)
        if found is None:
            return None
        cls = found
    return cls


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
