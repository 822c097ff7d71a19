"""Each stand's name and its own host on duty: the ``stations`` table, the stand's name
from --station / $QUEUEAPP_STATION / [stand] station / the computer, and the claim that
keeps two running stands from sharing one name on one file."""

from __future__ import annotations

import dataclasses
import signal
import socket
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, at, config_variant
from sqlite_utils import Database

from queueapp.cli.main import main
from queueapp.config import ConfigError, default_station, stand_station
from queueapp.goodwill import gestures
from queueapp.store import Store, StoreError, stations
from queueapp.store.schema import migrations

CONFIG = str(CONFIG_PATH)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


# -- each stand's own host -------------------------------------------------------------------

def test_each_stand_keeps_its_own_host_on_duty(db_path, config):
    front = Store.open(db_path, config, station="front")
    upstairs = Store.open(db_path, config, station="upstairs")
    try:
        gestures.set_host_on_duty(upstairs, "lin", config)
        gestures.set_host_on_duty(front, "Ana", config)
        assert gestures.host_on_duty(front) == "Ana"
        assert gestures.host_on_duty(upstairs) == "Lin"  # picking Ana at front left it
        gestures.set_host_on_duty(front, "Hao", config)
        assert gestures.host_on_duty(upstairs) == "Lin"
        assert upstairs.stations.on_duty() == {"front": "Hao", "upstairs": "Lin"}
        bar = Store.open(db_path, config, station="bar")  # a new stand: nobody yet
        assert gestures.host_on_duty(bar) == ""
        bar.close()
        # a gesture is the host's of the stand that gives it, against that host's budget
        party = front.add_party(at(0), 2, "Chen").party
        given = gestures.give(upstairs, at(1), party, "Balloon",
                              gestures.host_on_duty(upstairs), cost=20, config=config)
        assert (given.host, given.station) == ("Lin", "upstairs")
        assert gestures.budget_left(front, "Hao", at(2), config) == 300
        assert gestures.budget_left(front, "Lin", at(2), config) == 280
    finally:
        front.close()
        upstairs.close()


def test_the_one_shared_host_of_an_older_file_is_dropped(db_path, config):
    """An older file's one `host_on_duty` setting was every terminal's: nobody can tell
    which stand it was picked at, so no stand inherits it; each asks once."""
    db = Database(db_path)
    migrations.apply(db, stop_before="m013_stations")
    db.execute("INSERT INTO settings (key, value) VALUES ('host_on_duty', 'Ana'), "
               "('joining_paused', '1')")
    db.conn.commit()
    db.close()
    store = Store.open(db_path, config, station="front")
    try:
        assert gestures.host_on_duty(store) == ""
        assert store.get_setting("host_on_duty", "gone") == "gone"
        assert store.joining_paused()  # the other settings stay
    finally:
        store.close()


def test_a_host_change_at_one_stand_is_seen_by_the_others_version(db_path, config):
    front = Store.open(db_path, config, station="front")
    upstairs = Store.open(db_path, config, station="upstairs")
    try:
        before = upstairs.version()
        gestures.set_host_on_duty(front, "Ana", config)
        assert upstairs.version() != before
    finally:
        front.close()
        upstairs.close()


# -- the stand's name ------------------------------------------------------------------------

def test_the_stands_name_comes_from_the_flag_the_environment_the_config_the_computer(config):
    named = dataclasses.replace(config, station="bar")
    env = {"QUEUEAPP_STATION": " upstairs  2 "}
    assert stand_station(" front ", named, env) == ("front", "--station")
    assert stand_station(None, named, env) == ("upstairs 2", "QUEUEAPP_STATION")
    assert stand_station(None, named, {"QUEUEAPP_STATION": " "}) == ("bar", "[stand] station")
    assert stand_station("", config, {}) == (default_station(), "")
    # the default is the computer's name: the same at every start
    assert default_station() == (" ".join(socket.gethostname().split())[:64] or "stand")


def test_the_config_names_the_stand():
    assert config_variant(**{"[goodwill]": '[stand]\nstation = "前台 1"\n\n[goodwill]'}
                          ).station == "前台 1"
    with pytest.raises(ConfigError, match=r"line \d+: stand.station: .* printable"):
        config_variant(**{"[goodwill]": '[stand]\nstation = "a\\u0007b"\n\n[goodwill]'})


