"""Load and validate the bydel geometries in ``shapes/``: codes, names, CRS and validity.

The primary geometry is SSB/Geonorge's 2020 bydel division (``oslo_bydeler_2020_ssb_geonorge``,
EPSG:4326, 17 features incl. Sentrum and Marka); Oslo kommune PBE's shapefile
(``oslo_bydeler_pbe_2020/Bydeler.shp``, EPSG:25832, no Sentrum) is a cross-check. Areas and
distances are computed in EPSG:25833 (ETRS89 / UTM 33N, Norway's national projection for
statistics); web maps use EPSG:4326. See the shapes/ entries of data/sources.yml.
Every problem is a :class:`helpers.errors.DataError` naming the file, the feature and the column.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from helpers.config import BYDELER, OSLO_CODE, OTHER_AREAS, SHAPES
from helpers.errors import DataError
from helpers.ingest.bydel_names import normalise_bydel

BYDELER_FILE: Path = SHAPES / "oslo_bydeler_2020_ssb_geonorge.geojson"
BYDELER_PBE_FILE: Path = SHAPES / "oslo_bydeler_pbe_2020" / "Bydeler.shp"

# (code column, name column) pairs known in the shipped files; codes are 6-digit SSB (0301xx) or
# the 2-digit PBE/Oslo kommune form ("01" … "17").
_CODE_NAME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("bydelnr", "bydelnavn"),
    ("BYDEL", "BYDELSNAVN"),
    ("geo_code", "geo_name"),
)


def _feature(i: int, code: object = None) -> str:
    return f"feature {i + 1}" + (f" ({code})" if code not in (None, "") else "")


def _ssb_code(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) == 2 and text.isdigit():
        return "0301" + text
    return text or None


def load_bydeler(
    crs: int | str = 25833, include_other: bool = False, path: str | Path | None = None
) -> gpd.GeoDataFrame:
    """Bydel polygons with columns geo_code, geo_name (canonical, ``config``), geometry.

    15 rows (030101-030115); with ``include_other`` also Sentrum (030116) and Marka (030117).
    The file must have a CRS (it is converted with ``to_crs(crs)``), known codes whose names agree
    with ``config.BYDELER``, each required area exactly once, and non-empty geometries; invalid
    polygons are repaired with ``make_valid`` (polygonal parts kept).
    """
    file = Path(path) if path is not None else BYDELER_FILE
    if not file.is_file():
        raise DataError(file, "file not found")
    try:
        gdf = gpd.read_file(file)
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        raise DataError(file, f"cannot read the geometry file ({exc})") from exc
    if len(gdf) == 0:
        raise DataError(file, "no features; expected one polygon per bydel")
    if gdf.crs is None:
        raise DataError(
            file,
            "no coordinate reference system (CRS); expected one (e.g. a .prj file or a crs "
            "member), since coordinates cannot be interpreted without it",
        )
    columns = next(((c, n) for c, n in _CODE_NAME_COLUMNS if c in gdf.columns), None)
    if columns is None:
        raise DataError(
            file,
            f"no bydel code column; expected one of {[c for c, _ in _CODE_NAME_COLUMNS]}",
            column=_CODE_NAME_COLUMNS[0][0],
        )
    code_col, name_col = columns
    known = {**BYDELER, **OTHER_AREAS}
    codes: list[str | None] = []
    for i, raw in enumerate(gdf[code_col]):
        code = _ssb_code(raw) if not pd.isna(raw) else None
        if code is None:
            raise DataError(file, "missing bydel code", row=_feature(i), column=code_col)
        if code not in known:
            raise DataError(
                file,
                f'unknown bydel code "{raw}"; expected 030101-030117 (or 01-17)',
                row=_feature(i, raw),
                column=code_col,
            )
        if name_col in gdf.columns and not pd.isna(gdf[name_col].iloc[i]):
            named = normalise_bydel(
                gdf[name_col].iloc[i],
                include_other=True,
                file=file,
                row=_feature(i, raw),
                column=name_col,
            )
            if named != code:
                raise DataError(
                    file,
                    f'name "{gdf[name_col].iloc[i]}" does not match code {code} ({known[code]})',
                    row=_feature(i, raw),
                    column=name_col,
                )
        codes.append(code)
    gdf = gdf.assign(geo_code=codes)
    wanted = {**BYDELER, **(OTHER_AREAS if include_other else {})}
    dup = gdf["geo_code"].duplicated(keep=False) & gdf["geo_code"].isin(list(wanted))
    if dup.any():
        where = [i for i, d in enumerate(dup) if d]
        code = gdf["geo_code"].iloc[where[0]]
        raise DataError(
            file,
            f"bydel {code} ({wanted[code]}) has {len(where)} features "
            f"({', '.join(_feature(i) for i in where)}); expected exactly one",
            row=_feature(where[1], code),
            column=code_col,
        )
    missing = sorted(set(wanted) - set(gdf["geo_code"]))
    if missing:
        raise DataError(
            file,
            "missing bydel " + ", ".join(f"{c} ({wanted[c]})" for c in missing)
            + f"; expected {len(wanted)} areas",
            column=code_col,
        )  # fmt: skip
    positions = [i for i, c in enumerate(gdf["geo_code"]) if c in wanted]
    gdf = gdf.iloc[positions]
    geoms = []
    for i, geom in zip(positions, gdf.geometry, strict=True):
        code = codes[i]
        if geom is None or geom.is_empty:
            raise DataError(
                file,
                f"empty or missing geometry for {code} ({wanted[code]}); expected a polygon",
                row=_feature(i, code),
                column="geometry",
            )
        if not geom.is_valid:
            geom = _polygonal(shapely.make_valid(geom))
            if geom is None or geom.is_empty:
                raise DataError(
                    file,
                    f"invalid geometry for {code} that cannot be repaired to a polygon",
                    row=_feature(i, code),
                    column="geometry",
                )
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise DataError(
                file,
                f"geometry of {code} is a {geom.geom_type}; expected a (Multi)Polygon",
                row=_feature(i, code),
                column="geometry",
            )
        geoms.append(geom)
    out = gpd.GeoDataFrame(
        {"geo_code": gdf["geo_code"].to_list(), "geo_name": [wanted[c] for c in gdf["geo_code"]]},
        geometry=geoms,
        crs=gdf.crs,
    )
    out = out.to_crs(crs).sort_values("geo_code").reset_index(drop=True)
    out.attrs["path"] = str(file)
    return out


def _polygonal(geom):
    """Keep the polygonal parts of a (repaired) geometry, or None if there are none."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def check_coverage(
    gdf: gpd.GeoDataFrame, codes: Iterable[str], *, file: str | Path | None = None
) -> None:
    """Every bydel in the data has a geometry and every geometry has data (Oslo 0301 ignored)."""
    data_codes = {str(c) for c in codes} - {OSLO_CODE}
    geo_codes = set(gdf["geo_code"])
    where = file if file is not None else gdf.attrs.get("path", "bydel geometry")
    no_geom = sorted(data_codes - geo_codes)
    if no_geom:
        raise DataError(
            where,
            "no geometry for the bydel code(s) " + ", ".join(no_geom) + " found in the data",
            column="geo_code",
        )
    no_data = sorted(geo_codes - data_codes)
    if no_data:
        raise DataError(
            where,
            "geometry without data for the bydel code(s) " + ", ".join(no_data),
            column="geo_code",
        )


def bydel_areas_km2(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Area in km² per geo_code, computed in EPSG:25833."""
    projected = gdf.to_crs(25833)
    return pd.Series(projected.area.to_numpy() / 1e6, index=projected["geo_code"], name="km2")
