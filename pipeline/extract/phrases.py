"""The words around a mention: what an amount is for (its item), what a dated step does (its task).

Pure functions over a string, shared by :mod:`.budgets` and :mod:`.schedules`.
"""

from __future__ import annotations

import re

from pipeline.vocab import CIRCLED_NUMBERS, MONEY_UNIT_RE

_ITEM_NOISE = re.compile(r"^[\s\-–·○◦□■※▷▶❍●ㅇ:=,()\"'*]+|[\s:=,(\-–\"']+$")
# What an item's words cannot cross: a line or cell break, a bullet, a bracket, a sentence end.
_ITEM_BREAK = re.compile(
    rf"[\n\t(（\[「『]|\?\?|[○◦❍□■※▷▶❖{CIRCLED_NUMBERS}]|\s[-–·]\s|(?<=[다함음임됨])\.\s|;|<br\s*/?>"
)
_TRAILING_AMOUNT = re.compile(rf"[\d,]+\s*(?:{MONEY_UNIT_RE})\s*$")
_EMPTY_PARENS = re.compile(r"\(\s*\)|\s+")


def clean(s: str) -> str:
    """Whitespace collapsed, bullets, colons and dangling brackets trimmed."""
    s = re.sub(r"\s+", " ", s)
    return _ITEM_NOISE.sub("", s).strip()


def words_before(before: str) -> str:
    """The words right before a mention, back to the nearest break: ``?? 소요예산 : `` →
    ``소요예산 :``; an amount opening a bracket takes the words before the bracket."""
    before = before[-80:].rstrip()
    if before.endswith(("(", ",", "（")):
        before = before[:-1]
    cut = 0
    for m in _ITEM_BREAK.finditer(before):
        if m.end() < len(before):
            cut = m.end()
    return before[cut:]


def item_from(before: str, fallback: str = "") -> str:
    """An amount's item from the text before it in its clause."""
    item = clean(_TRAILING_AMOUNT.sub("", clean(words_before(before))))
    return item or fallback


def task_from(before: str, after: str) -> str:
    """A dated step's task: the words before its date, else the words after it."""
    task = before if clean(before).strip(" ~:;,)(") else after
    task = _EMPTY_PARENS.sub(" ", task)
    return clean(task).strip(" ~:;,)(")
