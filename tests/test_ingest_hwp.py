"""Legacy HWP 5 originals: record streams built in the test, the hwplib feature samples and the
real NTS rulings (``../shared/corpus/hwp5``), read through the pipeline and back from Parquet."""

from __future__ import annotations

import shutil
import struct
import sys
import zlib
from dataclasses import replace

import pytest
from conftest import REPO, SHARED, read_table

from pipeline.errors import (
    DamagedDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    TableTooLargeError,
    TooDeeplyNestedError,
)
from pipeline.ingest.hwp import read_hwp, source_text
from pipeline.ingest.hwp_records import (
    CTRL_HEADER,
    LIST_HEADER,
    PARA_HEADER,
    PARA_TEXT,
    TABLE,
    ControlRef,
    inflate,
    para_text,
    parse_records,
    record_tree,
)
from pipeline.limits import LIMITS

HWP5 = SHARED / "corpus" / "hwp5"
SAMPLES = HWP5 / "hwplib_feature_samples"
RULINGS = HWP5 / "nts_tax_rulings"
needs_hwp5 = pytest.mark.skipif(
    not RULINGS.is_dir(), reason="../shared/corpus/hwp5 is not beside this checkout"
)
# the real bad inputs of the rulings: 6 MarkAny DRM wrappers, 2 HTML stubs, 1 damaged stream
BAD_RULINGS = {
    "02/010000000000141847.hwp": "MarkAny Document SAFER",
    "02/010000000000144009.hwp": "MarkAny Document SAFER",
    "02/010000000000144166.hwp": "MarkAny Document SAFER",
    "02/010000000000144474.hwp": "MarkAny Document SAFER",
    "02/010000000000144711.hwp": "MarkAny Document SAFER",
    "02/010000000000146096.hwp": "MarkAny Document SAFER",
    "02/010000000000585068.hwp": "holds HTML or XML text",
    "06/000000000000634833.hwp": "holds HTML or XML text",
    "08/000000000000575003.hwp": "BodyText/Section0 of the HWP file is damaged",
}


# ---------------------------------------------------------------- building record streams


def rec(tag: int, level: int, data: bytes = b"") -> bytes:
    if len(data) >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(data)) + data
    return struct.pack("<I", tag | level << 10 | len(data) << 20) + data


def ctrl(cid: str) -> bytes:
    """An extended control in PARA_TEXT: its code, the control's id, the code again."""
    return struct.pack("<H", 11) + cid.encode()[::-1] + b"\0" * 8 + struct.pack("<H", 11)


def text(*parts: str | bytes) -> bytes:
    body = b"".join(p.encode("utf-16-le") if isinstance(p, str) else p for p in parts)
    return body + struct.pack("<H", 13)


def ctrl_header(cid: str) -> bytes:
    return cid.encode()[::-1] + b"\0" * 8


def cell(row: int, col: int, rs: int = 1, cs: int = 1) -> bytes:
    return struct.pack("<HHIHHHH", 1, 0, 0, col, row, cs, rs) + b"\0" * 16


def table_shape(rows: int, cols: int) -> bytes:
    return struct.pack("<IHH", 0, rows, cols) + b"\0" * 10 + struct.pack("<H", 1) * rows


def paragraph(level: int, *parts: str | bytes) -> bytes:
    return rec(PARA_HEADER, level, b"\0" * 22) + rec(PARA_TEXT, level + 1, text(*parts))


def table(level: int, rows: int, cols: int, cells: list[tuple[int, int, int, int, str]]) -> bytes:
    """A paragraph holding a table control at ``level`` (its cells' paragraphs one deeper)."""
    out = rec(PARA_HEADER, level, b"\0" * 22) + rec(PARA_TEXT, level + 1, text(ctrl("tbl ")))
    out += rec(CTRL_HEADER, level + 1, ctrl_header("tbl "))
    out += rec(TABLE, level + 2, table_shape(rows, cols))
    for r, c, rs, cs, t in cells:
        out += rec(LIST_HEADER, level + 2, cell(r, c, rs, cs)) + paragraph(level + 2, t)
    return out


