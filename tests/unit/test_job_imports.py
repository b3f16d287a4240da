"""A workflow job process: what it skips importing (``helpers.workflow.skip_unused_imports``)
and the progress line it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_notebooks_validate_without_the_iri_format_checks():
    """The skipped package only adds jsonschema's "iri"/"uri" format checks: nbformat's schemas
    name no such format, and a notebook is still validated (an invalid one rejected) after the
    skip, in a fresh interpreter as a job runs it."""
    import nbformat

    schemas = Path(nbformat.__file__).parent.glob("v4/nbformat.v4*.schema.json")
    formats = {
        value for schema in schemas for value in _values(json.loads(schema.read_text()), "format")
    }
    assert not {f for f in formats if "iri" in f or "uri" in f}, formats
    code = (
        "import sys; from helpers import workflow; workflow.skip_unused_imports(); "
        "import nbformat, papermill; nb = nbformat.v4.new_notebook(); nbformat.validate(nb); "
        "nb['cells'] = [{'cell_type': 'code'}]; "
        "ok = nbformat.validator.isvalid(nb); "
        "print(ok, 'rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"], done.stdout + done.stderr


def _values(doc, key):
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k == key and isinstance(v, str):  # a keyword, not a property named "format"
                yield v
            yield from _values(v, key)
    elif isinstance(doc, list):
        for item in doc:
            yield from _values(item, key)


def test_progress_line_names_one_job_or_a_shared_kernel_s_jobs():
    from helpers import workflow

    assert workflow.ran(["levekar"]) == "levekar"
    assert (
        workflow.ran(["bydel-alna", "bydel-bjerke", "bydel-frogner"])
        == "3 notatbøker i samme kjerne, bydel-alna … bydel-frogner"
    )
