"""Chapters to pandoc markdown: executed notebooks and .qmd files, with Quarto cell options."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers import config
from helpers.errors import DataError

# Notebook cell tags that keep a cell out of the report (Quarto + papermill conventions).
DROP_TAGS = {"remove-cell", "remove_cell", "parameters", "injected-parameters"}
DROP_OUTPUT_TAGS = {"remove-output", "remove_output"}
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}

_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
_YAML_HEADER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_EXEC_CHUNK_START = re.compile(r"^(\s*)(`{3,}|~{3,})\s*\{[A-Za-z][\w-]*[^}]*\}\s*$")
_LEVEL1 = re.compile(r"^#\s+\S")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


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
