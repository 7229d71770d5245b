"""Ingest: read a source's files, name every problem by file, line and column, and land the batch whole.

One module per source (``police_uk``, ``police_api``, ``counts``, ``ed``; partners' stop and search and
outcomes in ``partners.services.stop_search``), each declaring its ``SourceSpec`` (``spec``); the steps every
source shares are in ``staging`` (stage, validate, land), ``bulk`` (the one-pass staging of large inputs),
``rejected`` (the problems named and the report of rejected rows) and ``warehouse`` (the Parquet files and
their manifest). ``CONTRIBUTING.md`` ("Adding a source") shows a new source end to end.
"""
