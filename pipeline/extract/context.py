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

from pipeline.metadata import field_spans
from pipeline.model import Cell, Document, Section, Table
from pipeline.segment import toc_entries, toc_spans
from pipeline.vocab import (
    APOSTROPHES,
    BOUND_WORDS,
    DATE_COLUMN_HEADER_RE,
    DIFFERENCE_WORDS,
    HTML_BREAK,
    RANGE_SIGNS,
    YEAR_BOUND_WORDS,
)

if TYPE_CHECKING:
    from pipeline.extract.mentions import MoneyMention

ClauseKind = Literal["prose", "cell"]

# A year as documents write it beside money and in headers: 2016년, 2016예산, ’16년, '25.
YEAR_TOKEN = re.compile(
    rf"(?:(?P<y4>(?:19|20)\d\d)(?=\s*(?:년|예산|결산|회계|추경|본예산|당초|최종|\(|[A-Z]|$|\s))"
    rf"|[{re.escape(APOSTROPHES)}](?P<y2>\d\d)(?=\s*(?:년|\.\s*\d|\.?\s*(?:예산|결산|당초|최종|본예산|추경)|\.?\s*$|\.?\s*[:：]|\)|\s)))"
)
# ... but not the year of a comparison or a bound: ’15년 대비, '12년까지
_NOT_FISCAL_AFTER = re.compile(rf"\s*(?:년도?)?\s*(?:최종\s*)?(?:{'|'.join(YEAR_BOUND_WORDS)})")
_BREAK = re.compile(HTML_BREAK, re.I)
# A line above a table that captions it or states its basis: '(기준 : ’25년 본예산, 단위 : 백만원)'.
_CAPTION_LINE = re.compile(r"기준|단위|<[^>]*>|\[[^\]]*\]|예산|현황")
_AS_OF = re.compile(r"기준")
_DIFFERENCE_BEFORE = re.compile(rf"(?:{'|'.join(DIFFERENCE_WORDS)})\s*[:：]?\s*$")
# A column of differences: '증감', '증감(B-A)', '’24년 대비', '차이' — not a rate ('증감률').
_DIFFERENCE_HEADER = re.compile(
    rf"(?:{'|'.join(DIFFERENCE_WORDS)}|차\s*이)(?!\s*[률율])|[(（][A-Z]\s*[-−]\s*[A-Z][)）]"
)
_BOUND_AFTER = re.compile(rf"\s*(?:{'|'.join(BOUND_WORDS)}|[{re.escape(RANGE_SIGNS)}])")
# An increase or decrease written after the amount: '5조 3,267억원(2,252억↑)'.
_RATE_AFTER = re.compile(r"\s*(?:[↑↓▲▼]|/\s*\d+\s*년\s*간)")
_DATE_AFTER_COLON = re.compile(
    rf"(?:(?!,\s)[^\n:：(])*?[:：]\s*~?\s*(?:(?P<y4>(?:19|20)\d\d)\s*[.년]|[{re.escape(APOSTROPHES)}](?P<y2>\d\d)\s*[.년])"
)
# Where the words that date an amount stop: a line, a bullet, a list's ', ' (one event each).
_PHRASE_BREAK = re.compile(r"\n|<br\s*/?>|[○□■▷※●◦]|\s-\s|\?\?|,\s")
# An amount that covers several years: its period in brackets right after it ('(’25~’40)').
_Y_ANY = rf"(?:(?:19|20)\d\d|[{re.escape(APOSTROPHES)}]\d\d)"
_PERIOD_AFTER = re.compile(
    rf"\s*[(（]\s*(?:사업기간\s*[:：]?\s*)?(?P<a>{_Y_ANY})\s*년?\s*[.]?\s*[{re.escape(RANGE_SIGNS)}-]\s*(?P<b>{_Y_ANY})\s*년?[^)）]{{0,12}}[)）]"
)
# Words that make an amount a whole program's or a period's, not one year's; a project's
# completion year beside its cost ("(‘26년 완료, 566억원)") too.
_MULTI_YEAR = re.compile(
    rf"총\s*사업비|총\s*투자|\d+\s*년\s*간|누\s*계|누\s*적|매\s*년|연\s*평균"
    rf"|(?:(?:19|20)\d\d|[{re.escape(APOSTROPHES)}]\d\d)\s*년?\s*\.?\s*(?:말\s*)?(?:완료|준공|완공)"
)
# A year in the bracket right after an amount: '3조 5,682억원(’24년 최종)', '(’23년 결산 기준)'.
_YEAR_AFTER = re.compile(
    rf"\s*[(（]\s*(?P<y>(?:19|20)\d\d|[{re.escape(APOSTROPHES)}]\d\d)\s*년도?\s*(?:당초|최종|본예산|추경|결산|예산|기준)?[^)）~∼～]{{0,8}}[)）]"
)
# A period written in the amount's phrase: (‘16.1.~’24.7.), 2023~2033, ('25~'40년).
_PERIOD_IN = re.compile(
    rf"(?P<a>(?:19|20)\d\d|[{re.escape(APOSTROPHES)}]\d\d)(?:\s*[.년]\s*(?:\d{{1,2}}\s*[.월]?(?:\s*\d{{1,2}}\s*[.일]?)?)?)?\s*[{re.escape(RANGE_SIGNS)}]\s*(?P<b>(?:19|20)\d\d|[{re.escape(APOSTROPHES)}]\d\d)"
)
_HEADING_DECORATION = " ●○□■-·'‘’`\t"
# A cell longer than this may hold a box of items, cut at their markers.
_BOX_CELL = 60
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


