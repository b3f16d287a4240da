"""The offline renderer's decisions, tested without pandoc or Typst where possible (issue 16).

``tests/unit/test_render.py`` renders whole synthetic books (pandoc + Typst, seconds each); the
tests here check the parts that decide what readers see and whether publishing is safe one by
one, fast enough to run against every mutant: the chapter list, the engine choice, the build
date, the work folder and the swap, the Quarto command line, the page layout, the markdown made
from notebooks and .qmd files, and the pandoc AST transforms (ids, numbering, references, alt
text, links). Every book, notebook and AST here is synthetic; expected values are worked by hand
from the rule each test names.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import config
from helpers.errors import DataError
from helpers.render import (
    cli,
    driver,
    embedded,
    layout,
    markdown,
    project,
    quarto,
    typst_patches,
)
from helpers.render import pandoc_ast as ast
from helpers.render.markdown import ChapterText


@pytest.fixture
def utc_is_another_day(monkeypatch):
    """A local time zone in which today's date differs from UTC's (UTC+14 after 12:00 UTC,
    UTC-12 before), so that a date taken from local time instead of UTC shows."""
    hour = dt.datetime.now(dt.UTC).hour
    monkeypatch.setenv("TZ", "Etc/GMT-14" if hour >= 12 else "Etc/GMT+12")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def write_book(
    tmp_path: Path, book: str = "", chapters: str = "[index.qmd]", title: str | None = "Test"
) -> Path:
    """A one-chapter synthetic Quarto book."""
    (tmp_path / "index.qmd").write_text("# Forside\n\nTekst.\n", encoding="utf-8")
    qfile = tmp_path / "_quarto.yml"
    title_line = f"  title: {title}\n" if title is not None else ""
    qfile.write_text(
        f"project: {{type: book}}\nbook:\n{title_line}  chapters: {chapters}\n{book}",
        encoding="utf-8",
    )
    return qfile


def test_package_exports_load_on_first_use():
    """helpers.render's public names come from their modules when first used (PEP 562)."""
    import helpers.render as pkg

    assert pkg.render is driver.render and pkg.main is cli.main
    assert pkg.chapters is project.chapters and pkg.cell_options is markdown.cell_options
    assert pkg.root_relative_links is ast.root_relative_links
    # __getattr__ itself (a name already used is found without it, PEP 562)
    assert pkg.__getattr__("build_date") is driver.build_date
    assert pkg.__getattr__("HTML_NAME") == "index.html"
    vars(pkg).pop("RenderResult", None)
    assert pkg.__getattr__("RenderResult") is project.RenderResult
    assert vars(pkg)["RenderResult"] is project.RenderResult  # kept after the first use
    with pytest.raises(AttributeError) as err:
        pkg.nope  # noqa: B018
    assert str(err.value) == "module 'helpers.render' has no attribute 'nope'"
    names = pkg.__dir__()
    assert names == sorted(names) and {"ENGINES", "RenderResult", "__getattr__"} <= set(names)
    assert set(pkg.__all__) <= set(names)


# ---------------------------------------------------------------------------------------------
# project.py: _quarto.yml and its chapter list
# ---------------------------------------------------------------------------------------------


def test_load_project_names_the_file_and_the_yaml_line(tmp_path):
    missing = tmp_path / "nope.yml"
    with pytest.raises(DataError) as err:
        project.load_project(missing)
    assert err.value.detail == "cannot read the Quarto project file (No such file or directory)"
    assert err.value.file == str(missing)
    bad = tmp_path / "bad.yml"
    bad.write_text("book:\n  chapters: [a.qmd\n  title: x\n", encoding="utf-8")
    with pytest.raises(DataError, match="not valid YAML") as err:
        project.load_project(bad)
    # PyYAML's problem mark for the unclosed flow sequence: line index 2 (0-based), row 3.
    assert err.value.row == 3 and err.value.file == str(bad)
    listed = tmp_path / "list.yml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        project.load_project(listed)
    assert err.value.detail == "expected a YAML mapping with 'project' and 'book' keys"
    assert err.value.file == str(listed)
    for text in ("project: {type: book}\n", "book: x\n", "book:\n  chapters: a.qmd\n"):
        listed.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as err:
            project.load_project(listed)
        assert err.value.detail == "expected 'book: chapters:' to be a list of chapter files"
        assert err.value.file == str(listed)
    listed.write_text("book:\n  chapters: [a.qmd]\n", encoding="utf-8")
    assert project.load_project(listed) == {"book": {"chapters": ["a.qmd"]}}


def test_yaml_error_without_a_mark_has_no_row(tmp_path, monkeypatch):
    import yaml

    def fail(_text):
        raise yaml.YAMLError("no mark")

    monkeypatch.setattr(project.yaml, "safe_load", fail)
    qfile = write_book(tmp_path)
    with pytest.raises(DataError) as err:
        project.load_project(qfile)
    assert err.value.row is None and err.value.detail == "not valid YAML: no mark"


def test_chapter_list_with_parts_titles_and_files(tmp_path):
    """Quarto books: a part is a title, or a file holding the part's page, with its chapters."""
    chapters = (
        "\n    - index.qmd"
        "\n    - part: Områder"
        "\n      chapters: [a.ipynb, b.md]"
        "\n    - part: del.qmd"
        "\n      chapters: [c.qmd]"
        "\n    - part: del2.md"
        "\n    - part: nb.ipynb"
        "\n    - part: Tom"
    )
    qfile = write_book(tmp_path, chapters=chapters)
    got = project.chapters(qfile)
    root = tmp_path.resolve()
    names = ["index.qmd", "a.ipynb", "b.md", "del.qmd", "c.qmd", "del2.md", "nb.ipynb"]
    assert got == [root / n for n in names]


def test_chapters_are_absolute_from_a_relative_project_file(tmp_path, monkeypatch):
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert project.chapters("_quarto.yml") == [tmp_path.resolve() / "index.qmd"]


@pytest.mark.parametrize("entry", ["{file: a.qmd}", "42", "[a.qmd]"])
def test_a_chapter_entry_that_is_neither_file_nor_part_is_named(tmp_path, entry):
    qfile = write_book(tmp_path, chapters=f"\n    - index.qmd\n    - {entry}")
    with pytest.raises(DataError) as err:
        project.chapters(qfile)
    assert err.value.column == "book.chapters" and err.value.file == str(qfile)
    assert err.value.detail.startswith("book chapter 2 must be a file name or a 'part:' entry")
    nested = write_book(tmp_path, chapters=f"\n    - part: P\n      chapters: [x.qmd, {entry}]")
    with pytest.raises(DataError, match="book chapter 2 must") as err:
        project.chapters(nested)
    assert err.value.file == str(nested)


# ---------------------------------------------------------------------------------------------
# driver.py: the build date
# ---------------------------------------------------------------------------------------------


