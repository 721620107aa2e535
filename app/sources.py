"""Correcting a source's details, showing a source whole, and sources that share a URL.

The text of a source never changes (annotations point into it); its title, outlet, author,
URL and date can be corrected, and each earlier version is kept in `article_history`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlite_utils

from sourcemark.app.changes import ChangeLog, Outcome
from sourcemark.app.dates import parse_published
from sourcemark.app.errors import SourcemarkError
from sourcemark.app.languages import normalise_language
from sourcemark.app.library import UNCHANGED, Library, now
from sourcemark.app.models import Annotation, Article, Story, Version
from sourcemark.app.naming import clean_name, clean_tag, folded
from sourcemark.app.stories import (
    file_in_story,
    make_story,
    retag,
    stories_of,
    tags_of,
    unfile_from_story,
)
from sourcemark.db import queries, writes

EDITABLE = ("title", "outlet", "author", "url", "published")
DETAILS = (*EDITABLE, "language")
"""What a source's history keeps and merges compare: its details and its language."""
MAX_FIELD = 100_000


def edit_source(
    library: Library,
    article_id: str,
    *,
    title: str = UNCHANGED,
    outlet: str = UNCHANGED,
    author: str = UNCHANGED,
    url: str = UNCHANGED,
    published: str = UNCHANGED,
) -> Outcome[Article]:
    """Correct a source's details; the previous ones are kept in its history."""
    current = library.article(article_id)
    given = {"title": title, "outlet": outlet, "author": author, "url": url}
    changes = {name: _field(name, value) for name, value in given.items() if value is not UNCHANGED}
    if published is not UNCHANGED:
        changes["published"] = parse_published(published)
    before = current.to_dict(with_text=False)
    changes = {name: value for name, value in changes.items() if before[name] != value}
    if not changes:
        return Outcome(current)
    with library.operation() as log:
        _write_details(library, current, changes, log)
    return Outcome(library.article(current.id), log.changes())


def _write_details(
    library: Library, current: Article, changes: dict[str, str], log: ChangeLog
) -> None:
    keep_metadata(library, current, "edited")
    writes.update_article(library.db, current.id, {**changes, "updated_at": now()})
    log.article(current.id)


def set_language(library: Library, article_id: str, language: str) -> Outcome[str]:
    """Correct a source's language (kept in its history, like its other details); its text and
    annotations are indexed again with that language's stemmer. The value is the code stored."""
    current = library.article(article_id)
    try:
        code = normalise_language(language)
    except ValueError as error:
        raise SourcemarkError(str(error)) from None
    if code == current.language:
        return Outcome(code)
    with library.operation() as log:
        _write_details(library, current, {"language": code}, log)
        log.article(current.id, listed=True)  # lists show the language
    return Outcome(code, log.changes())


def keep_metadata(library: Library, article: Article, reason: str) -> None:
    """Keep a version of a source's details (inside the caller's write transaction)."""
    record = {name: getattr(article, name) for name in (*DETAILS, "updated_at")}
    writes.record_article_history(
        library.db, article.id, json.dumps(record, ensure_ascii=False), reason, now()
    )


def metadata_history(library: Library, article_id: str) -> list[dict[str, Any]]:
    """Earlier details of a source, oldest first."""
    article_id = library.resolve_article_id(article_id)
    return [
        {"record": json.loads(row["record"]), "reason": row["reason"], "saved_at": row["saved_at"]}
        for row in queries.article_history(library.db, article_id)
    ]


def _field(name: str, value: str) -> str:
    cleaned = " ".join(value.split()) if name != "url" else value.strip()
    if len(cleaned) > MAX_FIELD:
        raise SourcemarkError(f"the {name} is longer than {MAX_FIELD:,} characters")
    return cleaned


@dataclass(frozen=True, slots=True)
class SourceDetails:
    """What the desk's source header edits at once: the details, the tags, the stories."""

    title: str
    outlet: str
    author: str
    url: str
    published: str
    tags: tuple[str, ...]
    stories: tuple[str, ...]
    """Story names; a name no story has yet makes one."""


