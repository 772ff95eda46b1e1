"""Schedule rows: date mentions + context → :class:`ScheduleRow` — a third pass.

A date is a **step** of the document (a milestone, a period, a deadline, a past event of its
history) when no exclusion rule removes it and it stands where steps are written:

* anywhere in a schedule part (``추진 일정``, ``추진경과``, ``향후 일정``, a sheet's ``경위`` /
  ``계획`` field) or in a table's date column (``추진기간``, ``일정``, ``시기``);
* elsewhere, in brackets after what it dates (``박람회 개최(’25. 5월)``), after a colon
  (``운영기간 : ’25. 3.~12.``), leading its clause (``’24.12. 계획 수립``) or closing it
  (``최종계획 수립 ‘20. 5월중``), or cited as a basis (``운영계획('15.5.4)``);
* a bare year (``’17년 협치서울 의제사업``) is an attribute, not a step, unless it opens or
  closes a period (``’26년까지``, ``'06년부터``), stands alone in brackets or after a colon.

A line listing several dated steps gives one row per step, each with its own task.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from pipeline.dates import DateMatch, find_dates
from pipeline.extract.context import Clause, Context
from pipeline.extract.exclusions import excluded_date
from pipeline.extract.mentions import DateMention
from pipeline.extract.phrases import clean, has_content, task_from
from pipeline.model import Cell, ScheduleRow, Table
from pipeline.settings import FLAT_GRIDS
from pipeline.spans import line_above, line_at, line_below, lines
from pipeline.vocab import (
    APOSTROPHES,
    BOX_MARKERS,
    CIRCLE_BULLETS,
    DATE_COLUMN_HEADER_RE,
    END_OF_TEXT_MARK_RE,
    EVENT_DATE_LABEL_RE,
    MONEY_UNIT_RE,
    NOTE_MARKS,
    ROMAN_NUMERALS,
    SCHEDULE_FIELDS,
    SCHEDULE_HEADING_RE,
    SCHEDULE_HEADINGS,
    STEP_ARROWS,
    STEP_DONE_WORDS,
    STEP_ONGOING_EVENTS,
    STEP_ONGOING_WORDS,
)

# A date that cites a document: 실행계획(시장방침 제88호/'13.4.5), 운영계획('15.5.4)
_CITATION_BEFORE = re.compile(
    r"(?:제?\s*\d+\s*호\s*[/,(]|제\s*\d+\s*호|[가-힣]+\s*-\s*\d+\s*,|방침\s*[/,]|"
    r"(?:계획|방침|지침|조례|규칙|공고|결과|보고|의결|협의|심의|통보)\s*\(|/)\s*$"
)
# '▪ (기간/장소) …', '(추진계획) …': a bracketed label that names a time or a plan's steps
# (not '(인구) ’24.12월 말 940만명')
_BRACKET_LABEL = re.compile(
    rf"^[\s\-·○◦*ㅇ※•▪▷▶□■]*[(（][^()（）\d]{{0,8}}"
    rf"(?:{DATE_COLUMN_HEADER_RE.pattern}|{'|'.join(SCHEDULE_HEADINGS)})[^()（）\d]{{0,8}}[)）]\s*$"
)
# a bullet arrow opening the next item ('고시 ▸ ’29.12월 개항목표'), not a change ('2만명 → ’25.6월')
_AFTER_ARROW = re.compile(r"[▸▹►]\s*$")
# a note opened inside the line ('… 48억원 * ’24.～‘26., 총 200억원'): its dated year leads it
# (not '※ 7월 현황 제출 기한 : …', a month that names what is submitted) ...
_AFTER_NOTE_MARK = re.compile(rf"\s[{re.escape(NOTE_MARKS)}]\s*$")
# ... and dates the subject the line opens with, up to its first arrow or note mark
_SUBJECT_END = re.compile(rf"[▸▹►]|\s[{re.escape(NOTE_MARKS)}]\s")
# what a date dates starts with words, not a figure ('’24.12월 : 940만명' is a statistic)
_WORDS_NEXT = re.compile(r"\s*[:：]?\s*[가-힣A-Za-z「『‘“(]")
_PERIOD_AFTER = re.compile(r"\s*(?:까지|부터|[~∼～〜])")
# '(‘26년 완료, 566억원)': a year and the word for its step closing the item; not an attribute
# ('2018년 개관 예정 주요시설' names the facilities)
_STEP_DONE_AFTER = re.compile(
    rf"\s*(?:{'|'.join(STEP_DONE_WORDS)}|(?:{'|'.join(STEP_ONGOING_WORDS)})\s*"
    rf"(?:{'|'.join(STEP_ONGOING_EVENTS)}))\s*(?=[,，)）]|$)",
    re.M,
)
_PERIOD_WORD = re.compile(r"\s*(?:까지|부터)")
_DOTTED_YEAR = re.compile(rf"[{re.escape(APOSTROPHES)}]\s?\d\d\s*\.")
# '연결(‘25, 10억원)': the year an activity happens, given with its cost in one bracket
_COST_AFTER = re.compile(
    rf"\s*[,，]\s*\d[\d,.]*\s*(?:{MONEY_UNIT_RE}|억|조)[^()（）\n]{{0,12}}[)）]"
)
_SCHEDULED_AFTER = re.compile(
    r"[ \t]*(?:[가-힣·]+[ \t]+){0,2}[가-힣·]*예정(?:임|이다|입니다)?[ \t.)]*$"
)
_LEAD_DECORATION = " -·○◦*ㅇ※•▪▷▶□■\"'"


def _is_schedule_heading(title: str) -> bool:
    return bool(SCHEDULE_HEADING_RE.search(title.replace(" ", "")))


def _in_schedule_part(ctx: Context, clause: Clause) -> bool:
    if clause.label in SCHEDULE_FIELDS or ctx.in_schedule_label_part(clause.start):
        return True
    return any(_is_schedule_heading(s.title) for s in ctx.headings(clause.start))


def _in_parens(text: str, lo: int, pos: int) -> bool:
    before = text[lo:pos]
    return before.rfind("(") > before.rfind(")")


def _is_step(ctx: Context, d: DateMatch, clause: Clause, in_schedule: bool) -> bool:
    """Whether a date stands where a document writes its steps (see the module doc)."""
    text = ctx.text
    before = text[clause.start : d.start]
    if _CITATION_BEFORE.search(before):
        return True  # a basis cited with its date: a past step
    in_parens = _in_parens(text, clause.start, d.start)
    # after a colon, or a bracketed label ('▪ (기간/장소) ’25. 11. 26.(화) ~ …')
    after_colon = before.rstrip().endswith((":", "：")) or bool(_BRACKET_LABEL.match(before))
    # leading its clause, or an item after an inline arrow ('고시 ▸ ’29.12월 개항목표 명기')
    leading = (
        not before.strip(_LEAD_DECORATION)
        or (bool(_AFTER_ARROW.search(before)) and bool(_WORDS_NEXT.match(text, d.end)))
        or (d.explicit_year and bool(_AFTER_NOTE_MARK.search(before)))
    )
    dates_what_follows = text[d.end : d.end + 3].lstrip()[:1] in (":", "：") and bool(
        _WORDS_NEXT.match(text, d.end)
    )
    # closing its clause, perhaps with a period word ('계약일로부터 2026.1.31.까지')
    rest = END_OF_TEXT_MARK_RE.sub("", text[d.end : clause.end])
    closing = not rest[len(m.group(0)) if (m := _PERIOD_WORD.match(rest)) else 0 :].strip(
        " .,)」』]。"
    )
    # '인력 5명 ’17년 2월 채용 예정': the date of what is scheduled, however mid-sentence
    scheduled = bool(_SCHEDULED_AFTER.match(text, d.end, clause.end))
    bare_year = (
        d.precision == "year"
        and d.recurrence is None
        and d.start_date is not None
        and d.end_date is not None
        and d.start_date.year == d.end_date.year
    )
    if bare_year:
        # an attribute ('’17년 협치서울 의제사업'), unless it bounds a period ('’26년까지'),
        # stands alone in brackets ('(’25년)') or after a colon, or dates a line ('’24년 : …')
        if _PERIOD_AFTER.match(text, d.end) or d.open_end:
            return True
        alone_in_parens = (
            in_parens
            and (
                text[d.end : d.end + 2].lstrip()[:1] in (")", "）")
                or bool(_COST_AFTER.match(text, d.end))
            )
            and not d.text.endswith("년도")  # '협력(2017년도)': a version's year, not a step
        )
        # a line led by a dotted year lists what is done then ("'25. 산업부 사전자문 …"); a
        # leading '’17년 …' names the year's thing instead
        # ... unless a finer date later in its clause dates what it lists: '※ ’23. 이행점검
        # 매우우수(’24.5.)', '○ ’14년도 : 자문위원회 4회(’14.7~10월)' — the year names the part
        dates_line = (
            leading
            and (
                text[d.end : d.end + 3].lstrip()[:1] in (":", "：")
                or bool(_DOTTED_YEAR.fullmatch(d.text))
            )
            and not any(
                later.precision != "year" for later in find_dates(text, None, d.end, clause.end)
            )
        )
        if in_schedule:  # a history or plan lists its years: '2008년 환경보건법 제정'
            return alone_in_parens or after_colon or leading
        # 'MOU 체결(‘25.)', '확대 개편 추진(’17년)': the year an activity happens
        # '설치사업(‘26년 완료, 566억원)', '’40년 준공': the year a step is done in
        done = bool(_STEP_DONE_AFTER.match(text, d.end))
        return alone_in_parens or (after_colon and closing) or dates_line or scheduled or done
    if in_schedule:
        return True
    return (
        in_parens
        or after_colon
        or leading
        or closing
        or dates_what_follows  # '’24. 8. : 고시 완료 ’24.12. : 턴키 발주'
        or scheduled
        or _closes_list_item(text, d, clause)
        or _listed_after_a_step(ctx, d, clause, in_schedule)
    )


_LIST_GAP = re.compile(r"[^\S\n]*[,，/][^\S\n]*")


def _listed_after_a_step(ctx: Context, d: DateMatch, clause: Clause, in_schedule: bool) -> bool:
    """'개최 : ’16.4.29., 5.17., 8.26.': a date listed right after a step's date is a step too
    (the first follows the colon, the last closes the clause; the middle ones neither)."""
    previous = None
    for p in find_dates(ctx.text, None, clause.start, d.start, ref_year=ctx.doc_year):
        previous = p
    if previous is None or not _LIST_GAP.fullmatch(ctx.text, previous.end, d.start):
        return False
    return previous.precision == d.precision and _is_step(ctx, previous, clause, in_schedule)


_LIST_ITEM = re.compile(r"[ \t]*[-·ㅇ○◦•▪][ \t]")
_LIST_SEPARATOR = re.compile(r"\s*[,，;]")


def _closes_list_item(text: str, d: DateMatch, clause: Clause) -> bool:
    """'추진방식 결정 ‘25.3. , 예타 면제 ’25.12. , …': a date that ends one item of a list of
    dated steps (words before it since the last separator, a separator right after it)."""
    sep = _LIST_SEPARATOR.match(text, d.end)
    if not sep:
        return False
    lo = max(text.rfind(",", clause.start, d.start), text.rfind(";", clause.start, d.start))
    if not has_content(text[max(lo + 1, clause.start) : d.start]):
        return False
    # a list of dated steps: the next item has words and a date of its own
    nxt = text[sep.end() : clause.end]
    cut = re.search(r"[,，;]", nxt)
    item = nxt[: cut.start()] if cut else nxt
    year = d.start_date.year if d.start_date else None  # a yearless '5월' after it too
    return has_content(item) and next(find_dates(item, year), None) is not None


_BETWEEN_ADJACENT = re.compile(r"[\s,]*(?:까지|부터)?[\s,]*")


def _same_item(text: str, d: DateMatch, others: list[DateMatch]) -> bool:
    """'디캠프 오피스아워 (매월) , 데뷔 디데이 (’24.10.)': a recurrence qualifies a dated step of
    its own list item, not the next item's."""
    for o in others:
        lo, hi = (o.end, d.start) if o.end <= d.start else (d.end, o.start)
        if not _LIST_SEPARATOR.search(text, lo, hi):
            return True
    return False


