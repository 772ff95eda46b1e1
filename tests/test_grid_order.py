"""Numbers of a money grid read in blocks, placed by the grid's arithmetic
(pipeline/grid_order.py): constructed readings, and a property test over random grids read in
random block orders."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import grid_order
from pipeline.grid_order import TOTAL_COLUMN, place_cells


def _values(seq: str) -> list[Decimal]:
    return [Decimal(0) if t == "-" else Decimal(t.replace(",", "")) for t in seq.split()]


def _placed(seq: str, rows: int, cols: int, row_starts: frozenset[int] = frozenset()):
    got = place_cells(_values(seq), rows, cols, row_starts)
    if got is None:
        return None
    tokens = seq.split()
    return {(tokens[k], place) for k, place in got.items() if tokens[k] != "-"}


def test_a_grid_read_column_first_then_by_rows_is_placed():
    # 계 column 100 40 60; then ’14년 down the rows; then the rest of each row
    seq = "100 40 60  10 - 10  30 60  30 10  - 50"
    assert _placed(seq, 3, 3) == {
        ("100", (0, TOTAL_COLUMN)),
        ("40", (1, TOTAL_COLUMN)),
        ("60", (2, TOTAL_COLUMN)),
        ("10", (0, 0)),
        ("10", (2, 0)),
        ("30", (0, 1)),
        ("60", (0, 2)),
        ("30", (1, 1)),
        ("10", (1, 2)),
        ("50", (2, 2)),
    }


def test_a_last_cell_of_the_total_column_after_a_page_break_is_placed():
    # the third row's 계 cell comes after every other number
    seq = "70 20  - - -  20 10 10  50 10 40  50"
    got = place_cells(_values(seq), 3, 3)
    assert got is not None
    assert got[11] == (2, TOTAL_COLUMN)
    assert got[8] == (0, 2) and got[10] == (2, 2)


def test_numbers_two_readings_place_differently_are_left_out():
    # ’14년 or ’15년: nothing in the sums says which column holds the one amount
    seq = "10 10  - - 10 10"
    got = place_cells(_values(seq), 2, 2)
    assert got is not None and not any(c != TOTAL_COLUMN for _, c in got.values())


def test_a_number_after_a_rows_label_is_its_total():
    # without the labels, 47 131 could be the 계 row's cells; after '시비' lines, row totals
    seq = "178 47 131  - 47 131  - 47 -  - - 131"
    free = place_cells(_values(seq), 3, 3)
    fixed = place_cells(_values(seq), 3, 3, frozenset({1, 2}))
    assert fixed is not None
    assert fixed[1] == (1, TOTAL_COLUMN) and fixed[2] == (2, TOTAL_COLUMN)
    assert free is None or len(free) <= len(fixed)


@pytest.mark.parametrize(
    ("seq", "rows", "cols"),
    [
        ("100 40 60 10 - 10 30 60 30 - - 50 7", 3, 3),  # one number too many for a 3 × 4 grid
        ("100 40 60 10 - 10 30 60 30 - - 51", 3, 3),  # a row that does not add up
        ("100 50 50", 1, 2),  # no body row under the 계 row
    ],
)
def test_no_reading_or_no_grid_gives_nothing(seq, rows, cols):
    assert place_cells(_values(seq), rows, cols) is None


def test_a_grid_with_a_decrease_is_not_searched():
    # a negative cell (△5) breaks the bounds the search prunes by
    values = [Decimal(v) for v in (0, -5, 5, 0, -5, 5)]
    assert place_cells(values, 2, 2) is None


def test_the_search_stops_at_its_bound(monkeypatch):
    small = dataclasses.replace(grid_order.FLAT_GRIDS, max_order_states=5)
    monkeypatch.setattr(grid_order, "FLAT_GRIDS", small)
    assert place_cells(_values("100 40 60 10 - 10 30 60 30 - - 50"), 3, 3) is None


def _random_reading(grid: list[list[int]], rng: random.Random) -> list[tuple[int, int]]:
    """A random order of the cells in which no cell comes before the one above it or the one
    to its left, and the 계 column (col -1) comes top to bottom at random moments."""
    rows, cols = len(grid), len(grid[0])
    shape = [0] * rows
    total_next = 0
    order: list[tuple[int, int]] = []
    while len(order) < rows * (cols + 1):
        choices = [
            r for r in range(rows) if shape[r] < cols and (r == 0 or shape[r - 1] > shape[r])
        ]
        if total_next < rows:
            choices.append(-1)
        pick = rng.choice(choices)
        if pick == -1:
            order.append((total_next, TOTAL_COLUMN))
            total_next += 1
        else:
            order.append((pick, shape[pick]))
            shape[pick] += 1
    return order


@settings(max_examples=60, deadline=None)
@given(
    body=st.lists(
        st.lists(st.sampled_from([0, 0, 3, 7, 12, 40, 125]), min_size=3, max_size=3),
        min_size=1,
        max_size=3,
    ),
    seed=st.integers(0, 10_000),
)
def test_every_number_placed_is_where_the_grid_has_it(body, seed):
    """Soundness: whatever the reading order, a number is never placed in a wrong cell."""
    top = [sum(col) for col in zip(*body, strict=True)]
    grid = [top, *body]
    totals = [sum(row) for row in grid]
    order = _random_reading(grid, random.Random(seed))
    values = [Decimal(totals[r] if c == TOTAL_COLUMN else grid[r][c]) for r, c in order]
    got = place_cells(values, len(grid), 3)
    assert got is not None  # the true reading always adds up
    # the true reading is one that adds up: a place every reading agrees on is the true one
    for k, place in got.items():
        assert place == order[k]


def test_a_subtotal_row_is_not_counted_again_in_its_column():
    # 계, 소계 (= 국비 + 시비), 국비, 시비, read column by column
    seq = "200 200 100 100  40 40 20 20  160 160 80 80"
    assert place_cells(_values(seq), 4, 2, frozenset({0, 1, 2, 3})) is None  # 소계 counted twice
    got = place_cells(_values(seq), 4, 2, frozenset({0, 1, 2, 3}), frozenset({1}))
    assert got is not None
    assert got[4] == (0, 0) and got[5] == (1, 0) and got[6] == (2, 0) and got[11] == (3, 1)


def test_years_after_an_empty_column_between_two_with_money_are_left_out():
    # ’15년 empty between ’14년 and ’16년: the dashes may have been written out of order
    seq = "30 30  10 10  - -  20 20"
    got = place_cells(_values(seq), 2, 3)
    assert got is not None
    assert got[2] == (0, 0) and got[3] == (1, 0)
    assert all(c != 2 for _, c in got.values())


def test_the_bound_is_shared_by_every_reading_tried(monkeypatch):
    small = dataclasses.replace(grid_order.FLAT_GRIDS, max_order_states=200)
    monkeypatch.setattr(grid_order, "FLAT_GRIDS", small)
    budget = grid_order.StateBudget()
    seq = "100 40 60  10 - 10  30 60  30 10  - 50"
    first = place_cells(_values(seq), 3, 3, budget=budget)
    spent = 200 - budget.remaining
    assert first is not None and spent > 0
    while budget.remaining > 0:  # later readings of the same grid draw on what is left
        place_cells(_values(seq), 3, 3, budget=budget)
    assert place_cells(_values(seq), 3, 3, budget=budget) is None


def test_dashes_only_place_nothing_without_searching():
    budget = grid_order.StateBudget()
    before = budget.remaining
    assert place_cells(_values("- - - - - -"), 2, 2, budget=budget) == {}
    assert budget.remaining == before


def test_a_total_of_the_terms_years_leaves_the_last_column_outside():
    # 계 130 = ’14 + ’15 (30 + 100); 임기 후 45 beside it, outside the sum; read down each year
    # rows 계, 국비, 시비; columns ’14년, ’15년, 임기 후
    seq = "130 30 100  30 30 -  100 - 100  45 15 30"
    assert place_cells(_values(seq), 3, 3) is None  # the 계 does not sum the 임기 후 cells
    got = place_cells(_values(seq), 3, 3, term_total=True)
    assert got is not None
    assert got[9] == (0, 2) and got[10] == (1, 2) and got[11] == (2, 2)


def test_a_grid_of_too_many_numbers_is_not_searched():
    # one line of thousands of numbers under a caption: refused before any search, whatever
    # its arithmetic (the search would go one level deeper per number)
    n = grid_order.FLAT_GRIDS.max_order_numbers
    values = [Decimal(0)] * (n + 12) + [Decimal(5)]
    cols = 12
    rows = len(values) // (cols + 1)
    values = values[: rows * (cols + 1)]
    values[0] = Decimal(5)
    assert place_cells(values, rows, cols) is None


def test_more_rows_labels_than_rows_is_no_reading():
    # three numbers after labels in a two-row grid: at most two can be 계 cells
    assert place_cells(_values("30 20 10 20 10 10"), 2, 2, frozenset({0, 1, 2})) is None
