"""The stand's side of messages to guests (issue 12): the marker on a party's row, the
messages in its panel, the hold countdown after a call, and the question when it runs
out (what the host decides, typed: ``HoldChoice``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from queueapp.i18n import Translator
from queueapp.messages.holds import HoldChoice
from queueapp.messages.reach import moot, not_reached
from queueapp.messages.settings import ADDED, AGAIN, CLOSE, READY, REMOVED, THANKS
from queueapp.store.outbox import FAILED, QUEUED, SENT, Message
from queueapp.ui.format import clip, lead_in, who
from queueapp.waitlist.room import Party, Room

SENT_MARK, FAILED_MARK = "✉", "✗"
SHOWN_IN_PANEL = 3  # the newest messages the party panel lists
KIND_WORDS = {ADDED: "msg_kind_added", CLOSE: "msg_kind_close", READY: "msg_kind_ready",
              AGAIN: "msg_kind_again", REMOVED: "msg_kind_removed", THANKS: "msg_kind_thanks"}
STATUS_WORDS = {QUEUED: "msg_status_queued", SENT: "msg_status_sent",
                FAILED: "msg_status_failed"}
CHOICE_WORDS = {HoldChoice.CALL_AGAIN: "hold_call_again",
                HoldChoice.HOLD_LONGER: "hold_longer",
                HoldChoice.NO_SHOW: "hold_no_show"}


def _unanswered_failure(messages: list[Message]) -> Message | None:
    """The newest failed message no later message of its kind made good (one not sent
    because it was no longer true is no failure: nobody was misled)."""
    for i, m in enumerate(reversed(messages)):
        if m.status == FAILED and not moot(m):
            later = messages[len(messages) - i:]
            if not any(x.kind == m.kind and x.status == SENT for x in later):
                return m
    return None


def marker(messages: list[Message]) -> Text:
    """The row's mark: ✗ (red) when a message failed, or the call's did not go through
    on a try (it is still being tried), else ✉ once one was sent (dim while the newest
    is still being tried)."""
    if not messages:
        return Text("")
    if _unanswered_failure(messages) is not None or not_reached(messages) is not None:
        return Text(FAILED_MARK, style="bold red")
    if any(m.status == SENT for m in messages):
        return Text(SENT_MARK, style="green" if messages[-1].status == SENT else "dim")
    return Text(SENT_MARK, style="dim")


def to_resend(messages: list[Message]) -> Message | None:
    """What the re-send key sends again: the failed message, else the newest one that
    is still true."""
    told = [m for m in messages if not moot(m)]
    return _unanswered_failure(messages) or (told[-1] if told else None)


def panel_line(messages: list[Message], t: Translator, timezone: str) -> Text:
    """The newest messages for the party panel: ``✉ 18:42 table ready: sent ·
    ✗ 18:40 number: failed — HTTP 503``."""
    text = Text("")
    tz = ZoneInfo(timezone)
    for m in messages[-SHOWN_IN_PANEL:]:
        if text:
            text.append("  ·  ", style="dim")
        failed = m.status == FAILED
        when = datetime.fromtimestamp(m.at, tz).strftime("%H:%M")
        text.append(f"{FAILED_MARK if failed else SENT_MARK} {when} ",
                    style="bold red" if failed else ("green" if m.status == SENT else "dim"))
        text.append(t("msg_line", kind=t(KIND_WORDS.get(m.kind, "msg_kind_added")),
                      status=t(STATUS_WORDS[m.status])))
        if m.last_error and m.status != SENT:
            text.append(" — ")
            text.append_text(clip(m.last_error.replace("\n", " "), 60))
    return text


def countdown(minutes_left: float, t: Translator, short: bool = False) -> Text:
    """What is left of a called party's hold: ``7 min left`` (``⏳7`` on a narrow row);
    red once it has run out."""
    n = int(minutes_left + 0.999)  # 6.2 minutes left is "7 min": never show less
    word = t("hold_left_short" if short else "hold_left", minutes=n)
    return Text(word, style="bold red" if n <= 0 else "bold yellow")


class HoldQuestion(ModalScreen[HoldChoice | None]):
    """A called party's hold ran out: call again, hold longer, or a no-show. Escape
    decides later (the host is asked again in a minute).

    It comes up by itself, while the host may be typing something else: so no choice is
    highlighted until an arrow key picks one (an Enter meant for the find box must not
    call the party again), and a key it has no use for (``u`` for undo, ``/`` to find)
    makes it step aside, deciding later, and is then the stand's (``passed_key``). It
    closes by itself when the hold changes meanwhile (another terminal answered, or the
    party was seated): ``changed_elsewhere`` says so."""

    BINDINGS = [Binding("escape", "later", show=False, id="hold_later")]
    OWN_KEYS = frozenset({"up", "down", "home", "end", "pageup", "pagedown", "enter",
                          "escape", "tab", "shift+tab"})

    def __init__(self, t: Translator, party: Party, hold_minutes: float) -> None:
        super().__init__()
        self.t, self.party_name, self.minutes = t, who(party), round(hold_minutes)
        self.party_id, self.hold_minutes = party.id, hold_minutes
        self.asked_end = party.hold_ends(hold_minutes)
        self.changed_elsewhere = False
        self.passed_key: events.Key | None = None  # typed for the stand: it steps aside

    def close_if_changed(self, room: Room) -> None:
        """The party's hold is no longer the one asked about: close, deciding nothing."""
        now = room.parties.get(self.party_id)
        if now is None or now.hold_ends(self.hold_minutes) != self.asked_end:
            self.changed_elsewhere = True
            self.dismiss(None)

    def compose(self) -> ComposeResult:
        t = self.t
        title = Text(lead_in(t("hold_over_title_one" if self.minutes == 1 else
                               "hold_over_title", minutes=self.minutes)) + self.party_name)
        with Vertical(classes="dialog"):
            yield Static(title, classes="dialog-title")
            yield OptionList(*[Option(t(CHOICE_WORDS[c], minutes=self.minutes), id=c.value)
                               for c in HoldChoice], id="hold-choices")
            yield Static(t("hold_hint"), classes="hint")

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.focus()
        choices.highlighted = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(HoldChoice(event.option.id or HoldChoice.HOLD_LONGER))

    def on_key(self, event: events.Key) -> None:
        if event.key in self.OWN_KEYS or self.passed_key is not None:
            return
        event.stop()
        event.prevent_default()
        self.passed_key = events.Key(event.key, event.character)
        self.dismiss(None)

    def action_later(self) -> None:
        self.dismiss(None)
