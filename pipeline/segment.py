"""The outline: numbered and bulleted items → a tree of :class:`Section`.

``segment(text, start, end, exclude) -> list[Section]``. Markers are those of Korean
administrative documents (Ⅰ, 1., 가., 1), ①, □ and the converter's ``??`` / private-use glyphs,
○, -, ·, ▷, ※, <붙임>, markdown ``#`` and ``**bold**`` lines). Nesting is not a fixed list:
a marker kind seen for the first time opens a level below the current item, a kind already open
closes everything opened after it, and a heading kind (Ⅰ, 1., 가., ①, □ …) never nests under a
bullet (○, -, ·, ▷ …). Indentation refines kinds: ``  -`` under ``-``.

Line-structured documents are read line by line. Flattened 결재문서 (the whole body on one
line) are scanned for inline markers; a ``-`` between numbers, or a marker glued to a word, is
not an item.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from pipeline.dates import find_dates
from pipeline.metadata import field_label, field_spans
from pipeline.model import Section, Span
from pipeline.nlp import first_sentence, restore_spacing, tokenize_many
from pipeline.settings import OUTLINE

PUA = "\ue000-\uf8ff\U000f0000-\U000ffffd"
_ROMAN_UNI = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_YEAR_TITLE = re.compile(
    r"(?:19|20)\d\d년"
)  # '4 2020년 지방재정 …': a title that starts with a year
_HANGUL_ITEMS = (
    "가나다라마바사아자차카타파하"  # 가. 나. 다. … (not the range 가-하: that is every syllable)
)

# kind → (regex of the marker at a line start, is a heading kind)
_LINE_MARKERS: list[tuple[str, str, bool]] = [
    ("roman", rf"[{_ROMAN_UNI}]\.?|(?:VIII|VII|VI|IV|IX|III|II|I|V|X)\.", True),
    ("num_dot", r"\d{1,2}\.(?!\d)", True),
    ("num", r"\d{1,2}(?=\s+(?:[가-힣「『<(‘’']|(?:19|20)\d\d년))", True),
    ("num_dash", r"\d{1,2}-\d{1,2}(?=\s)", True),
    ("hangul", rf"[{_HANGUL_ITEMS}]\.", True),
    ("num_paren", r"\d{1,2}\)", True),
    ("hangul_paren", rf"[{_HANGUL_ITEMS}]\)", True),
    ("paren_num", r"\(\d{1,2}\)", True),
    ("paren_hangul", rf"\([{_HANGUL_ITEMS}]\)", True),
    ("circled", rf"[{_CIRCLED}]", True),
    ("box", rf"[□■▣◼]|\?\?|[{PUA}]", True),
    ("circle", r"[○◦❍●ㅇ](?=\s)|[○◦❍●]", False),
    ("dash", r"[-–—](?=\s)", False),
    ("dot", r"[·ㆍ•∙](?=\s)", False),
    ("arrow", r"[▷▶‣►▸➢]", False),
    ("diamond", r"[◇◆❖◈]", False),
    ("note", r"※", False),
    # a lone '?' glued to the next word is a bullet glyph the converter could not map
    ("qbullet", r"\?(?=[^\s?])", False),
    ("attach", r"<\s*붙\s*임\s*\d*\s*>|붙\s*임\s*\d*(?=[\s.])", True),
]
_LINE_RE = [(k, re.compile(p), h) for k, p, h in _LINE_MARKERS]
HEADING_KINDS = {k for k, _, h in _LINE_MARKERS if h} | {"md", "bold", "plain", "label"}
LEAF_KINDS = {"note"}

_MD = re.compile(r"(#{1,6})\s+")
_BULLET_PREFIX = re.compile(rf"[-*+]\s+(?=[▷▶‣►▸※○◦{_CIRCLED}])")
_BOLD_LINE = re.compile(r"\*\*(.+?)\*\*\s*$")
_BOLD_MARKER = re.compile(r"\*\*([^*]{1,4})\*\*\s+")

# Inline markers in flattened text: always preceded by whitespace.
_INLINE = re.compile(
    rf"(?<=\s)(?P<m>[{_ROMAN_UNI}](?=\s)|\?\?(?=\s?\S)|[{_CIRCLED}](?=\s?\S)|[○◦❍](?=\s)|[□■](?=\s[가-힣(『「])|※(?=\s)|[{PUA}](?=\s?\S)|[❖◈◇◆▷▶](?=\s)"
    rf"|-(?=\s)|\d{{1,2}}\.(?=\s[가-힣])|\d{{1,2}}-\d{{1,2}}(?=\s[가-힣])|<붙임\s*\d*>|[{_HANGUL_ITEMS}]\.(?=\s)|\?(?=[^\s?]))"
)
_TOC = re.compile(r"목\s*차|보\s*고\s*순\s*서|차\s*례(?=\s*\n)")
# a contents line: a title, a dotted leader, a page number ('Ⅱ. 2024년 주요성과 ····· 5')
_LEADER_LINE = re.compile(r"^[^\n]*?[·.…ㆍ・]{6,}\s*\d{1,3}[ \t]*$", re.M)
_FLAT_LINE = 1500  # a body line longer than this is a flattened document
# an unmarked heading: short ('추진 방향', '추진 내용 및 계획'), two words at least
_PLAIN_HEADING = re.compile(r"^[가-힣]+(?: [가-힣·및()]+){1,4}$")
_PLAIN_MAX = 15
_INDENT = " \t\u3000\x0b\x0c"
# Lines that are page furniture or masking, never items: '-  82  -', '3', '****'
# (re.M: these are matched at a line's start inside the text, where a bare '^' never matches)
_FURNITURE = re.compile(r"^[\s\x0c]*(?:-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3}|\*+)[\s\x0c]*$", re.M)
_PAGE_NUMBER = re.compile(r"^[\s\x0c]*\d{1,3}[\s\x0c]*$", re.M)
# A marker alone on its line, its heading on the next (HWPX text dumps: 'Ⅰ' ⏎ '참여자 선정 개요')
_BARE_MARKER = re.compile(
    rf"^[{_INDENT}]*(?:[{_ROMAN_UNI}]\.?|\d{{1,2}}\.?|[{_HANGUL_ITEMS}]\.|[{_CIRCLED}])[{_INDENT}]*$",
    re.M,
)
_LETTER_SPACED_LEAD = re.compile(r"^(?:[가-힣] ){2,}[가-힣](?= |$)")
_SENTENCE_END = re.compile(r"(?<=[다함음임됨요])\.\s|[.?!]\s")


@dataclass(slots=True)
class _Mark:
    kind: str
    indent: int
    start: int  # where the section starts (the marker, or the line's decoration)
    marker: str
    title_start: int
    title_end: int


def _kind_of(line: str) -> tuple[str, str, int] | None:
    """(kind, marker, offset of the title) for a line that starts with a marker."""
    for kind, rx, _h in _LINE_RE:
        m = rx.match(line)
        if m:
            rest = line[m.end() :]
            if kind in ("num", "num_dot", "hangul", "roman") and (
                not rest.strip()
                or (rest.lstrip()[:1].isdigit() and not _YEAR_TITLE.match(rest.lstrip()))
            ):
                return None  # '2020. 9.' is a date; '4 2020년 지방재정 …' is a heading
            if kind in ("num", "num_dot") and not rest[:1].isspace():
                return None
            return kind, m.group(0), m.end()
    return None


def _readable(title: str) -> str:
    """The readable form of a heading: markup dropped, letter-spacing closed and the words
    re-spaced by kiwipiepy (``추 진 배 경`` → ``추진 배경``)."""
    title = re.sub(r"\*\*|^#+\s*", "", title).strip()
    tokens = title.split(" ")
    if len(tokens) >= 2 and all(len(t) == 1 and "가" <= t <= "힣" for t in tokens):
        return restore_spacing("".join(tokens))
    # runs of single syllables inside a title: '행 정 사 항 안내' → '행정사항 안내'
    return re.sub(
        r"(?<![가-힣])([가-힣])(?: ([가-힣])(?![가-힣]))+",
        lambda m: m.group(0).replace(" ", ""),
        title,
    )


def _indent_of(line: str) -> int:
    """Indentation in spaces; a form feed (page break) before an item is not indentation."""
    line = line.lstrip("\x0c\x0b")
    return len(line) - len(line.lstrip(" \t\u3000"))


def _line_marks(text: str, ls: int, le: int, next_is_mark: bool) -> _Mark | None:
    line = text[ls:le]
    stripped = line.lstrip(_INDENT)
    indent = _indent_of(line)
    pos = ls + len(line) - len(stripped)
    deco_md = _MD.match(stripped)
    level = 0
    if deco_md:
        level = len(deco_md.group(1))
        stripped = stripped[deco_md.end() :]
        pos += deco_md.end()
    bm = _BOLD_MARKER.match(stripped)
    body_start = pos
    if bm:  # **5** 최근 3년 …
        kind_info = _kind_of(bm.group(1) + " " + stripped[bm.end() :])
        if kind_info:
            kind, marker, _ = kind_info
            return _Mark(kind, indent, ls + indent, marker, pos + bm.end(), le)
    bp = _BULLET_PREFIX.match(stripped)
    if bp:
        stripped = stripped[bp.end() :]
        pos += bp.end()
    kind_info = _kind_of(stripped)
    if kind_info:
        kind, marker, off = kind_info
        if not stripped[off:].strip():
            return None  # a lone '□' / '■' is a checkbox cell, not an item
        return _Mark(
            kind,
            indent,
            pos - (len(line) - len(line.lstrip(_INDENT)) - indent),
            marker,
            pos + off,
            le,
        )
    if deco_md:
        return _Mark("md", level, ls + indent, "#" * level, pos, le)
    bold = _BOLD_LINE.fullmatch(stripped)
    if bold and len(stripped) <= 80:
        return _Mark("bold", indent, body_start, "**", body_start, le)
    if (
        next_is_mark
        and len(stripped.strip()) <= _PLAIN_MAX
        and _PLAIN_HEADING.match(stripped.strip())
    ):
        return _Mark("plain", indent, body_start, "", body_start, le)
    return None


def _inline_marks(text: str, ls: int, le: int) -> list[_Mark]:
    """Item markers inside a flattened line. Rules decide the clear cases; the date parser and
    kiwipiepy decide the ambiguous ones (measured by scripts/inline_marker_accuracy.py):

    * a number is a marker unless it lies inside a date ('’17. 12. 나.' vs '~ 12. 3. 협치 …');
    * '-' between two numbers is a range, not a bullet;
    * '-' or '○' right after a particle, a connective or an adnominal ending sits inside a
      sentence ('… 위원회와 - …'), as kiwipiepy's tags of the preceding words tell.
    """
    dates = [(d.start, d.end) for d in find_dates(text, None, ls, le)]
    candidates: list[tuple[re.Match[str], str]] = []
    for m in _INLINE.finditer(text, ls, le):
        tok = m.group("m")
        s = m.start()
        before = text[max(ls, s - 12) : s].rstrip()
        prev = before[-1:] if before else ""
        nxt = text[m.end() : m.end() + 3].strip()[:1]
        if tok in "□■" and (prev in "□■" or text[m.end() : m.end() + 2].strip() in ("□", "■")):
            continue  # a checkbox pair '■ □' of a flattened checklist table
        if tok[0].isdigit() and any(a <= s < b for a, b in dates):
            continue  # '2020. 2. 남북…': the month of a date, not item 2.
        if tok == "-" and (prev.isdigit() and nxt.isdigit() or prev in "~-"):
            continue  # '2016.03 - 2016.12'
        candidates.append((m, tok))
    inside = _inside_sentence(text, ls, [m.start() for m, tok in candidates if tok in ("-", "○")])
    marks: list[_Mark] = []
    for m, tok in candidates:
        if m.start() in inside:
            continue
        kind = _kind_of(tok + " x") or _kind_of(tok + "x")
        if kind is None:
            continue
        marks.append(_Mark(kind[0], 0, m.start(), tok, m.end(), le))
    for a, b in zip(marks, marks[1:], strict=False):
        a.title_end = b.start
    return marks


# Kiwi tags after which a sentence goes on: particles (J*), connective (EC) and adnominal (ETM)
# endings, determiners (MM).
_CONTINUING_TAGS = ("J", "EC", "ETM", "MM")


def _inside_sentence(text: str, ls: int, positions: list[int]) -> set[int]:
    """The positions whose preceding words end mid-sentence, by kiwipiepy's analysis."""
    if not positions:
        return set()
    contexts = [text[max(ls, p - 24) : p].rstrip() for p in positions]
    out = set()
    for p, tokens in zip(positions, tokenize_many(contexts), strict=True):
        if tokens and tokens[-1].tag.startswith(_CONTINUING_TAGS):
            out.add(p)
    return out


