"""The native record: what import reads back, and its strict schema.

Payload layout (paths under the bag's data/ folder):
    sourcemark.json                       articles, annotations, links, ids, times
    sources/<article id>/text.txt         the normalised text annotations point into
    sources/<article id>/metadata.json    the article's metadata (for people and other tools)
    sources/<article id>/original.<ext>   the file as imported (its real name is only a label)
    sources/<article id>/versions/<n>.txt the text of each earlier version (format version 2)
    sources/<article id>/captures/<capture id>.warc.gz   each fetch of the page, as evidence
Format version 3 adds each source's `updated_at` and tags, the stories, the tombstones (the
deletions the importer must apply) and the story the bundle was made for. Versions 1 (before
versions and captures) and 2 (before stories and deletions) are still read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from sourcemark import __version__
from sourcemark.app.bundles import schema, strictjson
from sourcemark.app.bundles.content import (
    BundleContent,
    CaptureFile,
    Original,
    StoryRecord,
    VersionText,
)
from sourcemark.app.errors import BundleError, SourcemarkError
from sourcemark.app.models import (
    Annotation,
    Article,
    Capture,
    Kind,
    Link,
    PageSpan,
    PassageStatus,
    Relation,
    Story,
    StoryStatus,
    TargetType,
    Tombstone,
    Verdict,
)
from sourcemark.app.naming import MAX_STORY_NAME, MAX_TAG, clean_name, clean_tag, folded
from sourcemark.app.text import normalise

RECORD = "sourcemark.json"
FORMAT = "sourcemark-bundle"
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
ORIGINAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf"}

MAX_ARTICLES = 30_000
MAX_ANNOTATIONS = 500_000
MAX_LINKS = 500_000
MAX_VERSIONS = 1_000
MAX_CAPTURES = 10_000
MAX_HEADERS = 500
MAX_PAGES = 20_000
MAX_TAGS = 1_000
MAX_STORIES = 10_000
MAX_TOMBSTONES = 1_000_000
_SHORT, _LONG = 100_000, 10_000_000

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PUBLISHED = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_FORMAT_NAME = re.compile(r"^[a-z0-9_-]{1,32}$")


def text_path(article_id: str) -> str:
    return f"sources/{article_id}/text.txt"


def metadata_path(article_id: str) -> str:
    return f"sources/{article_id}/metadata.json"


def version_path(article_id: str, number: int) -> str:
    return f"sources/{article_id}/versions/{number}.txt"


def capture_path(article_id: str, capture_id: str) -> str:
    return f"sources/{article_id}/captures/{capture_id}.warc.gz"


def original_path(article_id: str, filename: str) -> str:
    """Where the original goes: the name's suffix only, and only a known one, is kept."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return f"sources/{article_id}/original{suffix if suffix in ORIGINAL_SUFFIXES else '.bin'}"


# --- writing ---------------------------------------------------------------------------------


