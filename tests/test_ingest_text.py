from __future__ import annotations

import pytest
from conftest import RAW, SEED_003

from pipeline.errors import BinaryDocumentError, EmptyDocumentError, EncodingError
from pipeline.ingest.html import read_html
from pipeline.ingest.text import decode_text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16", "utf-32"])
def test_korean_encodings_decode_to_the_same_text(encoding):
    original = (RAW / SEED_003).read_text(encoding="utf-8")
    text, _ = decode_text(original.encode(encoding))
    assert text == original


def test_utf32_big_endian_with_its_mark_is_utf32_not_utf16():
    original = (RAW / SEED_003).read_text(encoding="utf-8")
    text, encoding = decode_text(b"\x00\x00\xfe\xff" + original.encode("utf-32-be"))
    assert (text, encoding) == (original, "utf-32")


def test_text_that_decodes_to_nuls_is_not_a_document():
    with pytest.raises(BinaryDocumentError, match="NUL characters"):
        decode_text(b"\xff\xfe" + "가".encode("utf-16-le") + b"\x00\x00" * 100)


def test_nfc_normalised():
    decomposed = "\u1100\u1161\u11a8 예산"  # 각 as conjoining jamo
    text, _ = decode_text(decomposed.encode("utf-8"))
    assert text == "각 예산"


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyDocumentError, "empty"),
        (b"   \n\t ", EmptyDocumentError, "whitespace"),
        (b"\x00\x01\x02binary\x00" * 50, BinaryDocumentError, "NUL"),
        (b"%PDF-1.7\n%\xe2\xe3", BinaryDocumentError, "PDF"),
        (b"PK\x03\x04" + b"\x14" * 40, BinaryDocumentError, "ZIP"),
        (bytes(range(0x80, 0xFF)) * 3, EncodingError, "neither UTF-8 nor CP949"),
    ],
)
def test_bad_bytes_say_why(data, error, words):
    with pytest.raises(error, match=words):
        decode_text(data)


def test_html_keeps_tables_and_drops_markup():
    page = "<html><head><title>x</title><script>var a=1;</script></head><body><h1>추진 일정</h1><p>○ 위원회&nbsp;구성</p><table><tr><td>계</td><td>1,000</td></tr></table></body></html>"
    text = read_html(page.encode("utf-8"))
    assert "var a" not in text and "추진 일정" in text and "○ 위원회 구성" in text
    assert "<table><tr><td>계</td><td>1,000</td></tr></table>" in text


def test_only_exact_notice_files_are_skipped(tmp_path):
    from pipeline.ingest import iter_source_paths

    for name in (
        "README.md",
        "SOURCES.md",
        "NOTICE",
        "notice_reference.text.txt",
        "readme_2020_보고.txt",
        "a.txt",
    ):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = sorted(p.name for p in iter_source_paths(tmp_path))
    assert found == ["a.txt", "notice_reference.text.txt", "readme_2020_보고.txt"]
