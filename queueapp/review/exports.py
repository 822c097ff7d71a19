"""The review's figures and the logs as files: text, Markdown, CSV, JSON.

Exports are for spreadsheets and other people: phone numbers are masked to
their last four digits, and text cells that a spreadsheet would run as a
formula (starting with = + - @) are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import arrow
from rich.cells import cell_len

from queueapp.config import Config
from queueapp.review.reports import Accuracy, Filters, Report, money, pct
from queueapp.store import Store

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


def export_rows(store: Store, kind: str, f: Filters, config: Config) -> list[dict[str, Any]]:
    """Rows of one log for a time range, masked and neutralised, times in local time."""
    tz = config.timezone
    if kind == "gestures":
        out = [row | {"time": _local(row["time"], tz)}
               for row in store.review.gesture_log(f.start, f.end)]
    elif kind == "complaints":
        out = store.review.complaint_log(f.start, f.end)
        for row in out:
            for key in ("recorded_at", "handled_at", "rechecked_at", "fed_back_at"):
                row[key] = _local(row[key], tz)
    elif kind == "parties":
        out = store.review.party_log(f.start, f.end)
        for row in out:
            row["phone"] = mask_phone(row["phone"])
            row["tags"] = ", ".join(json.loads(row["tags"] or "[]"))
            for key in ("arrived_at", "called_at", "seated_at", "left_at"):
                row[key] = _local(row[key], tz)
    else:
        raise ValueError(f"unknown export {kind!r}; choose one of {', '.join(KINDS)}")
    return [{k: neutralise(v) for k, v in row.items()} for row in out]


def write_rows(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
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
    }


def _num(x: float | None, unit: str = "") -> str:
    return "—" if x is None else f"{x:.1f}{unit}"


def report_lines(rep: Report, config: Config) -> list[tuple[str, list[list[str]]]]:
    """Sections of (title, rows): what both text and Markdown print."""
    cur = config.currency
    cost_rows = [[h, money(cur, c), money(cur, rep.budget_by_host.get(h, 0))]
                 for h, c in rep.cost_by_host.items()]
    acc = rep.accuracy
    return [
        ("Summary", [
            ["Parties", str(rep.parties)], ["Guests", str(rep.guests)],
            ["Seated", str(rep.seated)],
            ["Gestures given", str(rep.gesture_count)], ["Voids", str(rep.voids)],
            ["Goodwill cost", money(cur, rep.gesture_cost)],
            ["Walk-aways", f"{len(rep.walkaways)} ({rep.walkaways_after_quote} after the "
                           "quote had passed)"],
            ["Cancelled or no-show", str(rep.removed_other)],
            ["Rescues", f"{len(rep.rescues)} tried, "
                        f"{sum(r.outcome == 'stayed' for r in rep.rescues)} stayed"],
        ]),
        ("Cost by host (against budget)", cost_rows or [["—", "", ""]]),
        ("Three rates", [
            ["Complaints per 100 parties", _num(rep.complaints_per_100)],
            ["Items not yet handled / not rechecked",
             f"{rep.complaints_unhandled} / {rep.complaints_unrechecked}"],
            ["Parties waiting > 10 min past their quote", str(rep.past_quote_10)],
        ]),
        ("Quote accuracy", [
            ["Mean absolute error", _num(acc.mae, " min")],
            ["Within 5 minutes", pct(acc.within5)],
            ["Mean signed error (quote − wait)", _num(acc.signed, " min")],
        ] + [[f"  {h:02d}:00", f"{_num(a.mae, ' min')}, {pct(a.within5)} within 5 ({a.n})"]
             for h, a in rep.accuracy_by_hour.items()]
          + [[f"  host {h}", f"{_num(a.mae, ' min')}, {pct(a.within5)} within 5 ({a.n})"]
             for h, a in rep.accuracy_by_host.items()]),
    ]


def render_report(rep: Report, config: Config, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report_dict(rep, config), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["section", "figure", "value", "budget"])
        for title, rows in report_lines(rep, config):
            for row in rows:
                writer.writerow([title, *[neutralise(c) for c in row]])
        return buf.getvalue()
    tz = config.timezone
    head = (f"{config.name}: {arrow.get(rep.filters.start).to(tz).format('YYYY-MM-DD HH:mm')}"
            f" to {arrow.get(rep.filters.end).to(tz).format('YYYY-MM-DD HH:mm')}")
    out = [f"# {head}" if fmt == "markdown" else head, ""]
    for title, rows in report_lines(rep, config):
        if fmt == "markdown":
            out += [f"## {title}", "", "| " + " | ".join(["figure", "value"] +
                                                         (["budget"] if len(rows[0]) > 2
                                                          else [])) + " |",
                    "|" + " --- |" * len(rows[0])]
            out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                    for row in rows]
        else:
            out += [title, "-" * len(title)]
            width = max(cell_len(r[0]) for r in rows)
            out += ["  " + row[0] + " " * (width - cell_len(row[0])) + "  " + "  ".join(row[1:])
                    for row in rows]
        out.append("")
    return "\n".join(out)
