"""Shared fixtures: the bundled seeds, the external corpus (when present), and real runs.

Prefect keeps its state in a temporary PREFECT_HOME for the test session, so tests never
touch a developer's ~/.prefect and need no server started by hand.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="gyeoljae-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
SHARED = REPO.parent / "shared"
EXTERNAL = SHARED / "corpus" / "external"
CONTRACT = SHARED / "spec" / "OUTPUT_SCHEMA.md"

SEED_000 = "000_199c2e01bf61c444.txt"
SEED_001 = "001_07565497701b7de4.txt"
SEED_002 = "002_7c793368393d85e0.txt"
SEED_003 = "003_1ed15b6162aba057.txt"
SEED_004 = "004_c8d39679a80d3057.txt"
SEEDS = [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004]

needs_shared = pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason="../shared/corpus is not beside this checkout"
)


def seed_text(name: str) -> str:
    from pipeline.ingest.text import read_text

    return read_text((RAW / name).read_bytes())


@pytest.fixture(scope="session")
def seed_docs():
    """Every seed through the real pipeline (no Prefect), keyed by file name."""
    from pipeline.process import process_path

    return {name: process_path(RAW / name, RAW) for name in SEEDS}


@pytest.fixture(scope="session")
def flow_output(tmp_path_factory):
    """The seeds ingested once by the real Prefect flow into a fresh output folder."""
    from flows.ingest import ingest_flow

    out = tmp_path_factory.mktemp("processed")
    summary = ingest_flow(raw_dir=str(RAW), out_dir=str(out))
    return out, summary


@pytest.fixture
def raw_copy(tmp_path):
    """A writable copy of data/raw."""
    dst = tmp_path / "raw"
    shutil.copytree(RAW, dst)
    return dst


@pytest.fixture(scope="session")
def external_run(tmp_path_factory):
    """All of ../shared/corpus/external ingested once by the real run (PDF and HWPX included);
    returns the output folder and the run summary."""
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    from pipeline.run import ingest

    out = tmp_path_factory.mktemp("external") / "processed"
    return out, ingest(EXTERNAL, out)


def read_table(out: Path, table: str, where: str = "true") -> list[dict]:
    """Rows of one output table read back with DuckDB, as any user would."""
    import duckdb

    rel = duckdb.sql(
        f"select * from read_parquet('{out}/{table}/**/*.parquet', hive_partitioning=true) "
        f"where {where}"
    )
    cols = rel.columns
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]
