"""The pandoc AST (JSON): unique ids, numbering, cross-references, alt text."""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from helpers.errors import DataError
from helpers.render.markdown import ChapterText

# Bokmål labels for numbered things (Quarto's own nb strings, with "Kapittel" corrected).
LABELS = {"fig": "Figur", "tbl": "Tabell", "chapter": "Kapittel", "section": "Avsnitt"}

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
            safe = re.sub(r"[^\w.-]+", "-", source.name, flags=re.ASCII)
            name = safe
            if source.parent != assets.resolve():
                stem = re.sub(r"[^\w-]+", "-", chapter.source.stem, flags=re.ASCII)
                name = f"{stem}-{safe}"
                n = 1
                while (assets / name).exists():
                    n += 1
                    name = f"{stem}-{n}-{safe}"
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


def relative_to_folder(blocks: list[dict[str, Any]], folder: str) -> None:
    """Links to the site's own files, made relative to ``folder`` (a path under the site root,
    e.g. ``bydeler`` for the bydel PDFs), where the output will be published."""
    depth = len([part for part in folder.strip("/").split("/") if part])
    for el in _elements(blocks):
        if el["t"] != "Link":
            continue
        target = el["c"][2][0]
        if depth and target and not re.match(r"^([a-zA-Z][\w+.-]*:|#|/)", target):
            el["c"][2][0] = "../" * depth + target


_INLINE_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)
# A script loaded from a file beside the page (plotly.min.js, see helpers.present.maps_interactive).
_LOCAL_SCRIPT = re.compile(r'<script[^>]*\bsrc="([^":/]+\.js)"[^>]*>\s*</script>')


def drop_repeated_scripts(blocks: list[dict[str, Any]]) -> None:
    """The embedded renderer writes one page: an inline script that an earlier chapter already
    holds (plotly.js, inlined by each chapter's first interactive map in Jupyter), or a script tag
    loading a local file (``plotly.min.js``, the build's chapters), is kept once: pandoc's
    ``--embed-resources`` then inlines that one copy."""
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

    def first_src(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in seen:
            return ""
        seen.add(key)
        return match.group(0)

    for el in _elements(blocks):
        if el["t"] == "RawBlock" and el["c"][0] == "html":
            el["c"][1] = _INLINE_SCRIPT.sub(once, el["c"][1])
            el["c"][1] = _LOCAL_SCRIPT.sub(first_src, el["c"][1])


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
