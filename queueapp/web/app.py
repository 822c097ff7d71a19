"""The guest web server: the waiting-area board, each guest's own page, self check-in.

A thin front door (Starlette): it reads the request, asks the core (``queueapp.lobby``,
the store, the live quotes) and renders HTML with ``queueapp.web.render``. Every page
is cut from one live state (``queueapp.web.hub``), kept current by one task.

Routes (``lang=en|zh`` on any of them; the config's language by default):

- ``GET /board``; its news: ``GET /board/events`` (server-sent events) or
  ``GET /board/live?after=SEQ`` (a long poll)
- ``GET /p/{token}``; ``/p/{token}/events``, ``/p/{token}/live?after=SEQ``;
  ``POST /p/{token}/coming`` (a ``GET`` there leads to the page); ``GET`` and
  ``POST /p/{token}/cancel``, then
  ``GET /p/{token}/cancelled``
- ``GET`` and ``POST /join`` (only with ``[guests] self_check_in = true``)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from queueapp.clock import Clock, SystemClock
from queueapp.config import Config
from queueapp.i18n import Translator
from queueapp.lobby import checkin
from queueapp.lobby import page as pages
from queueapp.lobby.board import Board
from queueapp.messages.sender import running
from queueapp.store import DB_ERRORS, Conflict, Store, StoreError
from queueapp.waitlist.events import COMING
from queueapp.waitlist.room import REMOVED, SEATED, Party
from queueapp.web import render
from queueapp.web.hub import Hub, LiveState
from queueapp.web.origin import same_origin
from queueapp.web.replies import reply_routes

STATIC = Path(__file__).resolve().parent / "static"
WEB_BUSY_TIMEOUT = 3.0  # seconds a web write waits for the stand's lock before "busy"
LONG_POLL_SECONDS = 20.0  # a /live request waits this long for news before answering 204
PING_SECONDS = 15.0  # an idle event stream sends a comment this often (keeps proxies open)
RETRY_SECONDS = 3  # a busy page retries itself after this long
TOKEN_MAX = 64  # longer "tokens" are not looked up at all
FORM_MAX_BYTES = 64 * 1024  # a check-in form is a few hundred bytes; far longer is refused
LIMITED_ADDRESSES = 10_000  # addresses the rate limit remembers at most
ONCE_SECONDS = 600.0  # a check-in form posted again within this long opens the same page
ONCE_KEPT = 10_000  # check-in forms remembered at most
ONCE_MARK = re.compile(r"^[A-Za-z0-9_-]{16,64}$")  # a form's mark, as join_form writes it
GUEST_ACTION = re.compile(r"^/p/([^/]+)/[a-z]+$")  # a button on a guest's page
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # a guest's link never leaves in a Referer
    (b"x-frame-options", b"DENY"),
]

log = logging.getLogger(__name__)


class JoinLimit:
    """At most ``per_minute`` check-ins from one client address in any minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}

    def allows(self, address: str, now: float) -> bool:
        times = self._seen.get(address)
        if times is None:
            return True
        while times and times[0] <= now - 60:
            times.popleft()
        return len(times) < self.per_minute

    def take(self, address: str, now: float) -> bool:
        """Check and count in one step (no ``await`` between them: simultaneous posts
        from one address cannot all pass); False when the address is over its limit."""
        if not self.allows(address, now):
            return False
        self.count(address, now)
        return True

    def give_back(self, address: str) -> None:
        """A counted check-in that was not saved (a refused form) does not count."""
        times = self._seen.get(address)
        if times:
            times.pop()

    def count(self, address: str, now: float) -> None:
        if len(self._seen) >= LIMITED_ADDRESSES:  # forget the quiet ones first
            for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - 60]:
                del self._seen[key]
            if len(self._seen) >= LIMITED_ADDRESSES:
                self._seen.clear()
        self._seen.setdefault(address, deque()).append(now)


