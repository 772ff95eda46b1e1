"""The CLI's reading commands — ``show``, ``sql``, ``errors``, ``check``, ``audit`` — over
tables an ingest wrote (or, for ``check``, documents on disk). Each is a thin layer over a
library function; :mod:`pipeline.cli` registers them on the one ``gyeoljae`` app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

console = Console()
err_console = Console(stderr=True)

OutDir = Annotated[
    Path, typer.Option("--out", "-o", help="Where the Parquet tables go (one folder per table).")
]


def show(
    doc_id: Annotated[
        str,
        typer.Argument(help="The document's doc_id (관리번호 or file stem), or its source path."),
    ],
    out: OutDir = Path("data/processed"),
    outline: Annotated[bool, typer.Option("--outline", help="Print the section tree.")] = False,
    context: Annotated[
        int, typer.Option(help="Characters of source text shown around each value.")
    ] = 30,
) -> None:
    """Print one document's metadata, budgets and schedules, each with its source text."""
    import pyarrow.compute as pc

    from pipeline.store import OutputStore

    store = OutputStore(out)
    docs = store.read("documents")
    match = docs.filter(
        pc.or_(pc.equal(docs["doc_id"], doc_id), pc.equal(docs["source_path"], doc_id))
    ).to_pylist()
    if not match:
        err_console.print(
            f"[red]error:[/] no document {doc_id!r} in {out} (run `gyeoljae ingest` first?)"
        )
        raise typer.Exit(2)
    d = match[0]
    text: str = d["text"]
    meta = RichTable(title=f"{d['doc_id']} — {d['title']}", show_header=False, title_justify="left")
    from pipeline.metadata import METADATA_FIELDS

    for key in ("source_path", *METADATA_FIELDS):
        if d[key] not in (None, []):
            meta.add_row(key, str(d[key]))
    console.print(meta)
    flt = pc.field("doc_id") == d["doc_id"]

    def around(s: int, e: int) -> str:
        left = text[max(0, s - context) : s].replace("\n", " ")
        right = text[e : e + context].replace("\n", " ")
        return f"…{left}[bold yellow]{text[s:e]}[/]{right}…"

    if outline:
        for s in sorted(store.read("sections", filter=flt).to_pylist(), key=lambda r: r["ordinal"]):
            console.print(
                "  " * (s["depth"] - 1) + f"{s['marker']} {s['title']}",
                markup=False,
                highlight=False,
            )
    budgets = sorted(store.read("budgets", filter=flt).to_pylist(), key=lambda r: r["char_start"])
    bt = RichTable(title=f"budgets ({len(budgets)})", title_justify="left")
    for col in ("item", "amount_krw", "year", "category", "basis ok", "source"):
        bt.add_column(col)
    for b in budgets:
        ok = "" if b["basis_ok"] is None else ("✓" if b["basis_ok"] else "[red]✗[/]")
        bt.add_row(
            b["item"],
            f"{b['amount_krw']:,}",
            str(b["fiscal_year"] or ""),
            b["category"] or "",
            ok,
            around(b["char_start"], b["char_end"]),
        )
    console.print(bt)
    schedules = sorted(
        store.read("schedules", filter=flt).to_pylist(), key=lambda r: r["char_start"]
    )
    st = RichTable(title=f"schedules ({len(schedules)})", title_justify="left")
    for col in ("task", "start", "end", "precision", "source"):
        st.add_column(col)
    for r in schedules:
        st.add_row(
            r["task"],
            str(r["start_date"] or ""),
            str(r["end_date"] or "(open)"),
            r["precision"],
            around(r["char_start"], r["char_end"]),
        )
    console.print(st)


