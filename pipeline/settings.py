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


@dataclass(frozen=True, slots=True)
class YearSettings:
    """How far the fiscal-year rules look (:mod:`pipeline.extract.years`)."""

    # A 사업비's block: the sections around it read for a stated period (its own, its parent).
    block_levels: int = 2
    # ... and at most this many characters of each section's body.
    block_chars: int = 1500


YEARS = YearSettings()


@dataclass(frozen=True, slots=True)
class FlatGridSettings:
    """How a money grid flattened one cell per line is found (:mod:`pipeline.flat_grids`)."""

    # The header line of years is looked for this many lines before and after the caption.
    header_lines_before: int = 8
    header_lines_after: int = 8
    # A grid's rows are read over at most this many lines ...
    max_lines: int = 200
    # ... and a line longer than this is prose, not a row label: the grid ends there.
    max_label_chars: int = 30
    # A grid is kept when at least this many rows add up (one could add up by chance) ...
    min_rows: int = 2
    # ... or when its one row's total is the sum of at least this many non-zero cells.
    min_parts_alone: int = 2
    # A total may differ from its cells' sum by this many units (each cell rounded to the
    # caption's unit: 608 over 46 178 249 134 백만원) when at least this many cells are non-zero.
    rounding_slack: int = 1
    min_parts_for_slack: int = 3
    # A grid read in blocks (:mod:`pipeline.grid_order`) is searched over at most this many
    # states (a filled shape and its partial sums), every choice of its 소계 rows together;
    # past it the grid is left unread (under half a second of work).
    max_order_states: int = 20_000
    # ... and holds at most this many numbers (the search goes one number deep per number).
    max_order_numbers: int = 240
    # ... and at most this many choices of which rows its 소계 labels stand on.
    max_subtotal_choices: int = 64
    # A row of step names flattened above its row of dates (:mod:`pipeline.extract.schedules`):
    # at most this many cells, and a label longer than this is a sentence, not a cell.
    max_step_cells: int = 24
    max_step_label_chars: int = 40


FLAT_GRIDS = FlatGridSettings()


@dataclass(frozen=True, slots=True)
class ItemSettings:
    """How an amount's item is named (:mod:`pipeline.extract.budgets`)."""

    # A line above an amount alone on its line names it when it is at most this long.
    label_line_chars: int = 20


ITEMS = ItemSettings()


@dataclass(frozen=True, slots=True)
class OutlineSettings:
    """How ambiguous markers are read (:mod:`pipeline.segment`)."""

    # A converter writes a lost box (□) and a lost sub-bullet (▪) as the same private-use
    # glyph. Under a bullet item, the glyph opens a sub-bullet when its line reads as a
    # sentence: a figure or date in it, or at least this many characters; a short title
    # ('연차별 추진계획') stays a box heading.
    lost_glyph_title_chars: int = 25


OUTLINE = OutlineSettings()


@dataclass(frozen=True, slots=True)
class RulingHeaderSettings:
    """Where a ruling's header table is looked for, and how much of it makes one
    (:mod:`pipeline.metadata_rulings`)."""

    # The header's first bracketed label is on one of the text's first lines that hold text
    # (a line of empty cells is not one) ...
    first_label_lines: int = 3
    # ... and its labels are read within this many.
    header_chars: int = 4000
    # A header table states at least this many bracketed labels (a stray '[ 참고 ]' is not one).
    min_labels: int = 3
    # A label is at most this many characters between its brackets ('[심판청구 사건번호 ]').
    max_label_chars: int = 20


RULING_HEADER = RulingHeaderSettings()
