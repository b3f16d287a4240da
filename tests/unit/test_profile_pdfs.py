"""``profile.pdfs_for_site``: one PDF per bydel, rendered one or several at a time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from helpers import config
from helpers.present import profile


@pytest.mark.parametrize("workers", [1, 2])
def test_every_bydel_pdf_is_rendered_once_into_the_site(tmp_path, monkeypatch, workers):
    calls = []

    def fake_render(code, chapters_dir, target, *, date=None, data_date=None):
        assert date is None  # the report's own date rule (SOURCE_DATE_EPOCH, book.date, today)
        calls.append((code, chapters_dir, target, data_date, threading.current_thread().name))
        return target

    monkeypatch.setattr(profile, "render_pdf", fake_render)
    profile.pdfs_for_site(tmp_path / "kapitler", data_date="2026-11-29", workers=workers)(tmp_path)
    assert sorted(c[0] for c in calls) == sorted(config.BYDELER)
    for code, chapters, target, data_date, _thread in calls:
        assert chapters == tmp_path / "kapitler" and data_date == "2026-11-29"
        assert target == tmp_path / profile.PDF_FOLDER / profile.pdf_name(code)
    threads = {c[4] for c in calls}
    if workers == 1:
        assert threads == {threading.current_thread().name}
    else:
        assert all(name.startswith("profil-pdf") for name in threads)


def test_a_failing_bydel_pdf_stops_the_publish(tmp_path, monkeypatch):
    broken = list(config.BYDELER)[3]

    def fake_render(code, chapters_dir, target, *, date=None, data_date=None):
        if code == broken:
            raise RuntimeError(f"typst failed for {code} (test)")
        return Path(target)

    monkeypatch.setattr(profile, "render_pdf", fake_render)
    with pytest.raises(RuntimeError, match=f"typst failed for {broken}"):
        profile.pdfs_for_site(tmp_path, workers=2)(tmp_path)