def source_details(library: Library, article_id: str) -> SourceDetails:
    article = library.article(article_id)
    return SourceDetails(
        article.title,
        article.outlet,
        article.author,
        article.url,
        article.published,
        tuple(tags_of(library, article.id)),
        tuple(story.name for story in stories_of(library, article.id)),
    )


def set_source_details(
    library: Library, article_id: str, wanted: SourceDetails
) -> Outcome[SourceDetails]:
    """Make a source's details, tags and stories these, in one operation (the desk's header,
    and its undo). The value is what they were before."""
    article = library.article(article_id)
    before = source_details(library, article.id)
    given = {name: getattr(wanted, name) for name in EDITABLE}
    changes = {name: _field(name, value) for name, value in given.items()}
    changes["published"] = parse_published(wanted.published)
    changes = {name: value for name, value in changes.items() if getattr(article, name) != value}
    new_tags = {clean_tag(tag) for tag in wanted.tags}
    old_stories = {folded(name): name for name in before.stories}
    new_stories = {folded(name): clean_name(name) for name in wanted.stories if name.strip()}
    with library.operation() as log:
        if changes:
            _write_details(library, article, changes, log)
        retag(
            library,
            article.id,
            sorted(new_tags - set(before.tags)),
            sorted(set(before.tags) - new_tags),
            log,
        )
        for key in new_stories.keys() - old_stories.keys():
            found = queries.story_id_by_name(library.db, key)
            story_id = found[0] if found else make_story(library, new_stories[key], "", log).id
            file_in_story(library, story_id, [article.id], log)
        for key in old_stories.keys() - new_stories.keys():
            for story_id in queries.story_id_by_name(library.db, key):
                unfile_from_story(library, story_id, [article.id], log)
    return Outcome(before, log.changes())


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A source whole: its details, text, stories, tags and annotations (`show`)."""

    article: Article
    stories: list[Story]
    tags: list[str]
    annotations: list[Annotation]
    same_url: list[tuple[str, str]]
    """(id, title) of other live sources with the same URL."""
    versions: list[Version]
    """Every version of its text (refetched pages have several); `text` is the latest."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.article.to_dict(with_text=False),
            "stories": [story.name for story in self.stories],
            "tags": self.tags,
            "same_url": [{"id": i, "title": t} for i, t in self.same_url],
            "versions": [version.to_dict() for version in self.versions],
            "text": self.article.text,
            "annotations": [a.to_dict() for a in self.annotations],
        }


def source_record(library: Library, article_id: str) -> SourceRecord:
    article = library.article(article_id)
    return SourceRecord(
        article,
        stories_of(library, article.id),
        tags_of(library, article.id),
        library.annotations(article.id),
        same_url(library, article.id),
        library.versions(article.id),
    )


def url_key(url: str) -> str:
    """A URL as it identifies a page: scheme, 'www.', letter case of the host, a trailing
    slash and the fragment do not count."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return url.strip()
    return urlunsplit(("", host, parts.path.rstrip("/"), parts.query, ""))


def duplicate_urls(db: sqlite_utils.Database) -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups of live sources that share a URL (their texts differ: the same text is never
    stored twice), as (url, [(id, title), ...])."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in queries.live_urls(db):
        groups[url_key(row["url"])].append(row)
    return [
        (rows[0]["url"], [(row["id"], row["title"]) for row in rows])
        for rows in groups.values()
        if len(rows) > 1
    ]


def same_url(library: Library, article_id: str) -> list[tuple[str, str]]:
    """Other live sources with the same URL as this one, as (id, title)."""
    article = library.article(article_id)
    if not article.url:
        return []
    key = url_key(article.url)
    return [
        (row["id"], row["title"])
        for row in queries.live_urls(library.db)
        if row["id"] != article.id and url_key(row["url"]) == key
    ]
