"""Undoable user actions. Each runs one `app/` operation; one QUndoStack holds them all.

The undo log stays in the desk: Qt's QUndoStack names each step in the Edit menu, merges
nothing behind the user's back, and the command line has no use for an undo stack (it has the
annotation history and the trash instead). Each command's step is one operation, so one user
action is one undo step and one transaction.

An action is performed before its command is pushed (`perform`), so a refusal (say, an empty
selection) reaches the user as a message and nothing is pushed; the push then only focuses
what the action touched. Undo and redo run the library's operations again; if the library
refuses (another copy of the app changed the same record), the message is shown and the
command leaves the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from sourcemark.app.changes import Outcome
from sourcemark.app.library import AnnotationEdit, DeletedAnnotation, Library
from sourcemark.app.models import Annotation, Kind, Link, Story, TargetType
from sourcemark.app.sources import SourceDetails, set_source_details
from sourcemark.app.stories import (
    add_to_story,
    create_story,
    delete_story,
    find_story,
    remove_from_story,
    restore_story,
)
from sourcemark.app.trash import (
    TrashItem,
    delete_source,
    restore_item,
    restore_source,
    trash_item_again,
)
from sourcemark.ui.operations import Operations


@dataclass(frozen=True, slots=True)
class Focus:
    """What the desk shows after a step: an article (none: "") and the annotation to select
    in it, or a story."""

    article_id: str
    annotation_id: str | None = None
    story_id: str | None = None


@dataclass(frozen=True, slots=True)
class CommandContext:
    operations: Operations
    focus: Callable[[Focus], None]


Step = Callable[[Library], Outcome[Focus]]


class LibraryCommand(QUndoCommand):
    """Runs `apply`/`revert`, each one operation whose value is what to focus afterwards."""

    def __init__(self, context: CommandContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self._performed = True

    def redo(self) -> None:
        if self._performed:  # the push right after `perform`: already done
            self._performed = False
            self.context.focus(self.focus_after_apply())
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Step) -> None:
        outcome = self.context.operations.run(step, refusal=f"Cannot {self.text().lower()}: ")
        if outcome is None:
            self.setObsolete(True)
        else:
            self.context.focus(outcome.value)

    def apply(self, library: Library) -> Outcome[Focus]:
        raise NotImplementedError

    def revert(self, library: Library) -> Outcome[Focus]:
        raise NotImplementedError

    def focus_after_apply(self) -> Focus:
        raise NotImplementedError


class CreateAnnotation(LibraryCommand):
    def __init__(self, context: CommandContext, annotation: Annotation) -> None:
        super().__init__(context, f"Tag {annotation.kind.value}")
        self.annotation = annotation
        self._deleted: DeletedAnnotation | None = None

    @classmethod
    def perform(
        cls, context: CommandContext, article_id: str, kind: Kind, start: int, end: int
    ) -> CreateAnnotation | None:
        done = context.operations.run(
            lambda library: library.annotate(article_id, kind, start, end)
        )
        return cls(context, done.value) if done else None

    def apply(self, library: Library) -> Outcome[Focus]:
        assert self._deleted is not None
        restored = library.restore_annotation(self._deleted.annotation.id)  # same id as before
        return restored.with_value(self.focus_after_apply())

    def revert(self, library: Library) -> Outcome[Focus]:
        deleted = library.delete_annotation(self.annotation.id)
        self._deleted = deleted.value
        return deleted.with_value(Focus(self.annotation.article_id))

    def focus_after_apply(self) -> Focus:
        return Focus(self.annotation.article_id, self.annotation.id)


class DeleteAnnotation(LibraryCommand):
    def __init__(self, context: CommandContext, deleted: DeletedAnnotation) -> None:
        super().__init__(context, f"Delete {deleted.annotation.kind.value}")
        self.deleted = deleted

    @classmethod
    def perform(cls, context: CommandContext, annotation_id: str) -> DeleteAnnotation | None:
        done = context.operations.run(lambda library: library.delete_annotation(annotation_id))
        return cls(context, done.value) if done else None

    def apply(self, library: Library) -> Outcome[Focus]:
        return library.delete_annotation(self.deleted.annotation.id).with_value(
            self.focus_after_apply()
        )

    def revert(self, library: Library) -> Outcome[Focus]:
        restored = library.restore_annotation(self.deleted.annotation.id)
        return restored.with_value(Focus(restored.value.article_id, restored.value.id))

    def focus_after_apply(self) -> Focus:
        return Focus(self.deleted.annotation.article_id)


EDITABLE_FIELDS = ("note", "speaker", "verdict", "kind")


class EditAnnotation(LibraryCommand):
    def __init__(
        self,
        context: CommandContext,
        before: Annotation,
        after: Annotation,
        dropped: tuple[Link, ...] = (),
    ) -> None:
        edited = " and ".join(
            name for name in EDITABLE_FIELDS if getattr(before, name) != getattr(after, name)
        )  # the Edit menu then says what it will undo: "Undo Edit claim verdict"
        super().__init__(context, f"Edit {before.kind.value} {edited}".rstrip())
        self.before = before
        self.after = after
        self.dropped = dropped
        """Links the edit removed (a kind change confirmed by the user); undo puts them back."""

    @classmethod
    def perform(
        cls,
        context: CommandContext,
        annotation_id: str,
        edit: AnnotationEdit,
        *,
        drop_links: bool = False,
    ) -> EditAnnotation | None:
        """Apply the user's edit through `Library.edit_annotation`."""
        library = context.operations.library
        before = library.annotation(annotation_id)
        dropped = (
            library.links_forbidding(annotation_id, edit.kind) if drop_links and edit.kind else ()
        )
        done = context.operations.run(
            lambda library: library.edit_annotation(
                annotation_id, drop_links=drop_links, **edit.given()
            )
        )
        if done is None or done.value == before:
            return None
        return cls(context, before, done.value, dropped)

    def apply(self, library: Library) -> Outcome[Focus]:
        return self._set(library, self.after, drop_links=bool(self.dropped))

    def revert(self, library: Library) -> Outcome[Focus]:
        return self._set(library, self.before, relink=self.dropped)

    @staticmethod
    def _set(
        library: Library,
        version: Annotation,
        *,
        drop_links: bool = False,
        relink: tuple[Link, ...] = (),
    ) -> Outcome[Focus]:
        edited = library.edit_annotation(
            version.id,
            note=version.note,
            speaker=version.speaker,
            verdict=version.verdict,
            kind=version.kind,
            drop_links=drop_links,
            relink=relink,
        )
        return edited.with_value(Focus(version.article_id, version.id))

    def focus_after_apply(self) -> Focus:
        return Focus(self.after.article_id, self.after.id)


