"""Reader for ``.html`` documents: markup → the same kind of text the city's converter produces.

Block elements become line breaks, inline markup disappears and entities are unescaped.
``<table>`` elements are kept verbatim (as the converted seeds carry them inline), so
:mod:`pipeline.tables` reads their rows, cells and spans exactly as for text documents.
"""

from __future__ import annotations

import html
import re

from pipeline.errors import EmptyDocumentError
from pipeline.ingest.text import decode_text

_DROP = re.compile(
    r"<(script|style|head|noscript|template)\b.*?</\1\s*>|<!--.*?-->|<!DOCTYPE[^>]*>", re.S | re.I
)
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.S | re.I)
_BLOCK = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|section|article|header|footer|blockquote|pre|hr|dl|dt|dd|body|html)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"[ \t\f\v\xa0]+")
_MANY_NL = re.compile(r"\n\s*\n+")


def _flow_text(fragment: str) -> str:
    fragment = _BLOCK.sub("\n", fragment)
    fragment = html.unescape(_TAG.sub("", fragment))
    lines = (_BLANKS.sub(" ", line).strip() for line in fragment.split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(source: str) -> str:
    source = _DROP.sub("", source)
    parts: list[str] = []
    pos = 0
    for m in _TABLE.finditer(source):
        parts.append(_flow_text(source[pos : m.start()]))
        # one table per line, its markup intact, whitespace runs collapsed
        parts.append(_BLANKS.sub(" ", m.group(0).replace("\n", " ")))
        pos = m.end()
    parts.append(_flow_text(source[pos:]))
    text = "\n\n".join(p for p in parts if p.strip())
    return _MANY_NL.sub("\n\n", text).strip() + "\n"


def read_html(data: bytes) -> str:
    text = html_to_text(decode_text(data)[0])
    if not text.strip():
        raise EmptyDocumentError("the HTML page holds no text")
    return text
