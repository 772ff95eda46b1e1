"""The fiscal year of an amount and the years that scope a heading: read once, by position.

An amount's year is what its own phrase states (``’24년 … 41억원``, ``3조원(’24년 최종)``),
else the column, row and caption of its cell, else the headings above it, else the
document's budget year. A difference (``’15년 대비``), a bound (``40억원 이상``) and an amount
over several years (``총사업비``, ``(’25~’40)``) have no single fiscal year: the period is
given instead, when it is written.

The functions take the :class:`~pipeline.extract.context.Context` they read from; the
context's :meth:`fiscal_year` and :meth:`stated_year` call them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.dates import century
from pipeline.settings import YEARS
from pipeline.vocab import (
    APOSTROPHES,
    BOUND_WORDS,
    BUDGET_ACCOUNT_LABEL_RE,
    DIFFERENCE_HEADER_RE,
    DIFFERENCE_WORDS,
    PROGRAM_PERIOD_LABELS,
    RANGE_SIGNS,
    YEAR_ANY,
    YEAR_BOUND_WORDS,
)

if TYPE_CHECKING:
    from pipeline.extract.context import Clause, Context
    from pipeline.extract.mentions import MoneyMention
    from pipeline.model import Table

# A year as documents write it beside money and in headers: 2016년, 2016예산, ’16년, '25.
YEAR_TOKEN = re.compile(
    rf"(?:(?P<y4>(?:19|20)\d\d)(?=\s*(?:년|예산|결산|회계|추경|본예산|당초|최종|\(|[A-Z]|$|\s))"
    rf"|[{re.escape(APOSTROPHES)}](?P<y2>\d\d)(?=\s*(?:년|\.\s*\d|\.?\s*(?:예산|결산|당초|최종|본예산|추경)|\.?\s*$|\.?\s*[:：]|\)|\s)))"
)

# ... but not the year of a comparison or a bound: ’15년 대비, '12년까지
_NOT_FISCAL_AFTER = re.compile(rf"\s*(?:년도?)?\s*(?:최종\s*)?(?:{'|'.join(YEAR_BOUND_WORDS)})")

_AS_OF = re.compile(r"기준")

_DIFFERENCE_BEFORE = re.compile(rf"(?:{'|'.join(DIFFERENCE_WORDS)})\s*[:：]?\s*$")

_BOUND_AFTER = re.compile(rf"\s*(?:{'|'.join(BOUND_WORDS)}|[{re.escape(RANGE_SIGNS)}])")

# An increase or decrease written after the amount: '5조 3,267억원(2,252억↑)'.
_RATE_AFTER = re.compile(r"\s*(?:[↑↓▲▼]|/\s*\d+\s*년\s*간)")

_DATE_AFTER_COLON = re.compile(
    rf"(?:(?!,\s)[^\n:：(])*?[:：]\s*~?\s*(?:(?P<y4>(?:19|20)\d\d)\s*[.년]|[{re.escape(APOSTROPHES)}](?P<y2>\d\d)\s*[.년])"
)

# Where the words that date an amount stop: a line, a bullet, a list's ', ' (one event each).
_PHRASE_BREAK = re.compile(r"\n|<br\s*/?>|[○□■▷※●◦]|\s-\s|\?\?|,\s")

# An amount that covers several years: its period in brackets right after it ('(’25~’40)').
_PERIOD_AFTER = re.compile(
    rf"\s*[(（]\s*(?:사업기간\s*[:：]?\s*)?(?P<a>{YEAR_ANY})\s*년?\s*[.]?\s*[{re.escape(RANGE_SIGNS)}-]\s*(?P<b>{YEAR_ANY})\s*년?[^)）]{{0,12}}[)）]"
)

# Words that make an amount a whole program's or a period's, not one year's; a project's
# completion year beside its cost ("(‘26년 완료, 566억원)") too.
_MULTI_YEAR = re.compile(
    rf"총\s*사업비|총\s*투자|\d+\s*년\s*간|누\s*계|누\s*적|매\s*년|연\s*평균"
    rf"|{YEAR_ANY}\s*년?\s*\.?\s*(?:말\s*)?(?:완료|준공|완공)"
)

# A year in the bracket right after an amount: '3조 5,682억원(’24년 최종)', '(’23년 결산 기준)'.
_YEAR_AFTER = re.compile(
    rf"\s*[(（]\s*(?P<y>{YEAR_ANY})\s*년도?\s*(?:당초|최종|본예산|추경|결산|예산|기준)?"
    rf"(?:[^)）~∼～]{{0,8}}[)）]|\s*[,，](?![^)）]*[~∼～]))"  # '1,000백만원(‘25년, 시 500, 구 500)'
)

# A period written in the amount's phrase: (‘16.1.~’24.7.), 2023~2033, ('25~'40년).
_PERIOD_IN = re.compile(
    rf"(?P<a>{YEAR_ANY})(?:\s*[.년]\s*(?:\d{{1,2}}\s*[.월]?(?:\s*\d{{1,2}}\s*[.일]?)?)?)?\s*[{re.escape(RANGE_SIGNS)}]\s*(?P<b>{YEAR_ANY})"
)

# A period open at its end inside the amount's bracket: '(‘24. 7.~, 787백만원)'.
_OPEN_PERIOD_IN = re.compile(
    rf"(?P<a>{YEAR_ANY})(?:\s*[.년]\s*(?:\d{{1,2}}\s*[.월]?)?)?\s*[{re.escape(RANGE_SIGNS)}]\s*(?=[,，)）])"
)

_HEADING_DECORATION = " ●○□■-·'‘’`\t"

# A program's cost, labelled as such: 사업비, 사 업 비, 총사업비 (its years are its block's period).
_PROJECT_COST_LABEL = re.compile(r"(?:총\s*)?사\s*업\s*비")
# A total broken down by year right after it: '30억원 (’23년 10억원, '24년 20억원)'.
_YEARLY_BREAKDOWN = re.compile(
    rf"\s*[(（]\s*(?P<a>{YEAR_ANY})\s*년?도?\s*[:：]?\s*\d[\d,.]*(?![\d,.]*\s*[월일])\s*[가-힣]{{0,3}}\s*[,，]\s*"
    rf"(?:[^)）]*[,，]\s*)?(?P<b>{YEAR_ANY})\s*년?도?\s*[:：]?\s*\d[\d,.]*(?![\d,.]*\s*[월일])"
)
# A bracket after a finished part: '완료(석대천 등 10개, 29.5㎞, 2,412억원)' — what it cost, over years.
_DONE_BEFORE_BRACKET = re.compile(r"(?:완료|준공|완공)\s*$")
# A period a program's block states: '지원기간 : 2023년 ~ 2033년', '공사기간 : 7년 (ˊ25.~ˊ32.)'.
_PERIOD_LINE = re.compile(rf"(?:{'|'.join(PROGRAM_PERIOD_LABELS)})\s*[:：(（]")


def year_of(m: re.Match[str], ref_year: int | None = None) -> int:
    """The four-digit year of a :data:`YEAR_TOKEN` match."""
    if m.group("y4"):
        return int(m.group("y4"))
    return century(int(m.group("y2")), ref_year)


def year_tokens(text: str, ref_year: int | None = None) -> list[tuple[int, bool, int, int]]:
    """Every year written in ``text``: (year, can it be a fiscal year, start, end)."""
    return [
        (year_of(m, ref_year), not _NOT_FISCAL_AFTER.match(text, m.end()), m.start(), m.end())
        for m in YEAR_TOKEN.finditer(text)
    ]


def fiscal_years(text: str, ref_year: int | None = None) -> list[int]:
    return [y for y, fiscal, _, _ in year_tokens(text, ref_year) if fiscal]


# A heading year that names a fiscal year ('2026년도 본예산 편성'): it scopes amounts, but the
# steps under it happen before that year, so it is not the year in force for dates.
_BUDGET_YEAR_AFTER = re.compile(r"\s*년?도?\s*(?:본예산|예산|결산|추경|회계|세입|세출|국비)")


def scoping_year(title: str, ref_year: int | None = None, for_dates: bool = False) -> int | None:
    """A year that scopes a heading's whole section: leading the title ('2020년 지방재정 …',
    "'20년 사업 개요", 'Ⅲ. 2025년 주요업무계획') or dating it ('예산 집행현황('18.6.30 기준)');
    not one in passing ('발행규모 : … ('19년 이월 3,187억원 포함)')."""
    for m in YEAR_TOKEN.finditer(title):
        leading = not title[: m.start()].strip(_HEADING_DECORATION)
        as_of = _AS_OF.search(title, m.end(), m.end() + 12)
        if (leading or as_of) and not _NOT_FISCAL_AFTER.match(title, m.end()):
            if for_dates and _BUDGET_YEAR_AFTER.match(title, m.end()):
                return None
            return year_of(m, ref_year)
    return None