class SetRebuttedClaim(LibraryCommand):
    """Point a rebuttal at the claim it answers (replacing any earlier one), or at none."""

    def __init__(
        self,
        context: CommandContext,
        rebuttal: Annotation,
        old_claim: str | None,
        new_claim: str | None,
    ) -> None:
        super().__init__(context, "Link rebuttal" if new_claim else "Unlink rebuttal")
        self.rebuttal = rebuttal
        self.old_claim = old_claim
        self.new_claim = new_claim

    @classmethod
    def perform(
        cls, context: CommandContext, rebuttal_id: str, new_claim: str | None
    ) -> SetRebuttedClaim | None:
        rebuttal = context.operations.library.annotation(rebuttal_id)
        done = context.operations.run(
            lambda library: library.set_rebutted_claim(rebuttal_id, new_claim)
        )
        return cls(context, rebuttal, done.value, new_claim) if done else None

    def apply(self, library: Library) -> Outcome[Focus]:
        done = library.set_rebutted_claim(self.rebuttal.id, self.new_claim)
        return done.with_value(self.focus_after_apply())

    def revert(self, library: Library) -> Outcome[Focus]:
        done = library.set_rebutted_claim(self.rebuttal.id, self.old_claim)
        return done.with_value(self.focus_after_apply())

    def focus_after_apply(self) -> Focus:
        return Focus(self.rebuttal.article_id, self.rebuttal.id)


class DeleteSource(LibraryCommand):
    """Move a source (and its annotations) to the trash; undo brings it all back."""

    def __init__(self, context: CommandContext, article_id: str, title: str) -> None:
        super().__init__(context, f"Delete source “{title[:40]}”")
        self.article_id = article_id

    @classmethod
    def perform(cls, context: CommandContext, article_id: str) -> DeleteSource | None:
        title = context.operations.library.article(article_id).title or "Untitled source"
        done = context.operations.run(lambda library: delete_source(library, article_id))
        return cls(context, article_id, title) if done else None

    def apply(self, library: Library) -> Outcome[Focus]:
        return delete_source(library, self.article_id).with_value(self.focus_after_apply())

    def revert(self, library: Library) -> Outcome[Focus]:
        return restore_source(library, self.article_id).with_value(Focus(self.article_id))

    def focus_after_apply(self) -> Focus:
        return Focus("")


