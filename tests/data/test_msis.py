"""MSIS COVID-19 cases per bydel (helpers.ingest.msis): make data against a local stub server
(pytest-httpserver, loopback only) and the offline reader.

Every CSV here is MADE-UP (tests/synthetic.py, ``msis_csv``): the real file's header and layout
(thohan88/covid19-nor-data, data/01_infected/msis/municipality_and_district.csv) with invented
numbers from simple formulas, NOT MSIS's or Oslo's figures. The expected numbers below are worked
out by hand from those formulas:

- bydel number i (1-15, in config.BYDELER order) has population 10 000 + 1 000·i and cumulative
  cases i (2020-03-26), 100 + 10·i (2020-12-31), 200 + 20·i (2021-06-30), 400 + 30·i
  (2021-12-29), 900 + 50·i (2022-03-01);
- Sentrum / Marka / Ukjent bydel: populations 1 000 / 1 500 / 2 000, cumulative cases
  1, 5, 8, 12, 20 / 0, 2, 3, 4, 6 / 3, 50, 70, 90, 150 on the same five dates.
"""

from __future__ import annotations

import re
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
import synthetic

from helpers import config
from helpers.catalogue import sources
from helpers.catalogue.schemas import TIDY_SCHEMA, validate
from helpers.errors import DataError
from helpers.ingest import fetch, msis
from helpers.ingest.http import Client
from helpers.pipeline.fetched_data import load_fetched

SPEC = {
    "publisher": "msis",
    "table": "municipality_and_district.csv",
    "file": "msis_covid19_kommune_bydel.csv",
    "licence": "unclear: the copy's repository states no licence (original: MSIS, FHI)",
}
URL_PATH = "/msis/municipality_and_district.csv"
CSV = synthetic.msis_csv()


def _catalogue(**specs) -> SimpleNamespace:
    inds = [SimpleNamespace(id=k, fetch=v) for k, v in specs.items()]
    return SimpleNamespace(indicators=inds, path=config.CATALOGUE_FILE)


@pytest.fixture
def env(tmp_path, httpserver, monkeypatch):
    """The MSIS base URL pointing at the stub, an empty raw folder and a copy of the manifest."""
    monkeypatch.setenv(msis.API_ENV, httpserver.url_for("/msis/"))
    raw = tmp_path / "raw"
    raw.mkdir()
    manifest = tmp_path / "sources.yml"
    shutil.copy(config.SOURCES_FILE, manifest)
    client = Client(
        httpserver.url_for("/msis/"), min_interval=0, backoff=0.01, retries=2, timeout=1,
        sleep=lambda s: None,
    )  # fmt: skip
    return SimpleNamespace(raw=raw, manifest=manifest, client=client, server=httpserver)


def _run(env, lines: list[str]) -> int:
    return fetch.run(
        catalogue=_catalogue(covid19_tilfeller=SPEC), raw_dir=env.raw, manifest=env.manifest,
        clients={"msis": env.client}, out=lines.append,
    )  # fmt: skip


def _csv_file(tmp_path, content: bytes = CSV):
    path = tmp_path / "msis_covid19_kommune_bydel.csv"
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------------------- make data
def test_happy_path_writes_the_file_and_a_manifest_entry_saying_the_licence_is_unclear(env):
    env.server.expect_request(URL_PATH, method="GET").respond_with_data(
        CSV, content_type="text/csv"
    )
    lines: list[str] = []
    assert _run(env, lines) == 0
    assert "msis http://localhost" in lines[0]  # the base URL used is printed
    assert re.search(r"covid19_tilfeller\s+msis\s+new\s", "\n".join(lines))
    target = env.raw / "msis_covid19_kommune_bydel.csv"
    assert target.read_bytes() == CSV  # written unchanged
    doc = sources.load_sources(env.manifest)  # the manifest still validates
    entry = next(f for f in doc["files"] if f["path"] == str(target))
    assert entry["publisher"] == "msis_fhi" == msis.MANIFEST_KEY
    assert entry["licence"].startswith("unclear")
    assert entry["repo_licence"] == "none stated"
    assert entry["source_repo"] == "thohan88/covid19-nor-data"
    assert entry["source_path"] == "data/01_infected/msis/municipality_and_district.csv"
    assert "licence unclear" in entry["caveats"] and "never shipped" in entry["caveats"]
    assert entry["url"].endswith(URL_PATH) and entry["sha256"] == sources.sha256_of(target)
    assert "request_body" not in entry  # a plain GET
    assert "unclear" in doc["publishers"]["msis_fhi"]["licence"]
    assert "lisensen for kopien er uklar" in doc["publishers"]["msis_fhi"]["attribution_nb"]


