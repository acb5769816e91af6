"""Date arithmetic of administrative procedure: working-day and natural-day periods.

Two kinds of period occur in a 行政处罚 file:

* working-day periods: 《中华人民共和国行政处罚法》第八十五条 — the 二日、三日、五日、七日 of that law are
  working days, statutory holidays excluded (e.g. the 陈述申辩 period after the 事先告知书);
* natural-day and month periods (十五日 to pay, 六十日 to apply for 复议, 六个月 to sue): the day the period
  starts is not counted and a period whose last day is a holiday ends on the next working day —
  《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第四十八条 (in the corpus); the general rule is
  《中华人民共和国民法典》第二百零一条、第二百零二条、第二百零三条 (not in the corpus).

Working days come from `chinese_calendar`, which knows the State Council holiday schedule including
调休 make-up working days. It only covers the years it ships data for; outside them we fall back to
Monday–Friday and say so (`Deadline.calendar_exact` is False), because a reviewer must then check by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt

import chinese_calendar
from pydantic import Field

from review.models import Frozen

WORKING_DAY_BASIS = (
    "《中华人民共和国行政处罚法》第八十五条：“二日”“三日”“五日”“七日”是指工作日，不含法定节假日；"
    "期间开始之日不计算在内（《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第四十八条）"
)
NATURAL_DAY_BASIS = (
    "期间开始之日不计算在内，期间届满的最后一日是节假日的，以节假日后的第一日为期间届满的日期"
    "（《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第四十八条；"
    "《中华人民共和国民法典》第二百零一条、第二百零三条，后者未收录于语料库）"
)
MONTH_BASIS = (
    "按月计算的期间，到期月的对应日为最后一日，没有对应日的以月末日为最后一日；最后一日是节假日的顺延至"
    "节假日后的第一日（《中华人民共和国民法典》第二百零二条、第二百零三条，未收录于语料库；"
    "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第四十八条）"
)
FALLBACK_NOTE = "；chinese_calendar 未收录该年度节假日安排，已按周一至周五推算，请人工核对调休与节假日"


class CalendarNotCoveredError(ValueError):
    """The holiday schedule of a year is unknown to chinese_calendar."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        super().__init__(
            f"无法精确计算工作日：chinese_calendar 未收录{day.year}年的法定节假日和调休安排"
            f"（{day.isoformat()}）。"
            "请升级 chinesecalendar 软件包，或改用 working_day_deadline() 按周一至周五推算后人工核对。"
        )


class Deadline(Frozen):
    """The last day of a period, whether the holiday calendar was known for it, and the rule applied."""

    date: dt.date = Field(description="Last day of the period (inclusive).")
    calendar_exact: bool = Field(
        description="False when a year outside chinese_calendar's data was met and Monday–Friday was assumed."
    )
    basis: str = Field(description="The counting rule with its legal reference, in Chinese.")


def _workday_or_none(day: dt.date) -> bool | None:
    """chinese_calendar's verdict for `day`, or None when the year is outside its data."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _weekday_fallback(day: dt.date) -> bool:
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    """True on a working day (调休 make-up Saturdays/Sundays included, statutory holidays excluded).

    Raises CalendarNotCoveredError when chinese_calendar has no data for the year.
    """
    verdict = _workday_or_none(day)
    if verdict is None:
        raise CalendarNotCoveredError(day)
    return verdict


def working_day_deadline(start: dt.date, n: int) -> Deadline:
    """The n-th working day after `start` (start not counted), with a Monday–Friday fallback.

    n = 0 returns `start` itself. Basis: 《中华人民共和国行政处罚法》第八十五条.
    """
    if n < 0:
        raise ValueError(f"工作日天数不能为负数：{n}")
    exact = True
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        verdict = _workday_or_none(day)
        if verdict is None:
            exact = False
            verdict = _weekday_fallback(day)
        if verdict:
            counted += 1
    basis = WORKING_DAY_BASIS + ("" if exact else FALLBACK_NOTE)
    return Deadline(date=day, calendar_exact=exact, basis=basis)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start not counted); raises CalendarNotCoveredError if unknown."""
    deadline = working_day_deadline(start, n)
    if not deadline.calendar_exact:
        # Name the first uncovered day so the message says which year is missing.
        day = start
        while _workday_or_none(day + dt.timedelta(days=1)) is not None:
            day += dt.timedelta(days=1)
        raise CalendarNotCoveredError(day + dt.timedelta(days=1))
    return deadline.date


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """`start` plus `days` natural days (no holiday adjustment)."""
    return start + dt.timedelta(days=days)


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day `months` later; clamped to the month's last day when it has no such day (1-31 + 1 → 2-28/29).

    Month periods end on the corresponding day of the last month (《中华人民共和国民法典》第二百零二条).
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last))


def calendar_days_between(a: dt.date, b: dt.date) -> int:
    """Natural days from `a` to `b` (b - a; negative when b is earlier)."""
    return (b - a).days


def _roll_to_working_day(day: dt.date) -> tuple[dt.date, bool]:
    """The first working day on or after `day`, and whether the calendar was exact all along."""
    exact = True
    while True:
        verdict = _workday_or_none(day)
        if verdict is None:
            exact = False
            verdict = _weekday_fallback(day)
        if verdict:
            return day, exact
        day += dt.timedelta(days=1)


def deadline_end(start: dt.date, days: int) -> Deadline:
    """Last day of a natural-day period of `days` days counted from `start` (start not counted).

    When that day is a holiday or weekend rest day the period ends on the next working day
    (司法解释 第四十八条; 民法典 第二百零三条).
    """
    if days < 0:
        raise ValueError(f"期间天数不能为负数：{days}")
    end, exact = _roll_to_working_day(start + dt.timedelta(days=days))
    basis = NATURAL_DAY_BASIS + ("" if exact else FALLBACK_NOTE)
    return Deadline(date=end, calendar_exact=exact, basis=basis)


def month_deadline_end(start: dt.date, months: int) -> Deadline:
    """Last day of a period of `months` months from `start` (e.g. 六个月 to sue), holiday-adjusted."""
    if months < 0:
        raise ValueError(f"期间月数不能为负数：{months}")
    end, exact = _roll_to_working_day(add_months(start, months))
    return Deadline(date=end, calendar_exact=exact, basis=MONTH_BASIS + ("" if exact else FALLBACK_NOTE))