class JoinOnce:
    """Each check-in form shown carries a mark of its own (``once``). A form posted again
    with the same words (a double tap on a slow network, a reload that posts again, the
    same post sent twice at once) opens the page of the party it already added, instead
    of adding the party twice (or refusing its phone as already on the list)."""

    def __init__(self) -> None:
        self._forms: dict[str, tuple[float, tuple[str, ...],
                                     asyncio.Future[str | None]]] = {}

    def earlier(self, once: str, typed: tuple[str, ...], now: float
                ) -> asyncio.Future[str | None] | None:
        """The token (when it is saved) of the party this form already added with these
        words, or None when this post is the form's first (or the first was not saved)."""
        found = self._forms.get(once)
        if found is None or found[1] != typed or now - found[0] > ONCE_SECONDS:
            return None
        future = found[2]
        if future.done() and future.result() is None:
            return None
        return future

    def start(self, once: str, typed: tuple[str, ...], now: float
              ) -> asyncio.Future[str | None]:
        """This post is the form's check-in: what it saves is kept under ``once``."""
        if len(self._forms) >= ONCE_KEPT:  # forget the old ones first
            for key in [k for k, v in self._forms.items() if now - v[0] > ONCE_SECONDS]:
                del self._forms[key]
            if len(self._forms) >= ONCE_KEPT:
                self._forms.clear()
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._forms[once] = (now, typed, future)
        return future


