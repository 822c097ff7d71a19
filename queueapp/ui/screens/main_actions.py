"""What the host's keys do on the main screen.

Every action captures its party (the ``on_party`` guard) or table when the key is
pressed and acts on exactly that one, never on whatever is highlighted when a form
closes or a write finishes; a party that left meanwhile gets a message. Each flow
runs beside the UI (``flows.start_flow``) and reads top to bottom:
``await flows.ask(app, ...)`` for forms and pickers, ``await app.in_store(...)``
for writes.

A mixin of :class:`~queueapp.ui.screens.main.MainScreen`, which draws the state and
provides the selection helpers (``current_party``, ``current_party_id``,
``current_table``, ``select_party``, ``select_table``, ``_need_party``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from rich.text import Text
from textual import getters
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets.option_list import Option

from queueapp.complaints import loop as complaints
from queueapp.config import Config
from queueapp.goodwill import gestures, guests
from queueapp.goodwill.gestures import Gesture
from queueapp.goodwill.suggestions import RescueOption, Suggestion, rescue_options
from queueapp.keys import DEFAULT_KEYS
from queueapp.store import Conflict, Store, StoreError
from queueapp.ui import flows
from queueapp.ui.app import QueueApp
from queueapp.ui.bindings import in_language
from queueapp.ui.format import guest_line, who
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import CLEARING, OCCUPIED, Party
from queueapp.waitlist.seating import (
    proposal_for_party,
    proposal_for_table,
    seat_options,
    skipped_if_seated,
)

if TYPE_CHECKING:
    from queueapp.i18n import Translator
    from queueapp.quotes.rule import Quote
    from queueapp.ui.screens.forms import NewParty, PartyChanges
    from queueapp.ui.screens.goodwill import NoteEntry

P = ParamSpec("P")


def on_party(flow: Callable[Concatenate[StandActions, Party, P], Coroutine[Any, Any, None]]
             ) -> Callable[Concatenate[StandActions, P], None]:
    """An action on the party highlighted when the key was pressed: captured then, and
    handed to the flow, which runs beside the UI (so it may await forms and writes)."""
    @functools.wraps(flow)
    def action(self: StandActions, *args: P.args, **kwargs: P.kwargs) -> None:
        party = self._party_at_key_press()
        if party is not None:
            flows.start_flow(self, flow(self, party, *args, **kwargs))
    return action


class StandActions(Screen[None]):
    app = getters.app(QueueApp)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # parties whose seating or removal is being saved: they are still highlighted
        # until the state is re-read, but no other action may start on them
        self._leaving: set[str] = set()

    if TYPE_CHECKING:  # provided by MainScreen
        def current_party(self) -> Party | None: ...
        def current_party_id(self) -> str | None: ...
        def current_table(self) -> str | None: ...
        def select_party(self, party_id: str) -> None: ...
        def select_table(self, name: str) -> None: ...
        def _need_party(self) -> Party | None: ...
        def command_bindings(self) -> list[Binding]: ...
        @property
        def _suggestions(self) -> list[Suggestion]: ...

    # -- the guards --------------------------------------------------------------------
    def _party_at_key_press(self) -> Party | None:
        """The highlighted party, unless none is, or it is being seated or removed (still
        highlighted until the state is re-read): then the host is told and None."""
        party = self._need_party()
        if party is not None and party.id in self._leaving:
            self._say_gone(party)
            return None
        return party

    def _still_here(self, party: Party) -> bool:
        """Is ``party`` still waiting? If not (seated, removed, at this terminal or
        another), say so: nothing is done to a party that has left the list."""
        now = self.app.snapshot.room.parties.get(party.id)
        if now is not None and now.waiting and party.id not in self._leaving:
            return True
        self._say_gone(party)
        return False

    def _say_gone(self, party: Party) -> None:
        self.app.notify(self.app.t("party_gone", name=who(party)),
                        severity="warning", timeout=6)

    async def _leave(self, party: Party, write: Callable[[Store, float], Event]
                     ) -> Event | StoreError:
        """Seat or remove ``party``: while it is saved, no other action starts on it."""
        self._leaving.add(party.id)
        try:
            return await self.app.in_store(write)
        finally:
            self._leaving.discard(party.id)

    def _tables_focused(self) -> bool:
        focused = self.focused
        return focused is not None and focused.id == "tables"

    def _focused_table(self) -> str | None:
        """The highlighted table when the tables panel has focus, else None."""
        return self.current_table() if self._tables_focused() else None

    def _wrote(self, ev: Event, message: str) -> None:
        """A waiting-list write went through: remember it for undo, say what was done."""
        if ev.id is not None:
            self.app.undo_stack.append(ev.id)
        self.app.notify(message, timeout=4)

    def _same_phone(self, e164: str, but: str = "") -> Party | None:
        """A party still on the list with this phone number (other than ``but``)."""
        if not e164:
            return None
        return next((p for p in self.app.snapshot.room.waiting()
                     if p.phone == e164 and p.id != but), None)

    async def _phone_check(self, e164: str, but: str = "") -> str:
        """Is the number already on the list? Then the host chooses: open that party
        (``SamePhone.OPEN``: it is highlighted, nothing more to do), go back to the form
        (``BACK``), or save anyway (``ADD``, also when the number is new)."""
        from queueapp.ui.screens.pickers import SamePhone

        twin = self._same_phone(e164, but)
        if twin is None:
            return SamePhone.ADD
        choice = await flows.ask(self.app, SamePhone(self.app, twin)) or SamePhone.BACK
        if choice == SamePhone.OPEN:
            self.select_party(twin.id)
        return choice

    # -- the waiting list --------------------------------------------------------------
    def action_add(self) -> None:
        flows.start_flow(self, self._add())

    async def _add(self) -> None:
        from queueapp.ui.screens.forms import NewParty, PartyForm
        from queueapp.ui.screens.pickers import SamePhone

        app, t = self.app, self.app.t
        draft: NewParty | None = None
        while True:
            entry = await flows.ask(app, PartyForm(draft))
            if not isinstance(entry, NewParty):
                return
            draft = entry
            choice = await self._phone_check(entry.phone)
            if choice == SamePhone.OPEN:
                return
            if choice != SamePhone.ADD:
                continue  # back to the form, as typed
            ev = await app.in_store(partial(
                _add_party, entry=entry, tz=app.config.timezone, host=app.snapshot.host,
                ticket_prefix=app.config.guests.ticket_class(entry.size).prefix,
                tickets_restart=app.config.guests.tickets_restart))
            if not isinstance(ev, StoreError):
                break  # else the form comes back filled in: nothing typed is lost
        point, low, high = entry.quote.rounded()
        ticket = str(ev.data.get("ticket", ""))  # the number to tell the guest
        if ticket:
            said = t("added_ticket" if high else "added_ticket_none", name=entry.name,
                     ticket=ticket, point=point, low=low, high=high)
        else:  # a config with no ticket classes cannot happen; an old store's party can
            said = t("added" if high else "added_none", name=entry.name, point=point,
                     low=low, high=high)
        self._wrote(ev, said)
        await self._confirm_guest(ev)

    async def _confirm_guest(self, ev: Event) -> None:
        """No phone: if guests by that name are known, the host may link the party to one."""
        from queueapp.ui.screens.pickers import Chooser

        app, t = self.app, self.app.t
        matches: list[guests.GuestCard] = ev.data.pop("matches", None) or []
        if not matches:
            return
        options = [Option(Text(f"{c.name}  ·  ") + guest_line(c, app.now(),
                                                             app.config.timezone, t),
                          id=str(c.id)) for c in matches]
        options.append(Option(t("guest_not_known"), id=""))
        chosen = await flows.ask(app, Chooser(t("guest_match_title"), options))
        guest_id = next((c.id for c in matches if str(c.id) == chosen), None)
        if guest_id is None:
            return

        def link(store: Store, _now: float) -> None:
            party = store.party(ev.party)
            if party is not None:
                guests.record_visit(store, party, guest_id)

        if not isinstance(await app.in_store(link), StoreError):
            app.notify(t("guest_linked"))

    @on_party
    async def action_edit(self, party: Party) -> None:
        from queueapp.ui.screens.forms import PartyChanges, PartyForm
        from queueapp.ui.screens.pickers import SamePhone

        app = self.app
        draft = None
        while True:
            entry = await flows.ask(app, PartyForm(draft, party=party))
            if not isinstance(entry, PartyChanges) or not entry.changed:
                return
            draft = entry.fields
            if not self._still_here(party):
                return
            choice = await self._phone_check(entry.fields.phone, but=party.id) \
                if "phone" in entry.changed else SamePhone.ADD
            if choice == SamePhone.OPEN:
                return
            if choice != SamePhone.ADD:
                continue
            ev = await app.in_store(partial(_edit_party, party_id=party.id,
                                            changes=entry.as_changes(), host=app.snapshot.host,
                                            config=app.config, quote=entry.quote))
            if not isinstance(ev, StoreError):
                self._wrote(ev, _edit_said(app.t, entry, ev))
                return

    @on_party
    async def action_call(self, party: Party) -> None:
        await self._call(party)

    def _table_to_keep(self, party: Party) -> str:
        """The ready table a call is for: the one already kept for the party, else the
        one proposed to them (``next: A4``), else none (called by voice for whatever
        frees first)."""
        snap = self.app.snapshot
        return snap.room.kept_for(party.id) or next(
            (p.table for p in snap.proposals if p.party_id == party.id), "")

    async def _call(self, party: Party) -> None:
        """Call the party; the ready table they are called for is kept for them for the
        hold their page promises, so no other party is seated there meanwhile."""
        from queueapp.ui.screens.pickers import Chooser

        app, t = self.app, self.app.t
        table, minutes = self._table_to_keep(party), app.config.hold_minutes
        if not table and not seat_options(app.config, app.snapshot.room, party.size,
                                          party.id, app.now()):
            # their page and message would say their table is ready: only if the host
            # means it (about to clear one, say)
            choice = await flows.ask(app, Chooser(
                t("call_no_table_title", name=who(party)),
                [Option(t("call_no_table_wait"), id="wait"),
                 Option(t("call_no_table_anyway"), id="call")]))
            if choice != "call" or not self._still_here(party):
                return
        ev = await app.in_store(lambda store, now: store.call_party(
            now, party.id, app.snapshot.host, table=table, minutes=minutes))
        if isinstance(ev, StoreError):
            return
        self._wrote(ev, _called_said(t, party, table, minutes))

    @on_party
    async def action_seat(self, party: Party) -> None:
        from queueapp.ui.screens.pickers import SeatPicker

        app = self.app
        # tables held for other parties are not offered; this party's own hold is
        options = seat_options(app.config, app.snapshot.room, party.size, party.id, app.now())
        table = await flows.ask(app, SeatPicker(app, party, options))
        if not table or not self._still_here(party):
            return
        ev = await self._leave(party, lambda store, now: store.seat_party(now, party.id, table))
        if not isinstance(ev, StoreError):
            self._wrote(ev, app.t("seated", name=who(party), table=table))

    @on_party
    async def action_remove(self, party: Party) -> None:
        from queueapp.ui.screens.pickers import ReasonPicker

        app, t = self.app, self.app.t
        reason = await flows.ask(app, ReasonPicker(app, party))
        if not reason or not self._still_here(party):
            return
        ev = await self._leave(party,
                               lambda store, now: store.remove_party(now, party.id, reason))
        if not isinstance(ev, StoreError):
            self._wrote(ev, t("removed", name=who(party), reason=t(f"reason_said_{reason}")))

    # -- tables --------------------------------------------------------------------------
    def action_table_left(self) -> None:
        flows.start_flow(self, self._table(OCCUPIED, "left", self._focused_table()))

    def action_table_ready(self) -> None:
        flows.start_flow(self, self._table(CLEARING, "ready", self._focused_table()))

    async def _table(self, state: str, then: str, name: str | None) -> None:
        """``name`` is the table highlighted at key press; if it is not in ``state``, ask."""
        from queueapp.ui.screens.pickers import TablePicker

        app, t = self.app, self.app.t
        room = app.snapshot.room
        if name is None or room.tables[name].state != state:
            choices = [tb for tb in room.tables.values() if tb.state == state]
            if not choices:
                app.notify(t(f"no_tables_{state}"), severity="warning")
                return
            name = await flows.ask(app, TablePicker(app, choices,
                                                          t(f"pick_table_{then}")))
            if not name:
                return
        table = name
        if then == "left":
            ev = await app.in_store(lambda store, now: store.table_departed(now, table))
        else:
            ev = await app.in_store(lambda store, now: store.table_ready(now, table))
        if not isinstance(ev, StoreError):
            self._wrote(ev, t(f"table_{then}", table=table))

    def action_undo(self) -> None:
        flows.start_flow(self, self._undo())

    async def _undo(self) -> None:
        """Undo, then put the highlight on the party it gave back (a party seated or
        removed by mistake is back on the list: the host's next key is for them)."""
        ev = await self.app.undo_last()
        party = self.app.snapshot.room.parties.get(ev.party) if ev is not None else None
        if party is not None and party.waiting:
            self.select_party(party.id)

    # -- goodwill --------------------------------------------------------------------------
    def action_give(self, n: int) -> None:
        """Give the n-th suggestion exactly as the party panel shows it at the key press."""
        party = self._party_at_key_press()
        if party is None:
            return
        shown = self._suggestions
        if n > len(shown):
            self.app.notify(self.app.t("no_suggestion_n", n=n), severity="warning")
            return
        flows.start_flow(self, flows.give(self.app, party, shown[n - 1].interaction))

    @on_party
    async def action_catalogue(self, party: Party) -> None:
        from queueapp.ui.screens.goodwill import OTHER, CatalogueScreen, CustomGestureForm

        app = self.app
        item_id = await flows.ask(app, CatalogueScreen(app, party))
        if not item_id:
            return
        if item_id == OTHER:
            custom = await flows.ask(app, CustomGestureForm())
            if custom is not None and self._still_here(party):
                await flows.give(app, party, custom.what, custom.cost, custom.note)
            return
        if self._still_here(party):
            await flows.give(app, party, app.config.catalogue[item_id])

    def action_host(self) -> None:
        flows.start_flow(self, flows.ask_host(self.app))

    @on_party
    async def action_leaving(self, party: Party) -> None:
        """The party is about to walk away: offer what may keep them (tables that fit and
        free soon, the rescue gestures), then record whether they stayed."""
        from queueapp.ui.screens.goodwill import OTHER, RescueScreen

        app = self.app
        snap = app.snapshot
        pending = snap.pending_rescues.get(party.id)
        if pending:
            await self._ask_outcome(party, pending[-1])
            return
        ready_in = app.table_ready_in()
        options = await flows.off_ui(app, lambda: rescue_options(
            party, app.now(), app.config, snap.room, snap.gestures.get(party.id, []),
            snap.guests.get(party.id), app.stats, ready_in=ready_in))
        offer = await flows.ask(app, RescueScreen(app, party, options))
        if not offer or not self._still_here(party):
            return
        if offer == OTHER:
            await self._ask_outcome(party, None)
            return
        await self._rescue(party, options, offer)

    async def _rescue(self, p: Party, options: list[RescueOption], offer: str) -> None:
        """The rescue's choice: a free (or clearing) table is held for the party, so one
        key seats them; an interaction is given; then the outcome."""
        app, t = self.app, self.app.t
        item = app.config.catalogue.get(offer)
        if item is not None:
            await flows.give(app, p, item)
        chosen = next((o for o in options if o.offer == offer), None)
        table = chosen.table if chosen is not None and chosen.free else ""
        minutes, host = app.config.hold_minutes, app.snapshot.host

        def action(store: Store, now: float) -> tuple[Event | Conflict | None, gestures.Rescue]:
            held: Event | Conflict | None = None
            if table:
                try:
                    held = store.hold_table(now, table, p.id, minutes, host)
                except Conflict as exc:  # taken meanwhile: the offer is still recorded
                    held = exc
            return held, gestures.start_rescue(store, now, p, host, offer)

        result = await app.in_store(action)
        if isinstance(result, StoreError):
            return
        held, rescue = result
        if isinstance(held, Conflict):
            app.notify(app.error_text(held), severity="warning", timeout=8)
        elif held is not None:
            self._wrote(held, t("held", table=table, name=who(p), minutes=round(minutes)))
        await self._ask_outcome(p, rescue.id)

    async def _ask_outcome(self, p: Party, rescue_id: int | None) -> None:
        from queueapp.ui.screens.goodwill import OutcomeChooser

        app, t = self.app, self.app.t
        outcome = await flows.ask(app, OutcomeChooser(app, p))
        if outcome not in ("stayed", "left"):
            return

        def action(store: Store, now: float) -> Event | None:
            # remove first: if another terminal seated them meanwhile, this fails and
            # no "left" is recorded for a party that in fact stayed
            ev = store.remove_party(now, p.id, "walked_away") if outcome == "left" else None
            if rescue_id is not None:
                gestures.record_outcome(store, rescue_id, outcome, now)
            return ev

        ev = await app.in_store(action)
        if isinstance(ev, StoreError):
            return
        if ev is not None and ev.id is not None:
            app.undo_stack.append(ev.id)
        app.notify(t(f"rescue_{outcome}", name=who(p)))

    @on_party
    async def action_observe(self, party: Party) -> None:
        from queueapp.ui.screens.goodwill import NoteForm

        app, t = self.app, self.app.t
        known = app.snapshot.guests.get(party.id)
        if known is None and not party.phone:
            app.notify(t("note_needs_phone"), severity="warning", timeout=8)
            return
        draft = None
        while True:
            entry = await flows.ask(app, NoteForm(party, draft))
            if entry is None:
                return
            draft = entry

            save = partial(_note_on_card, party=party, card=known, entry=entry,
                           host=app.snapshot.host)
            if not isinstance(await app.in_store(save), StoreError):
                app.notify(t("note_saved", name=who(party)))
                return  # else the form comes back with the observation in it

    @on_party
    async def action_gestures(self, party: Party) -> None:
        from queueapp.ui.screens.goodwill import GesturesScreen, VoidForm

        app = self.app
        given = await app.in_store(lambda store, _now: gestures.gestures_for_party(
            store, party.id, True), reread=False)
        if isinstance(given, StoreError):
            return
        gesture_id = await flows.ask(app, GesturesScreen(party, given))
        original = next((g for g in given if g.id == gesture_id), None)
        if original is None:
            return
        entry = await flows.ask(app, VoidForm(original))
        if entry is None:
            return
        note, approved_by = entry.note, ""
        while True:  # a lead-approved, another host's or an old gesture: a lead's PIN first
            voided = await app.in_store(partial(
                _void, gesture_id=original.id, host=app.snapshot.host, note=note,
                approved_by=approved_by, config=app.config), quiet=(gestures.VoidNeedsLead,))
            if not isinstance(voided, gestures.VoidNeedsLead) or approved_by:
                break
            lead = await flows.ask_lead(app, app.error_text(voided))
            if lead is None:
                return
            approved_by = lead
        if not isinstance(voided, StoreError):
            app.notify(app.t("void_done", what=voided.label))

    # -- service recovery --------------------------------------------------------------------
    def action_complaint(self) -> None:
        table = self._focused_table()
        if table is not None:
            tb = self.app.snapshot.room.tables[table]
            flows.start_flow(self, self._complaint(tb.party, table, Text(table)))
            return
        party = self._need_party()
        if party is not None:
            flows.start_flow(self, self._complaint(party.id, "", Text(who(party))))

    async def _complaint(self, party: str, table: str, about: Text) -> None:
        from queueapp.ui.screens.complaints import ComplaintForm

        app = self.app
        draft = None
        while True:
            entry = await flows.ask(app, ComplaintForm(about, draft))
            if entry is None:
                return
            draft = entry
            saved = await app.in_store(partial(
                complaints.record, category=entry.category, what=entry.what,
                action=entry.action, party=party, table=table, host=app.snapshot.host))
            if not isinstance(saved, StoreError):
                app.notify(app.t("complaint_saved"))
                return

    def action_review(self) -> None:
        flows.start_flow(self, self._review())

    async def _review(self) -> None:
        from queueapp.ui.screens.review import ReviewScreen

        lead = await flows.ask_lead(self.app, self.app.t("review_needs_pin"),
                                    self.app.t("pin_hint_review"))
        if lead is not None:
            self.app.push_screen(in_language(ReviewScreen, self.app.t.language)(lead))

    def action_open_items(self) -> None:
        from queueapp.ui.screens.complaints import OpenItemsScreen

        self.app.push_screen(in_language(OpenItemsScreen, self.app.t.language)())

    # -- finding -----------------------------------------------------------------------------
    def action_find(self) -> None:
        from queueapp.ui.screens.pickers import FindScreen

        self.app.push_screen(FindScreen(), self._found)

    def _found(self, target: tuple[str, str] | None) -> None:
        if not target:
            return
        kind, key = target
        if kind == "party":
            self.select_party(key)
        else:
            self.select_table(key)

    def action_help(self) -> None:
        from queueapp.ui.screens.pickers import HelpScreen

        self.app.push_screen(HelpScreen(self.command_bindings()))


    # -- who sits next: seat the proposal, hold a table --------------------------------
    def action_seat_next(self) -> None:
        """Seat the proposal: on the tables panel the highlighted table's proposed party,
        on the waiting list the highlighted party at its proposed table (or, with none,
        at the table the seat picker would put first, after a warning if that skips
        parties ahead). What is seated is read now, at the key press."""
        app, t = self.app, self.app.t
        now, room, config = app.now(), app.snapshot.room, app.config
        proposals = app.snapshot.proposals  # what the screen shows is what the key acts on
        if self._tables_focused():
            table = self.current_table()
            if table is None:
                app.notify(t("no_table_selected"), severity="warning")
                return
            prop = proposal_for_table(proposals, table)
            if prop is None:
                app.notify(t("no_proposal_table", table=table), severity="warning")
                return
            self._start_seat_next(room.parties[prop.party_id], prop.table, prop.skipped)
            return
        p = self._party_at_key_press()
        if p is None:
            return
        prop = proposal_for_party(proposals, p.id)
        if prop is not None:
            self._start_seat_next(p, prop.table, prop.skipped)
            return
        held = room.held_tables(p.id, now)
        if held:  # their table is kept for them but not ready yet
            app.notify(t("held_not_ready", table=held, name=who(p)),
                       severity="warning")
            return
        options = seat_options(config, room, p.size, p.id, now)
        if not options:
            app.notify(t("no_table_for", name=who(p)), severity="warning")
            return
        table = options[0].table
        self._start_seat_next(p, table, skipped_if_seated(room, p.id, table, now, config))

    def _start_seat_next(self, p: Party, table: str, skipped: int) -> None:
        if p.id in self._leaving:
            self._say_gone(p)
            return
        flows.start_flow(self, self._seat_next(p, table, skipped))

    async def _seat_next(self, p: Party, table: str, skipped: int) -> None:
        """Seat at once, or first ask when it skips parties ahead that the table fits."""
        from queueapp.ui.screens.pickers import Chooser

        app, t = self.app, self.app.t
        if skipped:
            word = "skip_title_one" if skipped == 1 else "skip_title_many"
            title = Text(t(word, name=who(p), table=table, n=skipped))
            choice = await flows.ask(app, Chooser(title, [Option(t("seat_anyway"), id="seat"),
                                                          Option(t("seat_cancel"), id="")]))
            if choice != "seat" or not self._still_here(p):
                return
        host = app.snapshot.host
        ev = await self._leave(p, lambda store, now: store.seat_party(now, p.id, table, host))
        if not isinstance(ev, StoreError):
            self._wrote(ev, t("seated", name=who(p), table=table))

    def action_hold(self) -> None:
        """Hold a table for a party for ``[seating] hold_minutes``, or release a hold.

        On the tables panel: the highlighted table (released if held), for its proposed
        party, else for the party highlighted on the waiting list. On the waiting list:
        the highlighted party's hold is released if it has one, else its proposed table
        (or the seat picker's first) is held for it."""
        app, t = self.app, self.app.t
        now, room = app.now(), app.snapshot.room
        proposals = app.snapshot.proposals  # what the screen shows is what the key acts on
        if self._tables_focused():
            table = self.current_table()
            if table is None:
                app.notify(t("no_table_selected"), severity="warning")
                return
            holder = room.held_for(table, now)
            if holder:
                flows.start_flow(self, self._release(table, room.parties[holder]))
                return
            prop = proposal_for_table(proposals, table)
            party = room.parties.get(prop.party_id) if prop else self._party_at_key_press()
            if party is not None and party.id in self._leaving:
                self._say_gone(party)
            elif party is not None:
                flows.start_flow(self, self._hold(party, prop.table if prop else table))
            return
        p = self._party_at_key_press()
        if p is None:
            return
        held = room.held_tables(p.id, now)
        if held:
            flows.start_flow(self, self._release(held, p))
            return
        prop = proposal_for_party(proposals, p.id)
        options = seat_options(app.config, room, p.size, p.id, now)
        if prop is None and not options:
            app.notify(t("no_table_for", name=who(p)), severity="warning")
            return
        flows.start_flow(self, self._hold(p, prop.table if prop else options[0].table))

    async def _hold(self, p: Party, table: str) -> None:
        app = self.app
        minutes, host = app.config.hold_minutes, app.snapshot.host
        ev = await app.in_store(lambda store, now: store.hold_table(now, table, p.id, minutes,
                                                                    host))
        if not isinstance(ev, StoreError):
            self._wrote(ev, app.t("held", table=table, name=who(p), minutes=round(minutes)))

    async def _release(self, table: str, p: Party) -> None:
        app = self.app
        host = app.snapshot.host
        ev = await app.in_store(lambda store, now: store.release_hold(now, table, host))
        if not isinstance(ev, StoreError):
            self._wrote(ev, app.t("released", table=ev.table, name=who(p)))

    # -- issue 12: messages to guests ------------------------------------------------------
    @on_party
    async def action_resend(self, party: Party) -> None:
        """Send the party's failed message again (else its newest one), as a new message:
        the original keeps its status."""
        from queueapp.messages.plan import resend
        from queueapp.ui.messages import to_resend

        app, t = self.app, self.app.t
        message = to_resend(app.snapshot.messages.get(party.id, []))
        if message is None:
            app.notify(t("resend_none", name=who(party)), severity="warning")
            return
        queued = await app.in_store(lambda store, now: resend(store, app.config, now,
                                                              message.id))
        if not isinstance(queued, StoreError):
            app.notify(t("resend_queued", name=who(party)), timeout=4)

    def check_holds(self, snap: Any) -> None:
        """Called parties whose hold ran out: the host is asked, one at a time, when no
        other form is open (else at the next tick). With or without messages: the
        guest's page promised the hold, and a party called by voice is owed it too. The
        stand that called is asked; another stand too once it stays unanswered a while."""
        from queueapp.ui.messages import HoldQuestion

        app = self.app
        if isinstance(app.screen, HoldQuestion):  # another terminal may have answered it
            app.screen.close_if_changed(snap.room)
        if app.screen is not self:
            return
        due = app.holds.due(snap.room.waiting(), snap.now, snap.called_elsewhere)
        if due:
            app.holds.asked(due[0])
            flows.start_flow(self, self._hold_over(due[0]))

    async def _hold_over(self, party: Party) -> None:
        from queueapp.messages.holds import HoldChoice, answer_hold
        from queueapp.ui.messages import HoldQuestion

        app, t = self.app, self.app.t
        hold, host = app.config.hold_minutes, app.snapshot.host
        minutes = round(hold)
        question = HoldQuestion(t, party, hold)
        choice = await flows.ask(app, question)
        if question.passed_key is not None:  # typed for the stand: it is the stand's
            app.post_message(question.passed_key)  # (handled after this flow's answer)
        if question.changed_elsewhere:
            app.notify(t("err_hold_answered_elsewhere", name=who(party)),
                       severity="warning", timeout=6)
            return
        if not self._still_here(party):
            return

        def answer(write: Callable[[Store, float], Event]) -> Callable[[Store, float], Event]:
            # only if the hold is still the one asked about: another terminal may have
            # answered first (checked in the write's own transaction)
            return lambda store, now: answer_hold(store, party, hold, lambda: write(store, now))

        if choice is None:  # decide later: asked again in a minute
            app.holds.ask_later(party, app.now())
            app.notify(t("hold_ask_later", name=who(party)), timeout=4)
        elif choice == HoldChoice.HOLD_LONGER:
            ev = await app.in_store(answer(lambda store, now: store.keep_call(
                now, party.id, hold, host)))
            if not isinstance(ev, StoreError):
                self._wrote(ev, t("hold_extended", name=who(party), minutes=minutes))
        elif choice == HoldChoice.CALL_AGAIN:
            table = self._table_to_keep(party)
            ev = await app.in_store(answer(lambda store, now: store.call_party(
                now, party.id, host, table=table, minutes=hold)))
            if not isinstance(ev, StoreError):
                self._wrote(ev, _called_said(t, party, table, hold))
        else:
            ev = await self._leave(party, answer(lambda store, now: store.remove_party(
                now, party.id, "no_show", host)))
            if not isinstance(ev, StoreError):
                app.holds.forget(party)
                self._wrote(ev, t("removed", name=who(party), reason=t("reason_said_no_show")))

    # -- issue 11: the stand --------------------------------------------------------------
    def action_pause_joining(self) -> None:
        """Pause self check-in (``/join``) or let guests join again: one key, both ways."""
        app, t = self.app, self.app.t
        if not app.config.guests.self_check_in:
            app.notify(t("joining_off_in_config"), severity="warning", timeout=8)
            return
        flows.start_flow(self, self._pause_joining())

    async def _pause_joining(self) -> None:
        app, t = self.app, self.app.t
        paused = await app.in_store(_toggle_joining)
        if not isinstance(paused, StoreError):
            app.notify(t("joining_paused_toast" if paused else "joining_resumed_toast"),
                       timeout=6)

    @on_party
    async def action_guest_card(self, party: Party) -> None:
        """The party's whole card: an allergy first, visits, likes, dislikes, notes,
        birthday, this visit, why the wait is what it is; it scrolls."""
        from queueapp.ui.screens.guest_card import GuestCardScreen

        app = self.app
        key = app.config.keys.get("guest_card") or DEFAULT_KEYS["guest_card"]
        await flows.ask(app, in_language(GuestCardScreen, app.t.language)(
            party, app.snapshot, close_key=key))

    @on_party
    async def action_page_qr(self, party: Party) -> None:
        """The party's own page as a QR code a guest can scan off the screen, and its
        address (to read out or type)."""
        from queueapp.ui.screens.guest_link import GuestLinkScreen

        app = self.app
        url = app.snapshot.guest_url(party.id)
        if not url:
            app.notify(app.t("no_guest_link", name=who(party)), severity="warning",
                       timeout=6)
            return
        await flows.ask(app, GuestLinkScreen(party, url))


def _toggle_joining(store: Store, _now: float) -> bool:
    """Pause self check-in if it runs, else resume it (as the file says now, whatever
    another terminal did meanwhile); True when it is now paused."""
    with store.transaction():
        paused = not store.joining_paused()
        store.set_joining_paused(paused)
    return paused


def _add_party(store: Store, now: float, *, entry: NewParty, tz: str, host: str,
               ticket_prefix: str, tickets_restart: int) -> Event:
    """Save a new party with exactly the quote its form showed and the next queue number
    of its table class (and so its own page), then link its guest."""
    ev = store.add_party(now, entry.size, entry.name, entry.phone, list(entry.tags),
                         entry.note, entry.quote, tz=tz, host=host, ticket_prefix=ticket_prefix,
                         tickets_restart=tickets_restart)
    _link_guest(store, ev)  # the party is saved: a failure here must not undo that
    return ev


def _edit_party(store: Store, now: float, *, party_id: str, changes: dict[str, Any],
                host: str, config: Config, quote: Quote | None) -> Event:
    size = changes.get("size")
    prefix = config.guests.ticket_class(size).prefix if size else ""
    ev = store.edit_party(now, party_id, changes, host=host, ticket_prefix=prefix,
                          tz=config.timezone, tickets_restart=config.guests.tickets_restart,
                          quote=quote)
    _link_guest(store, ev)
    return ev


def _called_said(t: Translator, party: Party, table: str, minutes: float) -> str:
    """The toast after a call: the table kept for them, and how long, if there is one."""
    if table:
        return t("called_table", name=who(party), table=table, minutes=round(minutes))
    return t("called", name=who(party))


def _edit_said(t: Translator, entry: PartyChanges, ev: Event) -> str:
    """The toast after an edit: saved; the new queue number and the new wait, when the
    party got them, are what the host now tells the guest."""
    ticket = ev.data.get("ticket")
    said = t("edited_ticket", name=entry.fields.name, ticket=ticket) if ticket \
        else t("edited", name=entry.fields.name)
    if entry.quote is not None:
        point, low, high = entry.quote.rounded()
        said += " · " + t("requoted" if high else "requoted_none", size=entry.fields.size,
                          point=point, low=low, high=high)
    return said


def _note_on_card(store: Store, now: float, *, party: Party, card: guests.GuestCard | None,
                  entry: NoteEntry, host: str) -> None:
    """Put the observation on the party's guest card (made now from the phone if needed)."""
    card = card or guests.record_visit(store, party)
    if card is None:
        raise StoreError("note_needs_phone")
    if entry.kind == "birthday":
        guests.set_birthday(store, card.id, entry.text)
    else:
        guests.add_note(store, card.id, entry.kind, entry.text, host, now)


def _link_guest(store: Store, ev: Event) -> None:
    """After an add or edit: link a party with a phone to its guest card, or find known
    guests by name for the host to confirm. Best effort: the party itself is saved."""
    try:
        party = store.party(ev.party)
        if party is not None and party.phone:
            guests.record_visit(store, party)
        elif party is not None and ev.event == "arrive":
            ev.data["matches"] = guests.match_by_name(store, party.name)
    except StoreError:
        pass  # the guest link is retried on the next edit or note


def _void(store: Store, now: float, *, gesture_id: int, host: str, note: str,
          approved_by: str, config: Config) -> Gesture:
    return gestures.void(store, now, gesture_id, host, note, approved_by, config=config)
