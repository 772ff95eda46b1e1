"""The tree of money: which amount is a part of which total, which restates which — a last pass.

A budget table is a tree of money, and the same money is often written several times (a 과목
in the 총괄 table, again as the groups of its 산출근거, again in prose). ``build_tree`` sets on
one document's budget rows

* ``parent_budget_id`` — the total an amount is a part of;
* ``is_total`` — the amount is stated as the sum of other rows the document shows;
* ``same_as_budget_id`` — the earlier row whose money it states again;

so that ``sum(amount_krw) … where not is_total and same_as_budget_id is null`` counts each won
once. Each rule below is one function, applied in this order; a row keeps the first parent a
rule gives it, and a total takes its parts along one axis only (a grand total is the sum of
its column's totals or of its row's cells, not of both):

1. :func:`parts_after_total` — ``530억원 (국비 120, 시비 410)``;
2. :func:`breakdown_clauses` — ``655억원 (시정형 450억원, 지역형 180억원 …)``, ``사용내역 : …``;
3. :func:`label_levels` — a row with an indented label is a part of the row above it
   (특별회계 over its 공기업 and 기타); :func:`total_rows` — a 계 / 합계 / 소계 row totals the
   rows it opens or closes, by column;
4. :func:`total_columns` — a 계 / 총사업비 column totals the money cells of its row (국비, 시비);
5. :func:`marker_levels` — 산출근거: a ``○`` line totals its ``-`` lines, a ``-`` line its ``▷``;
6. :func:`heading_breakdowns` — a heading's amount that its sub-headings' amounts add up to;
7. :func:`category_totals` — a 총괄 row (사무관리비 2016) that the rows of its 과목 add up to;
8. :func:`restatements` — the same money, year and item written again elsewhere;
9. :func:`restated_sums` — an amount equal to consecutive rows elsewhere that it names;
10. :func:`restating_tables` — a table most of whose amounts restate earlier rows restates them
    all (a 추진일정 table's 예산집행금액 column restating the 산출근거).

Prose and loose layouts (2, 6, 7, 9) need the arithmetic to hold before a link is made; table
structure and labelled parts (1, 3, 4, 5) are links as the document draws them, and ``gyeoljae
check`` prints the totals whose parts do not add up.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from itertools import islice

from pipeline.extract.amounts_seen import AmountsSeen, match_keys
from pipeline.extract.context import Context
from pipeline.extract.mentions import MoneyMention
from pipeline.extract.phrases import item_overlap, item_pieces, item_words
from pipeline.model import BudgetRow, Cell, Table
from pipeline.settings import TREE
from pipeline.vocab import CATEGORY_RE, DIFFERENCE_HEADER_RE, MONEY_UNITS, TOTAL_LABEL_RE

_TOTAL_COLUMN = re.compile(r"^(?:총|총계|계|합계|소계|총액|총사업비)$")
_BREAKDOWN_CLAUSE = re.compile(r"\s*[(（]|\s*[○-]?\s*(?:사용\s*내역|세부\s*내역|내역|구성)\s*[:：]")
_CLAUSE_END = re.compile(r"\n|[○□■※]|\s-\s|\?\?")
_LEVEL = {"○": 0, "-": 1, "▷": 2}
_MARKER_BEFORE = re.compile(r"(?:^|\s)([○\-▷])\s(?!.*(?:^|\s)[○\-▷]\s)", re.S)
_LABEL_NOISE = re.compile(r"\s+|[(（].*$")


def _total_level(label: str | None) -> int | None:
    """0 for 계 / 합계 / 총계, 1 for 소계; None for any other row label (누계 is not a sum)."""
    s = _LABEL_NOISE.sub("", label or "")
    if not s or s == "누계" or not TOTAL_LABEL_RE.match(s):
        return None
    return 1 if s.startswith("소") else 0


class _Tree:
    """The rows of one document and the links made between them so far."""

    def __init__(self, ctx: Context, rows: list[BudgetRow], mentions: dict[int, MoneyMention]):
        self.ctx = ctx
        self.rows = rows
        self.mention = mentions
        self.by_id = {r.budget_id: r for r in rows}
        self.children: dict[str, list[BudgetRow]] = defaultdict(list)
        self.axis: dict[str, str] = {}

    def cell(self, r: BudgetRow) -> Cell | None:
        m = self.mention.get(r.char_start)
        return m.clause.cell if m is not None and m.how == "cell" else None

    def link(self, child: BudgetRow, parent: BudgetRow, axis: str) -> bool:
        """Make ``child`` a part of ``parent`` (unless it has a parent, the parent takes its
        parts along another axis, or the link would close a loop)."""
        if child.parent_budget_id is not None or child is parent:
            return False
        if self.axis.get(parent.budget_id, axis) != axis:
            return False
        p: BudgetRow | None = parent
        while p is not None:
            if p is child:
                return False
            p = self.by_id.get(p.parent_budget_id) if p.parent_budget_id else None
        child.parent_budget_id = parent.budget_id
        parent.is_total = True
        self.axis[parent.budget_id] = axis
        self.children[parent.budget_id].append(child)
        return True

    def link_all(self, parts: Iterable[BudgetRow], parent: BudgetRow, axis: str) -> None:
        for p in parts:
            self.link(p, parent, axis)

    def related(self, a: BudgetRow, b: BudgetRow) -> bool:
        """One is (a part of a part of …) the other."""
        return self._ancestor(a, b) or self._ancestor(b, a)

    def _ancestor(self, a: BudgetRow, b: BudgetRow) -> bool:
        p = self.by_id.get(b.parent_budget_id) if b.parent_budget_id else None
        while p is not None:
            if p is a:
                return True
            p = self.by_id.get(p.parent_budget_id) if p.parent_budget_id else None
        return False

    def root(self, r: BudgetRow) -> BudgetRow:
        while r.same_as_budget_id is not None:
            r = self.by_id[r.same_as_budget_id]
        return r


# ── 1, 2: parts written after their total ─────────────────────────────────────────────────
def parts_after_total(tree: _Tree) -> None:
    """``530억원 (국비 120, 시비 410)``: each listed part belongs to the total before it (the
    lower end of a range, ``50～80억``, is not a part; a lone part unlike its total is a share
    named beside it, ``총사업비 474억 (국비 154억)``, not a breakdown)."""
    by_start = {r.char_start: r for r in tree.rows}
    listed: dict[int, list[BudgetRow]] = defaultdict(list)
    for r in tree.rows:
        m = tree.mention.get(r.char_start)
        if m is None or m.how != "part" or m.total_start is None or m.total_start > m.start:
            continue
        listed[m.total_start].append(r)
    for total_start, parts in listed.items():
        total = by_start.get(total_start)
        if total is None or (len(parts) == 1 and parts[0].amount_krw != total.amount_krw):
            continue
        for r in parts:
            tree.link(r, total, "parts")


def breakdown_clauses(tree: _Tree) -> None:
    """An amount followed by a bracket or a ``사용내역 :`` clause listing amounts that add up to
    it, or nearly (a document's slip stays visible to ``check``): ``운영규모 : 655억원 (시정형
    450억원, 지역형 180억원, 동단위계획형 25억원)``."""
    text = tree.ctx.text
    prose = [r for r in tree.rows if r.table_id is None]
    for i, r in enumerate(prose):
        rest = text[r.char_end : r.char_end + 300]
        m = _BREAKDOWN_CLAUSE.match(rest)
        if not m:
            continue
        if rest.lstrip().startswith(("(", "（")):
            close = rest.find(")")
            end = r.char_end + (close if close > 0 else len(rest))
        else:
            stop = _CLAUSE_END.search(rest, m.end())
            end = r.char_end + (stop.start() if stop else len(rest))
        parts = []
        for p in islice(prose, i + 1, None):  # prose is in text order: stop at the clause end
            if p.char_start >= end:
                break
            if p.parent_budget_id is None:
                parts.append(p)
        off = abs(sum(p.amount_krw for p in parts) - r.amount_krw)
        if len(parts) >= 2 and off <= TREE.breakdown_tolerance * abs(r.amount_krw):
            tree.link_all(parts, r, "parts")


# ── 3, 4: a table's total rows and total columns ──────────────────────────────────────────
def _table_cells(tree: _Tree) -> dict[str, list[tuple[BudgetRow, Cell]]]:
    out: dict[str, list[tuple[BudgetRow, Cell]]] = defaultdict(list)
    for r in tree.rows:
        c = tree.cell(r)
        if c is not None and r.table_id is not None and r.unit != "%":
            out[r.table_id].append((r, c))
    return out


def _pick(total: BudgetRow, below: list[BudgetRow], above: list[BudgetRow], top: bool):  # type: ignore[no-untyped-def]
    """The run of rows a total sums: the one that adds up to it, else the table's habit (a
    total written first sums the rows below it)."""
    for run in (below, above):
        if run and sum(r.amount_krw for r in run) == total.amount_krw:
            return run
    first, second = (below, above) if top else (above, below)
    return first or second


def total_rows(tree: _Tree) -> None:
    """A 계 / 합계 / 총계 row totals, column by column, the rows down to the next such row (or
    up from it, when the table writes its totals last); a 소계 row the rows of its group."""
    for cells in _table_cells(tree).values():
        levels = {r.budget_id: _total_level(c.row_label) for r, c in cells}
        total_rows_at = [c.row for r, c in cells if levels[r.budget_id] is not None]
        item_rows_at = [c.row for r, c in cells if levels[r.budget_id] is None]
        if not total_rows_at or not item_rows_at:
            continue
        top = min(total_rows_at) < min(item_rows_at)
        columns: dict[int, list[tuple[BudgetRow, Cell]]] = defaultdict(list)
        for r, c in cells:
            columns[c.col].append((r, c))
        for col in columns.values():
            col.sort(key=lambda rc: rc[1].row)
            entries = [(r, levels[r.budget_id]) for r, _ in col]
            for want in (1, 0):
                for i, (r, lv) in enumerate(entries):
                    if lv != want:
                        continue
                    below = _run(entries, i, +1, want)
                    above = _run(entries, i, -1, want)
                    if below or above:
                        r.is_total = True
                    tree.link_all(_pick(r, below, above, top), r, "column")


def _run(
    entries: list[tuple[BudgetRow, int | None]], i: int, step: int, level: int
) -> list[BudgetRow]:
    """The rows from ``i`` in direction ``step`` up to the next total of ``level`` or above
    (for a 소계, up to any total); rows already part of a 소계 are left to it."""
    out = []
    j = i + step
    while 0 <= j < len(entries):
        r, lv = entries[j]
        if lv is not None and (level == 1 or lv <= level):
            break
        if r.parent_budget_id is None:
            out.append(r)
        j += step
    return out


class _RowLabels:
    """Where each row of one table starts its label, found once for the whole table: the
    leftmost label cell (not a header, not blank, not money) that is on a row or spans over
    it, so that each value cell's question is a look-up rather than a pass over the table."""

    def __init__(self, table: Table) -> None:
        self.first: dict[int, Cell] = {}
        for c in sorted(table.cells, key=lambda c: c.col):
            if c.is_header or not c.text.strip() or c.amount_krw is not None:
                continue
            for row in range(c.row, c.row + max(c.row_span, 1)):
                self.first.setdefault(row, c)

    def label_col(self, cell: Cell) -> int | None:
        """The column of the label a value cell's row starts with ('특별회계' in column 0, or
        an indented '공기업' in column 1 under it); None when a cell spanning from a row above
        covers the columns before it (a group label, '母펀드' over 금융기관 | 부산시)."""
        c = self.first.get(cell.row)
        if c is None or c.col >= cell.col or c.row != cell.row:
            return None
        return c.col


