"""The add/edit party form: inline validation while typing, Enter submits from any field.

Forms return frozen dataclasses (``NewParty``, ``PartyChanges``), never loose dicts.
Every form starts with focus on the first thing to type, keeps keys typed before it
has finished opening, and does not drop typed text on Escape without saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events, getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.worker import get_current_worker

from queueapp import numbers, phone
from queueapp.goodwill import guests
from queueapp.goodwill.guests import GuestCard
from queueapp.i18n import Translator
from queueapp.lobby import checkin
from queueapp.quotes import reason
from queueapp.quotes.rule import Quote
from queueapp.store import DB_ERRORS
from queueapp.ui.app import QueueApp
from queueapp.ui.field import Field, handled_so_far
from queueapp.ui.format import guest_line, lead_in, who
from queueapp.waitlist.room import Party

NAME_MAX, NOTE_MAX = checkin.NAME_MAX, checkin.NOTE_MAX

DIALOG_HEIGHT = 0.95  # of the screen: `.dialog { max-height: 95% }` (queueapp.tcss)
TYPED_SHOWN = 120  # characters of unsaved text named in the toast on Escape
R = TypeVar("R")


@dataclass(frozen=True)
class PartyFields:
    """What the party form holds once every field is valid (phone in E.164)."""

    name: str
    size: int
    phone: str
    tags: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class NewParty(PartyFields):
    """A party to add, with the quote the form showed when Enter was pressed: that
    quote, and no other, is saved (it is what the guest was told)."""

    quote: Quote


@dataclass(frozen=True)
class PartyChanges:
    """An edit: the party it is for and the fields whose value changed; with a new
    size, the wait still to come that the form showed for it (what the guest is told)."""

    party_id: str
    fields: PartyFields
    changed: frozenset[str]
    quote: Quote | None = None

    def as_changes(self) -> dict[str, Any]:
        """The store's ``edit_party`` changes: only what differs, tags as a list."""
        return {k: list(self.fields.tags) if k == "tags" else getattr(self.fields, k)
                for k in sorted(self.changed)}


def fields_of(party: Party) -> PartyFields:
    return PartyFields(party.name, party.size, party.phone, tuple(party.tags), party.note)


class _Checked(Validator):
    """A field checked by the shared rules of ``queueapp.lobby.checkin`` (the guests' own
    check-in page asks the same ones)."""

    def __init__(self, t: Translator) -> None:
        super().__init__()
        self.t = t

    def problem(self, value: str) -> checkin.Problem | None:
        raise NotImplementedError

    def validate(self, value: str) -> ValidationResult:
        problem = self.problem(value)
        return self.success() if problem is None else self.failure(problem.render(self.t))


class NameValidator(_Checked):
    def problem(self, value: str) -> checkin.Problem | None:
        return checkin.name_problem(value)


class SizeValidator(_Checked):
    def __init__(self, t: Translator, largest: int) -> None:
        super().__init__(t)
        self.largest = largest

    def problem(self, value: str) -> checkin.Problem | None:
        return checkin.size_problem(value, self.largest)


class PhoneValidator(_Checked):
    """A phone number, or ``kept``: the masked number the form shows for the one already
    saved (``•••• 5678``), which stands for it unchanged."""

    def __init__(self, t: Translator, country: str, kept: str = "") -> None:
        super().__init__(t)
        self.country, self.kept = country, kept

    def problem(self, value: str) -> checkin.Problem | None:
        if self.kept and value == self.kept:
            return None
        return checkin.phone_problem(value, self.country)


class NoteValidator(_Checked):
    def problem(self, value: str) -> checkin.Problem | None:
        return checkin.note_problem(value)


