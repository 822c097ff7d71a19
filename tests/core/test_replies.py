"""Guests' replies through the inbound webhook (queueapp/web/replies.py), on a Starlette
app of its own with TestClient: the secret or signature checked (403 otherwise),
codes become answers, other words reach the host, unknown numbers change nothing;
and the thank-you's feedback form opens a complaint-loop item."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from helpers import START, at
from receiver import messages_config
from starlette.applications import Starlette
from starlette.testclient import TestClient

from queueapp.clock import FixedClock
from queueapp.config import Config
from queueapp.store import Store
from queueapp.waitlist.room import REMOVED
from queueapp.web.replies import REPLY_PATH, reply_routes

SECRET = "s3cret-for-tests"
ENV = "QUEUEAPP_TEST_REPLY_SECRET"
PHONE = "+8613812345678"


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv(ENV, SECRET)
    return messages_config("json://127.0.0.1:9/x?:to={phone}",
                           f'webhook_secret = "${{{ENV}}}"\nthanks = true')


@pytest.fixture
def client(config: Config, db_path: Path) -> TestClient:
    app = Starlette(routes=reply_routes(config, db_path, FixedClock(START)))
    return TestClient(app)


def _party(db_path: Path, config: Config, phone: str = PHONE, minutes: float = 0,
           name: str = "Wu") -> str:
    store = Store.open(db_path, config)
    try:
        return store.add_party(at(minutes), 2, name, phone, tz=config.timezone,
                               ticket_prefix="A").party
    finally:
        store.close()


def _read(db_path: Path, config: Config, pid: str):
    store = Store.open(db_path, config)
    try:
        return store.party(pid)
    finally:
        store.close()


def _send(client: TestClient, phone: str, text: str, **headers: str):
    return client.post(REPLY_PATH, data={"From": phone, "Body": text},
                       headers={"X-Queueapp-Secret": SECRET} | headers)


def test_code_one_is_coming(client: TestClient, config: Config, db_path: Path) -> None:
    pid = _party(db_path, config)
    r = _send(client, PHONE, " 1 ")
    assert r.status_code == 200 and r.json() == {"result": "coming"}
    p = _read(db_path, config, pid)
    assert p.reply == "coming" and p.reply_at is not None


def test_full_width_code_is_the_same_code(client: TestClient, config: Config,
                                          db_path: Path) -> None:
    pid = _party(db_path, config)
    assert _send(client, PHONE, "１").json() == {"result": "coming"}
    assert _read(db_path, config, pid).reply == "coming"


def test_code_nine_cancels(client: TestClient, config: Config, db_path: Path) -> None:
    pid = _party(db_path, config)
    assert _send(client, "138 1234 5678", "9").json() == {"result": "cancelled"}
    p = _read(db_path, config, pid)
    assert p.status == REMOVED and p.reason == "cancelled"


def test_other_words_reach_the_host(client: TestClient, config: Config,
                                    db_path: Path) -> None:
    pid = _party(db_path, config)
    assert _send(client, PHONE, "running 5 min late, sorry\x1b[31m").json() == \
        {"result": "text"}
    p = _read(db_path, config, pid)
    assert p.reply == "text" and p.reply_text == "running 5 min late, sorry"  # escape gone whole


def test_shared_phone_goes_to_the_latest_party(client: TestClient, config: Config,
                                               db_path: Path) -> None:
    older = _party(db_path, config, name="First")
    newer = _party(db_path, config, minutes=5, name="Second")
    _send(client, PHONE, "1")
    assert _read(db_path, config, newer).reply == "coming"
    assert _read(db_path, config, older).reply == ""


def test_unknown_number_changes_nothing(client: TestClient, config: Config,
                                        db_path: Path) -> None:
    pid = _party(db_path, config)
    assert _send(client, "+8613900000000", "9").json() == {"result": "unknown"}
    assert _send(client, "not a number", "9").json() == {"result": "unknown"}
    assert _read(db_path, config, pid).status == "waiting"


def test_bad_or_missing_secret_is_refused(client: TestClient, config: Config,
                                          db_path: Path) -> None:
    pid = _party(db_path, config)
    assert _send(client, PHONE, "9", **{"X-Queueapp-Secret": "wrong"}).status_code == 403
    r = client.post(REPLY_PATH, data={"From": PHONE, "Body": "9"})
    assert r.status_code == 403
    assert _read(db_path, config, pid).status == "waiting"


def test_signatures(client: TestClient, config: Config, db_path: Path) -> None:
    pid = _party(db_path, config)
    body = json.dumps({"from": PHONE, "text": "1"}).encode()
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    r = client.post(REPLY_PATH, content=body, headers={"Content-Type": "application/json",
                                                       "X-Queueapp-Signature": good})
    assert r.json() == {"result": "coming"}
    bad = client.post(REPLY_PATH, content=body + b" ", headers={
        "Content-Type": "application/json", "X-Queueapp-Signature": good})
    assert bad.status_code == 403
    # Twilio's own signature: HMAC-SHA1 over the URL and the sorted form
    url = "http://testserver" + REPLY_PATH
    form = {"From": PHONE, "Body": "9"}
    data = url + "".join(k + v for k, v in sorted(form.items()))
    sig = base64.b64encode(hmac.new(SECRET.encode(), data.encode(), hashlib.sha1).digest())
    r = client.post(REPLY_PATH, data=form, headers={"X-Twilio-Signature": sig.decode()})
    assert r.json() == {"result": "cancelled"}
    assert _read(db_path, config, pid).status == REMOVED
    r = client.post(REPLY_PATH, data=form | {"Body": "1"},
                    headers={"X-Twilio-Signature": sig.decode()})
    assert r.status_code == 403


def test_no_secret_configured_refuses_everything(db_path: Path) -> None:
    config = messages_config("json://127.0.0.1:9/x?:to={phone}")
    client = TestClient(Starlette(routes=reply_routes(config, db_path, FixedClock(START))))
    _party(db_path, config)
    assert _send(client, PHONE, "1").status_code == 403


def test_feedback_opens_an_item_once(client: TestClient, config: Config,
                                     db_path: Path) -> None:
    pid = _party(db_path, config)
    store = Store.open(db_path, config)
    token = store.guest_link(pid)
    assert client.get(f"/p/{token}/feedback").status_code == 404  # still waiting: not yet
    store.seat_party(at(30), pid, "A1")
    store.table_departed(at(90), "A1")  # after the meal
    page = client.get(f"/p/{token}/feedback")
    assert page.status_code == 200 and "how was your meal" in page.text
    own = {"origin": "http://testserver"}
    assert client.post(f"/p/{token}/feedback", data={"rating": "2"},
                       headers={"origin": "https://elsewhere.example"}).status_code == 403
    assert client.post(f"/p/{token}/feedback", data={"rating": "9"},
                       headers=own).status_code == 400
    ok = client.post(f"/p/{token}/feedback", data={"rating": "2", "words": "<b>cold</b> soup"},
                     headers=own)
    assert ok.status_code == 200 and "Thank you" in ok.text
    client.post(f"/p/{token}/feedback", data={"rating": "1", "words": "again"}, headers=own)
    [item] = store.complaints.open_items()
    assert (item.party, item.what, item.source) == (pid, "2/5: <b>cold</b> soup", "feedback")
    assert client.get("/p/nope/feedback").status_code == 404
    store.close()


def test_queueapp_serves_app_sends_and_takes_replies(db_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`queueapp serve`'s own app (``create_app``): the sender runs for the server's life
    (its lifespan), the reply routes are mounted beside the guest pages."""
    import time

    from receiver import Receiver

    from queueapp.web.app import create_app

    receiver = Receiver()
    monkeypatch.setenv(ENV, SECRET)
    config = messages_config(receiver.url, f'webhook_secret = "${{{ENV}}}"\npoll_seconds = 0.2')
    store = Store.open(db_path, config, station="stand")
    clock = FixedClock(START)
    app = create_app(config, db_path, clock)
    try:
        with TestClient(app) as client:
            deadline = time.monotonic() + 30
            while store.outbox.lease_owner(at(0)) == "":  # its first round
                assert time.monotonic() < deadline
                time.sleep(0.05)
            pid = store.add_party(at(0), 2, "Wu", PHONE, tz=config.timezone,
                                  ticket_prefix="A").party
            store.call_party(at(1), pid)
            while len(receiver.received) < 2:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert _send(client, PHONE, "1").json() == {"result": "coming"}
        assert store.outbox.lease_owner(at(0)) == ""  # stopped with the server: lease free
        assert store.party(pid).reply == "coming"
        assert "your table is ready" in receiver.bodies()[1]
    finally:
        store.close()
        receiver.close()
