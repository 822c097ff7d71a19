"""Service recovery at the stand: record a complaint (c) and walk open items
through their four steps (i)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import arrow
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from queueapp.complaints import loop as complaints
from queueapp.store import DB_ERRORS, as_store_error
from queueapp.ui.format import clip
from queueapp.ui.screens.forms import FormScreen

if TYPE_CHECKING:
    from queueapp.ui.app import QueueApp


class ComplaintForm(FormScreen):
    """Category, what happened, what was done on the spot."""

    def __init__(self, about: Text) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            title = Text(t("complaint_title") + " ")
            title.append_text(self.about)
            yield Static(title, classes="dialog-title")
            with Grid(classes="fields"):
                yield Label(t("field_category"))
                yield OptionList(*[Option(t(f"cat_{c}"), id=c) for c in complaints.CATEGORIES],
                                 id="category", compact=True)
                yield Label(t("field_what"))
                yield Input(id="what", placeholder=t("ph_what"), compact=True)
                yield Label("")
                yield Static("", id="what-error", classes="error")
                yield Label(t("field_action"))
                yield Input(id="action", placeholder=t("ph_action"), compact=True)
            yield Static(t("form_hint"), classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#category", OptionList)
        options.highlighted = 0
        options.focus()

    def action_submit(self) -> None:
        options = self.query_one("#category", OptionList)
        what = self.query_one("#what", Input)
        if not what.value.strip():
            self.error("what", self.app.t("err_what_required"))
            what.focus()
            return
        category = complaints.CATEGORIES[options.highlighted or 0]
        self.dismiss({"category": category, "what": what.value.strip(),
                      "action": self.query_one("#action", Input).value.strip()})


class StepForm(FormScreen):
    """The next step of an open item: a note, and for feedback where it goes."""

    def __init__(self, item: complaints.Complaint, step: str) -> None:
        super().__init__()
        self.item, self.step = item, step

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            title = Text(t(f"step_title_{self.step}") + " ")
            title.append_text(clip(self.item.what, 50))
            yield Static(title, classes="dialog-title")
            with Grid(classes="fields"):
                if self.step == "fed_back":
                    yield Label(t("field_feedback_to"))
                    yield OptionList(*[Option(t(f"to_{d}"), id=d) for d in complaints.FEEDBACK_TO],
                                     id="to", compact=True)
                yield Label(t("field_step_note"))
                yield Input(id="note", placeholder=t(f"ph_step_{self.step}"), compact=True)
                yield Label("")
                yield Static("", id="note-error", classes="error")
            yield Static(t("form_hint"), classes="hint")

    def on_mount(self) -> None:
        if self.step == "fed_back":
            self.query_one("#to", OptionList).highlighted = 0
        self.query_one("#note", Input).focus()

    def action_submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if not note and self.step != "fed_back":
            self.error("note", self.app.t("err_note_required"))
            return
        result: dict[str, Any] = {"note": note}
        if self.step == "fed_back":
            chosen = self.query_one("#to", OptionList).highlighted or 0
            result["to"] = complaints.FEEDBACK_TO[chosen]
        self.dismiss(result)


class OpenItemsScreen(Screen[None]):
    """Every complaint not yet fed back, oldest first; Enter takes the next step."""

    BINDINGS = [
        Binding("escape,i", "close", "Back", id="items_close"),
        Binding("enter", "next_step", "Next step", id="items_next"),
    ]

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(t("items_title"), classes="panel-title")
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static(t("items_hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        t = self.app.t
        table = self.query_one(DataTable)
        for col in ("col_when", "col_party", "col_category", "col_what", "col_step", "col_by"):
            table.add_column(t(col), key=col)
        table.focus()
        self.load()

    @work(thread=True)
    def load(self) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        try:
            items = complaints.open_items(app.store)
            names = {c.party: p.name for c in items if c.party
                     for p in [app.store.party(c.party)] if p is not None}
        except DB_ERRORS as exc:
            exc = as_store_error(exc)
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        app.call_from_thread(self._show, items, names)

    def _show(self, items: list[complaints.Complaint], names: dict[str, str]) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        t = app.t
        self.items = items
        table = self.query_one(DataTable)
        table.clear()
        for c in items:
            when = arrow.get(c.recorded_at).to(app.config.timezone).format("MM-DD HH:mm")
            who = names.get(c.party, c.party)
            if c.table_name:
                who = f"{c.table_name} {who}".strip()
            step = Text(t(f"step_{c.step}"),
                        style="bold red" if c.step == "recorded" else "yellow")
            table.add_row(when, clip(who, 16), t(f"cat_{c.category}"), clip(c.what, 40), step,
                          clip(c.recorded_by or "—", 12), key=str(c.id))
        if not items:
            app.notify(t("items_none"))

    def action_close(self) -> None:
        self.dismiss(None)

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_next_step()

    def action_next_step(self) -> None:
        table = self.query_one(DataTable)
        if not getattr(self, "items", None) or table.row_count == 0:
            return
        item = self.items[table.cursor_row]
        step = complaints.STEPS[complaints.STEPS.index(item.step) + 1]
        app: QueueApp = self.app  # type: ignore[assignment]
        if step == "handled":
            app.push_screen(StepForm(item, step),
                            lambda r: self._do(item, step, r, app.snapshot.host))
        else:
            app.ask_lead(app.t(f"step_title_{step}"), lambda lead: app.push_screen(
                StepForm(item, step), lambda r: self._do(item, step, r, lead)))

    def _do(self, item: complaints.Complaint, step: str, result: dict[str, Any] | None,
            who: str) -> None:
        if not result:
            return
        self._advance(item.id, step, result, who)

    @work(thread=True)
    def _advance(self, item_id: int, step: str, result: dict[str, Any], who: str) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        now = app.now()
        try:
            if step == "handled":
                complaints.handle(app.store, item_id, now, who, result["note"])
            elif step == "rechecked":
                complaints.recheck(app.store, item_id, now, who, result["note"])
            else:
                complaints.feed_back(app.store, item_id, now, who, result["to"], result["note"])
        except DB_ERRORS as exc:
            exc = as_store_error(exc)
            app.call_from_thread(app.notify, str(exc), severity="error", timeout=8)
            return
        app.call_from_thread(app.notify, app.t(f"step_done_{step}"))
        app.call_from_thread(app.reload)  # the header's open-items count
        self.load()
