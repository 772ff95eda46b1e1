"""What the CLI tells an operator: its settings, progress for a log, the lines printed after a
run (commands that work pasted as they are) and the failures of a run (``gyeoljae errors``).

Kept out of :mod:`pipeline.cli` so that the commands stay a thin layer; nothing here decides a
row.
"""

from __future__ import annotations

import shlex
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pipeline.errors import GyeoljaeError
from pipeline.ingest import FORMATS
from pipeline.store import SNAPSHOTS, OutputStore
from schemas import SCHEMAS


@dataclass(frozen=True, slots=True)
class OperatorSettings:
    """How the CLI reports to an operator (none of it changes a row)."""

    # Off a terminal (cron, CI, a log file), a progress line this often instead of a bar.
    progress_every_s: float = 30.0


OPERATOR = OperatorSettings()


def formats_read() -> str:
    """Every format the readers take, from the format map: '.txt converted text (…); …'."""
    by_name: dict[str, list[str]] = {}
    described: dict[str, str] = {}
    for suffix, option in FORMATS.items():
        by_name.setdefault(option.name, []).append(f".{suffix}")
        described.setdefault(option.name, option.description)
    return "; ".join(f"{'/'.join(sfx)} {described[n]}" for n, sfx in by_name.items())


class ProgressLines:
    """Progress for a log, not a terminal: a line every ``every_s`` seconds while the run
    goes on ('ingesting: 400/1200 documents (33 %), 95 s'), and one at the end."""

    def __init__(self, every_s: float, stream: TextIO) -> None:
        self.every_s = every_s
        self.stream = stream
        self.done = 0
        self.total: int | None = None
        self._t0 = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._last = ""
        self._thread = threading.Thread(target=self._tick, name="progress-lines", daemon=True)

    def set_total(self, total: int) -> None:
        with self._lock:
            self.total = total

    def advance(self, n: int) -> None:
        with self._lock:
            self.done += n

    def line(self) -> str:
        with self._lock:
            done, total = self.done, self.total
        elapsed = f"{time.monotonic() - self._t0:.0f} s"
        if total is None:
            return (
                f"ingesting: starting (the Prefect flow, then the plan of what changed), {elapsed}"
            )
        share = f" ({100 * done // total} %)" if total else ""
        return f"ingesting: {done}/{total} documents{share}, {elapsed}"

    def _print(self) -> None:
        line = self.line()
        if line != self._last:  # the same count and second twice says nothing new
            print(line, file=self.stream, flush=True)
            self._last = line

    def _tick(self) -> None:
        while not self._stop.wait(self.every_s):
            self._print()

    def __enter__(self) -> ProgressLines:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.total is not None:
            self._print()


def self_command() -> str:
    """How to call this gyeoljae again from a shell: the script this process runs, when it is
    one (``.venv/bin/gyeoljae``, made absolute), else ``gyeoljae``."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "gyeoljae" and argv0.is_file():
        return shlex.quote(str(argv0.absolute()))
    return "gyeoljae"


def next_steps(out: Path, *, failed: bool = False) -> list[str]:
    """The lines printed after a run: commands that work pasted as they are, from anywhere."""
    me, where = self_command(), shlex.quote(str(out.absolute()))
    lines = [
        f"query:  {me} sql --from {where} "
        + shlex.quote(
            "select department, title, year, item, amount_krw from budget_context limit 5"
        ),
        f"shell:  {me} sql --from {where}",
    ]
    if failed:
        lines.append(f"failed: {me} errors --out {where}")
    return lines


class NoSuchRun(GyeoljaeError):
    """The output folder has no run of that id (or no run at all)."""


@dataclass
class RunFailures:
    """One run's row of ``runs`` and its ``errors`` rows."""

    run: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""  # how the rows were found, when not from the run's own snapshot

    def headline(self) -> str:
        r = self.run
        finished = r["finished_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
        return (
            f"run {r['run_id']} ({r['mode']}, finished {finished}): "
            f"{r['docs_failed']} of {r['docs_seen']} documents failed{self.note}"
        )


def run_failures(out: Path | str, run_id: str | None = None) -> RunFailures:
    """The failures of the last run of ``out``, or of run ``run_id``: the ``errors`` table of
    that run's snapshot (the current one, or the one before it, which is kept). For an older
    run, whose snapshot is gone, the current errors rows it first recorded (those still
    failing), said so in :attr:`RunFailures.note`."""
    store = OutputStore(out)
    runs = sorted(store.read("runs").to_pylist(), key=lambda r: r["finished_at"])
    if not runs:
        raise NoSuchRun(f"no run recorded in {out} yet")
    run = runs[-1] if run_id is None else {r["run_id"]: r for r in runs}.get(run_id)
    if run is None:
        known = ", ".join(r["run_id"] for r in runs[-5:])
        raise NoSuchRun(f"no run {run_id} in {out} (the last ones: {known})")
    snapshot = store.root / SNAPSHOTS / run["run_id"]
    current = store.current
    if current is not None and current.name == run["run_id"]:
        return RunFailures(run, store.read("errors").to_pylist())
    if (snapshot / "errors").is_dir():
        return RunFailures(run, _snapshot_errors(snapshot))
    rows = [e for e in store.read("errors").to_pylist() if e["run_id"] == run["run_id"]]
    note = " (its snapshot is no longer kept: listed are the failures it first recorded that still fail)"
    return RunFailures(run, rows, note)


def _snapshot_errors(snapshot: Path) -> list[dict[str, Any]]:
    """The errors rows of one kept snapshot (an earlier run's failures)."""
    import pyarrow.dataset as ds

    parts = sorted(str(p) for p in (snapshot / "errors").glob("*.parquet"))
    if not parts:
        return []
    return ds.dataset(parts, schema=SCHEMAS["errors"], format="parquet").to_table().to_pylist()
