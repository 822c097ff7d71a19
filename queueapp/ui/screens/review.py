"""The shift-lead review (R, lead PIN): the log, costs against budget, walk-aways,
rescues, complaints and the three rates, quote accuracy, charts.

The figures come from ``queueapp.review.reports.build`` in a worker, the same function
``queueapp report`` prints, so screen and command line never disagree. A lead reads
people and words, not ids: parties by name and ticket number, gestures and offers by
their catalogue label, times in whole minutes. Keys 1–5 open the tabs, Enter on a row
opens the whole record.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import arrow
from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)
from textual_plotext import PlotextPlot

from queueapp.clock import FIRST_DAY, LAST_DAY, business_date, business_days, day_problem
from queueapp.complaints import loop as complaints
from queueapp.complaints.loop import Complaint
from queueapp.goodwill import roster
from queueapp.goodwill.catalogue import CATEGORIES as GESTURE_CATEGORIES
from queueapp.goodwill.gestures import Gesture, Rescue
from queueapp.review.labels import (
    decimal_minutes,
    gesture_label,
    offer_label,
    party_label,
    whole_minutes,
)
from queueapp.review.reports import Filters, PartyRow, Report, build, money, pct
from queueapp.store import DB_ERRORS, as_store_error, integrity
from queueapp.store.integrity import Verdict
from queueapp.ui.app import QueueApp
from queueapp.ui.bindings import in_language
from queueapp.ui.field import Field
from queueapp.ui.format import clip, fit, gesture_cells

LIST_LIMIT = 200  # rows per list on screen; the totals and `queueapp export` cover all
# columns the filters need on one row (two dates, two choices, the party, their gaps and
# the row's padding: see queueapp.tcss); a narrower screen puts them on two rows
FILTERS_ONE_ROW = 2 * (14 + 1) + 2 * (24 + 1) + 24 + 2

# what the filter says of a date that is not one to report on (clock.day_problem)
DATE_PROBLEMS = {"form": "err_dates", "missing": "err_date_no_such_day",
                 "range": "err_date_outside"}

# the tabs in order: key n opens the n-th
TABS = ("summary", "gestures", "walkaways", "complaints", "quotes")
# below this many columns the lists take narrower columns (and the gestures drop their
# category: the gesture's label says it, and Enter shows it), so each fits on screen at 80
NARROW_LISTS = 110
# each list's columns (at a narrow screen, the gestures' without their category)
COLUMNS = {
    "gestures": ("col_when", "col_party", "col_gesture", "col_category", "col_cost",
                 "col_host", "col_note"),
    "walkaways": ("col_when", "col_party", "col_size", "col_waited", "col_quote"),
    "rescues": ("col_when", "col_party", "col_offer", "col_outcome", "col_host"),
    "complaints": ("col_when", "col_party", "col_category", "col_what", "col_step", "col_by"),
    "accuracy": ("col_group", "col_parties", "col_mae", "col_within5", "col_signed"),
}

Record = Gesture | PartyRow | Rescue | Complaint


def _when(ts: float, tz: ZoneInfo) -> Text:
    """A row's local time (stdlib: thousands of rows are drawn at once)."""
    return Text(datetime.fromtimestamp(ts, tz).strftime("%m-%d %H:%M"))


def _number(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


class RecordTable(DataTable[Text | str]):
    """A review list: Enter (shown in the footer) opens the highlighted row whole."""

    BINDINGS = [Binding("enter", "select_cursor", "key_details", id="review_details")]

    app = getters.app(QueueApp)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]


