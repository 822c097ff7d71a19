"""The head office's address: a PostgreSQL connection URI, judged by PostgreSQL's own
client library (libpq, through psycopg) before anything connects, and shown in messages
without its password.

The config reads it here when ``[headoffice] url`` is set, and ``queueapp sync``,
``chain-report`` and the stand's background sync before each connection, so an address
libpq cannot read (``postgresql://u:p@[::1:5432/chain``: a bracket never closed) is one
clear message wherever it was typed, never a traceback and never a silent stand.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import psycopg
from psycopg.conninfo import conninfo_to_dict

SCHEMES = ("postgresql://", "postgres://")
HIDDEN = "•••"
PORTS = range(1, 65536)


def shown(url: str) -> str:
    """An address as typed, fit for a message: the scheme, host, port and database only
    (a password may be in the user part or the query). Whatever ``url`` is, even one no
    parser can read."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        scheme, rest = "", url.strip()
    rest = re.split(r"[?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    return f"{scheme}{sep}{rest}" if rest or sep else "?"


def problem(url: str) -> str:
    """What libpq finds wrong with ``url`` ("" when it can read it and each port is a
    number from 1 to 65535), in libpq's words with the address and any password left
    out."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.Error as exc:
        text = str(exc).strip()
        return _without_secrets(text.splitlines()[0] if text else type(exc).__name__, url)
    for port in str(info.get("port") or "").split(","):
        if port and not (port.isascii() and port.isdecimal() and int(port) in PORTS):
            return _without_secrets(f'the port "{port}" is not a number from 1 to 65535',
                                    url)
    return ""


def _secrets(url: str) -> list[str]:
    """The passwords ``url`` may hold: after the user name, and ``password=`` in the query."""
    rest = url.partition("://")[2] or url
    before_query, _, query = rest.partition("?")
    found = []
    if "@" in before_query:
        user_part = before_query.rsplit("@", 1)[0]
        if ":" in user_part:
            found.append(user_part.split(":", 1)[1])
    found += [value for key, value in parse_qsl(query, keep_blank_values=True)
              if key == "password"]
    found += re.findall(r"password=([^&\s]*)", query)  # as typed, before any decoding
    return [secret for secret in found if secret]


def _without_secrets(text: str, url: str) -> str:
    """``text`` (libpq's message) with the whole address shown as :func:`shown` shows it,
    and every quoted piece of a password (libpq quotes what it cannot read) as •••."""
    safe = shown(url)
    text = text.replace(url, safe)
    secrets = _secrets(url)

    def quoted(m: re.Match[str]) -> str:
        inside = m.group(1)
        mine = inside and inside != safe and any(inside in s or s in inside for s in secrets)
        return f'"{HIDDEN}"' if mine else m.group(0)

    text = re.sub(r'\s+in URI: "[^"]*"\s*$', "", text)  # the message names the address
    return re.sub(r'"([^"]*)"', quoted, text).rstrip(".")
