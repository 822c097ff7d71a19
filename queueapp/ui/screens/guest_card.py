"""The highlighted party's whole card (``guest_card`` key, or Enter on its row): an
allergy first and marked, then visits, likes, dislikes, notes, birthday, earlier
complaints and gestures, this visit (tags, note, the guest's answer, the wait and what
they have had) and why their wait is what it is, every word of it, wrapped. It fits
80x24 and scrolls (arrows, PgUp/PgDn), the allergy staying above what scrolls; Esc,
Enter or the card's own key closes it."""

from __future__ import annotations

from collections import Counter

import arrow
from rich.text import Text
from textual import events, getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from queueapp.clock import clock_minutes
from queueapp.goodwill.guests import GuestCard
from queueapp.goodwill.suggestions import ordinal
from queueapp.i18n import Translator
from queueapp.quotes import reason
from queueapp.quotes.rule import as_told
from queueapp.review.labels import gesture_label
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import (
    allergy_text,
    minutes_text,
    party_label,
    reply_marker,
)
from queueapp.waitlist.room import Party

BIRTHDAY_SOON = 14  # days: a nearer birthday also says how soon


class GuestCardScreen(ModalScreen[None]):
    """Everything the stand knows about the party and its guest, as the state was when
    it opened."""

    DEFAULT_CSS = """
    GuestCardScreen .card {
        width: 76;
        max-width: 100%;
        max-height: 100%;
    }
    GuestCardScreen VerticalScroll {
        height: auto;
        max-height: 65vh;
    }
    GuestCardScreen #card-allergy {
        height: auto;
        margin-bottom: 1;
    }
    """
    BINDINGS = [Binding("escape,enter", "close", "key_close", id="card_close")]

    app = getters.app(QueueApp)

    def __init__(self, party: Party, snapshot: Snapshot, close_key: str = "") -> None:
        super().__init__()
        self.party = party
        self.snap = snapshot
        self.close_key = close_key  # the key that opened it closes it too

    def compose(self) -> ComposeResult:
        t = self.app.t
        p, snap = self.party, self.snap
        card = snap.guests.get(p.id)
        with Vertical(classes="dialog card"):
            title = Text(party_label(p, p.id) + f" ({p.size}) · ")  # guest text: a Text
            title.append(t("card_title"))
            yield Static(title, classes="dialog-title")
            if card is not None and card.allergies:  # before all else, and marked
                yield Static(allergy_text(card, t), id="card-allergy")
            with VerticalScroll(id="card-scroll"):
                yield Static(self._fields(card, t), id="card")
            yield Static(t("card_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#card-scroll", VerticalScroll).focus()  # the arrows scroll it

    def on_key(self, event: events.Key) -> None:
        if event.key in {k.strip() for k in self.close_key.split(",") if k.strip()}:
            event.stop()
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def _fields(self, card: GuestCard | None, t: Translator) -> Text:
        """Label and words a line, long words wrapped."""
        cfg, p, snap = self.app.config, self.party, self.snap
        tz, now = cfg.timezone, snap.now
        rows: list[tuple[str, Text]] = []

        def day(ts: float) -> str:
            return arrow.get(ts).to(tz).format("YYYY-MM-DD")

        if card is None:
            rows.append((t("card_visits"), Text(t("card_none"), style="dim")))
        else:
            visit = [t("guest_visit", nth=ordinal(card.visit_number, t.language))
                     if card.returning else t("guest_new")]
            if card.returning:
                visit.append(t("card_first_seen", when=day(card.first_seen)))
                if card.last_visit:
                    visit.append(t("guest_last_visit", when=day(card.last_visit)))
            rows.append((t("card_visits"), Text(" · ".join(visit))))
            for label, notes in ((t("card_likes"), card.likes),
                                 (t("card_dislikes"), card.dislikes),
                                 (t("card_notes"), card.other_notes)):
                if notes:
                    rows.append((label, Text("; ".join(notes))))
            days = card.days_to_birthday(now, tz)
            if card.birthday:
                when = Text(card.birthday)
                if days is not None and days <= BIRTHDAY_SOON:
                    when.append(" (" + (t("why_birthday_today") if days == 0 else
                                        t("why_birthday_soon", days=days)) + ")",
                                style="bold magenta")
                rows.append((t("card_birthday"), when))
            if card.complaints:
                rows.append((t("card_complaints"), Text(str(card.complaints))))
            earlier = Counter(gesture_label(g, cfg) for g in card.gestures
                              if not g.voided and not g.is_void)
            if earlier:
                rows.append((t("card_had_before"), Text(", ".join(
                    f"{label} ×{n}" if n > 1 else label for label, n in earlier.items()))))
        now_parts = [Text(t.tag(tag)) for tag in p.tags]
        if p.note:
            now_parts.append(Text(p.note))
        reply = reply_marker(p, t)
        if reply:
            now_parts.append(reply)
        if now_parts:
            rows.append((t("card_this_visit"), Text(" · ").join(now_parts)))
        wait = [minutes_text(clock_minutes(p.arrived, now), t)]
        if p.quote is not None:
            point, low, high = as_told(p.quote, p.quote_low, p.quote_high)
            wait.append(t("card_quoted", quote=t("quote_short", point=point, low=low,
                                                  high=high)))
        left = snap.minutes_left(p.id)
        if left is not None:
            wait.append(t("card_left", minutes=round(left)))
        rows.append((t("card_waited"), Text(" · ".join(wait))))
        given = [gesture_label(g, cfg) for g in snap.gestures.get(p.id, [])
                 if not g.voided and not g.is_void]
        if given:
            rows.append((t("card_had"), Text(", ".join(given))))
        why = reason.say(snap.quotes.get(p.id), t)
        if why:
            rows.append((t("card_why"), Text(why)))
        text = Text()
        sep = t("label_sep")
        for n, (label, words) in enumerate(rows):
            if n:
                text.append("\n")
            text.append(label + sep, style="bold")
            text.append_text(words)
        return text
