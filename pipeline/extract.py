"""Budgets, schedules and projects from a segmented document.

``extract(doc) -> Document`` fills ``doc.projects``, ``doc.budgets`` and ``doc.schedules`` from
its sections, its tables and the prose between them. Every row's span is into ``doc.text``.

Rules, one place per concept:

* **budgets** — every money amount: table cells whose unit is money, and amounts written
  with their unit (``10,000천원``, ``655억원``) in prose and in text cells. A factor of a
  산출근거 product (``5,000천원 * 2회``) is not a stated amount; the amount after ``=`` is,
  with that product as its ``basis``.
* **schedules** — every date expression inside items of a schedule section (``추진 일정``,
  ``향후 일정``, ``추진경과``, ``추진경위``), and the period column of schedule tables.
* **projects** — the program of a 사업설명서 (with its 총사업비), and circled items
  (``①`` …), which Korean reports use for their 과제 / 사업.
"""

from __future__ import annotations

import re

from pipeline.dates import DateMatch, find_dates
from pipeline.metadata import is_field_label, labelled_fields
from pipeline.model import BudgetRow, Document, Project, ScheduleRow, Section, Table
from pipeline.money import MONEY_UNITS, Amount, evaluate_basis, find_amounts

# A schedule section's title (spaces removed): '추진 일정', '2016년도 추진일정', '향후 일정' …
_SCHEDULE_TITLE = re.compile(
    r"^(?:[\d’‘'`]+년도?)?(?:추진|향후|세부|주요)?(?:일정|경과|경위)(?:\(안\))?$"
)
_SCHEDULE_HEADER = re.compile(r"기간|일정|시기|기한")
_CATEGORY = re.compile(r"(?:회계|기금|[가-힣]+비|[가-힣]+금)$")
_TIMES_AFTER = re.compile(r"^\s*[*×xX✕]\s*\d")
_TIMES_BEFORE = re.compile(r"[*×xX✕]\s*$")
_EQUALS_BEFORE = re.compile(r"=\s*$")
_EQUALS_AFTER = re.compile(r"^\s*=\s*")
_ITEM_NOISE = re.compile(r"^[\s\-–·○◦□■※▷▶❍●:=,()]+|[\s:=,(\-–]+$")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def document_year(doc: Document) -> int | None:
    """The year the document is written in (dates without a year take it)."""
    for d in (doc.meta.approved_on, doc.meta.produced_on):
        if d is not None:
            return d.year
    if doc.meta.year is not None:
        return doc.meta.year
    m = re.search(r"((?:19|20)\d\d)\s*년", (doc.meta.title or "") + " " + doc.text[:2000])
    return int(m.group(1)) if m else None


def _clean_item(s: str) -> str:
    s = re.sub(r"\s+", " ", s)
    return _ITEM_NOISE.sub("", s).strip()


def _in_any(pos: int, tables: list[Table]) -> Table | None:
    return next((t for t in tables if t.char_start <= pos < t.char_end), None)


def _innermost_project(doc: Document, pos: int) -> str | None:
    best: tuple[int, str] | None = None
    by_id = {s.section_id: s for s in doc.sections}
    for p in doc.projects:
        sec = by_id.get(p.section_id or "")
        if sec and sec.char_start <= pos < sec.char_end and (best is None or sec.depth > best[0]):
            best = (sec.depth, p.project_id)
    return best[1] if best else None


# ── projects ────────────────────────────────────────────────────────────────


# The part of a plan that lists its 과제 / 사업: 'Ⅲ. 주요업무 보고', 'Ⅲ 추진계획', '추진과제' …
_PLAN_PART = re.compile(r"주요업무|추진계획|추진과제|중점과제|핵심과제|세부추진|주요사업")
# Markers of numbered and lettered items (1. / 1 / 1-1 / 가. / ①), which name 과제 in a plan part
_PROJECT_MARKER = re.compile(
    rf"^(?:\d{{1,2}}\.?|\d{{1,2}}-\d{{1,2}}|[가나다라마바사아자차카타파하]\.|[{_CIRCLED}])$"
)


