"""Property: any valid frame survives CSV -> Parquet -> JSON with equal values."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.check.validation import with_derived_columns
from flows.write.datasets import arrow_schema, to_arrow, write_dataset
from schemas import dataset
from schemas.codelists import codes

EVENTS = dataset("events")
SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('",;\n\r='),
    min_size=1,
    max_size=40,
)


@st.composite
def event_rows(draw) -> dict:
    year = draw(st.integers(1945, dt.date.today().year))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, 28))
    return {
        "event_id": draw(SLUG),
        "partnership_id": draw(SLUG),
        "event_type": draw(st.sampled_from(codes("event_type"))),
        "year": year,
        "month": month,
        "day": day,
        "date_note_de": draw(st.none() | TEXT),
        "title_de": draw(TEXT),
        "description_de": draw(st.none() | TEXT),
        "location": draw(st.none() | TEXT),
        "source_url": "https://www.dortmund.de/" + draw(SLUG),
        "source_note": draw(st.none() | TEXT),
    }


def typed_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for spec in EVENTS.columns:
        if spec.derived:
            continue
        dtype = pd.Int64Dtype() if spec.type == "integer" else pd.StringDtype()
        frame[spec.name] = frame[spec.name].astype(dtype)
    return with_derived_columns(EVENTS, frame)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(event_rows(), min_size=1, max_size=15, unique_by=lambda r: r["event_id"]))
def test_valid_events_round_trip_through_every_format(tmp_path: Path, rows: list[dict]) -> None:
    frame = typed_frame(rows)
    EVENTS.schema.validate(frame)
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    table = to_arrow(EVENTS, frame)
    write_dataset(EVENTS, table, folder)
    schema = arrow_schema(EVENTS)

    from_parquet = pq.read_table(folder / "events.parquet")
    from_csv = pcsv.read_csv(
        folder / "events.csv",
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    records = json.loads((folder / "events.json").read_text(encoding="utf-8"))
    from_json = pa.Table.from_pylist(
        [{k: _date_or_value(schema.field(k).type, v) for k, v in r.items()} for r in records],
        schema=schema,
    )
    expected = table.to_pylist()
    assert from_parquet.to_pylist() == expected
    assert from_csv.to_pylist() == expected
    assert from_json.to_pylist() == expected


def _date_or_value(arrow_type: pa.DataType, value):
    if value is not None and arrow_type == pa.date32():
        return dt.date.fromisoformat(value)
    return value
