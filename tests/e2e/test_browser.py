"""In a real browser (headless Chromium, network off): the interactive map works and hovers,
and a page made by the embedded renderer has no serious or critical axe-core violations.

Numbers are synthetic (tests/synthetic.py), the bydel shapes are the project's own. Without
Chromium the tests skip with the reason; under CI (CI=true) a missing Chromium is a failure,
since .ci/run installs it.
"""

from __future__ import annotations

import os

import pytest
import synthetic

from helpers import a11y, catalogue, render
from helpers.ingest import geo
from helpers.present import maps_interactive
from helpers.stats import gradient


@pytest.fixture(scope="module", autouse=True)
def browser_available():
    reason = a11y.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser check must run in CI: {reason}")
        pytest.skip(f"browser check skipped: {reason}")


@pytest.fixture(scope="module")
def map_fragment():
    cat = catalogue.load_catalogue()
    tidy = synthetic.tidy_table()
    ranking = gradient.rank_bydeler(tidy, cat, "hoyere_utdanning_30_66")
    result = gradient.analyse_indicator(
        tidy, cat.indicator("uforetrygd"), ranking, repetitions=1000
    )
    return maps_interactive.html(geo.load_bydeler(include_other=True), result, include_js=True)


def _page(tmp_path, body: str):
    path = tmp_path / "kart.html"
    path.write_text(
        '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Kart</title></head>'
        f"<body><main><h1>Kart</h1>{body}</main></body></html>",
        encoding="utf-8",
    )
    return path


def test_interactive_map_works_offline_and_hovers(tmp_path, map_fragment):
    from playwright.sync_api import sync_playwright

    path = _page(tmp_path, map_fragment)
    with sync_playwright() as p:
        browser, page, blocked = a11y.open_page(p, path)
        try:
            assert blocked == []  # nothing fetched: plotly.js is inlined, no tiles, no CDN
            assert page.evaluate("typeof Plotly") == "object"
            shapes = page.locator("#interaktivt-kart-uforetrygd .scatterlayer .trace")
            assert shapes.count() >= 15
            # Hover over Grorud's shape (traces follow the bydel order of the shapes)
            data = page.evaluate(
                "document.getElementById('interaktivt-kart-uforetrygd').data.map(t => t.name)"
            )
            assert "Grorud" in data
            shapes_geo = geo.load_bydeler(include_other=True).set_index("geo_code")
            point = shapes_geo.loc["030110"].geometry.representative_point()
            x, y = page.evaluate(
                """([x, y]) => {
                    const gd = document.getElementById('interaktivt-kart-uforetrygd');
                    const L = gd._fullLayout, r = gd.getBoundingClientRect();
                    return [r.left + L._size.l + L.xaxis.l2p(x),
                            r.top + L._size.t + L.yaxis.l2p(y)];
                }""",
                [point.x, point.y],
            )
            page.mouse.move(x, y)
            page.wait_for_timeout(600)
            hover = page.locator(".hoverlayer").first.text_content() or ""
        finally:
            browser.close()
    assert "Grorud" in hover
    assert "95 % KI" in hover and "Rang" in hover and "av 15" in hover
    assert "Teller" in hover and "nevner" in hover


def test_embedded_page_has_no_serious_axe_violations(tmp_path, map_fragment):
    (tmp_path / "index.qmd").write_text(
        "# Om rapporten\n\nTekst med [lenke](#sec-tabell).\n\n## Tabell {#sec-tabell}\n\n"
        "| Bydel | Verdi |\n|:--|--:|\n| Grorud | 12,1 |\n\n: Verdier {#tbl-verdier}\n\n"
        f"```{{=html}}\n{map_fragment}\n```\n",
        encoding="utf-8",
    )
    qfile = tmp_path / "_quarto.yml"
    qfile.write_text(
        "project: {type: book}\nbook:\n  title: Test\n  chapters: [index.qmd]\n",
        encoding="utf-8",
    )
    result = render.render(tmp_path / "out", engine="embedded", quarto_file=qfile)
    found, blocked = a11y.violations(result.html)
    assert blocked == []
    serious = [str(v) for v in found if v.impact in a11y.BLOCKING]
    assert serious == []


def test_axe_finds_a_planted_violation(tmp_path):
    """The check bites: an image without alt text and no page language are reported."""
    path = tmp_path / "bad.html"
    path.write_text(
        "<!doctype html><html><head><title>x</title></head><body>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>',
        encoding="utf-8",
    )
    found, _ = a11y.violations(path)
    rules = {v.rule for v in found}
    assert {"image-alt", "html-has-lang"} <= rules


def _chapter_page(chapter, folder):
    """``folder/<chapter>.html``: the chapter notebook's HTML outputs on one page, as Quarto
    writes it beside the staged notebook (kapitler/levekar.ipynb -> kapitler/levekar.html)."""
    import nbformat

    nb = nbformat.read(chapter, as_version=4)
    parts = [
        "".join(out["data"]["text/html"])
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "text/html" in out.get("data", {})
    ]
    page = folder / f"{chapter.stem}.html"
    page.write_text(
        '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Kapittel</title>'
        f"</head><body><main>{''.join(parts)}</main></body></html>",
        encoding="utf-8",
    )
    return page


def _plotly_maps(path):
    """(maps drawn with an svg, plotly.js script tags on the page, blocked requests) offline."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page, blocked = a11y.open_page(p, path)
        try:
            page.wait_for_timeout(1000)
            drawn = page.locator(".interaktivt-kart .js-plotly-plot svg.main-svg").count()
            kind = page.evaluate("typeof Plotly")
        finally:
            browser.close()
    return drawn, kind, blocked


def test_built_chapter_page_loads_plotly_from_beside_it(shared_build, tmp_path):
    """A chapter of the real build, as a page beside the staged chapters: its maps load the one
    plotly.min.js of the folder (not an inline copy) and draw offline."""
    import shutil

    staged = tmp_path / "kapitler"
    shutil.copytree(shared_build.notebooks, staged)
    js = staged / maps_interactive.PLOTLYJS
    assert js.is_file() and js.stat().st_size > 1_000_000
    page = _chapter_page(staged / "levekar.ipynb", staged)
    html = page.read_text(encoding="utf-8")
    assert html.count(f'src="{maps_interactive.PLOTLYJS}"') == 1
    assert len(html) < 1_000_000  # no inlined copy of plotly.js (~4.6 MB)
    drawn, kind, blocked = _plotly_maps(page)
    assert blocked == []
    assert kind == "object"
    assert drawn >= 1
    # without the file beside it the page has no plotly: the check above can fail
    js.unlink()
    drawn, kind, _ = _plotly_maps(page)
    assert kind == "undefined" and drawn == 0


def test_embedded_report_keeps_one_plotly_and_draws_offline(shared_build):
    """The embedded renderer's one self-contained page: plotly.js once, every map drawn."""
    page = shared_build.result.html
    html = page.read_text(encoding="utf-8")
    assert f'src="{maps_interactive.PLOTLYJS}"' not in html  # inlined by pandoc, not referenced
    assert html.count("plotly.js v") == 1  # one copy: the library's header comment
    drawn, kind, blocked = _plotly_maps(page)
    assert blocked == []
    assert kind == "object"
    assert drawn >= 5
