"""End-to-end: build the whole report from the shipped data into a temporary folder.

Runs the real pipeline (checksums, tidy data, suppression, papermill on every notebook, the
embedded pandoc + Typst renderer) with OSLOHELSA_BUILD/OSLOHELSA_OUTPUT pointing at tmp folders,
then reads the HTML and the PDF as a reader would. The full build is made once per session
(``shared_build`` in tests/conftest.py); the small-count build is the only other full build.
"""

from __future__ import annotations

import html as html_lib
import re

import nbformat
import pytest
from conftest import SMALL_ELIGIBLE, SMALL_VOTES, write_small_counts_csv
from pypdf import PdfReader

from helpers import config

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(shared_build):
    """The session's shared build (tests/conftest.py): (RenderResult, folder with build/ + out/)."""
    return shared_build.result, shared_build.root


@pytest.fixture(scope="module")
def html(built):
    return built[0].html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_text(built):
    reader = PdfReader(built[0].pdf)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _normalise(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def test_outputs_exist(built):
    result, tmp = built
    assert result.html == tmp / "out" / "index.html"
    assert result.pdf == tmp / "out" / "oslohelsa.pdf"
    assert result.pdf.read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize("area", list(config.AREAS.values()), ids=list(config.AREAS))
def test_every_area_chapter_in_html_and_pdf(area, html, pdf_text):
    assert area.title_nb in html
    assert area.title_nb in _normalise(pdf_text)


def test_one_map_per_available_indicator(built, html):
    from helpers import catalogue

    cat = catalogue.load_catalogue()
    nb_dir = built[1] / "build" / "notebooks"
    for area in config.AREAS:
        nb = nbformat.read(nb_dir / area / f"{area}.ipynb", as_version=4)
        sources = "".join(
            out.get("data", {}).get("text/markdown", "")
            for cell in nb.cells
            if cell.cell_type == "code"
            for out in cell.outputs
        )
        maps = re.findall(r"\]\((figures/[^)]+-kart\.png)\)", sources)
        assert len(maps) == len(cat.available(area)), area
        for rel in maps:
            assert (nb_dir / area / rel).is_file()  # in the execution's own folder


def test_areas_without_data_say_so_and_list_planned(built, html):
    """Every area with planned indicators lists them under one heading, the others do not; an
    area with no available indicator says it has no open bydel numbers."""
    from helpers import catalogue

    cat = catalogue.load_catalogue()
    nb_dir = built[1] / "build" / "kapitler"
    for area in config.AREAS:
        nb = nbformat.read(nb_dir / f"{area}.ipynb", as_version=4)
        outputs = [
            out.get("data", {}).get("text/markdown", "")
            for cell in nb.cells
            if cell.cell_type == "code"
            for out in cell.outputs
        ]
        headings = [o for o in outputs if o.startswith("## Planlagte indikatorer")]
        assert len(headings) == (1 if cat.planned(area) else 0), area
        says_none = any("ingen åpne bydelstall" in o for o in outputs)
        assert says_none == (not cat.available(area)), area
    assert "ingen åpne bydelstall" in html


def test_numbers_use_decimal_comma(pdf_text, html):
    assert re.search(r"\d,\d (\(|prosent|per)", _normalise(pdf_text))
    assert re.search(r"SII[^<]{0,20}\d+,\d", html)
    assert not re.search(r"SII \d+\.\d", html)


def test_no_code_in_report(html):
    assert "import helpers" not in html and "load_catalogue" not in html


def _digests(tmp) -> dict[str, str]:
    """sha256 of every table, figure and report file a build wrote."""
    import hashlib

    files = [
        *sorted((tmp / "build" / "data").glob("*.parquet")),
        *sorted((tmp / "build" / "notebooks").rglob("*.png")),
        *sorted((tmp / "build" / "notebooks").rglob("*.ipynb")),
        *sorted((tmp / "build" / "kapitler").rglob("*.png")),
        tmp / "out" / "index.html",
        tmp / "out" / "oslohelsa.pdf",
    ]
    return {str(f.relative_to(tmp)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _untouched_by(raw_key: str) -> tuple[list[str], list[str]]:
    """Notebooks and figure folders whose inputs do not include the raw table ``raw_key``: the
    area chapters without an indicator read from it, and the sources chapter."""
    from helpers import build, catalogue
    from helpers.pipeline import loaders

    cat = catalogue.load_catalogue()
    touched = {
        cat.indicator(ind).area for ind, key in loaders.INDICATOR_TABLES.items() if key == raw_key
    }
    jobs = [
        job
        for job in build.jobs()
        # the overview shows every indicator; kilder has no area and reads no indicator
        # and a bydel profile shows every indicator
        if job.output != "oversikt.ipynb"
        and job.template != "bydel.ipynb"
        and job.parameters.get("area") not in touched
    ]
    return [j.output for j in jobs], [j.parameters["area"] for j in jobs if "area" in j.parameters]


def test_two_clean_builds_are_identical(built, small_count_build, tmp_path, monkeypatch):
    """Reproducibility without a third full build: the small-count build is a second clean build
    (fresh folder, every notebook executed) whose only changed input is the voting table, so every
    notebook and figure that does not read that table is byte-identical to the shared build's;
    the untouched data tables are too, and rendering the shared notebooks again gives the same
    HTML and PDF bytes."""
    from helpers import render
    from helpers.catalogue import sources

    first, second = built[1], small_count_build
    notebooks, areas = _untouched_by("val001")
    assert notebooks and areas  # the voting table feeds one area; the others must compare
    for name in notebooks:
        assert _sha(first / "build" / "kapitler" / name) == _sha(
            second / "build" / "kapitler" / name
        ), name
    from helpers import catalogue

    with_maps = [a for a in areas if catalogue.load_catalogue().available(a)]
    assert with_maps
    for area in with_maps:
        figures = sorted((first / "build" / "notebooks" / area / "figures" / area).glob("*.png"))
        assert figures, area
        for fig in figures:
            twin = second / "build" / "notebooks" / area / "figures" / area / fig.name
            assert _sha(fig) == _sha(twin), fig.name
    for table in ("population.parquet", "bydeler.parquet"):
        assert _sha(first / "build" / "data" / table) == _sha(second / "build" / "data" / table)
    monkeypatch.setenv("OSLOHELSA_BUILD", str(first / "build"))  # its staged chapters
    again = render.render(
        tmp_path / "again",
        engine="embedded",
        notebooks_dir=first / "build" / "kapitler",
        data_date=sources.data_date(),  # as the build calls it (report date: today)
    )
    assert again.html.read_bytes() == built[0].html.read_bytes()
    assert again.pdf.read_bytes() == built[0].pdf.read_bytes()


# --- small-number suppression, end to end ------------------------------------------------------
# Synthetic fixture (labelled so): ``write_small_counts_csv`` in tests/conftest.py.


@pytest.fixture(scope="session")
def small_count_build(tmp_path_factory, build_into, shared_build):
    tmp = tmp_path_factory.mktemp("suppressed")
    fixture = write_small_counts_csv(tmp)
    build_into(tmp, paths={"val001": fixture}, repetitions=shared_build.repetitions)
    return tmp


def _all_output_text(tmp) -> str:
    """Everything a reader or a re-user could see: HTML, PDF text, notebooks, tables."""
    import pandas as pd

    parts = [(tmp / "out" / "index.html").read_text(encoding="utf-8")]
    reader = PdfReader(tmp / "out" / "oslohelsa.pdf")
    parts += [page.extract_text() or "" for page in reader.pages]
    parts += [p.read_text(encoding="utf-8") for p in (tmp / "build" / "notebooks").rglob("*.ipynb")]
    for table in (tmp / "build" / "data").glob("*.parquet"):
        if table.name != "bydeler.parquet":
            parts.append(pd.read_parquet(table).to_csv())
    for other in list(tmp.rglob("*.csv")) + list(tmp.rglob("*.json")):
        if "SYNTHETIC" not in other.name:
            parts.append(other.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def test_suppressed_numbers_appear_nowhere(small_count_build):
    import pandas as pd

    from helpers.pipeline import loaders, store
    from helpers.present import text

    tidy = store.load_tidy(small_count_build / "build" / "data" / "indicators.parquet")
    votes = tidy[(tidy["indicator_id"] == "valgdeltakelse") & (tidy["geo_level"] == "bydel")]
    hidden = votes[votes["flag"] == "prikket"]
    # primary (Vestre Aker) and secondary (so it cannot be recovered from Oslo's total)
    assert "Vestre Aker" in set(hidden["geo_name"]) and len(hidden) == 2
    original = loaders.load_indicator("valgdeltakelse")
    original = original[original["geo_code"].isin(hidden["geo_code"])]
    everything = _all_output_text(small_count_build)
    share = 100 * SMALL_VOTES / SMALL_ELIGIBLE
    needles = {f"{share:.2f}", text.number(share, 2), text.number(share, 1), f"{share:.1f}"}
    for _, row in original[original["geo_name"] != "Vestre Aker"].iterrows():
        needles |= {
            text.integer(row["numerator"]),
            f"{row['numerator']:.0f}",
            text.number(row["value"], 2),
            f"{row['value']:.2f}",
        }
    needles = {n for n in needles if n}
    # whole numbers only: not part of a longer number such as 0.5211204 or 1 152,33
    found = {
        n for n in needles if re.search(rf"(?<![\d.,\u00a0]){re.escape(n)}(?![\d])", everything)
    }
    assert not found, f"suppressed numbers in outputs: {found}"
    assert pd.notna(votes.loc[votes["flag"] == "", "value"]).all()
    assert "prikket" in everything


def test_unchanged_inputs_reuse_executed_notebooks(copy_of_shared_build, shared_build):
    """Snakemake's up-to-date check: a rebuild with the same inputs executes no notebook (no
    execution folder replaced) and gives the same notebooks, figures and report (on a copy of
    the shared build)."""
    from helpers import build

    notebooks = copy_of_shared_build / "build" / "notebooks"
    before = _digests(copy_of_shared_build)
    assert before == _digests(shared_build.root)
    folders = {p.name: p.stat().st_mtime_ns for p in notebooks.iterdir() if p.is_dir()}
    build.build(engine="embedded", repetitions=shared_build.repetitions)
    assert {p.name: p.stat().st_mtime_ns for p in notebooks.iterdir() if p.is_dir()} == folders
    assert _digests(copy_of_shared_build) == before


def test_built_tree_follows_quartos_book_rules(built, html):
    """Issue #13, on the real build: every chapter in _quarto.yml exists once built (notebooks
    staged in the build's kapitler/), every executed chapter starts with front matter whose title
    is the area's bokmål name (the build's title for the others), and each title is one <h1>."""
    from helpers import build, render

    staged = built[1] / "build" / "kapitler"
    titles = {job.output: job.title for job in build.jobs()}
    for chapter in render.chapters():
        path = staged / chapter.name if chapter.suffix == ".ipynb" else chapter
        assert path.is_file(), path
        if chapter.suffix == ".ipynb":
            render.check_notebook_chapter(path, titles[chapter.name])
    for area in config.AREAS.values():
        nb = nbformat.read(staged / f"{area.id}.ipynb", as_version=4)
        assert nb.cells[0].cell_type == "raw"
        assert render.front_matter(nb.cells[0].source) == {"title": area.title_nb}
    assert (staged / "figures").is_dir()
    h1 = [
        re.sub(r"<[^>]+>", "", re.sub(r'<span class="header-section-number">[^<]*</span>', "", t))
        for t in re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.DOTALL)
    ]
    # pandoc writes "St.\xa0Hanshaugen" (or the entity): compare with plain spaces
    h1 = [" ".join(html_lib.unescape(t).replace("\xa0", " ").split()) for t in h1]
    for title in titles.values():
        assert h1.count(title) == 1, (title, h1)


# ------------------------------------------------------------------ readers (issue 14)


def test_downloads_profiles_and_key_findings_are_published(built, html):
    from helpers.present import downloads, profile

    _result, tmp = built
    out = tmp / "out"
    assert (out / downloads.FOLDER / downloads.WORKBOOK).is_file()
    assert (out / downloads.FOLDER / "uforetrygd.csv").is_file()
    for code in config.BYDELER:
        pdf = out / profile.PDF_FOLDER / profile.pdf_name(code)
        assert pdf.read_bytes()[:4] == b"%PDF", pdf
        assert f'href="{profile.PDF_FOLDER}/{profile.pdf_name(code)}"' in html
    assert 'href="nedlasting/oslohelsa-data.xlsx"' in html  # chapter links, site-root relative
    assert 'id="sec-hovedfunn"' in html
    start = html.index('id="sec-hovedfunn"')
    findings = html[start : html.index('id="sec-bydelsprofiler"')]
    assert 4 <= findings.count("<li>") <= 6
    assert "95 % KI" in findings or "konfidensintervall" in findings


def test_one_profile_chapter_per_bydel(html):
    text = html.replace("\u00a0", " ").replace("&nbsp;", " ")  # pandoc: "St.&nbsp;Hanshaugen"
    for name in config.BYDELER.values():
        assert f"Bydel {name}" in text


def test_interactive_maps_once_per_indicator_with_plotly_inlined_once(html):
    from helpers import catalogue

    # one beside each indicator's static map (tests: one map per available indicator)
    assert html.count('class="interaktivt-kart"') == len(catalogue.load_catalogue().available())
    assert html.count("plotly.js v") == 1  # the library's header comment: inlined once
    assert "cdn.plot.ly" not in html.replace("https://cdn.plot.ly/un/", "")


def test_published_site_passes_axe(built):
    """axe-core in headless Chromium, network off: no serious or critical violations."""
    import os

    from helpers import a11y

    reason = a11y.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the accessibility check must run in CI: {reason}")
        pytest.skip(f"accessibility check skipped: {reason}")
    found, blocked = a11y.violations(built[0].html)
    assert blocked == []
    assert [str(v) for v in found if v.impact in a11y.BLOCKING] == []
