"""Date expressions of Korean administrative documents → normalised periods.

``find_dates(text, default_year)`` scans a string and yields every date expression with its
span: full dates (``2020.2.19.``, ``2020-02-19``, ``’16.11.10.``, a table's bare ``23.3.29.``),
months (``‘20. 2월중``, ``2016.03``, ``3월말``), ranges (``’20. 2~4월중``, ``'17.02.~06.``,
``’26. 3.4.(수) ~ 4.10(금)``, ``'03~'07``, ``’23/’24년``), open ranges (``'20. 6월~``,
``(’26.5.2.～)``, ``'06년부터``), days without a year (``8. 26. 0시``, ``8.16.(일) 19:25``),
halves and quarters (``'20. 상반기``, ``(’26.下)``, ``1/4분기``), years (``’26년까지``), and
recurrences (``매월``, ``격 월``, ``연중``, ``상시``, ``수시``).

A year left out takes ``default_year`` (the year in force where the text is written) and is
then carried along the scanned text; a two-digit year takes the century that puts it nearest
``ref_year`` (the document's own year: ``'97.`` in a 2017 sheet is 1997), else 20xx. A month
starts on the 1st and ends on its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from pipeline.date_patterns import (
    AFTER_BAD,
    AFTER_WINDOW,
    APOS,
    BEFORE_OK,
    CANDIDATE,
    EACH_HALF,
    FROM,
    HALF,
    HALF_BARE,
    HALF_SHORT_RE,
    MONTH_LIST,
    MONTH_RANGE,
    POINT_FORMS,
    QUARTER,
    RANGE,
    RECURRENCE,
    RELATIVE_YEAR,
    TAIL,
    UNTIL_EVENT,
    YEAR4_SPAN,
    YEAR_PAIR,
    M,
    Y,
)
from pipeline.model import Precision


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


def century(yy: int, ref_year: int | None) -> int:
    """The four-digit year of ``'yy`` nearest ``ref_year`` (``'97`` by 2017 → 1997), else 20yy."""
    if ref_year is None:
        return 2000 + yy
    return min((1900 + yy, 2000 + yy), key=lambda y: (abs(y - ref_year), -y))


def _year(m: re.Match[str], ref_year: int | None, suffix: str = "") -> int | None:
    gd = m.groupdict()
    if gd.get(f"Y{suffix}"):
        return int(gd[f"Y{suffix}"])
    yy = gd.get(f"YY{suffix}") or (gd.get("YY2") or gd.get("YY3") if not suffix else None)
    return century(int(yy), ref_year) if yy else None


def _match_point(text: str, pos: int, ref_year: int | None) -> _Point | None:
    for kind, pattern in POINT_FORMS:
        m = pattern.match(text, pos)
        if not m:
            continue
        gd = m.groupdict()
        month = int(gd["M"]) if gd.get("M") else None
        day = int(gd["D"]) if gd.get("D") else None
        year = _year(m, ref_year)
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


_FULL_DATE = re.compile(r"(?:19|20)\d\d\s*\.\s*\d{1,2}\s*\.")


def _ok_context(text: str, start: int, end: int) -> bool:
    # '(청년사업담당관-1485,2025.2.13.)': a full date may follow a comma without a space
    after_comma = start > 0 and text[start - 1] == "," and _FULL_DATE.match(text, start)
    if start > 0 and not BEFORE_OK.search(text[max(0, start - 1) : start]) and not after_comma:
        return False
    return not AFTER_BAD.match(text[end : end + AFTER_WINDOW])


_BLANK_DAY_END = re.compile(rf"{M}\s*\.\s*00(?!\d)\.?")


_YEAR_DOT_END = re.compile(r"((?:19|20)\d\d)\s*\.?(?=[^\S\n]*(?:$|[)\]）,]|\n))")


def _second_point(text: str, pos: int, first: _Point, ref_year: int | None) -> _Point | None:
    """The end of a range: a full point, or a bare number continuing the first's precision."""
    p = _match_point(text, pos, ref_year)
    if p is not None and (p.kind != "md" or first.day is not None or first.kind == "md"):
        return p
    if p is None and first.explicit_year and (y4 := _YEAR_DOT_END.match(text, pos)):
        # '2023.5.~2025.': a range may end in a four-digit year alone
        return _Point("y", int(y4.group(1)), None, None, pos, y4.end(), True)
    blank = _BLANK_DAY_END.match(text, pos)
    if blank and first.day is None:  # '’26. 07. 00. ~ 08. 00.': a template's blank days
        return _Point("m", first.year, int(blank.group("M")), None, pos, blank.end(), False)
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


_UNTIL = re.compile(r"[^\S\n]*까지")


