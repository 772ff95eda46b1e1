"""The typed model → rows of the output tables (column names and order from ``schemas``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from pipeline.model import Document, ErrorRecord, RunSummary
from schemas import SCHEMAS

Rows = dict[str, list[dict[str, Any]]]


def document_rows(doc: Document, pipeline_version: str, processed_at: dt.datetime) -> Rows:
    m = doc.meta
    d = doc.doc_id
    return {
        "documents": [
            {
                "doc_id": d,
                "source_path": doc.source.rel_path,
                "source_sha256": doc.source.sha256,
                "source_format": doc.source.format,
                "doc_kind": m.doc_kind,
                "title": m.title,
                "doc_number": m.doc_number,
                "approved_on": m.approved_on,
                "produced_on": m.produced_on,
                "disclosure": m.disclosure,
                "retention": m.retention,
                "policy_number": m.policy_number,
                "organization": m.organization,
                "department": m.department,
                "author": m.author,
                "author_phone": m.author_phone,
                "classification": m.classification,
                "text": doc.text,
                "pipeline_version": pipeline_version,
                "processed_at": processed_at,
                "approval_line": m.approval_line,
                "cooperation": m.cooperation,
                "page_count": doc.pages,
                "warnings": doc.warnings,
            }
        ],
        "sections": [
            {
                "doc_id": d,
                "section_id": s.section_id,
                "parent_id": s.parent_id,
                "depth": s.depth,
                "ordinal": s.ordinal,
                "marker": s.marker,
                "title": s.title,
                "char_start": s.char_start,
                "char_end": s.char_end,
                "page": doc.page_at(s.char_start),
            }
            for s in doc.sections
        ],
        "tables": [
            {
                "doc_id": d,
                "table_id": t.table_id,
                "section_id": t.section_id,
                "row": c.row,
                "col": c.col,
                "row_span": c.row_span,
                "col_span": c.col_span,
                "is_header": c.is_header,
                "text": c.text,
                "header_path": c.header_path,
                "row_label": c.row_label,
                "unit": c.unit,
                "number": c.number,
                "amount_krw": c.amount_krw,
                "char_start": c.char_start,
                "char_end": c.char_end,
                "page": c.page,
                "bbox_x0": c.bbox[0] if c.bbox else None,
                "bbox_top": c.bbox[1] if c.bbox else None,
                "bbox_x1": c.bbox[2] if c.bbox else None,
                "bbox_bottom": c.bbox[3] if c.bbox else None,
            }
            for t in doc.tables
            for c in t.cells
        ],
        "projects": [
            {
                "doc_id": d,
                "project_id": p.project_id,
                "parent_project_id": p.parent_project_id,
                "name": p.name,
                "section_id": p.section_id,
                "department": p.department,
                "period_start": p.period_start,
                "period_end": p.period_end,
                "total_budget_krw": p.total_budget_krw,
                "char_start": p.char_start,
                "char_end": p.char_end,
                "page": doc.page_of(p.char_start),
            }
            for p in doc.projects
        ],
        "budgets": [
            {
                "doc_id": d,
                "budget_id": b.budget_id,
                "project_id": b.project_id,
                "section_id": b.section_id,
                "table_id": b.table_id,
                "fiscal_year": b.fiscal_year,
                "category": b.category,
                "item": b.item,
                "amount_krw": b.amount_krw,
                "amount_text": b.amount_text,
                "unit": b.unit,
                "basis": b.basis,
                "basis_amount_krw": b.basis_amount_krw,
                "basis_ok": b.basis_ok,
                "char_start": b.char_start,
                "char_end": b.char_end,
                "parent_budget_id": b.parent_budget_id,
                "is_total": b.is_total,
                "same_as_budget_id": b.same_as_budget_id,
                "flow": b.flow,
                "stage": b.stage,
                "period_start_year": b.period_start_year,
                "period_end_year": b.period_end_year,
                "page": doc.page_of(b.char_start),
            }
            for b in doc.budgets
        ],
        "schedules": [
            {
                "doc_id": d,
                "schedule_id": r.schedule_id,
                "project_id": r.project_id,
                "section_id": r.section_id,
                "task": r.task,
                "start_date": r.start_date,
                "end_date": r.end_date,
                "precision": r.precision,
                "recurrence": r.recurrence,
                "when_text": r.when_text,
                "char_start": r.char_start,
                "char_end": r.char_end,
                "page": doc.page_of(r.char_start),
            }
            for r in doc.schedules
        ],
    }


def error_row(run_id: str, err: ErrorRecord, at: dt.datetime) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "source_path": err.source_path,
        "source_sha256": err.source_sha256,
        "stage": err.stage,
        "error_type": err.error_type,
        "message": err.message,
        "at": at,
    }


def run_row(s: RunSummary) -> dict[str, Any]:
    return {
        "run_id": s.run_id,
        "mode": s.mode,
        "started_at": s.started_at,
        "finished_at": s.finished_at,
        "pipeline_version": s.pipeline_version,
        "docs_seen": s.docs_seen,
        "docs_processed": s.docs_processed,
        "docs_unchanged": s.docs_unchanged,
        "docs_failed": s.docs_failed,
        "docs_skipped": s.docs_skipped,
    }


def to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows → an Arrow table with exactly the contract's schema (raises if a value does not fit)."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])
