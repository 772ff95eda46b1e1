"""Arithmetic checks on the seeds: the real mismatches are reported, and planted ones are found."""

from __future__ import annotations

import pytest
from conftest import RAW, SEED_000, SEED_003, SEED_004, SEEDS, seed_text

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
        (doc.source.rel_path[:3], c.kind, c.where, c.stated, c.computed)
        for name in SEEDS
        for doc in [seed_docs[name]]
        for c in check_document(doc)
        if not c.ok
    }
    # 004's 예산 총괄 lists only the 과목 that exist in 2016: its 2014 and 2015 totals (and so
    # the 증감 total) include 과목 the table does not show
    assert found == {
        ("004", "table_total", "T005 계 · 2014년 예산액", 366615, 203515),
        ("004", "table_total", "T005 계 · 2015예산액 (A)", 1168420, 790180),
        ("004", "table_total", "T005 계 · 증감 (B-A)", -23240, 355000),
    }


def test_004_every_basis_and_group_adds_up(seed_docs):
    checks = check_document(seed_docs[SEED_004])
    basis = [c for c in checks if c.kind == "basis"]
    groups = [c for c in checks if c.kind == "group"]
    assert len(basis) >= 35 and all(c.ok for c in basis)
    assert len(groups) >= 10 and all(c.ok for c in groups)
    workshop = next(
        c for c in groups if c.stated == 99_500_000
    )  # spans a page-broken, flattened row
    assert workshop.parts == 9
    assert any(
        c.kind == "row_total" and c.ok and c.stated == 1_145_180_000 for c in checks
    )  # 총사업비


def test_000_required_budget_equals_its_parts(seed_docs):
    (c,) = [c for c in check_document(seed_docs[SEED_000]) if c.kind == "breakdown"]
    assert (c.stated, c.computed, c.parts, c.ok) == (10_000_000, 10_000_000, 3, True)


@pytest.mark.parametrize(
    ("seed", "old", "new", "kind"),
    [
        (SEED_003, "계\t357,200\t118,575", "계\t357,201\t118,575", "table_total"),
        (
            SEED_004,
            "임차 5,000천원 * 2회\t= 10,000천원",
            "임차 5,000천원 * 2회\t= 11,000천원",
            "basis",
        ),
        (
            SEED_004,
            "임차 5,000천원 * 2회\t= 10,000천원",
            "임차 5,000천원 * 2회\t= 11,000천원",
            "group",
        ),
        (SEED_000, "다과비(1,500천원)", "다과비(1,600천원)", "breakdown"),
        (SEED_003, "동단위계획형 25억원", "동단위계획형 26억원", "breakdown"),
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
