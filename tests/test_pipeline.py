"""The whole road: real Prefect flow, real Parquet, read back with DuckDB and pyarrow."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest
from conftest import RAW, REPO, SEED_000, SEED_003, SEEDS

from pipeline.errors import OutputLockedError
from pipeline.run import ingest
from pipeline.store import OutputStore
from pipeline.tables import render_cell
from schemas import PER_DOCUMENT_TABLES, SCHEMAS


def table_rows(out: Path, table: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    rel = duckdb.sql(f"from read_parquet('{out}/{table}/**/*.parquet', hive_partitioning=true)")
    cols = [c for c in rel.columns if c not in drop]
    return sorted(map(repr, rel.select(*[f'"{c}"' for c in cols]).fetchall()))


def test_flow_writes_the_seeds_readable_by_duckdb(flow_output):
    out, summary = flow_output
    assert (summary.docs_seen, summary.docs_processed, summary.docs_failed) == (5, 5, 0)
    rows = duckdb.sql(
        f"select doc_id, doc_number, approved_on::varchar, retention, classification[1] "
        f"from read_parquet('{out}/documents/**/*.parquet', hive_partitioning=true) where source_path like '000_%'"
    ).fetchall()
    assert rows == [("D0000039377168", "남북협력담당관-1726", "2020-02-19", "영구", "행정")]
    assert duckdb.sql(
        f"select count(*) from read_parquet('{out}/documents/**/*.parquet')"
    ).fetchall() == [(5,)]
    for table in SCHEMAS:  # pyarrow's dataset API reads every table too, with no project code
        ds.dataset(out / table, partitioning="hive").to_table()


def test_every_row_of_every_table_points_at_its_source(flow_output):
    out, _ = flow_output
    con = duckdb.connect()
    texts = dict(
        con.sql(f"select doc_id, text from read_parquet('{out}/documents/**/*.parquet')").fetchall()
    )
    checks = {
        "budgets": "amount_text",
        "schedules": "when_text",
        "projects": "name",
    }
    for table, col in checks.items():
        for doc_id, s, e, value in con.sql(
            f"select doc_id, char_start, char_end, {col} from read_parquet('{out}/{table}/**/*.parquet')"
        ).fetchall():
            assert texts[doc_id][s:e] == value
    for doc_id, s, e, value in con.sql(
        f"select doc_id, char_start, char_end, text from read_parquet('{out}/tables/**/*.parquet')"
    ).fetchall():
        assert render_cell(texts[doc_id][s:e]) == value
    for doc_id, s, e, marker in con.sql(
        f"select doc_id, char_start, char_end, marker from read_parquet('{out}/sections/**/*.parquet')"
    ).fetchall():
        assert 0 <= s < e <= len(texts[doc_id]) and marker in texts[doc_id][s:e][: len(marker) + 8]


def test_rerun_gives_identical_rows_and_skips_unchanged(tmp_path, raw_copy):
    out = tmp_path / "out"
    first = ingest(raw_copy, out)
    before = {t: table_rows(out, t) for t in SCHEMAS if t != "runs"}
    second = ingest(raw_copy, out)
    assert (second.docs_processed, second.docs_unchanged) == (0, 5), (
        first.errors,
        second.errors,
        second.warnings,
    )
    assert {t: table_rows(out, t) for t in SCHEMAS if t != "runs"} == before
    unforced = {t: table_rows(out, t, drop=("processed_at",)) for t in PER_DOCUMENT_TABLES}
    forced = ingest(raw_copy, out, force=True)
    assert forced.docs_processed == 5
    # a forced re-run re-processes: only the processing time may differ
    assert {t: table_rows(out, t, drop=("processed_at",)) for t in PER_DOCUMENT_TABLES} == unforced
    runs = duckdb.sql(
        f"select run_id, docs_processed, docs_unchanged from read_parquet('{out}/runs/**/*.parquet') order by started_at"
    ).fetchall()
    assert [r[0] for r in runs] == [first.run_id, second.run_id, forced.run_id]
    assert [r[1:] for r in runs] == [(5, 0), (0, 5), (5, 0)]


def test_changed_added_removed_documents(tmp_path, raw_copy):
    out = tmp_path / "out"
    ingest(raw_copy, out)
    p = raw_copy / SEED_003
    p.write_text(
        p.read_text(encoding="utf-8").replace("시장비서실", "시장 비서실", 1), encoding="utf-8"
    )
    (raw_copy / "new.txt").write_text(
        "주요업무 보고\n\n2021. 1.\n\n테스트과\n\nⅠ. 일반 현황\n\n○ 예산 : 1,000천원\n",
        encoding="utf-8",
    )
    (raw_copy / SEED_000).unlink()
    s = ingest(raw_copy, out)
    assert (s.docs_processed, s.docs_unchanged, list(s.removed.values())) == (
        2,
        3,
        ["D0000039377168"],
    )
    incremental = {t: table_rows(out, t, drop=("processed_at",)) for t in PER_DOCUMENT_TABLES}
    fresh = tmp_path / "fresh"
    ingest(raw_copy, fresh)
    assert incremental == {
        t: table_rows(fresh, t, drop=("processed_at",)) for t in PER_DOCUMENT_TABLES
    }


def test_bad_documents_become_error_rows(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_003, raw / SEED_003)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(os.urandom(2048) + b"\x00")
    (raw / "cp949 사본.txt").write_bytes(
        (RAW / SEED_003).read_text(encoding="utf-8").encode("cp949")
    )
    (raw / "scan.hwp").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    out = tmp_path / "out"
    s = ingest(raw, out)
    errors = {
        r[0]: r[1:]
        for r in duckdb.sql(
            f"select source_path, stage, error_type, message from read_parquet('{out}/errors/**/*.parquet')"
        ).fetchall()
    }
    assert set(errors) == {"empty.txt", "binary.txt", "scan.hwp"}
    assert errors["empty.txt"][1:] == ("EmptyDocumentError", "the file is empty")
    assert "not a text document" in errors["binary.txt"][2]
    # .hwp is read since issue 15: a broken compound file is one plain errors row
    assert "not an HWP 5 compound file" in errors["scan.hwp"][2]
    assert (s.docs_processed, s.docs_failed, s.status) == (2, 3, "partial_success")
    # the CP949 copy gives the same rows as the UTF-8 original (it has no 관리번호, so its own id)
    docs = dict(
        duckdb.sql(
            f"select source_path, doc_id from read_parquet('{out}/documents/**/*.parquet')"
        ).fetchall()
    )
    assert set(docs) == {SEED_003, "cp949 사본.txt"}
    for table in ("sections", "budgets", "tables"):
        a = table_rows_for(out, table, docs[SEED_003])
        b = table_rows_for(out, table, docs["cp949 사본.txt"])
        assert a == b and a


def table_rows_for(out: Path, table: str, doc_id: str) -> list[tuple]:
    rel = duckdb.sql(f"from read_parquet('{out}/{table}/**/*.parquet') where doc_id = '{doc_id}'")
    cols = [c for c in rel.columns if c != "doc_id"]
    return sorted(rel.select(*[f'"{c}"' for c in cols]).fetchall(), key=repr)


def test_same_document_twice_is_reported_not_duplicated(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_000, raw / "a.txt")
    (raw / "b.txt").write_bytes(
        (RAW / SEED_000).read_text(encoding="utf-8").encode("cp949", errors="replace")
    )
    s = ingest(raw, tmp_path / "out")
    assert s.docs_processed == 1 and [e.error_type for e in s.errors] == ["DuplicateDocumentError"]
    assert "already taken by a.txt" in s.errors[0].message


def test_a_killed_run_leaves_the_previous_output(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(120):  # enough work that the run is still going when it is killed
        for name in SEEDS:
            shutil.copy(RAW / name, raw / f"{i:03d}_{name}")
    out = tmp_path / "out"
    ingest(RAW, out)
    before = {t: table_rows(out, t) for t in SCHEMAS}
    code = f"from pipeline.run import ingest; ingest({str(raw)!r}, {str(out)!r}, batch_size=5)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO)
    time.sleep(4)
    assert proc.poll() is None, "the run finished before it could be killed; give it more work"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert {t: table_rows(out, t) for t in SCHEMAS} == before
    assert any(
        p.name.endswith(".tmp") for p in (out / ".snapshots").iterdir()
    )  # the dead run's staging
    s = ingest(RAW, out)  # the next run cleans up and succeeds
    assert s.docs_unchanged == 5 and not any(
        p.name.endswith(".tmp") for p in (out / ".snapshots").iterdir()
    )


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path):
    store = OutputStore(tmp_path / "out")
    with (
        store.lock(),
        pytest.raises(OutputLockedError, match="being written by another gyeoljae run"),
    ):
        ingest(RAW, tmp_path / "out")


def test_cli_ingest_prints_a_summary_and_no_errors(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    gyeoljae = Path(sys.executable).parent / "gyeoljae"
    proc = subprocess.run(
        [str(gyeoljae), "ingest", str(RAW), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "documents seen" in proc.stdout and "budgets" in proc.stdout
    both = proc.stdout + proc.stderr
    assert "Traceback" not in both and "ERROR" not in both
    show = subprocess.run(
        [str(gyeoljae), "show", "D0000039377168", "--out", str(tmp_path / "out"), "--outline"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (
        show.returncode == 0
        and "남북협력담당관-1726" in show.stdout
        and "10,000,000" in show.stdout
    )


def test_cli_exit_code_is_non_zero_when_a_document_failed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_003, raw / SEED_003)
    (raw / "empty.txt").write_bytes(b"")
    gyeoljae = Path(sys.executable).parent / "gyeoljae"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    proc = subprocess.run(
        [str(gyeoljae), "ingest", str(raw), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 1 and "empty.txt" in proc.stdout


def _can_unshare_net() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(
    not _can_unshare_net(), reason="needs unshare -n (network namespaces) to cut the network"
)
def test_ingest_needs_no_network(tmp_path):
    """The whole CLI run inside a network namespace that has only loopback (Prefect's temporary
    server listens there): no model download, no telemetry, nothing leaves the machine."""
    gyeoljae = Path(sys.executable).parent / "gyeoljae"
    script = f"ip link set lo up && {gyeoljae} ingest {RAW} --out {tmp_path / 'out'}"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    proc = subprocess.run(
        ["unshare", "-n", "bash", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert duckdb.sql(
        f"select count(*) from read_parquet('{tmp_path}/out/documents/**/*.parquet')"
    ).fetchall() == [(5,)]


def test_the_flow_on_a_local_dask_cluster_gives_the_same_rows(tmp_path, flow_output):
    """The same flow with prefect-dask's task runner on a local Dask cluster (two worker
    processes): the same rows as the default runner."""
    from flows.ingest import dask_runner, ingest_flow

    out_default, _ = flow_output
    out = tmp_path / "dask"
    summary = ingest_flow.with_options(task_runner=dask_runner(n_workers=2))(
        raw_dir=str(RAW), out_dir=str(out), batch_size=2
    )
    assert summary.docs_processed == 5
    for t in PER_DOCUMENT_TABLES:
        assert table_rows(out, t, drop=("processed_at",)) == table_rows(
            out_default, t, drop=("processed_at",)
        ), t


def test_files_of_the_same_stem_in_two_folders_are_two_documents(tmp_path):
    """Without a 관리번호 a document's id is its path without the suffix: nothing collides."""
    raw = tmp_path / "raw"
    for folder in ("부서A", "부서B"):
        (raw / folder).mkdir(parents=True)
    shutil.copy(RAW / SEED_003, raw / "부서A" / "주요업무계획.txt")
    text = (RAW / SEED_003).read_text(encoding="utf-8").replace("357,200", "357,300", 1)
    (raw / "부서B" / "주요업무계획.txt").write_text(text, encoding="utf-8")
    (raw / "부서B" / "주요업무계획.md").write_text(
        "# 2025년 계획\n□ 예산 : 10억원\n", encoding="utf-8"
    )
    s = ingest(raw, tmp_path / "out")
    assert (s.docs_processed, s.docs_failed) == (3, 0)
    ids = dict(
        duckdb.sql(
            f"select source_path, doc_id from read_parquet('{tmp_path}/out/documents/**/*.parquet')"
        ).fetchall()
    )
    assert ids == {
        "부서A/주요업무계획.txt": "부서A/주요업무계획",
        # two documents that differ only by their suffix keep it
        "부서B/주요업무계획.txt": "부서B/주요업무계획.txt",
        "부서B/주요업무계획.md": "부서B/주요업무계획.md",
    }


def test_files_that_are_not_documents_are_skipped_and_counted(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / SEED_003, raw / "plan.txt")
    (raw / "README.md").write_text("about these files", encoding="utf-8")
    (raw / "metadata.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (raw / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (raw / ".hidden.txt").write_text("x", encoding="utf-8")
    s = ingest(raw, tmp_path / "out")
    assert (s.docs_seen, s.docs_processed, s.docs_failed, s.docs_skipped) == (1, 1, 0, 4)
    assert s.status == "success"
    skipped = dict(s.skipped)
    assert set(skipped) == {"README.md", "metadata.csv", "table.csv", ".hidden.txt"}
    assert "'.csv'" in skipped["table.csv"]
    assert "catalogue" in skipped["metadata.csv"]  # read for the documents' metadata
    (runs,) = duckdb.sql(
        f"select docs_skipped from read_parquet('{tmp_path}/out/runs/**/*.parquet')"
    ).fetchall()
    assert runs == (4,)