def _until_point(
    text: str, pos: int, limit: int, first: _Point, ref_year: int | None
) -> _Point | None:
    """The end of 'A부터 B까지': a point of at least A's precision, written with its year
    when A's is, on the same line and followed by 까지."""
    ws = re.compile(r"[^\S\n]*").match(text, pos)
    assert ws is not None
    p = _match_point(text, ws.end(), ref_year)
    if p is None or p.end > limit or (first.explicit_year and not p.explicit_year):
        return None
    tail = TAIL.match(text, p.end)
    if not _UNTIL.match(text, tail.end() if tail else p.end):
        return None
    if p.year is None:
        p.year = first.year
    if p.year is None or (p.year, p.month or 0, p.day or 0) < (
        first.year or 0,
        first.month or 0,
        first.day or 0,
    ):
        return None
    return p


def _simple_match(
    text: str, pos: int, default_year: int | None, ref_year: int | None
) -> DateMatch | None:
    for pattern, precision in (
        (HALF, "half"),
        (HALF_SHORT_RE, "half"),
        (HALF_BARE, "half"),
        (QUARTER, "quarter"),
    ):
        m = pattern.match(text, pos)
        if not m:
            continue
        year = _year(m, ref_year) or default_year
        if year is None:
            return None
        end_pos = m.end()
        if precision == "half":
            gd = m.groupdict()
            if gd.get("HB"):  # both halves: the whole year, by halves
                start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            else:
                first = bool(gd.get("H1"))
                start = dt.date(year, 1 if first else 7, 1)
                end = dt.date(year, 6, 30) if first else dt.date(year, 12, 31)
        else:
            q = int(m.group("Q"))
            start = dt.date(year, 3 * q - 2, 1)
            end = _month_end(year, 3 * q)
        recurrence = None
        if precision == "half" and m.groupdict().get("HB"):
            each = EACH_HALF.match(text, end_pos)
            if each:  # '상·하반기 각 1회', '상·하반기 연2회': a recurrence over the whole year
                end_pos, precision, recurrence = each.end(), "year", "yearly"
        if precision == "half":  # '‘24.下~‘25.上', '‘25.下~‘27.下': a range of halves
            rng = RANGE.match(text, end_pos)
            nxt = rng and (HALF.match(text, rng.end()) or HALF_SHORT_RE.match(text, rng.end()))
            if rng and nxt and nxt.group(0).strip() and (ny := _year(nxt, ref_year)):
                second_half = nxt.groupdict()
                end = dt.date(ny, 6, 30) if second_half.get("H1") else dt.date(ny, 12, 31)
                end_pos = nxt.end()
        return DateMatch(
            m.start(),
            end_pos,
            text[m.start() : end_pos],
            start,
            end,
            precision,  # type: ignore[arg-type]
            recurrence,
            explicit_year=_year(m, ref_year) is not None,
        )
    rel = RELATIVE_YEAR.match(text, pos)
    if rel and default_year is not None and _word_bounded(text, rel.start(), rel.end()):
        return DateMatch(
            rel.start(),
            rel.end(),
            rel.group(0),
            dt.date(default_year, 1, 1),
            dt.date(default_year, 12, 31),
            "year",
            explicit_year=False,
        )
    for pattern, recurrence in RECURRENCE:
        m = pattern.match(text, pos)
        if m and _word_bounded(text, m.start(), m.end()):
            start_d = dt.date(default_year, 1, 1) if default_year else None
            end_d = dt.date(default_year, 12, 31) if default_year else None
            return DateMatch(m.start(), m.end(), m.group(0), start_d, end_d, "year", recurrence)
    return None


def _word_bounded(text: str, start: int, end: int) -> bool:
    """A recurrence word starts a word: ``상시운영`` counts, ``감수시`` does not."""
    return start == 0 or not ("가" <= text[start - 1] <= "힣")


# Two day dates a converter glued together, their separator lost: '’16.5.3.9.19' (5.3 and
# 9.19), '’16.4.29., 5.17.8.26'. Read only after a year or in a list of dates, and only when
# the second falls after the first: a numbering like '1.3.2.1' is neither.
_GLUED_DAYS = re.compile(
    rf"(?:{Y}\.\s?)?(?P<M1>1[0-2]|0?[1-9])\.(?P<D1>3[01]|[12]\d|0?[1-9])\."
    r"(?P<M2>1[0-2]|0?[1-9])\.(?P<D2>3[01]|[12]\d|0?[1-9])\.?(?![\d.])"
)
_LISTED_BEFORE = re.compile(r"[,，][^\S\n]*$")