def native_files(content: BundleContent, exported_at: str) -> dict[str, bytes]:
    """The record and each source's text, metadata and original, keyed by payload path."""
    files: dict[str, bytes] = {}
    articles = []
    for article in content.articles:
        original = content.originals.get(article.id)
        versions = content.version_texts.get(article.id, ())
        captures = content.captures.get(article.id, ())
        spans = content.page_maps.get(article.id)
        metadata = {
            **article.to_dict(with_text=False),
            "original_filename": original.filename if original else None,
            "pages": [span.to_dict() for span in spans] if spans else None,
            "versions": [
                {"number": e.number, "text_sha256": e.text_sha256, "created_at": e.created_at}
                for e in versions
            ],
            "captures": [c.capture.to_dict() for c in captures],
            "tags": list(content.tags.get(article.id, ())),
        }
        articles.append(metadata)
        files[text_path(article.id)] = article.text.encode("utf-8")
        files[metadata_path(article.id)] = _dump(metadata)
        if original is not None:
            files[original_path(article.id, original.filename)] = original.content
        for version in versions:
            if version.number != article.version:
                files[version_path(article.id, version.number)] = version.text.encode("utf-8")
        for capture in captures:
            files[capture_path(article.id, capture.capture.id)] = capture.warc
    record = {
        "format": FORMAT,
        "version": VERSION,
        "software": f"Sourcemark {__version__}",
        "exported_at": exported_at,
        "articles": articles,
        "annotations": [
            {**a.to_dict(), "earlier_versions": list(content.earlier_versions.get(a.id, ()))}
            for a in content.annotations
        ],
        "links": [link.to_dict() for link in content.links],
        "stories": [
            {**record.story.to_dict(), "articles": list(record.article_ids)}
            for record in content.stories
        ],
        "tombstones": [tombstone.to_dict() for tombstone in content.tombstones],
        "story": content.story_id,
    }
    files[RECORD] = json.dumps(record, ensure_ascii=False).encode("utf-8")
    return files


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# --- reading ---------------------------------------------------------------------------------


def read_native(payload: Mapping[str, bytes], extra_files: set[str]) -> BundleContent:
    """Validate the record against its schema and the sources it names; nothing is trusted."""
    if RECORD not in payload:
        raise BundleError(f"not a Sourcemark bundle: data/{RECORD} is missing")
    record = schema.fields(
        strictjson.loads(payload[RECORD], RECORD),
        RECORD,
        {
            "format": schema.literal(FORMAT),
            "version": schema.one_of(READABLE_VERSIONS),
            "software": schema.text(200),
            "exported_at": schema.timestamp,
            "articles": schema.array(MAX_ARTICLES),
            "annotations": schema.array(MAX_ANNOTATIONS),
            "links": schema.array(MAX_LINKS),
            # Checked below, once a record of an older version has them (none before 3).
            "stories": _unchecked,
            "tombstones": _unchecked,
            "story": _unchecked,
        },
        may_omit=frozenset({"stories", "tombstones", "story"}),
    )
    if record["version"] == 1:
        _as_version_two(record)
    if record["version"] < 3:
        _as_version_three(record)
    page_maps: dict[str, tuple[PageSpan, ...]] = {}
    tags: dict[str, tuple[str, ...]] = {}
    articles, originals, version_texts, captures = _articles(
        record["articles"], payload, page_maps, tags
    )
    texts = {
        (article_id, version.number): version.text
        for article_id, versions in version_texts.items()
        for version in versions
    }
    annotations, versions = _annotations(record["annotations"], articles, texts)
    links = _links(record["links"], annotations)
    stories = _stories(schema.array(MAX_STORIES)(record["stories"], RECORD), articles)
    tombstones = _tombstones(
        schema.array(MAX_TOMBSTONES)(record["tombstones"], RECORD), articles, annotations, stories
    )
    story_id = schema.optional(_uuid)(record["story"], f"{RECORD}: story")
    if story_id is not None and story_id not in {s.story.id for s in stories}:
        raise BundleError(f"{RECORD}: story {story_id} is not among the bundle's stories")
    expected = {RECORD, *extra_files}
    for article in articles.values():
        expected |= {text_path(article.id), metadata_path(article.id)}
        expected |= {
            version_path(article.id, v.number)
            for v in version_texts[article.id]
            if v.number != article.version
        }
        expected |= {capture_path(article.id, c.capture.id) for c in captures.get(article.id, ())}
    for article_id, original in originals.items():
        expected.add(original_path(article_id, original.filename))
    unexpected = sorted(set(payload) - expected)
    if unexpected:
        raise BundleError(f"data/{unexpected[0]} is not part of a Sourcemark bundle")
    return BundleContent(
        tuple(articles.values()),
        originals,
        tuple(annotations.values()),
        links,
        versions,
        version_texts,
        captures,
        page_maps,
        tags,
        tuple(stories),
        tuple(tombstones),
        story_id,
    )


