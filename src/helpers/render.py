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
"""

from __future__ import annotations

import argparse
import base64
import copy
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers import config, publish
from helpers.errors import DataError

ENGINES = ("auto", "embedded", "quarto")
PDF_NAME = "oslohelsa.pdf"
HTML_NAME = "index.html"
TEMPLATE_NAME = "oslohelsa.typ"
DEFAULT_CSS = "style.css"

# Bokmål labels for numbered things (Quarto's own nb strings, with "Kapittel" corrected).
LABELS = {"fig": "Figur", "tbl": "Tabell", "chapter": "Kapittel", "section": "Avsnitt"}
TOC_TITLE = "Innhold"

# Notebook cell tags that keep a cell out of the report (Quarto + papermill conventions).
DROP_TAGS = {"remove-cell", "remove_cell", "parameters", "injected-parameters"}
DROP_OUTPUT_TAGS = {"remove-output", "remove_output"}
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}

# pandoc markdown as Quarto reads it: $math$, pipe tables, attributes, raw blocks, fenced divs.
MARKDOWN_FORMAT = "markdown"

_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
_YAML_HEADER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_EXEC_CHUNK_START = re.compile(r"^(\s*)(`{3,}|~{3,})\s*\{[A-Za-z][\w-]*[^}]*\}\s*$")
_LEVEL1 = re.compile(r"^#\s+\S")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass(frozen=True)
class RenderResult:
    """Where the rendered report is, and which engine made it."""

    html: Path
    pdf: Path
    engine: str


# --------------------------------------------------------------------------------------------
# The chapter list
# --------------------------------------------------------------------------------------------


def load_project(quarto_file: Path | str = config.QUARTO_FILE) -> dict[str, Any]:
    """Read ``_quarto.yml`` as a dict; DataError if it is missing or is not a Quarto book."""
    path = Path(quarto_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(path, f"cannot read the Quarto project file ({exc.strerror})") from exc
    try:
        project = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise DataError(path, f"not valid YAML: {exc}", row=row) from exc
    if not isinstance(project, dict):
        raise DataError(path, "expected a YAML mapping with 'project' and 'book' keys")
    book = project.get("book")
    if not isinstance(book, dict) or not isinstance(book.get("chapters"), list):
        raise DataError(path, "expected 'book: chapters:' to be a list of chapter files")
    return project


def _chapter_entries(entries: list[Any], path: Path) -> Iterator[str]:
    for i, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict) and "part" in entry:
            part = entry["part"]
            # A part is either a title or a file holding the part's own page.
            if isinstance(part, str) and Path(part).suffix in {".qmd", ".md", ".ipynb"}:
                yield part
            yield from _chapter_entries(entry.get("chapters") or [], path)
        else:
            raise DataError(
                path,
                f"book chapter {i} must be a file name or a 'part:' entry, got {entry!r}",
                column="book.chapters",
            )


def chapters(quarto_file: Path | str = config.QUARTO_FILE) -> list[Path]:
    """The book's chapter files, in order, as absolute paths (``book.chapters``, parts included)."""
    path = Path(quarto_file)
    project = load_project(path)
    root = path.resolve().parent
    return [root / entry for entry in _chapter_entries(project["book"]["chapters"], path)]


# --------------------------------------------------------------------------------------------
# Chapters → pandoc markdown
# --------------------------------------------------------------------------------------------


@dataclass
class ChapterText:
    """One chapter as pandoc markdown, plus the alt text of its images (keyed by image path)."""

    source: Path
    markdown: str
    alts: dict[str, str] = field(default_factory=dict)
    title: str | None = None


