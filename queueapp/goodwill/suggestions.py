"""What to do now for a waiting party, and which parties need attention.

Pure functions over plain values (a Party, the catalogue, the party's
gestures, the guest's card, learned stats); only :func:`learn` reads the
database. Ranking: need first (walking away, quote broken, tags, what the guest
liked), then what worked for this restaurant's guests in the same situation
(:class:`Stats`), then cost (cheaper first).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from queueapp.clock import clock_minutes
from queueapp.config import Config
from queueapp.goodwill.catalogue import Catalogue, Interaction
from queueapp.goodwill.gestures import Gesture
from queueapp.goodwill.guests import GuestCard
from queueapp.i18n import Translator
from queueapp.quotes.rule import minutes_past_quote
from queueapp.store import Store
from queueapp.store.rescues import TABLE_OFFER
from queueapp.waitlist.room import CALLED, FREE, OCCUPIED, WAITING, Party, Room, TableState

SOON_MINUTES = 5.0  # "about to pass the quote"
BIRTHDAY_DAYS = 7  # a guest's birthday this close counts as the "birthday" tag

# a quote counts as passed only once the wait is this many minutes beyond it
PAST = 0.5
# need points: what the party needs now outranks everything else
NEED_LEAVING, NEED_OVERDUE, NEED_TAG, NEED_LIKED, NEED_RETURNING, NEED_HAD_BEFORE, NEED_TIMED = \
    5, 4, 3, 3, 2, 1, 1
JUST_ARRIVED = 10  # minutes: a party waiting less than this is in the "arrival" situation
PRIOR_WEIGHT = 3  # outcomes the overall stay rate counts as, against this situation's own
FEW_OUTCOMES = 3  # below this many outcomes overall, popularity stands in for the stay rate
WORKED_SEEN, WORKED_RATE = 5, 0.6  # "worked for N%" is said after 5 outcomes, from 60%
ATTENTION_MINUTES = 15.0  # left alone this long is flagged (the config's default)
RESCUE_WITHIN = 15.0  # minutes: a table freeing this soon is worth offering a leaving party
RESCUE_TABLES = 3  # tables offered at most, before the interactions


@dataclass(frozen=True)
class Reason:
    """One part of a reason, as an i18n key and its values (rendered in any language)."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Reason:
        return cls(key, tuple(values.items()))

    def render(self, t: Translator) -> str:
        values = dict(self.values)
        if "nth" in values:
            values["nth"] = ordinal(int(values["nth"]), t.language)
        if "tag" in values:
            values["tag"] = t.tag(str(values["tag"]))
        return t(self.key, **values)


def ordinal(n: int, language: str = "en") -> str:
    if language == "zh":
        return f"第 {n} 次"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def render_reasons(reasons: Iterable[Reason], t: Translator) -> str:
    return t("why_sep").join(r.render(t) for r in reasons)


@dataclass(frozen=True)
class Suggestion:
    interaction: Interaction
    reasons: tuple[Reason, ...]
    score: float
    need: int = 0
    learned: float = 0.0

    def reason(self, t: Translator) -> str:
        """One line, e.g. "waited 22 min, nothing offered for 15 min, child in party"."""
        return render_reasons(self.reasons, t)


@dataclass(frozen=True)
class Attention:
    """A party that needs someone to go over now."""

    party: Party
    untouched: float  # minutes since arrival or the last gesture
    over_quote: float | None  # minutes past (+) or before (−) the quote
    flagged: bool  # left alone longer than the limit
    reasons: tuple[Reason, ...]
    unreached: bool = False  # called, and the message saying so did not reach them

    def reason(self, t: Translator) -> str:
        return render_reasons(self.reasons, t)


# -- what worked: learned from the log ------------------------------------------------

def situation(waited: float, over: float | None, leaving: bool = False) -> str:
    """The situation a party is in, for comparing like with like."""
    if leaving:
        return "leaving"
    if over is not None and over > PAST:
        return "overdue"
    if over is not None and over > -SOON_MINUTES:
        return "near_quote"
    return "arrival" if waited < JUST_ARRIVED else "waiting"


