"""The build's wiring, in-process (so that mutation testing sees it): which notebooks run with
which parameters, where their outputs go, and what a notebook's re-execution depends on.

``tests/e2e/test_snakemake.py`` checks the same decisions through Snakemake itself, in a
subprocess (invisible to mutmut); these tests call the functions the Snakefile calls.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers import build, build_cli, config, workflow
from helpers.errors import DataError, ParameterError


def test_build_params_defaults_and_types():
    """Snakemake's ``--config`` gives strings; missing values are the report's defaults."""
    defaults = {
        "rank_by": config.DEFAULT_RANK_BY,
        "rank_year": config.DEFAULT_RANK_YEAR,
        "seed": config.DEFAULT_SEED,
        "repetitions": config.DEFAULT_REPETITIONS,
    }
    assert workflow.build_params() == defaults
    assert workflow.build_params({}) == defaults
    given = {"rank_by": "x", "rank_year": "2023", "seed": "7", "repetitions": "1500"}
    assert workflow.build_params(given) == {
        "rank_by": "x",
        "rank_year": 2023,
        "seed": 7,
        "repetitions": 1500,
    }
    assert workflow.build_params({"seed": "3"}) == {**defaults, "seed": 3}


# --- which notebooks run, with which parameters, under which title --------------------------

# The notebook chapters of _quarto.yml, in its order (written out: the book is the one list).
BOOK_ORDER = [
    "oversikt",
    "levekar",
    "oppvekst_utdanning",
    "nabolag_moteplasser",
    "klima_miljo",
    "levevaner_helsetjenester",
    "kilder",
    *(
        "bydel-" + slug
        for slug in (
            "gamle-oslo", "grunerlokka", "sagene", "st-hanshaugen", "frogner", "ullern",
            "vestre-aker", "nordre-aker", "bjerke", "grorud", "stovner", "alna", "ostensjo",
            "nordstrand", "sondre-nordstrand",
        )
    ),
]  # fmt: skip


def test_jobs_are_the_book_s_notebook_chapters_with_their_parameters_and_titles():
    jobs = build.jobs(rank_by="lavinntekt_husholdninger", rank_year=2023, seed=7, repetitions=1500)
    assert [build.job_folder(j) for j in jobs] == BOOK_ORDER
    assert [j.output for j in jobs] == [f"{name}.ipynb" for name in BOOK_ORDER]
    ranking = {"rank_by": "lavinntekt_husholdninger", "rank_year": 2023}
    analysis = {**ranking, "seed": 7, "repetitions": 1500}
    by_output = {j.output: j for j in jobs}
    overview = by_output["oversikt.ipynb"]
    assert (overview.template, overview.parameters, overview.title) == (
        "oversikt.ipynb",
        analysis,
        "Oversikt",
    )
    for area in config.AREAS.values():
        job = by_output[f"{area.id}.ipynb"]
        assert (job.template, job.parameters, job.title) == (
            "innsatsomrade.ipynb",
            {**analysis, "area": area.id},
            area.title_nb,
        )
    sources = by_output["kilder.ipynb"]
    assert (sources.template, sources.parameters, sources.title) == (
        "kilder.ipynb",
        {},
        "Data og kilder",
    )
    profiles = jobs[len(config.AREAS) + 2 :]
    assert [(j.template, j.parameters, j.title) for j in profiles] == [
        ("bydel.ipynb", {"bydel": code, **ranking}, f"Bydel {name}")
        for code, name in config.BYDELER.items()
    ]
    assert build.jobs()[0].parameters == {
        "rank_by": config.DEFAULT_RANK_BY,
        "rank_year": config.DEFAULT_RANK_YEAR,
        "seed": config.DEFAULT_SEED,
        "repetitions": config.DEFAULT_REPETITIONS,
    }


def _book(tmp_path: Path, chapters: list) -> Path:
    qfile = tmp_path / "_quarto.yml"
    book = {"project": {"type": "book"}, "book": {"title": "Test", "chapters": chapters}}
    qfile.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return qfile


def test_jobs_follow_the_given_book_and_name_a_chapter_they_cannot_make(tmp_path):
    """The book decides which notebooks run and in which order; a notebook chapter the build
    cannot make stops it, naming the chapter, the file and what the build makes."""
    qfile = _book(
        tmp_path,
        ["index.qmd", "kapitler/kilder.ipynb", "report/metode.qmd", "kapitler/bydel-alna.ipynb",
         "kapitler/levekar.ipynb"],
    )  # fmt: skip
    assert [j.output for j in build.jobs(quarto_file=qfile)] == [
        "kilder.ipynb",
        "bydel-alna.ipynb",
        "levekar.ipynb",
    ]
    qfile = _book(tmp_path, ["index.qmd", "kapitler/levekar.ipynb", "kapitler/ukjent.ipynb"])
    with pytest.raises(DataError) as info:
        build.jobs(quarto_file=qfile)
    message = str(info.value)
    assert str(qfile) in message and "book.chapters" in message
    assert "chapter(s) ukjent.ipynb listed, but no notebook of the build makes them" in message
    assert "(it makes oversikt.ipynb, levekar.ipynb, " in message
    assert message.rstrip(")").endswith("bydel-sondre-nordstrand.ipynb")


def test_profile_file_names_are_the_bydel_names_in_ascii():
    assert [build._profile_output(code) for code in config.BYDELER] == [
        name for name in BOOK_ORDER if name.startswith("bydel-")
    ]


def test_job_folder_is_the_output_s_stem():
    assert build.job_folder(build.NotebookJob("t.ipynb", "bydel-alna.ipynb", {})) == "bydel-alna"


def test_jobs_by_id_and_the_national_edition(tmp_path):
    """By id (the execution's folder); with a regions file also one area chapter per region and
    area, with the kommune level and the region's code (blank lines and spaces ignored)."""
    params = workflow.build_params({"seed": "7"})
    plain = workflow.jobs_by_id(params)
    assert list(plain) == BOOK_ORDER
    assert plain == {build.job_folder(j): j for j in build.jobs(**params)}
    regions = tmp_path / "regions.txt"
    regions.write_text(" 4601 \n\n5001\n", encoding="utf-8")
    national = workflow.jobs_by_id(params, regions)
    extra = {k: v for k, v in national.items() if k not in plain}
    assert list(national)[: len(plain)] == BOOK_ORDER
    assert list(extra) == [f"{code}-{a}" for code in ("4601", "5001") for a in config.AREAS]
    job = extra["5001-klima_miljo"]
    assert job == build.NotebookJob(
        "innsatsomrade.ipynb",
        "5001-klima_miljo.ipynb",
        {**params, "area": "klima_miljo", "geo_level": "kommune", "region": "5001"},
        title=f"5001: {config.AREAS['klima_miljo'].title_nb}",
    )
    assert workflow.jobs_by_id(params, str(regions)) == national


def test_one_kernel_jobs_are_the_bydel_profiles_in_book_order():
    jobs = workflow.jobs_by_id(workflow.build_params())
    assert workflow.one_kernel_jobs(jobs) == [n for n in BOOK_ORDER if n.startswith("bydel-")]
    assert workflow.one_kernel_jobs({k: v for k, v in jobs.items() if k == "levekar"}) == []


# --- what each rule reads --------------------------------------------------------------------


def test_data_rule_reads_every_listed_file_the_catalogue_the_manifest_and_the_code():
    inputs = workflow.data_inputs()
    assert all(isinstance(p, str) for p in inputs)
    listed = [e["path"] for e in yaml.safe_load(config.SOURCES_FILE.read_text())["files"]]
    expected = [str(config.ROOT / p) for p in listed]
    expected += [str(config.CATALOGUE_FILE), str(config.SOURCES_FILE)]
    expected += [str(p) for p in sorted((config.ROOT / "src" / "helpers").rglob("*.py"))]
    assert inputs == expected
    assert str(config.ROOT / "src" / "helpers" / "workflow.py") in inputs


def test_data_rule_inputs_leave_out_files_that_are_not_there(tmp_path, monkeypatch):
    sources = tmp_path / "sources.yml"
    sources.write_text("files:\n- {path: data/raw/finnes-ikke.csv}\n", encoding="utf-8")
    monkeypatch.setattr(config, "SOURCES_FILE", sources)
    inputs = workflow.data_inputs()
    assert inputs[:2] == [str(config.CATALOGUE_FILE), str(sources)]


def test_publish_rule_reads_the_book_s_own_files(tmp_path, monkeypatch):
    assert workflow.publish_inputs() == [
        str(config.QUARTO_FILE),
        str(config.ROOT / "index.qmd"),
        *(str(p) for p in sorted(config.REPORT.glob("*.qmd"))),
        str(config.CATALOGUE_FILE),
    ]
    assert len(workflow.publish_inputs()) > 3  # report/*.qmd are there
    monkeypatch.setattr(config, "CATALOGUE_FILE", tmp_path / "finnes-ikke.yml")
    assert str(tmp_path / "finnes-ikke.yml") not in workflow.publish_inputs()


# --- what a notebook's re-execution depends on (its dependency key) --------------------------

# A synthetic catalogue and sources manifest (not Oslo's): areas A and B, one indicator each
# with its own raw file, a planned indicator in A, two ranking variables.
CATALOGUE = {
    "areas": [{"id": "A", "name_nb": "Område A"}, {"id": "B", "name_nb": "Område B"}],
    "indicators": [
        {"id": "ind_a", "area": "A", "name_nb": "a"},
        {"id": "ind_b", "area": "B", "name_nb": "b"},
        {"id": "ind_p", "area": "A", "name_nb": "p", "status": "planned"},
    ],
    "ranking": [
        {"id": "rank1", "indicator": "rank_ind"},
        {"id": "rank2"},
    ],
    "defaults": {"min_count": 5},
}
SOURCES = {
    "files": [
        {"path": "raw/a.csv", "role": "indicator", "used_for": ["ind_a"]},
        {"path": "raw/b.csv", "role": "indicator", "used_for": ["ind_b"]},
        {"path": "raw/rank.csv", "role": "indicator", "used_for": ["rank_ind"]},
        {"path": "raw/rank2.csv", "role": "indicator", "used_for": ["rank2"]},
        {"path": "raw/pop.csv", "role": "population"},
        {"path": "shapes/geo.json", "role": "geometry"},
        {"path": "raw/ctx.csv", "role": "context", "used_for": None},
        {"path": "tests/fixture.json", "role": "test_fixture"},
    ]
}
EVERYTHING = ["raw/a.csv", "raw/b.csv", "raw/ctx.csv", "raw/pop.csv", "raw/rank.csv",
              "raw/rank2.csv", "shapes/geo.json"]  # fmt: skip


@pytest.fixture
def fake_digests(monkeypatch):
    """Content digests as text naming the file (``sha:<path relative to the root>``), so that a
    key shows which files it covers; the git state fixed."""

    def digest(path):
        return "sha:" + Path(path).relative_to(config.ROOT).as_posix()

    monkeypatch.setattr(workflow, "sha256_cached", digest)
    state = {("rev-parse", "HEAD"): "abc123", ("status", "-s"): " M src/helpers/build.py"}
    monkeypatch.setattr(workflow, "_git", lambda *args: state[args])


def _area_job(area: str) -> build.NotebookJob:
    return build.NotebookJob("innsatsomrade.ipynb", f"{area}.ipynb", {"area": area})


def test_an_area_s_key_is_its_indicators_the_ranking_and_the_maps(fake_digests):
    key = workflow.dependency_key(_area_job("A"), {"rank_by": "rank1"}, CATALOGUE, SOURCES)
    assert key == {
        "template": "sha:notebooks/innsatsomrade.ipynb",
        "catalogue": {
            "indicators": [CATALOGUE["indicators"][0], CATALOGUE["indicators"][2]],
            "ranking": [CATALOGUE["ranking"][0]],
            "area": [CATALOGUE["areas"][0]],
            "defaults": {"min_count": 5},
        },
        # its indicator's and the ranking's files, the maps and the context; not population
        # (read through the tidy tables' denominators), not the other area's file
        "raw": {
            p: f"sha:{p}" for p in ("raw/a.csv", "raw/ctx.csv", "raw/rank.csv", "shapes/geo.json")
        },
        "code": workflow._code_digest(),
    }
    other = workflow.dependency_key(_area_job("B"), {"rank_by": "rank2"}, CATALOGUE, SOURCES)
    assert sorted(other["raw"]) == ["raw/b.csv", "raw/ctx.csv", "raw/rank2.csv", "shapes/geo.json"]
    assert other["catalogue"]["ranking"] == [{"id": "rank2"}]


def test_an_area_s_key_changes_with_its_own_entries_only(fake_digests):
    params = {"rank_by": "rank1"}
    before = {a: workflow.dependency_key(_area_job(a), params, CATALOGUE, SOURCES) for a in "AB"}
    changed = copy.deepcopy(CATALOGUE)
    changed["indicators"][1]["name_nb"] = "b (endret)"
    after = {a: workflow.dependency_key(_area_job(a), params, changed, SOURCES) for a in "AB"}
    assert after["A"] == before["A"] and after["B"] != before["B"]
    changed = copy.deepcopy(CATALOGUE)
    changed["defaults"]["min_count"] = 10
    after = {a: workflow.dependency_key(_area_job(a), params, changed, SOURCES) for a in "AB"}
    assert after["A"] != before["A"] and after["B"] != before["B"]


def test_an_indicator_read_from_an_unlisted_file_makes_the_area_read_everything(fake_digests):
    """An indicator that sources.yml does not place (a file ``make data`` fetched): its area may
    read any file, so its key covers every shipped one; a planned indicator (no data yet), or
    one the raw-table registry does not read, changes nothing."""
    from helpers.pipeline import loaders

    params = {"rank_by": "rank1"}
    doc = copy.deepcopy(CATALOGUE)
    doc["indicators"].append({"id": "ikke_i_registeret", "area": "A"})
    key = workflow.dependency_key(_area_job("A"), params, doc, SOURCES)
    assert sorted(key["raw"]) == ["raw/a.csv", "raw/ctx.csv", "raw/rank.csv", "shapes/geo.json"]
    doc["indicators"].append({"id": next(iter(loaders.INDICATOR_TABLES)), "area": "A"})
    key = workflow.dependency_key(_area_job("A"), params, doc, SOURCES)
    assert sorted(key["raw"]) == EVERYTHING


def test_the_overview_profiles_and_sources_chapter_read_everything(fake_digests):
    overview = build.NotebookJob("oversikt.ipynb", "oversikt.ipynb", {"rank_by": "rank1"})
    key = workflow.dependency_key(overview, {"rank_by": "rank1"}, CATALOGUE, SOURCES)
    assert key["template"] == "sha:notebooks/oversikt.ipynb"
    assert key["catalogue"] == {"catalogue": "sha:data/indicators.yml"}
    assert key["raw"] == {p: f"sha:{p}" for p in EVERYTHING}  # every file but test fixtures
    assert "git" not in key
    sources = build.NotebookJob("kilder.ipynb", "kilder.ipynb", {})
    key = workflow.dependency_key(sources, {"rank_by": "rank1"}, CATALOGUE, SOURCES)
    # the sources chapter prints the code version: a new commit re-executes it
    assert key["git"] == {"commit": "abc123", "dirty": True}


def test_keys_are_rewritten_only_when_their_content_changes(tmp_path):
    """Snakemake compares modification times: an unchanged key must keep its file's."""
    params = workflow.build_params()
    jobs = workflow.jobs_by_id(params)
    folder = tmp_path / "build" / "keys"
    paths = workflow.write_keys(jobs, params, folder)
    assert paths == {job: folder / f"{job}.json" for job in jobs}
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{job}.json" for job in jobs)
    catalogue_doc = yaml.safe_load(config.CATALOGUE_FILE.read_text(encoding="utf-8"))
    sources = yaml.safe_load(config.SOURCES_FILE.read_text(encoding="utf-8"))
    key = workflow.dependency_key(jobs["levekar"], params, catalogue_doc, sources)
    assert paths["levekar"].read_text() == json.dumps(key, indent=1, sort_keys=True)
    old = 946_684_800  # 2000-01-01
    for path in paths.values():
        os.utime(path, (old, old))
    paths["kilder"].write_text("{}")
    os.utime(paths["kilder"], (old, old))
    assert workflow.write_keys(jobs, params, folder) == paths
    mtimes = {job: path.stat().st_mtime for job, path in paths.items()}
    assert mtimes.pop("kilder") > old  # its content had changed: rewritten
    assert mtimes == {job: old for job in jobs if job != "kilder"}
    assert json.loads(paths["kilder"].read_text())["template"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{job}.json" for job in jobs)


# --- the executed notebook as staged: its title, nothing that differs between identical builds


def test_front_matter_cell_is_a_raw_yaml_title_with_a_fixed_id():
    cell = build.front_matter_cell("Levekår: «bolig»")
    assert cell.cell_type == "raw" and cell.id == "front-matter"
    assert cell.source == "---\ntitle: 'Levekår: «bolig»'\n---"
    assert yaml.safe_load(cell.source.strip("-\n")) == {"title": "Levekår: «bolig»"}


def test_set_title_on_an_empty_notebook_and_before_a_raw_cell_that_is_not_front_matter():
    nb = nbformat.v4.new_notebook()
    build.set_title(nb, "Oversikt")
    assert [c.source for c in nb.cells] == ["---\ntitle: Oversikt\n---"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell("rå tekst")])
    build.set_title(nb, "Oversikt")
    assert [c.source for c in nb.cells] == ["---\ntitle: Oversikt\n---", "rå tekst"]


KERNELSPEC = {"name": "python3", "display_name": "Python 3"}


def _executed_notebook(path: Path) -> None:
    """A notebook as papermill leaves it: timings, paths, execution counts, a random id on the
    injected parameters cell."""
    params = nbformat.v4.new_code_cell("seed = 1", execution_count=1)
    params.metadata = {"tags": ["parameters"], "papermill": {"duration": 0.1}}
    injected = nbformat.v4.new_code_cell("seed = 7", execution_count=2)
    injected.metadata = {"tags": ["injected-parameters"], "papermill": {"duration": 0.2}}
    injected.id = "a1b2c3d4"
    shown = nbformat.v4.new_code_cell(
        "seed",
        execution_count=3,
        outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "7"}, execution_count=3),
                 nbformat.v4.new_output("stream", text="ok\n")],
    )  # fmt: skip
    shown.metadata = {"execution": {"iopub.status.busy": "2026-11-30T10:00:00Z"}, "keep": 1}
    text = nbformat.v4.new_markdown_cell("Tekst.")
    text.metadata = {"papermill": {"status": "completed"}}
    for cell, cell_id in ((params, "params"), (shown, "shown"), (text, "text")):
        cell.id = cell_id  # the template's ids, which papermill keeps
    nb = nbformat.v4.new_notebook(cells=[params, injected, shown, text])
    nb.metadata = {"papermill": {"input_path": "elsewhere/x.ipynb"}, "kernelspec": KERNELSPEC}
    nbformat.write(nb, path)


