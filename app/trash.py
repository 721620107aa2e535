"""The trash: deleting a source moves it (and its annotations) there, under a tombstone that
says who deleted it and when; restoring brings everything back; emptying the trash is the only
way anything is ever destroyed. Rows in the trash stay where they are (see db/migrations.py,
V5), so nothing that points at them breaks, and every read of the library leaves them out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sourcemark.app.changes import ChangeLog, Outcome
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import Library, now
from sourcemark.app.models import Article, TargetType, Tombstone, article_from_row
from sourcemark.app.stories import delete_story, restore_story
from sourcemark.app.wording import count
from sourcemark.db import queries, writes

_TABLES = {"article": "articles", "annotation": "annotations", "story": "stories"}


@dataclass(frozen=True, slots=True)
class TrashItem:
    """Something in the trash, under the deletion that put it there."""

    tombstone_id: str
    target_type: str  # 'article', 'annotation' or 'story'
    target_id: str
    article_id: str | None
    label: str  # a source's title, an annotation's quote, a story's name
    deleted_at: str
    deleted_by: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EmptiedTrash:
    sources: int = 0
    annotations: int = 0
    stories: int = 0

    @property
    def headline(self) -> str:
        if not (self.sources or self.annotations or self.stories):
            return "Nothing to remove from the trash."
        stories = count(self.stories, "story", "stories")
        return (
            f"Removed for good: {count(self.sources, 'source')} (with their annotations), "
            f"{count(self.annotations, 'annotation')} and {stories}."
        )

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def delete_source(library: Library, article_id: str) -> Outcome[Tombstone]:
    """Move a source and its annotations to the trash: hidden from lists, search and exports,
    kept in the database until the trash is emptied."""
    article_id = library.resolve_article_id(article_id)
    annotations = library.annotations(article_id)
    stories = [row["id"] for row in queries.stories_of(library.db, article_id)]
    with library.operation() as log:
        tombstone = library.bury(TargetType.ARTICLE, article_id, article_id)
        writes.set_trash_pointer(library.db, "articles", article_id, tombstone.id)
        _log_source(log, article_id, [a.id for a in annotations], stories)
    return Outcome(tombstone, log.changes())


def restore_source(library: Library, article_id: str) -> Outcome[Article]:
    """Bring a source back from the trash with every annotation and link it had (an annotation
    deleted on its own before stays in the trash)."""
    article_id = library.resolve_article_id(article_id, trashed=True)
    pointer = queries.trash_pointer(library.db, "articles", article_id)
    assert pointer is not None
    returning = {
        annotation_id
        for annotation_id in queries.trashed_with(library.db, pointer)
        if not _deleted_on_its_own(library, annotation_id)
    }
    with library.operation() as log:
        warnings = library.unfit_links_removed(returning, log)
        library.unbury(article_id)
        writes.set_trash_pointer(library.db, "articles", article_id, None)
        stories = [row["id"] for row in queries.stories_of(library.db, article_id)]
        _log_source(log, article_id, sorted(returning), stories)
    row = queries.article(library.db, article_id)
    assert row is not None
    return Outcome(article_from_row(row), log.changes(), tuple(warnings))


def _deleted_on_its_own(library: Library, annotation_id: str) -> bool:
    return any(
        row["target_type"] == "annotation"
        for row in queries.live_tombstones(library.db, annotation_id)
    )


def _log_source(
    log: ChangeLog, article_id: str, annotation_ids: list[str], stories: list[str]
) -> None:
    log.article(article_id, listed=True)
    log.annotations.update(annotation_ids)
    for story_id in stories:
        log.story(story_id)


def restore_item(library: Library, item: TrashItem) -> Outcome[TrashItem]:
    """Bring back what one entry of the trash holds: a source, an annotation or a story."""
    kind = TargetType(item.target_type)
    if kind is TargetType.ARTICLE:
        return restore_source(library, item.target_id).with_value(item)
    if kind is TargetType.ANNOTATION:
        return library.restore_annotation(item.target_id).with_value(item)
    return restore_story(library, item.target_id).with_value(item)


def trash_item_again(library: Library, item: TrashItem) -> Outcome[TrashItem]:
    """Put a restored entry back in the trash (the undo of `restore_item`)."""
    kind = TargetType(item.target_type)
    if kind is TargetType.ARTICLE:
        return delete_source(library, item.target_id).with_value(item)
    if kind is TargetType.ANNOTATION:
        return library.delete_annotation(item.target_id).with_value(item)
    return delete_story(library, item.target_id).with_value(item)


def trash(library: Library) -> list[TrashItem]:
    """What the trash holds, the latest deletion first."""
    return [_item(row) for row in queries.trash(library.db)]


def _item(row: dict[str, Any]) -> TrashItem:
    return TrashItem(
        row["tombstone_id"],
        row["target_type"],
        row["target_id"],
        row["article_id"],
        row["label"],
        row["deleted_at"],
        row["deleted_by"],
    )


def empty_trash(library: Library, older_than_days: float | None = None) -> Outcome[EmptiedTrash]:
    """Destroy what is in the trash (only what was deleted over `older_than_days` ago, if
    given). The tombstones stay: a bundle that still carries a destroyed item puts it back in
    the trash, never silently in the library."""
    if older_than_days is not None and older_than_days < 0:
        raise SourcemarkError("--older-than takes a number of days, 0 or more")
    before = "9999"
    if older_than_days is not None:
        cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
        before = cutoff.isoformat(timespec="microseconds").replace("+00:00", "Z")
    removed = {"article": 0, "annotation": 0, "story": 0}
    with library.operation() as log:
        stamp = now()
        for row in queries.trash(library.db, before):
            item = _item(row)
            removed[item.target_type] += 1
            if item.target_type == "story":
                log.story(item.target_id)
            elif item.article_id is not None:
                log.article(item.article_id, listed=item.target_type == "article")
            writes.purge(library.db, _TABLES[item.target_type], item.tombstone_id, stamp)
    emptied = EmptiedTrash(removed["article"], removed["annotation"], removed["story"])
    return Outcome(emptied, log.changes())
