"""Date expressions of Korean administrative documents → normalised periods.

``find_dates(text, default_year)`` scans a string and yields every date expression with its
span: full dates (``2020.2.19.``, ``2020-02-19``, ``’16.11.10.``), months (``‘20. 2월중``,
``2016.03``), ranges (``’20. 2~4월중``, ``'17.02.~06.``, ``2016.03~2016.12``), open ranges
(``'20. 6월~``), days without a year (``8. 26. 0시``, ``8.16.(일) 19:25``), halves and quarters
(``'20. 상반기``, ``1/4분기``), and recurrences (``매월``, ``격 월``, ``연중``, ``상시``, ``수시``).

A year left out takes ``default_year`` (the year in force); two-digit years are 20xx. A month
starts on the 1st and ends on its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.model import Precision

APOSTROPHES = "‘’'`´′"
_APOS = f"[{APOSTROPHES}]"
_Y = rf"(?:(?P<Y>(?:19|20)\d\d)|{_APOS}\s?(?P<YY>\d\d))"
_SEP = r"\s*[.\-/]\s*"
_M = r"(?P<M>1[0-2]|0?[1-9])(?!\d)"
_D = r"(?P<D>3[01]|[12]\d|0?[1-9])(?!\d)(?!-\d)(?!(?!일)[가-힣])"  # '3대 분야' is not day 3

# Each form of one point in time, tried in this order at a position.
_POINT_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(rf"{_Y}{_SEP}{_M}{_SEP}{_D}(?:\s*일|\.(?!\d))?")),
    ("ymd", re.compile(rf"{_Y}\s*년\s*{_M}\s*월\s*{_D}\s*일")),
    ("ym", re.compile(rf"{_Y}{_SEP}{_M}(?:\s*월|\.(?!\d))?")),
    ("ym", re.compile(rf"{_Y}\s*년\s*{_M}\s*월")),
    ("y", re.compile(rf"{_Y}\s*년도?|{_APOS}(?P<YY2>\d\d)(?!\d)(?!\s*[.\-/]\s*\d)")),
    ("md", re.compile(rf"{_M}\s*월\s*{_D}\s*일")),
    ("md", re.compile(rf"{_M}\s*\.\s*{_D}(?:\s*\.|(?=\s*[~()\],·]|\s*$|\s+[^\d\s]))")),
    ("m", re.compile(rf"{_M}\s*월")),
]
_HALF = re.compile(rf"(?:{_Y}\s*(?:년도?|\.)?\s*)?(?P<H>상|하)\s*반\s*기")
_QUARTER = re.compile(rf"(?:{_Y}\s*(?:년도?|\.)?\s*)?(?P<Q>[1-4])\s*(?:/\s*4\s*)?분\s*기(?!\s*별)")
# '2~3월', '7 ~ 12월': a month range whose year is the one in force
_MONTH_RANGE = re.compile(r"(?P<M1>1[0-2]|0?[1-9])\s*[~∼〜]\s*(?P<M2>1[0-2]|0?[1-9])\s*월")
_FROM = re.compile(r"\s*부터")
# '~종식시', '~ 해제 시까지': until an event; a period with no calendar bounds
_UNTIL_EVENT = re.compile(r"[~∼〜]\s*(?:상황\s*)?(?:종식|종료|해제|완료|안정화)\s*시(?:\s*까지)?")
_RECURRENCE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"매\s*월|월\s*\d+\s*회(?:\s*이상)?|월\s*1?\s*회|매달"), "monthly"),
    (re.compile(r"격\s*월"), "bimonthly"),
    (re.compile(r"분\s*기\s*별|매\s*분\s*기"), "quarterly"),
    (re.compile(r"매\s*년|연\s*\d+\s*회|연\s*1?\s*회"), "yearly"),
    (re.compile(r"연\s*중|상\s*시"), "ongoing"),
    (re.compile(r"수\s*시"), "as_needed"),
]
_TAIL = re.compile(
    r"(?:\s*\([월화수목금토일]\))?(?:\s*\d{1,2}\s*:\s*\d{2}|\s*\d{1,2}\s*시)?(?:\s*[중초말경])?"
)
_RANGE = re.compile(r"\s*[~∼〜－]\s*")
_BEFORE_OK = re.compile(r"(?:^|[^\d.,\w])$|(?<=[가-힣(\[「『<])$")
_AFTER_BAD = re.compile(
    r"^(?:\d|[.,]\d|\s*[%％]|(?:천원|백만원|만원|억|조|원|명|개|건|회|배|호|층|km|㎞|m|번|차|세))"
)
_CANDIDATE = re.compile(rf"{_APOS}\s?\d|\d|[상하]\s*반\s*기|매|격|분|연|상|수|월|[~∼〜]")


@dataclass(frozen=True, slots=True)
class DateMatch:
    start: int
    end: int
    text: str
    start_date: dt.date | None
    end_date: dt.date | None
    precision: Precision
    recurrence: str | None = None
    open_end: bool = False
    explicit_year: bool = False


@dataclass(slots=True)
class _Point:
    kind: str
    year: int | None
    month: int | None
    day: int | None
    start: int
    end: int
    explicit_year: bool


def _year(m: re.Match[str]) -> int | None:
    gd = m.groupdict()
    if gd.get("Y"):
        return int(gd["Y"])
    yy = gd.get("YY") or gd.get("YY2")
    return 2000 + int(yy) if yy else None


def _match_point(text: str, pos: int) -> _Point | None:
    for kind, pattern in _POINT_FORMS:
        m = pattern.match(text, pos)
        if not m:
            continue
        gd = m.groupdict()
        month = int(gd["M"]) if gd.get("M") else None
        day = int(gd["D"]) if gd.get("D") else None
        year = _year(m)
        if day is not None and month is not None and year is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                continue
        return _Point(kind, year, month, day, m.start(), m.end(), year is not None)
    return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _bounds(p: _Point, year: int) -> tuple[dt.date, dt.date, Precision]:
    if p.month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if p.day is None:
        return dt.date(year, p.month, 1), _month_end(year, p.month), "month"
    day = min(p.day, calendar.monthrange(year, p.month)[1])
    d = dt.date(year, p.month, day)
    return d, d, "day"


def _ok_context(text: str, start: int, end: int) -> bool:
    if start > 0 and not _BEFORE_OK.search(text[max(0, start - 1) : start]):
        return False
    return not _AFTER_BAD.match(text[end : end + 4])


def _second_point(text: str, pos: int, first: _Point) -> _Point | None:
    """The end of a range: a full point, or a bare number continuing the first's precision."""
    p = _match_point(text, pos)
    if p is not None and (p.kind != "md" or first.day is not None or first.kind == "md"):
        return p
    m = re.compile(r"(\d{1,2})(?!\d)\s*(월|일|\.)?").match(text, pos)
    if not m:
        return None
    n = int(m.group(1))
    if first.day is not None and m.group(2) != "월":
        return (
            _Point("d", first.year, first.month, n, m.start(), m.end(), False)
            if 1 <= n <= 31
            else None
        )
    if first.month is not None and 1 <= n <= 12:
        return _Point("m", first.year, n, None, m.start(), m.end(), False)
    return None


