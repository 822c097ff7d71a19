"""Report figures and exports against a hand-built log in a real SQLite file.

Every expected number below is worked out by hand from the log that ``shift`` writes
(one Friday evening in Shanghai, 2026-11-20), not read back from the code.
"""

from __future__ import annotations

import csv
import io
import json
import re

import arrow
import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, add_leads

from queueapp.cli.main import main
from queueapp.complaints import loop as complaints
from queueapp.config import load_config
from queueapp.goodwill import gestures
from queueapp.i18n import Translator
from queueapp.quotes.rule import Quote
from queueapp.review.exports import (
    export_rows,
    mask_phone,
    neutralise,
    render_report,
    report_lines,
    write_rows,
)
from queueapp.review.reports import Filters, build
from queueapp.store import Store

CONFIG = CONFIG_PATH
PHONE = "+8613812345678"
EVIL_NAME = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG)


def local(text: str) -> float:
    return arrow.get(text).replace(tzinfo="Asia/Shanghai").float_timestamp


def day(config, first: str, last: str | None = None, **narrow) -> Filters:
    start = arrow.get(first, tzinfo=config.timezone)
    end = arrow.get(last or first, tzinfo=config.timezone).shift(days=1)
    return Filters(start.float_timestamp, end.float_timestamp, **narrow)


def add(store, config, when: str, size: int, name: str, quote: float | None, host: str,
        phone: str = "", note: str = ""):
    q = Quote(quote, quote * 0.75, quote * 1.35) if quote is not None else None
    ev = store.add_party(local(when), size, name, phone, [], note, q, tz=config.timezone,
                         host=host)
    return ev.party


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "q.db"


