"""The native record: what import reads back, and its strict schema.

Payload layout (paths under the bag's data/ folder):
    sourcemark.json                       articles, annotations, links, ids, times
    sources/<article id>/text.txt         the normalised text annotations point into
    sources/<article id>/metadata.json    the article's metadata (for people and other tools)
    sources/<article id>/original.<ext>   the file as imported (its real name is only a label)
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
from sourcemark.app.bundles.content import BundleContent, Original
from sourcemark.app.errors import BundleError
from sourcemark.app.models import Annotation, Article, Kind, Link, PageSpan, Relation, Verdict
from sourcemark.app.text import normalise

RECORD = "sourcemark.json"
FORMAT = "sourcemark-bundle"
VERSION = 1
ORIGINAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf"}

MAX_ARTICLES = 30_000
MAX_ANNOTATIONS = 500_000
MAX_LINKS = 500_000
MAX_VERSIONS = 1_000
MAX_PAGES = 20_000
_SHORT, _LONG = 100_000, 10_000_000

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PUBLISHED = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
_FORMAT_NAME = re.compile(r"^[a-z0-9_-]{1,32}$")


def text_path(article_id: str) -> str:
    return f"sources/{article_id}/text.txt"


def metadata_path(article_id: str) -> str:
    return f"sources/{article_id}/metadata.json"


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
        spans = content.page_maps.get(article.id)
        metadata = {
            **article.to_dict(with_text=False),
            "original_filename": original.filename if original else None,
            "pages": [span.to_dict() for span in spans] if spans else None,
        }
        articles.append(metadata)
        files[text_path(article.id)] = article.text.encode("utf-8")
        files[metadata_path(article.id)] = _dump(metadata)
        if original is not None:
            files[original_path(article.id, original.filename)] = original.content
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
            "version": schema.literal(VERSION),
            "software": schema.text(200),
            "exported_at": schema.timestamp,
            "articles": schema.array(MAX_ARTICLES),
            "annotations": schema.array(MAX_ANNOTATIONS),
            "links": schema.array(MAX_LINKS),
        },
    )
    page_maps: dict[str, tuple[PageSpan, ...]] = {}
    articles, originals = _articles(record["articles"], payload, page_maps)
    annotations, versions = _annotations(record["annotations"], articles)
    links = _links(record["links"], annotations)
    expected = {RECORD, *extra_files}
    for article in articles.values():
        expected |= {text_path(article.id), metadata_path(article.id)}
    for article_id, original in originals.items():
        expected.add(original_path(article_id, original.filename))
    unexpected = sorted(set(payload) - expected)
    if unexpected:
        raise BundleError(f"data/{unexpected[0]} is not part of a Sourcemark bundle")
    return BundleContent(
        tuple(articles.values()), originals, tuple(annotations.values()), links, versions, page_maps
    )


def _articles(
    items: list[Any], payload: Mapping[str, bytes], page_maps: dict[str, tuple[PageSpan, ...]]
) -> tuple[dict[str, Article], dict[str, Original]]:
    articles: dict[str, Article] = {}
    originals: dict[str, Original] = {}
    hashes: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"{RECORD}: article {number}"
        fields = schema.fields(item, where, _ARTICLE_FIELDS, may_omit=frozenset({"pages"}))
        article_id = fields["id"]
        if article_id in articles:
            raise BundleError(f"{where}: id {article_id} appears twice")
        if fields["text_sha256"] in hashes:
            raise BundleError(f"{where}: the same text appears twice")
        hashes.add(fields["text_sha256"])
        filename = fields.pop("original_filename")
        pages = fields.pop("pages")
        text = _source_text(payload, article_id, fields["text_sha256"], where)
        articles[article_id] = Article(**fields, text=text)
        if pages:
            page_maps[article_id] = _page_map(pages, len(text), f"{where}: pages")
        if filename is not None:
            originals[article_id] = _original(payload, article_id, filename, fields, where)
    return articles, originals


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
    data = payload.get(text_path(article_id))
    if data is None:
        raise BundleError(f"{where}: its text file data/{text_path(article_id)} is missing")
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
    items: list[Any], articles: Mapping[str, Article]
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
        _check_anchor(annotation, article.text, where)
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


_uuid, _sha256 = schema.text(36, _UUID), schema.text(64, _SHA256)

_ARTICLE_FIELDS: dict[str, schema.Check] = {
    "id": _uuid,
    "title": schema.text(_SHORT),
    "outlet": schema.text(_SHORT),
    "author": schema.text(_SHORT),
    "url": schema.text(_SHORT),
    "published": schema.text(10, _PUBLISHED),
    "imported_at": schema.timestamp,
    "source_format": schema.text(32, _FORMAT_NAME),
    "original_sha256": _sha256,
    "text_sha256": _sha256,
    "original_filename": schema.optional(schema.text(_SHORT)),
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
}
_LINK_FIELDS: dict[str, schema.Check] = {
    "from_id": _uuid,
    "to_id": _uuid,
    "relation": schema.choice(Relation),
    "created_at": schema.timestamp,
}
