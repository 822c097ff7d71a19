"""Simulated history carries quotes (issue 14.3): each simulated arrival is quoted as the
stand would have quoted it, from the rows before it only; the review, `queueapp report`
and a backtest of the written file all see the same quotes."""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH

from queueapp.cli.main import main
from queueapp.config import Config
from queueapp.quotes.backtest import Metrics, backtest
from queueapp.quotes.estimator import Estimator
from queueapp.review import reports
from queueapp.sim.demo import build_demo, fill_history, write_quoted
from queueapp.sim.quoting import quote_arrivals, quote_once
from queueapp.sim.simulator import simulate
from queueapp.store import Store, StoreError
from queueapp.waitlist.events import ARRIVE, SEAT, Event

START = date(2026, 3, 6)  # a Friday: a busy evening with a real queue
WHOLE = reports.Filters(0.0, 4102444800.0)  # 1970 to 2100: everything in the file


def backtest_of_file(store: Store, config: Config):
    """What `queueapp backtest --db` computes: the file's events, re-quoted from scratch."""
    return backtest(list(store.all_events(by_time=True)), config.tables,
                    Estimator.for_config(config))


def stored_quotes(store: Store) -> dict[str, dict]:
    return {e.party: e.data for e in store.all_events() if e.event == ARRIVE}


def test_simulated_days_are_quoted_as_a_backtest_of_the_file_quotes_them(store, config):
    events = fill_history(store, config, days=2, seed=3, start=START)
    arrivals = [e for e in events if e.event == ARRIVE]
    assert len(arrivals) > 150
    saved = stored_quotes(store)
    assert set(saved) == {e.party for e in arrivals}
    for data in saved.values():  # the arrive row's data as Store.add_party writes it
        assert data["quote_low"] <= data["quote"] <= data["quote_high"]
    assert len({d["quote"] for d in saved.values()}) > 20  # quotes follow the room

    # the file's own backtest gives every arrival the very quote it carries
    again = backtest_of_file(store, config)
    assert len(again.outcomes) == len(arrivals)
    for o in again.outcomes:
        assert round(o.quoted, 2) == saved[o.party]["quote"], o.party

    # the review's figures (the review screen and `queueapp report` share them)
    rep = reports.build(store, WHOLE, config)
    seated = sum(e.event == SEAT for e in events)
    assert rep.parties == len(arrivals) and rep.seated == seated
    assert rep.accuracy.n == seated == again.metrics.seated
    assert rep.accuracy.mae is not None and 0.5 < rep.accuracy.mae < 20  # plausible
    # quotes are kept to 0.01 minute: the MAEs agree to half of that
    assert rep.accuracy.mae == pytest.approx(again.metrics.mae, abs=0.005)
    assert rep.accuracy.signed == pytest.approx(again.metrics.bias, abs=0.005)
    waited = {p.id: p.waited for p in store.review.party_rows(WHOLE)}
    assert all(p.quote is not None for p in store.review.party_rows(WHOLE))
    assert any(w is not None and w > 15 for w in waited.values())  # a real queue