def _simple_match(text: str, pos: int, default_year: int | None) -> DateMatch | None:
    for pattern, precision in ((_HALF, "half"), (_QUARTER, "quarter")):
        m = pattern.match(text, pos)
        if not m:
            continue
        year = _year(m) or default_year
        if year is None:
            return None
        if precision == "half":
            first = m.group("H") == "상"
            start = dt.date(year, 1 if first else 7, 1)
            end = dt.date(year, 6, 30) if first else dt.date(year, 12, 31)
        else:
            q = int(m.group("Q"))
            start = dt.date(year, 3 * q - 2, 1)
            end = _month_end(year, 3 * q)
        return DateMatch(
            m.start(),
            m.end(),
            m.group(0),
            start,
            end,
            precision,  # type: ignore[arg-type]
            explicit_year=_year(m) is not None,
        )
    for pattern, recurrence in _RECURRENCE:
        m = pattern.match(text, pos)
        if m and _word_bounded(text, m.start(), m.end()):
            start_d = dt.date(default_year, 1, 1) if default_year else None
            end_d = dt.date(default_year, 12, 31) if default_year else None
            return DateMatch(m.start(), m.end(), m.group(0), start_d, end_d, "year", recurrence)
    return None


def _word_bounded(text: str, start: int, end: int) -> bool:
    """A recurrence word starts a word: ``상시운영`` counts, ``감수시`` does not."""
    return start == 0 or not ("가" <= text[start - 1] <= "힣")


