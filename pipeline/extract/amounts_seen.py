"""The amounts a document has written so far, found by value rather than by a pass over them all.

:func:`~pipeline.extract.tree.restatements` asks, of each amount, which earlier amounts could
state the same money: equal in won, or one rounded or cut to the coarser one's unit (``89억원``
for 8,946,770천원), of the same year, written elsewhere. Asking every earlier amount made a
table of n cells cost n² comparisons; this index answers from the few amounts near the value
(within one step of the coarser unit), of the same year, outside the asker's table, and hands
them back in the order the pass over all of them would have met them, so that a tie between
equally well named rows still goes to the same one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.model import BudgetRow
from pipeline.vocab import MONEY_UNITS

STEPS = sorted(set(MONEY_UNITS.values()))

When = tuple[int | None, int | None, int | None]


def unit_step(r: BudgetRow) -> int:
    return MONEY_UNITS.get(r.unit or "", 1)


def _when(r: BudgetRow) -> When:
    return (r.fiscal_year, r.period_start_year, r.period_end_year)


def _rounded(amount: int, step: int) -> int:
    return (amount + step // 2) // step * step


def match_keys(r: BudgetRow) -> set[int]:
    """The values an amount is found under: itself, and each coarser unit's rounding and cut."""
    own = unit_step(r)
    return {r.amount_krw} | {
        k for s in STEPS if s > own for k in (_rounded(r.amount_krw, s), r.amount_krw // s * s)
    }


@dataclass(slots=True)
class _Seen:
    order: int  # when it was written down: the pass over all amounts met them in this order
    row: BudgetRow
    keys: set[int]


# value → year → table → (item, unit, amount) → the amounts there, in the order they were added.
# Amounts of one group answer every question alike but whether they are apart from the asker.
_Group = tuple[str, int, int]
_Buckets = dict[tuple[int, int], dict[When, dict[str | None, dict[_Group, list[_Seen]]]]]


def _buckets() -> _Buckets:
    return defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(list))))


class AmountsSeen:
    """Earlier amounts, under three indexes: by value (equal money); by the window of each
    coarser unit they fall in (a finer amount a coarser one may round); by the window of their
    own unit (a coarser amount a finer one may round to)."""

    def __init__(self) -> None:
        self._count = 0
        self._by_value = _buckets()
        self._finer = _buckets()
        self._own = _buckets()

    def add(self, r: BudgetRow, keys: set[int]) -> None:
        seen = _Seen(self._count, r, keys)
        self._count += 1
        when, own = _when(r), unit_step(r)
        group = (r.item, own, r.amount_krw)
        self._by_value[(0, r.amount_krw)][when][r.table_id][group].append(seen)
        for s in STEPS:
            if s > own:
                self._finer[(s, r.amount_krw // s)][when][r.table_id][group].append(seen)
        if own > 1:
            self._own[(own, r.amount_krw // own)][when][r.table_id][group].append(seen)

    def candidates(
        self,
        r: BudgetRow,
        keys: set[int],
        fits: Callable[[BudgetRow, BudgetRow], bool],
        apart: Callable[[BudgetRow, BudgetRow], bool],
    ) -> list[BudgetRow]:
        """The earlier amounts of ``r``'s year outside its table that share a key with it, may
        state its money (equal, or within the coarser one's unit), ``fits(r, e)`` (asked once
        per group of one item, unit and amount) and are ``apart(r, e)`` — of each group only the
        first such — in the order a pass over every key's amounts would meet them: by the
        first shared key (in ``keys``' own order), then in the order they were added."""
        own = unit_step(r)
        looked: list[tuple[_Buckets, tuple[int, int]]] = [(self._by_value, (0, r.amount_krw))]
        if own > 1:  # finer amounts within one of r's units
            w = r.amount_krw // own
            looked += [(self._finer, (own, w + d)) for d in (-1, 0, 1)]
        for s in STEPS:  # coarser amounts r is within one unit of
            if s > own:
                w = r.amount_krw // s
                looked += [(self._own, (s, w + d)) for d in (-1, 0, 1)]
        rank = {k: i for i, k in enumerate(keys)}
        when = _when(r)
        found: dict[int, tuple[int, int, BudgetRow]] = {}
        for buckets, at in looked:
            bucket = buckets.get(at)
            by_table = bucket.get(when) if bucket is not None else None
            if not by_table:
                continue
            for table_id, groups in by_table.items():
                if table_id is not None and table_id == r.table_id:
                    continue  # one table's amounts do not restate each other
                for entries in groups.values():
                    first = entries[0]
                    shared = [rank[k] for k in first.keys if k in rank]
                    if not shared or not _close(r, own, first.row) or not fits(r, first.row):
                        continue
                    e = next((e for e in entries if e.order in found or apart(r, e.row)), None)
                    if e is not None:
                        found[e.order] = (min(shared), e.order, e.row)
        return [row for _, _, row in sorted(found.values(), key=lambda t: (t[0], t[1]))]


def _close(r: BudgetRow, own: int, e: BudgetRow) -> bool:
    """Equal, or of different units and within the coarser one's unit."""
    if r.amount_krw == e.amount_krw:
        return True
    step = unit_step(e)
    return step != own and abs(r.amount_krw - e.amount_krw) < max(step, own)
