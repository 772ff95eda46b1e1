"""Reader for PDF originals (pdfplumber): text in reading order, ruled tables as tables.

``read_pdf(data) -> SourceText``. Per page:

* characters drawn twice (a fake-bold table of contents) are de-duplicated;
* a page whose text layer does not decode (``(cid:N)`` codes, private-use glyphs, Latin
  mojibake) is left out and reported in ``warnings``; a PDF with no readable page fails;
* tables come from pdfplumber's table finder (:mod:`pipeline.ingest.pdf_tables`); tables drawn without outer vertical rules (HWP's
  default, and the Busan plans' budget tables) are closed at the ends of their horizontal rules,
  so their first and last columns are not lost; merged cells become row/col spans;
* the remaining words become lines; a page with two columns (an empty gutter with text on both
  sides, side by side) is read column by column;
* running headers/footers (the same line at the top or bottom of most pages) and page numbers
  (``- 3 -``) are dropped;
* wrapped lines are joined into paragraphs — without a space where the wrap fell inside a word,
  as Kiwi judges the two fragments, with one between words;
* U+F000, HWP's private-use box glyph, becomes ``□`` at a heading's indentation and ``•``
  elsewhere; ``․`` (U+2024) becomes ``·``; letter-spaced words (``일 반 회 계``) are closed up.

Tables are written into the text as tab-separated rows where they stand, so sections and
offsets keep their meaning; a table continued on the next page is joined into one. Each cell
keeps its page and bounding box.
"""

from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import (
    DamagedDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    ScannedDocumentError,
    UnreadableTextError,
)
from pipeline.ingest.layout import Block, Grid, GridCell, write_blocks
from pipeline.ingest.pdf_guard import ContentBudget, check_page_size
from pipeline.ingest.pdf_tables import (
    WHOLE_NUMBER,
    PdfGrid,
    PdfLine,
    find_tables,
    grid_of,
    group_lines,
    is_layout_box,
    make_line,
)
from pipeline.limits import LIMITS
from pipeline.model import SourceTable, SourceText
from pipeline.nlp import spaced_junctions

MAX_PAGES = LIMITS.max_pdf_pages
BOX_GLYPH = "\uf000"  # HWP's private-use glyph for both □ and •
_PARSE_ERRORS = (PSException, PDFException, PdfminerException, zlib.error)

# A line that starts a new item: bullets, numbering, notes (never a continuation).
_LINE_MARKER = re.compile(
    r"^(?:[□■○●◦•∙▪▸▶▷◇◆◎※*\-–—ㅇ❍➊-➓①-⑳\uf000<\[【「『(]"
    r"|\d{1,2}[.)]\s|[가-하][.)]\s|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.?\s)"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}(?:\s*/\s*\d{1,4})?|page\s*\d+|\(\s*\d{1,4}\s*\))\s*$",
    re.I,
)
_HANGUL = re.compile(r"[가-힣]")
_NUMERIC_END = re.compile(r"\d[\d.,~]*$")
_NUMERIC_START = re.compile(r"^[\d.,~]")


@dataclass(slots=True)
class _Para:
    lines: list[str]
    page: int = 0
    text: str = ""


Item = _Para | PdfGrid


@dataclass(slots=True)
class _Page:
    number: int
    height: float
    lines: list[tuple[str, PdfLine | PdfGrid]] = field(default_factory=list)  # (column, item)
    items: list[Item] = field(default_factory=list)


# ---------------------------------------------------------------- characters and words


