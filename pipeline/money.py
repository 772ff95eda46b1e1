"""Korean money expressions → integer won.

``parse_amount('2조 9,123억원') == Amount(2_912_300_000_000, '억원', …)``;
``find_amounts(text)`` yields every amount written with a money unit, with its span;
``parse_number_cell('Δ23,240')`` reads a table cell whose unit comes from the table
(``(단위 : 천원)``); ``evaluate_basis('5,000천원 * 2회')`` evaluates a 산출근거 product.
Amounts are ``int`` won, never float.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.vocab import (
    BARE_SCALE_RE,
    BARE_SCALES,
    COUNTER_RE,
    MONEY_UNIT_RE,
    MONEY_UNITS,
    NEGATIVE_SIGNS,
    SCALE_RE,
    SCALES,
    STATED_UNIT,
    WON,
)

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PART = rf"(?:{_NUM})\s*(?:{SCALE_RE})"
# 조 and 억 stand for 조원 / 억원 even without 원 ('총 9,845억'), unless a counter follows
# ('1억 명') or the word goes on ('27조의2').
_BARE_SCALE = rf"(?:{BARE_SCALE_RE})(?!\s*(?:{COUNTER_RE})|[가-힣])"
# A number that is a law's article, never money: 제27조, '도서관법 27조(…)', '1.3 조'.
_ARTICLE_BEFORE = r"(?<!제)(?<!제\s)"
_LAW_BEFORE = re.compile(r"(?:법|령|규칙|조례|규정|지침|훈령|고시)\s*$")
_ARTICLE_AFTER = re.compile(r"\s*(?:\(|의\s*\d|제\s*\d|\d*\s*항)")
# '1조 3,154' with no unit after it: the number after 조 counts 억 ('(공원 5,262, 비공원 1조 3,154)').
_TRILLION_EOK = (
    rf"(?:{_NUM})\s*조\s*(?:\d{{1,3}},\d{{3}}|\d{{1,4}})(?![\d,.])"
    rf"(?!\s*(?:{MONEY_UNIT_RE}|{SCALE_RE}|{COUNTER_RE}|%))(?![가-힣])"
)
_BARE_TRILLION = re.compile(rf"(?:{_NUM})(?P<gap>\s*)조$")
_AMOUNT = re.compile(
    _ARTICLE_BEFORE + rf"(?:(?P<sign>[{NEGATIVE_SIGNS}])\s?(?=\d))?"
    rf"(?P<body>(?:{_PART}\s*)*(?:{_NUM})\s*(?:{SCALE_RE})?\s*원|(?:{_PART}\s*)+원"
    rf"|{_TRILLION_EOK}"
    rf"|(?:{_PART}\s*)*(?:{_NUM})\s*{_BARE_SCALE})"
    r"(?!칙|화|장|형|료|자|고|인|본|래|리|소|점)"
)
_TOKEN = re.compile(rf"({_NUM})\s*({SCALE_RE})?")
_CELL_NUMBER = re.compile(
    rf"^\s*(?P<sign>[{NEGATIVE_SIGNS}])?\s*(?P<num>{_NUM})\s*(?P<unit>{MONEY_UNIT_RE}|%|명|건|개|회)?"
    r"(?:\s*\(\s*[-\d,./%\s]+\s*\))?\s*$"  # '2,912,334 (76)', '51,288(30.7)': a share in brackets
)


@dataclass(frozen=True, slots=True)
class Amount:
    krw: int
    unit: str  # smallest unit as written: 원, 천원, 만원, 백만원, 억원, 조원
    text: str
    start: int = 0
    end: int = 0


def _decimal(num: str) -> Decimal:
    try:
        return Decimal(num.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"not a number: {num!r}") from None


def _is_negative(text: str) -> bool:
    return bool(text) and text[0] in NEGATIVE_SIGNS


def parse_amount(text: str) -> Amount:
    """Parse one money expression written with its unit (``294백만원``, ``Δ23,240천원``)."""
    m = _AMOUNT.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a money amount: {text!r}")
    return _amount_from_match(m, 0)


def _amount_from_match(m: re.Match[str], offset: int) -> Amount:
    body = m.group("body")
    total = Decimal(0)
    unit = WON
    tokens = _TOKEN.findall(body[: body.rindex(WON)] if body.endswith(WON) else body)
    if not body.endswith(WON) and len(tokens) >= 2 and tokens[-2][1] == "조" and not tokens[-1][1]:
        tokens[-1] = (tokens[-1][0], "억")  # '1조 3,154': 1조 3,154억
    for num, scale in tokens:
        mult = SCALES[scale] if scale else 1
        total += _decimal(num) * mult
        unit = f"{scale}{WON}" if scale else WON
    unit = STATED_UNIT.get(unit, unit)
    if total != total.to_integral_value():
        raise ValueError(f"amount is not a whole number of won: {m.group(0)!r}")
    krw = int(total)
    if m.group("sign"):
        krw = -krw
    return Amount(krw, unit, m.group(0), m.start() + offset, m.end() + offset)


def find_amounts(text: str, start: int = 0, end: int | None = None) -> Iterator[Amount]:
    """Every money amount written with a unit in ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    for m in _AMOUNT.finditer(text, start, end):
        before = text[m.start() - 1] if m.start() > 0 else " "
        if before.isdigit() or before in ".,":
            continue
        if _is_article(text, m):
            continue
        try:
            amount = _amount_from_match(m, 0)
        except ValueError:
            continue
        yield amount


