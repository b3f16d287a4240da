"""The area template runs under papermill with non-default parameters (a sensitivity analysis).

nbval (configured in pyproject.toml) runs every notebook with its defaults; this test checks that
the parameters cell really drives the notebook: another area, another ranking variable and year.
"""

import pytest
from conftest import markdown_outputs, run_template


@pytest.mark.e2e
def test_area_notebook_with_other_ranking(tmp_path, shared_data_build_dir):
    # OSLOHELSA_BUILD: a fresh folder with the session's shared build data (tests/conftest.py)
    nb = run_template(
        "innsatsomrade.ipynb",
        tmp_path / "oppvekst.ipynb",
        {
            "area": "oppvekst_utdanning",
            "rank_by": "lavinntekt_husholdninger",
            "rank_year": 2023,
            "repetitions": 2000,
            "figures_dir": "figures",
        },
        cwd=tmp_path,
    )
    markdown = markdown_outputs(nb)
    # The title is the build's front matter (helpers.build); the intro names the area.
    assert markdown.startswith("Innsatsområde 2 i Folkehelsestrategi")
    assert "\n# " not in "\n" + markdown  # no level-1 heading: Quarto would number a chapter
    assert "Rang etter" not in markdown  # axis labels are in figures, not text
    assert "husholdninger med lavinntekt" in markdown.lower()
    assert "sirkulær" in markdown  # lavinntekt_husholdninger_barn is not ranked by itself
    assert len(list((tmp_path / "figures" / "oppvekst_utdanning").glob("*-kart.png"))) == 2