def label_levels(tree: _Tree) -> None:
    """A row whose label is indented (written one column right, the columns before it empty)
    is a part of the row above it whose label starts further left: 특별회계 33,632 over
    공기업 8,718 and 기타 24,914."""
    tables = {t.table_id: t for t in tree.ctx.doc.tables}
    for tid, cells in _table_cells(tree).items():
        table = tables.get(tid)
        if table is None:
            continue
        labels = _RowLabels(table)
        columns: dict[int, list[tuple[BudgetRow, int | None]]] = defaultdict(list)
        for r, c in sorted(cells, key=lambda rc: rc[1].row):
            columns[c.col].append((r, labels.label_col(c)))
        for col in columns.values():
            for i, (r, depth) in enumerate(col):
                if not depth:
                    continue
                for up, up_depth in reversed(col[:i]):
                    if up_depth is None:
                        break
                    if up_depth < depth:
                        tree.link(r, up, "column")
                        break


def total_columns(tree: _Tree) -> None:
    """A cell under a 계 / 합계 / 총사업비 column header totals the other money cells of its row
    under the same group header (국비, 시비, 구비); a difference column is not a part."""
    for cells in _table_cells(tree).values():
        rows: dict[int, list[tuple[BudgetRow, Cell]]] = defaultdict(list)
        for r, c in cells:
            rows[c.row].append((r, c))
        for row in rows.values():
            totals = [
                (r, c)
                for r, c in row
                if c.header_path and _TOTAL_COLUMN.match(re.sub(r"\s+", "", c.header_path[-1]))
            ]
            for t, tc in totals:
                parts = [
                    r
                    for r, c in row
                    if c.header_path
                    and c.header_path[:-1] == tc.header_path[:-1]
                    and (r, c) not in totals
                    and not any(DIFFERENCE_HEADER_RE.search(h) for h in c.header_path)
                ]
                if parts:  # stated as their sum, even where they belong to a column's total
                    t.is_total = True
                tree.link_all(parts, t, "row")