def test_normalised_notebook_has_its_title_first_and_nothing_that_varies(tmp_path):
    path = tmp_path / "levekar.ipynb"
    _executed_notebook(path)
    build._normalise_notebook(path, "Levekår")
    nb = nbformat.read(path, as_version=4)
    assert dict(nb.metadata) == {"kernelspec": KERNELSPEC}
    assert [c.id for c in nb.cells][:1] == ["front-matter"]
    assert nb.cells[0].source == "---\ntitle: Levekår\n---"
    params, injected, shown, text = nb.cells[1:]
    assert injected.id == "injected-parameters"
    assert [dict(c.metadata) for c in (params, injected, shown, text)] == [
        {"tags": ["parameters"]},
        {"tags": ["injected-parameters"]},
        {"keep": 1},
        {},
    ]
    assert [params.execution_count, injected.execution_count, shown.execution_count] == [None] * 3
    assert shown.outputs[0]["execution_count"] is None and shown.outputs[0]["data"] == {
        "text/plain": "7"
    }
    assert "execution_count" not in shown.outputs[1]
    # normalising twice changes nothing, and two identical runs give identical files
    first = path.read_bytes()
    build._normalise_notebook(path, "Levekår")
    assert path.read_bytes() == first
    other = tmp_path / "again.ipynb"
    _executed_notebook(other)
    build._normalise_notebook(other, "Levekår")
    assert other.read_bytes() == first


