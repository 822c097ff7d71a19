"""Lead PINs, stored only as salted scrypt hashes.

Make a hash for ``config.toml`` (``[[leads]] pin_hash = "..."``) with::

    python -m queueapp.goodwill.pins          # asks for the PIN twice, prints the hash

or from Python: ``queueapp.goodwill.pins.hash_pin("2468")``. Each call uses a new random
salt, so the same PIN gives a different hash every time; all of them verify.
The format is ``scrypt$N$r$p$<salt hex>$<hash hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

_N, _R, _P = 2**14, 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32
_FORMAT = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{16,})\$([0-9a-f]{32,})$")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of ``pin``, as one text for the config file."""
    if not pin:
        raise ValueError("a PIN cannot be empty")
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    key = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_KEY_BYTES)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${key.hex()}"


def is_pin_hash(text: str) -> bool:
    m = _FORMAT.match(text.strip())
    if m is None:
        return False
    n = int(m[1])
    return n >= 2 and n & (n - 1) == 0  # scrypt's N must be a power of 2


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when ``pin`` matches the hash; False for a wrong PIN or a malformed hash."""
    m = _FORMAT.match(pin_hash.strip())
    if not m or not pin:
        return False
    n, r, p = int(m[1]), int(m[2]), int(m[3])
    salt, expected = bytes.fromhex(m[4]), bytes.fromhex(m[5])
    try:
        key = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                             dklen=len(expected), maxmem=256 * 1024 * 1024)
    except ValueError:
        return False
    return hmac.compare_digest(key, expected)


def main() -> None:
    import getpass

    pin = getpass.getpass("New lead PIN: ")
    if pin != getpass.getpass("Same PIN again: "):
        raise SystemExit("The two PINs differ; nothing printed.")
    if len(pin) < 4:
        raise SystemExit("Use at least 4 digits.")
    print(hash_pin(pin))


if __name__ == "__main__":
    main()
