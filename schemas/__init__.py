"""pandera models of the published datasets: the single source of truth.

`DATASETS` lists them in publishing order. Everything about a column (type,
descriptions, checks, code list, reference) is read from the models through
`Dataset.columns`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandera.pandas as pa

from schemas.aid_shipments import AidShipments
from schemas.choices import Heading, Headings
from schemas.codelist_entries import CodelistEntries
from schemas.codelists import CODELISTS_CSV
from schemas.events import Events
from schemas.partnerships import Partnerships
from schemas.types import logical_type


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool
    label_de: str
    label_en: str
    description_de: str
    description_en: str
    unit: str | None
    codelist: str | None
    pattern: Any
    #: the standard whose maintained code list the column's values must be in
    standard: Any
    references: tuple[str, str] | None
    derived: bool
    checks: tuple[pa.Check, ...]


@dataclass(frozen=True)
class Dataset:
    name: str
    model: type[pa.DataFrameModel]
    #: file name in raw/, or None for datasets generated from the schemas themselves
    raw_file: str | None

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @cached_property
    def checked_schema(self) -> pa.DataFrameSchema:
        """What pandera checks: the schema without derived columns and without the
        primary key's uniqueness. The pipeline computes the derived columns from checked
        ones; a failure in them could only echo a failure in their inputs, which is
        reported already. The key's uniqueness is checked on the sorted keys
        (flows.check.ordering), which the writers need anyway."""
        checked = self.schema.remove_columns([c.name for c in self.columns if c.derived])
        checked.unique = None
        return checked

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.model.__config__.metadata or {})

    @property
    def primary_key(self) -> list[str]:
        return list(self.meta["primary_key"])

    @cached_property
    def columns(self) -> list[ColumnSpec]:
        specs = []
        for name, col in self.schema.columns.items():
            meta = col.metadata or {}
            ref = meta.get("references")
            specs.append(
                ColumnSpec(
                    name=name,
                    type=logical_type(col.dtype),
                    required=not col.nullable,
                    label_de=meta.get("label_de", ""),
                    label_en=meta.get("label_en", ""),
                    description_de=meta.get("description_de", ""),
                    description_en=meta.get("description_en", ""),
                    unit=meta.get("unit"),
                    codelist=meta.get("codelist"),
                    pattern=meta.get("pattern"),
                    standard=meta.get("standard"),
                    references=tuple(ref.split(".", 1)) if ref else None,
                    derived=bool(meta.get("derived")),
                    checks=tuple(col.checks),
                )
            )
        return specs

    @property
    def raw_columns(self) -> list[str]:
        """The columns curators write, in the order the model declares them."""
        return [c.name for c in self.columns if not c.derived]

    @cached_property
    def headings(self) -> Headings:
        """The curated columns by machine name and German label, as a header names them."""
        columns = (c for c in self.columns if not c.derived)
        return Headings(tuple(Heading(c.name, c.label_de, c.label_en) for c in columns))

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


DATASETS: list[Dataset] = [
    Dataset("partnerships", Partnerships, "partnerships.csv"),
    Dataset("aid_shipments", AidShipments, "aid_shipments.csv"),
    Dataset("events", Events, "events.csv"),
    Dataset("codelists", CodelistEntries, None),
]


def dataset(name: str) -> Dataset:
    return next(d for d in DATASETS if d.name == name)


__all__ = ["CODELISTS_CSV", "DATASETS", "ColumnSpec", "Dataset", "dataset"]