class RestoreFromTrash(LibraryCommand):
    """Bring a source, an annotation or a story back from the trash; undo puts it back there."""

    def __init__(self, context: CommandContext, item: TrashItem) -> None:
        super().__init__(context, f"Restore “{item.label[:40]}”")
        self.item = item

    @classmethod
    def perform(cls, context: CommandContext, item: TrashItem) -> RestoreFromTrash | None:
        done = context.operations.run(lambda library: restore_item(library, item))
        return cls(context, item) if done else None

    def apply(self, library: Library) -> Outcome[Focus]:
        return restore_item(library, self.item).with_value(self.focus_after_apply())

    def revert(self, library: Library) -> Outcome[Focus]:
        return trash_item_again(library, self.item).with_value(Focus(""))

    def focus_after_apply(self) -> Focus:
        item = self.item  # a story comes back into the story list; the desk stays where it is
        annotation = item.target_id if item.target_type == TargetType.ANNOTATION else None
        return Focus(item.article_id or "", annotation)


class EditSourceDetails(LibraryCommand):
    """Set a source's details, tags and stories (the header's form) in one step."""

    def __init__(
        self, context: CommandContext, article_id: str, before: SourceDetails, after: SourceDetails
    ) -> None:
        super().__init__(context, "Edit source details")
        self.article_id = article_id
        self.before = before
        self.after = after

    @classmethod
    def perform(
        cls, context: CommandContext, article_id: str, wanted: SourceDetails
    ) -> EditSourceDetails | None:
        done = context.operations.run(
            lambda library: set_source_details(library, article_id, wanted)
        )
        if done is None or done.changes.empty:
            return None
        return cls(context, article_id, done.value, wanted)

    def apply(self, library: Library) -> Outcome[Focus]:
        return self._set(library, self.after)

    def revert(self, library: Library) -> Outcome[Focus]:
        return self._set(library, self.before)

    def _set(self, library: Library, details: SourceDetails) -> Outcome[Focus]:
        return set_source_details(library, self.article_id, details).with_value(
            self.focus_after_apply()
        )

    def focus_after_apply(self) -> Focus:
        return Focus(self.article_id)


class FileInStory(LibraryCommand):
    """File sources in a story (dropped onto it); undo takes out those that were not in it."""

    def __init__(
        self, context: CommandContext, story_id: str, name: str, article_ids: list[str]
    ) -> None:
        super().__init__(context, f"File in “{name[:40]}”")
        self.story_id = story_id
        self.article_ids = article_ids

    @classmethod
    def perform(
        cls, context: CommandContext, story_id: str, article_ids: list[str]
    ) -> FileInStory | None:
        name = find_story(context.operations.library, story_id).name
        done = context.operations.run(lambda library: add_to_story(library, story_id, article_ids))
        return cls(context, story_id, name, done.value) if done and done.value else None

    def apply(self, library: Library) -> Outcome[Focus]:
        return add_to_story(library, self.story_id, self.article_ids).with_value(
            self.focus_after_apply()
        )

    def revert(self, library: Library) -> Outcome[Focus]:
        return remove_from_story(library, self.story_id, self.article_ids).with_value(
            self.focus_after_apply()
        )

    def focus_after_apply(self) -> Focus:
        return Focus(self.article_ids[0])


class CreateStory(LibraryCommand):
    """Start a story; undo moves it to the trash, redo brings it back."""

    def __init__(self, context: CommandContext, story: Story) -> None:
        super().__init__(context, f"New story “{story.name[:40]}”")
        self.story = story

    @classmethod
    def perform(cls, context: CommandContext, name: str, description: str) -> CreateStory | None:
        done = context.operations.run(lambda library: create_story(library, name, description))
        return cls(context, done.value) if done else None

    def apply(self, library: Library) -> Outcome[Focus]:
        return restore_story(library, self.story.id).with_value(self.focus_after_apply())

    def revert(self, library: Library) -> Outcome[Focus]:
        return delete_story(library, self.story.id).with_value(self.focus_after_apply())

    def focus_after_apply(self) -> Focus:
        return Focus("", story_id=self.story.id)