def cell_options(source: str) -> tuple[dict[str, Any], str]:
    """Split Quarto ``#|`` option lines off the top of a code cell: (options, remaining code)."""
    lines = source.splitlines()
    option_lines: list[str] = []
    while len(option_lines) < len(lines):
        match = _OPTION_LINE.match(lines[len(option_lines)])
        if match is None:
            break
        option_lines.append(match.group(1))
    if not option_lines:
        return {}, source
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"cell options are not valid YAML: {exc}") from exc
    if not isinstance(options, dict):
        raise ValueError(f"cell options must be 'key: value' lines, got {option_lines!r}")
    return options, "\n".join(lines[len(option_lines) :])


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _YAML_HEADER.match(text)
    if match is None:
        return {}, text
    meta = yaml.safe_load(match.group(1)) or {}
    return (meta if isinstance(meta, dict) else {}), text[match.end() :]


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter at the top of ``text`` (``---`` … ``---``), or ``{}``."""
    return _front_matter(text)[0]


def level1_headings(markdown: str) -> list[str]:
    """The level-1 ATX headings of ``markdown`` (outside code fences): each starts a chapter."""
    found: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _LEVEL1.match(line):
            found.append(line.strip())
    return found


def _has_level1_heading(markdown: str) -> bool:
    return bool(level1_headings(markdown))


def _with_title(markdown: str, title: str | None, ident: str | None = None) -> str:
    if title and not _has_level1_heading(markdown):
        attr = f" {{#{ident}}}" if ident else ""
        return f"# {title}{attr}\n\n{markdown}"
    return markdown


_INCLUDE = re.compile(r"^[ \t]*\{\{<\s*include\s+(\S+?)\s*>\}\}[ \t]*$", re.MULTILINE)


def expand_includes(body: str, path: Path) -> str:
    """Quarto's ``{{< include file >}}`` shortcode: the file's text, relative to ``path``'s
    folder. Generated files under ``kapitler/`` come from where the build staged them."""

    def include(match: re.Match[str]) -> str:
        rel = Path(match.group(1))
        target = path.parent / rel
        staged = Path(os.path.relpath(target, config.ROOT)).parts  # kapitler/… from any chapter
        if staged and staged[0] == config.CHAPTERS.name:
            target = config.chapters_dir().joinpath(*staged[1:])
        if not target.is_file():
            raise DataError(path, f"included file {rel} not found (looked for {target})")
        return target.read_text(encoding="utf-8")

    return _INCLUDE.sub(include, body)


def qmd_to_markdown(path: Path) -> ChapterText:
    """A .qmd chapter without its YAML header and without executable code chunks.

    Quarto does not execute anything here (``execute: enabled: false``) and ``echo`` is false, so
    a ``{python}`` chunk contributes nothing to the report.
    """
    meta, body = _front_matter(path.read_text(encoding="utf-8"))
    body = expand_includes(body, path)
    kept: list[str] = []
    closing: str | None = None
    for line in body.splitlines():
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        match = _EXEC_CHUNK_START.match(line)
        if match:
            closing = match.group(2)
            continue
        kept.append(line)
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    return ChapterText(path, _with_title("\n".join(kept).strip() + "\n", title), title=title)


def _cell_tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def _as_text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _listed(value: Any, k: int) -> Any:
    """The k-th item of a per-figure option (Quarto allows a list for multi-figure cells)."""
    if isinstance(value, list):
        return value[k] if k < len(value) else None
    return value if k == 0 else None


def _image_markdown(
    payload: Any,
    kind: str,
    options: dict[str, Any],
    k: int,
    assets: Path,
    stem: str,
    cell_number: int,
    alts: dict[str, str],
) -> str:
    ext = IMAGE_TYPES[kind]
    label = options.get("label")
    base = str(label) if label else f"cell{cell_number}"
    name = f"{stem}-{base}" if k == 0 else f"{stem}-{base}-{k + 1}"
    name = re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII) + f".{ext}"
    target = assets / name
    if kind == "image/svg+xml":
        target.write_text(_as_text(payload), encoding="utf-8")
    else:
        target.write_bytes(base64.b64decode(_as_text(payload)))
    caption = _listed(options.get("fig-cap"), k)
    alt = _listed(options.get("fig-alt"), k)
    if alt:
        alts[str(target)] = " ".join(str(alt).split())
    attrs = []
    if label:
        attrs.append(f"#{label}" if k == 0 else f"#{label}-{k + 1}")
    attr = "{" + " ".join(attrs) + "}" if attrs else ""
    caption_text = " ".join(str(caption).split()) if caption else ""
    return f"![{caption_text}](<{target}>){attr}"


def notebook_to_markdown(path: Path, assets: Path) -> ChapterText:
    """An executed notebook as pandoc markdown: narrative and outputs, never code.

    Markdown cells are kept as written. Code cells keep their rich outputs: images become
    figures (caption, label and alt text from the cell's ``#| fig-cap``, ``#| label``,
    ``#| fig-alt``), ``text/markdown`` is inserted as markdown, ``text/html`` as raw HTML (HTML
    output only). Printed text is not report content and is left out. An error output means the
    notebook did not run cleanly: DataError, nothing is published.
    """
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types
        raise DataError(path, f"cannot read the notebook: {exc}") from exc
    assets.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w-]+", "-", path.stem, flags=re.ASCII)
    parts: list[str] = []
    alts: dict[str, str] = {}
    title = nb.metadata.get("title") if isinstance(nb.metadata.get("title"), str) else None

    for number, cell in enumerate(nb.cells, start=1):
        tags = _cell_tags(cell)
        if tags & DROP_TAGS:
            continue
        source = _as_text(cell.get("source", ""))
        if cell.cell_type == "markdown":
            parts.append(_markdown_cell(cell, source, assets, stem, number))
        elif cell.cell_type == "raw":
            text, raw_title = _raw_cell(cell, source, first=number == 1)
            title = title or raw_title
            if text:
                parts.append(text)
        elif cell.cell_type == "code":
            try:
                options, _code = cell_options(source)
            except ValueError as exc:
                raise DataError(path, str(exc), row=f"cell {number}") from exc
            if options.get("include") is False:
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    raise DataError(
                        path,
                        f"the executed notebook has an error output "
                        f"({output.get('ename')}: {output.get('evalue')}); "
                        "fix the notebook and rebuild, a report with errors is not published",
                        row=f"cell {number}",
                    )
            if options.get("output") is False or tags & DROP_OUTPUT_TAGS:
                continue
            parts.extend(_code_outputs(cell, options, assets, stem, number, alts))
    markdown = "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"
    return ChapterText(path, _with_title(markdown, title, f"sec-{stem}"), alts, title)


def check_notebook_chapter(path: Path, title: str | None = None) -> None:
    """Quarto's rules for an executed notebook chapter, else DataError naming file and cell.

    The chapter's title is its front matter, a first raw cell of YAML with ``title:`` (``title``,
    if given, is the one it must be); no other level-1 heading, in a Markdown cell or a cell's
    Markdown output, may follow: Quarto would number it as a chapter of its own.
    """
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types
        raise DataError(path, f"cannot read the notebook: {exc}") from exc
    first = nb.cells[0] if nb.cells else None
    meta = front_matter(first.source) if first is not None and first.cell_type == "raw" else {}
    found = meta.get("title")
    if not isinstance(found, str) or not found.strip():
        raise DataError(
            path,
            "a notebook chapter needs a first raw cell with YAML front matter giving its "
            "'title' (the build adds it after papermill runs)",
            row="cell 1",
        )
    if title is not None and found != title:
        raise DataError(path, f"chapter title is {found!r}, expected {title!r}", row="cell 1")
    for number, cell in enumerate(nb.cells, start=1):
        texts = [_as_text(cell.get("source", ""))] if cell.cell_type == "markdown" else []
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "text/markdown" in output.get("data", {}):
                texts.append(_as_text(output["data"]["text/markdown"]))
        headings = [h for text in texts for h in level1_headings(text)]
        if headings:
            raise DataError(
                path,
                f"level-1 heading {headings[0]!r} after the title {found!r}: a chapter's title "
                "comes from its front matter only (Quarto would number a second chapter); "
                "use '##' for sections",
                row=f"cell {number}",
            )


def _markdown_cell(cell: Any, source: str, assets: Path, stem: str, number: int) -> str:
    attachments = cell.get("attachments") or {}
    for name, bundle in attachments.items():
        for kind, payload in bundle.items():
            if kind not in IMAGE_TYPES:
                continue
            safe = re.sub(r"[^\w.-]+", "-", f"{stem}-cell{number}-{name}", flags=re.ASCII)
            target = assets / safe
            if kind == "image/svg+xml":
                target.write_text(_as_text(payload), encoding="utf-8")
            else:
                target.write_bytes(base64.b64decode(_as_text(payload)))
            source = source.replace(f"attachment:{name}", f"<{target}>")
            break
    return source


def _raw_cell(cell: Any, source: str, *, first: bool) -> tuple[str, str | None]:
    """Raw cells: a leading YAML front matter (title), raw HTML or raw markdown; else nothing."""
    if first:
        meta, rest = _front_matter(source)
        if meta:
            title = meta.get("title") if isinstance(meta.get("title"), str) else None
            return rest.strip(), title
    mime = str(cell.get("metadata", {}).get("raw_mimetype", "") or "")
    if mime == "text/html":
        return f"```{{=html}}\n{source}\n```", None
    if mime in {"text/markdown", "text/x-markdown"}:
        return source, None
    return "", None


def _code_outputs(
    cell: Any, options: dict[str, Any], assets: Path, stem: str, number: int, alts: dict[str, str]
) -> list[str]:
    parts: list[str] = []
    k = 0
    for output in cell.get("outputs", []):
        if output.get("output_type") not in {"display_data", "execute_result"}:
            continue  # stream output (print) is not report content
        data = output.get("data", {})
        kind = next((t for t in IMAGE_TYPES if t in data), None)
        if kind is not None:
            parts.append(_image_markdown(data[kind], kind, options, k, assets, stem, number, alts))
            k += 1
        elif "text/markdown" in data:
            parts.append(_as_text(data["text/markdown"]))
        elif "text/html" in data:
            parts.append(f"```{{=html}}\n{_as_text(data['text/html']).strip()}\n```")
    return parts


def chapter_text(path: Path, assets: Path) -> ChapterText:
    """Dispatch on the file type of a chapter."""
    if path.suffix == ".ipynb":
        return notebook_to_markdown(path, assets)
    if path.suffix in {".qmd", ".md"}:
        return qmd_to_markdown(path)
    raise DataError(path, "a chapter must be a .qmd, .md or .ipynb file")


# --------------------------------------------------------------------------------------------
# The pandoc AST (JSON): unique ids, numbering, cross-references, alt text
# --------------------------------------------------------------------------------------------

# Position of the Attr ([id, classes, key-values]) in each element's content.
_ATTR_AT = {
    "Header": 1,
    "Figure": 0,
    "Table": 0,
    "Div": 0,
    "Span": 0,
    "Image": 0,
    "CodeBlock": 0,
    "Code": 0,
    "Link": 0,
}


def _elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every pandoc element under ``node``, in document order."""
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _elements(value)
    elif isinstance(node, list):
        for item in node:
            yield from _elements(item)


