"""Arithmetic checks on the seeds: the real mismatches are reported, planted ones are found, and
the checks read the same tree of money as ``budgets.parent_budget_id``."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pytest
from conftest import RAW, SEED_000, SEED_003, SEED_004, SEEDS, needs_shared, seed_text

from pipeline.checks import check_document
from pipeline.model import SourceFile
from pipeline.process import analyse


def checks_of(name: str, text: str | None = None):
    text = seed_text(name) if text is None else text
    doc = analyse(SourceFile(str(RAW / name), name, len(text), "x", "txt"), text)
    return doc, check_document(doc)


def test_the_seeds_mismatches_are_exactly_these(seed_docs):
    """Every mismatch in the five seeds, as the documents state them (never corrected)."""
    found = {
        (doc.source.rel_path[:3], c.kind, c.stated / 1000, c.computed / 1000)
        for name in SEEDS
        for doc in [seed_docs[name]]
        for c in check_document(doc)
        if not c.ok
    }
    assert found == {
        # 004's 예산 총괄 lists only the 과목 that exist in 2016: its 2014 and 2015 totals (and
        # so the 증감 total) include 과목 the table does not show
        ("004", "total", 366_615, 203_515),
        ("004", "total", 1_168_420, 790_180),
        ("004", "total", -23_240, 355_000),
        # its 추진일정 table restates the 산출근거 with other figures for four items
        ("004", "restated", 8_200, 17_800),  # 시책추진업무추진비 vs '시책업무추진비 등'
        ("004", "restated", 16_500, 54_000),  # 해외도시 협력사업 수행 및 현지조사
        ("004", "restated", 99_500, 69_500),  # 해외도시 초청 정책교류 워크숍
        ("004", "restated", 118_800, 92_800),  # 현지세미나/우수정책 홍보 로드쇼
    }


def test_every_total_with_parts_is_checked_against_exactly_its_parts(seed_docs):
    """``check`` and ``parent_budget_id`` agree: one check per total that has parts, summing
    exactly the rows that name it as their parent."""
    for name in SEEDS:
        doc = seed_docs[name]
        parts: dict[str, set[str]] = defaultdict(set)
        for b in doc.budgets:
            if b.parent_budget_id:
                parts[b.parent_budget_id].add(b.budget_id)
        checked = {c.budget_id: set(c.part_ids) for c in check_document(doc) if c.kind == "total"}
        assert checked == dict(parts), name
        assert all(b.is_total for b in doc.budgets if b.budget_id in parts), name


def test_004_every_basis_and_group_adds_up(seed_docs):
    checks = check_document(seed_docs[SEED_004])
    basis = [c for c in checks if c.kind == "basis"]
    groups = [c for c in checks if c.kind == "total" and c.where.split()[1] == "T006"]
    assert len(basis) >= 35 and all(c.ok for c in basis)
    assert len(groups) >= 12 and all(c.ok for c in groups)
    workshop = next(c for c in groups if c.stated == 99_500_000)  # a page-broken, flattened row
    assert workshop.parts == 9
    assert any(c.kind == "total" and c.ok and c.stated == 1_145_180_000 for c in checks)


def test_000_required_budget_equals_its_parts(seed_docs):
    (c,) = [c for c in check_document(seed_docs[SEED_000]) if c.kind == "total"]
    assert (c.stated, c.computed, c.parts, c.ok) == (10_000_000, 10_000_000, 3, True)


def test_a_mismatch_names_the_rows_it_summed():
    text = seed_text(SEED_003).replace("동단위계획형 25억원", "동단위계획형 26억원", 1)
    doc, checks = checks_of(SEED_003, text)
    (bad,) = [c for c in checks if not c.ok]
    said = bad.describe(doc.text)
    assert "MISMATCH" in said and "summed:" in said
    for pid, (s, e) in zip(bad.part_ids, bad.part_spans, strict=True):
        assert f"{pid} {doc.text[s:e]!r} at {s}-{e}" in said
    assert "'26억원'" in said


@pytest.mark.parametrize(
    ("seed", "old", "new", "kind"),
    [
        (SEED_003, "계\t357,200\t118,575", "계\t357,201\t118,575", "total"),  # a 계 row
        (
            SEED_004,
            "임차 5,000천원 * 2회\t= 10,000천원",
            "임차 5,000천원 * 2회\t= 11,000천원",
            "basis",
        ),
        (  # the same slip breaks its 산출근거 group's total
            SEED_004,
            "임차 5,000천원 * 2회\t= 10,000천원",
            "임차 5,000천원 * 2회\t= 11,000천원",
            "total",
        ),
        (SEED_000, "다과비(1,500천원)", "다과비(1,600천원)", "total"),  # a 사용내역 clause
        (SEED_003, "동단위계획형 25억원", "동단위계획형 26억원", "total"),  # a bracket
    ],
)
def test_a_planted_mistake_is_found(seed, old, new, kind):
    text = seed_text(seed)
    assert old in text
    _, before = checks_of(seed, text)
    _, after = checks_of(seed, text.replace(old, new, 1))
    new_bad = {(c.kind, c.where) for c in after if not c.ok} - {
        (c.kind, c.where) for c in before if not c.ok
    }
    assert any(k == kind for k, _ in new_bad), new_bad


@needs_shared
def test_every_busan_total_adds_up_but_the_documents_own_slips(external_run):
    """The ten Busan work plans, read back from Parquet: each total with parts equals the sum
    of the rows whose parent it is, within half its unit — except where the document itself
    does not add up."""
    out, _ = external_run
    units = {"원": 1, "천원": 10**3, "만원": 10**4, "백만원": 10**6, "억원": 10**8, "조원": 10**12}
    rows = duckdb.sql(
        f"""
        with b as (from read_parquet('{out}/budgets/**/*.parquet', hive_partitioning=true)
                   where doc_id like 'busan_2025_major_work_plans/%'),
        parts as (select doc_id, parent_budget_id as budget_id, sum(amount_krw) as parts
                  from b where parent_budget_id is not null group by all)
        select b.doc_id, b.amount_text, b.unit, b.amount_krw, p.parts, b.is_total
        from b join parts p using (doc_id, budget_id)
        """
    ).fetchall()
    assert len(rows) >= 120 and all(is_total for *_, is_total in rows)
    slips = {
        (doc.split("/")[-1], text)
        for doc, text, unit, amount, parts, _ in rows
        if abs(amount - parts) * 2 >= max(1, units[unit])
    }
    assert slips == {
        # a 2025–2033 fund table whose '······' column hides five of its nine years
        ("2025년 금융창업정책관 주요업무계획", "4,590"),
        ("2025년 금융창업정책관 주요업무계획", "9,000"),
        # '사업비 : 약 14억원' over 4억 6천만원 and 9억 9천만원: an approximate total
        ("2025년 주택건축국 주요업무계획", "14억원"),
    }
