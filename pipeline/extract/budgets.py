"""Budget rows: money mentions + context → :class:`BudgetRow` — a third pass.

Every mention that no exclusion rule removes becomes one row. What the row says comes from
the context, never from a fresh search of the document:

* ``fiscal_year`` — :meth:`Context.fiscal_year` (its column, row, caption, clause, heading,
  or the document's budget year; none for a difference, a bound or a multi-year amount);
* ``item`` — a cell's row label (with its column header where that adds meaning); a written
  amount's phrase; a part's label (``국비``);
* ``category`` — a 회계/과목/비목 row label (``사무관리비``);
* ``basis`` — the 산출근거 product written before ``=`` (``5,000천원 * 2회``), evaluated.
"""

from __future__ import annotations

import re

from pipeline.extract.context import Clause, Context
from pipeline.extract.exclusions import Around, excluded_money
from pipeline.extract.mentions import MoneyMention
from pipeline.extract.phrases import clean, has_content, is_generic, item_from
from pipeline.extract.years import fiscal_years
from pipeline.model import BudgetRow
from pipeline.money import evaluate_basis, find_amounts
from pipeline.settings import ITEMS
from pipeline.spans import line_above
from pipeline.vocab import ADMIN_HEADING_RE, CATEGORY_RE, TOTAL_LABEL_RE

# 산출근거 product: '5,000천원 * 2회', '4인 * 200천원 * 4회'
_PRODUCT = re.compile(
    r"(?:\d[\d,]*(?:\.\d+)?\s*[가-힣A-Za-z]*(?:\s[가-힣]{1,2}(?=\s*[*×✕]))?\s*[*×✕]\s*)+\d[\d,]*(?:\.\d+)?\s*[가-힣A-Za-z]*"
)
_ITEM_START = re.compile(r"(?:^|\s)[-▷○◦·](?=\s)|\n")  # a tab only separates cells of one item
_EQUALS_BEFORE = re.compile(r"=\s*$")
_FLAT_LABELS = re.compile(r"^(?:구\s*분|소요예산|예산액|금액)\s*")


def _basis_before(text: str, seg_start: int, eq_pos: int) -> str | None:
    """The product written before '=' in the same item: '- 행사장 임차 5,000천원 * 2회 = …'.
    A product before the item's own marker belongs to the previous item."""
    starts = [m.end() for m in _ITEM_START.finditer(text, seg_start, eq_pos)]
    lo = starts[-1] if starts else seg_start
    found = list(_PRODUCT.finditer(text, lo, eq_pos))
    return found[-1].group(0).strip() if found else None


def _basis_after(text: str, pos: int, limit: int) -> str | None:
    rest = text[pos:limit]
    m = _PRODUCT.match(text, pos + len(rest) - len(rest.lstrip()), limit)
    return m.group(0).strip() if m else None


def _row_start(ctx: Context, clause: Clause) -> int:
    table = clause.table
    lo = table.char_start if table else clause.start
    return max(lo, ctx.text.rfind("\n", lo, clause.start) + 1)


def _cell_item(ctx: Context, m: MoneyMention) -> str:
    cell, table = m.clause.cell, m.clause.table
    assert cell is not None and table is not None
    label = cell.row_label or ""
    if not label or TOTAL_LABEL_RE.match(label.replace(" ", "")):
        # a total row ('계') is the total of what the table's heading names
        owner = next((h.title for h in ctx.headings(table.char_start)), "")
        label = f"{clean(owner)} {label}".strip() if owner else label
    last_header = cell.header_path[-1] if cell.header_path else ""
    item = label
    if last_header and not fiscal_years(last_header):
        item = f"{label} ({last_header})" if label else last_header
    return clean(item) or label


def _category(clause: Clause) -> str | None:
    label = clause.cell.row_label if clause.cell is not None else None
    return label if label and CATEGORY_RE.search(label) else None


