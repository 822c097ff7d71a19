"""The host stand's keys: binding id, default key, action. The config's ``[keys]``
remaps by id, so the ids are checked there and the screen binds from here."""

from __future__ import annotations

KEYS: tuple[tuple[str, str, str], ...] = (
    ("add_party", "a", "add"),
    ("seat", "s", "seat"),
    ("call", "n", "call"),
    ("remove", "x", "remove"),
    ("edit", "e", "edit"),
    ("table_left", "d", "table_left"),
    ("table_ready", "r", "table_ready"),
    ("undo", "u", "undo"),
    ("find", "slash", "find"),
    ("help", "question_mark", "help"),
    ("give_catalogue", "g", "catalogue"),
    ("host", "h", "host"),
    ("leaving", "l", "leaving"),
    ("observe", "o", "observe"),
    ("guest_card", "v", "guest_card"),
    ("gestures", "G", "gestures"),
    ("complaint", "c", "complaint"),
    ("open_items", "i", "open_items"),
    ("review", "R", "review"),
) + tuple((f"give_{n}", str(n), f"give({n})") for n in range(1, 10)) + (
    # -- who sits next --
    ("seat_next", "p", "seat_next"),
    ("hold", "k", "hold"),
    # -- issue 12: messages --
    ("resend", "m", "resend"),
    # -- issue 11: the stand --
    ("pause_joining", "j", "pause_joining"),
    ("page_qr", "q", "page_qr"),
)

KEY_IDS = frozenset(id_ for id_, _, _ in KEYS)
DEFAULT_KEYS = {id_: key for id_, key, _ in KEYS}  # before the config's [keys]