def test_build_date_from_date_datetime_or_string(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # an argument wins over the environment
    got = driver.build_date(dt.datetime(2025, 3, 14, 23, 30))
    assert got == dt.date(2025, 3, 14) and type(got) is dt.date
    assert driver.build_date(dt.date(2025, 3, 14)) == dt.date(2025, 3, 14)
    assert driver.build_date("2025-03-14", "2020-01-01") == dt.date(2025, 3, 14)
    with pytest.raises(ValueError) as err:
        driver.build_date("14.03.2025")
    assert str(err.value) == "date must be YYYY-MM-DD, got '14.03.2025'"


def test_source_date_epoch_is_a_utc_date(monkeypatch, utc_is_another_day):
    """1741910399 is 2025-03-13T23:59:59Z (UTC); in UTC+14 or UTC-12 it is another day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741910399")
    assert driver.build_date(None, "2020-01-01") == dt.date(2025, 3, 13)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741953600")  # 2025-03-14T12:00:00Z
    assert driver.build_date() == dt.date(2025, 3, 14)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1.7e9")
    with pytest.raises(ValueError) as err:
        driver.build_date()
    assert str(err.value) == "SOURCE_DATE_EPOCH must be whole seconds, got '1.7e9'"


def test_book_date_then_today_in_utc(monkeypatch, utc_is_another_day):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # set but empty: not a date
    assert driver.build_date(None, dt.date(2024, 5, 1)) == dt.date(2024, 5, 1)
    got = driver.build_date(None, dt.datetime(2024, 5, 1, 23, 59))
    assert got == dt.date(2024, 5, 1) and type(got) is dt.date
    assert driver.build_date(None, "2024-05-01") == dt.date(2024, 5, 1)
    today = dt.datetime.now(dt.UTC).date()
    assert dt.date.today() != today  # the fixture's time zone is another day
    for keyword in ("today", "last-modified", None, 20240501):
        assert driver.build_date(None, keyword) == today


# ---------------------------------------------------------------------------------------------
# driver.py: render() -- the engine, the work folder, the swap (renderers replaced by stand-ins)
# ---------------------------------------------------------------------------------------------


class StandIn:
    """Records the calls of a renderer and writes what it would (a PDF and an HTML page)."""

    def __init__(self, *, pdf: bool = True, fail: bool = False, html: str = "index.html"):
        self.calls: list[tuple] = []
        self.pdf, self.fail, self.html = pdf, fail, html

    def __call__(self, *args):
        self.calls.append(args)
        site = next(a for a in args if isinstance(a, Path) and a.name == "site")
        assert site.is_dir() and not any(site.iterdir())  # a fresh, empty folder
        if self.fail:
            raise RuntimeError("pandoc failed")
        (site / self.html).parent.mkdir(parents=True, exist_ok=True)
        (site / self.html).write_text("<html>ny</html>", encoding="utf-8")
        if self.pdf:
            (site / "oslohelsa.pdf").write_bytes(b"%PDF-1.7 ny")


@pytest.fixture
def stand_ins(monkeypatch):
    embedded_r, quarto_r = StandIn(), StandIn()
    monkeypatch.setattr(driver, "_render_embedded", embedded_r)
    monkeypatch.setattr(driver, "_render_quarto", quarto_r)
    monkeypatch.setattr(driver.shutil, "which", lambda name: None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return embedded_r, quarto_r


def on_path(monkeypatch, found: str = "/opt/quarto/bin/quarto") -> None:
    monkeypatch.setattr(driver.shutil, "which", lambda name: found if name == "quarto" else None)


def test_render_passes_the_project_and_publishes_the_site(tmp_path, stand_ins):
    embedded_r, quarto_r = stand_ins
    qfile = write_book(tmp_path, book="  date: 2024-05-01\n")
    out = tmp_path / "a" / "b" / "site"  # parents created
    result = driver.render(
        out, quarto_file=qfile, data_date=dt.date(2024, 4, 2), site_folder="bydeler"
    )
    assert result == project.RenderResult(out / "index.html", out / "oslohelsa.pdf", "embedded")
    assert quarto_r.calls == []
    ((q, nb_dir, site, work, when, data_date, folder),) = embedded_r.calls
    assert q == qfile and nb_dir is None
    assert when == dt.date(2024, 5, 1)  # book.date, since no date and no SOURCE_DATE_EPOCH
    assert data_date == dt.date(2024, 4, 2) and folder == "bydeler"
    # The work folder sits beside the output (same file system), hidden, named after it.
    assert site.parent.parent == out.parent and site.parent.name.startswith(".site-build-")
    assert work == site.parent / "work"
    assert (out / "oslohelsa.pdf").read_bytes() == b"%PDF-1.7 ny"
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]  # work folder removed


def test_render_into_the_configured_output_and_an_existing_parent(tmp_path, stand_ins, monkeypatch):
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "pub"))
    result = driver.render(quarto_file=write_book(tmp_path), date="2025-01-02")
    assert result.pdf == tmp_path.resolve() / "pub" / "oslohelsa.pdf"
    assert stand_ins[0].calls[0][4] == dt.date(2025, 1, 2)
    assert stand_ins[0].calls[0][5:] == (None, "")  # no data date; the site's root
    monkeypatch.chdir(tmp_path)
    again = driver.render("pub", quarto_file=write_book(tmp_path), date="2025-01-02")
    assert again.html == tmp_path.resolve() / "pub" / "index.html"  # resolved, absolute


def test_render_of_the_real_project_takes_the_staged_chapters(tmp_path, stand_ins, monkeypatch):
    """A private build (OSLOHELSA_BUILD elsewhere) stages the chapters in its own folder."""
    embedded_r, _ = stand_ins
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "privat"))
    driver.render(tmp_path / "o1", date="2025-01-02")
    assert embedded_r.calls[-1][1] == (tmp_path / "privat" / "kapitler").resolve()
    driver.render(tmp_path / "o2", quarto_file=config.ROOT / "_quarto.yml", date="2025-01-02")
    assert embedded_r.calls[-1][1] == (tmp_path / "privat" / "kapitler").resolve()
    driver.render(tmp_path / "o3", date="2025-01-02", notebooks_dir=tmp_path / "nb")
    assert embedded_r.calls[-1][1] == tmp_path / "nb"
    monkeypatch.delenv("OSLOHELSA_BUILD")  # the shared build: chapters where _quarto.yml says
    driver.render(tmp_path / "o4", date="2025-01-02")
    assert embedded_r.calls[-1][1] is None
    # Another project never gets the real project's staged chapters.
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "privat"))
    driver.render(tmp_path / "o5", quarto_file=write_book(tmp_path), date="2025-01-02")
    assert embedded_r.calls[-1][1] is None


def test_engine_choice(tmp_path, stand_ins, monkeypatch):
    embedded_r, quarto_r = stand_ins
    qfile = write_book(tmp_path)
    with pytest.raises(ValueError) as err:
        driver.render(tmp_path / "o", engine="pdf", quarto_file=qfile)
    assert str(err.value) == "engine must be one of ('auto', 'embedded', 'quarto'), got 'pdf'"
    with pytest.raises(RuntimeError) as err:
        driver.render(tmp_path / "o", engine="quarto", quarto_file=qfile)
    assert str(err.value) == "engine='quarto' but the quarto command is not on PATH"
    assert driver.render(tmp_path / "o", quarto_file=qfile, date=DATE).engine == "embedded"
    on_path(monkeypatch)
    with pytest.raises(ValueError) as err:
        driver.render(tmp_path / "o", engine="quarto", quarto_file=qfile, notebooks_dir=tmp_path)
    assert str(err.value) == "notebooks_dir works with the embedded engine only"
    assert embedded_r.calls[1:] == [] and quarto_r.calls == []
    # auto: Quarto when on PATH, unless the chapters come from elsewhere
    result = driver.render(tmp_path / "o", quarto_file=qfile, date=DATE)
    assert result.engine == "quarto" and result.html == (tmp_path / "o" / "index.html").resolve()
    ((exe, q, site, when, data_date),) = quarto_r.calls
    assert exe == "/opt/quarto/bin/quarto" and q == qfile and site.name == "site"
    assert when == dt.date(2025, 3, 14) and data_date is None
    assert driver.render(tmp_path / "o", engine="quarto", quarto_file=qfile).engine == "quarto"
    auto = driver.render(tmp_path / "o", quarto_file=qfile, notebooks_dir=tmp_path, date=DATE)
    assert auto.engine == "embedded"
    assert driver.render(tmp_path / "o", engine="embedded", quarto_file=qfile).engine == "embedded"
    assert len(embedded_r.calls) == 3 and len(quarto_r.calls) == 2


def test_quarto_output_page_found_where_quarto_put_it(tmp_path, stand_ins, monkeypatch):
    quarto_r = StandIn(html="report/index.html")
    monkeypatch.setattr(driver, "_render_quarto", quarto_r)
    on_path(monkeypatch)
    result = driver.render(
        tmp_path / "o", quarto_file=write_book(tmp_path), date=DATE, data_date=dt.date(2025, 2, 1)
    )
    assert result.html == (tmp_path / "o" / "report" / "index.html").resolve()
    assert quarto_r.calls[0][4] == dt.date(2025, 2, 1)  # the cover's "Data hentet"


DATE = "2025-03-14"


def published(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "oslohelsa.pdf").write_bytes(b"%PDF gammel")
    return out


@pytest.mark.parametrize(
    "stand_in", [StandIn(pdf=False), StandIn(fail=True)], ids=["nopdf", "fail"]
)
def test_a_failed_render_publishes_nothing_and_leaves_no_work_folder(
    tmp_path, stand_ins, monkeypatch, stand_in
):
    out = published(tmp_path)
    monkeypatch.setattr(driver, "_render_embedded", stand_in)
    with pytest.raises(RuntimeError) as err:
        driver.render(out, quarto_file=write_book(tmp_path), date=DATE)
    assert str(err.value) in {"the render made no oslohelsa.pdf", "pandoc failed"}
    assert (str(err.value) == "pandoc failed") == stand_in.fail
    assert [p.name for p in out.iterdir()] == ["oslohelsa.pdf"]
    assert (out / "oslohelsa.pdf").read_bytes() == b"%PDF gammel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_quarto.yml", "index.qmd", "out"]


def test_extras_run_on_the_new_site_before_it_is_published(tmp_path, stand_ins):
    out = published(tmp_path)
    seen = []

    def downloads(site: Path) -> None:
        seen.append(((site / "oslohelsa.pdf").read_bytes(), (out / "oslohelsa.pdf").read_bytes()))
        (site / "nedlasting").mkdir()

    def failing(site: Path) -> None:
        raise RuntimeError("extra failed")

    driver.render(out, quarto_file=write_book(tmp_path), date=DATE, extras=(downloads,))
    assert seen == [(b"%PDF-1.7 ny", b"%PDF gammel")]
    assert (out / "nedlasting").is_dir()
    with pytest.raises(RuntimeError, match="extra failed"):
        driver.render(out, quarto_file=write_book(tmp_path), date=DATE, extras=(failing,))
    assert (out / "nedlasting").is_dir()  # the earlier publish is untouched


# ---------------------------------------------------------------------------------------------
# cli.py
# ---------------------------------------------------------------------------------------------


def test_cli_passes_its_options_and_reports_failures(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_render(out, **kwargs):
        calls.append((out, kwargs))
        if kwargs["date"] == "bad":
            raise ValueError("date must be YYYY-MM-DD, got 'bad'")
        return project.RenderResult(Path("/s/index.html"), Path("/s/oslohelsa.pdf"), "embedded")

    monkeypatch.setattr(cli, "render", fake_render)
    args = ["--out", "o", "--notebooks-dir", "nb", "--quarto-file", "q.yml", "--date", DATE]
    assert cli.main([*args, "--engine", "embedded"]) == 0
    assert calls[-1] == (
        Path("o"),
        {"engine": "embedded", "notebooks_dir": Path("nb"), "quarto_file": Path("q.yml"),
         "date": DATE},
    )  # fmt: skip
    assert capsys.readouterr().out == "embedded: /s/index.html\nembedded: /s/oslohelsa.pdf\n"
    assert cli.main([]) == 0
    assert calls[-1] == (
        None, {"engine": "auto", "notebooks_dir": None, "quarto_file": None, "date": None}
    )  # fmt: skip
    capsys.readouterr()
    assert cli.main(["--date", "bad"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "render failed: date must be YYYY-MM-DD, got 'bad'\n"
    assert captured.out == ""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--engine", "pdf"])
    assert exit_.value.code == 2
    assert "choose from 'auto', 'embedded', 'quarto'" in capsys.readouterr().err


def test_cli_reports_data_and_runtime_errors(monkeypatch, capsys):
    for exc in (DataError("x.yml", "broken"), RuntimeError("no pdf")):

        def fake_render(out, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr(cli, "render", fake_render)
        assert cli.main([]) == 1
        assert capsys.readouterr().err == f"render failed: {exc}\n"


def test_cli_help_names_the_command_and_its_options(monkeypatch, capsys):
    """What ``python -m helpers.render --help`` shows; --quarto-file (tests only) is hidden."""
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m helpers.render [-h] [--engine {auto,embedded,quarto}]")
    assert "\nRender the Oslohelsa report (HTML + PDF) from the chapters in _quarto.yml.\n" in out
    assert re.search(r"\n  --out OUT +output folder\n", out)
    assert re.search(r"\n  --date DATE +build date YYYY-MM-DD\n", out)
    assert re.search(r"\n  --notebooks-dir NOTEBOOKS_DIR\n", out)
    assert "quarto-file" not in out and "QUARTO_FILE" not in out


# ---------------------------------------------------------------------------------------------
# quarto.py: the Quarto command line (subprocess replaced by a recorder)
# ---------------------------------------------------------------------------------------------


def test_cover_subtitle_with_and_without_a_subtitle():
    day = dt.date(2025, 2, 1)
    assert quarto.cover_subtitle("Indikatorer", day) == "Indikatorer. Data hentet 2025-02-01"
    assert quarto.cover_subtitle("", day) == "Data hentet 2025-02-01"


def record_run(monkeypatch, returncode: int = 0, stderr: str = ""):
    calls = []

    def run(args, **kwargs):
        calls.append((args, kwargs))
        return subprocess.CompletedProcess(args, returncode, "", stderr)

    monkeypatch.setattr(quarto.subprocess, "run", run)
    return calls


def test_quarto_command_line(tmp_path, monkeypatch):
    calls = record_run(monkeypatch)
    monkeypatch.delenv("QUARTO_PYTHON", raising=False)
    qfile = write_book(tmp_path, book="  subtitle: Undertittel\n")
    site = tmp_path / "w" / "site"
    quarto._render_quarto("/bin/quarto", qfile, site, dt.date(2025, 3, 14))
    ((args, kwargs),) = calls
    root = tmp_path.resolve()
    assert args == [
        "/bin/quarto", "render", str(root), "--output-dir", str(site), "-M", "date:2025-03-14"
    ]  # fmt: skip
    assert kwargs.keys() == {"cwd", "env", "capture_output", "text", "check"}
    assert kwargs["cwd"] == root
    assert kwargs["capture_output"] is True and kwargs["text"] is True
    assert kwargs["check"] is False
    assert kwargs["env"]["QUARTO_PYTHON"] == sys.executable
    assert kwargs["env"]["PATH"] == os.environ["PATH"]
    monkeypatch.setenv("QUARTO_PYTHON", "/other/python")
    quarto._render_quarto("/bin/quarto", qfile, site, dt.date(2025, 3, 14), dt.date(2025, 2, 1))
    args, kwargs = calls[-1]
    assert kwargs["env"]["QUARTO_PYTHON"] == "/other/python"
    assert args[-2:] == ["-M", "subtitle:Undertittel. Data hentet 2025-02-01"]
    assert args[:-2] == calls[0][0]
    quarto._render_quarto("/bin/quarto", write_book(tmp_path / ""), site, dt.date(2025, 3, 14),
                          dt.date(2025, 2, 1))  # fmt: skip
    assert calls[-1][0][-2:] == ["-M", "subtitle:Data hentet 2025-02-01"]


def test_quarto_failure_shows_the_end_of_its_errors(tmp_path, monkeypatch):
    stderr = "x" * 5000 + "ERROR: the last line"
    record_run(monkeypatch, returncode=3, stderr=stderr)
    with pytest.raises(RuntimeError) as err:
        quarto._render_quarto("quarto", write_book(tmp_path), tmp_path / "s", dt.date(2025, 1, 1))
    assert str(err.value) == "quarto render failed (exit 3):\n" + stderr[-4000:]
    assert len(stderr[-4000:]) == 4000


def test_find_html_prefers_the_site_root_then_report(tmp_path):
    site = tmp_path / "site"
    with pytest.raises(RuntimeError) as err:
        quarto._find_html(site)
    assert str(err.value) == f"no index.html in the rendered output {site}"
    for rel in ("b/index.html", "a/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x", encoding="utf-8")
    assert quarto._find_html(site) == site / "a" / "index.html"
    (site / "report").mkdir()
    (site / "report" / "index.html").write_text("x", encoding="utf-8")
    assert quarto._find_html(site) == site / "report" / "index.html"
    (site / "index.html").write_text("x", encoding="utf-8")
    assert quarto._find_html(site) == site / "index.html"


# ---------------------------------------------------------------------------------------------
# layout.py: the page from format: typst: (Quarto's keys and defaults)
# ---------------------------------------------------------------------------------------------


def test_typst_format_is_empty_when_the_book_has_none():
    assert layout.typst_format({}) == {}
    assert layout.typst_format({"format": None}) == {}
    assert layout.typst_format({"format": {"html": {"toc": True}}}) == {}
    assert layout.typst_format({"format": {"typst": "default"}}) == {}
    assert layout.typst_format({"format": {"typst": {"toc": True}}}) == {"toc": True}


def test_quarto_typst_defaults_exactly():
    """Quarto's Typst defaults (quarto.org/docs/reference/formats/typst.html): us-letter, 1.25in
    margins, 11pt, Libertinus Serif, no section numbering."""
    assert layout.typst_variables({}, Path("_quarto.yml")) == [
        "--variable=papersize:us-letter",
        "--variable=margin:(x: 1.25in, y: 1.25in)",
        "--variable=fontsize:11pt",
        "--variable=mainfont:Libertinus Serif",
    ]


def test_typst_page_from_the_project():
    fmt = {
        "papersize": "a4",
        "margin": {"left": "2cm", "x": " 25mm ", "bottom": "1in"},
        "fontsize": "10.5pt",
        "mainfont": "DejaVu Sans",
        "number-sections": True,
    }
    assert layout.typst_variables({"format": {"typst": fmt}}, Path("q.yml")) == [
        "--variable=papersize:a4",
        "--variable=margin:(x: 25mm, bottom: 1in, left: 2cm)",  # Typst's key order, stripped
        "--variable=fontsize:10.5pt",
        "--variable=mainfont:DejaVu Sans",
        "--variable=section-numbering:1.1.a",  # Quarto's default numbering
    ]
    fmt["section-numbering"] = "1.a"
    assert layout.typst_variables({"format": {"typst": fmt}}, Path("q.yml"))[-1] == (
        "--variable=section-numbering:1.a"
    )
    fmt["number-sections"] = False
    assert len(layout.typst_variables({"format": {"typst": fmt}}, Path("q.yml"))) == 4


def test_bad_lengths_and_margins_are_named(tmp_path):
    qfile = tmp_path / "_quarto.yml"
    with pytest.raises(DataError) as err:
        layout.typst_variables({"format": {"typst": {"fontsize": "2,5cm"}}}, qfile)
    assert err.value.column == "format.typst.fontsize" and err.value.file == str(qfile)
    assert err.value.detail == (
        "fontsize must be a length such as 2.5cm, 25mm, 1in or 11pt, got '2,5cm'"
    )
    with pytest.raises(DataError) as err:
        layout.typst_variables({"format": {"typst": {"margin": {"top": "1"}}}}, qfile)
    assert err.value.column == "format.typst.margin.top" and err.value.file == str(qfile)
    with pytest.raises(DataError) as err:
        layout.margin_expression({"top": "1cm", "y": 2}, qfile)
    assert err.value.column == "format.typst.margin.y" and err.value.file == str(qfile)
    assert err.value.detail.startswith("margin.y must be a length")
    for margin in ("2cm", {}, None):
        with pytest.raises(DataError) as err:
            layout.margin_expression(margin, qfile)
        assert err.value.column == "format.typst.margin" and err.value.file == str(qfile)
        assert err.value.detail == (
            f"margin must map some of x, y, top, bottom, left, right to lengths, got {margin!r}"
        )
    with pytest.raises(DataError) as err:
        layout.margin_expression({"x": "1cm", "outer": "1cm", "inside": "2cm"}, qfile)
    assert err.value.column == "format.typst.margin"
    assert err.value.detail == (
        "unknown margin key(s) inside, outer; valid: x, y, top, bottom, left, right"
    )
    assert err.value.file == str(qfile)


# ---------------------------------------------------------------------------------------------
# typst_patches.py
# ---------------------------------------------------------------------------------------------


def test_typst_alt_text_and_caption_patches():
    source = (
        'image("assets/a.png", width: 80%)\n#figure(image("assets/b.png"), caption: [\n  Kart\n])'
    )
    alts = {"assets/a.png": 'Søyler "høy" og \\lav'}
    assert typst_patches.add_typst_alt_text(source, alts) == source.replace(
        'image("assets/a.png"', 'image("assets/a.png", alt: "Søyler \\"høy\\" og \\\\lav"'
    )
    assert typst_patches.tidy_typst(source).endswith("caption: [Kart\n])")
    assert typst_patches._typst_string('a\\"b') == '"a\\\\\\"b"'


# ---------------------------------------------------------------------------------------------
# embedded.py: the parts that need no pandoc
# ---------------------------------------------------------------------------------------------


def test_chapters_resolved_from_the_staged_notebooks(tmp_path):
    qfile = write_book(tmp_path, chapters="[index.qmd, kap/a.ipynb, b.md]")
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    nb_dir = tmp_path / "staged"
    nb_dir.mkdir()
    (nb_dir / "a.ipynb").write_text("{}", encoding="utf-8")
    root = tmp_path.resolve()
    assert embedded._resolve_chapters(qfile, nb_dir) == [
        root / "index.qmd", nb_dir / "a.ipynb", root / "b.md"
    ]  # fmt: skip
    with pytest.raises(DataError) as err:
        embedded._resolve_chapters(qfile, None)
    assert err.value.column == "book.chapters" and err.value.file == str(qfile)
    assert err.value.detail == (
        f"chapter file(s) not found: {root / 'kap' / 'a.ipynb'}. Executed notebooks are made by "
        "the build (`make report` or `python -m helpers.build`) before rendering"
    )
    (tmp_path / "b.md").unlink()
    with pytest.raises(DataError, match=r"not found: .*a\.ipynb, .*b\.md\. Executed"):
        embedded._resolve_chapters(qfile, None)


def test_project_css_else_the_default(tmp_path):
    default = tmp_path / "default.css"
    (tmp_path / "mine.css").write_text("p {}", encoding="utf-8")

    def css(html):
        return embedded._project_file({"format": {"html": html}}, tmp_path, "css", default)

    assert css({"css": "mine.css"}) == tmp_path / "mine.css"
    assert css({"css": ["mine.css", "other.css"]}) == tmp_path / "mine.css"
    assert css({"css": ["other.css", "mine.css"]}) == default  # the first only
    assert css({"css": []}) == default
    assert css({"css": "missing.css"}) == default
    assert css({"toc": True}) == default
    assert css(None) == default
    assert embedded._project_file({}, tmp_path, "css", default) == default
    assert embedded._project_file({"format": None}, tmp_path, "css", default) == default


def test_metadata_of_the_book():
    day = dt.date(2025, 3, 14)
    base = ["--metadata=lang:nb", "--metadata=date:2025-03-14", "--metadata=toc-title:Innhold"]
    assert embedded._meta_args({}, day) == ["--metadata=title:Rapport", *base]
    book = {"title": "T", "subtitle": "U", "author": ["A B", "C D"]}
    assert embedded._meta_args(book, day) == [
        "--metadata=title:T", *base, "--metadata=subtitle:U", "--metadata=author:A B",
        "--metadata=author:C D",
    ]  # fmt: skip
    assert embedded._meta_args({"title": "T", "author": "A B", "subtitle": ""}, day) == [
        "--metadata=title:T", *base, "--metadata=author:A B"
    ]  # fmt: skip


def test_pandoc_reads_local_images_and_writes_a_file(tmp_path):
    """pandoc (pypandoc-binary) embeds a local image: not possible in its sandbox."""
    png = tmp_path / "a.png"
    png.write_bytes(bytes.fromhex(PNG_1X1))
    html = embedded._pandoc(f"![x]({png})", "html5", "markdown", ["--embed-resources",
                            "--standalone", "--metadata=title:t"])  # fmt: skip
    assert "data:image/png;base64," in html
    out = tmp_path / "o.html"
    assert embedded._pandoc("*a*", "html5", "markdown", [], str(out)) == ""
    assert out.read_text(encoding="utf-8").strip() == "<p><em>a</em></p>"


# A 1x1 transparent PNG (the smallest valid PNG, from the PNG specification's chunk layout).
PNG_1X1 = (
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


# ---------------------------------------------------------------------------------------------
# markdown.py: chapters to pandoc markdown (Quarto's cell options and front matter)
# ---------------------------------------------------------------------------------------------


def test_cell_options_split_off_the_top_of_a_cell():
    """#| lines (quarto.org/docs/reference/cells/cells-jupyter.html), with or without a space."""
    assert markdown.cell_options("#| label: fig-a\n#|fig-cap: Kart\nplot()\n#| echo: true") == (
        {"label": "fig-a", "fig-cap": "Kart"},
        "plot()\n#| echo: true",
    )
    assert markdown.cell_options("#| a: 1\n#| b: 2") == ({"a": 1, "b": 2}, "")
    assert markdown.cell_options("#|\nx") == ({}, "x")
    assert markdown.cell_options("x = 1\n") == ({}, "x = 1\n")
    assert markdown.cell_options("") == ({}, "")
    with pytest.raises(ValueError, match="^cell options are not valid YAML: "):
        markdown.cell_options("#| a: [1\nx")
    with pytest.raises(ValueError) as err:
        markdown.cell_options("#| just text\nx")
    assert str(err.value) == "cell options must be 'key: value' lines, got ['just text']"


def test_front_matter_and_level1_headings():
    assert markdown.front_matter("---\ntitle: A\n---\nbody") == {"title": "A"}
    assert markdown._front_matter("---\ntitle: A\n---\nbody") == ({"title": "A"}, "body")
    assert markdown._front_matter("---\n- a\n---\nbody") == ({}, "body")
    assert markdown._front_matter("---\n\n---\nbody") == ({}, "body")
    assert markdown._front_matter("# A\n") == ({}, "# A\n")
    text = "# A\n```\n# not\n```\n~~~\n# neither\n~~~\n## B\n#C\n  # D\n# E  \n"
    assert markdown.level1_headings(text) == ["# A", "# E"]
    assert markdown._has_level1_heading("## B\n") is False
    assert markdown._with_title("Tekst\n", "T") == "# T\n\nTekst\n"
    assert markdown._with_title("Tekst\n", "T", "sec-x") == "# T {#sec-x}\n\nTekst\n"
    assert markdown._with_title("# Egen\n", "T", "sec-x") == "# Egen\n"
    assert markdown._with_title("Tekst\n", None, "sec-x") == "Tekst\n"
    assert markdown._with_title("Tekst\n", "", "sec-x") == "Tekst\n"


def test_includes_from_the_chapter_folder_and_the_staged_chapters(tmp_path, monkeypatch):
    chapter = tmp_path / "report" / "a.qmd"
    chapter.parent.mkdir()
    (tmp_path / "report" / "_b.md").write_text("INKLUDERT\n", encoding="utf-8")
    body = "før\n  {{< include _b.md >}} \netter {{< include _b.md >}}\n"
    assert markdown.expand_includes(body, chapter) == (
        "før\nINKLUDERT\n\netter {{< include _b.md >}}\n"
    )
    with pytest.raises(DataError) as err:
        markdown.expand_includes("{{<include _c.md>}}", chapter)
    assert err.value.detail == (
        f"included file _c.md not found (looked for {tmp_path / 'report' / '_c.md'})"
    )
    assert err.value.file == str(chapter)
    # Generated text under kapitler/ comes from where a private build staged it.
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "privat"))
    staged = tmp_path / "privat" / "kapitler" / "deler"
    staged.mkdir(parents=True)
    (staged / "tall.md").write_text("STAGET\n", encoding="utf-8")
    real = config.ROOT / "report" / "x.qmd"
    assert markdown.expand_includes("{{< include ../kapitler/deler/tall.md >}}", real) == (
        "STAGET\n"
    )


