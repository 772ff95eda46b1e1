"""HWPX originals: built in the test from OWPML parts, and the real Seoul 결재문서."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import EXTERNAL, needs_shared, read_table

from pipeline.errors import (
    DamagedDocumentError,
    EncryptedDocumentError,
    TableTooLargeError,
    TooDeeplyNestedError,
    UnsupportedCompressionError,
)
from pipeline.ingest.hwpx import read_hwpx

YOUTH = EXTERNAL / "seoul_opengov_youth_allowance"
NS = 'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section"'


def _cell(row, col, text, rs=1, cs=1):
    return (
        f"<hp:tc><hp:subList><hp:p><hp:run><hp:t>{text}</hp:t></hp:run></hp:p></hp:subList>"
        f'<hp:cellAddr colAddr="{col}" rowAddr="{row}"/><hp:cellSpan colSpan="{cs}" rowSpan="{rs}"/></hp:tc>'
    )


def _hwpx(section: str, manifest: str = "<manifest/>") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/hwp+zip")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("Contents/section0.xml", f"<hs:sec {NS}>{section}</hs:sec>")
    return buf.getvalue()


def test_paragraphs_tables_spans_and_child_tails():
    table = (
        '<hp:p><hp:run><hp:tbl rowCnt="3" colCnt="3"><hp:tr>'
        + _cell(0, 0, "구 분", rs=2)
        + _cell(0, 1, "예산", cs=2)
        + "</hp:tr><hp:tr>"
        + _cell(1, 1, "2024")
        + _cell(1, 2, "2025")
        + "</hp:tr><hp:tr>"
        + _cell(2, 0, "사무관리비")
        + _cell(2, 1, "1,000")
        + _cell(2, 2, "2,000")
        + "</hp:tr></hp:tbl></hp:run></hp:p>"
    )
    body = (
        "<hp:p><hp:run><hp:t>□ 추진<hp:fwSpace/>배경 ****</hp:t></hp:run>"
        "<hp:run><hp:ctrl><hp:footNote><hp:subList><hp:p><hp:run><hp:t>주) 각주 문장</hp:t></hp:run></hp:p></hp:subList></hp:footNote></hp:ctrl></hp:run></hp:p>"
        + table
    )
    r = read_hwpx(_hwpx(body))
    assert r.text.splitlines()[:2] == ["□ 추진 배경 ****", "주) 각주 문장"]  # masked text kept
    (t,) = r.tables
    cells = {(c.row, c.col): c for c in t.cells}
    assert cells[(0, 0)].row_span == 2 and cells[(0, 1)].col_span == 2
    assert r.text[cells[(2, 2)].char_start : cells[(2, 2)].char_end] == "2,000"


@pytest.mark.parametrize(
    ("data", "error", "says"),
    [
        (b"PK\x03\x04 truncated", DamagedDocumentError, "not a readable zip"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, DamagedDocumentError, "legacy binary HWP"),
        (
            _hwpx("<hp:p/>", "<manifest><odf:encryption-data/></manifest>"),
            EncryptedDocumentError,
            "배포용",
        ),
        (_hwpx("<hp:p><hp:run><hp:t>broken"), DamagedDocumentError, "damaged or encrypted"),
    ],
)
def test_bad_hwpx_raises_clear_errors(data, error, says):
    with pytest.raises(error, match=says):
        read_hwpx(data)


def test_bad_hwpx_becomes_an_error_row_and_the_run_goes_on(tmp_path):
    from pipeline.run import ingest

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "damaged.hwpx").write_bytes(b"PK\x03\x04 cut short")
    (raw / "ok.hwpx").write_bytes(_hwpx("<hp:p><hp:run><hp:t>Ⅰ. 추진 배경</hp:t></hp:run></hp:p>"))
    (raw / "legacy.hwp").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    s = ingest(raw, tmp_path / "out")
    assert (s.docs_processed, s.docs_failed, s.docs_skipped) == (1, 2, 0)
    errors = {e["source_path"]: e for e in read_table(tmp_path / "out", "errors")}
    assert errors["damaged.hwpx"]["error_type"] == "DamagedDocumentError"
    # .hwp is read since issue 15 (pipeline/ingest/hwp.py): a broken one is an errors row
    assert "not an HWP 5 compound file" in errors["legacy.hwp"]["message"]


@needs_shared
def test_every_youth_allowance_hwpx_is_read(external_run):
    out, summary = external_run
    docs = read_table(out, "documents", "source_format = 'hwpx'")
    # every HWPX is a document of its own, a complaint reply sharing a 결재문서's file stem too
    assert not [e for e in summary.errors if e.source_path.endswith(".hwpx")]
    assert len(docs) == 35 == len(list(YOUTH.rglob("*.hwpx")))
    # the cell right of 문서번호 or 시행 gives the document number in every 결재문서
    assert sum(1 for d in docs if d["doc_number"]) >= 30


@needs_shared
def test_youth_177_report_cover(external_run):
    """177 (hand-checked against the original): the cover's header table, 결재선, outline
    and the procedure strip read as schedules."""
    out, _ = external_run
    (d,) = read_table(out, "documents", "source_path like '%/177_original.hwpx'")
    assert d["doc_number"] == "청년사업담당관-3407" and str(d["approved_on"]) == "2024-10-04"
    assert d["disclosure"] == "부분공개(5)" and d["policy_number"] is None
    assert d["title"] == "2024년 서울 청년수당 2차 모집 선정 결과"
    assert d["approval_line"] == [
        "주무관 최수정",
        "청년생활지원팀장 代박근호",
        "청년사업담당관 이정희",
    ]
    outline = [s["title"] for s in read_table(out, "sections", f"doc_id = '{d['doc_id']}'")]
    assert {"참여자 선정 개요", "선정 절차", "향후 일정"} <= set(outline)
    steps = {
        (s["task"], str(s["start_date"]), str(s["end_date"]))
        for s in read_table(out, "schedules", f"doc_id = '{d['doc_id']}'")
    }
    assert ("신청접수", "2024-06-11", "2024-06-13") in steps
    assert ("최종선정 및 수당 지급", "2024-07-29", "2024-12-31") in steps


@needs_shared
def test_youth_143_plan(external_run):
    """143 「2025년 서울 청년수당 사업 운영계획」 (hand-checked): four approvers, Ⅰ–Ⅴ outline."""
    out, _ = external_run
    (d,) = read_table(out, "documents", "source_path like '%/143_original.hwpx'")
    assert d["doc_number"] == "청년사업담당관-566" and str(d["approved_on"]) == "2025-01-16"
    assert d["approval_line"][-1] == "미래청년기획관 김철희" and len(d["approval_line"]) == 4
    top = [
        (s["marker"], s["title"])
        for s in read_table(out, "sections", f"doc_id = '{d['doc_id']}' and depth = 1")
    ]
    assert [m for m, _ in top][:5] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"]
    assert ("Ⅰ", "추진근거 및 배경") in top
    cells = read_table(out, "tables", f"doc_id = '{d['doc_id']}'")
    assert cells and all(c["page"] is None for c in cells)


def _zip(**members: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_members_are_refused_by_declared_size_and_by_their_running_total():
    from pipeline.errors import DocumentTooLargeError
    from pipeline.ingest.archive import open_zip
    from pipeline.limits import ReaderLimits

    data = _zip(a=b"x" * 600, b=b"y" * 600)
    small = ReaderLimits(max_member_bytes=500, max_archive_bytes=1000)
    with (
        open_zip(data, "test archive", small) as zf,
        pytest.raises(
            DocumentTooLargeError, match="declares 600 bytes inflated, over the 500 bytes limit"
        ),
    ):
        zf.read("a")
    total = ReaderLimits(max_member_bytes=1000, max_archive_bytes=1000)
    with open_zip(data, "test archive", total) as zf:
        assert zf.read("a") == b"x" * 600
        with pytest.raises(DocumentTooLargeError, match="more than 1000 bytes together"):
            zf.read("b")  # 600 more would take the archive past 1000 bytes


@pytest.mark.parametrize(
    ("name", "error", "says"),
    [
        ("bad_colcnt.hwpx", DamagedDocumentError, "colCnt='두 칸', which is not a number"),
        ("broken_content_hpf.hwpx", DamagedDocumentError, "content.hpf"),
        ("encrypted_entry.hwpx", EncryptedDocumentError, "section0.xml .* is encrypted"),
        ("nested_400.hwpx", TooDeeplyNestedError, "section0.xml nests tables 400 deep"),
        ("rowspan_100000000.hwpx", TableTooLargeError, "100000000 rows, over the 100000"),
        ("unknown_compression.hwpx", UnsupportedCompressionError, "compression method 93"),
    ],
)
def test_damaged_hwpx_gives_a_plain_error_about_the_input(name, error, says):
    from hostile_inputs import HOSTILE

    with pytest.raises(error, match=says):
        read_hwpx(HOSTILE[name]())


def test_tables_nested_as_deep_as_the_limit_are_read():
    from hostile_inputs import hwpx_nested_tables

    assert "추진 배경" in read_hwpx(hwpx_nested_tables(depth=31)).text
