"""Keys as a host reads them on the keyboard: ``/`` not ``slash``, ``?`` not
``question_mark``, ``ctrl+p`` not ``^p``, ``Esc`` not ``escape``."""

from __future__ import annotations

import unicodedata
from functools import cache

from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys, format_key, key_to_character

# names a host reads better than Textual's (⏎, esc)
_WORDS = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space",
          "backspace": "Backspace", "delete": "Del", "insert": "Ins", "home": "Home",
          "end": "End", "pageup": "PgUp", "pagedown": "PgDn", "up": "↑", "down": "↓",
          "left": "←", "right": "→"}


def key_label(keys: str) -> str:
    """One binding's key or keys (``slash``, ``ctrl+p``, ``a,plus``) as printed on the
    keyboard; alternatives are joined with `` / ``."""
    shown = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        *modifiers, base = key.split("+") if len(key) > 1 else [key]
        name = _WORDS.get(base) or format_key(base)
        shown.append("+".join([*modifiers, name]))
    return " / ".join(shown)


# the modifiers a terminal reports with a key (ctrl+n, alt+x...)
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")


@cache
def _named_keys() -> frozenset[str]:
    """Keys Textual calls by a name (escape, f5, pageup, tab...), without modifiers."""
    return frozenset(key.value.rsplit("+", 1)[-1] for key in Keys
                     if not key.value.startswith("<"))


def _character_name(character: str) -> str:
    """The name Textual gives a key that types ``character`` ("/" is "slash")."""
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return ""
    return KEY_NAME_REPLACEMENTS.get(name, name)


def key_problem(key: str) -> str:
    """What is wrong with ``key`` as a binding in config.toml's [keys] ("" when nothing):
    Textual takes any text there, but a key it never reports (``/`` rather than
    ``slash``, ``Escape``, ``cmd+n``) would leave its action without a key."""
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown or not base:
        what = f"{unknown[0]!r} is not a modifier" if unknown else "a key is missing after +"
        return (f"is not a key name: {what}. Write modifiers ({', '.join(MODIFIERS)}) and "
                "a key, e.g. \"ctrl+n\".")
    if len(base) == 1:
        if base.isalnum():
            return ""  # a letter or digit is its own name
        name = _character_name(base)
        return (f"should be written by its name, \"{name}\"." if name
                else "is not a key on a keyboard.")
    if base in _named_keys():
        return ""
    character = key_to_character(REPLACED_KEYS.get(base, base))
    if character is not None and len(character) == 1 and not character.isalnum() \
            and _character_name(character) == base:
        return ""  # a character's name: slash, question_mark, plus...
    return ("is not a key name the stand knows: use a letter or digit (\"a\", \"G\", "
            "\"5\"), a key's name (\"escape\", \"f5\", \"pageup\", \"slash\", \"plus\"), "
            "or modifiers and a key (\"ctrl+n\").")