def toc_spans(text: str, start: int, end: int) -> list[Span]:
    """The table of contents (목 차 Ⅰ. … 1 Ⅱ. … 4) runs until its first entry appears again."""
    spans = []
    for m in _TOC.finditer(text, start, end):
        first = re.compile(rf"[{_ROMAN_UNI}]|(?:I|1)\.").search(
            text, m.end(), min(end, m.end() + 40)
        )
        if not first:
            continue
        again = text.find(first.group(0), first.end(), end)
        line_end = text.find("\n", m.end(), end)
        stop = again if again >= 0 else (line_end if line_end >= 0 else end)
        spans.append(Span(m.start(), stop))
    for m in _LEADER_LINE.finditer(text, start, end):
        if not any(s.start <= m.start() < s.end for s in spans):
            spans.append(Span(m.start(), m.end()))
    return sorted(spans, key=lambda s: s.start)


_TOC_ENTRY = re.compile(
    rf"(?P<m>[{_ROMAN_UNI}]\.?|\d{{1,2}}\.|<붙임\s*\d*>)\s*(?P<t>[^\d{_ROMAN_UNI}<※]+?)\s+\d{{1,3}}(?=\s|$)"
)


_TOC_PART = re.compile(
    rf"(?P<m>[{_ROMAN_UNI}]\.?|(?<![\d.])\d{{1,2}}\.)\s*(?P<t>\S.*?)\s*[·.…ㆍ・]*\s*(?P<p>\d{{1,3}})"
    rf"(?=\s*(?:[{_ROMAN_UNI}]|\d{{1,2}}\.\s|<붙임|※|$))",
    re.M,
)