@pytest.fixture
def shift(db_path, config):
    """The hand-built log. Parties that arrived on 2026-11-20 (local):

    ====  =====  ====  =====  =====  ==============================  ======  =======
    who   size   host  in     quote  end                             waited  quote-w
    ====  =====  ====  =====  =====  ==============================  ======  =======
    Chen  2      Lin   17:00  30     seated 17:28 at A1              28      +2
    Wang  4      Lin   17:10  20     seated 17:45 at A4              35      -15
    Zhao  2      Ana   18:05  25     walked away 18:45               40      (after)
    Sun   3      Ana   18:10  30     walked away 18:20               10
    Qian  2      Ana   18:30  20     seated 18:34 at A2              4       +16
    Li    5      Lin   18:40  40     cancelled 18:50                 10
    EVIL  1      Lin   18:50  30     still waiting (phone, note)
    ====  =====  ====  =====  =====  ==============================  ======  =======

    plus one party the day before and one the day after (outside the range).
    """
    store = Store.open(db_path, config)
    cat = config.catalogue
    before = add(store, config, "2026-11-19T19:00", 2, "Yesterday", 30, "Lin")
    chen = add(store, config, "2026-11-20T17:00", 2, "Chen", 30, "Lin")
    wang = add(store, config, "2026-11-20T17:10", 4, "Wang", 20, "Lin")
    zhao = add(store, config, "2026-11-20T18:05", 2, "Zhao", 25, "Ana")
    sun = add(store, config, "2026-11-20T18:10", 3, "Sun", 30, "Ana")
    qian = add(store, config, "2026-11-20T18:30", 2, "Qian", 20, "Ana")
    li = add(store, config, "2026-11-20T18:40", 5, "Li", 40, "Lin")
    evil = add(store, config, "2026-11-20T18:50", 1, EVIL_NAME, 30, "Lin", phone=PHONE,
               note="+1 free drink")
    after = add(store, config, "2026-11-21T12:00", 2, "Tomorrow", 30, "Lin")
    store.seat_party(local("2026-11-19T19:20"), before, "W1")
    store.seat_party(local("2026-11-20T17:28"), chen, "A1")
    store.seat_party(local("2026-11-20T17:45"), wang, "A4")
    store.remove_party(local("2026-11-20T18:20"), sun, "walked_away")
    store.seat_party(local("2026-11-20T18:34"), qian, "A2")
    store.remove_party(local("2026-11-20T18:45"), zhao, "walked_away")
    store.remove_party(local("2026-11-20T18:50"), li, "cancelled")
    store.seat_party(local("2026-11-21T12:10"), after, "W2")

    def give(when, party, item, host, **kw):
        return gestures.give(store, local(when), party, item, host, **kw)

    give("2026-11-19T19:05", before, "Flowers", "Lin", cost=100)  # outside the range
    give("2026-11-20T17:05", chen, cat["welcome_tea"], "Lin")  # 0
    give("2026-11-20T17:20", chen, cat["jasmine_tea"], "Lin")  # 2
    give("2026-11-20T17:30", wang, cat["fruit_plate"], "Lin")  # 12
    give("2026-11-20T17:35", wang, "Umbrella lent", "Lin", cost=5, note="+1 free drink")
    wrong = give("2026-11-20T18:20", zhao, cat["fruit_plate"], "Ana")  # 12, voided
    gestures.void(store, local("2026-11-20T18:22"), wrong.id, "Ana", "=wrong party")
    give("2026-11-20T18:15", sun, cat["voucher"], "Ana", approved_by="Mei")  # 30
    give("2026-11-20T18:30", zhao, cat["dessert"], "Ana")  # 15
    give("2026-11-20T18:40", zhao, cat["kitchen_tour"], "Ana")  # 0
    give("2026-11-20T18:55", evil, cat["wait_update"], "Lin")  # 0
    give("2026-11-21T12:05", after, cat["welcome_tea"], "Lin")  # outside
    r1 = gestures.start_rescue(store, local("2026-11-20T18:18"), sun, "Ana", "table:A3")
    gestures.record_outcome(store, r1.id, "left", local("2026-11-20T18:20"))
    r2 = gestures.start_rescue(store, local("2026-11-20T18:40"), zhao, "Ana", "kitchen_tour")
    gestures.record_outcome(store, r2.id, "left", local("2026-11-20T18:45"))
    r3 = gestures.start_rescue(store, local("2026-11-20T17:40"), wang, "Lin", "table:A4")
    gestures.record_outcome(store, r3.id, "stayed", local("2026-11-20T17:45"))

    # complaints: Zhao not handled; Chen handled, not rechecked; Wang closed
    complaints.record(store, local("2026-11-20T18:30"), "wait", "-5 stars: waited too long",
                    party=zhao, host="Ana")
    c2 = complaints.record(store, local("2026-11-20T17:40"), "food", "Broth cold",
                         "@once: new pot", party=chen, host="Lin")
    complaints.handle(store, c2.id, local("2026-11-20T17:45"), "Lin", "New pot")
    c3 = complaints.record(store, local("2026-11-20T17:50"), "service", "No slotted spoon",
                         party=wang, host="Lin")
    complaints.handle(store, c3.id, local("2026-11-20T17:55"), "Lin", "Borrowed one")
    complaints.recheck(store, c3.id, local("2026-11-20T18:30"), "Mei", "Happy")
    complaints.feed_back(store, c3.id, local("2026-11-20T19:00"), "Mei", "purchasing",
                       "Buy more spoons")
    complaints.record(store, local("2026-11-21T12:30"), "food", "Tomorrow", party=after)
    ids = {"chen": chen, "wang": wang, "zhao": zhao, "sun": sun, "qian": qian, "li": li,
           "evil": evil, "wrong": wrong.id}
    yield store, ids
    store.close()


# -- report figures --------------------------------------------------------------------------

def test_parties_seated_and_walkaways(shift, config):
    store, ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    assert (rep.parties, rep.guests, rep.seated, rep.removed_other) == (7, 19, 3, 1)
    walk = {p.id: (round(p.waited, 1), p.quote) for p in rep.walkaways}
    assert walk == {ids["zhao"]: (40.0, 25.0), ids["sun"]: (10.0, 30.0)}
    assert rep.walkaways_after_quote == 1
    # Wang waited 35 on a 20 quote, Zhao 40 on 25: both more than 10 min past
    assert rep.past_quote_10 == 2


