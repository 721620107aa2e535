"""Decoding and normalisation: the rules that fix the text annotations point into."""

from __future__ import annotations

import codecs
import contextlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sourcemark.app.text import NotText, decode, drop_control_characters, looks_binary, normalise

FRENCH = (
    "Le conseil municipal a voté mardi un budget de 2,1 milliards d’euros. « C’est un budget "
    "pour les familles », a déclaré l’adjointe aux finances, Amélie Dupré. Il a dit “non” — "
    "et a payé 5 € de plus… Les bibliothèques perdront 6 % de leurs crédits.\n"
)
GERMAN = (
    "Die Fischer von Büsum protestierten am Freitag gegen die neuen Fangquoten. »Wir sind nicht "
    "gegen den Naturschutz«, sagte Jürgen Weiß, der seit einunddreißig Jahren hinausfährt. Die "
    "Behörde kürzte die Winterquote für Dorsch um 28 Prozent. Größere Schiffe dürfen mehr fangen.\n"
)
JAPANESE = (
    "東京都は二十日、来年度予算案を発表した。一般会計の総額は八兆円を超え、過去最大となった。"
    "知事は記者会見で「子育て支援と防災対策に重点を置いた」と述べた。一方、野党会派は財源の"
    "見通しが甘いと批判している。都議会は来月、予算案の審議を始める予定だ。\n"
)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_byte_order_mark_wins(bom: bytes, encoding: str) -> None:
    assert decode(bom + FRENCH.encode(encoding)) == FRENCH


def test_a_bom_beats_a_declared_encoding() -> None:
    assert decode(codecs.BOM_UTF8 + GERMAN.encode(), declared="cp1252") == GERMAN


def test_strict_utf8_comes_before_detection() -> None:
    assert decode(JAPANESE.encode("utf-8")) == JAPANESE


def test_utf8_with_a_few_bad_bytes_stays_utf8() -> None:
    data = (FRENCH * 3).encode("utf-8")
    damaged = data[:40] + b"\xff" + data[40:200] + b"\x80\x80" + data[200:]
    text = decode(damaged)
    assert text.count("\ufffd") == 3
    assert text.replace("\ufffd", "") == FRENCH * 3


def test_utf8_cut_off_mid_character_stays_utf8() -> None:
    data = (JAPANESE + "終").encode("utf-8")[:-1]
    assert decode(data) == JAPANESE + "\ufffd"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(FRENCH, "cp1252"), (GERMAN, "latin-1"), (JAPANESE, "shift_jis")],
)
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == text


def test_a_long_legacy_file_is_detected_on_a_sample_and_decoded_whole() -> None:
    text = GERMAN * 8000 + "Schluß.\n"
    assert decode(text.encode("cp1252")) == text


def test_a_declared_encoding_is_used_when_the_bytes_fit_it() -> None:
    assert decode(GERMAN.encode("cp1252"), declared="cp1252") == GERMAN


@pytest.mark.parametrize("label", ["ascii", "no-such-codec", "punycode", "unicode_escape", "utf-7"])
def test_a_wrong_or_unsafe_declared_encoding_is_ignored(label: str) -> None:
    assert decode(FRENCH.encode("utf-8"), declared=label) == FRENCH


def test_nul_bytes_without_a_bom_are_binary() -> None:
    with pytest.raises(NotText):
        decode(b"PK\x03\x04\x14\x00\x00\x00" + FRENCH.encode())


def test_normalise_fixes_line_endings_and_composes() -> None:
    assert normalise("a\r\nb\rc\n") == "a\nb\nc\n"
    assert normalise("Cafe\u0301") == "Café"


def test_normalise_replaces_lone_surrogates_and_joins_split_pairs() -> None:
    assert normalise("a\ud800b") == "a\ufffdb"
    assert normalise("\ud83d\ude00") == "😀"


def test_drop_control_characters_keeps_tabs_and_line_breaks() -> None:
    assert drop_control_characters("a\x00b\x07c\td\ne\x1bf\x7f") == "abc\td\nef"


def test_looks_binary() -> None:
    assert looks_binary("text\x00more")
    assert looks_binary("".join(chr(i % 32) for i in range(2000)))
    assert not looks_binary(FRENCH + "\tcolumn\fpage\n")


# Any code point, lone surrogates included (text pasted from the clipboard can carry them).
ANY_TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])))


@given(ANY_TEXT)
def test_normalised_text_is_nfc_without_carriage_returns_and_stable(text: str) -> None:
    once = normalise(text)
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)
    assert normalise(once) == once
    once.encode("utf-8")


@given(st.binary(max_size=2048))
def test_decode_gives_text_or_not_text(data: bytes) -> None:
    with contextlib.suppress(NotText):
        assert isinstance(decode(data), str)
