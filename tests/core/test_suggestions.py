"""Suggestion rules: timing, tags, repeats, seasons, hours, guests, ranking; the room list."""


import arrow
from helpers import CONFIG_PATH

from queueapp.goodwill import gestures as g
from queueapp.goodwill import guests as u
from queueapp.goodwill.suggestions import (
    Stats,
    learn,
    needs_attention,
    rescue_options,
    suggest,
)
from queueapp.i18n import Translator
from queueapp.quotes.rule import minutes_past_quote
from queueapp.sim.goodwill import import_goodwill, simulate_goodwill, simulated_hosts
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import Party

CONFIG = CONFIG_PATH
EN, ZH = Translator("en"), Translator("zh")




def at(text: str) -> float:
    return arrow.get(text).replace(tzinfo="Asia/Shanghai").float_timestamp


NOW = at("2025-03-07T19:00")  # a Friday evening in March


def party(waited=5.0, quote=None, tags=(), size=2, pid="p1", now=NOW):
    return Party(pid, size, now - waited * 60, "Li", "", tuple(tags), quote=quote)


def ids(suggestions):
    return [s.interaction.id for s in suggestions]


def given(item_id, minutes_ago, pid="p1", gid=1, now=NOW):
    return g.Gesture(gid, now - minutes_ago * 60, pid, None, item_id, item_id, "drink", 0, "Lin")


def test_timing(config):
    cat = config.catalogue
    early = ids(suggest(party(5), NOW, cat, []))
    assert "welcome_tea" in early and "fruit_plate" not in early and "snack_tray" in early
    later = ids(suggest(party(21), NOW, cat, []))
    assert "fruit_plate" in later and "welcome_tea" not in later and "snack_tray" not in later


def test_tags_and_size(config):
    cat = config.catalogue
    plain = ids(suggest(party(12), NOW, cat, []))
    assert "colouring" not in plain and "hair_tie" not in plain and "board_games" not in plain
    kids = suggest(party(12, tags=["child"], size=4), NOW, cat, [])
    assert "colouring" in ids(kids) and "board_games" in ids(kids)
    colouring = next(s for s in kids if s.interaction.id == "colouring")
    assert "child in party" in colouring.reason(EN)
    assert "同行有儿童" in colouring.reason(ZH)
    # a tagged fit outranks untagged ones
    assert ids(kids).index("kids_snack") < ids(kids).index("jasmine_tea") \
        if "jasmine_tea" in ids(kids) else True
    assert ids(kids)[:2] == ["kids_snack", "colouring"]
    assert ids(suggest(party(3, tags=["long hair"]), NOW, cat, []))[0] == "hair_tie"


def test_nothing_the_party_already_had_unless_it_may_repeat(config):
    cat = config.catalogue
    p = party(30)
    had = [given("jasmine_tea", 10, gid=1), given("fruit_plate", 8, gid=2)]
    out = ids(suggest(p, NOW, cat, had))
    assert "fruit_plate" not in out and "jasmine_tea" not in out  # once; repeat after 25
    had[0] = given("jasmine_tea", 26, gid=1)
    assert "jasmine_tea" in ids(suggest(p, NOW, cat, had))
    # a voided gesture does not count as given
    voided = [g.Gesture(3, NOW - 60, "p1", None, "fruit_plate", "F", "snack", 12, "Lin",
                        voided=True)]
    assert "fruit_plate" in ids(suggest(p, NOW, cat, voided))


def test_quote_broken_brings_recovery_first(config):
    cat = config.catalogue
    on_time = ids(suggest(party(25, quote=30), NOW, cat, []))
    assert not {"dessert", "voucher", "quote_apology"} & set(on_time)
    over8 = suggest(party(38, quote=30), NOW, cat, [])
    assert ids(over8)[:2] == ["quote_apology", "dessert"] and "voucher" not in ids(over8)
    assert "quote passed 8 min ago" in over8[0].reason(EN)
    assert "voucher" in ids(suggest(party(50, quote=30), NOW, cat, []))
    # quote_minutes overrides the party's stored quote; no quote, no recovery
    assert "dessert" in ids(suggest(party(38), NOW, cat, [], quote_minutes=30))
    assert "dessert" not in ids(suggest(party(38), NOW, cat, []))


