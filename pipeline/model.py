"""The typed model that flows between stages: one dataclass per thing a document contains.

Every extracted object carries ``char_start``/``char_end`` into ``Document.text`` (Python string
indices, end exclusive), so ``doc.text[x.char_start:x.char_end]`` is always its source.
Stages never exchange raw dicts; the writer turns these into rows of the tables in ``schemas``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DocKind = Literal["approval", "work_report", "budget_program", "ruling", "other"]
Precision = Literal["day", "month", "quarter", "half", "year"]
Flow = Literal["expenditure", "revenue"]
Stage = Literal["request", "budget", "supplementary", "settlement", "plan"]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(slots=True)
class SourceFile:
    """One input file, as found on disk (before it is read)."""

    path: str  # absolute path
    rel_path: str  # path relative to the input root, '/'-separated
    size: int
    sha256: str
    format: str  # txt, md, html, pdf, hwpx, … (lower-case extension)


@dataclass(slots=True)
class DocumentMeta:
    doc_kind: DocKind = "other"
    title: str | None = None
    doc_number: str | None = None  # 문서번호
    approved_on: dt.date | None = None  # 결재일자
    produced_on: dt.date | None = None  # 생산일자
    disclosure: str | None = None  # 공개여부 / 공개구분
    retention: str | None = None  # 보존기간
    policy_number: str | None = None  # 방침번호
    organization: str | None = None  # 기관명
    department: str | None = None  # 부서명
    author: str | None = None  # 작성자
    author_phone: str | None = None
    management_number: str | None = None  # 관리번호 (D + digits)
    classification: list[str] | None = None  # 분류정보
    # The year the document is dated in when no full date is given (cover '2020. 9.').
    year: int | None = None
    # Where the body ends: the city's viewer footer (문서 보기 …) starts here.
    body_end: int | None = None
    approval_line: list[str] | None = None  # 결재선: '직위 이름' in signing order
    cooperation: list[str] | None = None  # 협조


@dataclass(slots=True)
class Section:
    section_id: str
    parent_id: str | None
    depth: int
    ordinal: int
    marker: str
    title: str
    char_start: int
    char_end: int
    # Where the heading text (after the marker) starts and ends; the body follows.
    title_start: int = 0
    head_end: int = 0


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    text: str
    char_start: int
    char_end: int
    row_span: int = 1
    col_span: int = 1
    is_header: bool = False
    header_path: list[str] = field(default_factory=list)
    row_label: str | None = None
    unit: str | None = None
    number: float | None = None
    amount_krw: int | None = None
    page: int | None = None  # 1-based page of an original (PDF) the cell was read from
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points


TableLayout = Literal["tsv", "html", "markdown", "pdf", "hwpx", "flat"]


@dataclass(slots=True)
class SourceCell:
    """A table cell as an original's reader found it: grid position and its span in the text."""

    row: int
    col: int
    char_start: int
    char_end: int
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class SourceTable:
    """A table an original (PDF, HWPX) holds as structure, already written into the text."""

    layout: TableLayout
    char_start: int
    char_end: int
    cells: list[SourceCell]


@dataclass(slots=True)
class SourceText:
    """What a reader returns: the document text, plus what the original knew structurally.

    Converted text gives only ``text``; a PDF or HWPX reader also gives its tables (located in
    ``text``), fields of a 결재 header it read from the layout, and per-page warnings."""

    text: str
    tables: list[SourceTable] = field(default_factory=list)
    meta: DocumentMeta | None = None
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    # where each page of an original starts in ``text``: (offset, 1-based page number)
    page_starts: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    table_id: str
    layout: TableLayout
    char_start: int
    char_end: int
    cells: list[Cell]
    section_id: str | None = None
    unit: str | None = None  # unit stated for the whole table, e.g. 천원


@dataclass(slots=True)
class Project:
    project_id: str
    name: str
    char_start: int
    char_end: int
    parent_project_id: str | None = None
    section_id: str | None = None
    department: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    total_budget_krw: int | None = None


@dataclass(slots=True)
class BudgetRow:
    budget_id: str
    item: str
    amount_krw: int
    amount_text: str
    unit: str
    char_start: int
    char_end: int
    project_id: str | None = None
    section_id: str | None = None
    table_id: str | None = None
    fiscal_year: int | None = None
    category: str | None = None
    basis: str | None = None
    basis_amount_krw: int | None = None
    basis_ok: bool | None = None
    # an amount over several years (총사업비 ('25~'40)): its period, and no fiscal_year
    period_start_year: int | None = None
    period_end_year: int | None = None
    # where it sits in the document's tree of money (pipeline.extract.tree)
    parent_budget_id: str | None = None
    is_total: bool = False
    same_as_budget_id: str | None = None
    flow: Flow | None = None
    stage: Stage | None = None


@dataclass(slots=True)
class ScheduleRow:
    schedule_id: str
    task: str
    precision: Precision
    when_text: str
    char_start: int
    char_end: int
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    recurrence: str | None = None
    project_id: str | None = None
    section_id: str | None = None


@dataclass(slots=True)
class Document:
    """A decoded document and everything the stages found in it."""

    doc_id: str
    source: SourceFile
    text: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    budgets: list[BudgetRow] = field(default_factory=list)
    schedules: list[ScheduleRow] = field(default_factory=list)
    pages: int | None = None  # page count of a PDF original
    warnings: list[str] = field(default_factory=list)  # e.g. pages whose text was unreadable
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, page number)

    def page_at(self, pos: int) -> int | None:
        """The page of an original that ``pos`` is on (``None`` for converted text)."""
        k = bisect.bisect_right(self.page_starts, (pos, 1 << 30)) - 1
        return self.page_starts[k][1] if k >= 0 else None

    def page_of(self, pos: int) -> int | None:
        """The page ``pos`` is on: its table cell's own page (a table may run over pages),
        else the page its text starts on."""
        if not self.page_starts:
            return None  # converted text has no pages
        for t in self.tables:
            if t.char_start <= pos <= t.char_end:
                for c in t.cells:
                    if c.page is not None and c.char_start <= pos < max(
                        c.char_end, c.char_start + 1
                    ):
                        return c.page
        return self.page_at(pos)

    def section_at(self, pos: int) -> Section | None:
        """The innermost section whose span holds ``pos``."""
        best: Section | None = None
        for s in self.sections:
            if s.char_start <= pos < s.char_end and (best is None or s.depth > best.depth):
                best = s
        return best


@dataclass(slots=True)
class ErrorRecord:
    source_path: str
    source_sha256: str | None
    stage: str
    error_type: str
    message: str


@dataclass(slots=True)
class RunSummary:
    run_id: str
    mode: str
    started_at: dt.datetime
    finished_at: dt.datetime
    pipeline_version: str
    docs_seen: int
    docs_processed: int
    docs_unchanged: int
    docs_failed: int
    docs_skipped: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    out_dir: str = ""
    errors: list[ErrorRecord] = field(default_factory=list)
    removed: dict[str, str] = field(default_factory=dict)  # rel_path → doc_id dropped this run
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rel_path, why) not documents
    warnings: list[str] = field(default_factory=list)  # what the run healed (a damaged part …)

    @property
    def status(self) -> Literal["success", "partial_success", "failure"]:
        if self.docs_failed == 0:
            return "success"
        return "partial_success" if self.docs_processed + self.docs_unchanged else "failure"
