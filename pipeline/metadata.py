"""Document metadata: kind, title, the 결재 header and the city viewer's 문서 정보 footer.

``read_metadata(text) -> DocumentMeta``. The header (``문서번호 … 결재일자 … 공개여부 … 방침번호``)
and the footer (``기관명 … 부서명 … 문서번호 … 생산일자 … 공개구분 … 보존기간 … 작성자(전화번호)
… 관리번호 … 분류정보``) are label/value runs; a value runs until the next known label.
"""

from __future__ import annotations

import re

from pipeline.dates import find_dates, parse_date
from pipeline.model import DocKind, DocumentMeta

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
_WORK_REPORT = re.compile(r"주요\s*업무\s*(?:보고|계획)|업무\s*보고|업무\s*계획")
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d\d\s*[.년]\s*(?:\d{1,2}\s*[.월]?)?\s*$")


def body_end(text: str) -> int:
    """Where the document body ends (the viewer footer starts), or ``len(text)``."""
    m = VIEWER_FOOTER.search(text)
    return m.start() if m else len(text)


def _lines(text: str, limit: int) -> list[str]:
    return [line.strip() for line in text[:limit].splitlines() if line.strip()]


def _clean_heading(line: str) -> str:
    return re.sub(r"^#+\s*|\*\*", "", line).strip()


def classify(text: str, end: int) -> DocKind:
    head = text[: min(end, 2000)]
    if head.lstrip().startswith("결재문서") or _HEADER.search(head):
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
                    if x != date_text and len(x) <= 30 and not re.search(r"[.:]$|\d", x)
                ),
                None,
            )
            parts = ", ".join(p for p in (dept, date_text) if p)
            return (f"{heading} ({parts})" if parts else heading), dept, date_text
    return None, None, None


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


# A label on its own line, the value below: '사업' ⏎ '시내버스 재정지원'. Seoul's open-finance
# program sheets write each label three times ('사업사업사업'), an artefact kept as it is.
_FIELD_LABEL = re.compile(
    r"^(부서|사업|예산|지출|기능|정책|단위|목적|내용|근거|경위|계획)(?:\1)*[ \t]*\r?$", re.M
)


def is_field_label(line: str) -> bool:
    return bool(_FIELD_LABEL.match(line))


def labelled_fields(text: str, limit: int = 4000) -> dict[str, tuple[int, int]]:
    """Spans of the values of a label/value sheet (first occurrence of each label)."""
    out: dict[str, tuple[int, int]] = {}
    for m in _FIELD_LABEL.finditer(text, 0, min(limit, len(text))):
        start = text.find("\n", m.end())
        if start < 0:
            continue
        start += 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        value = text[start:end].rstrip("\r")
        if value.strip() and not _FIELD_LABEL.match(value):
            out.setdefault(m.group(1), (start, start + len(value)))
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
    elif meta.doc_kind == "work_report":
        meta.title, dept, date_text = _work_report_title(lines)
        meta.department = meta.department or dept
        if date_text and meta.produced_on is None:
            dm = next(find_dates(date_text), None)
            meta.produced_on = dm.start_date if dm and dm.precision == "day" else None
            meta.year = dm.start_date.year if dm and dm.start_date else None
    if meta.title is None:
        heading = next((x for x in lines if x.startswith("#")), None)
        meta.title = (
            _clean_heading(heading) if heading else (_clean_heading(lines[0]) if lines else None)
        )
    if meta.doc_kind == "budget_program" and meta.department is None:
        meta.department = _tab_table_value(text[:end], "부서명")
    return meta
