"""Money grids a converter flattened one cell per line, read back into rows and columns.

Some converters (the Seoul pledge reports among them) write a table's cells one per line, in
reading order, with no separator that says where a row ends::

    (단위 : 백만원)
    계
    ’14년 ’15년 ’16년 ’17년 ’18.6월
    계                  ← a row's label
    2,345
    670 1,156           ← two cells on one line
    191
    …
    운영기관            ← the next row's label
    875
    …

:func:`flat_grids` finds such a grid from its money caption and a header line of years, and
cuts the lines below into rows: the label lines, then the run of values. A row is read only
when its arithmetic places its cells — it holds one value per year and one more, and that one
(first or last) is the sum of the others, the 계 column. A row that does not add up is left
alone: its numbers are never guessed into columns. Each cell is rounded to the caption's unit,
so a total over three non-zero cells or more may differ from their sum by one unit
(``608`` over ``46 178 249 134``). One row alone is a grid when its total sums two non-zero
cells or more (a pledge report's one-program grid). Every cell keeps its own span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, product
from math import comb

from pipeline.grid_order import TOTAL_COLUMN, StateBudget, place_cells, within_rounding
from pipeline.settings import FLAT_GRIDS
from pipeline.spans import lines as text_lines
from pipeline.spans import trim
from pipeline.vocab import (
    APOSTROPHES,
    COUNT_LABEL_RE,
    ROMAN_NUMERALS,
    SUBTOTAL_LABEL_RE,
    TOTAL_LABEL_RE,
    UNIT_CAPTION_RE,
)

_YEAR_HEAD = re.compile(
    rf"(?:(?:19|20)\d\d\s*년?|[{re.escape(APOSTROPHES)}]\d\d\s*(?:년|\.\s*\d{{1,2}}\s*월?)?)(?=\s|$)"
)
_VALUE = re.compile(r"(?<!\S)(?:[△Δ▲-]?\d{1,3}(?:,\d{3})+|[△Δ▲-]?\d+|-)(?!\S)")
_PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$")
# A line that ends a grid: a heading glyph (private-use bullets too), a roman numeral, a bullet.
_GRID_END = re.compile(rf"^\s*(?:[\uE000-\uF8FF□■○●◦※▶▷{ROMAN_NUMERALS}]|\d+\.\s)")
# A short label sharing its line with the row's first values: '시 비 360', '소 계 195,439 32,078'.
_LABEL_THEN_VALUE = re.compile(
    r"^\s*[가-힣](?:\s?[가-힣]){0,5}\s+(?=[△Δ▲-]?\d[\d,]*(?:\s+(?:[△Δ▲-]?\d[\d,]*|-))*\s*$)"
)
_AFTER_TERM = re.compile(r"^임기\s*후$")  # a pledge grid's 'after the term' column
_TERM_HEAD = re.compile(r"^임기\s*[내후]$")  # its 'within / after the term' header cells


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    start: int
    end: int
    header: bool = False


@dataclass(frozen=True, slots=True)
class FlatGrid:
    start: int
    end: int
    unit: str  # the caption's money unit
    cells: list[GridCell]


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of ``text[start:end]`` (a converter puts blank lines between cells)."""
    return [(ls, le) for ls, le in text_lines(text, start, end) if text[ls:le].strip()]


def _value(token: str) -> Decimal:
    if token == "-":
        return Decimal(0)
    sign = -1 if token[0] in "△Δ▲-" else 1
    return sign * Decimal(re.sub(r"\D", "", token))


def _is_value_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not _VALUE.sub("", stripped).strip()


def _year_tokens(text: str, ls: int, le: int) -> list[tuple[int, int]] | None:
    """The spans of the years on a header line made of years and nothing else."""
    line = text[ls:le]
    found = [(ls + m.start(), ls + m.end()) for m in _YEAR_HEAD.finditer(line)]
    if not found or _YEAR_HEAD.sub("", line).strip():
        return None
    return found


def _year_header(
    text: str, lines: list[tuple[int, int]], k: int
) -> tuple[int, int, list[tuple[int, int]]] | None:
    """The first and last lines of the header of years nearest the caption on line ``k`` (one
    line of years, or one year per line; before the caption or after it) and the years."""
    lo = max(0, k - FLAT_GRIDS.header_lines_before)
    hi = min(len(lines), k + FLAT_GRIDS.header_lines_after)
    for i in sorted(range(lo, hi), key=lambda i: (abs(i - k), i)):
        if _year_tokens(text, *lines[i]) is None:
            continue
        a, b = i, i
        while a > 0 and _year_tokens(text, *lines[a - 1]):
            a -= 1
        while b + 1 < len(lines) and _year_tokens(text, *lines[b + 1]):
            b += 1
        years = [y for ls, le in lines[a : b + 1] for y in _year_tokens(text, ls, le) or []]
        if len(years) >= 2:
            return a, b, years
    return None


