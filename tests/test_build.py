"""helpers.build: the job list matches the chapter list, caching keys, and failing safely."""

import pytest

from helpers import build, config, render


def test_jobs_cover_every_notebook_chapter_once():
    """One chapter list: every executed notebook in _quarto.yml is produced by exactly one job."""
    chapter_notebooks = [p.name for p in render.chapters() if p.suffix == ".ipynb"]
    outputs = [job.output for job in build.jobs()]
    assert outputs == chapter_notebooks
    areas = [job.parameters["area"] for job in build.jobs() if "area" in job.parameters]
    assert areas == list(config.AREAS)


def test_fingerprint_depends_on_parameters_and_inputs():
    a, b = build.jobs(seed=1)[1], build.jobs(seed=2)[1]
    assert a.fingerprint("x") != b.fingerprint("x")
    assert a.fingerprint("x") != a.fingerprint("y")
    assert a.fingerprint("x") == build.jobs(seed=1)[1].fingerprint("x")


def test_swap_in_replaces_folder(tmp_path):
    final, staging = tmp_path / "notebooks", tmp_path / "staging"
    final.mkdir()
    (final / "old.txt").write_text("old")
    staging.mkdir()
    (staging / "new.txt").write_text("new")
    build._swap_in(staging, final)
    assert [p.name for p in final.iterdir()] == ["new.txt"]
    assert not staging.exists() and not (tmp_path / "notebooks.old").exists()


@pytest.fixture
def published(tmp_path, monkeypatch):
    """A previously published build and report (placeholders) in a temporary project build."""
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("OSLOHELSA_OUTPUT", str(tmp_path / "out"))
    files = {
        tmp_path / "build" / "notebooks" / "levekar.ipynb": "previous notebook",
        tmp_path / "build" / "data" / "indicators.parquet": "previous data",
        tmp_path / "out" / "index.html": "previous report",
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return files


def test_bad_input_stops_build_and_keeps_published_output(tmp_path, published, capsys):
    """A malformed raw table (synthetic: header only) fails before any notebook runs."""
    bad = tmp_path / "val001_header_only_SYNTHETIC.csv"
    raw = config.DATA_RAW / "oslo_val001_valgdeltakelse_kommunestyre_bydel_delbydel_2023.csv"
    bad.write_text(raw.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    from helpers.errors import DataError

    with pytest.raises(DataError, match="val001_header_only_SYNTHETIC.csv"):
        build.build(engine="embedded", paths={"val001": bad})
    for path, content in published.items():
        assert path.read_text() == content
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["data", "notebooks"]


def test_main_reports_data_errors_in_bokmal(monkeypatch, capsys):
    from helpers.errors import DataError

    def fail(**_kwargs):
        raise DataError("data/raw/x.csv", "unknown bydel", row=3, column="bydel_navn")

    monkeypatch.setattr(build, "build", fail)
    assert build.main(["--in-process"]) == 2
    err = capsys.readouterr().err
    assert "rapporten er ikke bygget" in err and 'row 3, column "bydel_navn"' in err
