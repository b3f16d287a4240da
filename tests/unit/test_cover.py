"""The cover states the report's own date and when the data were fetched (issue 14)."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from helpers import render


def test_cover_has_report_date_and_data_date(tmp_path):
    (tmp_path / "index.qmd").write_text("# Om rapporten\n\nTekst.\n", encoding="utf-8")
    qfile = tmp_path / "_quarto.yml"
    qfile.write_text(
        "project: {type: book}\nbook:\n  title: Test\n  chapters: [index.qmd]\n",
        encoding="utf-8",
    )
    result = render.render(
        tmp_path / "out",
        engine="embedded",
        quarto_file=qfile,
        date=dt.date(2026, 6, 1),
        data_date=dt.date(2026, 5, 1),
    )
    cover = PdfReader(result.pdf).pages[0].extract_text()
    assert "Rapportens dato: 2026-06-01" in cover
    assert "Data hentet 2026-05-01" in cover
    assert "Data hentet 2026-05-01" in result.html.read_text(encoding="utf-8")