class _Writer:
    """Turns one document's mentions into rows; remembers where each clause's items start."""

    def __init__(self, ctx: Context, mentions: list[MoneyMention]) -> None:
        self.ctx = ctx
        self.mentions = {m.start: m for m in mentions}
        self.seg_start: dict[int, int] = {}  # clause start → where the next item's words start
        self.by_start: dict[int, BudgetRow] = {}

    def row(self, m: MoneyMention) -> BudgetRow:
        ctx, text = self.ctx, self.ctx.text
        clause = m.clause
        basis: str | None = None
        if m.how in ("cell", "stacked"):
            item = _cell_item(ctx, m)
        elif m.how == "field":
            item = clause.label or ""
        elif m.how == "part":  # '530억원 (국비 120, …)': the total's item, then the part's label
            total = self.by_start.get(m.total_start or -1)
            owner = total.item if total is not None else ""
            item = " ".join(x for x in (owner, m.label or "") if x) or owner
        elif m.how == "flat":
            prev = self.seg_start.get(-1, clause.start)
            item = clean(text[max(prev, clause.start) : m.start])
            item = _FLAT_LABELS.sub("", item).strip() or item
            self.seg_start[-1] = m.end
        else:
            item, basis = self._written_item(m)
        basis_amount = evaluate_basis(basis) if basis else None
        fiscal, period = ctx.fiscal_year(m)
        row = BudgetRow(
            budget_id="",
            item=item,
            amount_krw=m.krw,
            amount_text=m.text,
            unit=m.unit,
            char_start=m.start,
            char_end=m.end,
            table_id=clause.table.table_id if clause.table else None,
            fiscal_year=fiscal,
            category=_category(clause),
            basis=basis,
            basis_amount_krw=basis_amount,
            basis_ok=(basis_amount == m.krw) if basis_amount is not None else None,
        )
        row.period_start_year, row.period_end_year = period
        if m.how == "part" and m.total_start is not None:
            # a part is the money of its total's year: '530억원 (국비 120, …)', '500∼1,000만원'
            whole = self.mentions.get(m.total_start)
            if whole is not None:
                row.fiscal_year, (row.period_start_year, row.period_end_year) = ctx.fiscal_year(
                    whole
                )
        self.by_start[m.start] = row
        return row

    def _written_item(self, m: MoneyMention) -> tuple[str, str | None]:
        ctx, text, clause = self.ctx, self.ctx.text, m.clause
        seg_start = self.seg_start.get(clause.start, clause.start)
        basis = None
        eq = _EQUALS_BEFORE.search(text[max(clause.start, m.start - 6) : m.start])
        if eq:
            eq_pos = max(clause.start, m.start - 6) + eq.start()
            basis = _basis_before(text, seg_start, eq_pos) or _basis_after(text, m.end, clause.end)
            if clause.table is not None and basis is None:
                basis = _basis_before(text, _row_start(ctx, clause), eq_pos)
            item_text = text[seg_start:eq_pos]
            if basis and basis in item_text:
                item_text = item_text[: item_text.index(basis)]
        else:
            item_text = text[seg_start : m.start]
        if not clean(item_text) and clause.table is not None and clause.table.layout != "html":
            item_text = text[_row_start(ctx, clause) : m.start]
            if basis and basis in item_text:
                item_text = item_text[: item_text.index(basis)]
        fallback = ""
        if clause.cell is not None:
            cell = clause.cell
            fallback = cell.row_label or (cell.header_path[-1] if cell.header_path else "")
        self.seg_start[clause.start] = m.end
        item = item_from(item_text)
        if not has_content(item) and clause.cell is not None:
            before = self._cell_before(clause)  # '= 48,000천원': named by the cell before it
            if before:
                item = item_from(before.split(basis)[0] if basis else before)
        if not has_content(item):
            item = self._clause_head(clause, m) or fallback or self._line_above(m) or item
        if is_generic(item):  # '소요 예산(안) : 75,080천원': the money of the item above it
            owner = next(
                (
                    s.title
                    for s in ctx.headings(m.start, own=False)
                    if not is_generic(s.title) and not ADMIN_HEADING_RE.search(s.title)
                ),
                None,
            )
            if owner:
                item = f"{clean(owner)} {item}"
        return item, basis

    def _clause_head(self, clause: Clause, m: MoneyMention) -> str:
        """An amount whose own words only date or count it ('(’23년) 683억원→'): named by the
        amount before it in its clause, else by the clause's label ('한도액 : …')."""
        prev = [r for s, r in self.by_start.items() if clause.start <= s < m.start]
        if prev and has_content(prev[-1].item):
            return re.sub(r"\s*\(?[‘’'`]?\d{2,4}년도?\)?\s*$", "", prev[-1].item)
        head = self.ctx.text[clause.start : m.start].split(":")[0].split("：")[0]
        return item_from(head) if ":" in self.ctx.text[clause.start : m.start] else ""

    def _line_above(self, m: MoneyMention) -> str:
        """'총 사업비' ⏎ '2,345백만원': an amount alone on its line is named by a short label
        line right above it (a label/value layout flattened one field per line)."""
        text = self.ctx.text
        ls = text.rfind("\n", 0, m.start) + 1
        if text[ls : m.start].strip():
            return ""
        found = line_above(text, ls)  # blank lines between are skipped, but not too many
        if found is None or ls - found[1] > ITEMS.label_line_chars * 4:
            return ""
        above = text[slice(*found)].strip()
        label = clean(above)
        if (
            len(above) > ITEMS.label_line_chars
            or not has_content(label)
            or any(find_amounts(above))
        ):
            return ""
        return label

    def _cell_before(self, clause: Clause) -> str:
        """The text of the nearest non-empty cell left of ``clause``'s cell in its row."""
        cell, table = clause.cell, clause.table
        if cell is None or table is None:
            return ""
        left = [
            c
            for c in self.ctx.row_cells(table, cell.row)
            if c.col < cell.col and c.text and not c.is_header
        ]
        return max(left, key=lambda c: c.col).text if left else ""


