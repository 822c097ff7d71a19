"""The highlighted party: who they are (guest card, tags and note in words), what they
have had, numbered suggestions with their reasons, conversation tips."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.reactive import var
from textual.widgets import Static

from queueapp.goodwill.suggestions import Suggestion, suggest
from queueapp.keys import DEFAULT_KEYS
from queueapp.quotes import reason
from queueapp.review.labels import gesture_label
from queueapp.ui import messages as messages_ui
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import clip, guest_line, reply_marker
from queueapp.ui.keynames import key_label
from queueapp.waitlist.room import Party

SUGGESTIONS = 9  # numbered suggestions: keys 1-9 give them

class PartyPanel(Static):
    app = getters.app(QueueApp)
    snapshot: var[Snapshot | None] = var(None, always_update=True)
    party_id: var[str | None] = var(None)

    def __init__(self) -> None:
        super().__init__(id="party-panel")
        self.suggestions: list[Suggestion] = []  # what keys 1-9 give, as drawn

    def watch_snapshot(self) -> None:
        self.redraw()

    def watch_party_id(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        app, t, cfg = self.app, self.app.t, self.app.config
        p = snap.room.parties.get(self.party_id) if self.party_id else None
        if p is None or not p.waiting:
            self.suggestions = []
            self.update(Text(t("panel_empty"), style="dim"), layout=False)
            return
        now = snap.now
        card = snap.guests.get(p.id)
        given = snap.gestures.get(p.id, [])
        self.suggestions = suggest(p, now, cfg.catalogue, given, card, app.stats,
                                   attention_minutes=cfg.attention_minutes, limit=SUGGESTIONS)
        reasons = [[r.render(t) for r in sug.reasons] for sug in self.suggestions]
        common = [r for r in reasons[0] if all(r in rs for rs in reasons)] if reasons else []
        text = Text()
        if p.ticket:  # the number the guest knows themselves by, first
            text.append(p.ticket, style="bold reverse")
            text.append(" ")
        name = clip(p.name or p.id, 30)
        name.stylize("bold")
        text.append_text(name)
        text.append(f" ({p.size})  ")
        text.append(guest_line(card, now, cfg.timezone, t), style="cyan")
        if p.tags:  # the row may show them as icons only: here in words
            text.append("  " + ", ".join(t.tag(tag) for tag in p.tags), style="magenta")
        if p.note:
            text.append("  ")
            text.append_text(clip(p.note, 60))
        if common:
            text.append("  " + t("why_sep").join(common), style="yellow")
        if given:
            text.append("  " + t("had", what=", ".join(gesture_label(g, cfg) for g in given[-3:])),
                        style="dim")
        sent = snap.messages.get(p.id)
        if sent:  # issue 12: the messages to this party, newest last
            text.append("\n")
            text.append_text(messages_ui.panel_line(sent, t, cfg.timezone))
        text.append_text(self._guest_side(p, snap))
        wait_why = reason.say(snap.quotes.get(p.id), t)
        if wait_why:  # where the live estimate comes from
            text.append("\n" + t("why_wait_line", reason=wait_why), style="italic")
        for n, (sug, why) in enumerate(zip(self.suggestions, reasons, strict=True), start=1):
            item = sug.interaction
            text.append(f"\n{n} ", style="bold reverse")
            text.append(f" {item.label_for(cfg.language)}", style="bold")
            text.append(f"  {cfg.currency}{item.cost:g}", style="dim")
            if item.needs_approval:
                text.append(" *", style="yellow")
            own = [r for r in why if r not in common]
            if own:
                text.append("  " + t("why_sep").join(own), style="italic")
        if not self.suggestions:
            text.append("\n" + t("no_suggestions"), style="dim")
        enjoy, avoid = cfg.conversation.tips(cfg.language)
        if enjoy or avoid:
            text.append("\n" + t("tips_enjoy") + ": ", style="green")
            text.append(" · ".join(enjoy[:4]))
            text.append("\n" + t("tips_avoid") + ": ", style="red")
            text.append(" · ".join(avoid[:3]))
        text.no_wrap, text.overflow = True, "ellipsis"
        self.update(text, layout=False)  # a fixed height: no layout needed

    def _guest_side(self, p: Party, snap: Snapshot) -> Text:
        """The second line: where they are in line, their answer, their page's address
        and the key that shows it as a QR code to scan."""
        app, t = self.app, self.app.t
        line = Text("\n")
        order = [w.id for w in snap.room.waiting()]
        ahead = order.index(p.id) if p.id in order else 0
        line.append(t("panel_ahead", n=ahead) if ahead else t("panel_first"), style="dim")
        reply = reply_marker(p, t)
        if reply:
            line.append("  ")
            line.append_text(reply)
        url = snap.guest_url(p.id)
        if url:  # the key first: on a narrow panel the address is what gets cut
            key = key_label(app.config.keys.get("page_qr") or DEFAULT_KEYS["page_qr"])
            line.append("  " + t("panel_qr_key", key=key), style="bold")
            line.append("  " + t("panel_page") + " ", style="dim")
            line.append(url, style="underline")
        return line
