"""A ruling's [ 라벨 ] header table: doc_kind 'ruling', doc_number, produced_on and title.

Constructed header tables (as .txt and .html) go through the real ingest and are read back from
the documents Parquet; the real rulings (HWP 5) are checked against Hancom's preview of each
file by scripts/hwp_rulings_check.py on a sample.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys

import pytest
from conftest import REPO, SHARED

from pipeline.run import ingest
from pipeline.store import OutputStore

RULINGS = SHARED / "corpus" / "hwp5" / "nts_tax_rulings"

# name → (file text, expected doc_kind, doc_number, produced_on, title)
CASES: dict[str, tuple[str, str, str | None, dt.date | None, str | None]] = {
    # a 질의회신 as the HWP reader writes its table: cells by tabs, a spanning cell's covered
    # positions empty, the title in the row under its label
    "reply_tabs.txt": (
        "[ 문서번호 ]\t재산-123 (2008.12.26.)\t세목\t상증\n"
        "[ 제    목 ]\t\t\t\n"
        "상속재산의 평가 방법\t\t\t\n"
        "[ 요    지 ]\t\t\t\n"
        "시가로 평가하는 것임\t\t\t\n"
        "[ 회    신 ]\t\t\t\n"
        "상속재산은 시가로 평가합니다.\t\t\t\n",
        "ruling",
        "재산-123",
        dt.date(2008, 12, 26),
        "상속재산의 평가 방법",
    ),
    # labels on their own lines, values below; a comma before the date
    "reply_lines.txt": (
        "[ 문서번호 ]\n법규과-1600,(2008.04.10.)\n[ 제 목 ]\n  부담부증여의   양도차익 산정\n"
        "[ 요 지 ]\n채무액 비율로 산정함\n[ 답변내용 ]\n비율을 곱하여 산정합니다.\n",
        "ruling",
        "법규과-1600",
        dt.date(2008, 4, 10),
        "부담부증여의 양도차익 산정",
    ),
    # a court ruling: its number is the 사건번호, not the earlier case's 직전소송사건번호
    "court.txt": (
        "[ 세    목 ]\t소득\t[ 판결유형 ]\t국승\n"
        "[직전소송사건번호 ]\t서울고등법원 2015누839\t\t\n"
        "[ 사건번호 ]\t대법원-2015-두-3232 (2015.11.27)\t\t\n"
        "[ 제    목 ]\t\t\t\n"
        "(심리불속행) 일반공모에 해당하는지 여부\t\t\t\n"
        "[ 요    지 ]\t\t\t\n"
        "증여세 부과처분은 정당함\t\t\t\n",
        "ruling",
        "대법원-2015-두-3232",
        dt.date(2015, 11, 27),
        "(심리불속행) 일반공모에 해당하는지 여부",
    ),
    # a 심판 결정: 세목 first, an empty 전심번호 before the title
    "decision.txt": (
        "[ 세    목 ]\t부가\t[ 결정유형 ]\t기각\n"
        "[ 문서번호 ]\t조심2011중0148 (2011. 4. 25.)\t\t\n"
        "[ 전심번호 ]\t\t\t\n"
        "[ 제    목 ]\t\t\t\n"
        "취득가액을 9억으로 보아 과세한 처분의 당부\t\t\t\n"
        "[ 결정내용 ]\t\t\t\n"
        "결정 내용은 붙임과 같습니다.\t\t\t\n",
        "ruling",
        "조심2011중0148",
        dt.date(2011, 4, 25),
        "취득가액을 9억으로 보아 과세한 처분의 당부",
    ),
    # one line, cells by spaces; a bullet before the number, a space after its hyphen, a
    # compact date
    "compact.txt": (
        "[ 문서번호 ] ○ 기획재정부 환경에너지세제과- 0232,(20110704) [ 세목 ] 교통\n"
        "[ 제 목 ] 유류세 환급 대상 여부 [ 요 지 ] 환급 대상임\n"
        "본문입니다.\n",
        "ruling",
        "기획재정부 환경에너지세제과-0232",
        dt.date(2011, 7, 4),
        "유류세 환급 대상 여부",
    ),
    # a date that is no day keeps the number and gives no produced_on
    "bad_date.txt": (
        "[ 문서번호 ]\t부가1265-2217  (1983. 10. 41.)\n[ 제 목 ]\n수출재화 선적일의 의미\n"
        "[ 요 지 ]\n선적한 날을 말함\n",
        "ruling",
        "부가1265-2217",
        None,
        "수출재화 선적일의 의미",
    ),
    # a converted .html keeps its <table>: the cells are read from the markup
    "reply.html": (
        "<html><body><table>"
        "<tr><td>[ 문서번호 ]</td><td>부가46015-1410 (1998.06.25)</td><td>[ 세목 ]</td><td>부가</td></tr>"
        '<tr><td colspan="4">[ 제    목 ]</td></tr>'
        '<tr><td colspan="4">국외로 무상반출하는 재화의 영세율 적용 &amp; 여부</td></tr>'
        '<tr><td colspan="4">[ 요    지 ]</td></tr>'
        '<tr><td colspan="4">영세율이 적용되지 아니함</td></tr>'
        "</table><p>본문</p></body></html>",
        "ruling",
        "부가46015-1410",
        dt.date(1998, 6, 25),
        "국외로 무상반출하는 재화의 영세율 적용 & 여부",
    ),
    # not a header table: one bracketed label is a note, not a table of them
    "one_label.txt": (
        "시내버스 노선 조정 계획\n\n[ 참고 ] 문서번호 재산-1 (2008.1.1.)\n○ 추진 배경\n",
        "other",
        None,
        None,
        "시내버스 노선 조정 계획",
    ),
    # not a header: bracketed labels well into the body
    "labels_in_body.txt": (
        "업무 협조 요청\n1. 관련 근거\n2. 협조 사항\n3. 기타\n"
        "[ 문서번호 ]\t재산-9 (2009.1.2.)\n[ 제 목 ]\n다른 문서의 제목\n[ 요 지 ]\n요지\n",
        "other",
        None,
        None,
        "업무 협조 요청",
    ),
    # not a header: a table of bracketed labels that names no number and no title
    "no_fields.txt": (
        "[ 구분 ]\t[ 내용 ]\t[ 비고 ]\n가\t나\t다\n",
        "other",
        None,
        None,
        "[ 구분 ]\t[ 내용 ]\t[ 비고 ]",
    ),
}


@pytest.fixture(scope="module")
def ruling_rows(tmp_path_factory):
    raw = tmp_path_factory.mktemp("rulings-raw")
    for name, (text, *_) in CASES.items():
        (raw / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("rulings-out")
    summary = ingest(raw, out)
    assert summary.docs_failed == 0, summary.errors
    rows = OutputStore(out).read("documents").to_pylist()
    return {r["source_path"]: r for r in rows}


@pytest.mark.parametrize("name", list(CASES))
def test_header_table_gives_number_date_and_title(ruling_rows, name):
    _, kind, number, produced, title = CASES[name]
    row = ruling_rows[name]
    assert (row["doc_kind"], row["doc_number"], row["produced_on"], row["title"]) == (
        kind,
        number,
        produced,
        title,
    )


def test_a_ruling_in_another_kind_of_document_changes_nothing():
    """The rule only speaks for documents no other rule recognised: a 결재문서 whose body quotes
    a ruling's header keeps its own kind, number and date."""
    from pipeline.metadata import read_metadata

    text = (
        "결재문서\n세무 질의 회신 검토\n문서번호 세무과-12 결재일자 2020.3.4. 공개여부 공개\n"
        "[ 문서번호 ]\t재산-123 (2008.12.26.)\n[ 제 목 ]\n상속재산\n[ 요 지 ]\n요지\n"
    )
    meta = read_metadata(text)
    assert (meta.doc_kind, meta.doc_number, meta.title) == (
        "approval",
        "세무과-12",
        "세무 질의 회신 검토",
    )


_NO_RULINGS = not RULINGS.is_dir()
_NO_READER = importlib.util.find_spec("pipeline.ingest.hwp") is None


@pytest.mark.skipif(_NO_RULINGS, reason="../shared/corpus/hwp5/nts_tax_rulings is not there")
@pytest.mark.skipif(_NO_READER, reason="the HWP 5 reader (pipeline/ingest/hwp.py) is not merged")
def test_real_rulings_match_their_preview_on_a_sample():
    """Must show 3: doc_number, produced_on and title match the header table (as Hancom's own
    preview shows it) on >= 99 % of the rulings: here a sample spread over the sub-folders; the
    whole corpus with `python scripts/hwp_rulings_check.py`."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import hwp_rulings_check as rc
    finally:
        sys.path.pop(0)
    result = rc.check(RULINGS, 80)
    assert result.files >= 80
    for name in rc.FIELDS:
        assert result.counted[name] >= 70, name
        assert result.rate(name) >= 0.99, (name, result.misses[:5])
