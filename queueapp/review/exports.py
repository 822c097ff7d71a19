"""The review's figures and the logs as files: text, Markdown, CSV, JSON.

Exports are for spreadsheets and other people: phone numbers are masked to
their last four digits, control characters (ESC, BEL...) typed into names and notes
are dropped, and text cells that a spreadsheet would run as a formula (starting
with = + - @) are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import arrow
from rich.cells import cell_len

from queueapp.config import Config
from queueapp.i18n import Translator
from queueapp.privacy import printable, scrub
from queueapp.review.labels import decimal_minutes, offer_label
from queueapp.review.reports import Accuracy, Filters, Report, money, pct
from queueapp.store import Store
from queueapp.store.damage import decoded

KINDS = ("gestures", "complaints", "parties")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PHONE_SHOWN = 4  # digits of a phone number an export keeps (the rest are masked)


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    shown = digits[-PHONE_SHOWN:]
    return "" if not digits else "•" * (len(digits) - len(shown)) + "".join(shown)


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _local(text: str | None, tz: str) -> str:
    return "" if not text else arrow.get(text).to(tz).isoformat(timespec="seconds")


COMPLAINT_TIMES = ("recorded_at", "handled_at", "rechecked_at", "fed_back_at")
PARTY_TIMES = ("arrived_at", "called_at", "seated_at", "left_at")
def _gesture_row(row: dict[str, Any], tz: str) -> dict[str, Any]:
    if isinstance(row["cost"], bool) or not isinstance(row["cost"], int | float):
        raise ValueError(f"cost {row['cost']!r} is not a number")
    return row | {"time": _needed(row["time"], tz)}


def _complaint_row(row: dict[str, Any], tz: str) -> dict[str, Any]:
    return row | {key: _local(row[key], tz) for key in COMPLAINT_TIMES} \
        | {"recorded_at": _needed(row["recorded_at"], tz)}


def _party_row(row: dict[str, Any], tz: str) -> dict[str, Any]:
    tags = json.loads(row["tags"] or "[]")
    if not isinstance(tags, list):
        raise ValueError(f"tags {row['tags']!r} are not a JSON list")
    return row | {"phone": mask_phone(row["phone"]), "tags": ", ".join(map(str, tags))} \
        | {key: _local(row[key], tz) for key in PARTY_TIMES} \
        | {"arrived_at": _needed(row["arrived_at"], tz)}


def _needed(text: str | None, tz: str) -> str:
    """A time the row needs: empty or unreadable makes the row damaged."""
    if not text:
        raise ValueError("a needed time is empty")
    return _local(text, tz)


def export_rows(store: Store, kind: str, f: Filters, config: Config) -> list[dict[str, Any]]:
    """Rows of one log for a time range, masked and neutralised, times in local time.
    A row that cannot be read is left out and noted in ``store.damage`` (the command
    says which)."""
    tz = config.timezone
    if kind == "gestures":
        raw, convert = store.review.gesture_log(f.start, f.end), _gesture_row
    elif kind == "complaints":
        raw, convert = store.review.complaint_log(f.start, f.end), _complaint_row
    elif kind == "parties":
        raw, convert = store.review.party_log(f.start, f.end), _party_row
    else:
        raise ValueError(f"unknown export {kind!r}; choose one of {', '.join(KINDS)}")
    out = decoded(store.damage, kind, raw, lambda row: convert(row, tz), lambda row: row["id"])
    return [{k: neutralise(scrub(v)) for k, v in row.items()} for row in out]


def write_rows(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> str:
    """CSV or JSON text. A CSV always starts with its header, even with no rows
    (``columns``, from ``store.review.log_columns``): a script reading it sees the columns."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buf = io.StringIO()
    columns = list(rows[0]) if rows else list(columns or ())
    if columns:
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


# -- the report ----------------------------------------------------------------------------

