from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.dates import find_dates, parse_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "recurrence"),
    [
        ("2020.2.19.", D(2020, 2, 19), D(2020, 2, 19), "day", None),
        ("2020-02-19", D(2020, 2, 19), D(2020, 2, 19), "day", None),
        ("2020. 2. 19.", D(2020, 2, 19), D(2020, 2, 19), "day", None),
        ("‘20. 2월중", D(2020, 2, 1), D(2020, 2, 29), "month", None),
        ("’20. 2~4월중", D(2020, 2, 1), D(2020, 4, 30), "month", None),
        ("'20. 6월~", D(2020, 6, 1), None, "month", None),
        ("'20.9월", D(2020, 9, 1), D(2020, 9, 30), "month", None),
        ("’16.11.10.", D(2016, 11, 10), D(2016, 11, 10), "day", None),
        ("'17.02.~06.", D(2017, 2, 1), D(2017, 6, 30), "month", None),
        ("8. 26. 0시", D(2020, 8, 26), D(2020, 8, 26), "day", None),
        ("8.16.(일) 19:25", D(2020, 8, 16), D(2020, 8, 16), "day", None),
        ("2016.03~2016.03", D(2016, 3, 1), D(2016, 3, 31), "month", None),
        ("9.1", D(2020, 9, 1), D(2020, 9, 1), "day", None),
        ("'20. 상반기", D(2020, 1, 1), D(2020, 6, 30), "half", None),
        ("하반기", D(2020, 7, 1), D(2020, 12, 31), "half", None),
        ("1분기", D(2020, 1, 1), D(2020, 3, 31), "quarter", None),
        ("연중", D(2020, 1, 1), D(2020, 12, 31), "year", "ongoing"),
        ("상시", D(2020, 1, 1), D(2020, 12, 31), "year", "ongoing"),
        ("수시", D(2020, 1, 1), D(2020, 12, 31), "year", "as_needed"),
        ("매월", D(2020, 1, 1), D(2020, 12, 31), "year", "monthly"),
        ("월 2회 이상", D(2020, 1, 1), D(2020, 12, 31), "year", "monthly"),
        ("격 월", D(2020, 1, 1), D(2020, 12, 31), "year", "bimonthly"),
        ("모니터링(월별, 센터)", D(2020, 1, 1), D(2020, 12, 31), "year", "monthly"),
        ("'13.12월~'14.3월", D(2013, 12, 1), D(2014, 3, 31), "month", None),
        # halves written short, and both halves
        ("(’26.下)", D(2026, 7, 1), D(2026, 12, 31), "half", None),
        ("’26.上", D(2026, 1, 1), D(2026, 6, 30), "half", None),
        ("‘25.상", D(2025, 1, 1), D(2025, 6, 30), "half", None),
        ("‘24.상·하", D(2024, 1, 1), D(2024, 12, 31), "half", None),
        # both halves once each, or n times a year: a recurrence over the whole year
        ("상·하반기 각 1회", D(2020, 1, 1), D(2020, 12, 31), "year", "yearly"),
        ("상·하반기 연2회", D(2020, 1, 1), D(2020, 12, 31), "year", "yearly"),
        ("‘24.상·하 각 1회", D(2024, 1, 1), D(2024, 12, 31), "year", "yearly"),
        ("’25.9.～’26.상", D(2025, 9, 1), D(2026, 6, 30), "month", None),
        # years alone, open, paired, ranged
        ("승인 ( ’ 25.)", D(2025, 1, 1), D(2025, 12, 31), "year", None),  # spaced by a PDF
        ("추진 (9개 하천, ’ 26.~)", D(2026, 1, 1), None, "year", None),
        ("’26년까지", D(2026, 1, 1), D(2026, 12, 31), "year", None),
        ("(’26.~)", D(2026, 1, 1), None, "year", None),
        ("’23/’24년", D(2023, 1, 1), D(2024, 12, 31), "year", None),
        ("'03~'07", D(2003, 1, 1), D(2007, 12, 31), "year", None),
        ("’25⁓’33", D(2025, 1, 1), D(2033, 12, 31), "year", None),
        ("’24년말", D(2024, 1, 1), D(2024, 12, 31), "year", None),
        ("연말", D(2020, 1, 1), D(2020, 12, 31), "year", None),
        # weekdays on both ends, spaced; month parts; months listed
        ("’26. 3.4.(수) ~ 4.10(금)", D(2026, 3, 4), D(2026, 4, 10), "day", None),
        ("2025. 2. 7.( 금 )", D(2025, 2, 7), D(2025, 2, 7), "day", None),
        ("3월말", D(2020, 3, 1), D(2020, 3, 31), "month", None),
        ("(3,6,9,12월)", D(2020, 3, 1), D(2020, 12, 31), "month", None),
        # open-ended with a fullwidth tilde; a doubled dot; an unusual apostrophe
        ("(’26.5.2.～)", D(2026, 5, 2), None, "day", None),
        ("’23.12..21.~’24.5.30.", D(2023, 12, 21), D(2024, 5, 30), "day", None),
        ("ˊ24. 5.", D(2024, 5, 1), D(2024, 5, 31), "month", None),
        # a table's bare two-digit year
        ("23.3.29.", D(2023, 3, 29), D(2023, 3, 29), "day", None),
    ],
)
def test_expressions(text, start, end, precision, recurrence):
    found = list(find_dates(text, 2020))
    assert len(found) == 1, found
    m = found[0]
    assert (m.start_date, m.end_date, m.precision, m.recurrence) == (
        start,
        end,
        precision,
        recurrence,
    )
    assert text[m.start : m.end] == m.text


