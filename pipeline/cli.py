"""``gyeoljae`` — the command line.

``gyeoljae ingest`` runs the Prefect ingest flow (a temporary local Prefect server starts and
stops by itself: no server to run by hand); ``gyeoljae show`` prints what was extracted from
one document, each value next to its source text.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from pipeline import __version__, cli_read
from pipeline.errors import OutputLockedError
from pipeline.ingest import FORMATS
from pipeline.operator import OPERATOR, ProgressLines, formats_read, next_steps
from pipeline.run import DEFAULT_BATCH_SIZE
from pipeline.workers import WorkerSettings

_WORKERS = WorkerSettings()

app = typer.Typer(
    name="gyeoljae",
    help=(
        "Turn Korean administrative documents (결재문서, 주요업무 보고, 사업설명서) into Parquet "
        "tables you can query with DuckDB or pandas.\n\n"
        f"Reads: {formats_read()}.\n\n"
        "Start with:  gyeoljae ingest data/raw --out data/processed\n\n"
        "Then:  gyeoljae sql --from data/processed  (SQL over the tables)"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = cli_read.console
err_console = cli_read.err_console

RawDir = Annotated[
    Path,
    typer.Argument(
        help="Folder (or single file) of documents: "
        + ", ".join(f".{suffix}" for suffix in FORMATS)
        + "."
    ),
]
OutDir = cli_read.OutDir


def _version(value: bool) -> None:
    if value:
        console.print(f"gyeoljae {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    pass


@app.command()
def ingest(
    raw_dir: RawDir = Path("data/raw"),
    out: OutDir = Path("data/processed"),
    batch_size: Annotated[
        int, typer.Option(help="Documents per Prefect task.")
    ] = DEFAULT_BATCH_SIZE,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Re-process documents even when unchanged (all, or those given with --only).",
        ),
    ] = False,
    keep_removed: Annotated[
        bool,
        typer.Option(
            "--keep-removed",
            help="Keep the rows of documents no longer in RAW_DIR (default: drop them).",
        ),
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            help="If another run is writing OUT, wait up to this many seconds instead of refusing.",
        ),
    ] = 0.0,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Re-process just this file (path relative to RAW_DIR; repeatable); every other document is kept as it is.",
        ),
    ] = None,
    mode: Annotated[
        str, typer.Option(help="Recorded in the runs table: manual, nightly, …")
    ] = "manual",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show Prefect's own log lines.")
    ] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run the batches on Dask: 'local' for a local cluster, or a scheduler address (tcp://host:8786).",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Skip files and folders whose name or relative path matches this glob (repeatable), e.g. --exclude '*_old.txt'.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help=f"Worker processes that analyse documents (default: one per core, here {_WORKERS.workers}; with --dask, per Dask worker: 1).",
            min=1,
        ),
    ] = None,
    time_budget: Annotated[
        float,
        typer.Option(
            "--time-budget",
            help="Seconds one document may take; a slower one is stopped and becomes an errors row.",
            min=0.1,
        ),
    ] = _WORKERS.time_budget_s,
    memory_mb: Annotated[
        int,
        typer.Option(
            "--memory-mb",
            help="MB one document may add to its worker; a larger one is stopped and becomes an errors row.",
            min=1,
        ),
    ] = _WORKERS.memory_mb,
    progress_every: Annotated[
        float,
        typer.Option(
            "--progress-every",
            help="When the output is not a terminal (cron, CI), print a progress line this often (seconds) instead of a bar.",
            min=0.05,
        ),
    ] = OPERATOR.progress_every_s,
) -> None:
    """Ingest every document in RAW_DIR into the tables under --out.

    Only new or changed documents are processed (sha256 of the bytes and the pipeline version
    decide); all tables are replaced together, atomically. A document that cannot be read, or
    goes over its time or memory budget, becomes a row of the [bold]errors[/] table and the run
    goes on; files that are not documents (.csv, …) are skipped and listed.
    Exit code 0 when every document was processed, 1 if any failed, 2 for a bad argument,
    3 if another run is writing --out.
    """
    if not raw_dir.exists():
        err_console.print(f"[red]error:[/] {raw_dir} does not exist")
        raise typer.Exit(2)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from pipeline.run import record_if_unchanged
    from pipeline.store import OutputStore

    try:
        with OutputStore(out).lock(wait):
            # the pre-check: when nothing changed, the run is recorded without starting Prefect
            # (its temporary server), the worker processes or Kiwi — they are most of its cost
            unchanged = (
                None
                if force or only
                else record_if_unchanged(raw_dir, out, mode=mode, exclude=exclude or [])
            )
            summary = (
                unchanged
                if unchanged is not None
                else _run_flow(
                    raw_dir,
                    out,
                    batch_size=batch_size,
                    force=force or bool(only),
                    keep_removed=keep_removed,
                    mode=mode if not only else "single",
                    only=only or None,
                    exclude=exclude or [],
                    workers=(1 if dask else None) if workers is None else workers,
                    time_budget_s=time_budget,
                    memory_mb=memory_mb,
                    dask=dask,
                    progress_every=progress_every,
                )
            )
    except OutputLockedError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(3) from None
    if unchanged is not None:
        console.print(
            "nothing changed since the last run: recorded without starting the Prefect flow",
            markup=False,
            highlight=False,
        )
    _print_summary(summary)
    raise typer.Exit(1 if summary.docs_failed else 0)


def _run_flow(raw_dir: Path, out: Path, *, dask: str | None, progress_every: float, **params):  # type: ignore[no-untyped-def]
    """The Prefect ingest flow, with its progress (a bar on a terminal, else a line every
    ``progress_every`` seconds); the caller holds the output's lock."""
    from flows.ingest import dask_runner, ingest_flow, set_progress

    flow_fn = ingest_flow
    if dask:
        flow_fn = ingest_flow.with_options(
            task_runner=dask_runner(None if dask == "local" else dask)
        )
    with _progress_reporter(progress_every) as (advance, set_total):
        set_progress(advance, total=set_total)
        try:
            return flow_fn(raw_dir=str(raw_dir), out_dir=str(out), caller_holds_lock=True, **params)
        finally:
            set_progress(None)