def _replace_inlines(node: Any, kind: str, fn: Callable[[dict[str, Any]], list[Any]]) -> None:
    """Replace every element of type ``kind`` in any list under ``node`` by ``fn(element)``."""
    if isinstance(node, list):
        i = 0
        while i < len(node):
            item = node[i]
            if isinstance(item, dict) and item.get("t") == kind:
                new = fn(item)
                node[i : i + 1] = new
                i += len(new)
                continue
            _replace_inlines(item, kind, fn)
            i += 1
    elif isinstance(node, dict):
        for value in node.values():
            _replace_inlines(value, kind, fn)


def _attr(element: dict[str, Any]) -> list[Any] | None:
    at = _ATTR_AT.get(element["t"])
    return element["c"][at] if at is not None else None


def _stringify(node: Any) -> str:
    out: list[str] = []
    for el in _elements(node):
        if el["t"] == "Str":
            out.append(el["c"])
        elif el["t"] in {"Space", "SoftBreak", "LineBreak"}:
            out.append(" ")
        elif el["t"] in {"Code", "Math"}:
            out.append(el["c"][1])
    return "".join(out)


def _inlines(text: str) -> list[dict[str, Any]]:
    words = text.split(" ")
    out: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _header(level: int, text: str, classes: list[str] | None = None) -> dict[str, Any]:
    slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "kapittel"
    return {"t": "Header", "c": [level, [slug, classes or [], []], _inlines(text)]}


