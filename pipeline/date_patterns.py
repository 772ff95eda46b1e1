"""The grammar of Korean date expressions: the patterns :mod:`pipeline.dates` matches with.

Years (``2020``, ``’20``), separators, months and days, halves (``상반기``, ``’26.下``), quarters,
ranges, recurrences and the context a date may stand in, each built once from the words of
:mod:`pipeline.vocab`. The matching itself, and what a match means, is :mod:`pipeline.dates`;
a pattern only one of its helpers uses (a glued pair of days, a listed month) stays beside it.
"""

from __future__ import annotations

import re

from pipeline.vocab import (
    APOSTROPHES,
    COUNTER_RE,
    HALF_FIRST,
    HALF_SECOND,
    HALF_SHORT,
    MONEY_UNIT_RE,
    MONTH_PARTS,
    MONTH_TENTHS,
    RANGE_SIGNS,
    RECURRENCE_WORDS,
    RELATIVE_YEAR_WORDS,
    STEP_EVENT_WORDS,
    WEEKDAYS,
)

APOS = f"[{re.escape(APOSTROPHES)}]"
Y = rf"(?:(?P<Y>(?:19|20)\d\d)|{APOS}\s?(?P<YY>\d\d))"
# '’23.12..21.': a doubled dot is a typo, not a break. A date may wrap onto the next line of a
# narrow cell ('’24.\n12.'), but a numbered line after it is not its month ('’28.\n5 낙동강').
SEP = r"[^\S\n]*(?:\.\.?|[\-/])(?:[^\S\n]*|\s*(?!\d{1,2}[.)]?[^\S\n]+[가-힣]))"
M = r"(?P<M>1[0-2]|0?[1-9])(?!\d)"
D = r"(?P<D>3[01]|[12]\d|0?[1-9])(?!\d)(?!-\d)(?!(?!일)[가-힣])"  # '3대 분야' is not day 3

