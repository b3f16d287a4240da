"""Tests for helpers.ingest and helpers.pipeline: bydel names, readers, loaders, the build.

Reference numbers come from the project's PROVENANCE.md (collected 2026-11-23; cited per test as
"PROVENANCE file N") or from named lines of the raw files in data/raw (cited by line number).
Synthetic inputs are generated here and labelled synthetic.
"""

from __future__ import annotations

import csv
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from helpers import catalogue
from helpers.catalogue import sources
from helpers.config import BYDELER, DATA_RAW, OSLO_CODE, ROOT, TIDY_COLUMNS
from helpers.errors import DataError
from helpers.ingest import bydel_names, csvexport, jsonstat, rawtables, ssb
from helpers.ingest import oslo as oslo_tables
from helpers.pipeline import build_data, denominators, loaders, store

FIXTURES = ROOT / "tests" / "fixtures" / "jsonstat"
ALL_CODES = {*BYDELER, OSLO_CODE}


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return denominators._population()


@pytest.fixture(scope="module")
def tidy(population) -> dict[str, pd.DataFrame]:
    return {i: loaders.load_indicator(i, population=population) for i in loaders.INDICATOR_LOADERS}


def _row(df: pd.DataFrame, code: str, year: int) -> pd.Series:
    hit = df[(df["geo_code"] == code) & (df["year_end"] == year)]
    assert len(hit) == 1
    return hit.iloc[0]


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Bydel Gamle Oslo", "030101"),
        ("Gamle Oslo", "030101"),
        ("St.Hanshaugen", "030104"),
        ("St. Hanshaugen", "030104"),
        ("St Hanshaugen", "030104"),
        ("Bydel St.Hanshaugen", "030104"),
        ("Grunerløkka", "030102"),
        ("Grünerløkka", "030102"),
        ("Bydel Grünerløkka", "030102"),
        ("Østensjø", "030113"),
        ("  østensjø ", "030113"),
        ("BYDEL   SØNDRE  NORDSTRAND", "030115"),
        ("vestre aker", "030107"),
        ("Oslo i alt", OSLO_CODE),
        ("oslo i alt", OSLO_CODE),
    ],
)
def test_normalise_bydel_variants(name, code):
    """Spellings seen in the sources (PROVENANCE.md, 'District codes used by the sources')."""
    assert bydel_names.normalise_bydel(name) == code


@pytest.mark.parametrize(
    "name",
    ["Sentrum", "Marka", "Uten registrert adresse", "Ukjent bydel", "Sum bydeler",
     "Uoppgitt bydel", "Bydel Sentrum"],
)  # fmt: skip
def test_non_bydel_rows_are_dropped(name):
    """Rows that are not one of the 15 bydeler map to None (explicit list in data.py)."""
    assert bydel_names.normalise_bydel(name) is None


def test_sentrum_marka_with_include_other():
    """Sentrum/Marka have SSB codes 030116/030117 (config.OTHER_AREAS)."""
    assert bydel_names.normalise_bydel("Sentrum", include_other=True) == "030116"
    assert bydel_names.normalise_bydel("Marka", include_other=True) == "030117"


def test_unknown_bydel_suggests_closest():
    """A misspelt name is an error naming file, row and column, with a suggestion."""
    with pytest.raises(DataError) as err:
        bydel_names.normalise_bydel("Nordre Akre", file="x.csv", row=17, column="bosted_navn")
    msg = str(err.value)
    assert "x.csv" in msg and "row 17" in msg and 'column "bosted_navn"' in msg
    assert 'did you mean "Nordre Aker"' in msg


def test_unknown_bydel_without_close_match_lists_names():
    with pytest.raises(DataError, match="expected one of"):
        bydel_names.normalise_bydel("Trondheim")


# ----------------------------------------------------------------------------- readers


