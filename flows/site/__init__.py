"""The release's website: index.html and a page per dataset, in German and English.

Holds `build` (writes the pages), `pages` (what a page shows, read from the release),
`profile` (column profiles with pyarrow.compute), `partner_map` (the SVG map over the
shipped Natural Earth outlines, `natural_earth_110m.json`), `timeline` (events with
their date's precision), `texts` (the pages' own words) and `templates/` (Jinja2).

May use: flows.release, flows.describe, flows.write, flows.check, flows.read,
flows.common, schemas.
"""
