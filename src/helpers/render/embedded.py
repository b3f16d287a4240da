"""The embedded renderer: pandoc writes a self-contained HTML file and Typst; typst the PDF."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from helpers import config
from helpers.errors import DataError
from helpers.present import maps_interactive
from helpers.render.layout import typst_variables
from helpers.render.markdown import chapter_text
from helpers.render.pandoc_ast import (
    collect_images,
    drop_repeated_scripts,
    for_html,
    for_typst,
    number_elements,
    prepare_chapter,
    relative_to_folder,
    resolve_references,
    root_relative_links,
)
from helpers.render.project import (
    DEFAULT_CSS,
    HTML_NAME,
    PDF_NAME,
    TEMPLATE_NAME,
    chapters,
    load_project,
)
from helpers.render.typst_patches import add_typst_alt_text, tidy_typst

TOC_TITLE = "Innhold"

# pandoc markdown as Quarto reads it: $math$, pipe tables, attributes, raw blocks, fenced divs.
MARKDOWN_FORMAT = "markdown"


def _resolve_chapters(quarto_file: Path, notebooks_dir: Path | None) -> list[Path]:
    paths = chapters(quarto_file)
    if notebooks_dir is not None:
        paths = [notebooks_dir / p.name if p.suffix == ".ipynb" else p for p in paths]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        listed = ", ".join(str(p) for p in missing)
        raise DataError(
            quarto_file,
            f"chapter file(s) not found: {listed}. Executed notebooks are made by the build "
            "(`make report` or `python -m helpers.build`) before rendering",
            column="book.chapters",
        )
    return paths


def _project_file(project: dict[str, Any], root: Path, key: str, default: Path) -> Path:
    """A renderer resource named in ``_quarto.yml`` (e.g. html css), else the project's default."""
    value = ((project.get("format") or {}).get("html") or {}).get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and (root / value).is_file():
        return root / value
    return default


def _pandoc(source: str, to: str, fmt: str, extra: list[str], outputfile: str | None = None) -> str:
    import pypandoc

    # verify_format=False: the formats are this module's literals, and pandoc rejects a wrong
    # one itself; pypandoc's check runs pandoc twice more per conversion (--list-*-formats)
    return pypandoc.convert_text(
        source, to, format=fmt, extra_args=extra, outputfile=outputfile, sandbox=False,
        verify_format=False,
    )  # fmt: skip


def _meta_args(book: dict[str, Any], date: dt.date) -> list[str]:
    args = [
        f"--metadata=title:{book.get('title', 'Rapport')}",
        "--metadata=lang:nb",
        f"--metadata=date:{date.isoformat()}",
        f"--metadata=toc-title:{TOC_TITLE}",
    ]
    if book.get("subtitle"):
        args.append(f"--metadata=subtitle:{book['subtitle']}")
    authors = book.get("author")
    for author in authors if isinstance(authors, list) else [authors] if authors else []:
        args.append(f"--metadata=author:{author}")
    return args


def _render_embedded(
    quarto_file: Path,
    notebooks_dir: Path | None,
    site: Path,
    work: Path,
    date: dt.date,
    data_date: dt.date | None = None,
    site_folder: str = "",
) -> None:
    project = load_project(quarto_file)
    root = quarto_file.resolve().parent
    book = project["book"]
    paths = _resolve_chapters(quarto_file, notebooks_dir)

    assets = work / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    used_ids: set[str] = set()
    taken: dict[Path, str] = {}
    all_blocks: list[dict[str, Any]] = []
    alts: dict[str, str] = {}
    api_version: list[int] | None = None
    for path in paths:
        chapter = chapter_text(path, assets)
        ast = json.loads(_pandoc(chapter.markdown, "json", MARKDOWN_FORMAT, []))
        api_version = ast["pandoc-api-version"]
        blocks, _title = prepare_chapter(ast["blocks"], chapter, used_ids)
        alts.update(collect_images(blocks, chapter, assets, taken))
        if path.suffix == ".ipynb":
            root_relative_links(blocks)
        relative_to_folder(blocks, site_folder)
        all_blocks.extend(blocks)

    numbers = number_elements(all_blocks)
    resolve_references(all_blocks, numbers)
    drop_repeated_scripts(all_blocks)
    # The chapters' maps load plotly.min.js from beside the page: pandoc finds it on the
    # resource path (work) and inlines the one tag left, so the page stays self-contained.
    maps_interactive.write_plotlyjs(work)

    def document(blocks: list[dict[str, Any]]) -> str:
        return json.dumps({"pandoc-api-version": api_version, "meta": {}, "blocks": blocks})

    meta = _meta_args(book, date)
    css = _project_file(project, root, "css", config.REPORT / DEFAULT_CSS)
    html_args = [
        "--standalone",
        "--embed-resources",
        "--toc",
        "--toc-depth=2",
        "--number-sections",
        "--mathml",
        "--wrap=none",
        f"--css={css}",
        f"--resource-path={work}",
        "--variable=include-before:"
        f'<p class="download">PDF-versjon for utskrift: <a href="{PDF_NAME}">{PDF_NAME}</a>'
        + (f". Data hentet {data_date.isoformat()}." if data_date else "")
        + "</p>",
        *meta,
    ]
    html_file = work / HTML_NAME
    _pandoc(document(for_html(all_blocks, alts)), "html5", "json", html_args, str(html_file))

    template = root / "report" / TEMPLATE_NAME
    if not template.is_file():
        template = config.REPORT / TEMPLATE_NAME
    authors = book.get("author")
    author_text = ", ".join(authors) if isinstance(authors, list) else str(authors or "")
    typst_args = [
        f"--template={template}",
        "--toc",
        *typst_variables(project, quarto_file),
        f"--variable=pdf-author:{author_text}",
        f"--variable=short-title:{str(book.get('title', '')).split(' – ')[0]}",
        f"--variable=date-year:{date.year}",
        f"--variable=date-month:{date.month}",
        f"--variable=date-day:{date.day}",
        *([f"--variable=data-date:{data_date.isoformat()}"] if data_date else []),
        *meta,
    ]
    typst_source = _pandoc(document(for_typst(all_blocks)), "typst", "json", typst_args)
    typst_file = work / "oslohelsa.typ"
    typst_file.write_text(tidy_typst(add_typst_alt_text(typst_source, alts)), encoding="utf-8")

    import typst

    timestamp = int(dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).timestamp())
    typst.compile(
        str(typst_file),
        output=str(site / PDF_NAME),
        root=str(work),
        font_paths=[],
        ignore_system_fonts=True,
        timestamp=timestamp,
    )
    shutil.copyfile(html_file, site / HTML_NAME)
