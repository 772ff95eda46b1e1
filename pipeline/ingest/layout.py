"""Writing an original's blocks (paragraphs and tables) into one text, tables located in it.

Both original readers (PDF, HWPX) end here: a paragraph becomes one line; a table becomes
tab-separated rows where it stands (covered positions of a merged cell left empty; a one-row
table, in practice a decorated heading, as one line of text), so
``documents.text`` reads naturally and every cell keeps its exact span.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model import SourceCell, SourceTable, TableLayout


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Grid:
    layout: TableLayout
    nrows: int
    ncols: int
    cells: list[GridCell] = field(default_factory=list)


Block = str | Grid


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_blocks(blocks: list[Block]) -> tuple[str, list[SourceTable], list[int | None]]:
    """The text of ``blocks``, the tables located in it, and where each block starts
    (``None`` for a block that wrote nothing)."""
    out: list[str] = []
    starts: list[int | None] = []
    pos = 0
    tables: list[SourceTable] = []

    def put(s: str) -> None:
        nonlocal pos
        out.append(s)
        pos += len(s)

    for block in blocks:
        starts.append(pos)
        if isinstance(block, str):
            text = "\n".join(ln.replace("\t", " ").rstrip() for ln in block.split("\n")).strip()
            if text:
                put(text + "\n")
            else:
                starts[-1] = None
            continue
        anchors = {(c.row, c.col): c for c in block.cells}
        if not any(_one_line(c.text) for c in block.cells):
            starts[-1] = None
            continue
        if block.nrows == 1:
            # a one-row 'table' is a decorated heading or a label strip (Ⅰ | 참여자 선정 개요)
            line = " ".join(
                t for c in sorted(block.cells, key=lambda c: c.col) if (t := _one_line(c.text))
            )
            put(line + "\n")
            continue
        start = pos
        cells: list[SourceCell] = []
        for r in range(block.nrows):
            for col in range(block.ncols):
                if col:
                    put("\t")
                c = anchors.get((r, col))
                if c is not None:
                    s = pos
                    put(_one_line(c.text))
                    cells.append(SourceCell(r, col, s, pos, c.row_span, c.col_span, c.page, c.bbox))
            put("\n")
        tables.append(SourceTable(block.layout, start, pos - 1, cells))
    return "".join(out), tables, starts