def test_qmd_chapter_without_header_and_executable_chunks(tmp_path):
    path = tmp_path / "metode.qmd"
    path.write_text(
        "---\ntitle: Metode\n---\n\nTekst.\n\n```{python}\n#| echo: false\nx = 1\n```\n\n"
        "````{r}\n```\ninner\n```\n````\n\n  ~~~{python}\ny\n~~~\n\n```python\nvist()\n```\n"
        "\nSlutt.\n\n",
        encoding="utf-8",
    )
    chapter = markdown.qmd_to_markdown(path)
    assert chapter.markdown == ("# Metode\n\nTekst.\n\n\n\n\n```python\nvist()\n```\n\nSlutt.\n")
    assert chapter.title == "Metode" and chapter.source == path and chapter.alts == {}
    path.write_text("---\ntitle: 3\n---\n# Egen\n", encoding="utf-8")
    chapter = markdown.chapter_text(path, tmp_path / "assets")
    assert chapter.title is None and chapter.markdown == "# Egen\n"
    md = tmp_path / "x.md"
    md.write_text("Bare tekst", encoding="utf-8")
    assert markdown.chapter_text(md, tmp_path).markdown == "Bare tekst\n"
    with pytest.raises(DataError) as err:
        markdown.chapter_text(tmp_path / "x.txt", tmp_path)
    assert err.value.detail == "a chapter must be a .qmd, .md or .ipynb file"
    assert err.value.file == str(tmp_path / "x.txt")
    # Includes are read relative to the chapter's folder.
    (tmp_path / "_del.md").write_text("Delt tekst.\n", encoding="utf-8")
    md.write_text("Før.\n\n{{< include _del.md >}}\n", encoding="utf-8")
    assert markdown.qmd_to_markdown(md).markdown == "Før.\n\nDelt tekst.\n"


