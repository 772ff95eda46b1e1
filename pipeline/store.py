"""The output directory: eight Parquet tables, swapped in atomically as one snapshot.

Layout under the output root (default ``data/processed/``)::

    documents -> current/documents      (one relative symlink per table, made once)
    …
    current   -> .snapshots/<run_id>    (replaced atomically with os.replace at commit)
    .snapshots/<run_id>/<table>/part-<run>-<n>.parquet …  (one part per batch; unchanged parts are hard links)
    .lock                               (held by the run that writes)

A reader opening ``data/processed/budgets`` always sees one complete snapshot: a run writes
its tables into ``.snapshots/<run_id>.tmp/``, fsyncs them, renames the folder, then flips
``current``. A run killed at any point leaves the previous snapshot in place; leftovers of
killed runs are removed by the next one. All eight tables change together, never a mix.

The store heals: each snapshot's ``MANIFEST.json`` records every part's size, sha256 and the
documents it holds. The next run verifies the parts it reads (:meth:`OutputStore.health`); a
damaged or missing part is left out, with a warning, and its documents are re-processed from
their sources, so a truncated file never makes every later run crash.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.errors import OutputLockedError
from pipeline.rows import to_arrow
from schemas import PER_DOCUMENT_TABLES, SCHEMAS

SNAPSHOTS = ".snapshots"
MANIFEST = "MANIFEST.json"
CURRENT = "current"
KEEP_SNAPSHOTS = 2  # the current one and the one before, for readers still holding it


class OutputStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._health: tuple[Path | None, StoreHealth] | None = None

    # ── reading ──────────────────────────────────────────────────────────────
    @property
    def current(self) -> Path | None:
        link = self.root / CURRENT
        return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None

    def table_dir(self, table: str) -> Path | None:
        cur = self.current
        return cur / table if cur is not None and (cur / table).is_dir() else None

    def parts(self, table: str) -> list[Path]:
        """The current snapshot's sound parts of ``table`` (damaged ones left out, see health)."""
        d = self.table_dir(table)
        if d is None:
            return []
        damaged = set(self.health().damaged.get(table, []))
        return [p for p in sorted(d.glob("*.parquet")) if p.name not in damaged]

    def read(self, table: str, columns: list[str] | None = None, filter: Any = None) -> pa.Table:
        """The current rows of ``table`` (empty, with its schema, before the first run)."""
        parts = self.parts(table)
        schema = SCHEMAS[table]
        if not parts:
            t = schema.empty_table()
            t = t.filter(filter) if filter is not None else t
            return t.select(columns) if columns else t
        dataset = ds.dataset([str(p) for p in parts], schema=schema, format="parquet")
        return dataset.to_table(columns=columns, filter=filter)

    def scan(
        self, table: str, filter: Any = None, batch_size: int = 10_000
    ) -> Iterator[pa.RecordBatch]:
        parts = self.parts(table)
        if not parts:
            return
        dataset = ds.dataset([str(p) for p in parts], schema=SCHEMAS[table], format="parquet")
        yield from dataset.to_batches(filter=filter, batch_size=batch_size)

    def health(self) -> StoreHealth:
        """The current snapshot's parts checked against its manifest (once per snapshot)."""
        cur = self.current
        cached = self._health
        if cached is not None and cached[0] == cur:
            return cached[1]
        h = StoreHealth() if cur is None else _check_snapshot(cur)
        self._health = (cur, h)
        return h

    def source_stats(self) -> tuple[dict[str, list[int]], int]:
        """What the last run saw of each source file: ``rel_path → [size, mtime_ns, ctime_ns]``
        and when it looked (ns), from the current snapshot's manifest (empty before the first
        run, or for a snapshot written before it was recorded)."""
        cur = self.current
        if cur is None:
            return {}, 0
        try:
            m = json.loads((cur / MANIFEST).read_text(encoding="utf-8"))
            return dict(m["sources"]["stats"]), int(m["sources"]["at_ns"])
        except (OSError, ValueError, KeyError, TypeError):
            return {}, 0

    # ── locking ──────────────────────────────────────────────────────────────
    @contextmanager
    def lock(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the output for one writing run. Raises :class:`OutputLockedError` if another run
        still holds it after ``wait_seconds``."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_seconds
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = (
                            os.pread(fd, 200, 0).decode(errors="replace").strip()
                            or "another process"
                        )
                        raise OutputLockedError(
                            f"{self.root} is being written by another gyeoljae run ({holder}); "
                            "wait for it to finish, or pass --wait SECONDS"
                        ) from None
                    time.sleep(0.2)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    # ── writing ──────────────────────────────────────────────────────────────
    def begin(self, run_id: str) -> SnapshotWriter:
        self._remove_leftovers()
        return SnapshotWriter(self, run_id)

    def _remove_leftovers(self) -> None:
        snaps = self.root / SNAPSHOTS
        if not snaps.is_dir():
            return
        for p in snaps.iterdir():
            if p.name.endswith(".tmp"):
                shutil.rmtree(p, ignore_errors=True)

    def _publish(self, snapshot: Path) -> None:
        tmp_link = self.root / f"{CURRENT}.{os.getpid()}.tmp"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(os.path.relpath(snapshot, self.root), tmp_link)
        os.replace(tmp_link, self.root / CURRENT)
        _fsync_dir(self.root)
        for table in SCHEMAS:
            link = self.root / table
            if not link.is_symlink():
                if link.exists():
                    raise OutputLockedError(
                        f"{link} exists and is not gyeoljae's; move it away first"
                    )
                os.symlink(os.path.join(CURRENT, table), link)
        self._prune(snapshot)

    def _prune(self, keep: Path) -> None:
        snaps = sorted(
            (
                p
                for p in (self.root / SNAPSHOTS).iterdir()
                if p.is_dir() and not p.name.endswith(".tmp")
            ),
            key=lambda p: p.stat().st_mtime,
        )
        old = [p for p in snaps if p != keep][: max(0, len(snaps) - KEEP_SNAPSHOTS)]
        for p in old:
            shutil.rmtree(p, ignore_errors=True)


class SnapshotWriter:
    """Writes a new snapshot; nothing is visible until :meth:`commit`.

    Each call writes one Parquet part per table (one row group per batch of documents), named
    after the run so parts carried from earlier snapshots never clash. Parts whose documents are
    all unchanged are carried by hard link, so an unchanged re-run copies no data.
    """

    def __init__(self, store: OutputStore, run_id: str) -> None:
        self.store = store
        self.run_id = run_id
        self.final = store.root / SNAPSHOTS / run_id
        self.staging = store.root / SNAPSHOTS / f"{run_id}.tmp"
        self.staging.mkdir(parents=True, exist_ok=False)
        self.rows: dict[str, int] = dict.fromkeys(SCHEMAS, 0)
        self._seq = 0
        # part name → what the manifest says of it (doc_ids now; size and sha256 at commit)
        self.manifest: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in SCHEMAS}
        # what the run saw of its sources (size, mtime, ctime), for the next run's quick check
        self.source_stats: dict[str, list[int]] = {}
        self.source_stats_at_ns = 0

    def _part(self, table: str, tag: str = "") -> Path:
        d = self.staging / table
        d.mkdir(exist_ok=True)
        self._seq += 1
        return d / f"part-{self.run_id}-{self._seq:05d}{tag}.parquet"

    def write_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.write_arrow(table, to_arrow(table, rows))

    def write_arrow(self, table: str, data: pa.Table | pa.RecordBatch) -> None:
        if data.num_rows == 0:
            return
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        part = self._part(table)
        pq.write_table(data.cast(SCHEMAS[table]), part, compression="zstd")
        self.rows[table] += data.num_rows
        self.manifest[table][part.name] = {**_doc_ids_entry(table, data), "rows": data.num_rows}

    def write_batches(self, table: str, batches: Iterable[pa.RecordBatch]) -> None:
        for b in batches:
            self.write_arrow(table, b)

    def carry(self, table: str, keep: pa.Array) -> None:
        """Bring the rows of documents ``keep`` (doc_ids) from the current snapshot: whole parts by
        hard link when every row is kept, filtered copies of parts that mix in other documents."""
        keep_set = set(keep.to_pylist())
        before = self.store.health().entries.get(table, {})
        for part in self.store.parts(table):
            entry = before.get(part.name)
            if entry is not None and entry.get("doc_ids") and keep_set.issuperset(entry["doc_ids"]):
                # the (verified) manifest says every row is kept: link it without reading it
                self._link(table, part, dict(entry))
                continue
            ids = pq.read_table(part, columns=["doc_id"]).column("doc_id")
            n = len(ids)
            if n == 0:
                continue
            kept = pc.is_in(ids, value_set=keep)
            n_kept = pc.sum(kept).as_py() or 0
            if n_kept == n:
                self._link(table, part, dict(entry or _doc_ids_entry(table, pq.read_table(part))))
            elif n_kept and keep_set:
                self.write_arrow(table, pq.read_table(part, schema=SCHEMAS[table]).filter(kept))

    def _link(self, table: str, part: Path, entry: dict[str, Any]) -> None:
        dst = self.staging / table / part.name
        dst.parent.mkdir(exist_ok=True)
        try:
            os.link(part, dst)
        except OSError:
            shutil.copy2(part, dst)
        if "rows" not in entry:
            entry["rows"] = pq.read_metadata(dst).num_rows
        self.rows[table] += entry["rows"]
        self.manifest[table][part.name] = entry

    def commit(self) -> Path:
        for table in SCHEMAS:  # every table exists; an empty one still carries its schema
            d = self.staging / table
            if not d.is_dir() or not any(d.glob("*.parquet")):
                part = self._part(table, "-empty")
                pq.write_table(SCHEMAS[table].empty_table(), part, compression="zstd")
                self.manifest[table][part.name] = _doc_ids_entry(
                    table, SCHEMAS[table].empty_table()
                )
        for table, parts in self.manifest.items():
            for name, entry in parts.items():
                f = self.staging / table / name
                if "sha256" not in entry:
                    entry["size"], entry["sha256"] = f.stat().st_size, _sha256(f)
                if "rows" not in entry:
                    entry["rows"] = pq.read_metadata(f).num_rows
                _fsync_file(f)
        manifest = self.staging / MANIFEST
        sources = {"stats": self.source_stats, "at_ns": self.source_stats_at_ns}
        manifest.write_text(
            json.dumps({"parts": self.manifest, "sources": sources}, ensure_ascii=False),
            encoding="utf-8",
        )
        _fsync_file(manifest)
        os.rename(self.staging, self.final)
        _fsync_dir(self.final.parent)
        self.store._publish(self.final)
        return self.final

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


