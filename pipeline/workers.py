"""Supervised worker processes: each document under a wall-clock budget and a memory ceiling.

A :class:`SupervisedPool` runs ``process_one`` in ``WorkerSettings.workers`` child processes
(one per core by default). Each worker loads Kiwi once, when it starts, then takes documents
one at a time. A supervisor thread in the parent watches every busy worker: a worker that
takes longer than ``time_budget_s`` on one document, whose memory grows by more than
``memory_mb`` while on it, or that dies (a crash, an out-of-memory kill, a ``kill -9``) is
killed and replaced; its document becomes one ``errors`` row and every other document goes on.
A document that was killed is not retried: bad input stays bad.

Workers are plain ``python -m pipeline.workers`` subprocesses talking pickled messages over
two pipes, not ``multiprocessing`` children, so the same guard works inside a Dask worker (a
daemonic process, which ``multiprocessing`` refuses to give children) and in a thread of
Prefect's flow. Results come back in the order the documents were given, so the rows are the
ones a single process gives.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from pipeline.errors import DocumentMemoryError, DocumentTimeoutError, WorkerCrashedError
from pipeline.model import Document, ErrorRecord

Result = Document | ErrorRecord


def _default_workers() -> int:
    """One worker per core; ``GYEOLJAE_WORKERS`` overrides it (the test suite sets it)."""
    env = os.environ.get("GYEOLJAE_WORKERS", "").strip()
    if env.isdigit():
        return int(env)
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """How documents are run: how many worker processes, and each document's budgets."""

    # Worker processes (0: in the calling process, without a time or memory guard).
    workers: int = field(default_factory=_default_workers)
    # Wall-clock seconds one document may take in a worker before it is stopped.
    time_budget_s: float = 120.0
    # Memory (MB) one document may add to its worker's resting size before it is stopped.
    memory_mb: int = 2048
    # How often (seconds) the supervisor looks at each busy worker's clock and memory.
    poll_s: float = 0.05
    # Workers that die while starting, one after another, before the run gives up.
    max_start_failures: int = 3


# The supervisor kills a worker that is over budget; these are the reasons it gives.
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def relative_name(path: Path, root: Path) -> str:
    """The document's path relative to the input root, as the rows name it."""
    from pipeline.ingest import display_path

    rel = path.name if root.is_file() else path.relative_to(root).as_posix()
    return display_path(rel)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


@dataclass
class _Task:
    task_id: int
    path: str
    root: str
    sha256: str | None
    rel: str
    future: Future[Result]


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    send: Connection
    recv: Connection
    ready: bool = False
    task: _Task | None = None
    taken: bool = False  # the worker said it has the task: from then on a crash is the task's
    started: float = 0.0
    base_mb: float = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid


def _start_worker() -> _Worker:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.workers", str(to_child_r), str(from_child_w)],
        pass_fds=(to_child_r, from_child_w),
        stdin=subprocess.DEVNULL,
        close_fds=True,
    )
    os.close(to_child_r)
    os.close(from_child_w)
    return _Worker(
        proc, Connection(to_child_w, readable=False), Connection(from_child_r, writable=False)
    )