def read_stream(stream: bytes):
    roots = record_tree(parse_records(stream, "BodyText/Section0"))
    return source_text([[r for r in roots if r.tag == PARA_HEADER]])


# ---------------------------------------------------------------- records and text, on bytes


def test_records_nest_by_level_and_read_a_long_size():
    long = "가" * 3000  # 6,000 bytes: the 0xFFF escape and a 32-bit size
    recs = parse_records(paragraph(0, long) + paragraph(0, "둘"), "s")
    assert [(r.tag, r.level) for r in recs] == [(0x42, 0), (0x43, 1), (0x42, 0), (0x43, 1)]
    roots = record_tree(recs)
    assert [len(r.children) for r in roots] == [1, 1]
    assert para_text(roots[0].children[0].data) == [long]


@pytest.mark.parametrize(
    "parts, expected",
    [
        (("한 줄", struct.pack("<H", 10), "둘째 줄"), ["한 줄\n둘째 줄"]),
        # a tab is an inline control of 8 code units: one space
        (("가", struct.pack("<8H", 9, 0, 0, 0, 0, 0, 0, 9), "나"), ["가 나"]),
        # a field's begin is an extended control (its CTRL_HEADER); its end an inline one
        (
            ("값: ", ctrl("%clk"), "홍길동", struct.pack("<8H", 4, 0, 0, 0, 0, 0, 0, 4)),
            ["값: ", ControlRef("%clk"), "홍길동"],
        ),
        ((ctrl("tbl "), "표 뒤"), [ControlRef("tbl "), "표 뒤"]),
        (("🙂 밖",), ["🙂 밖"]),  # a character outside the BMP: a surrogate pair
        (("묶음", struct.pack("<H", 30), "빈칸"), ["묶음 빈칸"]),
    ],
)
def test_para_text_reads_controls_of_each_kind(parts, expected):
    assert para_text(text(*parts) + "끝난 뒤".encode("utf-16-le")) == expected


@pytest.mark.parametrize(
    "stream, error, words",
    [
        (rec(PARA_HEADER, 0, b"\0" * 22)[:-5], DamagedDocumentError, "past the stream's end"),
        (struct.pack("<I", 0x42 | 100 << 20), DamagedDocumentError, "declares 100 bytes"),
        (b"\x42\x00", DamagedDocumentError, "ends inside a record header"),
        (struct.pack("<I", 0x42 | 0xFFF << 20) + b"\x01", DamagedDocumentError, "record header"),
        (rec(PARA_HEADER, 300), TooDeeplyNestedError, "300 levels deep"),
    ],
)
def test_a_record_that_runs_past_its_stream_is_a_plain_error(stream, error, words):
    with pytest.raises(error, match=words):
        parse_records(stream, "BodyText/Section0")


def test_the_record_loop_stops_at_its_limit():
    few = replace(LIMITS, max_hwp_records=10)
    with pytest.raises(DocumentTooLargeError, match="more than 10 records"):
        parse_records(rec(0x44, 0) * 11, "BodyText/Section0", few)
    assert len(parse_records(rec(0x44, 0) * 10, "BodyText/Section0", few)) == 10