class Web:
    """The routes, over one store, one hub and the config."""

    def __init__(self, config: Config, store: Store, clock: Clock) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.hub = Hub(config, store, clock)
        self.limit = JoinLimit(config.guests.joins_per_minute)
        self.once = JoinOnce()
        self._qr: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------------
    def t(self, request: Request) -> Translator:
        lang = request.query_params.get("lang", "")
        return Translator(lang if lang in render.LANGS else self.config.language)

    def now(self) -> float:
        return self.clock.now().float_timestamp

    def page(self, text: str, status: int = 200, headers: dict[str, str] | None = None
             ) -> HTMLResponse:
        return HTMLResponse(text, status, headers={"cache-control": "no-store",
                                                  **(headers or {})})

    def message(self, request: Request, status: int, title_key: str, text_key: str,
                page_id: str, headers: dict[str, str] | None = None, **values: Any
                ) -> HTMLResponse:
        t = self.t(request)
        return self.page(render.message_page(t, self.config, title=t(title_key, **values),
                                             text=t(text_key, **values), page_id=page_id,
                                             switch=request.url.path),
                         status, headers)

    def join_qr(self, t: Translator) -> str:
        """The board's QR code for ``/join`` (an inline SVG) with its words, when self
        check-in is on."""
        if not self.config.guests.self_check_in:
            return ""
        url = self.config.guests.base_url + "/join"
        found = self._qr.get(t.language)
        if found is None:
            import segno

            # a viewBox and no fixed size: the style sheet scales it, quiet zone and all
            svg = segno.make_qr(url, error="m").svg_inline(
                scale=6, dark="#111", light="#fff", omitsize=True)
            found = self._qr[t.language] = (
                f'<div class="qr" role="img" aria-label="{render.e(url)}">'
                f'{svg}</div><p>{render.e(t("web_board_join"))}</p>'
                f'<p class="url">{render.e(url)}</p>')
        return found

    # -- the board -------------------------------------------------------------
    def board_html(self, t: Translator, state: LiveState) -> str:
        qr = self.join_qr(t)
        return state.rendered(("board", t.language),
                              lambda: render.board_fragment(t, self.config, state.board,
                                                            state.busy, state.now, qr))

    async def board(self, request: Request) -> Response:
        t = self.t(request)
        state = await self.hub.current()
        lang = t.language
        body = self.board_html(t, state)
        return self.page(render.layout(
            t, self.config, title=t("web_board_title"), body=body, kind="board",
            switch="/board", live={"events": f"/board/events?lang={lang}",
                                   "poll": f"/board/live?lang={lang}", "seq": str(state.seq)}))

    async def board_events(self, request: Request) -> Response:
        t = self.t(request)
        return self.stream(request, lambda state: ("update", self.board_html(t, state)))

    async def board_live(self, request: Request) -> Response:
        t = self.t(request)
        return await self.long_poll(request,
                                    lambda state: ("update", self.board_html(t, state)))

    # -- news: server-sent events and long polls ----------------------------------------
    def _after(self, request: Request) -> int:
        """The state the page already has. One beyond the newest (a page kept open while
        the server restarted and counted again from 1) has nothing: it gets the newest."""
        text = request.headers.get("last-event-id") or request.query_params.get("after", "")
        after = int(text) if text.isascii() and text.isdecimal() and len(text) < 12 else 0
        state = self.hub.state
        return after if state is not None and after <= state.seq else 0

    def stream(self, request: Request, cut: Callable[[LiveState], tuple[str, str]],
               after: int | None = None) -> StreamingResponse:
        """Server-sent events: each new state as ``event: update`` (or ``gone`` while
        the party is not waiting), its data the HTML fragment to swap in; a fragment the
        page already has is not sent again. The stream goes on after ``gone``: a party
        the host puts back on the list (an undone seat or no-show) gets its page back.
        ``after``: the seq the page has (else the request's ``after`` or
        ``Last-Event-ID``)."""
        seq = self._after(request) if after is None else after

        async def events() -> AsyncIterator[str]:
            nonlocal seq
            sent = ("", "")
            yield f"retry: {RETRY_SECONDS * 1000}\n\n"
            while True:
                state = await self.hub.after(seq, PING_SECONDS)
                if state is None:
                    yield ": ping\n\n"
                    continue
                seq = state.seq
                news = cut(state)
                if news == sent:
                    continue
                sent = news
                kind, fragment = news
                data = "".join(f"data: {line}\n" for line in fragment.split("\n"))
                yield f"id: {seq}\nevent: {kind}\n{data}\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store",
                                          "x-accel-buffering": "no"})

    async def long_poll(self, request: Request, cut: Callable[[LiveState], tuple[str, str]],
                        after: int | None = None) -> Response:
        """The fragment of the first state newer than ``after`` (204 when none came in
        LONG_POLL_SECONDS); ``X-Seq`` and ``X-Kind`` (update or gone) say what it is.
        A page that says it shows ``gone`` (``shown=gone``) is told only of a change:
        its party back on the list, or seated and then gone."""
        if after is None:
            after = self._after(request)
        shown = request.query_params.get("shown", "")
        deadline = asyncio.get_running_loop().time() + LONG_POLL_SECONDS
        while True:
            left = deadline - asyncio.get_running_loop().time()
            state = await self.hub.after(after, left) if left > 0 else None
            if state is None:
                return Response(status_code=204, headers={"cache-control": "no-store"})
            kind, fragment = cut(state)
            if kind != "gone" or shown != self._gone_kind(fragment):
                return self.page(fragment, headers={"x-seq": str(state.seq), "x-kind": kind})
            after = state.seq

    @staticmethod
    def _gone_kind(fragment: str) -> str:
        """Which closed page a ``gone`` fragment is: "seated" or "gone"."""
        return "seated" if 'data-status="seated"' in fragment else "gone"

    # -- a guest's own page -------------------------------------------------------
    async def linked(self, token: str) -> Party | None:
        if not token or len(token) > TOKEN_MAX:
            return None
        return await run_in_threadpool(self.store.party_for_link, token)

    def gone(self, request: Request, party: Party | None) -> HTMLResponse:
        """The page of a party no longer waiting: "Enjoy your meal" (200) while it is at
        its table, else "This link no longer works" (404), with a title that says the
        same. A link to a party (not an unknown one) stays live: an undone seat or
        no-show brings the guest's page back (see ``guest``)."""
        t = self.t(request)
        seated = party is not None and party.status == SEATED
        title = render.gone_title(t, seated)
        body = render.gone_fragment(t, self.config, seated)
        return self.page(render.layout(t, self.config, title=title, body=body, kind="guest",
                                       switch=request.url.path), 200 if seated else 404)

    def guest_cut(self, t: Translator, party_id: str, token: str
                  ) -> Callable[[LiveState], tuple[str, str]]:
        def cut(state: LiveState) -> tuple[str, str]:
            p = state.room.parties.get(party_id)  # waiting, called or seated
            if p is None or not p.waiting:
                return "gone", render.gone_fragment(t, self.config, p is not None)
            view = pages.view(state.room, p, self.config, state.quotes, state.now)
            return "update", render.guest_fragment(t, self.config, view, token)
        return cut

    async def guest(self, request: Request) -> Response:
        """A guest's own page; once the party is seated or gone, the page that says so,
        still listening for the party's return to the list."""
        token = request.path_params["token"]
        party = await self.linked(token)
        if party is None:
            return self.gone(request, None)
        state = await self.hub.current()
        t = self.t(request)
        kind, body = self.guest_cut(t, party.id, token)(state)
        live = state.room.parties.get(party.id)
        if kind == "update" and live is not None:
            title, status = t("web_page_title", ticket=live.ticket or "—"), 200
        else:
            seated = live is not None
            title, status = render.gone_title(t, seated), 200 if seated else 404
        base = render.page_link(token, t.language)
        return self.page(render.layout(
            t, self.config, title=title, body=body, kind="guest", switch=request.url.path,
            live={"events": base.replace("?", "/events?", 1),
                  "poll": base.replace("?", "/live?", 1), "seq": str(state.seq)}), status)

    async def guest_events(self, request: Request) -> Response:
        """A page's news by server-sent events."""
        found = await self._guest_news(request)
        return found if isinstance(found, Response) else self.stream(request, *found)

    async def guest_live(self, request: Request) -> Response:
        """A page's news by long poll."""
        found = await self._guest_news(request)
        return found if isinstance(found, Response) else \
            await self.long_poll(request, *found)

    async def _guest_news(self, request: Request
                          ) -> Response | tuple[Callable[[LiveState], tuple[str, str]],
                                                int | None]:
        """What a page's news is cut with, and from which state: a party that has left
        gets its ``gone`` news at once (the gone page for an unknown token)."""
        token = request.path_params["token"]
        party = await self.linked(token)
        if party is None:
            return self.gone(request, None)
        if not party.waiting:
            await self.hub.current()  # the state it is cut from knows the party left
        return (self.guest_cut(self.t(request), party.id, token),
                None if party.waiting else 0)

    async def caught_up(self) -> None:
        """After a write that went through: the live state brought up to date, so the
        page loaded next shows it. A failure here (the file moved away since) does not
        undo the write: the guest is told it was done, and the hub catches up."""
        try:
            await self.hub.current()
        except DB_ERRORS as exc:
            log.warning("saved, but the pages could not be brought up to date: %s", exc)

    async def coming(self, request: Request) -> Response:
        """"I'm on my way back": a reply on the token's own party only (a second tap
        soon after is the same answer: nothing more is recorded, the page says it)."""
        if not same_origin(request, self.config):
            return self.message(request, 403, "web_forbidden_title", "web_forbidden",
                                "forbidden")
        token = request.path_params["token"]
        if await self.linked(token) is None:
            return self.gone(request, None)
        try:
            await run_in_threadpool(self.store.guest_reply, self.now(), token, COMING)
        except Conflict:
            return self.gone(request, await self.linked(token))
        await self.caught_up()
        return RedirectResponse(render.page_link(token, self.t(request).language), 303)

    async def coming_page(self, request: Request) -> Response:
        """The button's address loaded with GET (a phone reopening a tab whose last load
        was the button's post): the guest's own page, nothing recorded."""
        return RedirectResponse(render.page_link(request.path_params["token"],
                                                 self.t(request).language), 303)

    async def cancel_ask(self, request: Request) -> Response:
        token = request.path_params["token"]
        party = await self.linked(token)
        if party is None or not party.waiting:
            return self.gone(request, party)
        t = self.t(request)
        state = await self.hub.current()
        view = pages.view(state.room, state.room.parties.get(party.id, party), self.config,
                          state.quotes, state.now)
        return self.page(render.layout(t, self.config, title=t("web_page_cancel"),
                                       body=render.cancel_confirm(t, view, token),
                                       kind="guest", switch=request.url.path))

    async def cancel(self, request: Request) -> Response:
        if not same_origin(request, self.config):
            return self.message(request, 403, "web_forbidden_title", "web_forbidden",
                                "forbidden")
        token = request.path_params["token"]
        party = await self.linked(token)
        if party is None:
            return self.gone(request, None)
        try:
            await run_in_threadpool(self.store.guest_cancel, self.now(), token)
        except Conflict:
            return self.gone(request, await self.linked(token))
        await self.caught_up()
        # POST, redirect, GET: a reload does not post again, and the language link works
        return RedirectResponse(render.page_link(token, self.t(request).language,
                                                 "cancelled"), 303)

    async def cancelled(self, request: Request) -> Response:
        """The page after "Cancel my place": said while the party stands cancelled
        (the guest's own page again if the host has put it back on the list)."""
        token = request.path_params["token"]
        party = await self.linked(token)
        if party is None:
            return self.gone(request, None)
        if party.waiting:
            return RedirectResponse(render.page_link(token, self.t(request).language), 303)
        if party.status != REMOVED or party.reason != "cancelled":
            return self.gone(request, party)
        return self.message(request, 200, "web_cancelled_title", "web_cancelled", "cancelled",
                            ticket=party.ticket or "—")

    # -- self check-in ------------------------------------------------------------
    def join_closed(self, request: Request) -> Response | None:
        if not self.config.guests.self_check_in:
            return self.message(request, 404, "web_join_off_title", "web_join_off", "join-off")
        return None

    async def paused(self) -> bool:
        return await run_in_threadpool(self.store.joining_paused)

    def paused_page(self, request: Request, status: int) -> Response:
        return self.message(request, status, "web_join_paused_title", "web_join_paused",
                            "join-paused")

    async def join(self, request: Request) -> Response:
        closed = self.join_closed(request)
        if closed is not None:
            return closed
        if await self.paused():
            return self.paused_page(request, 200)
        t = self.t(request)
        state = await self.hub.current()
        return self.join_page(request, t, {}, {}, state.board, 200)

    def join_page(self, request: Request, t: Translator, values: dict[str, str],
                  problems: dict[str, checkin.Problem], board: Board | None,
                  status: int, note: str = "") -> Response:
        body = render.join_form(t, self.config, values, problems, board, note,
                                once=secrets.token_urlsafe(16))
        return self.page(render.layout(t, self.config, title=t("web_join_title"), body=body,
                                       kind="guest", switch="/join"), status)

    async def join_post(self, request: Request) -> Response:
        closed = self.join_closed(request)
        if closed is not None:
            return closed
        if not same_origin(request, self.config):
            return self.message(request, 403, "web_forbidden_title", "web_forbidden",
                                "forbidden")
        if not request.headers.get("content-length", "0").isdecimal() or \
                int(request.headers.get("content-length", "0")) > FORM_MAX_BYTES:
            return self.message(request, 413, "web_too_long_title", "web_too_long", "too-long")
        form = await request.form(max_files=0, max_fields=10)
        values = {k: str(form.get(k, "")) for k in ("name", "size", "phone")}
        t = self.t(request)
        once = str(form.get("once", ""))
        saved: asyncio.Future[str | None] | None = None
        if ONCE_MARK.match(once):
            typed, now = tuple(values.values()), self.now()
            earlier = self.once.earlier(once, typed, now)
            token = await asyncio.shield(earlier) if earlier is not None else None
            if token is not None:  # this form's party is on the list already
                return RedirectResponse(render.page_link(token, t.language), 303)
            saved = self.once.start(once, typed, now)
        try:
            return await self._join(request, t, values, saved)
        except DB_ERRORS as exc:  # busy or unreadable: nothing saved, nothing typed lost
            log.warning("check-in not saved: %s", exc)
            return self.join_page(request, t, values, {}, None, 503,
                                  note=t("web_join_busy"))
        finally:
            if saved is not None and not saved.done():
                saved.set_result(None)  # not saved: the form may be sent again

    async def _join(self, request: Request, t: Translator, values: dict[str, str],
                    saved: asyncio.Future[str | None] | None = None) -> Response:
        if await self.paused():
            return self.paused_page(request, 409)
        address = request.client.host if request.client else ""
        now = self.now()
        if not self.limit.take(address, now):
            return self.message(request, 429, "web_limit_title", "web_limit", "limited",
                                headers={"retry-after": "60"})
        try:
            checked = checkin.check_in(values["name"], values["size"], values["phone"],
                                       self.config.largest_party, self.config.country)
            result = checked if isinstance(checked, checkin.Refused) else \
                await run_in_threadpool(self._add, checked, now)
        except BaseException:
            self.limit.give_back(address)  # not saved: it does not count
            raise
        if isinstance(result, checkin.Refused):
            self.limit.give_back(address)
            return self.join_page(request, t, values, result.problems, None, 400)
        if saved is not None:
            saved.set_result(result)
        await self.caught_up()
        return RedirectResponse(render.page_link(result, t.language), 303)

    def _add(self, entry: checkin.CheckIn, now: float) -> str | checkin.Refused:
        """Save the guest's party with the quote it is told (worker thread); its token.
        A phone a waiting party already gave is refused: replies to it and messages
        from it would reach the other party."""
        room = self.store.load_room()
        quote = self.hub.quotes.quote_new(room, entry.size, now)
        with self.store.transaction():
            if entry.phone and self.store.outbox.waiting_party_for_phone(entry.phone):
                return checkin.Refused({"phone": checkin.Problem.of("web_join_phone_taken")})
            ev = self.store.add_party(
                now, entry.size, entry.name, entry.phone, quote=quote,
                tz=self.config.timezone,
                ticket_prefix=self.config.guests.ticket_class(entry.size).prefix, via="join",
                tickets_restart=self.config.guests.tickets_restart)
            return self.store.guest_link(ev.party)

    # -- faults ------------------------------------------------------------------------
    async def busy(self, request: Request, exc: Exception) -> Response:
        """A locked, busy or unreadable file: a page that tries again by itself. A page
        loads itself again; after a guest's button (a POST, not saved) the page goes
        back to the guest's own page, where the button can be pressed again: a POST
        address is never loaded with GET."""
        t = self.t(request)
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        action = GUEST_ACTION.match(request.url.path)
        if request.method == "GET":
            target, text, words = str(request.url), "web_busy_page", "web_retry"
        elif action is not None:
            target = render.page_link(action.group(1), t.language)
            text, words = "web_busy_action", "web_back_to_page"
        else:
            target, text, words = "", "web_busy_action_other", ""
        more = (f'<p><a id="retry" class="button" href="{render.e(target)}">'
                f'{render.e(t(words))}</a></p>') if target else ""
        page = render.message_page(t, self.config, title=t("web_busy_page_title"),
                                   text=t(text), page_id="busy-file", more=more,
                                   refresh=RETRY_SECONDS if target else 0,
                                   refresh_to=target if request.method != "GET" else "")
        return self.page(page, 503, {"retry-after": str(RETRY_SECONDS)})

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.message(request, 404, "web_not_found_title", "web_not_found", "not-found")


