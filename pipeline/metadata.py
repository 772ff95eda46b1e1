"""Document metadata: kind, title, the 결재 header and the city viewer's 문서 정보 footer.

``read_metadata(text) -> DocumentMeta``. The header (``문서번호 … 결재일자 … 공개여부 … 방침번호``)
and the footer (``기관명 … 부서명 … 문서번호 … 생산일자 … 공개구분 … 보존기간 … 작성자(전화번호)
… 관리번호 … 분류정보``) are label/value runs; a value runs until the next known label.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.dates import find_dates, parse_date
from pipeline.metadata_rulings import apply_ruling_header
from pipeline.model import DocKind, DocumentMeta
from pipeline.vocab import FIELD_LABELS, TOC_HEADING_RE

if TYPE_CHECKING:
    from pipeline.ingest.catalog import CatalogueEntry

# The metadata a document carries (columns of `documents`, fields of DocumentMeta), in the
# order people read them: one list for `gyeoljae show`, the evaluator and the docs.
METADATA_FIELDS = (
    "doc_kind",
    "title",
    "doc_number",
    "approved_on",
    "produced_on",
    "disclosure",
    "retention",
    "policy_number",
    "organization",
    "department",
    "author",
    "author_phone",
    "classification",
)

# The viewer page around the converted body: everything from here on is not the document.
VIEWER_FOOTER = re.compile(r"^\s*문서\s*보기\s*$", re.M)

_FOOTER_LABELS = (
    "기관명",
    "부서명",
    "문서번호",
    "생산일자",
    "공개구분",
    "보존기간",
    r"작성자\(전화번호\)",
    "관리번호",
    "분류정보",
)
_FOOTER_FIELD = re.compile(
    rf"(?P<label>{'|'.join(_FOOTER_LABELS)})[ \t]+(?P<value>.*?)(?=[ \t]+(?:{'|'.join(_FOOTER_LABELS)})[ \t]|\n|$)"
)
_HEADER = re.compile(
    r"문서번호\s+(?P<doc_number>\S+)\s+결재일자\s+(?P<approved>[\d.\s\-/]+?\.?)\s+공개여부\s+(?P<disclosure>\S+)"
    r"(?:\s+방침번호(?P<policy>.*?)(?=\s+(?:시\s?민|주무관|담당|팀장|과장)\s))?"
)
_POLICY = re.compile(r"\S+\s*방침\s*제?\s*\d+\s*호|\S+방침\s*\d+")
_MANAGEMENT_NUMBER = re.compile(r"^D\d{6,}$")
_PHONE = re.compile(r"\(?\s*(\d{2,4}[-)\s]\s*\d{3,4}-\d{4})\s*\)?")
# 주요업무 보고 / 업무계획 / 주요업무 추진계획, spaced any way the cover spaces it
# ('주 요 업 무 계 획').
_WORK_REPORT = re.compile(
    r"주\s*요\s*업\s*무\s*(?:추\s*진\s*)?(?:보\s*고|계\s*획)|업\s*무\s*보\s*고"
    r"|업\s*무\s*(?:추\s*진\s*)?계\s*획"
)
# A cover's year line: '2025년도', '- 2025년도 -', '2 0 2 5 년'.
_COVER_YEAR = re.compile(r"^[-–\s]*((?:\d\s*){4})년\s*도?[-–\s]*$")
_YEAR_IN_TITLE = re.compile(r"(?:19|20)\d\d\s*년")
# A cover's date: '2025. 2. 11.(화)', '2025. 2. 7.(금) 14:00'.
_COVER_DATE = re.compile(
    r"^(?:19|20)\d\d\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.?\s*(?:\(\s*[월화수목금토일]\s*\))?\s*(?:\d{1,2}\s*:\s*\d{2})?$"
)
# ... and the same date sharing its line with the committee it is presented to:
# '2025. 2. 13.(목) 건 설 교 통 위 원 회'.
_COVER_DATE_THEN_BODY = re.compile(
    r"^((?:19|20)\d\d\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.?\s*(?:\(\s*[월화수목금토일]\s*\))?)"
    r"\s+[가-힣\s]{2,30}?(?:위\s*원\s*회|회\s*의|의\s*회)$"
)
_LATIN_LINE = re.compile(r"^[A-Za-z&.,'\s-]+$")
# A letter (공문): '시행' then its number and date; '제 목' then its title.
_ISSUED = re.compile(
    r"^\s*시\s*행\s*(?:\n\s*)?(?P<number>[가-힣A-Za-z·ㆍ]+\s*-\s*\d+)\s*(?:\n\s*)?\(?\s*(?:\n\s*)?(?P<date>(?:19|20)\d\d\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.?)?",
    re.M,
)
_SUBJECT = re.compile(r"^\s*제\s*목\s*(?:[:：]\s*)?(?:\n\s*)?(?P<title>[^\n]+)", re.M)
_RECIPIENT = re.compile(r"^\s*수\s*신\s", re.M)
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d\d\s*[.년]\s*(?:\d{1,2}\s*[.월]?)?\s*$")


def body_end(text: str) -> int:
    """Where the document body ends (the viewer footer starts), or ``len(text)``."""
    m = VIEWER_FOOTER.search(text)
    return m.start() if m else len(text)


def _lines(text: str, limit: int) -> list[str]:
    return [line.strip() for line in text[:limit].splitlines() if line.strip()]


def _clean_heading(line: str) -> str:
    return re.sub(r"^#+\s*|\*\*", "", line).strip()


# A 결재 block's first row, letter-spaced or not: '결 재 ⇥ 주무관 ⇥ 팀장 ⇥ 과장'.
_SIGN_OFF_ROW = re.compile(r"^\s*결\s*재\s+(?:주무관|담당|팀장|과장|실무자)", re.M)
# A reference number standing alone on the first line: '청년사업담당관-5714(2024.12.12)호'.
_REFERENCE_LINE = re.compile(r"^[가-힣A-Za-z·]+-\d+\s*(?:\([\d.\s]+\))?\s*호?$")


def classify(text: str, end: int) -> DocKind:
    head = text[: min(end, 2000)]
    if head.lstrip().startswith("결재문서") or _HEADER.search(head):
        return "approval"
    if _SIGN_OFF_ROW.search(head) and "문서번호" in head.replace(" ", ""):
        return "approval"  # a form (조서) with its 결재 block and number
    if _is_letter(text, end):
        return "approval"
    if _WORK_REPORT.search(text[:400]):
        return "work_report"
    if re.search(r"사업\s*개요", text[:end]) and re.search(
        r"총\s*사업비|예산\s*총괄|산출\s*근거|세부\s*산출", text[:end]
    ):
        return "budget_program"
    return "other"


def _footer(text: str, start: int) -> dict[str, str]:
    found: dict[str, str] = {}
    info = text.find("문서 정보", start)
    if info < 0:
        return found
    for m in _FOOTER_FIELD.finditer(text, info):
        label = m.group("label")
        found.setdefault(label, m.group("value").strip())
    return found


def _title_after_kind_line(lines: list[str]) -> str | None:
    if len(lines) >= 2 and lines[0] == "결재문서":
        return lines[1]
    return None


def _work_report_title(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """``주요 업무 보고`` + date line + department line, as the cover page gives them."""
    for i, line in enumerate(lines[:6]):
        if _WORK_REPORT.search(line) and len(line) <= 40:
            heading = _clean_heading(line)
            date_text = next((x for x in lines[i + 1 : i + 4] if _DATE_LINE.match(x)), None)
            dept = next(
                (
                    x
                    for x in lines[i + 1 : i + 4]
                    if x != date_text
                    and len(x) <= 30
                    and not re.search(r"[.:]$|\d", x)
                    and not TOC_HEADING_RE.fullmatch(x)
                ),
                None,
            )
            parts = ", ".join(p for p in (dept, date_text) if p)
            return (f"{heading} ({parts})" if parts else heading), dept, date_text
    return None, None, None


def _close_spacing(line: str) -> str:
    """``주 요 업 무 계 획`` → ``주요업무계획``; ``2 0 2 5 년 주 요 …`` → ``2025년 주요…``:
    letter-spaced runs of single characters closed up, words kept."""
    closed = re.sub(
        r"(?<![^\s])([가-힣0-9])(?: ([가-힣0-9])(?![^\s]))+",
        lambda m: m.group(0).replace(" ", ""),
        line,
    )
    return re.sub(r"((?:19|20)\d\d년도?)(?=[^\s도])", r"\1 ", closed).strip()


def plan_cover(lines: list[str]) -> tuple[str, str | None, str | None] | None:
    """A work plan's cover (the Busan 주요업무계획): its date line, the committee, the year
    line, the title and the 실·국 below it. Returns (title, department, date line) when the
    cover's title carries its year ('2025년도' ⏎ '주 요 업 무 계 획'), else ``None``."""
    for i, raw in enumerate(lines[:10]):
        line = raw.strip()
        if not _WORK_REPORT.search(line) or len(line) > 40:
            continue
        title = _close_spacing(re.sub(r"^[-–\s]+|[-–\s]+$", "", line))
        prev = lines[i - 1].strip() if i else ""
        if not _YEAR_IN_TITLE.search(title.replace(" ", "")):
            year = _COVER_YEAR.match(prev)
            if year is None:
                return None
            title = f"{year.group(1).replace(' ', '')}년{'도' if '도' in prev else ''} {title}"
        date_line = next((x.strip() for x in lines[:i] if _COVER_DATE.match(x.strip())), None)
        if date_line is None:
            shared = next(
                (m for x in lines[:i] if (m := _COVER_DATE_THEN_BODY.match(x.strip()))), None
            )
            date_line = shared.group(1) if shared else None
        dept = None
        for x in lines[i + 1 : i + 4]:
            x = x.strip()
            if not x or _LATIN_LINE.match(x) or re.search(r"\d", x) or len(x) > 30:
                continue
            if TOC_HEADING_RE.fullmatch(x):
                break  # the contents begin: the cover names no 실·국
            if re.fullmatch(r"[-–\s]+", x):
                continue
            dept = _close_spacing(x).replace(" ", "")
            break
        return title, dept, date_line
    return None


