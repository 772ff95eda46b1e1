"""Exclusions: the named reasons a mention is not a row.

Each rule has a name, the reason a person would give, and a test on the mention in its
context. :func:`excluded_money` / :func:`excluded_date` return the first rule that applies,
so a row that is missing can always be explained (``rule.name``), and a rule is tested on its
own with short constructed inputs (``tests/test_extract_rules.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pipeline.extract.context import Context
from pipeline.extract.mentions import DateMention, MoneyMention
from pipeline.money import parse_number_cell
from pipeline.vocab import (
    AS_OF_WORDS,
    MONEY_UNIT_RE,
    NOTE_MARKS,
    RANGE_SIGNS,
    RESULTS_OF_WORDS,
    STATISTIC_COUNTER_RE,
    STATUS_WORDS,
)

M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class Around(Generic[M]):
    """A mention's neighbours: the last one kept as a row, and the next in its clause."""

    prev_kept: M | None
    next_in_clause: M | None


@dataclass(frozen=True)
class Exclusion(Generic[M]):
    name: str
    reason: str
    applies: Callable[[M, Context, Around[M]], bool]


# ── money ─────────────────────────────────────────────────────────────────────────────────
_TIMES_AFTER = re.compile(r"^\s*[*×xX✕]\s*\d")
_TIMES_BEFORE = re.compile(r"[*×xX✕]\s*$")
_EQUALS = re.compile(r"^\s*=\s*$")


def _product_factor(m: MoneyMention, ctx: Context, near: Around[MoneyMention]) -> bool:
    if m.how not in ("written", "part"):
        return False
    text = ctx.text
    after = text[m.end : min(m.clause.end, m.end + 6)]
    before = text[max(m.clause.start, m.start - 4) : m.start]
    if _TIMES_AFTER.match(after):
        return True
    if not _TIMES_BEFORE.search(before):
        return False
    # '* 40억원～300억원 미만 시 사업': a note mark opening its line multiplies nothing
    line_start = text.rfind("\n", 0, m.start) + 1
    return bool(text[line_start : m.start].strip(" \t*※"))


def _restated_heading(m: MoneyMention, ctx: Context, near: Around[MoneyMention]) -> bool:
    """'46,800천원 = 46,800천원' in one clause: the first is the heading's amount restated."""
    nxt = near.next_in_clause
    return (
        m.how == "written"
        and nxt is not None
        and nxt.krw == m.krw
        and _EQUALS.match(ctx.text[m.end : nxt.start]) is not None
    )


def _written_twice(m: MoneyMention, ctx: Context, near: Around[MoneyMention]) -> bool:
    """'= 5,700천원 5,700천원', '개최 46,800천원 ⇥= 46,800천원': one amount written twice on its
    line (not two cells side by side, which are two amounts)."""
    prev = near.prev_kept
    if prev is None or prev.krw != m.krw or m.how not in ("written", "flat"):
        return False
    gap = ctx.text[prev.end : m.start]
    return "\n" not in gap and gap.strip() in ("=", "") and not (gap.strip() == "" and "\t" in gap)


MONEY_EXCLUSIONS: tuple[Exclusion[MoneyMention], ...] = (
    Exclusion(
        "product_factor",
        "a factor of a 산출근거 product (5,000천원 * 2회): only its result is an amount",
        _product_factor,
    ),
    Exclusion(
        "restated_heading",
        "the heading's amount restated before its 산출근거 (46,800천원 = 46,800천원)",
        _restated_heading,
    ),
    Exclusion("written_twice", "one amount written twice in a row", _written_twice),
)


def excluded_money(
    m: MoneyMention, ctx: Context, near: Around[MoneyMention]
) -> Exclusion[MoneyMention] | None:
    return next((r for r in MONEY_EXCLUSIONS if r.applies(m, ctx, near)), None)


