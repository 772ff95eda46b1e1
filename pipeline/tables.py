"""Tables in converted text → cells with grid positions, headers, units and numbers.

``find_tables(text, start, end) -> list[Table]`` recognises three layouts the Seoul converter
produces: ``<table>`` HTML (rowspan/colspan honoured), markdown pipe tables, and blocks of
tab-separated lines. Each cell keeps the span of its source; ``render_cell(text[s:e])`` is its
``text`` (markup such as checkboxes rendered readable, conversion noise like ``(x-)`` removed).
Tables flattened into one line by the converter are not recovered here (see README).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.flat_grids import flat_grids
from pipeline.html_tables import HtmlTable, html_tables, sub_closed
from pipeline.limits import check_grid, grid_over_limits
from pipeline.model import Cell, SourceTable, Table, TableLayout
from pipeline.money import MONEY_UNITS, find_amounts, parse_number_cell, to_krw
from pipeline.spans import lines as text_lines
from pipeline.spans import trim
from pipeline.vocab import DECLARED_UNIT_RE, PERCENT_HEADER_RE

_CHECKBOX = re.compile(r"<input\b(?=[^>]*type=[\"']?checkbox)([^>]*)/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_NOISE = re.compile(r"\(x-\)")
_WS = re.compile(r"\s+")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_UNIT_LINE = re.compile(rf"단위\s*[:：]?\s*({DECLARED_UNIT_RE})")
_HEADER_UNIT = re.compile(rf"\(\s*(?:단위\s*[:：]?\s*)?({DECLARED_UNIT_RE})\s*\)")
_PERCENT_HEADER = PERCENT_HEADER_RE
# A header that names nothing but a percentage: '증 감 률(%)', '비율', '(B-A)*100/A'.
_PERCENT_ONLY = re.compile(
    r"^[(（]?(?:증감|구성|집행|달성|점유|증가)?(?:률|율|비율|비중|구성비)?[)）]?(?:\(?%\)?)?$|\*\s*100"
)


def _percent_column(hp: list[str], shared: set[str]) -> bool:
    """A column of percentages: a header over it names only a percentage, or its own deepest
    header (not one it shares with other columns: '당초예산 증감률' over two) names one."""
    for h in hp:
        bare = re.sub(r"\s+", "", h)
        if _PERCENT_HEADER.search(bare) and _PERCENT_ONLY.search(bare):
            return True
    return bool(hp) and hp[-1] not in shared and bool(_PERCENT_HEADER.search(hp[-1]))


_YEAR = re.compile(r"^(?:19|20)\d\d(?:년도?)?$")


def render_cell(raw: str) -> str:
    """The readable text of a cell's source: checkboxes as checked/unchecked, tags and
    ``(x-)`` noise removed, whitespace collapsed."""
    boxes = list(_CHECKBOX.finditer(raw, 0, raw.rfind(">") + 1))  # none ends past the last '>'
    if boxes:
        out = []
        for i, b in enumerate(boxes):
            state = "checked" if re.search(r"\bchecked\b", b.group(1), re.I) else "unchecked"
            label_end = boxes[i + 1].start() if i + 1 < len(boxes) else len(raw)
            label = _WS.sub(" ", html.unescape(_TAG.sub(" ", raw[b.end() : label_end]))).strip()
            out.append(f"{label}: {state}" if label else state)
        return "; ".join(out)
    text = raw
    if "<" in text:
        text = sub_closed(_TAG, " ", re.sub(r"</li\s*>", " ", text, flags=re.I))
        text = html.unescape(text)
    text = _NOISE.sub(" ", text)
    return _WS.sub(" ", text).strip()


@dataclass(slots=True)
class _RawCell:
    row: int
    col: int
    start: int
    end: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


def _html_cells(table: HtmlTable, text: str) -> list[_RawCell]:
    """An HTML table's cells, as the parser found them, their spans trimmed to their text."""
    out = []
    for c in table.cells:
        s, e = trim(text, c.start, c.end)
        out.append(_RawCell(c.row, c.col, s, e, c.row_span, c.col_span, header=c.header))
    return out


def _split_row(text: str, line_start: int, line_end: int, sep: str, r: int) -> list[_RawCell]:
    cells = []
    pos = line_start
    col = 0
    while True:
        nxt = text.find(sep, pos, line_end)
        cell_end = line_end if nxt < 0 else nxt
        s, e = trim(text, pos, cell_end)
        cells.append(_RawCell(r, col, s, e))
        col += 1
        if nxt < 0:
            return cells
        pos = nxt + 1


