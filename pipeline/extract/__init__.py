"""Budgets, schedules and projects from a segmented document: ``extract(doc) -> Document``.

Data flows one way, in passes (like dlt's extract → normalize → load):

1. **projects** from the outline (:mod:`.projects`) — they scope what follows;
2. **context** (:mod:`.context`): clauses, the year and unit in force, labels, sections —
   computed once and looked up by position;
3. **mentions** (:mod:`.mentions`): every money and date expression, with its span;
4. **rows** (:mod:`.budgets`, :mod:`.schedules`): mentions + context → rows, with the
   exclusions as named rules (:mod:`.exclusions`);
5. **links**: each row's section, innermost project and PDF page, and its id;
6. **tree** (:mod:`.tree`): which amount is a part of which total, which restates which;
7. **kind** (:mod:`.flow`): each amount's flow (세출 / 세입) and stage (예산, 결산, 계획 …).

Every pattern is built from one vocabulary (:mod:`pipeline.vocab`). Every row's span is into
``doc.text``: ``doc.text[row.char_start:row.char_end]`` is what it was read from.
"""

from __future__ import annotations

from pipeline.extract.budgets import budget_rows
from pipeline.extract.context import Context
from pipeline.extract.flow import classify
from pipeline.extract.mentions import date_mentions, money_mentions
from pipeline.extract.projects import attach_own_facts, project_rows
from pipeline.extract.schedules import schedule_rows
from pipeline.extract.tree import build_tree
from pipeline.model import Document, Section

__all__ = ["Context", "extract"]


def _innermost_project(ctx: Context, doc: Document, pos: int) -> str | None:
    """The innermost project whose section holds ``pos``: a row past the end of a project's
    section is not linked to it. A program sheet's amounts belong to its program."""
    by_section = {p.section_id: p.project_id for p in doc.projects if p.section_id}
    sec: Section | None = ctx.section_at(pos)
    while sec is not None:
        pid = by_section.get(sec.section_id)
        if pid:
            return pid
        sec = ctx.parent(sec)
    if doc.meta.doc_kind == "budget_program" and doc.projects:
        return doc.projects[0].project_id
    return None


def extract(doc: Document) -> Document:
    doc.projects = project_rows(doc)
    ctx = Context(doc)
    mentions = money_mentions(ctx)
    doc.budgets = budget_rows(ctx, mentions)
    doc.schedules = schedule_rows(ctx, date_mentions(ctx))
    for i, b in enumerate(doc.budgets, 1):
        b.budget_id = f"B{i:04d}"
        sec = ctx.section_at(b.char_start)
        b.section_id = b.section_id or (sec.section_id if sec else None)
        b.project_id = _innermost_project(ctx, doc, b.char_start)
    for i, r in enumerate(doc.schedules, 1):
        r.schedule_id = f"D{i:04d}"
        sec = ctx.section_at(r.char_start)
        r.section_id = r.section_id or (sec.section_id if sec else None)
        r.project_id = _innermost_project(ctx, doc, r.char_start)
    by_start = {m.start: m for m in mentions}
    build_tree(ctx, doc.budgets, by_start)
    classify(ctx, doc.budgets, by_start)
    attach_own_facts(doc)
    return doc
