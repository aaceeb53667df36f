"""Describe: the metadata published beside the data, generated from schemas/.

metadata.toml (checked and typed; who publishes in municipality, its [alerts] table in
alert_settings, the key reader they share in toml_keys), the
Frictionless Data Package, the DCAT-AP.de catalogue, Opendatasoft's index.csv and the
data dictionary.
May use: flows.write and the stages below it, and schemas.
"""
