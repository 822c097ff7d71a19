"""A text field that keeps keys typed in one burst in the order they were typed.

Textual hands a typed character to the widget that has focus when the app reads it, and
the field inserts it at once; a key that works through a binding (Backspace, the arrows,
Home, Delete...) goes the long way, up through the screen to the app, and acts on
whatever has focus when it gets there. Tab moves focus as soon as the app reads it
(``QueueApp.action_next_field``). So in "Wux", Backspace, Tab, "4" sent at once, a plain
Input's Backspace would reach the app after the Tab and delete from the next field.
:class:`Field` does its own editing keys where they arrive, in order with the letters.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input

SETTLE_SECONDS = 1.0  # at most this long, a key waits for the keys typed before it


def _editing_keys() -> dict[str, str]:
    """Input's own keys (but Enter, which the forms take) and the action each runs."""
    keys: dict[str, str] = {}
    for binding in Input.BINDINGS:
        if isinstance(binding, Binding) and binding.action != "submit":
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


EDITING_KEYS = _editing_keys()


class Field(Input):
    """An Input whose editing keys act in the field they were typed in, in order."""

    async def _on_key(self, event: events.Key) -> None:
        action = EDITING_KEYS.get(event.key)
        # an action that does not apply (Ctrl+C with nothing selected) lets the key go on
        # to the screen and the app, as it did through the binding
        if action is not None and await self.app.run_action(action, self):
            event.stop()
            event.prevent_default()  # Input's own handler is not needed: done here


async def handled_so_far(widget: Widget) -> None:
    """Return once ``widget`` has handled every message sent to it before now (the keys
    a host typed ahead of the one being handled), and so has each of its parents up to
    its screen (what those keys set off on the way up: a field's Changed, which the form
    acts on). SETTLE_SECONDS at most for each."""
    for node in widget.ancestors_with_self:
        done = asyncio.Event()
        node.call_later(done.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), SETTLE_SECONDS)
        if node is widget.screen:
            return
