"""The one atomic publish (``helpers.publish``: ``swap_in`` for a folder such as the staged
chapters or the report, ``replace_files`` for the tidy tables), as units with failures injected
into ``os.replace``; fast and in-process, so mutation testing sees them (tests/e2e/test_publish.py
does the same through whole builds)."""

from __future__ import annotations

import os

import pytest

from helpers import publish

REAL_REPLACE = os.replace


class Injected(OSError):
    pass


def _folder(path, **files):
    path.mkdir(parents=True)
    for name, content in files.items():
        (path / name).write_text(content)
    return path


def _content(path):
    return {p.name: p.read_text() for p in path.iterdir()} if path.exists() else None


def _fail_when_src_is(monkeypatch, target):
    def replace(src, dst):
        if os.fspath(src) == os.fspath(target):
            raise Injected(f"injected: os.replace({src}, {dst})")
        return REAL_REPLACE(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_build_swap_replaces_and_clears_a_stale_backup(tmp_path):
    final = _folder(tmp_path / "notebooks", **{"a.ipynb": "old"})
    _folder(tmp_path / "notebooks.old", **{"junk.ipynb": "left by a killed build"})
    staging = _folder(tmp_path / ".notebooks-x", **{"b.ipynb": "new"})
    publish.swap_in(staging, final)
    assert _content(final) == {"b.ipynb": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]


def test_build_swap_failure_restores_published_folder(tmp_path, monkeypatch):
    final = _folder(tmp_path / "notebooks", **{"a.ipynb": "old"})
    staging = _folder(tmp_path / ".notebooks-x", **{"b.ipynb": "new"})
    _fail_when_src_is(monkeypatch, staging)
    with pytest.raises(Injected):
        publish.swap_in(staging, final)
    assert _content(final) == {"a.ipynb": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]


def test_build_swap_failure_on_first_publish_leaves_nothing(tmp_path, monkeypatch):
    staging = _folder(tmp_path / ".notebooks-x", **{"b.ipynb": "new"})
    _fail_when_src_is(monkeypatch, staging)
    with pytest.raises(Injected):
        publish.swap_in(staging, tmp_path / "notebooks")
    assert list(tmp_path.iterdir()) == []


def test_report_swap_replaces_whole_folder(tmp_path):
    out = _folder(tmp_path / "_output", **{"index.html": "old", "stale.html": "old chapter"})
    site = _folder(tmp_path / "work" / "site", **{"index.html": "new"})
    publish.swap_in(site, out)
    assert _content(out) == {"index.html": "new"}
    assert not site.exists() and list((tmp_path / "work").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_output", "work"]


def test_report_swap_failure_restores_published_report(tmp_path, monkeypatch):
    out = _folder(tmp_path / "_output", **{"index.html": "old"})
    site = _folder(tmp_path / "work" / "site", **{"index.html": "new"})
    _fail_when_src_is(monkeypatch, site)
    with pytest.raises(Injected):
        publish.swap_in(site, out)
    assert _content(out) == {"index.html": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_output", "work"]


def test_replace_files_all_or_nothing(tmp_path, monkeypatch):
    """The second of three files fails to move in: the first is put back, the third untouched."""
    out = _folder(tmp_path / "data", **{"a": "old a", "b": "old b"})
    tmp = _folder(tmp_path / ".data-tmp", **{"a": "new a", "b": "new b", "c": "new c"})
    _fail_when_src_is(monkeypatch, tmp / "b")
    with pytest.raises(Injected):
        publish.replace_files(tmp, out, ("a", "b", "c"))
    assert _content(out) == {"a": "old a", "b": "old b"}
    monkeypatch.setattr(os, "replace", REAL_REPLACE)
    tmp2 = _folder(tmp_path / ".data-tmp2", **{"a": "new a", "b": "new b", "c": "new c"})
    publish.replace_files(tmp2, out, ("a", "b", "c"))
    assert _content(out) == {"a": "new a", "b": "new b", "c": "new c"}


def test_first_publish_of_a_folder(tmp_path):
    """Nothing published yet (no folder, so no backup to remove afterwards): the staging folder
    becomes the published one, and nothing else is left."""
    staging = _folder(tmp_path / "work" / "site", **{"index.html": "new"})
    publish.swap_in(staging, tmp_path / "_output")
    assert _content(tmp_path / "_output") == {"index.html": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_output", "work"]


def test_replace_files_failing_on_a_new_file_raises_the_failure(tmp_path, monkeypatch):
    """The file that fails to move in had no predecessor: the rollback removes nothing that is
    not there, puts the replaced file back, and the caller sees the original error."""
    out = _folder(tmp_path / "data", **{"a": "old a"})
    tmp = _folder(tmp_path / ".data-tmp", **{"a": "new a", "c": "new c"})
    _fail_when_src_is(monkeypatch, tmp / "c")
    with pytest.raises(Injected):
        publish.replace_files(tmp, out, ("a", "c"))
    assert _content(out) == {"a": "old a"}