def prepare_chapter(
    blocks: list[dict[str, Any]],
    chapter: ChapterText,
    used_ids: set[str],
) -> tuple[list[dict[str, Any]], str]:
    """Make a chapter's AST fit into the book; returns (blocks, chapter title).

    * every chapter starts with a level-1 heading (its title, as in a Quarto book);
    * headings in ``index`` are unnumbered (Quarto: the index page is the unnumbered preface);
    * ids that an earlier chapter already used get a suffix, and this chapter's links and
      cross-references follow the rename (notebooks from one template share labels).
    """
    blocks = list(blocks)
    if not any(b["t"] == "Header" and b["c"][0] == 1 for b in blocks):
        fallback = chapter.title or chapter.source.stem.replace("_", " ").capitalize()
        blocks.insert(0, _header(1, fallback))
    if chapter.source.stem == "index":
        for el in _elements(blocks):
            if el["t"] == "Header" and "unnumbered" not in el["c"][1][1]:
                el["c"][1][1].append("unnumbered")

    renames: dict[str, str] = {}
    for el in _elements(blocks):
        attr = _attr(el)
        if not attr or not attr[0]:
            continue
        old = attr[0]
        if old in renames:  # a duplicate inside this chapter: leave pandoc's choice
            continue
        new = old
        n = 1
        while new in used_ids:
            n += 1
            new = f"{old}-{n}"
        used_ids.add(new)
        if new != old:
            renames[old] = new
            attr[0] = new
    if renames:
        for el in _elements(blocks):
            if el["t"] == "Link" and el["c"][2][0].startswith("#"):
                target = el["c"][2][0][1:]
                if target in renames:
                    el["c"][2][0] = "#" + renames[target]
            elif el["t"] == "Cite":
                for citation in el["c"][0]:
                    if citation["citationId"] in renames:
                        citation["citationId"] = renames[citation["citationId"]]
    title = next(_stringify(b["c"][2]) for b in blocks if b["t"] == "Header" and b["c"][0] == 1)
    return blocks, title


