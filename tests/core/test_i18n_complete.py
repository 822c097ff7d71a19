"""Every word the code asks the translator for exists in English and in Chinese.

The code is read as text: ``t("key")`` calls, string literals that name a key
(``"col_when"`` in a tuple of columns), and ``t(f"prefix_{...}")`` families, whose members
come from the constants the code draws them from. A key missing from Chinese would show
the English text on a Chinese screen; a key missing from both shows the bare id.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from queueapp.complaints import loop as complaints
from queueapp.config import BUILTIN_TAGS
from queueapp.goodwill.catalogue import CATEGORIES as GESTURE_CATEGORIES
from queueapp.goodwill.gestures import OUTCOMES, VOID_REASONS
from queueapp.goodwill.guests import NOTE_KINDS
from queueapp.i18n import EN, ZH
from queueapp.keys import KEY_IDS
from queueapp.numbers import REASONS as NUMBER_REASONS
from queueapp.sim.simulator import scenario_names
from queueapp.waitlist.events import (
    ABANDON,
    ARRIVE,
    CALL,
    DEPART,
    EDIT,
    EXTEND,
    HOLD,
    READY,
    RELEASE,
    REMOVE_REASONS,
    SEAT,
)
from queueapp.waitlist.room import CALLED, CLEARING, FREE, OCCUPIED, SEATED, WAITING

CODE = Path(__file__).resolve().parents[2] / "queueapp"

# t(f"prefix_{...}"): every member the code can ask for, from the code's own constants
FAMILIES: dict[str, tuple[str, ...]] = {
    "cat_": (*GESTURE_CATEGORIES, *complaints.CATEGORIES),
    "step_": complaints.STEPS,
    "step_title_": complaints.STEPS[1:],
    "step_done_": complaints.STEPS[1:],
    "ph_step_": complaints.STEPS[1:],
    "to_": complaints.FEEDBACK_TO,
    "reason_": REMOVE_REASONS,
    "reason_said_": REMOVE_REASONS,  # the reason mid-sentence (a toast, undo)
    "outcome_": OUTCOMES,
    "err_void_needs_lead_": VOID_REASONS,  # gestures.VoidNeedsLead
    "rescue_": OUTCOMES,
    "note_": (*NOTE_KINDS, "birthday"),
    "status_": (WAITING, CALLED, SEATED),
    "state_": (FREE, OCCUPIED, CLEARING),
    "table_": ("left", "ready"),  # what a table became (main_actions._table)
    "no_tables_": (OCCUPIED, CLEARING),
    "pick_table_": ("left", "ready"),
    "did_": (ARRIVE, EDIT, CALL, SEAT, ABANDON, DEPART, READY, HOLD, RELEASE, EXTEND),
    "err_": ("needs_approval", "over_budget"),  # gestures.NeedsApproval(reason)
    "num_": NUMBER_REASONS,  # numbers.NumberError(reason)
    "err_phone_": ("not_a_number", "invalid_number"),
    "key_": tuple(sorted(KEY_IDS)),
    "tab_": ("summary", "gestures", "walkaways", "complaints", "quotes"),
    "tag_": BUILTIN_TAGS,
    "scenario_": tuple(scenario_names()),  # cli/quotes.py: what each simulation is
}
# string literals that name a key: these prefixes are only ever i18n keys
KEY_LITERAL = re.compile(
    r"""["']((?:col|sum|rate|tab|help|err|ph|field|report|record|chart|demo|step|cat|"""
    r"""reason|outcome|status|why|guest|header|host|rescue|review|offer|key|sys|palette)"""
    r"""_[a-z0-9_]+)["']""")
CALL_KEY = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_ ]*)["']""")
FAMILY = re.compile(r"""\bt\(\s*f["']([a-z_]+)\{""")
# literals with a key's prefix that are not keys (binding ids, widget ids, settings)
NOT_KEYS = {"review_close", "review_filters", "review_details", "review_tab_", "host_on_duty",
            "help_close", "record_close", "key_", "guest_card",  # a key's id and action
            "guest_visits", "guest_notes", "guest_links",  # table names (store/changes.py)
            "guest_id", "rescue_outcomes", "rescue_status",  # a column, a table, a view
            "rescue_id",  # a column (store/sync.py)
            "rescue_outcomes_in_order", "guest_notes_no_update"}  # triggers (store/schema.py)
