"""Issue 10, point 9 at the stand: `/` never shows a full phone number, yet finds by one;
old guests' data is purged by the app once a day."""

from __future__ import annotations

from helpers import at, config_variant, settle, toasts
from textual.widgets import OptionList

from queueapp.ui.screens.pickers import FindScreen

SIZE = (160, 45)
TZ = "Asia/Shanghai"
PHONES = ("+8613987654321", "+8613811112222", "+8613700003333")


def _drawn(app) -> str:
    """Every option of the find list as drawn text."""
    options = app.screen.query_one(OptionList).options
    return "\n".join(str(o.prompt) for o in options)


async def test_find_shows_masked_phones_and_still_finds_by_digits(make_app, store):
    ids = [store.add_party(at(-30 + i), 2, name, phone, tz=TZ).party
           for i, (name, phone) in enumerate(zip(("王芳", "Chen", "Li"), PHONES, strict=True))]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, FindScreen)
        shown = _drawn(app)  # the empty query: no number in full
        for number in PHONES:
            assert number[3:] not in shown and number[3:6] + " " + number[6:10] not in shown
        await pilot.press(*"13811112222")  # the whole number typed still finds the party
        shown = _drawn(app)
        assert len(app.screen.query_one(OptionList).options) == 1
        assert "•••• 2222" in shown and "1381111" not in shown
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.current_party_id() == ids[1]


async def test_the_app_purges_old_guests_once_a_day(make_app, store, db_path):
    config = config_variant(**{"[goodwill]": "[privacy]\nkeep_guest_days = 30\n\n[goodwill]"})
    old = store.add_party(at(-60 * 24 * 40), 2, "Old Friend", PHONES[0], tz=TZ).party
    store.remove_party(at(-60 * 24 * 40 + 30), old, "walked_away")
    recent = store.add_party(at(-10), 2, "Recent", PHONES[1], tz=TZ).party
    app = make_app(config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert store.party(old).name == "" and store.party(old).phone == ""
        assert store.party(recent).name == "Recent"
        assert any("anonymised" in text for text in toasts(app))


async def test_the_edit_form_masks_the_saved_phone_yet_keeps_clears_or_replaces_it(
        make_app, store):
    from textual.widgets import Input

    from queueapp.ui.screens.forms import PartyForm

    keep = store.add_party(at(-20), 2, "Keep", PHONES[0], tz=TZ).party
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for new_text, expected in (("•••• 4321", PHONES[0]), ("139 0000 1111", "+8613900001111"),
                                   ("", "")):
            await pilot.press("e")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, PartyForm)
            field = form.query_one("#phone", Input)
            assert "9876" not in field.value and "0000" not in field.value  # never in full
            field.value = new_text
            await pilot.pause()
            await pilot.press("enter")
            await settle(app, pilot)
            assert not isinstance(app.screen, PartyForm), new_text
            assert store.party(keep).phone == expected, new_text