def sql(
    query: Annotated[
        str | None,
        typer.Argument(
            help="SQL to run (several statements: end each with ';'). Without it, a shell that reads statements from the terminal, or from a pipe."
        ),
    ] = None,
    from_dir: Annotated[
        Path, typer.Option("--from", help="The output folder to query (gyeoljae ingest --out).")
    ] = Path("data/processed"),
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the (last) query's whole result to this CSV file."),
    ] = None,
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet", help="Write the (last) query's whole result to this Parquet file."
        ),
    ] = None,
) -> None:
    """SQL (DuckDB) over the tables of an output folder: one view per table
    (documents, sections, tables, projects, budgets, schedules, errors, runs) and
    [bold]budget_context[/]: each budgets row with its document's department and title, its
    project, year, item, amount, distinct_money (not a total, not a restatement: sum these)
    and the source text around the amount.

    The views read the last committed run, never a half-written one. Columns:
    docs/tables.md; budget_context's: the README. Shell: .tables, .schema VIEW, .quit.
    Exit code 1 if a statement failed, 2 if the folder holds no output.
    """
    from pipeline.sql import NoOutputError, connect, export, render, run_statements, shell

    if csv and parquet:
        err_console.print("[red]error:[/] pass --csv or --parquet, not both")
        raise typer.Exit(2)
    try:
        con, snapshot = connect(from_dir)
    except NoOutputError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    for w in snapshot.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(w)}")
    import duckdb

    target = csv or parquet
    if target is not None:
        text = query if query is not None else sys.stdin.read()
        try:
            n = export(con, text, target, "csv" if csv else "parquet")
        except (duckdb.Error, ValueError) as exc:
            err_console.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from None
        console.print(f"wrote {n} rows to {target}", markup=False, highlight=False)
        return
    if query is None:
        failed = shell(con, sys.stdin, sys.stdout, sys.stderr)
        raise typer.Exit(1 if failed and not sys.stdin.isatty() else 0)
    try:
        for result in run_statements(con, query):
            for line in render(result):
                print(line)
    except duckdb.Error as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None


def list_errors(
    run_id: Annotated[
        str | None,
        typer.Option("--run", help="The run to list (a runs.run_id); default: the last run."),
    ] = None,
    out: OutDir = Path("data/processed"),
) -> None:
    """List the documents that failed in the last run (or in --run RUN_ID): file, stage and
    why. Exit code 2 if there is no such run."""
    from pipeline.operator import NoSuchRun, run_failures

    try:
        failures = run_failures(out, run_id)
    except NoSuchRun as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    console.print(failures.headline(), markup=False, highlight=False, soft_wrap=True)
    rows = failures.rows
    for e in sorted(rows, key=lambda e: e["source_path"]):  # tab-separated, for cut and awk
        print(f"{e['source_path']}\t{e['stage']}\t{' '.join(e['message'].split())}")


def check(
    paths: Annotated[
        list[Path], typer.Argument(help="Documents, or folders of documents, to check.")
    ],
    show_all: Annotated[
        bool, typer.Option("--all", help="Print every check, not only the mismatches.")
    ] = False,
) -> None:
    """Check each document's own arithmetic: 산출근거 products, 계/합계/소계 rows, 총 columns,
    산출근거 groups and breakdowns such as '655억원 (시정형 450억원, …)'.

    Mismatches are printed as the document states them, never corrected. Exit code 1 if any.
    """
    from pipeline.checks import check_document
    from pipeline.errors import StageFailed
    from pipeline.ingest import iter_source_paths
    from pipeline.process import process_path

    mismatches = total = 0
    for root in paths:
        for path in iter_source_paths(root):
            try:
                doc = process_path(path, root if root.is_dir() else path.parent)
            except StageFailed as exc:
                err_console.print(f"[red]skipped[/] {escape(str(path))}: {escape(str(exc))}")
                continue
            checks = check_document(doc)
            bad = [c for c in checks if not c.ok]
            total += len(checks)
            mismatches += len(bad)
            console.print(
                f"[bold]{escape(doc.doc_id)}[/] ({escape(path.name)}): {len(checks)} checks, {len(bad)} mismatch(es)"
            )
            for c in checks if show_all else bad:
                console.print(
                    "  " + c.describe(doc.text), markup=False, highlight=False, soft_wrap=True
                )
    console.print(f"{total} checks, {mismatches} mismatch(es)")
    raise typer.Exit(1 if mismatches else 0)


def audit(
    docs: Annotated[
        list[str] | None,
        typer.Argument(help="doc_ids or source paths to write pages for (default: every one)."),
    ] = None,
    src: Annotated[
        Path, typer.Option("--from", help="The tables to audit (an ingest's --out folder).")
    ] = Path("data/processed"),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where the HTML pages and index.html go.")
    ] = Path("build/audit"),
) -> None:
    """Write one self-contained HTML page per document — its whole text with every budget,
    schedule and project highlighted and linked to its row, its tables and its arithmetic
    checks — and an index.html over all documents and the run's errors rows.

    Exit code 2 if there are no tables under --from or a DOC is not in them."""
    from pipeline.audit import NothingToAudit, UnknownDocument, write_audit

    try:
        report = write_audit(src, out, docs or None)
    except (NothingToAudit, UnknownDocument) as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    for d in report.documents:
        if d.page is not None:
            bad = f", {d.mismatches} failed check(s)" if d.mismatches else ""
            console.print(
                f"{d.page}  ({d.counts['budgets']} budgets, {d.counts['schedules']} schedules, "
                f"{d.counts['projects']} projects{bad})",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    console.print(
        f"index: {report.index}  ({len(report.pages)} page(s), {report.errors} errors row(s))",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
