"""The words Korean administrative documents use for money, time and structure — written once.

Every pattern of the readers, the table parser, the outline and the extraction is built from
these lists, so a unit, a marker or a year form added here is understood everywhere. Names say
what a thing is in the domain; each list is small and closed on purpose: a word here changes
what thousands of unseen documents give.
"""

from __future__ import annotations

import re

# ── money ────────────────────────────────────────────────────────────────────────────────
WON = "원"  # the base unit: every money unit ends with it, and amounts are counted in it
# A unit as written after a number (or declared for a table: '(단위 : 백만원)') → won.
MONEY_UNITS: dict[str, int] = {
    WON: 1,
    "천원": 10**3,
    "만원": 10**4,
    "십만원": 10**5,
    "백만원": 10**6,
    "천만원": 10**7,
    "억원": 10**8,
    "십억원": 10**9,
    "조원": 10**12,
}
# 억원: the unit right below 조원 in Korean 만-grouping ('1조 3,154' is 1조 3,154억).
EOK_WON = "억" + WON
# The contract's `unit` values: a compound scale is reported by the base unit it is written in.
STATED_UNIT: dict[str, str] = {"십만원": "만원", "천만원": "만원", "십억원": "억원", "백원": WON}
# Multipliers written between digits: 2조 9,123억, 1억 5천만 (longest first for regexes).
SCALES: dict[str, int] = {
    unit.removesuffix(WON): mult for unit, mult in MONEY_UNITS.items() if unit != WON
} | {"백": 10**2}
# 조 and 억 stand for 조원 / 억원 even without 원 ('총 9,845억', '5.4조 지방재정부담').
BARE_SCALES = ("조", "억")
# Signs of a negative amount in budget tables (△ and its converter variants, then minus).
NEGATIVE_SIGNS = "△Δ▲−-"  # "-" last: literal inside [...]
# Counters: a number followed by one of these counts things, it is not money.
COUNTERS = (
    "명",
    "개소",
    "개",
    "건",
    "회",
    "톤",
    "가구",
    "세대",
    "마리",
    "대",
    "권",
    "장",
    "주",
    "평",
    "㎡",
    "m",
    "km",
    "㎞",
    "달러",
    "불",
    "위안",
    "엔",
    "유로",
    "%",
    "％",
    "배",
    "호",
    "층",
    "번",
    "차",
    "세",
    "팀",
    "곳",
    "동",
    "종",
    "명분",
)
# Units a table may declare that are not money (a count table, a percent column).
COUNT_UNITS = ("명", "건", "개", "%")


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first (so 백만원 wins over 만원)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


MONEY_UNIT_RE = _alternation(list(MONEY_UNITS))  # 천원|백만원|…|원
SCALE_RE = _alternation(list(SCALES))  # 천만|백만|십만|…|조
BARE_SCALE_RE = _alternation(BARE_SCALES)
COUNTER_RE = _alternation(COUNTERS)
COUNTER_WORD_RE = rf"(?:{COUNTER_RE})(?![가-힣])"  # a counter as a word: '3대' yes, '대토론회' no
# Counters that make a figure a statistic dated by the year before it ('’24년 1,194건').
STATISTIC_COUNTER_RE = _alternation(
    ["명", "건", "개소", "개", "가구", "세대", "곳", "톤", "회", "%"]
)
DECLARED_UNIT_RE = _alternation([*MONEY_UNITS, *COUNT_UNITS])
# A money unit declared for what follows: '(단위 : 천원)' (the unit is group 1).
UNIT_CAPTION_RE = re.compile(rf"\(\s*단위\s*[:：]\s*({MONEY_UNIT_RE})\s*\)")

