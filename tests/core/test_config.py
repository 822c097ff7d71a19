"""The config: the repo's example loads, `check-config` exit codes, and one broken config
for each kind of mistake, each stopping with a message that names the file, the field and
(where the mistake is on a line) the line, never with a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH

from queueapp.cli.main import main
from queueapp.config import ConfigError, load_config, parse_config

CONFIG_PATH = CONFIG_PATH
TEXT = CONFIG_PATH.read_text(encoding="utf-8")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def broken(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def replace_once(old: str, new: str, text: str = TEXT) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def without_tables(text: str) -> str:
    text = re.sub(r"\[\[tables\]\]\nname = \"\w+\"\nseats = \d+\nsection = \"\w+\"\n", "", text)
    return re.sub(r"\[\[joins\]\]\ntables = .*\n", "", text)


# -- the real config -------------------------------------------------------------------------

def test_repo_config_loads(config):
    assert config.name == "Red Lantern Hotpot"
    assert config.timezone == "Asia/Shanghai"
    assert config.country == "CN"
    assert config.language == "en"
    assert config.largest_party == 12
    assert len(config.tables) == 27
    assert [s.name for s in config.sections] == ["Hall", "Window", "Terrace", "Rooms"]
    assert {j.name for j in config.joins} == {"A4+A5", "A8+A9", "T5+T6", "T7+T8"}
    assert config.table("A4").seats == 4 and config.table("A4").section == "Hall"
    assert {t.seats for t in config.tables} >= {2, 4, 6, 8}
    assert all(t.section in {s.name for s in config.sections} for t in config.tables)
    # joined tables seat the sum of their parts by default
    assert next(j for j in config.joins if j.name == "A4+A5").seats == 8
    # built-in tags first, then the config's extra ones
    assert config.tags[:5] == ("child", "high chair", "wheelchair", "birthday", "VIP")
    assert "long hair" in config.tags


def test_config_found_via_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUEUEAPP_CONFIG", str(CONFIG_PATH))
    monkeypatch.chdir(tmp_path)
    assert load_config().name == "Red Lantern Hotpot"


def test_check_config_ok():
    result = CliRunner().invoke(main, ["check-config", "--config", str(CONFIG_PATH)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "27 tables" in result.output


@pytest.mark.parametrize("name", ["config.toml", "benchmarks/keypress.toml"])
def test_the_shipped_configs_pass_their_own_check(name):
    """The example and the benchmark's config load, without a warning: the keypress
    benchmark's had lead hashes weaker than the loader now takes, and did not start."""
    path = Path(__file__).resolve().parents[2] / name
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "Warning" not in result.output


def test_check_config_broken_exits_non_zero_with_message(tmp_path):
    p = broken(tmp_path, replace_once('country = "CN"', 'country = "XX"'))
    result = CliRunner().invoke(main, ["check-config", "--config", str(p)])
    assert result.exit_code == 1
    assert str(p) in result.output
    assert "restaurant.country" in result.output
    assert f"line {line_of(TEXT, 'country = ')}" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_check_config_missing_file(tmp_path):
    p = tmp_path / "nowhere" / "config.toml"
    result = CliRunner().invoke(main, ["check-config", "--config", str(p)])
    assert result.exit_code == 1
    assert str(p) in result.output and "not found" in result.output
    assert "Traceback" not in result.output


# -- one broken config per kind of mistake ----------------------------------------------------

