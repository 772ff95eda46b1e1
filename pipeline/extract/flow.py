"""What kind of money an amount is: its ``flow`` and its ``stage`` — the pass after the tree.

* ``flow`` — ``expenditure`` (세출, 지출, 사업비, a 세출 통계목 such as 사무관리비) or
  ``revenue`` (세입, 수입, 지방세 …);
* ``stage`` — ``request`` (요구), ``budget`` (예산, 본예산), ``supplementary`` (추경),
  ``settlement`` (결산, 집행, 지출액), ``plan`` (계획, 소요예산, 총사업비).

Each is read from the amount's own words first — its column headers, row label and 과목 for a
cell; the words before it in its clause and its item for prose — then from the tree (a part
has the flow of its total, a total the flow all its parts share, a restatement the flow of what
it restates), then from the table's caption and the heading it is under when those name money.
No evidence, no value: an amount is never given a flow because of the kind of document it is in.
"""

from __future__ import annotations

from collections import defaultdict

from pipeline.extract.context import Context
from pipeline.extract.mentions import MoneyMention
from pipeline.model import BudgetRow, Flow, Stage, Table
from pipeline.settings import TREE
from pipeline.vocab import (
    DIFFERENCE_HEADER_RE,
    EXPENDITURE_OBJECT_RE,
    EXPENDITURE_WORDS,
    FUNDING_SOURCE_RE,
    MONEY_HEADER_RE,
    REVENUE_WORDS,
    STAGE_PATTERNS,
)


def flow_of(texts: list[str]) -> Flow | None:
    """The flow the words name, if they name exactly one (``세입`` and ``세출`` together: none)."""
    joined = " ".join(texts).replace(" ", "")
    revenue = any(w in joined for w in REVENUE_WORDS)
    expenditure = any(w in joined for w in EXPENDITURE_WORDS)
    if revenue != expenditure:
        return "revenue" if revenue else "expenditure"
    return None


def stage_of(texts: list[str]) -> Stage | None:
    """The stage the first of ``texts`` that names one names (a column header before a row
    label: ``’24년 예산(B)`` over 보전지출), the most specific in it (추경 over 예산, 집행 over
    예산, 소요 over 예산)."""
    for text in texts:
        joined = text.replace(" ", "")
        for stage, pattern in STAGE_PATTERNS:
            if pattern.search(joined):
                return stage  # type: ignore[return-value]
    return None


def _is_object(label: str | None) -> bool:
    """A 세출 통계목 (사무관리비, 다과비, 자문수당): a word of three letters or more ending in 비,
    금 or 수당 that is not a funding source (국비, 시비, 지방비)."""
    words = (label or "").split()
    s = words[-1] if words else ""
    return len(s) >= 3 and not FUNDING_SOURCE_RE.match(s) and bool(EXPENDITURE_OBJECT_RE.search(s))