# ── time ─────────────────────────────────────────────────────────────────────────────────
# Apostrophes that stand for a century before a two-digit year: ’20, '20, ‘20, `20 …
APOSTROPHES = "‘’'`´′＇？ˊʼ‛"  # the fullwidth ？ is a converter's lost apostrophe (？15. 12)
# A year written alone, four digits or an apostrophe and two: 2025, ’25 (patterns build on it).
YEAR_ANY = rf"(?:(?:19|20)\d\d|[{re.escape(APOSTROPHES)}]\d\d)"
RANGE_SIGNS = "~∼〜～－⁓"  # a range between two dates ('-' is judged by the date parser)
WEEKDAYS = "월화수목금토일"
# Halves of a year: 상반기 / 하반기, and the short forms of tables ('’26.上', '(’26.下)').
HALF_FIRST = ("상반기", "上")
HALF_SECOND = ("하반기", "下")
# Short halves after a year: '‘25.상', '’24.하'; both halves: '‘24.상·하', '상·하반기'.
HALF_SHORT = ("상", "하")
# Words for a part of the year in force: 연말 (year-end), 연초, 올해, 금년.
# Words for what a dated step does, which a PDF may glue to its date ('’30.하준공예정').
STEP_DONE_WORDS = ("준공", "착공", "완공", "완료", "개관", "개통", "개소")  # '’40년 완료'
# ... and what goes on through a year: '’17년 지속시행', '’26년 계속 추진'
STEP_ONGOING_WORDS = ("지속", "계속")
STEP_ONGOING_EVENTS = ("시행", "추진", "운영")
STEP_EVENT_WORDS = (*STEP_DONE_WORDS, "예정", "시행", "추진")
RELATIVE_YEAR_WORDS = ("연말", "연초", "올해", "금년", "당해연도", "년말", "년초")
# A month's part: '3월초', '3월중', '3월말', '3월경' (precision stays month).
MONTH_PARTS = "초중말경"
MONTH_TENTHS = ("상순", "중순", "하순", "초순")  # '8월 중순': a part of the month, still the month
# Words after a year that make it a bound or a comparison, not a fiscal year or a step:
# ’15년 대비, '12년까지, '06년부터, '19년 이후.
YEAR_BOUND_WORDS = ("대비", "까지", "부터", "이후", "이전", "이래")
# Words after a date that make it a reference point, not a step: ('18.7.10 기준), (현재).
AS_OF_WORDS = ("기준", "현재")
# Words after a period that make it the period whose results are reported: '상반기 실적 점검'.
RESULTS_OF_WORDS = ("실적", "성과")
# A noun that makes the date before it in its phrase a status's as-of date: '2024년 12월말
# 정비기금 보유현황 : …', '’24년 … 납부 현황'.
STATUS_WORDS = ("현황",)
# Recurrence words → the contract's `recurrence` values.
RECURRENCE_WORDS: tuple[tuple[str, str], ...] = (
    (r"매\s*월|월\s*\d+\s*회(?:\s*이상)?|월\s*1?\s*회|매달|월\s*별(?![가-힣])", "monthly"),
    (r"격\s*월", "bimonthly"),
    (r"분\s*기\s*별|매\s*분\s*기", "quarterly"),
    (r"매\s*년|연\s*\d+\s*회|연\s*1?\s*회", "yearly"),
    (r"연\s*중|상\s*시", "ongoing"),
    (r"수\s*시", "as_needed"),
)

# ── structure ────────────────────────────────────────────────────────────────────────────
ROMAN_NUMERALS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
CIRCLED_NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
HANGUL_ITEMS = "가나다라마바사아자차카타파하"  # 가. 나. 다. … (never the range 가-하)
PRIVATE_USE = "\ue000-\uf8ff\U000f0000-\U000ffffd"  # converters' lost symbol glyphs
BOX_MARKERS = "□■▣◼"
CIRCLE_BULLETS = "○◦❍●ㅇ"
DOT_BULLETS = "·ㆍ•∙"
ARROW_BULLETS = "▷▶‣►▸➢"
DIAMOND_BULLETS = "◇◆❖◈"
NOTE_MARKS = "※*"
# A line break written inside a value by web crawls ('…지급 완료<br>- 대출 …').
HTML_BREAK = r"<br\s*/?>"
# '… 지급 : ~ 9월 초.  끝.': the word a 공문 or 결재문서 closes its body with
END_OF_TEXT_MARK_RE = re.compile(r"[ \t]*끝\s*\.?[ \t]*$")