def test_normalised_notebook_without_a_title_gets_no_front_matter(tmp_path):
    path = tmp_path / "x.ipynb"
    _executed_notebook(path)
    build._normalise_notebook(path)
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["code", "code", "code", "markdown"]


# --- the command line: each option's limits, and what the data-only run does ----------------


def _options(*argv: str):
    return build_cli.parser().parse_args(list(argv))


@pytest.mark.parametrize(
    "option, lowest",
    [("--rank-year", 1900), ("--seed", 0), ("--repetitions", 1000), ("--workers", 1)],
)
def test_each_number_option_s_lowest_value(option, lowest):
    build_cli.check_options(_options(option, str(lowest)))  # accepted
    with pytest.raises(ParameterError) as info:
        build_cli.check_options(_options(option, str(lowest - 1)))
    assert str(info.value) == f"{option}: {lowest - 1} is too small; it must be at least {lowest}"


def test_the_defaults_pass_the_checks_and_the_rank_by_is_checked():
    build_cli.check_options(_options())
    with pytest.raises(ParameterError, match=r"^--rank-by: 'x'"):
        build_cli.check_options(_options("--rank-by", "x"))


def test_the_parser_s_options_and_defaults():
    args = vars(_options())
    assert args == {
        "engine": "auto",
        "force": False,
        "rank_by": config.DEFAULT_RANK_BY,
        "rank_year": config.DEFAULT_RANK_YEAR,
        "seed": config.DEFAULT_SEED,
        "repetitions": config.DEFAULT_REPETITIONS,
        "workers": None,
        "data_only": False,
    }
    argv = ["--engine", "embedded", "--force", "--rank-by", "r", "--rank-year", "2023",
            "--seed", "7", "--repetitions", "2000", "--workers", "3", "--data-only"]  # fmt: skip
    assert vars(_options(*argv)) == {
        "engine": "embedded",
        "force": True,
        "rank_by": "r",
        "rank_year": 2023,
        "seed": 7,
        "repetitions": 2000,
        "workers": 3,
        "data_only": True,
    }
    assert _options("--engine", "quarto").engine == "quarto"
    parser = build_cli.parser()
    assert parser.prog == "python -m helpers.build"
    assert parser.description == build.__doc__.splitlines()[0]


