"""Service recovery at the stand: record a complaint (c) and walk open items
through their four steps (i)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import arrow
from rich.cells import cell_len
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from queueapp.complaints import loop as complaints
from queueapp.store import Store, StoreError
from queueapp.ui import flows
from queueapp.ui.app import QueueApp
from queueapp.ui.field import Field
from queueapp.ui.format import clip, lead_in, party_label
from queueapp.ui.screens.forms import FormScreen
from queueapp.ui.widgets.keyed import FIRST_AND_LAST_ROW

TEXT_MAX = 500


@dataclass(frozen=True)
class ComplaintEntry:
    category: str
    what: str
    action: str


@dataclass(frozen=True)
class StepEntry:
    """The next step's note; ``to`` says where feedback goes (the fed-back step only)."""

    note: str
    to: str = ""


WHAT_MIN = 12  # cells for what happened, on the narrowest screen
PARTY_MAX, BY_MAX = 13, 6  # cells for the party (with its table) and who recorded it
CELL_PADDING = 2  # a DataTable cell's padding, one cell each side
SCROLLBAR = 2  # kept free for the scrollbar a long list shows


class ItemsTable(DataTable[Any]):
    """The open items. Its columns always fit (it never scrolls sideways), so Home and
    End go to the first and the last item, as on the waiting list."""

    BINDINGS = FIRST_AND_LAST_ROW


class ComplaintForm(FormScreen[ComplaintEntry]):
    """What happened (typed first), the category, what was done on the spot. ``draft``
    brings back what was typed when saving failed."""

    FIRST = "#what"

    def __init__(self, about: Text, draft: ComplaintEntry | None = None) -> None:
        super().__init__()
        self.about, self.draft = about, draft

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            title = Text(lead_in(t("complaint_title")))
            title.append_text(self.about)
            yield Static(title, classes="dialog-title")
            d = self.draft
            with Grid(classes="fields"):
                yield Label(t("field_what"))
                yield Field(d.what if d else "", id="what", placeholder=t("ph_what"),
                            compact=True)
                yield Static("", id="what-error", classes="error")
                yield Label(t("field_category"))
                yield OptionList(*[Option(t(f"cat_{c}"), id=c) for c in complaints.CATEGORIES],
                                 id="category", compact=True)
                yield Label(t("field_action"))
                yield Field(d.action if d else "", id="action", placeholder=t("ph_action"),
                            compact=True)
                yield Static("", id="action-error", classes="error")
            yield Static(t("form_hint"), classes="hint")

    def on_mount(self) -> None:
        category = self.draft.category if self.draft else complaints.CATEGORIES[0]
        self.query_one("#category", OptionList).highlighted = \
            complaints.CATEGORIES.index(category)

    def action_submit(self) -> None:
        t = self.app.t
        options = self.query_one("#category", OptionList)
        what = self.query_one("#what", Input).value.strip()
        if not what or len(what) > TEXT_MAX:
            self.refuse("what", t("err_what_required"))
            return
        action = self.query_one("#action", Input).value.strip()
        if len(action) > TEXT_MAX:
            self.refuse("action", t("err_note_long", max=TEXT_MAX, n=len(action)))
            return
        category = complaints.CATEGORIES[options.highlighted or 0]
        self.dismiss(ComplaintEntry(category, what, action))


class StepForm(FormScreen[StepEntry]):
    """The next step of an open item: a note, and for feedback where it goes."""

    FIRST = "#note"

    def __init__(self, item: complaints.Complaint, step: str) -> None:
        super().__init__()
        self.item, self.step = item, step

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            title = Text(lead_in(t(f"step_title_{self.step}")))
            title.append_text(clip(self.item.what, 50))
            yield Static(title, classes="dialog-title")
            with Grid(classes="fields"):
                if self.step == "fed_back":
                    yield Label(t("field_feedback_to"))
                    yield OptionList(*[Option(t(f"to_{d}"), id=d) for d in complaints.FEEDBACK_TO],
                                     id="to", compact=True)
                yield Label(t("field_step_note"))
                yield Field(id="note", placeholder=t(f"ph_step_{self.step}"), compact=True)
                yield Static("", id="note-error", classes="error")
            yield Static(t("form_hint"), classes="hint")

    def on_mount(self) -> None:
        if self.step == "fed_back":
            self.query_one("#to", OptionList).highlighted = 0

    def action_submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if (not note and self.step != "fed_back") or len(note) > TEXT_MAX:
            self.refuse("note", self.app.t("err_note_required"))
            return
        to = ""
        if self.step == "fed_back":
            to = complaints.FEEDBACK_TO[self.query_one("#to", OptionList).highlighted or 0]
        self.dismiss(StepEntry(note, to))