# -- two stands of one name ------------------------------------------------------------------

def test_a_name_is_held_by_one_running_stand_at_a_time(db_path):
    with stations.claim(db_path, "front"):
        with pytest.raises(stations.StationTaken) as taken:
            stations.claim(db_path, "front")
        assert "--station NAME" in str(taken.value) and str(db_path) in str(taken.value)
        with stations.claim(db_path, "upstairs"), stations.claim(db_path, "前台 / 2"):
            pass  # other names, even odd ones, are other stands
        with stations.claim(db_path.with_name("other.db"), "front"):
            pass  # the same name on another file is another restaurant's stand
    with stations.claim(db_path, "front"):  # released: the stand may start again
        pass


def test_a_running_stand_is_told_from_its_name_without_taking_it(db_path):
    assert not stations.running(db_path, "front")  # never started: no lock file
    with stations.claim(db_path, "front"):
        assert stations.running(db_path, "front")
        assert not stations.running(db_path, "upstairs") and not stations.running(db_path, "")
        assert stations.running(db_path, "front")  # looking does not take it
    assert not stations.running(db_path, "front")  # stopped: the file stays, unlocked
    with stations.claim(db_path, "front"):  # and looking left it free to start again
        pass


def test_the_stand_that_last_called_a_party_is_known(db_path, config):
    front = Store.open(db_path, config, station="front")
    upstairs = Store.open(db_path, config, station="upstairs")
    try:
        a = front.add_party(at(0), 2, "A").party
        b = front.add_party(at(1), 2, "B").party
        c = front.add_party(at(2), 2, "C").party
        front.call_party(at(3), a)
        upstairs.keep_call(at(14), a, 5)  # "hold longer" there: that stand answers next
        front.call_party(at(4), b)
        again = upstairs.call_party(at(5), b)
        upstairs.undo(at(6), again.id)  # the call made there never counts
        assert front.stations.callers([a, b, c]) == {a: "upstairs", b: "front"}
        assert front.stations.callers([]) == {}
    finally:
        front.close()
        upstairs.close()


def test_a_stand_that_died_leaves_its_name_free(db_path):
    code = textwrap.dedent(f"""
        import sys, time
        from queueapp.store import stations
        claim = stations.claim({str(db_path)!r}, "front")
        print("held", flush=True)
        time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(stations.StationTaken):
            stations.claim(db_path, "front")
        holder.send_signal(signal.SIGKILL)  # no clean exit: the kernel drops the lock
        holder.wait(10)
        with stations.claim(db_path, "front"):
            pass
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)


def test_a_lock_folder_that_cannot_be_made_is_said(tmp_path):
    (tmp_path / "q.db-stations").write_text("in the way")
    with pytest.raises(StoreError) as failed:
        stations.claim(tmp_path / "q.db", "front")
    assert failed.value.key == "err_station_lock"


def test_the_stand_is_not_started_under_a_name_another_stand_holds(tmp_path):
    db = tmp_path / "q.db"
    with stations.claim(db, "front"):
        flag = run("--config", CONFIG, "--db", str(db), "--station", "front")
        env = run("--config", CONFIG, "--db", str(db), env={"QUEUEAPP_STATION": "front"})
    for result in (flag, env):
        assert result.exit_code == 1
        assert "Another stand is running as “front”" in result.output
        assert "queueapp --station NAME" in result.output


def test_the_stand_refuses_a_name_that_cannot_name_a_stand(tmp_path):
    result = run("--config", CONFIG, "--db", str(tmp_path / "q.db"), "--station", "a\tb\x07")
    assert result.exit_code == 1
    assert "--station: “a b\x07” cannot name a stand" in result.output
    long = run("--config", CONFIG, "--db", str(tmp_path / "q.db"), env={
        "QUEUEAPP_STATION": "x" * 65})
    assert long.exit_code == 1 and "QUEUEAPP_STATION: " in long.output


def test_host_list_says_who_is_on_duty_at_each_stand(db_path, config):
    for name, host in (("upstairs", "Lin"), ("front", "Ana")):
        store = Store.open(db_path, config, station=name)
        gestures.set_host_on_duty(store, host, config)
        store.close()
    listed = run("host", "list", "--config", CONFIG, "--db", str(db_path))
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[-2:] == ["On duty at front: Ana",
                                               "On duty at upstairs: Lin"]
