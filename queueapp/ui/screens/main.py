"""The one main screen: header, waiting list, tables by section."""

from __future__ import annotations

from dataclasses import replace

import arrow
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.widgets.option_list import Option

from queueapp import phone
from queueapp.complaints import loop as complaints
from queueapp.goodwill import gestures, guests
from queueapp.goodwill.suggestions import (
    Suggestion,
    needs_attention,
    ordinal,
    rescue_options,
    suggest,
)
from queueapp.keys import KEY_IDS, KEYS
from queueapp.store import Store, StoreError
from queueapp.ui.format import clip, guest_line, minutes_text
from queueapp.waitlist.events import Event
from queueapp.waitlist.room import CALLED, CLEARING, FREE, OCCUPIED, Party
from queueapp.waitlist.seating import seat_options

# keys shown in the footer; every key's description comes from the translator ("key_<id>")
SHOWN = {"add_party", "seat", "call", "remove", "table_left", "table_ready", "undo", "find",
         "help", "give_catalogue", "leaving", "complaint"}


class MainScreen(Screen[None]):
    BINDINGS = [Binding(key, action, id_, show=id_ in SHOWN, id=id_)
                for id_, key, action in KEYS]

    def __init__(self) -> None:
        super().__init__()
        t = self.app.t
        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t(f"key_{b.id}")) if b.id in KEY_IDS else b
                for b in bindings]
        self._row_keys: list[str] = []
        self._table_keys: list[str] = []
        self._suggestions: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(id="header")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Static(t("waiting_title"), classes="panel-title")
                yield DataTable(id="waiting", cursor_type="row", zebra_stripes=True)
                yield Static(id="party-panel")
            with Vertical(id="right"):
                yield Static(id="attention")
                yield Static(t("tables_title"), classes="panel-title")
                yield DataTable(id="tables", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.app.t
        waiting = self.query_one("#waiting", DataTable)
        for col in ("col_pos", "col_name", "col_size", "col_tags", "col_waited", "col_quote",
                    "col_left", "col_called"):
            waiting.add_column(t(col), key=col)
        tables = self.query_one("#tables", DataTable)
        for col in ("col_table", "col_seats", "col_state", "col_party", "col_time"):
            tables.add_column(t(col), key=col)
        waiting.focus()
        # is_mounted is still False inside on_mount: draw once mounting has finished, or a
        # snapshot read before then stays off screen until the next tick
        self.call_after_refresh(self.render_state)

    def command_bindings(self) -> list[Binding]:
        return [b for bs in self._bindings.key_to_bindings.values() for b in bs if b.id in KEY_IDS]

    def on_screen_resume(self) -> None:
        self.render_state()  # it is not redrawn while a full screen (the review) covers it

    # -- drawing ---------------------------------------------------------------
    def render_state(self) -> None:
        if not self.is_mounted:
            return
        self._render_header()
        self._render_waiting()
        self._render_tables()
        self._render_attention()
        self._render_party_panel()

    def _render_header(self) -> None:
        app, t = self.app, self.app.t
        room, cfg = app.snapshot.room, app.config
        waiting = room.waiting()
        local = arrow.get(app.now()).to(cfg.timezone)
        snap = app.snapshot
        text = Text()
        text.append(cfg.name, style="bold")
        text.append(f"  {local.format('HH:mm')}  ")
        if snap.host:
            text.append(t("host_on_duty", host=snap.host), style="bold cyan")
            if snap.budget_left is not None:
                left = t("budget_left", currency=cfg.currency, amount=f"{snap.budget_left:g}")
                text.append(f" ({left})", style="red" if snap.budget_left <= 0 else "")
        else:
            text.append(t("host_nobody"), style="bold red")
        text.append("  ")
        if snap.open_items:
            text.append(t("header_open_items", n=snap.open_items) + "  ", style="bold magenta")
        text.append(t("header_waiting", parties=len(waiting),
                      guests=sum(p.size for p in waiting)), style="bold yellow")
        text.append("   " + t("header_free_seats") + " ")
        parts = []
        for s in cfg.sections:
            free = sum(tb.seats for tb in room.tables.values()
                       if tb.section == s.name and tb.state == FREE)
            parts.append(f"{s.label(cfg.language)} {free}")
        text.append(" · ".join(parts))
        self.query_one("#header", Static).update(text)

    def _render_waiting(self) -> None:
        app = self.app
        now = app.now()
        table = self.query_one("#waiting", DataTable)
        rows: list[tuple[str, list[Text | str]]] = []
        for i, p in enumerate(app.snapshot.room.waiting(), start=1):
            rows.append((p.id, self._waiting_cells(i, p, now)))
        current = self.current_party_id()
        keys = self._sync_rows(table, rows, self._row_keys)
        if keys is not None:
            self._row_keys = keys
            if current in keys:
                table.move_cursor(row=keys.index(current))

    def _waiting_cells(self, pos: int, p: Party, now: float) -> list[Text | str]:
        app, t = self.app, self.app.t
        waited = p.waited(now)
        overdue = p.quote is not None and waited > p.quote + 0.5
        style = "bold red" if overdue else ""
        tags = ", ".join(t.tag(tag) for tag in p.tags)
        if p.note:
            tags = f"{tags} · {p.note}" if tags else p.note
        card = app.snapshot.guests.get(p.id)
        if card is not None and card.returning:  # a returning guest stands out on the row
            visit = t("guest_visit", nth=ordinal(card.visit_number, t.language))
            tags = f"★ {visit}" + (f" · {tags}" if tags else "")
        quote = Text("—")
        if p.quote is not None:
            point, low, high = _rounded(p.quote, p.quote_low, p.quote_high)
            quote = Text(t("quote_short", point=point, low=low, high=high))
            if overdue:
                quote.append(" " + t("over_by", minutes=round(waited - p.quote)), style="bold")
                quote.stylize(style)
        live = app.snapshot.quotes.get(p.id)
        left = Text(t("about_minutes", minutes=round(live.minutes)) if live else "—")
        called = ""
        if p.status == CALLED and p.called_at:
            called = t("called_at", time=arrow.get(p.called_at).to(app.config.timezone)
                       .format("HH:mm"))
        name = clip(p.name or p.id, 32)
        if p.phone:
            name.append(" " + phone.display(p.phone, app.config.country)[-4:], style="dim")
        return [Text(str(pos), style=style), name, Text(str(p.size)), clip(tags, 28),
                Text(minutes_text(waited, t), style=style), quote, left,
                Text(called, style="bold green")]

    def _render_tables(self) -> None:
        app, t = self.app, self.app.t
        cfg, room, now = app.config, app.snapshot.room, app.now()
        table = self.query_one("#tables", DataTable)
        rows: list[tuple[str, list[Text | str]]] = []
        for s in cfg.sections:
            members = [tb for tb in room.tables.values() if tb.section == s.name]
            if not members:
                continue
            free = sum(tb.seats for tb in members if tb.state == FREE)
            floor = t("floor", n=s.floor) if s.floor is not None else ""
            title = Text(f"{s.label(cfg.language)} {floor}".strip(), style="bold underline")
            rows.append((f"section:{s.name}", [title, "", Text(t("free_seats", n=free),
                                                               style="dim"), "", ""]))
            for tb in members:
                state_style = {FREE: "green", OCCUPIED: "yellow", CLEARING: "magenta"}[tb.state]
                party = Text("")
                if tb.state == OCCUPIED:
                    p = room.parties.get(tb.party)
                    party = clip((p.name if p else "") or tb.party, 16)
                    party.append(f" ({tb.party_size})")
                    if tb.joined:
                        party.append(f" {tb.joined}", style="dim")
                minutes = minutes_text(tb.minutes(now), t) if tb.state != FREE else ""
                rows.append((f"table:{tb.name}", [Text(tb.name), str(tb.seats),
                                                  Text(t(f"state_{tb.state}"), style=state_style),
                                                  party, minutes]))
        cursor = table.cursor_row
        keys = self._sync_rows(table, rows, self._table_keys)
        if keys is not None:
            self._table_keys = keys
            if keys:
                table.move_cursor(row=min(max(cursor, 1), len(keys) - 1))

    def _sync_rows(self, table: DataTable, rows: list[tuple[str, list[Text | str]]],
                   known: list[str]) -> list[str] | None:
        """Update cells in place when the rows are the same (keeps the cursor still);
        otherwise refill and return the new row keys."""
        keys = [k for k, _ in rows]
        if keys == known:
            with self.app.batch_update():
                for key, cells in rows:
                    for col, value in zip(table.columns, cells, strict=True):
                        # each update re-measures its column: touch only what changed
                        if not _same(table.get_cell(key, col), value):
                            table.update_cell(key, col, value, update_width=True)
            return None
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        return keys

    def _render_attention(self) -> None:
        app, t = self.app, self.app.t
        snap, now = app.snapshot, app.now()
        items = needs_attention(snap.room.waiting(), now, snap.gestures,
                                app.config.attention_minutes, limit=5)
        text = Text(t("attention_title"), style="bold")
        if not items:
            text.append("\n" + t("attention_none"), style="dim")
        for a in items:
            text.append("\n")
            style = "bold red" if a.over_quote is not None and a.over_quote > 0 else \
                "yellow" if a.flagged else ""
            text.append_text(clip(a.party.name or a.party.id, 18).copy())
            text.stylize(style, len(text) - len(a.party.name or a.party.id))
            text.append(f" ({a.party.size})  ", style="dim")
            text.append(a.reason(t), style=style)
        text.no_wrap, text.overflow = True, "ellipsis"
        self.query_one("#attention", Static).update(text)

    def _render_party_panel(self) -> None:
        """The highlighted party: guest card, numbered suggestions, conversation tips."""
        app, t, cfg = self.app, self.app.t, self.app.config
        panel = self.query_one("#party-panel", Static)
        p = self.current_party()
        if p is None:
            self._suggestions = []
            panel.update(Text(t("panel_empty"), style="dim"))
            return
        snap, now = app.snapshot, app.now()
        card = snap.guests.get(p.id)
        given = snap.gestures.get(p.id, [])
        self._suggestions = suggest(p, now, cfg.catalogue, given, card, app.stats,
                                    attention_minutes=cfg.attention_minutes, limit=9)
        reasons = [[r.render(t) for r in sug.reasons] for sug in self._suggestions]
        common = [r for r in reasons[0] if all(r in rs for rs in reasons)] if reasons else []
        text = clip(p.name or p.id, 30)
        text.stylize("bold")
        text.append(f" ({p.size})  ")
        text.append(guest_line(card, now, cfg.timezone, t), style="cyan")
        if common:
            text.append("  " + t("why_sep").join(common), style="yellow")
        if given:
            text.append("  " + t("had", what=", ".join(g.label for g in given[-3:])),
                        style="dim")
        for n, (sug, why) in enumerate(zip(self._suggestions, reasons, strict=True), start=1):
            item = sug.interaction
            text.append(f"\n{n} ", style="bold reverse")
            text.append(f" {item.label_for(cfg.language)}", style="bold")
            text.append(f"  {cfg.currency}{item.cost:g}", style="dim")
            if item.needs_approval:
                text.append(" *", style="yellow")
            own = [r for r in why if r not in common]
            if own:
                text.append("  " + t("why_sep").join(own), style="italic")
        if not self._suggestions:
            text.append("\n" + t("no_suggestions"), style="dim")
        enjoy, avoid = cfg.conversation.tips(cfg.language)
        if enjoy or avoid:
            text.append("\n" + t("tips_enjoy") + ": ", style="green")
            text.append(" · ".join(enjoy[:4]))
            text.append("\n" + t("tips_avoid") + ": ", style="red")
            text.append(" · ".join(avoid[:3]))
        text.no_wrap, text.overflow = True, "ellipsis"
        panel.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "waiting":
            self._render_party_panel()

    # -- selection helpers ---------------------------------------------------------
    def current_party_id(self) -> str | None:
        table = self.query_one("#waiting", DataTable)
        if not self._row_keys or table.row_count == 0:
            return None
        row = table.cursor_row
        return self._row_keys[row] if 0 <= row < len(self._row_keys) else None

    def current_party(self) -> Party | None:
        pid = self.current_party_id()
        return self.app.snapshot.room.parties.get(pid) if pid else None

    def current_table(self) -> str | None:
        table = self.query_one("#tables", DataTable)
        if not self._table_keys:
            return None
        key = self._table_keys[min(table.cursor_row, len(self._table_keys) - 1)]
        return key.split(":", 1)[1] if key.startswith("table:") else None

    def select_party(self, party_id: str) -> None:
        if party_id in self._row_keys:
            table = self.query_one("#waiting", DataTable)
            table.move_cursor(row=self._row_keys.index(party_id))
            table.focus()

    def select_table(self, name: str) -> None:
        key = f"table:{name.split('+')[0]}"
        if key in self._table_keys:
            table = self.query_one("#tables", DataTable)
            table.move_cursor(row=self._table_keys.index(key))
            table.focus()

    def _need_party(self) -> Party | None:
        p = self.current_party()
        if p is None:
            self.app.notify(self.app.t("no_party_selected"), severity="warning")
        return p

    # -- actions -------------------------------------------------------------------
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
        from queueapp.ui.screens.goodwill import OTHER, RescueScreen

        app = self.app
        p = self._need_party()
        if p is None:
            return
        snap = app.snapshot
        options = rescue_options(p, app.now(), app.config, snap.room, snap.gestures.get(p.id, []),
                                 snap.guests.get(p.id), app.stats,
                                 ready_in=app.table_ready_in())

        def chosen(offer: str | None) -> None:
            if not offer:
                return
            if offer == OTHER:
                self._ask_outcome(p, None)
                return
            item = app.config.catalogue.get(offer)
            if item is not None:
                app.give(p, item)
            app.run_db(lambda store, now: gestures.start_rescue(store, now, p, app.snapshot.host,
                                                                offer),
                       lambda rescue: self._ask_outcome(p, rescue.id))

        pending = snap.pending_rescues.get(p.id)
        if pending:
            self._ask_outcome(p, pending[-1])
            return
        app.push_screen(RescueScreen(app, p, options), chosen)

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
                    raise StoreError(app.t("note_needs_phone"))
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


def _rounded(point: float, low: float | None, high: float | None) -> tuple[int, int, int]:
    from queueapp.quotes.rule import Quote

    return Quote(point, low if low is not None else point,
                 high if high is not None else point).rounded()


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


def _same(a: object, b: object) -> bool:
    """Equal as drawn: rich's ``Text ==`` ignores the base style (a row turning red)."""
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b
