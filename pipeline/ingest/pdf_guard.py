"""Limits on a PDF page, checked before pdfplumber lays it out (:mod:`pipeline.ingest.pdf`).

* A page's size: a page 400,000,000 pt wide costs nothing to store and everything to lay out.
* A page's content streams (and the form XObjects it draws), inflated with a cap: a 2 MB
  stream can inflate to 2 GB. A Flate stream inflated here in full is handed to pdfminer
  already decoded (``PDFStream.data``), so a good page is inflated once, as before; one over
  the limit is refused before pdfminer decodes it.

LZW and run-length streams are sized the same way before pdfminer decodes them: LZW by the
lengths of its dictionary's strings alone (pdfminer's own decoder keeps every string it ever
made, so a 2 MB LZW stream of one repeated byte holds gigabytes in its table), run-length by
its length bytes. Other filters are left to pdfminer as they are.
"""

from __future__ import annotations

import zlib
from typing import Any

from pdfminer.pdftypes import (
    LITERALS_FLATE_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFStream,
    resolve1,
)
from pdfminer.psparser import LIT

from pipeline.errors import DocumentTooLargeError
from pipeline.limits import LIMITS, ReaderLimits, human_size

_FORM = LIT("Form")


def check_page_size(page: Any, pno: int, limits: ReaderLimits = LIMITS) -> None:
    width, height = float(page.width), float(page.height)
    side = limits.max_page_side_pt
    if width > side or height > side:
        raise DocumentTooLargeError(
            f"page {pno} of the PDF is {width:.0f} × {height:.0f} pt, over the {side:.0f} pt "
            "limit for a page's side (the PDF specification's own): it is not a printed page"
        )


def _streams(page_obj: Any) -> list[PDFStream]:
    """The page's content streams and the form XObjects its resources name (one level)."""
    out = [s for s in (resolve1(c) for c in page_obj.contents or []) if isinstance(s, PDFStream)]
    resources = resolve1(page_obj.resources) or {}
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    if isinstance(xobjects, dict):
        for ref in xobjects.values():
            x = resolve1(ref)
            if isinstance(x, PDFStream) and resolve1(x.get("Subtype")) is _FORM:
                out.append(x)
    return out


def _inflated_size(stream: PDFStream, cap: int) -> int:
    """How many bytes the stream decodes to, at most ``cap + 1`` (then: too many)."""
    if stream.data is not None:
        return len(stream.data)
    raw = stream.rawdata or b""
    filters = stream.get_filters()
    if filters and not stream.decipher and filters[0][0] in LITERALS_LZW_DECODE:
        return lzw_size(raw, cap)
    if filters and not stream.decipher and filters[0][0] in LITERALS_RUNLENGTH_DECODE:
        return runlength_size(raw, cap)
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE or stream.decipher:
        return len(raw)  # not deflated (or encrypted first): pdfminer decodes it as it is
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(raw, cap + 1)
    except zlib.error:
        return 0  # pdfminer's own fallback reads no further than the damage either
    if len(data) > cap:
        return len(data)
    if inflater.eof and len(filters) == 1 and not filters[0][1]:
        stream.data, stream.rawdata = data, None  # decoded once: pdfminer takes it as it is
    return len(data)


_LZW_CLEAR, _LZW_END = 256, 257
_LZW_WIDER_AT = {511: 10, 1023: 11, 2047: 12}  # the table's size at which codes widen


def lzw_size(raw: bytes, cap: int) -> int:
    """How many bytes an LZW stream decodes to (PDF's 9-12 bit codes, as pdfminer reads them),
    at most ``cap + 1``: the dictionary is kept as its strings' lengths, never the strings."""
    lengths: list[int] = [1] * 256 + [0, 0]
    prev, nbits, total = 0, 9, 0
    buff, avail, pos = 0, 0, 0
    while True:
        while avail < nbits:
            if pos >= len(raw):
                return total
            buff = ((buff << 8) | raw[pos]) & 0xFFFFFF
            avail += 8
            pos += 1
        code = (buff >> (avail - nbits)) & ((1 << nbits) - 1)
        avail -= nbits
        if code == _LZW_CLEAR:
            del lengths[258:]
            prev, nbits = 0, 9
            continue
        if code == _LZW_END:
            return total
        if not prev:
            if code >= len(lengths):
                return total  # damaged: pdfminer stops there too
            n = lengths[code]
        elif code < len(lengths):
            n = lengths[code]
            if len(lengths) < 4096:  # an entry past 4095 can never be named by a code
                lengths.append(prev + 1)
        elif code == len(lengths):
            n = prev + 1
            lengths.append(n)
        else:
            return total
        nbits = _LZW_WIDER_AT.get(len(lengths), nbits)
        prev = n
        total += n
        if total > cap:
            return total


def runlength_size(raw: bytes, cap: int) -> int:
    """How many bytes a run-length stream decodes to, from its length bytes, at most
    ``cap + 1``."""
    total, i = 0, 0
    while i < len(raw) and total <= cap:
        n = raw[i]
        if n == 128:
            break
        if n < 128:
            total += n + 1
            i += n + 2
        else:
            total += 257 - n
            i += 2
    return total


class ContentBudget:
    """The inflated content of a PDF's pages, checked page by page against the limits."""

    def __init__(self, limits: ReaderLimits = LIMITS) -> None:
        self.limits = limits
        self.total = 0
        self.counted: set[int] = set()  # streams counted in the total (a form drawn on every
        # page is one stream, inflated once)

    def check(self, page: Any, pno: int) -> None:
        lim = self.limits
        used = 0
        for stream in _streams(page.page_obj):
            cap = min(lim.max_page_content_bytes - used, lim.max_pdf_content_bytes - self.total)
            size = _inflated_size(stream, max(0, cap))
            used += size
            key = stream.objid if stream.objid is not None else id(stream)
            if key not in self.counted:
                self.counted.add(key)
                self.total += size
            if used > lim.max_page_content_bytes:
                raise DocumentTooLargeError(
                    f"the content of page {pno} of the PDF inflates past "
                    f"{human_size(lim.max_page_content_bytes)}, over the limit for one page"
                )
            if self.total > lim.max_pdf_content_bytes:
                raise DocumentTooLargeError(
                    f"the pages' content inflates past {human_size(lim.max_pdf_content_bytes)} by "
                    f"page {pno}, over the limit for one PDF"
                )