def test_default_base_url_is_the_raw_github_folder(monkeypatch) -> None:
    monkeypatch.delenv(msis.API_ENV, raising=False)
    assert fetch.base_urls()["msis"] == (
        "https://raw.githubusercontent.com/thohan88/covid19-nor-data/master/data/01_infected/msis/"
    )


@pytest.mark.parametrize(
    ("respond", "message"),
    [
        (lambda s: s.respond_with_data("Not Found", status=404), r"-> 404: Not Found"),
        (lambda s: s.respond_with_data("boom", status=500), r"-> 500: boom \(after 3 attempts\)"),
        (
            lambda s: s.respond_with_data(CSV.replace(b",cases\n", b",antall\n", 1)),
            r'-> 200: malformed CSV \(line 1, column "cases"\): missing column\(s\) cases',
        ),
        (
            lambda s: s.respond_with_data(
                synthetic.msis_csv(cases={("2021-12-29", "030104"): "mange"})
            ),
            r'malformed CSV \(line 65, column "cases"\): "mange" is not a whole number',
        ),
        (
            lambda s: s.respond_with_data(synthetic.msis_csv(dates=synthetic.MSIS_DATES[:1])),
            r"no complete calendar year: the series runs 2020-03-26 to 2020-03-26",
        ),
        (
            lambda s: s.respond_with_data(CSV.replace(b",0301,Oslo,", b",0302,Oslo,")),
            r"no rows for Oslo's bydeler",
        ),
    ],
    ids=["404", "500", "missing-column", "non-numeric", "no-complete-year", "no-oslo"],
)
def test_failure_writes_nothing_and_says_why(env, respond, message) -> None:
    respond(env.server.expect_request(URL_PATH))
    before = env.manifest.read_bytes()
    lines: list[str] = []
    assert _run(env, lines) == 1
    last = lines[-1]
    assert last.startswith("make data stopped, nothing written: ")
    assert 'indicator "covid19_tilfeller"' in last and URL_PATH in last
    assert re.search(message, last), last
    assert list(env.raw.iterdir()) == []
    assert env.manifest.read_bytes() == before


# ---------------------------------------------------------------------------- reader
def test_yearly_cases_are_differences_of_the_cumulative_counts(tmp_path) -> None:
    years = msis.yearly(msis.read_msis(_csv_file(tmp_path)))
    got = years.set_index(["year", "area"])
    # 2020, the first year: cumulative on 2020-12-31 counted from the start of the series
    # (Gamle Oslo, i = 1: 100 + 10·1 = 110; Søndre Nordstrand, i = 15: 100 + 150 = 250)
    assert got.at[(2020, "030101"), "cases"] == 110
    assert got.at[(2020, "030115"), "cases"] == 250
    # 2021: cumulative on 2021-12-29 minus on 2020-12-31 (2021-06-30 is not a year end):
    # Gamle Oslo (400 + 30) - (100 + 10) = 320; Ukjent bydel 90 - 50 = 40
    assert got.at[(2021, "030101"), "cases"] == 320
    assert got.at[(2021, "030199"), "cases"] == 40
    # Oslo = every Oslo row: 2020: sum over i of (100 + 10·i) = 1 500 + 10·120 = 2 700, plus
    # Sentrum 5, Marka 2, Ukjent 50 -> 2 757; 2021: sum of (300 + 20·i) = 4 500 + 2 400 = 6 900,
    # plus Sentrum 12 - 5 = 7, Marka 4 - 2 = 2, Ukjent 90 - 50 = 40 -> 6 949
    assert got.at[(2020, "0301"), "cases"] == 2757
    assert got.at[(2021, "0301"), "cases"] == 6949
    # population: the file's; Oslo's is the sum, 150 000 + 1 000·120 + 1 000 + 1 500 + 2 000
    assert got.at[(2021, "030101"), "population"] == 11_000
    assert got.at[(2021, "0301"), "population"] == 274_500
    # the other kommuner (1101, 9999) are not read
    assert set(years["area"]) == {*config.BYDELER, "030116", "030117", "030199", "0301"}


