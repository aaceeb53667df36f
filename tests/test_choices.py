"""Codes and column names as a person types them (schemas/choices.py, schemas/spelling.py).

A label leads back to its code whatever its case and spacing, and nothing but a label or
the code does; labels sort as a German reader expects; a wrong value gets the choice it
most likely means. Hypothesis varies the code lists' own labels; synthetic lists show the
two collisions the real ones are kept free of.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import DATASETS
from schemas.choices import Choices, choices, code_suggestion
from schemas.codelists import Code, all_codes, codelist_names
from schemas.spelling import german_sort_key, tolerant

CURATED = [ds for ds in DATASETS if ds.raw_file is not None]
SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0", " \n "])


@st.composite
def typed_as(draw, text: str) -> str:
    """text as a curator may type it: any letter in upper or lower case, any run of
    white space for each space, white space around it."""
    letters = [c.upper() if draw(st.booleans()) else c.lower() for c in text]
    spaced = "".join(draw(SPACES) if c == " " else c for c in letters)
    before = draw(st.sampled_from(["", " ", "\u00a0"]))
    after = draw(st.sampled_from(["", " ", "\t"]))
    return before + spaced + after


@given(data=st.data(), code=st.sampled_from(all_codes()))
def test_every_label_of_every_code_list_leads_back_to_its_code(data, code: Code) -> None:
    typed = data.draw(typed_as(code.label_de))
    assert choices(code.codelist).code_of(typed) == code.code
    assert choices(code.codelist).code_of(code.code) == code.code


@given(code=st.sampled_from(all_codes()), value=st.text(max_size=40))
def test_nothing_but_a_label_or_the_code_is_taken(code: Code, value: str) -> None:
    codes = choices(code.codelist)
    found = codes.code_of(value)
    labels = {tolerant(c.label_de): c.code for c in codes.codes}
    if value in {c.code for c in codes.codes}:
        assert found == value
    else:
        assert found == labels.get(tolerant(value))


@given(code=st.sampled_from(all_codes()), cut=st.integers(min_value=1, max_value=3))
def test_a_label_or_code_typed_wrongly_is_refused_and_suggested(code: Code, cut: int) -> None:
    """A label missing its last letters is no label (exact otherwise), yet suggested."""
    codes = choices(code.codelist)
    for typed in (code.label_de[:-cut], code.code[:-cut].upper()):
        if len(typed) < 4 or codes.code_of(typed) is not None:
            continue  # too short to mean anything, or another label by chance
        assert codes.code_of(typed) is None
        assert codes.suggestion(typed) is not None


@pytest.mark.parametrize("codelist", codelist_names())
def test_each_code_is_shown_as_its_label_and_the_label_is_taken_back(codelist: str) -> None:
    codes = choices(codelist)
    for code in codes.codes:
        assert codes.shown(code.code) == code.label_de
        assert codes.code_of(codes.shown(code.code)) == code.code
    assert codes.shown("not-a-code") == "not-a-code"


@pytest.mark.parametrize("codelist", codelist_names())
def test_no_label_collides_with_another_label_or_code_of_its_list(codelist: str) -> None:
    """What keeps a label picked from a drop-down its own code: within a list, labels are
    different even with case and spaces aside, and none is another code."""
    codes = choices(codelist).codes
    labels = [tolerant(c.label_de) for c in codes]
    assert len(set(labels)) == len(labels)
    for code in codes:
        others = {tolerant(c.code) for c in codes if c != code}
        assert tolerant(code.label_de) not in others, code


@pytest.mark.parametrize("ds", CURATED, ids=lambda ds: ds.name)
def test_no_header_label_collides_with_another_column(ds) -> None:
    columns = ds.headings.columns
    labels = [tolerant(c.label_de) for c in columns]
    assert len(set(labels)) == len(labels)
    for column in columns:
        assert ds.headings.name_of(column.label_de) == column.name
        assert ds.headings.name_of(column.name) == column.name
        others = {tolerant(c.name) for c in columns if c != column}
        assert tolerant(column.label_de) not in others


def test_a_label_two_code_lists_share_means_each_lists_own_code() -> None:
    first = Choices((Code("a", "other", "Sonstiges", "Other"), Code("a", "food", "Essen", "Food")))
    second = Choices((Code("b", "misc", "Sonstiges", "Misc"), Code("b", "rail", "Bahn", "Rail")))
    assert first.code_of("Sonstiges") == "other"
    assert second.code_of(" sonstiges ") == "misc"
    assert first.code_of("misc") is None and second.code_of("other") is None
    assert first.shown("other") == second.shown("misc") == "Sonstiges"


def test_a_label_that_is_another_code_loses_to_the_code() -> None:
    """The code wins; the export then shows the code, so the round trip holds."""
    codes = Choices(
        (
            Code("s", "dormant", "suspended", "dormant"),  # its label is the other's code
            Code("s", "suspended", "aufgehoben", "suspended"),
        )
    )
    assert codes.code_of("suspended") == "suspended"
    assert codes.code_of("aufgehoben") == "suspended"
    assert codes.code_of("Suspended") == "dormant"  # no code: a label, tolerantly
    assert codes.shown("dormant") == "dormant"  # its label would lead elsewhere
    assert codes.code_of(codes.shown("dormant")) == "dormant"
    assert codes.shown("suspended") == "aufgehoben"


def test_labels_sort_as_a_german_reader_expects() -> None:
    words = ["Zug", "Übergabe", "Ufer", "Äpfel", "apfel", "Apfel", "Straße", "Stadt", "ober"]
    assert sorted(words, key=german_sort_key) == [
        "apfel",
        "Apfel",
        "Äpfel",
        "ober",
        "Stadt",
        "Straße",
        "Übergabe",
        "Ufer",
        "Zug",
    ]
    assert sorted(words)[-1] == "Übergabe"  # what code point order would do


@pytest.mark.parametrize("codelist", codelist_names())
def test_every_code_list_offers_its_labels_in_german_order(codelist: str) -> None:
    ordered = [c.label_de for c in choices(codelist).in_german_order()]
    assert ordered == sorted(ordered, key=german_sort_key)
    assert sorted(ordered) == sorted(c.label_de for c in choices(codelist).codes)


def test_partnership_types_in_german_order() -> None:
    assert [c.label_de for c in choices("partnership_status").in_german_order()] == [
        "aktiv",
        "beendet",
        "in Vorbereitung",
        "ruhend",
    ]


@pytest.mark.parametrize(
    ("codelist", "typed", "meant"),
    [
        ("event_type", "Ratsbeschlus", "council_decision"),  # a letter missing
        ("event_type", "Rats-beschluss", "council_decision"),
        ("event_type", "Council_Decision", "council_decision"),  # the code, in other case
        ("event_type", "council decision", "council_decision"),  # the English label
        ("event_type", "Besuch", "visit"),  # a label's first word
        ("event_type", "Delegation", "visit"),  # the beginning of a label's word
        ("event_type", "Jubiläum", "anniversary"),
        ("partnership_type", "Stadtepartnerschaft", "city_partnership"),  # no umlaut
        ("partnership_status", "suspendet", "suspended"),
        ("goods_category", "Medikament", "medicines"),
        ("event_type", "concert", None),  # nothing is close: no suggestion is better
        ("goods_category", "toys", None),
        ("event_type", "", None),
    ],
)
def test_a_wrong_value_gets_the_code_it_most_likely_means(codelist, typed, meant) -> None:
    found = choices(codelist).suggestion(typed)
    assert (found.code if found else None) == meant


def test_the_suggestion_names_what_to_type_first() -> None:
    """raw/ holds codes, the workbook takes labels: each names what is typed there first."""
    assert code_suggestion("event_type", "Ratsbeschlus", labels_first=True) == {
        "suggestion_de": " Meinten Sie: Ratsbeschluss (council_decision)?",
        "suggestion_en": " Did you mean: Ratsbeschluss (council_decision)?",
    }
    assert code_suggestion("event_type", "Ratsbeschlus")["suggestion_de"] == (
        " Meinten Sie: council_decision (Ratsbeschluss)?"
    )
    assert code_suggestion("event_type", "concert") == {"suggestion_de": "", "suggestion_en": ""}


@pytest.mark.parametrize(
    ("dataset", "typed", "present", "meant"),
    [
        ("events", "titel_de", (), "title_de"),
        ("events", "Titl", (), "title_de"),
        ("partnerships", "Gruendungsjahr", (), "established_year"),
        ("partnerships", "country", (), "country_code"),
        ("events", "notes", (), None),
        # a column already there is not what a second, unknown one means
        ("events", "Titel 2", ("title_de",), None),
    ],
)
def test_an_unknown_header_gets_the_column_it_most_likely_means(
    dataset, typed, present, meant
) -> None:
    ds = next(d for d in CURATED if d.name == dataset)
    found = ds.headings.suggestion(typed, present)
    assert (found.name if found else None) == meant