_COVER_DATE_LINE = re.compile(
    r"^(?:19|20)\d\d\s*\.\s*\d{1,2}\s*\.(?:\s*\d{1,2}\s*\.?)?\s*(?:\(\s*[월화수목금토일]\s*\))?$"
)
_NOT_TITLE = re.compile(r"^\d{1,2}\s*/\s*\d{1,2}$|^(?:代|대)?\s*[가-힣]{2,4}$")


# The number line a notice opens with: '(재)경상북도경제진흥원 공고 제2026-70호', '고시 제2025-3호'.
_NOTICE_NUMBER = re.compile(r"^(?P<org>.{0,40}?)\s*(?:공\s*고|고\s*시)\s*제\s*[\d-]+\s*호\s*$")


# A program's code standing alone as the first line ('1-2-6', '15-3-6'): its name follows.
_PROGRAM_CODE = re.compile(r"^\d{1,3}(?:-\d{1,3}){1,3}$")


def _coded_title(head: str, code: str) -> str:
    """'1-2-6' ⏎⏎ '투명한 합동점검·모니터링 상시화' ⏎ '및 전 직원 철도안전 교육강화': the code
    and the paragraph after it (lines up to the next blank line), joined."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", head.strip()) if p.strip()]
    rest = paragraphs[1] if len(paragraphs) > 1 and paragraphs[0] == code else ""
    if not rest or len(rest) > 80:
        return code
    return f"{code} {' '.join(line.strip() for line in rest.splitlines())}"


def cover_title(lines: list[str]) -> str | None:
    """A report cover's title: the line(s) right above its date line ('… 운영계획' ⏎ '2025. 1.'),
    after the 결재 header; a title printed over two lines is joined."""
    for i, line in enumerate(lines[:80]):
        if i and _COVER_DATE_LINE.match(line.strip()):
            parts: list[str] = []
            for prev in reversed(lines[max(0, i - 2) : i]):
                prev = prev.strip()
                if len(prev) < 2 or _NOT_TITLE.match(prev) or prev.endswith((":", "：")):
                    break
                parts.insert(0, prev)
                if len(" ".join(parts)) >= 14:
                    break
            title = " ".join(parts)
            if len(title) >= 6 and re.search(r"[가-힣]", title):
                return title
    return None


def _is_letter(text: str, end: int) -> bool:
    """A 공문 (letter): a 시행 number and a 수신 or 제목 label."""
    return bool(_ISSUED.search(text, 0, end)) and bool(
        _RECIPIENT.search(text, 0, end) or _SUBJECT.search(text, 0, end)
    )


def _letter_fields(text: str, end: int, meta: DocumentMeta) -> None:
    """A 공문's 제목, 시행 number and date, and its sender (the line before 수신)."""
    if (m := _SUBJECT.search(text, 0, end)) and meta.title is None:
        meta.title = " ".join(m.group("title").split()) or None
    if m := _ISSUED.search(text, 0, end):
        meta.doc_number = meta.doc_number or re.sub(r"\s+", "", m.group("number"))
        if m.group("date") and meta.produced_on is None:
            meta.produced_on = parse_date(m.group("date"))
    if (r := _RECIPIENT.search(text, 0, end)) and meta.organization is None:
        before = [x.strip() for x in text[: r.start()].splitlines() if x.strip()]
        if before and len(before[-1]) <= 40 and _ORGANIZATION.search(before[-1]):
            meta.organization = before[-1]


