"""Malformed inputs: every one must fail with a DataError a person can act on.

Each case writes a *synthetic* file to tmp_path: a copy of a real raw file (same file name) with one
small mutation made by the functions below, or a minimal synthetic file. The DataError message must
name the file, the row (data row, "line N", "year N" for a missing bydel, or "feature N" for
geometries) and the column. Cases marked ``write`` also run ``write_build_data`` into tmp_path and
check that no output was written and a previous output is untouched.
Legal SSB symbols in count columns are checked separately: they must become flags, never 0.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.catalogue.raw_tables import RAW_TABLES
from helpers.config import DATA_RAW
from helpers.errors import DataError
from helpers.ingest import geo
from helpers.pipeline import build_data, denominators, loaders, store

Rows = list[list[str]]
Mutation = Callable[[Rows], tuple[Rows, list[str]]]


# ------------------------------------------------------------------------- mutations (synthetic)


def _read_rows(key: str) -> Rows:
    text = (DATA_RAW / RAW_TABLES[key].filename).read_text(encoding="utf-8")
    return [r for r in csv.reader(io.StringIO(text))]


def _to_bytes(rows: Rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _find(rows: Rows, **match: str) -> int:
    """Index (= 1-based data row, since rows[0] is the header) of the first matching row."""
    header = rows[0]
    cols = {k.replace("__", " "): v for k, v in match.items()}
    for i, r in enumerate(rows[1:], start=1):
        if all(r[header.index(c)] == v for c, v in cols.items()):
            return i
    raise LookupError(match)


def set_cell(column: str, value: str, **match: str) -> Mutation:
    def mutate(rows: Rows) -> tuple[Rows, list[str]]:
        i = _find(rows, **match)
        rows[i][rows[0].index(column)] = value
        return rows, [f"row {i}", f'column "{column}"']

    return mutate


def drop_column(column: str) -> Mutation:
    def mutate(rows: Rows) -> tuple[Rows, list[str]]:
        j = rows[0].index(column)
        return [r[:j] + r[j + 1 :] for r in rows], ["header", f'column "{column}"']

    return mutate


def drop_row(geo_column: str, year: str, name: str, **match: str) -> Mutation:
    def mutate(rows: Rows) -> tuple[Rows, list[str]]:
        i = _find(rows, **match)
        del rows[i]
        return rows, [f"year {year}", f'column "{geo_column}"', f"({name})"]

    return mutate


def duplicate_bydel(geo_column: str, old: str, new: str, **match: str) -> Mutation:
    """Rename one row's bydel to another bydel that already has that row."""

    def mutate(rows: Rows) -> tuple[Rows, list[str]]:
        i = _find(rows, **{geo_column: old}, **match)
        rows[i][rows[0].index(geo_column)] = new
        return rows, [f"row {i}", f'column "{geo_column}"', "more than once"]

    return mutate


def ragged_row(rows: Rows) -> tuple[Rows, list[str]]:
    rows[5] = [*rows[5], "extra"]
    return rows, ["row 5", "fields"]


def duplicate_header(rows: Rows) -> tuple[Rows, list[str]]:
    rows[0][-2] = rows[0][-1]
    return rows, ["header", "duplicated column"]


def bands_do_not_sum(rows: Rows) -> tuple[Rows, list[str]]:
    """Change one age band; the error names the row holding the total ("Alder i alt")."""
    band = _find(rows, bosted_navn="Bydel Stovner", år_navn="2024", aldersgruppe_navn="0 år")
    rows[band][rows[0].index("verdi")] = "999"
    total = _find(
        rows, bosted_navn="Bydel Stovner", år_navn="2024", aldersgruppe_navn="Alder i alt"
    )
    return rows, [f"row {total}", 'column "verdi"', "age groups sum to"]


def utd_duplicate(rows: Rows) -> tuple[Rows, list[str]]:
    """Alna's 30-39 row relabelled as Grorud, code and name, so Grorud appears twice."""
    i = _find(rows, bydel_navn="Alna", aldersgruppe="30-39 år", **UTD)
    rows[i][rows[0].index("bydel_navn")] = "Grorud"
    rows[i][rows[0].index("bydel_kode")] = "030110"
    return rows, [f"row {i}", 'column "bydel_navn"', "more than once"]


