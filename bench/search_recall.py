"""Recall@10 of each stemmer on our own Arabic titles and queries (docs/ranking.md).

A title matches a query by the number of query terms it contains (ties: title order), the
way the adapters' indexes rank; recall@10 is the share of the expected titles in the top
ten (of at most ten expected). Run: .venv/bin/python bench/search_recall.py
"""

from __future__ import annotations

import json
from importlib import resources

from microgigs.ranking import STEMMERS, tokens

TOP = 10


def load() -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """The titles (group, text) and the queries (text, groups) of the evaluation set."""
    data = json.loads(
        resources.files("microgigs.ranking").joinpath("search_eval.json").read_text("utf-8")
    )
    titles = [(group, title) for group, items in data["groups"].items() for title in items]
    return titles, [(query, groups) for query, groups in data["queries"]]


def recall(stem_name: str) -> tuple[float, list[tuple[str, float]]]:
    """Mean recall@10 of one stemmer, and each query's."""
    stem = STEMMERS[stem_name]
    titles, queries = load()
    indexed = [{stem(t) for t in tokens(text)} for _, text in titles]
    per_query = []
    for query, groups in queries:
        terms = {stem(t) for t in tokens(query)}
        scored = [(len(terms & index), -number) for number, index in enumerate(indexed)]
        ranked = [-n for score, n in sorted(scored, reverse=True) if score > 0][:TOP]
        expected = {n for n, (group, _) in enumerate(titles) if group in groups}
        per_query.append((query, len(expected & set(ranked)) / min(TOP, len(expected))))
    return sum(r for _, r in per_query) / len(per_query), per_query


def main() -> None:
    """Print each stemmer's recall@10 and the queries where they differ."""
    results = {name: recall(name) for name in STEMMERS}
    for name, (mean, _) in results.items():
        print(f"{name:<10} recall@10 = {mean:.3f}")
    names = list(results)
    for index, (query, _) in enumerate(results[names[0]][1]):
        values = [results[name][1][index][1] for name in names]
        if len(set(values)) > 1:
            print(
                f"  {query:<22} "
                + "  ".join(f"{n}={v:.2f}" for n, v in zip(names, values, strict=True))
            )


if __name__ == "__main__":
    main()