class SupervisedPool:
    """Worker processes that run documents under a time and memory guard (see module doc)."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._queue: deque[_Task] = deque()
        self._ids = itertools.count()
        self._closing = False
        self._start_failures = 0
        self._wake_r, self._wake_w = os.pipe()
        # Workers are started by the supervisor thread, which lives as long as the pool: Linux's
        # parent-death signal follows the *thread* that started a child, and the caller may be
        # a short-lived Prefect or Dask task thread.
        self._size = max(1, settings.workers)
        self._workers: list[_Worker] = []
        self._thread = threading.Thread(
            target=self._supervise, name="gyeoljae-supervisor", daemon=True
        )
        self._thread.start()

    # ── the caller's side ────────────────────────────────────────────────────
    def submit(self, path: str, root: str, sha256: str | None = None) -> Future[Result]:
        fut: Future[Result] = Future()
        task = _Task(
            next(self._ids), path, root, sha256, relative_name(Path(path), Path(root)), fut
        )
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool is closed")
            self._queue.append(task)
        os.write(self._wake_w, b"x")
        return fut

    def map(self, paths: list[str], root: str, sha256s: list[str | None]) -> list[Result]:
        futures = [self.submit(p, root, s) for p, s in zip(paths, sha256s, strict=True)]
        return [f.result() for f in futures]

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Whether every worker has started (loaded Kiwi) within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self._workers) == self._size and all(w.ready for w in self._workers):
                    return True
            time.sleep(0.05)
        return False

    def pids(self) -> list[int]:
        """The worker processes' ids, busy or idle."""
        with self._lock:
            return [w.pid for w in self._workers]

    def running(self) -> dict[int, str]:
        """Which worker process (pid) is on which document (relative path), now."""
        with self._lock:
            return {w.pid: w.task.rel for w in self._workers if w.task is not None and w.taken}

    def close(self) -> None:
        with self._lock:
            self._closing = True
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=10)
        for w in self._workers:
            with contextlib.suppress(OSError):
                w.send.send(None)  # a worker ends when told, or when its pipe closes
            w.send.close()
        for w in self._workers:
            try:
                w.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()
            w.recv.close()
        os.close(self._wake_r)
        os.close(self._wake_w)

    # ── the supervisor thread ────────────────────────────────────────────────
    def _supervise(self) -> None:
        try:
            started = [_start_worker() for _ in range(self._size)]
            with self._lock:
                self._workers = started
            while True:
                with self._lock:
                    if self._closing:
                        return
                    self._assign()
                by_fd = {w.recv.fileno(): w for w in self._workers}
                ready = wait(
                    [*(w.recv for w in self._workers), self._wake_r], timeout=self.settings.poll_s
                )
                for r in ready:
                    if r == self._wake_r:
                        os.read(self._wake_r, 4096)
                        continue
                    assert isinstance(r, Connection)
                    self._on_message(by_fd[r.fileno()])
                self._enforce_budgets()
        except BaseException as exc:  # noqa: BLE001 — never leave a caller waiting forever
            self._fail_all(exc)

    def _assign(self) -> None:
        for w in self._workers:
            if not self._queue:
                return
            if w.ready and w.task is None:
                task = self._queue.popleft()
                if task.future.cancelled():
                    continue
                try:
                    w.send.send((task.task_id, task.path, task.root, task.sha256))
                except OSError:  # the worker died idle: the document waits for its successor
                    self._queue.appendleft(
                        task
                    )  # (its end of file is read next, and it is replaced)
                    continue
                w.task, w.taken, w.started = task, False, time.monotonic()
                w.base_mb = _rss_mb(w.pid)

    def _on_message(self, w: _Worker) -> None:
        try:
            msg = w.recv.recv()
        except (EOFError, OSError):
            self._died(w)
            return
        if msg == "ready":
            w.ready = True
            self._start_failures = 0
            return
        if msg == "taken":
            w.taken = True
            return
        task_id, result = msg
        task = w.task
        if task is not None and task.task_id == task_id:
            w.task = None
            if not task.future.done():
                task.future.set_result(result)

    def _enforce_budgets(self) -> None:
        s = self.settings
        now = time.monotonic()
        for w in list(self._workers):
            if w.task is None:
                continue
            if now - w.started > s.time_budget_s:
                err: Exception = DocumentTimeoutError(
                    f"took longer than {s.time_budget_s:g} s, the time budget for one document "
                    "(--time-budget); it was stopped and not retried"
                )
                self._replace(w, err)
            elif _rss_mb(w.pid) - w.base_mb > s.memory_mb:
                err = DocumentMemoryError(
                    f"needed more than {s.memory_mb} MB, the memory ceiling for one document "
                    "(--memory-mb); it was stopped and not retried"
                )
                self._replace(w, err)

    def _died(self, w: _Worker) -> None:
        code = w.proc.wait()
        if w.task is not None and not w.taken:  # died before it had the document: not its fault
            with self._lock:
                self._queue.appendleft(w.task)
            w.task = None
        how = f"killed by signal {_signal_name(-code)}" if code < 0 else f"exit code {code}"
        if w.task is None and not w.ready:
            self._start_failures += 1
            if self._start_failures >= self.settings.max_start_failures:
                raise RuntimeError(f"gyeoljae's worker processes could not start ({how})")
        self._replace(
            w,
            WorkerCrashedError(
                f"the worker process reading it stopped ({how}) before it finished; "
                "it was not retried"
            ),
            kill=False,
        )

    def _replace(self, w: _Worker, why: Exception, *, kill: bool = True) -> None:
        if kill:
            with contextlib.suppress(ProcessLookupError):
                w.proc.kill()
            w.proc.wait()
        task = w.task
        for conn in (w.send, w.recv):
            conn.close()
        with self._lock:
            self._workers[self._workers.index(w)] = _start_worker()
        if task is not None and not task.future.done():
            task.future.set_result(
                ErrorRecord(task.rel, task.sha256, "process", type(why).__name__, str(why))
            )

    def _fail_all(self, exc: BaseException) -> None:
        with self._lock:
            self._closing = True
            tasks = list(self._queue) + [w.task for w in self._workers if w.task is not None]
            self._queue.clear()
        for t in tasks:
            if not t.future.done():
                t.future.set_exception(exc)


# ── one shared pool per process and settings ────────────────────────────────
_pools: dict[WorkerSettings, SupervisedPool] = {}
_pools_lock = threading.Lock()


def shared_pool(settings: WorkerSettings) -> SupervisedPool:
    """The pool for these settings, started on first use and kept for later runs of this
    process (a worker's start-up, Kiwi's load, is paid once, not once per run)."""
    with _pools_lock:
        pool = _pools.get(settings)
        if pool is None or pool._closing:
            pool = _pools[settings] = SupervisedPool(settings)
        return pool


@atexit.register
def close_shared_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for p in pools:
        with contextlib.suppress(Exception):
            p.close()


def run_documents(
    paths: list[str], root: str, sha256s: list[str | None], settings: WorkerSettings
) -> list[Result]:
    """The documents' results in the order given: in worker processes, or in this process
    when ``settings.workers`` is 0."""
    if settings.workers <= 0:
        from pipeline.process import process_one

        return [process_one(Path(p), Path(root), s) for p, s in zip(paths, sha256s, strict=True)]
    return shared_pool(settings).map(paths, root, sha256s)


# ── the worker process ───────────────────────────────────────────────────────
def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (PR_SET_PDEATHSIG), so a worker stuck
    on a document never outlives a killed run."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _worker_main(read_fd: int, write_fd: int) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    from pipeline.nlp import kiwi
    from pipeline.process import process_one

    kiwi()  # the model loads once per worker, before its first document
    outbox.send("ready")
    while True:
        try:
            msg = inbox.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task_id, path, root, sha = msg
        outbox.send("taken")
        result = process_one(Path(path), Path(root), sha)
        try:
            outbox.send((task_id, result))
        except Exception as exc:  # noqa: BLE001 — a result that cannot travel is the doc's error
            rel = relative_name(Path(path), Path(root))
            outbox.send(
                (
                    task_id,
                    ErrorRecord(
                        rel,
                        sha,
                        "process",
                        type(exc).__name__,
                        f"unexpected {type(exc).__name__}: {exc} (this is a bug in gyeoljae, please report it)",
                    ),
                )
            )


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]), int(sys.argv[2]))