def test_seasons_and_hours(config):
    cat = config.catalogue
    july = at("2025-07-10T19:00")
    summer = ids(suggest(party(16, now=july), july, cat, []))
    assert "lemonade" in summer and "ginger_tea" not in summer and "blanket" not in summer
    winter = at("2025-01-10T19:00")
    cold = ids(suggest(party(16, now=winter), winter, cat, []))
    assert "ginger_tea" in cold and "blanket" in cold and "lemonade" not in cold
    afternoon = at("2025-03-07T15:30")
    assert "manicure" not in ids(suggest(party(16, now=afternoon), afternoon, cat, []))
    assert "manicure" in ids(suggest(party(16), NOW, cat, []))


def test_untouched_reason(config):
    cat = config.catalogue
    nothing = suggest(party(22), NOW, cat, [])
    assert nothing[0].reason(EN).startswith("waited 22 min, nothing offered yet")
    touched = suggest(party(22), NOW, cat, [given("welcome_tea", 15)])
    assert "waited 22 min, nothing offered for 15 min" in touched[0].reason(EN)
    recent = suggest(party(22), NOW, cat, [given("welcome_tea", 3)])
    assert "nothing offered" not in recent[0].reason(EN)


def test_the_reason_counts_waited_minutes_as_the_list_does(config):
    """Arrived at 18:07:50, now 19:00:10: the list's minute hand says 53 min (the clock
    went from :07 to :00 53 times), so the reason does too, not the stopwatch's 52."""
    arrived_late_in_a_minute = party(52 + 10 / 60)
    assert arrived_late_in_a_minute.arrived % 60 == 50
    nothing = suggest(arrived_late_in_a_minute, NOW + 10, config.catalogue, [])
    assert nothing[0].reason(EN).startswith("waited 53 min, nothing offered yet")
    [box] = needs_attention([arrived_late_in_a_minute], NOW + 10, {}, 15)  # the same there
    assert box.reason(EN).startswith("waited 53 min, nothing offered yet")
    tea = {"p1": [given("welcome_tea", 20 + 10 / 60)]}  # given at 18:39:50: 21 on the clock
    [box] = needs_attention([arrived_late_in_a_minute], NOW + 10, tea, 15)
    assert box.reason(EN).startswith("waited 53 min, nothing offered for 21 min")


def test_returning_guest_likes_dislikes_birthday(store, config):
    cat = config.catalogue
    first_at = NOW - 30 * 86400
    phone = "+8613912345678"
    old = store.party(store.add_party(first_at, 2, "Wang", phone).party)
    card = u.record_visit(store, old)
    u.add_note(store, card.id, "like", "jasmine tea", "Lin", first_at)
    u.add_note(store, card.id, "dislike", "board games", "Lin", first_at)
    u.set_birthday(store, card.id, "03-10")
    store.seat_party(first_at + 600, old.id, "A4")
    for i in range(5):  # five more visits make this the 7th
        p = store.party(store.add_party(first_at + (i + 1) * 86400, 2, "Wang", phone).party)
        u.record_visit(store, p)
        store.seat_party(first_at + (i + 1) * 86400 + 60, p.id, f"W{i + 1}")
    guest = u.recognise(store, phone)
    assert guest.visit_number == 7
    now_party = party(16, size=4)
    out = suggest(now_party, NOW, cat, [], guest)
    assert set(ids(out)[:2]) == {"jasmine_tea", "birthday_song"}  # liked; birthday in 3 days
    song = next(s for s in out if s.interaction.id == "birthday_song")
    assert "birthday in 3 days" in song.reason(EN)
    tea = next(s for s in out if s.interaction.id == "jasmine_tea")
    assert "7th visit, liked jasmine tea last time" in tea.reason(EN)
    assert "第 7 次光临，上次喜欢jasmine tea" in tea.reason(ZH)
    assert "board_games" not in ids(out)  # disliked
    assert "welcome_back" in ids(out)
    assert "welcome_back" not in ids(suggest(now_party, NOW, cat, []))