# List bullets (not heading boxes such as □): the converter's '?' for a lost ▪/• glyph, ·, •, ▪
_GLYPH_BULLET = re.compile(r"^(?:\?|[·•▪∙])$")
# A flattened table's letter-spaced column label glued to an item name: '… 설립 과 제 보 완'
_SPACED_LABEL_TAIL = re.compile(r"(?:\s[가-힣]){3,}\s*$")


def _is_project_section(
    s: Section, parent: Section | None, by_id: dict[str, Section], kind: str
) -> bool:
    """Circled items (①…) anywhere; numbered and lettered items inside a plan part; and in a
    사업설명서 the items listed under its 사업내용."""
    if s.marker and s.marker[0] in _CIRCLED:
        return True
    if parent is not None and parent.marker[:1] in _CIRCLED and _GLYPH_BULLET.match(s.marker):
        # the sub-projects a circled 과제 lists with list bullets ('?', '·', '▪');
        # its '-' lines explain it and are not projects
        return True
    if (
        kind == "budget_program"
        and parent is not None
        and parent.title.replace(" ", "") == "사업내용"
    ):
        return True
    if not _PROJECT_MARKER.match(s.marker):
        return False
    cur = parent
    while cur is not None:
        if _PLAN_PART.search(cur.title.replace(" ", "")):
            return True
        cur = by_id.get(cur.parent_id or "")
    return False


def _ancestors(s: Section, by_id: dict[str, Section]) -> list[Section]:
    out = []
    cur = by_id.get(s.parent_id or "")
    while cur is not None:
        out.append(cur)
        cur = by_id.get(cur.parent_id or "")
    return out


def _name_span(text: str, s: Section) -> tuple[int, int] | None:
    """The span of an item's own words: its title as found at the start of its heading."""
    start, end = s.title_start, s.head_end
    while start < end and text[start] in " \t*#":
        start += 1
    want = re.sub(r"\s+", "", s.title)
    got = 0
    pos = start
    while pos < end and got < len(want):
        if not text[pos].isspace():
            if text[pos] != want[got]:
                break
            got += 1
        pos += 1
    if got < len(want):  # the readable title was rewritten (letter-spacing): take the heading line
        pos = end
    tail = _SPACED_LABEL_TAIL.search(text, start, pos)
    if tail:
        pos = tail.start()
    while pos > start and text[pos - 1].isspace():
        pos -= 1
    if pos - start < 2 or pos - start > 120:
        return None
    return start, pos


def _projects(doc: Document) -> list[Project]:
    projects: list[Project] = []
    if doc.meta.doc_kind == "budget_program" and doc.meta.title:
        m = re.search(rf"^#*\s*({re.escape(doc.meta.title)})\s*$", doc.text, re.M)
        if m:
            total = None
            tm = re.search(r"총\s*사업비", doc.text)
            if tm:
                first = next(
                    find_amounts(doc.text, tm.end(), min(len(doc.text), tm.end() + 800)), None
                )
                total = first.krw if first else None
            projects.append(
                Project(
                    "P001",
                    m.group(1),
                    m.start(1),
                    m.end(1),
                    department=doc.meta.department,
                    total_budget_krw=total,
                )
            )
    by_id = {s.section_id: s for s in doc.sections}
    sec_project: dict[str, str] = {}
    seen: dict[
        str, str
    ] = {}  # normalised name → project_id: a summary list and its detail name one project
    program = projects[0].project_id if projects else None
    restated: set[str] = set()  # sections that restate a project listed earlier (its detail page)
    for s in doc.sections:
        parent = by_id.get(s.parent_id or "")
        if not _is_project_section(s, parent, by_id, doc.meta.doc_kind):
            continue
        if any(a.section_id in restated for a in _ancestors(s, by_id)):
            continue  # the activities on a project's detail page are not new projects
        span = _name_span(doc.text, s)
        if span is None:
            continue
        name = doc.text[span[0] : span[1]]
        key = re.sub(r"[\W_]+", "", name)
        if key in seen:
            sec_project[s.section_id] = seen[key]
            restated.add(s.section_id)
            continue
        parent_project = None
        while parent is not None and parent_project is None:
            parent_project = sec_project.get(parent.section_id)
            parent = by_id.get(parent.parent_id or "")
        pid = f"P{len(projects) + 1:03d}"
        projects.append(
            Project(
                pid,
                name,
                span[0],
                span[1],
                parent_project_id=parent_project or program,
                section_id=s.section_id,
            )
        )
        sec_project[s.section_id] = pid
        seen[key] = pid
    return projects


