"""HTML tables inside converted text, read with the standard library's ``html.parser``.

``html_tables(text, start, end) -> list[HtmlTable]``: every outermost ``<table>`` with its span
in ``text`` and its cells — grid position, row/col spans, whether it is a ``<th>``, and the
span of the cell's content. Unlike regexes, a parser keeps working when a converter leaves out
``</td>`` or ``</tr>`` (a cell then ends where the next one, its row or its table begins), and a
table nested in a cell stays part of that cell, so the outer row keeps all of its cells.
Offsets are into ``text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pipeline.errors import DamagedDocumentError, TableTooLargeError
from pipeline.limits import LIMITS


def sub_closed(pattern: re.Pattern[str], repl: str, text: str) -> str:
    """``pattern.sub(repl, text)`` for a tag pattern that ends at ``>`` and cannot cross one
    (``<[^>]+>``): applied only up to the text's last ``>``, where every match ends. After it
    no match can end, and there a regex would try every ``<`` against the whole rest of the
    text — quadratic on a page of unclosed ``<!--`` or ``<table``."""
    last = text.rfind(">")
    if last < 0:
        return text
    return pattern.sub(repl, text[: last + 1]) + text[last + 1 :]


@dataclass(slots=True)
class HtmlCell:
    row: int
    col: int
    start: int  # the cell's content: after its start tag, up to where it ends
    end: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False


@dataclass(slots=True)
class HtmlTable:
    start: int
    end: int
    cells: list[HtmlCell] = field(default_factory=list)


def _span_attr(attrs: list[tuple[str, str | None]], name: str) -> int:
    for k, v in attrs:
        if k == name and v is not None:
            digits = "".join(ch for ch in v if ch.isdigit())
            if digits:
                # a span is clamped: no runaway grids
                return max(1, min(int(digits), LIMITS.max_html_span))
    return 1


class _Scanner(HTMLParser):
    def __init__(self, text: str, base: int) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.base = base
        self.line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self._last_key: tuple[int, int, str] | None = None
        self._last_at = -1
        self.tables: list[HtmlTable] = []
        self.depth = 0  # <table> nesting; only depth-1 tables are read
        self.current: HtmlTable | None = None
        self.row = -1
        self.cell: HtmlCell | None = None
        self.taken: set[tuple[int, int]] = set()
        self.col = 0
        self.rows = 0  # the grid's extent so far, as its cells' spans declare it
        self.cols = 0
        self.spanned = 0  # grid positions its cells cover so far

    # ---- HTMLParser's scans for a construct's end, bounded. At the end of its input the
    # parser tries every unclosed '<!--' (or '<![…[') against the whole rest of the text: one
    # '-->' (or ']') known to lie behind answers all of them at once.
    def _last(self, needle: str) -> int:
        key = (id(self.rawdata), len(self.rawdata), needle)
        if self._last_key != key:
            self._last_key, self._last_at = key, self.rawdata.rfind(needle)
        return self._last_at

    def parse_comment(self, i: int, report: bool = True) -> int:
        if self._last("-->") < i + 4:
            return -1  # no '-->' after it: unclosed, as the search would find
        return super().parse_comment(i, report)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        if self._last("]") < i + 3:
            return -1  # no ']' after it: unclosed, as the search would find
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # '<![foo[': html.parser asserts on an unknown keyword
            return -1  # read as text, like any other construct it cannot close

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _tag_end(self, at: int) -> int:
        close = self.text.find(">", at)
        return len(self.text) if close < 0 else close + 1

    def _close_cell(self, at: int) -> None:
        if self.cell is not None and self.current is not None:
            self.cell.end = self.base + at
            self.current.cells.append(self.cell)
        self.cell = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._offset()
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.current = HtmlTable(self.base + at, self.base + at)
                self.row, self.col, self.taken = -1, 0, set()
                self.rows = self.cols = self.spanned = 0
            return
        if self.depth != 1 or self.current is None:
            return
        if tag == "tr":
            self._close_cell(at)
            self.row += 1
            self.col = 0
        elif tag in ("td", "th"):
            self._close_cell(at)
            if self.row < 0:
                self.row = 0
            while (self.row, self.col) in self.taken:
                self.col += 1
            rs, cs = _span_attr(attrs, "rowspan"), _span_attr(attrs, "colspan")
            self._check_grid(rs, cs)
            for dr in range(rs):
                for dc in range(cs):
                    self.taken.add((self.row + dr, self.col + dc))
            content = self.base + self._tag_end(at)
            self.cell = HtmlCell(self.row, self.col, content, content, rs, cs, tag == "th")
            self.col += cs

    def _check_grid(self, rs: int, cs: int) -> None:
        """Refuse the table before placing a cell that takes its grid over the limits."""
        self.rows = max(self.rows, self.row + rs)
        self.cols = max(self.cols, self.col + cs)
        self.spanned += rs * cs
        line, _ = self.getpos()
        where = f"the HTML table at line {line}"
        if self.rows > LIMITS.max_table_rows:
            raise TableTooLargeError(
                f"{where} has {self.rows} rows, over the {LIMITS.max_table_rows} limit"
            )
        if self.cols > LIMITS.max_table_cols:
            raise TableTooLargeError(
                f"{where} has {self.cols} columns, over the {LIMITS.max_table_cols} limit"
            )
        if self.rows * self.cols > LIMITS.max_table_cells or self.spanned > LIMITS.max_table_cells:
            raise TableTooLargeError(
                f"{where} reaches {self.rows} rows × {self.cols} columns ({self.spanned} grid "
                f"positions, spans counted), over the {LIMITS.max_table_cells} cells limit"
            )

    def handle_endtag(self, tag: str) -> None:
        at = self._offset()
        if tag == "table":
            if self.depth == 1 and self.current is not None:
                self._close_cell(at)
                self.current.end = self.base + self._tag_end(at)
                self.tables.append(self.current)
                self.current = None
            self.depth = max(0, self.depth - 1)
            return
        if self.depth == 1 and tag in ("td", "th", "tr"):
            self._close_cell(at)

    def finish(self) -> None:
        """A table left open at the end of the text ends there."""
        if self.current is not None:
            self._close_cell(len(self.text))
            self.current.end = self.base + len(self.text)
            self.tables.append(self.current)
            self.current = None


def html_tables(text: str, start: int = 0, end: int | None = None) -> list[HtmlTable]:
    """Every outermost HTML table in ``text[start:end]``, in order, with its cells."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    if "<table" not in chunk.lower():
        return []
    scanner = _Scanner(chunk, start)
    # After the last '>' no tag can end, and the parser would try each '<' there against the
    # whole rest of the text: it reads only up to that '>' (the rest is text to it anyway).
    scanner.feed(chunk[: chunk.rfind(">") + 1])
    try:
        scanner.close()
    except AssertionError as exc:  # html.parser's verdict on a malformed <!DOCTYPE […]>
        line, _ = scanner.getpos()
        raise DamagedDocumentError(
            f"the HTML markup near line {line} is malformed and cannot be read ({exc})"
        ) from None
    scanner.finish()
    return scanner.tables