# ── 5: 산출근거 lines by their markers ────────────────────────────────────────────────────
def _level(tree: _Tree, r: BudgetRow) -> int | None:
    """The level of the 산출근거 line an amount is on: the nearest item marker before it on
    its row ('○' group, '-' line, '▷' sub-line), across the cells of a flattened row."""
    text = tree.ctx.text
    row_start = text.rfind("\n", 0, r.char_start) + 1
    m = _MARKER_BEFORE.search(text, row_start, r.char_start)
    return _LEVEL[m.group(1)] if m else None


def marker_levels(tree: _Tree) -> None:
    """A ``○`` line's amount totals the ``-`` lines under it, a ``-`` line the ``▷`` lines."""
    by_table: dict[str, list[BudgetRow]] = defaultdict(list)
    for r in tree.rows:
        if r.table_id and r.unit != "%":
            by_table[r.table_id].append(r)
    for rows in by_table.values():
        # The run of marked lines of one category just before each line, and where in it
        # each level was last seen: a line's total is the nearest line above of a lower level.
        run_category: str | None = None
        last_at: dict[int, int] = {}
        for i, r in enumerate(rows):
            lv = _level(tree, r)
            if lv and last_at and run_category == r.category:
                above = [last_at[up] for up in range(lv) if up in last_at]
                if above:
                    tree.link(r, rows[max(above)], "lines")
            if lv is None:
                last_at = {}
            elif not last_at or run_category != r.category:
                run_category, last_at = r.category, {}
            if lv is not None:
                last_at[lv] = i