def test_gestures_voids_and_cost_by_host(shift, config):
    store, ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    # Lin: tea, jasmine, fruit, umbrella, update; Ana: voucher, dessert, tour (the voided
    # fruit plate is not counted as given)
    assert (rep.gesture_count, rep.voids) == (8, 1)
    assert rep.gesture_cost == 64.0  # 0+2+12+5 + 12-12+30+15+0
    assert rep.cost_by_host == {"Ana": 45.0, "Lin": 19.0}
    assert rep.budget_by_host == {"Ana": 300, "Lin": 300}
    # the log newest first; the void listed against what it voids
    assert [g.time for g in rep.gestures] == sorted((g.time for g in rep.gestures),
                                                    reverse=True)
    voided = [g for g in rep.gestures if g.id == ids["wrong"]]
    void = [g for g in rep.gestures if g.void_of == ids["wrong"]]
    assert voided[0].voided and void[0].cost == -12.0 and void[0].note == "=wrong party"
    assert [g.approved_by for g in rep.gestures if g.interaction == "voucher"] == ["Mei"]


def test_rescues(shift, config):
    store, ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    assert sorted((r.party, r.offer, r.outcome) for r in rep.rescues) == sorted([
        (ids["sun"], "table:A3", "left"), (ids["zhao"], "kitchen_tour", "left"),
        (ids["wang"], "table:A4", "stayed")])


def test_complaints_and_the_three_rates(shift, config):
    store, _ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    assert rep.complaints == 3
    assert rep.complaints_per_100 == pytest.approx(300 / 7)
    assert rep.complaints_unhandled == 1  # Zhao's
    assert rep.complaints_unrechecked == 2  # Zhao's and Chen's
    assert rep.complaints_open == 2
    assert rep.complaints_by_category == {"wait": 1, "food": 1, "service": 1}


def test_quote_accuracy_overall_by_hour_and_by_host(shift, config):
    store, _ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    # seated with a quote: Chen +2, Wang -15 (17h, Lin); Qian +16 (18h, Ana)
    a = rep.accuracy
    assert a.n == 3
    assert a.mae == pytest.approx(11.0)
    assert a.within5 == pytest.approx(1 / 3)
    assert a.signed == pytest.approx(1.0)
    assert {h: (x.n, x.mae, x.within5) for h, x in rep.accuracy_by_hour.items()} == \
        {17: (2, pytest.approx(8.5), 0.5), 18: (1, pytest.approx(16.0), 0.0)}
    assert {h: (x.n, x.mae, x.within5) for h, x in rep.accuracy_by_host.items()} == \
        {"Lin": (2, pytest.approx(8.5), 0.5), "Ana": (1, pytest.approx(16.0), 0.0)}
    assert sorted(rep.quoted_vs_actual) == [(20.0, 4.0), (20.0, 35.0), (30.0, 28.0)]


def test_filters_narrow_every_figure(shift, config):
    store, ids = shift
    ana = build(store, day(config, "2026-11-20", host="Ana"), config)
    assert ana.parties == 3  # Zhao, Sun, Qian
    assert (ana.gesture_count, ana.voids, ana.gesture_cost) == (3, 1, 45.0)
    assert ana.cost_by_host == {"Ana": 45.0}
    assert ana.complaints == 1 and ana.complaints_unhandled == 1
    assert {r.host for r in ana.rescues} == {"Ana"}

    snack = build(store, day(config, "2026-11-20", category="snack"), config)
    assert (snack.gesture_count, snack.voids, snack.gesture_cost) == (1, 1, 12.0)
    food = build(store, day(config, "2026-11-20", category="food"), config)
    assert food.complaints == 1 and food.gesture_count == 0

    by_id = build(store, day(config, "2026-11-20", party=ids["zhao"]), config)
    by_name = build(store, day(config, "2026-11-20", party="Zhao"), config)
    for rep in (by_id, by_name):
        assert rep.parties == 1 and len(rep.walkaways) == 1
        assert (rep.gesture_count, rep.voids, rep.gesture_cost) == (2, 1, 15.0)
        assert rep.complaints == 1
        assert [r.offer for r in rep.rescues] == ["kitchen_tour"]

    both_days = build(store, day(config, "2026-11-19", "2026-11-20"), config)
    assert both_days.parties == 8
    assert both_days.cost_by_host == {"Ana": 45.0, "Lin": 119.0}
    assert both_days.budget_by_host == {"Ana": 300, "Lin": 600}  # Lin: two shifts
    empty = build(store, day(config, "2026-11-22"), config)
    assert (empty.parties, empty.gesture_count, empty.complaints_per_100) == (0, 0, None)
    assert empty.accuracy.mae is None