def write_nb(path: Path, cells: list, **metadata) -> Path:
    import nbformat
    from nbformat.v4 import new_notebook

    nbformat.write(new_notebook(cells=cells, metadata=metadata), str(path))
    return path


def code(source: str, *outputs, tags: tuple[str, ...] = ()):
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(source, outputs=list(outputs))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def display(data: dict, kind: str = "display_data"):
    from nbformat.v4 import new_output

    if kind == "execute_result":
        return new_output(kind, data=data, execution_count=1)
    return new_output(kind, data=data)


PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)


def test_notebook_narrative_and_outputs_never_code(tmp_path):
    """Every kind of cell and output once; the expected markdown is written out by hand."""
    from nbformat.v4 import new_markdown_cell, new_output, new_raw_cell

    html_raw = new_raw_cell("<b>RÅ</b>")
    html_raw.metadata["raw_mimetype"] = "text/html"
    md_raw = new_raw_cell("*rå markdown*")
    md_raw.metadata["raw_mimetype"] = "text/x-markdown"
    md_raw2 = new_raw_cell("_også markdown_")
    md_raw2.metadata["raw_mimetype"] = "text/markdown"
    cells = [
        new_raw_cell("---\ntitle: Fra YAML\n---\nEtter"),
        code("area = 1", tags=("parameters",)),
        code("area = 2", display({"text/markdown": "INJECTED"}), tags=("injected-parameters",)),
        new_markdown_cell("## Del\n\nTekst."),
        new_markdown_cell("FJERNET", metadata={"tags": ["remove-cell"]}),
        code(
            "x",
            new_output("stream", name="stdout", text="PRINTED"),
            display({"text/markdown": "**Tall**", "text/html": "<p>ikke</p>"}),
            display({"text/html": "  <p>HTML</p>\n", "text/plain": "p"}, "execute_result"),
        ),
        code("#| include: false\nx", display({"text/markdown": "INCLUDE_FALSE"})),
        code("#| output: false\nx", display({"text/markdown": "OUTPUT_FALSE"})),
        code("x", display({"text/markdown": "REMOVED"}), tags=("remove-output",)),
        code("x", display({"text/markdown": "REMOVED_TOO"}), tags=("remove_output",)),
        code("x", display({"text/markdown": "KEPT"}), tags=("other",)),
        html_raw,
        md_raw,
        md_raw2,
        new_raw_cell("ukjent rå celle"),
        code("SECRET_CODE = 1"),
    ]
    path = write_nb(tmp_path / "mitt kap.ipynb", cells)
    chapter = markdown.notebook_to_markdown(path, tmp_path / "new" / "assets")
    assert chapter.markdown == (
        "# Fra YAML {#sec-mitt-kap}\n\nEtter\n\n## Del\n\nTekst.\n\n**Tall**\n\n"
        "```{=html}\n<p>HTML</p>\n```\n\nKEPT\n\n```{=html}\n<b>RÅ</b>\n```\n\n*rå markdown*\n\n"
        "_også markdown_\n"
    )
    assert chapter.title == "Fra YAML" and chapter.alts == {} and chapter.source == path
    assert (tmp_path / "new" / "assets").is_dir()


