"""Keys as a host reads them on the keyboard: ``/`` not ``slash``, ``?`` not
``question_mark``, ``ctrl+p`` not ``^p``, ``Esc`` not ``escape``."""

from __future__ import annotations

from textual.keys import format_key

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