# ── 6, 7: sums the arithmetic shows ───────────────────────────────────────────────────────
def heading_breakdowns(tree: _Tree) -> None:
    """``□ 사업비 : 100억원`` whose sub-headings each state one amount that add up to it."""
    ctx = tree.ctx
    prose = [r for r in tree.rows if r.table_id is None]  # in text order
    starts = [r.char_start for r in prose]
    in_head: dict[str, list[BudgetRow]] = defaultdict(list)
    for s in ctx.doc.sections:
        first = bisect.bisect_left(starts, s.char_start)
        last = bisect.bisect_left(starts, s.head_end)
        if first < last:
            in_head[s.section_id].extend(prose[first:last])
    kids: dict[str | None, list[str]] = defaultdict(list)
    for s in ctx.doc.sections:
        kids[s.parent_id].append(s.section_id)
    for sid, heads in in_head.items():
        if len(heads) != 1 or heads[0].parent_budget_id is not None:
            continue
        subs = [in_head.get(k, []) for k in kids.get(sid, [])]
        if len(subs) < 2 or any(len(x) != 1 for x in subs):
            continue
        parts = [x[0] for x in subs]
        if (
            all(p.parent_budget_id is None for p in parts)
            and sum(p.amount_krw for p in parts) == heads[0].amount_krw
        ):
            tree.link_all(parts, heads[0], "headings")


def _label(c: Cell | None) -> str:
    return _LABEL_NOISE.sub("", c.row_label or "") if c is not None else ""


