"""Projects: the 사업 / 과제 a document names — from its outline, before budgets and schedules.

* the program of a 사업설명서 or program sheet (its title, with its 총사업비);
* circled items (``①`` …), which Korean reports use for their 과제 / 사업, and the items a
  circled 과제 lists with list bullets (its sub-projects);
* numbered and lettered items (1. / 가. / 1-1) inside a plan part (``주요업무``, ``추진과제`` …);
* in a 사업설명서, the items listed under its 사업내용.

A project restated on a later detail page is one project; the activities of that detail page
are not new projects.
"""

from __future__ import annotations

import re

from pipeline.model import Document, Project, Section
from pipeline.money import find_amounts
from pipeline.vocab import CIRCLED_NUMBERS as _CIRCLED
from pipeline.vocab import HANGUL_ITEMS

# The part of a plan that lists its 과제 / 사업: 'Ⅲ. 주요업무 보고', 'Ⅲ 추진계획', '추진과제' …
_PLAN_PART = re.compile(r"주요업무|추진계획|추진과제|중점과제|핵심과제|세부추진|주요사업")
# Markers of numbered and lettered items (1. / 1 / 1-1 / 가. / ①), which name 과제 in a plan part
_PROJECT_MARKER = re.compile(
    rf"^(?:\d{{1,2}}\.?|\d{{1,2}}-\d{{1,2}}|[{HANGUL_ITEMS}]\.|[{_CIRCLED}])$"
)


# List bullets (not heading boxes such as □): the converter's '?' for a lost ▪/• glyph, ·, •, ▪
_GLYPH_BULLET = re.compile(r"^(?:\?|[·•▪∙])$")
# A flattened table's letter-spaced column label glued to an item name: '… 설립 과 제 보 완'
_SPACED_LABEL_TAIL = re.compile(r"(?:\s[가-힣]){3,}\s*$")
# Another circled number inside a name: the items of a flattened list, run together.
_LISTED = re.compile(rf"\s[{_CIRCLED}]\s")


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


def project_rows(doc: Document) -> list[Project]:
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
        if _LISTED.search(name):
            continue  # '해운대1,2 ② 화명·금곡 ③ 다대 일대': a list of places run together, not one name
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


_TOTAL_COST = re.compile(r"총\s*사업비")
_PERIOD = re.compile(r"사업\s*기간|추진\s*기간")


def attach_own_facts(doc: Document) -> None:
    """A project's 총사업비 and 사업기간, from its own section only (not a sub-project's, not
    the next project's): ``total_budget_krw`` from the first 총사업비 amount written there,
    ``period_start`` / ``period_end`` from the first 사업기간 step."""
    by_id = {s.section_id: s for s in doc.sections}
    inner = [by_id[p.section_id] for p in doc.projects if p.section_id in by_id]
    for p in doc.projects:
        sec = by_id.get(p.section_id or "")
        if sec is None:
            continue
        others = [
            s for s in inner if s is not sec and sec.char_start <= s.char_start < sec.char_end
        ]

        def own(pos: int, sec: Section = sec, others: list[Section] = others) -> bool:
            inside = sec.char_start <= pos < sec.char_end
            return inside and not any(s.char_start <= pos < s.char_end for s in others)

        if p.total_budget_krw is None:
            p.total_budget_krw = next(
                (
                    b.amount_krw
                    for b in doc.budgets
                    if own(b.char_start) and _TOTAL_COST.search(b.item)
                ),
                None,
            )
        if p.period_start is None and p.period_end is None:
            step = next(
                (r for r in doc.schedules if own(r.char_start) and _PERIOD.search(r.task)), None
            )
            if step is not None:
                p.period_start, p.period_end = step.start_date, step.end_date
