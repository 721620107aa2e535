"""Which language a source is written in: recorded on import, correctable by the user.

Codes are ISO 639-1 (two letters, `de`), or 639-3 (three) for the few languages without one.
The search index stems the languages Whoosh has stemmers for; other languages are indexed word
for word (lower case, accents folded).
"""

from __future__ import annotations

import re

from whoosh.lang import has_stemmer, languages

DEFAULT_LANGUAGE = "en"
# Whoosh's Snowball stemmers (and its Arabic one): 15 languages; Turkish has none.
STEMMED_LANGUAGES: frozenset[str] = frozenset(code for code in languages if has_stemmer(code))
_CODE = re.compile(r"[a-z]{2,3}")
_DETECT_CHARS = 1000  # the opening says which language a text is in (1 ms; 5,000 took 4)
_MIN_LETTERS = 12  # below this, a guess is noise: the default language is kept


def normalise_language(code: str) -> str:
    """A language code as stored: `DE`, ` de ` and `de-AT` all give `de`."""
    cleaned = code.strip().lower().replace("_", "-").split("-")[0]
    if not _CODE.fullmatch(cleaned):
        raise ValueError(f"{code!r} is not a language code (use ISO 639-1, e.g. en, de, fr)")
    return cleaned


def detect_language(text: str) -> str:
    """The language a text is most likely written in (py3langid), or the default language
    for a text too short to tell."""
    opening = text[:_DETECT_CHARS]
    if sum(char.isalpha() for char in opening) < _MIN_LETTERS:
        return DEFAULT_LANGUAGE
    import py3langid  # its model loads on first use (about a second), not at start-up

    code, _ = py3langid.classify(opening)
    return normalise_language(str(code))