_MONEY_HEADER = re.compile(r"금액|예산|집행액|결산|사업비|소요액|잔액")
# a first-column header that names row labels (not a column of values)
_LABEL_HEADER = re.compile(
    r"구\s*분|[연년]\s*도|과\s*목|항\s*목|순\s*번|번\s*호|연\s*번|명\s*칭|사업명|기관|지표"
)
_COUNT_HEADER = re.compile(
    r"^(?:개수|건수|인원|동수|세대수|개소|횟수|명수)$|\((?:명|건|개|회|동|세대|개소)\)"
)
_COUNT_LABEL = re.compile(r"건수|인원|횟수|개수|명수|\(명\)|\(건\)|\(회\)")


def _unit_in_force(text: str, start: int) -> str | None:
    """The last money unit declared anywhere before ``start`` (``(단위 : 천원)``)."""
    found = [m for m in _UNIT_LINE.finditer(text, 0, start) if m.group(1) in MONEY_UNITS]
    return found[-1].group(1) if found else None


class _UnitsInForce:
    """:func:`_unit_in_force` for many tables of one text, the text scanned once (not once per
    table). Where a declaration runs across ``start`` (the scan of ``text[:start]`` could read
    it differently), the scan up to ``start`` is done as before."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.matches = list(_UNIT_LINE.finditer(text))
        self.ends = [m.end() for m in self.matches]
        last: str | None = None
        self.money_before: list[str | None] = []  # the last money unit among matches[:i+1]
        for m in self.matches:
            if m.group(1) in MONEY_UNITS:
                last = m.group(1)
            self.money_before.append(last)

    def at(self, start: int) -> str | None:
        i = bisect_right(self.ends, start)  # matches[:i] end at or before start
        if i < len(self.matches) and self.matches[i].start() < start:
            return _unit_in_force(self.text, start)  # a match straddles start
        return self.money_before[i - 1] if i else None


class _Spans:
    """Sorted, non-overlapping spans; which one holds a position, by bisection."""

    def __init__(self, spans: Sequence[tuple[int, int]], closed: bool = False) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.closed = closed  # [s, e] rather than [s, e)
        self.overlapping = any(
            b[0] < a[1] for a, b in zip(self.spans, self.spans[1:], strict=False)
        )

    def holding(self, pos: int) -> int | None:
        """The index (in sorted order) of a span holding ``pos``, or None."""
        if self.overlapping:  # never for spans found in one text; kept exact all the same
            return next((k for k, (s, e) in enumerate(self.spans) if self._in(pos, s, e)), None)
        i = bisect_right(self.starts, pos) - 1
        return i if i >= 0 and self._in(pos, *self.spans[i]) else None

    def _in(self, pos: int, s: int, e: int) -> bool:
        return s <= pos <= e if self.closed else s <= pos < e


def _table_unit(text: str, start: int) -> str | None:
    """The unit stated just above a table: ``(단위 : 천원)`` within the three preceding lines."""
    window_start = start
    for _ in range(4):
        prev = text.rfind("\n", 0, max(0, window_start - 1))
        window_start = prev + 1 if prev >= 0 else 0
        if window_start == 0:
            break
    found = list(_UNIT_LINE.finditer(text, window_start, start))
    return found[-1].group(1) if found else None


def _is_numberish(s: str) -> bool:
    return parse_number_cell(s) is not None


def _inner_label(cells: list[_RawCell], rendered: dict[tuple[int, int], str], r: int) -> str | None:
    """The innermost label of a data row: the rightmost word cell (no digits, or a year) left
    of the row's first number cell, when it is not in column 0 ('인재개발원 운영 | 쾌적한 교육환경
    조성 | 1,467 …' → '쾌적한 교육환경 조성')."""
    first_number = next(
        (
            c.col
            for c in cells
            if _is_numberish(rendered[(r, c.col)]) and not _YEAR.match(rendered[(r, c.col)])
        ),
        None,
    )
    if first_number is None:
        return None
    words = [
        c
        for c in cells
        if 0 < c.col < first_number
        and rendered[(r, c.col)]
        and not re.search(r"\d", rendered[(r, c.col)])
    ]
    return rendered[(r, words[-1].col)] if words else None