def _acc(a: Accuracy) -> dict[str, Any]:
    return {"parties": a.n, "mean_abs_error_min": _r(a.mae), "within_5_min": _r(a.within5, 3),
            "mean_signed_error_min": _r(a.signed)}


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def report_dict(rep: Report, config: Config) -> dict[str, Any]:
    """The same figures as the review screen, as plain data."""
    tz = config.timezone
    return {
        "from": arrow.get(rep.filters.start).to(tz).isoformat(),
        "to": arrow.get(rep.filters.end).to(tz).isoformat(),
        "filters": {"host": rep.filters.host, "category": rep.filters.category,
                    "party": rep.filters.party},
        "parties": rep.parties, "guests": rep.guests, "seated": rep.seated,
        "gestures": {
            "given": rep.gesture_count, "voids": rep.voids, "cost": rep.gesture_cost,
            "cost_by_host": rep.cost_by_host, "budget_by_host": rep.budget_by_host,
        },
        "cancelled_or_no_show": rep.removed_other,
        "walkaways": {
            "count": len(rep.walkaways), "after_quote": rep.walkaways_after_quote,
            "parties": [{"party": p.id, "name": p.name, "size": p.size,
                         "waited_min": _r(p.waited), "quoted_min": _r(p.quote)}
                        for p in rep.walkaways],
        },
        "rescues": {
            "attempts": len(rep.rescues),
            "stayed": sum(r.outcome == "stayed" for r in rep.rescues),
            "left": sum(r.outcome == "left" for r in rep.rescues),
            "undecided": sum(not r.outcome for r in rep.rescues),
        },
        "complaints": {
            "count": rep.complaints, "per_100_parties": _r(rep.complaints_per_100, 2),
            "not_handled": rep.complaints_unhandled,
            "not_rechecked": rep.complaints_unrechecked, "open": rep.complaints_open,
            "by_category": rep.complaints_by_category,
        },
        "waited_over_10_past_quote": rep.past_quote_10,
        "quotes": {
            "all": _acc(rep.accuracy),
            "by_hour": {str(h): _acc(a) for h, a in rep.accuracy_by_hour.items()},
            "by_host": {h: _acc(a) for h, a in rep.accuracy_by_host.items()},
        },
        "waiting_by_hour": {str(h): _r(v, 2) for h, v in rep.waiting_by_hour.items()},
        "messages_by_day": [vars(d) for d in rep.messages],
    }


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def report_lines(rep: Report, config: Config, indent: str = ""
                 ) -> list[tuple[str, list[list[str]]]]:
    """Sections of (title, rows): what text, Markdown and CSV print, in the config's
    language; rescues by offer and complaints by category by their labels, not ids, and
    complaints by category most first. ``indent`` goes before the rows under another row
    (the hours and hosts under the quote accuracy): the text form's, never in a cell of
    the CSV or Markdown forms."""
    t = Translator(config.language)
    cur = config.currency
    cost_rows = [[h, money(cur, c), money(cur, rep.budget_by_host.get(h, 0))]
                 for h, c in rep.cost_by_host.items()]
    acc = rep.accuracy

    def group(a: Accuracy) -> str:
        return t("report_group_value", mae=decimal_minutes(a.mae, t), within=pct(a.within5),
                 n=a.n)

    offers: dict[str, list[int]] = {}
    for r in rep.rescues:  # tables offered count together: which kind of rescue works
        label = t("offer_tables") if r.table else offer_label(r.offer, config, t)
        tried_stayed = offers.setdefault(label, [0, 0])
        tried_stayed[0] += 1
        tried_stayed[1] += r.outcome == "stayed"
    stayed = sum(r.outcome == "stayed" for r in rep.rescues)
    sections = [
        (t("report_summary"), [
            [t("report_parties"), str(rep.parties)], [t("report_guests"), str(rep.guests)],
            [t("report_seated"), str(rep.seated)],
            [t("report_given"), str(rep.gesture_count)], [t("report_voids"), str(rep.voids)],
            [t("report_cost"), money(cur, rep.gesture_cost)],
            [t("sum_walkaways"), t("sum_walkaways_value", n=len(rep.walkaways),
                                   after=rep.walkaways_after_quote)],
            [t("report_removed"), str(rep.removed_other)],
            [t("sum_rescues"), t("sum_rescues_value", n=len(rep.rescues), stayed=stayed)],
        ]),
        (t("report_cost_by_host"), cost_rows or [["—", "", ""]]),
        (t("report_rates"), [
            [t("rate_complaints"), _num(rep.complaints_per_100)],
            [t("rate_open"), t("rate_open_value", unhandled=rep.complaints_unhandled,
                               unrechecked=rep.complaints_unrechecked)],
            [t("rate_past_quote"), str(rep.past_quote_10)],
        ]),
        (t("tab_quotes"), [
            [t("sum_mae"), decimal_minutes(acc.mae, t)],
            [t("sum_within5"), pct(acc.within5)],
            [t("report_signed"), decimal_minutes(acc.signed, t)],
        ] + [[f"{indent}{h:02d}:00", group(a)] for h, a in rep.accuracy_by_hour.items()]
          + [[indent + t("host_row", host=h), group(a)]
             for h, a in rep.accuracy_by_host.items()]),
        (t("report_by_offer"), [[label, t("sum_rescues_value", n=n, stayed=kept)]
                                for label, (n, kept) in sorted(offers.items())]
         or [["—", ""]]),
        # the most frequent first (what to fix first), then as the labels read
        (t("report_by_category"), [[label, str(n)] for n, label in sorted(
            ((n, t(f"cat_{c}")) for c, n in rep.complaints_by_category.items()),
            key=lambda count_label: (-count_label[0], count_label[1]))] or [["—", ""]]),
    ]
    if rep.messages:
        sections.append((t("report_messages"), [
            [d.day, t("report_messages_value", sent=d.sent, failed=d.failed, called=d.called,
                      came=d.came_in_time, hold=round(config.hold_minutes),
                      no_show=d.no_show_after_call)] for d in rep.messages]))
    # hosts' names were typed at the stand: nothing in them may drive the terminal
    return [(title, [[printable(cell, one_line=True) for cell in row] for row in rows])
            for title, rows in sections]