class RecordScreen(ModalScreen[None]):
    """One record of the review, every field, long text wrapped."""

    DEFAULT_CSS = """
    RecordScreen .record { width: 90; }
    RecordScreen VerticalScroll { height: auto; max-height: 30; }
    """
    BINDINGS = [Binding("escape,enter,q", "close", "key_close", id="record_close")]

    app = getters.app(QueueApp)

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        text = Text()
        sep = self.app.t("label_sep")
        for label, value in self.fields:
            text.append(f"{label}{sep}", style="bold")
            text.append((value or "—") + "\n")
        with Vertical(classes="dialog record"):
            yield Static(Text(self.title_text), classes="dialog-title")
            with VerticalScroll():
                yield Static(text, id="record")
            yield Static(self.app.t("record_hint"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class ReviewScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "key_back", id="review_close"),
        *(Binding(str(n), f"show_tab('tab-{tab}')", f"tab_{tab}", id=f"review_tab_{tab}",
                  group=Binding.Group("key_tabs"))
          for n, tab in enumerate(TABS, 1)),
        Binding("f", "filters", "key_filters", id="review_filters"),
    ]

    app = getters.app(QueueApp)

    def __init__(self, lead: str) -> None:
        super().__init__()
        self.verdict: Verdict | None = None  # the record checked once, when the review opens
        self.lead = lead
        self.report: Report | None = None
        self._asked = 0  # filter changes so far; only the latest one's figures are shown
        self._hosts_offered: list[str] = []  # the host filter's names
        self.shown = 0  # figures put on screen so far
        self.drawn: set[str] = set()  # tabs drawn from the current report
        self.records: dict[str, list[Record]] = {}  # per list, the record of each row

    def compose(self) -> ComposeResult:
        app = self.app
        t, cfg = app.t, app.config
        # the business day the lead is in: at 00:30 the evening that began yesterday
        today = business_date(app.now(), cfg.timezone, cfg.day_starts).isoformat()
        hosts = sorted(set(cfg.hosts) | ({app.snapshot.host} - {""}))
        self._hosts_offered = hosts
        categories = list(GESTURE_CATEGORIES) + list(complaints.CATEGORIES)
        yield Static(Text(t("review_title", lead=self.lead), style="bold"), id="review-title")
        with Horizontal(id="filters"):
            yield Field(today, id="from", placeholder="YYYY-MM-DD", compact=True)
            yield Field(today, id="to", placeholder="YYYY-MM-DD", compact=True)
            yield Select([(h, h) for h in hosts], id="host", prompt=t("all_hosts"),
                         compact=True)
            yield Select([(t(f"cat_{c}"), c) for c in categories], id="category",
                         prompt=t("all_categories"), compact=True)
            yield Field(id="party", placeholder=t("ph_party_filter"), compact=True)
        with Horizontal(id="review-status"):
            yield Static("", id="filter-error", classes="error")
            # whose figures are on screen while they are not the typed filters' (yet)
            yield Static("", id="stale")
        with TabbedContent(id="tabs"):
            # each tab's title carries the key that opens it
            titles = {tab: f"{n} {t(f'tab_{tab}')}" for n, tab in enumerate(TABS, 1)}
            with TabPane(titles["summary"], id="tab-summary"):
                yield Static(id="summary")
            with TabPane(titles["gestures"], id="tab-gestures"):
                yield Static(id="gestures-more", classes="more")
                yield in_language(RecordTable, t.language)(id="gestures", zebra_stripes=True)
            with TabPane(titles["walkaways"], id="tab-walkaways"):
                # two lists on one tab: each says what it is
                yield Static(t("walkaways_heading"), classes="list-heading")
                yield Static(id="walkaways-more", classes="more")
                yield in_language(RecordTable, t.language)(id="walkaways")
                yield Static(t("rescues_heading"), classes="list-heading")
                yield Static(id="rescues-more", classes="more")
                yield in_language(RecordTable, t.language)(id="rescues")
            with TabPane(titles["complaints"], id="tab-complaints"):
                yield Static(id="complaints-more", classes="more")
                yield in_language(RecordTable, t.language)(id="complaints")
            with TabPane(titles["quotes"], id="tab-quotes"):
                yield DataTable(id="accuracy", cursor_type="row")
                with Horizontal(id="charts"):
                    yield PlotextPlot(id="by-hour")
                    yield PlotextPlot(id="quoted-actual")
        yield Footer()

    def on_mount(self) -> None:
        for table_id in COLUMNS:
            self._columns(table_id)
        # start on the tabs, not in a date field: the tab keys work at once
        self.query_one("#tabs", TabbedContent).query_one(Tabs).focus()
        self.refresh_report()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.refresh_report()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.refresh_report()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in a filter field: back to the list it narrows."""
        self._focus_tab(self.query_one("#tabs", TabbedContent).active)

    def _filters(self) -> Filters | None:
        app = self.app
        tz = app.config.timezone
        error = self.query_one("#filter-error", Static)
        texts = [self.query_one(f"#{field}", Input).value.strip() for field in ("from", "to")]
        # what the command line says of the same date: the form, no such day (2026-02-30),
        # or outside the dates reports are made for
        for text in texts:
            problem = day_problem(text)
            if problem:
                error.update(app.t(DATE_PROBLEMS[problem], date=text,
                                   first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
                return None
        first, last = (date.fromisoformat(text) for text in texts)
        try:
            # each a business day, from [restaurant] day_starts to the next
            start, end = business_days(first, last, tz, app.config.day_starts)
        except (ValueError, OverflowError, OSError):
            error.update(app.t("err_dates"))
            return None
        if last < first:
            error.update(app.t("err_date_order"))
            return None
        error.update("")
        host = self.query_one("#host", Select).value
        category = self.query_one("#category", Select).value
        return Filters(start, end,
                       host if isinstance(host, str) else "",
                       category if isinstance(category, str) else "",
                       self.query_one("#party", Input).value.strip())

    def refresh_report(self) -> None:
        f = self._filters()
        if f is None:  # the figures stay, marked as not the typed dates'
            self._mark_stale("review_stale")
            return
        self._asked += 1
        self._mark_stale("review_loading")
        self._build(f, self._asked)

    def _shown_range(self) -> str:
        """The business days the figures on screen are for: ``2026-11-29–2026-11-30``."""
        rep, cfg = self.report, self.app.config
        if rep is None:
            return ""
        first = business_date(rep.filters.start, cfg.timezone, cfg.day_starts)
        last = business_date(rep.filters.end - 1, cfg.timezone, cfg.day_starts)
        return first.isoformat() if first == last else f"{first.isoformat()}–{last.isoformat()}"

    def _mark_stale(self, key: str) -> None:
        """The figures on screen are not those of the filters as typed (their dates are
        wrong, or the new ones are still being read): dimmed, and said whose they are."""
        if self.report is None:
            return  # nothing on screen yet
        stale = self.query_one("#stale", Static)
        stale.update(self.app.t(key, shown=self._shown_range()))
        stale.display = True
        self.add_class("-stale")

    def _mark_current(self) -> None:
        self.query_one("#stale", Static).display = False
        self.remove_class("-stale")

    @work(thread=True, group="review")
    def _build(self, f: Filters, asked: int) -> None:
        app = self.app
        try:
            rep = build(app.store, f, app.config, limit=LIST_LIMIT)
            if self.verdict is None:
                self.verdict = integrity.verify(app.store)
            hosts = roster.hosts(app.store, app.config)  # with those a lead added
        except DB_ERRORS as exc:
            app.call_from_thread(app.notify, app.error_text(as_store_error(exc)),
                                 severity="error")
            return
        app.call_from_thread(self._show, rep, asked, hosts)

    # -- keys --------------------------------------------------------------------------
    def action_show_tab(self, pane: str) -> None:
        self.query_one("#tabs", TabbedContent).active = pane
        self._focus_tab(pane)

    def _focus_tab(self, pane: str) -> None:
        """The tab's first list (arrows and Enter work there), else the tab bar."""
        lists = self.query_one(f"#{pane}", TabPane).query(DataTable)
        target: Widget = lists.first() if lists else \
            self.query_one("#tabs", TabbedContent).query_one(Tabs)
        target.focus()

    def action_filters(self) -> None:
        self.query_one("#from", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    # -- drawing -----------------------------------------------------------------------
    def _show(self, rep: Report, asked: int, hosts: list[str]) -> None:
        if asked != self._asked or self not in self.app.screen_stack:
            return  # the filters changed again (or the review closed) while it was built
        self._offer_hosts(hosts)
        self.report = rep
        self.drawn = set()
        self._summary(rep)
        self._draw(self.query_one("#tabs", TabbedContent).active)
        if self._filters() is None:  # the dates were made wrong while these were read
            self._mark_stale("review_stale")
        else:
            self._mark_current()
        self.shown += 1

    def _offer_hosts(self, hosts: list[str]) -> None:
        """The host filter offers the whole roster (the config's hosts and those a lead
        added), the one chosen kept."""
        select: Select[str] = self.query_one("#host", Select)
        names = sorted(set(hosts) | set(self._hosts_offered))
        if names == self._hosts_offered:
            return
        chosen = select.value
        self._hosts_offered = names
        with select.prevent(Select.Changed):
            select.set_options([(h, h) for h in names])
            if chosen in names:
                select.value = chosen

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._draw(event.pane.id)

    def on_resize(self, event: Resize) -> None:
        """The lists' columns follow the width there is ("what happened" takes what the
        others leave): redraw the lists drawn at the new size. The filters take two rows
        where one would put some off the screen."""
        self.set_class(event.size.width < FILTERS_ONE_ROW, "-narrow")
        if self.report is not None:
            drawn, self.drawn = self.drawn, set()
            for pane in drawn:
                self._draw(pane)

    def _narrow(self) -> bool:
        return self.size.width < NARROW_LISTS

    def _columns(self, table_id: str) -> DataTable[Text | str]:
        """The list with the columns this width shows (the gestures' category only on a
        wide screen), set again only when they change."""
        t = self.app.t
        table: DataTable[Text | str] = self.query_one(f"#{table_id}", DataTable)
        cols = [c for c in COLUMNS[table_id]
                if not (table_id == "gestures" and c == "col_category" and self._narrow())]
        if [str(key.value) for key in table.columns] != cols:
            table.clear(columns=True)
            for col in cols:
                table.add_column(t(col), key=col)
        return table

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

    def _label(self, party_id: str) -> str:
        """The party by name and the number the host called out (``Zhao (A012)``)."""
        rep = self.report
        return party_label(party_id, rep.names if rep else {}, rep.tickets if rep else {})

    def _party(self, party_id: str, width: int) -> Text:
        return clip(self._label(party_id), width)

    def _summary(self, rep: Report) -> None:
        app = self.app
        t, cur = app.t, app.config.currency
        text = Text()

        def line(label: str, value: str, style: str = "") -> None:
            text.append(f"{label}{t('label_sep')}", style="bold")
            text.append(value + "\n", style=style)

        if self.verdict is not None:
            verdict = self.verdict
            said = integrity.summary(verdict, t, app.config.timezone)
            if not verdict.ok:
                first = verdict.problems[0]
                said += " " + t(first.key, **first.values)
            line(t("sum_record"), said, "" if verdict.ok else "bold red")
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
        line(t("rate_complaints"), _number(rep.complaints_per_100))
        line(t("rate_open"), t("rate_open_value", unhandled=rep.complaints_unhandled,
                                 unrechecked=rep.complaints_unrechecked))
        line(t("rate_past_quote"), str(rep.past_quote_10))
        text.append("\n" + t("tab_quotes") + "\n", style="bold underline")
        line(t("sum_mae"), decimal_minutes(rep.accuracy.mae, t))
        line(t("sum_within5"), pct(rep.accuracy.within5))
        if rep.messages:  # messages to guests, per day
            text.append("\n" + t("report_messages") + "\n", style="bold underline")
            for d in rep.messages:
                line(d.day, t("report_messages_value", sent=d.sent, failed=d.failed,
                              called=d.called, came=d.came_in_time,
                              hold=round(app.config.hold_minutes),
                              no_show=d.no_show_after_call), "bold red" if d.failed else "")
        self.query_one("#summary", Static).update(text)

    def _gestures(self, rep: Report) -> None:
        app = self.app
        t, cfg = app.t, app.config
        tz = ZoneInfo(cfg.timezone)
        table = self._columns("gestures")
        table.clear()
        self._more("gestures-more", rep.gesture_rows)
        self.records["gestures"] = list(rep.gestures)
        narrow = self._narrow()
        # at 80 columns: when 11, party 14, gesture 16, cost, host 8, the note what is
        # left (Enter shows every field whole)
        party_w, label_w, host_w = (14, 16, 8) if narrow else (20, 22, 10)
        note_w = max(8, self.size.width - 70) if narrow else 30
        for i, g in enumerate(rep.gestures):
            when = _when(g.time, tz)
            label, note, style = gesture_cells(g, cfg, t, label_w)
            when.stylize(style)
            cells = [when, self._party(g.party, party_w), fit(label, label_w)]
            if not narrow:
                cells.append(Text(t(f"cat_{g.category}")))
            cells += [Text(money(cfg.currency, g.cost), style=style), clip(g.host, host_w),
                      fit(note, note_w)]
            table.add_row(*cells, key=str(i))

    def _walkaways(self, rep: Report) -> None:
        app = self.app
        t, cfg, tz = app.t, app.config, ZoneInfo(app.config.timezone)
        table = self.query_one("#walkaways", DataTable)
        table.clear()
        self._more("walkaways-more", len(rep.walkaways))
        newest = list(reversed(rep.walkaways[-LIST_LIMIT:]))
        self.records["walkaways"] = list(newest)
        for i, p in enumerate(newest):
            over = p.quote is not None and p.waited is not None and p.waited > p.quote
            table.add_row(_when(p.arrived, tz), self._party(p.id, 24), Text(str(p.size)),
                          Text(whole_minutes(p.waited, t), style="bold red" if over else ""),
                          Text(whole_minutes(p.quote, t)), key=str(i))
        rescues = self.query_one("#rescues", DataTable)
        rescues.clear()
        party_w, offer_w, host_w = (16, 22, 8) if self._narrow() else (24, 30, 10)
        self._more("rescues-more", len(rep.rescues))
        self.records["rescues"] = list(rep.rescues[:LIST_LIMIT])
        for i, r in enumerate(rep.rescues[:LIST_LIMIT]):
            style = "green" if r.outcome == "stayed" else "red" if r.outcome == "left" \
                else "yellow"
            rescues.add_row(_when(r.time, tz), self._party(r.party, party_w),
                            clip(offer_label(r.offer, cfg, t), offer_w),
                            Text(self._outcome(r), style=style), clip(r.host, host_w),
                            key=str(i))

    def _outcome(self, r: Rescue) -> str:
        t = self.app.t
        return t(f"outcome_{r.outcome}") if r.outcome else t("outcome_pending")

    def _complaints(self, rep: Report) -> None:
        app = self.app
        t, tz = app.t, ZoneInfo(app.config.timezone)
        table = self.query_one("#complaints", DataTable)
        table.clear()
        self._more("complaints-more", len(rep.complaint_rows))
        # newest first, as every list of the review (the report keeps them oldest first)
        newest = list(reversed(rep.complaint_rows[-LIST_LIMIT:]))
        self.records["complaints"] = list(newest)
        # "what happened" gets what the other columns leave (the whole text: Enter); at
        # 80 columns the others narrower, so that the step and who recorded it fit
        if self._narrow():
            party_w, cat_w, step_w, by_w = 14, 10, 9, 8
            what_width = max(12, self.size.width - 67)
        else:
            party_w, cat_w, step_w, by_w = 20, 14, 12, 10
            what_width = max(20, self.size.width - 78)
        for i, c in enumerate(newest):
            style = "green" if c.closed else "bold red" if c.step == "recorded" else "yellow"
            who = self._party(c.party, party_w) if c.party else clip(c.table_name, party_w)
            step = clip(t(f"step_{c.step}"), step_w)
            step.stylize(style)
            table.add_row(_when(c.recorded_at, tz), who, clip(t(f"cat_{c.category}"), cat_w),
                          clip(c.what, what_width), step,
                          clip(c.recorded_by or "—", by_w), key=str(i))

    def _quotes(self, rep: Report) -> None:
        t = self.app.t
        table = self.query_one("#accuracy", DataTable)
        table.clear()
        rows = [(t("all_parties"), rep.accuracy)]
        rows += [(f"{h:02d}:00", a) for h, a in rep.accuracy_by_hour.items()]
        rows += [(t("host_row", host=h), a) for h, a in rep.accuracy_by_host.items()]
        for label, a in rows:
            # Text: a host's name is typed at the stand and may look like markup
            table.add_row(Text(label), str(a.n), _number(a.mae), pct(a.within5),
                          _number(a.signed))
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

    # -- the whole record ----------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        table_id = event.data_table.id or ""
        rows = self.records.get(table_id, [])
        index = int(event.row_key.value or -1)
        if not 0 <= index < len(rows):
            return
        title, fields = self._record(rows[index])
        self.app.push_screen(in_language(RecordScreen, self.app.t.language)(title, fields))

    def _record(self, record: Record) -> tuple[str, list[tuple[str, str]]]:
        """A record's title and every field, labelled in the screen's language."""
        app = self.app
        t, cfg = app.t, app.config
        tz = cfg.timezone

        def when(ts: float | None) -> str:
            return "" if ts is None else arrow.get(ts).to(tz).format("YYYY-MM-DD HH:mm")

        if isinstance(record, Gesture):
            g = record
            label = gesture_label(g, cfg)
            fields = [(t("col_when"), when(g.time)), (t("col_party"), self._label(g.party)),
                      (t("col_gesture"), label), (t("col_category"), t(f"cat_{g.category}")),
                      (t("col_cost"), money(cfg.currency, g.cost)), (t("col_host"), g.host),
                      (t("field_lead"), g.approved_by), (t("col_note"), g.note)]
            if g.void_of:
                fields.append((t("voided"), t("void_of", id=g.void_of) + (
                    " · " + t("voided_by", host=g.voided_by) if g.voided_by else "")))
            elif g.voided:
                fields.append((t("voided"), t("voided")))
            return f"{label} · {self._label(g.party)}", fields
        if isinstance(record, PartyRow):
            p = record
            return self._label(p.id), [
                (t("col_party"), self._label(p.id)), (t("col_size"), str(p.size)),
                (t("record_arrived"), when(p.arrived)), (t("record_left"), when(p.left)),
                (t("col_waited"), whole_minutes(p.waited, t)),
                (t("col_quote"), whole_minutes(p.quote, t)), (t("col_host"), p.host)]
        if isinstance(record, Rescue):
            r = record
            return f"{offer_label(r.offer, cfg, t)} · {self._label(r.party)}", [
                (t("col_when"), when(r.time)), (t("col_party"), self._label(r.party)),
                (t("col_offer"), offer_label(r.offer, cfg, t)),
                (t("col_outcome"), self._outcome(r)), (t("record_decided"), when(r.decided_at)),
                (t("col_host"), r.host)]
        c = record
        steps = [(t("step_handled"), c.handled_at, c.handled_by, c.handled_note, ""),
                 (t("step_rechecked"), c.rechecked_at, c.rechecked_by, c.recheck_note, ""),
                 (t("step_fed_back"), c.fed_back_at, c.fed_back_by, c.fed_back_note,
                  t(f"to_{c.fed_back_to}") if c.fed_back_to else "")]
        fields = [(t("col_when"), when(c.recorded_at)),
                  (t("col_party"), self._label(c.party)), (t("col_table"), c.table_name),
                  (t("col_category"), t(f"cat_{c.category}")),
                  (t("col_what"), c.what), (t("field_action"), c.action),
                  (t("col_by"), c.recorded_by)]
        for step, at, by, note, to in steps:
            fields.append((step, " · ".join(x for x in (when(at), to, by, note) if x)))
        who = self._label(c.party) or c.table_name
        return f"{t('tab_complaints')} · {t(f'cat_{c.category}')} · {who}", fields