def _left_labels(cells: list[_RawCell], rendered: dict[tuple[int, int], str]) -> list[str | None]:
    """Each number cell's own label when its row pairs labels and values side by side
    ('지방세 | 51,288 | 세외수입 | 11,101'): the nearest word cell to its left, past column 0
    (None for a cell that is not a number). One pass over the row, sorted by column."""
    out: list[str | None] = []
    word: str | None = None  # the last word cell of the columns before the current one
    pending: str | None = None  # ... and of the current column, once it is passed
    col: int | None = None
    for c in cells:
        if c.col != col:
            if pending is not None:
                word = pending
            pending, col = None, c.col
        value = rendered[(c.row, c.col)]
        out.append(word if _is_numberish(value) else None)
        if c.col > 0 and value and not re.search(r"\d", value):
            pending = value
    return out


def _build(
    text: str,
    table_id: str,
    layout: TableLayout,
    raw: list[_RawCell],
    start: int,
    end: int,
    header_rows: int | None = None,
    unit: str | None = None,
    units_in_force: _UnitsInForce | None = None,
) -> Table | None:
    raw = [c for c in raw if c.end > c.start]
    if not raw:
        return None
    rendered = {(c.row, c.col): render_cell(text[c.start : c.end]) for c in raw}
    raw = [c for c in raw if rendered[(c.row, c.col)]]
    if len(raw) < 2:
        return None
    rows = sorted({c.row for c in raw})
    grouped: dict[int, list[_RawCell]] = {}
    for c in raw:  # one pass, in the order of raw (as the sort below then keeps ties)
        grouped.setdefault(c.row, []).append(c)
    by_row: dict[int, list[_RawCell]] = {r: sorted(grouped[r], key=lambda c: c.col) for r in rows}

    # Header rows: explicit (<th>, markdown separator), else the leading rows without numbers.
    if header_rows is None:
        header_rows = 0
        if any(c.header for c in raw):
            header_rows = 1 + max(c.row for c in raw if c.header)
        elif len(rows) >= 2:
            for k, r in enumerate(rows):
                row_raw = by_row[r]
                numeric = [
                    c
                    for c in row_raw
                    if (
                        _is_numberish(rendered[(c.row, c.col)])
                        and not _YEAR.match(rendered[(c.row, c.col)])
                    )
                    or any(find_amounts(rendered[(c.row, c.col)]))  # '11.6조': data, not a label
                ]
                leading_empty = r > rows[0] and min(c.col for c in row_raw) > 0
                # sub-headers under a group header spanning columns ('일반회계' over 세입|세출)
                under_group = k > 0 and any(c.col_span > 1 for c in by_row[rows[k - 1]])
                if (
                    numeric
                    or (r > rows[0] and not leading_empty and not under_group)
                    or r - rows[0] >= 3
                ):
                    break
                header_rows = r - rows[0] + 1
            if header_rows >= len(rows):
                header_rows = 0
    first = rows[0]
    head = [r for r in rows if r < first + header_rows]

    # Column headers, group headers filled rightwards over the empty cells they span.
    ncols = 1 + max(c.col + c.col_span - 1 for c in raw)
    paths: dict[int, list[str]] = {col: [] for col in range(ncols)}
    for hr in head:
        line: list[str | None] = [None] * ncols
        for c in by_row[hr]:
            for dc in range(c.col_span):
                line[c.col + dc] = rendered[(c.row, c.col)]
        lower_has = {c.col for r2 in head if r2 > hr for c in by_row[r2]}
        last: str | None = None
        for col in range(ncols):
            if line[col] is not None:
                last = line[col]
            elif last is not None and col in lower_has and layout != "html":
                line[col] = last
            else:
                last = None
            if line[col] and (not paths[col] or paths[col][-1] != line[col]):
                paths[col].append(line[col])  # type: ignore[arg-type]

    table_unit = (
        unit
        or _table_unit(text, start)
        or next(
            (  # '구분(단위 : 억원)': a unit stated in a header cell holds for the table
                m.group(1)
                for hr in head
                for c in by_row[hr]
                if (m := _UNIT_LINE.search(rendered[(c.row, c.col)]))
            ),
            None,
        )
    )
    # headers over more than one column (a group header, or two sub-headers merged into one)
    columns_under = Counter(h for hp in paths.values() for h in set(hp))  # one count per column
    shared_headers = {h for col, hp in paths.items() for h in hp[:-1]} | {
        h for h in (hp[-1] for hp in paths.values() if hp) if columns_under[h] > 1
    }
    # a money column with no unit of its own (예산집행금액) takes the money unit in force
    inherited = (
        None
        if table_unit
        else (units_in_force.at(start) if units_in_force else _unit_in_force(text, start))
    )
    cells: list[Cell] = []
    label: str | None = None
    for r in rows:
        is_head = r in head
        row_cells = by_row[r]
        if not is_head:
            first_cell = row_cells[0]
            if (
                first_cell.col == 0
                and not _is_numberish(rendered[(r, 0)])
                or first_cell.col == 0
                and _YEAR.match(rendered[(r, 0)])
            ):
                label = rendered[(r, 0)]
            # with two label columns (정책사업 | 단위사업), a row's label is its innermost one
            inner = _inner_label(row_cells, rendered, r)
            if inner is not None:
                label = inner
        left_labels = [] if is_head else _left_labels(row_cells, rendered)
        for k, c in enumerate(row_cells):
            value = rendered[(c.row, c.col)]
            hp = [] if is_head else list(paths.get(c.col, []))
            unit = table_unit
            if unit is None and inherited and any(_MONEY_HEADER.search(h) for h in hp):
                unit = inherited
            for h in hp:
                hu = _HEADER_UNIT.search(h)
                if hu:
                    unit = hu.group(1)
            if _percent_column(hp, shared_headers):
                unit = "%"
            if unit in MONEY_UNITS and (
                (label and _COUNT_LABEL.search(label)) or any(_COUNT_HEADER.search(h) for h in hp)
            ):
                unit = None  # '집행건수' rows, '개수' columns of a money table are counts
            cell = Cell(
                row=c.row - first,
                col=c.col,
                text=value,
                char_start=c.start,
                char_end=c.end,
                row_span=c.row_span,
                col_span=c.col_span,
                is_header=is_head or bool(c.header),
                header_path=hp,
                row_label=None if is_head else (left_labels[k] or label),
                unit=unit,
                page=c.page,
                bbox=c.bbox,
            )
            label_col = c.col == 0 and not (
                paths.get(0)
                and not any(_LABEL_HEADER.search(h) for h in paths[0])
                and not _YEAR.match(value)
            )
            if not is_head and not label_col:  # a table without a label column: col 0 is data
                num = parse_number_cell(value)
                if num is not None:
                    cell.unit = num.unit or unit
                    cell.number = float(num.value)
                    cell.amount_krw = to_krw(num.value, cell.unit)
                elif (
                    (amounts := list(find_amounts(value)))
                    and len(amounts) == 1
                    and amounts[0].text == value
                ):
                    # a cell written with its own money unit: 1,145,180천원
                    cell.unit = amounts[0].unit
                    cell.amount_krw = amounts[0].krw
                    cell.number = float(amounts[0].krw / MONEY_UNITS[amounts[0].unit])
            cells.append(cell)
    return Table(
        table_id=table_id,
        layout=layout,
        char_start=start,
        char_end=end,
        cells=cells,
        unit=table_unit,
    )


