"""Goodwill at the stand: who is on duty, the catalogue, a custom gesture, a lead's
PIN, a walk-away rescue, a note on the guest's card, a party's gestures (void)."""

from __future__ import annotations

from dataclasses import dataclass

import arrow
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from queueapp import numbers
from queueapp.clock import clock_minutes
from queueapp.goodwill import roster
from queueapp.goodwill.catalogue import hours_text
from queueapp.goodwill.gestures import Gesture
from queueapp.goodwill.guests import NOTE_KINDS
from queueapp.goodwill.pins import plain_secret
from queueapp.goodwill.roster import secret_problem
from queueapp.goodwill.suggestions import RescueOption
from queueapp.store import StoreError
from queueapp.ui.app import QueueApp
from queueapp.ui.field import Field
from queueapp.ui.format import clip, gesture_cells, lead_in, who
from queueapp.ui.screens.forms import FormScreen
from queueapp.ui.screens.pickers import Chooser
from queueapp.waitlist.room import Party

OTHER = "__other__"
CARD_KINDS = (*NOTE_KINDS, "birthday")  # what o can put on a guest's card
LABEL_MAX = 60
LABEL_COLUMN = 32  # cells: the catalogue's labels are padded to a column up to this wide
COST_MAX = 100000
OBSERVATION_MAX = 200


@dataclass(frozen=True)
class HostName:
    name: str


@dataclass(frozen=True)
class PinEntry:
    """A lead and the secret typed for them (a PIN's full-width digits made ASCII)."""

    lead: str
    pin: str


@dataclass(frozen=True)
class CustomGesture:
    what: str
    cost: float
    note: str


@dataclass(frozen=True)
class NoteEntry:
    """An observation for the guest's card; kind ``birthday`` carries "MM-DD"."""

    kind: str
    text: str


@dataclass(frozen=True)
class VoidEntry:
    note: str


class HostPicker(Chooser):
    """Who is on duty at this stand (each stand has its own host): only the hosts on the
    roster, or a lead adds a new one (PIN)."""

    def __init__(self, app: QueueApp, roster: list[str]) -> None:
        t = app.t
        current = app.snapshot.host
        options = [Option(Text(name + ("  ✓" if name == current else "")), id=name)
                   for name in roster]
        options.append(Option(t("host_add"), id=OTHER))
        # the stand's name is whatever --station said: a Text, never markup
        super().__init__(Text(t("host_title_at", station=app.store.station)), options)


class HostNameForm(FormScreen[HostName]):
    FIRST = "#name"

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            yield Static(t("host_title"), classes="dialog-title")
            yield Field(id="name", placeholder=t("ph_host"), compact=True)
            yield Static("", id="name-error", classes="error")

    def action_submit(self) -> None:
        name = self.query_one(Input).value.strip()
        if not name or len(name) > 40:
            self.refuse("name", self.app.t("err_host_name"))
            return
        self.dismiss(HostName(name))


class PinScreen(FormScreen[PinEntry]):
    """A lead approves: type the secret (hidden); with several leads, choose the lead first.

    The screen opens at once and reads the leads from the database behind it (a key
    typed straight after the one that opened it is not lost). Focus starts on the PIN
    box, or on the lead list when there are several leads (the PIN box comes right
    after it): digits typed at once land in the PIN box either way. Enter pressed
    before the leads are read is answered once they are.
    """

    FIRST = "#pin"

    def __init__(self, reason: str, lead: str = "", hint: str = "") -> None:
        super().__init__()
        self.reason = reason
        self.hint = hint  # what Enter does here (default: a lead approves)
        self.lead = lead  # the lead chosen at first (asked again after a wrong PIN)
        self._loaded = False
        self._submit_when_loaded = False

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            yield Static(Text(self.reason), classes="dialog-title")
            with Grid(classes="fields"):
                yield Label(t("field_lead"))
                yield OptionList(id="lead", compact=True)
                yield Label(t("field_pin"))
                yield Field(id="pin", password=True, compact=True, placeholder=t("ph_pin"))
                yield Static("", id="pin-error", classes="error")
            yield Static(self.hint or t("pin_hint"), classes="hint")

    def on_mount(self) -> None:
        self.run_worker(self._load_leads(), group="pin-leads")

    async def _load_leads(self) -> None:
        config = self.app.config
        names = await self.app.in_store(lambda store, _now: [
            lead.name for lead in roster.leads(store, config)], reread=False)
        if isinstance(names, StoreError) or not self.is_attached:
            return
        leads = self.query_one("#lead", OptionList)
        leads.add_options([Option(Text(name), id=name) for name in names])
        if leads.option_count:
            leads.highlighted = names.index(self.lead) if self.lead in names else 0
        pin = self.query_one("#pin", Input)
        if leads.option_count > 1 and pin.has_focus and not pin.value:
            leads.focus()
        self._loaded = True
        if self._submit_when_loaded:
            self.action_submit()

    def start_focus(self) -> Widget:
        leads = self.query_one("#lead", OptionList)
        return leads if leads.option_count > 1 else self.first_field()

    def action_submit(self) -> None:
        if not self._loaded:
            self._submit_when_loaded = True
            return
        leads = self.query_one("#lead", OptionList)
        if not leads.option_count:
            self.error("pin", self.app.t("err_no_leads"))
            self.refusals += 1
            return
        typed = self.query_one("#pin", Input).value
        problem = secret_problem(typed)  # too short to be anyone's: not counted as wrong
        if problem is not None:
            self.refuse("pin", self.app.t("err_pin_prefix") + self.app.error_text(problem))
            return
        pin = plain_secret(typed)
        lead = leads.get_option_at_index(leads.highlighted or 0).id or ""
        self.dismiss(PinEntry(lead, pin))


