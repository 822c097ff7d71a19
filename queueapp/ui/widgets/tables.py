"""The tables panel, by section: free, occupied (by whom, for how long), clearing.

Three forms, chosen by the screen for its width: ``full`` (section with floor, the
party's name), ``medium`` (shorter names), ``compact`` (a state icon and the time
only). Times are measured, never cut."""

from __future__ import annotations

import math

from rich.text import Text
from textual import getters
from textual.reactive import var

from queueapp.clock import clock_minutes
from queueapp.i18n import Translator
from queueapp.ui.app import QueueApp, Snapshot
from queueapp.ui.format import HELD, NEXT, fit, minutes_text
from queueapp.ui.widgets.keyed import Column, KeyedTable, widest
from queueapp.ui.widgets.state import DrawsState
from queueapp.waitlist.room import CLEARING, FREE, OCCUPIED, TableState
from queueapp.waitlist.seating import proposal_for_table

STATE_STYLE = {FREE: "green", OCCUPIED: "yellow", CLEARING: "magenta"}
STATE_ICON = {FREE: "○", OCCUPIED: "●", CLEARING: "◌"}
PARTY_MIN = 4
TITLE_MIN = 8  # compact: a section's label gets at least this many cells
LONGEST_TIME = 9 * 60 + 59  # minutes: the widest time the panel reserves room for


class TablesPanel(DrawsState, KeyedTable):
    """The restaurant's tables; bound to the app's state."""

    app = getters.app(QueueApp)
    form: var[str] = var("full")

    def __init__(self) -> None:
        super().__init__(id="tables")

    def watch_form(self) -> None:
        self.redraw()

    def compact_width(self) -> int:
        """Cells the compact form needs (with the scrollbar and the pane's border)."""
        t = self.app.t
        name_w = widest([Text(tb.name) for tb in self.app.config.tables], TITLE_MIN)
        time_w = widest([Text(minutes_text(LONGEST_TIME, t)), Text(minutes_text(59, t))])
        return 2 + (name_w + 1) + (2 + 1) + (1 + 1) + time_w

    def redraw(self) -> None:
        snap = self.snapshot
        width = self.scrollable_content_region.width
        if snap is None or width <= 0:
            return
        if self.form == "compact":
            columns, rows = self._compact(snap, width)
            self.show_rows(columns, rows, padding=0, header=False)
        else:
            columns, rows = self._full(snap, width, with_floor=self.form == "full")
            self.show_rows(columns, rows, padding=1)
        if self.row_count > 1 and self.current_key() is not None and \
                str(self.current_key()).startswith("section:") and self.cursor_row == 0:
            self.move_cursor(row=1)  # start on a table, not on a section's title

    def _full(self, snap: Snapshot, width: int, with_floor: bool
              ) -> tuple[list[Column], list[tuple[str, list[Text]]]]:
        cfg, t, now = self.app.config, self.app.t, snap.now
        # key, the cells but the party's, the party's name and size (the name gives way)
        raw: list[tuple[str, list[Text], tuple[Text, Text]]] = []
        short: dict[str, Text] = {}  # a section's free seats where the words do not fit
        for s in cfg.sections:
            members = [tb for tb in snap.room.tables.values() if tb.section == s.name]
            if not members:
                continue
            free = snap.room.free_seats(s.name, now)  # a held table is not free
            label = s.label(cfg.language)
            if with_floor and s.floor is not None:
                label = f"{label} {t('floor', n=s.floor)}"
            raw.append((f"section:{s.name}",
                        [Text(label, style="bold underline"), Text(""), Text(""), Text("")],
                        (Text(t("free_seats", n=free), style="dim"), Text(""))))
            short[f"section:{s.name}"] = Text(t("free_seats_short", n=free), style="dim")
            for tb in members:
                party: tuple[Text, Text] = (Text(""), Text(""))
                waiting_for = _waiting_for(snap, tb)
                if waiting_for is not None:  # kept for a party, or ready for the next one
                    held, name, minutes = waiting_for
                    party = (Text(f"{HELD} {name}", style="bold cyan"), Text("")) if held \
                        else (Text(f"{NEXT} {name}", style="bold green"), Text(""))
                elif tb.state == OCCUPIED:
                    p = snap.room.parties.get(tb.party)
                    size = Text(f" ({tb.party_size})")
                    if tb.joined:
                        size.append(f" {tb.joined}", style="dim")
                    party = (Text(((p.name if p else "") or tb.party).replace("\n", " ")), size)
                time = Text(_time(tb, now, t))
                if waiting_for is not None and waiting_for[0]:  # a free table: the hold's
                    # minutes left where an occupied table's time is, the name whole beside
                    time = Text(minutes_text(waiting_for[2], t), style="bold cyan")
                raw.append((f"table:{tb.name}",
                            [Text(tb.name), Text(str(tb.seats)),
                             Text(t(f"state_{tb.state}"), style=STATE_STYLE[tb.state]), time],
                            party))
        labels = [t(k) for k in ("col_table", "col_seats", "col_state", "col_party",
                                 "col_time")]
        widths = [widest([cells[i] for _, cells, _ in raw], Text(labels[i]).cell_len)
                  for i in range(4)]
        party_w = max(PARTY_MIN, width - sum(widths) - 2 * 5)
        columns: list[Column] = [
            ("col_table", labels[0], widths[0]), ("col_seats", labels[1], widths[1]),
            ("col_state", labels[2], widths[2]), ("col_party", labels[3], party_w),
            ("col_time", labels[4], widths[3])]
        rows = [(key, [cells[0], cells[1], cells[2],
                       _party_cell(short[key] if key in short and name.cell_len > party_w
                                   else name, size, party_w), cells[3]])
                for key, cells, (name, size) in raw]
        return columns, rows

    def _compact(self, snap: Snapshot, width: int
                 ) -> tuple[list[Column], list[tuple[str, list[Text]]]]:
        """One line a row, laid out here (no header to line up with): a table's name,
        seats, state icon and time in columns; a section's name and its free seats; a
        table that waits for a party names it in the room the seats and icon took (one
        held while it is being cleared keeps its ◌ before the ⏸)."""
        cfg, t, now = self.app.config, self.app.t, snap.now
        time_w = widest([Text(minutes_text(LONGEST_TIME, t)), Text(minutes_text(59, t))])
        name_w = max(1, width - (2 + 1) - (1 + 1) - time_w - 1)
        rows: list[tuple[str, list[Text]]] = []
        for s in cfg.sections:
            members = [tb for tb in snap.room.tables.values() if tb.section == s.name]
            if not members:
                continue
            free = snap.room.free_seats(s.name, now)  # a held table is not free
            seats = Text(t("free_seats_short", n=free), style="dim green")
            label = Text(s.label(cfg.language), style="bold underline")
            # the free seats under the tables' seats, or after a longer name
            label_w = max(name_w + 1, min(label.cell_len + 1, width - seats.cell_len))
            rows.append((f"section:{s.name}", [_columns(width, (label, label_w),
                                                         (seats, width))]))
            for tb in members:
                waiting_for = _waiting_for(snap, tb)
                if waiting_for is not None and (tb.state == FREE or waiting_for[0]):
                    held, name, minutes = waiting_for
                    icon = Text(HELD if held else NEXT, style="bold cyan" if held
                                else "bold green")
                    lead = Text(tb.name + " ")
                    if tb.state != FREE:  # held while it is cleared: not ready yet
                        lead.append(STATE_ICON[tb.state], style=STATE_STYLE[tb.state])
                    lead += icon + Text(" ")
                    if held:  # the minutes left where the other tables' times are
                        line = _columns(width, (lead + Text(name), width - time_w),
                                        (Text(minutes_text(minutes, t), style="bold cyan"),
                                         time_w))
                    else:
                        line = fit(lead + Text(name), width)
                    rows.append((f"table:{tb.name}", [line]))
                    continue
                rows.append((f"table:{tb.name}", [_columns(
                    width, (Text(tb.name), name_w + 1), (Text(str(tb.seats)), 3),
                    (Text(STATE_ICON[tb.state], style=STATE_STYLE[tb.state]), 2),
                    (Text(_time(tb, now, t)), time_w))]))
        return [("col_table", t("col_table"), width)], rows


