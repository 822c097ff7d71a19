"""The business day: one ``[restaurant] day_starts`` (04:00 by default) for every "day".

A hotpot house whose evening runs from 18:00 to 01:30 has one day, not the end of one
date and the start of the next: ``queueapp report``, the review's figures and the busy
hours all count it once. Real SQLite files and the tests' real config; times are given,
never read from the machine's clock.
"""

from __future__ import annotations

import json
from datetime import date

import arrow
import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, LATE_MIDNIGHT, config_variant, fill_late_service, local

from queueapp.cli.main import _range, main
from queueapp.clock import business_date, business_day_bounds, business_days, into_day
from queueapp.config import ConfigError
from queueapp.i18n import Translator
from queueapp.lobby import busy
from queueapp.messages.review import by_day as messages_by_day
from queueapp.review.reports import Filters, build
from queueapp.store import Store
from queueapp.store.outbox import CallOutcome
from queueapp.waitlist.events import ARRIVE, SEAT, Event
from queueapp.web.render import busy_section

TZ = "Asia/Shanghai"
MIDNIGHT = LATE_MIDNIGHT


def calendar_days(first: str, last: str) -> Filters:
    """Local midnight to midnight, as every report counted before business days."""
    return Filters(arrow.get(first, tzinfo=TZ).float_timestamp,
                   arrow.get(last, tzinfo=TZ).shift(days=1).float_timestamp)


# -- the config ---------------------------------------------------------------------------

def test_day_starts_defaults_to_four_and_tickets_restart_follows_it(config):
    assert config.day_starts == 4 * 60 and config.guests.tickets_restart == 4 * 60
    late = config_variant(**{'currency = "¥"': 'currency = "¥"\nday_starts = "05:30"'})
    assert late.day_starts == 5 * 60 + 30
    assert late.guests.tickets_restart == 5 * 60 + 30  # not given: the day's start
    own = config_variant(**{'currency = "¥"': 'currency = "¥"\nday_starts = "05:30"',
                            "[storage]": '[guests]\ntickets_restart = "03:00"\n\n[storage]'})
    assert (own.day_starts, own.guests.tickets_restart) == (330, 180)  # given: kept


def test_goodwill_shifts_default_to_one_a_day_from_the_day_start():
    """Without [goodwill] shift_starts the budget runs from day_starts to day_starts: a
    service past midnight keeps the one budget (it used to begin again at 00:00)."""
    no_shifts = {'shift_starts = ["10:00", "16:30"]': ""}
    assert config_variant(**no_shifts).goodwill.shift_starts == (4 * 60,)
    late = config_variant(**no_shifts, **{'currency = "¥"':
                                          'currency = "¥"\nday_starts = "05:30"'})
    assert late.goodwill.shift_starts == (5 * 60 + 30,)


@pytest.mark.parametrize("value", ['"25:00"', '"24:00"', '"4"', '"noon"', "4", '""'])
def test_a_bad_day_starts_is_refused_naming_the_field_and_line(value: str):
    with pytest.raises(ConfigError) as err:
        config_variant(**{'currency = "¥"': f'currency = "¥"\nday_starts = {value}'})
    text = str(err.value)
    assert "line 12: restaurant.day_starts:" in text
    assert "business day begins" in text or "should be text" in text


@pytest.mark.parametrize(("zone", "starts"), [("Europe/Berlin", "02:30"),
                                             ("America/New_York", "01:30")])
def test_a_day_start_the_clocks_skip_or_repeat_is_refused(zone: str, starts: str):
    """02:30 in Berlin does not exist on the spring night and 01:30 in New York happens
    twice in the autumn: a day beginning then would have no single start."""
    with pytest.raises(ConfigError) as err:
        config_variant(**{'timezone = "Asia/Shanghai"': f'timezone = "{zone}"',
                          'currency = "¥"': f'currency = "¥"\nday_starts = "{starts}"'})
    text = str(err.value)
    assert f"line 12: restaurant.day_starts: {starts} is skipped or repeated when the " \
           f"clocks change in {zone} (on " in text
    assert 'such as "04:00"' in text
    ok = config_variant(**{'timezone = "Asia/Shanghai"': f'timezone = "{zone}"'})
    assert ok.day_starts == 4 * 60  # the default is clear of every change in these zones


