"""Guests answering a message: the inbound webhook a messaging provider calls.

``reply_routes(config, store_path, clock)`` gives the routes the lead mounts into
``queueapp serve``:

* ``POST /messages/reply`` — a guest's text message. Only the provider may call it: the
  request must carry the ``[messages] webhook_secret`` (header ``X-Queueapp-Secret``),
  or a signature made with it (``X-Queueapp-Signature: sha256=<HMAC of the body>``,
  or Twilio's ``X-Twilio-Signature``); anything else is refused with 403, and with no
  secret configured every request is. The sender is found by phone among the parties
  still waiting (of two, the one that arrived last); a configured code ("1" coming,
  "9" cancel) becomes that answer, anything else reaches the host as text. An unknown
  number, or a party no longer waiting, changes nothing and is answered 200 (the
  provider must not retry it), and logged.
* ``GET``/``POST /p/{token}/feedback`` — the thank-you's feedback form: a rating and a
  few words; anything but a top rating, or any words, opens a complaint-loop item.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from queueapp.clock import Clock
from queueapp.complaints import loop as complaints
from queueapp.config import Config
from queueapp.i18n import Translator
from queueapp.messages.settings import CANCEL, COMING, MissingVariable
from queueapp.numbers import ascii_text
from queueapp.phone import PhoneError, normalise
from queueapp.privacy import printable
from queueapp.store import Conflict, Store
from queueapp.store.outbox import FEEDBACK_SOURCE
from queueapp.waitlist.events import COMING as ANSWER_COMING
from queueapp.waitlist.events import TEXT as ANSWER_TEXT
from queueapp.waitlist.room import LEFT, SEATED
from queueapp.web.origin import same_origin

REPLY_PATH = "/messages/reply"
FEEDBACK_PATH = "/p/{token}/feedback"
SECRET_HEADER = "x-queueapp-secret"
SIGNATURE_HEADER = "x-queueapp-signature"
TWILIO_HEADER = "x-twilio-signature"
PHONE_FIELDS = ("From", "from", "phone", "sender", "msisdn")
TEXT_FIELDS = ("Body", "body", "text", "message", "content")
LONGEST_TEXT = 500  # characters of a guest's words kept (a message is short)
LONGEST_BODY = 64 * 1024  # a webhook body larger than this is not a text message
RATINGS = (1, 2, 3, 4, 5)
GOOD_RATING = 5  # a top rating with no words opens nothing

log = logging.getLogger(__name__)


def _signed(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _twilio_signed(secret: str, url: str, form: list[tuple[str, str]]) -> str:
    """Twilio's signature: HMAC-SHA1 of the URL and the form's keys and values, sorted."""
    data = url + "".join(k + v for k, v in sorted(form))
    return base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
                            ).decode()


def allowed(secret: str, headers: Any, url: str, body: bytes,
            form: list[tuple[str, str]]) -> bool:
    """Does the request carry the secret, or a signature made with it?"""
    if not secret:
        return False
    given = headers.get(SECRET_HEADER, "")
    if given and hmac.compare_digest(given.encode(), secret.encode()):
        return True
    signature = headers.get(SIGNATURE_HEADER, "")
    if signature and hmac.compare_digest(signature.encode(), _signed(secret, body).encode()):
        return True
    twilio = headers.get(TWILIO_HEADER, "")
    return bool(twilio) and hmac.compare_digest(
        twilio.encode(), _twilio_signed(secret, url, form).encode())


def _fields(body: bytes, content_type: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The message's fields (JSON or a form), and the form as pairs (for Twilio)."""
    if "json" in content_type:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return {}, []
        if not isinstance(data, dict):
            return {}, []
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int)}, []
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(pairs), pairs


def _first(fields: dict[str, str], names: tuple[str, ...]) -> str:
    return next((fields[n] for n in names if fields.get(n)), "")


def answer(store: Store, config: Config, now: float, phone: str, text: str) -> str:
    """Apply one guest's text: what became of it ("coming", "cancelled", "text",
    "unknown" for a number no waiting party has, "gone" for a party no longer waiting)."""
    try:
        e164 = normalise(phone, config.country)
    except PhoneError:
        return "unknown"
    party = store.outbox.waiting_party_for_phone(e164)
    if party is None:
        return "unknown"
    token = store.give_link(party.id, now)
    words = printable(text, one_line=True).strip()[:LONGEST_TEXT]
    # a Chinese phone may type the code full-width ("１"): the same code
    action = config.messages.codes.get(ascii_text(words).casefold())
    try:
        if action == CANCEL:
            store.guest_cancel(now, token, via="message")
            return "cancelled"
        if action == COMING:
            store.guest_reply(now, token, ANSWER_COMING, via="message")
            return "coming"
        if not words:
            return "empty"
        store.guest_reply(now, token, ANSWER_TEXT, words, via="message")
        return "text"
    except Conflict:
        return "gone"


