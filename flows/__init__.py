"""The pipeline from the curated files in raw/ to the portals, one sub-package per stage.

Along the data's path, each stage imports only from the stages before it:

    common    what every stage shares: paths, the problem report, digests, durable files
    read      the curated CSV files as text, each row with its source line
    check     typing and validating with the pandera models of schemas/; quarantine
    write     the datasets as CSV, Parquet, JSON and the spreadsheet copy
    describe  metadata.toml, Data Package, DCAT-AP.de, Opendatasoft index, dictionary
    release   the release store, manifest, changelog, diff, rollback, run summary
    publish   the targets: a folder, S3, FTP(S), CKAN

On top: `pipeline` (the nightly job as plain functions), `nightly` and `publishing` (the
Prefect flows), `deploy` (the schedule) and `cli` (the `partnerships` command). The
order is a contract checked by import-linter: see docs/architecture.md.
"""
