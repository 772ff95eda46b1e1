"""Line and span helpers shared by the table readers and the row rules: pure functions over
the document text."""

from __future__ import annotations


def lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every line of ``text[start:end]``, newlines excluded."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        out.append((pos, line_end))
        pos = line_end + 1
    return out


def line_at(text: str, pos: int) -> tuple[int, int]:
    """The ``(start, end)`` of the line holding ``pos``, newline excluded."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, len(text) if hi < 0 else hi


def line_above(text: str, lo: int) -> tuple[int, int] | None:
    """The nearest line above the one starting at ``lo`` that is not blank."""
    while lo > 0:
        a, b = line_at(text, lo - 1)
        if text[a:b].strip():
            return a, b
        lo = a
    return None


def line_below(text: str, hi: int) -> tuple[int, int] | None:
    """The nearest line below the one ending at ``hi`` that is not blank."""
    while hi < len(text):
        a, b = line_at(text, hi + 1)
        if text[a:b].strip():
            return a, b
        hi = b
    return None


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span to its meaningful text: whitespace and a leading ``(x-)`` dropped."""
    while True:
        while start < end and text[start].isspace():
            start += 1
        if text.startswith("(x-)", start) and start + 4 <= end:
            start += 4
            continue
        break
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
