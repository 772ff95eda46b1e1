"""HWP 5 records, read within limits: the byte level of :mod:`pipeline.ingest.hwp`.

Per Hancom's "한글 문서 파일 구조 5.0": a ``BodyText/Section*`` stream is (raw-deflated, when the
file header says so) a sequence of records, each a 32-bit header — tag id in bits 0–9, level
in bits 10–19, size in bits 20–31, a size of 0xFFF meaning a 32-bit size follows — and its
data. A record one level deeper than the one before it belongs to it: a paragraph's text,
its controls; a control's table and cells; a cell's paragraphs (at the level of the cell's
``LIST_HEADER``, after it).

Everything here is bounded: a stream inflates in chunks and stops at
:attr:`ReaderLimits.max_hwp_stream_bytes`; the record loop stops at the end of its data and
after :attr:`ReaderLimits.max_hwp_records` records; a record that runs past its stream, or a
level deeper than :attr:`ReaderLimits.max_hwp_record_level`, is a plain error.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from pipeline.errors import DamagedDocumentError, DocumentTooLargeError, TooDeeplyNestedError
from pipeline.limits import LIMITS, ReaderLimits, human_size

HWPTAG_BEGIN = 0x10
PARA_HEADER = HWPTAG_BEGIN + 50  # 0x42
PARA_TEXT = HWPTAG_BEGIN + 51  # 0x43
CTRL_HEADER = HWPTAG_BEGIN + 55  # 0x47
LIST_HEADER = HWPTAG_BEGIN + 56  # 0x48
TABLE = HWPTAG_BEGIN + 61  # 0x4D

# PARA_TEXT control codes (code units below 32). Char controls take one code unit; inline
# and extended controls take eight (the code, 6 units of data, the code again). An extended
# control stands for the paragraph's next CTRL_HEADER; its units 1–2 hold that control's id.
_CHAR_CONTROLS = frozenset({0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31})
_INLINE_CONTROLS = frozenset({4, 5, 6, 7, 8, 9, 19, 20})
_EXTENDED_CONTROLS = frozenset({1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23})
_CHAR_AS_TEXT = {10: "\n", 24: "-", 30: " ", 31: " "}  # line break, hyphen, 묶음/고정폭 빈칸
_INLINE_AS_TEXT = {9: " "}  # a tab reads as a space, as the HWPX reader reads hp:tab

_CHUNK = 1 << 20


@dataclass(slots=True)
class Record:
    tag: int
    level: int
    data: bytes
    children: list[Record] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ControlRef:
    """Where an extended control stands in a paragraph's text, with the id its code carries
    (``'tbl '``, ``'fn  '``, ``'gso '`` …; empty when the code's data is not an id)."""

    ctrl_id: str


def inflate(data: bytes, where: str, limits: ReaderLimits = LIMITS) -> bytes:
    """A raw-deflate stream's bytes, stopped as soon as they pass the stream limit."""
    cap = limits.max_hwp_stream_bytes
    d = zlib.decompressobj(-15)
    out: list[bytes] = []
    got = 0
    pending = data
    try:
        while True:
            chunk = d.decompress(pending, min(_CHUNK, cap + 1 - got))
            out.append(chunk)
            got += len(chunk)
            if got > cap:
                raise DocumentTooLargeError(
                    f"the stream {where} of the HWP file inflates past {human_size(cap)}, over the "
                    "limit for one stream: refused"
                )
            pending = d.unconsumed_tail
            if d.eof or not chunk and not pending:
                break
        if not d.eof:
            raise DamagedDocumentError(
                f"the stream {where} of the HWP file is damaged: its compressed data ends early"
            )
    except zlib.error as exc:
        raise DamagedDocumentError(
            f"the stream {where} of the HWP file is damaged: it does not inflate ({exc})"
        ) from None
    return b"".join(out)


def parse_records(
    data: bytes, where: str, limits: ReaderLimits = LIMITS, budget: list[int] | None = None
) -> list[Record]:
    """The records of a stream, in order. ``budget`` (a one-item list) is the number of
    records the document may still hold, shared over its streams."""
    left = budget if budget is not None else [limits.max_hwp_records]
    out: list[Record] = []
    pos, end = 0, len(data)
    while pos < end:
        if left[0] <= 0:
            raise DocumentTooLargeError(
                f"the HWP file holds more than {limits.max_hwp_records} records (at {where}), "
                "over the limit for one document"
            )
        left[0] -= 1
        if end - pos < 4:
            raise DamagedDocumentError(
                f"the stream {where} of the HWP file is damaged: it ends inside a record header "
                f"(at byte {pos})"
            )
        (header,) = struct.unpack_from("<I", data, pos)
        start = pos
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:
            if end - pos < 4:
                raise DamagedDocumentError(
                    f"the stream {where} of the HWP file is damaged: it ends inside a record "
                    f"header (at byte {start})"
                )
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        if size > end - pos:
            raise DamagedDocumentError(
                f"the stream {where} of the HWP file is damaged: a record at byte {start} "
                f"declares {size} bytes, past the stream's end ({end - pos} bytes left)"
            )
        if level > limits.max_hwp_record_level:
            raise TooDeeplyNestedError(
                f"a record of {where} of the HWP file is nested {level} levels deep, over the "
                f"{limits.max_hwp_record_level} limit: the file is damaged or made to stall readers"
            )
        out.append(Record(tag, level, data[pos : pos + size]))
        pos += size
    return out


def record_tree(records: list[Record]) -> list[Record]:
    """The records as a tree by level (one pass, no recursion): each record is a child of the
    nearest record before it with a lower level; level-0 records are the roots."""
    roots: list[Record] = []
    stack: list[Record] = []
    for rec in records:
        while stack and stack[-1].level >= rec.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(rec)
        stack.append(rec)
    return roots


def ctrl_id(rec: Record) -> str:
    """A CTRL_HEADER's control id (a little-endian UINT32 of four ASCII letters)."""
    return rec.data[:4][::-1].decode("latin-1")


def para_text(data: bytes) -> list[str | ControlRef]:
    """A PARA_TEXT record's text, split at its extended controls: runs of text and
    :class:`ControlRef` markers. The paragraph-end mark (13) ends the text."""
    n = len(data) // 2
    units = struct.unpack_from(f"<{n}H", data) if n else ()
    out: list[str | ControlRef] = []
    run: list[str] = []
    i = 0
    while i < n:
        u = units[i]
        if u >= 32:
            # surrogate pairs are decoded below, as a run
            run.append(chr(u))
            i += 1
            continue
        if u == 13:
            break
        if u in _EXTENDED_CONTROLS:
            if run:
                out.append(_join(run))
                run = []
            raw = data[2 * i + 2 : 2 * i + 6]
            out.append(ControlRef(raw[::-1].decode("latin-1") if len(raw) == 4 else ""))
            i += 8
        elif u in _INLINE_CONTROLS:
            run.append(_INLINE_AS_TEXT.get(u, ""))
            i += 8
        else:
            run.append(_CHAR_AS_TEXT.get(u, ""))
            i += 1
    if run:
        out.append(_join(run))
    return out


def _join(run: list[str]) -> str:
    """Join code units, pairing surrogates (characters outside the BMP) into characters."""
    s = "".join(run)
    if any("\ud800" <= c <= "\udfff" for c in s):
        s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return s


def u16(data: bytes, offset: int) -> int:
    """A UINT16 at ``offset``, or 0 when the record is too short to hold it."""
    return struct.unpack_from("<H", data, offset)[0] if len(data) >= offset + 2 else 0