def test_read_csv_export_ssb_style(tmp_path):
    """Synthetic SSB statbank export: Latin-1, ';', 2 title lines, decimal comma, symbols."""
    text = (
        '"10826: Personer, etter region og år"\n'
        "\n"
        "region;age;Persons 2020;Share 2020\n"
        '"030101a Gamle Oslo";"0 years";1 234;12,5\n'
        '"030102a Grünerløkka";"0 years";..;:\n'
        '"030103a Sagene";"0 years";-;.\n'
        "\n"
        "Kilde: Statistisk sentralbyrå (synthetic)\n"
    )
    path = tmp_path / "ssb_export_synthetic.csv"
    path.write_bytes(text.encode("latin-1"))
    df = csvexport.read_csv_export(path, numeric=["Persons 2020", "Share 2020"])
    assert df.attrs["encoding"] == "latin-1" and df.attrs["separator"] == ";"
    assert df.attrs["title"] == ["10826: Personer, etter region og år"]
    assert df.attrs["footer"] == ["Kilde: Statistisk sentralbyrå (synthetic)"]
    assert df["region"].tolist()[1] == "030102a Grünerløkka"
    assert df["Persons 2020"].iloc[0] == 1234.0
    assert df["Share 2020"].iloc[0] == 12.5
    # symbols are flags, never 0
    assert df["Persons 2020_flag"].tolist() == ["", "..", "-"]
    assert df["Share 2020_flag"].tolist() == ["", ":", "."]
    assert df["Persons 2020"].iloc[1:].isna().all()


def test_read_csv_export_utf8_bom(tmp_path):
    """Synthetic FHI-style export: UTF-8 with BOM, ';', decimal comma."""
    path = tmp_path / "fhi_synthetic.csv"
    path.write_bytes("\ufeffGeografi;Teller;Måltall\nSt. Hanshaugen;12;3,25\n".encode("utf-8"))
    df = csvexport.read_csv_export(path, numeric=["Teller", "Måltall"])
    assert list(df.columns[:3]) == ["Geografi", "Teller", "Måltall"]
    assert df["Måltall"].iloc[0] == 3.25 and df.index[0] == 1


JSONSTAT_PAIRS = [
    ("oslo_sos006_uforetrygd_bydel", "oslo_sos006_uforetrygd_bydel_2004_2024"),
    ("oslo_sos001_aap_bydel", "oslo_sos001_aap_bydel_2012_2024"),
    ("oslo_sto020_sosialhjelp_andel_bydel", "oslo_sto020_sosialhjelp_andel_bydel_2007_2023"),
    ("oslo_sto013_sosialhjelp_bydel", "oslo_sto013_sosialhjelp_bydel_2005_2023"),
]


@pytest.mark.parametrize(
    ("fixture", "raw"),
    [(f"{a}.jsonstat2.json", f"{b}.csv") for a, b in JSONSTAT_PAIRS],
    ids=[a for a, _ in JSONSTAT_PAIRS],
)
def test_jsonstat_round_trip(fixture, raw):
    """The raw PxWeb json-stat2 responses flatten to exactly the CSVs in data/raw (PROVENANCE
    files 15-18 are the source of files 10-13): same columns, codes, labels and values; the
    CSV's empty cells are exactly the json nulls (which carry a status symbol)."""
    from_json = jsonstat.read_jsonstat(FIXTURES / fixture)
    from_csv = csvexport.read_csv_export(DATA_RAW / raw, numeric=["verdi"])
    assert list(from_json.columns) == list(from_csv.columns)
    assert len(from_json) == len(from_csv)
    labels = [c for c in from_csv.columns if c.endswith(("_kode", "_navn"))]
    pd.testing.assert_frame_equal(from_json[labels], from_csv[labels].astype(str))
    np.testing.assert_array_equal(from_json["verdi"].to_numpy(), from_csv["verdi"].to_numpy())
    empty = from_csv["verdi_flag"] != ""
    assert ((from_json["verdi_flag"] != "") == empty).all()
    if fixture.startswith("oslo_sos006"):
        assert empty.sum() == 532  # PROVENANCE file 10: 532 empty verdi
        assert set(from_json.loc[empty, "verdi_flag"]) == {"-"}


# ----------------------------------------------------------------------------- population


def test_population_bef004_bef005_agree_2019():
    """PROVENANCE file 7: in 2019 BEF004 and BEF005 agree exactly (Oslo 678 730)."""
    old = oslo_tables.read_population_table("bef004")
    new = oslo_tables.read_population_table("bef005")
    key = ["geo_code", "age_group"]
    a = old[old["year"] == 2019].set_index(key)["population"].sort_index()
    b = new[new["year"] == 2019].set_index(key)["population"].sort_index()
    pd.testing.assert_series_equal(a, b)
    assert a[(OSLO_CODE, "alle")] == 678_730


