"""The tree of money (extract/tree.py) and the kind of each amount (extract/flow.py): one short
constructed document per rule, then the seeds as a researcher sums them."""

from __future__ import annotations

import pytest
from extract_helpers import budget, doc_of

from pipeline.extract.flow import flow_of, stage_of
from pipeline.extract.phrases import item_overlap
from pipeline.model import BudgetRow, Document


def parent_of(doc: Document, text: str, nth: int = 1) -> BudgetRow | None:
    b = budget(doc, text, nth)
    return next((p for p in doc.budgets if p.budget_id == b.parent_budget_id), None)


def distinct_sum(doc: Document, **where: object) -> int:
    """What ``sum(amount_krw) where not is_total and same_as_budget_id is null`` gives."""
    return sum(
        b.amount_krw
        for b in doc.budgets
        if not b.is_total
        and b.same_as_budget_id is None
        and all(getattr(b, k) == v for k, v in where.items())
    )


def test_parts_after_a_total_and_parts_of_a_part():
    doc = doc_of("○ 총사업비: 318억▹리모델링 250(국비126,시비121,기타 3), 부지 68\n")
    assert parent_of(doc, "250").amount_text == "318억"
    assert parent_of(doc, "126").amount_text == "250"
    assert parent_of(doc, "68").amount_text == "318억"
    assert budget(doc, "318억").is_total and budget(doc, "250").is_total
    assert distinct_sum(doc) == 318 * 10**8


def test_a_range_floor_is_not_a_part():
    doc = doc_of("○ 지원규모 : 50～80억원\n")
    assert all(b.parent_budget_id is None and not b.is_total for b in doc.budgets)


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("- 운영규모 : 655억원 (시정형 450억원, 지역형 180억원, 동단위계획형 25억원)\n", True),
        # a near miss is still its breakdown: the document's slip is for `check` to show
        ("- 운영규모 : 655억원 (시정형 450억원, 지역형 180억원, 동단위계획형 26억원)\n", True),
        # amounts in a bracket that are not its parts
        ("- 운영규모 : 655억원 (’24년 300억원, ’23년 200억원)\n", False),
    ],
)
def test_a_breakdown_in_brackets(text, linked):
    doc = doc_of(text)
    assert (parent_of(doc, "450억원" if "450" in text else "300억원") is not None) is linked


TOTAL_ROW_FIRST = (
    "(단위 : 백만원)\n구분\t2024\t2025\n합계\t300\t330\n일반회계\t200\t220\n특별회계\t100\t110\n"
)
TOTAL_ROW_LAST = "(단위 : 백만원)\n구분\t예산\n사업A\t200\n사업B\t100\n계\t300\n"
SUBTOTALS = "(단위 : 백만원)\n구분\t예산\n계\t60\n소계\t30\n가\t10\n나\t20\n소계\t30\n다\t30\n"
INDENTED = "(단위 : 억원)\n구분\t\t예산\n합계\t\t300\n일반회계\t\t200\n특별회계\t\t100\n\t공기업\t40\n\t기타\t60\n"


def test_a_total_row_written_first_sums_the_rows_below_it():
    doc = doc_of(TOTAL_ROW_FIRST)
    assert parent_of(doc, "220").amount_text == "330"
    assert parent_of(doc, "100").amount_text == "300"
    assert distinct_sum(doc, fiscal_year=2025) == 330_000_000


def test_a_total_row_written_last_sums_the_rows_above_it():
    doc = doc_of(TOTAL_ROW_LAST)
    assert parent_of(doc, "200").amount_text == "300"
    assert distinct_sum(doc) == 300_000_000


def test_subtotals_sum_their_groups_and_the_total_sums_the_subtotals():
    doc = doc_of(SUBTOTALS)
    assert [parent_of(doc, x).amount_text for x in ("10", "20")] == ["30", "30"]
    assert parent_of(doc, "30", 1).amount_text == "60"  # the first 소계
    assert parent_of(doc, "30", 3).amount_text == "30"  # 다 is in the second group
    assert distinct_sum(doc) == 60_000_000


def test_an_indented_label_is_a_part_of_the_row_above_it():
    doc = doc_of(INDENTED)
    assert parent_of(doc, "40").amount_text == "100"
    assert parent_of(doc, "100").amount_text == "300"
    assert distinct_sum(doc) == 300 * 10**8


def test_a_total_column_sums_its_row_and_a_difference_column_is_not_a_part():
    doc = doc_of("(단위 : 억원)\n구분\t계\t국비\t시비\t증감\n사업비\t530\t120\t410\t10\n")
    assert parent_of(doc, "120").amount_text == "530"
    assert parent_of(doc, "10") is None
    assert budget(doc, "530").is_total


