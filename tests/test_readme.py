"""The README tells the truth: every query it shows gives, today, the output it shows."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import REPO, needs_shared

_spec = importlib.util.spec_from_file_location(
    "readme_queries", REPO / "scripts" / "readme_queries.py"
)
readme_queries = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["readme_queries"] = readme_queries  # its dataclasses look their module up
_spec.loader.exec_module(readme_queries)  # type: ignore[union-attr]

TEXT = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_has_its_queries():
    found = {(q.name, q.on) for q in readme_queries.queries(TEXT)}
    assert ("expenditure-2016", "seeds") in found and ("per-category", "seeds") in found
    assert {"busan-spending", "due-2025q1", "youth-allowance"} <= {n for n, _ in found}


def test_the_worked_example_gives_what_the_readme_shows(flow_output):
    out, _ = flow_output
    bad = readme_queries.check(TEXT, {"seeds": str(out)}, only=("seeds",))
    assert not bad, "\n\n".join(bad) + "\n(python scripts/readme_queries.py --write)"


def test_004_sums_to_its_2016_total_in_parquet(flow_output):
    """Contract v2's promise, on the Parquet a researcher reads: each won once."""
    (q,) = [q for q in readme_queries.queries(TEXT) if q.name == "expenditure-2016"]
    table = readme_queries.run(q, {"seeds": str(flow_output[0])})
    assert "| 해외도시협력담당관 | 2016 | 52 | 1,145,180,000 |" in table.splitlines()
    (q,) = [q for q in readme_queries.queries(TEXT) if q.name == "per-category"]
    table = readme_queries.run(q, {"seeds": str(flow_output[0])})
    assert "| 사무관리비 | 39 | 801,480,000 |" in table.splitlines()


@needs_shared
def test_the_researcher_questions_give_what_the_readme_shows(external_run):
    out, _ = external_run
    bad = readme_queries.check(TEXT, {"external": str(out)}, only=("external",))
    if bad:
        pytest.fail("\n\n".join(bad) + "\n(python scripts/readme_queries.py --write)")
