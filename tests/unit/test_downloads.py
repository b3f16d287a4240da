"""The downloads (CSV + Excel) match the tidy table, and suppressed values stay suppressed.

Data: tests/synthetic.py (made-up numbers, not Oslo's), suppressed with
helpers.pipeline.suppress as the build does.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import synthetic

from helpers import catalogue, render
from helpers.pipeline import suppress
from helpers.present import barometer, downloads


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    # Bydel 030105 gets 2 cases: primary suppression; a second bydel is hidden as well.
    raw = synthetic.tidy_table(small={"030105": 2})
    cat = catalogue.load_catalogue()
    tidy = suppress.suppress(raw, cat.thresholds())
    years = raw.loc[raw["indicator_id"] == "uforetrygd", "year_end"].nunique()
    assert (tidy["flag"] == "prikket").sum() == 2 * years  # per year: primary + secondary
    site = tmp_path_factory.mktemp("site")
    grid = barometer.city_barometer(tidy, cat)
    downloads.write(site, tidy, cat, barometer=grid, date=dt.date(2026, 5, 1))
    return site / downloads.FOLDER, tidy, raw, cat


def test_csv_matches_the_tidy_table(published):
    folder, tidy, _raw, _cat = published
    assert sorted(p.name for p in folder.glob("*.csv")) == ["barometer.csv", "uforetrygd.csv"]
    csv = pd.read_csv(
        folder / "uforetrygd.csv",
        dtype={"geo_kode": str, "periode": str},
        keep_default_na=False,
        na_values=[""],
    )
    rows = tidy[tidy["indicator_id"] == "uforetrygd"]
    assert len(csv) == len(rows)
    merged = csv.merge(
        rows.assign(period=rows["period"].astype(str)),
        left_on=["geo_kode", "periode", "kjonn", "alder"],
        right_on=["geo_code", "period", "sex", "age_group"],
        validate="one_to_one",
    )
    assert len(merged) == len(rows)
    for ours, theirs in [
        ("verdi", "value"),
        ("ki_nedre", "ci_low"),
        ("ki_ovre", "ci_high"),
        ("teller", "numerator"),
        ("nevner", "denominator"),
    ]:
        np.testing.assert_allclose(
            merged[ours].astype(float), merged[theirs].astype(float), equal_nan=True
        )
    assert (merged["flagg"].fillna("") == merged["flag"]).all()
    assert set(csv["kilde"]) and csv["kilde"].str.len().min() > 0


def test_suppressed_values_stay_suppressed(published):
    folder, tidy, raw, _cat = published
    csv = pd.read_csv(folder / "uforetrygd.csv", dtype={"geo_kode": str, "periode": str})
    hidden = csv[csv["flagg"] == "prikket"]
    assert len(hidden) == (tidy["flag"] == "prikket").sum()
    assert hidden[["verdi", "teller", "ki_nedre", "ki_ovre"]].isna().all().all()
    # the raw count 2 of bydel 030105 appears nowhere in its rows
    assert not (csv.loc[csv["geo_kode"] == "030105", "teller"] == 2).any()
    book = downloads.read_workbook(folder / downloads.WORKBOOK)
    sheet = book["uforetrygd"]
    sheet_hidden = sheet[sheet["flagg"] == "prikket"]
    assert len(sheet_hidden) == len(hidden)
    assert sheet_hidden[["verdi", "teller", "ki_nedre", "ki_ovre"]].isna().all().all()
    bar = pd.read_csv(folder / "barometer.csv", dtype={"geo_kode": str})
    assert (bar.loc[bar["flagg"] == "prikket", "mot_oslo"] == "prikket").all()
    assert bar.loc[bar["flagg"] == "prikket", "verdi"].isna().all()


def test_workbook_has_a_sheet_per_indicator_with_the_csv_rows(published):
    folder, _tidy, _raw, _cat = published
    book = downloads.read_workbook(folder / downloads.WORKBOOK)
    assert list(book) == ["Om dataene", "uforetrygd"]
    sheet = book["uforetrygd"]
    csv = pd.read_csv(folder / "uforetrygd.csv", dtype={"geo_kode": str, "periode": str})
    assert list(sheet.columns) == list(csv.columns)
    assert {
        "bydel",
        "periode",
        "verdi",
        "ki_nedre",
        "ki_ovre",
        "teller",
        "nevner",
        "flagg",
        "kilde",
    } <= set(sheet.columns)
    pd.testing.assert_frame_equal(
        sheet[["geo_kode", "periode", "verdi", "teller"]].reset_index(drop=True),
        csv[["geo_kode", "periode", "verdi", "teller"]],
        check_dtype=False,
    )


def test_workbook_is_reproducible(published, tmp_path):
    folder, tidy, _raw, cat = published
    downloads.write(tmp_path, tidy, cat, date=dt.date(2026, 5, 1))
    again = (tmp_path / downloads.FOLDER / downloads.WORKBOOK).read_bytes()
    assert again == (folder / downloads.WORKBOOK).read_bytes()


def test_sheet_names_fit_excel():
    names = downloads._sheet_names(["a" * 40, "a" * 40 + "b", "short"])
    assert all(len(n) <= 31 for n in names.values())
    assert len(set(names.values())) == 3


def test_chapter_links_point_at_the_site_root_in_the_embedded_page():
    line = downloads.link_markdown(["uforetrygd"])
    assert "(../nedlasting/oslohelsa-data.xlsx)" in line
    link = {"t": "Link", "c": [["", [], []], [], ["../nedlasting/uforetrygd.csv", ""]]}
    render.root_relative_links([{"t": "Para", "c": [link]}])
    assert link["c"][2][0] == "nedlasting/uforetrygd.csv"


def test_bydel_pdf_links_resolve_from_the_bydeler_folder(tmp_path):
    """A bydel profile PDF sits in bydeler/: its download link must lead to nedlasting/ from there
    (it was nedlasting/… beside the PDF, which does not exist); web links and anchors unchanged."""
    from helpers.present import profile
    from helpers.render.pandoc_ast import relative_to_folder

    targets = ["../nedlasting/oslohelsa-data.xlsx", "https://example.org/x", "#sec-a", "mailto:a@b"]
    links = [{"t": "Link", "c": [["", [], []], [], [t, ""]]} for t in targets]
    blocks = [{"t": "Para", "c": links}]
    render.root_relative_links(blocks)
    relative_to_folder(blocks, profile.PDF_FOLDER)
    got = [link["c"][2][0] for link in links]
    assert got == ["../nedlasting/oslohelsa-data.xlsx", *targets[1:]]
    # From the PDF's folder in a published site, the target exists.
    site = tmp_path / "site"
    (site / downloads.FOLDER).mkdir(parents=True)
    (site / downloads.FOLDER / downloads.WORKBOOK).write_bytes(b"x")
    (site / profile.PDF_FOLDER).mkdir()
    assert (site / profile.PDF_FOLDER / got[0]).resolve().is_file()
    relative_to_folder(blocks, "")  # the site root: nothing changes
    assert [link["c"][2][0] for link in links] == got
