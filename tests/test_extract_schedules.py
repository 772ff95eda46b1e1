"""Schedule rows: where a date stands when it is a step, the named exclusions, and tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from extract_helpers import doc_of

from pipeline.extract.exclusions import DATE_EXCLUSIONS

D = dt.date
DOC_DATE = D(2025, 2, 11)


def _steps(text: str, kind: str = "work_report") -> list[tuple[str, str]]:
    doc = doc_of(text, kind, DOC_DATE)  # type: ignore[arg-type]
    for r in doc.schedules:
        assert doc.text[r.char_start : r.char_end] == r.when_text
    return [(r.when_text, r.task) for r in doc.schedules]


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        # in brackets after what it dates, after a colon, leading its item, closing it
        ("○ 특별법 국회 발의(’24.10월)\n", [("’24.10월", "특별법 국회 발의")]),
        ("○ 운영기간 : ’25. 3.~12.\n", [("’25. 3.~12.", "운영기간")]),
        ("○ ’24.12. 계획 수립\n", [("’24.12.", "계획 수립")]),
        ("○ 최종계획 수립 ’25. 5월중\n", [("’25. 5월중", "최종계획 수립")]),
        # a date right after a bullet glyph
        ("ㅇ'97.3.15 재단 설립\n", [("'97.3.15", "재단 설립")]),
        # a line of several dated steps: one row each, each with its own task
        (
            "○ 협의회 구성(’16. 10.) 및 추진단 운영(’16. 11.)\n",
            [("’16. 10.", "협의회 구성"), ("’16. 11.", "추진단 운영")],
        ),
        # a plan cited as a basis, with its date: a past step
        ("○ 운영계획 (’15. 9월, 국장 방침)\n", [("’15. 9월", "운영계획")]),
        ("- 추진계획(시장방침 제88호/'13.4.5)\n", [("'13.4.5", "추진계획(시장방침 제88호/)")]),
        # a bare year: a step when it bounds a period or stands alone in brackets
        ("○ 전 구간 개통 ’26년까지 완료\n", [("’26년", "전 구간 개통")]),
        ("○ MOU 체결(‘25.)\n", [("‘25.", "MOU 체결")]),
        ("○ 보행로 연결(‘25, 10억원)\n", [("‘25", "보행로 연결")]),  # with its cost
        # a note opened inside the line: its dated year leads it
        (
            "• 클러스터 조성 사업 ▸ ‘25년, 48억원 * ’24.～‘26., 총 200억원\n",
            [("’24.～‘26.", "클러스터 조성 사업")],
        ),
        ("○ ’17년 협치서울 의제사업 추진\n", []),  # an attribute
        ("ㅇ '25. 산업부 사전자문 이행\n", [("'25.", "산업부 사전자문 이행")]),  # a dotted year
        # a status in the note after a period is not that period's status
        ("- 사업기간 : 1958년부터 ~ 현재 ※ 누적수여자 현황\n", [("1958년부터", "사업기간")]),
        # a range opening the bracket after an activity is when it ran, whatever it counts
        (
            "○ 양성 프로그램 추진 (’24.5.∼’25.1. 14개 대학)\n",
            [("’24.5.∼’25.1.", "양성 프로그램 추진")],
        ),
        ("ㅇ ’23. 이행점검 매우우수(’24.5.)\n", [("’24.5.", "’23. 이행점검 매우우수")]),
        # a year's label before a colon, its items dated finer: the months are the steps
        ("○ ’14년도 : 자문위원회 4회(’14.7~10월)\n", [("’14.7~10월", "’14년도 : 자문위원회 4회")]),
        # ... but a year named again in the item does not date it finer
        ("- `23. : 2023년도 사업 추진\n", [("`23.", "2023년도 사업 추진")]),
        ("○ 도시인프라 협력(2017년도)\n", []),  # a version's year
        # a recurrence that says when an activity happens; not one that says how money is paid
        ("○ 분과위원회 개최 : 월 2회 이상\n", [("월 2회 이상", "분과위원회 개최")]),
        ("○ 청년수당 지급 : 매월 50만원\n", []),
        # a list of dated steps: each date closes its item
        (
            "ㅇ 추진방식 결정 ‘25.3. , 기본계획 수립 ‘25.7.\n",
            [("‘25.3.", "추진방식 결정"), ("‘25.7.", "기본계획 수립")],
        ),
        # a date followed by a colon dates what follows it, also the second on a line
        (
            "ㅇ '24. 8. : 기본계획 고시 '24.12. : 턴키 발주\n",
            [("'24. 8.", "기본계획 고시"), ("'24.12.", "턴키 발주")],
        ),
        # after a bracketed label, and after an inline arrow
        (
            "▪ (기간) '25. 11. 26.(화) ~ 11. 28.(목) / 부산\n",
            [("'25. 11. 26.(화) ~ 11. 28.(목)", "기간")],
        ),
        ("ㅇ (추진계획) 상·하반기 연2회 확정\n", [("상·하반기 연2회", "추진계획")]),
        # a single-digit count after a list of dates is how many, not a dated figure
        (
            "○ 자문회의(’15.5.22, ’16.2.1) 2회 실시\n",
            [("’15.5.22", "자문회의"), ("’16.2.1", "자문회의")],
        ),
        (
            "ㅇ ’23. 12. : 기본계획 고시 ▸ ’29.12월 개항목표 명기\n",
            [("’23. 12.", "기본계획 고시"), ("’29.12월", "개항목표 명기")],
        ),
    ],
)
def test_where_a_date_is_a_step(text, steps):
    assert _steps(text) == steps


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("○ 인력 현황(’25년 1월 기준)\n", "as_of"),
        ("○ 민원 접수 ’24. 상반기 1,194건\n", "statistic"),
        ("○ 민원 접수 ’24. 상반기 12회\n", "statistic"),
        ("* 사업 검토 ‘22 ~ ‘24년 총9건\n", "statistic"),
        ("○ 예산 증가(’24년 대비)\n", "comparison"),
        ("ㅇ (추진계획) 상반기 실적 점검\n", "results_of"),
        ("ㅇ 2024년 12월말 정비기금 보유현황 : 204,072백만원\n", "status"),
        ("* 무인수납시스템 이용 납부 현황(‘24년) : 19만 3천건\n", "status"),
        ("구분\t2024년\t2025년\n예산\t10\t20\n", "header_cell"),
        ("구분\t증감률\n합계\t4.2\n", "number_cell"),
        ("○ 인력 (’25.1월, 단위 : 명)\n", "caption"),
        ("《 감염병예방법 주요 개정내용(’20. 8. 12.) 》\n", "caption"),
        ("○ 청년수당 매월 50만원 지급\n", "rate"),
        ("ㅇ 예산금액 : 8.2억원(행사운영비 1.2, 시설비 7)\n", "money_part"),
        ("• 초미세먼지(PM-2.5) 유지관리\n", "code"),
    ],
)
def test_date_exclusions_name_their_reason(text, rule):
    assert rule in {r.name for r in DATE_EXCLUSIONS}
    assert _steps(text) == []


def test_a_figure_dates_only_within_its_own_cell():
    """'(2014∼)' ⏎ '15' ⏎ '건축위원회': the next cell's '15' and the next row's '건' are not a
    figure of 15 건 that the date dates."""
    table = "위원회명\t설치\t위원수\n주거정책심의위원회\t(2014∼)\t15\n건축위원회\t(1973∼)\t149\n"
    assert [w for w, _ in _steps(table)] == ["2014∼", "1973∼"]


def test_the_documents_own_date_is_not_a_step():
    text = "2025. 2. 11.(화)\n주 요 업 무 계 획\nⅠ. 일반현황\n□ 추진일정\n○ 착공(3월)\n"
    assert [w for w, _ in _steps(text)] == ["3월"]


def test_a_calendar_grids_header_is_not_a_step():
    assert _steps("□ 추진계획\n1분기 2분기 3분기 4분기\n’17년 ’18.6월\n") == []


def test_a_date_column_dates_its_rows_and_a_step_strip_its_cells():
    table = (
        "추진내용\t추진기간\n민관협력포럼개최\t2016.03~2016.03\n홍보 매뉴얼 제작\t2016.03~2016.11\n"
    )
    assert _steps(table) == [
        ("2016.03~2016.03", "민관협력포럼개최"),
        ("2016.03~2016.11", "홍보 매뉴얼 제작"),
    ]
    strip = "신청접수\t서류검증\t발표\n6.11. ~ 6.13.\t6.14. ~ 7.4.\t7.8.\n"
    assert _steps(strip) == [
        ("6.11. ~ 6.13.", "신청접수"),
        ("6.14. ~ 7.4.", "서류검증"),
        ("7.8.", "발표"),
    ]


def test_a_label_value_sheets_history_field_lists_steps():
    text = (
        "부서부서부서\n평생교육과\n사업사업사업\n포털 운영\n"
        '경위경위경위\n"ㅇ 포털 구축 : ’11.6월 ~ ’12.2월<br>ㅇ 2008년 환경보건법 제정"\n'
    )
    doc = doc_of(text, "budget_program", D(2017, 1, 1))
    assert [(r.when_text, r.task, r.start_date) for r in doc.schedules] == [
        ("’11.6월 ~ ’12.2월", "포털 구축", D(2011, 6, 1)),
        ("2008년", "환경보건법 제정", D(2008, 1, 1)),
    ]


def test_a_label_line_opens_a_schedule_part_to_its_next_label():
    text = (
        "□ 향후계획\nㅇ 공공토지비축 매매계약\n❖ 추진일정\n"
        "ㅇ 추진방식 결정 ‘25.3. 후 설계 ‘27.~’28.\n❖ 사업개요\nㅇ 기간 연장 ’25.3. 결정된 사항\n"
    )
    assert [w for w, _ in _steps(text)] == ["‘25.3.", "‘27.~’28."]


def test_a_line_of_only_dates_dates_the_item_above_it():
    text = "○ 자문위원회 개최 6회\n- ’14년(8.29, 10.17), ’15년(1.10)\n"
    assert _steps(text, "other") == [
        ("8.29", "자문위원회 개최 6회"),
        ("10.17", "자문위원회 개최 6회"),
        ("1.10", "자문위원회 개최 6회"),
    ]
    assert _steps("’17년 ’18.6월\n1분기 2분기\n", "other") == []  # a grid's header row


@pytest.mark.parametrize(
    "text",
    [
        "○ 서울시 인구는 ’24.12월, 약 940만명으로 감소\n",  # a figure's date, not a list of steps
        "○ 인구 추이 ’24.12월 : 940만명, ’25.6월 : 935만명\n",  # a date before a figure
        "▪ (인구) ’24.12월 말 940만명\n",  # a bracketed label that is not a time
        "○ 가입자 2만명 → ’25.6월 3만명으로 증가\n",  # a change arrow, not an item's bullet
        "○ 통계 현황\n - ’24.6월, ’24.12월\n",  # dates of a statistic, not in brackets
    ],
)
def test_figures_dated_in_passing_are_not_steps(text):
    assert _steps(text) == []


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # the item above dates its yearless sub-steps to the month: they are of its year
        (
            "○ 정보 제공 개선\n- 홈페이지 개선(’15.3월~)\n· 외국어 서비스 : 영어(7월)\n",
            [2015, 2015],
        ),
        # a bare year in a title is a budget's or a figure's, not the steps' year
        ("□ 2026년도 본예산 편성 추진\n○ 예산안 확정(10월 말)\n", [2025]),
        ("□ 심사제 운영 ※ ’24년 115건 심사\n○ 정기심사(3월)\n", [2025]),
        # a title dated in two years says nothing of one year
        ("○ 사업 추진(’15.3월~’16.2월)\n- 중간보고(7월)\n", [2015, 2025]),
        # the title's date, not the year it leads with (the budget it prepares), dates the steps
        ("○ ’16년 대상사업 선정 협의 : ’15. 5 ~ 11월\n- 기준 수립(5~6월)\n", [2015, 2015]),
    ],
)
def test_the_year_in_force_for_a_yearless_step(text, years):
    doc = doc_of(text, "work_report", DOC_DATE)
    assert [r.start_date.year for r in doc.schedules] == years


def test_a_year_is_carried_down_a_date_column():
    table = "단계\t내용\t시기\n1단계\t모집 공고\t’26. 3월\n2단계\t선정\t4월\n3단계\t협약\t’27. 1월\n4단계\t정산\t3월\n"
    doc = doc_of(table, "work_report", DOC_DATE)
    assert [(r.when_text, r.start_date) for r in doc.schedules] == [
        ("’26. 3월", D(2026, 3, 1)),
        ("4월", D(2026, 4, 1)),
        ("’27. 1월", D(2027, 1, 1)),
        ("3월", D(2027, 3, 1)),
    ]


@pytest.mark.parametrize(
    ("table", "tasks"),
    [
        # a label that only numbers the step gives way to what the row says before its date
        (
            "단계\t내용\t시기\t비고\n1단계\t모집 공고\t3월\t홈페이지\n제2차\t선정\t4월\t\n",
            ["모집 공고", "선정"],
        ),
        ("순서\t내용\t일정\n①\t공고\t3월\n②\t선정\t4월\n", ["공고", "선정"]),
        # a label with words is the task
        ("구분\t내용\t일정\n공고\t참여기업 모집\t3월\n", ["공고"]),
    ],
)
def test_a_step_number_is_not_the_task(table, tasks):
    assert [t for _, t in _steps("□ 추진일정\n" + table)] == tasks


def test_a_roadmap_of_arrows_is_dated_by_the_line_of_brackets_under_it():
    text = (
        "□ 추진 로드맵\n"
        "기본구상 용역 ⇨ 개발계획 수립 ⇨ 보상 및 공사\n"
        "(‘21.11.~‘22.12.) (‘23.5.~‘25.) (‘27.~‘32.)\n"
    )
    assert _steps(text) == [
        ("‘21.11.~‘22.12.", "기본구상 용역"),
        ("‘23.5.~‘25.", "개발계획 수립"),
        ("‘27.~‘32.", "보상 및 공사"),
    ]
    # as many brackets as steps, or it is not a roadmap's dates
    assert ("‘21.11.~‘22.12.", "기본구상 용역") not in _steps(
        "□ 추진 로드맵\n기본구상 용역 ⇨ 개발계획 수립 ⇨ 보상 및 공사\n(‘21.11.~‘22.12.) (‘23.5.~‘25.)\n"
    )


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        # what is scheduled ('… 예정') is dated however mid-sentence its date stands
        ("※ 정책연구 인력 등 5명 ’17년 2월 채용 예정\n", [("’17년 2월", "정책연구 인력 등 5명")]),
        ("○ 2026년 착공 예정\n", [("2026년", "착공 예정")]),
        # ... not a year that only qualifies a thing ('예정인 사업은 10개')
        ("○ ’25년 예산 편성 예정인 사업은 10개\n", []),
        # a period up to now is a step; a date 'as of now' is not
        (
            "○ 관리자 과정 교육 잠정 연기(‘16.6.3~현재)\n",
            [("‘16.6.3~", "관리자 과정 교육 잠정 연기")],
        ),
        ("○ 인력 현황(’25.1월 현재)\n", []),
        # a deadline closing its clause, also before the body's closing '끝.'
        (
            "○ 과업기간 : 계약일로부터 2026.1.31.까지\n",
            [("2026.1.31.", "과업기간 : 계약일로부터")],
        ),
        ("ㅇ 수당 지급 : ~ 9월 초.  끝.\n", [("9월 초", "수당 지급")]),
        ("ㅇ 수당은 9월 초 검토 후 지급 끝.\n", []),  # mid-sentence: not closing
        # the year a step is done in, closing its item; not a year naming what is planned
        ("❖ 저감시설 설치사업(‘26년 완료, 566억원)\n", [("‘26년", "저감시설 설치사업")]),
        ("- 2018년 개관 예정 주요시설 현장방문 및 점검\n", []),
        # a year what goes on through, after its colon ('지속시행', '계속 추진')
        ("- 합동평가 실시 : ’17년 지속시행\n", [("’17년", "합동평가 실시")]),
        ("- 시범 운영 : ’17년 계속 추진\n", [("’17년", "시범 운영")]),
        ("○ ’17년 운영 실적\n", []),  # a year naming what is reported, not a step
        # a recurrence in brackets qualifies a dated step of its own item, not the next item's
        (
            "- 오피스아워 (매월) , 스타트업 데뷔 디데이 (’24.10.)\n",
            [("매월", "오피스아워"), ("’24.10.", "스타트업 데뷔 디데이")],
        ),
        # a recurrence beside a dated step says how often within it: one row, not two
        (
            "○1996년부터 2014년까지 매년 여성주간 기념행사 개최\n",
            [("1996년부터 2014년", "매년 여성주간 기념행사 개최")],
        ),
    ],
)
def test_scheduled_and_up_to_now(text, steps):
    assert _steps(text) == steps


def test_a_row_of_step_names_flattened_above_its_row_of_dates():
    text = (
        "□ 선정 절차\n신청접수\n서류검증\n예비선정자 발표\n"
        "6.11. ~ 6.13.\n6.14. ~ 7.4.\n7.8.\n□ 향후 계획\n"
    )
    assert _steps(text) == [
        ("6.11. ~ 6.13.", "신청접수"),
        ("6.14. ~ 7.4.", "서류검증"),
        ("7.8.", "예비선정자 발표"),
    ]
    # one label too many or too few: which date is whose cannot be told
    assert _steps("□ 절차\n접수\n검증\n발표\n6.11.\n6.14.\n") == []
    # blank lines between the cells are no cells; a part of the month is still the month
    text = "2. 지원절차\n\n모집공고\n\n신청·접수\n\n’26. 07. 00.\n’26. 8월 중순\n \n※ 변경 가능\n"
    assert _steps(text) == [("’26. 07. 00.", "모집공고"), ("’26. 8월 중순", "신청·접수")]
    # one date under one word is as often a grid's header
    assert _steps("구분\n운영\n3분기\n-\n") == []


def test_a_forms_event_date_labels_name_their_dates():
    text = (
        "조서\n공사명\t콜센터 운영 용역\t\t\n"
        "계약일자\t2024년 2월 20일\t착공일자\t2024년 2월 20일\n"
        "준공기한\t2024년 12월 31일\t준공일자\t2024년 12월 31일\n"
        "결재일자\t2024년 12월 18일\t\t\n"
    )
    doc = doc_of(text, "approval", dt.date(2024, 12, 18))
    assert [(r.when_text, r.task) for r in doc.schedules] == [
        ("2024년 2월 20일", "계약일자"),
        ("2024년 2월 20일", "착공일자"),
        ("2024년 12월 31일", "준공기한"),
        ("2024년 12월 31일", "준공일자"),
    ]  # and the 결재일자 is the document's own date


def test_a_period_open_at_its_end_in_a_header_dates_what_the_header_names():
    text = "○ 사업 현황\n계\t폐가 철거사업 (‘08~)\t햇살둥지사업 (‘12~)\n4,362\t3,714\t648\n"
    assert _steps(text) == [("‘08~", "폐가 철거사업"), ("‘12~", "햇살둥지사업")]


@pytest.mark.parametrize(
    "text",
    [
        "- 실행위원회 개최(3회) : ’16.4.29., 5.17., 8.26.\n",
        "- 실행위원회 개최(3회) : ’16.4.29., 5.17.8.26\n",  # the last two glued together
    ],
)
def test_every_date_listed_after_a_steps_colon_is_a_step(text):
    doc = doc_of(text, "work_report", DOC_DATE)
    assert [(r.start_date.month, r.start_date.day) for r in doc.schedules] == [
        (4, 29),
        (5, 17),
        (8, 26),
    ]
