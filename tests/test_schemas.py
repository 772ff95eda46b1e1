"""The schemas in ``schemas/`` are the contract, and the written Parquet matches them."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CONTRACT

from pipeline.model import BudgetRow, Project, ScheduleRow, Section
from schemas import CONTRACT_VERSION, SCHEMAS, render_markdown

ROOT = Path(__file__).resolve().parents[1]

_TYPES = {
    "string": pa.string(),
    "date32": pa.date32(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "list<string>": pa.list_(pa.string()),
    "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
}


def contract_columns() -> dict[str, dict[str, str | None]]:
    """Column → type for every table of OUTPUT_SCHEMA.md, v1 and the columns v2 adds (type None
    where the contract lists names only, or says just ``int``)."""
    text = CONTRACT.read_text(encoding="utf-8")
    tables: dict[str, dict[str, str | None]] = {}
    for m in re.finditer(r"^## ([\w, ]+?) —.*?(?=^## |^# |\Z)", text, re.M | re.S):
        names, body = [n.strip() for n in m.group(1).split(",")], m.group(0)
        cols: dict[str, str | None] = {}
        for row in re.finditer(r"^\| ([\w, ]+) \| ([^|]+) \|", body, re.M):
            if row.group(1).strip() == "column":
                continue
            typ: str | None = re.sub(r",\s*nullable", "", row.group(2)).strip()
            for col in row.group(1).split(","):
                cols[col.strip()] = None if typ == "int" else typ
        if not cols:
            names_line = re.sub(
                r"\([^)]*\)", "", body.split("\n", 1)[1]
            )  # drop '(`nightly`, …)' value lists
            for col in re.findall(r"`(\w+)`", names_line):
                cols.setdefault(col, None)
        for name in names:
            tables.setdefault(name, {}).update(cols)
    return tables


@pytest.mark.skipif(
    not CONTRACT.exists(), reason="../shared/spec/OUTPUT_SCHEMA.md is not beside this checkout"
)
def test_schemas_match_the_contract():
    contract = contract_columns()
    assert set(contract) == set(SCHEMAS)
    for table, cols in contract.items():
        schema = SCHEMAS[table]
        for col, typ in cols.items():
            assert col in schema.names, f"{table}.{col} missing"
            if typ is not None:
                assert schema.field(col).type == _TYPES[typ], (
                    f"{table}.{col}: {schema.field(col).type} != {typ}"
                )


def test_the_contract_v2_columns_are_read():
    if not CONTRACT.exists():
        pytest.skip("../shared/spec/OUTPUT_SCHEMA.md is not beside this checkout")
    contract = contract_columns()
    assert {"doc_id", "basis_ok", "is_total", "stage", "page"} <= set(contract["budgets"])
    assert "page" in contract["sections"] and "docs_skipped" in contract["runs"]


def test_the_tables_documentation_is_written_from_the_schemas():
    """docs/tables.md is what ``python -m schemas`` prints (regenerate it after a change)."""
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == render_markdown()
    assert f"contract v{CONTRACT_VERSION}" in render_markdown()


@pytest.mark.parametrize(
    ("row", "table", "internal"),
    [
        (BudgetRow, "budgets", set()),
        (ScheduleRow, "schedules", set()),
        (Project, "projects", set()),
        (Section, "sections", {"title_start", "head_end"}),
    ],
)
def test_row_dataclasses_match_their_schemas(row, table, internal):
    """Every field of a row dataclass is a column of its table (so nothing extracted is lost
    on the way to Parquet), bar the few that only steer the extraction."""
    columns = set(SCHEMAS[table].names)
    missing = {f.name for f in fields(row)} - columns - internal
    assert not missing, f"{row.__name__} fields with no column in {table}: {missing}"


def test_written_parquet_has_exactly_the_schema(flow_output):
    out, _ = flow_output
    for table, schema in SCHEMAS.items():
        files = sorted((out / table).glob("**/*.parquet"))
        assert files, table
        for f in files:
            assert pq.read_schema(f).equals(schema, check_metadata=False), table
