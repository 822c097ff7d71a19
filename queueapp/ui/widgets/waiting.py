"""The waiting list: one row per party, every row readable without scrolling sideways.

On a wide list each row has its words (tags, note, the quote's range, when they were
called); on a narrow one the tags and note shrink to icons (the words are in the
party panel) and the name gives way first. Time waited, the quote with ``+N`` when
past it, and the estimate left are always there, whole."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import arrow
from rich.text import Text
from textual import getters

from queueapp import phone
from queueapp.clock import clock_minutes
from queueapp.goodwill.suggestions import Attention, needs_attention, ordinal
from queueapp.i18n import Translator
from queueapp.messages.reach import not_reached
from queueapp.quotes.rule import as_told, minutes_past_quote
from queueapp.ui import messages as messages_ui
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import (
    ALLERGY,
    ALLERGY_STYLE,
    HELD,
    NEXT,
    REPLY_ICONS,
    REPLY_MARK,
    allergy_text,
    fit,
    minutes_text,
    proposal_text,
    reply_marker,
    tag_icons,
)
from queueapp.ui.widgets.keyed import Column, KeyedTable, widest
from queueapp.ui.widgets.state import DrawsState
from queueapp.waitlist.room import CALLED, Party
from queueapp.waitlist.seating import proposal_for_party

NAME_MIN = 16  # below this the list goes compact
NAME_MAX = 32
WORDS_MIN = 10  # a narrow list shows tags in words when this many cells are spare
TAGS_MIN = 8
TAGS_MAX = 48
ICONS_MAX = 6
OVERDUE = "bold red"


@dataclass(frozen=True)
class PartyCells:
    """One party's cells, in both the wide and the compact form."""

    key: str
    pos: Text  # the queue number (the position when the party has none)
    ticketed: bool
    name: Text
    name_compact: Text
    flag: Text
    size: Text
    tags: Text
    icons: Text
    waited: Text
    quote: Text
    quote_compact: Text
    left: Text
    left_compact: Text
    called: Text


def attention_marks(snap: Snapshot, attention_minutes: float) -> dict[str, Attention]:
    """Every waiting party that needs someone now, by id (the box shows the first few;
    the rows carry all of them); a called party whose "table ready" did not reach it
    comes first."""
    unreached = {pid for pid, sent in snap.messages.items() if not_reached(sent) is not None}
    items = needs_attention(snap.room.waiting(), snap.now, snap.gestures, attention_minutes,
                            unreached=unreached)
    return {a.party.id: a for a in items}


def attention_style(a: Attention) -> str:
    """Not reached by its call, or past the quote: red; left alone too long: yellow;
    about to pass it: plain bold."""
    if a.unreached or a.over_quote is not None and a.over_quote > 0:
        return "bold white on red"
    return "bold black on yellow" if a.flagged else "bold yellow"


def _number_label(parties: list[PartyCells], t: Translator) -> str:
    """The first column's header: queue numbers once any party has one, else positions."""
    return t("col_ticket") if any(c.ticketed for c in parties) else t("col_pos")


@cache
def _last_digits(number: str, country: str) -> str:
    """The phone's last four digits as written locally (parsing a number is slow: once)."""
    return phone.display(number, country)[-4:]


