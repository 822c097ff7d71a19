"""The one validator for numbers typed by people: ASCII and full-width digits only,
and a reason (an i18n key) for everything else."""

from __future__ import annotations

import pytest
from helpers import config_variant

from queueapp import numbers, phone
from queueapp.config import ConfigError
from queueapp.i18n import EN, ZH, Translator

LONG = "9" * 10_000


@pytest.mark.parametrize(("text", "value"), [
    ("2", 2), (" 4 ", 4), ("３", 3), ("１２", 12), ("007", 7)])
def test_whole_numbers_in_ascii_and_full_width_digits(text, value):
    assert numbers.parse_whole(text, 1, 12) == value


@pytest.mark.parametrize(("text", "key"), [
    ("²", "num_bad_char"),       # '²'.isdigit() is True and int('²') raises
    ("①", "num_bad_char"),
    ("٣", "num_bad_char"),       # int('٣') is 3: an Arabic-Indic digit a host never means
    ("1.5", "num_bad_char"),
    ("2 3", "num_bad_char"),
    ("-1", "num_negative"),
    ("", "num_empty"),
    ("   ", "num_empty"),
    (LONG, "num_too_long"),      # int() of 10,000 digits raises past Python's digit limit
    ("0", "num_range"),
    ("13", "num_range"),
])
def test_whole_number_refusals_carry_a_reason(text, key):
    with pytest.raises(numbers.NumberError) as caught:
        numbers.parse_whole(text, 1, 12)
    assert caught.value.key == key
    # every reason reads in both languages, with its parameters filled in
    for language in ("en", "zh"):
        message = Translator(language)(caught.value.key, **caught.value.values)
        assert message and "{" not in message


def test_the_bad_character_is_named():
    with pytest.raises(numbers.NumberError) as caught:
        numbers.parse_whole("1²", 1, 99)
    assert caught.value.values == {"char": "²"}
    assert Translator("en")(caught.value.key, **caught.value.values) == \
        "“²” is not a digit: use the digits 0–9."


@pytest.mark.parametrize(("text", "value"), [
    ("7.5", 7.5), ("７．５", 7.5), ("0", 0.0), ("12", 12.0), (".5", 0.5), ("3.25", 3.25)])
def test_amounts(text, value):
    assert numbers.parse_amount(text, 0, 100_000) == value


@pytest.mark.parametrize(("text", "key"), [
    ("²", "num_bad_char"), ("-3", "num_negative"), ("1e3", "num_bad_char"),
    ("1.234", "num_decimals"), ("7.", "num_decimals"), ("1.2.3", "num_decimals"),
    ("", "num_empty"), (LONG, "num_too_long"), ("100001", "num_range")])
def test_amount_refusals(text, key):
    with pytest.raises(numbers.NumberError) as caught:
        numbers.parse_amount(text, 0, 100_000)
    assert caught.value.key == key


def test_pins_keep_leading_zeros_and_accept_full_width_digits():
    assert numbers.parse_pin("2468") == "2468"
    assert numbers.parse_pin("０１２３") == "0123"
    for text, key in (("12", "num_too_short"), ("²²²²", "num_bad_char"), ("", "num_empty"),
                      (LONG, "num_too_long"), ("12a4", "num_bad_char")):
        with pytest.raises(numbers.NumberError) as caught:
            numbers.parse_pin(text)
        assert caught.value.key == key


@pytest.mark.parametrize(("text", "value"), [
    ("3-14", "03-14"), ("03-14", "03-14"), ("０３－１４", "03-14"), ("12/24", "12-24"),
    ("02-29", "02-29")])
def test_month_day(text, value):
    assert numbers.parse_month_day(text) == value


@pytest.mark.parametrize("text", ["13-01", "02-30", "²-1", "0314", "", LONG, "-1-1", "3-"])
def test_month_day_refusals(text):
    with pytest.raises(numbers.NumberError) as caught:
        numbers.parse_month_day(text)
    assert caught.value.key == "num_month_day"


def test_phone_digits_are_only_real_digits():
    assert phone.digits("138-1234 5678") == "13812345678"
    assert phone.digits("１３８") == "138"
    assert phone.digits("1²3") == "13"


def test_a_config_dining_size_like_superscript_two_is_a_message_not_a_traceback():
    with pytest.raises(ConfigError, match="dining_minutes"):
        config_variant(**{'"2" = 55': '"²" = 55'})
    config = config_variant(**{'"2" = 55': '"２" = 55'})
    assert config.quoting.dining_minutes[2] == 55


def test_number_messages_exist_in_both_languages():
    keys = [k for k in EN if k.startswith("num_")]
    assert len(keys) >= 8
    assert all(k in ZH for k in keys)