# ── budgets ─────────────────────────────────────────────────────────────────


# ── fiscal year ─────────────────────────────────────────────────────────────
# A year as documents write it next to money: 2016년, 2016예산, ’16년, '18.6.30 기준 …
_YEAR_TOKEN = re.compile(
    r"(?:(?P<y4>(?:19|20)\d\d)(?=\s*(?:년|예산|결산|회계|\(|[A-Z]|$))|[‘’'`](?P<y2>\d\d)(?=\s*(?:년|\.\s*\d)))"
)
# ... but not the year of a comparison or a bound: ’15년 대비, '12년까지
_NOT_FISCAL_AFTER = re.compile(r"\s*(?:년도?)?\s*(?:최종\s*)?(?:대비|까지|부터|이후|이전)")
_DIFFERENCE_BEFORE = re.compile(r"(?:대비|증감|증가|감소)\s*[:：]?\s*$")
_DATE_AFTER_COLON = re.compile(
    r"(?:(?!,\s)[^\n:：(])*?[:：]\s*~?\s*(?:(?P<y4>(?:19|20)\d\d)\s*[.년]|[‘’'`](?P<y2>\d\d)\s*[.년])"
)
# An amount that bounds something (40억원 이상, 300억원~500억원 미만) is a threshold, not a budget
_BOUND_AFTER = re.compile(r"\s*(?:이상|이하|미만|초과|~|∼)")
_CLAUSE_BREAK = re.compile(r"\n|<br\s*/?>|[○□■▷※●◦]|\s-\s|\?\?|,\s")  # ', ': one event of a list


def _year_tokens(text: str) -> list[tuple[int, bool]]:
    """Every year written in ``text``, with whether it can be a fiscal year (not '12년까지)."""
    return [
        (
            int(m.group("y4")) if m.group("y4") else 2000 + int(m.group("y2")),
            not _NOT_FISCAL_AFTER.match(text, m.end()),
        )
        for m in _YEAR_TOKEN.finditer(text)
    ]


def _years(text: str) -> list[int]:
    return [y for y, fiscal in _year_tokens(text) if fiscal]


def _year_from(texts: list[str]) -> int | None:
    """The first fiscal year stated in these texts (header cells, a row label, a title)."""
    for t in texts:
        ys = _years(t)
        if ys:
            return ys[0]
    return None


def budget_year_in_force(doc: Document) -> int | None:
    """The year a plan budgets for: a 결재문서's own year, or the newest 예산 year of a
    사업설명서's tables (``2016예산(B)``). Work reports state their years where they mean them."""
    if doc.meta.doc_kind == "approval":
        return document_year(doc)
    if doc.meta.doc_kind == "budget_program":
        years = [
            y
            for t in doc.tables
            for c in t.cells
            if c.is_header and "예산" in c.text
            for y in _years(c.text)
        ]
        dated = doc.meta.approved_on or doc.meta.produced_on
        return max(years) if years else (dated.year if dated else None)
    return None


def _section_years(doc: Document, pos: int) -> int | None:
    """A year in the titles of the sections around ``pos``, innermost first."""
    by_id = {s.section_id: s for s in doc.sections}
    sec = doc.section_at(pos)
    while sec is not None and sec.title_start <= pos < sec.head_end:
        sec = by_id.get(
            sec.parent_id or ""
        )  # the amount's own heading: its clause was read already
    while sec is not None:
        y = _scoping_year(sec.title)
        if y:
            return y
        sec = by_id.get(sec.parent_id or "")
    return None


_DATED_AS_OF = re.compile(r"기준")


