"""make data (helpers.ingest.fetch) against a local stub server on loopback (pytest-httpserver).

The stub replays the recorded examples and the MADE-UP documents in tests/fixtures/apis (see its
README); Oslo statistikkbank responses are the real raw API responses in tests/fixtures/jsonstat.
No test touches the network.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from types import SimpleNamespace

import pytest
import synthetic

from helpers import config
from helpers.catalogue import sources
from helpers.ingest import fetch, fhi, jsonstat, msis, rawtables
from helpers.ingest.http import Client, FetchError

FIX = config.ROOT / "tests" / "fixtures" / "apis"
OSLO_SOS006 = config.ROOT / "tests/fixtures/jsonstat/oslo_sos006_uforetrygd_bydel.jsonstat2.json"
DIMS = (FIX / "MADEUP_fhi_dimension_bydel.json").read_bytes()
FHI_DATA = (FIX / "MADEUP_fhi_data_bydel.json").read_bytes()
SSB_DATA = (FIX / "MADEUP_ssb_v2_10826.json").read_bytes()

FHI_SPEC = {"publisher": "fhi", "source": "nokkel", "table": 660, "select": {"KJONN": ["0"]}}
SSB_SPEC = {
    "publisher": "ssb",
    "table": "10826",
    "select": {"Region": ["030101a", "030102a", "030101"], "ContentsCode": ["Personer"]},
}
OSLO_SPEC = {
    "publisher": "oslo",
    "level": "Sosiale forhold og tjenester/NAV",
    "table": "OK-SOS006.px",
    "geo": "bosted",
    "file": "oslo_sos006_fetched.json",
}


def _catalogue(**specs) -> SimpleNamespace:
    inds = [SimpleNamespace(id=k, fetch=v) for k, v in specs.items()]
    return SimpleNamespace(indicators=inds, path=config.CATALOGUE_FILE)


@pytest.fixture
def env(tmp_path, httpserver, monkeypatch):
    """Base URLs pointing at the stub, an empty raw folder and a copy of the manifest."""
    for key, mod in fetch.PUBLISHERS.items():
        monkeypatch.setenv(mod.API_ENV, httpserver.url_for(f"/{key}/"))
    raw = tmp_path / "raw"
    raw.mkdir()
    manifest = tmp_path / "sources.yml"
    shutil.copy(config.SOURCES_FILE, manifest)
    slept: list[float] = []
    clients = {
        k: Client(
            httpserver.url_for(f"/{k}/"),
            min_interval=0,
            backoff=0.01,
            retries=2,
            timeout=1,
            sleep=slept.append,
        )
        for k in fetch.PUBLISHERS
    }
    return SimpleNamespace(
        raw=raw, manifest=manifest, clients=clients, slept=slept, server=httpserver
    )


def _run(env, cat, lines=None) -> int:
    out = lines if lines is not None else []
    return fetch.run(
        catalogue=cat, raw_dir=env.raw, manifest=env.manifest, clients=env.clients,
        out=out.append,
    )  # fmt: skip


def _serve_fhi(server, data: bytes = FHI_DATA, table: int = 660) -> None:
    server.expect_request(f"/fhi/nokkel/Table/{table}/dimension", method="GET").respond_with_data(
        DIMS, content_type="application/json"
    )
    server.expect_request(f"/fhi/nokkel/Table/{table}/data", method="POST").respond_with_data(
        data, content_type="application/json"
    )


def _untouched(env, before: bytes) -> None:
    assert list(env.raw.iterdir()) == []
    assert env.manifest.read_bytes() == before


# ---------------------------------------------------------------------------- happy paths
def test_fhi_happy_path_discovers_bydeler_and_records_the_manifest(env) -> None:
    _serve_fhi(env.server)
    lines: list[str] = []
    assert _run(env, _catalogue(levealder=FHI_SPEC), lines) == 0
    target = env.raw / "fhi_660_levealder.json"
    assert target.read_bytes() == FHI_DATA  # written unchanged (BOM included)
    assert any(line.startswith("Base URLs: fhi http://localhost") for line in lines)
    assert "new" in lines[1] or "new" in "\n".join(lines)
    # the POST listed every dimension, with Oslo and the 15 bydeler found in /dimension
    post = [r for r, _ in env.server.log if r.method == "POST"][0]
    body = json.loads(post.data)
    codes = {d["code"]: d for d in body["dimensions"]}
    assert set(codes) == {"GEO", "AAR", "KJONN", "MEASURE_TYPE"}
    assert codes["GEO"]["values"] == ["0301", *config.BYDELER]
    assert codes["KJONN"] == {"code": "KJONN", "filter": "item", "values": ["0"]}
    assert codes["AAR"]["filter"] == "all"
    doc = sources.load_sources(env.manifest)
    entry = next(f for f in doc["files"] if f["path"] == str(target))
    assert entry["sha256"] == sources.sha256_of(target)
    assert entry["url"].endswith("/fhi/nokkel/Table/660/data")
    assert json.loads(entry["request_body"]) == body
    assert entry["retrieved_at"][:4].isdigit() and entry["publisher"] == "fhi_statistikk"
    # a second run with the same response: unchanged, manifest not rewritten
    before = env.manifest.read_bytes()
    lines = []
    assert _run(env, _catalogue(levealder=FHI_SPEC), lines) == 0
    assert "unchanged" in "\n".join(lines)
    assert env.manifest.read_bytes() == before


def test_fhi_flags_stay_distinct_never_zero(env) -> None:
    _serve_fhi(env.server)
    assert _run(env, _catalogue(levealder=FHI_SPEC)) == 0
    df = jsonstat.read_jsonstat(env.raw / "fhi_660_levealder.json")
    assert list(df["GEO_kode"]) == ["0301", "030101", "030102", "030103", "030104"]
    assert list(df["verdi_flag"]) == ["", ":", "..", ".", ""]
    assert df["verdi"].iloc[1:4].isna().all()
    assert df["verdi"].iloc[0] == 12.5 and df["verdi"].iloc[4] == 0.0  # a real 0 stays 0


def test_recorded_third_party_flags_fixture() -> None:
    """The 3P fixture: value [81.4, null, ":"] -> flags "", "..", ":"."""
    df = jsonstat.read_jsonstat(FIX / "thirdparty_norway-open-data_fhi-query-flags.json")
    assert list(df["verdi_flag"]) == ["", "..", ":"]
    assert df["verdi"].iloc[0] == pytest.approx(81.4) and df["verdi"].iloc[1:].isna().all()


def test_ssb_happy_path_keeps_a_suffix(env) -> None:
    env.server.expect_request(
        "/ssb/tables/10826/data",
        method="POST",
        query_string={"outputFormat": "json-stat2", "lang": "no"},
    ).respond_with_data(SSB_DATA, content_type="application/json")
    assert _run(env, _catalogue(befolkning=SSB_SPEC)) == 0
    path = env.raw / "ssb_10826_befolkning.json"
    assert path.read_bytes() == SSB_DATA
    df = jsonstat.read_jsonstat(path)
    assert list(df["Region_kode"]) == ["030101a", "030102a", "030101"]
    assert list(df["verdi_flag"]) == ["", ":", ""]
    body = json.loads([r for r, _ in env.server.log][0].data)
    assert body["selection"][0] == {
        "variableCode": "Region",
        "valueCodes": ["030101a", "030102a", "030101"],
    }


def test_oslo_round_trip_equals_the_shipped_file(env) -> None:
    """A response fetched from the stub (the recorded OK-SOS006 API response), read by the offline
    reader, equals the shipped flattened CSV data/raw/oslo_sos006_… row for row."""
    env.server.expect_request(
        "/oslo/Sosiale forhold og tjenester/NAV/OK-SOS006.px", method="POST"
    ).respond_with_data(OSLO_SOS006.read_bytes(), content_type="application/json")
    assert _run(env, _catalogue(uforetrygd=OSLO_SPEC)) == 0
    fetched = env.raw / "oslo_sos006_fetched.json"
    assert fetched.read_bytes() == OSLO_SOS006.read_bytes()
    got = rawtables.read_table("sos006", fetched)
    shipped = rawtables.read_table("sos006")
    cols = ["bosted_navn", "kjønn_navn", "aldersgruppe_navn", "år_navn", "verdi"]
    assert len(got) == len(shipped) == 6804
    assert got[cols].reset_index(drop=True).equals(shipped[cols].reset_index(drop=True))
    # the same cells are missing; the API response says why ("-"), the flattened CSV cannot
    assert (got["verdi_flag"] != "").tolist() == (shipped["verdi_flag"] != "").tolist()
    assert set(got["verdi_flag"]) == {"", "-"} and set(shipped["verdi_flag"]) == {"", ".."}
    request = [r for r, _ in env.server.log][0]
    assert "/Sosiale%20forhold%20og%20tjenester/NAV/" in request.url  # level percent-encoded
    assert json.loads(request.data)["response"] == {"format": "json-stat2"}


# ---------------------------------------------------------------------------- failures
def test_429_then_success_honours_retry_after(env) -> None:
    env.server.expect_request("/fhi/nokkel/Table/660/dimension").respond_with_data(DIMS)
    env.server.expect_oneshot_request(
        "/fhi/nokkel/Table/660/data", method="POST"
    ).respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    env.server.expect_request("/fhi/nokkel/Table/660/data", method="POST").respond_with_data(
        FHI_DATA
    )
    assert _run(env, _catalogue(levealder=FHI_SPEC)) == 0
    assert 7.0 in env.slept  # waited as the server asked, not the 0.01 s backoff
    assert (env.raw / "fhi_660_levealder.json").read_bytes() == FHI_DATA


@pytest.mark.parametrize(
    ("respond", "message"),
    [
        (lambda s: s.respond_with_data("boom", status=500), r"-> 500: boom \(after 3 attempts\)"),
        (lambda s: s.respond_with_data(b"{not json", status=200), "malformed payload"),
        (
            lambda s: s.respond_with_data(
                (FIX / "fhi_readme_jsonstat2_response.json")
                .read_bytes()
                .replace(b'"GEO"', b'"STED"')
            ),
            "changed layout: no GEO dimension",
        ),
        (lambda s: s.respond_with_data("Bad Request", status=400), "-> 400: Bad Request"),
    ],
    ids=["500", "malformed-json", "changed-layout", "400"],
)
def test_failure_writes_nothing(env, respond, message) -> None:
    env.server.expect_request("/fhi/nokkel/Table/660/dimension").respond_with_data(DIMS)
    respond(env.server.expect_request("/fhi/nokkel/Table/660/data", method="POST"))
    before = env.manifest.read_bytes()
    lines: list[str] = []
    assert _run(env, _catalogue(levealder=FHI_SPEC), lines) == 1
    last = lines[-1]
    assert last.startswith("make data stopped, nothing written: ")
    assert 'indicator "levealder"' in last and "/fhi/nokkel/Table/660/data" in last
    assert re.search(message, last)
    _untouched(env, before)


def test_timeout(env) -> None:
    def slow(request):
        time.sleep(1.5)
        from werkzeug import Response

        return Response(FHI_DATA)

    env.server.expect_request("/fhi/nokkel/Table/660/dimension").respond_with_data(DIMS)
    env.server.expect_request("/fhi/nokkel/Table/660/data").respond_with_handler(slow)
    before = env.manifest.read_bytes()
    lines: list[str] = []
    assert _run(env, _catalogue(levealder=FHI_SPEC), lines) == 1
    assert "-> timeout: no answer within 1 s" in lines[-1]
    _untouched(env, before)


def test_partial_failure_in_the_middle_writes_nothing(env) -> None:
    _serve_fhi(env.server)
    env.server.expect_request("/ssb/tables/10826/data").respond_with_data("", status=503)
    env.server.expect_request(
        "/oslo/Sosiale forhold og tjenester/NAV/OK-SOS006.px"
    ).respond_with_data(OSLO_SOS006.read_bytes())
    before = env.manifest.read_bytes()
    lines: list[str] = []
    cat = _catalogue(levealder=FHI_SPEC, befolkning=SSB_SPEC, uforetrygd=OSLO_SPEC)
    assert _run(env, cat, lines) == 1
    report = "\n".join(lines)
    assert "levealder" in report and "not written" in report and "failed" in report
    assert 'indicator "befolkning"' in lines[-1] and "-> 503" in lines[-1]
    _untouched(env, before)


def test_table_without_bydeler_is_discovered_not_assumed(env) -> None:
    env.server.expect_request("/fhi/nokkel/Table/388/dimension").respond_with_data(
        (FIX / "thirdparty_norway-open-data_fhi-table-dimensions.json").read_bytes()
    )
    before = env.manifest.read_bytes()
    lines: list[str] = []
    spec = {"publisher": "fhi", "source": "nokkel", "table": 388}
    assert _run(env, _catalogue(overvekt=spec), lines) == 0
    assert "no bydel data" in "\n".join(lines)
    assert not [r for r, _ in env.server.log if r.method == "POST"]
    _untouched(env, before)


def test_base_urls_from_environment(monkeypatch) -> None:
    monkeypatch.delenv("OSLOHELSA_FHI_API", raising=False)
    monkeypatch.setenv("OSLOHELSA_SSB_API", "http://127.0.0.1:9/ssb/")
    urls = fetch.base_urls()
    assert urls["fhi"] == "https://statistikk-data.fhi.no/api/open/v1/"
    assert urls["ssb"] == "http://127.0.0.1:9/ssb/"
    assert urls["oslo"].startswith("https://statistikkbanken.oslo.kommune.no/statbank/api/v1/")


def test_shipped_fetch_blocks_are_valid() -> None:
    """Every fetch block in data/indicators.yml names a known publisher and its table."""
    todo = fetch.jobs()
    assert todo, "no fetch blocks in the catalogue"
    for job in todo:
        assert job.file.parent == config.DATA_RAW
        assert job.publisher in fetch.PUBLISHERS
    bad = _catalogue(x={"publisher": "nav", "table": 1})
    with pytest.raises(Exception, match="unknown publisher 'nav'"):
        fetch.jobs(bad)


def test_client_error_message_names_indicator_url_status(httpserver) -> None:
    httpserver.expect_request("/x").respond_with_data("nope", status=404)
    client = Client(httpserver.url_for("/"), min_interval=0, retries=0)
    with pytest.raises(FetchError) as err:
        client.request("GET", "x", indicator="demo")
    assert err.value.status == 404 and err.value.url.endswith("/x")
    assert str(err.value).startswith('indicator "demo": http://localhost')


# ---------------------------------------------------------------------------- end to end
def test_fetched_planned_indicator_becomes_available_without_code_change(tmp_path, httpserver):
    """make data against the stub fills data/raw and the manifest of a copy of the project; the
    next build then has the planned indicator (FHI nokkel 660, life expectancy) as available,
    with rows in the tidy table and a gradient, and no code or catalogue edit. The 660 response
    is MADE-UP (values 78.0 + bydel number / 10), the other tables answer without bydeler.
    MSIS (COVID-19 cases) answers with the MADE-UP CSV of tests/synthetic.py (msis_csv): its
    planned indicator becomes available too, as a rate per 1 000 with counts."""
    import os
    import subprocess
    import sys

    root = tmp_path / "project"
    for name in ("data", "shapes"):
        shutil.copytree(config.ROOT / name, root / name)
    shutil.copy(config.ROOT / "_quarto.yml", root / "_quarto.yml")
    dims = json.loads(DIMS)
    dims["dimensions"][3]["categories"] = [
        {"label": "Middelverdi", "value": "MEIS", "children": []}
    ]
    geo = ["0301", *config.BYDELER]
    doc = json.loads(FHI_DATA.decode("utf-8-sig"))
    doc["label"] = "MADE-UP life expectancy for the end-to-end test (not FHI's numbers)"
    doc["size"] = [len(geo), 1, 1, 1]
    doc["dimension"]["GEO"]["category"] = {
        "index": geo,
        "label": {g: ("Oslo" if g == "0301" else config.BYDELER[g]) for g in geo},
    }
    doc["dimension"]["MEASURE_TYPE"]["category"] = {
        "index": ["MEIS"],
        "label": {"MEIS": "Middelverdi"},
    }
    doc["value"] = [round(78.0 + i / 10, 1) for i in range(len(geo))]
    no_bydel = (FIX / "thirdparty_norway-open-data_fhi-table-dimensions.json").read_bytes()
    for table in (507, 342, 370, 795):
        httpserver.expect_request(f"/nokkel/Table/{table}/dimension").respond_with_data(no_bydel)
    httpserver.expect_request("/nokkel/Table/660/dimension").respond_with_data(json.dumps(dims))
    httpserver.expect_request("/nokkel/Table/660/data", method="POST").respond_with_data(
        json.dumps(doc)
    )
    httpserver.expect_request("/msis/municipality_and_district.csv").respond_with_data(
        synthetic.msis_csv()
    )
    env = {**os.environ, "OSLOHELSA_ROOT": str(root), "OSLOHELSA_FHI_API": httpserver.url_for("/")}
    env["OSLOHELSA_MSIS_URL"] = httpserver.url_for("/msis/")
    env["OSLOHELSA_BUILD"] = str(tmp_path / "build")
    run = subprocess.run(
        [sys.executable, "-m", "helpers.ingest.fetch"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"forventet_levealder_bydel\s+fhi\s+new\s", run.stdout), run.stdout
    assert "no bydel data" in run.stdout
    assert (root / "data/raw/fhi_660_forventet_levealder_bydel.json").is_file()
    assert "fhi_660_forventet_levealder_bydel.json" in (root / "data/sources.yml").read_text()
    assert re.search(r"covid19_tilfeller\s+msis\s+new\s", run.stdout), run.stdout
    assert (root / "data/raw/msis_covid19_kommune_bydel.csv").read_bytes() == synthetic.msis_csv()
    check = (
        "from helpers import catalogue\n"
        "from helpers.present import report\n"
        "from helpers.pipeline import build_data, store\n"
        "from helpers.stats import gradient\n"
        "cat = catalogue.load_catalogue()\n"
        "ind = cat.indicator('forventet_levealder_bydel')\n"
        "assert ind.is_available and ind.source is not None, ind.status\n"
        "build_data.write_build_data(catalogue=cat)\n"
        "tidy = store.load_tidy()\n"
        "rows = tidy[tidy.indicator_id == 'forventet_levealder_bydel']\n"
        "assert len(rows) == 16 and set(rows.period) == {'2022-2024'}, rows\n"
        "ranking = gradient.rank_bydeler(tidy, cat, 'hoyere_utdanning_30_66', 2024)\n"
        "res = gradient.analyse_indicator(tidy, ind, ranking, repetitions=1000)\n"
        "print(report.finding(res))\n"
        "covid = tidy[tidy.indicator_id == 'covid19_tilfeller']\n"
        "covid = covid.set_index(['year_end', 'geo_code'])\n"
        "assert cat.indicator('covid19_tilfeller').is_available\n"
        "assert len(covid) == 32 and set(covid.period) == {'2020', '2021'}, covid\n"
        "r = covid.loc[(2021, '030101')]\n"
        "assert r.numerator == 320 and r.denominator == 11000, r\n"
        "assert abs(r.value - 320 / 11000 * 1000) < 1e-9 and r.ci_low < r.value < r.ci_high\n"
        "ind = cat.indicator('covid19_tilfeller')\n"
        "res = gradient.analyse_indicator(tidy, ind, ranking, period='2021', repetitions=1000)\n"
        "print(report.table_note(res))\n"
        "from helpers.pipeline import loaders\n"
        "print(loaders.INDICATOR_NOTES['covid19_tilfeller'])\n"
        "print(loaders.INDICATOR_NOTES['forventet_levealder_bydel'])\n"
    )
    run = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Forventet levealder ved fødsel: 78,0 år i Oslo i 2022-2024" in run.stdout
    # each fetched indicator's note names its publisher as the publisher's module does
    assert f"Hentet med make data fra {msis.NAME_NB}." in run.stdout.splitlines()
    assert f"Hentet med make data fra {fhi.NAME_NB}; verdier uten antall." in run.stdout
    # 2021, MADE-UP CSV: Ukjent bydel 90 - 50 = 40 of Oslo's 6 949 cases (0,6 %)
    assert "Av 6\u00a0949 meldte tilfeller i Oslo i 2021 hadde 40 (0,6\u00a0%) ukjent" in run.stdout


def test_fetched_ssb_and_oslo_files_become_tidy_rows_without_new_code(tmp_path, httpserver):
    """The generic loaders (helpers.pipeline.fetched_data): in a copy of the project, two planned
    indicators get SSB and Oslo statistikkbank ``fetch:`` blocks (an edit of the copy's
    catalogue, no code); make data fetches them from the stub into data/raw + the manifest, and
    the next data build has their rows. SSB: a MADE-UP json-stat2 response in SSB's layout
    (``a``-suffixed current bydel codes, a plain pre-2004 code that must be left out, a status
    flag). Oslo: the recorded OK-SOS006 response (real; the values are uføretrygd counts, not the
    indicator's, which does not matter for this test of the mechanism)."""
    import os
    import subprocess
    import sys

    import yaml

    root = tmp_path / "project"
    for name in ("data", "shapes"):
        shutil.copytree(config.ROOT / name, root / name)
    shutil.copy(config.ROOT / "_quarto.yml", root / "_quarto.yml")
    catalogue_file = root / "data" / "indicators.yml"
    doc = yaml.safe_load(catalogue_file.read_text(encoding="utf-8"))
    ssb_id, oslo_id = "bor_trangt", "for_tidlig_dod_hkk_kreft_kols_0_74"
    for entry in doc["indicators"]:
        entry.pop("fetch", None)
        if entry["id"] == ssb_id:
            entry["fetch"] = {"publisher": "ssb", "table": "99999", "select": {"Tid": ["2024"]}}
        if entry["id"] == oslo_id:
            entry["fetch"] = {
                "publisher": "oslo",
                "level": "Sosiale forhold og tjenester/NAV",
                "table": "OK-SOS006.px",
                "geo": "bosted",
                "value": {"kjønn": "I alt", "aldersgruppe": "I alt"},
            }
    catalogue_file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    regions = ["0301", *(f"{c}a" for c in config.BYDELER), "030101"]
    ssb = {  # MADE-UP numbers (10.0 + bydel number / 10), SSB's json-stat2 layout
        "version": "2.0",
        "class": "dataset",
        "label": "MADE-UP crowding shares for the end-to-end test (not SSB's numbers)",
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [len(regions), 1, 1],
        "dimension": {
            "Region": {
                "category": {
                    "index": {r: i for i, r in enumerate(regions)},
                    "label": {r: f"Area {r}" for r in regions},
                }
            },
            "ContentsCode": {"category": {"index": {"Andel": 0}, "label": {"Andel": "Andel"}}},
            "Tid": {"category": {"index": {"2024": 0}, "label": {"2024": "2024"}}},
        },
        "value": [round(10.0 + i / 10, 1) for i in range(len(regions) - 1)] + [None],
        "status": {str(len(regions) - 1): ".."},
    }
    httpserver.expect_request("/ssb/tables/99999/data", method="POST").respond_with_data(
        json.dumps(ssb)
    )
    httpserver.expect_request(
        "/oslo/Sosiale forhold og tjenester/NAV/OK-SOS006.px", method="POST"
    ).respond_with_data(OSLO_SOS006.read_bytes())
    env = {**os.environ, "OSLOHELSA_ROOT": str(root), "OSLOHELSA_BUILD": str(tmp_path / "build")}
    env["OSLOHELSA_SSB_API"] = httpserver.url_for("/ssb/")
    env["OSLOHELSA_OSLO_API"] = httpserver.url_for("/oslo/")
    run = subprocess.run(
        [sys.executable, "-m", "helpers.ingest.fetch"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(rf"{ssb_id}\s+ssb\s+new\s", run.stdout), run.stdout
    assert re.search(rf"{oslo_id}\s+oslo\s+new\s", run.stdout), run.stdout
    manifest = (root / "data" / "sources.yml").read_text(encoding="utf-8")
    assert f"ssb_99999_{ssb_id}.json" in manifest and f"oslo_ok-sos006.px_{oslo_id}" in manifest
    check = (
        "from helpers import catalogue\n"
        "from helpers.pipeline import build_data, store\n"
        "cat = catalogue.load_catalogue()\n"
        f"for i in ({ssb_id!r}, {oslo_id!r}):\n"
        "    assert cat.indicator(i).is_available, i\n"
        "build_data.write_build_data(catalogue=cat)\n"
        "tidy = store.load_tidy()\n"
        f"ssb = tidy[tidy.indicator_id == {ssb_id!r}].set_index('geo_code')\n"
        "assert len(ssb) == 16 and set(ssb.period) == {'2024'}, ssb\n"
        "assert ssb.loc['0301', 'value'] == 10.0 and ssb.loc['030115', 'value'] == 11.5\n"
        f"oslo = tidy[tidy.indicator_id == {oslo_id!r}]\n"
        "assert len(oslo) == 16 * 21 and oslo.year_end.min() == 2004, oslo\n"
        "print(int(oslo[(oslo.geo_code == '0301') & (oslo.year_end == 2024)].value.iloc[0]))\n"
    )
    run = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    shipped = rawtables.read_table("sos006")  # the same count in the shipped flattened CSV
    total = shipped[
        (shipped["bosted_navn"] == "Oslo i alt")
        & (shipped["kjønn_navn"] == "I alt")
        & (shipped["aldersgruppe_navn"] == "I alt")
        & (shipped["år_navn"] == "2024")
    ]
    assert run.stdout.strip() == str(int(total["verdi"].iloc[0]))


def test_fetched_ssb_file_reads_current_bydeler_only(tmp_path) -> None:
    """SSB's ``a`` suffix marks the current bydeler; a plain six-digit code (pre-2004) is never
    mapped to a current bydel. MADE-UP response (tests/fixtures/apis/MADEUP_ssb_v2_10826.json)."""
    from helpers.ingest import ssb

    df = jsonstat.read_jsonstat(FIX / "MADEUP_ssb_v2_10826.json")
    codes = ssb.fetched_geo(df, "Region", FIX / "MADEUP_ssb_v2_10826.json")
    assert codes[:2].tolist() == ["030101", "030102"] and codes.isna().tolist() == [0, 0, 1]


def test_every_publisher_module_names_itself():
    """What fetch.py and the loaders read from a publisher module, given by each module (one
    registration in fetch.PUBLISHERS and nothing elsewhere)."""
    for key, mod in fetch.PUBLISHERS.items():
        for name in ("API_ENV", "API_DEFAULT", "MANIFEST_KEY", "LICENCE", "NAME_NB"):
            value = getattr(mod, name)
            assert isinstance(value, str) and value.strip(), (key, name)
