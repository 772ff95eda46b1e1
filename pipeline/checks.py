"""Arithmetic checks: does a document's own arithmetic add up?

``check_document(doc) -> list[ArithmeticCheck]`` evaluates what a document states about its
numbers, and reports mismatches as they are (real documents contain mistakes: they are shown,
never "fixed"). The checks read the tree of money the extraction built
(:mod:`pipeline.extract.tree`), so ``gyeoljae check`` and ``budgets.parent_budget_id`` agree:

* **basis** — a 산출근거 product against its stated amount (``5,000천원 * 2회 = 10,000천원``);
* **total** — every ``is_total`` row with parts against the sum of its parts (the rows whose
  ``parent_budget_id`` it is): a 계 / 합계 / 소계 row, a 총 column, a 산출근거 group, the
  bracket after ``655억원 (시정형 450억원, …)``, a 총괄 row and its 과목's lines;
* **restated** — money written again with another figure: a restating table's amounts
  against the row they restate (``추진일정 … 69,500`` for the 99,500천원 workshop).

A mismatch names the rows it summed, with their ids and spans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from pipeline.model import BudgetRow, Document
from pipeline.vocab import MONEY_UNITS, WON

_TOLERANCE = 0.5  # won: amounts are integers, this only absorbs float sums


@dataclass(frozen=True, slots=True)
class ArithmeticCheck:
    doc_id: str
    kind: str  # basis, total, restated
    where: str  # a short locator a person can follow
    stated: float
    computed: float
    unit: str | None
    parts: int
    char_start: int  # span of the stated value
    char_end: int
    budget_id: str | None = None  # the row whose amount is stated
    part_ids: tuple[str, ...] = ()  # the rows summed
    part_spans: tuple[tuple[int, int], ...] = ()
    # won: a total written in 억원 is rounded to half an 억 of its parts' sum (753 = 457 + 62 +
    # 234 + 0.03); an exact one to the won
    tolerance: float = _TOLERANCE

    @property
    def ok(self) -> bool:
        return abs(self.stated - self.computed) < self.tolerance

    def describe(self, text: str) -> str:
        status = "ok " if self.ok else "MISMATCH"
        unit = f" {self.unit}" if self.unit else ""
        line = (
            f"{status} {self.kind:8s} {self.where}: stated {self.stated:,.0f}{unit}, "
            f"computed {self.computed:,.0f}{unit} from {self.parts} part(s)  "
            f"[{text[self.char_start : self.char_end]!r} at {self.char_start}-{self.char_end}]"
        )
        if not self.ok and self.part_ids:
            summed = ", ".join(
                f"{pid} {text[s:e]!r} at {s}-{e}"
                for pid, (s, e) in zip(self.part_ids, self.part_spans, strict=True)
            )
            line += f"\n      summed: {summed}"
        return line


def _check(
    doc: Document, kind: str, where: str, row: BudgetRow, parts: list[BudgetRow]
) -> ArithmeticCheck:
    return ArithmeticCheck(
        doc.doc_id,
        kind,
        where,
        float(row.amount_krw),
        float(sum(p.amount_krw for p in parts)),
        WON,
        len(parts),
        row.char_start,
        row.char_end,
        row.budget_id,
        tuple(p.budget_id for p in parts),
        tuple((p.char_start, p.char_end) for p in parts),
        max(_TOLERANCE, MONEY_UNITS.get(row.unit, 1) / 2),
    )


def _basis_checks(doc: Document) -> list[ArithmeticCheck]:
    return [
        ArithmeticCheck(
            doc.doc_id,
            "basis",
            f"{b.budget_id} {b.item} = {b.basis}",
            float(b.amount_krw),
            float(b.basis_amount_krw),
            WON,
            1,
            b.char_start,
            b.char_end,
            b.budget_id,
        )
        for b in doc.budgets
        if b.basis_amount_krw is not None
    ]


def _where(b: BudgetRow) -> str:
    place = b.table_id or "text"
    year = f" {b.fiscal_year}" if b.fiscal_year is not None else ""
    return f"{b.budget_id} {place} {b.item}{year}"


def _total_checks(doc: Document) -> list[ArithmeticCheck]:
    parts: dict[str, list[BudgetRow]] = defaultdict(list)
    for b in doc.budgets:
        if b.parent_budget_id:
            parts[b.parent_budget_id].append(b)
    return [
        _check(doc, "total", _where(b), b, parts[b.budget_id])
        for b in doc.budgets
        if b.is_total and parts.get(b.budget_id)
    ]


def _restated_checks(doc: Document) -> list[ArithmeticCheck]:
    """The rows of one table restating one earlier row, summed, against it (rows restating
    it with its own figure are not checks: they are the same money)."""
    by_id = {b.budget_id: b for b in doc.budgets}
    groups: dict[tuple[str, str], list[BudgetRow]] = defaultdict(list)
    for b in doc.budgets:
        if b.same_as_budget_id and b.table_id:
            groups[(b.same_as_budget_id, b.table_id)].append(b)
    out = []
    for (target_id, _table), rows in groups.items():
        target = by_id[target_id]
        if all(r.amount_krw == target.amount_krw for r in rows):
            continue
        check = _check(doc, "restated", _where(target), target, rows)
        # a figure restated in a coarser unit is the same money rounded or cut to that unit
        step = max(MONEY_UNITS.get(x.unit, 1) for x in (target, *rows))
        out.append(replace(check, tolerance=max(check.tolerance, float(step))))
    return out


def check_document(doc: Document) -> list[ArithmeticCheck]:
    """Every arithmetic relation the document states, evaluated (mismatches are ``not ok``)."""
    checks = _basis_checks(doc) + _total_checks(doc) + _restated_checks(doc)
    return sorted(checks, key=lambda c: (c.char_start, c.kind))
