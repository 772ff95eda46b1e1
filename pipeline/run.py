"""A run over an input folder: plan what changed, process it in batches, commit one snapshot.

The building blocks are used both by :func:`ingest` (plain Python, no Prefect) and by the
Prefect flows in ``flows/`` (which wrap each block as a task), so both give the same rows.

Incremental rule: a document whose bytes (sha256) and pipeline version equal those of its
last successful run is *unchanged*: its rows are carried into the new snapshot as they were.
A file whose size, mtime and ctime equal those the last run recorded (in the snapshot's
MANIFEST.json) is not read again: its sha256 is taken as recorded — unless it was modified
within :data:`RACY_NS` of the last run looking at it, when the same timestamp could hide a
later write (git's "racy" rule); then it is hashed.
Everything else is processed; a changed document's rows replace its old rows only. Documents
that failed before are tried again. Documents gone from the input are dropped (or kept with
``keep_removed``) and reported.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline import errors as pipeline_errors
from pipeline.errors import (
    BadInputError,
    DocumentMemoryError,
    DocumentTimeoutError,
    DuplicateDocumentError,
    TransientError,
    UnsafePathError,
    describe,
)
from pipeline.ingest import file_sha256, walk_input
from pipeline.model import Document, ErrorRecord, RunSummary
from pipeline.process import PIPELINE_VERSION, stage_timer
from pipeline.rows import document_rows, error_row, run_row
from pipeline.store import OutputStore, SnapshotWriter
from pipeline.workers import WorkerSettings, shared_pool
from schemas import PER_DOCUMENT_TABLES

# Documents per Prefect task: at 200 the flow runs as fast as the plain-Python run on the
# 20 MB benchmark corpus (17.2 s vs 17.3 s); at 50 Prefect added 13 % (scripts/bench.py).
DEFAULT_BATCH_SIZE = 200
# A file modified less than this before the last run stat'ed it is hashed again, whatever its
# stat says: a write in the same timestamp tick would leave size and mtime unchanged.
RACY_NS = 2_000_000_000


def new_run_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class PlannedFile:
    path: str
    rel_path: str
    sha256: str


@dataclass
class RunPlan:
    root: str
    to_process: list[PlannedFile] = field(default_factory=list)
    unchanged: dict[str, str] = field(default_factory=dict)  # rel_path → doc_id
    removed: dict[str, str] = field(default_factory=dict)  # rel_path → doc_id
    read_errors: list[ErrorRecord] = field(default_factory=list)
    # rel_path → its failure, carried as it is: bad input, unchanged, failed under this version
    still_failing: dict[str, ErrorRecord] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rel_path, why) not documents
    warnings: list[str] = field(default_factory=list)  # e.g. a damaged output part, healed
    stats: dict[str, list[int]] = field(default_factory=dict)  # rel → [size, mtime_ns, ctime_ns]
    stats_at_ns: int = 0  # when the files were stat'ed (before any of them was hashed)
    hashed: int = 0  # files read to hash them (the others' stat matched the last run's)

    @property
    def nothing_changed(self) -> bool:
        """Nothing to process, remove, report or heal: the run only records itself."""
        return not (self.to_process or self.removed or self.read_errors or self.warnings)

    @property
    def seen(self) -> int:
        return (
            len(self.to_process)
            + len(self.unchanged)
            + len(self.read_errors)
            + len(self.still_failing)
        )

    def batches(self, size: int) -> Iterator[list[PlannedFile]]:
        for i in range(0, len(self.to_process), size):
            yield self.to_process[i : i + size]


def plan_run(
    raw_dir: Path | str,
    store: OutputStore,
    *,
    force: bool = False,
    only: list[str] | None = None,
    exclude: Sequence[str] = (),
) -> RunPlan:
    """Hash every input file and compare with the last snapshot's ``documents``.

    Every entry under the root ends in exactly one place: to process, unchanged, an error
    (a link out of the root, a file over the size limit: checked with ``stat``, before any
    read) or skipped (not a document, excluded, not a regular file). Documents whose stored
    rows sit in a damaged output part are processed again. ``only`` restricts the run to these
    relative paths (the auditor's single-document re-run); every other document is carried
    over as it is.
    """
    root = Path(raw_dir)
    if not root.exists():
        raise FileNotFoundError(f"input folder {root} does not exist")
    plan = RunPlan(root=str(root))
    health = store.health()
    plan.warnings.extend(health.warnings)
    prev = store.read(
        "documents", columns=["doc_id", "source_path", "source_sha256", "pipeline_version"]
    ).to_pylist()
    previous = {r["source_path"]: r for r in prev}
    recorded, recorded_at = store.source_stats()
    settled = {} if force or only is not None else _settled_failures(store)
    plan.stats_at_ns = time.time_ns()
    seen: set[str] = set()
    for entry in walk_input(root, exclude):
        rel = entry.rel
        if entry.error is not None:
            err = UnsafePathError(entry.error)
            record = ErrorRecord(rel, None, "read", type(err).__name__, str(err))
            failure = settled.get(rel)
            if failure is not None and (failure.error_type, failure.message) == (
                record.error_type,
                record.message,
            ):
                plan.still_failing[rel] = failure  # the same link, refused the same way
            else:
                plan.read_errors.append(record)
            seen.add(rel)
            continue
        if entry.skipped is not None:
            plan.skipped.append((rel, entry.skipped))
            continue
        seen.add(rel)
        before = previous.get(rel)
        if only is not None and rel not in only:
            if before is not None:
                plan.unchanged[rel] = before["doc_id"]
            continue
        try:
            st = os.stat(entry.path)
            stat: list[int] | None = [st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        except OSError:
            stat = None  # hashing it reports why it cannot be read
        try:
            if (
                stat is not None
                and before is not None
                and recorded.get(rel) == stat
                and max(stat[1], stat[2]) < recorded_at - RACY_NS
            ):
                sha = before["source_sha256"]  # same size, mtime and ctime: not read again
            else:
                sha = file_sha256(entry.path)
                plan.hashed += 1
        except (TransientError, BadInputError) as exc:
            plan.read_errors.append(
                ErrorRecord(rel, None, "read", type(exc).__name__, describe(exc))
            )
            continue
        if stat is not None:
            plan.stats[rel] = stat
        damaged = health.all_lost or (
            before is not None and before["doc_id"] in health.lost_doc_ids
        )
        failure = settled.get(rel)
        if (
            not force
            and not damaged
            and before is not None
            and before["source_sha256"] == sha
            and before["pipeline_version"] == PIPELINE_VERSION
        ):
            plan.unchanged[rel] = before["doc_id"]
        elif before is None and failure is not None and failure.source_sha256 == sha:
            plan.still_failing[rel] = failure  # the same bytes would fail the same way again
        else:
            plan.to_process.append(PlannedFile(str(entry.path), rel, sha))
    plan.removed = {p: r["doc_id"] for p, r in previous.items() if p not in seen}
    return plan


# Failures that depend on this run's settings, not only on the file: tried again every run.
_BUDGET_FAILURES = (DocumentTimeoutError, DocumentMemoryError)


def _settled_failures(store: OutputStore) -> dict[str, ErrorRecord]:
    """The last run's failures that another run would only repeat: bad input (never a
    transient error, a crash or a time or memory budget), recorded by a run of this pipeline
    version. A file among them whose bytes are unchanged is not processed again; its errors
    row is carried; so is a link out of the root that is refused with the same message. A new
    pipeline version, ``--force`` or an auditor's re-run tries again."""
    runs = store.read("runs", columns=["run_id", "pipeline_version", "finished_at"]).to_pylist()
    if (
        not runs
        or max(runs, key=lambda r: r["finished_at"])["pipeline_version"] != PIPELINE_VERSION
    ):
        return {}
    settled: dict[str, ErrorRecord] = {}
    for e in store.read("errors").to_pylist():
        kind = getattr(pipeline_errors, e["error_type"], None)
        if (
            (e["source_sha256"] or kind is UnsafePathError)  # a link has no bytes of its own
            and isinstance(kind, type)
            and issubclass(kind, BadInputError)
            and not issubclass(kind, _BUDGET_FAILURES)
        ):
            settled[e["source_path"]] = ErrorRecord(
                e["source_path"], e["source_sha256"], e["stage"], e["error_type"], e["message"]
            )
    return settled


