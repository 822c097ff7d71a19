"""What every widget of the main screen shares: the stand's state, bound to it."""

from __future__ import annotations

from textual.reactive import var

from queueapp.ui.app import Snapshot


class DrawsState:
    """Mixed into a widget that draws the stand's state: ``snapshot`` is bound to
    ``QueueApp.snapshot`` through the screen, and the widget is drawn again when the
    state or its own size changes (``redraw`` draws it)."""

    snapshot: var[Snapshot | None] = var(None, always_update=True)

    def watch_snapshot(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        raise NotImplementedError