# byte-level mutations ------------------------------------------------------------------


def empty_file(raw: bytes) -> tuple[bytes, list[str]]:
    return b"", ["line 1", "file is empty"]


def header_only(raw: bytes) -> tuple[bytes, list[str]]:
    return raw.split(b"\n", 1)[0] + b"\n", ["line 2", "header only"]


def latin1(raw: bytes) -> tuple[bytes, list[str]]:
    return raw.decode("utf-8").encode("latin-1"), ["line 1", "cannot decode"]


def pipe_separated(raw: bytes) -> tuple[bytes, list[str]]:
    return raw.replace(b",", b"|"), ["line 1", "only one column"]


# ----------------------------------------------------------------------------- cases


@dataclass
class Case:
    id: str
    key: str
    rows: Mutation | None = None
    raw: Callable[[bytes], tuple[bytes, list[str]]] | None = None
    expect: list[str] = field(default_factory=list)
    write: bool = False


SOS6 = {"år_navn": "2024", "kjønn_navn": "I alt", "aldersgruppe_navn": "I alt"}
BEF5 = {"år_navn": "2024", "aldersgruppe_navn": "Alder i alt"}
LAV = {"aar": "2023", "niva": "bydel", "husholdningstype": "Husholdninger med barn under 18 år"}
SYS = {"niva": "bydel", "kjonn": "Begge kjønn"}
VAL = {"niva": "bydel", "alder": "Alder i alt", "kjonn": "Begge kjønn"}
UTD = {"aar": "2024", "niva": "bydel", "kjonn": "Begge kjønn"}

