"""Issue 10, Tests: the party form's validators answer any text with success or a message
in the config's language, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from queueapp.i18n import Translator
from queueapp.ui.screens.forms import NameValidator, NoteValidator, PhoneValidator, SizeValidator

TYPED = st.text(alphabet=st.one_of(
    st.sampled_from("0123456789０１２３４５６７８９+-() 　²①٣\x1b\x07"),
    st.characters(codec="utf-8")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(TYPED, st.sampled_from(["en", "zh"]), st.integers(1, 100))
def test_every_form_validator_answers_any_text(text, language, largest):
    t = Translator(language)
    for validator in (NameValidator(t), SizeValidator(t, largest), PhoneValidator(t, "CN"),
                      NoteValidator(t)):
        result = validator.validate(text)
        if not result.is_valid:
            assert all(isinstance(d, str) and d.strip() for d in result.failure_descriptions)
            assert all("{" not in d for d in result.failure_descriptions)  # filled in
