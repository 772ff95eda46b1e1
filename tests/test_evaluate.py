"""The evaluation harness on the hand-checked gold, against the floors the README states.

A floor is raised when quality rises and never lowered to make a run pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXTERNAL

from pipeline.evaluate import GoldError, evaluate, load_gold, score_document

GOLD = Path(__file__).parent / "gold"
FLOORS = json.loads((GOLD / "floors.json").read_text(encoding="utf-8"))


def _check(report: dict, floors: dict) -> list[str]:
    low = []
    for table, floor in floors.items():
        f1 = report["by_table"][table]["f1"]
        if f1 < floor:
            low.append(f"{table}: F1 {f1:.3f} < floor {floor}")
    return low


def test_seed_gold_meets_the_floors():
    report = evaluate(GOLD, sources=("seeds",))
    assert not report["skipped"]
    assert _check(report, FLOORS["seeds"]) == []


@pytest.mark.skipif(
    not EXTERNAL.is_dir(), reason="../shared/corpus/external is not beside this checkout"
)
def test_all_gold_meets_the_floors():
    report = evaluate(GOLD)
    assert not report["skipped"]
    assert _check(report, FLOORS["all"]) == []


def test_every_gold_file_is_well_formed():
    golds = load_gold(GOLD)
    assert len([g for g in golds if g["source"].startswith("seeds/")]) >= 5
    assert len([g for g in golds if g["source"].startswith("external/")]) >= 5
    for g in golds:
        assert g["kind"] in ("approval", "work_report", "budget_program", "other")
        assert g.get("checked")


def test_matching_counts_misses_and_false_hits(seed_docs):
    """The scorer itself: a planted wrong amount is both a miss and a false hit."""
    from conftest import SEED_000

    doc = seed_docs[SEED_000]
    gold = {
        "source": "seeds/x",
        "budgets": [
            {
                "at": "소요예산 : 10,000천원",
                "text": "10,000천원",
                "amount_krw": 10_000_001,
                "fiscal_year": 2020,
            }
        ],
    }
    s = score_document(doc, gold)["budgets"]
    assert s.tp == 0 and s.fn == 1 and s.fp == len(doc.budgets)
    with pytest.raises(GoldError, match="not in the document"):
        score_document(
            doc,
            {"source": "seeds/x", "budgets": [{"at": "없는 문맥", "text": "x", "amount_krw": 1}]},
        )
