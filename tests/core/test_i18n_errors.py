"""Errors the core raises carry an i18n key, so the stand shows them in its language."""

from __future__ import annotations

import pytest
from helpers import at

from queueapp.goodwill import gestures
from queueapp.i18n import EN, ZH, Translator
from queueapp.store import StoreError


def raised(action) -> StoreError:
    with pytest.raises(StoreError) as info:
        action()
    return info.value


def test_host_facing_errors_render_in_both_languages(store, config):
    a = store.add_party(at(0), 2, "Chen").party
    b = store.add_party(at(1), 6, "Wang").party
    store.seat_party(at(2), a, "A1")
    errors = [
        raised(lambda: store.seat_party(at(3), b, "A1")),      # taken
        raised(lambda: store.seat_party(at(3), b, "A2")),      # too small
        raised(lambda: store.call_party(at(3), a)),            # no longer waiting
        raised(lambda: store.table_ready(at(3), "A1")),        # not being cleared
        raised(lambda: store.table_departed(at(3), "A2")),     # not occupied
    ]
    gestures.set_host_on_duty(store, "Lin", config)
    voucher = next(i for i in config.catalogue if i.needs_approval)
    errors.append(raised(lambda: gestures.give(store, at(4), b, voucher, "Lin", config=config)))
    for exc in errors:
        assert exc.key in EN and exc.key in ZH, exc
        english, chinese = Translator("en")(exc.key, **exc.values), \
            Translator("zh")(exc.key, **exc.values)
        assert english != chinese and "{" not in english + chinese
    assert "A1" in Translator("zh")(errors[0].key, **errors[0].values)


def test_the_english_text_is_the_one_in_i18n(store, config):
    """str(exc) (what the command line prints) is i18n.EN's text; the stand's translator
    gives the Chinese from the same key."""
    with pytest.raises(StoreError) as info:
        store.remove_party(at(0), "x", "bored")
    exc = info.value
    assert str(exc) == EN[exc.key].format(**exc.values)
    assert "bored" in str(exc) and "walked_away" in str(exc)
    assert Translator("zh").error(exc) == ZH[exc.key].format(**exc.values)
    assert Translator("en").error(ValueError("plain")) == "plain"


def test_every_key_the_core_raises_has_both_languages():
    """Each ``raise SomeError("err_...")`` names a key that EN and ZH both hold."""
    import ast
    from pathlib import Path

    import queueapp

    keys: set[str] = set()
    for path in Path(queueapp.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and node.exc.args and isinstance(node.exc.args[0], ast.Constant) \
                    and isinstance(node.exc.args[0].value, str) \
                    and node.exc.args[0].value.startswith("err_"):
                keys.add(node.exc.args[0].value)
    assert len(keys) > 30
    assert sorted(k for k in keys if k not in EN or k not in ZH) == []


def test_a_state_named_in_an_error_is_in_the_readers_language(store):
    a = store.add_party(at(0), 2, "Chen").party
    b = store.add_party(at(1), 2, "Wang").party
    store.seat_party(at(2), a, "A1")
    store.table_departed(at(30), "A1")
    exc = raised(lambda: store.seat_party(at(31), b, "A1"))
    assert "(clearing)" in str(exc)
    assert "清理中" in Translator("zh").error(exc) and "clearing" not in Translator("zh").error(exc)
