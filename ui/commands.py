"""Undoable user actions. Each command calls `app/`; one QUndoStack holds them all.

An action is performed before its command is pushed (`Command.perform`), so an expected
problem (say, an empty selection) reaches the user as a message and nothing is pushed. The
push then only refreshes the desk. Undo and redo call the library again; if the library
refuses (another copy of the app changed the same record), the message is shown and the
command leaves the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from sourcemark.app.errors import SourcemarkError
from sourcemark.app.library import DeletedAnnotation, Library
from sourcemark.app.models import Annotation, Kind, Relation

Changed = Callable[[str, "str | None"], None]
"""Called with (article id, annotation id to select or None) after each change."""


@dataclass(frozen=True, slots=True)
class CommandContext:
    library: Library
    changed: Changed
    failed: Callable[[str], None]


class LibraryCommand(QUndoCommand):
    """Runs `apply`/`revert`, each returning (article id, annotation to select or None)."""

    def __init__(self, context: CommandContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self._performed = True

    def redo(self) -> None:
        if self._performed:  # the push right after `perform`: already done
            self._performed = False
            self.context.changed(*self.focus_after_apply())
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Callable[[], tuple[str, str | None]]) -> None:
        try:
            self.context.changed(*step())
        except SourcemarkError as error:
            self.setObsolete(True)
            self.context.failed(f"Cannot {self.text().lower()}: {error}")

    def apply(self) -> tuple[str, str | None]:
        raise NotImplementedError

    def revert(self) -> tuple[str, str | None]:
        raise NotImplementedError

    def focus_after_apply(self) -> tuple[str, str | None]:
        raise NotImplementedError


class CreateAnnotation(LibraryCommand):
    def __init__(self, context: CommandContext, annotation: Annotation) -> None:
        super().__init__(context, f"Tag {annotation.kind.value}")
        self.annotation = annotation
        self._deleted: DeletedAnnotation | None = None

    @classmethod
    def perform(
        cls, context: CommandContext, article_id: str, kind: Kind, start: int, end: int
    ) -> CreateAnnotation:
        return cls(context, context.library.annotate(article_id, kind, start, end))

    def apply(self) -> tuple[str, str | None]:
        assert self._deleted is not None
        self.context.library.restore_annotation(self._deleted)  # same id as before
        return self.focus_after_apply()

    def revert(self) -> tuple[str, str | None]:
        self._deleted = self.context.library.delete_annotation(self.annotation.id)
        return self.annotation.article_id, None

    def focus_after_apply(self) -> tuple[str, str | None]:
        return self.annotation.article_id, self.annotation.id


class DeleteAnnotation(LibraryCommand):
    def __init__(self, context: CommandContext, deleted: DeletedAnnotation) -> None:
        super().__init__(context, f"Delete {deleted.annotation.kind.value}")
        self.deleted = deleted

    @classmethod
    def perform(cls, context: CommandContext, annotation_id: str) -> DeleteAnnotation:
        return cls(context, context.library.delete_annotation(annotation_id))

    def apply(self) -> tuple[str, str | None]:
        self.context.library.delete_annotation(self.deleted.annotation.id)
        return self.focus_after_apply()

    def revert(self) -> tuple[str, str | None]:
        restored = self.context.library.restore_annotation(self.deleted)
        return restored.article_id, restored.id

    def focus_after_apply(self) -> tuple[str, str | None]:
        return self.deleted.annotation.article_id, None


EDITABLE_FIELDS = ("note", "speaker", "verdict", "kind")


class EditAnnotation(LibraryCommand):
    def __init__(self, context: CommandContext, before: Annotation, after: Annotation) -> None:
        edited = " and ".join(
            name for name in EDITABLE_FIELDS if getattr(before, name) != getattr(after, name)
        )  # the Edit menu then says what it will undo: "Undo Edit claim verdict"
        super().__init__(context, f"Edit {before.kind.value} {edited}".rstrip())
        self.before = before
        self.after = after

    @classmethod
    def perform(
        cls, context: CommandContext, annotation_id: str, **changes: object
    ) -> EditAnnotation:
        """Apply `changes` (note, speaker, verdict or kind) through `Library.edit_annotation`."""
        before = context.library.annotation(annotation_id)
        after = context.library.edit_annotation(annotation_id, **changes)  # type: ignore[arg-type]
        return cls(context, before, after)

    def apply(self) -> tuple[str, str | None]:
        return self._set(self.after)

    def revert(self) -> tuple[str, str | None]:
        return self._set(self.before)

    def _set(self, version: Annotation) -> tuple[str, str | None]:
        self.context.library.edit_annotation(
            version.id,
            note=version.note,
            speaker=version.speaker,
            verdict=version.verdict,
            kind=version.kind,
        )
        return version.article_id, version.id

    def focus_after_apply(self) -> tuple[str, str | None]:
        return self.after.article_id, self.after.id


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
    ) -> SetRebuttedClaim:
        rebuttal = context.library.annotation(rebuttal_id)
        old_claim = rebutted_claim(context.library, rebuttal_id)
        command = cls(context, rebuttal, old_claim, new_claim)
        command._point_at(old_claim, new_claim)
        return command

    def apply(self) -> tuple[str, str | None]:
        self._point_at(self.old_claim, self.new_claim)
        return self.focus_after_apply()

    def revert(self) -> tuple[str, str | None]:
        self._point_at(self.new_claim, self.old_claim)
        return self.focus_after_apply()

    def _point_at(self, old: str | None, new: str | None) -> None:
        library = self.context.library
        if new is not None:  # link first: if the library refuses, nothing has changed
            library.link(self.rebuttal.id, new, Relation.REBUTS)
        if old is not None and old != new:
            library.unlink(self.rebuttal.id, old, Relation.REBUTS)

    def focus_after_apply(self) -> tuple[str, str | None]:
        return self.rebuttal.article_id, self.rebuttal.id


def rebutted_claim(library: Library, rebuttal_id: str) -> str | None:
    """The claim a rebuttal answers, if it is linked to one."""
    for link in library.links(rebuttal_id):
        if link.from_id == rebuttal_id and link.relation is Relation.REBUTS:
            return link.to_id
    return None
