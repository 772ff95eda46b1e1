"""The ingest flow: plan → process batches → commit one snapshot, as Prefect tasks.

Each task wraps one library function (``pipeline.run``); the flow adds Prefect's retries,
logs, run history and a markdown artifact with the run summary. Tasks are coarse (a batch
of documents each) so Prefect's per-task overhead stays small next to the work.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner

import flows  # noqa: F401  (Prefect defaults before prefect is imported)
from pipeline.model import Document, ErrorRecord, RunSummary
from pipeline.process import process_batch
from pipeline.run import DEFAULT_BATCH_SIZE, RunPlan, RunWriter, plan_run
from pipeline.store import OutputStore
from pipeline.workers import WorkerSettings

_progress: Callable[[int], None] | None = None
_progress_total: Callable[[int], None] | None = None


def set_progress(
    callback: Callable[[int], None] | None, total: Callable[[int], None] | None = None
) -> None:
    """``callback`` is called with the number of documents done after each batch, ``total``
    once with the number of documents to process, when the plan is made (the CLI's progress)."""
    global _progress, _progress_total
    _progress, _progress_total = callback, total


@task(name="plan", retries=2, retry_delay_seconds=2, timeout_seconds=3600)
def plan_task(
    raw_dir: str, out_dir: str, force: bool, only: list[str] | None, exclude: list[str]
) -> RunPlan:
    """Hash the input and compare it with the last snapshot (I/O: retried)."""
    return plan_run(raw_dir, OutputStore(out_dir), force=force, only=only, exclude=exclude)


@task(name="process-batch")
def process_batch_task(
    paths: list[str],
    root: str,
    sha256s: list[str | None],
    workers: int,
    time_budget_s: float,
    memory_mb: int,
) -> list[Document | ErrorRecord]:
    """Analyse a batch in supervised worker processes (in this Prefect or Dask worker); a bad,
    too slow or too large document comes back as an ErrorRecord (deterministic: not retried)."""
    settings = WorkerSettings(workers=workers, time_budget_s=time_budget_s, memory_mb=memory_mb)
    return process_batch(paths, root, sha256s, settings)


# Batch tasks in flight: the next batch's documents wait in the worker pool's queue while the
# flow's thread writes the finished one, so the workers never idle between batches.
IN_FLIGHT = 3


def _consume(fut: PrefectFuture[list[Document | ErrorRecord]], run: RunWriter) -> None:
    results = fut.result()
    run.add(results)
    if _progress is not None:
        _progress(len(results))


def dask_runner(address: str | None = None, n_workers: int = 2, processes: bool = True):  # type: ignore[no-untyped-def]
    """A Dask task runner: a local cluster of ``n_workers``, or an existing scheduler at
    ``address`` (tcp://host:8786). Each worker loads kiwipiepy once, on its first batch."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": n_workers,
            "threads_per_worker": 1,
            "processes": processes,
            "dashboard_address": ":0",
        }
    )


def _runs_here() -> bool:
    """Whether the flow's tasks run in this process's threads (not on Dask)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return ctx is None or isinstance(ctx.task_runner, ThreadPoolTaskRunner)


def summary_markdown(s: RunSummary) -> str:
    lines = [
        f"# gyeoljae run `{s.run_id}` — {s.status}",
        "",
        "| documents | count |",
        "|---|---:|",
        f"| seen | {s.docs_seen} |",
        f"| processed | {s.docs_processed} |",
        f"| unchanged | {s.docs_unchanged} |",
        f"| failed | {s.docs_failed} |",
        f"| skipped (not documents) | {s.docs_skipped} |",
        f"| removed from input | {len(s.removed)} |",
        *([""] + [f"warning: {w}" for w in s.warnings] if s.warnings else []),
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {t} | {n} |" for t, n in s.rows.items()],
    ]
    if s.errors:
        lines += ["", "| failed document | stage | why |", "|---|---|---|"]
        lines += [f"| {e.source_path} | {e.stage} | {e.message} |" for e in s.errors]
    if s.skipped:
        lines += ["", "| skipped entry | why |", "|---|---|"]
        lines += [f"| {rel} | {why} |" for rel, why in s.skipped]
    return "\n".join(lines)


# Two task threads: while one waits for its batch, the next batch is already queued in the
# worker processes (the analysis itself runs in those, one per core).
@flow(name="gyeoljae-ingest", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=2))  # type: ignore[arg-type]
def ingest_flow(
    raw_dir: str = "data/raw",
    out_dir: str = "data/processed",
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    keep_removed: bool = False,
    mode: str = "manual",
    only: list[str] | None = None,
    wait_seconds: float = 0.0,
    exclude: list[str] | None = None,
    workers: int | None = None,
    time_budget_s: float | None = None,
    memory_mb: int | None = None,
    caller_holds_lock: bool = False,
) -> RunSummary:
    """Ingest every document under ``raw_dir`` into the Parquet tables under ``out_dir``.

    ``workers`` (default: one per core; under Dask, per Dask worker), ``time_budget_s`` and
    ``memory_mb`` are :class:`~pipeline.workers.WorkerSettings`. The flow takes the output's
    lock (waiting up to ``wait_seconds``) unless ``caller_holds_lock``: the CLI takes it
    before starting the flow, so a refusal is a plain message, not a failed flow run."""
    logger = get_run_logger()
    defaults = WorkerSettings()
    if workers is None:  # one per core here; one per Dask worker, which is itself one per core
        workers = defaults.workers if _runs_here() else 1
    n_workers = workers
    budget = defaults.time_budget_s if time_budget_s is None else time_budget_s
    memory = defaults.memory_mb if memory_mb is None else memory_mb
    store = OutputStore(out_dir)
    with contextlib.nullcontext() if caller_holds_lock else store.lock(wait_seconds):
        plan = plan_task(str(Path(raw_dir)), out_dir, force, only, list(exclude or []))
        for w in plan.warnings:
            logger.warning("%s", w)
        if _progress_total is not None:
            _progress_total(len(plan.to_process))
        logger.info(
            "%d documents to process, %d unchanged, %d removed",
            len(plan.to_process),
            len(plan.unchanged),
            len(plan.removed),
        )
        run = RunWriter(store, plan, mode=mode, keep_removed=keep_removed)
        # a bounded window of batches in flight: memory stays flat however large the input
        pending: deque[PrefectFuture[list[Document | ErrorRecord]]] = deque()
        for batch in plan.batches(batch_size):
            pending.append(
                process_batch_task.submit(
                    [f.path for f in batch],
                    plan.root,
                    [f.sha256 for f in batch],
                    n_workers,
                    budget,
                    memory,
                )
            )
            if len(pending) >= IN_FLIGHT:
                _consume(pending.popleft(), run)
        while pending:
            _consume(pending.popleft(), run)
        summary = run.commit()
    for e in summary.errors:
        logger.warning("%s failed at %s: %s", e.source_path, e.stage, e.message)
    create_markdown_artifact(
        markdown=summary_markdown(summary),
        key="gyeoljae-run-summary",
        description=f"gyeoljae run {summary.run_id}",
    )
    if summary.docs_failed:
        # like docling's PARTIAL_SUCCESS: the run completed, but not every document did
        return Completed(
            name="PartialSuccess", message=f"{summary.docs_failed} document(s) failed", data=summary
        )  # type: ignore[return-value]
    return summary