def _glued_days(
    text: str, pos: int, limit: int, year_in_force: int | None, ref_year: int | None
) -> tuple[DateMatch, DateMatch] | None:
    m = _GLUED_DAYS.match(text, pos, limit)
    if m is None or (pos > 0 and (text[pos - 1].isdigit() or text[pos - 1] == ".")):
        return None
    explicit = bool(m.group("Y") or m.group("YY"))
    if not explicit and not _LISTED_BEFORE.search(text, max(0, pos - 4), pos):
        return None
    year = _year(m, ref_year) if explicit else year_in_force
    if year is None:
        return None
    try:
        first = dt.date(year, int(m.group("M1")), int(m.group("D1")))
        second = dt.date(year, int(m.group("M2")), int(m.group("D2")))
    except ValueError:
        return None
    if second <= first:
        return None
    cut = m.start("M2")  # the first date keeps its closing dot: '5.17.' ⏎ '8.26'
    return (
        DateMatch(pos, cut, text[pos:cut], first, first, "day", explicit_year=explicit),
        DateMatch(m.start("M2"), m.end(), m.group(0)[m.start("M2") - pos :], second, second, "day"),
    )


def find_dates(
    text: str,
    default_year: int | None = None,
    start: int = 0,
    end: int | None = None,
    ref_year: int | None = None,
) -> Iterator[DateMatch]:
    """Every date expression in ``text[start:end]``, left to right, non-overlapping.

    Offsets are into ``text``. ``default_year`` is the year in force for expressions without
    one; it is updated as explicit years are seen, so ``’20. 2월 … 3월`` gives 2020-03.
    ``ref_year`` (the document's year) decides the century of two-digit years; it defaults
    to ``default_year``.
    """
    end = len(text) if end is None else end
    ref = ref_year if ref_year is not None else default_year
    year_in_force = default_year
    pos = start
    while pos < end:
        cm = CANDIDATE.search(text, pos, end)
        if not cm:
            return
        pos = cm.start()
        glued = _glued_days(text, pos, end, year_in_force, ref)
        if glued is not None:
            yield from glued
            year_in_force = glued[0].start_date.year if glued[0].start_date else year_in_force
            pos = glued[1].end
            continue
        match = _match_at(text, pos, end, year_in_force, ref)
        if match is None:
            pos += 1
            continue
        if match.explicit_year and match.start_date is not None:
            year_in_force = match.start_date.year
        yield match
        pos = match.end


def _year_pair(text: str, pos: int, limit: int, ref_year: int | None) -> DateMatch | None:
    m = YEAR_PAIR.match(text, pos, limit)
    if not m or not _ok_context(text, pos, m.end()):
        return None
    first, second = _year(m, ref_year), _year(m, ref_year, "_2")
    if first is None or second is None or second < first:
        return None
    return DateMatch(
        pos,
        m.end(),
        m.group(0),
        dt.date(first, 1, 1),
        dt.date(second, 12, 31),
        "year",
        explicit_year=True,
    )


# A range sign with nothing after it: the period is open-ended ('’25. 下 ~)').
_OPEN_AFTER = re.compile(
    rf"[^\S\n]*[~∼～〜][^\S\n]*(?=$|[)\]）,:：]|\n(?![^\S\n]*(?:{APOS}|\d|올해|내년|금년)))"
)  # ... a label's colon after it too ('’25. 下 ~ : 子펀드 결성'); but not a range wrapped onto
# the next line ('’25. 3분기 ~' ⏎ '’26. 1분기')
# Months listed after a month: '’15.6월 / 7월', '’16.1~5월, 11월' (one range, as 1,7월 is).
_LISTED_MONTH = re.compile(r"[^\S\n]*[,/][^\S\n]*(?P<M>1[0-2]|0?[1-9])[^\S\n]*월(?!\s*\d)")


def _with_listed_months(text: str, d: DateMatch, limit: int) -> DateMatch:
    """``d`` reaching to the last month listed right after it, in the same year."""
    if d.precision != "month" or d.end_date is None or d.open_end:
        return d
    end, last = d.end, d.end_date
    while (m := _LISTED_MONTH.match(text, end, limit)) and int(m.group("M")) > last.month:
        end, last = m.end(), _month_end(last.year, int(m.group("M")))
    if end == d.end:
        return d
    return replace(d, end=end, text=text[d.start : end], end_date=last)


