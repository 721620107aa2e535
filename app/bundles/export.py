"""Export: a story's sources and annotations as one self-checking BagIt zip."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcemark import __version__
from sourcemark.app.bundles import native
from sourcemark.app.bundles.bag import Progress, make_bag, write_zip
from sourcemark.app.bundles.claimreview import claim_reviews
from sourcemark.app.bundles.content import (
    BundleContent,
    CaptureFile,
    Original,
    StoryRecord,
    VersionText,
)
from sourcemark.app.bundles.report import report_html
from sourcemark.app.bundles.safezip import DEFAULT_LIMITS
from sourcemark.app.bundles.tables import claims_csv, quotes_csv, quotes_markdown
from sourcemark.app.bundles.webannotation import annotation_collection
from sourcemark.app.errors import BundleError, NotFound, SourcemarkError
from sourcemark.app.library import Library, now
from sourcemark.app.models import Kind, tombstone_from_row
from sourcemark.app.stories import find_story, story_summaries
from sourcemark.app.wording import count, file_size
from sourcemark.db import queries

_SAFE_ROOT = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    articles: int
    annotations: int
    links: int
    bytes: int

    @property
    def headline(self) -> str:
        return (
            f"Exported {count(self.articles, 'source')}, {count(self.annotations, 'annotation')} "
            f"and {count(self.links, 'link')} to {self.path} ({file_size(self.bytes)})."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "articles": self.articles,
            "annotations": self.annotations,
            "links": self.links,
            "bytes": self.bytes,
        }


def export_bundle(
    library: Library,
    out: Path,
    article_ids: list[str] | None = None,
    kind: str | None = None,
    progress: Progress | None = None,
    *,
    story: str | None = None,
    replace: bool = False,
) -> ExportSummary:
    """Write the chosen articles (all when None, or a story's, by name or id) and their
    annotations (of one kind, if given), with the deletions the importer must know about.

    An existing file at `out` is refused unless `replace`."""
    if not replace and out.exists():
        raise _exists(out)
    content = collect(library, article_ids, _kind(kind), progress, story=story)
    steps = len(content.articles) + 2
    exported_at = now()
    payload = native.native_files(content, exported_at)
    payload |= {name: render(content, exported_at) for name, render in VIEWS.items()}
    info = {
        "Bagging-Date": exported_at[:10],
        "Bag-Software-Agent": f"Sourcemark {__version__}",
        "External-Description": (
            f"Annotated sources from Sourcemark: {count(len(content.articles), 'source')}, "
            f"{count(len(content.annotations), 'annotation')}, "
            f"{count(len(content.links), 'link')}. "
            "Open data/report.html to read it; import it with Sourcemark to merge it."
        ),
    }
    _advance(progress, steps - 1, steps)
    root = _SAFE_ROOT.sub("-", out.stem).strip(".-") or "bundle"
    files = make_bag(payload, info)
    _check_fits(files)
    try:
        size = write_zip(files, out, root, replace=replace)
    except FileExistsError:
        raise _exists(out) from None
    except OSError as error:
        raise BundleError(f"cannot write {out}: {error.strerror or error}") from None
    _advance(progress, steps, steps)
    return ExportSummary(
        out, len(content.articles), len(content.annotations), len(content.links), size
    )


def collect(
    library: Library,
    article_ids: list[str] | None,
    kind: Kind | None,
    progress: Progress | None = None,
    *,
    story: str | None = None,
) -> BundleContent:
    """The selection as bundle content; links are kept when both their ends are in it.

    The whole library carries every story and every deletion; a story carries itself and the
    deletions of its sources (those in the trash too) and their annotations; chosen sources
    carry their own deletions only.
    """
    featured = find_story(library, story) if story is not None else None
    if featured is not None:
        chosen = queries.story_members(library.db, featured.id)
        scope = queries.story_members(library.db, featured.id, live=False)
    elif article_ids is None:
        chosen = [summary.id for summary in library.articles()]
    else:
        chosen = list(dict.fromkeys(library.resolve_article_id(i) for i in article_ids))
    if featured is None:
        scope = chosen
    articles, originals, annotations, page_maps = [], {}, [], {}
    version_texts, captures = {}, {}
    for done, article_id in enumerate(chosen, 1):
        article = library.article(article_id)
        articles.append(article)
        if spans := library.page_map(article_id):
            page_maps[article_id] = tuple(spans)
        with contextlib.suppress(NotFound):  # a source stored without its original file
            originals[article_id] = Original(*library.original(article_id))
        annotations += library.annotations(article_id, kind)
        version_texts[article_id] = tuple(
            VersionText(
                v.number,
                article.text
                if v.number == article.version
                else library.version_text(article_id, v.number),
                v.text_sha256,
                v.created_at,
            )
            for v in library.versions(article_id)
        )
        if fetched := library.captures(article_id):
            captures[article_id] = tuple(
                CaptureFile(capture, library.capture_warc(capture.id)) for capture in fetched
            )
        _advance(progress, done, len(chosen) + 2)
    ids = {a.id for a in annotations}
    links = tuple(k for k in library.links() if k.from_id in ids and k.to_id in ids)
    earlier = {a.id: v for a in annotations if (v := _earlier_versions(library, a.id))}
    tags: dict[str, list[str]] = {}
    for row in queries.tags_of(library.db, chosen) if chosen else []:
        tags.setdefault(row["article_id"], []).append(row["tag"])
    everything = featured is None and article_ids is None
    tombstones = queries.tombstones(library.db, None if everything else scope)
    return BundleContent(
        tuple(articles),
        originals,
        tuple(annotations),
        links,
        earlier,
        version_texts,
        captures,
        page_maps,
        {article_id: tuple(found) for article_id, found in tags.items()},
        _stories(library, chosen, featured.id if featured else None, everything),
        tuple(tombstone_from_row(row) for row in tombstones),
        featured.id if featured else None,
        library.creators([a.id for a in annotations]),
    )


def _stories(
    library: Library, chosen: list[str], featured: str | None, everything: bool
) -> tuple[StoryRecord, ...]:
    """The stories a bundle carries, each with those of its sources the bundle carries."""
    if not (everything or featured):
        return ()
    carried = set(chosen)
    return tuple(
        StoryRecord(
            summary.story,
            tuple(i for i in queries.story_members(library.db, summary.story.id) if i in carried),
        )
        for summary in story_summaries(library)
        if everything or summary.story.id == featured
    )


def _earlier_versions(library: Library, annotation_id: str) -> tuple[str, ...]:
    """When each kept earlier version was last changed (the newest, up to the record's cap)."""
    history = library.history(annotation_id)
    stamps = dict.fromkeys(entry["record"]["updated_at"] for entry in history)
    return tuple(stamps)[-native.MAX_VERSIONS :]


def _label(exported_at: str) -> str:
    return f"Sourcemark annotations exported {exported_at[:10]}"


# The files for people and other tools, beside the native record; import only checks them.
VIEWS: dict[str, Callable[[BundleContent, str], bytes]] = {
    "annotations.jsonld": lambda c, at: _json(annotation_collection(c, _label(at))),
    "claimreview.jsonld": lambda c, at: _json(claim_reviews(c)),
    "report.html": report_html,
    "claims.csv": lambda c, at: claims_csv(c),
    "quotes.csv": lambda c, at: quotes_csv(c),
    "quotes.md": lambda c, at: quotes_markdown(c),
}


def _json(data: Any) -> bytes:
    # Without indentation json uses its C encoder: several times faster on large bundles.
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _exists(out: Path) -> BundleError:
    return BundleError(f"{out} already exists: choose another name, or replace it (--force)")


def _kind(kind: str | None) -> Kind | None:
    if kind is None:
        return None
    try:
        return Kind(kind.strip().lower())
    except ValueError:
        raise SourcemarkError(f"unknown kind {kind!r} (choose claim, quote or rebuttal)") from None


def _check_fits(files: dict[str, bytes]) -> None:
    """Refuse to write a bundle that import would refuse as too large."""
    total = sum(len(content) for content in files.values())
    largest = max(len(content) for content in files.values())
    if (
        len(files) > DEFAULT_LIMITS.members
        or total > DEFAULT_LIMITS.total_bytes
        or largest > DEFAULT_LIMITS.member_bytes
    ):
        raise BundleError(
            f"{count(len(files), 'file')} and {file_size(total)} is too large for one bundle "
            "(export fewer articles; use a backup to copy a whole library)"
        )


def _advance(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
