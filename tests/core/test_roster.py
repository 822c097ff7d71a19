"""Issue 10, points 2 and 4: the roster of hosts, names matched normalised, voids that
need a lead, lead secrets of 6+ digits kept in the database with a minimum scrypt cost,
and the `queueapp lead` / `queueapp host` commands."""

from __future__ import annotations

import hashlib
import math

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH, LEAD_SECRETS, at, config_variant
from hypothesis import given
from hypothesis import strategies as st

from queueapp.cli.main import main
from queueapp.config import ConfigError, parse_config
from queueapp.goodwill import gestures, pins, roster
from queueapp.goodwill.roster import normalise_name
from queueapp.store import Store

TEXT = CONFIG_PATH.read_text(encoding="utf-8")


# -- names ----------------------------------------------------------------------------------

@given(st.text())
def test_normalise_is_idempotent(name):
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(st.text(), st.sampled_from([".", " ", "  ", "\t", "-", "。", "·", "\u3000"]))
def test_spaces_and_punctuation_never_make_a_new_name(name, extra):
    assert normalise_name(extra + name + extra) == normalise_name(name)


def test_lin_dot_and_spaced_lin_are_lin():
    assert {normalise_name(n) for n in ("Lin", "Lin.", " lin", " LIN ", "Ｌｉｎ", "L.in")} == \
        {"lin"}
    assert normalise_name("Lin") != normalise_name("Lina")


def test_config_refuses_two_hosts_that_normalise_alike():
    text = TEXT.replace('name = "Ana"', 'name = "lin."')
    with pytest.raises(ConfigError, match=r"hosts\[2\]\.name: 'lin\.' is empty or the same "
                                          r"name as 'Lin'") as err:
        parse_config(text, CONFIG_PATH)
    line = int(str(err.value).split(", line ")[1].split(":")[0])
    assert text.splitlines()[line - 1] == 'name = "lin."'


def test_the_roster_matches_names_normalised(store, config):
    assert roster.hosts(store, config) == ["Lin", "Ana", "Hao"]
    assert roster.find_host(store, config, " lin. ") == "Lin"
    assert roster.find_host(store, config, "Bob") is None
    with pytest.raises(roster.RosterError, match="already on the roster, as 'Lin'"):
        roster.add_host(store, config, "LIN", "Mei", at(0))
    with pytest.raises(roster.RosterError, match="'Bob' is not a shift lead"):
        roster.add_host(store, config, "Kai", "Bob", at(0))
    assert roster.add_host(store, config, "  Kai  Li ", "mei", at(0)) == "Kai Li"
    with pytest.raises(roster.RosterError, match="already on the roster, as 'Kai Li'"):
        roster.add_host(store, config, "kai-li", "Mei", at(1))
    assert roster.hosts(store, config) == ["Lin", "Ana", "Hao", "Kai Li"]
    with pytest.raises(roster.RosterError, match="one of config.toml's"):
        roster.remove_host(store, config, "Ana", "Mei", at(2))
    assert roster.remove_host(store, config, "kai li.", "Jun", at(2)) == "Kai Li"
    assert roster.hosts(store, config) == ["Lin", "Ana", "Hao"]


def test_the_host_on_duty_is_stored_as_the_roster_spells_it(store, config):
    assert gestures.set_host_on_duty(store, "ANA!", config) == "Ana"
    assert gestures.host_on_duty(store) == "Ana"
    with pytest.raises(roster.RosterError, match="'Someone' is not on the roster"):
        gestures.set_host_on_duty(store, "Someone", config)
    assert gestures.host_on_duty(store) == "Ana"


def test_lin_dot_has_no_budget_of_its_own(store, config):
    """The probe: Lin spent ¥290, then "Lin." spent ¥290 more with no PIN."""
    party = store.party(store.add_party(at(0), 2, "Chen").party)
    gestures.give(store, at(1), party, "Gift box", "Lin", cost=290, config=config)
    with pytest.raises(gestures.NeedsApproval):
        gestures.give(store, at(2), party, "Gift box", "Lin.", cost=290, config=config)
    with pytest.raises(roster.RosterError, match="not on the roster"):
        gestures.give(store, at(2), party, "Tea", "Somebody", cost=1, config=config)
    assert gestures.budget_left(store, "Lin", at(3), config) == 10


