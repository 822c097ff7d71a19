"""Guests: recognised by phone across visits, with notes, birthdays and past gestures."""


import arrow
import pytest
from helpers import CONFIG_PATH

from queueapp.goodwill import gestures as g
from queueapp.goodwill import guests as u

CONFIG = CONFIG_PATH
PHONE = "+8613912345678"




DAY1 = arrow.get("2025-03-01T19:00:00+08:00").float_timestamp
DAY2 = arrow.get("2025-03-15T18:30:00+08:00").float_timestamp


def visit(store, when, phone=PHONE, name="Wang Fang"):
    ev = store.add_party(when, 4, name, phone, ["child"])
    party = store.party(ev.party)
    return party, u.record_visit(store, party)


def test_returning_guest_recognised_with_notes_and_gestures(store, config):
    assert u.recognise(store, PHONE) is None
    p1, card1 = visit(store, DAY1)
    assert card1.visit_number == 1 and not card1.returning and card1.last_visit is None
    tea = g.give(store, DAY1 + 600, p1, config.catalogue["jasmine_tea"], "Lin")
    assert tea.guest_id == card1.id
    u.add_note(store, card1.id, "like", "jasmine tea", "Lin", DAY1 + 900)
    u.add_note(store, card1.id, "allergy", "peanuts", "Lin", DAY1 + 900)
    u.add_note(store, card1.id, "dislike", "coriander", "Ana", DAY1 + 950)
    store.seat_party(DAY1 + 1200, p1.id, "A4")

    # next visit, before the party is added: the add form shows this
    coming = u.recognise(store, PHONE)
    assert coming is not None and coming.visit_number == 2 and coming.returning
    assert coming.last_visit == pytest.approx(DAY1)
    assert coming.likes == ["jasmine tea"] and coming.allergies == ["peanuts"]
    assert coming.dislikes == ["coriander"]
    assert [x.interaction for x in coming.gestures] == ["jasmine_tea"]

    p2, card2 = visit(store, DAY2)
    assert card2.id == card1.id and card2.visit_number == 2 and card2.visits == 2
    assert card2.last_visit == pytest.approx(DAY1)
    g.give(store, DAY2 + 60, p2, config.catalogue["welcome_tea"], "Ana")
    # the card for this visit lists gestures of earlier visits only
    assert [x.interaction for x in u.guest_for_party(store, p2.id).gestures] == ["jasmine_tea"]
    # the first visit's card is still the first visit
    assert u.guest_for_party(store, p1.id).visit_number == 1
    # recording the same party again changes nothing
    assert u.record_visit(store, p2).visits == 2


def test_a_guest_still_on_the_list_is_not_called_returning_for_that_visit(store):
    """The phone of a party still waiting, typed again on the add form: the card is the
    one of the visit in progress (first visit: not returning; the form says the phone is
    on the list), not a "2nd visit, last visit today" made of the visit itself."""
    p1, _ = visit(store, DAY1)
    now = u.recognise(store, PHONE)
    assert now is not None and now.visit_number == 1 and not now.returning
    store.seat_party(DAY1 + 1200, p1.id, "A4")
    after = u.recognise(store, PHONE)
    assert after is not None and after.visit_number == 2 and after.returning
    visit(store, DAY2)
    during = u.recognise(store, PHONE)
    assert during is not None and during.visit_number == 2
    assert during.last_visit == pytest.approx(DAY1)


def test_an_old_visit_left_on_the_list_does_not_hide_a_returning_guest(store):
    """Only the latest visit, still waiting, is "the visit in progress": one never
    closed weeks ago (left on the list by mistake) does not make a regular a stranger."""
    visit(store, DAY1)  # never seated nor removed
    p2, _ = visit(store, DAY2)
    store.seat_party(DAY2 + 1200, p2.id, "A4")
    card = u.recognise(store, PHONE)
    assert card is not None and card.visit_number == 3 and card.returning


def test_voided_gestures_are_not_on_the_card(store, config):
    p1, card = visit(store, DAY1)
    wrong = g.give(store, DAY1 + 60, p1, config.catalogue["fruit_plate"], "Lin")
    g.void(store, DAY1 + 90, wrong.id, "Lin", "wrong party")
    store.seat_party(DAY1 + 600, p1.id, "A4")
    assert u.recognise(store, PHONE).gestures == ()


