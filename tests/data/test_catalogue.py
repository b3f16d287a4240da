"""Tests for helpers.catalogue: the shipped data/indicators.yml, schema validation, data checks.

Malformed catalogues are small YAML files written to tmp_path from `minimal_catalogue()`; tidy
tables are synthetic (`synthetic_tidy()`), never Oslo's numbers.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from helpers import config
from helpers.catalogue import Catalogue, check_against_data, load_catalogue
from helpers.errors import DataError


def _indicators_with_data() -> set[str]:
    """Indicator ids the data build has a loader for (helpers.data: its specs, the catalogue's
    `compute:` blocks, the FHI files), without the ranking-only variables (those are not
    catalogue indicators). Nothing is listed by hand: an indicator added to the catalogue with
    its data is in this set, and one marked available without data is not."""
    from helpers.pipeline import loaders

    cat = yaml.safe_load(config.CATALOGUE_FILE.read_text(encoding="utf-8"))
    indicator_ids = {entry["id"] for entry in cat["indicators"]}
    return set(loaders.INDICATOR_LOADERS) - (_ranking_ids(cat) - indicator_ids)


def _ranking_ids(cat: dict) -> set[str]:
    return {entry["id"] for entry in cat.get("ranking", [])}


# Derived, not copied: the data code's loaders decide which indicators have data.
AVAILABLE_IDS = _indicators_with_data()


# ----------------------------------------------------------------------------------------------
# Builders (synthetic)
# ----------------------------------------------------------------------------------------------
def minimal_catalogue() -> dict[str, Any]:
    """A small, valid catalogue: the five areas (one mål each), one available and one planned
    indicator, one ranking variable. Texts are placeholders, not the strategy's wording."""
    areas = [
        {
            "id": a.id,
            "number": a.number,
            "title_nb": a.title_nb,
            "vision_nb": "Syntetisk visjon.",
            "mal": [{"nr": f"{a.number}.1", "text_nb": "Syntetisk mål"}],
        }
        for a in config.AREAS.values()
    ]
    source = {"publisher": "Syntetisk utgiver", "table_id": "SYN001", "confirmation": "confirmed"}
    base_indicator = {
        "name_nb": "Syntetisk indikator",
        "name_en": "Synthetic indicator",
        "area": "levekar",
        "mal": ["1.1"],
        "hovedmal": 2,
        "type": "determinant",
        "unit": "percent",
        "unit_nb": "prosent",
        "value_type": "proportion",
        "multiplier": 100,
        "polarity": "lower_is_better",
        "denominator": "Syntetisk befolkning",
        "period": "2020–2023",
    }
    return {
        "version": "test",
        "defaults": {"min_numerator": 5, "min_denominator": 30},
        "hovedmal": [
            {"nr": 1, "text_nb": "Hovedmål en", "text_en": "Main goal one"},
            {"nr": 2, "text_nb": "Hovedmål to", "text_en": "Main goal two"},
        ],
        "areas": areas,
        "ranking": [
            {
                "id": "syn_rank",
                "default": True,
                "status": "available",
                "name_nb": "Syntetisk rangering",
                "name_en": "Synthetic ranking",
                "unit": "percent",
                "unit_nb": "prosent",
                "disadvantaged": "low",
                "year": 2024,
                "source": dict(source),
            }
        ],
        "indicators": [
            {
                **base_indicator,
                "id": "syn_available",
                "status": "available",
                "source": dict(source),
            },
            {
                **base_indicator,
                "id": "syn_planned",
                "area": "klima_miljo",
                "mal": ["4.1"],
                "status": "planned",
                "planned_source": dict(source, confirmation="unconfirmed"),
            },
        ],
    }