CASES: list[Case] = [
    # --- SOS006 (uføretrygd): structure, types, names
    Case("sos006-missing-column", "sos006", drop_column("verdi"), expect=["missing column"]),
    Case("sos006-missing-label-column", "sos006", drop_column("kjønn_navn")),
    Case("sos006-text-in-count", "sos006",
         set_cell("verdi", "abc", bosted_navn="Stovner", **SOS6), expect=["not a number"]),
    Case("sos006-negative-count", "sos006",
         set_cell("verdi", "-5", bosted_navn="Stovner", **SOS6), expect=["count >= 0"]),
    Case("sos006-infinite", "sos006",
         set_cell("verdi", "inf", bosted_navn="Alna", **SOS6), expect=["not a number"]),
    Case("sos006-unknown-bydel", "sos006",
         set_cell("bosted_navn", "Stovnr", bosted_navn="Stovner", **SOS6),
         expect=['did you mean "Stovner"']),
    Case("sos006-duplicated-bydel", "sos006",
         duplicate_bydel("bosted_navn", "Alna", "Grorud", **SOS6)),
    Case("sos006-duplicated-bydel-spelling", "sos006",
         duplicate_bydel("bosted_navn", "Alna", "Bydel Grorud", **SOS6)),
    Case("sos006-missing-bydel", "sos006",
         drop_row("bosted_navn", "2024", "Stovner", bosted_navn="Stovner", **SOS6)),
    Case("sos006-empty-year", "sos006",
         set_cell("år_navn", "", bosted_navn="Frogner", **SOS6), expect=["missing value"]),
    Case("sos006-bad-year", "sos006",
         set_cell("år_navn", "20x4", bosted_navn="Frogner", **SOS6), expect=["a year"]),
    Case("sos006-empty-bydel-name", "sos006",
         set_cell("bosted_navn", "", bosted_navn="Frogner", **SOS6), expect=["missing value"]),
    Case("sos006-unknown-sex", "sos006",
         set_cell("kjønn_navn", "Begge", bosted_navn="Frogner", **SOS6), expect=["one of"]),
    Case("sos006-numerator-above-population", "sos006",
         set_cell("verdi", "999999", bosted_navn="Stovner", **SOS6),
         expect=["larger than the denominator"], write=True),
    Case("sos006-ragged-row", "sos006", ragged_row),
    Case("sos006-duplicated-header", "sos006", duplicate_header),
    Case("sos006-empty-file", "sos006", raw=empty_file, write=True),
    Case("sos006-header-only", "sos006", raw=header_only),
    Case("sos006-wrong-encoding", "sos006", raw=latin1),
    Case("sos006-wrong-separator", "sos006", raw=pipe_separated),
    # --- SOS001, STØ013, STØ020
    Case("sos001-unknown-age", "sos001",
         set_cell("aldersgruppe_navn", "Alle", geografi_navn="Alna", år_navn="2020"),
         expect=["one of"]),
    Case("sto013-unknown-category", "sto013",
         set_cell("sosialhjelpsmottakere og berørte_navn", "Barn", bydel_navn="Bydel Alna",
                  år_navn="2020"), expect=["one of"]),
    Case("sto013-missing-bydel", "sto013",
         drop_row("bydel_navn", "2023", "Stovner", bydel_navn="Bydel Stovner", år_navn="2023",
                  sosialhjelpsmottakere__og__berørte_navn="Berørte barn i alt")),
    Case("sto020-share-above-100", "sto020",
         set_cell("verdi", "140", geografi_navn="Bydel Alna", år_navn="2023", alder_navn="I alt",
                  statistikkvariabel_navn="Andel sosialhjelpsmottakere i befolkningen"),
         expect=["above 100"]),
    Case("sto020-unknown-sum-row", "sto020",
         set_cell("geografi_navn", "Sum bydelr", geografi_navn="Sum bydeler", år_navn="2007"),
         expect=['did you mean "Sum bydeler"']),
    Case("sto020-unknown-variable", "sto020",
         set_cell("statistikkvariabel_navn", "Andel", geografi_navn="Bydel Alna", år_navn="2010",
                  alder_navn="I alt"), expect=["one of"]),
    # --- population (BEF004/BEF005): symbols and non-positive values are not legal here
    Case("bef005-negative", "bef005",
         set_cell("verdi", "-10", bosted_navn="Bydel Stovner", **BEF5), expect=["count >= 0"]),
    Case("bef005-zero-total", "bef005",
         set_cell("verdi", "0", bosted_navn="Bydel Stovner", **BEF5), expect=["must be > 0"],
         write=True),
    *[
        Case(f"bef005-symbol-{name}", "bef005",
             set_cell("verdi", sym, bosted_navn="Bydel Grorud", **BEF5),
             expect=["population must be a number", f'"{sym}"'])
        for sym, name in ((".", "dot"), ("..", "dotdot"), (":", "colon"), ("-", "dash"))
    ],
    Case("bef005-fraction", "bef005",
         set_cell("verdi", "36000.5", bosted_navn="Bydel Stovner", **BEF5),
         expect=["whole number"]),
    Case("bef005-bands-do-not-sum", "bef005", lambda rows: bands_do_not_sum(rows)),
    Case("bef005-unknown-age", "bef005",
         set_cell("aldersgruppe_navn", "0-1 år", bosted_navn="Bydel Stovner", år_navn="2024",
                  aldersgruppe_navn="0 år"), expect=["one of"]),
    Case("bef005-missing-band", "bef005",
         drop_row("bosted_navn", "2024", "Stovner", bosted_navn="Bydel Stovner", år_navn="2024",
                  aldersgruppe_navn="30-39 år")),
    Case("bef004-unknown-bydel", "bef004",
         set_cell("Geografi_navn", "Bydel Nordre Akre", Geografi_navn="Bydel Nordre Aker"),
         expect=['did you mean "Nordre Aker"']),
    # --- Oslo kommune wide tables
    Case("lavinntekt-numerator-above-denominator", "lavinntekt",
         set_cell("antall_lavinntekt_korr_formue", "5000", bydel_navn="Stovner", **LAV),
         expect=["larger than antall_husholdninger"], write=True),
    Case("lavinntekt-code-name-mismatch", "lavinntekt",
         set_cell("bydel_kode", "030105", bydel_navn="Stovner", **LAV),
         expect=["does not match"]),
    Case("lavinntekt-bad-code", "lavinntekt",
         set_cell("bydel_kode", "3011", bydel_navn="Stovner", **LAV), expect=["SSB code"]),
    Case("lavinntekt-unknown-level", "lavinntekt",
         set_cell("niva", "by", bydel_navn="Stovner", **LAV), expect=["one of"]),
    Case("lavinntekt-empty-year", "lavinntekt",
         set_cell("aar", "", bydel_navn="Stovner", **LAV), expect=["missing value"]),
    Case("lavinntekt-share-over-100", "lavinntekt",
         set_cell("andel_lavinntekt_prosent", "120", bydel_navn="Stovner", **LAV),
         expect=["between 0 and 100"]),
    Case("lavinntekt-missing-bydel", "lavinntekt",
         drop_row("bydel_navn", "2023", "Stovner", bydel_navn="Stovner", **LAV)),
    Case("sys002-employed-above-residents", "sys002",
         set_cell("antall_sysselsatte", "90000", bydel_navn="Stovner", aldersgruppe="40-49 år",
                  **SYS), expect=["larger than bosatte"]),
    Case("sys002-missing-age-band", "sys002",
         lambda rows: (
             drop_row("bydel_navn", "2024", "Stovner", bydel_navn="Stovner",
                      aldersgruppe="40-49 år", **SYS)(rows)[0],
             ["year 2024", 'column "aldersgruppe"', "lacks the row"],
         )),
    Case("val001-votes-above-eligible", "val001",
         set_cell("antall_stemmer", "30000", bydel_navn="Stovner", **VAL),
         expect=["larger than antall_stemmeberettigede"]),
    Case("val001-text-in-count", "val001",
         set_cell("antall_stemmeberettigede", "25 025x", bydel_navn="Stovner", **VAL),
         expect=["not a number"]),
    Case("val001-missing-bydel-name", "val001",
         set_cell("bydel_navn", "", bydel_navn="Stovner", **VAL), expect=["missing"]),
    Case("utd027-uh-above-total", "utd027",
         set_cell("antall_uh_lang", "99999", bydel_navn="Stovner", aldersgruppe="30-39 år", **UTD),
         expect=["larger than antall_i_alt"]),
    Case("utd027-duplicated-bydel", "utd027", lambda rows: utd_duplicate(rows)),
]  # fmt: skip

