"""Derive flows/site/natural_earth_110m.json from npm world-atlas' countries-110m.json.

world-atlas 2.0.2 (https://www.npmjs.com/package/world-atlas) redistributes Natural
Earth 4.1.0 Admin 0 countries at 1:110m as TopoJSON. This script decodes its arcs into
plain rings of [longitude, latitude], rounded to 0.1 degree (finer than a pixel of the
site's map) and drops the rings that collapse, so the committed file stays small.
Natural Earth is in the public domain; world-atlas is under the ISC licence.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/natural_earth_outlines.py package/countries-110m.json \
        > flows/site/natural_earth_110m.json
"""

from __future__ import annotations

import json
import sys


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indices: list[int]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    rounded: list[list[float]] = []
    for lon, lat in points:
        point = [round(lon, 1), round(lat, 1)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def countries(topology: dict) -> list[dict]:
    arcs = decode_arcs(topology)
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [ring(arcs, r) for polygon in polygons for r in polygon]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            result.append({"name": geometry["properties"]["name"], "rings": rings})
    return sorted(result, key=lambda c: c["name"])


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        topology = json.load(source)
    outlines = {
        "source": "Natural Earth 4.1.0, Admin 0 countries 1:110m, via npm world-atlas 2.0.2",
        "source_url": "https://www.naturalearthdata.com/downloads/110m-cultural-vectors/",
        "license": "public domain (Natural Earth terms of use)",
        "countries": countries(topology),
    }
    json.dump(outlines, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")