# ── dates ─────────────────────────────────────────────────────────────────────────────────
_AS_OF_AFTER = re.compile(rf"\s*[)）]?\s*(?:{'|'.join(AS_OF_WORDS)})")
# a figure: a number with a comma or of two digits or more, a total ('총9건'), or a percentage
# ('3대 분야' is not, nor '(’16.2.1) 3회 실시', how many times)
_STATISTIC_AFTER = re.compile(
    rf"\s*[)）]?\s*(?:(?:약|총)\s*\d+\s*(?:{STATISTIC_COUNTER_RE})"  # '총9건': a total, any size
    rf"|(?:(?:약|총)\s*)?(?:\d{{1,3}}(?:,\d{{3}})+|\d{{2,}}|\d+\.\d+|\d)\s*"
    rf"(?:(?<=\d\d)\s*(?:{STATISTIC_COUNTER_RE})|(?<=,\d\d\d)\s*(?:{STATISTIC_COUNTER_RE})|%|{MONEY_UNIT_RE}|억|조))"
)
_COMPARISON_AFTER = re.compile(r"\s*(?:년도?)?\s*(?:대비|比)")
_RESULTS_OF_AFTER = re.compile(rf"\s*(?:{'|'.join(RESULTS_OF_WORDS)})")
# the status noun closes the date's own phrase: no colon, bracket, comma, note mark, range sign
# or line between ('사업기간 : 1958년부터 ~ 현재 ※ 누적수여자 현황' is not the period's status)
_STATUS_BEFORE = re.compile(rf"(?:{'|'.join(STATUS_WORDS)})\s*[(（]\s*$")
_STATUS_AFTER = re.compile(
    rf"[^\n:：()（）,，{re.escape(NOTE_MARKS + RANGE_SIGNS)}]{{0,20}}?(?:{'|'.join(STATUS_WORDS)})"
)
_MINUTES_AFTER = re.compile(r"\s*분(?!기)")


