"""Extraction grows about linearly with a table's size: four times the rows take about four
times as long, not sixteen (issue 14 — a nightly run that no document can stall).

Measured by ratio of CPU time, not by a wall-clock threshold, so that a slow or busy machine
does not fail it: linear is 4×, quadratic 16×; the bound leaves room for noise and for the
parts of a run that do not depend on the table."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest
from extract_helpers import doc_of

LINEAR_BOUND = 6.0  # the time for 4n rows over the time for n (linear 4, quadratic 16)


def money_table(rows: int) -> str:
    """One tab-separated 천원 table of ``rows`` items over nine years, every amount distinct."""
    header = "구분\t" + "\t".join(str(2016 + j) for j in range(9))
    lines = ["사업 예산 현황", "(단위 : 천원)", header]
    for k in range(rows):
        lines.append(f"항목{k}\t" + "\t".join(f"{(k * 9 + j + 1) * 1000:,}" for j in range(9)))
    return "\n".join(lines) + "\n"


def repeated_tables(rows: int) -> str:
    """Two tables of one item's money over and over: every amount equal to many earlier ones,
    in its own table and in the other."""
    out = []
    for t in range(2):
        out += [f"표 {t + 1}. 사업비", "(단위 : 천원)", "구분\t2024\t2025"]
        out += [f"사업비\t1,000\t{2000 + t}" for _ in range(rows)]
        out.append("")
    return "\n".join(out)


def cpu_seconds(text: str) -> float:
    """CPU time of one extraction, the garbage collector held off: late in a full test run the
    heap holds every earlier test's objects, and a collection that sweeps them is not this
    extraction's growth."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        doc = doc_of(text)
        assert doc.budgets
        return time.process_time() - started
    finally:
        gc.enable()


@pytest.mark.parametrize(("build", "rows"), [(money_table, 100), (repeated_tables, 200)])
def test_four_times_the_rows_take_about_four_times_as_long(
    build: Callable[[int], str], rows: int
) -> None:
    cpu_seconds(build(rows // 4))  # warm up: compiled patterns, imports
    small = min(cpu_seconds(build(rows)) for _ in range(2))
    large = min(cpu_seconds(build(4 * rows)) for _ in range(2))
    assert large < LINEAR_BOUND * small, (rows, small, large)
