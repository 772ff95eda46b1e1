"""The auditor's re-run of one document: what would change, table by table, and writing it.

``diff_document(store, raw_dir, doc)`` processes one document afresh and compares its rows with
the rows stored for it. Rows are matched by where they come from in the text (a budget by the
span of its amount, a cell by its table and grid position), not by their ordinal ids, so one
inserted amount shows as one added row rather than every later row 'changed'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from pipeline.model import ErrorRecord
from pipeline.process import PIPELINE_VERSION
from pipeline.rows import document_rows
from pipeline.store import OutputStore
from pipeline.workers import WorkerSettings, run_documents
from schemas import PER_DOCUMENT_TABLES

# What identifies a row of each table across runs: its place in the source text.
MATCH_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "sections": ("char_start", "marker"),
    "tables": ("table_id", "row", "col"),
    "projects": ("char_start", "char_end"),
    "budgets": ("char_start", "char_end"),
    "schedules": ("char_start", "char_end"),
}
# Columns that change on every run, or are ordinals: not differences an auditor cares about.
IGNORED = {
    "processed_at",
    "pipeline_version",
    "budget_id",
    "schedule_id",
    "project_id",
    "section_id",
    "parent_id",
    "parent_project_id",
    "ordinal",
}


@dataclass
class TableDiff:
    table: str
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], dict[str, tuple[Any, Any]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class DocumentDiff:
    doc_id: str
    source_path: str
    tables: list[TableDiff]

    @property
    def empty(self) -> bool:
        return all(t.empty for t in self.tables)


class DocumentNotFound(LookupError):
    pass


class DocumentFailed(Exception):
    """The document fails to process: ``record`` is the ``errors`` row it gives."""

    def __init__(self, record: ErrorRecord) -> None:
        self.record = record
        super().__init__(f"{record.source_path} ({record.stage}): {record.message}")


def resolve(store: OutputStore, raw_dir: Path, doc: str) -> tuple[str, str]:
    """(doc_id, source_path relative to raw_dir) for a doc_id, a stored source path, or a file."""
    docs = store.read("documents", columns=["doc_id", "source_path"]).to_pylist()
    for r in docs:
        if doc in (r["doc_id"], r["source_path"]):
            return r["doc_id"], r["source_path"]
    p = Path(doc)
    candidates = [p, raw_dir / p]
    for c in candidates:
        if c.is_file():
            rel = (
                c.resolve().relative_to(raw_dir.resolve()).as_posix()
                if c.resolve().is_relative_to(raw_dir.resolve())
                else c.name
            )
            known = next((r["doc_id"] for r in docs if r["source_path"] == rel), "")
            return known, rel
    raise DocumentNotFound(
        f"no document {doc!r}: not a doc_id or source path in {store.root}, nor a file under {raw_dir}"
    )


def _key(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(k) for k in MATCH_KEYS[table])


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in IGNORED}


def diff_document(
    store: OutputStore, raw_dir: Path, doc: str, settings: WorkerSettings | None = None
) -> DocumentDiff:
    """Raises :class:`DocumentFailed` (with its errors row) when the document fails to process;
    it runs in a supervised worker, under the same time and memory budget as an ingest."""
    doc_id, rel = resolve(store, raw_dir, doc)
    (fresh,) = run_documents(
        [str(raw_dir / rel)], str(raw_dir), [None], settings or WorkerSettings()
    )
    if isinstance(fresh, ErrorRecord):
        raise DocumentFailed(fresh)
    new_rows = document_rows(fresh, PIPELINE_VERSION, dt.datetime.now(dt.UTC))
    ids = {doc_id, fresh.doc_id} - {""}
    tables = []
    for table in PER_DOCUMENT_TABLES:
        old = store.read(table, filter=pc.field("doc_id").isin(sorted(ids))).to_pylist()
        old_by = {_key(table, r): r for r in old}
        new_by = {_key(table, r): r for r in new_rows[table]}
        d = TableDiff(table)
        for k, r in new_by.items():
            if k not in old_by:
                d.added.append(r)
                continue
            before, after = _comparable(old_by[k]), _comparable(r)
            changes = {
                c: (before.get(c), after.get(c)) for c in after if before.get(c) != after.get(c)
            }
            if changes:
                d.changed.append((r, changes))
        d.removed = [r for k, r in old_by.items() if k not in new_by]
        tables.append(d)
    return DocumentDiff(fresh.doc_id, rel, tables)


def _label(table: str, row: dict[str, Any]) -> str:
    if table == "budgets":
        return f"{row['item']} {row['amount_krw']:,} ({row['amount_text']})"
    if table == "schedules":
        return f"{row['task']} {row['start_date']}..{row['end_date']} ({row['when_text']})"
    if table == "tables":
        return f"{row['table_id']}[{row['row']},{row['col']}] {row['text']!r}"
    if table in ("sections", "projects"):
        return f"{row.get('marker', '')} {row.get('title') or row.get('name')}".strip()
    return str(row.get("doc_id"))


def render(diff: DocumentDiff, limit: int = 50) -> list[str]:
    """The diff as lines a person reads: per table, + added, - removed, ~ changed (old → new)."""
    if diff.empty:
        return [f"{diff.doc_id} ({diff.source_path}): no change"]
    lines = [f"{diff.doc_id} ({diff.source_path}):"]
    for t in diff.tables:
        if t.empty:
            continue
        lines.append(f"  {t.table}: +{len(t.added)} -{len(t.removed)} ~{len(t.changed)}")
        for r in t.added[:limit]:
            lines.append(f"    + {_label(t.table, r)}")
        for r in t.removed[:limit]:
            lines.append(f"    - {_label(t.table, r)}")
        for r, changes in t.changed[:limit]:
            detail = "; ".join(f"{c}: {_short(a)} → {_short(b)}" for c, (a, b) in changes.items())
            lines.append(f"    ~ {_label(t.table, r)}: {detail}")
    return lines


def _short(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "…'"
