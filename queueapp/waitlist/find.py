"""Finding a party by what the host types of its name (the stand's ``/``).

A host types a name as it sounds, without the accents or the apostrophe on the guest's
paper: ``zoe``, ``obrien`` and ``nunez`` all find "Zoë O'Brien-Ñúñez". Both the name and
what is typed are compared by :func:`search_key`: Unicode NFKD with the combining marks
dropped (ë → e, Ñ → N), casefolded, without spaces, punctuation or symbols. Chinese
names match as they always did: a Han character has no marks to drop, so part of a name
(``晓梅``) finds it; a middle dot (``阿依·买买提``) is punctuation like any other.
"""

from __future__ import annotations

import unicodedata

# Latin letters NFKD does not split into a base letter and a mark
_LATIN = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
                        "œ": "oe", "þ": "th", "ð": "d"})


def search_key(text: str) -> str:
    """``text`` as Find compares it: "Zoë O'Brien-Ñúñez" -> "zoeobriennunez"."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    decomposed = unicodedata.normalize("NFKD", decomposed)  # casefolding may compose
    return "".join(ch for ch in decomposed
                   if not ch.isspace()
                   and not unicodedata.category(ch).startswith(("M", "P", "S", "Z", "C"))
                   ).translate(_LATIN)


def name_matches(query: str, name: str) -> bool:
    """Whether ``query`` is part of ``name``, by :func:`search_key`. A query of nothing
    but spaces or punctuation matches no name."""
    key = search_key(query)
    return bool(key) and key in search_key(name)