def _next_to_any(text: str, d: DateMatch, others: list[DateMatch]) -> bool:
    """'1996년부터 2014년까지 매년 7.1~7.7': a recurrence written right beside a dated step
    says how often within it; it is part of that step, not a step of its own."""
    for o in others:
        lo, hi = (o.end, d.start) if o.end <= d.start else (d.end, o.start)
        if hi >= lo and _BETWEEN_ADJACENT.fullmatch(text, lo, hi):
            return True
    return False


# A line that opens a part or an item is not a flattened cell's label.
_MARKED_LINE = re.compile(
    rf"^\s*(?:[{BOX_MARKERS}{CIRCLE_BULLETS}{NOTE_MARKS}{ROMAN_NUMERALS}\-·▶▷■<\[]|\d+\s*[.)]\s)"
)


def _only_dates(line: str) -> bool:
    found = list(find_dates(line, 2000))  # the year only lets a yearless date be seen
    rest, pos = [], 0
    for d in found:
        rest.append(line[pos : d.start])
        pos = d.end
    rest.append(line[pos:])
    return bool(found) and not _GRID_GAPS.sub("", "".join(rest))


def _is_flat_label(line: str) -> bool:
    return (
        0 < len(line.strip()) <= FLAT_GRIDS.max_step_label_chars
        and has_content(line)
        and not _MARKED_LINE.match(line)
        and not line.rstrip().endswith((":", "："))
        and next(find_dates(line, 2000), None) is None
    )