class _Words:
    """The words around each amount, by how close they are to it."""

    def __init__(self, ctx: Context, mentions: dict[int, MoneyMention]) -> None:
        self.ctx = ctx
        self.mentions = mentions
        self._prev_end: dict[int, int] = {}
        self._captions: dict[str, str] = {}  # by table: every amount of a table asks for it
        ends: dict[int, int] = {}
        for start in sorted(mentions):
            m = mentions[start]
            self._prev_end[start] = ends.get(id(m.clause), m.clause.start)
            ends[id(m.clause)] = m.end

    def own(self, r: BudgetRow) -> list[str]:
        m = self.mentions.get(r.char_start)
        if m is None:
            return [r.item]
        cell = m.clause.cell
        if cell is not None:
            return [*cell.header_path, cell.row_label or "", r.category or ""]
        lo = max(
            self._prev_end.get(r.char_start, m.clause.start), m.start - TREE.words_before_amount
        )
        return [self.ctx.text[lo : m.start], m.label or "", r.item]

    def is_difference(self, r: BudgetRow) -> bool:
        m = self.mentions.get(r.char_start)
        cell = m.clause.cell if m is not None else None
        return cell is not None and any(DIFFERENCE_HEADER_RE.search(h) for h in cell.header_path)

    def labels(self, r: BudgetRow) -> list[str]:
        """A cell's row label and 과목, a part's label, a prose item: where a 세출 통계목 is named."""
        m = self.mentions.get(r.char_start)
        if m is not None and m.clause.cell is not None:
            labels = [m.clause.cell.row_label or "", r.category or ""]
            return [x.replace(" ", "") for x in labels]
        return [m.label] if m is not None and m.label else [r.item]

    def around(self, r: BudgetRow) -> list[str]:
        """The lines captioning the amount's table and the nearest heading that is about money."""
        m = self.mentions.get(r.char_start)
        out = []
        if m is not None and m.clause.table is not None:
            table = m.clause.table
            if table.table_id not in self._captions:
                self._captions[table.table_id] = self._caption(table)
            out.append(self._captions[table.table_id])
        for s in self.ctx.headings(r.char_start):
            if MONEY_HEADER_RE.search(s.title.replace(" ", "")):
                out.append(s.title)
                break
        return out

    def _caption(self, table: Table) -> str:
        """Up to :attr:`~pipeline.settings.TreeSettings.caption_lines` lines right above a table
        (``세출예산 9,322백만원`` ⏎ ``(단위 : 백만원)``), never above the table before it or the
        heading it stands under."""
        text, start = self.ctx.text, table.char_start
        floor = max((t.char_end for t in self.ctx.doc.tables if t.char_end <= start), default=0)
        section = self.ctx.section_at(start)
        if section is not None:  # nor above the heading the table stands under ...
            head = section.char_start
            before = [
                s
                for s in self.ctx.doc.sections
                if s.char_end <= head and s.depth <= section.depth and s.char_end > floor
            ]
            if before:  # ... unless a heading with nothing under it heads it ('□ 예 산')
                prev = max(before, key=lambda s: s.char_end)
                if not text[prev.head_end : prev.char_end].strip():
                    head = prev.char_start
            floor = max(floor, head)
        lo = start
        for _ in range(TREE.caption_lines + 1):
            nl = text.rfind("\n", floor, max(floor, lo - 1))
            if nl < 0:
                lo = floor
                break
            lo = nl
        return text[lo:start]


def _propagate(rows: list[BudgetRow], by_id: dict[str, BudgetRow]) -> None:
    """Down the tree (a part has its total's flow and stage), up it (a total the flow all its
    parts share), across restatements (the same money has one flow) — twice settles it."""
    children: dict[str, list[BudgetRow]] = defaultdict(list)
    for r in rows:
        if r.parent_budget_id:
            children[r.parent_budget_id].append(r)

    def depth(r: BudgetRow) -> int:
        d, p = 0, r
        while p.parent_budget_id and d < 50:
            p, d = by_id[p.parent_budget_id], d + 1
        return d

    ordered = sorted(rows, key=depth)
    for _ in range(2):
        for r in ordered:
            parent = by_id.get(r.parent_budget_id or "")
            if parent is not None:
                r.flow = r.flow or parent.flow
                r.stage = r.stage or parent.stage
        for r in reversed(ordered):
            flows = {k.flow for k in children.get(r.budget_id, [])}
            if r.flow is None and len(flows) == 1:
                r.flow = flows.pop()
        for r in rows:
            same = by_id.get(r.same_as_budget_id or "")
            if same is not None:
                r.flow = r.flow or same.flow
                same.flow = same.flow or r.flow


def classify(ctx: Context, rows: list[BudgetRow], mentions: dict[int, MoneyMention]) -> None:
    """Set ``flow`` and ``stage`` on one document's rows (after :func:`.tree.build_tree`): the
    amount's own words, then its table's caption and its heading, then the tree; a 세출 통계목
    (사무관리비) last, so that 부담금 in a 세입 table stays revenue."""
    words = _Words(ctx, mentions)
    by_id = {r.budget_id: r for r in rows}
    for r in rows:
        own = words.own(r)
        r.flow, r.stage = flow_of(own), stage_of(own)
    for r in rows:
        if r.flow is None:
            r.flow = flow_of(words.around(r))
    _propagate(rows, by_id)
    for r in rows:
        if r.flow is None and any(_is_object(x) for x in words.labels(r)):
            r.flow = "expenditure"  # a 세출 통계목: 사무관리비, 국외업무여비 …
    _propagate(rows, by_id)
    for r in rows:
        if r.stage is None:
            r.stage = stage_of(words.around(r))
        if words.is_difference(r):
            r.stage = None  # a 증감 column is no money at any stage