class FormScreen(ModalScreen[R | None], Generic[R]):
    """A small form: Enter saves from any field, Escape cancels (returns None).

    ``FIRST`` names the field focus starts on. Keys typed before the form has taken
    focus (a host types straight after the key that opened it) land in that field, and
    so do letters typed while a list has focus; Escape with something typed says what
    was not saved.
    """

    FIRST: ClassVar[str] = "Input"
    DEFAULT_CSS = """
    FormScreen Input > .input--placeholder {
        text-style: italic;
        color: $text-disabled;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
        Binding("enter", "save", "Save", priority=True, id="form_submit"),
    ]

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, str] = {}
        self.refusals = 0  # Enters this form refused, a field saying why (see refused)

    def on_mount(self) -> None:
        # Textual calls every class's on_mount (subclasses' first): subclasses say where
        # focus starts by overriding start_focus, not by focusing in their own on_mount
        self._initial = {w.id or "": w.value for w in self.query(Input)}
        # at once, not later (Widget.focus): keys typed as the form opened are handled in
        # order after this, and a Tab among them moves on from here (QueueApp.next_field)
        self.set_focus(self.start_focus())

    async def action_save(self) -> None:
        """Enter: save what was typed, the keys typed just before it included (Enter is
        read as soon as it arrives, and a field may not have handled those yet)."""
        if self.focused is not None:
            await handled_so_far(self.focused)
        self.action_submit()

    def action_submit(self) -> None:
        """Save the form (each form says how)."""
        raise NotImplementedError

    def first_field(self) -> Input:
        """The field typed text goes to when nothing that takes text has focus."""
        return self.query_one(self.FIRST, Input)

    def start_focus(self) -> Widget:
        return self.first_field()

    def on_key(self, event: events.Key) -> None:
        if not (event.is_printable and event.character):
            return
        field = self._field_for(event.character)
        if field is not None:
            field.insert_text_at_cursor(event.character)
            # taking focus would select what is in the field, and the next key typed
            # would replace it: keep the cursor after what was just typed instead
            field.select_on_focus = False
            self.set_focus(field)
            event.stop()

    def _field_for(self, character: str) -> Input | None:
        """Where a typed character that reached the form itself belongs, or None.

        A key typed while the form opens is sent to the form (nothing had focus yet):
        it goes to the field that has focus by now, else to the first field. A list
        does nothing with letters and digits: they go to the first field (space still
        ticks tags). An Input handles its own keys, so one reaching the form while an
        Input has focus was sent before that focus landed.
        """
        focused = self.focused
        if isinstance(focused, Input):
            return focused
        if focused is None or (isinstance(focused, OptionList)
                               and not isinstance(focused, SelectionList)
                               and not character.isspace()):
            return self.first_field()
        return None

    def typed(self) -> bool:
        """Has anything been typed (or changed) since the form opened?"""
        return any(w.value != self._initial.get(w.id or "", "") for w in self.query(Input))

    def typed_text(self) -> str:
        """What was typed and not saved, to name it (secrets left out), shortened."""
        return " · ".join(w.value.strip() for w in self.query(Input)
                          if not w.password and w.value.strip()
                          and w.value != self._initial.get(w.id or "", ""))[:TYPED_SHOWN]

    def action_cancel(self) -> None:
        """Escape closes at once; what was typed is named in a toast, never dropped
        silently (a host who pressed it by mistake can type it again from there)."""
        if self.typed():
            self.app.notify(self.app.t("form_not_saved", what=self.typed_text()),
                            severity="warning", timeout=8)
        self.dismiss(None)

    def error(self, widget_id: str, message: str) -> None:
        """Show ``message`` under the field (in its ``#<id>-error`` line, which takes no
        room while there is nothing to say: the form fits a short terminal)."""
        line = self.query_one(f"#{widget_id}-error", Static)
        line.update(Text(message))
        line.set_class(bool(message), "-shown")

    def refuse(self, widget_id: str, message: str) -> None:
        """The field's value cannot be saved: say why under it and put the cursor there."""
        self.error(widget_id, message)
        self.refused(self.query_one(f"#{widget_id}", Input))

    def refused(self, field: Widget) -> None:
        """Enter could not save (``field`` says why under it): the cursor goes there, and
        the keys typed after that Enter, meant for what comes after a save, are not typed
        into this form (``QueueApp.on_event``)."""
        self.refusals += 1
        field.focus()