def collect_images(
    blocks: list[dict[str, Any]], chapter: ChapterText, assets: Path, taken: dict[Path, str]
) -> dict[str, str]:
    """Copy every local image of a chapter into ``assets`` and point the AST at the copy.

    Paths are taken relative to the chapter's folder (a notebook's figures are written next to
    it), so HTML can inline them and Typst finds them under its root. Alt text comes from the
    ``fig-alt`` attribute (Quarto) or the cell option; returns ``{new src: alt text}``.
    """
    alts: dict[str, str] = {}
    for el in _elements(blocks):
        if el["t"] != "Image":
            continue
        attr, target = el["c"][0], el["c"][2]
        src = target[0]
        alt = next((v for k, v in attr[2] if k == "fig-alt"), None) or chapter.alts.get(src)
        attr[2] = [[k, v] for k, v in attr[2] if k != "fig-alt"]
        if re.match(r"^(data:|[a-z][a-z0-9+.-]*://)", src, flags=re.IGNORECASE):
            continue
        source = Path(src) if Path(src).is_absolute() else chapter.source.parent / src
        source = source.resolve()
        if not source.is_file():
            raise DataError(chapter.source, f"image {src!r} not found (looked for {source})")
        if source not in taken:
            name = re.sub(r"[^\w.-]+", "-", source.name, flags=re.ASCII)
            if source.parent != assets.resolve():
                stem = re.sub(r"[^\w-]+", "-", chapter.source.stem, flags=re.ASCII)
                name = f"{stem}-{name}"
                n = 1
                while (assets / name).exists():
                    n += 1
                    name = f"{stem}-{n}-{source.name}"
                shutil.copyfile(source, assets / name)
            taken[source] = f"{assets.name}/{name}"
        target[0] = taken[source]
        if alt:
            alts[target[0]] = " ".join(str(alt).split())
    return alts


