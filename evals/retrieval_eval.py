"""Run the retrieval query set through BM25, dense and hybrid search and score it (R@1, R@5, MRR)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.retrieval_metrics import EvalQuery, MetricRow, first_hit_rank, per_qtype_table

MODES = ("bm25", "dense", "hybrid")


def run_queries(
    service: Any, queries: Sequence[EvalQuery], modes: Sequence[str], k: int = 10
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{mode: {query id: hits as JSON}} for every query and mode (filters of the query applied)."""
    from retrieval.service import hit_json

    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for mode in modes:
        per_query: dict[str, list[dict[str, Any]]] = {}
        for q in queries:
            hits = service.search(q.query, k=k, kind=q.kind, date=q.date, mode=mode)
            per_query[q.id] = [hit_json(h) for h in hits]
        out[mode] = per_query
    return out


def evaluate(
    service: Any, queries: Sequence[EvalQuery], modes: Sequence[str] = MODES, k: int = 10
) -> tuple[list[MetricRow], dict[str, dict[str, list[dict[str, Any]]]]]:
    results = run_queries(service, queries, modes, k)
    return per_qtype_table(results, queries), results


def misses(
    results: dict[str, dict[str, list[dict[str, Any]]]], queries: Sequence[EvalQuery], mode: str, k: int = 5
) -> list[tuple[EvalQuery, list[str]]]:
    """Queries without a gold unit in the top k of `mode`, with what came first instead (for error analysis)."""
    out = []
    for q in queries:
        hits = results[mode].get(q.id, [])
        if first_hit_rank(hits, q, k) is None:
            out.append((q, [h["unit_id"] for h in hits[:3]]))
    return out