CASES = [
    # id, new text, field named in the message, line (or None when no line applies)
    ("bad-toml-syntax",
     replace_once('currency = "¥"', 'currency = "¥'),
     "not valid TOML", line_of(TEXT, 'currency = "¥"')),
    ("missing-restaurant",
     replace_once("[restaurant]", "[restaurant_settings]"),
     "[restaurant]", None),
    ("missing-field",
     replace_once('timezone = "Asia/Shanghai"', ""),
     "restaurant.timezone", None),
    ("wrong-type-field",
     replace_once("largest_party = 12", 'largest_party = "twelve"'),
     "restaurant.largest_party", line_of(TEXT, "largest_party = 12")),
    ("wrong-type-table-seats",
     replace_once('name = "A6"\nseats = 4', 'name = "A6"\nseats = "four"'),
     "tables[6] (A6).seats", line_of(TEXT, 'name = "A6"') + 1),
    ("unknown-timezone",
     replace_once('"Asia/Shanghai"', '"Mars/Olympus_Mons"'),
     "restaurant.timezone", line_of(TEXT, "timezone = ")),
    ("bad-country",
     replace_once('country = "CN"', 'country = "XX"'),
     "restaurant.country", line_of(TEXT, "country = ")),
    ("bad-language",
     replace_once('language = "en"', 'language = "fr"'),
     "restaurant.language", line_of(TEXT, "language = ")),
    ("table-with-seats-0",
     replace_once('name = "A6"\nseats = 4', 'name = "A6"\nseats = 0'),
     "tables[6] (A6).seats", line_of(TEXT, 'name = "A6"') + 1),
    ("duplicate-table-name",
     replace_once('name = "A6"', 'name = "A5"'),
     "tables[6] (A5).name", line_of(TEXT, 'name = "A6"')),
    ("table-name-differing-only-in-case-and-spaces",
     replace_once('name = "A6"', 'name = " a5 "'),
     "tables[6] (a5).name: 'a5' is the same name as table 'A5' (case and spaces do not "
     "count)", line_of(TEXT, 'name = "A6"')),
    ("join-names-unknown-table",
     replace_once('tables = ["T7", "T8"]', 'tables = ["T7", "T9"]'),
     "joins[4].tables", line_of(TEXT, 'tables = ["T7", "T8"]')),
    ("table-missing-seats",
     replace_once('name = "A6"\nseats = 4\n', 'name = "A6"\n'),
     "tables[6] (A6).seats", line_of(TEXT, 'name = "A6"') - 1),
    ("no-tables",
     without_tables(TEXT),
     "[[tables]]", None),
]