def test_load_population_shape(population):
    """16 areas x 20 age groups (alle + 19 bands) x 2008-2026 (BEF004 2008-2016, BEF005 on)."""
    pop = denominators.load_population()
    assert list(pop.columns) == ["geo_code", "geo_name", "year", "age_group", "population"]
    assert pop["year"].min() == 2008 and pop["year"].max() == 2026
    assert len(pop) == 19 * 16 * 20
    assert set(pop["geo_code"]) == ALL_CODES
    assert set(pop["age_group"]) == set(oslo_tables.POPULATION_AGE_GROUPS)
    assert not pop.duplicated(["geo_code", "year", "age_group"]).any()
    # 2018 comes from BEF005: Gamle Oslo 50-66 is 7 665 there (BEF004 says 7 664).
    row = pop[(pop.year == 2018) & (pop.geo_code == "030101") & (pop.age_group == "50-66")]
    assert row["population"].item() == 7_665


# ----------------------------------------------------------------------------- loaders


def _first_and_last_year(text: str) -> tuple[int, int]:
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", text)]
    assert years, text
    return min(years), max(years)


def _expected_years() -> dict[str, tuple[int, int]]:
    """First and last year of every annual series, derived, not copied: a catalogue indicator's
    ``period`` (what the report tells readers, e.g. "Årlig, per 31.12., 2007–2024"); a ranking
    variable's file title in data/sources.yml (its own table is its denominator). Moving averages
    (vaccination) are checked in tests/data/test_vaccination.py."""
    cat = catalogue.load_catalogue()
    catalogued = {i.id: i for i in cat.available()}
    titles = {i: f["title"] for f in sources.load_sources()["files"] for i in f.get("used_for", [])}
    expected = {}
    for indicator_id in loaders.INDICATOR_LOADERS:
        if indicator_id in catalogued:
            period = catalogued[indicator_id].period
            if "glidende" not in period:
                expected[indicator_id] = _first_and_last_year(period)
        else:
            expected[indicator_id] = _first_and_last_year(titles[indicator_id])
    return expected


EXPECTED_YEARS = _expected_years()


@pytest.mark.parametrize("indicator_id", sorted(EXPECTED_YEARS))
def test_loader_shape(tidy, indicator_id):
    """Every loader: TIDY_COLUMNS in order, 15 bydeler + Oslo in every year, one row each."""
    df = tidy[indicator_id]
    first, last = EXPECTED_YEARS[indicator_id]
    assert list(df.columns) == list(TIDY_COLUMNS)
    assert len(df) == 16 * (last - first + 1)
    assert sorted(df["year_end"].unique()) == list(range(first, last + 1))
    for _, group in df.groupby("year_end"):
        assert set(group["geo_code"]) == ALL_CODES and len(group) == 16
    assert (df["indicator_id"] == indicator_id).all()
    assert (df["flag"] == "").all() and df["value"].notna().all()
    assert (df["ci_low"] <= df["value"]).all() and (df["value"] <= df["ci_high"]).all()


def test_uforetrygd_2024_bydeler_sum_to_oslo(tidy):
    """PROVENANCE file 10: in 2024 the 15 bydeler sum exactly to Oslo i alt (32 120)."""
    df = tidy["uforetrygd"]
    y = df[df["year_end"] == 2024]
    assert y.loc[y.geo_code == OSLO_CODE, "numerator"].item() == 32_120
    assert y.loc[y.geo_code != OSLO_CODE, "numerator"].sum() == 32_120


def test_uforetrygd_stovner_2024_hand_computed(tidy):
    """Stovner 2024: 2 523 recipients (data/raw SOS006 line 6680) over residents 18-66 on
    1 January 2025 = 967+1441+917+2168+4909+4841+7220 = 22 463 (BEF005 lines 2929-2935).

    Wilson 95 %, z = 1.959964, z^2 = 3.841459:
      centre = (x + z^2/2) / (n + z^2) = 2524.920729 / 22466.841459 = 0.1123843
      half   = z * sqrt(x(n-x)/n + z^2/4) / (n + z^2)
             = 1.959964 * sqrt(2239.621600 + 0.960365) / 22466.841459
             = 1.959964 * 47.334786 / 22466.841459 = 0.0041294
      -> 10.82549 % to 11.65137 %; value 100 * 2523 / 22463 = 11.23180 %.
    """
    r = _row(tidy["uforetrygd"], "030111", 2024)
    assert r["numerator"] == 2523 and r["denominator"] == 22_463
    assert r["age_group"] == "18-66" and r["sex"] == "alle"
    assert r["value"] == pytest.approx(11.231803, abs=1e-5)
    assert r["ci_low"] == pytest.approx(10.825493, abs=1e-5)
    assert r["ci_high"] == pytest.approx(11.651372, abs=1e-5)


