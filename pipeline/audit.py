"""``gyeoljae audit`` — one self-contained HTML page per document for checking every extracted
value against its source, and an ``index.html`` over all of them.

A document's page shows its whole ``documents.text`` with every budget, schedule and project
span highlighted by type, rendered by spaCy's displaCy in manual mode (character offsets go in
as they are; no tokenizer, no model). A highlight nested in another (an amount inside a
project's name) is drawn inside it; spans that cross each other, which cannot nest, are drawn
again in an excerpt with displaCy's ``span`` style, one bar per span. Each highlight links to
its row (all columns) and each row links back; the document's tables render as tables with
money cells marked and their ``header_path`` on hover; every arithmetic check
(:mod:`pipeline.checks`) is shown ok or mismatched with the parts it summed; rows from a PDF
show their page and, for cells, the box.

It reads the Parquet tables only (never the sources), so it audits what a run wrote. spaCy is
imported here only, and only when a page is rendered: ingest does not pay for it.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import audit_html as h
from pipeline.checks import ArithmeticCheck, check_document
from pipeline.model import BudgetRow, Document, SourceFile
from pipeline.store import OutputStore
from pipeline.vocab import WON
from schemas import BUDGETS, PROJECTS, SCHEDULES

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditSettings:
    # background of each kind of highlight (the label and the border style tell them apart
    # without colour)
    colors: tuple[tuple[str, str], ...] = (
        ("BUDGET", "#ffe08a"),
        ("SCHEDULE", "#b5ecd0"),
        ("PROJECT", "#d6dcff"),
    )
    # characters of text shown either side of spans that cross each other, in their excerpt
    overlap_context_chars: int = 20


class NothingToAudit(Exception):
    """The folder holds no tables written by a run."""


class UnknownDocument(Exception):
    """A document asked for is not in the tables."""


@dataclass(frozen=True, slots=True)
class AuditedDocument:
    doc_id: str
    page: Path | None  # None when it was not asked for this time
    counts: dict[str, int]
    checks: int
    mismatches: int


@dataclass(frozen=True, slots=True)
class AuditReport:
    out: Path
    index: Path
    documents: list[AuditedDocument]
    errors: int  # rows of the errors table, listed on the index
    pages: dict[str, Path] = field(default_factory=dict)

    @property
    def mismatches(self) -> int:
        return sum(d.mismatches for d in self.documents)


# ── what one document's page is made of ─────────────────────────────────────────────────────


@dataclass(slots=True)
class _Mark:
    """One highlight: a row's span in the text."""

    kind: str  # budget, schedule, project
    row_id: str
    start: int
    end: int
    tip: str
    flag: str = ""  # shown after the label: a total whose check fails
    children: list[_Mark] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.kind[0]}-{self.row_id}"

    @property
    def row_anchor(self) -> str:
        return f"row-{self.anchor}"


_KIND_ORDER = {"project": 0, "budget": 1, "schedule": 2}


def _nest(marks: list[_Mark]) -> tuple[list[_Mark], list[_Mark]]:
    """The marks as a forest (a mark inside another becomes its child), and the marks that
    cross an earlier one (neither inside it nor apart from it)."""
    roots: list[_Mark] = []
    crossing: list[_Mark] = []
    stack: list[_Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end, _KIND_ORDER[m.kind], m.row_id)):
        while stack and m.start >= stack[-1].end:
            stack.pop()
        if stack and m.end > stack[-1].end:
            crossing.append(m)
            continue
        (stack[-1].children if stack else roots).append(m)
        stack.append(m)
    return roots, crossing


_WRAPPER = re.compile(r'^\s*<div class="entities"[^>]*>(.*)</div>\s*$', re.DOTALL)


def _render_ents(text: str, marks: list[_Mark], base: int, settings: AuditSettings) -> str:
    """``text`` (which starts at ``base`` in the document) with ``marks`` highlighted by
    displaCy's ``ent`` style; each mark's children are rendered first and go in as its inner
    markup."""
    from spacy import displacy
    from spacy.util import escape_html

    ents = []
    for m in marks:
        piece = text[m.start - base : m.end - base]
        inner = (
            _render_ents(piece, m.children, m.start, settings) if m.children else escape_html(piece)
        )
        ents.append(
            {
                "start": m.start - base,
                "end": m.end - base,
                "label": m.kind.upper(),
                "params": {
                    "kind": m.kind,
                    "anchor": m.anchor,
                    "row_id": escape_html(m.row_id),
                    "row_anchor": m.row_anchor,
                    "tip": escape_html(m.tip),
                    "flag": m.flag,
                    "inner": inner,
                },
            }
        )
    markup = displacy.render(
        {"text": text, "ents": ents},
        style="ent",
        manual=True,
        options={"template": h.ENT_TEMPLATE, "colors": dict(settings.colors)},
    )
    found = _WRAPPER.match(markup)
    return found.group(1) if found else markup


