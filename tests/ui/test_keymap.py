"""Keys can be remapped in config.toml [keys] by binding id; help and footer follow."""

from __future__ import annotations

from helpers import config_variant
from textual.widgets import DataTable

from queueapp.ui.screens.forms import PartyForm

SIZE = (170, 48)


async def test_remapped_key_opens_the_form_and_the_old_one_does_not(make_app, store):
    config = config_variant(**{'# add_party = "a"': 'add_party = "plus"'})
    assert config.keys == {"add_party": "plus"}
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, PartyForm)
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, PartyForm)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        keys = app.screen.query_one("#keys", DataTable)
        shown = [str(keys.get_row_at(i)[0]) for i in range(keys.row_count)]
        assert "+" in shown and "a" not in shown
