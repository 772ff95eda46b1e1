"""Every way a document can be bad ends as one clear errors row; the rest of the run goes on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import RAW, REPO, SEED_003

from pipeline.run import ingest


def errors_of(out: Path) -> dict[str, tuple[str, str, str]]:
    rows = duckdb.sql(
        f"select source_path, stage, error_type, message from read_parquet('{out}/errors/**/*.parquet')"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_a_zoo_of_bad_documents(tmp_path):
    raw = tmp_path / "raw"
    (raw / "하위 폴더 (2020)").mkdir(parents=True)
    shutil.copy(RAW / SEED_003, raw / SEED_003)
    # a path with spaces, brackets, Hangul and an apostrophe: processed like any other
    shutil.copy(RAW / SEED_003, raw / "하위 폴더 (2020)" / "보고서 '사본' #1.txt")
    (raw / "huge.txt").write_bytes(("가나다라 마바사 " * 10).encode("utf-8") * 300_000)  # ~66 MB
    (raw / "latin1.txt").write_bytes("café résumé naïve".encode("latin-1") * 50)
    (raw / "truncated.html").write_text(
        "<html><body><table><tr><td>계<td>1,000" + "<div>" * 5000, encoding="utf-8"
    )
    (raw / "nested.html").write_text(
        "<div>" * 20000 + "○ 예산 : 1,000천원" + "</div>" * 20000, encoding="utf-8"
    )
    (raw / "slides.pptx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    s = ingest(raw, tmp_path / "out")
    errors = errors_of(tmp_path / "out")
    assert set(errors) == {"huge.txt", "latin1.txt"}
    assert (
        errors["huge.txt"][1:] == ("DocumentTooLargeError", errors["huge.txt"][2])
        and "MB limit" in errors["huge.txt"][2]
    )
    assert "neither UTF-8 nor CP949" in errors["latin1.txt"][2]
    # a file of another format is not a failed document: it is skipped, and said so
    assert "'.pptx' are not read" in dict(s.skipped)["slides.pptx"]
    docs = dict(
        duckdb.sql(
            f"select source_path, doc_kind from read_parquet('{tmp_path}/out/documents/**/*.parquet')"
        ).fetchall()
    )
    # malformed and deeply nested HTML is read as far as it goes, never crashes the run
    assert {
        "truncated.html",
        "nested.html",
        SEED_003,
        "하위 폴더 (2020)/보고서 '사본' #1.txt",
    } <= set(docs)
    assert (s.docs_processed, s.docs_failed, s.docs_skipped) == (4, 2, 1)


def test_a_file_that_vanishes_mid_run_is_recorded_and_the_run_goes_on(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for n in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(RAW / SEED_003, raw / n)
    # delete b.txt between planning and processing: the plan has hashed it already
    from pipeline import run as run_module

    plan_run = run_module.plan_run

    def plan_then_delete(*a, **k):
        plan = plan_run(*a, **k)
        (raw / "b.txt").unlink()
        return plan

    monkeypatch.setattr(run_module, "plan_run", plan_then_delete)
    s = run_module.ingest(raw, tmp_path / "out")
    assert (s.docs_processed, s.docs_failed) == (2, 1)
    (err,) = s.errors
    assert (err.source_path, err.stage, err.error_type) == ("b.txt", "read", "TransientError")
    assert "disappeared" in err.message


def test_two_runs_at_once_do_not_corrupt_the_output(tmp_path):
    """Two processes ingest into the same output at once: one writes, the other refuses with a
    clear message (exit 3); the output is one consistent snapshot."""
    out = tmp_path / "out"
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(40):
        shutil.copy(RAW / SEED_003, raw / f"{i:02d}.txt")
    code = f"from pipeline.run import ingest; from pipeline.errors import OutputLockedError\ntry:\n    ingest({str(raw)!r}, {str(out)!r}, batch_size=5)\nexcept OutputLockedError as e:\n    print(e); raise SystemExit(3)"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for p in procs:
        stdout, _ = p.communicate(timeout=300)
        results.append((p.returncode, stdout))
    codes = sorted(r for r, _ in results)
    assert codes == [0, 3], results
    assert any("being written by another gyeoljae run" in o for _, o in results)
    n = duckdb.sql(
        f"select count(*), count(distinct doc_id) from read_parquet('{out}/documents/**/*.parquet')"
    ).fetchall()
    assert n == [(40, 40)]
