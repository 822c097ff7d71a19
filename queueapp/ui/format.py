"""Small display helpers shared by the screens."""

from __future__ import annotations

import math

import arrow
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from queueapp.config import Config
from queueapp.goodwill.gestures import Gesture
from queueapp.goodwill.guests import GuestCard
from queueapp.goodwill.suggestions import ordinal
from queueapp.i18n import Translator
from queueapp.privacy import printable
from queueapp.review.labels import gesture_label
from queueapp.waitlist.events import COMING, TEXT
from queueapp.waitlist.room import Party
from queueapp.waitlist.seating import Proposal


def clip(value: str, width: int) -> Text:
    """Guest text as a Text (never read as markup) on one line, cut to ``width`` screen
    cells."""
    return fit(Text(value.replace("\n", " ")), width)


def minutes_text(minutes: float, t: Translator) -> str:
    """``7 min`` or ``1 h 05`` for longer waits."""
    m = int(minutes)
    if m < 60:
        return t("minutes", n=m)
    return t("hours_minutes", h=m // 60, m=f"{m % 60:02d}")


ALLERGY = "⚠"
ALLERGY_STYLE = "bold white on red"  # an allergy is never missed


def allergy_text(card: GuestCard, t: Translator) -> Text:
    """``⚠ allergy: peanuts, sesame``, marked (empty when none is known). Guest text: a
    Text, never markup."""
    if not card.allergies:
        return Text("")
    return Text(f"{ALLERGY} " + t("note_allergy") + ": " + ", ".join(card.allergies),
                style=ALLERGY_STYLE)


def guest_parts(card: GuestCard | None, now: float, timezone: str, t: Translator
                ) -> list[Text]:
    """What the host should know about a guest, each part whole, an allergy first
    (marked: it must not be missed), then the visit, last visit, likes, dislikes,
    birthday and earlier complaints."""
    if card is None:
        return []
    parts = [allergy_text(card, t)] if card.allergies else []
    words = [t("guest_visit", nth=ordinal(card.visit_number, t.language))
             if card.returning else t("guest_new")]
    if card.returning and card.last_visit:
        words.append(t("guest_last_visit",
                       when=arrow.get(card.last_visit).to(timezone).format("YYYY-MM-DD")))
    if card.likes:
        words.append(t("note_like") + " " + ", ".join(card.likes[-2:]))
    if card.dislikes:
        words.append(t("note_dislike") + " " + ", ".join(card.dislikes[-2:]))
    days = card.days_to_birthday(now, timezone)
    if days is not None and days <= 14:
        words.append(t("why_birthday_today") if days == 0 else
                     t("why_birthday_soon", days=days))
    if card.complaints:
        words.append(t("guest_complaints", n=card.complaints))
    return parts + [Text(w.replace("\n", " ")) for w in words]


def guest_line(card: GuestCard | None, now: float, timezone: str, t: Translator) -> Text:
    """The guest's card in one line (:func:`guest_parts`), an allergy first and marked."""
    return Text(" · ").join(guest_parts(card, now, timezone, t))


def flow(parts: list[tuple[str, Text]], width: int, console: Console) -> list[Text]:
    """``parts`` (each with the separator that goes before it) set in lines of ``width``
    cells, a part never split between lines unless it is longer than a line (then it
    wraps at its spaces); a separator at a line's start is dropped."""
    lines = [Text()]
    for sep, part in parts:
        line = lines[-1]
        if line.cell_len and line.cell_len + cell_len(sep) + part.cell_len <= width:
            line.append(sep)
            line.append_text(part)
            continue
        if line.cell_len:
            lines.append(line := Text())
        if part.cell_len <= width:
            line.append_text(part)
        else:
            lines[-1:] = wrapped(part, width, console) or [Text()]
    return [line for line in lines if line.cell_len]


def wrapped(text: Text, width: int, console: Console) -> list[Text]:
    """``text`` in lines of ``width`` cells, broken at spaces (a word longer than a line
    is folded), no line ending in a space."""
    lines = [line.copy() for line in text.wrap(console, width, overflow="fold")]
    for line in lines:
        line.rstrip()
    return lines


def gesture_cells(g: Gesture, config: Config, t: Translator, width: int
                  ) -> tuple[Text, Text, str]:
    """A logged gesture's label (the catalogue's, in the screen's language), note and
    style, as the log and the review show them: voided ones struck through, a void in
    red with what it voids and who voided it."""
    style = "strike dim" if g.voided else "red" if g.void_of else ""
    label = clip(gesture_label(g, config), width)
    if g.void_of:
        label.append(" " + t("void_of", id=g.void_of))
    elif g.voided:
        label.append(" (" + t("voided") + ")")
    label.stylize(style)
    extra = [t("approved_by", lead=g.approved_by)] if g.approved_by else []
    if g.voided_by:
        extra.append(t("voided_by", host=g.voided_by))
    return label, clip(" · ".join([g.note, *extra] if g.note else extra), 30), style



# icons for the tags a host can set; a tag the config adds shows as its first letter
TAG_ICONS = {"child": "🧒", "high chair": "🪑", "wheelchair": "♿", "birthday": "🎂",
             "VIP": "💎", "pram": "👶", "allergy": "⚠", "elderly": "👴", "long hair": "💇"}
RETURNING_ICON = "★"
NOTE_ICON = "✎"


def tag_icons(tags: tuple[str, ...] | list[str], note: str, returning: bool) -> str:
    """The tags and note as icons, for rows too narrow for their words (the words are
    in the party panel)."""
    icons = [RETURNING_ICON] if returning else []
    icons += [TAG_ICONS.get(tag) or (tag[:1].upper() or "•") for tag in tags]
    if note.strip():
        icons.append(NOTE_ICON)
    return "".join(icons)


def parties_and_guests(parties: int, guests: int, t: Translator, short: bool = False) -> str:
    """``Waiting: 1 party, 2 guests`` (``short``: ``1 party, 2 guests``): the count words
    agree with their numbers."""
    return t("header_waiting_counts_short" if short else "header_waiting_counts",
             parties=t("n_party" if parties == 1 else "n_parties", n=parties),
             guests=t("n_guest" if guests == 1 else "n_guests", n=guests))


def fit(text: Text, width: int) -> Text:
    """A copy of ``text`` cut to ``width`` screen cells with an ellipsis (Chinese counts
    two cells a character: measured by rich, never by ``len``). The ellipsis follows the
    last character kept: no space before it (rich pads a cut wide character with one,
    ``离开 …``), nor one typed there (``left …``)."""
    out = text.copy()
    out.no_wrap = True
    width = max(width, 0)
    if out.cell_len <= width:
        return out
    plain, kept, cells = out.plain, 0, 0
    for char in plain:
        cells += cell_len(char)
        if cells > width - 1:
            break
        kept += 1
    while kept and plain[kept - 1].isspace():
        kept -= 1
    out.plain = plain[:kept] + "…" if width else ""
    return out


NEXT = "→"  # who sits next: a ready table and the party proposed for it
HELD = "⏸"  # a table kept for a party


def proposal_text(proposal: Proposal, now: float, t: Translator) -> str:
    """``next: A4`` for a proposed table, ``held: A4 8 min`` for a table kept for them."""
    if proposal.held and proposal.until is not None:
        minutes = max(1, math.ceil((proposal.until - now) / 60))
        return t("held_table", table=proposal.table, minutes=minutes)
    return t("proposed_table", table=proposal.table)


def party_label(party: Party | None, fallback: str = "") -> str:
    """A party as the host says it aloud and guests read it: ``B007 Zhang Wei`` (its
    queue number first), the name alone without one, else ``fallback`` (its id)."""
    if party is None:
        return fallback
    name = guest_words(party.name)  # one line, whatever was typed (or self-checked-in)
    return " ".join(part for part in (party.ticket, name) if part) or fallback or party.id


FULL_WIDTH_PUNCTUATION = "：，。；？！）】」"  # Chinese text runs on after these, no space


def lead_in(label: str) -> str:
    """A label that leads into what follows it (a name, a number): ``Remove from the
    list: `` with a space, ``移出名单：`` without one (a full-width colon has its own)."""
    return label if not label or label.endswith(tuple(FULL_WIDTH_PUNCTUATION)) else label + " "


def who(party: Party, width: int = 40) -> str:
    """A party named in a dialog's title or a message: :func:`party_label` (its queue
    number first, so two guests of one name are told apart), on one line, cut to
    ``width`` screen cells. Goes into a ``Text``, never read as markup."""
    return fit(Text(party_label(party, party.id)), width).plain


REPLY_MARK = "↩"  # a guest answered from their page or a message
# the answer as icons, for rows too narrow for its words: on the way back, or a message
REPLY_ICONS = {COMING: REPLY_MARK + "✓", TEXT: REPLY_MARK + "💬"}


def reply_marker(party: Party, t: Translator) -> Text:
    """``↩ coming`` or the guest's own words (``↩ “5 min”``) for their row; empty when
    they have not answered. Guest text: a Text, never markup."""
    if not party.reply:
        return Text("")
    if party.reply == COMING:
        return Text(f"{REPLY_MARK} " + t("reply_coming"), style="bold green")
    return Text(f"{REPLY_MARK} ", style="bold green") + Text(f"“{guest_words(party.reply_text)}”",
                                                             style="green")


def guest_words(text: str) -> str:
    """What a guest wrote (from their phone: anything), on one line, without control
    characters that could drive the terminal or make it read backwards."""
    return " ".join(printable(text, one_line=True).split())