@dataclass
class Stats:
    """Per (situation, interaction): [given, stayed, left] counts."""

    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, interaction: str, where: str, outcome: str | None) -> None:
        c = self.counts.setdefault((where, interaction), [0, 0, 0])
        c[0] += 1
        if outcome == "stayed":
            c[1] += 1
        elif outcome == "left":
            c[2] += 1

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str | None]]) -> Stats:
        """Rows of (interaction id, situation, "stayed" / "left" / None)."""
        stats = cls()
        for interaction, where, outcome in rows:
            stats.add(interaction, where, outcome)
        return stats

    def _overall(self, interaction: str) -> list[int]:
        total = [0, 0, 0]
        for (_, i), c in self.counts.items():
            if i == interaction:
                total = [a + b for a, b in zip(total, c, strict=True)]
        return total

    def worked(self, interaction: str, where: str) -> tuple[float, int]:
        """(0..1 how well it works here, outcomes seen here).

        The stay rate in this situation, pulled toward the item's overall stay
        rate while there are few outcomes here. While the item has almost no
        outcomes at all, how often hosts chose it here (what most guests
        liked) stands in for the overall rate.
        """
        given, stayed, left = self.counts.get((where, interaction), [0, 0, 0])
        _, all_stayed, all_left = self._overall(interaction)
        prior = (all_stayed + 1) / (all_stayed + all_left + 2)
        if all_stayed + all_left < FEW_OUTCOMES:
            here = [c[0] for (w, _), c in self.counts.items() if w == where]
            if not here:  # nothing in this situation: popularity anywhere
                here = [c[0] for c in self.counts.values()]
                given = self._overall(interaction)[0]
            most = max(here, default=0)
            popular = given / most if most else 0.0
            prior = 0.5 * prior + 0.5 * popular
        n = stayed + left
        return (stayed + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT), n


def learn(store: Store, since: float | None = None) -> Stats:
    """What this restaurant's guests accepted and stayed for, from the gesture and rescue logs.

    A gesture counts as accepted; its party *stayed* if it was seated (or
    finished), *left* if it walked away. Rescues count with their outcome.
    """
    stats = Stats()
    for g in store.gestures.outcomes(since):
        waited = (g.time - g.arrived) / 60
        over = waited - g.quote if g.quote is not None else None
        stats.add(g.interaction, situation(waited, over), _outcome(g.status, g.reason))
    for offer, outcome in store.rescues.decided(since):
        stats.add("table" if offer.startswith(TABLE_OFFER) else offer, "leaving", outcome)
    return stats


def _outcome(status: str, reason: str) -> str | None:
    if status in ("seated", "left"):
        return "stayed"
    if status == "removed" and reason == "walked_away":
        return "left"
    return None


# -- matching guest notes to interactions -----------------------------------------------

_STOP = {"likes", "liked", "like", "loves", "love", "prefers", "the", "and", "with", "very",
         "not", "dislikes", "doesn't", "does", "hates", "allergic", "to", "a", "of", "no"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 3 and w not in _STOP}


def mentions(note: str, item: Interaction) -> bool:
    """Whether a guest note is about this interaction.

    The label is in the note (or the Chinese label), every word of the note is
    in the label, or they share two words: "jasmine tea" is the jasmine tea
    refill, not the ginger tea.
    """
    n = note.casefold()
    if item.label_zh and (item.label_zh in note or (len(note) >= 2 and note in item.label_zh)):
        return True
    if item.label.casefold() in n:
        return True
    words = _words(note)
    shared = words & (_words(item.label) | _words(item.id.replace("_", " ")))
    return bool(words) and (shared == words or len(shared) >= 2)


# -- suggestions -----------------------------------------------------------------------