_ORGANIZATION = re.compile(r"(?:원|청|시|도|군|구|공사|공단|재단|센터|위원회|진흥원|연구원)$")
# An org head's title in an approval line: 미래청년기획관 (the 기획관's office is its name),
# 복지정책국장 → 복지정책국, 기획조정실장 → 기획조정실, 도시계획본부장 → 도시계획본부.
_BUREAU_HEAD = re.compile(r"^(?P<org>[가-힣]{2,}(?:기획관|국|실|본부|단))(?:장)?$")


def bureau_department(
    doc_number: str | None, approval_line: list[str] | None, text: str
) -> str | None:
    """The producing department as the city records it, bureau first
    ('미래청년기획관 청년사업담당관'): the department is the 문서번호's prefix; its bureau is the
    approver right after the department's head, else the name written before it in the text."""
    m = re.match(r"^([가-힣]{2,})\s*-\s*\d+$", doc_number or "")
    if not m:
        return None
    dept = m.group(1)
    roles = [entry.split()[0] for entry in approval_line or [] if entry.split()]
    bureau = None
    if dept in roles:
        for role in roles[roles.index(dept) + 1 :]:
            if (b := _BUREAU_HEAD.match(role)) and b.group("org") != dept:
                bureau = b.group("org")
                break
    if (
        bureau is None
    ):  # '예산과목 : 미래청년기획관 청년사업담당관', a cover's '미래청년기획관 ⏎ (청년사업담당관)'
        found = re.search(
            rf"([가-힣]{{2,}}(?:기획관|국|실|본부|단))(?:[ \t]+|\s*\(\s*)?{re.escape(dept)}", text
        )
        bureau = found.group(1) if found else None
    return f"{bureau} {dept}" if bureau else dept


