"""Bundles carry every version of a source and the WARC files of its captures, under the bag's
manifests, and bring them back whole into another library."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from sourcemark.app.bundles import export_bundle, import_bundle
from sourcemark.app.capture.fetch import FetchLimits
from sourcemark.app.capture.importing import import_urls
from sourcemark.app.capture.refetch import refetch
from sourcemark.app.capture.warc import read_records
from sourcemark.app.library import Library
from sourcemark.app.models import PassageStatus
from sourcemark.app.opening import open_library
from tests.web_server import WebServer, article_page

QUICK = FetchLimits(connect_seconds=2, read_seconds=2, total_seconds=10)
FIRST = ["The mayor said the harbour is the safest in the country.", "Second paragraph stays."]
SECOND = [
    "The mayor said the harbour is one of the safest in the country.",
    "Second paragraph stays.",
]


def test_versions_and_warc_files_travel_in_a_bundle(
    library: Library, web: WebServer, tmp_path: Path
) -> None:
    url = web.serve("/story", article_page("Harbour", FIRST))
    article_id = import_urls(library, [url], limits=QUICK).value.article_ids[0]
    note = library.annotate_quote(article_id, "quote", "the harbour is the safest in the country")
    web.serve("/story", article_page("Harbour", SECOND))
    refetch(library, [article_id], limits=QUICK)
    out = tmp_path / "story.zip"
    export_bundle(library, out)

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = archive.read("story/manifest-sha256.txt").decode()
        warcs = [n for n in names if n.endswith(".warc.gz")]
        assert len(warcs) == 2
        for name in warcs:
            digest = hashlib.sha256(archive.read(name)).hexdigest()
            assert f"{digest}  {name.removeprefix('story/')}" in manifest
        assert f"story/data/sources/{article_id}/versions/1.txt" in names

    with open_library(tmp_path / "theirs") as theirs:
        import_bundle(theirs, out)
        assert [v.number for v in theirs.versions(article_id)] == [1, 2]
        assert theirs.version_text(article_id, 1) == library.version_text(article_id, 1)
        assert theirs.article(article_id).text == library.article(article_id).text
        mine, copied = library.captures(article_id), theirs.captures(article_id)
        assert copied == mine
        for capture in copied:
            records = list(read_records(theirs.capture_warc(capture.id)))
            assert [r.status for r in records if r.type == "response"] == [200]
        moved = theirs.annotation(note.value.id)
        assert (moved.status, moved.version) == (PassageStatus.EDITED, 2)
        assert moved.annotated_quote == "the harbour is the safest in the country"
        counts = import_bundle(theirs, out).value  # a second time changes nothing
        assert (counts.added, counts.articles_added) == (0, 0)


def test_a_colleague_who_had_the_first_version_gets_the_refetched_one(
    library: Library, web: WebServer, tmp_path: Path
) -> None:
    url = web.serve("/story", article_page("Harbour", FIRST))
    article_id = import_urls(library, [url], limits=QUICK).value.article_ids[0]
    note = library.annotate_quote(article_id, "quote", "the harbour is the safest in the country")
    export_bundle(library, tmp_path / "before.zip")
    with open_library(tmp_path / "theirs") as theirs:
        import_bundle(theirs, tmp_path / "before.zip")  # the colleague has version 1
        web.serve("/story", article_page("Harbour", SECOND))
        refetch(library, [article_id], limits=QUICK)  # the reporter refetches: version 2
        export_bundle(library, tmp_path / "after.zip")

        report = import_bundle(theirs, tmp_path / "after.zip").value
        assert report.versions_added == 1 and report.updated == 1 and report.conflicting == 0
        assert [v.number for v in theirs.versions(article_id)] == [1, 2]
        assert theirs.article(article_id).text == library.article(article_id).text
        assert theirs.captures(article_id) == library.captures(article_id)
        assert theirs.annotation(note.value.id) == library.annotation(note.value.id)
        again = import_bundle(theirs, tmp_path / "after.zip").value
        assert (again.versions_added, again.updated) == (0, 0)
