"""The highlighted party: who they are (guest card, an allergy first, tags and note in
words), what they have had, why their wait is what it is, numbered suggestions with
their reasons, conversation tips.

The panel has a fixed height. Its parts are laid out here, in lines of its width: the
party's line and the "Why" wrap (a part of the card is never split) where the height
allows, everything else is one line, cut with "…"; what matters most gets its lines
first (see PLAN). The whole card is a key away (``guest_card``)."""

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
from queueapp.ui.format import clip, fit, flow, guest_parts, lead_in, reply_marker, wrapped
from queueapp.ui.keynames import key_label
from queueapp.waitlist.room import CALLED, WAITING, Party

SUGGESTIONS = 9  # numbered suggestions: keys 1-9 give them
HEAD_LINES = 3  # the party's line (name, allergy, card, tags, note) wraps to at most this
WHY_LINES = 3
# who gets the panel's lines, in this order: (part, lines it may have by then). Parts
# are drawn in the order of the panel, whatever the order they got their lines in.
PLAN: tuple[tuple[str, int], ...] = (
    ("head", 1), ("why", 1), ("s1", 1), ("s2", 1), ("head", HEAD_LINES), ("why", WHY_LINES),
    ("messages", 1), ("side", 1), *((f"s{n}", 1) for n in range(3, SUGGESTIONS + 1)),
    ("none", 1), ("enjoy", 1), ("avoid", 1))
UNSIZED = (200, 60)  # cells and lines to lay out in before the panel has a size


