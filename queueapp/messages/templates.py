"""The words of each message: the config's template for the kind and language, else
the built-in one (``queueapp.i18n``), filled with named placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from queueapp.i18n import Translator
from queueapp.messages.settings import (
    ADDED,
    AGAIN,
    CLOSE,
    PLACEHOLDERS,
    READY,
    REMOVED,
    THANKS,
    Messages,
)

# the built-in text of each kind, in i18n (EN and ZH)
BUILT_IN = {ADDED: "msg_added", CLOSE: "msg_close", READY: "msg_ready", AGAIN: "msg_again",
            REMOVED: "msg_removed", THANKS: "msg_thanks"}
BOTH_JOIN = "\n"  # between the Chinese and the English text of a "both" message


@dataclass(frozen=True)
class Words:
    """A placeholder's value that is itself words (an i18n key and its values), put in
    the language of each text: ``{wait}`` is "about 20-35 minutes" in one and
    "预计等候 20-35 分钟" in the other of a "both" message."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Words:
        return cls(key, tuple(values.items()))

    def text(self, language: str) -> str:
        return Translator(language)(self.key, **dict(self.values))


def languages(messages: Messages, restaurant_language: str) -> tuple[str, ...]:
    """The languages a message is written in, in order."""
    chosen = messages.language or restaurant_language
    return ("zh", "en") if chosen == "both" else (chosen,)


def template(messages: Messages, kind: str, language: str) -> str:
    return messages.templates.get(language, {}).get(kind) \
        or Translator(language).words.get(BUILT_IN[kind], "") \
        or Translator("en")(BUILT_IN[kind])


def render(messages: Messages, kind: str, values: Mapping[str, Any],
           restaurant_language: str) -> str:
    """The message's text in its language(s). Every placeholder gets a value ("" when
    this kind has none), so a template may use any of them; a ``Words`` value is
    worded in the text's own language."""
    texts = []
    for lang in languages(messages, restaurant_language):
        filled = {p: _worded(values.get(p, ""), lang) for p in PLACEHOLDERS}
        texts.append(template(messages, kind, lang).format_map(filled))
    return BOTH_JOIN.join(t.strip() for t in texts)


def _worded(value: Any, language: str) -> Any:
    return value.text(language) if isinstance(value, Words) else value
