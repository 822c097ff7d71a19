"""Change detection, from one list: every table the migrations create is here.

A terminal re-reads the state when :meth:`Store.version` differs from what it last
read. ``version()`` is built from :data:`WATCHED` alone; a table that changes
what another terminal shows must be listed there, or in :data:`NOT_WATCHED` with
the reason it need not be (a test fails on a table that is in neither).

Each expression is an aggregate over its table that changes whenever a row that
matters is added or updated.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Watch:
    table: str
    expression: str  # an aggregate over ``table``, e.g. "coalesce(max(id), 0)"
    why: str


WATCHED: tuple[Watch, ...] = (
    Watch("events", "coalesce(max(id), 0)",
          "every waiting-list action (and undo) appends a row"),
    Watch("gestures", "coalesce(max(id), 0)", "gestures and voids are appended"),
    Watch("rescues", "coalesce(max(id), 0)", "a rescue offered"),
    Watch("rescue_outcomes", "coalesce(max(id), 0)",
          "its outcome recorded later (or reopened by an undo)"),
    Watch("complaints", "coalesce(max(id), 0)", "an item recorded"),
    Watch("complaint_steps", "coalesce(max(id), 0)", "an item taken a step further"),
    Watch("guests", "count(*) + total(visits)", "a guest made, or a visit counted"),
    Watch("guests", "group_concat(id || '=' || birthday) FILTER (WHERE birthday != '')",
          "a birthday set or changed"),
    Watch("guest_visits", "count(*)", "a party linked to a guest (a match by name)"),
    Watch("guest_notes", "coalesce(max(id), 0)", "an observation on a guest's card"),
    Watch("settings", "group_concat(key || '=' || value)",
          "self check-in paused or resumed, where guests reach `queueapp serve`"),
    Watch("stations", "group_concat(name || '=' || host)",
          "a stand's host on duty (each stand shows its own, whoever wrote it)"),
    Watch("hosts", "count(*) + count(removed_at)", "a host added to or taken off the roster"),
    Watch("leads", "count(*) + count(removed_at)", "a shift lead added or removed"),
    Watch("outbox", "coalesce(max(rev), 0)",
          "a message queued, tried, sent or failed (the row and panel show it)"),
)

NOT_WATCHED: dict[str, str] = {
    "parties": "a projection of events, rewritten only together with an events row",
    "room_tables": "a projection of events (and of the config, read at start-up)",
    "pin_attempts": "read only while a PIN is typed, never shown",
    "guest_links": "written with the party's arrive event, which is watched",
    "outbox_state": "the sender's lease and planning cursor: nothing on screen shows them",
    "_sqlite_migrations": "sqlite-utils' record of the schema, not the app's data",
}


def version_sql() -> str:
    """One SELECT giving every watched expression, in :data:`WATCHED` order."""
    parts = [f"(SELECT {w.expression} FROM {w.table})" for w in WATCHED]
    return "SELECT " + ", ".join(parts)