def _live(history: Iterable[Gesture]) -> list[Gesture]:
    return [g for g in history if not g.is_void and not g.voided]


def _fits(item: Interaction, party: Party, now: float, catalogue: Catalogue, waited: float,
          over: float | None, tags: set[str], returning: bool, leaving: bool) -> bool:
    if item.rescue and not leaving:
        return False
    if not item.fits_party(waited, party.size, tags):
        return False
    if item.min_over_quote is not None or item.max_over_quote is not None:
        if over is None:
            return False
        if item.min_over_quote is not None and over < item.min_over_quote:
            return False
        if item.max_over_quote is not None and over > item.max_over_quote:
            return False
    if item.returning is not None and item.returning != returning:
        return False
    return catalogue.in_season(item, now)


def _untouched(arrived: float, last_given: float | None, now: float) -> Reason:
    """"waited 22 min, nothing offered yet" or "..., nothing offered for 15 min", the
    minutes counted as the list counts them (``clock_minutes``)."""
    waited = clock_minutes(arrived, now)
    if last_given is None:
        return Reason.of("why_nothing_yet", waited=waited)
    return Reason.of("why_untouched", waited=waited, idle=clock_minutes(last_given, now))


def _untouched_since(last_given: float | None, now: float) -> Reason:
    """"nothing offered yet" or "nothing offered for 15 min": :func:`_untouched` without
    the minutes waited, for a reason that says them already ("about to leave after")."""
    if last_given is None:
        return Reason.of("why_nothing_offered_yet")
    return Reason.of("why_nothing_offered_for", idle=clock_minutes(last_given, now))


