"""The mentions pass: every money expression, each read once, with its span."""

from __future__ import annotations

import pytest
from extract_helpers import doc_of


def _amounts(text: str) -> list[tuple[str, int]]:
    doc = doc_of(text)
    for b in doc.budgets:
        assert doc.text[b.char_start : b.char_end] == b.amount_text
    return [(b.amount_text, b.amount_krw) for b in doc.budgets]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # parts listed after a total take the total's unit
        (
            "○ 사업비 530억원 (국비 120, 시비 410)\n",
            [("530억원", 53_000_000_000), ("120", 12_000_000_000), ("410", 41_000_000_000)],
        ),
        (
            "▹ 총사업비: 318억▹리모델링 250(국비126,시비121,기타 3), 부지 68\n",
            [
                ("318억", 31_800_000_000),
                ("250", 25_000_000_000),
                ("126", 12_600_000_000),
                ("121", 12_100_000_000),
                ("3", 300_000_000),
                ("68", 6_800_000_000),
            ],
        ),
        # the bracket may open with the year its parts are for
        (
            "○ 개선사업 1,000백만원(‘25년, 시 500, 구 500)\n",
            [("1,000백만원", 1_000_000_000), ("500", 500_000_000), ("500", 500_000_000)],
        ),
        # a bracket of counts or shares is not a breakdown
        ("○ 시설 확충 100억원(3건, 2개소)\n", [("100억원", 10_000_000_000)]),
        # the lower end of a range written once with its unit
        ("○ 출자 : 부산시(매년 50～80억)\n", [("50", 5_000_000_000), ("80억", 8_000_000_000)]),
        # compound amounts are one amount
        ("○ 지방채 1조 3,154억원 발행\n", [("1조 3,154억원", 1_315_400_000_000)]),
        # law articles are not money
        ("○ 도서관법 27조(공공도서관의 설치 등), 같은 법 1.3 조\n", []),
        ("○ 같은 법 제27조 제1항\n", []),
        # a 산출근거 product: only its result is an amount
        ("- 행사장 임차 5,000천원 * 2회 = 10,000천원\n", [("10,000천원", 10_000_000)]),
    ],
)
def test_money_mentions(text, expected):
    assert _amounts(text) == expected


def test_a_money_cell_stacking_several_numbers_is_several_amounts():
    text = "(단위 : 백만원)\n구분\t예산\n사업\t132 105 220\n"
    assert _amounts(text) == [
        ("132", 132_000_000),
        ("105", 105_000_000),
        ("220", 220_000_000),
    ]


def test_a_label_value_sheet_states_its_budget_in_won_and_zero_is_an_amount():
    text = (
        "부서부서부서\n도시계획국 도시빛정책과\n사업사업사업\n경관조명 유지관리\n"
        '예산예산예산\n"629,756,000"\n지출지출지출\n0\n'
    )
    doc = doc_of(text, "budget_program")
    assert [(b.item, b.amount_krw) for b in doc.budgets] == [("예산", 629_756_000), ("지출", 0)]


def test_a_flattened_money_table_after_its_unit():
    text = "<붙임2> 협치사업예산 (단위 : 천원) 구분 소요예산 계 4,611,935 조사 및 모니터링비 100,000 대토론회 개최 140,000\n"
    assert [a for _, a in _amounts(text)] == [4_611_935_000, 100_000_000, 140_000_000]