@contextlib.contextmanager
def _progress_reporter(every_s: float):  # type: ignore[no-untyped-def]
    """``(advance, set_total)`` callbacks: a rich bar counting documents against the plan's
    total on a terminal; otherwise :class:`ProgressLines` on stderr."""
    if err_console.is_terminal:
        with Progress(
            TextColumn("[bold]ingesting[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("documents"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as progress:
            bar = progress.add_task("ingest", total=None)
            yield (
                lambda n: progress.advance(bar, n),
                lambda total: progress.update(bar, total=total),
            )
        return
    lines = ProgressLines(every_s, sys.stderr)
    with lines:
        yield lines.advance, lines.set_total


def _print_summary(s) -> None:  # type: ignore[no-untyped-def]
    console.print(f"[bold]gyeoljae run {s.run_id}[/]: {s.status}")
    t = RichTable(show_header=False)
    t.add_row("documents seen", str(s.docs_seen))
    t.add_row("processed", str(s.docs_processed))
    t.add_row("unchanged", str(s.docs_unchanged))
    t.add_row("failed", f"[red]{s.docs_failed}[/]" if s.docs_failed else "0")
    if s.docs_skipped:
        t.add_row("skipped (not documents)", str(s.docs_skipped))
    if s.removed:
        t.add_row("removed from input", str(len(s.removed)))
    console.print(t)
    rows = RichTable(title="rows per table", title_justify="left")
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for name, n in s.rows.items():
        rows.add_row(name, str(n))
    console.print(rows)
    for w in s.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")
    for e in s.errors:  # names and messages are text, never markup ('[/x].hwp')
        console.print(
            f"[red]failed[/] {escape(e.source_path)} ({e.stage}): {escape(e.message)}",
            soft_wrap=True,
        )
    reasons: dict[str, list[str]] = {}
    for rel, why in s.skipped:
        reasons.setdefault(why, []).append(rel)
    for why, rels in reasons.items():
        shown = ", ".join(rels[:5]) + (f" and {len(rels) - 5} more" if len(rels) > 5 else "")
        console.print(f"skipped {shown}: {why}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"output: {Path(s.out_dir).resolve()}", markup=False, highlight=False)
    for line in next_steps(Path(s.out_dir), failed=bool(s.docs_failed)):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command()
def serve(
    raw_dir: RawDir = Path("data/raw"),
    out: OutDir = Path("data/processed"),
    cron: Annotated[
        str, typer.Option(help="When to run, as a cron expression (default: 02:00 every night).")
    ] = "0 2 * * *",
    port: Annotated[
        int,
        typer.Option(help="Port of the local Prefect server and its UI (127.0.0.1).", min=1),
    ] = 4200,
    ui: Annotated[
        bool, typer.Option("--ui/--no-ui", help="Serve the Prefect UI on the local server.")
    ] = True,
) -> None:
    """Serve the nightly ingest on a schedule with Prefect (UI, run history, retries, logs).

    Uses the Prefect server that PREFECT_API_URL names; without one, starts a local server
    (127.0.0.1:PORT, SQLite under PREFECT_HOME) with Prefect's UI on http://127.0.0.1:PORT,
    and stops it when you stop this command (Ctrl-C or SIGTERM). Once the deployment is
    registered it prints the command that starts a run now, from another shell.
    Scheduled and triggered runs record mode = nightly in the runs table.
    """
    import signal

    raw, outp = str(raw_dir.resolve()), str(out.resolve())

    def stop(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    from flows.serve import local_prefect_server

    def say(line: str) -> None:
        console.print(line, markup=False, highlight=False, soft_wrap=True)

    api = os.environ.get("PREFECT_API_URL")
    if api:
        say(f"Prefect server: {api} (PREFECT_API_URL); runs show in that server's UI")
        _serve_deployment(api, raw, outp, cron, say)
        return
    try:
        with local_prefect_server(port=port, ui=ui) as server:
            os.environ["PREFECT_API_URL"] = server.api_url
            say(f"local Prefect server at {server.api_url} (SQLite under PREFECT_HOME)")
            if server.ui_url:
                say(f"Prefect UI: {server.ui_url}")
            else:
                say(f"{server.ui_off_reason}; the API and the schedule work without it")
            with contextlib.suppress(KeyboardInterrupt):
                _serve_deployment(server.api_url, raw, outp, cron, say)
            say("stopping the local Prefect server")
    except RuntimeError as exc:  # the port is taken, or the server did not start
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _serve_deployment(api: str, raw: str, out: str, cron: str, say) -> None:  # type: ignore[no-untyped-def]
    """Serve the nightly deployment until interrupted; print the trigger line once the server
    knows the deployment (before that, the line would fail)."""
    from flows.serve import serve_nightly, trigger_command, wait_for_deployment

    def announce() -> None:
        if wait_for_deployment(api):
            say(f"serving the nightly ingest of {raw} into {out} (cron {cron!r}); Ctrl-C stops it")
            say("run it now, from another shell:")
            say(f"  {trigger_command(api)}")

    threading.Thread(target=announce, name="announce", daemon=True).start()
    try:
        serve_nightly(raw, out, cron)
    except KeyboardInterrupt:
        say("stopped")


@app.command()
def rerun(
    doc: Annotated[
        str,
        typer.Argument(
            help="doc_id (관리번호 or file stem), stored source path, or a file under RAW_DIR."
        ),
    ],
    raw_dir: Annotated[
        Path, typer.Option("--raw", help="The input folder the document belongs to.")
    ] = Path("data/raw"),
    out: OutDir = Path("data/processed"),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show what would change.")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            help="If another run is writing OUT, wait up to this many seconds instead of refusing.",
        ),
    ] = 0.0,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show Prefect's own log lines.")
    ] = False,
) -> None:
    """Re-process one document and show, table by table, the rows added (+), removed (-) and
    changed (~, old → new) against the rows stored for it; then write them in place (one
    atomic snapshot, every other document untouched). With --dry-run, only show the diff.
    Exit code 1 if the document fails (its errors row is printed), 2 if there is no such
    document, 3 if another run is writing --out (see --wait)."""
    from pipeline.rerun import DocumentFailed, DocumentNotFound, diff_document, render, resolve
    from pipeline.store import OutputStore

    store = OutputStore(out)
    try:
        diff = diff_document(store, raw_dir, doc)
    except DocumentNotFound as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except DocumentFailed as exc:
        e = exc.record
        console.print(
            f"[red]failed[/] {escape(e.source_path)} ({e.stage}, {e.error_type}): {escape(e.message)}"
        )
        raise typer.Exit(1) from None
    for line in render(diff):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if dry_run or diff.empty:
        raise typer.Exit(0)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.ingest import ingest_flow

    _, rel = resolve(store, raw_dir, doc)
    try:
        with store.lock(wait):
            summary = ingest_flow(
                raw_dir=str(raw_dir),
                out_dir=str(out),
                only=[rel],
                force=True,
                mode="single",
                caller_holds_lock=True,
            )
    except OutputLockedError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(3) from None
    console.print(f"written: run {summary.run_id} ({summary.status})")
    raise typer.Exit(1 if summary.docs_failed else 0)


# The reading commands live in pipeline/cli_read.py; registered here, in --help's order.
app.command()(cli_read.show)
app.command()(cli_read.sql)
app.command("errors")(cli_read.list_errors)
app.command()(cli_read.check)
app.command()(cli_read.audit)


def run() -> None:  # pragma: no cover
    sys.exit(app())
