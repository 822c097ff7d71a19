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

from queueapp import phone
from queueapp.goodwill.suggestions import (
    Suggestion,
    needs_attention,
    ordinal,
    suggest,
)
from queueapp.keys import KEY_IDS, KEYS
from queueapp.ui.format import clip, guest_line, minutes_text, rounded_quote
from queueapp.ui.screens.main_actions import StandActions
from queueapp.waitlist.room import CALLED, CLEARING, FREE, OCCUPIED, Party

# keys shown in the footer; every key's description comes from the translator ("key_<id>")
SHOWN = {"add_party", "seat", "call", "remove", "table_left", "table_ready", "undo", "find",
         "help", "give_catalogue", "leaving", "complaint"}


class MainScreen(StandActions, Screen[None]):
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
            point, low, high = rounded_quote(p.quote, p.quote_low, p.quote_high)
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


def _same(a: object, b: object) -> bool:
    """Equal as drawn: rich's ``Text ==`` ignores the base style (a row turning red)."""
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b
