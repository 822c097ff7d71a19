"""The guest web pages as HTML, rendered on the server from the lobby's values.

Every piece of text that did not come from this file goes through :func:`e` (HTML
escaping, control characters dropped), so a name such as ``<script>`` shows as typed.
Live parts of a page are one fragment inside ``<main id="live">``: the server sends a
new fragment on every change and the page's small script only swaps it in, so there is
one renderer (this module) and the page works without JavaScript.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from urllib.parse import quote as url_quote

import arrow

from queueapp.config import Config
from queueapp.i18n import Translator
from queueapp.lobby.board import Board
from queueapp.lobby.busy import Busy
from queueapp.lobby.checkin import NAME_MAX, Problem
from queueapp.lobby.page import GuestView
from queueapp.privacy import printable
from queueapp.quotes import reason
from queueapp.quotes.rule import Quote

LANGS = ("en", "zh")
CALLED_ROWS = 4  # rows of called numbers the board's "now calling" area holds
SHORT_TICKET = 4  # characters of a number two of which fit one row (A012; not VIP012)
LANG_WORDS = {"en": "web_lang_en", "zh": "web_lang_zh"}  # each language named in itself
NAME_SHOWN = 40  # characters of a guest's own name shown on their page


def e(value: object) -> str:
    """Any text for the page: control characters dropped, then HTML-escaped."""
    return html.escape(printable(str(value), one_line=True), quote=True)


def cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def local_time(at: float | None, tz: str) -> str:
    return arrow.get(at).to(tz).format("HH:mm") if at else ""


def sizes(t: Translator, low: int, high: int | None) -> str:
    if high is None:
        return t("web_sizes_up", low=low)
    if high == low:
        return t("web_sizes_one", n=low)
    return t("web_sizes", low=low, high=high)


# the check-in's words said to the guest checking themselves in, not to a host
TO_GUEST = {"err_name_required": "web_err_name_required"}


def wait_text(t: Translator, quote: Quote | None) -> str:
    if quote is None:
        return t("web_wait_unknown")
    point, low, high = quote.rounded()
    if high == 0:
        return t("web_wait_none")
    return t("web_wait", point=point, low=low, high=high)


def wait_html(t: Translator, quote: Quote | None) -> str:
    """:func:`wait_text` for a page: the range (``60–100``) in a ``<span class="range">``
    the stylesheet keeps on one line (a line break after its dash read "(60–" and
    "100)" on a phone and on the board)."""
    if quote is None or quote.rounded()[2] == 0:
        return e(wait_text(t, quote))
    point, low, high = quote.rounded()
    start, end = "\ue000", "\ue001"  # where the range starts and ends, in any language
    text = e(t("web_wait", point=point, low=f"{start}{low}", high=f"{high}{end}"))
    return text.replace(start, '<span class="range">').replace(end, "</span>")


# -- the page around a fragment -----------------------------------------------------

def layout(t: Translator, config: Config, *, title: str, body: str, kind: str,
           switch: str = "", live: Mapping[str, str] | None = None) -> str:
    """A whole page. ``switch``: the page's address without ``lang`` (the language
    switch links to it); ``live``: ``data-`` attributes of the live fragment, which is
    then ``body`` inside ``<main id="live">``."""
    lang = t.language
    switcher = ""
    if switch:
        sep = "&" if "?" in switch else "?"
        links = "".join(
            f'<a id="lang-{code}" href="{e(switch + sep + "lang=" + code)}"'
            + (' aria-current="true"' if code == lang else "") + f' lang="{code}">'
            + e(t(LANG_WORDS[code])) + "</a>" for code in LANGS)
        switcher = f'<nav class="langs" aria-label="{e(t("web_language"))}">{links}</nav>'
    if live is not None:
        attrs = "".join(f' data-{k}="{e(v)}"' for k, v in live.items())
        main = f'<main id="live" aria-live="polite"{attrs}>{body}</main>'
        script = '<script src="/static/live.js" defer></script>'
    else:
        main, script = f"<main>{body}</main>", ""
    return ("<!doctype html>\n"
            f'<html lang="{"zh-Hans" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)} · {e(config.name)}</title>"
            '<link rel="stylesheet" href="/static/style.css">'
            f'{script}</head><body class="{e(kind)}">'
            f'<header><span class="restaurant">{e(config.name)}</span>{switcher}</header>'
            f"{main}</body></html>\n")


def message_page(t: Translator, config: Config, *, title: str, text: str, kind: str = "note",
                 page_id: str = "message", more: str = "", refresh: int = 0,
                 refresh_to: str = "", switch: str = "") -> str:
    """A plain page saying one thing (not found, paused, too many tries, busy).
    ``refresh``: seconds after which the browser loads the page again, or with
    ``refresh_to`` that address instead (always a GET)."""
    body = (f'<section id="{e(page_id)}" class="message {e(kind)}"><h1>{e(title)}</h1>'
            f"<p>{e(text)}</p>{more}</section>")
    page = layout(t, config, title=title, body=body, kind="guest", switch=switch)
    if refresh:
        target = f";url={refresh_to}" if refresh_to else ""
        page = page.replace("<head>", f'<head><meta http-equiv="refresh" '
                                      f'content="{e(str(refresh) + target)}">', 1)
    return page


# -- the board ------------------------------------------------------------------------

def board_fragment(t: Translator, config: Config, board: Board, busy: Busy, now: float,
                   join_qr: str = "") -> str:
    tz = config.timezone
    parts = ['<div id="board" class="board-grid">']
    if board.paused:
        parts.append(f'<p id="paused" class="paused" role="status">{e(t("web_board_paused"))}'
                     "</p>")
    parts.append(f'<section id="called-now" class="called-now"><div class="called-head">'
                 f'<h2>{e(t("web_board_calling"))}</h2><p id="clock" class="clock">'
                 f"{e(local_time(now, tz))}</p></div>{called_list(t, board)}</section>")
    lines = []
    for line in board.classes:
        nxt = "".join(f'<li class="ticket">{e(n)}</li>' for n in line.next)
        lines.append(
            f'<section class="class" id="class-{e(line.prefix)}">'
            f'<h3><span class="prefix">{e(line.prefix)}</span> '
            f'<span class="sizes">{e(sizes(t, line.low, line.high))}</span></h3>'
            f'<p class="count">{e(t("web_board_waiting", n=line.waiting))}</p>'
            f'<p class="label">{e(t("web_board_next"))}</p>'
            + (f'<ol class="next">{nxt}</ol>' if nxt else
               f'<p class="next none">{e(t("web_board_nobody"))}</p>')
            + f'<p class="label">{e(t("web_board_wait"))}</p>'
            f'<p class="wait" id="wait-{e(line.prefix)}">{wait_html(t, line.wait)}</p>'
            "</section>")
    parts.append(f'<div id="classes" class="classes" data-n="{len(board.classes)}">'
                 f'{"".join(lines)}</div>')
    if join_qr and not board.paused:
        parts.append(f'<section id="join-here" class="join-here">{join_qr}</section>')
    parts.append(busy_section(t, busy))
    parts.append("</div>")
    return "".join(parts)


def called_list(t: Translator, board: Board) -> str:
    """The numbers being called, the first called first (their hold runs out first).
    More than fit (CALLED_ROWS rows of two short numbers, or of one longer): the latest
    ones, after "+N called earlier" in the place of the earlier ones, so none is
    dropped without a word."""
    if not board.called:
        return f'<p class="none">{e(t("web_board_none_called"))}</p>'
    shown = board.called
    fit = CALLED_ROWS * (2 if max(len(c.ticket) for c in shown) <= SHORT_TICKET else 1)
    more = ""
    if len(shown) > fit:
        shown = shown[len(shown) - fit + 1:]
        more = (f'<li id="called-more" class="more">'
                f'{e(t("web_board_more", n=len(board.called) - len(shown)))}</li>')
    items = "".join(f'<li class="ticket" data-ticket="{e(c.ticket)}">{e(c.ticket)}</li>'
                    for c in shown)
    return f'<ol class="called-list">{more}{items}</ol>'


def _hour(h: int) -> str:
    return f"{h % 24:02d}:00"


def busy_section(t: Translator, busy: Busy) -> str:
    if not busy.enough:
        return f'<section id="busy" class="busy"><p>{e(t("web_busy_unknown"))}</p></section>'
    spans = ", ".join(f"{_hour(a)}–{_hour(b)}" for a, b in busy.busy)
    head = t("web_busy_weekday" if busy.weekday is not None else "web_busy_days",
             days=busy.days)
    text = [f'<p class="busy-hours">{e(t("web_busy_hours", hours=spans))}</p>']
    if busy.best is not None and busy.best.wait is not None:
        text.append(f'<p class="best" id="best">{e(t("web_busy_best", hour=_hour(busy.best.hour), minutes=max(0, round(busy.best.wait))))}</p>')  # noqa: E501
    return (f'<section id="busy" class="busy"><h2>{e(t("web_busy_title"))}</h2>{"".join(text)}'
            f'<p class="from">{e(head)}</p></section>')


# -- one guest's page ---------------------------------------------------------------------

def page_link(token: str, lang: str, action: str = "") -> str:
    return f"/p/{url_quote(token, safe='')}" + (f"/{action}" if action else "") + \
        f"?lang={lang}"


def come_by(t: Translator, config: Config, v: GuestView) -> str:
    """When to come to the stand, from the hold in the record (the call, or as long as
    the host kept the table): "by 19:42", a clock time that stays true however long the
    page is open; "as soon as possible" once it has passed."""
    if v.hold_ends is None or v.hold_ends <= v.now:
        return t("msg_come_now")
    by = arrow.get(v.hold_ends).to(config.timezone).format("HH:mm")
    return t("web_page_come_by", time=by, minutes=math.ceil((v.hold_ends - v.now) / 60))


def guest_fragment(t: Translator, config: Config, v: GuestView, token: str) -> str:
    lang = t.language
    state = "called" if v.called else "waiting"
    title = f'{t("web_page_title", ticket=v.ticket or "—")} · {config.name}'
    out = [f'<div id="guest" class="guest-card {state}" data-status="{state}" '
           f'data-title="{e(title)}">'
           f'<p class="label">{e(t("web_page_your_number"))}</p>'
           f'<p id="ticket" class="ticket huge">{e(v.ticket or "—")}</p>'
           f'<p id="party" class="who">{e(t("web_page_party", n=v.size))}'
           + (f" · {e(cut(v.name, NAME_SHOWN))}" if v.name else "") + "</p>"]
    if v.called:
        out.append(f'<div id="called" class="called-box" role="alert"><h2>'
                   f'{e(t("web_page_called"))}</h2><p>{e(come_by(t, config, v))}</p></div>')
    else:
        out.append(f'<p id="position" class="position" data-position="{v.position}">'
                   f'{e(t("web_page_position", n=v.position, sizes=sizes(t, v.class_low, v.class_high)))}</p>')  # noqa: E501
        ahead = ", ".join(v.ahead)
        if v.ahead_count == 0:
            words = t("web_page_nobody_ahead")
        elif len(v.ahead) == v.ahead_count:
            words = t("web_page_ahead", numbers=ahead)
        else:
            words = t("web_page_ahead_count", n=v.ahead_count)
        out.append(f'<p id="ahead" data-ahead="{v.ahead_count}">{e(words)}</p>')
        out.append(f'<p class="label">{e(t("web_page_estimate"))}</p>'
                   f'<p id="estimate" class="estimate">{wait_html(t, v.estimate)}</p>')
        # why: the estimator's own reason for this estimate (its walk), else what is
        # true in the room now (a quoter that gives no reason)
        line = reason.say(v.estimate, t, on_page=True) if v.estimate is not None else ""
        if not line and v.reason:
            line = t("web_page_reason_join").join(t(f.key, **f.values) for f in v.reason)
        if line:
            out.append(f'<p id="reason" class="reason">{e(line)}</p>')
    if v.coming:
        out.append(f'<p id="coming-noted" class="noted">{e(t("web_page_coming_noted"))}</p>')
    out.append(f'<form method="post" action="{e(page_link(token, lang, "coming"))}">'
               f'<button id="coming" class="primary" type="submit">'
               f'{e(t("web_page_coming"))}</button></form>')
    out.append(f'<form method="get" action="{e(page_link(token, lang, "cancel"))}">'
               f'<input type="hidden" name="lang" value="{e(lang)}">'
               f'<button id="cancel" class="quiet" type="submit">{e(t("web_page_cancel"))}'
               "</button></form>")
    if v.offers:
        items = "".join(f"<li>{e(i.label_for(lang))}</li>" for i in v.offers)
        out.append(f'<section id="offers" class="offers"><h2>{e(t("web_page_offers"))}</h2>'
                   f"<ul>{items}</ul></section>")
    out.append("</div>")
    return "".join(out)


def gone_title(t: Translator, seated: bool) -> str:
    """What a page whose party is no longer waiting says: enjoy your meal while the
    party is at its table, else that the link no longer works."""
    return t("web_gone_seated_title" if seated else "web_gone_title")


def gone_fragment(t: Translator, config: Config, seated: bool) -> str:
    title = gone_title(t, seated)
    text = t("web_gone_seated" if seated else "web_gone")
    return (f'<section id="gone" class="message note" data-status='
            f'"{"seated" if seated else "gone"}" data-title="{e(title)} · {e(config.name)}">'
            f"<h1>{e(title)}</h1><p>{e(text)}</p></section>")


def cancel_confirm(t: Translator, v: GuestView, token: str) -> str:
    lang = t.language
    return (f'<section id="cancel-ask" class="message"><h1>'
            f'{e(t("web_cancel_title", ticket=v.ticket or "—"))}</h1>'
            f'<p>{e(t("web_cancel_text"))}</p>'
            f'<form method="post" action="{e(page_link(token, lang, "cancel"))}">'
            f'<button id="cancel-confirm" class="danger" type="submit">'
            f'{e(t("web_cancel_yes"))}</button></form>'
            f'<p><a id="keep" class="button" href="{e(page_link(token, lang))}">'
            f'{e(t("web_cancel_no"))}</a></p></section>')


# -- self check-in ------------------------------------------------------------------------

def join_form(t: Translator, config: Config, values: Mapping[str, str],
              problems: Mapping[str, Problem], board: Board | None, note: str = "",
              once: str = "") -> str:
    """The check-in form; with ``board``, the wait for each party size right now;
    ``note``: why the form came back with what was typed (the list was busy); ``once``:
    this form's own mark (the same form posted twice adds its party once)."""
    lang = t.language

    def field(name: str, label: str, kind: str, extra: str) -> str:
        problem = problems.get(name)
        error = f'<p class="error" id="{name}-error">{e(problem.render(t, TO_GUEST))}</p>' \
            if problem else ""
        invalid = ' aria-invalid="true"' if problem else ""
        return (f'<label for="{name}">{e(label)}</label>'
                f'<input id="{name}" name="{name}" type="{kind}" '
                f'value="{e(values.get(name, ""))}"{extra}{invalid}>{error}')

    wait = ""
    if board is not None:
        rows = "".join(f'<li><span class="sizes">{e(sizes(t, c.low, c.high))}</span> '
                       f'<span class="wait">{wait_html(t, c.wait)}</span></li>'
                       for c in board.classes)
        wait = (f'<p class="label">{e(t("web_board_wait"))}</p>'
                f'<ul id="join-waits" class="join-waits">{rows}</ul>')
    if note:
        wait = f'<p id="join-note" class="error" role="alert">{e(note)}</p>' + wait
    return (f'<section id="join" class="join"><h1>{e(t("web_join_title"))}</h1>{wait}'
            f'<form method="post" action="/join?lang={lang}" novalidate>'
            + (f'<input type="hidden" name="once" value="{e(once)}">' if once else "")
            + field("name", t("field_name"), "text",
                    f' autocomplete="name" maxlength="{NAME_MAX * 4}" required')
            + field("size", t("field_size", max=config.largest_party), "text",
                    ' inputmode="numeric" required')
            + field("phone", t("field_phone"), "tel", ' autocomplete="tel" inputmode="tel"')
            + f'<button id="join-submit" class="primary" type="submit">'
              f'{e(t("web_join_submit"))}</button></form>'
            f'<p class="hint">{e(t("web_join_hint"))}</p></section>')
