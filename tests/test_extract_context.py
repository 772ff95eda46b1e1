"""The context pass: the year in force for amounts and for dates, decided in one place.

Each case is a short constructed document; the real stages run on it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from extract_helpers import budget, doc_of, schedule

from pipeline.extract.context import Context
from pipeline.extract.years import scoping_year
from pipeline.model import Cell, Table

D = dt.date


@pytest.mark.parametrize(
    ("text", "amount", "year"),
    [
        # a money cell takes its own column header's year: 2022 / ’23년 / 2016예산(B)
        ("(단위 : 백만원)\n구분\t2022\t’23년\t2016예산(B)\n사업비\t100\t200\t300\n", "100", 2022),
        ("(단위 : 백만원)\n구분\t2022\t’23년\t2016예산(B)\n사업비\t100\t200\t300\n", "200", 2023),
        ("(단위 : 백만원)\n구분\t2022\t’23년\t2016예산(B)\n사업비\t100\t200\t300\n", "300", 2016),
        # ... then its caption or 기준 note
        (
            "(기준 : ’25년 본예산, 단위 : 백만원)\n구분\t예산액\t비고\n사업비\t1,234\t-\n",
            "1,234",
            2025,
        ),
        # ... never a difference column
        ("(단위 : 백만원)\n구분\t2024\t2025\t증감\n사업비\t100\t120\t20\n", "20", None),
        # a prose amount: the year of its own clause
        ("○ ’24년 사업비 30억원 확보\n", "30억원", 2024),
        # none for a difference, a bound, a multi-year amount
        ("○ ’15년 대비 991억원 증가\n", "991억원", None),
        ("○ 지원대상 : 매출 40억원 이상 기업\n", "40억원", None),
        ("○ 총사업비 3,672억원 ('25~'40)\n", "3,672억원", None),
        ("- 2-1단계 사업(‘16.1.~’24.7.) ▹ 260억원(시), 준공\n", "260억원", None),
        ("○ 연구용역 '24.4.17. ~ '25.3.17. / 184백만원\n", "184백만원", None),
        ("○ 지방세 5조 3,267억원(2,252억↑)\n", "2,252억", None),
        # a period open at its end in the amount's bracket: work running on, not one year's
        ("○ 기본계획 수립 용역 착수 (‘24. 7.~, 787 백만원 )\n", "787 백만원", None),
        # the year opening the bracket after an amount beats its block's period
        (
            "□ 정주환경 개선사업\n- 사업기간 : ’23.∼’25.(계속)\n- 사 업 비 : 1,000백만원 (‘25년, 시 500)\n",
            "1,000백만원",
            2025,
        ),
        # a cap keeps the year in force; a rate too
        ("Ⅲ. 2025년 주요업무계획\n□ 주거지원\n○ 이사비 최대 30만원 지원\n", "30만원", 2025),
        # a heading that starts with a year scopes its part
        ("Ⅲ. 2025년 주요업무계획\n1. 지원사업\n○ 사업비 50억원\n", "50억원", 2025),
        # the caption under a heading dates the heading's amounts
        (
            "□ 예 산 : 세입 89억원\n(’25년 본예산, 단위 : 천원)\n구분\t계\n세입\t8,946,770\n",
            "89억원",
            2025,
        ),
    ],
)
def test_the_fiscal_year_of_an_amount(text, amount, year):
    assert budget(doc_of(text), amount).fiscal_year == year


def test_a_multi_year_amount_gives_its_period_instead():
    b = budget(doc_of("○ 총사업비 3,672억원 ('25~'40)\n"), "3,672억원")
    assert (b.fiscal_year, b.period_start_year, b.period_end_year) == (None, 2025, 2040)


def test_a_plans_own_amount_takes_the_approval_documents_year():
    doc = doc_of("1. 사업개요\n□ 사업예산 : 60,000백만원\n", "approval", D(2025, 11, 20))
    assert budget(doc, "60,000백만원").fiscal_year == 2025
    assert (
        budget(doc_of("1. 사업개요\n□ 사업예산 : 60,000백만원\n"), "60,000백만원").fiscal_year
        is None
    )


def test_a_notices_amounts_are_for_the_program_its_title_dates():
    doc = doc_of(
        "「2026년 수출기업 지원사업」 참여기업 모집 공고\n○ 지원한도 : 기업별 최대 3백만원\n"
    )
    doc.meta.title = "「2026년 수출기업 지원사업」 참여기업 모집 공고"
    assert doc.meta.doc_kind == "other"
    from pipeline.extract import extract

    assert budget(extract(doc), "3백만원").fiscal_year == 2026
    # a title without a leading year dates nothing
    assert budget(doc_of("보행환경 점수제\n○ 지원 : 3백만원\n"), "3백만원").fiscal_year is None


@pytest.mark.parametrize(
    ("line", "year"),
    [
        # a report's amount labelled only as a budget account is its own year's budget
        ("예산 총 규모 : 2조 9,123억원", 2020),
        ("○ 일반회계 : 총 9,845억원", 2020),
        ("□ 예산총괄 : 16조 6,830억원", 2020),
        ("○ 기금 : 총 1조 9,212억원", 2020),
        # ... not a fund being raised, nor an amount labelled by what it buys
        ("○ 기금 조성 : 500억원", None),
        ("○ 시설 개선 : 500억원", None),
    ],
)
def test_a_budget_accounts_amount_takes_the_reports_year(line, year):
    doc = doc_of("I. 일반 현황\n" + line + "\n", "work_report", D(2020, 9, 1))
    assert doc.budgets[0].fiscal_year == year
    # a letter's or an unknown kind's amount is not so dated
    assert doc_of("I. 일반 현황\n" + line + "\n", "other", None).budgets[0].fiscal_year is None


@pytest.mark.parametrize(
    ("text", "when", "start"),
    [
        # a yearless date takes the year on its own line, not the last year above it
        ("□ 추진일정\n○ ’24. 3월 공모\n○ 선정 5월\n", "5월", D(2025, 5, 1)),
        ("□ 추진일정\n○ ’24. 3월 공모, 5월 선정\n", "5월", D(2024, 5, 1)),
        # ... else its heading's year
        ("Ⅱ. ’24년 추진실적\n□ 추진경과\n○ 공모 (4월)\n", "4월", D(2024, 4, 1)),
        # ... but a heading's fiscal year is not when its steps happen
        ("□ 2026년도 본예산 편성 추진\n○ 예산안 시의회 제출 (11.11.)\n", "11.11.", D(2025, 11, 11)),
        # ... else the document's year
        ("□ 향후계획\n○ 결과 보고 (12월)\n", "12월", D(2025, 12, 1)),
        # two-digit years take the century nearest the document's year
        ("□ 추진경위\n○ '97.3.15 설립\n", "'97.3.15", D(1997, 3, 15)),
    ],
)
def test_the_year_in_force_for_a_date(text, when, start):
    doc = doc_of(text, "work_report", D(2025, 2, 11))
    assert schedule(doc, when).start_date == start


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("2020년 지방재정 운용", 2020),
        ("'20년 사업 개요", 2020),
        ("2025년 주요업무계획", 2025),  # a section's title, its marker (Ⅲ.) apart
        ("예산 집행현황('18.6.30 기준)", 2018),
        ("발행규모 : 1조원 ('19년 이월 3,187억원 포함)", None),
        ("’15년 대비 증감", None),
    ],
)
def test_a_heading_scopes_its_part_with_a_leading_or_as_of_year(title, year):
    assert scoping_year(title) == year


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [
        # a 사업비 in a block that states a period of several years: the block's period
        (
            "□ 럭키하우스 지원사업\n○ 지원대상 : 신혼부부\n"
            "○ 사 업 비 : 119억원 ( 시비 ) / 지원기간 : 2023년 ~ 2033년\n",
            "119억원",
            (2023, 2033),
        ),
        (
            "□ 사업개요\nㅇ 사 업 비 : 15.4조원\nㅇ 공사기간 : 7년 (ˊ25.~ˊ32.)\n",
            "15.4조원",
            (2025, 2032),
        ),
        # a total broken down by year: the years it lists
        ("◾ 사 업 비 : 30억원 (’23년 10억원, '24년 20억원)\n", "30억원", (2023, 2024)),
        # '총' after a period: the period before it
        ("◦ 클러스터 조성 * ’24.～‘26., 총 200억원\n", "200억원", (2024, 2026)),
    ],
)
def test_a_programs_cost_takes_the_period_its_block_states(text, amount, period):
    b = budget(doc_of(text, "work_report"), amount)
    assert (b.fiscal_year, (b.period_start_year, b.period_end_year)) == (None, period)


def test_a_cost_without_a_stated_period_keeps_the_year_in_force():
    doc = doc_of(
        "Ⅲ. 2025년 주요업무계획\n□ 장애인주택 개조사업\n○ 사 업 비 : 86.4백만원\n", "work_report"
    )
    assert budget(doc, "86.4백만원").fiscal_year == 2025


def test_a_finished_parts_cost_is_over_the_years_it_took():
    doc = doc_of(
        "Ⅲ. 2025년 주요업무계획\n- 완료(석대천 등 10개, 29.5㎞, 2,412억원)\n", "work_report"
    )
    assert budget(doc, "2,412억원").fiscal_year is None


def test_a_yearly_breakdowns_parts_keep_their_years():
    doc = doc_of(
        "□ 사업개요 (’21.~’32.)\n◾ 사 업 비 : 30억원 (’23년 10억원, '24년 20억원)\n", "work_report"
    )
    assert [(b.amount_text, b.fiscal_year) for b in doc.budgets] == [
        ("30억원", None),
        ("10억원", 2023),
        ("20억원", 2024),
    ]


def test_a_cost_column_with_no_year_holds_whole_project_costs():
    text = "Ⅲ. 2025년 계획\n(단위 : 억원)\n구분\t사업비\t추진사항\n부지 조성\t11.6\t착수\n"
    assert budget(doc_of(text, "work_report"), "11.6").fiscal_year is None


def test_a_stated_year_and_other_periods_keep_an_amount_in_its_year():
    doc = doc_of("○ ’25년 예산 120억원(’23년 80억원, ’24년 100억원 대비 증가)\n", "work_report")
    assert budget(doc, "120억원").fiscal_year == 2025
    text = "□ 2025년 청년창업 지원사업\n○ 사업비 : 5억원\n○ 협약기간 : ’25.3.~’27.2.\n"
    assert budget(doc_of(text, "work_report"), "5억원").fiscal_year == 2025  # not its own period


def test_a_header_with_no_body_cell_under_it_heads_no_date_column():
    """A box's title bar ('선정 및 지급 추진일정') over one cell in another column: the box's
    steps are read from its cell, not dropped as 'not in the date column'."""
    doc = doc_of("선정 및 지급 추진일정\n※ 매월 29일 지급 원칙\n")
    text = doc.text
    title, body = text.index("선정"), text.index("※")
    box = Table(
        "T1",
        "hwpx",
        0,
        len(text),
        [
            Cell(0, 2, "선정 및 지급 추진일정", title, title + 12, is_header=True),
            Cell(1, 0, text[body:].rstrip(), body, len(text.rstrip())),
        ],
    )
    doc.tables = [box]
    ctx = Context(doc)
    assert ctx.date_columns(box) == set()
    columns = Table("T2", "tsv", 0, 1, [*box.cells[:1], Cell(1, 2, "3월", 0, 1)])
    assert ctx.date_columns(columns) == {2}
