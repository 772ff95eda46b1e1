from __future__ import annotations

import pytest
from conftest import SEED_001, SEED_003, SEED_004, SEEDS

from pipeline.tables import find_tables, render_cell


def cell(doc, text, row_label=None, header_last=None):
    for t in doc.tables:
        for c in t.cells:
            if (
                c.text == text
                and (row_label is None or c.row_label == row_label)
                and (header_last is None or (c.header_path and c.header_path[-1] == header_last))
            ):
                return c
    raise AssertionError(f"no cell {text!r} / {row_label!r} / {header_last!r}")


# (seed, cell text, row_label, last header, header_path, unit, amount_krw) — checked by hand against the source
CELLS = [
    (SEED_003, "6", "정 원", "소계", ["일 반 직", "소계"], "명", None),
    (SEED_003, "9", "현 원", "5급상당", ["별 정 직", "5급상당"], "명", None),
    (SEED_003, "19", "정 원", "총 계", ["총 계"], "명", None),
    (SEED_003, "357,200", "계", "예 산 액", ["예 산 액"], "천원", 357_200_000),
    (SEED_003, "84,196", "기관운영업무추진비", "집 행 액", ["집 행 액"], "천원", 84_196_000),
    (SEED_003, "45,621", "시책추진업무추진비", "잔 액", ["잔 액"], "천원", 45_621_000),
    (SEED_004, "801,480", "사무관리비", "2016예산(B)", ["2016예산(B)"], "천원", 801_480_000),
    (SEED_004, "180,345", "사무관리비", "2014년 예산액", ["2014년 예산액"], "천원", 180_345_000),
    (SEED_004, "Δ23,240", "계", "증감 (B-A)", ["증감 (B-A)"], "천원", -23_240_000),
    (SEED_004, "Δ10,000", "외빈초청여비", "증감 (B-A)", ["증감 (B-A)"], "천원", -10_000_000),
    (SEED_004, "119,000", "민간위탁금", "2016예산(B)", ["2016예산(B)"], "천원", 119_000_000),
    (SEED_004, "26", "사무관리비", "(B-A)*100/A", ["(B-A)*100/A"], "%", None),
    (SEED_004, "358,103", "2014", "집행액", ["집행액"], "천원", 358_103_000),
    (SEED_004, "= 10,000천원", "사무관리비", None, None, None, None),
    (
        SEED_001,
        "2,912,334 (76)",
        "합계",
        "2020년(사업수)",
        ["2020년(사업수)"],
        "백만원",
        2_912_334_000_000,
    ),
    (SEED_001, "-742,452", "합계", "증감", ["증감"], "백만원", -742_452_000_000),
    (
        SEED_001,
        "984,549 (58)",
        "일반회계",
        "2020년(사업수)",
        ["2020년(사업수)"],
        "백만원",
        984_549_000_000,
    ),
    (SEED_001, "-262,857", "일반회계", "증감", ["증감"], "백만원", -262_857_000_000),
    (
        SEED_001,
        "87,315 (11)",
        "조직담당관",
        "2019년 최종(사업수)",
        ["2019년 최종(사업수)"],
        "백만원",
        87_315_000_000,
    ),
    (SEED_001, "307/295 (178)", "계", "합 계", ["합 계"], None, None),
    (SEED_001, "257 / 249", "계", "일반직", ["일반직"], None, None),
]


@pytest.mark.parametrize(("seed", "text", "label", "last", "path", "unit", "krw"), CELLS)
def test_cells_by_value(seed_docs, seed, text, label, last, path, unit, krw):
    c = cell(seed_docs[seed], text, label, last)
    if path is not None:
        assert c.header_path == path
    if unit is not None:
        assert c.unit == unit
    assert c.amount_krw == krw


def test_noise_is_removed_not_zeroed(seed_docs):
    doc = seed_docs[SEED_004]
    cells = [c for t in doc.tables for c in t.cells]
    assert not any("(x-)" in c.text for c in cells)
    empty_2014 = [
        c for c in cells if c.row_label == "전산개발비" and c.header_path == ["2014년 예산액"]
    ]
    assert empty_2014 == []  # '(x-)' alone is an empty cell, never a 0


def test_checkboxes_read_as_values(seed_docs):
    doc = seed_docs[SEED_004]
    texts = {c.text for t in doc.tables for c in t.cells}
    assert "연례반복: checked" in texts
    assert any(t.startswith("직접수행: checked; 자치단체 보조: unchecked") for t in texts)
    assert {"checked", "unchecked"} <= texts


def test_html_rowspan_colspan():
    text = '<table><tr><td rowspan="2">구분</td><td colspan="2">예산</td></tr><tr><td>2019</td><td>2020</td></tr><tr><td>계</td><td>1,000</td><td>2,000</td></tr></table>'
    (t,) = find_tables("(단위 : 천원)\n" + text)
    by_pos = {(c.row, c.col): c for c in t.cells}
    assert by_pos[(0, 0)].row_span == 2 and by_pos[(0, 1)].col_span == 2
    assert by_pos[(1, 1)].text == "2019" and by_pos[(1, 2)].text == "2020"


def test_markdown_table():
    text = "(단위: 백만원)\n| 구분 | 2020년 |\n|---|---|\n| 합계 | 1,234 |\n"
    (t,) = find_tables(text)
    c = next(c for c in t.cells if c.text == "1,234")
    assert (c.header_path, c.row_label, c.amount_krw) == (["2020년"], "합계", 1_234_000_000)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_cell_span_is_its_source(seed_docs, seed):
    doc = seed_docs[seed]
    for t in doc.tables:
        assert t.char_start <= t.char_end
        for c in t.cells:
            assert render_cell(doc.text[c.char_start : c.char_end]) == c.text


@pytest.mark.parametrize(
    ("html", "cells"),
    [
        # a converter that leaves out </td> and </tr>: cells end where the next begins
        (
            "<table><tr><td>구분<td>예산<tr><td>사업비<td>1,234</table>",
            [(0, 0, "구분"), (0, 1, "예산"), (1, 0, "사업비"), (1, 1, "1,234")],
        ),
        # a table nested in a cell stays in that cell; the outer row keeps its other cells
        (
            "<table><tr><td>총사업비</td><td><table><tr><td>국비</td></tr></table></td>"
            "<td>비고</td></tr></table>",
            [(0, 0, "총사업비"), (0, 1, "국비"), (0, 2, "비고")],
        ),
        # spans
        (
            '<table><tr><th rowspan="2">구분</th><th colspan="2">예산</th></tr>'
            "<tr><th>2024</th><th>2025</th></tr></table>",
            [(0, 0, "구분"), (0, 1, "예산"), (1, 1, "2024"), (1, 2, "2025")],
        ),
    ],
)
def test_html_tables_are_parsed_not_matched(html, cells):
    text = f"앞 문장\n{html}\n뒤 문장\n"
    (table,) = find_tables(text)
    assert table.layout == "html"
    assert [(c.row, c.col, c.text) for c in table.cells] == cells
    for c in table.cells:  # every cell's span is its source
        assert render_cell(text[c.char_start : c.char_end]) == c.text


def test_a_row_holding_money_under_a_group_header_is_data_not_a_sub_header():
    html = (
        "<table><tr><td colspan='2'>구분</td><td>사업비</td><td>추진사항</td></tr>"
        "<tr><td>공항부문</td><td>부지 조성</td><td>11.6조</td><td>'24.10. : 설계 착수</td></tr>"
        "</table>"
    )
    (table,) = find_tables(html)
    assert [c.is_header for c in table.cells if c.row == 1] == [False] * 4
