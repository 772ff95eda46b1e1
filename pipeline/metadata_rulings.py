"""A ruling's header table: label cells written in square brackets, each value beside or below.

The National Tax Service's rulings (질의회신, 심판 결정, 판결) open with a label/value table::

    [ 문서번호 ]  법규과-371(2010.02.19.)   세목  양도
    [ 제    목 ]
    공유수면을 매립하여 조성하는 토지를 … 취득시기
    [ 요    지 ]
    …

Read as a general rule on that layout, not on one document's wording: a document whose first
lines hold at least :attr:`RulingHeaderSettings.min_labels` bracketed label cells (``[ 라벨 ]``,
at the start of a line or of a cell) has a ruling header. A label's value is the rest of its
cell (up to the next tab or label) or, when the cell holds only the label, the first cell of the
next line that is not itself a label. The header gives

* ``doc_number``: the value of ``[ 문서번호 ]`` or, for a court ruling, ``[ 사건번호 ]`` (never
  ``[ 직전소송사건번호 ]`` or ``[ 전심번호 ]``, other cases'), without the date in parentheses;
* ``produced_on``: that date (``(2010.02.19.)``, ``(1991. 4. 13.)``, ``(20110704)``);
* ``title``: the value of ``[ 제 목 ]``;
* ``doc_kind`` ``ruling``, which no other kind fits.

Text read from a converted ``.html`` keeps its ``<table>`` markup: the cells are read the same
way, ``<td>``/``<th>`` as cell starts and ``<tr>`` as row starts.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from pipeline.dates import parse_date
from pipeline.model import DocumentMeta
from pipeline.settings import RULING_HEADER, RulingHeaderSettings

# '[ 문서번호 ]', '[ 제    목 ]', '[심판청구 사건번호 ]': Hangul (spaced any way) in brackets, at
# the start of a line or a cell (after a tab or a space).
_LABEL = re.compile(r"(?<![^\s])\[[ \t]*(?P<label>[가-힣][가-힣 ]*?)[ \t]*\]")
_NUMBER_LABELS = ("문서번호", "사건번호")
_TITLE_LABEL = "제목"
# The number, then its date in parentheses: '법규과-371(2010.02.19.)', '법규과-1600,(2008.04.10.)',
# '기획재정부 환경에너지세제과-0232(20110704)'.
_NUMBER_AND_DATE = re.compile(r"^(?P<number>[^()]*?)[\s,]*\((?P<date>[^()]*)\)")
_COMPACT_DATE = re.compile(r"^\s*((?:19|20)\d\d)(\d\d)(\d\d)\s*$")
# A bullet before the number ('○ 기획재정부 소득세제과-176'): not part of it.
_LEADING_MARK = re.compile(r"^[^\w(]+")
_HTML_CELL = re.compile(r"<t[dh]\b[^>]*>", re.I)
_HTML_ROW = re.compile(r"</?tr\b[^>]*>|</?table\b[^>]*>|<br\s*/?>", re.I)
_HTML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class RulingHeader:
    """What a ruling's header table states (``None``: not stated)."""

    doc_number: str | None
    produced_on: dt.date | None
    title: str | None


def _cells_text(head: str) -> str:
    """The head of a converted .html with its table markup as tabs and lines (a cell's start is
    a tab, a row's a line break), entities unescaped; other text as it is."""
    if "<t" not in head and "<T" not in head:
        return head
    out = _HTML_ROW.sub("\n", head)
    out = _HTML_CELL.sub("\t", out)
    return html.unescape(_HTML_TAG.sub("", out))


def _label_name(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


def _cell_after(text: str, start: int) -> str:
    """The rest of the cell from ``start``: up to the next tab, label or line end."""
    line_end = text.find("\n", start)
    rest = text[start : len(text) if line_end < 0 else line_end].lstrip(" \t")
    if (nxt := _LABEL.search(rest)) is not None:
        rest = rest[: nxt.start()]
    return " ".join(rest.split("\t", 1)[0].split())


def _value(text: str, label_end: int) -> str | None:
    """A label's value: the rest of its cell, or the first cell of the next non-blank line that
    is not a label."""
    own = _cell_after(text, label_end)
    if own:
        return own
    line_end = text.find("\n", label_end)
    pos = len(text) if line_end < 0 else line_end + 1
    while pos < len(text):
        nl = text.find("\n", pos)
        line = text[pos : len(text) if nl < 0 else nl]
        if line.strip(" \t\r"):
            if _LABEL.match(line.lstrip(" \t")):
                return None
            return _cell_after(line, 0) or None
        if nl < 0:
            break
        pos = nl + 1
    return None


def _labels(text: str, settings: RulingHeaderSettings) -> list[tuple[str, int]] | None:
    """The header's labels (name, where its value starts), or ``None`` when the text does not
    open with a bracketed-label table."""
    found = [
        (_label_name(m.group("label")), m.end())
        for m in _LABEL.finditer(text, 0, settings.header_chars)
        if len(m.group("label")) <= settings.max_label_chars
    ]
    if len(found) < settings.min_labels:
        return None
    first = _LABEL.search(text, 0, settings.header_chars)
    if first is None:
        return None
    before = text[: first.start()].split("\n")[:-1]
    if sum(1 for line in before if line.strip()) >= settings.first_label_lines:
        return None
    return found


def _number_and_date(value: str) -> tuple[str | None, dt.date | None]:
    m = _NUMBER_AND_DATE.match(value)
    number, date_text = (m.group("number"), m.group("date")) if m else (value, "")
    number = _LEADING_MARK.sub("", " ".join(number.split()))
    number = re.sub(r"\s*-\s*", "-", number).rstrip(" ,")
    if not re.search(r"\d", number):  # an empty number cell, the next cell read instead
        return None, None
    compact = _COMPACT_DATE.match(date_text)
    if compact:
        try:
            return number, dt.date(*(int(g) for g in compact.groups()))
        except ValueError:
            return number, None
    return number, (parse_date(date_text) if date_text.strip() else None)


def ruling_header(
    text: str, end: int | None = None, settings: RulingHeaderSettings = RULING_HEADER
) -> RulingHeader | None:
    """The header table of a ruling at the start of ``text`` (up to ``end``), or ``None``."""
    limit = min(
        len(text), settings.header_chars if end is None else min(end, settings.header_chars)
    )
    head = _cells_text(text[:limit])
    labels = _labels(head, settings)
    if labels is None:
        return None
    names = [name for name, _ in labels]
    if not any(n in names for n in (*_NUMBER_LABELS, _TITLE_LABEL)):
        return None
    number: str | None = None
    produced: dt.date | None = None
    title: str | None = None
    for name, at in labels:
        if name in _NUMBER_LABELS and number is None:
            value = _value(head, at)
            if value:
                number, produced = _number_and_date(value)
        elif name == _TITLE_LABEL and title is None:
            title = _value(head, at)
    return RulingHeader(number, produced, title)


def apply_ruling_header(meta: DocumentMeta, text: str) -> DocumentMeta:
    """A document no other rule recognised (``other``) whose text opens with a ruling's header
    table: ``doc_kind`` ``ruling`` and the header's number, date and title (they win over the
    first-line title the fallback gave)."""
    if meta.doc_kind != "other":
        return meta
    header = ruling_header(text, meta.body_end)
    if header is None:
        return meta
    meta.doc_kind = "ruling"
    meta.doc_number = header.doc_number or meta.doc_number
    meta.produced_on = header.produced_on or meta.produced_on
    meta.title = header.title or meta.title
    return meta
