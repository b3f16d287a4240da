"""helpers.build: the job list follows the chapter list of _quarto.yml, and failing safely."""

import pytest

from helpers import build, build_cli, config, render


def test_jobs_cover_every_notebook_chapter_once():
    """One chapter list: every executed notebook in _quarto.yml is produced by exactly one job."""
    chapter_notebooks = [p.name for p in render.chapters() if p.suffix == ".ipynb"]
    outputs = [job.output for job in build.jobs()]
    assert outputs == chapter_notebooks
    areas = [job.parameters["area"] for job in build.jobs() if "area" in job.parameters]
    assert areas == list(config.AREAS)


def test_job_order_comes_from_quarto_yml_alone(tmp_path):
    """Reordering the chapters in _quarto.yml reorders the jobs (no second list); a notebook
    chapter the build cannot make stops it with the file and key named."""
    import yaml

    from helpers.errors import DataError

    doc = yaml.safe_load(config.QUARTO_FILE.read_text(encoding="utf-8"))
    chapters = doc["book"]["chapters"]
    chapters[1], chapters[2] = chapters[2], chapters[1]  # levekar before oversikt
    moved = tmp_path / "_quarto.yml"
    moved.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for rel in ("index.qmd", *(c for c in chapters if isinstance(c, str))):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).touch()
    for part in (c for c in chapters if isinstance(c, dict)):
        for rel in part["chapters"]:
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).touch()
    outputs = [job.output for job in build.jobs(quarto_file=moved)]
    assert outputs == [p.name for p in render.chapters(moved) if p.suffix == ".ipynb"]
    assert outputs[:2] == ["levekar.ipynb", "oversikt.ipynb"]
    chapters.append("kapitler/ukjent.ipynb")
    (tmp_path / "kapitler" / "ukjent.ipynb").touch()
    moved.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match="ukjent.ipynb"):
        build.jobs(quarto_file=moved)


def test_profile_jobs_named_as_helpers_profile_names_them():
    """The job list names profiles without importing helpers.present.profile (the Snakefile builds
    it
    on every run); its names and titles must be the profile module's."""
    from helpers.present import profile

    made = {j.parameters["bydel"]: j for j in build.jobs() if j.template == "bydel.ipynb"}
    assert set(made) == set(config.BYDELER)
    for code, job in made.items():
        assert job.output == f"{profile.output_name(code)}.ipynb"
        assert job.title == profile.title(code)


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

    monkeypatch.setattr(build, "run_workflow", fail)
    assert build_cli.main([]) == 2
    err = capsys.readouterr().err
    assert "rapporten er ikke bygget" in err and 'row 3, column "bydel_navn"' in err