def test_a_grand_total_takes_its_parts_along_one_axis():
    doc = doc_of(
        "(단위 : 억원)\n구분\t계\t국비\t시비\n합계\t100\t40\t60\n사업A\t60\t20\t40\n사업B\t40\t20\t20\n"
    )
    grand = budget(doc, "100")
    kids = sorted(b.amount_text for b in doc.budgets if b.parent_budget_id == grand.budget_id)
    assert kids == [
        "40",
        "60",
    ]  # the 사업 totals of its column, not also the 국비 and 시비 of its row
    assert parent_of(doc, "20").amount_text == "40"  # 사업A 국비 under the 합계 국비
    assert distinct_sum(doc) == 100 * 10**8  # each won once: the 국비 and 시비 of each 사업


BASIS = (
    "과목구분\t세부 산출내역\t\n"
    "사무관리비\t○ 포럼 개최 46,800천원\t= 46,800천원\n"
    "\t- 행사장 임차 5,000천원 * 2회\t= 10,000천원\n"
    "\t- 자료집 제작 36,800천원 * 1회\t= 36,800천원\n"
)


def test_a_group_line_totals_its_lines():
    doc = doc_of(BASIS)
    assert parent_of(doc, "10,000천원").amount_text == "46,800천원"
    assert distinct_sum(doc) == 46_800_000


def test_a_heading_amount_its_sub_headings_add_up_to():
    doc = doc_of("□ 사업비 : 100억원\n ○ 시설 조성 : 60억원\n ○ 운영 : 40억원\n")
    assert parent_of(doc, "60억원").amount_text == "100억원"
    doc = doc_of("□ 사업비 : 100억원\n ○ 시설 조성 : 60억원\n ○ 운영 : 30억원\n")
    assert parent_of(doc, "60억원") is None  # prose: only when the arithmetic holds


CATEGORY = (
    "□ 예산 총괄\n(단위 : 천원)\n구 분\t2016예산\n계\t76,800\n사무관리비\t46,800\n민간위탁금\t30,000\n\n"
    "□ 예산 요구내역 및 산출근거\n과목구분\t세부 산출내역\t\n"
    "사무관리비\t○ 포럼 개최 46,800천원\t= 46,800천원\n"
    "\t- 행사장 임차 5,000천원 * 2회\t= 10,000천원\n"
    "\t- 자료집 제작 36,800천원 * 1회\t= 36,800천원\n"
    "민간위탁금\t○ 컨설팅단 운영비 지원 30,000천원\t= 30,000천원\n"
)


def test_a_summary_row_totals_the_lines_filed_under_its_category():
    doc = doc_of(CATEGORY, kind="budget_program")
    assert parent_of(doc, "46,800천원").amount_text == "46,800"
    assert distinct_sum(doc, fiscal_year=2016, flow="expenditure") == 76_800_000
    assert distinct_sum(doc, fiscal_year=2016, category="사무관리비") == 46_800_000


def test_the_same_money_written_again_restates_it():
    doc = doc_of(
        CATEGORY + "\n□ 사업내용\n- 포럼 개최\n  - 2016년 소요 예산(안) : 46,800천원\n",
        kind="budget_program",
    )
    again = budget(doc, "46,800천원", 2)
    assert again.same_as_budget_id is not None
    assert distinct_sum(doc, fiscal_year=2016, flow="expenditure") == 76_800_000


def test_a_rounded_figure_restates_the_exact_one():
    doc = doc_of(
        "□ 예 산 : 세입 89억원, 세출 463억원\n(’25년 본예산, 단위 : 천원)\n"
        "구분\t계\t과A\t과B\n세입\t8,946,770\t7,829,054\t1,117,716\n"
        "세출\t46,383,141\t36,247,265\t10,135,876\n"
    )
    assert budget(doc, "46,383,141").same_as_budget_id == budget(doc, "463억원").budget_id
    assert budget(doc, "463억원").is_total  # its money is counted in the table's parts
    assert distinct_sum(doc, flow="expenditure", fiscal_year=2025) == 46_383_141_000
    assert distinct_sum(doc, flow="revenue", fiscal_year=2025) == 8_946_770_000