def test_incomplete_year_is_left_out(tmp_path) -> None:
    """2022 ends on 2022-03-01 (before 28 December): no 2022 rows."""
    years = msis.yearly(msis.read_msis(_csv_file(tmp_path)))
    assert sorted(years["year"].unique()) == [2020, 2021]
    # a year whose previous year does not reach 28 December is not complete either: without
    # 2020-12-31, "2021" would count cases from 2020-03-26, about 21 months
    dates = ("2020-03-26", "2021-06-30", "2021-12-29")
    with pytest.raises(DataError, match="no complete calendar year"):
        msis.yearly(msis.read_msis(_csv_file(tmp_path, synthetic.msis_csv(dates))))


def test_non_numeric_cases_name_file_row_and_column(tmp_path) -> None:
    """Line 24: header (1) + the 20 rows of 2020-03-26 (2-21), then 030101-030103 of
    2020-12-31 on lines 22-24."""
    bad = synthetic.msis_csv(cases={("2020-12-31", "030103"): "12x"})
    path = _csv_file(tmp_path, bad)
    with pytest.raises(DataError) as err:
        msis.read_msis(path)
    assert err.value.row == "line 24" and err.value.column == "cases"
    assert str(err.value).startswith(str(path)) and '"12x" is not a whole number' in str(err.value)


def test_falling_cumulative_count_is_an_error(tmp_path) -> None:
    bad = synthetic.msis_csv(cases={("2021-12-29", "030102"): "3"})
    with pytest.raises(DataError, match="cumulative cases of 030102 fall from 120") as err:
        msis.yearly(msis.read_msis(_csv_file(tmp_path, bad)))
    assert err.value.column == "cases" and err.value.row == "line 63"


def test_tidy_rows_rate_per_1000_with_poisson_interval(tmp_path) -> None:
    tidy = load_fetched("covid19_tilfeller", SPEC, _csv_file(tmp_path))
    validate(tidy, TIDY_SCHEMA, "test")
    assert len(tidy) == 2 * 16 and set(tidy["period"]) == {"2020", "2021"}
    row = tidy.set_index(["year_end", "geo_code"])
    # Gamle Oslo 2021: 320 cases / 11 000 residents x 1 000 = 29.0909...
    r = row.loc[(2021, "030101")]
    assert r["numerator"] == 320 and r["denominator"] == 11_000
    assert r["value"] == pytest.approx(320 / 11_000 * 1000)
    # Byars' interval (>= 10 events; PHEindicatormethods phe_rate), by hand:
    # lower = x (1 - 1/(9x) - z/(3 sqrt x))^3, upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3
    z, x = 1.959963984540054, 320.0
    lower = x * (1 - 1 / (9 * x) - z / (3 * x**0.5)) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * (x + 1) ** 0.5)) ** 3
    assert r["ci_low"] == pytest.approx(lower / 11_000 * 1000, rel=1e-9)
    assert r["ci_high"] == pytest.approx(upper / 11_000 * 1000, rel=1e-9)
    # Oslo 2020: 2 757 / 274 500 x 1 000
    assert row.loc[(2020, "0301"), "value"] == pytest.approx(2757 / 274_500 * 1000)
    assert row.loc[(2020, "0301"), "geo_level"] == "kommune"
    # the catalogue's unit is the reader's scale
    from helpers.catalogue import load_catalogue

    assert load_catalogue().indicator("covid19_tilfeller").multiplier == msis.FETCH_RATE_PER


