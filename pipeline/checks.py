"""Arithmetic checks: does a document's own arithmetic add up?

``check_document(doc) -> list[ArithmeticCheck]`` evaluates what a document states about its
numbers, and reports mismatches as they are (real documents contain mistakes: they are shown,
never "fixed"):

* **basis** — a 산출근거 product against its stated amount (``5,000천원 * 2회 = 10,000천원``);
* **table total** — a 계 / 합계 / 소계 / 총계 row against the sum of the other rows, column by
  column (percent columns are not sums);
* **row total** — a 총 column against the sum of the row's other money cells (총사업비 against
  국비 / 시비 / 구비);
* **group** — a 산출근거 group (``○ 민관협력포럼 개최 46,800천원``) against its ``-`` lines;
* **breakdown** — an amount against the amounts listed right after it in brackets or in a
  ``사용내역`` clause (``운영규모 : 655억원 (시정형 450억원, 지역형 180억원, …)``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from pipeline.model import BudgetRow, Cell, Document, Table
from pipeline.money import find_amounts
from pipeline.vocab import TOTAL_LABEL_RE, WON

_TOTAL_LABEL = TOTAL_LABEL_RE
_ROW_TOTAL_HEADER = re.compile(r"^(?:총|총계|계|합계|총사업비)$")
_BREAKDOWN_CLAUSE = re.compile(
    r"^\s*[(（]|^\s*[○-]?\s*(?:사용\s*내역|세부\s*내역|내역|구성)\s*[:：]"
)
_CLAUSE_END = re.compile(r"\n|[○□■※]|\s-\s|\?\?")
_TOLERANCE = 0.5  # table numbers are written rounded to units of the table


@dataclass(frozen=True, slots=True)
class ArithmeticCheck:
    doc_id: str
    kind: str  # basis, table_total, row_total, group, breakdown
    where: str  # a short locator a person can follow
    stated: float
    computed: float
    unit: str | None
    parts: int
    char_start: int  # span of the stated value
    char_end: int

    @property
    def ok(self) -> bool:
        return abs(self.stated - self.computed) < _TOLERANCE

    def describe(self, text: str) -> str:
        status = "ok " if self.ok else "MISMATCH"
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"{status} {self.kind:11s} {self.where}: stated {self.stated:,.0f}{unit}, "
            f"computed {self.computed:,.0f}{unit} from {self.parts} part(s)  [{text[self.char_start : self.char_end]!r}]"
        )


def _basis_checks(doc: Document) -> list[ArithmeticCheck]:
    return [
        ArithmeticCheck(
            doc.doc_id,
            "basis",
            f"{b.item} = {b.basis}",
            b.amount_krw / 1,
            float(b.basis_amount_krw),
            WON,
            1,
            b.char_start,
            b.char_end,
        )
        for b in doc.budgets
        if b.basis_amount_krw is not None
    ]


def _rows(table: Table) -> dict[int, list[Cell]]:
    rows: dict[int, list[Cell]] = defaultdict(list)
    for c in table.cells:
        if not c.is_header:
            rows[c.row].append(c)
    return rows


def _table_total_checks(doc: Document, table: Table) -> list[ArithmeticCheck]:
    rows = _rows(table)
    totals = [
        r
        for r, cells in rows.items()
        if any(c.col == 0 and _TOTAL_LABEL.match(c.text) for c in cells)
    ]
    if len(totals) != 1:  # several totals (소계 … 계) need a structure this check does not guess
        return []
    (total_row,) = totals
    out = []
    for c in rows[total_row]:
        if c.col == 0 or c.number is None or c.unit == "%":
            continue
        parts = [
            x.number
            for r, cells in rows.items()
            if r != total_row
            for x in cells
            if x.col == c.col and x.number is not None
        ]
        if len(parts) < 2:
            continue
        header = " / ".join(c.header_path) or f"column {c.col}"
        out.append(
            ArithmeticCheck(
                doc.doc_id,
                "table_total",
                f"{table.table_id} {c.row_label} · {header}",
                c.number,
                sum(parts),
                c.unit,
                len(parts),
                c.char_start,
                c.char_end,
            )
        )
    return out


def _row_total_checks(doc: Document, table: Table) -> list[ArithmeticCheck]:
    total_cols = {
        c.col
        for c in table.cells
        if c.is_header and _ROW_TOTAL_HEADER.match(c.text.replace(" ", ""))
    }
    out = []
    for cells in _rows(table).values():
        for c in cells:
            if c.col not in total_cols:
                continue
            stated = c.amount_krw
            if stated is None:  # a total in the label column: '1,145,180천원'
                found = list(find_amounts(c.text))
                stated = found[0].krw if len(found) == 1 else None
            if stated is None:
                continue
            parts = [
                x.amount_krw
                for x in cells
                if x.col != c.col and x.col not in total_cols and x.amount_krw is not None
            ]
            if parts:
                out.append(
                    ArithmeticCheck(
                        doc.doc_id,
                        "row_total",
                        f"{table.table_id} row {c.row}",
                        stated,
                        float(sum(parts)),
                        WON,
                        len(parts),
                        c.char_start,
                        c.char_end,
                    )
                )
    return out


_LEVEL = {"○": 0, "-": 1, "▷": 2}
_MARKER_BEFORE = re.compile(r"(?:^|\s)([○\-▷])\s(?!.*(?:^|\s)[○\-▷]\s)", re.S)


def _level(doc: Document, b: BudgetRow) -> int | None:
    """The level of the 산출근거 line an amount is stated on: the nearest item marker before it
    on its row ('○' group, '-' line, '▷' sub-line), across cells of a flattened row."""
    row_start = doc.text.rfind("\n", 0, b.char_start) + 1
    m = _MARKER_BEFORE.search(doc.text, row_start, b.char_start)
    return _LEVEL[m.group(1)] if m else None


def _group_checks(doc: Document) -> list[ArithmeticCheck]:
    """산출근거 groups: a '○' line against its '-' lines, a '-' line against its '▷' lines."""
    out = []
    by_table: dict[str, list[BudgetRow]] = defaultdict(list)
    for b in doc.budgets:
        if b.table_id and b.unit != "%":
            by_table[b.table_id].append(b)
    for rows in by_table.values():
        rows = sorted(rows, key=lambda b: b.char_start)
        levels = [_level(doc, b) for b in rows]
        for i, (head, lv) in enumerate(zip(rows, levels, strict=True)):
            if lv is None or lv == 2:
                continue
            parts = []
            for b, lv2 in zip(rows[i + 1 :], levels[i + 1 :], strict=True):
                if lv2 is None or lv2 <= lv:
                    break
                if lv2 == lv + 1:
                    parts.append(b)
            if len(parts) >= 2:
                marker = "○" if lv == 0 else "-"
                out.append(
                    ArithmeticCheck(
                        doc.doc_id,
                        "group",
                        f"{head.table_id} {marker} {head.item}",
                        head.amount_krw,
                        float(sum(p.amount_krw for p in parts)),
                        WON,
                        len(parts),
                        head.char_start,
                        head.char_end,
                    )
                )
    return out


def _breakdown_checks(doc: Document) -> list[ArithmeticCheck]:
    out = []
    for b in doc.budgets:
        if b.table_id is not None:
            continue
        rest = doc.text[b.char_end : b.char_end + 300]
        m = _BREAKDOWN_CLAUSE.match(rest)
        if not m:
            continue
        if rest.lstrip().startswith(("(", "（")):
            close = rest.find(")")
            clause_end = b.char_end + (close if close > 0 else len(rest))
        else:
            stop = _CLAUSE_END.search(rest, m.end())
            clause_end = b.char_end + (stop.start() if stop else len(rest))
        parts = [a for a in find_amounts(doc.text, b.char_end, clause_end)]
        if len(parts) >= 2:
            out.append(
                ArithmeticCheck(
                    doc.doc_id,
                    "breakdown",
                    f"{b.item} {b.amount_text}",
                    b.amount_krw,
                    float(sum(a.krw for a in parts)),
                    WON,
                    len(parts),
                    b.char_start,
                    b.char_end,
                )
            )
    return out


def check_document(doc: Document) -> list[ArithmeticCheck]:
    """Every arithmetic relation the document states, evaluated (mismatches are ``not ok``)."""
    checks = _basis_checks(doc) + _group_checks(doc) + _breakdown_checks(doc)
    for t in doc.tables:
        checks += _table_total_checks(doc, t) + _row_total_checks(doc, t)
    return sorted(checks, key=lambda c: c.char_start)