def _flattened_row_label(text: str, clause: Clause) -> str | None:
    """'신청접수 ⏎ 서류검증 ⏎ 발표 ⏎ 6.11. ~ 6.13. ⏎ 6.14. ~ 7.4. ⏎ 7.8.': a table row of step
    names a converter wrote one cell per line, then its row of dates. When a run of n lines of
    only dates (n ≥ 2; blank lines between are no cells) follows a run of exactly n label
    lines, the k-th date is the k-th label's."""
    lo, hi = line_at(text, clause.start)
    if not _only_dates(text[lo:hi]):
        return None
    run = [(lo, hi)]
    cap = FLAT_GRIDS.max_step_cells  # a long run of dates is a calendar, not one table row
    while (above := line_above(text, run[0][0])) and _only_dates(text[slice(*above)]):
        run.insert(0, above)  # date lines above (blank lines between are no cells)
        if len(run) > cap:
            return None
    index = len(run) - 1
    while (below := line_below(text, run[-1][1])) and _only_dates(text[slice(*below)]):
        run.append(below)  # and below
        if len(run) > cap:
            return None
    labels: list[str] = []
    line = line_above(text, run[0][0])
    while line and _is_flat_label(text[slice(*line)]) and len(labels) <= len(run):
        labels.insert(0, text[slice(*line)])
        line = line_above(text, line[0])
    if len(run) < 2 or len(labels) != len(run):
        return None  # one date under one word is a grid's header as often as a step
    return clean(labels[index])


