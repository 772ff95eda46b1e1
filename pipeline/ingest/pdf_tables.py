"""PDF words into lines, and ruled tables into grids of cells (pdfplumber's table finder).

Tables drawn without outer vertical rules (HWP's default, and the Busan plans' budget tables)
are closed at the ends of their horizontal rules, so their first and last columns are not
lost; words the text layer glued across a cell border are cut there; a row drawn without
rules between its lines is split where its number cells stack values at the same heights.
Merged cells become row/column spans; each cell keeps its page and bounding box.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.table import (
    Table as PdfTable,
)
from pdfplumber.table import (
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)

from pipeline.errors import TableTooLargeError
from pipeline.limits import LIMITS

_LETTER_SPACED = re.compile(r"(?<!\S)(?:[가-힣0-9]\s){2,}[가-힣0-9](?!\S)")
_SPACED_CELL = re.compile(r"^[가-힣](?: [가-힣])+$")
# A whole number as tables write it: one per line in a cell that stacks several ('132' ⏎ '105').
WHOLE_NUMBER = re.compile(r"^[△Δ▲-]?\d{1,3}(?:,\d{3})*$")


@dataclass(slots=True)
class PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class PdfCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: tuple[float, float, float, float]
    lines: list[str]
    page: int
    text: str = ""
    tops: list[float] = field(default_factory=list)  # each line's top (y, PDF points)


@dataclass(slots=True)
class PdfGrid:
    page: int
    top: float
    x0: float
    x1: float
    col_edges: list[float]
    nrows: int
    cells: list[PdfCell]


# ---------------------------------------------------------------- words and lines


def clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\u2024", "·"))


def group_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words → lines: words whose vertical extents overlap by half share a line."""
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines:
            cur = lines[-1]
            top = min(x["top"] for x in cur)
            bottom = max(x["bottom"] for x in cur)
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap >= 0.5 * min(bottom - top, w["bottom"] - w["top"]):
                cur.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def make_line(words: list[dict[str, Any]]) -> PdfLine:
    return PdfLine(
        text=" ".join(clean_text(w["text"]) for w in words),
        x0=min(w["x0"] for w in words),
        x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=max(float(w.get("size") or 10.0) for w in words),
    )


def close_letter_spacing(text: str) -> str:
    """``일 반 회 계`` → ``일반회계``: three or more single syllables in a row, spaced out."""
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


# ---------------------------------------------------------------- tables


