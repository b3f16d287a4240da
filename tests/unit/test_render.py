"""Tests for helpers.render: the chapter list in _quarto.yml and the embedded renderer.

The notebooks here are small synthetic executed notebooks built with nbformat in tmp_path (one
markdown cell, one figure cell with Quarto options, one Markdown table output, a parameters
cell). Their content is invented test text, not Oslo data.
"""

from __future__ import annotations

import base64
import io
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
    new_raw_cell,
)

from helpers import build, config, render
from helpers.errors import DataError
from helpers.present import report

DATE = "2025-03-14"

# The chapters issue #3 fixes for the real report, in order; placed as issue #13 and Quarto's book
# rules require (home page index.qmd at the root, executed notebooks staged in kapitler/).
EXPECTED_CHAPTERS = [
    "index.qmd",
    "kapitler/oversikt.ipynb",
    *[f"kapitler/{area}.ipynb" for area in config.AREAS],  # the five innsatsområder, in order
    "report/metode.qmd",
    "kapitler/kilder.ipynb",
    # issue 14: one profile per bydel, in the part "Bydelsprofiler"
    *[f"kapitler/bydel-{report.slug(name)}.ipynb" for name in config.BYDELER.values()],
]

# Keys checked against Quarto's documentation (quarto.org/docs/reference/...):
#   projects/options.html (project), projects/books.html (book), formats/html.html,
#   formats/typst.html, formats/ipynb + cells-jupyter (execute), authoring language (language).
ALLOWED_TOP = {"project", "book", "lang", "language", "date-format", "execute", "format"}
ALLOWED_PROJECT = {"type", "output-dir", "render", "resources"}
ALLOWED_BOOK = {"title", "subtitle", "author", "date", "chapters", "output-file", "downloads"}
ALLOWED_EXECUTE = {"enabled", "echo"}
ALLOWED_FORMATS = {
    "html": {"toc", "number-sections", "css"},
    "typst": {
        "papersize",
        "toc",
        "number-sections",
        "section-numbering",
        "margin",
        "mainfont",
        "fontsize",
    },
}
# Quarto's documented language strings (src/resources/language/_language.yml).
ALLOWED_LANGUAGE = {"crossref-ch-prefix", "toc-title-document", "tools-download"}


# ---------------------------------------------------------------------------------------------
# Synthetic executed notebooks
# ---------------------------------------------------------------------------------------------


