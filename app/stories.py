"""Stories and tags: how a reporter organises the sources of a story.

A story has a name (unique, ignoring case), a description and a status; a source can belong to
several stories, and a story's annotations are those of its sources. Tags are free words on
sources. Deleting a story moves it to the trash (its sources stay in the library).
Every change is one operation returning an `Outcome`, as in `app.library`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sourcemark.app.changes import ChangeLog, Outcome
from sourcemark.app.errors import NotFound, SourcemarkError
from sourcemark.app.library import Library, new_id, now
from sourcemark.app.models import (
    Story,
    StoryStatus,
    StorySummary,
    TargetType,
    story_from_row,
)
from sourcemark.app.naming import clean_name, clean_tag, folded
from sourcemark.db import queries, writes

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_DESCRIPTION = 10_000


class StoryExists(SourcemarkError):
    """Another live story already has that name."""


def find_story(library: Library, reference: str) -> Story:
    """The live story a name (any case) or a full id names."""
    ids = _story_ids(library, reference)
    if not ids:
        if _UUID.match(reference.strip()) is None:
            in_trash = queries.story_id_by_name(library.db, folded(reference), trashed=True)
            if in_trash:
                raise NotFound(
                    f"the story {reference!r} is in the trash "
                    f"(bring it back with `sourcemark story restore {reference!r}`)"
                )
        raise NotFound(f"no story named {reference!r} (see `sourcemark stories`)")
    return story(library, ids[0])


def story(library: Library, story_id: str) -> Story:
    row = queries.story(library.db, story_id)
    if row is None:
        raise NotFound(f"no story with id {story_id!r}")
    return story_from_row(row)


def _story_ids(library: Library, reference: str) -> list[str]:
    text = reference.strip()
    if _UUID.match(text):
        row = queries.story(library.db, text)
        return [text] if row is not None and row["tombstone_id"] is None else []
    return queries.story_id_by_name(library.db, folded(text))


def story_summaries(library: Library) -> list[StorySummary]:
    """Every live story with its counts of sources, claims, quotes and rebuttals, by name."""
    return [_summary(row) for row in queries.stories(library.db)]


def story_summary(library: Library, story_id: str) -> StorySummary:
    row = queries.story(library.db, story_id)
    if row is None:
        raise NotFound(f"no story with id {story_id!r}")
    return _summary(row)


def _summary(row: dict[str, object]) -> StorySummary:
    counts = [int(str(row[key])) for key in ("sources", "claims", "quotes", "rebuttals")]
    return StorySummary(story_from_row(row), *counts)


def stories_of(library: Library, article_id: str) -> list[Story]:
    """The live stories a source belongs to, by name."""
    return [story_from_row(row) for row in queries.stories_of(library.db, article_id)]


def create_story(library: Library, name: str, description: str = "") -> Outcome[Story]:
    """A new, open story; refused if a live story already has the name (ignoring case)."""
    with library.operation() as log:
        created = make_story(library, name, description, log)
    return Outcome(created, log.changes())


def make_story(library: Library, name: str, description: str, log: ChangeLog) -> Story:
    """Store a new story (inside the caller's operation)."""
    name = clean_name(name)
    stamp = now()
    created = Story(new_id(), name, _description(description), StoryStatus.OPEN, stamp, stamp)
    _refuse_taken(library, name)
    writes.insert_story(library.db, {**created.to_dict(), "folded_name": folded(name)})
    log.story(created.id)
    return created


def ensure_story(library: Library, name: str) -> Outcome[Story]:
    """The live story of that name, created (open, no description) if there is none."""
    found = _story_ids(library, name)
    if found:
        return Outcome(story(library, found[0]))
    return create_story(library, name)


def rename_story(library: Library, reference: str, new_name: str) -> Outcome[Story]:
    current = find_story(library, reference)
    name = clean_name(new_name)
    if name == current.name:
        return Outcome(current)
    with library.operation() as log:
        if folded(name) != folded(current.name):
            _refuse_taken(library, name)
        _update(library, current, log, name=name, folded_name=folded(name))
    return Outcome(story(library, current.id), log.changes())


def set_story_status(library: Library, reference: str, status: StoryStatus | str) -> Outcome[Story]:
    current = find_story(library, reference)
    try:
        chosen = StoryStatus(str(status).strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in StoryStatus)
        raise SourcemarkError(f"unknown status {status!r} (choose {choices})") from None
    if chosen is current.status:
        return Outcome(current)
    with library.operation() as log:
        _update(library, current, log, status=chosen.value)
    return Outcome(story(library, current.id), log.changes())


def describe_story(library: Library, reference: str, description: str) -> Outcome[Story]:
    current = find_story(library, reference)
    text = _description(description)
    if text == current.description:
        return Outcome(current)
    with library.operation() as log:
        _update(library, current, log, description=text)
    return Outcome(story(library, current.id), log.changes())


def delete_story(library: Library, reference: str) -> Outcome[Story]:
    """Move a story to the trash; its sources stay in the library (and in other stories)."""
    current = find_story(library, reference)
    with library.operation() as log:
        tombstone = library.bury(TargetType.STORY, current.id, None)
        writes.set_trash_pointer(library.db, "stories", current.id, tombstone.id)
        log.story(current.id)
    return Outcome(current, log.changes())


def restore_story(library: Library, reference: str) -> Outcome[Story]:
    """Bring a story back from the trash (by name or id), with its sources."""
    text = reference.strip()
    if _UUID.match(text):
        row = queries.story(library.db, text)
        ids = [text] if row is not None and row["tombstone_id"] is not None else []
    else:
        ids = queries.story_id_by_name(library.db, folded(text), trashed=True)
    if not ids:
        raise NotFound(f"no story named {reference!r} in the trash")
    restored = story(library, ids[-1])  # of several of that name, the one deleted last
    with library.operation() as log:
        _refuse_taken(library, restored.name)
        library.unbury(restored.id)
        writes.set_trash_pointer(library.db, "stories", restored.id, None)
        log.story(restored.id)
    return Outcome(restored, log.changes())


def add_to_story(
    library: Library, reference: str, article_ids: Iterable[str]
) -> Outcome[list[str]]:
    """File sources in a story; the value lists those that were not in it yet."""
    target = find_story(library, reference)
    ids = _articles(library, article_ids)
    with library.operation() as log:
        added = file_in_story(library, target.id, ids, log)
    return Outcome(added, log.changes())


def file_in_story(
    library: Library, story_id: str, article_ids: list[str], log: ChangeLog
) -> list[str]:
    """File sources (full ids) in a story inside the caller's operation; returns those new."""
    stamp = now()
    added = [i for i in article_ids if writes.add_to_story(library.db, story_id, i, stamp)]
    _log_members(log, story_id, added)
    return added


def remove_from_story(
    library: Library, reference: str, article_ids: Iterable[str]
) -> Outcome[list[str]]:
    """Take sources out of a story (they stay in the library); the value lists those removed."""
    target = find_story(library, reference)
    ids = _articles(library, article_ids)
    with library.operation() as log:
        removed = unfile_from_story(library, target.id, ids, log)
    return Outcome(removed, log.changes())


def unfile_from_story(
    library: Library, story_id: str, article_ids: list[str], log: ChangeLog
) -> list[str]:
    """Take sources out of a story inside the caller's operation; returns those removed."""
    removed = [i for i in article_ids if writes.remove_from_story(library.db, story_id, i)]
    _log_members(log, story_id, removed)
    return removed


def tags_of(library: Library, article_id: str) -> list[str]:
    return [row["tag"] for row in queries.tags_of(library.db, [article_id])]


def all_tags(library: Library) -> list[tuple[str, int]]:
    """Every tag on a live source with how many carry it, the most used first."""
    return [(row["tag"], row["sources"]) for row in queries.tags(library.db)]


def tag_source(library: Library, article_id: str, tags: Iterable[str]) -> Outcome[list[str]]:
    """Add tags to a source; the value lists those it did not have."""
    article_id = library.resolve_article_id(article_id)
    cleaned = list(dict.fromkeys(clean_tag(tag) for tag in tags))
    with library.operation() as log:
        added = retag(library, article_id, cleaned, [], log)[0]
    return Outcome(added, log.changes())


def untag_source(library: Library, article_id: str, tags: Iterable[str]) -> Outcome[list[str]]:
    """Remove tags from a source; the value lists those it had."""
    article_id = library.resolve_article_id(article_id)
    cleaned = list(dict.fromkeys(clean_tag(tag) for tag in tags))
    with library.operation() as log:
        removed = retag(library, article_id, [], cleaned, log)[1]
    return Outcome(removed, log.changes())


def retag(
    library: Library, article_id: str, add: list[str], remove: list[str], log: ChangeLog
) -> tuple[list[str], list[str]]:
    """Add and remove (clean) tags inside the caller's operation; returns those that changed."""
    stamp = now()
    added = [t for t in add if writes.add_tag(library.db, article_id, t, stamp)]
    removed = [t for t in remove if writes.remove_tag(library.db, article_id, t)]
    if added or removed:
        log.article(article_id)
    return added, removed


def _update(library: Library, current: Story, log: ChangeLog, **changes: str) -> None:
    writes.update_story(library.db, current.id, {**changes, "updated_at": now()})
    log.story(current.id)


def _refuse_taken(library: Library, name: str) -> None:
    if queries.story_id_by_name(library.db, folded(name)):
        raise StoryExists(f"a story named {name!r} already exists (names ignore case)")


def _description(text: str) -> str:
    cleaned = text.strip()
    if len(cleaned) > MAX_DESCRIPTION:
        raise SourcemarkError(f"a story's description is at most {MAX_DESCRIPTION:,} characters")
    return cleaned


def _articles(library: Library, article_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(library.resolve_article_id(i) for i in article_ids))
    if not ids:
        raise SourcemarkError("name at least one source")
    return ids


def _log_members(log: ChangeLog, story_id: str, article_ids: list[str]) -> None:
    if article_ids:
        log.story(story_id)
        for article_id in article_ids:
            log.article(article_id)