def _render_overlap(text: str, marks: list[_Mark], settings: AuditSettings) -> str:
    """An excerpt around spans that cross, drawn with displaCy's ``span`` style: the text is cut
    into tokens at every span boundary, so each span covers whole tokens."""
    from spacy import displacy

    lo = max(0, min(m.start for m in marks) - settings.overlap_context_chars)
    hi = min(len(text), max(m.end for m in marks) + settings.overlap_context_chars)
    cuts = sorted({lo, hi, *(max(lo, min(hi, x)) for m in marks for x in (m.start, m.end))})
    tokens = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    spans = [
        {
            "start_token": cuts.index(max(lo, m.start)),
            "end_token": cuts.index(min(hi, m.end)),
            "label": m.kind.upper(),
            "kb_id": m.row_id,
            "kb_url": f"#{m.row_anchor}",
        }
        for m in marks
    ]
    markup: str = displacy.render(
        {"text": text[lo:hi], "tokens": tokens, "spans": spans},
        style="span",
        manual=True,
        options={"template": h.SPAN_TEMPLATES, "colors": dict(settings.colors)},
    )
    return markup


# ── reading the tables ─────────────────────────────────────────────────────────────────────


def _by_doc(store: OutputStore, table: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in store.read(table).to_pylist():
        out[r["doc_id"]].append(r)
    return out


_BUDGET_FIELDS = set(BudgetRow.__slots__)  # type: ignore[attr-defined]


def _checks(doc_id: str, text: str, budgets: list[Row]) -> list[ArithmeticCheck]:
    """The document's arithmetic checks, computed from its stored budget rows (the same
    function ``gyeoljae check`` runs on a freshly processed document)."""
    rows = [BudgetRow(**{k: v for k, v in b.items() if k in _BUDGET_FIELDS}) for b in budgets]
    doc = Document(doc_id, SourceFile("", "", 0, "", ""), text, budgets=rows)
    return check_document(doc)


def page_name(doc_id: str) -> str:
    """A file name for the document's page: the doc_id with characters that are unsafe in a
    file name replaced (and a short hash then added, so two ids never share a page)."""
    safe = re.sub(r"[^\w.-]", "_", doc_id).strip(".") or "document"
    if safe != doc_id:
        safe += "-" + hashlib.sha256(doc_id.encode()).hexdigest()[:8]
    return f"{safe}.html"


# ── one document's page ────────────────────────────────────────────────────────────────────


def _cell_of(cells: dict[str, list[Row]], b: Row) -> Row | None:
    """The table cell a budget row was read from."""
    for c in cells.get(b["table_id"] or "", []):
        if c["char_start"] <= b["char_start"] < max(c["char_end"], c["char_start"] + 1):
            return c
    return None


def _check_text(c: ArithmeticCheck) -> str:
    if c.ok:
        return f'<span class="ok">ok</span> {c.kind} ({c.parts} part(s))'
    return (
        f'<span class="mismatch">mismatch</span> {c.kind}: stated {h.won(c.stated)}, '
        f"parts summed {h.won(c.computed)} ({c.parts} part(s))"
    )


_META_KEYS = (
    "doc_id", "source_path", "source_format", "doc_kind", "title", "doc_number", "approved_on",
    "produced_on", "disclosure", "retention", "policy_number", "organization", "department",
    "author", "classification", "approval_line", "cooperation", "page_count", "warnings",
    "pipeline_version", "processed_at",
)  # fmt: skip


def _columns(schema: Any, id_col: str) -> list[str]:
    """Every column of a table but ``doc_id`` (the page's own) and the id (the row header)."""
    return [n for n in schema.names if n not in ("doc_id", id_col)]


def _marks(budgets: list[Row], schedules: list[Row], projects: list[Row]) -> list[_Mark]:
    marks = [
        _Mark(
            "budget",
            b["budget_id"],
            b["char_start"],
            b["char_end"],
            f"{b['item']}: {h.won(b['amount_krw'])} {WON}"
            + (f" ({b['fiscal_year']})" if b["fiscal_year"] else ""),
        )
        for b in budgets
    ]
    marks += [
        _Mark(
            "schedule",
            s["schedule_id"],
            s["char_start"],
            s["char_end"],
            f"{s['task']}: {s['start_date'] or ''} – {s['end_date'] or ''}",
        )
        for s in schedules
    ]
    marks += [
        _Mark("project", p["project_id"], p["char_start"], p["char_end"], p["name"])
        for p in projects
    ]
    return marks


def render_document(
    doc: Row,
    rows: dict[str, list[Row]],
    checks: list[ArithmeticCheck],
    settings: AuditSettings = AuditSettings(),
) -> str:
    """The audit page of one document, as HTML."""
    text: str = doc["text"]
    budgets = sorted(rows["budgets"], key=lambda r: r["char_start"])
    schedules = sorted(rows["schedules"], key=lambda r: r["char_start"])
    projects = sorted(rows["projects"], key=lambda r: r["char_start"])
    cells: dict[str, list[Row]] = defaultdict(list)
    for cell in rows["tables"]:
        cells[cell["table_id"]].append(cell)

    marks = _marks(budgets, schedules, projects)
    failed = {c.budget_id for c in checks if not c.ok}
    for m in marks:
        if m.kind == "budget" and m.row_id in failed:
            m.flag = " ✗ check fails"
    roots, crossing = _nest(marks)
    body_text = _render_ents(text, roots, 0, settings)
    overlaps = []
    for m in crossing:
        near = [x for x in marks if x.start < m.end and m.start < x.end]
        overlaps.append(
            f'<div class="ov-block" id="{h.esc(m.anchor)}">{_render_overlap(text, near, settings)}</div>'
        )

    check_of: dict[str, str] = {}
    for c in checks:
        if c.budget_id:
            prev = check_of.get(c.budget_id)
            check_of[c.budget_id] = f"{prev}<br>{_check_text(c)}" if prev else _check_text(c)
    where: dict[str, str] = {}
    budget_at: dict[str, dict[tuple[int, int], str]] = defaultdict(dict)
    for b in budgets:
        found = _cell_of(cells, b) if b["table_id"] else None
        if found is not None:
            cell = found
            budget_at[b["table_id"]][(cell["row"], cell["col"])] = b["budget_id"]
            place = h.cell_place(cell)
            where[b["budget_id"]] = h.link(
                f"#{h.cell_anchor(cell)}",
                h.esc(
                    f"{b['table_id']} r{cell['row']} c{cell['col']}"
                    + (f", {place}" if place else "")
                ),
                title=" › ".join(cell["header_path"] or []),
            )

    mismatched = [c for c in checks if not c.ok]
    check_rows = [
        (
            None,
            [
                h.link(f"#row-b-{c.budget_id}", h.esc(c.budget_id)) if c.budget_id else "",
                h.esc(c.kind),
                h.esc(c.where),
                h.won(c.stated),
                h.won(c.computed),
                _check_text(c),
                ", ".join(h.row_link("b", p) for p in c.part_ids),
            ],
        )
        for c in checks
    ]
    legend = " ".join(
        f'<span class="key key-{k.lower()}" style="background: {c}">{k}</span>'
        for k, c in settings.colors
    )
    parts = [
        '<nav><a href="index.html">← all documents</a><a href="#text">text</a>'
        '<a href="#budgets">budgets</a><a href="#schedules">schedules</a>'
        '<a href="#projects">projects</a><a href="#checks">checks</a><a href="#tables">tables</a></nav>',
        f"<h1>{h.esc(doc['title'] or doc['doc_id'])}</h1>",
        h.definition_list((k, doc.get(k)) for k in _META_KEYS),
        f"<p>{len(budgets)} budgets, {len(schedules)} schedules, {len(projects)} projects, "
        f"{len(cells)} tables, {len(checks)} arithmetic checks "
        f'(<span class="{"mismatch" if mismatched else "ok"}">{len(mismatched)} mismatched</span>).</p>',
        f'<p class="legend">Highlights: {legend} — each label links to its row; each row id links back.</p>',
        '<h2 id="text">Text</h2>',
        f'<div class="doc-text" lang="ko">{body_text}</div>',
    ]
    if overlaps:
        parts += [
            '<h2 id="overlaps">Spans that cross each other</h2>',
            '<p class="muted">These spans overlap without one holding the other, so they are drawn '
            "here, one bar per span, each label linking to its row.</p>",
            *overlaps,
        ]
    parts += [
        '<h2 id="budgets-h">Budgets</h2>',
        h.rows_table(
            f"budgets of {h.esc(doc['doc_id'])} ({len(budgets)})",
            "budget",
            "budget_id",
            _columns(BUDGETS, "budget_id"),
            budgets,
            {"check": check_of, "cell (page, box)": where},
        ),
        '<h2 id="schedules-h">Schedules</h2>',
        h.rows_table(
            f"schedules of {h.esc(doc['doc_id'])} ({len(schedules)})",
            "schedule",
            "schedule_id",
            _columns(SCHEDULES, "schedule_id"),
            schedules,
        ),
        '<h2 id="projects-h">Projects</h2>',
        h.rows_table(
            f"projects of {h.esc(doc['doc_id'])} ({len(projects)})",
            "project",
            "project_id",
            _columns(PROJECTS, "project_id"),
            projects,
        ),
        '<h2 id="checks-h">Arithmetic checks</h2>',
        h.table(
            f"arithmetic checks ({len(checks)}, {len(mismatched)} mismatched)",
            [
                "row",
                "kind",
                "where",
                f"stated ({WON})",
                f"computed ({WON})",
                "result",
                "parts summed",
            ],
            check_rows,
            table_id="checks",
        ),
        '<h2 id="tables">Tables</h2>',
        *(h.grid(tid, cells[tid], budget_at[tid]) for tid in sorted(cells)),
    ]
    return h.page(f"audit — {doc['doc_id']}", "\n".join(parts))


# ── the index and the whole run ────────────────────────────────────────────────────────────


def _index(
    docs: list[Row], audited: list[AuditedDocument], runs: list[Row], errors: list[Row]
) -> str:
    by_id = {a.doc_id: a for a in audited}
    table_names = ("sections", "tables", "projects", "budgets", "schedules")
    heads = ["document", "kind", "title", "source", "sections", "table cells", "projects"]
    heads += ["budgets", "schedules", "checks", "failed checks"]
    body = []
    for d in docs:
        a = by_id[d["doc_id"]]
        name = h.esc(d["doc_id"])
        first = h.link(a.page.name, name) if a.page else name
        failed = str(a.mismatches)
        if a.page and a.mismatches:
            failed = h.link(
                f"{a.page.name}#checks", f'<span class="mismatch">{a.mismatches}</span>'
            )
        counts = [str(a.counts.get(t, 0)) for t in table_names]
        body.append(
            (
                None,
                [
                    first,
                    h.esc(d["doc_kind"]),
                    h.esc(d["title"]),
                    h.esc(d["source_path"]),
                    *counts,
                    str(a.checks),
                    failed,
                ],
            )
        )
    run_cols = list(runs[0]) if runs else ["run_id"]
    err_cols = ["run_id", "source_path", "source_sha256", "stage", "error_type", "message", "at"]
    parts = [
        "<h1>Audit: every document of the run</h1>",
        "<p>Each page shows the document's whole text with every extracted budget, schedule "
        "and project highlighted and linked to its row; the counts are rows per table.</p>",
        h.table(f"documents ({len(docs)})", heads, body, table_id="documents"),
        "<h2>Runs</h2>",
        h.table(
            "runs",
            run_cols,
            [(None, [h.esc(r[c]) for c in run_cols]) for r in runs],
            table_id="runs",
        ),
        "<h2>Errors</h2>",
        h.table(
            f"errors ({len(errors)}): documents that could not be processed",
            err_cols,
            [(None, [h.esc(e[c]) for c in err_cols]) for e in errors],
            table_id="errors",
        )
        if errors
        else '<p id="errors">No errors rows: every document was processed.</p>',
    ]
    return h.page("audit — index", "\n".join(parts))


def write_audit(
    src: Path, out: Path, docs: list[str] | None = None, settings: AuditSettings = AuditSettings()
) -> AuditReport:
    """Write the audit pages of ``docs`` (doc_ids or source paths; all documents when ``None``)
    from the tables under ``src`` into ``out``, and ``out/index.html`` over every document."""
    store = OutputStore(src)
    if store.current is None:
        raise NothingToAudit(f"no tables under {src}: run `gyeoljae ingest … --out {src}` first")
    documents = sorted(store.read("documents").to_pylist(), key=lambda d: d["source_path"])
    wanted = {d["doc_id"] for d in documents}
    if docs:
        names = {d["source_path"]: d["doc_id"] for d in documents}
        missing = [x for x in docs if x not in wanted and x not in names]
        if missing:
            raise UnknownDocument(
                f"no document {', '.join(map(repr, missing))} in {src} (give a doc_id or a "
                "source path as the documents table has it)"
            )
        wanted = {names.get(x, x) for x in docs}
    per_table = {
        t: _by_doc(store, t) for t in ("sections", "tables", "projects", "budgets", "schedules")
    }
    out.mkdir(parents=True, exist_ok=True)
    audited, pages = [], {}
    for d in documents:
        doc_id = d["doc_id"]
        rows = {t: per_table[t].get(doc_id, []) for t in per_table}
        checks = _checks(doc_id, d["text"], rows["budgets"])
        page = None
        if doc_id in wanted:
            page = out / page_name(doc_id)
            page.write_text(render_document(d, rows, checks, settings), encoding="utf-8")
            pages[doc_id] = page
        counts = {t: len(r) for t, r in rows.items()}
        audited.append(
            AuditedDocument(doc_id, page, counts, len(checks), sum(not c.ok for c in checks))
        )
    runs = sorted(store.read("runs").to_pylist(), key=lambda r: r["started_at"], reverse=True)
    errors = sorted(store.read("errors").to_pylist(), key=lambda e: e["source_path"])
    index = out / "index.html"
    index.write_text(_index(documents, audited, runs[:1], errors), encoding="utf-8")
    return AuditReport(out, index, audited, len(errors), pages)