LOADERS = {
    "sos006": "uforetrygd",
    "sos001": "arbeidsavklaringspenger",
    "sto013": "barn_berort_sosialhjelp",
    "sto020": "sosialhjelp",
    "lavinntekt": "lavinntekt_husholdninger_barn",
    "sys002": "sysselsetting_25_59",
    "val001": "valgdeltakelse",
    "utd027": "hoyere_utdanning_30_66",
}


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return denominators._population()


@pytest.fixture
def previous_output(tmp_path) -> Path:
    """A previous build's folder (synthetic placeholder bytes; only 'untouched' is checked)."""
    out = tmp_path / "previous" / "data"
    out.mkdir(parents=True)
    for name in ("indicators.parquet", "population.parquet", "bydeler.parquet", "notes.txt"):
        (out / name).write_bytes(f"previous {name} (synthetic)".encode())
    return out


def _make(case: Case, tmp_path: Path) -> tuple[Path, list[str]]:
    original = DATA_RAW / RAW_TABLES[case.key].filename
    target = tmp_path / "input" / original.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.raw is not None:
        content, expect = case.raw(original.read_bytes())
    else:
        rows, expect = case.rows(_read_rows(case.key))
        content = _to_bytes(rows)
    target.write_bytes(content)
    return target, [*expect, *case.expect]


def _run(key: str, path: Path, population: pd.DataFrame) -> None:
    if key in ("bef004", "bef005"):
        denominators.load_population({key: path})
    else:
        loaders.load_indicator(LOADERS[key], path, population=population)