def _scoping_year(title: str) -> int | None:
    """A year that scopes a heading's whole section: leading the title ('2020년 지방재정 …',
    "'20년 사업 개요") or dating it ('예산 집행현황('18.6.30 기준 …)'); not one in passing
    ('발행규모 : … ('19년 이월 3,187억원 포함)')."""
    for m in _YEAR_TOKEN.finditer(title):
        leading = not title[: m.start()].strip(" ●○□■-·'‘’`")
        as_of = _DATED_AS_OF.search(title, m.end(), m.end() + 12)
        if (leading or as_of) and not _NOT_FISCAL_AFTER.match(title, m.end()):
            return int(m.group("y4")) if m.group("y4") else 2000 + int(m.group("y2"))
    return None


def fiscal_year_at(
    doc: Document, pos: int, lo: int, default: int | None, end: int | None = None
) -> int | None:
    """The fiscal year of an amount written at ``pos``: stated in its own clause, else in its
    section titles, else ``default``; none for a difference (’15년 대비 991억원)."""
    window = doc.text[max(lo, pos - 80) : pos]
    if _DIFFERENCE_BEFORE.search(window[-12:]):
        return None
    if end is not None and _BOUND_AFTER.match(doc.text, end):
        return None
    cuts = list(_CLAUSE_BREAK.finditer(window))
    clause = window[cuts[-1].end() :] if cuts else window
    tokens = _year_tokens(clause)
    # the nearest year governs: '13년 … (2,160억원 중 50억원); '12년까지 … (2,250억원) has none
    if tokens:
        year, fiscal = tokens[-1]
        return year if fiscal else None
    after = _DATE_AFTER_COLON.match(doc.text, pos, min(len(doc.text), pos + 60))
    if after:  # '등록보상금 900만원 지급 : ~'20.8월': the item's own date
        return int(after.group("y4")) if after.group("y4") else 2000 + int(after.group("y2"))
    return _section_years(doc, pos) or default


def _cell_budgets(doc: Document, table: Table) -> list[BudgetRow]:
    rows = []
    for c in table.cells:
        if c.amount_krw is None or c.is_header or c.unit is None:
            continue
        label = c.row_label or ""
        last_header = c.header_path[-1] if c.header_path else ""
        item = label
        if last_header and not _years(last_header):
            item = f"{label} ({last_header})" if label else last_header
        category = label if _CATEGORY.search(label) else None
        rows.append(
            BudgetRow(
                budget_id="",
                item=_clean_item(item) or label,
                amount_krw=c.amount_krw,
                amount_text=doc.text[c.char_start : c.char_end],
                unit=c.unit,
                char_start=c.char_start,
                char_end=c.char_end,
                table_id=table.table_id,
                fiscal_year=_year_from(c.header_path)
                or _year_from([label])
                or _section_years(doc, table.char_start),
                category=category,
            )
        )
    return rows


# 산출근거 product: '5,000천원 * 2회', '4인 * 200천원 * 4회'
_PRODUCT = re.compile(
    r"(?:\d[\d,]*(?:\.\d+)?\s*[가-힣A-Za-z]*(?:\s[가-힣]{1,2}(?=\s*[*×✕]))?\s*[*×✕]\s*)+\d[\d,]*(?:\.\d+)?\s*[가-힣A-Za-z]*"
)


_ITEM_START = re.compile(r"(?:^|\s)[-▷○◦·](?=\s)|\n")  # a tab only separates cells of one item


def _basis_before(doc: Document, seg_start: int, eq_pos: int) -> str | None:
    """The product written before '=' in the same item: '- 행사장 임차 5,000천원 * 2회 = …'.
    A product before the item's own marker belongs to the previous item."""
    starts = [m.end() for m in _ITEM_START.finditer(doc.text, seg_start, eq_pos)]
    lo = starts[-1] if starts else seg_start
    found = list(_PRODUCT.finditer(doc.text, lo, eq_pos))
    return found[-1].group(0).strip() if found else None


def _basis_after(doc: Document, pos: int, limit: int) -> str | None:
    m = _PRODUCT.match(
        doc.text, pos + len(doc.text[pos:limit]) - len(doc.text[pos:limit].lstrip()), limit
    )
    return m.group(0).strip() if m else None


