"""The auditor's re-run: an unchanged document gives an empty diff; a changed one, the right diff."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import SEED_003
from test_pipeline import table_rows

from pipeline.rerun import diff_document, render
from pipeline.run import ingest
from pipeline.store import OutputStore


def test_unchanged_document_has_an_empty_diff(tmp_path, raw_copy):
    out = tmp_path / "out"
    ingest(raw_copy, out)
    d = diff_document(OutputStore(out), raw_copy, "D0000039377168")
    assert d.empty and render(d) == ["D0000039377168 (000_199c2e01bf61c444.txt): no change"]


def test_changed_document_shows_its_diff_and_is_written_in_place(tmp_path, raw_copy):
    out = tmp_path / "out"
    ingest(raw_copy, out)
    before = {t: table_rows(out, t) for t in ("budgets", "tables", "documents")}
    p = raw_copy / SEED_003
    text = p.read_text(encoding="utf-8")
    p.write_text(
        text.replace("계\t357,200\t118,575", "계\t357,300\t118,575", 1).replace(
            "동단위계획형 25억원", "동단위계획형 35억원", 1
        ),
        encoding="utf-8",
    )

    d = diff_document(OutputStore(out), raw_copy, SEED_003)
    by = {t.table: t for t in d.tables}
    cell_changes = [c for _, c in by["tables"].changed]
    assert {
        "text": ("357,200", "357,300"),
        "number": (357200.0, 357300.0),
        "amount_krw": (357200000, 357300000),
    }.items() <= cell_changes[0].items()
    budget_changes = [c for _, c in by["budgets"].changed]
    assert {
        "amount_krw": (357200000, 357300000),
        "amount_text": ("357,200", "357,300"),
    }.items() <= budget_changes[0].items()
    assert any(c.get("amount_krw") == (2_500_000_000, 3_500_000_000) for c in budget_changes)
    assert not by["budgets"].added and not by["budgets"].removed
    assert table_rows(out, "budgets") == before["budgets"]  # a diff writes nothing

    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    gyeoljae = Path(sys.executable).parent / "gyeoljae"
    proc = subprocess.run(
        [str(gyeoljae), "rerun", SEED_003, "--raw", str(raw_copy), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the 계 and the 동단위계획형 amount change, and the summary row that restated the old 계
    # (357,200) no longer does
    assert "budgets: +0 -0 ~3" in proc.stdout and "357200000 → 357300000" in proc.stdout
    after = table_rows(out, "budgets")
    assert after != before["budgets"]

    def count(rows, text):
        return sum(text in r for r in rows if "003_1ed" in r)

    # the first table's 계 changed; the second table's 357,200 (its 예산액) is as it was
    assert (count(before["budgets"], "'357,200'"), count(after, "'357,200'")) == (2, 1)
    assert count(after, "'357,300'") == 1
    # every other document's rows are untouched
    others = [r for r in before["documents"] if "003_1ed15b6162aba057" not in r]
    assert all(r in table_rows(out, "documents") for r in others)
    again = diff_document(OutputStore(out), raw_copy, SEED_003)
    assert again.empty