def _rows_of_clause(
    ctx: Context, clause: Clause, dates: list[DateMatch], in_schedule: bool
) -> list[ScheduleRow]:
    text = ctx.text
    steps = [d for d in dates if _is_step(ctx, d, clause, in_schedule)]
    dated = [d for d in steps if d.recurrence is None]
    qualifier = next(
        (
            d
            for d in steps
            if d.recurrence
            and (
                (_in_parens(text, clause.start, d.start) and _same_item(text, d, dated))
                or _next_to_any(text, d, dated)
            )
        ),
        None,
    )
    if dated and qualifier is not None:
        # '개최(월2회 이상) ‘20. 2~4월중': a recurrence in brackets qualifies the dated step
        steps = [
            replace(d, recurrence=qualifier.recurrence) if d.recurrence is None else d
            for d in steps
            if d is not qualifier
        ]
    fallback = _row_words(ctx, clause) if clause.cell is not None else None
    only_dates = not _GRID_GAPS.sub("", _without(text, clause, dates))
    if (
        only_dates
        and clause.cell is None
        and _LIST_ITEM.match(text, clause.line_start)
        and any(_in_parens(text, clause.start, d.start) for d in dates)
    ):
        # '○ 자문위원회 개최 6회' ⏎ '- ’14년(8.29, 10.17, 12.22)': the dates of the item above
        fallback = next((clean(h.title) for h in ctx.headings(clause.start, own=False)), None)
    elif len(dates) >= 2 and only_dates:
        return []  # '1분기 2분기 3분기 4분기', '’17년 ’18.6월': a calendar grid's header row
    elif only_dates and clause.cell is None:
        fallback = _flattened_row_label(text, clause)
    leading = bool(steps) and not text[clause.start : steps[0].start].strip(_LEAD_DECORATION)
    rows: list[ScheduleRow] = []
    for k, d in enumerate(steps):
        lo = steps[k - 1].end if k > 0 else clause.start
        hi = steps[k + 1].start if k + 1 < len(steps) else clause.end
        if leading and k > 0 and _in_parens(text, lo, d.start):
            # 'ˊ24. 7. 공고 (7.12.~7.31.), 용역 착수 (’24.7.8.~…)': a bracket dates the words before it
            task = task_from(text[lo : d.start], "")
        elif leading:
            task = task_from("", text[d.end : hi])
        elif d.explicit_year and _AFTER_NOTE_MARK.search(text[lo : d.start]):
            # '• 클러스터 조성 사업 ▸ ‘25년, 48억원 * ’24.～‘26., 총 200억원': the note dates the
            # subject its line opens with
            task = task_from(_SUBJECT_END.split(text[clause.start : d.start], 1)[0], "")
        else:
            task = task_from(text[lo : d.start], text[d.end : hi])
            if k > 0 and not clean(text[lo : d.start]).strip(" ~:;,)(및"):
                # '자문회의(’15.5.22, ’16.2.1)': the dates listed after one subject share it
                task = rows[-1].task if rows else task_from(text[clause.start : d.start], "")
        task = task if has_content(task) else (fallback or task or "")
        if not has_content(task) and rows:
            task = rows[-1].task  # '제194호(1999.3.13), 제443호(2000.4.26)': one subject, two dates
        elif not has_content(task) and k > 0:
            task = task_from(text[clause.start : steps[0].start], "")
        if clause.cell is None and not has_content(task):
            continue  # a date alone on a line says when, but not what: a grid's flattened cell
        rows.append(_row(d, task, clause))
    return rows


