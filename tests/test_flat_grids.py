"""Money grids flattened one cell per line (pipeline/flat_grids.py): constructed grids, read
back through the real table builder and extraction."""

from __future__ import annotations

import pytest
from extract_helpers import doc_of

from pipeline.flat_grids import flat_grids
from pipeline.tables import find_tables

# A pledge report's investment grid as its converter writes it: one cell per line, blank lines
# between, two cells sometimes on one line, the 임기후 column empty and a dash for an empty cell.
GRID = """\
연차별 투자수요

단위사업

구분

임기내

(단위 : 백만원)

임기후

계

’14년 ’15년 ’16년 ’17년

계

1,000

100 200

300

400

합동점검

운영기관

600

100

-

200

300

-

교육 강화

시 비 400

100 200

100

-

"""


def _rows(text: str) -> dict[int, list[str]]:
    (table,) = [t for t in find_tables(text) if t.layout == "flat"]
    rows: dict[int, list[str]] = {}
    for c in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows.setdefault(c.row, []).append(c.text)
    return rows


def _millions(text: str) -> set[tuple[int, int | None]]:
    """Each budget row of ``text`` read as an 'other' document: (amount in 백만원, year)."""
    return {(b.amount_krw // 1_000_000, b.fiscal_year) for b in doc_of(text, "other").budgets}


def test_a_flattened_grid_is_read_into_rows_and_columns():
    assert _rows(GRID) == {
        0: ["계", "’14년", "’15년", "’16년", "’17년", "임기후"],
        1: ["계", "1,000", "100", "200", "300", "400"],
        2: ["합동점검 운영기관", "600", "100", "200", "300"],  # the '-' cells are empty
        3: ["교육 강화 시 비", "400", "100", "200", "100"],  # a label sharing its value's line
    }


def test_every_cell_of_a_flat_grid_is_its_source():
    (grid,) = flat_grids(GRID, 0, len(GRID), [])
    for c in grid.cells:
        assert GRID[c.start : c.end] == GRID[c.start : c.end].strip() != ""
    assert grid.unit == "백만원"


def test_a_row_that_does_not_add_up_is_left_alone():
    broken = GRID.replace("600", "602")  # off by more than one unit of rounding
    assert 2 not in {r for r, v in _rows(broken).items() if "합동점검 운영기관" in v}
    assert len(_rows(broken)) == 3  # the header, 계 and 교육 강화


def test_a_total_written_last_is_found_by_its_sum():
    text = "(단위 : 억원)\n2024년 2025년\n합계\n국비\n10\n20\n30\n시비\n5\n5\n10\n"
    assert _rows(text)[1] == ["국비", "30", "10", "20"]
    assert _rows(text)[2] == ["시비", "10", "5", "5"]


def test_counts_ambiguous_rows_and_padded_lines_are_not_read_as_money():
    text = (
        "(단위 : 백만원)\n계\n’24년 ’25년\n"
        "국비\n30\n10\n20\n"  # adds up: read
        "설치 개소\n3\n1\n2\n"  # counts under a money caption: not money
        "시비\n10\n0\n10\n"  # '10 0 10' adds up first-total and last-total: unknown
        "시 비  60  \n20\n40\n"  # a label sharing its value's line, padded
    )
    rows = _rows(text)
    assert [v[0] for r, v in sorted(rows.items()) if r] == ["국비", "시 비"]
    (grid,) = flat_grids(text, 0, len(text), [])
    assert all(text[c.start : c.end] == text[c.start : c.end].strip() for c in grid.cells)


def test_one_row_is_a_grid_when_its_total_sums_two_cells_or_more():
    assert _rows("(단위 : 억원)\n계\n2024년 2025년\n국비\n30\n10\n20\n")[1] == [
        "국비",
        "30",
        "10",
        "20",
    ]
    # '30 30 -': a total equal to one cell says nothing about where the others stand
    assert not flat_grids("(단위 : 억원)\n계\n2024년 2025년\n국비\n30\n30\n-\n", 0, 60, [])
    # executed money: the years not yet spent are not written at all ('225 - 47 178')
    text = "(단위 : 백만원)\n계\n’14년 ’15년 ’16년 ’17년\n시 비\n225\n-\n47\n178\n"
    assert _rows(text)[1] == ["시 비", "225", "47", "178"]


@pytest.mark.parametrize(
    ("values", "read"),
    [
        ("608 - 46 178 249 134", True),  # 607: each cell rounded to 백만원
        ("609 - 46 178 249 134", False),  # off by two: not rounding
        ("31 10 20", False),  # two cells: no slack, they must add up exactly
    ],
)
def test_a_total_may_differ_from_its_sum_by_one_unit_of_rounding(values, read):
    text = "(단위 : 백만원)\n계\n’14년 ’15년 ’16년 ’17년 ’18.6월\n시 비\n" + "\n".join(
        values.split()
    )
    assert bool(flat_grids(text, 0, len(text), [])) is read


def test_a_grid_needs_a_caption_years_and_a_total_column():
    rows = "국비\n30\n10\n20\n시비\n3\n1\n2\n"
    assert not flat_grids("계\n’14년 ’15년\n" + rows, 0, 40, [])
    assert not flat_grids("(단위 : 백만원)\n" + rows, 0, 40, [])


def test_a_grids_cells_become_budget_rows_with_their_years():
    doc = doc_of(GRID, "other")
    got = {(b.amount_krw, b.fiscal_year) for b in doc.budgets if "운영기관" in b.item}
    assert got == {
        (600_000_000, None),
        (100_000_000, 2014),
        (200_000_000, 2016),
        (300_000_000, 2017),
    }


# The same kind of grid read in blocks: the 계 column first (each program's cell after its
# label), then ’14년 down the rows, then the 계 row's other years, then each program's.
BLOCK_GRID = """\
연차별 투자수요

(단위 : 백만원)

계

’14년 ’15년 ’16년

계

100

시비

40

조사 용역

운영비

시비

60

10 - 10

30 60

30 10

- 50
"""


def test_a_grid_read_in_blocks_is_placed_by_its_sums():
    doc = doc_of(BLOCK_GRID, "other")
    got = {(b.amount_krw // 1_000_000, b.fiscal_year) for b in doc.budgets}
    assert got == {
        (100, None),
        (40, None),
        (60, None),
        (10, 2014),
        (30, 2015),
        (60, 2016),
        (10, 2016),
        (50, 2016),
    }
    by_amount = {b.amount_krw // 1_000_000: b for b in doc.budgets if b.fiscal_year == 2015}
    assert "시비" in by_amount[30].item or "계" in by_amount[30].item
    for b in doc.budgets:
        assert doc.text[b.char_start : b.char_end] == b.amount_text


def test_a_label_may_share_its_line_with_the_whole_row():
    text = (
        "(단위 : 백만원)\n계\n’14년 ’15년\n"
        "계 300 100 200\n"
        "소 계 300 100 200\n"  # a subtotal row written on one line with its label
        "국 비 120 20 100\n"
        "시 비 180 80 100\n"
    )
    rows = {r[0]: r[1:] for r in _rows(text).values()}
    assert rows["소 계"] == ["300", "100", "200"]
    assert rows["시 비"] == ["180", "80", "100"]


def test_a_total_of_the_terms_years_leaves_the_after_term_cell_beside_it():
    # 계 370 sums ’14년–’16년; 임기 후 143 is outside it
    text = "(단위 : 백만원)\n계\n’14년 ’15년 ’16년\n임기 내\n임기 후\n계\n370 70 100 200 143\n국비\n370 70 100 200 143\n"
    (table,) = [t for t in find_tables(text) if t.layout == "flat"]
    header = [c.text for c in table.cells if c.row == 0]
    assert header[-1] == "임기 후"  # the 'after the term' header, written after the years
    doc = doc_of(text, "other")
    assert (143_000_000, None) in {(b.amount_krw, b.fiscal_year) for b in doc.budgets}
    assert (200_000_000, 2016) in {(b.amount_krw, b.fiscal_year) for b in doc.budgets}


def test_a_header_written_before_its_caption_is_found():
    # 구 분 / 계 / the years / 임기 후, and only then the caption and the one program's row
    text = (
        "구 분\n계\n’14년\n’15년\n’16년\n’17년 ’18.6월\n임기 후\n임기 내\n(단위 : 백만원)\n"
        "시 비 6,260\n500\n1,000\n1,500\n1,630\n1,630\n-\n"
    )
    got = _millions(text)
    assert got == {
        (6260, None),
        (500, 2014),
        (1000, 2015),
        (1500, 2016),
        (1630, 2017),
        (1630, 2018),
    }


def test_years_one_per_line_are_read_past_the_header_window():
    # the caption, then many header cells, then the years one per line
    text = (
        "(단위 : 백만원)\n임기 후\n단위사업\n휴가지원\n구 분\n계\n"
        "’14년\n’15년\n’16년\n’17년 ’18.6월\n민 간\n27\n7\n4\n8\n4\n4\n-\n"
    )
    got = _millions(text)
    assert (8, 2016) in got and (4, 2018) in got and (27, None) in got


def test_the_previous_grids_header_cells_are_not_this_grids():
    # the first grid's last line '임기 후' is not a header cell of the second grid
    first = "(단위 : 백만원)\n계\n’14년 ’15년\n계\n30 10 20\n국비\n30 10 20\n임기 후\n-\n"
    second = " 연도별 집행액\n(단위 : 백만원)\n계\n’14년 ’15년\n계\n10 10 -\n국비\n10 10 -\n"
    tables = [t for t in find_tables(first + second) if t.layout == "flat"]
    assert len(tables) == 2
    text = first + second
    assert tables[1].char_start > text.index("연도별 집행액")
    assert "임기 후" not in [c.text for c in tables[1].cells]


def test_subtotal_rows_are_found_from_their_labels():
    # 계 = 국비 + 시비, and 소계 sums them too: the grid read down each year
    text = (
        "(단위 : 백만원)\n계\n’14년 ’15년\n-\n계\n600\n사업명\n소 계 600\n국 비 300\n시 비 300\n"
        "200 200 100 100\n400 400 200 200\n"
    )
    doc = doc_of(text, "other")
    got = sorted((b.amount_krw // 1_000_000, b.fiscal_year, b.item) for b in doc.budgets)
    assert (100, 2014, "국비") in {(a, y, i.split()[-1]) for a, y, i in got}
    assert (200, 2015, "시비") in {(a, y, i.split()[-1]) for a, y, i in got}
    assert (400, 2015, "소계") in {(a, y, i.split()[-1]) for a, y, i in got}


def test_the_next_parts_title_between_a_label_and_its_numbers():
    # '구 분 계' on one line; the converter wrote the next part's title before the row's numbers
    text = (
        "\uf06f 연차별 투자수요\n구 분 계\n’14년\n’15년\n’16년\n임기 후\n(단위 : 백만원)\n"
        "교재 제작 시비\n\uf06f 연도별 집행액\n89\n-\n59\n30\n-\n"
    )
    got = _millions(text)
    assert got == {(89, None), (59, 2015), (30, 2016)}
    # the title still heads its part: the grid's span does not hide it
    assert any("연도별 집행액" in s.title for s in doc_of(text, "other").sections)


def test_an_after_term_header_written_among_the_numbers_adds_its_column():
    # '임기 후' comes after the years' numbers, its dashes after it: not a row's label
    text = (
        "(단위 : 백만원)\n구 분\n계\n’14년\n’15년\n’16년\n-\n계\n195\n지킴이 양성\n시 비\n195\n"
        "비예산\n-\n35 50 110\n35 50 110\n-\n-\n-\n임기 후\n-\n-\n-\n"
    )
    assert _millions(text) == {(195, None), (35, 2014), (50, 2015), (110, 2016)}
    budgets = doc_of(text, "other").budgets
    assert sum(1 for b in budgets if b.fiscal_year == 2016) == 2


def test_many_subtotal_labels_are_refused_before_any_choice_is_made():
    # 60 '소 계' labels over a 40-row grid: the 2^39 choices of 소계 rows are never built
    text = "(단위 : 백만원)\n계\n’14년 ’15년\n" + "소 계\n" * 60 + " ".join(["7"] * 120) + "\n"
    assert flat_grids(text, 0, len(text), []) == []
