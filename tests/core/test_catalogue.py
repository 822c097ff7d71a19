"""The [[interactions]] catalogue and goodwill settings: loading, validation, hours, seasons."""


import arrow
import pytest
from helpers import CONFIG_PATH, EXAMPLE_CONFIG_PATH

from queueapp.config import ConfigError, load_config, parse_config
from queueapp.goodwill.catalogue import parse_hours, parse_season
from queueapp.goodwill.pins import hash_pin, is_pin_hash, verify_pin

CONFIG = CONFIG_PATH
TEXT = CONFIG.read_text(encoding="utf-8")


def local(text: str) -> float:
    return arrow.get(text).replace(tzinfo="Asia/Shanghai").float_timestamp


def with_extra(extra: str) -> str:
    return TEXT + "\n" + extra


def test_repo_config_ships_a_rich_catalogue():
    c = load_config(CONFIG)
    ids = {i.id for i in c.interactions}
    assert {"welcome_tea", "fruit_plate", "board_games", "colouring", "hair_tie", "apron",
            "phone_charger", "kitchen_tour", "dessert", "voucher", "birthday_song"} <= ids
    cats = {i.category for i in c.interactions}
    assert cats == {"drink", "snack", "game", "tour", "amenity", "recovery"}
    fruit = c.catalogue["fruit_plate"]
    assert fruit.min_waited == 20 and fruit.cost == 12 and fruit.label_for("zh") == "水果拼盘"
    assert c.catalogue["voucher"].needs_approval
    assert c.catalogue["kitchen_tour"].rescue
    assert c.goodwill.budget_per_shift == 300 and c.goodwill.shift_starts == (600, 990)
    assert c.hosts == ("Lin", "Ana", "Hao")
    enjoy, avoid = c.conversation.tips("zh")
    assert enjoy and avoid and c.conversation.tips("en")[1][0] != avoid[0]


def test_no_lead_secret_is_kept_in_the_host_readable_config():
    """The secrets live in the database now: neither config names a lead or a hash."""
    for text in (TEXT, EXAMPLE_CONFIG_PATH.read_text(encoding="utf-8")):
        assert "[[leads]]" not in text.replace("# ", "") and "pin_hash" not in text
        assert load_config(CONFIG).leads == ()


def test_pin_hashes_are_salted():
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b and is_pin_hash(a) and verify_pin("1234", a) and verify_pin("1234", b)
    assert not verify_pin("1234", "not a hash") and not verify_pin("", a)


BAD = """
[[interactions]]
id = "fruit_bowl"
label = "Fruit bowl"
category = "snack"
{line}
"""


@pytest.mark.parametrize(("line", "message"), [
    ('cost = "a lot"', "interactions[25] (fruit_bowl).cost: should be a number"),
    ("cost = -3",
     "interactions[25] (fruit_bowl).cost: should be a number from 0 to 1,000,000, not -3."),
    ('hours = "5pm-10pm"', "interactions[25] (fruit_bowl).hours:"),
    ('hours = "17:00-25:00"', "interactions[25] (fruit_bowl).hours:"),
    ('season = "12-01-02-28"', "interactions[25] (fruit_bowl).season:"),
    ('season = "02-30..03-10"', "interactions[25] (fruit_bowl).season:"),
    ("min_waited = 30\nmax_waited = 10", "(fruit_bowl).max_waited: is smaller than min_waited"),
    ('tags = "child"', "(fruit_bowl).tags: should be a list"),
    ("returning = 1", "(fruit_bowl).returning: should be true or false"),
    ("repeat_after = 0", "(fruit_bowl).repeat_after: should be more than 0"),
    ("colour = 3", "(fruit_bowl).colour: is not a known field"),
    ("min_size = 0", "(fruit_bowl).min_size: should be a whole number from 1 to 100, not 0."),
])
def test_a_bad_interaction_names_itself(line, message):
    with pytest.raises(ConfigError) as err:
        parse_config(with_extra(BAD.format(line=line)), CONFIG)
    assert message in str(err.value)
    assert ", line " in str(err.value)