class OpenItemsScreen(Screen[None]):
    """Every complaint not yet fed back, oldest first; Enter takes the next step.

    The cursor stays on the item it was on after each step (or on the one now in its
    place when that item is closed), and Enter acts on the item highlighted when it is
    pressed, whatever the list looks like when the step is saved.
    """

    BINDINGS = [
        Binding("escape,i", "close", "key_back", id="items_close"),
        Binding("enter", "next_step", "key_next_step", id="items_next"),
    ]

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__()
        self.items: list[complaints.Complaint] = []

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(t("items_title"), classes="panel-title")
        yield ItemsTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static(t("items_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        t = self.app.t
        table = self.query_one(DataTable)
        for col in ("col_when", "col_party", "col_category", "col_what", "col_step", "col_by"):
            table.add_column(t(col), key=col)
        table.focus()
        flows.start_flow(self, self._load())

    async def _load(self, keep: int | None = None) -> None:
        """Read the open items and show them; the cursor goes to item ``keep`` (or the
        row it was on, when that item has closed)."""
        def read(store: Store, _now: float) -> tuple[list[complaints.Complaint],
                                                     dict[str, str]]:
            items = complaints.open_items(store)
            # the party as the host says it (``A025 徐晓梅``): two guests may share a name
            names = {c.party: party_label(p, c.party) for c in items if c.party
                     for p in [store.party(c.party)] if p is not None}
            return items, names

        found = await self.app.in_store(read, reread=False)
        if isinstance(found, StoreError) or not self.is_mounted:  # closed meanwhile
            return
        self._show(*found, keep)

    def _show(self, items: list[complaints.Complaint], names: dict[str, str],
              keep: int | None) -> None:
        app, t = self.app, self.app.t
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.items = items
        table.clear()
        rows = []
        for c in items:
            when = Text(arrow.get(c.recorded_at).to(app.config.timezone).format("MM-DD HH:mm"))
            who = names.get(c.party, c.party)
            if c.table_name:
                who = f"{c.table_name} {who}".strip()
            # "request we could not meet" is "unmet request" here: the step needs the room
            category = Text(t("cat_unmet_request_short") if c.category == "unmet_request"
                            else t(f"cat_{c.category}"))
            step = Text(t(f"step_{c.step}"),
                        style="bold red" if c.step == "recorded" else "yellow")
            rows.append((when, clip(who, PARTY_MAX), category, step,
                         clip(c.recorded_by or "—", BY_MAX)))
        # what happened takes the room the other columns leave, so every column fits (the
        # table never scrolls sideways) and the step, what the lead acts on, is whole
        headers = ("col_when", "col_party", "col_category", "col_step", "col_by")
        others = sum(max([cell_len(t(h)), *(row[i].cell_len for row in rows)]) + CELL_PADDING
                     for i, h in enumerate(headers))
        what_w = max(WHAT_MIN, cell_len(t("col_what")),
                     self.size.width - SCROLLBAR - CELL_PADDING - others)
        for c, (when, who_cell, category, step, by) in zip(items, rows, strict=True):
            table.add_row(when, who_cell, category, clip(c.what, what_w), step, by,
                          key=str(c.id))
        ids = [c.id for c in items]
        if keep in ids:
            row = ids.index(keep)
        if items:
            table.move_cursor(row=min(max(row, 0), len(items) - 1), animate=False)
        else:
            app.notify(t("items_none"))

    def highlighted_item(self) -> complaints.Complaint | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    def action_close(self) -> None:
        self.dismiss(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_next_step()

    def action_next_step(self) -> None:
        item = self.highlighted_item()  # captured now, at the key press
        if item is not None:
            flows.start_flow(self, self._next_step(item))

    async def _next_step(self, item: complaints.Complaint) -> None:
        app = self.app
        step = complaints.STEPS[complaints.STEPS.index(item.step) + 1]
        who: str | None = app.snapshot.host
        if step != "handled":
            # the PIN dialog says which step and which item it is for
            who = await flows.ask_lead(app, lead_in(app.t(f"step_title_{step}")) + item.what)
            if who is None:
                return
        entry = await flows.ask(app, StepForm(item, step))
        if entry is None:
            return
        by = who or ""

        def advance(store: Store, now: float) -> None:
            if step == "handled":
                complaints.handle(store, item.id, now, by, entry.note)
            elif step == "rechecked":
                complaints.recheck(store, item.id, now, by, entry.note)
            else:
                complaints.feed_back(store, item.id, now, by, entry.to, entry.note)

        if not isinstance(await app.in_store(advance), StoreError):
            app.notify(app.t(f"step_done_{step}"))
        await self._load(keep=item.id)