def test_party_filter_takes_underscore_and_percent_as_typed(shift, config):
    """The party filter matched names with LIKE as typed: "_" (any one character) or "%"
    narrowed nothing, every party of the day counted as that party."""
    store, _ids = shift
    for typed in ("_", "%", "\\"):
        rep = build(store, day(config, "2026-11-20", party=typed), config)
        assert (rep.parties, rep.gesture_count, rep.complaints, len(rep.rescues)) == \
            (0, 0, 0, 0), typed
    named = add(store, config, "2026-11-20T20:00", 2, "Mr_Li 100%", 20, "Ana")
    for typed in ("r_L", "100%"):
        rep = build(store, day(config, "2026-11-20", party=typed), config)
        assert [p.id for p in store.review.party_rows(rep.filters)] == [named], typed


def test_budget_counts_every_shift_a_host_gave_in(tmp_path, config):
    """Shifts start at 10:00 and 16:30: a gift at 12:00 and one at 16:40 are two shifts."""
    store = Store.open(tmp_path / "b.db", config)
    add_leads(store)
    party = add(store, config, "2026-11-20T11:50", 2, "Lunch", 30, "Lin")
    gestures.give(store, local("2026-11-20T12:00"), party, "Tea", "Lin", cost=5)
    gestures.give(store, local("2026-11-20T16:40"), party, "Tea", "Lin", cost=5)
    assert gestures.shift_start(local("2026-11-20T16:40"), config) == \
        local("2026-11-20T16:30")
    rep = build(store, day(config, "2026-11-20"), config)
    assert rep.budget_by_host == {"Lin": 600}
    # a gift voided in a later shift: the void alone is not a shift Lin gave in
    late = gestures.give(store, local("2026-11-20T17:00"), party, "Cake", "Lin", cost=50)
    gestures.void(store, local("2026-11-21T12:00"), late.id, "Ana", "wrong party",
                  approved_by="Mei")
    both = build(store, Filters(local("2026-11-20T00:00"), local("2026-11-22T00:00")), config)
    assert both.budget_by_host == {"Lin": 600}
    assert both.cost_by_host == {"Lin": 10}
    store.close()


def test_text_markdown_csv_json_report_agree(shift, config):
    store, _ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    data = json.loads(render_report(rep, config, "json"))
    assert data["parties"] == 7 and data["seated"] == 3
    assert data["gestures"] == {"given": 8, "voids": 1, "cost": 64.0,
                                "cost_by_host": {"Ana": 45.0, "Lin": 19.0},
                                "budget_by_host": {"Ana": 300, "Lin": 300}}
    assert data["walkaways"]["count"] == 2 and data["walkaways"]["after_quote"] == 1
    assert data["rescues"] == {"attempts": 3, "stayed": 1, "left": 2, "undecided": 0}
    assert data["complaints"]["per_100_parties"] == 42.86
    assert (data["complaints"]["not_handled"], data["complaints"]["not_rechecked"]) == (1, 2)
    assert data["waited_over_10_past_quote"] == 2
    assert data["quotes"]["all"] == {"parties": 3, "mean_abs_error_min": 11.0,
                                     "within_5_min": 0.333, "mean_signed_error_min": 1.0}
    assert data["quotes"]["by_host"]["Lin"]["mean_abs_error_min"] == 8.5
    assert data["quotes"]["by_hour"]["18"]["within_5_min"] == 0.0

    text = render_report(rep, config, "text")
    assert "Walk-aways" in text and "2 (1 after the quote had passed)" in text
    assert "Complaints per 100 parties" in text and "42.9" in text
    assert "1 / 2" in text and "Goodwill cost" in text and "¥64" in text

    md = render_report(rep, config, "markdown")
    assert md.startswith("# Red Lantern Hotpot: 2026-11-20 00:00 to 2026-11-21 00:00")
    assert "| Walk-aways | 2 (1 after the quote had passed) |" in md
    assert "| Lin | ¥19 | ¥300 |" in md
    assert "| Within 5 minutes | 33% |" in md

    table = list(csv.reader(io.StringIO(render_report(rep, config, "csv"))))
    assert table[0] == ["section", "figure", "value", "budget"]
    assert ["Cost by host (against budget)", "Ana", "¥45", "¥300"] in table
    assert ["Three rates", "Parties waiting > 10 min past their quote", "2"] in table


