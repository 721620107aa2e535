"""What changed between two versions of a source, and where each annotated passage went.

The texts are compared paragraph by paragraph (one line is one paragraph), then word by word
inside the paragraphs that changed: fast on long articles and readable as a diff. The result
is a list of character-level operations covering both texts, which maps any passage of the old
text onto the new one exactly.

A passage's status in the new version:
- `same`: its wording is in the new text unchanged (moved or not);
- `edited`: the publisher changed it, and at least half of its characters (white space aside)
  are still there, or what now lies between its mapped ends reads like it (difflib's ratio of
  at least `SIMILAR_WORDING`): that is its new wording;
- `removed`: otherwise (nothing, or something else, stands there): the annotation stays on the
  old version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from sourcemark.app import anchoring
from sourcemark.app.models import PassageStatus
from sourcemark.app.wording import count

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
# An exact wording found elsewhere (the paragraph moved) counts when it is this long, or when
# this much of its context moved with it: short common phrases are not taken on trust.
_MOVED_MIN_CHARS = 12
_MOVED_MIN_CONTEXT = 8
# difflib's ratio from which a changed passage still reads as the same passage, reworded.
SIMILAR_WORDING = 0.5


@dataclass(frozen=True, slots=True)
class Op:
    """old[a1:a2] became new[b1:b2]: tag is 'equal', 'replace', 'delete' or 'insert'."""

    tag: str
    a1: int
    a2: int
    b1: int
    b2: int


@dataclass(frozen=True, slots=True)
class Summary:
    """Paragraphs added, removed and changed from one version to the next."""

    added: int = 0
    removed: int = 0
    changed: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def __str__(self) -> str:
        if self.unchanged:
            return "no paragraph changed"
        parts = [
            f"{count(n, 'paragraph')} {verb}"
            for n, verb in (
                (self.changed, "changed"),
                (self.added, "added"),
                (self.removed, "removed"),
            )
            if n
        ]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a passage of the old version lies in the new one, and how it fared."""

    status: PassageStatus
    anchor: anchoring.Anchor | None
    """Its place in the new text; None when it was removed."""


@dataclass(frozen=True, slots=True)
class TextDiff:
    old: str
    new: str
    ops: tuple[Op, ...]
    summary: Summary

    def place(
        self, start: int, end: int, wording: str, prefix: str = "", suffix: str = ""
    ) -> Placement:
        """Map the old passage `old[start:end]`, annotated as `wording`, onto the new text."""
        kept, new_start, new_end = self._mapped(start, end)
        new_start, new_end = anchoring.trim(self.new, new_start, new_end)
        if new_end > new_start and self.new[new_start:new_end] == wording:
            return Placement(PassageStatus.SAME, anchoring.anchor(self.new, new_start, new_end))
        moved, context = self._moved(wording, prefix, suffix)
        if moved is not None and context >= _MOVED_MIN_CONTEXT:
            return Placement(PassageStatus.SAME, moved)
        if new_end > new_start and _still_there(
            self.old[start:end], kept, self.new[new_start:new_end]
        ):
            return Placement(PassageStatus.EDITED, anchoring.anchor(self.new, new_start, new_end))
        if moved is not None and len(wording) >= _MOVED_MIN_CHARS:
            return Placement(PassageStatus.SAME, moved)
        return Placement(PassageStatus.REMOVED, None)

    def _mapped(self, start: int, end: int) -> tuple[int, int, int]:
        """(visible characters of old[start:end] left unchanged, new start, new end)."""
        kept, new_start, new_end = 0, None, None
        for op in self.ops:
            if op.a2 <= start or op.a1 >= end or op.a1 == op.a2:
                continue
            if op.tag == "equal":
                kept += _visible(self.old[max(op.a1, start) : min(op.a2, end)])
            if new_start is None:
                new_start = op.b1 + (start - op.a1 if op.tag == "equal" else 0)
            new_end = op.b1 + (end - op.a1) if op.tag == "equal" and end <= op.a2 else op.b2
        assert new_start is not None and new_end is not None  # 0 <= start < end <= len(old)
        return kept, new_start, new_end

    def _moved(self, wording: str, prefix: str, suffix: str) -> tuple[anchoring.Anchor | None, int]:
        """The wording, unchanged, elsewhere in the new text (the re-anchoring bundle import
        uses, exact matches only), with how many characters of its context came with it; an
        ambiguous match with no context is no match."""
        starts = anchoring.occurrences(self.new, wording)
        if not starts:
            return None, 0
        found = anchoring.reanchor(self.new, wording, prefix, suffix)
        assert found is not None  # an exact occurrence exists
        context = _matched_context(self.new, found, prefix, suffix)
        if len(starts) > 1 and context < _MOVED_MIN_CONTEXT:
            return None, 0
        return found, context