def test_small_yearly_counts_get_the_exact_interval_and_are_suppressed(tmp_path) -> None:
    """Gamle Oslo's cumulative count on 2021-12-29 set to 113: 113 - 110 = 3 cases in 2021.
    Below 10 events the interval is the exact Poisson one (chi-squared limits, phe_rate); 3 is
    below the default min_numerator 5, so the normal suppression hides it."""
    from scipy import stats

    from helpers.pipeline import suppress

    csv = synthetic.msis_csv(cases={("2021-12-29", "030101"): "113"})
    tidy = load_fetched("covid19_tilfeller", SPEC, _csv_file(tmp_path, csv))
    r = tidy.set_index(["year_end", "geo_code"]).loc[(2021, "030101")]
    assert r["numerator"] == 3
    assert r["ci_low"] == pytest.approx(stats.chi2.ppf(0.025, 6) / 2 / 11_000 * 1000)
    assert r["ci_high"] == pytest.approx(stats.chi2.ppf(0.975, 8) / 2 / 11_000 * 1000)
    out = suppress.suppress(tidy)
    hidden = out.set_index(["year_end", "geo_code"]).loc[(2021, "030101")]
    assert pd.isna(hidden["value"]) and pd.isna(hidden["numerator"]) and hidden["flag"] != ""
    suppress.assert_no_small_counts(out)


def test_unknown_bydel_note_says_how_many(tmp_path) -> None:
    path = _csv_file(tmp_path)
    # 2021: Ukjent 40 of Oslo's 6 949 = 0.58 %; Sentrum + Marka 7 + 2 = 9 = 0.13 %
    note = msis.fetched_note(SPEC, path, "2021")
    assert "Av 6\u00a0949 meldte tilfeller i Oslo i 2021 hadde 40 (0,6\u00a0%) ukjent bydel" in note
    assert "9 (0,1\u00a0%) gjaldt Sentrum eller Marka" in note
    # below the suppression threshold a count is not printed
    assert "færre enn 10 gjaldt Sentrum" in msis.fetched_note(SPEC, path, "2021", 10)
    assert msis.fetched_note(SPEC, path, "2022") == ""


# ---------------------------------------------------------------------------- round trip
def test_fetched_file_makes_the_planned_indicator_available(env, monkeypatch) -> None:
    """make data writes the file; read by load_fetched it gives tidy rows that pass the schema,
    and with that raw folder the shipped catalogue entry (planned) counts as available and is
    registered for the build (helpers.ingest.fetch.fetched_indicators), with no code change."""
    env.server.expect_request(URL_PATH).respond_with_data(CSV)
    assert _run(env, []) == 0
    file = env.raw / "msis_covid19_kommune_bydel.csv"
    tidy = load_fetched("covid19_tilfeller", SPEC, file)
    validate(tidy, TIDY_SCHEMA, file)
    from helpers.catalogue import load_catalogue

    assert load_catalogue().indicator("covid19_tilfeller").status == "planned"
    copy = env.raw.parent / "indicators.yml"  # a copy: load_catalogue caches per file
    shutil.copy(config.CATALOGUE_FILE, copy)
    monkeypatch.setattr(config, "DATA_RAW", env.raw)
    ind = load_catalogue(copy).indicator("covid19_tilfeller")
    assert ind.is_available and ind.source is not None
    assert "MSIS" in ind.source.publisher
    assert "covid19_tilfeller" in fetch.fetched_indicators()
