"""The checks a new party's name, size and phone must pass, wherever they are typed.

The host stand's party form (its Textual validators) and the guests' own check-in
page (``/join``) ask the same functions, so a guest and a host get the same rules and
the same words. A problem names its words in ``queueapp.i18n`` (keys and values);
each door renders them in its own language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from queueapp import numbers, phone
from queueapp.i18n import Translator
from queueapp.privacy import printable

NAME_MAX = 60  # characters in a party's name
NOTE_MAX = 200  # characters in a note


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: one or more i18n words (key, values) said in a row."""

    words: tuple[tuple[str, dict[str, Any]], ...]

    @classmethod
    def of(cls, key: str, **values: Any) -> Problem:
        return cls(((key, values),))

    def render(self, t: Translator, instead: Mapping[str, str] | None = None) -> str:
        """In ``t``'s language; ``instead`` swaps words for others (the guest's own
        check-in asks for "your name", the stand for "the guest's name")."""
        swap = instead or {}
        return "".join(t(swap.get(key, key), **values) for key, values in self.words)


def name_problem(text: str) -> Problem | None:
    """A name is needed and is at most NAME_MAX characters (spaces around it not counted)."""
    name = text.strip()
    if not name:
        return Problem.of("err_name_required")
    if len(name) > NAME_MAX:
        return Problem.of("err_name_long", max=NAME_MAX, n=len(name))
    return None


def size_problem(text: str, largest: int) -> Problem | None:
    """A party size: a whole number from 1 to ``largest``, typed with digits people mean
    (``numbers.parse_whole``); a digit-looking character such as ``²`` is named."""
    try:
        numbers.parse_whole(text, 1, largest)
    except numbers.NumberError as exc:
        if exc.key == "num_empty":
            return Problem.of("err_size_required", max=largest)
        if exc.key == "num_range":
            return Problem.of("err_size_range", max=largest)
        if exc.key == "num_bad_char" and _looks_like_a_digit(str(exc.values["char"])):
            # "²", "①", "٣": say why a digit-looking character is refused
            return Problem((("err_size_prefix", {}), (exc.key, dict(exc.values))))
        return Problem.of("err_size_number", max=largest)
    return None


def _looks_like_a_digit(character: str) -> bool:
    return unicodedata.numeric(character, None) is not None


def phone_problem(text: str, country: str) -> Problem | None:
    """Empty, or a number ``phone.normalise`` reads for the restaurant's country."""
    try:
        phone.normalise(text, country)
    except phone.PhoneError as exc:
        key = "err_phone_invalid_number" if str(exc) == "invalid_number" \
            else "err_phone_not_a_number"
        return Problem.of(key)
    return None


def note_problem(text: str) -> Problem | None:
    if len(text.strip()) > NOTE_MAX:
        return Problem.of("err_note_long", max=NOTE_MAX, n=len(text.strip()))
    return None


@dataclass(frozen=True)
class CheckIn:
    """A guest's own check-in, every field valid: the name as it will be shown, the
    size, and the phone in E.164 ("" when none was given)."""

    name: str
    size: int
    phone: str


@dataclass(frozen=True)
class Refused:
    """A check-in that cannot be saved: what is wrong, by field (name, size, phone)."""

    problems: dict[str, Problem] = field(default_factory=dict)


def check_in(name: str, size: str, phone_text: str, largest: int,
             country: str) -> CheckIn | Refused:
    """A guest's typed check-in, checked as the stand's form checks a new party. Control
    characters (which no keyboard at the stand can type) are dropped from the name first,
    so a pasted ESC or bidi override never reaches a screen."""
    clean = printable(name, one_line=True).strip()
    problems = {key: problem for key, problem in (
        ("name", name_problem(clean)), ("size", size_problem(size, largest)),
        ("phone", phone_problem(phone_text, country))) if problem is not None}
    if problems:
        return Refused(problems)
    return CheckIn(clean, numbers.parse_whole(size, 1, largest),
                   phone.normalise(phone_text, country))