def _unreadable(chars: list[dict[str, Any]]) -> str | None:
    """Why a page's text layer is garbage, or None when it reads as text."""
    glyphs = [c["text"] for c in chars if not c["text"].isspace()]
    n = len(glyphs)
    if n < 30:
        return None
    cid = sum(1 for g in glyphs if g.startswith("(cid:"))
    pua = sum(1 for g in glyphs if len(g) == 1 and 0xE000 <= ord(g) <= 0xF8FF and g != BOX_GLYPH)
    if (cid + pua) / n > 0.2:
        what = f"{cid} '(cid:N)' codes" if cid >= pua else f"{pua} private-use glyphs"
        return f"{what} among {n} glyphs: the font has no Unicode map"
    latin_ext = sum(1 for g in glyphs if len(g) == 1 and 0xC0 <= ord(g) <= 0x24F)
    hangul = sum(1 for g in glyphs if _HANGUL.match(g))
    if latin_ext / n > 0.3 and hangul / n < 0.05:
        return f"{latin_ext} of {n} glyphs are accented Latin letters and almost none Hangul (mojibake)"
    return None


def _words(page: Any) -> list[dict[str, Any]]:
    return list(
        page.extract_words(
            x_tolerance=3,
            y_tolerance=3,
            keep_blank_chars=False,
            extra_attrs=["size"],
            return_chars=True,
        )
    )


# ---------------------------------------------------------------- page layout