def render_report(rep: Report, config: Config, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(scrub(report_dict(rep, config)), ensure_ascii=False, indent=2) + "\n"
    t = Translator(config.language)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([t("report_col_section"), t("report_col_figure"),
                         t("report_col_value"), t("report_col_budget")])
        for title, rows in report_lines(rep, config):
            for row in rows:
                writer.writerow([title, *[neutralise(c) for c in row]])
        return buf.getvalue()
    tz = config.timezone
    head = t("report_head", name=config.name,
             start=arrow.get(rep.filters.start).to(tz).format("YYYY-MM-DD HH:mm"),
             end=arrow.get(rep.filters.end).to(tz).format("YYYY-MM-DD HH:mm"))
    out = [f"# {head}" if fmt == "markdown" else head, ""]
    columns = [t("report_col_figure"), t("report_col_value")]
    for title, rows in report_lines(rep, config, "" if fmt == "markdown" else "  "):
        if fmt == "markdown":
            out += [f"## {title}", "", "| " + " | ".join(columns + (
                [t("report_col_budget")] if len(rows[0]) > 2 else [])) + " |",
                    "|" + " --- |" * len(rows[0])]
            out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                    for row in rows]
        else:
            out += [title, "-" * cell_len(title)]
            # every column but the last padded to its widest cell: a host's budget sits
            # under the others' (it followed each cost at its own place)
            widths = [max(cell_len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
            out += ["  " + "  ".join([c + " " * (w - cell_len(c))
                                      for c, w in zip(row[:-1], widths, strict=True)]
                                     + row[-1:]).rstrip()
                    for row in rows]
        out.append("")
    return "\n".join(out)
