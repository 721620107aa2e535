"""What an operation changed: every mutation returns one, and the desk refreshes only that.

The pattern is Anki's `OpChanges`: one `app/` call, one transaction, one record of what it
touched. `ChangeLog` collects it while the transaction runs; `Outcome` carries it back with
the operation's result and any warning the user should read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sourcemark.app.models import Annotation

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Changes:
    articles: frozenset[str] = frozenset()
    """Sources whose record or annotations changed (their list rows and counts too)."""
    annotations: frozenset[str] = frozenset()
    """Annotations created, edited, deleted or linked."""
    listing: bool = False
    """Sources were added or removed: every list of sources must be read again."""
    stories: frozenset[str] = frozenset()
    """Stories created, renamed, described, deleted or restored, or whose sources changed."""

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.articles | other.articles,
            self.annotations | other.annotations,
            self.listing or other.listing,
            self.stories | other.stories,
        )

    @property
    def empty(self) -> bool:
        return not (self.articles or self.annotations or self.listing or self.stories)


NOTHING = Changes()


@dataclass(slots=True)
class ChangeLog:
    """Collects what an operation touches while its transaction runs."""

    articles: set[str] = field(default_factory=set)
    annotations: set[str] = field(default_factory=set)
    listing: bool = False
    stories: set[str] = field(default_factory=set)

    def article(self, article_id: str, *, listed: bool = False) -> None:
        """A source changed; `listed` when it was added to or removed from the library."""
        self.articles.add(article_id)
        self.listing = self.listing or listed

    def annotation(self, annotation: Annotation) -> None:
        self.annotations.add(annotation.id)
        self.articles.add(annotation.article_id)

    def story(self, story_id: str) -> None:
        self.stories.add(story_id)

    def changes(self) -> Changes:
        return Changes(
            frozenset(self.articles),
            frozenset(self.annotations),
            self.listing,
            frozenset(self.stories),
        )


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """An operation's result, what it changed, and warnings for the user (one line each)."""

    value: T
    changes: Changes = NOTHING
    warnings: tuple[str, ...] = ()

    def with_value(self, value: U) -> Outcome[U]:
        """The same changes and warnings, carrying another value."""
        return Outcome(value, self.changes, self.warnings)