def root_relative_links(blocks: list[dict[str, Any]]) -> None:
    """Notebook chapters sit in ``kapitler/`` (Quarto's pages too), so their links to the site's
    own files start with ``../``; the embedded renderer writes one page at the site root."""
    for el in _elements(blocks):
        if el["t"] == "Link" and el["c"][2][0].startswith("../"):
            el["c"][2][0] = el["c"][2][0][3:]


_INLINE_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)


def drop_repeated_scripts(blocks: list[dict[str, Any]]) -> None:
    """The embedded renderer writes one page: an inline script that an earlier chapter already
    holds (plotly.js, inlined by each chapter's first interactive map) is kept once."""
    seen: set[int] = set()

    def once(match: re.Match[str]) -> str:
        body = match.group(1)
        if len(body) < 10_000:
            return match.group(0)
        key = hash(body)
        if key in seen:
            return ""
        seen.add(key)
        return match.group(0)

    for el in _elements(blocks):
        if el["t"] == "RawBlock" and el["c"][0] == "html":
            el["c"][1] = _INLINE_SCRIPT.sub(once, el["c"][1])


def number_elements(blocks: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Number chapters, sections, figures and tables the way the Typst template does.

    Returns ``{id: (kind, number)}`` with kind in ``fig``, ``tbl``, ``chapter``, ``section``.
    Figures and tables are numbered per chapter ("2.1"); outside numbered chapters just "1".
    """
    numbers: dict[str, tuple[str, str]] = {}
    sections = [0] * 6
    counts = {"fig": 0, "tbl": 0}
    for el in _elements(blocks):
        kind = el["t"]
        if kind == "Header":
            level, attr = el["c"][0], el["c"][1]
            if "unnumbered" in attr[1] or "-" in attr[1]:
                continue
            sections[level - 1] += 1
            for deeper in range(level, 6):
                sections[deeper] = 0
            if level == 1:
                counts = {"fig": 0, "tbl": 0}
            if attr[0]:
                label = "chapter" if level == 1 else "section"
                numbers[attr[0]] = (label, ".".join(str(s) for s in sections[:level]))
        elif kind in {"Figure", "Table"}:
            key = "fig" if kind == "Figure" else "tbl"
            counts[key] += 1
            chapter = sections[0]
            number = f"{chapter}.{counts[key]}" if chapter else str(counts[key])
            attr = _attr(el)
            el.setdefault("_number", number)
            if attr and attr[0]:
                numbers[attr[0]] = (key, number)
    return numbers


def resolve_references(blocks: list[dict[str, Any]], numbers: dict[str, tuple[str, str]]) -> None:
    """Turn ``@fig-x`` / ``@tbl-x`` / ``@sec-x`` citations into links reading "Figur 2.1"."""

    def replace(cite: dict[str, Any]) -> list[Any]:
        citations = cite["c"][0]
        ids = [c["citationId"] for c in citations]
        if not all(i in numbers for i in ids):
            return list(cite["c"][1])  # not a known cross-reference: keep the literal text
        out: list[Any] = []
        for j, ident in enumerate(ids):
            if j:
                out += [{"t": "Str", "c": ","}, {"t": "Space"}]
            kind, number = numbers[ident]
            text = _inlines(f"{LABELS[kind]} {number}")
            out.append({"t": "Link", "c": [["", ["cross-ref"], []], text, ["#" + ident, ""]]})
        return out

    _replace_inlines(blocks, "Cite", replace)


def _caption_prefix(caption: list[Any], prefix: str) -> None:
    """Put "Figur 2.1: " in front of a caption (HTML; Typst numbers figures itself)."""
    long_blocks = caption[1]
    strong = {"t": "Strong", "c": _inlines(prefix)}
    if long_blocks and long_blocks[0]["t"] in {"Plain", "Para"}:
        long_blocks[0]["c"][:0] = [strong, {"t": "Space"}]
    else:
        long_blocks.insert(0, {"t": "Plain", "c": [strong]})


def for_html(blocks: list[dict[str, Any]], alts: dict[str, str]) -> list[dict[str, Any]]:
    """The HTML variant: numbered captions, alt text on images."""
    blocks = copy.deepcopy(blocks)
    for el in _elements(blocks):
        if el["t"] in {"Figure", "Table"} and "_number" in el:
            caption = el["c"][1]
            if _stringify(caption[1]).strip():
                label = LABELS["fig" if el["t"] == "Figure" else "tbl"]
                _caption_prefix(caption, f"{label} {el['_number']}:")
        elif el["t"] == "Image":
            alt = alts.get(el["c"][2][0])
            if alt:
                el["c"][1] = _inlines(alt)
    _strip_private(blocks)
    return blocks


def for_typst(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Typst variant: raw HTML goes (pandoc drops it); numbering is Typst's own."""
    blocks = copy.deepcopy(blocks)
    _strip_private(blocks)
    return blocks


def _strip_private(node: Any) -> None:
    for el in _elements(node):
        el.pop("_number", None)


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tidy_typst(typst_source: str) -> str:
    """Drop the line break pandoc writes after ``caption: [`` (Typst would show it as a space)."""
    return re.sub(r"caption: \[\s*\n\s*", "caption: [", typst_source)


def add_typst_alt_text(typst_source: str, alts: dict[str, str]) -> str:
    """pandoc's Typst writer drops image alt text; put it back (``image(path, alt: ...)``)."""
    for path, alt in alts.items():
        typst_source = typst_source.replace(
            f"image({_typst_string(path)}",
            f"image({_typst_string(path)}, alt: {_typst_string(alt)}",
        )
    return typst_source


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def build_date(date: dt.date | str | None = None, book_date: Any = None) -> dt.date:
    """The report's date: ``date`` if given, else ``SOURCE_DATE_EPOCH``, else a fixed
    ``book.date`` from ``_quarto.yml``, else today (UTC; Quarto's ``today``)."""
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date)
        except ValueError as exc:
            raise ValueError(f"date must be YYYY-MM-DD, got {date!r}") from exc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except ValueError as exc:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}") from exc
    if isinstance(book_date, dt.date):
        return book_date if not isinstance(book_date, dt.datetime) else book_date.date()
    if isinstance(book_date, str):
        try:
            return dt.date.fromisoformat(book_date)
        except ValueError:
            pass  # Quarto keywords (today, now, last-modified) and other formats
    return dt.datetime.now(tz=dt.UTC).date()


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

    return pypandoc.convert_text(
        source, to, format=fmt, extra_args=extra, outputfile=outputfile, sandbox=False
    )


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
        all_blocks.extend(blocks)

    numbers = number_elements(all_blocks)
    resolve_references(all_blocks, numbers)
    drop_repeated_scripts(all_blocks)

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
        "--variable=papersize:a4",
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