# Labels of label/value sheets (a label on its own line, its value below).
FIELD_LABELS = (
    "부서",
    "사업",
    "예산",
    "지출",
    "기능",
    "정책",
    "단위",
    "목적",
    "내용",
    "근거",
    "경위",
    "계획",
    "유아이디",
    "사업명",
    "사업기간",
    "사업목적",
    "사업내용",
    "추진경위",
    "추진계획",
)
# Field labels whose value lists the program's dated steps (its history and its plan).
SCHEDULE_FIELDS = ("경위", "계획", "추진경위", "추진계획", "사업기간")

# Headings of the parts that list a plan's dated steps.
SCHEDULE_HEADINGS = ("일정", "경과", "경위", "계획")
SCHEDULE_HEADING_RE = re.compile(
    r"^(?:[\d’‘'`]+년도?)?(?:추진|향후|세부|주요|사업)?(?:일정|경과|경위)(?:\(안\))?$"
)
# Labels of a program's own period, which a 사업비 in its block covers (not 협약기간, 교육기간).
PROGRAM_PERIOD_LABELS = (
    "사\\s*업\\s*기\\s*간",
    "지\\s*원\\s*기\\s*간",
    "공\\s*사\\s*기\\s*간",
    "추\\s*진\\s*기\\s*간",
)
# Glyphs and brackets around a line that only names the part below it: ❖ 추진일정, < 향후 일정 >.
LABEL_LINE_DECORATION = " \t❖◈◆◇■□▣●○◎<>〈〉《》【】[]()·-*※:："
# Table headers of a column of dates: 추진기간, 일정, 시기, 기한, 일시.
# a form's label for the date of an event: 계약일자, 착공일자, 준공기한, 검사일시
EVENT_DATE_LABEL_RE = re.compile(r"^[가-힣()]{1,12}(?:일자|기한|일시|예정일)$")
DATE_COLUMN_HEADER_RE = re.compile(r"기간|일정|시기|기한|일시|일자")
# Labels of a money total: 계, 합계, 소계, 총계, 총액, 총사업비.
TOTAL_LABEL_RE = re.compile(r"^(?:합\s*계|총\s*계|소\s*계|누\s*계|계|총\s*액)$")
# ... of which a subtotal sums some rows of a table, not all of them.
SUBTOTAL_LABEL_RE = re.compile(r"^소\s*계$")
# A row or column that counts things in a money table: 집행건수, 개수 (명) …
COUNT_HEADER_RE = re.compile(
    r"^(?:개수|건수|인원|동수|세대수|개소|횟수|명수|면적|길이|연장)$|\((?:명|건|개|회|동|세대|개소|㎡|km)\)"
)
COUNT_LABEL_RE = re.compile(
    r"건수|인원|횟수|개수|개소|명수|사업량|면적|\(명\)|\(건\)|\(회\)|\(㎡\)"
)
# A header or label of a money column / row: 금액, 예산, 사업비 …
MONEY_HEADER_RE = re.compile(r"금액|예산|집행액|결산|사업비|소요액|잔액|지출|세출|세입|투자")
# Headers of a percent column: 증감률, 비율, 구성비, '* 100'.
PERCENT_HEADER_RE = re.compile(r"\*\s*100|%|증감률|비율|율\b|률\b|구성비")
# A first-column header that names row labels (not a column of values).
LABEL_HEADER_RE = re.compile(
    r"구\s*분|[연년]\s*도|과\s*목|항\s*목|순\s*번|번\s*호|연\s*번|명\s*칭|사업명|기관|지표|부서|단계|내\s*용"
)
# A 회계/과목/비목 label: 일반회계, 사무관리비, 민간위탁금, 국외업무여비 …
CATEGORY_RE = re.compile(r"(?:회계|기금|[가-힣]+비|[가-힣]+금)$")
# Labels that only say 'money' — an amount so labelled is named by what it belongs to.
GENERIC_MONEY_LABEL_RE = re.compile(
    r"(?:\d{4}년도?|[‘’']\d\d년도?)?(?:총)?(?:소요)?(?:예산|사업비|금액|예산액|총액|소요액|소요예산|사업예산|투자액|지원액|규모|예산규모)"
)
# Headings that organise a document rather than name a subject (an amount under them is not
# 'theirs'): 행정사항, 기본현황, 예산 현황, 추진 배경 …
ADMIN_HEADING_RE = re.compile(
    r"행정\s*사항|기본\s*현황|일반\s*현황|현\s*황|추진\s*배경|개\s*요|예\s*산|재\s*원|소요|검토|향후|추진\s*(?:계획|방향|일정|경과)"
)
# A label that names a year's budget account ('예산 총 규모 :', '○ 일반회계 : 총 9,845억',
# '□ 예산총괄 :'): with no year of its own, a report's amount so labelled is its own year's.
BUDGET_ACCOUNT_LABEL_RE = re.compile(
    r"^(?:[^\w]*)(?:예\s*산\s*(?:총\s*(?:규모|괄|액)|규\s*모)?|일반\s*회계|특별\s*회계|기\s*금|세\s*입|세\s*출)\s*$"
)
# Words before an amount that make it a difference, not a level: 대비, 증감, 증가, 감소.
DIFFERENCE_WORDS = ("대비", "증감", "증가", "감소")
# A column of differences: '증감', '증감(B-A)', '’24년 대비', '차이' — not a rate ('증감률').
DIFFERENCE_HEADER_RE = re.compile(
    rf"(?:{'|'.join(DIFFERENCE_WORDS)}|차\s*이)(?!\s*[률율])|[(（][A-Z]\s*[-−]\s*[A-Z][)）]"
)
# Words after an amount that make it a bound: 40억원 이상, 300억원 미만.
# (a cap — 최대 1억원, 10억 이내 — is the most a program pays that year: it keeps the year)
BOUND_WORDS = ("이상", "이하", "미만", "초과")