def test_bad_category_duplicate_id_and_missing_label():
    with pytest.raises(ConfigError, match=r"interactions\[25\] \(tea\)\.category: 'food' "
                                          r"should be one of drink"):
        parse_config(with_extra('[[interactions]]\nid = "tea"\nlabel = "T"\ncategory = "food"'))
    with pytest.raises(ConfigError, match=r"\(fruit_plate\)\.id: is used twice"):
        parse_config(with_extra('[[interactions]]\nid = "fruit_plate"\nlabel = "F"\n'
                                'category = "snack"'))
    with pytest.raises(ConfigError, match=r"\(tea\)\.label: is missing"):
        parse_config(with_extra('[[interactions]]\nid = "tea"\ncategory = "drink"'))
    with pytest.raises(ConfigError, match=r"interactions\[25\]\.id: 'Fruit Tea' should be"):
        parse_config(with_extra('[[interactions]]\nid = "Fruit Tea"\nlabel = "T"\n'
                                'category = "drink"'))


def test_the_error_points_at_the_right_line():
    text = with_extra(BAD.format(line='cost = "a lot"'))
    with pytest.raises(ConfigError) as err:
        parse_config(text, CONFIG)
    line = int(str(err.value).split(", line ")[1].split(":")[0])
    assert text.splitlines()[line - 1] == 'cost = "a lot"'


def test_bad_goodwill_leads_and_conversation():
    base = TEXT.replace('shift_starts = ["10:00", "16:30"]', 'shift_starts = ["ten"]')
    with pytest.raises(ConfigError, match=r"goodwill\.shift_starts: 'ten' is not a time"):
        parse_config(base)
    base = TEXT.replace("budget_per_shift = 300", 'budget_per_shift = "lots"')
    with pytest.raises(ConfigError, match=r"goodwill\.budget_per_shift: should be a number"):
        parse_config(base)
    with pytest.raises(ConfigError, match=r"leads\[1\] \(Bo\)\.pin_hash: is not a PIN hash"):
        parse_config(with_extra('[[leads]]\nname = "Bo"\npin_hash = "246813"'))
    base = TEXT.replace('enjoy = ["the broth', 'enjoy = [3, "the broth')
    with pytest.raises(ConfigError, match=r"conversation\.enjoy: should be a list of texts"):
        parse_config(base)


def test_defaults_without_goodwill_sections():
    text = TEXT.split("# ==== Goodwill")[0]
    c = parse_config(text)
    assert c.interactions == () and c.leads == () and c.goodwill.budget_per_shift == 300
    assert len(c.catalogue) == 0


def test_hours_and_seasons_in_local_time():
    c = load_config(CONFIG)
    cat = c.catalogue
    blanket = cat["blanket"]  # 11-15..02-28, 18:00-23:59
    assert cat.in_season(blanket, local("2025-01-10T19:00"))
    assert not cat.in_season(blanket, local("2025-01-10T12:00"))
    assert not cat.in_season(blanket, local("2025-07-10T19:00"))
    assert cat.in_season(blanket, local("2024-12-31T23:30"))
    # 19:00 in Shanghai is 11:00 UTC: the zone must be used
    assert cat.in_season(blanket, arrow.get("2025-01-10T11:00:00+00:00").float_timestamp)
    # in season at noon, only not at this hour; out of season in July, whatever the hour
    assert cat.in_season_dates(blanket, local("2025-01-10T12:00"))
    assert not cat.in_hours(blanket, local("2025-01-10T12:00"))
    assert not cat.in_season_dates(blanket, local("2025-07-10T19:00"))
    assert cat.in_hours(blanket, local("2025-07-10T19:00"))
    manicure = cat["manicure"]  # 11:00-14:00, 17:00-22:00
    assert cat.in_season(manicure, local("2025-05-01T12:30"))
    assert not cat.in_season(manicure, local("2025-05-01T15:00"))
    assert not cat.in_season(manicure, local("2025-05-01T22:00"))


def test_parsers():
    assert parse_hours("22:00-02:00") == ((1320, 120),)
    assert parse_hours("11:00-14:00, 17:00-22:00") == ((660, 840), (1020, 1320))
    assert parse_season("12-01..02-28") == ("12-01", "02-28")
    with pytest.raises(ValueError):
        parse_hours("17:00")
    with pytest.raises(ValueError):
        parse_season("13-01..02-01")