def compare(old: str, new: str) -> TextDiff:
    """Paragraphs first, then words inside the paragraphs that changed."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_at, new_at = _starts(old_lines), _starts(new_lines)
    ops: list[Op] = []
    added = removed = changed = 0
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a1, a2, b1, b2 = old_at[i1], old_at[i2], new_at[j1], new_at[j2]
        if tag == "replace":
            ops += _word_ops(old[a1:a2], new[b1:b2], a1, b1)
        else:
            ops.append(Op(tag, a1, a2, b1, b2))
        gone = sum(1 for line in old_lines[i1:i2] if line.strip())
        came = sum(1 for line in new_lines[j1:j2] if line.strip())
        if tag == "replace":
            changed += min(gone, came)
        removed += max(gone - came, 0) if tag != "insert" else 0
        added += max(came - gone, 0) if tag != "delete" else 0
    return TextDiff(old, new, tuple(ops), Summary(added, removed, changed))


def word_segments(diff: TextDiff) -> list[tuple[str, str, str]]:
    """The diff as runs of ('equal' or 'replace', old words, new words): what a word-level diff
    prints. Changes only white space apart are one run; an insertion or a deletion is a
    'replace' with one side empty."""
    runs: list[tuple[str, str, str]] = []
    for op in diff.ops:
        old, new = diff.old[op.a1 : op.a2], diff.new[op.b1 : op.b2]
        if not old and not new:
            continue
        tag = op.tag if op.tag == "equal" else "replace"
        if runs and runs[-1][0] == tag:
            runs[-1] = (tag, runs[-1][1] + old, runs[-1][2] + new)
        elif (
            tag == "replace"
            and len(runs) >= 2
            and runs[-2][0] == "replace"
            and not runs[-1][1].strip()
        ):  # two changes one space apart read as one change
            space, before = runs.pop(), runs.pop()
            runs.append((tag, before[1] + space[1] + old, before[2] + space[2] + new))
        else:
            runs.append((tag, old, new))
    return runs


def _word_ops(old: str, new: str, a0: int, b0: int) -> list[Op]:
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    old_at, new_at = _starts(old_tokens), _starts(new_tokens)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    return [
        Op(tag, a0 + old_at[i1], a0 + old_at[i2], b0 + new_at[j1], b0 + new_at[j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _starts(pieces: list[str]) -> list[int]:
    """Offsets where each piece starts, plus the total length at the end."""
    starts, at = [0], 0
    for piece in pieces:
        at += len(piece)
        starts.append(at)
    return starts


def _still_there(old: str, kept: int, new: str) -> bool:
    """Whether what now lies where a passage was is that passage, edited: at least half of its
    characters are left unchanged, or the new wording reads like the old (a rewording)."""
    if kept * 2 >= _visible(old):
        return True
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= SIMILAR_WORDING


def _visible(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def _matched_context(text: str, found: anchoring.Anchor, prefix: str, suffix: str) -> int:
    before = text[max(0, found.start - len(prefix)) : found.start]
    after = text[found.end : found.end + len(suffix)]
    matched = 0
    for x, y in zip(reversed(before), reversed(prefix), strict=False):
        if x != y:
            break
        matched += 1
    for x, y in zip(after, suffix, strict=False):
        if x != y:
            break
        matched += 1
    return matched