# ── what an amount is: its flow and its stage (contract v2) ──────────────────────────────
# Words that make money flow in or out. 소요 ('소요예산') says only that money is needed, and a
# bare 수입 is too often someone else's income (운송수입) to say the government's.
REVENUE_WORDS = ("세입", "세외수입", "지방세", "교부세", "징수")
EXPENDITURE_WORDS = ("세출", "지출", "사업비", "투자", "집행")
# A 세출 통계목 (object of expenditure): 사무관리비, 국외업무여비, 민간위탁금, 행사실비보상금 …
# — a label ending in 비 (경비), 금 (위탁금, 출연금 …), 수당 or 임차료; not a funding source.
EXPENDITURE_OBJECT_RE = re.compile(
    r"[가-힣]+(?:비|위탁금|출연금|부담금|보상금|배상금|전출금|수당|임차료)$"
)
FUNDING_SOURCE_RE = re.compile(r"^(?:국비|시비|도비|구비|군비|지방비|국고|민자|자부담|기금|기타)$")
# The stage of money, most specific first: 추경 over 예산, 집행 over 예산, 소요 over 예산.
# A 최종예산 (the budget after its 추경s) is supplementary; a 당초예산 the budget as passed.
STAGE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("supplementary", re.compile(r"추경|추가경정|변경예산|최종예산|최종")),
    ("settlement", re.compile(r"결산|집행|지출(?!계획|예정)|실적|징수액")),
    ("request", re.compile(r"요구")),
    ("plan", re.compile(r"소요|총사업비|계획")),
    ("budget", re.compile(r"예산|당초|현액")),
)

# The heading of a table of contents (목 차, 순 서, 보고순서, 차 례): a cover's line that is one
# of these starts the contents, it is not the 실·국 that issued the plan.
TOC_HEADING_RE = re.compile(r"목\s*차|(?:보\s*고\s*)?순\s*서|차\s*례|contents", re.I)

# Arrows between the steps of a roadmap drawn on one line ('기본구상 ⇨ 개발계획 수립 ⇨ 공사').
STEP_ARROWS = "⇨⇒→➡➔➜➞▶"