def _render_quarto(quarto: str, quarto_file: Path, site: Path, when: dt.date) -> None:
    """``quarto render`` of the whole book; ``-M date:…`` pins the date (not Quarto's ``today``).

    Quarto runs with this interpreter's Python (``QUARTO_PYTHON``, unless already set), the
    environment the notebooks were executed in.
    """
    root = quarto_file.resolve().parent
    env = {**os.environ}
    env.setdefault("QUARTO_PYTHON", sys.executable)
    completed = subprocess.run(
        [quarto, "render", str(root), "--output-dir", str(site), "-M", f"date:{when.isoformat()}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"quarto render failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}"
        )


def _find_html(site: Path) -> Path:
    for candidate in (site / HTML_NAME, site / "report" / HTML_NAME):
        if candidate.is_file():
            return candidate
    found = sorted(site.rglob(HTML_NAME))
    if not found:
        raise RuntimeError(f"no {HTML_NAME} in the rendered output {site}")
    return found[0]


def render(
    out_dir: Path | str | None = None,
    *,
    engine: str = "auto",
    notebooks_dir: Path | str | None = None,
    quarto_file: Path | str | None = None,
    date: dt.date | str | None = None,
    extras: tuple[Callable[[Path], None], ...] = (),
    data_date: dt.date | None = None,
) -> RenderResult:
    """Render the report to ``out_dir`` (default ``config.output_dir()``).

    ``engine``: ``"quarto"`` (the Quarto CLI), ``"embedded"`` (pandoc + typst) or ``"auto"``
    (Quarto if it is on PATH and the chapters are where ``_quarto.yml`` says, else embedded).
    ``notebooks_dir``: take .ipynb chapters from this folder instead (embedded engine only; for
    the real project it defaults to where the build staged them, ``config.chapters_dir()``).
    ``quarto_file``: another project's ``_quarto.yml`` (tests). ``date``: the build date.
    ``extras``: callables given the new site folder before it is published (downloads, bydel
    PDFs), so that they are swapped in together with the pages, or not at all.
    ``data_date``: when the data were fetched; the cover shows it beside the report's date.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    qfile = Path(quarto_file) if quarto_file is not None else config.QUARTO_FILE
    is_real_project = qfile.resolve() == config.QUARTO_FILE.resolve()
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else None
    if nb_dir is None and is_real_project:
        staged = config.chapters_dir()
        if staged != config.CHAPTERS.resolve():  # a private build stages in its own folder
            nb_dir = staged
    out = Path(out_dir) if out_dir is not None else config.output_dir()
    out = out.resolve()
    when = build_date(date, load_project(qfile)["book"].get("date"))

    quarto = shutil.which("quarto")
    if engine == "quarto":
        if quarto is None:
            raise RuntimeError("engine='quarto' but the quarto command is not on PATH")
        if nb_dir is not None:
            raise ValueError("notebooks_dir works with the embedded engine only")
    chosen = (
        "quarto"
        if engine == "quarto" or (engine == "auto" and quarto and not nb_dir)
        else ("embedded")
    )

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        site = work / "site"
        site.mkdir()
        if chosen == "quarto":
            assert quarto is not None
            _render_quarto(quarto, qfile, site, when)
            html_rel = _find_html(site).relative_to(site)
        else:
            _render_embedded(qfile, nb_dir, site, work / "work", when, data_date)
            html_rel = Path(HTML_NAME)
        if not (site / PDF_NAME).is_file():
            raise RuntimeError(f"the render made no {PDF_NAME}")
        for extra in extras:
            extra(site)
        publish.swap_in(site, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RenderResult(html=out / html_rel, pdf=out / PDF_NAME, engine=chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.render",
        description="Render the Oslohelsa report (HTML + PDF) from the chapters in _quarto.yml.",
    )
    parser.add_argument("--engine", choices=ENGINES, default="auto")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--notebooks-dir", type=Path, default=None)
    parser.add_argument("--date", default=None, help="build date YYYY-MM-DD")
    parser.add_argument("--quarto-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        result = render(
            args.out,
            engine=args.engine,
            notebooks_dir=args.notebooks_dir,
            quarto_file=args.quarto_file,
            date=args.date,
        )
    except (DataError, RuntimeError, ValueError) as exc:
        print(f"render failed: {exc}", file=sys.stderr)
        return 1
    print(f"{result.engine}: {result.html}")
    print(f"{result.engine}: {result.pdf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
