"""Key descriptions in the host's language, through public Textual API only.

Textual reads a class's ``BINDINGS`` when a node is made, so each screen or widget
whose keys show in the footer (or in the palette's keys panel) writes its
descriptions as i18n keys, and is used through :func:`in_language`: a subclass
per language with those words filled in, named like its base so the stylesheet's
rules still apply.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TypeVar

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from queueapp.i18n import Translator

N = TypeVar("N", bound=DOMNode)


def translated(bindings: list[BindingType], t: Translator) -> list[BindingType]:
    """``bindings`` with each description (and group title), an i18n key, in words."""
    out: list[BindingType] = []
    for b in bindings:
        if isinstance(b, Binding):
            group = replace(b.group, description=t(b.group.description)) if b.group else None
            b = replace(b, description=t(b.description) if b.description else "", group=group)
        out.append(b)
    return out


@cache
def in_language(cls: type[N], language: str) -> type[N]:
    """``cls`` with its own key descriptions in ``language``."""
    words = translated(list(cls.__dict__.get("BINDINGS", [])), Translator(language))
    return type(cls.__name__, (cls,), {"BINDINGS": words, "__module__": cls.__module__})
