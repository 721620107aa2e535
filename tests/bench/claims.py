"""Claim matching on the evaluation set in tests/fixtures/claims/: MAP@5 and recall@5 of
`similar --text`, beside plain BM25 (rank_bm25) and a raw Whoosh OR query over the same
passages, and how fast it answers.

The set: 60 claims written for it (each with a differently worded statement of the same claim
and a "near miss" that shares words but not the claim), 5 claims of the sample article (the
same), and 150 claims of the benchmark corpus with reworded, reordered, partly dropped
versions. The library holds them among every annotation of the corpus's first 1,000 articles.
A near miss should match nothing: it counts as rejected when nothing is shown for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcemark.app.importers import from_pasted_text
from sourcemark.app.library import Library
from sourcemark.app.opening import open_library
from tests.bench.generator import CorpusGenerator, GeneratedArticle
from tests.bench.measure import Stopwatch

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "claims"
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "ice-subpoenas-nyc.txt"
TOP = 5


@dataclass(frozen=True, slots=True)
class Query:
    statement: str
    expected: str | None  # the annotation id that states the same claim; None for a near miss


def build_library(library_dir: str, noise_articles: int) -> dict[str, Any]:
    """The evaluation library; returns its queries with the ids of the claims they match.
    (The corpus claims come from the seed recorded with them, whatever the run's seed.)"""
    pairs = json.loads((FIXTURES / "corpus.json").read_text(encoding="utf-8"))
    generator = CorpusGenerator(pairs["seed"])
    articles = noise_articles  # the set's corpus claims are in the first 1,000: fewer, fewer pairs
    queries: list[Query] = []
    # Built without the index (the outbox queues every change); opening it afterwards indexes
    # everything in one bulk sync.
    with open_library(Path(library_dir), with_index=False) as library:
        library.db.execute("PRAGMA synchronous = OFF")
        generated = [generator.article(number) for number in range(articles)]
        imported = library.import_many(
            (article.source(number) for number, article in enumerate(generated)),
            total=articles,
        ).value
        placed: dict[tuple[int, int], str] = {}
        for number, (article, result) in enumerate(zip(generated, imported, strict=True)):
            placed.update(_annotate(library, result.article.id, number, article))
        for pair in (p for p in pairs["pairs"] if p["article"] < articles):
            queries.append(Query(pair["paraphrase"], placed[(pair["article"], pair["start"])]))
        for item in json.loads((FIXTURES / "written.json").read_text(encoding="utf-8")):
            text = f"{item['claim']}."
            source = from_pasted_text(text).with_metadata(title=item["claim"][:60])
            article_id = library.import_source(source).value.article.id
            claim = library.annotate(
                article_id,
                "claim",
                0,
                len(item["claim"]),
                speaker=item["speaker"],
                verdict=item["verdict"],
            ).value
            queries += [Query(item["paraphrase"], claim.id), Query(item["near_miss"], None)]
        sample = library.import_source(
            from_pasted_text(SAMPLE.read_text(encoding="utf-8"))
        ).value.article.id
        for item in json.loads((FIXTURES / "sample.json").read_text(encoding="utf-8")):
            claim = library.annotate_quote(
                sample, "claim", item["quote"], speaker=item["speaker"], verdict=item["verdict"]
            ).value
            queries += [Query(item["paraphrase"], claim.id), Query(item["near_miss"], None)]
    open_library(Path(library_dir)).close()
    return {"queries": [[q.statement, q.expected] for q in queries]}


def _annotate(
    library: Library, article_id: str, number: int, article: GeneratedArticle
) -> dict[tuple[int, int], str]:
    placed = {}
    for planned in article.annotations:
        made = library.annotate(
            article_id,
            planned.kind,
            planned.start,
            planned.end,
            note=planned.note,
            speaker=planned.speaker,
            verdict=planned.verdict,
        ).value
        placed[(number, planned.start)] = made.id
    return placed


def evaluate(library_dir: str, queries: list[list[str | None]]) -> dict[str, Any]:
    """MAP@5 and recall@5 of Sourcemark and the two baselines, the near misses rejected, the
    similarity of each query's right claim and best wrong one (to place the threshold), and
    how long `similar --text` took."""
    from rank_bm25 import BM25Okapi

    asked = [Query(str(statement), expected) for statement, expected in queries]
    with open_library(Path(library_dir), read_only=True) as library:
        passages = library.db.execute("SELECT id, quote FROM annotations ORDER BY id").fetchall()
        ids = [row[0] for row in passages]
        bm25 = BM25Okapi([_plain_words(row[1]) for row in passages])
        whoosh = _whoosh_or(Path(library_dir).parent / "claims-whoosh", passages)
        ranked: dict[str, list[list[str]]] = {"sourcemark": [], "sourcemark_unthresholded": []}
        ranked["bm25"], ranked["whoosh_or"] = [], []
        samples, right, wrong = [], [], []
        for query in asked:
            clock = Stopwatch()
            found = library.similar_to_text(query.statement, limit=TOP)
            samples.append(clock.ms())
            ranked["sourcemark"].append([hit.annotation_id or "" for hit in found.hits])
            scored = _unthresholded(library, query.statement)
            ranked["sourcemark_unthresholded"].append([i for i, _ in scored[:TOP]])
            if query.expected is not None:
                right.append(dict(scored).get(query.expected, 0.0))
            wrong.append(max((s for i, s in scored if i != query.expected), default=0.0))
            scores = bm25.get_scores(_plain_words(query.statement))
            best = sorted(range(len(ids)), key=lambda i: -scores[i])[:TOP]
            ranked["bm25"].append([ids[i] for i in best])
            ranked["whoosh_or"].append(whoosh(query.statement))
    positives = [i for i, q in enumerate(asked) if q.expected is not None]
    metrics = {
        name: {
            "map5": _mean(_reciprocal_rank(lists[i], asked[i].expected) for i in positives),
            "recall5": _mean(float(asked[i].expected in lists[i]) for i in positives),
        }
        for name, lists in ranked.items()
    }
    negatives = [i for i, q in enumerate(asked) if q.expected is None]
    metrics["sourcemark"]["near_misses_rejected"] = _mean(
        float(not ranked["sourcemark"][i]) for i in negatives
    )
    return {
        "metrics": metrics,
        "pairs": len(positives),
        "near_misses": len(negatives),
        "samples_ms": samples,
        "right_similarity": right,
        "best_wrong_similarity": wrong,
        "expected": [q.expected for q in asked],
    }


def learnt_threshold(right: list[float], keep: float = 0.9) -> float:
    """The highest similarity threshold that still shows `keep` of the right matches."""
    ordered = sorted(right, reverse=True)
    return round(ordered[max(0, int(len(ordered) * keep) - 1)] - 0.005, 2)


def operating_point(result: dict[str, Any], threshold: float) -> dict[str, float]:
    """At a threshold: the share of right matches shown and of near misses answered with
    nothing (their best candidate below it)."""
    right = result["right_similarity"]
    wrong = [
        w
        for w, q in zip(result["best_wrong_similarity"], result["expected"], strict=True)
        if q is None
    ]
    return {
        "threshold": threshold,
        "right_shown": sum(s >= threshold for s in right) / len(right),
        "near_misses_rejected": sum(s < threshold for s in wrong) / len(wrong),
    }


def similar_text(library_dir: str, statements: list[str]) -> dict[str, Any]:
    """`similar --text` latency for each statement, after one warm-up round."""
    with open_library(Path(library_dir), read_only=True) as library:
        for statement in statements:
            library.similar_to_text(statement)
        samples = []
        for statement in statements:
            clock = Stopwatch()
            library.similar_to_text(statement)
            samples.append(clock.ms())
    return {"samples_ms": samples}


def statements() -> list[str]:
    """The written statements: reworded claims and near misses."""
    items = json.loads((FIXTURES / "written.json").read_text(encoding="utf-8"))
    return [item[key] for item in items for key in ("paraphrase", "near_miss")]


def _unthresholded(library: Library, statement: str) -> list[tuple[str, float]]:
    """Every candidate with its similarity, best first, the threshold not applied."""
    found = library.similar_to_text(statement, limit=50, min_score=0.0)
    return [(hit.annotation_id or "", hit.score) for hit in found.hits]


def _plain_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _whoosh_or(index_dir: Path, passages: list[tuple[str, str]]) -> Any:
    """Raw Whoosh: the passages in an index of its own, a statement's words joined by OR."""
    import shutil

    from whoosh import fields, index, qparser
    from whoosh.analysis import StemmingAnalyzer

    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=StemmingAnalyzer()))
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer()
    for passage_id, quote in passages:
        writer.add_document(id=passage_id, text=quote)
    writer.commit()
    searcher = ix.searcher()
    parser = qparser.QueryParser("text", schema, group=qparser.OrGroup)

    def search(statement: str) -> list[str]:
        parsed = parser.parse(" ".join(_plain_words(statement)))
        return [hit["id"] for hit in searcher.search(parsed, limit=TOP)]

    return search


def _reciprocal_rank(found: list[str], expected: str | None) -> float:
    return 1 / (found.index(expected) + 1) if expected in found else 0.0


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0
