"""Where each number of a money grid stands, when a converter read the grid in blocks.

A PDF converter writes a table's cells in the order its text blocks come, which is not always
row by row. A pledge report's investment grid may come out as its 계 column first, then the
first year down every row, then the rest of the total row, then two programs' next years
side by side::

    21,683  47  131  21,505     ← the 계 column, top to bottom
    0 - - -                     ← ’14년, down the rows
    74 2,071 8,038 11,500       ← the 계 row, ’15년 to ’18.6월
    47 -    27 104              ← two programs, ’15년 and ’16년
    …

Whatever the blocks, a reader never reads a cell before the cell above it or the cell to its
left: the order is a *linear extension* of the grid (a standard Young tableau). The 계 column
is read top to bottom, but may come anywhere (a page break can put its last cell at the end).
And the grid's arithmetic holds: each row's cells sum to its 계 cell, each column's body cells
sum to the 계 row's cell, the 계 column's body cells sum to the grand total.

:func:`place_cells` searches every such reading of the numbers (dashes are empty cells: they
take a place but count zero) and keeps a number's place only when **every** reading that adds
up puts it there. A number that two readings place differently is left out, never guessed;
so are the years after an empty column between two years with money (a converter may write
an empty column's dashes out of order, before a later year's amounts).
The search is memoised on its state (the filled shape and the partial sums), so runs of dashes
that can be placed many ways cost little; it stops at a bound on states (bounded work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.settings import FLAT_GRIDS

TOTAL_COLUMN = -1  # the column index :func:`place_cells` gives a 계 column cell


@dataclass(slots=True)
class StateBudget:
    """The states the searches of one grid may still visit, shared by every reading tried
    (one per choice of 소계 rows): past it the grid is left unread."""

    remaining: int = field(default_factory=lambda: FLAT_GRIDS.max_order_states)


@dataclass(frozen=True, slots=True)
class _State:
    k: int  # the next number to place
    shape: tuple[int, ...]  # cells filled in each row (a Young diagram: never increasing)
    totals: tuple[Decimal, ...]  # the 계 cells of the first rows, top to bottom
    row_sum: tuple[Decimal, ...]  # each row's cells so far
    row_parts: tuple[int, ...]  # each row's non-zero cells so far
    col_top: tuple[Decimal, ...]  # the 계 row's cells so far
    col_sum: tuple[Decimal, ...]  # each column's body cells so far
    col_parts: tuple[int, ...]  # each column's non-zero body cells so far


def within_rounding(total: Decimal, parts_sum: Decimal, parts: int) -> bool:
    """``parts_sum`` equals ``total``, or is within the caption unit's rounding of it when
    enough of its ``parts`` (the non-zero ones, each rounded) were summed: '608' over
    '46 178 249 134' in 백만원. The one rule for flat grids read by rows or in blocks."""
    slack = FLAT_GRIDS.rounding_slack if parts >= FLAT_GRIDS.min_parts_for_slack else 0
    return abs(total - parts_sum) <= slack


class _Search:
    def __init__(
        self,
        values: Sequence[Decimal],
        rows: int,
        cols: int,
        row_starts: frozenset[int],
        subtotals: frozenset[int],
        budget: StateBudget,
        term_total: bool,
    ) -> None:
        self.budget = budget
        # the 계 sums the term's years only: the last column (임기 후) stands outside it
        self.summed_cols = cols - 1 if term_total else cols
        self.values = values
        self.row_starts = row_starts
        self.totals_known = len(row_starts) == rows
        self.subtotals = subtotals
        self.rows = rows
        self.cols = cols
        self.memo: dict[_State, bool] = {}
        self.exhausted = False

    def moves(self, s: _State) -> list[tuple[tuple[int, int], _State]]:
        """Every place the next number may take from state ``s``, with the state after it."""
        v = self.values[s.k]
        out: list[tuple[tuple[int, int], _State]] = []
        slack = FLAT_GRIDS.rounding_slack
        i = len(s.totals)
        # when every row's 계 cell follows its label, no other number is a 계 cell
        may_total = not self.totals_known or s.k in self.row_starts
        if i < self.rows and may_total:  # the next 계 column cell, row i
            ok = s.row_sum[i] <= v + slack
            if ok and s.shape[i] == self.cols:
                ok = within_rounding(v, s.row_sum[i], s.row_parts[i])
            if ok and i >= 1:
                leaves = [t for r, t in enumerate((*s.totals, v)) if r and r not in self.subtotals]
                body = sum(leaves, Decimal(0))
                ok = body <= s.totals[0] + slack
                if ok and i == self.rows - 1:
                    ok = within_rounding(s.totals[0], body, sum(1 for t in leaves if t))
            if ok:
                out.append(
                    (
                        (i, TOTAL_COLUMN),
                        _State(
                            s.k + 1,
                            s.shape,
                            (*s.totals, v),
                            s.row_sum,
                            s.row_parts,
                            s.col_top,
                            s.col_sum,
                            s.col_parts,
                        ),
                    )
                )
        if s.k in self.row_starts:
            return out  # a number right after a row's label is that row's 계 cell
        for r in range(self.rows):
            j = s.shape[r]
            if j >= self.cols or (r > 0 and s.shape[r - 1] <= j):
                continue
            counted = j < self.summed_cols
            row_sum = s.row_sum[r] + (v if counted else 0)
            row_parts = s.row_parts[r] + (1 if v and counted else 0)
            if r < len(s.totals):
                if row_sum > s.totals[r] + slack:
                    continue
                if j == self.cols - 1 and not within_rounding(s.totals[r], row_sum, row_parts):
                    continue
            col_top, col_sum, col_parts = s.col_top, s.col_sum, s.col_parts
            if r == 0:
                col_top = (*col_top, v)
            else:
                # a subtotal row (소계) is summed with its own rows, not again in the column
                leaf = r not in self.subtotals
                c_sum = col_sum[j] + (v if leaf else 0)
                c_parts = col_parts[j] + (1 if v and leaf else 0)
                if c_sum > col_top[j] + slack:
                    continue
                if r == self.rows - 1 and not within_rounding(col_top[j], c_sum, c_parts):
                    continue
                col_sum = (*col_sum[:j], c_sum, *col_sum[j + 1 :])
                col_parts = (*col_parts[:j], c_parts, *col_parts[j + 1 :])
            out.append(
                (
                    (r, j),
                    _State(
                        s.k + 1,
                        (*s.shape[:r], j + 1, *s.shape[r + 1 :]),
                        s.totals,
                        (*s.row_sum[:r], row_sum, *s.row_sum[r + 1 :]),
                        (*s.row_parts[:r], row_parts, *s.row_parts[r + 1 :]),
                        col_top,
                        col_sum,
                        col_parts,
                    ),
                )
            )
        return out

    def feasible(self, s: _State) -> bool:
        """Whether the numbers from ``s.k`` on can complete a grid that adds up."""
        if s.k == len(self.values):
            return True
        known = self.memo.get(s)
        if known is not None:
            return known
        if self.budget.remaining <= 0:
            self.exhausted = True
            return False
        self.budget.remaining -= 1
        self.memo[s] = False  # provisional: a state is never its own descendant (k grows)
        found = False
        for _, after in self.moves(s):
            if self.feasible(after):
                found = True
        self.memo[s] = found
        return found


def place_cells(
    values: Sequence[Decimal],
    rows: int,
    cols: int,
    row_starts: frozenset[int] = frozenset(),
    subtotals: frozenset[int] = frozenset(),
    budget: StateBudget | None = None,
    term_total: bool = False,
) -> dict[int, tuple[int, int]] | None:
    """The (row, column) of each number whose place every consistent reading agrees on.

            ``values`` are the grid's numbers in the order the converter wrote them (dashes as zero),
            ``rows`` counts the 계 row (row 0) and the body rows, ``cols`` the columns besides the 계
            column (:data:`TOTAL_COLUMN`). ``budget`` bounds the states searched, shared with other calls
        for the same grid. With ``term_total`` each row's 계 sums its cells but the last column's
    (a pledge grid's 임기 후, outside the term's total). The numbers at ``row_starts`` came right after a row's label
            and are 계 column cells. The ``subtotals`` rows (소계) sum their own cells but are not
            counted again in their columns: the 계 row sums the other rows. ``None`` when no reading adds up or the search ran past its
            bound; numbers placed differently by two readings are absent from the answer."""
    if len(values) != rows * (cols + 1) or rows < 2 or any(v < 0 for v in values):
        return None
    if len(values) > FLAT_GRIDS.max_order_numbers:
        return None  # bounded work: a grid this large is not searched
    if not any(values):
        return {}  # dashes only: nothing to place
    if len(row_starts) > rows:
        return None  # more rows' labels than rows
    budget = budget if budget is not None else StateBudget()
    if budget.remaining <= 0:
        return None
    search = _Search(values, rows, cols, row_starts, subtotals, budget, term_total)
    zero = Decimal(0)
    start = _State(0, (0,) * rows, (), (zero,) * rows, (0,) * rows, (), (zero,) * cols, (0,) * cols)
    if not search.feasible(start) or search.exhausted:
        return None
    places: dict[int, set[tuple[int, int]]] = {}
    seen = {start}
    frontier = [start]
    while frontier:
        s = frontier.pop()
        if s.k == len(values):
            continue
        for place, after in search.moves(s):
            if not search.feasible(after):
                continue
            places.setdefault(s.k, set()).add(place)
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    if search.exhausted:
        return None
    placed = {k: next(iter(p)) for k, p in places.items() if len(p) == 1}
    return _before_a_gap(values, placed)


def _before_a_gap(
    values: Sequence[Decimal], placed: dict[int, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    """``placed`` without the cells right of an empty column between two columns with money.

    A converter may write an empty column's dashes before a later column with money (the
    ’17년 amounts after the ’18.6월 dashes), so a reading that leaves a gap between two years
    with money cannot tell a gap year from a column written out of order: the years after the
    gap are not known and are left out."""
    top = {c for k, (r, c) in placed.items() if r == 0 and c != TOTAL_COLUMN and values[k]}
    if not top:
        return placed
    gap = next((c for c in range(min(top), max(top)) if c not in top), None)
    if gap is None:
        return placed
    return {k: (r, c) for k, (r, c) in placed.items() if c == TOTAL_COLUMN or c < gap}
