"""Compare the city's partnerships with Wikidata's twin-town statements (P190).

Beside the nightly path, never part of it: `partnerships wikidata compare` asks a SPARQL
endpoint (`sparql`, with the query and its parsing in `queries`) for every P190
statement of the home municipality's item and of every item pointing back at it,
compares them with the validated `raw/partnerships.csv` (`compare`, over the value
types of `model`), proposes the additions the city's sources support as QuickStatements
(`quickstatements`) and reports everything else for a person to decide, as text and
JSON (`report`) and as one self-contained page (`report_html`). `command` ties them
together; `handler` is all the command line imports at start. Nothing here writes to
Wikidata.

May use flows.describe (metadata.toml), flows.check (validating raw/), flows.common and
schemas.
"""