# Each form of one point in time, tried in this order at a position.
POINT_FORMS: list[tuple[str, re.Pattern[str]]] = [
    # a template's blank day: '’26. 07. 00.' says the month only
    ("ym", re.compile(rf"{Y}{SEP}{M}{SEP}00(?!\d)\.?")),
    ("ymd", re.compile(rf"{Y}{SEP}{M}{SEP}{D}(?:\s*일|\.(?!\d))?")),
    ("ymd", re.compile(rf"{Y}\s*년\s*{M}\s*월\s*{D}\s*일")),
    ("ym", re.compile(rf"{Y}{SEP}{M}(?:\s*월|\.(?!\d))?")),
    ("ym", re.compile(rf"{Y}\s*년\s*{M}\s*월")),
    # '’25.', and '( ’ 25.)' spaced by a PDF (not a closing quote: '‘서울런’ 25')
    (
        "y",
        re.compile(
            rf"{Y}\s*년도?|(?:(?<!\w){APOS}\s|{APOS})(?P<YY2>\d\d)(?!\d)(?!\s*[.\-/][^\S\n]*\d)\.?"
        ),
    ),
    # a table's two-digit year without an apostrophe: '23.3.29.' (day required, so never '1.2')
    (
        "ymd",
        re.compile(
            r"(?<![\d.,])(?P<YY3>\d\d)\.\s?(?P<M>1[0-2]|0?[1-9])\.\s?(?P<D>3[01]|[12]\d|0?[1-9])\.(?!\d)"
        ),
    ),
    ("md", re.compile(rf"{M}\s*월\s*{D}\s*일")),
    ("md", re.compile(rf"{M}\s*\.\s*{D}(?:\s*\.|(?=\s*[~()\],·]|\s*$|\s+[^\d\s]))")),
    ("m", re.compile(rf"{M}\s*월")),
]
H1 = "|".join(re.escape(w) if len(w) == 1 else r"\s*".join(w) for w in HALF_FIRST)
H2 = "|".join(re.escape(w) if len(w) == 1 else r"\s*".join(w) for w in HALF_SECOND)
HALF = re.compile(
    rf"(?:{Y}\s*(?:년도?|\.)?\s*)?(?:(?P<H1>{H1})|(?P<H2>{H2})|(?P<HB>{HALF_SHORT[0]}\s*[·ㆍ]\s*{H2}))"
)
# after a year only: '‘25.상', '’24.하', '‘24.상·하' (both halves: the whole year)
HALF_SHORT_RE = re.compile(
    rf"{Y}\s*\.\s*(?:(?P<HB>{HALF_SHORT[0]}\s*[·ㆍ,]\s*{HALF_SHORT[1]})|(?P<H1>{HALF_SHORT[0]})|(?P<H2>{HALF_SHORT[1]}))"
    rf"(?:(?![가-힣])|(?={'|'.join(STEP_EVENT_WORDS)}))"  # '’30.하준공예정': glued by the PDF
)
# Both halves once each, or n times a year: '상·하반기 각 1회', '상·하반기 연2회'.
EACH_HALF = re.compile(r"\s*(?:각|연)\s*\d+\s*회")
# '개관(26.상)': a half alone in brackets, its year's apostrophe lost in conversion
HALF_BARE = re.compile(
    rf"(?<=[(（])(?P<YY>\d\d)\s*\.\s*(?:(?P<H1>{HALF_SHORT[0]})|(?P<H2>{HALF_SHORT[1]}))(?=\s*[)）])"
)
# '1,7월', '3,6,9,12월', '6, 12월': months listed as one span (first to last)
MONTH_LIST = re.compile(
    r"(?P<M1>1[0-2]|0?[1-9])(?:\s*,\s*(?:1[0-2]|0?[1-9]))*\s*,\s*(?P<M2>1[0-2]|0?[1-9])\s*월"
)
# '’24년말', '연말', '올해': the year in force (or the stated one) as a whole
RELATIVE_YEAR = re.compile("|".join(RELATIVE_YEAR_WORDS))
QUARTER = re.compile(rf"(?:{Y}\s*(?:년도?|\.)?\s*)?(?P<Q>[1-4])\s*(?:/\s*4\s*)?분\s*기(?!\s*별)")
RANGE_CLASS = f"[{re.escape(RANGE_SIGNS)}]"
# '2~3월', '7 ~ 12월': a month range whose year is the one in force
MONTH_RANGE = re.compile(rf"(?P<M1>1[0-2]|0?[1-9])\s*{RANGE_CLASS}\s*(?P<M2>1[0-2]|0?[1-9])\s*월")
# '’23/’24년', '2023/2024년': two years written as one span
YEAR_PAIR = re.compile(rf"{Y}\s*/\s*(?:(?P<Y_2>(?:19|20)\d\d)|{APOS}?\s?(?P<YY_2>\d\d))\s*년")
FROM = re.compile(r"\s*부터")
# '2025~2029', '(2017~2027)', '(2014∼)': four-digit years written as a span, or open-ended
YEAR4_SPAN = re.compile(
    rf"(?<![\d,.])(?P<A>(?:19|20)\d\d)\s*(?:{RANGE_CLASS}|-(?=\s*(?:19|20)\d\d))\s*"
    rf"(?:(?P<B>(?:19|20)\d\d)(?![\d,.])|(?=\s*(?:[)）,]|$)))"
)
# '~종식시', '~ 해제 시까지': until an event; a period with no calendar bounds
UNTIL_EVENT = re.compile(
    rf"{RANGE_CLASS}\s*(?:상황\s*)?(?:종식|종료|해제|완료|안정화)\s*시(?:\s*까지)?"
)
RECURRENCE = [(re.compile(p), name) for p, name in RECURRENCE_WORDS]
# after a point: its weekday, its clock time or hours ('(수) 14:00 ~ 16:00' is one day's
# hours, not a range to the 16th), a part of the month ('3월 말')
CLOCK = r"\d{1,2}\s*:\s*\d{2}"
TAIL = re.compile(
    rf"(?:\s*\(\s*[{WEEKDAYS}]\s*\))?"
    rf"(?:\s*{CLOCK}(?:\s*{RANGE_CLASS}\s*{CLOCK})?|\s*\d{{1,2}}\s*시)?"
    rf"(?:\s*(?:{'|'.join(MONTH_TENTHS)})|\s*[{MONTH_PARTS}](?![가-힣]))?"
)
# A range sign between two points; '-' only between numbers ('2016.03 - 2016.12').
RANGE = re.compile(rf"\s*(?:{RANGE_CLASS}|-(?=\s*[\d{re.escape(APOSTROPHES)}]))\s*")
BEFORE_OK = re.compile(
    r"(?:^|[^\d.,\w=])$|(?<=[가-힣ㄱ-ㅎ(\[「『<])$"
)  # not after "=": a measure (L=9.3 ㎞)
AFTER_BAD = re.compile(
    rf"^(?:\d|[.,]\d|\s*[%％]|(?:{MONEY_UNIT_RE}|억|{COUNTER_RE})"
    rf"|\s*(?:(?:{MONEY_UNIT_RE})(?![가-힣])|(?:억|조|천만|백만|항|호|%)(?![가-힣])))"
)
# How far after a date AFTER_BAD looks: wide enough to see past a run of tabs to the word
# after a unit ('10.22.⇥⇥⇥원외' is a date before the word 원외, not 10.22원).
AFTER_WINDOW = 12
CANDIDATE = re.compile(
    rf"{APOS}\s?\d|\d|[상하]\s*[반·ㆍ]|[上下]|매|격|분|연|상|수|월|올|금|당|년|{RANGE_CLASS}"
)