def test_text_report_puts_each_budget_under_the_others(shift, config):
    """Costs of different widths (¥1,234.5 and ¥2) pushed each host's budget to its own
    place: "Ana  ¥1,234.5  ¥300" over "Lin  ¥2  ¥300"."""
    store, _ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    rep.cost_by_host = {"Ana": 1234.5, "Lin": 2.0}
    lines = render_report(rep, config, "text").splitlines()
    ana = next(line for line in lines if line.startswith("  Ana "))
    lin = next(line for line in lines if line.startswith("  Lin "))
    assert ana.endswith("¥300") and lin.endswith("¥300")
    assert ana.index("¥300") == lin.index("¥300")
    assert ana.index("¥1,234.5") == lin.index("¥2")
    assert all(line == line.rstrip() for line in lines)


# -- exports ---------------------------------------------------------------------------------

def test_mask_and_neutralise_helpers():
    assert mask_phone(PHONE) == "•" * 9 + "5678"
    assert mask_phone("") == ""
    for bad in ("=1+1", "+1 free drink", "-5 stars", "@SUM(A1)"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("Chen") == "Chen" and neutralise(-12.0) == -12.0


def test_export_rows_mask_phones_and_neutralise_cells(shift, config):
    store, ids = shift
    f = day(config, "2026-11-20")
    parties = {r["id"]: r for r in export_rows(store, "parties", f, config)}
    assert len(parties) == 7
    evil = parties[ids["evil"]]
    assert evil["phone"] == "•" * 9 + "5678"
    assert evil["name"] == "'" + EVIL_NAME and evil["note"] == "'+1 free drink"
    assert parties[ids["chen"]]["seated_at"] == "2026-11-20T17:28:00+08:00"
    assert parties[ids["zhao"]]["remove_reason"] == "walked_away"

    given = export_rows(store, "gestures", f, config)
    assert len(given) == 10  # 9 gestures and 1 void
    assert [g["guest_name"] for g in given if g["party"] == ids["evil"]] == ["'" + EVIL_NAME]
    umbrella = [g for g in given if g["label"] == "Umbrella lent"][0]
    assert umbrella["note"] == "'+1 free drink" and umbrella["cost"] == 5.0
    void = [g for g in given if g["void_of"] == ids["wrong"]][0]
    assert void["note"] == "'=wrong party" and void["cost"] == -12.0
    assert given[0]["time"] == "2026-11-20T17:05:00+08:00"

    complaints = export_rows(store, "complaints", f, config)
    assert len(complaints) == 3
    assert {c["what"] for c in complaints} >= {"'-5 stars: waited too long"}
    assert {c["action"] for c in complaints} >= {"'@once: new pot"}

    for kind in ("parties", "gestures", "complaints"):
        for fmt in ("csv", "json"):
            out = write_rows(export_rows(store, kind, f, config), fmt)
            assert "13812345678" not in out and "12345678" not in out
            for line in csv.reader(io.StringIO(out)) if fmt == "csv" else []:
                assert not any(cell.startswith(("=", "+", "@")) for cell in line
                               if not _is_number(cell)), line


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_cli_report_in_every_format(shift, db_path, config):
    runner = CliRunner()
    base = ["report", "--db", str(db_path), "--config", str(CONFIG), "--from", "2026-11-20"]
    res = runner.invoke(main, base + ["--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["parties"], data["gestures"]["given"], data["gestures"]["cost"]) == (7, 8, 64.0)
    assert data["walkaways"]["after_quote"] == 1
    # a business day: from [restaurant] day_starts (04:00) to 04:00 the next morning
    assert data["from"].startswith("2026-11-20T04:00:00+08:00")

    res = runner.invoke(main, base + ["--to", "2026-11-21", "--format", "json"])
    assert json.loads(res.output)["parties"] == 8

    res = runner.invoke(main, base + ["--host", "Ana", "--format", "json"])
    assert json.loads(res.output)["gestures"]["cost_by_host"] == {"Ana": 45.0}

    for fmt, needle in (("text", "Walk-aways"), ("markdown", "| Walk-aways |"),
                        ("csv", "Summary,Walk-aways")):
        res = runner.invoke(main, base + ["--format", fmt])
        assert res.exit_code == 0, res.output
        assert needle in res.output and "2 (1 after the quote had passed)" in res.output

    res = runner.invoke(main, base + ["--to", "2026-11-19"])
    assert res.exit_code != 0 and "before" in res.output
    res = runner.invoke(main, ["report", "--db", str(db_path), "--config", str(CONFIG),
                               "--from", "20-11-2026"])
    assert res.exit_code != 0 and "YYYY-MM-DD" in res.output


def test_cli_export_masks_and_neutralises(shift, db_path, config):
    _store, ids = shift
    runner = CliRunner()
    base = ["--db", str(db_path), "--config", str(CONFIG), "--from", "2026-11-20"]
    res = runner.invoke(main, ["export", "parties", *base])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(res.output))}
    assert len(rows) == 7
    assert rows[ids["evil"]]["phone"] == "•" * 9 + "5678"
    assert rows[ids["evil"]]["name"] == "'" + EVIL_NAME
    assert "13812345678" not in res.output

    res = runner.invoke(main, ["export", "gestures", *base, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data) == 10
    assert [g["guest_name"] for g in data if g["party"] == ids["evil"]] == ["'" + EVIL_NAME]
    assert {g["note"] for g in data} >= {"'+1 free drink", "'=wrong party"}

    res = runner.invoke(main, ["export", "complaints", *base, "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert len(rows) == 3
    assert "'-5 stars: waited too long" in {r["what"] for r in rows}

    res = runner.invoke(main, ["export", "guests", *base])
    assert res.exit_code != 0


def test_money_is_grouped_and_never_in_exponent_form():
    """A year's goodwill runs past a million: the review and `report` show it whole."""
    from queueapp.review.reports import money

    assert [money("¥", x) for x in (0, 300, 81883.5, 1234567.25, -2, 0.05)] == \
        ["¥0", "¥300", "¥81,883.5", "¥1,234,567.25", "−¥2", "¥0.05"]


def test_text_report_names_offers_and_categories_by_their_labels(shift, config):
    """A person reads the report: rescue offers and complaint categories by their labels
    (tables offered together), never ids like kitchen_tour."""
    store, _ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    text = render_report(rep, config, "text")
    assert "Rescues by offer" in text
    assert "  Kitchen tour          1 tried, 0 stayed" in text
    assert "  A table freeing soon  2 tried, 1 stayed" in text
    assert "Complaints by category" in text and "  request" not in text
    assert "  food     1" in text and "  wait     1" in text
    assert "kitchen_tour" not in text and "table:" not in text
    assert "Mean absolute error               11.0 min" in text


def test_complaints_by_category_most_first_then_by_label(shift, config):
    """Complaints by category were listed by id (cleanliness, food, other...), in Chinese
    too: the most frequent first, then as the labels read."""
    from helpers import config_variant

    store, ids = shift
    for what in ("Cold broth again", "Wrong dish"):
        complaints.record(store, local("2026-11-20T18:00"), "food", what, party=ids["qian"])
    complaints.record(store, local("2026-11-20T18:01"), "cleanliness", "Sticky table",
                      party=ids["qian"])
    complaints.record(store, local("2026-11-20T18:02"), "other", "Too cold by the door",
                      party=ids["qian"])
    zh = config_variant(**{'language = "en"': 'language = "zh"'})
    for cfg in (config, zh):
        t = Translator(cfg.language)
        rep = build(store, day(cfg, "2026-11-20"), cfg)
        [(_title, rows)] = [(title, rows) for title, rows in report_lines(rep, cfg)
                            if title == t("report_by_category")]
        counts = {"food": 3, "cleanliness": 1, "other": 1, "service": 1, "wait": 1}
        assert rows == [[t("cat_food"), "3"]] + [
            [label, "1"] for label in sorted(t(f"cat_{c}") for c in counts if c != "food")]
        assert list(rep.complaints_by_category) == ["food", "cleanliness", "other",
                                                    "service", "wait"]


def test_csv_report_cells_have_no_indentation(shift, config):
    """The hours and hosts under the quote accuracy are indented in the text form only:
    the CSV had cells "  18:00" and "  host Ana"."""
    store, _ids = shift
    rep = build(store, day(config, "2026-11-20"), config)
    table = list(csv.reader(io.StringIO(render_report(rep, config, "csv"))))
    cells = [cell for row in table for cell in row]
    assert all(cell == cell.strip() for cell in cells), [c for c in cells if c != c.strip()]
    assert table[[r[1] for r in table].index("18:00")][:2] == ["Quote accuracy", "18:00"]
    assert any(row[:2] == ["Quote accuracy", "host Ana"] for row in table)
    md = render_report(rep, config, "markdown")
    assert "| 18:00 |" in md and "|   18:00" not in md
    # the text form still sets them under their heading
    assert "    18:00" in render_report(rep, config, "text")


def test_report_in_chinese(shift, config):
    from helpers import config_variant

    store, _ids = shift
    zh = config_variant(**{'language = "en"': 'language = "zh"'})
    rep = build(store, day(zh, "2026-11-20"), zh)
    text = render_report(rep, zh, "text")
    assert text.startswith("Red Lantern Hotpot：2026-11-20 00:00 至 2026-11-21 00:00")
    assert "平均绝对误差" in text and "11.0 分钟" in text and "参观后厨" in text
    assert "流失" in text and "2 桌（1 桌超过预估后离开）" in text
    # no English left but the restaurant's and hosts' names
    english = set(re.findall(r"[A-Za-z]{2,}", text)) - {"Red", "Lantern", "Hotpot", "Lin",
                                                         "Ana"}
    assert english == set(), english
    md = render_report(rep, zh, "markdown")
    assert "| 项目 | 数值 | 预算 |" in md


def test_the_review_names_a_party_by_the_queue_number_it_was_called_by(tmp_path, config):
    """Zhao (A001), as the host called them out; a party imported without a number keeps
    the day's row number (Sun (002))."""
    from queueapp.review.labels import party_label

    store = Store.open(tmp_path / "t.db", config)
    zhao = store.add_party(local("2026-11-20T18:05"), 2, "Zhao", tz=config.timezone,
                           ticket_prefix="A").party
    sun = add(store, config, "2026-11-20T18:10", 3, "Sun", 30, "Ana")
    store.remove_party(local("2026-11-20T18:45"), zhao, "walked_away")
    store.remove_party(local("2026-11-20T18:20"), sun, "walked_away")
    rep = build(store, day(config, "2026-11-20"), config)
    assert rep.tickets == {zhao: "A001"}
    assert [party_label(p.id, rep.names, rep.tickets) for p in rep.walkaways] == \
        ["Zhao (A001)", "Sun (002)"]
