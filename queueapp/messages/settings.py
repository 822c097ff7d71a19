"""``[messages]`` in config.toml: channels (Apprise URLs), templates per language,
the "getting close" rule, reply codes, retries and the webhook's secret.

Secrets never sit in the file: ``${NAME}`` in a channel URL or the webhook secret is
read from the environment when the sender starts (``resolve``); ``check-config``
says which variable is missing and never prints a value (``masked``).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from queueapp.config import _Validator

ADDED, CLOSE, READY, AGAIN, REMOVED, THANKS = ("added", "close", "ready", "again", "removed",
                                               "thanks")
KINDS = (ADDED, CLOSE, READY, AGAIN, REMOVED, THANKS)
PLACEHOLDERS = ("ticket", "name", "minutes", "low", "high", "wait", "link", "hold", "come",
                "reply", "restaurant", "count")
TEMPLATE_LANGUAGES = ("en", "zh")
LANGUAGE_CHOICES = ("en", "zh", "both")  # "both": Chinese, then English, in one message
COMING, CANCEL = "coming", "cancel"  # what a reply code does
CODE_ACTIONS = (COMING, CANCEL)
DEFAULT_CODES = {"1": COMING, "9": CANCEL}
ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PHONE_FIELD = "{phone}"  # in a channel URL: the guest's number (E.164, URL-encoded)
# Apprise schemes of SMS providers that pass a guest's answer on to a webhook (the
# replies webhook): on any other channel (JSON webhooks, e-mail, chat bots, AWS SNS) an
# answer never reaches the stand, so no message offers one
TWO_WAY_SCHEMES = frozenset({
    "twilio", "vonage", "nexmo", "plivo", "sinch", "clicksend", "msgbird", "bulksms",
    "bulkvs", "d7sms", "46elks", "elks", "seven", "burstsms", "kudosity", "atalk", "httpsms",
    "smseagle", "smseagles", "voipms"})

# (low, high) of each number, both inclusive; the README's config table says the same
RANGES: dict[str, tuple[float, float, bool]] = {
    "close_position": (0, 50, True),  # 0 turns the position rule off
    "close_minutes": (0, 240, False),  # 0 turns the minutes rule off
    "attempts": (1, 50, True),
    "poll_seconds": (0.2, 60, False),
}


class MissingVariable(ValueError):
    """``${NAME}`` names an environment variable that is not set."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Messages:
    """The restaurant's messaging. With no ``channels`` nothing is ever queued or sent."""

    channels: tuple[str, ...] = ()  # Apprise URLs as written (``${ENV}`` not resolved)
    language: str = ""  # "en", "zh" or "both"; "" = the restaurant's language
    templates: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> kind -> text
    close_position: int = 2  # "getting close" at this place in the party's class...
    close_minutes: float = 10.0  # ... or when the estimate drops under this many minutes
    codes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CODES))
    webhook_secret: str = ""  # as written (``${ENV}`` not resolved)
    thanks: bool = False  # a thank-you with a feedback link after the meal
    attempts: int = 10  # tries before a message is marked failed
    poll_seconds: float = 2.0  # how often the sender looks for work

    @property
    def enabled(self) -> bool:
        return bool(self.channels)

    def secret(self, environ: Mapping[str, str] | None = None) -> str:
        """The webhook's secret, read from the environment ("" when none is set)."""
        return resolve(self.webhook_secret, environ) if self.webhook_secret else ""


def variables(text: str) -> list[str]:
    """The ``${NAME}`` variables ``text`` reads."""
    return ENV_PATTERN.findall(text)


