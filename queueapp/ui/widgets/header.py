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
        # (importance, part, its short form or None) in the order shown; 0 is kept
        # longest, and a part with a short form is shortened before it is dropped
        parts = self._parts(snap)
        shown = [part for _, part, _ in parts]
        width = self.content_region.width or self.app.size.width
        keep = sorted(range(len(parts)), key=lambda i: parts[i][0])
        while len(keep) > 1 and _joined([shown[i] for i in sorted(keep)]).cell_len > width:
            last = keep[-1]
            short = parts[last][2]
            if short is not None and shown[last] is not short:
                shown[last] = short
            else:
                keep.pop()
        self.update(_joined([shown[i] for i in sorted(keep)]), layout=False)

    def _parts(self, snap: Snapshot) -> list[tuple[int, Text, Text | None]]:
        app, t = self.app, self.app.t
        cfg, room = app.config, snap.room
        waiting = room.waiting()
        local = arrow.get(snap.now).to(cfg.timezone)
        parts: list[tuple[int, Text, Text | None]] = [
            (1, Text(cfg.name, style="bold"), None), (0, Text(local.format("HH:mm")), None)]
        if snap.host:
            host = Text(t("host_on_duty", host=snap.host), style="bold cyan")
            short = None  # at 80 columns: who is on duty, and what is left to give
            if snap.budget_left is not None:
                amount = f"{snap.budget_left:g}"
                spent = "red" if snap.budget_left <= 0 else ""
                left = t("budget_left", currency=cfg.currency, amount=amount)
                host.append(f" ({left})", style=spent)
                short = Text(snap.host, style="bold cyan")
                short.append(f" {cfg.currency}{amount}", style=spent)
            parts.append((3, host, short))
        else:
            parts.append((3, Text(t("host_nobody"), style="bold red"), None))
        if snap.open_items:
            parts.append((4, Text(t("header_open_items", n=snap.open_items),
                                  style="bold magenta"), None))
        parts.append((0, Text(parties_and_guests(len(waiting), sum(p.size for p in waiting),
                                                 t), style="bold yellow"), None))
        if snap.joining_paused and cfg.guests.self_check_in:  # guests cannot join: say so
            # after the count: on a narrow screen it goes just before the count does
            parts.append((0, Text(t("header_joining_paused"), style="bold black on yellow"),
                          None))
        seats = []
        for s in cfg.sections:
            free = sum(tb.seats for tb in room.tables.values()
                       if tb.section == s.name and tb.state == FREE)
            seats.append(f"{s.label(cfg.language)} {free}")
        parts.append((5, Text(t("header_free_seats") + " " + " · ".join(seats)), None))
        return parts


def _joined(parts: list[Text]) -> Text:
    return Text(GAP).join(parts)