def test_report_command_shows_the_simulated_parties_quoted(tmp_path):
    db = tmp_path / "sim.db"
    cfg = str(CONFIG_PATH)
    made = CliRunner().invoke(main, ["--config", cfg, "simulate", "--db", str(db),
                                     "--days", "2", "--start", START.isoformat(),
                                     "--seed", "3"])
    assert made.exit_code == 0, made.output
    assert "Quoted them in" in made.output and "mean absolute error" in made.output
    shown = CliRunner().invoke(main, ["--config", cfg, "report", "--db", str(db), "--from",
                                      "2026-03-06", "--to", "2026-03-07", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    figures = json.loads(shown.output)
    quotes = figures["quotes"]["all"]
    assert figures["seated"] > 100 and quotes["parties"] == figures["seated"]
    from queueapp.config import load_config

    config = load_config(CONFIG_PATH)
    store = Store.open(db, config)
    try:
        assert quotes["mean_abs_error_min"] == round(backtest_of_file(store, config)
                                                     .metrics.mae, 1)
    finally:
        store.close()
    printed = CliRunner().invoke(main, ["--config", cfg, "report", "--db", str(db), "--from",
                                        "2026-03-06", "--to", "2026-03-07"])
    assert printed.exit_code == 0, printed.output
    mae = f"{figures['quotes']['all']['mean_abs_error_min']:.1f} min"
    assert re.search(r"Mean absolute error +" + re.escape(mae), printed.output), printed.output


def test_a_quote_never_depends_on_later_events(config):
    events = simulate(config, 1, "hotpot", seed=3, start=START)
    full = copy.deepcopy(events)
    quote_arrivals(full, config)
    arrivals = [i for i, e in enumerate(events) if e.event == ARRIVE]
    busy = max(arrivals, key=lambda i: full[i].data["quote"])  # in the thick of the queue
    for i in (arrivals[40], busy, arrivals[-1]):
        cut = copy.deepcopy(events[: i + 1])
        quote_arrivals(cut, config)
        assert cut[-1].party == full[i].party
        for key in ("quote", "quote_low", "quote_high"):
            assert cut[-1].data[key] == full[i].data[key]
    assert full[busy].data["quote"] > 10


def test_more_history_learns_from_the_file_and_its_undone_rows(store, config):
    """A second run into the same file learns from what is there (an undone arrival left
    out, as the backtest leaves it out) and still matches the backtest of the file; ids
    already in the file are refused before any quoting, and nothing is written."""
    fill_history(store, config, days=1, seed=3, start=START)
    live = store.add_party(fill_end(store) + 60, 2, "Undone", tz=config.timezone)
    store.undo(fill_end(store) + 120, store.last_event_id())
    assert live.party not in stored_quotes(store)
    later = simulate(config, 1, "hotpot", seed=4, start=date(2026, 3, 7))
    n, metrics = write_quoted(store, config, later, seed=4)
    assert n == len(later) and metrics.seated > 50
    saved = stored_quotes(store)
    again = backtest_of_file(store, config)
    assert {o.party for o in again.outcomes} == set(saved)
    for o in again.outcomes:
        assert round(o.quoted, 2) == saved[o.party]["quote"], o.party
    ours = Metrics.of(o for o in again.outcomes if o.party.startswith("20260307"))
    assert ours == metrics

    before = store.last_event_id()
    clash = simulate(config, 1, "hotpot", seed=9, start=START)
    with pytest.raises(StoreError) as caught:
        write_quoted(store, config, clash, seed=9)
    assert "already in the database" in str(caught.value)
    assert store.last_event_id() == before
    assert all("quote" not in e.data for e in clash if e.event == ARRIVE)  # never quoted


def fill_end(store: Store) -> float:
    return max(e.time for e in store.all_events())


def test_simulated_arrive_rows_read_back_as_parties_with_their_quote(store, config):
    """The parties row (what the review reads) holds the arrive row's quote and range."""
    events = fill_history(store, config, days=1, seed=5, start=START)
    first: Event = next(e for e in events if e.event == ARRIVE)
    party = store.party(first.party)
    assert party is not None
    assert (party.quote, party.quote_low, party.quote_high) == (
        first.data["quote"], first.data["quote_low"], first.data["quote_high"])


# -- the demo: its history quoted once, kept for the next demo on the same history ---------

EVENING = 1772800200.0  # 2026-03-06 20:30 in Shanghai: a Friday evening in full swing


def demo_quotes(store: Store) -> dict[str, tuple[float, float, float]]:
    return {p: (d["quote"], d["quote_low"], d["quote_high"])
            for p, d in stored_quotes(store).items()}


def test_the_demo_quotes_its_history_once_and_reads_it_back(tmp_path, config):
    memo = tmp_path / "memo"
    asked: list[int] = []
    stores = [Store.open(tmp_path / f"demo{i}.db", config) for i in range(3)]
    try:
        build_demo(stores[0], config, seed=3, now=EVENING, history_days=3, memo=memo,
                   quoting=asked.append)
        first = demo_quotes(stores[0])
        history = {p for p in first if not p.startswith("20260306")}
        assert len(asked) == 1 and asked[0] == len(history) > 200
        assert len(list(memo.glob("quotes-*.json"))) == 1
        # every arrival is quoted; the history exactly as a backtest of the file quotes it
        rep = reports.build(stores[0], WHOLE, config)
        assert rep.accuracy.n == rep.seated > 200
        again = backtest_of_file(stores[0], config)
        for o in again.outcomes:
            if o.party in history:
                assert round(o.quoted, 2) == first[o.party][0], o.party

        # the next demo on the same history reads the kept quotes: the very same numbers
        build_demo(stores[1], config, seed=3, now=EVENING, history_days=3, memo=memo,
                   quoting=asked.append)
        assert len(asked) == 1 and demo_quotes(stores[1]) == first

        # kept quotes that cannot be used as they are are computed again, never trusted
        kept = next(memo.glob("quotes-*.json"))
        kept.write_text(json.dumps({"quotes": [[1.0, 0.0, 2.0]]}), encoding="utf-8")
        build_demo(stores[2], config, seed=3, now=EVENING, history_days=3, memo=memo,
                   quoting=asked.append)
        assert len(asked) == 2 and demo_quotes(stores[2]) == first
    finally:
        for s in stores:
            s.close()


def test_kept_quotes_follow_the_config_they_were_computed_for(tmp_path, config):
    from dataclasses import replace

    memo = tmp_path / "memo"
    history = simulate(config, 1, "hotpot", seed=3, start=START)
    assert quote_once(copy.deepcopy(history), config, memo) is False
    assert quote_once(copy.deepcopy(history), config, memo) is True
    slower = replace(config, quoting=replace(config.quoting, clearing_minutes=15))
    fresh = copy.deepcopy(history)
    assert quote_once(fresh, slower, memo) is False  # another config: computed again
    plain = copy.deepcopy(history)
    quote_arrivals(plain, slower)
    assert [e.data for e in fresh] == [e.data for e in plain]