class RunWriter:
    """Collects processed documents into a new snapshot and commits it with the carried rows."""

    def __init__(
        self,
        store: OutputStore,
        plan: RunPlan,
        *,
        mode: str = "manual",
        keep_removed: bool = False,
        run_id: str | None = None,
    ) -> None:
        self.store = store
        self.plan = plan
        self.mode = mode
        self.keep_removed = keep_removed
        self.started_at = utcnow()
        self.run_id = run_id or new_run_id(self.started_at)
        self.writer: SnapshotWriter = store.begin(self.run_id)
        self.writer.source_stats = plan.stats
        self.writer.source_stats_at_ns = plan.stats_at_ns
        self.errors: list[ErrorRecord] = [*plan.read_errors, *plan.still_failing.values()]
        self.processed = 0
        carried = set(plan.unchanged.values())
        if keep_removed:
            carried |= set(plan.removed.values())
        self.carried_ids = carried
        self.claimed: dict[str, str] = {doc_id: rel for rel, doc_id in plan.unchanged.items()}

    def add(self, results: list[Document | ErrorRecord]) -> None:
        """Write one batch of results: one row group per table per batch, not per document."""
        batch: dict[str, list[dict[str, Any]]] = {}
        for r in results:
            if isinstance(r, ErrorRecord):
                self.errors.append(r)
                continue
            owner = self.claimed.get(r.doc_id)
            if owner is not None and owner != r.source.rel_path:
                err = DuplicateDocumentError(
                    f"doc_id {r.doc_id} (관리번호) is already taken by {owner}; "
                    "the same document seems to be in the input twice, so this copy was skipped"
                )
                self.errors.append(
                    ErrorRecord(
                        r.source.rel_path, r.source.sha256, "identify", type(err).__name__, str(err)
                    )
                )
                continue
            self.claimed[r.doc_id] = r.source.rel_path
            with stage_timer("write"):
                for table, rows in document_rows(r, PIPELINE_VERSION, self.started_at).items():
                    batch.setdefault(table, []).extend(rows)
            self.processed += 1
        with stage_timer("write"):
            for table, rows in batch.items():
                self.writer.write_rows(table, rows)

    def commit(self) -> RunSummary:
        try:
            with stage_timer("write"):
                return self._commit()
        except BaseException:
            self.writer.abort()
            raise

    def _commit(self) -> RunSummary:
        if self.carried_ids:
            ids = pa.array(sorted(self.carried_ids), pa.string())
            for table in PER_DOCUMENT_TABLES:
                self.writer.carry(table, ids)
        # errors: the current failures; an identical failure keeps the row of the run that first saw it
        previous = {
            (e["source_path"], e["source_sha256"], e["stage"], e["error_type"], e["message"]): e
            for e in self.store.read("errors").to_pylist()
        }
        now = utcnow()
        rows = []
        for e in sorted(self.errors, key=lambda e: e.source_path):
            key = (e.source_path, e.source_sha256, e.stage, e.error_type, e.message)
            rows.append(previous.get(key) or error_row(self.run_id, e, now))
        self.writer.write_rows("errors", rows)
        summary = RunSummary(
            run_id=self.run_id,
            mode=self.mode,
            started_at=self.started_at,
            finished_at=utcnow(),
            pipeline_version=PIPELINE_VERSION,
            docs_seen=self.plan.seen,
            docs_processed=self.processed,
            docs_unchanged=len(self.plan.unchanged),
            docs_failed=len(self.errors),
            docs_skipped=len(self.plan.skipped),
            skipped=list(self.plan.skipped),
            warnings=list(self.plan.warnings),
            out_dir=str(self.store.root),
            errors=list(self.errors),
            removed={} if self.keep_removed else dict(self.plan.removed),
        )
        self.writer.write_batches("runs", self.store.scan("runs"))
        self.writer.write_rows("runs", [run_row(summary)])
        self.writer.commit()
        summary.rows = dict(self.writer.rows)  # the writer counted every row it wrote or carried
        return summary