def test_a_sum_of_rows_stated_again_elsewhere_is_a_total():
    doc = doc_of(
        "□ 2016년 예산 요구내역 및 산출근거\n과목구분\t세부 산출내역\t\n"
        "사무관리비\t○ 민관협력포럼 개최 46,800천원\t= 46,800천원\n"
        "\t○ 분야별 포럼 운영비 지원 28,280천원\t= 28,280천원\n"
        "\t○ 국제기구 평가 참가 44,000천원\t= 44,000천원\n\n"
        "□ 사업내용\n- 민관협력포럼 및 분야별 포럼 운영\n  - 2016년 소요 예산(안) : 75,080천원\n",
        kind="budget_program",
    )
    assert budget(doc, "75,080천원").is_total  # 46,800 + 28,280, written again


def test_a_table_restating_earlier_money_restates_all_of_it():
    doc = doc_of(
        CATEGORY + "\n□ 2016년도 추진일정\n사업추진절차\t추진기간\t예산집행금액\n"
        "행사장 임차\t2016.03~2016.03\t10,000\n자료집 제작\t2016.05~2016.09\t36,800\n"
        "컨설팅단 운영비 지원(1차)\t2016.01~2016.01\t15,000\n"
        "컨설팅단 운영비 지원(2차)\t2016.07~2016.07\t15,000\n",
        kind="budget_program",
    )
    assert budget(doc, "15,000").same_as_budget_id == budget(doc, "30,000천원").budget_id
    assert distinct_sum(doc, fiscal_year=2016, flow="expenditure") == 76_800_000


@pytest.mark.parametrize(
    ("words", "flow"),
    [
        (["세입"], "revenue"),
        (["세출 (계)"], "expenditure"),
        (["총사업비"], "expenditure"),
        (["지방세 징수액"], "revenue"),
        (["세입", "세출"], None),
        (["소요 예산(안)"], None),
        (["운송수입 1일"], None),  # someone else's income
    ],
)
def test_the_flow_the_words_name(words, flow):
    assert flow_of(words) == flow


@pytest.mark.parametrize(
    ("words", "stage"),
    [
        (["2016예산(B)"], "budget"),
        (["’25년 본예산"], "budget"),
        (["예산집행금액"], "settlement"),
        (["2024 결산"], "settlement"),
        (["제1회 추경"], "supplementary"),
        (["’24년 최종예산"], "supplementary"),
        (["’24년 당초예산"], "budget"),
        (["예산 요구내역 및 산출근거"], "request"),
        (["2016년도 소요 예산(안)"], "plan"),
        (["총사업비"], "plan"),
        (["지출"], "settlement"),
        (["지출계획"], "plan"),
        (["집행액", "총사업비"], "settlement"),
        (["’24년 예산(B)", "보전지출"], "budget"),  # the column before the row label
        (["구분"], None),
    ],
)
def test_the_stage_the_words_name(words, stage):
    assert stage_of(words) == stage


def test_an_expenditure_object_is_expenditure_and_a_funding_source_is_not():
    doc = doc_of("(단위 : 천원)\n구분\t2025\n사무관리비\t1,000\n국비\t500\n")
    assert budget(doc, "1,000").flow == "expenditure"
    assert budget(doc, "500").flow is None


def test_parts_take_the_flow_of_their_total():
    doc = doc_of("○ 사업비 530억원 (국비 120, 시비 410)\n")
    assert {b.flow for b in doc.budgets} == {"expenditure"}


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [
        ("홍보 매뉴얼 제작 (예산집행금액)", "홍보매뉴얼 제작(3개분야)", True),
        ("A사업 국비", "B사업 국비", False),
        ("2016년 소요 예산(안)", "2015년 소요 예산", False),
    ],
)
def test_items_overlap_by_their_words_not_their_money_words(a, b, shared):
    assert (item_overlap(a, b) > 0) is shared


# ── the seeds, as a researcher sums them ─────────────────────────────────────────────────
def test_004_sums_to_its_own_totals(seed_docs):
    from conftest import SEED_004

    doc = seed_docs[SEED_004]
    assert distinct_sum(doc, fiscal_year=2016, flow="expenditure") == 1_145_180_000  # 2016 계
    office = sum(
        b.amount_krw
        for b in doc.budgets
        if b.fiscal_year == 2016
        and not b.is_total
        and b.same_as_budget_id is None
        and b.flow == "expenditure"
        and b.category == "사무관리비"
    )
    assert office == 801_480_000  # 사무관리비 2016


def test_a_lone_part_unlike_its_total_is_a_share_not_a_breakdown():
    doc = doc_of("- (부산진구) 개금3동, 총사업비 474억 ( 국비 154 억 )\n")
    assert parent_of(doc, "154") is None
    assert not budget(doc, "474억").is_total
