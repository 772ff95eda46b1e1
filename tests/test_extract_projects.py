"""Projects (extract/projects.py): which items are 사업 / 과제, and what they own."""

from __future__ import annotations

from extract_helpers import doc_of


def _projects(text: str, kind: str = "work_report"):
    return {p.name: p for p in doc_of(text, kind).projects}  # type: ignore[arg-type]


PLAN = (
    "Ⅲ. 2025년 주요업무계획\n"
    "1. 공원 조성\n"
    "□ 사업개요\n"
    "ㅇ 사업기간 : ’22. 9. ~ ’27. 12.\n"
    "ㅇ 총사업비 : 400억원 (국비 200, 시비 200)\n"
    "2. 하천 정비\n"
    "□ 사업개요\n"
    "ㅇ 총사업비 : 100억원\n"
)


def test_a_project_owns_the_total_cost_and_period_of_its_own_section():
    ps = _projects(PLAN)
    park, river = ps["공원 조성"], ps["하천 정비"]
    assert park.total_budget_krw == 400 * 10**8
    assert (str(park.period_start), str(park.period_end)) == ("2022-09-01", "2027-12-31")
    assert river.total_budget_krw == 100 * 10**8  # not the park's, written before it
    assert river.period_start is None


def test_a_flattened_list_of_circled_items_is_not_one_project():
    ps = _projects("○ 대상지역\n① 해운대1,2 ② 화명·금곡 ③ 다대 일대\n① 시민공원 조성\n")
    assert "시민공원 조성" in ps
    assert not any("②" in name for name in ps)


def test_rows_link_to_the_innermost_project_whose_section_holds_them():
    doc = doc_of(PLAN + "Ⅳ. 행정사항\n○ 예산 : 5억원\n")
    by_amount = {b.amount_text: b.project_id for b in doc.budgets}
    names = {p.project_id: p.name for p in doc.projects}
    assert names[by_amount["400억원"]] == "공원 조성"
    assert names[by_amount["100억원"]] == "하천 정비"
    assert by_amount["5억원"] is None  # past the end of the plan part