def test_sosialhjelp_published_share_2023(tidy):
    """PROVENANCE file 12: in 2023 the share ranges from 1.4 % (Vestre Aker) to 4.7 %
    (Søndre Nordstrand)."""
    df = tidy["sosialhjelp"]
    y = df[(df["year_end"] == 2023) & (df["geo_level"] == "bydel")]
    assert _row(df, "030107", 2023)["value"] == 1.4
    assert _row(df, "030115", 2023)["value"] == 4.7
    assert y["value"].min() == 1.4 and y["value"].max() == 4.7


def test_sosialhjelp_denominator_reproduces_share(tidy):
    """Finding documented in data/sources.yml: with residents 18+ (1 Jan Y+1) up to 2018 and all
    residents (1 Jan Y) from 2019, 100 * count / denominator reproduces the published one-decimal
    share to 0.05 pp in at least 90 % of rows (251 of 272 in the exploration) and every row to
    0.21 pp; all differences above 0.1 pp are 2015 or St. Hanshaugen from 2019 (whose published
    denominator seems to leave out Sentrum's residents)."""
    df = tidy["sosialhjelp"].copy()
    diff = (100 * df["numerator"] / df["denominator"] - df["value"]).abs()
    assert (diff <= 0.05 + 1e-9).mean() >= 0.9
    assert diff.max() <= 0.21
    large = df[diff > 0.1]
    assert ((large["year_end"] == 2015) | (large["geo_code"] == "030104")).all()
    assert set(df.loc[df.year_end <= 2018, "age_group"]) == {"18+"}
    assert set(df.loc[df.year_end >= 2019, "age_group"]) == {"alle"}
    # The total population does not reproduce 2007-2018 (the series break in 2019).
    oslo = df[df.geo_code == OSLO_CODE].set_index("year_end")
    assert oslo.loc[2018, "value"] == 3.7 and oslo.loc[2019, "value"] == 2.9


def test_sosialhjelp_ci_is_wilson_on_published_share(tidy):
    """CI = Wilson for x = share/100 * n, n = denominator (so it always contains the value).
    Vestre Aker 2023: share 1.4, n = 52 182 (BEF005 2023 total), x = 0.014 * 52182 = 730.548:
      centre = (730.548 + 1.920729) / (52182 + 3.841459) = 732.468729 / 52185.841459 = 0.0140358
      half   = 1.959964 * sqrt(730.548 * 51451.452 / 52182 + 0.960365) / 52185.841459
             = 1.959964 * sqrt(720.320328 + 0.960365) / 52185.841459
             = 1.959964 * 26.856669 / 52185.841459 = 0.0010087
      -> 1.30271 % to 1.50444 %.
    """
    r = _row(tidy["sosialhjelp"], "030107", 2023)
    assert r["denominator"] == 52_182 and r["numerator"] == 712
    assert r["ci_low"] == pytest.approx(1.302711, abs=1e-5)
    assert r["ci_high"] == pytest.approx(1.504444, abs=1e-5)


def test_lavinntekt_2019_reproduces_oslo_kommune(tidy):
    """PROVENANCE file 31: Oslo kommune's web page gives for 2019 12,9 % of all households,
    11,4 % of households with children and Stovner 21,3 % (households with children); file 21's
    wealth-adjusted shares are 12.86, 11.38 and 21.27."""
    alle = _row(tidy["lavinntekt_husholdninger"], OSLO_CODE, 2019)
    barn = tidy["lavinntekt_husholdninger_barn"]
    assert round(alle["value"], 2) == 12.86 and round(alle["value"], 1) == 12.9
    assert round(_row(barn, OSLO_CODE, 2019)["value"], 2) == 11.38
    assert round(_row(barn, "030111", 2019)["value"], 2) == 21.27


def test_lavinntekt_2023_children(tidy):
    """PROVENANCE file 21 checks 2023 households with children: Stovner 24.4 %, Vestre Aker
    6.2 %, Oslo 12.8 %. Those are the UNADJUSTED shares (antall_lavinntekt); the indicator is
    wealth-adjusted (antall_lavinntekt_korr_formue): Stovner 807 / 4 026 (raw line 3631)."""
    raw = rawtables.read_table("lavinntekt")
    raw = raw[
        (raw.aar == "2023")
        & raw.niva.isin(["oslo", "bydel"])
        & (raw.husholdningstype == "Husholdninger med barn under 18 år")
    ]
    unadjusted = raw.set_index("bydel_navn").eval("100 * antall_lavinntekt / antall_husholdninger")
    assert round(unadjusted["Stovner"], 1) == 24.4
    assert round(unadjusted["Vestre Aker"], 1) == 6.2
    assert round(unadjusted["Oslo i alt"], 1) == 12.8
    r = _row(tidy["lavinntekt_husholdninger_barn"], "030111", 2023)
    assert (r["numerator"], r["denominator"]) == (807, 4026)
    assert r["value"] == pytest.approx(100 * 807 / 4026)