@pytest.mark.parametrize(("text", "field", "line"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_broken_config(tmp_path, text, field, line):
    p = broken(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(p)
    msg = str(info.value)
    assert msg.startswith(str(p)), msg
    assert field in msg, msg
    if line is not None:
        assert f"line {line}" in msg, msg
    # the same mistake through the CLI: exit 1, the message, no traceback
    result = CliRunner().invoke(main, ["check-config", "--config", str(p)])
    assert result.exit_code == 1, result.output
    assert msg in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_bad_toml_names_line_and_column(tmp_path):
    p = broken(tmp_path, replace_once('currency = "¥"', 'currency = "¥'))
    with pytest.raises(ConfigError, match=r"line \d+, column \d+"):
        load_config(p)


def test_missing_file_names_the_file(tmp_path):
    p = tmp_path / "missing.toml"
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert str(p) in str(info.value) and "not found" in str(info.value)


def test_no_tables_test_text_really_has_none():
    assert "[[tables]]" not in without_tables(TEXT)
    assert "[[joins]]" not in without_tables(TEXT)


def test_the_shipped_example_config_loads() -> None:
    """The tests use their own copy; the example a restaurant starts from must load too."""
    from helpers import EXAMPLE_CONFIG_PATH

    cfg = load_config(EXAMPLE_CONFIG_PATH)
    assert cfg.tables and cfg.name


# -- [keys] ------------------------------------------------------------------------------------

KEYS_LINE = '# add_party = "a"'


def keys_refused(tmp_path: Path, keys: str) -> str:
    """check-config's message for ``keys`` in [keys] (exit 1, no traceback)."""
    p = broken(tmp_path, replace_once(KEYS_LINE, keys))
    result = CliRunner().invoke(main, ["check-config", "--config", str(p)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    return result.output


@pytest.mark.parametrize(("keys", "says"), [
    # s opened Add, Seat had no key left and a did nothing
    ('add_party = "s"', "keys.add_party: 's' would do two things: add_party (as [keys] sets "
                        "it) and seat (its default key). Give one of them another key"),
    ('seat = "a"\nadd_party = "a"', "keys.seat: 'a' would do two things: add_party (as "
                                    "[keys] sets it) and seat (as [keys] sets it)"),
    ('give_1 = "x,plus"', "'x' would do two things: remove (its default key) and give_1"),
])
def test_a_key_given_to_two_actions_is_refused_naming_both(tmp_path, keys, says):
    output = keys_refused(tmp_path, keys)
    assert f"line {line_of(TEXT, KEYS_LINE)}: keys." in output, output
    assert says in " ".join(output.split()), output
    # the same through the core, which knows no key names but every action's key
    with pytest.raises(ConfigError, match="would do two things"):
        load_config(tmp_path / "config.toml")


def test_keys_swapped_or_moved_to_a_free_key_still_load(tmp_path):
    swapped = broken(tmp_path, replace_once(KEYS_LINE, 'add_party = "s"\nseat = "a"\n'
                                                       'find = "ctrl+f, slash"'))
    config = load_config(swapped)
    assert config.keys == {"add_party": "s", "seat": "a", "find": "ctrl+f,slash"}
    result = CliRunner().invoke(main, ["check-config", "--config", str(swapped)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("keys", "says"), [
    ('find = "/"', "keys.find: '/' should be written by its name, \"slash\"."),
    ('add_party = "notakey!!"', "keys.add_party: 'notakey!!' is not a key name the stand "
                                "knows"),
    ('help = "Escape"', "keys.help: 'Escape' is not a key name the stand knows"),
    ('undo = "cmd+z"', "keys.undo: 'cmd+z' is not a key name: 'cmd' is not a modifier"),
    ('undo = "ctrl+z,"', "keys.undo: 'ctrl+z,' should be a key name"),
])
def test_a_key_name_the_stand_never_sees_is_refused_by_check_config(tmp_path, keys, says):
    output = " ".join(keys_refused(tmp_path, keys).split())
    assert f"line {line_of(TEXT, KEYS_LINE)}: {says}" in output, output


# -- keys no code reads ------------------------------------------------------------------------

UNKNOWN = [
    # (new text, the message after the file and line, the line's text)
    (replace_once("largest_party = 12", "largest_party = 12\nlargestparty = 99"),
     "restaurant.largestparty: is not a known field of [restaurant]; did you mean "
     "largest_party?", "largestparty = 99"),
    (replace_once('name = "A4"\nseats = 4', 'name = "A4"\nseats = 4\nsaets = 6'),
     "tables[4] (A4).saets: is not a known field of [[tables]]; did you mean seats?",
     "saets = 6"),
    (replace_once("[storage]\n", "[storrage]\nfoo = 1\n[storage]\n"),
     "[storrage]: is not a known section; did you mean [storage]?", "[storrage]"),
    (replace_once('tables = ["A4", "A5"]', 'tables = ["A4", "A5"]\nseat = 9'),
     "joins[1].seat: is not a known field of [[joins]]; did you mean seats?", "seat = 9"),
    (replace_once("[service]\n", "[service]\nzzz = 1\n"),
     "service.zzz: is not a known field of [service]; use attention_minutes, "
     "long_wait_minutes, refresh_seconds, sync_seconds.", "zzz = 1"),
    (TEXT + '\n[messages]\nchanels = ["json://localhost/{phone}"]\n',
     "messages.chanels: is not a known field of [messages]; did you mean channels?",
     "chanels = "),
    (TEXT + '\n[[hots]]\nname = "Kai"\n',
     "[[hots]]: is not a known section; did you mean [[hosts]]?", "[[hots]]"),
    ('colour = "red"\n' + TEXT,
     "colour: is not a known field here: every setting belongs under its section",
     'colour = "red"'),
]


@pytest.mark.parametrize(("text", "says", "at"), UNKNOWN, ids=[u[2] for u in UNKNOWN])
def test_a_key_no_code_reads_is_refused_naming_it_and_the_nearest_known(tmp_path, text, says,
                                                                         at):
    """A typo used to pass check-config with "OK" and leave the default in use."""
    p = broken(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert str(err.value).startswith(f"{p}, line {line_of(text, at)}: {says}"), err.value
    result = CliRunner().invoke(main, ["check-config", "--config", str(p)])
    assert result.exit_code == 1 and says in " ".join(result.output.split())
    assert "OK" not in result.output and "Traceback" not in result.output


def test_an_unknown_key_inside_an_inline_table_is_refused_too():
    text = replace_once("[keys]", '[guests]\ntickets = [{ prefix = "A", up_to = 2 }, '
                                  '{ prefix = "B", upto = 9 }]\n\n[keys]')
    with pytest.raises(ConfigError) as err:
        parse_config(text, CONFIG_PATH)
    assert f"line {line_of(text, 'tickets = ')}: guests.tickets[2].upto: is not a known field " \
           "of guests.tickets; did you mean up_to?" in str(err.value)


def test_what_is_known_is_what_the_code_reads():
    """No hand list: a table whose keys are data (dining_minutes' party sizes, reply codes,
    templates) is read whole, and every key the shipped configs hold is read."""
    from helpers import EXAMPLE_CONFIG_PATH

    text = TEXT + ('\n[messages]\nchannels = ["json://localhost/{phone}"]\n'
                   '[messages.codes]\n"2" = "coming"\n[messages.templates.zh]\n'
                   'ready = "{ticket} 请回来"\n')
    config = parse_config(text, CONFIG_PATH)
    assert config.messages.codes == {"2": "coming"} and config.quoting.dining_for(2) == 55
    assert load_config(EXAMPLE_CONFIG_PATH).name and load_config(CONFIG_PATH).name