def test_notebook_title_from_metadata_or_none(tmp_path):
    from nbformat.v4 import new_markdown_cell, new_raw_cell

    path = write_nb(tmp_path / "a.ipynb", [new_markdown_cell("Tekst.")], title="Metatittel")
    chapter = markdown.notebook_to_markdown(path, tmp_path)
    assert chapter.markdown == "# Metatittel {#sec-a}\n\nTekst.\n" and chapter.title == "Metatittel"
    # Front matter is read from the first cell only; a title in it wins over none.
    cells = [new_markdown_cell("Tekst."), new_raw_cell("---\ntitle: Sen\n---\n")]
    chapter = markdown.notebook_to_markdown(write_nb(tmp_path / "b.ipynb", cells), tmp_path)
    assert chapter.title is None and chapter.markdown == "Tekst.\n"
    cells = [new_raw_cell("---\nauthor: X\n---\nRest"), new_markdown_cell("Tekst.")]
    chapter = markdown.notebook_to_markdown(write_nb(tmp_path / "c.ipynb", cells), tmp_path)
    assert chapter.title is None and chapter.markdown == "Rest\n\nTekst.\n"
    cells = [new_raw_cell("---\ntitle: [x]\n---\n"), new_markdown_cell("Tekst.")]
    chapter = markdown.notebook_to_markdown(
        write_nb(tmp_path / "d.ipynb", cells, title="Meta"), tmp_path
    )
    assert chapter.title == "Meta"
    cells = [new_raw_cell("---\ntitle: [x]\n---\nTekst.")]  # a title that is not text: none
    chapter = markdown.notebook_to_markdown(write_nb(tmp_path / "f.ipynb", cells), tmp_path)
    assert chapter.title is None and chapter.markdown == "Tekst.\n"
    empty = markdown.notebook_to_markdown(write_nb(tmp_path / "e.ipynb", []), tmp_path)
    assert empty.markdown == "\n" and empty.title is None
    # Only blank lines between cells go: an indented code block and a leading X stay.
    cells = [new_markdown_cell("    innrykket kode\n"), new_markdown_cell("X-aksen viser X")]
    chapter = markdown.notebook_to_markdown(write_nb(tmp_path / "g.ipynb", cells), tmp_path)
    assert chapter.markdown == "    innrykket kode\n\nX-aksen viser X\n"


def test_notebook_figures_with_labels_captions_and_alt_text(tmp_path):
    import base64

    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    figure = code(
        '#| label: fig-kart\n#| fig-cap: ["Første  kart", "Andre"]\n#| fig-alt: "Alt  tekst"\nx',
        display({"image/png": PNG_B64, "image/svg+xml": svg, "text/plain": "<Figure>"}),
        display({"image/jpeg": PNG_B64}),
        display({"image/svg+xml": [svg[:10], svg[10:]]}),
    )
    plain = code("x", display({"image/png": PNG_B64}))
    kar = markdown.notebook_to_markdown(
        write_nb(tmp_path / "kår.ipynb", [plain], title="Kår"), tmp_path / "a"
    )  # ASCII file names and ids
    assert kar.markdown == f"# Kår {{#sec-k-r}}\n\n![](<{tmp_path / 'a' / 'k-r-cell1.png'}>)\n"
    assets = tmp_path / "assets"
    path = write_nb(tmp_path / "kap 1.ipynb", [figure, plain])
    chapter = markdown.notebook_to_markdown(path, assets)
    first, second, third = (assets / n for n in (
        "kap-1-fig-kart.png", "kap-1-fig-kart-2.jpg", "kap-1-fig-kart-3.svg"))  # fmt: skip
    assert chapter.markdown == (
        f"![Første kart](<{first}>){{#fig-kart}}\n\n![Andre](<{second}>){{#fig-kart-2}}\n\n"
        f"![](<{third}>){{#fig-kart-3}}\n\n![](<{assets / 'kap-1-cell2.png'}>)\n"
    )
    assert chapter.alts == {str(first): "Alt tekst"}  # a single alt text is the first figure's
    assert first.read_bytes() == base64.b64decode(PNG_B64) == second.read_bytes()
    assert third.read_text(encoding="utf-8") == svg
    label = code(
        "#| label: fig/ø\n#| fig-alt: [A, null, C]\nx", *[display({"image/png": PNG_B64})] * 3
    )
    chapter = markdown.notebook_to_markdown(write_nb(tmp_path / "k.ipynb", [label]), assets)
    names = ["k-fig-.png", "k-fig--2.png", "k-fig--3.png"]
    assert chapter.alts == {str(assets / names[0]): "A", str(assets / names[2]): "C"}
    assert chapter.markdown.split("\n\n")[1] == f"![](<{assets / names[1]}>){{#fig/ø-2}}"


def test_notebook_attachments_are_written_as_files(tmp_path):
    import base64

    from nbformat.v4 import new_markdown_cell

    cell = new_markdown_cell("Se ![a](attachment:bilde 1.png) og ![b](attachment:tegning ø.svg)")
    cell["attachments"] = {  # nbformat writes the keys sorted: application/… before image/…
        "bilde 1.png": {"application/pdf": "JVBE", "image/png": PNG_B64},
        "tegning ø.svg": {"image/svg+xml": ["<svg/>"]},
        "ukjent.bin": {"application/octet-stream": "AAAA"},
    }
    assets = tmp_path / "assets"
    chapter = markdown.notebook_to_markdown(write_nb(tmp_path / "n.ipynb", [cell]), assets)
    png, svg = assets / "n-cell1-bilde-1.png", assets / "n-cell1-tegning-.svg"  # ASCII names
    assert chapter.markdown == f"Se ![a](<{png}>) og ![b](<{svg}>)\n"
    assert png.read_bytes() == base64.b64decode(PNG_B64)
    assert svg.read_text(encoding="utf-8") == "<svg/>"
    assert sorted(p.name for p in assets.iterdir()) == [png.name, svg.name]


