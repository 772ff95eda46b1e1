"""Reader for ``.html`` documents: markup → the same kind of text the city's converter produces.

Block elements become line breaks, inline markup disappears and entities are unescaped.
``<table>`` elements are kept verbatim (as the converted seeds carry them inline), so
:mod:`pipeline.tables` reads their rows, cells and spans exactly as for text documents.
"""

from __future__ import annotations

import html
import re

from pipeline.errors import EmptyDocumentError
from pipeline.html_tables import sub_closed
from pipeline.ingest.text import decode_text

# What is dropped: <script>…</script> (and style, head, noscript, template), <!-- … -->, and
# <!DOCTYPE …>. Found by one scan with a cached next closer per kind (:func:`_drop`), not by
# one regex, which re-scans the rest of the text at every unclosed opener (quadratic).
_DROP_OPENER = re.compile(r"<(?:(script|style|head|noscript|template)\b|(!--)|(!DOCTYPE))", re.I)
_COMMENT_CLOSE = re.compile(r"-->")
_DOCTYPE_CLOSE = re.compile(r">")
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
_BLOCK = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|section|article|header|footer|blockquote|pre|hr|dl|dt|dd|body|html)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"[ \t\f\v\xa0]+")
_MANY_NL = re.compile(r"\n\s*\n+")


class _NextMatch:
    """The first match of a pattern at or after a position, remembered: asked again from a
    later position it is searched again only once that match lies behind, so all the
    searches of one scan read the text once."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern = pattern
        self.text = text
        self.searched_from = -1
        self.found: re.Match[str] | None = None

    def at_or_after(self, pos: int) -> re.Match[str] | None:
        if (
            self.searched_from < 0
            or pos < self.searched_from
            or (self.found is not None and self.found.start() < pos)
        ):
            self.searched_from = pos
            self.found = self.pattern.search(self.text, pos)
        return self.found


def _drop(source: str) -> str:
    r"""What ``re.sub(r"<(script|…)\b.*?</\1\s*>|<!--.*?-->|<!DOCTYPE[^>]*>", "", source)``
    gives, in one pass. An unclosed opener is left as it is, as that regex leaves it."""
    closers: dict[str, _NextMatch] = {
        "!--": _NextMatch(_COMMENT_CLOSE, source),
        "!doctype": _NextMatch(_DOCTYPE_CLOSE, source),
    }
    out: list[str] = []
    pos = 0
    for m in _DROP_OPENER.finditer(source):
        if m.start() < pos:
            continue  # inside what was just dropped
        kind = (m.group(1) or m.group(2) or m.group(3)).lower()
        if kind not in closers:
            closers[kind] = _NextMatch(re.compile(rf"</{kind}\s*>", re.I), source)
        close = closers[kind].at_or_after(m.end())
        if close is None:
            continue
        out.append(source[pos : m.start()])
        pos = close.end()
    out.append(source[pos:])
    return "".join(out)


def _flow_text(fragment: str) -> str:
    fragment = sub_closed(_BLOCK, "\n", fragment)
    fragment = html.unescape(sub_closed(_TAG, "", fragment))
    lines = (_BLANKS.sub(" ", line).strip() for line in fragment.split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(source: str) -> str:
    source = _drop(source)
    parts: list[str] = []
    pos = 0
    # each <table …> up to the first </table> after it (an unclosed one is not a table)
    while (opener := _TABLE_OPEN.search(source, pos)) is not None:
        close = _TABLE_CLOSE.search(source, opener.end())
        if close is None:
            break  # no closer after this opener: none after any later one either
        parts.append(_flow_text(source[pos : opener.start()]))
        # one table per line, its markup intact, whitespace runs collapsed
        parts.append(_BLANKS.sub(" ", source[opener.start() : close.end()].replace("\n", " ")))
        pos = close.end()
    parts.append(_flow_text(source[pos:]))
    text = "\n\n".join(p for p in parts if p.strip())
    return _MANY_NL.sub("\n\n", text).strip() + "\n"


def read_html(data: bytes) -> str:
    text = html_to_text(decode_text(data)[0])
    if not text.strip():
        raise EmptyDocumentError("the HTML page holds no text")
    return text
