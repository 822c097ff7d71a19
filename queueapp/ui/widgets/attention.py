"""Needs attention now: the most urgent parties first, and how many more there are
when the box is full (each of them is also marked on its row)."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.widgets import Static

from queueapp.ui.app import QueueApp
from queueapp.ui.format import fit
from queueapp.ui.widgets.state import DrawsState
from queueapp.ui.widgets.waiting import attention_marks, attention_style

REASONS_FROM = 36  # cells: a narrower box lists names only (the rows have the rest)


class AttentionBox(DrawsState, Static):
    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__(id="attention")

    def redraw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        t = self.app.t
        items = list(attention_marks(snap, self.app.config.attention_minutes).values())
        lines = max(1, self.content_region.height - 1)  # under the title
        text = Text(t("attention_title"), style="bold")
        if not items:
            text.append("\n" + t("attention_none"), style="dim")
        shown = items if len(items) <= lines else items[:max(0, lines - 1)]
        for a in shown:
            style = attention_style(a)
            text.append("\n")
            text.append("!", style=style)
            text.append(" ")
            text.append_text(fit(Text(a.party.name or a.party.id, style="bold"), 18))
            text.append(f" ({a.party.size})", style="dim")
            if self.content_region.width >= REASONS_FROM:  # a narrow box: names only
                text.append("  " + a.reason(t))
        if len(shown) < len(items):
            text.append("\n" + t("attention_more", n=len(items) - len(shown)),
                        style="bold yellow")
        text.no_wrap, text.overflow = True, "ellipsis"
        self.update(text, layout=False)  # a fixed height: no layout needed