def category_totals(tree: _Tree) -> None:
    """A 총괄 row (과목 사무관리비, 2016) is the total of the rows that other tables file under
    that 과목 for that year (the 산출근거 groups), when they add up to it."""
    under: dict[tuple[str, int], list[BudgetRow]] = defaultdict(list)
    for r in tree.rows:
        if r.category and r.fiscal_year is not None and r.parent_budget_id is None:
            under[(re.sub(r"\s+", "", r.category), r.fiscal_year)].append(r)
    # each 과목's count and sum, in all and by table: the rows of other tables are the rest
    totals = {key: (len(rows), sum(p.amount_krw for p in rows)) for key, rows in under.items()}
    by_table: dict[tuple[str, int], dict[str | None, tuple[int, int]]] = defaultdict(dict)
    for key, rows in under.items():
        for p in rows:
            n, total = by_table[key].get(p.table_id, (0, 0))
            by_table[key][p.table_id] = (n + 1, total + p.amount_krw)
    for r in tree.rows:
        c = tree.cell(r)
        label = _label(c)
        if not label or not CATEGORY_RE.search(label) or r.fiscal_year is None:
            continue
        key = (label, r.fiscal_year)
        if key not in under:
            continue
        own_count, own_sum = by_table[key].get(r.table_id, (0, 0))
        count, total = totals[key]
        if count > own_count and total - own_sum == r.amount_krw:
            tree.link_all((p for p in under[key] if p.table_id != r.table_id), r, "category")


# ── 8–10: the same money written again ────────────────────────────────────────────────────
def _same_item(a: BudgetRow, b: BudgetRow) -> bool:
    """Two items name the same thing: they share a fifth of the shorter one's pieces (see
    :func:`~pipeline.extract.phrases.item_overlap`), or one short item holds the other."""
    pa, pb = item_pieces(a.item), item_pieces(b.item)
    if pa and pb:
        shared = len(pa & pb)
        return shared >= max(TREE.min_item_overlap, round(0.2 * min(len(pa), len(pb))))
    x, y = item_words(a.item), item_words(b.item)
    return bool(x and y) and (x in y or y in x)


def _same_money(a: BudgetRow, b: BudgetRow) -> bool:
    """Equal in won, or the coarser one is the finer rounded or cut to its unit (``89억원`` for
    8,946,770천원, ``463억원`` for 46,383,141천원)."""
    if a.amount_krw == b.amount_krw:
        return True
    coarse, fine = (a, b) if MONEY_UNITS.get(a.unit, 1) > MONEY_UNITS.get(b.unit, 1) else (b, a)
    step = MONEY_UNITS.get(coarse.unit, 1)
    return step > MONEY_UNITS.get(fine.unit, 1) and abs(coarse.amount_krw - fine.amount_krw) < step


def _same_when(a: BudgetRow, b: BudgetRow) -> bool:
    return (a.fiscal_year, a.period_start_year, a.period_end_year) == (
        b.fiscal_year,
        b.period_start_year,
        b.period_end_year,
    )


def _apart(tree: _Tree, a: BudgetRow, b: BudgetRow) -> bool:
    """Written in different places: not one table, not one clause, neither a part of the other."""
    if a.table_id is not None and a.table_id == b.table_id:
        return False
    ma, mb = tree.mention.get(a.char_start), tree.mention.get(b.char_start)
    if ma is not None and mb is not None and ma.clause is mb.clause:
        return False
    return not tree.related(a, b)


def _may_restate(r: BudgetRow, e: BudgetRow) -> bool:
    return _same_money(r, e) and _same_when(r, e) and _same_item(r, e)


def restatements(tree: _Tree) -> None:
    """An amount with the money, year and item of an earlier one written elsewhere restates it
    (``2016년 소요 예산(안) : 48,000천원`` under 해외도시 협력사무소 2개 운영, after its
    산출근거 line; ``세입 89억원`` before the table whose 세입 계 is 8,946,770천원). The earlier
    amounts are looked up by value (:class:`~pipeline.extract.amounts_seen.AmountsSeen`)."""
    seen = AmountsSeen()  # amount, and each coarser rounding
    for r in tree.rows:
        if r.amount_krw == 0:
            continue
        keys = match_keys(r)
        candidates = seen.candidates(
            r,
            keys,
            fits=_may_restate,
            apart=partial(_apart, tree),
        )
        if candidates:
            best = max(candidates, key=lambda e: item_overlap(r.item, e.item))
            r.same_as_budget_id = tree.root(best).budget_id
        seen.add(r, keys)


