"""Lead secrets, stored only as salted scrypt hashes (in the database's ``leads`` table).

A secret is a PIN of at least :data:`MIN_PIN_DIGITS` digits or a passphrase of at least
:data:`MIN_PASSPHRASE` characters. Its hash costs at least ``N = 2**15, r = 8`` to
compute, so guessing every 6-digit PIN takes a 2-core machine days, not a minute
(4-digit PINs hashed at ``N = 2**14`` fell in 62 s). Weaker hashes are refused.

Set a lead's secret with ``queueapp lead add NAME``. ``python -m
queueapp.goodwill.pins`` still prints a hash, for a config written by hand.
The format is ``scrypt$N$r$p$<salt hex>$<hash hex>``; each call uses a new salt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from queueapp import numbers

MIN_N, MIN_R = 2**15, 8  # the least scrypt cost a hash may have
_N, _R, _P = MIN_N, MIN_R, 1
MIN_PIN_DIGITS = 6  # a secret of digits only
MIN_PASSPHRASE = 8  # a secret with anything else in it
MAX_SECRET = 200
_MAXMEM = 512 * 1024 * 1024  # 128 * r * N bytes, with room for a stronger hash
_SALT_BYTES, _KEY_BYTES = 16, 32
_FORMAT = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{16,})\$([0-9a-f]{32,})$")


def plain_secret(text: str) -> str:
    """The secret as compared: spaces around it dropped, full-width digits made ASCII
    (a PIN typed on a Chinese keyboard is the same PIN)."""
    stripped = text.strip()
    ascii_form = numbers.ascii_text(stripped)
    return ascii_form if ascii_form.isascii() and ascii_form.isdigit() else stripped


def secret_problem(secret: str) -> str:
    """"" for a secret good enough for a lead, else the i18n key saying why not."""
    plain = plain_secret(secret)
    if not plain:
        return "err_secret_empty"
    if len(plain) > MAX_SECRET:
        return "err_secret_long"
    if plain.isascii() and plain.isdigit():
        return "" if len(plain) >= MIN_PIN_DIGITS else "err_secret_short"
    return "" if len(plain) >= MIN_PASSPHRASE else "err_secret_short"


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of ``pin`` (at the minimum cost), as one text."""
    plain = plain_secret(pin)
    if not plain:
        raise ValueError("a PIN cannot be empty")
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    key = hashlib.scrypt(plain.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P,
                         dklen=_KEY_BYTES, maxmem=_MAXMEM)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${key.hex()}"


def hash_problem(text: str) -> str:
    """"" for a usable hash; "malformed" when it is not one of ours; "weak" when its
    cost is below ``N = 2**15, r = 8`` (make a new one with ``queueapp lead add``)."""
    m = _FORMAT.match(text.strip())
    if m is None:
        return "malformed"
    n, r, p = int(m[1]), int(m[2]), int(m[3])
    if n < 2 or n & (n - 1) or r < 1 or p < 1 or 128 * r * n * p > _MAXMEM:
        return "malformed"  # scrypt's N must be a power of 2; and it must be computable
    return "weak" if n < MIN_N or r < MIN_R else ""


def is_pin_hash(text: str) -> bool:
    """A hash of our format, strong enough to use."""
    return hash_problem(text) == ""


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when ``pin`` matches the hash; False for a wrong PIN, a malformed hash, or a
    hash weaker than the minimum (never trusted, even with the right PIN)."""
    m = _FORMAT.match(pin_hash.strip())
    plain = plain_secret(pin)
    if not m or not plain or hash_problem(pin_hash):
        return False
    n, r, p = int(m[1]), int(m[2]), int(m[3])
    salt, expected = bytes.fromhex(m[4]), bytes.fromhex(m[5])
    try:
        key = hashlib.scrypt(plain.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                             dklen=len(expected), maxmem=_MAXMEM)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(key, expected)


def main() -> None:
    import getpass

    from queueapp.i18n import ENGLISH

    pin = getpass.getpass("New lead secret: ")
    if pin != getpass.getpass("Same secret again: "):
        raise SystemExit("The two secrets differ; nothing printed.")
    problem = secret_problem(pin)
    if problem:
        raise SystemExit(ENGLISH(problem, digits=MIN_PIN_DIGITS, chars=MIN_PASSPHRASE,
                                 most=MAX_SECRET))
    print(hash_pin(pin))


if __name__ == "__main__":
    main()