def _cluster(values: list[float], tol: float = 2.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _closing_lines(page: Any, bboxes: list[tuple[float, float, float, float]]) -> list[dict]:
    """Vertical rules at both ends of each table's horizontal rules, where the PDF drew none."""
    out: list[dict[str, Any]] = []
    verticals = page.vertical_edges
    for x0, top, x1, bottom in bboxes:
        hs = [
            e
            for e in page.horizontal_edges
            if top - 1 <= e["top"] <= bottom + 1 and e["x1"] > x0 and e["x0"] < x1
        ]
        if not hs:
            continue
        for x in (min(e["x0"] for e in hs), max(e["x1"] for e in hs)):
            covered = sum(
                min(bottom, e["bottom"]) - max(top, e["top"])
                for e in verticals
                if abs(e["x0"] - x) < 2 and e["bottom"] > top and e["top"] < bottom
            )
            if covered < 0.9 * (bottom - top):
                out.append(
                    {
                        "object_type": "line",
                        "x0": x,
                        "x1": x,
                        "top": top,
                        "bottom": bottom,
                        "width": 0,
                        "height": bottom - top,
                    }
                )
    return out


def _table_finder(page: Any, settings: dict[str, Any] | None = None) -> list[Any]:
    """``page.find_tables(settings)``, with pdfplumber's ``TableFinder`` run step by step so
    that its two costly steps are bounded before they run: every vertical ruling is paired
    with every horizontal one, then every crossing compared with every other."""
    finder = TableFinder.__new__(TableFinder)  # the steps of TableFinder.__init__, checked
    finder.page = page
    finder.settings = TableSettings.resolve(settings)
    finder.edges = finder.get_edges()
    vertical = sum(1 for e in finder.edges if e["orientation"] == "v")
    pairs = vertical * (len(finder.edges) - vertical)
    if pairs > LIMITS.max_ruling_pairs:
        raise TableTooLargeError(
            f"page {page.page_number} of the PDF is ruled with {vertical} vertical and "
            f"{len(finder.edges) - vertical} horizontal lines ({pairs} pairs to cross), over "
            f"the {LIMITS.max_ruling_pairs} limit"
        )
    finder.intersections = edges_to_intersections(
        finder.edges,
        finder.settings.intersection_x_tolerance,
        finder.settings.intersection_y_tolerance,
    )
    if len(finder.intersections) > LIMITS.max_ruling_crossings:
        raise TableTooLargeError(
            f"page {page.page_number} of the PDF has {len(finder.intersections)} crossing "
            f"ruling lines (a grid too fine to be a table), over the "
            f"{LIMITS.max_ruling_crossings} limit"
        )
    finder.cells = intersections_to_cells(finder.intersections)
    finder.tables = [PdfTable(page, group) for group in cells_to_tables(finder.cells)]
    return list(finder.tables)


def find_tables(page: Any) -> list[Any]:
    tables = _table_finder(page)
    if not tables:
        return []
    extra = _closing_lines(page, [t.bbox for t in tables])
    if extra:
        tables = _table_finder(page, {"explicit_vertical_lines": extra})
    return list(tables)


def _box(b: tuple[float, ...]) -> tuple[float, float, float, float]:
    return (round(b[0], 2), round(b[1], 2), round(b[2], 2), round(b[3], 2))


def _split_at_edges(
    words: list[dict[str, Any]], boxes: list[tuple[float, ...]]
) -> list[dict[str, Any]]:
    """Words the text layer glued across a cell border ('예산(A)’24년' over two header cells)
    are cut at the border, by their characters' positions (a cell spanning columns keeps
    its words whole)."""
    out: list[dict[str, Any]] = []
    for w in words:
        chars = w.get("chars") or []
        mid = (w["top"] + w["bottom"]) / 2
        borders = (
            {x for b in boxes if b[1] <= mid <= b[3] for x in (b[0], b[2])} if chars else set()
        )
        cuts = sorted(e for e in borders if w["x0"] + 1 < e < w["x1"] - 1)
        if not cuts:
            out.append(w)
            continue
        groups: list[list[dict[str, Any]]] = [[] for _ in range(len(cuts) + 1)]
        for c in chars:
            mid = (c["x0"] + c["x1"]) / 2
            groups[sum(1 for e in cuts if mid > e)].append(c)
        for g in groups:
            if g:
                out.append(
                    {
                        **w,
                        "text": "".join(c["text"] for c in g),
                        "x0": min(c["x0"] for c in g),
                        "x1": max(c["x1"] for c in g),
                        "chars": g,
                    }
                )
    return out


def grid_of(table: Any, words: list[dict[str, Any]], pno: int) -> PdfGrid | None:
    boxes = [tuple(c) for c in table.cells]
    if not boxes:
        return None
    col_edges = _cluster([b[0] for b in boxes] + [b[2] for b in boxes])
    row_edges = _cluster([b[1] for b in boxes] + [b[3] for b in boxes])
    if len(col_edges) < 2 or len(row_edges) < 2:
        return None
    if len(boxes) * len(words) > LIMITS.max_cell_word_pairs:
        raise TableTooLargeError(
            f"a table on page {pno} of the PDF has {len(boxes)} cells over {len(words)} words, "
            f"over the limit of {LIMITS.max_cell_word_pairs} cell-word pairs"
        )
    words = _split_at_edges(words, boxes)
    cells: list[PdfCell] = []
    for b in sorted(boxes, key=lambda b: (b[1], b[0])):
        r0, r1 = _index(row_edges, b[1]), _index(row_edges, b[3])
        c0, c1 = _index(col_edges, b[0]), _index(col_edges, b[2])
        if r1 <= r0 or c1 <= c0:
            continue
        inside = [
            w
            for w in words
            if b[0] <= (w["x0"] + w["x1"]) / 2 <= b[2]
            and b[1] <= (w["top"] + w["bottom"]) / 2 <= b[3]
        ]
        made = [make_line(ln) for ln in group_lines(inside)]
        lines = [ln.text for ln in made]
        if all(_SPACED_CELL.match(ln) for ln in lines):
            lines = [ln.replace(" ", "") for ln in lines]  # a letter-spaced header: 세 입
        else:
            lines = [close_letter_spacing(ln) for ln in lines]
        cells.append(
            PdfCell(r0, c0, r1 - r0, c1 - c0, _box(b), lines, pno, tops=[ln.top for ln in made])
        )
    x0, top, x1, _ = table.bbox
    nrows = _split_stacked_rows(cells, len(row_edges) - 1)
    return PdfGrid(pno, top, x0, x1, col_edges, nrows, cells)


_STACK_TOLERANCE = 2.5  # points: lines of one stacked row stand at the same height


def _split_stacked_rows(cells: list[PdfCell], nrows: int) -> int:
    """A table drawn without rules between some of its rows gives one grid row whose cells
    stack several values ('1,467' ⏎ '1,291' ⏎ '1,527', their labels likewise): split it into
    one row per line where at least two number cells stack the same number of lines at the
    same heights. The label next to them splits too; other cells span the new rows.
    Returns the new row count."""
    for r in range(nrows - 1, -1, -1):
        row = [c for c in cells if c.row == r and c.row_span == 1]
        numeric = [
            c for c in row if len(c.lines) >= 2 and all(WHOLE_NUMBER.match(x) for x in c.lines)
        ]
        if len(numeric) < 2:
            continue
        k = len(numeric[0].lines)
        tops = numeric[0].tops
        same = [
            c
            for c in numeric
            if len(c.lines) == k
            and all(abs(a - b) <= _STACK_TOLERANCE for a, b in zip(c.tops, tops, strict=True))
        ]
        if len(same) < 2:
            continue
        first_value = min(c.col for c in same)
        labels = [c for c in row if c.col < first_value and c not in same]
        label = max(labels, key=lambda c: c.col) if labels else None
        split = set(map(id, same))
        if (
            label is not None
            and len(label.lines) == k
            and all(abs(a - b) <= _STACK_TOLERANCE for a, b in zip(label.tops, tops, strict=True))
        ):
            split.add(id(label))
        for c in cells:  # make room: later rows move down, cells across this row grow
            if c.row > r:
                c.row += k - 1
            elif c.row <= r < c.row + c.row_span and id(c) not in split:
                c.row_span += k - 1
        for c in [c for c in cells if id(c) in split]:
            cells.remove(c)
            x0, top, x1, bottom = c.bbox
            bounds = [*c.tops[1:], bottom]
            for i, (line, t) in enumerate(zip(c.lines, c.tops, strict=True)):
                cells.append(
                    PdfCell(
                        r + i,
                        c.col,
                        1,
                        c.col_span,
                        (x0, t, x1, bounds[i]),
                        [line],
                        c.page,
                        tops=[t],
                    )
                )
        nrows += k - 1
    cells.sort(key=lambda c: (c.row, c.col))
    return nrows


def is_layout_box(grid: PdfGrid) -> bool:
    """A one-column 'table' is a box drawn around text (a summary, an org chart), not data."""
    return len(grid.col_edges) == 2