_GRID_GAPS = re.compile(r"[\s,·/()~\-]+")


def _without(text: str, clause: Clause, dates: list[DateMatch]) -> str:
    """The clause's text with its dates cut out."""
    out, pos = [], clause.start
    for d in dates:
        out.append(text[pos : d.start])
        pos = d.end
    out.append(text[pos : clause.end])
    return "".join(out)


def _row_words(ctx: Context, clause: Clause) -> str | None:
    """What a dated cell's row is about: its label, unless the label is the date itself
    ('○ ‘13. 4. 08 ⇥ 한양도성 … 방침'), then the nearest word cell after it, else before it."""
    cell, table = clause.cell, clause.table
    assert cell is not None and table is not None
    label = cell.row_label
    left = ctx.left_label(clause)
    if left and EVENT_DATE_LABEL_RE.search(left):
        return left  # a form's '… ⇥ 착공일자 ⇥ 2024년 2월 20일': the label beside the date
    ordinal = bool(label and _STEP_ORDINAL.fullmatch(label.strip()))
    if label and not ordinal and has_content(_DATEISH.sub(" ", label)):
        return label
    row = sorted((c for c in ctx.row_cells(table, cell.row) if c is not cell), key=lambda c: c.col)
    words = [
        c
        for c in row
        if has_content(_DATEISH.sub(" ", c.text)) and not _STEP_ORDINAL.fullmatch(c.text.strip())
    ]
    after = [c for c in words if c.col > cell.col]
    before = [c for c in words if c.col < cell.col]
    if (
        ordinal
    ):  # '2단계 ⇥ 평가 및 선정 ⇥ 4월 ⇥ 홈페이지': the step is what the row says before its date
        pick = before[-1] if before else (after[0] if after else None)
    else:
        pick = after[0] if after else (words[-1] if words else None)
    if pick is None:
        return label
    piece = ctx.clause_at(pick.char_start)  # the cell's first item, not all it holds
    return clean(ctx.text[piece.start : piece.end]) if piece is not None else pick.text


