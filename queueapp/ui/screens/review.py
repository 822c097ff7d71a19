"""The shift-lead review (R, lead PIN): the log, costs against budget, walk-aways,
rescues, complaints and the three rates, quote accuracy, charts.

The figures come from ``queueapp.review.reports.build`` in a worker, the same function
``queueapp report`` prints, so screen and command line never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import arrow
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual_plotext import PlotextPlot

from queueapp.complaints import loop as complaints
from queueapp.goodwill.catalogue import CATEGORIES as GESTURE_CATEGORIES
from queueapp.review.reports import Filters, Report, build, money, pct
from queueapp.store import DB_ERRORS, as_store_error
from queueapp.ui.format import clip, gesture_cells

if TYPE_CHECKING:
    from queueapp.ui.app import QueueApp


LIST_LIMIT = 200  # rows per list on screen; the totals and `queueapp export` cover all


def _when(ts: float, tz: ZoneInfo) -> Text:
    """A row's local time (stdlib: thousands of rows are drawn at once)."""
    return Text(datetime.fromtimestamp(ts, tz).strftime("%m-%d %H:%M"))


def _min(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


class ReviewScreen(Screen[None]):
    BINDINGS = [Binding("escape", "close", "Back", id="review_close")]

    def __init__(self, lead: str) -> None:
        super().__init__()
        self.lead = lead
        self.report: Report | None = None
        self._asked = 0  # filter changes so far; only the latest one's figures are shown
        self.shown = 0  # figures put on screen so far
        self.drawn: set[str] = set()  # tabs drawn from the current report

    def compose(self) -> ComposeResult:
        app: QueueApp = self.app  # type: ignore[assignment]
        t, cfg = app.t, app.config
        today = arrow.get(app.now()).to(cfg.timezone).format("YYYY-MM-DD")
        hosts = sorted(set(cfg.hosts) | ({app.snapshot.host} - {""}))
        categories = list(GESTURE_CATEGORIES) + list(complaints.CATEGORIES)
        yield Static(Text(t("review_title", lead=self.lead), style="bold"), id="review-title")
        with Horizontal(id="filters"):
            yield Input(today, id="from", placeholder="YYYY-MM-DD", compact=True)
            yield Input(today, id="to", placeholder="YYYY-MM-DD", compact=True)
            yield Select([(h, h) for h in hosts], id="host", prompt=t("all_hosts"),
                         compact=True)
            yield Select([(t(f"cat_{c}"), c) for c in categories], id="category",
                         prompt=t("all_categories"), compact=True)
            yield Input(id="party", placeholder=t("ph_party_filter"), compact=True)
        yield Static("", id="filter-error", classes="error")
        with TabbedContent(id="tabs"):
            with TabPane(t("tab_summary"), id="tab-summary"):
                yield Static(id="summary")
            with TabPane(t("tab_gestures"), id="tab-gestures"):
                yield Static(id="gestures-more", classes="more")
                yield DataTable(id="gestures", cursor_type="row", zebra_stripes=True)
            with TabPane(t("tab_walkaways"), id="tab-walkaways"):
                yield Static(id="walkaways-more", classes="more")
                yield DataTable(id="walkaways", cursor_type="row")
                yield Static(id="rescues-more", classes="more")
                yield DataTable(id="rescues", cursor_type="row")
            with TabPane(t("tab_complaints"), id="tab-complaints"):
                yield Static(id="complaints-more", classes="more")
                yield DataTable(id="complaints", cursor_type="row")
            with TabPane(t("tab_quotes"), id="tab-quotes"):
                yield DataTable(id="accuracy", cursor_type="row")
                with Horizontal(id="charts"):
                    yield PlotextPlot(id="by-hour")
                    yield PlotextPlot(id="quoted-actual")
        yield Footer()

    def on_mount(self) -> None:
        t = self.app.t
        columns = {
            "gestures": ("col_when", "col_party", "col_gesture", "col_category", "col_cost",
                         "col_host", "col_note"),
            "walkaways": ("col_when", "col_party", "col_size", "col_waited", "col_quote"),
            "rescues": ("col_when", "col_party", "col_offer", "col_outcome", "col_host"),
            "complaints": ("col_when", "col_party", "col_category", "col_what", "col_step",
                           "col_by"),
            "accuracy": ("col_group", "col_parties", "col_mae", "col_within5", "col_signed"),
        }
        for table_id, cols in columns.items():
            table = self.query_one(f"#{table_id}", DataTable)
            for col in cols:
                table.add_column(t(col), key=col)
        self.refresh_report()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.refresh_report()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.refresh_report()

    def _filters(self) -> Filters | None:
        app: QueueApp = self.app  # type: ignore[assignment]
        tz = app.config.timezone
        error = self.query_one("#filter-error", Static)
        try:
            start = arrow.get(self.query_one("#from", Input).value.strip(), "YYYY-MM-DD",
                              tzinfo=tz)
            end = arrow.get(self.query_one("#to", Input).value.strip(), "YYYY-MM-DD",
                            tzinfo=tz).shift(days=1)
        except (arrow.parser.ParserError, ValueError):
            error.update(app.t("err_dates"))
            return None
        if end <= start:
            error.update(app.t("err_date_order"))
            return None
        error.update("")
        host = self.query_one("#host", Select).value
        category = self.query_one("#category", Select).value
        return Filters(start.float_timestamp, end.float_timestamp,
                       host if isinstance(host, str) else "",
                       category if isinstance(category, str) else "",
                       self.query_one("#party", Input).value.strip())

    def refresh_report(self) -> None:
        f = self._filters()
        if f is not None:
            self._asked += 1
            self._build(f, self._asked)

    @work(thread=True, group="review")
    def _build(self, f: Filters, asked: int) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        try:
            rep = build(app.store, f, app.config, limit=LIST_LIMIT)
        except DB_ERRORS as exc:
            app.call_from_thread(app.notify, str(as_store_error(exc)), severity="error")
            return
        app.call_from_thread(self._show, rep, asked)

    # -- drawing -----------------------------------------------------------------------
    def _show(self, rep: Report, asked: int) -> None:
        if asked != self._asked:
            return  # the filters changed again while this was being built
        self.report = rep
        self.drawn = set()
        self._summary(rep)
        self._draw(self.query_one("#tabs", TabbedContent).active)
        self.shown += 1

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._draw(event.pane.id)

    def _draw(self, pane: str) -> None:
        """Fill a tab's lists from the current report, when the lead looks at it: a month
        holds thousands of rows, and drawing every tab on every filter change is slow."""
        drawers = {"tab-gestures": self._gestures, "tab-walkaways": self._walkaways,
                   "tab-complaints": self._complaints, "tab-quotes": self._quotes}
        if self.report is None or pane in self.drawn or pane not in drawers:
            return
        self.drawn.add(pane)
        drawers[pane](self.report)

    def _more(self, widget_id: str, total: int) -> None:
        """Say so when a list shows only the newest LIST_LIMIT rows."""
        text = self.app.t("list_newest", shown=LIST_LIMIT, total=total) \
            if total > LIST_LIMIT else ""
        more = self.query_one(f"#{widget_id}", Static)
        more.update(text)
        more.display = bool(text)

    def _summary(self, rep: Report) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        t, cur = app.t, app.config.currency
        text = Text()

        def line(label: str, value: str, style: str = "") -> None:
            text.append(f"{label}: ", style="bold")
            text.append(value + "\n", style=style)

        line(t("sum_parties"), t("sum_parties_value", parties=f"{rep.parties:,}",
                                   guests=f"{rep.guests:,}", seated=f"{rep.seated:,}"))
        line(t("sum_gestures"), t("sum_gestures_value", n=f"{rep.gesture_count:,}",
                                    voids=f"{rep.voids:,}", cost=money(cur, rep.gesture_cost)))
        for host, cost in rep.cost_by_host.items():
            budget = rep.budget_by_host.get(host, 0)
            over = budget and cost > budget
            line(f"  {host}", t("sum_host_cost", cost=money(cur, cost),
                                budget=money(cur, budget)), "bold red" if over else "")
        line(t("sum_walkaways"), t("sum_walkaways_value", n=f"{len(rep.walkaways):,}",
                                     after=f"{rep.walkaways_after_quote:,}"))
        stayed = sum(r.outcome == "stayed" for r in rep.rescues)
        line(t("sum_rescues"), t("sum_rescues_value", n=f"{len(rep.rescues):,}",
                                   stayed=f"{stayed:,}"))
        text.append("\n" + t("three_rates") + "\n", style="bold underline")
        line(t("rate_complaints"), _min(rep.complaints_per_100))
        line(t("rate_open"), t("rate_open_value", unhandled=rep.complaints_unhandled,
                                 unrechecked=rep.complaints_unrechecked))
        line(t("rate_past_quote"), str(rep.past_quote_10))
        text.append("\n" + t("tab_quotes") + "\n", style="bold underline")
        line(t("col_mae"), _min(rep.accuracy.mae) + " min")
        line(t("col_within5"), pct(rep.accuracy.within5))
        self.query_one("#summary", Static).update(text)

    def _gestures(self, rep: Report) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        t, cfg = app.t, app.config
        tz = ZoneInfo(cfg.timezone)
        table = self.query_one("#gestures", DataTable)
        table.clear()
        self._more("gestures-more", rep.gesture_rows)
        for g in rep.gestures:
            when = _when(g.time, tz)
            label, note, style = gesture_cells(g, t, 22)
            when.stylize(style)
            table.add_row(when, Text(g.party), label, Text(t(f"cat_{g.category}")),
                          Text(f"{cfg.currency}{g.cost:g}", style=style), clip(g.host, 10),
                          note, key=str(g.id))

    def _walkaways(self, rep: Report) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        t, tz = app.t, ZoneInfo(app.config.timezone)
        table = self.query_one("#walkaways", DataTable)
        table.clear()
        self._more("walkaways-more", len(rep.walkaways))
        for p in reversed(rep.walkaways[-LIST_LIMIT:]):
            over = p.quote is not None and p.waited is not None and p.waited > p.quote
            table.add_row(_when(p.arrived, tz),
                          clip(p.name or p.id, 24), Text(str(p.size)),
                          Text(_min(p.waited), style="bold red" if over else ""),
                          Text(_min(p.quote)))
        rescues = self.query_one("#rescues", DataTable)
        rescues.clear()
        self._more("rescues-more", len(rep.rescues))
        for r in rep.rescues[:LIST_LIMIT]:
            outcome = t(f"outcome_{r.outcome}") if r.outcome else t("outcome_pending")
            rescues.add_row(_when(r.time, tz), Text(r.party),
                            Text(r.offer), Text(outcome, style="green" if r.outcome == "stayed"
                                          else "red" if r.outcome == "left" else "yellow"),
                            clip(r.host, 10))

    def _complaints(self, rep: Report) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        t, tz = app.t, ZoneInfo(app.config.timezone)
        table = self.query_one("#complaints", DataTable)
        table.clear()
        self._more("complaints-more", len(rep.complaint_rows))
        for c in rep.complaint_rows[-LIST_LIMIT:]:
            style = "green" if c.closed else "bold red" if c.step == "recorded" else "yellow"
            table.add_row(_when(c.recorded_at, tz),
                          clip(c.party or c.table_name, 16), Text(t(f"cat_{c.category}")),
                          clip(c.what, 40), Text(t(f"step_{c.step}"), style=style),
                          clip(c.recorded_by or "—", 10))

    def _quotes(self, rep: Report) -> None:
        app: QueueApp = self.app  # type: ignore[assignment]
        t = app.t
        table = self.query_one("#accuracy", DataTable)
        table.clear()
        rows = [(t("all_parties"), rep.accuracy)]
        rows += [(f"{h:02d}:00", a) for h, a in rep.accuracy_by_hour.items()]
        rows += [(t("host_row", host=h), a) for h, a in rep.accuracy_by_host.items()]
        for label, a in rows:
            table.add_row(label, str(a.n), _min(a.mae), pct(a.within5), _min(a.signed))
        by_hour = self.query_one("#by-hour", PlotextPlot)
        plt = by_hour.plt
        plt.clear_data()
        plt.title(t("chart_waiting_by_hour"))
        if rep.waiting_by_hour:
            plt.bar([f"{h:02d}" for h in rep.waiting_by_hour],
                    [round(v, 1) for v in rep.waiting_by_hour.values()])
        by_hour.refresh()
        scatter = self.query_one("#quoted-actual", PlotextPlot)
        plt = scatter.plt
        plt.clear_data()
        plt.title(t("chart_quoted_actual"))
        plt.xlabel(t("chart_quoted"))
        plt.ylabel(t("chart_actual"))
        if rep.quoted_vs_actual:
            quoted = [q for q, _ in rep.quoted_vs_actual[-2000:]]
            actual = [a for _, a in rep.quoted_vs_actual[-2000:]]
            plt.scatter(quoted, actual, marker="dot")
            top = max(max(quoted), max(actual), 1)
            plt.plot([0, top], [0, top], marker="braille")
        scatter.refresh()

    def action_close(self) -> None:
        self.dismiss(None)
