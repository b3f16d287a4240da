"""The publishing workflow (.github/workflows/publish.yml), pre-commit hooks and README notes.

Rules come from issue #13 and the documentation they cite: actions/deploy-pages' README (a build
job and a deploy job, the ``github-pages`` environment with the deployment's ``page_url``),
GitHub's hardening guide (actions pinned to full commit SHAs, least-privilege ``permissions``),
zizmor's audits (``artipacked``: ``persist-credentials: false``) and SchemaStore's workflow schema
as bundled by check-jsonschema. Both linters run offline.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import config

ROOT = config.ROOT
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"

# The releases issue #13 pins (commit SHAs checked against each action's tag).
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "quarto-dev/quarto-actions/setup": ("8a96df13519ee81fd526f2dfca5962811136661b", "v2.2.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}
_USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+?)@(\S+)\s*(?:#\s*(\S+))?\s*$")


def _tool(name: str) -> str:
    """A command installed in this environment (the test extras); a clear failure if missing."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: it is in the test extras (make install)")
    return found


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); accept both spellings.
    data = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _uses(step: dict) -> str:
    return str(step.get("uses", "")).split("@")[0]


# ---------------------------------------------------------------------------------------------
# Linters (offline)
# ---------------------------------------------------------------------------------------------


def test_zizmor_finds_nothing_at_medium_or_above():
    """zizmor's audits, offline (no GitHub API), at medium severity and above."""
    completed = subprocess.run(
        [
            _tool("zizmor"),
            "--offline",
            "--min-severity",
            "medium",
            "--format",
            "json",
            str(WORKFLOWS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(completed.stdout or "[]")
    summary = [(f["ident"], f["determinations"]["severity"], f["desc"]) for f in findings]
    assert completed.returncode == 0 and not findings, summary or completed.stderr


def test_zizmor_would_catch_an_unpinned_action(tmp_path):
    """The check bites: the pre-#13 workflow's `actions/checkout@v4` is a high finding."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        PUBLISH.read_text(encoding="utf-8").replace(
            "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", "actions/checkout@v4"
        ),
        encoding="utf-8",
    )
    completed = subprocess.run(
        [_tool("zizmor"), "--offline", "--min-severity", "medium", "--format", "json", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    idents = {f["ident"] for f in json.loads(completed.stdout or "[]")}
    assert completed.returncode != 0 and "unpinned-uses" in idents


def test_workflows_match_the_github_workflow_schema():
    """check-jsonschema's bundled copy of SchemaStore's github-workflow schema."""
    files = sorted(str(p) for p in WORKFLOWS.glob("*.y*ml"))
    completed = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


# ---------------------------------------------------------------------------------------------
# What the linters do not check
# ---------------------------------------------------------------------------------------------


def test_every_action_is_pinned_to_the_full_sha_of_its_release():
    """Full 40-hex SHAs with the version as comment; the SHAs are the releases named in #13."""
    seen = set()
    for line in PUBLISH.read_text(encoding="utf-8").splitlines():
        if not re.match(r"^\s*(-\s*)?uses:", line):
            continue
        match = _USES.match(line)
        assert match, f"cannot read the uses line {line!r}"
        action, ref, comment = match.groups()
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned to a full SHA"
        assert action in PINNED, f"{action} has no pinned release in this test"
        assert (ref, comment) == PINNED[action], f"{action}: {ref} # {comment}"
        seen.add(action)
    assert seen == set(PINNED)


def test_build_and_deploy_jobs_as_deploy_pages_documents(workflow):
    """actions/deploy-pages README: deploy needs build, github-pages environment, page_url."""
    jobs = workflow["jobs"]
    assert set(jobs) == {"build", "deploy"}
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    (step,) = _steps(deploy)
    assert _uses(step) == "actions/deploy-pages" and step["id"] == "deployment"
    assert any(_uses(s) == "actions/upload-pages-artifact" for s in _steps(jobs["build"]))
    assert workflow["on"]["push"]["branches"] == ["main"]


def test_least_privilege_permissions(workflow):
    """Nothing at the top level; read-only build; the deploy job only what Pages needs."""
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_checkout_does_not_persist_credentials(workflow):
    for job in workflow["jobs"].values():
        for step in _steps(job):
            if _uses(step) == "actions/checkout":
                assert step["with"]["persist-credentials"] is False


def test_build_tests_before_publishing_caches_pip_and_keeps_the_pdf(workflow):
    """make test runs before Quarto is installed (as on CI) and before anything is uploaded."""
    steps = _steps(workflow["jobs"]["build"])
    runs = [s.get("run", "").strip() for s in steps]
    uses = [_uses(s) for s in steps]
    test_at, report_at = runs.index("make test"), runs.index("make report")
    assert test_at < uses.index("quarto-dev/quarto-actions/setup") < report_at
    assert report_at < uses.index("actions/upload-artifact")
    assert report_at < uses.index("actions/upload-pages-artifact")
    python = steps[uses.index("actions/setup-python")]["with"]
    assert python["python-version"] == "3.11" and python["cache"] == "pip"
    assert "requirements.lock" in python["cache-dependency-path"]
    quarto = steps[uses.index("quarto-dev/quarto-actions/setup")]["with"]
    assert quarto["version"].startswith("1.11.")
    pdf = steps[uses.index("actions/upload-artifact")]["with"]
    assert pdf["path"] == "report/_output/oslohelsa.pdf"
    assert steps[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "report/_output"


# ---------------------------------------------------------------------------------------------
# pre-commit, README, environment.yml
# ---------------------------------------------------------------------------------------------


def test_pre_commit_runs_the_workflow_checks():
    """The same two checks as above, on every commit that touches a workflow."""
    config_ = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    hooks = [hook for repo in config_["repos"] for hook in repo["hooks"]]
    entries = {hook["entry"]: hook for hook in hooks}
    zizmor = next(h for e, h in entries.items() if e.startswith("zizmor "))
    assert "--offline" in zizmor["entry"] and "--min-severity medium" in zizmor["entry"]
    schema = next(h for e, h in entries.items() if e.startswith("check-jsonschema "))
    assert "--builtin-schema vendor.github-workflows" in schema["entry"]
    for hook in (zizmor, schema):
        assert re.search(hook["files"], ".github/workflows/publish.yml")
        assert not re.search(hook["files"], "src/helpers/render.py")
    assert {"nbstripout", "ruff"} <= {h["id"] for h in hooks}


def test_readme_tells_contributors_to_install_pre_commit():
    assert "pre-commit install" in (ROOT / "README.md").read_text(encoding="utf-8")