def _unchecked(value: Any, where: str) -> Any:
    return value


def _as_version_three(record: dict[str, Any]) -> None:
    """A format-2 record in the form of format 3: no stories, tags or deletions; a source's
    details last changed when it was imported."""
    for item in record["articles"]:
        if isinstance(item, dict):
            item.update(updated_at=item.get("imported_at"), tags=[])
    record.update(stories=[], tombstones=[], story=None)


def _as_version_two(record: dict[str, Any]) -> None:
    """A format-1 record in the form of format 2: one version per source, no captures."""
    for item in record["articles"]:
        if isinstance(item, dict):
            first = {"number": 1, "created_at": item.get("imported_at")}
            first["text_sha256"] = item.get("text_sha256")
            item.update(version=1, extraction_warning="", versions=[first], captures=[])
    for item in record["annotations"]:
        if isinstance(item, dict):
            item.update(version=1, status="same", annotated_quote=None)


def _articles(
    items: list[Any],
    payload: Mapping[str, bytes],
    page_maps: dict[str, tuple[PageSpan, ...]],
    tags: dict[str, tuple[str, ...]],
) -> tuple[
    dict[str, Article],
    dict[str, Original],
    dict[str, tuple[VersionText, ...]],
    dict[str, tuple[CaptureFile, ...]],
]:
    articles: dict[str, Article] = {}
    originals: dict[str, Original] = {}
    version_texts: dict[str, tuple[VersionText, ...]] = {}
    captures: dict[str, tuple[CaptureFile, ...]] = {}
    hashes: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"{RECORD}: article {number}"
        fields = schema.fields(
            item, where, _ARTICLE_FIELDS, may_omit=frozenset({"pages", "language"})
        )
        fields["language"] = fields["language"] or ""  # bundles made before they carried it
        article_id = fields["id"]
        if article_id in articles:
            raise BundleError(f"{where}: id {article_id} appears twice")
        if fields["text_sha256"] in hashes:
            raise BundleError(f"{where}: the same text appears twice")
        hashes.add(fields["text_sha256"])
        filename = fields.pop("original_filename")
        earlier = fields.pop("versions")
        fetched = fields.pop("captures")
        pages = fields.pop("pages")
        if found := tuple(fields.pop("tags")):
            tags[article_id] = found
        text = _source_text(payload, article_id, fields["text_sha256"], where)
        articles[article_id] = Article(**fields, text=text)
        if pages:
            page_maps[article_id] = _page_map(pages, len(text), f"{where}: pages")
        if filename is not None:
            originals[article_id] = _original(payload, article_id, filename, fields, where)
        version_texts[article_id] = _version_texts(payload, articles[article_id], earlier, where)
        numbers = {e["number"] for e in earlier}
        if fetched:
            captures[article_id] = _captures(payload, article_id, fetched, numbers, where)
    return articles, originals, version_texts, captures


def _version_texts(
    payload: Mapping[str, bytes], article: Article, items: list[dict[str, Any]], where: str
) -> tuple[VersionText, ...]:
    numbers = [item["number"] for item in items]
    if numbers != list(range(1, article.version + 1)):
        raise BundleError(
            f"{where}: its versions must be numbered 1 to {article.version}, in order"
        )
    if items[-1]["text_sha256"] != article.text_sha256:
        raise BundleError(f"{where}: its current version is not its text")
    return tuple(
        VersionText(
            item["number"],
            article.text
            if item["number"] == article.version
            else _payload_text(
                payload, version_path(article.id, item["number"]), item["text_sha256"], where
            ),
            item["text_sha256"],
            item["created_at"],
        )
        for item in items
    )


