"""Working-day and natural-day period arithmetic (review.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from review.dates import (
    CalendarNotCoveredError,
    add_calendar_days,
    add_months,
    add_working_days,
    calendar_days_between,
    deadline_end,
    is_working_day,
    month_deadline_end,
    working_day_deadline,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # EX01: 告知书 served Thu 2025-06-19, five working days → Thu 2025-06-26 (weekend skipped).
        (D(2025, 6, 19), 5, D(2025, 6, 26)),
        # 国庆/中秋 2025: 10-01..10-08 off, Sat 10-11 is a make-up working day.
        (D(2025, 9, 30), 5, D(2025, 10, 14)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        # Fri 2025-10-10 + 1 → the make-up Saturday 2025-10-11.
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        # Sun 2025-09-28 is a make-up working day: Sat 09-27 + 1 lands on it.
        (D(2025, 9, 27), 1, D(2025, 9, 28)),
        # Start on a holiday: counting begins the next day, holidays skipped.
        (D(2025, 10, 1), 3, D(2025, 10, 11)),
        # 春节 2025: 01-28..02-04 off, Sat 02-08 make-up working day.
        (D(2025, 1, 27), 3, D(2025, 2, 7)),
        (D(2025, 2, 7), 1, D(2025, 2, 8)),
        (D(2025, 6, 19), 0, D(2025, 6, 19)),
        # EX07: served Thu 2025-06-12, three working days → Tue 2025-06-17 (decision on 06-16 is early).
        (D(2025, 6, 12), 3, D(2025, 6, 17)),
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected
    deadline = working_day_deadline(start, n)
    assert deadline.date == expected
    assert deadline.calendar_exact is True
    assert "第八十五条" in deadline.basis


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 10, 11), True),  # make-up Saturday
        (D(2025, 10, 12), False),  # ordinary Sunday
        (D(2025, 10, 1), False),  # 国庆节
        (D(2025, 10, 9), True),
        (D(2025, 6, 21), False),  # ordinary Saturday
    ],
)
def test_is_working_day(day: dt.date, expected: bool) -> None:
    assert is_working_day(day) is expected


def test_year_beyond_coverage_falls_back_to_weekdays() -> None:
    # 2099-12-31 is a Thursday; Mon–Fri counting gives Wed 2100-01-06.
    deadline = working_day_deadline(D(2099, 12, 31), 4)
    assert deadline.date == D(2100, 1, 6)
    assert deadline.calendar_exact is False
    assert "人工核对" in deadline.basis
    with pytest.raises(CalendarNotCoveredError, match="2100年"):
        add_working_days(D(2099, 12, 31), 4)
    with pytest.raises(CalendarNotCoveredError):
        is_working_day(D(2100, 1, 4))


def test_span_from_covered_into_uncovered_year_is_not_exact() -> None:
    last_covered = D(2026, 12, 31)
    assert is_working_day(last_covered) is True
    deadline = working_day_deadline(last_covered, 5)
    assert deadline.calendar_exact is False
    with pytest.raises(CalendarNotCoveredError, match="2027年"):
        add_working_days(last_covered, 5)


def test_negative_periods_rejected() -> None:
    with pytest.raises(ValueError, match="负数"):
        working_day_deadline(D(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="负数"):
        deadline_end(D(2025, 1, 1), -1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 7, 3), 6, D(2026, 1, 3)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # leap year
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 5, 10), 0, D(2025, 5, 10)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("a", "days", "b"),
    [
        (D(2025, 7, 3), 15, D(2025, 7, 18)),
        (D(2024, 2, 28), 2, D(2024, 3, 1)),
        (D(2025, 1, 1), -1, D(2024, 12, 31)),
    ],
)
def test_calendar_days(a: dt.date, days: int, b: dt.date) -> None:
    assert add_calendar_days(a, days) == b
    assert calendar_days_between(a, b) == days


def test_calendar_days_between_ex12_span() -> None:
    # EX12: 立案 2021-07-20, 决定 2021-12-06.
    assert calendar_days_between(D(2021, 7, 20), D(2021, 12, 6)) == 139


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 2025-07-03 + 15 = Fri 07-18, a working day: no adjustment.
        (D(2025, 7, 3), 15, D(2025, 7, 18)),
        # 2025-09-16 + 15 = 10-01 国庆 → first working day after the holiday, 10-09.
        (D(2025, 9, 16), 15, D(2025, 10, 9)),
        # Ends on an ordinary Sunday (2025-07-20) → Monday.
        (D(2025, 7, 5), 15, D(2025, 7, 21)),
        # Ends on the make-up Saturday 2025-10-11: it is a working day, no adjustment.
        (D(2025, 9, 26), 15, D(2025, 10, 11)),
        (D(2025, 7, 3), 60, D(2025, 9, 1)),  # 07-03 + 60 = Mon 09-01
    ],
)
def test_deadline_end(start: dt.date, days: int, expected: dt.date) -> None:
    deadline = deadline_end(start, days)
    assert deadline.date == expected
    assert deadline.calendar_exact is True
    assert "第四十八条" in deadline.basis
    assert "未收录" in deadline.basis


def test_deadline_end_beyond_coverage() -> None:
    # 2100-01-02 is a Saturday: Mon–Fri fallback moves it to Monday 01-04, flagged.
    deadline = deadline_end(D(2099, 12, 26), 7)
    assert deadline.date == D(2100, 1, 4)
    assert deadline.calendar_exact is False


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # 2025-04-08 + 6 months = 2025-10-08, still 国庆 holiday → 10-09.
        (D(2025, 4, 8), 6, D(2025, 10, 9)),
        # 2026-01-03 is a Saturday of the 元旦 break; Sunday 01-04 is a make-up working day.
        (D(2025, 7, 3), 6, D(2026, 1, 4)),
    ],
)
def test_month_deadline_end(start: dt.date, months: int, expected: dt.date) -> None:
    assert month_deadline_end(start, months).date == expected