def test_there_are_at_least_40_cases():
    assert len(CASES) + len(GEO_CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_table(case: Case, tmp_path, population, previous_output):
    path, expect = _make(case, tmp_path)
    with pytest.raises(DataError) as err:
        _run(case.key, path, population)
    msg = str(err.value)
    assert path.name in msg, msg
    for fragment in expect:
        assert fragment in msg, f"{fragment!r} not in {msg!r}"
    if case.write:
        _assert_write_fails_cleanly({case.key: path}, previous_output, path.name)


def _assert_write_fails_cleanly(paths, previous: Path, name: str) -> None:
    """The previous output is untouched and no temporary folder is left behind."""
    before = {p.name: p.read_bytes() for p in previous.iterdir()}
    with pytest.raises(DataError, match=name.replace(".", r"\.")):
        build_data.write_build_data(previous, paths=paths)
    assert {p.name: p.read_bytes() for p in previous.iterdir()} == before
    assert [p.name for p in previous.parent.iterdir()] == ["data"]


def test_failed_write_creates_nothing(tmp_path):
    """With no previous output, a failing build creates no folder and no file."""
    case = next(c for c in CASES if c.id == "bef005-zero-total")
    path, _ = _make(case, tmp_path)
    out = tmp_path / "build" / "data"
    with pytest.raises(DataError, match="oslo_bef005"):
        build_data.write_build_data(out, paths={"bef005": path})
    assert not (tmp_path / "build").exists()


# ----------------------------------------------------------------------------- legal symbols


@pytest.mark.parametrize("symbol", [".", "..", ":", "-"])
@pytest.mark.parametrize(
    ("key", "column", "match"),
    [
        ("sos006", "verdi", {"bosted_navn": "Stovner", **SOS6}),
        ("lavinntekt", "antall_husholdninger", {"bydel_navn": "Stovner", **LAV}),
    ],
    ids=["sos006-verdi", "lavinntekt-husholdninger"],
)
def test_ssb_symbol_becomes_flag(symbol, key, column, match, tmp_path, population):
    """A symbol where a count is expected is legal in indicator tables: the value is missing
    and the flag carries the symbol; it is never read as 0 (synthetic copy of a raw file)."""
    rows = _read_rows(key)
    rows, _ = set_cell(column, symbol, **match)(rows)
    path = tmp_path / RAW_TABLES[key].filename
    path.write_bytes(_to_bytes(rows))
    tidy = loaders.load_indicator(LOADERS[key], path, population=population)
    year = int(match.get("år_navn", match.get("aar")))
    row = tidy[(tidy.geo_code == "030111") & (tidy.year_end == year)].iloc[0]
    assert row["flag"] == symbol
    assert np.isnan(row["value"]) and np.isnan(row["numerator"])
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    others = tidy[tidy.geo_code != "030111"]
    assert (others["flag"] == "").all() and (others["value"] > 0).all()


# ----------------------------------------------------------------------------- geometries


def _features() -> dict:
    return json.loads(geo.BYDELER_FILE.read_text(encoding="utf-8"))


def _feature_index(doc: dict, code: str) -> int:
    return next(i for i, f in enumerate(doc["features"]) if f["properties"]["bydelnr"] == code)


def geo_null_geometry(doc):
    i = _feature_index(doc, "030111")
    doc["features"][i]["geometry"] = None
    return doc, [f"feature {i + 1}", 'column "geometry"', "empty or missing geometry"]


def geo_degenerate_geometry(doc):
    i = _feature_index(doc, "030111")
    doc["features"][i]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[10.9, 59.95], [10.95, 59.95], [11.0, 59.95], [10.9, 59.95]]],
    }
    return doc, [f"feature {i + 1}", 'column "geometry"', "cannot be repaired"]


def geo_duplicated_code(doc):
    i = _feature_index(doc, "030112")
    doc["features"][i]["properties"].update(bydelnr="030110", bydelnavn="Grorud")
    return doc, [f"feature {i + 1}", 'column "bydelnr"', "has 2 features"]


def geo_missing_bydel(doc):
    i = _feature_index(doc, "030111")
    del doc["features"][i]
    return doc, ["missing bydel 030111 (Stovner)", 'column "bydelnr"']


def geo_unknown_code(doc):
    i = _feature_index(doc, "030117")
    doc["features"][i]["properties"].update(bydelnr="030199")
    return doc, [f"feature {i + 1}", 'column "bydelnr"', "unknown bydel code"]


def geo_name_mismatch(doc):
    i = _feature_index(doc, "030111")
    doc["features"][i]["properties"].update(bydelnavn="Grorud")
    return doc, [f"feature {i + 1}", 'column "bydelnavn"', "does not match"]