def _columns(width: int, *cells: tuple[Text, int]) -> Text:
    """Cells side by side, each cut (with …) to leave one blank cell before the next one
    and padded to its width; the whole cut to ``width``."""
    line = Text()
    for n, (cell, cell_w) in enumerate(cells):
        last = n == len(cells) - 1
        part = fit(cell, cell_w if last else cell_w - 1)
        if not last:
            part.pad_right(cell_w - part.cell_len)
        line.append_text(part)
    return fit(line, width)


def _party_cell(name: Text, size: Text, width: int) -> Text:
    """The party's name cut to leave room for its size: ``Zhang Wei Fam… (6)``."""
    room = width - size.cell_len
    if room < 2:
        return fit(name + size, width)
    return fit(name, room) + size


def _time(tb: TableState, now: float, t: Translator) -> str:
    """How long an occupied or clearing table has been so (a free table shows none)."""
    return minutes_text(clock_minutes(tb.since, now), t) if tb.state != FREE else ""


def _waiting_for(snap: Snapshot, tb: TableState) -> tuple[bool, str, int] | None:
    """Who this table waits for: (True, name, minutes left) when it is held for a party;
    (False, name, 0) when it is ready and a party is proposed for it; else None."""
    room, now = snap.room, snap.now
    holder = room.held_for(tb.name, now)
    proposal = proposal_for_table(snap.proposals, tb.name) if tb.state == FREE else None
    pid = holder or (proposal.party_id if proposal is not None else "")
    if not pid:
        return None
    p = room.parties.get(pid)
    name = ((p.name if p else "") or pid).replace("\n", " ")
    return (True, name, max(1, math.ceil(tb.hold_left(now)))) if holder else (False, name, 0)
