"""Runs that one entry cannot kill or block: supervised workers, safe paths, a store that heals.

Every test runs the real pipeline (``pipeline.run.ingest`` or the ``gyeoljae`` CLI in a
subprocess) on generated files and reads the Parquet back.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import RAW, SEED_000, SEED_003, SEED_004
from test_pipeline import table_rows

from pipeline.run import ingest
from pipeline.store import OutputStore
from pipeline.workers import WorkerSettings, shared_pool
from schemas import PER_DOCUMENT_TABLES

GYEOLJAE = Path(sys.executable).parent / "gyeoljae"


def slow_document(path: Path, items: int = 100_000) -> Path:
    """A legal document that takes long and grows its worker: a plan of ``items`` numbered
    projects, each with a budget line (30,000 items take ~5 s and ~30 MB on these machines)."""
    path.write_text(
        "".join(f"{i}. 사업 {i}\n○ 예산 : {i},000천원\n" for i in range(1, items)),
        encoding="utf-8",
    )
    return path


def errors_of(out: Path) -> dict[str, tuple[str, str, str]]:
    rows = duckdb.sql(
        f"select source_path, stage, error_type, message from read_parquet('{out}/errors/*.parquet')"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def doc_paths(out: Path) -> set[str]:
    return {
        r[0]
        for r in duckdb.sql(
            f"select source_path from read_parquet('{out}/documents/*.parquet')"
        ).fetchall()
    }


def seeds_and(raw: Path, *names: str) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(RAW / name, raw / name)
    return raw


def run_cli(*args: str, tmp_path: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "200"}
    return subprocess.run(
        [str(GYEOLJAE), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


# ── supervised workers ───────────────────────────────────────────────────────
def test_a_worker_killed_mid_document_costs_that_document_only(tmp_path):
    raw = seeds_and(tmp_path / "raw", SEED_000, SEED_003, SEED_004)
    slow_document(raw / "slow.txt")
    settings = WorkerSettings(workers=2, time_budget_s=300)
    pool = shared_pool(settings)
    out = tmp_path / "out"
    done: dict[str, object] = {}
    run = threading.Thread(target=lambda: done.update(s=ingest(raw, out, workers=settings)))
    run.start()
    deadline = time.monotonic() + 120
    victim = None
    while victim is None and time.monotonic() < deadline:
        victim = next((pid for pid, rel in pool.running().items() if rel == "slow.txt"), None)
        time.sleep(0.02)
    assert victim is not None, "slow.txt never reached a worker"
    time.sleep(0.3)  # well inside the document
    os.kill(victim, signal.SIGKILL)
    run.join(timeout=120)
    s = done["s"]
    assert (s.docs_processed, s.docs_failed) == (3, 1)  # type: ignore[attr-defined]
    errors = errors_of(out)
    assert set(errors) == {"slow.txt"}
    stage, error_type, message = errors["slow.txt"]
    assert (stage, error_type) == ("process", "WorkerCrashedError")
    assert "killed by signal SIGKILL" in message
    assert doc_paths(out) == {SEED_000, SEED_003, SEED_004}  # the snapshot was committed
    assert OutputStore(out).current is not None
    # the pool replaced the worker and goes on, even when its idle workers die too
    assert pool.running() == {} and victim not in pool.pids()
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    again = ingest(raw, out, workers=settings, force=True, only=[SEED_000, SEED_003])
    assert (again.docs_processed, again.docs_failed) == (2, 0)


def test_time_budget_and_memory_ceiling_become_error_rows(tmp_path):
    raw = seeds_and(tmp_path / "raw", SEED_000, SEED_003, SEED_004)
    slow_document(raw / "slow.txt")
    s = ingest(raw, tmp_path / "timed", workers=WorkerSettings(workers=1, time_budget_s=2.0))
    errors = errors_of(tmp_path / "timed")
    assert set(errors) == {"slow.txt"} and s.docs_processed == 3
    assert errors["slow.txt"][:2] == ("process", "DocumentTimeoutError")
    assert errors["slow.txt"][2].startswith("took longer than 2 s")

    # the seeds grow their worker by under 5 MB; the long plan by tens of MB within a second
    s = ingest(raw, tmp_path / "capped", workers=WorkerSettings(workers=1, memory_mb=20))
    errors = errors_of(tmp_path / "capped")
    assert set(errors) == {"slow.txt"} and s.docs_processed == 3
    assert errors["slow.txt"][:2] == ("process", "DocumentMemoryError")
    assert errors["slow.txt"][2].startswith("needed more than 20 MB")


def test_rows_are_those_of_a_single_process_in_the_same_order(tmp_path, raw_copy):
    ingest(raw_copy, tmp_path / "pool", workers=WorkerSettings(workers=2), batch_size=2)
    ingest(raw_copy, tmp_path / "here", workers=WorkerSettings(workers=0))
    for table in PER_DOCUMENT_TABLES:
        cols = "* exclude (processed_at)" if table == "documents" else "*"
        a, b = (
            duckdb.sql(
                f"select {cols} from read_parquet('{tmp_path / d}/{table}/*.parquet')"
            ).fetchall()
            for d in ("pool", "here")
        )
        assert a == b and a, table  # same rows, in the same order


# ── safe paths ───────────────────────────────────────────────────────────────
def _zoo(tmp_path: Path) -> tuple[Path, int]:
    """An input folder with one of every awkward entry; returns it and its number of entries
    (files, links, FIFOs; a hidden folder counts as one)."""
    raw = seeds_and(tmp_path / "raw", SEED_003)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("□ 예산 : 999억원\n", encoding="utf-8")
    (raw / "passwd.txt").symlink_to("/etc/passwd")  # out of the root: not read
    (raw / "elsewhere").symlink_to(outside, target_is_directory=True)  # a folder out of the root
    (raw / "부서").mkdir()
    shutil.copy(RAW / SEED_000, raw / "부서" / "보고.txt")
    (raw / "부서 링크").symlink_to(raw / "부서", target_is_directory=True)  # inside: reported
    os.mkfifo(raw / "x.txt")  # would block a plain read forever
    cp949_name = os.fsdecode("가나".encode("cp949") + b".txt")  # a Korean zip unpacked on Linux
    shutil.copy(RAW / SEED_004, raw / cp949_name)
    with open(raw / "huge.txt", "wb") as f:  # 6 GB, sparse: costs no disk
        f.truncate(6 * 1024**3)
    (raw / "license.txt").write_text("MIT", encoding="utf-8")
    (raw / "table.csv").write_text("a,b\n", encoding="utf-8")
    (raw / "[").mkdir()
    (raw / "[" / "x].txt").write_bytes(b"")  # fails (empty); its name is not Rich markup
    (raw / ".git").mkdir()
    (raw / ".git" / "HEAD.txt").write_text("ref", encoding="utf-8")
    (raw / "drafts").mkdir()
    (raw / "drafts" / "old.txt").write_text("□ 예산 : 1억원\n", encoding="utf-8")
    # 003, passwd.txt, elsewhere, 부서/보고.txt, 부서 링크, x.txt, 가나.txt, huge.txt, license.txt,
    # table.csv, [/x].txt, .git, drafts
    entries = 13
    return raw, entries


def test_every_entry_is_a_document_an_error_or_skipped(tmp_path):
    raw, entries = _zoo(tmp_path)
    out = tmp_path / "out"
    t = time.monotonic()
    proc = run_cli("ingest", str(raw), "--out", str(out), "--exclude", "drafts", tmp_path=tmp_path)
    elapsed = time.monotonic() - t
    both = proc.stdout + proc.stderr
    assert proc.returncode == 1, both  # documents failed: the empty one, the links out, huge.txt
    assert "Traceback" not in both and elapsed < 200
    assert "failed [/x].txt (decode)" in proc.stdout  # printed as text, not parsed as markup
    errors = errors_of(out)
    assert set(errors) == {"passwd.txt", "elsewhere", "huge.txt", "[/x].txt"}
    assert errors["passwd.txt"][1] == "UnsafePathError"
    assert "outside the input folder" in errors["passwd.txt"][2]
    assert "outside the input folder" in errors["elsewhere"][2]
    assert errors["huge.txt"][1] == "DocumentTooLargeError"
    assert "6442.5 MB, over the" in errors["huge.txt"][2]
    docs = doc_paths(out)
    # the undecodable name is kept, its bytes escaped; the document itself is processed
    assert docs == {SEED_003, "부서/보고.txt", "\\xb0\\xa1\\xb3\\xaa.txt"}
    texts = duckdb.sql(f"select text from read_parquet('{out}/documents/*.parquet')").fetchall()
    assert not any("root:" in t or "999억원" in t for (t,) in texts)
    ((seen, processed, failed, skipped),) = duckdb.sql(
        f"select docs_seen, docs_processed, docs_failed, docs_skipped "
        f"from read_parquet('{out}/runs/*.parquet')"
    ).fetchall()
    assert (seen, processed, failed) == (7, 3, 4)
    assert seen + skipped == entries  # nothing unaccounted
    for shown in ("x.txt: a named pipe (FIFO)", "license.txt", "table.csv", ".git", "drafts"):
        assert shown in proc.stdout, shown
    assert "부서 링크" in proc.stdout and "read under its own name" in proc.stdout


def test_a_mixed_folder_with_nothing_broken_exits_0(tmp_path):
    raw = seeds_and(tmp_path / "raw", SEED_003)
    (raw / "table.csv").write_text("a,b\n", encoding="utf-8")
    (raw / "slides.pptx").write_bytes(b"PK\x03\x04")
    os.mkfifo(raw / "pipe.txt")
    proc = run_cli("ingest", str(raw), "--out", str(tmp_path / "out"), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "skipped (not documents) │ 3" in proc.stdout


# ── a store that heals ───────────────────────────────────────────────────────
@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_a_damaged_part_heals_on_the_next_run(tmp_path, raw_copy, damage):
    out = tmp_path / "out"
    ingest(raw_copy, out)
    fresh = {t: table_rows(out, t, drop=("processed_at",)) for t in PER_DOCUMENT_TABLES}
    for table in ("budgets", "documents"):
        (part,) = (out / table).glob("*.parquet")
        if damage == "truncate":
            os.truncate(part, part.stat().st_size // 2)
        else:
            part.unlink()
    s = ingest(raw_copy, out)
    assert s.docs_processed == 5 and s.docs_failed == 0
    assert any("budgets/" in w and "processed again" in w for w in s.warnings), s.warnings
    assert {t: table_rows(out, t, drop=("processed_at",)) for t in PER_DOCUMENT_TABLES} == fresh
    healed = ingest(raw_copy, out)
    assert (healed.docs_unchanged, healed.warnings) == (5, [])


# ── rerun: plain errors, the lock ────────────────────────────────────────────
def test_rerun_of_a_failing_document_prints_its_errors_row(tmp_path, raw_copy):
    out = tmp_path / "out"
    ingest(raw_copy, out)
    (raw_copy / SEED_003).write_bytes(b"")
    proc = run_cli("rerun", SEED_003, "--raw", str(raw_copy), "--out", str(out), tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"failed {SEED_003} (decode, EmptyDocumentError): the file is empty" in proc.stdout
    assert len((proc.stdout + proc.stderr).splitlines()) < 5


def test_rerun_while_another_run_writes_refuses_or_waits(tmp_path, raw_copy):
    out = tmp_path / "out"
    ingest(raw_copy, out)
    p = raw_copy / SEED_003
    p.write_text(p.read_text(encoding="utf-8").replace("357,200", "357,300", 1), encoding="utf-8")
    store = OutputStore(out)
    with store.lock():
        proc = run_cli(
            "rerun", SEED_003, "--raw", str(raw_copy), "--out", str(out), tmp_path=tmp_path
        )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "being written by another gyeoljae run" in proc.stderr

    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    args = ["rerun", SEED_003, "--raw", str(raw_copy), "--out", str(out), "--wait", "120"]
    # held well past the moment the rerun wants to write (it takes the lock after its diff,
    # about 5 s in, before Prefect starts)
    with store.lock():
        waiting = subprocess.Popen(
            [str(GYEOLJAE), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        time.sleep(12)
        assert waiting.poll() is None, "the rerun did not wait for the lock"
    stdout, stderr = waiting.communicate(timeout=200)
    proc = subprocess.CompletedProcess(args, waiting.returncode, stdout, stderr)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "written: run" in proc.stdout
    amounts = duckdb.sql(
        f"select count(*) from read_parquet('{out}/budgets/*.parquet') where amount_text = '357,300'"
    ).fetchall()
    assert amounts == [(1,)]
