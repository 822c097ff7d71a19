"""The red line under the header when ``queueapp verify`` finds the record altered: the
first problem, and how many there are. Hidden while the record is whole."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.widgets import Static

from queueapp.store.integrity import Verdict
from queueapp.ui.app import QueueApp


class RecordBanner(Static):
    DEFAULT_CSS = """
    RecordBanner {
        display: none;
        height: auto;
        padding: 0 1;
        background: $error;
        color: $text;
        text-style: bold;
    }
    RecordBanner.-altered {
        display: block;
    }
    """

    app = getters.app(QueueApp)

    def __init__(self) -> None:
        super().__init__(id="record-banner")

    def on_mount(self) -> None:
        self.watch(self.app, "integrity", self.show)

    def show(self, verdict: Verdict | None) -> None:
        altered = verdict is not None and not verdict.ok
        self.set_class(altered, "-altered")
        if verdict is None or verdict.ok:
            self.update("")
            return
        t = self.app.t
        first = verdict.problems[0]
        self.update(Text(t("banner_altered", problem=t(first.key, **first.values),
                           n=len(verdict.problems))))