def tiny_png(width: float = 3.0, height: float = 2.0) -> str:
    """A small synthetic matplotlib plot as base64 PNG (Agg outside a kernel is fine)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=60)
    ax.bar(["A", "B", "C"], [3, 1, 2], color="#4a7fb0")
    ax.set_title("Syntetisk")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def make_notebook(
    path: Path,
    title: str,
    *,
    label: str = "fig-kart",
    caption: str = "Kart over syntetiske bydeler",
    alt: str = "Søylediagram med tre syntetiske søyler",
    error: bool = False,
    front_matter: bool = False,
) -> Path:
    """Write a small executed notebook like the ones papermill leaves in build/notebooks.

    ``front_matter``: the title is a first raw YAML cell, as the build writes it (the real
    chapters); otherwise it is a ``#`` heading in the first Markdown cell.
    """
    params = new_code_cell('area = "levekar"\nseed = 2030', execution_count=1)
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell('area = "levekar"', execution_count=2)
    injected.metadata["tags"] = ["injected-parameters"]
    figure = new_code_cell(
        f'#| label: {label}\n#| fig-cap: "{caption}"\n#| fig-alt: "{alt}"\n'
        "SECRET_CODE_FIGURE = plots.map(results)",
        execution_count=3,
        outputs=[
            new_output("stream", name="stdout", text="PRINTED_NOISE\n"),
            new_output(
                "display_data",
                data={"image/png": tiny_png(), "text/plain": "<Figure size 180x120>"},
            ),
        ],
    )
    table_md = (
        "| Bydel | Andel (%) |\n|:--|--:|\n| Syntetisk nord | 12,5 |\n| Syntetisk sør | 7,25 |\n\n"
        ": Syntetisk tabell med desimalkomma {#tbl-andel}\n"
    )
    table = new_code_cell(
        "SECRET_CODE_TABLE = display(Markdown(table))",
        execution_count=4,
        outputs=[
            new_output("display_data", data={"text/markdown": table_md, "text/plain": "<Markdown>"})
        ],
    )
    html_out = new_code_cell(
        "df",
        execution_count=5,
        outputs=[
            new_output(
                "execute_result",
                data={"text/html": "<div class='raw-html-only'>RAWHTML</div>", "text/plain": "df"},
                execution_count=5,
            )
        ],
    )
    # helpers.present.report.figure saves a PNG next to the notebook and shows it as Markdown.
    figures = path.parent / "figures"
    figures.mkdir(exist_ok=True)
    (figures / f"{path.stem}-gradient.png").write_bytes(base64.b64decode(tiny_png(6.0, 2.0)))
    md_figure = new_code_cell(
        "report.figure(fig, ...)",
        execution_count=6,
        outputs=[
            new_output(
                "display_data",
                data={
                    "text/markdown": f"![Gradient i {title.lower()}](figures/{path.stem}-gradient"
                    f'.png){{#fig-gradient fig-alt="Punkter for syntetiske bydeler"}}',
                    "text/plain": "<Markdown>",
                },
            )
        ],
    )
    hidden = new_code_cell(
        "#| include: false\nx = 1",
        execution_count=6,
        outputs=[new_output("display_data", data={"text/markdown": "HIDDEN_OUTPUT"})],
    )
    intro = f"Innledning med æøå og se @{label} og @tbl-andel."
    cells = [
        params,
        injected,
        new_markdown_cell(intro if front_matter else f"# {title}\n\n{intro}"),
        figure,
        table,
        html_out,
        md_figure,
        hidden,
    ]
    if error:
        cells.append(
            new_code_cell(
                "1/0",
                execution_count=7,
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=[],
                    )
                ],
            )
        )
    nb = new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )
    if front_matter:
        build.set_title(nb, title)
    nbformat.write(nb, str(path))
    return path


def make_project(tmp_path: Path, *, error: bool = False) -> Path:
    """A tiny Quarto book in tmp_path: a .qmd forside, two notebooks, a .qmd method chapter."""
    (tmp_path / "report").mkdir()
    (tmp_path / "nb").mkdir()
    (tmp_path / "report" / "index.qmd").write_text(
        "---\ntitle: ignored\n---\n\n# Om testrapporten\n\nForside med $\\mathrm{SII}$.\n\n"
        "```{python}\n#| echo: false\nSECRET_QMD_CODE = 1\n```\n",
        encoding="utf-8",
    )
    make_notebook(tmp_path / "nb" / "forste.ipynb", "Første område", error=error)
    # Same template, same label: the renderer must keep ids unique. Its title is front matter.
    make_notebook(
        tmp_path / "nb" / "andre.ipynb", "Andre område", caption="Andre kart", front_matter=True
    )
    (tmp_path / "report" / "metode.qmd").write_text(
        "# Metode for test\n\nUlikhetsindeks $\\beta_1$.\n", encoding="utf-8"
    )
    project = {
        "project": {"type": "book", "output-dir": "out"},
        "lang": "nb",
        "book": {
            "title": "Testbok – syntetisk",
            "author": "Testforfatter",
            "chapters": [
                "report/index.qmd",
                {"part": "Områder", "chapters": ["nb/forste.ipynb", "nb/andre.ipynb"]},
                "report/metode.qmd",
            ],
        },
    }
    qfile = tmp_path / "_quarto.yml"
    qfile.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    return qfile


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def pdf_alt_texts(path: Path) -> list[str]:
    """/Alt entries of the tagged PDF's structure tree (what a screen reader gets)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: list[str] = []
    seen: set[int] = set()

    def walk(obj):
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if "/Alt" in obj:
                found.append(str(obj["/Alt"]))
            for key, value in obj.items():
                if key not in ("/P", "/Parent", "/Pg"):
                    walk(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value)

    walk(PdfReader(str(path)).trailer["/Root"])
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[render.RenderResult, Path]:
    tmp = tmp_path_factory.mktemp("book")
    qfile = make_project(tmp)
    result = render.render(tmp / "site", engine="embedded", quarto_file=qfile, date=DATE)
    return result, qfile


# ---------------------------------------------------------------------------------------------
# The real project's _quarto.yml
# ---------------------------------------------------------------------------------------------


def test_real_quarto_yml_lists_the_nine_chapters():
    """Chapter list fixed by issue #3 (parts 5-6)."""
    listed = [p.relative_to(config.ROOT).as_posix() for p in render.chapters()]
    assert listed == EXPECTED_CHAPTERS
    for path in render.chapters():
        if path.suffix == ".qmd":
            assert path.is_file(), f"{path} is listed in _quarto.yml but does not exist"