@pytest.mark.parametrize(("replace", "fld", "what"), [
    ({'shift_starts = ["10:00", "16:30"]': 'shift_starts = ["02:30", "16:30"]'},
     "goodwill.shift_starts", "a shift cannot begin then"),
    ({"[storage]": '[guests]\ntickets_restart = "02:30"\n\n[storage]'},
     "guests.tickets_restart", "queue numbers cannot start again then"),
])
def test_shifts_and_ticket_restarts_the_clocks_skip_are_refused_as_day_starts_is(
        replace: dict[str, str], fld: str, what: str):
    """A shift or the queue numbers' day beginning at 02:30 in Berlin would have no start
    on the spring night, as a business day would: refused the same way."""
    berlin = {'timezone = "Asia/Shanghai"': 'timezone = "Europe/Berlin"'}
    with pytest.raises(ConfigError) as err:
        config_variant(**berlin, **replace)
    text = str(err.value)
    old, new = next(iter(replace.items()))
    line = CONFIG_PATH.read_text(encoding="utf-8").split(old)[0].count("\n") + 1 \
        + new.split("02:30")[0].count("\n")
    assert f"line {line}: {fld}: 02:30 is skipped or repeated when the clocks change " \
           f"in Europe/Berlin (on " in text and f"{what}. Choose" in text, text
    midnight = {old: new.replace("02:30", "00:00") for old, new in replace.items()}
    cairo = {'timezone = "Asia/Shanghai"': 'timezone = "Africa/Cairo"'}
    config = config_variant(**cairo, **midnight)  # 00:00 stays allowed, as for day_starts
    assert 0 in config.goodwill.shift_starts or config.guests.tickets_restart == 0


def test_calendar_days_stay_allowed_where_the_clocks_change_at_midnight():
    """Cairo's clocks change at midnight: "00:00" (calendar days, as before business
    days) must still load there."""
    cairo = config_variant(**{'timezone = "Asia/Shanghai"': 'timezone = "Africa/Cairo"',
                              'currency = "¥"': 'currency = "¥"\nday_starts = "00:00"'})
    assert cairo.day_starts == 0


# -- the pure helper ----------------------------------------------------------------------

def test_a_time_belongs_to_the_business_day_it_falls_in():
    assert business_date(local("2026-11-20T18:00"), TZ, 240) == date(2026, 11, 20)
    assert business_date(local("2026-11-21T01:30"), TZ, 240) == date(2026, 11, 20)
    assert business_date(local("2026-11-21T03:59"), TZ, 240) == date(2026, 11, 20)
    assert business_date(local("2026-11-21T04:00"), TZ, 240) == date(2026, 11, 21)
    assert business_date(local("2026-11-21T01:30"), TZ, 0) == date(2026, 11, 21)
    assert business_day_bounds(date(2026, 11, 20), TZ, 240) == \
        (local("2026-11-20T04:00"), local("2026-11-21T04:00"))
    assert business_days(date(2026, 11, 20), date(2026, 11, 22), TZ, 0) == \
        (local("2026-11-20T00:00"), local("2026-11-23T00:00"))
    assert [h for h in sorted((0, 1, 4, 18, 23), key=lambda h: into_day(h * 60, 240))] == \
        [4, 18, 23, 0, 1]


def test_a_business_day_across_a_clock_change_is_23_or_25_hours():
    """New York's clocks change at 02:00 on 8 March and 1 November 2026: inside the
    business days that began at 04:00 the evening before."""
    ny = "America/New_York"

    def hours(day: date) -> float:
        start, end = business_day_bounds(day, ny, 240)
        return (end - start) / 3600

    assert (hours(date(2026, 3, 7)), hours(date(2026, 3, 8))) == (23, 24)
    assert (hours(date(2026, 10, 31)), hours(date(2026, 11, 1))) == (25, 24)
    end = business_day_bounds(date(2026, 10, 31), ny, 240)[1]
    assert business_date(end - 1, ny, 240) == date(2026, 10, 31)
    assert business_date(end, ny, 240) == date(2026, 11, 1)


# -- a late service in a real file --------------------------------------------------------

@pytest.fixture
def late(db_path, config) -> Store:
    store = Store.open(db_path, config)
    fill_late_service(store, config)
    yield store
    store.close()


