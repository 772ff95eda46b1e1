"""PDF originals: the fixtures made by scripts/make_pdf_fixtures.py, and the real Busan plans."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import EXTERNAL, RAW, SEED_004, needs_shared, read_table

from pipeline.errors import (
    DamagedDocumentError,
    EncryptedDocumentError,
    ScannedDocumentError,
)
from pipeline.ingest.pdf import _unreadable, read_pdf
from pipeline.ingest.pdf_tables import close_letter_spacing
from pipeline.process import process_path
from scripts.make_pdf_fixtures import LEFT_COLUMN, RIGHT_COLUMN

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
BUSAN = EXTERNAL / "busan_2025_major_work_plans"


@pytest.fixture(scope="module")
def pdf_004():
    return process_path(FIXTURES / "004_budget_program.pdf", FIXTURES)


def test_the_pdf_of_004_gives_the_same_budgets_and_schedules_as_its_text(pdf_004, seed_docs):
    text = seed_docs[SEED_004]
    budgets = Counter((b.amount_krw, b.fiscal_year, b.category) for b in pdf_004.budgets)
    assert budgets == Counter((b.amount_krw, b.fiscal_year, b.category) for b in text.budgets)
    assert len(pdf_004.budgets) == len(text.budgets) == 143

    def steps(doc):
        return Counter((s.task, s.start_date, s.end_date, s.precision) for s in doc.schedules)

    assert steps(pdf_004) == steps(text)
    # the 2016년도 추진일정 table: its 21 dated lines, read from a ruled table across a page break
    (plan,) = [t for t in pdf_004.tables if any(c.text == "추진기간" for c in t.cells)]
    in_plan = [s for s in pdf_004.schedules if plan.char_start <= s.char_start < plan.char_end]
    assert len(in_plan) == 21
    assert in_plan[0].task == "민관협력포럼개최" and in_plan[0].when_text == "2016.03~2016.03"


def test_pdf_tables_carry_page_and_bbox_and_join_across_pages(pdf_004):
    for t in pdf_004.tables:
        assert t.layout == "pdf"
        for c in t.cells:
            assert c.page is not None and 1 <= c.page <= pdf_004.pages
            x0, top, x1, bottom = c.bbox
            assert 0 <= x0 < x1 <= 595.3 and 0 <= top < bottom <= 842
            assert pdf_004.text[c.char_start : c.char_end] == c.text
    continued = [t for t in pdf_004.tables if len({c.page for c in t.cells}) > 1]
    assert continued, "the fixture has a table broken over a page"
    for t in continued:
        head = [c.text for c in t.cells if c.row == 0]
        # the header repeated at the top of the next page is not a data row
        assert not any(
            [c.text for c in t.cells if c.row == r] == head for r in range(1, t.cells[-1].row + 1)
        )


def test_page_furniture_is_removed(pdf_004):
    assert "- 1 -" not in pdf_004.text and "- 3 -" not in pdf_004.text
    # the running header repeats the title on every page; only the title itself stays
    assert pdf_004.text.count("우수정책 해외진출을 위한 정책교류 활성화") == 1
    assert pdf_004.meta.title == "우수정책 해외진출을 위한 정책교류 활성화"


def test_wrapped_lines_join_into_the_paragraphs_they_were():
    text = read_pdf((FIXTURES / "two_columns.pdf").read_bytes()).text
    for sentence in LEFT_COLUMN + RIGHT_COLUMN:
        assert sentence + "\n" in text, sentence


def test_two_columns_are_read_column_by_column():
    text = read_pdf((FIXTURES / "two_columns.pdf").read_bytes()).text
    lines = text.splitlines()
    assert lines[0] == "2단 편집 시험 문서: 제목은 두 단에 걸친다"
    assert not any("왼쪽" in ln and "오른쪽" in ln for ln in lines)
    last_left = max(text.index(s) for s in LEFT_COLUMN)
    first_right = min(text.index(s) for s in RIGHT_COLUMN)
    assert last_left < first_right


@pytest.mark.parametrize(
    ("name", "error", "says"),
    [
        ("encrypted.pdf", EncryptedDocumentError, "password-protected"),
        ("truncated.pdf", DamagedDocumentError, "damaged or truncated"),
        ("scanned.pdf", ScannedDocumentError, "OCR is not supported"),
    ],
)
def test_bad_pdfs_raise_clear_errors(name, error, says):
    with pytest.raises(error, match=says):
        read_pdf((FIXTURES / name).read_bytes())


def test_bad_pdfs_become_error_rows_and_the_run_goes_on(tmp_path):
    from pipeline.run import ingest

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("encrypted.pdf", "truncated.pdf", "scanned.pdf", "004_budget_program.pdf"):
        (raw / name).write_bytes((FIXTURES / name).read_bytes())
    (raw / "not_a_pdf.pdf").write_bytes(b"hello, this is text")
    (raw / SEED_004).write_bytes((RAW / SEED_004).read_bytes())
    s = ingest(raw, tmp_path / "out")
    assert s.docs_processed == 2 and s.docs_failed == 4 and s.status == "partial_success"
    errors = {r["source_path"]: r for r in read_table(tmp_path / "out", "errors")}
    assert {p: e["error_type"] for p, e in errors.items()} == {
        "encrypted.pdf": "EncryptedDocumentError",
        "truncated.pdf": "DamagedDocumentError",
        "scanned.pdf": "ScannedDocumentError",
        "not_a_pdf.pdf": "DamagedDocumentError",
    }
    assert all(e["stage"] == "decode" for e in errors.values())
    docs = read_table(tmp_path / "out", "documents")
    pdf = next(d for d in docs if d["source_format"] == "pdf")
    assert pdf["page_count"] == 7 and pdf["warnings"] == []
    cells = read_table(tmp_path / "out", "tables", f"doc_id = '{pdf['doc_id']}'")
    assert cells and all(c["page"] and c["bbox_x1"] > c["bbox_x0"] for c in cells)


def test_unreadable_text_layers_are_detected():
    cid = [{"text": f"(cid:{i})"} for i in range(60)] + [{"text": "가"}] * 5
    assert "(cid:N)" in _unreadable(cid)
    mojibake = [{"text": ch} for ch in "ÇÑ±Û¹ÎÁÖÁÖÀÇ" * 6]
    assert "mojibake" in _unreadable(mojibake)
    assert _unreadable([{"text": ch} for ch in "서울특별시 청년수당 사업 운영계획" * 3]) is None


@pytest.mark.parametrize(
    ("spaced", "closed"),
    [("일 반 회 계", "일반회계"), ("주 택 건 축 국 예산", "주택건축국 예산"), ("세 입", "세 입")],
)
def test_letter_spacing_is_closed(spaced, closed):
    # three or more single syllables in a row; a table cell of two ('세 입') is closed by the
    # cell rule instead, since in running text two could be two words
    assert close_letter_spacing(spaced) == closed


# ---------------------------------------------------------------- the real Busan plans


@needs_shared
def test_every_busan_pdf_is_read(external_run):
    out, summary = external_run
    docs = read_table(out, "documents", "source_format = 'pdf'")
    assert len(docs) == 10 == len(list(BUSAN.glob("*.pdf")))
    assert all(d["page_count"] >= 21 and d["warnings"] == [] for d in docs)
    assert all("(cid:" not in d["text"] and "\uf000" not in d["text"] for d in docs)


def _doc(out, dept):
    (d,) = read_table(out, "documents", f"source_path like '%{dept}%' and source_format = 'pdf'")
    return d


def _rows(out, table, doc_id):
    return read_table(out, table, f"doc_id = '{doc_id}'")


@needs_shared
def test_busan_housing_page_5_keeps_the_outer_columns(external_run):
    """주택건축국 p.5 (hand-checked against the page): the 예산 table is drawn without outer
    vertical rules; pdfplumber's default finder drops '세 입' and 42,963."""
    out, _ = external_run
    d = _doc(out, "주택건축국")
    cells = [c for c in _rows(out, "tables", d["doc_id"]) if c["page"] == 5]
    by_table: dict[str, dict[tuple[int, int], str]] = {}
    for c in cells:
        by_table.setdefault(c["table_id"], {})[(c["row"], c["col"])] = c["text"]
    budget = next(t for t in by_table.values() if t.get((0, 2)) == "주택정책과")
    assert [budget[(1, c)] for c in range(5)] == ["세입", "373,956", "330,989", "4", "42,963"]
    assert [budget[(2, c)] for c in range(5)] == ["세출", "427,058", "364,901", "1,557", "60,600"]
    staff = next(t for t in by_table.values() if t.get((0, 2)) == "3급")
    assert staff[(1, 0)] == "정원" and staff[(1, 7)] == "3" and staff[(2, 0)] == "현원"
    amounts = {(b["item"], b["amount_krw"]) for b in _rows(out, "budgets", d["doc_id"])}
    assert ("세입 (도시정비과)", 42_963_000_000) in amounts
    assert ("세출 (계)", 427_058_000_000) in amounts
    outline = [
        (s["marker"], s["title"]) for s in _rows(out, "sections", d["doc_id"]) if s["depth"] <= 2
    ]
    assert ("Ⅰ.", "기본 현황") in outline and ("□", "예산") in outline
    # the 보고순서 (table of contents) is not outline
    assert not any("·····" in t for _, t in outline)
    assert "2024년 12월말 정비기금 보유현황 : 204,072백만원" in d["text"]


@needs_shared
def test_busan_environment_page_5_tables(external_run):
    """환경물정책실 p.5 (hand-checked): the staff table keeps 정원/현원/과부족 and 9급; the
    budget table's two funds (일반회계, 하수도사업특별회계) span two columns each."""
    out, _ = external_run
    d = _doc(out, "환경물정책실")
    cells = [c for c in _rows(out, "tables", d["doc_id"]) if c["page"] == 5]
    staff = {(c["row"], c["col"]): c for c in cells if c["table_id"] == cells[0]["table_id"]}
    assert [staff[(r, 0)]["text"] for r in range(4)] == ["구분", "정원", "현원", "과부족"]
    assert staff[(0, 8)]["text"] == "9급" and staff[(3, 5)]["text"] == "△12"
    funds = [c for c in cells if c["text"] in ("일반회계", "하수도사업특별회계")]
    assert {c["col_span"] for c in funds} == {2}
    amounts = {b["amount_krw"] for b in _rows(out, "budgets", d["doc_id"])}
    assert {141_622_000_000, 252_146_000_000, 415_779_000_000, -370_000_000} <= amounts
    assert "·" in d["text"] and "\u2024" not in d["text"]  # ․ (U+2024) read as ·