def _gutter(lines: list[list[dict[str, Any]]], width: float) -> float | None:
    """The x of an empty vertical band between two columns of text, if the page has one."""
    if len(lines) < 8:
        return None
    step = 2.0
    bins = [0] * (int(width / step) + 2)
    for line in lines:
        for w in line:
            for i in range(int(w["x0"] / step), min(len(bins), int(w["x1"] / step) + 1)):
                bins[i] += 1
    allowed = max(1, len(lines) // 12)
    lo, hi = int(0.3 * width / step), int(0.7 * width / step)
    best: tuple[int, int] | None = None
    i = lo
    while i < hi:
        if bins[i] <= allowed:
            j = i
            while j < hi and bins[j] <= allowed:
                j += 1
            if (j - i) * step >= 10 and (best is None or j - i > best[1] - best[0]):
                best = (i, j)
            i = j
        else:
            i += 1
    if best is None:
        return None
    x = (best[0] + best[1]) / 2 * step
    both = sum(
        1 for line in lines if any(w["x1"] < x for w in line) and any(w["x0"] > x for w in line)
    )
    return x if both >= 5 else None


def _layout_page(page: Any, pno: int) -> tuple[list[tuple[str, PdfLine | PdfGrid]], float]:
    tables = find_tables(page)
    words = _words(page)
    grids: list[PdfGrid] = []
    in_table: set[int] = set()
    for t in tables:
        x0, top, x1, bottom = t.bbox
        mine = [
            i
            for i, w in enumerate(words)
            if i not in in_table
            and x0 <= (w["x0"] + w["x1"]) / 2 <= x1
            and top <= (w["top"] + w["bottom"]) / 2 <= bottom
        ]
        g = grid_of(t, [words[i] for i in mine], pno)
        if g is None:
            continue
        in_table.update(mine)
        grids.append(g)
    body = [w for i, w in enumerate(words) if i not in in_table]
    line_words = group_lines(body)
    gutter = _gutter(line_words, float(page.width))
    entries: list[tuple[float, str, PdfLine | PdfGrid]] = []
    for lw in line_words:
        if gutter is None:
            entries.append((lw[0]["top"], "F", make_line(lw)))
            continue
        left = [w for w in lw if w["x1"] <= gutter]
        right = [w for w in lw if w["x0"] >= gutter]
        if len(left) + len(right) < len(lw):
            entries.append((min(w["top"] for w in lw), "F", make_line(lw)))
            continue
        for col, part in (("L", left), ("R", right)):
            if part:
                entries.append((min(w["top"] for w in part), col, make_line(part)))
    for g in grids:
        col = "F"
        if gutter is not None:
            col = "L" if g.x1 <= gutter else "R" if g.x0 >= gutter else "F"
        entries.append((g.top, col, g))
    entries.sort(key=lambda e: e[0])
    ordered: list[tuple[str, PdfLine | PdfGrid]] = []
    band: dict[str, list[PdfLine | PdfGrid]] = {"L": [], "R": []}
    for _, col, item in entries:
        if col == "F":
            ordered += [("L", x) for x in band["L"]] + [("R", x) for x in band["R"]]
            band = {"L": [], "R": []}
            ordered.append(("F", item))
        else:
            band[col].append(item)
    ordered += [("L", x) for x in band["L"]] + [("R", x) for x in band["R"]]
    return ordered, float(page.height)


def _furniture_key(line: PdfLine) -> str:
    return re.sub(r"\d+", "#", line.text.replace(" ", ""))


def _drop_furniture(pages: list[_Page]) -> None:
    """Remove page numbers and running headers/footers from the top and bottom bands."""
    counts: Counter[str] = Counter()
    for p in pages:
        keys = {
            _furniture_key(it)
            for _, it in p.lines
            if isinstance(it, PdfLine) and (it.bottom < 0.08 * p.height or it.top > 0.92 * p.height)
        }
        counts.update(keys)
    repeated = {k for k, n in counts.items() if n >= 3 and n >= 0.4 * len(pages)}
    for p in pages:
        kept = []
        for col, it in p.lines:
            in_band = isinstance(it, PdfLine) and (
                it.bottom < 0.08 * p.height or it.top > 0.92 * p.height
            )
            if in_band and (_PAGE_NUMBER.match(it.text) or _furniture_key(it) in repeated):  # type: ignore[union-attr, arg-type]
                continue
            kept.append((col, it))
        p.lines = kept


def _box_glyphs(p: _Page) -> None:
    """U+F000 → □ where it opens a line at the page's heading indentation, else •."""
    starts = [it.x0 for _, it in p.lines if isinstance(it, PdfLine) and len(it.text) > 3]
    left = min(starts) if starts else 0.0
    for _, it in p.lines:
        if isinstance(it, PdfLine) and BOX_GLYPH in it.text:
            head = it.text.startswith(BOX_GLYPH) and it.x0 - left <= 12
            rest = it.text[1:] if head else it.text
            it.text = ("□" if head else "") + rest.replace(BOX_GLYPH, "•")
        elif isinstance(it, PdfGrid):
            for c in it.cells:
                c.lines = [ln.replace(BOX_GLYPH, "•") for ln in c.lines]


def _continues(prev: PdfLine, nxt: PdfLine, right: float, line_gap: float) -> bool:
    """Is ``nxt`` the wrapped continuation of ``prev`` (same paragraph)? ``line_gap`` is the
    page's usual gap between the lines of one paragraph; a wider one separates paragraphs."""
    if _LINE_MARKER.match(nxt.text):
        return False
    if abs(prev.size - nxt.size) > 1.0:
        return False
    gap = nxt.top - prev.bottom
    size = max(prev.size, nxt.size)
    if gap < -1 or gap > min(0.9 * size, line_gap + 0.2 * size):
        return False
    if nxt.x0 < prev.x0 - 2 and not _LINE_MARKER.match(prev.text):
        return False
    return prev.x1 >= right - 2.5 * prev.size


def _paragraphs(p: _Page) -> None:
    right: dict[str, float] = {}  # the text's right margin per column: lines and tables reach it
    for col, it in p.lines:
        right[col] = max(right.get(col, 0.0), it.x1)
    gaps = sorted(
        b.top - a.bottom
        for (ca, a), (cb, b) in zip(p.lines, p.lines[1:], strict=False)
        if ca == cb and isinstance(a, PdfLine) and isinstance(b, PdfLine) and b.top > a.bottom - 1
    )
    line_gap = gaps[len(gaps) // 4] if gaps else 3.0  # the tighter gaps are within paragraphs
    items: list[Item] = []
    last: dict[str, PdfLine] = {}
    current: dict[str, _Para] = {}
    for col, it in p.lines:
        if isinstance(it, PdfGrid):
            if is_layout_box(it):
                for c in sorted(it.cells, key=lambda c: c.row):
                    if c.lines:
                        items.append(_Para(c.lines, p.number))
            else:
                items.append(it)
            last.pop(col, None)
            continue
        prev = last.get(col)
        if prev is not None and col in current and _continues(prev, it, right[col], line_gap):
            current[col].lines.append(it.text)
        else:
            para = _Para([it.text], p.number)
            current[col] = para
            items.append(para)
        last[col] = it
    p.items = items


# ---------------------------------------------------------------- joining and writing


def _join_all(pieces: list[list[str]]) -> list[str]:
    """Join each list of wrapped line fragments into one string, Kiwi deciding the spaces."""
    pairs: list[tuple[str, str]] = []
    where: list[tuple[int, int]] = []
    for i, lines in enumerate(pieces):
        for j in range(1, len(lines)):
            a, b = lines[j - 1].rstrip(), lines[j].lstrip()
            if a and b and _HANGUL.match(a[-1]) and _HANGUL.match(b[0]):
                pairs.append((a.rsplit(" ", 1)[-1], b.split(" ", 1)[0]))
                where.append((i, j))
    spaced = dict(zip(where, spaced_junctions(pairs), strict=True))
    out = []
    for i, lines in enumerate(pieces):
        text = lines[0].strip() if lines else ""
        for j in range(1, len(lines)):
            b = lines[j].strip()
            if not b:
                continue
            if (i, j) in spaced:
                sep = " " if spaced[(i, j)] else ""
            elif text.endswith(("(", "[", "·", "/", "~")) or b.startswith(
                (")", "]", ",", ".", "·", "/", "~")
            ):
                sep = ""
            elif WHOLE_NUMBER.match(text.rsplit(" ", 1)[-1]) and WHOLE_NUMBER.match(b):
                sep = " "  # numbers stacked in one cell ('132' ⏎ '105'): several values, not one
            elif _NUMERIC_END.search(text) and _NUMERIC_START.match(b):
                sep = ""  # a number or date wrapped inside itself: 2016.1 / 2~2016.12
            else:
                sep = " "
            text = f"{text}{sep}{b}" if text else b
        out.append(text)
    return out


def _merge_continued(pages: list[_Page]) -> list[Item]:
    """All pages' items in order, a table continued at the top of the next page joined."""
    items: list[Item] = []
    for p in pages:
        for k, it in enumerate(p.items):
            prev = items[-1] if items else None
            if (
                k == 0
                and isinstance(it, PdfGrid)
                and isinstance(prev, PdfGrid)
                and prev.page == it.page - 1
                and len(prev.col_edges) == len(it.col_edges)
                and all(abs(a - b) < 4 for a, b in zip(prev.col_edges, it.col_edges, strict=True))
            ):
                head = sorted((c for c in prev.cells if c.row == 0), key=lambda c: c.col)
                first = sorted((c for c in it.cells if c.row == 0), key=lambda c: c.col)
                skip = 1 if [c.lines for c in head] == [c.lines for c in first] else 0
                for c in it.cells:
                    if c.row < skip:
                        continue
                    c.row += prev.nrows - skip
                    prev.cells.append(c)
                prev.nrows += it.nrows - skip
                prev.page = it.page
                continue
            items.append(it)
    return items


def _write(items: list[Item]) -> tuple[str, list[SourceTable], list[tuple[int, int]]]:
    """The text, its tables, and where each page starts in it: ``(offset, page number)`` for
    every page that has text, in reading order."""
    paras = [it for it in items if isinstance(it, _Para)]
    cells = [c for it in items if isinstance(it, PdfGrid) for c in it.cells]
    joined = _join_all([p.lines for p in paras] + [c.lines for c in cells])
    for p, t in zip(paras, joined[: len(paras)], strict=True):
        p.text = t
    for c, t in zip(cells, joined[len(paras) :], strict=True):
        c.text = t
    blocks: list[Block] = []
    block_pages: list[int] = []
    for it in items:
        block_pages.append(it.page if isinstance(it, _Para) else min(c.page for c in it.cells))
        if isinstance(it, _Para):
            blocks.append(it.text)
        else:
            cells_out = [
                GridCell(c.row, c.col, c.text, c.row_span, c.col_span, c.page, c.bbox)
                for c in it.cells
            ]
            blocks.append(Grid("pdf", it.nrows, len(it.col_edges) - 1, cells_out))
    text, tables, starts = write_blocks(blocks)
    page_starts: dict[int, int] = {}
    for page, start in zip(block_pages, starts, strict=True):
        if start is not None:
            page_starts.setdefault(page, start)
    return text, tables, sorted((off, page) for page, off in page_starts.items())


# ---------------------------------------------------------------- entry point


def _open(data: bytes) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedDocumentError(
            "the PDF is password-protected; gyeoljae cannot read encrypted PDFs"
        ) from exc
    except _PARSE_ERRORS as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        if (
            isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError))
            or "password" in str(exc).lower()
        ):
            raise EncryptedDocumentError(
                "the PDF is password-protected; gyeoljae cannot read encrypted PDFs"
            ) from exc
        raise DamagedDocumentError(
            f"the PDF is damaged or truncated and could not be opened ({type(cause).__name__}: {cause})"
        ) from exc