class SecurityHeaders:
    """Adds the pages' security headers to every response."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(config: Config, store_path: str | Path, clock: Clock | None = None) -> Starlette:
    """The guest web server over the SQLite file at ``store_path`` (created and migrated
    if new, as the stand would). ``clock``: the time (tests pass a FixedClock)."""
    store = Store.open(store_path, config, station="web", busy_timeout=WEB_BUSY_TIMEOUT)
    web = Web(config, store, clock or SystemClock())

    def estimates() -> dict[str, float]:
        """The waits the pages show, for the sender's "getting close" messages."""
        state = web.hub.state
        return {pid: q.minutes for pid, q in state.quotes.items()} if state else {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(web.hub.run())
        try:
            async with running(web.store, config, web.clock, estimates):
                yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            web.hub.close()

    routes = [
        Route("/", lambda request: RedirectResponse("/board", 307)),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/board", web.board),
        Route("/board/events", web.board_events),
        Route("/board/live", web.board_live),
        Route("/p/{token}", web.guest),
        Route("/p/{token}/events", web.guest_events),
        Route("/p/{token}/live", web.guest_live),
        Route("/p/{token}/coming", web.coming, methods=["POST"]),
        Route("/p/{token}/coming", web.coming_page, methods=["GET"]),
        Route("/p/{token}/cancel", web.cancel_ask, methods=["GET"]),
        Route("/p/{token}/cancel", web.cancel, methods=["POST"]),
        Route("/p/{token}/cancelled", web.cancelled, methods=["GET"]),
        Route("/join", web.join, methods=["GET"]),
        Route("/join", web.join_post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *reply_routes(config, store_path, web.clock),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={StoreError: web.busy, sqlite3.Error: web.busy,
                                        404: web.not_found})
    app.add_middleware(SecurityHeaders)
    app.state.web = web
    return app



