"""The words of each message: the config's template for the kind and language, else
the built-in one (``queueapp.i18n``), filled with named placeholders."""

from __future__ import annotations

from collections.abc import Mapping
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
    this kind has none), so a template may use any of them."""
    filled = {p: values.get(p, "") for p in PLACEHOLDERS}
    texts = [template(messages, kind, lang).format_map(filled)
             for lang in languages(messages, restaurant_language)]
    return BOTH_JOIN.join(t.strip() for t in texts)