def test_rescue_items_only_when_leaving(config, store):
    cat = config.catalogue
    p = party(45, quote=30)
    assert "kitchen_tour" not in ids(suggest(p, NOW, cat, []))
    leaving = suggest(p, NOW, cat, [], leaving=True)
    assert set(ids(leaving)[:2]) == {"kitchen_tour", "rescue_voucher"}
    assert "about to leave after 45 min" in leaving[0].reason(EN)
    # the minutes waited said once, not "waited 45 min, nothing offered yet, about to
    # leave after 45 min"
    assert leaving[0].reason(EN).startswith("about to leave after 45 min, nothing offered yet")
    assert leaving[0].reason(EN).count("45 min") == 1
    assert leaving[0].reason(ZH).startswith("等了 45 分钟，准备离开，还没有人照顾")
    options = rescue_options(p, NOW, config, store.load_room(), [])
    assert options[0].offer.startswith("table:") and options[0].minutes == 0
    assert any(o.offer == "kitchen_tour" for o in options)


def test_ranking_by_what_worked_then_cost(config):
    cat = config.catalogue
    p = party(16)  # phone_charger, wait_update, manicure: need 1, cost 0
    plain = ids(suggest(p, NOW, cat, []))
    tied = [i for i in plain if i in ("manicure", "phone_charger", "wait_update")]
    assert tied == ["manicure", "phone_charger", "wait_update"]  # no history: by id
    rows = [("phone_charger", "waiting", "stayed")] * 10 + \
        [("manicure", "waiting", "left")] * 8 + [("manicure", "waiting", "stayed")] * 2
    learned = ids(suggest(p, NOW, cat, [], stats=Stats.from_rows(rows)))
    tied = [i for i in learned if i in ("manicure", "phone_charger", "wait_update")]
    assert tied == ["phone_charger", "wait_update", "manicure"]
    # what worked elsewhere is only a weak hint for another situation
    # cheaper first among equals: jasmine tea (2) before the fruit plate (12)
    out = ids(suggest(party(25), NOW, cat, [given("welcome_tea", 1)]))
    assert out.index("jasmine_tea") < out.index("fruit_plate")


def test_when_unsure_suggest_what_most_guests_liked(config):
    cat = config.catalogue
    rows = [("wait_update", "waiting", None)] * 12 + [("phone_charger", "waiting", None)]
    out = ids(suggest(party(16), NOW, cat, [], stats=Stats.from_rows(rows)))
    assert out.index("wait_update") < out.index("phone_charger") < out.index("manicure")


def test_learn_from_the_log(store, config):
    cat = config.catalogue
    t0 = NOW - 3 * 3600
    for i in range(6):
        p = store.party(store.add_party(t0 + i * 60, 2, f"G{i}").party)
        item = cat["phone_charger"] if i % 2 else cat["manicure"]
        g.give(store, t0 + i * 60 + 12 * 60, p, item, "Lin")
        if i % 2:
            store.seat_party(t0 + i * 60 + 30 * 60, p.id, f"A{i}" if i < 4 else "W1")
        else:
            store.remove_party(t0 + i * 60 + 30 * 60, p.id, "walked_away")
    stats = learn(store)
    assert stats.counts[("waiting", "phone_charger")] == [3, 3, 0]
    assert stats.counts[("waiting", "manicure")] == [3, 0, 3]
    assert stats.worked("phone_charger", "waiting")[0] > stats.worked("manicure", "waiting")[0]
    r = g.start_rescue(store, NOW, "x", "Lin", "table:A4")
    g.record_outcome(store, r.id, "stayed", NOW)
    assert learn(store).counts[("leaving", "table")] == [1, 1, 0]


def test_needs_attention(config):
    a = party(20, quote=60, pid="a")  # untouched 20 min
    b = party(40, quote=30, pid="b")  # overdue, touched 5 min ago
    c = party(10, quote=60, pid="c")  # fine
    d = party(27, quote=30, pid="d")  # passes its quote in 3 min, touched recently
    e = party(50, quote=30, pid="e")  # overdue and untouched
    by_party = {"b": [given("welcome_tea", 5, "b")], "d": [given("welcome_tea", 2, "d")],
                "e": [given("welcome_tea", 30, "e")]}
    out = needs_attention([a, b, c, d, e], NOW, by_party, 15)
    assert [x.party.id for x in out] == ["e", "b", "a", "d"]
    assert [x.flagged for x in out] == [True, False, True, False]
    assert out[0].reason(EN) == "waited 50 min, nothing offered for 30 min, quote passed 20 min ago"
    assert out[3].reason(EN) == "quote ends in 3 min"
    assert [x.party.id for x in needs_attention([a, c], NOW, {}, 25)] == []


