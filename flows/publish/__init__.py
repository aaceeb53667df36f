"""Publish: copy a release to where the portals read it, chosen by the target URL.

`targets` picks the target; `local`, `s3`, `ftp` and `ckan` implement them over `base`.
Credentials come from the environment or Prefect Secret blocks (`credentials`).
May use: every stage below it (release, describe, write, ...) and schemas; never the
Prefect flows or the command line above it.
"""
