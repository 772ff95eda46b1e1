"""How much work one document may ask of the readers, checked before the work is done.

A small file can declare a huge amount of work: a zip member that inflates to gigabytes, a
table cell spanning a hundred million rows, a page four hundred million points wide. Each
limit here is checked *before* the work it bounds (a declared size before inflating, a
declared span before placing it, a page's size before laying it out), and a document over
one ends as a plain error naming the limit — never as a stalled run. Every default sits far
above what a real administrative document needs (the largest measured is noted beside it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from pipeline.errors import TableTooLargeError, TooDeeplyNestedError


def human_size(n: int) -> str:
    """A byte count as a limit's message says it: '64 MB', '4 KB', '120 bytes'."""
    if n >= 2**20:
        return f"{n / 2**20:.0f} MB"
    return f"{n / 2**10:.0f} KB" if n >= 2**10 else f"{n} bytes"


@dataclass(frozen=True, slots=True)
class ReaderLimits:
    # --- zip archives (HWPX); the largest member of the 35 corpus files is 0.66 MB, the
    # largest archive 1.3 MB inflated. Sizes are checked as declared and while inflating.
    max_member_bytes: int = 32 * 1024 * 1024
    max_archive_bytes: int = 64 * 1024 * 1024  # every member read, the manifest included
    # --- PDF; the corpus has pages of 595 × 841 pt and at most 6.2 MB of content per page.
    max_pdf_pages: int = 3000
    max_page_side_pt: float = 14_400.0  # the PDF specification's own limit (200 inches)
    max_page_content_bytes: int = 16 * 1024 * 1024  # a page's content streams, inflated
    max_pdf_content_bytes: int = 256 * 1024 * 1024  # every page's, over the document
    # pdfplumber's table finder pairs every vertical ruling with every horizontal one, then
    # compares every crossing with every other: on the corpus's pages at most 102 × 126
    # merged rulings and 820 crossings.
    max_ruling_pairs: int = 1_000_000
    max_ruling_crossings: int = 5_000
    # ... and each cell found is matched against the page's words (corpus: ~400 k pairs).
    max_cell_word_pairs: int = 5_000_000
    # --- tables (HTML, HWPX, text): a grid's rows × columns, as its cells' spans declare it.
    max_table_rows: int = 100_000
    max_table_cols: int = 1_000
    # The corpus's largest table has a few hundred cells; one of 20,000 rows is an export.
    max_table_cells: int = 100_000
    # An HTML rowspan or colspan over this is clamped to it.
    max_html_span: int = 1_000
    # Tables inside tables' cells (HWPX); real documents nest two or three deep.
    max_table_depth: int = 32
    # --- text: a decoded text whose share of NUL characters is above this is not text.
    max_nul_share: float = 0.1
    # --- legacy HWP 5 (OLE2): of the 1,876 readable NTS rulings the largest section stream
    # inflates to about 1 MB and holds about 10 k records. Tables use the grid limits above
    # and max_table_depth; every control inside a paragraph of another control (a table in a
    # cell, a text box in a table) counts towards max_table_depth too.
    max_hwp_stream_bytes: int = 64 * 1024 * 1024  # one BodyText/Section* stream, inflated
    max_hwp_document_bytes: int = 128 * 1024 * 1024  # every section stream, together
    max_hwp_records: int = 2_000_000  # records over every section stream
    max_hwp_sections: int = 1_000  # BodyText/Section* streams
    max_hwp_record_level: int = 256  # a record's level (10 bits allow 1023)


LIMITS = ReaderLimits()


def grid_over_limits(nrows: int, ncols: int, limits: ReaderLimits = LIMITS) -> bool:
    return (
        nrows > limits.max_table_rows
        or ncols > limits.max_table_cols
        or nrows * ncols > limits.max_table_cells
    )


def check_grid(nrows: int, ncols: int, what: str, limits: ReaderLimits = LIMITS) -> None:
    """Refuse a table grid whose size is over the limits, before anything is laid out in it."""
    if nrows > limits.max_table_rows:
        raise TableTooLargeError(
            f"{what} declares {nrows} rows, over the {limits.max_table_rows} limit"
        )
    if ncols > limits.max_table_cols:
        raise TableTooLargeError(
            f"{what} declares {ncols} columns, over the {limits.max_table_cols} limit"
        )
    if nrows * ncols > limits.max_table_cells:
        raise TableTooLargeError(
            f"{what} declares {nrows} × {ncols} cells, over the {limits.max_table_cells} limit"
        )


class _Nesting(Protocol):
    depth: int


@contextmanager
def nested(reader: _Nesting, what: str = "tables") -> Iterator[None]:
    """One level deeper in a reader's tables (or text boxes) read inside others' cells;
    refused past ``max_table_depth``, the way a damaged or hostile file stalls a reader."""
    if reader.depth >= LIMITS.max_table_depth:
        raise TooDeeplyNestedError(
            f"{what} are nested more than {LIMITS.max_table_depth} deep (a table inside a "
            "table's cell, again and again): the file is damaged or made to stall readers"
        )
    reader.depth += 1
    try:
        yield
    finally:
        reader.depth -= 1