def test_a_notebook_that_did_not_run_cleanly_is_named(tmp_path):
    from nbformat.v4 import new_output

    error = new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    cells = [code("1"), code("#| output: false\nx", error)]
    with pytest.raises(DataError) as err:
        markdown.notebook_to_markdown(write_nb(tmp_path / "e.ipynb", cells), tmp_path)
    assert err.value.row == "cell 2" and err.value.file == str(tmp_path / "e.ipynb")
    assert err.value.detail == (
        "the executed notebook has an error output (KeyError: 'x'); fix the notebook and "
        "rebuild, a report with errors is not published"
    )
    cells = [code("#| include: false\nx", error)]  # not in the report: not checked
    assert markdown.notebook_to_markdown(write_nb(tmp_path / "f.ipynb", cells), tmp_path)
    with pytest.raises(DataError) as err:
        markdown.notebook_to_markdown(
            write_nb(tmp_path / "g.ipynb", [code("#| a: [\nx")]), tmp_path
        )
    assert err.value.row == "cell 1" and err.value.detail.startswith("cell options are not valid")
    assert err.value.file == str(tmp_path / "g.ipynb")
    (tmp_path / "h.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="cannot read the notebook: ") as err:
        markdown.notebook_to_markdown(tmp_path / "h.ipynb", tmp_path)
    assert err.value.file == str(tmp_path / "h.ipynb")
    with pytest.raises(DataError, match="cannot read the notebook: ") as err:
        markdown.check_notebook_chapter(tmp_path / "h.ipynb")
    assert err.value.file == str(tmp_path / "h.ipynb")


def test_notebook_chapter_rules(tmp_path):
    """Quarto: a notebook chapter's title is its front matter; no second level-1 heading."""
    from nbformat.v4 import new_markdown_cell, new_output, new_raw_cell

    front = new_raw_cell("---\ntitle: Levekår\n---\n")
    # Code (a comment), printed text and plain-text outputs are not Markdown: never headings.
    printed = new_output("stream", name="stdout", text="# trykt\n")
    ok = [front, new_markdown_cell("## Del\n\n```\n# kode\n```"),
          code("# kommentar\nx", printed,
               display({"text/markdown": ["## Ok"], "text/plain": "# ikke"}))]  # fmt: skip
    assert markdown.check_notebook_chapter(write_nb(tmp_path / "ok.ipynb", ok), "Levekår") is None
    assert markdown.check_notebook_chapter(tmp_path / "ok.ipynb") is None
    with pytest.raises(DataError) as err:
        markdown.check_notebook_chapter(tmp_path / "ok.ipynb", "Oppvekst")
    assert err.value.row == "cell 1" and err.value.file == str(tmp_path / "ok.ipynb")
    assert err.value.detail == "chapter title is 'Levekår', expected 'Oppvekst'"
    needs = (
        "a notebook chapter needs a first raw cell with YAML front matter giving its 'title' "
        "(the build adds it after papermill runs)"
    )
    for cells in ([], [new_markdown_cell("---\ntitle: X\n---\n")],
                  [new_raw_cell("---\ntitle: ' '\n---\n")],
                  [new_raw_cell("---\ntitle: [X]\n---\n")]):  # fmt: skip
        with pytest.raises(DataError) as err:
            markdown.check_notebook_chapter(write_nb(tmp_path / "t.ipynb", cells))
        assert err.value.row == "cell 1" and err.value.detail == needs
        assert err.value.file == str(tmp_path / "t.ipynb")
    for late in (new_markdown_cell("Tekst\n# Ny"),
                 code("x", display({"text/markdown": "# Fra kode"}))):  # fmt: skip
        cells = [front, new_markdown_cell("Tekst"), late]
        with pytest.raises(DataError) as err:
            markdown.check_notebook_chapter(write_nb(tmp_path / "h.ipynb", cells))
        assert err.value.row == "cell 3" and err.value.file == str(tmp_path / "h.ipynb")
        heading = "# Ny" if late.cell_type == "markdown" else "# Fra kode"
        assert err.value.detail == (
            f"level-1 heading {heading!r} after the title 'Levekår': a chapter's title comes "
            "from its front matter only (Quarto would number a second chapter); use '##' for "
            "sections"
        )


# ---------------------------------------------------------------------------------------------
# pandoc_ast.py: ids, numbering, references, images, links (pandoc JSON AST, api 1.23)
# ---------------------------------------------------------------------------------------------


def s(text: str) -> dict:
    return {"t": "Str", "c": text}


def header(level: int, ident: str, text: str, classes: list[str] | None = None) -> dict:
    return {"t": "Header", "c": [level, [ident, classes or [], []], ast._inlines(text)]}


def figure(ident: str, caption: str = "Kart") -> dict:
    long = [{"t": "Plain", "c": ast._inlines(caption)}] if caption else []
    return {"t": "Figure", "c": [[ident, [], []], [None, long], []]}


def table(ident: str) -> dict:
    return {
        "t": "Table",
        "c": [[ident, [], []], [None, [{"t": "Plain", "c": [s("T")]}]], [], [], [], []],
    }


def link(target: str, text: str = "lenke") -> dict:
    return {"t": "Link", "c": [["", [], []], [s(text)], [target, ""]]}


def cite(*ids: str) -> dict:
    citations = [{"citationId": i, "citationPrefix": [], "citationSuffix": [],
                  "citationMode": {"t": "AuthorInText"}, "citationNoteNum": 1, "citationHash": 0}
                 for i in ids]  # fmt: skip
    return {"t": "Cite", "c": [citations, [s("@" + ids[0])]]}


def test_inline_helpers():
    assert ast._inlines("a  b") == [s("a"), {"t": "Space"}, {"t": "Space"}, s("b")]
    assert ast._inlines("") == []
    node = {"t": "Para", "c": [s("x"), {"t": "SoftBreak"}, {"t": "Code", "c": [["", [], []], "k"]},
                               {"t": "LineBreak"}, {"t": "Math", "c": [{"t": "InlineMath"}, "m"]},
                               {"t": "Space"}, {"t": "Emph", "c": [s("e")]}]}  # fmt: skip
    assert ast._stringify(node) == "x k m e"
    assert [e["t"] for e in ast._elements([node, {"x": [s("y")]}])][:3] == [
        "Para",
        "Str",
        "SoftBreak",
    ]
    assert ast._header(2, "Første område!", ["unnumbered"]) == {
        "t": "Header",
        "c": [
            2,
            ["første-område", ["unnumbered"], []],
            [s("Første"), {"t": "Space"}, s("område!")],
        ],
    }
    assert ast._header(1, "!!")["c"][1] == ["kapittel", [], []]
    assert ast._attr(s("x")) is None and ast._attr(header(1, "h", "H")) == ["h", [], []]


def test_replace_inlines_replaces_every_match_once():
    blocks = [{"t": "Para", "c": [s("a"), s("b"), {"t": "Emph", "c": [s("c")]}]}]
    ast._replace_inlines(blocks, "Str", lambda el: [el, s(el["c"].upper())])
    assert blocks == [{"t": "Para", "c": [s("a"), s("A"), s("b"), s("B"),
                                          {"t": "Emph", "c": [s("c"), s("C")]}]}]  # fmt: skip
    ast._replace_inlines(blocks, "Emph", lambda el: [])
    assert blocks[0]["c"] == [s("a"), s("A"), s("b"), s("B")]


def test_prepare_chapter_title_ids_and_references(tmp_path):
    used: set[str] = set()
    first = [header(1, "sec-a", "Første"), figure("fig-kart"), header(2, "tall", "Tall")]
    blocks, title = ast.prepare_chapter(first, ChapterText(tmp_path / "a.ipynb", ""), used)
    assert title == "Første" and used == {"sec-a", "fig-kart", "tall"}
    second = [
        {"t": "Para", "c": [s("Se"), cite("fig-kart", "tall"), link("#fig-kart"), link("#x"),
                            link("https://x.no/#fig-kart"), cite("fig-ny")]},
        figure("fig-kart"), figure("fig-ny"), figure("fig-kart"), header(2, "", "Uten id"),
        header(2, "sec-a", "A igjen"),  # after a duplicate inside the chapter: still renamed
    ]  # fmt: skip
    used.add("fig-kart-2")
    blocks, title = ast.prepare_chapter(second, ChapterText(tmp_path / "mitt_kap.ipynb", ""), used)
    assert title == "Mitt kap"  # no level-1 heading: the file's name
    assert blocks[0] == header(1, "mitt-kap", "Mitt kap")
    para = blocks[1]["c"]
    assert [c["citationId"] for c in para[1]["c"][0]] == ["fig-kart-3", "tall"]  # tall: chapter 1
    assert para[2]["c"][2][0] == "#fig-kart-3" and para[3]["c"][2][0] == "#x"
    assert para[4]["c"][2][0] == "https://x.no/#fig-kart"
    assert para[5]["c"][0][0]["citationId"] == "fig-ny"
    assert [b["c"][0][0] for b in blocks[2:5]] == ["fig-kart-3", "fig-ny", "fig-kart"]
    assert blocks[6]["c"][1][0] == "sec-a-2"  # the first free suffix: -2
    assert second[0]["t"] == "Para"  # the caller's list is not changed in place
    titled = ast.prepare_chapter(
        [s("x")], ChapterText(tmp_path / "b.qmd", "", title="Fra YAML"), used
    )
    assert titled[1] == "Fra YAML" and titled[0][0]["c"][1][0] == "fra-yaml"
    # The title is the level-1 heading, also when a section heading comes first.
    late = [header(2, "innl", "Innledning"), header(1, "tittel", "Tittelen")]
    assert ast.prepare_chapter(late, ChapterText(tmp_path / "c.qmd", ""), set())[1] == "Tittelen"


def test_the_index_page_is_unnumbered(tmp_path):
    blocks = [header(1, "om", "Om"), header(2, "del", "Del", ["unnumbered"]), header(3, "", "Tre")]
    out, title = ast.prepare_chapter(blocks, ChapterText(tmp_path / "index.qmd", ""), set())
    assert [h["c"][1][1] for h in out] == [["unnumbered"]] * 3 and title == "Om"
    other, _ = ast.prepare_chapter(
        [header(1, "x", "X")], ChapterText(tmp_path / "indeks.qmd", ""), set()
    )
    assert other[0]["c"][1][1] == []


def image(src: str, alt_attr: str | None = None) -> dict:
    kv = [["width", "80%"]] + ([["fig-alt", alt_attr]] if alt_attr is not None else [])
    return {"t": "Image", "c": [["", [], kv], [s("bilde")], [src, ""]]}


def test_images_copied_into_assets_with_their_alt_text(tmp_path):
    chapter_dir = tmp_path / "kap"
    (chapter_dir / "figures").mkdir(parents=True)
    (chapter_dir / "figures" / "a b.png").write_bytes(b"A")
    (tmp_path / "abs.png").write_bytes(b"B")
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "mitt-kap-cell3.png").write_bytes(b"C")  # written there by notebook_to_markdown
    (assets / "mitt-kap-a-b.png").write_bytes(b"old")  # a name already taken
    chapter = ChapterText(chapter_dir / "mitt kap.ipynb", "",
                          alts={str(assets / "mitt-kap-cell3.png"): "Fra  celle"})  # fmt: skip
    images = [
        image("figures/a b.png", "Alt  fra\nattributt"),
        image(str(tmp_path / "abs.png")),
        image(str(assets / "mitt-kap-cell3.png")),
        image("data:image/png;base64,AAAA", "data-alt"),
        image("HTTPS://example.org/x.png"),
        image("figures/a b.png"),
    ]
    taken: dict[Path, str] = {}
    alts = ast.collect_images([{"t": "Para", "c": images}], chapter, assets, taken)
    targets = [im["c"][2][0] for im in images]
    # The name of a numbered copy is made safe as the first choice is (it kept the space before).
    assert targets == ["assets/mitt-kap-2-a-b.png", "assets/mitt-kap-abs.png",
                       "assets/mitt-kap-cell3.png", "data:image/png;base64,AAAA",
                       "HTTPS://example.org/x.png", "assets/mitt-kap-2-a-b.png"]  # fmt: skip
    assert alts == {"assets/mitt-kap-2-a-b.png": "Alt fra attributt",
                    "assets/mitt-kap-cell3.png": "Fra celle"}  # fmt: skip
    assert (assets / "mitt-kap-2-a-b.png").read_bytes() == b"A"
    assert (assets / "mitt-kap-abs.png").read_bytes() == b"B"
    assert (assets / "mitt-kap-a-b.png").read_bytes() == b"old"
    assert all(im["c"][0][2] == [["width", "80%"]] for im in images)  # fig-alt moved out
    assert taken[(chapter_dir / "figures" / "a b.png").resolve()] == "assets/mitt-kap-2-a-b.png"
    with pytest.raises(DataError) as err:
        ast.collect_images([image("nope.png")], chapter, assets, taken)
    assert (
        err.value.detail
        == f"image 'nope.png' not found (looked for {chapter_dir.resolve() / 'nope.png'})"
    )
    assert err.value.file == str(chapter.source)
    (assets / "mitt-kap-2-a-b.png").unlink()  # a third copy numbers on
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a b.png").write_bytes(b"D")
    again = [image(str(tmp_path / "other" / "a b.png"))]
    ast.collect_images(again, chapter, assets, {})
    assert again[0]["c"][2][0] == "assets/mitt-kap-2-a-b.png"
    (tmp_path / "other" / "kart ø.png").write_bytes(b"E")  # ASCII only: "ø" goes too
    letters = [image(str(tmp_path / "other" / "kart ø.png"))]
    ast.collect_images(letters, chapter, assets, {})
    assert letters[0]["c"][2][0] == "assets/mitt-kap-kart-.png"
    other = ChapterText(chapter_dir / "levekår.ipynb", "")  # the chapter's name too
    letters = [image(str(tmp_path / "other" / "kart ø.png"))]
    ast.collect_images(letters, other, assets, {})
    assert letters[0]["c"][2][0] == "assets/levek-r-kart-.png"