def _text_budgets(
    doc: Document,
    start: int,
    end: int,
    table: Table | None,
    default_year: int | None,
    fallback_item: str = "",
) -> list[BudgetRow]:
    """Amounts written with their unit in ``text[start:end]`` (a line, or a text cell)."""
    text = doc.text
    out = []
    amounts = list(find_amounts(text, start, end))
    seg_start = start
    for i, a in enumerate(amounts):
        after = text[a.end : min(end, a.end + 6)]
        before = text[max(start, a.start - 4) : a.start]
        if _TIMES_AFTER.match(after) or _TIMES_BEFORE.search(before):
            continue  # a factor of a 산출근거 product
        nxt: Amount | None = amounts[i + 1] if i + 1 < len(amounts) else None
        if (
            nxt is not None
            and nxt.krw == a.krw
            and _EQUALS_AFTER.match(text[a.end : nxt.start]) is not None
            and text[a.end : nxt.start].strip() == "="
        ):
            continue  # '46,800천원 = 46,800천원': the restated heading amount
        basis = None
        item_start = seg_start
        eq = _EQUALS_BEFORE.search(text[max(start, a.start - 6) : a.start])
        if eq:
            eq_pos = max(start, a.start - 6) + eq.start()
            basis = _basis_before(doc, seg_start, eq_pos) or _basis_after(doc, a.end, end)
            if table is not None and basis is None:
                basis = _basis_before(doc, _row_start(doc, table, a.start), eq_pos)
            item_text = text[item_start:eq_pos]
            if basis and basis in item_text:
                item_text = item_text[: item_text.index(basis)]
        else:
            item_text = text[item_start : a.start]
        if not _clean_item(item_text) and table is not None and table.layout != "html":
            row_start = _row_start(doc, table, a.start)
            item_text = text[row_start : a.start]
            if basis and basis in item_text:
                item_text = item_text[: item_text.index(basis)]
        item_text = _item_tail(item_text)
        item = (
            _clean_item(
                re.sub(r"[\d,]+\s*(?:천원|백만원|만원|억원|원)\s*$", "", _clean_item(item_text))
            )
            or fallback_item
        )
        basis_amount = evaluate_basis(basis) if basis else None
        year = fiscal_year_at(doc, a.start, start, default_year, a.end)
        category = None
        if table is not None:
            cell = next((c for c in table.cells if c.char_start <= a.start < c.char_end), None)
            if cell and cell.row_label and _CATEGORY.search(cell.row_label):
                category = cell.row_label
        out.append(
            BudgetRow(
                budget_id="",
                item=item,
                amount_krw=a.krw,
                amount_text=a.text,
                unit=a.unit,
                char_start=a.start,
                char_end=a.end,
                table_id=table.table_id if table else None,
                fiscal_year=year,
                category=category,
                basis=basis,
                basis_amount_krw=basis_amount,
                basis_ok=(basis_amount == a.krw) if basis_amount is not None else None,
            )
        )
        seg_start = a.end
    return out


# What an item's words cannot cross: a line or cell break, a bullet, a bracket, a sentence end.
_ITEM_BREAK = re.compile(r"[\n\t(（\[「『]|\?\?|[○◦❍□■※▷▶❖①-⑳]|\s[-–·]\s|(?<=[다함음임됨])\.\s|;")


def _item_tail(before: str) -> str:
    """The words right before an amount: ``?? 소요예산 : `` → ``소요예산 :``."""
    before = before[-80:].rstrip()
    if before.endswith(("(", ",", "（")):
        before = before[:-1]
    cut = 0
    for m in _ITEM_BREAK.finditer(before):
        if m.end() < len(before):
            cut = m.end()
    return before[cut:]


def _row_start(doc: Document, table: Table, pos: int) -> int:
    return max(table.char_start, doc.text.rfind("\n", table.char_start, pos) + 1)


