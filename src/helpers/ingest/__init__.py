"""Read what the publishers publish: one module per publisher, each holding the reader for that
publisher's files, its table specs and its API client side by side; shared readers once.

Publishers:
- :mod:`helpers.ingest.oslo`: Oslo kommune (statistikkbank and statistikk tables, population)
- :mod:`helpers.ingest.ssb`: Statistisk sentralbyrå (Samfunnsspeilet table, PxWebApi v2)
- :mod:`helpers.ingest.fhi`: Folkehelseinstituttet (Kommunehelsa exports, FHI Statistikk Open API)
- :mod:`helpers.ingest.msis`: FHI's MSIS COVID-19 cases per bydel (a public GitHub copy, licence
  unclear; fetched by ``make data`` for the local build only)
- :mod:`helpers.ingest.geo`: bydel geometries (SSB/Geonorge, Oslo kommune PBE)

Shared: :mod:`~helpers.ingest.bydel_names` (bydel names and codes), :mod:`~helpers.ingest.csvexport`
and :mod:`~helpers.ingest.jsonstat` (readers), :mod:`~helpers.ingest.rawtables` (read and validate
a raw table), :mod:`~helpers.ingest.http`, :mod:`~helpers.ingest.pxweb` and
:mod:`~helpers.ingest.paths` (API clients). Nothing here imports :mod:`helpers.pipeline`.

Reading is offline; only ``make data`` (:mod:`helpers.ingest.fetch`) calls the network.
"""