class WaitingList(DrawsState, KeyedTable):
    """The waiting parties in order; bound to the app's state."""

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__(id="waiting")
        self.narrow = False

    def redraw(self) -> None:
        snap = self.snapshot
        width = self.scrollable_content_region.width
        if snap is None or width <= 0:
            return
        marks = attention_marks(snap, self.app.config.attention_minutes)
        parties = [self._cells(i, p, snap, marks.get(p.id))
                   for i, p in enumerate(snap.room.waiting(), start=1)]
        wide = self._wide_layout(parties, width)
        if wide is not None:
            columns, rows = wide
            self.narrow = False
            self.show_rows(columns, rows, padding=1, order_by="col_pos")
        else:
            columns, rows = self._compact_layout(parties, width)
            self.narrow = True
            self.show_rows(columns, rows, padding=0, order_by="col_pos")

    # -- cells -----------------------------------------------------------------------------
    def _cells(self, pos: int, p: Party, snap: Snapshot, mark: Attention | None) -> PartyCells:
        app, t = self.app, self.app.t
        cfg, now = app.config, snap.now
        waited = clock_minutes(p.arrived, now)
        past = minutes_past_quote(p.arrived, now, p.quote, p.quote_low, p.quote_high)
        overdue = past is not None and past > 0
        style = OVERDUE if overdue else ""
        card = snap.guests.get(p.id)
        returning = card is not None and card.returning
        words = ", ".join(t.tag(tag) for tag in p.tags)
        if p.note:
            words = f"{words} · {p.note}" if words else p.note
        if card is not None and card.returning:
            visit = t("guest_visit", nth=ordinal(card.visit_number, t.language))
            words = f"★ {visit}" + (f" · {words}" if words else "")
        quote, quote_compact = Text("—"), Text("—")
        if p.quote is not None:
            point, low, high = as_told(p.quote, p.quote_low, p.quote_high)
            quote = Text(t("quote_short", point=point, low=low, high=high), style=style)
            quote_compact = Text(str(point), style=style)
            if overdue:
                over = " " + t("over_by", minutes=past)
                quote.append(over, style="bold")
                quote_compact.append(over, style="bold")
        minutes_left = snap.minutes_left(p.id)
        left = Text(t("about_minutes", minutes=round(minutes_left))
                    if minutes_left is not None else "—")
        called = Text("", style="bold green")
        left_compact = left
        proposal = proposal_for_party(snap.proposals, p.id)
        if proposal is not None:  # a ready table is proposed (or held) for them: say which
            called = Text(proposal_text(proposal, snap.now, t), style="bold green")
            left_compact = Text(f"{HELD if proposal.held else NEXT} {proposal.table}",
                                style="bold cyan" if proposal.held else "bold green")
        if p.status == CALLED and p.called_at:
            at = arrow.get(p.called_at).to(cfg.timezone).format("HH:mm")
            called = Text(t("called_at", time=at), style="bold green")
            left_compact = Text(f"☎ {at}", style="bold green")
            hold = app.holds.minutes_left(p, now)
            if hold is not None:  # the hold the guest was promised, counting down where
                # the wait left was (a called party waits for nothing else)
                left = messages_ui.countdown(hold, t)
                left_compact = Text("☎ ", style="bold green") + messages_ui.countdown(
                    hold, t, short=True)
        name = Text((p.name or p.id).replace("\n", " "))
        tail = Text("")
        if p.phone:
            tail = Text(" " + _last_digits(p.phone, cfg.country), style="dim")
        flag = Text("!", style=attention_style(mark)) if mark is not None else Text("")
        flag += messages_ui.marker(snap.messages.get(p.id, []))  # issue 12: ✉ or ✗
        # the queue number guests know themselves by; the position for a party without
        # one (added before queue numbers); the position is in the party panel too
        number = Text(p.ticket, style=style) if p.ticket else Text(str(pos), style=style)
        tags = Text(words.replace("\n", " "))
        icons = Text(tag_icons(p.tags, p.note, returning), style="cyan")
        reply = reply_marker(p, t)
        if reply:  # the guest's answer leads: it is the newest thing to know
            tags = reply + Text(" · ") + tags if tags else reply
            icons = Text(REPLY_ICONS.get(p.reply, REPLY_MARK), style="bold green") + icons
        if card is not None and card.allergies:  # before all else: it must not be missed
            marked = allergy_text(card, t)
            tags = marked + Text(" · ") + tags if tags else marked
            icons = Text(ALLERGY, style=ALLERGY_STYLE) + icons
        return PartyCells(
            key=p.id, pos=number, ticketed=bool(p.ticket), name=name + tail, name_compact=name,
            flag=flag, size=Text(str(p.size)), tags=tags,
            icons=fit(icons, ICONS_MAX),
            waited=Text(minutes_text(waited, t), style=style), quote=quote,
            quote_compact=quote_compact, left=left, left_compact=left_compact, called=called)

    # -- layouts ---------------------------------------------------------------------------
    def _wide_layout(self, parties: list[PartyCells], width: int
                     ) -> tuple[list[Column], list[tuple[str, list[Text]]]] | None:
        """Every column with its words, two cells between columns; None when the name
        would get fewer than NAME_MIN cells."""
        t = self.app.t
        col = {k: t(k) for k in ("col_pos", "col_name", "col_flag", "col_size", "col_tags",
                                 "col_waited", "col_quote", "col_left", "col_called")}
        col["col_pos"] = _number_label(parties, t)
        fixed = {
            "col_pos": widest([c.pos for c in parties], Text(col["col_pos"]).cell_len),
            "col_flag": widest([c.flag for c in parties], Text(col["col_flag"]).cell_len),
            "col_size": widest([c.size for c in parties], Text(col["col_size"]).cell_len),
            "col_waited": widest([c.waited for c in parties], Text(col["col_waited"]).cell_len),
            "col_quote": widest([c.quote for c in parties], Text(col["col_quote"]).cell_len),
            "col_left": widest([c.left for c in parties], Text(col["col_left"]).cell_len),
            "col_called": widest([c.called for c in parties], Text(col["col_called"]).cell_len),
        }
        rest = width - sum(fixed.values()) - 2 * 9
        if rest < NAME_MIN + TAGS_MIN:
            return None
        name_need = min(NAME_MAX, widest([c.name for c in parties],
                                         Text(col["col_name"]).cell_len))
        tags_need = min(TAGS_MAX, widest([c.tags for c in parties],
                                         Text(col["col_tags"]).cell_len))
        name_w = min(name_need, max(NAME_MIN, rest - tags_need))
        tags_w = max(TAGS_MIN, min(tags_need, rest - name_w))
        widths = {**fixed, "col_name": name_w, "col_tags": tags_w}
        order = ["col_pos", "col_name", "col_flag", "col_size", "col_tags", "col_waited",
                 "col_quote", "col_left", "col_called"]
        columns = [(k, col[k], widths[k]) for k in order]
        rows = [(c.key, [c.pos, fit(c.name, name_w), c.flag, c.size, fit(c.tags, tags_w),
                         c.waited, c.quote, c.left, c.called]) for c in parties]
        return columns, rows

    def _compact_layout(self, parties: list[PartyCells], width: int
                        ) -> tuple[list[Column], list[tuple[str, list[Text]]]]:
        """Icons for tags and note, the quote without its range, the call time in the
        estimate's place; one blank cell after each column (no cell padding)."""
        t = self.app.t
        labels = {"col_pos": _number_label(parties, t), "col_name": t("col_name"),
                  "col_flag": t("col_flag"), "col_size": t("col_size"), "col_tags": "",
                  "col_waited": t("col_waited"), "col_quote": t("col_quote"),
                  "col_left": t("col_left_short")}
        fixed = {
            "col_pos": widest([c.pos for c in parties], Text(labels["col_pos"]).cell_len),
            "col_flag": widest([c.flag for c in parties], Text(labels["col_flag"]).cell_len),
            "col_size": widest([c.size for c in parties], Text(labels["col_size"]).cell_len),
            "col_tags": widest([c.icons for c in parties]),
            "col_waited": widest([c.waited for c in parties],
                                 Text(labels["col_waited"]).cell_len),
            "col_quote": widest([c.quote_compact for c in parties],
                                Text(labels["col_quote"]).cell_len),
            "col_left": widest([c.left_compact for c in parties],
                               Text(labels["col_left"]).cell_len),
        }
        # each column gets one blank cell after it, the name whatever is left; when the
        # name needs less than that, the spare cells show the tags in words
        room = width - sum(w + 1 for k, w in fixed.items() if k != "col_tags") - 1
        name_need = widest([c.name_compact for c in parties], Text(labels["col_name"]).cell_len)
        words_need = widest([c.tags for c in parties])
        spare = room - name_need - 1
        words = words_need > fixed["col_tags"] and spare >= WORDS_MIN
        if words:
            fixed["col_tags"] = min(words_need, spare)
            labels["col_tags"] = t("col_tags")
            fixed["col_tags"] = max(fixed["col_tags"], Text(labels["col_tags"]).cell_len)
        name_w = max(1, room - fixed["col_tags"] - 1)
        widths = {k: w + 1 for k, w in fixed.items()} | {"col_name": name_w + 1}
        order = ["col_pos", "col_name", "col_flag", "col_size", "col_tags", "col_waited",
                 "col_quote", "col_left"]
        columns = [(k, labels[k], widths[k]) for k in order]
        rows = [(c.key, [c.pos, fit(c.name_compact, name_w), c.flag, c.size,
                         fit(c.tags, fixed["col_tags"]) if words else c.icons,
                         c.waited, c.quote_compact, c.left_compact]) for c in parties]
        return columns, rows
