"""One vocabulary: every money unit is written once, in pipeline/vocab.py, and every pattern
that needs one is built from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import vocab
from pipeline.money import find_amounts, parse_amount

LIBRARY = Path(__file__).resolve().parents[1] / "pipeline"


@pytest.mark.parametrize("unit", sorted(vocab.MONEY_UNITS))
def test_each_money_unit_is_written_once_as_code(unit):
    """A unit as a string literal (or inside a regex alternation) appears only in vocab.py."""
    literal = re.compile(rf"[\"'(|]{re.escape(unit)}[\"')|]")
    places = [
        f"{p.relative_to(LIBRARY)}:{n}"
        for p in sorted(LIBRARY.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line.split("#", 1)[0])
        and not line.lstrip().startswith(("#", "``"))
        and '"""' not in line
    ]
    assert [x for x in places if not x.startswith("vocab.py")] == [], places


@pytest.mark.parametrize(
    ("text", "krw"),
    [(f"3{unit}", 3 * mult) for unit, mult in vocab.MONEY_UNITS.items()],
)
def test_every_unit_in_the_vocabulary_is_parsed(text, krw):
    """십억원 and 조원 included: a unit added to the vocabulary is read everywhere."""
    assert parse_amount(text).krw == krw
    assert [a.krw for a in find_amounts(f"예산 {text} 편성")] == [krw]
