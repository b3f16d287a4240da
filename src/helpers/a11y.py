"""Accessibility check of the HTML report with axe-core in headless Chromium, offline.

Chromium is Debian's (``apt-get install chromium``; ``.ci/run`` installs it when missing) and is
driven by ``playwright`` from PyPI; axe-core itself ships inside ``axe-playwright-python``. Every
request that is not a local file is blocked, so the check also proves that the page needs no
network (no CDN, no tiles).

``python -m helpers.a11y report/_output/index.html`` prints the violations; the exit code is 1
when any is serious or critical.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

BLOCKING = {"serious", "critical"}
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    nodes: int
    help: str
    example: str

    def __str__(self) -> str:
        return f"{self.impact}: {self.rule} ({self.nodes}×) {self.help} — e.g. {self.example}"


def find_chromium() -> str | None:
    """The Chromium executable (``OSLOHELSA_CHROMIUM`` overrides), or None."""
    override = os.environ.get("OSLOHELSA_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_reason() -> str | None:
    """Why the browser check cannot run here (None when it can)."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        return "playwright / axe-playwright-python are not installed (make install)"
    if find_chromium() is None:
        return "Chromium is not installed (sudo apt-get install chromium; .ci/run does this)"
    return None


def open_page(playwright, path: Path):
    """(browser, page, blocked URLs): ``path`` loaded offline in headless Chromium."""
    browser = playwright.chromium.launch(
        executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"]
    )
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=120_000)
    page.wait_for_timeout(500)
    return browser, page, blocked


def violations(path: Path) -> tuple[list[Violation], list[str]]:
    """axe-core's violations of the page at ``path`` and the network requests it tried."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page, blocked = open_page(p, path)
        try:
            result = Axe().run(page)
        finally:
            browser.close()
    found = [
        Violation(
            v["id"],
            v.get("impact") or "",
            len(v["nodes"]),
            v.get("help", ""),
            (v["nodes"][0].get("html", "") if v["nodes"] else "")[:160],
        )
        for v in result.response["violations"]
    ]
    return found, blocked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    reason = missing_reason()
    if reason:
        print(f"Tilgjengelighetssjekken kan ikke kjøres: {reason}", file=sys.stderr)
        return 2
    bad = 0
    for page in args.pages:
        found, blocked = violations(page)
        for v in found:
            print(f"{page}: {v}")
        for url in blocked:
            print(f"{page}: network request blocked: {url}")
        bad += sum(v.impact in BLOCKING for v in found) + len(blocked)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