class CatalogueScreen(Chooser):
    """Everything in the catalogue (in season first), then a custom gesture."""

    def __init__(self, app: QueueApp, party: Party) -> None:
        t, cfg = app.t, app.config
        title = Text(lead_in(t("catalogue_title")) + who(party))
        catalogue = cfg.catalogue
        now = app.now()
        options = []
        items = sorted(catalogue, key=lambda i: (not catalogue.in_season(i, now), i.category,
                                                 i.cost))
        # the labels in a column as wide as the longest (up to LABEL_COLUMN); never cut
        column = min(LABEL_COLUMN, max((Text(i.label_for(cfg.language)).cell_len
                                        for i in items), default=0))
        for item in items:
            label = Text(item.label_for(cfg.language), style="bold")
            label.pad_right(max(0, column - label.cell_len))
            label.append(f" {t('cat_' + item.category)} · {cfg.currency}{item.cost:g}",
                         style="dim")
            if item.needs_approval:
                label.append(" · " + t("needs_approval"), style="yellow")
            if not catalogue.in_season_dates(item, now):
                label.append(" · " + t("out_of_season"), style="dim italic")
            elif not catalogue.in_hours(item, now):  # in season, but not at this hour
                label.append(" · " + t("not_at_this_hour", hours=hours_text(item.hours)),
                             style="dim italic")
            options.append(Option(label, id=item.id))
        options.append(Option(Text(t("custom_gesture"), style="bold cyan"), id=OTHER))
        super().__init__(title, options)


class CustomGestureForm(FormScreen[CustomGesture]):
    """A gesture outside the catalogue: what, what it cost, a note."""

    FIRST = "#label"

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            yield Static(t("custom_title"), classes="dialog-title")
            with Grid(classes="fields"):
                yield Label(t("field_gesture"))
                yield Field(id="label", placeholder=t("ph_gesture"), compact=True)
                yield Static("", id="label-error", classes="error")
                yield Label(t("field_cost", currency=self.app.config.currency))
                yield Field(id="cost", compact=True, placeholder=t("ph_cost"))
                yield Static("", id="cost-error", classes="error")
                yield Label(t("field_note"))
                yield Field(id="note", placeholder=t("ph_note"), compact=True)
                yield Static("", id="note-error", classes="error")
            yield Static(t("form_hint"), classes="hint")

    def _cost(self, text: str) -> float:
        """The cost typed (empty: a free gesture); NumberError says what is wrong."""
        return numbers.parse_amount(text, 0, COST_MAX) if text.strip() else 0.0

    def _cost_problem(self, exc: numbers.NumberError) -> str:
        t = self.app.t
        return t("err_cost_prefix") + t(exc.key, **exc.values)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A cost that cannot be saved says so under the field as it is typed, as the
        party form's fields do (it said so only on Enter)."""
        if event.input.id == "cost":
            try:
                self._cost(event.value)
                self.error("cost", "")
            except numbers.NumberError as exc:
                self.error("cost", self._cost_problem(exc))

    def action_submit(self) -> None:
        t = self.app.t
        label = self.query_one("#label", Input).value.strip()
        if not label or len(label) > LABEL_MAX:
            self.refuse("label", t("err_gesture_label"))
            return
        self.error("label", "")
        try:
            cost = self._cost(self.query_one("#cost", Input).value)
        except numbers.NumberError as exc:
            self.refuse("cost", self._cost_problem(exc))
            return
        note = self.query_one("#note", Input).value.strip()
        if len(note) > OBSERVATION_MAX:
            self.refuse("note", t("err_note_long", max=OBSERVATION_MAX, n=len(note)))
            return
        self.dismiss(CustomGesture(label, cost, note))


class RescueScreen(Chooser):
    """A party about to leave: a table that fits and frees soon (a free one is held
    for them when chosen), or something to offer now."""

    def __init__(self, app: QueueApp, party: Party, options: list[RescueOption]) -> None:
        t, cfg = app.t, app.config
        # the minutes the Waited column and the suggestions' reasons say, to the minute
        waited = clock_minutes(party.arrived, app.now())
        title = Text(lead_in(t("rescue_title", waited=waited)) + who(party))
        rows = []
        for o in options:
            if o.table:
                section = cfg.section(o.section).label(cfg.language)
                minutes = max(1, round(o.minutes))
                word = ("rescue_table_hold" if o.minutes < 1 else "rescue_table_hold_soon") \
                    if o.free else "rescue_table_soon"
                text = t(word, table=o.table, seats=o.seats, section=section, minutes=minutes)
                rows.append(Option(Text(text, style="bold green"), id=o.offer))
            elif o.suggestion is not None:
                item = o.suggestion.interaction
                label = Text(item.label_for(cfg.language), style="bold")
                label.append(f"  {cfg.currency}{item.cost:g}  ", style="dim")
                label.append(o.suggestion.reason(t), style="italic")
                rows.append(Option(label, id=o.offer))
        rows.append(Option(Text(t("rescue_none"), style="dim"), id=OTHER))
        super().__init__(title, rows)


