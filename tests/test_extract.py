from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEED_000, SEED_003, SEED_004, SEEDS

D = dt.date


def test_004_budget_summary_by_category_and_year(seed_docs):
    doc = seed_docs[SEED_004]
    # the 예산 총괄 rows: one per 과목 and year (산출근거 lines carry the 과목 as category too)
    table = {
        (b.category, b.fiscal_year): b.amount_krw
        for b in doc.budgets
        if b.table_id
        and b.category == b.item
        and "원" not in b.amount_text  # bare cells of 예산 총괄
    }
    assert table[("사무관리비", 2016)] == 801_480_000
    assert table[("사무관리비", 2014)] == 180_345_000
    assert table[("국외업무여비", 2015)] == 87_500_000
    assert table[("민간위탁금", 2016)] == 119_000_000
    categories = {c for c, y in table if y == 2016}
    assert {
        "사무관리비",
        "국외업무여비",
        "시책추진업무추진비",
        "전산개발비",
        "민간인국외여비",
        "외빈초청여비",
        "민간위탁금",
    } <= categories
    # the 계 row, named by the table's heading too ('예산 총괄 계')
    total_2016 = [b for b in doc.budgets if b.item.endswith(" 계") and b.fiscal_year == 2016]
    assert [b.amount_krw for b in total_2016] == [1_145_180_000]


@pytest.mark.parametrize(
    ("item", "amount", "basis", "basis_amount"),
    [
        ("행사장 임차", 10_000_000, "5,000천원 * 2회", 10_000_000),
        ("발표료", 3_200_000, "4인 * 200천원 * 4회", 3_200_000),
        ("전문가 참석수당", 3_600_000, "6인 * 150천원 * 4회", 3_600_000),
        ("자료집 제작비, 운영비 등", 4_480_000, "160천원 * 7분야 * 4회", 4_480_000),
    ],
)
def test_004_calculation_basis(seed_docs, item, amount, basis, basis_amount):
    doc = seed_docs[SEED_004]
    rows = [b for b in doc.budgets if b.item == item and b.amount_krw == amount]
    assert rows, item
    b = rows[0]
    assert (b.basis, b.basis_amount_krw, b.basis_ok, b.category) == (
        basis,
        basis_amount,
        True,
        "사무관리비",
    )


def test_004_program_is_a_project_with_total(seed_docs):
    doc = seed_docs[SEED_004]
    p = doc.projects[0]
    assert (p.name, p.total_budget_krw, p.department) == (
        "우수정책 해외진출을 위한 정책교류 활성화",
        1_145_180_000,
        "해외도시협력담당관",
    )
    parents = {x.project_id: x.parent_project_id for x in doc.projects}

    def root(pid):
        while parents.get(pid):
            pid = parents[pid]
        return pid

    # every amount belongs to the program, directly or through one of its sub-projects
    assert all(root(b.project_id) == p.project_id for b in doc.budgets)
    sub = {x.name: x for x in doc.projects if x.parent_project_id == p.project_id}
    assert "국제기구 평가 참가" in sub and "해외도시 대상 정책컨설팅 실시" in sub
    in_sub = [b for b in doc.budgets if b.project_id == sub["국제기구 평가 참가"].project_id]
    assert [b.amount_krw for b in in_sub] == [44_000_000]


def test_004_schedule_table_lines(seed_docs):
    doc = seed_docs[SEED_004]
    rows = [r for r in doc.schedules if r.when_text.startswith("2016")]
    assert len(rows) == 21
    first = rows[0]
    assert (first.task, first.start_date, first.end_date, first.precision) == (
        "민관협력포럼개최",
        D(2016, 3, 1),
        D(2016, 3, 31),
        "month",
    )
    assert ("분야별 정책패키지 제작", D(2016, 4, 1), D(2016, 12, 31)) in [
        (r.task, r.start_date, r.end_date) for r in rows
    ]


def test_000_required_budget(seed_docs):
    doc = seed_docs[SEED_000]
    by_item = {b.item: b.amount_krw for b in doc.budgets}
    assert by_item["소요예산"] == 10_000_000
    parts = [b.amount_krw for b in doc.budgets if b.item != "소요예산"]
    assert sorted(parts) == [1_500_000, 1_500_000, 7_000_000] and sum(parts) == 10_000_000


def test_000_schedule(seed_docs):
    doc = seed_docs[SEED_000]
    got = {(r.task, r.start_date, r.end_date) for r in doc.schedules if r.recurrence is None}
    for expected in [
        ("분과위원회 구성", D(2020, 2, 1), D(2020, 2, 29)),
        ("남북교류협력위원회 보고", D(2020, 4, 1), D(2020, 4, 30)),
        ("최종계획 수립", D(2020, 5, 1), D(2020, 5, 31)),
        ("분과별 성과관리", D(2020, 6, 1), None),
        ("서울-평양 도시협력 구상 발표", D(2016, 11, 10), D(2016, 11, 10)),
    ]:
        assert expected in got
    assert any(
        r.start_date == D(2020, 2, 1)
        and r.end_date == D(2020, 4, 30)
        and r.task.startswith("분과위원회 개최")
        for r in doc.schedules
    )


def test_000_ten_tasks_are_projects(seed_docs):
    doc = seed_docs[SEED_000]
    names = {p.name for p in doc.projects}
    assert "대동강 수질개선과 평양 상하수도 개량" in names
    assert "보건의료 협력" in names


def test_prose_amounts_and_not_money(seed_docs):
    doc = seed_docs[SEED_003]
    by_item = {b.item: b.amount_krw for b in doc.budgets if b.table_id is None}
    assert by_item["운영규모"] == 65_500_000_000
    assert by_item["시정형"] == 45_000_000_000
    assert all("건" not in b.amount_text and "명" not in b.amount_text for b in doc.budgets)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_extracted_value_is_its_source(seed_docs, seed):
    doc = seed_docs[seed]
    for b in doc.budgets:
        assert doc.text[b.char_start : b.char_end] == b.amount_text
    for r in doc.schedules:
        assert doc.text[r.char_start : r.char_end] == r.when_text
    for p in doc.projects:
        assert doc.text[p.char_start : p.char_end] == p.name
    assert len({b.budget_id for b in doc.budgets}) == len(doc.budgets)


def test_000_task_sub_items_are_children(seed_docs):
    doc = seed_docs[SEED_000]
    by_id = {p.project_id: p for p in doc.projects}
    parent_of = {
        p.name: by_id[p.parent_project_id].name for p in doc.projects if p.parent_project_id
    }
    assert parent_of["평양 하수처리장 개량 지원"] == "대동강 수질개선과 평양 상하수도 개량"
    assert parent_of["결핵제로화 사업"] == "보건의료 협력"
    assert (
        "(중장기) 서울-평양 수도공사 설립" in parent_of
    )  # the flattened column label '과 제 보 완' is not part of it
