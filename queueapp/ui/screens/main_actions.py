"""What the host's keys do on the main screen: each action finds its party or table,
asks what it needs (a form, a picker) and writes through the app's workers.

A mixin of :class:`~queueapp.ui.screens.main.MainScreen`, which draws the state and
provides the selection helpers (``current_party``, ``current_table``,
``select_party``, ``select_table``).
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.widgets import DataTable
from textual.widgets.option_list import Option

from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures, guests
from queueapp.goodwill.suggestions import (
    RescueOption,
    rescue_options,
)
from queueapp.store import Conflict, Store, StoreError
from queueapp.ui.format import clip, guest_line
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import CLEARING, OCCUPIED, Party
from queueapp.waitlist.seating import (
    proposal_for_party,
    proposal_for_table,
    propose,
    seat_options,
    skipped_if_seated,
)


class StandActions:
    def action_add(self) -> None:
        from queueapp.ui.screens.forms import PartyForm

        self.app.push_screen(PartyForm(), self._added)

    def _added(self, values: dict | None) -> None:
        if not values:
            return
        app, t = self.app, self.app.t
        quote = app.quote_new(values["size"])
        point, low, high = quote.rounded()

        def on_error(_exc: Exception) -> None:
            from queueapp.ui.screens.forms import PartyForm

            app.push_screen(PartyForm(values), self._added)

        def add(store: Store, now: float) -> Event:
            ev = store.add_party(now, values["size"], values["name"], values["phone"],
                                 values["tags"], values["note"], quote, tz=app.config.timezone,
                                 host=app.snapshot.host)
            _link_guest(store, ev)  # the party is saved: a failure here must not undo that
            return ev

        app.write(add, t("added", name=values["name"], point=point, low=low, high=high),
                  on_error, then=self._confirm_guest)

    def _confirm_guest(self, ev: Event) -> None:
        """No phone: if guests by that name are known, the host may link the party to one."""
        from queueapp.ui.screens.pickers import Chooser

        app, t = self.app, self.app.t
        matches = ev.data.pop("matches", None)
        if not matches:
            return
        options = [Option(Text(f"{c.name}  ·  ") + Text(guest_line(c, app.now(),
                                                                  app.config.timezone, t)),
                          id=str(c.id)) for c in matches]
        options.append(Option(t("guest_not_known"), id=""))

        def chosen(guest_id: str | None) -> None:
            if not guest_id:
                return
            def link(store: Store, now: float) -> None:
                party = store.party(ev.party)
                if party is not None:
                    guests.record_visit(store, party, int(guest_id))
            app.run_db(link, lambda _r: app.notify(t("guest_linked")))

        app.push_screen(Chooser(t("guest_match_title"), options), chosen)

    def action_edit(self) -> None:
        from queueapp.ui.screens.forms import PartyForm

        p = self._need_party()
        if p is None:
            return
        values = {"name": p.name, "size": p.size, "phone": p.phone, "tags": list(p.tags),
                  "note": p.note}
        self.app.push_screen(PartyForm(values, editing=True),
                             lambda v: self._edited(p, v))

    def _edited(self, p: Party, values: dict | None) -> None:
        if not values:
            return
        changes = {k: v for k, v in values.items()
                   if v != (list(p.tags) if k == "tags" else getattr(p, k))}
        if not changes:
            return
        def edit(store: Store, now: float) -> Event:
            ev = store.edit_party(now, p.id, changes, host=self.app.snapshot.host)
            _link_guest(store, ev)
            return ev

        self.app.write(edit, self.app.t("edited", name=values["name"]))

    def action_call(self) -> None:
        p = self._need_party()
        if p is None:
            return
        self.app.write(lambda store, now: store.call_party(now, p.id),
                       self.app.t("called", name=p.name))

    def action_seat(self) -> None:
        from queueapp.ui.screens.pickers import SeatPicker

        p = self._need_party()
        if p is None:
            return
        options = seat_options(self.app.config, self.app.snapshot.room, p.size)
        self.app.push_screen(SeatPicker(self.app, p, options), lambda choice: self._seat(p, choice))

    def _seat(self, p: Party, table: str | None) -> None:
        if not table:
            return
        self.app.write(lambda store, now: store.seat_party(now, p.id, table),
                       self.app.t("seated", name=p.name, table=table))

    def action_remove(self) -> None:
        from queueapp.ui.screens.pickers import ReasonPicker

        p = self._need_party()
        if p is None:
            return
        self.app.push_screen(ReasonPicker(self.app, p), lambda reason: self._remove(p, reason))

    def _remove(self, p: Party, reason: str | None) -> None:
        if not reason:
            return
        t = self.app.t
        self.app.write(lambda store, now: store.remove_party(now, p.id, reason),
                       t("removed", name=p.name, reason=t(f"reason_{reason}")))

    def _table_action(self, state: str, then: str) -> None:
        from queueapp.ui.screens.pickers import TablePicker

        name = self.current_table() if self.focused is self.query_one("#tables") else None
        room = self.app.snapshot.room
        if name and room.tables[name].state == state:
            self._table_done(then, name)
            return
        choices = [tb for tb in room.tables.values() if tb.state == state]
        if not choices:
            self.app.notify(self.app.t(f"no_tables_{state}"), severity="warning")
            return
        self.app.push_screen(TablePicker(self.app, choices, self.app.t(f"pick_table_{then}")),
                             lambda n: self._table_done(then, n))

    def _table_done(self, then: str, name: str | None) -> None:
        if not name:
            return
        t = self.app.t
        if then == "left":
            self.app.write(lambda store, now: store.table_departed(now, name),
                           t("table_left", table=name))
        else:
            self.app.write(lambda store, now: store.table_ready(now, name),
                           t("table_ready", table=name))

    def action_table_left(self) -> None:
        self._table_action(OCCUPIED, "left")

    def action_table_ready(self) -> None:
        self._table_action(CLEARING, "ready")

    def action_undo(self) -> None:
        self.app.undo_last()

    def action_give(self, n: int) -> None:
        p = self._need_party()
        if p is None:
            return
        if n > len(self._suggestions):
            self.app.notify(self.app.t("no_suggestion_n", n=n), severity="warning")
            return
        self.app.give(p, self._suggestions[n - 1].interaction)

    def action_catalogue(self) -> None:
        from queueapp.ui.screens.goodwill import OTHER, CatalogueScreen, CustomGestureForm

        p = self._need_party()
        if p is None:
            return
        catalogue = self.app.config.catalogue

        def chosen(item_id: str | None) -> None:
            if item_id == OTHER:
                self.app.push_screen(CustomGestureForm(), lambda r: r and self.app.give(
                    p, r["label"], r["cost"], r["note"]))
            elif item_id:
                self.app.give(p, catalogue[item_id])

        self.app.push_screen(CatalogueScreen(self.app, p), chosen)

    def action_host(self) -> None:
        self.app.ask_host()

    def action_leaving(self) -> None:
        app = self.app
        p = self._need_party()
        if p is None:
            return
        snap = app.snapshot
        pending = snap.pending_rescues.get(p.id)
        if pending:
            self._ask_outcome(p, pending[-1])
            return
        from queueapp.ui.screens.goodwill import RescueScreen

        options = rescue_options(p, app.now(), app.config, snap.room, snap.gestures.get(p.id, []),
                                 snap.guests.get(p.id), app.stats,
                                 ready_in=app.table_ready_in())
        app.push_screen(RescueScreen(app, p, options),
                        lambda offer: self._rescue(p, options, offer))

    def _ask_outcome(self, p: Party, rescue_id: int | None) -> None:
        from queueapp.ui.screens.goodwill import OutcomeChooser

        app, t = self.app, self.app.t

        def decided(outcome: str | None) -> None:
            if outcome not in ("stayed", "left"):
                return
            def action(store: Store, now: float) -> Event | None:
                # remove first: if another terminal seated them meanwhile, this fails and
                # no "left" is recorded for a party that in fact stayed
                ev = store.remove_party(now, p.id, "walked_away") if outcome == "left" else None
                if rescue_id is not None:
                    gestures.record_outcome(store, rescue_id, outcome, now)
                return ev

            def done(ev: Event | None) -> None:
                if ev is not None and ev.id is not None:
                    app.undo_stack.append(ev.id)
                app.notify(t(f"rescue_{outcome}", name=p.name))

            app.run_db(action, done)

        app.push_screen(OutcomeChooser(app, p), decided)

    def action_observe(self) -> None:
        from queueapp.ui.screens.goodwill import NoteForm

        app = self.app
        p = self._need_party()
        if p is None:
            return
        known = app.snapshot.guests.get(p.id)
        if known is None and not p.phone:
            app.notify(app.t("note_needs_phone"), severity="warning", timeout=8)
            return

        def save(r: dict | None) -> None:
            if not r:
                return

            def action(store: Store, now: float) -> None:
                card = known or guests.record_visit(store, p)
                if card is None:
                    raise StoreError("note_needs_phone")
                if r["kind"] == "birthday":
                    guests.set_birthday(store, card.id, r["text"])
                else:
                    guests.add_note(store, card.id, r["kind"], r["text"], app.snapshot.host,
                                    now)

            app.run_db(action, lambda _r: app.notify(app.t("note_saved", name=p.name)))

        app.push_screen(NoteForm(p), save)

    def action_gestures(self) -> None:
        from queueapp.ui.screens.goodwill import GesturesScreen, VoidForm

        app = self.app
        p = self._need_party()
        if p is None:
            return

        def show(given: list) -> None:
            by_id = {g.id: g for g in given}

            def void(gesture_id: int | None) -> None:
                if gesture_id is None:
                    return
                app.push_screen(VoidForm(by_id[gesture_id]), lambda r: r and app.run_db(
                    lambda store, now: gestures.void(store, now, gesture_id, app.snapshot.host,
                                                     r["note"]),
                    lambda g: app.notify(app.t("void_done", what=g.label))))

            app.push_screen(GesturesScreen(p, given), void)

        app.run_db(lambda store, now: gestures.gestures_for_party(store, p.id, True), show)

    def action_complaint(self) -> None:
        from queueapp.ui.screens.complaints import ComplaintForm

        app = self.app
        tables = self.query_one("#tables", DataTable)
        party, table, about = "", "", Text("")
        if self.focused is tables and self.current_table():
            table = self.current_table() or ""
            tb = app.snapshot.room.tables[table]
            party = tb.party
            about = Text(table)
        else:
            p = self._need_party()
            if p is None:
                return
            party, about = p.id, clip(p.name, 40)

        def save(r: dict | None) -> None:
            if not r:
                return
            app.run_db(lambda store, now: complaints.record(
                store, now, r["category"], r["what"], r["action"], party=party, table=table,
                host=app.snapshot.host), lambda _c: app.notify(app.t("complaint_saved")))

        app.push_screen(ComplaintForm(about), save)

    def action_review(self) -> None:
        from queueapp.ui.screens.review import ReviewScreen

        app = self.app
        app.ask_lead(app.t("review_needs_pin"), lambda lead: app.push_screen(ReviewScreen(lead)))

    def action_open_items(self) -> None:
        from queueapp.ui.screens.complaints import OpenItemsScreen

        self.app.push_screen(OpenItemsScreen())

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


    # -- who sits next: seat the proposal, hold a table, the rescue's flow ------------
    def action_seat_next(self) -> None:
        """Seat the proposal: on the tables panel the highlighted table's proposed party,
        on the waiting list the highlighted party at its proposed table (or, with none,
        at the table the seat picker would put first, after a warning if that skips
        parties ahead). What is seated is read now, at the key press."""
        app, t = self.app, self.app.t
        now, room, config = app.now(), app.snapshot.room, app.config
        proposals = propose(room, now, config)
        if self.focused is self.query_one("#tables", DataTable):
            table = self.current_table()
            if table is None:
                app.notify(t("no_table_selected"), severity="warning")
                return
            prop = proposal_for_table(proposals, table)
            if prop is None:
                app.notify(t("no_proposal_table", table=table), severity="warning")
                return
            self._seat_next(room.parties[prop.party_id], prop.table, prop.skipped)
            return
        p = self._need_party()
        if p is None:
            return
        prop = proposal_for_party(proposals, p.id)
        if prop is not None:
            self._seat_next(p, prop.table, prop.skipped)
            return
        held = [name for name, pid in room.holds(now).items() if pid == p.id]
        if held:  # their table is kept for them but not ready yet
            app.notify(t("held_not_ready", table="+".join(held), name=p.name),
                       severity="warning")
            return
        options = seat_options(config, room, p.size, p.id, now)
        if not options:
            app.notify(t("no_table_for", name=p.name), severity="warning")
            return
        table = options[0].table
        self._seat_next(p, table, skipped_if_seated(room, p.id, table, now, config))

    def _seat_next(self, p: Party, table: str, skipped: int) -> None:
        """Seat at once, or first ask when it skips parties ahead that the table fits."""
        from queueapp.ui.screens.pickers import Chooser

        t = self.app.t
        if not skipped:
            self._seat_at(p, table)
            return
        word = "skip_title_one" if skipped == 1 else "skip_title_many"
        title = Text(t(word, name=p.name, table=table, n=skipped))
        self.app.push_screen(Chooser(title, [Option(t("seat_anyway"), id="seat"),
                                             Option(t("seat_cancel"), id="")]),
                             lambda choice: choice == "seat" and self._seat_at(p, table))

    @work(group="seat_next")
    async def _seat_at(self, p: Party, table: str) -> None:
        app, t = self.app, self.app.t
        host = app.snapshot.host
        ev = await app.in_store(lambda store, now: store.seat_party(now, p.id, table, host))
        if isinstance(ev, StoreError):
            return
        if ev.id is not None:
            app.undo_stack.append(ev.id)
        app.notify(t("seated", name=p.name, table=table), timeout=4)

    def action_hold(self) -> None:
        """Hold a table for a party for ``[seating] hold_minutes``, or release a hold.

        On the tables panel: the highlighted table (released if held), for its proposed
        party, else for the party highlighted on the waiting list. On the waiting list:
        the highlighted party's hold is released if it has one, else its proposed table
        (or the seat picker's first) is held for it."""
        app, t = self.app, self.app.t
        now, room = app.now(), app.snapshot.room
        proposals = propose(room, now, app.config)
        if self.focused is self.query_one("#tables", DataTable):
            table = self.current_table()
            if table is None:
                app.notify(t("no_table_selected"), severity="warning")
                return
            holder = room.held_for(table, now)
            if holder:
                self._release(table, room.parties[holder])
                return
            prop = proposal_for_table(proposals, table)
            party = room.parties.get(prop.party_id) if prop else self._need_party()
            if party is not None:
                self._hold(party, prop.table if prop else table)
            return
        p = self._need_party()
        if p is None:
            return
        held = [name for name, pid in room.holds(now).items() if pid == p.id]
        if held:
            self._release("+".join(held), p)
            return
        prop = proposal_for_party(proposals, p.id)
        options = seat_options(app.config, room, p.size, p.id, now)
        if prop is None and not options:
            app.notify(t("no_table_for", name=p.name), severity="warning")
            return
        self._hold(p, prop.table if prop else options[0].table)

    @work(group="hold")
    async def _hold(self, p: Party, table: str) -> None:
        app = self.app
        minutes, host = app.config.hold_minutes, app.snapshot.host
        ev = await app.in_store(lambda store, now: store.hold_table(now, table, p.id, minutes,
                                                                    host))
        if isinstance(ev, StoreError):
            return
        if ev.id is not None:
            app.undo_stack.append(ev.id)
        app.notify(app.t("held", table=table, name=p.name, minutes=round(minutes)), timeout=6)

    @work(group="hold")
    async def _release(self, table: str, p: Party) -> None:
        app = self.app
        host = app.snapshot.host
        ev = await app.in_store(lambda store, now: store.release_hold(now, table, host))
        if isinstance(ev, StoreError):
            return
        if ev.id is not None:
            app.undo_stack.append(ev.id)
        app.notify(app.t("released", table=ev.table, name=p.name), timeout=4)

    @work(group="rescue")
    async def _rescue(self, p: Party, options: list[RescueOption], offer: str | None) -> None:
        """The walk-away rescue's choice: a free (or clearing) table is held for the
        party, so one key seats them; an interaction is given; then the outcome."""
        from queueapp.ui.screens.goodwill import OTHER

        app, t = self.app, self.app.t
        if not offer:
            return
        if offer == OTHER:
            self._ask_outcome(p, None)
            return
        item = app.config.catalogue.get(offer)
        if item is not None:
            app.give(p, item)
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
            if held.id is not None:
                app.undo_stack.append(held.id)
            app.notify(t("held", table=table, name=p.name, minutes=round(minutes)), timeout=6)
        self._ask_outcome(p, rescue.id)


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
