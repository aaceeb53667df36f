"""The README's promises are checked against the code."""

from __future__ import annotations

import re
import shlex
import tomllib

import pandas as pd
from conftest import REPO

from schemas import DATASETS

README = (REPO / "README.md").read_text(encoding="utf-8")


def dataset_table() -> dict[str, list[str]]:
    block = README.split("<!-- datasets:start", 1)[1].split("<!-- datasets:end -->", 1)[0]
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = re.findall(r"`([a-z_]+)`", cells[4])
    return rows


def test_dataset_table_lists_every_dataset_and_column_in_order() -> None:
    assert dataset_table() == {ds.name: [c.name for c in ds.columns] for ds in DATASETS}


def test_derived_columns_are_in_italics() -> None:
    for ds in DATASETS:
        for column in ds.columns:
            if column.derived:
                assert f"*`{column.name}`*" in README


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "./dev run" in first_block and "./dev test" in first_block
    assert (REPO / ".ci" / "run").read_text().strip().endswith("./dev test")


def analyst_snippets(language: str) -> list[str]:
    section = README.split("## For analysts", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split(f"```{language}\n")[1:]]


def test_analyst_snippets_run_against_a_real_release(tmp_path, monkeypatch) -> None:
    import duckdb

    from flows import pipeline

    assert pipeline.run(REPO / "raw", tmp_path / "output").ok
    monkeypatch.chdir(tmp_path)
    (python_snippet,) = analyst_snippets("python")
    namespace: dict = {}
    exec(python_snippet, namespace)
    events = namespace["events"]
    assert len(events[events.partnership_id == "rostow-am-don"]) >= 10

    (sql_snippet,) = analyst_snippets("sql")
    rows = duckdb.sql(sql_snippet.replace("-- duckdb\n", "")).fetchall()
    assert {row[0] for row in rows} >= {"Amiens", "Rostow am Don", "Kumasi"}
    # the partnership with the earliest recorded event comes first, computed from raw/
    first = events.loc[events.date_start.idxmin(), "partnership_id"]
    partnerships = pd.read_csv(REPO / "raw" / "partnerships.csv", dtype=str)
    city = partnerships.set_index("partnership_id").loc[first, "partner_city"]
    assert rows[0][0] == city


def layout_folders() -> list[str]:
    block = README.split("<!-- layout:start", 1)[1].split("<!-- layout:end -->", 1)[0]
    return re.findall(r"^\| `([^`]+/)` \|", block, flags=re.M)


def test_every_folder_in_the_layout_table_exists() -> None:
    folders = layout_folders()
    assert "flows/read/" in folders and "flows/publish/" in folders
    missing = [folder for folder in folders if not (REPO / folder).is_dir()]
    assert not missing, f"the README's Layout table names folders that do not exist: {missing}"


def test_every_stage_package_is_in_the_layout_table() -> None:
    stages = sorted(f"flows/{p.parent.name}/" for p in (REPO / "flows").glob("*/__init__.py"))
    assert set(stages) <= set(layout_folders())


def another_municipality_commands() -> list[list[str]]:
    block = README.split("<!-- another-municipality:start", 1)[1]
    block = block.split("<!-- another-municipality:end -->", 1)[0]
    lines = block.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    return [shlex.split(line.split("#", 1)[0]) for line in lines if line.strip()]


def test_another_municipality_needs_three_commands_that_exist() -> None:
    """The section's commands: an install, then `partnerships` commands the parser takes,
    with a regional key the init accepts and the same instance folder throughout."""
    from flows.cli import HANDLERS
    from flows.cli_parser import parser
    from flows.describe.municipality import regional_key_problem

    install, *commands = another_municipality_commands()
    assert len(commands) == 2 and install[:4] == ["python3", "-m", "pip", "install"]
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "municipal-partnerships" and project["name"] in README
    assert project["scripts"] == {"partnerships": "flows.cli:command_line"}
    init, run = (parser(HANDLERS).parse_args(c[1:]) for c in commands)
    assert (init.command, run.command) == ("init", "run")
    assert regional_key_problem(init.regional_key) is None
    assert run.raw.parent == run.metadata.parent == run.output.parent == init.folder