class OutcomeChooser(Chooser):
    def __init__(self, app: QueueApp, party: Party) -> None:
        t = app.t
        title = Text(lead_in(t("outcome_title")) + who(party))
        super().__init__(title, [Option(t("outcome_stayed_long"), id="stayed"),
                                 Option(t("outcome_left_long"), id="left"),
                                 Option(t("outcome_later"), id=OTHER)])


class NoteForm(FormScreen[NoteEntry]):
    """An observation for the guest's card: likes, dislikes, allergy, note, birthday.

    The observation comes first (it is what the host types); the kind list below it
    starts on "likes". ``draft`` brings back what was typed when saving failed.
    """

    FIRST = "#text"

    def __init__(self, party: Party, draft: NoteEntry | None = None) -> None:
        super().__init__()
        self.party, self.draft = party, draft

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            title = Text(lead_in(t("note_title")) + who(self.party))
            yield Static(title, classes="dialog-title")
            with Grid(classes="fields"):
                yield Label(t("field_observation"))
                yield Field(self.draft.text if self.draft else "", id="text",
                            placeholder=t("ph_observation"), compact=True)
                yield Static("", id="text-error", classes="error")
                yield Label(t("field_kind"))
                yield OptionList(*[Option(t(f"note_{k}"), id=k) for k in CARD_KINDS],
                                 id="kind", compact=True)
            yield Static(t("note_hint"), classes="hint")

    def on_mount(self) -> None:
        kind = self.draft.kind if self.draft else CARD_KINDS[0]
        self.query_one("#kind", OptionList).highlighted = CARD_KINDS.index(kind)

    def action_submit(self) -> None:
        t = self.app.t
        text = self.query_one("#text", Input).value.strip()
        kind = CARD_KINDS[self.query_one("#kind", OptionList).highlighted or 0]
        if not text or len(text) > OBSERVATION_MAX:
            self.refuse("text", t("err_observation"))
            return
        if kind == "birthday":
            try:
                text = numbers.parse_month_day(text)
            except numbers.NumberError:
                self.refuse("text", t("err_birthday"))
                return
        self.dismiss(NoteEntry(kind, text))


class GesturesScreen(ModalScreen[int | None]):
    """What a party was given; v voids the highlighted gesture (returns its id)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="gestures_close"),
        Binding("v", "void", "Void", id="gestures_void"),
    ]

    app = getters.app(QueueApp)

    def __init__(self, party: Party, given: list[Gesture]) -> None:
        super().__init__()
        self.party, self.given = party, given

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog wide"):
            title = Text(lead_in(t("gestures_title")) + who(self.party))
            yield Static(title, classes="dialog-title")
            yield DataTable(id="given", cursor_type="row")
            yield Static(t("gestures_hint") if self.given else t("gestures_none"),
                         classes="hint")

    def on_mount(self) -> None:
        t, cfg = self.app.t, self.app.config
        table = self.query_one(DataTable)
        table.add_columns(t("col_when"), t("col_gesture"), t("col_cost"), t("col_host"),
                          t("col_note"))
        for g in self.given:
            when = arrow.get(g.time).to(cfg.timezone).format("HH:mm")
            label, note, style = gesture_cells(g, cfg, t, 24)
            table.add_row(Text(when, style=style), label,
                          Text(f"{cfg.currency}{g.cost:g}", style=style), clip(g.host, 10),
                          note, key=str(g.id))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_void(self) -> None:
        table = self.query_one(DataTable)
        if not self.given or table.row_count == 0:
            return
        g = self.given[table.cursor_row]
        if g.void_of or g.voided:
            self.app.notify(self.app.t("cannot_void"), severity="warning")
            return
        self.dismiss(g.id)


class VoidForm(FormScreen[VoidEntry]):
    FIRST = "#note"

    def __init__(self, gesture: Gesture) -> None:
        super().__init__()
        self.gesture = gesture

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(classes="dialog"):
            title = Text(lead_in(t("void_title")))
            title.append_text(clip(self.gesture.label, 40))
            yield Static(title, classes="dialog-title")
            yield Field(id="note", placeholder=t("ph_void"), compact=True)
            yield Static("", id="note-error", classes="error")
            yield Static(t("form_hint"), classes="hint")

    def action_submit(self) -> None:
        note = self.query_one(Input).value.strip()
        if not note or len(note) > OBSERVATION_MAX:
            self.refuse("note", self.app.t("err_void_note"))
            return
        self.dismiss(VoidEntry(note))

