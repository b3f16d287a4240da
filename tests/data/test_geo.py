"""Tests for helpers.ingest.geo on the shipped geometries (shapes/).

Reference numbers: PROVENANCE.md files 1 and 2 (feature counts, CRS, example areas); the
SSB-vs-PBE comparison is computed from the two files themselves.
"""

from __future__ import annotations

import pytest

from helpers.config import BYDELER, OTHER_AREAS
from helpers.errors import DataError
from helpers.ingest import geo

SENTRUM = "030116"


@pytest.fixture(scope="module")
def ssb():
    return geo.load_bydeler(include_other=True)


@pytest.fixture(scope="module")
def pbe():
    return geo.load_bydeler(path=geo.BYDELER_PBE_FILE)


def test_load_bydeler_default():
    """15 bydeler, canonical names from config, EPSG:25833, valid polygons."""
    gdf = geo.load_bydeler()
    assert list(gdf.columns) == ["geo_code", "geo_name", "geometry"]
    assert gdf.crs.to_epsg() == 25833
    assert dict(zip(gdf["geo_code"], gdf["geo_name"], strict=True)) == BYDELER
    assert gdf.is_valid.all()


def test_load_bydeler_include_other(ssb):
    """PROVENANCE file 1: 17 features incl. Sentrum (2.6 km²) and Marka (301 km²)."""
    assert len(ssb) == 17
    assert set(ssb["geo_code"]) == {*BYDELER, *OTHER_AREAS}
    areas = geo.bydel_areas_km2(ssb)
    assert areas[SENTRUM] == pytest.approx(2.6, abs=0.05)
    assert areas["030117"] == pytest.approx(301, abs=1)


def test_ssb_example_areas(ssb):
    """PROVENANCE file 1: in EPSG:25833 Gamle Oslo is 15.8 km² and Nordstrand 26.7 km²."""
    areas = geo.bydel_areas_km2(ssb)
    assert areas["030101"] == pytest.approx(15.8, abs=0.05)
    assert areas["030114"] == pytest.approx(26.7, abs=0.05)


def test_load_to_wgs84():
    gdf = geo.load_bydeler(crs=4326)
    assert gdf.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = gdf.total_bounds
    assert 10.4 < minx < maxx < 11.0 and 59.8 < miny < maxy < 60.0  # Oslo


def test_pbe_file_loads(pbe):
    """PROVENANCE file 2: EPSG:25832 with 2-digit codes and "St.Hanshaugen"; 15 bydeler
    (+ Marka, dropped) and no Sentrum polygon, so include_other is an error."""
    assert len(pbe) == 15 and pbe.crs.to_epsg() == 25833
    assert pbe.loc[pbe.geo_code == "030104", "geo_name"].item() == "St. Hanshaugen"
    with pytest.raises(DataError, match=r"missing bydel 030116 \(Sentrum\)"):
        geo.load_bydeler(path=geo.BYDELER_PBE_FILE, include_other=True)


def test_ssb_and_pbe_areas_agree(ssb, pbe):
    """Cross-check of the two geometry versions (PROVENANCE notes small differences).

    PBE has no Sentrum polygon: Sentrum's area is split among its neighbours. So:
    - bydeler that do not touch Sentrum agree within 2 % (largest: Nordstrand -1.8 % and
      Søndre Nordstrand +1.8 %, their shared boundary moved; PROVENANCE: 26.7 vs 27.1 km²);
    - Sentrum + its neighbours (SSB) equal the same neighbours in PBE within 1 %;
    - the whole of Oslo outside Marka agrees within 0.1 %.
    """
    a = geo.bydel_areas_km2(ssb)
    b = geo.bydel_areas_km2(pbe)
    sentrum = ssb.loc[ssb.geo_code == SENTRUM, "geometry"].item()
    touches = ssb.geometry.buffer(5).intersects(sentrum) & ~ssb.geo_code.isin([SENTRUM, "030117"])
    neighbours = sorted(ssb.loc[touches, "geo_code"])
    # Gamle Oslo, Grünerløkka, St. Hanshaugen (which gets most of Sentrum in PBE) and Frogner
    assert neighbours == ["030101", "030102", "030104", "030105"]
    others = [c for c in BYDELER if c not in neighbours]
    rel = (a[others] / b[others] - 1).abs()
    assert rel.max() < 0.02, rel.sort_values().tail(3)
    assert a[[*neighbours, SENTRUM]].sum() == pytest.approx(b[neighbours].sum(), rel=0.01)
    assert a[[*BYDELER, SENTRUM]].sum() == pytest.approx(b[list(BYDELER)].sum(), rel=0.001)
    # ... while St. Hanshaugen alone differs by about 40 % (3.6 vs 6.2 km²).
    assert a["030104"] / b["030104"] < 0.7


def test_check_coverage_ok():
    gdf = geo.load_bydeler()
    geo.check_coverage(gdf, [*BYDELER, "0301"])


def test_check_coverage_missing_geometry():
    """A bydel in the data without a polygon is an error naming the code."""
    gdf = geo.load_bydeler()
    gdf = gdf[gdf.geo_code != "030111"]
    with pytest.raises(DataError, match="no geometry for the bydel code.*030111"):
        geo.check_coverage(gdf, list(BYDELER))


def test_check_coverage_geometry_without_data():
    gdf = geo.load_bydeler()
    with pytest.raises(DataError, match="geometry without data.*030115"):
        geo.check_coverage(gdf, [c for c in BYDELER if c != "030115"])
