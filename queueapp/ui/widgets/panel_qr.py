"""The highlighted party's page as a QR code beside the party panel, on a screen tall
and wide enough to draw it whole (elsewhere the host presses ``q`` for it)."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.reactive import var
from textual.widgets import Static

from queueapp.ui.app import QueueApp
from queueapp.ui.qr import qr_lines, qr_text
from queueapp.ui.widgets.state import DrawsState


class PanelQR(DrawsState, Static):
    """Blank when the party has no page or the code would not fit whole: a cut code
    cannot be scanned, so it is never drawn cut."""

    app = getters.app(QueueApp)
    party_id: var[str | None] = var(None)

    def __init__(self) -> None:
        super().__init__(id="panel-qr")
        self._drawn: tuple[str, int] | None = None  # (url, height) as drawn

    def watch_party_id(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        snap = self.snapshot
        if snap is None or not self.display:
            return
        url = snap.guest_url(self.party_id) \
            if self.party_id else ""
        room = (url, self.content_region.height)
        if room == self._drawn:
            return  # the same code in the same room: nothing to draw again
        self._drawn = room
        lines = qr_lines(url) if url else []
        fits = bool(lines) and len(lines) <= room[1]  # its width follows the code (auto)
        self.update(qr_text(url) if fits else Text(""))  # a new width: a new layout
