from __future__ import annotations

import pytest

from retrieval.fusion import rrf

CASES = [
    # (name, rankings, k, weights, expected ids in order, expected scores or None)
    ("empty", [], 60, None, [], []),
    ("one ranking keeps order", [["a", "b", "c"]], 60, None, ["a", "b", "c"], [1 / 61, 1 / 62, 1 / 63]),
    (
        "agreement wins",
        [["a", "b"], ["b", "a"], ["b"]],
        60,
        None,
        ["b", "a"],
        [2 / 61 + 1 / 62, 1 / 61 + 1 / 62],
    ),
    (
        "small k rewards the top",
        [["x", "y", "z"], ["z", "y", "x"]],
        1,
        None,
        ["x", "z", "y"],
        [0.75, 0.75, 2 / 3],
    ),
    # equal score (1/61 + 1/62 each) and equal best rank 1: the id decides
    ("tie broken by id", [["b", "a"], ["a", "b"]], 60, None, ["a", "b"], None),
    ("weights", [["a", "b"], ["b", "a"]], 60, [1.0, 3.0], ["b", "a"], [1 / 62 + 3 / 61, 1 / 61 + 3 / 62]),
    (
        "zero weight ignores a ranker but keeps its ids",
        [["a"], ["z"]],
        60,
        [1.0, 0.0],
        ["a", "z"],
        [1 / 61, 0.0],
    ),
    ("duplicate in one ranking counts once", [["a", "a", "b"]], 60, None, ["a", "b"], [1 / 61, 1 / 63]),
]


@pytest.mark.parametrize(
    ("name", "rankings", "k", "weights", "ids", "scores"), CASES, ids=[c[0] for c in CASES]
)
def test_rrf_table(
    name: str,
    rankings: list[list[str]],
    k: int,
    weights: list[float] | None,
    ids: list[str],
    scores: list[float] | None,
) -> None:
    fused = rrf(rankings, k=k, weights=weights)
    assert [i for i, _ in fused] == ids
    if scores is not None:
        assert [s for _, s in fused] == pytest.approx(scores)


def test_tie_broken_by_best_rank_before_id() -> None:
    # With k=1 the scores are exact binary fractions: z = 1/(1+1) = 0.5 and a = 2/(1+3) = 0.5.
    # z reached rank 1, a only rank 3, so z precedes a although "a" < "z".
    fused = rrf([["z"], ["x", "y", "a"]], k=1, weights=[1.0, 2.0])
    assert fused == [("x", 1.0), ("y", 2 / 3), ("z", 0.5), ("a", 0.5)]


def test_output_is_independent_of_input_order_of_rankings() -> None:
    a = rrf([["p", "q", "r"], ["r", "q", "p"]])
    b = rrf([["r", "q", "p"], ["p", "q", "r"]])
    assert a == b


@pytest.mark.parametrize(("k", "weights"), [(0, None), (-5, None), (60, [1.0])])
def test_invalid_arguments(k: int, weights: list[float] | None) -> None:
    with pytest.raises(ValueError, match="RRF"):
        rrf([["a"], ["b"]], k=k, weights=weights)
