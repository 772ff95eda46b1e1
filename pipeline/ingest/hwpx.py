"""Reader for HWPX originals (Hangul's OWPML: a zip of XML parts), with the standard library.

``read_hwpx(data) -> SourceText``:

* sections in the order ``Contents/content.hpf`` lists them; paragraphs ``hp:p`` in order, the
  text of ``hp:t`` runs including the tails of their children (``hp:fwSpace``, ``hp:lineBreak``);
* tables ``hp:tbl`` with ``hp:cellAddr``/``hp:cellSpan`` as tables; a one-column table is a box
  drawn around content (the 결재문서 cover), so its content is read as the flow it holds;
  a table nested in a cell of a data table gives its text to that cell;
* captions, text boxes (``hp:drawText``) and footnotes (``hp:footNote``/``hp:endNote``) keep their
  text: a caption before its table, notes after their paragraph;
* the 결재 header: 문서번호 / 시행, 결재일자, 공개여부 / 공개구분, 방침번호 from the cell to the
  right of their label, and the 결재선 and 협조 from the approval-line table;
* masked text (``****``, 부분공개) stays as it is.

Password- or distribution-protected (배포용) files, and damaged zips, end in clear errors.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from pipeline.dates import parse_date
from pipeline.errors import (
    DamagedDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    TooDeeplyNestedError,
)
from pipeline.ingest.archive import BoundedZip, open_zip
from pipeline.ingest.layout import Block, Grid, GridCell, write_blocks
from pipeline.limits import LIMITS, check_grid, nested
from pipeline.model import DocumentMeta, SourceText
from pipeline.vocab import WEEKDAYS

HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
OPF = "{http://www.idpf.org/2007/opf/}"

_ROLE = re.compile(
    r"^(?:代|대)?\s*(?:[가-힣]{0,12}(?:주무관|팀장|과장|담당관|기획관|국장|실장|본부장|단장|부시장|시장|반장|소장|원장|관장|담당|주임))$"
)
_DISCLOSURE = re.compile(r"^(?:비공개|부분공개|공개)(?:\s*\(\s*[\d,\s]+\s*\))?$")
_DATE_CELL = re.compile(r"^\(?\s*(\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.?)\s*\)?$")
_MMDD = re.compile(r"^\d{1,2}\s*/\s*\d{1,2}$")


@dataclass(slots=True)
class _Cell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


@dataclass(slots=True)
class _Table:
    nrows: int
    ncols: int
    cells: list[_Cell] = field(default_factory=list)

    def at(self, row: int, col: int) -> _Cell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables: list[_Table] = []  # every table, nested ones too (for the 결재 header)
        self.depth = 0  # tables read as flow inside tables' cells, around the current one

    # -- text of runs
    def _t_text(self, t: ET.Element) -> str:
        parts = [t.text or ""]
        for child in t:
            name = child.tag.removeprefix(HP)
            if name == "lineBreak":
                parts.append("\n")
            elif name in ("tab", "fwSpace", "nbSpace", "hwSpace"):
                parts.append(" ")
            parts.append(child.tail or "")
        return "".join(parts)

    def paragraph(self, p: ET.Element, into: list[Block], flatten: bool = False) -> None:
        """One ``hp:p`` → blocks; tables inside it become their own blocks (or text if
        ``flatten``: inside a data table's cell)."""
        line: list[str] = []
        notes: list[str] = []

        def flush() -> None:
            text = "".join(line)
            if text.strip():
                into.append(text)
            line.clear()

        for run in p.findall(f"{HP}run"):
            for child in run:
                name = child.tag.removeprefix(HP)
                if name == "t":
                    line.append(self._t_text(child))
                elif name == "tbl":
                    if flatten:
                        line.append(" " + self.flat_text(child) + " ")
                    else:
                        flush()
                        self.table(child, into)
                elif name == "ctrl":
                    for note in list(child.iter(f"{HP}footNote")) + list(
                        child.iter(f"{HP}endNote")
                    ):
                        notes.append(self.flat_text(note))
                else:
                    for box in child.iter(f"{HP}drawText"):
                        if flatten:
                            line.append(" " + self.flat_text(box) + " ")
                        else:
                            flush()
                            self._sublist(next(box.iter(f"{HP}subList"), None), into, False)
        flush()
        for note_text in notes:
            if note_text.strip():
                into.append(note_text)

    def flat_text(self, el: ET.Element) -> str:
        """All the text under an element, paragraphs separated by spaces (nested tables too)."""
        chunks: list[str] = []
        for p in el.iter(f"{HP}p"):
            own = "".join(
                self._t_text(t) for run in p.findall(f"{HP}run") for t in run.findall(f"{HP}t")
            )
            if own.strip():
                chunks.append(own.strip())
        return " ".join(chunks)

    def _sublist(self, sub: ET.Element | None, into: list[Block], flatten: bool) -> None:
        """The paragraphs of an ``hp:subList`` (a cell's or a text box's content)."""
        if sub is not None:
            for q in sub.findall(f"{HP}p"):
                self.paragraph(q, into, flatten=flatten)

    def _cell_blocks(self, tc: ET.Element, flatten: bool) -> list[Block]:
        out: list[Block] = []
        self._sublist(tc.find(f"{HP}subList"), out, flatten)
        return out

    def table(self, tbl: ET.Element, into: list[Block]) -> None:
        with nested(self):
            self._table(tbl, into)

    def _table(self, tbl: ET.Element, into: list[Block]) -> None:
        caption = tbl.find(f"{HP}caption")
        if caption is not None:
            text = self.flat_text(caption)
            if text:
                into.append(text)
        ncols = _count(tbl, "colCnt")
        nrows = _count(tbl, "rowCnt")
        trs = tbl.findall(f"{HP}tr")
        if ncols <= 1:
            # a box around content (a cover, a summary): read what it holds as flow
            for tr in trs:
                for tc in tr.findall(f"{HP}tc"):
                    into.extend(self._cell_blocks(tc, flatten=False))
            return
        table = _Table(nrows, ncols)
        for r_index, tr in enumerate(trs):
            for c_index, tc in enumerate(tr.findall(f"{HP}tc")):
                row, col, rs, cs = _grid_position(tc, r_index, c_index)
                parts = [b for b in self._cell_blocks(tc, flatten=True) if isinstance(b, str)]
                text = " ".join(" ".join(b.split()) for b in parts)
                table.cells.append(_Cell(row, col, max(1, rs), max(1, cs), text))
        if not table.cells:
            return
        table.nrows = max(table.nrows, max(c.row + c.row_span for c in table.cells))
        table.ncols = max(table.ncols, max(c.col + c.col_span for c in table.cells))
        check_grid(table.nrows, table.ncols, "a table of the HWPX file")
        self.tables.append(table)
        # tables nested in cells: their text went into the cell; keep them for the header too
        for inner in tbl.iter(f"{HP}tbl"):
            if inner is not tbl:
                self._nested(inner)
        into.append(
            Grid(
                "hwpx",
                table.nrows,
                table.ncols,
                [GridCell(c.row, c.col, c.text, c.row_span, c.col_span) for c in table.cells],
            )
        )

    def _nested(self, tbl: ET.Element) -> None:
        ncols = _count(tbl, "colCnt")
        if ncols <= 1:
            return
        t = _Table(_count(tbl, "rowCnt"), ncols)
        for tr in tbl.findall(f"{HP}tr"):
            for tc in tr.findall(f"{HP}tc"):
                if tc.find(f"{HP}cellAddr") is not None:
                    t.cells.append(_Cell(*_grid_position(tc, 0, 0), self.flat_text(tc)))
        self.tables.append(t)


def _count(el: ET.Element, name: str, default: int = 0) -> int:
    """An integer attribute (``colCnt``, ``rowSpan`` …), or a plain error naming it."""
    value = el.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise DamagedDocumentError(
            f"a table of the HWPX file states {name}={value!r}, which is not a number"
        ) from None


def _grid_position(tc: ET.Element, row: int, col: int) -> tuple[int, int, int, int]:
    """A cell's (row, col, row_span, col_span) from ``hp:cellAddr``/``hp:cellSpan``; ``row`` and
    ``col`` are the fallback when the cell states no address."""
    addr, span = tc.find(f"{HP}cellAddr"), tc.find(f"{HP}cellSpan")
    if addr is not None:
        row, col = _count(addr, "rowAddr", row), _count(addr, "colAddr", col)
    rs = _count(span, "rowSpan", 1) if span is not None else 1
    cs = _count(span, "colSpan", 1) if span is not None else 1
    # checked cell by cell, before any grid is sized from them
    check_grid(row + max(1, rs), col + max(1, cs), "a cell of a table of the HWPX file")
    return row, col, rs, cs


# ---------------------------------------------------------------- the 결재 header


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _right_of(table: _Table, cell: _Cell) -> str | None:
    right = table.at(cell.row, cell.col + cell.col_span)
    return right.text.strip() if right is not None else None


def approval_header(tables: list[_Table]) -> DocumentMeta:
    """문서번호, 결재일자, 공개여부, 방침번호, 결재선 and 협조 from the header tables."""
    meta = DocumentMeta()
    for table in tables:
        for cell in table.cells:
            label = _norm(cell.text)
            if label in ("문서번호", "시행") and meta.doc_number is None:
                value = _right_of(table, cell)
                if value and re.search(r"-\s*\d+", value):
                    meta.doc_number = value
                    if label == "시행" and meta.produced_on is None:
                        # 공문: the date follows the number, in its own cells: ( 2025. 12. 17. );
                        # a letter states no 결재일자: this is the day it was issued
                        for c in sorted(table.cells, key=lambda c: (c.row, c.col)):
                            m = _DATE_CELL.match(c.text.strip())
                            if (c.row, c.col) > (cell.row, cell.col) and m:
                                meta.produced_on = parse_date(m.group(1))
                                break
            elif label == "결재일자" and meta.approved_on is None:
                value = _right_of(table, cell)
                if value:
                    meta.approved_on = parse_date(value)
            elif label in ("공개여부", "공개구분") and meta.disclosure is None:
                value = _right_of(table, cell)
                if value:
                    meta.disclosure = value
            elif label == "방침번호" and meta.policy_number is None:
                value = _right_of(table, cell)
                if value and _norm(value) not in ("", "-"):
                    meta.policy_number = value
            elif _DISCLOSURE.match(label) and meta.disclosure is None and label != "공개":
                meta.disclosure = cell.text.strip()
    for table in tables:
        for cell in table.cells:
            if _norm(cell.text) == "제목" and meta.title is None:
                meta.title = _right_of(table, cell) or None
    line, coop = _approval_line(tables)
    meta.approval_line = line or None
    meta.cooperation = coop or None
    return meta


def _approval_line(tables: list[_Table]) -> tuple[list[str], list[str]]:
    """The 결재선: a row of roles (주무관, …팀장, …담당관) with the names in the row below;
    roles after a ``협조`` label are the 협조 (co-operation) line."""
    line: list[str] = []
    coop: list[str] = []
    for table in tables:
        rows: dict[int, list[_Cell]] = {}
        for c in table.cells:
            rows.setdefault(c.row, []).append(c)
        for r in sorted(rows):
            cells = sorted(rows[r], key=lambda c: c.col)
            roles = [c for c in cells if _ROLE.match(_norm(c.text))]
            if len(roles) < 1 or len(roles) < len([c for c in cells if c.text.strip()]) - 1:
                continue
            in_coop = False
            for c in cells:
                label = _norm(c.text)
                if label == "협조":
                    in_coop = True
                    continue
                if not _ROLE.match(label):
                    continue
                names = [
                    x
                    for rr in range(r + 1, r + 4)
                    if (x := table.at(rr, c.col)) is not None
                    and x.text.strip()
                    and not _MMDD.match(x.text.strip())
                    and not _ROLE.match(_norm(x.text))
                ]
                person = " ".join(c.text.split())
                if names:
                    person = f"{person} {' '.join(names[0].text.split())}"
                (coop if in_coop else line).append(person)
            if line or coop:
                return line, coop
    return line, coop


# ---------------------------------------------------------------- entry point


def _section_names(zf: BoundedZip) -> list[str]:
    names = zf.names
    ordered: list[str] = []
    if "Contents/content.hpf" in names:
        root = zf.parse_xml("Contents/content.hpf")
        hrefs = {
            item.get("id"): item.get("href", "")
            for item in root.iter(f"{OPF}item")
            if item.get("href", "").startswith("Contents/section")
        }
        for ref in root.iter(f"{OPF}itemref"):
            href = hrefs.get(ref.get("idref"))
            if href and href in names:
                ordered.append(href)
    if not ordered:
        ordered = sorted(
            (n for n in names if re.fullmatch(r"Contents/section\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n) or 0),
        )
    return ordered


def _table_depth(root: ET.Element) -> int:
    """How deep tables nest in a section (one pass, no recursion)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if el.tag == f"{HP}tbl":
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in el)
    return deepest


def read_hwpx(data: bytes) -> SourceText:
    if data[:8].startswith(b"\xd0\xcf\x11\xe0"):
        raise DamagedDocumentError(
            "the file is a legacy binary HWP (OLE2), not HWPX; save it as .hwpx or PDF"
        )
    with open_zip(data, "HWPX file") as zf:
        manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in zf.names else b""
        if b"encryption-data" in manifest:
            raise EncryptedDocumentError(
                "the HWPX file is password- or distribution-protected (배포용); its text is "
                "encrypted and gyeoljae cannot read it"
            )
        sections = _section_names(zf)
        if not sections:
            raise DamagedDocumentError("the HWPX archive has no Contents/section*.xml part")
        reader = _Reader()
        for name in sections:
            root = zf.parse_xml(name)
            if (depth := _table_depth(root)) > LIMITS.max_table_depth:
                raise TooDeeplyNestedError(
                    f"{name} nests tables {depth} deep (a table inside a table's cell, again "
                    f"and again), over the {LIMITS.max_table_depth} limit"
                )
            for p in root.findall(f"{HP}p"):
                reader.paragraph(p, reader.blocks)
    text, tables, _ = write_blocks([_nfc(b) for b in reader.blocks])
    if not text.strip():
        raise EmptyDocumentError("the HWPX file holds no text")
    meta = approval_header(reader.tables)
    if meta.title is None:
        meta.title = _cover_title(reader.blocks)
    return SourceText(text=text, tables=tables, meta=meta)


# a date line, perhaps with its weekday: '2025. 2. 13. (목)'
_ONLY_DATE = re.compile(rf"^(?:[\d\s.年월일()~\-]|\(\s*[{WEEKDAYS}]\s*\))+$")


def _cover_title(blocks: list[Block]) -> str | None:
    """A report cover's title: the first real line after the header tables, joined with the
    next one when the title is printed over two lines above the cover's date."""
    if not blocks or not isinstance(blocks[0], Grid):
        return None
    k = next((i for i, b in enumerate(blocks) if not isinstance(b, Grid)), None)
    if k is None:
        return None
    lines = [" ".join(b.split()) for b in blocks[k : k + 3] if isinstance(b, str)]
    if not lines:
        return None
    first = lines[0]
    if not (len(first) >= 6 and re.search(r"[가-힣]", first) and not _ONLY_DATE.match(first)):
        return None
    if (
        len(lines) >= 3
        and _ONLY_DATE.match(lines[2])
        and not _ONLY_DATE.match(lines[1])
        and len(first) + len(lines[1]) <= 60
    ):
        return f"{first} {lines[1]}"
    return first


def _nfc(block: Block) -> Block:
    if isinstance(block, str):
        return unicodedata.normalize("NFC", block)
    for c in block.cells:
        c.text = unicodedata.normalize("NFC", c.text)
    return block
