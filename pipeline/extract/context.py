"""The context of every position in a document, computed once: the second pass of extraction.

``Context(doc)`` cuts the document into **clauses** — a table cell, or a piece of a prose line
(cut at ``<br>``, at an item marker inside a flattened line, around an inline table) — and
answers, by position, what the rules need around a mention:

* the clause, the table cell and its labels, the section and the headings above it;
* the **year in force**: for a yearless date (its line, its table column, its heading, the
  document's year) and for an amount (its column header, its row, the table's caption or
  ``기준`` note, its own clause, its heading, the document's budget year);
* the document's own year and date, and whether a position is in the table of contents.

Rules never search the document for these again: one place decides each of them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pipeline.dates import find_dates
from pipeline.extract import years
from pipeline.extract.years import fiscal_years, scoping_year
from pipeline.metadata import field_spans
from pipeline.model import Cell, Document, Section, Table
from pipeline.segment import toc_entries, toc_spans
from pipeline.vocab import (
    DATE_COLUMN_HEADER_RE,
    EVENT_DATE_LABEL_RE,
    HTML_BREAK,
    LABEL_LINE_DECORATION,
    SCHEDULE_HEADING_RE,
)

if TYPE_CHECKING:
    from pipeline.extract.mentions import MoneyMention

ClauseKind = Literal["prose", "cell"]

_BREAK = re.compile(HTML_BREAK, re.I)
# A line above a table that captions it or states its basis: '(기준 : ’25년 본예산, 단위 : 백만원)'.
_CAPTION_LINE = re.compile(r"기준|단위|<[^>]*>|\[[^\]]*\]|예산|현황")
_BOX_CELL = 60
# Lines that end a part a label line opened: another label or box ('[참고]', '< … >', '❖').
_LABEL_STOP = re.compile(r"❖◈◆◇■□▣<〈《【\[※")
# Header labels that introduce the document's own date: '결재일자 2020.2.19.', '시행 …-566 (2025.1.16.)'.
_DATE_LABEL_BEFORE = re.compile(
    r"(?:결재일자|시행일자|생산일자|작성일자?|보고일자?|시행\s+[가-힣A-Za-z·]+\s*-\s*\d+)\s*[:：]?\s*\(?\s*$"
)
_ALONE_TAIL = re.compile(r"[\s)）.]|\([월화수목금토일]\)|\d{1,2}\s*:\s*\d{2}")
_DIGIT_GAPS = re.compile(r"(?<=\d) (?=\d)")  # '202 5년도': a year letter-spaced by the PDF
_INLINE_BULLET = re.compile(r"(?<=\S)\s+(?=[○◦▪•❍]\s)")
_CELL_ITEM = re.compile(r"(?<=\s)(?:[-○ㅇ◦▸▹※•]|\d{1,2}\.)(?=\s)")


@dataclass(slots=True)
class Clause:
    """A unit of text the rules read on its own."""

    start: int
    end: int
    kind: ClauseKind
    table: Table | None = None
    cell: Cell | None = None
    label: str | None = None  # a cell's row label, or a label/value sheet's field label
    line_start: int = 0  # where its physical line (or cell) starts


class Context:
    """Everything the row rules look up by position, computed once per document."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.end = doc.meta.body_end if doc.meta.body_end is not None else len(doc.text)
        self.toc = toc_spans(self.text, 0, self.end)
        self._toc_starts = [s.start for s in self.toc]
        self._sections = sorted(doc.sections, key=lambda s: (s.char_start, s.depth))
        self._section_starts = [s.char_start for s in self._sections]
        self._by_id = {s.section_id: s for s in doc.sections}
        self._tables = sorted(doc.tables, key=lambda t: t.char_start)
        self._table_starts = [t.char_start for t in self._tables]
        self._table_reach: list[int] = []  # the furthest end of any table starting so far
        for t in self._tables:
            self._table_reach.append(max([t.char_end, *self._table_reach[-1:]]))
        self.fields = field_spans(self.text, self.end)
        self._field_starts = [f[1] for f in self.fields]
        self.doc_date = doc.meta.approved_on or doc.meta.produced_on
        self.doc_year = self._document_year()
        self.budget_year = self._budget_year()
        self._parts = self._toc_parts()
        self._part_starts = [p[0] for p in self._parts]
        self.clauses = self._clauses()
        self._clause_starts = [c.start for c in self.clauses]
        self.schedule_parts = self._schedule_label_parts()
        self._caption_years: dict[str, int | None] = {}
        self._date_columns: dict[str, set[int]] = {}
        self._column_years: dict[str, dict[int, list[tuple[int, int]]]] = {}
        self._title_years: dict[str, int | None] = {}
        self._row_cells: dict[str, dict[int, list[Cell]]] = {}

    # ── the document's own year ───────────────────────────────────────────────────────
    def _document_year(self) -> int | None:
        """The year the document is written in: its date, a cover's year, else the newest
        year a program sheet speaks of, else the first year of its title or opening."""
        meta = self.doc.meta
        if self.doc_date is not None:
            return self.doc_date.year
        if meta.year is not None:
            return meta.year
        head = (meta.title or "") + " " + self.text[:2000]
        if meta.doc_kind == "budget_program":
            years = [y for y in fiscal_years(self.text[: self.end]) if 1990 <= y <= 2100]
            four = [int(m) for m in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", self.text)]
            if years or four:
                return max(years + four)
        m = re.search(r"((?:19|20)\d\d)\s*년", head)
        return int(m.group(1)) if m else None

    def _budget_year(self) -> int | None:
        """The fiscal year an amount takes when nothing around it says one: a 결재문서's own
        year, or the newest 예산 year of a 사업설명서's tables (``2016예산(B)``). Work reports
        and open-finance sheets state their years where they mean them."""
        kind = self.doc.meta.doc_kind
        if kind == "approval":
            return self.doc_year
        if kind == "other" and self.doc.meta.title:
            # a notice of '「2026년 … 지원사업」 참여기업 모집 공고': its amounts are that program's
            return scoping_year(self.doc.meta.title.lstrip("「『<〈《[( "), self.doc_year)
        if kind == "budget_program":
            years = [
                y
                for t in self.doc.tables
                for c in t.cells
                if c.is_header and "예산" in c.text
                for y in fiscal_years(c.text)
            ]
            if years:
                return max(years)
            return self.doc_date.year if self.doc_date else None
        return None

    # ── clauses ───────────────────────────────────────────────────────────────────────
    def _clauses(self) -> list[Clause]:
        """Table cells; then each section's heading (a flattened item runs to the next marker,
        a heading continued on a ':' line keeps it); then the rest of every line."""
        text, end = self.text, self.end
        out: list[Clause] = []
        for t in self.doc.tables:
            for c in t.cells:
                if c.char_end > c.char_start and c.text:
                    out.extend(self._cell_pieces(t, c))
        heads: list[tuple[int, int]] = []
        for s in self._sections:
            if s.head_end > s.title_start and not self.in_toc(s.title_start):
                ls = text.rfind("\n", 0, s.char_start) + 1
                heads.append((s.title_start, s.head_end))
                out.extend(self._pieces(s.title_start, s.head_end, ls))
        heads.sort()
        head_starts = [h[0] for h in heads]
        marker_of = {s.title_start: s.char_start for s in self._sections}
        pos = 0
        while pos < end:
            nl = text.find("\n", pos, end)
            le = end if nl < 0 else nl
            if not self.in_toc(pos) and not self.table_at(pos):
                # the parts of the line outside section headings (and their markers)
                free = pos
                k = max(0, bisect.bisect_right(head_starts, pos) - 1)
                while k < len(heads) and heads[k][0] < le:
                    hs, he = heads[k]
                    if he > pos:
                        cut = max(pos, marker_of.get(hs, hs))
                        if cut > free:
                            out.extend(self._pieces(free, cut, pos))
                        free = max(free, he)
                    k += 1
                if le > free:
                    out.extend(self._pieces(free, le, pos))
            pos = le + 1
        out.sort(key=lambda c: (c.start, c.end))
        return self._join_colon_lines(out)

    def _join_colon_lines(self, clauses: list[Clause]) -> list[Clause]:
        """A dump that writes 'label', ':', 'value' on three lines ('지원기간' ⏎ ':' ⏎ '2026. 10.
        31.까지') is one clause, as the line it was."""
        out: list[Clause] = []
        i = 0
        while i < len(clauses):
            c = clauses[i]
            nxt = clauses[i + 1] if i + 1 < len(clauses) else None
            if (
                c.kind == "prose"
                and self.text[c.start : c.end].strip() in (":", "：")
                and out
                and out[-1].kind == "prose"
                and nxt is not None
                and nxt.kind == "prose"
                and not self.text[out[-1].end : c.start].strip()
                and not self.text[c.end : nxt.start].strip()
                and self.text.count("\n", out[-1].end, nxt.start) <= 2
            ):
                prev = out.pop()
                out.append(
                    Clause(
                        prev.start, nxt.end, "prose", label=prev.label, line_start=prev.line_start
                    )
                )
                i += 2
                continue
            out.append(c)
            i += 1
        return out

    def _cell_pieces(self, t: Table, c: Cell) -> Iterator[Clause]:
        """A cell's clauses: a cell holding a box of items ('ㅇ 사업 대상 : … - (경제적 지원)
        매월 50만원 ※ 매월 …') is cut at its item markers, like prose."""
        cuts = [c.char_start]
        if c.char_end - c.char_start > _BOX_CELL:
            cuts += [m.start() for m in _CELL_ITEM.finditer(self.text, c.char_start, c.char_end)]
        breaks = {m.start(): m.end() for m in _BREAK.finditer(self.text, c.char_start, c.char_end)}
        cuts += list(breaks)
        cuts = sorted(set(cuts))
        cuts.append(c.char_end)
        for a, b in zip(cuts, cuts[1:], strict=False):
            a = breaks.get(a, a)
            while a < b and self.text[a] in " \t-○ㅇ◦▸▹※·•":
                a += 1
            while b > a and self.text[b - 1].isspace():
                b -= 1
            if b > a:
                yield Clause(a, b, "cell", t, c, c.row_label, c.char_start)

    def _pieces(self, start: int, end: int, line_start: int) -> Iterator[Clause]:
        """Prose clauses of ``text[start:end]``: cut at <br> and around tables."""
        cuts = [(m.start(), m.end()) for m in _BREAK.finditer(self.text, start, end)]
        cuts += [(t.char_start, t.char_end) for t in self._tables_in(start, end)]
        # an item bullet inside a line ('… 조사 ○ ‘25. 3.~ : 보조금 교부'): a new item
        cuts += [(m.start(), m.start()) for m in _INLINE_BULLET.finditer(self.text, start, end)]
        cuts.sort()
        label = self.field_label(start)
        piece = start
        for a, b in cuts:
            if a > piece:
                yield from self._clause(piece, a, line_start, label)
            piece = max(piece, b)
        if end > piece:
            yield from self._clause(piece, end, line_start, label)

    def _clause(self, s: int, e: int, line_start: int, label: str | None) -> Iterator[Clause]:
        while s < e and self.text[s] in ' \t\r\n\x0c"':
            s += 1
        while e > s and self.text[e - 1] in ' \t\r\n\x0c"':
            e -= 1
        if e > s and not self.table_at(s):
            yield Clause(s, e, "prose", label=label, line_start=line_start)

    def _tables_in(self, start: int, end: int) -> list[Table]:
        k = bisect.bisect_left(self._table_starts, start)
        out = []
        while k < len(self._tables) and self._tables[k].char_start < end:
            out.append(self._tables[k])
            k += 1
        return out

    # ── lookups by position ───────────────────────────────────────────────────────────
    def in_toc(self, pos: int) -> bool:
        k = bisect.bisect_right(self._toc_starts, pos) - 1
        return k >= 0 and self.toc[k].start <= pos < self.toc[k].end

    def table_at(self, pos: int) -> Table | None:
        """The innermost table holding ``pos`` (an HTML table can sit inside a TSV cell)."""
        k = bisect.bisect_right(self._table_starts, pos) - 1
        while k >= 0 and self._table_reach[k] > pos:
            if self._tables[k].char_start <= pos < self._tables[k].char_end:
                return self._tables[k]
            k -= 1
        return None

    def clause_at(self, pos: int) -> Clause | None:
        k = bisect.bisect_right(self._clause_starts, pos) - 1
        while k >= 0:
            c = self.clauses[k]
            if c.start <= pos < max(c.end, c.start + 1):
                return c
            if c.kind == "prose" and c.end <= pos:
                break
            k -= 1
        return None

    def section_at(self, pos: int) -> Section | None:
        """The innermost section whose span holds ``pos``."""
        k = bisect.bisect_right(self._section_starts, pos) - 1
        if k < 0:
            return None
        s: Section | None = self._sections[k]
        while s is not None and not (s.char_start <= pos < s.char_end):
            s = self._by_id.get(s.parent_id or "")
        return s

    def parent(self, s: Section) -> Section | None:
        return self._by_id.get(s.parent_id or "")

    def headings(self, pos: int, *, own: bool = True) -> Iterator[Section]:
        """The sections around ``pos``, innermost first; ``own=False`` skips a section whose
        heading ``pos`` is in (the clause itself was read already)."""
        s = self.section_at(pos)
        if not own:
            while s is not None and s.title_start <= pos < s.head_end:
                s = self.parent(s)
        while s is not None:
            yield s
            s = self.parent(s)

    def _toc_parts(self) -> list[tuple[int, str]]:
        """The document's parts as its table of contents lists them (Ⅰ/Ⅱ/Ⅲ …), each located at
        its heading after the contents: (start, title). A part holds everything up to the
        next one, whatever numbering its own sub-parts restart ('Ⅲ. 2025년 주요업무계획' then
        'Ⅰ. 인프라 확충 …')."""
        if not self.toc:
            return []
        after = max(s.end for s in self.toc)
        heads = [s for s in self._sections if s.char_start >= after]
        parts: list[tuple[int, str]] = []
        for marker, title in toc_entries(self.text, self.toc):
            if not marker.rstrip(".") or marker[0].isdigit():
                continue  # the contents' own sub-entries (1. 2. …) are not parts
            key = re.sub(r"[\W_]+", "", title)
            lo = parts[-1][0] if parts else after
            found = next(
                (
                    s
                    for s in heads
                    if s.char_start >= lo
                    and key
                    and (k := re.sub(r"[\W_]+", "", s.title))
                    and (k.startswith(key) or key.startswith(k) and len(k) >= 4)
                ),
                None,
            )
            if found is not None:
                parts.append((found.char_start, title))
        return parts

    def part_year(self, pos: int, for_dates: bool = False) -> int | None:
        """The year of the contents-listed part ``pos`` is in ('Ⅲ. 2025년 주요업무계획')."""
        k = bisect.bisect_right(self._part_starts, pos) - 1
        return scoping_year(self._parts[k][1], self.doc_year, for_dates) if k >= 0 else None

    def heading_year(self, pos: int, for_dates: bool = False) -> int | None:
        """A year in the titles of the sections around ``pos`` (its own heading excluded),
        else in the title of the part of the document it is in."""
        for s in self.headings(pos, own=False):
            y = scoping_year(s.title, self.doc_year, for_dates)
            if y:
                return y
        return self.part_year(pos, for_dates)

    def date_columns(self, table: Table) -> set[int]:
        """The columns of a table whose header names dates: 추진기간, 일정, 시기, 기한. A
        header with no body cell under it (a box's title bar, '선정 및 지급 추진일정') heads
        no column."""
        if table.table_id not in self._date_columns:
            body = {c.col for c in table.cells if not c.is_header}
            self._date_columns[table.table_id] = {
                c.col
                for c in table.cells
                if c.is_header
                and DATE_COLUMN_HEADER_RE.search(c.text.replace(" ", ""))
                and c.col in body
            }
        return self._date_columns[table.table_id]

    def row_cells(self, table: Table, row: int) -> list[Cell]:
        """The cells of one row of ``table``, in the table's order (indexed once per table,
        so that a question about a cell's row is not a pass over the whole table)."""
        by_row = self._row_cells.get(table.table_id)
        if by_row is None:
            by_row = {}
            for c in table.cells:
                by_row.setdefault(c.row, []).append(c)
            self._row_cells[table.table_id] = by_row
        return by_row.get(row, [])

    def caption_year(self, table: Table) -> int | None:
        """A year stated for a whole table just above it: '(기준 : ’25년 본예산, 단위 : 백만원)',
        '< ’25년 예산 현황 >'."""
        if table.table_id in self._caption_years:
            return self._caption_years[table.table_id]
        year = None
        pos = table.char_start
        for _ in range(3):
            ls = self.text.rfind("\n", 0, max(0, pos - 1)) + 1
            line = self.text[ls:pos]
            if line.strip() and _CAPTION_LINE.search(line) and not self.table_at(ls):
                ys = fiscal_years(line, self.doc_year)
                if ys:
                    year = ys[0]
                    break
            if ls == 0:
                break
            pos = ls
        self._caption_years[table.table_id] = year
        return year

    def cell_year(self, cell: Cell, table: Table) -> int | None:
        """A table cell's year: its column header, then its row label, then the caption."""
        for texts in (cell.header_path, [cell.row_label or ""]):
            for t in texts:
                ys = fiscal_years(_DIGIT_GAPS.sub("", t), self.doc_year)
                if ys:
                    return ys[0]
        return self.caption_year(table)

    def date_year(self, clause: Clause) -> int | None:
        """The year in force for a yearless date in ``clause``: its table column or row, the
        table's caption, the headings above it, else the document's year. (A year written
        earlier in the clause itself is carried by the date parser.)"""
        if clause.cell is not None and clause.table is not None:
            y = self.cell_year(clause.cell, clause.table) or self._year_above(
                clause.cell, clause.table
            )
            if y:
                return y
        for sec in self.headings(clause.start, own=False):
            # a title dated to the month in one year dates the steps under it, whatever year
            # it leads with ('’16년 안전예산 편성 사전 협의 : ’15. 5 ~ 11월' ⏎ '- … (5~6월)')
            y = self._dated_title_year(sec.title) or scoping_year(
                sec.title, self.doc_year, for_dates=True
            )
            if y:
                return y
        return self.part_year(clause.start, for_dates=True) or self.doc_year

    def _year_above(self, cell: Cell, table: Table) -> int | None:
        """The year carried down a column: '’26. 3월' ⏎ '4월' — the last year a cell above
        ``cell`` in its column writes."""
        if table.table_id not in self._column_years:
            by_col: dict[int, list[tuple[int, int]]] = {}
            for c in sorted(table.cells, key=lambda c: (c.col, c.row)):
                if c.is_header:
                    continue
                written = [m for m in find_dates(c.text, ref_year=self.doc_year) if m.explicit_year]
                if written and written[-1].start_date is not None:
                    last = written[-1].end_date or written[-1].start_date
                    by_col.setdefault(c.col, []).append((c.row, last.year))
            self._column_years[table.table_id] = by_col
        above = self._column_years[table.table_id].get(cell.col, [])
        k = bisect.bisect_left(above, (cell.row, -1)) - 1
        return above[k][1] if k >= 0 else None

    def _dated_title_year(self, title: str) -> int | None:
        """The one year an item's title dates it in to the month ('- 홈페이지 개선(’15.3월~)'):
        the year of the yearless steps under it. A title dated in two years says nothing of one
        year, and a bare year in a title is a budget's or a figure's ('2026년도 본예산 편성',
        '※ ’24년 115건'), not an event's."""
        if title in self._title_years:  # asked once per dated clause under the heading
            return self._title_years[title]
        found = {
            d.year
            for m in find_dates(title, ref_year=self.doc_year)
            if m.explicit_year and m.precision in ("month", "day")
            for d in (m.start_date, m.end_date)
            if d is not None
        }
        year = found.pop() if len(found) == 1 else None
        self._title_years[title] = year
        return year

    # ── the fiscal year of an amount ──────────────────────────────────────────────────
    def fiscal_year(self, m: MoneyMention) -> tuple[int | None, tuple[int | None, int | None]]:
        """The amount's fiscal year and period (see :func:`pipeline.extract.years.fiscal_year`)."""
        return years.fiscal_year(self, m)

    def stated_year(
        self, m: MoneyMention
    ) -> tuple[int | None, tuple[int | None, int | None]] | None:
        return years.stated_year(self, m)

    def is_document_date(self, start: int, end: int, date: dt.date | None) -> bool:
        """The document's own date where it dates the document, not a step: after a header
        label (결재일자, 시행); standing alone on a cover line or in a header cell before the
        first section (the document's year); or alone on a line or in a cell as the document's
        very date (a letter's 시행 date)."""
        if _DATE_LABEL_BEFORE.search(self.text, max(0, start - 40), start):
            return True
        first = self._sections[0].char_start if self._sections else self.end
        if date is not None and start < first and date == self.doc.meta.produced_on:
            return True  # the cover's date, also beside the committee it is presented to
        clause = self.clause_at(start)
        lo, hi = (clause.start, clause.end) if clause else (start, end)
        alone = not self.text[lo:start].strip(" (（") and not _ALONE_TAIL.sub("", self.text[end:hi])
        if not alone or date is None:
            return False
        if start < first:
            if clause is not None and self._event_label_left(clause):
                return False  # a form's '계약일자 ⇥ 2024년 2월 20일': what it dates is named
            return self.doc_year is None or date.year == self.doc_year
        return date in (self.doc.meta.approved_on, self.doc.meta.produced_on)

    def left_label(self, clause: Clause) -> str | None:
        """The nearest non-empty cell left of a clause's cell, spaces closed."""
        cell, table = clause.cell, clause.table
        if cell is None or table is None:
            return None
        left = [c for c in self.row_cells(table, cell.row) if c.col < cell.col and c.text.strip()]
        return max(left, key=lambda c: c.col).text.replace(" ", "") if left else None

    def _event_label_left(self, clause: Clause) -> bool:
        """Whether the cell just left of a dated cell names an event's date ('계약일자',
        '준공기한'), not the document's own ('결재일자', '시행일자')."""
        label = self.left_label(clause)
        return (
            label is not None
            and bool(EVENT_DATE_LABEL_RE.search(label))
            and not _DATE_LABEL_BEFORE.search(label)
        )

    # ── parts opened by a label line ──────────────────────────────────────────────────
    def _schedule_label_parts(self) -> list[tuple[int, int]]:
        """Spans opened by a line that only names a schedule part without being a section
        heading (``❖ 추진일정``, ``< 향후 일정 >``): the part runs to the next line opened by
        the same glyph, or the end of the section the label line sits in."""
        parts: list[tuple[int, int]] = []
        for m in re.finditer(r"[^\n]+", self.text[: self.end]):
            line = m.group()
            name = line.strip(LABEL_LINE_DECORATION).replace(" ", "")
            if not name or not SCHEDULE_HEADING_RE.search(name):
                continue
            # the section the line sits in: the innermost one with text after the line (a
            # label line read as an empty heading of its own gives its parent's end)
            section = next((h for h in self.headings(m.start()) if h.char_end > m.end() + 1), None)
            end = section.char_end if section is not None else self.end
            glyph = line.lstrip()[:1]
            stops = _LABEL_STOP.pattern + (
                re.escape(glyph) if glyph in LABEL_LINE_DECORATION else ""
            )
            k = re.compile(rf"\n[^\S\n]*[{stops}]").search(self.text, m.end(), end)
            parts.append((m.end(), k.start() if k else end))
        return parts

    def in_schedule_label_part(self, pos: int) -> bool:
        k = bisect.bisect_right(self.schedule_parts, (pos, self.end)) - 1
        return any(s <= pos < e for s, e in self.schedule_parts[max(0, k - 2) : k + 1])

    def field_label(self, pos: int) -> str | None:
        """The label of the label/value field whose value holds ``pos`` (a program sheet's
        ``경위``), if the document is such a sheet."""
        k = bisect.bisect_right(self._field_starts, pos) - 1
        if k >= 0 and self.fields[k][1] <= pos < self.fields[k][2]:
            return self.fields[k][0]
        return None