def year_of(m: re.Match[str], ref_year: int | None = None) -> int:
    """The four-digit year of a :data:`YEAR_TOKEN` match."""
    from pipeline.dates import century

    if m.group("y4"):
        return int(m.group("y4"))
    return century(int(m.group("y2")), ref_year)


def year_tokens(text: str, ref_year: int | None = None) -> list[tuple[int, bool, int, int]]:
    """Every year written in ``text``: (year, can it be a fiscal year, start, end)."""
    return [
        (year_of(m, ref_year), not _NOT_FISCAL_AFTER.match(text, m.end()), m.start(), m.end())
        for m in YEAR_TOKEN.finditer(text)
    ]


def fiscal_years(text: str, ref_year: int | None = None) -> list[int]:
    return [y for y, fiscal, _, _ in year_tokens(text, ref_year) if fiscal]


# A heading year that names a fiscal year ('2026년도 본예산 편성'): it scopes amounts, but the
# steps under it happen before that year, so it is not the year in force for dates.
_BUDGET_YEAR_AFTER = re.compile(r"\s*년?도?\s*(?:본예산|예산|결산|추경|회계|세입|세출|국비)")


def scoping_year(title: str, ref_year: int | None = None, for_dates: bool = False) -> int | None:
    """A year that scopes a heading's whole section: leading the title ('2020년 지방재정 …',
    "'20년 사업 개요", 'Ⅲ. 2025년 주요업무계획') or dating it ('예산 집행현황('18.6.30 기준)');
    not one in passing ('발행규모 : … ('19년 이월 3,187억원 포함)')."""
    for m in YEAR_TOKEN.finditer(title):
        leading = not title[: m.start()].strip(_HEADING_DECORATION)
        as_of = _AS_OF.search(title, m.end(), m.end() + 12)
        if (leading or as_of) and not _NOT_FISCAL_AFTER.match(title, m.end()):
            if for_dates and _BUDGET_YEAR_AFTER.match(title, m.end()):
                return None
            return year_of(m, ref_year)
    return None