def restated_sums(tree: _Tree) -> None:
    """An amount equal to consecutive rows of one list written elsewhere (siblings under one
    total, or the top rows of one table) that share its item is their total, stated again."""
    if len(tree.rows) > TREE.max_rows_for_sums:
        return
    groups: dict[tuple[str | None, str | None], list[BudgetRow]] = defaultdict(list)
    for r in tree.rows:
        groups[(r.parent_budget_id, r.table_id if r.parent_budget_id is None else None)].append(r)
    sums: dict[int, list[list[BudgetRow]]] = defaultdict(list)
    for members in groups.values():
        for i in range(len(members)):
            total = 0
            for k in range(i, min(len(members), i + TREE.max_sum_parts)):
                total += members[k].amount_krw
                if k > i:
                    sums[total].append(members[i : k + 1])
    for r in tree.rows:
        if r.is_total or r.same_as_budget_id is not None or r.amount_krw == 0:
            continue
        if r.parent_budget_id is not None:
            continue  # already a part of a total: rows elsewhere that add up to it restate it
        for run in sums.get(r.amount_krw, []):
            if (
                r not in run
                and all(_same_when(r, p) and _apart(tree, r, p) for p in run)
                and any(_same_item(r, p) for p in run)
            ):
                r.is_total = True
                break


def _leaves(rows: list[BudgetRow]) -> list[BudgetRow]:
    return [r for r in rows if not r.is_total]


def restating_tables(tree: _Tree, tables: list[Table]) -> None:
    """A table at least half of whose amounts restate rows written before it restates earlier
    money as a whole: each of its other amounts restates the earlier row of its year that it
    names best, even where the figure differs (``gyeoljae check`` shows those differences)."""
    by_table: dict[str, list[BudgetRow]] = defaultdict(list)
    for r in tree.rows:
        if r.table_id is not None:
            by_table[r.table_id].append(r)
    starts = {t.table_id: t.char_start for t in tables}
    for tid, rows in by_table.items():
        leaves = _leaves(rows)
        if len(leaves) < 2:
            continue
        restated = [
            r
            for r in leaves
            if r.same_as_budget_id is not None and tree.by_id[r.same_as_budget_id].table_id != tid
        ]
        if len(restated) < TREE.restating_table_share * len(leaves):
            continue
        before = [e for e in tree.rows if e.char_start < starts.get(tid, 0) and e.table_id != tid]
        for r in leaves:
            if r.same_as_budget_id is not None or (r.fiscal_year, r.period_start_year) == (
                None,
                None,
            ):
                continue  # a difference or a bound restates no money
            candidates = [e for e in before if _same_when(r, e) and _same_item(r, e)]
            if candidates:  # the best named; of those, one it can be a share of, the nearest
                best = max(
                    candidates,
                    key=lambda e: (
                        item_overlap(r.item, e.item),
                        e.amount_krw >= r.amount_krw,
                        -abs(e.amount_krw - r.amount_krw),
                    ),
                )
                r.same_as_budget_id = tree.root(best).budget_id


def _totals_through_restatements(tree: _Tree) -> None:
    """A row restated by a total with parts is a total too: its money is counted in those parts."""
    for r in tree.rows:
        if r.same_as_budget_id is not None and tree.children.get(r.budget_id):
            tree.by_id[r.same_as_budget_id].is_total = True


def build_tree(ctx: Context, rows: list[BudgetRow], mentions: dict[int, MoneyMention]) -> None:
    """Set ``parent_budget_id``, ``is_total`` and ``same_as_budget_id`` on one document's rows
    (their ``budget_id`` already given), by the rules of this module, in order."""
    tree = _Tree(ctx, sorted(rows, key=lambda r: r.char_start), mentions)
    parts_after_total(tree)
    breakdown_clauses(tree)
    label_levels(tree)
    total_rows(tree)
    total_columns(tree)
    marker_levels(tree)
    heading_breakdowns(tree)
    category_totals(tree)
    restatements(tree)
    restated_sums(tree)
    restating_tables(tree, ctx.doc.tables)
    _totals_through_restatements(tree)
