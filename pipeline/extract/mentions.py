"""Mentions: every money expression and every date expression, with its span — the first pass.

``money_mentions(ctx)`` and ``date_mentions(ctx)`` read each clause of the document once, with
the pure parsers of :mod:`pipeline.money` and :mod:`pipeline.dates`. A mention says what was
written and where; whether it becomes a row, and with what year and label, is decided later
(:mod:`.budgets`, :mod:`.schedules`), by named exclusion rules and by the context.

Money is read five ways:

* ``cell`` — a table cell holding one number, in the unit its table declares;
* ``stacked`` — a money cell stacking several numbers (``132 105 220``): one mention each;
* ``written`` — an amount written with its unit (``10,000천원``, ``1조 3,154억원``, ``655억``);
* ``part`` — a bare number listed after a total, in the total's unit
  (``530억원 (국비 120, 시비 410)``);
* ``field`` — a label/value sheet's 예산 / 지출 in won (``예산`` ⏎ ``"265,012,000,000"``);
* ``flat`` — a money table the converter flattened into a line: the bare numbers after
  ``(단위 : 천원)`` up to the next item.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from pipeline.dates import DateMatch, find_dates
from pipeline.extract.context import Clause, Context
from pipeline.money import Amount, find_amounts, to_krw
from pipeline.vocab import (
    CIRCLE_BULLETS,
    COUNTER_WORD_RE,
    DECLARED_UNIT_RE,
    EOK_WON,
    MONEY_UNIT_RE,
    MONEY_UNITS,
    NEGATIVE_SIGNS,
    RANGE_SIGNS,
    ROMAN_NUMERALS,
    UNIT_CAPTION_RE,
    WON,
    YEAR_ANY,
)

MoneyHow = Literal["cell", "stacked", "written", "part", "field", "flat"]


@dataclass(frozen=True, slots=True)
class MoneyMention:
    start: int
    end: int
    text: str
    krw: int
    unit: str
    clause: Clause
    how: MoneyHow
    total_start: int | None = None  # a part's total (the amount it breaks down)
    label: str | None = None  # a part's own label ('국비')


@dataclass(frozen=True, slots=True)
class DateMention:
    date: DateMatch
    clause: Clause


# ── money ─────────────────────────────────────────────────────────────────────────────────
_NUMBER = r"[△Δ▲-]?\d{1,3}(?:,\d{3})+|[△Δ▲-]?\d+"
_STACKED = re.compile(rf"^(?:{_NUMBER})(?:\s+(?:{_NUMBER}))+$")
_NUMBER_RE = re.compile(_NUMBER)
# '50~80' in a money table's cell: a range, both ends amounts in the table's unit
_RANGE_CELL = re.compile(rf"^(?:{_NUMBER})\s*[{re.escape(RANGE_SIGNS)}-]\s*(?:{_NUMBER})$")
# Inside the bracket after a total: '국비 120', '시비 410', '지방비 35' — a label, then a bare
# number with no unit or counter of its own.
_PART = re.compile(
    rf"(?P<label>[가-힣A-Za-z]{{1,8}})\s*:?\s*(?P<num>(?P<jo>\d+)\s*조\s*(?:\d{{1,3}},\d{{3}}|\d{{1,4}})"
    rf"|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    # '15.4조원 (공항 13.5 조 , 도로 0.6 조)': a part repeating its total's unit, spaced by the PDF
    rf"(?:\s+(?P<own>조|억)(?=\s*(?:[,)）;]|$)))?"
    rf"(?!\s*(?:{COUNTER_WORD_RE}|{MONEY_UNIT_RE}|[.,]?\d|[가-힣]))"
)
_WON_FIELDS = ("예산", "지출")  # label/value program sheets state these in won, without a unit
_BARE_WON = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_BARE_NUMBER = re.compile(
    rf"(?<![\d.,])[{NEGATIVE_SIGNS}]?\d{{1,3}}(?:,\d{{3}})+(?![\d.,]|\s*(?:(?:{DECLARED_UNIT_RE})(?![가-힣])|{COUNTER_WORD_RE}|(?:년|월|일|억|조)(?![가-힣])))"
)
_FLAT_TABLE_END = re.compile(rf"<붙임|[{ROMAN_NUMERALS}]\s|[□{CIRCLE_BULLETS[0]}※]|\?\?|\n")


def _mention(a: Amount, clause: Clause, how: MoneyHow, total: int | None = None) -> MoneyMention:
    return MoneyMention(a.start, a.end, a.text, a.krw, a.unit, clause, how, total)


def _signed(num: str) -> int:
    value = int(re.sub(r"[^\d]", "", num))
    return -value if num[:1] in NEGATIVE_SIGNS else value


def _cell_mentions(ctx: Context, clause: Clause) -> list[MoneyMention]:
    cell, table = clause.cell, clause.table
    assert cell is not None and table is not None
    if cell.is_header:
        return []
    if cell.amount_krw is not None and cell.unit is not None:
        text = ctx.text[cell.char_start : cell.char_end]
        return [
            MoneyMention(
                cell.char_start, cell.char_end, text, cell.amount_krw, cell.unit, clause, "cell"
            )
        ]
    text = ctx.text[cell.char_start : cell.char_end]
    if cell.unit in MONEY_UNITS and (
        _STACKED.match(text.strip()) or _RANGE_CELL.match(text.strip())
    ):
        out = []
        for m in _NUMBER_RE.finditer(text):
            krw = to_krw_int(_signed(m.group(0)), cell.unit)
            out.append(
                MoneyMention(
                    cell.char_start + m.start(),
                    cell.char_start + m.end(),
                    m.group(0),
                    krw,
                    cell.unit,
                    clause,
                    "stacked",
                )
            )
        return out
    return _written(ctx, clause)


def to_krw_int(value: int, unit: str) -> int:
    from decimal import Decimal

    krw = to_krw(Decimal(value), unit)
    assert krw is not None
    return krw


def _written(ctx: Context, clause: Clause) -> list[MoneyMention]:
    """Amounts written with their unit, and the parts listed in a bracket after each."""
    out: list[MoneyMention] = []
    amounts = list(find_amounts(ctx.text, clause.start, clause.end))
    for k, a in enumerate(amounts):
        out.extend(_range_floor(ctx, clause, a))
        out.append(_mention(a, clause, "written"))
        nxt = amounts[k + 1].start if k + 1 < len(amounts) else clause.end
        out.extend(_parts(ctx, clause, a, nxt))
    return out


_BREAKDOWN_START = re.compile(r"\s*(?:[(（]|[▹▸►:：]\s*)")
_RANGE_BEFORE = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s*[{re.escape(RANGE_SIGNS)}-]\s*$"
)


_BRACKET_YEAR = re.compile(rf"\s*{YEAR_ANY}\s*년도?\s*[,，]\s*")


def _closing(text: str, start: int, limit: int) -> int:
    """The end of the bracket opened just before ``start`` (nested brackets kept inside)."""
    depth = 1
    for i in range(start, limit):
        if text[i] in "(（":
            depth += 1
        elif text[i] in ")）":
            depth -= 1
            if depth == 0:
                return i
    return limit


def _parts(ctx: Context, clause: Clause, total: Amount, limit: int) -> list[MoneyMention]:
    """The parts listed right after a total, in the total's unit: ``530억원 (국비 120, 시비
    410)``, ``총사업비: 318억▹리모델링 250(국비126,시비121,기타 3), 부지 68``. Only when every
    number there is such a labelled bare number (a share, a count or a date is not a part)."""
    text = ctx.text
    m = _BREAKDOWN_START.match(text, total.end, limit)
    if not m:
        return []
    bracketed = text[m.end() - 1] in "(（"
    end = _closing(text, m.end(), clause.end) if bracketed else limit
    # '1,000백만원(‘25년, 시 500, 구 500)': the year the bracket opens with dates the parts
    opening = _BRACKET_YEAR.match(text, m.end(), end) if bracketed else None
    first = opening.end() if opening else m.end()
    inner = text[first:end]
    parts = list(_PART.finditer(text, first, end))
    if not parts or any(ch.isdigit() for ch in _PART.sub("", inner)):
        return []
    mult = MONEY_UNITS[total.unit]
    out: list[MoneyMention] = []
    owners: list[int] = [total.start]  # a bracket after a part holds that part's own parts
    pos = m.end()
    for p in parts:
        for ch in text[pos : p.start()]:
            if ch in "(（" and out:
                owners.append(out[-1].start)
            elif ch in ")）" and len(owners) > 1:
                owners.pop()
        pos = p.end()
        num = p.group("num")
        if p.group("own") and not total.unit.startswith(p.group("own")):
            return []  # '530억원 (국비 1.2 조)': not this total's parts
        if p.group("jo"):  # '1조 3,154' in an 억원 breakdown: 1조 3,154억
            eok = int(p.group("jo")) * 10_000 + int(num.split("조")[1].replace(",", ""))
            krw, unit = eok * MONEY_UNITS[EOK_WON], EOK_WON
        else:
            value = float(num.replace(",", ""))
            krw, unit = round(value * mult), total.unit
            if abs(krw - value * mult) > 0.5:
                continue
        out.append(
            MoneyMention(
                p.start("num"),
                p.end("num"),
                num,
                krw,
                unit,
                clause,
                "part",
                owners[-1],
                p.group("label"),
            )
        )
    return out


def _range_floor(ctx: Context, clause: Clause, a: Amount) -> list[MoneyMention]:
    """'50～80억': the lower end of a range written once with its unit takes that unit."""
    m = _RANGE_BEFORE.search(ctx.text, max(clause.start, a.start - 20), a.start)
    if not m or (m.start() > 0 and ctx.text[m.start() - 1].isdigit()):
        return []
    value = float(m.group("num").replace(",", ""))
    krw = round(value * MONEY_UNITS[a.unit])
    return [
        MoneyMention(
            m.start("num"), m.end("num"), m.group("num"), krw, a.unit, clause, "part", a.start
        )
    ]


def _field_mentions(ctx: Context) -> list[MoneyMention]:
    """예산 / 지출 of a label/value program sheet, in won: '예산' ⏎ '"265,012,000,000"', '0'."""
    out = []
    for label, start, end in ctx.fields:
        if label not in _WON_FIELDS:
            continue
        value = ctx.text[start:end].strip().strip('"').strip()
        m = _BARE_WON.fullmatch(value)
        if m is None:
            continue
        pos = ctx.text.index(m.group(0), start)
        clause = ctx.clause_at(pos) or Clause(pos, pos + len(m.group(0)), "prose", label=label)
        out.append(
            MoneyMention(
                pos,
                pos + len(m.group(0)),
                m.group(0),
                int(m.group(0).replace(",", "")),
                WON,
                clause,
                "field",
            )
        )
    return out


def _flat_mentions(ctx: Context) -> list[MoneyMention]:
    """A money table the converter flattened into a line: after '(단위 : 천원)', the bare
    numbers up to the next item ('… (단위 : 천원) 구분 소요예산 계 4,611,935 …')."""
    out = []
    for u in UNIT_CAPTION_RE.finditer(ctx.text, 0, ctx.end):
        if ctx.table_at(u.start()) is not None:
            continue
        stop = _FLAT_TABLE_END.search(ctx.text, u.end(), ctx.end)
        end = stop.start() if stop else ctx.end
        unit = u.group(1)
        for m in _BARE_NUMBER.finditer(ctx.text, u.end(), end):
            clause = ctx.clause_at(m.start()) or Clause(u.end(), end, "prose")
            out.append(
                MoneyMention(
                    m.start(),
                    m.end(),
                    m.group(0),
                    _signed(m.group(0)) * MONEY_UNITS[unit],
                    unit,
                    clause,
                    "flat",
                    u.end(),
                )
            )
    return out


class _SpanCover:
    """Whether a position lies inside any of some spans, by bisection: the spans sorted by
    start, with the furthest end reached by any span starting so far."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(set(spans))
        self._starts = [s for s, _ in ordered]
        self._reach = list(accumulate((e for _, e in ordered), max))

    def __call__(self, pos: int) -> bool:
        k = bisect.bisect_right(self._starts, pos) - 1
        return k >= 0 and self._reach[k] > pos


