"""The highlighted party: who they are (guest card, tags and note in words), what they
have had, numbered suggestions with their reasons, conversation tips."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.reactive import var
from textual.widgets import Static

from queueapp.goodwill.suggestions import Suggestion, suggest
from queueapp.quotes import reason
from queueapp.review.labels import gesture_label
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import clip, guest_line

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
        text = clip(p.name or p.id, 30)
        text.stylize("bold")
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
