"""The chain report: every store's figures for some days, ranked, with the chain's totals.

Read from the central daily figures (``schema.figures_sql``), which follow the rules of
``queueapp report``: for any store and days, a row here says what that store's own
report says.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.cells import cell_len

from queueapp.headoffice import schema
from queueapp.headoffice.push import check_schema, connect
from queueapp.i18n import Translator
from queueapp.review.exports import neutralise

# (figure, i18n key of its column, how it is shown)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("parties", "chain_col_parties", "int"),
    ("guests", "chain_col_guests", "int"),
    ("gestures", "chain_col_gestures", "int"),
    ("gestures_per_100", "chain_col_gestures_per_100", "rate"),
    ("spend", "chain_col_spend", "money"),
    ("budget", "chain_col_budget", "money"),
    ("walkaways", "chain_col_walkaways", "int"),
    ("walkaways_after_quote", "chain_col_after_quote", "int"),
    ("rescues", "chain_col_rescues", "int"),
    ("stayed", "chain_col_stayed", "int"),
    ("complaints", "chain_col_complaints", "int"),
    ("complaints_per_100", "chain_col_complaints_per_100", "rate"),
    ("unhandled", "chain_col_unhandled", "int"),
    ("unrechecked", "chain_col_unrechecked", "int"),
    ("past_quote_10", "chain_col_past_quote", "int"),
    ("quote_mae", "chain_col_mae", "rate"),
    ("within5", "chain_col_within5", "share"),
)
# what a store may be ranked by, and whether more is better
RANKS: dict[str, bool] = {"parties": True, "gestures_per_100": True, "within5": True,
                          "quote_mae": False, "complaints_per_100": False,
                          "past_quote_10": False, "walkaways": False, "spend": True}
SUMMED = ("parties", "guests", "seated", "gestures", "voids", "gesture_rows", "spend", "budget",
          "walkaways", "walkaways_after_quote", "rescues", "stayed", "rescues_left",
          "complaints", "unhandled", "unrechecked", "still_open", "past_quote_10", "quoted",
          "error_abs", "within5_n")


@dataclass
class ChainReport:
    first: date
    last: date
    stores: list[dict[str, Any]]  # ranked, each with "rank" and "site"
    chain: dict[str, Any]  # the totals, rates recomputed from them


def rates(row: dict[str, Any]) -> dict[str, Any]:
    """The rates of a row of sums (as the report derives them from its counts)."""
    parties, quoted = row["parties"], row["quoted"]
    row["gestures_per_100"] = 100 * row["gestures"] / parties if parties else None
    row["complaints_per_100"] = 100 * row["complaints"] / parties if parties else None
    row["quote_mae"] = row["error_abs"] / quoted if quoted else None
    row["within5"] = row["within5_n"] / quoted if quoted else None
    return row


def build(url: str, first: date, last: date, rank: str = "parties") -> ChainReport:
    with connect(url) as conn:
        check_schema(conn, url)
        cur = conn.execute(schema.figures_sql(by_week=False), {"first": first, "last": last})
        names = [d.name for d in cur.description or ()]
        stores = [rates(dict(zip(names, r, strict=True))) for r in cur.fetchall()]
    better = RANKS[rank]

    def order(row: dict[str, Any]) -> tuple[bool, float, str]:
        value = row[rank]
        if value is None:
            return True, 0.0, row["site"]
        return False, -value if better else value, row["site"]

    stores.sort(key=order)
    for i, row in enumerate(stores, 1):
        row["rank"] = i
    chain: dict[str, Any] = {k: sum(r[k] or 0 for r in stores) for k in SUMMED}
    chain["spend"] = round(chain["spend"], 2)
    chain["stores"] = len(stores)
    return ChainReport(first, last, stores, rates(chain))


def _cell(value: Any, how: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if how == "int":
        return f"{int(value):,}"
    if how == "money":
        return f"{value:,.2f}"
    if how == "share":
        return f"{100 * value:.0f}%"
    return f"{value:.1f}"


def render(rep: ChainReport, fmt: str, language: str = "en") -> str:
    t = Translator(language)
    if fmt == "json":
        keep = ("rank", "site", *[c[0] for c in COLUMNS], "quoted", "voids", "still_open")
        return json.dumps({
            "from": rep.first.isoformat(), "to": rep.last.isoformat(),
            "stores": [{k: r.get(k) for k in keep} for r in rep.stores],
            "chain": {k: rep.chain.get(k) for k in ("stores", *keep[2:])}},
            ensure_ascii=False, indent=2) + "\n"
    head = [t("chain_col_rank"), t("chain_col_site"), *[t(c[1]) for c in COLUMNS]]
    rows = [[str(r["rank"]), r["site"], *[_cell(r[c[0]], c[2]) for c in COLUMNS]]
            for r in rep.stores]
    total = ["", t("chain_total", n=rep.chain["stores"]),
             *[_cell(rep.chain[c[0]], c[2]) for c in COLUMNS]]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(head)
        for row in [*rows, total]:
            writer.writerow([neutralise(c) for c in row])
        return buf.getvalue()
    title = t("chain_head", first=rep.first.isoformat(), last=rep.last.isoformat())
    if fmt == "markdown":
        lines = [f"# {title}", "", "| " + " | ".join(head) + " |",
                 "|" + " --- |" * len(head)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                  for row in [*rows, total]]
        return "\n".join(lines) + "\n"
    table = [head, *rows, total]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(head))]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (w - cell_len(c)) if i < 2 else " " * (w - cell_len(c)) + c
                         for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    out = [title, "", line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows] + [line(["-" * w for w in widths]), line(total)]
    if not rep.stores:
        out.append(t("chain_no_stores"))
    return "\n".join(out) + "\n"