# the same text in both languages on purpose: symbols, numbers, names, formats
SAME_IN_BOTH = {"col_pos", "col_flag", "over_by", "rate_open_value", "tag_VIP",
                "web_lang_en", "web_lang_zh"}  # each language named in itself


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in CODE.rglob("*.py")}


def _used_keys() -> dict[str, Path]:
    used: dict[str, Path] = {}
    for path, text in _sources().items():
        if path.name == "i18n.py":
            continue
        for pattern in (CALL_KEY, KEY_LITERAL):
            for key in pattern.findall(text):
                if key not in NOT_KEYS and not key.endswith("_"):
                    used.setdefault(key, path)
    return used


def _families() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path, text in _sources().items():
        for prefix in FAMILY.findall(text):
            found.setdefault(prefix, path)
    return found


def test_the_scan_finds_the_code_keys():
    """The scan itself works: it sees keys from several screens and a family."""
    used = _used_keys()
    assert {"review_title", "col_when", "added", "key_details"} <= set(used)
    assert {"cat_", "tab_", "step_"} <= set(_families())


@pytest.mark.parametrize("words,language", [(EN, "EN"), (ZH, "ZH")])
def test_every_key_used_in_code_is_translated(words, language):
    missing = {key: str(path.relative_to(CODE.parent)) for key, path in _used_keys().items()
               if key not in words}
    assert not missing, f"keys used in code but missing from {language}: {missing}"


def test_every_family_member_is_translated():
    unknown = set(_families()) - set(FAMILIES)
    assert not unknown, (f"t(f'...') families {sorted(unknown)} are not in FAMILIES: list the "
                         "values they take so this test can check them")
    missing = [f"{prefix}{value}" for prefix in _families() for value in FAMILIES[prefix]
               for words in (EN, ZH) if f"{prefix}{value}" not in words]
    assert not missing, f"family members missing: {sorted(set(missing))}"


def test_english_and_chinese_have_the_same_keys_and_chinese_is_written_in_chinese():
    assert set(EN) - set(ZH) == set()
    # Chinese may also name the example's extra tags; nothing else only in Chinese
    assert {k for k in set(ZH) - set(EN) if not k.startswith("tag_")} == set()
    copied = {k for k in EN if ZH.get(k) == EN[k]} - SAME_IN_BOTH
    assert not copied, f"ZH keeps the English text for {sorted(copied)}"


def test_chinese_fills_in_the_same_values():
    """A Chinese text that drops or renames a {value} breaks (or hides a figure)."""
    field = re.compile(r"\{(\w+)")
    differ = {k: (EN[k], ZH[k]) for k in EN
              if set(field.findall(EN[k])) != set(field.findall(ZH[k]))}
    assert not differ, differ


def test_every_word_is_used_somewhere():
    """The reverse: a word no code asks for is dead (and goes stale unnoticed)."""
    code = "\n".join(text for path, text in _sources().items() if path.name != "i18n.py")
    members = {prefix + str(m) for prefix, values in FAMILIES.items() for m in values}
    unused = [k for k in EN if f'"{k}"' not in code and f"'{k}'" not in code
              and k not in members]
    assert unused == []


GUEST_FACING = ("msg_", "web_", "page_", "fb_")  # words a guest reads: messages, pages
STAND_ZH = "接待台"  # the host stand, in every Chinese text
STAFF_ZH = "接待人员"  # the people at it, as guests are told to ask them


def test_chinese_names_the_host_stand_one_way():
    """Guests are sent to the 接待台 and told to ask 接待人员 everywhere: a message that
    said 迎宾台 while the page said 接待台 read as two places. (迎宾 stays the stand's
    own word for the host on duty, a job the guest never reads.)"""
    other_names = ("迎宾台", "前台", "领位台", "服务台")
    stray = {k: v for k, v in ZH.items() if any(n in v for n in other_names)}
    assert not stray, stray
    guest_hosts = {k: v for k, v in ZH.items() if k.startswith(GUEST_FACING) and "迎宾" in v}
    assert not guest_hosts, guest_hosts
    assert all(STAND_ZH in ZH[k] for k in ("msg_come_within", "msg_come_within_one",
                                          "msg_come_now", "web_page_come_by"))
    assert STAFF_ZH in ZH["web_join_phone_taken"]
