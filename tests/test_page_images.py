"""Page images: drawn in the workers, cached in the library, rebuilt when missing; a hostile
PDF costs a clear reason per page, quickly, never a hang or a crash of the app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sourcemark.app import page_images
from sourcemark.app.errors import ImportFailed
from sourcemark.app.page_images import PageImages
from sourcemark.app.workers.pool import Limits, WorkerPool
from tests import documents, pdf_bytes
from tests.documents import Page

ARTICLE = "0b9f3f0e-3c8a-4a51-9d2b-2f0c8e0f4a10"


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(1) as workers:
        yield workers


def test_pages_are_drawn_once_and_cached_until_cleared(tmp_path: Path, pool: WorkerPool) -> None:
    images = PageImages(tmp_path, pool)
    data = documents.pdf([Page(lines=[f"Page {n} text."]) for n in range(1, 7)])
    drawn = dict(images.render(ARTICLE, data, [1, 2, 3, 4, 5, 6]))
    assert set(drawn) == {1, 2, 3, 4, 5, 6}
    for page, path in drawn.items():
        assert isinstance(path, Path) and path == images.cached(ARTICLE, page)
        assert path.read_bytes().startswith(b"\x89PNG")
    third = drawn[3]
    assert isinstance(third, Path)
    stamp = third.stat().st_mtime_ns
    again = dict(images.render(ARTICLE, b"not used: every page is cached", [3]))
    assert again == {3: third} and third.stat().st_mtime_ns == stamp
    images.clear(ARTICLE)
    assert images.cached(ARTICLE, 3) is None
    assert not list(tmp_path.rglob("*.partial"))


def test_a_page_the_pdf_lacks_gives_its_reason(tmp_path: Path, pool: WorkerPool) -> None:
    data = documents.pdf([Page(lines=["Only page."])])
    drawn = dict(PageImages(tmp_path, pool).render(ARTICLE, data, [1, 2]))
    assert isinstance(drawn[1], Path)
    assert isinstance(drawn[2], ImportFailed) and "no page 2" in str(drawn[2])


@pytest.mark.parametrize(
    "make",
    [pdf_bytes.looping_page_tree, pdf_bytes.exponential_page_tree, lambda: b"%PDF-1.4 junk"],
    ids=["looping-page-tree", "exponential-page-tree", "junk"],
)
def test_a_hostile_pdf_gives_each_page_a_reason(
    make: Callable[[], bytes], tmp_path: Path, pool: WorkerPool
) -> None:
    drawn = dict(PageImages(tmp_path, pool).render(ARTICLE, make(), [1, 2, 3]))
    assert set(drawn) == {1, 2, 3}
    assert all(isinstance(reason, ImportFailed) for reason in drawn.values())
    assert not list(tmp_path.rglob("*.png"))


def test_a_page_that_takes_too_long_is_given_up(
    tmp_path: Path, pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page_images, "RENDER_LIMITS", Limits(seconds=1))
    drawn = dict(PageImages(tmp_path, pool).render(ARTICLE, pdf_bytes.decompression_bomb(), [1]))
    assert isinstance(drawn[1], ImportFailed) and "gave up after 1 s" in str(drawn[1])


def test_an_article_id_never_names_a_path_outside_the_cache(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        PageImages(tmp_path).path("../../etc", 1)
