"""The header line: restaurant, time, how many wait, who is on duty, open items, free
seats. What matters most at the stand stays when the terminal is narrow."""

from __future__ import annotations

import arrow
from rich.text import Text
from textual import getters
from textual.widgets import Static

from queueapp.review.reports import money
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import lead_in, parties_and_guests
from queueapp.ui.widgets.state import DrawsState

GAP = "  "
SHORTEN, DROP = "shorten", "drop"
# what gives way, in this order, until the line fits: a part is shortened before
# anything that matters more is dropped; the waiting count is never dropped (at the very
# narrowest it is cut)
GIVE_WAY = (("seats", DROP), ("open", SHORTEN), ("host", SHORTEN), ("waiting", SHORTEN),
            ("name", DROP), ("open", DROP), ("host", DROP), ("paused", DROP), ("time", DROP))

# a part of the line: its key in GIVE_WAY, its words, and their short form (or None)
Part = tuple[str, Text, Text | None]


class StandHeader(DrawsState, Static):
    """One line; parts are shortened, then dropped, in the order of GIVE_WAY until it
    fits."""

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__(id="header")

    def redraw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        parts = self._parts(snap)
        shown: dict[str, Text] = {key: text for key, text, _ in parts}
        short = {key: words for key, _, words in parts if words is not None}
        width = self.content_region.width or self.app.size.width

        def line() -> Text:
            return Text(GAP).join([shown[key] for key, _, _ in parts if key in shown])

        for key, how in GIVE_WAY:
            if line().cell_len <= width:
                break
            if key not in shown:
                continue
            if how == DROP:
                del shown[key]
            elif key in short:
                shown[key] = short[key]
        self.update(line(), layout=False)

    def _parts(self, snap: Snapshot) -> list[Part]:
        app, t = self.app, self.app.t
        cfg, room = app.config, snap.room
        waiting = room.waiting()
        local = arrow.get(snap.now).to(cfg.timezone)
        parts: list[Part] = [("name", Text(cfg.name, style="bold"), None),
                             ("time", Text(local.format("HH:mm")), None)]
        if snap.host:
            host = Text(t("host_on_duty", host=snap.host), style="bold cyan")
            short = None  # at 80 columns: who is on duty, and what is left to give
            if snap.budget_left is not None:
                amount = money(cfg.currency, snap.budget_left)  # −¥7 once overspent
                spent = "red" if snap.budget_left <= 0 else ""
                left = t("budget_left", amount=amount)
                host.append(f" ({left})", style=spent)
                short = Text(snap.host, style="bold cyan")
                short.append(f" {amount}", style=spent)
            parts.append(("host", host, short))
        else:
            parts.append(("host", Text(t("host_nobody"), style="bold red"), None))
        if snap.open_items:
            parts.append(("open", Text(t("header_open_items", n=snap.open_items),
                                       style="bold magenta"),
                          Text(t("header_open_items_short", n=snap.open_items),
                               style="bold magenta")))
        size = sum(p.size for p in waiting)
        parts.append(("waiting",
                      Text(parties_and_guests(len(waiting), size, t), style="bold yellow"),
                      Text(parties_and_guests(len(waiting), size, t, short=True),
                           style="bold yellow")))
        if snap.joining_paused and cfg.guests.self_check_in:  # guests cannot join: say so
            # after the count: on a narrow screen it goes just before the count does
            parts.append(("paused", Text(t("header_joining_paused"),
                                         style="bold black on yellow"), None))
        seats = []
        for s in cfg.sections:
            free = room.free_seats(s.name, snap.now)  # a table held for a party is not
            seats.append(f"{s.label(cfg.language)} {free}")
        parts.append(("seats", Text(lead_in(t("header_free_seats")) + " · ".join(seats)), None))
        return parts