def _drop_converter_echo(
    text: str, raw: list[_RawCell], html: list[HtmlTable], spans: _Spans | None = None
) -> list[_RawCell]:
    """A TSV cell holding a whole HTML table is represented by that table; the city's converter
    then repeats the same table's cells as plain TSV cells after it — drop that echo."""
    out: list[_RawCell] = []
    echo: list[str] = []
    j = 0
    if spans is None or spans.overlapping:
        spans = None
    ordered = sorted(html, key=lambda t: (t.start, t.end))
    for c in raw:
        if spans is None:
            table = next((t for t in html if t.start <= c.start < t.end), None)
        else:
            k = spans.holding(c.start)
            table = ordered[k] if k is not None else None
        if table is not None:
            echo = [
                t
                for t in (render_cell(text[x.start : x.end]) for x in _html_cells(table, text))
                if t
            ]
            j = 0
            continue
        value = render_cell(text[c.start : c.end])
        if echo and not value:
            continue
        if echo and value == echo[j % len(echo)] and j < 3 * len(echo):
            j += 1
            continue
        echo = []
        out.append(c)
    return out


def _given_cells(table: SourceTable) -> list[_RawCell]:
    return [
        _RawCell(
            c.row, c.col, c.char_start, c.char_end, c.row_span, c.col_span, False, c.page, c.bbox
        )
        for c in table.cells
    ]