def _period_in(phrase: str, ref_year: int | None = None) -> tuple[int, int] | None:
    """The years of a period written in ``phrase`` (``‘16.1.~’24.7.``), if one is."""
    found = list(_PERIOD_IN.finditer(phrase))
    if not found:
        return None
    m = found[-1]

    def year(tok: str) -> int:
        digits = re.sub(r"\D", "", tok)
        return int(digits) if len(digits) == 4 else century(int(digits), ref_year)

    a, b = year(m.group("a")), year(m.group("b"))
    return (a, b) if a < b else None


def _year_text(ctx: Context, token: str) -> int:
    digits = re.sub(r"\D", "", token)
    return int(digits) if len(digits) == 4 else century(int(digits), ctx.doc_year)


def fiscal_year(ctx: Context, m: MoneyMention) -> tuple[int | None, tuple[int | None, int | None]]:
    """The amount's fiscal year and period: what it states (:func:`stated_year`), else
    the headings above it, the caption under its heading, the document's budget year."""
    stated = stated_year(ctx, m)
    if stated is not None:
        return stated
    return fallback_year(ctx, m), (None, None)


def fallback_year(ctx: Context, m: MoneyMention) -> int | None:
    """The year in force where an amount states none of its own."""
    if m.clause.cell is not None:
        return ctx.budget_year
    return (
        ctx.heading_year(m.start)
        or _caption_below(ctx, m.clause)
        or ctx.budget_year
        or _account_year(ctx, m)
    )