def _match_at(
    text: str, pos: int, limit: int, year_in_force: int | None, ref_year: int | None
) -> DateMatch | None:
    simple = _simple_match(text, pos, year_in_force, ref_year)
    if simple is not None:
        if simple.end > limit:
            return None
        opened = _OPEN_AFTER.match(text, simple.end, limit)
        if opened and simple.recurrence is None and simple.start_date is not None:
            # "('25. 下 ~)": from that half on, open-ended
            end = simple.end + len(opened.group(0).rstrip(" )]"))
            return replace(simple, end=end, text=text[pos:end], end_date=None, open_end=True)
        return simple  # halves, quarters, years: no months to list after
    ue = UNTIL_EVENT.match(text, pos, limit)
    if ue:
        return DateMatch(pos, ue.end(), ue.group(0), None, None, "day", None, True)
    pair = _year_pair(text, pos, limit, ref_year)
    if pair is not None:
        return pair
    span4 = YEAR4_SPAN.match(text, pos, limit)
    if span4 and _ok_context(text, pos, span4.end()):
        a = int(span4.group("A"))
        b = int(span4.group("B")) if span4.group("B") else None
        if b is None or b >= a:
            raw = text[pos : span4.end()].rstrip()
            return DateMatch(
                pos,
                pos + len(raw),
                raw,
                dt.date(a, 1, 1),
                dt.date(b, 12, 31) if b else None,
                "year",
                None,
                b is None,
                True,
            )
    ml = MONTH_LIST.match(text, pos, limit)
    if ml and year_in_force is not None and _ok_context(text, pos, ml.end()):
        m1, m2 = int(ml.group("M1")), int(ml.group("M2"))
        if m1 < m2:
            return DateMatch(
                pos,
                ml.end(),
                ml.group(0),
                dt.date(year_in_force, m1, 1),
                _month_end(year_in_force, m2),
                "month",
            )
    mr = MONTH_RANGE.match(text, pos, limit)
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
    first = _match_point(text, pos, ref_year)
    if first is None or first.end > limit:
        return None
    year = first.year if first.year is not None else year_in_force
    if year is None:
        return None
    first.year = year
    tail = TAIL.match(text, first.end)
    cur = tail.end() if tail else first.end
    second: _Point | None = None
    open_end = False
    rng = RANGE.match(text, cur)
    half_end = None
    if rng:
        h = HALF_SHORT_RE.match(text, rng.end(), limit) or HALF.match(text, rng.end(), limit)
        if h and h.group(0).strip() and _year(h, ref_year) is not None:
            half_end = h  # '’25.9.～’26.상': a range that ends with a half year
    if half_end is not None:
        hy = _year(half_end, ref_year)
        assert hy is not None
        gd = half_end.groupdict()
        end_d = dt.date(hy, 6, 30) if gd.get("H1") else dt.date(hy, 12, 31)
        start_d, _e, precision = _bounds(first, year)
        if end_d >= start_d and _ok_context(text, pos, half_end.end()):
            return DateMatch(
                pos,
                half_end.end(),
                text[pos : half_end.end()],
                start_d,
                end_d,
                "half" if precision == "year" else precision,
                None,
                False,
                first.explicit_year,
            )
    if rng:
        second = _second_point(text, rng.end(), first, ref_year)
        if second is not None and second.end <= limit:
            if second.year is None:
                second.year = year
            if second.kind == "m" and first.day is None and first.month is None:
                return None
            t2 = TAIL.match(text, second.end)
            cur = t2.end() if t2 else second.end
        elif text[rng.start() : rng.end()].strip() != "-":
            second = None
            open_end = True
            cur = rng.end()
        else:
            second = None
    if not _ok_context(text, pos, cur if not open_end else first.end):
        return None
    if first.kind == "m" and second is None and not open_end and year_in_force is None:
        return None
    start_d, end_d, precision = _bounds(first, year)
    if second is not None:
        assert second.year is not None
        if second.month is None and first.month is not None and not second.explicit_year:
            second.month = first.month  # '5.1~15': the day's month; but '’23.5.~’25.' ends in ’25
        _s2, end_d, p2 = _bounds(second, second.year)
        if precision == "year" and p2 != "year":
            precision = p2
        if end_d < start_d:
            return None
    elif open_end:
        end_d = None  # type: ignore[assignment]
    if second is None and not open_end and (fm := FROM.match(text, cur, limit)):
        until = _until_point(text, fm.end(), limit, first, ref_year)
        if until is not None:  # '1996년부터 2014년까지': the span between the two
            _s2, end_d, _p2 = _bounds(until, until.year or year)
            cur = until.end
        else:  # '06년부터: open-ended
            open_end, end_d, cur = True, None, fm.end()  # type: ignore[assignment]
    raw = text[pos:cur].rstrip()
    found = DateMatch(
        pos, pos + len(raw), raw, start_d, end_d, precision, None, open_end, first.explicit_year
    )
    return _with_listed_months(text, found, limit)


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