def test_a_wrong_option_is_answered_in_two_lines(capsys):
    with pytest.raises(SystemExit) as info:
        build_cli.parser().parse_args(["--engine", "latex"])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "python -m helpers.build: argument --engine: invalid choice: 'latex' "
        "(choose from 'auto', 'quarto', 'embedded')",
        "See `python -m helpers.build --help` for every option.",
    ]


def test_help_text_as_the_user_reads_it(monkeypatch):
    """``python -m helpers.build --help``, whitespace collapsed (its line breaks follow the
    terminal's width, here a wide one, so that no word is broken at a hyphen): every option
    with its values, its default and what it does."""
    monkeypatch.setenv("COLUMNS", "1000")
    text = " ".join(build_cli.parser().format_help().split())
    assert text == (
        "usage: python -m helpers.build [-h] [--engine {auto,quarto,embedded}] [--force] "
        "[--rank-by ID] [--rank-year YEAR] [--seed SEED] [--repetitions N] [--workers N] "
        "[--data-only] "
        "Build the whole report: validate data, execute the notebooks with papermill, render. "
        "options: -h, --help show this help message and exit "
        "--engine {auto,quarto,embedded} renderer: quarto (needs the quarto binary), embedded "
        "(pandoc + Typst), or auto (quarto when installed, else embedded; default) "
        "--force re-execute every notebook, also those whose inputs did not change "
        "--rank-by ID socioeconomic variable the bydeler are ranked by: an id under `ranking` in "
        f"data/indicators.yml with data (default {config.DEFAULT_RANK_BY}) "
        f"--rank-year YEAR year of the ranking variable (default {config.DEFAULT_RANK_YEAR}) "
        "--seed SEED seed of the Monte Carlo intervals for SII/RII "
        f"(default {config.DEFAULT_SEED}) "
        "--repetitions N Monte Carlo draws for the SII/RII intervals, at least 1000 "
        f"(default {config.DEFAULT_REPETITIONS}) "
        "--workers N notebooks executed at the same time: Snakemake's --cores (default: every "
        "core of the machine) "
        "--data-only only steps 1-2: check the raw files and rebuild build/data (what a "
        "notebook reads), then stop "
        "A wrong value stops the build at once with the valid choices (exit status 2); bad "
        "input data stops it before anything published is replaced."
    )