def _budgets(doc: Document) -> list[BudgetRow]:
    rows: list[BudgetRow] = []
    end = doc.meta.body_end or len(doc.text)
    in_force = budget_year_in_force(doc)
    rows.extend(_field_budgets(doc))
    rows.extend(_flattened_table_budgets(doc, in_force))
    for t in doc.tables:
        rows.extend(_cell_budgets(doc, t))
        for c in t.cells:
            if c.amount_krw is None and not c.is_header:
                fallback = c.row_label or (c.header_path[-1] if c.header_path else "")
                rows.extend(_text_budgets(doc, c.char_start, c.char_end, t, in_force, fallback))
    # prose: line by line outside tables
    pos = 0
    while pos < end:
        nl = doc.text.find("\n", pos, end)
        le = end if nl < 0 else nl
        if _in_any(pos, doc.tables) is None:
            rows.extend(_prose_line_budgets(doc, pos, le, in_force))
        pos = le + 1
    rows.sort(key=lambda b: (b.char_start, b.char_end))
    unique: list[BudgetRow] = []
    for b in rows:
        if unique and (unique[-1].char_start, unique[-1].char_end) == (b.char_start, b.char_end):
            continue
        prev = unique[-1] if unique else None
        if (
            prev is not None
            and prev.amount_krw == b.amount_krw
            and "\n" not in doc.text[prev.char_end : b.char_start]
            and (gap := doc.text[prev.char_end : b.char_start]).strip() in ("=", "")
            and not (gap.strip() == "" and "\t" in gap)  # two cells side by side: two amounts
        ):
            # '개최 46,800천원 ⇥= 46,800천원', '= 5,700천원 5,700천원': one amount, written twice
            continue
        unique.append(b)
    return unique


_WON_FIELDS = ("예산", "지출")  # label/value program sheets state these in won, without a unit
_BARE_WON = re.compile(r"\d{1,3}(?:,\d{3})+")


def _field_budgets(doc: Document) -> list[BudgetRow]:
    """예산 / 지출 of a program sheet written as labelled fields: '예산' ⏎ '"265,012,000,000"'."""
    first = next((ln for ln in doc.text[:400].splitlines() if ln.strip()), "")
    if doc.meta.doc_kind != "budget_program" or not is_field_label(first):
        return []
    fields = labelled_fields(doc.text)
    out = []
    for label in _WON_FIELDS:
        if label not in fields:
            continue
        m = _BARE_WON.fullmatch(doc.text[slice(*fields[label])].strip().strip('"'))
        if m is None:
            continue
        start = doc.text.index(m.group(0), fields[label][0])
        out.append(
            BudgetRow(
                "",
                label,
                int(m.group(0).replace(",", "")),
                m.group(0),
                "원",
                start,
                start + len(m.group(0)),
            )
        )
    return out


_UNIT_DECLARED = re.compile(r"\(\s*단위\s*[:：]\s*(천원|백만원|억원|만원|원)\s*\)")
_BARE_NUMBER = re.compile(
    r"(?<![\d.,])[△Δ▲-]?\d{1,3}(?:,\d{3})+(?![\d.,]|\s*(?:%|명|건|개|회|년|월|일|원|천원|만원|억|조))"
)
_FLAT_TABLE_END = re.compile(r"<붙임|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\s|[□○※]|\?\?|\n")


def _flattened_table_budgets(doc: Document, in_force: int | None) -> list[BudgetRow]:
    """A money table the converter flattened into a line: after '(단위 : 천원)', the bare numbers
    up to the next item are amounts in that unit, each named by the words before it
    ('… (단위 : 천원) 구분 소요예산 계 4,611,935 시정협치 체계구축 등 461,665 …')."""
    out = []
    end_all = doc.meta.body_end or len(doc.text)
    for u in _UNIT_DECLARED.finditer(doc.text, 0, end_all):
        if _in_any(u.start(), doc.tables) is not None:
            continue
        stop = _FLAT_TABLE_END.search(doc.text, u.end(), end_all)
        end = stop.start() if stop else end_all
        unit = u.group(1)
        prev = u.end()
        for m in _BARE_NUMBER.finditer(doc.text, u.end(), end):
            value = int(re.sub(r"[^\d]", "", m.group(0)))
            if m.group(0)[0] in "△Δ▲-":
                value = -value
            item = _clean_item(doc.text[prev : m.start()])
            item = re.sub(r"^(?:구\s*분|소요예산|예산액|금액)\s*", "", item).strip() or item
            out.append(
                BudgetRow(
                    "",
                    item,
                    value * MONEY_UNITS[unit],
                    m.group(0),
                    unit,
                    m.start(),
                    m.end(),
                    fiscal_year=fiscal_year_at(doc, m.start(), u.end(), in_force),
                )
            )
            prev = m.end()
    return out


