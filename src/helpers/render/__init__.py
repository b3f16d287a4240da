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

from helpers.render.cli import main
from helpers.render.driver import build_date, render
from helpers.render.markdown import (
    ChapterText,
    cell_options,
    chapter_text,
    check_notebook_chapter,
    expand_includes,
    front_matter,
    level1_headings,
    notebook_to_markdown,
    qmd_to_markdown,
)
from helpers.render.pandoc_ast import root_relative_links
from helpers.render.project import (
    ENGINES,
    HTML_NAME,
    PDF_NAME,
    RenderResult,
    chapters,
    load_project,
)

__all__ = [
    "ENGINES",
    "HTML_NAME",
    "PDF_NAME",
    "ChapterText",
    "RenderResult",
    "build_date",
    "cell_options",
    "chapter_text",
    "chapters",
    "expand_includes",
    "check_notebook_chapter",
    "front_matter",
    "level1_headings",
    "load_project",
    "main",
    "notebook_to_markdown",
    "qmd_to_markdown",
    "render",
    "root_relative_links",
]
