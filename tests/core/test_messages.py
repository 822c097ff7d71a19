"""Messages to guests (issue 12): the outbox, planning, the sender through Apprise to a
real local HTTP receiver, retries with an injected clock, the lease, and the config."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import START, at
from receiver import Receiver, messages_config

from queueapp.clock import FixedClock
from queueapp.config import Config
from queueapp.messages import retry
from queueapp.messages.plan import UNDO_GRACE_SECONDS, plan, resend
from queueapp.messages.sender import Sender
from queueapp.quotes.rule import Quote
from queueapp.store import Store
from queueapp.store.outbox import FAILED, QUEUED, SENT

PHONE = "+8613812345678"
QUOTE = Quote(25, 20, 35)


def _open(db_path: Path, config: Config) -> Store:
    return Store.open(db_path, config, station="test")


def _started(db_path: Path, *config_args: str) -> tuple[Config, Store, FixedClock, Sender]:
    """A store on a config made from ``config_args`` (``messages_config``'s), a fixed
    clock, and a sender past its first round: the cursor starts at the newest event,
    so history is never messaged and what follows is."""
    config = messages_config(*config_args)
    store = _open(db_path, config)
    clock = FixedClock(START)
    sender = Sender(store, config, clock)
    sender.run_once()
    return config, store, clock, sender


def _add(store: Store, config: Config, minutes: float = 0, size: int = 2,
         phone: str = PHONE, name: str = "Wu", quote: Quote = QUOTE) -> str:
    ev = store.add_party(at(minutes), size, name, phone, quote=quote,
                         tz=config.timezone,
                         ticket_prefix=config.guests.ticket_class(size).prefix)
    return ev.party


def test_added_message_arrives_in_english(db_path: Path, receiver: Receiver) -> None:
    config, store, clock, sender = _started(db_path, receiver.url)
    pid = _add(store, config)
    done = sender.run_once()
    assert done.sent == 1
    [got] = receiver.received
    token = store.guest_link(pid)
    assert got["to"] == PHONE
    assert "you are number A001" in got["message"]
    assert "in about 25 minutes (20-35)" in got["message"]  # as the host said it
    assert f"{config.guests.base_url}/p/{token}" in got["message"]
    [row] = store.outbox.for_parties([pid])[pid]
    assert (row.status, row.attempts, row.kind) == (SENT, 1, "added")


def test_messages_arrive_in_chinese_and_both(db_path: Path, tmp_path: Path,
                                             receiver: Receiver) -> None:
    zh = messages_config(receiver.url, language="zh")
    store = _open(db_path, zh)
    sender = Sender(store, zh, FixedClock(START))
    sender.run_once()
    pid = _add(store, zh)
    store.call_party(at(1), pid)
    sender.run_once()
    assert receiver.bodies()[0].startswith(zh.name + "：您的排队号是 A001")
    assert "请在 10 分钟内到接待台" in receiver.bodies()[1]
    both = messages_config(receiver.url, 'language = "both"')
    other = _open(tmp_path / "both.db", both)
    bilingual = Sender(other, both, FixedClock(START))
    bilingual.run_once()
    _add(other, both)
    bilingual.run_once()
    zh_text, en_text = receiver.bodies()[2].split("\n")
    assert "您的排队号是 A001" in zh_text and "you are number A001" in en_text


def test_no_wait_is_worded_not_zero_to_zero(db_path: Path, tmp_path: Path,
                                          receiver: Receiver) -> None:
    """Quoted 0 (self check-in while tables are free): the message says there is no
    wait, as the guest's page does, never "about 0-0 minutes"; a range of one number
    is that number."""
    config = messages_config(receiver.url, 'language = "both"\nclose_position = 0')
    store = _open(db_path, config)
    sender = Sender(store, config, FixedClock(START))
    sender.run_once()
    _add(store, config, quote=Quote(0, 0, 0))
    _add(store, config, phone="+8613912345678", name="Sun", quote=Quote(25, 25, 25))
    _add(store, config, phone="+8613712345678", name="Ma", quote=Quote(3, 0, 4))
    sender.run_once()
    (zh_none, en_none), (zh_one, en_one), (zh_up, en_up) = [
        b.split("\n") for b in receiver.bodies()]
    assert "0-0" not in zh_none + en_none
    assert "There is no wait right now" in en_none and "现在无需等候" in zh_none
    assert "ready in about 25 minutes" in en_one and "预计等候约 25 分钟" in zh_one
    assert "ready within 5 minutes" in en_up and "预计 5 分钟内就有餐桌" in zh_up


SMS = "twilio://${QA_SID}:${QA_TOKEN}@15551234567/{phone}"  # a provider that passes replies on
SECRET = 'webhook_secret = "${QA_HOOK}"'


def _ready_texts(tmp_path: Path, name: str, url: str | list[str], extra: str = "",
                 language: str = "en") -> list[str]:
    """The "table ready" texts planned for a called party (planned into the outbox, not
    sent: the SMS provider is not called)."""
    config = messages_config(url, "close_position = 0\n" + extra, language=language)
    store = _open(tmp_path / f"{name}.db", config)
    plan(store, config, at(0))  # the cursor starts here
    pid = _add(store, config)
    store.call_party(at(1), pid)
    plan(store, config, at(1))
    texts = [m.text for m in store.outbox.for_parties([pid])[pid] if m.kind == "ready"]
    store.close()
    return texts


def test_replies_are_offered_only_where_they_can_arrive(tmp_path: Path,
                                                       receiver: Receiver) -> None:
    """"Reply 1 ... 9" only when an answer can reach the stand: an SMS provider's
    channel to the guest's number, with a webhook secret (without one the webhook
    refuses everything). A JSON webhook is one-way whatever the secret."""
    [no_secret] = _ready_texts(tmp_path, "no_secret", SMS)
    [one_way] = _ready_texts(tmp_path, "one_way", receiver.url, SECRET)
    [sms] = _ready_texts(tmp_path, "sms", SMS, SECRET)
    assert "Reply" not in no_secret and "Reply" not in one_way
    assert no_secret.endswith("within 10 minutes.") and one_way == no_secret
    assert sms.endswith("within 10 minutes. Reply 1 if you are coming, 9 to cancel.")
    [both, one_way_too] = _ready_texts(tmp_path, "two", [SMS, receiver.url], SECRET)
    assert "Reply 1" in both and "Reply" not in one_way_too  # per channel


def test_replies_name_the_configured_codes(tmp_path: Path) -> None:
    codes = SECRET + '\n[messages.codes]\n"2" = "coming"\n"0" = "cancel"'
    [en] = _ready_texts(tmp_path, "en", SMS, codes)
    assert en.endswith("Reply 2 if you are coming, 0 to cancel.") and "Reply 1" not in en
    [zh] = _ready_texts(tmp_path, "zh", SMS, codes, language="zh")
    assert zh.endswith("回复 2 表示马上到，回复 0 取消排队。") and "回复 1" not in zh
    [cancel_only] = _ready_texts(tmp_path, "cancel", SMS,
                                 SECRET + '\n[messages.codes]\n"x" = "cancel"')
    assert cancel_only.endswith("Reply x to cancel your place.")


def test_call_again_is_counted_and_each_event_messaged_once(db_path: Path,
                                                           receiver: Receiver) -> None:
    config = messages_config(receiver.url)
    store = _open(db_path, config)
    clock = FixedClock(START)
    sender = Sender(store, config, clock)
    sender.run_once()
    pid = _add(store, config)
    store.call_party(at(1), pid)
    store.call_party(at(4), pid)
    store.call_party(at(8), pid)
    sender.run_once()
    sender.run_once()
    assert plan(store, config, at(9)) == 0  # planning again queues nothing
    kinds = [m.kind for m in store.outbox.for_parties([pid])[pid]]
    assert kinds == ["added", "ready", "again", "again"]
    assert "calling you again (2)" in receiver.bodies()[2]
    assert "calling you again (3)" in receiver.bodies()[3]
    assert len(receiver.received) == 4
    store.remove_party(at(12), pid, "no_show")
    clock.advance(seconds=12 * 60 + UNDO_GRACE_SECONDS)  # a removal at the stand waits
    sender.run_once()
    assert "has been cancelled" in receiver.bodies()[-1]


def test_provider_down_retried_with_backoff_then_sent_once(db_path: Path,
                                                          receiver: Receiver) -> None:
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    pid = _add(store, config)
    receiver.down = True
    assert sender.run_once().retried == 1
    [row] = store.outbox.for_parties([pid])[pid]
    assert row.status == QUEUED and row.attempts == 1 and "503" in row.last_error
    clock.advance(seconds=retry.delay(1) - 1)
    assert sender.run_once().retried == 0  # not yet: the backoff holds it back
    clock.advance(seconds=2)
    assert sender.run_once().retried == 1  # tried again, still down
    receiver.down = False
    clock.advance(seconds=retry.delay(2) + 1)
    assert sender.run_once().sent == 1
    clock.advance(minutes=30)
    sender.run_once()
    assert len(receiver.received) == 1
    [row] = store.outbox.for_parties([pid])[pid]
    assert (row.status, row.attempts, row.last_error) == (SENT, 3, "")


def test_receiver_gone_then_back_on_the_same_port(db_path: Path) -> None:
    """Connection refused (nothing listening), then a receiver comes up: it arrives."""
    first = Receiver()
    port, url = first.port, first.url
    first.close()
    config, store, clock, sender = _started(db_path, url)
    _add(store, config)
    assert sender.run_once().retried == 1
    from http.server import ThreadingHTTPServer

    back = Receiver()
    back.server.shutdown()
    back.server.server_close()
    back.server = ThreadingHTTPServer(("127.0.0.1", port), back.server.RequestHandlerClass)
    import threading

    threading.Thread(target=back.server.serve_forever, daemon=True).start()
    try:
        clock.advance(seconds=retry.delay(1) + 1)
        assert sender.run_once().sent == 1
        assert len(back.received) == 1
    finally:
        back.close()


def test_failed_after_attempts_and_resend_makes_a_new_row(db_path: Path,
                                                         receiver: Receiver) -> None:
    config, store, clock, sender = _started(
        db_path, receiver.url, "attempts = 2\nclose_position = 0")
    pid = _add(store, config)
    receiver.down = True
    sender.run_once()
    clock.advance(minutes=5)
    assert sender.run_once().failed == 1
    [row] = store.outbox.for_parties([pid])[pid]
    assert row.status == FAILED and row.failed_at is not None and row.last_error
    with pytest.raises(sqlite3.DatabaseError):  # final: a trigger refuses to revive it
        store.db.execute("UPDATE outbox SET status = 'queued' WHERE id = ?", [row.id])
    with pytest.raises(sqlite3.DatabaseError):
        store.db.execute("DELETE FROM outbox WHERE id = ?", [row.id])
    receiver.down = False
    assert resend(store, config, clock.now().float_timestamp, row.id) == 1
    assert sender.run_once().sent == 1
    rows = store.outbox.for_parties([pid])[pid]
    assert [r.status for r in rows] == [FAILED, SENT]
    assert rows[1].text == rows[0].text and len(receiver.received) == 1


def test_a_sent_row_is_never_sent_again(db_path: Path, receiver: Receiver) -> None:
    config = messages_config(receiver.url)
    store = _open(db_path, config)
    sender = Sender(store, config, FixedClock(START))
    sender.run_once()
    pid = _add(store, config)
    sender.run_once()
    [row] = store.outbox.for_parties([pid])[pid]
    with pytest.raises(sqlite3.DatabaseError):
        store.db.execute("UPDATE outbox SET status = 'queued', attempts = 0 WHERE id = ?",
                         [row.id])
    store.db.execute("INSERT OR REPLACE INTO outbox (party, kind, key, channel, text, created, "
                     "next_at) VALUES (?, 'added', ?, ?, 'x', '2026', '2026')",
                     [pid, row.key, row.channel])  # ignored: the key is taken
    assert store.outbox.get(row.id) == row
    assert sender.run_once().sent == 0 and len(receiver.received) == 1


def test_one_lease_across_senders(db_path: Path, receiver: Receiver) -> None:
    config = messages_config(receiver.url)
    store = _open(db_path, config)
    clock = FixedClock(START)
    first = Sender(store, config, clock, owner="one")
    second = Sender(store, config, clock, owner="two")
    assert first.run_once().leased
    _add(store, config)
    assert not second.run_once().leased  # the lease is the first's: nothing sent twice
    assert first.run_once().sent == 1
    clock.advance(seconds=31)  # the first stopped renewing: its lease ran out
    assert second.run_once().leased
    assert not first.run_once().leased
    first.stop()
    second.stop()  # frees the lease at once
    assert store.outbox.lease_owner(clock.now().float_timestamp) == ""
    assert len(receiver.received) == 1


def test_no_channel_queues_nothing(store: Store, config: Config) -> None:
    _add(store, config)
    assert not config.messages.enabled
    assert plan(store, config, at(1)) == 0
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_getting_close_by_place_in_class_once(db_path: Path, receiver: Receiver) -> None:
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 1\nclose_minutes = 0")
    first = _add(store, config, name="Ahead")
    second = _add(store, config, 1, phone="+8613912345678", name="Next")
    big = _add(store, config, 1, size=6, phone="+8613712345678", name="Big")
    sender.run_once()
    assert not [m for m in store.outbox.between(at(-1), at(60)) if m.kind == "close"]
    clock.advance(minutes=6)  # never at once after the first message
    sender.run_once()
    close = {m.party for m in store.outbox.between(at(-1), at(60)) if m.kind == "close"}
    assert close == {first, big}  # first in each class; the second is second in its class
    store.seat_party(at(6), first, "A1")
    sender.run_once()
    sender.run_once()
    once = [m.party for m in store.outbox.between(at(-1), at(60)) if m.kind == "close"]
    assert sorted(once) == sorted([first, big, second])  # once each


def test_getting_close_by_estimate(db_path: Path, receiver: Receiver) -> None:
    config = messages_config(receiver.url, "close_position = 0\nclose_minutes = 10")
    store = _open(db_path, config)
    clock = FixedClock(START)
    live: dict[str, dict[str, float]] = {"minutes": {}}
    sender = Sender(store, config, clock, estimates=lambda: live["minutes"])
    sender.run_once()
    pid = _add(store, config)
    clock.advance(minutes=6)
    sender.run_once()
    assert [m.kind for m in store.outbox.for_parties([pid])[pid]] == ["added"]
    live["minutes"] = {pid: 8.0}
    sender.run_once()
    assert [m.kind for m in store.outbox.for_parties([pid])[pid]] == ["added", "close"]
    assert "nearly ready" in receiver.bodies()[-1]


def test_a_party_without_phone_gets_nothing(db_path: Path, receiver: Receiver) -> None:
    config = messages_config(receiver.url)
    store = _open(db_path, config)
    sender = Sender(store, config, FixedClock(START))
    sender.run_once()
    pid = _add(store, config, phone="")
    sender.run_once()
    assert store.outbox.for_parties([pid]) == {} and receiver.received == []


def test_planning_is_tied_to_the_event_log(db_path: Path, receiver: Receiver) -> None:
    """An event written while no sender ran (a process died right after it) is
    messaged by the next sender; one much older than STALE is not."""
    config = messages_config(receiver.url, "close_position = 0\nclose_minutes = 0")
    store = _open(db_path, config)
    Sender(store, config, FixedClock(START)).run_once()
    _add(store, config, -200, phone="+8613712345678", name="Old")  # 3 hours before now
    pid = _add(store, config)
    store.close()
    again = _open(db_path, config)
    later = FixedClock(START)
    later.advance(seconds=31)  # the dead sender's lease runs out
    assert Sender(again, config, later).run_once().sent == 1
    assert [r["to"] for r in receiver.received] == [PHONE]
    assert again.outbox.for_parties([pid])[pid][0].status == SENT


def _check(tmp_path: Path, extra: str, env: dict[str, str] | None = None):
    from click.testing import CliRunner
    from helpers import CONFIG_PATH

    from queueapp.cli.main import main

    path = tmp_path / "config.toml"
    path.write_text(CONFIG_PATH.read_text(encoding="utf-8") + "\n[messages]\n" + extra + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)], env=env or {})
    return result, path.read_text(encoding="utf-8").splitlines()


def test_check_config_unknown_placeholder_names_its_line(tmp_path: Path) -> None:
    result, lines = _check(tmp_path, 'channels = ["json://localhost/x"]\n\n'
                           '[messages.templates.en]\nready = "Table for {name}"\n'
                           'added = "Number {tiket}, see {link}"\n'
                           '[messages.templates.zh]\nadded = "{ticket} 号"\n')
    assert result.exit_code != 0
    line = next(i + 1 for i, text in enumerate(lines) if "{tiket}" in text)
    assert f"line {line}: messages.templates.en.added: {{tiket}} is not a placeholder" \
        in result.output
    result, lines = _check(tmp_path, '[messages.templates.zh]\nready = "请 {hold 分钟"\n')
    assert result.exit_code != 0 and "messages.templates.zh.ready" in result.output


def test_check_config_missing_variable_never_prints_a_secret(tmp_path: Path) -> None:
    extra = ('channels = ["twilio://${QA_SID}:${QA_TOKEN}@15551234567/{phone}"]\n'
             'webhook_secret = "${QA_HOOK}"')
    result, lines = _check(tmp_path, extra, {"QA_SID": "AC123", "QA_HOOK": "hook-secret-1"})
    line = next(i + 1 for i, text in enumerate(lines) if "channels" in text)
    assert result.exit_code != 0
    assert f"line {line}: messages.channels[1]: the environment variable QA_TOKEN is not set" \
        in result.output
    assert "AC123" not in result.output and "hook-secret-1" not in result.output
    result, _ = _check(tmp_path, extra, {"QA_SID": "AC123", "QA_TOKEN": "tok-999",
                                         "QA_HOOK": "hook-secret-1"})
    assert result.exit_code == 0, result.output
    assert "twilio://•••" in result.output and "webhook secret set" in result.output
    assert "tok-999" not in result.output and "AC123" not in result.output


def test_check_config_refuses_a_secret_written_in_the_file(tmp_path: Path) -> None:
    result, _ = _check(tmp_path, 'webhook_secret = "plain-secret"')
    assert result.exit_code != 0 and "messages.webhook_secret" in result.output


def test_review_counts_messages_and_calls_per_day(db_path: Path, receiver: Receiver) -> None:
    from queueapp.review.exports import render_report, report_dict
    from queueapp.review.reports import Filters, build

    config, store, clock, sender = _started(
        db_path, receiver.url, "attempts = 1\nclose_position = 0\nclose_minutes = 0")
    came = _add(store, config, name="Came")
    late = _add(store, config, phone="+8613912345678", name="Late")
    gone = _add(store, config, phone="+8613712345678", name="Gone")
    sender.run_once()  # three "added" sent
    receiver.down = True
    store.call_party(at(1), came)
    store.call_party(at(1), late)
    store.call_party(at(1), gone)
    sender.run_once()  # three "ready" failed (one attempt allowed)
    store.seat_party(at(6), came, "A1")  # within the 10 minutes held
    store.seat_party(at(15), late, "A2")  # after them
    store.remove_party(at(14), gone, "no_show")
    rep = build(store, Filters(at(-60), at(600)), config)
    [day] = rep.messages
    assert (day.day, day.sent, day.failed, day.called, day.came_in_time,
            day.no_show_after_call) == ("2026-03-06", 3, 3, 3, 1, 1)
    text = render_report(rep, config, "text")
    assert "Messages to guests" in text
    assert "3 sent, 3 failed; 3 called, 1 came within 10 min, 1 no-show after a call" in text
    assert report_dict(rep, config)["messages_by_day"][0]["came_in_time"] == 1


def test_privacy_purge_blanks_old_messages(db_path: Path, receiver: Receiver) -> None:
    from queueapp.store.times import iso

    config = messages_config(receiver.url)
    store = _open(db_path, config)
    sender = Sender(store, config, FixedClock(START))
    sender.run_once()
    pid = _add(store, config)
    sender.run_once()
    store.seat_party(at(5), pid, "A1")
    store.privacy.anonymise(iso(at(60)) or "")
    [row] = store.outbox.for_parties([pid])[pid]
    assert (row.text, row.status) == ("", SENT)


def test_thank_you_after_the_meal_with_a_feedback_link(db_path: Path,
                                                       receiver: Receiver) -> None:
    config = messages_config(receiver.url, "thanks = true\nclose_position = 0\n"
                             "close_minutes = 0")
    store = _open(db_path, config)
    sender = Sender(store, config, FixedClock(START))
    sender.run_once()
    pid = _add(store, config)
    store.seat_party(at(5), pid, "A1")
    store.table_departed(at(50), "A1")
    sender.run_once()  # seated before its number went out: only the thank-you is sent
    assert [m.kind for m in store.outbox.for_parties([pid])[pid]] == ["thanks"]
    other = _add(store, config, 51, phone="+8613912345678", name="Sun")
    sender.run_once()
    store.seat_party(at(52), other, "A2")
    store.table_departed(at(90), "A2")
    sender.run_once()
    assert [m.kind for m in store.outbox.for_parties([other])[other]] == ["added", "thanks"]
    token = store.guest_link(other)
    assert receiver.bodies()[-1].endswith(f"/p/{token}/feedback")
    assert "thank you for dining with us, Sun" in receiver.bodies()[-1]


def test_a_call_undone_and_made_again_is_told_again(db_path: Path,
                                                    receiver: Receiver) -> None:
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    pid = _add(store, config)
    sender.run_once()  # "you are number A001"
    mistake = store.call_party(at(1), pid)  # the wrong party called...
    sender.run_once()
    store.undo(at(2), mistake.id or 0)  # ...and undone
    store.call_party(at(20), pid)  # the real call, twenty minutes later
    clock.advance(minutes=20)
    sender.run_once()
    kinds = [r.kind for r in store.outbox.for_parties([pid])[pid]]
    assert kinds == ["added", "ready", "ready"]
    assert len(receiver.received) == 3 and "table is ready" in receiver.bodies()[-1]


def test_a_removal_undone_at_once_is_never_told(db_path: Path, receiver: Receiver) -> None:
    """The host removes the wrong party as a no-show and undoes it at once: the guest is
    not told "your place has been cancelled" while back on the list (a removal at the
    stand waits UNDO_GRACE_SECONDS before it is sent); one that stands is sent then."""
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    pid = _add(store, config)
    store.call_party(at(1), pid)
    clock.advance(minutes=12)
    sender.run_once()  # "you are number A001", "your table is ready"
    told = len(receiver.received)
    mistake = store.remove_party(at(12), pid, "no_show")
    sender.run_once()
    assert len(receiver.received) == told  # not yet
    store.undo(at(12.2), mistake.id or 0)
    clock.advance(seconds=UNDO_GRACE_SECONDS + 1)
    sender.run_once()
    assert len(receiver.received) == told  # back on the list: never told it was removed
    removed = [m for m in store.outbox.for_parties([pid])[pid] if m.kind == "removed"]
    assert [(m.status, m.last_error.split(":")[0]) for m in removed] == [(FAILED, "not sent")]
    # a removal that stands is told once its grace is over
    other = _add(store, config, 13, name="Li", phone="+8613812345679")
    clock.advance(minutes=1)
    sender.run_once()
    told = len(receiver.received)
    store.remove_party(at(14), other, "cancelled")
    sender.run_once()
    assert len(receiver.received) == told
    clock.advance(seconds=UNDO_GRACE_SECONDS + 1)
    sender.run_once()
    assert len(receiver.received) == told + 1
    assert "has been cancelled" in receiver.bodies()[-1]


def test_a_removal_undone_then_made_for_good_is_told(db_path: Path,
                                                   receiver: Receiver) -> None:
    """A no-show pressed by mistake and undone at once was never told (right); when the
    party was removed for good later, its message had the first one's key, so nothing
    was queued and the guest never heard their place was gone. Each removal is told."""
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    pid = _add(store, config)
    sender.run_once()
    told = len(receiver.received)
    mistake = store.remove_party(at(1), pid, "cancelled")
    sender.run_once()  # planned, to go once its grace is over
    store.undo(at(1.2), mistake.id or 0)
    clock.advance(minutes=1 + UNDO_GRACE_SECONDS / 60 + 1)
    sender.run_once()  # the mistake: not sent, no longer true
    assert len(receiver.received) == told
    store.remove_party(at(20), pid, "cancelled")
    clock.advance(minutes=20)
    sender.run_once()
    assert len(receiver.received) == told + 1
    assert "has been cancelled" in receiver.bodies()[-1]


def test_a_guests_own_cancel_is_confirmed_at_once(db_path: Path, receiver: Receiver) -> None:
    """Cancelled from the guest's own page (or by a reply): no host can have pressed it
    by mistake, so the confirmation goes at once."""
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    pid = _add(store, config)
    sender.run_once()
    store.guest_cancel(at(1), store.guest_link(pid))
    sender.run_once()
    assert "has been cancelled" in receiver.bodies()[-1]


def test_a_message_that_is_no_longer_true_is_not_sent(db_path: Path,
                                                      receiver: Receiver) -> None:
    """Held back by a provider outage, "your table is ready" is not sent once the party
    has been seated meanwhile: it is marked failed with the reason."""
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    pid = _add(store, config)
    receiver.down = True
    store.call_party(at(1), pid)
    sender.run_once()  # both tried, both held back
    store.seat_party(at(3), pid, "A1")
    receiver.down = False
    clock.advance(minutes=10)
    sender.run_once()
    rows = store.outbox.for_parties([pid])[pid]
    assert [(r.kind, r.status) for r in rows] == [("added", FAILED), ("ready", FAILED)]
    assert all("no longer true" in r.last_error for r in rows)
    assert receiver.received == []


def test_a_late_table_ready_says_the_minutes_left(db_path: Path, receiver: Receiver) -> None:
    """Held back by an outage, "table ready" says what is left of the hold, counted from
    the call (not the configured 10 minutes); once the hold has run out, "as soon as
    possible". The row says what was sent."""
    config, store, clock, sender = _started(
        db_path, receiver.url, "close_position = 0\nclose_minutes = 0")
    first = _add(store, config)
    second = _add(store, config, phone="+8613912345678", name="Sun")
    sender.run_once()  # both numbers sent
    receiver.down = True
    store.call_party(at(0), first)
    sender.run_once()
    [ready] = [m for m in store.outbox.for_parties([first])[first] if m.kind == "ready"]
    assert "within 10 minutes." in ready.text and ready.attempts == 1
    clock.advance(minutes=5, seconds=30)  # the provider is back 5½ minutes after the call
    receiver.down = False
    assert sender.run_once().sent == 1
    assert "Please come to the host stand within 5 minutes." in receiver.bodies()[-1]
    [ready] = [m for m in store.outbox.for_parties([first])[first] if m.kind == "ready"]
    assert ready.text == receiver.bodies()[-1]
    with pytest.raises(sqlite3.DatabaseError):  # what a sent message said is final
        store.db.execute("UPDATE outbox SET text = 'x' WHERE id = ?", [ready.id])
    receiver.down = True
    store.call_party(at(6), second)
    sender.run_once()
    clock.advance(minutes=11)  # back after the 10 minutes held
    receiver.down = False
    assert sender.run_once().sent == 1
    assert receiver.bodies()[-1].endswith(
        "your table is ready! Please come to the host stand as soon as possible.")


def test_a_one_minute_hold_is_one_minute(db_path: Path, receiver: Receiver) -> None:
    from dataclasses import replace

    config = replace(messages_config(receiver.url, "close_position = 0\nclose_minutes = 0"),
                     hold_minutes=1)
    store = _open(db_path, config)
    clock = FixedClock(START)
    sender = Sender(store, config, clock)
    sender.run_once()
    pid = _add(store, config)
    store.call_party(at(0), pid)
    clock.advance(seconds=1)
    store.call_party(at(0) + 1, pid)  # called again at once
    sender.run_once()
    ready, again = receiver.bodies()[-2:]
    assert ready.endswith("Please come to the host stand within 1 minute.")
    assert again.endswith("calling you again (2): your table is ready. Please come to the "
                          "host stand within 1 minute.")
