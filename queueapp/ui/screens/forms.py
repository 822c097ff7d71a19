"""The add/edit party form: inline validation while typing, Enter submits from any field."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, SelectionList, Static

from queueapp import phone
from queueapp.goodwill import guests
from queueapp.goodwill.guests import GuestCard
from queueapp.i18n import Translator
from queueapp.store import DB_ERRORS
from queueapp.ui.format import guest_line

NAME_MAX = 60


class NameValidator(Validator):
    def __init__(self, t: Translator) -> None:
        super().__init__()
        self.t = t

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure(self.t("err_name_required"))
        if len(value.strip()) > NAME_MAX:
            return self.failure(self.t("err_name_long", max=NAME_MAX, n=len(value.strip())))
        return self.success()


class SizeValidator(Validator):
    def __init__(self, t: Translator, largest: int) -> None:
        super().__init__()
        self.t, self.largest = t, largest

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.failure(self.t("err_size_required", max=self.largest))
        if not text.isdigit():
            return self.failure(self.t("err_size_number", max=self.largest))
        if not 1 <= int(text) <= self.largest:
            return self.failure(self.t("err_size_range", max=self.largest))
        return self.success()


class PhoneValidator(Validator):
    def __init__(self, t: Translator, country: str) -> None:
        super().__init__()
        self.t, self.country = t, country

    def validate(self, value: str) -> ValidationResult:
        try:
            phone.normalise(value, self.country)
        except phone.PhoneError as exc:
            return self.failure(self.t(f"err_phone_{exc}", country=self.country))
        return self.success()


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """A small form: Enter saves from any field, Escape cancels (returns None)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
        Binding("enter", "submit", "Save", priority=True, id="form_submit"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def error(self, widget_id: str, message: str) -> None:
        """Show ``message`` under the field (in its ``#<id>-error`` line)."""
        self.query_one(f"#{widget_id}-error", Static).update(Text(message))


class PartyForm(FormScreen):
    """Returns {name, size, phone, tags, note} or None when cancelled."""

    def __init__(self, values: dict[str, Any] | None = None, editing: bool = False) -> None:
        super().__init__()
        self.values = values or {}
        self.editing = editing

    def compose(self) -> ComposeResult:
        app = self.app
        t, cfg = app.t, app.config
        v = self.values
        shown_phone = phone.display(v.get("phone", ""), cfg.country)
        chosen = set(v.get("tags", []))
        with Vertical(id="form", classes="dialog"):
            yield Static(t("edit_title" if self.editing else "add_title"), classes="dialog-title")
            with Grid(classes="fields"):
                yield Label(t("field_name"))
                yield Input(v.get("name", ""), id="name", placeholder=t("ph_name"), compact=True,
                            validators=[NameValidator(t)], validate_on=["changed", "submitted"])
                yield Label("")
                yield Static("", id="name-error", classes="error")
                yield Label(t("field_size", max=cfg.largest_party))
                yield Input(str(v.get("size", "")), id="size", placeholder="2", compact=True,
                            validators=[SizeValidator(t, cfg.largest_party)],
                            validate_on=["changed", "submitted"])
                yield Label("")
                yield Static("", id="size-error", classes="error")
                yield Label(t("field_phone"))
                yield Input(shown_phone, id="phone", placeholder=t("ph_phone"), compact=True,
                            validators=[PhoneValidator(t, cfg.country)],
                            validate_on=["changed", "submitted"])
                yield Label("")
                yield Static("", id="phone-error", classes="error")
                yield Label(t("field_tags"))
                yield SelectionList[str](*[(t.tag(tag), tag, tag in chosen) for tag in cfg.tags],
                                         id="tags", compact=True)
                yield Label(t("field_note"))
                yield Input(v.get("note", ""), id="note", placeholder=t("ph_note"), compact=True)
            yield Static("", id="guest", classes="guest")
            yield Static("", id="quote", classes="quote")
            yield Static(t("form_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._show_quote()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("name", "size", "phone"):
            self._show_error(event.input, event.validation_result)
        if event.input.id == "size":
            self._show_quote()
        if event.input.id == "phone":
            self._look_up_guest(event.value)

    def _look_up_guest(self, text: str) -> None:
        """Recognise a returning guest by phone, in a worker (the UI never waits)."""
        try:
            e164 = phone.normalise(text, self.app.config.country)
        except phone.PhoneError:
            e164 = ""
        label = self.query_one("#guest", Static)
        if not e164:
            label.update("")
            return
        app = self.app

        def look() -> None:
            try:
                card = guests.recognise(app.store, e164)
            except DB_ERRORS:
                return
            app.call_from_thread(self._show_guest, card, e164)

        self.run_worker(look, thread=True, group="guest")

    def _show_guest(self, card: GuestCard | None, e164: str) -> None:
        app = self.app
        label = self.query_one("#guest", Static)
        try:
            if phone.normalise(self.query_one("#phone", Input).value, app.config.country) != e164:
                return  # the number changed while it was looked up
        except phone.PhoneError:
            return
        if card is None or not card.returning:
            label.update("")
            return
        text = Text(app.t("guest_found") + " ", style="bold cyan")
        text.append(card.name + " · ", style="bold")
        text.append(guest_line(card, app.now(), app.config.timezone, app.t))
        label.update(text)

    def _show_error(self, field: Input, result: ValidationResult | None) -> None:
        msg = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.error(field.id or "", msg)

    def _show_quote(self) -> None:
        t = self.app.t
        size_text = self.query_one("#size", Input).value.strip()
        label = self.query_one("#quote", Static)
        if self.editing or not size_text.isdigit() or not \
                1 <= int(size_text) <= self.app.config.largest_party:
            label.update("")
            return
        point, low, high = self.app.quote_new(int(size_text)).rounded()
        label.update(Text(t("quote_for_guest", point=point, low=low, high=high), style="bold"))

    def action_submit(self) -> None:
        first_bad = None
        for field_id in ("name", "size", "phone"):
            field = self.query_one(f"#{field_id}", Input)
            result = field.validate(field.value)
            self._show_error(field, result)
            if result is not None and not result.is_valid and first_bad is None:
                first_bad = field
        if first_bad is not None:
            first_bad.focus()
            return
        country = self.app.config.country
        self.dismiss({
            "name": self.query_one("#name", Input).value.strip(),
            "size": int(self.query_one("#size", Input).value.strip()),
            "phone": phone.normalise(self.query_one("#phone", Input).value, country),
            "tags": list(self.query_one("#tags", SelectionList).selected),
            "note": self.query_one("#note", Input).value.strip(),
        })