def test_real_quarto_yml_uses_only_documented_keys():
    """Allow-list from Quarto's option references (see ALLOWED_* above)."""
    project = yaml.safe_load(config.QUARTO_FILE.read_text(encoding="utf-8"))
    assert set(project) <= ALLOWED_TOP
    assert set(project["project"]) <= ALLOWED_PROJECT
    assert project["project"]["type"] == "book"
    assert set(project["book"]) <= ALLOWED_BOOK
    # The download button links the book's single-file format: the Typst PDF, oslohelsa.pdf.
    assert project["book"].get("downloads", ["pdf"]) == ["pdf"] and "typst" in project["format"]
    assert project["book"]["author"], "Quarto's Typst book template needs book.author"
    assert project["book"]["output-file"] == Path(render.PDF_NAME).stem
    assert set(project["execute"]) <= ALLOWED_EXECUTE
    assert project["execute"]["enabled"] is False
    assert set(project["language"]) <= ALLOWED_LANGUAGE
    for fmt, options in project["format"].items():
        assert fmt in ALLOWED_FORMATS
        assert set(options) <= ALLOWED_FORMATS[fmt]
    # notebooks/ holds unexecuted templates: Quarto must not render them.
    assert not any(r.startswith("notebooks") for r in project["project"]["render"])
    css = project["format"]["html"]["css"]
    assert (config.ROOT / css).is_file()


def site_page(chapter: Path, root: Path = config.ROOT) -> str:
    """Quarto's page for a chapter: output paths mirror input paths (index.qmd -> index.html)."""
    return chapter.relative_to(root).with_suffix(".html").as_posix()


def test_real_book_home_page_is_index_at_project_root_and_unnumbered():
    """Quarto book rules (book-structure docs; book-config.ts: 'Book contents must include a home
    page'): the first chapter is index.qmd/.md/.ipynb in the project root. Its heading carries
    {.unnumbered}, so the front page is not chapter 1 (book-shared.ts isNumberedChapter)."""
    listed = render.chapters()
    first = listed[0]
    assert first.parent == config.ROOT and first.name in {"index.qmd", "index.md", "index.ipynb"}
    assert first.is_file()
    assert [site_page(p) for p in listed].count("index.html") == 1
    headings = render.level1_headings(first.read_text(encoding="utf-8"))
    assert len(headings) == 1 and re.search(r"\{[^}]*\.unnumbered[^}]*\}\s*$", headings[0])
    assert not (config.REPORT / "index.qmd").exists(), "a second index page would be a chapter"


def test_real_book_pages_have_clean_urls():
    """No page of the site under build/: the executed chapters are staged in kapitler/."""
    pages = [site_page(p) for p in render.chapters()]
    assert pages == [
        "index.html",
        "kapitler/oversikt.html",
        "kapitler/levekar.html",
        "kapitler/oppvekst_utdanning.html",
        "kapitler/nabolag_moteplasser.html",
        "kapitler/klima_miljo.html",
        "kapitler/levevaner_helsetjenester.html",
        "report/metode.html",
        "kapitler/kilder.html",
        *[f"kapitler/bydel-{report.slug(name)}.html" for name in config.BYDELER.values()],
    ]
    project = yaml.safe_load(config.QUARTO_FILE.read_text(encoding="utf-8"))
    for path in [*pages, *project["project"]["render"], project["project"]["output-dir"]]:
        assert "build" not in Path(path).parts and ".." not in Path(path).parts, path
    # Everything Quarto is told to render is a chapter (a stray page would get its own URL).
    rendered = {p for pattern in project["project"]["render"] for p in config.ROOT.glob(pattern)}
    assert {p for p in rendered if p.suffix == ".qmd"} <= set(render.chapters())


def test_real_notebook_chapters_are_the_build_jobs_with_their_titles():
    """Each executed chapter is one papermill job, staged in kapitler/ and titled by the build;
    an area's title is its bokmål name (helpers.config.AREAS)."""
    listed = [p for p in render.chapters() if p.suffix == ".ipynb"]
    jobs = build.jobs()
    assert [p.name for p in listed] == [job.output for job in jobs]
    assert {p.parent for p in listed} == {config.CHAPTERS}
    titles = {job.output: job.title for job in jobs}
    for area in config.AREAS.values():
        assert titles[f"{area.id}.ipynb"] == area.title_nb
    assert titles["oversikt.ipynb"] == "Oversikt" and titles["kilder.ipynb"] == "Data og kilder"


