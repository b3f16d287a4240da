"""Patches to the Typst source pandoc writes (captions, image alt text)."""

from __future__ import annotations

import re


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
