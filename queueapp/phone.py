"""Phone numbers: parsed and normalised with ``phonenumbers`` for the restaurant's country."""

from __future__ import annotations

import phonenumbers

from queueapp.numbers import ascii_text


class PhoneError(ValueError):
    """A phone number that cannot be read; ``str()`` is the reason for a person."""


def normalise(text: str, country: str) -> str:
    """Return the number in E.164 (``+8613812345678``), or "" for an empty input."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        raise PhoneError("not_a_number") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid_number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str, country: str) -> str:
    """National format for numbers of the restaurant's country, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, country)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if region == country
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def digits(text: str) -> str:
    """The digits 0-9 of ``text`` (full-width ones as ASCII); "²" and the like are not
    digits of a phone number."""
    return "".join(ch for ch in ascii_text(text) if ch in "0123456789")


SHOWN_DIGITS = 4  # digits of a number shown on screen; the rest are dots


def masked(number: str) -> str:
    """A phone number as the screen shows it: ``•••• 5678`` (its last four digits only),
    so a curious glance at the stand does not give away a guest's number."""
    shown = digits(number)[-SHOWN_DIGITS:]
    return f"•••• {shown}" if shown else ""
