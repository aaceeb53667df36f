"""Describe: the metadata published beside the data, generated from schemas/.

metadata.toml (checked and typed; its [alerts] table in alert_settings), the
Frictionless Data Package, the DCAT-AP.de catalogue, Opendatasoft's index.csv and the
data dictionary.
May use: flows.write and the stages below it, and schemas.
"""