def toc_entries(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    """The parts a table of contents lists, in order: (marker, title) — 'Ⅲ. 2025년 주요업무계획
    12' → ('Ⅲ.', '2025년 주요업무계획'); titles may hold digits."""
    return [
        (m.group("m"), m.group("t").strip(" .·"))
        for s in spans
        for m in _TOC_PART.finditer(text, s.start, s.end)
    ]


def _toc_titles(text: str, spans: list[Span]) -> list[str]:
    """Heading titles as the table of contents writes them ('Ⅲ. 추진계획 7' → '추진계획')."""
    return [m.group("t").strip() for s in spans for m in _TOC_ENTRY.finditer(text, s.start, s.end)]


def _cut_run_on(sections: list[Section], toc: list[str]) -> None:
    """A flattened heading runs on into what follows it; the table of contents, or the title of
    its first child, says where it ends ('추진계획 협치 일상화를 위한 …' → '추진계획')."""
    first_child: dict[str, str] = {}
    for sec in sections:
        if sec.parent_id and sec.parent_id not in first_child:
            first_child[sec.parent_id] = sec.title
    keys = sorted({re.sub(r"\s+", "", t) for t in toc if len(t) >= 2}, key=len, reverse=True)
    for sec in sections:
        compact = re.sub(r"\s+", "", sec.title)
        hit = next((k for k in keys if compact.startswith(k) and len(compact) > len(k)), None)
        if hit:
            sec.title = _readable(_prefix_with_spaces(sec.title, len(hit)))
            continue
        child = first_child.get(sec.section_id)
        if child and len(child) >= 6:
            at = sec.title.find(child)
            if at > 1:
                sec.title = sec.title[:at].rstrip()


def _prefix_with_spaces(title: str, n_chars: int) -> str:
    """The shortest prefix of ``title`` holding ``n_chars`` non-space characters."""
    seen = 0
    for i, ch in enumerate(title):
        if not ch.isspace():
            seen += 1
        if seen == n_chars:
            return title[: i + 1]
    return title


def _title(text: str, mark: _Mark) -> str:
    raw = text[mark.title_start : mark.title_end].strip()
    if mark.kind == "label":  # a label/value sheet's label line: '경위경위경위' → '경위'
        return field_label(raw) or raw
    if mark.kind in ("md", "bold"):
        raw = raw.strip("*# ")
    raw = re.split(r"\s{2,}※", raw)[
        0
    ]  # '제출기한: 매월 5일까지   ※ 7월 …': the note is not the title
    spaced = _LETTER_SPACED_LEAD.match(raw)
    if spaced and spaced.end() < len(raw):
        raw = spaced.group(0)  # 'Ⅲ 추 진 방 향 『3대 분야 …』 …': the heading is the spaced words
    if len(raw) > 120:  # an inline item runs on: its title is its first sentence
        raw = first_sentence(raw[:400])
        if len(raw) > 120:
            cut = _SENTENCE_END.search(raw, 10, 160)
            raw = raw[: cut.start() + 1] if cut else raw[:120]
    return _readable(raw)


_PUA_MARKER = re.compile(rf"[{PUA}]")


def _lost_sub_bullet(text: str, mark: _Mark, stack: list[tuple[tuple[str, int], Section]]) -> bool:
    """A private-use glyph under a bullet item (○, -, ·) whose line reads as a sentence is a
    sub-bullet whose symbol the converter lost (▪, ◦), not a box heading:
    '- 시민참여 확대' ⏎ '\uf000 활동계획 수립(’16.3.10)'. A short title stays a heading."""
    if not (
        mark.kind == "box"
        and _PUA_MARKER.fullmatch(mark.marker)
        and stack
        and stack[-1][0][0] not in HEADING_KINDS
    ):
        return False
    title = text[mark.title_start : mark.title_end].strip()
    return len(title) >= OUTLINE.lost_glyph_title_chars or any(ch.isdigit() for ch in title)


def segment(text: str, start: int, end: int, exclude: list[Span] | None = None) -> list[Section]:
    """The section tree of ``text[start:end]``, leaving out ``exclude`` spans (tables, TOC)."""
    toc = toc_spans(text, start, end)
    skip = sorted([*(exclude or []), *toc], key=lambda s: s.start)

    # a position is skipped iff it is below the furthest end of the spans starting at or
    # before it (spans may overlap): one bisection per line, not a scan of every span
    skip_starts = [s.start for s in skip]
    skip_reach = list(itertools.accumulate((s.end for s in skip), max))

    def skipped(pos: int) -> bool:
        i = bisect.bisect_right(skip_starts, pos) - 1
        return i >= 0 and pos < skip_reach[i]

    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        le = end if nl < 0 else nl
        line_end = le - 1 if le > pos and text[le - 1] == "\r" else le
        if text[pos:line_end].strip() and not _FURNITURE.match(text, pos, line_end):
            lines.append((pos, line_end))
        pos = le + 1

    marks: list[_Mark] = []
    merged: set[int] = set()
    # a label/value sheet: each label line heads the section of its value
    label_lines = {
        text.rfind("\n", 0, max(0, vs - 1)) + 1 for _label, vs, _ve in field_spans(text, end)
    }
    for i, (ls, le) in enumerate(lines):
        if i in merged:
            continue
        if ls in label_lines:
            marks.append(_Mark("label", 0, ls, "", ls, le))
            continue
        if _BARE_MARKER.match(text, ls, le) and i + 1 < len(lines) and not skipped(ls):
            nls, nle = lines[i + 1]
            heading = text[nls:nle].strip()
            info = _kind_of(text[ls:le].strip(_INDENT) + " " + heading)
            if (
                info
                and len(heading) <= 40
                and _line_marks(text, nls, nle, next_is_mark=False) is None
            ):
                indent = _indent_of(text[ls:le])
                marks.append(
                    _Mark(
                        info[0],
                        indent,
                        ls + len(text[ls:le]) - len(text[ls:le].lstrip(_INDENT)),
                        info[1],
                        nls,
                        nle,
                    )
                )
                merged.add(i + 1)
                continue
        if _PAGE_NUMBER.match(text, ls, le):
            continue  # a page number alone on its line
        if le - ls > _FLAT_LINE:
            marks.extend(m for m in _inline_marks(text, ls, le) if not skipped(m.start))
            continue
        if skipped(ls):
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        # an unmarked short line is a heading only inside the outline, right above an item
        next_is_mark = (
            bool(marks)
            and nxt is not None
            and _line_marks(text, *nxt, next_is_mark=False) is not None
        )
        mk = _line_marks(text, ls, le, next_is_mark)
        if mk:
            if nxt is not None and text[nxt[0] : nxt[1]].lstrip().startswith((":", "：")):
                mk.title_end = nxt[1]  # '○ 집행관리(분기별)' ⏎ ': ’17.1월 ~' is one item heading
            marks.append(mk)

    # A first single '#' heading with no marker is the document's title, not a section.
    if (
        marks
        and marks[0].kind == "md"
        and marks[0].marker == "#"
        and sum(m.marker == "#" for m in marks) == 1
    ):
        marks = marks[1:]

    sections: list[Section] = []
    stack: list[tuple[tuple[str, int], Section]] = []
    for i, mark in enumerate(marks):
        if _lost_sub_bullet(text, mark, stack):
            mark.kind = "sub_bullet"
        key = (mark.kind, mark.indent)
        if mark.kind == "plain" and i + 1 < len(marks):
            nk = (marks[i + 1].kind, marks[i + 1].indent)
            if any(k == nk for k, _ in stack):
                continue  # '심의 편성' ⏎ '○ …' with ○ already open: table debris, not a heading
        if mark.kind == "attach":
            stack.clear()  # <붙임> belongs to the document, not to the last item
        if any(k == key for k, _ in stack):
            while stack and stack[-1][0] != key:
                stack.pop()
            stack.pop()
        else:
            while stack and stack[-1][0][1] > mark.indent and stack[-1][0][0] == mark.kind:
                stack.pop()
            if mark.kind in HEADING_KINDS:
                while stack and stack[-1][0][0] not in HEADING_KINDS:
                    stack.pop()
        parent = stack[-1][1] if stack else None
        title = _title(text, mark)
        section = Section(
            section_id=f"S{len(sections) + 1:04d}",
            parent_id=parent.section_id if parent else None,
            depth=(parent.depth + 1) if parent else 1,
            ordinal=len(sections) + 1,
            marker=mark.marker,
            title=title,
            char_start=mark.start,
            char_end=end,
            title_start=mark.title_start,
            head_end=mark.title_end,
        )
        sections.append(section)
        if mark.kind not in LEAF_KINDS:
            stack.append((key, section))

    # A section ends where the next section at its depth or above begins.
    for i, s in enumerate(sections):
        stop = end
        for later in sections[i + 1 :]:
            if later.depth <= s.depth:
                stop = later.char_start
                break
        while stop > s.char_start and text[stop - 1].isspace():
            stop -= 1
        s.char_end = stop
        s.head_end = min(s.head_end, stop)
        if s.marker == "※":  # a note is a leaf: it spans its own text only
            s.char_end = s.head_end
            while s.char_end > s.char_start and text[s.char_end - 1].isspace():
                s.char_end -= 1
    _cut_run_on(sections, _toc_titles(text, toc))
    return sections
