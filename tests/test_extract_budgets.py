"""Budget rows: the named exclusions and what each row says its money is for (its item)."""

from __future__ import annotations

import pytest
from extract_helpers import budget, doc_of

from pipeline.extract.exclusions import MONEY_EXCLUSIONS
from pipeline.extract.phrases import has_content, is_generic, item_from


def test_every_money_exclusion_has_a_name_and_a_reason():
    assert {r.name for r in MONEY_EXCLUSIONS} == {
        "product_factor",
        "restated_heading",
        "written_twice",
    }
    assert all(r.reason for r in MONEY_EXCLUSIONS)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("- 발표료 4인 * 200천원 * 4회 = 3,200천원\n", ["3,200천원"]),  # product_factor
        # a note mark opening its line multiplies nothing
        ("○ (심사대상) 일반투자사업 *\n* 40억원～300억원 미만 시 사업\n", ["40억원", "300억원"]),
        ("○ 민관협력포럼 개최 46,800천원 = 46,800천원\n", ["46,800천원"]),  # restated_heading
        (
            "구분\t내역\t금액\n사무관리비\t○ 포럼 개최 46,800천원\t= 46,800천원\n",
            ["46,800천원"],
        ),  # written_twice
        (
            "구분\t2024\t2025\n사업비\t5,000천원\t5,000천원\n",
            ["5,000천원", "5,000천원"],
        ),  # two cells: two
    ],
)
def test_money_exclusions(text, kept):
    assert [b.amount_text for b in doc_of(text).budgets] == kept


def test_a_basis_is_evaluated():
    b = budget(doc_of("- 행사장 임차 5,000천원 * 2회 = 10,000천원\n"), "10,000천원")
    assert (b.item, b.basis, b.basis_amount_krw, b.basis_ok) == (
        "행사장 임차",
        "5,000천원 * 2회",
        10_000_000,
        True,
    )


@pytest.mark.parametrize(
    ("text", "amount", "item"),
    [
        # a cell: its row label (the innermost one) and column header
        (
            "(단위 : 백만원)\n정책사업\t단위사업\t예산\n인재개발원 운영\t전문교육내실화\t1,291\n",
            "1,291",
            "전문교육내실화 (예산)",
        ),
        # labels and values side by side: the nearest label
        (
            "(단위 : 억원)\n구분\t예산액\t구분\t예산액\n지방세\t51,288\t세외수입\t11,101\n",
            "11,101",
            "세외수입 (예산액)",
        ),
        # a prose amount: the phrase it belongs to, not the fragment in its bracket
        ("○ 2013년도 예산액(2,300억원) 지급 완료\n", "2,300억원", "2013년도 예산액"),
        (
            "- 홍보동영상 제작(아시아편, 동유럽편) 80,000천원\n",
            "80,000천원",
            "홍보동영상 제작(아시아편, 동유럽편)",
        ),
        ("○ 재활용시설 설치 지원(46대, 2억원)\n", "2억원", "재활용시설 설치 지원"),
        # a generic money word is named by what it belongs to
        (
            "1. 국제기구 평가 참가\n- 2016년도 소요 예산(안) : 44,000천원\n",
            "44,000천원",
            "국제기구 평가 참가 2016년도 소요 예산(안)",
        ),
        # a part: its total's item and its own label
        ("○ 사업비 530억원 (국비 120, 시비 410)\n", "120", "사업비 국비"),
    ],
)
def test_the_item_of_an_amount(text, amount, item):
    assert budget(doc_of(text), amount).item == item


@pytest.mark.parametrize(
    ("words", "generic"),
    [
        ("소요예산", True),
        ("사업비", True),
        ("2016년도 소요 예산(안)", True),
        ("행사장 임차", False),
    ],
)
def test_generic_money_words(words, generic):
    assert is_generic(words) is generic


@pytest.mark.parametrize(
    ("item", "content"), [("46대,", False), ("’23년", False), ("A=762㎡", False), ("용역비", True)]
)
def test_an_item_must_name_something(item, content):
    assert has_content(item) is content


def test_item_from_reaches_past_a_bracket_of_counts():
    assert item_from("○ RFID 재활용시설 설치 지원(46대, ") == "RFID 재활용시설 설치 지원"


def test_parts_repeating_their_totals_unit_spaced_by_the_pdf():
    doc = doc_of("ㅇ 사 업 비 : 15.4조원 ( 공항 13.5 조 , 도로 0.6 조 , 철도 1.3 조 )\n")
    assert [b.amount_krw for b in doc.budgets] == [
        15_400_000_000_000,
        13_500_000_000_000,
        600_000_000_000,
        1_300_000_000_000,
    ]
    assert not doc_of("○ 법 1.3 조 개정\n").budgets  # a spaced '1.3 조' alone is not money


def test_a_range_in_a_money_cell_gives_both_ends():
    doc = doc_of("(단위: 억원)\n구분\t2025년\t2026년\n부산시\t50~80\t50~80\n")
    assert [(b.amount_krw, b.fiscal_year) for b in doc.budgets] == [
        (5_000_000_000, 2025),
        (8_000_000_000, 2025),
        (5_000_000_000, 2026),
        (8_000_000_000, 2026),
    ]


def test_an_amount_alone_on_its_line_is_named_by_the_label_line_above():
    doc = doc_of("총 사업비\n\n2,345백만원\n\n집 행 액\n\n1,785백만원\n")
    assert [b.item for b in doc.budgets] == ["총 사업비", "집행액"]


def test_a_total_row_is_named_by_its_tables_heading():
    doc = doc_of("□ 예산 총괄\n(단위 : 천원)\n구분\t2016\n계\t1,000\n사무관리비\t1,000\n")
    assert doc.budgets[0].item.startswith("예산 총괄 계")
