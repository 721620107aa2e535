from __future__ import annotations

from sourcemark.app.wording import count


def test_count_says_one_thing_or_many_things() -> None:
    assert [count(n, "source") for n in (0, 1, 2, 12_000)] == [
        "0 sources",
        "1 source",
        "2 sources",
        "12,000 sources",
    ]
