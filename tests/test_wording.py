from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sourcemark.app.backup_catalog import Backup
from sourcemark.app.health import backup_age
from sourcemark.app.wording import ago, count, file_size, one_line, sizes


def test_count_says_one_thing_or_many_things() -> None:
    assert [count(n, "source") for n in (0, 1, 2, 12_000)] == [
        "0 sources",
        "1 source",
        "2 sources",
        "12,000 sources",
    ]
    assert [count(n, "story", "stories") for n in (1, 3)] == ["1 story", "3 stories"]


def test_ago_uses_plurals_and_the_largest_fitting_unit() -> None:
    assert [ago(timedelta(seconds=s)) for s in (20, 60, 180, 3600 * 3, 3600 * 24 * 3)] == [
        "just now",
        "1 minute ago",
        "3 minutes ago",
        "3 hours ago",
        "3 days ago",
    ]
    assert ago(timedelta(minutes=60)) == "60 minutes ago"
    assert ago(timedelta(hours=25)) == "25 hours ago"


def test_sizes_are_human_unless_that_would_hide_the_difference() -> None:
    assert file_size(812) == "812 bytes" and file_size(1) == "1 byte"
    assert file_size(14_200) == "14.2 KB" and file_size(3_100_000) == "3.1 MB"
    assert sizes(62_914_560, 52_428_800) == ("62.9 MB", "52.4 MB")
    assert sizes(52_428_801, 52_428_800) == ("52,428,801 bytes", "52,428,800 bytes")


def test_the_backup_age_in_check_reads_well() -> None:
    taken = datetime(2024, 5, 2, 14, 0, tzinfo=UTC)
    backup = Backup(Path("library-20240502T140000Z.db"), taken)
    assert backup_age(backup, taken + timedelta(seconds=70)).endswith(", 1 minute ago")


def test_one_line_flattens_and_cuts_at_a_word_end_when_one_is_near() -> None:
    assert one_line("Police data\n  show a drop", 60) == "Police data show a drop"
    assert one_line("the safest big city in America, she said", 30) == "the safest big city in…"
    assert one_line("x" * 40, 10) == "xxxxxxxxx…"
