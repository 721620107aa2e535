"""The sync state in words, as `sync --status` and the desk's Sync status window say it."""

from __future__ import annotations

from datetime import UTC, datetime

from sourcemark.app.newsroom.sync import SyncStatus


def test_the_status_says_when_in_words_and_names_each_unseen_conflict() -> None:
    label = "Dangerous criminals are being released every single day in New York, he said"
    state = SyncStatus(
        reporter="alice",
        server="alice@db.example.org:5432/newsroom",
        waiting=1,
        last_sync="2026-11-30T03:48:37.736170Z",
        last_error=None,
        conflicts=[
            {"kind": "annotation", "id": "f6c31a4e-aaaa", "label": label, "seen": False},
            {"kind": "annotation", "id": "0badc0de-bbbb", "label": "seen before", "seen": True},
        ],
        shares=[{"story": "ICE subpoenas", "desk": "Metro"}],
    )
    at = datetime(2026, 11, 30, 3, 51, tzinfo=UTC)
    local = datetime(2026, 11, 30, 3, 48, 37, tzinfo=UTC).astimezone()
    assert state.lines(at) == [
        ("reporter", "alice on alice@db.example.org:5432/newsroom"),
        ("waiting", "1 local change to send"),
        ("last sync", f"2 minutes ago ({local:%Y-%m-%d %H:%M})"),
        ("shared", "“ICE subpoenas” with desk Metro"),
        (
            "conflict",
            "annotation f6c31a4e “Dangerous criminals are being released every single day in…”: "
            "edited on two laptops; the newer version is current, the other is in its "
            "history",
        ),
    ]


def test_nothing_waiting_and_never_synced_are_said_plainly() -> None:
    state = SyncStatus("bob", "bob@h:5432/n", 0, None, "cannot connect to h", [], [])
    assert state.lines() == [
        ("reporter", "bob on bob@h:5432/n"),
        ("waiting", "nothing: every local change is on the server"),
        ("last sync", "never"),
        ("offline", "cannot connect to h"),
    ]