def _as_of(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    if d.date.open_end and ctx.text.startswith("현재", d.date.end):
        return False  # '연기(‘16.6.3~현재)': a period up to now, not a reference point
    return bool(_AS_OF_AFTER.match(ctx.text, d.date.end))


def _statistic(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """'’17. 상반기 1,194건', "'24년 약 32,351명": a year or period that dates a figure. A
    range of months or days opening the bracket after an activity is when it ran, whatever it
    counts ('프로그램 추진 (’24.5.∼’25.1. 14개 대학 38개 창업팀)')."""
    date = d.date
    if (
        date.start_date is not None
        and date.end_date is not None
        and (
            (date.precision == "day" and date.start_date != date.end_date)
            or (
                date.precision == "month"
                and (date.start_date.year, date.start_date.month)
                != (date.end_date.year, date.end_date.month)
            )
        )
        and ctx.text[max(0, date.start - 2) : date.start].strip().endswith(("(", "（"))
    ):
        return False
    # the figure is on the date's line ('’24년\t1,194건'), never the next line's '건축…'
    nl = ctx.text.find("\n", d.date.end)
    end = nl if nl >= 0 else len(ctx.text)
    return bool(
        _STATISTIC_AFTER.match(ctx.text, d.date.end, end)
        or _MINUTES_AFTER.match(ctx.text, d.date.end, end)
    )


def _comparison(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    return bool(_COMPARISON_AFTER.match(ctx.text, d.date.end))


def _results_of(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    return bool(_RESULTS_OF_AFTER.match(ctx.text, d.date.end))


def _status(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """'2024년 12월말 정비기금 보유현황 : …', '… 납부 현황(‘24년) : 19만 3천건'."""
    before = ctx.text[max(0, d.date.start - 12) : d.date.start]
    return bool(_STATUS_AFTER.match(ctx.text, d.date.end) or _STATUS_BEFORE.search(before))


def _document_date(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    return ctx.is_document_date(d.date.start, d.date.end, d.date.start_date)


def _header_cell(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """A column header ('2024년', '1월'): it labels values, it is not a step. A period open
    at its end ('폐가 철거사업 (‘08~)') labels no column: it dates what the header names."""
    return d.clause.cell is not None and d.clause.cell.is_header and not d.date.open_end


def _number_cell(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """A table cell holding a number ('4.2' in a 증감률 column) outside a date column."""
    cell, table = d.clause.cell, d.clause.table
    if cell is None or table is None or cell.col in ctx.date_columns(table):
        return False
    return cell.number is not None or parse_number_cell(cell.text) is not None


_CAPTION_AROUND = re.compile(r"단위\s*[:：]")
_TITLE_OPEN, _TITLE_CLOSE = "《<【〈〔", "》>】〉〕"
_AMOUNT_AFTER = re.compile(rf"\s*(?:약\s*)?\d[\d,.]*\s*(?:{MONEY_UNIT_RE}|억|조|천만|백만|만)")


def _caption(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """'(’25.1월, 단위 : 명)': the date a table's caption gives its figures; '《 감염병예방법
    주요 개정내용('20. 8. 12.) 》': the title of a box. Neither is a step."""
    text = ctx.text
    clause = text[d.clause.start : d.clause.end].strip()
    if clause[:1] in _TITLE_OPEN and clause[-1:] in _TITLE_CLOSE:
        return True
    open_ = text.rfind("(", d.clause.start, d.date.start)
    close = text.find(")", d.date.end, d.clause.end)
    return open_ >= 0 and close >= 0 and bool(_CAPTION_AROUND.search(text, open_, close))


def _rate(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """'매월 50만원', '매년 50～80억': a recurrence that says how often money is paid."""
    return d.date.recurrence is not None and bool(_AMOUNT_AFTER.match(ctx.text, d.date.end))


_BARE_MONTH_DAY = re.compile(r"^\d{1,2}\.\d{1,2}$")  # '1.2', '2.5': no year, no 월 or 일
_MONEY_BEFORE_BRACKET = re.compile(rf"(?:{MONEY_UNIT_RE}|억|조)\s*$")
_CODE_BEFORE = re.compile(r"[A-Za-z]-?$")


def _money_part(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """'8.2억원(행사운영비 1.2, 시설비 7)': a number in the bracket after an amount is a part of
    it in its unit, not the 2nd of January."""
    if not _BARE_MONTH_DAY.match(d.date.text.strip()):
        return False
    text = ctx.text
    opened = text.rfind("(", d.clause.start, d.date.start)
    if opened < 0 or text.find(")", opened, d.date.start) >= 0:
        return False
    return bool(_MONEY_BEFORE_BRACKET.search(text, max(d.clause.start, opened - 8), opened))


def _code(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    """'PM-2.5', 'PM2.5': a number in a code or a name, not a date."""
    before = ctx.text[max(0, d.date.start - 2) : d.date.start]
    return bool(_BARE_MONTH_DAY.match(d.date.text.strip())) and bool(_CODE_BEFORE.search(before))


def _no_calendar(d: DateMention, ctx: Context, near: Around[DateMention]) -> bool:
    return d.date.start_date is None and d.date.end_date is None


DATE_EXCLUSIONS: tuple[Exclusion[DateMention], ...] = (
    Exclusion("no_calendar", "no calendar bounds (~종식시)", _no_calendar),
    Exclusion("as_of", "an as-of date ('25년 1월 기준, 현재): a reference point", _as_of),
    Exclusion("statistic", "a period that dates a figure (’24년 1,194건)", _statistic),
    Exclusion("comparison", "a comparison's base (’15년 대비)", _comparison),
    Exclusion("status", "the as-of date of a status (2024년 12월말 보유현황)", _status),
    Exclusion(
        "results_of", "the period whose results are reported (상반기 실적 점검)", _results_of
    ),
    Exclusion("document_date", "the document's own date (its cover or header)", _document_date),
    Exclusion("header_cell", "a table's column header", _header_cell),
    Exclusion("number_cell", "a number in a table cell (4.2 %), not a date", _number_cell),
    Exclusion(
        "caption", "the date a table's caption gives its figures (’25.1월, 단위 : 명)", _caption
    ),
    Exclusion("rate", "a recurrence that says how often money is paid (매월 50만원)", _rate),
    Exclusion(
        "money_part",
        "a part listed after an amount, in its unit (8.2억원(시설비 1.2, …))",
        _money_part,
    ),
    Exclusion("code", "a number in a code or a name (PM-2.5)", _code),
)


def excluded_date(
    d: DateMention, ctx: Context, near: Around[DateMention] | None = None
) -> Exclusion[DateMention] | None:
    near = near or Around(None, None)
    return next((r for r in DATE_EXCLUSIONS if r.applies(d, ctx, near)), None)
