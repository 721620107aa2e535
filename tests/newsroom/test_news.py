"""The server announces a push when it commits; a laptop listening hears a colleague's push
(not its own) and goes on listening after the server comes back."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sourcemark.app.newsroom import news, team
from sourcemark.app.stories import add_to_story, create_story
from tests.newsroom.conftest import Newsroom, Reporter
from tests.newsroom.laptops import article, laptop, sync_once


def heard_within(heard: list[float], count: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while len(heard) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(heard) >= count


def test_a_colleagues_push_is_announced_and_ones_own_is_not(
    tmp_path: Path, newsroom: Newsroom, desk: tuple[Reporter, Reporter]
) -> None:
    alice = laptop(tmp_path, "alice", desk[0])
    bob = laptop(tmp_path, "bob", desk[1])
    heard: list[float] = []
    stop = threading.Event()
    listening = threading.Thread(
        target=news.watch,
        args=(team.team_of(bob), stop.is_set, lambda: heard.append(time.monotonic())),
        kwargs={"retry_after_s": 0.5},
        daemon=True,
    )
    listening.start()
    try:
        time.sleep(2)  # listening by now
        source = article(bob, "Mayor")
        add_to_story(bob, create_story(bob, "Crime figures").value.name, [source])
        team.share(bob, "Crime figures", "Metro")
        sync_once(bob)
        time.sleep(2)
        assert heard == []  # bob's own push
        sync_once(alice)
        alice.annotate_quote(source, "claim", "the safest big city in America")
        sync_once(alice)
        assert heard_within(heard, 1), "alice's push was not announced to bob"
        newsroom.cluster.stop("immediate")  # the server crashes and comes back
        newsroom.cluster.start()
        newsroom.cluster.wait_until_accepting()
        time.sleep(3)  # bob's laptop is listening again by now
        alice.annotate_quote(source, "quote", "Police data show")
        sync_once(alice)
        assert heard_within(heard, 2), "after the restart, alice's push was not announced"
    finally:
        stop.set()
        listening.join(timeout=5)
    assert not listening.is_alive()
