from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.money import (
    evaluate_basis,
    find_amounts,
    format_amount,
    parse_amount,
    parse_number_cell,
    to_krw,
)


@pytest.mark.parametrize(
    ("text", "krw", "unit"),
    [
        ("1,145,180천원", 1_145_180_000, "천원"),
        ("10,000천원", 10_000_000, "천원"),
        ("2조 9,123억원", 2_912_300_000_000, "억원"),
        ("655억원", 65_500_000_000, "억원"),
        ("294백만원", 294_000_000, "백만원"),
        ("100만원", 1_000_000, "만원"),
        ("50,000,000원", 50_000_000, "원"),
        ("9,798억원", 979_800_000_000, "억원"),
        ("1억 5천만원", 150_000_000, "만원"),
        ("Δ23,240천원", -23_240_000, "천원"),
        ("△1,234천원", -1_234_000, "천원"),
        ("38,400 천원", 38_400_000, "천원"),
        ("1조 9,212억원", 1_921_200_000_000, "억원"),
    ],
)
def test_parse_amount(text, krw, unit):
    a = parse_amount(text)
    assert (a.krw, a.unit) == (krw, unit)


@pytest.mark.parametrize(
    ("cell", "unit", "krw"),
    [
        ("Δ23,240", "천원", -23_240_000),
        ("-742,452", "백만원", -742_452_000_000),
        ("366,615", "천원", 366_615_000),
        ("2,912,334 (76)", "백만원", 2_912_334_000_000),
    ],
)
def test_cells_take_the_table_unit(cell, unit, krw):
    n = parse_number_cell(cell)
    assert n is not None and to_krw(n.value, unit) == krw


@pytest.mark.parametrize(
    "cell", ["307/295 (178)", "(x-)", "2016.03~2016.03", "서울특별시", "8~9급"]
)
def test_non_numbers(cell):
    assert parse_number_cell(cell) is None


def test_find_amounts_in_prose_with_spans():
    text = "운영규모 : 655억원 (시정형 450억원, 지역형 180억원) 사업제안 : 3,288건, 9,798억원 ☎ 02-2133-8665, 24%"
    found = list(find_amounts(text))
    assert [a.krw for a in found] == [
        65_500_000_000,
        45_000_000_000,
        18_000_000_000,
        979_800_000_000,
    ]
    assert all(text[a.start : a.end] == a.text for a in found)


@pytest.mark.parametrize(
    "text", ["307/295명", "243건", "02-2133-8665", "26 %", "3대 분야 10대 과제"]
)
def test_not_money(text):
    assert list(find_amounts(text)) == []


@pytest.mark.parametrize(
    ("basis", "krw"),
    [
        ("행사장 임차 5,000천원 * 2회", 10_000_000),
        ("발표료 4인 * 200천원 * 4회", 3_200_000),
        ("2,000천원 * 2명 * 5개도시 * 1회", 20_000_000),
        ("75천원 * 120쪽 * 1회", 9_000_000),
        ("220천원 * 5일 * 3명 * 8회", 26_400_000),
        ("10,000천원", None),
    ],
)
def test_evaluate_basis(basis, krw):
    assert evaluate_basis(basis) == krw


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_won_and_compound_round_trip(krw):
    for style in ("won", "compound"):
        assert parse_amount(format_amount(krw, style)).krw == krw


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.sampled_from(["천원", "만원", "백만원", "억원", "조원"]),
)
def test_unit_styles_round_trip(n, unit):
    mult = {"천원": 10**3, "만원": 10**4, "백만원": 10**6, "억원": 10**8, "조원": 10**12}[unit]
    a = parse_amount(format_amount(n * mult, unit))
    assert a.krw == n * mult