def read_pdf(data: bytes) -> SourceText:
    """A PDF original → text in reading order with its tables located in it."""
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise DamagedDocumentError("the file has a .pdf name but is not a PDF (no %PDF header)")
    pdf = _open(data)
    pages: list[_Page] = []
    warnings: list[str] = []
    images = 0
    try:
        n = len(pdf.pages)
        if n > MAX_PAGES:
            raise DocumentTooLargeError(f"the PDF has {n} pages, over the limit of {MAX_PAGES}")
        budget = ContentBudget()
        for pno, original in enumerate(pdf.pages, start=1):
            try:
                check_page_size(original, pno)  # before anything is laid out
                budget.check(original, pno)  # before pdfminer decodes its content
                page = original.dedupe_chars()
                chars = page.chars
                images += len(page.images)
                why = _unreadable(chars)
                if why:
                    warnings.append(f"page {pno}: text layer unreadable ({why}); page left out")
                    continue
                p = _Page(pno, 0.0)
                p.lines, p.height = _layout_page(page, pno)
                pages.append(p)
            except _PARSE_ERRORS as exc:
                warnings.append(
                    f"page {pno}: could not be parsed ({type(exc).__name__}); page left out"
                )
            finally:
                original.close()  # drop the page's parsed objects: memory stays flat
    except _PARSE_ERRORS as exc:
        raise DamagedDocumentError(
            f"the PDF is damaged or truncated ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        pdf.close()
    if not any(p.lines for p in pages):
        if warnings and all("unreadable" in w for w in warnings):
            raise UnreadableTextError(
                f"no page of the PDF has readable text: {warnings[0]}"
                + (f" (and {len(warnings) - 1} more pages)" if len(warnings) > 1 else "")
            )
        if warnings:
            raise DamagedDocumentError(
                f"no page of the PDF could be read: {warnings[0]}"
                + (f" (and {len(warnings) - 1} more pages)" if len(warnings) > 1 else "")
            )
        if images:
            raise ScannedDocumentError(
                f"the PDF has no text layer on any of its {n} pages, only images: it looks "
                "like a scan, and OCR is not supported"
            )
        raise EmptyDocumentError(f"the PDF has {n} pages but no text on any of them")
    _drop_furniture(pages)
    for p in pages:
        _box_glyphs(p)
        _paragraphs(p)
    text, tables, page_starts = _write(_merge_continued(pages))
    return SourceText(text=text, tables=tables, warnings=warnings, pages=n, page_starts=page_starts)