_HEAD_THEN_TOTAL = re.compile(r"\s*구\s*분\s+(?=\S+\s*$)")  # '구 분 계': two header cells


def _total_head(text: str, ls: int, le: int) -> tuple[int, int] | None:
    """The span of a 계 column's header on the line ``ls:le``: the whole line, or its last
    cell after a '구분' cell sharing the line."""
    if TOTAL_LABEL_RE.match(text[ls:le].strip()):
        return trim(text, ls, le)
    shared = _HEAD_THEN_TOTAL.match(text, ls, le)
    if shared and TOTAL_LABEL_RE.match(text[shared.end() : le].strip()):
        return trim(text, shared.end(), le)
    return None


def _read(text: str, lines: list[tuple[int, int]], k: int) -> FlatGrid | None:
    """The grid whose caption is line ``k``, if its rows add up."""
    year_at = _year_header(text, lines, k)
    if year_at is None:
        return None
    ya, yb, years = year_at
    h = min(ya, k)
    while h > max(0, min(ya, k) - FLAT_GRIDS.header_lines_before) and not _is_value_line(
        text[lines[h - 1][0] : lines[h - 1][1]]
    ):
        h -= 1  # the header's cells above the years and the caption, back to the last number
    head = lines[h : yb + 1]
    total_head = next(
        (span for ls, le in reversed(head) if (span := _total_head(text, ls, le))), None
    )
    after_term = next(((ls, le) for ls, le in head if _AFTER_TERM.match(text[ls:le].strip())), None)
    first = yb + 1
    while first < len(lines) and (
        first == k or _TERM_HEAD.match(text[lines[first][0] : lines[first][1]].strip())
    ):
        # '임기 내' / '임기 후' written after the years are header cells, not a row's label;
        # the caption itself may come after the years
        if _AFTER_TERM.match(text[lines[first][0] : lines[first][1]].strip()):
            after_term = after_term or lines[first]
        first += 1
    if total_head is None and first + 1 < len(lines):
        # a total column written last: '2024년 2025년' ⏎ '합계' ⏎ a row label (not a value)
        after = lines[first]
        if TOTAL_LABEL_RE.match(text[after[0] : after[1]].strip()) and not _is_value_line(
            text[lines[first + 1][0] : lines[first + 1][1]]
        ):
            total_head, first = after, first + 1
    if total_head is None:
        return None
    columns = [*years, *([after_term] if after_term else [])]
    entries: list[tuple[bool, tuple[int, int]]] = []  # (is a number, span), in reading order
    rows: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = []
    labels: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    last = first
    for j in range(first, min(len(lines), first + FLAT_GRIDS.max_lines)):
        ls, le = lines[j]
        line = text[ls:le]
        if _PAGE_NUMBER.match(line):
            continue
        if _is_value_line(line):
            found = [(ls + m.start(), ls + m.end()) for m in _VALUE.finditer(line)]
            run.extend(found)
            entries.extend((True, span) for span in found)
            last = j
            continue
        shared = _LABEL_THEN_VALUE.match(line)
        if not shared and (
            _GRID_END.match(line)
            or UNIT_CAPTION_RE.search(line)
            or len(line.strip()) > FLAT_GRIDS.max_label_chars
        ):
            if (
                (labels or run)
                and _GRID_END.match(line)
                and j + 1 < len(lines)
                and _is_value_line(text[lines[j + 1][0] : lines[j + 1][1]])
            ):
                # the next part's title written between a row's label and its numbers (the
                # converter read the title's text block first): the row goes on after it
                continue
            break
        if run:
            rows.append((labels, run))
            labels, run = [], []
        if shared:
            labels.append(trim(text, ls, ls + shared.end()))
            found = [(ls + m.start(), ls + m.end()) for m in _VALUE.finditer(line, shared.end())]
            run.extend(found)
            entries.append((False, labels[-1]))
            entries.extend((True, span) for span in found)
            last = j
            continue
        labels.append(trim(text, ls, le))
        entries.append((False, labels[-1]))
    if run:
        rows.append((labels, run))
    cells: list[GridCell] = [GridCell(0, 1, *total_head, header=True)]
    cells.extend(GridCell(0, 2 + c, s, e, header=True) for c, (s, e) in enumerate(columns))
    r = 0
    single_row_sure = False
    for label_lines, values in rows:
        label = " ".join(text[a:b] for a, b in label_lines)
        placed = _place(text, values, len(columns), after_term is not None)
        if placed is None or COUNT_LABEL_RE.search(label):
            continue  # a row that does not add up, or counts ('설치 개소') under a money caption
        r += 1
        if label_lines:
            cells.append(GridCell(r, 0, label_lines[0][0], label_lines[-1][1]))
        total, parts = placed
        # one row alone is a grid only when its total sums at least two cells
        single_row_sure = (
            sum(1 for s, e in parts if _value(text[s:e])) >= FLAT_GRIDS.min_parts_alone
        )
        cells.append(GridCell(r, 1, *total))
        for c, span in enumerate(parts):
            if text[span[0] : span[1]] != "-":
                cells.append(GridCell(r, 2 + c, *span))
    if len(rows) > r or r < FLAT_GRIDS.min_rows:
        # some rows did not add up on their own: the converter may have read the grid in
        # blocks, not rows; the whole grid's arithmetic may still place its numbers
        in_blocks = _read_in_blocks(text, entries, len(columns), after_term is not None)
        if in_blocks is None and after_term is not None:
            # an 임기 후 column the converter wrote no cell of
            in_blocks = _read_in_blocks(text, entries, len(columns) - 1)
        elif in_blocks is None and (
            late_term := next(
                (
                    span
                    for is_number, span in entries
                    if not is_number and _AFTER_TERM.match(text[span[0] : span[1]].strip())
                ),
                None,
            )
        ):
            # the 임기 후 header written among the numbers: a column more than the header's
            in_blocks = _read_in_blocks(text, entries, len(columns) + 1, True)
            if in_blocks is not None:
                in_blocks.append(GridCell(0, 2 + len(columns), *late_term, header=True))
        if in_blocks is not None and _numbers(text, in_blocks) > _numbers(text, cells):
            cells = [c for c in cells if c.header] + in_blocks
            r = len({c.row for c in in_blocks})
            single_row_sure = True
    if r < FLAT_GRIDS.min_rows and not (r == 1 and single_row_sure):
        return None
    caption = UNIT_CAPTION_RE.search(text, lines[k][0], lines[k][1])
    assert caption is not None
    start = min(c.start for c in cells if c.header)
    return FlatGrid(start, lines[last][1], caption.group(1), cells)