def test_a_stream_is_inflated_within_its_limit():
    body = paragraph(0, "본문") * 1000
    packed = zlib.compress(body, 9)[2:-4]  # raw deflate, as HWP stores it
    assert inflate(packed, "BodyText/Section0") == body
    small = replace(LIMITS, max_hwp_stream_bytes=4096)
    bomb = zlib.compress(b"\0" * 50_000_000, 9)[2:-4]  # 50 MB of zeros in ~50 KB
    with pytest.raises(DocumentTooLargeError, match="inflates past 4 KB"):
        inflate(bomb, "BodyText/Section0", small)
    with pytest.raises(DamagedDocumentError, match="does not inflate"):
        inflate(b"\xff\xfe not deflate", "BodyText/Section0")
    with pytest.raises(DamagedDocumentError, match="ends early"):
        inflate(packed[: len(packed) // 2], "BodyText/Section0")


# ---------------------------------------------------------------- the walk, on built streams


def test_paragraphs_tables_spans_and_notes_from_built_records():
    stream = (
        paragraph(0, "Ⅰ. 추진 배경")
        + table(
            0,
            2,
            3,
            [(0, 0, 1, 2, "구분"), (0, 2, 2, 1, "금액"), (1, 0, 1, 1, "가"), (1, 1, 1, 1, "나")],
        )
        # a footnote after its paragraph, a header (page furniture) left out
        + rec(PARA_HEADER, 0, b"\0" * 22)
        + rec(PARA_TEXT, 1, text("본문", ctrl("fn  "), ctrl("head"), " 계속"))
        + rec(CTRL_HEADER, 1, ctrl_header("fn  "))
        + rec(LIST_HEADER, 2, b"\0" * 16)
        + paragraph(2, "각주 내용")
        + rec(CTRL_HEADER, 1, ctrl_header("head"))
        + rec(LIST_HEADER, 2, b"\0" * 16)
        + paragraph(2, "머리말 쪽 번호")
    )
    st = read_stream(stream)
    assert st.text == "Ⅰ. 추진 배경\n구분\t\t금액\n가\t나\t\n본문 계속\n각주 내용\n"
    (t,) = st.tables
    got = {
        (c.row, c.col, c.row_span, c.col_span): st.text[c.char_start : c.char_end] for c in t.cells
    }
    assert got == {
        (0, 0, 1, 2): "구분",
        (0, 2, 2, 1): "금액",
        (1, 0, 1, 1): "가",
        (1, 1, 1, 1): "나",
    }


def test_a_nested_table_gives_its_text_to_the_cell_and_a_one_column_table_is_flow():
    # a 1 × 2 table inside cell (1, 0): its paragraph sits at the cell's level (2)
    inner = table(2, 1, 2, [(0, 0, 1, 1, "안"), (0, 1, 1, 1, "쪽")])
    stream = (
        rec(PARA_HEADER, 0, b"\0" * 22)
        + rec(PARA_TEXT, 1, text(ctrl("tbl ")))
        + rec(CTRL_HEADER, 1, ctrl_header("tbl "))
        + rec(TABLE, 2, table_shape(2, 2))
        + rec(LIST_HEADER, 2, cell(0, 0))
        + paragraph(2, "가")
        + rec(LIST_HEADER, 2, cell(0, 1))
        + paragraph(2, "나")
        + rec(LIST_HEADER, 2, cell(1, 0))
        + inner
        + rec(LIST_HEADER, 2, cell(1, 1))
        + paragraph(2, "라")
        + table(0, 2, 1, [(0, 0, 1, 1, "상자 안 첫 줄"), (1, 0, 1, 1, "둘째 줄")])
    )
    st = read_stream(stream)
    assert st.text == "가\t나\n안 쪽\t라\n상자 안 첫 줄\n둘째 줄\n"
    assert len(st.tables) == 1


def test_tables_nested_too_deep_or_declared_too_large_are_refused():
    # boxes (one-column tables) read as flow recurse into what they hold: 41 deep is refused
    # (a data table's nested tables are read as its cells' text, without recursion)
    stream = b""
    for depth in range(40, -1, -1):
        lvl = 2 * depth
        stream = (
            rec(PARA_HEADER, lvl, b"\0" * 22)
            + rec(PARA_TEXT, lvl + 1, text(ctrl("tbl ")))
            + rec(CTRL_HEADER, lvl + 1, ctrl_header("tbl "))
            + rec(TABLE, lvl + 2, table_shape(1, 1))
            + rec(LIST_HEADER, lvl + 2, cell(0, 0))
            + (stream if depth < 40 else paragraph(lvl + 2, "바닥"))
        )
    with pytest.raises(TooDeeplyNestedError, match="more than 32 deep"):
        read_stream(stream)
    with pytest.raises(TableTooLargeError, match="declares 60000 columns"):
        read_stream(table(0, 2, 60000, [(0, 0, 1, 1, "a")]))
    with pytest.raises(TableTooLargeError, match="declares 60000 × 2 cells"):
        read_stream(table(0, 2, 2, [(0, 0, 60000, 1, "a")]))


@pytest.mark.parametrize(
    "data, error, words",
    [
        (b"<MARKANY_DOCUMENTSAFER>\x04\xbf", EncryptedDocumentError, "MarkAny Document SAFER"),
        (b"\n\n<!-- 2013 12 31 -->\n", DamagedDocumentError, "HTML or XML text"),
        # an HWPX named .hwp is read as HWPX (this one is a cut-short zip)
        (b"PK\x03\x04 rest", DamagedDocumentError, "HWPX file is not a readable zip"),
        (b"HWP Document File V3.00 \x1a\x01\x02", DamagedDocumentError, "HWP 3.x"),
        (b"", DamagedDocumentError, "empty or blank"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, DamagedDocumentError, "not an HWP 5 compound file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, DamagedDocumentError, "damaged"),
    ],
)
def test_a_file_that_is_not_hwp5_is_one_plain_error(data, error, words):
    with pytest.raises(error, match=words) as info:
        read_hwp(data)
    assert "bug" not in str(info.value)


# ---------------------------------------------------------------- the hwplib feature samples


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _grid(st, k: int = 0) -> dict[tuple[int, int, int, int], str]:
    t = st.tables[k]
    return {
        (c.row, c.col, c.row_span, c.col_span): st.text[c.char_start : c.char_end] for c in t.cells
    }


@needs_hwp5
def test_the_table_samples_give_their_grids():
    st = read_hwp(_sample("basic__표.hwp"))
    # PrvText: <ABC 123><DEF><GHI> / <LMN><OPQ><STR> / <UVM><123><456>, captioned 표
    assert st.text.startswith("표\n")
    assert _grid(st) == {
        (0, 0, 1, 1): "ABC 123", (0, 1, 1, 1): "DEF", (0, 2, 1, 1): "GHI",
        (1, 0, 1, 1): "LMN", (1, 1, 1, 1): "OPQ", (1, 2, 1, 1): "STR",
        (2, 0, 1, 1): "UVM", (2, 1, 1, 1): "123", (2, 2, 1, 1): "456",
    }  # fmt: skip
    st = read_hwp(_sample("merging-cell.hwp"))  # the 7 × 7 input of hwplib's merge example
    assert _grid(st) == {(r, c, 1, 1): f"{r},{c}" for r in range(7) for c in range(7)}


@needs_hwp5
def test_merged_cells_of_a_real_ruling_keep_their_spans():
    st = read_hwp((RULINGS / "05/000000000000168034.hwp").read_bytes())
    # 비교대상기업 정상가격 범위 spans the two year columns; 구 분 the two header rows
    assert _grid(st, 4) == {
        (0, 0, 2, 1): "구 분", (0, 1, 1, 2): "비교대상기업 정상가격 범위",
        (1, 1, 1, 1): "2008", (1, 2, 1, 1): "2009",
        (2, 0, 1, 1): "상위사분위값", (2, 1, 1, 1): "9.84%", (2, 2, 1, 1): "10.37%",
        (3, 0, 1, 1): "중위값", (3, 1, 1, 1): "5.29%", (3, 2, 1, 1): "6.00%",
        (4, 0, 1, 1): "하위사분위값", (4, 1, 1, 1): "-0.86%", (4, 2, 1, 1): "2.53%",
        (5, 0, 1, 1): "회사이익률(조정후 총원가가산율)", (5, 1, 1, 1): "3.37%", (5, 2, 1, 1): "4.05%",
        (6, 0, 1, 1): "정상가격범위 포함여부", (6, 1, 1, 2): "포함",
    }  # fmt: skip
    # the rulings' header table: 37 columns; 문서번호 spans 7 of them, its value 22
    st = read_hwp((RULINGS / "02/010000000000044541.hwp").read_bytes())
    header = _grid(st)
    assert header[(2, 0, 1, 7)] == "[ 문서번호 ]"
    assert header[(2, 7, 1, 22)] == "재정경제부재산세제과-537 (2007.05.11)"
    assert header[(4, 0, 1, 37)] == "배우자상속공제시 실제 상속받은 금액 관련 질의회신"


@needs_hwp5
def test_notes_are_kept_and_headers_footers_left_out():
    st = read_hwp(_sample("basic__각주미주.hwp"))
    assert "sssd" in st.text  # the endnote's text
    st = read_hwp(_sample("basic__머리글꼬리글.hwp"))
    assert "2233" in st.text and "596687" in st.text  # the body
    assert "개요1" not in st.text  # the header's text
    st = read_hwp(_sample("basic__글상자-압축.hwp"))  # a compressed file's text box
    assert "ABC" in st.text and "123" in st.text
    with pytest.raises(EmptyDocumentError):  # its only text is on the 바탕쪽 (master page)
        read_hwp(_sample("basic__바탕쪽.hwp"))


@needs_hwp5
def test_protected_files_are_one_plain_error():
    with pytest.raises(EncryptedDocumentError, match="distribution-protected \\(배포용\\)"):
        read_hwp(_sample("distribution.hwp"))
    # the same real file with the FileHeader's password bit set
    data = bytearray(_sample("basic__표.hwp"))
    at = data.index(b"HWP Document File") + 36
    data[at] |= 0x2
    with pytest.raises(EncryptedDocumentError, match="password-protected"):
        read_hwp(bytes(data))


# ---------------------------------------------------------------- fidelity against PrvText


@needs_hwp5
def test_text_fidelity_against_hancoms_preview():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import hwp_fidelity
    finally:
        sys.path.pop(0)
    # every 10th ruling, and the bad ones (no preview to compare: left out, not a crash)
    files = hwp_fidelity.corpus_files(RULINGS, every=10) + [RULINGS / p for p in BAD_RULINGS]
    s = hwp_fidelity.measure(files)
    assert s.files >= 180
    assert s.recall >= hwp_fidelity.RECALL_FLOOR
    # the text is not cut where the preview stops
    assert s.longer_than_preview >= 5
    assert s.longer_in_text == s.longer_than_preview


# ---------------------------------------------------------------- the whole pipeline


@needs_hwp5
def test_real_rulings_and_bad_ones_through_the_pipeline(tmp_path):
    from pipeline.run import ingest

    raw = tmp_path / "raw"
    good = ["01/010000000000073971.hwp", "02/010000000000044541.hwp", "05/000000000000168034.hwp"]
    for rel in [*good, *BAD_RULINGS]:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RULINGS / rel, raw / rel)
    s = ingest(raw, tmp_path / "out")
    assert (s.docs_processed, s.docs_failed) == (len(good), len(BAD_RULINGS))
    docs = {d["source_path"]: d for d in read_table(tmp_path / "out", "documents")}
    assert set(docs) == set(good)
    assert "배우자상속공제시 실제 상속받은 금액" in docs["02/010000000000044541.hwp"]["text"]
    errors = read_table(tmp_path / "out", "errors")
    assert sorted(e["source_path"] for e in errors) == sorted(BAD_RULINGS)  # one row each
    for e in errors:
        assert BAD_RULINGS[e["source_path"]] in e["message"]
        assert "bug" not in e["message"]
    doc_id = docs["05/000000000000168034.hwp"]["doc_id"]
    cells = read_table(tmp_path / "out", "tables", f"doc_id = '{doc_id}'")
    spanned = {(c["text"], c["row_span"], c["col_span"]) for c in cells}
    assert {("구 분", 2, 1), ("비교대상기업 정상가격 범위", 1, 2), ("포함", 1, 2)} <= spanned


def test_an_hwpx_named_hwp_is_read_as_hwpx():
    from test_ingest_hwpx import _hwpx

    st = read_hwp(_hwpx("<hp:p><hp:run><hp:t>Ⅰ. 추진 배경</hp:t></hp:run></hp:p>"))
    assert st.text == "Ⅰ. 추진 배경\n"
