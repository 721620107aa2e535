"""Find in source: matches are code-point offsets, case is ignored, white space is loose."""

from __future__ import annotations

from sourcemark.app.finding import find_all, nearest


def test_matches_ignore_case_and_count_code_points() -> None:
    text = "👍🏽 The Mayor said the mayor's budget.\nMAYOR again"
    found = find_all(text, "mayor")
    assert [text[s:e] for s, e in found] == ["Mayor", "mayor", "MAYOR"]
    assert found[0] == (text.index("Mayor"), text.index("Mayor") + 5)


def test_white_space_in_the_needle_matches_a_line_break() -> None:
    text = "the budget\nmeeting and the budget  meeting"
    assert len(find_all(text, "budget meeting")) == 2
    assert find_all(text, "   ") == [] and find_all(text, "") == []


def test_special_characters_are_plain_text() -> None:
    assert find_all("costs $12 (net).", "$12 (net)") == [(6, 15)]


def test_matches_are_bounded_and_the_nearest_wraps() -> None:
    assert len(find_all("a " * 50, "a", limit=10)) == 10
    matches = [(0, 1), (10, 11), (20, 21)]
    assert nearest(matches, 5) == 1 and nearest(matches, 10) == 1 and nearest(matches, 25) == 0
