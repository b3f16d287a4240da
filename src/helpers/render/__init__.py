"""Render the report (one HTML file and one A4 PDF) from the chapters listed in ``_quarto.yml``.

Two paths, one chapter list (``book.chapters`` in ``_quarto.yml``):

* ``quarto render`` when the Quarto CLI is installed (a Quarto book,
  https://quarto.org/docs/books/book-structure.html; .ipynb chapters are not re-executed);
* otherwise an embedded renderer: executed notebooks and .qmd chapters become pandoc markdown
  (Quarto cell options ``label``, ``fig-cap``, ``fig-alt``, ``include``, ``output`` as documented in
  https://quarto.org/docs/reference/cells/cells-jupyter.html; code is never shown), pandoc
  (``pypandoc-binary``) writes a self-contained HTML5 file and Typst, and the ``typst`` package
  compiles the Typst to PDF with the fonts it embeds (Libertinus Serif, New Computer Modern Math,
  DejaVu Sans Mono), so the PDF does not depend on the fonts a machine has.

Both outputs carry the build date (``date=`` or ``SOURCE_DATE_EPOCH``, see
https://reproducible-builds.org/specs/source-date-epoch/), never the clock's time, so two builds
of the same inputs are byte-identical. The new report is built next to the published one and
swapped in only when complete: a failed render never destroys a published report.

Modules, one job each: ``project`` (``_quarto.yml`` and its chapter list), ``markdown`` (chapters to
pandoc markdown), ``pandoc_ast`` (ids, numbering, references, alt text), ``typst_patches``,
``embedded`` (pandoc + typst), ``quarto`` (the Quarto CLI), publishing via ``helpers.publish``,
``driver`` (``render()``), ``cli`` (``python -m helpers.render``).
"""

import importlib

# Public name -> the module that defines it. Imported on first use (PEP 562), so that reading the
# chapter list (``helpers.render.project``, which the Snakefile does on every run) does not import
# pandoc, Typst, plotly and the statistics behind the embedded renderer.
_EXPORTS = {
    "main": "cli",
    "build_date": "driver",
    "render": "driver",
    **dict.fromkeys(
        (
            "ChapterText",
            "cell_options",
            "chapter_text",
            "check_notebook_chapter",
            "expand_includes",
            "front_matter",
            "level1_headings",
            "notebook_to_markdown",
            "qmd_to_markdown",
        ),
        "markdown",
    ),
    "root_relative_links": "pandoc_ast",
    **dict.fromkeys(
        ("ENGINES", "HTML_NAME", "PDF_NAME", "RenderResult", "chapters", "load_project"),
        "project",
    ),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
