"""Small modal choosers: a table to seat at, a reason, a table, a search, the key help."""

from __future__ import annotations

import arrow
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from queueapp import phone
from queueapp.store import StoreError
from queueapp.ui import flows
from queueapp.ui.app import QueueApp
from queueapp.ui.field import Field
from queueapp.ui.format import clip, lead_in, who
from queueapp.ui.keynames import key_label
from queueapp.waitlist.events import REMOVE_REASONS
from queueapp.waitlist.find import name_matches
from queueapp.waitlist.room import CALLED, Party, TableState
from queueapp.waitlist.seating import Option as SeatOption


class Chooser(ModalScreen[str | None]):
    """A titled list: arrows to move, Enter to choose, Escape to cancel."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="chooser_cancel")]

    app = getters.app(QueueApp)

    def __init__(self, title: Text | str, options: list[Option], empty: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.options:
                yield OptionList(*self.options, id="choices")
            else:
                yield Static(self.empty, classes="error")
            yield Static(self.app.t("chooser_hint"), classes="hint")

    def on_mount(self) -> None:
        if self.options:
            self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SeatPicker(Chooser):
    def __init__(self, app: QueueApp, party: Party, options: list[SeatOption]) -> None:
        t = app.t
        title = Text(lead_in(t("seat_title", size=party.size)) + who(party))
        rows = []
        for o in options:
            label = Text(o.table, style="bold")
            label.align("left", 8)
            label.append(t("seat_option", seats=o.seats,
                           section=app.config.section(o.section).label(app.config.language)))
            if o.joined:
                label.append(" " + t("joined"), style="yellow")
            rows.append(Option(label, id=o.table))
        super().__init__(title, rows, t("no_table_fits", size=party.size))


class ReasonPicker(Chooser):
    """Why the party leaves the list. "No-show (called, did not come)" only for a party
    that was called: one never called has walked away or cancelled."""

    def __init__(self, app: QueueApp, party: Party) -> None:
        t = app.t
        title = Text(lead_in(t("remove_title")) + who(party))
        reasons = [r for r in REMOVE_REASONS if r != "no_show" or party.status == CALLED]
        super().__init__(title, [Option(t(f"reason_{r}"), id=r) for r in reasons])


class TablePicker(Chooser):
    def __init__(self, app: QueueApp, tables: list[TableState], title: str) -> None:
        options = []
        for tb in tables:
            label = Text(tb.name, style="bold")
            label.align("left", 6)
            p = app.snapshot.room.parties.get(tb.party)
            if p:
                label.append_text(clip(p.name, 30))
            options.append(Option(label, id=tb.name))
        super().__init__(title, options)


class FindScreen(ModalScreen[tuple[str, str] | None]):
    """Type part of a name, phone number or queue number (any the party had: a size
    edit into another table class gives a new one, and the guest may still hold the
    old one); Enter jumps to the highlighted match. No match says so as it is typed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="find_cancel"),
        Binding("down", "move(1)", show=False, id="find_down"),
        Binding("up", "move(-1)", show=False, id="find_up"),
    ]

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__()
        self._had: dict[str, list[str]] = {}  # every queue number each party had

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            yield Static(t("find_title"), classes="dialog-title")
            yield Field(id="query", placeholder=t("ph_find"))
            yield OptionList(id="matches")
            yield Static("", id="find-none", classes="error")
            yield Static(t("find_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search("")
        flows.start_flow(self, self._read_numbers())

    async def _read_numbers(self) -> None:
        """The numbers the parties had before their present one, read beside the UI;
        then the search typed meanwhile is run again with them."""
        ids = list(self.app.snapshot.room.parties)
        had = await self.app.in_store(lambda store, _now: store.tickets_had(ids),
                                      reread=False)
        if isinstance(had, StoreError) or not self.is_mounted:
            return
        self._had = had
        self._search(self.query_one(Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        app, t = self.app, self.app.t
        q = query.strip().casefold()
        q_digits = phone.digits(q)
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        for p in sorted(app.snapshot.room.parties.values(), key=lambda p: p.arrived):
            # a queue number: B007, 007; an earlier one counts (B041, now C012)
            old = [n for n in self._had.get(p.id, []) if n != p.ticket]
            number = bool(q_digits) and next(
                (n for n in [p.ticket, *old] if q in n.casefold()), None)
            # the name ignoring case, accents and punctuation: "obrien" finds O'Brien
            hit = not q or name_matches(q, p.name) or (
                len(q_digits) >= 3 and q_digits in phone.digits(p.phone)) or bool(number)
            if not hit:
                continue
            label = Text(p.ticket + " ", style="bold") if p.ticket else Text()
            label.append_text(clip(p.name or p.id, 40))
            label.append(f"  ({p.size})")
            if number and number != p.ticket:  # found by the number they had
                label.append("  " + t("find_was", ticket=number), style="bold")
            where = t("seated_at", table=p.table) if p.table else t(f"status_{p.status}")
            label.append(f"  {where}", style="dim")
            if p.phone:
                label.append("  " + phone.masked(p.phone), style="dim")  # never the number
            kind = "table" if p.table else "party"
            matches.add_option(Option(label, id=f"{kind}:{p.table or p.id}"))
        if matches.option_count:
            matches.highlighted = 0
        # nothing matches what is typed: said now, not only once Enter is pressed
        none = self.query_one("#find-none", Static)
        none.update(t("find_none"))
        none.display = bool(q) and not matches.option_count

    def action_move(self, delta: int) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.option_count:
            current = matches.highlighted or 0
            matches.highlighted = max(0, min(matches.option_count - 1, current + delta))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.highlighted is None:
            self.app.notify(self.app.t("find_none"), severity="warning")
            return
        self._choose(matches.get_option_at_index(matches.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id:
            kind, key = option_id.split(":", 1)
            self.dismiss((kind, key))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key on the main screen, as currently mapped, written as the host reads it on
    the keyboard (``/``, ``?``, ``ctrl+p``), in the screen's language."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help_close")]

    app = getters.app(QueueApp)

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog help"):
            yield Static(Text(t("help_title")), classes="dialog-title")
            yield DataTable(id="keys", cursor_type="none", show_header=False)
            # Text, not markup: the hint names the config's [keys] section
            yield Static(Text(t("help_hint")), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="key")
        table.add_column("", key="action")
        for b in self.bindings:  # as mapped (the config's [keys] applied), as on the footer
            table.add_row(Text(key_label(b.key), style="bold"), Text(b.description))
        for key, word in (("tab", "help_tab"), ("ctrl+p", "help_palette"),
                          ("ctrl+q", "help_quit"), ("escape", "help_escape")):
            table.add_row(Text(key_label(key), style="bold"), Text(self.app.t(word)))
        table.focus()  # arrows and PgDn scroll it on a short terminal
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """As many rows as fit with the title and the hint still on screen (24 lines hold
        about 14 keys; the rest scroll)."""
        table = self.query_one(DataTable)
        room = self.app.size.height - 10  # border, title, hint, their padding, margin
        table.styles.height = max(3, min(table.row_count, room))

    def action_close(self) -> None:
        self.dismiss(None)


class SamePhone(Chooser):
    """The phone typed is already on the list: open that party, add anyway, or go back
    to the form (Escape too) with everything as typed."""

    OPEN, ADD, BACK = "open", "add", "back"

    def __init__(self, app: QueueApp, twin: Party) -> None:
        t = app.t
        since = arrow.get(twin.arrived).to(app.config.timezone).format("HH:mm")
        title = Text(lead_in(t("same_phone_title", status=t(f"status_{twin.status}"),
                                 since=since)) + who(twin) + f" ({twin.size})")
        options = [Option(Text(t("same_phone_open", name=who(twin))), id=self.OPEN),
                   Option(t("same_phone_add"), id=self.ADD),
                   Option(t("same_phone_back"), id=self.BACK)]
        super().__init__(title, options)