def budget_rows(ctx: Context, mentions: list[MoneyMention]) -> list[BudgetRow]:
    """One row per mention no exclusion rule removes, in reading order."""
    writer = _Writer(ctx, mentions)
    rows = []
    kept: MoneyMention | None = None
    floors: list[tuple[BudgetRow, MoneyMention]] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        near = Around(kept, nxt if nxt is not None and nxt.clause is m.clause else None)
        if excluded_money(m, ctx, near) is not None:
            continue
        row = writer.row(m)
        rows.append(row)
        kept = m
        if m.how == "part" and (m.total_start or -1) > m.start:
            floors.append((row, m))
    for row, m in floors:  # '500∼1,000만원': the range's lower end is named like its upper end
        upper = writer.by_start.get(m.total_start or -1)
        if upper is not None:
            row.item = upper.item
    _restated_years(ctx, rows, {m.start: m for m in mentions})
    return rows


def _restated_years(ctx: Context, rows: list[BudgetRow], by_start: dict[int, MoneyMention]) -> None:
    """'□ 예산총괄 : 16조 6,830억원' over a table whose 2025 column totals 166,830억원: an amount
    that states no year but restates a dated cell of its own section takes that cell's year."""
    cells: dict[tuple[str | None, int], int] = {}
    for r in rows:
        if r.table_id is not None and r.fiscal_year is not None:
            sec = ctx.section_at(r.char_start)
            cells.setdefault((sec.section_id if sec else None, r.amount_krw), r.fiscal_year)
    for r in rows:
        m = by_start.get(r.char_start)
        if r.table_id is not None or r.fiscal_year is not None or m is None or m.how != "written":
            continue
        if ctx.stated_year(m) is not None:
            continue  # its own words said 'no single year' (a difference, a 총사업비 …)
        for sec in ctx.headings(r.char_start):
            year = cells.get((sec.section_id, r.amount_krw))
            if year is not None:
                r.fiscal_year = year
                break