@dataclass
class StoreHealth:
    """What the check of a snapshot found: parts that are missing, truncated or altered since
    their commit, and the documents whose rows they held."""

    damaged: dict[str, list[str]] = field(default_factory=dict)  # table → part names
    lost_doc_ids: set[str] = field(default_factory=set)
    # a damaged part of a per-document table with no manifest entry: which documents it held
    # is unknown, so every document is re-processed
    all_lost: bool = False
    warnings: list[str] = field(default_factory=list)
    entries: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def _doc_ids_entry(table: str, data: pa.Table) -> dict[str, Any]:
    if table not in PER_DOCUMENT_TABLES or data.num_rows == 0:
        return {"doc_ids": []}
    return {"doc_ids": sorted(pc.unique(data.column("doc_id")).to_pylist())}


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _check_snapshot(snapshot: Path) -> StoreHealth:
    h = StoreHealth()
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))["parts"]
    except (OSError, ValueError, KeyError, TypeError):
        manifest = None  # a snapshot written before manifests: each part's footer is checked
    for table in SCHEMAS:
        recorded: dict[str, dict[str, Any]] = (manifest or {}).get(table, {})
        d = snapshot / table
        present = {p.name: p for p in d.glob("*.parquet")} if d.is_dir() else {}
        bad: dict[str, str] = {}
        for name, entry in recorded.items():
            part = present.get(name)
            if part is None:
                bad[name] = "is missing"
            elif part.stat().st_size != entry.get("size") or _sha256(part) != entry.get("sha256"):
                bad[name] = "is damaged (its size or checksum differs from those at commit)"
        for name, part in present.items():
            if name in recorded:
                continue
            try:
                pq.read_metadata(part)
            except Exception as exc:  # noqa: BLE001 — any unreadable part is a damaged part
                bad[name] = f"cannot be read ({exc})"
        good = {n: e for n, e in recorded.items() if n not in bad}
        h.entries[table] = good
        if not bad:
            continue
        h.damaged[table] = sorted(bad)
        for name, why in sorted(bad.items()):
            ids = recorded.get(name, {}).get("doc_ids")
            if ids is None and table in PER_DOCUMENT_TABLES:
                h.all_lost = True
            h.lost_doc_ids.update(ids or [])
            h.warnings.append(
                f"the output part {table}/{name} {why}; it was left out"
                + (
                    " and the documents it held are processed again from their sources"
                    if table in PER_DOCUMENT_TABLES
                    else " (earlier runs' rows in it are lost)"
                )
            )
    return h


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
