"""The header line: restaurant, time, how many wait, who is on duty, open items, free
seats. What matters most at the stand stays when the terminal is narrow."""

from __future__ import annotations

import arrow
from rich.text import Text
from textual import getters
from textual.widgets import Static

from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import parties_and_guests
from queueapp.ui.widgets.state import DrawsState
from queueapp.waitlist.room import FREE

GAP = "  "


class StandHeader(DrawsState, Static):
    """One line; parts are dropped, least important first, until it fits."""

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__(id="header")

    def redraw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        # (importance, part) in the order shown; 0 is kept longest
        parts = self._parts(snap)
        width = self.content_region.width or self.app.size.width
        keep = sorted(range(len(parts)), key=lambda i: parts[i][0])
        while len(keep) > 1 and _joined([parts[i][1] for i in sorted(keep)]).cell_len > width:
            keep.pop()
        self.update(_joined([parts[i][1] for i in sorted(keep)]), layout=False)

    def _parts(self, snap: Snapshot) -> list[tuple[int, Text]]:
        app, t = self.app, self.app.t
        cfg, room = app.config, snap.room
        waiting = room.waiting()
        local = arrow.get(snap.now).to(cfg.timezone)
        parts = [(1, Text(cfg.name, style="bold")), (0, Text(local.format("HH:mm")))]
        if snap.host:
            host = Text(t("host_on_duty", host=snap.host), style="bold cyan")
            if snap.budget_left is not None:
                left = t("budget_left", currency=cfg.currency, amount=f"{snap.budget_left:g}")
                host.append(f" ({left})", style="red" if snap.budget_left <= 0 else "")
            parts.append((3, host))
        else:
            parts.append((3, Text(t("host_nobody"), style="bold red")))
        if snap.open_items:
            parts.append((4, Text(t("header_open_items", n=snap.open_items),
                                  style="bold magenta")))
        parts.append((0, Text(parties_and_guests(len(waiting), sum(p.size for p in waiting),
                                                 t), style="bold yellow")))
        if snap.joining_paused and cfg.guests.self_check_in:  # guests cannot join: say so
            # after the count: on a narrow screen it goes just before the count does
            parts.append((0, Text(t("header_joining_paused"), style="bold black on yellow")))
        seats = []
        for s in cfg.sections:
            free = sum(tb.seats for tb in room.tables.values()
                       if tb.section == s.name and tb.state == FREE)
            seats.append(f"{s.label(cfg.language)} {free}")
        parts.append((5, Text(t("header_free_seats") + " " + " · ".join(seats))))
        return parts


def _joined(parts: list[Text]) -> Text:
    return Text(GAP).join(parts)
