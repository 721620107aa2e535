"""Qt positions (UTF-16 units) <-> stored offsets (code points), in the one place that converts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from sourcemark.app.text import normalise
from sourcemark.ui.offsets import OffsetMap

SAMPLES = {
    "emoji": "Fire 🔥 and a family 👨‍👩‍👧 then text",
    "combining": "Cafe\u0301 and n\u0303 and a\u030a\u0301",
    "rtl": "He said שלום עולם and مرحبا بالعالم today",
    "crlf": normalise("first line\r\nsecond 😀 line\r\n\r\nthird"),
    "astral_cjk": "𠀀𠀁 text 𝔘𝔫𝔦",
}


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_every_offset_maps_to_its_utf16_position_and_back() -> None:
    for text in SAMPLES.values():
        offsets = OffsetMap(text)
        for offset in range(len(text) + 1):
            position = offsets.to_qt(offset)
            assert position == utf16_length(text[:offset])
            assert offsets.from_qt(position) == offset


def test_a_position_inside_a_surrogate_pair_snaps_to_the_character_start() -> None:
    text = "a😀b"
    offsets = OffsetMap(text)
    assert offsets.from_qt(2) == 1  # between the two halves of the emoji
    assert offsets.from_qt(3) == 2
    assert offsets.qt_length == 4


def test_positions_outside_the_text_are_clamped() -> None:
    offsets = OffsetMap("😀😀")
    assert offsets.to_qt(-3) == 0
    assert offsets.to_qt(99) == 4
    assert offsets.from_qt(99) == 2


def test_qt_documents_count_positions_as_the_map_does() -> None:
    for text in SAMPLES.values():
        document = QTextDocument()
        document.setPlainText(text)
        assert document.characterCount() - 1 == OffsetMap(text).qt_length


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_round_trip_on_any_text(text: str) -> None:
    offsets = OffsetMap(text)
    for offset in range(len(text) + 1):
        assert offsets.to_qt(offset) == utf16_length(text[:offset])
        assert offsets.from_qt(offsets.to_qt(offset)) == offset
