"""Text fields that keep a burst's editing keys in order and let through the keys they
have no use for (ui/field.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding

from queueapp.ui.field import Field


class OneField(App[None]):
    """A field, and an app binding on Ctrl+C (as Textual's own "how to quit" hint is)."""

    BINDINGS = [Binding("ctrl+c", "seen", "Seen")]

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def compose(self) -> ComposeResult:
        yield Field(id="f")

    def action_seen(self) -> None:
        self.seen += 1


async def test_a_key_the_field_has_no_use_for_goes_on_to_the_app() -> None:
    app = OneField()
    async with app.run_test() as pilot:
        field = app.query_one(Field)
        field.focus()
        await pilot.press(*"Wux", "backspace", "y")
        assert field.value == "Wuy"
        await pilot.press("ctrl+c")  # nothing selected: nothing to copy
        assert app.seen == 1
        await pilot.press("ctrl+shift+a", "ctrl+c")  # all selected: copied, not passed on
        assert app.seen == 1
