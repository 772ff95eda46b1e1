"""The pre-check before the flow: an unchanged re-run is recorded without starting Prefect,
and a changed file — even one whose size and mtime were kept — is noticed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from pipeline.model import RunSummary
from pipeline.run import RACY_NS, ingest, plan_run, record_if_unchanged
from pipeline.store import OutputStore
from tests.conftest import RAW, SEED_003, SEEDS

GYEOLJAE = Path(sys.executable).parent / "gyeoljae"


def _runs(out: Path) -> list[dict]:
    rows = ds.dataset(out / "runs", format="parquet").to_table().to_pylist()
    return sorted(rows, key=lambda r: r["started_at"])


@pytest.fixture
def settled(tmp_path: Path) -> tuple[Path, Path]:
    """The seeds, ingested once after their timestamps are older than the racy margin (so
    the recorded stat is trusted by the next run)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SEEDS:
        shutil.copy(RAW / name, raw / name)
    time.sleep(RACY_NS / 1e9 + 0.2)
    out = tmp_path / "out"
    assert ingest(raw, out).docs_processed == len(SEEDS)
    return raw, out


def test_an_unchanged_rerun_skips_the_flow_and_still_writes_its_runs_row(settled, tmp_path):
    raw, out = settled
    before = {p.name for p in (out / "current" / "documents").iterdir()}
    prefect_home = tmp_path / "prefect"  # the flow's temporary server would create its db here
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    proc = subprocess.run(
        [str(GYEOLJAE), "ingest", str(raw), "--out", str(out), "--mode", "nightly"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "without starting the Prefect flow" in proc.stdout
    assert "documents seen" in proc.stdout and "budgets" in proc.stdout
    assert not (prefect_home / "prefect.db").exists()
    runs = _runs(out)
    assert len(runs) == 2
    assert runs[-1]["mode"] == "nightly"
    assert (runs[-1]["docs_unchanged"], runs[-1]["docs_processed"]) == (len(SEEDS), 0)
    assert runs[-1]["finished_at"] >= runs[-1]["started_at"]
    # a new snapshot, its parts carried (same names: hard links, nothing rewritten)
    assert {p.name for p in (out / "current" / "documents").iterdir()} == before
    docs = ds.dataset(out / "documents", format="parquet").to_table()
    assert docs.num_rows == len(SEEDS)
    # and the stat recorded again is trusted: the next plan reads no file
    assert plan_run(raw, OutputStore(out)).hashed == 0


def test_a_same_size_change_with_its_mtime_put_back_is_noticed(settled):
    raw, out = settled
    f = raw / SEED_003
    st = f.stat()
    data = f.read_bytes()
    i = data.index(b"2")
    f.write_bytes(data[:i] + b"3" + data[i + 1 :])  # one digit: the size is the same
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the mtime as it was (ctime moves)
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    plan = plan_run(raw, OutputStore(out))
    assert [p.rel_path for p in plan.to_process] == [SEED_003]
    assert plan.hashed == 1  # the other four were known by their stat, not read
    assert record_if_unchanged(raw, out) is None
    assert len(_runs(out)) == 1  # nothing recorded: the flow has work to do


def test_a_removed_or_added_file_is_noticed(settled):
    raw, out = settled
    (raw / SEEDS[0]).unlink()
    assert record_if_unchanged(raw, out) is None
    shutil.copy(RAW / SEEDS[0], raw / "new.txt")
    plan = plan_run(raw, OutputStore(out))
    assert [p.rel_path for p in plan.to_process] == ["new.txt"]
    assert set(plan.removed) == {SEEDS[0]}


def test_a_file_written_just_before_the_run_is_hashed_whatever_its_stat(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_003, raw / SEED_003)
    out = tmp_path / "out"
    ingest(raw, out)  # right after the copy: within the racy margin
    plan = plan_run(raw, OutputStore(out))
    assert plan.hashed == 1 and plan.nothing_changed


def _one_seed_and_a_failure(
    tmp_path: Path, add: Callable[[Path], object]
) -> tuple[Path, Path, RunSummary]:
    """A seed and one file ``add`` puts beside it that fails, ingested once; then checked to
    be carried by the next plan without being tried again, and reported by the next run."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEEDS[0], raw / SEEDS[0])
    add(raw)
    bad = {p.name for p in raw.iterdir()} - {SEEDS[0]}
    time.sleep(RACY_NS / 1e9 + 0.2)
    out = tmp_path / "out"
    first = ingest(raw, out)
    assert (first.docs_processed, first.docs_failed) == (1, 1)
    plan = plan_run(raw, OutputStore(out))
    assert plan.nothing_changed and set(plan.still_failing) == bad
    again = record_if_unchanged(raw, out)
    assert again is not None and again.docs_failed == 1  # still failing, and said so
    return raw, out, first


def test_a_bad_file_unchanged_is_not_tried_again_and_its_errors_row_is_carried(
    tmp_path, monkeypatch
):
    # bad input: it fails the same way
    raw, out, first = _one_seed_and_a_failure(
        tmp_path, lambda raw: (raw / "bad.txt").write_bytes(b"\x00\x01\x02 not text")
    )
    plan = plan_run(raw, OutputStore(out))
    assert plan.seen == 2 and not plan.to_process
    errors = ds.dataset(out / "errors", format="parquet").to_table().to_pylist()
    assert [(e["source_path"], e["run_id"]) for e in errors] == [("bad.txt", first.run_id)]
    # changed bytes, --force or an auditor's re-run of it try again
    assert not plan_run(raw, OutputStore(out), force=True).still_failing
    assert not plan_run(raw, OutputStore(out), only=["bad.txt"]).still_failing
    with monkeypatch.context() as m:  # new code may read it now
        m.setattr("pipeline.run.PIPELINE_VERSION", "0.0.0+other")
        assert "bad.txt" in [f.rel_path for f in plan_run(raw, OutputStore(out)).to_process]
    (raw / "bad.txt").write_bytes(b"fixed: a plain text document now\n")
    plan = plan_run(raw, OutputStore(out))
    assert [f.rel_path for f in plan.to_process] == ["bad.txt"] and not plan.still_failing


def test_a_link_out_of_the_root_refused_again_is_carried_without_starting_the_flow(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("○ 예산 : 1,000천원\n", encoding="utf-8")
    raw, out, _ = _one_seed_and_a_failure(
        tmp_path, lambda raw: (raw / "link.txt").symlink_to(outside)
    )
    errors = ds.dataset(out / "errors", format="parquet").to_table().to_pylist()
    assert [(e["source_path"], e["error_type"]) for e in errors] == [
        ("link.txt", "UnsafePathError")
    ]
    # the link pointed inside the root: read like any file
    (raw / "link.txt").unlink()
    (raw / "link.txt").symlink_to(raw / SEEDS[0])
    plan = plan_run(raw, OutputStore(out))
    assert not plan.still_failing and not plan.read_errors