def _numbers(text: str, cells: list[GridCell]) -> int:
    """How many non-empty number cells ``cells`` place."""
    return sum(1 for c in cells if not c.header and c.col >= 1 and text[c.start : c.end] != "-")


def _read_in_blocks(
    text: str, entries: list[tuple[bool, tuple[int, int]]], ncols: int, after_term: bool = False
) -> list[GridCell] | None:
    """The body cells of a grid whose numbers came in blocks, placed by its arithmetic
    (:func:`pipeline.grid_order.place_cells`); each row is labelled by the label lines read
    between its 계 cell and the row above's. ``None`` when the count of numbers is not a whole
    grid or no reading adds up."""
    while entries and entries[0][0] and text[entries[0][1][0] : entries[0][1][1]] == "-":
        entries = entries[1:]  # a dash before the first row's label: the 계 row's empty 구분
    numbers = [span for is_number, span in entries if is_number]
    if not numbers or len(numbers) % (ncols + 1):
        return None
    row_starts: set[int] = set()
    at: list[int] = []  # each number's index among the entries
    for i, (is_number, _) in enumerate(entries):
        if is_number:
            before = entries[i - 1] if i > 0 else None
            if (
                before is not None
                and not before[0]
                and not _TERM_HEAD.match(text[before[1][0] : before[1][1]].strip())
            ):
                row_starts.add(len(at))  # after a row's label (not after a header's '임기 후')
            at.append(i)
    values = [_value(text[s:e]) for s, e in numbers]
    rows = len(numbers) // (ncols + 1)
    subtotal_labels = [
        i
        for i, (is_number, (s, e)) in enumerate(entries)
        if not is_number and SUBTOTAL_LABEL_RE.match(text[s:e].strip())
    ]
    if len(row_starts) == rows:
        # every row's 계 cell follows its label: the rows are known, and so are the 소계 rows
        starts = sorted(at[k] for k in row_starts)
        known = {bisect_right(starts, i) for i in subtotal_labels}
        structures = [frozenset(r for r in known if 0 < r < rows)]
    else:
        # which rows the 소계 labels stand on is not known: every choice is searched, and a
        # number is placed only where every choice that adds up places it
        # (one of them may label the 계 row itself)
        sizes = range(min(len(subtotal_labels), rows - 1) + 1)
        if sum(comb(rows - 1, size) for size in sizes) > FLAT_GRIDS.max_subtotal_choices:
            return None  # counted before any choice is made: bounded work
        structures = [frozenset(c) for size in sizes for c in combinations(range(1, rows), size)]
    placed: dict[int, tuple[int, int]] | None = None
    budget = StateBudget()
    # with an 임기 후 column last, the 계 may sum the term's years only: both are readings
    for subtotals, term_total in product(structures, (False, True) if after_term else (False,)):
        got = place_cells(values, rows, ncols, frozenset(row_starts), subtotals, budget, term_total)
        if budget.remaining <= 0:
            return None  # past the bound, no reading is known to be the only one
        if got is None:
            continue
        placed = got if placed is None else {k: p for k, p in placed.items() if got.get(k) == p}
    if placed is None:
        return None
    cells: list[GridCell] = []
    previous = -1  # the entry index of the row above's 계 cell
    for k in sorted(k for k, (_, c) in placed.items() if c == TOTAL_COLUMN):
        row = placed[k][0]
        label = [span for is_number, span in entries[previous + 1 : at[k]] if not is_number]
        if label:
            cells.append(GridCell(row + 1, 0, label[0][0], label[-1][1]))
        previous = at[k]
    for k, (row, col) in placed.items():
        if text[numbers[k][0] : numbers[k][1]] != "-":
            cells.append(GridCell(row + 1, 1 if col == TOTAL_COLUMN else 2 + col, *numbers[k]))
    return cells


