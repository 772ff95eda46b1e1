"""A publisher's catalogue (metadata.csv) beside the documents fills what they leave unsaid."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipeline.ingest.catalog import CatalogueEntry, catalogue_entry, parse_catalogue
from pipeline.metadata import with_catalogue
from pipeline.model import DocumentMeta
from pipeline.run import ingest

OPENGOV = (
    "Index,Document Name,URL,Date,Department,Doc_Number,Original_File_Path\n"
    "1,청년수당 지급,https://x/1,2025-12-17,미래청년기획관 청년사업담당관,청년사업담당관-12227,"
    "attachments/1_original.hwpx\n"
)


@pytest.mark.parametrize(
    "csv_text, name, expected",
    [
        (
            OPENGOV,
            "1_original.hwpx",
            CatalogueEntry(
                "청년수당 지급",
                dt.date(2025, 12, 17),
                "미래청년기획관 청년사업담당관",
                "청년사업담당관-12227",
            ),
        ),
        # Korean headers, a Windows path, a date written 2024.3.5.
        (
            "파일명,제목,생산일자,부서명,문서번호\nC:\\docs\\a.pdf,계획,2024.3.5.,복지정책과,복지정책과-1\n",
            "a.pdf",
            CatalogueEntry("계획", dt.date(2024, 3, 5), "복지정책과", "복지정책과-1"),
        ),
        # a file listed twice: which row is its own is unknown
        ("file,department\na.txt,가과\na.txt,나과\n", "a.txt", None),
        # no column names a file: not a catalogue
        ("title,department\n계획,가과\n", "계획", None),
        # an impossible date is left out, the rest kept
        (
            "file,date,department\na.txt,2025-13-40,가과\n",
            "a.txt",
            CatalogueEntry(None, None, "가과", None),
        ),
    ],
)
def test_parse_catalogue(csv_text, name, expected):
    assert parse_catalogue(csv_text).get(name) == expected


@pytest.mark.parametrize(
    "own, listed, expected",
    [
        (None, "미래청년기획관 청년사업담당관", "미래청년기획관 청년사업담당관"),
        # the catalogue writes the same office more fully, bureau first
        ("청년사업담당관", "미래청년기획관 청년사업담당관", "미래청년기획관 청년사업담당관"),
        # a different office: the document's own statement stands
        ("복지정책과", "미래청년기획관 청년사업담당관", "복지정책과"),
        # a name that merely ends the same way is not the same office
        ("사업담당관", "청년사업담당관", "사업담당관"),
    ],
)
def test_the_document_speaks_first_the_catalogue_fills(own, listed, expected):
    meta = DocumentMeta(department=own, produced_on=dt.date(2025, 2, 14))
    out = with_catalogue(meta, CatalogueEntry("목록 제목", dt.date(2025, 2, 1), listed, "가-1"))
    assert out.department == expected
    assert out.produced_on == dt.date(2025, 2, 14)  # the document's own date
    assert (out.title, out.doc_number) == ("목록 제목", "가-1")  # filled where it said none


def test_a_text_dump_of_a_catalogued_original_is_found(tmp_path):
    (tmp_path / "metadata.csv").write_text(OPENGOV, encoding="utf-8")
    assert catalogue_entry(tmp_path / "1_original.hwpx.txt") is not None
    assert catalogue_entry(tmp_path / "2_original.hwpx") is None
    assert catalogue_entry(tmp_path / "elsewhere" / "1_original.hwpx") is None


def test_an_ingest_takes_the_catalogue_department_and_date(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "metadata.csv").write_text(
        OPENGOV.replace("1_original.hwpx", "letter.txt"), encoding="cp949"
    )
    (raw / "letter.txt").write_text(
        "2025년 서울 청년수당 12월분 지급\n1. 관련 : 청년사업담당관-12100호\n2. 12월분을 지급합니다.\n",
        encoding="utf-8",
    )
    (raw / "other.txt").write_text("2025년 계획\n□ 예산 : 10억원\n", encoding="utf-8")
    s = ingest(raw, tmp_path / "out")
    assert (s.docs_processed, s.docs_failed, s.docs_skipped) == (2, 0, 1)  # the csv is skipped
    rows = duckdb.sql(
        "select source_path, department, produced_on, doc_number from "
        f"read_parquet('{tmp_path}/out/documents/**/*.parquet') order by source_path"
    ).fetchall()
    assert rows == [
        (
            "letter.txt",
            "미래청년기획관 청년사업담당관",
            dt.date(2025, 12, 17),
            "청년사업담당관-12227",
        ),
        ("other.txt", None, None, None),
    ]