@pytest.mark.parametrize("path", sorted(config.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_templates_write_no_title_heading(path):
    """The title comes from the build's front matter only; a '#' heading in a template would
    make Quarto number a second chapter ("3 Levekår", then "4 Levekår")."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not render.level1_headings(cell.source), f"{path.name}: cell {cell.id}"


# ---------------------------------------------------------------------------------------------
# Chapter list, cell options
# ---------------------------------------------------------------------------------------------


def test_chapters_follow_quarto_yml_order_including_parts(tmp_path):
    """Order as written in the tiny _quarto.yml of make_project."""
    qfile = make_project(tmp_path)
    names = [p.name for p in render.chapters(qfile)]
    assert names == ["index.qmd", "forste.ipynb", "andre.ipynb", "metode.qmd"]


def test_cell_options_parsed_and_removed():
    """Quarto cell option syntax (#| key: value) from quarto.org cells-jupyter reference."""
    options, code = render.cell_options('#| label: fig-a\n#| fig-cap: "Et kart"\nplot()')
    assert options == {"label": "fig-a", "fig-cap": "Et kart"}
    assert code == "plot()"
    assert render.cell_options("x = 1") == ({}, "x = 1")


# ---------------------------------------------------------------------------------------------
# Embedded renderer
# ---------------------------------------------------------------------------------------------


def test_html_has_titles_figure_table_and_no_code(rendered):
    """Content from make_notebook / make_project."""
    result, _ = rendered
    html = result.html.read_text(encoding="utf-8")
    assert result.engine == "embedded"
    assert result.html.name == "index.html"
    for title in ("Om testrapporten", "Første område", "Andre område", "Metode for test"):
        assert title in html
    assert "Kart over syntetiske bydeler" in html
    assert 'alt="Søylediagram med tre syntetiske søyler"' in html
    assert "12,5" in html and "7,25" in html and "<table" in html
    assert "RAWHTML" in html
    for hidden in ("SECRET_CODE", "SECRET_QMD_CODE", "PRINTED_NOISE", "HIDDEN_OUTPUT", "seed ="):
        assert hidden not in html
    # Self-contained: the image is inlined, nothing points to a file beside it but the PDF.
    assert "data:image/png;base64," in html
    assert not re.search(r'src="(?!data:)', html)
    # Numbered, cross-referenced, in bokmål; chapter 1 is the first notebook (index unnumbered).
    assert "Figur 1.1:" in html and "Figur 2.1:" in html and "Tabell 1.1:" in html
    # A figure shown as Markdown by helpers.present.report.figure (PNG next to the notebook).
    assert "Figur 1.2:" in html and "Gradient i første område" in html
    assert 'alt="Punkter for syntetiske bydeler"' in html and "data-fig-alt" not in html
    assert ">Figur 1.1</a>" in html and ">Tabell 2.1</a>" in html
    assert "Innhold" in html and 'lang="nb"' in html
    assert "<math" in html  # MathML


def h1_texts(html: str) -> list[str]:
    """The text of every <h1> element (tags and section numbers stripped)."""
    out = []
    for inner in re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.DOTALL):
        inner = re.sub(r'<span class="header-section-number">[^<]*</span>', "", inner)
        out.append(re.sub(r"<[^>]+>", "", inner).strip())
    return out


def test_every_chapter_title_is_shown_once(rendered):
    """'Andre område' is front matter (as the build writes it), the others headings: one <h1>
    each; the front-matter title keeps the chapter's id (sec-<file name>)."""
    html = rendered[0].html.read_text(encoding="utf-8")
    titles = h1_texts(html)
    for title in ("Om testrapporten", "Første område", "Andre område", "Metode for test"):
        assert titles.count(title) == 1, titles
    assert re.search(r'<h1[^>]*id="sec-andre"', html)


def test_chapter_order_in_html_follows_quarto_yml(rendered):
    """Order from make_project's _quarto.yml."""
    html = rendered[0].html.read_text(encoding="utf-8")
    positions = [
        html.index(t, html.index("</nav>"))
        for t in ("Om testrapporten", "Første område", "Andre område", "Metode for test")
    ]
    assert positions == sorted(positions)


def test_duplicate_labels_across_chapters_get_unique_ids(rendered):
    """Both notebooks use label fig-kart (one template, many areas)."""
    html = rendered[0].html.read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="fig-kart"' in html and 'id="fig-kart-2"' in html


def test_pdf_exists_with_titles_and_figure_labels(rendered):
    """Text from make_notebook; 'Figur' is the bokmål figure label."""
    result, _ = rendered
    data = result.pdf.read_bytes()
    assert result.pdf.name == "oslohelsa.pdf"
    assert data.startswith(b"%PDF")
    text = pdf_text(result.pdf)
    for title in ("Om testrapporten", "Første område", "Andre område", "Metode for test"):
        assert title in text
    assert "Figur 1.1" in text and "Tabell 2.1" in text
    assert "Innhold" in text
    assert "12,5" in text
    assert "SECRET_CODE" not in text and "RAWHTML" not in text
    alts = pdf_alt_texts(result.pdf)
    assert "Søylediagram med tre syntetiske søyler" in alts
    assert "Punkter for syntetiske bydeler" in alts
    # Chapter order: the first page (after the table of contents) where each title appears.
    from pypdf import PdfReader

    pages = [p.extract_text() or "" for p in PdfReader(str(result.pdf)).pages]
    body = [i for i, page in enumerate(pages) if "Innhold" not in page]
    titles = ("Om testrapporten", "Første område", "Andre område", "Metode for test")
    first = [next(i for i in body if t in pages[i]) for t in titles]
    assert first == sorted(first) and len(set(first)) == len(first)


def test_pdf_metadata_uses_build_date(rendered):
    """DATE given to render(); the PDF must not carry the clock's time."""
    from pypdf import PdfReader

    info = PdfReader(str(rendered[0].pdf)).metadata
    assert info.creation_date is not None
    assert info.creation_date.strftime("%Y-%m-%d") == DATE
    assert info.title.startswith("Testbok")


def test_two_renders_are_byte_identical(rendered, tmp_path):
    """Same inputs and date → same bytes (reproducible builds)."""
    result, qfile = rendered
    again = render.render(tmp_path / "again", engine="embedded", quarto_file=qfile, date=DATE)
    assert again.pdf.read_bytes() == result.pdf.read_bytes()
    assert again.html.read_bytes() == result.html.read_bytes()


def test_notebook_with_error_output_raises(tmp_path):
    """An executed notebook with an error output must not publish."""
    qfile = make_project(tmp_path, error=True)
    with pytest.raises(DataError, match="ZeroDivisionError"):
        render.render(tmp_path / "site", engine="embedded", quarto_file=qfile, date=DATE)
    assert not (tmp_path / "site").exists()


def test_failed_render_leaves_published_output_untouched(tmp_path):
    """A previously published report survives a failing render byte for byte."""
    out = tmp_path / "published"
    out.mkdir()
    (out / "index.html").write_text("old report", encoding="utf-8")
    (out / "oslohelsa.pdf").write_bytes(b"%PDF-old")
    qfile = make_project(tmp_path, error=True)
    with pytest.raises(DataError):
        render.render(out, engine="embedded", quarto_file=qfile, date=DATE)
    assert (out / "index.html").read_text(encoding="utf-8") == "old report"
    assert (out / "oslohelsa.pdf").read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_missing_chapter_names_the_file(tmp_path):
    """A chapter listed in _quarto.yml that the build did not make."""
    qfile = make_project(tmp_path)
    (tmp_path / "nb" / "andre.ipynb").unlink()
    with pytest.raises(DataError, match="andre.ipynb"):
        render.render(tmp_path / "site", engine="embedded", quarto_file=qfile, date=DATE)


def test_missing_figure_file_names_the_chapter(tmp_path):
    """A Markdown figure whose PNG is gone (e.g. figures/ not built)."""
    qfile = make_project(tmp_path)
    (tmp_path / "nb" / "figures" / "andre-gradient.png").unlink()
    with pytest.raises(DataError, match=r"andre\.ipynb.*andre-gradient\.png"):
        render.render(tmp_path / "site", engine="embedded", quarto_file=qfile, date=DATE)


def test_notebooks_dir_redirects_ipynb_chapters(tmp_path):
    """notebooks_dir replaces the folder of .ipynb chapters (build dir override)."""
    qfile = make_project(tmp_path)
    other = tmp_path / "elsewhere"
    other.mkdir()
    make_notebook(other / "forste.ipynb", "Flyttet område")
    make_notebook(other / "andre.ipynb", "Andre flyttet")
    result = render.render(
        tmp_path / "site", engine="embedded", quarto_file=qfile, notebooks_dir=other, date=DATE
    )
    html = result.html.read_text(encoding="utf-8")
    assert "Flyttet område" in html and "Første område" not in html


def test_bad_arguments():
    """Argument checks name the argument."""
    with pytest.raises(ValueError, match="engine"):
        render.render(engine="pdf")
    with pytest.raises(ValueError, match="date"):
        render.build_date("14.03.2025")


def test_build_date_from_source_date_epoch(monkeypatch):
    """1741910400 is 2025-03-14T00:00:00Z."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741910400")
    assert render.build_date().isoformat() == "2025-03-14"


def test_raw_cell_front_matter_gives_title(tmp_path):
    """A Quarto-style raw YAML cell at the top provides the chapter title."""
    nb = new_notebook(
        cells=[new_raw_cell("---\ntitle: Tittel fra YAML\n---"), new_markdown_cell("Tekst.")]
    )
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, str(path))
    chapter = render.notebook_to_markdown(path, tmp_path / "assets")
    assert chapter.markdown.startswith("# Tittel fra YAML")


def test_build_date_falls_back_to_fixed_book_date(monkeypatch):
    """A literal book.date in _quarto.yml is used when no date or SOURCE_DATE_EPOCH is given."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert render.build_date(None, "2024-05-01").isoformat() == "2024-05-01"
    assert render.build_date("2025-01-02", "2024-05-01").isoformat() == "2025-01-02"


FAKE_QUARTO = """#!/bin/sh
# Stand-in for the Quarto CLI: records its arguments, writes what `quarto render` would.
echo "$@" > "{log}"
echo "QUARTO_PYTHON=$QUARTO_PYTHON" >> "{log}"
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--output-dir" ]; then out="$2"; fi
  shift
done
mkdir -p "$out"
echo "<html>quarto</html>" > "$out/index.html"
printf '%%PDF-1.7 quarto' > "$out/oslohelsa.pdf"
"""


def test_auto_engine_uses_quarto_when_on_path(tmp_path, monkeypatch):
    """A stand-in quarto script on PATH: render() calls `quarto render ROOT --output-dir DIR`."""
    qfile = make_project(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "quarto-args.txt"
    script = bin_dir / "quarto"
    script.write_text(FAKE_QUARTO.replace("{log}", str(log)), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("QUARTO_PYTHON", raising=False)
    result = render.render(tmp_path / "site", quarto_file=qfile, date=DATE)
    assert result.engine == "quarto"
    assert result.pdf == (tmp_path / "site" / "oslohelsa.pdf").resolve()
    assert result.pdf.read_bytes().startswith(b"%PDF")
    assert result.html.read_text(encoding="utf-8") == "<html>quarto</html>\n"
    lines = log.read_text(encoding="utf-8").splitlines()
    args = lines[0].split()
    assert args[:2] == ["render", str(tmp_path.resolve())] and "--output-dir" in args
    assert args[args.index("-M") + 1] == f"date:{DATE}"  # the data's date, not Quarto's today
    # Quarto reads the notebooks with the Python that executed them.
    assert lines[1] == f"QUARTO_PYTHON={sys.executable}"
    assert result.html == (tmp_path / "site" / "index.html").resolve()  # the home page at the root


def test_quarto_cover_says_when_data_were_fetched(tmp_path, monkeypatch):
    """Quarto's cover shows title, subtitle, author and date: "Data hentet" goes in the subtitle."""
    import datetime as dt

    qfile = make_project(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "quarto-args.txt"
    script = bin_dir / "quarto"
    script.write_text(FAKE_QUARTO.replace("{log}", str(log)), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    render.render(tmp_path / "site", quarto_file=qfile, date=DATE, data_date=dt.date(2025, 2, 1))
    args = log.read_text(encoding="utf-8").splitlines()[0]
    assert f"-M date:{DATE}" in args and args.endswith("Data hentet 2025-02-01")
    assert "-M subtitle:" in args


def test_quarto_engine_without_quarto_is_a_clear_error(tmp_path, monkeypatch):
    """engine='quarto' on a machine without Quarto (as on CI)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="quarto"):
        render.render(tmp_path / "site", engine="quarto", quarto_file=make_project(tmp_path))


def test_cli_renders_embedded(tmp_path, capsys):
    """python -m helpers.render --engine embedded --out DIR (project from make_project)."""
    qfile = make_project(tmp_path)
    out = tmp_path / "cli"
    code = render.main(
        ["--engine", "embedded", "--out", str(out), "--quarto-file", str(qfile), "--date", DATE]
    )
    assert code == 0
    assert (out / "index.html").is_file() and (out / "oslohelsa.pdf").is_file()
    assert "embedded" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Staging the executed chapters where the book lists them (helpers.build.stage_chapters)
# ---------------------------------------------------------------------------------------------

STAGED_TITLES = {"forste.ipynb": "Første område", "andre.ipynb": "Andre område"}


def make_book(tmp_path: Path, chapters: list[str] | None = None) -> tuple[Path, Path]:
    """A tiny book laid out like the real one: index.qmd at the root, notebook chapters listed in
    kapitler/, executed notebooks (front-matter titles, as the build writes them) in build/."""
    root = tmp_path / "book"
    executed = root / "build" / "notebooks"
    executed.mkdir(parents=True)
    (root / "index.qmd").write_text("# Forside {.unnumbered}\n\nTekst.\n", encoding="utf-8")
    for name, title in STAGED_TITLES.items():
        make_notebook(executed / name, title, front_matter=True)
    book = {
        "title": "Testbok",
        "author": "Testforfatter",
        "chapters": chapters or ["index.qmd", "kapitler/forste.ipynb", "kapitler/andre.ipynb"],
    }
    qfile = root / "_quarto.yml"
    qfile.write_text(
        yaml.safe_dump({"project": {"type": "book"}, "book": book}, allow_unicode=True),
        encoding="utf-8",
    )
    return qfile, executed


def test_stage_chapters_puts_executed_notebooks_where_the_book_lists_them(tmp_path):
    """Staged chapters replace the old ones whole; then both renderers find every chapter."""
    qfile, executed = make_book(tmp_path)
    dest = qfile.parent / "kapitler"
    dest.mkdir()
    (dest / "stale.ipynb").write_text("{}", encoding="utf-8")
    staged = build.stage_chapters(executed, dest, quarto_file=qfile, titles=STAGED_TITLES)
    assert staged == dest
    names = ["andre.ipynb", "figures", "forste.ipynb", "plotly.min.js"]  # plotly.js once, beside
    assert sorted(p.name for p in dest.iterdir()) == names
    assert (dest / "figures" / "andre-gradient.png").is_file()
    assert all(p.is_file() for p in render.chapters(qfile))
    assert sorted(p.name for p in qfile.parent.iterdir()) == [
        "_quarto.yml",
        "build",
        "index.qmd",
        "kapitler",
    ]
    assert [site_page(p, qfile.parent) for p in render.chapters(qfile)] == [
        "index.html",
        "kapitler/forste.html",
        "kapitler/andre.html",
    ]
    result = render.render(tmp_path / "site", engine="embedded", quarto_file=qfile, date=DATE)
    titles = h1_texts(result.html.read_text(encoding="utf-8"))
    assert [titles.count(t) for t in ("Forside", *STAGED_TITLES.values())] == [1, 1, 1], titles
    assert "Første område" in pdf_text(result.pdf)


def test_stage_chapters_refuses_a_second_title_heading(tmp_path):
    """A notebook that still prints '# Title' (as report.area_intro did): Quarto would number
    two chapters. Nothing already staged is touched."""
    qfile, executed = make_book(tmp_path)
    nb = nbformat.read(executed / "andre.ipynb", as_version=4)
    nb.cells.insert(
        3,
        new_code_cell(
            "report.area_intro(cat, area)",
            outputs=[new_output("display_data", data={"text/markdown": "# Andre område"})],
        ),
    )
    nbformat.write(nb, executed / "andre.ipynb")
    dest = qfile.parent / "kapitler"
    dest.mkdir()
    (dest / "forste.ipynb").write_text("published", encoding="utf-8")
    with pytest.raises(DataError, match=r"andre\.ipynb, cell 4: level-1 heading '# Andre område'"):
        build.stage_chapters(executed, dest, quarto_file=qfile, titles=STAGED_TITLES)
    assert (dest / "forste.ipynb").read_text(encoding="utf-8") == "published"
    assert sorted(p.name for p in dest.parent.iterdir()) == [
        "_quarto.yml",
        "build",
        "index.qmd",
        "kapitler",
    ]


def test_stage_chapters_needs_the_expected_front_matter_title(tmp_path):
    """A chapter without front matter, or with another title than the build's, is refused."""
    qfile, executed = make_book(tmp_path)
    wrong = {**STAGED_TITLES, "andre.ipynb": "Tredje område"}
    with pytest.raises(DataError, match=r"andre\.ipynb, cell 1: .*expected 'Tredje område'"):
        build.stage_chapters(executed, qfile.parent / "kapitler", quarto_file=qfile, titles=wrong)
    make_notebook(executed / "forste.ipynb", "Første område")  # title as a heading only
    with pytest.raises(DataError, match=r"forste\.ipynb, cell 1: .*front matter"):
        build.stage_chapters(executed, qfile.parent / "kapitler", quarto_file=qfile)
    assert not (qfile.parent / "kapitler").exists()


def test_stage_chapters_refuses_notebook_chapters_listed_elsewhere(tmp_path):
    """A notebook chapter listed under build/ would give the site build/... URLs."""
    qfile, executed = make_book(tmp_path, ["index.qmd", "build/notebooks/forste.ipynb"])
    with pytest.raises(DataError, match=r"kapitler/.*build/notebooks/forste\.ipynb"):
        build.stage_chapters(executed, qfile.parent / "kapitler", quarto_file=qfile)


def test_stage_chapters_names_a_chapter_the_build_did_not_make(tmp_path):
    qfile, executed = make_book(tmp_path)
    (executed / "andre.ipynb").unlink()
    with pytest.raises(DataError, match=r"andre\.ipynb listed but not executed"):
        build.stage_chapters(executed, qfile.parent / "kapitler", quarto_file=qfile)


@pytest.mark.parametrize("title", ["Levekår", "Klima: miljø", "«Sitat» og 'fnutter'"])
def test_set_title_writes_one_front_matter_cell(title):
    """The build's front matter: first cell, raw, YAML with the title; setting it again (a
    reused notebook) replaces it instead of adding another."""
    nb = new_notebook(cells=[new_markdown_cell("Tekst.")])
    build.set_title(nb, "Gammel tittel")
    build.set_title(nb, title)
    assert [c.cell_type for c in nb.cells] == ["raw", "markdown"]
    assert nb.cells[0].source.startswith("---\n") and nb.cells[0].source.endswith("\n---")
    assert render.front_matter(nb.cells[0].source) == {"title": title}


# ---------------------------------------------------------------------------------------------
# Page layout: one source (format: typst: in _quarto.yml) for Quarto and the embedded renderer
# ---------------------------------------------------------------------------------------------


def test_page_layout_comes_from_quarto_yml():
    from helpers.render import layout

    project = render.load_project()
    typst_fmt = project["format"]["typst"]
    args = layout.typst_variables(project, config.QUARTO_FILE)
    assert f"--variable=papersize:{typst_fmt['papersize']}" in args
    assert f"--variable=fontsize:{typst_fmt['fontsize']}" in args
    margin = next(a for a in args if a.startswith("--variable=margin:"))
    for key, value in typst_fmt["margin"].items():
        assert f"{key}: {value}" in margin
    # The template itself holds no page size, margin or font of its own.
    template = (config.REPORT / "oslohelsa.typ").read_text(encoding="utf-8")
    assert "margin: $margin$" in template and "2.8cm" not in template and "2.5cm" not in template


def test_page_layout_defaults_and_bad_margin(tmp_path):
    from helpers.errors import DataError
    from helpers.render import layout

    args = layout.typst_variables({}, tmp_path / "_quarto.yml")
    assert "--variable=papersize:us-letter" in args
    assert not any(a.startswith("--variable=section-numbering") for a in args)
    bad = {"format": {"typst": {"margin": {"x": "2.5cm", "inside": "1cm"}}}}
    with pytest.raises(DataError, match="inside"):
        layout.typst_variables(bad, tmp_path / "_quarto.yml")
    with pytest.raises(DataError, match="length"):
        layout.typst_variables({"format": {"typst": {"fontsize": "big"}}}, tmp_path / "q.yml")


def test_local_script_tag_kept_once_on_the_embedded_page():
    """Each chapter's first map loads plotly.min.js from beside the page; on the one embedded
    page only the first tag stays (pandoc then inlines that one copy)."""
    from helpers.render.pandoc_ast import drop_repeated_scripts

    tag = '<script charset="utf-8" src="plotly.min.js"></script>'
    blocks = [
        {"t": "RawBlock", "c": ["html", f"<div>{tag}<p>kart 1</p></div>"]},
        {"t": "RawBlock", "c": ["html", f"<div>{tag}<p>kart 2</p></div>"]},
    ]
    drop_repeated_scripts(blocks)
    assert blocks[0]["c"][1].count(tag) == 1
    assert tag not in blocks[1]["c"][1] and "kart 2" in blocks[1]["c"][1]