def complete(meta: DocumentMeta, text: str) -> DocumentMeta:
    """Fields that follow from others once every reader has spoken: a 결재문서 is produced on
    the day it is approved, and its department is the 문서번호's (with its bureau)."""
    if meta.doc_kind == "approval":
        meta.produced_on = meta.produced_on or meta.approved_on
        if meta.department is None:
            meta.department = bureau_department(meta.doc_number, meta.approval_line, text)
    return meta


def with_catalogue(meta: DocumentMeta, entry: CatalogueEntry | None) -> DocumentMeta:
    """Fill what the document leaves unsaid from its publisher's catalogue: its own statements
    come first, except a department the catalogue writes more fully ('미래청년기획관
    청년사업담당관' for a letter signed '청년사업담당관')."""
    if entry is None:
        return meta
    meta.title = meta.title or entry.title
    meta.produced_on = meta.produced_on or entry.produced_on
    meta.doc_number = meta.doc_number or entry.doc_number
    own, listed = meta.department, entry.department
    if listed and (own is None or (listed != own and listed.endswith(" " + own))):
        meta.department = listed
    return meta


_IMPLEMENTING_BODY = re.compile(
    r"^[ \t]*사\s*업\s*시\s*행\s*주\s*체[ \t]*[\t:：][ \t]*([^\t\n]{2,40})", re.M
)


