"""The words around a mention: what an amount is for (its item), what a dated step does (its task).

Pure functions over a string, shared by :mod:`.budgets` and :mod:`.schedules`.
"""

from __future__ import annotations

import re

from pipeline.vocab import CIRCLED_NUMBERS, COUNTER_WORD_RE, GENERIC_MONEY_LABEL_RE, MONEY_UNIT_RE

_ITEM_NOISE = re.compile(r"^[\s\-–·○◦□■※▷▶❍●ㅇ◾▪•:=,()\"'*]+|[\s:=,(\-–\"'▸▹►→⇒⇨➡]+$")
# What an item's words cannot cross: a line or cell break, a bullet, a bracket, a sentence end.
# (A bracket closed before the amount belongs to the words: '소요 예산(안) :', '제작(아시아편) '.)
_ITEM_BREAK = re.compile(
    rf"[\n\t\[「『→⇒▹▸]|[(（](?![^()（）]*[)）])|\?\?|[○◦❍□■※▷▶❖{CIRCLED_NUMBERS}]|\s[-–·]\s|(?<=[다함음임됨])\.\s|;|<br\s*/?>"
)
# A quantity in an item's words ('46대', 'A=762㎡', '3개구 3지구', '’23년'): not what money is for.
_QUANTITY = re.compile(
    rf"(?:[A-Za-z]\s*=\s*)?\d[\d,.]*\s*(?:{COUNTER_WORD_RE}|㎾|㎿|필지|지구|개구|개소|㎡|㎞|km|년도?|월|일)?|[‘’'`]\d\d년도?"
)
_CONTENT = re.compile(r"[가-힣A-Za-z]{2,}")
_TRAILING_AMOUNT = re.compile(
    rf"[\d,]+\s*(?:(?:{MONEY_UNIT_RE})|[~∼～-])\s*$"
)  # '… 2,000원', '500∼'
_EMPTY_PARENS = re.compile(r"\(\s*\)|\s+")
# A particle left at a task's start by the date it followed: '(1999년 2월)에 검사소 설치'.
_LEADING_PARTICLE = re.compile(r"^(?:에서|에|부터|까지|중|경)(?:\s+|$)")


_LETTER_SPACED = re.compile(r"(?<![가-힣])([가-힣])(?: ([가-힣])(?![가-힣]))+")


def clean(s: str) -> str:
    """Whitespace collapsed, letter-spacing closed (``예 산 액`` → ``예산액``), bullets, colons
    and dangling brackets trimmed."""
    s = re.sub(r"\s+", " ", s)
    s = _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), s)
    s = _ITEM_NOISE.sub("", s).strip()
    close, open_ = s.find(")"), s.find("(")
    if close >= 0 and (open_ < 0 or close < open_):
        s = "(" + s  # '(지원금액) 정기편': the bracket the trim took off the front
    return s


def is_generic(item: str) -> bool:
    """An item that only says 'money' (소요예산, 사업비, 예산(안)): it needs its owner's name."""
    return bool(GENERIC_MONEY_LABEL_RE.fullmatch(re.sub(r"[\s()（）:：안]", "", item)))


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


def has_content(item: str) -> bool:
    """Whether an item names something: a word left once quantities and years are gone."""
    return bool(_CONTENT.search(_QUANTITY.sub(" ", item)))


def item_from(before: str, fallback: str = "") -> str:
    """An amount's item from the text before it in its clause: the words right before it; if
    those only count or date ('설치 지원(46대, 2억원)'), the words before its bracket."""
    item = clean(_TRAILING_AMOUNT.sub("", clean(words_before(before))))
    if not has_content(item):
        opened = max(before.rfind("("), before.rfind("（"))
        if opened > 0 and before.rfind(")") < opened:
            outer = clean(_TRAILING_AMOUNT.sub("", clean(words_before(before[:opened]))))
            if has_content(outer):
                return outer
    return item if has_content(item) or not fallback else fallback


def task_from(before: str, after: str) -> str:
    """A dated step's task: the words before its date, else the words after it."""
    task = before if clean(before).strip(" ~:;,)(") else after
    task = _EMPTY_PARENS.sub(" ", task)
    task = clean(
        _LEADING_PARTICLE.sub("", clean(task).strip(" ~:;,)("))
    )  # '(향후계획) …' kept whole
    if task.count("(") > task.count(")"):
        task += ")"  # '추진(1차) : ’11.6월': the bracket the date's colon left open
    return task


# Words that say only 'money' or 'when', dropped before two items are compared.
_NOT_ITEM_WORDS = re.compile(
    r"소요|예산|금액|집행|사업비|사업|총액|\(안\)|[‘’'`]?\d+\s*년도?|[^가-힣A-Za-z0-9]"
)


def item_words(item: str) -> str:
    """An item's letters once spaces, signs and money words are gone (``예산 : 세입`` → ``세입``)."""
    return _NOT_ITEM_WORDS.sub("", item)


def item_pieces(item: str) -> set[str]:
    """The three-letter pieces of :func:`item_words`."""
    s = item_words(item)
    return {s[i : i + 3] for i in range(len(s) - 2)}


def item_overlap(a: str, b: str) -> int:
    """How much two items name the same thing: the three-letter pieces they share once spaces,
    signs and money words are gone (``홍보 매뉴얼 제작`` and ``홍보매뉴얼 제작(3개분야)``
    share ``홍보매``, ``보매뉴`` …)."""
    return len(item_pieces(a) & item_pieces(b))