def money_mentions(ctx: Context) -> list[MoneyMention]:
    """Every money expression of the document, in reading order (one per span)."""
    out: list[MoneyMention] = []
    in_won_field = _SpanCover((s, e) for label, s, e in ctx.fields if label in _WON_FIELDS)
    for clause in ctx.clauses:
        if ctx.in_toc(clause.start):
            continue
        if clause.kind == "cell":
            out.extend(_cell_mentions(ctx, clause))
        elif not in_won_field(clause.start):
            out.extend(_written(ctx, clause))
    out.extend(_field_mentions(ctx))
    out.extend(_flat_mentions(ctx))
    out.sort(key=lambda m: (m.start, m.end))
    unique: list[MoneyMention] = []
    for m in out:
        if unique and unique[-1].start < m.end and m.start < unique[-1].end:
            continue  # the same span read two ways: the first reading wins
        unique.append(m)
    return unique


# ── dates ─────────────────────────────────────────────────────────────────────────────────
def date_mentions(ctx: Context) -> list[DateMention]:
    """Every date expression of every clause, a yearless one dated by the year in force."""
    out: list[DateMention] = []
    for clause in ctx.clauses:
        if ctx.in_toc(clause.start):
            continue
        year = ctx.date_year(clause)
        for d in find_dates(ctx.text, year, clause.start, clause.end, ref_year=ctx.doc_year):
            out.append(DateMention(d, clause))
    return out