def _captures(
    payload: Mapping[str, bytes],
    article_id: str,
    items: list[dict[str, Any]],
    numbers: set[int],
    where: str,
) -> tuple[CaptureFile, ...]:
    found = []
    for item in items:
        if item["article_id"] != article_id or item["version"] not in (numbers | {None}):
            raise BundleError(f"{where}: capture {item['id']} is not of this source's versions")
        warc = payload.get(capture_path(article_id, item["id"]))
        if warc is None:
            raise BundleError(f"{where}: the WARC file of capture {item['id']} is missing")
        headers = [tuple(pair) for pair in item["headers"]]
        found.append(CaptureFile(Capture(**{**item, "headers": headers}), warc))
    if len({c.capture.id for c in found}) != len(found):
        raise BundleError(f"{where}: a capture appears twice")
    return tuple(found)


def _page_map(items: list[Any], length: int, where: str) -> tuple[PageSpan, ...]:
    """Pages 1, 2, ... each starting where the one before ends, from 0, within the text."""
    spans: list[PageSpan] = []
    for number, item in enumerate(items, 1):
        span = PageSpan(**schema.fields(item, f"{where} {number}", _PAGE_FIELDS))
        expected_start = spans[-1].end if spans else 0
        if span.page != number or span.start != expected_start or not span.start <= span.end:
            raise BundleError(f"{where} {number}: pages must follow one another through the text")
        if span.end > length:
            raise BundleError(f"{where} {number}: page {number} ends beyond the text")
        spans.append(span)
    return tuple(spans)


def _source_text(payload: Mapping[str, bytes], article_id: str, sha256: str, where: str) -> str:
    return _payload_text(payload, text_path(article_id), sha256, where)


def _payload_text(payload: Mapping[str, bytes], path: str, sha256: str, where: str) -> str:
    data = payload.get(path)
    if data is None:
        raise BundleError(f"{where}: its text file data/{path} is missing")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BundleError(f"{where}: its text does not match its text_sha256")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(f"{where}: its text is not UTF-8") from None
    if not text or normalise(text) != text:
        raise BundleError(f"{where}: its text is empty or not normalised")
    return text


def _original(
    payload: Mapping[str, bytes], article_id: str, filename: str, fields: dict[str, Any], where: str
) -> Original:
    data = payload.get(original_path(article_id, filename))
    if data is None:
        raise BundleError(f"{where}: its original file is missing")
    if hashlib.sha256(data).hexdigest() != fields["original_sha256"]:
        raise BundleError(f"{where}: its original file does not match its original_sha256")
    return Original(filename, data)


def _annotations(
    items: list[Any], articles: Mapping[str, Article], texts: Mapping[tuple[str, int], str]
) -> tuple[dict[str, Annotation], dict[str, tuple[str, ...]]]:
    annotations: dict[str, Annotation] = {}
    versions: dict[str, tuple[str, ...]] = {}
    for number, item in enumerate(items, 1):
        where = f"{RECORD}: annotation {number}"
        fields = schema.fields(item, where, _ANNOTATION_FIELDS)
        if fields["id"] in annotations:
            raise BundleError(f"{where}: id {fields['id']} appears twice")
        article = articles.get(fields["article_id"])
        if article is None:
            raise BundleError(f"{where}: its article {fields['article_id']} is not in the bundle")
        earlier = fields.pop("earlier_versions")
        annotation = Annotation(**fields)
        text = texts.get((article.id, annotation.version))
        if text is None:
            raise BundleError(f"{where}: its source has no version {annotation.version}")
        _check_anchor(annotation, text, where)
        if (annotation.status is PassageStatus.EDITED) != (
            annotation.annotated_quote is not None
        ) and (annotation.status is not PassageStatus.REMOVED):
            raise BundleError(
                f"{where}: an edited passage, and only one, keeps its earlier wording"
            )
        if (annotation.kind is Kind.CLAIM) != (annotation.verdict is not None):
            raise BundleError(f"{where}: claims, and only claims, carry a verdict")
        annotations[annotation.id] = annotation
        if earlier:
            versions[annotation.id] = tuple(earlier)
    return annotations, versions