def write_catalogue(tmp_path: Path, data: dict[str, Any], name: str = "indicators.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def synthetic_tidy(ids: list[str]) -> pd.DataFrame:
    """SYNTHETIC tidy table: two bydeler × one year per indicator id, made-up values."""
    rows = []
    for ind in ids:
        for code in ("030101", "030102"):
            rows.append(
                {
                    "indicator_id": ind,
                    "geo_code": code,
                    "geo_name": config.BYDELER[code],
                    "geo_level": "bydel",
                    "period": "2023",
                    "year_end": 2023,
                    "sex": "alle",
                    "age_group": "alle",
                    "value": 10.0,
                    "numerator": 10.0,
                    "denominator": 100.0,
                    "ci_low": float("nan"),
                    "ci_high": float("nan"),
                    "flag": "",
                }
            )
    frame = pd.DataFrame(rows, columns=list(config.TIDY_COLUMNS))
    frame.attrs["synthetic"] = True
    return frame


def assert_names(err: DataError, path: Path, entry: str | None, field: str | None) -> None:
    """The message must name the file, the entry and the field."""
    text = str(err)
    assert path.name in text, text
    if entry is not None:
        assert entry in text, text
    if field is not None:
        assert f'"{field}"' in text, text


def broken(tmp_path: Path, mutate) -> tuple[Path, DataError]:
    data = minimal_catalogue()
    mutate(data)
    path = write_catalogue(tmp_path, data)
    with pytest.raises(DataError) as info:
        load_catalogue(path)
    return path, info.value


# ----------------------------------------------------------------------------------------------
# The shipped catalogue
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue()


def test_shipped_catalogue_loads(shipped: Catalogue) -> None:
    """data/indicators.yml (the project's catalogue) passes validation."""
    assert shipped.path == config.CATALOGUE_FILE
    entries = yaml.safe_load(config.CATALOGUE_FILE.read_text(encoding="utf-8"))["indicators"]
    assert [i.id for i in shipped.indicators] == [e["id"] for e in entries]  # none lost


def test_shipped_has_five_areas_with_strategy_mal(shipped: Catalogue) -> None:
    """Seed 000 (Folkehelsestrategi for Oslo 2023–2030) lists 5, 5, 5, 4 and 5 mål per area."""
    assert [a.id for a in shipped.areas] == list(config.AREAS)
    expected = {
        "levekar": 5,
        "oppvekst_utdanning": 5,
        "nabolag_moteplasser": 5,
        "klima_miljo": 4,
        "levevaner_helsetjenester": 5,
    }
    for area in shipped.areas:
        assert len(area.mal) == expected[area.id], area.id
        assert area.mal_numbers[0] == f"{area.number}.1"
        assert area.vision_nb


def test_shipped_each_area_has_three_or_more_indicators(shipped: Catalogue) -> None:
    """Brief: every innsatsområde is covered, planned indicators included (≥ 3 each)."""
    for area_id in config.AREAS:
        assert len(shipped.for_area(area_id)) >= 3, area_id


def test_shipped_available_set_is_the_brief_table(shipped: Catalogue) -> None:
    """The catalogue's available indicators are exactly those the data build has a loader for."""
    assert set(shipped.ids("available")) == AVAILABLE_IDS
    assert {i.id for i in shipped.available()} == AVAILABLE_IDS
    for ind in shipped.available():
        assert ind.source is not None and ind.source.publisher
        assert ind.planned_source is None


def test_shipped_areas_without_data_are_planned_only(shipped: Catalogue) -> None:
    """klima_miljo has no shipped data; levevaner_helsetjenester has the vaccination series."""
    assert shipped.available("klima_miljo") == ()
    assert len(shipped.planned("klima_miljo")) >= 3
    from helpers.ingest import fhi

    assert {i.id for i in shipped.available("levevaner_helsetjenester")} == set(fhi.VACCINATIONS)
    assert len(shipped.planned("levevaner_helsetjenester")) >= 3


def test_shipped_planned_have_planned_source(shipped: Catalogue) -> None:
    """Every planned indicator names the public table that would supply it, with a confirmation."""
    planned = shipped.planned()
    assert planned
    for ind in planned:
        assert ind.planned_source is not None, ind.id
        assert ind.source is None, ind.id
        assert ind.planned_source.confirmation in {
            "confirmed",
            "partially_confirmed",
            "unconfirmed",
        }


def test_shipped_hovedmal(shipped: Catalogue) -> None:
    """Seed 000, section 3.1: two hovedmål; both are measured by at least one indicator."""
    assert [g.nr for g in shipped.hovedmal] == ["1", "2"]
    assert "sosiale forskjeller" in shipped.hovedmal_goal(1).text_nb
    assert "likeverdig fordeling" in shipped.hovedmal_goal(2).text_nb
    assert shipped.for_hovedmal(1) and shipped.for_hovedmal(2)
    # hovedmål 1 has overarching outcomes (life expectancy etc.), all planned for now
    overarching = shipped.overarching()
    assert overarching and all(i.mal == () for i in overarching)
    assert any(i.hovedmal == 1 and i.type == "outcome" for i in overarching)


def test_shipped_default_ranking_matches_config(shipped: Catalogue) -> None:
    """config.DEFAULT_RANK_BY/DEFAULT_RANK_YEAR (lead's contract) name the default ranking."""
    rank = shipped.ranking()
    assert rank.id == config.DEFAULT_RANK_BY
    assert rank.year == config.DEFAULT_RANK_YEAR
    assert rank.disadvantaged == "low" and rank.sort_ascending
    assert rank.is_available
    # a sensitivity ranking that is itself an indicator must not rank that indicator
    low_income = shipped.ranking("lavinntekt_husholdninger")
    assert low_income.disadvantaged == "high"
    assert not low_income.suitable_for("lavinntekt_husholdninger")
    assert low_income.suitable_for("uforetrygd")
    assert low_income.unit_nb == shipped.indicator("lavinntekt_husholdninger").unit_nb


def test_shipped_units_and_multipliers(shipped: Catalogue) -> None:
    """Brief's definitions: uføretrygd/AAP per 100 residents 18–66; sosialhjelp a percent."""
    for ind_id in ("uforetrygd", "arbeidsavklaringspenger"):
        ind = shipped.indicator(ind_id)
        assert (ind.unit, ind.multiplier, ind.value_type) == ("per_100", 100, "proportion")
        assert "18–66" in ind.unit_nb
    assert shipped.indicator("sosialhjelp").unit == "percent"
    assert shipped.indicator("barn_berort_sosialhjelp").unit_nb == "per 100 barn 0–17 år"


def test_thresholds_and_frame(shipped: Catalogue) -> None:
    """thresholds() feeds helpers.pipeline.suppress; to_frame() has one row per indicator."""
    th = shipped.thresholds()
    assert set(th) == set(shipped.ids())
    assert all(v["min_numerator"] > 0 and v["min_denominator"] > 0 for v in th.values())
    frame = shipped.to_frame()
    assert len(frame) == len(shipped)
    assert frame["id"].is_unique
    assert {"name_nb", "unit_nb", "status", "table_id", "confirmation"} <= set(frame.columns)
    assert set(frame.loc[frame["status"] == "available", "id"]) == AVAILABLE_IDS


def test_lookup_errors(shipped: Catalogue) -> None:
    """Unknown ids raise KeyError with a suggestion; a bad status is a ValueError."""
    with pytest.raises(KeyError, match="uforetrygd"):
        shipped.indicator("uføretrygd")
    with pytest.raises(KeyError, match="levekar"):
        shipped.for_area("levekaar")
    with pytest.raises(ValueError, match="status"):
        shipped.for_area("levekar", status="ready")
    assert shipped.goal("2.3").area == "oppvekst_utdanning"
    assert {i.id for i in shipped.for_goal("1.1")} >= {"uforetrygd", "sysselsetting_25_59"}


# ----------------------------------------------------------------------------------------------
# Loading details
# ----------------------------------------------------------------------------------------------
def test_minimal_catalogue_is_valid_and_defaults_apply(tmp_path: Path) -> None:
    """The test builder's catalogue loads; thresholds left out fall back to `defaults`."""
    data = minimal_catalogue()
    data["defaults"] = {"min_numerator": 3, "min_denominator": 50}
    data["indicators"][1]["min_denominator"] = 100
    cat = load_catalogue(write_catalogue(tmp_path, data))
    assert cat.thresholds() == {
        "syn_available": {"min_numerator": 3, "min_denominator": 50},
        "syn_planned": {"min_numerator": 3, "min_denominator": 100},
    }


def test_cache_reloads_after_edit(tmp_path: Path) -> None:
    """Same file unchanged → same object; edited file → re-read."""
    data = minimal_catalogue()
    path = write_catalogue(tmp_path, data)
    first = load_catalogue(path)
    assert load_catalogue(path) is first
    data["indicators"][0]["name_nb"] = "Endret navn, lengre enn før"
    write_catalogue(tmp_path, data)
    assert load_catalogue(path).indicator("syn_available").name_nb == "Endret navn, lengre enn før"


def test_unquoted_mal_number_is_accepted(tmp_path: Path) -> None:
    """A hand-written `mal: [1.1]` (a YAML float) means mål "1.1"."""
    data = minimal_catalogue()
    path = write_catalogue(tmp_path, data)
    path.write_text(path.read_text(encoding="utf-8").replace("- '1.1'", "- 1.1"), encoding="utf-8")
    assert "- 1.1" in path.read_text(encoding="utf-8")
    assert load_catalogue(path).indicator("syn_available").mal == ("1.1",)


# ----------------------------------------------------------------------------------------------
# One test per validation error: each names file, entry and field
# ----------------------------------------------------------------------------------------------
def test_error_unknown_area(tmp_path: Path) -> None:
    """area must be one of config.AREAS (or null)."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(area="levekaar"))
    assert_names(err, path, 'indicator "syn_available"', "area")
    assert "levekaar" in str(err)


@pytest.mark.parametrize("field", ["unit", "polarity", "name_nb", "name_en", "status", "unit_nb"])
def test_error_missing_required_field(tmp_path: Path, field: str) -> None:
    """Required fields: unit, polarity, names, status (and the rest of _INDICATOR_REQUIRED)."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].pop(field))
    assert_names(err, path, 'indicator "syn_available"', field)
    assert "missing" in str(err)


def test_error_bad_polarity(tmp_path: Path) -> None:
    """polarity must be higher_is_better | lower_is_better | context_dependent."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(polarity="lower_better"))
    assert_names(err, path, 'indicator "syn_available"', "polarity")
    assert "lower_is_better" in str(err)


def test_error_bad_value_type(tmp_path: Path) -> None:
    """value_type must be proportion | rate | mean | ratio."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(value_type="share"))
    assert_names(err, path, 'indicator "syn_available"', "value_type")


def test_error_bad_status(tmp_path: Path) -> None:
    """status must be available | planned."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(status="draft"))
    assert_names(err, path, 'indicator "syn_available"', "status")


def test_error_duplicate_id(tmp_path: Path) -> None:
    """Two entries with the same id: both list positions are named."""

    def mutate(d: dict[str, Any]) -> None:
        d["indicators"].append(copy.deepcopy(d["indicators"][0]))

    path, err = broken(tmp_path, mutate)
    assert_names(err, path, 'indicator "syn_available"', "id")
    assert "duplicate" in str(err) and "1 and 3" in str(err)


def test_error_mal_not_in_area(tmp_path: Path) -> None:
    """mål "1.9" does not exist in area levekar (the builder gives it only 1.1)."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(mal=["1.9"]))
    assert_names(err, path, 'indicator "syn_available"', "mal")
    assert '"1.9"' in str(err)


def test_error_mal_of_other_area(tmp_path: Path) -> None:
    """A levekar indicator cannot follow mål 2.1 (an oppvekst_utdanning mål)."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(mal=["2.1"]))
    assert_names(err, path, 'indicator "syn_available"', "mal")


def test_error_available_without_source(tmp_path: Path) -> None:
    """An available indicator must say where its data come from."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].pop("source"))
    assert_names(err, path, 'indicator "syn_available"', "source")


def test_error_planned_without_planned_source(tmp_path: Path) -> None:
    """A planned indicator must name the public table that would supply it."""
    path, err = broken(tmp_path, lambda d: d["indicators"][1].pop("planned_source"))
    assert_names(err, path, 'indicator "syn_planned"', "planned_source")


def test_error_planned_source_without_confirmation(tmp_path: Path) -> None:
    """planned_source keeps the draft's confirmation level."""
    path, err = broken(tmp_path, lambda d: d["indicators"][1]["planned_source"].pop("confirmation"))
    assert_names(err, path, 'indicator "syn_planned"', "planned_source.confirmation")


@pytest.mark.parametrize("field", ["min_numerator", "min_denominator"])
@pytest.mark.parametrize("bad", [0, -5, 2.5, "5", True])
def test_error_threshold_not_positive_int(tmp_path: Path, field: str, bad: Any) -> None:
    """Suppression thresholds must be positive whole numbers."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update({field: bad}))
    assert_names(err, path, 'indicator "syn_available"', field)


def test_error_default_threshold_not_positive_int(tmp_path: Path) -> None:
    """The defaults block is checked too."""
    path, err = broken(tmp_path, lambda d: d["defaults"].update(min_denominator=0))
    assert_names(err, path, "defaults", "min_denominator")


def test_error_unknown_field_suggests_spelling(tmp_path: Path) -> None:
    """A typo such as `polarty` is caught rather than silently ignored."""

    def mutate(d: dict[str, Any]) -> None:
        d["indicators"][0]["polarty"] = d["indicators"][0].pop("polarity")

    path, err = broken(tmp_path, mutate)
    assert_names(err, path, 'indicator "syn_available"', "polarty")
    assert "polarity" in str(err)


def test_error_multiplier_does_not_match_unit(tmp_path: Path) -> None:
    """percent means multiplier 100."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(multiplier=1000))
    assert_names(err, path, 'indicator "syn_available"', "multiplier")


def test_error_unit_does_not_fit_value_type(tmp_path: Path) -> None:
    """A mean in percent-per-population units makes no sense: unit years/score/nok expected."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(value_type="mean"))
    assert_names(err, path, 'indicator "syn_available"', "unit")


def test_error_overarching_with_mal(tmp_path: Path) -> None:
    """area: null (overarching) indicators follow no mål."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(area=None))
    assert_names(err, path, 'indicator "syn_available"', "mal")


def test_error_bad_hovedmal(tmp_path: Path) -> None:
    """hovedmal is 1 or 2."""
    path, err = broken(tmp_path, lambda d: d["indicators"][0].update(hovedmal=3))
    assert_names(err, path, 'indicator "syn_available"', "hovedmal")


def test_error_area_missing_from_areas(tmp_path: Path) -> None:
    """All five innsatsområder must be in the file."""
    path, err = broken(tmp_path, lambda d: d["areas"].pop(3))
    assert_names(err, path, None, "areas")
    assert "klima_miljo" in str(err)


def test_error_area_title_differs_from_config(tmp_path: Path) -> None:
    """Area titles must agree with helpers.config.AREAS (one source of truth)."""
    path, err = broken(tmp_path, lambda d: d["areas"][0].update(title_nb="Levekaar"))
    assert_names(err, path, 'area "levekar"', "title_nb")


def test_error_area_mal_number_format(tmp_path: Path) -> None:
    """Mål of area 2 are numbered "2.x"."""
    path, err = broken(tmp_path, lambda d: d["areas"][1]["mal"][0].update(nr="1.1"))
    assert_names(err, path, 'area "oppvekst_utdanning"', "mal")


def test_error_hovedmal_missing(tmp_path: Path) -> None:
    """The strategy has two hovedmål."""
    path, err = broken(tmp_path, lambda d: d["hovedmal"].pop(1))
    assert_names(err, path, None, "hovedmal")


def test_error_ranking_without_default(tmp_path: Path) -> None:
    """Exactly one ranking variable is the default."""
    path, err = broken(tmp_path, lambda d: d["ranking"][0].update(default=False))
    assert_names(err, path, None, "ranking")


def test_error_ranking_bad_direction(tmp_path: Path) -> None:
    """disadvantaged is low or high."""
    path, err = broken(tmp_path, lambda d: d["ranking"][0].update(disadvantaged="bottom"))
    assert_names(err, path, 'ranking "syn_rank"', "disadvantaged")


def test_error_ranking_refers_to_planned_indicator(tmp_path: Path) -> None:
    """An available ranking cannot reuse a planned indicator."""

    def mutate(d: dict[str, Any]) -> None:
        d["ranking"].append(
            {"id": "syn_planned", "indicator": "syn_planned", "status": "available"}
            | {"disadvantaged": "high", "year": 2023}
        )

    path, err = broken(tmp_path, mutate)
    assert_names(err, path, 'ranking "syn_planned"', "status")


def test_error_invalid_yaml_names_line(tmp_path: Path) -> None:
    """A YAML syntax error reports the file and line."""
    path = tmp_path / "indicators.yml"
    path.write_text("hovedmal:\n  - nr: 1\n    text_nb: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_catalogue(path)
    assert path.name in str(info.value) and "line" in str(info.value)


def test_error_missing_file(tmp_path: Path) -> None:
    """A missing catalogue file is a DataError naming it."""
    path = tmp_path / "nowhere.yml"
    with pytest.raises(DataError, match="nowhere.yml"):
        load_catalogue(path)


# ----------------------------------------------------------------------------------------------
# check_against_data (synthetic tidy tables)
# ----------------------------------------------------------------------------------------------
@pytest.fixture()
def small(tmp_path: Path) -> Catalogue:
    return load_catalogue(write_catalogue(tmp_path, minimal_catalogue()))


def test_check_passes_when_consistent(small: Catalogue) -> None:
    """Available indicator and ranking variable present, planned absent: no error."""
    check_against_data(small, synthetic_tidy(["syn_available", "syn_rank"]))


def test_check_unknown_indicator(small: Catalogue) -> None:
    """An id in the data that the catalogue lacks is named, with the catalogue file."""
    with pytest.raises(DataError) as info:
        check_against_data(
            small, synthetic_tidy(["syn_available", "syn_availble"]), source="build/data/x.parquet"
        )
    text = str(info.value)
    assert 'indicator "syn_availble"' in text and "x.parquet" in text
    assert small.path.name in text and '"indicator_id"' in text
    assert "syn_available" in text  # suggestion


def test_check_available_without_rows(small: Catalogue) -> None:
    """An available indicator with no rows is named."""
    with pytest.raises(DataError) as info:
        check_against_data(small, synthetic_tidy(["syn_rank"]))
    assert 'indicator "syn_available"' in str(info.value)
    assert '"status"' in str(info.value)


def test_check_planned_with_rows(small: Catalogue) -> None:
    """A planned indicator must never have values."""
    with pytest.raises(DataError) as info:
        check_against_data(small, synthetic_tidy(["syn_available", "syn_planned"]))
    assert 'indicator "syn_planned"' in str(info.value)
    assert "planned" in str(info.value)


def test_check_needs_indicator_id_column(small: Catalogue) -> None:
    """A table without indicator_id cannot be checked."""
    frame = synthetic_tidy(["syn_available"]).drop(columns="indicator_id")
    with pytest.raises(DataError, match="indicator_id"):
        check_against_data(small, frame)


def test_check_shipped_catalogue_against_synthetic_complete_table(shipped: Catalogue) -> None:
    """Synthetic rows for exactly the available ids + the default ranking pass."""
    check_against_data(shipped, synthetic_tidy([*sorted(AVAILABLE_IDS), config.DEFAULT_RANK_BY]))
    with pytest.raises(DataError, match="forventet_levealder_bydel"):
        check_against_data(
            shipped, synthetic_tidy([*sorted(AVAILABLE_IDS), "forventet_levealder_bydel"])
        )


def test_text_for_the_report(shipped: Catalogue) -> None:
    """Running-text helpers used by helpers.present.report: unit, denominator and source lines."""
    ufore = shipped.indicator("uforetrygd")
    assert ufore.denominator_text().startswith("Per 100 innbyggere 18–66 år. Nevner: bosatte")
    assert "OK-SOS006" in ufore.source_text()
    assert ufore.planned_source_text() == ""
    life = shipped.indicator("forventet_levealder_bydel")
    assert life.planned_source_text().endswith("tabellen er bekreftet")
    assert shipped.area("klima_miljo").goals == shipped.area("klima_miljo").mal


def test_thresholds_have_one_definition(tmp_path: Path) -> None:
    """The catalogue file's `defaults` are the thresholds: required there, and what
    helpers.pipeline.suppress uses when called without thresholds (SYNTHETIC counts)."""
    from helpers.pipeline import suppress

    path, err = broken(tmp_path, lambda d: d.pop("defaults"))
    assert_names(err, path, None, "defaults")
    shipped = load_catalogue()
    low = shipped.min_numerator - 1
    tidy = synthetic_tidy(["syn"])
    tidy["numerator"] = [float(low), float(shipped.min_numerator)]
    tidy["denominator"] = float(shipped.min_denominator)
    tidy["value"] = 100 * tidy["numerator"] / tidy["denominator"]
    out = suppress.suppress(tidy)
    assert list(out["flag"]) == ["prikket", ""]
    tidy["denominator"] = float(shipped.min_denominator - 1)
    assert (suppress.suppress(tidy)["flag"] == "prikket").all()