# -- voids ------------------------------------------------------------------------------------

def _given(store, config, host="Lin", minutes=0.0, approved_by=""):
    party = store.party(store.add_party(at(minutes - 5), 2, "Chen").party)
    return gestures.give(store, at(minutes), party, "Cake", host, approved_by=approved_by,
                         cost=30, config=config)


@pytest.mark.parametrize("case, host, age, approved", [
    ("approved", "Lin", 1, "Jun"),
    ("other_host", "Ana", 1, ""),
    ("old", "Lin", 15.5, ""),
])
def test_a_void_needs_a_lead_and_records_them(store, config, case, host, age, approved):
    cake = _given(store, config, host, 0, approved)
    with pytest.raises(gestures.VoidNeedsLead) as err:
        gestures.void(store, at(age), cake.id, "Lin", "wrong party", config=config)
    assert err.value.reason == case and "needs a lead's PIN" in str(err.value)
    assert not store.gestures.get(cake.id).voided  # nothing written
    with pytest.raises(gestures.GoodwillError, match="'Bob' is not a shift lead"):
        gestures.void(store, at(age), cake.id, "Lin", "wrong party", "Bob", config=config)
    v = gestures.void(store, at(age), cake.id, "Lin", "wrong party", "mei", config=config)
    assert (v.approved_by, v.voided_by, v.cost) == ("Mei", "Lin", -30)
    assert store.gestures.get(v.id).approved_by == "Mei"  # on the void row in the database


def test_ones_own_fresh_gesture_is_voided_alone(store, config):
    cake = _given(store, config, "Lin", 0)
    v = gestures.void(store, at(15), cake.id, "lin.", "wrong party", config=config)
    assert (v.approved_by, v.voided_by) == ("", "Lin")


def test_void_free_minutes_is_read_and_checked_with_file_line_and_field(store):
    zero = config_variant(**{"void_free_minutes = 15": "void_free_minutes = 0"})
    assert zero.goodwill.void_free_minutes == 0
    cake = _given(store, zero, "Lin", 0)
    with pytest.raises(gestures.VoidNeedsLead):
        gestures.void(store, at(0.1), cake.id, "Lin", "typo", config=zero)
    for bad in ("-1", "1441", "nan", "inf", '"soon"'):
        with pytest.raises(ConfigError) as err:
            config_variant(**{"void_free_minutes = 15": f"void_free_minutes = {bad}"})
        text = str(err.value)
        assert "goodwill.void_free_minutes" in text and str(CONFIG_PATH) in text
        line = int(text.split(", line ")[1].split(":")[0])
        assert TEXT.splitlines()[line - 1].startswith("void_free_minutes")


# -- lead secrets ---------------------------------------------------------------------------

def _hash(secret: str, n: int, r: int = 8) -> str:
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=1, dklen=32,
                         maxmem=64 * 1024 * 1024)
    return f"scrypt${n}${r}$1${salt.hex()}${key.hex()}"


def test_secrets_must_be_six_digits_or_an_eight_character_passphrase():
    assert pins.secret_problem("246813") == "" and pins.secret_problem("２４６８１３") == ""
    assert pins.secret_problem("red lantern") == ""
    for short in ("2468", "12345", "pass wd", "²²²²²²"):
        assert pins.secret_problem(short) == "err_secret_short", short
    assert pins.secret_problem("  ") == "err_secret_empty"
    assert pins.secret_problem("9" * 201) == "err_secret_long"


def test_hashes_have_at_least_the_minimum_cost():
    made = pins.hash_pin("246813")
    n, r = (int(x) for x in made.split("$")[1:3])
    assert n >= 2**15 and r >= 8 and pins.verify_pin("２４６８１３", made)
    weak = _hash("246813", 2**14)  # what config.toml used to hold
    assert pins.hash_problem(weak) == "weak" and not pins.verify_pin("246813", weak)
    assert pins.hash_problem(_hash("246813", 2**15, r=4)) == "weak"
    assert pins.hash_problem(_hash("246813", 2)) == "weak"
    assert pins.hash_problem("scrypt$3$8$1$00112233445566778899$" + "ab" * 32) == "malformed"