def report(db_path, config_path, *args: str) -> dict:
    res = CliRunner().invoke(main, ["report", "--db", str(db_path), "--config",
                                    str(config_path), "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_report_counts_the_late_evening_as_one_day(late, db_path):
    evening = report(db_path, CONFIG_PATH, "--from", "2026-11-20")
    # Chen, Wang, Zhao, Sun and Li (03:59); Wu (04:00) is Saturday's
    assert (evening["parties"], evening["guests"]) == (5, 12)
    assert evening["walkaways"]["count"] == 1
    assert evening["gestures"]["given"] == 2
    assert evening["from"].startswith("2026-11-20T04:00:00+08:00")
    assert evening["to"].startswith("2026-11-21T04:00:00+08:00")
    saturday = report(db_path, CONFIG_PATH, "--from", "2026-11-21")
    assert (saturday["parties"], saturday["guests"]) == (1, 2)
    both = report(db_path, CONFIG_PATH, "--from", "2026-11-20", "--to", "2026-11-21")
    assert both["parties"] == 6


def test_a_report_of_a_day_not_begun_says_so_beside_its_zeros(late, db_path):
    """A date still to come: the report (all zeros, valid JSON on stdout) or the export
    (no rows) is the same, and stderr says why: nobody reads it as a night with no guests."""
    res = CliRunner().invoke(main, ["report", "--db", str(db_path), "--config",
                                    str(CONFIG_PATH), "--format", "json", "--from",
                                    "2199-12-30"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["parties"] == 0
    assert res.stderr.strip() == ("That business day has not begun yet (it begins "
                                  "2199-12-30 04:00): nothing to count.")
    past = CliRunner().invoke(main, ["report", "--db", str(db_path), "--config",
                                     str(CONFIG_PATH), "--from", "2026-11-20"])
    assert "not begun" not in past.stderr
    export = CliRunner().invoke(main, ["export", "parties", "--db", str(db_path), "--config",
                                       str(CONFIG_PATH), "--from", "2199-12-30"])
    assert export.exit_code == 0, export.output
    assert "has not begun yet (it begins 2199-12-30 04:00)" in export.stderr


def test_report_today_just_after_midnight_is_the_evening_that_began_yesterday(config):
    for now in ("2026-11-21T00:05", "2026-11-21T01:30", "2026-11-21T03:59"):
        assert _range(config, None, None, now=local(now)) == \
            (local("2026-11-20T04:00"), local("2026-11-21T04:00"))
    assert _range(config, None, None, now=local("2026-11-21T04:00")) == \
        (local("2026-11-21T04:00"), local("2026-11-22T04:00"))
    assert _range(config, None, None, now=local("2026-11-20T18:00")) == \
        _range(config, "2026-11-20", None)


def test_the_reviews_figures_group_hours_and_message_days_by_the_business_day(late, config):
    start, end = business_days(date(2026, 11, 20), date(2026, 11, 20), TZ, config.day_starts)
    rep = build(late, Filters(start, end), config)
    assert (rep.parties, rep.seated, len(rep.walkaways)) == (5, 4, 1)
    assert list(rep.accuracy_by_hour) == [18, 22, 1, 3]  # by arrival, the evening's order
    assert list(rep.waiting_by_hour) == [18, 22, 0, 1, 3]  # Zhao waited 00:40-01:10
    calls = [CallOutcome("a", local("2026-11-20T23:50"), local("2026-11-20T23:55"), "seated",
                         ""),
             CallOutcome("b", local("2026-11-21T01:00"), None, "removed", "no_show"),
             CallOutcome("c", local("2026-11-21T04:10"), None, "removed", "no_show")]
    days = messages_by_day([], calls, TZ, config.hold_minutes, config.day_starts)
    assert [(d.day, d.called, d.came_in_time, d.no_show_after_call) for d in days] == \
        [("2026-11-20", 2, 1, 1), ("2026-11-21", 1, 0, 1)]


def test_a_restaurant_keeping_calendar_days_sees_what_it_saw_before(late, db_path, tmp_path):
    """``day_starts = "00:00"``: every day from midnight, the figures as before business
    days existed, hour for hour."""
    midnight = config_variant(**{'currency = "¥"': MIDNIGHT})
    assert (midnight.day_starts, midnight.guests.tickets_restart) == (0, 0)
    path = tmp_path / "midnight.toml"
    path.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace('currency = "¥"', MIDNIGHT),
                    encoding="utf-8")
    friday = report(db_path, path, "--from", "2026-11-20")
    assert friday["parties"] == 2 and friday["from"].startswith("2026-11-20T00:00:00+08:00")
    assert report(db_path, path, "--from", "2026-11-21")["parties"] == 4
    for first, last in (("2026-11-20", "2026-11-20"), ("2026-11-21", "2026-11-21"),
                        ("2026-11-20", "2026-11-21")):
        start, end = business_days(date.fromisoformat(first), date.fromisoformat(last), TZ, 0)
        rep = build(late, Filters(start, end), midnight)
        old = build(late, calendar_days(first, last), midnight)
        assert (start, end) == (old.filters.start, old.filters.end)
        assert (rep.parties, rep.guests, rep.seated, rep.gesture_count) == \
            (old.parties, old.guests, old.seated, old.gesture_count)
        assert list(rep.accuracy_by_hour) == sorted(old.accuracy_by_hour)
        assert list(rep.waiting_by_hour) == sorted(old.waiting_by_hour)
    assert _range(midnight, None, None, now=local("2026-11-21T00:05")) == \
        (local("2026-11-21T00:00"), local("2026-11-22T00:00"))


# -- busy hours ---------------------------------------------------------------------------

def _late_evenings(fridays: list[arrow.Arrow]) -> list[Event]:
    """Each Friday from 18:00 to 01:00: five parties an hour until 23:00, eight at 23:00
    and at 00:00, three at 01:00; every party seated after its hour's wait."""
    counts = {18: 5, 19: 5, 20: 5, 21: 5, 22: 5, 23: 8, 0: 8, 1: 3}
    waits = {18: 10, 19: 20, 20: 30, 21: 30, 22: 25, 23: 40, 0: 35, 1: 5}
    events = []
    for friday in fridays:
        for hour, n in counts.items():
            when = friday.shift(days=1 if hour < 4 else 0).replace(hour=hour)
            for i in range(n):
                t = when.shift(minutes=i * 5).float_timestamp
                pid = f"{friday.format('YYYYMMDD')}-{hour:02d}{i:02d}"
                events += [Event(t, ARRIVE, pid, 2), Event(t + waits[hour] * 60, SEAT, pid, 2,
                                                           "T1")]
    return events


def test_busy_hours_keep_a_late_service_with_its_evening():
    friday = arrow.get("2026-11-20T23:30:00", tzinfo=TZ)
    events = _late_evenings([friday.shift(weeks=-w).floor("day") for w in (1, 2, 3)])
    found = busy.learn(events, friday.float_timestamp, TZ, 240)
    # the small hours count on Friday, the evening's weekday, after its 23:00
    assert found.enough and found.weekday == 4 and found.days == 3
    assert [h.hour for h in found.hours] == [18, 19, 20, 21, 22, 23, 0, 1]
    assert found.busy == ((23, 25),)  # 23:00-01:00, one span across midnight
    assert "Busiest: 23:00–01:00" in busy_section(Translator("en"), found)  # the board
    # at 23:30 the hours still to come are after midnight: 01:00's short wait
    assert found.best is not None and found.best.hour == 1 and found.best.wait == 5
    # Friday 01:30 is still Friday's evening: the same figures, Friday's weekday
    small_hours = busy.learn(events, local("2026-11-21T01:30"), TZ, 240)
    assert small_hours.weekday == 4 and small_hours.hours == found.hours
    assert small_hours.best is None  # nothing with a wait after 01:00

    calendar = busy.learn(events, friday.float_timestamp, TZ, 0)  # midnight days, as before
    assert calendar.weekday == 4 and [h.hour for h in calendar.hours] == [18, 19, 20, 21, 22,
                                                                          23]
    assert calendar.best is None  # nothing after 23:00 on a calendar Friday


def test_a_359_arrival_is_the_evening_before_and_a_400_one_the_new_day():
    events: list[Event] = []
    for d in (2, 3, 4):  # three earlier evenings at 19:00
        t = local(f"2026-11-{20 - d}T19:00")
        events += [Event(t, ARRIVE, f"e{d}", 2)]
    events += [Event(local("2026-11-21T03:59"), ARRIVE, "late", 2),
               Event(local("2026-11-21T04:00"), ARRIVE, "early", 2)]
    # at 04:30 on Saturday, Friday's evening is over (03:59 counts) and Saturday is not
    found = busy.learn(events, local("2026-11-21T04:30"), TZ, 240)
    assert found.days == 4 and {h.hour for h in found.hours} == {19, 3}
    assert [h.hour for h in found.hours] == [19, 3]
    # at 03:59:30 the evening is still today: neither late arrival counts yet
    still = busy.learn(events, local("2026-11-21T03:59") + 30, TZ, 240)
    assert still.days == 3 and [h.hour for h in still.hours] == [19]


@pytest.mark.parametrize("text, problem", [
    ("2026-11-30", ""), ("1970-01-01", ""), ("2199-12-31", ""),
    ("2026-02-30", "missing"), ("2026-13-01", "missing"),
    ("1969-12-31", "range"), ("2200-01-01", "range"), ("9999-12-31", "range"),
    ("26-11-30", "form"), ("2026-11-30 ", "form"), ("２０２６-11-30", "form"), ("", "form")])
def test_day_problem_is_the_one_rule_for_reported_dates(text, problem):
    """The command line and the review judge a typed date by the same rule."""
    from queueapp.clock import day_problem

    assert day_problem(text) == problem