def resolve(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with every ``${NAME}`` replaced from the environment."""
    env = os.environ if environ is None else environ

    def value(m: re.Match[str]) -> str:
        if m.group(1) not in env:
            raise MissingVariable(m.group(1))
        return env[m.group(1)]

    return ENV_PATTERN.sub(value, text)


def missing(messages: Messages, environ: Mapping[str, str] | None = None
            ) -> list[tuple[str, str]]:
    """(field, variable) for every ``${NAME}`` the environment does not set."""
    env = os.environ if environ is None else environ
    found = [(f"messages.channels[{i + 1}]", name) for i, url in enumerate(messages.channels)
             for name in variables(url) if name not in env]
    return found + [("messages.webhook_secret", name)
                    for name in variables(messages.webhook_secret) if name not in env]


def environment_lines(messages: Messages, text: str, environ: Mapping[str, str] | None = None
                      ) -> list[tuple[int | None, str, str]]:
    """(line, field, variable) for every ``${NAME}`` the environment does not set, the
    line found in the config's ``text``."""
    lines = text.splitlines()
    out = []
    for fld, name in missing(messages, environ):
        key = "channels" if fld.startswith("messages.channels") else "webhook_secret"
        out.append((section_line(lines, "messages", key), fld, name))
    return out


def masked(url: str) -> str:
    """A channel URL fit to print: its scheme only (``twilio://•••``); whatever follows
    may hold a secret."""
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    return f"{scheme}://•••"


def scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def template_problem(text: str) -> str:
    """What is wrong with a template ("" when nothing): an unknown placeholder, or a
    brace that does not close."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        return f"{exc} (write {{{{ and }}}} for a brace)"
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            return (f"{{{name}}} is not a placeholder; use "
                    + " ".join(f"{{{p}}}" for p in PLACEHOLDERS))
        if spec or conversion:
            return f"{{{name}}} takes no format (write just {{{name}}})"
    return ""


def parse(v: _Validator) -> Messages:
    """``[messages]`` (and its ``templates`` and ``codes``), checked with the config's
    validator so mistakes name the file, line and field."""
    m = v._section("messages")  # a key read nowhere here is refused by the config's check
    channels = v._get(m, "channels", list, "messages.channels", [])
    for i, url in enumerate(channels):
        if not isinstance(url, str) or not re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", url.strip()):
            raise v.fail(f"messages.channels[{i + 1}]", "should be an Apprise URL such as "
                         "\"twilio://${TWILIO_SID}:${TWILIO_TOKEN}@${TWILIO_FROM}/{phone}\".",
                         section_line(v.lines, "messages", "channels"))
    language = v._get(m, "language", str, "messages.language", "")
    if language and language not in LANGUAGE_CHOICES:
        raise v.fail("messages.language", f"{language!r} should be one of "
                     + ", ".join(f'"{c}"' for c in LANGUAGE_CHOICES) + ".",
                     section_line(v.lines, "messages", "language"))
    numbers: dict[str, Any] = {}
    defaults = Messages()
    for key, (low, high, whole) in RANGES.items():
        value = v._get(m, key, int if whole else float, f"messages.{key}",
                       getattr(defaults, key), section_line(v.lines, "messages", key))
        if not (low <= value <= high) or value != value:
            kind = "a whole number" if whole else "a number"
            raise v.fail(f"messages.{key}", f"should be {kind} from {low:g} to {high:g}, "
                         f"not {value!r}.", section_line(v.lines, "messages", key))
        numbers[key] = value
    secret = v._get(m, "webhook_secret", str, "messages.webhook_secret", "")
    if secret and not variables(secret):
        raise v.fail("messages.webhook_secret", "should name an environment variable, "
                     "e.g. \"${QUEUEAPP_REPLY_SECRET}\": a secret is never written in the "
                     "config hosts can read.", section_line(v.lines, "messages", "webhook_secret"))
    thanks = v._get(m, "thanks", bool, "messages.thanks", False,
                    section_line(v.lines, "messages", "thanks"))
    return Messages(tuple(u.strip() for u in channels), language, _templates(v, m),
                    codes=_codes(v, m), webhook_secret=secret, thanks=thanks, **numbers)


def _templates(v: _Validator, m: dict[str, Any]) -> dict[str, dict[str, str]]:
    raw = v._get(m, "templates", dict, "messages.templates", {})
    out: dict[str, dict[str, str]] = {}
    for lang, kinds in raw.items():
        section = f"messages.templates.{lang}"
        if lang not in TEMPLATE_LANGUAGES or not isinstance(kinds, dict):
            raise v.fail(section, "should be [messages.templates.en] or "
                         "[messages.templates.zh], a table of kind = \"text\".",
                         section_line(v.lines, section))
        for kind, text in kinds.items():
            line = section_line(v.lines, section, kind)
            if kind not in KINDS:
                raise v.fail(f"{section}.{kind}", "is not a message; use "
                             + ", ".join(KINDS) + ".", line)
            if not isinstance(text, str) or not text.strip():
                raise v.fail(f"{section}.{kind}", "should be the message's text.", line)
            problem = template_problem(text)
            if problem:
                raise v.fail(f"{section}.{kind}", problem + ".", line)
        out[lang] = {k: t.strip() for k, t in kinds.items()}
    return out


def _codes(v: _Validator, m: dict[str, Any]) -> dict[str, str]:
    raw = v._get(m, "codes", dict, "messages.codes", None)
    if raw is None:
        return dict(DEFAULT_CODES)
    for code, action in raw.items():
        if action not in CODE_ACTIONS or not code.strip():
            raise v.fail(f"messages.codes.{code}", f"{action!r} should be "
                         + " or ".join(f'"{a}"' for a in CODE_ACTIONS)
                         + ", e.g. \"1\" = \"coming\".",
                         section_line(v.lines, "messages.codes", code))
    from queueapp.numbers import ascii_text

    return {ascii_text(code.strip()).casefold(): action for code, action in raw.items()}


def section_line(lines: list[str], section: str, key: str | None = None) -> int | None:
    """The line of ``key`` under the ``[section]`` header (or of the header itself)."""
    header = re.compile(rf"\s*\[\s*{re.escape(section)}\s*\]\s*(#.*)?$")
    setting = re.compile(rf"\s*\"?{re.escape(key)}\"?\s*=") if key else None
    inside = False
    for i, text in enumerate(lines):
        if header.match(text):
            if setting is None:
                return i + 1
            inside = True
            continue
        if inside and text.lstrip().startswith("["):
            inside = False
        if inside and setting is not None and setting.match(text):
            return i + 1
    return None
