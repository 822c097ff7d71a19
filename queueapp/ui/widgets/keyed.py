"""A DataTable whose rows are keyed by what they show (a party, a table) and are
updated in place, so the highlight stays on the same thing while the state changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable


class Cell(Text):
    """A cell's text that keeps what it drew. The DataTable forgets every rendered cell
    whenever its styles update (each Tab between the lists), then draws each cell
    again through rich's wrapping; a cell that did not change hands back its segments.
    Never changed after it is shown: a changed value is a new Cell."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.plain, style=text.style, justify=text.justify,
                         overflow=text.overflow, no_wrap=text.no_wrap, end=text.end)
        self.spans = list(text.spans)
        self._drawn: dict[tuple[Any, ...], list[Segment]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions
                         ) -> Iterable[Segment]:
        key = (options.max_width, options.justify, options.overflow, options.no_wrap,
               console.tab_size)
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = list(super().__rich_console__(console, options))
        return drawn


# a column as drawn: key, header label, width in screen cells
Column = tuple[str, str, int]
Row = tuple[str, Sequence[Text]]


# Home and End on a table that never scrolls sideways: to its first and its last row
FIRST_AND_LAST_ROW: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("home", "scroll_top", show=False), Binding("end", "scroll_bottom", show=False)]


class KeyedTable(DataTable[Any]):
    """Rows keyed by id; :meth:`show_rows` adds and removes only the rows that appeared
    or left and rewrites only the cells that changed. The highlight follows its row
    key, or stays at the same index when its row left (the next one moved up).

    Its columns always fit (it never scrolls sideways), so Home and End go to the first
    and the last row, as Ctrl+Home and Ctrl+End do (DataTable's own Home and End scroll
    sideways, which did nothing here)."""

    BINDINGS = FIRST_AND_LAST_ROW

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._layout: tuple[Any, ...] = ()  # the columns as last built

    def current_key(self) -> str | None:
        """The key of the highlighted row (None when the table is empty)."""
        if self.row_count == 0:
            return None
        row = min(max(self.cursor_row, 0), self.row_count - 1)
        value = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return str(value) if value is not None else None

    def select_key(self, key: str) -> bool:
        if key not in self.rows:
            return False
        self.move_cursor(row=self.get_row_index(key))
        return True

    def row_keys(self) -> list[str]:
        """Row keys in the order shown."""
        return [str(row.key.value) for row in self.ordered_rows]

    def show_rows(self, columns: Sequence[Column], rows: Sequence[Row], *, padding: int = 1,
                  header: bool = True, order_by: str | None = None) -> None:
        """Show ``rows`` (in that order) under ``columns``. Columns are rebuilt only when
        their widths or labels change; rows are diffed by key. ``order_by`` names a
        column to reorder rows in place by (into the order of ``rows``; its cells may
        hold anything, e.g. queue numbers)."""
        before_key, before_row = self.current_key(), self.cursor_row
        wanted = [key for key, _ in rows]
        layout = (tuple(columns), padding, header)
        with self.app.batch_update():
            if layout != self._layout:
                self._layout = layout
                self.clear(columns=True)
                self.cell_padding = padding
                self.show_header = header
                for key, label, width in columns:
                    self.add_column(label, width=width, key=key)
                for key, cells in rows:
                    self.add_row(*map(Cell, cells), key=key)
            else:
                self._update_rows(columns, rows, wanted, order_by)
            if self.row_count:
                if before_key is not None and before_key in self.rows:
                    target = self.get_row_index(before_key)
                else:
                    target = min(max(before_row, 0), self.row_count - 1)
                self.move_cursor(row=target)

    def _update_rows(self, columns: Sequence[Column], rows: Sequence[Row],
                     wanted: list[str], order_by: str | None) -> None:
        keep = set(wanted)
        for row_key in list(self.rows):
            if row_key.value not in keep:
                self.remove_row(row_key)
        column_keys = [key for key, _, _ in columns]
        for key, cells in rows:
            if key not in self.rows:
                self.add_row(*map(Cell, cells), key=key)
                continue
            for column, value in zip(column_keys, cells, strict=True):
                if not same_drawing(self.get_cell(key, column), value):
                    self.update_cell(key, column, Cell(value))
        if self.row_keys() != wanted:
            if order_by is None:
                self.clear()
                for key, cells in rows:
                    self.add_row(*map(Cell, cells), key=key)
            else:  # the cells of that column, ranked by where their rows belong
                rank = {id(self.get_cell(key, order_by)): n for n, key in enumerate(wanted)}
                self.sort(order_by, key=lambda cell: rank[id(cell)])


def same_drawing(a: object, b: object) -> bool:
    """Equal as drawn: rich's ``Text ==`` ignores the base style (a row turning red)."""
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b


def widest(texts: Sequence[Text | str], floor: int = 0) -> int:
    """The widest of ``texts`` in screen cells (double-width characters count two)."""
    return max([floor, *(Text(t).cell_len if isinstance(t, str) else t.cell_len
                         for t in texts)])