def suggest(party: Party, now: float, catalogue: Catalogue | Iterable[Interaction],
            history: Iterable[Gesture], guest: GuestCard | None = None,
            stats: Stats | None = None, quote_minutes: float | None = None,
            attention_minutes: float = ATTENTION_MINUTES, *, leaving: bool = False,
            limit: int | None = None) -> list[Suggestion]:
    """Ranked suggestions for one party (best first).

    ``history``: the party's gestures so far (voided ones are ignored).
    ``quote_minutes``: the promised wait from arrival (default ``party.quote``).
    ``leaving``: the party is about to walk away (rescue items join the list).
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else Catalogue(catalogue)
    given = _live(history)
    waited = party.waited(now)
    if quote_minutes is None:  # the party's own, as it was told with its range
        over = minutes_past_quote(party.arrived, now, party.quote, party.quote_low,
                                  party.quote_high)
    else:
        over = minutes_past_quote(party.arrived, now, quote_minutes)
    last = max((g.time for g in given), default=None)
    idle = (now - (last if last is not None else party.arrived)) / 60
    tags = {t.casefold() for t in party.tags}
    tz = cat.timezone
    birthday_in = guest.days_to_birthday(now, tz) if guest else None
    if birthday_in is not None and birthday_in <= BIRTHDAY_DAYS:
        tags.add("birthday")
    returning = bool(guest and guest.returning)
    where = situation(waited, over, leaving)

    shown = clock_minutes(party.arrived, now)  # the minutes the row shows, to the minute
    leave_reason = Reason.of("why_leaving", waited=shown)
    if idle >= attention_minutes:
        wait_reason = _untouched(party.arrived, last, now)
    else:
        wait_reason = Reason.of("why_waited", waited=shown)
    quote_reason = None
    if over is not None and over > PAST:
        quote_reason = Reason.of("why_quote_passed", minutes=round(over))
    elif over is not None and over > -SOON_MINUTES:
        quote_reason = Reason.of("why_quote_near", minutes=max(1, round(-over)))

    out: list[Suggestion] = []
    max_cost = max((i.cost for i in cat), default=0.0)
    for item in cat:
        if not _fits(item, party, now, cat, waited, over, tags, returning, leaving):
            continue
        before = [g for g in given if g.interaction == item.id]
        if before and (item.repeat_after is None
                       or (now - before[-1].time) / 60 < item.repeat_after):
            continue
        if guest and any(mentions(text, item) for text in guest.dislikes + guest.allergies):
            continue
        need, reasons = 0, []
        if leaving and item.rescue:
            need += NEED_LEAVING
            reasons.append(leave_reason)
        if item.min_over_quote is not None and over is not None and over > PAST:
            need += NEED_OVERDUE
        if quote_reason and (item.min_over_quote is not None or item.max_over_quote is not None):
            reasons.append(quote_reason)
        matched = sorted({t for t in item.tags if t.casefold() in tags})
        if matched:
            need += NEED_TAG
            for tag in matched:
                if tag.casefold() == "birthday" and birthday_in is not None \
                        and "birthday" not in {t.casefold() for t in party.tags}:
                    reasons.append(Reason.of("why_birthday_today" if birthday_in == 0
                                             else "why_birthday_soon", days=birthday_in))
                else:
                    reasons.append(Reason.of("why_tag", tag=tag))
        liked = [text for text in (guest.likes if guest else []) if mentions(text, item)]
        if liked and guest:
            need += NEED_LIKED
            reasons.append(Reason.of("why_liked", nth=guest.visit_number, what=liked[-1]))
        elif item.returning and guest:
            need += NEED_RETURNING
            reasons.append(Reason.of("why_returning", nth=guest.visit_number))
        elif guest and any(g.interaction == item.id for g in guest.gestures):
            need += NEED_HAD_BEFORE
            reasons.append(Reason.of("why_had_before"))
        if item.min_waited is not None and item.min_waited > 0:
            need += NEED_TIMED
        if leaving and item.rescue:  # "about to leave after 30 min" says the wait once
            if idle >= attention_minutes:
                reasons.insert(1, _untouched_since(last, now))
        elif not reasons or idle >= attention_minutes:
            reasons.insert(0, wait_reason)
        learned, seen = stats.worked(item.id, where) if stats else (0.0, 0)
        if seen >= WORKED_SEEN and learned >= WORKED_RATE:
            reasons.append(Reason.of("why_worked", percent=round(100 * learned)))
        cheap = 1 - item.cost / (max_cost + 1)
        score = need * 100 + learned * 10 + cheap
        out.append(Suggestion(item, tuple(reasons), round(score, 4), need,
                              round(learned, 4)))
    out.sort(key=lambda s: (-s.need, -s.learned, s.interaction.cost, s.interaction.id))
    return out[:limit] if limit else out


# -- the room ----------------------------------------------------------------------------

def needs_attention(parties: Iterable[Party], now: float,
                    gestures_by_party: Mapping[str, Sequence[Gesture]],
                    attention_minutes: float = ATTENTION_MINUTES,
                    quotes: Mapping[str, float] | None = None,
                    limit: int | None = None,
                    unreached: Collection[str] = ()) -> list[Attention]:
    """Waiting parties that need someone now, most urgent first.

    A party is listed when it was left alone ``attention_minutes`` or longer
    (``flagged``), has waited past its quote, or will pass it within 5 minutes;
    a called party when the message saying its table is ready did not reach it
    (its id in ``unreached``): someone must tell it another way.
    ``quotes`` may override the promised wait (minutes from arrival) per party.
    Order: not reached, overdue and flagged, overdue, flagged, about to pass; then
    the longest untouched.
    """
    out: list[tuple[tuple[int, float], Attention]] = []
    for p in parties:
        given = _live(gestures_by_party.get(p.id, ()))
        last = max((g.time for g in given), default=None)
        idle = (now - (last if last is not None else p.arrived)) / 60
        if p.status == CALLED and p.id in unreached:
            out.append(((-1, -idle), Attention(p, round(idle, 1), None, False,
                                               (Reason.of("why_not_reached"),), True)))
            continue
        if p.status != WAITING:
            continue
        if quotes and p.id in quotes:
            over = minutes_past_quote(p.arrived, now, quotes[p.id])
        else:
            over = minutes_past_quote(p.arrived, now, p.quote, p.quote_low, p.quote_high)
        flagged = idle >= attention_minutes
        overdue = over is not None and over > PAST
        soon = over is not None and -SOON_MINUTES < over < 0
        if not (flagged or overdue or soon):
            continue
        reasons = []
        if flagged:
            reasons.append(_untouched(p.arrived, last, now))
        if overdue:
            reasons.append(Reason.of("why_quote_passed", minutes=round(over or 0)))
        elif soon:
            reasons.append(Reason.of("why_quote_near", minutes=max(1, round(-(over or 0)))))
        rank = 0 if overdue and flagged else 1 if overdue else 2 if flagged else 3
        out.append(((rank, -idle), Attention(p, round(idle, 1),
                                             None if over is None else round(over, 1),
                                             flagged, tuple(reasons))))
    out.sort(key=lambda x: x[0])
    result = [a for _, a in out]
    return result[:limit] if limit else result


# -- walk-away rescue -------------------------------------------------------------------

@dataclass(frozen=True)
class RescueOption:
    """Something to offer a party about to leave: a table soon, or an interaction."""

    offer: str  # "table:NAME" or an interaction id (what start_rescue records)
    minutes: float  # about how long until the table is ready (0 for interactions)
    table: str = ""
    section: str = ""
    suggestion: Suggestion | None = None
    seats: int = 0
    free: bool = False  # free or being cleared now: choosing it holds it for the party


def rescue_options(party: Party, now: float, config: Config, room: Room,
                   history: Iterable[Gesture], guest: GuestCard | None = None,
                   stats: Stats | None = None, within_minutes: float = RESCUE_WITHIN,
                   limit: int = 6, ready_in: Callable[[TableState], float] | None = None
                   ) -> list[RescueOption]:
    """Tables that seat the party now or within ``within_minutes`` (any section),
    then the best interactions for a party about to leave (tour, voucher, ...).

    Only tables that fit: of the smallest size that seats the party and frees in
    time, and the size above it (a couple may get a 4-top now, never the 12-seat
    room while 2-tops are about to free); smallest first, then soonest. Tables held
    for another party are not offered.

    ``ready_in`` estimates a busy table's minutes until it is ready (the app passes
    the estimator's, learned from this restaurant); without it the config's
    typical dining and clearing times are used.
    """
    candidates: list[tuple[TableState, float]] = []
    clearing = config.quoting.clearing_minutes
    for t in room.tables.values():
        if t.seats < party.size or t.joined or room.held_for(t.name, now) not in ("", party.id):
            continue
        if t.state == FREE:
            ready = 0.0
        elif ready_in is not None:
            ready = ready_in(t)
        elif t.state == OCCUPIED:
            ready = max(0.0, config.quoting.dining_for(t.party_size) - t.minutes(now)) + clearing
        else:
            ready = max(0.0, clearing - t.minutes(now))
        if ready <= within_minutes:
            candidates.append((t, ready))
    sizes = sorted({t.seats for t in room.tables.values() if t.seats >= party.size})
    if candidates:
        smallest = sizes.index(min(t.seats for t, _ in candidates))
        fitting = set(sizes[smallest:smallest + 2])
        candidates = [(t, m) for t, m in candidates if t.seats in fitting]
    sections = {s.name: i for i, s in enumerate(config.sections)}
    candidates.sort(key=lambda c: (c[0].seats, c[1], sections.get(c[0].section, 99), c[0].name))
    tables = [RescueOption(f"table:{t.name}", round(ready, 1), t.name, t.section,
                           seats=t.seats, free=t.state != OCCUPIED)
              for t, ready in candidates]
    items = [RescueOption(s.interaction.id, 0.0, suggestion=s)
             for s in suggest(party, now, config.catalogue, history, guest, stats,
                              attention_minutes=config.attention_minutes, leaving=True)]
    return (tables[:RESCUE_TABLES] + items)[:limit]