class PartyForm(FormScreen[NewParty | PartyChanges]):
    """Add a party (returns :class:`NewParty`) or edit one (:class:`PartyChanges`).

    The quote is worked out in a thread worker whenever the size changes and shown;
    Enter saves exactly the quote on screen. A recognised phone fills in the guest's
    name and usual party size where the host has not typed them.
    """

    FIRST = "#name"

    def __init__(self, draft: PartyFields | None = None, party: Party | None = None) -> None:
        super().__init__()
        self.party = party  # the party being edited, None when adding
        self.draft = draft or (fields_of(party) if party else None)
        self.editing = party is not None
        self._quote: tuple[int, Quote] | None = None  # (size, quote) as shown
        self._save_when_quoted = False  # Enter came while the quote was being worked out
        self._left = False  # the party being edited left the list while the form was open
        self._card: GuestCard | None = None
        self._kept_phone = ""  # the mask shown for the saved number (set in compose)

    def compose(self) -> ComposeResult:
        app = self.app
        t, cfg = app.t, app.config
        v = self.draft
        # the party's saved number is never shown in full: its mask stands for it until
        # retyped (a number the host has just typed, back from a question, shows as typed)
        saved = v is not None and self.party is not None and v.phone == self.party.phone
        self._kept_phone = phone.masked(v.phone) if v and saved else ""
        shown_phone = self._kept_phone or (phone.display(v.phone, cfg.country) if v else "")
        chosen = set(v.tags) if v else set()
        with Vertical(id="form", classes="dialog"):
            yield Static(t("edit_title" if self.editing else "add_title"), classes="dialog-title")
            # what to tell the guest, and who they are, where a short screen still shows it
            yield Static("", id="quote", classes="quote")
            yield Static("", id="guest", classes="guest")
            with Grid(classes="fields"):
                yield Label(t("field_name"))
                yield Field(v.name if v else "", id="name", placeholder=t("ph_name"),
                            compact=True, validators=[NameValidator(t)],
                            validate_on=["changed", "submitted"])
                yield Static("", id="name-error", classes="error")
                yield Label(t("field_size", max=cfg.largest_party))
                yield Field(str(v.size) if v else "", id="size", placeholder=t("ph_size"),
                            compact=True, validators=[SizeValidator(t, cfg.largest_party)],
                            validate_on=["changed", "submitted"])
                yield Static("", id="size-error", classes="error")
                yield Label(t("field_phone"))
                yield Field(shown_phone, id="phone", placeholder=t("ph_phone"), compact=True,
                            validators=[PhoneValidator(t, cfg.country, shown_phone)],
                            validate_on=["changed", "submitted"])
                yield Static("", id="phone-error", classes="error")
                yield Label(t("field_tags"))
                yield SelectionList[str](*[(t.tag(tag), tag, tag in chosen) for tag in cfg.tags],
                                         id="tags", compact=True)
                yield Label(t("field_note"))
                yield Field(v.note if v else "", id="note", placeholder=t("ph_note"),
                            compact=True, validators=[NoteValidator(t)],
                            validate_on=["changed", "submitted"])
                yield Static("", id="note-error", classes="error")
            yield Static(t("form_hint"), classes="hint")

    def on_mount(self) -> None:
        self._ask_quote()
        self._fit()

    # -- the form fits the screen ---------------------------------------------------
    TAGS_MOST = 8  # rows the tag list takes when the screen has them
    TAGS_LEAST = 2  # ... and at least: the rest scroll (the highlighted tag stays in view)

    def on_resize(self, _event: events.Resize) -> None:
        self._fit()

    def error(self, widget_id: str, message: str) -> None:
        super().error(widget_id, message)
        self._fit()

    def _fit(self) -> None:
        """Once the form is drawn again: the tag list takes only the rows the quote, its
        Why, the returning guest's line and any mistakes leave, so the hint (Tab, Enter,
        Esc) stays on a 24-line screen."""
        self.call_after_refresh(self._fit_tags)

    def _fit_tags(self) -> None:
        if not self.is_mounted:
            return
        form = self.query_one("#form", Vertical)
        tags = self.query_one("#tags", SelectionList)
        others = sum(w.outer_size.height for w in form.children if w.display) \
            - tags.outer_size.height
        room = int(self.size.height * DIALOG_HEIGHT) - form.styles.gutter.height - others
        rows = max(self.TAGS_LEAST, min(self.TAGS_MOST, room))
        tags.styles.max_height = rows

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("name", "size", "phone", "note"):
            self._show_error(event.input, event.validation_result)
        if event.input.id == "size":
            self._ask_quote()
        if event.input.id == "phone":
            self._look_up_guest(event.value)

    # -- the quote -----------------------------------------------------------------
    def _typed_size(self) -> int | None:
        try:
            return numbers.parse_whole(self.query_one("#size", Input).value, 1,
                                       self.app.config.largest_party)
        except numbers.NumberError:
            return None

    def _resizing(self, size: int | None) -> bool:
        """Is an edit giving the party another size (and so another wait to tell)?"""
        return self.party is not None and size is not None and size != self.party.size

    def _ask_quote(self) -> None:
        """Work out the quote for the typed size off the UI thread (the last one wins):
        a new party's, or the wait still to come for an edited party of a new size."""
        self._quote = None
        self._save_when_quoted = False
        label = self.query_one("#quote", Static)
        size = self._typed_size()
        if size is None or (self.editing and not self._resizing(size)):
            label.update("")
            self._fit()
            return
        label.update(Text(self.app.t("quote_working"), style="dim italic"))
        self._fit()
        self.run_worker(lambda: self._work_out_quote(size), thread=True, exclusive=True,
                        group="quote")

    def _work_out_quote(self, size: int) -> None:
        app = self.app
        quote = app.quote_resized(self.party.id, size) if self.party else app.quote_new(size)
        if get_current_worker().is_cancelled:
            return
        if quote is None:  # seated or removed meanwhile: Enter then says so, and saves nothing
            app.call_from_thread(self._party_left)
        else:
            app.call_from_thread(self._show_quote, size, quote)

    def _party_left(self) -> None:
        assert self.party is not None
        self._left = True
        self.query_one("#quote", Static).update(Text(self.app.t(
            "party_gone", name=who(self.party)), style="bold yellow"))
        self._fit()
        if self._save_when_quoted:
            self.action_submit()

    def _show_quote(self, size: int, quote: Quote) -> None:
        if self not in self.app.screen_stack or self._typed_size() != size:
            return  # closed, or the size changed meanwhile (its own worker shows its quote)
        self._quote = (size, quote)
        point, low, high = quote.rounded()
        t = self.app.t
        if self.editing:
            told = "quote_resized" if high else "quote_resized_none"
        else:
            told = "quote_for_guest" if high else "quote_for_guest_none"
        shown = Text(t(told, size=size, point=point, low=low, high=high), style="bold")
        why = reason.say(quote, t, for_guest=True)
        if why:  # where the wait comes from, to tell the guest with it
            shown.append("\n" + t("why_wait_line", reason=why), style="not bold italic")
        self.query_one("#quote", Static).update(shown)
        self._fit()
        if self._save_when_quoted:
            self.action_submit()

    def saving(self) -> bool:
        """Enter was pressed and the party is saved as soon as its quote is on screen:
        keys typed after it wait for the form to close (``QueueApp.on_event``)."""
        return self._save_when_quoted

    @property
    def shown_quote(self) -> Quote | None:
        """The quote on screen for the size typed now, if it has been worked out."""
        if self._quote is not None and self._quote[0] == self._typed_size():
            return self._quote[1]
        return None

    # -- the guest -----------------------------------------------------------------
    def _phone_of(self, text: str) -> str:
        """The E.164 number ``text`` stands for: the saved one while its mask is
        untouched; PhoneError if it is no number."""
        if self._kept_phone and text == self._kept_phone and self.draft is not None:
            return self.draft.phone
        return phone.normalise(text, self.app.config.country)

    def _look_up_guest(self, text: str) -> None:
        """Recognise a returning guest by phone, in a worker (the UI never waits)."""
        try:
            e164 = self._phone_of(text)
        except phone.PhoneError:
            e164 = ""
        label = self.query_one("#guest", Static)
        if not e164:
            self._card = None
            label.update("")
            self._fit()
            return
        app = self.app
        own = self.party.id if self.party is not None and self.party.phone == e164 else None

        def look() -> None:
            try:
                # the party's own phone: the card as of its visit, as the row shows it
                card = guests.guest_for_party(app.store, own) if own else \
                    guests.recognise(app.store, e164)
            except DB_ERRORS:
                return
            app.call_from_thread(self._show_guest, card, e164)

        self.run_worker(look, thread=True, exclusive=True, group="guest")

    def _show_guest(self, card: GuestCard | None, e164: str) -> None:
        if self not in self.app.screen_stack:
            return  # saved or closed while the guest was looked up
        app = self.app
        label = self.query_one("#guest", Static)
        try:
            if self._phone_of(self.query_one("#phone", Input).value) != e164:
                return  # the number changed while it was looked up
        except phone.PhoneError:
            return
        self._card = card
        if card is None or not card.returning:
            label.update("")
            self._fit()
            return
        text = Text(lead_in(app.t("guest_found")), style="bold cyan")
        text.append(card.name + " · ", style="bold")
        text.append_text(guest_line(card, app.now(), app.config.timezone, app.t))
        label.update(text)
        self._fit()
        if not self.editing:
            self._fill_from_card(card)

    def _fill_from_card(self, card: GuestCard) -> None:
        """Name and usual size from the card, only into fields the host left empty."""
        name, size = self.query_one("#name", Input), self.query_one("#size", Input)
        if not name.value.strip() and card.name:
            name.value = card.name
        if not size.value.strip() and card.usual_size:
            size.value = str(card.usual_size)

    def _show_error(self, field: Input, result: ValidationResult | None) -> None:
        msg = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.error(field.id or "", msg)

    # -- saving --------------------------------------------------------------------
    def action_submit(self) -> None:
        first_bad = None
        for field_id in ("name", "size", "phone", "note"):
            field = self.query_one(f"#{field_id}", Input)
            result = field.validate(field.value)
            self._show_error(field, result)
            if result is not None and not result.is_valid and first_bad is None:
                first_bad = field
        if first_bad is not None:
            self.refused(first_bad)
            return
        size = self._typed_size()
        assert size is not None  # validated above
        fields = PartyFields(
            self.query_one("#name", Input).value.strip(), size,
            self._phone_of(self.query_one("#phone", Input).value),
            tuple(self.query_one("#tags", SelectionList).selected),
            self.query_one("#note", Input).value.strip())
        needs_quote = self.party is None or (self._resizing(size) and not self._left)
        quote = self.shown_quote if needs_quote else None
        if needs_quote and quote is None:
            # a fast host: save as soon as the quote is on screen (and in the toast)
            self._save_when_quoted = True
            return
        if self.party is not None:
            before = fields_of(self.party)
            changed = frozenset(k for k in ("name", "size", "phone", "tags", "note")
                                if getattr(fields, k) != getattr(before, k))
            self.dismiss(PartyChanges(self.party.id, fields, changed, quote))
            return
        assert quote is not None  # a new party always waits for its quote above
        self.dismiss(NewParty(fields.name, fields.size, fields.phone, fields.tags,
                              fields.note, quote))