def test_links_made_relative_to_the_site_root_and_a_folder():
    targets = ["../nedlasting/a.csv", "nedlasting/b.csv", "#sec-a", "/abs", "HTTPS://x.no",
               "mailto:a@b", "", "../../to.html"]  # fmt: skip
    blocks = [{"t": "Para", "c": [link(t) for t in targets]}]
    ast.root_relative_links(blocks)
    got = [el["c"][2][0] for el in blocks[0]["c"]]
    assert got == ["nedlasting/a.csv", "nedlasting/b.csv", *targets[2:7], "../to.html"]
    ast.relative_to_folder(blocks, "/bydeler/profil/")
    got = [el["c"][2][0] for el in blocks[0]["c"]]
    assert got == ["../../nedlasting/a.csv", "../../nedlasting/b.csv", *targets[2:7],
                   "../../../to.html"]  # fmt: skip
    images = [{"t": "Image", "c": [["", [], []], [], ["bilde.png", ""]]}]
    ast.relative_to_folder(images, "bydeler")
    assert images[0]["c"][2][0] == "bilde.png"  # images are embedded, not linked


def test_big_inline_scripts_kept_once():
    big = "<script>" + "x" * 10_000 + "</script>"
    small = "<script>" + "y" * 9_999 + "</script>"
    other = "<script type='text/javascript'>" + "z" * 10_000 + "</script>"
    blocks = [
        {"t": "RawBlock", "c": ["html", f"<div>{big}{small}</div>"]},
        {"t": "RawBlock", "c": ["html", f"<div>{big}{small}{other}</div>"]},
        {"t": "RawBlock", "c": ["latex", big]},
        {"t": "RawBlock", "c": ["html", f'{other}<script src="plotly.min.js"></script>']},
        {"t": "RawBlock", "c": ["html", '<script src="plotly.min.js"></script><script src="a.js">'
                                        "</script>"]},
    ]  # fmt: skip
    ast.drop_repeated_scripts(blocks)
    assert blocks[0]["c"][1] == f"<div>{big}{small}</div>"
    assert blocks[1]["c"][1] == f"<div>{small}{other}</div>"
    assert blocks[2]["c"][1] == big
    assert blocks[3]["c"][1] == '<script src="plotly.min.js"></script>'
    assert blocks[4]["c"][1] == '<script src="a.js"></script>'  # another file: kept


def numbered_book() -> list[dict]:
    return [
        header(1, "om", "Om", ["unnumbered"]), figure("fig-forside"), table(""),
        header(1, "sec-a", "A"), header(2, "sec-a1", "A1"), figure("fig-a"), table("tbl-a"),
        header(3, "sec-a11", "A11"), header(2, "", "A2"), header(2, "x", "X", ["-"]),
        figure(""), header(1, "sec-b", "B"), header(2, "sec-b1", "B1"), figure("fig-b"),
        {"t": "Div", "c": [["", [], []], [table("tbl-b")]]},
    ]  # fmt: skip


def test_numbering_of_chapters_sections_figures_and_tables():
    """Typst's numbering as the template sets it: chapters 1, 2; sections 1.1, 1.1.1;
    figures and tables per chapter (2.1), before the first numbered chapter just 1, 2."""
    blocks = numbered_book()
    numbers = ast.number_elements(blocks)
    assert numbers == {
        "fig-forside": ("fig", "1"),
        "sec-a": ("chapter", "1"), "sec-a1": ("section", "1.1"), "fig-a": ("fig", "1.1"),
        "tbl-a": ("tbl", "1.1"), "sec-a11": ("section", "1.1.1"),
        "sec-b": ("chapter", "2"), "sec-b1": ("section", "2.1"), "fig-b": ("fig", "2.1"),
        "tbl-b": ("tbl", "2.1"),
    }  # fmt: skip
    assert [b.get("_number") for b in blocks if b["t"] in {"Figure", "Table"}] == [
        "1", "1", "1.1", "1.1", "1.2", "2.1"
    ]  # fmt: skip
    deep = [header(1, "k", "K"), header(2, "a", "A"), header(3, "b", "B"), header(2, "c", "C"),
            header(6, "d", "D"), header(3, "e", "E")]  # fmt: skip
    assert ast.number_elements(deep) == {
        "k": ("chapter", "1"), "a": ("section", "1.1"), "b": ("section", "1.1.1"),
        "c": ("section", "1.2"), "d": ("section", "1.2.0.0.0.1"), "e": ("section", "1.2.1"),
    }  # fmt: skip


def test_cross_references_become_links():
    numbers = {"fig-a": ("fig", "1.1"), "tbl-a": ("tbl", "2"), "sec-a": ("chapter", "1"),
               "sec-b": ("section", "1.2")}  # fmt: skip
    blocks = [{"t": "Para", "c": [cite("fig-a"), s("og"), cite("tbl-a", "sec-a", "sec-b"),
                                  cite("fig-a", "ukjent")]}]  # fmt: skip
    ast.resolve_references(blocks, numbers)

    def ref(ident, words):
        return {"t": "Link", "c": [["", ["cross-ref"], []], ast._inlines(words), ["#" + ident, ""]]}

    sep = [s(","), {"t": "Space"}]
    assert blocks[0]["c"] == [
        ref("fig-a", "Figur 1.1"), s("og"), ref("tbl-a", "Tabell 2"), *sep,
        ref("sec-a", "Kapittel 1"), *sep, ref("sec-b", "Avsnitt 1.2"), s("@fig-a"),
    ]  # fmt: skip


def test_html_variant_numbers_captions_and_sets_alt_text():
    blocks = numbered_book()[3:8] + [figure("fig-tom", caption="")]
    blocks.append({"t": "Para", "c": [image("assets/x.png"), image("assets/y.png")]})
    blocks[2]["c"][1][1] = [{"t": "Para", "c": [s("Kart")]}]  # a Para caption too
    ast.number_elements(blocks)
    html = ast.for_html(blocks, {"assets/x.png": "To  søyler"})
    strong = {"t": "Strong", "c": ast._inlines("Figur 1.1:")}
    assert html[2]["c"][1][1] == [{"t": "Para", "c": [strong, {"t": "Space"}, s("Kart")]}]
    assert html[3]["c"][1][1][0]["c"][:2] == [{"t": "Strong", "c": ast._inlines("Tabell 1.1:")},
                                               {"t": "Space"}]  # fmt: skip
    assert html[5]["c"][1][1] == []  # no caption: no number either
    assert html[6]["c"][0]["c"][1] == ast._inlines("To  søyler")
    assert html[6]["c"][1]["c"][1] == [s("bilde")]
    assert not any("_number" in el for el in ast._elements(html))
    assert blocks[2]["_number"] == "1.1"  # the shared AST is not changed
    assert blocks[2]["c"][1][1] == [{"t": "Para", "c": [s("Kart")]}]
    typst = ast.for_typst(blocks)
    assert not any("_number" in el for el in ast._elements(typst))
    assert blocks[2]["_number"] == "1.1" and typst[2]["c"] == blocks[2]["c"]


