"""Numbers typed by people: one validator for every number field of the stand.

Only ASCII digits and full-width digits (``０``–``９``, as a Chinese input method
types them) count as digits. ``str.isdigit()`` is not used: it is True for ``²``
and ``①``, which ``int()`` then refuses (a traceback in the middle of a rush), and
``int()`` alone accepts Arabic-Indic and other digits a host never means.

A failure is a :class:`NumberError` whose ``key`` and ``values`` name the message in
``queueapp.i18n`` (``num_<reason>``), so each screen says what is wrong in its language.
"""

from __future__ import annotations

from queueapp.i18n import ENGLISH

# what can be wrong with a typed number (each is the i18n key num_<reason>)
REASONS = ("empty", "too_long", "negative", "bad_char", "range", "decimals", "too_short",
           "month_day")
MAX_DIGITS = 9  # longer than any count, cost or PIN a host types; also bounds the work
_FULL_WIDTH = {chr(0xFF10 + d): str(d) for d in range(10)}
_FULL_WIDTH_SIGNS = {"．": ".", "－": "-", "／": "/", "　": " "}


class NumberError(ValueError):
    """What is wrong with a typed number. ``key`` is the i18n key, ``values`` its
    parameters; ``str()`` is the English text (from ``i18n.EN``), for logs and the CLI."""

    def __init__(self, reason: str, /, **values: object) -> None:
        super().__init__(reason)
        self.key, self.values = f"num_{reason}", values

    def __str__(self) -> str:
        return ENGLISH(self.key, **self.values)


def ascii_text(text: str) -> str:
    """Full-width digits and signs as their ASCII twins; everything else unchanged."""
    return "".join(_FULL_WIDTH.get(ch) or _FULL_WIDTH_SIGNS.get(ch) or ch for ch in text)


def _digits(text: str, max_digits: int) -> str:
    """The ASCII digits of ``text`` (trimmed), or a NumberError naming what is wrong."""
    plain = ascii_text(text).strip()
    if not plain:
        raise NumberError("empty")
    if len(plain) > max_digits:
        raise NumberError("too_long", max=max_digits)
    bad = next((ch for ch in plain if ch not in "0123456789"), None)
    if bad is not None:
        if bad == "-" and plain.startswith("-"):
            raise NumberError("negative")
        raise NumberError("bad_char", char=bad)
    return plain


def parse_whole(text: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (party size, minutes, a count)."""
    value = int(_digits(text, MAX_DIGITS))
    if not low <= value <= high:
        raise NumberError("range", low=low, high=high)
    return value


def parse_amount(text: str, low: float, high: float, decimals: int = 2) -> float:
    """An amount of money (``7.5``, ``１２``): digits with at most one decimal point."""
    plain = ascii_text(text).strip()
    whole, dot, cents = plain.partition(".")
    if dot and not 0 < len(cents) <= decimals:
        raise NumberError("decimals", max=decimals)
    value = float(_digits(whole, MAX_DIGITS)) if whole or not dot else 0.0
    if dot:
        value += int(_digits(cents, decimals)) / 10 ** len(cents)
    if not low <= value <= high:
        raise NumberError("range", low=f"{low:g}", high=f"{high:g}")
    return value


def parse_pin(text: str, min_digits: int = 4, max_digits: int = 8) -> str:
    """A PIN: only digits (leading zeros kept), as ASCII text."""
    digits = _digits(text, max_digits)
    if len(digits) < min_digits:
        raise NumberError("too_short", min=min_digits)
    return digits


def parse_month_day(text: str) -> str:
    """A birthday as ``MM-DD`` (``3-14``, ``03/14``, ``０３－１４``) -> ``"03-14"``."""
    plain = ascii_text(text).strip().replace("/", "-")
    if plain.count("-") != 1 or len(plain) > 5:
        raise NumberError("month_day")
    month_text, day_text = plain.split("-")
    try:
        month = parse_whole(month_text, 1, 12)
        day = parse_whole(day_text, 1, _DAYS_IN_MONTH[month - 1])
    except NumberError:
        raise NumberError("month_day") from None
    return f"{month:02d}-{day:02d}"


_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