def find_dates(
    text: str, default_year: int | None = None, start: int = 0, end: int | None = None
) -> Iterator[DateMatch]:
    """Every date expression in ``text[start:end]``, left to right, non-overlapping.

    Offsets are into ``text``. ``default_year`` is the year in force for expressions without
    one; it is updated as explicit years are seen, so ``’20. 2월 … 3월`` gives 2020-03.
    """
    end = len(text) if end is None else end
    year_in_force = default_year
    pos = start
    while pos < end:
        cm = _CANDIDATE.search(text, pos, end)
        if not cm:
            return
        pos = cm.start()
        match = _match_at(text, pos, end, year_in_force)
        if match is None:
            pos += 1
            continue
        if match.explicit_year and match.start_date is not None:
            year_in_force = match.start_date.year
        yield match
        pos = match.end


def _match_at(text: str, pos: int, limit: int, year_in_force: int | None) -> DateMatch | None:
    simple = _simple_match(text, pos, year_in_force)
    if simple is not None:
        return simple if simple.end <= limit else None
    ue = _UNTIL_EVENT.match(text, pos, limit)
    if ue:
        return DateMatch(pos, ue.end(), ue.group(0), None, None, "day", None, True)
    mr = _MONTH_RANGE.match(text, pos, limit)
    if mr and year_in_force is not None and _ok_context(text, pos, mr.end()):
        m1, m2 = int(mr.group("M1")), int(mr.group("M2"))
        if m1 <= m2:
            return DateMatch(
                pos,
                mr.end(),
                mr.group(0),
                dt.date(year_in_force, m1, 1),
                _month_end(year_in_force, m2),
                "month",
            )
    first = _match_point(text, pos)
    if first is None or first.end > limit:
        return None
    year = first.year if first.year is not None else year_in_force
    if year is None:
        return None
    first.year = year
    tail = _TAIL.match(text, first.end)
    cur = tail.end() if tail else first.end
    second: _Point | None = None
    open_end = False
    rng = _RANGE.match(text, cur)
    if rng:
        second = _second_point(text, rng.end(), first)
        if second is not None and second.end <= limit:
            if second.year is None:
                second.year = year
            if second.kind == "m" and first.day is None and first.month is None:
                return None
            t2 = _TAIL.match(text, second.end)
            cur = t2.end() if t2 else second.end
        else:
            second = None
            open_end = True
            cur = rng.end()
    if not _ok_context(text, pos, cur if not open_end else first.end):
        return None
    if first.kind == "m" and second is None and not open_end and year_in_force is None:
        return None
    start_d, end_d, precision = _bounds(first, year)
    if second is not None:
        assert second.year is not None
        if second.month is None and first.month is not None:
            second.month = first.month
        _s2, end_d, p2 = _bounds(second, second.year)
        if precision == "year" and p2 != "year":
            precision = p2
        if end_d < start_d:
            return None
    elif open_end:
        end_d = None  # type: ignore[assignment]
    if second is None and not open_end and (fm := _FROM.match(text, cur, limit)):
        open_end, end_d, cur = True, None, fm.end()  # type: ignore[assignment]  # '06년부터: open-ended
    raw = text[pos:cur].rstrip()
    return DateMatch(
        pos, pos + len(raw), raw, start_d, end_d, precision, None, open_end, first.explicit_year
    )


def parse_date_expression(expr: str, default_year: int | None = None) -> DateMatch | None:
    """Parse a whole string that should be one date expression (e.g. a table cell)."""
    s = expr.strip()
    for m in find_dates(s, default_year):
        return m
    return None


def parse_date(expr: str) -> dt.date | None:
    """A single full date such as ``2020.2.19.`` or ``2020-02-19`` (metadata fields)."""
    m = parse_date_expression(expr)
    if m is None or m.precision != "day":
        return None
    return m.start_date
