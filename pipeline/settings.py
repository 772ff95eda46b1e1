"""Named thresholds of the pipeline, in one place (not bare numbers in code).

Each is a judgement about documents nobody has looked at; changing one changes the rows, so
every value here is part of the pipeline version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TreeSettings:
    """How the tree of money and the kind of each amount are read (:mod:`pipeline.extract.tree`,
    :mod:`pipeline.extract.flow`)."""

    # A table restates money written earlier when at least this share of its amounts are exact
    # restatements of rows elsewhere: its other amounts then restate the rows they name.
    restating_table_share: float = 0.5
    # A restated sum is looked for over at most this many consecutive rows ...
    max_sum_parts: int = 12
    # ... and only in documents with at most this many amounts (the search is quadratic).
    max_rows_for_sums: int = 3000
    # Shared three-letter pieces two items need to be the same item (after money words go).
    min_item_overlap: int = 1
    # Amounts listed after a total ('655억원 (시정형 450억원, …)') are its parts when their sum is
    # this close to it (a mistake in the document stays visible to `gyeoljae check`).
    breakdown_tolerance: float = 0.2
    # Lines above a table read as its caption (세출예산 9,322백만원 ⏎ (단위 : 백만원)).
    caption_lines: int = 3
    # Characters before a prose amount that may say what it is (세입, 세출, 본예산 …).
    words_before_amount: int = 40


TREE = TreeSettings()