def test_a_called_party_the_message_did_not_reach_comes_first():
    from dataclasses import replace

    e = party(50, quote=30, pid="e")  # overdue and untouched
    called = replace(party(3, quote=30, pid="c"), status="called", called_at=NOW - 60)
    heard = replace(party(3, quote=30, pid="h"), status="called", called_at=NOW - 60)
    out = needs_attention([e, called, heard], NOW, {}, 15, unreached={"c"})
    assert [x.party.id for x in out] == ["c", "e"]  # a called party otherwise never listed
    assert out[0].unreached and not out[1].unreached
    assert out[0].reason(EN) == "called, but the message did not reach them: tell them " \
        "another way"
    assert needs_attention([e], NOW, {}, 15, unreached={"e"})[0].unreached is False


def test_simulated_goodwill_is_realistic_and_repeatable(store, config):
    start = at("2025-03-07T17:00")
    events, phone = [], "+8613911112222"
    for i in range(12):
        pid = f"s{i:02d}"
        data = {"name": f"Guest {i}", "phone": phone if i in (0, 6, 11) else "",
                "tags": ["child"] if i % 4 == 0 else [], "quote": 20}
        events.append(Event(start + i * 600, "arrive", pid, 4, "", data))
        if i == 5:
            events.append(Event(start + i * 600 + 70 * 60, "abandon", pid, None, "",
                                {"reason": "walked_away"}))
        else:
            events.append(Event(start + i * 600 + 35 * 60, "seat", pid, None, "A4"))
    one = simulate_goodwill(events, config.catalogue, seed=3)
    assert one == simulate_goodwill(events, config.catalogue, seed=3)
    gestures, rescues, notes = one
    assert len(gestures) > 12 and all(x["cost"] >= 0 for x in gestures)
    assert {"party": "s05", "outcome": "left"}.items() <= next(
        r for r in rescues if r["party"] == "s05").items()
    assert not any(x["interaction"] == "voucher" and not x["approved_by"] for x in gestures)
    # the party's host (on its events) is the one who gave its gestures
    rota = simulated_hosts(events, ("Lin", "Ana", "Hao"))
    assert all(x["host"] == rota[x["party"]] for x in gestures)
    assert set(rota.values()) == {"Lin", "Ana"}  # seven parties each: 12 parties, two hosts
    n = import_goodwill(store, events, gestures, rescues, notes)
    assert n >= len(gestures)
    card = u.recognise(store, phone)
    assert card is not None and card.visits == 3
    assert store.db.execute("SELECT count(*) FROM gestures").fetchone()[0] == len(gestures)


def test_past_the_quote_counts_from_the_quote_as_told(config):
    """Quoted 43.84 minutes, told "45": at 49 minutes on the Waited column the row said
    "+5" and the reason "quote passed 5 min ago" against a quote that read 45. Both now
    count from what the guest was told, as the screen shows it: +4."""
    told_45 = party(49, quote=43.84)
    assert minutes_past_quote(told_45.arrived, NOW, told_45.quote) == 4
    [box] = needs_attention([told_45], NOW, {}, 60)
    assert box.reason(EN) == "quote passed 4 min ago"
    assert "quote passed 4 min ago" in suggest(told_45, NOW, config.catalogue, [])[0].reason(EN)
    assert minutes_past_quote(told_45.arrived, NOW, None) is None


def test_past_the_quote_counts_from_the_quote_as_the_row_shows_it_with_its_range(config):
    """Quoted 0.3 minutes with a range of 0-3: the row shows "5 (0-5)" (told to 5
    minutes), but past the quote was counted from the point alone, which rounds to "no
    wait": at 3 minutes the row read "5 +3" in red. It counts from the 5 shown now."""
    party = Party("p1", 2, NOW - 3 * 60, "Li", quote=0.3, quote_low=0.0, quote_high=3.0)
    assert minutes_past_quote(party.arrived, NOW, 0.3, 0.0, 3.0) == -2
    assert needs_attention([party], NOW, {}, 60)[0].reason(EN) == "quote ends in 2 min"
