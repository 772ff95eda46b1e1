"""Short constructed documents for the extraction rules' tests: text in, the real stages out."""

from __future__ import annotations

import datetime as dt

from pipeline.extract import extract
from pipeline.model import BudgetRow, DocKind, Document, ScheduleRow, SourceFile
from pipeline.process import analyse


def doc_of(text: str, kind: DocKind = "other", dated: dt.date | None = None) -> Document:
    """``text`` through metadata, tables, outline and extraction, as a document of ``kind``
    dated ``dated`` (a 결재문서's 결재일자, else its production date)."""
    source = SourceFile("t.txt", "t.txt", len(text.encode()), "0" * 64, "txt")
    doc = analyse(source, text)
    doc.meta.doc_kind = kind
    doc.meta.title = doc.meta.title or "t"
    if dated is not None:
        if kind == "approval":
            doc.meta.approved_on = dated
        doc.meta.produced_on = dated
    return extract(doc)


def budget(doc: Document, text: str, nth: int = 1) -> BudgetRow:
    """The budget row written as ``text`` (its ``nth`` occurrence)."""
    rows = [b for b in doc.budgets if b.amount_text == text]
    assert len(rows) >= nth, f"no budget {text!r} in {[b.amount_text for b in doc.budgets]}"
    return rows[nth - 1]


def schedule(doc: Document, when: str) -> ScheduleRow:
    rows = [r for r in doc.schedules if r.when_text == when]
    assert rows, f"no schedule {when!r} in {[r.when_text for r in doc.schedules]}"
    return rows[0]