def test_valgdeltakelse_2023(tidy):
    """PROVENANCE file 23: turnout Stovner 49.8 %, Vestre Aker 79.5 %, Oslo 64.1 % (570 411
    eligible). The source's percent column is truncated, not rounded: Stovner 12 479 / 25 025
    = 49.866 % (raw line 233)."""
    df = tidy["valgdeltakelse"]
    trunc = {c: math.floor(_row(df, c, 2023)["value"] * 10) / 10 for c in ("030111", "030107")}
    assert trunc == {"030111": 49.8, "030107": 79.5}
    oslo = _row(df, OSLO_CODE, 2023)
    assert oslo["denominator"] == 570_411 and math.floor(oslo["value"] * 10) / 10 == 64.1


def test_valgdeltakelse_wilson_hand_computed(tidy):
    """Stovner: x = 12 479 votes, n = 25 025 eligible (raw line 233). Wilson 95 %:
    centre = (12479 + 1.920729) / (25025 + 3.841459) = 12480.920729 / 25028.841459 = 0.4986615
    half   = 1.959964 * sqrt(12479 * 12546 / 25025 + 0.960365) / 25028.841459
           = 1.959964 * sqrt(6256.205155 + 0.960365) / 25028.841459
           = 1.959964 * 79.102247 / 25028.841459 = 0.0061944
    -> 49.24672 % to 50.48559 %.
    """
    r = _row(tidy["valgdeltakelse"], "030111", 2023)
    assert r["ci_low"] == pytest.approx(49.246719, abs=1e-5)
    assert r["ci_high"] == pytest.approx(50.485590, abs=1e-5)


def test_hoyere_utdanning_16_plus_2024():
    """PROVENANCE file 19: in 2024 (both sexes, 16+) higher education ranges from 29.2 %
    (Stovner) to 67.4 % (St. Hanshaugen). Same share code, ages 'Alder i alt'."""
    spec = oslo_tables.Share(
        "utd027",
        {"kjonn": ("Begge kjønn",), "aldersgruppe": ("Alder i alt",)},
        ("antall_uh_kort", "antall_uh_lang"),
        "antall_i_alt",
        "16+",
        "test",
    )
    df = loaders._load_share("hoyere_utdanning_16", spec=spec)
    y = df[(df.year_end == 2024) & (df.geo_level == "bydel")].set_index("geo_code")["value"]
    assert round(y["030111"], 1) == 29.2 and round(y["030104"], 1) == 67.4
    assert y.idxmin() == "030111" and y.idxmax() == "030104"


def test_hoyere_utdanning_30_66_hand_computed(tidy):
    """Stovner 2024 (raw lines 8733-8735): uh_kort + uh_lang = (1388+831) + (976+582) +
    (1341+518) = 5 636 of 4909 + 4841 + 7220 = 16 970 residents 30-66 -> 33.2115 %."""
    r = _row(tidy["hoyere_utdanning_30_66"], "030111", 2024)
    assert (r["numerator"], r["denominator"]) == (5636, 16970)
    assert r["value"] == pytest.approx(100 * 5636 / 16970)
    assert r["age_group"] == "30-66"


def test_sysselsetting_25_39_and_25_59():
    """PROVENANCE file 22, age 25-39: Søndre Nordstrand 70.8 %, Stovner 71.5 %, Sagene 88.1 %,
    Oslo 82.9 %. The indicator 25-59 for Oslo sums raw lines 3-5:
    (178386 + 80002 + 65149) / (215130 + 99771 + 84810)."""
    spec = oslo_tables.Share(
        "sys002", {"kjonn": ("Begge kjønn",), "aldersgruppe": ("25-39 år",)},
        ("antall_sysselsatte",), "bosatte", "25-39", "test",
    )  # fmt: skip
    band = loaders._load_share("sysselsetting_25_39", spec=spec).set_index("geo_code")["value"]
    assert [round(band[c], 1) for c in ("030115", "030111", "030103", OSLO_CODE)] == [
        70.8, 71.5, 88.1, 82.9,
    ]  # fmt: skip
    r = _row(loaders.load_indicator("sysselsetting_25_59"), OSLO_CODE, 2024)
    assert r["numerator"] == 178386 + 80002 + 65149
    assert r["denominator"] == 215130 + 99771 + 84810