def record_if_unchanged(
    raw_dir: Path | str,
    out_dir: Path | str,
    *,
    mode: str = "manual",
    exclude: Sequence[str] = (),
) -> RunSummary | None:
    """The pre-check before a flow starts: plan the run (stat first, hashing only the files
    whose stat differs from the last run's) and, when nothing changed, record the run — a new
    snapshot whose parts are all hard links and a ``runs`` row — and return its summary.
    ``None`` when there is work to do. The caller holds the output's lock."""
    store = OutputStore(out_dir)
    plan = plan_run(raw_dir, store, exclude=exclude)
    if not plan.nothing_changed:
        return None
    return RunWriter(store, plan, mode=mode).commit()


ProgressFn = Callable[[int], None]
# Batches whose documents are queued in the workers while the finished one is written: the
# workers never wait for the writer, and memory holds at most this many batches of results.
IN_FLIGHT = 2


def ingest(
    raw_dir: Path | str,
    out_dir: Path | str,
    *,
    mode: str = "manual",
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    keep_removed: bool = False,
    only: list[str] | None = None,
    exclude: Sequence[str] = (),
    wait_seconds: float = 0.0,
    progress: ProgressFn | None = None,
    workers: WorkerSettings | None = None,
) -> RunSummary:
    """The whole run in plain Python (no Prefect): what the flow does, task by task."""
    settings = workers or WorkerSettings()
    store = OutputStore(out_dir)
    with store.lock(wait_seconds):
        plan = plan_run(raw_dir, store, force=force, only=only, exclude=exclude)
        run = RunWriter(store, plan, mode=mode, keep_removed=keep_removed)
        pending: deque[list[Future[Document | ErrorRecord]]] = deque()

        def consume() -> None:
            results = [f.result() for f in pending.popleft()]
            run.add(results)
            if progress:
                progress(len(results))

        for batch in plan.batches(batch_size):
            pending.append(submit_batch(batch, plan.root, settings))
            if len(pending) >= IN_FLIGHT:
                consume()
        while pending:
            consume()
        return run.commit()


def submit_batch(
    batch: list[PlannedFile], root: str, settings: WorkerSettings
) -> list[Future[Document | ErrorRecord]]:
    """The batch's documents queued in the supervised workers (or run here, with 0 workers)."""
    if settings.workers <= 0:
        from pipeline.process import process_one

        done: list[Future[Document | ErrorRecord]] = []
        for f in batch:
            fut: Future[Document | ErrorRecord] = Future()
            fut.set_result(process_one(Path(f.path), Path(root), f.sha256))
            done.append(fut)
        return done
    pool = shared_pool(settings)
    return [pool.submit(f.path, root, f.sha256) for f in batch]
