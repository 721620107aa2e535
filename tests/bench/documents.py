"""Documents for the import benchmarks: saved news pages, text PDFs and scans, each measured
through Sourcemark's worker pool (`extract_files`) and by its parser alone in one process.

Saved pages are built like the pages a browser saves from a news site: a head with meta tags,
Open Graph and JSON-LD, inline style sheets and scripts, a navigation bar of some forty links,
the article (the corpus generator's text in paragraphs), related links, a most-read box,
comments and a footer; about 100-200 KB each.
"""

from __future__ import annotations

import html
import io
import json
import random
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.bench.generator import CorpusGenerator

_SECTIONS = ["Politics", "Business", "Climate", "World", "Culture", "Sport", "Opinion", "Local"]


def write_saved_pages(folder: Path, count: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed)
    paths = []
    for number in range(count):
        path = folder / f"page-{number:04d}.html"
        if not path.exists():
            path.write_text(_saved_page(generator, number), encoding="utf-8")
        paths.append(path)
    return paths


def _saved_page(generator: CorpusGenerator, number: int) -> str:
    article = generator.article(number)
    rng = random.Random(number)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.text.split("\n") if p)
    nav = "".join(
        f'<li><a href="https://news.example/{s.lower()}/{i}">{s} {i}</a></li>'
        for s in _SECTIONS
        for i in range(5)
    )
    # A mega-menu and a sitemap footer: real pages carry a few thousand elements of chrome.
    menu = "".join(
        f'<div class="menu-col"><h3>{s}</h3><ul>'
        + "".join(
            f'<li class="menu-item"><div class="wrap"><a href="https://news.example/{s}/{i}">'
            f'<span class="label">{s} topic {i}</span></a></div></li>'
            for i in range(30)
        )
        + "</ul></div>"
        for s in _SECTIONS
    )
    teasers = "".join(
        f'<div class="teaser"><div class="media"><img src="https://img.news.example/t{k}.jpg">'
        f'</div><div class="body"><h3><a href="https://news.example/t/{k}">'
        f"{html.escape(generator.article(number + 100 + k).title)}</a></h3>"
        f'<p class="standfirst">{html.escape(generator.article(number + 100 + k).text[:160])}'
        f'</p><span class="meta">{k} min read</span></div></div>'
        for k in range(24)
    )
    related = "".join(
        f'<li><a href="https://news.example/story/{rng.randrange(10**6)}">'
        f"{html.escape(generator.article(number + k + 1).title)}</a></li>"
        for k in range(8)
    )
    comments = "".join(
        f'<div class="comment"><span class="author">reader{rng.randrange(999)}</span>'
        f"<p>{html.escape(generator.article(number + 50 + k).text[:300])}</p></div>"
        for k in range(6)
    )
    style = "".join(
        f".c{k}{{margin:{k % 7}px;padding:{k % 5}px;color:#{k * 2731 % 0xFFFFFF:06x}}}\n"
        for k in range(1500)
    )
    script = "".join(
        f"window.__data{k}={json.dumps({'id': k, 'slot': f'ad-{k}', 'sizes': [[300, 250]]})};\n"
        for k in range(1200)
    )
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": article.published,
            "author": {"@type": "Person", "name": article.author},
            "publisher": {"@type": "Organization", "name": article.outlet},
        }
    )
    title = html.escape(article.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {html.escape(article.outlet)}</title>
<meta name="description" content="{html.escape(article.text[:150])}">
<meta property="og:title" content="{title}"><meta property="og:type" content="article">
<meta property="og:url" content="https://news.example/story/{number}">
<meta name="author" content="{html.escape(article.author)}">
<meta property="article:published_time" content="{article.published}">
<link rel="stylesheet" href="https://cdn.news.example/site.css">
<style>{style}</style>
<script type="application/ld+json">{jsonld}</script>
<script>{script}</script>
</head><body>
<header class="site-header"><div class="logo">{html.escape(article.outlet)}</div>
<nav class="main-nav"><ul>{nav}</ul><div class="mega-menu">{menu}</div></nav>
<form class="search"><input name="q"><button>Search</button></form></header>
<div class="ad-slot" id="top-ad"><iframe src="https://ads.example/slot"></iframe></div>
<main><article class="story">
<h1 class="headline">{title}</h1>
<div class="byline">By <a href="https://news.example/authors/{number}">{html.escape(article.author)}</a>
<time datetime="{article.published}">{article.published}</time></div>
<figure><img src="https://img.news.example/{number}.jpg"><figcaption>A photo.</figcaption></figure>
<div class="story-body">{paragraphs}</div>
<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>
</article>
<section class="comments"><h2>Comments</h2>{comments}</section></main>
<aside class="most-read"><h2>Most read</h2><ol>{related}</ol></aside>
<section class="more-stories"><h2>More stories</h2>{teasers}</section>
<footer class="site-footer"><div class="sitemap">{menu}</div><p>© {html.escape(article.outlet)}</p>
</footer>
<script src="https://cdn.news.example/app.js"></script>
</body></html>
"""


def write_text_pdfs(folder: Path, files: int, pages: int, seed: int) -> list[Path]:
    from tests.documents import Page, pdf

    folder.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed)
    paths = []
    for number in range(files):
        path = folder / f"report-{number:03d}-{pages}.pdf"
        if not path.exists():
            page_list = []
            for page in range(pages):
                words = generator.article(number * pages + page).text.split()
                lines = [" ".join(words[i : i + 13]) for i in range(0, 13 * 40, 13)]
                page_list.append(Page(lines=lines, header="AUDIT OFFICE", footer="Page {n}"))
            path.write_bytes(pdf(page_list))
        paths.append(path)
    return paths


def write_scan(folder: Path, pages: int, seed: int) -> Path:
    from tests.documents import scan

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scan-{pages}.pdf"
    if not path.exists():
        generator = CorpusGenerator(seed)
        texts = []
        for page in range(pages):
            words = generator.article(page).text.split()
            texts.append([" ".join(words[i : i + 9]) for i in range(0, 9 * 30, 9)])
        path.write_bytes(scan(texts))
    return path


# --- measured in child processes (see tests.bench.child) ---------------------------------------


def sourcemark_extract(files: list[str]) -> dict[str, Any]:
    """Every file through `extract_files` (the worker pool), as an import runs it."""
    from sourcemark.app.importers import extract_files
    from sourcemark.app.workers.pool import WorkerPool

    with WorkerPool() as pool:
        started = time.perf_counter()
        pages = failed = 0
        for _, outcome in extract_files([Path(f) for f in files], pool=pool):
            if isinstance(outcome, Exception):
                failed += 1
            else:
                pages += max(1, len(outcome.pages))
        seconds = time.perf_counter() - started
    return {"files": len(files), "pages": pages, "failed": failed, "seconds": seconds}


def trafilatura_alone(files: list[str]) -> dict[str, Any]:
    """trafilatura's own extraction with the importer's settings, one process, no isolation."""
    import trafilatura

    started = time.perf_counter()
    found = 0
    for name in files:
        page = Path(name).read_bytes().decode("utf-8")
        text = trafilatura.extract(
            page, include_comments=False, include_tables=True, deduplicate=False
        )
        found += bool(text)
    seconds = time.perf_counter() - started
    return {"files": len(files), "pages": len(files), "found": found, "seconds": seconds}


def pypdf_alone(files: list[str]) -> dict[str, Any]:
    """pypdf's layout-mode text of every page, one process, no isolation."""
    from pypdf import PdfReader

    started = time.perf_counter()
    pages = 0
    for name in files:
        for page in PdfReader(name).pages:
            page.extract_text(extraction_mode="layout")
            pages += 1
    return {"files": len(files), "pages": pages, "seconds": time.perf_counter() - started}


def tesseract_alone(files: list[str]) -> dict[str, Any]:
    """Each page drawn at 300 dpi with pypdfium2 and read by the tesseract command, one page
    after another in one process (Tesseract's own threads left at their default)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    started = time.perf_counter()
    pages = 0
    for name in files:
        document = pdfium.PdfDocument(name)
        for index in range(len(document)):
            image = document[index].render(scale=300 / 72, grayscale=True).to_pil()
            pixels = io.BytesIO()
            image.save(pixels, "PPM")
            subprocess.run(
                ["tesseract", "stdin", "stdout"],
                input=pixels.getvalue(),
                capture_output=True,
                check=True,
            )
            pages += 1
        document.close()
    return {"files": len(files), "pages": pages, "seconds": time.perf_counter() - started}
