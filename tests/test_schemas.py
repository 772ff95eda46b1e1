"""The schemas in ``schemas/`` are the contract, and the written Parquet matches them."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CONTRACT

from schemas import SCHEMAS

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
    """Column → type for every table of OUTPUT_SCHEMA.md (type None where the contract lists names only)."""
    text = CONTRACT.read_text(encoding="utf-8")
    tables: dict[str, dict[str, str | None]] = {}
    for m in re.finditer(r"^## (\w+) —.*?(?=^## |\Z)", text, re.M | re.S):
        name, body = m.group(1), m.group(0)
        cols: dict[str, str | None] = {}
        for row in re.finditer(r"^\| ([\w, ]+) \| ([^|]+) \|", body, re.M):
            if row.group(1).strip() == "column":
                continue
            typ = re.sub(r",\s*nullable", "", row.group(2)).strip()
            for col in row.group(1).split(","):
                cols[col.strip()] = typ
        if not cols:
            names_line = re.sub(
                r"\([^)]*\)", "", body.split("\n", 1)[1]
            )  # drop '(`nightly`, …)' value lists
            for col in re.findall(r"`(\w+)`", names_line):
                cols.setdefault(col, None)
        tables[name] = cols
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


def test_written_parquet_has_exactly_the_schema(flow_output):
    out, _ = flow_output
    for table, schema in SCHEMAS.items():
        files = sorted((out / table).glob("**/*.parquet"))
        assert files, table
        for f in files:
            assert pq.read_schema(f).equals(schema, check_metadata=False), table
