"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): score(d) = Σ wᵢ / (k + rankᵢ(d))."""

from __future__ import annotations

from collections.abc import Sequence


def rrf(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists (best first) into one list of (id, score), best first.

    Ranks are 1-based; an id repeated within one ranking counts only at its first position. Ties in score
    are broken by the best (smallest) rank the id reached in any ranking, then by the id itself, so the
    output never depends on dict or set ordering.
    """
    if k <= 0:
        raise ValueError(f"RRF 参数 k 必须为正数（收到 {k}）。")
    if weights is None:
        weights = [1.0] * len(rankings)
    elif len(weights) != len(rankings):
        raise ValueError(f"RRF 权重个数（{len(weights)}）与排序列表个数（{len(rankings)}）不一致。")
    scores: dict[str, float] = {}
    best_rank: dict[str, int] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        seen: set[str] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            if rank < best_rank.get(item, rank + 1):
                best_rank[item] = rank
    return sorted(scores.items(), key=lambda kv: (-kv[1], best_rank[kv[0]], kv[0]))
