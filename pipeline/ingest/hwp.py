"""Reader for legacy binary HWP 5.x originals (an OLE2 compound file), with ``olefile``.

``read_hwp(data) -> SourceText``, the same kind of output as :func:`~pipeline.ingest.hwpx.read_hwpx`:

* the ``FileHeader``'s flags first: a password-protected (encrypted) or distribution-protected
  (배포용) file ends in a plain error, as does a file that is not an OLE2 compound file at all;
* sections ``BodyText/Section0…N`` in order (raw deflate when compressed), their records parsed
  by :mod:`pipeline.ingest.hwp_records`; paragraphs in order, the text of ``PARA_TEXT`` with its
  line breaks, tabs as spaces, and each extended control read where it stands:
* tables (``tbl ``) as tables, each cell at its ``LIST_HEADER``'s address with its spans; a
  one-column table is a box drawn around content, read as the flow it holds; a table nested in a
  cell of a data table gives its text to that cell; a caption before its table;
* text boxes and other drawing objects (``gso ``) as the flow they hold, footnotes and endnotes
  (``fn  ``/``en  ``) after their paragraph; headers, footers and hidden comments are page
  furniture, left out, as the HWPX reader leaves them out;
* the 결재 header fields from the tables, as for HWPX.

The ``PrvText`` stream (Hancom Office's preview of the first part) is never the output: it is the
reference ``scripts/hwp_fidelity.py`` checks the output against.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import olefile

from pipeline.errors import (
    BadInputError,
    DamagedDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
)
from pipeline.ingest.hwp_records import (
    CTRL_HEADER,
    LIST_HEADER,
    PARA_HEADER,
    PARA_TEXT,
    TABLE,
    ControlRef,
    Record,
    ctrl_id,
    inflate,
    para_text,
    parse_records,
    record_tree,
    u16,
)
from pipeline.ingest.hwpx import _Cell, _Table, approval_header, read_hwpx
from pipeline.ingest.layout import Block, Grid, GridCell, write_blocks
from pipeline.limits import LIMITS, ReaderLimits, check_grid, human_size, nested
from pipeline.model import SourceText

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURE = b"HWP Document File"
_COMPRESSED, _PASSWORD, _DISTRIBUTION = 0x1, 0x2, 0x4

# controls whose text is not the document's: page furniture (headers, footers, the 바탕쪽 of a
# section definition) and notes to the editor
_FURNITURE = frozenset({"head", "foot", "tcmt", "secd"})
_NOTES = frozenset({"fn  ", "en  "})
_TABLE = "tbl "
_DRAWING = "gso "

_SECTION = re.compile(r"^Section(\d+)$")


@dataclass(frozen=True, slots=True)
class FileHeader:
    version: tuple[int, int, int, int]
    compressed: bool
    encrypted: bool
    distribution: bool


def _not_ole2_message(data: bytes) -> str:
    head = data[:64].lstrip()
    if head.startswith(b"HWP Document File V3"):
        return "the file is an HWP 3.x document; gyeoljae reads HWP 5.x (save it as .hwpx or PDF)"
    if head[:1] == b"<":
        return "the file holds HTML or XML text, not an HWP 5 compound file (OLE2)"
    if not data.strip():
        return "the file is empty or blank, not an HWP 5 compound file (OLE2)"
    return (
        "the file is not an HWP 5 compound file (OLE2): it does not start with the OLE2 signature"
    )


def file_header(raw: bytes) -> FileHeader:
    """The ``FileHeader`` stream: signature, version and the flags at offset 36."""
    if len(raw) < 40 or not raw.startswith(_SIGNATURE):
        raise DamagedDocumentError(
            "the file is an OLE2 compound file but not an HWP document: its FileHeader stream "
            "lacks the 'HWP Document File' signature"
        )
    (version,) = struct.unpack_from("<I", raw, 32)
    (flags,) = struct.unpack_from("<I", raw, 36)
    return FileHeader(
        version=(version >> 24 & 0xFF, version >> 16 & 0xFF, version >> 8 & 0xFF, version & 0xFF),
        compressed=bool(flags & _COMPRESSED),
        encrypted=bool(flags & _PASSWORD),
        distribution=bool(flags & _DISTRIBUTION),
    )


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables: list[_Table] = []  # every table, nested ones too (for the 결재 header)
        self.depth = 0  # controls read inside other controls' paragraphs, around this one

    # -- paragraphs
    def paragraph(self, para: Record, into: list[Block], flatten: bool = False) -> None:
        """One PARA_HEADER → blocks; a table in it becomes its own block (or text when
        ``flatten``: inside a data table's cell), its notes follow it."""
        text = next((c for c in para.children if c.tag == PARA_TEXT), None)
        controls = [c for c in para.children if c.tag == CTRL_HEADER]
        pieces = para_text(text.data) if text is not None else []
        line: list[str] = []
        notes: list[str] = []

        def flush() -> None:
            joined = "".join(line)
            if joined.strip():
                into.append(joined)
            line.clear()

        used: set[int] = set()
        for piece in pieces:
            if isinstance(piece, str):
                line.append(piece)
                continue
            k = _next_control(controls, used, piece)
            if k is not None:
                used.add(k)
                self.control(controls[k], into, line, notes, flush, flatten)
        # controls the text did not point at (a damaged or unusual paragraph): read them last
        for k, ctrl in enumerate(controls):
            if k not in used:
                self.control(ctrl, into, line, notes, flush, flatten)
        flush()
        for note in notes:
            if note.strip():
                into.append(note)

    def control(
        self,
        ctrl: Record,
        into: list[Block],
        line: list[str],
        notes: list[str],
        flush: Callable[[], None],
        flatten: bool,
    ) -> None:
        cid = ctrl_id(ctrl)
        if cid in _FURNITURE:
            return
        if cid in _NOTES:
            notes.append(self.flat_text(ctrl))
            return
        if cid not in (_TABLE, _DRAWING) or (cid == _DRAWING and not _holds_paragraphs(ctrl)):
            # section definitions (their 바탕쪽 is page furniture), columns, fields, numbers,
            # equations, pictures without text …
            return
        with nested(self, "tables or text boxes"):
            if flatten:
                line.append(" " + self.flat_text(ctrl) + " ")
                if cid == _TABLE:
                    self._keep_nested(ctrl)
            elif cid == _TABLE:
                flush()
                self.table(ctrl, into)
            else:  # a text box: the flow it holds
                flush()
                for para in _paragraphs_under(ctrl):
                    self.paragraph(para, into)

    def flat_text(self, rec: Record) -> str:
        """All the text under a record, paragraphs separated by spaces (nested tables too;
        headers, footers and hidden comments left out)."""
        chunks: list[str] = []
        stack = [rec]
        while stack:
            node = stack.pop()
            if node.tag == CTRL_HEADER and node is not rec and ctrl_id(node) in _FURNITURE:
                continue
            if node.tag == PARA_HEADER:
                own = "".join(
                    p
                    for c in node.children
                    if c.tag == PARA_TEXT
                    for p in para_text(c.data)
                    if isinstance(p, str)
                )
                if own.strip():
                    chunks.append(" ".join(own.split()))
            stack.extend(reversed(node.children))
        return " ".join(chunks)

    # -- tables
    def table(self, ctrl: Record, into: list[Block]) -> None:
        caption: list[Record] = []
        shape: Record | None = None
        cells: list[tuple[Record, list[Record]]] = []
        for child in ctrl.children:
            if child.tag == TABLE and shape is None:
                shape = child
            elif child.tag == LIST_HEADER and shape is not None:
                cells.append((child, []))
            elif child.tag == PARA_HEADER:
                (cells[-1][1] if cells else caption).append(child)
        for para in caption:
            text = self.flat_text(para)
            if text:
                into.append(text)
        if shape is None:
            return
        nrows, ncols = u16(shape.data, 4), u16(shape.data, 6)
        check_grid(nrows, ncols, "a table of the HWP file")
        if ncols <= 1:
            # a box around content (a cover, a summary): read what it holds as flow
            for _, paras in cells:
                for para in paras:
                    self.paragraph(para, into)
            return
        table = _Table(nrows, ncols)
        for header, paras in cells:
            row, col, rs, cs = _grid_position(header)
            parts: list[Block] = []
            for para in paras:
                self.paragraph(para, parts, flatten=True)
            text = " ".join(" ".join(b.split()) for b in parts if isinstance(b, str))
            table.cells.append(_Cell(row, col, rs, cs, text))
        if not table.cells:
            return
        table.nrows = max(table.nrows, max(c.row + c.row_span for c in table.cells))
        table.ncols = max(table.ncols, max(c.col + c.col_span for c in table.cells))
        check_grid(table.nrows, table.ncols, "a table of the HWP file")
        self.tables.append(table)
        into.append(
            Grid(
                "hwpx",  # the same grid model as HWPX: cells at their addresses, with spans
                table.nrows,
                table.ncols,
                [GridCell(c.row, c.col, c.text, c.row_span, c.col_span) for c in table.cells],
            )
        )

    def _keep_nested(self, ctrl: Record) -> None:
        """A table nested in a data table's cell: its text went into the cell; keep its grid
        for the 결재 header too."""
        shape = next((c for c in ctrl.children if c.tag == TABLE), None)
        if shape is None or u16(shape.data, 6) <= 1:
            return
        t = _Table(u16(shape.data, 4), u16(shape.data, 6))
        current: _Cell | None = None
        cells = ctrl.children[ctrl.children.index(shape) + 1 :]  # a caption comes before
        for child in cells:
            if child.tag == LIST_HEADER:
                current = _Cell(*_grid_position(child), "")
                t.cells.append(current)
            elif child.tag == PARA_HEADER and current is not None:
                current.text = " ".join(x for x in (current.text, self.flat_text(child)) if x)
        self.tables.append(t)


def _next_control(controls: list[Record], used: set[int], ref: ControlRef) -> int | None:
    """The CTRL_HEADER an extended control in the text stands for: the next unused one with
    its id (or, when the code carries none, the next unused one)."""
    for k, ctrl in enumerate(controls):
        if k not in used and (not ref.ctrl_id.strip() or ctrl_id(ctrl) == ref.ctrl_id):
            return k
    return None


def _holds_paragraphs(ctrl: Record) -> bool:
    return any(p.tag == PARA_HEADER for p in _paragraphs_under(ctrl))


def _paragraphs_under(rec: Record) -> list[Record]:
    """The paragraphs a control holds directly (a text box's, a group's boxes'), in order:
    found through shape records, not inside other paragraphs."""
    out: list[Record] = []
    stack = list(reversed(rec.children))
    while stack:
        node = stack.pop()
        if node.tag == PARA_HEADER:
            out.append(node)
        elif node.tag != CTRL_HEADER:
            stack.extend(reversed(node.children))
    return out


def _grid_position(header: Record) -> tuple[int, int, int, int]:
    """A cell's (row, col, row_span, col_span) from its LIST_HEADER: the paragraph count and
    list properties take 8 bytes, then column address, row address, column span, row span."""
    data = header.data
    if len(data) < 16:
        raise DamagedDocumentError(
            f"a table cell of the HWP file is damaged: its list header holds {len(data)} bytes, "
            "too few for a cell address"
        )
    col, row, cs, rs = (u16(data, k) for k in (8, 10, 12, 14))
    rs, cs = max(1, rs), max(1, cs)
    check_grid(row + rs, col + cs, "a cell of a table of the HWP file")
    return row, col, rs, cs


# ---------------------------------------------------------------- the container


def _section_streams(ole: olefile.OleFileIO) -> list[list[str]]:
    found: list[tuple[int, list[str]]] = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == "BodyText" and (m := _SECTION.match(entry[1])):
            found.append((int(m.group(1)), entry))
    return [e for _, e in sorted(found)]


def _read_stream(ole: olefile.OleFileIO, entry: list[str], limits: ReaderLimits) -> bytes:
    name = "/".join(entry)
    try:
        size = ole.get_size(entry)
        if size > limits.max_hwp_stream_bytes:
            raise DocumentTooLargeError(
                f"the stream {name} of the HWP file is {human_size(size)}, over the "
                f"{human_size(limits.max_hwp_stream_bytes)} limit for one stream"
            )
        with ole.openstream(entry) as stream:
            return bytes(stream.read(limits.max_hwp_stream_bytes + 1))
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise DamagedDocumentError(
            f"the stream {name} of the HWP file cannot be read: the compound file is damaged "
            f"({exc})"
        ) from None


def _open(data: bytes) -> olefile.OleFileIO:
    if data.lstrip()[:23] == b"<MARKANY_DOCUMENTSAFER>":
        raise EncryptedDocumentError(
            "the file is wrapped by MarkAny Document SAFER (DRM): its content is encrypted, "
            "not an HWP 5 compound file, and gyeoljae cannot read it"
        )
    if not data.startswith(OLE2_MAGIC):
        raise DamagedDocumentError(_not_ole2_message(data))
    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise DamagedDocumentError(
            f"the HWP file's compound-file (OLE2) structure is damaged ({exc})"
        ) from None


def read_sections(data: bytes, limits: ReaderLimits = LIMITS) -> list[list[Record]]:
    """Each section's paragraphs (level-0 records, as trees), after the file header's checks."""
    with _open(data) as ole:
        if not ole.exists("FileHeader"):
            raise DamagedDocumentError(
                "the file is an OLE2 compound file but not an HWP document: it has no FileHeader"
            )
        header = file_header(_read_stream(ole, ["FileHeader"], limits))
        if header.encrypted:
            raise EncryptedDocumentError(
                "the HWP file is password-protected: its text is encrypted and gyeoljae cannot "
                "read it"
            )
        if header.distribution:
            raise EncryptedDocumentError(
                "the HWP file is distribution-protected (배포용): its text is encrypted and "
                "gyeoljae cannot read it"
            )
        entries = _section_streams(ole)
        if not entries:
            raise DamagedDocumentError("the HWP file has no BodyText/Section* stream")
        if len(entries) > limits.max_hwp_sections:
            raise DocumentTooLargeError(
                f"the HWP file holds {len(entries)} sections, over the "
                f"{limits.max_hwp_sections} limit"
            )
        budget = [limits.max_hwp_records]
        inflated = 0
        sections: list[list[Record]] = []
        for entry in entries:
            name = "/".join(entry)
            raw = _read_stream(ole, entry, limits)
            body = inflate(raw, name, limits) if header.compressed else raw
            inflated += len(body)
            if inflated > limits.max_hwp_document_bytes:
                raise DocumentTooLargeError(
                    f"the HWP file's sections inflate to more than "
                    f"{human_size(limits.max_hwp_document_bytes)} together (at {name}), over "
                    "the limit for one document"
                )
            records = parse_records(body, name, limits, budget)
            sections.append([r for r in record_tree(records) if r.tag == PARA_HEADER])
    return sections


def read_preview(data: bytes) -> str | None:
    """Hancom Office's own plain-text preview (``PrvText``), for checking the reader only."""
    try:
        with _open(data) as ole:
            if not ole.exists("PrvText"):
                return None
            raw = _read_stream(ole, ["PrvText"], LIMITS)
    except BadInputError:  # not OLE2, DRM-wrapped, damaged: no preview to read
        return None
    return raw.decode("utf-16-le", "replace").rstrip("\x00")


def read_hwp(data: bytes) -> SourceText:
    if data.startswith(b"PK\x03\x04"):
        return read_hwpx(data)  # an HWPX file named .hwp: read it as what it is
    return source_text(read_sections(data))


def source_text(sections: list[list[Record]]) -> SourceText:
    """The text, tables and 결재 header of sections' paragraphs (record trees)."""
    reader = _Reader()
    for paragraphs in sections:
        for para in paragraphs:
            reader.paragraph(para, reader.blocks)
    text, tables, _ = write_blocks([_nfc(b) for b in reader.blocks])
    if not text.strip():
        raise EmptyDocumentError("the HWP file holds no text")
    return SourceText(text=text, tables=tables, meta=approval_header(reader.tables))


def _nfc(block: Block) -> Block:
    if isinstance(block, str):
        return unicodedata.normalize("NFC", block)
    for c in block.cells:
        c.text = unicodedata.normalize("NFC", c.text)
    return block