def _is_article(text: str, m: re.Match[str]) -> bool:
    """A bare ``N조`` (no 원) that numbers a law's article: after a law's name, before its
    title or paragraph (``27조(공공도서관의 설치)``, ``3조의2``), or set apart (``1.3 조``)."""
    bare = _BARE_TRILLION.search(m.group("body"))
    if bare is None or bare.start() != 0:
        return False
    return bool(
        bare.group("gap")
        or _LAW_BEFORE.search(text, max(0, m.start() - 12), m.start())
        or _ARTICLE_AFTER.match(text, m.end())
    )


@dataclass(frozen=True, slots=True)
class CellNumber:
    value: Decimal
    unit: str | None


def parse_number_cell(text: str) -> CellNumber | None:
    """A table cell holding one number (``1,145,180``, ``Δ23,240``, ``-742,452``, ``0 %``,
    ``2,912,334 (76)``), with the unit written in the cell if any. ``None`` for anything else."""
    m = _CELL_NUMBER.match(text)
    if not m:
        return None
    value = _decimal(m.group("num"))
    if m.group("sign"):
        value = -value
    return CellNumber(value, m.group("unit"))


def to_krw(value: Decimal, unit: str | None) -> int | None:
    """``value`` in ``unit`` as won, or ``None`` when the unit is not money or the result is fractional."""
    if unit is None or unit not in MONEY_UNITS:
        return None
    krw = value * MONEY_UNITS[unit]
    return int(krw) if krw == krw.to_integral_value() else None


def format_amount(krw: int, style: str) -> str:
    """Write ``krw`` the way documents do; ``parse_amount`` inverts it (property-tested)."""
    sign = "△" if krw < 0 else ""
    n = abs(krw)
    if style == "won":
        return f"{sign}{n:,}원"
    if style in MONEY_UNITS and style not in STATED_UNIT:
        mult = MONEY_UNITS[style]
        if n % mult:
            raise ValueError(f"{krw} is not a whole number of {style}")
        return f"{sign}{n // mult:,}{style}"
    if style == "compound":  # 2조 9,123억 5,000만원
        parts = []
        rest = n
        for scale in BARE_SCALES + ("만",):
            mult = SCALES[scale]
            q, rest = divmod(rest, mult)
            if q:
                parts.append(f"{q:,}{scale}")
        if rest or not parts:
            parts.append(f"{rest:,}")
            return sign + " ".join(parts) + WON
        return sign + " ".join(parts) + WON
    raise ValueError(f"unknown style {style!r}")


_FACTOR = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{MONEY_UNIT_RE})?\s*(?P<counter>[가-힣A-Za-z]*)")
_TIMES = re.compile(r"\s*[*×xX✕]\s*")


def evaluate_basis(basis: str) -> int | None:
    """Evaluate a 산출근거 product such as ``발표료 4인 * 200천원 * 4회`` → won (``3,200,000``).

    Exactly one factor must carry a money unit; the others are counts. Returns ``None`` when
    the expression is not such a product.
    """
    pieces = _TIMES.split(basis.strip())
    if len(pieces) < 2:
        return None
    total = Decimal(1)
    money_factors = 0
    for piece in pieces:
        found = list(_FACTOR.finditer(piece))
        found = [f for f in found if f.group("num")]
        if not found:
            return None
        # the number nearest the operator is the factor: last in the first piece, first after
        f = found[-1] if piece is pieces[0] else found[0]
        value = _decimal(f.group("num"))
        if f.group("unit"):
            money_factors += 1
            value *= MONEY_UNITS[f.group("unit")]
        total *= value
    if money_factors != 1 or total != total.to_integral_value():
        return None
    return int(total)
