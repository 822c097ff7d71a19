"""Rows as they leave the restaurant: names and phones turned into keyed pseudonyms.

A guest's pseudonym is HMAC-SHA256 of the phone number in E.164 under the chain-wide
key, so the same guest has the same pseudonym in every store of the chain (returning
guests can be counted across stores) while the number itself never leaves, and
nobody without the key can test a guess. Staff names get their own pseudonyms
(budgets are per host per shift) under the same key with a prefix, so a host's
pseudonym can never equal a guest's.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from queueapp.config import Config
from queueapp.goodwill.gestures import shift_start
from queueapp.phone import PhoneError, normalise
from queueapp.store.sync import Batch
from queueapp.store.times import epoch, iso

STAFF = b"staff\x00"  # the prefix that keeps staff pseudonyms apart from guests'
E164 = re.compile(r"\+[1-9][0-9]{5,14}")  # how the stand stores a number it has checked


class Pseudonyms:
    """Keyed pseudonyms for one chain (``key``) and this restaurant's phone country."""

    def __init__(self, key: str, country: str) -> None:
        self._key = key.encode("utf-8")
        self.country = country

    def _mac(self, data: bytes) -> str:
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def guest(self, phone: str | None) -> str | None:
        """The guest behind a phone number (None without one)."""
        if not phone:
            return None
        if E164.fullmatch(phone):  # already normalised (the stand checks every number)
            e164 = phone
        else:
            try:
                e164 = normalise(phone, self.country)
            except PhoneError:  # written before phones were checked: its digits
                e164 = "+" + "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
        return self._mac(e164.encode("ascii"))

    def person(self, name: str | None) -> str:
        """A host's or lead's name ("" stays "": nobody)."""
        return self._mac(STAFF + name.encode("utf-8")) if name else ""


def outgoing(batch: Batch, site: str, names: Pseudonyms, config: Config
             ) -> Iterable[tuple[Any, ...]]:
    """``(site, local id, *columns)`` for every row of the batch, ready to send."""
    kinds = [c.kind for c in batch.feed.columns]
    for row in batch.rows:
        out: list[Any] = [site, row[0]]
        for kind, value in zip(kinds, row[1:], strict=True):
            if kind == "person":
                value = names.person(value)
            elif kind == "guest":
                value = names.guest(value)
            elif kind == "shift":
                at = epoch(value)
                value = None if at is None else iso(shift_start(at, config))
            elif isinstance(value, str) and "\x00" in value:  # PostgreSQL text holds no NUL
                value = value.replace("\x00", "")
            out.append(value)
        yield tuple(out)