def test_year_in_force_carries_forward():
    text = "’20. 2월 위원회 구성, 3월 개최"
    found = list(find_dates(text, 2019))
    assert [m.start_date for m in found] == [D(2020, 2, 1), D(2020, 3, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "1,145,180천원",
        "10.5%",
        "3대 분야 10대 과제",
        "02-2133-8665",
        "307/295명",
        "같은 법 1.3 조",
        "27조",
        "(5.4 억원 )",
        "2.5억원",
        "1.00 배",  # a ratio, not a blank-day template date
        "(가덕대교 ~ 신공항, L=9.3 ㎞ )",  # a measure after '=', its unit after a space
        "‘서울런’ 25 강좌",  # a closing quote, then a number: not a spaced apostrophe year
        "1.3.2.1 조항",  # a numbering, not two days glued together
    ],
)
def test_not_dates(text):
    assert list(find_dates(text, 2020)) == []


def test_day_not_glued_to_a_counter():
    (m,) = find_dates("‘20.02. 3대 분야 간담회", 2020)
    assert m.text == "‘20.02." and m.precision == "month"


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
    st.sampled_from(
        ["{y}.{m}.{d}.", "{y}-{m:02d}-{d:02d}", "{y}. {m}. {d}.", "’{yy:02d}.{m}.{d}."]
    ),
)
def test_full_dates_round_trip(d, fmt):
    text = fmt.format(y=d.year, yy=d.year % 100, m=d.month, d=d.day)
    assert parse_date(text) == d


@pytest.mark.parametrize(
    ("yy", "ref", "year"), [(97, 2017, 1997), (15, 2017, 2015), (25, 2025, 2025), (99, None, 1999)]
)
def test_a_two_digit_year_takes_the_century_nearest_the_document(yy, ref, year):
    """Without a document year, the year in force (here 2020) decides: '99 is 1999."""
    (m,) = find_dates(f"’{yy:02d}. 3월", 2020, ref_year=ref)
    assert m.start_date is not None and m.start_date.year == year


def test_until_an_event_is_an_open_period_without_dates():
    (m,) = find_dates("선별진료소 운영 : ~종식시", 2020)
    assert (m.text, m.start_date, m.end_date, m.open_end) == ("~종식시", None, None, True)


def test_a_numbered_line_after_a_date_is_not_its_month():
    found = find_dates("설계 ‘27.~’28.\n5 낙동강하구 관리계획\n", 2025)
    assert [(d.text, d.start_date, d.end_date) for d in found] == [
        ("‘27.~’28.", dt.date(2027, 1, 1), dt.date(2028, 12, 31))
    ]