def test_check_config_refuses_weak_hashes_and_short_pins(tmp_path):
    weak = _hash("2468", 2**14)
    for pin_hash, expect in ((weak, "is too weak: scrypt's cost must be at least N=32768"),
                             ("2468", "a PIN needs at least 6 digits")):
        path = tmp_path / "weak.toml"
        path.write_text(TEXT + f'\n[[leads]]\nname = "Bo"\npin_hash = "{pin_hash}"\n',
                        encoding="utf-8")
        result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
        assert result.exit_code == 1 and "leads[1] (Bo).pin_hash" in result.output
        assert expect in result.output, result.output


def test_a_config_lead_with_a_strong_hash_still_works_with_a_warning(tmp_path):
    path = tmp_path / "old.toml"
    path.write_text(TEXT + f'\n[[leads]]\nname = "Bo"\npin_hash = "{_hash("864200", 2**15)}"\n',
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert result.exit_code == 0 and "config.toml still holds [[leads]] (Bo)" in result.output
    config = parse_config(path.read_text(encoding="utf-8"), path)
    store = Store.open(tmp_path / "q.db", config)
    try:
        assert gestures.check_lead_pin(store, config, "bo", "864200", at(0)).ok
    finally:
        store.close()


def test_a_weak_hash_in_the_database_is_refused_with_a_clear_message(store, config):
    store.roster.add_lead(at(0), "Old", "old", _hash("246813", 2**14), "Mei")
    with pytest.raises(gestures.GoodwillError, match="Old's secret is kept as a hash weaker"):
        gestures.check_lead_pin(store, config, "Old", "246813", at(1))


def test_wrong_secrets_still_lock(store, config):
    for i in range(config.goodwill.pin_max_wrong):
        res = gestures.check_lead_pin(store, config, "Mei", "000000", at(i / 10))
    assert res.status == "locked"
    assert gestures.check_lead_pin(store, config, "Mei", "246813", at(1)).status == "locked"


# -- the commands ------------------------------------------------------------------------------

def cli(db, *args: str, input: str = ""):
    return CliRunner().invoke(main, [*args, "--config", str(CONFIG_PATH), "--db", str(db)],
                              input=input)


def test_lead_add_first_then_with_an_existing_leads_secret(tmp_path, config):
    db = tmp_path / "leads.db"
    first = cli(db, "lead", "add", "Mei", input="2468\n")
    assert first.exit_code == 1 and "Too short: a PIN needs at least 6 digits" in first.output
    differ = cli(db, "lead", "add", "Mei", input="246813\n246812\n")
    assert differ.exit_code == 1 and "The two secrets differ" in differ.output
    ok = cli(db, "lead", "add", "Mei", input="246813\n246813\n")
    assert ok.exit_code == 0, ok.output
    assert "no shift lead yet: mei becomes the first" in ok.output.casefold()
    assert "246813" not in ok.output  # hidden as typed
    # the second lead needs Mei's secret (one lead: no name asked)
    wrong = cli(db, "lead", "add", "Jun", input="111111\n")
    assert wrong.exit_code == 1 and "Wrong PIN: 4 tries left" in wrong.output
    jun = cli(db, "lead", "add", "Jun", input="246813\nred lantern\nred lantern\n")
    assert jun.exit_code == 0 and "Jun is a shift lead now." in jun.output
    # with two leads, the lead's name is asked (or given with --lead)
    again = cli(db, "lead", "add", "jun.", "--lead", "Jun", input="red lantern\n135724\n135724\n")
    assert again.exit_code == 1 and "already a shift lead, as 'Jun'" in again.output
    listed = cli(db, "lead", "list")
    assert [line.split(" · ")[0] for line in listed.output.splitlines()] == ["Mei", "Jun"]
    assert "by Mei" in listed.output.splitlines()[1]
    store = Store.open(db, config)
    try:
        rows = store.roster.leads()
        assert [(r.name, r.created_by) for r in rows] == [("Mei", ""), ("Jun", "Mei")]
        assert all(pins.hash_problem(r.secret_hash) == "" for r in rows)
        assert gestures.check_lead_pin(store, config, "Jun", "red lantern", at(0)).ok
        attempts = store.db.execute("SELECT lead, outcome FROM pin_attempts").fetchall()
        assert ("Mei", "wrong") in attempts  # the command's wrong secret was logged
    finally:
        store.close()
    gone = cli(db, "lead", "remove", "Jun", input="Mei\n246813\n")
    assert gone.exit_code == 0 and "Jun is no longer a shift lead." in gone.output
    last = cli(db, "lead", "remove", "Mei", input="246813\n")
    assert last.exit_code == 1 and "'Mei' is the last shift lead" in last.output


def test_host_add_and_remove_need_a_lead_secret(tmp_path, config):
    db = tmp_path / "hosts.db"
    assert cli(db, "host", "add", "Kai").exit_code == 1  # no lead yet: nobody can
    assert cli(db, "lead", "add", "Mei", input="246813\n246813\n").exit_code == 0
    refused = cli(db, "host", "add", "Kai", input="000000\n")
    assert refused.exit_code == 1 and "Wrong PIN" in refused.output
    added = cli(db, "host", "add", "Kai", input="246813\n")
    assert added.exit_code == 0 and "Kai is on the roster of hosts now" in added.output
    same = cli(db, "host", "add", "KAI!", input="246813\n")
    assert same.exit_code == 1 and "already on the roster, as 'Kai'" in same.output
    listed = cli(db, "host", "list").output.splitlines()
    assert [line.split(" · ")[0] for line in listed] == ["Lin", "Ana", "Hao", "Kai"]
    removed = cli(db, "host", "remove", "kai", input="246813\n")
    assert removed.exit_code == 0 and "Kai is off the roster" in removed.output


def test_removing_a_name_not_on_the_roster_says_so_before_any_secret(tmp_path, config):
    """`host remove Nobody` asked for a lead's secret, then said what the stand says when
    picking a host ("pick a name from the list, or a lead adds it"): the command says at
    once that there is no such host, and who is on the roster; the same for leads and for
    a host only config.toml can remove."""
    db = tmp_path / "nobody.db"
    assert cli(db, "lead", "add", "Mei", input="246813\n246813\n").exit_code == 0
    assert cli(db, "host", "add", "Kai", input="246813\n").exit_code == 0
    for args, said in (
            (("host", "remove", "Nobody"),
             "There is no host called 'Nobody' on the roster. On it: Lin, Ana, Hao, Kai."),
            (("host", "remove", "lin"),
             "'Lin' is one of config.toml's [[hosts]]: remove the entry there."),
            (("lead", "remove", "Nobody"),
             "There is no shift lead called 'Nobody'. The leads: Mei.")):
        res = cli(db, *args, input="246813\n")
        assert res.exit_code == 1, res.output
        assert "secret" not in res.output.casefold(), res.output  # never asked
        assert said in res.output and "pick a name" not in res.output, res.output
    assert cli(db, "host", "list").output.count("Kai") == 1  # nothing changed


def test_a_lead_only_config_toml_names_is_said_before_any_secret(tmp_path):
    """`lead remove Bo`, Bo only in config.toml's [[leads]]: the command asked for a
    lead's secret first and only then said config.toml must remove it (the README says
    it is said at once, as for a host)."""
    path = tmp_path / "old.toml"
    path.write_text(TEXT + f'\n[[leads]]\nname = "Bo"\npin_hash = "{_hash("864200", 2**15)}"\n',
                    encoding="utf-8")
    db = tmp_path / "bo.db"

    def run(*args: str, input: str = ""):
        return CliRunner().invoke(main, [*args, "--config", str(path), "--db", str(db)],
                                  input=input)

    assert run("lead", "add", "Mei", "--lead", "Bo", input="864200\n246813\n246813\n") \
        .exit_code == 0
    res = run("lead", "remove", "bo", input="246813\n")
    assert res.exit_code == 1, res.output
    assert "'Bo' is a lead only in config.toml's [[leads]]" in res.output, res.output
    assert "secret" not in res.output.casefold(), res.output  # never asked


def test_control_characters_never_reach_a_roster_name(tmp_path, config):
    """A name typed with BEL, ESC or a tab follows a party's name's rule (the guests'
    check-in): control characters dropped, tabs made spaces; the command says what the
    name is, and one with nothing readable left is refused."""
    db = tmp_path / "controls.db"
    first = cli(db, "lead", "add", "Ctl\x07\x1b[31m", input="246813\n246813\n")
    assert first.exit_code == 0, first.output
    assert "Control characters (BEL, ESC, tabs...) are not kept in a name: it is " \
           "Ctl." in first.output
    assert "\x07" not in first.output and "\x1b" not in first.output  # not in the prompts
    added = cli(db, "host", "add", "Tab\tHost\x07", input="246813\n")
    assert added.exit_code == 0 and "Tab Host is on the roster of hosts now" in added.output
    nothing = cli(db, "host", "add", "\x07\x1b", input="246813\n")
    assert nothing.exit_code == 1 and "with a letter or digit in it" in nothing.output
    listed = cli(db, "lead", "list").output + cli(db, "host", "list").output
    assert "Ctl · added" in listed and "Tab Host · added" in listed
    assert not any(ch in listed for ch in "\x07\x1b\t")
    store = Store.open(db, config)
    try:
        assert [r.name for r in store.roster.leads()] == ["Ctl"]
        assert [r.name for r in store.roster.hosts()] == ["Tab Host"]
    finally:
        store.close()


def test_the_cli_lockout_holds(tmp_path, config):
    db = tmp_path / "lock.db"
    assert cli(db, "lead", "add", "Mei", input="246813\n246813\n").exit_code == 0
    outputs = [cli(db, "host", "add", "Kai", input="000000\n").output
               for _ in range(config.goodwill.pin_max_wrong)]
    assert "Too many wrong PINs: try again at" in outputs[-1]
    right = cli(db, "host", "add", "Kai", input="246813\n")
    assert right.exit_code == 1 and "Too many wrong PINs" in right.output


# -- the demo's secrets ---------------------------------------------------------------------

def test_the_demos_documented_secrets_work(tmp_path, config):
    from queueapp.sim.demo import DEMO_LEADS, build_demo

    assert DEMO_LEADS == LEAD_SECRETS == {"Mei": "246813", "Jun": "135724"}
    store = Store.open(tmp_path / "demo.db", config)
    try:
        build_demo(store, config, seed=3, now=at(0), history_days=0)
        for name, secret in DEMO_LEADS.items():
            assert gestures.check_lead_pin(store, config, name, secret, at(1)).ok, name
        assert not math.isnan(gestures.budget_left(store, "Lin", at(1), config))
        assert gestures.host_on_duty(store) == "Lin"
    finally:
        store.close()
    example = (CONFIG_PATH.parent.parent / "config.toml").read_text(encoding="utf-8")
    assert "Mei (secret 246813) and Jun (135724)" in example  # as documented


def test_the_lists_only_read_the_file(store, db_path, tmp_path):
    """`lead list` and `host list` opened the file to write: another program holding the
    write lock (the stand saving a rush) made them fail with "locked... nothing was
    saved", and a mistyped path became a new empty database. They only read it now."""
    import sqlite3

    writer = sqlite3.connect(db_path)
    writer.execute("BEGIN IMMEDIATE")
    try:
        for group in ("lead", "host"):
            result = CliRunner().invoke(main, [group, "list", "--db", str(db_path),
                                               "--config", str(CONFIG_PATH)])
            assert result.exit_code == 0, result.output
    finally:
        writer.rollback()
        writer.close()
    typo = tmp_path / "queu.db"
    result = CliRunner().invoke(main, ["lead", "list", "--db", str(typo), "--config",
                                       str(CONFIG_PATH)])
    assert result.exit_code == 1 and "no such database file" in result.output
    assert not typo.exists()