def geo_missing_code_column(doc):
    for f in doc["features"]:
        f["properties"]["kode"] = f["properties"].pop("bydelnr")
    return doc, ['column "bydelnr"', "no bydel code column"]


def geo_no_features(doc):
    doc["features"] = []
    return doc, ["no features"]


GEO_CASES = [
    geo_null_geometry,
    geo_degenerate_geometry,
    geo_duplicated_code,
    geo_missing_bydel,
    geo_unknown_code,
    geo_name_mismatch,
    geo_missing_code_column,
    geo_no_features,
]


@pytest.mark.parametrize("mutate", GEO_CASES, ids=[f.__name__ for f in GEO_CASES])
def test_bad_geometry(mutate, tmp_path):
    doc, expect = mutate(_features())
    path = tmp_path / geo.BYDELER_FILE.name
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as err:
        geo.load_bydeler(path=path)
    msg = str(err.value)
    assert path.name in msg
    for fragment in expect:
        assert fragment in msg, f"{fragment!r} not in {msg!r}"


def test_bad_geometry_write_leaves_previous_output(tmp_path, previous_output):
    """A geometry without a polygon stops the build after the tables were built: nothing is
    written and the previous output stays."""
    doc, _ = geo_null_geometry(_features())
    path = tmp_path / geo.BYDELER_FILE.name
    path.write_text(json.dumps(doc), encoding="utf-8")
    _assert_write_fails_cleanly({"geo": path}, previous_output, path.name)


def test_missing_crs(tmp_path):
    """A shapefile without its .prj has no CRS: an error, never a guess."""
    folder = tmp_path / "pbe"
    shutil.copytree(geo.BYDELER_PBE_FILE.parent, folder)
    (folder / "Bydeler.prj").unlink()
    with pytest.raises(DataError, match=r"Bydeler\.shp.*no coordinate reference system"):
        geo.load_bydeler(path=folder / "Bydeler.shp")


def test_invalid_geometry_is_repaired(tmp_path):
    """A self-intersecting ("bow-tie") polygon is repaired with make_valid, not rejected."""
    doc = _features()
    i = _feature_index(doc, "030111")
    doc["features"][i]["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[10.9, 59.95], [11.0, 59.97], [11.0, 59.95], [10.9, 59.97], [10.9, 59.95]]
        ],
    }
    path = tmp_path / geo.BYDELER_FILE.name
    path.write_text(json.dumps(doc), encoding="utf-8")
    gdf = geo.load_bydeler(path=path)
    assert gdf.is_valid.all() and len(gdf) == 15
    assert gdf.loc[gdf.geo_code == "030111"].geometry.item().geom_type == "MultiPolygon"


# ----------------------------------------------------------------------------- tidy parquet


def _tidy_dup(t: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    return pd.concat([t, t.iloc[[4]]], ignore_index=True), [f"row {len(t) + 1}", "duplicated key"]


def _tidy_ci(t: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    t.loc[4, "ci_high"] = t.loc[4, "value"] - 1
    return t, ["row 5", 'column "ci_high"', "value <= ci_high"]


def _tidy_unknown_code(t: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    t.loc[2, "geo_code"] = "030199"
    return t, ["row 3", 'column "geo_code"', "a bydel code or 0301"]


def _tidy_missing_column(t: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    return t.drop(columns=["denominator"]), ["missing columns ['denominator']"]


TIDY_CASES = [_tidy_dup, _tidy_ci, _tidy_unknown_code, _tidy_missing_column]


@pytest.mark.parametrize("mutate", TIDY_CASES, ids=[f.__name__ for f in TIDY_CASES])
def test_bad_tidy_parquet(mutate, tmp_path):
    """load_tidy validates indicators.parquet (synthetic edits of the valgdeltakelse rows)."""
    tidy, expect = mutate(loaders.load_indicator("valgdeltakelse"))
    path = tmp_path / "indicators.parquet"
    tidy.to_parquet(path, index=False)
    with pytest.raises(DataError) as err:
        store.load_tidy(path)
    msg = str(err.value)
    assert "indicators.parquet" in msg
    for fragment in expect:
        assert fragment in msg, f"{fragment!r} not in {msg!r}"
