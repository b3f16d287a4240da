"""From validated raw tables to ``build/data``: the only code that writes ``build/data``.

One direction only: raw CSV / json-stat2 / Excel (:mod:`helpers.ingest`) -> validated raw table
(pandera, :mod:`helpers.catalogue.schemas`) -> bydel names mapped to SSB codes -> one tidy long
table per
indicator (``config.TIDY_COLUMNS``) -> small numbers suppressed -> ``build/data``.
Every problem with the input is a :class:`helpers.errors.DataError` naming the file, the 1-based
data row and the column. Shares are percent (proportion x 100) with 95 % Wilson score intervals;
rates per population use the population on 1 January of the year after the count's year
(:data:`helpers.pipeline.denominators.POPULATION_YEAR_OFFSET`).

- :mod:`helpers.pipeline.denominators`: population tables as denominators
- :mod:`helpers.pipeline.assemble`: one indicator's tidy rows (Wilson interval, checks)
- :mod:`helpers.pipeline.loaders`: indicator id -> loader (the registry the build iterates over)
- :mod:`helpers.pipeline.fetched_data`: tidy rows of files fetched by ``make data``
- :mod:`helpers.pipeline.suppress`: small-number suppression and the guard before output
- :mod:`helpers.pipeline.build_data`: build and write ``build/data``
- :mod:`helpers.pipeline.store`: read ``build/data`` and check it is not stale

Submodules are imported explicitly (``from helpers.pipeline import store``); this file imports
nothing, so a module low in the data flow can use :mod:`helpers.pipeline.suppress` without cycles.
"""