def _account_year(ctx: Context, m: MoneyMention) -> int | None:
    """A report's own year for an amount labelled as a budget account and nothing else
    ('예산 총 규모 : 2조 9,123억원', '○ 일반회계 : 총 9,845억'): the budget it reports on."""
    if ctx.doc.meta.doc_kind != "work_report":
        return None
    before = ctx.text[m.clause.start : m.start]
    if ":" not in before and "：" not in before:
        return None
    label = re.split(r"[:：]", before, maxsplit=1)[0]
    return ctx.doc_year if BUDGET_ACCOUNT_LABEL_RE.match(label.strip()) else None


def stated_year(
    ctx: Context, m: MoneyMention
) -> tuple[int | None, tuple[int | None, int | None]] | None:
    """``(fiscal_year, (period_start_year, period_end_year))`` of an amount.

    The nearest year stated in its own phrase governs ('13년 … (2,160억원 중 50억원));
    then a date after a colon ('지급 : ~'20.8월'); for a cell, its column, row and caption;
    then the headings above it; then the document's budget year. None for a difference
    (’15년 대비 991억원, a 증감 column), a bound (40억원 이상) and an amount over several
    years (총사업비, ``3,672억원 ('25~'40)``, which gives the period instead)."""
    text, clause = ctx.text, m.clause
    none: tuple[int | None, int | None] = (None, None)
    period = _PERIOD_AFTER.match(text, m.end, min(len(text), m.end + 40))
    if period:
        a, b = _year_text(ctx, period.group("a")), _year_text(ctx, period.group("b"))
        if a <= b:
            return None, (a, b)
    window = text[max(clause.start, m.start - 80) : m.start]
    if _DIFFERENCE_BEFORE.search(window[-12:]):
        return None, none
    if m.how in ("written", "part") and (
        _BOUND_AFTER.match(text, m.end) or _RATE_AFTER.match(text, m.end)
    ):
        return None, none
    cuts = list(_PHRASE_BREAK.finditer(window))
    phrase = window[cuts[-1].end() :] if cuts else window
    if len(cuts) >= 2 and not phrase.strip() and cuts[-1].group(0).startswith(","):
        # '▸ ‘25년, 48억원': the amount opens its phrase; the one before names its year
        phrase = window[cuts[-2].end() : cuts[-1].start()]
    tokens = year_tokens(phrase, ctx.doc_year)
    nearest = phrase[tokens[-1][3] :] if tokens else phrase
    bracket = _bracket_around(ctx, clause, m)  # the '(…, 41억원)' the amount stands in
    label = (
        text[clause.start : m.start].split(":", 1)[0] if ":" in text[clause.start : m.start] else ""
    )
    if any(_MULTI_YEAR.search(x) for x in (nearest, bracket, label)):
        return None, none  # '총사업비 318억원', '3년간 5천억', "(‘26년 완료, 566억원)"
    if bracket and _DONE_BEFORE_BRACKET.search(_words_before_bracket(ctx, clause, m)):
        return None, none  # '완료(석대천 등 10개, 29.5㎞, 2,412억원)': a finished part's cost
    if phrase.strip() == "총" and cuts:
        # '* ’24.～‘26., 총 200억원': the period before it
        phrase = window[cuts[-2].end() if len(cuts) >= 2 else 0 :]
    span = _period_in(phrase) or _period_in(bracket)
    if span is not None:  # '사업(‘16.1.~’24.7.) ▹ 260억원', '(‘24.10.~’25.10, 41억원)'
        return None, span
    if bracket and (opened := _OPEN_PERIOD_IN.search(bracket)):
        # '용역 착수(‘24. 7.~, 787백만원)': the cost of work running on from then
        return None, (_year_text(ctx, opened.group("a")), None)
    yearly = None if tokens else _YEARLY_BREAKDOWN.match(text, m.end, min(len(text), m.end + 80))
    if yearly:  # '30억원 (’23년 10억원, '24년 20억원)': a total over the years it lists
        a, b = _year_text(ctx, yearly.group("a")), _year_text(ctx, yearly.group("b"))
        if a < b:
            return None, (a, b)
    own = _YEAR_AFTER.match(text, m.end, min(len(text), m.end + 30))
    if not tokens and own:  # '3조 5,682억원(’24년 최종)': the year the bracket after it gives
        return _year_text(ctx, own.group("y")), none
    if not tokens and _PROJECT_COST_LABEL.fullmatch(label.strip(_HEADING_DECORATION + "ㅇ◦◾▪•*")):
        span = _block_period(ctx, m)
        if span is not None:  # '○ 사 업 비 : 119억원 / 지원기간 : 2023년 ~ 2033년'
            return None, span
    if tokens:
        year, fiscal = tokens[-1][:2]
        return (year if fiscal else None), none
    if bracket:  # '2023년도 사업 추진 (3개구, 6지구, 4,350백만원)': the bracket's own year
        around = year_tokens(bracket, ctx.doc_year) or year_tokens(
            _words_before_bracket(ctx, clause, m), ctx.doc_year
        )
        if around:
            year, fiscal = around[-1][:2]
            return (year if fiscal else None), none
    after = _DATE_AFTER_COLON.match(text, m.start, min(len(text), m.start + 60))
    if after:  # '등록보상금 900만원 지급 : ~'20.8월': the item's own date
        y = after.group("y4") or after.group("y2")
        return _year_text(ctx, y), none
    cell, table = clause.cell, clause.table
    if cell is not None and table is not None:
        labels = [*cell.header_path, cell.row_label or "", _line_before(ctx, table)]
        if any(DIFFERENCE_HEADER_RE.search(h) for h in cell.header_path):
            return None, none
        if any(_MULTI_YEAR.search(h) for h in labels):
            return None, none
        if (
            cell.header_path
            and _PROJECT_COST_LABEL.fullmatch(cell.header_path[-1].replace(" ", ""))
            and not any(fiscal_years(h) for h in cell.header_path)
        ):
            return None, none  # a 사업비 column with no year: each project's whole cost
        y = ctx.cell_year(cell, table) or ctx.heading_year(m.start)
        if y:
            return y, none
        # a number cell states its year in its table; only a 결재문서's own plan dates it
        if m.how in ("cell", "stacked") and ctx.doc.meta.doc_kind != "approval":
            return None, none
    return None


