"""`gyeoljae sql`: DuckDB views over the committed snapshot of an output folder, the
budget_context view, the shell (piped), exports, and the README's worked session."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import REPO

from pipeline.sql import BUDGET_CONTEXT_COLUMNS, budget_context_markdown, connect
from pipeline.store import CURRENT, MANIFEST

GYEOLJAE = Path(sys.executable).parent / "gyeoljae"
README = (REPO / "README.md").read_text(encoding="utf-8")

_spec = importlib.util.spec_from_file_location(
    "readme_queries", REPO / "scripts" / "readme_queries.py"
)
readme_queries = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["readme_queries"] = readme_queries  # its dataclasses look their module up
_spec.loader.exec_module(readme_queries)  # type: ignore[union-attr]


def sql(*args: str, stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run(
        [str(GYEOLJAE), "sql", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
    )


def direct(out: Path, query: str) -> list[tuple]:
    """The same question asked of the Parquet folders directly, as any DuckDB user would."""
    for table in ("budgets", "documents", "projects"):
        query = query.replace(
            f"{{{table}}}", f"read_parquet('{out}/{table}/**/*.parquet', hive_partitioning=true)"
        )
    return duckdb.sql(query).fetchall()


def test_a_query_over_the_views_gives_what_the_parquet_gives(flow_output):
    out, _ = flow_output
    (want,) = direct(
        out,
        "select count(*), sum(amount_krw) from {budgets} "
        "where not is_total and same_as_budget_id is null and flow = 'expenditure'",
    )
    done = sql(
        "select count(*) as n, sum(amount_krw) as krw from budget_context "
        "where distinct_money and flow = 'expenditure'",
        "--from",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["n", "|", "krw"]
    assert lines[2].split() == [f"{want[0]:,}", "|", f"{want[1]:,}"]
    assert lines[3] == "(1 row)"
    # every table has its view, with the table's rows
    for table in ("documents", "sections", "tables", "projects", "budgets", "schedules", "runs"):
        (n,) = duckdb.sql(
            f"select count(*) from read_parquet('{out}/{table}/**/*.parquet')"
        ).fetchall()[0]
        got = sql(f"select count(*) as n from {table}", "--from", str(out)).stdout.splitlines()
        assert got[2].strip() == (f"{n:,}" if n >= 10_000 else str(n)), table


def test_budget_context_joins_documents_projects_and_the_source_text(flow_output):
    out, _ = flow_output
    con, _ = connect(out)
    rel = con.sql("from budget_context")
    assert rel.columns == [name for name, _ in BUDGET_CONTEXT_COLUMNS]
    assert budget_context_markdown() in README  # the README documents the view as it is
    rows = con.sql(
        "select doc_id, budget_id, department, title, project, amount_text, context "
        "from budget_context"
    ).fetchall()
    want = direct(
        out,
        "select b.doc_id, b.budget_id, d.department, d.title, p.name, b.amount_text, "
        "d.text, b.char_start, b.char_end from {budgets} b join {documents} d using (doc_id) "
        "left join {projects} p on p.doc_id = b.doc_id and p.project_id = b.project_id",
    )
    assert len(rows) == len(want) > 100
    by_id = {(r[0], r[1]): r for r in rows}
    for doc_id, budget_id, dept, title, project, amount_text, text, s, e in want:
        got = by_id[(doc_id, budget_id)]
        assert got[2:6] == (dept, title, project, amount_text)
        around = text[max(0, s - 30) : e + 30].replace("\r", " ").replace("\n", " ")
        assert got[6] == around and amount_text.replace("\n", " ") in got[6]
    assert any(r[4] for r in rows)  # some amounts sit under a project


def _copy_output(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)  # the table links and `current` are relative
    return dst


def test_the_views_read_the_committed_snapshot_only(flow_output, tmp_path):
    out = _copy_output(flow_output[0], tmp_path / "out")
    snap = (out / CURRENT).resolve()
    (n_budgets,) = duckdb.sql(
        f"select count(*) from read_parquet('{out}/budgets/**/*.parquet')"
    ).fetchall()[0]
    part = sorted((snap / "budgets").glob("*.parquet"))[0]
    # a half-written snapshot of a run still going, and a part its manifest does not list
    half = out / ".snapshots" / "20991231T000000Z-abcdef.tmp" / "budgets"
    half.mkdir(parents=True)
    shutil.copy(part, half / part.name)
    shutil.copy(part, snap / "budgets" / "part-stray-00001.parquet")
    con, _ = connect(out)
    assert con.sql("select count(*) from budgets").fetchall()[0] == (n_budgets,)
    # the next run commits (here: a snapshot without budgets): the open session still reads
    # the snapshot it opened on; a new one reads the new snapshot
    nxt = out / ".snapshots" / "20991231T000001Z-fedcba"
    shutil.copytree(snap, nxt)
    shutil.rmtree(nxt / "budgets")
    manifest = json.loads((nxt / MANIFEST).read_text(encoding="utf-8"))
    manifest["parts"]["budgets"] = {}
    (nxt / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "current.new").symlink_to(os.path.relpath(nxt, out))
    os.replace(out / "current.new", out / CURRENT)
    assert con.sql("select count(*) from budgets").fetchall()[0] == (n_budgets,)
    con2, _ = connect(out)
    assert con2.sql("select count(*) from budgets").fetchall()[0] == (0,)
    assert con2.sql("select count(*) from budget_context").fetchall()[0] == (0,)
    assert len(con2.sql("from budgets").columns) == len(con.sql("from budgets").columns)


def test_a_damaged_part_is_left_out_with_a_warning(flow_output, tmp_path):
    out = _copy_output(flow_output[0], tmp_path / "out")
    snap = (out / CURRENT).resolve()
    part = sorted((snap / "schedules").glob("*.parquet"))[0]
    part.unlink()  # the copy's part, cut to its first 4 bytes
    part.write_bytes(b"PAR1")
    done = sql("select count(*) as n from schedules", "--from", str(out))
    assert done.returncode == 0, done.stderr
    assert f"schedules/{part.name} is 4 bytes" in " ".join(done.stderr.split())
    assert done.stdout.splitlines()[2].strip() == "0"


def test_the_shell_reads_statements_from_a_pipe(flow_output):
    out, _ = flow_output
    (n_docs,) = duckdb.sql(
        f"select count(*) from read_parquet('{out}/documents/**/*.parquet')"
    ).fetchall()[0]
    typed = (
        "select count(*) as docs\n  from documents;\n"
        ".tables\n"
        "select nope from documents;\n"  # an error is printed, and the shell goes on
        "select 'semi;\ncolon' as s;\n"  # a ';' inside a string does not end the statement
        "create temp table t as select 1 as x; select x + 1 as y from t;\n"
        ".quit\n"
        "select 'after quit' as s;\n"
    )
    done = sql("--from", str(out), stdin=typed)
    assert done.returncode == 1  # a statement failed
    assert 'Referenced column "nope" not found' in done.stderr or "nope" in done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == [" docs", "------", f" {n_docs:>4}", "(1 row)"]
    assert f"documents  ({n_docs} rows)" in lines
    assert "budget_context  (" in done.stdout
    assert " semi; colon" in lines
    assert "ok" in lines and " 2" in lines
    assert "after quit" not in done.stdout


def test_export_to_csv_and_parquet(flow_output, tmp_path):
    out, _ = flow_output
    (n,) = direct(
        out, "select count(*) from {budgets} where not is_total and same_as_budget_id is null"
    )[0]
    done = sql(
        "--from",
        str(out),
        "--csv",
        "money.csv",
        "from budget_context where distinct_money",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {n} rows to money.csv"
    assert duckdb.sql(f"select count(*) from read_csv('{tmp_path}/money.csv')").fetchall()[0] == (
        n,
    )
    # the query from stdin; the statements before the last one run first
    done = sql(
        "--from",
        str(out),
        "--parquet",
        str(tmp_path / "years.parquet"),
        stdin="create temp view y as select distinct year from budget_context;\nfrom y;\n",
    )
    assert done.returncode == 0, done.stderr
    years = duckdb.sql(f"from read_parquet('{tmp_path}/years.parquet')").fetchall()
    assert (2016,) in years
    assert len(years) == len(direct(out, "select distinct fiscal_year from {budgets}"))


def test_no_output_folder_is_said_plainly(tmp_path):
    done = sql("select 1", "--from", str(tmp_path / "nothing"))
    assert done.returncode == 2
    said = " ".join(done.stderr.split())
    assert "does not exist" in said and "run `gyeoljae ingest" in said
    (tmp_path / "empty").mkdir()
    done = sql("select 1", "--from", str(tmp_path / "empty"))
    assert done.returncode == 2 and "holds no committed gyeoljae run" in " ".join(
        done.stderr.split()
    )
    bad = sql(
        "select from_nowhere", "--from", str(tmp_path / "empty"), "--csv", "x", "--parquet", "y"
    )
    assert bad.returncode == 2 and "not both" in bad.stderr


def test_the_readme_session_prints_what_the_readme_shows(flow_output):
    out, _ = flow_output
    sessions = readme_queries.sessions(README)
    assert [s.name for s in sessions] == ["budget-context"]
    assert [step.command.split()[:2] for step in sessions[0].steps] == [
        [".venv/bin/gyeoljae", "sql"]
    ] * 2
    bad = readme_queries.check_sessions(README, {"seeds": str(out)})
    assert not bad, "\n\n".join(bad) + "\n(python scripts/readme_queries.py --write)"
    # and the transcript, statement by statement, is the README's (what --write would write)
    start, end = sessions[0].span
    assert readme_queries.transcript(sessions[0], str(out)) == README[start:end]