def test_data_only_builds_the_data_and_stops(monkeypatch, capsys, tmp_path):
    calls = []

    def prepare_data(*args, **kwargs):
        calls.append((args, kwargs))
        return tmp_path / "data"

    monkeypatch.setattr(build, "prepare_data", prepare_data)
    monkeypatch.setattr(build, "run_workflow", lambda **_: pytest.fail("the workflow ran"))
    assert build_cli.main(["--data-only"]) == 0
    assert calls == [((), {})]
    assert capsys.readouterr().out == f"Data er bygget: {tmp_path / 'data'}\n"


def test_bad_input_or_parameter_found_while_building_is_answered_in_one_line(monkeypatch, capsys):
    def bad_data(**_):
        raise DataError(config.ROOT / "data/raw/x.csv", "unknown bydel", row=3, column="bydel")

    monkeypatch.setattr(build, "prepare_data", bad_data)
    assert build_cli.main(["--data-only"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Feil i inndata, rapporten er ikke bygget: data/raw/x.csv, row 3")
    assert len(err.splitlines()) == 1

    def bad_year(**_):
        raise ParameterError("--rank-year", "2031 has no data")

    monkeypatch.setattr(build, "prepare_data", bad_year)
    assert build_cli.main(["--data-only"]) == 2
    assert capsys.readouterr().err == "python -m helpers.build: --rank-year: 2031 has no data\n"


# --- staging: the executed chapters where the book lists them ---------------------------------


def _executed_jobs(notebooks: Path, titles: dict[str, str]) -> None:
    """Executed notebooks as the build leaves them: each in its job's own folder, its figures in
    ``<job>/figures/<job>/`` (synthetic, not Oslo's)."""
    for name, title in titles.items():
        folder = notebooks / Path(name).stem
        figures = folder / "figures" / folder.name
        figures.mkdir(parents=True)
        (figures / "kart.png").write_bytes(f"figure of {name}".encode())
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Tekst.")])
        nb.metadata["kernelspec"] = KERNELSPEC
        build.set_title(nb, title)
        nbformat.write(nb, folder / name)


TITLES = {"levekar.ipynb": "Levekår", "kilder.ipynb": "Data og kilder"}


def test_staging_takes_each_chapter_and_its_figures_from_its_job_s_folder(tmp_path, monkeypatch):
    """The build's layout: ``build/notebooks/<job>/``; the default destination is the build's
    chapters folder, made with its parents when there is none yet."""
    qfile = _book(tmp_path, ["index.qmd", "kapitler/levekar.ipynb", "kapitler/kilder.ipynb"])
    notebooks = tmp_path / "build" / "notebooks"
    _executed_jobs(notebooks, TITLES)
    monkeypatch.setenv("OSLOHELSA_BUILD", str(tmp_path / "ny" / "build"))
    dest = build.stage_chapters(notebooks, quarto_file=qfile, titles=TITLES)
    assert dest == tmp_path / "ny" / "build" / "kapitler" == config.chapters_dir()
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [
        "figures/kilder/kart.png",
        "figures/levekar/kart.png",
        "kilder.ipynb",
        "levekar.ipynb",
        "plotly.min.js",
    ]
    assert (dest / "figures" / "levekar" / "kart.png").read_bytes() == b"figure of levekar.ipynb"
    assert (dest / "kilder.ipynb").read_bytes() == (
        notebooks / "kilder" / "kilder.ipynb"
    ).read_bytes()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["kapitler"]  # no staging folder left


def test_staging_that_fails_half_way_leaves_the_published_chapters(tmp_path, monkeypatch):
    from helpers.present import maps_interactive

    qfile = _book(tmp_path, ["index.qmd", "kapitler/levekar.ipynb", "kapitler/kilder.ipynb"])
    notebooks = tmp_path / "build" / "notebooks"
    _executed_jobs(notebooks, TITLES)
    dest = tmp_path / "kapitler"
    dest.mkdir()
    (dest / "levekar.ipynb").write_text("published", encoding="utf-8")

    def disk_full(folder):
        raise OSError("No space left on device")

    monkeypatch.setattr(maps_interactive, "write_plotlyjs", disk_full)
    with pytest.raises(OSError, match="No space left"):
        build.stage_chapters(notebooks, dest, quarto_file=qfile, titles=TITLES)
    assert sorted(p.name for p in dest.iterdir()) == ["levekar.ipynb"]
    assert (dest / "levekar.ipynb").read_text(encoding="utf-8") == "published"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_quarto.yml", "build", "kapitler"]


def test_staging_errors_name_the_book_and_the_chapters(tmp_path):
    notebooks = tmp_path / "build" / "notebooks"
    _executed_jobs(notebooks, TITLES)
    qfile = _book(tmp_path, ["index.qmd", "build/notebooks/levekar.ipynb", "andre/kilder.ipynb"])
    with pytest.raises(DataError) as info:
        build.stage_chapters(notebooks, tmp_path / "kapitler", quarto_file=qfile)
    assert str(info.value) == str(
        DataError(
            qfile,
            "executed notebook chapters must be listed in kapitler/ (the folder the build "
            "stages them in), got build/notebooks/levekar.ipynb, andre/kilder.ipynb",
            column="book.chapters",
        )
    )
    qfile = _book(tmp_path, ["kapitler/levekar.ipynb", "kapitler/a.ipynb", "kapitler/b.ipynb"])
    with pytest.raises(DataError) as info:
        build.stage_chapters(notebooks, tmp_path / "kapitler", quarto_file=qfile)
    assert str(info.value) == str(
        DataError(
            qfile,
            f"chapter(s) a.ipynb, b.ipynb listed but not executed into {notebooks}",
            column="book.chapters",
        )
    )
    assert not (tmp_path / "kapitler").exists()


def test_a_registered_indicator_is_placed_by_its_listed_file_unless_planned(fake_digests):
    """Indicators the raw-table registry reads: one whose file sources.yml lists keeps the key
    to that file; a planned one (no data yet) without a listed file adds nothing."""
    from helpers.pipeline import loaders

    placed, planned = list(loaders.INDICATOR_TABLES)[:2]
    doc = copy.deepcopy(CATALOGUE)
    doc["indicators"] += [
        {"id": placed, "area": "A"},
        {"id": planned, "area": "A", "status": "planned"},
    ]
    sources = copy.deepcopy(SOURCES)
    sources["files"][0]["used_for"] = ["ind_a", placed]
    key = workflow.dependency_key(_area_job("A"), {"rank_by": "rank1"}, doc, sources)
    assert sorted(key["raw"]) == ["raw/a.csv", "raw/ctx.csv", "raw/rank.csv", "shapes/geo.json"]


def test_a_key_is_made_from_a_catalogue_or_manifest_missing_a_section(fake_digests):
    """Snakemake reads the catalogue and the manifest before the data rule validates them (a run
    by hand): a missing section gives a key, and the data rule then names the problem."""
    doc = {"indicators": [{"id": "ind_a", "area": "A"}]}
    sources = {"files": [e for e in SOURCES["files"] if e["role"] != "context"]}
    key = workflow.dependency_key(_area_job("A"), {"rank_by": "rank1"}, doc, sources)
    assert key["catalogue"] == {
        "indicators": doc["indicators"],
        "ranking": [],
        "area": [],
        "defaults": None,
    }
    assert sorted(key["raw"]) == ["raw/a.csv", "shapes/geo.json"]
    key = workflow.dependency_key(_area_job("A"), {"rank_by": "rank1"}, {}, sources)
    assert key["catalogue"]["indicators"] == [] and sorted(key["raw"]) == ["shapes/geo.json"]


def test_jobs_name_every_chapter_they_cannot_make(tmp_path):
    qfile = _book(tmp_path, ["kapitler/ukjent.ipynb", "kapitler/levekar.ipynb", "kapitler/x.ipynb"])
    with pytest.raises(DataError) as info:
        build.jobs(quarto_file=qfile)
    makes = ", ".join(f"{name}.ipynb" for name in BOOK_ORDER)
    assert str(info.value) == str(
        DataError(
            qfile,
            "chapter(s) ukjent.ipynb, x.ipynb listed, but no notebook of the build makes them "
            f"(it makes {makes})",
            column="book.chapters",
        )
    )


def test_profile_file_name_of_a_name_with_punctuation_at_either_end(monkeypatch):
    """Only letters and digits, one hyphen between words, none at either end (a file name that
    is also the page's address)."""
    monkeypatch.setitem(config.BYDELER, "039999", "«Ny» bydel (test).")
    assert build._profile_output("039999") == "bydel-ny-bydel-test"


def test_staging_reads_the_project_s_book_and_stages_beside_the_destination(tmp_path, monkeypatch):
    """Without ``quarto_file``, the project's book (the build's call); the staging folder is a
    hidden sibling of the destination, on its file system, so that swapping it in is a rename."""
    from helpers.present import maps_interactive

    qfile = _book(tmp_path, ["index.qmd", "kapitler/levekar.ipynb", "kapitler/kilder.ipynb"])
    monkeypatch.setattr(config, "QUARTO_FILE", qfile)
    notebooks = tmp_path / "build" / "notebooks"
    _executed_jobs(notebooks, TITLES)
    dest = tmp_path / "ut" / "kapitler"
    staged_in = []
    monkeypatch.setattr(
        maps_interactive, "write_plotlyjs", lambda folder: staged_in.append(Path(folder))
    )
    assert build.stage_chapters(notebooks, dest, titles=TITLES) == dest
    assert sorted(p.name for p in dest.iterdir()) == ["figures", "kilder.ipynb", "levekar.ipynb"]
    (staging,) = staged_in
    assert staging.parent == dest.parent and staging.name.startswith(".kapitler-")
