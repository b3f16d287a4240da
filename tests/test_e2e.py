"""End-to-end: build the whole report from the shipped data into a temporary folder.

Runs the real pipeline (checksums, tidy data, suppression, papermill on every notebook, the
embedded pandoc + Typst renderer) with OSLOHELSA_BUILD/OSLOHELSA_OUTPUT pointing at tmp folders,
then reads the HTML and the PDF as a reader would.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from pypdf import PdfReader

from helpers import config

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from helpers import build

    tmp = tmp_path_factory.mktemp("e2e")
    mp = pytest.MonkeyPatch()
    mp.setenv("OSLOHELSA_BUILD", str(tmp / "build"))
    mp.setenv("OSLOHELSA_OUTPUT", str(tmp / "out"))
    try:
        result = build.build(engine="embedded", repetitions=20_000)
        yield result, tmp
    finally:
        mp.undo()


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
        nb = nbformat.read(nb_dir / f"{area}.ipynb", as_version=4)
        sources = "".join(
            out.get("data", {}).get("text/markdown", "")
            for cell in nb.cells
            if cell.cell_type == "code"
            for out in cell.outputs
        )
        maps = re.findall(r"\]\((figures/[^)]+-kart\.png)\)", sources)
        assert len(maps) == len(cat.available(area)), area
        for rel in maps:
            assert (nb_dir / rel).is_file()


def test_areas_without_data_say_so_and_list_planned(html):
    assert html.count("Planlagte indikatorer") >= 2
    assert "ingen åpne bydelstall" in html


def test_numbers_use_decimal_comma(pdf_text, html):
    assert re.search(r"\d,\d (\(|prosent|per)", _normalise(pdf_text))
    assert re.search(r"SII[^<]{0,20}\d+,\d", html)
    assert not re.search(r"SII \d+\.\d", html)


def test_no_code_in_report(html):
    assert "import helpers" not in html and "load_catalogue" not in html