def _prose_line_budgets(doc: Document, ls: int, le: int, in_force: int | None) -> list[BudgetRow]:
    """Prose outside tables; an HTML table inside the line is skipped (its cells are counted)."""
    out = []
    seg = ls
    for t in doc.tables:
        if ls <= t.char_start < le:
            out.extend(_text_budgets(doc, seg, t.char_start, None, in_force))
            seg = t.char_end
    out.extend(_text_budgets(doc, seg, le, None, in_force))
    return out


# ── schedules ───────────────────────────────────────────────────────────────


def _is_schedule_section(doc: Document, s: Section, by_id: dict[str, Section]) -> bool:
    cur: Section | None = s
    while cur is not None:
        if _SCHEDULE_TITLE.search(cur.title.replace(" ", "")):
            return True
        cur = by_id.get(cur.parent_id or "")
    return False


def _task(text: str, start: int, end: int, d_start: int, d_end: int) -> str:
    before = text[start:d_start]
    after = text[d_end:end]
    task = before if before.strip() else after
    task = re.sub(r"\(\s*\)|\s+", " ", task)
    return _clean_item(task).strip(" ~:;,)(")


# After a date, words that make it a reference point or a statistic, not a step:
# ('18.7.10 기준), (’20. 8. 28. 현재), '17. 상반기 1,194건
_NOT_A_STEP_AFTER = re.compile(
    r"\s*(?:기준|현재|대비|분(?!기)|[\d,]+\s*(?:건|명|개|원|억|천원|%|회))"
)
# A date that cites a document: 실행계획(시장방침 제88호/'13.4.5), 운영계획('15.5.4)
_CITATION_BEFORE = re.compile(
    r"(?:제\s*\d+\s*호\s*/?|/|(?:계획|방침|지침|조례|규칙|공고|결과|보고)\s*\()\s*$"
)


def _in_parens(text: str, head_start: int, d: DateMatch) -> bool:
    before = text[head_start : d.start]
    return before.rfind("(") > before.rfind(")")


def _dated_step(text: str, head_start: int, d: DateMatch, in_schedule: bool) -> bool:
    """Whether a date in an item's heading marks a step of the plan.

    In a schedule section (추진 일정, 추진경과 …) every date does. Elsewhere the date must
    stand in parentheses (박람회(10월)), follow a colon (운영기간 : ‘20. 2. ~ 12.) or lead the
    item; a bare year (’16년 안전예산 …) only counts in parentheses or after a colon.
    """
    if _NOT_A_STEP_AFTER.match(text, d.end):
        return False
    before = text[head_start : d.start]
    if _CITATION_BEFORE.search(before):
        return False
    if in_schedule:
        return True
    in_parens = _in_parens(text, head_start, d)
    after_colon = before.rstrip().endswith((":", "："))
    leading = not before.strip(" -·○◦*")
    if d.precision == "year" and d.recurrence is None:
        return False  # a bare year outside a schedule is an attribute: ’17년 협치서울 의제사업
    return in_parens or after_colon or leading


def _schedule_row(d: DateMatch, task: str, section_id: str | None) -> ScheduleRow:
    return ScheduleRow(
        "",
        task,
        d.precision,
        d.text,
        d.start,
        d.end,
        d.start_date,
        d.end_date,
        d.recurrence,
        section_id=section_id,
    )


