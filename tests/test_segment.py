from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXTERNAL, SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, SEEDS, needs_shared


def top(doc):
    return [(s.marker, s.title) for s in doc.sections if s.depth == 1]


def children(doc, title):
    parent = next(s for s in doc.sections if s.title == title)
    return [(s.marker, s.title) for s in doc.sections if s.parent_id == parent.section_id]


def test_000_flattened_outline(seed_docs):
    doc = seed_docs[SEED_000]
    assert [t for _, t in top(doc)] == [
        "추진 배경",
        "추진 경과",
        "추진 방향",
        "위원회 구성(안)",
        "위원회 운영계획",
        "추진 일정",
        "행정 사항",
    ]
    assert [m for m, _ in top(doc)] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ"]
    assert children(doc, "추진 배경") == [
        ("??", "기존 3대 분야 10대 과제에 대한 자료 현행화 필요"),
        ("??", "실행에 대비한 상세 추진전략 및 로드맵 작성 필요"),
        ("??", "3대분야 10대과제 계획의 실효적 수립과 효과적 실현방안 마련 필요"),
    ]
    assert [m for m, _ in children(doc, "기존 3대 분야 10대 과제에 대한 자료 현행화 필요")] == [
        "○",
        "○",
        "○",
    ]


def test_000_letter_spaced_heading_keeps_source(seed_docs):
    doc = seed_docs[SEED_000]
    s = next(s for s in doc.sections if s.title == "추진 배경")
    assert doc.text[s.char_start : s.char_start + 9] == "Ⅰ 추 진 배 경"


def test_001_numbered_areas_with_circled_items(seed_docs):
    doc = seed_docs[SEED_001]
    area = next(s for s in doc.sections if s.title == "민선7기 시정성과 창출 적극 지원")
    items = [s for s in doc.sections if s.parent_id == area.section_id]
    assert [s.marker for s in items] == ["①", "②", "③", "④", "⑤", "⑥", "⑦"]
    assert items[0].title == "서울특별시 코로나19 대응현황"


def test_002_toc_is_not_outline(seed_docs):
    doc = seed_docs[SEED_002]
    romans = [s for s in doc.sections if s.marker in "ⅠⅡⅢⅣⅤ" and s.depth == 1]
    assert [s.marker for s in romans][:3] == ["Ⅰ", "Ⅱ", "Ⅲ"]
    assert romans[0].title == "’16년도 협치시정 평가"
    toc = doc.text.index("목 차")
    assert all(not (toc <= s.char_start < romans[0].char_start) for s in doc.sections)


def test_003_outline(seed_docs):
    doc = seed_docs[SEED_003]
    assert [t for _, t in top(doc)] == ["일반 현황", "주요 업무"]
    assert [t for _, t in children(doc, "일반 현황")] == [
        "주요 기능",
        "인력 현황('18.7.10 기준)",
        "예산 집행현황('18.6.30 기준, 단위 : 천원)",
    ]
    plan = next(s for s in doc.sections if s.title == "추진 내용 및 계획")
    assert [s.marker for s in doc.sections if s.parent_id == plan.section_id][:3] == ["①", "②", "③"]


