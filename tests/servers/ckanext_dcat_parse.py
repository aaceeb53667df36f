"""Read a DCAT catalogue with ckanext-dcat's RDFParser, as a CKAN harvester does, and
print the CKAN datasets it makes as JSON.

Runs with the test CKAN's python (ckanext-dcat lives in its virtualenv, not ours):

    ckan-venv/bin/python ckanext_dcat_parse.py CATALOG FORMAT PROFILES LICENSES LOCALE

PROFILES is a comma-separated list (e.g. euro_dcat_ap_3); LICENSES a CKAN licence list
(JSON) like the one a portal configures as `licenses_group_url`; LOCALE the portal's
`ckan.locale_default`, which picks the language of titles and descriptions.
"""

import json
import sys


def main(catalog: str, rdf_format: str, profiles: str, licenses: str, locale: str) -> None:
    from ckan.common import config

    config["ckan.locale_default"] = locale
    config["licenses_group_url"] = f"file://{licenses}"
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=profiles.split(","))
    with open(catalog, encoding="utf-8") as handle:
        parser.parse(handle.read(), _format=rdf_format)
    datasets = sorted(parser.datasets(), key=lambda d: d.get("uri") or d.get("title"))
    json.dump(datasets, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