def _tab_table_value(text: str, header: str) -> str | None:
    """The value under ``header`` in a tab-separated header row (e.g. 사업 담당자's 부서명)."""
    m = re.search(rf"^(?P<head>[^\n]*\t{header}\t?[^\n]*)\n(?P<row>[^\n]+)", text, re.M)
    if not m:
        return None
    heads = m.group("head").split("\t")
    row = m.group("row").split("\t")
    idx = heads.index(header) if header in heads else -1
    if 0 <= idx < len(row) and row[idx].strip():
        return row[idx].strip()
    return None


# A label on its own line, its value below: '사업' ⏎ '시내버스 재정지원'. Seoul's open-finance
# program sheets write each label three times ('사업사업사업'), an artefact kept as it is; any
# sheet whose lines are such labels is read the same way.
_REPEATED_LABEL = re.compile(r"^[ \t]*([가-힣]{2,6}?)\1{1,2}[ \t]*\r?$", re.M)
_KNOWN_LABEL = re.compile(rf"^[ \t]*({'|'.join(FIELD_LABELS)})[ \t]*\r?$", re.M)
_MIN_LABELS = 3  # a sheet states at least this many labelled fields


def field_label(line: str) -> str | None:
    """The label a label line names (``경위경위경위`` → ``경위``), or ``None``."""
    m = _REPEATED_LABEL.match(line) or _KNOWN_LABEL.match(line)
    return m.group(1) if m else None


def is_field_label(line: str) -> bool:
    return field_label(line) is not None


def field_spans(text: str, end: int | None = None) -> list[tuple[str, int, int]]:
    """The fields of a label/value sheet: (label, value start, value end), in order; a value
    runs from the line after its label to the next label line. Empty unless the document
    opens with a label and states at least three (a label line elsewhere is just a line)."""
    end = len(text) if end is None else end
    first = next((ln for ln in text[:400].splitlines() if ln.strip()), "")
    if not is_field_label(first):
        return []
    labels = [
        (m.start(), m.end(), m.group(1))
        for m in sorted(
            [*_REPEATED_LABEL.finditer(text, 0, end), *_KNOWN_LABEL.finditer(text, 0, end)],
            key=lambda m: m.start(),
        )
    ]
    dedup: list[tuple[int, int, str]] = []
    for ls, le, label in labels:
        if not dedup or ls >= dedup[-1][1]:
            dedup.append((ls, le, label))
    if len(dedup) < _MIN_LABELS:
        return []
    out = []
    for k, (_ls, le, label) in enumerate(dedup):
        value_start = min(end, le + 1)
        value_end = dedup[k + 1][0] if k + 1 < len(dedup) else end
        while value_end > value_start and text[value_end - 1].isspace():
            value_end -= 1
        out.append((label, value_start, value_end))
    return out


def labelled_fields(text: str, limit: int = 4000) -> dict[str, tuple[int, int]]:
    """Spans of the values of a label/value sheet (first occurrence of each label), each its
    first line."""
    out: dict[str, tuple[int, int]] = {}
    for label, start, end in field_spans(text, min(limit, len(text))):
        line_end = text.find("\n", start, end)
        line_end = end if line_end < 0 else line_end
        value = text[start:line_end].rstrip("\r")
        if value.strip():
            out.setdefault(label, (start, start + len(value)))
    return out


