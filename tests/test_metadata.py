from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEED_000, SEED_001, SEED_002, SEED_003, SEED_004

EXPECTED = {
    SEED_000: dict(
        doc_id="D0000039377168",
        doc_kind="approval",
        doc_number="남북협력담당관-1726",
        approved_on=dt.date(2020, 2, 19),
        produced_on=dt.date(2020, 2, 19),
        disclosure="부분공개(5)",
        retention="영구",
        policy_number=None,
        organization="서울시",
        department="남북협력추진단 남북협력담당관",
        author="박정주",
        author_phone="02-2133-8665",
        classification=["행정", "남북교류", "남북교류협력", "남북교류협력사업추진", "남북교류협력"],
        title="'서울-평양 도시교류 협력사업' 2020년도 혁신방안 및 실행력 강화계획",
    ),
    SEED_002: dict(
        doc_id="D0000029116565",
        doc_kind="approval",
        doc_number="민관협력담당관-3316",
        approved_on=dt.date(2017, 2, 22),
        produced_on=dt.date(2017, 2, 22),
        disclosure="대시민공개",
        retention="3년",
        policy_number="정무부시장 방침 제6호",
        organization="서울시",
        department="서울혁신기획관 민관협력담당관",
        author="곽금영",
        author_phone="02-2133-6554",
        classification=["행정", "일반행정지원", "과공통일반사무", "일반관리(서무)", "일반업무관리"],
        title="2017년 협치서울 추진계획",
    ),
    SEED_001: dict(
        doc_id="001_07565497701b7de4",
        doc_kind="work_report",
        department="기획조정실",
        title="주요 업무 보고 (기획조정실, 2020. 9.)",
        doc_number=None,
        classification=None,
    ),
    SEED_003: dict(
        doc_id="003_1ed15b6162aba057",
        doc_kind="work_report",
        department="시장비서실",
        title="주요업무 보고 (시장비서실, 2018. 7.)",
    ),
    SEED_004: dict(
        doc_id="004_c8d39679a80d3057",
        doc_kind="budget_program",
        department="해외도시협력담당관",
        organization="서울특별시",  # its 사업시행주체
        title="우수정책 해외진출을 위한 정책교류 활성화",
        approved_on=None,
    ),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_seed_metadata(seed_docs, name):
    doc = seed_docs[name]
    got = {
        "doc_id": doc.doc_id,
        **{k: getattr(doc.meta, k) for k in EXPECTED[name] if k != "doc_id"},
    }
    assert got == EXPECTED[name]


def test_viewer_footer_is_not_body(seed_docs):
    doc = seed_docs[SEED_000]
    assert doc.text[doc.meta.body_end :].lstrip().startswith("문서 보기")
    assert all(s.char_end <= doc.meta.body_end for s in doc.sections)


def test_a_plan_covers_date_beside_its_committee_dates_the_document():
    from pipeline.metadata import plan_cover

    lines = [
        "2025. 2. 13.(목) 건 설 교 통 위 원 회",
        "2 0 2 5 년 주 요 업 무 계 획",
        "주 택 건 축 국",
    ]
    assert plan_cover(lines) == ("2025년 주요업무계획", "주택건축국", "2025. 2. 13.(목)")


@pytest.mark.parametrize(
    ("lines", "title", "dept"),
    [
        (
            ["2025. 2. 12.(수)", "2025년 주요업무 추진계획", "보건환경연구원"],
            "2025년 주요업무 추진계획",
            "보건환경연구원",
        ),
        (
            ["2025. 3. 5.(수)", "2025년도", "주 요 업 무 보 고", "문 화 체 육 국"],
            "2025년도 주요업무보고",
            "문화체육국",
        ),
    ],
)
def test_a_plan_covers_title_may_say_plan_report_or_추진계획(lines, title, dept):
    from pipeline.metadata import plan_cover

    assert plan_cover(lines)[:2] == (title, dept)


@pytest.mark.parametrize("toc", ["순 서", "목 차", "보고순서", "차 례"])
def test_a_covers_contents_heading_is_not_its_department(toc):
    from pipeline.metadata import plan_cover

    lines = ["2025. 2. 13.(목)", "2025년 주요업무계획", toc, "Ⅰ. 일반현황", "Ⅱ. 주요성과"]
    assert plan_cover(lines) == ("2025년 주요업무계획", None, "2025. 2. 13.(목)")


def test_a_program_code_line_takes_the_name_after_it_as_the_title():
    from pipeline.metadata import _coded_title

    head = "1-2-6\n\n투명한 합동점검 상시화\n및 철도안전 교육강화\n\n추진 상황\n"
    assert _coded_title(head, "1-2-6") == "1-2-6 투명한 합동점검 상시화 및 철도안전 교육강화"
    assert _coded_title("1-2-6\n\n" + "가" * 100 + "\n", "1-2-6") == "1-2-6"  # prose, not a name


@pytest.mark.parametrize(
    ("first", "org"),
    [
        ("(재)경상북도경제진흥원 공고 제2026070000호", "(재)경상북도경제진흥원"),
        ("안동시 공고 제2026-512호", "안동시"),
        ("고시 제2025-3호", None),
    ],
)
def test_a_notice_number_line_names_who_gives_notice_and_the_title_follows(first, org):
    from pipeline.metadata import read_metadata

    meta = read_metadata(
        first + "\n\n「2026년 수출기업 지원사업」 참여기업 모집 공고\n\n1. 모집개요\n"
    )
    assert meta.title == "「2026년 수출기업 지원사업」 참여기업 모집 공고"
    assert meta.organization == org


def test_a_form_filed_under_a_number_with_its_sign_off_row_is_an_approval():
    from pipeline.metadata import read_metadata

    form = (
        "청년사업담당관-5714(2024.12.12)호\n준공검사(감독)조서(콜센터 운영 용역)\n"
        "문서번호\t청년사업담당관-5867\n결 재\t주무관\t청년생활지원팀장\t청년사업담당관\n"
        "공사명\t콜센터 운영 용역\n계약일자\t2024년 2월 20일\t착공일자\t2024년 2월 20일\n"
    )
    meta = read_metadata(form)
    assert (meta.doc_kind, meta.title) == ("approval", "준공검사(감독)조서(콜센터 운영 용역)")
    # without the 결재 row it is not an approval; the number line still is not its title
    plain = read_metadata(form.replace("결 재\t", "비 고\t"))
    assert plain.doc_kind != "approval"
    assert plain.title == "준공검사(감독)조서(콜센터 운영 용역)"