def _check_anchor(annotation: Annotation, text: str, where: str) -> None:
    if not 0 <= annotation.start < annotation.end <= len(text):
        raise BundleError(
            f"{where}: offsets {annotation.start}-{annotation.end} are outside its text "
            f"(0-{len(text)})"
        )
    if text[annotation.start : annotation.end] != annotation.quote:
        raise BundleError(f"{where}: its quote does not match its text at {annotation.start}")


def _links(items: list[Any], annotations: Mapping[str, Annotation]) -> tuple[Link, ...]:
    links: dict[tuple[str, str, Relation], Link] = {}
    for number, item in enumerate(items, 1):
        where = f"{RECORD}: link {number}"
        link = Link(**schema.fields(item, where, _LINK_FIELDS))
        source, target = annotations.get(link.from_id), annotations.get(link.to_id)
        if source is None or target is None:
            raise BundleError(f"{where}: it joins an annotation that is not in the bundle")
        if source.id == target.id:
            raise BundleError(f"{where}: an annotation cannot be linked to itself")
        if link.relation is Relation.REBUTS and (source.kind, target.kind) != (
            Kind.REBUTTAL,
            Kind.CLAIM,
        ):
            raise BundleError(f"{where}: 'rebuts' must link a rebuttal to a claim")
        key = (link.from_id, link.to_id, link.relation)
        if key in links:
            raise BundleError(f"{where}: the same link appears twice")
        links[key] = link
    return tuple(links.values())


def _stories(items: list[Any], articles: Mapping[str, Article]) -> list[StoryRecord]:
    stories: list[StoryRecord] = []
    ids: set[str] = set()
    names: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"{RECORD}: story {number}"
        fields = schema.fields(item, where, _STORY_FIELDS)
        members = tuple(fields.pop("articles"))
        story = Story(**fields)
        try:
            name = folded(story.name)
            if clean_name(story.name) != story.name:
                raise BundleError(f"{where}: its name is not in its stored form")
        except SourcemarkError as error:
            raise BundleError(f"{where}: {error}") from None
        if story.id in ids or name in names:
            raise BundleError(f"{where}: the same story (id or name) appears twice")
        ids.add(story.id)
        names.add(name)
        missing = [article_id for article_id in members if article_id not in articles]
        if missing or len(set(members)) != len(members):
            raise BundleError(f"{where}: its sources are not the bundle's, or repeat")
        stories.append(StoryRecord(story, members))
    return stories


def _tombstones(
    items: list[Any],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    stories: list[StoryRecord],
) -> list[Tombstone]:
    carried = {*articles, *annotations, *(s.story.id for s in stories)}
    tombstones: list[Tombstone] = []
    ids: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"{RECORD}: tombstone {number}"
        tombstone = Tombstone(**schema.fields(item, where, _TOMBSTONE_FIELDS))
        if tombstone.id in ids:
            raise BundleError(f"{where}: id {tombstone.id} appears twice")
        ids.add(tombstone.id)
        if (tombstone.restored_at is None) != (tombstone.restored_by is None):
            raise BundleError(f"{where}: restored_at and restored_by go together")
        if (tombstone.target_type is TargetType.STORY) != (tombstone.article_id is None):
            raise BundleError(f"{where}: only a story's deletion has no source")
        if (
            tombstone.target_type is TargetType.ARTICLE
            and tombstone.article_id != tombstone.target_id
        ):
            raise BundleError(f"{where}: a source's deletion names the source itself")
        if tombstone.live and tombstone.target_id in carried:
            raise BundleError(f"{where}: it deletes a record the bundle also carries")
        tombstones.append(tombstone)
    return tombstones


def _tag(value: Any, where: str) -> str:
    tag: str = schema.text(MAX_TAG)(value, where)
    try:
        if clean_tag(tag) != tag:
            raise BundleError(f"{where}: {tag!r} is not a tag in its stored form")
    except SourcemarkError as error:
        raise BundleError(f"{where}: {error}") from None
    return tag


