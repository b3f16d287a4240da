"""The report's text about the ranking of the bydeler, generated from the ranking parameters.

The front page (``index.qmd``, "Den sosiale gradienten") and the methods chapter
(``report/metode.qmd``, "Rangering av bydelene") include one paragraph each that says which
ranking the report uses. The publish step writes them beside the staged chapters
(``kapitler/_rangering-forside.md``, ``kapitler/_rangering-metode.md``) for the build's
``rank_by`` and ``rank_year``: the report's own ranking keeps its hand-written paragraphs; any
other ranking (a sensitivity analysis) gets paragraphs naming its variable, year, source and
direction, and the report's ranking it departs from.
"""

from __future__ import annotations

from pathlib import Path

from helpers import config

FRONT_PAGE_FILE = "_rangering-forside.md"
METHODS_FILE = "_rangering-metode.md"

_GRADIENT = (
    "**Den sosiale gradienten.** Helse og levekår følger ofte en trapp: jo bedre sosioøkonomiske\n"
    "ressurser, desto bedre helse, trinn for trinn, ikke bare mellom de fattigste og de rikeste."
)

# The report's own ranking (config.DEFAULT_RANK_BY in config.DEFAULT_RANK_YEAR), as written.
_DEFAULT_FRONT_PAGE = (
    _GRADIENT + " Vi\n"
    "rangerer derfor bydelene etter hvor stor andel av innbyggerne 30–66 år som har høyere "
    "utdanning,\n"
    "fra den mest ressurssvake til den mest ressurssterke bydelen, og ser hvordan hver indikator "
    "endrer\n"
    "seg langs denne rangeringen.\n"
)
_DEFAULT_METHODS = (
    "Den sosiale gradienten krever en sosioøkonomisk rekkefølge av bydelene. Vi bruker andelen av\n"
    "innbyggerne 30–66 år som har utdanning fra universitet eller høgskole (kort og lang høyere\n"
    "utdanning), fra Oslo kommunes tabell over utdanningsnivå (UTD027). Året er fast, 2024, for "
    "alle\n"
    "indikatorer og alle år, slik at bydelene har samme rekkefølge gjennom hele rapporten. "
    "Bydelen med\n"
    "lavest andel regnes som den mest ressurssvake.\n"
)


def _is_default(rank_by: str, rank_year: int) -> bool:
    return (rank_by, int(rank_year)) == (config.DEFAULT_RANK_BY, config.DEFAULT_RANK_YEAR)


def _names(catalogue, rank_by: str, rank_year: int) -> tuple[str, str]:
    """(this ranking, the report's ranking) as "<name> i <year>", in lower case."""
    chosen = catalogue.ranking(rank_by).name_nb.lower()
    default = catalogue.ranking(config.DEFAULT_RANK_BY).name_nb.lower()
    return f"{chosen} i {int(rank_year)}", f"{default} i {config.DEFAULT_RANK_YEAR}"


def front_page(catalogue, rank_by: str, rank_year: int) -> str:
    """The front page's paragraph on the social gradient and the ranking it uses."""
    if _is_default(rank_by, rank_year):
        return _DEFAULT_FRONT_PAGE
    chosen, default = _names(catalogue, rank_by, rank_year)
    return (
        f"{_GRADIENT} Denne versjonen av rapporten er en sensitivitetsanalyse: den rangerer "
        f"bydelene etter {chosen}, ikke etter {default} som hovedrapporten, fra den mest "
        "ressurssvake til den mest ressurssterke bydelen, og ser hvordan hver indikator endrer "
        "seg langs denne rangeringen.\n"
    )


def methods(catalogue, rank_by: str, rank_year: int) -> str:
    """The methods chapter's paragraph: variable, source, year and direction of the ranking."""
    if _is_default(rank_by, rank_year):
        return _DEFAULT_METHODS
    ranking = catalogue.ranking(rank_by)
    chosen, default = _names(catalogue, rank_by, rank_year)
    source = ranking.source
    where = f", fra {source.product} ({source.table_id})" if source is not None else ""
    end = "lavest" if ranking.sort_ascending else "høyest"
    return (
        "Den sosiale gradienten krever en sosioøkonomisk rekkefølge av bydelene. Denne versjonen "
        f"er en sensitivitetsanalyse: den rangerer bydelene etter {chosen} "
        f"({ranking.unit_nb}){where}. Året er fast, {int(rank_year)}, for alle indikatorer og "
        f"alle år. Bydelen med {end} verdi regnes som den mest ressurssvake. Hovedrapporten "
        f"rangerer etter {default}; avsnittene nedenfor forklarer det valget.\n"
    )


def write(folder: Path, rank_by: str, rank_year: int, catalogue=None) -> list[Path]:
    """Write both paragraphs into ``folder`` (the staged chapters); returns their paths."""
    if catalogue is None:
        from helpers import catalogue as cat

        catalogue = cat.load_catalogue()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        (FRONT_PAGE_FILE, front_page(catalogue, rank_by, rank_year)),
        (METHODS_FILE, methods(catalogue, rank_by, rank_year)),
    ):
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written
