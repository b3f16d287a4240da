"""The raw tables in ``data/raw``: each described once in :data:`RAW_TABLES`.

A :class:`RawTable` gives the file name, the title and every column with its kind (label, year,
count, share, ...) and allowed categories; :mod:`helpers.catalogue.schemas` builds the pandera
schema from it, so names and types are stated in one place. Plain dataclasses (no pandas), so the
catalogue can check an indicator's ``compute`` block against them quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Col:
    """One raw column. ``kind``: label | year | count | number | share | code | optional."""

    kind: str
    allowed: tuple[str, ...] | None = None
    required: bool = True

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "number", "share")


@dataclass(frozen=True)
class RawTable:
    """A raw table in ``data/raw``: its file and columns. ``geo`` is the geography label column."""

    key: str
    filename: str
    title: str
    columns: dict[str, Col]
    geo: str
    year: str
    encoding: str = "utf-8"
    levels: tuple[str, ...] | None = None  # values of "niva" kept (Oslo kommune wide tables)
    extra_checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def numeric_columns(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.numeric]


def _pxweb(ids: list[str], labels: dict[str, Col], value: Col = Col("count")) -> dict[str, Col]:
    """Columns of a flattened PxWeb json-stat2 table: ``<id>_kode`` (unused), ``<id>_navn``."""
    cols: dict[str, Col] = {f"{i}_kode": Col("optional", required=False) for i in ids}
    cols.update({f"{i}_navn": labels.get(f"{i}_navn", Col("label")) for i in ids})
    cols["verdi"] = value
    return cols


def _pxweb_table(
    key: str,
    filename: str,
    title: str,
    ids: list[str],
    labels: dict[str, Col],
    *,
    geo: str,
    year: str,
    value: Col = Col("count"),
) -> RawTable:
    """A PxWeb table of Oslo statistikkbank: ``geo`` and ``year`` are ids in ``ids``; the year's
    ``_navn`` column is the year column, the other columns as :func:`_pxweb` gives them."""
    columns = _pxweb(ids, {f"{year}_navn": Col("year"), **labels}, value)
    return RawTable(key, filename, title, columns, geo=f"{geo}_navn", year=f"{year}_navn")


BEF_AGES_COMMON = (
    "Alder i alt", "0 år", "1-2 år", "3-5 år", "6-9 år", "10-12 år", "13-15 år", "16-17 år",
    "18-19 år", "20-22 år", "23-24 år", "25-29 år", "30-39 år", "40-49 år", "50-66 år",
    "67-74 år", "75-79 år", "80-84 år", "85-89 år",
)  # fmt: skip

_LEVELS_WIDE = ("oslo", "bydel", "delbydel", "uten_adresse")

#: Population age groups a count rate's denominator can sum (BEF004/BEF005 bands without " år";
#: 90 and over as one band), as ``helpers.data`` labels them.
POPULATION_AGES: tuple[str, ...] = (
    *(a.removesuffix(" år") for a in BEF_AGES_COMMON if a != "Alder i alt"),
    "90+",
)

RAW_TABLES: dict[str, RawTable] = {
    t.key: t
    for t in (
        _pxweb_table(
            "sos006",
            "oslo_sos006_uforetrygd_bydel_2004_2024.csv",
            "OK-SOS006 Mottakere av uføretrygd etter alder og kjønn (B)",
            ["ContentsCode", "år", "bosted", "kjønn", "aldersgruppe", "statistikkvariabel"],
            {
                "kjønn_navn": Col("label", ("I alt", "Kvinner", "Menn")),
                "aldersgruppe_navn": Col(
                    "label", ("I alt", "18-29", "30-39", "40-49", "50-59", "60-67")
                ),
            },
            geo="bosted",
            year="år",
        ),
        _pxweb_table(
            "sos001",
            "oslo_sos001_aap_bydel_2012_2024.csv",
            "OK-SOS001 Mottakere av arbeidsavklaringspenger etter kjønn og alder (B)",
            ["ContentsCode", "år", "geografi", "kjønn", "aldersgruppe", "statistikkvariabel"],
            {
                "kjønn_navn": Col("label", ("Begge kjønn", "Kvinner", "Menn")),
                "aldersgruppe_navn": Col(
                    "label", ("Alder i alt", "Under 30", "30-39", "40-49", "50-59", "60+")
                ),
            },
            geo="geografi",
            year="år",
        ),
        _pxweb_table(
            "sto020",
            "oslo_sto020_sosialhjelp_andel_bydel_2007_2023.csv",
            "OK-STØ020 Antall og andel sosialhjelpsmottakere i befolkningen (B)",
            ["ContentsCode", "år", "geografi", "alder", "statistikkvariabel"],
            {
                "alder_navn": Col(
                    "label",
                    (
                        "I alt",
                        "Under 20 år",
                        "20-24 år",
                        "25-29 år",
                        "30-39 år",
                        "40-49 år",
                        "50-66 år",
                        "67 år og over",
                    ),
                ),  # fmt: skip
                "statistikkvariabel_navn": Col(
                    "label",
                    (
                        "Andel sosialhjelpsmottakere i befolkningen",
                        "Antall sosialhjelpsmottakere",
                    ),
                ),
            },
            value=Col("number"),
            geo="geografi",
            year="år",
        ),
        _pxweb_table(
            "sto013",
            "oslo_sto013_sosialhjelp_bydel_2005_2023.csv",
            "OK-STØ013 Sosialhjelpsmottakere og berørte etter bydel (B)",
            [
                "ContentsCode",
                "år",
                "bydel",
                "sosialhjelpsmottakere og berørte",
                "statistikkvariabel",
            ],
            {
                "sosialhjelpsmottakere og berørte_navn": Col(
                    "label",
                    (
                        "Sosialhjelpsmottakere i alt",
                        "Berørte av sosialhjelp",
                        "Berørte ektefeller/samboere",
                        "Berørte barn i alt",
                        "Barn av par",
                        "Barn av enslig forsørger",
                    ),
                ),
                "statistikkvariabel_navn": Col("label", ("Antall",)),
            },
            geo="bydel",
            year="år",
        ),  # fmt: skip
        _pxweb_table(
            "bef004",
            "oslo_bef004_folkemengde_bydel_alder_2008_2019.csv",
            "OK-BEF004 Folkemengden etter administrativ bydel og alder 2008-2019",
            ["ContentsCode", "År", "Geografi", "Aldersgrupper", "Måltall"],
            {
                "Aldersgrupper_navn": Col("label", (*BEF_AGES_COMMON, "90 år +")),
            },
            geo="Geografi",
            year="År",
        ),
        _pxweb_table(
            "bef005",
            "oslo_bef005_folkemengde_bydel_alder_2017_2026.csv",
            "OK-BEF005 Folkemengden etter administrativ bydel og alder",
            ["ContentsCode", "år", "bosted", "aldersgruppe", "statistikkvariabel"],
            {
                "aldersgruppe_navn": Col("label", (*BEF_AGES_COMMON, "90-94 år", "95+ år")),
            },
            geo="bosted",
            year="år",
        ),
        RawTable(
            "lavinntekt",
            "oslo_lavinntekt_husholdninger_bydel_delbydel_2013_2023.csv",
            "Husholdninger med lavinntekt etter bydel og delbydel (Oslo kommune)",
            {
                "aar": Col("year"),
                "niva": Col("label", _LEVELS_WIDE),
                "bydel_kode": Col("code"),
                "bydel_navn": Col("label"),
                "delbydel_kode": Col("optional"),
                "delbydel_navn": Col("optional"),
                "husholdningstype": Col(
                    "label",
                    (
                        "Alle husholdninger",
                        "Husholdninger med barn under 18 år",
                        "Husholdninger med ikke-vestlig landbakgrunn",
                    ),
                ),
                "antall_husholdninger": Col("count"),
                "antall_lavinntekt": Col("count"),
                "antall_lavinntekt_korr_formue": Col("count"),
                "andel_lavinntekt_prosent": Col("share"),
                "andel_lavinntekt_korr_formue_prosent": Col("share"),
            },
            geo="bydel_navn",
            year="aar",
            levels=("oslo", "bydel"),
            extra_checks=(
                ("antall_lavinntekt", "antall_husholdninger"),
                ("antall_lavinntekt_korr_formue", "antall_husholdninger"),
            ),
        ),
        RawTable(
            "sys002",
            "oslo_sys002_sysselsetting_bydel_delbydel_2024.csv",
            "SYS002 Sysselsatte etter bosted, kjønn og alder (Oslo kommune, 4. kvartal)",
            {
                "aar": Col("year"),
                "niva": Col("label", _LEVELS_WIDE),
                "bydel_kode": Col("code"),
                "bydel_navn": Col("label"),
                "delbydel_kode": Col("optional"),
                "delbydel_navn": Col("optional"),
                "kjonn": Col("label", ("Begge kjønn", "Kvinne", "Mann")),
                "aldersgruppe": Col(
                    "label",
                    ("15-24 år", "25-39 år", "40-49 år", "50-59 år", "60-74 år", "Alder i alt"),
                ),
                "antall_sysselsatte": Col("count"),
                "bosatte": Col("count"),
                "andel_sysselsatte_prosent": Col("share"),
            },
            geo="bydel_navn",
            year="aar",
            levels=("oslo", "bydel"),
            extra_checks=(("antall_sysselsatte", "bosatte"),),
        ),
        RawTable(
            "val001",
            "oslo_val001_valgdeltakelse_kommunestyre_bydel_delbydel_2023.csv",
            "VAL001 Valgdeltakelse ved kommunestyrevalget etter bosted, alder og kjønn",
            {
                "valgaar": Col("year"),
                "niva": Col(
                    "label", ("oslo", "bydel", "uoppgitt_bydel", "delbydel", "uoppgitt_delbydel")
                ),
                "bydel_kode": Col("optional"),
                "bydel_navn": Col("optional"),
                "delbydel_kode": Col("optional"),
                "delbydel_navn": Col("optional"),
                "alder": Col(
                    "label", ("Alder i alt", "18-19", "20-24", "25-44", "45-66", "67-79", "80+")
                ),
                "kjonn": Col("label", ("Begge kjønn", "Kvinner", "Menn")),
                "valgdeltakelse_prosent": Col("share"),
                "antall_stemmer": Col("count"),
                "antall_stemmeberettigede": Col("count"),
            },
            geo="bydel_navn",
            year="valgaar",
            levels=("oslo", "bydel"),
            extra_checks=(("antall_stemmer", "antall_stemmeberettigede"),),
        ),
        RawTable(
            "utd027",
            "oslo_utd027_utdanningsniva_bydel_1999_2024.csv",
            "UTD027 Befolkningens høyeste fullførte utdanning etter bosted, kjønn og alder",
            {
                "aar": Col("year"),
                "niva": Col("label", ("bydel", "oslo", "uten_adresse")),
                "bydel_kode": Col("code"),
                "bydel_navn": Col("label"),
                "kjonn": Col("label", ("Begge kjønn", "Kvinne", "Mann")),
                "aldersgruppe": Col(
                    "label",
                    ("16-29 år", "30-39 år", "40-49 år", "50-66 år", "67 år +", "Alder i alt"),
                ),
                "antall_i_alt": Col("count"),
                "antall_grunnskole": Col("count"),
                "antall_videregaende": Col("count"),
                "antall_uh_kort": Col("count"),
                "antall_uh_lang": Col("count"),
                "antall_ingen_uoppgitt": Col("count"),
            },
            geo="bydel_navn",
            year="aar",
            levels=("oslo", "bydel"),
            extra_checks=(("antall_uh_kort", "antall_i_alt"), ("antall_uh_lang", "antall_i_alt")),
        ),
        RawTable(
            "samfunnsspeilet_tab6",
            "ssb_samfunnsspeilet2007_4_tab6_barn_vedvarende_lavinntekt_bydel_1996_2004.csv",
            "SSB Samfunnsspeilet 2007/4 tabell 6 (transkribert): barn 0-15 år med vedvarende "
            "lavinntekt",
            {
                "source_id": Col("label"),
                "indicator": Col("label"),
                "bydel": Col("label"),
                "geo_code": Col("optional"),
                "period": Col("label", ("1996-1998", "2002-2004")),
                "population_group": Col("label"),
                "value": Col("number"),
                "unit": Col("label", ("prosent", "personer")),
                "lower": Col("optional"),
                "upper": Col("optional"),
                "note": Col("optional"),
            },
            geo="bydel",
            year="period",
        ),
    )
}