class PartyPanel(Static):
    app = getters.app(QueueApp)
    snapshot: var[Snapshot | None] = var(None, always_update=True)
    party_id: var[str | None] = var(None)

    def __init__(self) -> None:
        super().__init__(id="party-panel")
        self.suggestions: list[Suggestion] = []  # what keys 1-9 give, as drawn
        # per party, the suggestions last drawn and how many live gestures they knew of:
        # kept for a moment after a gesture (see ``_numbered``)
        self._drawn: dict[str, tuple[int, list[Suggestion]]] = {}

    def watch_snapshot(self) -> None:
        self.redraw()

    def watch_party_id(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        t = self.app.t
        p = snap.room.parties.get(self.party_id) if self.party_id else None
        if p is None or not p.waiting:
            self.suggestions = []
            self.update(Text(t("panel_empty"), style="dim"), layout=False)
            return
        self.suggestions = self._numbered(p, snap)
        width, height = self.content_region.size
        if width <= 0 or height <= 0:
            width, height = UNSIZED
        parts = self._parts(p, snap, width)
        granted = _allot(parts, height)
        lines: list[Text] = []
        for key, part in parts.items():
            n = granted[key]
            if n:
                lines += part[:n - 1] + [_last_line(part[n - 1:], width)]
        text = Text("\n").join(lines)
        text.no_wrap, text.overflow = True, "ellipsis"
        self.update(text, layout=False)  # a fixed height: no layout needed

    def _numbered(self, p: Party, snap: Snapshot) -> list[Suggestion]:
        """The suggestions keys 1-9 give. For ``repeat_guard_seconds`` after a gesture to
        the party they keep the numbers they had before it: the given one drops out of a
        fresh list, so a double tap on 1 gave the next suggestion, with no question.
        Kept, the second 1 is the same gesture again, and is asked about."""
        app, cfg = self.app, self.app.config
        given = snap.gestures.get(p.id, [])  # live ones only (``gestures_by_party``)
        drawn = self._drawn.get(p.id)
        if drawn is not None and drawn[0] < len(given) \
                and snap.now - max(g.time for g in given) < cfg.goodwill.repeat_guard_seconds:
            return drawn[1]  # drawn before the newest gesture, a moment ago
        fresh = suggest(p, snap.now, cfg.catalogue, given, snap.guests.get(p.id), app.stats,
                        attention_minutes=cfg.attention_minutes, limit=SUGGESTIONS)
        if len(self._drawn) > 200:  # only the parties looked at lately are worth keeping
            self._drawn.clear()
        self._drawn[p.id] = (len(given), fresh)
        return fresh

    def _parts(self, p: Party, snap: Snapshot, width: int) -> dict[str, list[Text]]:
        """The panel's parts in the order drawn, each in lines of ``width``."""
        t, cfg = self.app.t, self.app.config
        reasons = [[r.render(t) for r in sug.reasons] for sug in self.suggestions]
        common = [r for r in reasons[0] if all(r in rs for rs in reasons)] if reasons else []
        console = self.app.console
        parts: dict[str, list[Text]] = {"head": flow(self._head(p, snap, common), width,
                                                     console)}
        sent = snap.messages.get(p.id)
        if sent:  # issue 12: the messages to this party, newest last
            parts["messages"] = [messages_ui.panel_line(sent, t, cfg.timezone)]
        side = self._guest_side(p, snap)
        if side.plain:
            parts["side"] = [side]
        if p.status == CALLED:  # their table is ready: the line ahead is no longer why
            kept = snap.room.kept_for(p.id)
            why = Text(t("panel_called_kept", table=kept) if kept else t("panel_called"),
                       style="italic")
            parts["why"] = wrapped(why, width, console)
        elif wait_why := reason.say(snap.quotes.get(p.id), t):
            # where the live estimate comes from
            why = Text(t("why_wait_line", reason=wait_why), style="italic")
            parts["why"] = wrapped(why, width, console)
        for n, (sug, why_sug) in enumerate(zip(self.suggestions, reasons, strict=True), 1):
            item = sug.interaction
            line = Text(f"{n} ", style="bold reverse")
            line.append(f" {item.label_for(cfg.language)}", style="bold")
            line.append(f"  {cfg.currency}{item.cost:g}", style="dim")
            if item.needs_approval:
                line.append(" *", style="yellow")
            own = [r for r in why_sug if r not in common]
            if own:
                line.append("  " + t("why_sep").join(own), style="italic")
            parts[f"s{n}"] = [line]
        if not self.suggestions:
            parts["none"] = [Text(t("no_suggestions"), style="dim")]
        enjoy, avoid = cfg.conversation.tips(cfg.language)
        if enjoy or avoid:
            parts["enjoy"] = [Text(t("tips_enjoy") + ": ", style="green")
                              + Text(" · ".join(enjoy[:4]))]
            parts["avoid"] = [Text(t("tips_avoid") + ": ", style="red")
                              + Text(" · ".join(avoid[:3]))]
        return parts

    def _head(self, p: Party, snap: Snapshot, common: list[str]) -> list[tuple[str, Text]]:
        """The party's line, part by part: number, name and size; the guest's answer; an
        allergy (marked); the card; the tags and note in words; what every suggestion
        has in common; what they have had."""
        t, cfg = self.app.t, self.app.config
        who = Text()
        if p.ticket:  # the number the guest knows themselves by, first
            who.append(p.ticket, style="bold reverse")
            who.append(" ")
        name = clip(p.name or p.id, 30)
        name.stylize("bold")
        who.append_text(name)
        who.append(f" ({p.size})")
        head: list[tuple[str, Text]] = [("", who)]
        reply = reply_marker(p, t)
        if reply:  # the guest's answer: the newest thing to know
            head.append(("  ", reply))
        card = guest_parts(snap.guests.get(p.id), snap.now, cfg.timezone, t)
        for n, part in enumerate(card):
            marked = bool(part.style)  # an allergy: its own marking, apart from the rest
            if not marked:
                part.stylize("cyan")
            head.append(("  " if n == 0 or marked or card[n - 1].style else " · ", part))
        if p.tags:  # the row may show them as icons only: here in words
            head.append(("  ", Text(", ".join(t.tag(tag) for tag in p.tags),
                                    style="magenta")))
        if p.note:
            head.append(("  ", clip(p.note, 60)))
        if common:
            head.append(("  ", Text(t("why_sep").join(common), style="yellow")))
        given = snap.gestures.get(p.id, [])
        if given:
            head.append(("  ", Text(t("had", what=", ".join(gesture_label(g, cfg)
                                                            for g in given[-3:])),
                                    style="dim")))
        return head

    def _guest_side(self, p: Party, snap: Snapshot) -> Text:
        """Where they are in line (not once called: their table is ready), their page's
        address and the key that shows it as a QR code to scan."""
        app, t = self.app, self.app.t
        line = Text(style="dim")
        if p.status != CALLED:  # once called, the parties still waiting are not ahead
            # parties still waiting ahead, of every size (a called one is on its way in;
            # the Why counts only those after the same kind of table)
            order = [w.id for w in snap.room.waiting() if w.status == WAITING or w.id == p.id]
            ahead = order.index(p.id) if p.id in order else 0
            words = t("panel_ahead_one") if ahead == 1 else t("panel_ahead", n=ahead)
            line.append(words if ahead else t("panel_first"))
        url = snap.guest_url(p.id)
        if url:  # the key first: on a narrow panel the address is what gets cut
            key = key_label(app.config.keys.get("page_qr") or DEFAULT_KEYS["page_qr"])
            line.append(("  " if line else "") + t("panel_qr_key", key=key), style="bold")
            line.append("  " + lead_in(t("panel_page")), style="dim")
            line.append(url, style="underline")
        return line


def _allot(parts: dict[str, list[Text]], height: int) -> dict[str, int]:
    """How many of the panel's ``height`` lines each part gets, following PLAN."""
    granted = dict.fromkeys(parts, 0)
    room = height
    for key, most in PLAN:
        if key in parts:
            more = max(0, min(most, len(parts[key]), granted[key] + room) - granted[key])
            granted[key] += more
            room -= more
    return granted


def _last_line(rest: list[Text], width: int) -> Text:
    """A part's last line drawn: the line itself, or, when the part has more lines than
    it got, what is left of it on one line, cut with "…"."""
    if len(rest) == 1:
        return rest[0]
    return fit(Text(" ").join(rest), width)