_DATEISH = re.compile(r"[‘’'`]?\d[\d.~\s월일년]*")
# A row label that only numbers the step: 1단계, 제2차, 3, ①.
_STEP_ORDINAL = re.compile(r"(?:제\s*)?\d{1,2}\s*(?:단계|차|회차|순위)?|[①-⑳]|STEP\s*\d{1,2}", re.I)


def _row(d: DateMatch, task: str, clause: Clause) -> ScheduleRow:
    return ScheduleRow(
        "",
        re.sub(r"^(?:및|와|과)\s+", "", task),
        d.precision,
        d.text,
        d.start,
        d.end,
        d.start_date,
        d.end_date,
        d.recurrence,
        section_id=clause.table.section_id if clause.table is not None else None,
    )


def _step_strip(ctx: Context, t: Table) -> list[ScheduleRow]:
    """A procedure drawn as a strip: steps in one row, each step's dates in the cell below
    (신청접수 → 6.11. ~ 6.13.)."""
    out: list[ScheduleRow] = []
    text = ctx.text
    by_pos = {(c.row, c.col): c for c in t.cells}
    on_row: dict[int, list[Cell]] = defaultdict(list)
    for c in t.cells:
        if c.text:
            on_row[c.row].append(c)
    rows = sorted({c.row for c in t.cells})
    for r in rows[1:]:
        cells = on_row.get(r, [])
        if len(cells) < 2:
            continue
        found = []
        for c in cells:
            clause = ctx.clause_at(c.char_start)
            year = ctx.date_year(clause) if clause else ctx.doc_year
            ds = list(find_dates(text, year, c.char_start, c.char_end, ref_year=ctx.doc_year))
            if len(ds) != 1 or len(ds[0].text) < 0.6 * len(c.text):
                break
            above = by_pos.get((r - 1, c.col))
            if above is None or not above.text:
                break
            if next(find_dates(text, year, above.char_start, above.char_end), None):
                break
            found.append((ds[0], above.text, clause))
        else:
            for d, task, clause in found:
                if clause is not None:
                    out.append(_row(d, task, clause))
    return out


_ARROW_SPLIT = re.compile(rf"\s*[{STEP_ARROWS}]\s*")
_BRACKETS_ONLY = re.compile(r"(?:\s*[(（][^()（）\n]*[)）])+\s*")
_BRACKET = re.compile(r"[(（][^()（）\n]*[)）]")