def test_match_by_name_and_link_without_phone(store):
    _, card = visit(store, DAY1, name="Zhang [VIP] 张伟")
    visit(store, DAY1 + 60, phone="+8613800000001", name="Zhang Wei")
    names = [c.name for c in u.match_by_name(store, "zhang")]
    assert set(names) == {"Zhang [VIP] 张伟", "Zhang Wei"}
    assert [c.name for c in u.match_by_name(store, "Zhang Wei")][0] == "Zhang Wei"
    assert u.match_by_name(store, "%") == [] and u.match_by_name(store, "") == []
    ev = store.add_party(DAY2, 2, "Zhang")  # no phone: the host confirms the match
    party = store.party(ev.party)
    assert u.record_visit(store, party) is None
    linked = u.record_visit(store, party, guest_id=card.id)
    assert linked.visit_number == 2 and linked.phone == PHONE
    with pytest.raises(u.GuestError, match="no guest number"):
        u.record_visit(store, store.party(store.add_party(DAY2, 2, "X").party), guest_id=99)


def test_birthday_and_note_validation(store):
    _, card = visit(store, DAY1)
    u.set_birthday(store, card.id, "3-5")
    fresh = u.recognise(store, PHONE)
    assert fresh.birthday == "03-05"
    assert fresh.days_to_birthday(DAY1, "Asia/Shanghai") == 4
    assert fresh.days_to_birthday(DAY2, "Asia/Shanghai") == 355
    with pytest.raises(u.GuestError, match="Birthday"):
        u.set_birthday(store, card.id, "31-02")
    with pytest.raises(u.GuestError, match="should be one of like"):
        u.add_note(store, card.id, "complaint", "cold broth", "Lin", DAY1)
    with pytest.raises(u.GuestError, match="empty"):
        u.add_note(store, card.id, "like", "  ", "Lin", DAY1)
    with pytest.raises(u.GuestError, match="no guest number"):
        u.add_note(store, 12345, "like", "tea", "Lin", DAY1)
    u.add_note(store, card.id, "note", "prefers the window", "Hao", DAY1)
    assert u.recognise(store, PHONE).other_notes == ["prefers the window"]


def test_a_name_typed_matches_whole_words_or_a_chinese_name_s_first_characters(store):
    """"Li" is Li Fang (her given name not typed), not Liu Yang; a Chinese name is
    written without spaces, so "李" is 李娜."""
    for n, name in enumerate(("Li Fang", "Liu Yang", "li", "李娜", "李")):
        visit(store, DAY1 + 60 * n, phone=f"+86138000000{n:02d}", name=name)
    assert [c.name for c in u.match_by_name(store, "Li")] == ["li", "Li Fang"]
    assert [c.name for c in u.match_by_name(store, "李")] == ["李", "李娜"]
    assert [c.name for c in u.match_by_name(store, "Li Fa")] == []


@pytest.mark.parametrize(("kind", "typed", "kept"), [
    ("like", "likes window seats", "window seats"),
    ("like", "Likes: window seats", "window seats"),
    ("like", "like jasmine tea", "jasmine tea"),
    ("like", "喜欢靠窗的位子", "靠窗的位子"),
    ("like", "喜欢 靠窗", "靠窗"),
    ("dislike", "dislikes coriander", "coriander"),
    ("dislike", "不喜欢香菜", "香菜"),
    ("like", "likesome tea", "likesome tea"),  # not the word "likes"
    ("like", "window seats", "window seats"),
    ("dislike", "likes nothing spicy", "likes nothing spicy"),  # another kind's word
    ("like", "likes", "likes"),  # nothing would be left: kept as typed
])
def test_a_leading_word_repeating_the_kind_is_dropped(store, kind, typed, kept):
    """A newcomer typed "likes window seats" with the kind already "likes": the card
    read "likes likes window seats". The repeated kind word is dropped when saving."""
    _party, card = visit(store, DAY1)
    note = u.add_note(store, card.id, kind, typed, "Lin", DAY1 + 60)
    assert note.text == kept
    assert [n.text for n in store.guests.notes(card.id)] == [kept]
