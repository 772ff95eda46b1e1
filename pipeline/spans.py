"""Line and span helpers shared by the table readers: pure functions over the document text."""

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
