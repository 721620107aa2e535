"""Snapping a selection to whole words and to the quotation marks that belong to it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sourcemark.app.words import snap_to_words

MEETING = (
    'At the budget meeting, Mayor John Smith said: "We cannot keep paying for this," and left.'
)


def snapped(text: str, selected: str, occurrence: int = 0) -> str:
    """What a selection of `selected` (its n-th occurrence) snaps to."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(selected, start + 1)
    begin, end = snap_to_words(text, start, start + len(selected))
    return text[begin:end]


@pytest.mark.parametrize(
    "text, selected, expected",
    [
        (MEETING, "eting, Mayor John", "meeting, Mayor John"),
        (MEETING, "dget meeti", "budget meeting"),
        (MEETING, "Smith", "Smith"),  # already whole: unchanged
        (MEETING, " Mayor John ", "Mayor John"),  # white space trimmed
        (MEETING, "We cannot keep paying for thi", "We cannot keep paying for this"),
        # an opened quotation mark takes its closing mark, with the punctuation inside it
        (MEETING, '"We cannot keep paying for th', '"We cannot keep paying for this,"'),
        # a closing mark at the end takes its opening mark
        (MEETING, 'e cannot keep paying for this,"', '"We cannot keep paying for this,"'),
        (MEETING, "said: ", "said:"),  # punctuation the user selected is kept
        ("He called it “a disgrace.” Then he left.", "“a disgra", "“a disgrace.”"),
        # a closing mark whose opening mark is further back is left as the user chose it
        ("He called it “a disgrace.” Then he left.", "sgrace.”", "disgrace.”"),
        ("He called it “disgraceful.” Then he left.", "sgraceful.”", "“disgraceful.”"),
        ("Sie sagte: „Das ist gu", "„Das ist gu", "„Das ist gu"),  # never closed: as far as it goes
        ("Sie sagte: „Das ist gut“, und ging.", "„Das ist g", "„Das ist gut“"),
        ("Il a dit « c’est fini » hier.", "« c’est fi", "« c’est fini »"),
        ("Elle a dit «non».", "«no", "«non»"),
        ("It’s the mayor’s plan", "t’s the mayor’", "It’s the mayor’s"),  # apostrophes
        ("彼は「東京は安全だ」と言った。", "「東京は安全だ", "「東京は安全だ」"),
    ],
)
def test_selections_snap_to_whole_words_and_their_quotes(
    text: str, selected: str, expected: str
) -> None:
    assert snapped(text, selected) == expected


def test_a_combining_mark_stays_with_its_letter() -> None:
    text = "Le cafe\u0301 de la mairie"  # e + COMBINING ACUTE ACCENT, not NFC
    start = text.index("caf")
    assert text[slice(*snap_to_words(text, start, start + 4))] == "cafe\u0301"
    begin, end = snap_to_words(text, start + 3, start + 4)  # just the 'e'
    assert text[begin:end] == "cafe\u0301"


def test_an_emoji_sequence_is_never_cut() -> None:
    family, thumbs = "👨\u200d👩\u200d👧", "👍🏽"
    text = f"Reactions: {family} and {thumbs} from readers"
    inside = text.index(family) + 2  # inside the zero-width-joined sequence
    assert text[slice(*snap_to_words(text, inside, inside + 3))] == family
    skin = text.index(thumbs) + 1  # between the thumb and its skin tone
    begin, end = snap_to_words(text, skin, skin + 1)
    assert text[begin:end] == thumbs


def test_right_to_left_words_snap_in_their_logical_order() -> None:
    text = "הראש אמר: ”אנחנו לא נשלם”, ויצא."
    assert snapped(text, "ראש אמ") == "הראש אמר"
    arabic = "قال العمدة إن الميزانية متوازنة"
    assert snapped(arabic, "لعمدة إن المي") == "العمدة إن الميزانية"


def test_chinese_and_japanese_snap_per_character() -> None:
    text = "市长说预算是平衡的。"
    assert snapped(text, "预算") == "预算"  # no spaces: every ideograph is its own word
    assert snapped("カタカナ語の説明", "タカ") == "カタカナ"  # a katakana run is one word


def test_edges_of_the_text_and_empty_selections() -> None:
    assert snap_to_words("word", 1, 3) == (0, 4)
    begin, end = snap_to_words("a   b", 1, 3)
    assert begin == end  # only space: nothing
    long_word = "x" * 500
    text = f"a {long_word} b"
    assert snap_to_words(text, 100, 200) == (100, 200)  # no boundary in reach: left as it is


@given(st.text(max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_snapping_only_ever_widens_and_keeps_offsets_in_the_text(text: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    begin, finish = snap_to_words(text, start, end)
    assert 0 <= begin <= finish <= len(text)
    if finish > begin:
        trimmed = text[start:end].strip()
        assert trimmed in text[begin:finish]
        assert not text[begin].isspace() and not text[finish - 1].isspace()