_uuid, _sha256 = schema.text(36, _UUID), schema.text(64, _SHA256)

_ARTICLE_FIELDS: dict[str, schema.Check] = {
    "id": _uuid,
    "title": schema.text(_SHORT),
    "outlet": schema.text(_SHORT),
    "author": schema.text(_SHORT),
    "url": schema.text(_SHORT),
    "published": schema.text(10, _PUBLISHED),
    "language": schema.optional(schema.text(3, _LANGUAGE)),
    "imported_at": schema.timestamp,
    "source_format": schema.text(32, _FORMAT_NAME),
    "original_sha256": _sha256,
    "text_sha256": _sha256,
    "original_filename": schema.optional(schema.text(_SHORT)),
    "version": schema.positive,
    "extraction_warning": schema.text(_SHORT),
    "updated_at": schema.timestamp,
    "tags": schema.array(MAX_TAGS, _tag),
    "versions": schema.array(
        MAX_VERSIONS,
        lambda value, where: schema.fields(
            value,
            where,
            {"number": schema.positive, "text_sha256": _sha256, "created_at": schema.timestamp},
        ),
    ),
    "captures": schema.array(
        MAX_CAPTURES,
        lambda value, where: schema.fields(
            value,
            where,
            {
                "id": _uuid,
                "article_id": _uuid,
                "version": schema.optional(schema.positive),
                "requested_url": schema.text(_SHORT),
                "final_url": schema.text(_SHORT),
                "fetched_at": schema.timestamp,
                "status": schema.offset,
                "headers": schema.array(MAX_HEADERS, schema.pair(schema.text(_SHORT))),
                "content_type": schema.text(_SHORT),
                "payload_sha256": _sha256,
            },
        ),
    ),
    "pages": schema.optional(schema.array(MAX_PAGES)),
}
_PAGE_FIELDS: dict[str, schema.Check] = {
    "page": schema.offset,
    "start": schema.offset,
    "end": schema.offset,
    "ocr": schema.boolean,
}
_ANNOTATION_FIELDS: dict[str, schema.Check] = {
    "id": _uuid,
    "article_id": _uuid,
    "kind": schema.choice(Kind),
    "start": schema.offset,
    "end": schema.offset,
    "quote": schema.text(_LONG),
    "prefix": schema.text(_SHORT),
    "suffix": schema.text(_SHORT),
    "note": schema.text(_LONG),
    "speaker": schema.text(_SHORT),
    "verdict": schema.optional(schema.choice(Verdict)),
    "created_at": schema.timestamp,
    "updated_at": schema.timestamp,
    "earlier_versions": schema.array(MAX_VERSIONS, schema.timestamp),
    "version": schema.positive,
    "status": schema.choice(PassageStatus),
    "annotated_quote": schema.optional(schema.text(_LONG)),
}
_LINK_FIELDS: dict[str, schema.Check] = {
    "from_id": _uuid,
    "to_id": _uuid,
    "relation": schema.choice(Relation),
    "created_at": schema.timestamp,
}
_STORY_FIELDS: dict[str, schema.Check] = {
    "id": _uuid,
    "name": schema.text(MAX_STORY_NAME),
    "description": schema.text(_SHORT),
    "status": schema.choice(StoryStatus),
    "created_at": schema.timestamp,
    "updated_at": schema.timestamp,
    "articles": schema.array(MAX_ARTICLES, _uuid),
}
_TOMBSTONE_FIELDS: dict[str, schema.Check] = {
    "id": _uuid,
    "target_type": schema.choice(TargetType),
    "target_id": _uuid,
    "article_id": schema.optional(_uuid),
    "deleted_at": schema.timestamp,
    "deleted_by": schema.text(200),
    "restored_at": schema.optional(schema.timestamp),
    "restored_by": schema.optional(schema.text(200)),
}