def _check_text_grid(text: str, raw: list[_RawCell], start: int, kind: str) -> None:
    """Refuse a text table over the grid limits (its line is counted only then)."""
    if not raw:
        return
    nrows = 1 + max(c.row for c in raw)
    ncols = 1 + max(c.col for c in raw)
    if grid_over_limits(nrows, ncols):
        line = text.count("\n", 0, start) + 1
        check_grid(nrows, ncols, f"the {kind} table at line {line}")


def find_tables(
    text: str, start: int = 0, end: int | None = None, given: Sequence[SourceTable] = ()
) -> list[Table]:
    """Every table in ``text[start:end]``, in reading order, with ids ``T001``, ``T002`` …

    ``given`` are tables an original's reader already found (PDF, HWPX): they are taken as
    they are, and their lines are not parsed again."""
    end = len(text) if end is None else end
    found: list[tuple[int, int, TableLayout, list[_RawCell], int | None]] = []
    given_spans = [(t.char_start, t.char_end) for t in given if t.char_start < end]
    for t in given:
        if t.char_start < end:
            found.append((t.char_start, t.char_end, t.layout, _given_cells(t), None))
    html = [
        t
        for t in html_tables(text, start, end)
        if not any(s <= t.start < e for s, e in given_spans)
    ]
    html_spans = _Spans([(t.start, t.end) for t in html])
    given_index = _Spans(given_spans, closed=True)
    for h in html:
        found.append((h.start, h.end, "html", _html_cells(h, text), None))

    def already_parsed(pos: int) -> bool:  # inside an HTML table or a reader's own table
        return html_spans.holding(pos) is not None or given_index.holding(pos) is not None

    lines = text_lines(text, start, end)
    i = 0
    while i < len(lines):
        ls, le = lines[i]
        line = text[ls:le]
        if line.lstrip().startswith("|") and line.count("|") >= 2 and not already_parsed(ls):
            j = i
            while j < len(lines) and text[lines[j][0] : lines[j][1]].lstrip().startswith("|"):
                j += 1
            raw: list[_RawCell] = []
            header_rows: int | None = None
            r = 0
            for ls2, le2 in lines[i:j]:
                row_text = text[ls2:le2]
                if _MD_SEPARATOR.match(row_text):
                    header_rows = r
                    continue
                inner_s = ls2 + row_text.index("|") + 1
                inner_e = ls2 + row_text.rstrip().rindex("|")
                raw.extend(_split_row(text, inner_s, max(inner_s, inner_e), "|", r))
                r += 1
            _check_text_grid(text, raw, lines[i][0], "markdown")
            found.append((lines[i][0], lines[j - 1][1], "markdown", raw, header_rows))
            i = j
            continue
        if "\t" in line and not already_parsed(ls):
            j = i
            width = line.count("\t")
            while j < len(lines):
                row = text[lines[j][0] : lines[j][1]]
                if "\t" in row:
                    j += 1
                    continue
                # a page break splits a table with blank lines: continue if the same columns follow
                k = j
                while k < len(lines) and not text[lines[k][0] : lines[k][1]].strip():
                    k += 1
                if (
                    k > j
                    and k < len(lines)
                    and text[lines[k][0] : lines[k][1]].count("\t") == width
                    and width >= 2
                ):
                    j = k
                    continue
                break
            raw = []
            header_line = line.strip()
            r = 0
            for ls2, le2 in lines[i:j]:
                row = text[ls2:le2]
                if not row.strip() or (r > 0 and row.strip() == header_line):
                    continue  # blank line of a page break, or the header repeated on the next page
                raw.extend(_split_row(text, ls2, le2, "\t", r))
                r += 1
            _check_text_grid(text, raw, lines[i][0], "tab-separated")
            raw = _drop_converter_echo(text, raw, html, html_spans)
            found.append((lines[i][0], lines[j - 1][1], "tsv", raw, None))
            i = j
            continue
        i += 1
    taken = [(f[0], f[1]) for f in found]
    units: dict[int, str] = {}
    for g in flat_grids(text, start, end, taken):
        cells = [_RawCell(c.row, c.col, c.start, c.end, header=c.header) for c in g.cells]
        found.append((g.start, g.end, "flat", cells, 1))
        units[g.start] = g.unit
    found.sort(key=lambda f: f[0])
    tables: list[Table] = []
    units_in_force = _UnitsInForce(text)
    for s, e, layout, raw, header_rows in found:
        table = _build(
            text,
            f"T{len(tables) + 1:03d}",
            layout,
            raw,
            s,
            e,
            header_rows,
            units.get(s),
            units_in_force,
        )
        if table is not None:
            tables.append(table)
    return tables