def test_004_numbered_parts(seed_docs):
    doc = seed_docs[SEED_004]
    assert top(doc) == [
        ("1", "기본 현황"),
        ("2", "예산 설명"),
        ("3", "사업 설명"),
        ("4", "사업 효과"),
        ("5", "최근 3년 결산 현황"),
    ]
    assert children(doc, "기본 현황") == [
        ("□", "사업개요"),
        ("□", "사업 성격 및 사전절차 대상 여부"),
        ("□", "사업 담당자"),
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_section_span_is_its_source(seed_docs, seed):
    doc = seed_docs[seed]
    ids = {s.section_id for s in doc.sections}
    assert len(ids) == len(doc.sections)
    for s in doc.sections:
        src = doc.text[s.char_start : s.char_end]
        # a section's span starts at its line (markdown '#', a '- ' list prefix) and holds its marker
        assert s.marker in src[: len(s.marker) + 8] or s.marker == ""
        assert s.title.replace(" ", "").replace("*", "")[:4] in src.replace(" ", "").replace(
            "*", ""
        )
        assert s.parent_id is None or s.parent_id in ids
        parent = next((p for p in doc.sections if p.section_id == s.parent_id), None)
        if parent is not None:
            assert parent.char_start <= s.char_start and s.char_end <= parent.char_end
            assert s.depth == parent.depth + 1


@needs_shared
def test_external_text_documents_segment(tmp_path):
    from pipeline.process import process_path

    files = (
        sorted((EXTERNAL / "seoul_mayor_promise_report").glob("*.txt"))[:4]
        + sorted((EXTERNAL / "seoul_openfinance_budget").glob("*.txt"))[:4]
    )
    assert files
    for f in files:
        doc = process_path(f, f.parent)
        assert all(doc.text[s.char_start : s.char_end] for s in doc.sections)


def _flattened(body: str) -> str:
    """A one-line body as the city's converter writes it, padded past the flattened-line length."""
    filler = " ○ 기존 전략계획 형태의 압축적 내용에 맞춘 구체적인 실행계획 마련 필요" * 40
    return "Ⅰ 추 진 배 경 ?? 자료 현행화 필요 " + body + filler + "\n"


def test_kiwi_keeps_a_sentence_whole():
    """'-' after a connective ending (…협의하였으며 - …) continues the sentence; after a noun it is an item."""
    from pipeline.segment import segment

    text = _flattened(
        "○ 관계부서와 협의하였으며 - 그 결과를 반영함 ○ 분과 구성 - 외부 전문가 참여 확대"
    )
    sections = segment(text, 0, len(text))
    dash_titles = [s.title for s in sections if s.marker == "-"]
    assert "외부 전문가 참여 확대" in dash_titles[0]
    assert not any(t.startswith("그 결과를") for t in dash_titles)


def test_numbers_inside_dates_are_not_items():
    from pipeline.segment import segment

    text = _flattened(
        "○ 성과공유회 : ’17. 12. 나. 시민협력 지원 ○ 제작 : ’17. 5. ~ 12. 3. 제도 기반 강화 3-3 평가 도입"
    )
    titles = (
        {(s.marker, s.title.split()[0]) for s in sections}
        if (sections := segment(text, 0, len(text)))
        else set()
    )
    assert ("나.", "시민협력") in titles and ("3.", "제도") in titles and ("3-3", "평가") in titles
    assert not any(m in ("12.", "5.") for m, _ in titles)


def test_inline_marker_accuracy_on_the_hand_labels():
    """scripts/inline_marker_accuracy.py on tests/gold/inline_markers.tsv (145 labelled candidates)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "ima", Path(__file__).resolve().parents[1] / "scripts" / "inline_marker_accuracy.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    m = mod.measure()
    assert m["candidates"] >= 140
    assert m["accuracy"] >= 0.99, m["wrong"]


@needs_shared
def test_every_external_document_runs_through(external_run):
    """All of ../shared/corpus/external through the real run — converted text, PDF and HWPX
    originals alike — with nothing crashing and no document failing."""
    _, s = external_run
    assert s.docs_seen >= 115 and s.docs_processed == s.docs_seen and not s.errors
    # the metadata.csv files and SOURCES.md are skipped, and said so
    assert s.docs_skipped >= 3
    assert all(rel.endswith((".csv", ".md")) for rel, _ in s.skipped)


@pytest.mark.parametrize(
    "lines, parent_of_glyph_item",
    [
        # under a '-' item, a glyph line that reads as a sentence is its sub-bullet (lost ▪)
        (["○ 2016년 실적", "- 시민참여 확대", "\uf000 활동계획 수립(’16.3.10)"], "시민참여 확대"),
        # ... and so is the run of them that follows
        (
            [
                "○ 2016년 실적",
                "- 시민참여 확대",
                "\uf000 공모전 개최(’16.4.8)",
                "\uf000 시상식 개최(6.9)",
            ],
            "시민참여 확대",
        ),
        # a short title after a bullet is the box heading it stands for
        (["\uf000 최종목표", "○ 시민노출 최소화", "\uf000 연차별 추진계획"], None),
        # under a heading the glyph is a box heading, whatever its length
        (["1. 추진실적", "\uf000 시민운동본부 활동계획 수립(’16.3.10)"], "추진실적"),
    ],
)
def test_a_lost_glyph_under_a_bullet_is_a_sub_bullet_when_it_reads_as_a_sentence(
    lines, parent_of_glyph_item
):
    from pipeline.segment import segment

    text = "\n".join(lines) + "\n"
    sections = segment(text, 0, len(text))
    by_id = {s.section_id: s for s in sections}
    last = sections[-1]
    assert last.marker == "\uf000"
    parent = by_id.get(last.parent_id) if last.parent_id else None
    assert (parent.title if parent else None) == parent_of_glyph_item