def _period_in(phrase: str, ref_year: int | None = None) -> tuple[int, int] | None:
    """The years of a period written in ``phrase`` (``‘16.1.~’24.7.``), if one is."""
    from pipeline.dates import century

    found = list(_PERIOD_IN.finditer(phrase))
    if not found:
        return None
    m = found[-1]

    def year(tok: str) -> int:
        digits = re.sub(r"\D", "", tok)
        return int(digits) if len(digits) == 4 else century(int(digits), ref_year)

    a, b = year(m.group("a")), year(m.group("b"))
    return (a, b) if a < b else None


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
        self._caption_years: dict[str, int | None] = {}
        self._date_columns: dict[str, set[int]] = {}

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
        """The columns of a table whose header names dates: 추진기간, 일정, 시기, 기한."""
        if table.table_id not in self._date_columns:
            self._date_columns[table.table_id] = {
                c.col
                for c in table.cells
                if c.is_header and DATE_COLUMN_HEADER_RE.search(c.text.replace(" ", ""))
            }
        return self._date_columns[table.table_id]

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
            y = self.cell_year(clause.cell, clause.table)
            if y:
                return y
        return self.heading_year(clause.start, for_dates=True) or self.doc_year

    # ── the fiscal year of an amount ──────────────────────────────────────────────────
    def _year_text(self, token: str) -> int:
        from pipeline.dates import century

        digits = re.sub(r"\D", "", token)
        return int(digits) if len(digits) == 4 else century(int(digits), self.doc_year)

    def fiscal_year(self, m: MoneyMention) -> tuple[int | None, tuple[int | None, int | None]]:
        """The amount's fiscal year and period: what it states (:meth:`stated_year`), else
        the headings above it, the caption under its heading, the document's budget year."""
        stated = self.stated_year(m)
        if stated is not None:
            return stated
        return self.fallback_year(m), (None, None)

    def fallback_year(self, m: MoneyMention) -> int | None:
        """The year in force where an amount states none of its own."""
        if m.clause.cell is not None:
            return self.budget_year
        return self.heading_year(m.start) or self._caption_below(m.clause) or self.budget_year

    def stated_year(
        self, m: MoneyMention
    ) -> tuple[int | None, tuple[int | None, int | None]] | None:
        """``(fiscal_year, (period_start_year, period_end_year))`` of an amount.

        The nearest year stated in its own phrase governs ('13년 … (2,160억원 중 50억원));
        then a date after a colon ('지급 : ~'20.8월'); for a cell, its column, row and caption;
        then the headings above it; then the document's budget year. None for a difference
        (’15년 대비 991억원, a 증감 column), a bound (40억원 이상) and an amount over several
        years (총사업비, ``3,672억원 ('25~'40)``, which gives the period instead)."""
        text, clause = self.text, m.clause
        none: tuple[int | None, int | None] = (None, None)
        period = _PERIOD_AFTER.match(text, m.end, min(len(text), m.end + 40))
        if period:
            a, b = self._year_text(period.group("a")), self._year_text(period.group("b"))
            if a <= b:
                return None, (a, b)
        window = text[max(clause.start, m.start - 80) : m.start]
        if _DIFFERENCE_BEFORE.search(window[-12:]):
            return None, none
        if m.how in ("written", "part") and (
            _BOUND_AFTER.match(text, m.end) or _RATE_AFTER.match(text, m.end)
        ):
            return None, none
        cuts = list(_PHRASE_BREAK.finditer(window))
        phrase = window[cuts[-1].end() :] if cuts else window
        if len(cuts) >= 2 and not phrase.strip() and cuts[-1].group(0).startswith(","):
            # '▸ ‘25년, 48억원': the amount opens its phrase; the one before names its year
            phrase = window[cuts[-2].end() : cuts[-1].start()]
        tokens = year_tokens(phrase, self.doc_year)
        nearest = phrase[tokens[-1][3] :] if tokens else phrase
        bracket = self._bracket_around(clause, m)  # the '(…, 41억원)' the amount stands in
        label = (
            text[clause.start : m.start].split(":", 1)[0]
            if ":" in text[clause.start : m.start]
            else ""
        )
        if any(_MULTI_YEAR.search(x) for x in (nearest, bracket, label)):
            return None, none  # '총사업비 318억원', '3년간 5천억', "(‘26년 완료, 566억원)"
        span = _period_in(phrase) or _period_in(bracket)
        if span is not None:  # '사업(‘16.1.~’24.7.) ▹ 260억원', '(‘24.10.~’25.10, 41억원)'
            return None, span
        if tokens:
            year, fiscal = tokens[-1][:2]
            return (year if fiscal else None), none
        own = _YEAR_AFTER.match(text, m.end, min(len(text), m.end + 30))
        if own:  # '3조 5,682억원(’24년 최종)': the year the bracket after it gives
            return self._year_text(own.group("y")), none
        if bracket:  # '2023년도 사업 추진 (3개구, 6지구, 4,350백만원)': the bracket's own year
            around = year_tokens(bracket, self.doc_year) or year_tokens(
                self._words_before_bracket(clause, m), self.doc_year
            )
            if around:
                year, fiscal = around[-1][:2]
                return (year if fiscal else None), none
        after = _DATE_AFTER_COLON.match(text, m.start, min(len(text), m.start + 60))
        if after:  # '등록보상금 900만원 지급 : ~'20.8월': the item's own date
            y = after.group("y4") or after.group("y2")
            return self._year_text(y), none
        cell, table = clause.cell, clause.table
        if cell is not None and table is not None:
            labels = [*cell.header_path, cell.row_label or "", self._line_before(table)]
            if any(_DIFFERENCE_HEADER.search(h) for h in cell.header_path):
                return None, none
            if any(_MULTI_YEAR.search(h) for h in labels):
                return None, none
            y = self.cell_year(cell, table) or self.heading_year(m.start)
            if y:
                return y, none
            # a number cell states its year in its table; only a 결재문서's own plan dates it
            if m.how in ("cell", "stacked") and self.doc.meta.doc_kind != "approval":
                return None, none
        return None

    def _bracket_start(self, clause: Clause, m: MoneyMention) -> int | None:
        """Where the bracket the amount stands in opens, if it does."""
        depth = 0
        for i in range(m.start - 1, clause.start - 1, -1):
            ch = self.text[i]
            if ch in ")）":
                depth += 1
            elif ch in "(（":
                if depth == 0:
                    return i
                depth -= 1
        return None

    def _bracket_around(self, clause: Clause, m: MoneyMention) -> str:
        """The text of the bracket the amount stands in ('(‘24.10.~’25.10, 41억원)'), or ''."""
        opened = self._bracket_start(clause, m)
        if opened is None:
            return ""
        close = self.text.find(")", m.end, clause.end)
        return self.text[opened : close if close >= 0 else clause.end]

    def _words_before_bracket(self, clause: Clause, m: MoneyMention) -> str:
        opened = self._bracket_start(clause, m)
        if opened is None:
            return ""
        before = self.text[max(clause.start, opened - 60) : opened]
        cuts = list(_PHRASE_BREAK.finditer(before))
        return before[cuts[-1].end() :] if cuts else before

    def _caption_below(self, clause: Clause) -> int | None:
        """'□ 예 산 : 세입 89억원, 세출 463억원' ⏎ '(’25년 본예산, 단위 : 천원)': a heading's
        amounts restate the table the caption below it dates."""
        nl = self.text.find("\n", clause.end)
        if nl < 0:
            return None
        ne = self.text.find("\n", nl + 1)
        line = self.text[nl + 1 : ne if ne >= 0 else len(self.text)].strip()
        if line.startswith("(") and "단위" in line:
            ys = fiscal_years(line, self.doc_year)
            return ys[0] if ys else None
        return None

    def _line_before(self, table: Table) -> str:
        """The text on a table's own line before it (the label of a cell holding a table)."""
        ls = self.text.rfind("\n", 0, table.char_start) + 1
        return self.text[ls : table.char_start]

    def is_document_date(self, start: int, end: int, date: dt.date | None) -> bool:
        """The document's own date where it dates the document, not a step: after a header
        label (결재일자, 시행); standing alone on a cover line or in a header cell before the
        first section (the document's year); or alone on a line or in a cell as the document's
        very date (a letter's 시행 date)."""
        if _DATE_LABEL_BEFORE.search(self.text, max(0, start - 40), start):
            return True
        clause = self.clause_at(start)
        lo, hi = (clause.start, clause.end) if clause else (start, end)
        alone = not self.text[lo:start].strip(" (（") and not _ALONE_TAIL.sub("", self.text[end:hi])
        if not alone or date is None:
            return False
        first = self._sections[0].char_start if self._sections else self.end
        if start < first:
            return self.doc_year is None or date.year == self.doc_year
        return date in (self.doc.meta.approved_on, self.doc.meta.produced_on)

    def field_label(self, pos: int) -> str | None:
        """The label of the label/value field whose value holds ``pos`` (a program sheet's
        ``경위``), if the document is such a sheet."""
        k = bisect.bisect_right(self._field_starts, pos) - 1
        if k >= 0 and self.fields[k][1] <= pos < self.fields[k][2]:
            return self.fields[k][0]
        return None
