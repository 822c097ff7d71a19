"""The one main screen: it lays out the widgets (header, waiting list, tables,
attention box, party panel), hands them the app's state and answers "which party,
which table" for the host's actions (in :mod:`main_actions`)."""

from __future__ import annotations

from textual import events, getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Static

from queueapp.goodwill.suggestions import Suggestion
from queueapp.i18n import Translator
from queueapp.keys import KEY_IDS, KEYS
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.bindings import in_language
from queueapp.ui.screens.main_actions import StandActions
from queueapp.ui.widgets import (
    AttentionBox,
    PartyPanel,
    StandFooter,
    StandHeader,
    TablesPanel,
    WaitingList,
)
from queueapp.ui.widgets.banner import RecordBanner
from queueapp.ui.widgets.panel_qr import PanelQR
from queueapp.waitlist.room import Party

# keys shown in the footer; every key's description comes from the translator ("key_<id>")
SHOWN = {"add_party", "seat", "seat_next", "call", "remove", "table_left", "table_ready",
         "undo", "find", "help", "give_catalogue", "leaving", "guest_card", "complaint"}
KEY_ORDER = {id_: n for n, (id_, _, _) in enumerate(KEYS)}

# the tables panel's form by screen width: full at FULL_FROM columns and wider,
# medium from MEDIUM_FROM, compact below
FULL_FROM, FULL_WIDTH = 150, 70
MEDIUM_FROM, MEDIUM_WIDTH = 110, 50
SHORT_BELOW = 34  # rows: the attention box and party panel take less height
TALL_FROM = 48  # rows (on a full-width screen): the party panel shows the page's QR code


def key_bindings() -> list[BindingType]:
    """The host's keys, described by i18n keys (``in_language`` puts them in words)."""
    return [Binding(key, action, f"key_{id_}", show=id_ in SHOWN, id=id_)
            for id_, key, action in KEYS]


class MainScreen(StandActions, Screen[None]):
    BINDINGS = key_bindings()

    app = getters.app(QueueApp)
    snapshot: var[Snapshot | None] = var(None, always_update=True)

    @classmethod
    def in_language(cls, t: Translator) -> type[MainScreen]:
        """The screen with its key descriptions (footer, help, palette) in ``t``'s
        language: bindings are made when a class is created, so one class per language."""
        return in_language(cls, t.language)

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield StandHeader().data_bind(MainScreen.snapshot)
        yield RecordBanner()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Static(t("waiting_title"), classes="panel-title")
                yield WaitingList().data_bind(MainScreen.snapshot)
                with Horizontal(id="party-box"):
                    yield PartyPanel().data_bind(MainScreen.snapshot)
                    yield PanelQR().data_bind(MainScreen.snapshot)
            with Vertical(id="right"):
                yield AttentionBox().data_bind(MainScreen.snapshot)
                yield Static(t("tables_title"), classes="panel-title")
                yield TablesPanel().data_bind(MainScreen.snapshot)
        yield StandFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "snapshot", self._state_arrived)
        self.query_one(WaitingList).focus()

    def _state_arrived(self, snap: Snapshot) -> None:
        self.snapshot = snap  # the list is redrawn at once (bound): its highlight is new
        self._follow_party()  # the party under it, whether or not the cursor moved
        self.check_holds(snap)  # issue 12: a called party's hold ran out: ask the host

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        tables = self.query_one(TablesPanel)
        if width >= FULL_FROM:
            tables.form, right_width = "full", FULL_WIDTH
        elif width >= MEDIUM_FROM:
            tables.form, right_width = "medium", MEDIUM_WIDTH
        else:
            tables.form, right_width = "compact", tables.compact_width()
        self.query_one("#right").styles.width = right_width
        # messages rise from the foot of the waiting list, as wide as it (the stylesheet
        # puts them above the party panel): never over the tables or the party panel
        for rack in (child for child in self.children if child.id == "textual-toastrack"):
            rack.styles.width = max(1, width - right_width)
        self.set_class(height < SHORT_BELOW, "-short")
        # room for the highlighted party's QR code beside the party panel
        self.set_class(height >= TALL_FROM and width >= FULL_FROM, "-tall")

    def command_bindings(self) -> list[Binding]:
        """The host's keys as currently mapped (after the config's ``[keys]``)."""
        found = {ab.binding.id: ab.binding for ab in self.active_bindings.values()
                 if ab.node is self and ab.binding.id in KEY_IDS}
        return sorted(found.values(), key=lambda b: KEY_ORDER[b.id or ""])

    # -- the highlighted party follows the list --------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, WaitingList):
            self._follow_party()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a party's row (or a click on the highlighted one): its whole card."""
        if isinstance(event.data_table, WaitingList):
            self.action_guest_card()

    def _follow_party(self) -> None:
        party_id = self.current_party_id()
        self.query_one(PartyPanel).party_id = party_id
        self.query_one(PanelQR).party_id = party_id

    @property
    def _suggestions(self) -> list[Suggestion]:
        """What keys 1-9 give: the party panel's suggestions as drawn."""
        return self.query_one(PartyPanel).suggestions

    # -- selection helpers -----------------------------------------------------------------
    def current_party_id(self) -> str | None:
        return self.query_one(WaitingList).current_key()

    def current_party(self) -> Party | None:
        pid = self.current_party_id()
        return self.app.snapshot.room.parties.get(pid) if pid else None

    def current_table(self) -> str | None:
        key = self.query_one(TablesPanel).current_key()
        return key.split(":", 1)[1] if key and key.startswith("table:") else None

    def select_party(self, party_id: str) -> None:
        waiting = self.query_one(WaitingList)
        if waiting.select_key(party_id):
            waiting.focus()

    def select_table(self, name: str) -> None:
        tables = self.query_one(TablesPanel)
        if tables.select_key(f"table:{name.split('+')[0]}"):
            tables.focus()

    def _need_party(self) -> Party | None:
        p = self.current_party()
        if p is None:
            self.app.notify(self.app.t("no_party_selected"), severity="warning")
        return p