def _block_period(ctx: Context, m: MoneyMention) -> tuple[int, int] | None:
    """The period of several years the program block around an amount states: in its own
    line or heading, a ``…기간`` line of its section (``지원기간 : 2023년 ~ 2033년``), or
    the heading above (``복합허브센터 조성 (’23.~’26.)``, ``사업개요 (2017~2027)``)."""
    text = ctx.text
    ls = text.rfind("\n", 0, m.start) + 1
    le = text.find("\n", m.end)
    own_line = text[ls : le if le >= 0 else len(text)]
    if _PERIOD_LINE.search(own_line) and (span := _period_in(own_line, ctx.doc_year)):
        return span
    for k, sec in enumerate(ctx.headings(m.start)):
        if k >= YEARS.block_levels:
            break
        if span := _period_in(sec.title, ctx.doc_year):
            return span
        body = text[sec.head_end : min(sec.char_end, sec.head_end + YEARS.block_chars)]
        for line in body.split("\n"):
            if _PERIOD_LINE.search(line) and (span := _period_in(line, ctx.doc_year)):
                return span
    return None


def _bracket_start(ctx: Context, clause: Clause, m: MoneyMention) -> int | None:
    """Where the bracket the amount stands in opens, if it does."""
    depth = 0
    for i in range(m.start - 1, clause.start - 1, -1):
        ch = ctx.text[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                return i
            depth -= 1
    return None


def _bracket_around(ctx: Context, clause: Clause, m: MoneyMention) -> str:
    """The text of the bracket the amount stands in ('(‘24.10.~’25.10, 41억원)'), or ''."""
    opened = _bracket_start(ctx, clause, m)
    if opened is None:
        return ""
    close = ctx.text.find(")", m.end, clause.end)
    return ctx.text[opened : close if close >= 0 else clause.end]


def _words_before_bracket(ctx: Context, clause: Clause, m: MoneyMention) -> str:
    opened = _bracket_start(ctx, clause, m)
    if opened is None:
        return ""
    before = ctx.text[max(clause.start, opened - 60) : opened]
    cuts = list(_PHRASE_BREAK.finditer(before))
    return before[cuts[-1].end() :] if cuts else before


def _caption_below(ctx: Context, clause: Clause) -> int | None:
    """'□ 예 산 : 세입 89억원, 세출 463억원' ⏎ '(’25년 본예산, 단위 : 천원)': a heading's
    amounts restate the table the caption below it dates."""
    nl = ctx.text.find("\n", clause.end)
    if nl < 0:
        return None
    ne = ctx.text.find("\n", nl + 1)
    line = ctx.text[nl + 1 : ne if ne >= 0 else len(ctx.text)].strip()
    if line.startswith("(") and "단위" in line:
        ys = fiscal_years(line, ctx.doc_year)
        return ys[0] if ys else None
    return None


def _line_before(ctx: Context, table: Table) -> str:
    """The text on a table's own line before it (the label of a cell holding a table)."""
    ls = ctx.text.rfind("\n", 0, table.char_start) + 1
    return ctx.text[ls : table.char_start]