def _adds_up(total: Decimal, parts: list[Decimal]) -> bool:
    """Whether ``parts`` sum to ``total``: exactly, or within the rounding of each cell to the
    caption's unit when enough cells were rounded ('608' over '46 178 249 134', in 백만원)."""
    return within_rounding(total, sum(parts, Decimal(0)), sum(1 for p in parts if p))


def _place(
    text: str, values: list[tuple[int, int]], ncols: int, after_term: bool = False
) -> tuple[tuple[int, int], list[tuple[int, int]]] | None:
    """A row's total cell and its column cells, when its sum says where the total stands.
    Columns left empty at the row's end are not written at all; dashes after its last value
    belong to no column of it. With an 'after the term' (임기 후) column last, a total written
    first may sum the term's years only: the 임기 후 cell stands beside it, outside its sum."""
    while len(values) > ncols + 1 and text[values[-1][0] : values[-1][1]] == "-":
        values = values[:-1]
    nums = [_value(text[s:e]) for s, e in values]
    for width in range(ncols, 1, -1):
        if len(values) != width + 1:
            continue
        first = nums[0] != 0 and _adds_up(nums[0], nums[1:])
        last = nums[-1] != 0 and _adds_up(nums[-1], nums[:-1])
        if first and last:
            return None  # '10 0 10': both readings add up, neither is known
        if first:
            return values[0], values[1:]
        if last:
            return values[-1], values[:-1]
    if after_term and len(values) == ncols + 1 and nums[0] and _adds_up(nums[0], nums[1:-1]):
        return values[0], values[1:]  # '373,561 | 41,715 … 62,250 | 143,657 (임기 후)'
    return None


def flat_grids(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[FlatGrid]:
    """Every flattened money grid in ``text[start:end]`` outside the ``taken`` spans."""
    lines = _lines(text, start, end)
    out: list[FlatGrid] = []
    spans = sorted(taken)
    starts = [s for s, _ in spans]
    # the largest end among spans starting at or before each one: a position is inside some
    # taken span iff it is below that running end (spans may overlap), found by bisection
    reach: list[int] = []
    for _, e in spans:
        reach.append(max(e, reach[-1]) if reach else e)

    def is_taken(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < reach[i]

    for k, (ls, le) in enumerate(lines):
        if not UNIT_CAPTION_RE.search(text[ls:le]) or is_taken(ls):
            continue
        if out and ls < out[-1].end:
            continue
        grid = _read(text, lines, k)
        if grid is not None and not any(s < grid.end and grid.start < e for s, e in taken):
            out.append(grid)
    return out


def heading_lines(
    text: str, start: int, end: int, cells: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The lines of ``text[start:end]`` (a flat grid's span) that open a part and hold none of
    its ``cells``: the next part's title, which a converter wrote inside the grid."""
    starts = sorted(s for s, _ in cells)
    out = []
    for ls, le in _lines(text, start, end):
        i = bisect_right(starts, le) - 1
        if _GRID_END.match(text[ls:le]) and not (i >= 0 and starts[i] >= ls):
            out.append((ls, le))
    return out