def test_barn_berort_stovner_2023(tidy):
    """Stovner 2023: 1 138 children affected (STØ013 line 1913) per residents 0-17 on 1 January
    2024 = 348+746+1230+1652+1302+1357+984 = 7 619 (BEF005 lines 2586-2592)."""
    r = _row(tidy["barn_berort_sosialhjelp"], "030111", 2023)
    assert (r["numerator"], r["denominator"]) == (1138, 7619)
    assert r["age_group"] == "0-17"


def test_child_low_income_context_table():
    """PROVENANCE file 27: the 15 bydel counts sum to 5 709 (1996-1998) and 7 796 (2002-2004);
    Oslo 5 746 and 7 815."""
    df = ssb.load_child_low_income_1996_2004()
    assert len(df) == 32
    byd = df[df.geo_code != OSLO_CODE].groupby("period")["count"].sum()
    assert byd.to_dict() == {"1996-1998": 5709, "2002-2004": 7796}
    oslo = df[df.geo_code == OSLO_CODE].set_index("period")["count"]
    assert oslo.to_dict() == {"1996-1998": 5746, "2002-2004": 7815}


def test_loaders_use_names_not_pxweb_codes():
    """STØ013's bydel_kode is a positional PxWeb index (0 = Oslo i alt, 2 = Gamle Oslo), so the
    loader must not read it as an SSB code (PROVENANCE.md)."""
    with open(DATA_RAW / "oslo_sto013_sosialhjelp_bydel_2005_2023.csv", encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    assert first["bydel_kode"] == "0" and first["bydel_navn"] == "Oslo i alt"
    first, last = EXPECTED_YEARS["barn_berort_sosialhjelp"]
    assert len(loaders.load_indicator("barn_berort_sosialhjelp")) == 16 * (last - first + 1)


def test_unknown_indicator_id():
    with pytest.raises(ValueError, match="indicator_id"):
        loaders.load_indicator("forventet_levealder")


# ----------------------------------------------------------------------------- build


def test_write_build_data_round_trip(tmp_path):
    """The build writes three parquet files, all readable and validated; nothing else is left.
    With the catalogue, data and catalogue are checked against each other and suppression is
    applied (no shipped bydel value is small enough to be hidden)."""
    from helpers import catalogue

    out = tmp_path / "build" / "data"
    assert build_data.write_build_data(out, catalogue=catalogue.load_catalogue()) == out
    assert sorted(p.name for p in out.iterdir()) == [
        "bydeler.parquet", "indicators.parquet", "population.parquet",
    ]  # fmt: skip
    assert sorted(p.name for p in out.parent.iterdir()) == ["data"]  # temp folder removed
    tidy = store.load_tidy(out / "indicators.parquet")
    assert list(tidy.columns) == [*TIDY_COLUMNS, "suppression"]
    assert (tidy["flag"] == "").all() and (tidy["suppression"] == "").all()
    assert set(tidy["indicator_id"]) == set(loaders.INDICATOR_LOADERS)
    assert not tidy.duplicated(["indicator_id", "geo_code", "period", "sex", "age_group"]).any()
    geo = gpd.read_parquet(out / "bydeler.parquet")
    assert geo.crs.to_epsg() == 25833 and len(geo) == 15
    pop = pd.read_parquet(out / "population.parquet")
    assert pop["population"].dtype == "int64"


def test_tidy_interval_is_the_statistics_wilson_interval(population):
    """The tidy table's interval is helpers.stats.intervals.wilson (one definition); it equals the
    hand-computed Stovner 2024 uføretrygd interval (see test_uforetrygd_stovner_2024...) and
    statsmodels' Wilson interval."""
    from statsmodels.stats.proportion import proportion_confint

    r = _row(loaders.load_indicator("uforetrygd", population=population), "030111", 2024)
    assert r["ci_low"] == pytest.approx(10.825493, abs=1e-5)
    assert r["ci_high"] == pytest.approx(11.651372, abs=1e-5)
    lo, hi = proportion_confint(r["numerator"], r["denominator"], method="wilson")
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((100 * lo, 100 * hi), abs=1e-9)
