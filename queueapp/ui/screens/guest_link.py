"""A party's own page as a QR code on the stand's screen: the guest scans it with their
phone (the page shows their place in line and lets them answer or cancel), or the
host reads the address out."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from queueapp.ui.app import QueueApp
from queueapp.ui.format import party_label
from queueapp.ui.qr import qr_text
from queueapp.waitlist.room import Party


class GuestLinkScreen(ModalScreen[None]):
    """The QR code as large as the screen allows (two module rows a line), the address
    under it; the title names the party by queue number. Any of Esc, Enter or q closes."""

    DEFAULT_CSS = """
    GuestLinkScreen .qr-dialog {
        width: auto;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
        align-horizontal: center;
    }
    GuestLinkScreen #qr {
        width: auto;
        height: auto;
    }
    GuestLinkScreen #qr-link {
        width: auto;
        height: auto;
    }
    /* nothing is drawn over the code while a guest scans it: messages wait under it and
       show when it closes */
    GuestLinkScreen Toast {
        display: none;
    }
    """
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="qr_close")]

    app = getters.app(QueueApp)

    def __init__(self, party: Party, url: str) -> None:
        super().__init__()
        self.party = party
        self.url = url

    def compose(self) -> ComposeResult:
        t = self.app.t
        with VerticalScroll(classes="qr-dialog") as box:
            # the party's name is guest text: a Text title, never read as markup
            box.border_title = Text(t("qr_title", who=party_label(self.party)))
            box.border_subtitle = t("qr_hint")
            yield Static(qr_text(self.url), id="qr")
            yield Static(Text(self.url), id="qr-link")

    def action_close(self) -> None:
        self.dismiss(None)
