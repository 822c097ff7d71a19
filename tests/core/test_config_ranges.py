"""Issue 10, point 6: every number in the config is finite and within its documented range.

Each value here passed the old check and broke the app: ``sync_seconds = nan`` drew a blank
screen, ``refresh_seconds = 1e-9`` took a whole core, ``pin_window_minutes = 1e308``
crashed, ``budget_per_shift = nan`` let a ¥99,999 gesture through without a lead.
"""

from __future__ import annotations

import math
import re

import pytest
from helpers import CONFIG_PATH

from queueapp.config import RANGES, ConfigError, in_range, parse_config

TEXT = CONFIG_PATH.read_text(encoding="utf-8")

# (field as the message names it, the line in tests/config.toml it replaces, whole number?)
TOP_LEVEL = [
    ("restaurant.largest_party", "largest_party = 12", True),
    ("service.refresh_seconds", "refresh_seconds = 5", False),
    ("service.sync_seconds", "sync_seconds = 1", False),
    ("service.attention_minutes", "attention_minutes = 15", False),
    ("service.long_wait_minutes", "long_wait_minutes = 15", False),
    ("seating.hold_minutes", "hold_minutes = 10", False),
    ("quoting.clearing_minutes", "clearing_minutes = 5", False),
    ("goodwill.budget_per_shift", "budget_per_shift = 300", False),
    ("goodwill.pin_max_wrong", "pin_max_wrong = 5", True),
    ("goodwill.pin_window_minutes", "pin_window_minutes = 10", False),
    ("goodwill.pin_lock_minutes", "pin_lock_minutes = 5", False),
]
BAD = ["nan", "-nan", "inf", "-inf", "1e308", "1e-9", "-1", "true", "false",
       "99999999999999999999999999", '"5"']


def _with(old: str, new: str, text: str = TEXT) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _refused(text: str, fld: str) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config(text, CONFIG_PATH)
    message = str(err.value)
    assert re.match(rf"{re.escape(str(CONFIG_PATH))}, line \d+: {re.escape(fld)}: ", message), \
        message
    return message


@pytest.mark.parametrize(("fld", "line", "whole"), TOP_LEVEL)
@pytest.mark.parametrize("bad", BAD)
def test_every_top_level_number_refuses_what_broke_the_app(fld, line, whole, bad):
    key = line.split(" =")[0]
    low, high = RANGES[fld]
    if bad == "1e-9" and low <= 0:
        bad = "1e9"  # a range from 0 takes a tiny number; a huge one is what it refuses
    message = _refused(_with(line, f"{key} = {bad}"), fld)
    number_line = TEXT[:TEXT.index(line)].count("\n") + 1
    assert f"line {number_line}:" in message
    if bad not in ("true", "false", '"5"') and not (whole and not re.fullmatch(r"-?\d+", bad)):
        assert "from " in message and " to " in message  # says the range to use


@pytest.mark.parametrize(("fld", "line", "whole"), TOP_LEVEL)
def test_both_ends_of_a_range_are_accepted(fld, line, whole):
    key = line.split(" =")[0]
    for end in RANGES[fld]:
        value = int(end) if whole else float(end)
        config = parse_config(_with(line, f"{key} = {value!r}"), CONFIG_PATH)
        assert config is not None


def test_the_values_of_the_probe_are_refused_with_their_reason():
    cases = [("sync_seconds = 1", "sync_seconds = nan", "service.sync_seconds",
              "should be a number from 0.2 to 60, not nan."),
             ("refresh_seconds = 5", "refresh_seconds = 1e-9", "service.refresh_seconds",
              "should be a number from 1 to 60, not 1e-09."),
             ("pin_window_minutes = 10", "pin_window_minutes = 1e308",
              "goodwill.pin_window_minutes", "should be a number from 1 to 1,440, not 1e+308."),
             ("budget_per_shift = 300", "budget_per_shift = nan", "goodwill.budget_per_shift",
              "should be a number from 0 to 1,000,000, not nan.")]
    for old, new, fld, says in cases:
        assert _refused(_with(old, new), fld).endswith(says)


def test_privacy_keep_guest_days_defaults_to_a_year_and_takes_0_to_keep_forever():
    assert parse_config(TEXT, CONFIG_PATH).keep_guest_days == 365
    kept = parse_config(TEXT + "\n[privacy]\nkeep_guest_days = 0\n", CONFIG_PATH)
    assert kept.keep_guest_days == 0
    assert parse_config(TEXT + "\n[privacy]\nkeep_guest_days = 30\n",
                        CONFIG_PATH).keep_guest_days == 30
    for bad in ("-1", "1.5", "nan", "3651", "true"):
        message = _refused(TEXT + f"\n[privacy]\nkeep_guest_days = {bad}\n",
                           "privacy.keep_guest_days")
        assert f"line {TEXT.count(chr(10)) + 3}:" in message


INTERACTION = """
[[interactions]]
id = "fruit_bowl"
label = "Fruit bowl"
category = "snack"
{line}
"""


@pytest.mark.parametrize(("key", "bad"), [
    ("cost", "nan"), ("cost", "inf"), ("cost", "1e308"), ("cost", "-0.5"),
    ("min_waited", "nan"), ("max_waited", "inf"), ("min_over_quote", "-inf"),
    ("max_over_quote", "1e308"), ("repeat_after", "nan"), ("repeat_after", "1e-9"),
    ("min_size", "101"), ("max_size", "-1"), ("cost", "true"),
])
def test_an_interactions_numbers_are_ranged_too(key, bad):
    text = TEXT + INTERACTION.format(line=f"{key} = {bad}")
    message = _refused(text, f"interactions[25] (fruit_bowl).{key}")
    assert f"line {text.count(chr(10))}:" in message


@pytest.mark.parametrize(("old", "new", "fld"), [
    ('"2" = 55', '"2" = nan', "quoting.dining_minutes"),
    ('"2" = 55', '"2" = 1e308', "quoting.dining_minutes"),
    ('"2" = 55', '"2" = inf', "quoting.dining_minutes"),
    ("floor = 1", "floor = 99999999999", "sections[1].floor"),
    ("seats = 4", "seats = 0", "tables[4] (A4).seats"),
])
def test_numbers_inside_tables_and_arrays_are_ranged(old, new, fld):
    _refused(_with(old, new), fld)


def test_in_range_refuses_what_is_not_a_finite_number():
    assert in_range(5, 1, 60) and in_range(0.2, 0.2, 60) and in_range(60.0, 1, 60)
    for value in (math.nan, math.inf, -math.inf, True, False, "5", None, 0.19, 61):
        assert not in_range(value, 0.2, 60)
    assert not in_range(5.0, 1, 60, whole=True) and in_range(5, 1, 60, whole=True)
