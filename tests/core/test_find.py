"""Find's name match (``waitlist.find``): case, accents and punctuation do not matter."""

from __future__ import annotations

import pytest

from queueapp.waitlist.find import name_matches, search_key


def test_search_key_drops_case_accents_and_punctuation() -> None:
    assert search_key("Zoë O'Brien-Ñúñez") == "zoeobriennunez"
    assert search_key("Łukasz Sørensen") == "lukaszsorensen"
    assert search_key("ＺＯＥ") == "zoe"  # full width, as an input method types it
    assert search_key("吴晓梅") == "吴晓梅"
    assert search_key(search_key("Zoë O'Brien")) == search_key("Zoë O'Brien")


@pytest.mark.parametrize("query", ["zoe", "obrien", "nunez", "O'Brien", "ZOË", "brien-ñ",
                                   "zoe o brien"])
def test_latin_names_match_as_they_sound(query: str) -> None:
    assert name_matches(query, "Zoë O'Brien-Ñúñez")


@pytest.mark.parametrize(("query", "name", "hit"), [
    ("晓梅", "吴晓梅", True), ("吴", "吴晓梅", True), ("梅吴", "吴晓梅", False),
    ("买买提", "阿依·买买提", True), ("nunes", "Zoë O'Brien-Ñúñez", False),
    ("'", "Zoë O'Brien-Ñúñez", False), (" ", "Chen", False),
])
def test_other_names(query: str, name: str, hit: bool) -> None:
    assert name_matches(query, name) is hit
