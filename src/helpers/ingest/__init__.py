"""Publishers: one module each, holding the reader for that publisher's files and its API client.

- :mod:`helpers.ingest.fhi`: Folkehelseinstituttet (Kommunehelsa exports, FHI Statistikk Open API)

Reading is offline; only ``make data`` (:mod:`helpers.ingest.fetch`) calls the network.
"""