def _schedules(doc: Document) -> list[ScheduleRow]:
    rows: list[ScheduleRow] = []
    year = document_year(doc)
    by_id = {s.section_id: s for s in doc.sections}
    for s in doc.sections:
        start, end = s.title_start, s.head_end
        found = list(find_dates(doc.text, year, start, end))
        # the year in force follows the text: ’15. 5 ~ 11월 … (5~6월) is 2015
        year = next(
            (d.start_date.year for d in reversed(found) if d.explicit_year and d.start_date), year
        )
        if _SCHEDULE_TITLE.search(s.title.replace(" ", "")) or "붙" in s.marker:
            continue  # a schedule section's heading ('2016년도 추진일정') or an attachment is not a step
        in_schedule = _is_schedule_section(doc, s, by_id)
        steps = [
            d
            for d in found
            if (d.start_date or d.end_date) and _dated_step(doc.text, start, d, in_schedule)
        ]
        dated = [d for d in steps if d.recurrence is None]
        qualifier = next(
            (d for d in steps if d.recurrence and _in_parens(doc.text, start, d)), None
        )
        if dated and qualifier is not None:
            # '개최(월2회 이상) ‘20. 2~4월중': a recurrence in brackets qualifies the dated step
            steps = [d for d in steps if d is not qualifier and d.recurrence is None] + [
                d for d in steps if d.recurrence and d is not qualifier
            ]
            steps = [
                DateMatch(
                    d.start,
                    d.end,
                    d.text,
                    d.start_date,
                    d.end_date,
                    d.precision,
                    qualifier.recurrence,
                    d.open_end,
                    d.explicit_year,
                )
                if d.recurrence is None
                else d
                for d in steps
            ]
        for d in steps:
            rows.append(_schedule_row(d, _task(doc.text, start, end, d.start, d.end), s.section_id))
    for t in doc.tables:
        head = [c for c in t.cells if c.is_header]
        date_cols = {c.col for c in head if _SCHEDULE_HEADER.search(c.text.replace(" ", ""))}
        if not date_cols:
            rows.extend(_step_strip(doc, t, year))
            continue
        for c in t.cells:
            if c.is_header or c.col not in date_cols:
                continue
            for d in find_dates(doc.text, year, c.char_start, c.char_end):
                rows.append(_schedule_row(d, c.row_label or "", t.section_id))
    rows.sort(key=lambda r: (r.char_start, r.char_end))
    return rows


def _step_strip(doc: Document, t: Table, year: int | None) -> list[ScheduleRow]:
    """A procedure drawn as a strip: steps in one row, each step's dates in the cell below
    (신청접수 → 6.11. ~ 6.13.)."""
    out: list[ScheduleRow] = []
    by_pos = {(c.row, c.col): c for c in t.cells}
    rows = sorted({c.row for c in t.cells})
    for r in rows[1:]:
        cells = [c for c in t.cells if c.row == r and c.text]
        if len(cells) < 2:
            continue
        found = []
        for c in cells:
            ds = list(find_dates(doc.text, year, c.char_start, c.char_end))
            if len(ds) != 1 or len(ds[0].text) < 0.6 * len(c.text):
                break
            above = by_pos.get((r - 1, c.col))
            if above is None or not above.text:
                break
            if next(find_dates(doc.text, year, above.char_start, above.char_end), None):
                break
            found.append((ds[0], above.text))
        else:
            out.extend(_schedule_row(d, task, t.section_id) for d, task in found)
    return out


def extract(doc: Document) -> Document:
    doc.projects = _projects(doc)
    doc.budgets = _budgets(doc)
    doc.schedules = _schedules(doc)
    for i, b in enumerate(doc.budgets, 1):
        b.budget_id = f"B{i:04d}"
        sec = doc.section_at(b.char_start)
        b.section_id = b.section_id or (sec.section_id if sec else None)
        b.project_id = _innermost_project(doc, b.char_start) or (
            doc.projects[0].project_id
            if doc.meta.doc_kind == "budget_program" and doc.projects
            else None
        )
    for i, r in enumerate(doc.schedules, 1):
        r.schedule_id = f"D{i:04d}"
        sec = doc.section_at(r.char_start)
        r.section_id = r.section_id or (sec.section_id if sec else None)
        r.project_id = _innermost_project(doc, r.char_start) or (
            doc.projects[0].project_id
            if doc.meta.doc_kind == "budget_program" and doc.projects
            else None
        )
    return doc