def record_feedback(store: Store, now: float, token: str, rating: int, words: str) -> bool:
    """The thank-you's feedback: an item in the complaint loop unless it is a top
    rating with no words. True when an item was opened."""
    party = store.party_for_link(token)
    if party is None:
        raise Conflict("err_link_gone")
    words = printable(words).strip()[:LONGEST_TEXT]
    if rating >= GOOD_RATING and not words:
        return False
    what = f"{rating}/5" + (f": {words}" if words else "")
    with store.transaction():
        if store.outbox.feedback_given(party.id):
            return False  # a second send of the form: one item per party
        complaints.record(store, now, "other", what, party=party.id, source=FEEDBACK_SOURCE)
    return True


class Replies:
    """The webhook and the feedback form over one store."""

    def __init__(self, config: Config, store_path: str | Path, clock: Clock) -> None:
        self.config, self.clock = config, clock
        self.store = Store.open(store_path, config, station="replies")
        try:
            self.secret = config.messages.secret()
        except MissingVariable as exc:
            log.warning("replies refused: environment variable %s is not set", exc.name)
            self.secret = ""

    def now(self) -> float:
        return self.clock.now().float_timestamp

    async def reply(self, request: Request) -> Response:
        body = await request.body()
        if len(body) > LONGEST_BODY:
            return Response(status_code=413)
        fields, form = _fields(body, request.headers.get("content-type", ""))
        if not allowed(self.secret, request.headers, str(request.url), body, form):
            log.warning("reply refused: no valid secret or signature")
            return Response("forbidden", status_code=403)
        phone, text = _first(fields, PHONE_FIELDS), _first(fields, TEXT_FIELDS)
        result = await run_in_threadpool(answer, self.store, self.config, self.now(), phone,
                                         text)
        if result in ("unknown", "gone", "empty"):
            log.info("reply from %s: %s, nothing changed", phone[-4:], result)
        return JSONResponse({"result": result})

    def _t(self, request: Request) -> Translator:
        lang = request.query_params.get("lang", "")
        return Translator(lang if lang in ("en", "zh") else self.config.language)

    async def feedback(self, request: Request) -> Response:
        t = self._t(request)
        token = request.path_params["token"]
        party = await run_in_threadpool(self.store.party_for_link, token)
        if party is None or party.status not in (SEATED, LEFT):  # after the meal only
            return self._page(t, t("fb_gone"), status=404)
        if request.method == "GET":
            return self._page(t, self._form(t))
        if not same_origin(request, self.config):  # a form on another site
            return self._page(t, html.escape(t("web_forbidden")), status=403)
        form = await request.form()
        try:
            rating = int(str(form.get("rating", "")))
        except ValueError:
            rating = 0
        if rating not in RATINGS:
            return self._page(t, f"<p class=error>{html.escape(t('fb_pick'))}</p>"
                              + self._form(t), status=400)
        words = str(form.get("words", ""))
        await run_in_threadpool(record_feedback, self.store, self.now(), token, rating, words)
        return self._page(t, f"<p>{html.escape(t('fb_thanks'))}</p>")

    @staticmethod
    def _form(t: Translator) -> str:
        stars = "".join(f'<label><input type=radio name=rating value={n} required> {n}</label> '
                        for n in RATINGS)
        return (f"<form method=post><p>{html.escape(t('fb_rate'))}</p><p>{stars}</p>"
                f"<p><label>{html.escape(t('fb_words'))}<br>"
                f"<textarea name=words rows=4 maxlength={LONGEST_TEXT}></textarea></label></p>"
                f"<p><button type=submit>{html.escape(t('fb_send'))}</button></p></form>")

    def _page(self, t: Translator, inner: str, status: int = 200) -> HTMLResponse:
        title = html.escape(t("fb_title", restaurant=self.config.name))
        return HTMLResponse(
            f"<!doctype html><html lang={t.language}><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'>"
            f"<title>{title}</title><body><h1>{title}</h1>{inner}</body></html>",
            status_code=status)


def reply_routes(config: Config, store_path: str | Path, clock: Clock) -> list[BaseRoute]:
    """The webhook and the feedback form, to mount into ``queueapp serve``'s app."""
    replies = Replies(config, store_path, clock)
    return [Route(REPLY_PATH, replies.reply, methods=["POST"]),
            Route(FEEDBACK_PATH, replies.feedback, methods=["GET", "POST"])]