def read_metadata(text: str) -> DocumentMeta:
    end = body_end(text)
    meta = DocumentMeta(doc_kind=classify(text, end), body_end=end)
    fields = labelled_fields(text)
    first = next((ln for ln in text[:400].splitlines() if ln.strip()), "")
    if {"사업", "예산"} <= fields.keys() and meta.doc_kind == "other" and is_field_label(first):
        # a program sheet written as labelled fields (사업 / 예산 / 부서 …)
        meta.doc_kind = "budget_program"
        meta.title = text[slice(*fields["사업"])].strip()
        if "부서" in fields:
            meta.department = text[slice(*fields["부서"])].strip()
    lines = _lines(text, min(end, 3000))

    header = _HEADER.search(text[: min(end, 5000)])
    if header:
        meta.doc_number = header.group("doc_number")
        meta.approved_on = parse_date(header.group("approved"))
        meta.disclosure = header.group("disclosure")
        policy = (header.group("policy") or "").strip()
        pm = _POLICY.search(policy)
        meta.policy_number = pm.group(0) if pm else None

    footer = _footer(text, end)
    meta.organization = footer.get("기관명")
    meta.department = footer.get("부서명") or meta.department
    meta.doc_number = meta.doc_number or footer.get("문서번호")
    if footer.get("생산일자"):
        meta.produced_on = parse_date(footer["생산일자"])
    meta.disclosure = meta.disclosure or footer.get("공개구분")
    meta.retention = footer.get("보존기간")
    if author := footer.get("작성자(전화번호)"):
        phone = _PHONE.search(author)
        meta.author_phone = phone.group(1) if phone else None
        meta.author = (author[: phone.start()] if phone else author).strip() or None
    if (mn := footer.get("관리번호")) and _MANAGEMENT_NUMBER.match(mn):
        meta.management_number = mn
    if classification := footer.get("분류정보"):
        classification = re.sub(r"같은\s*분류\s*문서\s*보기\s*$", "", classification)
        meta.classification = [p.strip() for p in classification.split(">") if p.strip()]

    if meta.doc_kind == "approval":
        meta.title = _title_after_kind_line(lines)
        if _is_letter(text, end):
            _letter_fields(text, end, meta)
        if meta.title is None and header is not None:
            meta.title = cover_title(lines)
    elif meta.doc_kind == "work_report":
        cover = plan_cover(lines)
        if cover is not None:
            meta.title, dept, date_text = cover
        else:
            meta.title, dept, date_text = _work_report_title(lines)
        meta.department = meta.department or dept
        if date_text and meta.produced_on is None:
            dm = next(find_dates(date_text), None)
            meta.produced_on = dm.start_date if dm and dm.precision == "day" else None
            meta.year = dm.start_date.year if dm and dm.start_date else None
    notice = _NOTICE_NUMBER.match(lines[0]) if lines else None
    if notice is not None and meta.title is None and len(lines) >= 2:
        # '(재)경상북도경제진흥원 공고 제2026070000호' ⏎ '「…」 참여기업 모집 공고': the number's
        # line names who gives notice; the title is the line after it
        meta.title = _clean_heading(lines[1])
        meta.organization = meta.organization or (notice.group("org") or "").strip() or None
    if meta.title is None and len(lines) >= 2 and _REFERENCE_LINE.match(lines[0]):
        meta.title = _clean_heading(lines[1])  # the number a form is filed under, then its title
    if meta.title is None:
        heading = next((x for x in lines if x.startswith("#")), None)
        meta.title = (
            _clean_heading(heading) if heading else (_clean_heading(lines[0]) if lines else None)
        )
        if heading is None and meta.title and _PROGRAM_CODE.match(meta.title):
            meta.title = _coded_title(text[: min(end, 3000)], meta.title)
    if meta.doc_kind == "budget_program" and meta.department is None:
        meta.department = _tab_table_value(text[:end], "부서명")
    if meta.doc_kind == "budget_program" and meta.organization is None:
        # a 사업설명서's '사업시행주체 ⇥ 서울특별시': the body that carries the program out
        body = _IMPLEMENTING_BODY.search(text, 0, end)
        meta.organization = body.group(1).strip() if body else None
    return apply_ruling_header(meta, text)  # a ruling's [ 라벨 ] header table