def test_a_date_wrapped_in_a_narrow_cell_is_one_date():
    (d,) = find_dates("’24.\n12.~’25.3.", 2025)
    assert (d.start_date, d.end_date) == (dt.date(2024, 12, 1), dt.date(2025, 3, 31))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # months listed after a month: one range, as '1,7월' is
        ("’15.6월 / 7월", dt.date(2015, 6, 1), dt.date(2015, 7, 31)),
        ("’16.1~5월, 11월", dt.date(2016, 1, 1), dt.date(2016, 11, 30)),
        # a template's blank day ('00') says the month only
        ("’26. 07. 00.", dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
        ("’26. 07. 00. ~ 08. 00.", dt.date(2026, 7, 1), dt.date(2026, 8, 31)),
    ],
)
def test_listed_months_and_blank_days(text, start, end):
    (d,) = find_dates(text, 2026)
    assert (d.start_date, d.end_date, d.precision) == (start, end, "month")


@pytest.mark.parametrize(
    "text", ["子펀드 결성 ('25. 下 ~)", "ㅇ '25. 下 ~ : 子펀드 결성", "ㅇ '25. 下 ~"]
)
def test_a_half_with_a_range_sign_and_nothing_after_is_open_ended(text):
    (d,) = find_dates(text, 2025)
    assert (d.text, d.start_date, d.end_date, d.open_end) == (
        "'25. 下 ~",
        dt.date(2025, 7, 1),
        None,
        True,
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # a day's hours are part of the day, not a range to the 16th
        ("2025. 2. 12.(수) 14:00 ~ 16:00", D(2025, 2, 12), D(2025, 2, 12)),
        ("2.12.(수) 14:00 ~ 2.13.(목) 18:00", D(2025, 2, 12), D(2025, 2, 13)),
        # 'A부터 B까지': the span between the two; 'A부터' alone is open-ended
        ("1996년부터 2014년까지", D(1996, 1, 1), D(2014, 12, 31)),
        ("’15.3월부터 ’16.2월까지", D(2015, 3, 1), D(2016, 2, 29)),
        ("’06년부터", D(2006, 1, 1), None),
    ],
)
def test_hours_and_from_until(text, start, end):
    d = next(find_dates(text, 2025))
    assert (d.start_date, d.end_date) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("개관(26.상)", D(2026, 1, 1), D(2026, 6, 30)),  # the apostrophe lost, alone in brackets
        ("’30.하준공예정", D(2030, 7, 1), D(2030, 12, 31)),  # glued to what it dates
    ],
)
def test_halves_a_pdf_mangled(text, start, end):
    d = next(find_dates(text, 2025))
    assert (d.start_date, d.end_date) == (start, end)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        # a range that ends in a year alone ends with that year, not in the start's month
        ("(‘23.5.~‘25.)", dt.date(2025, 12, 31)),
        ("’23.5.~’25년", dt.date(2025, 12, 31)),
        ("(2023.5.~2025.)", dt.date(2025, 12, 31)),
        ("2023. 5. ~ 2025.", dt.date(2025, 12, 31)),
        # a day range keeps its month
        ("5.1~15", dt.date(2025, 5, 15)),
    ],
)
def test_the_end_of_a_range_is_its_own(text, end):
    (d,) = find_dates(text, 2025)
    assert d.end_date == end


@pytest.mark.parametrize("text", ["26.상 정비", "’25.상하수도 정비"])
def test_not_halves(text):
    assert all(d.precision != "half" for d in find_dates(text, 2025))


def test_a_word_after_a_run_of_tabs_is_not_a_unit_of_the_date():
    # '원외' (off-site) after the cell's tabs: the date stands; '10.22원' would be money
    (d,) = find_dates("10.20.- 10.22.\t\t\t원외", 2025)
    assert (d.start_date, d.end_date) == (D(2025, 10, 20), D(2025, 10, 22))
    assert list(find_dates("10.22.\t\t\t원", 2025)) == []


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # two day dates whose separator a converter lost, after a year or in a list of dates
        ("개최 : ’16.5.3.9.19", [D(2016, 5, 3), D(2016, 9, 19)]),
        ("개최 : ’16.4.29., 5.17.8.26", [D(2016, 4, 29), D(2016, 5, 17), D(2016, 8, 26)]),
        # the second before the first: not two dates of one list
        ("’16.9.3.5.19", []),
    ],
)
def test_two_days_glued_together_are_two_dates(text, days):
    got = [m.start_date for m in find_dates(text, 2016) if m.precision == "day"]
    assert got == days
    for m in find_dates(text, 2016):
        assert text[m.start : m.end] == m.text
