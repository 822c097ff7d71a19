"""The footer of keys, redrawn only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class StandFooter(Footer):
    """Textual's footer rebuilds itself whenever focus moves; at the stand, Tab between
    the two lists changes no key it shows, and the rebuild (a new layout of the whole
    screen) was a third of what a Tab cost."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple((key, active.binding.description, active.enabled)
                      for key, active in screen.active_bindings.items() if active.binding.show)
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)