def test_caption_prefix_on_a_caption_that_starts_with_a_table():
    caption = [None, [{"t": "BulletList", "c": []}]]
    ast._caption_prefix(caption, "Figur 1:")
    assert caption[1][0] == {"t": "Plain", "c": [{"t": "Strong", "c": ast._inlines("Figur 1:")}]}
    empty = [None, []]
    ast._caption_prefix(empty, "Tabell 2:")
    assert empty[1] == [{"t": "Plain", "c": [{"t": "Strong", "c": ast._inlines("Tabell 2:")}]}]


# ---------------------------------------------------------------------------------------------
# embedded.py: what pandoc and Typst are asked for (pandoc's HTML and Typst writers and the Typst
# compiler replaced by recorders; pandoc's markdown reader is the real one)
# ---------------------------------------------------------------------------------------------

BIG_SCRIPT = "<script>" + "p" * 10_000 + "</script>"


def embedded_book(tmp_path: Path, book: str, title: str | None) -> Path:
    from nbformat.v4 import new_markdown_cell, new_raw_cell

    qfile = write_book(tmp_path, book=book, chapters="[index.qmd, kap/a.ipynb]", title=title)
    (tmp_path / "kap").mkdir()
    cells = [
        new_raw_cell("---\ntitle: Kapittel A\n---\n"),
        new_markdown_cell("Se @fig-a og [data](../nedlasting/a.csv)."),
        code('#| label: fig-a\n#| fig-cap: Kart\n#| fig-alt: "Et  kart"\nx',
             display({"image/png": PNG_B64})),
        code("x", display({"text/html": BIG_SCRIPT})),
        code("x", display({"text/html": BIG_SCRIPT})),  # plotly.js again: kept once
    ]  # fmt: skip
    write_nb(tmp_path / "kap" / "a.ipynb", cells)
    return qfile


def run_embedded(
    tmp_path, monkeypatch, book="", data_date=None, site_folder=None, nb_dir=None, title="Test"
):
    import json

    import typst

    real_pandoc = embedded._pandoc
    calls: dict[str, tuple] = {}

    def pandoc(source, to, fmt, extra, outputfile=None):
        if to == "json":
            assert (fmt, extra, outputfile) == ("markdown", [], None)
            return real_pandoc(source, to, fmt, extra)
        calls[to] = (json.loads(source), fmt, extra, outputfile, (work / "plotly.min.js").is_file())
        if to == "html5":
            Path(outputfile).write_text("<html>HTML</html>", encoding="utf-8")
            return ""
        return 'image("assets/a-fig-a.png")\n#figure(caption: [\n  Kart])'

    def compile_(*args, **kwargs):
        calls["compile"] = (args, kwargs)
        Path(kwargs["output"]).write_bytes(b"%PDF")

    monkeypatch.setattr(embedded, "_pandoc", pandoc)
    monkeypatch.setattr(typst, "compile", compile_)
    qfile = embedded_book(tmp_path, book, title)
    if nb_dir is not None:  # the build staged the executed notebook elsewhere
        (tmp_path / "kap" / "a.ipynb").rename(nb_dir / "a.ipynb")
    site, work = tmp_path / "site", tmp_path / "w" / "work"
    site.mkdir()
    folder = () if site_folder is None else (site_folder,)  # the default: the site's root
    embedded._render_embedded(qfile, nb_dir, site, work, dt.date(2025, 3, 14), data_date, *folder)
    return calls, qfile, site, work


def test_embedded_html_and_typst_arguments(tmp_path, monkeypatch, utc_is_another_day):
    """The PDF's timestamp is the build date's midnight in UTC, whatever the local time zone."""
    book = "  subtitle: Undertittel\n  author: [A, B]\n"
    calls, qfile, site, work = run_embedded(
        tmp_path, monkeypatch, book, dt.date(2025, 2, 1), "bydeler"
    )
    meta = ["--metadata=title:Test", "--metadata=lang:nb", "--metadata=date:2025-03-14",
            "--metadata=toc-title:Innhold", "--metadata=subtitle:Undertittel",
            "--metadata=author:A", "--metadata=author:B"]  # fmt: skip
    doc, fmt, extra, outputfile, plotly = calls["html5"]
    assert (fmt, outputfile, plotly) == ("json", str(work / "index.html"), True)
    assert extra == [
        "--standalone", "--embed-resources", "--toc", "--toc-depth=2", "--number-sections",
        "--mathml", "--wrap=none", f"--css={config.REPORT / 'style.css'}",
        f"--resource-path={work}",
        '--variable=include-before:<p class="download">PDF-versjon for utskrift: '
        '<a href="oslohelsa.pdf">oslohelsa.pdf</a>. Data hentet 2025-02-01.</p>',
        *meta,
    ]  # fmt: skip
    assert doc["meta"] == {} and doc["pandoc-api-version"][:2] == [1, 23]
    blocks = doc["blocks"]
    assert [ast._stringify(b) for b in blocks if b["t"] == "Header"] == ["Forside", "Kapittel A"]
    para = next(b for b in blocks if b["t"] == "Para" and "Se" in ast._stringify(b))
    links = [el for el in ast._elements(para) if el["t"] == "Link"]
    assert [ast._stringify(x) for x in links] == ["Figur 1.1", "data"]
    assert links[1]["c"][2][0] == "../nedlasting/a.csv"  # from bydeler/ to the site's root
    fig = next(b for b in blocks if b["t"] == "Figure")
    image_ = next(el for el in ast._elements(fig) if el["t"] == "Image")
    assert image_["c"][2][0] == "assets/a-fig-a.png" and ast._stringify(image_["c"][1]) == "Et kart"
    assert ast._stringify(fig["c"][1][1]) == "Figur 1.1: Kart"
    assert (work / "assets" / "a-fig-a.png").is_file()

    doc, fmt, extra, outputfile, plotly = calls["typst"]
    assert (fmt, outputfile, plotly) == ("json", None, True)
    assert doc["pandoc-api-version"] == calls["html5"][0]["pandoc-api-version"]
    assert extra == [
        f"--template={config.REPORT / 'oslohelsa.typ'}", "--toc",
        *layout.typst_variables(project.load_project(qfile), qfile),
        "--variable=pdf-author:A, B", "--variable=short-title:Test",
        "--variable=date-year:2025", "--variable=date-month:3", "--variable=date-day:14",
        "--variable=data-date:2025-02-01", *meta,
    ]  # fmt: skip
    assert not any("_number" in el for el in ast._elements(doc))
    fig = next(b for b in doc["blocks"] if b["t"] == "Figure")
    assert ast._stringify(fig["c"][1][1]) == "Kart"  # Typst numbers its figures itself
    typ = work / "oslohelsa.typ"
    assert typ.read_text(encoding="utf-8") == (
        'image("assets/a-fig-a.png", alt: "Et kart")\n#figure(caption: [Kart])'
    )
    args, kwargs = calls["compile"]
    assert args == (str(typ),)
    assert kwargs == {"output": str(site / "oslohelsa.pdf"), "root": str(work), "font_paths": [],
                      "ignore_system_fonts": True, "timestamp": 1741910400}  # fmt: skip
    assert (site / "index.html").read_text(encoding="utf-8") == "<html>HTML</html>"
    scripts = [b["c"][1] for b in calls["html5"][0]["blocks"] if b["t"] == "RawBlock"]
    assert scripts == [BIG_SCRIPT, ""]


def test_embedded_without_data_date_with_the_projects_own_template_and_css(tmp_path, monkeypatch):
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "oslohelsa.typ").write_text("$body$", encoding="utf-8")
    (tmp_path / "egen.css").write_text("p {}", encoding="utf-8")
    book = "  author: Forfatter\nformat:\n  html:\n    css: egen.css\n"
    nb_dir = tmp_path / "staged"
    nb_dir.mkdir()
    calls, qfile, site, work = run_embedded(
        tmp_path, monkeypatch, book, nb_dir=nb_dir, title="Oslo helse – lang tittel"
    )
    html_extra = calls["html5"][2]
    assert f"--css={tmp_path.resolve() / 'egen.css'}" in html_extra
    assert html_extra[9] == (
        '--variable=include-before:<p class="download">PDF-versjon for utskrift: '
        '<a href="oslohelsa.pdf">oslohelsa.pdf</a></p>'
    )
    typst_extra = calls["typst"][2]
    assert typst_extra[0] == f"--template={tmp_path.resolve() / 'report' / 'oslohelsa.typ'}"
    assert "--variable=pdf-author:Forfatter" in typst_extra
    assert "--variable=short-title:Oslo helse" in typst_extra  # the running head: before " – "
    assert not any(a.startswith("--variable=data-date") for a in typst_extra)
    links = [el for el in ast._elements(calls["html5"][0]) if el["t"] == "Link"]
    assert links[1]["c"][2][0] == "nedlasting/a.csv"  # the page sits at the site's root


def test_embedded_without_author_or_title(tmp_path, monkeypatch):
    calls, *_ = run_embedded(tmp_path, monkeypatch, title=None)
    typst_extra = calls["typst"][2]
    assert "--variable=pdf-author:" in typst_extra and "--variable=short-title:" in typst_extra
    assert "--metadata=title:Rapport" in typst_extra
    assert not any(a.startswith("--metadata=author") for a in typst_extra)


def test_embedded_names_the_project_file_of_a_bad_page_layout(tmp_path, monkeypatch):
    book = "format:\n  typst:\n    fontsize: stor\n"
    with pytest.raises(DataError) as err:
        run_embedded(tmp_path, monkeypatch, book)
    assert err.value.file == str(tmp_path / "_quarto.yml")
    assert err.value.column == "format.typst.fontsize"