def _arrow_strip(ctx: Context) -> list[ScheduleRow]:
    """A roadmap drawn on two lines: its steps joined by arrows, and under them a line of as
    many brackets, each dating the step above it ('기본구상 ⇨ 개발계획 수립 ⇨ 공사' ⏎
    '(‘21.11.~‘22.12.) (‘23.5.~‘25.) (‘27.~‘32.)')."""
    text = ctx.text
    out: list[ScheduleRow] = []
    spans = lines(text, 0, ctx.end)
    for (ls, le), (ns, ne) in zip(spans, spans[1:], strict=False):
        if not any(a in text[ls:le] for a in STEP_ARROWS):
            continue
        steps = [p for p in _ARROW_SPLIT.split(text[ls:le].strip()) if has_content(p)]
        if len(steps) < 2 or not _BRACKETS_ONLY.fullmatch(text, ns, ne):
            continue
        brackets = list(_BRACKET.finditer(text, ns, ne))
        clause = ctx.clause_at(ns)
        if len(brackets) != len(steps) or clause is None:
            continue
        year = ctx.date_year(clause)
        found = []
        for b in brackets:
            ds = list(find_dates(text, year, b.start() + 1, b.end() - 1, ref_year=ctx.doc_year))
            if len(ds) != 1:
                break
            found.append(ds[0])
            year = ds[0].start_date.year if ds[0].explicit_year and ds[0].start_date else year
        else:
            out.extend(_row(d, clean(step), clause) for d, step in zip(found, steps, strict=True))
    return out


def schedule_rows(ctx: Context, mentions: list[DateMention]) -> list[ScheduleRow]:
    """Every dated step of the document, in reading order."""
    by_clause: dict[int, list[DateMention]] = defaultdict(list)
    for m in mentions:
        if m.date.start_date is None and m.date.end_date is None:
            continue
        if excluded_date(m, ctx) is not None:
            continue
        by_clause[id(m.clause)].append(m)
    clauses = {id(m.clause): m.clause for m in mentions}
    rows: list[ScheduleRow] = _arrow_strip(ctx)
    strip_lines = {ctx.text.rfind("\n", 0, r.char_start) + 1 for r in rows}
    strip_tables: set[str] = set()
    for t in ctx.doc.tables:
        if not ctx.date_columns(t):
            strip = _step_strip(ctx, t)
            if strip:
                strip_tables.add(t.table_id)
                rows.extend(strip)
    for key, ms in by_clause.items():
        clause = clauses[key]
        if clause.table is not None and clause.table.table_id in strip_tables:
            continue
        if clause.cell is None and clause.line_start in strip_lines:
            continue  # a roadmap's line of dates: read with the steps above them
        if clause.kind == "prose":
            sec = ctx.section_at(clause.start)
            if (
                sec is not None
                and sec.title_start <= clause.start < sec.head_end
                and (_is_schedule_heading(sec.title) or "붙" in sec.marker)
            ):
                continue  # a schedule part's heading ('2016년도 추진일정'), an attachment
        in_schedule = _in_schedule_part(ctx, clause)
        dates = [m.date for m in ms]
        if clause.cell is not None and clause.table is not None:
            columns = ctx.date_columns(clause.table)
            if columns and clause.cell.col not in columns:
                continue  # a table with a date column dates its rows there, not in other cells
            in_schedule = in_schedule or clause.cell.col in columns
            if not columns:  # a recurrence in brackets in a cell describes the row
                dates = [
                    d
                    for d in dates
                    if d.recurrence is None
                    or not ctx.text[clause.start : d.start].strip(_LEAD_DECORATION)
                    or ctx.text[clause.start : d.start].rstrip().endswith((":", "："))
                ]
        rows.extend(_rows_of_clause(ctx, clause, dates, in_schedule))
    rows.sort(key=lambda r: (r.char_start, r.char_end))
    unique: list[ScheduleRow] = []
    for r in rows:
        if unique and (unique[-1].char_start, unique[-1].char_end) == (r.char_start, r.char_end):
            continue
        unique.append(r)
    return unique
